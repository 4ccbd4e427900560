/*
 * api.c - the route table, the per-request dispatcher and shared helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "api.h"
#include "apierr.h"
#include "auth.h"
#include "cursor.h"
#include "form.h"
#include "http.h"
#include "isotime.h"
#include "jsonw.h"
#include "log.h"
#include "router.h"
#include "utf8.h"

typedef void (*api_handler)(struct ftx_api_ctx *, struct ftx_http_req *,
    const struct ftx_route_params *);

#define TRANSFERS	"/v1/payments/funding-transfers"
#define EXPORTS		TRANSFERS "/export"

enum api_route {
	API_HEALTH,
	API_TRANSFER_LIST,
	API_EXPORT_CREATE,
	API_EXPORT_LIST,
	API_EXPORT_GET,
	API_EXPORT_CANCEL,
	API_DOWNLOAD,
	API_ME,
	API_SUPPLIER_LIST,
	API_ROUTE_COUNT
};

/* HEAD is answered wherever GET is (router.h): no HEAD entries. */
static const struct ftx_route api_routes[] = {
	{ "GET", "/v1/health", API_HEALTH },
	{ "GET", TRANSFERS, API_TRANSFER_LIST },
	{ "POST", EXPORTS, API_EXPORT_CREATE },
	{ "GET", EXPORTS, API_EXPORT_LIST },
	{ "GET", EXPORTS "/{id}", API_EXPORT_GET },
	{ "DELETE", EXPORTS "/{id}", API_EXPORT_CANCEL },
	{ "GET", EXPORTS "/{id}/download", API_DOWNLOAD },
	{ "GET", "/v1/me", API_ME },
	{ "GET", "/v1/payments/suppliers", API_SUPPLIER_LIST },
	{ NULL, NULL, 0 }
};

/* What a route asks of the caller (SPEC 6, 7). */
enum api_auth {
	AUTH_NONE,		/* health; download (its signature) */
	AUTH_CLIENT,		/* dj-api-key and dj-client */
	AUTH_KEY		/* dj-api-key; dj-client checked when sent */
};

static const struct {
	api_handler	handler;
	enum api_auth	auth;
} api_handlers[API_ROUTE_COUNT] = {
	[API_HEALTH]		= { ftx_api_health, AUTH_NONE },
	[API_TRANSFER_LIST]	= { ftx_api_transfer_list, AUTH_CLIENT },
	[API_EXPORT_CREATE]	= { ftx_api_export_create, AUTH_CLIENT },
	[API_EXPORT_LIST]	= { ftx_api_export_list, AUTH_CLIENT },
	[API_EXPORT_GET]	= { ftx_api_export_get, AUTH_CLIENT },
	[API_EXPORT_CANCEL]	= { ftx_api_export_cancel, AUTH_CLIENT },
	[API_DOWNLOAD]		= { ftx_api_download, AUTH_NONE },
	[API_ME]		= { ftx_api_me, AUTH_KEY },
	[API_SUPPLIER_LIST]	= { ftx_api_supplier_list, AUTH_CLIENT },
};

static const char *const auth_messages[FTX_E_COUNT] = {
	[FTX_E_MISSING_API_KEY] = "the dj-api-key header is required",
	[FTX_E_INVALID_API_KEY] = "the API key is not valid",
	[FTX_E_INVALID_CLIENT] = "dj-client must be OPERATOR or SUPPLIER",
	[FTX_E_CLIENT_MISMATCH] = "dj-client does not match the API key's role",
	[FTX_E_SERVICE_UNAVAILABLE] = "the database is unavailable",
};

static const char *const auth_fields[FTX_E_COUNT] = {
	[FTX_E_MISSING_API_KEY] = "dj-api-key",
	[FTX_E_INVALID_API_KEY] = "dj-api-key",
	[FTX_E_INVALID_CLIENT] = "dj-client",
	[FTX_E_CLIENT_MISMATCH] = "dj-client",
};

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1e3 +
	    (now.tv_nsec - start->tv_nsec) / 1e6;
}

int
ftx_api_has_control(const char *s)
{
	return s != NULL && ftx_utf8_has_control(s, strlen(s));
}

