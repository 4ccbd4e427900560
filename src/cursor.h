/*
 * cursor.h - opaque keyset cursors: the position of the last item of a
 * page, (created_at in microseconds, id) for "newest first" lists, (name,
 * id) for lists by name.
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

/*
 * Cursors of lists ordered by a name, then an id, ascending (the supplier
 * list: name, external id).  Text form: base64url (no padding) of
 * "n1:<bytes of name>:<name><id>", never taken for a time cursor nor the
 * reverse.  A name longer than FTX_CURSOR_NAME_MAX bytes cannot be held
 * whole, and a cut one would resume the list elsewhere: encoding fails.
 */
#define FTX_CURSOR_NAME_MAX	1024
#define FTX_CURSOR_NAME_LEN	1800	/* buffer for an encoded one */

struct ftx_cursor_name {
	char	name[FTX_CURSOR_NAME_MAX + 1];
	char	id[FTX_CURSOR_ID_MAX + 1];
};

/* Encodes c into buf[len].  0, or -1 if it does not fit (or the id is
 * empty). */
int ftx_cursor_name_encode(const struct ftx_cursor_name *c, char *buf,
    size_t len);

/* Decodes text into *c.  0, or -1 for anything malformed (bad base64url,
 * another version, a length that is not canonical or overruns, an empty
 * or over-long id, NUL, either half not UTF-8). */
int ftx_cursor_name_decode(const char *text, struct ftx_cursor_name *c);

/* Appends " AND (name_col, id_col) > (<c's name>, <c's id>)" to q: the
 * rows after c in a list ordered by name_col, id_col. */
void ftx_cursor_name_where(const struct ftx_cursor_name *c,
    const char *name_col, const char *id_col, struct ftx_query *q);

#endif /* FTX_CURSOR_H */
