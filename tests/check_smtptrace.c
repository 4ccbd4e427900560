/*
 * check_smtptrace.c - which reply answered which command, from libcurl's
 * debug stream: one transaction per case, fed in pieces of every size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "smtptrace.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A stream: lines starting with "> " are ours, "< " the server's. */
static const struct trace_case {
	const char	*stream;
	int		 nrcpt;
	int		 rcpt[4];	/* codes expected */
	const char	*text[4];	/* texts expected */
	int		 step[FTX_SMTP_NSTEPS];
} trace_cases[] = {
	/* 0: a Cc refused, the rest accepted, the message accepted. */
	{ "< 220 mx ESMTP\r\n> EHLO host\r\n< 250-mx\r\n< 250-SIZE 1000\r\n"
	  "< 250 HELP\r\n> MAIL FROM:<ftx@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<a@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<b@x.example>\r\n< 550 5.1.1 <b@x.example>: no\r\n"
	  "> RCPT TO:<c@x.example>\r\n< 250 2.1.5 Ok\r\n"
	  "> DATA\r\n< 354 go ahead\r\n< 250 2.0.0 queued as X\r\n"
	  "> QUIT\r\n< 221 bye\r\n", 3,
	  { 250, 550, 250 }, { "250 OK", "550 5.1.1 <b@x.example>: no",
	  "250 2.1.5 Ok" }, { 250, 354, 250 } },
	/* 1: a multi-line reply keeps its first line; control bytes go. */
	{ "> MAIL FROM:<f@x.example>\r\n< 250 OK\r\n"
	  "> rcpt to:<a@x.example>\r\n< 451-4.2.0 busy\x01\x7f\r\n"
	  "< 451 4.2.0 try later\r\n", 1,
	  { 451 }, { "451-4.2.0 busy" }, { 250, 0, 0 } },
	/* 2: the connection ended after the first RCPT. */
	{ "> MAIL FROM:<f@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<a@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<b@x.example>\r\n", 2,
	  { 250, 0 }, { "250 OK", "" }, { 250, 0, 0 } },
	/* 3: MAIL FROM refused; AUTH lines never count as commands. */
	{ "> AUTH PLAIN c2VjcmV0\r\n< 235 ok\r\n"
	  "> MAIL FROM:<f@x.example>\r\n< 553 5.7.1 sender\r\n", 1,
	  { 0 }, { "" }, { 553, 0, 0 } },
	/* 4: DATA refused: no end-of-message reply. */
	{ "> MAIL FROM:<f@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<a@x.example>\r\n< 250 OK\r\n"
	  "> DATA\r\n< 554 no valid recipients\r\n> QUIT\r\n< 221 bye\r\n", 1,
	  { 250 }, { "250 OK" }, { 250, 554, 0 } },
	/* 5: more RCPT replies than recipients, and junk, are ignored. */
	{ "> RCPT TO:<a@x.example>\r\n< 250 OK\r\n"
	  "> RCPT TO:<b@x.example>\r\n< 250 OK\r\n< garbage\r\n< 99 x\r\n", 1,
	  { 250 }, { "250 OK" }, { 0, 0, 0 } },
};

/* Feeds case c to t in pieces of chunk bytes, each line to its side. */
static void
feed(struct ftx_smtptrace *t, const char *stream, size_t chunk)
{
	const char *p = stream, *nl;
	size_t len, off, k;
	int out;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		out = p[0] == '>';
		for (off = 2; off < len; off += k) {
			k = len - off < chunk ? len - off : chunk;
			ftx_smtptrace_feed(t, out, p + off, k);
		}
		p += len;
	}
}

START_TEST(test_trace)
{
	static const size_t chunks[] = { 1, 2, 7, 4096 };
	const struct trace_case *tc = &trace_cases[_i];
	struct ftx_smtptrace *t;
	const char *text;
	size_t c;
	int i;

	for (c = 0; c < NELEM(chunks); c++) {
		t = ftx_smtptrace_new(tc->nrcpt);
		ck_assert_ptr_nonnull(t);
		feed(t, tc->stream, chunks[c]);
		for (i = 0; i < tc->nrcpt; i++) {
			ck_assert_int_eq(ftx_smtptrace_rcpt(t, i, &text),
			    tc->rcpt[i]);
			ck_assert_str_eq(text, tc->text[i]);
		}
		for (i = 0; i < FTX_SMTP_NSTEPS; i++)
			ck_assert_int_eq(ftx_smtptrace_step(t,
			    (enum ftx_smtp_step)i, NULL), tc->step[i]);
		ck_assert_int_eq(ftx_smtptrace_rcpt(t, tc->nrcpt, &text), 0);
		ck_assert_str_eq(text, "");
		ck_assert_int_eq(ftx_smtptrace_rcpt(t, -1, NULL), 0);
		ftx_smtptrace_free(t);
	}
}
END_TEST

/* A reply line longer than any buffer: cut, never overrun. */
START_TEST(test_long_line)
{
	struct ftx_smtptrace *t = ftx_smtptrace_new(1);
	static char line[4096];
	const char *text;

	ck_assert_ptr_nonnull(t);
	ftx_smtptrace_feed(t, 1, "RCPT TO:<a@x.example>\r\n", 23);
	memset(line, 'x', sizeof(line));
	memcpy(line, "550 ", 4);
	ftx_smtptrace_feed(t, 0, line, sizeof(line));
	ftx_smtptrace_feed(t, 0, "\r\n", 2);
	ck_assert_int_eq(ftx_smtptrace_rcpt(t, 0, &text), 550);
	ck_assert_uint_eq(strlen(text), FTX_SMTPTRACE_TEXT_MAX - 1);
	ftx_smtptrace_free(t);
	ftx_smtptrace_free(NULL);
	ck_assert_ptr_null(ftx_smtptrace_new(-1));
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("smtptrace");
	TCase *tc = tcase_create("trace");

	tcase_add_loop_test(tc, test_trace, 0, NELEM(trace_cases));
	tcase_add_test(tc, test_long_line);
	suite_add_tcase(s, tc);
	return s;
}
