/*
 * dimcache.c - a responder's cache of balance-account types and supplier
 * names (see dimcache.h for the staleness rule).
 *
 * One open-addressing hash table keyed by (kind, id); the strings are
 * copied into an arena of blocks.  Dropping the cache empties the table
 * and keeps the first block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dimcache.h"
#include "log.h"
#include "query.h"

#define KIND_ACCOUNT	'a'
#define KIND_SUPPLIER	's'
#define KIND_SCOPE	'S'	/* a supplier's balance accounts */
#define TABLE_MIN	1024		/* slots; a power of two */
#define BLOCK_SIZE	65536

struct entry {
	const char	*id;		/* NULL: free slot */
	const char	*a;		/* account type, supplier external id,
					 * or packed account ids */
	const char	*b;		/* supplier name */
	uint32_t	 hash;
	int		 n;		/* number of packed account ids */
	char		 kind;
};

struct block {
	struct block	*next;
	size_t		 used;
	size_t		 size;
	char		 data[];
};

struct ftx_dimcache {
	struct entry	*table;
	size_t		 cap;		/* slots, a power of two */
	int		 count;
	int64_t		 filled_ms;	/* when the first entry came; -1: empty */
	struct block	*blocks;	/* newest first */
	struct ftx_dimcache_refs *rows;	/* of the last page filled */
	int		 rows_cap;
};

/* What a page needs that the cache lacks. */
struct missing {
	const char	**accounts;
	const char	**suppliers;
	size_t		  naccounts;
	size_t		  nsuppliers;
};

static const char fill_sql[] =
    "SELECT 'a', id, type, NULL FROM balance_accounts "
    "WHERE id = ANY($1::text[]) "
    "UNION ALL "
    "SELECT 's', id, external_id, name FROM suppliers "
    "WHERE id = ANY($2::text[])";

static uint32_t
hash_id(char kind, const char *id)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	h = (h ^ (unsigned char)kind) * 16777619u;
	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static struct block *
block_new(size_t size, struct block *next)
{
	struct block *b;

	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = next;
	b->used = 0;
	b->size = size;
	return b;
}

