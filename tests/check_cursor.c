/*
 * check_cursor.c - keyset cursors round-trip; junk is rejected.
 */
#include <string.h>

#include "check_main.h"
#include "cursor.h"

static const struct {
	long long usec;
	const char *id;
} good[] = {
	{ 0, "a" },
	{ 1767225600123456LL, "4b0c5e0e-7a7a-4c1e-9d5b-000000000001" },
	{ -1, "ft_demo_42_000001" },
	{ 253402300799999999LL, "x;y\"z%_\\" },
	{ -62135596800000000LL, "0001-01-01" },
	{ 1, "Caf\xc3\xa9" },
	{ 1, "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123" },
};

START_TEST(test_round_trip)
{
	struct ftx_cursor c, d;
	char buf[FTX_CURSOR_LEN];

	c.usec = good[_i].usec;
	strcpy(c.id, good[_i].id);
	ck_assert_int_eq(ftx_cursor_encode(&c, buf, sizeof(buf)), 0);
	ck_assert_int_eq(strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
	    "mnopqrstuvwxyz0123456789-_"), strlen(buf));
	ck_assert_int_eq(ftx_cursor_decode(buf, &d), 0);
	ck_assert(d.usec == c.usec);
	ck_assert_str_eq(d.id, c.id);
}
END_TEST

static const char *const bad[] = {
	"", "a", "!!!!", "dj", "djE", "djE6",	/* "v1:" alone */
	"djI6MTox",				/* "v2:1:1" */
	"djE6eDox",				/* "v1:x:1" */
	"djE6MTo",				/* "v1:1:" */
	"djE6MQ",				/* "v1:1" */
	"djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OjE",	/* overflow */
	"djE6MTowAGI",				/* NUL inside */
	"djE6MToKYQ",				/* control byte in id */
	"djE6MTph=",				/* padding is not base64url */
	"djE6MTph+/",
	"' OR 1=1 --",
	"djE6MTph djE6MTph",
	"djE6MDr__g",				/* id "\xff\xfe" */
	"djE6OTIyMzM3MjAzNjg1NDc3NTgwNzp4",	/* INT64_MAX usec */
	"djE6LTkyMjMzNzIwMzY4NTQ3NzU4MDg6eA",	/* INT64_MIN usec */
	"djE6MjUzNDAyMzAwODAwMDAwMDAwOng",	/* year 10000 */
	"djE6MDE6eA",				/* "v1:01:x": not canonical */
	"djE6KzE6eA",				/* "v1:+1:x" */
	"djE6LTA6eA",				/* "v1:-0:x" */
};

START_TEST(test_rejected)
{
	struct ftx_cursor c;

	ck_assert_msg(ftx_cursor_decode(bad[_i], &c) == -1, "%s", bad[_i]);
}
END_TEST

START_TEST(test_too_small_and_too_long)
{
	struct ftx_cursor c = { 1, "abc" };
	char small[8], big[400];

	ck_assert_int_eq(ftx_cursor_encode(&c, small, sizeof(small)), -1);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(ftx_cursor_decode(big, &c), -1);
	ck_assert_int_eq(ftx_cursor_decode(NULL, &c), -1);
}
END_TEST

/* Ids of FTX_ID_MAX bytes sharing all but their last byte: whole. */
START_TEST(test_long_ids)
{
	struct ftx_cursor a, b, out;
	char ea[FTX_CURSOR_LEN], eb[FTX_CURSOR_LEN];

	a.usec = b.usec = 1;
	memset(a.id, 'x', FTX_ID_MAX);
	a.id[FTX_ID_MAX] = '\0';
	memcpy(b.id, a.id, sizeof(a.id));
	b.id[FTX_ID_MAX - 1] = 'y';
	ck_assert_int_eq(ftx_cursor_encode(&a, ea, sizeof(ea)), 0);
	ck_assert_int_eq(ftx_cursor_encode(&b, eb, sizeof(eb)), 0);
	ck_assert_str_ne(ea, eb);
	ck_assert_int_eq(ftx_cursor_decode(eb, &out), 0);
	ck_assert_str_eq(out.id, b.id);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("cursor");

	tcase_add_loop_test(tc, test_round_trip, 0,
	    sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_rejected, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_too_small_and_too_long);
	tcase_add_test(tc, test_long_ids);
	suite_add_tcase(s, tc);
	return s;
}
