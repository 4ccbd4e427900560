/*
 * db.h - one PostgreSQL connection that notices when it broke and
 * reconnects with backoff.
 *
 * Only parameterised queries: callers pass SQL text with $1..$n and the
 * values separately (PQexecParams); user input is never spliced into SQL.
 * Transactions are the caller's (BEGIN ... COMMIT through ftx_db_query or
 * the helpers below); the handle only tracks whether one is open, so that
 * a connection lost inside one never lets the rest run in autocommit.
 * Every session runs with TimeZone UTC, DateStyle ISO and generic plans for
 * the statements it prepares (once per connection, see ftx_db_query).
 *
 * Behind a pooler in transaction mode (PgBouncer, pool_mode = transaction)
 * a session is not a server connection: ftx_db_set_prepared(db, 0) makes
 * every statement an unnamed one (PQexecParams) and sets nothing on the
 * session that the pooler does not carry from server to server (TimeZone
 * and DateStyle are reported parameters, which PgBouncer keeps per client;
 * plan_cache_mode is not, and is left alone).
 */
#ifndef FTX_DB_H
#define FTX_DB_H

#include <libpq-fe.h>

struct ftx_db;

/* Creates a handle; does not connect.  conninfo and appname are copied.
 * Returns NULL when out of memory. */
struct ftx_db *ftx_db_new(const char *conninfo, const char *appname);

/* Closes the connection and frees the handle.  db may be NULL. */
void ftx_db_free(struct ftx_db *db);

/* Reconnect backoff: after a slow failed attempt (100 ms or more, e.g. a
 * connect timeout) the next one waits min_ms, doubling to max_ms; a refused
 * connection is retried by the next call.  Defaults 100 ms and 2000 ms. */
void ftx_db_set_backoff(struct ftx_db *db, int min_ms, int max_ms);

/* on (the default): statements are prepared by name once per connection;
 * off: unnamed statements only, for a transaction-pooling PgBouncer
 * ([database] prepared_statements).  Takes effect at the next connection;
 * call it before the first. */
void ftx_db_set_prepared(struct ftx_db *db, int on);

/* Returns the live connection, connecting first if there is none or the old
 * one broke (a connection the server closed while it was idle is found out
 * here, before a statement is lost on it).  Never blocks on backoff: while a
 * retry is not due it returns NULL at once.  NULL means the database is
 * unavailable (logged), or the handle's transaction was lost (below). */
PGconn *ftx_db_conn(struct ftx_db *db);

/* The number of connections the handle has made: it changes whenever
 * ftx_db_conn() returns a new one (a new PGconn may reuse the address of
 * the one it replaces, so compare this, not the pointer). */
unsigned long ftx_db_generation(const struct ftx_db *db);

/*
 * Runs sql with n text parameters (NULL entries are SQL NULL).  Returns the
 * result, which the caller PQclear()s, whatever its status: check it with
 * ftx_db_ok().  Returns NULL only when the database is unavailable (no
 * connection, or the connection broke during the statement).
 *
 * Outside a transaction block, a statement whose connection broke runs
 * once more on a new connection when running it twice is harmless (SELECT,
 * BEGIN, SHOW, VALUES); a write is not repeated, since the server may have
 * committed it: NULL.  The next call reconnects at once.
 *
 * Inside one (BEGIN sent, no COMMIT or ROLLBACK yet), a broken connection
 * loses the transaction: the handle is then "lost in transaction" and every
 * statement returns NULL (ftx_db_conn() too), never running the rest of the
 * transaction on a new connection in autocommit; the caller's ROLLBACK or
 * COMMIT returns NULL as well (nothing was kept: answer 503) and ends that
 * state, as do ftx_db_disconnect() and ftx_db_settle().
 */
PGresult *ftx_db_query(struct ftx_db *db, const char *sql, int n,
    const char *const *params);

/* ftx_db_query() for a statement whose rows are not needed: 0 success,
 * -1 database unavailable or transaction lost (answer 503), -2 the
 * statement failed (logged at debug). */
int ftx_db_exec(struct ftx_db *db, const char *sql, int n,
    const char *const *params);

/* BEGIN, COMMIT, ROLLBACK with ftx_db_exec()'s return codes.  After a
 * failure inside a transaction, call ftx_db_rollback() whatever failed. */
int ftx_db_begin(struct ftx_db *db);
int ftx_db_commit(struct ftx_db *db);
int ftx_db_rollback(struct ftx_db *db);

/* Ends a unit of work (a request, a job): rolls back a transaction its
 * caller left open, forgets a lost one, logging either, so that a caller's
 * slip cannot leak into the next unit.  Cheap when nothing is open. */
void ftx_db_settle(struct ftx_db *db);

/* 1 if res is non-NULL and PGRES_COMMAND_OK or PGRES_TUPLES_OK, else 0. */
int ftx_db_ok(const PGresult *res);

/* 1 if res failed with the given SQLSTATE (e.g. "23505"), else 0. */
int ftx_db_sqlstate_is(const PGresult *res, const char *sqlstate);

/* Closes the connection (e.g. after fork in the child that must not share
 * it).  The next ftx_db_conn() reconnects without waiting for backoff. */
void ftx_db_disconnect(struct ftx_db *db);

#endif /* FTX_DB_H */
