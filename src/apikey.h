/*
 * apikey.h - API keys "ftx_<KEYID>_<SECRET>" (SPEC §6).
 *
 * KEYID is public (8-32 of [a-z0-9]) and names the key; SECRET is random
 * (libgcrypt strong random, 192 bits, lowercase hex).  Only a SHA-256 hash
 * of the secret is stored; verification compares in constant time, and an
 * unknown KEYID is checked against a dummy hash so it takes the same path.
 */
#ifndef FTX_APIKEY_H
#define FTX_APIKEY_H

#include <stddef.h>

#define FTX_APIKEY_ID_MAX	32
#define FTX_APIKEY_HASH_LEN	65	/* hex SHA-256 + NUL */
#define FTX_APIKEY_LEN		96	/* buffer for a whole key + NUL */

/* Initialises libgcrypt once per process (idempotent).  0 or -1. */
int ftx_crypto_init(void);

/* Generates a new key: keyid (16 chars) into keyid[FTX_APIKEY_ID_MAX + 1],
 * the whole key into key[keylen] (FTX_APIKEY_LEN is enough) and the hash to
 * store into hash[FTX_APIKEY_HASH_LEN].  Returns 0, or -1. */
int ftx_apikey_generate(char *keyid, char *key, size_t keylen, char *hash);

/* Splits a presented key.  On success copies KEYID into
 * keyid[FTX_APIKEY_ID_MAX + 1], points *secret into key, returns 0.  Returns
 * -1 for anything malformed (prefix, KEYID length or alphabet, secret of
 * other than 16..128 characters of [A-Za-z0-9]). */
int ftx_apikey_split(const char *key, char *keyid, const char **secret);

/* Hex SHA-256 of secret into hash[FTX_APIKEY_HASH_LEN]. */
void ftx_apikey_hash(const char *secret, char *hash);

/* 1 if secret hashes to stored_hash, else 0.  stored_hash NULL (unknown
 * key) is compared against a fixed dummy so the work done is the same. */
int ftx_apikey_verify(const char *secret, const char *stored_hash);

/* Constant-time comparison of n bytes: 1 if equal, else 0. */
int ftx_ct_memeq(const void *a, const void *b, size_t n);

#endif /* FTX_APIKEY_H */
