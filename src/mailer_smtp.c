/*
 * mailer_smtp.c - the SMTP transport, over libcurl: smtp://, smtps://,
 * STARTTLS, AUTH.
 *
 * Every recipient is judged on its own (SPEC section 8): libcurl goes on
 * past refused recipients (CURLOPT_MAIL_RCPT_ALLLOWFAILS) and its debug
 * stream tells which reply each RCPT TO got (smtptrace.c).  The verdict is
 * taken when the server has accepted DATA, before the first byte of the
 * message: when the message must not go (the requester refused, or a Cc
 * deferred), the read callback aborts, the connection closes without the
 * final ".", and the server discards what it has.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mailer_transport.h"
#include "smtptrace.h"

#define ADDR_MAX	254	/* RFC 5321 path limit, without the <> */
#define CONNECT_TIMEOUT	10L
#define PASSWORD_MAX	1024

/* Spelled with three Ls before libcurl 8.2, which added the right one. */
#if LIBCURL_VERSION_NUM < 0x080200
#define CURLOPT_MAIL_RCPT_ALLOWFAILS	CURLOPT_MAIL_RCPT_ALLLOWFAILS
#endif

/* One transfer: the message being read, and what the server said. */
struct xfer {
	const char		*p;
	size_t			 left;
	struct ftx_smtptrace	*trace;
	struct ftx_mail_report	*rep;
	int			 last_try;
	int			 vetoed;	/* aborted before the message */
	int			 started;
	enum ftx_mail_status	 verdict;
};

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
read_password(const char *path, char *pw, struct ftx_mail_report *rep)
{
	char buf[PASSWORD_MAX], *nl = NULL;
	size_t len = 0, start = 0, end;
	ssize_t n = 0;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ftx_mail_detail(rep, "%s: cannot open: %s", path,
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
		ftx_mail_detail(rep, "%s: cannot read: %s", path,
		    strerror(errno));
	else if (nl == NULL && len == sizeof(buf))
		ftx_mail_detail(rep, "%s: password too long", path);
	else {
		memcpy(pw, buf + start, end - start);
		pw[end - start] = '\0';
		rc = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* The recipients' states as the trace has them so far. */
static void
trace_to_report(struct xfer *x)
{
	struct ftx_mail_rcpt *r;
	const char *text;
	int i, code;

	for (i = 0; i < x->rep->nrcpt; i++) {
		r = &x->rep->rcpt[i];
		code = ftx_smtptrace_rcpt(x->trace, i, &text);
		r->state = code == 0 ? FTX_RCPT_UNTRIED :
		    code < 400 ? FTX_RCPT_ACCEPTED :
		    code < 500 ? FTX_RCPT_DEFERRED : FTX_RCPT_REFUSED;
		snprintf(r->reply, sizeof(r->reply), "%s", text);
	}
}

static size_t
upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;

	/* Called once DATA was accepted: every RCPT TO has its answer. */
	if (!x->started) {
		x->started = 1;
		trace_to_report(x);
		x->verdict = ftx_mail_verdict(x->rep, x->last_try);
		if (x->verdict != FTX_MAIL_SENT) {
			x->vetoed = 1;
			return CURL_READFUNC_ABORT;
		}
	}
	if (n > x->left)
		n = x->left;
	memcpy(buf, x->p, n);
	x->p += n;
	x->left -= n;
	return n;
}

static int
debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct xfer *x = arg;

	(void)c;
	if (type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT)
		ftx_smtptrace_feed(x->trace, type == CURLINFO_HEADER_OUT, data,
		    size);
	return 0;
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
    struct curl_slist *rcpt, struct xfer *x, char *errbuf, const char *pw)
{
	long timeout = cfg->mail_timeout > 0 ? cfg->mail_timeout :
	    FTX_MAIL_TIMEOUT_S;
	char path[ADDR_MAX + 3];
	CURLcode rc;

	snprintf(path, sizeof(path), "<%s>", from);
	if ((rc = curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    timeout < CONNECT_TIMEOUT ? timeout : CONNECT_TIMEOUT)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_FROM, path)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_UPLOAD, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_READDATA, x)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)x->left)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_DEBUGDATA, x)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_VERBOSE, 1L)))
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

