/*
 * db.c - one PostgreSQL connection with failure detection and backoff.
 */
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	int		 doomed;	/* the server said it ends this session */
	int		 in_tx;		/* conn was last seen inside BEGIN */
	int		 lost_tx;	/* conn broke inside BEGIN: see db.h */
	int		 unprepared;	/* prepared_statements = off */
	unsigned long	 generation;	/* connections made so far */
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
ftx_db_set_prepared(struct ftx_db *db, int on)
{
	db->unprepared = !on;
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
	db->in_tx = 0;
	db->lost_tx = 0;	/* dropping the connection ended it */
}

/*
 * Libpq notices (e.g. "relation already exists, skipping") go to debug.  A
 * server that ends the session says so first, out of band while the
 * connection is idle: FATAL "terminating connection due to administrator
 * command" (a fast shutdown), WARNING 57P01 (immediate), 57P02 (another
 * backend crashed), 57P05 (idle timeout).  Such a connection is doomed.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	struct ftx_db *db = arg;
	const char *message = PQresultErrorMessage(res);
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	size_t len = strlen(message);

	if ((sev != NULL && (strcmp(sev, "FATAL") == 0 ||
	    strcmp(sev, "PANIC") == 0)) ||
	    (state != NULL && strncmp(state, "57P", 3) == 0))
		db->doomed = 1;
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
	db->doomed = 0;
	db->in_tx = 0;
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		first_line(db->conn != NULL ? PQerrorMessage(db->conn) :
		    "out of memory", msg, sizeof(msg));
		if (!db->was_down)
			log_err("database unavailable: %s", msg);
		goto fail;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, db);
	/* Every statement the service prepares is driven by an index chosen
	 * by its shape, not its values: a generic plan is made once per
	 * connection instead of a custom one per execution.  Unprepared
	 * (behind a pooler) the setting would stay on a server connection
	 * that other clients get next, and unnamed statements are planned
	 * for their values anyway: not set. */
	res = PQexec(db->conn, db->unprepared ?
	    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'" :
	    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; "
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
	db->generation++;
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
 * Between statements a connection has nothing to read but notifications.
 * Anything else means the server ended the session: its message (see
 * notice_receiver), then end of file, both there before a restarted server
 * accepts connections again.  Reading and parsing them now replaces a dead
 * connection before a statement is lost on it.  PQconsumeInput alone does
 * not tell: it reads the message, leaves the status OK and sees the end of
 * file only on a second read.  Notifications stay queued for PQnotifies().
 */
static int
connection_alive(struct ftx_db *db)
{
	struct pollfd pfd;
	int i;

	if (PQstatus(db->conn) != CONNECTION_OK)
		return 0;
	if (PQtransactionStatus(db->conn) == PQTRANS_ACTIVE)
		return 1;	/* the caller's own COPY or query runs */
	for (i = 0; i < 4 && !db->doomed; i++) {
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) <= 0)
			break;
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL) ||
		    !PQconsumeInput(db->conn))
			return 0;
		(void)PQisBusy(db->conn);	/* parses what was read */
	}
	return !db->doomed && PQstatus(db->conn) == CONNECTION_OK;
}

/* Remembers whether the live connection is inside a transaction block:
 * once it broke, libpq no longer knows. */
static void
note_transaction(struct ftx_db *db)
{
	switch (PQtransactionStatus(db->conn)) {
	case PQTRANS_IDLE:
		db->in_tx = 0;
		break;
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		db->in_tx = 1;
		break;
	default:	/* active: unchanged until the statement ends */
		break;
	}
}

/* The connection broke: drop it.  Inside a transaction the transaction is
 * lost with it (see db.h); otherwise the next call reconnects at once. */
static void
connection_lost(struct ftx_db *db)
{
	char msg[256];

	first_line(PQerrorMessage(db->conn), msg, sizeof(msg));
	if (!db->was_down || db->in_tx)
		log_err("database connection lost%s: %s", db->in_tx ?
		    " inside a transaction" : "", msg[0] != '\0' ? msg :
		    "closed by the server");
	forget_statements(db);
	PQfinish(db->conn);
	db->conn = NULL;
	db->was_down = 1;
	db->retry_at_ms = 0;
	db->lost_tx = db->in_tx;
	db->in_tx = 0;
}

unsigned long
ftx_db_generation(const struct ftx_db *db)
{
	return db->generation;
}

PGconn *
ftx_db_conn(struct ftx_db *db)
{
	if (db->lost_tx)
		return NULL;
	if (db->conn != NULL && connection_alive(db)) {
		note_transaction(db);
		return db->conn;
	}
	if (db->conn != NULL) {
		connection_lost(db);
		if (db->lost_tx)
			return NULL;
	} else if (db->retry_at_ms != 0 && ftx_clock_ms() < db->retry_at_ms)
		return NULL;
	if (connect_now(db) == -1)
		return NULL;
	return db->conn;
}

