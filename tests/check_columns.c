/*
 * check_columns.c - the one column table (columns.h) against the SPEC: the
 * CSV header of SPEC §9 byte for byte, the JSON keys of the transfer list
 * (SPEC §7), 13 expressions in each select list, the free-text columns of
 * the formula guard.
 */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "columns.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* SPEC §9, the header line, copied byte for byte. */
static const char spec_header[] =
    "transferId;createdAt;status;amount;currency;sourceBalanceAccountType;"
    "targetBalanceAccountType;supplierExternalId;supplierName;reference;"
    "relatedEntityType;relatedEntityId;failureReason\n";

/* The keys of a transfer-list item, in the order the API writes them. */
static const char *const api_keys[] = {
	"transferId", "createdAt", "status", "amount", "currency",
	"sourceBalanceAccountType", "targetBalanceAccountType",
	"supplierExternalId", "supplierName", "reference",
	"relatedEntityType", "relatedEntityId", "failureReason"
};

/* SPEC §9: the free-text fields that the formula guard applies to. */
static const char *const free_text[] = {
	"transferId", "supplierExternalId", "supplierName", "reference",
	"relatedEntityId", "failureReason"
};

START_TEST(test_header)
{
	const char *h;
	size_t len;

	h = ftx_columns_header(&len);
	ck_assert_uint_eq(len, sizeof(spec_header) - 1);
	ck_assert_mem_eq(h, spec_header, len);
	ck_assert_int_eq(h[len], '\0');
	/* A static string, not one built per call. */
	ck_assert_ptr_eq(ftx_columns_header(&len), h);
}
END_TEST

START_TEST(test_json_keys)
{
	char key[64];
	int col;

	ck_assert_int_eq(FTX_COLUMNS, 13);
	ck_assert_uint_eq(NELEM(api_keys), FTX_COLUMNS);
	for (col = 0; col < FTX_COLUMNS; col++) {
		ck_assert_str_eq(ftx_columns[col].name, api_keys[col]);
		snprintf(key, sizeof(key), ",\"%s\":", api_keys[col]);
		ck_assert_str_eq(ftx_columns[col].json_key, key);
	}
}
END_TEST

/* Splits a select list at its top-level ", " (outside parentheses and
 * quotes) and checks each expression against the table.  Returns the
 * number of expressions. */
static int
check_select(const char *list, int copy)
{
	const char *s = list, *start = list, *want;
	int depth = 0, quoted = 0, n = 0;

	for (;; s++) {
		if (*s == '\'')
			quoted = !quoted;
		else if (!quoted && *s == '(')
			depth++;
		else if (!quoted && *s == ')')
			depth--;
		if (*s != '\0' && (quoted || depth > 0 || *s != ',' ||
		    s[1] != ' '))
			continue;
		ck_assert_int_lt(n, FTX_COLUMNS);
		want = copy ? ftx_columns[n].copy_sql : ftx_columns[n].list_sql;
		ck_assert_uint_eq((size_t)(s - start), strlen(want));
		ck_assert_mem_eq(start, want, strlen(want));
		n++;
		if (*s == '\0')
			break;
		start = s + 2;
		s++;
	}
	ck_assert_int_eq(depth, 0);
	ck_assert_int_eq(quoted, 0);
	return n;
}

START_TEST(test_selects)
{
	const char *copy = ftx_columns_copy_select();
	const char *list = ftx_columns_list_select();

	ck_assert_int_eq(check_select(copy, 1), 13);
	ck_assert_int_eq(check_select(list, 0), 13);
	ck_assert_ptr_eq(ftx_columns_copy_select(), copy);
	ck_assert_ptr_eq(ftx_columns_list_select(), list);
	/* What the page's cursor and the CSV's order read. */
	ck_assert_str_eq(ftx_columns[FTX_COL_ID].list_sql, "ft.id");
	ck_assert_str_eq(ftx_columns[FTX_COL_CREATED].list_sql,
	    "ft.created_at");
	ck_assert_ptr_nonnull(strstr(ftx_columns[FTX_COL_FAILURE].copy_sql,
	    "'FAILED'"));
	ck_assert_ptr_nonnull(strstr(ftx_columns[FTX_COL_FAILURE].list_sql,
	    "'FAILED'"));
}
END_TEST

START_TEST(test_kinds)
{
	size_t i;
	int col, guarded;

	for (col = 0; col < FTX_COLUMNS; col++) {
		for (guarded = 0, i = 0; i < NELEM(free_text); i++)
			guarded |= strcmp(ftx_columns[col].name,
			    free_text[i]) == 0;
		ck_assert_int_eq(ftx_columns[col].kind == FTX_KIND_FREE_TEXT,
		    guarded);
	}
	ck_assert_str_eq(ftx_columns[FTX_COL_CREATED].name, "createdAt");
	ck_assert_int_eq(ftx_columns[FTX_COL_CREATED].kind, FTX_KIND_TIME);
	ck_assert_str_eq(ftx_columns[FTX_COL_AMOUNT].name, "amount");
	ck_assert_int_eq(ftx_columns[FTX_COL_AMOUNT].kind, FTX_KIND_AMOUNT);
	ck_assert_str_eq(ftx_columns[FTX_COL_CURRENCY].name, "currency");
	for (col = 0; col < FTX_COLUMNS; col++)
		if (col != FTX_COL_CREATED && col != FTX_COL_AMOUNT)
			ck_assert_int_le(ftx_columns[col].kind,
			    FTX_KIND_FREE_TEXT);
}
END_TEST

START_TEST(test_sources)
{
	int col;

	/* The list reads the names of accounts and suppliers from the
	 * cache, by the ids its own expressions select. */
	ck_assert_int_eq(ftx_columns[FTX_COL_SOURCE_TYPE].src,
	    FTX_SRC_SOURCE_TYPE);
	ck_assert_str_eq(ftx_columns[FTX_COL_SOURCE_TYPE].list_sql,
	    "ft.source_balance_account_id");
	ck_assert_int_eq(ftx_columns[FTX_COL_TARGET_TYPE].src,
	    FTX_SRC_TARGET_TYPE);
	ck_assert_str_eq(ftx_columns[FTX_COL_TARGET_TYPE].list_sql,
	    "ft.target_balance_account_id");
	ck_assert_int_eq(ftx_columns[FTX_COL_SUPPLIER_EXT].src,
	    FTX_SRC_SUPPLIER_EXT);
	ck_assert_str_eq(ftx_columns[FTX_COL_SUPPLIER_EXT].list_sql,
	    "ft.supplier_id");
	ck_assert_int_eq(ftx_columns[FTX_COL_SUPPLIER_NAME].src,
	    FTX_SRC_SUPPLIER_NAME);
	for (col = 0; col < FTX_COLUMNS; col++)
		if (col < FTX_COL_SOURCE_TYPE || col > FTX_COL_SUPPLIER_NAME)
			ck_assert_int_eq(ftx_columns[col].src, FTX_SRC_ROW);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("columns");
	TCase *tc;

	tc = tcase_create("spec");
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_json_keys);
	tcase_add_test(tc, test_kinds);
	suite_add_tcase(s, tc);

	tc = tcase_create("sql");
	tcase_add_test(tc, test_selects);
	tcase_add_test(tc, test_sources);
	suite_add_tcase(s, tc);
	return s;
}
