/*
 * filterjson.c - how the filters of SPEC §7 are spelled: the names of the
 * filters and of their values, and the normalised JSON form (stored with
 * an export, echoed in the API and the e-mail).
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "filterjson.h"
#include "filters.h"
#include "isotime.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* SPEC order, which is also the order of the normal form. */
static const char *const key_names[FTX_F_NKEYS] = {
	[FTX_F_FROM]		= "createdAtFrom",
	[FTX_F_TO]		= "createdAtTo",
	[FTX_F_STATUSES]	= "statuses",
	[FTX_F_SUPPLIERS]	= "supplierIds",
	[FTX_F_AMOUNT_MIN]	= "amountMin",
	[FTX_F_AMOUNT_MAX]	= "amountMax",
	[FTX_F_SOURCE_TYPE]	= "sourceBalanceAccountType",
	[FTX_F_TARGET_TYPE]	= "targetBalanceAccountType",
	[FTX_F_CURRENCY]	= "currency",
	[FTX_F_REFERENCE]	= "reference",
	[FTX_F_RELATED_TYPE]	= "relatedEntityType",
	[FTX_F_RELATED_ID]	= "relatedEntityId",
};

/* Bit i of ftx_filters.statuses, in SPEC order. */
static const char *const status_names[] = {
	"PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELED"
};

_Static_assert(NELEM(status_names) == FTX_FILTERS_NSTATUSES,
    "FTX_FILTERS_NSTATUSES is the number of status names");

const char *
ftx_filters_key_name(enum ftx_filter_key k)
{
	return (unsigned)k < FTX_F_NKEYS ? key_names[k] : NULL;
}

/* Adds key: v, taking v; 0, or -1 (v released) when out of memory. */
static int
put(struct json_object *o, enum ftx_filter_key k, struct json_object *v)
{
	if (v == NULL)
		return -1;
	if (json_object_object_add(o, key_names[k], v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int
put_string(struct json_object *o, enum ftx_filter_key k, const char *s)
{
	return put(o, k, json_object_new_string(s));
}

/* The bound as text: with its fraction when it has one and exact is set
 * (the stored form), else to the second (what people see, SPEC §7). */
static int
put_time(struct json_object *o, enum ftx_filter_key k, int64_t usec, int exact)
{
	char buf[FTX_ISOTIME_USEC_LEN];

	if (usec % 1000000 == 0 || !exact)
		ftx_isotime_format(usec, buf);
	else
		ftx_isotime_format_usec(usec, buf);
	return put_string(o, k, buf);
}

/* The array of strings v[n] without duplicates (first-seen order). */
static struct json_object *
unique_array(const char *const *v, size_t n)
{
	struct json_object *a, *s;
	size_t i, j;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(v[j], v[i]) != 0; j++)
			continue;
		if (j < i)
			continue;
		if ((s = json_object_new_string(v[i])) == NULL ||
		    json_object_array_add(a, s) != 0) {
			json_object_put(s);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

size_t
ftx_filters_status_names(unsigned statuses, const char **names)
{
	size_t i, n = 0;

	for (i = 0; i < NELEM(status_names); i++)
		if (statuses & (1u << i))
			names[n++] = status_names[i];
	return n;
}

const char *
ftx_filters_ba_name(enum ftx_ba_type t)
{
	return t == FTX_BA_MARKETPLACE ? "MARKETPLACE" :
	    t == FTX_BA_SUPPLIER ? "SUPPLIER" : NULL;
}

const char *
ftx_filters_rel_name(enum ftx_related_type t)
{
	return t == FTX_REL_PAYOUT ? "PAYOUT" : t == FTX_REL_REFUND ?
	    "REFUND" : NULL;
}

static struct json_object *
to_json(const struct ftx_filters *f, int exact)
{
	struct json_object *o;
	const char *names[FTX_FILTERS_NSTATUSES];
	size_t n;
	int r = 0;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (f->has_from)
		r |= put_time(o, FTX_F_FROM, f->from_usec, exact);
	if (f->has_to)
		r |= put_time(o, FTX_F_TO, f->to_usec, exact);
	n = ftx_filters_status_names(f->statuses, names);
	if (n > 0)
		r |= put(o, FTX_F_STATUSES, unique_array(names, n));
	if (f->n_supplier_ids > 0)
		r |= put(o, FTX_F_SUPPLIERS, unique_array(
		    (const char *const *)f->supplier_ids, f->n_supplier_ids));
	if (f->amount_min[0] != '\0')
		r |= put_string(o, FTX_F_AMOUNT_MIN, f->amount_min);
	if (f->amount_max[0] != '\0')
		r |= put_string(o, FTX_F_AMOUNT_MAX, f->amount_max);
	if (f->source_type != FTX_BA_ANY)
		r |= put_string(o, FTX_F_SOURCE_TYPE, ftx_filters_ba_name(f->source_type));
	if (f->target_type != FTX_BA_ANY)
		r |= put_string(o, FTX_F_TARGET_TYPE, ftx_filters_ba_name(f->target_type));
	if (f->currency[0] != '\0')
		r |= put_string(o, FTX_F_CURRENCY, f->currency);
	if (f->reference != NULL)
		r |= put_string(o, FTX_F_REFERENCE, f->reference);
	if (f->related_type != FTX_REL_ANY)
		r |= put_string(o, FTX_F_RELATED_TYPE, ftx_filters_rel_name(f->related_type));
	if (f->related_id != NULL)
		r |= put_string(o, FTX_F_RELATED_ID, f->related_id);
	if (r != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *
ftx_filters_to_json(const struct ftx_filters *f)
{
	return to_json(f, 1);
}

struct json_object *
ftx_filters_echo_json(const struct ftx_filters *f)
{
	return to_json(f, 0);
}
