/*
 * fuzz_copy_to_csv.c - PostgreSQL COPY text rows to SPEC §9 CSV rows
 * (csv.h).  Each row ftx_csv_copy_row() accepts is read back by a strict
 * CSV reader written here (';' separated, a field quoted exactly when it
 * holds ; " CR or LF, inner quotes doubled, one '\n' at the end) and must
 * give the input's fields decoded by a reference COPY decoder, with the
 * formula guard applied where the SPEC says; a refused row leaves the
 * buffer as it was; a row with other than 13 columns is refused.
 *
 * Input: byte 0 bit 0 = formula guard, bit 1 = BOM; the rest is one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fuzzlib.h"
#include "money.h"

#define NCOL	FTX_CSV_COLUMNS

static const int guarded_col[NCOL] = { 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1 };

struct span {
	const char	*p;
	size_t		 n;
};

static int
oct(char c)
{
	return c >= '0' && c <= '7';
}

/* PostgreSQL's COPY text escapes, decoded into out; returns the length. */
static size_t
ref_decode(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0, k;
	unsigned v;

	while (i < n) {
		if (s[i] != '\\' || i + 1 == n) {
			out[o++] = s[i++];
			continue;
		}
		i++;
		if (oct(s[i])) {
			for (v = 0, k = 0; k < 3 && i < n && oct(s[i]); k++)
				v = v * 8 + (unsigned)(s[i++] - '0');
			out[o++] = (char)(v & 0xff);
		} else if (s[i] == 'x' && i + 1 < n &&
		    fuzz_hexval((unsigned char)s[i + 1]) >= 0) {
			i++;
			for (v = 0, k = 0; k < 2 && i < n &&
			    fuzz_hexval((unsigned char)s[i]) >= 0; k++)
				v = v * 16 +
				    (unsigned)fuzz_hexval((unsigned char)s[i++]);
			out[o++] = (char)v;
		} else {
			switch (s[i]) {
			case 'b': out[o++] = '\b'; break;
			case 'f': out[o++] = '\f'; break;
			case 'n': out[o++] = '\n'; break;
			case 'r': out[o++] = '\r'; break;
			case 't': out[o++] = '\t'; break;
			case 'v': out[o++] = '\v'; break;
			default: out[o++] = s[i]; break;
			}
			i++;
		}
	}
	return o;
}

/* Splits at tabs; returns the number of fields (up to max stored). */
static size_t
split_tabs(const char *s, size_t n, struct span *f, size_t max)
{
	size_t i, start = 0, k = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\t')
			continue;
		if (k < max) {
			f[k].p = s + start;
			f[k].n = i - start;
		}
		k++;
		start = i + 1;
	}
	return k;
}

/*
 * The strict reader: row[len] must be exactly NCOL fields and a final
 * '\n'.  Fields are copied, unquoted, into out[i] (malloc'd).
 */
