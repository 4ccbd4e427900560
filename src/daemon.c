/*
 * daemon.c - detaching, readiness pipe, pidfile, signals, and giving up
 * root for the account named with -u or "user =".
 */
#define _GNU_SOURCE		/* pipe2 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"

static int ready_fd = -1;

int
ftx_daemon_detach(void)
{
	int pfd[2], devnull;
	pid_t pid;
	ssize_t n;
	char c = 0;

	/* Close-on-exec: nothing the daemon runs (sendmail) holds the shell. */
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		ftx_log_errno("pipe");
		return -1;
	}
	if ((pid = fork()) == -1) {
		ftx_log_errno("fork");
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid > 0) {
		/* The shell's process: wait for "ready" or for the pipe to close. */
		close(pfd[1]);
		do
			n = read(pfd[0], &c, 1);
		while (n == -1 && errno == EINTR);
		_exit(n == 1 && c == 'R' ? 0 : 1);
	}
	close(pfd[0]);
	ready_fd = pfd[1];
	if (setsid() == -1)
		ftx_log_errno("setsid");
	if (chdir("/") == -1)
		ftx_log_errno("chdir /");
	if ((devnull = open("/dev/null", O_RDWR)) != -1) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return 0;
}

void
ftx_daemon_ready(void)
{
	if (ready_fd == -1)
		return;
	while (write(ready_fd, "R", 1) == -1 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

void
ftx_daemon_child(void)
{
	if (ready_fd != -1) {
		close(ready_fd);
		ready_fd = -1;
	}
}

static pid_t
pidfile_read(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || (*end != '\n' && *end != '\0'))
		return -1;
	return (pid_t)pid;
}

int
ftx_pidfile_check(const char *path)
{
	pid_t old = pidfile_read(path);

	if (old > 0 && old != getpid() && (kill(old, 0) == 0 || errno == EPERM)) {
		log_err("%s: already running as pid %ld", path, (long)old);
		return -1;
	}
	return 0;
}

int
ftx_pidfile_create(const char *path)
{
	char buf[32], tmp[4096];
	int fd, len;

	if (ftx_pidfile_check(path) == -1)
		return -1;
	/* Write a temporary file and rename it: readers never see half a pid. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		log_err("%s: path too long", path);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		ftx_log_errno("%s", tmp);
		return -1;
	}
	if (write(fd, buf, len) != len || close(fd) == -1) {
		ftx_log_errno("%s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		ftx_log_errno("rename %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
ftx_pidfile_remove(const char *path)
{
	if (path != NULL && pidfile_read(path) == getpid())
		unlink(path);
}

int
ftx_signals_install(void (*handler)(int), const int *signals)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: accept() and poll() see EINTR */
	for (; *signals != 0; signals++)
		if (sigaction(*signals, &sa, NULL) == -1) {
			ftx_log_errno("sigaction %d", *signals);
			return -1;
		}
	return 0;
}

static void
usage(const char *name)
{
	fprintf(stderr, "usage: %s [-ftV] [-c config] [-p pidfile] [-u user]\n",
	    name);
	exit(2);
}

/* The section of the daemon's "user =": [fcgi] for ftx-fcgi, else
 * [exportd]. */
static const char *
user_section(const struct ftx_daemon *d)
{
	return strcmp(d->name, "ftx-fcgi") == 0 ? "fcgi" : "exportd";
}

static const char *
config_user(const struct ftx_daemon *d, const struct ftx_config *cfg)
{
	return strcmp(user_section(d), "fcgi") == 0 ? cfg->fcgi_user :
	    cfg->exportd_user;
}

/* Settles d->user, d->uid and d->gid: -1 with the reason on stderr when
 * the daemon must not start as it is. */
static int
resolve_user(struct ftx_daemon *d)
{
	const char *section = user_section(d);
	const char *cfg_user = config_user(d, &d->cfg);
	struct passwd *pw;

	d->uid = (uid_t)-1;
	d->gid = (gid_t)-1;
	if (d->user == NULL && cfg_user != NULL && *cfg_user != '\0' &&
	    (d->user = strdup(cfg_user)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", d->name);
		return -1;
	}
	if (d->user == NULL) {
		if (geteuid() != 0)
			return 0;
		fprintf(stderr, "%s: refusing to run as root: name the account "
		    "to switch to after binding (-u USER, or \"user =\" in "
		    "[%s])\n", d->name, section);
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(d->user)) == NULL) {
		fprintf(stderr, "%s: user %s: %s\n", d->name, d->user,
		    errno != 0 ? strerror(errno) : "no such account");
		return -1;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, "%s: user %s: refusing to run as root\n",
		    d->name, d->user);
		return -1;
	}
	if (geteuid() != 0 && (getuid() != pw->pw_uid ||
	    geteuid() != pw->pw_uid)) {
		fprintf(stderr, "%s: cannot switch to user %s: not running "
		    "as root\n", d->name, d->user);
		return -1;
	}
	if (geteuid() == 0) {
		d->uid = pw->pw_uid;
		d->gid = pw->pw_gid;
	}
	return 0;
}

