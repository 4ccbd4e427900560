/*
 * admin_webhook.c - the webhook commands of ftx-admin.
 *
 *   webhook add --tenant T --url URL [--events E,...]  id, then secret
 *   webhook list [--tenant T]
 *   webhook disable ID | enable ID | rotate-secret ID (prints the secret)
 *   webhook deliveries [--endpoint ID] [--event EVENT_ID]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin_webhook.h"
#include "db.h"
#include "webhook_endpoints.h"
#include "webhook_outbox.h"

struct wcommand {
	const char *verb;
	const char *allowed, *required;	/* option letters */
	int npos;			/* 0 or 1 (the endpoint id) */
	int (*run)(struct ftx_db *, const struct ftx_admin_webhook *, char *,
	    size_t);
	const char *usage;
};

/* Shows a secret once: after id (when not NULL), on its own line; then
 * wipes it. */
static void
show_secret(const char *id, char *secret)
{
	if (id != NULL)
		printf("%s\n", id);
	printf("%s\n", secret);
	fflush(stdout);
	explicit_bzero(secret, FTX_WEBHOOK_SECRET_LEN);
}

static int
run_add(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	char id[FTX_WEBHOOK_ENDPOINT_ID_LEN], secret[FTX_WEBHOOK_SECRET_LEN];

	if (ftx_webhook_endpoint_add(db, a->tenant, a->url, a->events, id,
	    secret, err, errlen) == -1)
		return -1;
	show_secret(id, secret);
	return 0;
}

static int
run_list(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	return ftx_webhook_endpoint_list(db, a->tenant, stdout, err, errlen);
}

static int
run_disable(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	return ftx_webhook_endpoint_enable(db, a->id, 0, err, errlen);
}

static int
run_enable(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	return ftx_webhook_endpoint_enable(db, a->id, 1, err, errlen);
}

static int
run_rotate(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	char secret[FTX_WEBHOOK_SECRET_LEN];

	if (ftx_webhook_endpoint_rotate(db, a->id, secret, err, errlen) == -1)
		return -1;
	show_secret(NULL, secret);
	return 0;
}

static int
run_deliveries(struct ftx_db *db, const struct ftx_admin_webhook *a,
    char *err, size_t errlen)
{
	return ftx_webhook_deliveries_list(db, a->endpoint, a->event, stdout,
	    err, errlen);
}

static const struct wcommand wcommands[] = {
	{ "add", "tue", "tu", 0, run_add,
	    "webhook add --tenant T --url URL [--events E,...]" },
	{ "list", "t", "", 0, run_list, "webhook list [--tenant T]" },
	{ "disable", "", "", 1, run_disable, "webhook disable ID" },
	{ "enable", "", "", 1, run_enable, "webhook enable ID" },
	{ "rotate-secret", "", "", 1, run_rotate, "webhook rotate-secret ID" },
	{ "deliveries", "pv", "", 0, run_deliveries,
	    "webhook deliveries [--endpoint ID] [--event EVENT_ID]" },
};
#define NWCOMMANDS	(sizeof(wcommands) / sizeof(wcommands[0]))

static const struct option wlongopts[] = {
	{ "tenant",	required_argument, NULL, 't' },
	{ "url",	required_argument, NULL, 'u' },
	{ "events",	required_argument, NULL, 'e' },
	{ "endpoint",	required_argument, NULL, 'p' },
	{ "event",	required_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

void
ftx_admin_webhook_usage(FILE *out)
{
	size_t i;

	for (i = 0; i < NWCOMMANDS; i++)
		fprintf(out, "  %s\n", wcommands[i].usage);
}

/* Parses argv (argv[0] the verb) for c into *a; 0 or -1. */
static int
parse(const struct wcommand *c, int argc, char **argv,
    struct ftx_admin_webhook *a)
{
	const char **slot[] = { ['t'] = &a->tenant, ['u'] = &a->url,
	    ['e'] = &a->events, ['p'] = &a->endpoint, ['v'] = &a->event };
	const char *r;
	int ch;

	optind = 0;	/* glibc: restart scanning */
	while ((ch = getopt_long(argc, argv, "+", wlongopts, NULL)) != -1)
		/* Each option once, and only those of the verb. */
		if (ch == '?' || strchr(c->allowed, ch) == NULL ||
		    *slot[ch] != NULL || (*slot[ch] = optarg) == NULL)
			return -1;
	for (r = c->required; *r != '\0'; r++)
		if (*slot[(unsigned char)*r] == NULL)
			return -1;
	if (argc - optind != c->npos)
		return -1;
	a->id = c->npos == 1 ? argv[optind] : NULL;
	return 0;
}

int
ftx_admin_webhook_parse(int argc, char **argv, struct ftx_admin_webhook *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; argc > 1 && i < NWCOMMANDS; i++)
		if (strcmp(argv[1], wcommands[i].verb) == 0)
			break;
	if (argc < 2 || i == NWCOMMANDS) {
		fprintf(stderr, "usage: ftx-admin [-c CONFIG] webhook ...\n");
		ftx_admin_webhook_usage(stderr);
		return -1;
	}
	if (parse(&wcommands[i], argc - 1, argv + 1, w) == -1) {
		fprintf(stderr, "usage: ftx-admin [-c CONFIG] %s\n",
		    wcommands[i].usage);
		return -1;
	}
	w->cmd = &wcommands[i];
	return 0;
}

int
ftx_admin_webhook_run(struct ftx_db *db, void *arg, char *err, size_t errlen)
{
	const struct ftx_admin_webhook *w = arg;
	const struct wcommand *c = w->cmd;

	return c->run(db, w, err, errlen);
}
