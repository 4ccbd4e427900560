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
#include "cursor.h"
#include "filters.h"
#include "isotime.h"
#include "jsonw.h"
#include "money.h"
#include "transfers.h"

#define SIZE_DEFAULT		50
#define SIZE_MAX_		500

enum {
	COL_ID, COL_CREATED, COL_STATUS, COL_AMOUNT, COL_CURRENCY,
	COL_SOURCE_ACCOUNT, COL_TARGET_ACCOUNT, COL_SUPPLIER, COL_REFERENCE,
	COL_RELATED_TYPE, COL_RELATED_ID, COL_FAILURE
};

/* The transfer alone: account types and supplier names come from the
 * responder's cache (dimcache.h). */
#define TRANSFER_COLUMNS \
	"ft.id, ft.created_at, ft.status, ft.amount::text, ft.currency, " \
	"ft.source_balance_account_id, ft.target_balance_account_id, " \
	"ft.supplier_id, ft.reference, ft.related_entity_type, " \
	"ft.related_entity_id, " \
	"CASE WHEN ft.status = 'FAILED' THEN ft.failure_reason END"

static const struct ftx_dimcache_cols dim_cols = {
	COL_SOURCE_ACCOUNT, COL_TARGET_ACCOUNT, COL_SUPPLIER
};

/* A column as a JSON string, or null. */
static void
put_text(struct ftx_jsonw *w, const char *key, const PGresult *res, int row,
    int col)
{
	ftx_jsonw_lit(w, key);
	ftx_jsonw_string(w, PQgetisnull(res, row, col) ? NULL :
	    PQgetvalue(res, row, col));
}

static int
transfer_rows(struct ftx_api_ctx *ctx, const PGresult *res, int n)
{
	return ftx_dimcache_fill(ctx->dims, ctx->db, res, n, &dim_cols);
}

/* The 13 CSV columns of one transfer, written straight into the page:
 * a list answers 50 rows (up to 500), so no object per field. */
static void
transfer_item(struct ftx_api_ctx *ctx, const PGresult *res, int row,
    struct ftx_jsonw *w)
{
	char when[FTX_ISOTIME_LEN], amount[FTX_MONEY_LEN];
	const struct ftx_dimcache_refs *refs = ftx_dimcache_row(ctx->dims,
	    row);
	int64_t usec = 0;

	/* PostgreSQL's own text (session TimeZone UTC) is cheaper for it to
	 * produce than an epoch in numeric arithmetic. */
	ftx_isotime_parse(PQgetvalue(res, row, COL_CREATED), FTX_ISOTIME_START,
	    &usec);
	ftx_isotime_format(usec, when);
	if (ftx_money_format(PQgetvalue(res, row, COL_AMOUNT),
	    PQgetvalue(res, row, COL_CURRENCY), amount, sizeof(amount)) < 0)
		snprintf(amount, sizeof(amount), "%s",
		    PQgetvalue(res, row, COL_AMOUNT));
	put_text(w, "{\"transferId\":", res, row, COL_ID);
	ftx_jsonw_lit(w, ",\"createdAt\":");
	ftx_jsonw_string(w, when);
	put_text(w, ",\"status\":", res, row, COL_STATUS);
	ftx_jsonw_lit(w, ",\"amount\":");
	ftx_jsonw_string(w, amount);
	put_text(w, ",\"currency\":", res, row, COL_CURRENCY);
	ftx_jsonw_lit(w, ",\"sourceBalanceAccountType\":");
	ftx_jsonw_string(w, refs->source_type);
	ftx_jsonw_lit(w, ",\"targetBalanceAccountType\":");
	ftx_jsonw_string(w, refs->target_type);
	ftx_jsonw_lit(w, ",\"supplierExternalId\":");
	ftx_jsonw_string(w, refs->supplier_external_id);
	ftx_jsonw_lit(w, ",\"supplierName\":");
	ftx_jsonw_string(w, refs->supplier_name);
	put_text(w, ",\"reference\":", res, row, COL_REFERENCE);
	put_text(w, ",\"relatedEntityType\":", res, row, COL_RELATED_TYPE);
	put_text(w, ",\"relatedEntityId\":", res, row, COL_RELATED_ID);
	put_text(w, ",\"failureReason\":", res, row, COL_FAILURE);
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
	    ctx->who.supplier_id, TRANSFER_COLUMNS, &f, ids_param,
	    values[1] != NULL ? &cursor : NULL, size + 1, &q) == -1) {
		ftx_api_send_unavailable(req);
		goto out;
	}
	ftx_api_send_page(ctx, req, &q, size, COL_CREATED, COL_ID,
	    transfer_rows, transfer_item);
out:
	free(supplier_ids);
	free(values[0]);
	free(values[1]);
	ftx_query_free(&q);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
}
