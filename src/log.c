/*
 * log.c - logging to syslog, or to stderr in the foreground (-f).
 *
 * On stderr each message is one line written with one write(2): the pool's
 * children share the descriptor, and a line of at most LOG_LINE_MAX bytes
 * (<= PIPE_BUF) written at once is never interleaved with another.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	2048	/* whole stderr line, newline included */
#define LOG_MSG_MAX	1800	/* formatted message before the prefix */

struct name_value {
	const char	*name;
	int		 value;
};

static const struct name_value level_names[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
	{ NULL, 0 }
};

static const struct name_value facility_names[] = {
	{ "daemon", LOG_DAEMON },
	{ "user", LOG_USER },
	{ "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
	{ NULL, 0 }
};

/* Before ftx_log_open(): stderr, info. */
static const char *log_ident = "ftx";
static int log_to_stderr = 1;
static int log_level = LOG_INFO;
static int log_syslog_open;

static int
lookup(const struct name_value *t, const char *name)
{
	if (name == NULL)
		return -1;
	for (; t->name != NULL; t++)
		if (strcasecmp(t->name, name) == 0)
			return t->value;
	return -1;
}

int
ftx_log_level_from_name(const char *name)
{
	return lookup(level_names, name);
}

int
ftx_log_facility_from_name(const char *name)
{
	return lookup(facility_names, name);
}

static const char *
level_label(int level)
{
	switch (level) {
	case LOG_EMERG:		return "emerg";
	case LOG_ALERT:		return "alert";
	case LOG_CRIT:		return "crit";
	case LOG_ERR:		return "error";
	case LOG_WARNING:	return "warning";
	case LOG_NOTICE:	return "notice";
	case LOG_INFO:		return "info";
	default:		return "debug";
	}
}

void
ftx_log_open(const char *ident, int to_stderr, int level, int facility)
{
	int saved = errno;

	if (log_syslog_open) {
		closelog();
		log_syslog_open = 0;
	}
	log_ident = ident != NULL ? ident : "ftx";
	log_to_stderr = to_stderr;
	log_level = level;
	if (!to_stderr) {
		openlog(log_ident, LOG_PID, facility);
		log_syslog_open = 1;
	}
	errno = saved;
}

void
ftx_log_set_level(int level)
{
	log_level = level;
}

void
ftx_log_close(void)
{
	int saved = errno;

	if (log_syslog_open)
		closelog();
	log_syslog_open = 0;
	log_to_stderr = 1;
	errno = saved;
}

/* Control characters (newlines included) become spaces: one line each. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* Writes msg (already one line) to stderr with its prefix. */
static void
write_stderr(int level, const char *msg)
{
	char line[LOG_LINE_MAX], stamp[32];
	struct tm tm;
	time_t now;
	ssize_t w;
	int n;

	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "-");
	/* Room is kept for the newline: a cut line still ends in one. */
	n = snprintf(line, sizeof(line) - 1, "%s %s[%ld]: %s: %s", stamp,
	    log_ident, (long)getpid(), level_label(level), msg);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	do
		w = write(STDERR_FILENO, line, (size_t)n);
	while (w == -1 && errno == EINTR);
}

/* Formats, cuts, cleans and emits one message; suffix may be NULL. */
static void __attribute__((format(printf, 3, 0)))
emit(int level, const char *suffix, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	size_t len;
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unformattable message)");
	if (suffix != NULL) {
		len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", suffix);
	}
	len = strlen(msg);
	if ((n >= 0 && (size_t)n >= sizeof(msg)) || len == sizeof(msg) - 1)
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	sanitize(msg);
	if (log_to_stderr)
		write_stderr(level, msg);
	else
		syslog(level, "%s", msg);
}

