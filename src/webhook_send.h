/*
 * webhook_send.h - one webhook HTTP request (libcurl), SPEC §14.
 *
 * POST url with the body, Content-Type application/json, User-Agent
 * ftx/<version>, Ftx-Event-Id and Ftx-Signature; the whole exchange within
 * timeout seconds; redirects are never followed; only http and https;
 * no proxy from the environment; the address policy of webhook_addr.h
 * applied to the resolved address, which is the one connected to.
 */
#ifndef FTX_WEBHOOK_SEND_H
#define FTX_WEBHOOK_SEND_H

#include <stddef.h>

struct ftx_webhook_request {
	const char	*url;
	const char	*event_id;
	const char	*signature;	/* the Ftx-Signature value */
	const char	*body;
	size_t		 len;
	int		 timeout;	/* seconds */
	int		 allow_private;
};

struct ftx_webhook_result {
	int	status;			/* HTTP status, 0 if none came */
	char	error[256];		/* why it was not delivered; "" if
					   it was.  Never the URL's path or
					   query, nor a secret. */
};

/* Sends rq.  0 when the receiver answered 2xx (delivered), else -1 with
 * *res saying why (another status, a redirect, a refused address, a
 * timeout, a connection failure). */
int ftx_webhook_send(const struct ftx_webhook_request *rq,
    struct ftx_webhook_result *res);

#endif /* FTX_WEBHOOK_SEND_H */
