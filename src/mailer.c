/*
 * mailer.c - the "export is ready" e-mail: rendering (RFC 5322, RFC 2047,
 * RFC 2045 quoted-printable) and delivery over SMTP with libcurl or through
 * a sendmail-compatible command.
 *
 * Header values are never sanitised, only refused: a CR, LF or any other
 * control byte in an address or the subject makes rendering fail, so no
 * caller-supplied text can add a header or a recipient.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mailer.h"

#define ADDR_MAX	254	/* RFC 5321 path limit, without the <> */
#define LINE_MAX_8BIT	998	/* RFC 5322 line limit, without CRLF */
#define QP_LINE		76	/* RFC 2045 encoded line, with its '=' */
#define HDR_FOLD	78	/* RFC 5322 recommended line length */
/* Bytes of UTF-8 per encoded word: 39 bytes are 52 base64 characters, a
 * 64-character word, so that even "Subject: " plus the first word stays
 * within the 76 characters RFC 2047 allows a line holding encoded words. */
#define EW_BYTES	39
#define CONNECT_TIMEOUT	10L
#define TOTAL_TIMEOUT	60L
#define PASSWORD_MAX	1024

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

/* "<left@right>": no control byte, no space, no second '<' or '>'. */
static int
valid_msgid(const char *s)
{
	size_t n = strlen(s);

	return n >= 5 && s[0] == '<' && s[n - 1] == '>' && no_ctl(s) &&
	    strchr(s, '@') != NULL && strpbrk(s + 1, " <") == NULL &&
	    strchr(s, '>') == s + n - 1;
}

static int
valid_mail(const struct ftx_mail *m)
{
	int i;

	if (m == NULL || !valid_addr(m->from) || !valid_addr(m->to) ||
	    m->subject == NULL || !no_ctl(m->subject) || m->body == NULL ||
	    m->ncc < 0 || (m->ncc > 0 && m->cc == NULL) ||
	    (m->message_id != NULL && !valid_msgid(m->message_id)))
		return 0;
	for (i = 0; i < m->ncc; i++)
		if (!valid_addr(m->cc[i]))
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

	if (!valid_mail(m) || (subject = ftx_mail_encode_header(m->subject))
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

/* curl_global_init is not thread-safe and must run once per process; the
 * daemon's workers are single-threaded processes. */
static int
curl_init_once(void)
{
	static int done;

	if (!done && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		done = 1;
	return done ? 0 : -1;
}

/* Reads the first line of path, trimmed, into pw[PASSWORD_MAX].  Nothing
 * passes through stdio, whose buffers would keep a copy. */
static int
read_password(const char *path, char *pw, char *err, size_t errlen)
{
	char buf[PASSWORD_MAX], *nl = NULL;
	size_t len = 0, start = 0, end;
	ssize_t n = 0;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	while (len < sizeof(buf) && nl == NULL) {
		if ((n = read(fd, buf + len, sizeof(buf) - len)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	end = nl != NULL ? (size_t)(nl - buf) : len;
	while (start < end && (buf[start] == ' ' || buf[start] == '\t'))
		start++;
	while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t' ||
	    buf[end - 1] == '\r'))
		end--;
	if (n == -1)
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(errno));
	else if (nl == NULL && len == sizeof(buf))
		snprintf(err, errlen, "%s: password too long", path);
	else {
		memcpy(pw, buf + start, end - start);
		pw[end - start] = '\0';
		rc = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *up = arg;
	size_t n = size * nitems;

	if (n > up->left)
		n = up->left;
	memcpy(buf, up->p, n);
	up->p += n;
	up->left -= n;
	return n;
}

static int
is_smtp_url(const char *url)
{
	return url != NULL && (strncasecmp(url, "smtp://", 7) == 0 ||
	    strncasecmp(url, "smtps://", 8) == 0);
}

/* Copies src into dst[dlen] with every occurrence of the non-empty
 * secrets replaced by "***". */
static void
copy_redacted(char *dst, size_t dlen, const char *src,
    const char *const *secrets, int nsecrets)
{
	size_t o = 0, n;
	int i, hit;

	while (*src != '\0' && o + 1 < dlen) {
		for (hit = 0, i = 0; i < nsecrets && !hit; i++) {
			n = strlen(secrets[i]);
			if (n > 0 && strncmp(src, secrets[i], n) == 0) {
				snprintf(dst + o, dlen - o, "***");
				o += strlen(dst + o);
				src += n;
				hit = 1;
			}
		}
		if (!hit)
			dst[o++] = *src++;
	}
	if (dlen > 0)
		dst[o < dlen ? o : dlen - 1] = '\0';
}

/* The user:password part of an smtp:// URL, into buf[len] ("" if none). */
static void
url_userinfo(const char *url, char *buf, size_t len)
{
	const char *host, *at = NULL;
	size_t n, i;

	buf[0] = '\0';
	if ((host = strstr(url, "://")) == NULL)
		return;
	host += 3;
	n = strcspn(host, "/?#");
	for (i = 0; i < n; i++)
		if (host[i] == '@')
			at = host + i;
	if (at == NULL)
		return;
	n = (size_t)(at - host);
	if (n >= len)
		n = len - 1;
	memcpy(buf, host, n);
	buf[n] = '\0';
}

/* Every option of the SMTP transfer; the first failure, or CURLE_OK. */
static CURLcode
smtp_setup(CURL *c, const struct ftx_config *cfg, const char *from,
    struct curl_slist *rcpt, struct upload *up, char *errbuf, const char *pw)
{
	char path[ADDR_MAX + 3];
	CURLcode rc;

	snprintf(path, sizeof(path), "<%s>", from);
	if ((rc = curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    CONNECT_TIMEOUT)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_FROM, path)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_UPLOAD, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_READDATA, up)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)up->left)))
		return rc;
	/* smtps:// is TLS from the start: the URL decides. */
	if (cfg->smtp_starttls > 0 && strncasecmp(cfg->smtp_url, "smtp://",
	    7) == 0 && (rc = curl_easy_setopt(c, CURLOPT_USE_SSL,
	    (long)(cfg->smtp_starttls == 1 ? CURLUSESSL_TRY :
	    CURLUSESSL_ALL))))
		return rc;
	if (cfg->smtp_user != NULL && cfg->smtp_user[0] != '\0' &&
	    ((rc = curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_PASSWORD, pw))))
		return rc;
	return CURLE_OK;
}

