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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	char *id, *query, *values[2];
	char want[FTX_SIGNURL_SIG_LEN], want2[FTX_SIGNURL_SIG_LEN], e[24];
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
		/* Accepted only what the signer makes, byte for byte. */
		FUZZ_ASSERT(ok == (strcmp(values[0], e) == 0 &&
		    strcmp(values[1], want) == 0));
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
