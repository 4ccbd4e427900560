/*
 * worker.c - the loop of one export worker.
 *
 * Two connections: ctl for the queue (claims, renewals, LISTEN) and data
 * for the snapshot the CSV is read from, so the claim can be renewed while
 * a long COPY runs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "db.h"
#include "exportgen.h"
#include "log.h"
#include "mailer.h"
#include "pool.h"
#include "queue.h"
#include "readymail.h"
#include "signurl.h"
#include "worker.h"

struct worker {
	const struct ftx_config	*cfg;
	struct ftx_db		*ctl, *data;
	PGconn			*listening;	/* ctl connection with LISTEN */
	struct ftx_signurl_keys	*keys;
	char			 label[300];	/* host:pid */
	const struct ftx_job	*job;		/* the one in progress */
	time_t			 renewed;
	int			 lost;
};

static void
unlink_file(const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT)
		ftx_log_errno("unlink %s", path);
}

/* Keeps LISTEN active across reconnections of ctl. */
static void
ensure_listening(struct worker *w)
{
	PGconn *conn = ftx_db_conn(w->ctl);
	PGresult *res;

	if (conn == NULL || conn == w->listening)
		return;
	res = PQexec(conn, "LISTEN ftx_export");
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		w->listening = conn;
	PQclear(res);
}

/* Sleeps until a NOTIFY, a signal or the poll interval. */
static void
wait_for_work(struct worker *w)
{
	struct pollfd pfd;
	PGnotify *n;

	ensure_listening(w);
	if (w->listening == NULL || ftx_db_conn(w->ctl) != w->listening) {
		sleep(1);	/* database down: retry soon */
		return;
	}
	/* Notifications already read (ftx_db_conn may have) mean work. */
	if ((n = PQnotifies(w->listening)) != NULL) {
		do
			PQfreemem(n);
		while ((n = PQnotifies(w->listening)) != NULL);
		return;
	}
	pfd.fd = PQsocket(w->listening);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, w->cfg->poll_interval * 1000) > 0)
		PQconsumeInput(w->listening);
	while ((n = PQnotifies(w->listening)) != NULL)
		PQfreemem(n);
}

/* Called by the generator every few thousand rows. */
static int
still_ours(void *arg)
{
	struct worker *w = arg;
	time_t now = time(NULL);

	if (ftx_pool_stopping())
		return -1;
	/* Renewing once a second also notices a cancel within a second. */
	if (now != w->renewed) {
		if (ftx_queue_renew(w->ctl, w->job, w->cfg->claim_timeout) == 0) {
			w->lost = 1;
			return -1;
		}
		w->renewed = now;
	}
	return 0;
}

static int
cc_list(const char *cc_json, const char **cc, int max)
{
	struct json_object *arr = json_tokener_parse(cc_json);
	int i, n = 0;

	if (arr != NULL && json_object_is_type(arr, json_type_array)) {
		n = (int)json_object_array_length(arr);
		if (n > max)
			n = max;
		for (i = 0; i < n; i++)
			cc[i] = strdup(json_object_get_string(
			    json_object_array_get_idx(arr, i)));
	}
	json_object_put(arr);
	return n;
}

/* With the export row locked (the claim proven still ours), publishes the
 * file, sends the e-mail and marks the export READY.  Returns 0, or -1
 * with err set (the attempt failed), or -2 (lost: nothing touched). */
