/*
 * webhook_deliver.c - claim, render, sign, send, record.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "db.h"
#include "exports.h"
#include "log.h"
#include "webhook_deliver.h"
#include "webhook_outbox.h"
#include "webhook_send.h"
#include "webhook_sign.h"

struct ftx_webhook_deliverer {
	const struct ftx_config		*cfg;
	const struct ftx_signurl_keys	*keys;
	struct ftx_db			*db;
	char				*label;
	time_t				 next_prune;
};

/* Events are kept this long after their deliveries ended (the delivery
 * log of ftx-admin webhook deliveries). */
#define KEEP_DAYS	30
#define PRUNE_EVERY	60	/* seconds, per worker, when idle */

struct ftx_webhook_deliverer *
ftx_webhook_deliverer_new(const struct ftx_config *cfg,
    const struct ftx_signurl_keys *keys, const char *label)
{
	struct ftx_webhook_deliverer *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->cfg = cfg;
	d->keys = keys;
	d->db = ftx_db_new(cfg->conninfo, "ftx-exportd webhooks");
	d->label = strdup(label);
	if (d->db == NULL || d->label == NULL) {
		ftx_webhook_deliverer_free(d);
		return NULL;
	}
	return d;
}

void
ftx_webhook_deliverer_free(struct ftx_webhook_deliverer *d)
{
	if (d == NULL)
		return;
	ftx_db_free(d->db);
	free(d->label);
	free(d);
}

int
ftx_webhook_next_due(struct ftx_webhook_deliverer *d, int max)
{
	if (d == NULL)
		return max;
	ftx_db_settle(d->db);
	return ftx_webhook_due_in(d->db, max);
}

int
ftx_webhook_claim_lapse(const struct ftx_config *cfg)
{
	/* The name lookup is outside curl's timeout: room for it. */
	return 2 * cfg->webhook_timeout + 10;
}

/* The export object as the API shows it to its owner, now; *pending = 1
 * (and NULL) while the export is still PENDING: its change committed the
 * event before the export itself, which follows within moments. */
static struct json_object *
export_object(struct ftx_webhook_deliverer *d, const char *export_id,
    int *pending)
{
	struct ftx_export *e = NULL;
	struct json_object *o = NULL;

	*pending = 0;
	if (ftx_exports_get(d->db, export_id, NULL, &e) == FTX_EXPORTS_OK) {
		if (strcmp(ftx_export_status(e), "PENDING") == 0)
			*pending = 1;
		else
			o = ftx_export_json(e, d->keys, d->cfg->base_url);
	}
	ftx_export_free(e);
	return o;
}

/* The body of job's event: {"id", "type", "createdAt", "data":
 * {"export": {...}}}; a new string, or NULL (*pending as above). */
static char *
render(struct ftx_webhook_deliverer *d, const struct ftx_webhook_job *job,
    int *pending)
{
	struct json_object *root, *data, *exp;
	char *body = NULL;

	exp = export_object(d, job->export_id, pending);
	root = json_object_new_object();
	data = json_object_new_object();
	if (exp == NULL || root == NULL || data == NULL ||
	    json_object_object_add(data, "export", exp) != 0) {
		json_object_put(exp);
		goto out;
	}
	if (json_object_object_add(root, "id",
	    json_object_new_string(job->event_id)) != 0 ||
	    json_object_object_add(root, "type",
	    json_object_new_string(job->type)) != 0 ||
	    json_object_object_add(root, "createdAt",
	    json_object_new_string(job->created)) != 0 ||
	    json_object_object_add(root, "data", data) != 0)
		goto out;
	data = NULL;
	body = strdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(data);
	json_object_put(root);
	return body;
}

/* Sends job's frozen body; fills *res.  0 delivered, else -1. */
static int
send_job(struct ftx_webhook_deliverer *d, const struct ftx_webhook_job *job,
    struct ftx_webhook_result *res)
{
	struct ftx_webhook_request rq;
	char sig[FTX_WEBHOOK_SIG_LEN];

