/*
 * migrate.h - applies the compiled-in SQL migrations (migrations.h).
 *
 * Applied versions are recorded in schema_migrations(version, name,
 * applied_at), which ftx_migrate() creates itself.  Each migration runs in
 * its own transaction together with its schema_migrations row, so a failed
 * one leaves nothing, under a transaction-level advisory lock that
 * serialises concurrent runs (and holds behind a transaction-pooling
 * PgBouncer, where a session lock would not).
 */
#ifndef FTX_MIGRATE_H
#define FTX_MIGRATE_H

struct ftx_db;

/* Key of the pg_advisory_xact_lock() held while migrating. */
#define FTX_MIGRATE_LOCK_KEY	"7370232001"

/* Applies every migration of ftx_migrations[] not yet recorded, in version
 * order.  *applied (may be NULL) receives the number applied.  Returns 0,
 * or -1 after logging the failure (naming the migration); migrations
 * applied before the failure stay applied. */
int ftx_migrate(struct ftx_db *db, int *applied);

/* Highest version recorded in schema_migrations into *version (0 if none
 * or the table does not exist yet).  Returns 0, or -1 (logged). */
int ftx_migrate_version(struct ftx_db *db, int *version);

#endif /* FTX_MIGRATE_H */
