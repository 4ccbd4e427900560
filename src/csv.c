/*
 * csv.c - PostgreSQL COPY text-format lines to the CSV rows of SPEC §9.
 *
 * This runs once per exported row (a million rows per export is normal), so
 * it avoids the usual conveniences: one pass over the line classifies every
 * byte through a table, the output space of the worst case is reserved once
 * per row (the buffer grows geometrically and is reused), and fields are
 * decoded straight into the output.  No malloc and no stdio per row.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "csv.h"
#include "hex.h"
#include "money.h"

static const char bom[] = "\xef\xbb\xbf";

/* Byte classes of the line scan. */
#define C_TAB	1	/* column separator */
#define C_ESC	2	/* backslash: the field needs decoding */
#define C_QUOTE	4	/* ; " CR LF: the field needs quoting */

static const unsigned char byte_class[256] = {
	['\t'] = C_TAB, ['\\'] = C_ESC,
	[';'] = C_QUOTE, ['"'] = C_QUOTE, ['\r'] = C_QUOTE, ['\n'] = C_QUOTE
};

/* Output bytes per row beyond twice the line: separators, quotes, guards,
 * a timestamp and an amount. */
#define ROW_SLACK	(FTX_CSV_COLUMNS * 4 + 32 + FTX_MONEY_LEN)

struct field {
	const char	*p;
	size_t		 n;
	unsigned	 cls;	/* C_ESC | C_QUOTE seen in the raw bytes */
};

void
ftx_csvbuf_init(struct ftx_csvbuf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
ftx_csvbuf_free(struct ftx_csvbuf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	ftx_csvbuf_init(b);
}

/* Makes room for need more bytes, doubling.  0, or -1 out of memory. */
static int
reserve(struct ftx_csvbuf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= need)
		return 0;
	if (need > SIZE_MAX / 2 - b->len)
		return -1;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < need)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
ftx_csv_header(struct ftx_csvbuf *b, const struct ftx_csv_opts *opts)
{
	size_t hlen;
	const char *header = ftx_columns_header(&hlen);

	if (reserve(b, hlen + (opts->bom ? 3 : 0)) == -1)
		return -1;
	if (opts->bom) {
		memcpy(b->data + b->len, bom, 3);
		b->len += 3;
	}
	memcpy(b->data + b->len, header, hlen);
	b->len += hlen;
	return 0;
}

/* Splits line into exactly FTX_CSV_COLUMNS fields, noting for each whether
 * it holds a backslash or a byte that forces quoting.  0, or -1. */
static int
split_line(const char *line, size_t len, struct field *f)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, start = 0;
	unsigned cls = 0, c = 0;
	int col = 0;

	for (;;) {
		/* Most bytes are plain: skip them eight at a time. */
		while (i + 8 <= len && (byte_class[s[i]] | byte_class[s[i + 1]] |
		    byte_class[s[i + 2]] | byte_class[s[i + 3]] |
		    byte_class[s[i + 4]] | byte_class[s[i + 5]] |
		    byte_class[s[i + 6]] | byte_class[s[i + 7]]) == 0)
			i += 8;
		while (i < len && (c = byte_class[s[i]]) == 0)
			i++;
		if (i == len)
			break;
		i++;
		if (c != C_TAB) {
			cls |= c;
			continue;
		}
		if (col == FTX_CSV_COLUMNS - 1)
			return -1;
		f[col].p = line + start;
		f[col].n = i - 1 - start;
		f[col++].cls = cls;
		cls = 0;
		start = i;
	}
	if (col != FTX_CSV_COLUMNS - 1)
		return -1;
	f[col].p = line + start;
	f[col].n = len - start;
	f[col].cls = cls;
	return 0;
}

static int
is_null(const struct field *f)
{
	return f->n == 2 && f->p[0] == '\\' && f->p[1] == 'N';
}

/* Decodes the COPY escapes of s[n] into out (at most n bytes, as every
 * escape is longer than what it stands for); returns the length. */
