/*
 * check_mailer.c - rendering (exact bytes), RFC 2047 subjects, header
 * injection, and real delivery: SMTP to an aiosmtpd sink started here, and
 * the sendmail transport through a recording shell script.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "config.h"
#include "mailer.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PYTHON		"/usr/bin/python3"
#define T_DATE		((time_t)1795395723)	/* Mon, 23 Nov 2026 01:02:03 */
#define T_MSGID		"<test.1@ftx.example>"

#define HDR_DATE	"Date: Mon, 23 Nov 2026 01:02:03 +0000\r\n" \
			"Message-ID: " T_MSGID "\r\n"
#define HDR_MIME	"MIME-Version: 1.0\r\n" \
			"Content-Type: text/plain; charset=utf-8\r\n"

static const struct render_case {
	const char	*from;
	const char	*to;
	const char	*cc[8];
	int		 ncc;
	const char	*subject;
	const char	*body;
	const char	*expected;	/* NULL: render fails */
} render_cases[] = {
	/* 0: no Cc. */
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "Funding transfers export ex_1 is ready",
	  "Hello,\n\nLink: https://x.example/d?e=1\n",
	  HDR_DATE
	  "From: ftx@example.org\r\n"
	  "To: alice@example.org\r\n"
	  "Subject: Funding transfers export ex_1 is ready\r\n"
	  HDR_MIME
	  "Content-Transfer-Encoding: 8bit\r\n"
	  "\r\n"
	  "Hello,\r\n\r\nLink: https://x.example/d?e=1\r\n" },
	/* 1: two Cc, a UTF-8 subject, a body without its last newline,
	 * with CRLF, a lone CR and dot lines (left to the transport). */
	{ "ftx@example.org", "alice@example.org",
	  { "bob@example.org", "carol@example.org" }, 2,
	  "Export f\xc3\xbcr M\xc3\xbcller & S\xc3\xb6hne",
	  "a\r\nb\rc\n.\n..d\nGr\xc3\xbc\xc3\x9f""e",
	  HDR_DATE
	  "From: ftx@example.org\r\n"
	  "To: alice@example.org\r\n"
	  "Cc: bob@example.org, carol@example.org\r\n"
	  "Subject: =?UTF-8?B?RXhwb3J0IGbDvHIgTcO8bGxlciAmIFPDtmhuZQ==?=\r\n"
	  HDR_MIME
	  "Content-Transfer-Encoding: 8bit\r\n"
	  "\r\n"
	  "a\r\nb\r\nc\r\n.\r\n..d\r\nGr\xc3\xbc\xc3\x9f""e\r\n" },
	/* 2: Cc folded before an address that would pass column 78. */
	{ "ftx@example.org", "alice@example.org",
	  { "first.person@example.org", "second.person@example.org",
	    "third.person@example.org", "fourth.person@example.org",
	    "x@y" }, 5,
	  "S", "",
	  HDR_DATE
	  "From: ftx@example.org\r\n"
	  "To: alice@example.org\r\n"
	  "Cc: first.person@example.org, second.person@example.org,\r\n"
	  " third.person@example.org, fourth.person@example.org, x@y\r\n"
	  "Subject: S\r\n"
	  HDR_MIME
	  "Content-Transfer-Encoding: 8bit\r\n"
	  "\r\n" },
	/* 3: a long subject folds into several encoded words. */
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	  "x\n",
	  HDR_DATE
	  "From: ftx@example.org\r\n"
	  "To: alice@example.org\r\n"
	  "Subject: =?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?=\r\n"
	  " =?UTF-8?B?w6k=?=\r\n"
	  HDR_MIME
	  "Content-Transfer-Encoding: 8bit\r\n"
	  "\r\n"
	  "x\r\n" },
	/* Header injection and bad addresses: refused. */
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "Hi\r\nBcc: eve@example.org", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "Hi\nBcc: eve@example.org", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "Hi\rthere", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "tab\there", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0,
	  "del\x7f", "x", NULL },
	{ "ftx@example.org", "alice@example.org\r\nBcc: eve@example.org",
	  { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org",
	  { "bob@example.org\r\nBcc: eve@example.org" }, 1, "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org",
	  { "bob@example.org", "eve@example.org\n" }, 2, "S", "x", NULL },
	{ "ftx@example.org\r\nX: y", "alice@example.org", { NULL }, 0,
	  "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org, eve@example.org",
	  { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "Alice <alice@example.org>", { NULL }, 0,
	  "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org>", { NULL }, 0,
	  "S", "x", NULL },
	{ "ftx @example.org", "alice@example.org", { NULL }, 0,
	  "S", "x", NULL },
	{ "ftx@example.org", "", { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "-oQ/tmp@x", { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { "" }, 1, "S", "x", NULL },
	{ NULL, "alice@example.org", { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0, NULL, "x",
	  NULL },
	{ "ftx@example.org", "alice@example.org", { NULL }, 0, "S", NULL,
	  NULL },
};

static void
fill_mail(struct ftx_mail *m, const struct render_case *c)
{
	memset(m, 0, sizeof(*m));
	m->from = c->from;
	m->to = c->to;
	m->cc = c->cc;
	m->ncc = c->ncc;
	m->subject = c->subject;
	m->body = c->body;
	m->date = T_DATE;
	m->message_id = T_MSGID;
}

START_TEST(test_render)
{
	const struct render_case *c = &render_cases[_i];
	struct ftx_mail m;
	size_t len = 12345;
	char *msg;

	fill_mail(&m, c);
	msg = ftx_mail_render(&m, &len);
	if (c->expected == NULL) {
		ck_assert_ptr_null(msg);
		return;
	}
	ck_assert_ptr_nonnull(msg);
	ck_assert_str_eq(msg, c->expected);
	ck_assert_uint_eq(len, strlen(c->expected));
	free(msg);
}
END_TEST

/* Message-IDs: a given one must be "<...@...>" and nothing else. */
static const struct {
	const char	*id;
	int		 ok;
} msgid_cases[] = {
	{ "<a@b>", 1 }, { T_MSGID, 1 }, { "<x.1@h-1.example>", 1 },
	{ "a@b", 0 }, { "<a@b", 0 }, { "<ab>", 0 }, { "<a b@c>", 0 },
	{ "<a@b>\r\nBcc: e@f", 0 }, { "<a@b>>", 0 }, { "<<a@b>", 0 },
	{ "<a@\x01>", 0 }, { "", 0 },
};

START_TEST(test_msgid_given)
{
	const struct render_case *c = &render_cases[0];
	struct ftx_mail m;
	char *msg, want[128];

	fill_mail(&m, c);
	m.message_id = msgid_cases[_i].id;
	msg = ftx_mail_render(&m, NULL);
	if (!msgid_cases[_i].ok) {
		ck_assert_ptr_null(msg);
		return;
	}
	ck_assert_ptr_nonnull(msg);
	snprintf(want, sizeof(want), "\r\nMessage-ID: %s\r\n",
	    msgid_cases[_i].id);
	ck_assert_ptr_nonnull(strstr(msg, want));
	free(msg);
}
END_TEST

START_TEST(test_msgid_generated)
{
	const struct render_case *c = &render_cases[0];
	struct ftx_mail m;
	char *a, *b, *la, *lb;
	regex_t re;

	fill_mail(&m, c);
	m.message_id = NULL;
	a = ftx_mail_render(&m, NULL);
	b = ftx_mail_render(&m, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(regcomp(&re, "^Date: [^\r]*\r\nMessage-ID: "
	    "<[0-9a-f]{16}\\.1795395723@[A-Za-z0-9.-]+\\.[A-Za-z0-9.-]+>\r\n"
	    "From: ", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_int_eq(regexec(&re, a, 0, NULL, 0), 0);
	ck_assert_int_eq(regexec(&re, b, 0, NULL, 0), 0);
	regfree(&re);
	la = strstr(a, "Message-ID: ");
	lb = strstr(b, "Message-ID: ");
	ck_assert_int_ne(strncmp(la, lb, 30), 0);
	free(a);
	free(b);
}
END_TEST

static const struct {
	time_t		 t;
	const char	*date;
} date_cases[] = {
	{ 0, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n" },
	{ 951782400, "Date: Tue, 29 Feb 2000 00:00:00 +0000\r\n" },
	{ 4102444799, "Date: Thu, 31 Dec 2099 23:59:59 +0000\r\n" },
	{ 1795395723, "Date: Mon, 23 Nov 2026 01:02:03 +0000\r\n" },
	{ 1782000000, "Date: Sun, 21 Jun 2026 00:00:00 +0000\r\n" },
	{ 1780000000, "Date: Thu, 28 May 2026 20:26:40 +0000\r\n" },
	{ 1777000000, "Date: Fri, 24 Apr 2026 03:06:40 +0000\r\n" },
	{ 1772000000, "Date: Wed, 25 Feb 2026 06:13:20 +0000\r\n" },
	{ 1790000000, "Date: Mon, 21 Sep 2026 14:13:20 +0000\r\n" },
};

START_TEST(test_date)
{
	struct ftx_mail m;
	char *msg;

	fill_mail(&m, &render_cases[0]);
	m.date = date_cases[_i].t;
	msg = ftx_mail_render(&m, NULL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_mem_eq(msg, date_cases[_i].date, strlen(date_cases[_i].date));
	free(msg);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} encode_cases[] = {
	{ "", "" },
	{ "Funding transfers export ex_1 is ready",
	  "Funding transfers export ex_1 is ready" },
	{ "=?not encoded?=", "=?not encoded?=" },
	{ "\xc3\xa9", "=?UTF-8?B?w6k=?=" },
	{ "Export f\xc3\xbcr M\xc3\xbcller & S\xc3\xb6hne",
	  "=?UTF-8?B?RXhwb3J0IGbDvHIgTcO8bGxlciAmIFPDtmhuZQ==?=" },
	/* 39 bytes a word: here the 39th would split the e-acute. */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9",
	  "=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=?=\r\n"
	  " =?UTF-8?B?w6k=?=" },
	{ "Funding transfers export ex_42 f\xc3\xbcr M\xc3\xbcller",
	  "=?UTF-8?B?RnVuZGluZyB0cmFuc2ZlcnMgZXhwb3J0IGV4XzQyIGbDvHIgTcO8?=\r\n"
	  " =?UTF-8?B?bGxlcg==?=" },
	/* Three- and four-byte sequences. */
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x82\xa8"
	  "\xe3\x82\xaf\xe3\x82\xb9\xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88"
	  "\xe3\x81\xae\xe6\xba\x96\xe5\x82\x99\xe3\x81\x8c\xe3\x81\xa7"
	  "\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82"
	  "\xe3\x83\x80\xe3\x82\xa6\xe3\x83\xb3\xe3\x83\xad\xe3\x83\xbc"
	  "\xe3\x83\x89\xe3\x81\x97\xe3\x81\xa6\xe3\x81\x8f\xe3\x81\xa0"
	  "\xe3\x81\x95\xe3\x81\x84",
	  "=?UTF-8?B?5pel5pys6Kqe44Gu44Ko44Kv44K544Od44O844OI44Gu5rqW5YKZ?=\r\n"
	  " =?UTF-8?B?44GM44Gn44GN44G+44GX44Gf44CC44OA44Km44Oz44Ot44O844OJ?=\r\n"
	  " =?UTF-8?B?44GX44Gm44GP44Gg44GV44GE?=" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
	  "=?UTF-8?B?8J+YgPCfmIDwn5iA8J+YgPCfmIDwn5iA8J+YgPCfmIDwn5iA?=\r\n"
	  " =?UTF-8?B?8J+YgPCfmIDwn5iA?=" },
};

START_TEST(test_encode)
{
	char *out;

	out = ftx_mail_encode_header(encode_cases[_i].in);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, encode_cases[_i].out);
	free(out);
}
END_TEST

static int
b64val(char c)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(b64, c);

	return c != '\0' && p != NULL ? (int)(p - b64) : -1;
}

/* Decodes base64 s[n] (padded) to out; returns the length or -1. */
static int
b64decode(const char *s, size_t n, unsigned char *out)
{
	int v[4], k, len = 0;
	size_t i;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = s[i + k] == '=' ? 0 : b64val(s[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
			return -1;
		out[len++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (s[i + 2] != '=')
			out[len++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (s[i + 3] != '=')
			out[len++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return len;
}

/* 1 when s[n] is whole UTF-8 sequences (no sequence cut at either end). */
static int
whole_utf8(const unsigned char *s, int n)
{
	int i = 0, k;

	while (i < n) {
		if (s[i] < 0x80)
			k = 1;
		else if ((s[i] & 0xe0) == 0xc0)
			k = 2;
		else if ((s[i] & 0xf0) == 0xe0)
			k = 3;
		else if ((s[i] & 0xf8) == 0xf0)
			k = 4;
		else
			return 0;
		if (i + k > n)
			return 0;
		while (--k > 0)
			if ((s[++i] & 0xc0) != 0x80)
				return 0;
		i++;
	}
	return 1;
}

static const char *const roundtrip_cases[] = {
	"Funding transfers export ex_1 f\xc3\xbcr M\xc3\xbcller is ready",
	"\xc3\xa9",
	"a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9"
	"a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9"
	"a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9" "a\xc3\xa9",
	"ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac"
	"ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac"
	"ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac"
	"ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac" "ab\xe2\x82\xac",
	"abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80"
	"abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80"
	"abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80"
	"abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80" "abc\xf0\x9f\x98\x80",
	"Export \xd0\xb4\xd0\xbb\xd1\x8f \xd0\x9e\xd0\x9e\xd0\x9e "
	"\xc2\xab\xd0\xa0\xd0\xbe\xd0\xbc\xd0\xb0\xd1\x88\xd0\xba\xd0\xb0"
	"\xc2\xbb \xe2\x80\x94 \xd0\xb3\xd0\xbe\xd1\x82\xd0\xbe\xd0\xb2 "
	"\xd0\xba \xd0\xb7\xd0\xb0\xd0\xb3\xd1\x80\xd1\x83\xd0\xb7\xd0\xba"
	"\xd0\xb5 \xd0\xb8 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd1\x83\xd0\xbf"
	"\xd0\xb5\xd0\xbd \xd0\xb4\xd0\xbe \xd0\xb2\xd0\xbe\xd1\x81\xd0\xba"
	"\xd1\x80\xd0\xb5\xd1\x81\xd0\xb5\xd0\xbd\xd1\x8c\xd1\x8f",
};

/* Long subjects: words of at most 75 characters, each whole UTF-8, and
 * "Subject: " plus any line within RFC 2047's 76; decoding gives the
 * input back. */
START_TEST(test_encode_roundtrip)
{
	const char *in = roundtrip_cases[_i];
	unsigned char decoded[1024];
	char *out, *w, *end;
	size_t wl, total = 0, words = 0;
	int n;

	out = ftx_mail_encode_header(in);
	ck_assert_ptr_nonnull(out);
	for (w = out; ; w = end + 3) {
		end = strstr(w, "\r\n ");
		wl = end != NULL ? (size_t)(end - w) : strlen(w);
		ck_assert_uint_le(wl, 75);
		ck_assert_uint_le(strlen("Subject: ") + wl, 76);
		ck_assert_uint_gt(wl, 12);
		ck_assert_mem_eq(w, "=?UTF-8?B?", 10);
		ck_assert_mem_eq(w + wl - 2, "?=", 2);
		n = b64decode(w + 10, wl - 12, decoded + total);
		ck_assert_int_gt(n, 0);
		ck_assert(whole_utf8(decoded + total, n));
		total += (size_t)n;
		words++;
		if (end == NULL)
			break;
	}
	ck_assert_uint_eq(total, strlen(in));
	ck_assert_mem_eq(decoded, in, total);
	/* 39 bytes a word, at most 3 fewer to keep a sequence whole. */
	ck_assert_uint_ge(words, (total + 38) / 39);
	ck_assert_uint_le(words, (total + 35) / 36);
	free(out);
}
END_TEST

/* A body line over 998 bytes switches the body to quoted-printable. */
START_TEST(test_quoted_printable)
{
	struct ftx_mail m;
	char body[1200], want[2048], *msg, *p;
	size_t i;

	memset(body, 'a', 1000);
	strcpy(body + 1000, "\ncaf\xc3\xa9 = ok \n.x\n");
	p = want;
	p += sprintf(p, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	for (i = 0; i < 13; i++) {
		memset(p, 'a', 75);
		p += 75;
		p += sprintf(p, "=\r\n");
	}
	memset(p, 'a', 25);
	p += 25;
	sprintf(p, "\r\ncaf=C3=A9 =3D ok=20\r\n.x\r\n");

	fill_mail(&m, &render_cases[0]);
	m.body = body;
	msg = ftx_mail_render(&m, NULL);
	ck_assert_ptr_nonnull(msg);
	p = strstr(msg, "Content-Transfer-Encoding: ");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, want);
	free(msg);

	/* 998 bytes are still 8bit. */
	memset(body, 'b', 998);
	strcpy(body + 998, "\n");
	msg = ftx_mail_render(&m, NULL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "Content-Transfer-Encoding: 8bit"));
	free(msg);
}
END_TEST

/* Delivery. */

static char *
make_tmpdir(void)
{
	char tmpl[] = "/tmp/ftx-check-mailer-XXXXXX", *d;

	d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

/* Removes dir and what it holds (files and one level of directories). */
static void
rm_tree(const char *dir)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == -1)
			rm_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in sin;
	int fd, rc;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return rc == 0;
}

/* Starts aiosmtpd storing into the maildir dir; returns its pid once it
 * accepts connections, or -1. */
static pid_t
sink_start(const char *dir, int port)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char listen[64];
	pid_t pid;
	int i, fd, status;

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execl(PYTHON, PYTHON, "-m", "aiosmtpd", "-n", "-l", listen,
		    "-c", "aiosmtpd.handlers.Mailbox", dir, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300; i++) {
		if (port_open(port))
			return pid;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void
sink_stop(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

/* The files of dir/new: their number, and the content of the first. */
static int
read_maildir(const char *dir, char *buf, size_t len)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	FILE *fp;
	size_t n;
	int count = 0;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/new", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (count++ > 0)
			continue;
		snprintf(path, sizeof(path), "%s/new/%s", dir, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, len - 1, fp);
		buf[n] = '\0';
		fclose(fp);
	}
	closedir(d);
	return count;
}

static void
smtp_config(struct ftx_config *cfg, char *url)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transport = FTX_MAIL_SMTP;
	cfg->smtp_url = url;
	cfg->smtp_user = (char *)"";
	cfg->smtp_password_file = (char *)"";
	cfg->sendmail_path = (char *)"/nonexistent/sendmail";
}

static const char *const three_cc[] = {
	"bob@example.org", "carol@example.org"
};

static void
delivery_mail(struct ftx_mail *m)
{
	memset(m, 0, sizeof(*m));
	m->from = "ftx@example.org";
	m->to = "alice@example.org";
	m->cc = three_cc;
	m->ncc = 2;
	m->subject = "Funding transfers export ex_1 f\xc3\xbcr M\xc3\xbcller "
	    "is ready";
	m->body = "Hello,\n.hidden dot line\n..two dots\n.\nend\n";
	m->date = T_DATE;
	m->message_id = T_MSGID;
}

START_TEST(test_smtp_delivery)
{
	char *dir, maildir[512], url[64], got[16384];
	char err_tls[256], err[256], err_try[256];
	int port, rc_tls, rc, rc_try, count_before, count;
	struct ftx_config cfg;
	struct ftx_mail m;
	pid_t pid;

	dir = make_tmpdir();
	snprintf(maildir, sizeof(maildir), "%s/mail", dir);
	port = free_port();
	pid = sink_start(maildir, port);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	smtp_config(&cfg, url);
	delivery_mail(&m);
	err_tls[0] = err[0] = err_try[0] = '\0';
	rc = rc_tls = rc_try = count = count_before = -2;
	if (pid > 0) {
		/* The sink offers no STARTTLS: "required" must fail... */
		cfg.smtp_starttls = 2;
		rc_tls = ftx_mail_send(&cfg, &m, err_tls, sizeof(err_tls));
		cfg.smtp_starttls = 0;
		rc = ftx_mail_send(&cfg, &m, err, sizeof(err));
		count_before = read_maildir(maildir, got, sizeof(got));
		/* ... and "try" go on in clear. */
		cfg.smtp_starttls = 1;
		rc_try = ftx_mail_send(&cfg, &m, err_try, sizeof(err_try));
		count = read_maildir(maildir, got + 8192, sizeof(got) - 8192);
	}
	/* Stop the sink before any assertion can end the test. */
	sink_stop(pid);
	rm_tree(dir);
	free(dir);

	ck_assert_msg(pid > 0, "cannot start " PYTHON " -m aiosmtpd");
	ck_assert_int_eq(rc_tls, -1);
	ck_assert_msg(strncmp(err_tls, "SMTP: ", 6) == 0, "%s", err_tls);
	ck_assert_msg(rc == 0, "send failed: %s", err);
	ck_assert_int_eq(count_before, 1);
	ck_assert_msg(rc_try == 0, "send failed: %s", err_try);
	ck_assert_int_eq(count, 2);
	ck_assert_msg(strstr(got, "\nX-MailFrom: ftx@example.org\n") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, "\nX-RcptTo: alice@example.org, "
	    "bob@example.org, carol@example.org\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nTo: alice@example.org\n") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, "\nCc: bob@example.org, "
	    "carol@example.org\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nSubject: =?UTF-8?B?RnVuZGluZyB0cmFuc2Zl"
	    "cnMgZXhwb3J0IGV4XzEgZsO8ciBNw7xs?=\n =?UTF-8?B?bGVyIGlzIHJlYWR5?="
	    "\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nMessage-ID: " T_MSGID "\n") != NULL,
	    "%s", got);
	/* Dot lines arrive as written: libcurl stuffs, the server unstuffs. */
	ck_assert_msg(strstr(got, "\n\nHello,\n.hidden dot line\n..two dots\n"
	    ".\nend\n") != NULL, "%s", got);
}
END_TEST

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Nobody listening, secrets in the URL and in the password file: a clear
 * reason, and no secret in it. */
START_TEST(test_smtp_errors)
{
	char *dir, url[128], pwfile[512], err[512];
	struct ftx_config cfg;
	struct ftx_mail m;
	int port = free_port();

	delivery_mail(&m);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	smtp_config(&cfg, url);
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "SMTP: ", 6) == 0 &&
	    strstr(err, "onnect") != NULL, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));

	dir = make_tmpdir();
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	write_file(pwfile, "  hunter2-pw \r\nsecond-line-secret\n", 0600);
	snprintf(url, sizeof(url), "smtp://user:s3cretpw@127.0.0.1:%d", port);
	cfg.smtp_user = (char *)"user";
	cfg.smtp_password_file = pwfile;
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "onnect") != NULL, "%s", err);
	ck_assert_ptr_null(strstr(err, "s3cretpw"));
	ck_assert_ptr_null(strstr(err, "hunter2"));
	ck_assert_ptr_null(strstr(err, "second-line"));

	snprintf(pwfile, sizeof(pwfile), "%s/missing", dir);
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
	rm_tree(dir);
	free(dir);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "smtp_url must be smtp:// or smtps://");

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	m.subject = "x\r\nBcc: eve@example.org";
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot render") != NULL, "%s", err);
}
END_TEST

