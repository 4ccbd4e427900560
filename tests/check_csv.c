/*
 * check_csv.c - COPY text lines to CSV rows (SPEC §9), table-driven.
 *
 * Most cases change a few columns of one base row: .raw holds the COPY
 * text of the changed columns, .out what the CSV must hold there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "csv.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const base_raw[FTX_CSV_COLUMNS] = {
	"ft_001", "2026-01-02 03:04:05.123456+00", "COMPLETED", "1234.5000",
	"EUR", "OPERATING", "SUPPLIER", "SUP-EXT-1", "Acme Ltd", "INV-42",
	"PAYOUT", "po_1", "\\N"
};

static const char *const base_out[FTX_CSV_COLUMNS] = {
	"ft_001", "2026-01-02T03:04:05Z", "COMPLETED", "1234.50",
	"EUR", "OPERATING", "SUPPLIER", "SUP-EXT-1", "Acme Ltd", "INV-42",
	"PAYOUT", "po_1", ""
};

static const char header[] =
    "transferId;createdAt;status;amount;currency;sourceBalanceAccountType;"
    "targetBalanceAccountType;supplierExternalId;supplierName;reference;"
    "relatedEntityType;relatedEntityId;failureReason\n";

static const struct row_case {
	const char	*raw[FTX_CSV_COLUMNS];
	const char	*out[FTX_CSV_COLUMNS];
	int		 guard_off;
	int		 fail;
} row_cases[] = {
	/* 0: the base row itself. */
	{ .raw = { NULL } },
	/* NULLs and empty strings: always an empty field, never "". */
	{ .raw = { [9] = "\\N", [10] = "\\N", [11] = "\\N" },
	  .out = { [9] = "", [10] = "", [11] = "" } },
	{ .raw = { [9] = "" }, .out = { [9] = "" } },
	{ .raw = { [2] = "FAILED", [12] = "Insufficient funds" },
	  .out = { [2] = "FAILED", [12] = "Insufficient funds" } },
	/* Escapes. */
	{ .raw = { [8] = "Tab\\there" }, .out = { [8] = "Tab\there" } },
	{ .raw = { [9] = "line1\\nline2" }, .out = { [9] = "\"line1\nline2\"" } },
	{ .raw = { [9] = "cr\\rlf\\n" }, .out = { [9] = "\"cr\rlf\n\"" } },
	{ .raw = { [9] = "a\\\\b" }, .out = { [9] = "a\\b" } },
	{ .raw = { [9] = "\\b\\f\\v" }, .out = { [9] = "\b\f\v" } },
	{ .raw = { [9] = "\\101\\x42\\x4a\\7x" }, .out = { [9] = "ABJ\ax" } },
	{ .raw = { [9] = "\\0121" }, .out = { [9] = "\"\n1\"" } },
	{ .raw = { [9] = "\\xzz\\q" }, .out = { [9] = "xzzq" } },
	{ .raw = { [9] = "a\\Nb" }, .out = { [9] = "aNb" } },
	{ .raw = { [9] = "end\\" }, .out = { [9] = "end\\" } },
	{ .raw = { [9] = "\\x3b" }, .out = { [9] = "\";\"" } },
	{ .raw = { [9] = "say \\x22hi\\x22" },
	  .out = { [9] = "\"say \"\"hi\"\"\"" } },
	{ .raw = { [9] = "\\\"q\\\"\\n" }, .out = { [9] = "\"\"\"q\"\"\n\"" } },
	/* Quoting of raw bytes. */
	{ .raw = { [8] = "a;b" }, .out = { [8] = "\"a;b\"" } },
	{ .raw = { [8] = "say \"hi\"" }, .out = { [8] = "\"say \"\"hi\"\"\"" } },
	{ .raw = { [8] = "\"" }, .out = { [8] = "\"\"\"\"" } },
	{ .raw = { [2] = "A;B", [4] = "E\"R" },
	  .out = { [2] = "\"A;B\"", [4] = "\"E\"\"R\"" } },
	{ .raw = { [8] = "M\xc3\xbcller & S\xc3\xb6hne; GmbH" },
	  .out = { [8] = "\"M\xc3\xbcller & S\xc3\xb6hne; GmbH\"" } },
	{ .raw = { [8] = "\xe6\x97\xa5\xe6\x9c\xac" },
	  .out = { [8] = "\xe6\x97\xa5\xe6\x9c\xac" } },
	/* Formula guard before quoting; only at the start of a field. */
	{ .raw = { [9] = "=1;2" }, .out = { [9] = "\"'=1;2\"" } },
	{ .raw = { [9] = "=1;2" }, .out = { [9] = "\"=1;2\"" },
	  .guard_off = 1 },
	{ .raw = { [9] = "=\"x\"" }, .out = { [9] = "\"'=\"\"x\"\"\"" } },
	{ .raw = { [9] = "=\\x22x" }, .out = { [9] = "\"'=\"\"x\"" } },
	{ .raw = { [9] = "\\r=" }, .out = { [9] = "\"'\r=\"" } },
	{ .raw = { [9] = "\\t=" }, .out = { [9] = "'\t=" } },
	{ .raw = { [9] = "a=b" }, .out = { [9] = "a=b" } },
	{ .raw = { [9] = " =b" }, .out = { [9] = " =b" } },
	{ .raw = { [9] = "'=b" }, .out = { [9] = "'=b" } },
	/* Amounts: minor units, half away from zero. */
	{ .raw = { [3] = "10.0050" }, .out = { [3] = "10.01" } },
	{ .raw = { [3] = "10.0049" }, .out = { [3] = "10.00" } },
	{ .raw = { [3] = "1499.5000", [4] = "JPY" },
	  .out = { [3] = "1500", [4] = "JPY" } },
	{ .raw = { [3] = "1499.4999", [4] = "JPY" },
	  .out = { [3] = "1499", [4] = "JPY" } },
	{ .raw = { [3] = "1.2345", [4] = "BHD" },
	  .out = { [3] = "1.235", [4] = "BHD" } },
	{ .raw = { [3] = "0.0004", [4] = "BHD" },
	  .out = { [3] = "0.000", [4] = "BHD" } },
	{ .raw = { [3] = "9999999999999999.9999" },
	  .out = { [3] = "10000000000000000.00" } },
	{ .raw = { [3] = "0" }, .out = { [3] = "0.00" } },
	/* Amounts are never guarded, even when negative (malformed anyway). */
	{ .raw = { [3] = "-1.00" }, .fail = 1 },
	{ .raw = { [3] = "abc" }, .fail = 1 },
	{ .raw = { [3] = "1e5" }, .fail = 1 },
	{ .raw = { [3] = "" }, .fail = 1 },
	{ .raw = { [3] = "\\N" }, .fail = 1 },
	{ .raw = { [3] = "1\\x2e5" }, .fail = 1 },
	{ .raw = { [3] = "1.00 " }, .fail = 1 },
	{ .raw = { [3] = "123456789012345678901234567890123" }, .fail = 1 },
	/* Timestamps. */
	{ .raw = { [1] = "2026-01-02 03:04:05+00" },
	  .out = { [1] = "2026-01-02T03:04:05Z" } },
	{ .raw = { [1] = "2026-12-31 23:59:59.9+00" },
	  .out = { [1] = "2026-12-31T23:59:59Z" } },
	{ .raw = { [1] = "2026-01-02 03:04:05+01" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02 03:04:05-00" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02 03:04:05+00:30" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02 03:04:05" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02 03:04:05.+00" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02T03:04:05+00" }, .fail = 1 },
	{ .raw = { [1] = "2026-13-02 03:04:05+00" }, .fail = 1 },
	{ .raw = { [1] = "2026-01-02 24:04:05+00" }, .fail = 1 },
	{ .raw = { [1] = "2026-1-02 03:04:05+00" }, .fail = 1 },
	{ .raw = { [1] = "0044-03-15 12:00:00+00 BC" }, .fail = 1 },
	{ .raw = { [1] = "\\N" }, .fail = 1 },
	{ .raw = { [1] = "" }, .fail = 1 },
};

/* Builds the COPY line and the expected CSV row of c. */
static void
build(const struct row_case *c, char *line, size_t llen, char *out,
    size_t olen)
{
	size_t i;

	line[0] = out[0] = '\0';
	for (i = 0; i < FTX_CSV_COLUMNS; i++) {
		if (i > 0) {
			strcat(line, "\t");
			strcat(out, ";");
		}
		ck_assert_uint_lt(strlen(line) + 200, llen);
		ck_assert_uint_lt(strlen(out) + 200, olen);
		strcat(line, c->raw[i] ? c->raw[i] : base_raw[i]);
		strcat(out, c->out[i] ? c->out[i] : base_out[i]);
	}
	strcat(out, "\n");
}

/* Runs one line on a buffer already holding a prefix: either the prefix
 * plus expected, or -1 and the prefix untouched. */
static void
check_line(const char *line, size_t len, const char *expected, int guard)
{
	static const char prefix[] = "previous;row\n";
	struct ftx_csv_opts opts = { guard, 0 };
	struct ftx_csvbuf b;
	int rc;

	ftx_csvbuf_init(&b);
	ck_assert_int_eq(ftx_csv_header(&b, &opts), 0);
	b.len = 0;
	memcpy(b.data, prefix, sizeof(prefix) - 1);
	b.len = sizeof(prefix) - 1;
	rc = ftx_csv_copy_row(&b, line, len, &opts);
	if (expected == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_uint_eq(b.len, sizeof(prefix) - 1);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(b.len, sizeof(prefix) - 1 + strlen(expected));
		ck_assert_mem_eq(b.data + sizeof(prefix) - 1, expected,
		    strlen(expected));
	}
	ck_assert_mem_eq(b.data, prefix, sizeof(prefix) - 1);
	ftx_csvbuf_free(&b);
}

START_TEST(test_rows)
{
	const struct row_case *c = &row_cases[_i];
	char line[1024], out[1024];

	build(c, line, sizeof(line), out, sizeof(out));
	check_line(line, strlen(line), c->fail ? NULL : out, !c->guard_off);
}
END_TEST

/* Whole lines: column counts and the exact bytes of a row. */
static const struct {
	const char	*line;
	const char	*out;		/* NULL: -1 */
} line_cases[] = {
	{ "ft_1\t2026-01-02 03:04:05+00\tPENDING\t5.0000\tUSD\tA\tB\tS\tN\t"
	  "\\N\t\\N\t\\N\t\\N",
	  "ft_1;2026-01-02T03:04:05Z;PENDING;5.00;USD;A;B;S;N;;;;\n" },
	/* 12 columns. */
	{ "ft_1\t2026-01-02 03:04:05+00\tPENDING\t5.0000\tUSD\tA\tB\tS\tN\t"
	  "\\N\t\\N\t\\N", NULL },
	/* 14 columns. */
	{ "ft_1\t2026-01-02 03:04:05+00\tPENDING\t5.0000\tUSD\tA\tB\tS\tN\t"
	  "\\N\t\\N\t\\N\t\\N\tx", NULL },
	{ "ft_1\t2026-01-02 03:04:05+00\tPENDING\t5.0000\tUSD\tA\tB\tS\tN\t"
	  "\\N\t\\N\t\\N\t\\N\t", NULL },
	{ "", NULL },
	{ "\t\t\t\t\t\t\t\t\t\t\t\t", NULL },
	{ "\t\t\t\t\t\t\t\t\t\t\t\t\t", NULL },
};

START_TEST(test_lines)
{
	check_line(line_cases[_i].line, strlen(line_cases[_i].line),
	    line_cases[_i].out, 1);
}
END_TEST

/* Every guard character in every text column, guard on and off. */
static const struct {
	const char	*raw;		/* as COPY writes it */
	const char	*text;		/* decoded */
} guard_chars[] = {
	{ "=", "=" }, { "+", "+" }, { "-", "-" }, { "@", "@" },
	{ "\\t", "\t" }, { "\\r", "\r" },
};

static const int free_text[FTX_CSV_COLUMNS] = {
	[0] = 1, [7] = 1, [8] = 1, [9] = 1, [11] = 1, [12] = 1
};

START_TEST(test_guard_matrix)
{
	const char *raw = guard_chars[_i].raw, *text = guard_chars[_i].text;
	char rawv[16], outv[16], line[1024], out[1024];
	struct row_case c;
	int col, guard;

	for (guard = 0; guard <= 1; guard++) {
		for (col = 0; col < FTX_CSV_COLUMNS; col++) {
			if (col == 1 || col == 3)
				continue;	/* timestamp, amount */
			memset(&c, 0, sizeof(c));
			snprintf(rawv, sizeof(rawv), "%sx1", raw);
			snprintf(outv, sizeof(outv), "%s%s%sx1%s",
			    text[0] == '\r' ? "\"" : "",
			    guard && free_text[col] ? "'" : "", text,
			    text[0] == '\r' ? "\"" : "");
			c.raw[col] = rawv;
			c.out[col] = outv;
			build(&c, line, sizeof(line), out, sizeof(out));
			/* An unknown currency has 2 digits; an escape in a
			 * currency is malformed. */
			check_line(line, strlen(line),
			    col == 4 && raw[0] == '\\' ? NULL : out, guard);
		}
	}
}
END_TEST

START_TEST(test_header)
{
	struct ftx_csv_opts plain = { 1, 0 }, bom = { 1, 1 };
	struct ftx_csvbuf b;

	ftx_csvbuf_init(&b);
	ck_assert_int_eq(ftx_csv_header(&b, &plain), 0);
	ck_assert_uint_eq(b.len, strlen(header));
	ck_assert_mem_eq(b.data, header, strlen(header));
	ftx_csvbuf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);

	ck_assert_int_eq(ftx_csv_header(&b, &bom), 0);
	ck_assert_uint_eq(b.len, 3 + strlen(header));
	ck_assert_mem_eq(b.data, "\xef\xbb\xbf", 3);
	ck_assert_mem_eq(b.data + 3, header, strlen(header));
	ftx_csvbuf_free(&b);
	ftx_csvbuf_free(NULL);
}
END_TEST

