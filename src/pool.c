/*
 * pool.c - master and children of the FastCGI responder pool.
 *
 * Signals only set flags.  The master sleeps in pselect() with every signal
 * blocked except during the wait, so no flag is missed.  Children accept()
 * connections themselves, with SO_RCVTIMEO set on the listening socket, so
 * they notice a stop request or the master's death within ACCEPT_TIMEOUT_S
 * even when the signal lands just before accept().  Their stop handler has
 * SA_RESTART: accept() with a timeout, poll() and sleeps still return at
 * once (they are never restarted), but a read of a request already
 * accepted is not cut short by a reload.
 *
 * What bounds such a read is the request deadline: from accept() on, a
 * connection has request_timeout seconds to deliver its whole request
 * (parameters and body).  A one-shot SIGALRM then shuts the read side of
 * the connection down, the blocked read() returns end-of-file, libfcgi
 * drops the request and the child goes back to accept().  A stalled client
 * holds a child that long, never longer.  libfcgi is handed the accepted
 * connection (and no listening socket, so it never accepts one itself
 * without the deadline).
 */
#define _GNU_SOURCE		/* accept4 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <sys/time.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "pool.h"

#define MAX_CHILDREN		256
#define MAX_SLOTS		(2 * MAX_CHILDREN)	/* old + new during reload */
#define ACCEPT_TIMEOUT_S	1
#define STOP_TIMEOUT_S		30	/* then SIGKILL */
#define CRASH_WINDOW_MS		2000	/* a child dying this young... */
#define RESPAWN_DELAY_MS	1000	/* ...delays the next fork */

struct child {
	pid_t		pid;		/* 0 = free slot */
	unsigned	gen;		/* configuration generation */
	int64_t		started_ms;
	int		stopping;	/* SIGTERM sent */
};

static volatile sig_atomic_t got_chld, got_hup, got_term;
static volatile sig_atomic_t child_stop;
static volatile sig_atomic_t deadline_fd = -1;	/* connection on the clock */
static volatile sig_atomic_t deadline_hit;	/* its deadline passed */
static pid_t child_master;	/* in a child: the master's pid */

/* ---- the listening socket ---- */