/* Becomes d->user for good, when started as root.  0 or -1. */
static int
drop_root(struct ftx_daemon *d)
{
	if (d->uid == (uid_t)-1)
		return 0;
	if (initgroups(d->user, d->gid) == -1 || setgid(d->gid) == -1 ||
	    setuid(d->uid) == -1) {
		ftx_log_errno("cannot switch to user %s", d->user);
		return -1;
	}
	if (setuid(0) != -1 || seteuid(0) != -1 || getuid() != d->uid ||
	    geteuid() != d->uid || getgid() != d->gid || getegid() != d->gid) {
		log_err("switching to user %s left root within reach", d->user);
		return -1;
	}
	log_info("running as user %s", d->user);
	return 0;
}

void
ftx_daemon_init(struct ftx_daemon *d, const char *name, int argc,
    char *argv[])
{
	char err[512];
	int ch, test_only = 0;

	d->name = name;
	d->config_path = ftx_config_default_path();
	while ((ch = getopt(argc, argv, "c:fp:tu:Vh")) != -1) {
		switch (ch) {
		case 'c':
			d->config_path = optarg;
			break;
		case 'f':
			d->foreground = 1;
			break;
		case 'p':
			d->pidfile = optarg;
			break;
		case 't':
			test_only = 1;
			break;
		case 'u':
			free(d->user);
			if ((d->user = strdup(optarg)) == NULL)
				exit(1);
			break;
		case 'V':
			printf("%s %s\n", name, PACKAGE_VERSION);
			exit(0);
		default:
			usage(name);
		}
	}
	if (optind != argc)
		usage(name);
	if (ftx_config_load(&d->cfg, d->config_path, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(1);
	}
	if (test_only) {
		printf("%s: %s: configuration OK\n", name, d->config_path);
		ftx_config_free(&d->cfg);
		exit(0);
	}
	if (resolve_user(d) == -1) {
		ftx_config_free(&d->cfg);
		exit(1);
	}
	/* Until detached, errors go to the terminal. */
	ftx_log_open(name, 1, d->cfg.log_level, d->cfg.log_facility);
	signal(SIGPIPE, SIG_IGN);
	if (d->pidfile != NULL && ftx_pidfile_check(d->pidfile) == -1) {
		ftx_config_free(&d->cfg);
		exit(1);
	}
}

int
ftx_daemon_start(struct ftx_daemon *d)
{
	if (!d->foreground) {
		if (ftx_daemon_detach() == -1)
			return -1;
		ftx_log_open(d->name, 0, d->cfg.log_level, d->cfg.log_facility);
	}
	if (drop_root(d) == -1)
		return -1;
	if (d->pidfile != NULL && ftx_pidfile_create(d->pidfile) == -1)
		return -1;
	return 0;
}

int
ftx_daemon_reload(struct ftx_daemon *d)
{
	struct ftx_config cfg;
	char err[512];

	if (ftx_config_load(&cfg, d->config_path, err, sizeof(err)) == -1) {
		log_err("reload refused, keeping the running configuration: %s",
		    err);
		return -1;
	}
	if (strcmp(config_user(d, &cfg), config_user(d, &d->cfg)) != 0)
		log_warning("[%s] user changed: it takes effect at the next "
		    "start, not on reload", user_section(d));
	ftx_config_free(&d->cfg);
	d->cfg = cfg;
	ftx_log_open(d->name, d->foreground, d->cfg.log_level,
	    d->cfg.log_facility);
	log_notice("configuration reloaded from %s", d->config_path);
	return 0;
}

void
ftx_daemon_fini(struct ftx_daemon *d)
{
	ftx_pidfile_remove(d->pidfile);
	log_notice("exiting");
	ftx_config_free(&d->cfg);
	free(d->user);
	d->user = NULL;
	ftx_log_close();
}
