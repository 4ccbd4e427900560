/*
 * router.c - path patterns and method dispatch.
 */
#include <string.h>

#include "router.h"

/* Length of the segment starting at s (up to the next '/' or the end). */
static size_t
segment_len(const char *s)
{
	return strcspn(s, "/");
}

/* 1 if path matches pattern, filling params; else 0. */
static int
pattern_match(const char *pattern, const char *path,
    struct ftx_route_params *params)
{
	size_t plen, slen;

	params->n = 0;
	for (;;) {
		if (*pattern != '/' || *path != '/')
			return *pattern == '\0' && *path == '\0';
		pattern++;
		path++;
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (slen == 0 || slen > FTX_ROUTE_PARAM_MAX)
			return 0;
		if (plen >= 2 && pattern[0] == '{' && pattern[plen - 1] == '}') {
			if (params->n == FTX_ROUTE_MAX_PARAMS)
				return 0;
			memcpy(params->value[params->n], path, slen);
			params->value[params->n][slen] = '\0';
			params->n++;
		} else if (plen != slen || memcmp(pattern, path, slen) != 0)
			return 0;
		pattern += plen;
		path += slen;
	}
}

/* 1 if the comma-separated list allow already names method. */
static int
allow_has(const char *allow, const char *method)
{
	size_t mlen = strlen(method);
	const char *p = allow;

	while (*p != '\0') {
		if (strncmp(p, method, mlen) == 0 &&
		    (p[mlen] == ',' || p[mlen] == '\0'))
			return 1;
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return 0;
}

/* Appends method to the list in allow, once, if it fits. */
static void
allow_append(char *allow, size_t allowlen, const char *method)
{
	size_t used = strlen(allow);
	size_t need = strlen(method) + (used > 0 ? 2 : 0);

	if (allow_has(allow, method) || used + need >= allowlen)
		return;
	if (used > 0)
		strcat(allow, ", ");
	strcat(allow, method);
}

/* 1 if a request with method is answered by route r: HEAD is answered
 * wherever GET is (RFC 9110 9.3.2), with the same headers and no body. */
static int
method_matches(const struct ftx_route *r, const char *method)
{
	return strcmp(r->method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
}

enum ftx_route_result
ftx_route_match(const struct ftx_route *table, const char *method,
    const char *path, const struct ftx_route **found,
    struct ftx_route_params *params, char *allow, size_t allowlen)
{
	const struct ftx_route *r;
	struct ftx_route_params scratch;
	int path_known = 0;

	if (allowlen > 0)
		allow[0] = '\0';
	*found = NULL;
	for (r = table; r->pattern != NULL; r++) {
		if (!pattern_match(r->pattern, path, &scratch))
			continue;
		path_known = 1;
		if (method_matches(r, method)) {
			*found = r;
			*params = scratch;
			return FTX_ROUTE_FOUND;
		}
		if (allowlen > 0) {
			allow_append(allow, allowlen, r->method);
			if (strcmp(r->method, "GET") == 0)
				allow_append(allow, allowlen, "HEAD");
		}
	}
	return path_known ? FTX_ROUTE_METHOD_NOT_ALLOWED : FTX_ROUTE_NOT_FOUND;
}
