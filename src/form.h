/*
 * form.h - application/x-www-form-urlencoded query strings: splitting into
 * pairs and percent-decoding.
 */
#ifndef FTX_FORM_H
#define FTX_FORM_H

#include <stddef.h>

/* Takes the next "key=value" piece of *query (pieces are separated by '&';
 * empty pieces are skipped), advancing *query.  A piece without '=' has an
 * empty value.  Returns 1 with the raw (still encoded) spans set, or 0 at
 * the end. */
int ftx_form_next(const char **query, const char **key, size_t *klen,
    const char **value, size_t *vlen);

/* Percent-decodes src[len] ('+' is a space) into a new NUL-terminated
 * string *out of *outlen bytes, which may hold decoded NULs (caller
 * frees).  Returns 0; -1 for a malformed escape ("%zz", "%4"); -2 when out
 * of memory.  *out is NULL unless 0 is returned. */
int ftx_form_decode(const char *src, size_t len, char **out, size_t *outlen);

/* The same for text: NULL for a malformed escape, a decoded control
 * character (U+0000-U+001F, U+007F: SPEC §7) or no memory; else a
 * malloc'd string. */
char *ftx_form_decode_text(const char *src, size_t len);

#endif /* FTX_FORM_H */
