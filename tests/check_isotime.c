/*
 * check_isotime.c - ISO 8601 parsing and formatting, table-driven.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "isotime.h"

struct parse_case {
	const char		*in;
	enum ftx_isotime_bound	 bound;
	int			 rc;
	int64_t			 usec;	/* when rc is 0 */
};

static const struct parse_case parse_cases[] = {
	/* Accepted, expected values computed with Python's datetime. */
	{ "1970-01-01T00:00:00Z", FTX_ISOTIME_START, 0, INT64_C(0) },
	{ "2026-01-02T03:04:05Z", FTX_ISOTIME_START, 0, INT64_C(1767323045000000) },
	{ "2026-01-02t03:04:05z", FTX_ISOTIME_START, 0, INT64_C(1767323045000000) },
	{ "2026-01-02 03:04:05.123456+00", FTX_ISOTIME_START, 0, INT64_C(1767323045123456) },
	{ "2026-01-02T03:04Z", FTX_ISOTIME_START, 0, INT64_C(1767323040000000) },
	{ "2026-01-02T03:04:05.1Z", FTX_ISOTIME_START, 0, INT64_C(1767323045100000) },
	{ "2026-01-02T03:04:05.000001Z", FTX_ISOTIME_START, 0, INT64_C(1767323045000001) },
	{ "2026-01-02T03:04:05.1234567899Z", FTX_ISOTIME_START, 0, INT64_C(1767323045123456) },
	{ "2026-01-02T03:04:05+14:00", FTX_ISOTIME_START, 0, INT64_C(1767272645000000) },
	{ "2026-01-02T03:04:05-23:59", FTX_ISOTIME_START, 0, INT64_C(1767409385000000) },
	{ "2026-01-02T03:04:05+0530", FTX_ISOTIME_START, 0, INT64_C(1767303245000000) },
	{ "2026-01-02T03:04:05+05", FTX_ISOTIME_START, 0, INT64_C(1767305045000000) },
	{ "2026-01-02T03:04:05-05:30", FTX_ISOTIME_START, 0, INT64_C(1767342845000000) },
	{ "2026-01-02T03:04:05-00:00", FTX_ISOTIME_START, 0, INT64_C(1767323045000000) },
	{ "2026-01-02T03:04+01:00", FTX_ISOTIME_START, 0, INT64_C(1767319440000000) },
	{ "2024-02-29T12:00:00Z", FTX_ISOTIME_START, 0, INT64_C(1709208000000000) },
	{ "2000-02-29T00:00:00Z", FTX_ISOTIME_START, 0, INT64_C(951782400000000) },
	{ "1969-12-31T23:59:59.999999Z", FTX_ISOTIME_START, 0, INT64_C(-1) },
	{ "1900-03-01T00:00:00Z", FTX_ISOTIME_START, 0, INT64_C(-2203891200000000) },
	{ "0001-01-01T00:00:00Z", FTX_ISOTIME_START, 0, INT64_C(-62135596800000000) },
	{ "9999-12-31T23:59:59.999999Z", FTX_ISOTIME_START, 0, INT64_C(253402300799999999) },
	{ "0001-01-01T00:00:00-01:00", FTX_ISOTIME_START, 0, INT64_C(-62135593200000000) },
	{ "9999-12-31T22:59:59+01:00", FTX_ISOTIME_START, 0, INT64_C(253402293599000000) },
	{ "2026-12-31T23:59:59.999999Z", FTX_ISOTIME_START, 0, INT64_C(1798761599999999) },
	{ "2026-01-02", FTX_ISOTIME_START, 0, INT64_C(1767312000000000) },
	{ "2026-01-02", FTX_ISOTIME_END, 0, INT64_C(1767398399999999) },
	{ "2024-02-29", FTX_ISOTIME_START, 0, INT64_C(1709164800000000) },
	{ "2024-02-29", FTX_ISOTIME_END, 0, INT64_C(1709251199999999) },
	{ "1969-12-31", FTX_ISOTIME_START, 0, INT64_C(-86400000000) },
	{ "1969-12-31", FTX_ISOTIME_END, 0, INT64_C(-1) },
	{ "0001-01-01", FTX_ISOTIME_START, 0, INT64_C(-62135596800000000) },
	{ "0001-01-01", FTX_ISOTIME_END, 0, INT64_C(-62135510400000001) },
	{ "9999-12-31", FTX_ISOTIME_START, 0, INT64_C(253402214400000000) },
	{ "9999-12-31", FTX_ISOTIME_END, 0, INT64_C(253402300799999999) },
	/* Rejected. */
	{ "", FTX_ISOTIME_START, -1, 0 },
	{ "2026", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01", FTX_ISOTIME_START, -1, 0 },
	{ "2026-1-02", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-2", FTX_ISOTIME_START, -1, 0 },
	{ "26-01-02", FTX_ISOTIME_START, -1, 0 },
	{ "+2026-01-02", FTX_ISOTIME_START, -1, 0 },
	{ "-2026-01-02", FTX_ISOTIME_START, -1, 0 },
	{ "2026-+1-02", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-+2", FTX_ISOTIME_START, -1, 0 },
	{ "20260102", FTX_ISOTIME_START, -1, 0 },
	{ "2026/01/02", FTX_ISOTIME_START, -1, 0 },
	{ "12026-01-02", FTX_ISOTIME_START, -1, 0 },
	{ "0000-01-01", FTX_ISOTIME_START, -1, 0 },
	{ "2026-02-29", FTX_ISOTIME_START, -1, 0 },
	{ "1900-02-29", FTX_ISOTIME_START, -1, 0 },
	{ "2026-02-30", FTX_ISOTIME_START, -1, 0 },
	{ "2026-04-31", FTX_ISOTIME_START, -1, 0 },
	{ "2026-13-01", FTX_ISOTIME_START, -1, 0 },
	{ "2026-00-10", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-32", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-00", FTX_ISOTIME_START, -1, 0 },
	{ " 2026-01-02", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02 ", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T0304Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T3:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:5Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05Z ", FTX_ISOTIME_START, -1, 0 },
	{ " 2026-01-02T03:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02  03:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02x03:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T24:00:00Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T23:60Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T23:59:60Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-12-31T23:59:60Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05.Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05.+1Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04.5Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05,5Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T+3:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:+4:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:+5Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05++01:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+-01:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+24:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05-24:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+01:60", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+1", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+1:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+01:0", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+010", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+01000", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+01:00:00", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+01:", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05+", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05ZZ", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05 Z", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05UTC", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02T03:04:05\n", FTX_ISOTIME_START, -1, 0 },
	{ "2026-01-02\xef\xbc\xb4" "03:04:05Z", FTX_ISOTIME_START, -1, 0 },
	{ "\xff\xfe\x80", FTX_ISOTIME_START, -1, 0 },
	/* Offsets must not leave 0001..9999 in UTC. */
	{ "0001-01-01T00:00:00+01:00", FTX_ISOTIME_START, -1, 0 },
	{ "0001-01-01T00:59:59.999999+01:00", FTX_ISOTIME_START, -1, 0 },
	{ "9999-12-31T23:30:00-01:00", FTX_ISOTIME_START, -1, 0 },
	/* Year 0000 is refused even where an offset would bring it back. */
	{ "0000-12-31T23:30:00-01:00", FTX_ISOTIME_START, -1, 0 },
};

struct format_case {
	int64_t		 usec;
	const char	*sec;	/* ftx_isotime_format */
	const char	*usecs;	/* ftx_isotime_format_usec */
};

static const struct format_case format_cases[] = {
	{ INT64_C(-1), "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.999999Z" },
	{ INT64_C(0), "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z" },
	{ INT64_C(1), "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z" },
	{ INT64_C(999999), "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.999999Z" },
	{ INT64_C(1000000), "1970-01-01T00:00:01Z", "1970-01-01T00:00:01.000000Z" },
	{ INT64_C(-1000000), "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.000000Z" },
	{ INT64_C(-1000001), "1969-12-31T23:59:58Z", "1969-12-31T23:59:58.999999Z" },
	{ INT64_C(1767323045123456), "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456Z" },
	{ INT64_C(-62135596800000000), "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z" },
	{ INT64_C(253402300799999999), "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z" },
	{ INT64_C(1709251199500000), "2024-02-29T23:59:59Z", "2024-02-29T23:59:59.500000Z" },
	{ INT64_C(-2203973876999996), "1900-02-28T01:02:03Z", "1900-02-28T01:02:03.000004Z" },
	{ INT64_C(951868800000000), "2000-03-01T00:00:00Z", "2000-03-01T00:00:00.000000Z" },
	{ INT64_C(-11670955200000000), "1600-02-29T12:00:00Z", "1600-02-29T12:00:00.000000Z" },
	/* Outside 0001..9999: clamped, never wider than the buffer. */
	{ INT64_MIN, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z" },
	{ INT64_MAX, "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Parses a heap copy of exactly the string's size, so that ASan sees any
 * read past its NUL. */
static int
parse_copy(const char *s, enum ftx_isotime_bound bound, int64_t *usec)
{
	char *copy;
	int rc;

	copy = strdup(s);
	ck_assert_ptr_nonnull(copy);
	rc = ftx_isotime_parse(copy, bound, usec);
	free(copy);
	return rc;
}

START_TEST(test_parse_table)
{
	const struct parse_case *c = &parse_cases[_i];
	int64_t usec = INT64_C(0x5eed);
	int rc;

	rc = parse_copy(c->in, c->bound, &usec);
	ck_assert_msg(rc == c->rc, "\"%s\": rc %d, want %d", c->in, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(usec == c->usec, "\"%s\": %lld, want %lld",
		    c->in, (long long)usec, (long long)c->usec);
	else
		ck_assert_msg(usec == INT64_C(0x5eed),
		    "\"%s\": *usec changed on failure", c->in);
}
END_TEST

START_TEST(test_format_table)
{
	const struct format_case *c = &format_cases[_i];
	char buf[FTX_ISOTIME_LEN], ubuf[FTX_ISOTIME_USEC_LEN];

	memset(buf, 'x', sizeof(buf));
	memset(ubuf, 'x', sizeof(ubuf));
	ftx_isotime_format(c->usec, buf);
	ftx_isotime_format_usec(c->usec, ubuf);
	ck_assert_str_eq(buf, c->sec);
	ck_assert_str_eq(ubuf, c->usecs);
	ck_assert_uint_eq(strlen(buf), FTX_ISOTIME_LEN - 1);
	ck_assert_uint_eq(strlen(ubuf), FTX_ISOTIME_USEC_LEN - 1);
}
END_TEST

/* Every day from 0001 to 9999 (plus odd microseconds) formats and parses
 * back to itself, consecutive days format to increasing dates, and the bare
 * date's END bound is its last microsecond.  Plain ifs in the loop: a Check
 * assertion per iteration would cost a pipe write each. */
START_TEST(test_roundtrip_all_days)
{
	const int64_t day = INT64_C(86400000000);
	const int64_t first = INT64_C(-62135596800000000);
	char buf[FTX_ISOTIME_USEC_LEN], prev[FTX_ISOTIME_USEC_LEN];
	int64_t t, k, v, back;
	int ndays = 0;

	prev[0] = '\0';
	for (t = first; t <= INT64_C(253402300799999999); t += day) {
		k = (t - first) / day;
		v = t + k * 1000003 % day;
		ftx_isotime_format_usec(v, buf);
		if (ftx_isotime_parse(buf, FTX_ISOTIME_START, &back) != 0 ||
		    back != v || strcmp(prev, buf) >= 0)
			ck_abort_msg("%s after %s: %lld != %lld", buf, prev,
			    (long long)back, (long long)v);
		memcpy(prev, buf, sizeof(buf));
		buf[10] = '\0';
		if (ftx_isotime_parse(buf, FTX_ISOTIME_END, &back) != 0)
			ck_abort_msg("%s: END bound rejected", buf);
		if (back != t + day - 1)
			ck_abort_msg("%s: END bound %lld", buf,
			    (long long)back);
		ndays++;
	}
	/* 0001-01-01 .. 9999-12-31 inclusive. */
	ck_assert_int_eq(ndays, 3652059);
	ck_assert_int_eq(strncmp(prev, "9999-12-31T", 11), 0);
}
END_TEST

/* Every prefix of valid strings, and every single-byte substitution,
 * must be handled without reading out of bounds; no prefix shorter than a
 * full date with a zone is accepted, except the bare date itself. */
START_TEST(test_mutations)
{
	static const char *const valid[] = {
		"2024-02-29T23:59:59.123456789+05:30",
		"2026-01-02 03:04:05.123456+00",
		"1999-12-31t00:00z",
	};
	char buf[64];
	size_t i, n, pos;
	int64_t usec;
	int b;

	for (i = 0; i < NELEM(valid); i++) {
		n = strlen(valid[i]);
		for (pos = 0; pos < n; pos++) {
			char *p = strndup(valid[i], pos);

			ck_assert_ptr_nonnull(p);
			if (ftx_isotime_parse(p, FTX_ISOTIME_START,
			    &usec) == 0)
				ck_assert_msg(pos == 10 || (pos > 0 &&
				    p[pos - 1] >= '0' && p[pos - 1] <= '9'),
				    "prefix \"%s\" accepted", p);
			free(p);
			for (b = 1; b < 256; b++) {
				memcpy(buf, valid[i], n + 1);
				buf[pos] = (char)b;
				(void)parse_copy(buf, FTX_ISOTIME_END, &usec);
			}
		}
	}
}
END_TEST

/* Hostile lengths: a huge fraction is truncated, not overflowed; a huge
 * string of anything else is refused. */
START_TEST(test_long_input)
{
	const size_t n = 100000;
	char *s;
	int64_t usec;

	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, "2026-01-02T03:04:05.", 20);
	memset(s + 20, '9', n - 21);
	s[n - 1] = 'Z';
	s[n] = '\0';
	ck_assert_int_eq(ftx_isotime_parse(s, FTX_ISOTIME_START, &usec), 0);
	ck_assert(usec == INT64_C(1767323045999999));
	s[n - 1] = '9';
	ck_assert_int_eq(ftx_isotime_parse(s, FTX_ISOTIME_START, &usec), -1);
	memset(s, '2', n);
	ck_assert_int_eq(ftx_isotime_parse(s, FTX_ISOTIME_START, &usec), -1);
	free(s);
	ck_assert_int_eq(ftx_isotime_parse(NULL, FTX_ISOTIME_START, &usec), -1);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("isotime");
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_table, 0, NELEM(parse_cases));
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_long_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_format_table, 0, NELEM(format_cases));
	tcase_add_test(tc, test_roundtrip_all_days);
	suite_add_tcase(s, tc);
	return s;
}
