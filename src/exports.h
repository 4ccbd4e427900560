/*
 * exports.h - the exports module: every statement on the exports and
 * idempotency_keys tables, behind an opaque export that owns its strings.
 *
 * The status a person sees (READY past expires_at reads EXPIRED) is the
 * shown_status column of the view exports_shown (sql/005_exports_view.sql),
 * the only place that rule is written.
 *
 * Two parts, one interface: exports.c (create, get, list, cancel, the
 * download lookup, rendering) for the API and ftx-admin, exports_queue.c
 * (claim, renew, lock, record, complete, fail, release, expire) for the
 * workers.  The transitions to FAILED and EXPIRED call the notifiers
 * (notify.h) in the transaction that makes them, with the row locked; a
 * notifier's error rolls the transition back (it happens again later).
 */
#ifndef FTX_EXPORTS_H
#define FTX_EXPORTS_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cursor.h"
#include "db.h"
#include "signurl.h"
#include "sink.h"

/* ---- the export ---- */

struct ftx_export;

/* Frees e and its strings.  NULL is fine. */
void ftx_export_free(struct ftx_export *e);

/* Accessors.  Strings belong to e (valid until ftx_export_free) and are
 * never NULL: "" stands for SQL NULL where noted.  Times are microseconds
 * since the epoch, -1 when null; counts -1 when not generated yet. */
const char *ftx_export_id(const struct ftx_export *e);
const char *ftx_export_tenant_id(const struct ftx_export *e);
const char *ftx_export_user_id(const struct ftx_export *e);
const char *ftx_export_email(const struct ftx_export *e);	/* requester */
const char *ftx_export_client_type(const struct ftx_export *e);
/* The supplier scope: the user's supplier id for a SUPPLIER export, "" for
 * an OPERATOR's. */
const char *ftx_export_supplier_id(const struct ftx_export *e);
/* As the API shows it: PENDING, READY, FAILED or EXPIRED. */
const char *ftx_export_status(const struct ftx_export *e);
const char *ftx_export_filters_json(const struct ftx_export *e);
const char *ftx_export_cc_json(const struct ftx_export *e);	/* array */
const char *ftx_export_sha256(const struct ftx_export *e);	/* "" */
const char *ftx_export_failure_reason(const struct ftx_export *e); /* "" */
const char *ftx_export_file_path(const struct ftx_export *e);	/* "" */
/* SPEC 7 "compression": NULL (the plain CSV) or "gzip". */
const char *ftx_export_compression(const struct ftx_export *e);
/* The file's format (sink.h): its kind, suffix and content type. */
const struct ftx_sink_format *ftx_export_format(const struct ftx_export *e);
int64_t ftx_export_created(const struct ftx_export *e);
int64_t ftx_export_completed(const struct ftx_export *e);
int64_t ftx_export_expires(const struct ftx_export *e);
long long ftx_export_rows(const struct ftx_export *e);
long long ftx_export_size(const struct ftx_export *e);

/*
 * Renders e as the export object of SPEC §7.  downloadUrl is signed with
 * keys and base_url while the export is READY (null if keys is NULL).
 * Returns a new object (caller puts it), or NULL when out of memory.
 */
struct json_object *ftx_export_json(const struct ftx_export *e,
    const struct ftx_signurl_keys *keys, const char *base_url);

/* ---- the API's and ftx-admin's operations ---- */

/* What the operations below return. */
enum ftx_exports_rc {
	FTX_EXPORTS_OK,
	FTX_EXPORTS_NOT_FOUND,	/* no such export (of this user) */
	FTX_EXPORTS_CONFLICT,	/* create: a PENDING export exists (409
				 * EXPORT_ALREADY_PENDING); cancel: the
				 * export is not PENDING (409) */
	FTX_EXPORTS_KEY_REUSED,	/* create: the Idempotency-Key named
				 * another request (422) */
	FTX_EXPORTS_DOWN,	/* the database is unavailable (503):
				 * nothing changed */
	FTX_EXPORTS_ERROR	/* failed otherwise, logged (500) */
};

/* A validated creation request.  All strings are the caller's. */
struct ftx_exports_new {
	const char	*tenant_id;
	const char	*user_id;
	const char	*client_type;	/* "OPERATOR" or "SUPPLIER" */
	const char	*filters_json;	/* normalised filters object */
	const char	*cc_json;	/* JSON array of addresses */
	const char	*compression;	/* NULL (plain) or "gzip" */
	const char	*idem_key;	/* Idempotency-Key, or NULL */
	const char	*request_hash;	/* what idem_key is compared on */
};

/*
 * Creates an export in one transaction (SPEC §7): with idem_key, a key
 * seen before (within 24 hours) replays the first export (OK) or is
 * KEY_REUSED when its request_hash differs, and two concurrent requests
 * with one key create one export; one PENDING export per user (CONFLICT,
 * *out = that export, or NULL if it finished meanwhile); wakes the
 * daemons.  OK: *out is the export as it is now (caller frees).
 */
enum ftx_exports_rc ftx_exports_create(struct ftx_db *db,
    const struct ftx_exports_new *req, struct ftx_export **out);

