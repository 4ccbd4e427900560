/*
 * filterjson.h - how the filters of SPEC §7 are spelled: the names of the
 * filters and of their values, and the normalised form as JSON (stored
 * with an export, shown in the export object and the e-mail).  Parsing is
 * filters.h's, which reads the names from here.
 */
#ifndef FTX_FILTERJSON_H
#define FTX_FILTERJSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "filters.h"

/* The SPEC name of filter k ("createdAtFrom", ...); NULL out of range. */
const char *ftx_filters_key_name(enum ftx_filter_key k);

/* Writes the names of the statuses set in statuses into names (room for
 * FTX_FILTERS_NSTATUSES), in SPEC order; returns how many. */
size_t ftx_filters_status_names(unsigned statuses, const char **names);

/* "MARKETPLACE", "SUPPLIER"; NULL for FTX_BA_ANY. */
const char *ftx_filters_ba_name(enum ftx_ba_type t);

/* "PAYOUT", "REFUND"; NULL for FTX_REL_ANY. */
const char *ftx_filters_rel_name(enum ftx_related_type t);

/*
 * The normalised form: an object holding only the filters that are set,
 * with SPEC names, timestamps "YYYY-MM-DDTHH:MM:SSZ" (".ffffffZ" when the
 * bound has a fraction, so that parsing it back is exact), amounts as
 * decimal strings, upper-case currency, de-duplicated arrays (statuses in
 * the SPEC order).  ftx_filters_from_json() of it gives f back.  The caller
 * json_object_put()s the result; NULL when out of memory.
 */
struct json_object *ftx_filters_to_json(const struct ftx_filters *f);

/*
 * The form shown to people (the export object's "filters", the e-mail): as
 * ftx_filters_to_json() but every timestamp "YYYY-MM-DDTHH:MM:SSZ", the
 * fraction dropped (SPEC §7), so it need not parse back to f.  The caller
 * json_object_put()s the result; NULL when out of memory.
 */
struct json_object *ftx_filters_echo_json(const struct ftx_filters *f);

#endif /* FTX_FILTERJSON_H */
