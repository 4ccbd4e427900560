/*
 * signurl.h - signed, expiring download links (SPEC §7).
 *
 * signature = lowercase hex HMAC-SHA256(secret, exportId + "\n" + expires).
 * The secret file holds one secret per line (at least 32 bytes each; '#'
 * lines and blank lines ignored): the first signs, every one verifies.
 */
#ifndef FTX_SIGNURL_H
#define FTX_SIGNURL_H

#include <stddef.h>
#include <stdint.h>

#define FTX_SIGNURL_SIG_LEN	65	/* hex HMAC-SHA256 + NUL */
#define FTX_SIGNURL_MAX_SECRETS	8
#define FTX_SIGNURL_MIN_SECRET	32

struct ftx_signurl_keys;

/* Reads the secret file.  Returns the keys, or NULL with a message "path:
 * reason" (never the secret) in err[errlen]. */
struct ftx_signurl_keys *ftx_signurl_load(const char *path, char *err,
    size_t errlen);

/* Builds keys from one secret (tests, tools).  NULL if it is too short. */
struct ftx_signurl_keys *ftx_signurl_from_secret(const char *secret);

/* Wipes and frees.  keys may be NULL. */
void ftx_signurl_free(struct ftx_signurl_keys *keys);

/* Signs export_id and expires with the first secret into
 * sig[FTX_SIGNURL_SIG_LEN].  0 or -1. */
int ftx_signurl_sign(const struct ftx_signurl_keys *keys,
    const char *export_id, int64_t expires, char *sig);

/* 1 if sig is a valid signature of export_id and expires_text (the "E" of
 * the URL, decimal digits, compared as sent) under any secret, compared in
 * constant time; else 0.  Any argument may be NULL (then 0). */
int ftx_signurl_verify(const struct ftx_signurl_keys *keys,
    const char *export_id, const char *expires_text, const char *sig);

/* Reads the download query string (SPEC §7): values[0] = the decoded
 * "expires", values[1] = "signature" (each malloc'd or NULL, the caller
 * frees them whatever the result; other parameters are ignored) and
 * *expires = E.  Returns 0 when both are present once, decode to text
 * without control characters and E is 1..18 decimal digits; else -1. */
int ftx_signurl_query(const char *query, char **values, long long *expires);

/* Writes base_url (trailing '/' dropped) +
 * "/v1/payments/funding-transfers/export/ID/download?expires=E&signature=S"
 * into buf[len].  Returns 0, or -1 when it does not fit or signing fails. */
int ftx_signurl_url(const struct ftx_signurl_keys *keys, const char *base_url,
    const char *export_id, int64_t expires, char *buf, size_t len);

#endif /* FTX_SIGNURL_H */
