/*
 * fuzz_signurl.c - the download query: expires and signature read from a
 * query string made of the input as the download handler reads it, then
 * verified.  A signature is accepted only when it is exactly the one
 * ftx_signurl_sign() makes (under one of the secrets) for that export and
 * expiry, byte for byte; and every signature it makes verifies.
 *
 * Input: the export id, a newline, then the query string.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzzlib.h"
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

/* The decoded value of key in query (first one), or NULL. */
static char *
param(const char *query, const char *key)
{
	const char *k, *v;
	size_t klen, vlen;

	while (ftx_form_next(&query, &k, &klen, &v, &vlen))
		if (klen == strlen(key) && memcmp(k, key, klen) == 0)
			return ftx_form_decode_text(v, vlen);
	return NULL;
}

/* 1 if e is what the signer writes for some int64: canonical decimal. */
static int
canonical_expiry(const char *e, int64_t *out)
{
	char back[32];
	char *end;
	long long v;

	if (*e == '\0' || (*e != '-' && (*e < '0' || *e > '9')))
		return 0;
	v = strtoll(e, &end, 10);
	if (*end != '\0')
		return 0;
	snprintf(back, sizeof(back), "%lld", v);
	*out = v;
	return strcmp(back, e) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	char *id, *query, *exp, *sig;
	char want[FTX_SIGNURL_SIG_LEN], want2[FTX_SIGNURL_SIG_LEN];
	int64_t e = 0;
	int ok, canon;

	fuzz_split(data, size, '\n', &a, &alen, &b, &blen);
	id = fuzz_strndup(a, alen);
	query = fuzz_strndup(b, blen);
	exp = param(query, "expires");
	sig = param(query, "signature");
	ok = ftx_signurl_verify(keys, id, exp, sig);
	FUZZ_ASSERT(ok == 0 || ok == 1);
	if (exp == NULL || sig == NULL)
		FUZZ_ASSERT(ok == 0);
	else {
		canon = canonical_expiry(exp, &e);
		/* What the signers make for this id and E as sent. */
		if (canon) {
			FUZZ_ASSERT(ftx_signurl_sign(keys, id, e, want) == 0);
			FUZZ_ASSERT(ftx_signurl_sign(keys2, id, e, want2) == 0);
			FUZZ_ASSERT(ok == (strcmp(sig, want) == 0));
			FUZZ_ASSERT(ftx_signurl_verify(keys, id, exp, want) == 1);
			/* Another secret's signature is not this one's. */
			FUZZ_ASSERT(ftx_signurl_verify(keys, id, exp, want2) == 0);
		} else if (ok)
			/* Verified although no signer writes this E: only
			 * acceptable when sig is the HMAC over E as sent,
			 * which the signer could not have made. */
			FUZZ_ASSERT(!"accepted an expiry the signer never writes");
	}
	free(exp);
	free(sig);
	free(query);
	free(id);
	return 0;
}
