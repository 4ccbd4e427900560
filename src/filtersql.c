/*
 * filtersql.c - the WHERE conditions of parsed filters (SPEC §7): SQL text
 * written here, every value a parameter.
 */
#include <stdlib.h>
#include <string.h>

#include "filterjson.h"
#include "filters.h"
#include "filtersql.h"
#include "isotime.h"
#include "query.h"

/* Appends " AND (lhs $n cast rhs)" with value as parameter n. */
static void
cond(struct ftx_query *q, const char *lhs, const char *value,
    const char *cast, const char *rhs)
{
	ftx_query_sql(q, " AND (");
	ftx_query_sql(q, lhs);
	ftx_query_param(q, value, cast);
	ftx_query_sql(q, rhs);
	ftx_query_sql(q, ")");
}

/* "%" + s with \, % and _ escaped by a backslash + "%": a case-insensitive
 * substring pattern for ILIKE, whose default escape is the backslash. */
static char *
like_pattern(const char *s)
{
	char *out, *d;

	if ((out = malloc(2 * strlen(s) + 3)) == NULL)
		return NULL;
	d = out;
	*d++ = '%';
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			*d++ = '\\';
		*d++ = *s;
	}
	*d++ = '%';
	*d = '\0';
	return out;
}

/* createdAtFrom/To, statuses and supplierIds. */
static void
where_head(const struct ftx_filters *f, int supplier_ids_param,
    struct ftx_query *q)
{
	const char *names[FTX_FILTERS_NSTATUSES];
	char buf[FTX_ISOTIME_USEC_LEN], *v;
	size_t n;

	if (f->has_from) {
		ftx_isotime_format_usec(f->from_usec, buf);
		cond(q, "ft.created_at >= ", buf, "::timestamptz", "");
	}
	if (f->has_to) {
		ftx_isotime_format_usec(f->to_usec, buf);
		cond(q, "ft.created_at <= ", buf, "::timestamptz", "");
	}
	n = ftx_filters_status_names(f->statuses, names);
	if (n > 0) {
		if ((v = ftx_query_text_array(names, n)) == NULL)
			q->overflow = 1;
		else
			cond(q, "ft.status = ANY(", v, "::text[]", ")");
		free(v);
	}
	if (f->n_supplier_ids > 0) {
		/* Without the resolved ids the condition cannot be written,
		 * and leaving it out would widen the result: refuse. */
		if (supplier_ids_param < 1)
			q->overflow = 1;
		ftx_query_sql(q, " AND (sba.supplier_id = ANY(");
		ftx_query_ref(q, supplier_ids_param, "::text[]");
		ftx_query_sql(q, ") OR tba.supplier_id = ANY(");
		ftx_query_ref(q, supplier_ids_param, "::text[]");
		ftx_query_sql(q, "))");
	}
}

int
ftx_filters_need_accounts(const struct ftx_filters *f)
{
	return f->n_supplier_ids > 0 || f->source_type != FTX_BA_ANY ||
	    f->target_type != FTX_BA_ANY;
}

int
ftx_filters_where(const struct ftx_filters *f, int supplier_ids_param,
    struct ftx_query *q)
{
	char *v;

	where_head(f, supplier_ids_param, q);
	if (f->amount_min[0] != '\0')
		cond(q, "ft.amount >= ", f->amount_min, "::numeric", "");
	if (f->amount_max[0] != '\0')
		cond(q, "ft.amount <= ", f->amount_max, "::numeric", "");
	if (f->source_type != FTX_BA_ANY)
		cond(q, "sba.type = ", ftx_filters_ba_name(f->source_type), "", "");
	if (f->target_type != FTX_BA_ANY)
		cond(q, "tba.type = ", ftx_filters_ba_name(f->target_type), "", "");
	if (f->currency[0] != '\0')
		cond(q, "ft.currency = ", f->currency, "", "");
	if (f->reference != NULL) {
		if ((v = like_pattern(f->reference)) == NULL)
			q->overflow = 1;
		else
			cond(q, "ft.reference ILIKE ", v, "", "");
		free(v);
	}
	if (f->related_type != FTX_REL_ANY)
		cond(q, "ft.related_entity_type = ", ftx_filters_rel_name(f->related_type),
		    "", "");
	if (f->related_id != NULL)
		cond(q, "ft.related_entity_id = ", f->related_id, "", "");
	return q->overflow ? -1 : 0;
}
