/*
 * clock.c - the monotonic clock.
 */
#include <time.h>

#include "clock.h"

int64_t
ftx_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
