/*
 * admin_main.c - ftx-admin: migrations, tenants, suppliers, users, API keys
 * and demo data, for sysadmins.
 *
 * Parses the command line and dispatches.  Exit status: 0 success, 1 an
 * operational error (message on stderr), 2 bad usage.  stdout carries only
 * the result (an id, a key, a list), so scripts can capture it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "admin_webhook.h"
#include "apikey.h"
#include "config.h"
#include "db.h"
#include "demodata.h"
#include "exports.h"
#include "log.h"
#include "migrate.h"
#include "notify_webhook.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define EXIT_USAGE	2

static char progname[] = "ftx-admin";

struct args {
	const char *tenant, *email, *role, *supplier, *external_id, *name;
	const char *user, *status, *pos[2];
	long suppliers, transfers;
	uint64_t seed;
};

struct command {
	const char *noun, *verb;	/* verb NULL: a one-word command */
	const char *allowed;		/* option letters it takes */
	const char *required;		/* option letters it needs */
	int npos;			/* positional arguments */
	int (*check)(struct args *, char *, size_t);	/* or NULL */
	int (*run)(struct ftx_db *, struct args *, char *, size_t);
	const char *usage;
};

static const struct option longopts[] = {
	{ "tenant",	 required_argument, NULL, 't' },
	{ "email",	 required_argument, NULL, 'e' },
	{ "role",	 required_argument, NULL, 'r' },
	{ "supplier",	 required_argument, NULL, 's' },
	{ "external-id", required_argument, NULL, 'x' },
	{ "name",	 required_argument, NULL, 'n' },
	{ "user",	 required_argument, NULL, 'u' },
	{ "suppliers",	 required_argument, NULL, 'S' },
	{ "transfers",	 required_argument, NULL, 'T' },
	{ "seed",	 required_argument, NULL, 'D' },
	{ "status",	 required_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

static int
run_migrate(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	int applied, version;

	if (ftx_migrate(db, &applied) == -1 ||
	    ftx_migrate_version(db, &version) == -1) {
		snprintf(err, errlen, "migration failed");
		return -1;
	}
	printf("schema at version %d, %d migration%s applied\n", version,
	    applied, applied == 1 ? "" : "s");
	return 0;
}

static int
run_tenant_add(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	if (ftx_tenant_add(db, a->pos[0], a->pos[1], err, errlen) == -1)
		return -1;
	printf("%s\n", a->pos[0]);
	return 0;
}

static int
run_supplier_add(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	char id[FTX_ID_MAX + 1];

	if (ftx_supplier_add(db, a->tenant, a->external_id, a->name, id,
	    sizeof(id), err, errlen) == -1)
		return -1;
	printf("%s\n", id);
	return 0;
}

static int
run_user_add(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	char id[FTX_ID_MAX + 1];

	if (ftx_user_add(db, a->tenant, a->email, a->role, a->supplier, id,
	    sizeof(id), err, errlen) == -1)
		return -1;
	printf("%s\n", id);
	return 0;
}

static int
check_user_add(struct args *a, char *err, size_t errlen)
{
	return ftx_user_check(a->email, a->role, a->supplier, err, errlen);
}

static int
run_user_disable(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_user_disable(db, a->pos[0], err, errlen);
}

static int
run_user_list(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_user_list(db, a->tenant, stdout, err, errlen);
}

static int
run_key_create(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	char key[FTX_APIKEY_LEN];

	if (ftx_crypto_init() == -1) {
		snprintf(err, errlen, "libgcrypt initialisation failed");
		return -1;
	}
	if (ftx_key_create(db, a->pos[0], key, sizeof(key), err, errlen) == -1)
		return -1;
	printf("%s\n", key);
	fflush(stdout);
	explicit_bzero(key, sizeof(key));
	return 0;
}

static int
run_key_revoke(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_key_revoke(db, a->pos[0], err, errlen);
}

static int
check_key_revoke(struct args *a, char *err, size_t errlen)
{
	char keyid[FTX_APIKEY_ID_MAX + 1];

	return ftx_key_parse(a->pos[0], keyid, err, errlen);
}

static int
run_key_list(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_key_list(db, a->user, stdout, err, errlen);
}

static int
run_demo_data(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	struct ftx_demo_opts o = { a->tenant, a->suppliers, a->transfers,
	    a->seed };

	if (ftx_demo_load(db, &o, err, errlen) == -1)
		return -1;
	printf("tenant %s: %ld suppliers, %ld transfers loaded (seed %"
	    PRIu64 ")\n", o.tenant, o.suppliers, o.transfers, o.seed);
	return 0;
}

static int
run_export_list(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_exports_list(db, a->tenant, a->user, a->status, stdout, err,
	    errlen);
}

static int
check_export_list(struct args *a, char *err, size_t errlen)
{
	if (a->status == NULL || ftx_exports_status_valid(a->status))
		return 0;
	snprintf(err, errlen, "--status must be PENDING, READY, FAILED or "
	    "EXPIRED");
	return -1;
}

static int
run_export_show(struct ftx_db *db, struct args *a, char *err, size_t errlen)
{
	return ftx_exports_show(db, a->pos[0], stdout, err, errlen);
}

/* Cancels a PENDING export of any user, as its owner's DELETE would. */
static int
run_export_cancel(struct ftx_db *db, struct args *a, char *err,
    size_t errlen)
{
	static const char *const why[] = {
		[FTX_EXPORTS_NOT_FOUND] = "no such export",
		[FTX_EXPORTS_CONFLICT] = "the export is not PENDING",
		[FTX_EXPORTS_KEY_REUSED] = "cannot cancel the export",
		[FTX_EXPORTS_DOWN] = "the database is unavailable",
		[FTX_EXPORTS_ERROR] = "cannot cancel the export",
	};
	struct ftx_export *e = NULL;
	enum ftx_exports_rc rc;

	rc = ftx_exports_cancel(db, a->pos[0], NULL, &e);
	if (rc == FTX_EXPORTS_OK)
		printf("%s\n", ftx_export_id(e));
	else
		snprintf(err, errlen, "%s: %.100s", why[rc], a->pos[0]);
	ftx_export_free(e);
	return rc == FTX_EXPORTS_OK ? 0 : -1;
}

static const struct command commands[] = {
	{ "migrate", NULL, "", "", 0, NULL, run_migrate, "migrate" },
	{ "tenant", "add", "", "", 2, NULL, run_tenant_add,
	    "tenant add ID NAME" },
	{ "supplier", "add", "txn", "txn", 0, NULL, run_supplier_add,
	    "supplier add --tenant T --external-id X --name NAME" },
	{ "user", "add", "ters", "ter", 0, check_user_add, run_user_add,
	    "user add --tenant T --email E --role OPERATOR|SUPPLIER"
	    " [--supplier EXTERNAL_ID]" },
	{ "user", "disable", "", "", 1, NULL, run_user_disable,
	    "user disable USER_ID" },
	{ "user", "list", "t", "", 0, NULL, run_user_list,
	    "user list [--tenant T]" },
	{ "key", "create", "", "", 1, NULL, run_key_create,
	    "key create USER_ID" },
	{ "key", "revoke", "", "", 1, check_key_revoke, run_key_revoke,
	    "key revoke KEYID|KEY" },
	{ "key", "list", "u", "", 0, NULL, run_key_list,
	    "key list [--user USER_ID]" },
	{ "export", "list", "tuk", "", 0, check_export_list, run_export_list,
	    "export list [--tenant T] [--user USER_ID] [--status S]" },
	{ "export", "show", "", "", 1, NULL, run_export_show,
	    "export show EXPORT_ID" },
	{ "export", "cancel", "", "", 1, NULL, run_export_cancel,
	    "export cancel EXPORT_ID" },
	{ "demo-data", NULL, "tSTD", "tSTD", 0, NULL, run_demo_data,
	    "demo-data --tenant T --suppliers N --transfers N --seed S" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(const struct command *c)
{
	size_t i;

	if (c != NULL) {
		fprintf(stderr, "usage: ftx-admin [-c CONFIG] %s\n", c->usage);
		return;
	}
	fprintf(stderr, "usage: ftx-admin [-c CONFIG] [-V] COMMAND ...\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "  %s\n", commands[i].usage);
	ftx_admin_webhook_usage(stderr);
}

/* Parses a decimal number in min..max into *v.  0 or -1. */
static int
parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' || *v < min || *v > max ? -1 : 0;
}

/* Stores option ch's argument; -1 if it is not a valid value. */
static int
set_option(struct args *a, int ch, const char *arg)
{
	uint64_t v;

	switch (ch) {
	case 't': a->tenant = arg; return 0;
	case 'e': a->email = arg; return 0;
	case 'r': a->role = arg; return 0;
	case 's': a->supplier = arg; return 0;
	case 'x': a->external_id = arg; return 0;
	case 'n': a->name = arg; return 0;
	case 'u': a->user = arg; return 0;
	case 'k': a->status = arg; return 0;
	case 'D': return parse_num(arg, 0, UINT64_MAX, &a->seed);
	case 'S':
		if (parse_num(arg, 1, FTX_DEMO_SUPPLIERS_MAX, &v) == -1)
			return -1;
		a->suppliers = (long)v;
		return 0;
	case 'T':
		if (parse_num(arg, 0, FTX_DEMO_TRANSFERS_MAX, &v) == -1)
			return -1;
		a->transfers = (long)v;
		return 0;
	}
	return -1;
}

/* Parses argv (argv[0] being the command's last word) for c into *a. */
static int
parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	char seen[16] = "", err[256];
	const char *r;
	int ch, i, li = 0;

	optind = 0;	/* glibc: restart scanning with a new optstring */
	while ((ch = getopt_long(argc, argv, "+", longopts, &li)) != -1) {
		if (ch == '?' || strchr(c->allowed, ch) == NULL) {
			if (ch != '?')
				fprintf(stderr, "ftx-admin: option --%s not"
				    " allowed here\n", longopts[li].name);
			return -1;
		}
		if (set_option(a, ch, optarg) == -1) {
			fprintf(stderr, "ftx-admin: --%s: not a number in"
			    " range: %s\n", longopts[li].name, optarg);
			return -1;
		}
		if (strchr(seen, ch) == NULL && strlen(seen) < sizeof(seen) - 1)
			seen[strlen(seen)] = (char)ch;
	}
	for (r = c->required; *r != '\0'; r++)
		if (strchr(seen, *r) == NULL)
			return -1;
	if (argc - optind != c->npos)
		return -1;
	for (i = 0; i < c->npos; i++)
		a->pos[i] = argv[optind + i];
	if (c->check != NULL && c->check(a, err, sizeof(err)) == -1) {
		fprintf(stderr, "ftx-admin: %s\n", err);
		return -1;
	}
	return 0;
}

/* Loads the configuration and runs fn(db, arg, err, errlen) against its
 * database; the exit status. */
static int
with_db(const char *path, int (*fn)(struct ftx_db *, void *, char *, size_t),
    void *arg)
{
	struct ftx_config cfg;
	struct ftx_db *db = NULL;
	char err[1024] = "";
	int rc = 1;

	if (ftx_config_load(&cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "ftx-admin: %s\n", err);
		return 1;
	}
	if (cfg.log_level == LOG_DEBUG || cfg.log_level < LOG_WARNING)
		ftx_log_set_level(cfg.log_level);
	if ((db = ftx_db_new(cfg.conninfo, "ftx-admin")) == NULL) {
		fprintf(stderr, "ftx-admin: out of memory\n");
		goto out;
	}
	ftx_db_set_prepared(db, cfg.prepared_statements);
	if (ftx_db_conn(db) == NULL) {
		fprintf(stderr, "ftx-admin: cannot connect to the database\n");
		goto out;
	}
	if (fn(db, arg, err, sizeof(err)) == -1) {
		fprintf(stderr, "ftx-admin: %s\n", err);
		goto out;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "ftx-admin: cannot write to stdout\n");
		goto out;
	}
	rc = 0;
out:
	ftx_db_free(db);
	ftx_config_free(&cfg);
	return rc;
}

struct bound {
	const struct command	*c;
	struct args		*a;
};

static int
run_bound(struct ftx_db *db, void *arg, char *err, size_t errlen)
{
	struct bound *b = arg;

	return b->c->run(db, b->a, err, errlen);
}

/* Loads the configuration and runs c against its database. */
static int
execute(const struct command *c, struct args *a, const char *path)
{
	struct bound b = { c, a };

	return with_db(path, run_bound, &b);
}

/* The command named at argv[0] (and argv[1]); *words gets 1 or 2. */
static const struct command *
lookup(int argc, char **argv, int *words)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].noun) != 0)
			continue;
		*words = commands[i].verb == NULL ? 1 : 2;
		if (commands[i].verb == NULL ||
		    (argc > 1 && strcmp(argv[1], commands[i].verb) == 0))
			return &commands[i];
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	const char *path = NULL;
	struct ftx_admin_webhook wh;
	struct args a;
	int ch, words;

	ftx_log_open("ftx-admin", 1, LOG_WARNING, LOG_USER);
	ftx_notify_webhook_register();	/* export cancel: export.failed */
	while ((ch = getopt(argc, argv, "+c:V")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'V':
			printf("ftx-admin %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(NULL);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "webhook") == 0) {
		if (ftx_admin_webhook_parse(argc, argv, &wh) == -1)
			return EXIT_USAGE;
		return with_db(path != NULL ? path : ftx_config_default_path(),
		    ftx_admin_webhook_run, &wh);
	}
	if (argc == 0 || (c = lookup(argc, argv, &words)) == NULL) {
		usage(NULL);
		return EXIT_USAGE;
	}
	memset(&a, 0, sizeof(a));
	argv[words - 1] = progname;	/* how getopt's messages start */
	if (parse_args(c, argc - words + 1, argv + words - 1, &a) == -1) {
		usage(c);
		return EXIT_USAGE;
	}
	return execute(c, &a, path != NULL ? path : ftx_config_default_path());
}
