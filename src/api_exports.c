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
#include "isotime.h"
#include "log.h"

#define LIST_SIZE_DEFAULT	20
#define LIST_SIZE_MAX		100

/* One validated POST body. */
struct export_request {
	struct ftx_exportreq	 body;		/* filters and cc */
	char			*supplier_ids_param;	/* text[] literal of internal ids */
	char			*filters_json;		/* normalised */
	char			*cc_json;
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
	struct json_object *root = NULL, *filters = NULL, *cc = NULL;
	struct ftx_apierrs errs;
	const char *idem;
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
	ftx_exportreq_members(root, &filters, &cc, &errs);
	flags = ctx->who.role == FTX_ROLE_SUPPLIER ?
	    FTX_FILTERS_IGNORE_SUPPLIERS : 0;
	ftx_exportreq_cc(&r->body, cc, &errs);
	if ((ftx_filters_from_json(&r->body.filters, filters, "filters.", flags,
	    &errs) == 0 ? ftx_api_resolve_suppliers(ctx, "filters.",
	    &r->body.filters, &r->supplier_ids_param, &errs) :
	    ftx_api_check_suppliers_alone(ctx, filters, NULL, &errs)) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	if ((r->filters_json = json_text(ftx_filters_to_json(
	    &r->body.filters))) == NULL ||
	    (r->cc_json = json_text(ftx_exportreq_cc_json(&r->body))) == NULL ||
	    (material = malloc(strlen(r->filters_json) +
	    strlen(r->cc_json) + 2)) == NULL)
		goto oom;
	/* What an Idempotency-Key is compared on: the normalised request. */
	sprintf(material, "%s\n%s", r->filters_json, r->cc_json);
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

/* Sends the export id (one row of FTX_EXPORT_COLUMNS selected by id and
 * user) with status; 404 when it is not the caller's. */
static void
send_export(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const char *id, int status, int with_location)
{
	static const char sql[] = "SELECT " FTX_EXPORT_COLUMNS " FROM "
	    FTX_EXPORT_FROM " WHERE e.id = $1 AND e.user_id = $2";
	const char *params[2] = { id, ctx->who.user_id };
	struct json_object *body;
	char location[256];
	PGresult *res;

	if ((res = ftx_db_query(ctx->db, sql, 2, params)) == NULL) {
		ftx_api_send_unavailable(req);
		return;
	}
	if (!ftx_db_ok(res) || PQntuples(res) != 1) {
		ftx_http_send_error(req, FTX_E_NOT_FOUND, NULL,
		    "no such export", NULL);
		PQclear(res);
		return;
	}
	if ((body = ftx_export_json(res, 0, ctx->keys, ctx->cfg->base_url)) ==
	    NULL) {
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
		PQclear(res);
		return;
	}
	snprintf(location, sizeof(location), "Location: /v1/payments/"
	    "funding-transfers/export/%s\r\n", PQgetvalue(res, 0, 0));
	ftx_http_send_json(req, status, body, with_location ? location : NULL);
	json_object_put(body);
	PQclear(res);
}

/* Runs a statement whose result is not needed.  0 done, -1 database
 * unavailable, -2 the statement failed. */
static int
db_exec(struct ftx_api_ctx *ctx, const char *sql, int n,
    const char *const *params)
{
	PGresult *res = ftx_db_query(ctx->db, sql, n, params);
	int rc = res == NULL ? -1 : ftx_db_ok(res) ? 0 : -2;

	PQclear(res);
	return rc;
}

static void
send_pending_conflict(struct ftx_http_req *req, const char *id)
{
	struct ftx_apierrs errs;

	if (ftx_apierrs_init(&errs) == -1)
		return;
	ftx_apierrs_add(&errs, FTX_E_EXPORT_ALREADY_PENDING, NULL,
	    "export %s is still PENDING; wait for it or cancel it",
	    id[0] != '\0' ? id : "(finished meanwhile)");
	ftx_http_send_errors(req, &errs, NULL);
	ftx_apierrs_free(&errs);
}

/*
 * The state part of POST, in one transaction: the idempotency key (a
 * concurrent twin waits on its primary key), the export (the partial
 * unique index allows one PENDING per user), the NOTIFY for the daemons.
 */
static void
export_create_tx(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    struct export_request *r, const char *idem)
{
	static const char purge_sql[] = "DELETE FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2 "
	    "AND created_at < now() - interval '24 hours'";
	static const char claim_sql[] = "INSERT INTO idempotency_keys "
	    "(user_id, key, request_hash) VALUES ($1, $2, $3) "
	    "ON CONFLICT DO NOTHING";
	static const char seen_sql[] = "SELECT request_hash, export_id "
	    "FROM idempotency_keys WHERE user_id = $1 AND key = $2";
	static const char insert_sql[] = "INSERT INTO exports (tenant_id, "
	    "user_id, client_type, filters, cc) VALUES ($1, $2, $3, "
	    "$4::jsonb, ARRAY(SELECT json_array_elements_text($5::json))) "
	    "RETURNING id";
	static const char remember_sql[] = "UPDATE idempotency_keys SET "
	    "export_id = $3, status_code = 201 WHERE user_id = $1 AND key = $2";
	static const char pending_sql[] = "SELECT id FROM exports "
	    "WHERE user_id = $1 AND status = 'PENDING'";
	const char *p[5];
	char id[FTX_ID_MAX + 1] = "";
	PGresult *res = NULL;
	int rc;

	p[0] = ctx->who.user_id;
	p[1] = idem;
	p[2] = r->request_hash;
	if (db_exec(ctx, "BEGIN", 0, NULL) != 0)
		goto unavailable;
	if (idem != NULL) {
		if (db_exec(ctx, purge_sql, 2, p) != 0 ||
		    (res = ftx_db_query(ctx->db, claim_sql, 3, p)) == NULL ||
		    !ftx_db_ok(res))
			goto fail;
		if (strcmp(PQcmdTuples(res), "0") == 0) {
			PQclear(res);
			if ((res = ftx_db_query(ctx->db, seen_sql, 2, p)) ==
			    NULL || !ftx_db_ok(res) || PQntuples(res) != 1)
				goto fail;
			rc = strcmp(PQgetvalue(res, 0, 0), r->request_hash);
			snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 1));
			PQclear(res);
			res = NULL;
			db_exec(ctx, "ROLLBACK", 0, NULL);
			if (rc != 0)
				ftx_http_send_error(req,
				    FTX_E_IDEMPOTENCY_KEY_REUSED,
				    "Idempotency-Key", "this key was used for "
				    "a different request", NULL);
			else	/* a replay: the first response, as it is now */
				send_export(ctx, req, id, 201, 1);
			return;
		}
		PQclear(res);
		res = NULL;
	}
	p[0] = ctx->who.tenant_id;
	p[1] = ctx->who.user_id;
	p[2] = ftx_role_name(ctx->who.role);
	p[3] = r->filters_json;
	p[4] = r->cc_json;
	if ((res = ftx_db_query(ctx->db, insert_sql, 5, p)) == NULL)
		goto unavailable;
	if (ftx_db_sqlstate_is(res, "23505")) {
		PQclear(res);
		res = NULL;
		db_exec(ctx, "ROLLBACK", 0, NULL);
		p[0] = ctx->who.user_id;
		if ((res = ftx_db_query(ctx->db, pending_sql, 1, p)) == NULL)
			goto unavailable;
		if (ftx_db_ok(res) && PQntuples(res) == 1)
			snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		send_pending_conflict(req, id);
		return;
	}
	if (!ftx_db_ok(res) || PQntuples(res) != 1)
		goto fail;
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	p[0] = ctx->who.user_id;
	p[1] = idem;
	p[2] = id;
	if (idem != NULL && db_exec(ctx, remember_sql, 3, p) != 0)
		goto fail;
	p[0] = id;
	if (db_exec(ctx, "SELECT pg_notify('ftx_export', $1)", 1, p) != 0 ||
	    db_exec(ctx, "COMMIT", 0, NULL) != 0)
		goto unavailable;
	send_export(ctx, req, id, 201, 1);
	return;
fail:
	PQclear(res);
	res = NULL;
	if (db_exec(ctx, "ROLLBACK", 0, NULL) == -1)
		goto unavailable;
	log_err("export creation failed for user %s", ctx->who.user_id);
	ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
	    "the export could not be created", NULL);
	return;