/* The technical reason of a failed transfer, without any secret. */
static void
smtp_detail(CURL *c, CURLcode cc, const char *errbuf,
    const struct ftx_config *cfg, const char *pw, struct ftx_mail_report *rep)
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
	copy_redacted(rep->detail, sizeof(rep->detail), text, secrets, 3);
	explicit_bzero(userinfo, sizeof(userinfo));
}

/* The reason for people when no recipient decided: what went wrong with
 * the message as a whole, or with the connection. */
static enum ftx_mail_status
smtp_failure(const struct xfer *x, CURLcode cc, struct ftx_mail_report *rep)
{
	static const enum ftx_smtp_step steps[] = {
		FTX_SMTP_MAIL, FTX_SMTP_DATA, FTX_SMTP_EOM
	};
	const char *text, *why;
	size_t i;
	int code;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		code = ftx_smtptrace_step(x->trace, steps[i], &text);
		if (code >= 500 && (steps[i] != FTX_SMTP_DATA || code != 354)) {
			ftx_mail_reason(rep, "The e-mail was refused by the "
			    "mail server: %s", text);
			return FTX_MAIL_FAILED;
		}
		if (code >= 400 && code < 500) {
			ftx_mail_reason(rep, "The mail server deferred the "
			    "e-mail: %s", text);
			return FTX_MAIL_RETRY;
		}
	}
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		why = "the mail server could not be reached";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		why = "the mail server did not answer in time";
		break;
	case CURLE_LOGIN_DENIED:
		why = "the mail server refused the service's login";
		break;
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		why = "no secure connection to the mail server could be made";
		break;
	default:
		why = "the connection to the mail server failed";
		break;
	}
	ftx_mail_reason(rep, "The e-mail could not be sent: %s", why);
	return FTX_MAIL_RETRY;
}

static enum ftx_mail_status
smtp_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    const char *msg, size_t len, int last_try, struct ftx_mail_report *rep)
{
	char errbuf[CURL_ERROR_SIZE], pw[PASSWORD_MAX];
	struct curl_slist *rcpt = NULL;
	enum ftx_mail_status st = FTX_MAIL_RETRY;
	struct xfer x = { msg, len, NULL, rep, last_try, 0, 0, FTX_MAIL_RETRY };
	CURL *c = NULL;
	CURLcode cc;

	pw[0] = errbuf[0] = '\0';
	if (!is_smtp_url(cfg->smtp_url))
		ftx_mail_detail(rep, "smtp_url must be smtp:// or smtps://");
	else if (cfg->smtp_user != NULL && cfg->smtp_user[0] != '\0' &&
	    cfg->smtp_password_file != NULL &&
	    cfg->smtp_password_file[0] != '\0' &&
	    read_password(cfg->smtp_password_file, pw, rep) == -1)
		;
	else if (curl_init_once() == -1 || (c = curl_easy_init()) == NULL ||
	    (rcpt = smtp_rcpt(m)) == NULL ||
	    (x.trace = ftx_smtptrace_new(rep->nrcpt)) == NULL)
		ftx_mail_detail(rep, "SMTP: cannot initialise libcurl");
	if (rep->detail[0] != '\0') {
		ftx_mail_reason(rep, "The e-mail could not be sent: the mail "
		    "settings are not usable");
		goto out;
	}
	if ((cc = smtp_setup(c, cfg, m->from, rcpt, &x, errbuf, pw)) ==
	    CURLE_OK)
		cc = curl_easy_perform(c);
	trace_to_report(&x);
	if (x.vetoed) {
		st = x.verdict;
		ftx_mail_detail(rep, "SMTP: message not sent: %s", rep->reason);
	} else if (cc == CURLE_OK)
		st = FTX_MAIL_SENT;
	else {
		smtp_detail(c, cc, errbuf, cfg, pw, rep);
		/* All recipients refused: the requester's answer decides. */
		st = ftx_mail_verdict(rep, last_try);
		if (st == FTX_MAIL_SENT || rep->reason[0] == '\0')
			st = smtp_failure(&x, cc, rep);
	}
out:
	explicit_bzero(pw, sizeof(pw));
	ftx_smtptrace_free(x.trace);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return st;
}

const struct ftx_mailer_transport ftx_mail_smtp = { "smtp", smtp_send };
