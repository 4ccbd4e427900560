/*
 * config.c - ftx.conf, the INI file read by all three programs (SPEC §10).
 *
 * One table drives defaults, parsing and validation.  libinih does the
 * section bookkeeping and calls the handler, but Debian's build of it is
 * compiled with a 200-byte line buffer, continuation lines, ':' as a
 * separator and ';' inline comments that cut quoted values.  So inih reads
 * through our own reader: it reads whole lines, tracks line numbers, strips
 * comments, unquotes values and checks the syntax, then hands inih a short
 * canonical line ("[section]" or "key=") while the value itself waits in the
 * parse state for the handler.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config.h"
#include "log.h"
#include "store.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

#define NAME_MAX_LEN	64	/* longest section or key name accepted */

enum opt_type {
	OPT_STRING,
	OPT_INT,
	OPT_BOOL,
	OPT_ENUM,
	OPT_MODE		/* octal file mode, 0 .. 0777 */
};

struct opt {
	const char	*section;
	const char	*key;
	enum opt_type	 type;
	size_t		 offset;
	const char	*def;		/* default, parsed like a file value */
	int		 min, max;	/* OPT_INT range */
	int		(*lookup)(const char *); /* OPT_ENUM: name -> value, -1 */
	const char	*choices;	/* OPT_ENUM: for the error message */
	int		 secret;	/* never quote the value in a message */
};

struct enum_name {
	const char	*name;
	int		 value;
};

