/*
 * check_apierr.c - the code/status table and the error body.
 */
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "check_main.h"

static const struct {
	enum ftx_apierr e;
	const char *code;
	int status;
} cases[] = {
	{ FTX_E_NOT_FOUND, "NOT_FOUND", 404 },
	{ FTX_E_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", 405 },
	{ FTX_E_MISSING_API_KEY, "MISSING_API_KEY", 401 },
	{ FTX_E_INVALID_API_KEY, "INVALID_API_KEY", 401 },
	{ FTX_E_INVALID_CLIENT, "INVALID_CLIENT", 400 },
	{ FTX_E_CLIENT_MISMATCH, "CLIENT_MISMATCH", 403 },
	{ FTX_E_INVALID_JSON, "INVALID_JSON", 400 },
	{ FTX_E_INVALID_FIELD, "INVALID_FIELD", 400 },
	{ FTX_E_INVALID_FILTER, "INVALID_FILTER", 400 },
	{ FTX_E_INVALID_DATE_RANGE, "INVALID_DATE_RANGE", 400 },
	{ FTX_E_INVALID_AMOUNT_RANGE, "INVALID_AMOUNT_RANGE", 400 },
	{ FTX_E_UNKNOWN_FIELD, "UNKNOWN_FIELD", 400 },
	{ FTX_E_UNKNOWN_SUPPLIER, "UNKNOWN_SUPPLIER", 400 },
	{ FTX_E_INVALID_EMAIL, "INVALID_EMAIL", 400 },
	{ FTX_E_TOO_MANY_RECIPIENTS, "TOO_MANY_RECIPIENTS", 400 },
	{ FTX_E_INVALID_PARAMETER, "INVALID_PARAMETER", 400 },
	{ FTX_E_INVALID_CURSOR, "INVALID_CURSOR", 400 },
	{ FTX_E_INVALID_IDEMPOTENCY_KEY, "INVALID_IDEMPOTENCY_KEY", 400 },
	{ FTX_E_PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", 413 },
	{ FTX_E_UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", 415 },
	{ FTX_E_EXPORT_ALREADY_PENDING, "EXPORT_ALREADY_PENDING", 409 },
	{ FTX_E_EXPORT_NOT_PENDING, "EXPORT_NOT_PENDING", 409 },
	{ FTX_E_IDEMPOTENCY_KEY_REUSED, "IDEMPOTENCY_KEY_REUSED", 422 },
	{ FTX_E_INVALID_SIGNATURE, "INVALID_SIGNATURE", 403 },
	{ FTX_E_LINK_EXPIRED, "LINK_EXPIRED", 410 },
	{ FTX_E_SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", 503 },
	{ FTX_E_INTERNAL_ERROR, "INTERNAL_ERROR", 500 },
	{ FTX_E_COUNT, "INTERNAL_ERROR", 500 },
	{ (enum ftx_apierr)-1, "INTERNAL_ERROR", 500 },
};

START_TEST(test_table)
{
	ck_assert_str_eq(ftx_apierr_code(cases[_i].e), cases[_i].code);
	ck_assert_int_eq(ftx_apierr_status(cases[_i].e), cases[_i].status);
}
END_TEST

START_TEST(test_every_code_mapped)
{
	int e;

	for (e = 0; e < FTX_E_COUNT; e++) {
		ck_assert_ptr_nonnull(ftx_apierr_code(e));
		ck_assert_int_ge(ftx_apierr_status(e), 400);
	}
	ck_assert_int_eq((int)(sizeof(cases) / sizeof(cases[0])),
	    FTX_E_COUNT + 2);
}
END_TEST

START_TEST(test_body_lists_every_error)
{
	struct ftx_apierrs errs;
	struct json_object *body;

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ftx_apierrs_add(&errs, FTX_E_INVALID_FILTER, "filters.amountMin",
	    "must be a non-negative number");
	ftx_apierrs_add(&errs, FTX_E_INVALID_EMAIL, "cc[2]", "bad %s", "x");
	ftx_apierrs_add(&errs, FTX_E_NOT_FOUND, NULL, "no such path");
	ck_assert_int_eq(ftx_apierrs_status(&errs), 400);
	body = ftx_apierrs_body(&errs);
	ck_assert_str_eq(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN),
	    "{\"errors\":[{\"code\":\"INVALID_FILTER\",\"field\":"
	    "\"filters.amountMin\",\"message\":\"must be a non-negative "
	    "number\"},{\"code\":\"INVALID_EMAIL\",\"field\":\"cc[2]\","
	    "\"message\":\"bad x\"},{\"code\":\"NOT_FOUND\",\"field\":null,"
	    "\"message\":\"no such path\"}]}");
	json_object_put(body);
	ftx_apierrs_free(&errs);
}
END_TEST

START_TEST(test_empty_is_internal)
{
	struct ftx_apierrs errs;

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_apierrs_status(&errs), 500);
	ftx_apierrs_free(&errs);
	ftx_apierrs_free(&errs);	/* twice is harmless */
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("apierr");
	TCase *tc = tcase_create("apierr");

	tcase_add_loop_test(tc, test_table, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_every_code_mapped);
	tcase_add_test(tc, test_body_lists_every_error);
	tcase_add_test(tc, test_empty_is_internal);
	suite_add_tcase(s, tc);
	return s;
}