/* 1 if the first word of sql is word (any case), else 0. */
static int
first_word_is(const char *sql, const char *word)
{
	size_t len = strlen(word);

	sql += strspn(sql, " \t\r\n");
	return strncasecmp(sql, word, len) == 0 &&
	    !isalnum((unsigned char)sql[len]) && sql[len] != '_';
}

/* 1 if sql ends a transaction block (ROLLBACK TO a savepoint does not). */
static int
ends_transaction(const char *sql)
{
	if (first_word_is(sql, "ROLLBACK") || first_word_is(sql, "ABORT")) {
		sql += strspn(sql, " \t\r\n");
		sql += strcspn(sql, " \t\r\n");
		return !first_word_is(sql, "TO");
	}
	return first_word_is(sql, "COMMIT") || first_word_is(sql, "END");
}

/*
 * 1 if running sql twice does what running it once does, so that a
 * statement whose connection broke can run again on a new one.  A write
 * cannot: the server may have committed it before the connection broke.
 */
static int
repeatable(const char *sql)
{
	return first_word_is(sql, "SELECT") || first_word_is(sql, "BEGIN") ||
	    first_word_is(sql, "SHOW") || first_word_is(sql, "VALUES");
}

/* A statement on a handle whose transaction was lost fails; the caller's
 * ROLLBACK or COMMIT fails too (nothing was kept) and ends that state. */
static PGresult *
lost_transaction(struct ftx_db *db, const char *sql)
{
	if (ends_transaction(sql)) {
		log_notice("lost transaction ended by the caller");
		db->lost_tx = 0;
	}
	return NULL;
}

/*
 * Runs sql as a statement prepared on this connection: PostgreSQL parses
 * and plans a query text once per connection instead of once per request.
 * Texts beyond the cache run unprepared, as do texts that fail to prepare
 * (their error then comes from the execution itself), and every text when
 * prepared statements are off: a named one would outlive the transaction
 * on a server connection the pooler gives to another client next.
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
	if (db->unprepared || db->nstmts == STMT_CACHE)
		return PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	snprintf(name, sizeof(name), "ftx%d", db->nstmts);
	res = PQprepare(conn, name, sql, n, NULL);
	if (PQstatus(conn) != CONNECTION_OK)
		return res;	/* the caller finds out why */
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
	PGresult *res;
	char msg[256];
	int try;

	for (try = 0; try < 2; try++) {
		if (ftx_db_conn(db) == NULL)
			break;
		res = run(db, db->conn, sql, n, params);
		if (PQstatus(db->conn) == CONNECTION_OK) {
			note_transaction(db);
			if (res != NULL && !ftx_db_ok(res)) {
				first_line(PQresultErrorMessage(res), msg,
				    sizeof(msg));
				log_debug("query failed: %s", msg);
			}
			return res;
		}
		PQclear(res);
		connection_lost(db);
		if (db->lost_tx || !repeatable(sql))
			break;
	}
	return db->lost_tx ? lost_transaction(db, sql) : NULL;
}

int
ftx_db_exec(struct ftx_db *db, const char *sql, int n,
    const char *const *params)
{
	PGresult *res = ftx_db_query(db, sql, n, params);
	int rc = res == NULL ? -1 : ftx_db_ok(res) ? 0 : -2;

	PQclear(res);
	return rc;
}

int
ftx_db_begin(struct ftx_db *db)
{
	return ftx_db_exec(db, "BEGIN", 0, NULL);
}

int
ftx_db_commit(struct ftx_db *db)
{
	return ftx_db_exec(db, "COMMIT", 0, NULL);
}

int
ftx_db_rollback(struct ftx_db *db)
{
	return ftx_db_exec(db, "ROLLBACK", 0, NULL);
}

void
ftx_db_settle(struct ftx_db *db)
{
	PGresult *res;

	if (db->lost_tx) {
		log_err("a lost transaction was not ended by its caller");
		db->lost_tx = 0;
		return;
	}
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	switch (PQtransactionStatus(db->conn)) {
	case PQTRANS_IDLE:
		return;
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		log_err("a transaction was left open by its caller: "
		    "rolled back");
		res = PQexec(db->conn, "ROLLBACK");
		PQclear(res);
		if (PQstatus(db->conn) == CONNECTION_OK &&
		    PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
			db->in_tx = 0;
			return;
		}
		break;
	default:	/* a statement still running, or unknown */
		break;
	}
	ftx_db_disconnect(db);
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