struct parse_state {
	FILE		*fp;
	const char	*path;
	struct ftx_config *cfg;
	char		*line;		/* getline buffer */
	size_t		 linecap;
	int		 lineno;
	const char	*value;		/* unquoted value of the current line */
	unsigned char	 seen[64];	/* per opts[] entry: key already set */
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int sendfile_from_name(const char *);
static int transport_from_name(const char *);
static int starttls_from_name(const char *);

#define OFF(f)	offsetof(struct ftx_config, f)
#define STR(s, k, f, d)	{ s, k, OPT_STRING, OFF(f), d, 0, 0, NULL, NULL, 0 }
#define INT(s, k, f, d, lo, hi) { s, k, OPT_INT, OFF(f), d, lo, hi, NULL, NULL, 0 }
#define BOOL(s, k, f, d) { s, k, OPT_BOOL, OFF(f), d, 0, 0, NULL, NULL, 0 }
#define ENUM(s, k, f, d, fn, c) { s, k, OPT_ENUM, OFF(f), d, 0, 0, fn, c, 0 }
#define MODE(s, k, f, d) { s, k, OPT_MODE, OFF(f), d, 0, 0777, NULL, NULL, 0 }
/* A string that may hold a password: never quoted in a message. */
#define SECRET(s, k, f, d) { s, k, OPT_STRING, OFF(f), d, 0, 0, NULL, NULL, 1 }

static const struct opt opts[] = {
	SECRET("database", "conninfo", conninfo, ""),
	BOOL("database", "prepared_statements", prepared_statements, "on"),

	STR("fcgi", "listen", listen, ""),
	INT("fcgi", "children", children, "4", 1, 256),
	INT("fcgi", "max_requests", max_requests, "10000", 0, INT_MAX),
	INT("fcgi", "max_body", max_body, "65536", 1, 64 * 1024 * 1024),
	INT("fcgi", "listen_backlog", listen_backlog, "128", 1, 65535),
	MODE("fcgi", "socket_mode", socket_mode, "0660"),
	INT("fcgi", "request_timeout", request_timeout, "30", 1, 3600),
	STR("fcgi", "user", fcgi_user, ""),

	INT("exportd", "workers", workers, "2", 1, 64),
	INT("exportd", "poll_interval", poll_interval, "10", 1, 3600),
	INT("exportd", "max_attempts", max_attempts, "3", 1, 20),
	INT("exportd", "claim_timeout", claim_timeout, "30", 1, 86400),
	INT("exportd", "retry_delay", retry_delay, "30", 0, 86400),
	STR("exportd", "export_dir", export_dir,
	    LOCALSTATEDIR "/lib/ftx/exports"),
	STR("exportd", "user", exportd_user, ""),
	ENUM("exportd", "store", store, "local", ftx_store_from_name, "local"),
	SECRET("exportd", "listen_conninfo", listen_conninfo, ""),
	/* SPEC §17: a hot standby the exports are read from. */
	SECRET("exportd", "replica_conninfo", replica_conninfo, ""),
	INT("exportd", "replica_max_wait", replica_max_wait, "30", 0, 3600),

	STR("download", "base_url", base_url, "http://localhost:8080"),
	STR("download", "secret_file", secret_file,
	    SYSCONFDIR "/ftx/download.secret"),
	INT("download", "ttl", ttl, "604800", 1, 366 * 86400),
	ENUM("download", "sendfile", sendfile, "off", sendfile_from_name,
	    "off, x-sendfile, x-lighttpd-send-file, x-accel-redirect"),
	STR("download", "sendfile_prefix", sendfile_prefix, ""),

	ENUM("mail", "transport", transport, "smtp", transport_from_name,
	    "smtp, sendmail"),
	SECRET("mail", "smtp_url", smtp_url, "smtp://localhost:25"),
	STR("mail", "smtp_user", smtp_user, ""),
	STR("mail", "smtp_password_file", smtp_password_file, ""),
	ENUM("mail", "smtp_starttls", smtp_starttls, "off", starttls_from_name,
	    "off, try, on"),
	STR("mail", "from", from, "ftx@localhost"),
	STR("mail", "sendmail_path", sendmail_path, "/usr/sbin/sendmail"),
	/* Below the pool's stop timeout (30 s): a stop waits for a send. */
	INT("mail", "timeout", mail_timeout, "20", 1, 25),

	BOOL("csv", "formula_guard", formula_guard, "on"),
	BOOL("csv", "bom", bom, "off"),
	INT("csv", "gzip_level", gzip_level, "6", 1, 9),

	ENUM("log", "level", log_level, "info", ftx_log_level_from_name,
	    "error, warning, notice, info, debug"),
	ENUM("log", "facility", log_facility, "daemon",
	    ftx_log_facility_from_name,
	    "daemon, user, local0 .. local7"),

	INT("webhooks", "timeout", webhook_timeout, "10", 1, 60),
	INT("webhooks", "max_attempts", webhook_max_attempts, "12", 1, 50),
	INT("webhooks", "retry_delay", webhook_retry_delay, "60", 0, 86400),
	INT("webhooks", "retry_max", webhook_retry_max, "28800", 1,
	    7 * 86400),
	BOOL("webhooks", "allow_private", webhook_allow_private, "off"),
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

_Static_assert(NOPTS <= 64, "parse_state.seen is too small");
_Static_assert(sizeof(enum ftx_sendfile_mode) == sizeof(int),
    "enums are stored as int");
_Static_assert(sizeof(enum ftx_mail_transport) == sizeof(int),
    "enums are stored as int");

static const struct enum_name sendfile_names[] = {
	{ "off", FTX_SENDFILE_OFF },
	{ "x-sendfile", FTX_SENDFILE_XSENDFILE },
	{ "x-lighttpd-send-file", FTX_SENDFILE_LIGHTTPD },
	{ "x-accel-redirect", FTX_SENDFILE_ACCEL },
	{ NULL, 0 }
};

static const struct enum_name transport_names[] = {
	{ "smtp", FTX_MAIL_SMTP },
	{ "sendmail", FTX_MAIL_SENDMAIL },
	{ NULL, 0 }
};

static const struct enum_name starttls_names[] = {
	{ "off", 0 },
	{ "try", 1 },
	{ "on", 2 },
	{ NULL, 0 }
};

static const struct enum_name bool_names[] = {
	{ "on", 1 }, { "yes", 1 }, { "true", 1 }, { "1", 1 },
	{ "off", 0 }, { "no", 0 }, { "false", 0 }, { "0", 0 },
	{ NULL, 0 }
};

/* Value of name in map (case-insensitive), or -1. */
static int
map_lookup(const struct enum_name *map, const char *name)
{
	for (; map->name != NULL; map++)
		if (strcasecmp(map->name, name) == 0)
			return map->value;
	return -1;
}

static int
sendfile_from_name(const char *name)
{
	return map_lookup(sendfile_names, name);
}

static int
transport_from_name(const char *name)
{
	return map_lookup(transport_names, name);
}

static int
starttls_from_name(const char *name)
{
	return map_lookup(starttls_names, name);
}

const char *
ftx_config_default_path(void)
{
	const char *p;

	p = getenv("FTX_CONFIG");
	if (p != NULL && *p != '\0')
		return p;
	return SYSCONFDIR "/ftx/ftx.conf";
}

/* Strict decimal int: optional '-', digits, nothing else.  0 or -1. */
static int
parse_int(const char *s, int *out)
{
	long v;
	char *end;

	if (*s != '-' && !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* Octal mode: 1 to 4 octal digits, at most max.  0 or -1. */
static int
parse_mode(const char *s, int max, int *out)
{
	size_t n = strspn(s, "01234567");
	long v;

	if (n == 0 || n > 4 || s[n] != '\0')
		return -1;
	v = strtol(s, NULL, 8);
	if (v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Writes the "must be ..." text for o into buf. */
static void
describe(const struct opt *o, char *buf, size_t len)
{
	switch (o->type) {
	case OPT_INT:
		if (o->max == INT_MAX)
			snprintf(buf, len, "must be an integer >= %d", o->min);
		else
			snprintf(buf, len, "must be an integer between %d "
			    "and %d", o->min, o->max);
		break;
	case OPT_BOOL:
		snprintf(buf, len, "must be on, off, yes, no, true, false, "
		    "1 or 0");
		break;
	case OPT_ENUM:
		snprintf(buf, len, "must be one of %s", o->choices);
		break;
	case OPT_MODE:
		snprintf(buf, len, "must be an octal mode between 0000 and "
		    "%04o", (unsigned)o->max);
		break;
	default:
		snprintf(buf, len, "invalid value");
		break;
	}
}

/*
 * Stores value into the field of o in cfg.  Returns 0, 1 for a bad value,
 * -1 when out of memory.
 */
static int
set_value(struct ftx_config *cfg, const struct opt *o, const char *value)
{
	void *field = (char *)cfg + o->offset;
	char *copy;
	int v;

	switch (o->type) {
	case OPT_STRING:
		if ((copy = strdup(value)) == NULL)
			return -1;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	case OPT_INT:
		if (parse_int(value, &v) == -1 || v < o->min || v > o->max)
			return 1;
		break;
	case OPT_BOOL:
		if ((v = map_lookup(bool_names, value)) == -1)
			return 1;
		break;
	case OPT_ENUM:
		if ((v = o->lookup(value)) == -1)
			return 1;
		break;
	case OPT_MODE:
		if (parse_mode(value, o->max, &v) == -1)
			return 1;
		break;
	default:
		return 1;
	}
	*(int *)field = v;
	return 0;
}

int
ftx_config_init(struct ftx_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NOPTS; i++) {
		if (set_value(cfg, &opts[i], opts[i].def) != 0) {
			ftx_config_free(cfg);
			return -1;
		}
	}
	return 0;
}

void
ftx_config_free(struct ftx_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < NOPTS; i++)
		if (opts[i].type == OPT_STRING)
			free(*(char **)((char *)cfg + opts[i].offset));
	memset(cfg, 0, sizeof(*cfg));
}

/* Records the first error as "PATH:LINE: message" (LINE 0: "PATH: ..."). */
static void __attribute__((format(printf, 2, 3)))
parse_error(struct parse_state *st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (st->failed)
		return;
	st->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st->lineno > 0)
		snprintf(st->err, st->errlen, "%s:%d: %s", st->path,
		    st->lineno, msg);
	else
		snprintf(st->err, st->errlen, "%s: %s", st->path, msg);
}

static int
section_known(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].section, name) == 0)
			return 1;
	return 0;
}

