/*
 * webhook_addr.c - the URL and address policy of webhook deliveries.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "webhook_addr.h"

struct range4 {
	uint32_t	 net;
	int		 bits;
	const char	*why;
};

static const struct range4 refused4[] = {
	{ 0x00000000, 8, "unspecified" },	/* 0.0.0.0/8 */
	{ 0x0a000000, 8, "private" },		/* 10/8 */
	{ 0x64400000, 10, "shared" },		/* 100.64/10 */
	{ 0x7f000000, 8, "loopback" },		/* 127/8 */
	{ 0xa9fe0000, 16, "link-local" },	/* 169.254/16 */
	{ 0xac100000, 12, "private" },		/* 172.16/12 */
	{ 0xc0000000, 24, "reserved" },		/* 192.0.0/24 */
	{ 0xc0a80000, 16, "private" },		/* 192.168/16 */
	{ 0xc6120000, 15, "reserved" },		/* 198.18/15 */
	{ 0xe0000000, 4, "multicast" },		/* 224/4 */
	{ 0xf0000000, 4, "reserved" },		/* 240/4, broadcast */
};

static const char *
refused_v4(uint32_t a)
{
	size_t i;
	uint32_t mask;

	for (i = 0; i < sizeof(refused4) / sizeof(refused4[0]); i++) {
		mask = 0xffffffffu << (32 - refused4[i].bits);
		if ((a & mask) == refused4[i].net)
			return refused4[i].why;
	}
	return NULL;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static const char *
refused_v6(const unsigned char *a)
{
	static const unsigned char zero[16], mapped[12] = { [10] = 0xff,
	    [11] = 0xff }, nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (memcmp(a, zero, 15) == 0)
		return a[15] == 1 ? "loopback" : a[15] == 0 ?
		    "unspecified" : "reserved";
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return refused_v4(be32(a + 12));
	if (memcmp(a, zero, 12) == 0)		/* v4-compatible */
		return "reserved";
	if (a[0] == 0x20 && a[1] == 0x02)	/* 6to4 */
		return refused_v4(be32(a + 2));
	if ((a[0] & 0xfe) == 0xfc)
		return "unique-local";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return "site-local";
	if (a[0] == 0xff)
		return "multicast";
	return NULL;
}

const char *
ftx_webhook_addr_refused(const struct sockaddr *sa)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;

	if (sa == NULL)
		return "no address";
	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return refused_v4(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return refused_v6(s6->sin6_addr.s6_addr);
	}
	return "not an IP address";
}

/* Copies part of u into buf[len]; 0, or -1 if absent or too long. */
static int
url_part(CURLU *u, CURLUPart what, char *buf, size_t len)
{
	char *p = NULL;
	int rc = -1;

	if (curl_url_get(u, what, &p, 0) == CURLUE_OK && p != NULL &&
	    strlen(p) < len) {
		memcpy(buf, p, strlen(p) + 1);
		rc = 0;
	}
	curl_free(p);
	return rc;
}

static int
check_parts(CURLU *u, struct ftx_webhook_target *t, char *err,
    size_t errlen)
{
	char scheme[16], port[8], *user = NULL;
	size_t n;

	if (url_part(u, CURLUPART_SCHEME, scheme, sizeof(scheme)) == -1 ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		snprintf(err, errlen, "the URL must be http:// or https://");
		return -1;
	}
	t->https = strcmp(scheme, "https") == 0;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		curl_free(user);
		snprintf(err, errlen, "the URL must not hold a user name");
		return -1;
	}
	if (url_part(u, CURLUPART_HOST, t->host, sizeof(t->host)) == -1 ||
	    t->host[0] == '\0') {
		snprintf(err, errlen, "the URL has no valid host");
		return -1;
	}
	n = strlen(t->host);
	if (t->host[0] == '[' && n > 2) {
		n -= 2;
		memcpy(t->name, t->host + 1, n < sizeof(t->name) ? n : 0);
	} else
		memcpy(t->name, t->host, n < sizeof(t->name) ? n : 0);
	t->name[n < sizeof(t->name) ? n : 0] = '\0';
	if (t->name[0] == '\0') {
		snprintf(err, errlen, "the URL has no valid host");
		return -1;
	}
	if (url_part(u, CURLUPART_PORT, port, sizeof(port)) == 0)
		t->port = atoi(port);
	else
		t->port = t->https ? 443 : 80;
	return 0;
}

int
ftx_webhook_url_parse(const char *url, struct ftx_webhook_target *t,
    char *err, size_t errlen)
{
	CURLU *u;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (url == NULL || strlen(url) > FTX_WEBHOOK_URL_MAX) {
		snprintf(err, errlen, "the URL is longer than %d bytes",
		    FTX_WEBHOOK_URL_MAX);
		return -1;
	}
	if (strcspn(url, "\t\r\n ") != strlen(url)) {
		snprintf(err, errlen, "the URL holds white space");
		return -1;
	}
	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		snprintf(err, errlen, "the URL is not valid");
	else
		rc = check_parts(u, t, err, errlen);
	curl_url_cleanup(u);
	return rc;
}

static void
addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	const void *p;

	if (sa->sa_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		p = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	if (inet_ntop(sa->sa_family, p, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]" : "%s", a);
}

/* Appends sa's text to the comma-separated list in addr[addrlen] if it
 * fits and is not there yet. */
static void
add_addr(const struct sockaddr *sa, char *addr, size_t addrlen)
{
	char one[INET6_ADDRSTRLEN + 3];
	size_t used = strlen(addr), n;
	const char *p;

	addr_text(sa, one + 1, sizeof(one) - 1);
	n = strlen(one + 1);
	for (p = addr; (p = strstr(p, one + 1)) != NULL; p += n)
		if ((p == addr || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
	one[0] = ',';
	p = used == 0 ? one + 1 : one;
	if (used + strlen(p) < addrlen)
		memcpy(addr + used, p, strlen(p) + 1);
}

int
ftx_webhook_resolve(const struct ftx_webhook_target *t, int allow_private,
    char *addr, size_t addrlen, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	const char *why;
	char first[INET6_ADDRSTRLEN + 2];
	int gai;

	if (addrlen == 0)
		return -1;
	addr[0] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(t->name, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s does not resolve: %s", t->name,
		    gai_strerror(gai));
		return -1;
	}
	snprintf(err, errlen, "%s has no address", t->name);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		why = ftx_webhook_addr_refused(ai->ai_addr);
		if (why == NULL || allow_private)
			add_addr(ai->ai_addr, addr, addrlen);
		else if (strstr(err, "refused") == NULL) {
			addr_text(ai->ai_addr, first, sizeof(first));
			snprintf(err, errlen, "address %s of %s refused (%s)",
			    first, t->name, why);
		}
	}
	freeaddrinfo(res);
	return addr[0] != '\0' ? 0 : -1;
}
