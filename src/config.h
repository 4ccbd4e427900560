/*
 * config.h - ftx.conf, the INI file read by all three programs (SPEC §10).
 *
 * The parser is driven by one table of {section, key, type, target, default}
 * in config.c.  Unknown sections and keys are errors.  Reloading parses into
 * a fresh struct and the caller swaps it in only on success.
 */
#ifndef FTX_CONFIG_H
#define FTX_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum ftx_sendfile_mode {
	FTX_SENDFILE_OFF,		/* "off": the responder streams the file */
	FTX_SENDFILE_XSENDFILE,		/* "x-sendfile": lighttpd, Apache mod_xsendfile */
	FTX_SENDFILE_LIGHTTPD,		/* "x-lighttpd-send-file" */
	FTX_SENDFILE_ACCEL		/* "x-accel-redirect": nginx */
};

enum ftx_mail_transport {
	FTX_MAIL_SMTP,			/* "smtp" */
	FTX_MAIL_SENDMAIL		/* "sendmail" */
};

struct ftx_config {
	/* [database] */
	char *conninfo;			/* libpq conninfo; "" = libpq defaults */
	int prepared_statements;	/* 1; 0 = unnamed statements only
					   (PgBouncer transaction pooling) */

	/* [fcgi] */
	char *listen;			/* "" = socket inherited on fd 0,
					   "/path" = unix socket, "host:port" */
	int children;			/* 4, 1..256 */
	int max_requests;		/* 10000 requests before recycling, 0 = never */
	int max_body;			/* 65536 bytes */
	int listen_backlog;		/* 128 */
	int socket_mode;		/* 0660, mode of the unix socket */
	int request_timeout;		/* 30 s to receive a whole request */
	char *fcgi_user;		/* "" ; account to switch to (root) */

	/* [exportd] */
	int workers;			/* 2, 1..64 */
	int poll_interval;		/* 10 s, 1..3600 */
	int max_attempts;		/* 3, 1..20 */
	int claim_timeout;		/* 30 s a claim lives without renewal */
	int retry_delay;		/* 30 s, first backoff delay, doubled each try */
	char *export_dir;		/* LOCALSTATEDIR "/lib/ftx/exports" */
	char *exportd_user;		/* "" ; account to switch to (root) */
	int store;			/* "local": ftx_store_from_name */
	char *listen_conninfo;		/* "" ; direct session for LISTEN */
	char *replica_conninfo;		/* "" = exports read from the primary */
	int replica_max_wait;		/* 30 s to wait for the replica's replay */

	/* [download] */
	char *base_url;			/* "http://localhost:8080" */
	char *secret_file;		/* SYSCONFDIR "/ftx/download.secret" */
	int ttl;			/* 604800 s */
	enum ftx_sendfile_mode sendfile; /* off */
	char *sendfile_prefix;		/* "" ; X-Accel-Redirect location prefix */

	/* [mail] */
	enum ftx_mail_transport transport; /* smtp */
	char *smtp_url;			/* "smtp://localhost:25" */
	char *smtp_user;		/* "" */
	char *smtp_password_file;	/* "" ; password read from this file */
	int smtp_starttls;		/* 0 = off, 1 = try, 2 = required */
	char *from;			/* "ftx@localhost" */
	char *sendmail_path;		/* "/usr/sbin/sendmail" */
	int mail_timeout;		/* 20 s a send may take, 1..25 */

	/* [csv] */
	int formula_guard;		/* 1 */
	int bom;			/* 0 */
	int gzip_level;			/* 6, 1..9 */

	/* [log] */
	int log_level;			/* syslog priority, LOG_INFO */
	int log_facility;		/* syslog facility, LOG_DAEMON */

	/* [webhooks] (SPEC §14) */
	int webhook_timeout;		/* 10 s a delivery may take, 1..60 */
	int webhook_max_attempts;	/* 12 attempts per endpoint, 1..50 */
	int webhook_retry_delay;	/* 60 s, first backoff, doubled each try */
	int webhook_retry_max;		/* 28800 s, longest backoff */
	int webhook_allow_private;	/* 0: refuse private addresses */
};

/* Default configuration path: $FTX_CONFIG if set, else SYSCONFDIR/ftx/ftx.conf.
 * Never NULL; the string is static or from the environment. */
const char *ftx_config_default_path(void);

/* Fills *cfg with every default.  Strings are heap copies owned by *cfg.
 * Returns 0, or -1 when out of memory. */
int ftx_config_init(struct ftx_config *cfg);

/* Reads PATH into *cfg: defaults first, then every key of the file.  On
 * error returns -1, leaves *cfg zeroed (nothing to free) and writes one line
 * "PATH:LINE: message" (or "PATH: message") into err[errlen].  0 on success. */
int ftx_config_load(struct ftx_config *cfg, const char *path, char *err,
    size_t errlen);

/* The same, reading the already open fp (not closed); path only names it
 * in messages.  No other I/O: the fuzz target feeds it memory. */
int ftx_config_load_stream(struct ftx_config *cfg, FILE *fp,
    const char *path, char *err, size_t errlen);

/* Frees the strings of *cfg and zeroes it.  cfg may be NULL. */
void ftx_config_free(struct ftx_config *cfg);

#endif /* FTX_CONFIG_H */
