/*
 * money.c - decimal amounts as text, with ISO 4217 minor-unit digits.
 *
 * Everything is digit-string arithmetic: no floating point, no malloc (the
 * formatter runs once per CSV row).
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define AMOUNT_INT_MAX	16	/* numeric(20,4): 16 integer digits */
#define AMOUNT_FRAC_MAX	4

/* The currencies whose minor unit is not 2 digits, sorted by code. */
struct minor_unit {
	char	code[4];
	int	digits;
};

static const struct minor_unit minor_units[] = {
	{ "BHD", 3 }, { "BIF", 0 }, { "CLF", 4 }, { "CLP", 0 },
	{ "DJF", 0 }, { "GNF", 0 }, { "IQD", 3 }, { "ISK", 0 },
	{ "JOD", 3 }, { "JPY", 0 }, { "KMF", 0 }, { "KRW", 0 },
	{ "KWD", 3 }, { "LYD", 3 }, { "OMR", 3 }, { "PYG", 0 },
	{ "RWF", 0 }, { "TND", 3 }, { "UGX", 0 }, { "UYI", 0 },
	{ "UYW", 4 }, { "VND", 0 }, { "VUV", 0 }, { "XAF", 0 },
	{ "XOF", 0 }, { "XPF", 0 },
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
cmp_code(const void *key, const void *elem)
{
	const struct minor_unit *mu = elem;

	return strcmp(key, mu->code);
}

int
ftx_money_minor_digits(const char *currency)
{
	char code[4];
	const struct minor_unit *found;
	int i;

	if (currency == NULL)
		return 2;
	for (i = 0; i < 3; i++) {
		char c = currency[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return 2;
		code[i] = c;
	}
	if (currency[3] != '\0')
		return 2;
	code[3] = '\0';
	found = bsearch(code, minor_units,
	    sizeof(minor_units) / sizeof(minor_units[0]),
	    sizeof(minor_units[0]), cmp_code);
	if (found == NULL)
		return 2;
	return found->digits;
}

/* Splits "ddd[.ddd]" into its integer digits (leading zeros dropped, so
 * *ilen may be 0) and fraction digits.  0, or -1 if s is not such a
 * decimal: no sign, no exponent, digits on both sides of a '.'. */
static int
split_decimal(const char *s, const char **ip, size_t *ilen,
    const char **fp, size_t *flen)
{
	const char *p = s;

	if (s == NULL || !is_digit(*p))
		return -1;
	while (*p == '0')
		p++;
	*ip = p;
	while (is_digit(*p))
		p++;
	*ilen = (size_t)(p - *ip);
	*fp = p;
	*flen = 0;
	if (*p == '.') {
		*fp = ++p;
		while (is_digit(*p))
			p++;
		*flen = (size_t)(p - *fp);
		if (*flen == 0)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

/* Adds one unit in the last place of the n-character decimal in buf[len],
 * carrying through '.'; returns the new length or -1 if buf is too small. */
static int
round_up(char *buf, size_t n, size_t len)
{
	size_t i;

	for (i = n; i > 0; i--) {
		if (buf[i - 1] == '.')
			continue;
		if (buf[i - 1] != '9') {
			buf[i - 1]++;
			return (int)n;
		}
		buf[i - 1] = '0';
	}
	if (n + 2 > len)
		return -1;
	memmove(buf + 1, buf, n + 1);
	buf[0] = '1';
	return (int)n + 1;
}

int
ftx_money_format(const char *amount, const char *currency, char *buf,
    size_t len)
{
	const char *ip, *fp;
	size_t ilen, flen, need, n, i;
	int digits;

	if (buf == NULL ||
	    split_decimal(amount, &ip, &ilen, &fp, &flen) == -1)
		return -1;
	digits = ftx_money_minor_digits(currency);
	need = (ilen ? ilen : 1) + (digits ? 1 + (size_t)digits : 0);
	if (need >= len || need >= INT_MAX)
		return -1;
	n = 0;
	if (ilen == 0)
		buf[n++] = '0';
	memcpy(buf + n, ip, ilen);
	n += ilen;
	if (digits > 0) {
		buf[n++] = '.';
		for (i = 0; i < (size_t)digits; i++)
			buf[n++] = i < flen ? fp[i] : '0';
	}
	buf[n] = '\0';
	/* Half away from zero: the first dropped digit decides. */
	if (flen > (size_t)digits && fp[digits] >= '5')
		return round_up(buf, n, len);
	return (int)n;
}

int
ftx_money_parse_amount(const char *s, char *buf, size_t len)
{
	const char *ip, *fp;
	size_t ilen, flen, n;

	if (buf == NULL || split_decimal(s, &ip, &ilen, &fp, &flen) == -1)
		return -1;
	/* Limits are on the value: leading and trailing zeros are free. */
	while (flen > 0 && fp[flen - 1] == '0')
		flen--;
	if (ilen > AMOUNT_INT_MAX || flen > AMOUNT_FRAC_MAX)
		return -1;
	n = (ilen ? ilen : 1) + (flen ? 1 + flen : 0);
	if (n >= len)
		return -1;
	n = 0;
	if (ilen == 0)
		buf[n++] = '0';
	memcpy(buf + n, ip, ilen);
	n += ilen;
	if (flen > 0) {
		buf[n++] = '.';
		memcpy(buf + n, fp, flen);
		n += flen;
	}
	buf[n] = '\0';
	return 0;
}
