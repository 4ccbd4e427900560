/*
 * columns.h - the 13 columns of a transfer as the export (SPEC §9) and the
 * transfer list (SPEC §7) show them: one table gives each its name (the
 * CSV header and the JSON key), its kind (how it is written), its SQL in
 * the export's COPY and in a list page, and where a list item takes it
 * from.  The CSV header, both select lists and the JSON keys are all made
 * from it, as string literals at compile time: nothing is built per
 * request or per row.
 */
#ifndef FTX_COLUMNS_H
#define FTX_COLUMNS_H

#include <stddef.h>

/* Shown only when the transfer FAILED (SPEC §9), in the CSV and the API. */
#define FTX_COLUMN_FAILURE_SQL \
	"CASE WHEN ft.status = 'FAILED' THEN ft.failure_reason END"

/*
 * X(id, name, kind, COPY expression, list expression, list source), in
 * SPEC §9 order.  The COPY expressions read ft, sba, tba and s (the joins
 * of FTX_TRANSFER_JOINS, transfers.h); the list expressions read ft alone,
 * and a list item takes the names of accounts and suppliers from the
 * responder's cache (dimcache.h) by the id its list expression reads:
 * supplierName by supplierExternalId's, so its own is a NULL.
 */
#define FTX_COLUMN_TABLE(X) \
	X(ID, "transferId", FREE_TEXT, "ft.id", "ft.id", ROW) \
	X(CREATED, "createdAt", TIME, "ft.created_at", "ft.created_at", ROW) \
	X(STATUS, "status", TEXT, "ft.status", "ft.status", ROW) \
	X(AMOUNT, "amount", AMOUNT, "ft.amount", "ft.amount::text", ROW) \
	X(CURRENCY, "currency", TEXT, "ft.currency", "ft.currency", ROW) \
	X(SOURCE_TYPE, "sourceBalanceAccountType", TEXT, "sba.type", \
	    "ft.source_balance_account_id", SOURCE_TYPE) \
	X(TARGET_TYPE, "targetBalanceAccountType", TEXT, "tba.type", \
	    "ft.target_balance_account_id", TARGET_TYPE) \
	X(SUPPLIER_EXT, "supplierExternalId", FREE_TEXT, "s.external_id", \
	    "ft.supplier_id", SUPPLIER_EXT) \
	X(SUPPLIER_NAME, "supplierName", FREE_TEXT, "s.name", "NULL::text", \
	    SUPPLIER_NAME) \
	X(REFERENCE, "reference", FREE_TEXT, "ft.reference", "ft.reference", \
	    ROW) \
	X(RELATED_TYPE, "relatedEntityType", TEXT, "ft.related_entity_type", \
	    "ft.related_entity_type", ROW) \
	X(RELATED_ID, "relatedEntityId", FREE_TEXT, "ft.related_entity_id", \
	    "ft.related_entity_id", ROW) \
	X(FAILURE, "failureReason", FREE_TEXT, FTX_COLUMN_FAILURE_SQL, \
	    FTX_COLUMN_FAILURE_SQL, ROW)

/* The position of each column: in the CSV, in the COPY and list results,
 * in ftx_columns[]. */
enum ftx_column_id {
#define FTX_COLUMN_ENUM(id, name, kind, copy, list, src) FTX_COL_##id,
	FTX_COLUMN_TABLE(FTX_COLUMN_ENUM)
#undef FTX_COLUMN_ENUM
	FTX_COLUMNS
};

enum ftx_column_kind {
	FTX_KIND_TEXT,		/* a value of a closed set: written as is */
	FTX_KIND_FREE_TEXT,	/* free text: the CSV's formula guard applies */
	FTX_KIND_TIME,		/* timestamptz: "YYYY-MM-DDTHH:MM:SSZ" */
	FTX_KIND_AMOUNT		/* numeric: the currency's minor digits */
};

/* Where a list item takes the value from. */
enum ftx_column_src {
	FTX_SRC_ROW,		/* the page's own column */
	FTX_SRC_SOURCE_TYPE,	/* the cache, by the column's account id */
	FTX_SRC_TARGET_TYPE,
	FTX_SRC_SUPPLIER_EXT,	/* the cache, by the column's supplier id */
	FTX_SRC_SUPPLIER_NAME	/* the cache, by FTX_COL_SUPPLIER_EXT's id */
};

struct ftx_column {
	const char		*name;		/* CSV header, JSON key */
	const char		*json_key;	/* ",\"name\":" */
	enum ftx_column_kind	 kind;
	const char		*copy_sql;
	const char		*list_sql;
	enum ftx_column_src	 src;
};

/* The table, indexed by enum ftx_column_id. */
extern const struct ftx_column ftx_columns[FTX_COLUMNS];

/* The CSV header line, "transferId;...;failureReason\n" (static; its
 * length in *len). */
const char *ftx_columns_header(size_t *len);

/* "ft.id, ft.created_at, ..., CASE ... END": the 13 COPY expressions,
 * for "COPY (SELECT " this " FROM ..." (static). */
const char *ftx_columns_copy_select(void);

/* The 13 list expressions, the same way (static). */
const char *ftx_columns_list_select(void);

#endif /* FTX_COLUMNS_H */
