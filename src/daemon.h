/*
 * daemon.h - what both daemons need to start and stop like daemons:
 * detaching with a readiness pipe, a pidfile with a stale check, and
 * signal-flag plumbing.
 */
#ifndef FTX_DAEMON_H
#define FTX_DAEMON_H

#include <sys/types.h>

#include <signal.h>

#include "config.h"

/* What both daemons share: name, options, configuration. */
struct ftx_daemon {
	const char		*name;		/* "ftx-fcgi", "ftx-exportd" */
	const char		*config_path;
	const char		*pidfile;	/* NULL = none */
	char			*user;		/* -u, else "user =" of the
						   daemon's section (a copy);
						   NULL = none */
	uid_t			 uid;		/* of user, else -1 */
	gid_t			 gid;		/* of user, else -1 */
	int			 foreground;	/* -f */
	struct ftx_config	 cfg;
};

/* Parses -c -f -p -t -u -V (anything else: usage, exit 2), loads the
 * configuration (exit 1 with the message naming file and line), answers
 * -t ("configuration OK", exit 0) and -V (exit 0), opens the log on
 * stderr, ignores SIGPIPE and refuses to go on (exit 1) when the pidfile
 * names a live process.  The account to run as is -u, else "user =" in
 * [fcgi] (name "ftx-fcgi") or [exportd] (any other name): it must exist
 * and not be root; as root without one, or as another user than it, the
 * daemon refuses to start (exit 1).  Returns only when the daemon is to
 * start; d->uid is then the account that should own what it creates
 * before ftx_daemon_start() (-1: none to give away). */
void ftx_daemon_init(struct ftx_daemon *d, const char *name, int argc,
    char *argv[]);

/* Detaches unless in the foreground (the log moves to syslog), gives up
 * root for d->user (groups, gid, uid, then checks that root cannot be
 * regained), and writes the pidfile as that user.  0 or -1. */
int ftx_daemon_start(struct ftx_daemon *d);

/* Re-reads the configuration file.  On error logs it and keeps the running
 * configuration (-1); else swaps it in and re-opens the log with its level
 * and facility (0). */
int ftx_daemon_reload(struct ftx_daemon *d);

/* Removes the pidfile, frees the configuration, closes the log. */
void ftx_daemon_fini(struct ftx_daemon *d);

/* Forks into the background (fork, setsid, chdir "/", stdio on /dev/null).
 * Returns 0 in the daemon.  The original process does not return: it waits
 * until the daemon calls ftx_daemon_ready() (exit 0) or exits first (exit 1),
 * so a failed start is reported to the shell.  -1 if fork fails. */
int ftx_daemon_detach(void);

/* Tells the waiting shell that start-up succeeded.  No-op in the foreground
 * or when called twice. */
void ftx_daemon_ready(void);

/* In a forked child: closes its copy of the readiness pipe, which only the
 * daemon's main process may write or hold open. */
void ftx_daemon_child(void);

/* Creates path holding our pid.  If it names a live process, logs and
 * returns -1 ("already running"); a stale file is replaced.  0 on success. */
int ftx_pidfile_create(const char *path);

/* 0 if path names no live process (missing or stale), else -1 with
 * "already running" logged.  Lets a daemon refuse to start before it
 * touches anything a running twin uses (its socket). */
int ftx_pidfile_check(const char *path);

/* Removes path if it still holds our pid.  path may be NULL. */
void ftx_pidfile_remove(const char *path);

/* Installs handler for each signal of the 0-terminated list, without
 * SA_RESTART so blocking calls return EINTR.  0 or -1. */
int ftx_signals_install(void (*handler)(int), const int *signals);

#endif /* FTX_DAEMON_H */
