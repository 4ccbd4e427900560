/*
 * mailrender.c - the "export is ready" e-mail as an RFC 5322 message:
 * headers, RFC 2047 encoded words, RFC 2045 quoted-printable, Date and
 * Message-ID.
 *
 * Header values are never sanitised, only refused: a CR, LF or any other
 * control byte in an address or the subject makes rendering fail, so no
 * caller-supplied text can add a header or a recipient.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "email.h"
#include "mailrender.h"

#define ADDR_MAX	254	/* RFC 5321 path limit, without the <> */
#define LINE_MAX_8BIT	998	/* RFC 5322 line limit, without CRLF */
#define QP_LINE		76	/* RFC 2045 encoded line, with its '=' */
#define HDR_FOLD	78	/* RFC 5322 recommended line length */
/* Bytes of UTF-8 per encoded word: 39 bytes are 52 base64 characters, a
 * 64-character word, so that even "Subject: " plus the first word stays
 * within the 76 characters RFC 2047 allows a line holding encoded words. */
#define EW_BYTES	39

/* A growable string; err is set once an allocation failed. */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;
};

static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (sb->err)
		return;
	if (sb->cap - sb->len <= n) {
		cap = sb->cap ? sb->cap : 1024;
		while (cap - sb->len <= n) {
			if (cap > SIZE_MAX / 2) {
				sb->err = 1;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(sb->p, cap)) == NULL) {
			sb->err = 1;
			return;
		}
		sb->p = p;
		sb->cap = cap;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_adds(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* Returns the string (caller frees) or NULL after any failure. */
static char *
sb_finish(struct sbuf *sb, size_t *len)
{
	if (sb->err || sb->p == NULL) {
		free(sb->p);
		return NULL;
	}
	if (len != NULL)
		*len = sb->len;
	return sb->p;
}

/* 1 when s holds no control byte (< 0x20, 0x7f). */
static int
no_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A bare address usable in a header, an SMTP path and an argv. */
static int
valid_addr(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > ADDR_MAX || *s == '-' ||
	    !no_ctl(s))
		return 0;
	return strpbrk(s, " ,<>") == NULL;
}

int
ftx_mail_rcpt_valid(const char *s)
{
	return s != NULL && ftx_email_valid(s, strlen(s));
}

/* "<left@right>": no control byte, no space, no second '<' or '>'. */
static int
valid_msgid(const char *s)
{
	size_t n = strlen(s);

	return n >= 5 && s[0] == '<' && s[n - 1] == '>' && no_ctl(s) &&
	    strchr(s, '@') != NULL && strpbrk(s + 1, " <") == NULL &&
	    strchr(s, '>') == s + n - 1;
}

int
ftx_mail_valid(const struct ftx_mail *m)
{
	int i;

	if (m == NULL || !valid_addr(m->from) || !ftx_mail_rcpt_valid(m->to) ||
	    m->subject == NULL || !no_ctl(m->subject) || m->body == NULL ||
	    m->ncc < 0 || (m->ncc > 0 && m->cc == NULL) ||
	    (m->message_id != NULL && !valid_msgid(m->message_id)))
		return 0;
	for (i = 0; i < m->ncc; i++)
		if (!ftx_mail_rcpt_valid(m->cc[i]))
			return 0;
	return 1;
}

static void
sb_base64(struct sbuf *sb, const unsigned char *s, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	uint32_t v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		sb_add(sb, q, 4);
	}
}

char *
ftx_mail_encode_header(const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	struct sbuf sb = { NULL, 0, 0, 0 };
	size_t n, k;

	if (value == NULL)
		return NULL;
	for (n = 0; p[n] != '\0' && p[n] < 0x80; n++)
		;
	if (p[n] == '\0')
		return strdup(value);
	n += strlen(value + n);
	while (n > 0) {
		k = n < EW_BYTES ? n : EW_BYTES;
		/* Cut before a lead byte: back off over continuation bytes. */
		while (k < n && k > 0 && (p[k] & 0xc0) == 0x80)
			k--;
		if (k == 0)	/* not UTF-8: cut anywhere */
			k = n < EW_BYTES ? n : EW_BYTES;
		if (sb.len > 0)
			sb_adds(&sb, "\r\n ");
		sb_adds(&sb, "=?UTF-8?B?");
		sb_base64(&sb, p, k);
		sb_adds(&sb, "?=");
		p += k;
		n -= k;
	}
	return sb_finish(&sb, NULL);
}

/* "Date: Mon, 23 Nov 2026 01:02:03 +0000": C-locale names, always UTC. */
static void
put_date(struct sbuf *sb, time_t t)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	char buf[64];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11) {
		sb->err = 1;
		return;
	}
	snprintf(buf, sizeof(buf), "Date: %s, %02d %s %04d %02d:%02d:%02d "
	    "+0000\r\n", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	sb_adds(sb, buf);
}

static int
valid_domain(const char *s)
{
	if (*s == '\0' || *s == '.' || *s == '-')
		return 0;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")] == '\0';
}

