/*
 * httpcond.h - HTTP dates and conditional GET/HEAD (RFC 9110 13.1.2,
 * 13.1.3, 13.2.2): Last-Modified, If-None-Match, If-Modified-Since.
 *
 * Times are microseconds since the Unix epoch, UTC, like isotime.h; HTTP
 * dates have whole seconds.  Nothing depends on the locale or on TZ.
 */
#ifndef FTX_HTTPCOND_H
#define FTX_HTTPCOND_H

#include <stdint.h>

#define FTX_HTTPDATE_LEN	30	/* "Sun, 06 Nov 1994 08:49:37 GMT" + NUL */

/* Writes usec, rounded toward the past to the second, as an IMF-fixdate
 * into buf (FTX_HTTPDATE_LEN bytes).  Years 0001..9999. */
void ftx_httpcond_date_format(int64_t usec, char *buf);

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", the only form
 * senders may use) into *usec.  The day name must be one of the seven but
 * is not checked against the date.  The obsolete RFC 850 and asctime forms
 * are refused: a caller that ignores the header then answers in full,
 * which is never wrong.  Returns 0, or -1 leaving *usec untouched. */
int ftx_httpcond_date_parse(const char *s, int64_t *usec);

/* 1 if the If-None-Match value inm ("*", or a comma-separated list of
 * entity tags, weak or strong) matches the entity tag whose opaque part
 * (without quotes) is etag, by the weak comparison GET and HEAD use; else
 * 0.  A list that is not well formed matches nothing. */
int ftx_httpcond_etag_match(const char *inm, const char *etag);

/* 1 if a GET or HEAD with these request headers (each NULL when absent)
 * is answered 304 Not Modified for a representation with entity tag etag
 * and last modified at last_modified (usec): If-None-Match when present
 * decides alone; else If-Modified-Since, when a valid date no earlier than
 * last_modified (to the second).  Else 0. */
int ftx_httpcond_not_modified(const char *if_none_match,
    const char *if_modified_since, const char *etag, int64_t last_modified);

#endif /* FTX_HTTPCOND_H */
