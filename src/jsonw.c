/*
 * jsonw.c - JSON into a reusable buffer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

/* Makes room for n more bytes; 0 or -1 (then w->oom). */
static int
reserve(struct ftx_jsonw *w, size_t n)
{
	size_t cap;
	char *p;

	if (w->oom)
		return -1;
	if (w->len + n + 1 <= w->cap)
		return 0;
	for (cap = w->cap > 0 ? w->cap : 4096; cap < w->len + n + 1; cap *= 2)
		;
	if ((p = realloc(w->buf, cap)) == NULL) {
		w->oom = 1;
		return -1;
	}
	w->buf = p;
	w->cap = cap;
	return 0;
}

void
ftx_jsonw_reset(struct ftx_jsonw *w)
{
	w->len = 0;
	w->oom = 0;
	if (w->buf != NULL)
		w->buf[0] = '\0';
}

void
ftx_jsonw_free(struct ftx_jsonw *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void
ftx_jsonw_raw(struct ftx_jsonw *w, const char *s, size_t n)
{
	if (reserve(w, n) == -1)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

void
ftx_jsonw_lit(struct ftx_jsonw *w, const char *s)
{
	ftx_jsonw_raw(w, s, strlen(s));
}

void
ftx_jsonw_string(struct ftx_jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n, run;
	char *o;

	if (s == NULL) {
		ftx_jsonw_raw(w, "null", 4);
		return;
	}
	n = strlen(s);
	/* Worst case: every byte becomes \u00XX. */
	if (reserve(w, 6 * n + 2) == -1)
		return;
	o = w->buf + w->len;
	*o++ = '"';
	while (*s != '\0') {
		for (run = 0; (unsigned char)s[run] >= 0x20 && s[run] != '"' &&
		    s[run] != '\\'; run++)
			;
		memcpy(o, s, run);
		o += run;
		s += run;
		if (*s == '\0')
			break;
		*o++ = '\\';
		switch (*s) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[((unsigned char)*s) >> 4];
			*o++ = hex[((unsigned char)*s) & 15];
			break;
		}
		s++;
	}
	*o++ = '"';
	*o = '\0';
	w->len = (size_t)(o - w->buf);
}

void
ftx_jsonw_int(struct ftx_jsonw *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	ftx_jsonw_raw(w, num, (size_t)n);
}