/* Writes the cursor after row of res, from its columns a and b, into
 * buf[len].  Returns 0, or -1 when a value is too long to be held whole. */
typedef int (*cursor_fn)(const PGresult *res, int row, int a, int b,
    char *buf, size_t len);

/* The cursor after row (its time in column usec_col, microseconds or a
 * timestamp as PostgreSQL prints it; its id in id_col) into buf[len].
 * Returns 0, or -1 when the id is too long to be held whole. */
static int
next_cursor(const PGresult *res, int row, int usec_col, int id_col,
    char *buf, size_t len)
{
	struct ftx_cursor cursor;
	const char *id = PQgetvalue(res, row, id_col);

	if (ftx_isotime_parse(PQgetvalue(res, row, usec_col),
	    FTX_ISOTIME_START, &cursor.usec) == -1)
		cursor.usec = strtoll(PQgetvalue(res, row, usec_col), NULL, 10);
	if (strlen(id) >= sizeof(cursor.id))
		return -1;
	memcpy(cursor.id, id, strlen(id) + 1);
	return ftx_cursor_encode(&cursor, buf, len);
}

/* The cursor after row of a list by name (column name_col), then id
 * (id_col), into buf[len].  0, or -1 when either is too long. */
static int
next_name_cursor(const PGresult *res, int row, int name_col, int id_col,
    char *buf, size_t len)
{
	struct ftx_cursor_name cursor;
	const char *name = PQgetvalue(res, row, name_col);
	const char *id = PQgetvalue(res, row, id_col);

	if (strlen(name) >= sizeof(cursor.name) ||
	    strlen(id) >= sizeof(cursor.id))
		return -1;
	memcpy(cursor.name, name, strlen(name) + 1);
	memcpy(cursor.id, id, strlen(id) + 1);
	return ftx_cursor_name_encode(&cursor, buf, len);
}

/* A header value holding a control byte is refused whatever auth.c makes
 * of it (SPEC 7): a key as INVALID_API_KEY (401), a client as a client
 * that is not one of the two, INVALID_CLIENT (400) once the key passed,
 * which keeps the order of the checks (SPEC 6).  AUTH_KEY routes take a
 * request without dj-client on the key alone; one that sends it, even
 * empty, has it checked as everywhere else. */
static int
authenticate(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    enum api_auth auth)
{
	const char *key = ftx_http_param(req, "HTTP_DJ_API_KEY");
	const char *client = ftx_http_param(req, "HTTP_DJ_CLIENT");
	enum ftx_apierr err;

	if (ftx_api_has_control(key))
		err = FTX_E_INVALID_API_KEY;
	else if (auth == AUTH_KEY && client == NULL) {
		if (ftx_auth_key(ctx->auth, ctx->db, key, &ctx->who,
		    &err) == 0)
			return 0;
	} else if (ftx_auth_request(ctx->auth, ctx->db, key,
	    ftx_api_has_control(client) ? "" : client, &ctx->who, &err) == 0)
		return 0;
	ftx_http_send_error(req, err, auth_fields[err], auth_messages[err],
	    NULL);
	return -1;
}

void
ftx_api_handle(struct ftx_api_ctx *ctx, FCGX_Request *fcgx)
{
	struct ftx_http_req req;
	struct ftx_route_params params;
	const struct ftx_route *route;
	struct timespec start;
	char allow[64], header[96];

	clock_gettime(CLOCK_MONOTONIC, &start);
	memset(&ctx->who, 0, sizeof(ctx->who));
	ftx_http_req_init(&req, fcgx);
	switch (ftx_route_match(api_routes, req.method, req.path, &route,
	    &params, allow, sizeof(allow))) {
	case FTX_ROUTE_FOUND:
		if (api_handlers[route->id].auth == AUTH_NONE ||
		    authenticate(ctx, &req, api_handlers[route->id].auth) == 0)
			api_handlers[route->id].handler(ctx, &req, &params);
		break;
	case FTX_ROUTE_METHOD_NOT_ALLOWED:
		snprintf(header, sizeof(header), "Allow: %s\r\n", allow);
		ftx_http_send_error(&req, FTX_E_METHOD_NOT_ALLOWED, NULL,
		    "method not allowed on this path", header);
		break;
	case FTX_ROUTE_NOT_FOUND:
		ftx_http_send_error(&req, FTX_E_NOT_FOUND, NULL,
		    "no such resource", NULL);
		break;
	}
	ftx_db_settle(ctx->db);	/* no transaction outlives its request */
	if (req.status == 0)	/* a handler that forgot to answer */
		ftx_http_send_error(&req, FTX_E_INTERNAL_ERROR, NULL,
		    "internal error", NULL);
	/* The path is logged without the query string: it may carry a
	 * download signature.  Never the key. */
	log_info("request %s %.16s %.200s %d %.1fms user=%s", req.request_id,
	    req.method, req.path, req.status, elapsed_ms(&start),
	    ctx->who.user_id[0] != '\0' ? ctx->who.user_id : "-");
	ftx_http_req_fini(&req);
}

