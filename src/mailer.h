/*
 * mailer.h - the e-mail announcing a ready export: an RFC 5322 message and
 * its delivery over SMTP (libcurl: smtp://, smtps://, STARTTLS, AUTH) or a
 * sendmail-compatible command.
 */
#ifndef FTX_MAILER_H
#define FTX_MAILER_H

#include <stddef.h>
#include <time.h>

#include "config.h"

struct ftx_mail {
	const char		*from;		/* bare address */
	const char		*to;		/* bare address */
	const char *const	*cc;		/* bare addresses */
	int			 ncc;
	const char		*subject;	/* UTF-8, encoded per RFC 2047 when not ASCII */
	const char		*body;		/* UTF-8 plain text, "\n" line ends */
	time_t			 date;
	const char		*message_id;	/* "<...@...>"; NULL = generated */
};

/* Renders m as a complete message: Date (RFC 5322 format, UTC "+0000"),
 * Message-ID, From, To, Cc (omitted when ncc is 0), Subject, MIME-Version,
 * Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding (8bit,
 * or quoted-printable when a body line is longer than 998 bytes), CRLF line
 * ends throughout.  Header injection is impossible: CR, LF and other
 * control bytes in any header value make it fail.  Returns a malloc'd
 * NUL-terminated message (length in *len), or NULL. */
char *ftx_mail_render(const struct ftx_mail *m, size_t *len);

/* Encodes a header value per RFC 2047 when it holds non-ASCII bytes
 * ("=?UTF-8?B?...?=" words of at most 75 characters, folded with CRLF SP),
 * else copies it.  Returns a malloc'd string or NULL. */
char *ftx_mail_encode_header(const char *value);

/* Sends the rendered message to every recipient (To and Cc) through the
 * configured transport: SMTP with cfg->smtp_url (+ smtp_user and the
 * password read from smtp_password_file, STARTTLS per smtp_starttls), or
 * cfg->sendmail_path run as "sendmail -i -f FROM -- RCPT..." with the
 * message on stdin.  Returns 0 when the server accepted it, or -1 with a
 * one-line reason (never a password) in err[errlen]. */
int ftx_mail_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    char *err, size_t errlen);

#endif /* FTX_MAILER_H */
