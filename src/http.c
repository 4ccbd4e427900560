/*
 * http.c - request parameters, body and responses over libfcgi.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "apierr.h"
#include "http.h"
#include "log.h"

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
	{ 304, "Not Modified" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 413, "Payload Too Large" }, { 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Entity" }, { 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

const char *
ftx_http_reason(int status)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

/* A request id unique enough to find a request in the logs. */
static void
make_request_id(char *buf)
{
	static unsigned long long counter;
	unsigned long long v;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = ((unsigned long long)ts.tv_sec << 20) ^ (unsigned long long)ts.tv_nsec;
	v ^= (unsigned long long)getpid() << 40;
	v += ++counter * 0x9e3779b97f4a7c15ULL;
	snprintf(buf, 17, "%016llx", v);
}

int
ftx_http_req_init(struct ftx_http_req *req, FCGX_Request *fcgx)
{
	const char *uri;
	size_t n;

	memset(req, 0, sizeof(*req));
	req->fcgx = fcgx;
	req->method = ftx_http_param(req, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "";
	req->query = ftx_http_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	/* REQUEST_URI is the raw path as the client sent it, set by lighttpd
	 * and Apache alike; SCRIPT_NAME/PATH_INFO depend on the mapping. */
	if ((uri = ftx_http_param(req, "REQUEST_URI")) == NULL &&
	    (uri = ftx_http_param(req, "SCRIPT_NAME")) == NULL)
		uri = "";
	n = strcspn(uri, "?");
	if (n > FTX_HTTP_PATH_MAX) {
		req->path_too_long = 1;
		n = 0;
	}
	memcpy(req->path, uri, n);
	req->path[n] = '\0';
	make_request_id(req->request_id);
	return 0;
}

void
ftx_http_req_fini(struct ftx_http_req *req)
{
	free(req->body);
	req->body = NULL;
	req->body_len = 0;
}

const char *
ftx_http_param(const struct ftx_http_req *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgx->envp);
}

int
ftx_http_read_body(struct ftx_http_req *req, size_t max)
{
	const char *cl = ftx_http_param(req, "CONTENT_LENGTH");
	unsigned long long len = 0;
	char *end, *buf;
	size_t got = 0;
	int n;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		if (*cl < '0' || *cl > '9')
			return -1;
		len = strtoull(cl, &end, 10);
		if (errno != 0 || *end != '\0')
			return -1;
	}
	if (len > max)
		return 1;
	if ((buf = malloc(len + 1)) == NULL)
		return -1;
	while (got < len) {
		n = FCGX_GetStr(buf + got, (int)(len - got), req->fcgx->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != len) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	free(req->body);
	req->body = buf;
	req->body_len = len;
	return 0;
}

int
ftx_http_send_json_text(struct ftx_http_req *req, int status,
    const char *text, size_t len, const char *extra_headers)
{
	char head[1024];
	int hlen, head_only;

	if (req->status != 0)
		return 0;
	req->status = status;
	head_only = strcmp(req->method, "HEAD") == 0;
	/* libfcgi's own printf lacks %zu: format here, write once. */
	hlen = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Request-Id: %s\r\n"
	    "%s\r\n", status, ftx_http_reason(status), len + 1,
	    req->request_id, extra_headers != NULL ? extra_headers : "");
	if (hlen < 0 || (size_t)hlen >= sizeof(head) ||
	    FCGX_PutStr(head, hlen, req->fcgx->out) < 0)
		return -1;
	if (!head_only && (FCGX_PutStr(text, (int)len, req->fcgx->out) < 0 ||
	    FCGX_PutChar('\n', req->fcgx->out) < 0))
		return -1;
	return 0;
}

int
ftx_http_send_json(struct ftx_http_req *req, int status,
    struct json_object *body, const char *extra_headers)
{
	/* A body that could not be built (out of memory) is not sent as
	 * "null" with the status meant for it: 500, fixed text. */
	static const char oom[] = "{\"errors\":[{\"code\":\"INTERNAL_ERROR\","
	    "\"field\":null,\"message\":\"out of memory\"}]}";
	const char *text = NULL;

	if (body != NULL)
		text = json_object_to_json_string_ext(body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		return ftx_http_send_json_text(req, 500, oom, sizeof(oom) - 1,
		    NULL);
	return ftx_http_send_json_text(req, status, text, strlen(text),
	    extra_headers);
}

int
ftx_http_send_errors(struct ftx_http_req *req, struct ftx_apierrs *errs,
    const char *extra_headers)
{
	struct json_object *body;
	int status, rc;

	status = ftx_apierrs_status(errs);
	body = ftx_apierrs_body(errs);
	rc = ftx_http_send_json(req, status, body, extra_headers);
	json_object_put(body);
	return rc;
}

int
ftx_http_send_error(struct ftx_http_req *req, enum ftx_apierr e,
    const char *field, const char *message, const char *extra_headers)
{
	struct ftx_apierrs errs;
	int rc;

	if (ftx_apierrs_init(&errs) == -1)
		return -1;
	ftx_apierrs_add(&errs, e, field, "%s", message);
	rc = ftx_http_send_errors(req, &errs, extra_headers);
	ftx_apierrs_free(&errs);
	return rc;
}

/* A header name byte (RFC 9110 tchar). */
static int
tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

int
ftx_http_headers_valid(const char *headers)
{
	const unsigned char *p = (const unsigned char *)headers;
	const unsigned char *name;

	while (*p != '\0') {
		for (name = p; tchar(*p); p++)
			;
		if (p == name || *p++ != ':')
			return 0;
		/* The value: visible bytes, spaces and tabs, then CRLF.  A
		 * lone CR or LF, or any other control byte, could start a
		 * header (or a body) of its own. */
		for (; *p != '\r'; p++)
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				return 0;
		if (p[1] != '\n')
			return 0;
		p += 2;
	}
	return 1;
}

int
ftx_http_send_head(struct ftx_http_req *req, int status, const char *headers)
{
	char head[256];
	int n;

	if (req->status != 0)
		return 0;
	if (!ftx_http_headers_valid(headers)) {
		log_err("request %s: a response header holds a control byte "
		    "or is malformed: not sent", req->request_id);
		req->head_refused = 1;
		return ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the response could not be formed", NULL);
	}
	req->status = status;
	n = snprintf(head, sizeof(head), "Status: %d %s\r\nX-Request-Id: %s\r\n",
	    status, ftx_http_reason(status), req->request_id);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    FCGX_PutStr(head, n, req->fcgx->out) < 0 ||
	    FCGX_PutStr(headers, (int)strlen(headers), req->fcgx->out) < 0 ||
	    FCGX_PutStr("\r\n", 2, req->fcgx->out) < 0)
		return -1;
	return 0;
}

int
ftx_http_write(struct ftx_http_req *req, const void *buf, size_t len)
{
	if (req->head_refused)
		return -1;	/* the body of a response not sent */
	return FCGX_PutStr(buf, (int)len, req->fcgx->out) == (int)len ? 0 : -1;
}
