/*
 * check_query.c - the parameterised SQL builder: placeholders, parameter
 * copies, bounds and PostgreSQL array literals, table-driven.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "query.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_build)
{
	struct ftx_query q;
	char value[] = "tenant-1";

	ftx_query_init(&q);
	ck_assert_str_eq(q.sql, "");
	ftx_query_sql(&q, "SELECT id FROM t WHERE tenant_id = ");
	ck_assert_int_eq(ftx_query_param(&q, value, ""), 1);
	value[0] = 'X';		/* the parameter is a copy */
	ftx_query_sql(&q, " AND created_at >= ");
	ck_assert_int_eq(ftx_query_param(&q, "2026-01-01T00:00:00.000000Z",
	    "::timestamptz"), 2);
	ftx_query_sql(&q, " AND x = ");
	ck_assert_int_eq(ftx_query_param(&q, NULL, NULL), 3);
	ftx_query_sql(&q, " OR y = ");
	ftx_query_ref(&q, 1, "::text");
	ck_assert_str_eq(q.sql, "SELECT id FROM t WHERE tenant_id = $1"
	    " AND created_at >= $2::timestamptz AND x = $3 OR y = $1::text");
	ck_assert_uint_eq(q.len, strlen(q.sql));
	ck_assert_int_eq(q.nparams, 3);
	ck_assert_str_eq(q.params[0], "tenant-1");
	ck_assert_str_eq(q.params[1], "2026-01-01T00:00:00.000000Z");
	ck_assert_ptr_null(q.params[2]);
	ck_assert_int_eq(q.overflow, 0);
	ftx_query_free(&q);
	ck_assert_int_eq(q.nparams, 0);
	ck_assert_uint_eq(q.len, 0);
	ck_assert_str_eq(q.sql, "");
	ftx_query_free(NULL);
}
END_TEST

START_TEST(test_sql_overflow)
{
	struct ftx_query q;
	char chunk[1000];
	size_t before;
	int i;

	memset(chunk, 'x', sizeof(chunk) - 1);
	chunk[sizeof(chunk) - 1] = '\0';
	ftx_query_init(&q);
	for (i = 0; i < (FTX_QUERY_SQL_MAX - 1) / 999; i++)
		ftx_query_sql(&q, chunk);
	ck_assert_int_eq(q.overflow, 0);
	ck_assert_uint_eq(q.len, (FTX_QUERY_SQL_MAX - 1) / 999 * 999);
	/* FTX_QUERY_SQL_MAX - 1 bytes of text fit with the NUL; one more
	 * does not. */
	chunk[(FTX_QUERY_SQL_MAX - 1) % 999] = '\0';
	before = q.len;
	ftx_query_sql(&q, chunk);
	ck_assert_int_eq(q.overflow, 0);
	ck_assert_uint_eq(q.len, FTX_QUERY_SQL_MAX - 1);
	ck_assert_uint_eq(strlen(q.sql), q.len);
	before = q.len;
	ftx_query_sql(&q, "y");
	ck_assert_int_eq(q.overflow, 1);
	ck_assert_uint_eq(q.len, before);
	/* Once overflowed, nothing more is added. */
	ck_assert_int_eq(ftx_query_param(&q, "v", ""), -1);
	ck_assert_int_eq(q.nparams, 0);
	ftx_query_free(&q);
	ck_assert_int_eq(q.overflow, 0);
}
END_TEST

START_TEST(test_placeholder_overflow)
{
	struct ftx_query q;
	char chunk[FTX_QUERY_SQL_MAX];

	/* Room for "$1" but not for "$1::text": no parameter is kept. */
	memset(chunk, 'x', sizeof(chunk));
	chunk[FTX_QUERY_SQL_MAX - 1 - 3] = '\0';
	ftx_query_init(&q);
	ftx_query_sql(&q, chunk);
	ck_assert_int_eq(q.overflow, 0);
	ck_assert_int_eq(ftx_query_param(&q, "v", "::text"), -1);
	ck_assert_int_eq(q.overflow, 1);
	ck_assert_int_eq(q.nparams, 0);
	ck_assert_uint_eq(q.len, FTX_QUERY_SQL_MAX - 4);
	ftx_query_free(&q);

	ftx_query_init(&q);
	ftx_query_sql(&q, chunk);
	ck_assert_int_eq(ftx_query_param(&q, "v", ""), 1);
	ck_assert_int_eq(q.overflow, 0);
	ck_assert_uint_eq(q.len, FTX_QUERY_SQL_MAX - 2);
	ftx_query_free(&q);
}
END_TEST

