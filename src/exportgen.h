/*
 * exportgen.h - writing one export's CSV file from one consistent snapshot,
 * streamed from PostgreSQL (COPY) to disk in constant memory.
 *
 * The file is written under a temporary name, fsync'ed and renamed into
 * place (export_dir/<tenant>/<exportId>.csv), so no partial file is ever
 * visible; on any failure the temporary file is removed.
 */
#ifndef FTX_EXPORTGEN_H
#define FTX_EXPORTGEN_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "queue.h"

struct ftx_export_file {
	char		path[4096];
	long long	rows;
	long long	size;
	char		sha256[65];
};

/* Called every few thousand rows; returns 0 to go on, -1 to abandon the
 * export (claim lost, or the daemon is stopping). */
typedef int (*ftx_exportgen_check_fn)(void *arg);

/*
 * Generates the file of job, reading through data (a connection of its
 * own: it holds the snapshot while ctl, used by check, renews the claim).
 * Returns 0 with *out filled; -1 on failure with a reason for people in
 * err[errlen]; -2 when check asked to abandon (nothing left on disk).
 */
int ftx_exportgen_run(struct ftx_db *data, const struct ftx_config *cfg,
    const struct ftx_job *job, ftx_exportgen_check_fn check, void *check_arg,
    struct ftx_export_file *out, char *err, size_t errlen);

#endif /* FTX_EXPORTGEN_H */
