/*
 * exports_queue.c - the exports module's queue: claiming, renewing,
 * completing, failing, releasing and expiring exports (exports.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>
#include <json-c/json.h>

#include "apikey.h"
#include "db.h"
#include "hex.h"
#include "exports.h"
#include "log.h"
#include "notify.h"

#define RETRY_CAP_S	600
#define RECORD_TRIES	5	/* seconds spent recording a send */

/* READY, once the e-mail is on record. */
static const char complete_sql[] = "UPDATE exports SET status = 'READY', "
    "completed_at = coalesce(completed_at, now()), updated_at = now(), "
    "failure_reason = NULL, "
    "claim_token = NULL, claimed_until = NULL "
    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING' "
    "AND mail_sent_at IS NOT NULL";

void
ftx_job_free(struct ftx_job *job)
{
	if (job == NULL)
		return;
	ftx_export_free(job->export);
	memset(job, 0, sizeof(*job));
}

static void
new_token(char *token)
{
	unsigned char raw[16];

	ftx_crypto_init();
	gcry_create_nonce(raw, sizeof(raw));
	ftx_hex_encode(raw, sizeof(raw), token);
}

/* Runs a fenced statement: OURS when a row matched, LOST when none. */
static enum ftx_queue_rc
fenced(struct ftx_db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = ftx_db_query(db, sql, n, params);
	enum ftx_queue_rc rc = FTX_QUEUE_DOWN;

	if (ftx_db_ok(res))
		rc = strcmp(PQcmdTuples(res), "0") != 0 ? FTX_QUEUE_OURS :
		    FTX_QUEUE_LOST;
	else if (res != NULL)
		log_err("queue: %s", PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

/* Runs a statement that may match nothing (COMMIT, a sweep): OURS or
 * DOWN. */
static enum ftx_queue_rc
run(struct ftx_db *db, const char *sql, int n, const char *const *params)
{
	return fenced(db, sql, n, params) == FTX_QUEUE_DOWN ? FTX_QUEUE_DOWN :
	    FTX_QUEUE_OURS;
}

/* The notifiers of ev for the exports whose ids are in column 0 of the
 * rows of res whose column 1 is status (or all rows when status is NULL),
 * in the open transaction.  0, or -1. */
static int
notify_ids(struct ftx_db *db, const PGresult *res, const char *status,
    enum ftx_event ev)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.id IN "
	    "(SELECT json_array_elements_text($1::json))";
	struct json_object *ids, *s;
	const char *p[1];
	int i, rc = -1;

	if ((ids = json_object_new_array()) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		if (status != NULL && strcmp(PQgetvalue(res, i, 1), status) != 0)
			continue;
		if ((s = json_object_new_string(PQgetvalue(res, i, 0))) ==
		    NULL || json_object_array_add(ids, s) == -1) {
			json_object_put(s);
			goto out;
		}
	}
	rc = 0;
	if (json_object_array_length(ids) > 0 && ((p[0] =
	    json_object_to_json_string_ext(ids, JSON_C_TO_STRING_PLAIN)) ==
	    NULL || ftx_exports_notify_rows(db, sql, 1, p, ev) == -1))
		rc = -1;
out:
	json_object_put(ids);
	return rc;
}

/* A state change and its event: the rows whose column 1 is status (every
 * row when NULL) announce ev. */
struct change {
	const char	*status;
	enum ftx_event	 ev;
};

static const struct change to_failed[] = { { "FAILED", FTX_EVENT_FAILED } };
static const struct change to_expired[] = { { NULL, FTX_EVENT_EXPIRED } };
#define NCHANGES(a)	(sizeof(a) / sizeof((a)[0]))

/* Runs sql (an UPDATE ... RETURNING id, status or id, file_path) in a
 * transaction that also calls the notifiers of the n changes.  The rows, or NULL: database unavailable (*down = 1) or
 * failed, or a notifier refused: nothing changed. */
static PGresult *
transition(struct ftx_db *db, const char *sql, int n,
    const char *const *params, const struct change *changes, size_t nchanges,
    int *down)
{
	PGresult *res = NULL;
	size_t i;
	int rc = 0;

	*down = 0;
	if (ftx_db_begin(db) != 0) {
		*down = 1;
		return NULL;
	}
	if ((res = ftx_db_query(db, sql, n, params)) == NULL)
		*down = 1;
	else if (!ftx_db_ok(res))
		log_err("queue: %s", PQresultErrorMessage(res));
	else {
		for (i = 0; rc == 0 && i < nchanges; i++)
			rc = notify_ids(db, res, changes[i].status,
			    changes[i].ev);
		if (rc == 0 && ftx_db_commit(db) == 0)
			return res;
	}
	PQclear(res);
	if (ftx_db_rollback(db) == -1)
		*down = 1;
	return NULL;
}

/* Exports with no attempt left end: READY when their e-mail went out (only
 * the completion failed), else FAILED (their worker vanished during the
 * last attempt, or max_attempts was lowered while they waited for a retry;
 * then the last error is the reason).  Rows another worker holds are
 * skipped, never waited for.  DOWN only when the database is: a notifier
 * that refused leaves them for the next claim. */
static enum ftx_queue_rc
end_exhausted(struct ftx_db *db, const char *max_attempts)
{
	static const char sql[] = "UPDATE exports SET "
	    "status = CASE WHEN mail_sent_at IS NULL THEN 'FAILED' "
	    "ELSE 'READY' END, "
	    "completed_at = CASE WHEN mail_sent_at IS NULL THEN NULL "
	    "ELSE coalesce(completed_at, now()) END, "
	    "failure_reason = CASE WHEN mail_sent_at IS NULL THEN "
	    "coalesce(failure_reason, 'The export did not finish after ' || "
	    "attempts || ' attempts (the export service stopped while "
	    "working on it)') END, "
	    "updated_at = now(), claim_token = NULL, claimed_until = NULL "
	    "WHERE status = 'PENDING' AND id IN (SELECT id FROM exports "
	    "WHERE status = 'PENDING' AND attempts >= $1::int "
	    "AND (claimed_until IS NULL OR claimed_until < now()) "
	    "FOR UPDATE SKIP LOCKED) RETURNING id, status";
	static const struct change changes[] = {
		{ "FAILED", FTX_EVENT_FAILED }, { "READY", FTX_EVENT_READY } };
	const char *p[1] = { max_attempts };
	PGresult *res;
	int down;

	res = transition(db, sql, 1, p, changes, NCHANGES(changes), &down);
	PQclear(res);
	return down ? FTX_QUEUE_DOWN : res != NULL ? FTX_QUEUE_OURS :
	    FTX_QUEUE_LOST;
}

/* Fills job from the claim's row; -1 when out of memory. */
static int
job_from_row(struct ftx_job *job, const PGresult *res)
{
	struct ftx_export *e;

	if ((e = ftx_export_from_row(res, 0)) == NULL)
		return -1;
	job->export = e;
	job->id = ftx_export_id(e);
	job->tenant_id = ftx_export_tenant_id(e);
	job->user_id = ftx_export_user_id(e);
	/* A SUPPLIER export keeps the supplier scope even if the user row
	 * changed since; an OPERATOR export has none. */
	job->supplier_id = ftx_export_supplier_id(e);
	job->email = ftx_export_email(e);
	job->filters_json = ftx_export_filters_json(e);
	job->cc_json = ftx_export_cc_json(e);
	job->attempts = atoi(PQgetvalue(res, 0, FTX_EXPORT_NCOLS));
	job->mail_sent = strcmp(PQgetvalue(res, 0, FTX_EXPORT_NCOLS + 1),
	    "t") == 0;
	return 0;
}

enum ftx_queue_rc
ftx_queue_claim(struct ftx_db *db, const char *worker, int claim_timeout,
    int max_attempts, struct ftx_job *job)
{
	/* The select sees the row as it was before the claim: its own
	 * attempts and mail_sent come from the update. */
	static const char claim_sql[] = "WITH c AS (UPDATE exports SET "
	    "claim_token = $1, claimed_by = $2, "
	    "claimed_until = now() + $3::int * interval '1 second', "
	    "attempts = attempts + 1, updated_at = now() "
	    "WHERE id = ("
	    "SELECT id FROM exports WHERE status = 'PENDING' "
	    "AND next_attempt_at <= now() AND attempts < $4::int "
	    "AND (claimed_until IS NULL OR claimed_until < now()) "
	    "ORDER BY next_attempt_at, created_at "
	    "LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "RETURNING id, attempts, mail_sent_at IS NOT NULL AS mail_sent) "
	    "SELECT " FTX_EXPORT_COLUMNS ", c.attempts, c.mail_sent FROM "
	    FTX_EXPORT_FROM " JOIN c ON c.id = e.id";
	char timeout[16], maxa[16];
	const char *p[4] = { job->token, worker, timeout, maxa };
	enum ftx_queue_rc rc = FTX_QUEUE_DOWN;
	PGresult *res;

	memset(job, 0, sizeof(*job));
	snprintf(timeout, sizeof(timeout), "%d", claim_timeout);
	snprintf(maxa, sizeof(maxa), "%d", max_attempts);
	if (end_exhausted(db, maxa) == FTX_QUEUE_DOWN)
		return FTX_QUEUE_DOWN;
	new_token(job->token);
	if ((res = ftx_db_query(db, claim_sql, 4, p)) == NULL)
		return FTX_QUEUE_DOWN;
	if (!ftx_db_ok(res))
		log_err("queue: claim failed: %s", PQresultErrorMessage(res));
	else if (PQntuples(res) != 1)
		rc = FTX_QUEUE_LOST;
	else if (job_from_row(job, res) == 0)
		rc = FTX_QUEUE_OURS;
	else {
		/* Claimed but not held: another worker takes it over once the
		 * claim expires. */
		log_err("queue: out of memory reading a claimed export");
		ftx_job_free(job);
	}
	PQclear(res);
	return rc;
}

