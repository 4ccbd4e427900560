/*
 * clock.h - the monotonic clock in milliseconds, for timeouts, backoff and
 * cache ages (never for dates: see isotime.h).
 */
#ifndef FTX_CLOCK_H
#define FTX_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t ftx_clock_ms(void);

#endif /* FTX_CLOCK_H */
