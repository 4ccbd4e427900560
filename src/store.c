/*
 * store.c - the store role: checks what names a file, picks the backend
 * ([exportd] store) and keeps each file's state (synced, published).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_backend.h"

#define TOKEN_MAX	64

/* Indexed by cfg->store: the values of [exportd] store. */
static const struct ftx_store_backend *const backends[] = {
	&ftx_store_local,
};

#define NBACKENDS	(sizeof(backends) / sizeof(backends[0]))

struct ftx_store_file {
	const struct ftx_store_backend *be;
	void		*state;
	int		 sealed;	/* sync tried: no more writes */
	int		 synced;	/* and succeeded */
	int		 published;
};

int
ftx_store_safe_byte(unsigned char c)
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
		if (n >= max || !ftx_store_safe_byte((unsigned char)s[n]))
			return 0;
	return n > 0;
}

int
ftx_store_export_id_valid(const char *id)
{
	return safe_name(id, FTX_STORE_ID_MAX);
}

int
ftx_store_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* The backend of cfg; the configuration checked the index. */
static const struct ftx_store_backend *
backend(const struct ftx_config *cfg)
{
	size_t i = cfg->store >= 0 && (size_t)cfg->store < NBACKENDS ?
	    (size_t)cfg->store : 0;

	return backends[i];
}

/* 1 if the suffix is "." and safe bytes (".csv", ".csv.gz"). */
static int
suffix_valid(const char *s)
{
	if (s == NULL || *s != '.' || strlen(s) > 16)
		return 0;
	for (; *s != '\0'; s++)
		if (*s != '.' && !ftx_store_safe_byte((unsigned char)*s))
			return 0;
	return 1;
}

int
ftx_store_open(const struct ftx_config *cfg, const struct ftx_store_key *key,
    struct ftx_store_file **out)
{
	struct ftx_store_file *f;

	*out = NULL;
	if (!ftx_store_export_id_valid(key->export_id) ||
	    !safe_name(key->token, TOKEN_MAX) || !suffix_valid(key->suffix) ||
	    key->tenant_id == NULL || *key->tenant_id == '\0') {
		errno = EINVAL;
		return -1;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->be = backend(cfg);
	if (f->be->open(cfg, key, &f->state) == -1) {
		free(f);
		return -1;
	}
	*out = f;
	return 0;
}

int
ftx_store_write(struct ftx_store_file *f, const void *buf, size_t len)
{
	if (f->sealed) {
		errno = EBADF;
		return -1;
	}
	return len == 0 ? 0 : f->be->write(f->state, buf, len);
}

int
ftx_store_sync(struct ftx_store_file *f)
{
	if (f->sealed) {
		if (f->synced)
			return 0;
		errno = EIO;	/* failed before: the data may be lost */
		return -1;
	}
	f->sealed = 1;
	if (f->be->sync(f->state) == -1)
		return -1;
	f->synced = 1;
	return 0;
}

int
ftx_store_publish(struct ftx_store_file *f)
{
	if (f->published) {
		errno = EINVAL;
		return -1;
	}
	if (ftx_store_sync(f) == -1)
		return -1;
	if (f->be->publish(f->state) == -1)
		return -1;
	f->published = 1;
	return 0;
}

const char *
ftx_store_ref(const struct ftx_store_file *f)
{
	return f->be->ref(f->state);
}

void
ftx_store_close(struct ftx_store_file *f)
{
	if (f == NULL)
		return;
	f->be->close(f->state, f->published);
	free(f);
}

int
ftx_store_remove(const struct ftx_config *cfg, const char *ref)
{
	return backend(cfg)->remove(cfg, ref);
}

int
ftx_store_open_read(const struct ftx_config *cfg, const char *ref)
{
	return backend(cfg)->open_read(cfg, ref);
}

int
ftx_store_served_path(const struct ftx_config *cfg, const char *ref,
    char *buf, size_t len)
{
	return backend(cfg)->served_path(cfg, ref, buf, len);
}