static size_t
decode(const char *s, size_t n, char *out)
{
	const char *end = s + n;
	char *w = out;
	unsigned v;
	int i, h;

	while (s < end) {
		if (*s != '\\' || s + 1 == end) {
			*w++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'b': *w++ = '\b'; s++; break;
		case 'f': *w++ = '\f'; s++; break;
		case 'n': *w++ = '\n'; s++; break;
		case 'r': *w++ = '\r'; s++; break;
		case 't': *w++ = '\t'; s++; break;
		case 'v': *w++ = '\v'; s++; break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7':
			for (v = 0, i = 0; i < 3 && s < end &&
			    *s >= '0' && *s <= '7'; i++)
				v = (v << 3) + (unsigned)(*s++ - '0');
			*w++ = (char)(v & 0xff);
			break;
		case 'x':
			if (s + 1 == end || ftx_hex_digit((unsigned char)s[1]) == -1) {
				*w++ = *s++;
				break;
			}
			for (s++, v = 0, i = 0; i < 2 && s < end &&
			    (h = ftx_hex_digit((unsigned char)*s)) != -1; i++, s++)
				v = (v << 4) + (unsigned)h;
			*w++ = (char)v;
			break;
		default:
			*w++ = *s++;
			break;
		}
	}
	return (size_t)(w - out);
}

static int
needs_guard(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
}

/* Copies s[n] to w doubling every '"'; returns the end of the output. */
static char *
copy_doubling(char *w, const char *s, size_t n)
{
	const char *end = s + n, *q;
	size_t k;

	while ((q = memchr(s, '"', (size_t)(end - s))) != NULL) {
		k = (size_t)(q - s) + 1;
		memcpy(w, s, k);
		w += k;
		*w++ = '"';
		s = q + 1;
	}
	memcpy(w, s, (size_t)(end - s));
	return w + (end - s);
}

/* Writes the raw field s[n] (no escapes in it), quoted and guarded as
 * asked; returns the end of the output. */
static char *
put_raw(char *w, const char *s, size_t n, int quote, int guard)
{
	if (quote)
		*w++ = '"';
	if (guard)
		*w++ = '\'';
	if (quote) {
		w = copy_doubling(w, s, n);
		*w++ = '"';
	} else {
		memcpy(w, s, n);
		w += n;
	}
	return w;
}

/* The field decoded at w + 2 (n bytes) is moved into place at w, quoted
 * when one of its bytes asks for it and guarded when allowed; the quotes
 * are doubled backwards so that the expansion works in place. */
static char *
put_decoded(char *w, size_t n, int guard_ok)
{
	const char *s = w + 2;
	size_t q = 0, i;
	int quote = 0, guard;
	char *d, *end;

	for (i = 0; i < n; i++) {
		if (byte_class[(unsigned char)s[i]] & C_QUOTE) {
			quote = 1;
			q += s[i] == '"';
		}
	}
	guard = guard_ok && n > 0 && needs_guard((unsigned char)s[0]);
	if (!quote) {
		if (guard)
			*w++ = '\'';
		memmove(w, s, n);
		return w + n;
	}
	*w++ = '"';
	if (guard)
		*w++ = '\'';
	else
		memmove(w, s, n);
	end = w + n + q;
	*end = '"';
	for (d = end, i = n; q > 0; i--) {
		*--d = w[i - 1];
		if (w[i - 1] == '"') {
			*--d = '"';
			q--;
		}
	}
	return end + 1;
}

/* Writes one text field; guard_ok when it is free text and the formula
 * guard is on.  A NULL and an empty string both give an empty field. */
static char *
put_field(char *w, const struct field *f, int guard_ok)
{
	int guard;

	if (f->n == 0 || is_null(f))
		return w;
	if (f->cls & C_ESC)
		return put_decoded(w, decode(f->p, f->n, w + 2), guard_ok);
	guard = guard_ok && needs_guard((unsigned char)f->p[0]);
	return put_raw(w, f->p, f->n, (f->cls & C_QUOTE) != 0, guard);
}

