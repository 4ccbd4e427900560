/*
 * check_main.h - the one main() shared by the Check unit tests.
 *
 * Each tests/check_<module>.c defines ftx_test_suite(); check_main.c runs it
 * and reports in TAP on stdout, which the Automake TAP driver counts.
 */
#ifndef FTX_CHECK_MAIN_H
#define FTX_CHECK_MAIN_H

#include <check.h>

/* The suite of the module under test; called once. */
Suite *ftx_test_suite(void);

#endif /* FTX_CHECK_MAIN_H */
