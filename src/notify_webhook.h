/*
 * notify_webhook.h - the webhook notifier (notify.h): every READY, FAILED
 * and EXPIRED change writes its event (export.ready, export.failed,
 * export.expired) to the webhook outbox (webhook_outbox.h), with one
 * delivery per enabled endpoint of the export's tenant subscribed to it,
 * in the transaction of the change.  ftx-exportd's workers deliver them
 * afterwards (webhook_deliver.h): the notifier itself sends nothing.
 */
#ifndef FTX_NOTIFY_WEBHOOK_H
#define FTX_NOTIFY_WEBHOOK_H

#include "notify.h"

/* The notifier function; ctx unused.  0, or -1 when the outbox could not
 * be written (out->reason set; the change is rolled back and happens
 * again later, so no event is ever lost). */
int ftx_notify_webhook(const struct ftx_notifier *self, struct ftx_db *db,
    const struct ftx_export *e, enum ftx_event ev, struct ftx_notice *out);

/* Registers it (before the mail notifier: its effects stay in the
 * database).  0 or -1. */
int ftx_notify_webhook_register(void);

#endif /* FTX_NOTIFY_WEBHOOK_H */
