/*
 * check_email.c - the address rule of SPEC §7.
 */
#include <string.h>

#include "check_main.h"
#include "email.h"

static const struct {
	const char *addr;
	int valid;
} cases[] = {
	{ "ops@x.example", 1 },
	{ "first.last+tag@mail.x-y.example", 1 },
	{ "!#$%&'*+-/=?^_`{|}~@x.example", 1 },
	{ "a@b.c", 1 },
	{ "A1@X9.EXAMPLE", 1 },
	{ "a@127.0.0.1", 1 },		/* LDH labels, not a literal */
	/* The addresses of issue 10, each refused by SMTP before. */
	{ "Zo\xc3\xab@ex\xc3\xa4mple.com", 0 },
	{ "a;b@x.example", 0 },
	{ "c(d@x.example", 0 },
	{ "g@[127.0.0.1]", 0 },
	{ "..h@x..example", 0 },
	/* Form. */
	{ "", 0 },
	{ "@", 0 },
	{ "@x.example", 0 },
	{ "a@", 0 },
	{ "a", 0 },
	{ "a@localhost", 0 },		/* one label */
	{ "a@@x.example", 0 },
	{ "a@b@x.example", 0 },
	{ ".a@x.example", 0 },
	{ "a.@x.example", 0 },
	{ "a..b@x.example", 0 },
	{ "a.b.c@x.example", 1 },
	{ "a@.x.example", 0 },
	{ "a@x.example.", 0 },
	{ "a@x..example", 0 },
	{ "a@-x.example", 0 },
	{ "a@x-.example", 0 },
	{ "a@x.example-", 0 },
	{ "a@x--y.example", 1 },
	{ "a@x_y.example", 0 },
	{ "\"a b\"@x.example", 0 },	/* quoted local parts */
	{ "a b@x.example", 0 },
	{ " a@x.example", 0 },
	{ "a@x.example ", 0 },
	{ "a,b@x.example", 0 },
	{ "<a@x.example>", 0 },
	{ "a@x.example\r\nRCPT TO:<b@x.example>", 0 },
	{ "a\n@x.example", 0 },
	{ "a\t@x.example", 0 },
	{ "a\x7f@x.example", 0 },
	{ "a\\b@x.example", 0 },
	{ "a:b@x.example", 0 },
};

START_TEST(test_table)
{
	const char *a = cases[_i].addr;

	ck_assert_msg(ftx_email_valid(a, strlen(a)) == cases[_i].valid,
	    "%s: expected %d", a, cases[_i].valid);
}
END_TEST

/* A string of n copies of c. */
static char *
fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_lengths)
{
	char addr[400], part[300];

	/* Local part: 64 bytes, not 65. */
	strcpy(addr, fill(part, 'l', 64));
	strcat(addr, "@x.example");
	ck_assert_int_eq(ftx_email_valid(addr, strlen(addr)), 1);
	strcpy(addr, fill(part, 'l', 65));
	strcat(addr, "@x.example");
	ck_assert_int_eq(ftx_email_valid(addr, strlen(addr)), 0);
	/* A label: 63 bytes, not 64. */
	strcpy(addr, "a@");
	strcat(addr, fill(part, 'd', 63));
	strcat(addr, ".example");
	ck_assert_int_eq(ftx_email_valid(addr, strlen(addr)), 1);
	strcpy(addr, "a@");
	strcat(addr, fill(part, 'd', 64));
	strcat(addr, ".example");
	ck_assert_int_eq(ftx_email_valid(addr, strlen(addr)), 0);
	/* The whole address: 254 bytes, not 255 (labels of 50 + dots). */
	strcpy(addr, fill(part, 'l', 40));
	strcat(addr, "@");
	while (strlen(addr) + 51 <= 254 - 8) {
		strcat(addr, fill(part, 'd', 50));
		strcat(addr, ".");
	}
	strcat(addr, fill(part, 'e', 254 - strlen(addr)));
	ck_assert_uint_eq(strlen(addr), 254);
	ck_assert_int_eq(ftx_email_valid(addr, 254), 1);
	strcat(addr, "e");
	ck_assert_int_eq(ftx_email_valid(addr, 255), 0);
}
END_TEST

START_TEST(test_not_terminated)
{
	/* len decides, not a NUL; a NUL inside is invalid. */
	ck_assert_int_eq(ftx_email_valid("a@x.example,b@y.example", 11), 1);
	ck_assert_int_eq(ftx_email_valid("a@x.ex\0mple", 11), 0);
	ck_assert_int_eq(ftx_email_valid(NULL, 0), 0);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("email");
	TCase *tc = tcase_create("email");

	tcase_add_loop_test(tc, test_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_not_terminated);
	suite_add_tcase(s, tc);
	return s;
}