unavailable:
	PQclear(res);
	ftx_api_send_unavailable(req);
}

void
ftx_api_export_create(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct export_request r;

	(void)params;
	if (export_request_parse(ctx, req, &r) == 0)
		export_create_tx(ctx, req, &r,
		    ftx_http_param(req, "HTTP_IDEMPOTENCY_KEY"));
	export_request_free(&r);
}

void
ftx_api_export_get(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	send_export(ctx, req, params->value[0], 200, 0);
}

void
ftx_api_export_cancel(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	/* The claim is dropped: a worker holding it finds its token gone and
	 * discards its work (SPEC §8 fencing).  An export whose e-mail went
	 * out is done already (its next attempt only completes it): 409. */
	static const char cancel_sql[] = "WITH c AS (UPDATE exports SET "
	    "status = 'FAILED', failure_reason = 'CANCELED', "
	    "updated_at = now(), claim_token = NULL, claimed_by = NULL, "
	    "claimed_until = NULL WHERE id = $1 AND user_id = $2 "
	    "AND status = 'PENDING' AND mail_sent_at IS NULL RETURNING id) "
	    "SELECT id, pg_notify('ftx_export_cancel', id) FROM c";
	static const char exists_sql[] = "SELECT 1 FROM exports "
	    "WHERE id = $1 AND user_id = $2";
	const char *p[2] = { params->value[0], ctx->who.user_id };
	PGresult *res;
	int canceled, exists;

	if ((res = ftx_db_query(ctx->db, cancel_sql, 2, p)) == NULL)
		goto unavailable;
	canceled = ftx_db_ok(res) && PQntuples(res) == 1;
	PQclear(res);
	if (canceled) {
		send_export(ctx, req, params->value[0], 200, 0);
		return;
	}
	if ((res = ftx_db_query(ctx->db, exists_sql, 2, p)) == NULL)
		goto unavailable;
	exists = ftx_db_ok(res) && PQntuples(res) == 1;
	PQclear(res);
	if (exists)
		ftx_http_send_error(req, FTX_E_EXPORT_NOT_PENDING, NULL,
		    "only a PENDING export can be canceled", NULL);
	else
		ftx_http_send_error(req, FTX_E_NOT_FOUND, NULL,
		    "no such export", NULL);
	return;
unavailable:
	ftx_api_send_unavailable(req);
}

