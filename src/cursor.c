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

int
ftx_cursor_encode(const struct ftx_cursor *c, char *buf, size_t len)
{
	char raw[FTX_CURSOR_ID_MAX + 40];
	size_t n, i, o = 0;
	int m;

	m = snprintf(raw, sizeof(raw), "v1:%" PRId64 ":%s", c->usec, c->id);
	if (m < 0 || (size_t)m >= sizeof(raw))
		return -1;
	n = (size_t)m;
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
