/*
 * check_router.c - route matching: found, 404, 405 with Allow, captures,
 * HEAD wherever GET is.
 */
#include <string.h>

#include "check_main.h"
#include "router.h"

enum { R_HEALTH = 1, R_LIST, R_EXPORT_POST, R_EXPORT_LIST, R_EXPORT_GET,
    R_EXPORT_DELETE, R_DOWNLOAD_GET };

static const struct ftx_route routes[] = {
	{ "GET", "/v1/health", R_HEALTH },
	{ "GET", "/v1/payments/funding-transfers", R_LIST },
	{ "POST", "/v1/payments/funding-transfers/export", R_EXPORT_POST },
	{ "GET", "/v1/payments/funding-transfers/export", R_EXPORT_LIST },
	{ "GET", "/v1/payments/funding-transfers/export/{id}", R_EXPORT_GET },
	{ "DELETE", "/v1/payments/funding-transfers/export/{id}",
	    R_EXPORT_DELETE },
	{ "GET", "/v1/payments/funding-transfers/export/{id}/download",
	    R_DOWNLOAD_GET },
	{ NULL, NULL, 0 }
};

static const struct {
	const char *method, *path;
	enum ftx_route_result result;
	int id;			/* when FOUND */
	const char *param;	/* first capture, or the Allow header */
} cases[] = {
	{ "GET", "/v1/health", FTX_ROUTE_FOUND, R_HEALTH, NULL },
	{ "POST", "/v1/health", FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "GET, HEAD" },
	{ "HEAD", "/v1/health", FTX_ROUTE_FOUND, R_HEALTH, NULL },
	{ "OPTIONS", "/v1/health", FTX_ROUTE_METHOD_NOT_ALLOWED, 0,
	    "GET, HEAD" },
	{ "HEAD", "/v1/payments/funding-transfers", FTX_ROUTE_FOUND, R_LIST,
	    NULL },
	{ "HEAD", "/v1/payments/funding-transfers/export", FTX_ROUTE_FOUND,
	    R_EXPORT_LIST, NULL },
	{ "HEAD", "/v1/payments/funding-transfers/export/abc",
	    FTX_ROUTE_FOUND, R_EXPORT_GET, "abc" },
	{ "HEAD", "/v1/no/such/path", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/health/", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1//health", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/healthz", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/healt", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "v1/health", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/V1/HEALTH", FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/payments/funding-transfers", FTX_ROUTE_FOUND, R_LIST,
	    NULL },
	{ "PUT", "/v1/payments/funding-transfers/export",
	    FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "POST, GET, HEAD" },
	{ "POST", "/v1/payments/funding-transfers/export", FTX_ROUTE_FOUND,
	    R_EXPORT_POST, NULL },
	{ "GET", "/v1/payments/funding-transfers/export/abc-123",
	    FTX_ROUTE_FOUND, R_EXPORT_GET, "abc-123" },
	{ "DELETE", "/v1/payments/funding-transfers/export/abc-123",
	    FTX_ROUTE_FOUND, R_EXPORT_DELETE, "abc-123" },
	{ "POST", "/v1/payments/funding-transfers/export/abc-123",
	    FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "GET, HEAD, DELETE" },
	{ "HEAD", "/v1/payments/funding-transfers/export/x/download",
	    FTX_ROUTE_FOUND, R_DOWNLOAD_GET, "x" },
	{ "DELETE", "/v1/payments/funding-transfers/export/x/download",
	    FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "GET, HEAD" },
	{ "GET", "/v1/payments/funding-transfers/export//download",
	    FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/payments/funding-transfers/export/x/y",
	    FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "GET", "/v1/payments/funding-transfers/export/"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123",
	    FTX_ROUTE_FOUND, R_EXPORT_GET,
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123" },
	{ "GET", "/v1/payments/funding-transfers/export/"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "01234567890123456789012345678901234567890123456789012345678901234",
	    FTX_ROUTE_NOT_FOUND, 0, "" },
	{ "get", "/v1/health", FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "GET, HEAD" },
	{ "head", "/v1/health", FTX_ROUTE_METHOD_NOT_ALLOWED, 0, "GET, HEAD" },
};

START_TEST(test_route_table)
{
	const struct ftx_route *found;
	struct ftx_route_params params;
	char allow[64];
	enum ftx_route_result r;

	r = ftx_route_match(routes, cases[_i].method, cases[_i].path, &found,
	    &params, allow, sizeof(allow));
	ck_assert_int_eq(r, cases[_i].result);
	if (r == FTX_ROUTE_FOUND) {
		ck_assert_ptr_nonnull(found);
		ck_assert_int_eq(found->id, cases[_i].id);
		if (cases[_i].param != NULL) {
			ck_assert_int_eq(params.n, 1);
			ck_assert_str_eq(params.value[0], cases[_i].param);
		} else
			ck_assert_int_eq(params.n, 0);
	} else {
		ck_assert_ptr_null(found);
		ck_assert_str_eq(allow, cases[_i].param);
	}
}
END_TEST

/* A table that lists HEAD itself: it answers HEAD, and Allow names each
 * method once. */
static const struct ftx_route explicit_head[] = {
	{ "GET", "/a", 1 },
	{ "HEAD", "/b", 2 },
	{ "GET", "/b", 3 },
	{ NULL, NULL, 0 }
};

START_TEST(test_explicit_head)
{
	const struct ftx_route *found;
	struct ftx_route_params params;
	char allow[64];

	ck_assert_int_eq(ftx_route_match(explicit_head, "HEAD", "/b", &found,
	    &params, allow, sizeof(allow)), FTX_ROUTE_FOUND);
	ck_assert_int_eq(found->id, 2);
	ck_assert_int_eq(ftx_route_match(explicit_head, "GET", "/b", &found,
	    &params, allow, sizeof(allow)), FTX_ROUTE_FOUND);
	ck_assert_int_eq(found->id, 3);
	ck_assert_int_eq(ftx_route_match(explicit_head, "PUT", "/b", &found,
	    &params, allow, sizeof(allow)), FTX_ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow, "HEAD, GET");
}
END_TEST

START_TEST(test_allow_truncated_safely)
{
	const struct ftx_route *found;
	struct ftx_route_params params;
	char allow[6];

	ck_assert_int_eq(ftx_route_match(routes, "PUT",
	    "/v1/payments/funding-transfers/export", &found, &params, allow,
	    sizeof(allow)), FTX_ROUTE_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow, "POST");
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");

	tcase_add_loop_test(tc, test_route_table, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_allow_truncated_safely);
	tcase_add_test(tc, test_explicit_head);
	suite_add_tcase(s, tc);
	return s;
}
