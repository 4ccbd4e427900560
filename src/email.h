/*
 * email.h - the e-mail address rule of SPEC §7, the one check shared by
 * the API (cc), the mailer and ftx-admin (user add --email).
 */
#ifndef FTX_EMAIL_H
#define FTX_EMAIL_H

#include <stddef.h>

#define FTX_EMAIL_LOCAL_MAX	64	/* RFC 5321 local part */
#define FTX_EMAIL_ADDR_MAX	254	/* the whole address */
#define FTX_EMAIL_LABEL_MAX	63	/* one domain label */

/*
 * 1 if addr[len] is an address SMTP accepts without extensions, else 0:
 * ASCII only; a dot-atom local part (RFC 5322 atext, single dots, none
 * first or last) of 1..64 bytes, no quoted form; one '@'; a domain of at
 * least two LDH labels (1..63 letters, digits, hyphens, no hyphen first
 * or last; no IP literal); 254 bytes at most in all.  addr need not be
 * NUL-terminated; a NUL byte in it makes it invalid.  addr may be NULL
 * only with len 0.
 */
int ftx_email_valid(const char *addr, size_t len);

#endif /* FTX_EMAIL_H */
