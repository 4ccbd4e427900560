/*
 * hex.h - hexadecimal digits: the one place that encodes digests and
 * tokens and decodes %XX and \xHH escapes.
 */
#ifndef FTX_HEX_H
#define FTX_HEX_H

#include <stddef.h>

/* The value of hex digit c (either case), or -1. */
int ftx_hex_digit(int c);

/* Writes the lowercase hex of len bytes, then a NUL, into out (2 * len + 1
 * bytes). */
void ftx_hex_encode(const void *data, size_t len, char *out);

#endif /* FTX_HEX_H */
