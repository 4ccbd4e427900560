/*
 * webhook_deliver.h - makes due webhook deliveries (SPEC §14), in
 * ftx-exportd's workers between exports.
 *
 * On its own database connection, one delivery at a time: claim, render
 * the body once per event (frozen for every retry and endpoint), sign,
 * POST, record.  It reads the export and never writes it, so a webhook
 * can neither change an export nor hold a lock an export needs.
 */
#ifndef FTX_WEBHOOK_DELIVER_H
#define FTX_WEBHOOK_DELIVER_H

#include "config.h"
#include "signurl.h"

struct ftx_webhook_deliverer;

/* A deliverer for cfg ([webhooks], [database], base_url) whose claims
 * carry label; keys sign downloadUrl (NULL: null).  cfg and keys are
 * borrowed and must outlive it.  NULL when out of memory. */
struct ftx_webhook_deliverer *ftx_webhook_deliverer_new(
    const struct ftx_config *cfg, const struct ftx_signurl_keys *keys,
    const char *label);

/* Closes its connection and frees it.  d may be NULL. */
void ftx_webhook_deliverer_free(struct ftx_webhook_deliverer *d);

/* Makes one due delivery if there is one (it takes at most [webhooks]
 * timeout seconds, plus the name lookup).  1 when one was attempted
 * (whatever came of it), 0 when none is due, -1 when the database is
 * unavailable or d is NULL. */
int ftx_webhook_deliver_one(struct ftx_webhook_deliverer *d);

/* The NOTIFY channel that says a delivery may be due (an event was
 * written): workers LISTEN to it beside their export channel. */
#define FTX_WEBHOOK_WAKE	"ftx_webhook"

/* Seconds until the next delivery is due (0 if one is due now), at most
 * max; max when none is pending, the database is unavailable or d is
 * NULL. */
int ftx_webhook_next_due(struct ftx_webhook_deliverer *d, int max);

/* The claim lapse for cfg: after it a delivery whose worker died is
 * attempted again.  Longer than any attempt. */
int ftx_webhook_claim_lapse(const struct ftx_config *cfg);

#endif /* FTX_WEBHOOK_DELIVER_H */
