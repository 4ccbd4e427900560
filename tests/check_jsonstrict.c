/*
 * check_jsonstrict.c - the strict RFC 8259 check of request bodies.
 */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "jsonstrict.h"

static const struct {
	const char	*text;
	size_t		 pos;		/* of the problem; ignored when valid */
	const char	*why;		/* NULL: valid */
} cases[] = {
	{ "{}", 0, NULL },
	{ " {\"filters\":{},\"cc\":[\"a@x.example\"]}\r\n", 0, NULL },
	{ "[1,-0,0.5,1e9,-2E-3,1.5e+2,true,false,null,\"\"]", 0, NULL },
	{ "\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\"",
	  0, NULL },
	{ "5", 0, NULL },
	{ "{\"a\":{\"a\":1},\"b\":[{\"a\":1,\"b\":2}]}", 0, NULL },
	{ "{\"a\":1,\"A\":2}", 0, NULL },
	/* Issue 10: single quotes, a raw U+0001, duplicates. */
	{ "{'filters': {}}", 1, "a key that is not a double-quoted string" },
	{ "{\"filters\":'x'}", 11, "a single quote" },
	{ "{\"reference\":\"a\x01" "b\"}", 15, "a control character in a string" },
	{ "{\"reference\":\"a\nb\"}", 15, "a control character in a string" },
	{ "{\"reference\":\"a\tb\"}", 15, "a control character in a string" },
	{ "{\"a\":1,\"a\":2}", 7, "a duplicate key" },
	{ "{\"a\":1,\"\\u0061\":2}", 7, "a duplicate key" },
	{ "{\"\xc3\xa9\":1,\"\\u00e9\":2}", 8, "a duplicate key" },
	{ "{\"x\":{\"b\":[{\"c\":1,\"c\":1}]}}", 18, "a duplicate key" },
	/* Everything else RFC 8259 does not allow. */
	{ "", 0, "a missing value" },
	{ "  ", 2, "a missing value" },
	{ "{\"a\":1,}", 7, "a trailing comma" },
	{ "[1,]", 3, "a trailing comma" },
	{ "{\"a\":1 /* c */}", 7, "a missing comma or closing brace" },
	{ "// c\n{}", 0, "a comment" },
	{ "{a:1}", 1, "a key that is not a double-quoted string" },
	{ "[NaN]", 1, "a bare word" },
	{ "[Infinity]", 1, "a bare word" },
	{ "[-Infinity]", 2, "a malformed number" },
	{ "[tru]", 1, "a bare word" },
	{ "[01]", 2, "a missing comma or closing bracket" },
	{ "[1.]", 3, "a malformed number" },
	{ "[.5]", 1, "an unexpected character" },
	{ "[+1]", 1, "an unexpected character" },
	{ "[1e]", 3, "a malformed number" },
	{ "[0x10]", 2, "a missing comma or closing bracket" },
	{ "\"\\x41\"", 2, "an invalid escape" },
	{ "\"\\u12\"", 5, "an invalid \\u escape" },
	{ "\"\\ud800\"", 7, "a lone surrogate" },
	{ "\"\\udc00\"", 7, "a lone surrogate" },
	{ "\"\\ud800\\u0041\"", 13, "a lone surrogate" },
	{ "\"\xc3\"", 1, "invalid UTF-8" },
	{ "\"\xc0\xaf\"", 1, "invalid UTF-8" },
	{ "\"\xed\xa0\x80\"", 1, "invalid UTF-8" },
	{ "\"\xff\"", 1, "invalid UTF-8" },
	{ "\"abc", 4, "an unterminated string" },
	{ "{\"a\" 1}", 5, "a missing colon" },
	{ "{} {}", 3, "text after the value" },
	{ "{}x", 2, "text after the value" },
	{ "[1 2]", 3, "a missing comma or closing bracket" },
	{ "\xef\xbb\xbf{}", 0, "an unexpected character" },
	{ "{\"a\":1}\f", 7, "text after the value" },
};

START_TEST(test_table)
{
	const char *why = NULL;
	size_t pos = 0;
	int rc;

	rc = ftx_jsonstrict_check(cases[_i].text, strlen(cases[_i].text),
	    &pos, &why);
	if (cases[_i].why == NULL) {
		ck_assert_msg(rc == 0, "%s: %s at %zu", cases[_i].text,
		    why != NULL ? why : "?", pos);
		return;
	}
	ck_assert_msg(rc == -1, "%s: accepted", cases[_i].text);
	ck_assert_str_eq(why, cases[_i].why);
	ck_assert_uint_eq(pos, cases[_i].pos);
}
END_TEST

START_TEST(test_nul)
{
	/* The length decides: a NUL is refused inside and outside strings. */
	ck_assert_int_eq(ftx_jsonstrict_check("\"a\0b\"", 5, NULL, NULL), -1);
	ck_assert_int_eq(ftx_jsonstrict_check("{}\0", 3, NULL, NULL), -1);
	ck_assert_int_eq(ftx_jsonstrict_check("{}\0", 2, NULL, NULL), 0);
}
END_TEST

START_TEST(test_depth)
{
	char buf[2 * FTX_JSONSTRICT_DEPTH_MAX + 3];
	size_t n = FTX_JSONSTRICT_DEPTH_MAX;
	const char *why = NULL;

	memset(buf, '[', n);
	memset(buf + n, ']', n);
	ck_assert_int_eq(ftx_jsonstrict_check(buf, 2 * n, NULL, NULL), 0);
	memset(buf, '[', n + 1);
	memset(buf + n + 1, ']', n + 1);
	ck_assert_int_eq(ftx_jsonstrict_check(buf, 2 * n + 2, NULL, &why), -1);
	ck_assert_str_eq(why, "nesting too deep");
}
END_TEST

START_TEST(test_members)
{
	char buf[16 * (FTX_JSONSTRICT_MEMBERS_MAX + 1) + 2];
	const char *why = NULL;
	size_t len = 0;
	int k;

	buf[len++] = '{';
	for (k = 0; k < FTX_JSONSTRICT_MEMBERS_MAX; k++)
		len += (size_t)sprintf(buf + len, "%s\"k%d\":%d", k ? "," : "",
		    k, k);
	buf[len] = '}';
	ck_assert_int_eq(ftx_jsonstrict_check(buf, len + 1, NULL, NULL), 0);
	len += (size_t)sprintf(buf + len, ",\"last\":0}");
	ck_assert_int_eq(ftx_jsonstrict_check(buf, len, NULL, &why), -1);
	ck_assert_str_eq(why, "too many members in one object");
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("jsonstrict");
	TCase *tc = tcase_create("jsonstrict");

	tcase_add_loop_test(tc, test_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_members);
	suite_add_tcase(s, tc);
	return s;
}
