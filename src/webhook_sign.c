/*
 * webhook_sign.c - HMAC-SHA256 webhook signatures (libgcrypt).
 */
#include <stdio.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"
#include "webhook_sign.h"

int
ftx_webhook_secret_new(char *out)
{
	unsigned char rnd[32];

	if (ftx_crypto_init() == -1)
		return -1;
	gcry_randomize(rnd, sizeof(rnd), GCRY_STRONG_RANDOM);
	memcpy(out, "whsec_", 6);
	ftx_hex_encode(rnd, sizeof(rnd), out + 6);
	explicit_bzero(rnd, sizeof(rnd));
	return 0;
}

/* hex HMAC-SHA256(secret, prefix + body) into hex[65].  0 or -1. */
static int
hmac_hex(const char *secret, const char *prefix, const char *body,
    size_t len, char *hex)
{
	unsigned char mac[32];
	size_t maclen = sizeof(mac);
	gcry_mac_hd_t hd;
	int rc = -1;

	if (gcry_mac_open(&hd, GCRY_MAC_HMAC_SHA256, 0, NULL) != 0)
		return -1;
	if (gcry_mac_setkey(hd, secret, strlen(secret)) == 0 &&
	    gcry_mac_write(hd, prefix, strlen(prefix)) == 0 &&
	    gcry_mac_write(hd, body, len) == 0 &&
	    gcry_mac_read(hd, mac, &maclen) == 0 && maclen == sizeof(mac)) {
		ftx_hex_encode(mac, sizeof(mac), hex);
		rc = 0;
	}
	gcry_mac_close(hd);
	explicit_bzero(mac, sizeof(mac));
	return rc;
}

int
ftx_webhook_sign(const char *const *secrets, int n, long long t,
    const char *body, size_t len, char *out, size_t outlen)
{
	char prefix[32], hex[65];
	size_t used;
	int i, signed_ = 0, k;

	if (ftx_crypto_init() == -1 || t < 0)
		return -1;
	snprintf(prefix, sizeof(prefix), "%lld.", t);
	k = snprintf(out, outlen, "t=%lld", t);
	if (k < 0 || (size_t)k >= outlen)
		return -1;
	used = (size_t)k;
	for (i = 0; i < n; i++) {
		if (secrets[i] == NULL || secrets[i][0] == '\0')
			continue;
		if (hmac_hex(secrets[i], prefix, body, len, hex) == -1)
			return -1;
		k = snprintf(out + used, outlen - used, ",v1=%s", hex);
		if (k < 0 || (size_t)k >= outlen - used)
			return -1;
		used += (size_t)k;
		signed_++;
	}
	return signed_ > 0 ? 0 : -1;
}
