/*
 * api.c - the route table and the per-request dispatcher.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "api.h"
#include "apierr.h"
#include "http.h"
#include "log.h"
#include "router.h"

typedef void (*api_handler)(struct ftx_api_ctx *, struct ftx_http_req *,
    const struct ftx_route_params *);

enum api_route {
	API_HEALTH,
	API_ROUTE_COUNT
};

static const struct ftx_route api_routes[] = {
	{ "GET", "/v1/health", API_HEALTH },
	{ NULL, NULL, 0 }
};

static const api_handler api_handlers[API_ROUTE_COUNT] = {
	[API_HEALTH] = ftx_api_health,
};

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1e3 +
	    (now.tv_nsec - start->tv_nsec) / 1e6;
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
	ftx_http_req_init(&req, fcgx);
	switch (ftx_route_match(api_routes, req.method, req.path, &route,
	    &params, allow, sizeof(allow))) {
	case FTX_ROUTE_FOUND:
		api_handlers[route->id](ctx, &req, &params);
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
	if (req.status == 0)	/* a handler that forgot to answer */
		ftx_http_send_error(&req, FTX_E_INTERNAL_ERROR, NULL,
		    "internal error", NULL);
	/* The path is logged without the query string: it may carry a
	 * download signature. */
	log_info("request %s %.16s %.200s %d %.1fms", req.request_id,
	    req.method, req.path, req.status, elapsed_ms(&start));
	ftx_http_req_fini(&req);
}
