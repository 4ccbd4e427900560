/*
 * replica.c - waiting for a hot standby to replay an export's position.
 *
 * Reaching created_lsn is what the contract asks: every commit before the
 * POST is then replayed.  The poll also asks for the export's own row,
 * committed a few records after created_lsn: the generator checks the
 * export's ids in the snapshot it reads from, and a standby that stopped
 * in between (its replay paused, or the commit not streamed yet) would
 * refuse the export.  The comparison is the server's (pg_lsn), so no LSN
 * is parsed here.  The two statements are the exports module's
 * (ftx_queue_created_lsn, ftx_queue_replayed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "exports.h"
#include "log.h"
#include "replica.h"

#define POLL_MS		100	/* between two looks at the standby's replay */
#define LSN_MAX		32	/* "FFFFFFFF/FFFFFFFF" and then some */

struct ftx_replica {
	struct ftx_db	*db;		/* NULL: no standby configured */
	int		 max_wait;	/* seconds */
};

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

/* The export's position, read on the primary, into lsn[LSN_MAX]. */
static int
created_lsn(struct ftx_db *primary, const char *export_id, char *lsn)
{
	return ftx_queue_created_lsn(primary, export_id, lsn, LSN_MAX);
}

static enum replay
poll_replay(struct ftx_replica *r, const char *lsn, const char *export_id)
{
	switch (ftx_queue_replayed(r->db, lsn, export_id)) {
	case 1:
		return CAUGHT_UP;
	case 0:
		return BEHIND;
	case 2:
		return NOT_STANDBY;
	default:
		return UNAVAILABLE;
	}
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
