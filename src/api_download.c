/*
 * api_download.c - GET|HEAD .../export/{id}/download?expires=E&signature=S
 *
 * The signed URL is the credential (it is e-mailed to CC recipients): no
 * API key.  The signature is checked first, in constant time; then the
 * expiry and the export's state.  With sendfile configured the web server
 * sends the file; otherwise the responder streams it.  Conditional
 * requests (If-None-Match, If-Modified-Since) get 304, GET and HEAD alike;
 * Last-Modified is the export's completedAt.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "exports.h"
#include "httpcond.h"
#include "log.h"
#include "signurl.h"
#include "sink.h"
#include "store.h"

/* What the exports module says of a READY export. */
struct download {
	const char	*id;
	const char	*path;
	char		 size[24];
	const char	*sha256;
	const struct ftx_sink_format *format;	/* of the file */
	int64_t		 completed;	/* usec: Last-Modified */
};

/* The headers of a 200 (all) or of a 304 (validators and caching only,
 * RFC 9110 15.4.5) into buf[len].  Returns the length, or -1. */
static int
download_headers(const struct download *d, int full, char *buf, size_t len)
{
	char date[FTX_HTTPDATE_LEN];
	int n;

	ftx_httpcond_date_format(d->completed, date);
	n = snprintf(buf, len,
	    "ETag: \"%s\"\r\n"
	    "Last-Modified: %s\r\n"
	    "Cache-Control: private, no-store\r\n", d->sha256, date);
	if (full && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n,
		    "Content-Type: %s\r\n"
		    "Content-Disposition: attachment; "
		    "filename=\"funding-transfers-%s%s\"\r\n"
		    "Content-Length: %s\r\n",
		    d->format->content_type, d->id, d->format->suffix,
		    d->size);
	return n > 0 && (size_t)n < len ? n : -1;
}

/* Opens the file.  Returns the descriptor, or -1 having answered: the file
 * gone since the READY check (the daemon expired the export meanwhile) is
 * 410 like an expired link, anything else 500. */
static int
open_export(struct ftx_http_req *req, const struct download *d)
{
	int fd;

	if ((fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) != -1)
		return fd;
	if (errno == ENOENT) {
		log_info("export %s: its file is gone (expired meanwhile)",
		    d->id);
		ftx_http_send_error(req, FTX_E_LINK_EXPIRED, NULL,
		    "the export is no longer available", NULL);
	} else {
		log_err("export %s: file %s cannot be opened: %s", d->id,
		    d->path, strerror(errno));
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the file is not available", NULL);
	}
	return -1;
}

/* Answers GET or HEAD for d: 304 when the request's validators match, the
 * headers alone for HEAD, else the file, sent by the web server when
 * sendfile is configured or copied here. */
static void
send_file(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct download *d)
{
	static const char *const names[] = { NULL, "X-Sendfile",
	    "X-LIGHTTPD-send-file", "X-Accel-Redirect" };
	char headers[2048], where[1024], buf[65536];
	int head_only = strcmp(req->method, "HEAD") == 0;
	int fd, n;
	ssize_t got;

	if ((fd = open_export(req, d)) == -1)
		return;
	if (ftx_httpcond_not_modified(
	    ftx_http_param(req, "HTTP_IF_NONE_MATCH"),
	    ftx_http_param(req, "HTTP_IF_MODIFIED_SINCE"), d->sha256,
	    d->completed)) {
		if (download_headers(d, 0, headers, sizeof(headers)) != -1)
			ftx_http_send_head(req, 304, headers);
		goto out;
	}
	if ((n = download_headers(d, 1, headers, sizeof(headers))) == -1)
		goto out;
	if (!head_only && ctx->cfg->sendfile != FTX_SENDFILE_OFF) {
		if (ftx_store_served_path(ctx->cfg, d->path, where,
		    sizeof(where)) == -1)
			goto out;
		snprintf(headers + n, sizeof(headers) - (size_t)n,
		    "%s: %s\r\n", names[ctx->cfg->sendfile], where);
		ftx_http_send_head(req, 200, headers);
		goto out;
	}
	ftx_http_send_head(req, 200, headers);
	while (!head_only && (got = read(fd, buf, sizeof(buf))) > 0)
		if (ftx_http_write(req, buf, (size_t)got) == -1)
			break;	/* the client went away */
out:
	if (req->status == 0) {
		log_err("export %s: file %s cannot be served", d->id, d->path);
		ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
		    "the file is not available", NULL);
	}
	close(fd);
}

/* The conditional headers are read: a control byte in one is refused
 * (SPEC 7).  0, or -1 having answered 400. */
static int
check_conditionals(struct ftx_http_req *req)
{
	static const char *const names[][2] = {
		{ "HTTP_IF_NONE_MATCH", "If-None-Match" },
		{ "HTTP_IF_MODIFIED_SINCE", "If-Modified-Since" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ftx_api_has_control(ftx_http_param(req, names[i][0]))) {
			ftx_http_send_error(req, FTX_E_INVALID_PARAMETER,
			    names[i][1], "holds a control character", NULL);
			return -1;
		}
	return 0;
}

void
ftx_api_download(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct download d;
	struct ftx_export *e = NULL;
	char *values[2] = { NULL, NULL };
	const char *id = params->value[0];
	long long expires = 0;
	enum ftx_exports_rc rc;

	if (ftx_signurl_query(req->query, values, &expires) == -1 ||
	    !ftx_signurl_verify(ctx->keys, id, values[0], values[1])) {
		ftx_http_send_error(req, FTX_E_INVALID_SIGNATURE, "signature",
		    "the link is not valid", NULL);
		goto out;
	}
	if (check_conditionals(req) == -1)
		goto out;
	if (expires <= (long long)time(NULL)) {
		ftx_http_send_error(req, FTX_E_LINK_EXPIRED, NULL,
		    "the link has expired", NULL);
		goto out;
	}
	if ((rc = ftx_exports_download(ctx->db, id, &e)) == FTX_EXPORTS_DOWN) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (rc != FTX_EXPORTS_OK) {
		ftx_http_send_error(req, FTX_E_LINK_EXPIRED, NULL,
		    "the export is no longer available", NULL);
		goto out;
	}
	d.id = id;
	d.path = ftx_export_file_path(e);
	snprintf(d.size, sizeof(d.size), "%lld", ftx_export_size(e));
	d.sha256 = ftx_export_sha256(e);
	d.format = ftx_export_format(e);
	d.completed = ftx_export_completed(e);
	send_file(ctx, req, &d);
out:
	ftx_export_free(e);
	free(values[0]);
	free(values[1]);
}
