/*
 * api_exports.c - POST, GET (list and one) and DELETE of
 * /v1/payments/funding-transfers/export (SPEC §7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "api.h"
#include "apierr.h"
#include "apikey.h"
#include "auth.h"
#include "cursor.h"
#include "email.h"
#include "exports.h"
#include "filters.h"
#include "http.h"
#include "isotime.h"
#include "jsonstrict.h"
#include "log.h"
#include "utf8.h"

#define CC_MAX			10
#define IDEMPOTENCY_KEY_MAX	255
#define LIST_SIZE_DEFAULT	20
#define LIST_SIZE_MAX		100

/* One validated POST body. */
struct export_request {
	struct ftx_filters	 filters;
	char			*cc[CC_MAX];
	int			 ncc;
	char			*supplier_ids_param;	/* text[] literal of internal ids */
	char			*filters_json;		/* normalised */
	char			*cc_json;
	char			 request_hash[FTX_APIKEY_HASH_LEN];
};

static void
export_request_free(struct export_request *r)
{
	int i;

	ftx_filters_free(&r->filters);
	for (i = 0; i < r->ncc; i++)
		free(r->cc[i]);
	free(r->supplier_ids_param);
	free(r->filters_json);
	free(r->cc_json);
}

/* Adds one cc entry (untrimmed), de-duplicating case-insensitively.  An
 * empty entry is an error (SPEC §7), and only spaces are trimmed: a control
 * character anywhere refuses the entry rather than being cut off. */
static void
cc_add(struct export_request *r, const char *s, size_t len, const char *field,
    int *over, struct ftx_apierrs *errs)
{
	char *addr;
	int i;

	if (ftx_utf8_has_control(s, len)) {
		ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field,
		    "must not contain control characters");
		return;
	}
	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (!ftx_email_valid(s, len)) {
		ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field, len == 0 ?
		    "must not be empty" : "must be an e-mail address "
		    "(ASCII, local@domain.example)");
		return;
	}
	for (i = 0; i < r->ncc; i++)
		if (strlen(r->cc[i]) == len && strncasecmp(r->cc[i], s, len) == 0)
			return;
	if (r->ncc == CC_MAX) {
		*over = 1;
		return;
	}
	if ((addr = strndup(s, len)) == NULL) {
		ftx_apierrs_add(errs, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory");
		return;
	}
	r->cc[r->ncc++] = addr;
}

static void
parse_cc(struct export_request *r, struct json_object *cc,
    struct ftx_apierrs *errs)
{
	struct json_object *item;
	const char *s, *comma, *end;
	char field[32];
	size_t i, n;
	int over = 0, k = 0;

	if (cc == NULL)
		return;
	if (json_object_is_type(cc, json_type_string)) {
		/* One comma-separated string: entries numbered as split. */
		s = json_object_get_string(cc);
		end = s + json_object_get_string_len(cc);
		for (;;) {
			if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
				comma = end;
			snprintf(field, sizeof(field), "cc[%d]", k++);
			cc_add(r, s, (size_t)(comma - s), field, &over, errs);
			if (comma == end)
				break;
			s = comma + 1;
		}
	} else if (json_object_is_type(cc, json_type_array)) {
		n = json_object_array_length(cc);
		for (i = 0; i < n; i++) {
			item = json_object_array_get_idx(cc, i);
			snprintf(field, sizeof(field), "cc[%zu]", i);
			if (item == NULL)
				continue;	/* null entries are absent */
			if (!json_object_is_type(item, json_type_string)) {
				ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field,
				    "must be an e-mail address string");
				continue;
			}
			cc_add(r, json_object_get_string(item),
			    (size_t)json_object_get_string_len(item), field,
			    &over, errs);
		}
	} else
		ftx_apierrs_add(errs, FTX_E_INVALID_FIELD, "cc",
		    "must be an array of addresses or a comma-separated string");
	if (over)
		ftx_apierrs_add(errs, FTX_E_TOO_MANY_RECIPIENTS, "cc",
		    "at most %d distinct addresses", CC_MAX);
}

/* 1 if the request says application/json (parameters allowed), else 0. */
static int
is_json_type(struct ftx_http_req *req)
{
	const char *ctype = ftx_http_param(req, "CONTENT_TYPE");
	size_t mlen;

	if (ctype == NULL)
		return 0;
	mlen = strcspn(ctype, ";");
	while (mlen > 0 && ctype[mlen - 1] == ' ')
		mlen--;
	return mlen == 16 && strncasecmp(ctype, "application/json", 16) == 0;
}

