/*
 * check_readymail.c - subject and body of the ready e-mail.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "readymail.h"
#include "sink.h"

#define PLAIN	ftx_sink_format(FTX_SINK_PLAIN)

START_TEST(test_subject)
{
	char *s = ftx_readymail_subject("4b0c5e0e-7a7a-4c1e-9d5b-000000000001");

	ck_assert_str_eq(s, "Funding transfers export "
	    "4b0c5e0e-7a7a-4c1e-9d5b-000000000001 is ready");
	free(s);
}
END_TEST

START_TEST(test_body_with_filters)
{
	char *b = ftx_readymail_body("abc", "https://x.example/dl?e=1&s=2",
	    1767225600LL, 1234, "{\"createdAtFrom\":\"2026-01-01T00:00:00Z\","
	    "\"statuses\":[\"COMPLETED\",\"FAILED\"],\"currency\":\"EUR\"}",
	    PLAIN);

	ck_assert_str_eq(b, "Hello,\n\n"
	    "Your funding transfers export abc is ready.\n\n"
	    "Download it here:\nhttps://x.example/dl?e=1&s=2\n\n"
	    "The link expires on 2026-01-01T00:00:00Z (UTC).\n"
	    "Rows: 1234\n"
	    "Filters:\n"
	    "  createdAtFrom: 2026-01-01T00:00:00Z\n"
	    "  statuses: COMPLETED, FAILED\n"
	    "  currency: EUR\n"
	    "\nAnyone holding this link can download the file until it "
	    "expires: share it\nonly with people who may see these "
	    "transfers.\n");
	free(b);
}
END_TEST

START_TEST(test_body_without_filters)
{
	char *b = ftx_readymail_body("abc", "u", 0, 0, "{}", PLAIN);

	ck_assert_ptr_nonnull(strstr(b, "Rows: 0\nFilters:\n  none (every "
	    "transfer you may see)\n"));
	ck_assert_ptr_nonnull(strstr(b, "expires on 1970-01-01T00:00:00Z"));
	free(b);
	b = ftx_readymail_body("abc", "u", 0, 0, "not json", PLAIN);
	ck_assert_ptr_nonnull(strstr(b, "  none"));
	free(b);
}
END_TEST

/* Issue 10: a filter value held CR LF and the CC'd reader saw a line of
 * the attacker's under the real link.  The API refuses such values now;
 * the mail shows one line per filter whatever is stored. */
START_TEST(test_body_injection)
{
	char *b = ftx_readymail_body("abc", "https://x.example/dl", 0, 1,
	    "{\"reference\":\"x\\r\\nDownload it here instead: "
	    "http://evil.example/\",\"bad\\nkey\":[\"a\\u0001\",5,null],"
	    "\"n\":null}", PLAIN);

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_null(strstr(b, "\nDownload it here instead"));
	ck_assert_ptr_nonnull(strstr(b, "Filters:\n"
	    "  reference: x\\x0d\\x0aDownload it here instead: "
	    "http://evil.example/\n"
	    "  bad\\x0akey: a\\x01, 5, null\n"
	    "  n: null\n\n"));
	free(b);
}
END_TEST

START_TEST(test_body_no_fractions)
{
	char *b = ftx_readymail_body("abc", "u", 0, 1,
	    "{\"createdAtTo\":\"2026-01-31T23:59:59.999999Z\","
	    "\"createdAtFrom\":\"2026-01-01T10:00:00.5Z\"}", PLAIN);

	ck_assert_ptr_nonnull(strstr(b, "Filters:\n"
	    "  createdAtFrom: 2026-01-01T10:00:00Z\n"
	    "  createdAtTo: 2026-01-31T23:59:59Z\n\n"));
	free(b);
}
END_TEST

/* A gzip export says so, in one line naming the file; a plain one
 * mentions no compression. */
START_TEST(test_body_gzip)
{
	char *b = ftx_readymail_body("abc", "https://x.example/dl", 0, 1, "{}",
	    ftx_sink_format(FTX_SINK_GZIP));

	ck_assert_ptr_nonnull(strstr(b, "Download it here:\n"
	    "https://x.example/dl\n\n"
	    "The file is gzip-compressed CSV (funding-transfers-abc.csv.gz).\n"
	    "The link expires on "));
	free(b);
	b = ftx_readymail_body("abc", "u", 0, 1, "{}", PLAIN);
	ck_assert_ptr_null(strstr(b, "compressed"));
	ck_assert_ptr_null(strstr(b, ".csv"));
	free(b);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("readymail");
	TCase *tc = tcase_create("readymail");

	tcase_add_test(tc, test_subject);
	tcase_add_test(tc, test_body_with_filters);
	tcase_add_test(tc, test_body_without_filters);
	tcase_add_test(tc, test_body_injection);
	tcase_add_test(tc, test_body_no_fractions);
	tcase_add_test(tc, test_body_gzip);
	suite_add_tcase(s, tc);
	return s;
}
