/*
 * api_transfers.c - GET /v1/payments/funding-transfers: the transfers the
 * caller may see, filtered, newest first, keyset-paginated.
 *
 * Every page is an index range scan from the keyset cursor (see
 * transfers.h for the scopes), whatever its depth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "columns.h"
#include "cursor.h"
#include "filters.h"
#include "isotime.h"
#include "jsonw.h"
#include "money.h"
#include "transfers.h"

#define SIZE_DEFAULT		50
#define SIZE_MAX_		500

/* The list's expressions read the transfer alone: account types and
 * supplier names come from the responder's cache (dimcache.h). */
static const struct ftx_dimcache_cols dim_cols = {
	FTX_COL_SOURCE_TYPE, FTX_COL_TARGET_TYPE, FTX_COL_SUPPLIER_EXT
};

static int
transfer_rows(struct ftx_api_ctx *ctx, const PGresult *res, int n)
{
	return ftx_dimcache_fill(ctx->dims, ctx->db, res, n, &dim_cols);
}

/* One column of one row as its kind says: the time without its fraction,
 * the amount with its currency's digits, text as is, NULL as null. */
static void
put_value(const PGresult *res, int row, int col, struct ftx_jsonw *w)
{
	char when[FTX_ISOTIME_LEN], amount[FTX_MONEY_LEN];
	const char *v;
	int64_t usec = 0;

	if (PQgetisnull(res, row, col)) {
		ftx_jsonw_string(w, NULL);
		return;
	}
	v = PQgetvalue(res, row, col);
	switch (ftx_columns[col].kind) {
	case FTX_KIND_TIME:
		/* PostgreSQL's own text (session TimeZone UTC) is cheaper for
		 * it to produce than an epoch in numeric arithmetic. */
		ftx_isotime_parse(v, FTX_ISOTIME_START, &usec);
		ftx_isotime_format(usec, when);
		ftx_jsonw_string(w, when);
		break;
	case FTX_KIND_AMOUNT:
		if (ftx_money_format(v, PQgetvalue(res, row, FTX_COL_CURRENCY),
		    amount, sizeof(amount)) < 0)
			snprintf(amount, sizeof(amount), "%s", v);
		ftx_jsonw_string(w, amount);
		break;
	default:
		ftx_jsonw_string(w, v);
		break;
	}
}

/* The 13 columns of one transfer, written straight into the page under
 * their CSV names: a list answers 50 rows (up to 500), so no object per
 * field. */
static void
transfer_item(struct ftx_api_ctx *ctx, const PGresult *res, int row,
    struct ftx_jsonw *w)
{
	const struct ftx_dimcache_refs *refs = ftx_dimcache_row(ctx->dims,
	    row);
	int col;

	ftx_jsonw_lit(w, "{");
	for (col = 0; col < FTX_COLUMNS; col++) {
		/* The first key goes without its leading comma. */
		ftx_jsonw_lit(w, ftx_columns[col].json_key + (col == 0));
		switch (ftx_columns[col].src) {
		case FTX_SRC_SOURCE_TYPE:
			ftx_jsonw_string(w, refs->source_type);
			break;
		case FTX_SRC_TARGET_TYPE:
			ftx_jsonw_string(w, refs->target_type);
			break;
		case FTX_SRC_SUPPLIER_EXT:
			ftx_jsonw_string(w, refs->supplier_external_id);
			break;
		case FTX_SRC_SUPPLIER_NAME:
			ftx_jsonw_string(w, refs->supplier_name);
			break;
		case FTX_SRC_ROW:
			put_value(res, row, col, w);
			break;
		}
	}
	ftx_jsonw_lit(w, "}");
}

void
ftx_api_transfer_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	static const char *const own[] = { "size", "cursor", NULL };
	char *values[2] = { NULL, NULL };
	char *supplier_ids = NULL;
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct ftx_cursor cursor;
	struct ftx_query q;
	int size, parsed, ids_param = 0;

	(void)params;
	ftx_filters_init(&f);
	ftx_query_init(&q);
	if (ftx_apierrs_init(&errs) == -1)
		return;
	parsed = ftx_filters_from_query(&f, req->query,
	    ctx->who.role == FTX_ROLE_SUPPLIER ? FTX_FILTERS_IGNORE_SUPPLIERS :
	    0, own, values, &errs);
	size = ftx_api_page_size(values[0], SIZE_DEFAULT, SIZE_MAX_, &errs);
	if (values[1] != NULL && ftx_cursor_decode(values[1], &cursor) == -1)
		ftx_apierrs_add(&errs, FTX_E_INVALID_CURSOR, "cursor",
		    "not a cursor returned by this list");
	if ((parsed == 0 ? ftx_api_resolve_suppliers(ctx, "", &f,
	    &supplier_ids, &errs) : ftx_api_check_suppliers_alone(ctx, NULL,
	    req->query, &errs)) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	if (errs.count > 0) {
		ftx_http_send_errors(req, &errs, NULL);
		goto out;
	}
	if (supplier_ids != NULL)
		ids_param = ftx_query_add(&q, supplier_ids);
	if (ftx_transfers_page(ctx->db, ctx->dims, ctx->who.tenant_id,
	    ctx->who.supplier_id, ftx_columns_list_select(), &f, ids_param,
	    values[1] != NULL ? &cursor : NULL, size + 1, &q) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	ftx_api_send_page(ctx, req, &q, size, FTX_COL_CREATED, FTX_COL_ID,
	    transfer_rows, transfer_item);
out:
	free(supplier_ids);
	free(values[0]);
	free(values[1]);
	ftx_query_free(&q);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
}
