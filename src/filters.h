/*
 * filters.h - the one filter vocabulary of SPEC §7, shared by the export
 * (JSON body), the transfer list (query string) and the export daemon
 * (the normalised JSON stored with an export).
 *
 * Parsing validates everything and reports every problem at once.
 * filterjson.h spells the names and renders the normalised form back to
 * JSON; filtersql.h turns filters into WHERE conditions.
 */
#ifndef FTX_FILTERS_H
#define FTX_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "apierr.h"
#include "money.h"

#define FTX_FILTERS_MAX_ITEMS	100	/* elements in one array filter */
#define FTX_FILTERS_TEXT_MAX	255	/* bytes in one text value */

/* Transfer statuses, as a bit set. */
enum {
	FTX_TS_PENDING		= 1 << 0,
	FTX_TS_PROCESSING	= 1 << 1,
	FTX_TS_COMPLETED	= 1 << 2,
	FTX_TS_FAILED		= 1 << 3,
	FTX_TS_CANCELED		= 1 << 4
};

#define FTX_FILTERS_NSTATUSES	5

/* The filters, in SPEC order (also the order of the normal form). */
enum ftx_filter_key {
	FTX_F_FROM, FTX_F_TO, FTX_F_STATUSES, FTX_F_SUPPLIERS,
	FTX_F_AMOUNT_MIN, FTX_F_AMOUNT_MAX, FTX_F_SOURCE_TYPE,
	FTX_F_TARGET_TYPE, FTX_F_CURRENCY, FTX_F_REFERENCE,
	FTX_F_RELATED_TYPE, FTX_F_RELATED_ID,
	FTX_F_NKEYS
};

enum ftx_ba_type { FTX_BA_ANY, FTX_BA_MARKETPLACE, FTX_BA_SUPPLIER };
enum ftx_related_type { FTX_REL_ANY, FTX_REL_PAYOUT, FTX_REL_REFUND };

struct ftx_filters {
	int			 has_from, has_to;
	int64_t			 from_usec, to_usec;	/* inclusive, UTC */
	unsigned		 statuses;		/* 0 = any */
	char			**supplier_ids;		/* external ids, de-duplicated, first-seen order */
	size_t			 n_supplier_ids;
	char			 amount_min[FTX_MONEY_LEN];	/* "" = none */
	char			 amount_max[FTX_MONEY_LEN];	/* canonical decimal */
	enum ftx_ba_type	 source_type, target_type;
	char			 currency[4];		/* "" = none, upper case */
	char			*reference;		/* NULL = none */
	enum ftx_related_type	 related_type;
	char			*related_id;		/* NULL = none */
};

/* Parse flags. */
#define FTX_FILTERS_ONLY_SUPPLIERS	0x2	/* read supplierIds alone, skip
						   every other key silently (to
						   check them when others failed) */
#define FTX_FILTERS_IGNORE_SUPPLIERS	0x1	/* SUPPLIER scope: supplierIds
						   silently dropped, whatever it holds */

void ftx_filters_init(struct ftx_filters *f);

/* Frees what f owns and re-initialises it.  f may be NULL. */
void ftx_filters_free(struct ftx_filters *f);

/*
 * Reads the "filters" object of a request body.  obj NULL or JSON null means
 * no filter; anything but an object adds INVALID_FIELD on field
 * prefix-without-dot ("filters").  Each problem is appended to errs with
 * field prefix + name ("filters.amountMin", "filters.statuses[2]"):
 * UNKNOWN_FIELD, INVALID_FILTER, INVALID_DATE_RANGE, INVALID_AMOUNT_RANGE.
 * A JSON null value means the filter is absent; null inside an array is
 * skipped.  Returns 0 when valid, -1 when errors were added.  f is
 * initialised first (not freed: pass a fresh or freed one) and left empty
 * on -1.
 */
int ftx_filters_from_json(struct ftx_filters *f, struct json_object *obj,
    const char *prefix, int flags, struct ftx_apierrs *errs);

/*
 * Reads filters from a query string (application/x-www-form-urlencoded:
 * '+' is a space, %XX decoded; arrays comma-separated or repeated keys).
 * Keys listed in own (NULL-terminated, e.g. {"size", "cursor", NULL}) are
 * the caller's: their decoded value is stored in own_values[i] (malloc'd,
 * caller frees; a repeated own key adds INVALID_PARAMETER).  Any other
 * unknown key adds UNKNOWN_FIELD.  Fields are parameter names.  Returns 0
 * when valid, -1 when errors were added.  own_values[i] are set to NULL
 * first and are the caller's whatever the result; f as for _from_json.
 */
int ftx_filters_from_query(struct ftx_filters *f, const char *query,
    int flags, const char *const *own, char **own_values,
    struct ftx_apierrs *errs);

/*
 * SQL, with $1 = tenant id and $2 = text[] of external ids, that returns
 * one row (external_id, id) per known supplier of the tenant: the caller
 * runs it, reports UNKNOWN_SUPPLIER for the missing ones (field
 * prefix + "supplierIds[i]") and passes the ids on.
 */
extern const char ftx_filters_supplier_sql[];

#endif /* FTX_FILTERS_H */
