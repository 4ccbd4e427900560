/*
 * mailer_transport.h - the seam between the e-mail and how it travels:
 * one transport per file (mailer_smtp.c, mailer_sendmail.c), each a small
 * struct of function pointers; ftx_mail_send picks one by cfg->transport.
 * For mailer*.c only: callers use mailer.h.
 */
#ifndef FTX_MAILER_TRANSPORT_H
#define FTX_MAILER_TRANSPORT_H

#include <stddef.h>

#include "config.h"
#include "mailer.h"

struct ftx_mailer_transport {
	const char	*name;
	/*
	 * Delivers msg[len], the rendering of m, to m->to and every m->cc.
	 * rep->rcpt holds 1 + m->ncc entries, all UNTRIED, addresses set.
	 * Returns the status of ftx_mail_send, with rep->reason and
	 * rep->detail set unless SENT.
	 */
	enum ftx_mail_status (*send)(const struct ftx_config *cfg,
	    const struct ftx_mail *m, const char *msg, size_t len,
	    int last_try, struct ftx_mail_report *rep);
};

extern const struct ftx_mailer_transport ftx_mail_smtp;
extern const struct ftx_mailer_transport ftx_mail_sendmail;

/*
 * The rule of SPEC section 8 on the recipients' states so far: FAILED
 * when the requester (rcpt[0]) was refused for good, RETRY when it was
 * deferred, not answered, or a Cc was deferred (unless last_try) or not
 * answered, else SENT.  Sets rep->reason (and detail) when the server's
 * answer about a recipient decided.
 */
enum ftx_mail_status ftx_mail_verdict(struct ftx_mail_report *rep,
    int last_try);

/* printf into rep->reason (for people) or rep->detail (for the log). */
void ftx_mail_reason(struct ftx_mail_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ftx_mail_detail(struct ftx_mail_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* FTX_MAILER_TRANSPORT_H */
