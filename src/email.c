/*
 * email.c - the SPEC §7 address rule: what an SMTP server takes in RCPT TO
 * without SMTPUTF8 or quoting, so that an address accepted by the API is
 * never refused for its form by the mail server.
 */
#include <string.h>

#include "email.h"

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 5322 atext. */
static int
is_atext(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~",
	    c) != NULL);
}

/* A dot-atom of atext: no empty atom. */
static int
local_ok(const unsigned char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > FTX_EMAIL_LOCAL_MAX || s[0] == '.' ||
	    s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.' ? s[i - 1] == '.' : !is_atext(s[i]))
			return 0;
	}
	return 1;
}

/* Labels of letters, digits and inner hyphens, at least two of them. */
static int
domain_ok(const unsigned char *s, size_t len)
{
	size_t i, start = 0;
	int labels = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			if (!is_alnum(s[i]) && s[i] != '-')
				return 0;
			continue;
		}
		if (i == start || i - start > FTX_EMAIL_LABEL_MAX ||
		    s[start] == '-' || s[i - 1] == '-')
			return 0;
		labels++;
		start = i + 1;
	}
	return labels >= 2;
}

int
ftx_email_valid(const char *addr, size_t len)
{
	const unsigned char *s = (const unsigned char *)addr;
	const unsigned char *at;

	if (len == 0 || len > FTX_EMAIL_ADDR_MAX ||
	    (at = memchr(s, '@', len)) == NULL)
		return 0;
	return local_ok(s, (size_t)(at - s)) &&
	    domain_ok(at + 1, len - (size_t)(at - s) - 1);
}
