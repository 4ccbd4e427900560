/*
 * admin_webhook.h - "ftx-admin webhook ...": endpoints and the delivery
 * log (SPEC §14).
 */
#ifndef FTX_ADMIN_WEBHOOK_H
#define FTX_ADMIN_WEBHOOK_H

#include <stdio.h>

#include "db.h"

/* A parsed "webhook VERB [options] [ID]" command; strings point into
 * argv. */
struct ftx_admin_webhook {
	const void	*cmd;		/* the verb's entry */
	const char	*tenant, *url, *events, *endpoint, *event, *id;
};

/* Parses argv (argv[0] is "webhook") into *w.  0, or -1 after printing
 * the usage on stderr (exit status 2). */
int ftx_admin_webhook_parse(int argc, char **argv, struct ftx_admin_webhook *w);

/* Runs *w (arg) against db, printing its result on stdout.  0, or -1 with
 * the message in err[errlen]. */
int ftx_admin_webhook_run(struct ftx_db *db, void *arg, char *err,
    size_t errlen);

/* Writes the usage lines of the webhook commands to out, each indented
 * by two spaces. */
void ftx_admin_webhook_usage(FILE *out);

#endif /* FTX_ADMIN_WEBHOOK_H */
