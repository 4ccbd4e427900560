/*
 * exports.c - rendering an export row as JSON.
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
#include "signurl.h"

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

/*
 * Adds key: column col of row, as type 's' (text), 'i' (integer) or 't'
 * (microseconds shown as a timestamp to the second); JSON null when the
 * column is NULL.  0, or -1 when out of memory.
 */
static int
put_col(struct json_object *o, const char *key, const PGresult *res,
    int row, int col, char type)
{
	char buf[FTX_ISOTIME_LEN];
	const char *text;
	struct json_object *v;

	if (PQgetisnull(res, row, col))
		return put(o, key, NULL);
	text = PQgetvalue(res, row, col);
	if (type == 'i')
		v = json_object_new_int64(strtoll(text, NULL, 10));
	else if (type == 't') {
		ftx_isotime_format(strtoll(text, NULL, 10), buf);
		v = json_object_new_string(buf);
	} else
		v = json_object_new_string(text);
	return v != NULL ? put(o, key, v) : -1;
}

/* Stored JSON (written by the service itself) parsed back; {} / [] if it
 * ever does not parse; NULL when out of memory. */
static struct json_object *
stored_json(const PGresult *res, int row, int col, int array)
{
	struct json_object *obj = NULL;

	if (!PQgetisnull(res, row, col))
		obj = json_tokener_parse(PQgetvalue(res, row, col));
	if (obj == NULL)
		obj = array ? json_object_new_array() : json_object_new_object();
	return obj;
}

/* The stored filters, rendered again in the canonical order of SPEC §7
 * (jsonb keeps its own key order), timestamps to the second; NULL when
 * out of memory. */