static int
digits(const char *s, int n, int lo, int hi)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi ? 0 : -1;
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff]+00" -> "YYYY-MM-DDTHH:MM:SSZ" (20 bytes).
 * Returns the end of the output, or NULL when malformed or not UTC. */
static char *
put_timestamp(char *w, const struct field *f)
{
	const char *s = f->p, *end = f->p + f->n;

	if (f->n < 22 || digits(s, 4, 0, 9999) == -1 || s[4] != '-' ||
	    digits(s + 5, 2, 1, 12) == -1 || s[7] != '-' ||
	    digits(s + 8, 2, 1, 31) == -1 || s[10] != ' ' ||
	    digits(s + 11, 2, 0, 23) == -1 || s[13] != ':' ||
	    digits(s + 14, 2, 0, 59) == -1 || s[16] != ':' ||
	    digits(s + 17, 2, 0, 59) == -1)
		return NULL;
	s += 19;
	if (*s == '.') {
		if (end - ++s < 4 || *s < '0' || *s > '9')
			return NULL;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	}
	if (end - s != 3 || s[0] != '+' || s[1] != '0' || s[2] != '0')
		return NULL;
	memcpy(w, f->p, 19);
	w[10] = 'T';
	w[19] = 'Z';
	return w + 20;
}

/* The amount with its currency's minor digits.  NULL when malformed. */
static char *
put_amount(char *w, const struct field *amount, const struct field *cur)
{
	char a[FTX_MONEY_LEN], c[8];
	size_t cn;
	int n;

	if (amount->n >= sizeof(a) || (amount->cls & C_ESC) ||
	    (cur->cls & C_ESC && !is_null(cur)))
		return NULL;
	memcpy(a, amount->p, amount->n);
	a[amount->n] = '\0';
	cn = is_null(cur) ? 0 : cur->n < sizeof(c) ? cur->n : sizeof(c) - 1;
	memcpy(c, cur->p, cn);
	c[cn] = '\0';
	if ((n = ftx_money_format(a, c, w, FTX_MONEY_LEN)) == -1)
		return NULL;
	return w + n;
}

/* One writer per kind of column (columns.h): field col of the row's
 * fields f, guarded when guard is set and the kind allows it.  Each
 * returns the end of its output, or NULL when the field is malformed. */
static char *
put_TEXT(char *w, const struct field *f, int col, int guard)
{
	(void)guard;
	return put_field(w, &f[col], 0);
}

static char *
put_FREE_TEXT(char *w, const struct field *f, int col, int guard)
{
	return put_field(w, &f[col], guard);
}

static char *
put_TIME(char *w, const struct field *f, int col, int guard)
{
	(void)guard;
	return put_timestamp(w, &f[col]);
}

static char *
put_AMOUNT(char *w, const struct field *f, int col, int guard)
{
	(void)guard;
	return put_amount(w, &f[col], &f[FTX_COL_CURRENCY]);
}

/* The row, column after column in the table's order, each followed by
 * ';': the table unrolls into straight code, with no lookup per field. */
#define PUT_(id, name, kind, copy, list, src) \
	if ((w = put_##kind(w, f, FTX_COL_##id, guard)) == NULL) \
		return -1; \
	*w++ = ';';

int
ftx_csv_copy_row(struct ftx_csvbuf *b, const char *line, size_t len,
    const struct ftx_csv_opts *opts)
{
	struct field f[FTX_CSV_COLUMNS];
	int guard = opts->formula_guard;
	char *w;

	if (split_line(line, len, f) == -1 || len > (SIZE_MAX - ROW_SLACK) / 2 ||
	    reserve(b, 2 * len + ROW_SLACK) == -1)
		return -1;
	w = b->data + b->len;
	FTX_COLUMN_TABLE(PUT_)
	w[-1] = '\n';
	b->len = (size_t)(w - b->data);
	return 0;
}
#undef PUT_
