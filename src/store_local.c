/*
 * store_local.c - the local store: export_dir/<tenant dir>/<id><suffix>,
 * the reference being that path (store.h says why the names are safe).
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
#include "store_backend.h"

#define NAME_MAX_LEN	300	/* ".<id><suffix>.<token>.tmp" and NUL */

struct local_file {
	int		 fd;
	char		 tmp[FTX_STORE_REF_MAX];	/* while temporary */
	char		 path[FTX_STORE_REF_MAX];	/* the reference */
};

int
ftx_store_local_tenant_dir(const char *tenant_id, char *buf, size_t len)
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
		buf[i] = ftx_store_safe_byte((unsigned char)tenant_id[i]) ?
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

/* Removes ".<id>.*.tmp" in the directory dfd: what a worker that died
 * (kill -9, a lost host) left of this export, whatever its format (ids
 * hold no '.', so the prefix is this export's alone).  Its claim has
 * lapsed, since ours is granted; if it is only stalled, it writes on to
 * an unlinked file and its fenced completion fails. */
static void
remove_stale(int dfd, const char *dir, const char *id)
{
	char prefix[FTX_STORE_ID_MAX + 8];
	struct dirent *e;
	size_t plen, nlen;
	DIR *d;
	int fd;

	snprintf(prefix, sizeof(prefix), ".%s.", id);
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

/* Opens (creating) export_dir's tenant directory for key into *dfd and
 * its path into dir[FTX_STORE_REF_MAX]: never through a link out. */
static int
tenant_dir(const char *export_dir, const struct ftx_store_key *key,
    char *dir, int *dfd)
{
	char enc[FTX_STORE_DIR_LEN + 1];
	size_t blen = base_len(export_dir);

	if (ftx_store_local_tenant_dir(key->tenant_id, enc, sizeof(enc)) ==
	    -1 || too_long(snprintf(dir, FTX_STORE_REF_MAX, "%.*s/%s",
	    (int)blen, export_dir, enc), FTX_STORE_REF_MAX - NAME_MAX_LEN) ||
	    make_dir(export_dir) == -1 || make_dir(dir) == -1)
		return -1;
	if ((*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	return resolves_inside(export_dir, dir, enc, strlen(enc));
}

static int
local_open(const struct ftx_config *cfg, const struct ftx_store_key *key,
    void **state)
{
	char dir[FTX_STORE_REF_MAX], name[NAME_MAX_LEN];
	struct local_file *f;
	int dfd = -1, rc = -1, saved;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->fd = -1;
	if (tenant_dir(cfg->export_dir, key, dir, &dfd) == -1)
		goto out;
	remove_stale(dfd, dir, key->export_id);
	/* Named by the claim token: unique across workers and hosts. */
	if (too_long(snprintf(name, sizeof(name), ".%s%s.%s.tmp",
	    key->export_id, key->suffix, key->token), sizeof(name)) ||
	    too_long(snprintf(f->tmp, sizeof(f->tmp), "%s/%s", dir, name),
	    sizeof(f->tmp)) ||
	    too_long(snprintf(f->path, sizeof(f->path), "%s/%s%s", dir,
	    key->export_id, key->suffix), sizeof(f->path)))
		goto out;
	if ((f->fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0640)) == -1)
		goto out;
	*state = f;
	rc = 0;
out:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	if (rc == -1)
		free(f);
	errno = saved;
	return rc;
}

static int
local_write(void *state, const void *buf, size_t len)
{
	struct local_file *f = state;
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(f->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
local_sync(void *state)
{
	struct local_file *f = state;
	int rc = fsync(f->fd), saved = errno;

	if (close(f->fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	f->fd = -1;
	errno = saved;
	return rc;
}

static int
local_publish(void *state)
{
	struct local_file *f = state;
	char dir[FTX_STORE_REF_MAX], *slash;
	int dfd, saved;

	snprintf(dir, sizeof(dir), "%s", f->path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		errno = EINVAL;
		return -1;
	}
	*slash = '\0';
	if (rename(f->tmp, f->path) == -1)
		return -1;
	f->tmp[0] = '\0';
	/* Durable, or not published at all. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fsync(dfd) == -1) {
		saved = errno;
		unlink(f->path);
		if (dfd != -1)
			close(dfd);
		errno = saved;
		return -1;
	}
	close(dfd);
	return 0;
}

static const char *
local_ref(const void *state)
{
	const struct local_file *f = state;

	return f->path;
}

static void
local_close(void *state, int published)
{
	struct local_file *f = state;

	if (f->fd != -1)
		close(f->fd);
	if (!published && f->tmp[0] != '\0')
		unlink(f->tmp);
	free(f);
}

/*
 * 0 if path is export_dir/DIR/FILE with neither component empty, "." or
 * "..", no control byte anywhere, and DIR, if it exists, resolving to a
 * directory of realpath(export_dir); *rel points at DIR.  Else -1.
 */
static int
path_inside(const char *export_dir, const char *path, const char **rel)
{
	char dir[FTX_STORE_REF_MAX];
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

static int
local_remove(const struct ftx_config *cfg, const char *ref)
{
	const char *rel;

	if (path_inside(cfg->export_dir, ref, &rel) == -1)
		return -1;
	return unlink(ref);
}

static int
local_open_read(const struct ftx_config *cfg, const char *ref)
{
	const char *rel;

	if (path_inside(cfg->export_dir, ref, &rel) == -1)
		return -1;
	return open(ref, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static int
local_served_path(const struct ftx_config *cfg, const char *ref, char *buf,
    size_t len)
{
	const char *rel;

	if (path_inside(cfg->export_dir, ref, &rel) == -1)
		return -1;
	if (cfg->sendfile == FTX_SENDFILE_ACCEL)
		return too_long(snprintf(buf, len, "%s/%s",
		    cfg->sendfile_prefix, rel), len) ? -1 : 0;
	return too_long(snprintf(buf, len, "%s", ref), len) ? -1 : 0;
}

const struct ftx_store_backend ftx_store_local = {
	"local",
	local_open,
	local_write,
	local_sync,
	local_publish,
	local_ref,
	local_close,
	local_remove,
	local_open_read,
	local_served_path,
};