/* The recipients as SMTP paths: To, then every Cc. */
static struct curl_slist *
smtp_rcpt(const struct ftx_mail *m)
{
	struct curl_slist *list = NULL, *l;
	char path[ADDR_MAX + 3];
	int i;

	for (i = -1; i < m->ncc; i++) {
		snprintf(path, sizeof(path), "<%s>", i < 0 ? m->to : m->cc[i]);
		if ((l = curl_slist_append(list, path)) == NULL) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = l;
	}
	return list;
}

/* The reason of a failed transfer, without any secret. */
static void
smtp_error(CURL *c, CURLcode cc, const char *errbuf,
    const struct ftx_config *cfg, const char *pw, char *err, size_t errlen)
{
	char text[CURL_ERROR_SIZE + 64], userinfo[256];
	const char *secrets[3];
	const char *colon;
	long code = 0;
	size_t n;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	n = (size_t)snprintf(text, sizeof(text), "SMTP: %s",
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
	while (n > 6 && n < sizeof(text) && (text[n - 1] == '\n' ||
	    text[n - 1] == '\r'))
		text[--n] = '\0';
	if (code != 0 && n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, " (server replied %ld)",
		    code);
	url_userinfo(cfg->smtp_url, userinfo, sizeof(userinfo));
	colon = strchr(userinfo, ':');
	secrets[0] = pw;
	secrets[1] = userinfo;
	secrets[2] = colon != NULL ? colon + 1 : "";
	copy_redacted(err, errlen, text, secrets, 3);
	explicit_bzero(userinfo, sizeof(userinfo));
}

static int
smtp_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    const char *msg, size_t len, char *err, size_t errlen)
{
	char errbuf[CURL_ERROR_SIZE], pw[PASSWORD_MAX];
	struct upload up = { msg, len };
	struct curl_slist *rcpt = NULL;
	CURL *c = NULL;
	CURLcode cc;
	int rc = -1;

	pw[0] = errbuf[0] = '\0';
	if (!is_smtp_url(cfg->smtp_url)) {
		snprintf(err, errlen, "smtp_url must be smtp:// or smtps://");
		goto out;
	}
	if (cfg->smtp_user != NULL && cfg->smtp_user[0] != '\0' &&
	    cfg->smtp_password_file != NULL &&
	    cfg->smtp_password_file[0] != '\0' &&
	    read_password(cfg->smtp_password_file, pw, err, errlen) == -1)
		goto out;
	if (curl_init_once() == -1 || (c = curl_easy_init()) == NULL ||
	    (rcpt = smtp_rcpt(m)) == NULL) {
		snprintf(err, errlen, "SMTP: cannot initialise libcurl");
		goto out;
	}
	if ((cc = smtp_setup(c, cfg, m->from, rcpt, &up, errbuf, pw)) ==
	    CURLE_OK)
		cc = curl_easy_perform(c);
	if (cc != CURLE_OK)
		smtp_error(c, cc, errbuf, cfg, pw, err, errlen);
	else
		rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc;
}

