/*
 * fuzz_form.c - query strings: ftx_form_next() splits into the pieces a
 * reference split gives, ftx_form_decode() agrees with a reference
 * percent-decoder, and encoding the decoded bytes decodes back to them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzzlib.h"

/* Reference decoder into out (len + 1 bytes); the length or -1. */
static long
ref_decode(const char *s, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3)
				return -1;
			if (fuzz_hexval((unsigned char)s[i + 1]) < 0 ||
			    fuzz_hexval((unsigned char)s[i + 2]) < 0)
				return -1;
			out[o++] = (char)(16 *
			    fuzz_hexval((unsigned char)s[i + 1]) +
			    fuzz_hexval((unsigned char)s[i + 2]));
			i += 2;
		} else
			out[o++] = s[i] == '+' ? ' ' : s[i];
	}
	return (long)o;
}

/* Every byte but unreserved ones as %XX, so nothing is ambiguous. */
static char *
encode(const char *s, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	char *e = malloc(3 * n + 1), *w = e;
	size_t i;

	if (e == NULL)
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			*w++ = (char)c;
		else {
			*w++ = '%';
			*w++ = hx[c >> 4];
			*w++ = hx[c & 15];
		}
	}
	*w = '\0';
	return e;
}

static void
check_decode(const char *s, size_t len)
{
	char *out = NULL, *ref, *again = NULL, *enc, *text;
	size_t outlen = 0, alen = 0, i;
	long rlen;
	int r, ctl = 0;

	if ((ref = malloc(len + 1)) == NULL)
		abort();
	rlen = ref_decode(s, len, ref);
	r = ftx_form_decode(s, len, &out, &outlen);
	text = ftx_form_decode_text(s, len);
	FUZZ_ASSERT(r == 0 || r == -1);
	FUZZ_ASSERT((r == 0) == (rlen >= 0));
	if (r == -1) {
		FUZZ_ASSERT(out == NULL && text == NULL);
		free(ref);
		return;
	}
	FUZZ_ASSERT(outlen == (size_t)rlen && out[outlen] == '\0');
	FUZZ_ASSERT(memcmp(out, ref, outlen) == 0);
	for (i = 0; i < outlen; i++)
		ctl |= (unsigned char)out[i] < 0x20 || out[i] == 0x7f;
	FUZZ_ASSERT((text == NULL) == ctl);
	if (text != NULL)
		FUZZ_ASSERT(strcmp(text, out) == 0);
	enc = encode(out, outlen);
	FUZZ_ASSERT(ftx_form_decode(enc, strlen(enc), &again, &alen) == 0);
	FUZZ_ASSERT(alen == outlen && memcmp(again, out, outlen) == 0);
	free(enc);
	free(again);
	free(text);
	free(out);
	free(ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = fuzz_strndup(data, size);
	const char *p = q, *k, *v, *start;
	size_t klen, vlen, n = 0, qlen = strlen(q);

	/* Every non-empty '&' piece, in order, and nothing else. */
	start = q;
	while (ftx_form_next(&p, &k, &klen, &v, &vlen)) {
		FUZZ_ASSERT(++n <= qlen);
		while (*start == '&')
			start++;
		FUZZ_ASSERT(k == start);
		FUZZ_ASSERT(memchr(k, '&', klen) == NULL);
		FUZZ_ASSERT(memchr(k, '=', klen) == NULL);
		if (v != k + klen) {
			FUZZ_ASSERT(v == k + klen + 1 && k[klen] == '=');
			FUZZ_ASSERT(memchr(v, '&', vlen) == NULL);
		} else
			FUZZ_ASSERT(vlen == 0);
		FUZZ_ASSERT(v[vlen] == '&' || v[vlen] == '\0');
		start = v + vlen;
		check_decode(k, klen);
		check_decode(v, vlen);
	}
	FUZZ_ASSERT(*p == '\0');
	check_decode((const char *)data, size);	/* NULs and all */
	free(q);
	return 0;
}