void
ftx_log(int level, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	level = LOG_PRI(level);
	if (level > log_level)
		return;
	va_start(ap, fmt);
	emit(level, NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
ftx_log_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (LOG_ERR > log_level)
		return;
	va_start(ap, fmt);
	emit(LOG_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Bounded output buffer for the redaction. */
struct outbuf {
	char	*buf;
	size_t	 len, pos;
};

static void
out_put(struct outbuf *o, const char *s, size_t n)
{
	while (n-- > 0 && o->pos + 1 < o->len)
		o->buf[o->pos++] = *s++;
	o->buf[o->pos] = '\0';
}

static int
is_secret_key(const char *k, size_t n)
{
	return (n == 8 && strncmp(k, "password", 8) == 0) ||
	    (n == 11 && strncmp(k, "sslpassword", 11) == 0);
}

/* Length of a libpq key=value value at p: quoted or up to a blank. */
static size_t
kv_value_len(const char *p)
{
	const char *q = p;

	if (*q == '\'') {
		for (q++; *q != '\0' && *q != '\''; q++)
			if (*q == '\\' && q[1] != '\0')
				q++;
		if (*q == '\'')
			q++;
		return (size_t)(q - p);
	}
	for (; *q != '\0' && !isspace((unsigned char)*q); q++)
		if (*q == '\\' && q[1] != '\0')
			q++;
	return (size_t)(q - p);
}

/* "key = value ..." form, as libpq's conninfo_parse reads it. */
static void
redact_kv(struct outbuf *o, const char *s)
{
	const char *k, *p;
	size_t klen, vlen;

	for (p = s; *p != '\0';) {
		if (isspace((unsigned char)*p)) {
			out_put(o, p++, 1);
			continue;
		}
		for (k = p; *p != '\0' && *p != '=' &&
		    !isspace((unsigned char)*p); p++)
			;
		klen = (size_t)(p - k);
		while (isspace((unsigned char)*p))
			p++;
		out_put(o, k, (size_t)(p - k));
		if (*p != '=' && is_secret_key(k, klen)) {
			/* "password secret": malformed, hide the rest. */
			out_put(o, "***", 3);
			return;
		}
		if (*p != '=')
			continue;	/* malformed: libpq would refuse it */
		out_put(o, p++, 1);
		while (isspace((unsigned char)*p))
			out_put(o, p++, 1);
		vlen = kv_value_len(p);
		if (is_secret_key(k, klen))
			out_put(o, "***", 3);
		else
			out_put(o, p, vlen);
		p += vlen;
	}
}

/* Query part of a URI: "&"-separated key=value, secret values hidden. */
static void
redact_query(struct outbuf *o, const char *q)
{
	const char *eq, *end;

	while (*q != '\0') {
		end = q + strcspn(q, "&");
		eq = memchr(q, '=', (size_t)(end - q));
		if (eq != NULL && is_secret_key(q, (size_t)(eq - q))) {
			out_put(o, q, (size_t)(eq - q) + 1);
			out_put(o, "***", 3);
		} else
			out_put(o, q, (size_t)(end - q));
		if (*end == '&')
			out_put(o, end++, 1);
		q = end;
	}
}

/* postgres[ql]://[user[:password]@]host.../db?params, after "://". */
static void
redact_uri(struct outbuf *o, const char *s)
{
	const char *p, *colon, *q;

	/* libpq: user info ends at the first '@' before any '/'. */
	p = s + strcspn(s, "@/");
	if (*p == '@') {
		colon = memchr(s, ':', (size_t)(p - s));
		if (colon != NULL) {
			out_put(o, s, (size_t)(colon - s) + 1);
			out_put(o, "***", 3);
		} else
			out_put(o, s, (size_t)(p - s));
		s = p;
	}
	q = strchr(s, '?');
	if (q == NULL) {
		out_put(o, s, strlen(s));
		return;
	}
	out_put(o, s, (size_t)(q - s) + 1);
	redact_query(o, q + 1);
}

char *
ftx_log_redact_conninfo(const char *conninfo, char *buf, size_t len)
{
	static const char *const schemes[] = {
		"postgresql://", "postgres://", NULL
	};
	struct outbuf o = { buf, len, 0 };
	size_t i, n;

	if (buf == NULL || len == 0)
		return buf;
	buf[0] = '\0';
	if (conninfo == NULL)
		return buf;
	for (i = 0; schemes[i] != NULL; i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(conninfo, schemes[i], n) == 0) {
			out_put(&o, conninfo, n);
			redact_uri(&o, conninfo + n);
			return buf;
		}
	}
	redact_kv(&o, conninfo);
	return buf;
}
