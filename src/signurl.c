/*
 * signurl.c - HMAC-SHA256 download links with key rotation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "form.h"
#include "hex.h"
#include "signurl.h"

struct ftx_signurl_keys {
	int	 n;
	char	*secret[FTX_SIGNURL_MAX_SECRETS];
	size_t	 len[FTX_SIGNURL_MAX_SECRETS];
};

void
ftx_signurl_free(struct ftx_signurl_keys *keys)
{
	int i;

	if (keys == NULL)
		return;
	for (i = 0; i < keys->n; i++) {
		explicit_bzero(keys->secret[i], keys->len[i]);
		free(keys->secret[i]);
	}
	free(keys);
}

static int
keys_add(struct ftx_signurl_keys *keys, const char *s, size_t len)
{
	if (keys->n == FTX_SIGNURL_MAX_SECRETS)
		return -1;
	if ((keys->secret[keys->n] = malloc(len + 1)) == NULL)
		return -1;
	memcpy(keys->secret[keys->n], s, len);
	keys->secret[keys->n][len] = '\0';
	keys->len[keys->n++] = len;
	return 0;
}

struct ftx_signurl_keys *
ftx_signurl_from_secret(const char *secret)
{
	struct ftx_signurl_keys *keys;

	if (secret == NULL || strlen(secret) < FTX_SIGNURL_MIN_SECRET)
		return NULL;
	if ((keys = calloc(1, sizeof(*keys))) == NULL)
		return NULL;
	if (keys_add(keys, secret, strlen(secret)) == -1) {
		ftx_signurl_free(keys);
		return NULL;
	}
	return keys;
}

struct ftx_signurl_keys *
ftx_signurl_load(const char *path, char *err, size_t errlen)
{
	struct ftx_signurl_keys *keys = NULL;
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t n;
	int lineno = 0;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((keys = calloc(1, sizeof(*keys))) == NULL)
		goto fail_oom;
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'
		    || line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (len < FTX_SIGNURL_MIN_SECRET) {
			snprintf(err, errlen, "%s:%d: secret shorter than %d "
			    "bytes", path, lineno, FTX_SIGNURL_MIN_SECRET);
			goto fail;
		}
		if (keys_add(keys, line, len) == -1) {
			snprintf(err, errlen, "%s:%d: more than %d secrets",
			    path, lineno, FTX_SIGNURL_MAX_SECRETS);
			goto fail;
		}
	}
	if (keys->n == 0) {
		snprintf(err, errlen, "%s: no secret in the file", path);
		goto fail;
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	fclose(fp);
	return keys;
fail_oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	fclose(fp);
	ftx_signurl_free(keys);
	return NULL;
}

static int
hmac_hex(const char *secret, size_t slen, const char *export_id,
    const char *expires_text, char *sig)
{
	unsigned char mac[32];
	size_t maclen = sizeof(mac);
	gcry_mac_hd_t hd;
	int rc = -1;

	if (ftx_crypto_init() == -1)
		return -1;
	if (gcry_mac_open(&hd, GCRY_MAC_HMAC_SHA256, 0, NULL) != 0)
		return -1;
	if (gcry_mac_setkey(hd, secret, slen) == 0 &&
	    gcry_mac_write(hd, export_id, strlen(export_id)) == 0 &&
	    gcry_mac_write(hd, "\n", 1) == 0 &&
	    gcry_mac_write(hd, expires_text, strlen(expires_text)) == 0 &&
	    gcry_mac_read(hd, mac, &maclen) == 0 && maclen == sizeof(mac)) {
		ftx_hex_encode(mac, sizeof(mac), sig);
		rc = 0;
	}
	gcry_mac_close(hd);
	return rc;
}

int
ftx_signurl_sign(const struct ftx_signurl_keys *keys, const char *export_id,
    int64_t expires, char *sig)
{
	char e[24];

	snprintf(e, sizeof(e), "%" PRId64, expires);
	return hmac_hex(keys->secret[0], keys->len[0], export_id, e, sig);
}

int
ftx_signurl_verify(const struct ftx_signurl_keys *keys, const char *export_id,
    const char *expires_text, const char *sig)
{
	char want[FTX_SIGNURL_SIG_LEN];
	int i, ok = 0;

	if (keys == NULL || export_id == NULL || expires_text == NULL ||
	    sig == NULL || strlen(sig) != 64)
		return 0;
	/* Every secret is tried, match or not: the time does not say which. */
	for (i = 0; i < keys->n; i++)
		if (hmac_hex(keys->secret[i], keys->len[i], export_id,
		    expires_text, want) == 0)
			ok |= ftx_ct_memeq(want, sig, 64);
	return ok;
}

int
ftx_signurl_url(const struct ftx_signurl_keys *keys, const char *base_url,
    const char *export_id, int64_t expires, char *buf, size_t len)
{
	char sig[FTX_SIGNURL_SIG_LEN];
	size_t blen = strlen(base_url);
	int n;

	while (blen > 0 && base_url[blen - 1] == '/')
		blen--;
	if (ftx_signurl_sign(keys, export_id, expires, sig) == -1)
		return -1;
	n = snprintf(buf, len, "%.*s/v1/payments/funding-transfers/export/%s/"
	    "download?expires=%" PRId64 "&signature=%s", (int)blen, base_url,
	    export_id, expires, sig);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int
ftx_signurl_query(const char *query, char **values, long long *expires)
{
	static const char *const own[] = { "expires", "signature", NULL };
	const char *k, *v;
	char *key = NULL;
	size_t klen, vlen, i;
	int j;

	values[0] = values[1] = NULL;
	while (ftx_form_next(&query, &k, &klen, &v, &vlen)) {
		if ((key = ftx_form_decode_text(k, klen)) == NULL)
			return -1;
		for (j = 0; own[j] != NULL && strcmp(own[j], key) != 0; j++)
			;
		free(key);
		if (own[j] == NULL)
			continue;	/* tracking parameters and the like */
		if (values[j] != NULL ||
		    (values[j] = ftx_form_decode_text(v, vlen)) == NULL)
			return -1;
	}
	if (values[0] == NULL || values[1] == NULL)
		return -1;
	for (i = 0; values[0][i] >= '0' && values[0][i] <= '9'; i++)
		;
	if (i == 0 || i > 18 || values[0][i] != '\0')
		return -1;
	*expires = strtoll(values[0], NULL, 10);
	return 0;
}
