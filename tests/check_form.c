/*
 * check_form.c - query-string splitting and percent-decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "form.h"

static const struct {
	const char *in;
	long len;		/* -1 = bad escape */
	const char *out;
} decode_cases[] = {
	{ "", 0, "" },
	{ "abc", 3, "abc" },
	{ "a+b", 3, "a b" },
	{ "a%20b", 3, "a b" },
	{ "%2B05%3A00", 6, "+05:00" },
	{ "%e2%82%ac", 3, "\xe2\x82\xac" },
	{ "%E2%82%AC", 3, "\xe2\x82\xac" },
	{ "%ff%fe", 2, "\xff\xfe" },
	{ "100%", -1, NULL },
	{ "%4", -1, NULL },
	{ "%zz", -1, NULL },
	{ "%g0", -1, NULL },
	{ "a%00b", 3, "a\0b" },
	{ "%%", -1, NULL },
	{ "' OR 1=1 --", 11, "' OR 1=1 --" },
	{ "x%0D%0ADownload", 11, "x\r\nDownload" },
	{ "a%01b", 3, "a\001b" },
	{ "a%7Fb", 3, "a\177b" },
	{ "a%09b", 3, "a\tb" },
};

START_TEST(test_decode)
{
	const char *in = decode_cases[_i].in;
	char *out, *text;
	size_t n;
	int rc;

	rc = ftx_form_decode(in, strlen(in), &out, &n);
	text = ftx_form_decode_text(in, strlen(in));
	if (decode_cases[_i].len < 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(out);
		ck_assert_ptr_null(text);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq((long)n, decode_cases[_i].len);
	ck_assert_mem_eq(out, decode_cases[_i].out, n + 1);
	if (strcspn(out, "\001\002\003\004\005\006\007\010\011\012\013"
	    "\014\015\016\017\020\021\022\023\024\025\026\027\030\031"
	    "\032\033\034\035\036\037\177") < n || memchr(out, '\0', n))
		ck_assert_ptr_null(text);	/* text: no control character */
	else
		ck_assert_str_eq(text, out);
	free(out);
	free(text);
}
END_TEST

static const struct {
	const char *query;
	const char *pairs;	/* "k=v|k=v|" as split */
} split_cases[] = {
	{ "", "" },
	{ "a=1", "a=1|" },
	{ "a=1&b=2", "a=1|b=2|" },
	{ "&&a=1&&b&", "a=1|b=|" },
	{ "a==1&=x", "a==1|=x|" },
	{ "statuses=PENDING,FAILED&statuses=COMPLETED",
	  "statuses=PENDING,FAILED|statuses=COMPLETED|" },
};

START_TEST(test_split)
{
	const char *q = split_cases[_i].query, *k, *v;
	char got[256] = "";
	size_t klen, vlen;

	while (ftx_form_next(&q, &k, &klen, &v, &vlen)) {
		strncat(got, k, klen);
		strcat(got, "=");
		strncat(got, v, vlen);
		strcat(got, "|");
	}
	ck_assert_str_eq(got, split_cases[_i].pairs);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc = tcase_create("form");

	tcase_add_loop_test(tc, test_decode, 0,
	    sizeof(decode_cases) / sizeof(decode_cases[0]));
	tcase_add_loop_test(tc, test_split, 0,
	    sizeof(split_cases) / sizeof(split_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
