/*
 * csv.h - the export file format of SPEC §9.
 *
 * Rows arrive from PostgreSQL as COPY text-format lines (tab-separated, \N
 * for NULL, backslash escapes) of the 13 columns of columns.h, in its
 * order, and leave as CSV lines ("; " separated, quoted when needed,
 * formula-guarded, "\n" terminated), each column written as its kind says:
 * a time arrives as PostgreSQL prints it with TimeZone UTC
 * ("2026-01-02 03:04:05.123456+00"), an amount as numeric text
 * ("1234.5000"), failureReason already NULL unless the status is FAILED
 * (done in SQL).  Everything is appended to one reusable buffer: no
 * allocation per row once the buffer has grown to the longest row.
 */
#ifndef FTX_CSV_H
#define FTX_CSV_H

#include <stddef.h>

#include "columns.h"

#define FTX_CSV_COLUMNS	FTX_COLUMNS

struct ftx_csv_opts {
	int	formula_guard;	/* prefix ' to free text starting = + - @ TAB CR */
	int	bom;		/* UTF-8 BOM before the header */
};

/* A growable output buffer, reused across rows. */
struct ftx_csvbuf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void ftx_csvbuf_init(struct ftx_csvbuf *b);
void ftx_csvbuf_free(struct ftx_csvbuf *b);

/* The header line "transferId;createdAt;...;failureReason\n" (after the
 * BOM when opts->bom).  0, or -1 when out of memory. */
int ftx_csv_header(struct ftx_csvbuf *b, const struct ftx_csv_opts *opts);

/* Converts one COPY text-format line (without its trailing newline, len
 * bytes) into one CSV row appended to b.  Returns 0, or -1 when the line
 * does not have exactly 13 columns, a timestamp or amount is malformed, or
 * memory runs out (b keeps its previous content). */
int ftx_csv_copy_row(struct ftx_csvbuf *b, const char *line, size_t len,
    const struct ftx_csv_opts *opts);

#endif /* FTX_CSV_H */