static void
read_row(const char *row, size_t len, char **out, size_t *olen)
{
	size_t i = 0, k, o;
	int quoted;

	FUZZ_ASSERT(len > 0 && row[len - 1] == '\n');
	for (k = 0; k < NCOL; k++) {
		if ((out[k] = malloc(len + 1)) == NULL)
			abort();
		o = 0;
		quoted = i < len && row[i] == '"';
		if (quoted) {
			for (i++;; i++) {
				FUZZ_ASSERT(i < len);	/* closing quote */
				if (row[i] == '"') {
					if (i + 1 < len && row[i + 1] == '"') {
						out[k][o++] = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				out[k][o++] = row[i];
			}
			/* Quoted only when needed. */
			FUZZ_ASSERT(memchr(out[k], ';', o) != NULL ||
			    memchr(out[k], '"', o) != NULL ||
			    memchr(out[k], '\r', o) != NULL ||
			    memchr(out[k], '\n', o) != NULL);
		} else {
			for (; i < len && row[i] != ';' && row[i] != '\n'; i++) {
				FUZZ_ASSERT(row[i] != '"' && row[i] != '\r');
				out[k][o++] = row[i];
			}
		}
		FUZZ_ASSERT(i < len);
		FUZZ_ASSERT(row[i] == (k == NCOL - 1 ? '\n' : ';'));
		i++;
		olen[k] = o;
	}
	FUZZ_ASSERT(i == len);
}

static int
needs_guard(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
}

/* Column c of the output against the input field f. */
static void
check_field(int c, const struct span *f, const struct span *all,
    const char *got, size_t glen, int guard)
{
	char want[FTX_MONEY_LEN + 8], a[FTX_MONEY_LEN], cur[8];
	char *dec;
	size_t n, off = 0;

	if (c == 1) {
		/* "YYYY-MM-DD HH:MM:SS..." -> "YYYY-MM-DDTHH:MM:SSZ" */
		FUZZ_ASSERT(glen == 20 && f->n >= 22);
		FUZZ_ASSERT(memcmp(got, f->p, 10) == 0 && got[10] == 'T' &&
		    memcmp(got + 11, f->p + 11, 8) == 0 && got[19] == 'Z');
		FUZZ_ASSERT(memcmp(f->p + f->n - 3, "+00", 3) == 0);
		return;
	}
	if (c == 3) {
		FUZZ_ASSERT(f->n < sizeof(a));
		memcpy(a, f->p, f->n);
		a[f->n] = '\0';
		n = all[4].n == 2 && memcmp(all[4].p, "\\N", 2) == 0 ? 0 :
		    all[4].n < sizeof(cur) ? all[4].n : sizeof(cur) - 1;
		memcpy(cur, all[4].p, n);
		cur[n] = '\0';
		FUZZ_ASSERT(ftx_money_format(a, cur, want, sizeof(want)) >= 0);
		FUZZ_ASSERT(strlen(want) == glen && memcmp(want, got, glen) == 0);
		return;
	}
	if (f->n == 2 && memcmp(f->p, "\\N", 2) == 0) {
		FUZZ_ASSERT(glen == 0);	/* NULL */
		return;
	}
	if ((dec = malloc(f->n + 1)) == NULL)
		abort();
	n = ref_decode(f->p, f->n, dec);
	if (guard && guarded_col[c] && n > 0 && needs_guard(dec[0])) {
		FUZZ_ASSERT(glen > 0 && got[0] == '\'');
		off = 1;
	}
	FUZZ_ASSERT(glen == n + off);
	FUZZ_ASSERT(memcmp(got + off, dec, n) == 0);
	free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftx_csv_opts opts;
	struct ftx_csvbuf b;
	struct span f[NCOL];
	char *fields[NCOL], *first = NULL;
	size_t flen[NCOL], start, len, rowlen = 0, ncol;
	const char *line;
	int c, rc, round;

	if (size < 1)
		return 0;
	opts.formula_guard = data[0] & 1;
	opts.bom = (data[0] >> 1) & 1;
	line = (const char *)data + 1;
	len = size - 1;
	ftx_csvbuf_init(&b);
	FUZZ_ASSERT(ftx_csv_header(&b, &opts) == 0);
	FUZZ_ASSERT(b.len == (opts.bom ? 3u : 0u) + 184);
	ncol = split_tabs(line, len, f, NCOL);
	/* Twice into the same buffer: the same row both times. */
	for (round = 0; round < 2; round++) {
		start = b.len;
		rc = ftx_csv_copy_row(&b, line, len, &opts);
		if (ncol != NCOL)
			FUZZ_ASSERT(rc == -1);
		if (rc == -1) {
			FUZZ_ASSERT(b.len == start);
			break;
		}
		FUZZ_ASSERT(rc == 0);
		if (round == 0) {
			rowlen = b.len - start;
			if ((first = malloc(rowlen)) == NULL)
				abort();
			memcpy(first, b.data + start, rowlen);
			continue;
		}
		FUZZ_ASSERT(b.len - start == rowlen);
		FUZZ_ASSERT(memcmp(first, b.data + start, rowlen) == 0);
		read_row(b.data + start, rowlen, fields, flen);
		for (c = 0; c < NCOL; c++) {
			check_field(c, &f[c], f, fields[c], flen[c],
			    opts.formula_guard);
			free(fields[c]);
		}
	}
	free(first);
	ftx_csvbuf_free(&b);
	return 0;
}