void
ftx_api_send_unavailable(struct ftx_http_req *req)
{
	ftx_http_send_error(req, FTX_E_SERVICE_UNAVAILABLE, NULL,
	    "the database is unavailable", NULL);
}

void
ftx_api_own_params(const char *query, const char *const *own, char **values,
    struct ftx_apierrs *errs)
{
	const char *k, *v;
	char *key = NULL, *val = NULL;
	size_t klen, vlen;
	int i;

	while (ftx_form_next(&query, &k, &klen, &v, &vlen)) {
		/* The name is echoed as the error's field: UTF-8 only, or
		 * the error body would not be JSON (found by fuzzing). */
		if ((key = ftx_form_decode_text(k, klen)) == NULL ||
		    !ftx_utf8_valid(key, strlen(key))) {
			ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, NULL,
			    "a parameter name is not properly encoded");
			free(key);
			key = NULL;
			continue;
		}
		for (i = 0; own[i] != NULL && strcmp(own[i], key) != 0; i++)
			;
		if (own[i] == NULL)
			ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, key,
			    "unknown parameter");
		else if (values[i] != NULL)
			ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, key,
			    "given more than once");
		else if ((val = ftx_form_decode_text(v, vlen)) == NULL)
			ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, key,
			    "not properly encoded");
		else {
			values[i] = val;
			val = NULL;
		}
		free(key);
		key = NULL;
	}
}

int
ftx_api_page_size(const char *text, int def, int max,
    struct ftx_apierrs *errs)
{
	long n = 0;
	size_t i;

	if (text == NULL)
		return def;
	for (i = 0; text[i] >= '0' && text[i] <= '9' && i < 4; i++)
		n = n * 10 + (text[i] - '0');
	if (i == 0 || text[i] != '\0' || n < 1 || n > max) {
		ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, "size",
		    "must be an integer from 1 to %d", max);
		return def;
	}
	return (int)n;
}

int
ftx_api_resolve_suppliers(struct ftx_api_ctx *ctx, const char *prefix,
    struct ftx_filters *f, char **ids_param, struct ftx_apierrs *errs)
{
	const char *params[2];
	const char **ids = NULL;
	char *wanted = NULL, field[64];
	PGresult *res = NULL;
	size_t i;
	int r, n, found, rc = -1;

	*ids_param = NULL;
	if (f->n_supplier_ids == 0)
		return 0;
	wanted = ftx_query_text_array((const char *const *)f->supplier_ids,
	    f->n_supplier_ids);
	params[0] = ctx->who.tenant_id;
	params[1] = wanted;
	if (wanted == NULL || (res = ftx_db_query(ctx->db,
	    ftx_filters_supplier_sql, 2, params)) == NULL || !ftx_db_ok(res))
		goto out;
	n = PQntuples(res);
	if ((ids = calloc((size_t)n + 1, sizeof(*ids))) == NULL)
		goto out;
	for (i = 0; i < f->n_supplier_ids; i++) {
		for (found = 0, r = 0; r < n && !found; r++)
			found = strcmp(PQgetvalue(res, r, 0),
			    f->supplier_ids[i]) == 0;
		if (!found) {
			/* Named by value: its index in the request is lost
			 * once duplicates and nulls are dropped. */
			snprintf(field, sizeof(field), "%ssupplierIds", prefix);
			ftx_apierrs_add(errs, FTX_E_UNKNOWN_SUPPLIER, field,
			    "no supplier with external id \"%.100s\"",
			    f->supplier_ids[i]);
		}
	}
	for (r = 0; r < n; r++)
		ids[r] = PQgetvalue(res, r, 1);
	*ids_param = ftx_query_text_array(ids, (size_t)n);
	rc = *ids_param != NULL ? 0 : -1;
out:
	free(ids);
	free(wanted);
	PQclear(res);
	return rc;
}

