/*
 * db.c - one PostgreSQL connection with failure detection and backoff.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include <libpq-fe.h>

#include "clock.h"
#include "db.h"
#include "log.h"

#define STMT_CACHE	64	/* prepared statements kept per connection */
#define SLOW_CONNECT_MS	100	/* a failed attempt this slow starts backoff */

/* A statement prepared on the current connection, found by its text. */
struct stmt {
	char		*sql;
	unsigned	 hash;
	int		 nparams;
};

struct ftx_db {
	struct stmt	 stmts[STMT_CACHE];
	int		 nstmts;
	char		*conninfo;
	char		*appname;
	PGconn		*conn;
	int		 backoff_min_ms;
	int		 backoff_max_ms;
	int		 backoff_ms;	/* current delay after a failure, 0 = none */
	int64_t		 retry_at_ms;	/* no connect attempt before this time */
	int		 was_down;	/* log the recovery once */
};

struct ftx_db *
ftx_db_new(const char *conninfo, const char *appname)
{
	struct ftx_db *db;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	db->conninfo = strdup(conninfo != NULL ? conninfo : "");
	db->appname = strdup(appname != NULL ? appname : "ftx");
	if (db->conninfo == NULL || db->appname == NULL) {
		ftx_db_free(db);
		return NULL;
	}
	db->backoff_min_ms = 100;
	db->backoff_max_ms = 2000;
	return db;
}

/* Prepared statements die with their connection. */
static void
forget_statements(struct ftx_db *db)
{
	int i;

	for (i = 0; i < db->nstmts; i++)
		free(db->stmts[i].sql);
	db->nstmts = 0;
}

static unsigned
sql_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void
ftx_db_free(struct ftx_db *db)
{
	if (db == NULL)
		return;
	forget_statements(db);
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db->appname);
	free(db);
}

void
ftx_db_set_backoff(struct ftx_db *db, int min_ms, int max_ms)
{
	db->backoff_min_ms = min_ms > 0 ? min_ms : 1;
	db->backoff_max_ms = max_ms >= db->backoff_min_ms ? max_ms :
	    db->backoff_min_ms;
}

void
ftx_db_disconnect(struct ftx_db *db)
{
	forget_statements(db);
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->retry_at_ms = 0;
	db->backoff_ms = 0;
}

/* Libpq notices (e.g. "relation already exists, skipping") go to debug. */
static void
notice_to_log(void *arg, const char *message)
{
	size_t len = strlen(message);

	(void)arg;
	if (len > 0 && message[len - 1] == '\n')
		len--;
	log_debug("postgresql: %.*s", (int)len, message);
}

static void
schedule_retry(struct ftx_db *db)
{
	if (db->backoff_ms == 0)
		db->backoff_ms = db->backoff_min_ms;
	else if ((db->backoff_ms *= 2) > db->backoff_max_ms)
		db->backoff_ms = db->backoff_max_ms;
	db->retry_at_ms = ftx_clock_ms() + db->backoff_ms;
}

static void
first_line(const char *msg, char *buf, size_t len)
{
	size_t n = strcspn(msg, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, msg, n);
	buf[n] = '\0';
}

/*
 * connect_now: connection parameters come from the configured conninfo
 * (expanded as "dbname"); defaults listed before it apply only when the
 * conninfo does not set them itself.
 */
static int
connect_now(struct ftx_db *db)
{
	const char *const keys[] = { "connect_timeout",
	    "fallback_application_name", "dbname", NULL };
	const char *const values[] = { "3", db->appname, db->conninfo, NULL };
	int64_t started = ftx_clock_ms();
	char msg[256];
	PGresult *res;

	forget_statements(db);
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		first_line(db->conn != NULL ? PQerrorMessage(db->conn) :
		    "out of memory", msg, sizeof(msg));
		if (!db->was_down)
			log_err("database unavailable: %s", msg);
		goto fail;
	}
	PQsetNoticeProcessor(db->conn, notice_to_log, NULL);
	/* Every statement the service prepares is driven by an index chosen
	 * by its shape, not its values: a generic plan is made once per
	 * connection instead of a custom one per execution. */
	res = PQexec(db->conn, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; "
	    "SET plan_cache_mode = 'force_generic_plan'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		first_line(PQerrorMessage(db->conn), msg, sizeof(msg));
		log_err("database session setup failed: %s", msg);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (db->was_down)
		log_notice("database connection re-established");
	db->was_down = 0;
	db->backoff_ms = 0;
	db->retry_at_ms = 0;
	return 0;
fail:
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->was_down = 1;
	/* Backoff spares requests the wait of slow attempts (an unreachable
	 * host: connect_timeout).  A refusal costs nothing: the next request
	 * tries again, so every responder is back as soon as the server is. */
	if (ftx_clock_ms() - started >= SLOW_CONNECT_MS)
		schedule_retry(db);
	else
		db->retry_at_ms = 0;
	return -1;
}

