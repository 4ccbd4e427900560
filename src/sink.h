/*
 * sink.h - the single place bytes leave the export generator: they are
 * encoded (plain, or gzip per RFC 1952: libdeflate), handed to a store file, and
 * counted: the size and SHA-256 are those of the bytes written to the
 * store (compressed for gzip), i.e. of the file as downloaded.  Memory is
 * constant: one output buffer per sink, nothing per write.
 *
 * The format descriptor is the one place that says what a kind's file is
 * called and served as.
 */
#ifndef FTX_SINK_H
#define FTX_SINK_H

#include <stddef.h>

#include "store.h"

enum ftx_sink_kind {
	FTX_SINK_PLAIN,		/* the CSV as it is */
	FTX_SINK_GZIP		/* gzip (1 MiB members), [csv] gzip_level */
};

struct ftx_sink_format {
	enum ftx_sink_kind kind;
	const char	*compression;	/* SPEC 7 "compression": NULL, "gzip" */
	const char	*suffix;	/* of the file: ".csv", ".csv.gz" */
	const char	*content_type;	/* of the download */
};

/* The format of kind (any value of the enum; never NULL). */
const struct ftx_sink_format *ftx_sink_format(enum ftx_sink_kind kind);

/* The format whose "compression" is name (NULL: plain), or NULL when
 * there is none. */
const struct ftx_sink_format *ftx_sink_format_by_name(const char *name);

/* One sink (opaque). */
struct ftx_sink;

/*
 * A sink of kind writing to f (the caller's, which must outlive the sink);
 * level (1..9) is the gzip level, ignored for plain.  NULL when out of
 * memory (errno ENOMEM) or level is out of range (EINVAL).
 */
struct ftx_sink *ftx_sink_open(enum ftx_sink_kind kind, int level,
    struct ftx_store_file *f);

/* Encodes buf[len] (len may be 0) and writes what is ready.  0, or -1
 * with errno set (the store's: ENOSPC...); after -1 the sink only takes
 * ftx_sink_free. */
int ftx_sink_write(struct ftx_sink *s, const void *buf, size_t len);

/*
 * Writes what remains (the gzip trailer included) and gives the size and
 * the lowercase hex SHA-256 (sha256[65]) of every byte written to f.  0,
 * or -1 with errno set: never a success for a file that lacks a byte.
 * The store file is not synced: the caller publishes it.
 */
int ftx_sink_finish(struct ftx_sink *s, long long *size, char *sha256);

/* Frees s (NULL allowed); one not finished is abandoned (what the store
 * file holds is then incomplete: the caller closes it unpublished). */
void ftx_sink_free(struct ftx_sink *s);

#endif /* FTX_SINK_H */
