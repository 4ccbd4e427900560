/*
 * notify.c - the process's list of notifiers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"

static struct ftx_notifier notifiers[FTX_NOTIFY_MAX];
static int nnotifiers;

const char *
ftx_event_name(enum ftx_event ev)
{
	switch (ev) {
	case FTX_EVENT_READY:
		return "export.ready";
	case FTX_EVENT_FAILED:
		return "export.failed";
	case FTX_EVENT_EXPIRED:
		return "export.expired";
	}
	return "";
}

void
ftx_notice_init(struct ftx_notice *n)
{
	memset(n, 0, sizeof(*n));
}

void
ftx_notice_free(struct ftx_notice *n)
{
	if (n == NULL)
		return;
	free(n->undelivered);
	n->undelivered = NULL;
}

int
ftx_notify_register(const struct ftx_notifier *n)
{
	if (nnotifiers == FTX_NOTIFY_MAX || n == NULL || n->notify == NULL)
		return -1;
	notifiers[nnotifiers++] = *n;
	return 0;
}

void
ftx_notify_reset(void)
{
	nnotifiers = 0;
}

int
ftx_notify(struct ftx_db *db, const struct ftx_export *e, enum ftx_event ev,
    struct ftx_notice *out)
{
	int i;

	for (i = 0; i < nnotifiers; i++) {
		if (notifiers[i].notify(&notifiers[i], db, e, ev, out) == 0)
			continue;
		if (out->reason[0] == '\0')
			snprintf(out->reason, sizeof(out->reason),
			    "The export could not be announced");
		log_warning("export %s: %s notifier failed on %s: %s",
		    ftx_export_id(e), notifiers[i].name, ftx_event_name(ev),
		    out->reason);
		return -1;
	}
	return 0;
}
