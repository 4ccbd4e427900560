/*
 * queue.c - claiming, renewing, completing and failing exports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "db.h"
#include "hex.h"
#include "log.h"
#include "queue.h"

#define RETRY_CAP_S	600

void
ftx_job_free(struct ftx_job *job)
{
	if (job == NULL)
		return;
	free(job->filters_json);
	free(job->cc_json);
	job->filters_json = job->cc_json = NULL;
}

static void
copy_value(char *dst, size_t size, const PGresult *res, int col)
{
	snprintf(dst, size, "%s", PQgetvalue(res, 0, col));
}

static void
new_token(char *token)
{
	unsigned char raw[16];

	ftx_crypto_init();
	gcry_create_nonce(raw, sizeof(raw));
	ftx_hex_encode(raw, sizeof(raw), token);
}

/* Runs a fenced statement: 1 one row matched, 0 none, -1 unavailable or
 * failed. */
static int
fenced(struct ftx_db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = ftx_db_query(db, sql, n, params);
	int rc = -1;

	if (ftx_db_ok(res))
		rc = strcmp(PQcmdTuples(res), "0") != 0;
	else if (res != NULL)
		log_err("queue: %s", PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

int
ftx_queue_claim(struct ftx_db *db, const char *worker, int claim_timeout,
    int max_attempts, struct ftx_job *job)
{
	/* Exports with no attempt left end FAILED: their worker vanished
	 * during the last attempt, or max_attempts was lowered while they
	 * waited for a retry (then the last error is the reason). */
	static const char exhausted_sql[] = "UPDATE exports SET "
	    "status = 'FAILED', failure_reason = coalesce(failure_reason, "
	    "'Generation did not finish after ' || attempts || ' attempts "
	    "(the export daemon stopped while working on it)'), "
	    "updated_at = now(), claim_token = NULL, claimed_until = NULL "
	    "WHERE status = 'PENDING' AND attempts >= $1::int "
	    "AND (claimed_until IS NULL OR claimed_until < now())";
	static const char claim_sql[] = "UPDATE exports e SET "
	    "claim_token = $1, claimed_by = $2, "
	    "claimed_until = now() + $3::int * interval '1 second', "
	    "attempts = e.attempts + 1, updated_at = now() "
	    "FROM users u WHERE u.id = e.user_id AND e.id = ("
	    "SELECT id FROM exports WHERE status = 'PENDING' "
	    "AND next_attempt_at <= now() AND attempts < $4::int "
	    "AND (claimed_until IS NULL OR claimed_until < now()) "
	    "ORDER BY next_attempt_at, created_at "
	    "LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "RETURNING e.id, e.tenant_id, e.user_id, "
	    "coalesce(u.supplier_id, ''), u.email, e.filters::text, "
	    "array_to_json(e.cc)::text, e.attempts, e.client_type";
	char timeout[16], maxa[16];
	const char *p[4];
	PGresult *res;
	int rc;

	memset(job, 0, sizeof(*job));
	snprintf(timeout, sizeof(timeout), "%d", claim_timeout);
	snprintf(maxa, sizeof(maxa), "%d", max_attempts);
	p[0] = maxa;
	if (fenced(db, exhausted_sql, 1, p) == -1)
		return -1;
	new_token(job->token);
	p[0] = job->token;
	p[1] = worker;
	p[2] = timeout;
	p[3] = maxa;
	if ((res = ftx_db_query(db, claim_sql, 4, p)) == NULL)
		return -1;
	if (!ftx_db_ok(res)) {
		log_err("queue: claim failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	if ((rc = PQntuples(res)) == 1) {
		copy_value(job->id, sizeof(job->id), res, 0);
		copy_value(job->tenant_id, sizeof(job->tenant_id), res, 1);
		copy_value(job->user_id, sizeof(job->user_id), res, 2);
		/* A SUPPLIER export keeps the supplier scope even if the user
		 * row changed since; an OPERATOR export has none. */
		if (strcmp(PQgetvalue(res, 0, 8), "SUPPLIER") == 0)
			copy_value(job->supplier_id, sizeof(job->supplier_id),
			    res, 3);
		copy_value(job->email, sizeof(job->email), res, 4);
		job->filters_json = strdup(PQgetvalue(res, 0, 5));
		job->cc_json = strdup(PQgetvalue(res, 0, 6));
		job->attempts = atoi(PQgetvalue(res, 0, 7));
		if (job->filters_json == NULL || job->cc_json == NULL)
			rc = -1;
	}
	PQclear(res);
	return rc;
}

int
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

int
ftx_queue_lock(struct ftx_db *db, const struct ftx_job *job)
{
	static const char sql[] = "SELECT 1 FROM exports WHERE id = $1 "
	    "AND claim_token = $2 AND status = 'PENDING' FOR UPDATE";
	const char *p[2] = { job->id, job->token };
	PGresult *res;
	int rc;

	if (fenced(db, "BEGIN", 0, NULL) == -1)
		return -1;
	if ((res = ftx_db_query(db, sql, 2, p)) == NULL)
		return -1;
	rc = ftx_db_ok(res) ? PQntuples(res) == 1 : -1;
	PQclear(res);
	if (rc != 1)
		ftx_queue_abort(db);
	return rc;
}

int
ftx_queue_complete(struct ftx_db *db, const struct ftx_job *job,
    const char *path, long long rows, long long size, const char *sha256,
    long long expires)
{
	static const char sql[] = "UPDATE exports SET status = 'READY', "
	    "completed_at = now(), updated_at = now(), "
	    "expires_at = to_timestamp($7::bigint), "
	    "file_path = $3, row_count = $4::bigint, file_size = $5::bigint, "
	    "sha256 = $6, mail_sent_at = now(), failure_reason = NULL, "
	    "claim_token = NULL, claimed_until = NULL "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	char r[24], s[24], t[24];
	const char *p[7] = { job->id, job->token, path, r, s, sha256, t };

	snprintf(r, sizeof(r), "%lld", rows);
	snprintf(s, sizeof(s), "%lld", size);
	snprintf(t, sizeof(t), "%lld", expires);
	if (fenced(db, sql, 7, p) != 1) {
		ftx_queue_abort(db);
		return -1;
	}
	return fenced(db, "COMMIT", 0, NULL) == -1 ? -1 : 0;
}

void
ftx_queue_abort(struct ftx_db *db)
{
	PQclear(ftx_db_query(db, "ROLLBACK", 0, NULL));
}

int
ftx_queue_fail(struct ftx_db *db, const struct ftx_job *job,
    const char *reason, int retry_delay, int max_attempts)
{
	static const char retry_sql[] = "UPDATE exports SET "
	    "next_attempt_at = now() + $3::int * interval '1 millisecond', "
	    "failure_reason = $4, claim_token = NULL, claimed_until = NULL, "
	    "updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	static const char fail_sql[] = "UPDATE exports SET status = 'FAILED', "
	    "failure_reason = $3, claim_token = NULL, claimed_until = NULL, "
	    "updated_at = now() "
	    "WHERE id = $1 AND claim_token = $2 AND status = 'PENDING'";
	char delay[24];
	const char *p[4] = { job->id, job->token, NULL, reason };
	double ms;
	int rc;

	if (job->attempts >= max_attempts) {
		p[2] = reason;
		rc = fenced(db, fail_sql, 3, p);
	} else {
		ms = retry_delay * 1000.0;
		for (rc = 1; rc < job->attempts && ms < RETRY_CAP_S * 1000.0;
		    rc++)
			ms *= 2;
		if (ms > RETRY_CAP_S * 1000.0)
			ms = RETRY_CAP_S * 1000.0;
		/* +-20% so retries of many exports do not stampede. */
		ms *= 0.8 + 0.4 * ((double)(random() % 1000) / 1000.0);
		snprintf(delay, sizeof(delay), "%.0f", ms);
		p[2] = delay;
		rc = fenced(db, retry_sql, 4, p);
	}
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
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
ftx_queue_expire(struct ftx_db *db, void (*unlink_fn)(const char *path))
{
	static const char sql[] = "UPDATE exports SET status = 'EXPIRED', "
	    "updated_at = now() WHERE id IN (SELECT id FROM exports "
	    "WHERE status = 'READY' AND expires_at <= now() "
	    "LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING id, file_path";
	PGresult *res;
	int i, n;

	if ((res = ftx_db_query(db, sql, 0, NULL)) == NULL)
		return -1;
	if (!ftx_db_ok(res)) {
		log_err("queue: expiry failed: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		log_info("export %s: EXPIRED", PQgetvalue(res, i, 0));
		if (!PQgetisnull(res, i, 1))
			unlink_fn(PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return n;
}
