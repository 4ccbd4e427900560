/*
 * readymail.h - the text of the e-mail that announces a READY export
 * (SPEC §8): subject naming the export, plain-text body with the link,
 * its expiry, the file's compression, the row count and the filters.
 */
#ifndef FTX_READYMAIL_H
#define FTX_READYMAIL_H

#include <stdint.h>

#include "sink.h"

/* "Funding transfers export <id> is ready"; malloc'd, or NULL. */
char *ftx_readymail_subject(const char *export_id);

/* The body ("\n" line ends); filters_json is the normalised filters object
 * ("{}" = none), expires a Unix time, format the file's (sink.h: a
 * compressed one gets a line saying so).  malloc'd, or NULL. */
char *ftx_readymail_body(const char *export_id, const char *url,
    int64_t expires, long long rows, const char *filters_json,
    const struct ftx_sink_format *format);

#endif /* FTX_READYMAIL_H */
