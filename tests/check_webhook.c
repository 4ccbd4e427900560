/*
 * check_webhook.c - webhook signatures, the address and URL policy, the
 * backoff and the event list of "webhook add".
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "check_main.h"
#include "hex.h"
#include "webhook_addr.h"
#include "webhook_endpoints.h"
#include "webhook_outbox.h"
#include "webhook_sign.h"

/* Expected values computed independently with Python's hmac module. */
static const struct {
	const char *secret, *body;
	long long t;
	const char *v1;
} vectors[] = {
	{ "whsec_test", "{\"id\":\"evt_1\"}", 1767225600LL,
	  "45b40331de0325606dc5400202ade162460fbe48daf9401adfdcd0d7b4f35470" },
	{ "whsec_0011", "", 0,
	  "75eca8efc0bbe0d6beab31e53974b1d963468503c7e0f13eb7d494f1249ab838" },
};

START_TEST(test_sign_vectors)
{
	const char *s[1] = { vectors[_i].secret };
	char sig[FTX_WEBHOOK_SIG_LEN], want[FTX_WEBHOOK_SIG_LEN];

	ck_assert_int_eq(ftx_webhook_sign(s, 1, vectors[_i].t,
	    vectors[_i].body, strlen(vectors[_i].body), sig, sizeof(sig)), 0);
	snprintf(want, sizeof(want), "t=%lld,v1=%s", vectors[_i].t,
	    vectors[_i].v1);
	ck_assert_str_eq(sig, want);
}
END_TEST

/* The same HMAC through libgcrypt's message-digest interface. */
static void
gcrypt_hmac(const char *secret, const char *msg, char *hex)
{
	gcry_md_hd_t md;

	ck_assert_int_eq(gcry_md_open(&md, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC),
	    0);
	ck_assert_int_eq(gcry_md_setkey(md, secret, strlen(secret)), 0);
	gcry_md_write(md, msg, strlen(msg));
	ftx_hex_encode(gcry_md_read(md, GCRY_MD_SHA256), 32, hex);
	gcry_md_close(md);
}

START_TEST(test_sign_rotation)
{
	char a[FTX_WEBHOOK_SECRET_LEN], b[FTX_WEBHOOK_SECRET_LEN];
	const char *s[2] = { a, b }, *none[2] = { NULL, "" };
	char sig[FTX_WEBHOOK_SIG_LEN], want[FTX_WEBHOOK_SIG_LEN];
	char ha[65], hb[65];
	const char *body = "{\"type\":\"export.ready\"}";

	ck_assert_int_eq(ftx_webhook_secret_new(a), 0);
	ck_assert_int_eq(ftx_webhook_secret_new(b), 0);
	ck_assert_int_eq(strlen(a), 70);
	ck_assert_int_eq(strncmp(a, "whsec_", 6), 0);
	ck_assert_int_eq(strspn(a + 6, "0123456789abcdef"), 64);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(ftx_webhook_sign(s, 2, 42, body, strlen(body), sig,
	    sizeof(sig)), 0);
	gcrypt_hmac(a, "42.{\"type\":\"export.ready\"}", ha);
	gcrypt_hmac(b, "42.{\"type\":\"export.ready\"}", hb);
	snprintf(want, sizeof(want), "t=42,v1=%s,v1=%s", ha, hb);
	ck_assert_str_eq(sig, want);
	/* A missing previous secret adds nothing; no secret signs nothing. */
	s[1] = NULL;
	ck_assert_int_eq(ftx_webhook_sign(s, 2, 42, body, strlen(body), sig,
	    sizeof(sig)), 0);
	ck_assert_int_eq(strlen(sig), strlen("t=42,v1=") + 64);
	ck_assert_int_eq(ftx_webhook_sign(none, 2, 42, body, strlen(body), sig,
	    sizeof(sig)), -1);
	/* Too small a buffer fails rather than cut a signature. */
	ck_assert_int_eq(ftx_webhook_sign(s, 1, 42, body, strlen(body), sig,
	    40), -1);
}
END_TEST

