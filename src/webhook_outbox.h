/*
 * webhook_outbox.h - the webhook outbox: events and their deliveries
 * (tables webhook_events and webhook_deliveries, SPEC §14).  Every
 * statement on those two tables is here.
 *
 * An event is written in the transaction of the export's state change,
 * with one delivery per enabled endpoint of the tenant subscribed to its
 * type.  Workers claim due deliveries (FOR UPDATE SKIP LOCKED) for a
 * lapse: a delivery whose worker died is claimed again once it passed,
 * with the same event id.  The body is frozen at the first attempt.
 */
#ifndef FTX_WEBHOOK_OUTBOX_H
#define FTX_WEBHOOK_OUTBOX_H

#include <stdio.h>

#include "db.h"

#define FTX_WEBHOOK_READY	"export.ready"
#define FTX_WEBHOOK_FAILED	"export.failed"
#define FTX_WEBHOOK_EXPIRED	"export.expired"

/* The NOTIFY channel an enqueued event signals (webhook_deliver.h's
 * FTX_WEBHOOK_WAKE). */
#define FTX_WEBHOOK_CHANNEL	"ftx_webhook"

/* One claimed delivery; strings owned (ftx_webhook_job_free). */
struct ftx_webhook_job {
	char	*event_id, *endpoint_id, *type, *export_id;
	char	*created;		/* event time, YYYY-MM-DDTHH:MM:SSZ */
	char	*payload;		/* the frozen body, or NULL */
	char	*url;
	char	*secrets[2];		/* current; previous while it
					   overlaps, else NULL */
	char	 token[33];
	int	 attempts;		/* including this one */
};

/* In the caller's transaction on db: writes an event of type (one of the
 * three above) for export_id of tenant, with its deliveries, and notifies
 * FTX_WEBHOOK_CHANNEL at commit.  Nothing is written when no enabled
 * endpoint subscribes, or when the export has an event of that type
 * already (one per export and type: announcing a change twice is
 * harmless).  ftx_db_exec()'s codes: 0, -1 unavailable, -2
 * failed. */
int ftx_webhook_enqueue(struct ftx_db *db, const char *tenant,
    const char *type, const char *export_id);

/* Claims the most overdue delivery to an enabled endpoint, for lapse
 * seconds, in the name of label.  1 with *job filled, 0 when none is due,
 * -1 when the database is unavailable or the statement failed. */
int ftx_webhook_claim(struct ftx_db *db, const char *label, int lapse,
    struct ftx_webhook_job *job);

/* Seconds until the next pending delivery to an enabled endpoint may be
 * claimed (0: now), at most max; max when none or on error. */
int ftx_webhook_due_in(struct ftx_db *db, int max);

/* Frees job's strings and zeroes it.  job may be NULL. */
void ftx_webhook_job_free(struct ftx_webhook_job *job);

/* Stores body as the event's payload unless one is there already; then
 * job->payload is the stored one (body, or the earlier).  0 or -1. */
int ftx_webhook_freeze(struct ftx_db *db, struct ftx_webhook_job *job,
    const char *body);

/* Records an attempt: delivered (status the HTTP status), or not, with
 * error (no secret) and the next attempt delay seconds away, or FAILED for
 * good when job->attempts reached max_attempts.  A failure is recorded
 * only while the claim is still job's.  0 or -1. */
int ftx_webhook_record(struct ftx_db *db, const struct ftx_webhook_job *job,
    int delivered, int status, const char *error, long delay,
    int max_attempts);

/* Deletes up to 1000 events older than days whose deliveries are all
 * over (delivered or given up), with their deliveries.  The number
 * deleted, or -1. */
int ftx_webhook_prune(struct ftx_db *db, int days);

/* The delay before attempt + 1: base * 2^(attempt - 1), at most max, times
 * 0.75 + r / 2 (jitter; r in [0, 1)), at least 1 s unless base is 0. */
long ftx_webhook_backoff(int attempt, int base, int max, double r);

/* For ftx-admin: one tab-separated line per delivery, newest event first,
 * at most 1000: event id, endpoint id, type, export id, status, attempts,
 * last HTTP status or "-", last attempt or "-", delivered at or next
 * attempt at, last error or "-"; only those of endpoint and event (each
 * NULL for any).  0, or -1 with err set. */
int ftx_webhook_deliveries_list(struct ftx_db *db, const char *endpoint,
    const char *event, FILE *out, char *err, size_t errlen);

/* Writes every row of res as one tab-separated line, NULL as "-", tabs
 * and line ends inside values as spaces (the admin listings). */
void ftx_webhook_print_rows(const PGresult *res, FILE *out);

#endif /* FTX_WEBHOOK_OUTBOX_H */