int
ftx_api_check_suppliers_alone(struct ftx_api_ctx *ctx,
    struct json_object *filters, const char *query, struct ftx_apierrs *errs)
{
	struct ftx_apierrs ignored;
	struct ftx_filters f;
	char *ids = NULL;
	int rc = 0, parsed;

	if (ctx->who.role != FTX_ROLE_OPERATOR ||
	    ftx_apierrs_init(&ignored) == -1)
		return 0;
	ftx_filters_init(&f);
	parsed = query != NULL ?
	    ftx_filters_from_query(&f, query, FTX_FILTERS_ONLY_SUPPLIERS, NULL,
	    NULL, &ignored) :
	    ftx_filters_from_json(&f, filters, "filters.",
	    FTX_FILTERS_ONLY_SUPPLIERS, &ignored);
	if (parsed == 0)
		rc = ftx_api_resolve_suppliers(ctx, query != NULL ? "" :
		    "filters.", &f, &ids, errs);
	free(ids);
	ftx_filters_free(&f);
	ftx_apierrs_free(&ignored);
	return rc;
}

/* Runs q, which selects size + 1 rows, and answers the page, its cursor
 * written by cursor from the columns col_a and col_b of the last row. */
static void
send_page(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_query *q, int size, cursor_fn cursor, int col_a,
    int col_b, ftx_api_rows_fn rows, ftx_api_item_fn item)
{
	struct ftx_jsonw *w = &ctx->page;
	char next[FTX_CURSOR_NAME_LEN];
	PGresult *res;
	int i, n, more;

	if (q->overflow) {
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "query too large", NULL);
		return;
	}
	res = ftx_db_query(ctx->db, q->sql, q->nparams, q->params);
	if (res == NULL) {
		ftx_api_send_unavailable(req);
		return;
	}
	if (!ftx_db_ok(res)) {
		log_err("list query failed: %s", PQresultErrorMessage(res));
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the list could not be read", NULL);
		PQclear(res);
		return;
	}
	n = PQntuples(res);
	if ((more = n > size))
		n = size;
	if (rows != NULL && rows(ctx, res, n) == -1) {
		PQclear(res);
		ftx_api_send_unavailable(req);
		return;
	}
	next[0] = '\0';
	if (more && cursor(res, n - 1, col_a, col_b, next,
	    sizeof(next)) == -1) {
		/* A cut id would resume the list at another row. */
		log_err("list: the key of row %d does not fit a cursor", n - 1);
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the next page cannot be named", NULL);
		PQclear(res);
		return;
	}
	ftx_jsonw_reset(w);
	ftx_jsonw_lit(w, "{\"data\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			ftx_jsonw_lit(w, ",");
		item(ctx, res, i, w);
	}
	ftx_jsonw_lit(w, "],\"pageInfo\":{\"pageSize\":");
	ftx_jsonw_int(w, size);
	ftx_jsonw_lit(w, more ? ",\"hasNextPage\":true,\"nextCursor\":" :
	    ",\"hasNextPage\":false,\"nextCursor\":");
	ftx_jsonw_string(w, next[0] != '\0' ? next : NULL);
	ftx_jsonw_lit(w, "}}");
	PQclear(res);
	if (w->oom)
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
	else
		ftx_http_send_json_text(req, 200, w->buf, w->len, NULL);
}

void
ftx_api_send_page(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_query *q, int size, int col_usec, int col_id,
    ftx_api_rows_fn rows, ftx_api_item_fn item)
{
	send_page(ctx, req, q, size, next_cursor, col_usec, col_id, rows,
	    item);
}

void
ftx_api_send_page_by_name(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_query *q, int size, int col_name, int col_id,
    ftx_api_item_fn item)
{
	send_page(ctx, req, q, size, next_name_cursor, col_name, col_id, NULL,
	    item);
}
