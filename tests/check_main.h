/*
 * check_main.h - the one main() shared by the Check unit tests.
 *
 * Each tests/check_<module>.c defines ftx_test_suite(); check_main.c runs it
 * and reports in TAP on stdout, which the Automake TAP driver counts.
 */
#ifndef FTX_CHECK_MAIN_H
#define FTX_CHECK_MAIN_H

#include <stddef.h>

#include <check.h>

/* The suite of the module under test; called once. */
Suite *ftx_test_suite(void);

/* Creates a fresh directory /tmp/<name>.XXXXXX, its path into buf[len];
 * fails the test when it cannot. */
void ftx_test_tmpdir(char *buf, size_t len, const char *name);

/* Removes dir and everything below it; fails the test when it cannot. */
void ftx_test_rmtree(const char *dir);

#endif /* FTX_CHECK_MAIN_H */