/* The given Message-ID, or "<hex-random.unix-time@host>" with host the
 * fully qualified host name, else the From domain, else "localhost". */
static void
put_message_id(struct sbuf *sb, const struct ftx_mail *m)
{
	unsigned char rnd[8];
	char host[256], buf[400];
	const char *domain;
	uint64_t r = 0;
	size_t i;

	if (m->message_id != NULL) {
		sb_adds(sb, "Message-ID: ");
		sb_adds(sb, m->message_id);
		sb_adds(sb, "\r\n");
		return;
	}
	if (getentropy(rnd, sizeof(rnd)) == -1) {
		sb->err = 1;
		return;
	}
	for (i = 0; i < sizeof(rnd); i++)
		r = r << 8 | rnd[i];
	explicit_bzero(rnd, sizeof(rnd));
	if (gethostname(host, sizeof(host)) == 0 && memchr(host, '\0',
	    sizeof(host)) != NULL && strchr(host, '.') != NULL &&
	    valid_domain(host))
		domain = host;
	else if ((domain = strrchr(m->from, '@')) != NULL &&
	    valid_domain(domain + 1))
		domain++;
	else
		domain = "localhost";
	snprintf(buf, sizeof(buf), "Message-ID: <%016llx.%lld@%s>\r\n",
	    (unsigned long long)r, (long long)m->date, domain);
	sb_adds(sb, buf);
}

/* "Cc: a, b, ..." folded before an address that would pass 78 columns. */
static void
put_cc(struct sbuf *sb, const struct ftx_mail *m)
{
	size_t col, n;
	int i;

	if (m->ncc == 0)
		return;
	sb_adds(sb, "Cc: ");
	col = 4;
	for (i = 0; i < m->ncc; i++) {
		n = strlen(m->cc[i]);
		if (i > 0 && col + 2 + n > HDR_FOLD) {
			sb_adds(sb, ",\r\n ");
			col = 1;
		} else if (i > 0) {
			sb_adds(sb, ", ");
			col += 2;
		}
		sb_add(sb, m->cc[i], n);
		col += n;
	}
	sb_adds(sb, "\r\n");
}

/* 1 when a line of body (LF, CRLF or CR ends) is over 998 bytes. */
static int
has_long_line(const char *body)
{
	size_t n;

	for (;;) {
		n = strcspn(body, "\r\n");
		if (n > LINE_MAX_8BIT)
			return 1;
		if (body[n] == '\0')
			return 0;
		body += n + 1;
	}
}

/* One line of text (no line end) quoted-printable, soft-broken at 76. */
static void
put_qp_line(struct sbuf *sb, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0, i, w;
	char enc[3];
	int lit;

	for (i = 0; i < n; i++) {
		lit = (s[i] >= 33 && s[i] <= 126 && s[i] != '=') ||
		    ((s[i] == ' ' || s[i] == '\t') && i + 1 < n);
		w = lit ? 1 : 3;
		if (col + w > QP_LINE - 1) {
			sb_adds(sb, "=\r\n");
			col = 0;
		}
		if (lit)
			sb_add(sb, (const char *)s + i, 1);
		else {
			enc[0] = '=';
			enc[1] = hex[s[i] >> 4];
			enc[2] = hex[s[i] & 15];
			sb_add(sb, enc, 3);
		}
		col += w;
	}
	sb_adds(sb, "\r\n");
}

/* The body with CRLF line ends ("\n", "\r\n" and a lone "\r" alike), and
 * a final CRLF when the text does not end with a line end. */
static void
put_body(struct sbuf *sb, const char *body, int qp)
{
	size_t n;

	while (*body != '\0') {
		n = strcspn(body, "\r\n");
		if (qp)
			put_qp_line(sb, (const unsigned char *)body, n);
		else {
			sb_add(sb, body, n);
			sb_adds(sb, "\r\n");
		}
		body += n;
		if (body[0] == '\r' && body[1] == '\n')
			body++;
		if (*body != '\0')
			body++;
	}
}

char *
ftx_mail_render(const struct ftx_mail *m, size_t *len)
{
	struct sbuf sb = { NULL, 0, 0, 0 };
	char *subject;
	int qp;

	if (!ftx_mail_valid(m) || (subject = ftx_mail_encode_header(m->subject))
	    == NULL)
		return NULL;
	qp = has_long_line(m->body);
	put_date(&sb, m->date);
	put_message_id(&sb, m);
	sb_adds(&sb, "From: ");
	sb_adds(&sb, m->from);
	sb_adds(&sb, "\r\nTo: ");
	sb_adds(&sb, m->to);
	sb_adds(&sb, "\r\n");
	put_cc(&sb, m);
	sb_adds(&sb, "Subject: ");
	sb_adds(&sb, subject);
	sb_adds(&sb, "\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: ");
	sb_adds(&sb, qp ? "quoted-printable" : "8bit");
	sb_adds(&sb, "\r\n\r\n");
	put_body(&sb, m->body, qp);
	free(subject);
	return sb_finish(&sb, len);
}
