/*
 * api.h - the HTTP API: the route table, the dispatcher, and one handler
 * per endpoint (api_*.c).
 */
#ifndef FTX_API_H
#define FTX_API_H

#include <fcgiapp.h>

#include "config.h"
#include "db.h"
#include "http.h"
#include "router.h"

/* What a responder child holds for the requests it serves. */
struct ftx_api_ctx {
	const struct ftx_config	*cfg;
	struct ftx_db		*db;
};

/* Answers one request: routes it (404, 405 + Allow), runs the handler, logs
 * one line (request id, method, path, status, duration).  Never fails: every
 * path ends in a response. */
void ftx_api_handle(struct ftx_api_ctx *ctx, FCGX_Request *fcgx);

/* GET /v1/health: 200 {"status":"ok"} when SELECT 1 answers, else 503
 * {"status":"unavailable"}. */
void ftx_api_health(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params);

#endif /* FTX_API_H */
