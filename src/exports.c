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
#include "filters.h"
#include "isotime.h"
#include "signurl.h"

static struct json_object *
text_or_null(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_string(PQgetvalue(res, row, col));
}

static struct json_object *
int_or_null(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_int64(strtoll(PQgetvalue(res, row, col), NULL,
	    10));
}

static struct json_object *
time_or_null(const PGresult *res, int row, int col)
{
	char buf[FTX_ISOTIME_LEN];

	if (PQgetisnull(res, row, col))
		return NULL;
	ftx_isotime_format(strtoll(PQgetvalue(res, row, col), NULL, 10), buf);
	return json_object_new_string(buf);
}

/* Stored JSON (written by the service itself) parsed back; {} / [] if it
 * ever does not parse. */
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
 * (jsonb keeps its own key order). */
static struct json_object *
stored_filters(const PGresult *res, int row)
{
	struct json_object *raw, *canon = NULL;
	struct ftx_filters f;
	struct ftx_apierrs errs;

	raw = stored_json(res, row, FTX_EXPORT_COL_FILTERS, 0);
	if (ftx_apierrs_init(&errs) == -1)
		return raw;
	ftx_filters_init(&f);
	if (ftx_filters_from_json(&f, raw, "filters.", 0, &errs) == 0)
		canon = ftx_filters_to_json(&f);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
	if (canon == NULL)
		return raw;
	json_object_put(raw);
	return canon;
}

static struct json_object *
download_url(const PGresult *res, int row, const struct ftx_signurl_keys *keys,
    const char *base_url)
{
	char url[1024];
	long long expires_us;

	if (keys == NULL || strcmp(PQgetvalue(res, row, FTX_EXPORT_COL_STATUS),
	    "READY") != 0 || PQgetisnull(res, row, FTX_EXPORT_COL_EXPIRES))
		return NULL;
	expires_us = strtoll(PQgetvalue(res, row, FTX_EXPORT_COL_EXPIRES),
	    NULL, 10);
	if (ftx_signurl_url(keys, base_url, PQgetvalue(res, row,
	    FTX_EXPORT_COL_ID), expires_us / 1000000, url, sizeof(url)) == -1)
		return NULL;
	return json_object_new_string(url);
}

struct json_object *
ftx_export_json(const PGresult *res, int row,
    const struct ftx_signurl_keys *keys, const char *base_url)
{
	struct json_object *o, *by;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "exportId",
	    text_or_null(res, row, FTX_EXPORT_COL_ID));
	json_object_object_add(o, "status",
	    text_or_null(res, row, FTX_EXPORT_COL_STATUS));
	json_object_object_add(o, "createdAt",
	    time_or_null(res, row, FTX_EXPORT_COL_CREATED));
	json_object_object_add(o, "updatedAt",
	    time_or_null(res, row, FTX_EXPORT_COL_UPDATED));
	json_object_object_add(o, "completedAt",
	    time_or_null(res, row, FTX_EXPORT_COL_COMPLETED));
	json_object_object_add(o, "expiresAt",
	    time_or_null(res, row, FTX_EXPORT_COL_EXPIRES));
	by = json_object_new_object();
	json_object_object_add(by, "userId",
	    text_or_null(res, row, FTX_EXPORT_COL_USER));
	json_object_object_add(by, "email",
	    text_or_null(res, row, FTX_EXPORT_COL_EMAIL));
	json_object_object_add(o, "requestedBy", by);
	json_object_object_add(o, "clientType",
	    text_or_null(res, row, FTX_EXPORT_COL_CLIENT));
	json_object_object_add(o, "filters", stored_filters(res, row));
	json_object_object_add(o, "cc",
	    stored_json(res, row, FTX_EXPORT_COL_CC, 1));
	json_object_object_add(o, "rowCount",
	    int_or_null(res, row, FTX_EXPORT_COL_ROWS));
	json_object_object_add(o, "fileSize",
	    int_or_null(res, row, FTX_EXPORT_COL_SIZE));
	json_object_object_add(o, "sha256",
	    text_or_null(res, row, FTX_EXPORT_COL_SHA256));
	json_object_object_add(o, "downloadUrl",
	    download_url(res, row, keys, base_url));
	json_object_object_add(o, "undeliveredRecipients",
	    stored_json(res, row, FTX_EXPORT_COL_UNDELIVERED, 1));
	json_object_object_add(o, "failureReason",
	    text_or_null(res, row, FTX_EXPORT_COL_FAILURE));
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
	struct json_object *o, *internal;
	PGresult *res;
	int i, col;

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
	internal = json_object_new_object();
	for (i = 0; i < (int)(sizeof(fields) / sizeof(fields[0])); i++) {
		col = FTX_EXPORT_NCOLS + i;
		json_object_object_add(internal, fields[i].name,
		    fields[i].type == 'i' ? int_or_null(res, 0, col) :
		    fields[i].type == 't' ? time_or_null(res, 0, col) :
		    text_or_null(res, 0, col));
	}
	json_object_object_add(o, "internal", internal);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	PQclear(res);
	return 0;
}
