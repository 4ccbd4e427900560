/*
 * utf8.h - strict UTF-8 validation for text that reaches PostgreSQL or a
 * JSON response.
 */
#ifndef FTX_UTF8_H
#define FTX_UTF8_H

#include <stddef.h>

/* 1 if s[len] is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing past U+10FFFF), else 0.  NUL bytes are valid UTF-8: callers that
 * need C strings check for them. */
int ftx_utf8_valid(const char *s, size_t len);

/* 1 if s[len] holds a control character of SPEC §7 (U+0000-U+001F or
 * U+007F: in UTF-8 these are single bytes), else 0. */
int ftx_utf8_has_control(const char *s, size_t len);

/* 1 if s[len] is an acceptable text value of a request (SPEC §7): valid
 * UTF-8 without any control character, else 0. */
int ftx_utf8_text_ok(const char *s, size_t len);

#endif /* FTX_UTF8_H */