static int
is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* Trims trailing blanks of s in place. */
static void
rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* True when p (after optional blanks) is the end or a comment. */
static int
only_comment(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return *p == '\0' || *p == '#' || *p == ';';
}

/*
 * Unquotes a double-quoted value in place: s points at the opening quote.
 * \" and \\ are the only escapes.  Returns 0, or -1 with a message.
 */
static int
unquote(struct parse_state *st, char *s)
{
	char *r = s + 1, *w = s;

	for (; *r != '"'; r++) {
		if (*r == '\0') {
			parse_error(st, "syntax error: missing closing quote");
			return -1;
		}
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (!only_comment(r + 1)) {
		parse_error(st, "syntax error: text after closing quote");
		return -1;
	}
	*w = '\0';
	return 0;
}

/*
 * Unquoted value: ends at a ';' or '#' that follows a blank (inline
 * comment), trailing blanks trimmed.
 */
static void
strip_inline_comment(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++) {
		if ((*p == ';' || *p == '#') && p > s &&
		    isspace((unsigned char)p[-1])) {
			*p = '\0';
			break;
		}
	}
	rtrim(s);
}

/* "[name]": writes the canonical line into out.  0 or -1. */
static int
lex_section(struct parse_state *st, char *s, char *out, size_t outlen)
{
	char *end;
	size_t n;

	if ((end = strchr(s, ']')) == NULL || !only_comment(end + 1)) {
		parse_error(st, "syntax error: expected [section]");
		return -1;
	}
	*end = '\0';
	n = strlen(s + 1);
	if (n == 0 || n > NAME_MAX_LEN || n + 4 > outlen ||
	    !section_known(s + 1)) {
		parse_error(st, "unknown section [%.*s]", NAME_MAX_LEN, s + 1);
		return -1;
	}
	snprintf(out, outlen, "[%s]\n", s + 1);
	return 0;
}

