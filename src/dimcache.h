/*
 * dimcache.h - a responder's cache of the rows a transfer refers to: the
 * type of each balance account and the external id and name of each
 * supplier; and of each supplier's balance accounts (its scope).
 *
 * A transfer-list page names at most three of them per row, and most rows
 * of a page share a few: answering from this cache instead of joining
 * balance_accounts twice and suppliers once per row more than halves what
 * PostgreSQL does for a page (see contrib/bench/api).
 *
 * Staleness rule: the whole cache is dropped FTX_DIMCACHE_TTL_MS after it
 * was first filled, so a value shown is never older than that (a renamed
 * supplier appears under its new name within 2 seconds, as a revoked key
 * stops working within the auth cache's 2 seconds; an account given to
 * another supplier leaves the first one's list within 2 seconds, as a
 * user's role or supplier does in the auth cache).  Upstream systems own
 * these tables, so nothing is added to their write path.  Exports join
 * the tables in their own snapshot and are exact.
 *
 * Memory: strings live in an arena that grows in blocks; the cache is
 * dropped whole when it holds FTX_DIMCACHE_MAX entries.  A hit allocates
 * nothing.
 */
#ifndef FTX_DIMCACHE_H
#define FTX_DIMCACHE_H

#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"

#define FTX_DIMCACHE_TTL_MS	2000
#define FTX_DIMCACHE_MAX	65536	/* entries, accounts and suppliers */

struct ftx_dimcache;

/* The columns of a result row that name a balance account or supplier. */
struct ftx_dimcache_cols {
	int	source_account;
	int	target_account;
	int	supplier;
};

/* Returns an empty cache, or NULL when out of memory. */
struct ftx_dimcache *ftx_dimcache_new(void);

/* Frees c.  c may be NULL. */
void ftx_dimcache_free(struct ftx_dimcache *c);

/* What one row of a page refers to; NULL for anything not found. */
struct ftx_dimcache_refs {
	const char	*source_type;		/* MARKETPLACE or SUPPLIER */
	const char	*target_type;
	const char	*supplier_external_id;
	const char	*supplier_name;
};

/* Makes every balance account and supplier named in rows [0, n) of res
 * known, with one query for those not cached (none when all are), and
 * resolves each row for ftx_dimcache_row().  Returns 0, or -1 when the
 * database is unavailable, the query failed (logged) or memory ran out. */
int ftx_dimcache_fill(struct ftx_dimcache *c, struct ftx_db *db,
    const PGresult *res, int n, const struct ftx_dimcache_cols *cols);

/* What row (0 .. n - 1) of the result last given to ftx_dimcache_fill()
 * refers to; valid until the next call on c. */
const struct ftx_dimcache_refs *ftx_dimcache_row(const struct ftx_dimcache *c,
    int row);

/* A supplier's scope (its balance accounts), which transfers.c reads for
 * every page of a SUPPLIER: sets *ids to the ids packed one after the
 * other, each NUL-terminated, and returns their number, or returns -1 when
 * it is not cached. */
int ftx_dimcache_scope(struct ftx_dimcache *c, const char *supplier_id,
    const char **ids);

/* Caches the n balance-account ids of supplier_id.  0, or -1 when out of
 * memory (the cache is then empty). */
int ftx_dimcache_put_scope(struct ftx_dimcache *c, const char *supplier_id,
    const char *const *ids, int n);

/* ---- for tests: the parts ftx_dimcache_fill() is made of, and lookups
 * of one entry ---- */

/* Drops everything if the cache was first filled FTX_DIMCACHE_TTL_MS or
 * more before now_ms; starts the age of an empty cache at now_ms.  Returns 1 when it
 * dropped entries, else 0. */
int ftx_dimcache_age(struct ftx_dimcache *c, int64_t now_ms);

/* Adds balance account id of type type, or supplier id (external id, name).
 * A full cache is dropped first.  Returns 0, or -1 when out of memory (the
 * cache is then empty). */
int ftx_dimcache_put_account(struct ftx_dimcache *c, const char *id,
    const char *type);
int ftx_dimcache_put_supplier(struct ftx_dimcache *c, const char *id,
    const char *external_id, const char *name);

/* The type (MARKETPLACE or SUPPLIER) of balance account id, or NULL when
 * it is not cached (or does not exist). */
const char *ftx_dimcache_account_type(const struct ftx_dimcache *c,
    const char *id);

/* Sets *external_id and *name of supplier id and returns 0, or returns -1
 * when it is not cached (or does not exist). */
int ftx_dimcache_supplier(const struct ftx_dimcache *c, const char *id,
    const char **external_id, const char **name);

/* The number of entries. */
int ftx_dimcache_count(const struct ftx_dimcache *c);

#endif /* FTX_DIMCACHE_H */
