/*
 * isotime.h - ISO 8601 / RFC 3339 timestamps as SPEC §7 filters need them.
 *
 * Times are microseconds since the Unix epoch, UTC (int64_t), which is
 * PostgreSQL's own resolution.
 */
#ifndef FTX_ISOTIME_H
#define FTX_ISOTIME_H

#include <stdint.h>

#define FTX_ISOTIME_LEN		21	/* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define FTX_ISOTIME_USEC_LEN	28	/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" + NUL */

enum ftx_isotime_bound {
	FTX_ISOTIME_START,	/* a bare date means 00:00:00.000000 UTC */
	FTX_ISOTIME_END		/* a bare date means 23:59:59.999999 UTC */
};

/* Parses s into *usec.  Accepted: a bare date "YYYY-MM-DD" (meaning per
 * bound), or "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z" or an offset
 * "+HH:MM", "-HH:MM", "+HHMM", "+HH" (a zone is required; 'T' may be 't' or
 * one space, 'Z' may be 'z').  Fractions beyond microseconds are truncated.
 * Rejects impossible dates (2026-02-30, 2026-13-01), hours > 23, minutes or
 * seconds > 59, offsets beyond 23:59, years outside 0001..9999, and any
 * trailing byte.  Returns 0, or -1 leaving *usec untouched. */
int ftx_isotime_parse(const char *s, enum ftx_isotime_bound bound,
    int64_t *usec);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (FTX_ISOTIME_LEN bytes), dropping
 * the fraction (rounding toward the past). */
void ftx_isotime_format(int64_t usec, char *buf);

/* Writes "YYYY-MM-DDTHH:MM:SS.ffffffZ" into buf (FTX_ISOTIME_USEC_LEN bytes):
 * exact, for passing times to PostgreSQL and in cursors. */
void ftx_isotime_format_usec(int64_t usec, char *buf);

#endif /* FTX_ISOTIME_H */
