/*
 * webhook_sign.h - the webhook signature of SPEC §14 and endpoint secrets.
 *
 * Ftx-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]
 * v1 = lowercase hex HMAC-SHA256(secret, t + "." + body), one per active
 * secret (the current one first; after a rotation the previous one too,
 * for its overlap).  The secret is used as its whole text, "whsec_"
 * included, as Stripe's receivers do.
 */
#ifndef FTX_WEBHOOK_SIGN_H
#define FTX_WEBHOOK_SIGN_H

#include <stddef.h>

/* "whsec_" + 64 hex digits (32 random bytes) + NUL. */
#define FTX_WEBHOOK_SECRET_LEN	(6 + 64 + 1)
#define FTX_WEBHOOK_MAX_SECRETS	2
/* "t=" + 20 digits + 2 x ",v1=" + 64 hex + NUL, rounded up. */
#define FTX_WEBHOOK_SIG_LEN	192

/* Writes a new secret into out[FTX_WEBHOOK_SECRET_LEN] (libgcrypt strong
 * random; ftx_crypto_init() first).  0, or -1 if libgcrypt fails. */
int ftx_webhook_secret_new(char *out);

/* Writes the header value (without "Ftx-Signature: ") for body[len] at
 * time t, one v1 per non-NULL, non-empty secret of secrets[n], into
 * out[outlen].  0, or -1 when nothing signs (no secret, libgcrypt
 * failure) or it does not fit. */
int ftx_webhook_sign(const char *const *secrets, int n, long long t,
    const char *body, size_t len, char *out, size_t outlen);

#endif /* FTX_WEBHOOK_SIGN_H */
