/*
 * filtersql.h - the WHERE conditions of parsed filters (filters.h) for the
 * transfer list and the export: program-written SQL, values as parameters.
 */
#ifndef FTX_FILTERSQL_H
#define FTX_FILTERSQL_H

#include "filters.h"
#include "query.h"

/*
 * Appends to q the conditions of f, each as " AND (...)", on these aliases
 * which the caller's FROM clause must provide: ft (funding_transfers), sba
 * and tba (its source and target balance_accounts).  supplier_ids_param is
 * the $n of a text[] parameter the caller added holding the *internal*
 * supplier ids that f->supplier_ids resolved to (see
 * ftx_filters_supplier_sql), or 0 when f has none.  Returns 0, or -1 when q
 * overflowed (also when f has supplier ids but supplier_ids_param is 0).
 */
int ftx_filters_where(const struct ftx_filters *f, int supplier_ids_param,
    struct ftx_query *q);

/* 1 when the conditions of ftx_filters_where() for f name sba or tba (a
 * supplierIds or balance-account-type filter), else 0: a caller whose
 * FROM clause needs the joins only for them leaves them out otherwise. */
int ftx_filters_need_accounts(const struct ftx_filters *f);

#endif /* FTX_FILTERSQL_H */