enum ftx_queue_rc
ftx_queue_renew(struct ftx_db *db, const struct ftx_job *job,
    int claim_timeout)
{
	static const char sql[] = "UPDATE exports SET "
	    "claimed_until = now() + $3::int * interval '1 second' "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	char timeout[16];
	const char *p[3] = { job->id, job->token, timeout };

	snprintf(timeout, sizeof(timeout), "%d", claim_timeout);
	return fenced(db, sql, 3, p);
}

enum ftx_queue_rc
ftx_queue_lock(struct ftx_db *db, const struct ftx_job *job)
{
	static const char sql[] = "SELECT 1 FROM exports WHERE id = $1 "
	    "AND claim_token = $2 AND status = 'PENDING' FOR UPDATE";
	const char *p[2] = { job->id, job->token };
	enum ftx_queue_rc rc = FTX_QUEUE_DOWN;
	PGresult *res;

	if (run(db, "BEGIN", 0, NULL) == FTX_QUEUE_DOWN)
		return FTX_QUEUE_DOWN;
	res = ftx_db_query(db, sql, 2, p);
	if (ftx_db_ok(res))
		rc = PQntuples(res) == 1 ? FTX_QUEUE_OURS : FTX_QUEUE_LOST;
	PQclear(res);
	if (rc != FTX_QUEUE_OURS)
		ftx_queue_abort(db);
	return rc;
}

