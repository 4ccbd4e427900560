/*
 * mailrender.h - the e-mail announcing a ready export as an RFC 5322
 * message: headers (RFC 2047 encoded words where needed), a UTF-8 plain
 * text body (8bit or quoted-printable), Date and Message-ID.  Its delivery
 * is mailer.h's.
 */
#ifndef FTX_MAILRENDER_H
#define FTX_MAILRENDER_H

#include <stddef.h>
#include <time.h>

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

/* 1 when every address, the subject and the Message-ID of m are
 * acceptable, else 0: ftx_mail_render() of a valid m fails only for a
 * passing reason (memory, the random source, a date gmtime refuses). */
int ftx_mail_valid(const struct ftx_mail *m);

/* 1 when addr (NULL: 0) can be a recipient: the address rule of SPEC §7,
 * the API's and ftx-admin's (email.h). */
int ftx_mail_rcpt_valid(const char *addr);

#endif /* FTX_MAILRENDER_H */
