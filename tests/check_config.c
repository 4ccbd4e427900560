/*
 * check_config.c - ftx.conf parsing: types, ranges, quotes, comments,
 * errors with their line numbers, defaults and the shipped sample.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "check_main.h"
#include "config.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

enum { END, INT, STR };

struct field_check {
	int		 kind;
	size_t		 off;
	int		 ival;
	const char	*sval;
};

#define CI(f, v)	{ INT, offsetof(struct ftx_config, f), v, NULL }
#define CS(f, v)	{ STR, offsetof(struct ftx_config, f), 0, v }

struct config_case {
	const char		*text;
	const char		*err;		/* NULL: must load */
	struct field_check	 checks[6];	/* ends with kind END */
};

static const struct config_case cases[] = {
	/* Accepted files and the values they give. */
	{ "", NULL, { CI(children, 4), CS(conninfo, ""),
	    CI(formula_guard, 1), CI(log_level, LOG_INFO) } },
	{ "[fcgi]\nchildren = 8\n", NULL, { CI(children, 8) } },
	{ "[fcgi]\nchildren=256", NULL, { CI(children, 256) } },
	{ "  [fcgi]  \n\tchildren\t=\t1  \n", NULL, { CI(children, 1) } },
	{ "[fcgi]\r\nchildren = 7\r\nlisten = /run/a.sock\r\n", NULL,
	    { CI(children, 7), CS(listen, "/run/a.sock") } },
	{ "\xEF\xBB\xBF[fcgi]\nchildren = 9\n", NULL, { CI(children, 9) } },
	{ "# comment\n; comment\n\n[fcgi] ; trailing\nchildren = 5 ; five\n"
	    "listen = /run/ftx.sock # path\n", NULL,
	    { CI(children, 5), CS(listen, "/run/ftx.sock") } },
	{ "[database]\nconninfo = \"host=/tmp password='a;b #c'\" ; note\n",
	    NULL, { CS(conninfo, "host=/tmp password='a;b #c'") } },
	{ "[database]\nconninfo = \"a ; b # c\"\n", NULL,
	    { CS(conninfo, "a ; b # c") } },
	{ "[mail]\nfrom = \"a \\\"b\\\" \\\\ c\"\n", NULL,
	    { CS(from, "a \"b\" \\ c") } },
	{ "[mail]\nfrom = \"a\\nb\"\n", NULL, { CS(from, "a\\nb") } },
	{ "[fcgi]\nlisten = \"  x  \"\n", NULL, { CS(listen, "  x  ") } },
	{ "[fcgi]\nlisten =\n", NULL, { CS(listen, "") } },
	{ "[fcgi]\nlisten = \"\"\n", NULL, { CS(listen, "") } },
	{ "[fcgi]\nlisten = ; nothing\n", NULL, { CS(listen, "") } },
	{ "[database]\nconninfo = host=a password=x;y#z\n", NULL,
	    { CS(conninfo, "host=a password=x;y#z") } },
	{ "[database]\nconninfo = dbname=a=b\n", NULL,
	    { CS(conninfo, "dbname=a=b") } },
	{ "[mail]\nsmtp_url = smtp://u:p#w@h:25\n", NULL,
	    { CS(smtp_url, "smtp://u:p#w@h:25") } },
	{ "[database]\nconninfo = a ;b\n", NULL, { CS(conninfo, "a") } },
	{ "[fcgi]\nchildren = 2\n[csv]\nbom = on\n[fcgi]\nmax_body = 10\n",
	    NULL, { CI(children, 2), CI(bom, 1), CI(max_body, 10) } },
	{ "[fcgi]\nmax_requests = 0\nmax_body = 007\n", NULL,
	    { CI(max_requests, 0), CI(max_body, 7) } },
	{ "[fcgi]\nmax_requests = 2147483647\n", NULL,
	    { CI(max_requests, INT_MAX) } },
	{ "[exportd]\nworkers = 64\npoll_interval = 3600\nmax_attempts = 1\n"
	    "claim_timeout = 1\nretry_delay = 0\n", NULL,
	    { CI(workers, 64), CI(poll_interval, 3600), CI(max_attempts, 1),
	    CI(claim_timeout, 1), CI(retry_delay, 0) } },
	{ "[exportd]\nexport_dir = /srv/x\n[download]\nttl = 60\n"
	    "base_url = https://ftx.example/\n", NULL,
	    { CS(export_dir, "/srv/x"), CI(ttl, 60),
	    CS(base_url, "https://ftx.example/") } },

	/* The socket, the request deadline and the accounts (SPEC §16). */
	{ "[fcgi]\nsocket_mode = 0600\nrequest_timeout = 5\nuser = ftx\n"
	    "[exportd]\nuser = ftxe\n", NULL,
	    { CI(socket_mode, 0600), CI(request_timeout, 5),
	    CS(fcgi_user, "ftx"), CS(exportd_user, "ftxe") } },
	{ "[fcgi]\nsocket_mode = 777\nrequest_timeout = 3600\n", NULL,
	    { CI(socket_mode, 0777), CI(request_timeout, 3600) } },
	{ "[fcgi]\nsocket_mode = 0\n", NULL, { CI(socket_mode, 0) } },
	/* The streaming replica exports read from (SPEC §17). */
	{ "[exportd]\nreplica_conninfo = \"host=r port=5433 password=a#b\"\n"
	    "replica_max_wait = 0\n", NULL,
	    { CS(replica_conninfo, "host=r port=5433 password=a#b"),
	    CI(replica_max_wait, 0) } },
	{ "[exportd]\nreplica_max_wait = 3600\n", NULL,
	    { CI(replica_max_wait, 3600), CS(replica_conninfo, "") } },

	/* Behind PgBouncer (SPEC §17 step 2). */
	{ "[database]\nprepared_statements = off\n[exportd]\n"
	    "listen_conninfo = \"host=/run/pg port=5432\"\n", NULL,
	    { CI(prepared_statements, 0),
	    CS(listen_conninfo, "host=/run/pg port=5432") } },
	{ "[database]\nprepared_statements = yes\n", NULL,
	    { CI(prepared_statements, 1), CS(listen_conninfo, "") } },
	{ "[database]\nprepared_statements = sometimes\n",
	    "f.conf:2: ", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nlisten_conninfo = x\n",
	    "f.conf:2: unknown key \"listen_conninfo\" in [fcgi]",
	    { { END, 0, 0, 0 } } },

	/* Webhooks (SPEC §14). */
	{ "[webhooks]\ntimeout = 2\nmax_attempts = 3\nretry_delay = 0\n"
	    "retry_max = 5\nallow_private = on\n", NULL,
	    { CI(webhook_timeout, 2), CI(webhook_max_attempts, 3),
	    CI(webhook_retry_delay, 0), CI(webhook_retry_max, 5),
	    CI(webhook_allow_private, 1) } },

	/* Booleans. */
	{ "[csv]\nformula_guard = off\nbom = YES\n", NULL,
	    { CI(formula_guard, 0), CI(bom, 1) } },
	{ "[csv]\nformula_guard = no\nbom = true\n", NULL,
	    { CI(formula_guard, 0), CI(bom, 1) } },
	{ "[csv]\nformula_guard = false\nbom = 1\n", NULL,
	    { CI(formula_guard, 0), CI(bom, 1) } },
	{ "[csv]\nformula_guard = 0\nbom = On\n", NULL,
	    { CI(formula_guard, 0), CI(bom, 1) } },

	/* Enums. */
	{ "[download]\nsendfile = x-sendfile\n", NULL,
	    { CI(sendfile, FTX_SENDFILE_XSENDFILE) } },
	{ "[download]\nsendfile = x-lighttpd-send-file\n", NULL,
	    { CI(sendfile, FTX_SENDFILE_LIGHTTPD) } },
	{ "[download]\nsendfile = x-accel-redirect\nsendfile_prefix = /p\n",
	    NULL, { CI(sendfile, FTX_SENDFILE_ACCEL),
	    CS(sendfile_prefix, "/p") } },
	{ "[download]\nsendfile = off\n", NULL,
	    { CI(sendfile, FTX_SENDFILE_OFF) } },
	{ "[mail]\ntransport = sendmail\nsendmail_path = /bin/true\n", NULL,
	    { CI(transport, FTX_MAIL_SENDMAIL),
	    CS(sendmail_path, "/bin/true") } },
	{ "[mail]\nsmtp_starttls = try\nsmtp_user = u\n"
	    "smtp_password_file = /etc/p\n", NULL,
	    { CI(smtp_starttls, 1), CS(smtp_user, "u"),
	    CS(smtp_password_file, "/etc/p") } },
	{ "[mail]\nsmtp_starttls = on\n", NULL, { CI(smtp_starttls, 2) } },
	{ "[mail]\nsmtp_starttls = off\n", NULL, { CI(smtp_starttls, 0) } },
	{ "[log]\nlevel = debug\nfacility = local3\n", NULL,
	    { CI(log_level, LOG_DEBUG), CI(log_facility, LOG_LOCAL3) } },
	{ "[log]\nlevel = error\nfacility = user\n", NULL,
	    { CI(log_level, LOG_ERR), CI(log_facility, LOG_USER) } },

	/* Errors: line numbers and messages. */
	{ "[nope]\n", "f.conf:1: unknown section [nope]", { { END, 0, 0, 0 } } },
	{ "\n# x\n[]\n", "f.conf:3: unknown section []", { { END, 0, 0, 0 } } },
	{ "[fcgi\n", "f.conf:1: syntax error: expected [section]",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi] x\n", "f.conf:1: syntax error: expected [section]",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nfoo = 1\n", "f.conf:2: unknown key \"foo\" in [fcgi]",
	    { { END, 0, 0, 0 } } },
	{ "[csv]\nchildren = 1\n",
	    "f.conf:2: unknown key \"children\" in [csv]", { { END, 0, 0, 0 } } },
	{ "children = 4\n", "f.conf:1: key \"children\" outside any section",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren 4\n", "f.conf:2: syntax error: expected key = "
	    "value", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren: 4\n", "f.conf:2: syntax error",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchil dren = 4\n", "f.conf:2: syntax error: invalid key name",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\n = 4\n", "f.conf:2: syntax error: invalid key name",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 2\nchildren = 3\n",
	    "f.conf:3: duplicate key \"children\" in [fcgi]",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 2\n[csv]\nbom = on\n[fcgi]\nchildren = 3\n",
	    "f.conf:6: duplicate key \"children\" in [fcgi]",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nlisten = \"abc\n",
	    "f.conf:2: syntax error: missing closing quote",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nlisten = \"a\" b\n",
	    "f.conf:2: syntax error: text after closing quote",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 0\n",
	    "f.conf:2: children: must be an integer between 1 and 256 "
	    "(got \"0\")", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 257\n",
	    "f.conf:2: children: must be an integer between 1 and 256",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 4x\n", "f.conf:2: children: must be an integer",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = +4\n", "f.conf:2: children: must be an integer",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 0x10\n", "f.conf:2: children: must be an integer",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren =\n", "f.conf:2: children: must be an integer",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = -\n", "f.conf:2: children: must be an integer",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = \"4 \"\n",
	    "f.conf:2: children: must be an integer", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nchildren = 99999999999999999999\n",
	    "f.conf:2: children: must be an integer", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nmax_requests = 2147483648\n",
	    "f.conf:2: max_requests: must be an integer >= 0",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nmax_requests = -1\n",
	    "f.conf:2: max_requests: must be an integer >= 0",
	    { { END, 0, 0, 0 } } },
	{ "[exportd]\nworkers = 65\n",
	    "f.conf:2: workers: must be an integer between 1 and 64",
	    { { END, 0, 0, 0 } } },
	{ "[csv]\nbom = maybe\n", "f.conf:2: bom: must be on, off, yes, no, "
	    "true, false, 1 or 0 (got \"maybe\")", { { END, 0, 0, 0 } } },
	{ "[csv]\nformula_guard =\n", "f.conf:2: formula_guard: must be on",
	    { { END, 0, 0, 0 } } },
	{ "[download]\nsendfile = nginx\n",
	    "f.conf:2: sendfile: must be one of off, x-sendfile, "
	    "x-lighttpd-send-file, x-accel-redirect", { { END, 0, 0, 0 } } },
	{ "[mail]\ntransport = pigeon\n",
	    "f.conf:2: transport: must be one of smtp, sendmail",
	    { { END, 0, 0, 0 } } },
	{ "[mail]\nsmtp_starttls = yes\n",
	    "f.conf:2: smtp_starttls: must be one of off, try, on",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nsocket_mode = 0666x\n", "f.conf:2: socket_mode: must be "
	    "an octal mode between 0000 and 0777 (got \"0666x\")",
	    { { END, 0, 0, 0 } } },
	{ "[fcgi]\nsocket_mode = 0800\n", "f.conf:2: socket_mode: must be "
	    "an octal mode", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nsocket_mode = 1000\n", "f.conf:2: socket_mode: must be "
	    "an octal mode", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nsocket_mode = -660\n", "f.conf:2: socket_mode: must be "
	    "an octal mode", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nsocket_mode =\n", "f.conf:2: socket_mode: must be "
	    "an octal mode", { { END, 0, 0, 0 } } },
	{ "[fcgi]\nrequest_timeout = 0\n", "f.conf:2: request_timeout: must "
	    "be an integer between 1 and 3600", { { END, 0, 0, 0 } } },
	{ "[exportd]\nsocket_mode = 0660\n",
	    "f.conf:2: unknown key \"socket_mode\" in [exportd]",
	    { { END, 0, 0, 0 } } },
	{ "[log]\nlevel = loud\n", "f.conf:2: level: must be one of error, "
	    "warning, notice, info, debug", { { END, 0, 0, 0 } } },
	{ "[log]\nfacility = local8\n", "f.conf:2: facility: must be one of",
	    { { END, 0, 0, 0 } } },
	{ "# a\n\n; b\n[fcgi]\n\n  # c\nworkers = 2\n",
	    "f.conf:7: unknown key \"workers\" in [fcgi]", { { END, 0, 0, 0 } } },
	{ "[database]\nconninfo = \"password=hunter2\n",
	    "f.conf:2: syntax error: missing closing quote",
	    { { END, 0, 0, 0 } } },	{ "[exportd]\nreplica_max_wait = 3601\n", "f.conf:2: replica_max_wait: "
	    "must be an integer between 0 and 3600", { { END, 0, 0, 0 } } },
	{ "[exportd]\nreplica_max_wait = -1\n", "f.conf:2: replica_max_wait: "
	    "must be an integer between 0 and 3600", { { END, 0, 0, 0 } } },
	{ "[replica]\nconninfo = x\n", "f.conf:1: unknown section",
	    { { END, 0, 0, 0 } } },
};