/* "key = value": keeps the value in st, writes "key=" into out.  0 or -1. */
static int
lex_key(struct parse_state *st, char *s, char *out, size_t outlen)
{
	char *eq, *val, *p;

	if ((eq = strchr(s, '=')) == NULL) {
		parse_error(st, "syntax error: expected key = value");
		return -1;
	}
	*eq = '\0';
	rtrim(s);
	for (p = s; *p != '\0' && is_name_char((unsigned char)*p); p++)
		;
	if (*s == '\0' || *p != '\0') {
		parse_error(st, "syntax error: invalid key name");
		return -1;
	}
	if (strlen(s) > NAME_MAX_LEN || strlen(s) + 3 > outlen) {
		parse_error(st, "unknown key \"%.*s\"", NAME_MAX_LEN, s);
		return -1;
	}
	for (val = eq + 1; isspace((unsigned char)*val); val++)
		;
	if (*val == '"') {
		if (unquote(st, val) == -1)
			return -1;
	} else {
		/* From eq + 1: "key = ; note" is an empty value. */
		strip_inline_comment(eq + 1);
		for (val = eq + 1; isspace((unsigned char)*val); val++)
			;
	}
	st->value = val;
	snprintf(out, outlen, "%s=\n", s);
	return 0;
}

/* Reads the next physical line into st->line without its line ending. */
static int
read_line(struct parse_state *st)
{
	ssize_t n;

	errno = 0;
	if ((n = getline(&st->line, &st->linecap, st->fp)) == -1) {
		if (ferror(st->fp)) {
			st->lineno = 0;
			parse_error(st, "cannot read: %s",
			    strerror(errno ? errno : EIO));
		}
		return -1;
	}
	st->lineno++;
	if (memchr(st->line, '\0', (size_t)n) != NULL) {
		parse_error(st, "syntax error: NUL byte in line");
		return -1;
	}
	while (n > 0 && (st->line[n - 1] == '\n' || st->line[n - 1] == '\r'))
		st->line[--n] = '\0';
	return 0;
}

