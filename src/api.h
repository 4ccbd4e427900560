/*
 * api.h - the HTTP API: the route table, the dispatcher, the helpers the
 * endpoints share, and one handler per endpoint (api_*.c).
 */
#ifndef FTX_API_H
#define FTX_API_H

#include <fcgiapp.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "apierr.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "dimcache.h"
#include "filters.h"
#include "http.h"
#include "jsonw.h"
#include "query.h"
#include "router.h"
#include "signurl.h"

/* What a responder child holds for the requests it serves. */
struct ftx_api_ctx {
	const struct ftx_config		*cfg;
	struct ftx_db			*db;
	struct ftx_auth_cache		*auth;
	struct ftx_signurl_keys		*keys;	/* NULL: no download links */
	struct ftx_dimcache		*dims;	/* accounts and suppliers */
	struct ftx_principal		 who;	/* the caller, once authenticated */
	struct ftx_jsonw		 page;	/* list bodies, reused */
};

/* Answers one request: routes it (404, 405 + Allow), authenticates it when
 * the route needs it, runs the handler, logs one line (request id, method,
 * path, status, duration, user).  Every path ends in a response. */
void ftx_api_handle(struct ftx_api_ctx *ctx, FCGX_Request *fcgx);

/* ---- helpers shared by the endpoints ---- */

/* Reads a query string made only of the keys in own (NULL-terminated):
 * values[i] gets the decoded value of own[i] (malloc'd) or stays NULL.
 * Unknown, repeated or undecodable keys add INVALID_PARAMETER. */
void ftx_api_own_params(const char *query, const char *const *own,
    char **values, struct ftx_apierrs *errs);

/* The page size from text (NULL = def): 1..max, else INVALID_PARAMETER
 * on "size" and def is returned. */
int ftx_api_page_size(const char *text, int def, int max,
    struct ftx_apierrs *errs);

/* Resolves f->supplier_ids (external ids) within the caller's tenant:
 * UNKNOWN_SUPPLIER on prefix + "supplierIds" for each unknown one, and
 * *ids_param = a text[] literal of the internal ids (NULL when f has none).
 * Returns 0, or -1 when the database is unavailable. */
int ftx_api_resolve_suppliers(struct ftx_api_ctx *ctx, const char *prefix,
    struct ftx_filters *f, char **ids_param, struct ftx_apierrs *errs);

/* When parsing the filters failed, f is empty and its supplierIds were not
 * checked: this reads them alone (from body, the "filters" object, or from
 * query) and adds UNKNOWN_SUPPLIER for the unknown ones, so every problem
 * is reported at once.  Operators only.  -1 when the database is down. */
int ftx_api_check_suppliers_alone(struct ftx_api_ctx *ctx,
    struct json_object *filters, const char *query, struct ftx_apierrs *errs);

/* Writes one row of a page as a JSON object into w. */
typedef void (*ftx_api_item_fn)(struct ftx_api_ctx *ctx, const PGresult *res,
    int row, struct ftx_jsonw *w);

/* Called once with the rows [0, n) of a page before they are written, to
 * read what they refer to: 0, or -1 when the database is unavailable. */
typedef int (*ftx_api_rows_fn)(struct ftx_api_ctx *ctx, const PGresult *res,
    int n);

/* Runs q (which selects size + 1 rows, newest first) and answers
 * {"data": [...], "pageInfo": {...}} with a cursor made of columns
 * col_usec (microseconds, or a timestamp as PostgreSQL prints it) and
 * col_id of the last row shown; rows (NULL: none) sees the rows shown
 * before item writes each. */
void ftx_api_send_page(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_query *q, int size, int col_usec, int col_id,
    ftx_api_rows_fn rows, ftx_api_item_fn item);

/* The same for a list ordered by name, then id, ascending (q selects
 * size + 1 rows in that order): the cursor (cursor.h, ftx_cursor_name) is
 * made of the columns col_name and col_id of the last row shown. */
void ftx_api_send_page_by_name(struct ftx_api_ctx *ctx,
    struct ftx_http_req *req, const struct ftx_query *q, int size,
    int col_name, int col_id, ftx_api_item_fn item);

/* 1 if s (NULL: 0) holds a control byte of SPEC 7 (U+0001-U+001F,
 * U+007F; NUL ends the string): a header value that ftx reads and that
 * holds one is refused. */
int ftx_api_has_control(const char *s);

/* 503 SERVICE_UNAVAILABLE. */
void ftx_api_send_unavailable(struct ftx_http_req *req);

/* ---- endpoints ---- */

void ftx_api_health(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_export_create(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_export_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_export_get(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_export_cancel(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_download(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_transfer_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_me(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);
void ftx_api_supplier_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);

#endif /* FTX_API_H */