/* The export id of user_id (NULL: any user's).  OK with *out (caller
 * frees), NOT_FOUND, DOWN, ERROR. */
enum ftx_exports_rc ftx_exports_get(struct ftx_db *db, const char *id,
    const char *user_id, struct ftx_export **out);

/*
 * Cancels the PENDING export id of user_id (NULL: any user's): FAILED with
 * the reason CANCELED, its claim dropped (a worker holding it discards its
 * work), the FAILED notifiers called in the same transaction.  An export
 * whose e-mail went out already is not PENDING for this.  OK with *out
 * (the canceled export; caller frees), NOT_FOUND, CONFLICT, DOWN, ERROR.
 */
enum ftx_exports_rc ftx_exports_cancel(struct ftx_db *db, const char *id,
    const char *user_id, struct ftx_export **out);

/* One page of a user's exports, newest first. */
struct ftx_exports_page {
	struct ftx_export	**items;
	int			  n;
	int			  more;		/* a next page exists */
};

/* Frees what page holds (not page).  NULL is fine. */
void ftx_exports_page_free(struct ftx_exports_page *page);

/* 1 when status is a status a list can be filtered on, else 0. */
int ftx_exports_status_valid(const char *status);

/*
 * Reads the exports of user_id, newest first (ties by id, descending),
 * after after (NULL: from the start), with the shown status (NULL: any),
 * at most size.  OK with *page filled (ftx_exports_page_free), DOWN,
 * ERROR.
 */
enum ftx_exports_rc ftx_exports_list_page(struct ftx_db *db,
    const char *user_id, const char *status, const struct ftx_cursor *after,
    int size, struct ftx_exports_page *page);

/* The export id when its download link may serve it: READY and not
 * expired, with a file.  OK with *out (caller frees), NOT_FOUND, DOWN. */
enum ftx_exports_rc ftx_exports_download(struct ftx_db *db, const char *id,
    struct ftx_export **out);

/*
 * For support staff (ftx-admin): writes one tab-separated line per export,
 * newest first, at most 1000 — id, tenant, requester e-mail, status as the
 * API shows it, created (YYYY-MM-DDTHH:MM:SSZ), rows or "-", attempts, the
 * last failure reason or "-" — optionally only those of tenant, user and
 * status (each NULL for any).  0, or -1 with a message in err[errlen].
 */
int ftx_exports_list(struct ftx_db *db, const char *tenant, const char *user,
    const char *status, FILE *out, char *err, size_t errlen);

/* Writes the export object of id, as the API shows it to its owner, plus
 * an "internal" object (tenant, file path, attempts, claim, last failure
 * reason, mail time), pretty-printed.  0, or -1 with err set (unknown
 * export included). */
int ftx_exports_show(struct ftx_db *db, const char *id, FILE *out, char *err,
    size_t errlen);

/* ---- the queue (exports_queue.c) ----
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

#define FTX_QUEUE_TOKEN_LEN	33	/* hex + NUL */

/* What every queue operation returns. */
enum ftx_queue_rc {
	FTX_QUEUE_OURS,		/* done: the export is (was) ours */
	FTX_QUEUE_LOST,		/* no row matched: canceled, taken over, or
				 * (ftx_queue_claim) nothing due */
	FTX_QUEUE_DOWN		/* the database is unavailable or failed, or
				 * a notifier failed: nothing changed */
};

/* A claimed export.  The strings are the export's (borrowed from
 * export, never NULL once claimed); ftx_job_free releases it. */
struct ftx_job {
	struct ftx_export *export;
	const char	*id;
	const char	*tenant_id;
	const char	*user_id;
	const char	*supplier_id;		/* "" for an operator's export */
	const char	*email;			/* the requester's address */
	const char	*filters_json;		/* normalised filters */
	const char	*cc_json;		/* JSON array of addresses */
	int		 attempts;		/* including this one */
	int		 mail_sent;		/* an earlier attempt sent the
						 * e-mail and recorded it: only
						 * complete */
	char		 token[FTX_QUEUE_TOKEN_LEN];
};

/* Frees the export of job (not job itself) and zeroes it.  NULL is fine. */
void ftx_job_free(struct ftx_job *job);

/*
 * Claims the next due export for worker (a "host:pid" label) with a claim
 * lasting claim_timeout seconds.  Exports that already used max_attempts
 * claims without finishing end first: READY when their e-mail was sent,
 * else FAILED (notified; READY ones as resumed).  OURS with *job filled (free it with
 * ftx_job_free), LOST when nothing is due, DOWN when the database is
 * unavailable.
 */
enum ftx_queue_rc ftx_queue_claim(struct ftx_db *db, const char *worker,
    int claim_timeout, int max_attempts, struct ftx_job *job);

/* Extends the claim. */
enum ftx_queue_rc ftx_queue_renew(struct ftx_db *db, const struct ftx_job *job,
    int claim_timeout);

/*
 * Starts the fenced completion: opens a transaction and locks the export
 * row if the claim is still ours, so nobody can cancel or take it over
 * while the file is published and the notifiers run.  OURS: locked (then
 * ftx_queue_record_send or ftx_queue_abort); LOST or DOWN: nothing open.
 */