/* The non-empty body, checked strictly, as a json-c object in *root.
 * Returns 0, or -1 after answering 400 INVALID_JSON. */
static int
parse_body(struct ftx_http_req *req, struct json_object **root)
{
	struct json_tokener *tok;
	const char *why = "an unreadable value";
	char msg[128];
	size_t pos = 0;

	/* json-c accepts single quotes, duplicate keys and more whatever
	 * its flags: the strict check decides, json-c only builds the tree. */
	if (ftx_jsonstrict_check(req->body, req->body_len, &pos, &why) == 0 &&
	    (tok = json_tokener_new_ex(FTX_JSONSTRICT_DEPTH_MAX + 1)) != NULL) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		    JSON_TOKENER_VALIDATE_UTF8);
		/* The length includes the terminating NUL so that a lone
		 * scalar ("5") completes instead of waiting for more input. */
		*root = json_tokener_parse_ex(tok, req->body,
		    (int)req->body_len + 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(*root);
			*root = NULL;
		}
		json_tokener_free(tok);
		if (json_object_is_type(*root, json_type_object))
			return 0;
		why = *root != NULL ? "not an object" : why;
		json_object_put(*root);
		*root = NULL;
	}
	snprintf(msg, sizeof(msg), "the body is not a valid JSON object: %s "
	    "at byte %zu", why, pos);
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
	if (!is_json_type(req)) {
		ftx_http_send_error(req, FTX_E_UNSUPPORTED_MEDIA_TYPE, NULL,
		    "the body must be application/json", NULL);
		return -1;
	}
	return parse_body(req, root);
}

static int
valid_idempotency_key(const char *key)
{
	size_t i, n = strlen(key);

	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return 0;
	return 1;
}

/* The cc addresses as a JSON array; NULL when out of memory. */
static struct json_object *
cc_array(const struct export_request *r)
{
	struct json_object *a, *s = NULL;
	int i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < r->ncc; i++) {
		if ((s = json_object_new_string(r->cc[i])) == NULL ||
		    json_object_array_add(a, s) != 0) {
			json_object_put(s);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
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

/* The members of the body object root (NULL: none); an unknown one adds
 * UNKNOWN_FIELD, named unless the name holds a control character. */
static void
body_fields(struct json_object *root, struct json_object **filters,
    struct json_object **cc, struct ftx_apierrs *errs)
{
	if (root == NULL)
		return;
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "filters") == 0)
			*filters = val;
		else if (strcmp(key, "cc") == 0)
			*cc = val;
		else
			ftx_apierrs_add(errs, FTX_E_UNKNOWN_FIELD,
			    ftx_utf8_has_control(key, strlen(key)) ? NULL : key,
			    "unknown field (expected filters, cc)");
	}
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
	ftx_filters_init(&r->filters);
	if (ftx_apierrs_init(&errs) == -1)
		return -1;
	if (read_json_body(ctx, req, &root) == -1)
		goto out;
	idem = ftx_http_param(req, "HTTP_IDEMPOTENCY_KEY");
	if (idem != NULL && !valid_idempotency_key(idem))
		ftx_apierrs_add(&errs, FTX_E_INVALID_IDEMPOTENCY_KEY,
		    "Idempotency-Key", "must be 1 to %d printable ASCII "
		    "characters", IDEMPOTENCY_KEY_MAX);
	body_fields(root, &filters, &cc, &errs);
	flags = ctx->who.role == FTX_ROLE_SUPPLIER ?
	    FTX_FILTERS_IGNORE_SUPPLIERS : 0;
	parse_cc(r, cc, &errs);
	if ((ftx_filters_from_json(&r->filters, filters, "filters.", flags,
	    &errs) == 0 ? ftx_api_resolve_suppliers(ctx, "filters.",
	    &r->filters, &r->supplier_ids_param, &errs) :
	    ftx_api_check_suppliers_alone(ctx, filters, NULL, &errs)) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	if ((r->filters_json = json_text(ftx_filters_to_json(&r->filters))) ==
	    NULL || (r->cc_json = json_text(cc_array(r))) == NULL ||
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
