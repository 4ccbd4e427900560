/*
 * webhook_send.c - one webhook POST with libcurl, to a checked address.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "webhook_addr.h"
#include "webhook_send.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

struct sendctx {
	int	allow_private;
	char	refused[128];		/* set by open_socket */
};

/* The last word on the address: curl connects only where this agrees. */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct sendctx *ctx = arg;
	const char *why;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	why = ftx_webhook_addr_refused(&a->addr);
	if (why != NULL && !ctx->allow_private) {
		snprintf(ctx->refused, sizeof(ctx->refused),
		    "address refused (%s)", why);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* The answer's body is not wanted. */
static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static struct curl_slist *
headers(const struct ftx_webhook_request *rq)
{
	struct curl_slist *h = NULL, *n;
	char line[512];
	const char *fixed[] = { "Content-Type: application/json", "Expect:",
	    "Accept: */*" };
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((n = curl_slist_append(h, fixed[i])) == NULL)
			goto fail;
		h = n;
	}
	snprintf(line, sizeof(line), "Ftx-Event-Id: %s", rq->event_id);
	if ((n = curl_slist_append(h, line)) == NULL)
		goto fail;
	h = n;
	snprintf(line, sizeof(line), "Ftx-Signature: %s", rq->signature);
	if ((n = curl_slist_append(h, line)) == NULL)
		goto fail;
	return n;
fail:
	curl_slist_free_all(h);
	return NULL;
}

static CURLcode
set_options(CURL *c, const struct ftx_webhook_request *rq,
    struct curl_slist *h, struct curl_slist *pin, struct sendctx *ctx)
{
	CURLcode rc;

	if ((rc = curl_easy_setopt(c, CURLOPT_URL, rq->url)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https")) ||
	    (rc = curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_PROXY, "")) ||
	    (rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)rq->timeout)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)rq->len)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, h)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_USERAGENT,
	    "ftx/" PACKAGE_VERSION)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION,
	    open_socket)) ||
	    (rc = curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, ctx)))
		return rc;
	if (pin != NULL)
		rc = curl_easy_setopt(c, CURLOPT_RESOLVE, pin);
	return rc;
}

/* What one finished transfer means: 0 for a 2xx, else -1 and why. */
static int
verdict(CURL *c, CURLcode rc, const struct sendctx *ctx,
    struct ftx_webhook_result *res)
{
	long code = 0;

	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "%s",
		    ctx->refused[0] != '\0' ? ctx->refused :
		    curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	res->status = (int)code;
	if (code >= 200 && code <= 299)
		return 0;
	snprintf(res->error, sizeof(res->error), code >= 300 && code <= 399 ?
	    "HTTP %ld (redirects are not followed)" : "HTTP %ld", code);
	return -1;
}

int
ftx_webhook_send(const struct ftx_webhook_request *rq,
    struct ftx_webhook_result *res)
{
	struct ftx_webhook_target t;
	struct sendctx ctx;
	struct curl_slist *h = NULL, *pin = NULL;
	char addr[512], entry[800];
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&ctx, 0, sizeof(ctx));
	ctx.allow_private = rq->allow_private;
	if (ftx_webhook_url_parse(rq->url, &t, res->error,
	    sizeof(res->error)) == -1 ||
	    ftx_webhook_resolve(&t, rq->allow_private, addr, sizeof(addr),
	    res->error, sizeof(res->error)) == -1)
		return -1;
	snprintf(res->error, sizeof(res->error), "out of memory");
	/* curl_easy_init() initialises libcurl once per process (the
	 * workers are single-threaded). */
	if ((c = curl_easy_init()) == NULL || (h = headers(rq)) == NULL)
		goto out;
	/* A name is pinned to the addresses just checked: curl does not
	 * look it up again.  An IP literal needs no lookup. */
	if (strcmp(t.host, addr) != 0 && t.host[0] != '[') {
		snprintf(entry, sizeof(entry), "%s:%d:%s", t.host, t.port,
		    addr);
		if ((pin = curl_slist_append(NULL, entry)) == NULL)
			goto out;
	}
	if ((rc = set_options(c, rq, h, pin, &ctx)) != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "%s",
		    curl_easy_strerror(rc));
		goto out;
	}
	res->error[0] = '\0';
	ret = verdict(c, curl_easy_perform(c), &ctx, res);
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	curl_slist_free_all(pin);
	return ret;
}
