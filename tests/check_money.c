/*
 * check_money.c - minor units, amount formatting and parsing, table-driven.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "money.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*code;
	int		 digits;
} digit_cases[] = {
	{ "EUR", 2 }, { "USD", 2 }, { "GBP", 2 }, { "CHF", 2 },
	{ "BIF", 0 }, { "CLP", 0 }, { "DJF", 0 }, { "GNF", 0 },
	{ "ISK", 0 }, { "JPY", 0 }, { "KMF", 0 }, { "KRW", 0 },
	{ "PYG", 0 }, { "RWF", 0 }, { "UGX", 0 }, { "UYI", 0 },
	{ "VND", 0 }, { "VUV", 0 }, { "XAF", 0 }, { "XOF", 0 },
	{ "XPF", 0 },
	{ "BHD", 3 }, { "IQD", 3 }, { "JOD", 3 }, { "KWD", 3 },
	{ "LYD", 3 }, { "OMR", 3 }, { "TND", 3 },
	{ "CLF", 4 }, { "UYW", 4 },
	/* Any case. */
	{ "jpy", 0 }, { "Jpy", 0 }, { "bhd", 3 }, { "uyw", 4 }, { "eur", 2 },
	/* Neighbours of table entries, and junk: 2. */
	{ "AAA", 2 }, { "ZZZ", 2 }, { "BHC", 2 }, { "XPG", 2 }, { "JPZ", 2 },
	{ "", 2 }, { "JP", 2 }, { "JPYY", 2 }, { "JPY ", 2 }, { " JPY", 2 },
	{ "J1Y", 2 }, { "JP\xff", 2 }, { "\xc3\xa9\xc3", 2 }, { "123", 2 },
	{ NULL, 2 },
};

static const struct {
	const char	*amount;
	const char	*currency;
	const char	*out;		/* NULL: -1 expected */
} format_cases[] = {
	{ "1234.5000", "EUR", "1234.50" },
	{ "1499.5000", "JPY", "1500" },
	{ "0.0000", "EUR", "0.00" },
	{ "0.0000", "JPY", "0" },
	{ "0.0000", "BHD", "0.000" },
	{ "0.0000", "CLF", "0.0000" },
	{ "0", "EUR", "0.00" },
	{ "0", "JPY", "0" },
	{ "12", "EUR", "12.00" },
	{ "12.3", "EUR", "12.30" },
	{ "12.345", "EUR", "12.35" },
	{ "12.3449", "EUR", "12.34" },
	{ "12.3450", "EUR", "12.35" },
	{ "12.3350", "EUR", "12.34" },	/* not banker's rounding */
	{ "12.3250", "EUR", "12.33" },
	{ "9.9950", "EUR", "10.00" },
	{ "9.9949", "EUR", "9.99" },
	{ "99.9950", "usd", "100.00" },
	{ "0.0050", "EUR", "0.01" },
	{ "0.0049", "EUR", "0.00" },
	{ "0.5000", "JPY", "1" },
	{ "0.4999", "JPY", "0" },
	{ "1.5", "JPY", "2" },
	{ "2.5", "JPY", "3" },
	{ "9999.5000", "KRW", "10000" },
	{ "999.9995", "BHD", "1000.000" },
	{ "999.9994", "BHD", "999.999" },
	{ "1.2345", "KWD", "1.235" },
	{ "1.2345", "CLF", "1.2345" },
	{ "1.23456", "CLF", "1.2346" },
	{ "1.23455", "UYW", "1.2346" },
	{ "1.99999999", "EUR", "2.00" },
	{ "0.001", "EUR", "0.00" },
	{ "0.005", "EUR", "0.01" },
	{ "9999999999999999.9999", "EUR", "10000000000000000.00" },
	{ "9999999999999999.9999", "JPY", "10000000000000000" },
	{ "1234567890123456.1234", "EUR", "1234567890123456.12" },
	{ "0001234.5000", "EUR", "1234.50" },
	{ "000.5000", "JPY", "1" },
	{ "5", "XXX", "5.00" },
	{ "5", NULL, "5.00" },
	{ "5", "jpyx", "5.00" },
	/* Not a non-negative decimal. */
	{ "", "EUR", NULL },
	{ "-1.0000", "EUR", NULL },
	{ "+1.0000", "EUR", NULL },
	{ "-0.0000", "EUR", NULL },
	{ "1.", "EUR", NULL },
	{ ".5", "EUR", NULL },
	{ ".", "EUR", NULL },
	{ "1e3", "EUR", NULL },
	{ "1.0e3", "EUR", NULL },
	{ " 1.00", "EUR", NULL },
	{ "1.00 ", "EUR", NULL },
	{ "1,00", "EUR", NULL },
	{ "1.0.0", "EUR", NULL },
	{ "NaN", "EUR", NULL },
	{ "Infinity", "EUR", NULL },
	{ "0x10", "EUR", NULL },
	{ "1\n", "EUR", NULL },
	{ NULL, "EUR", NULL },
};