static char tmpdir[] = "/tmp/check_config.XXXXXX";
static char conf_path[PATH_MAX];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(conf_path, sizeof(conf_path), "%s/f.conf", tmpdir);
}

static void
teardown(void)
{
	unlink(conf_path);
	rmdir(tmpdir);
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *fp;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static int
is_zero(const struct ftx_config *cfg)
{
	static const struct ftx_config zero;

	return memcmp(cfg, &zero, sizeof(zero)) == 0;
}

START_TEST(test_cases)
{
	const struct config_case *c = &cases[_i];
	const struct field_check *f;
	struct ftx_config cfg;
	char err[256];
	int rc;

	write_file(conf_path, c->text, strlen(c->text));
	memset(&cfg, 0x5a, sizeof(cfg));
	strcpy(err, "untouched");
	rc = ftx_config_load(&cfg, conf_path, err, sizeof(err));
	unlink(conf_path);
	if (c->err != NULL) {
		ck_assert_msg(rc == -1, "case %d loaded", _i);
		ck_assert_msg(strstr(err, c->err) != NULL,
		    "case %d: got \"%s\", want \"%s\"", _i, err, c->err);
		ck_assert_ptr_eq(strstr(err, conf_path), err);
		ck_assert_ptr_null(strchr(err, '\n'));
		ck_assert(is_zero(&cfg));
		return;
	}
	ck_assert_msg(rc == 0, "case %d: %s", _i, err);
	for (f = c->checks; f->kind != END; f++) {
		const char *p = (const char *)&cfg + f->off;

		if (f->kind == INT)
			ck_assert_int_eq(*(const int *)p, f->ival);
		else
			ck_assert_str_eq(*(char *const *)p, f->sval);
	}
	ftx_config_free(&cfg);
	ck_assert(is_zero(&cfg));
}
END_TEST

START_TEST(test_defaults)
{
	struct ftx_config cfg;

	ck_assert_int_eq(ftx_config_init(&cfg), 0);
	ck_assert_str_eq(cfg.conninfo, "");
	ck_assert_int_eq(cfg.prepared_statements, 1);
	ck_assert_str_eq(cfg.listen_conninfo, "");
	ck_assert_str_eq(cfg.listen, "");
	ck_assert_int_eq(cfg.children, 4);
	ck_assert_int_eq(cfg.max_requests, 10000);
	ck_assert_int_eq(cfg.max_body, 65536);
	ck_assert_int_eq(cfg.listen_backlog, 128);
	ck_assert_int_eq(cfg.socket_mode, 0660);
	ck_assert_int_eq(cfg.request_timeout, 30);
	ck_assert_str_eq(cfg.fcgi_user, "");
	ck_assert_str_eq(cfg.exportd_user, "");
	ck_assert_int_eq(cfg.workers, 2);
	ck_assert_int_eq(cfg.poll_interval, 10);
	ck_assert_int_eq(cfg.max_attempts, 3);
	ck_assert_int_eq(cfg.claim_timeout, 30);
	ck_assert_int_eq(cfg.retry_delay, 30);
	ck_assert_str_eq(cfg.export_dir, LOCALSTATEDIR "/lib/ftx/exports");
	ck_assert_str_eq(cfg.base_url, "http://localhost:8080");
	ck_assert_str_eq(cfg.secret_file, SYSCONFDIR "/ftx/download.secret");
	ck_assert_int_eq(cfg.ttl, 604800);
	ck_assert_int_eq(cfg.sendfile, FTX_SENDFILE_OFF);
	ck_assert_str_eq(cfg.sendfile_prefix, "");
	ck_assert_int_eq(cfg.transport, FTX_MAIL_SMTP);
	ck_assert_str_eq(cfg.smtp_url, "smtp://localhost:25");
	ck_assert_str_eq(cfg.smtp_user, "");
	ck_assert_str_eq(cfg.smtp_password_file, "");
	ck_assert_int_eq(cfg.smtp_starttls, 0);
	ck_assert_str_eq(cfg.from, "ftx@localhost");
	ck_assert_str_eq(cfg.sendmail_path, "/usr/sbin/sendmail");
	ck_assert_int_eq(cfg.formula_guard, 1);
	ck_assert_int_eq(cfg.bom, 0);
	ck_assert_int_eq(cfg.log_level, LOG_INFO);
	ck_assert_int_eq(cfg.log_facility, LOG_DAEMON);
	ck_assert_str_eq(cfg.replica_conninfo, "");
	ck_assert_int_eq(cfg.replica_max_wait, 30);
	ftx_config_free(&cfg);
	ck_assert(is_zero(&cfg));
	ftx_config_free(NULL);
}
END_TEST

START_TEST(test_default_path)
{
	unsetenv("FTX_CONFIG");
	ck_assert_str_eq(ftx_config_default_path(), SYSCONFDIR "/ftx/ftx.conf");
	setenv("FTX_CONFIG", "", 1);
	ck_assert_str_eq(ftx_config_default_path(), SYSCONFDIR "/ftx/ftx.conf");
	setenv("FTX_CONFIG", "/tmp/x.conf", 1);
	ck_assert_str_eq(ftx_config_default_path(), "/tmp/x.conf");
	unsetenv("FTX_CONFIG");
}
END_TEST

START_TEST(test_missing_file)
{
	struct ftx_config cfg;
	char err[256], want[PATH_MAX + 64];

	memset(&cfg, 0x5a, sizeof(cfg));
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot open: %s", conf_path,
	    strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert(is_zero(&cfg));

	/* A directory opens but cannot be read. */
	ck_assert_int_eq(ftx_config_load(&cfg, tmpdir, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot read: %s", tmpdir,
	    strerror(EISDIR));
	ck_assert_str_eq(err, want);
	ck_assert(is_zero(&cfg));
}
END_TEST

START_TEST(test_small_err_buffer)
{
	struct ftx_config cfg;
	char err[8];

	write_file(conf_path, "[bad]\n", 6);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, err, sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, NULL, 0), -1);
	ck_assert(is_zero(&cfg));
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "[fcgi]\nlisten = a\0b\n";
	struct ftx_config cfg;
	char err[256];

	write_file(conf_path, text, sizeof(text) - 1);
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "f.conf:2: syntax error: NUL byte"));
}
END_TEST