/* ini_reader: hands inih one canonical line per physical line. */
static char *
reader(char *out, int num, void *stream)
{
	struct parse_state *st = stream;
	char *s;

	if (st->failed || num < 8 || read_line(st) == -1)
		return NULL;
	s = st->line;
	if (st->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s))
		s++;
	st->value = NULL;
	if (*s == '\0' || *s == '#' || *s == ';') {
		snprintf(out, (size_t)num, "\n");
		return out;
	}
	if (*s == '[') {
		if (lex_section(st, s, out, (size_t)num) == -1)
			return NULL;
	} else if (lex_key(st, s, out, (size_t)num) == -1)
		return NULL;
	return out;
}

/* Index of section.key in opts[], or -1. */
static int
find_opt(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].section, section) == 0 &&
		    strcmp(opts[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* ini_handler: value comes from st->value, not from inih. */
static int
handler(void *user, const char *section, const char *key, const char *unused)
{
	struct parse_state *st = user;
	const struct opt *o;
	char why[160];
	int i, rc;

	(void)unused;
	if (st->failed || st->value == NULL)
		return 0;
	if (*section == '\0') {
		parse_error(st, "key \"%s\" outside any section", key);
		return 0;
	}
	if ((i = find_opt(section, key)) == -1) {
		parse_error(st, "unknown key \"%s\" in [%s]", key, section);
		return 0;
	}
	o = &opts[i];
	if (st->seen[i]) {
		parse_error(st, "duplicate key \"%s\" in [%s]", key, section);
		return 0;
	}
	st->seen[i] = 1;
	if ((rc = set_value(st->cfg, o, st->value)) == -1) {
		parse_error(st, "out of memory");
		return 0;
	}
	if (rc != 0) {
		describe(o, why, sizeof(why));
		if (o->secret)
			parse_error(st, "%s: %s", key, why);
		else
			parse_error(st, "%s: %s (got \"%.64s\")", key, why,
			    st->value);
		return 0;
	}
	return 1;
}

int
ftx_config_load(struct ftx_config *cfg, const char *path, char *err,
    size_t errlen)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		memset(cfg, 0, sizeof(*cfg));
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: cannot open: %s", path,
			    strerror(errno));
		return -1;
	}
	rc = ftx_config_load_stream(cfg, fp, path, err, errlen);
	fclose(fp);
	return rc;
}

int
ftx_config_load_stream(struct ftx_config *cfg, FILE *fp, const char *path,
    char *err, size_t errlen)
{
	struct parse_state st;
	struct ftx_config tmp;
	char dummy[1];
	int rc = -1, irc;

	memset(&st, 0, sizeof(st));
	memset(&tmp, 0, sizeof(tmp));
	st.path = path;
	st.fp = fp;
	st.cfg = &tmp;
	st.err = err != NULL && errlen > 0 ? err : dummy;
	st.errlen = err != NULL && errlen > 0 ? errlen : sizeof(dummy);
	st.err[0] = '\0';
	if (ftx_config_init(&tmp) == -1) {
		parse_error(&st, "out of memory");
		goto out;
	}
	irc = ini_parse_stream(reader, &st, handler, &st);
	if (!st.failed && irc != 0) {
		/* Not expected: the reader only hands inih well-formed lines. */
		if (irc > 0)
			st.lineno = irc;
		parse_error(&st, irc > 0 ? "syntax error" : "out of memory");
	}
	if (!st.failed)
		rc = 0;
out:
	free(st.line);
	if (rc == 0)
		*cfg = tmp;
	else {
		ftx_config_free(&tmp);
		memset(cfg, 0, sizeof(*cfg));
	}
	return rc;
}
