/*
 * cursor.h - opaque keyset cursors for "newest first" lists: the position
 * (created_at in microseconds, id) of the last item of a page.
 *
 * Text form: base64url (no padding) of "v1:<usec>:<id>".  Clients must not
 * build them; a cursor that does not decode is INVALID_CURSOR.
 */
#ifndef FTX_CURSOR_H
#define FTX_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "accounts.h"	/* FTX_ID_MAX */
#include "query.h"

/* Any id the service accepts, whole: a cursor holding a cut id would
 * resume the list at another row. */
#define FTX_CURSOR_ID_MAX	FTX_ID_MAX
#define FTX_CURSOR_LEN		512	/* buffer for an encoded cursor */

struct ftx_cursor {
	int64_t	usec;
	char	id[FTX_CURSOR_ID_MAX + 1];
};

/* Encodes c into buf[len].  0, or -1 if it does not fit. */
int ftx_cursor_encode(const struct ftx_cursor *c, char *buf, size_t len);

/* Decodes text into *c.  0, or -1 for anything malformed (bad base64url,
 * wrong version, a time outside years 1..9999, an empty, over-long or
 * non-UTF-8 id, control bytes). */
int ftx_cursor_decode(const char *text, struct ftx_cursor *c);

/* Appends " AND (at_col, id_col) < (<c's time>, <c's id>)" to q: the rows
 * after c in a newest-first list ordered by at_col DESC, id_col DESC. */
void ftx_cursor_where(const struct ftx_cursor *c, const char *at_col,
    const char *id_col, struct ftx_query *q);

#endif /* FTX_CURSOR_H */
