/*
 * store_backend.h - the seam between the store's callers and where files
 * are kept: one implementation per file (store_local.c), each a struct of
 * function pointers; store.c picks one by cfg->store ([exportd] store).
 * For store*.c (and their tests) only: callers use store.h.
 *
 * Adding a store: store_<name>.c defining a struct ftx_store_backend, its
 * extern line below, its line in store.c's table, and its name in the
 * [exportd] store key's documentation.
 */
#ifndef FTX_STORE_BACKEND_H
#define FTX_STORE_BACKEND_H

#include <stddef.h>

#include "config.h"
#include "store.h"

/* Every int function: 0, or -1 with errno set.  A file's state is the
 * backend's (void *), made by open and freed by close only. */
struct ftx_store_backend {
	const char	*name;
	/* key's ids are checked already (export id, token). */
	int	(*open)(const struct ftx_config *cfg,
		    const struct ftx_store_key *key, void **state);
	int	(*write)(void *state, const void *buf, size_t len);
	/* Durable, still temporary; nothing is written after it. */
	int	(*sync)(void *state);
	/* Called once, after sync: visible at ref, atomically. */
	int	(*publish)(void *state);
	const char *(*ref)(const void *state);
	/* Frees state; removes the temporary file unless published. */
	void	(*close)(void *state, int published);
	int	(*remove)(const struct ftx_config *cfg, const char *ref);
	int	(*open_read)(const struct ftx_config *cfg, const char *ref);
	int	(*served_path)(const struct ftx_config *cfg, const char *ref,
		    char *buf, size_t len);
};

extern const struct ftx_store_backend ftx_store_local;

/* 1 if c is in [A-Za-z0-9_-], the bytes a name may hold. */
int ftx_store_safe_byte(unsigned char c);

/* The local store's directory name for tenant_id (not empty) into
 * buf[len] (FTX_STORE_DIR_LEN + 1 is enough).  0, or -1 (EINVAL). */
int ftx_store_local_tenant_dir(const char *tenant_id, char *buf, size_t len);

#endif /* FTX_STORE_BACKEND_H */
