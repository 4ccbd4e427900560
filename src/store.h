/*
 * store.h - where export files live: the only code that names them.
 *
 * A store keeps one file per export.  The generator opens a temporary
 * file (invisible to downloads), writes it, makes it durable, and
 * publishes it atomically under its name: no partial file is ever
 * visible.  A published file is known by its reference (the string
 * recorded in the export's row), by which it is removed, opened for a
 * download or handed to the web server (X-Sendfile).
 *
 * [exportd] store picks the implementation (store_<name>.c, behind
 * store_backend.h); callers never know which one they have.  The one
 * there is, "local", keeps export_dir/<tenant dir>/<exportId><suffix>:
 * the tenant directory is the first 32 bytes of the tenant id with every
 * byte outside [A-Za-z0-9_-] replaced by '_', then '_' and the hex
 * SHA-256 of the whole id, so that no id (with '/', "..", '%', spaces,
 * quotes, CR or LF) can name a path outside export_dir or put a control
 * byte in a header; temporary files are created O_EXCL|O_NOFOLLOW in a
 * directory checked (realpath) to be inside export_dir; the reference is
 * the file's path.
 *
 * Functions returning int give 0, or -1 with errno set (EINVAL for a
 * refused id or reference, ELOOP for a symbolic link, ENOSPC/EDQUOT for a
 * full disk...).
 */
#ifndef FTX_STORE_H
#define FTX_STORE_H

#include <stddef.h>

#include "config.h"

#define FTX_STORE_REF_MAX	4096	/* longest reference, with its NUL */
#define FTX_STORE_PREFIX_LEN	32	/* bytes of the tenant id kept */
#define FTX_STORE_DIR_LEN	(FTX_STORE_PREFIX_LEN + 1 + 64)
#define FTX_STORE_ID_MAX	200	/* longest export id */

/* One file being written (opaque). */
struct ftx_store_file;

/* What a new file is: whose, which export, which claim, which format. */
struct ftx_store_key {
	const char	*tenant_id;	/* any bytes, not empty */
	const char	*export_id;	/* ftx_store_export_id_valid */
	const char	*token;		/* the claim token, [A-Za-z0-9]{1,64} */
	const char	*suffix;	/* ".csv", ".csv.gz": the sink's format */
};

/* 1 if id can name an export file ([A-Za-z0-9_-]{1,200}), else 0.  id may
 * be NULL (0). */
int ftx_store_export_id_valid(const char *id);

/* The index of the store called name ([exportd] store), or -1. */
int ftx_store_from_name(const char *name);

/*
 * Opens the temporary file of key in cfg's store into *out (NULL on
 * failure), removing temporary files of the same export left by earlier
 * attempts (whatever their suffix).  The caller owns *out: it ends with
 * ftx_store_close.
 */
int ftx_store_open(const struct ftx_config *cfg,
    const struct ftx_store_key *key, struct ftx_store_file **out);

/* Appends buf[len], all of it (EINTR and short writes are handled). */
int ftx_store_write(struct ftx_store_file *f, const void *buf, size_t len);

/* Makes what was written durable (fsync); the file stays temporary and
 * no more can be written.  Done by ftx_store_publish when not yet. */
int ftx_store_sync(struct ftx_store_file *f);

/* Makes the file visible under ftx_store_ref(f), atomically and durably
 * (sync, rename, directory sync).  On failure nothing is published. */
int ftx_store_publish(struct ftx_store_file *f);

/* The reference the file is (to be) published under: a string of at most
 * FTX_STORE_REF_MAX - 1 bytes, f's until ftx_store_close. */
const char *ftx_store_ref(const struct ftx_store_file *f);

/* Frees f; its temporary file, unless published, is removed.  f may be
 * NULL. */
void ftx_store_close(struct ftx_store_file *f);

/* Removes the published file ref (or a temporary one, by its name).  A
 * reference the store did not make is refused (EINVAL), never acted on;
 * a missing file is ENOENT. */
int ftx_store_remove(const struct ftx_config *cfg, const char *ref);

/* Opens ref for reading (close-on-exec, never through a symbolic link).
 * Returns the descriptor, or -1 (ENOENT: the file is gone). */
int ftx_store_open_read(const struct ftx_config *cfg, const char *ref);

/*
 * What the web server is to send for ref (X-Sendfile and the like) into
 * buf[len]: with the local store the path itself, or with sendfile
 * x-accel-redirect the part under export_dir after cfg->sendfile_prefix.
 * Refuses (EINVAL) a reference outside the store, with a "." or ".."
 * component or a control byte, so nothing can redirect or split the
 * header.
 */
int ftx_store_served_path(const struct ftx_config *cfg, const char *ref,
    char *buf, size_t len);

#endif /* FTX_STORE_H */
