/*
 * apierr.c - error codes, statuses and the error body.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"

static const struct {
	const char	*code;
	int		 status;
} apierr_table[FTX_E_COUNT] = {
	[FTX_E_NOT_FOUND]		= { "NOT_FOUND", 404 },
	[FTX_E_METHOD_NOT_ALLOWED]	= { "METHOD_NOT_ALLOWED", 405 },
	[FTX_E_MISSING_API_KEY]		= { "MISSING_API_KEY", 401 },
	[FTX_E_INVALID_API_KEY]		= { "INVALID_API_KEY", 401 },
	[FTX_E_INVALID_CLIENT]		= { "INVALID_CLIENT", 400 },
	[FTX_E_CLIENT_MISMATCH]		= { "CLIENT_MISMATCH", 403 },
	[FTX_E_INVALID_JSON]		= { "INVALID_JSON", 400 },
	[FTX_E_INVALID_FIELD]		= { "INVALID_FIELD", 400 },
	[FTX_E_INVALID_FILTER]		= { "INVALID_FILTER", 400 },
	[FTX_E_INVALID_DATE_RANGE]	= { "INVALID_DATE_RANGE", 400 },
	[FTX_E_INVALID_AMOUNT_RANGE]	= { "INVALID_AMOUNT_RANGE", 400 },
	[FTX_E_UNKNOWN_FIELD]		= { "UNKNOWN_FIELD", 400 },
	[FTX_E_UNKNOWN_SUPPLIER]	= { "UNKNOWN_SUPPLIER", 400 },
	[FTX_E_INVALID_EMAIL]		= { "INVALID_EMAIL", 400 },
	[FTX_E_TOO_MANY_RECIPIENTS]	= { "TOO_MANY_RECIPIENTS", 400 },
	[FTX_E_INVALID_PARAMETER]	= { "INVALID_PARAMETER", 400 },
	[FTX_E_INVALID_CURSOR]		= { "INVALID_CURSOR", 400 },
	[FTX_E_INVALID_IDEMPOTENCY_KEY]	= { "INVALID_IDEMPOTENCY_KEY", 400 },
	[FTX_E_PAYLOAD_TOO_LARGE]	= { "PAYLOAD_TOO_LARGE", 413 },
	[FTX_E_UNSUPPORTED_MEDIA_TYPE]	= { "UNSUPPORTED_MEDIA_TYPE", 415 },
	[FTX_E_EXPORT_ALREADY_PENDING]	= { "EXPORT_ALREADY_PENDING", 409 },
	[FTX_E_EXPORT_NOT_PENDING]	= { "EXPORT_NOT_PENDING", 409 },
	[FTX_E_IDEMPOTENCY_KEY_REUSED]	= { "IDEMPOTENCY_KEY_REUSED", 422 },
	[FTX_E_INVALID_SIGNATURE]	= { "INVALID_SIGNATURE", 403 },
	[FTX_E_LINK_EXPIRED]		= { "LINK_EXPIRED", 410 },
	[FTX_E_SERVICE_UNAVAILABLE]	= { "SERVICE_UNAVAILABLE", 503 },
	[FTX_E_INTERNAL_ERROR]		= { "INTERNAL_ERROR", 500 },
};

const char *
ftx_apierr_code(enum ftx_apierr e)
{
	if ((unsigned)e >= FTX_E_COUNT)
		return "INTERNAL_ERROR";
	return apierr_table[e].code;
}

int
ftx_apierr_status(enum ftx_apierr e)
{
	if ((unsigned)e >= FTX_E_COUNT)
		return 500;
	return apierr_table[e].status;
}

int
ftx_apierrs_init(struct ftx_apierrs *errs)
{
	errs->count = 0;
	errs->first = FTX_E_INTERNAL_ERROR;
	errs->list = json_object_new_array();
	return errs->list != NULL ? 0 : -1;
}

/* Adds key: s (JSON null when s is NULL) to o.  0, or -1 when out of
 * memory. */
static int
add_string(struct json_object *o, const char *key, const char *s)
{
	struct json_object *v = NULL;

	if (s != NULL && (v = json_object_new_string(s)) == NULL)
		return -1;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

void
ftx_apierrs_add(struct ftx_apierrs *errs, enum ftx_apierr e,
    const char *field, const char *fmt, ...)
{
	struct json_object *item;
	char message[512];
	va_list ap;

	if (errs->count++ == 0)
		errs->first = e;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (errs->list != NULL && (item = json_object_new_object()) != NULL) {
		if (add_string(item, "code", ftx_apierr_code(e)) == 0 &&
		    add_string(item, "field", field) == 0 &&
		    add_string(item, "message", message) == 0 &&
		    json_object_array_add(errs->list, item) == 0)
			return;
		json_object_put(item);
	}
	/* A list that lost an error must not pass for complete. */
	errs->first = FTX_E_INTERNAL_ERROR;
}

int
ftx_apierrs_status(const struct ftx_apierrs *errs)
{
	return ftx_apierr_status(errs->count > 0 ? errs->first :
	    FTX_E_INTERNAL_ERROR);
}

struct json_object *
ftx_apierrs_body(struct ftx_apierrs *errs)
{
	struct json_object *body;

	if (errs->list == NULL && (errs->list = json_object_new_array()) == NULL)
		return NULL;
	if ((body = json_object_new_object()) == NULL ||
	    json_object_object_add(body, "errors", errs->list) != 0) {
		json_object_put(body);
		return NULL;
	}
	errs->list = NULL;
	return body;
}

void
ftx_apierrs_free(struct ftx_apierrs *errs)
{
	json_object_put(errs->list);
	errs->list = NULL;
	errs->count = 0;
}