/* In the open transaction, after the record: READY under a savepoint, so
 * that a failure of the completion keeps the record.  1 when READY. */
static int
complete_in_transaction(struct ftx_db *db, const struct ftx_job *job)
{
	const char *p[2] = { job->id, job->token };

	if (run(db, "SAVEPOINT complete", 0, NULL) != FTX_QUEUE_OURS)
		return 0;
	if (fenced(db, complete_sql, 2, p) == FTX_QUEUE_OURS)
		return 1;
	PQclear(ftx_db_query(db, "ROLLBACK TO SAVEPOINT complete", 0, NULL));
	return 0;
}

enum ftx_queue_rc
ftx_queue_record_send(struct ftx_db *db, const struct ftx_job *job,
    const struct ftx_queue_sent *sent, int *ready)
{
	static const char sql[] = "UPDATE exports SET mail_sent_at = now(), "
	    "file_path = $3, row_count = $4::bigint, file_size = $5::bigint, "
	    "sha256 = $6, expires_at = to_timestamp($7::bigint), "
	    "completed_at = to_timestamp($9::bigint), "
	    "undelivered_recipients = ARRAY(SELECT "
	    "json_array_elements_text($8::json)), updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	char r[24], s[24], t[24], c[24];
	const char *p[9] = { job->id, job->token, sent->path, r, s,
	    sent->sha256, t, sent->undelivered, c };
	enum ftx_queue_rc rc;
	int i;

	*ready = 0;
	snprintf(r, sizeof(r), "%lld", sent->rows);
	snprintf(s, sizeof(s), "%lld", sent->size);
	snprintf(t, sizeof(t), "%lld", sent->expires);
	snprintf(c, sizeof(c), "%lld", sent->ready_at);
	rc = fenced(db, sql, 9, p);
	if (rc == FTX_QUEUE_OURS) {
		*ready = complete_in_transaction(db, job);
		if (run(db, "COMMIT", 0, NULL) == FTX_QUEUE_OURS)
			return FTX_QUEUE_OURS;
		*ready = 0;
	}
	ftx_queue_abort(db);
	if (rc == FTX_QUEUE_LOST)
		return FTX_QUEUE_LOST;	/* cannot be: the row was locked */
	/* LOST below: the COMMIT did happen (READY, claim cleared). */
	/* The e-mail is out: a send left unrecorded goes out again on the
	 * next attempt, so the record is worth a few seconds of retries.
	 * The statement is idempotent (a COMMIT that failed on the way back
	 * may have happened). */
	for (i = 0; i < RECORD_TRIES; i++) {
		if ((rc = fenced(db, sql, 9, p)) != FTX_QUEUE_DOWN)
			break;
		sleep(1);
	}
	if (rc == FTX_QUEUE_DOWN)
		log_err("export %s: the e-mail went out but could not be "
		    "recorded: the next attempt sends it again", job->id);
	return rc;
}

