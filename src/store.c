/*
 * store.c - export file names and paths under export_dir.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"
#include "log.h"
#include "store.h"

#define TOKEN_MAX	64

static int
safe_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* 1 if s is 1..max safe bytes. */
static int
safe_name(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || !safe_byte((unsigned char)s[n]))
			return 0;
	return n > 0;
}

int
ftx_store_export_id_valid(const char *id)
{
	return safe_name(id, FTX_STORE_ID_MAX);
}

int
ftx_store_tenant_dir(const char *tenant_id, char *buf, size_t len)
{
	unsigned char md[32];
	size_t i, n;

	if (tenant_id == NULL || *tenant_id == '\0' ||
	    len < FTX_STORE_DIR_LEN + 1 || ftx_crypto_init() == -1) {
		errno = EINVAL;
		return -1;
	}
	n = strlen(tenant_id);
	for (i = 0; i < n && i < FTX_STORE_PREFIX_LEN; i++)
		buf[i] = safe_byte((unsigned char)tenant_id[i]) ?
		    tenant_id[i] : '_';
	buf[i++] = '_';
	gcry_md_hash_buffer(GCRY_MD_SHA256, md, tenant_id, n);
	ftx_hex_encode(md, sizeof(md), buf + i);
	return 0;
}

/* Length of export_dir without its trailing slashes. */
static size_t
base_len(const char *export_dir)
{
	size_t n = strlen(export_dir);

	while (n > 0 && export_dir[n - 1] == '/')
		n--;
	return n;
}

static int
too_long(int n, size_t size)
{
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return 1;
	}
	return 0;
}

/*
 * 0 if directory dir (existing) resolves to realpath(export_dir)/name,
 * i.e. stays inside export_dir; -1 (EINVAL) if not, or -1 with realpath's
 * errno.
 */
static int
resolves_inside(const char *export_dir, const char *dir, const char *name,
    size_t nlen)
{
	char *base, *real = NULL;
	size_t blen;
	int rc = -1;

	if ((base = realpath(export_dir, NULL)) == NULL ||
	    (real = realpath(dir, NULL)) == NULL)
		goto out;
	blen = strcmp(base, "/") == 0 ? 0 : strlen(base);
	if (strncmp(real, base, blen) == 0 && real[blen] == '/' &&
	    strlen(real + blen + 1) == nlen &&
	    memcmp(real + blen + 1, name, nlen) == 0)
		rc = 0;
	else
		errno = EINVAL;
out:
	free(base);
	free(real);
	return rc;
}

/* Removes ".<id>.csv.*.tmp" in the directory dfd: what a worker that died
 * (kill -9, a lost host) left of this export.  Its claim has lapsed, since
 * ours is granted; if it is only stalled, it writes on to an unlinked file
 * and its fenced completion fails. */
