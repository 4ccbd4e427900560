#include <stdio.h>
#include <stdlib.h>

#include "check_main.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(ftx_test_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void
ftx_test_tmpdir(char *buf, size_t len, const char *name)
{
	ck_assert_int_lt(snprintf(buf, len, "/tmp/%s.XXXXXX", name),
	    (int)len);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

void
ftx_test_rmtree(const char *dir)
{
	char cmd[1024];

	ck_assert_int_lt(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir),
	    (int)sizeof(cmd));
	ck_assert_int_eq(system(cmd), 0);
}