/* Writes p[n] to fd with SIGPIPE blocked, so that a command that exits
 * early gives EPIPE here instead of killing the caller whatever its
 * SIGPIPE disposition; a SIGPIPE raised by this write is consumed. */
static int
write_all(int fd, const char *p, size_t n)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old, pending;
	int rc = 0, saved = 0, was_pending;
	ssize_t w;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			rc = -1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	if (rc == -1 && saved == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) == -1 &&
		    errno == EINTR)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return rc;
}

/* The message with LF line ends, as a local sendmail expects them. */
static char *
crlf_to_lf(const char *msg, size_t len, size_t *outlen)
{
	char *out, *w;
	size_t i;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (w = out, i = 0; i < len; i++)
		if (msg[i] != '\r' || i + 1 == len || msg[i + 1] != '\n')
			*w++ = msg[i];
	*outlen = (size_t)(w - out);
	return out;
}

/* Runs "sendmail -i -f FROM -- TO CC..." (no shell) with lf on stdin and
 * reports how it ended. */
static int
sendmail_run(const char *path, const char **argv, const char *lf,
    size_t lflen, char *err, size_t errlen)
{
	int fds[2] = { -1, -1 }, status, wrc, werr;
	pid_t pid;

	if (pipe(fds) == -1 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1 ||
	    (pid = fork()) == -1) {
		snprintf(err, errlen, "cannot run sendmail: %s",
		    strerror(errno));
		if (fds[0] != -1) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (dup2(fds[0], STDIN_FILENO) == -1)
			_exit(127);
		if (fds[0] != STDIN_FILENO)
			close(fds[0]);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(fds[0]);
	wrc = write_all(fds[1], lf, lflen);
	werr = errno;
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			snprintf(err, errlen, "cannot wait for sendmail: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(err, errlen, "sendmail exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "sendmail killed by signal %d",
		    WTERMSIG(status));
	else if (wrc == -1)
		snprintf(err, errlen, "cannot write to sendmail: %s",
		    strerror(werr));
	else
		return 0;
	return -1;
}

static int
sendmail_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    const char *msg, size_t len, char *err, size_t errlen)
{
	const char **argv = NULL;
	char *lf = NULL;
	size_t lflen;
	int rc = -1, i, n = 0;

	if (access(cfg->sendmail_path, X_OK) == -1) {
		snprintf(err, errlen, "%s: cannot execute: %s",
		    cfg->sendmail_path, strerror(errno));
		goto out;
	}
	if ((argv = calloc((size_t)m->ncc + 7, sizeof(*argv))) == NULL ||
	    (lf = crlf_to_lf(msg, len, &lflen)) == NULL) {
		snprintf(err, errlen, "sendmail: out of memory");
		goto out;
	}
	argv[n++] = cfg->sendmail_path;
	argv[n++] = "-i";
	argv[n++] = "-f";
	argv[n++] = m->from;
	argv[n++] = "--";
	argv[n++] = m->to;
	for (i = 0; i < m->ncc; i++)
		argv[n++] = m->cc[i];
	argv[n] = NULL;
	rc = sendmail_run(cfg->sendmail_path, argv, lf, lflen, err, errlen);
out:
	free(argv);
	free(lf);
	return rc;
}

int
ftx_mail_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    char *err, size_t errlen)
{
	char *msg;
	size_t len;
	int rc;

	if ((msg = ftx_mail_render(m, &len)) == NULL) {
		snprintf(err, errlen, "cannot render the message: invalid "
		    "address, subject or Message-ID, or out of memory");
		return -1;
	}
	if (cfg->transport == FTX_MAIL_SENDMAIL)
		rc = sendmail_send(cfg, m, msg, len, err, errlen);
	else
		rc = smtp_send(cfg, m, msg, len, err, errlen);
	free(msg);
	return rc;
}
