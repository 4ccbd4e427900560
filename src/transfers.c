/*
 * transfers.c - the scope of a transfer query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "db.h"
#include "dimcache.h"
#include "filters.h"
#include "filtersql.h"
#include "query.h"
#include "transfers.h"

/* Up to this many balance accounts a supplier's scope is walked one index
 * branch per account and direction; beyond, one plain join does it. */
#define MAX_SCOPE_ACCOUNTS	8
#define ACCOUNT_ID_MAX		128
#define STR(x)			#x
#define XSTR(x)			STR(x)

/* The scope by joins alone: correct for any number of accounts, but every
 * page sorts the supplier's whole scope.  joins provides sba and tba. */
static void
joined_scope(const char *tenant_id, const char *supplier_id,
    const char *joins, struct ftx_query *q)
{
	int sup;

	ftx_query_sql(q, " FROM funding_transfers ft");
	ftx_query_sql(q, joins);
	ftx_query_sql(q, " WHERE (sba.supplier_id = ");
	sup = ftx_query_param(q, supplier_id, "::text");
	ftx_query_sql(q, " OR tba.supplier_id = ");
	ftx_query_ref(q, sup, "::text");
	ftx_query_sql(q, ") AND ft.tenant_id = ");
	ftx_query_param(q, tenant_id, "::text");
}

/* Copies the n ids of list into ids: n, or max + 1 when there are more
 * than max or one is too long for ids[] (the joined scope then needs no
 * copy). */
static int
copy_ids(const char *const *list, int n, char ids[][ACCOUNT_ID_MAX + 1],
    int max)
{
	size_t len;
	int i;

	if (n > max)
		return max + 1;
	for (i = 0; i < n; i++) {
		if ((len = strlen(list[i])) > ACCOUNT_ID_MAX)
			return max + 1;
		memcpy(ids[i], list[i], len + 1);
	}
	return n;
}

/* The supplier's balance accounts: the count, max + 1 when there are more
 * than max or an id is too long for ids[], or -1.  Read from dims when it
 * has them (dims may be NULL), else from the database into dims. */