/* Header and rows accumulate in one buffer. */
START_TEST(test_append)
{
	static const char l1[] = "a\t2026-01-02 03:04:05+00\tS\t1\tEUR\tX\tY\t"
	    "e\tn\t\\N\t\\N\t\\N\t\\N";
	static const char l2[] = "b\t2026-01-03 03:04:05+00\tS\t2\tJPY\tX\tY\t"
	    "e\tn\tr\tREFUND\tre_1\t\\N";
	struct ftx_csv_opts opts = { 1, 0 };
	struct ftx_csvbuf b;
	char expected[1024];

	snprintf(expected, sizeof(expected), "%s%s%s", header,
	    "a;2026-01-02T03:04:05Z;S;1.00;EUR;X;Y;e;n;;;;\n",
	    "b;2026-01-03T03:04:05Z;S;2;JPY;X;Y;e;n;r;REFUND;re_1;\n");
	ftx_csvbuf_init(&b);
	ck_assert_int_eq(ftx_csv_header(&b, &opts), 0);
	ck_assert_int_eq(ftx_csv_copy_row(&b, l1, strlen(l1), &opts), 0);
	ck_assert_int_eq(ftx_csv_copy_row(&b, l2, strlen(l2), &opts), 0);
	ck_assert_uint_eq(b.len, strlen(expected));
	ck_assert_mem_eq(b.data, expected, b.len);
	ftx_csvbuf_free(&b);
}
END_TEST

