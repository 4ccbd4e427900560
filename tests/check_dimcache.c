/*
 * check_dimcache.c - the responder's cache of balance-account types,
 * supplier names and supplier scopes: lookups, the 2-second staleness
 * rule, the entry limit, long strings.  ftx_dimcache_fill() reads the
 * database and is tested through the API (t_api_transfers.sh).
 */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "dimcache.h"

START_TEST(test_lookups)
{
	struct ftx_dimcache *c = ftx_dimcache_new();
	const char *ext = NULL, *name = NULL;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_1"));
	ck_assert_int_eq(ftx_dimcache_supplier(c, "sup_1", &ext, &name), -1);
	ck_assert_int_eq(ftx_dimcache_put_account(c, "ba_1", "SUPPLIER"), 0);
	ck_assert_int_eq(ftx_dimcache_put_account(c, "ba_m", "MARKETPLACE"),
	    0);
	ck_assert_int_eq(ftx_dimcache_put_supplier(c, "sup_1", "SUP-1",
	    "Caf\xc3\xa9 \"One\""), 0);
	ck_assert_str_eq(ftx_dimcache_account_type(c, "ba_1"), "SUPPLIER");
	ck_assert_str_eq(ftx_dimcache_account_type(c, "ba_m"), "MARKETPLACE");
	ck_assert_int_eq(ftx_dimcache_supplier(c, "sup_1", &ext, &name), 0);
	ck_assert_str_eq(ext, "SUP-1");
	ck_assert_str_eq(name, "Caf\xc3\xa9 \"One\"");
	/* Kinds do not mix: an account and a supplier may share an id. */
	ck_assert_int_eq(ftx_dimcache_supplier(c, "ba_1", &ext, &name), -1);
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "sup_1"));
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_"));
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_11"));
	ck_assert_ptr_null(ftx_dimcache_account_type(c, ""));
	/* Putting again replaces. */
	ck_assert_int_eq(ftx_dimcache_put_supplier(c, "sup_1", "SUP-1",
	    "Renamed"), 0);
	ck_assert_int_eq(ftx_dimcache_supplier(c, "sup_1", &ext, &name), 0);
	ck_assert_str_eq(name, "Renamed");
	ck_assert_int_eq(ftx_dimcache_count(c), 3);
	ftx_dimcache_free(c);
	ftx_dimcache_free(NULL);
}
END_TEST

START_TEST(test_scope)
{
	struct ftx_dimcache *c = ftx_dimcache_new();
	const char *const two[] = { "ba_a", "ba_b" };
	const char *ids = NULL;

	ck_assert_int_eq(ftx_dimcache_scope(c, "sup_1", &ids), -1);
	ck_assert_int_eq(ftx_dimcache_put_scope(c, "sup_1", two, 2), 0);
	ck_assert_int_eq(ftx_dimcache_put_scope(c, "sup_0", NULL, 0), 0);
	ck_assert_int_eq(ftx_dimcache_scope(c, "sup_1", &ids), 2);
	ck_assert_str_eq(ids, "ba_a");
	ck_assert_str_eq(ids + strlen(ids) + 1, "ba_b");
	/* A supplier with no account is cached too: an empty scope. */
	ck_assert_int_eq(ftx_dimcache_scope(c, "sup_0", &ids), 0);
	/* A scope is not an account or a supplier. */
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "sup_1"));
	ftx_dimcache_free(c);
}
END_TEST

START_TEST(test_staleness)
{
	struct ftx_dimcache *c = ftx_dimcache_new();

	ck_assert_int_eq(ftx_dimcache_age(c, 1000), 0);
	ck_assert_int_eq(ftx_dimcache_put_account(c, "ba_1", "SUPPLIER"), 0);
	ck_assert_int_eq(ftx_dimcache_age(c, 1000 + FTX_DIMCACHE_TTL_MS - 1),
	    0);
	ck_assert_ptr_nonnull(ftx_dimcache_account_type(c, "ba_1"));
	/* Entries added later do not extend the first one's life. */
	ck_assert_int_eq(ftx_dimcache_put_account(c, "ba_2", "SUPPLIER"), 0);
	ck_assert_int_eq(ftx_dimcache_age(c, 1000 + FTX_DIMCACHE_TTL_MS), 1);
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_1"));
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_2"));
	ck_assert_int_eq(ftx_dimcache_count(c), 0);
	/* The next age counts from the drop. */
	ck_assert_int_eq(ftx_dimcache_put_account(c, "ba_3", "MARKETPLACE"),
	    0);
	ck_assert_int_eq(ftx_dimcache_age(c, 1000 + 2 * FTX_DIMCACHE_TTL_MS -
	    1), 0);
	ck_assert_str_eq(ftx_dimcache_account_type(c, "ba_3"), "MARKETPLACE");
	ck_assert_int_eq(ftx_dimcache_age(c, 1000 + 2 * FTX_DIMCACHE_TTL_MS),
	    1);
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_3"));
	ftx_dimcache_free(c);
}
END_TEST

/* Past FTX_DIMCACHE_MAX entries the cache starts again: bounded memory,
 * and every lookup before the limit finds its entry (growth and probing
 * keep them all). */
START_TEST(test_limit)
{
	struct ftx_dimcache *c = ftx_dimcache_new();
	char id[32];
	int i;

	for (i = 0; i < FTX_DIMCACHE_MAX; i++) {
		snprintf(id, sizeof(id), "ba_%d", i);
		ck_assert_int_eq(ftx_dimcache_put_account(c, id,
		    i % 2 ? "SUPPLIER" : "MARKETPLACE"), 0);
	}
	ck_assert_int_eq(ftx_dimcache_count(c), FTX_DIMCACHE_MAX);
	for (i = 0; i < FTX_DIMCACHE_MAX; i++) {
		snprintf(id, sizeof(id), "ba_%d", i);
		ck_assert_str_eq(ftx_dimcache_account_type(c, id),
		    i % 2 ? "SUPPLIER" : "MARKETPLACE");
	}
	ck_assert_int_eq(ftx_dimcache_put_account(c, "one more", "SUPPLIER"),
	    0);
	ck_assert_int_eq(ftx_dimcache_count(c), 1);
	ck_assert_ptr_null(ftx_dimcache_account_type(c, "ba_0"));
	ck_assert_str_eq(ftx_dimcache_account_type(c, "one more"), "SUPPLIER");
	ftx_dimcache_free(c);
}
END_TEST

/* Strings longer than an arena block get a block of their own. */
START_TEST(test_long_strings)
{
	static char name[200000], id[1000];
	struct ftx_dimcache *c = ftx_dimcache_new();
	const char *ext, *got;

	memset(name, 'n', sizeof(name) - 1);
	memset(id, 'i', sizeof(id) - 1);
	ck_assert_int_eq(ftx_dimcache_put_supplier(c, id, "X", name), 0);
	ck_assert_int_eq(ftx_dimcache_put_supplier(c, "s2", "Y", "short"), 0);
	ck_assert_int_eq(ftx_dimcache_supplier(c, id, &ext, &got), 0);
	ck_assert_uint_eq(strlen(got), sizeof(name) - 1);
	ck_assert_int_eq(ftx_dimcache_supplier(c, "s2", &ext, &got), 0);
	ck_assert_str_eq(got, "short");
	ftx_dimcache_free(c);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("dimcache");
	TCase *tc = tcase_create("dimcache");

	/* test_limit fills the cache to its bound: seconds under ASan on a
	 * loaded machine, past Check's default 4 s.  A hang guard only. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_scope);
	tcase_add_test(tc, test_staleness);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_long_strings);
	suite_add_tcase(s, tc);
	return s;
}