static int
supplier_accounts(struct ftx_db *db, struct ftx_dimcache *dims,
    const char *supplier_id, char ids[][ACCOUNT_ID_MAX + 1], int max)
{
	const char *p[1] = { supplier_id };
	const char *list[MAX_SCOPE_ACCOUNTS + 1], *packed;
	PGresult *res;
	int i, n;

	if (dims != NULL &&
	    (n = ftx_dimcache_scope(dims, supplier_id, &packed)) >= 0) {
		/* The cache holds what the query below read: n <= max + 1. */
		for (i = 0; i < n; i++) {
			list[i] = packed;
			packed += strlen(packed) + 1;
		}
		return copy_ids(list, n, ids, max);
	}
	res = ftx_db_query(db, "SELECT id FROM balance_accounts "
	    "WHERE supplier_id = $1 ORDER BY id LIMIT " XSTR(MAX_SCOPE_ACCOUNTS)
	    " + 1", 1, p);
	if (res == NULL || !ftx_db_ok(res)) {
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		list[i] = PQgetvalue(res, i, 0);
	/* Out of memory only costs the cache. */
	if (dims != NULL)
		(void)ftx_dimcache_put_scope(dims, supplier_id, list, n);
	n = copy_ids(list, n, ids, max);
	PQclear(res);
	return n;
}

int
ftx_transfers_scope(struct ftx_db *db, const char *tenant_id,
    const char *supplier_id, struct ftx_query *q)
{
	char ids[MAX_SCOPE_ACCOUNTS][ACCOUNT_ID_MAX + 1];
	const char *list[MAX_SCOPE_ACCOUNTS];
	char *all;
	int n, i, acc, all_param = 0;

	if (supplier_id == NULL || *supplier_id == '\0') {
		ftx_query_sql(q, " FROM funding_transfers ft" FTX_TRANSFER_JOINS
		    " WHERE ft.tenant_id = ");
		ftx_query_param(q, tenant_id, "::text");
		return 0;
	}
	if ((n = supplier_accounts(db, NULL, supplier_id, ids,
	    MAX_SCOPE_ACCOUNTS)) == -1)
		return -1;
	if (n > MAX_SCOPE_ACCOUNTS) {
		joined_scope(tenant_id, supplier_id, FTX_TRANSFER_JOINS, q);
		return 0;
	}
	for (i = 0; i < n; i++)
		list[i] = ids[i];
	if ((all = ftx_query_text_array(list, (size_t)n)) == NULL)
		return -1;
	ftx_query_sql(q, " FROM (");
	if (n == 0)
		ftx_query_sql(q, "SELECT * FROM funding_transfers WHERE false");
	for (i = 0; i < n; i++) {
		if (i > 0)
			ftx_query_sql(q, " UNION ALL ");
		ftx_query_sql(q, "SELECT * FROM funding_transfers "
		    "WHERE source_balance_account_id = ");
		acc = ftx_query_param(q, ids[i], "::text");
		ftx_query_sql(q, " UNION ALL SELECT * FROM funding_transfers "
		    "WHERE target_balance_account_id = ");
		ftx_query_ref(q, acc, "::text");
		/* A transfer between two of the supplier's own accounts is
		 * listed once, by its source branch. */
		ftx_query_sql(q, " AND NOT (source_balance_account_id = ANY(");
		if (all_param == 0)
			all_param = ftx_query_param(q, all, "::text[]");
		else
			ftx_query_ref(q, all_param, "::text[]");
		ftx_query_sql(q, "))");
	}
	free(all);
	ftx_query_sql(q, ") ft" FTX_TRANSFER_JOINS " WHERE ft.tenant_id = ");
	ftx_query_param(q, tenant_id, "::text");
	return 0;
}

/* One branch of a page: the ordered, limited rows of one index. */
static void
page_branch(const char *select_list, const char *joins,
    const char *account_col, int acc, int exclude_all, int tenant,
    const struct ftx_filters *f, int ids_param,
    const struct ftx_cursor *cursor, const char *limit, struct ftx_query *q)
{
	ftx_query_sql(q, "(SELECT ");
	ftx_query_sql(q, select_list);
	ftx_query_sql(q, " FROM funding_transfers ft");
	ftx_query_sql(q, joins);
	ftx_query_sql(q, " WHERE ");
	ftx_query_sql(q, account_col);
	ftx_query_sql(q, " = ");
	ftx_query_ref(q, acc, "::text");
	if (exclude_all > 0) {
		ftx_query_sql(q, " AND NOT (ft.source_balance_account_id = ANY(");
		ftx_query_ref(q, exclude_all, "::text[]");
		ftx_query_sql(q, "))");
	}
	ftx_query_sql(q, " AND ft.tenant_id = ");
	ftx_query_ref(q, tenant, "::text");
	ftx_filters_where(f, ids_param, q);
	if (cursor != NULL)
		ftx_cursor_where(cursor, "ft.created_at", "ft.id", q);
	ftx_query_sql(q, " ORDER BY ft.created_at DESC, ft.id DESC LIMIT ");
	ftx_query_sql(q, limit);
	ftx_query_sql(q, ")");
}

int
ftx_transfers_page(struct ftx_db *db, struct ftx_dimcache *dims,
    const char *tenant_id,
    const char *supplier_id, const char *select_list,
    const struct ftx_filters *f, int ids_param,
    const struct ftx_cursor *cursor, int limit, struct ftx_query *q)
{
	char ids[MAX_SCOPE_ACCOUNTS][ACCOUNT_ID_MAX + 1], lim[16];
	const char *list[MAX_SCOPE_ACCOUNTS];
	/* The page joins balance accounts only where a condition needs them:
	 * the joins would cost PostgreSQL more than the rest of the page. */
	const char *joins = ftx_filters_need_accounts(f) ?
	    FTX_ACCOUNT_JOINS : "";
	char *all;
	int n, i, acc, tenant, all_param;

	/* The limit is a number the program wrote: no parameter needed. */
	snprintf(lim, sizeof(lim), "%d", limit > 0 ? limit : 1);
	n = 0;
	if (supplier_id != NULL && *supplier_id != '\0' &&
	    (n = supplier_accounts(db, dims, supplier_id, ids,
	    MAX_SCOPE_ACCOUNTS)) == -1)
		return -1;
	if (supplier_id == NULL || *supplier_id == '\0' ||
	    n > MAX_SCOPE_ACCOUNTS) {
		ftx_query_sql(q, "SELECT ");
		ftx_query_sql(q, select_list);
		if (n > MAX_SCOPE_ACCOUNTS) {
			joined_scope(tenant_id, supplier_id, FTX_ACCOUNT_JOINS,
			    q);
		} else {
			ftx_query_sql(q, " FROM funding_transfers ft");
			ftx_query_sql(q, joins);
			ftx_query_sql(q, " WHERE ft.tenant_id = ");
			ftx_query_param(q, tenant_id, "::text");
		}
		ftx_filters_where(f, ids_param, q);
		if (cursor != NULL)
			ftx_cursor_where(cursor, "ft.created_at", "ft.id", q);
		ftx_query_sql(q, " ORDER BY ft.created_at DESC, ft.id DESC "
		    "LIMIT ");
		ftx_query_sql(q, lim);
		return 0;
	}
	for (i = 0; i < n; i++)
		list[i] = ids[i];
	if ((all = ftx_query_text_array(list, (size_t)n)) == NULL)
		return -1;
	tenant = ftx_query_add(q, tenant_id);
	all_param = ftx_query_add(q, all);
	free(all);
	ftx_query_sql(q, "SELECT * FROM (");
	if (n == 0) {
		ftx_query_sql(q, "SELECT ");
		ftx_query_sql(q, select_list);
		ftx_query_sql(q, " FROM funding_transfers ft WHERE false");
	}
	for (i = 0; i < n; i++) {
		acc = ftx_query_add(q, ids[i]);
		if (i > 0)
			ftx_query_sql(q, " UNION ALL ");
		page_branch(select_list, joins, "ft.source_balance_account_id",
		    acc, 0, tenant, f, ids_param, cursor, lim, q);
		ftx_query_sql(q, " UNION ALL ");
		/* A transfer between two of the supplier's own accounts is
		 * listed once, by its source branch. */
		page_branch(select_list, joins, "ft.target_balance_account_id",
		    acc, all_param, tenant, f, ids_param, cursor, lim, q);
	}
	ftx_query_sql(q, ") page ORDER BY created_at DESC, id DESC LIMIT ");
	ftx_query_sql(q, lim);
	return 0;
}