enum ftx_queue_rc ftx_queue_lock(struct ftx_db *db, const struct ftx_job *job);

/* What the READY notifiers announced, recorded with the send. */
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

/* Sets the file facts of sent on the job's export (in memory), so that
 * the READY notifiers see the export as it will be once READY. */
int ftx_queue_set_ready(struct ftx_job *job, const struct ftx_queue_sent *sent);

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

/* Marks the export READY; its e-mail must be on record.  The READY
 * notifiers run again, resumed (notify.h), in the same transaction. */
enum ftx_queue_rc ftx_queue_complete(struct ftx_db *db,
    const struct ftx_job *job);

/* Rolls back the transaction of ftx_queue_lock. */
void ftx_queue_abort(struct ftx_db *db);

/*
 * Records a failed attempt: retried after retry_delay * 2^(attempts-1)
 * seconds (capped at 10 minutes, with +-20% jitter) while attempts <
 * max_attempts and permanent is 0, else FAILED with reason (written for
 * people), the FAILED notifiers called in the same transaction.  Fenced.
 */
enum ftx_queue_rc ftx_queue_fail(struct ftx_db *db, const struct ftx_job *job,
    const char *reason, int retry_delay, int max_attempts, int permanent);

/* Gives the claim back without counting the attempt (shutdown).  Fenced. */
enum ftx_queue_rc ftx_queue_release(struct ftx_db *db,
    const struct ftx_job *job);

/* Moves READY exports past expires_at to EXPIRED (a batch, the EXPIRED
 * notifiers called in its transaction) and then calls remove_fn(arg,
 * path) for each of their files.  Returns the count, or -1 (nothing
 * changed). */
int ftx_queue_expire(struct ftx_db *db,
    void (*remove_fn)(const void *arg, const char *path), const void *arg);

/*
 * The job's ids must be the export's, byte for byte: an id cut short on
 * the way must never select another tenant's or supplier's rows.  Checked
 * through db (inside the caller's snapshot).  OURS when they are, LOST
 * when not (logged), DOWN.
 */
enum ftx_queue_rc ftx_queue_check_ids(struct ftx_db *db,
    const struct ftx_job *job);

/* ---- for the two parts of the module only (exports.c, exports_queue.c) ---- */

#define FTX_EXPORT_DONE_(col) \
	"CASE WHEN e.status <> 'PENDING' THEN " col " END"
#define FTX_EXPORT_USEC_(col) \
	"(extract(epoch FROM " col ") * 1000000)::bigint"
/* The select list of an export on FTX_EXPORT_FROM, read by
 * ftx_export_from_row().  The file facts, recorded with the e-mail while
 * the export is still PENDING, show from READY on. */
#define FTX_EXPORT_COLUMNS \
	"e.id, e.shown_status, " FTX_EXPORT_USEC_("e.created_at") ", " \
	FTX_EXPORT_USEC_("e.updated_at") ", " \
	FTX_EXPORT_DONE_(FTX_EXPORT_USEC_("e.completed_at")) ", " \
	FTX_EXPORT_DONE_(FTX_EXPORT_USEC_("e.expires_at")) ", " \
	"e.user_id, u.email, e.client_type, e.filters::text, " \
	"array_to_json(e.cc)::text, " FTX_EXPORT_DONE_("e.row_count") ", " \
	FTX_EXPORT_DONE_("e.file_size") ", " FTX_EXPORT_DONE_("e.sha256") ", " \
	"CASE WHEN e.status = 'FAILED' THEN e.failure_reason END, " \
	"array_to_json(e.undelivered_recipients)::text, e.tenant_id, " \
	"CASE WHEN e.client_type = 'SUPPLIER' " \
	"THEN coalesce(u.supplier_id, '') ELSE '' END, e.file_path, " \
	"e.compression"
#define FTX_EXPORT_NCOLS	20
#define FTX_EXPORT_FROM	"exports_shown e JOIN users u ON u.id = e.user_id"

/* Reads row of res (a PGresult selected with FTX_EXPORT_COLUMNS first);
 * NULL when out of memory. */
struct ftx_export *ftx_export_from_row(const void *res, int row);

/* Calls the notifiers of ev for each export selected (with
 * FTX_EXPORT_COLUMNS) by sql, in the caller's transaction; a READY is a
 * resumed one (notify.h).  0, -1 when the database failed or a notifier
 * refused (logged). */
int ftx_exports_notify_rows(struct ftx_db *db, const char *sql, int n,
    const char *const *params, int ev);

/* Stores in lsn[size] the primary's WAL insert position when export id
 * was created (SPEC 17).  0, or -1 (logged). */
int ftx_queue_created_lsn(struct ftx_db *db, const char *id, char *lsn,
    size_t size);

/* On a standby: 1 when it replayed lsn and holds export id's row, 0 when
 * it is behind, 2 when db is no standby, -1 when it cannot tell. */
int ftx_queue_replayed(struct ftx_db *db, const char *lsn, const char *id);

#endif /* FTX_EXPORTS_H */
