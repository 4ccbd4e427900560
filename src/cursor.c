/*
 * cursor.c - keyset cursors, base64url encoded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "utf8.h"

/* The times PostgreSQL and ISO 8601 share: 0001-01-01 to 9999-12-31. */
#define USEC_MIN	(-62135596800LL * 1000000)
#define USEC_MAX	(253402300800LL * 1000000 - 1)

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64_value(int c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

/* Encodes raw[n] as base64url without padding into buf[len].  0, or -1
 * if it does not fit. */
static int
b64_encode(const char *raw, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	if ((n + 2) / 3 * 4 + 1 > len)
		return -1;
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		buf[o++] = b64[(v >> 18) & 63];
		buf[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			buf[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			buf[o++] = b64[v & 63];
	}
	buf[o] = '\0';
	return 0;
}

int
ftx_cursor_encode(const struct ftx_cursor *c, char *buf, size_t len)
{
	char raw[FTX_CURSOR_ID_MAX + 40];
	int m;

	m = snprintf(raw, sizeof(raw), "v1:%" PRId64 ":%s", c->usec, c->id);
	if (m < 0 || (size_t)m >= sizeof(raw))
		return -1;
	return b64_encode(raw, (size_t)m, buf, len);
}

/* Decodes base64url text into raw[cap]; returns the length or -1. */
static int
b64_decode(const char *text, char *raw, size_t cap)
{
	size_t len = strlen(text), i, o = 0;
	uint32_t v;
	int k, d;

	if (len == 0 || len % 4 == 1 || len / 4 * 3 + 3 > cap)
		return -1;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + k < len) {
				if ((d = b64_value((unsigned char)text[i + k])) < 0)
					return -1;
			} else
				d = 0;
			v = v << 6 | (uint32_t)d;
		}
		raw[o++] = (char)(v >> 16);
		if (i + 2 < len)
			raw[o++] = (char)(v >> 8);
		if (i + 3 < len)
			raw[o++] = (char)v;
	}
	raw[o] = '\0';
	return (int)o;
}

int
ftx_cursor_decode(const char *text, struct ftx_cursor *c)
{
	char raw[FTX_CURSOR_LEN], canon[24];
	char *p, *end, *id;
	long long usec;
	size_t i, idlen;
	int n;

	if (text == NULL || strlen(text) >= FTX_CURSOR_LEN - 4)
		return -1;
	if ((n = b64_decode(text, raw, sizeof(raw))) < 0)
		return -1;
	if (memchr(raw, '\0', (size_t)n) != NULL || strncmp(raw, "v1:", 3) != 0)
		return -1;
	p = raw + 3;
	if (!(*p == '-' || (*p >= '0' && *p <= '9')))
		return -1;
	errno = 0;
	usec = strtoll(p, &end, 10);
	if (errno != 0 || end == p || *end != ':' || usec < USEC_MIN ||
	    usec > USEC_MAX)
		return -1;
	/* Only the form the encoder writes: no leading zeros, no '+'. */
	if (snprintf(canon, sizeof(canon), "%lld", usec) != end - p ||
	    memcmp(canon, p, (size_t)(end - p)) != 0)
		return -1;
	id = end + 1;
	idlen = strlen(id);
	if (idlen == 0 || idlen > FTX_CURSOR_ID_MAX)
		return -1;
	for (i = 0; i < idlen; i++)
		if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
			return -1;
	if (!ftx_utf8_valid(id, idlen))
		return -1;
	c->usec = usec;
	memcpy(c->id, id, idlen + 1);
	return 0;
}

void
ftx_cursor_where(const struct ftx_cursor *c, const char *at_col,
    const char *id_col, struct ftx_query *q)
{
	char usec[24];

	snprintf(usec, sizeof(usec), "%" PRId64, c->usec);
	ftx_query_sql(q, " AND (");
	ftx_query_sql(q, at_col);
	ftx_query_sql(q, ", ");
	ftx_query_sql(q, id_col);
	ftx_query_sql(q, ") < (to_timestamp(0) + ");
	ftx_query_param(q, usec, "::bigint");
	ftx_query_sql(q, " * interval '1 microsecond', ");
	ftx_query_param(q, c->id, "::text");
	ftx_query_sql(q, ")");
}

int
ftx_cursor_name_encode(const struct ftx_cursor_name *c, char *buf,
    size_t len)
{
	char raw[FTX_CURSOR_NAME_MAX + FTX_CURSOR_ID_MAX + 16];
	size_t nlen = strlen(c->name), idlen = strlen(c->id);
	int m;

	if (nlen > FTX_CURSOR_NAME_MAX || idlen == 0 ||
	    idlen > FTX_CURSOR_ID_MAX)
		return -1;
	m = snprintf(raw, sizeof(raw), "n1:%zu:%s%s", nlen, c->name, c->id);
	if (m < 0 || (size_t)m >= sizeof(raw))
		return -1;
	return b64_encode(raw, (size_t)m, buf, len);
}

/* Reads the canonical decimal length at *p up to ':' (no sign, no leading
 * zero but "0"), at most max; advances *p past the ':'.  -1 if malformed. */
static long
name_len(const char **p, long max)
{
	const char *s = *p;
	long n = 0;

	if (*s == '0' && s[1] != ':')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	if (s == *p || *s != ':')
		return -1;
	*p = s + 1;
	return n;
}

int
ftx_cursor_name_decode(const char *text, struct ftx_cursor_name *c)
{
	char raw[FTX_CURSOR_NAME_LEN];
	const char *p;
	long nlen;
	size_t idlen;
	int n;

	if (text == NULL || strlen(text) >= FTX_CURSOR_NAME_LEN - 4)
		return -1;
	if ((n = b64_decode(text, raw, sizeof(raw))) < 0)
		return -1;
	if (memchr(raw, '\0', (size_t)n) != NULL || strncmp(raw, "n1:", 3) != 0)
		return -1;
	p = raw + 3;
	if ((nlen = name_len(&p, FTX_CURSOR_NAME_MAX)) < 0 ||
	    (size_t)nlen > strlen(p))
		return -1;
	idlen = strlen(p + nlen);
	/* Both halves as PostgreSQL takes them: valid UTF-8, the split not
	 * inside a character. */
	if (idlen == 0 || idlen > FTX_CURSOR_ID_MAX ||
	    !ftx_utf8_valid(p, (size_t)nlen) ||
	    !ftx_utf8_valid(p + nlen, idlen))
		return -1;
	memcpy(c->name, p, (size_t)nlen);
	c->name[nlen] = '\0';
	memcpy(c->id, p + nlen, idlen + 1);
	return 0;
}

void
ftx_cursor_name_where(const struct ftx_cursor_name *c, const char *name_col,
    const char *id_col, struct ftx_query *q)
{
	ftx_query_sql(q, " AND (");
	ftx_query_sql(q, name_col);
	ftx_query_sql(q, ", ");
	ftx_query_sql(q, id_col);
	ftx_query_sql(q, ") > (");
	ftx_query_param(q, c->name, "::text");
	ftx_query_sql(q, ", ");
	ftx_query_param(q, c->id, "::text");
	ftx_query_sql(q, ")");
}
