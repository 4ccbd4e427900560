/*
 * router.h - matches a method and a path against a table of routes.
 *
 * A pattern is a path whose segments are literals or "{name}", which
 * captures one non-empty segment.  An unknown path is NOT_FOUND; a known
 * path with another method is METHOD_NOT_ALLOWED with the methods allowed.
 * HEAD is answered wherever GET is (SPEC 7): a table lists GET alone, HEAD
 * finds the GET route and Allow names both.
 */
#ifndef FTX_ROUTER_H
#define FTX_ROUTER_H

#include <stddef.h>

#define FTX_ROUTE_MAX_PARAMS	2
#define FTX_ROUTE_PARAM_MAX	128	/* longest captured segment */

struct ftx_route_params {
	int	 n;
	char	 value[FTX_ROUTE_MAX_PARAMS][FTX_ROUTE_PARAM_MAX + 1];
};

struct ftx_route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;	/* "/v1/payments/funding-transfers/export/{id}" */
	int		 id;		/* the caller's handler number */
};

enum ftx_route_result {
	FTX_ROUTE_FOUND,
	FTX_ROUTE_NOT_FOUND,
	FTX_ROUTE_METHOD_NOT_ALLOWED
};

/*
 * Looks up method and path (without query string) in table, which ends with
 * an entry whose pattern is NULL.  FOUND: *found is the entry and params
 * holds the captures; a HEAD request finds the first route for HEAD or GET
 * on the path.  METHOD_NOT_ALLOWED: allow[allowlen] receives the allowed
 * methods, each once, e.g. "GET, HEAD, DELETE" (methods that do not fit
 * are left out).  A path that does not start with "/",
 * has an empty segment or a segment longer than FTX_ROUTE_PARAM_MAX is
 * NOT_FOUND.
 */
enum ftx_route_result ftx_route_match(const struct ftx_route *table,
    const char *method, const char *path, const struct ftx_route **found,
    struct ftx_route_params *params, char *allow, size_t allowlen);

#endif /* FTX_ROUTER_H */
