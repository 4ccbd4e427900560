/*
 * migrations.h - the numbered SQL migrations of sql/, compiled in.
 *
 * migrations.c is generated from sql/NNN_name.sql by sql/embed.sh at build
 * time, in version order.
 */
#ifndef FTX_MIGRATIONS_H
#define FTX_MIGRATIONS_H

#include <stddef.h>

struct ftx_migration {
	int version;		/* NNN of the file name */
	const char *name;	/* file name without directory */
	const char *sql;	/* whole file */
};

extern const struct ftx_migration ftx_migrations[];
extern const size_t ftx_migrations_count;

#endif /* FTX_MIGRATIONS_H */
