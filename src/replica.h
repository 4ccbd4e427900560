/*
 * replica.h - reading exports from a streaming replica (SPEC §17, step 3).
 *
 * Each export records the primary's WAL insert position when it is created
 * (exports.created_lsn, sql/008_replica_lsn.sql).  Before a worker reads an
 * export, it waits (replica_max_wait seconds at most) until the hot standby
 * of replica_conninfo has replayed that far: the standby's snapshot then
 * holds every transfer committed before the export was requested, and the
 * generator reads the export through the standby's connection, kept from
 * one export to the next.  Otherwise the export is read from the primary
 * and the log says so, with the export id.
 */
#ifndef FTX_REPLICA_H
#define FTX_REPLICA_H

#include "db.h"

struct ftx_replica;

/* Called at every poll while waiting; returns 0 to go on, -1 to abandon
 * the export (its claim is lost, or the daemon is stopping). */
typedef int (*ftx_replica_check_fn)(void *arg);

/* The standby of conninfo (copied; NULL or "": none, every export is read
 * from the primary), waited for max_wait seconds at most.  Does not
 * connect.  NULL when out of memory. */
struct ftx_replica *ftx_replica_new(const char *conninfo, int max_wait);

/* Closes the standby's connection and frees r.  r may be NULL. */
void ftx_replica_free(struct ftx_replica *r);

/*
 * The connection to read export_id through: the standby's once it has
 * replayed the export's created_lsn (read through primary) and holds the
 * export's row; primary itself when there is no standby, or it is
 * unavailable or not in recovery, or it is still behind after max_wait
 * (all logged with the export id), or when the position cannot be read
 * (the generator then finds the primary down by itself).  While waiting
 * it polls every 100 ms, and calls check(check_arg) before each pause.
 * NULL when check asked to abandon.  The result is owned by r or the
 * caller (primary), never freed by the caller through this call.
 */
struct ftx_db *ftx_replica_source(struct ftx_replica *r, struct ftx_db *primary,
    const char *export_id, ftx_replica_check_fn check, void *check_arg);

#endif /* FTX_REPLICA_H */