static char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* The sendmail transport: arguments, the message with LF line ends. */
START_TEST(test_sendmail)
{
	char *dir, script[512], text[1024], path[512], *msg, *lf, *got;
	struct ftx_config cfg;
	struct ftx_mail m;
	char err[256];
	size_t i, j, len;

	dir = make_tmpdir();
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	snprintf(text, sizeof(text), "#!/bin/sh\n"
	    "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s/args'\n"
	    "cat > '%s/stdin'\n", dir, dir);
	write_file(script, text, 0700);
	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	cfg.sendmail_path = script;
	delivery_mail(&m);
	err[0] = '\0';
	ck_assert_msg(ftx_mail_send(&cfg, &m, err, sizeof(err)) == 0, "%s",
	    err);

	snprintf(path, sizeof(path), "%s/args", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "-i\n-f\nftx@example.org\n--\n"
	    "alice@example.org\nbob@example.org\ncarol@example.org\n");

	msg = ftx_mail_render(&m, &len);
	ck_assert_ptr_nonnull(msg);
	lf = malloc(len + 1);
	ck_assert_ptr_nonnull(lf);
	for (i = j = 0; i < len; i++)
		if (msg[i] != '\r')
			lf[j++] = msg[i];
	lf[j] = '\0';
	snprintf(path, sizeof(path), "%s/stdin", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, lf);
	ck_assert_ptr_null(strchr(got, '\r'));
	ck_assert_ptr_nonnull(strstr(got, "\n\nHello,\n.hidden dot line\n"));
	free(msg);
	free(lf);
	rm_tree(dir);
	free(dir);
}
END_TEST

