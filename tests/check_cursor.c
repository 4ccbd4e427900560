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

/* ---- cursors of lists by name ---- */

static const struct ftx_cursor_name good_names[] = {
	{ "", "a" },
	{ "Acme", "SUP-00001" },
	{ "a:b:c", "1:2" },			/* separators inside */
	{ "12:x", "y" },			/* a name that looks like a length */
	{ "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "\xc3\x89" },
	{ "<img src=x onerror=alert(1)>", "x;y\"z%_\\" },
	{ "tab\there", "line\nfeed" },		/* upstream data, as it is */
};

START_TEST(test_name_round_trip)
{
	struct ftx_cursor_name d;
	char buf[FTX_CURSOR_NAME_LEN];

	ck_assert_int_eq(ftx_cursor_name_encode(&good_names[_i], buf,
	    sizeof(buf)), 0);
	ck_assert_int_eq(strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
	    "mnopqrstuvwxyz0123456789-_"), strlen(buf));
	ck_assert_int_eq(ftx_cursor_name_decode(buf, &d), 0);
	ck_assert_str_eq(d.name, good_names[_i].name);
	ck_assert_str_eq(d.id, good_names[_i].id);
}
END_TEST

static const char *const bad_names[] = {
	"", "bjE6", "bjE6MDo",			/* "n1:", "n1:0:" (no id) */
	"djE6MTph",				/* "v1:1:a": a time cursor */
	"bjI6MDph",				/* "n2:0:a" */
	"bjE6MTph",				/* "n1:1:a": id left empty */
	"bjE6NTphYg",				/* "n1:5:ab": overruns */
	"bjE6MDE6YWI",				/* "n1:01:ab": not canonical */
	"bjE6KzE6YWI",				/* "n1:+1:ab" */
	"bjE6LTE6YWI",				/* "n1:-1:ab" */
	"bjE6OTk5OTk5OTk5OTk5OTk5OTk5OTk6YQ",	/* huge length */
	"bjE6MTphAGI",				/* "n1:1:a\0b" */
	"bjE6MTrDqQ",				/* "n1:1:\xc3\xa9": split é */
	"bjE6MDr_",				/* id "\xff" */
	"bjE6MTph=",
	"' OR 1=1 --",
};

START_TEST(test_name_rejected)
{
	struct ftx_cursor_name c;
	struct ftx_cursor t;

	ck_assert_msg(ftx_cursor_name_decode(bad_names[_i], &c) == -1, "%s",
	    bad_names[_i]);
	/* and a name cursor is never a time cursor */
	if (strncmp(bad_names[_i], "bjE6", 4) == 0)
		ck_assert_int_eq(ftx_cursor_decode(bad_names[_i], &t), -1);
}
END_TEST

/* The longest name and id are held whole; one byte more is refused,
 * never cut (a cut name would resume the list at another row). */
START_TEST(test_name_limits)
{
	static struct ftx_cursor_name a, b, out;
	char ea[FTX_CURSOR_NAME_LEN], eb[FTX_CURSOR_NAME_LEN];
	char big[FTX_CURSOR_NAME_LEN + 8];
	size_t n;

	memset(a.name, 'n', FTX_CURSOR_NAME_MAX);
	memset(a.id, 'i', FTX_ID_MAX);
	b = a;
	b.name[FTX_CURSOR_NAME_MAX - 1] = 'm';
	ck_assert_int_eq(ftx_cursor_name_encode(&a, ea, sizeof(ea)), 0);
	ck_assert_int_eq(ftx_cursor_name_encode(&b, eb, sizeof(eb)), 0);
	ck_assert_str_ne(ea, eb);
	ck_assert_int_eq(ftx_cursor_name_decode(eb, &out), 0);
	ck_assert_str_eq(out.name, b.name);
	ck_assert_str_eq(out.id, b.id);
	ck_assert_int_eq(ftx_cursor_name_encode(&a, ea, 16), -1);
	b.id[0] = '\0';
	ck_assert_int_eq(ftx_cursor_name_encode(&b, eb, sizeof(eb)), -1);
	n = sizeof(big) - 1;
	memset(big, 'A', n);
	big[n] = '\0';
	ck_assert_int_eq(ftx_cursor_name_decode(big, &out), -1);
	ck_assert_int_eq(ftx_cursor_name_decode(NULL, &out), -1);
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
	tcase_add_loop_test(tc, test_name_round_trip, 0,
	    sizeof(good_names) / sizeof(good_names[0]));
	tcase_add_loop_test(tc, test_name_rejected, 0,
	    sizeof(bad_names) / sizeof(bad_names[0]));
	tcase_add_test(tc, test_name_limits);
	suite_add_tcase(s, tc);
	return s;
}
