/*
 * queue.h - the export queue in PostgreSQL: claims with fencing.
 *
 * A worker claims one due PENDING export (FOR UPDATE SKIP LOCKED) and
 * receives a random claim token; the claim lives claim_timeout seconds and
 * is renewed while the worker works.  Every later write is conditional on
 * the token still being there, so a worker whose claim was taken over
 * (it stalled or died) or cleared (the export was canceled) can never
 * complete, fail or e-mail the export: its writes match no row.
 *
 * The e-mail is recorded (ftx_queue_record_send) as soon as it went out,
 * in the transaction that holds the row and, when nothing fails, marks
 * the export READY too; when the completion fails the record is committed
 * alone, and the next attempt only completes (ftx_queue_complete): a
 * failed completion never sends the e-mail twice.
 */
#ifndef FTX_QUEUE_H
#define FTX_QUEUE_H

#include "db.h"

#define FTX_QUEUE_TOKEN_LEN	33	/* hex + NUL */

/* What every queue operation returns. */
enum ftx_queue_rc {
	FTX_QUEUE_OURS,		/* done: the export is (was) ours */
	FTX_QUEUE_LOST,		/* no row matched: canceled, taken over, or
				 * (ftx_queue_claim) nothing due */
	FTX_QUEUE_DOWN		/* the database is unavailable or failed */
};

/* A claimed export.  Every string is malloc'd whole (ids are never cut
 * short) and never NULL once claimed; ftx_job_free releases them. */
struct ftx_job {
	char	*id;
	char	*tenant_id;
	char	*user_id;
	char	*supplier_id;		/* "" for an operator's export */
	char	*email;			/* the requester's address */
	char	*filters_json;		/* normalised filters */
	char	*cc_json;		/* JSON array of addresses */
	int	 attempts;		/* including this one */
	int	 mail_sent;		/* an earlier attempt sent the e-mail
					 * and recorded it: only complete */
	char	 token[FTX_QUEUE_TOKEN_LEN];
};

/* Frees the strings of job (not job itself) and zeroes it.  NULL is fine. */
void ftx_job_free(struct ftx_job *job);

/*
 * Claims the next due export for worker (a "host:pid" label) with a claim
 * lasting claim_timeout seconds.  Exports that already used max_attempts
 * claims without finishing end first: READY when their e-mail was sent,
 * else FAILED.  OURS with *job filled (free it with ftx_job_free), LOST
 * when nothing is due, DOWN when the database is unavailable.
 */
enum ftx_queue_rc ftx_queue_claim(struct ftx_db *db, const char *worker,
    int claim_timeout, int max_attempts, struct ftx_job *job);

/* Extends the claim. */
enum ftx_queue_rc ftx_queue_renew(struct ftx_db *db, const struct ftx_job *job,
    int claim_timeout);

/*
 * Starts the fenced send: opens a transaction and locks the export row if
 * the claim is still ours, so nobody can cancel or take it over while the
 * e-mail goes out.  OURS: locked (then ftx_queue_record_send or
 * ftx_queue_abort); LOST or DOWN: nothing open.
 */
enum ftx_queue_rc ftx_queue_lock(struct ftx_db *db, const struct ftx_job *job);

/* What the e-mail announced, recorded with the send. */
struct ftx_queue_sent {
	const char	*path;		/* the published file */
	long long	 rows;
	long long	 size;
	const char	*sha256;
	long long	 expires;	/* Unix time signed into the link */
	long long	 ready_at;	/* when the link was made: completedAt,
					 * so that expiresAt = completedAt +
					 * ttl (SPEC 8) */
	const char	*undelivered;	/* JSON array of refused cc addresses */
};

/*
 * Records that the e-mail went out, with *sent, in the transaction of
 * ftx_queue_lock, marks the export READY in the same transaction (*ready
 * = 1) unless that fails (*ready = 0: the record alone is committed;
 * complete later with ftx_queue_complete), and commits.  When the database
 * fails on the way it records again, autocommit, for a few seconds: only
 * a send that is never recorded can be repeated.  OURS recorded, LOST,
 * DOWN (not recorded).
 */
enum ftx_queue_rc ftx_queue_record_send(struct ftx_db *db,
    const struct ftx_job *job, const struct ftx_queue_sent *sent, int *ready);

/* Marks the export READY; its e-mail must be on record. */
enum ftx_queue_rc ftx_queue_complete(struct ftx_db *db,
    const struct ftx_job *job);

/* Rolls back the transaction of ftx_queue_lock. */
void ftx_queue_abort(struct ftx_db *db);

/*
 * Records a failed attempt: retried after retry_delay * 2^(attempts-1)
 * seconds (capped at 10 minutes, with +-20% jitter) while attempts <
 * max_attempts and permanent is 0, else FAILED with reason (written for
 * people).  Fenced.
 */
enum ftx_queue_rc ftx_queue_fail(struct ftx_db *db, const struct ftx_job *job,
    const char *reason, int retry_delay, int max_attempts, int permanent);

/* Gives the claim back without counting the attempt (shutdown).  Fenced. */
enum ftx_queue_rc ftx_queue_release(struct ftx_db *db,
    const struct ftx_job *job);

/* Moves READY exports past expires_at to EXPIRED (a batch) and calls
 * remove_fn(arg, path) for each of their files.  Returns the count, or -1. */
int ftx_queue_expire(struct ftx_db *db,
    void (*remove_fn)(const void *arg, const char *path), const void *arg);

#endif /* FTX_QUEUE_H */
