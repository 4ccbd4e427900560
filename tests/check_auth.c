/*
 * check_auth.c - a principal is filled from a users row whole or not at all:
 * ids of up to FTX_ID_MAX bytes are kept exactly, longer ones refused.
 */
#include <string.h>

#include "auth.h"
#include "check_main.h"

/* A FTX_ID_MAX + 1 buffer holding n bytes: prefix filled with 'p', the last
 * byte tail. */
static char *
id_of(char *buf, size_t n, char tail)
{
	memset(buf, 'p', n);
	buf[n - 1] = tail;
	buf[n] = '\0';
	return buf;
}

START_TEST(test_fill_exact)
{
	struct ftx_principal who;
	char user[FTX_ID_MAX + 1], tenant[FTX_ID_MAX + 1], sup[FTX_ID_MAX + 1];

	id_of(user, FTX_ID_MAX, 'u');
	id_of(tenant, FTX_ID_MAX, 't');
	id_of(sup, FTX_ID_MAX, 's');
	ck_assert_int_eq(ftx_principal_fill(&who, user, tenant, "a@x.example",
	    "SUPPLIER", sup), 0);
	ck_assert_str_eq(who.user_id, user);
	ck_assert_str_eq(who.tenant_id, tenant);
	ck_assert_str_eq(who.supplier_id, sup);
	ck_assert_str_eq(who.email, "a@x.example");
	ck_assert_int_eq(who.role, FTX_ROLE_SUPPLIER);
	ck_assert_int_eq(ftx_principal_fill(&who, "u1", "t1", "a@x.example",
	    "OPERATOR", ""), 0);
	ck_assert_int_eq(who.role, FTX_ROLE_OPERATOR);
	ck_assert_str_eq(who.supplier_id, "");
}
END_TEST

/* Two tenants sharing their first FTX_ID_MAX bytes: once the buffer
 * would cut them, they would be one tenant.  Each column in turn. */
START_TEST(test_fill_refuses_long)
{
	struct ftx_principal who;
	char good[FTX_ID_MAX + 1], bad[FTX_ID_MAX + 2];
	const char *v[4];
	int col = _i;

	id_of(good, FTX_ID_MAX, 'g');
	id_of(bad, FTX_ID_MAX + 1, 'b');
	v[0] = v[1] = v[3] = good;
	v[2] = "a@x.example";
	v[col] = bad;
	if (col == 2) {
		memset(bad, 'e', FTX_EMAIL_MAX + 1);
		bad[0] = '@';
		bad[FTX_EMAIL_MAX + 1] = '\0';
	}
	ck_assert_int_eq(ftx_principal_fill(&who, v[0], v[1], v[2],
	    "SUPPLIER", v[3]), -1);
	/* Nothing half-filled is left to be used by mistake. */
	ck_assert_str_eq(who.tenant_id, "");
	ck_assert_str_eq(who.user_id, "");
}
END_TEST

/* dj-client: the two names exactly, nothing else. */
START_TEST(test_role_from_name)
{
	static const char *const bad[] = { "", "operator", "OPERATOR ",
	    " SUPPLIER", "SUPPLIERS", "OPERATOR\n", "ADMIN" };
	enum ftx_role role;
	size_t i;

	ck_assert_int_eq(ftx_role_from_name("OPERATOR", &role), 0);
	ck_assert_int_eq(role, FTX_ROLE_OPERATOR);
	ck_assert_int_eq(ftx_role_from_name("SUPPLIER", &role), 0);
	ck_assert_int_eq(role, FTX_ROLE_SUPPLIER);
	ck_assert_int_eq(ftx_role_from_name(NULL, &role), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(ftx_role_from_name(bad[i], &role), -1);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("principal");

	tcase_add_test(tc, test_fill_exact);
	tcase_add_loop_test(tc, test_fill_refuses_long, 0, 4);
	tcase_add_test(tc, test_role_from_name);
	suite_add_tcase(s, tc);
	return s;
}
