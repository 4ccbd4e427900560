/*
 * webhook_endpoints.h - a tenant's webhook endpoints (table
 * webhook_endpoints, SPEC §14): every statement that changes or lists
 * them.  (Enqueueing and claiming read them in webhook_outbox.c.)
 */
#ifndef FTX_WEBHOOK_ENDPOINTS_H
#define FTX_WEBHOOK_ENDPOINTS_H

#include <stdio.h>

#include "db.h"
#include "webhook_sign.h"

/* "we_" + 32 hex digits + NUL. */
#define FTX_WEBHOOK_ENDPOINT_ID_LEN	(3 + 32 + 1)

/* Normalises a comma-separated list of event types (NULL or "": all
 * three) into the PostgreSQL array literal out[outlen], without
 * duplicates.  0, or -1 with err set (an unknown or empty type). */
int ftx_webhook_events_parse(const char *list, char *out, size_t outlen,
    char *err, size_t errlen);

/* Adds an enabled endpoint of tenant for url (checked, webhook_addr.h)
 * and events (as above); writes its id into id[FTX_WEBHOOK_ENDPOINT_ID_LEN]
 * and its secret into secret[FTX_WEBHOOK_SECRET_LEN].  0, or -1 with err
 * set (unknown tenant included). */
int ftx_webhook_endpoint_add(struct ftx_db *db, const char *tenant,
    const char *url, const char *events, char *id, char *secret, char *err,
    size_t errlen);

/* Enables (on 1) or disables an endpoint.  0, or -1 with err set. */
int ftx_webhook_endpoint_enable(struct ftx_db *db, const char *id, int on,
    char *err, size_t errlen);

/* Gives the endpoint a new secret (written to secret[...SECRET_LEN]); the
 * old one keeps signing alongside for 24 hours.  0, or -1 with err set. */
int ftx_webhook_endpoint_rotate(struct ftx_db *db, const char *id,
    char *secret, char *err, size_t errlen);

/* One tab-separated line per endpoint (of tenant, or all when NULL):
 * id, tenant, URL, events (comma-separated), enabled|disabled, created,
 * end of the previous secret's overlap or "-".  Never a secret.  0 or
 * -1 with err set. */
int ftx_webhook_endpoint_list(struct ftx_db *db, const char *tenant,
    FILE *out, char *err, size_t errlen);

#endif /* FTX_WEBHOOK_ENDPOINTS_H */