static const struct {
	const char	*in;
	const char	*out;		/* NULL: -1 expected */
} parse_cases[] = {
	{ "12", "12" },
	{ "12.5", "12.5" },
	{ "12.50", "12.5" },
	{ "012.50", "12.5" },
	{ "0.0001", "0.0001" },
	{ "0.0000", "0" },
	{ "0", "0" },
	{ "000", "0" },
	{ "0.1000", "0.1" },
	{ "100", "100" },
	{ "100.0", "100" },
	{ "10.01", "10.01" },
	{ "1234567890123456", "1234567890123456" },
	{ "9999999999999999.9999", "9999999999999999.9999" },
	{ "00000000000000000001", "1" },	/* limits are on the value */
	{ "1.00000", "1" },
	{ "", NULL },
	{ "12345678901234567", NULL },		/* 17 integer digits */
	{ "12345678901234567.5", NULL },
	{ "0.00001", NULL },			/* 5 decimals */
	{ "1.23456", NULL },
	{ "1.", NULL },
	{ ".5", NULL },
	{ ".", NULL },
	{ "1e3", NULL },
	{ "1E3", NULL },
	{ "-0", NULL },
	{ "-1", NULL },
	{ "+1", NULL },
	{ " 1", NULL },
	{ "1 ", NULL },
	{ "1,5", NULL },
	{ "1.2.3", NULL },
	{ "0x1", NULL },
	{ "inf", NULL },
	{ "nan", NULL },
	{ "１", NULL },				/* fullwidth digit */
	{ "1\t", NULL },
	{ NULL, NULL },
};

/* A heap copy of exactly the string's size, so ASan sees over-reads. */
static char *
copy(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	ck_assert_ptr_nonnull(p);
	return p;
}

START_TEST(test_minor_digits)
{
	char *code = copy(digit_cases[_i].code);

	ck_assert_msg(ftx_money_minor_digits(code) == digit_cases[_i].digits,
	    "\"%s\": %d, want %d", code ? code : "(null)",
	    ftx_money_minor_digits(code), digit_cases[_i].digits);
	free(code);
}
END_TEST

START_TEST(test_format_table)
{
	char buf[FTX_MONEY_LEN];
	char *amount = copy(format_cases[_i].amount);
	const char *want = format_cases[_i].out;
	int n;

	memset(buf, 'x', sizeof(buf));
	n = ftx_money_format(amount, format_cases[_i].currency, buf,
	    sizeof(buf));
	if (want == NULL) {
		ck_assert_msg(n == -1, "\"%s\": accepted as \"%s\"",
		    amount ? amount : "(null)", buf);
	} else {
		ck_assert_msg(n >= 0, "\"%s\" %s: rejected", amount,
		    format_cases[_i].currency);
		ck_assert_str_eq(buf, want);
		ck_assert_int_eq(n, (int)strlen(want));
	}
	free(amount);
}
END_TEST

/* Every buffer size: too small is -1 (never an overflow, checked by ASan
 * on an exact-size heap buffer), big enough gives the whole result. */
