/*
 * httpcond.c - HTTP dates and conditional requests.
 *
 * The calendar is isotime.c's: a date is formatted through
 * ftx_isotime_format and parsed by rewriting it as ISO 8601 for
 * ftx_isotime_parse, which also refuses impossible dates.
 */
#include <stdio.h>
#include <string.h>

#include "httpcond.h"
#include "isotime.h"

#define USEC_PER_DAY	(86400LL * 1000000LL)

static const char days[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

void
ftx_httpcond_date_format(int64_t usec, char *buf)
{
	char iso[FTX_ISOTIME_LEN];
	int64_t day;
	int wday, mon;

	ftx_isotime_format(usec, iso);		/* YYYY-MM-DDTHH:MM:SSZ */
	day = usec / USEC_PER_DAY - (usec % USEC_PER_DAY < 0);
	wday = (int)(((day + 4) % 7 + 7) % 7);	/* 1970-01-01: a Thursday */
	mon = (iso[5] - '0') * 10 + (iso[6] - '0');
	snprintf(buf, FTX_HTTPDATE_LEN, "%s, %.2s %s %.4s %.8s GMT",
	    days[wday], iso + 8, months[(mon - 1) % 12], iso, iso + 11);
}

/* Index of the three letters at s in names[n], or -1. */
static int
name_index(const char *s, const char (*names)[4], int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (memcmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

int
ftx_httpcond_date_parse(const char *s, int64_t *usec)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT": 'd' digit, ' ' and ':' as is. */
	static const char shape[] = "xxx, dd xxx dddd dd:dd:dd GMT";
	char iso[FTX_ISOTIME_LEN];
	size_t i;
	int mon;

	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' :
		    shape[i] != 'x' && s[i] != shape[i])
			return -1;
	}
	if (name_index(s, days, 7) == -1 ||
	    (mon = name_index(s + 8, months, 12)) == -1)
		return -1;
	snprintf(iso, sizeof(iso), "%.4s-%02d-%.2sT%.8sZ", s + 12, mon + 1,
	    s + 5, s + 17);
	return ftx_isotime_parse(iso, FTX_ISOTIME_START, usec);
}

/* Skips optional white space (RFC 9110 OWS: spaces and tabs). */
static const char *
ows(const char *p)
{
	return p + strspn(p, " \t");
}

int
ftx_httpcond_etag_match(const char *inm, const char *etag)
{
	size_t elen = strlen(etag), olen;
	const char *p = ows(inm), *q;
	int match = 0;

	if (p[0] == '*' && *ows(p + 1) == '\0')
		return 1;
	for (;;) {
		p = ows(p);
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
			return 0;
		olen = (size_t)(q - (p + 1));
		if (olen == elen && memcmp(p + 1, etag, elen) == 0)
			match = 1;
		p = ows(q + 1);
		if (*p == '\0')
			return match;
		if (*p != ',')
			return 0;
		p++;
	}
}

int
ftx_httpcond_not_modified(const char *if_none_match,
    const char *if_modified_since, const char *etag, int64_t last_modified)
{
	int64_t since, whole;

	if (if_none_match != NULL)
		return ftx_httpcond_etag_match(if_none_match, etag);
	if (if_modified_since == NULL ||
	    ftx_httpcond_date_parse(if_modified_since, &since) == -1)
		return 0;
	/* The date has whole seconds: compare at that resolution. */
	whole = last_modified - (last_modified % 1000000 + 1000000) % 1000000;
	return whole <= since;
}