enum ftx_queue_rc
ftx_queue_complete(struct ftx_db *db, const struct ftx_job *job)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.id = $1";
	const char *p[2] = { job->id, job->token };
	enum ftx_queue_rc rc;

	if (ftx_db_begin(db) != 0)
		return FTX_QUEUE_DOWN;
	if ((rc = fenced(db, complete_sql, 2, p)) == FTX_QUEUE_OURS &&
	    ftx_exports_notify_rows(db, sql, 1, p, FTX_EVENT_READY) == 0 &&
	    ftx_db_commit(db) == 0)
		return FTX_QUEUE_OURS;
	if (ftx_db_rollback(db) == -1 || rc == FTX_QUEUE_OURS)
		return FTX_QUEUE_DOWN;
	return rc;
}

void
ftx_queue_abort(struct ftx_db *db)
{
	PQclear(ftx_db_query(db, "ROLLBACK", 0, NULL));
}

/* The delay before the next attempt, in milliseconds, as text. */
static void
retry_delay_ms(int retry_delay, int attempts, char *buf, size_t len)
{
	double ms = retry_delay * 1000.0;
	int i;

	for (i = 1; i < attempts && ms < RETRY_CAP_S * 1000.0; i++)
		ms *= 2;
	if (ms > RETRY_CAP_S * 1000.0)
		ms = RETRY_CAP_S * 1000.0;
	/* +-20% so retries of many exports do not stampede. */
	ms *= 0.8 + 0.4 * ((double)(random() % 1000) / 1000.0);
	snprintf(buf, len, "%.0f", ms);
}

enum ftx_queue_rc
ftx_queue_fail(struct ftx_db *db, const struct ftx_job *job,
    const char *reason, int retry_delay, int max_attempts, int permanent)
{
	static const char retry_sql[] = "UPDATE exports SET "
	    "next_attempt_at = now() + $3::int * interval '1 millisecond', "
	    "failure_reason = $4, claim_token = NULL, claimed_until = NULL, "
	    "updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	/* An export whose e-mail is on record never fails: it stays PENDING
	 * without a claim and end_exhausted() makes it READY. */
	static const char fail_sql[] = "UPDATE exports SET status = "
	    "CASE WHEN mail_sent_at IS NULL THEN 'FAILED' ELSE status END, "
	    "failure_reason = $3, claim_token = NULL, claimed_until = NULL, "
	    "updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING' "
	    "RETURNING id, status";
	char delay[24];
	const char *p[4] = { job->id, job->token, reason, reason };
	PGresult *res;
	int down, n;

	if (permanent || job->attempts >= max_attempts) {
		/* Refused by a notifier: the claim lapses and end_exhausted()
		 * (or the next attempt) fails it again later. */
		if ((res = transition(db, fail_sql, 3, p, to_failed,
		    NCHANGES(to_failed), &down)) == NULL)
			return FTX_QUEUE_DOWN;
		n = PQntuples(res);
		PQclear(res);
		return n > 0 ? FTX_QUEUE_OURS : FTX_QUEUE_LOST;
	}
	retry_delay_ms(retry_delay, job->attempts, delay, sizeof(delay));
	p[2] = delay;
	return fenced(db, retry_sql, 4, p);
}

