/*
 * api_health.c - GET /v1/health.
 */
#include <json-c/json.h>

#include "api.h"
#include "db.h"
#include "http.h"

void
ftx_api_health(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct json_object *body, *status = NULL;
	PGresult *res;
	int up;

	(void)params;
	res = ftx_db_query(ctx->db, "SELECT 1", 0, NULL);
	up = ftx_db_ok(res);
	PQclear(res);
	if ((body = json_object_new_object()) == NULL ||
	    (status = json_object_new_string(up ? "ok" : "unavailable")) ==
	    NULL || json_object_object_add(body, "status", status) != 0) {
		json_object_put(status);
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory", NULL);
	} else
		ftx_http_send_json(req, up ? 200 : 503, body, NULL);
	json_object_put(body);
}
