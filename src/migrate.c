/*
 * migrate.c - applies the compiled-in SQL migrations, each once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"
#include "migrate.h"
#include "migrations.h"

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version int PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* Logs why res failed: the primary message, and for a migration body the
 * line of the file where PostgreSQL stopped. */
static void
log_failure(const char *what, const PGresult *res, const char *sql)
{
	const char *msg, *pos;
	long off, i;
	int line = 1;

	if (res == NULL) {
		log_err("%s: database unavailable", what);
		return;
	}
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL)
		msg = PQresStatus(PQresultStatus(res));
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	if (sql == NULL || pos == NULL) {
		log_err("%s: %s", what, msg);
		return;
	}
	/* The position counts characters; lines are counted in bytes, which
	 * is exact for the ASCII our migrations are written in. */
	off = strtol(pos, NULL, 10);
	for (i = 0; i < off - 1 && sql[i] != '\0'; i++)
		if (sql[i] == '\n')
			line++;
	log_err("%s: line %d: %s", what, line, msg);
}

/* Runs one parameterised statement that returns no rows we need. */
static int
run(struct ftx_db *db, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult *res;
	int rc = -1;

	res = ftx_db_query(db, sql, n, params);
	if (!ftx_db_ok(res)) {
		log_failure(what, res, NULL);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* 1 if version is among the rows of res (column 0), else 0. */
static int
recorded(const PGresult *res, int version)
{
	int i;

	for (i = 0; i < PQntuples(res); i++)
		if (atoi(PQgetvalue(res, i, 0)) == version)
			return 1;
	return 0;
}

/*
 * Takes the migration lock for the rest of the transaction just begun.  A
 * transaction-level lock, not a session one: behind a transaction-pooling
 * PgBouncer the unlock of a session lock could reach another server
 * connection than the lock, which would keep it.
 */
static int
lock(struct ftx_db *db, const char *what)
{
	const char *params[1] = { FTX_MIGRATE_LOCK_KEY };

	return run(db, what, "SELECT pg_advisory_xact_lock($1::bigint)", 1,
	    params);
}

/* 1 if version m is recorded (read under the lock), 0 if not, -1. */
static int
is_recorded(struct ftx_db *db, const char *what, const char *version)
{
	const char *params[1] = { version };
	PGresult *res;
	int rc;

	res = ftx_db_query(db, "SELECT 1 FROM schema_migrations"
	    " WHERE version = $1::int", 1, params);
	if (!ftx_db_ok(res)) {
		log_failure(what, res, NULL);
		rc = -1;
	} else
		rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* Applies m and records it, in one transaction under the lock, unless
 * another ftx-admin did first.  0 applied, 1 found applied, -1 failed. */
static int
apply_one(struct ftx_db *db, const struct ftx_migration *m)
{
	char what[300], version[16];
	const char *params[2];
	PGresult *res = NULL;
	PGconn *conn;
	int rc = -1, done;

	snprintf(what, sizeof(what), "migration %s", m->name);
	snprintf(version, sizeof(version), "%d", m->version);
	if (run(db, what, "BEGIN", 0, NULL) == -1)
		return -1;
	if (lock(db, what) == -1 ||
	    (done = is_recorded(db, what, version)) == -1)
		goto out;
	if (done) {
		rc = run(db, what, "COMMIT", 0, NULL) == -1 ? -1 : 1;
		goto out;
	}
	if ((conn = ftx_db_conn(db)) == NULL) {
		log_err("%s: database unavailable", what);
		goto out;
	}
	/* Many statements, no parameters: the simple query protocol. */
	res = PQexec(conn, m->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_failure(what, res, m->sql);
		goto out;
	}
	params[0] = version;
	params[1] = m->name;
	if (run(db, what, "INSERT INTO schema_migrations (version, name)"
	    " VALUES ($1::int, $2)", 2, params) == -1)
		goto out;
	if (run(db, what, "COMMIT", 0, NULL) == -1)
		goto out;
	log_notice("applied %s", what);
	rc = 0;
out:
	PQclear(res);
	if (rc == -1)
		(void)run(db, "rollback", "ROLLBACK", 0, NULL);
	return rc;
}

/* Creates schema_migrations under the lock: even CREATE TABLE IF NOT
 * EXISTS fails when two sessions run it at once. */
static int
create_table(struct ftx_db *db)
{
	const char *what = "creating schema_migrations";

	if (run(db, what, "BEGIN", 0, NULL) == -1)
		return -1;
	if (lock(db, what) == -1 || run(db, what, create_sql, 0, NULL) == -1 ||
	    run(db, what, "COMMIT", 0, NULL) == -1) {
		(void)run(db, "rollback", "ROLLBACK", 0, NULL);
		return -1;
	}
	return 0;
}

/* Applies what is missing, each migration under the lock. */
static int
apply_missing(struct ftx_db *db, int *applied)
{
	PGresult *res;
	size_t i;
	int rc = -1, last = 0, one;

	if (create_table(db) == -1)
		return -1;
	res = ftx_db_query(db, "SELECT version FROM schema_migrations"
	    " ORDER BY version", 0, NULL);
	if (!ftx_db_ok(res)) {
		log_failure("reading schema_migrations", res, NULL);
		goto out;
	}
	for (i = 0; i < ftx_migrations_count; i++) {
		last = ftx_migrations[i].version;
		if (recorded(res, ftx_migrations[i].version))
			continue;
		if ((one = apply_one(db, &ftx_migrations[i])) == -1)
			goto out;
		if (one == 0)
			(*applied)++;
	}
	if (PQntuples(res) > 0 &&
	    atoi(PQgetvalue(res, PQntuples(res) - 1, 0)) > last)
		log_warning("the database has migration %s, newer than this"
		    " program knows (%d)",
		    PQgetvalue(res, PQntuples(res) - 1, 0), last);
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
ftx_migrate(struct ftx_db *db, int *applied)
{
	int dummy = 0;

	if (applied == NULL)
		applied = &dummy;
	*applied = 0;
	return apply_missing(db, applied);
}

int
ftx_migrate_version(struct ftx_db *db, int *version)
{
	PGresult *res;
	int rc = -1;

	*version = 0;
	res = ftx_db_query(db, "SELECT to_regclass('schema_migrations')"
	    " IS NOT NULL", 0, NULL);
	if (!ftx_db_ok(res)) {
		log_failure("reading schema_migrations", res, NULL);
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		rc = 0;
		goto out;
	}
	PQclear(res);
	res = ftx_db_query(db, "SELECT coalesce(max(version), 0)"
	    " FROM schema_migrations", 0, NULL);
	if (!ftx_db_ok(res)) {
		log_failure("reading schema_migrations", res, NULL);
		goto out;
	}
	*version = atoi(PQgetvalue(res, 0, 0));
	rc = 0;
out:
	PQclear(res);
	return rc;
}