START_TEST(test_param_limit)
{
	struct ftx_query q;
	char buf[16];
	int i;

	ftx_query_init(&q);
	for (i = 1; i <= FTX_QUERY_MAX_PARAMS; i++) {
		snprintf(buf, sizeof(buf), "v%d", i);
		ck_assert_int_eq(ftx_query_param(&q, buf, ","), i);
	}
	ck_assert_int_eq(q.overflow, 0);
	snprintf(buf, sizeof(buf), "v%d", FTX_QUERY_MAX_PARAMS);
	ck_assert_str_eq(q.params[FTX_QUERY_MAX_PARAMS - 1], buf);
	ck_assert_int_eq(ftx_query_param(&q, "one too many", ""), -1);
	ck_assert_int_eq(q.overflow, 1);
	ck_assert_int_eq(q.nparams, FTX_QUERY_MAX_PARAMS);
	ftx_query_free(&q);
}
END_TEST

START_TEST(test_add)
{
	struct ftx_query q;

	/* A parameter added first and written later, twice. */
	ftx_query_init(&q);
	ck_assert_int_eq(ftx_query_add(&q, "{\"a\"}"), 1);
	ck_assert_str_eq(q.sql, "");
	ftx_query_sql(&q, "SELECT 1 WHERE x = ");
	ck_assert_int_eq(ftx_query_param(&q, "v", ""), 2);
	ftx_query_sql(&q, " AND (y = ANY(");
	ftx_query_ref(&q, 1, "::text[]");
	ftx_query_sql(&q, ") OR z = ANY(");
	ftx_query_ref(&q, 1, NULL);
	ftx_query_sql(&q, "))");
	ck_assert_int_eq(ftx_query_add(&q, NULL), 3);
	ck_assert_str_eq(q.sql, "SELECT 1 WHERE x = $2 AND (y = ANY($1::text[])"
	    " OR z = ANY($1))");
	ck_assert_int_eq(q.nparams, 3);
	ck_assert_str_eq(q.params[0], "{\"a\"}");
	ck_assert_str_eq(q.params[1], "v");
	ck_assert_ptr_null(q.params[2]);
	ck_assert_int_eq(q.overflow, 0);
	ftx_query_free(&q);

	/* The limit holds as for ftx_query_param(). */
	ftx_query_init(&q);
	while (q.nparams < FTX_QUERY_MAX_PARAMS)
		ck_assert_int_eq(ftx_query_add(&q, "v"), q.nparams);
	ck_assert_int_eq(ftx_query_add(&q, "v"), -1);
	ck_assert_int_eq(q.overflow, 1);
	ftx_query_free(&q);
}
END_TEST

