/*
 * worker.c - the loop of one export worker.
 *
 * Two connections: ctl for the queue (claims, renewals, LISTEN unless the
 * listener has a session of its own) and data for the snapshot the CSV is
 * read from, so the claim can be renewed while a long COPY runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "exportgen.h"
#include "exports.h"
#include "listener.h"
#include "log.h"
#include "notify.h"
#include "pool.h"
#include "replica.h"
#include "signurl.h"
#include "store.h"
#include "webhook_deliver.h"
#include "worker.h"

struct worker {
	const struct ftx_config	*cfg;
	struct ftx_db		*ctl, *data;
	struct ftx_listener	*listener;	/* waits for work */
	struct ftx_replica	*replica;	/* where exports are read, §17 */
	struct ftx_signurl_keys	*keys;
	struct ftx_webhook_deliverer *hooks;	/* between exports */
	char			 label[300];	/* host:pid */
	const struct ftx_job	*job;		/* the one in progress */
	time_t			 renewed;
	int			 lost;
};

/* Removes an export's file (cfg: its export_dir), through the store,
 * which refuses a recorded path outside export_dir. */
static void
remove_file(const void *cfg, const char *path)
{
	const struct ftx_config *c = cfg;

	if (ftx_store_remove(c, path) == -1 && errno != ENOENT)
		ftx_log_errno("remove %s", path);
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
		if (ftx_queue_renew(w->ctl, w->job, w->cfg->claim_timeout) ==
		    FTX_QUEUE_LOST) {
			w->lost = 1;
			return -1;
		}
		w->renewed = now;
	}
	return 0;
}

/* How an attempt ended. */
enum outcome {
	DONE,		/* READY */
	RETRY,		/* failed: retried, or FAILED after the last attempt */
	FAILED_NOW,	/* failed for good: FAILED at once */
	LOST		/* the claim is gone, or the daemon stops: hands off */
};

static enum outcome
queue_outcome(enum ftx_queue_rc q, char *err, size_t errlen)
{
	if (q == FTX_QUEUE_OURS)
		return DONE;
	if (q == FTX_QUEUE_LOST)
		return LOST;
	snprintf(err, errlen, "The database is unavailable");
	return RETRY;
}

/* Marks an export whose e-mail is on record READY. */
static enum outcome
finish(struct worker *w, const struct ftx_job *job, char *err, size_t errlen)
{
	return queue_outcome(ftx_queue_complete(w->ctl, job), err, errlen);
}

/* With the row locked and the file published: the READY notifiers (the
 * e-mail), then the record of what they announced and READY.  A notifier
 * that fails rolls back, and the published file goes again. */
static enum outcome
notify_and_record(struct worker *w, struct ftx_job *job,
    const struct ftx_export_file *file, struct ftx_queue_sent *sent,
    struct ftx_notice *notice, char *err, size_t errlen)
{
	enum outcome rc;
	int ready;

	if (ftx_queue_set_ready(job, sent) == -1 ||
	    ftx_notify(w->ctl, job->export, FTX_EVENT_READY, notice) == -1) {
		ftx_queue_abort(w->ctl);
		remove_file(w->cfg, file->path); /* ours: row locked */
		snprintf(err, errlen, "%s", notice->reason[0] != '\0' ?
		    notice->reason : "Out of memory");
		return notice->permanent ? FAILED_NOW : RETRY;
	}
	sent->undelivered = notice->undelivered != NULL ?
	    notice->undelivered : "[]";
	rc = queue_outcome(ftx_queue_record_send(w->ctl, job, sent, &ready),
	    err, errlen);
	/* Recorded but not READY: the completion failed; once more now,
	 * else the next attempt completes without sending again. */
	if (rc == DONE && !ready)
		rc = finish(w, job, err, errlen);
	return rc;
}

/* Locks the export, publishes the file, calls the READY notifiers (the
 * e-mail), records what they announced and marks the export READY, with
 * the claim proven still ours (the row locked) from the publication to
 * the record. */
static enum outcome
announce(struct worker *w, struct ftx_job *job,
    const struct ftx_export_file *file, char *err, size_t errlen)
{
	char url[1024];
	long long expires = (long long)time(NULL) + w->cfg->ttl;
	struct ftx_queue_sent sent;
	struct ftx_notice notice;
	enum outcome rc;

	ftx_notice_init(&notice);
	notice.last_attempt = job->attempts >= w->cfg->max_attempts;
	if (w->keys != NULL && ftx_signurl_url(w->keys, w->cfg->base_url,
	    job->id, expires, url, sizeof(url)) == 0)
		notice.download_url = url;
	if ((rc = queue_outcome(ftx_queue_lock(w->ctl, job), err, errlen)) !=
	    DONE)
		return rc;
	if (ftx_exportgen_publish(file, err, errlen) == -1) {
		ftx_queue_abort(w->ctl);
		return RETRY;
	}
	memset(&sent, 0, sizeof(sent));
	sent.path = file->path;
	sent.rows = file->rows;
	sent.size = file->size;
	sent.sha256 = file->sha256;
	sent.expires = expires;
	sent.ready_at = expires - w->cfg->ttl;
	rc = notify_and_record(w, job, file, &sent, &notice, err, errlen);
	ftx_notice_free(&notice);
	return rc;
}

