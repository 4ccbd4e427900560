/*
 * exports.h - the export object: how it is selected from the database and
 * rendered as the JSON of SPEC §7.  Shared by the API and ftx-admin.
 */
#ifndef FTX_EXPORTS_H
#define FTX_EXPORTS_H

#include <stdio.h>

#include <libpq-fe.h>
#include <json-c/json.h>

#include "db.h"

#include "signurl.h"

/*
 * The select list every export query uses, on "exports e JOIN users u ON
 * u.id = e.user_id".  Times are microseconds since the epoch; the status is
 * the one the API shows (READY past expires_at reads EXPIRED).  The file
 * facts, recorded with the e-mail while the export is still PENDING, show
 * from READY on.
 */
#define FTX_EXPORT_DONE(col) \
	"CASE WHEN e.status <> 'PENDING' THEN " col " END"
#define FTX_EXPORT_COLUMNS \
	"e.id, " \
	"CASE WHEN e.status = 'READY' AND e.expires_at <= now() " \
	"THEN 'EXPIRED' ELSE e.status END, " \
	"(extract(epoch FROM e.created_at) * 1000000)::bigint, " \
	"(extract(epoch FROM e.updated_at) * 1000000)::bigint, " \
	FTX_EXPORT_DONE("(extract(epoch FROM e.completed_at) * 1000000)" \
	    "::bigint") ", " \
	FTX_EXPORT_DONE("(extract(epoch FROM e.expires_at) * 1000000)::bigint") \
	", e.user_id, u.email, e.client_type, e.filters::text, " \
	"array_to_json(e.cc)::text, " FTX_EXPORT_DONE("e.row_count") ", " \
	FTX_EXPORT_DONE("e.file_size") ", " FTX_EXPORT_DONE("e.sha256") ", " \
	"CASE WHEN e.status = 'FAILED' THEN e.failure_reason END, " \
	"array_to_json(e.undelivered_recipients)::text"

#define FTX_EXPORT_FROM	"exports e JOIN users u ON u.id = e.user_id"

/* Column numbers in FTX_EXPORT_COLUMNS. */
enum {
	FTX_EXPORT_COL_ID, FTX_EXPORT_COL_STATUS, FTX_EXPORT_COL_CREATED,
	FTX_EXPORT_COL_UPDATED, FTX_EXPORT_COL_COMPLETED,
	FTX_EXPORT_COL_EXPIRES, FTX_EXPORT_COL_USER, FTX_EXPORT_COL_EMAIL,
	FTX_EXPORT_COL_CLIENT, FTX_EXPORT_COL_FILTERS, FTX_EXPORT_COL_CC,
	FTX_EXPORT_COL_ROWS, FTX_EXPORT_COL_SIZE, FTX_EXPORT_COL_SHA256,
	FTX_EXPORT_COL_FAILURE, FTX_EXPORT_COL_UNDELIVERED, FTX_EXPORT_NCOLS
};

/*
 * Renders row of res (selected with FTX_EXPORT_COLUMNS) as the export
 * object.  downloadUrl is signed with keys and base_url while the export
 * is READY (null if keys is NULL).  Returns a new object (caller puts it),
 * or NULL when out of memory.
 */
struct json_object *ftx_export_json(const PGresult *res, int row,
    const struct ftx_signurl_keys *keys, const char *base_url);

/*
 * For support staff (ftx-admin): writes one tab-separated line per export,
 * newest first, at most 1000 — id, tenant, requester e-mail, status as the
 * API shows it, created (YYYY-MM-DDTHH:MM:SSZ), rows or "-", attempts, the
 * last failure reason or "-" — optionally only those of tenant, user and
 * status (each NULL for any).  0, or -1 with a message in err[errlen].
 */
int ftx_exports_list(struct ftx_db *db, const char *tenant, const char *user,
    const char *status, FILE *out, char *err, size_t errlen);

/* Writes the export object of id, as the API shows it to its owner, plus
 * an "internal" object (tenant, file path, attempts, claim, last failure
 * reason, mail time), pretty-printed.  0, or -1 with err set (unknown
 * export included). */
int ftx_exports_show(struct ftx_db *db, const char *id, FILE *out, char *err,
    size_t errlen);

#endif /* FTX_EXPORTS_H */
