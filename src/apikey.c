/*
 * apikey.c - API keys "ftx_<KEYID>_<SECRET>" (SPEC §6), with libgcrypt.
 *
 * Only the SHA-256 of the secret is stored.  A 192-bit random secret needs
 * no salt or slow hash: nobody can guess it, and the hash only has to stop
 * a database reader from using the keys it sees.
 */
#include <stddef.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"

#define KEY_PREFIX	"ftx_"
#define KEY_PREFIX_LEN	4
#define KEYID_MIN	8
#define GEN_KEYID_LEN	16
#define GEN_SECRET_BYTES 24	/* 192 bits, 48 hex characters */
#define SECRET_MIN	16
#define SECRET_MAX	128
#define SHA256_LEN	32

static const char keyid_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* What an unknown KEYID is compared against, so it costs what a wrong secret
 * costs.  No secret hashes to it that anyone knows of; the result is
 * discarded anyway. */
static const char dummy_hash[] =
    "8f4e1c7a2b9d6e3f0a5c8b1d4e7f2a9c6b3d0e5f8a1c4b7d2e9f6a3c0b5d8e1f";

int
ftx_crypto_init(void)
{
	static int done;

	if (done)
		return 0;
	if (gcry_check_version(NULL) == NULL)
		return -1;
	/* Someone else in the process may have finished it already. */
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
	done = 1;
	return 0;
}

/* n characters of [a-z0-9], uniformly: bytes >= 252 (7 * 36) are drawn
 * again rather than folded in with a modulo bias. */
static void
random_keyid(char *out, size_t n)
{
	unsigned char rnd[32];
	size_t i = 0, j;

	while (i < n) {
		gcry_randomize(rnd, sizeof(rnd), GCRY_STRONG_RANDOM);
		for (j = 0; j < sizeof(rnd) && i < n; j++)
			if (rnd[j] < 252)
				out[i++] = keyid_alphabet[rnd[j] % 36];
	}
	out[n] = '\0';
	explicit_bzero(rnd, sizeof(rnd));
}

int
ftx_apikey_generate(char *keyid, char *key, size_t keylen, char *hash)
{
	unsigned char rnd[GEN_SECRET_BYTES];
	char secret[2 * GEN_SECRET_BYTES + 1];
	size_t need;
	int rc = -1;

	need = KEY_PREFIX_LEN + GEN_KEYID_LEN + 1 + 2 * GEN_SECRET_BYTES + 1;
	if (keylen < need || ftx_crypto_init() == -1)
		goto out;
	random_keyid(keyid, GEN_KEYID_LEN);
	gcry_randomize(rnd, sizeof(rnd), GCRY_STRONG_RANDOM);
	ftx_hex_encode(rnd, sizeof(rnd), secret);
	memcpy(key, KEY_PREFIX, KEY_PREFIX_LEN);
	memcpy(key + KEY_PREFIX_LEN, keyid, GEN_KEYID_LEN);
	key[KEY_PREFIX_LEN + GEN_KEYID_LEN] = '_';
	memcpy(key + KEY_PREFIX_LEN + GEN_KEYID_LEN + 1, secret,
	    sizeof(secret));
	ftx_apikey_hash(secret, hash);
	rc = 0;
out:
	explicit_bzero(rnd, sizeof(rnd));
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

static int
is_keyid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_secret_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
ftx_apikey_split(const char *key, char *keyid, const char **secret)
{
	const char *id, *sec;
	size_t idlen, seclen;

	if (key == NULL || strncmp(key, KEY_PREFIX, KEY_PREFIX_LEN) != 0)
		return -1;
	/* Each scan stops at the first byte outside its alphabet (NUL
	 * included) or one past its maximum, so nothing is read past the end
	 * and an overlong input costs at most ~165 bytes of reading. */
	id = key + KEY_PREFIX_LEN;
	for (idlen = 0; idlen <= FTX_APIKEY_ID_MAX && is_keyid_char(id[idlen]);
	    idlen++)
		;
	if (idlen < KEYID_MIN || idlen > FTX_APIKEY_ID_MAX || id[idlen] != '_')
		return -1;
	sec = id + idlen + 1;
	for (seclen = 0; seclen <= SECRET_MAX && is_secret_char(sec[seclen]);
	    seclen++)
		;
	if (seclen < SECRET_MIN || seclen > SECRET_MAX || sec[seclen] != '\0')
		return -1;
	memcpy(keyid, id, idlen);
	keyid[idlen] = '\0';
	*secret = sec;
	return 0;
}

void
ftx_apikey_hash(const char *secret, char *hash)
{
	unsigned char md[SHA256_LEN];

	(void)ftx_crypto_init();
	gcry_md_hash_buffer(GCRY_MD_SHA256, md, secret, strlen(secret));
	ftx_hex_encode(md, sizeof(md), hash);
	explicit_bzero(md, sizeof(md));
}

/* Decodes exactly 64 hex digits (either case) into out[32]; 0 or -1.
 * Examines every digit whatever it finds, like the comparison after it. */
static int
hex_decode_sha256(const char *hex, unsigned char *out)
{
	int i, hi, lo, bad = 0;

	if (strnlen(hex, 2 * SHA256_LEN + 1) != 2 * SHA256_LEN)
		return -1;
	for (i = 0; i < SHA256_LEN; i++) {
		hi = ftx_hex_digit((unsigned char)hex[2 * i]);
		lo = ftx_hex_digit((unsigned char)hex[2 * i + 1]);
		bad |= hi | lo;
		out[i] = (unsigned char)(((hi & 0x0f) << 4) | (lo & 0x0f));
	}
	return bad < 0 ? -1 : 0;
}

int
ftx_apikey_verify(const char *secret, const char *stored_hash)
{
	char hash[FTX_APIKEY_HASH_LEN];
	unsigned char want[SHA256_LEN], got[SHA256_LEN];
	int ok;

	ftx_apikey_hash(secret != NULL ? secret : "", hash);
	ok = secret != NULL && stored_hash != NULL;
	if (stored_hash == NULL || hex_decode_sha256(stored_hash, want) == -1) {
		(void)hex_decode_sha256(dummy_hash, want);
		ok = 0;
	}
	(void)hex_decode_sha256(hash, got);
	ok &= ftx_ct_memeq(got, want, sizeof(got));
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(got, sizeof(got));
	return ok;
}

int
ftx_ct_memeq(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;
	volatile unsigned char acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= pa[i] ^ pb[i];
	return acc == 0;
}
