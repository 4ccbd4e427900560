/*
 * query.c - one parameterised SQL statement in a fixed buffer.
 *
 * Appends are bounds-checked: anything that does not fit sets the overflow
 * flag and leaves the text as it was, so a caller checks once at the end
 * and never runs a truncated statement.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

void
ftx_query_init(struct ftx_query *q)
{
	memset(q, 0, sizeof(*q));
}

void
ftx_query_init_settings(struct ftx_query *q)
{
	memset(q, 0, sizeof(*q));
	q->settings = 1;
}

int
ftx_query_settings_sql(const struct ftx_query *q, char *buf, size_t len)
{
	size_t used;
	int i, n;

	n = snprintf(buf, len, "SELECT 1");
	if (n < 0 || (size_t)n >= len)
		return -1;
	used = (size_t)n;
	for (i = 1; i <= q->nparams; i++) {
		n = snprintf(buf + used, len - used,
		    ", set_config('ftx.p%d', $%d, true)", i, i);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

void
ftx_query_free(struct ftx_query *q)
{
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nparams; i++)
		free((char *)q->params[i]);
	ftx_query_init(q);
}

/* Appends len bytes of text whole, or sets the overflow flag. */
static void
append(struct ftx_query *q, const char *text, size_t len)
{
	if (q->overflow || len >= sizeof(q->sql) - q->len) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, text, len);
	q->len += len;
	q->sql[q->len] = '\0';
}

void
ftx_query_sql(struct ftx_query *q, const char *text)
{
	append(q, text, strlen(text));
}

/* Appends "$n" and cast as one piece; 0, or -1 when it did not fit. */
static int
append_placeholder(struct ftx_query *q, int n, const char *cast)
{
	char buf[64];
	size_t clen;
	int len;

	clen = strlen(cast);
	len = q->settings ?
	    snprintf(buf, sizeof(buf), "current_setting('ftx.p%d')", n) :
	    snprintf(buf, sizeof(buf), "$%d", n);
	if (q->overflow || len < 0 || (size_t)len >= sizeof(buf) ||
	    (size_t)len + clen >= sizeof(q->sql) - q->len) {
		q->overflow = 1;
		return -1;
	}
	append(q, buf, (size_t)len);
	append(q, cast, clen);
	return 0;
}

/* Adds a copy of value as parameter n, writing "$n" and cast unless
 * cast is NULL; n, or -1 with nothing added. */
static int
add_param(struct ftx_query *q, const char *value, const char *cast)
{
	char *copy = NULL;
	int n;

	if (q->overflow || q->nparams >= FTX_QUERY_MAX_PARAMS)
		goto fail;
	if (value != NULL && (copy = strdup(value)) == NULL)
		goto fail;
	n = q->nparams + 1;
	if (cast != NULL && append_placeholder(q, n, cast) == -1)
		goto fail;
	q->params[q->nparams++] = copy;
	return n;
fail:
	free(copy);
	q->overflow = 1;
	return -1;
}

int
ftx_query_param(struct ftx_query *q, const char *value, const char *cast)
{
	return add_param(q, value, cast != NULL ? cast : "");
}

int
ftx_query_add(struct ftx_query *q, const char *value)
{
	return add_param(q, value, NULL);
}

void
ftx_query_ref(struct ftx_query *q, int n, const char *cast)
{
	/* Referring to a parameter that does not exist is a program error:
	 * the statement must not run. */
	if (n < 1 || n > q->nparams) {
		q->overflow = 1;
		return;
	}
	append_placeholder(q, n, cast != NULL ? cast : "");
}

char *
ftx_query_text_array(const char *const *values, size_t n)
{
	char *out, *p;
	const char *s;
	size_t size = 3, i, len;	/* "{}" and NUL */

	for (i = 0; i < n; i++) {
		len = values[i] != NULL ? strlen(values[i]) : 4;
		/* Worst case: every byte escaped, two quotes, a comma. */
		if (len > (SIZE_MAX - size) / 2 - 3)
			return NULL;
		size += 2 * len + 3;
	}
	if ((out = malloc(size)) == NULL)
		return NULL;
	p = out;
	*p++ = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		if (values[i] == NULL) {
			memcpy(p, "NULL", 4);	/* unquoted: SQL NULL */
			p += 4;
			continue;
		}
		*p++ = '"';
		for (s = values[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}
