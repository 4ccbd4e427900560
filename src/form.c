/*
 * form.c - query-string pairs and percent-decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"

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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
ftx_form_decode(const char *src, size_t len, char **out)
{
	char *dst;
	size_t i, o = 0;
	int hi, lo;

	*out = NULL;
	if ((dst = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (src[i] == '+')
			dst[o++] = ' ';
		else if (src[i] != '%')
			dst[o++] = src[i];
		else {
			if (i + 2 >= len)
				goto bad;
			if ((hi = hexval((unsigned char)src[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)src[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				goto bad;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	dst[o] = '\0';
	*out = dst;
	return (long)o;
bad:
	free(dst);
	return -1;
}
