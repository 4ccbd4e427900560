/*
 * isotime.c - ISO 8601 / RFC 3339 timestamps, parsed and formatted by hand.
 *
 * No strptime, timegm or TZ: the result must not depend on the locale or on
 * the process time zone, and the parser must take hostile bytes calmly.  The
 * civil-date arithmetic is Howard Hinnant's days_from_civil/civil_from_days,
 * exact over the proleptic Gregorian calendar.
 */
#include <stddef.h>
#include <stdint.h>

#include "isotime.h"

#define USEC_PER_SEC	INT64_C(1000000)
#define USEC_PER_MIN	(60 * USEC_PER_SEC)
#define USEC_PER_HOUR	(60 * USEC_PER_MIN)
#define USEC_PER_DAY	(24 * USEC_PER_HOUR)

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: PostgreSQL has no
 * year 0, and four digits is what the output format holds. */
#define ISOTIME_MIN	(INT64_C(-719162) * USEC_PER_DAY)
#define ISOTIME_MAX	(INT64_C(2932897) * USEC_PER_DAY - 1)

/* Fields of a parsed timestamp, before the offset is applied. */
struct isotm {
	int	year, mon, mday;
	int	hour, min, sec, usec;
	int	offmin;		/* east of UTC, in minutes */
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly n ASCII digits at *pp into *val and advances; 0 or -1.
 * Stops at the first non-digit, so it never reads past a NUL. */
static int
get_digits(const char **pp, int n, int *val)
{
	const char *p = *pp;
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*val = v;
	return 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "YYYY-MM-DD": a real date of years 0001..9999. */
static int
parse_date(const char **pp, struct isotm *tm)
{
	const char *p = *pp;

	if (get_digits(&p, 4, &tm->year) == -1 || *p++ != '-' ||
	    get_digits(&p, 2, &tm->mon) == -1 || *p++ != '-' ||
	    get_digits(&p, 2, &tm->mday) == -1)
		return -1;
	if (tm->year < 1 || tm->mon < 1 || tm->mon > 12 || tm->mday < 1 ||
	    tm->mday > days_in_month(tm->year, tm->mon))
		return -1;
	*pp = p;
	return 0;
}

/* ".f..." after the seconds: at least one digit, truncated to microseconds;
 * any number of digits is consumed without overflow. */
static int
parse_fraction(const char **pp, int *usec)
{
	const char *p = *pp;
	int n, v = 0;

	if (!is_digit(*p))
		return -1;
	for (n = 0; is_digit(*p); p++, n++)
		if (n < 6)
			v = v * 10 + (*p - '0');
	for (; n < 6; n++)
		v *= 10;
	*usec = v;
	*pp = p;
	return 0;
}

/* "HH:MM[:SS[.f]]" */
static int
parse_clock(const char **pp, struct isotm *tm)
{
	const char *p = *pp;

	if (get_digits(&p, 2, &tm->hour) == -1 || *p++ != ':' ||
	    get_digits(&p, 2, &tm->min) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (get_digits(&p, 2, &tm->sec) == -1)
			return -1;
		if (*p == '.') {
			p++;
			if (parse_fraction(&p, &tm->usec) == -1)
				return -1;
		}
	}
	if (tm->hour > 23 || tm->min > 59 || tm->sec > 59)
		return -1;
	*pp = p;
	return 0;
}

/* "Z", "z", or a sign and "HH:MM", "HHMM" or "HH", at most 23:59. */
static int
parse_zone(const char **pp, int *offmin)
{
	const char *p = *pp;
	int sign, hh, mm = 0;

	if (*p == 'Z' || *p == 'z') {
		*offmin = 0;
		*pp = p + 1;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (get_digits(&p, 2, &hh) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (get_digits(&p, 2, &mm) == -1)
			return -1;
	} else if (is_digit(*p)) {
		if (get_digits(&p, 2, &mm) == -1)
			return -1;
	}
	if (hh > 23 || mm > 59)
		return -1;
	*offmin = sign * (hh * 60 + mm);
	*pp = p;
	return 0;
}

int
ftx_isotime_parse(const char *s, enum ftx_isotime_bound bound,
    int64_t *usec)
{
	struct isotm tm = { 0 };
	const char *p = s;
	int64_t t;

	if (s == NULL || parse_date(&p, &tm) == -1)
		return -1;
	if (*p == '\0') {
		if (bound == FTX_ISOTIME_END) {
			tm.hour = 23;
			tm.min = tm.sec = 59;
			tm.usec = 999999;
		}
	} else {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (parse_clock(&p, &tm) == -1 ||
		    parse_zone(&p, &tm.offmin) == -1 || *p != '\0')
			return -1;
	}
	t = days_from_civil(tm.year, tm.mon, tm.mday) * USEC_PER_DAY +
	    tm.hour * USEC_PER_HOUR + tm.min * USEC_PER_MIN +
	    tm.sec * USEC_PER_SEC + tm.usec - tm.offmin * USEC_PER_MIN;
	/* An offset may push 0001-01-01 or 9999-12-31 out of range. */
	if (t < ISOTIME_MIN || t > ISOTIME_MAX)
		return -1;
	*usec = t;
	return 0;
}

/* Writes v as exactly n decimal digits (v >= 0, fits). */
static char *
put_digits(char *p, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* Writes "YYYY-MM-DDTHH:MM:SS" (no NUL) and returns the end; the
 * microseconds of the second go to *frac.  Out-of-range times are clamped
 * to 0001..9999 so the fixed-size buffers always hold the result. */
static char *
put_datetime(int64_t usec, char *p, int *frac)
{
	int64_t days, rem;
	int y, m, d, secs;

	if (usec < ISOTIME_MIN)
		usec = ISOTIME_MIN;
	if (usec > ISOTIME_MAX)
		usec = ISOTIME_MAX;
	/* Floor division, so times before 1970 round toward the past. */
	days = usec / USEC_PER_DAY;
	rem = usec % USEC_PER_DAY;
	if (rem < 0) {
		rem += USEC_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	secs = (int)(rem / USEC_PER_SEC);
	*frac = (int)(rem % USEC_PER_SEC);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	return put_digits(p, secs % 60, 2);
}

void
ftx_isotime_format(int64_t usec, char *buf)
{
	char *p;
	int frac;

	p = put_datetime(usec, buf, &frac);
	*p++ = 'Z';
	*p = '\0';
}

void
ftx_isotime_format_usec(int64_t usec, char *buf)
{
	char *p;
	int frac;

	p = put_datetime(usec, buf, &frac);
	*p++ = '.';
	p = put_digits(p, frac, 6);
	*p++ = 'Z';
	*p = '\0';
}
