/*
 * exportreq.h - the body and headers of POST .../export as the API reads
 * them (SPEC §7): strict JSON, the members, cc, the content type and the
 * Idempotency-Key.  No I/O and no database: api_exports.c answers, the
 * fuzz target tests/fuzz/fuzz_json_body.c drives the same code.
 */
#ifndef FTX_EXPORTREQ_H
#define FTX_EXPORTREQ_H

#include <stddef.h>

#include <json-c/json.h>

#include "apierr.h"
#include "filters.h"
#include "sink.h"

#define FTX_EXPORTREQ_CC_MAX		10	/* distinct cc addresses */
#define FTX_EXPORTREQ_IDEM_KEY_MAX	255	/* Idempotency-Key length */

/* One validated body. */
struct ftx_exportreq {
	struct ftx_filters	 filters;
	char			*cc[FTX_EXPORTREQ_CC_MAX];	/* trimmed */
	int			 ncc;
	enum ftx_sink_kind	 compression;	/* FTX_SINK_PLAIN: null */
};

/* Empties r. */
void ftx_exportreq_init(struct ftx_exportreq *r);

/* Frees what r owns and empties it.  r may be NULL. */
void ftx_exportreq_free(struct ftx_exportreq *r);

/* Parses body[len] (non-empty; body[len] must be '\0') strictly
 * (jsonstrict.h) into a json-c object *root, which the caller puts.
 * Returns 0, or -1 with *root NULL and the INVALID_JSON message
 * ("the body is not a valid JSON object: ... at byte N") in msg[msglen]. */
int ftx_exportreq_parse_json(const char *body, size_t len,
    struct json_object **root, char *msg, size_t msglen);

/* The members of a body, borrowed from its object (NULL: absent or
 * null). */
struct ftx_exportreq_json {
	struct json_object	*filters;
	struct json_object	*cc;
	struct json_object	*compression;
};

/* Points m at the members of the body object root (NULL: an empty body);
 * m starts empty; any other member adds UNKNOWN_FIELD, named unless the
 * name holds a control character. */
void ftx_exportreq_members(struct json_object *root,
    struct ftx_exportreq_json *m, struct ftx_apierrs *errs);

/* Reads compression (NULL: absent or null, the plain CSV; "gzip") into
 * r->compression; anything else adds INVALID_FIELD on "compression". */
void ftx_exportreq_compression(struct ftx_exportreq *r,
    struct json_object *compression, struct ftx_apierrs *errs);

/* Reads cc (NULL: none; an array of addresses or one comma-separated
 * string) into r->cc: trimmed of spaces, de-duplicated case-insensitively
 * keeping the first spelling, each ftx_email_valid().  Problems are
 * appended to errs (INVALID_EMAIL on "cc[i]", TOO_MANY_RECIPIENTS,
 * INVALID_FIELD). */
void ftx_exportreq_cc(struct ftx_exportreq *r, struct json_object *cc,
    struct ftx_apierrs *errs);

/* r->cc as a JSON array; NULL when out of memory.  The caller puts it. */
struct json_object *ftx_exportreq_cc_json(const struct ftx_exportreq *r);

/* 1 if key is an acceptable Idempotency-Key (1..255 printable ASCII
 * characters), else 0. */
int ftx_exportreq_idem_key_ok(const char *key);

/* 1 if the CONTENT_TYPE value ctype (NULL: absent) says application/json,
 * parameters allowed, else 0. */
int ftx_exportreq_is_json(const char *ctype);

#endif /* FTX_EXPORTREQ_H */