/* A 100 KB reference grows the buffer, plain (with quotes) and escaped. */
START_TEST(test_big)
{
	const size_t n = 100 * 1024;
	struct ftx_csv_opts opts = { 1, 0 };
	struct ftx_csvbuf b;
	char *ref, *line, *out, *lp, *op;
	size_t i, ln, on;
	int escaped = _i;

	ref = malloc(2 * n + 1);
	line = malloc(4 * n);
	out = malloc(4 * n);
	ck_assert_ptr_nonnull(ref);
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < n; i++)
		ref[i] = i % 1000 == 999 ? '"' : (char)('a' + i % 26);
	ref[n] = '\0';
	lp = line + sprintf(line, "ft\t2026-01-02 03:04:05+00\tS\t1\tEUR\t"
	    "X\tY\te\tn\t");
	op = out + sprintf(out,
	    "ft;2026-01-02T03:04:05Z;S;1.00;EUR;X;Y;e;n;\"");
	for (i = 0; i < n; i++) {
		if (escaped && ref[i] == '"') {
			memcpy(lp, "\\x22", 4);
			lp += 4;
		} else
			*lp++ = ref[i];
		*op++ = ref[i];
		if (ref[i] == '"')
			*op++ = '"';
	}
	lp += sprintf(lp, "\t\\N\t\\N\t\\N");
	op += sprintf(op, "\";;;\n");
	ln = (size_t)(lp - line);
	on = (size_t)(op - out);

	ftx_csvbuf_init(&b);
	ck_assert_int_eq(ftx_csv_header(&b, &opts), 0);
	ck_assert_int_eq(ftx_csv_copy_row(&b, line, ln, &opts), 0);
	ck_assert_int_eq(ftx_csv_copy_row(&b, line, ln, &opts), 0);
	ck_assert_uint_eq(b.len, strlen(header) + 2 * on);
	ck_assert_mem_eq(b.data + strlen(header), out, on);
	ck_assert_mem_eq(b.data + strlen(header) + on, out, on);
	ck_assert_uint_ge(b.cap, b.len);
	ftx_csvbuf_free(&b);
	free(ref);
	free(line);
	free(out);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc;

	tc = tcase_create("rows");
	tcase_add_loop_test(tc, test_rows, 0, NELEM(row_cases));
	tcase_add_loop_test(tc, test_lines, 0, NELEM(line_cases));
	tcase_add_loop_test(tc, test_guard_matrix, 0, NELEM(guard_chars));
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_append);
	tcase_add_loop_test(tc, test_big, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
