/*
 * admin_webhook.h - "ftx-admin webhook ...": endpoints and the delivery
 * log (SPEC §14).
 */
#ifndef FTX_ADMIN_WEBHOOK_H
#define FTX_ADMIN_WEBHOOK_H

#include <stdio.h>

/* Runs "webhook VERB [options] [ID]" (argv[0] is "webhook") with the
 * configuration at config_path.  Returns the exit status: 0, 1 an
 * operational error (message on stderr), 2 bad usage. */
int ftx_admin_webhook(int argc, char **argv, const char *config_path);

/* Writes the usage lines of the webhook commands to out, each indented
 * by two spaces. */
void ftx_admin_webhook_usage(FILE *out);

#endif /* FTX_ADMIN_WEBHOOK_H */