/* n bytes of room in the arena, or NULL when out of memory. */
static char *
arena_alloc(struct ftx_dimcache *c, size_t n)
{
	struct block *b = c->blocks;
	char *p;

	if (b == NULL || b->size - b->used < n) {
		if ((b = block_new(n > BLOCK_SIZE ? n : BLOCK_SIZE,
		    c->blocks)) == NULL)
			return NULL;
		c->blocks = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

/* A copy of s in the arena, or NULL when out of memory. */
static const char *
arena_strdup(struct ftx_dimcache *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if ((p = arena_alloc(c, n)) != NULL)
		memcpy(p, s, n);
	return p;
}

static void
drop(struct ftx_dimcache *c)
{
	struct block *b, *next;

	memset(c->table, 0, c->cap * sizeof(*c->table));
	c->count = 0;
	c->filled_ms = -1;
	if ((b = c->blocks) == NULL)
		return;
	/* The oldest block stays, for the next fill. */
	while (b->next != NULL) {
		next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	c->blocks = b;
}

struct ftx_dimcache *
ftx_dimcache_new(void)
{
	struct ftx_dimcache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->table = calloc(TABLE_MIN, sizeof(*c->table))) == NULL) {
		free(c);
		return NULL;
	}
	c->cap = TABLE_MIN;
	c->filled_ms = -1;
	return c;
}

void
ftx_dimcache_free(struct ftx_dimcache *c)
{
	struct block *b, *next;

	if (c == NULL)
		return;
	for (b = c->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(c->table);
	free(c->rows);
	free(c);
}

static const struct entry *
find(const struct ftx_dimcache *c, char kind, const char *id)
{
	uint32_t h = hash_id(kind, id);
	size_t i, mask = c->cap - 1;

	for (i = h & mask; c->table[i].id != NULL; i = (i + 1) & mask) {
		const struct entry *e = &c->table[i];

		if (e->hash == h && e->kind == kind && strcmp(e->id, id) == 0)
			return e;
	}
	return NULL;
}

/* The free slot where hash h goes in table[cap] (at most half full). */
static struct entry *
free_slot(struct entry *table, size_t cap, uint32_t h)
{
	size_t i;

	for (i = h & (cap - 1); table[i].id != NULL; i = (i + 1) & (cap - 1))
		;
	return &table[i];
}

/* Doubles the table.  0, or -1 when out of memory (nothing changed). */
static int
grow(struct ftx_dimcache *c)
{
	struct entry *old = c->table, *t;
	size_t i, cap = c->cap * 2;

	if ((t = calloc(cap, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < c->cap; i++)
		if (old[i].id != NULL)
			*free_slot(t, cap, old[i].hash) = old[i];
	free(old);
	c->table = t;
	c->cap = cap;
	return 0;
}

/* The entry of (kind, id), new or to be overwritten, with id and hash
 * set; NULL when out of memory (the cache is then empty).  A full cache
 * is dropped first. */
static struct entry *
slot(struct ftx_dimcache *c, char kind, const char *id)
{
	struct entry *e;
	uint32_t h = hash_id(kind, id);

	if ((e = (struct entry *)find(c, kind, id)) != NULL)
		return e;
	if (c->count >= FTX_DIMCACHE_MAX)
		drop(c);
	/* At most half full: probes stay short. */
	if ((size_t)(c->count + 1) * 2 > c->cap && grow(c) == -1)
		goto oom;
	e = free_slot(c->table, c->cap, h);
	if ((e->id = arena_strdup(c, id)) == NULL)
		goto oom;
	e->hash = h;
	e->kind = kind;
	e->a = e->b = NULL;
	e->n = 0;
	c->count++;
	return e;
oom:
	drop(c);
	return NULL;
}

int
ftx_dimcache_put_account(struct ftx_dimcache *c, const char *id,
    const char *type)
{
	struct entry *e;

	if ((e = slot(c, KIND_ACCOUNT, id)) == NULL ||
	    (e->a = arena_strdup(c, type)) == NULL) {
		drop(c);
		return -1;
	}
	return 0;
}

int
ftx_dimcache_put_supplier(struct ftx_dimcache *c, const char *id,
    const char *external_id, const char *name)
{
	struct entry *e;

	if ((e = slot(c, KIND_SUPPLIER, id)) == NULL ||
	    (e->a = arena_strdup(c, external_id)) == NULL ||
	    (e->b = arena_strdup(c, name)) == NULL) {
		drop(c);
		return -1;
	}
	return 0;
}

int
ftx_dimcache_put_scope(struct ftx_dimcache *c, const char *supplier_id,
    const char *const *ids, int n)
{
	struct entry *e;
	size_t len = 1;
	char *p;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(ids[i]) + 1;
	if ((e = slot(c, KIND_SCOPE, supplier_id)) == NULL ||
	    (p = arena_alloc(c, len)) == NULL) {
		drop(c);
		return -1;
	}
	e->a = p;
	e->n = n;
	for (i = 0; i < n; i++) {
		len = strlen(ids[i]) + 1;
		memcpy(p, ids[i], len);
		p += len;
	}
	*p = '\0';
	return 0;
}

int
ftx_dimcache_count(const struct ftx_dimcache *c)
{
	return c->count;
}

const char *
ftx_dimcache_account_type(const struct ftx_dimcache *c, const char *id)
{
	const struct entry *e = find(c, KIND_ACCOUNT, id);

	return e != NULL ? e->a : NULL;
}

int
ftx_dimcache_supplier(const struct ftx_dimcache *c, const char *id,
    const char **external_id, const char **name)
{
	const struct entry *e = find(c, KIND_SUPPLIER, id);

	if (e == NULL)
		return -1;
	*external_id = e->a;
	*name = e->b;
	return 0;
}

int
ftx_dimcache_scope(struct ftx_dimcache *c, const char *supplier_id,
    const char **ids)
{
	const struct entry *e;

	ftx_dimcache_age(c, ftx_clock_ms());
	if ((e = find(c, KIND_SCOPE, supplier_id)) == NULL)
		return -1;
	*ids = e->a;
	return e->n;
}

int
ftx_dimcache_age(struct ftx_dimcache *c, int64_t now_ms)
{
	if (c->filled_ms >= 0 && now_ms - c->filled_ms >= FTX_DIMCACHE_TTL_MS) {
		drop(c);
		c->filled_ms = now_ms;
		return 1;
	}
	if (c->filled_ms < 0)
		c->filled_ms = now_ms;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts list and removes repeats; returns the new length. */
static size_t
unique(const char **list, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(list, n, sizeof(*list), cmp_str);
	for (i = 1; i < n; i++)
		if (strcmp(list[i], list[out]) != 0)
			list[++out] = list[i];
	return out + 1;
}

/* Room for the references of n rows.  0, or -1 when out of memory. */
static int
reserve_rows(struct ftx_dimcache *c, int n)
{
	struct ftx_dimcache_refs *rows;

	if (n <= c->rows_cap)
		return 0;
	if ((rows = realloc(c->rows, (size_t)n * sizeof(*rows))) == NULL)
		return -1;
	c->rows = rows;
	c->rows_cap = n;
	return 0;
}

/* Resolves rows [0, n) of res into c->rows; with m non-NULL, lists what
 * the cache lacks in m (which has room for 2n accounts and n suppliers).
 * Returns the number of ids missing (repeats included). */
static size_t
resolve(struct ftx_dimcache *c, const PGresult *res, int n,
    const struct ftx_dimcache_cols *cols, struct missing *m)
{
	const struct entry *e;
	const char *src, *tgt, *sup;
	size_t missing = 0;
	int row;

	for (row = 0; row < n; row++) {
		struct ftx_dimcache_refs *r = &c->rows[row];

		src = PQgetvalue(res, row, cols->source_account);
		tgt = PQgetvalue(res, row, cols->target_account);
		sup = PQgetvalue(res, row, cols->supplier);
		e = find(c, KIND_ACCOUNT, src);
		r->source_type = e != NULL ? e->a : NULL;
		if (e == NULL && m != NULL)
			m->accounts[m->naccounts++] = src;
		e = find(c, KIND_ACCOUNT, tgt);
		r->target_type = e != NULL ? e->a : NULL;
		if (e == NULL && m != NULL)
			m->accounts[m->naccounts++] = tgt;
		e = find(c, KIND_SUPPLIER, sup);
		r->supplier_external_id = e != NULL ? e->a : NULL;
		r->supplier_name = e != NULL ? e->b : NULL;
		if (e == NULL && m != NULL)
			m->suppliers[m->nsuppliers++] = sup;
		missing += (r->source_type == NULL) +
		    (r->target_type == NULL) + (r->supplier_name == NULL);
	}
	return missing;
}

/* Runs fill_sql for m and stores what it read.  0, or -1. */
static int
load(struct ftx_dimcache *c, struct ftx_db *db, const struct missing *m)
{
	const char *params[2];
	char *accounts, *suppliers;
	PGresult *res;
	int i, rc = 0;

	accounts = ftx_query_text_array(m->accounts, m->naccounts);
	suppliers = ftx_query_text_array(m->suppliers, m->nsuppliers);
	if (accounts == NULL || suppliers == NULL) {
		free(accounts);
		free(suppliers);
		return -1;
	}
	params[0] = accounts;
	params[1] = suppliers;
	res = ftx_db_query(db, fill_sql, 2, params);
	free(accounts);
	free(suppliers);
	if (res == NULL)
		return -1;
	if (!ftx_db_ok(res)) {
		log_err("dimension cache query failed: %s",
		    PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		if (PQgetvalue(res, i, 0)[0] == KIND_ACCOUNT)
			rc = ftx_dimcache_put_account(c, PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 2));
		else
			rc = ftx_dimcache_put_supplier(c,
			    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
			    PQgetvalue(res, i, 3));
	}
	PQclear(res);
	return rc;
}

int
ftx_dimcache_fill(struct ftx_dimcache *c, struct ftx_db *db,
    const PGresult *res, int n, const struct ftx_dimcache_cols *cols)
{
	struct missing m = { NULL, NULL, 0, 0 };
	int64_t now = ftx_clock_ms();
	int rc = -1;

	if (n <= 0)
		return 0;
	if (reserve_rows(c, n) == -1)
		return -1;
	ftx_dimcache_age(c, now);
	/* The common case: every row resolved, nothing allocated. */
	if (resolve(c, res, n, cols, NULL) == 0)
		return 0;
	m.accounts = malloc((size_t)n * 2 * sizeof(*m.accounts));
	m.suppliers = malloc((size_t)n * sizeof(*m.suppliers));
	if (m.accounts == NULL || m.suppliers == NULL)
		goto out;
	/* Room for the whole page, so that no entry it needs is dropped
	 * while the page is filled in. */
	if ((size_t)c->count + (size_t)n * 3 > FTX_DIMCACHE_MAX) {
		drop(c);
		ftx_dimcache_age(c, now);
	}
	(void)resolve(c, res, n, cols, &m);
	m.naccounts = unique(m.accounts, m.naccounts);
	m.nsuppliers = unique(m.suppliers, m.nsuppliers);
	if ((rc = load(c, db, &m)) == 0)
		(void)resolve(c, res, n, cols, NULL);
out:
	free(m.accounts);
	free(m.suppliers);
	return rc;
}

const struct ftx_dimcache_refs *
ftx_dimcache_row(const struct ftx_dimcache *c, int row)
{
	return &c->rows[row];
}
