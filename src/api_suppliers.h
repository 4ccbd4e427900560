/*
 * api_suppliers.h - GET /v1/payments/suppliers apart from its I/O: the
 * query string read into a request, and the request into one
 * parameterised statement (exposed for the unit tests).
 */
#ifndef FTX_API_SUPPLIERS_H
#define FTX_API_SUPPLIERS_H

#include "apierr.h"
#include "auth.h"
#include "cursor.h"
#include "query.h"

#define FTX_SUPPLIERS_SIZE_DEFAULT	100
#define FTX_SUPPLIERS_SIZE_MAX		500

/* The columns of the statement ftx_supplier_list_sql() builds. */
enum { FTX_SUPPLIER_COL_EXTERNAL_ID, FTX_SUPPLIER_COL_NAME };

struct ftx_supplier_list {
	int			 size;		/* 1..FTX_SUPPLIERS_SIZE_MAX */
	int			 has_cursor;
	struct ftx_cursor_name	 cursor;	/* when has_cursor */
	char			*q;		/* NULL, or non-empty UTF-8 */
};

/*
 * Reads query (the raw query string, never NULL) into *l: "size" (1-500,
 * default 100), "cursor" (a cursor of this list) and "q" (any text without
 * a control character).  Every problem is added to errs: INVALID_PARAMETER
 * for an unknown, repeated or badly encoded parameter, a bad size, or a q
 * that is not UTF-8 or holds a control character; INVALID_CURSOR.  *l is
 * usable (defaults) whatever happened; free it with
 * ftx_supplier_list_free().
 */
void ftx_supplier_list_parse(struct ftx_supplier_list *l, const char *query,
    struct ftx_apierrs *errs);

/* Frees what parsing allocated.  l may be NULL. */
void ftx_supplier_list_free(struct ftx_supplier_list *l);

/*
 * Writes into q (empty) the statement of one page of l for who: the
 * suppliers of who's tenant (a SUPPLIER: its own only) whose name or
 * external id holds l->q, case-insensitively and literally (no pattern
 * character), after l's cursor, by name then external id, l->size + 1 of
 * them (one more tells whether a next page exists).  Columns as in
 * FTX_SUPPLIER_COL_*.  Values are parameters only.
 */
void ftx_supplier_list_sql(const struct ftx_supplier_list *l,
    const struct ftx_principal *who, struct ftx_query *q);

#endif /* FTX_API_SUPPLIERS_H */
