/*
 * exportgen.h - writing one export's CSV file from one consistent snapshot,
 * streamed from PostgreSQL (COPY) through a sink (sink.h: plain or gzip)
 * into a store (store.h) in constant memory.
 *
 * The file is written as a temporary store file and made durable; the
 * caller publishes it with ftx_exportgen_publish() once it holds the
 * export row locked, so no partial file is ever visible and a worker that
 * lost its claim never touches the published file.  On any failure the
 * temporary file goes.
 */
#ifndef FTX_EXPORTGEN_H
#define FTX_EXPORTGEN_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "exports.h"
#include "sink.h"
#include "store.h"

/* The failureReason of an export the disk had no room for (SPEC §7). */
#define FTX_EXPORTGEN_DISK_FULL \
	"The export could not be written: the disk is full"

struct ftx_export_file {
	struct ftx_store_file *file;	/* durable, not yet visible; or NULL */
	char		path[FTX_STORE_REF_MAX]; /* its store reference */
	long long	rows;
	long long	size;		/* of the bytes written (compressed) */
	char		sha256[65];	/* idem */
};

/* Called every few thousand rows and at least once a second while the
 * query runs; returns 0 to go on, -1 to abandon the export (claim lost, or
 * the daemon is stopping). */
typedef int (*ftx_exportgen_check_fn)(void *arg);

/*
 * Generates the file of job, encoded as kind, reading through data (a connection of its
 * own: it holds the snapshot while ctl, used by check, renews the claim).
 * Temporary files of the same export left by a worker that died are
 * removed first.  The job's ids are checked to be the export's, whole.
 * Returns 0 with *out filled (the file at out->tmp); -1 on failure with a
 * reason for people in err[errlen] (FTX_EXPORTGEN_DISK_FULL when the disk
 * is full; paths and system errors go to the log only); -2 when check
 * asked to abandon.  Nothing is left on disk unless 0 is returned; then
 * out->file is the caller's, to end with ftx_exportgen_discard.
 */
int ftx_exportgen_run(struct ftx_db *data, const struct ftx_config *cfg,
    const struct ftx_job *job, enum ftx_sink_kind kind,
    ftx_exportgen_check_fn check, void *check_arg,
    struct ftx_export_file *out, char *err, size_t errlen);

/* Publishes the file (atomically, durably) at file->path.  0, or -1 with
 * the reason for people in err[errlen] (nothing published then). */
int ftx_exportgen_publish(const struct ftx_export_file *file, char *err,
    size_t errlen);

/* Frees file->file: the temporary file goes unless published.  Safe to
 * call twice, or after a failed run. */
void ftx_exportgen_discard(struct ftx_export_file *file);

#endif /* FTX_EXPORTGEN_H */
