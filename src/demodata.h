/*
 * demodata.h - deterministic demo data: a tenant, its suppliers with their
 * balance accounts, and funding transfers loaded with COPY.
 *
 * The same options give the same data: the generator has its own PRNG
 * seeded from seed alone, so two tenants loaded with one seed hold the same
 * transfers apart from their tenant-specific ids.  Everything is loaded in
 * one transaction: a failed or repeated run leaves nothing behind.
 */
#ifndef FTX_DEMODATA_H
#define FTX_DEMODATA_H

#include <stddef.h>
#include <stdint.h>

struct ftx_db;

#define FTX_DEMO_SUPPLIERS_MAX	100000L
#define FTX_DEMO_TRANSFERS_MAX	100000000L

struct ftx_demo_opts {
	const char *tenant;	/* created with its MARKETPLACE account if missing */
	long suppliers;		/* 1..FTX_DEMO_SUPPLIERS_MAX: SUP-00001.. */
	long transfers;		/* 0..FTX_DEMO_TRANSFERS_MAX */
	uint64_t seed;
};

/* Loads the demo data of *o.  Suppliers that already exist (same external
 * id in the tenant) are reused; transfers of this tenant and seed already
 * loaded are an error.  Runs ANALYZE afterwards.  Returns 0, or -1 with a
 * one-line message in err[errlen]. */
int ftx_demo_load(struct ftx_db *db, const struct ftx_demo_opts *o,
    char *err, size_t errlen);

#endif /* FTX_DEMODATA_H */
