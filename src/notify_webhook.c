/*
 * notify_webhook.c - the webhook notifier: outbox rows in the change's
 * transaction.
 */
#include <stdio.h>

#include "notify_webhook.h"
#include "webhook_outbox.h"

int
ftx_notify_webhook(const struct ftx_notifier *self, struct ftx_db *db,
    const struct ftx_export *e, enum ftx_event ev, struct ftx_notice *out)
{
	const char *type = ftx_event_name(ev);

	(void)self;
	if (type[0] == '\0')
		return 0;
	if (ftx_webhook_enqueue(db, ftx_export_tenant_id(e), type,
	    ftx_export_id(e)) == 0)
		return 0;
	snprintf(out->reason, sizeof(out->reason),
	    "The database is unavailable");
	return -1;
}

int
ftx_notify_webhook_register(void)
{
	static const struct ftx_notifier n = { "webhook", ftx_notify_webhook,
	    NULL };

	return ftx_notify_register(&n);
}
