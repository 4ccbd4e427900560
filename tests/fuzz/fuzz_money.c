/*
 * fuzz_money.c - decimal amounts: ftx_money_format() against an exact
 * reference (the amount as an integer count of minor units, rounded half
 * away from zero by integer arithmetic on a little-endian digit vector),
 * and ftx_money_parse_amount() against the SPEC bounds, idempotent.
 *
 * Input: byte 0 picks the output buffer size, bytes 1..3 the currency,
 * the rest is the amount text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzlib.h"
#include "money.h"

#define REF_MAX	4096

/* 1 if s is "D+" or "D+.D+" (D a decimal digit). */
static int
ref_is_decimal(const char *s)
{
	size_t i = 0, n;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0)
		return 0;
	if (s[i] == '\0')
		return 1;
	if (s[i] != '.')
		return 0;
	n = ++i;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i > n && s[i] == '\0';
}

/*
 * The amount s rounded to d decimals, half away from zero, as text in out:
 * the value times 10^d is held as an integer in a little-endian digit
 * vector, one is added when the first dropped digit is 5 or more, and the
 * integer is printed back with d decimals.
 */
static void
ref_format(const char *s, int d, char *out)
{
	static unsigned char v[REF_MAX];
	const char *dot = strchr(s, '.');
	size_t ilen = dot != NULL ? (size_t)(dot - s) : strlen(s);
	const char *frac = dot != NULL ? dot + 1 : "";
	size_t flen = strlen(frac), n = 0, i, o = 0;
	int carry;

	/* Units: the fraction digits kept (padded with zeros), then the
	 * integer digits, least significant first. */
	for (i = (size_t)d; i > 0; i--)
		v[n++] = (unsigned char)(i - 1 < flen ? frac[i - 1] - '0' : 0);
	for (i = ilen; i > 0; i--)
		v[n++] = (unsigned char)(s[i - 1] - '0');
	carry = flen > (size_t)d && frac[d] >= '5';
	for (i = 0; i < n && carry; i++) {
		v[i] = (unsigned char)(v[i] + 1);
		carry = v[i] == 10;
		if (carry)
			v[i] = 0;
	}
	if (carry)
		v[n++] = 1;
	/* Print, dropping leading zeros of the integer part (which has at
	 * least one digit: s has one). */
	while (n > (size_t)d + 1 && v[n - 1] == 0)
		n--;
	for (i = n; i > (size_t)d; i--)
		out[o++] = (char)('0' + v[i - 1]);
	if (d > 0)
		out[o++] = '.';
	for (i = (size_t)d; i > 0; i--)
		out[o++] = (char)('0' + v[i - 1]);
	out[o] = '\0';
}

/* The canonical bound of SPEC 7, or "" when s is not one. */
static void
ref_canonical(const char *s, char *out)
{
	const char *dot, *ip, *fp;
	size_t ilen, flen;

	out[0] = '\0';
	if (!ref_is_decimal(s))
		return;
	dot = strchr(s, '.');
	for (ip = s; *ip == '0'; ip++)
		;
	ilen = dot != NULL ? (size_t)(dot - ip) : strlen(ip);
	if (dot != NULL && ip > dot)
		ilen = 0, ip = dot;
	fp = dot != NULL ? dot + 1 : "";
	flen = strlen(fp);
	while (flen > 0 && fp[flen - 1] == '0')
		flen--;
	if (ilen > 16 || flen > 4)
		return;
	if (ilen == 0)
		strcpy(out, "0");
	else {
		memcpy(out, ip, ilen);
		out[ilen] = '\0';
	}
	if (flen > 0) {
		strcat(out, ".");
		strncat(out, fp, flen);
	}
}

static void
check_format(const char *amount, const char *cur, size_t cap)
{
	static char want[REF_MAX + 8];
	char *buf;
	int d, n;

	d = ftx_money_minor_digits(cur);
	FUZZ_ASSERT(d == 0 || d == 2 || d == 3 || d == 4);
	/* Exactly cap bytes, so that a write past them is seen. */
	if ((buf = malloc(cap > 0 ? cap : 1)) == NULL)
		abort();
	n = ftx_money_format(amount, cur, buf, cap);
	if (!ref_is_decimal(amount) || strlen(amount) > REF_MAX - 8) {
		FUZZ_ASSERT(n == -1 || ref_is_decimal(amount));
		free(buf);
		return;
	}
	ref_format(amount, d, want);
	if (strlen(want) < cap) {
		FUZZ_ASSERT(n >= 0);
		FUZZ_ASSERT((size_t)n == strlen(want));
		FUZZ_ASSERT(strcmp(buf, want) == 0);
	} else
		FUZZ_ASSERT(n == -1);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cur[4], canon[64], canon2[64], want[64], a1[FTX_MONEY_LEN],
	    a2[FTX_MONEY_LEN];
	char *amount;
	size_t cap;
	int r;

	if (size < 4)
		return 0;
	cap = data[0] % 40;
	memcpy(cur, data + 1, 3);
	cur[3] = '\0';
	amount = fuzz_strndup(data + 4, size - 4);
	if (strlen(amount) != size - 4) {	/* a NUL inside: C string API */
		free(amount);
		return 0;
	}
	check_format(amount, cur, cap);
	check_format(amount, cur, FTX_MONEY_LEN);

	r = ftx_money_parse_amount(amount, canon, sizeof(canon));
	ref_canonical(amount, want);
	FUZZ_ASSERT((r == 0) == (want[0] != '\0'));
	if (r == 0) {
		FUZZ_ASSERT(strcmp(canon, want) == 0);
		/* Idempotent, and the same value formats the same. */
		FUZZ_ASSERT(ftx_money_parse_amount(canon, canon2,
		    sizeof(canon2)) == 0);
		FUZZ_ASSERT(strcmp(canon, canon2) == 0);
		FUZZ_ASSERT(ftx_money_format(amount, cur, a1, sizeof(a1)) >= 0);
		FUZZ_ASSERT(ftx_money_format(canon, cur, a2, sizeof(a2)) >= 0);
		FUZZ_ASSERT(strcmp(a1, a2) == 0);
	}
	free(amount);
	return 0;
}
