/*
 * webhook_addr.h - where a webhook may be sent (SPEC §14).
 *
 * A URL is http:// or https:// with a host, no user name or password, at
 * most 2048 bytes.  At delivery time its host is resolved here, every
 * address is checked, and the delivery connects only to an address that
 * passed (pinned with CURLOPT_RESOLVE, checked again as the socket opens),
 * so a name that resolves differently the second time cannot reach a
 * refused address.  Refused unless allow_private: unspecified, loopback,
 * private (RFC 1918), shared (100.64/10), link-local, unique-local
 * (fc00::/7), site-local, multicast, reserved and broadcast addresses, and
 * the IPv6 forms that embed an IPv4 address (v4-mapped, v4-compatible,
 * NAT64, 6to4) when the embedded one is refused.
 */
#ifndef FTX_WEBHOOK_ADDR_H
#define FTX_WEBHOOK_ADDR_H

#include <sys/socket.h>

#include <stddef.h>

#define FTX_WEBHOOK_URL_MAX	2048

/* A parsed URL: host as the URL spells it ("[v6]" with brackets), the
 * name to resolve (without them), the port (default of the scheme). */
struct ftx_webhook_target {
	char	host[260];
	char	name[256];
	int	port;
	int	https;
};

/* NULL if sa (AF_INET or AF_INET6) may be connected to, else why not
 * ("loopback", "private", ...; a static string). */
const char *ftx_webhook_addr_refused(const struct sockaddr *sa);

/* Checks url's form and fills *t.  0, or -1 with the reason (never the
 * URL) in err[errlen]. */
int ftx_webhook_url_parse(const char *url, struct ftx_webhook_target *t,
    char *err, size_t errlen);

/* Resolves t->name and writes the addresses that may be used, as text
 * separated by commas ("192.0.2.1,[2001:db8::1]", as CURLOPT_RESOLVE
 * takes them; as many as fit), into addr[addrlen].  0, or -1 with the
 * reason in err[errlen] (no address, or all refused: the first refused
 * one is named). */
int ftx_webhook_resolve(const struct ftx_webhook_target *t, int allow_private,
    char *addr, size_t addrlen, char *err, size_t errlen);

#endif /* FTX_WEBHOOK_ADDR_H */
