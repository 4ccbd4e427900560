/*
 * check_suppliers.c - GET /v1/payments/suppliers without a database: the
 * query string read (size bounds, cursor, q and its hygiene, unknown and
 * repeated parameters, every problem listed), and the statement built
 * (scope by role, q only as a parameter, the keyset condition and order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api_suppliers.h"
#include "check_main.h"
#include "cursor.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* "CODE:field CODE:field" of errs, into buf[len]. */
static const char *
err_list(struct ftx_apierrs *errs, char *buf, size_t len)
{
	size_t i, n = (size_t)json_object_array_length(errs->list);
	struct json_object *e, *code, *field;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errs->list, i);
		json_object_object_get_ex(e, "code", &code);
		json_object_object_get_ex(e, "field", &field);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s:%s",
		    i > 0 ? " " : "", json_object_get_string(code),
		    field != NULL ? json_object_get_string(field) : "null");
	}
	return buf;
}

static const struct {
	const char	*query;
	const char	*errors;	/* "" = none */
	int		 size;
	const char	*q;		/* NULL = no filter */
} cases[] = {
	{ "", "", 100, NULL },
	{ "size=1", "", 1, NULL },
	{ "size=500", "", 500, NULL },
	{ "size=0", "INVALID_PARAMETER:size", 100, NULL },
	{ "size=501", "INVALID_PARAMETER:size", 100, NULL },
	{ "size=-1", "INVALID_PARAMETER:size", 100, NULL },
	{ "size=1e2", "INVALID_PARAMETER:size", 100, NULL },
	{ "size=", "INVALID_PARAMETER:size", 100, NULL },
	{ "size=00010", "INVALID_PARAMETER:size", 100, NULL },
	{ "q=acme", "", 100, "acme" },
	{ "q=", "", 100, NULL },			/* empty: no filter */
	{ "q=+", "", 100, " " },			/* '+' is a space */
	{ "q=50%25_%5C", "", 100, "50%_\\" },		/* literal */
	{ "q=%C3%89COLE", "", 100, "\xc3\x89" "COLE" },
	{ "q=a%27%3B%20DROP%20TABLE%20suppliers", "", 100,
	    "a'; DROP TABLE suppliers" },
	{ "q=%00", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=a%0Ab", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=a%0Db", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=%1F", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=%7F", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=%FF", "INVALID_PARAMETER:q", 100, NULL },	/* not UTF-8 */
	{ "q=%C3", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=%ED%A0%80", "INVALID_PARAMETER:q", 100, NULL }, /* surrogate */
	{ "q=%zz", "INVALID_PARAMETER:q", 100, NULL },
	{ "q=a&q=b", "INVALID_PARAMETER:q", 100, "a" },
	{ "name=a", "INVALID_PARAMETER:name", 100, NULL },
	{ "supplierIds=x", "INVALID_PARAMETER:supplierIds", 100, NULL },
	{ "cursor=", "INVALID_CURSOR:cursor", 100, NULL },
	{ "cursor=junk", "INVALID_CURSOR:cursor", 100, NULL },
	/* a cursor of the transfer list ("v1:1:a") is not one of this list */
	{ "cursor=djE6MTph", "INVALID_CURSOR:cursor", 100, NULL },
	{ "size=0&cursor=x&q=%01&zz=1", "INVALID_PARAMETER:q "
	    "INVALID_PARAMETER:zz INVALID_PARAMETER:size INVALID_CURSOR:cursor",
	    100, NULL },
};

START_TEST(test_parse)
{
	struct ftx_supplier_list l;
	struct ftx_apierrs errs;
	char got[512];

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ftx_supplier_list_parse(&l, cases[_i].query, &errs);
	ck_assert_msg(strcmp(err_list(&errs, got, sizeof(got)),
	    cases[_i].errors) == 0, "%s: got \"%s\", want \"%s\"",
	    cases[_i].query, got, cases[_i].errors);
	ck_assert_int_eq(l.size, cases[_i].size);
	ck_assert_int_eq(l.has_cursor, 0);
	if (cases[_i].q == NULL)
		ck_assert_ptr_null(l.q);
	else
		ck_assert_str_eq(l.q, cases[_i].q);
	ftx_supplier_list_free(&l);
	ftx_apierrs_free(&errs);
}
END_TEST

START_TEST(test_parse_cursor)
{
	struct ftx_cursor_name c = { "Caf\xc3\xa9 & Co %_\\", "SUP-1" };
	struct ftx_supplier_list l;
	struct ftx_apierrs errs;
	char enc[FTX_CURSOR_NAME_LEN], query[FTX_CURSOR_NAME_LEN + 64];

	ck_assert_int_eq(ftx_cursor_name_encode(&c, enc, sizeof(enc)), 0);
	snprintf(query, sizeof(query), "cursor=%s&size=7&q=co", enc);
	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ftx_supplier_list_parse(&l, query, &errs);
	ck_assert_int_eq(errs.count, 0);
	ck_assert_int_eq(l.has_cursor, 1);
	ck_assert_str_eq(l.cursor.name, c.name);
	ck_assert_str_eq(l.cursor.id, c.id);
	ck_assert_int_eq(l.size, 7);
	ck_assert_str_eq(l.q, "co");
	ftx_supplier_list_free(&l);
	ftx_apierrs_free(&errs);
}
END_TEST

/* The statement for each role, with and without q and cursor: the scope
 * always comes first, values are parameters, the order is the index's. */
START_TEST(test_sql)
{
	struct ftx_principal op, sup;
	struct ftx_supplier_list l;
	struct ftx_query q;

	ck_assert_int_eq(ftx_principal_fill(&op, "u1", "t1", "a@x.example",
	    "OPERATOR", ""), 0);
	ck_assert_int_eq(ftx_principal_fill(&sup, "u2", "t1", "b@x.example",
	    "SUPPLIER", "sup_1"), 0);
	memset(&l, 0, sizeof(l));
	l.size = 100;

	ftx_query_init(&q);
	ftx_supplier_list_sql(&l, &op, &q);
	ck_assert_str_eq(q.sql, "SELECT s.external_id, s.name FROM suppliers s"
	    " WHERE s.tenant_id = $1::text ORDER BY s.name, s.external_id"
	    " LIMIT $2::int");
	ck_assert_int_eq(q.nparams, 2);
	ck_assert_str_eq(q.params[0], "t1");
	ck_assert_str_eq(q.params[1], "101");
	ftx_query_free(&q);

	l.q = (char *)"50%_'\\";
	l.has_cursor = 1;
	strcpy(l.cursor.name, "Acme");
	strcpy(l.cursor.id, "SUP-9");
	l.size = 2;
	ftx_supplier_list_sql(&l, &sup, &q);
	ck_assert_str_eq(q.sql, "SELECT s.external_id, s.name FROM suppliers s"
	    " WHERE s.tenant_id = $1::text AND s.id = $2::text"
	    " AND (strpos(lower(s.name), lower($3::text)) > 0"
	    " OR strpos(lower(s.external_id), lower($3::text)) > 0)"
	    " AND (s.name, s.external_id) > ($4::text, $5::text)"
	    " ORDER BY s.name, s.external_id LIMIT $6::int");
	ck_assert_int_eq(q.nparams, 6);
	ck_assert_str_eq(q.params[1], "sup_1");
	ck_assert_str_eq(q.params[2], "50%_'\\");	/* as it is */
	ck_assert_str_eq(q.params[3], "Acme");
	ck_assert_str_eq(q.params[4], "SUP-9");
	ck_assert_str_eq(q.params[5], "3");
	ck_assert_int_eq(q.overflow, 0);
	ftx_query_free(&q);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("suppliers");
	TCase *tc = tcase_create("suppliers");

	tcase_add_loop_test(tc, test_parse, 0, NELEM(cases));
	tcase_add_test(tc, test_parse_cursor);
	tcase_add_test(tc, test_sql);
	suite_add_tcase(s, tc);
	return s;
}