enum ftx_queue_rc
ftx_queue_release(struct ftx_db *db, const struct ftx_job *job)
{
	static const char sql[] = "UPDATE exports SET claim_token = NULL, "
	    "claimed_until = NULL, attempts = greatest(attempts - 1, 0), "
	    "next_attempt_at = now(), updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	const char *p[2] = { job->id, job->token };

	return fenced(db, sql, 2, p);
}

int
ftx_queue_expire(struct ftx_db *db,
    void (*remove_fn)(const void *arg, const char *path), const void *arg)
{
	static const char sql[] = "UPDATE exports SET status = 'EXPIRED', "
	    "updated_at = now() WHERE id IN (SELECT id FROM exports_shown "
	    "WHERE status = 'READY' AND shown_status = 'EXPIRED' "
	    "LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING id, file_path";
	PGresult *res;
	int i, n, down;

	if ((res = transition(db, sql, 0, NULL, to_expired,
	    NCHANGES(to_expired), &down)) == NULL) {
		if (!down)
			log_err("queue: expiry failed, retried later");
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		log_info("export %s: EXPIRED", PQgetvalue(res, i, 0));
		if (!PQgetisnull(res, i, 1))
			remove_fn(arg, PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return n;
}

enum ftx_queue_rc
ftx_queue_check_ids(struct ftx_db *db, const struct ftx_job *job)
{
	static const char sql[] = "SELECT 1 FROM exports e "
	    "JOIN users u ON u.id = e.user_id "
	    "WHERE e.id = $1 AND e.tenant_id = $2 AND e.user_id = $3 AND "
	    "CASE WHEN e.client_type = 'SUPPLIER' "
	    "THEN coalesce(u.supplier_id, '') ELSE '' END = $4";
	const char *p[4] = { job->id, job->tenant_id, job->user_id,
	    job->supplier_id };
	enum ftx_queue_rc rc = FTX_QUEUE_DOWN;
	PGresult *res;

	if ((res = ftx_db_query(db, sql, 4, p)) == NULL)
		return FTX_QUEUE_DOWN;
	if (ftx_db_ok(res) && PQntuples(res) == 1)
		rc = FTX_QUEUE_OURS;
	else if (ftx_db_ok(res)) {
		log_err("export %s: the claimed ids are not the export's "
		    "(cut short?): refused", job->id);
		rc = FTX_QUEUE_LOST;
	}
	PQclear(res);
	return rc;
}

/* Exports created before migration 008 have no position: the primary's
 * current one is past their creation, so it serves as well. */
int
ftx_queue_created_lsn(struct ftx_db *db, const char *id, char *lsn,
    size_t size)
{
	static const char sql[] = "SELECT coalesce(created_lsn, "
	    "pg_current_wal_insert_lsn())::text FROM exports WHERE id = $1";
	const char *p[1] = { id };
	PGresult *res = ftx_db_query(db, sql, 1, p);
	int rc = -1;

	if (ftx_db_ok(res) && PQntuples(res) == 1 &&
	    (size_t)PQgetlength(res, 0, 0) < size) {
		memcpy(lsn, PQgetvalue(res, 0, 0),
		    (size_t)PQgetlength(res, 0, 0) + 1);
		rc = 0;
	} else if (res != NULL)
		log_err("export %s: its WAL position cannot be read: %s", id,
		    ftx_db_ok(res) ? "no such export" :
		    PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

/* Asks a standby whether it replayed lsn and holds export id's row. */
int
ftx_queue_replayed(struct ftx_db *db, const char *lsn, const char *id)
{
	static const char sql[] = "SELECT pg_is_in_recovery(), "
	    "coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AND "
	    "EXISTS (SELECT 1 FROM exports WHERE id = $2)";
	const char *p[2] = { lsn, id };
	PGresult *res = ftx_db_query(db, sql, 2, p);
	int rc = -1;

	if (ftx_db_ok(res) && PQntuples(res) == 1) {
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			rc = 2;
		else
			rc = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	} else if (res != NULL)
		log_err("export %s: replica: %s", id,
		    PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}