static int
announce(struct worker *w, const struct ftx_job *job,
    const struct ftx_export_file *file, char *err, size_t errlen)
{
	const char *cc[16];
	char url[1024], why[400], *subject = NULL, *body = NULL;
	struct ftx_mail mail;
	long long expires = (long long)time(NULL) + w->cfg->ttl;
	int i, ncc, rc = -1, locked;

	memset(&mail, 0, sizeof(mail));
	ncc = cc_list(job->cc_json, cc, 16);
	if (w->keys == NULL || ftx_signurl_url(w->keys, w->cfg->base_url,
	    job->id, expires, url, sizeof(url)) == -1) {
		snprintf(err, errlen, "The download link could not be signed");
		goto out;
	}
	subject = ftx_readymail_subject(job->id);
	body = ftx_readymail_body(job->id, url, expires, file->rows,
	    job->filters_json);
	if ((locked = ftx_queue_lock(w->ctl, job)) != 1) {
		rc = locked == 0 ? -2 : -1;
		snprintf(err, errlen, "The database is unavailable");
		goto out;
	}
	if (ftx_exportgen_publish(file, err, errlen) == -1) {
		ftx_queue_abort(w->ctl);
		goto out;
	}
	mail.from = w->cfg->from;
	mail.to = job->email;
	mail.cc = cc;
	mail.ncc = ncc;
	mail.subject = subject;
	mail.body = body;
	mail.date = time(NULL);
	if (subject == NULL || body == NULL ||
	    ftx_mail_send(w->cfg, &mail, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "The e-mail could not be sent: %s",
		    subject == NULL || body == NULL ? "out of memory" : why);
		ftx_queue_abort(w->ctl);
		unlink_file(file->path);	/* still ours: row locked */
		goto out;
	}
	if (ftx_queue_complete(w->ctl, job, file->path, file->rows,
	    file->size, file->sha256, expires) == -1) {
		snprintf(err, errlen, "The database is unavailable");
		unlink_file(file->path);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < ncc; i++)
		free((char *)cc[i]);
	free(subject);
	free(body);
	return rc;
}

static void
process(struct worker *w, const struct ftx_job *job)
{
	struct ftx_export_file file;
	char err[512];
	int rc;

	log_info("export %s: claimed by %s (attempt %d)", job->id, w->label,
	    job->attempts);
	w->job = job;
	w->renewed = time(NULL);
	w->lost = 0;
	rc = ftx_exportgen_run(w->data, w->cfg, job, still_ours, w, &file,
	    err, sizeof(err));
	if (rc == 0) {
		rc = announce(w, job, &file, err, sizeof(err));
		ftx_exportgen_discard(&file);	/* unless published */
	}
	if (rc == 0) {
		log_info("export %s: READY (%lld rows, %lld bytes)", job->id,
		    file.rows, file.size);
	} else if (rc == -2 || w->lost) {
		if (!w->lost && ftx_pool_stopping() &&
		    ftx_queue_release(w->ctl, job) == 1)
			log_notice("export %s: released at shutdown", job->id);
		else
			log_notice("export %s: claim lost (canceled or taken "
			    "over), work discarded", job->id);
	} else {
		log_warning("export %s: attempt %d failed: %s", job->id,
		    job->attempts, err);
		if (ftx_queue_fail(w->ctl, job, err, w->cfg->retry_delay,
		    w->cfg->max_attempts) == 0)
			log_info("export %s: %s", job->id,
			    job->attempts >= w->cfg->max_attempts ? "FAILED" :
			    "retry scheduled");
	}
	w->job = NULL;
}

void
ftx_worker_run(const struct ftx_config *cfg)
{
	struct worker w;
	struct ftx_job job;
	char host[256], err[512];
	time_t next_expiry = 0;
	int rc;

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(w.label, sizeof(w.label), "%s:%ld", host, (long)getpid());
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	w.ctl = ftx_db_new(cfg->conninfo, "ftx-exportd");
	w.data = ftx_db_new(cfg->conninfo, "ftx-exportd");
	if ((w.keys = ftx_signurl_load(cfg->secret_file, err,
	    sizeof(err))) == NULL)
		log_err("download links cannot be signed: %s", err);
	while (w.ctl != NULL && w.data != NULL && !ftx_pool_stopping()) {
		if (time(NULL) >= next_expiry) {
			ftx_queue_expire(w.ctl, unlink_file);
			next_expiry = time(NULL) + cfg->poll_interval;
		}
		ftx_db_settle(w.ctl);	/* no transaction outlives its job */
		rc = ftx_queue_claim(w.ctl, w.label, cfg->claim_timeout,
		    cfg->max_attempts, &job);
		if (rc == 1)
			process(&w, &job);
		ftx_job_free(&job);
		if (rc == 0)
			wait_for_work(&w);
		else if (rc == -1)
			sleep(1);
	}
	ftx_signurl_free(w.keys);
	ftx_db_free(w.ctl);
	ftx_db_free(w.data);
}
