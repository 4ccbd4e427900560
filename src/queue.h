/*
 * queue.h - the export queue in PostgreSQL: claims with fencing.
 *
 * A worker claims one due PENDING export (FOR UPDATE SKIP LOCKED) and
 * receives a random claim token; the claim lives claim_timeout seconds and
 * is renewed while the worker works.  Every later write is conditional on
 * the token still being there, so a worker whose claim was taken over
 * (it stalled or died) or cleared (the export was canceled) can never
 * complete, fail or e-mail the export: its writes match no row.
 */
#ifndef FTX_QUEUE_H
#define FTX_QUEUE_H

#include "db.h"

#define FTX_QUEUE_TOKEN_LEN	33	/* hex + NUL */

struct ftx_job {
	char	 id[129];
	char	 tenant_id[129];
	char	 user_id[129];
	char	 supplier_id[129];	/* "" for an operator's export */
	char	 email[255];
	char	*filters_json;		/* normalised filters (malloc'd) */
	char	*cc_json;		/* JSON array of addresses (malloc'd) */
	int	 attempts;		/* including this one */
	char	 token[FTX_QUEUE_TOKEN_LEN];
};

void ftx_job_free(struct ftx_job *job);

/*
 * Claims the next due export for worker (a "host:pid" label) with a claim
 * lasting claim_timeout seconds.  Exports that already used max_attempts
 * claims without finishing are marked FAILED first.  Returns 1 with *job
 * filled, 0 when nothing is due, -1 when the database is unavailable.
 */
int ftx_queue_claim(struct ftx_db *db, const char *worker, int claim_timeout,
    int max_attempts, struct ftx_job *job);

/* Extends the claim.  1 still ours, 0 lost (canceled or taken over), -1
 * database unavailable. */
int ftx_queue_renew(struct ftx_db *db, const struct ftx_job *job,
    int claim_timeout);

/*
 * Starts the fenced completion: opens a transaction and locks the export
 * row if the claim is still ours, so nobody can cancel or take it over
 * while the e-mail goes out.  1 locked (then ftx_queue_complete or
 * ftx_queue_abort), 0 lost (nothing open), -1 unavailable.
 */
int ftx_queue_lock(struct ftx_db *db, const struct ftx_job *job);

/* Marks the locked export READY with its file facts, expiring at the Unix
 * time expires (the one signed into the e-mailed link), and commits.  0 or
 * -1 (then nothing was recorded). */
int ftx_queue_complete(struct ftx_db *db, const struct ftx_job *job,
    const char *path, long long rows, long long size, const char *sha256,
    long long expires);

/* Rolls back the transaction of ftx_queue_lock. */
void ftx_queue_abort(struct ftx_db *db);

/*
 * Records a failed attempt: retried after retry_delay * 2^(attempts-1)
 * seconds (capped at 10 minutes, with +-20% jitter) while attempts <
 * max_attempts, else FAILED with reason.  Fenced.  0 recorded, 1 lost,
 * -1 unavailable.
 */
int ftx_queue_fail(struct ftx_db *db, const struct ftx_job *job,
    const char *reason, int retry_delay, int max_attempts);

/* Gives the claim back without counting the attempt (shutdown).  Fenced. */
int ftx_queue_release(struct ftx_db *db, const struct ftx_job *job);

/* Moves READY exports past expires_at to EXPIRED (a batch) and calls
 * unlink_fn for each of their files.  Returns the count, or -1. */
int ftx_queue_expire(struct ftx_db *db, void (*unlink_fn)(const char *path));

#endif /* FTX_QUEUE_H */