/*
 * An idle connection has nothing to read: if its socket is readable, the
 * server closed it (a restart sends a FATAL first) or sent notifications.
 * Reading it now tells which, so a dead connection is replaced before a
 * query is lost on it.  Notifications stay queued for PQnotifies().
 */
static int
idle_connection_alive(PGconn *conn)
{
	struct pollfd pfd;

	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		return 1;
	pfd.fd = PQsocket(conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) <= 0)
		return 1;
	return PQconsumeInput(conn) && PQstatus(conn) == CONNECTION_OK;
}

PGconn *
ftx_db_conn(struct ftx_db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    idle_connection_alive(db->conn))
		return db->conn;
	if (db->conn != NULL && !db->was_down) {
		log_err("database connection lost");
		db->was_down = 1;
	}
	if (db->conn != NULL) {
		/* Broke since the last query: reconnect at once, once. */
		PQfinish(db->conn);
		db->conn = NULL;
	} else if (db->retry_at_ms != 0 && ftx_clock_ms() < db->retry_at_ms)
		return NULL;
	if (connect_now(db) == -1)
		return NULL;
	return db->conn;
}

/*
 * Runs sql as a statement prepared on this connection: PostgreSQL parses
 * and plans a query text once per connection instead of once per request.
 * Texts beyond the cache run unprepared, as do texts that fail to prepare
 * (their error then comes from the execution itself).
 */
static PGresult *
run(struct ftx_db *db, PGconn *conn, const char *sql, int n,
    const char *const *params)
{
	unsigned h = sql_hash(sql);
	char name[16];
	PGresult *res;
	int i;

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].hash == h && db->stmts[i].nparams == n &&
		    strcmp(db->stmts[i].sql, sql) == 0)
			goto prepared;
	if (db->nstmts == STMT_CACHE)
		return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	snprintf(name, sizeof(name), "ftx%d", db->nstmts);
	res = PQprepare(conn, name, sql, n, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	}
	PQclear(res);
	if ((db->stmts[i].sql = strdup(sql)) == NULL) {
		/* Prepared but not remembered: run it once by name. */
		return PQexecPrepared(conn, name, n, params, NULL, NULL, 0);
	}
	db->stmts[i].hash = h;
	db->stmts[i].nparams = n;
	db->nstmts++;
prepared:
	snprintf(name, sizeof(name), "ftx%d", i);
	return PQexecPrepared(conn, name, n, params, NULL, NULL, 0);
}

PGresult *
ftx_db_query(struct ftx_db *db, const char *sql, int n,
    const char *const *params)
{
	PGconn *conn;
	PGresult *res;
	char msg[256];

	if ((conn = ftx_db_conn(db)) == NULL)
		return NULL;
	res = run(db, conn, sql, n, params);
	if (PQstatus(conn) != CONNECTION_OK) {
		first_line(PQerrorMessage(conn), msg, sizeof(msg));
		log_err("database connection lost: %s", msg);
		PQclear(res);
		PQfinish(db->conn);
		db->conn = NULL;
		db->was_down = 1;	/* the next call reconnects at once */
		return NULL;
	}
	if (res == NULL)
		return NULL;
	if (!ftx_db_ok(res)) {
		first_line(PQresultErrorMessage(res), msg, sizeof(msg));
		log_debug("query failed: %s", msg);
	}
	return res;
}

int
ftx_db_ok(const PGresult *res)
{
	ExecStatusType st;

	if (res == NULL)
		return 0;
	st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

int
ftx_db_sqlstate_is(const PGresult *res, const char *sqlstate)
{
	const char *s;

	if (res == NULL)
		return 0;
	s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	return s != NULL && strcmp(s, sqlstate) == 0;
}