START_TEST(test_settings)
{
	struct ftx_query q;
	char buf[256];

	/* COPY takes no parameters: placeholders read settings instead. */
	ftx_query_init_settings(&q);
	ck_assert_int_eq(ftx_query_settings_sql(&q, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "SELECT 1");
	ftx_query_sql(&q, "COPY (SELECT 1 WHERE a = ");
	ck_assert_int_eq(ftx_query_param(&q, "x", "::timestamptz"), 1);
	ck_assert_int_eq(ftx_query_add(&q, "{}"), 2);
	ftx_query_sql(&q, " AND b = ANY(");
	ftx_query_ref(&q, 2, "::text[]");
	ftx_query_sql(&q, ")) TO STDOUT");
	ck_assert_str_eq(q.sql, "COPY (SELECT 1 WHERE a = "
	    "current_setting('ftx.p1')::timestamptz AND b = "
	    "ANY(current_setting('ftx.p2')::text[])) TO STDOUT");
	ck_assert_int_eq(ftx_query_settings_sql(&q, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "SELECT 1, set_config('ftx.p1', $1, true), "
	    "set_config('ftx.p2', $2, true)");
	ck_assert_int_eq(ftx_query_settings_sql(&q, buf, strlen(buf)), -1);
	ck_assert_int_eq(ftx_query_settings_sql(&q, buf, 8), -1);
	ck_assert_str_eq(q.params[1], "{}");
	ftx_query_free(&q);
	ck_assert_int_eq(q.settings, 0);
}
END_TEST

static const int bad_refs[] = { 0, -1, 2, 100 };

START_TEST(test_bad_ref)
{
	struct ftx_query q;

	ftx_query_init(&q);
	ftx_query_sql(&q, "x = ");
	ftx_query_param(&q, "v", "");
	ftx_query_ref(&q, bad_refs[_i], "");
	ck_assert_int_eq(q.overflow, 1);
	ck_assert_str_eq(q.sql, "x = $1");
	ftx_query_free(&q);
}
END_TEST

static const struct {
	const char	*values[6];
	size_t		 n;
	const char	*literal;
} array_cases[] = {
	{ { NULL }, 0, "{}" },
	{ { "a" }, 1, "{\"a\"}" },
	{ { "PENDING", "FAILED" }, 2, "{\"PENDING\",\"FAILED\"}" },
	{ { "" }, 1, "{\"\"}" },
	{ { "", "" }, 2, "{\"\",\"\"}" },
	{ { "a,b", "{c}" }, 2, "{\"a,b\",\"{c}\"}" },
	{ { "say \"hi\"" }, 1, "{\"say \\\"hi\\\"\"}" },
	{ { "back\\slash", "\\" }, 2, "{\"back\\\\slash\",\"\\\\\"}" },
	{ { "\\\"" }, 1, "{\"\\\\\\\"\"}" },
	{ { " spaced out ", "\t" }, 2, "{\" spaced out \",\"\t\"}" },
	{ { "NULL", "null" }, 2, "{\"NULL\",\"null\"}" },
	{ { "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" }, 3,
	  "{\"caf\xc3\xa9\",\"\xe2\x82\xac\",\"\xf0\x9f\x98\x80\"}" },
	{ { "a", NULL, "b" }, 3, "{\"a\",NULL,\"b\"}" },
	{ { "'; DROP TABLE x; --" }, 1, "{\"'; DROP TABLE x; --\"}" },
	{ { "}", "{", "," }, 3, "{\"}\",\"{\",\",\"}" },
};

START_TEST(test_text_array)
{
	char *s;

	s = ftx_query_text_array(array_cases[_i].values, array_cases[_i].n);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, array_cases[_i].literal);
	free(s);
}
END_TEST

START_TEST(test_text_array_large)
{
	const char *v[200];
	char *s, *expect, *p;
	size_t i;

	/* Every byte escaped: the worst case of the size computation. */
	for (i = 0; i < NELEM(v); i++)
		v[i] = "\\\"\\\"";
	s = ftx_query_text_array(v, NELEM(v));
	ck_assert_ptr_nonnull(s);
	expect = malloc(NELEM(v) * 11 + 3);
	ck_assert_ptr_nonnull(expect);
	p = expect;
	*p++ = '{';
	for (i = 0; i < NELEM(v); i++) {
		memcpy(p, i > 0 ? ",\"\\\\\\\"\\\\\\\"\"" : "\"\\\\\\\"\\\\\\\"\"",
		    i > 0 ? 11 : 10);
		p += i > 0 ? 11 : 10;
	}
	*p++ = '}';
	*p = '\0';
	ck_assert_str_eq(s, expect);
	free(expect);
	free(s);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc;

	tc = tcase_create("build");
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_sql_overflow);
	tcase_add_test(tc, test_placeholder_overflow);
	tcase_add_test(tc, test_param_limit);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_settings);
	tcase_add_loop_test(tc, test_bad_ref, 0, NELEM(bad_refs));
	suite_add_tcase(s, tc);

	tc = tcase_create("text_array");
	tcase_add_loop_test(tc, test_text_array, 0, NELEM(array_cases));
	tcase_add_test(tc, test_text_array_large);
	suite_add_tcase(s, tc);
	return s;
}
