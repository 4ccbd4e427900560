/*
 * exportreq.c - the body and headers of POST .../export (SPEC §7), read
 * without I/O: api_exports.c answers the errors, the fuzz target drives
 * the same code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "apierr.h"
#include "email.h"
#include "exportreq.h"
#include "filters.h"
#include "jsonstrict.h"
#include "utf8.h"

void
ftx_exportreq_init(struct ftx_exportreq *r)
{
	memset(r, 0, sizeof(*r));
	ftx_filters_init(&r->filters);
}

void
ftx_exportreq_free(struct ftx_exportreq *r)
{
	int i;

	if (r == NULL)
		return;
	ftx_filters_free(&r->filters);
	for (i = 0; i < r->ncc; i++)
		free(r->cc[i]);
	ftx_exportreq_init(r);
}

/* Adds one cc entry (untrimmed), de-duplicating case-insensitively.  An
 * empty entry is an error (SPEC §7), and only spaces are trimmed: a control
 * character anywhere refuses the entry rather than being cut off. */
static void
cc_add(struct ftx_exportreq *r, const char *s, size_t len, const char *field,
    int *over, struct ftx_apierrs *errs)
{
	char *addr;
	int i;

	if (ftx_utf8_has_control(s, len)) {
		ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field,
		    "must not contain control characters");
		return;
	}
	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (!ftx_email_valid(s, len)) {
		ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field, len == 0 ?
		    "must not be empty" : "must be an e-mail address "
		    "(ASCII, local@domain.example)");
		return;
	}
	for (i = 0; i < r->ncc; i++)
		if (strlen(r->cc[i]) == len && strncasecmp(r->cc[i], s, len) == 0)
			return;
	if (r->ncc == FTX_EXPORTREQ_CC_MAX) {
		*over = 1;
		return;
	}
	if ((addr = strndup(s, len)) == NULL) {
		ftx_apierrs_add(errs, FTX_E_INTERNAL_ERROR, NULL,
		    "out of memory");
		return;
	}
	r->cc[r->ncc++] = addr;
}

void
ftx_exportreq_cc(struct ftx_exportreq *r, struct json_object *cc,
    struct ftx_apierrs *errs)
{
	struct json_object *item;
	const char *s, *comma, *end;
	char field[32];
	size_t i, n;
	int over = 0, k = 0;

	if (cc == NULL)
		return;
	if (json_object_is_type(cc, json_type_string)) {
		/* One comma-separated string: entries numbered as split. */
		s = json_object_get_string(cc);
		end = s + json_object_get_string_len(cc);
		for (;;) {
			if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
				comma = end;
			snprintf(field, sizeof(field), "cc[%d]", k++);
			cc_add(r, s, (size_t)(comma - s), field, &over, errs);
			if (comma == end)
				break;
			s = comma + 1;
		}
	} else if (json_object_is_type(cc, json_type_array)) {
		n = json_object_array_length(cc);
		for (i = 0; i < n; i++) {
			item = json_object_array_get_idx(cc, i);
			snprintf(field, sizeof(field), "cc[%zu]", i);
			if (item == NULL)
				continue;	/* null entries are absent */
			if (!json_object_is_type(item, json_type_string)) {
				ftx_apierrs_add(errs, FTX_E_INVALID_EMAIL, field,
				    "must be an e-mail address string");
				continue;
			}
			cc_add(r, json_object_get_string(item),
			    (size_t)json_object_get_string_len(item), field,
			    &over, errs);
		}
	} else
		ftx_apierrs_add(errs, FTX_E_INVALID_FIELD, "cc",
		    "must be an array of addresses or a comma-separated string");
	if (over)
		ftx_apierrs_add(errs, FTX_E_TOO_MANY_RECIPIENTS, "cc",
		    "at most %d distinct addresses", FTX_EXPORTREQ_CC_MAX);
}

int
ftx_exportreq_is_json(const char *ctype)
{
	size_t mlen;

	if (ctype == NULL)
		return 0;
	mlen = strcspn(ctype, ";");
	while (mlen > 0 && ctype[mlen - 1] == ' ')
		mlen--;
	return mlen == 16 && strncasecmp(ctype, "application/json", 16) == 0;
}

int
ftx_exportreq_parse_json(const char *body, size_t len,
    struct json_object **root, char *msg, size_t msglen)
{
	struct json_tokener *tok;
	const char *why = "an unreadable value";
	size_t pos = 0;

	*root = NULL;
	/* json-c accepts single quotes, duplicate keys and more whatever
	 * its flags: the strict check decides, json-c only builds the tree. */
	if (ftx_jsonstrict_check(body, len, &pos, &why) == 0 &&
	    (tok = json_tokener_new_ex(FTX_JSONSTRICT_DEPTH_MAX + 1)) != NULL) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
		    JSON_TOKENER_VALIDATE_UTF8);
		/* The length includes the terminating NUL so that a lone
		 * scalar ("5") completes instead of waiting for more input. */
		*root = json_tokener_parse_ex(tok, body, (int)len + 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(*root);
			*root = NULL;
		}
		json_tokener_free(tok);
		if (json_object_is_type(*root, json_type_object))
			return 0;
		why = *root != NULL ? "not an object" : why;
		json_object_put(*root);
		*root = NULL;
	}
	snprintf(msg, msglen, "the body is not a valid JSON object: %s "
	    "at byte %zu", why, pos);
	return -1;
}

int
ftx_exportreq_idem_key_ok(const char *key)
{
	size_t i, n = strlen(key);

	if (n == 0 || n > FTX_EXPORTREQ_IDEM_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			return 0;
	return 1;
}

struct json_object *
ftx_exportreq_cc_json(const struct ftx_exportreq *r)
{
	struct json_object *a, *s = NULL;
	int i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < r->ncc; i++) {
		if ((s = json_object_new_string(r->cc[i])) == NULL ||
		    json_object_array_add(a, s) != 0) {
			json_object_put(s);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

void
ftx_exportreq_members(struct json_object *root, struct ftx_exportreq_json *m,
    struct ftx_apierrs *errs)
{
	memset(m, 0, sizeof(*m));
	if (root == NULL)
		return;
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "filters") == 0)
			m->filters = val;
		else if (strcmp(key, "cc") == 0)
			m->cc = val;
		else if (strcmp(key, "compression") == 0)
			m->compression = val;
		else
			ftx_apierrs_add(errs, FTX_E_UNKNOWN_FIELD,
			    ftx_utf8_has_control(key, strlen(key)) ? NULL : key,
			    "unknown field (expected filters, cc, compression)");
	}
}

void
ftx_exportreq_compression(struct ftx_exportreq *r,
    struct json_object *compression, struct ftx_apierrs *errs)
{
	const struct ftx_sink_format *f;

	r->compression = FTX_SINK_PLAIN;
	if (compression == NULL)
		return;
	/* A NUL inside the string must not make "gzip\u0000x" gzip. */
	if (!json_object_is_type(compression, json_type_string) ||
	    strlen(json_object_get_string(compression)) !=
	    (size_t)json_object_get_string_len(compression) ||
	    (f = ftx_sink_format_by_name(json_object_get_string(
	    compression))) == NULL || f->compression == NULL) {
		ftx_apierrs_add(errs, FTX_E_INVALID_FIELD, "compression",
		    "must be null or \"gzip\"");
		return;
	}
	r->compression = f->kind;
}
