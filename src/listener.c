/*
 * listener.c - LISTEN ftx_export on the right session, or polling.
 */
#include <sys/select.h>

#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "listener.h"
#include "log.h"
#include "pool.h"

struct ftx_listener {
	const struct ftx_config	*cfg;
	struct ftx_db		*db;		/* ctl, own, or NULL: polls */
	struct ftx_db		*own;		/* on listen_conninfo */
	PGconn			*listening;	/* db's conn with LISTEN */
	unsigned long		 listen_gen;	/* its ftx_db_generation() */
};

struct ftx_listener *
ftx_listener_new(const struct ftx_config *cfg, struct ftx_db *ctl)
{
	struct ftx_listener *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->cfg = cfg;
	if (cfg->listen_conninfo[0] != '\0') {
		/* Named statements never run on it: LISTEN only. */
		if ((l->own = ftx_db_new(cfg->listen_conninfo,
		    "ftx-exportd-listen")) == NULL) {
			free(l);
			return NULL;
		}
		l->db = l->own;
	} else if (cfg->prepared_statements)
		l->db = ctl;
	else {
		l->db = NULL;
		log_info("no listen_conninfo behind a pooler: looking at the "
		    "queue every %d s", cfg->poll_interval);
	}
	return l;
}

void
ftx_listener_free(struct ftx_listener *l)
{
	if (l == NULL)
		return;
	ftx_db_free(l->own);
	free(l);
}

/* Keeps LISTEN active across reconnections of the session. */
static void
ensure_listening(struct ftx_listener *l)
{
	PGconn *conn = ftx_db_conn(l->db);
	PGresult *res;

	if (conn == NULL || (conn == l->listening &&
	    ftx_db_generation(l->db) == l->listen_gen))
		return;
	l->listening = NULL;
	res = PQexec(conn, "LISTEN ftx_export; LISTEN ftx_webhook");
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		l->listening = conn;
		l->listen_gen = ftx_db_generation(l->db);
	}
	PQclear(res);
}

/* 1 when fd (-1: none) became readable within seconds, 0 after the time,
 * a stop signal, or when the daemon is stopping already.  The stop is
 * checked with SIGTERM and SIGINT blocked and waited for with them open
 * (pselect), so that a stop arriving in between ends the wait at once
 * instead of being slept through. */
static int
wait_readable(int fd, int seconds)
{
	struct timespec ts = { seconds, 0 };
	sigset_t stop, old;
	fd_set rfds;
	int n = 0;

	if (fd >= FD_SETSIZE) {
		sleep(1);
		return 0;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (!ftx_pool_stopping()) {
		FD_ZERO(&rfds);
		if (fd >= 0)
			FD_SET(fd, &rfds);
		n = pselect(fd + 1, fd >= 0 ? &rfds : NULL, NULL, NULL, &ts,
		    &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return n > 0;
}

static void
drain(PGconn *conn)
{
	PGnotify *n;

	while ((n = PQnotifies(conn)) != NULL)
		PQfreemem(n);
}

void
ftx_listener_wait(struct ftx_listener *l, int seconds)
{
	PGnotify *n;

	if (seconds < 1 || seconds > l->cfg->poll_interval)
		seconds = seconds < 1 ? 1 : l->cfg->poll_interval;
	if (l->db == NULL) {
		(void)wait_readable(-1, seconds);
		return;
	}
	ensure_listening(l);
	if (l->listening == NULL || ftx_db_conn(l->db) != l->listening ||
	    ftx_db_generation(l->db) != l->listen_gen) {
		(void)wait_readable(-1, 1);	/* database down: retry soon */
		return;
	}
	/* Notifications already read (ftx_db_conn may have) mean work. */
	if ((n = PQnotifies(l->listening)) != NULL) {
		PQfreemem(n);
		drain(l->listening);
		return;
	}
	if (wait_readable(PQsocket(l->listening), seconds))
		PQconsumeInput(l->listening);
	drain(l->listening);
}
