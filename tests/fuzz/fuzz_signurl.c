/*
 * fuzz_signurl.c - the download query: expires and signature read from a
 * query string made of the input as the download handler reads it, then
 * verified.  A signature is accepted only when it is exactly the one
 * ftx_signurl_sign() makes (under one of the secrets) for that export and
 * expiry, byte for byte; and every signature it makes verifies.
 *
 * The reference is libgcrypt's HMAC-SHA256 called here over
 * exportId "\n" E as sent: a link verifies exactly when its signature is
 * that, lowercase hex, under the signing secret; the signer's own links
 * (E in canonical decimal) verify; another secret's never do.
 *
 * Input: the export id, a newline, then the query string.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "fuzzlib.h"
#include "hex.h"
#include "signurl.h"

#define SECRET1	"fuzz-secret-one-0123456789abcdefghijklmnop"
#define SECRET2	"fuzz-secret-two-0123456789abcdefghijklmnop"

static struct ftx_signurl_keys *keys;	/* SECRET1 signs */
static struct ftx_signurl_keys *keys2;	/* SECRET2 alone */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	keys = ftx_signurl_from_secret(SECRET1);
	keys2 = ftx_signurl_from_secret(SECRET2);
	if (keys == NULL || keys2 == NULL)
		abort();
	return 0;
}

/* Lowercase hex HMAC-SHA256 under SECRET1 of id "\n" e, into out. */
static void
ref_hmac(const char *id, const char *e, char *out)
{
	unsigned char mac[32];
	size_t maclen = sizeof(mac);
	gcry_mac_hd_t hd;

	if (gcry_mac_open(&hd, GCRY_MAC_HMAC_SHA256, 0, NULL) != 0 ||
	    gcry_mac_setkey(hd, SECRET1, strlen(SECRET1)) != 0 ||
	    gcry_mac_write(hd, id, strlen(id)) != 0 ||
	    gcry_mac_write(hd, "\n", 1) != 0 ||
	    gcry_mac_write(hd, e, strlen(e)) != 0 ||
	    gcry_mac_read(hd, mac, &maclen) != 0)
		abort();
	gcry_mac_close(hd);
	ftx_hex_encode(mac, sizeof(mac), out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	char *id, *query, *values[2];
	char want[FTX_SIGNURL_SIG_LEN], want2[FTX_SIGNURL_SIG_LEN], e[24],
	    ref[FTX_SIGNURL_SIG_LEN];
	long long expires = 0;
	int parsed, ok;

	fuzz_split(data, size, '\n', &a, &alen, &b, &blen);
	id = fuzz_strndup(a, alen);
	query = fuzz_strndup(b, blen);
	/* As the download handler reads and checks the link. */
	parsed = ftx_signurl_query(query, values, &expires);
	ok = parsed == 0 && ftx_signurl_verify(keys, id, values[0], values[1]);
	FUZZ_ASSERT(parsed == 0 || parsed == -1);
	if (parsed == 0) {
		FUZZ_ASSERT(expires >= 0);
		FUZZ_ASSERT(ftx_signurl_sign(keys, id, expires, want) == 0);
		FUZZ_ASSERT(ftx_signurl_sign(keys2, id, expires, want2) == 0);
		snprintf(e, sizeof(e), "%lld", expires);
		/* Accepted exactly the HMAC of what was sent, byte for byte. */
		ref_hmac(id, values[0], ref);
		FUZZ_ASSERT(ok == (strcmp(values[1], ref) == 0));
		/* The signer's own form is the reference's. */
		ref_hmac(id, e, ref);
		FUZZ_ASSERT(strcmp(want, ref) == 0);
		/* What it makes verifies; another secret's does not. */
		FUZZ_ASSERT(ftx_signurl_verify(keys, id, e, want) == 1);
		FUZZ_ASSERT(ftx_signurl_verify(keys, id, e, want2) == 0);
	}
	free(values[0]);
	free(values[1]);
	free(query);
	free(id);
	return 0;
}
