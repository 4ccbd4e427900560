/*
 * api_exports.c - POST, GET (list and one) and DELETE of
 * /v1/payments/funding-transfers/export (SPEC §7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "apierr.h"
#include "apikey.h"
#include "auth.h"
#include "cursor.h"
#include "exportreq.h"
#include "exports.h"
#include "filterjson.h"
#include "filters.h"
#include "http.h"
#include "sink.h"

#define LIST_SIZE_DEFAULT	20
#define LIST_SIZE_MAX		100

/* One validated POST body. */
struct export_request {
	struct ftx_exportreq	 body;		/* filters and cc */
	char			*supplier_ids_param;	/* text[] literal of internal ids */
	char			*filters_json;		/* normalised */
	char			*cc_json;
	const char		*compression;		/* NULL or "gzip" */
	char			 request_hash[FTX_APIKEY_HASH_LEN];
};

static void
export_request_free(struct export_request *r)
{
	ftx_exportreq_free(&r->body);
	free(r->supplier_ids_param);
	free(r->filters_json);
	free(r->cc_json);
}

/* The non-empty body, checked strictly, as a json-c object in *root.
 * Returns 0, or -1 after answering 400 INVALID_JSON. */
static int
parse_body(struct ftx_http_req *req, struct json_object **root)
{
	char msg[128];

	if (ftx_exportreq_parse_json(req->body, req->body_len, root, msg,
	    sizeof(msg)) == 0)
		return 0;
	ftx_http_send_error(req, FTX_E_INVALID_JSON, NULL, msg, NULL);
	return -1;
}

/* Reads the body into *root (NULL for an empty body).  Returns 0, or -1
 * after answering the error. */
static int
read_json_body(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    struct json_object **root)
{
	int rc;

	*root = NULL;
	rc = ftx_http_read_body(req, (size_t)ctx->cfg->max_body);
	if (rc == 1) {
		ftx_http_send_error(req, FTX_E_PAYLOAD_TOO_LARGE, NULL,
		    "the body is larger than the limit", NULL);
		return -1;
	}
	if (rc == -1) {
		ftx_http_send_error(req, FTX_E_INVALID_JSON, NULL,
		    "the body could not be read", NULL);
		return -1;
	}
	if (req->body_len == 0)
		return 0;
	if (!ftx_exportreq_is_json(ftx_http_param(req, "CONTENT_TYPE"))) {
		ftx_http_send_error(req, FTX_E_UNSUPPORTED_MEDIA_TYPE, NULL,
		    "the body must be application/json", NULL);
		return -1;
	}
	return parse_body(req, root);
}

/* The compact text of o, malloc'd, and o released; NULL when o is NULL
 * or out of memory. */
static char *
json_text(struct json_object *o)
{
	const char *text;
	char *copy = NULL;

	if (o != NULL && (text = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN)) != NULL)
		copy = strdup(text);
	json_object_put(o);
	return copy;
}

/* Validates the body and headers into *r.  Returns 0, or -1 after
 * answering the error (400, 413, 415, 503). */
static int
export_request_parse(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    struct export_request *r)
{
	struct json_object *root = NULL;
	struct ftx_exportreq_json m;
	struct ftx_apierrs errs;
	const char *idem;
	const char *compression;
	char *material = NULL;
	int flags, rc = -1;

	memset(r, 0, sizeof(*r));
	ftx_exportreq_init(&r->body);
	if (ftx_apierrs_init(&errs) == -1)
		return -1;
	if (read_json_body(ctx, req, &root) == -1)
		goto out;
	idem = ftx_http_param(req, "HTTP_IDEMPOTENCY_KEY");
	if (idem != NULL && !ftx_exportreq_idem_key_ok(idem))
		ftx_apierrs_add(&errs, FTX_E_INVALID_IDEMPOTENCY_KEY,
		    "Idempotency-Key", "must be 1 to %d printable ASCII "
		    "characters", FTX_EXPORTREQ_IDEM_KEY_MAX);
	ftx_exportreq_members(root, &m, &errs);
	flags = ctx->who.role == FTX_ROLE_SUPPLIER ?
	    FTX_FILTERS_IGNORE_SUPPLIERS : 0;
	ftx_exportreq_cc(&r->body, m.cc, &errs);
	ftx_exportreq_compression(&r->body, m.compression, &errs);
	if ((ftx_filters_from_json(&r->body.filters, m.filters, "filters.",
	    flags, &errs) == 0 ? ftx_api_resolve_suppliers(ctx, "filters.",
	    &r->body.filters, &r->supplier_ids_param, &errs) :
	    ftx_api_check_suppliers_alone(ctx, m.filters, NULL, &errs)) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	r->compression = ftx_sink_format(r->body.compression)->compression;
	compression = r->compression != NULL ? r->compression : "";
	if ((r->filters_json = json_text(ftx_filters_to_json(
	    &r->body.filters))) == NULL ||
	    (r->cc_json = json_text(ftx_exportreq_cc_json(&r->body))) == NULL ||
	    (material = malloc(strlen(r->filters_json) +
	    strlen(r->cc_json) + strlen(compression) + 3)) == NULL)
		goto oom;
	/* What an Idempotency-Key is compared on: the normalised request
	 * (a plain one hashes as before compression existed). */
	sprintf(material, "%s\n%s%s%s", r->filters_json, r->cc_json,
	    *compression != '\0' ? "\n" : "", compression);
	ftx_apikey_hash(material, r->request_hash);
	rc = 0;
	goto out;
oom:
	ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL, "out of memory",
	    NULL);
out:
	free(material);
	json_object_put(root);
	ftx_apierrs_free(&errs);
	return rc;
}

