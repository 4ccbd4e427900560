/*
 * check_utf8.c - strict UTF-8 validation.
 */
#include <string.h>

#include "check_main.h"
#include "utf8.h"

static const struct {
	const char *s;
	int valid;
} cases[] = {
	{ "", 1 },
	{ "plain ASCII", 1 },
	{ "Caf\xc3\xa9 M\xc3\xbcller", 1 },
	{ "\xe2\x82\xac", 1 },			/* U+20AC */
	{ "\xf0\x9f\x98\x80", 1 },		/* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", 1 },		/* U+10FFFF */
	{ "\xc3", 0 },				/* truncated */
	{ "\xe2\x82", 0 },
	{ "\xff\xfe", 0 },
	{ "\xc0\xaf", 0 },			/* overlong '/' */
	{ "\xe0\x80\xaf", 0 },			/* overlong */
	{ "\xed\xa0\x80", 0 },			/* surrogate U+D800 */
	{ "\xf4\x90\x80\x80", 0 },		/* past U+10FFFF */
	{ "\x80", 0 },				/* lone continuation */
	{ "ok\xc3\xa9then\xa9", 0 },
};

START_TEST(test_table)
{
	ck_assert_int_eq(ftx_utf8_valid(cases[_i].s, strlen(cases[_i].s)),
	    cases[_i].valid);
}
END_TEST

START_TEST(test_nul_is_utf8)
{
	ck_assert_int_eq(ftx_utf8_valid("a\0b", 3), 1);
}
END_TEST

START_TEST(test_control)
{
	ck_assert_int_eq(ftx_utf8_has_control("plain \xc3\xa9", 8), 0);
	ck_assert_int_eq(ftx_utf8_has_control("a\r\nb", 4), 1);
	ck_assert_int_eq(ftx_utf8_has_control("a\x01", 2), 1);
	ck_assert_int_eq(ftx_utf8_has_control("a\x1f", 2), 1);
	ck_assert_int_eq(ftx_utf8_has_control("a\x7f", 2), 1);
	ck_assert_int_eq(ftx_utf8_has_control("a\0b", 3), 1);
	ck_assert_int_eq(ftx_utf8_has_control("\xc2\x85", 2), 0); /* U+0085 */
	ck_assert_int_eq(ftx_utf8_text_ok("caf\xc3\xa9", 5), 1);
	ck_assert_int_eq(ftx_utf8_text_ok("caf\xc3", 4), 0);
	ck_assert_int_eq(ftx_utf8_text_ok("x\r\nDownload", 12), 0);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_loop_test(tc, test_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_nul_is_utf8);
	tcase_add_test(tc, test_control);
	suite_add_tcase(s, tc);
	return s;
}