static const struct {
	const char	*script;	/* sh text after "#!/bin/sh\n" */
	int		 big;		/* a 4 MB body, more than a pipe holds */
	const char	*err;		/* the start of the reason */
} sendmail_fail_cases[] = {
	{ "cat > /dev/null\nexit 75\n", 0, "sendmail exited with status 75" },
	{ "exit 3\n", 1, "sendmail exited with status 3" },
	{ "cat > /dev/null\nkill -TERM $$\n", 0, "sendmail killed by signal 15" },
	{ "exec 0<&-\nsleep 0.2\nexit 0\n", 1, "cannot write to sendmail: " },
	{ NULL, 0, "" },		/* not executable */
};

/* Failing commands: a reason each, and the caller survives a command that
 * exits without reading (EPIPE, SIGPIPE left at its default here). */
START_TEST(test_sendmail_failures)
{
	char *dir, script[512], text[512], err[256], *body = NULL;
	struct ftx_config cfg;
	struct ftx_mail m;
	sigset_t mask;
	int rc;

	signal(SIGPIPE, SIG_DFL);
	dir = make_tmpdir();
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s",
	    sendmail_fail_cases[_i].script ? sendmail_fail_cases[_i].script :
	    "exit 0\n");
	write_file(script, text, sendmail_fail_cases[_i].script ? 0700 : 0600);
	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	cfg.sendmail_path = script;
	delivery_mail(&m);
	if (sendmail_fail_cases[_i].big) {
		body = malloc(4 << 20);
		ck_assert_ptr_nonnull(body);
		memset(body, 'x', (4 << 20) - 1);
		for (size_t i = 80; i < (4 << 20) - 1; i += 81)
			body[i] = '\n';
		body[(4 << 20) - 1] = '\0';
		m.body = body;
	}
	err[0] = '\0';
	rc = ftx_mail_send(&cfg, &m, err, sizeof(err));
	free(body);
	rm_tree(dir);
	free(dir);
	ck_assert_int_eq(rc, -1);
	if (sendmail_fail_cases[_i].script == NULL)
		ck_assert_msg(strstr(err, "cannot execute") != NULL, "%s", err);
	else
		ck_assert_msg(strncmp(err, sendmail_fail_cases[_i].err,
		    strlen(sendmail_fail_cases[_i].err)) == 0, "%s", err);
	/* The SIGPIPE guard leaves the signal mask as it found it. */
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	ck_assert_int_eq(sigismember(&mask, SIGPIPE), 0);
	ck_assert_int_eq(sigpending(&mask), 0);
	ck_assert_int_eq(sigismember(&mask, SIGPIPE), 0);
}
END_TEST

START_TEST(test_sendmail_missing)
{
	struct ftx_config cfg;
	struct ftx_mail m;
	char err[256];

	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	delivery_mail(&m);
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/sendmail: cannot execute: "
	    "No such file or directory");
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("mailer");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_render, 0, NELEM(render_cases));
	tcase_add_loop_test(tc, test_msgid_given, 0, NELEM(msgid_cases));
	tcase_add_test(tc, test_msgid_generated);
	tcase_add_loop_test(tc, test_date, 0, NELEM(date_cases));
	tcase_add_test(tc, test_quoted_printable);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode_header");
	tcase_add_loop_test(tc, test_encode, 0, NELEM(encode_cases));
	tcase_add_loop_test(tc, test_encode_roundtrip, 0,
	    NELEM(roundtrip_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("send");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_smtp_delivery);
	tcase_add_test(tc, test_smtp_errors);
	tcase_add_test(tc, test_sendmail);
	tcase_add_loop_test(tc, test_sendmail_failures, 0,
	    NELEM(sendmail_fail_cases));
	tcase_add_test(tc, test_sendmail_missing);
	suite_add_tcase(s, tc);
	return s;
}
