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

#endif /* FTX_UTF8_H */
