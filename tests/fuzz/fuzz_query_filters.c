/*
 * fuzz_query_filters.c - the query strings of the transfer list (filters,
 * size, cursor) and of the export list (size, cursor, status).
 * Invariants: filters that parse normalise to a form that parses again,
 * as JSON and re-encoded as a query string, to the same form; every error
 * body is strict JSON; size is 1..max or refused.
 *
 * Input: byte 0 bit 0 = SUPPLIER scope, the rest is the query string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "apierr.h"
#include "cursor.h"
#include "filterjson.h"
#include "filters.h"
#include "fuzzlib.h"
#include "jsonstrict.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

/* Appends "&key=<value percent-encoded>" to *q (of *len bytes). */
static void
append(char **q, size_t *len, const char *key, const char *v)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t need = *len + strlen(key) + 3 * strlen(v) + 3;
	char *w;

	if ((*q = realloc(*q, need)) == NULL)
		abort();
	w = *q + *len;
	w += sprintf(w, "%s%s=", *len > 0 ? "&" : "", key);
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')
			*w++ = (char)c;
		else {
			*w++ = '%';
			*w++ = hx[c >> 4];
			*w++ = hx[c & 15];
		}
	}
	*w = '\0';
	*len = (size_t)(w - *q);
}

/* The normal form n written as a query string, arrays as repeated keys;
 * NULL when an element holds a comma (the query form splits it). */
static char *
to_query(struct json_object *n)
{
	struct json_object *e;
	char *q = NULL;
	size_t len = 0, i;

	if ((q = strdup("")) == NULL)
		abort();
	json_object_object_foreach(n, key, v) {
		if (!json_object_is_type(v, json_type_array)) {
			append(&q, &len, key, json_object_get_string(v));
			continue;
		}
		for (i = 0; i < json_object_array_length(v); i++) {
			e = json_object_array_get_idx(v, i);
			if (strchr(json_object_get_string(e), ',') != NULL) {
				free(q);
				return NULL;
			}
			append(&q, &len, key, json_object_get_string(e));
		}
	}
	return q;
}

static char *
norm_text(const struct ftx_filters *f)
{
	struct json_object *o = ftx_filters_to_json(f);
	char *t;

	FUZZ_ASSERT(o != NULL);
	t = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (t == NULL)
		abort();
	return t;
}

static void
transfer_list(const char *query, int flags)
{
	static const char *const own[] = { "size", "cursor", NULL };
	char *values[2], *norm, *again, *q;
	struct ftx_filters f, g;
	struct ftx_apierrs errs;
	struct json_object *n;
	struct ftx_cursor c;
	int rc;

	if (ftx_apierrs_init(&errs) == -1)
		abort();
	rc = ftx_filters_from_query(&f, query, flags, own, values, &errs);
	(void)ftx_api_page_size(values[0], 50, 500, &errs);
	if (values[1] != NULL)
		(void)ftx_cursor_decode(values[1], &c);
	free(values[0]);
	free(values[1]);
	if (rc == -1) {
		FUZZ_ASSERT(errs.count > 0);
		fuzz_check_errors(&errs);
		ftx_apierrs_free(&errs);
		return;
	}
	if (flags & FTX_FILTERS_IGNORE_SUPPLIERS)
		FUZZ_ASSERT(f.n_supplier_ids == 0);
	norm = norm_text(&f);
	/* The stored normal form reads back the same. */
	n = json_tokener_parse(norm);
	FUZZ_ASSERT(n != NULL);
	FUZZ_ASSERT(ftx_filters_from_json(&g, n, "filters.", flags,
	    &errs) == 0);
	again = norm_text(&g);
	FUZZ_ASSERT(strcmp(norm, again) == 0);
	free(again);
	ftx_filters_free(&g);
	/* And so does the same filter sent again as a query string. */
	if ((q = to_query(n)) != NULL) {
		FUZZ_ASSERT(ftx_filters_from_query(&g, q, flags, NULL, NULL,
		    &errs) == 0);
		again = norm_text(&g);
		FUZZ_ASSERT(strcmp(norm, again) == 0);
		free(again);
		ftx_filters_free(&g);
		free(q);
	}
	json_object_put(n);
	free(norm);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
}

static void
export_list(const char *query)
{
	static const char *const own[] = { "size", "cursor", "status", NULL };
	char *values[3] = { NULL, NULL, NULL };
	struct ftx_apierrs errs;
	struct ftx_cursor c;
	int size, before, i;

	if (ftx_apierrs_init(&errs) == -1)
		abort();
	ftx_api_own_params(query, own, values, &errs);
	before = errs.count;
	size = ftx_api_page_size(values[0], 20, 100, &errs);
	FUZZ_ASSERT(size >= 1 && size <= 100);
	if (values[0] != NULL && errs.count == before)
		FUZZ_ASSERT(atoi(values[0]) == size);
	if (values[1] != NULL)
		(void)ftx_cursor_decode(values[1], &c);
	for (i = 0; i < 3; i++)
		if (values[i] != NULL)
			FUZZ_ASSERT(strpbrk(values[i], "\r\n\t\x7f") == NULL);
	if (errs.count > 0)
		fuzz_check_errors(&errs);
	for (i = 0; i < 3; i++)
		free(values[i]);
	ftx_apierrs_free(&errs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query;

	if (size < 1)
		return 0;
	query = fuzz_strndup(data + 1, size - 1);
	transfer_list(query, data[0] & 1 ? FTX_FILTERS_IGNORE_SUPPLIERS : 0);
	export_list(query);
	free(query);
	return 0;
}
