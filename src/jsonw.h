/*
 * jsonw.h - a JSON writer into one reusable buffer, for responses with
 * many rows: no allocation per value once the buffer has grown.
 *
 * The caller writes the structure (braces, commas, keys); strings are
 * escaped here.  Out of memory is sticky: w->oom stays set and further
 * writes are ignored, so the caller checks once at the end.
 */
#ifndef FTX_JSONW_H
#define FTX_JSONW_H

#include <stddef.h>
#include <stdint.h>

struct ftx_jsonw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* Empties w, keeping its memory for the next response. */
void ftx_jsonw_reset(struct ftx_jsonw *w);

/* Releases the memory.  w may be NULL. */
void ftx_jsonw_free(struct ftx_jsonw *w);

/* Appends n bytes as they are (structure, or JSON made elsewhere). */
void ftx_jsonw_raw(struct ftx_jsonw *w, const char *s, size_t n);

/* Appends a NUL-terminated piece of structure: "{", ",\"key\":" ... */
void ftx_jsonw_lit(struct ftx_jsonw *w, const char *s);

/* Appends s as a JSON string (quoted; '"', '\\' and control bytes
 * escaped; other bytes, UTF-8 included, as they are), or null if s is
 * NULL. */
void ftx_jsonw_string(struct ftx_jsonw *w, const char *s);

/* Appends a decimal integer. */
void ftx_jsonw_int(struct ftx_jsonw *w, int64_t v);

#endif /* FTX_JSONW_H */