static const struct {
	const char *addr;
	const char *why;	/* NULL: allowed */
} addrs[] = {
	{ "127.0.0.1", "loopback" }, { "127.255.0.9", "loopback" },
	{ "::1", "loopback" }, { "0.0.0.0", "unspecified" },
	{ "::", "unspecified" }, { "10.0.0.1", "private" },
	{ "10.255.255.255", "private" }, { "172.16.0.1", "private" },
	{ "172.31.255.254", "private" }, { "172.32.0.1", NULL },
	{ "172.15.255.255", NULL }, { "192.168.1.1", "private" },
	{ "192.169.0.1", NULL }, { "169.254.169.254", "link-local" },
	{ "100.64.0.1", "shared" }, { "224.0.0.1", "multicast" },
	{ "255.255.255.255", "reserved" }, { "fc00::1", "unique-local" },
	{ "fdff:ffff::1", "unique-local" }, { "fe80::1", "link-local" },
	{ "febf::1", "link-local" }, { "fec0::1", "site-local" },
	{ "ff02::1", "multicast" }, { "::ffff:127.0.0.1", "loopback" },
	{ "::ffff:10.1.2.3", "private" }, { "::ffff:8.8.8.8", NULL },
	{ "::127.0.0.1", "reserved" }, { "64:ff9b::7f00:1", "loopback" },
	{ "2002:7f00:1::", "loopback" }, { "2002:0808:0808::", NULL },
	{ "8.8.8.8", NULL }, { "93.184.216.34", NULL },
	{ "2001:4860:4860::8888", NULL }, { "2606:4700::1", NULL },
};

START_TEST(test_addr_policy)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	const struct sockaddr *sa;
	const char *why;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, addrs[_i].addr, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		sa = (const struct sockaddr *)&s4;
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, addrs[_i].addr,
		    &s6.sin6_addr), 1);
		s6.sin6_family = AF_INET6;
		sa = (const struct sockaddr *)&s6;
	}
	why = ftx_webhook_addr_refused(sa);
	if (addrs[_i].why == NULL)
		ck_assert_msg(why == NULL, "%s refused (%s)", addrs[_i].addr,
		    why);
	else {
		ck_assert_msg(why != NULL, "%s allowed", addrs[_i].addr);
		ck_assert_str_eq(why, addrs[_i].why);
	}
}
END_TEST

