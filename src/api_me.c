/*
 * api_me.c - GET /v1/me: who the API key belongs to (SPEC §7), for the
 * back office to show who is signed in.  The only endpoint that needs the
 * key alone: dj-client, when sent, is checked as everywhere else (api.c).
 */
#include <json-c/json.h>

#include "api.h"
#include "log.h"

/* The tenant's name and, for a supplier, its external id and name; the
 * rest of the answer is the principal itself. */
static const char me_sql[] =
    "SELECT t.name, s.external_id, s.name FROM tenants t "
    "LEFT JOIN suppliers s ON s.id = $2 AND s.tenant_id = t.id "
    "WHERE t.id = $1";

/* {"userId", "email", "role", "tenant": {"id", "name"}, "supplier":
 * {"externalId", "name"} or null} into w. */
static void
me_write(const struct ftx_principal *who, const PGresult *res,
    struct ftx_jsonw *w)
{
	ftx_jsonw_lit(w, "{\"userId\":");
	ftx_jsonw_string(w, who->user_id);
	ftx_jsonw_lit(w, ",\"email\":");
	ftx_jsonw_string(w, who->email);
	ftx_jsonw_lit(w, ",\"role\":");
	ftx_jsonw_string(w, ftx_role_name(who->role));
	ftx_jsonw_lit(w, ",\"tenant\":{\"id\":");
	ftx_jsonw_string(w, who->tenant_id);
	ftx_jsonw_lit(w, ",\"name\":");
	ftx_jsonw_string(w, PQgetvalue(res, 0, 0));
	if (who->role != FTX_ROLE_SUPPLIER || PQgetisnull(res, 0, 1))
		ftx_jsonw_lit(w, "},\"supplier\":null}");
	else {
		ftx_jsonw_lit(w, "},\"supplier\":{\"externalId\":");
		ftx_jsonw_string(w, PQgetvalue(res, 0, 1));
		ftx_jsonw_lit(w, ",\"name\":");
		ftx_jsonw_string(w, PQgetvalue(res, 0, 2));
		ftx_jsonw_lit(w, "}}");
	}
}

void
ftx_api_me(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	const struct ftx_principal *who = &ctx->who;
	const char *values[2];
	PGresult *res;

	(void)params;
	values[0] = who->tenant_id;
	values[1] = who->role == FTX_ROLE_SUPPLIER ? who->supplier_id : NULL;
	if ((res = ftx_db_query(ctx->db, me_sql, 2, values)) == NULL) {
		ftx_api_send_unavailable(req);
		return;
	}
	if (!ftx_db_ok(res) || PQntuples(res) != 1) {
		/* users.tenant_id references tenants: a missing row is a
		 * broken database, not the caller's fault. */
		log_err("me: user %s: tenant not read: %s", who->user_id,
		    ftx_db_ok(res) ? "no such tenant" :
		    PQresultErrorMessage(res));
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the account could not be read", NULL);
		PQclear(res);
		return;
	}
	ftx_jsonw_reset(&ctx->page);
	me_write(who, res, &ctx->page);
	PQclear(res);
	if (ctx->page.oom)
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
	else
		ftx_http_send_json_text(req, 200, ctx->page.buf, ctx->page.len,
		    NULL);
}
