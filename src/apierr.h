/*
 * apierr.h - the API's error codes, mapped in one table to HTTP statuses,
 * and the SPEC §7 error body that lists every problem found.
 */
#ifndef FTX_APIERR_H
#define FTX_APIERR_H

#include <json-c/json.h>

enum ftx_apierr {
	FTX_E_NOT_FOUND,
	FTX_E_METHOD_NOT_ALLOWED,
	FTX_E_MISSING_API_KEY,
	FTX_E_INVALID_API_KEY,
	FTX_E_INVALID_CLIENT,
	FTX_E_CLIENT_MISMATCH,
	FTX_E_INVALID_JSON,
	FTX_E_INVALID_FIELD,
	FTX_E_INVALID_FILTER,
	FTX_E_INVALID_DATE_RANGE,
	FTX_E_INVALID_AMOUNT_RANGE,
	FTX_E_UNKNOWN_FIELD,
	FTX_E_UNKNOWN_SUPPLIER,
	FTX_E_INVALID_EMAIL,
	FTX_E_TOO_MANY_RECIPIENTS,
	FTX_E_INVALID_PARAMETER,
	FTX_E_INVALID_CURSOR,
	FTX_E_INVALID_IDEMPOTENCY_KEY,
	FTX_E_PAYLOAD_TOO_LARGE,
	FTX_E_UNSUPPORTED_MEDIA_TYPE,
	FTX_E_EXPORT_ALREADY_PENDING,
	FTX_E_EXPORT_NOT_PENDING,
	FTX_E_IDEMPOTENCY_KEY_REUSED,
	FTX_E_INVALID_SIGNATURE,
	FTX_E_LINK_EXPIRED,
	FTX_E_SERVICE_UNAVAILABLE,
	FTX_E_INTERNAL_ERROR,
	FTX_E_COUNT
};

/* "NOT_FOUND", ... for a valid code; "INTERNAL_ERROR" otherwise. */
const char *ftx_apierr_code(enum ftx_apierr e);

/* The HTTP status of a code (404, 405, 401, ...); 500 for an invalid one. */
int ftx_apierr_status(enum ftx_apierr e);

/* An accumulator of errors for one response. */
struct ftx_apierrs {
	struct json_object	*list;	/* array of {code, field, message} */
	enum ftx_apierr		 first;	/* decides the status */
	int			 count;
};

/* Starts an empty list.  0, or -1 when out of memory. */
int ftx_apierrs_init(struct ftx_apierrs *errs);

/* Appends {code, field, message}; field may be NULL (then JSON null).  The
 * message is printf-formatted.  Out of memory makes the status that of
 * INTERNAL_ERROR (500): a list that lost an error is never sent as the
 * complete answer. */
void ftx_apierrs_add(struct ftx_apierrs *errs, enum ftx_apierr e,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The status of the response: that of the first error added. */
int ftx_apierrs_status(const struct ftx_apierrs *errs);

/* Returns {"errors": [...]} and hands the list over to it: errs is empty
 * afterwards.  The caller json_object_put()s the result; NULL when out of
 * memory (errs unchanged). */
struct json_object *ftx_apierrs_body(struct ftx_apierrs *errs);

/* Releases the list.  errs may hold nothing. */
void ftx_apierrs_free(struct ftx_apierrs *errs);

#endif /* FTX_APIERR_H */
