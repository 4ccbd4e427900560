/*
 * api_suppliers.c - GET /v1/payments/suppliers: the suppliers the caller
 * may filter transfers on (SPEC §7), by name then external id,
 * keyset-paginated.
 *
 * Every page is a range scan of suppliers_tenant_name_idx (sql/004) from
 * the cursor: (tenant_id =, (name, external_id) >) in index order, so a
 * deep page costs what the first does.  q is matched with strpos() on
 * lower() of both sides: no pattern language, so '%', '_' and '\' are
 * plain characters, and lower() folds case by the database's locale,
 * beyond ASCII.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_suppliers.h"
#include "cursor.h"
#include "jsonw.h"
#include "utf8.h"

enum { P_SIZE, P_CURSOR, P_Q, P_COUNT };

void
ftx_supplier_list_parse(struct ftx_supplier_list *l, const char *query,
    struct ftx_apierrs *errs)
{
	static const char *const own[] = { "size", "cursor", "q", NULL };
	char *values[P_COUNT] = { NULL, NULL, NULL };

	memset(l, 0, sizeof(*l));
	ftx_api_own_params(query, own, values, errs);
	l->size = ftx_api_page_size(values[P_SIZE], FTX_SUPPLIERS_SIZE_DEFAULT,
	    FTX_SUPPLIERS_SIZE_MAX, errs);
	if (values[P_CURSOR] != NULL) {
		if (ftx_cursor_name_decode(values[P_CURSOR], &l->cursor) == 0)
			l->has_cursor = 1;
		else
			ftx_apierrs_add(errs, FTX_E_INVALID_CURSOR, "cursor",
			    "not a cursor returned by this list");
	}
	/* Decoding refused control characters already; PostgreSQL would
	 * refuse what is not UTF-8 with an error of its own. */
	if (values[P_Q] != NULL && !ftx_utf8_text_ok(values[P_Q],
	    strlen(values[P_Q])))
		ftx_apierrs_add(errs, FTX_E_INVALID_PARAMETER, "q",
		    "must be UTF-8 text without control characters");
	else if (values[P_Q] != NULL && values[P_Q][0] != '\0') {
		l->q = values[P_Q];
		values[P_Q] = NULL;
	}
	free(values[P_SIZE]);
	free(values[P_CURSOR]);
	free(values[P_Q]);
}

void
ftx_supplier_list_free(struct ftx_supplier_list *l)
{
	if (l == NULL)
		return;
	free(l->q);
	l->q = NULL;
}

void
ftx_supplier_list_sql(const struct ftx_supplier_list *l,
    const struct ftx_principal *who, struct ftx_query *q)
{
	char limit[16];
	int n;

	ftx_query_sql(q, "SELECT s.external_id, s.name FROM suppliers s "
	    "WHERE s.tenant_id = ");
	ftx_query_param(q, who->tenant_id, "::text");
	if (who->role == FTX_ROLE_SUPPLIER) {
		/* Its own, by internal id: "" (never a supplier) finds none. */
		ftx_query_sql(q, " AND s.id = ");
		ftx_query_param(q, who->supplier_id, "::text");
	}
	if (l->q != NULL) {
		n = ftx_query_add(q, l->q);
		ftx_query_sql(q, " AND (strpos(lower(s.name), lower(");
		ftx_query_ref(q, n, "::text");
		ftx_query_sql(q, ")) > 0 OR strpos(lower(s.external_id), lower(");
		ftx_query_ref(q, n, "::text");
		ftx_query_sql(q, ")) > 0)");
	}
	if (l->has_cursor)
		ftx_cursor_name_where(&l->cursor, "s.name", "s.external_id", q);
	snprintf(limit, sizeof(limit), "%d", l->size + 1);
	ftx_query_sql(q, " ORDER BY s.name, s.external_id LIMIT ");
	ftx_query_param(q, limit, "::int");
}

static void
supplier_item(struct ftx_api_ctx *ctx, const PGresult *res, int row,
    struct ftx_jsonw *w)
{
	(void)ctx;
	ftx_jsonw_lit(w, "{\"externalId\":");
	ftx_jsonw_string(w, PQgetvalue(res, row, FTX_SUPPLIER_COL_EXTERNAL_ID));
	ftx_jsonw_lit(w, ",\"name\":");
	ftx_jsonw_string(w, PQgetvalue(res, row, FTX_SUPPLIER_COL_NAME));
	ftx_jsonw_lit(w, "}");
}

void
ftx_api_supplier_list(struct ftx_api_ctx *ctx, struct ftx_http_req *req,
    const struct ftx_route_params *params)
{
	struct ftx_supplier_list l;
	struct ftx_apierrs errs;
	struct ftx_query q;

	(void)params;
	ftx_query_init(&q);
	if (ftx_apierrs_init(&errs) == -1)
		return;
	ftx_supplier_list_parse(&l, req->query, &errs);
	if (errs.count > 0)
		ftx_http_send_errors(req, &errs, NULL);
	else {
		ftx_supplier_list_sql(&l, &ctx->who, &q);
		ftx_api_send_page_by_name(ctx, req, &q, l.size,
		    FTX_SUPPLIER_COL_NAME, FTX_SUPPLIER_COL_EXTERNAL_ID,
		    supplier_item);
	}
	ftx_supplier_list_free(&l);
	ftx_query_free(&q);
	ftx_apierrs_free(&errs);
}
