/*
 * check_httpcond.c - HTTP dates, If-None-Match lists, the 304 decision.
 */
#include <string.h>

#include "check_main.h"
#include "httpcond.h"

/* Expected values computed independently with Python's
 * email.utils.formatdate(t, usegmt=True). */
static const struct {
	int64_t usec;
	const char *date;
} dates[] = {
	{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ 784111777000000LL, "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ 784111777999999LL, "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ 951782400000000LL, "Tue, 29 Feb 2000 00:00:00 GMT" },
	{ 1798761599000000LL, "Thu, 31 Dec 2026 23:59:59 GMT" },
	{ -1LL, "Wed, 31 Dec 1969 23:59:59 GMT" },
};

START_TEST(test_date_format)
{
	char buf[FTX_HTTPDATE_LEN];

	ftx_httpcond_date_format(dates[_i].usec, buf);
	ck_assert_str_eq(buf, dates[_i].date);
}
END_TEST

START_TEST(test_date_round_trip)
{
	int64_t usec = 42;

	ck_assert_int_eq(ftx_httpcond_date_parse(dates[_i].date, &usec), 0);
	ck_assert_int_eq(usec, dates[_i].usec -
	    (dates[_i].usec % 1000000 + 1000000) % 1000000);
}
END_TEST

static const char *const bad_dates[] = {
	"",
	"Sunday, 06-Nov-94 08:49:37 GMT",	/* RFC 850: obsolete */
	"Sun Nov  6 08:49:37 1994",		/* asctime: obsolete */
	"Sun, 06 Nov 1994 08:49:37 UTC",
	"Sun, 06 Nov 1994 08:49:37 GMT ",
	" Sun, 06 Nov 1994 08:49:37 GMT",
	"Sun, 6 Nov 1994 08:49:37 GMT",
	"Xyz, 06 Nov 1994 08:49:37 GMT",
	"Sun, 06 Nop 1994 08:49:37 GMT",
	"sun, 06 nov 1994 08:49:37 GMT",
	"Sun, 31 Feb 1994 08:49:37 GMT",
	"Sun, 06 Nov 1994 24:00:00 GMT",
	"Sun, 06 Nov 1994 08:60:00 GMT",
	"Sun, 06 Nov 1994 08:49:60 GMT",
	"Sun, 00 Nov 1994 08:49:37 GMT",
	"Sun, 06 Nov 0000 08:49:37 GMT",
	"Sun, 06 Nov 1994 08:49:37 GMT\r\nX: y",
	"Sun, 06 Nov 1994 08-49-37 GMT",
};

START_TEST(test_date_refused)
{
	int64_t usec = 42;

	ck_assert_int_eq(ftx_httpcond_date_parse(bad_dates[_i], &usec), -1);
	ck_assert_int_eq(usec, 42);
}
END_TEST

#define TAG "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static const struct {
	const char *inm;
	int match;
} etags[] = {
	{ "\"" TAG "\"", 1 },
	{ "W/\"" TAG "\"", 1 },			/* weak comparison */
	{ "*", 1 },
	{ " * ", 1 },
	{ "\"a\", \"" TAG "\"", 1 },
	{ "\"a\",\"b\" ,\t\"" TAG "\"  ", 1 },
	{ "\"a\", \"b\"", 0 },
	{ TAG, 0 },				/* not quoted */
	{ "\"" TAG, 0 },
	{ "\"" TAG "x\"", 0 },
	{ "\"x" TAG "\"", 0 },
	{ "\"" TAG "\" junk", 0 },
	{ "\"" TAG "\",", 0 },
	{ "", 0 },
	{ "*, \"a\"", 0 },
	{ "w/\"" TAG "\"", 0 },
	{ "\"\"", 0 },
};

START_TEST(test_etag_match)
{
	ck_assert_int_eq(ftx_httpcond_etag_match(etags[_i].inm, TAG),
	    etags[_i].match);
}
END_TEST

#define LM	784111777250000LL	/* Sun, 06 Nov 1994 08:49:37.25 GMT */

static const struct {
	const char *inm, *ims;
	int not_modified;
} conds[] = {
	{ NULL, NULL, 0 },
	{ "\"" TAG "\"", NULL, 1 },
	{ "\"other\"", NULL, 0 },
	{ NULL, "Sun, 06 Nov 1994 08:49:37 GMT", 1 },	/* same second */
	{ NULL, "Sun, 06 Nov 1994 08:49:38 GMT", 1 },
	{ NULL, "Sun, 06 Nov 1994 08:49:36 GMT", 0 },
	{ NULL, "yesterday", 0 },			/* ignored */
	/* If-None-Match decides alone (RFC 9110 13.2.2). */
	{ "\"other\"", "Sun, 06 Nov 1994 08:49:38 GMT", 0 },
	{ "\"" TAG "\"", "Sun, 06 Nov 1994 08:49:36 GMT", 1 },
};

START_TEST(test_not_modified)
{
	ck_assert_int_eq(ftx_httpcond_not_modified(conds[_i].inm,
	    conds[_i].ims, TAG, LM), conds[_i].not_modified);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("httpcond");
	TCase *tc = tcase_create("dates");
	TCase *tc2 = tcase_create("conditions");

	tcase_add_loop_test(tc, test_date_format, 0,
	    sizeof(dates) / sizeof(dates[0]));
	tcase_add_loop_test(tc, test_date_round_trip, 0,
	    sizeof(dates) / sizeof(dates[0]));
	tcase_add_loop_test(tc, test_date_refused, 0,
	    sizeof(bad_dates) / sizeof(bad_dates[0]));
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tc2, test_etag_match, 0,
	    sizeof(etags) / sizeof(etags[0]));
	tcase_add_loop_test(tc2, test_not_modified, 0,
	    sizeof(conds) / sizeof(conds[0]));
	suite_add_tcase(s, tc2);
	return s;
}