static int
listen_unix(const char *path, int backlog, int mode, uid_t owner)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;
	mode_t old_umask;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("listen %s: path longer than %zu bytes", path,
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		ftx_log_errno("socket");
		return -1;
	}
	/* Replace a socket left by a previous run, never another file, and
	 * never the socket of a server still answering on it. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("listen %s: exists and is not a socket", path);
			close(fd);
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			log_err("listen %s: another server is listening there",
			    path);
			close(fd);
			return -1;
		}
		close(fd);
		unlink(path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
			ftx_log_errno("socket");
			return -1;
		}
	}
	/* Created with the mode asked for, never wider for a moment. */
	old_umask = umask(~(mode_t)mode & 0777);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old_umask);
		ftx_log_errno("bind %s", path);
		close(fd);
		return -1;
	}
	umask(old_umask);
	/* The account the daemon switches to owns it; the group is the
	 * directory's (set-group-id) or ours. */
	if (owner != (uid_t)-1 && chown(path, owner, (gid_t)-1) == -1) {
		ftx_log_errno("chown %s", path);
		unlink(path);
		close(fd);
		return -1;
	}
	if (listen(fd, backlog) == -1) {
		ftx_log_errno("listen %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
listen_tcp(const char *spec, int backlog)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	const char *colon, *h, *port;
	size_t hlen;
	int fd = -1, on = 1, rc;

	if ((colon = strrchr(spec, ':')) == NULL || colon[1] == '\0') {
		log_err("listen %s: expected /path, host:port or [v6]:port",
		    spec);
		return -1;
	}
	h = spec;
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		log_err("listen %s: bad host", spec);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	port = colon + 1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_err("listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, backlog) == 0)
			break;
		ftx_log_errno("listen %s", spec);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
ftx_pool_listen(const char *spec, int backlog, int mode, uid_t owner)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (spec == NULL || *spec == '\0') {
		/* The FastCGI convention: the listening socket is fd 0. */
		if (getsockname(STDIN_FILENO, (struct sockaddr *)&ss, &len) == -1) {
			log_err("[fcgi] listen is empty and fd 0 is not a socket "
			    "(run under a web server or spawn-fcgi, or set listen)");
			return -1;
		}
		return STDIN_FILENO;
	}
	if (spec[0] == '/')
		return listen_unix(spec, backlog, mode, owner);
	return listen_tcp(spec, backlog);
}

/* ---- signals ---- */

static void
master_signal(int sig)
{
	switch (sig) {
	case SIGCHLD:
		got_chld = 1;
		break;
	case SIGHUP:
		got_hup = 1;
		break;
	default:
		got_term = 1;
		break;
	}
}

static void
child_signal(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* Shuts the read side of the connection on the clock down: its blocked
 * read() returns end-of-file.  libfcgi closes a connection as the last step
 * of a call, and the clock is stopped right after that call, before
 * anything opens a file: the number never names another file. */
static void
deadline_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (deadline_fd >= 0 && shutdown(deadline_fd, SHUT_RD) == 0)
		deadline_hit = 1;
	errno = saved;
}

/* ---- a child ---- */

/* Starts the clock of connection fd (seconds > 0), or stops it (fd -1). */
static void
deadline_set(int fd, int seconds)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (fd == -1) {
		setitimer(ITIMER_REAL, &it, NULL);
		deadline_fd = -1;
		return;
	}
	deadline_hit = 0;
	deadline_fd = fd;
	it.it_value.tv_sec = seconds;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Accepts one connection: its fd, or -1 (nothing came within
 * ACCEPT_TIMEOUT_S, a signal, or an error worth a debug line). */
static int
accept_conn(int listen_fd)
{
	struct timeval none = { 0, 0 };
	int fd, on = 1;

	if ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			log_debug("accept: %s", strerror(errno));
		return -1;
	}
	/* The connection inherited the listening socket's timeout, meant
	 * for accept() only: with it a signal would cut a read short. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	/* Answers go out whole: no Nagle delay on TCP (fails on unix). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

/* Reads the next request on req's connection (accepting one first if
 * none is open) within timeout seconds.  0, or -1 when no request came
 * (libfcgi then closed the connection). */
static int
next_request(int listen_fd, FCGX_Request *req, int timeout)
{
	if (req->ipcFd < 0 && (req->ipcFd = accept_conn(listen_fd)) < 0)
		return -1;
	/* FCGX_Accept_r first finishes the previous request and closes its
	 * connection unless kept: this one is ours and must stay open. */
	req->keepConnection = 1;
	deadline_set(req->ipcFd, timeout);
	if (FCGX_Accept_r(req) < 0) {
		deadline_set(-1, 0);
		if (deadline_hit)
			log_warning("connection dropped: no complete request "
			    "within %d s", timeout);
		else
			log_debug("connection closed without a request");
		return -1;
	}
	return 0;
}

int
ftx_pool_stopping(void)
{
	return child_stop || getppid() != child_master;
}

static void
child_main(int listen_fd, const struct ftx_pool_settings *set, pid_t master,
    const struct ftx_pool_hooks *hooks)
{
	struct sigaction sa;
	FCGX_Request req;
	sigset_t stopset, none;
	long served = 0;

	ftx_daemon_child();
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&none);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigprocmask(SIG_SETMASK, &none, NULL);
	child_master = master;

	if (hooks->child_init != NULL && hooks->child_init(hooks->arg) == -1)
		_exit(1);
	if (listen_fd == -1) {
		hooks->run(hooks->arg);
		if (hooks->child_fini != NULL)
			hooks->child_fini(hooks->arg);
		_exit(0);
	}
	sa.sa_handler = deadline_signal;
	sigaction(SIGALRM, &sa, NULL);
	/* No listening socket for libfcgi: the pool accepts (next_request). */
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, -1, 0) != 0) {
		log_err("FastCGI initialisation failed");
		_exit(1);
	}
	while (!ftx_pool_stopping()) {
		if (next_request(listen_fd, &req, set->request_timeout) == -1)
			continue;
		/* A stop request waits until this request is answered; the
		 * deadline stays on until libfcgi has closed the connection
		 * (its close drains what the client still sends). */
		sigprocmask(SIG_BLOCK, &stopset, NULL);
		hooks->handle(hooks->arg, &req);
		FCGX_Finish_r(&req);
		deadline_set(-1, 0);
		/* Harmless once the whole request was read (answers still
		 * go out); else its body was cut short, and answered so. */
		if (deadline_hit)
			log_info("request_timeout (%d s) passed while the request "
			    "was in hand: its input side was shut down",
			    set->request_timeout);
		sigprocmask(SIG_UNBLOCK, &stopset, NULL);
		if (set->max_requests > 0 && ++served >= set->max_requests) {
			log_debug("recycling after %ld requests", served);
			break;
		}
	}
	FCGX_Free(&req, 1);
	if (hooks->child_fini != NULL)
		hooks->child_fini(hooks->arg);
	_exit(0);
}

/* ---- the master ---- */

struct pool {
	int				 listen_fd;
	struct ftx_pool_settings	 set;
	const struct ftx_pool_hooks	*hooks;
	struct child			 slots[MAX_SLOTS];
	unsigned			 gen;
	int64_t				 next_spawn_ms;
	pid_t				 master;
};

static int
spawn(struct pool *p, struct child *c)
{
	pid_t pid;

	if ((pid = fork()) == -1) {
		ftx_log_errno("fork");
		return -1;
	}
	if (pid == 0)
		child_main(p->listen_fd, &p->set, p->master, p->hooks);
	c->pid = pid;
	c->gen = p->gen;
	c->started_ms = ftx_clock_ms();
	c->stopping = 0;
	log_debug("started child %ld", (long)pid);
	return 0;
}

static struct child *
find_slot(struct pool *p, pid_t pid)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (p->slots[i].pid == pid)
			return &p->slots[i];
	return NULL;
}

