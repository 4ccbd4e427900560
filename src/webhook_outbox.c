/*
 * webhook_outbox.c - events and deliveries of webhooks: enqueue, claim,
 * freeze, record, list.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"
#include "log.h"
#include "webhook_outbox.h"

int
ftx_webhook_enqueue(struct ftx_db *db, const char *tenant, const char *type,
    const char *export_id)
{
	static const char sql[] =
	    "WITH ep AS (SELECT id FROM webhook_endpoints"
	    " WHERE tenant_id = $1 AND enabled AND $2 = ANY (events)),"
	    " ev AS (INSERT INTO webhook_events (id, tenant_id, type,"
	    " export_id) SELECT 'evt_' || replace(gen_random_uuid()::text,"
	    " '-', ''), $1, $2, $3 WHERE EXISTS (SELECT 1 FROM ep)"
	    " ON CONFLICT (export_id, type) DO NOTHING RETURNING id),"
	    " dl AS (INSERT INTO webhook_deliveries (event_id, endpoint_id)"
	    " SELECT ev.id, ep.id FROM ev, ep RETURNING 1)"
	    " SELECT pg_notify('" FTX_WEBHOOK_CHANNEL "', '') FROM ev";
	const char *p[3] = { tenant, type, export_id };
	int rc;

	if ((rc = ftx_db_exec(db, sql, 3, p)) != 0)
		log_warning("export %s: webhook event %s not written", export_id,
		    type);
	return rc;
}

static char *
dup_value(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : strdup(PQgetvalue(res, 0, col));
}

static int
fill_job(const PGresult *res, struct ftx_webhook_job *job)
{
	char **s[] = { &job->event_id, &job->endpoint_id, NULL, &job->type,
	    &job->export_id, &job->created, &job->payload, &job->url,
	    &job->secrets[0], &job->secrets[1] };
	int i;

	job->attempts = atoi(PQgetvalue(res, 0, 2));
	for (i = 0; i < (int)(sizeof(s) / sizeof(s[0])); i++) {
		if (s[i] == NULL)
			continue;
		*s[i] = dup_value(res, i);
		if (*s[i] == NULL && !PQgetisnull(res, 0, i))
			return -1;
	}
	return 0;
}

int
ftx_webhook_claim(struct ftx_db *db, const char *label, int lapse,
    struct ftx_webhook_job *job)
{
	static const char sql[] =
	    "WITH c AS (SELECT d.event_id, d.endpoint_id"
	    " FROM webhook_deliveries d JOIN webhook_endpoints p"
	    " ON p.id = d.endpoint_id AND p.enabled"
	    " WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()"
	    " AND (d.claim_until IS NULL OR d.claim_until < now())"
	    " ORDER BY d.next_attempt_at LIMIT 1"
	    " FOR UPDATE OF d SKIP LOCKED)"
	    " UPDATE webhook_deliveries d SET attempts = d.attempts + 1,"
	    " claimed_by = $1, claim_token = $2,"
	    " claim_until = now() + make_interval(secs => $3::int),"
	    " last_attempt_at = now()"
	    " FROM c, webhook_events e, webhook_endpoints p"
	    " WHERE d.event_id = c.event_id AND d.endpoint_id = c.endpoint_id"
	    " AND e.id = d.event_id AND p.id = d.endpoint_id"
	    " RETURNING d.event_id, d.endpoint_id, d.attempts, e.type,"
	    " e.export_id, to_char(e.created_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), e.payload, p.url, p.secret,"
	    " CASE WHEN p.previous_until > now() THEN p.previous_secret END";
	unsigned char rnd[16];
	char lapse_s[16];
	const char *p[3] = { label, job->token, lapse_s };
	PGresult *res;
	int rc = -1;

	memset(job, 0, sizeof(*job));
	if (ftx_crypto_init() == -1)
		return -1;
	gcry_create_nonce(rnd, sizeof(rnd));
	ftx_hex_encode(rnd, sizeof(rnd), job->token);
	snprintf(lapse_s, sizeof(lapse_s), "%d", lapse);
	if ((res = ftx_db_query(db, sql, 3, p)) == NULL || !ftx_db_ok(res))
		goto out;
	rc = 0;
	if (PQntuples(res) == 1) {
		rc = 1;
		if (fill_job(res, job) == -1) {
			log_err("webhook delivery: out of memory");
			rc = -1;
		}
	}
out:
	PQclear(res);
	if (rc != 1)
		ftx_webhook_job_free(job);
	return rc;
}

int
ftx_webhook_due_in(struct ftx_db *db, int max)
{
	static const char sql[] = "SELECT ceil(extract(epoch FROM"
	    " min(greatest(d.next_attempt_at, coalesce(d.claim_until,"
	    " d.next_attempt_at))) - now()))::bigint"
	    " FROM webhook_deliveries d JOIN webhook_endpoints p"
	    " ON p.id = d.endpoint_id AND p.enabled"
	    " WHERE d.status = 'PENDING'";
	PGresult *res = ftx_db_query(db, sql, 0, NULL);
	long long s = max;

	if (ftx_db_ok(res) && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		s = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return s < 0 ? 0 : s > max ? max : (int)s;
}

void
ftx_webhook_job_free(struct ftx_webhook_job *job)
{
	if (job == NULL)
		return;
	free(job->event_id);
	free(job->endpoint_id);
	free(job->type);
	free(job->export_id);
	free(job->created);
	free(job->payload);
	free(job->url);
	if (job->secrets[0] != NULL)
		explicit_bzero(job->secrets[0], strlen(job->secrets[0]));
	if (job->secrets[1] != NULL)
		explicit_bzero(job->secrets[1], strlen(job->secrets[1]));
	free(job->secrets[0]);
	free(job->secrets[1]);
	memset(job, 0, sizeof(*job));
}

int
ftx_webhook_freeze(struct ftx_db *db, struct ftx_webhook_job *job,
    const char *body)
{
	static const char sql[] = "UPDATE webhook_events"
	    " SET payload = COALESCE(payload, $2) WHERE id = $1"
	    " RETURNING payload";
	const char *p[2] = { job->event_id, body };
	PGresult *res;
	char *stored = NULL;

	res = ftx_db_query(db, sql, 2, p);
	if (ftx_db_ok(res) && PQntuples(res) == 1)
		stored = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (stored == NULL)
		return -1;
	free(job->payload);
	job->payload = stored;
	return 0;
}

int
ftx_webhook_record(struct ftx_db *db, const struct ftx_webhook_job *job,
    int delivered, int status, const char *error, long delay,
    int max_attempts)
{
	static const char ok_sql[] = "UPDATE webhook_deliveries"
	    " SET status = 'DELIVERED', delivered_at = now(),"
	    " last_status = $3::int, last_error = NULL, claimed_by = NULL,"
	    " claim_token = NULL, claim_until = NULL"
	    " WHERE event_id = $1 AND endpoint_id = $2 AND status = 'PENDING'";
	static const char fail_sql[] = "UPDATE webhook_deliveries"
	    " SET last_status = $3::int, last_error = $4,"
	    " next_attempt_at = now() + make_interval(secs => $5::int),"
	    " status = CASE WHEN attempts >= $6::int THEN 'FAILED'"
	    " ELSE 'PENDING' END,"
	    " claimed_by = NULL, claim_token = NULL, claim_until = NULL"
	    " WHERE event_id = $1 AND endpoint_id = $2 AND claim_token = $7"
	    " AND status = 'PENDING'";
	char st[16], dl[24], max[16];
	const char *p[7] = { job->event_id, job->endpoint_id,
	    status > 0 ? st : NULL, error, dl, max, job->token };

	snprintf(st, sizeof(st), "%d", status);
	snprintf(dl, sizeof(dl), "%ld", delay);
	snprintf(max, sizeof(max), "%d", max_attempts);
	if (delivered)
		return ftx_db_exec(db, ok_sql, 3, p) == 0 ? 0 : -1;
	return ftx_db_exec(db, fail_sql, 7, p) == 0 ? 0 : -1;
}

int
ftx_webhook_prune(struct ftx_db *db, int days)
{
	static const char sql[] = "DELETE FROM webhook_events WHERE id IN"
	    " (SELECT e.id FROM webhook_events e"
	    " WHERE e.created_at < now() - make_interval(days => $1::int)"
	    " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
	    " WHERE d.event_id = e.id AND d.status = 'PENDING')"
	    " LIMIT 1000 FOR UPDATE SKIP LOCKED)";
	char d[16];
	const char *p[1] = { d };
	PGresult *res;
	int n = -1;

	snprintf(d, sizeof(d), "%d", days);
	res = ftx_db_query(db, sql, 1, p);
	if (ftx_db_ok(res))
		n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n;
}

long
ftx_webhook_backoff(int attempt, int base, int max, double r)
{
	double d = base;
	int i;

	if (base <= 0)
		return 0;
	for (i = 1; i < attempt && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	if (r < 0 || r >= 1)
		r = 0.5;
	d *= 0.75 + r / 2;
	return d < 1 ? 1 : (long)d;
}

void
ftx_webhook_print_rows(const PGresult *res, FILE *out)
{
	const char *v;
	int i, j, n = PQntuples(res), m = PQnfields(res);

	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++) {
			v = PQgetisnull(res, i, j) ? "-" :
			    PQgetvalue(res, i, j);
			for (; *v != '\0'; v++)
				fputc(*v == '\t' || *v == '\n' || *v == '\r' ?
				    ' ' : *v, out);
			fputc(j == m - 1 ? '\n' : '\t', out);
		}
}

int
ftx_webhook_deliveries_list(struct ftx_db *db, const char *endpoint,
    const char *event, FILE *out, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT d.event_id, d.endpoint_id, e.type, e.export_id, d.status,"
	    " d.attempts, d.last_status,"
	    " to_char(d.last_attempt_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " to_char(CASE WHEN d.status = 'DELIVERED' THEN d.delivered_at"
	    " WHEN d.status = 'PENDING' THEN d.next_attempt_at END"
	    " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " d.last_error"
	    " FROM webhook_deliveries d JOIN webhook_events e"
	    " ON e.id = d.event_id"
	    " WHERE ($1::text IS NULL OR d.endpoint_id = $1)"
	    " AND ($2::text IS NULL OR d.event_id = $2)"
	    " ORDER BY e.created_at DESC, e.id DESC, d.endpoint_id LIMIT 1000";
	const char *p[2] = { endpoint, event };
	PGresult *res;

	if ((res = ftx_db_query(db, sql, 2, p)) == NULL || !ftx_db_ok(res)) {
		snprintf(err, errlen, "cannot list deliveries");
		PQclear(res);
		return -1;
	}
	ftx_webhook_print_rows(res, out);
	PQclear(res);
	return 0;
}
