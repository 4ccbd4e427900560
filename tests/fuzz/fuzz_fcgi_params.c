/*
 * fuzz_fcgi_params.c - what ftx parses from the CGI parameters and the
 * body of a FastCGI request, with the request built in memory (no socket):
 * REQUEST_METHOD, REQUEST_URI (path and route), QUERY_STRING,
 * CONTENT_LENGTH and the body, CONTENT_TYPE, dj-api-key (key format),
 * dj-client, Idempotency-Key, If-None-Match, If-Modified-Since.  Each is
 * checked against a reference of its rule.
 *
 * Input: records separated by NUL bytes; an empty record ends them and
 * what follows is the body.  A record's first byte picks a parameter name
 * from names[] (else the record is a raw "NAME=value"), the rest is the
 * value.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>

#include "api.h"
#include "apikey.h"
#include "auth.h"
#include "exportreq.h"
#include "fuzzlib.h"
#include "http.h"
#include "httpcond.h"
#include "router.h"

#define MAX_ENV		32
#define BODY_MAX	1024
#define ETAG		"5f1e0c2d9a"

static const char *const names[] = {
	"REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "CONTENT_LENGTH",
	"CONTENT_TYPE", "HTTP_DJ_API_KEY", "HTTP_DJ_CLIENT",
	"HTTP_IDEMPOTENCY_KEY", "HTTP_IF_NONE_MATCH",
	"HTTP_IF_MODIFIED_SINCE", "SCRIPT_NAME",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

/* api.c's table, as the service routes. */
#define EXPORTS	"/v1/payments/funding-transfers/export"
static const struct ftx_route routes[] = {
	{ "GET", "/v1/health", 0 },
	{ "GET", "/v1/payments/funding-transfers", 1 },
	{ "POST", EXPORTS, 2 },
	{ "GET", EXPORTS, 3 },
	{ "GET", EXPORTS "/{id}", 4 },
	{ "DELETE", EXPORTS "/{id}", 5 },
	{ "GET", EXPORTS "/{id}/download", 6 },
	{ NULL, NULL, 0 }
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

/* The input stream ends where the body does. */
static void
fill_eof(FCGX_Stream *s)
{
	s->isClosed = 1;
}

/* The first value of name in env, as FCGX_GetParam finds it. */
static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* CONTENT_LENGTH as the body reader must take it: 1 and *len, or 0. */
static int
ref_length(const char *cl, unsigned long long *len)
{
	unsigned long long v = 0;

	*len = 0;
	if (cl == NULL || *cl == '\0')
		return 1;
	for (; *cl != '\0'; cl++) {
		if (*cl < '0' || *cl > '9')
			return 0;
		if (v > (ULLONG_MAX - (unsigned)(*cl - '0')) / 10)
			return 0;
		v = v * 10 + (unsigned)(*cl - '0');
	}
	*len = v;
	return 1;
}

static int
ref_key(const char *k)
{
	size_t i = 0, n;

	if (k == NULL || strncmp(k, "ftx_", 4) != 0)
		return 0;
	k += 4;
	for (n = 0; (k[n] >= 'a' && k[n] <= 'z') || (k[n] >= '0' &&
	    k[n] <= '9'); n++)
		;
	if (n < 8 || n > 32 || k[n] != '_')
		return 0;
	k += n + 1;
	for (i = 0; (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' &&
	    k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9'); i++)
		;
	return i >= 16 && i <= 128 && k[i] == '\0';
}

static int
ref_json_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static int
ref_idem(const char *k)
{
	size_t n = 0;

	for (; k[n] != '\0'; n++)
		if (k[n] < 0x20 || k[n] > 0x7e)
			return 0;
	return n >= 1 && n <= 255;
}

static void
check_route(const struct ftx_http_req *req)
{
	struct ftx_route_params params;
	const struct ftx_route *found = NULL;
	char allow[64];
	int r, i;

	allow[0] = '\0';
	r = ftx_route_match(routes, req->method, req->path, &found, &params,
	    allow, sizeof(allow));
	if (r == FTX_ROUTE_FOUND) {
		FUZZ_ASSERT(found != NULL);
		FUZZ_ASSERT(strcmp(found->method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 &&
		    strcmp(found->method, "GET") == 0));
		FUZZ_ASSERT(params.n >= 0 && params.n <= FTX_ROUTE_MAX_PARAMS);
		for (i = 0; i < params.n; i++) {
			FUZZ_ASSERT(params.value[i][0] != '\0');
			FUZZ_ASSERT(strchr(params.value[i], '/') == NULL);
			FUZZ_ASSERT(strstr(req->path, params.value[i]) != NULL);
		}
	} else if (r == FTX_ROUTE_METHOD_NOT_ALLOWED) {
		/* Allow goes into a header: tokens, commas and spaces. */
		FUZZ_ASSERT(allow[0] != '\0');
		FUZZ_ASSERT(strspn(allow, "ABCDEFGHIJKLMNOPQRSTUVWXYZ, ") ==
		    strlen(allow));
	} else
		FUZZ_ASSERT(r == FTX_ROUTE_NOT_FOUND);
}

static void
check_headers(char **env)
{
	const char *key = env_get(env, "HTTP_DJ_API_KEY");
	const char *client = env_get(env, "HTTP_DJ_CLIENT");
	const char *idem = env_get(env, "HTTP_IDEMPOTENCY_KEY");
	const char *inm = env_get(env, "HTTP_IF_NONE_MATCH");
	const char *ims = env_get(env, "HTTP_IF_MODIFIED_SINCE");
	char keyid[FTX_APIKEY_ID_MAX + 1], date[FTX_HTTPDATE_LEN];
	const char *secret = NULL;
	enum ftx_role role;
	int64_t t, u;
	int r;

	r = ftx_apikey_split(key, keyid, &secret);
	FUZZ_ASSERT((r == 0) == ref_key(key));
	if (r == 0) {
		FUZZ_ASSERT(!ftx_api_has_control(key));
		FUZZ_ASSERT(strncmp(key + 4, keyid, strlen(keyid)) == 0);
		FUZZ_ASSERT(secret == key + 5 + strlen(keyid));
	}
	r = ftx_role_from_name(client, &role);
	FUZZ_ASSERT((r == 0) == (client != NULL &&
	    (strcmp(client, "OPERATOR") == 0 ||
	    strcmp(client, "SUPPLIER") == 0)));
	FUZZ_ASSERT(ftx_exportreq_is_json(env_get(env, "CONTENT_TYPE")) ==
	    ref_json_type(env_get(env, "CONTENT_TYPE")));
	if (idem != NULL)
		FUZZ_ASSERT(ftx_exportreq_idem_key_ok(idem) == ref_idem(idem));
	if (inm != NULL) {
		r = ftx_httpcond_etag_match(inm, ETAG);
		FUZZ_ASSERT(r == 0 || r == 1);
		if (strstr(inm, "\"" ETAG "\"") == NULL &&
		    strspn(inm, " \t*") != strlen(inm))
			FUZZ_ASSERT(r == 0);
	}
	if (ims != NULL && ftx_httpcond_date_parse(ims, &t) == 0) {
		/* An HTTP date parsed is a whole second, formats back to
		 * the same text (IMF-fixdate is one form) and parses again. */
		FUZZ_ASSERT(t % 1000000 == 0);
		ftx_httpcond_date_format(t, date);
		FUZZ_ASSERT(ftx_httpcond_date_parse(date, &u) == 0 && u == t);
		FUZZ_ASSERT(strncmp(date + 5, ims + 5, 24) == 0);
		FUZZ_ASSERT(ftx_httpcond_not_modified(NULL, ims, ETAG, t) == 1);
	}
}

/* Builds env (NULL-terminated, malloc'd records) from the input's
 * records; returns where the body starts. */
static const uint8_t *
read_records(const uint8_t *data, size_t size, char **env, size_t *nenv)
{
	const uint8_t *p = data, *end = data + size, *z;
	size_t n, plen;
	char *rec;

	*nenv = 0;
	while (p < end && *nenv < MAX_ENV) {
		z = memchr(p, '\0', (size_t)(end - p));
		n = z != NULL ? (size_t)(z - p) : (size_t)(end - p);
		if (n == 0) {
			env[*nenv] = NULL;
			return p + 1;
		}
		if (p[0] < NNAMES) {
			plen = strlen(names[p[0]]);
			if ((rec = malloc(plen + n + 1)) == NULL)
				abort();
			memcpy(rec, names[p[0]], plen);
			rec[plen] = '=';
			memcpy(rec + plen + 1, p + 1, n - 1);
			rec[plen + n] = '\0';
		} else
			rec = fuzz_strndup(p, n);
		env[(*nenv)++] = rec;
		p += n + 1;
	}
	env[*nenv] = NULL;
	return end;
}

/* The request line as ftx_http_req_init() must have read it. */
static void
check_request(const struct ftx_http_req *req, char **env)
{
	const char *method = env_get(env, "REQUEST_METHOD");
	const char *query = env_get(env, "QUERY_STRING");
	const char *uri;
	size_t n;

	FUZZ_ASSERT(strcmp(req->method, method != NULL ? method : "") == 0);
	FUZZ_ASSERT(strcmp(req->query, query != NULL ? query : "") == 0);
	if ((uri = env_get(env, "REQUEST_URI")) == NULL &&
	    (uri = env_get(env, "SCRIPT_NAME")) == NULL)
		uri = "";
	n = strcspn(uri, "?");
	if (n > FTX_HTTP_PATH_MAX)
		FUZZ_ASSERT(req->path_too_long && req->path[0] == '\0');
	else
		FUZZ_ASSERT(!req->path_too_long && strlen(req->path) == n &&
		    memcmp(req->path, uri, n) == 0);
	check_route(req);
}

/* CONTENT_LENGTH and the body, read through libfcgi's stream. */
static void
check_body(struct ftx_http_req *req, char **env, const uint8_t *body,
    size_t blen)
{
	unsigned long long want;
	int r;

	r = ftx_http_read_body(req, BODY_MAX);
	if (!ref_length(env_get(env, "CONTENT_LENGTH"), &want))
		FUZZ_ASSERT(r == -1);
	else if (want > BODY_MAX)
		FUZZ_ASSERT(r == 1);
	else if (want > blen)
		FUZZ_ASSERT(r == -1);	/* the body ended early */
	else {
		FUZZ_ASSERT(r == 0);
		FUZZ_ASSERT(req->body_len == want && req->body[want] == '\0');
		FUZZ_ASSERT(memcmp(req->body, body, (size_t)want) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *env[MAX_ENV + 1];
	const uint8_t *body, *end = data + size;
	struct ftx_http_req req;
	FCGX_Stream in;
	FCGX_Request fcgx;
	size_t nenv, i;

	body = read_records(data, size, env, &nenv);
	memset(&in, 0, sizeof(in));
	in.rdNext = in.stopUnget = (unsigned char *)(uintptr_t)body;
	in.stop = (unsigned char *)(uintptr_t)end;
	in.isReader = 1;
	in.fillBuffProc = fill_eof;
	memset(&fcgx, 0, sizeof(fcgx));
	fcgx.in = &in;
	fcgx.envp = env;
	fcgx.ipcFd = -1;

	FUZZ_ASSERT(ftx_http_req_init(&req, &fcgx) == 0);
	check_request(&req, env);
	check_body(&req, env, body, (size_t)(end - body));
	check_headers(env);
	ftx_http_req_fini(&req);
	for (i = 0; i < nenv; i++)
		free(env[i]);
	return 0;
}
