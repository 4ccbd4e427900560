/*
 * check_mailer.c - rendering (mailrender.h: exact bytes), RFC 2047
 * subjects, header injection.  Delivery is in check_maildelivery.c.
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
#include "mailrender.h"

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
	    "x@y.example" }, 5,
	  "S", "",
	  HDR_DATE
	  "From: ftx@example.org\r\n"
	  "To: alice@example.org\r\n"
	  "Cc: first.person@example.org, second.person@example.org,\r\n"
	  " third.person@example.org, fourth.person@example.org, x@y.example\r\n"
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
	/* Recipients follow the API's address rule (SPEC 7, email.c). */
	{ "ftx@example.org", "alice@example.org", { "g@[127.0.0.1]" }, 1,
	  "S", "x", NULL },
	{ "ftx@example.org", "alice@example.org", { "..h@x..example" }, 1,
	  "S", "x", NULL },
	{ "ftx@example.org", "a;b@x.example", { NULL }, 0, "S", "x", NULL },
	{ "ftx@example.org", "alice@localhost", { NULL }, 0, "S", "x", NULL },
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
	/* Delivery tells a message no retry can fix by ftx_mail_valid. */
	ck_assert_int_eq(ftx_mail_valid(&m), c->expected != NULL);
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
	ck_assert_int_eq(ftx_mail_valid(&m), msgid_cases[_i].ok);
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
	return s;
}
