/*
 * http.h - one FastCGI request as the API sees it: method, path, query,
 * headers, body, and the response written back in one piece.
 */
#ifndef FTX_HTTP_H
#define FTX_HTTP_H

#include <stddef.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "apierr.h"

#define FTX_HTTP_PATH_MAX	1024

struct ftx_http_req {
	FCGX_Request	*fcgx;
	const char	*method;		/* never NULL */
	char		 path[FTX_HTTP_PATH_MAX + 1]; /* REQUEST_URI before '?' */
	int		 path_too_long;
	const char	*query;			/* never NULL, may be "" */
	char		 request_id[17];	/* 16 hex digits */
	int		 status;		/* sent status, 0 = none yet */
	int		 head_refused;		/* send_head sent a 500 instead */
	char		*body;			/* request body, NUL-terminated */
	size_t		 body_len;
};

/* Fills req from fcgx (no I/O).  Returns 0. */
int ftx_http_req_init(struct ftx_http_req *req, FCGX_Request *fcgx);

/* Frees what the request allocated (the body). */
void ftx_http_req_fini(struct ftx_http_req *req);

/* A CGI parameter ("HTTP_DJ_API_KEY", "CONTENT_TYPE", ...) or NULL. */
const char *ftx_http_param(const struct ftx_http_req *req, const char *name);

/* Reads the request body (CONTENT_LENGTH bytes) into req->body.  Returns 0,
 * 1 when it is larger than max (nothing kept), or -1 on a read error or a
 * malformed CONTENT_LENGTH. */
int ftx_http_read_body(struct ftx_http_req *req, size_t max);

/* Sends status with body serialised as JSON.  extra_headers is NULL or
 * complete "Name: value\r\n" lines.  Takes no ownership of body.  A second
 * response for the same request is ignored.  Returns 0 or -1 (write error). */
int ftx_http_send_json(struct ftx_http_req *req, int status,
    struct json_object *body, const char *extra_headers);

/* Sends status with text[len], already JSON, as the body. */
int ftx_http_send_json_text(struct ftx_http_req *req, int status,
    const char *text, size_t len, const char *extra_headers);

/* Sends the SPEC §7 error body for errs (which is emptied) with the status
 * of its first error.  extra_headers as above (e.g. "Allow: GET\r\n"). */
int ftx_http_send_errors(struct ftx_http_req *req, struct ftx_apierrs *errs,
    const char *extra_headers);

/* Shorthand for a response with a single error. */
int ftx_http_send_error(struct ftx_http_req *req, enum ftx_apierr e,
    const char *field, const char *message, const char *extra_headers);

/* 1 if headers is a run of complete "Name: value\r\n" lines (possibly
 * none): a token name, and a value without CR, LF or any control byte
 * but tab.  Else 0. */
int ftx_http_headers_valid(const char *headers);

/* Sends the status line and headers (complete "Name: value\r\n" lines,
 * Status excepted) and ends the header block; the body, if any, follows
 * with ftx_http_write().  Headers that are not ftx_http_headers_valid()
 * (a value carrying CR, LF or another control byte would split the
 * header, e.g. X-Sendfile) are not sent: the answer is a 500 JSON error,
 * logged, and the caller must write no body (it is ignored).  A second
 * call for the same request is ignored.  Returns 0 or -1. */
int ftx_http_send_head(struct ftx_http_req *req, int status,
    const char *headers);

/* Writes body bytes after ftx_http_send_head().  0 or -1 (also when
 * ftx_http_send_head refused its headers: the bytes are not written). */
int ftx_http_write(struct ftx_http_req *req, const void *buf, size_t len);

/* Reason phrase of a status ("OK", "Not Found", ...). */
const char *ftx_http_reason(int status);

#endif /* FTX_HTTP_H */
