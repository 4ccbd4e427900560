/*
 * mailer.c - the delivery of the "export is ready" e-mail: the rule of
 * SPEC section 8 per recipient (the verdict), the report of a send, and
 * the hand-over of the rendered message (mailrender.c) to the transports
 * of mailer_transport.h (mailer_smtp.c, mailer_sendmail.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailer.h"
#include "mailer_transport.h"
#include "mailrender.h"

void
ftx_mail_reason(struct ftx_mail_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->reason, sizeof(rep->reason), fmt, ap);
	va_end(ap);
}

void
ftx_mail_detail(struct ftx_mail_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->detail, sizeof(rep->detail), fmt, ap);
	va_end(ap);
}

/* "The mail server refused the e-mail to a@x.example: 550 ..." */
static void
rcpt_reason(struct ftx_mail_report *rep, const struct ftx_mail_rcpt *r,
    const char *what)
{
	ftx_mail_reason(rep, "The e-mail to %s was %s by the mail server%s%s",
	    r->addr, what, r->reply[0] != '\0' ? ": " : "", r->reply);
	snprintf(rep->detail, sizeof(rep->detail), "%s", rep->reason);
}

enum ftx_mail_status
ftx_mail_verdict(struct ftx_mail_report *rep, int last_try)
{
	const struct ftx_mail_rcpt *r;
	int i;

	if (rep->nrcpt < 1)
		return FTX_MAIL_FAILED;
	switch (rep->rcpt[0].state) {
	case FTX_RCPT_REFUSED:
		rcpt_reason(rep, &rep->rcpt[0], "refused");
		return FTX_MAIL_FAILED;
	case FTX_RCPT_DEFERRED:
		rcpt_reason(rep, &rep->rcpt[0], "deferred");
		return FTX_MAIL_RETRY;
	case FTX_RCPT_UNTRIED:
		return FTX_MAIL_RETRY;
	case FTX_RCPT_ACCEPTED:
		break;
	}
	for (i = 1; i < rep->nrcpt; i++) {
		r = &rep->rcpt[i];
		if (r->state == FTX_RCPT_UNTRIED)
			return FTX_MAIL_RETRY;
		/* On the last try a Cc still deferred is given up: the others
		 * get the mail (the Cc is then listed as undelivered). */
		if (r->state == FTX_RCPT_DEFERRED && !last_try) {
			rcpt_reason(rep, r, "deferred");
			return FTX_MAIL_RETRY;
		}
	}
	return FTX_MAIL_SENT;
}

void
ftx_mail_report_free(struct ftx_mail_report *rep)
{
	if (rep == NULL)
		return;
	free(rep->rcpt);
	rep->rcpt = NULL;
	rep->nrcpt = 0;
}

/* Prepares rep for m: every recipient UNTRIED.  -1 when out of memory. */
static int
report_init(struct ftx_mail_report *rep, const struct ftx_mail *m)
{
	int i;

	memset(rep, 0, sizeof(*rep));
	if ((rep->rcpt = calloc((size_t)m->ncc + 1, sizeof(*rep->rcpt))) ==
	    NULL)
		return -1;
	rep->nrcpt = m->ncc + 1;
	rep->rcpt[0].addr = m->to;
	for (i = 0; i < m->ncc; i++)
		rep->rcpt[i + 1].addr = m->cc[i];
	return 0;
}

/* Renders m and hands it to the configured transport. */
static enum ftx_mail_status
transport_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    int last_try, struct ftx_mail_report *rep)
{
	const struct ftx_mailer_transport *t;
	enum ftx_mail_status st;
	char *msg;
	size_t len;

	if ((msg = ftx_mail_render(m, &len)) == NULL) {
		/* Nothing a retry would change, unless memory ran out. */
		ftx_mail_reason(rep, "The e-mail could not be written: an "
		    "address or the subject is not valid");
		ftx_mail_detail(rep, "cannot render the message: invalid "
		    "address, subject or Message-ID, or out of memory");
		return ftx_mail_valid(m) ? FTX_MAIL_RETRY : FTX_MAIL_FAILED;
	}
	t = cfg->transport == FTX_MAIL_SENDMAIL ? &ftx_mail_sendmail :
	    &ftx_mail_smtp;
	st = t->send(cfg, m, msg, len, last_try, rep);
	free(msg);
	return st;
}

static enum ftx_mail_status
out_of_memory(struct ftx_mail_report *rep)
{
	ftx_mail_reason(rep, "The e-mail could not be sent: out of memory");
	snprintf(rep->detail, sizeof(rep->detail), "%s", rep->reason);
	return FTX_MAIL_RETRY;
}

/* Copies the usable Cc addresses of m to cc[] (map[k] = the index in
 * rep->rcpt of cc[k]) and marks the others refused; returns their count. */
static int
usable_cc(const struct ftx_mail *m, struct ftx_mail_report *rep,
    const char **cc, int *map)
{
	int i, n = 0;

	for (i = 0; i < m->ncc; i++) {
		if (ftx_mail_rcpt_valid(m->cc[i])) {
			map[n] = i + 1;
			cc[n++] = m->cc[i];
		} else {
			rep->rcpt[i + 1].state = FTX_RCPT_REFUSED;
			snprintf(rep->rcpt[i + 1].reply,
			    sizeof(rep->rcpt[i + 1].reply),
			    "not a valid address");
		}
	}
	return n;
}

/* The outcome of the usable part (sub, its Cc mapped by map) into rep. */
static void
merge_report(struct ftx_mail_report *rep, const struct ftx_mail_report *sub,
    const int *map, int n)
{
	int i;

	rep->rcpt[0].state = sub->rcpt[0].state;
	memcpy(rep->rcpt[0].reply, sub->rcpt[0].reply,
	    sizeof(rep->rcpt[0].reply));
	for (i = 0; i < n; i++) {
		rep->rcpt[map[i]].state = sub->rcpt[i + 1].state;
		memcpy(rep->rcpt[map[i]].reply, sub->rcpt[i + 1].reply,
		    sizeof(rep->rcpt[map[i]].reply));
	}
	memcpy(rep->reason, sub->reason, sizeof(rep->reason));
	memcpy(rep->detail, sub->detail, sizeof(rep->detail));
}

enum ftx_mail_status
ftx_mail_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    int last_try, struct ftx_mail_report *rep)
{
	struct ftx_mail_report sub;
	struct ftx_mail usable;
	enum ftx_mail_status st;
	const char **cc = NULL;
	int *map = NULL, n;

	memset(&sub, 0, sizeof(sub));
	if (m == NULL || m->ncc < 0 || report_init(rep, m) == -1) {
		memset(rep, 0, sizeof(*rep));
		return out_of_memory(rep);
	}
	/* A Cc address no server could take is refused for good here, as a
	 * server would refuse it: the others still get the mail. */
	if ((cc = calloc((size_t)m->ncc + 1, sizeof(*cc))) == NULL ||
	    (map = calloc((size_t)m->ncc + 1, sizeof(*map))) == NULL) {
		st = out_of_memory(rep);
		goto out;
	}
	n = usable_cc(m, rep, cc, map);
	usable = *m;
	usable.cc = cc;
	usable.ncc = n;
	if (report_init(&sub, &usable) == -1) {
		st = out_of_memory(rep);
		goto out;
	}
	st = transport_send(cfg, &usable, last_try, &sub);
	merge_report(rep, &sub, map, n);
out:
	ftx_mail_report_free(&sub);
	free(cc);
	free(map);
	return st;
}
