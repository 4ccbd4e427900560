/*
 * listener.h - how an export worker waits for work: LISTEN ftx_export on
 * a session of its own choosing, or plain polling.
 *
 * Three ways, picked from the configuration (SPEC §17 step 2):
 * - [exportd] listen_conninfo set: LISTEN on a direct session of its own
 *   (behind a transaction-pooling PgBouncer, whose server connections
 *   cannot keep a LISTEN);
 * - else, prepared_statements on: LISTEN on the worker's queue connection;
 * - else (a pooler and no direct session): no LISTEN, the worker looks at
 *   the queue every poll_interval seconds.
 */
#ifndef FTX_LISTENER_H
#define FTX_LISTENER_H

#include "config.h"
#include "db.h"

struct ftx_listener;

/* A listener for cfg (kept, not copied: it must outlive the listener);
 * ctl is the worker's queue connection, used when it is the one to
 * LISTEN on, never freed here.  Connects lazily.  NULL when out of
 * memory. */
struct ftx_listener *ftx_listener_new(const struct ftx_config *cfg,
    struct ftx_db *ctl);

/* Closes its own session, if any.  l may be NULL. */
void ftx_listener_free(struct ftx_listener *l);

/* Waits until a notification (ftx_export, or ftx_webhook: a webhook
 * event was written), seconds (1 to poll_interval; the next webhook
 * delivery due), or a stop signal; consumes the notifications that
 * arrived.  With its session down it returns within a second, so the
 * caller retries the queue soon. */
void ftx_listener_wait(struct ftx_listener *l, int seconds);

#endif /* FTX_LISTENER_H */
