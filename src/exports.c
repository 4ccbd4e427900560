/*
 * exports.c - the export object (read from a row, rendered as JSON) and
 * the operations of the API and ftx-admin: create, get, list, cancel, the
 * download lookup.  The queue's operations are in exports_queue.c.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "apierr.h"
#include "db.h"
#include "exports.h"
#include "filterjson.h"
#include "filters.h"
#include "isotime.h"
#include "log.h"
#include "notify.h"
#include "query.h"
#include "signurl.h"
#include "sink.h"

/* Column numbers in FTX_EXPORT_COLUMNS. */
enum {
	COL_ID, COL_STATUS, COL_CREATED, COL_UPDATED, COL_COMPLETED,
	COL_EXPIRES, COL_USER, COL_EMAIL, COL_CLIENT, COL_FILTERS, COL_CC,
	COL_ROWS, COL_SIZE, COL_SHA256, COL_FAILURE, COL_UNDELIVERED,
	COL_TENANT, COL_SUPPLIER, COL_PATH, COL_COMPRESSION
};

struct ftx_export {
	char		*text[FTX_EXPORT_NCOLS];	/* "" for NULL */
	unsigned long	 nulls;				/* bit per column */
	int64_t		 created, updated, completed, expires;
	long long	 rows, size;
};

void
ftx_export_free(struct ftx_export *e)
{
	int i;

	if (e == NULL)
		return;
	for (i = 0; i < FTX_EXPORT_NCOLS; i++)
		free(e->text[i]);
	free(e);
}