static struct json_object *
stored_filters(const PGresult *res, int row)
{
	struct json_object *raw, *canon = NULL;
	struct ftx_filters f;
	struct ftx_apierrs errs;
	int valid;

	if ((raw = stored_json(res, row, FTX_EXPORT_COL_FILTERS, 0)) == NULL ||
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
put_download_url(struct json_object *o, const PGresult *res, int row,
    const struct ftx_signurl_keys *keys, const char *base_url)
{
	struct json_object *v;
	char url[1024];
	long long expires_us;

	if (keys == NULL || strcmp(PQgetvalue(res, row, FTX_EXPORT_COL_STATUS),
	    "READY") != 0 || PQgetisnull(res, row, FTX_EXPORT_COL_EXPIRES))
		return put(o, "downloadUrl", NULL);
	expires_us = strtoll(PQgetvalue(res, row, FTX_EXPORT_COL_EXPIRES),
	    NULL, 10);
	if (ftx_signurl_url(keys, base_url, PQgetvalue(res, row,
	    FTX_EXPORT_COL_ID), expires_us / 1000000, url, sizeof(url)) == -1 ||
	    (v = json_object_new_string(url)) == NULL)
		return -1;
	return put(o, "downloadUrl", v);
}

static int
put_requested_by(struct json_object *o, const PGresult *res, int row)
{
	struct json_object *by;

	if ((by = json_object_new_object()) == NULL ||
	    put_col(by, "userId", res, row, FTX_EXPORT_COL_USER, 's') == -1 ||
	    put_col(by, "email", res, row, FTX_EXPORT_COL_EMAIL, 's') == -1) {
		json_object_put(by);
		return -1;
	}
	return put(o, "requestedBy", by);
}

struct json_object *
ftx_export_json(const PGresult *res, int row,
    const struct ftx_signurl_keys *keys, const char *base_url)
{
	struct json_object *o, *v;
	int r = 0;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	r |= put_col(o, "exportId", res, row, FTX_EXPORT_COL_ID, 's');
	r |= put_col(o, "status", res, row, FTX_EXPORT_COL_STATUS, 's');
	r |= put_col(o, "createdAt", res, row, FTX_EXPORT_COL_CREATED, 't');
	r |= put_col(o, "updatedAt", res, row, FTX_EXPORT_COL_UPDATED, 't');
	r |= put_col(o, "completedAt", res, row, FTX_EXPORT_COL_COMPLETED, 't');
	r |= put_col(o, "expiresAt", res, row, FTX_EXPORT_COL_EXPIRES, 't');
	r |= put_requested_by(o, res, row);
	r |= put_col(o, "clientType", res, row, FTX_EXPORT_COL_CLIENT, 's');
	r |= (v = stored_filters(res, row)) != NULL ? put(o, "filters", v) : -1;
	r |= (v = stored_json(res, row, FTX_EXPORT_COL_CC, 1)) != NULL ?
	    put(o, "cc", v) : -1;
	r |= put_col(o, "rowCount", res, row, FTX_EXPORT_COL_ROWS, 'i');
	r |= put_col(o, "fileSize", res, row, FTX_EXPORT_COL_SIZE, 'i');
	r |= put_col(o, "sha256", res, row, FTX_EXPORT_COL_SHA256, 's');
	r |= put_download_url(o, res, row, keys, base_url);
	r |= (v = stored_json(res, row, FTX_EXPORT_COL_UNDELIVERED, 1)) != NULL ?
	    put(o, "undeliveredRecipients", v) : -1;
	r |= put_col(o, "failureReason", res, row, FTX_EXPORT_COL_FAILURE, 's');
	if (r != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The status as the API shows it, for a list filter. */
static const char list_sql[] = "SELECT e.id, e.tenant_id, u.email, "
    "CASE WHEN e.status = 'READY' AND e.expires_at <= now() "
    "THEN 'EXPIRED' ELSE e.status END AS shown, "
    "(extract(epoch FROM e.created_at) * 1000000)::bigint, "
    "coalesce(e.row_count::text, '-'), e.attempts, "
    "coalesce(e.failure_reason, '-') "
    "FROM " FTX_EXPORT_FROM " "
    "WHERE ($1::text IS NULL OR e.tenant_id = $1) "
    "AND ($2::text IS NULL OR e.user_id = $2) "
    "AND ($3::text IS NULL OR CASE WHEN e.status = 'READY' "
    "AND e.expires_at <= now() THEN 'EXPIRED' ELSE e.status END = $3) "
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

	if ((res = ftx_db_query(db, list_sql, 3, p)) == NULL ||
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

int
ftx_exports_show(struct ftx_db *db, const char *id, FILE *out, char *err,
    size_t errlen)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS ", "
	    "e.tenant_id, e.file_path, e.attempts, e.claimed_by, "
	    "(extract(epoch FROM e.claimed_until) * 1000000)::bigint, "
	    "(extract(epoch FROM e.next_attempt_at) * 1000000)::bigint, "
	    "e.failure_reason, "
	    "(extract(epoch FROM e.mail_sent_at) * 1000000)::bigint "
	    "FROM " FTX_EXPORT_FROM " WHERE e.id = $1";
	static const struct {
		const char *name;
		char type;	/* 's' text, 'i' integer, 't' time */
	} fields[] = {
		{ "tenantId", 's' }, { "filePath", 's' }, { "attempts", 'i' },
		{ "claimedBy", 's' }, { "claimedUntil", 't' },
		{ "nextAttemptAt", 't' }, { "lastFailureReason", 's' },
		{ "mailSentAt", 't' },
	};
	const char *p[1] = { id };
	struct json_object *o, *internal = NULL;
	const char *text = NULL;
	PGresult *res;
	int i, r;

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
	o = ftx_export_json(res, 0, NULL, "");
	r = o == NULL || (internal = json_object_new_object()) == NULL;
	for (i = 0; !r && i < (int)(sizeof(fields) / sizeof(fields[0])); i++)
		r = put_col(internal, fields[i].name, res, 0,
		    FTX_EXPORT_NCOLS + i, fields[i].type);
	if (!r) {
		r = put(o, "internal", internal);
		internal = NULL;	/* taken by put(), also when it failed */
	}
	if (!r && (text = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) != NULL)
		fprintf(out, "%s\n", text);
	else
		snprintf(err, errlen, "out of memory");
	json_object_put(internal);
	json_object_put(o);
	PQclear(res);
	return text != NULL ? 0 : -1;
}