/* The status condition of the list, as the API shows statuses. */
static const char *
status_condition(const char *status)
{
	static const struct {
		const char *name, *sql;
	} map[] = {
		{ "PENDING", " AND e.status = 'PENDING'" },
		{ "READY", " AND e.status = 'READY' AND e.expires_at > now()" },
		{ "FAILED", " AND e.status = 'FAILED'" },
		{ "EXPIRED", " AND (e.status = 'EXPIRED' OR (e.status = 'READY' "
		    "AND e.expires_at <= now()))" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(status, map[i].name) == 0)
			return map[i].sql;
	return NULL;
}

static void
export_item(struct ftx_api_ctx *ctx, const PGresult *res, int row,
    struct ftx_jsonw *w)
{
	struct json_object *o = ftx_export_json(res, row, ctx->keys,
	    ctx->cfg->base_url);
	const char *text = NULL;

	/* Out of memory: never a page with a hole, the page is a 500. */
	if (o == NULL || (text = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) == NULL)
		w->oom = 1;
	else
		ftx_jsonw_lit(w, text);
	json_object_put(o);
}

void
ftx_api_export_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	static const char *const own[] = { "size", "cursor", "status", NULL };
	char *values[3] = { NULL, NULL, NULL };
	char limit[16];
	struct ftx_apierrs errs;
	struct ftx_cursor cursor;
	struct ftx_query q;
	const char *cond = "";
	int size;

	(void)params;
	ftx_query_init(&q);
	if (ftx_apierrs_init(&errs) == -1)
		return;
	ftx_api_own_params(req->query, own, values, &errs);
	size = ftx_api_page_size(values[0], LIST_SIZE_DEFAULT, LIST_SIZE_MAX,
	    &errs);
	if (values[1] != NULL && ftx_cursor_decode(values[1], &cursor) == -1)
		ftx_apierrs_add(&errs, FTX_E_INVALID_CURSOR, "cursor",
		    "not a cursor returned by this list");
	if (values[2] != NULL && (cond = status_condition(values[2])) == NULL)
		ftx_apierrs_add(&errs, FTX_E_INVALID_PARAMETER, "status",
		    "must be PENDING, READY, FAILED or EXPIRED");
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	ftx_query_sql(&q, "SELECT " FTX_EXPORT_COLUMNS " FROM " FTX_EXPORT_FROM
	    " WHERE e.user_id = ");
	ftx_query_param(&q, ctx->who.user_id, "");
	ftx_query_sql(&q, cond);
	if (values[1] != NULL)
		ftx_cursor_where(&cursor, "e.created_at", "e.id", &q);
	snprintf(limit, sizeof(limit), "%d", size + 1);
	ftx_query_sql(&q, " ORDER BY e.created_at DESC, e.id DESC LIMIT ");
	ftx_query_param(&q, limit, "::int");
	ftx_api_send_page(ctx, req, &q, size, FTX_EXPORT_COL_CREATED,
	    FTX_EXPORT_COL_ID, NULL, export_item);
out:
	ftx_query_free(&q);
	ftx_apierrs_free(&errs);
	free(values[0]);
	free(values[1]);
	free(values[2]);
}