static long long
number(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return -1;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

const char *
ftx_export_compression(const struct ftx_export *e)
{
	return e->nulls & 1UL << COL_COMPRESSION ? NULL :
	    e->text[COL_COMPRESSION];
}

const struct ftx_sink_format *
ftx_export_format(const struct ftx_export *e)
{
	const struct ftx_sink_format *f;

	/* The column's CHECK allows only the names the table knows. */
	f = ftx_sink_format_by_name(ftx_export_compression(e));
	return f != NULL ? f : ftx_sink_format(FTX_SINK_PLAIN);
}

struct ftx_export *
ftx_export_from_row(const void *result, int row)
{
	const PGresult *res = result;
	struct ftx_export *e;
	int i;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	for (i = 0; i < FTX_EXPORT_NCOLS; i++)
		if ((e->text[i] = strdup(PQgetvalue(res, row, i))) == NULL) {
			ftx_export_free(e);
			return NULL;
		} else if (PQgetisnull(res, row, i))
			e->nulls |= 1UL << i;
	e->created = number(res, row, COL_CREATED);
	e->updated = number(res, row, COL_UPDATED);
	e->completed = number(res, row, COL_COMPLETED);
	e->expires = number(res, row, COL_EXPIRES);
	e->rows = number(res, row, COL_ROWS);
	e->size = number(res, row, COL_SIZE);
	return e;
}

const char *ftx_export_id(const struct ftx_export *e)
{ return e->text[COL_ID]; }
const char *ftx_export_tenant_id(const struct ftx_export *e)
{ return e->text[COL_TENANT]; }
const char *ftx_export_user_id(const struct ftx_export *e)
{ return e->text[COL_USER]; }
const char *ftx_export_email(const struct ftx_export *e)
{ return e->text[COL_EMAIL]; }
const char *ftx_export_client_type(const struct ftx_export *e)
{ return e->text[COL_CLIENT]; }
const char *ftx_export_supplier_id(const struct ftx_export *e)
{ return e->text[COL_SUPPLIER]; }
const char *ftx_export_status(const struct ftx_export *e)
{ return e->text[COL_STATUS]; }
const char *ftx_export_filters_json(const struct ftx_export *e)
{ return e->text[COL_FILTERS]; }
const char *ftx_export_cc_json(const struct ftx_export *e)
{ return e->text[COL_CC]; }
const char *ftx_export_sha256(const struct ftx_export *e)
{ return e->text[COL_SHA256]; }
const char *ftx_export_failure_reason(const struct ftx_export *e)
{ return e->text[COL_FAILURE]; }
const char *ftx_export_file_path(const struct ftx_export *e)
{ return e->text[COL_PATH]; }
int64_t ftx_export_created(const struct ftx_export *e)
{ return e->created; }
int64_t ftx_export_completed(const struct ftx_export *e)
{ return e->completed >= 0 ? e->completed : e->updated; }
int64_t ftx_export_expires(const struct ftx_export *e)
{ return e->expires; }
long long ftx_export_rows(const struct ftx_export *e)
{ return e->rows; }
long long ftx_export_size(const struct ftx_export *e)
{ return e->size; }

/* Sets the file facts a READY export will show (exports_queue.c). */
int
ftx_queue_set_ready(struct ftx_job *job, const struct ftx_queue_sent *s)
{
	struct ftx_export *e = job->export;
	char *path, *sha, *und;

	path = strdup(s->path);
	sha = strdup(s->sha256);
	und = strdup(s->undelivered != NULL ? s->undelivered : "[]");
	if (path == NULL || sha == NULL || und == NULL) {
		free(path);
		free(sha);
		free(und);
		return -1;
	}
	free(e->text[COL_PATH]);
	free(e->text[COL_SHA256]);
	free(e->text[COL_UNDELIVERED]);
	e->text[COL_PATH] = path;
	e->text[COL_SHA256] = sha;
	e->text[COL_UNDELIVERED] = und;
	e->nulls &= ~(1UL << COL_PATH | 1UL << COL_SHA256 |
	    1UL << COL_UNDELIVERED);
	e->rows = s->rows;
	e->size = s->size;
	e->completed = s->ready_at * 1000000;
	e->expires = s->expires * 1000000;
	return 0;
}

/* ---- JSON ---- */

/* Adds key: v to o, taking v (NULL = JSON null: pass it only for a value
 * that is null, never for one that could not be built).  0, or -1. */
static int
put(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* Adds key: s, or null when it is null. */
static int
put_str(struct json_object *o, const char *key, const char *s, int null)
{
	struct json_object *v;

	if (null)
		return put(o, key, NULL);
	return (v = json_object_new_string(s)) != NULL ? put(o, key, v) : -1;
}

/* Adds key: n, or null when negative. */
static int
put_int(struct json_object *o, const char *key, long long n)
{
	struct json_object *v;

	if (n < 0)
		return put(o, key, NULL);
	return (v = json_object_new_int64(n)) != NULL ? put(o, key, v) : -1;
}

/* Adds key: the time usec to the second, or null when negative. */
static int
put_time(struct json_object *o, const char *key, int64_t usec)
{
	char buf[FTX_ISOTIME_LEN];

	if (usec < 0)
		return put(o, key, NULL);
	ftx_isotime_format(usec, buf);
	return put_str(o, key, buf, 0);
}

/* Stored JSON (written by the service itself) parsed back; {} / [] if it
 * ever does not parse; NULL when out of memory. */
static struct json_object *
stored_json(const char *text, int array)
{
	struct json_object *obj = NULL;

	if (text[0] != '\0')
		obj = json_tokener_parse(text);
	if (obj == NULL)
		obj = array ? json_object_new_array() : json_object_new_object();
	return obj;
}

/* The stored filters, rendered again in the canonical order of SPEC §7
 * (jsonb keeps its own key order), timestamps to the second; NULL when
 * out of memory. */
static struct json_object *
stored_filters(const char *text)
{
	struct json_object *raw, *canon = NULL;
	struct ftx_filters f;
	struct ftx_apierrs errs;
	int valid;

	if ((raw = stored_json(text, 0)) == NULL ||
	    ftx_apierrs_init(&errs) == -1) {
		json_object_put(raw);
		return NULL;
	}
	ftx_filters_init(&f);
	if ((valid = ftx_filters_from_json(&f, raw, "filters.", 0, &errs) ==
	    0))
		canon = ftx_filters_echo_json(&f);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
	if (!valid)
		return raw;
	json_object_put(raw);
	return canon;
}

/* Adds downloadUrl: the signed URL while READY, else null. */
static int
put_download_url(struct json_object *o, const struct ftx_export *e,
    const struct ftx_signurl_keys *keys, const char *base_url)
{
	char url[1024];

	if (keys == NULL || strcmp(e->text[COL_STATUS], "READY") != 0 ||
	    e->expires < 0)
		return put(o, "downloadUrl", NULL);
	if (ftx_signurl_url(keys, base_url, e->text[COL_ID],
	    e->expires / 1000000, url, sizeof(url)) == -1)
		return -1;
	return put_str(o, "downloadUrl", url, 0);
}

static int
put_requested_by(struct json_object *o, const struct ftx_export *e)
{
	struct json_object *by;

	if ((by = json_object_new_object()) == NULL ||
	    put_str(by, "userId", e->text[COL_USER], 0) == -1 ||
	    put_str(by, "email", e->text[COL_EMAIL], 0) == -1) {
		json_object_put(by);
		return -1;
	}
	return put(o, "requestedBy", by);
}

struct json_object *
ftx_export_json(const struct ftx_export *e,
    const struct ftx_signurl_keys *keys, const char *base_url)
{
	struct json_object *o, *v;
	int r = 0;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	r |= put_str(o, "exportId", e->text[COL_ID], 0);
	r |= put_str(o, "status", e->text[COL_STATUS], 0);
	r |= put_time(o, "createdAt", e->created);
	r |= put_time(o, "updatedAt", e->updated);
	r |= put_time(o, "completedAt", e->completed);
	r |= put_time(o, "expiresAt", e->expires);
	r |= put_requested_by(o, e);
	r |= put_str(o, "clientType", e->text[COL_CLIENT], 0);
	r |= (v = stored_filters(e->text[COL_FILTERS])) != NULL ?
	    put(o, "filters", v) : -1;
	r |= (v = stored_json(e->text[COL_CC], 1)) != NULL ?
	    put(o, "cc", v) : -1;
	r |= put_str(o, "compression", e->text[COL_COMPRESSION],
	    (e->nulls & 1UL << COL_COMPRESSION) != 0);
	r |= put_int(o, "rowCount", e->rows);
	r |= put_int(o, "fileSize", e->size);
	r |= put_str(o, "sha256", e->text[COL_SHA256],
	    (e->nulls & 1UL << COL_SHA256) != 0);
	r |= put_download_url(o, e, keys, base_url);
	r |= (v = stored_json(e->text[COL_UNDELIVERED], 1)) != NULL ?
	    put(o, "undeliveredRecipients", v) : -1;
	r |= put_str(o, "failureReason", e->text[COL_FAILURE],
	    (e->nulls & 1UL << COL_FAILURE) != 0);
	if (r != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- operations ---- */

/* Reads the one export sql selects.  OK with *out, NOT_FOUND, DOWN,
 * ERROR. */
static enum ftx_exports_rc
select_one(struct ftx_db *db, const char *sql, int n,
    const char *const *params, struct ftx_export **out)
{
	enum ftx_exports_rc rc = FTX_EXPORTS_ERROR;
	PGresult *res;

	*out = NULL;
	if ((res = ftx_db_query(db, sql, n, params)) == NULL)
		return FTX_EXPORTS_DOWN;
	if (!ftx_db_ok(res))
		log_err("exports: %s", PQresultErrorMessage(res));
	else if (PQntuples(res) != 1)
		rc = FTX_EXPORTS_NOT_FOUND;
	else if ((*out = ftx_export_from_row(res, 0)) != NULL)
		rc = FTX_EXPORTS_OK;
	PQclear(res);
	return rc;
}

enum ftx_exports_rc
ftx_exports_get(struct ftx_db *db, const char *id, const char *user_id,
    struct ftx_export **out)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.id = $1 "
	    "AND ($2::text IS NULL OR e.user_id = $2)";
	const char *p[2] = { id, user_id };

	return select_one(db, sql, 2, p, out);
}

int
ftx_exports_notify_rows(struct ftx_db *db, const char *sql, int n,
    const char *const *params, int ev)
{
	struct ftx_notice notice;
	struct ftx_export *e;
	PGresult *res;
	int i, rc = 0;

	if ((res = ftx_db_query(db, sql, n, params)) == NULL)
		return -1;
	if (!ftx_db_ok(res)) {
		log_err("exports: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		ftx_notice_init(&notice);
		notice.resumed = ev == FTX_EVENT_READY;
		if ((e = ftx_export_from_row(res, i)) == NULL ||
		    ftx_notify(db, e, (enum ftx_event)ev, &notice) == -1)
			rc = -1;
		ftx_notice_free(&notice);
		ftx_export_free(e);
	}
	PQclear(res);
	return rc;
}

/* Runs a statement whose rows are not needed: ftx_db_exec's codes. */
static int
exec(struct ftx_db *db, const char *sql, int n, const char *const *params)
{
	return ftx_db_exec(db, sql, n, params);
}

/* Ends a failed transaction: DOWN when even the ROLLBACK found the
 * database gone, else rc. */
static enum ftx_exports_rc
rollback(struct ftx_db *db, enum ftx_exports_rc rc)
{
	return ftx_db_rollback(db) == -1 ? FTX_EXPORTS_DOWN : rc;
}

/* With an Idempotency-Key: takes the key (a concurrent twin waits on its
 * primary key).  OK when it is new (the transaction goes on); else the
 * transaction is over and the answer is the first export (OK, *out set)
 * or KEY_REUSED, DOWN, ERROR; *done = 1 then. */
static enum ftx_exports_rc
take_key(struct ftx_db *db, const struct ftx_exports_new *r,
    struct ftx_export **out, int *done)
{
	static const char purge_sql[] = "DELETE FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2 "
	    "AND created_at < now() - interval '24 hours'";
	static const char claim_sql[] = "INSERT INTO idempotency_keys "
	    "(user_id, key, request_hash) VALUES ($1, $2, $3) "
	    "ON CONFLICT DO NOTHING";
	static const char seen_sql[] = "SELECT request_hash, export_id "
	    "FROM idempotency_keys WHERE user_id = $1 AND key = $2";
	const char *p[3] = { r->user_id, r->idem_key, r->request_hash };
	char id[FTX_ID_MAX + 1];
	PGresult *res = NULL;
	int same;

	*done = 1;
	if (exec(db, purge_sql, 2, p) != 0 ||
	    (res = ftx_db_query(db, claim_sql, 3, p)) == NULL ||
	    !ftx_db_ok(res))
		goto fail;
	if (strcmp(PQcmdTuples(res), "0") != 0) {
		PQclear(res);
		*done = 0;
		return FTX_EXPORTS_OK;
	}
	PQclear(res);
	if ((res = ftx_db_query(db, seen_sql, 2, p)) == NULL ||
	    !ftx_db_ok(res) || PQntuples(res) != 1)
		goto fail;
	same = strcmp(PQgetvalue(res, 0, 0), r->request_hash) == 0;
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	ftx_db_rollback(db);
	if (!same)
		return FTX_EXPORTS_KEY_REUSED;
	/* A replay: the first response, as it is now. */
	return ftx_exports_get(db, id, r->user_id, out);
fail:
	PQclear(res);
	return rollback(db, FTX_EXPORTS_ERROR);
}

/* The unique index refused a second PENDING export: CONFLICT with the
 * pending one (NULL if it finished meanwhile). */
static enum ftx_exports_rc
pending_conflict(struct ftx_db *db, const char *user_id,
    struct ftx_export **out)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.user_id = $1 AND e.status = 'PENDING'";
	const char *p[1] = { user_id };

	if (ftx_db_rollback(db) == -1)
		return FTX_EXPORTS_DOWN;
	if (select_one(db, sql, 1, p, out) == FTX_EXPORTS_DOWN)
		return FTX_EXPORTS_DOWN;
	return FTX_EXPORTS_CONFLICT;
}

enum ftx_exports_rc
ftx_exports_create(struct ftx_db *db, const struct ftx_exports_new *r,
    struct ftx_export **out)
{
	static const char insert_sql[] = "INSERT INTO exports (tenant_id, "
	    "user_id, client_type, filters, cc, compression) VALUES ($1, $2, "
	    "$3, $4::jsonb, ARRAY(SELECT json_array_elements_text($5::json)), "
	    "$6) RETURNING id";
	static const char remember_sql[] = "UPDATE idempotency_keys SET "
	    "export_id = $3, status_code = 201 WHERE user_id = $1 AND key = $2";
	const char *p[6] = { r->tenant_id, r->user_id, r->client_type,
	    r->filters_json, r->cc_json, r->compression };
	char id[FTX_ID_MAX + 1];
	enum ftx_exports_rc rc;
	PGresult *res;
	int done;

	*out = NULL;
	if (ftx_db_begin(db) != 0)
		return FTX_EXPORTS_DOWN;
	if (r->idem_key != NULL &&
	    ((rc = take_key(db, r, out, &done)) != FTX_EXPORTS_OK || done))
		return rc;
	if ((res = ftx_db_query(db, insert_sql, 6, p)) == NULL)
		return rollback(db, FTX_EXPORTS_DOWN);
	if (ftx_db_sqlstate_is(res, "23505")) {
		PQclear(res);
		return pending_conflict(db, r->user_id, out);
	}
	if (!ftx_db_ok(res) || PQntuples(res) != 1) {
		PQclear(res);
		goto fail;
	}
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	p[0] = r->user_id;
	p[1] = r->idem_key;
	p[2] = id;
	if (r->idem_key != NULL && exec(db, remember_sql, 3, p) != 0)
		goto fail;
	p[0] = id;
	if (exec(db, "SELECT pg_notify('ftx_export', $1)", 1, p) != 0 ||
	    ftx_db_commit(db) != 0)
		return rollback(db, FTX_EXPORTS_DOWN);
	return ftx_exports_get(db, id, r->user_id, out);
fail:
	log_err("export creation failed for user %s", r->user_id);
	return rollback(db, FTX_EXPORTS_ERROR);
}

enum ftx_exports_rc
ftx_exports_cancel(struct ftx_db *db, const char *id, const char *user_id,
    struct ftx_export **out)
{
	/* The claim is dropped: a worker holding it finds its token gone and
	 * discards its work (SPEC §8 fencing).  An export whose e-mail went
	 * out is done already (its next attempt only completes it). */
	static const char cancel_sql[] = "UPDATE exports SET "
	    "status = 'FAILED', failure_reason = 'CANCELED', "
	    "updated_at = now(), claim_token = NULL, claimed_by = NULL, "
	    "claimed_until = NULL WHERE id = $1 "
	    "AND ($2::text IS NULL OR user_id = $2) "
	    "AND status = 'PENDING' AND mail_sent_at IS NULL";
	static const char notify_sql[] = "SELECT " FTX_EXPORT_COLUMNS ", "
	    "pg_notify('ftx_export_cancel', e.id) FROM " FTX_EXPORT_FROM
	    " WHERE e.id = $1";
	const char *p[2] = { id, user_id };
	enum ftx_exports_rc rc;
	PGresult *res;
	int canceled;

	*out = NULL;
	if (ftx_db_begin(db) != 0)
		return FTX_EXPORTS_DOWN;
	if ((res = ftx_db_query(db, cancel_sql, 2, p)) == NULL)
		return rollback(db, FTX_EXPORTS_DOWN);
	canceled = ftx_db_ok(res) && strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	if (!canceled) {
		if (ftx_db_rollback(db) == -1)
			return FTX_EXPORTS_DOWN;
		rc = ftx_exports_get(db, id, user_id, out);
		ftx_export_free(*out);
		*out = NULL;
		return rc == FTX_EXPORTS_OK ? FTX_EXPORTS_CONFLICT : rc;
	}
	if (ftx_exports_notify_rows(db, notify_sql, 1, p, FTX_EVENT_FAILED) ==
	    -1)
		return rollback(db, FTX_EXPORTS_DOWN);
	if (ftx_db_commit(db) != 0)
		return rollback(db, FTX_EXPORTS_DOWN);
	return ftx_exports_get(db, id, user_id, out);
}

static const char *const list_statuses[] = { "PENDING", "READY", "FAILED",
    "EXPIRED" };

int
ftx_exports_status_valid(const char *status)
{
	size_t i;

	for (i = 0; i < sizeof(list_statuses) / sizeof(list_statuses[0]); i++)
		if (strcmp(status, list_statuses[i]) == 0)
			return 1;
	return 0;
}

void
ftx_exports_page_free(struct ftx_exports_page *page)
{
	int i;

	if (page == NULL)
		return;
	for (i = 0; i < page->n; i++)
		ftx_export_free(page->items[i]);
	free(page->items);
	memset(page, 0, sizeof(*page));
}

/* Fills page from the rows of res (at most size of them). */
static enum ftx_exports_rc
page_from_rows(const PGresult *res, int size, struct ftx_exports_page *page)
{
	int i, n = PQntuples(res);

	page->more = n > size;
	if (page->more)
		n = size;
	if ((page->items = calloc((size_t)n + 1, sizeof(*page->items))) ==
	    NULL)
		return FTX_EXPORTS_ERROR;
	for (i = 0; i < n; i++) {
		if ((page->items[i] = ftx_export_from_row(res, i)) == NULL)
			return FTX_EXPORTS_ERROR;
		page->n++;
	}
	return FTX_EXPORTS_OK;
}

enum ftx_exports_rc
ftx_exports_list_page(struct ftx_db *db, const char *user_id,
    const char *status, const struct ftx_cursor *after, int size,
    struct ftx_exports_page *page)
{
	enum ftx_exports_rc rc = FTX_EXPORTS_ERROR;
	struct ftx_query q;
	char limit[16];
	PGresult *res = NULL;

	memset(page, 0, sizeof(*page));
	ftx_query_init(&q);
	ftx_query_sql(&q, "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.user_id = ");
	ftx_query_param(&q, user_id, "");
	if (status != NULL) {
		ftx_query_sql(&q, " AND e.shown_status = ");
		ftx_query_param(&q, status, "");
	}
	if (after != NULL)
		ftx_cursor_where(after, "e.created_at", "e.id", &q);
	snprintf(limit, sizeof(limit), "%d", size + 1);
	ftx_query_sql(&q, " ORDER BY e.created_at DESC, e.id DESC LIMIT ");
	ftx_query_param(&q, limit, "::int");
	if (q.overflow)
		goto out;
	if ((res = ftx_db_query(db, q.sql, q.nparams, q.params)) == NULL)
		rc = FTX_EXPORTS_DOWN;
	else if (!ftx_db_ok(res))
		log_err("list query failed: %s", PQresultErrorMessage(res));
	else
		rc = page_from_rows(res, size, page);
out:
	if (rc != FTX_EXPORTS_OK)
		ftx_exports_page_free(page);
	PQclear(res);
	ftx_query_free(&q);
	return rc;
}

enum ftx_exports_rc
ftx_exports_download(struct ftx_db *db, const char *id,
    struct ftx_export **out)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.id = $1 AND e.shown_status = 'READY' "
	    "AND e.file_path IS NOT NULL";
	const char *p[1] = { id };
	enum ftx_exports_rc rc = select_one(db, sql, 1, p, out);

	return rc == FTX_EXPORTS_ERROR ? FTX_EXPORTS_NOT_FOUND : rc;
}

/* ---- ftx-admin ---- */

static const char admin_list_sql[] = "SELECT e.id, e.tenant_id, u.email, "
    "e.shown_status, " FTX_EXPORT_USEC_("e.created_at") ", "
    "coalesce(e.row_count::text, '-'), e.attempts, "
    "coalesce(e.failure_reason, '-') "
    "FROM " FTX_EXPORT_FROM " "
    "WHERE ($1::text IS NULL OR e.tenant_id = $1) "
    "AND ($2::text IS NULL OR e.user_id = $2) "
    "AND ($3::text IS NULL OR e.shown_status = $3) "
    "ORDER BY e.created_at DESC, e.id DESC LIMIT 1000";

/* A value for a tab-separated line: tabs and line ends become spaces. */
static void
put_field(FILE *out, const char *v, const char *sep)
{
	for (; *v != '\0'; v++)
		fputc(*v == '\t' || *v == '\n' || *v == '\r' ? ' ' : *v, out);
	fputs(sep, out);
}

int
ftx_exports_list(struct ftx_db *db, const char *tenant, const char *user,
    const char *status, FILE *out, char *err, size_t errlen)
{
	const char *p[3] = { tenant, user, status };
	char when[FTX_ISOTIME_LEN];
	PGresult *res;
	int i, n;

	if ((res = ftx_db_query(db, admin_list_sql, 3, p)) == NULL ||
	    !ftx_db_ok(res)) {
		snprintf(err, errlen, "cannot list exports");
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		ftx_isotime_format(strtoll(PQgetvalue(res, i, 4), NULL, 10),
		    when);
		put_field(out, PQgetvalue(res, i, 0), "\t");
		put_field(out, PQgetvalue(res, i, 1), "\t");
		put_field(out, PQgetvalue(res, i, 2), "\t");
		put_field(out, PQgetvalue(res, i, 3), "\t");
		put_field(out, when, "\t");
		put_field(out, PQgetvalue(res, i, 5), "\t");
		put_field(out, PQgetvalue(res, i, 6), "\t");
		put_field(out, PQgetvalue(res, i, 7), "\n");
	}
	PQclear(res);
	return 0;
}

/* Adds key: column col of row, as type 's' (text), 'i' (integer) or 't'
 * (microseconds shown as a timestamp to the second); null when NULL. */
static int
put_col(struct json_object *o, const char *key, const PGresult *res,
    int col, char type)
{
	if (PQgetisnull(res, 0, col))
		return put(o, key, NULL);
	if (type == 'i')
		return put_int(o, key, strtoll(PQgetvalue(res, 0, col), NULL,
		    10));
	if (type == 't')
		return put_time(o, key, strtoll(PQgetvalue(res, 0, col), NULL,
		    10));
	return put_str(o, key, PQgetvalue(res, 0, col), 0);
}

/* The export object of row 0 with its "internal" object; NULL when out
 * of memory. */
static struct json_object *
show_json(const PGresult *res)
{
	static const struct {
		const char *name;
		char type;	/* 's' text, 'i' integer, 't' time */
	} fields[] = {
		{ "tenantId", 's' }, { "filePath", 's' }, { "attempts", 'i' },
		{ "claimedBy", 's' }, { "claimedUntil", 't' },
		{ "nextAttemptAt", 't' }, { "lastFailureReason", 's' },
		{ "mailSentAt", 't' },
	};
	struct json_object *o = NULL, *internal = NULL;
	struct ftx_export *e;
	int i, r;

	if ((e = ftx_export_from_row(res, 0)) != NULL)
		o = ftx_export_json(e, NULL, "");
	ftx_export_free(e);
	r = o == NULL || (internal = json_object_new_object()) == NULL;
	for (i = 0; !r && i < (int)(sizeof(fields) / sizeof(fields[0])); i++)
		r = put_col(internal, fields[i].name, res,
		    FTX_EXPORT_NCOLS + i, fields[i].type);
	if (!r) {
		r = put(o, "internal", internal);
		internal = NULL;	/* taken by put(), also when it failed */
	}
	json_object_put(internal);
	if (r) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
ftx_exports_show(struct ftx_db *db, const char *id, FILE *out, char *err,
    size_t errlen)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS ", "
	    "e.tenant_id, e.file_path, e.attempts, e.claimed_by, "
	    FTX_EXPORT_USEC_("e.claimed_until") ", "
	    FTX_EXPORT_USEC_("e.next_attempt_at") ", e.failure_reason, "
	    FTX_EXPORT_USEC_("e.mail_sent_at")
	    " FROM " FTX_EXPORT_FROM " WHERE e.id = $1";
	const char *p[1] = { id };
	struct json_object *o = NULL;
	const char *text = NULL;
	PGresult *res;

	if ((res = ftx_db_query(db, sql, 1, p)) == NULL || !ftx_db_ok(res)) {
		snprintf(err, errlen, "cannot read the export");
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) != 1) {
		snprintf(err, errlen, "no such export: %.100s", id);
		PQclear(res);
		return -1;
	}
	if ((o = show_json(res)) != NULL && (text =
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)) != NULL)
		fprintf(out, "%s\n", text);
	else
		snprintf(err, errlen, "out of memory");
	json_object_put(o);
	PQclear(res);
	return text != NULL ? 0 : -1;
}
