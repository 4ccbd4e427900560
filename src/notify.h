/*
 * notify.h - how a change of an export's state is announced: a list of
 * notifiers, each a small struct of a function and its context, called in
 * order inside the transaction that makes the change, with the export row
 * locked.
 *
 * READY is announced by the worker (lock, publish, notify, complete),
 * FAILED and EXPIRED by the exports module's transitions (worker failure
 * after the retries, cancel by the API or ftx-admin, the expiry sweep).
 * A notifier's error rolls the change back: a READY attempt is retried
 * like a failed e-mail (or FAILED at once when the notifier says the
 * failure is permanent), a FAILED or EXPIRED transition happens again
 * later.  A notifier may run statements on db (say, insert outbox rows):
 * they commit or roll back with the change.
 *
 * Each program's main registers its notifiers once, before it forks.
 * Notifiers with effects outside the database (the e-mail) go last, so
 * that one failing in the database never repeats them.
 */
#ifndef FTX_NOTIFY_H
#define FTX_NOTIFY_H

#include "config.h"
#include "db.h"
#include "exports.h"

#define FTX_NOTIFY_MAX	8		/* notifiers a program may register */

enum ftx_event {
	FTX_EVENT_READY,
	FTX_EVENT_FAILED,
	FTX_EVENT_EXPIRED
};

/* "export.ready", "export.failed", "export.expired" ("" for no event). */
const char *ftx_event_name(enum ftx_event ev);

/* What the caller tells the notifiers, and what they answer. */
struct ftx_notice {
	/* in */
	const char	*download_url;	/* READY: the signed link; else NULL */
	int		 last_attempt;	/* READY: no retry follows a failure */
	int		 resumed;	/* READY: an earlier attempt announced
					 * the export (its e-mail is on record)
					 * but could not complete it: effects
					 * outside the database are done, the
					 * database's are to be made again */
	/* out */
	char		*undelivered;	/* READY: JSON array of the cc addresses
					 * refused for good, malloc'd; NULL
					 * means none ([]) */
	int		 permanent;	/* on error: retrying cannot help */
	char		 reason[512];	/* on error: for people, no path and
					 * no secret (failureReason) */
};

/* Zeroes n. */
void ftx_notice_init(struct ftx_notice *n);

/* Frees what n holds (not n).  NULL is fine. */
void ftx_notice_free(struct ftx_notice *n);

struct ftx_notifier {
	const char	*name;
	/* 0 done, -1 failed with out->reason (and out->permanent) set. */
	int		(*notify)(const struct ftx_notifier *self,
			    struct ftx_db *db, const struct ftx_export *e,
			    enum ftx_event ev, struct ftx_notice *out);
	void		*ctx;
};

/* Appends n (copied; n->name and n->ctx stay the caller's) to the
 * process's list.  0, or -1 when FTX_NOTIFY_MAX are registered. */
int ftx_notify_register(const struct ftx_notifier *n);

/* Empties the list (tests). */
void ftx_notify_reset(void);

/*
 * Calls each registered notifier in order for e and ev, in db's open
 * transaction; stops at the first that fails.  0, or -1 (out->reason set,
 * the caller rolls back).
 */
int ftx_notify(struct ftx_db *db, const struct ftx_export *e,
    enum ftx_event ev, struct ftx_notice *out);

/*
 * The mail notifier (notify_mail.c): on READY, e-mails the signed link
 * (readymail) to the requester, Cc the cc list, through the mailer; other
 * events, and a resumed READY (the e-mail went out), do nothing.  ctx is
 * the const struct ftx_config * to send with.
 * out->undelivered gets the cc addresses refused for good; a refusal of
 * the requester (or of every recipient) is permanent.
 */
int ftx_notify_mail(const struct ftx_notifier *self, struct ftx_db *db,
    const struct ftx_export *e, enum ftx_event ev, struct ftx_notice *out);

#endif /* FTX_NOTIFY_H */