/* Sends e (NULL: out of memory) with status, and its Location. */
static void
send_export(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_export *e, int status, int with_location)
{
	struct json_object *body = NULL;
	char location[512];

	if (e == NULL || (body = ftx_export_json(e, ctx->keys,
	    ctx->cfg->base_url)) == NULL) {
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
		return;
	}
	snprintf(location, sizeof(location), "Location: /v1/payments/"
	    "funding-transfers/export/%s\r\n", ftx_export_id(e));
	ftx_http_send_json(req, status, body, with_location ? location : NULL);
	json_object_put(body);
}

/* Answers what the exports module said: e with status when OK, else the
 * error of rc. */
static void
send_result(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    enum ftx_exports_rc rc, const struct ftx_export *e, int status,
    int with_location)
{
	switch (rc) {
	case FTX_EXPORTS_OK:
		send_export(ctx, req, e, status, with_location);
		break;
	case FTX_EXPORTS_NOT_FOUND:
		ftx_http_send_error(req, FTX_E_NOT_FOUND, NULL,
		    "no such export", NULL);
		break;
	case FTX_EXPORTS_CONFLICT:
		ftx_http_send_error(req, FTX_E_EXPORT_NOT_PENDING, NULL,
		    "only a PENDING export can be canceled", NULL);
		break;
	case FTX_EXPORTS_KEY_REUSED:
		ftx_http_send_error(req, FTX_E_IDEMPOTENCY_KEY_REUSED,
		    "Idempotency-Key", "this key was used for a different "
		    "request", NULL);
		break;
	case FTX_EXPORTS_DOWN:
		ftx_api_send_unavailable(req);
		break;
	case FTX_EXPORTS_ERROR:
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the export could not be created", NULL);
		break;
	}
}

static void
send_pending_conflict(struct ftx_http_req *req, const struct ftx_export *e)
{
	struct ftx_apierrs errs;

	if (ftx_apierrs_init(&errs) == -1)
		return;
	ftx_apierrs_add(&errs, FTX_E_EXPORT_ALREADY_PENDING, NULL,
	    "export %s is still PENDING; wait for it or cancel it",
	    e != NULL ? ftx_export_id(e) : "(finished meanwhile)");
	ftx_http_send_errors(req, &errs, NULL);
	ftx_apierrs_free(&errs);
}

void
ftx_api_export_create(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct export_request r;
	struct ftx_exports_new n;
	struct ftx_export *e = NULL;
	enum ftx_exports_rc rc;

	(void)params;
	if (export_request_parse(ctx, req, &r) == 0) {
		n.tenant_id = ctx->who.tenant_id;
		n.user_id = ctx->who.user_id;
		n.client_type = ftx_role_name(ctx->who.role);
		n.filters_json = r.filters_json;
		n.cc_json = r.cc_json;
		n.compression = r.compression;
		n.idem_key = ftx_http_param(req, "HTTP_IDEMPOTENCY_KEY");
		n.request_hash = r.request_hash;
		rc = ftx_exports_create(ctx->db, &n, &e);
		if (rc == FTX_EXPORTS_CONFLICT)
			send_pending_conflict(req, e);
		else
			send_result(ctx, req, rc, e, 201, 1);
		ftx_export_free(e);
	}
	export_request_free(&r);
}

void
ftx_api_export_get(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct ftx_export *e = NULL;
	enum ftx_exports_rc rc;

	rc = ftx_exports_get(ctx->db, params->value[0], ctx->who.user_id, &e);
	send_result(ctx, req, rc == FTX_EXPORTS_ERROR ? FTX_EXPORTS_NOT_FOUND :
	    rc, e, 200, 0);
	ftx_export_free(e);
}

