/*
 * check_exportreq.c - the POST .../export body and headers read without
 * I/O (exportreq.h): strict JSON, members, cc, compression, content type
 * and Idempotency-Key.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "check_main.h"
#include "exportreq.h"

START_TEST(test_parse_json)
{
	static const char *const bad[] = { "[]", "5", "{'a':1}",
	    "{\"a\":1,\"a\":2}", "{\"a\":1}x", "{\"a\":1,}", "" };
	struct json_object *root;
	char msg[128];
	size_t i;

	ck_assert_int_eq(ftx_exportreq_parse_json("{\"cc\":[]}", 9, &root, msg,
	    sizeof(msg)), 0);
	ck_assert(json_object_is_type(root, json_type_object));
	json_object_put(root);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ftx_exportreq_parse_json(bad[i],
		    strlen(bad[i]), &root, msg, sizeof(msg)), -1);
		ck_assert_ptr_null(root);
		ck_assert_ptr_nonnull(strstr(msg, "not a valid JSON object"));
	}
}
END_TEST

START_TEST(test_members_and_cc)
{
	static const char body[] = "{\"filters\":{},\"cc\":"
	    "\" a@x.example ,B@Y.EXAMPLE,A@X.EXAMPLE\",\"x\\u0001\":1}";
	struct json_object *root, *a;
	struct ftx_exportreq_json m;
	struct ftx_exportreq r;
	struct ftx_apierrs errs;
	char msg[128];

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ftx_exportreq_init(&r);
	ck_assert_int_eq(ftx_exportreq_parse_json(body, strlen(body), &root,
	    msg, sizeof(msg)), 0);
	ftx_exportreq_members(root, &m, &errs);
	ck_assert_ptr_nonnull(m.filters);
	ck_assert_ptr_null(m.compression);
	ck_assert_int_eq(errs.count, 1);	/* the unknown member */
	ftx_exportreq_cc(&r, m.cc, &errs);
	ck_assert_int_eq(errs.count, 1);
	ck_assert_int_eq(r.ncc, 2);
	ck_assert_str_eq(r.cc[0], "a@x.example");
	ck_assert_str_eq(r.cc[1], "B@Y.EXAMPLE");
	a = ftx_exportreq_cc_json(&r);
	ck_assert_str_eq(json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN), "[\"a@x.example\",\"B@Y.EXAMPLE\"]");
	json_object_put(a);
	/* An empty entry and a non-string are errors, null is absent. */
	a = json_tokener_parse("[\"\", null, 5, \"c@x.example\"]");
	ftx_exportreq_cc(&r, a, &errs);
	ck_assert_int_eq(errs.count, 3);
	ck_assert_int_eq(r.ncc, 3);
	json_object_put(a);
	json_object_put(root);
	ftx_exportreq_free(&r);
	ftx_exportreq_free(NULL);
	ftx_apierrs_free(&errs);
}
END_TEST

/* Reads body's compression into r: the errors added. */
static int
compression_errors(const char *body, struct ftx_exportreq *r)
{
	struct json_object *root;
	struct ftx_exportreq_json m;
	struct json_object *item, *v;
	struct ftx_apierrs errs;
	char msg[128];
	int n;

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_exportreq_parse_json(body, strlen(body), &root,
	    msg, sizeof(msg)), 0);
	r->compression = FTX_SINK_GZIP;		/* must be reset */
	ftx_exportreq_members(root, &m, &errs);
	ck_assert_int_eq(errs.count, 0);
	ftx_exportreq_compression(r, m.compression, &errs);
	n = (int)errs.count;
	if (n > 0) {
		ck_assert_int_eq(errs.count, 1);
		item = json_object_array_get_idx(errs.list, 0);
		ck_assert(json_object_object_get_ex(item, "code", &v));
		ck_assert_str_eq(json_object_get_string(v), "INVALID_FIELD");
		ck_assert(json_object_object_get_ex(item, "field", &v));
		ck_assert_str_eq(json_object_get_string(v), "compression");
	}
	json_object_put(root);
	ftx_apierrs_free(&errs);
	return n;
}

START_TEST(test_compression)
{
	static const char *const bad[] = { "{\"compression\":\"zip\"}",
	    "{\"compression\":1}", "{\"compression\":true}",
	    "{\"compression\":\"GZIP\"}", "{\"compression\":\"\"}",
	    "{\"compression\":\"gzip\\u0000\"}",
	    "{\"compression\":[\"gzip\"]}", "{\"compression\":{}}" };
	struct ftx_exportreq r;
	size_t i;

	ftx_exportreq_init(&r);
	ck_assert_int_eq(r.compression, FTX_SINK_PLAIN);
	ck_assert_int_eq(compression_errors("{\"compression\":\"gzip\"}", &r),
	    0);
	ck_assert_int_eq(r.compression, FTX_SINK_GZIP);
	ck_assert_int_eq(compression_errors("{\"compression\":null}", &r), 0);
	ck_assert_int_eq(r.compression, FTX_SINK_PLAIN);
	ck_assert_int_eq(compression_errors("{\"cc\":[]}", &r), 0);
	ck_assert_int_eq(r.compression, FTX_SINK_PLAIN);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(compression_errors(bad[i], &r) == 1, "%s", bad[i]);
	ftx_exportreq_free(&r);
}
END_TEST

START_TEST(test_headers)
{
	char key[300];

	ck_assert_int_eq(ftx_exportreq_is_json("application/json"), 1);
	ck_assert_int_eq(ftx_exportreq_is_json("Application/JSON ; charset=utf-8"), 1);
	ck_assert_int_eq(ftx_exportreq_is_json("application/jsonx"), 0);
	ck_assert_int_eq(ftx_exportreq_is_json("text/plain"), 0);
	ck_assert_int_eq(ftx_exportreq_is_json(NULL), 0);
	ck_assert_int_eq(ftx_exportreq_idem_key_ok("k-1"), 1);
	ck_assert_int_eq(ftx_exportreq_idem_key_ok(""), 0);
	ck_assert_int_eq(ftx_exportreq_idem_key_ok("a\tb"), 0);
	ck_assert_int_eq(ftx_exportreq_idem_key_ok("caf\xc3\xa9"), 0);
	memset(key, 'k', 255);
	key[255] = '\0';
	ck_assert_int_eq(ftx_exportreq_idem_key_ok(key), 1);
	key[255] = 'k';
	key[256] = '\0';
	ck_assert_int_eq(ftx_exportreq_idem_key_ok(key), 0);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("exportreq");
	TCase *tc = tcase_create("exportreq");

	tcase_add_test(tc, test_parse_json);
	tcase_add_test(tc, test_members_and_cc);
	tcase_add_test(tc, test_compression);
	tcase_add_test(tc, test_headers);
	suite_add_tcase(s, tc);
	return s;
}
