/*
 * store.h - where export files live under export_dir: the only code that
 * names them.
 *
 * export_dir/<tenant dir>/<exportId>.csv, the tenant directory being the
 * first 32 bytes of the tenant id with every byte outside [A-Za-z0-9_-]
 * replaced by '_', then '_' and the hex SHA-256 of the whole id: ids
 * sharing a long prefix get distinct directories, and no id (with '/',
 * "..", '%', spaces, quotes, CR or LF) can name a path outside export_dir
 * or put a control byte in a header.  The file is named from the export
 * id alone, which must match [A-Za-z0-9_-]{1,200}.
 *
 * Temporary files are created O_EXCL|O_NOFOLLOW in a tenant directory
 * opened O_NOFOLLOW and checked (realpath) to be inside export_dir;
 * publishing renames atomically and syncs the directory.  Functions
 * returning int give 0, or -1 with errno set (EINVAL for a refused id or
 * path, ELOOP for a symbolic link, ENOSPC/EDQUOT for a full disk...).
 */
#ifndef FTX_STORE_H
#define FTX_STORE_H

#include <stddef.h>

#include "config.h"

#define FTX_STORE_PATH_MAX	4096
#define FTX_STORE_PREFIX_LEN	32	/* bytes of the tenant id kept */
#define FTX_STORE_DIR_LEN	(FTX_STORE_PREFIX_LEN + 1 + 64)
#define FTX_STORE_ID_MAX	200	/* longest export id */

/* 1 if id can name an export file ([A-Za-z0-9_-]{1,200}), else 0.  id may
 * be NULL (0). */
int ftx_store_export_id_valid(const char *id);

/* The directory name of tenant_id (not empty) into buf[len]
 * (FTX_STORE_DIR_LEN + 1 is enough).  0, or -1 (EINVAL). */
int ftx_store_tenant_dir(const char *tenant_id, char *buf, size_t len);

/*
 * Creates the temporary file of export_id of tenant_id for the claim
 * token ([A-Za-z0-9]{1,64}), creating export_dir and the tenant directory
 * when missing and removing temporary files of the same export left by
 * earlier attempts.  Its path goes to tmp[FTX_STORE_PATH_MAX], the path it
 * is to be published at to path[FTX_STORE_PATH_MAX].  Returns the file
 * descriptor, open for writing (close-on-exec), or -1 with errno set.
 */
int ftx_store_open_tmp(const char *export_dir, const char *tenant_id,
    const char *export_id, const char *token, char *tmp, char *path);

/* Renames tmp to path (both from ftx_store_open_tmp) and syncs the
 * directory.  On failure nothing is published: path does not exist (tmp
 * may remain, for the caller to remove). */
int ftx_store_publish(const char *tmp, const char *path);

/* Removes path, a file ftx_store_open_tmp named (published or temporary),
 * if it is inside export_dir: a path outside is refused (EINVAL), never
 * removed.  A missing file is ENOENT. */
int ftx_store_remove(const char *export_dir, const char *path);

/*
 * The path the web server is to send for path (as recorded when the file
 * was published) into buf[len]: path itself, or with sendfile
 * x-accel-redirect the part under export_dir after cfg->sendfile_prefix.
 * Refuses (EINVAL) a path outside export_dir, with a "." or ".." component
 * or a control byte, so nothing can redirect or split the header.
 */
int ftx_store_served_path(const struct ftx_config *cfg, const char *path,
    char *buf, size_t len);

#endif /* FTX_STORE_H */