void
ftx_api_export_cancel(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct ftx_export *e = NULL;
	enum ftx_exports_rc rc;

	rc = ftx_exports_cancel(ctx->db, params->value[0], ctx->who.user_id,
	    &e);
	send_result(ctx, req, rc == FTX_EXPORTS_ERROR ? FTX_EXPORTS_NOT_FOUND :
	    rc, e, 200, 0);
	ftx_export_free(e);
}

/* Writes the page as {"data": [...], "pageInfo": {...}} into w. */
static void
render_page(struct ftx_api_ctx *ctx, const struct ftx_exports_page *page,
    int size, const char *next, struct ftx_jsonw *w)
{
	struct json_object *o;
	const char *text;
	int i;

	ftx_jsonw_reset(w);
	ftx_jsonw_lit(w, "{\"data\":[");
	for (i = 0; i < page->n; i++) {
		if (i > 0)
			ftx_jsonw_lit(w, ",");
		o = ftx_export_json(page->items[i], ctx->keys,
		    ctx->cfg->base_url);
		/* Out of memory: never a page with a hole, the page is a
		 * 500. */
		if (o == NULL || (text = json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) ==
		    NULL)
			w->oom = 1;
		else
			ftx_jsonw_lit(w, text);
		json_object_put(o);
	}
	ftx_jsonw_lit(w, "],\"pageInfo\":{\"pageSize\":");
	ftx_jsonw_int(w, size);
	ftx_jsonw_lit(w, page->more ? ",\"hasNextPage\":true,\"nextCursor\":" :
	    ",\"hasNextPage\":false,\"nextCursor\":");
	ftx_jsonw_string(w, next[0] != '\0' ? next : NULL);
	ftx_jsonw_lit(w, "}}");
}

/* The cursor after e into buf[len].  0, or -1 when its id does not fit. */
static int
page_cursor(const struct ftx_export *e, char *buf, size_t len)
{
	struct ftx_cursor c;
	size_t n = strlen(ftx_export_id(e));

	if (n >= sizeof(c.id))
		return -1;
	memcpy(c.id, ftx_export_id(e), n + 1);
	c.usec = ftx_export_created(e);
	return ftx_cursor_encode(&c, buf, len);
}

/* Answers the page: the cursor after its last item when more follow. */
static void
send_page(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_exports_page *page, int size)
{
	char next[FTX_CURSOR_LEN] = "";

	if (page->more && page->n > 0 &&
	    page_cursor(page->items[page->n - 1], next, sizeof(next)) == -1) {
		/* A cut id would resume the list at another row. */
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the next page cannot be named", NULL);
		return;
	}
	render_page(ctx, page, size, next, &ctx->page);
	if (ctx->page.oom)
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
	else
		ftx_http_send_json_text(req, 200, ctx->page.buf, ctx->page.len,
		    NULL);
}

void
ftx_api_export_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	static const char *const own[] = { "size", "cursor", "status", NULL };
	char *values[3] = { NULL, NULL, NULL };
	struct ftx_apierrs errs;
	struct ftx_cursor cursor;
	struct ftx_exports_page page;
	enum ftx_exports_rc rc;
	int size;

	(void)params;
	if (ftx_apierrs_init(&errs) == -1)
		return;
	ftx_api_own_params(req->query, own, values, &errs);
	size = ftx_api_page_size(values[0], LIST_SIZE_DEFAULT, LIST_SIZE_MAX,
	    &errs);
	if (values[1] != NULL && ftx_cursor_decode(values[1], &cursor) == -1)
		ftx_apierrs_add(&errs, FTX_E_INVALID_CURSOR, "cursor",
		    "not a cursor returned by this list");
	if (values[2] != NULL && !ftx_exports_status_valid(values[2]))
		ftx_apierrs_add(&errs, FTX_E_INVALID_PARAMETER, "status",
		    "must be PENDING, READY, FAILED or EXPIRED");
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	rc = ftx_exports_list_page(ctx->db, ctx->who.user_id, values[2],
	    values[1] != NULL ? &cursor : NULL, size, &page);
	if (rc == FTX_EXPORTS_OK)
		send_page(ctx, req, &page, size);
	else if (rc == FTX_EXPORTS_DOWN)
		ftx_api_send_unavailable(req);
	else
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the list could not be read", NULL);
	ftx_exports_page_free(&page);
out:
	ftx_apierrs_free(&errs);
	free(values[0]);
	free(values[1]);
	free(values[2]);
}