/* The stream reader the fuzz target uses: same result as from a file,
 * and the stream is left open. */
START_TEST(test_stream)
{
	static const char ok[] = "[fcgi]\nchildren = 3\n";
	static const char bad[] = "[fcgi]\nchildren = 3\nnope = 1\n";
	struct ftx_config cfg;
	char err[256];
	FILE *fp;

	ck_assert_ptr_nonnull(fp = fmemopen((void *)ok, sizeof(ok) - 1, "r"));
	ck_assert_int_eq(ftx_config_load_stream(&cfg, fp, "mem", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(cfg.children, 3);
	ftx_config_free(&cfg);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_nonnull(fp = fmemopen((void *)bad, sizeof(bad) - 1, "r"));
	ck_assert_int_eq(ftx_config_load_stream(&cfg, fp, "mem", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "mem:3: unknown key \"nope\" in [fcgi]");
	ck_assert_ptr_null(cfg.listen);
	ck_assert_int_eq(fclose(fp), 0);
}
END_TEST

/* Long lines: inih's own buffer is 200 bytes; ours has no limit. */
START_TEST(test_long_line)
{
	struct ftx_config cfg;
	char text[5000], value[4000], err[256];

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	memcpy(value, "host=h password=", 16);
	snprintf(text, sizeof(text), "[database]\nconninfo = \"%s\"\n"
	    "[fcgi]\nchildren = 300\n", value);
	write_file(conf_path, text, strlen(text));
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "f.conf:4: children: must be"));
	/* The conninfo value is never quoted in a message. */
	ck_assert_ptr_null(strstr(err, "vvvv"));

	snprintf(text, sizeof(text), "[database]\nconninfo = %s\n", value);
	write_file(conf_path, text, strlen(text));
	ck_assert_int_eq(ftx_config_load(&cfg, conf_path, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.conninfo, value);
	ftx_config_free(&cfg);
}
END_TEST

/* The shipped sample, as is and with every "# key = value" uncommented. */
static void
sample_path(char *buf, size_t len)
{
	const char *src = getenv("FTX_SRCDIR");
	const char *slash;

	if (src != NULL && *src != '\0') {
		snprintf(buf, len, "%s/conf/ftx.conf.sample", src);
		return;
	}
	/* __FILE__ is .../tests/check_config.c */
	slash = strrchr(__FILE__, '/');
	if (slash == NULL)
		snprintf(buf, len, "../conf/ftx.conf.sample");
	else
		snprintf(buf, len, "%.*s/../conf/ftx.conf.sample",
		    (int)(slash - __FILE__), __FILE__);
}

/* Copies in to out, uncommenting "# key = value" lines; returns how many. */
static int
uncomment(const char *in, const char *out)
{
	FILE *fi, *fo;
	char line[1024];
	const char *p;
	int n = 0;

	fi = fopen(in, "r");
	ck_assert_ptr_nonnull(fi);
	fo = fopen(out, "w");
	ck_assert_ptr_nonnull(fo);
	while (fgets(line, sizeof(line), fi) != NULL) {
		p = line + 1;
		if (line[0] == '#' && *p == ' ') {
			p++;
			p += strspn(p, "abcdefghijklmnopqrstuvwxyz_");
			if (p > line + 2 && strncmp(p, " = ", 3) == 0) {
				fputs(line + 2, fo);
				n++;
				continue;
			}
		}
		fputs(line, fo);
	}
	fclose(fi);
	ck_assert_int_eq(fclose(fo), 0);
	return n;
}

START_TEST(test_sample)
{
	struct ftx_config def, cfg;
	char path[PATH_MAX], err[512];
	int n;

	sample_path(path, sizeof(path));
	ck_assert_msg(access(path, R_OK) == 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(ftx_config_load(&cfg, path, err, sizeof(err)) == 0,
	    "%s", err);
	ftx_config_free(&cfg);

	n = uncomment(path, conf_path);
	ck_assert_int_eq(n, 44);	/* every key of the table */
	ck_assert_msg(ftx_config_load(&cfg, conf_path, err, sizeof(err)) == 0,
	    "%s", err);
	/* The sample documents the real defaults. */
	ck_assert_int_eq(ftx_config_init(&def), 0);
	ck_assert_str_eq(cfg.export_dir, "/var/lib/ftx/exports");
	ck_assert_str_eq(cfg.secret_file, "/etc/ftx/download.secret");
	free(cfg.export_dir);
	free(cfg.secret_file);
	cfg.export_dir = def.export_dir;
	cfg.secret_file = def.secret_file;
	def.export_dir = def.secret_file = NULL;
#define SAME_STR(f)	ck_assert_str_eq(cfg.f, def.f)
#define SAME_INT(f)	ck_assert_int_eq(cfg.f, def.f)
	SAME_STR(conninfo); SAME_STR(listen); SAME_INT(children);
	SAME_INT(max_requests); SAME_INT(max_body); SAME_INT(listen_backlog);
	SAME_INT(socket_mode); SAME_INT(request_timeout); SAME_STR(fcgi_user);
	SAME_STR(exportd_user);
	SAME_INT(workers); SAME_INT(poll_interval); SAME_INT(max_attempts);
	SAME_INT(claim_timeout); SAME_INT(retry_delay);
	SAME_STR(base_url); SAME_INT(ttl); SAME_INT(sendfile);
	SAME_STR(sendfile_prefix); SAME_INT(transport); SAME_STR(smtp_url);
	SAME_STR(smtp_user); SAME_STR(smtp_password_file);
	SAME_INT(smtp_starttls); SAME_STR(from); SAME_STR(sendmail_path);
	SAME_INT(formula_guard); SAME_INT(bom); SAME_INT(log_level);
	SAME_INT(log_facility);
	SAME_INT(prepared_statements); SAME_STR(listen_conninfo);
	SAME_STR(replica_conninfo); SAME_INT(replica_max_wait);
	SAME_INT(webhook_timeout); SAME_INT(webhook_max_attempts);
	SAME_INT(webhook_retry_delay); SAME_INT(webhook_retry_max);
	SAME_INT(webhook_allow_private);
	ftx_config_free(&def);
	ftx_config_free(&cfg);
	unlink(conf_path);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_cases, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_small_err_buffer);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_sample);
	suite_add_tcase(s, tc);

	tc = tcase_create("defaults");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_default_path);
	suite_add_tcase(s, tc);
	return s;
}
