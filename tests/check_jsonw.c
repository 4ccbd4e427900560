/*
 * check_jsonw.c - the JSON writer: escaping, structure, buffer reuse; its
 * strings parse back with json-c to what was written.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "check_main.h"
#include "jsonw.h"

static const struct {
	const char *in, *out;
} strings[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "a/b", "\"a/b\"" },
	{ "l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\"" },
	{ "\b\f\x01\x1f", "\"\\b\\f\\u0001\\u001f\"" },
	{ "Caf\xc3\xa9 \xe2\x82\xac", "\"Caf\xc3\xa9 \xe2\x82\xac\"" },
	{ "=SUM(A1);\"x\"", "\"=SUM(A1);\\\"x\\\"\"" },
	{ "\x7f", "\"\x7f\"" },
};

START_TEST(test_strings)
{
	struct ftx_jsonw w = { 0 };
	struct json_object *back;

	ftx_jsonw_string(&w, strings[_i].in);
	ck_assert_int_eq(w.oom, 0);
	ck_assert_str_eq(w.buf, strings[_i].out);
	back = json_tokener_parse(w.buf);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(json_object_get_string(back), strings[_i].in);
	json_object_put(back);
	ftx_jsonw_free(&w);
}
END_TEST

START_TEST(test_structure_and_reuse)
{
	struct ftx_jsonw w = { 0 };
	char *first;
	int i;

	for (i = 0; i < 2; i++) {
		ftx_jsonw_reset(&w);
		ftx_jsonw_lit(&w, "{\"a\":");
		ftx_jsonw_int(&w, INT64_MIN);
		ftx_jsonw_lit(&w, ",\"b\":");
		ftx_jsonw_string(&w, NULL);
		ftx_jsonw_lit(&w, ",\"c\":");
		ftx_jsonw_int(&w, 42);
		ftx_jsonw_lit(&w, "}");
		ck_assert_str_eq(w.buf,
		    "{\"a\":-9223372036854775808,\"b\":null,\"c\":42}");
		if (i == 0)
			first = w.buf;
		else
			ck_assert_ptr_eq(w.buf, first);	/* memory kept */
	}
	ftx_jsonw_free(&w);
	ftx_jsonw_free(NULL);
}
END_TEST

START_TEST(test_growth)
{
	struct ftx_jsonw w = { 0 };
	char big[10001];
	int i;

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 20; i++)
		ftx_jsonw_string(&w, big);
	ck_assert_int_eq(w.oom, 0);
	ck_assert_uint_eq(w.len, 20 * (2 * 10000 + 2));
	ck_assert_uint_eq(strlen(w.buf), w.len);
	ftx_jsonw_free(&w);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");

	tcase_add_loop_test(tc, test_strings, 0,
	    sizeof(strings) / sizeof(strings[0]));
	tcase_add_test(tc, test_structure_and_reuse);
	tcase_add_test(tc, test_growth);
	suite_add_tcase(s, tc);
	return s;
}
