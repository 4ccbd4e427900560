/*
 * exports.c - rendering an export row as JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "apierr.h"
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
	json_object_object_add(o, "failureReason",
	    text_or_null(res, row, FTX_EXPORT_COL_FAILURE));
	return o;
}