/* Resolution applies the policy to what the name resolves to. */
START_TEST(test_resolve)
{
	struct ftx_webhook_target t;
	char addr[64], err[256];

	ck_assert_int_eq(ftx_webhook_url_parse("http://127.0.0.1:9/x", &t,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 0, addr, sizeof(addr), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(err, "loopback"));
	ck_assert_int_eq(ftx_webhook_resolve(&t, 1, addr, sizeof(addr), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(addr, "127.0.0.1");
	/* A decimal spelling of 127.0.0.1 is still loopback. */
	ck_assert_int_eq(ftx_webhook_url_parse("http://2130706433/", &t,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 0, addr, sizeof(addr), err,
	    sizeof(err)), -1);
	ck_assert_int_eq(ftx_webhook_url_parse("https://[::1]/h", &t,
	    err, sizeof(err)), 0);
	ck_assert_str_eq(t.host, "[::1]");
	ck_assert_str_eq(t.name, "::1");
	ck_assert_int_eq(t.port, 443);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 0, addr, sizeof(addr), err,
	    sizeof(err)), -1);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 1, addr, sizeof(addr), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(addr, "[::1]");
	ck_assert_int_eq(ftx_webhook_url_parse("http://localhost:8/", &t,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 0, addr, sizeof(addr), err,
	    sizeof(err)), -1);
	/* Every usable address, once: curl may try each. */
	ck_assert_int_eq(ftx_webhook_resolve(&t, 1, addr, sizeof(addr), err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(addr, "127.0.0.1"));
	ck_assert_ptr_null(strstr(strstr(addr, "127.0.0.1") + 1, "127.0.0.1"));
	/* What does not fit is left out, never cut. */
	ck_assert_int_eq(ftx_webhook_url_parse("http://127.0.0.1:8/", &t,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(ftx_webhook_resolve(&t, 1, addr, 10, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(addr, "127.0.0.1");
	ck_assert_int_eq(ftx_webhook_resolve(&t, 1, addr, 9, err,
	    sizeof(err)), -1);
}
END_TEST

static const struct {
	const char *url;
	int ok, port, https;
	const char *host;
} urls[] = {
	{ "https://erp.example/hooks/ftx?x=1", 1, 443, 1, "erp.example" },
	{ "http://erp.example:8080/h", 1, 8080, 0, "erp.example" },
	{ "HTTPS://ERP.example/", 1, 443, 1, "ERP.example" },
	{ "http://[2001:db8::1]:81/", 1, 81, 0, "[2001:db8::1]" },
	{ "ftp://erp.example/", 0, 0, 0, NULL },
	{ "file:///etc/passwd", 0, 0, 0, NULL },
	{ "gopher://erp.example/", 0, 0, 0, NULL },
	{ "erp.example/h", 0, 0, 0, NULL },
	{ "https://user:pw@erp.example/", 0, 0, 0, NULL },
	{ "https://user@erp.example/", 0, 0, 0, NULL },
	{ "http://", 0, 0, 0, NULL },
	{ "http://:80/", 0, 0, 0, NULL },
	{ "https://erp.example/a b", 0, 0, 0, NULL },
	{ "https://erp.example/\r\nX: y", 0, 0, 0, NULL },
	{ "", 0, 0, 0, NULL },
};

START_TEST(test_urls)
{
	struct ftx_webhook_target t;
	char err[256];
	int rc;

	rc = ftx_webhook_url_parse(urls[_i].url, &t, err, sizeof(err));
	ck_assert_msg(rc == (urls[_i].ok ? 0 : -1), "%s: %d %s", urls[_i].url,
	    rc, err);
	if (!urls[_i].ok)
		return;
	ck_assert_str_eq(t.host, urls[_i].host);
	ck_assert_int_eq(t.port, urls[_i].port);
	ck_assert_int_eq(t.https, urls[_i].https);
}
END_TEST

START_TEST(test_url_too_long)
{
	struct ftx_webhook_target t;
	char url[FTX_WEBHOOK_URL_MAX + 2], err[256];

	memset(url, 'a', sizeof(url) - 1);
	memcpy(url, "https://erp.example/", 20);
	url[sizeof(url) - 1] = '\0';
	ck_assert_int_eq(ftx_webhook_url_parse(url, &t, err, sizeof(err)), -1);
	url[sizeof(url) - 2] = '\0';
	ck_assert_int_eq(ftx_webhook_url_parse(url, &t, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_backoff)
{
	long d, sum = 0;
	int a;

	/* Doubling from the base, capped, jitter within +/- 25 %. */
	ck_assert_int_eq(ftx_webhook_backoff(1, 60, 28800, 0.5), 60);
	ck_assert_int_eq(ftx_webhook_backoff(1, 60, 28800, 0.0), 45);
	ck_assert_int_eq(ftx_webhook_backoff(1, 60, 28800, 0.9999), 74);
	ck_assert_int_eq(ftx_webhook_backoff(2, 60, 28800, 0.5), 120);
	ck_assert_int_eq(ftx_webhook_backoff(9, 60, 28800, 0.5), 15360);
	ck_assert_int_eq(ftx_webhook_backoff(10, 60, 28800, 0.5), 28800);
	ck_assert_int_eq(ftx_webhook_backoff(50, 60, 28800, 0.5), 28800);
	ck_assert_int_eq(ftx_webhook_backoff(50, 60, 28800, 0.9999), 35998);
	ck_assert_int_eq(ftx_webhook_backoff(3, 0, 28800, 0.5), 0);
	ck_assert_int_eq(ftx_webhook_backoff(1, 1, 1, 0.0), 1);
	ck_assert_int_eq(ftx_webhook_backoff(1, 60, 28800, 7.0), 60);
	for (a = 1; a <= 200; a++) {
		d = ftx_webhook_backoff(a, 60, 28800, (a % 10) / 10.0);
		ck_assert_int_ge(d, 1);
		ck_assert_int_le(d, 28800 * 5 / 4);
	}
	/* The defaults retry for about 24 hours: 11 waits of 12 attempts. */
	for (a = 1; a < 12; a++)
		sum += ftx_webhook_backoff(a, 60, 28800, 0.5);
	ck_assert_int_ge(sum, 20 * 3600);
	ck_assert_int_le(sum, 28 * 3600);
}
END_TEST

static const struct {
	const char *in, *out;	/* out NULL: refused */
} events[] = {
	{ NULL, "{export.ready,export.failed,export.expired}" },
	{ "", "{export.ready,export.failed,export.expired}" },
	{ "export.ready", "{export.ready}" },
	{ "export.expired,export.ready", "{export.ready,export.expired}" },
	{ "export.failed,export.failed", "{export.failed}" },
	{ "export.ready,", NULL }, { ",export.ready", NULL },
	{ "export.ready,,export.failed", NULL }, { "export.*", NULL },
	{ "export.READY", NULL }, { "export.ready ", NULL },
};

START_TEST(test_events)
{
	char out[128], err[256];
	int rc;

	rc = ftx_webhook_events_parse(events[_i].in, out, sizeof(out), err,
	    sizeof(err));
	if (events[_i].out == NULL)
		ck_assert_int_eq(rc, -1);
	else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, events[_i].out);
	}
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("webhook");
	TCase *tc = tcase_create("sign");

	if (ftx_crypto_init() == -1)
		abort();
	tcase_add_loop_test(tc, test_sign_vectors, 0,
	    sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_test(tc, test_sign_rotation);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_addr_policy, 0,
	    sizeof(addrs) / sizeof(addrs[0]));
	tcase_add_test(tc, test_resolve);
	tcase_add_loop_test(tc, test_urls, 0, sizeof(urls) / sizeof(urls[0]));
	tcase_add_test(tc, test_url_too_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry");
	tcase_add_test(tc, test_backoff);
	tcase_add_loop_test(tc, test_events, 0,
	    sizeof(events) / sizeof(events[0]));
	suite_add_tcase(s, tc);
	return s;
}
