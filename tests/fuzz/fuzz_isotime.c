/*
 * fuzz_isotime.c - ISO 8601 times: ftx_isotime_parse() against a reference
 * parser of the documented forms (its own day count, no Hinnant), and the
 * round trips parse(format_usec(t)) = t, parse(format(t)) = t to the
 * second, for every t accepted and for a t made of the input's bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzlib.h"
#include "isotime.h"

#define DAY	INT64_C(86400000000)
#define TMIN	(INT64_C(-719162) * DAY)	/* 0001-01-01 */
#define TMAX	(INT64_C(2932897) * DAY - 1)	/* 9999-12-31 end */

static int
dig(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* Days from 1970-01-01, counted from 0001-01-01 by whole years. */
static int64_t
ref_days(int y, int m, int d)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212,
	    243, 273, 304, 334 };
	int64_t p = y - 1, n;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	n = 365 * p + p / 4 - p / 100 + p / 400 + before[m - 1] +
	    (m > 2 && leap) + d - 1;
	return n - 719162;
}

static int
ref_mdays(int y, int m)
{
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m == 2)
		return leap ? 29 : 28;
	return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/* The zone at s: "Z"/"z" or [+-]HH[[:]MM]; minutes east, or -1 with *ok 0. */
static int
ref_zone(const char *s, int *ok)
{
	size_t n = strlen(s);
	int hh, mm = 0, sign;

	*ok = 0;
	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*ok = 1;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-') || !dig(s + 1, 2, &hh))
		return 0;
	sign = s[0] == '-' ? -1 : 1;
	if (n == 3)
		;
	else if (n == 5 && dig(s + 3, 2, &mm))
		;
	else if (n == 6 && s[3] == ':' && dig(s + 4, 2, &mm))
		;
	else
		return 0;
	if (hh > 23 || mm > 59)
		return 0;
	*ok = 1;
	return sign * (hh * 60 + mm);
}

/* 1 and *out when s is valid. */
static int
ref_parse(const char *s, int end_bound, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, us = 0, off = 0, ok, k;
	size_t n = strlen(s), i;
	int64_t t;

	if (n < 10 || !dig(s, 4, &y) || s[4] != '-' || !dig(s + 5, 2, &mo) ||
	    s[7] != '-' || !dig(s + 8, 2, &d))
		return 0;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > ref_mdays(y, mo))
		return 0;
	if (n == 10) {
		if (end_bound)
			h = 23, mi = 59, sec = 59, us = 999999;
	} else {
		if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 16 ||
		    !dig(s + 11, 2, &h) || s[13] != ':' ||
		    !dig(s + 14, 2, &mi))
			return 0;
		i = 16;
		if (s[i] == ':') {
			if (!dig(s + i + 1, 2, &sec))
				return 0;
			i += 3;
			if (s[i] == '.') {
				i++;
				if (s[i] < '0' || s[i] > '9')
					return 0;
				for (k = 0; s[i] >= '0' && s[i] <= '9'; i++, k++)
					if (k < 6)
						us = us * 10 + (s[i] - '0');
				for (; k < 6; k++)
					us *= 10;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return 0;
		off = ref_zone(s + i, &ok);
		if (!ok)
			return 0;
	}
	t = ref_days(y, mo, d) * DAY + ((int64_t)h * 3600 + mi * 60 + sec -
	    (int64_t)off * 60) * 1000000 + us;
	if (t < TMIN || t > TMAX)
		return 0;
	*out = t;
	return 1;
}

static int64_t
floor_sec(int64_t t)
{
	int64_t r = t % 1000000;

	return r < 0 ? t - r - 1000000 : t - r;
}

/* Formatting t and parsing it back gives t (exact form) and t to the
 * second (the form people see). */
static void
round_trip(int64_t t)
{
	char a[FTX_ISOTIME_USEC_LEN], b[FTX_ISOTIME_LEN];
	int64_t u = 0;

	ftx_isotime_format_usec(t, a);
	FUZZ_ASSERT(strlen(a) == FTX_ISOTIME_USEC_LEN - 1);
	FUZZ_ASSERT(ftx_isotime_parse(a, FTX_ISOTIME_START, &u) == 0);
	FUZZ_ASSERT(u == t);
	ftx_isotime_format(t, b);
	FUZZ_ASSERT(strlen(b) == FTX_ISOTIME_LEN - 1);
	FUZZ_ASSERT(memcmp(a, b, 19) == 0);
	FUZZ_ASSERT(ftx_isotime_parse(b, FTX_ISOTIME_END, &u) == 0);
	FUZZ_ASSERT(u == floor_sec(t));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t got, want, t;
	uint64_t raw = 0;
	char *s;
	int b, r, ok;

	/* A time from the first 8 bytes, folded into the range. */
	memcpy(&raw, data, size < 8 ? size : 8);
	t = TMIN + (int64_t)(raw % (uint64_t)(TMAX - TMIN + 1));
	round_trip(t);

	s = fuzz_strndup(data, size);
	for (b = 0; b < 2; b++) {
		got = INT64_MIN;
		r = ftx_isotime_parse(s, b ? FTX_ISOTIME_END :
		    FTX_ISOTIME_START, &got);
		ok = strlen(s) == size && ref_parse(s, b, &want);
		FUZZ_ASSERT(r == 0 || r == -1);
		FUZZ_ASSERT((r == 0) == ok || strlen(s) != size);
		if (r == -1) {
			FUZZ_ASSERT(got == INT64_MIN);	/* untouched */
			continue;
		}
		if (ok)
			FUZZ_ASSERT(got == want);
		round_trip(got);
	}
	free(s);
	return 0;
}