/* A failure reason is shown to people: a server path is not for them
 * (the log has it). */
static const char *
people_reason(const struct ftx_job *job, const char *err)
{
	if (strchr(err, '/') == NULL)
		return err;
	log_warning("export %s: %s", job->id, err);
	return "The export file could not be written";
}

/* One attempt: generate, publish, e-mail, complete; or, when an earlier
 * attempt sent the e-mail already, only complete. */
static enum outcome
attempt(struct worker *w, struct ftx_job *job,
    struct ftx_export_file *file, char *err, size_t errlen)
{
	struct ftx_db *src;
	enum outcome rc;
	int gen;

	if (job->mail_sent) {
		log_info("export %s: e-mail already sent, completing", job->id);
		return finish(w, job, err, errlen);
	}
	if ((src = ftx_replica_source(w->replica, w->data, job->id, still_ours,
	    w)) == NULL)
		return LOST;
	gen = ftx_exportgen_run(src, w->cfg, job,
	    ftx_export_format(job->export)->kind, still_ours, w, file,
	    err, errlen);
	if (gen == -2)
		return LOST;
	if (gen == -1)
		return RETRY;
	rc = announce(w, job, file, err, errlen);
	ftx_exportgen_discard(file);	/* unless published */
	return rc;
}

static void
process(struct worker *w, struct ftx_job *job)
{
	struct ftx_export_file file;
	char err[512];
	enum outcome rc;

	log_info("export %s: claimed by %s (attempt %d)", job->id, w->label,
	    job->attempts);
	w->job = job;
	w->renewed = time(NULL);
	w->lost = 0;
	memset(&file, 0, sizeof(file));
	err[0] = '\0';
	rc = attempt(w, job, &file, err, sizeof(err));
	if (rc == DONE)
		log_info("export %s: READY", job->id);
	else if (rc == LOST || w->lost) {
		if (!w->lost && ftx_pool_stopping() &&
		    ftx_queue_release(w->ctl, job) == FTX_QUEUE_OURS)
			log_notice("export %s: released at shutdown", job->id);
		else
			log_notice("export %s: claim lost (canceled or taken "
			    "over), work discarded", job->id);
	} else {
		log_warning("export %s: attempt %d failed: %s", job->id,
		    job->attempts, err);
		if (ftx_queue_fail(w->ctl, job, people_reason(job, err),
		    w->cfg->retry_delay, w->cfg->max_attempts,
		    rc == FAILED_NOW) == FTX_QUEUE_OURS)
			log_info("export %s: %s", job->id, rc == FAILED_NOW ||
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
	enum ftx_queue_rc rc;

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(w.label, sizeof(w.label), "%s:%ld", host, (long)getpid());
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	w.ctl = ftx_db_new(cfg->conninfo, "ftx-exportd");
	w.data = ftx_db_new(cfg->conninfo, "ftx-exportd");
	if (w.ctl != NULL && w.data != NULL) {
		ftx_db_set_prepared(w.ctl, cfg->prepared_statements);
		ftx_db_set_prepared(w.data, cfg->prepared_statements);
		w.listener = ftx_listener_new(cfg, w.ctl);
	}
	if ((w.keys = ftx_signurl_load(cfg->secret_file, err,
	    sizeof(err))) == NULL)
		log_err("download links cannot be signed: %s", err);
	w.hooks = ftx_webhook_deliverer_new(cfg, w.keys, w.label);
	w.replica = ftx_replica_new(cfg->replica_conninfo,
	    cfg->replica_max_wait);
	while (w.listener != NULL && w.replica != NULL &&
	    !ftx_pool_stopping()) {
		if (time(NULL) >= next_expiry) {
			ftx_queue_expire(w.ctl, remove_file, cfg);
			next_expiry = time(NULL) + cfg->poll_interval;
		}
		ftx_db_settle(w.ctl);	/* no transaction outlives its job */
		rc = ftx_queue_claim(w.ctl, w.label, cfg->claim_timeout,
		    cfg->max_attempts, &job);
		if (rc == FTX_QUEUE_OURS)
			process(&w, &job);
		ftx_job_free(&job);
		/* Exports first: one webhook between two looks at the queue;
		 * the wait ends when the next delivery is due at the latest. */
		if (rc == FTX_QUEUE_LOST &&
		    ftx_webhook_deliver_one(w.hooks) != 1)
			ftx_listener_wait(w.listener,
			    ftx_webhook_next_due(w.hooks, cfg->poll_interval));
		else if (rc == FTX_QUEUE_DOWN)
			sleep(1);
	}
	ftx_webhook_deliverer_free(w.hooks);
	ftx_signurl_free(w.keys);
	ftx_listener_free(w.listener);
	ftx_db_free(w.ctl);
	ftx_db_free(w.data);
	ftx_replica_free(w.replica);
}
