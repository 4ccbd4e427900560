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
