/*
 * form.c - query-string pairs and percent-decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "hex.h"
#include "utf8.h"

int
ftx_form_next(const char **query, const char **key, size_t *klen,
    const char **value, size_t *vlen)
{
	const char *p = *query, *amp, *eq;
	size_t n;

	while (*p == '&')
		p++;
	if (*p == '\0') {
		*query = p;
		return 0;
	}
	amp = strchr(p, '&');
	n = amp != NULL ? (size_t)(amp - p) : strlen(p);
	eq = memchr(p, '=', n);
	*key = p;
	if (eq != NULL) {
		*klen = (size_t)(eq - p);
		*value = eq + 1;
		*vlen = n - *klen - 1;
	} else {
		*klen = n;
		*value = p + n;
		*vlen = 0;
	}
	*query = p + n;
	return 1;
}

int
ftx_form_decode(const char *src, size_t len, char **out, size_t *outlen)
{
	char *dst;
	size_t i, o = 0;
	int hi, lo;

	if ((*out = dst = malloc(len + 1)) == NULL)
		return -2;
	for (i = 0; i < len; i++) {
		if (src[i] == '+')
			dst[o++] = ' ';
		else if (src[i] != '%')
			dst[o++] = src[i];
		else if (len - i < 3 ||
		    (hi = ftx_hex_digit((unsigned char)src[i + 1])) == -1 ||
		    (lo = ftx_hex_digit((unsigned char)src[i + 2])) == -1) {
			free(dst);
			*out = NULL;
			return -1;
		} else {
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	dst[o] = '\0';
	*outlen = o;
	return 0;
}

char *
ftx_form_decode_text(const char *src, size_t len)
{
	char *out;
	size_t n;

	if (ftx_form_decode(src, len, &out, &n) != 0)
		return NULL;
	if (ftx_utf8_has_control(out, n)) {
		free(out);
		return NULL;
	}
	return out;
}
