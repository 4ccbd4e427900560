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
	struct json_object *body;
	PGresult *res;
	int up;

	(void)params;
	res = ftx_db_query(ctx->db, "SELECT 1", 0, NULL);
	up = ftx_db_ok(res);
	PQclear(res);
	body = json_object_new_object();
	json_object_object_add(body, "status",
	    json_object_new_string(up ? "ok" : "unavailable"));
	ftx_http_send_json(req, up ? 200 : 503, body, NULL);
	json_object_put(body);
}
