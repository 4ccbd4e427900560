/*
 * mailer.h - the delivery of the e-mail announcing a ready export (the
 * message itself is mailrender.h's) over SMTP (libcurl: smtp://, smtps://,
 * STARTTLS, AUTH) or a sendmail-compatible command, judged per recipient.
 */
#ifndef FTX_MAILER_H
#define FTX_MAILER_H

#include "config.h"
#include "mailrender.h"

/* Seconds a send may take (connection included) unless [mail] timeout
 * says otherwise: below the pool's stop timeout (30 s), so that a stop or
 * a reload waits for a send in progress instead of killing it. */
#define FTX_MAIL_TIMEOUT_S	20

/* What the mail server said about one recipient. */
enum ftx_rcpt_state {
	FTX_RCPT_UNTRIED,	/* no answer: the transfer ended before */
	FTX_RCPT_ACCEPTED,	/* 2xx */
	FTX_RCPT_DEFERRED,	/* 4xx: temporary */
	FTX_RCPT_REFUSED	/* 5xx: for good */
};

struct ftx_mail_rcpt {
	const char		*addr;		/* m->to or m->cc[i] */
	enum ftx_rcpt_state	 state;
	char			 reply[160];	/* the server's reply, one line of
						 * printable ASCII; "" if none */
};

/* How a send ended (SPEC section 8, per recipient). */
enum ftx_mail_status {
	FTX_MAIL_SENT,		/* the message went to the requester and to
				 * every Cc marked ACCEPTED */
	FTX_MAIL_RETRY,		/* nothing was sent: a temporary failure */
	FTX_MAIL_FAILED		/* nothing was sent: the requester's address
				 * or the message was refused for good */
};

struct ftx_mail_report {
	struct ftx_mail_rcpt	*rcpt;		/* nrcpt: To, then each Cc */
	int			 nrcpt;
	char			 reason[512];	/* for people (failureReason):
						 * no path, no secret */
	char			 detail[1024];	/* for the log: no secret */
};

/*
 * Sends the message to every recipient (To and Cc) through the configured
 * transport: SMTP with cfg->smtp_url (+ smtp_user and the password read
 * from smtp_password_file, STARTTLS per smtp_starttls, everything within
 * cfg->mail_timeout seconds), or cfg->sendmail_path run as "sendmail -i -f
 * FROM -- RCPT..." with the message on stdin.
 *
 * Over SMTP every recipient is judged on its own: the message goes out
 * (SENT) when the requester's address is accepted and no Cc is deferred;
 * Cc addresses refused for good are left out (and, when last_try is set,
 * deferred ones too), and stay marked in rep->rcpt.  A deferred recipient
 * (4xx), or no answer at all, gives RETRY; the requester refused for good
 * gives FAILED.  Nothing is sent unless SENT is returned.  A Cc address
 * that no server could take (ftx_mail_rcpt_valid) is refused for good
 * before anything is sent, with the reply "not a valid address".
 *
 * rep is filled in every case (rep->reason and rep->detail when not
 * SENT); free it with ftx_mail_report_free.
 */
enum ftx_mail_status ftx_mail_send(const struct ftx_config *cfg,
    const struct ftx_mail *m, int last_try, struct ftx_mail_report *rep);

/* Frees what rep holds (not rep).  NULL is fine. */
void ftx_mail_report_free(struct ftx_mail_report *rep);

#endif /* FTX_MAILER_H */