static void
reap(struct pool *p)
{
	struct child *c;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = find_slot(p, pid)) == NULL)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_debug("child %ld exited", (long)pid);
		else if (WIFSIGNALED(status) && c->stopping &&
		    WTERMSIG(status) == SIGTERM)
			log_debug("child %ld stopped", (long)pid);
		else {
			if (WIFSIGNALED(status))
				log_warning("child %ld killed by signal %d",
				    (long)pid, WTERMSIG(status));
			else
				log_warning("child %ld exited with status %d",
				    (long)pid, WEXITSTATUS(status));
			if (ftx_clock_ms() - c->started_ms < CRASH_WINDOW_MS)
				p->next_spawn_ms = ftx_clock_ms() + RESPAWN_DELAY_MS;
		}
		c->pid = 0;
	}
}

/* Starts or stops children so that exactly set.children of the current
 * generation run; stops every child of an older generation. */
static void
maintain(struct pool *p)
{
	int i, current = 0;

	for (i = 0; i < MAX_SLOTS; i++) {
		struct child *c = &p->slots[i];

		if (c->pid == 0 || c->stopping)
			continue;
		if (c->gen != p->gen || current == p->set.children) {
			kill(c->pid, SIGTERM);
			c->stopping = 1;
		} else
			current++;
	}
	if (ftx_clock_ms() < p->next_spawn_ms)
		return;
	for (i = 0; i < MAX_SLOTS && current < p->set.children; i++)
		if (p->slots[i].pid == 0) {
			if (spawn(p, &p->slots[i]) == -1) {
				p->next_spawn_ms = ftx_clock_ms() + RESPAWN_DELAY_MS;
				return;
			}
			current++;
		}
}

static int
live_children(const struct pool *p)
{
	int i, n = 0;

	for (i = 0; i < MAX_SLOTS; i++)
		n += p->slots[i].pid != 0;
	return n;
}

static void
signal_all(struct pool *p, int sig)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++)
		if (p->slots[i].pid != 0) {
			kill(p->slots[i].pid, sig);
			p->slots[i].stopping = 1;
		}
}

/* Waits (with signals open) for up to ms milliseconds. */
static void
wait_signal(int64_t ms, const sigset_t *open)
{
	struct timespec ts;

	if (ms < 0)
		ms = 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	pselect(0, NULL, NULL, NULL, &ts, open);
}

static void
stop_children(struct pool *p, const sigset_t *open)
{
	int64_t deadline = ftx_clock_ms() + STOP_TIMEOUT_S * 1000;

	signal_all(p, SIGTERM);
	while (live_children(p) > 0 && ftx_clock_ms() < deadline) {
		wait_signal(200, open);
		reap(p);
	}
	if (live_children(p) > 0) {
		log_warning("%d children did not stop within %d s, killing",
		    live_children(p), STOP_TIMEOUT_S);
		signal_all(p, SIGKILL);
		while (live_children(p) > 0) {
			wait_signal(100, open);
			reap(p);
		}
	}
}

int
ftx_pool_run(int listen_fd, const struct ftx_pool_settings *settings,
    const struct ftx_pool_hooks *hooks)
{
	static const int sigs[] = { SIGCHLD, SIGHUP, SIGTERM, SIGINT, 0 };
	static struct pool p;
	struct timeval tv = { ACCEPT_TIMEOUT_S, 0 };
	sigset_t blocked, open;
	int i;

	memset(&p, 0, sizeof(p));
	p.listen_fd = listen_fd;
	p.set = *settings;
	p.hooks = hooks;
	p.master = getpid();
	if (listen_fd != -1 &&
	    setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		ftx_log_errno("setsockopt SO_RCVTIMEO");

	sigemptyset(&blocked);
	for (i = 0; sigs[i] != 0; i++)
		sigaddset(&blocked, sigs[i]);
	sigprocmask(SIG_BLOCK, &blocked, &open);
	for (i = 0; sigs[i] != 0; i++)
		sigdelset(&open, sigs[i]);
	if (ftx_signals_install(master_signal, sigs) == -1)
		return -1;

	maintain(&p);
	if (live_children(&p) == 0) {
		log_err("could not start any child");
		return -1;
	}
	log_notice("started %d %s", p.set.children,
	    listen_fd == -1 ? "workers" : "responders");
	ftx_daemon_ready();

	while (!got_term) {
		wait_signal(p.next_spawn_ms > ftx_clock_ms() ?
		    p.next_spawn_ms - ftx_clock_ms() : 1000, &open);
		if (got_chld) {
			got_chld = 0;
			reap(&p);
		}
		if (got_hup) {
			got_hup = 0;
			if (hooks->reload != NULL &&
			    hooks->reload(hooks->arg, &p.set) == 0) {
				p.gen++;
				p.next_spawn_ms = 0;
				log_notice("reloaded: restarting %d children",
				    p.set.children);
			}
		}
		if (!got_term)
			maintain(&p);
	}
	log_notice("stopping");
	stop_children(&p, &open);
	sigprocmask(SIG_UNBLOCK, &blocked, NULL);
	return 0;
}
