/*
 * transfers.h - the SQL of "the transfers a caller may see": the FROM
 * clause of an OPERATOR's or a SUPPLIER's scope, shared by the transfer
 * list (API) and the CSV generation (ftx-exportd).
 *
 * Operators walk the index (tenant_id, created_at, id).  Suppliers walk
 * (source_balance_account_id, created_at, id) and (target_..., created_at,
 * id) for each of their balance accounts, as disjoint UNION ALL branches,
 * so PostgreSQL merges ordered index scans and stops early under LIMIT.
 */
#ifndef FTX_TRANSFERS_H
#define FTX_TRANSFERS_H

#include "cursor.h"
#include "db.h"
#include "dimcache.h"
#include "filters.h"
#include "query.h"

/* Joins giving, on ft (the transfer), the aliases sba and tba (its source
 * and target balance accounts) and, for FTX_TRANSFER_JOINS, s (its
 * supplier). */
#define FTX_ACCOUNT_JOINS \
	" JOIN balance_accounts sba ON sba.id = ft.source_balance_account_id" \
	" JOIN balance_accounts tba ON tba.id = ft.target_balance_account_id"
#define FTX_TRANSFER_JOINS \
	FTX_ACCOUNT_JOINS " JOIN suppliers s ON s.id = ft.supplier_id"

/*
 * Appends " FROM ... WHERE ft.tenant_id = ..." for tenant_id, restricted to
 * the transfers whose source or target balance account belongs to
 * supplier_id (an internal supplier id) unless it is NULL or "" (operator).
 * Filters follow as " AND ..." conditions.  Reads the supplier's accounts
 * with db.  Returns 0, or -1 when the database is unavailable.
 */
int ftx_transfers_scope(struct ftx_db *db, const char *tenant_id,
    const char *supplier_id, struct ftx_query *q);

/*
 * Builds a whole newest-first page query: "SELECT " select_list (on ft
 * alone: the page has no joins but those its filters need, so the names
 * of accounts and suppliers come from elsewhere, see dimcache.h) for the
 * scope of tenant_id / supplier_id, restricted by f (ids_param as for
 * ftx_filters_where) and to the rows after cursor (NULL: the first page),
 * at most limit rows, ordered by created_at DESC, id DESC.  select_list
 * must include ft.created_at and ft.id under those names.  For a supplier
 * every branch is its own ordered, limited index scan, merged at the end,
 * so any page costs a few index probes; the supplier's accounts are read
 * from dims (NULL: from the database) within its staleness rule.  Returns
 * 0, or -1 when the database is unavailable.
 */
int ftx_transfers_page(struct ftx_db *db, struct ftx_dimcache *dims,
    const char *tenant_id,
    const char *supplier_id, const char *select_list,
    const struct ftx_filters *f, int ids_param,
    const struct ftx_cursor *cursor, int limit, struct ftx_query *q);

#endif /* FTX_TRANSFERS_H */
