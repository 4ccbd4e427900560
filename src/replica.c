/*
 * replica.c - waiting for a hot standby to replay an export's position.
 *
 * Reaching created_lsn is what the contract asks: every commit before the
 * POST is then replayed.  The poll also asks for the export's own row,
 * committed a few records after created_lsn: the generator checks the
 * export's ids in the snapshot it reads from, and a standby that stopped
 * in between (its replay paused, or the commit not streamed yet) would
 * refuse the export.  The comparison is the server's (pg_lsn), so no LSN
 * is parsed here.  Both statements on exports are this module's own; they
 * belong with the other statements on that table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "replica.h"

#define POLL_MS		100	/* between two looks at the standby's replay */
#define LSN_MAX		32	/* "FFFFFFFF/FFFFFFFF" and then some */

struct ftx_replica {
	struct ftx_db	*db;		/* NULL: no standby configured */
	int		 max_wait;	/* seconds */
};

/* Exports created before migration 008 have no position: the primary's
 * current one is past their creation, so it serves as well. */
static const char lsn_sql[] =
    "SELECT coalesce(created_lsn, pg_current_wal_insert_lsn())::text "
    "FROM exports WHERE id = $1";

static const char replay_sql[] =
    "SELECT pg_is_in_recovery(), "
    "coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AND "
    "EXISTS (SELECT 1 FROM exports WHERE id = $2)";

enum replay {
	CAUGHT_UP,	/* replayed the position and the export's row */
	BEHIND,
	NOT_STANDBY,	/* promoted, or not a standby at all */
	UNAVAILABLE	/* no connection, or the statement failed */
};

struct ftx_replica *
ftx_replica_new(const char *conninfo, int max_wait)
{
	struct ftx_replica *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->max_wait = max_wait > 0 ? max_wait : 0;
	if (conninfo != NULL && conninfo[0] != '\0' &&
	    (r->db = ftx_db_new(conninfo, "ftx-exportd")) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
ftx_replica_free(struct ftx_replica *r)
{
	if (r == NULL)
		return;
	ftx_db_free(r->db);
	free(r);
}

/* The export's position, read on the primary, into lsn[LSN_MAX].  0, or
 * -1 (primary unavailable, no such export: logged). */
static int
created_lsn(struct ftx_db *primary, const char *export_id, char *lsn)
{
	const char *p[1] = { export_id };
	PGresult *res = ftx_db_query(primary, lsn_sql, 1, p);
	int rc = -1;

	if (ftx_db_ok(res) && PQntuples(res) == 1 &&
	    PQgetlength(res, 0, 0) < LSN_MAX) {
		memcpy(lsn, PQgetvalue(res, 0, 0),
		    (size_t)PQgetlength(res, 0, 0) + 1);
		rc = 0;
	} else if (res != NULL)
		log_err("export %s: its WAL position cannot be read: %s",
		    export_id, ftx_db_ok(res) ? "no such export" :
		    PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

static enum replay
poll_replay(struct ftx_replica *r, const char *lsn, const char *export_id)
{
	const char *p[2] = { lsn, export_id };
	PGresult *res = ftx_db_query(r->db, replay_sql, 2, p);
	enum replay rc = UNAVAILABLE;

	if (ftx_db_ok(res) && PQntuples(res) == 1) {
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			rc = NOT_STANDBY;
		else if (strcmp(PQgetvalue(res, 0, 1), "t") == 0)
			rc = CAUGHT_UP;
		else
			rc = BEHIND;
	} else if (res != NULL)
		log_err("export %s: replica: %s", export_id,
		    PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	/* A signal ends the pause early: the caller's check then sees a
	 * stop at once. */
	(void)nanosleep(&ts, NULL);
}

/* Logs why the primary is read; returns it. */
static struct ftx_db *
primary_after(enum replay why, const struct ftx_replica *r,
    struct ftx_db *primary, const char *export_id, const char *lsn)
{
	if (why == UNAVAILABLE)
		log_warning("export %s: the replica is unavailable: reading "
		    "from the primary", export_id);
	else if (why == NOT_STANDBY)
		log_warning("export %s: the replica is not in recovery: "
		    "reading from the primary", export_id);
	else
		log_warning("export %s: the replica has not replayed %s "
		    "after %d s: reading from the primary", export_id, lsn,
		    r->max_wait);
	return primary;
}

struct ftx_db *
ftx_replica_source(struct ftx_replica *r, struct ftx_db *primary,
    const char *export_id, ftx_replica_check_fn check, void *check_arg)
{
	char lsn[LSN_MAX];
	int64_t start, deadline;
	enum replay rc;
	int said = 0;

	if (r == NULL || r->db == NULL)
		return primary;
	if (created_lsn(primary, export_id, lsn) == -1)
		return primary;
	start = ftx_clock_ms();
	deadline = start + (int64_t)r->max_wait * 1000;
	for (;;) {
		if ((rc = poll_replay(r, lsn, export_id)) == CAUGHT_UP) {
			log_info("export %s: reading from the replica "
			    "(replayed %s after %lld ms)", export_id, lsn,
			    (long long)(ftx_clock_ms() - start));
			return r->db;
		}
		if (rc != BEHIND || ftx_clock_ms() >= deadline)
			return primary_after(rc, r, primary, export_id, lsn);
		if (!said++)
			log_info("export %s: waiting for the replica to replay "
			    "%s (%d s at most)", export_id, lsn, r->max_wait);
		if (check(check_arg) == -1)
			return NULL;
		pause_ms(POLL_MS);
	}
}
