/*
 * check_api.c - the request helpers of api.c that need no database:
 * the caller's own query parameters and the page size.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "apierr.h"
#include "check_main.h"
#include "jsonstrict.h"
#include "utf8.h"

static const char *const own[] = { "size", "cursor", "status", NULL };

/* The serialised error body of errs (emptied), malloc'd. */
static char *
errors_text(struct ftx_apierrs *errs)
{
	struct json_object *body = ftx_apierrs_body(errs);
	char *text;

	ck_assert_ptr_nonnull(body);
	text = strdup(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(body);
	return text;
}

START_TEST(test_own_params)
{
	char *values[3] = { NULL, NULL, NULL };
	struct ftx_apierrs errs;
	int i;

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ftx_api_own_params("size=5&cursor=a%2Bb&status=READY", own, values,
	    &errs);
	ck_assert_int_eq(errs.count, 0);
	ck_assert_str_eq(values[0], "5");
	ck_assert_str_eq(values[1], "a+b");
	ck_assert_str_eq(values[2], "READY");
	ftx_api_own_params("size=6&colour=red&status=%0a", own, values, &errs);
	ck_assert_int_eq(errs.count, 3);	/* repeated, unknown, control */
	for (i = 0; i < 3; i++)
		free(values[i]);
	ftx_apierrs_free(&errs);
}
END_TEST

/* Found by tests/fuzz/fuzz_query_filters: a parameter name that is not
 * UTF-8 ("\xf5" + "1", raw or %F5) was echoed as the error's field, and
 * the error body was no longer JSON. */
START_TEST(test_own_params_not_utf8)
{
	static const char *const queries[] = { "\xf5" "1", "%F51=2",
	    "size=1&%C3=x", "%ED%A0%80=1" };
	char *values[3] = { NULL, NULL, NULL };
	struct ftx_apierrs errs;
	char *text;
	size_t q;

	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
		ftx_api_own_params(queries[q], own, values, &errs);
		ck_assert_int_eq(errs.count, 1);
		text = errors_text(&errs);
		ck_assert_msg(ftx_utf8_valid(text, strlen(text)), "%s", text);
		ck_assert_int_eq(ftx_jsonstrict_check(text, strlen(text),
		    NULL, NULL), 0);
		ck_assert_ptr_nonnull(strstr(text, "\"field\":null"));
		free(text);
		free(values[0]);
		values[0] = NULL;
		ftx_apierrs_free(&errs);
	}
}
END_TEST

START_TEST(test_page_size)
{
	static const struct {
		const char *text;
		int size, errors;
	} cases[] = {
		{ NULL, 20, 0 }, { "1", 1, 0 }, { "100", 100, 0 },
		{ "0", 20, 1 }, { "101", 20, 1 }, { "", 20, 1 },
		{ "5x", 20, 1 }, { "-1", 20, 1 }, { "00005", 20, 1 },
		{ "0100", 100, 0 },
	};
	struct ftx_apierrs errs;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
		ck_assert_int_eq(ftx_api_page_size(cases[i].text, 20, 100,
		    &errs), cases[i].size);
		ck_assert_int_eq(errs.count, cases[i].errors);
		ftx_apierrs_free(&errs);
	}
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("params");

	tcase_add_test(tc, test_own_params);
	tcase_add_test(tc, test_own_params_not_utf8);
	tcase_add_test(tc, test_page_size);
	suite_add_tcase(s, tc);
	return s;
}
