/*
 * pool.h - the pre-forked FastCGI responder pool.
 *
 * A master owns the listening socket and forks N children, each running the
 * FastCGI accept loop (ftx-fcgi) or a loop of the caller's (the workers of
 * ftx-exportd, which have no socket).  The master replaces children that die, recycles a
 * child after max_requests, stops gracefully on SIGTERM/SIGINT (children
 * finish the request in hand), and on SIGHUP reloads through a hook and
 * replaces every child by a new one started with the new settings.
 */
#ifndef FTX_POOL_H
#define FTX_POOL_H

#include <sys/types.h>

#include <fcgiapp.h>

struct ftx_pool_settings {
	int	children;	/* 1..256 */
	int	max_requests;	/* per child, 0 = unlimited */
	int	request_timeout; /* s from accept() to a complete request */
};

struct ftx_pool_hooks {
	void	*arg;		/* passed to every hook */
	/* Master, on SIGHUP: re-read the configuration and update *settings.
	 * 0 restarts every child with it; -1 keeps the old (logged there). */
	int	(*reload)(void *arg, struct ftx_pool_settings *settings);
	/* Child, after fork: per-child setup.  -1 makes the child exit. */
	int	(*child_init)(void *arg);
	/* Child: answer one request (the pool finishes it afterwards). */
	void	(*handle)(void *arg, FCGX_Request *req);
	/* Child without a socket: runs until ftx_pool_stopping() is true,
	 * then returns.  Used instead of handle when listen_fd is -1. */
	void	(*run)(void *arg);
	/* Child, before it exits. */
	void	(*child_fini)(void *arg);
};

/* Opens the listening socket.  spec "" means the socket inherited on fd 0
 * (from the web server, spawn-fcgi or mod_fcgid); "/abs/path" a unix socket
 * (a stale socket file is replaced) created with mode (0..0777) and, unless
 * owner is (uid_t)-1, given to owner; "host:port" or "[v6]:port" a TCP
 * socket.  Returns the fd, or -1 with the reason logged. */
int ftx_pool_listen(const char *spec, int backlog, int mode, uid_t owner);

/* In a child: 1 once the master asked it to stop (SIGTERM, reload) or died,
 * else 0.  Long work checks it and winds down. */
int ftx_pool_stopping(void);

/* Runs the master until SIGTERM or SIGINT; returns 0 after every child has
 * exited, -1 if the pool could not start.  Calls ftx_daemon_ready() once
 * the first children run. */
int ftx_pool_run(int listen_fd, const struct ftx_pool_settings *settings,
    const struct ftx_pool_hooks *hooks);

#endif /* FTX_POOL_H */
