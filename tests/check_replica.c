/*
 * check_replica.c - what the choice of the server an export is read from
 * does without a server: no standby configured, the primary is used and
 * nothing is connected or waited for; the export's position unreadable
 * (no primary), the primary is used at once, the standby never tried.
 * Waiting for a standby's replay, and falling back from a late, stopped
 * or missing one, run against a real standby in
 * tests/integration/t_replica.sh.
 */
#include <stdlib.h>

#include "check_main.h"
#include "db.h"
#include "replica.h"

/* Sockets in a directory that does not exist: refused at once. */
#define NOWHERE	"host=/nonexistent/ftx-check-replica port=1 dbname=ftx"

static int
count_check(void *arg)
{
	(*(int *)arg)++;
	return 0;
}

START_TEST(test_off)
{
	const char *const conninfo[] = { "", NULL };
	struct ftx_replica *r;
	struct ftx_db *primary;
	int calls = 0;

	primary = ftx_db_new(NOWHERE, "check");
	ck_assert_ptr_nonnull(primary);
	r = ftx_replica_new(conninfo[_i], 30);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_eq(ftx_replica_source(r, primary, "e1", count_check,
	    &calls), primary);
	ck_assert_ptr_eq(ftx_replica_source(NULL, primary, "e1", count_check,
	    &calls), primary);
	ck_assert_int_eq(calls, 0);
	/* Nothing was asked of the primary either. */
	ck_assert_uint_eq(ftx_db_generation(primary), 0);
	ftx_replica_free(r);
	ftx_db_free(primary);
}
END_TEST

START_TEST(test_position_unknown)
{
	struct ftx_replica *r;
	struct ftx_db *primary;
	int calls = 0;

	primary = ftx_db_new(NOWHERE, "check");
	ck_assert_ptr_nonnull(primary);
	r = ftx_replica_new(NOWHERE " application_name=replica", 30);
	ck_assert_ptr_nonnull(r);
	/* The primary is down: the generator will say so; no waiting. */
	ck_assert_ptr_eq(ftx_replica_source(r, primary, "e1", count_check,
	    &calls), primary);
	ck_assert_int_eq(calls, 0);
	ftx_replica_free(r);
	ftx_db_free(primary);
}
END_TEST

START_TEST(test_free_null)
{
	ftx_replica_free(NULL);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("replica");
	TCase *tc = tcase_create("source");

	tcase_add_loop_test(tc, test_off, 0, 2);
	tcase_add_test(tc, test_position_unknown);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);
	return s;
}