static void
remove_stale(int dfd, const char *dir, const char *id)
{
	char prefix[FTX_STORE_ID_MAX + 8];
	struct dirent *e;
	size_t plen, nlen;
	DIR *d;
	int fd;

	snprintf(prefix, sizeof(prefix), ".%s.csv.", id);
	plen = strlen(prefix);
	if ((fd = dup(dfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		nlen = strlen(e->d_name);
		if (nlen > plen + 4 && strncmp(e->d_name, prefix, plen) == 0 &&
		    strcmp(e->d_name + nlen - 4, ".tmp") == 0) {
			log_notice("export %s: removing %s/%s left by an "
			    "earlier attempt", id, dir, e->d_name);
			unlinkat(dfd, e->d_name, 0);
		}
	}
	closedir(d);
}

/* mkdir that accepts an existing directory. */
static int
make_dir(const char *path)
{
	return mkdir(path, 0750) == -1 && errno != EEXIST ? -1 : 0;
}

int
ftx_store_open_tmp(const char *export_dir, const char *tenant_id,
    const char *export_id, const char *token, char *tmp, char *path)
{
	char enc[FTX_STORE_DIR_LEN + 1], dir[FTX_STORE_PATH_MAX], name[300];
	size_t blen = base_len(export_dir);
	int dfd = -1, fd = -1, saved;

	if (!ftx_store_export_id_valid(export_id) ||
	    !safe_name(token, TOKEN_MAX)) {
		errno = EINVAL;
		return -1;
	}
	if (ftx_store_tenant_dir(tenant_id, enc, sizeof(enc)) == -1 ||
	    too_long(snprintf(dir, sizeof(dir), "%.*s/%s", (int)blen,
	    export_dir, enc), sizeof(dir) - 300) ||
	    make_dir(export_dir) == -1 || make_dir(dir) == -1)
		return -1;
	/* The tenant directory itself must not be a link out. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 ||
	    resolves_inside(export_dir, dir, enc, strlen(enc)) == -1)
		goto out;
	remove_stale(dfd, dir, export_id);
	/* Named by the claim token: unique across workers and hosts. */
	snprintf(name, sizeof(name), ".%s.csv.%s.tmp", export_id, token);
	if (too_long(snprintf(tmp, FTX_STORE_PATH_MAX, "%s/%s", dir, name),
	    FTX_STORE_PATH_MAX) || too_long(snprintf(path, FTX_STORE_PATH_MAX,
	    "%s/%s.csv", dir, export_id), FTX_STORE_PATH_MAX))
		goto out;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640);
out:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	errno = saved;
	return fd;
}

int
ftx_store_publish(const char *tmp, const char *path)
{
	char dir[FTX_STORE_PATH_MAX], *slash;
	int dfd, saved;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		errno = EINVAL;
		return -1;
	}
	*slash = '\0';
	if (rename(tmp, path) == -1)
		return -1;
	/* Durable, or not published at all. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fsync(dfd) == -1) {
		saved = errno;
		unlink(path);
		if (dfd != -1)
			close(dfd);
		errno = saved;
		return -1;
	}
	close(dfd);
	return 0;
}

/*
 * 0 if path is export_dir/DIR/FILE with neither component empty, "." or
 * "..", no control byte anywhere, and DIR, if it exists, resolving to a
 * directory of realpath(export_dir); *rel points at DIR.  Else -1.
 */
static int
path_inside(const char *export_dir, const char *path, const char **rel)
{
	char dir[FTX_STORE_PATH_MAX];
	size_t blen = base_len(export_dir), dlen;
	const unsigned char *p;
	const char *file;

	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			goto refused;
	if (strncmp(path, export_dir, blen) != 0 || path[blen] != '/')
		goto refused;
	*rel = path + blen + 1;
	if ((file = strchr(*rel, '/')) == NULL || strchr(file + 1, '/') != NULL)
		goto refused;
	dlen = (size_t)(file - *rel);
	file++;
	if (dlen == 0 || (dlen == 1 && **rel == '.') ||
	    (dlen == 2 && strncmp(*rel, "..", 2) == 0) || *file == '\0' ||
	    strcmp(file, ".") == 0 || strcmp(file, "..") == 0)
		goto refused;
	if (too_long(snprintf(dir, sizeof(dir), "%.*s", (int)(file - 1 - path),
	    path), sizeof(dir)))
		return -1;
	if (resolves_inside(export_dir, dir, *rel, dlen) == -1 &&
	    errno != ENOENT)
		return -1;
	return 0;
refused:
	errno = EINVAL;
	return -1;
}

int
ftx_store_remove(const char *export_dir, const char *path)
{
	const char *rel;

	if (path_inside(export_dir, path, &rel) == -1)
		return -1;
	return unlink(path);
}

int
ftx_store_served_path(const struct ftx_config *cfg, const char *path,
    char *buf, size_t len)
{
	const char *rel;

	if (path_inside(cfg->export_dir, path, &rel) == -1)
		return -1;
	if (cfg->sendfile == FTX_SENDFILE_ACCEL)
		return too_long(snprintf(buf, len, "%s/%s",
		    cfg->sendfile_prefix, rel), len) ? -1 : 0;
	return too_long(snprintf(buf, len, "%s", path), len) ? -1 : 0;
}