START_TEST(test_format_bufsize)
{
	static const struct {
		const char *amount, *currency, *out;
	} c[] = {
		{ "999.9995", "BHD", "1000.000" },
		{ "9.9950", "EUR", "10.00" },
		{ "0.5000", "JPY", "1" },
		{ "1234.5000", "EUR", "1234.50" },
	};
	size_t i, len, need;
	char *buf;
	int n;

	for (i = 0; i < NELEM(c); i++) {
		need = strlen(c[i].out) + 1;
		for (len = 1; len <= need + 1; len++) {
			buf = malloc(len);
			ck_assert_ptr_nonnull(buf);
			n = ftx_money_format(c[i].amount, c[i].currency, buf,
			    len);
			if (len < need)
				ck_assert_int_eq(n, -1);
			else {
				ck_assert_int_eq(n, (int)need - 1);
				ck_assert_str_eq(buf, c[i].out);
			}
			free(buf);
		}
		ck_assert_int_eq(ftx_money_format(c[i].amount, c[i].currency,
		    NULL, 0), -1);
	}
}
END_TEST

/* Exhaustive over 0.0000 .. 99.9999 against an integer reference. */
START_TEST(test_format_exhaustive)
{
	static const char *const cur[] = { "JPY", "EUR", "BHD", "CLF" };
	static const long pow10[] = { 10000, 1000, 100, 10, 1 };
	char in[16], want[32], got[FTX_MONEY_LEN];
	long v, q, unit;
	int d;

	for (d = 0; d <= 4; d++) {
		if (d == 1)
			continue;
		unit = pow10[d];
		for (v = 0; v < 1000000; v++) {
			q = (v + unit / 2) / unit;	/* half up, v >= 0 */
			snprintf(in, sizeof(in), "%ld.%04ld", v / 10000,
			    v % 10000);
			if (d == 0)
				snprintf(want, sizeof(want), "%ld", q);
			else
				snprintf(want, sizeof(want), "%ld.%0*ld",
				    q / (10000 / unit), d,
				    q % (10000 / unit));
			if (ftx_money_format(in, cur[d > 1 ? d - 1 : 0], got,
			    sizeof(got)) < 0 || strcmp(got, want) != 0)
				ck_abort_msg("%s %s: \"%s\", want \"%s\"", in,
				    cur[d > 1 ? d - 1 : 0], got, want);
		}
	}
}
END_TEST

START_TEST(test_parse_table)
{
	char buf[FTX_MONEY_LEN];
	char *in = copy(parse_cases[_i].in);
	const char *want = parse_cases[_i].out;
	int rc;

	memset(buf, 'x', sizeof(buf));
	rc = ftx_money_parse_amount(in, buf, sizeof(buf));
	if (want == NULL) {
		ck_assert_msg(rc == -1, "\"%s\": accepted as \"%s\"",
		    in ? in : "(null)", buf);
	} else {
		ck_assert_msg(rc == 0, "\"%s\": rejected", in);
		ck_assert_str_eq(buf, want);
	}
	free(in);
}
END_TEST

START_TEST(test_parse_bufsize)
{
	char buf[8];

	/* "12.5" needs 5 bytes. */
	ck_assert_int_eq(ftx_money_parse_amount("12.50", buf, 4), -1);
	ck_assert_int_eq(ftx_money_parse_amount("12.50", buf, 5), 0);
	ck_assert_str_eq(buf, "12.5");
	ck_assert_int_eq(ftx_money_parse_amount("12.50", NULL, 0), -1);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("money");
	tc = tcase_create("minor_digits");
	tcase_add_loop_test(tc, test_minor_digits, 0, NELEM(digit_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_format_table, 0, NELEM(format_cases));
	tcase_add_test(tc, test_format_bufsize);
	tcase_add_test(tc, test_format_exhaustive);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse_amount");
	tcase_add_loop_test(tc, test_parse_table, 0, NELEM(parse_cases));
	tcase_add_test(tc, test_parse_bufsize);
	suite_add_tcase(s, tc);
	return s;
}
