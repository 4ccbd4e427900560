/*
 * fuzz_json_body.c - the POST .../export body as the API reads it
 * (exportreq.h, filters.h): strict JSON, members, cc, compression,
 * filters, without the database (supplierIds stay external ids).
 * Invariants: a body that is
 * accepted normalises to a body that is accepted again and normalises to
 * the same text (idempotent); a refused body has at least one error, and
 * every error body is strict JSON; a SUPPLIER never gets supplierIds.
 *
 * Input: byte 0 bit 0 = SUPPLIER scope, the rest is the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "exportreq.h"
#include "filterjson.h"
#include "filters.h"
#include "fuzzlib.h"
#include "jsonstrict.h"
#include "sink.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

/*
 * Reads body[len] (body[len] == '\0') as the API does; returns the
 * normalised body text (malloc'd) when it is accepted, else NULL.
 */
static char *
normalise(const char *body, size_t len, int flags)
{
	struct json_object *root = NULL, *out;
	struct ftx_exportreq_json m;
	const char *compression;
	struct ftx_exportreq r;
	struct ftx_apierrs errs;
	char msg[128];
	char *text = NULL;
	int rc;

	ftx_exportreq_init(&r);
	if (ftx_apierrs_init(&errs) == -1)
		abort();
	if (len > 0 && ftx_exportreq_parse_json(body, len, &root, msg,
	    sizeof(msg)) == -1) {
		FUZZ_ASSERT(root == NULL && strlen(msg) > 0);
		goto out;
	}
	ftx_exportreq_members(root, &m, &errs);
	ftx_exportreq_cc(&r, m.cc, &errs);
	ftx_exportreq_compression(&r, m.compression, &errs);
	rc = ftx_filters_from_json(&r.filters, m.filters, "filters.", flags,
	    &errs);
	FUZZ_ASSERT(rc == 0 || errs.count > 0);
	if (errs.count > 0) {
		fuzz_check_errors(&errs);
		goto out;
	}
	FUZZ_ASSERT(r.ncc <= FTX_EXPORTREQ_CC_MAX);
	if (flags & FTX_FILTERS_IGNORE_SUPPLIERS)
		FUZZ_ASSERT(r.filters.n_supplier_ids == 0);
	if ((out = json_object_new_object()) == NULL)
		abort();
	json_object_object_add(out, "filters", ftx_filters_to_json(&r.filters));
	json_object_object_add(out, "cc", ftx_exportreq_cc_json(&r));
	compression = ftx_sink_format(r.compression)->compression;
	json_object_object_add(out, "compression", compression != NULL ?
	    json_object_new_string(compression) : NULL);
	text = strdup(json_object_to_json_string_ext(out,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	FUZZ_ASSERT(text != NULL);
out:
	json_object_put(root);
	ftx_apierrs_free(&errs);
	ftx_exportreq_free(&r);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body, *norm, *again;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? FTX_FILTERS_IGNORE_SUPPLIERS : 0;
	body = fuzz_strndup(data + 1, size - 1);
	norm = normalise(body, size - 1, flags);
	if (norm != NULL) {
		again = normalise(norm, strlen(norm), flags);
		FUZZ_ASSERT(again != NULL);
		FUZZ_ASSERT(strcmp(norm, again) == 0);
		free(again);
	}
	free(norm);
	free(body);
	return 0;
}