	if (ftx_webhook_sign((const char *const *)job->secrets, 2,
	    (long long)time(NULL), job->payload, strlen(job->payload), sig,
	    sizeof(sig)) == -1) {
		memset(res, 0, sizeof(*res));
		snprintf(res->error, sizeof(res->error), "cannot sign");
		return -1;
	}
	rq.url = job->url;
	rq.event_id = job->event_id;
	rq.signature = sig;
	rq.body = job->payload;
	rq.len = strlen(job->payload);
	rq.timeout = d->cfg->webhook_timeout;
	rq.allow_private = d->cfg->webhook_allow_private;
	return ftx_webhook_send(&rq, res);
}

static void
record(struct ftx_webhook_deliverer *d, const struct ftx_webhook_job *job,
    int ok, const struct ftx_webhook_result *res)
{
	const struct ftx_config *c = d->cfg;
	long delay = 0;

	if (ok)
		log_info("webhook %s (%s of export %s) delivered to endpoint "
		    "%s: HTTP %d", job->event_id, job->type, job->export_id,
		    job->endpoint_id, res->status);
	else {
		delay = ftx_webhook_backoff(job->attempts,
		    c->webhook_retry_delay, c->webhook_retry_max,
		    random() / ((double)RAND_MAX + 1));
		if (job->attempts >= c->webhook_max_attempts)
			log_warning("webhook %s to endpoint %s: attempt %d "
			    "failed: %s; given up", job->event_id,
			    job->endpoint_id, job->attempts, res->error);
		else
			log_warning("webhook %s to endpoint %s: attempt %d "
			    "failed: %s; next in %ld s", job->event_id,
			    job->endpoint_id, job->attempts, res->error,
			    delay);
	}
	if (ftx_webhook_record(d->db, job, ok, res->status, res->error,
	    delay, c->webhook_max_attempts) == -1)
		log_warning("webhook %s to endpoint %s: outcome not recorded "
		    "(the claim lapses and it is attempted again)",
		    job->event_id, job->endpoint_id);
}

/* Renders and freezes the body of job's event at its first attempt.  0,
 * or -1 with res->error set (the attempt counts as failed). */
static int
freeze(struct ftx_webhook_deliverer *d, struct ftx_webhook_job *job,
    struct ftx_webhook_result *res)
{
	char *body;
	int pending, rc = -1;

	if ((body = render(d, job, &pending)) == NULL)
		snprintf(res->error, sizeof(res->error), pending ?
		    "the export is not complete yet" :
		    "the body could not be made");
	else if (ftx_webhook_freeze(d->db, job, body) == -1)
		snprintf(res->error, sizeof(res->error),
		    "the body could not be stored");
	else
		rc = 0;
	free(body);
	return rc;
}

int
ftx_webhook_deliver_one(struct ftx_webhook_deliverer *d)
{
	struct ftx_webhook_result res;
	struct ftx_webhook_job job;
	int n, rc, ok;

	if (d == NULL)
		return -1;
	ftx_db_settle(d->db);
	rc = ftx_webhook_claim(d->db, d->label, ftx_webhook_claim_lapse(d->cfg),
	    &job);
	if (rc == 0 && time(NULL) >= d->next_prune) {
		d->next_prune = time(NULL) + PRUNE_EVERY;
		if ((n = ftx_webhook_prune(d->db, KEEP_DAYS)) > 0)
			log_info("webhooks: %d events older than %d days "
			    "deleted", n, KEEP_DAYS);
	}
	if (rc != 1)
		return rc;
	memset(&res, 0, sizeof(res));
	if (job.payload == NULL && freeze(d, &job, &res) == -1) {
		record(d, &job, 0, &res);
		ftx_webhook_job_free(&job);
		return 1;
	}
	ok = send_job(d, &job, &res) == 0;
	record(d, &job, ok, &res);
	ftx_webhook_job_free(&job);
	return 1;
}
