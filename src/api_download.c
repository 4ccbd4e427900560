/*
 * api_download.c - GET|HEAD .../export/{id}/download?expires=E&signature=S
 *
 * The signed URL is the credential (it is e-mailed to CC recipients): no
 * API key.  The signature is checked first, in constant time; then the
 * expiry and the export's state.  With sendfile configured the web server
 * sends the file; otherwise the responder streams it.
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
#include "form.h"
#include "log.h"
#include "signurl.h"
#include "store.h"

#define DOWNLOAD_SQL \
	"SELECT e.file_path, e.file_size, e.sha256 FROM exports e " \
	"WHERE e.id = $1 AND e.status = 'READY' AND e.expires_at > now()"

static const char *const own[] = { "expires", "signature", NULL };

/* Reads expires and signature; 0 when both are present and well formed. */
static int
link_params(const char *query, char **values, long long *expires)
{
	const char *k, *v;
	char *key = NULL;
	size_t klen, vlen, i;
	int j;

	while (ftx_form_next(&query, &k, &klen, &v, &vlen)) {
		if ((key = ftx_form_decode_text(k, klen)) == NULL)
			return -1;
		for (j = 0; own[j] != NULL && strcmp(own[j], key) != 0; j++)
			;
		free(key);
		if (own[j] == NULL)
			continue;	/* tracking parameters and the like */
		if (values[j] != NULL ||
		    (values[j] = ftx_form_decode_text(v, vlen)) == NULL)
			return -1;
	}
	if (values[0] == NULL || values[1] == NULL)
		return -1;
	for (i = 0; values[0][i] >= '0' && values[0][i] <= '9'; i++)
		;
	if (i == 0 || i > 18 || values[0][i] != '\0')
		return -1;
	*expires = strtoll(values[0], NULL, 10);
	return 0;
}

static void
send_file(struct ftx_api_ctx *ctx, struct ftx_http_req *req, const char *id,
    const char *path, const char *size, const char *sha256)
{
	static const char *const names[] = { NULL, "X-Sendfile",
	    "X-LIGHTTPD-send-file", "X-Accel-Redirect" };
	char headers[2048], where[1024], buf[65536];
	int head_only = strcmp(req->method, "HEAD") == 0;
	int fd = -1, n;
	ssize_t got;

	n = snprintf(headers, sizeof(headers),
	    "Content-Type: text/csv; charset=utf-8\r\n"
	    "Content-Disposition: attachment; "
	    "filename=\"funding-transfers-%s.csv\"\r\n"
	    "Content-Length: %s\r\n"
	    "ETag: \"%s\"\r\n"
	    "Cache-Control: private, no-store\r\n", id, size, sha256);
	if (!head_only && ctx->cfg->sendfile != FTX_SENDFILE_OFF) {
		if (ftx_store_served_path(ctx->cfg, path, where,
		    sizeof(where)) == -1)
			goto broken;
		snprintf(headers + n, sizeof(headers) - (size_t)n, "%s: %s\r\n",
		    names[ctx->cfg->sendfile], where);
		ftx_http_send_head(req, 200, headers);
		return;
	}
	if (!head_only && (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto broken;
	ftx_http_send_head(req, 200, headers);
	while (fd != -1 && (got = read(fd, buf, sizeof(buf))) > 0)
		if (ftx_http_write(req, buf, (size_t)got) == -1)
			break;	/* the client went away */
	if (fd != -1)
		close(fd);
	return;
broken:
	log_err("export %s: file %s cannot be served: %s", id, path,
	    strerror(errno));
	ftx_http_send_error(req, FTX_E_INTERNAL_ERROR, NULL,
	    "the file is not available", NULL);
}

void
ftx_api_download(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	const char *id = params->value[0];
	char *values[2] = { NULL, NULL };
	const char *p[1] = { id };
	long long expires = 0;
	PGresult *res = NULL;

	if (link_params(req->query, values, &expires) == -1 ||
	    !ftx_signurl_verify(ctx->keys, id, values[0], values[1])) {
		ftx_http_send_error(req, FTX_E_INVALID_SIGNATURE, "signature",
		    "the link is not valid", NULL);
		goto out;
	}
	if (expires <= (long long)time(NULL)) {
		ftx_http_send_error(req, FTX_E_LINK_EXPIRED, NULL,
		    "the link has expired", NULL);
		goto out;
	}
	if ((res = ftx_db_query(ctx->db, DOWNLOAD_SQL, 1, p)) == NULL) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (!ftx_db_ok(res) || PQntuples(res) != 1 ||
	    PQgetisnull(res, 0, 0)) {
		ftx_http_send_error(req, FTX_E_LINK_EXPIRED, NULL,
		    "the export is no longer available", NULL);
		goto out;
	}
	send_file(ctx, req, id, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2));
out:
	PQclear(res);
	free(values[0]);
	free(values[1]);
}
