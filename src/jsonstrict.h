/*
 * jsonstrict.h - a strict RFC 8259 check of a request body, run on the raw
 * bytes before json-c (whose parser is lenient whatever its flags) reads
 * them (SPEC §7 "Request hygiene").
 */
#ifndef FTX_JSONSTRICT_H
#define FTX_JSONSTRICT_H

#include <stddef.h>

#define FTX_JSONSTRICT_DEPTH_MAX	16	/* nested arrays and objects */
#define FTX_JSONSTRICT_MEMBERS_MAX	64	/* members of one object */

/*
 * Checks that s[len] is exactly one JSON text: one value with optional
 * whitespace around it; strings of valid UTF-8 without raw control
 * characters, with valid escapes and paired surrogates; RFC numbers; no
 * duplicate member name in any object (names compared after unescaping);
 * at most FTX_JSONSTRICT_DEPTH_MAX levels and FTX_JSONSTRICT_MEMBERS_MAX
 * members per object.  Allocates nothing.  Returns 0 when valid; -1 with
 * *pos the byte offset of the problem and *why a static English phrase
 * ("a duplicate key") when not.  pos and why may be NULL.
 */
int ftx_jsonstrict_check(const char *s, size_t len, size_t *pos,
    const char **why);

#endif /* FTX_JSONSTRICT_H */
