/*
 * jsonstrict.c - RFC 8259, strictly, on raw bytes.
 *
 * A recursive descent over the text that only moves an offset: no copy,
 * no allocation.  Depth and members per object are bounded, so that the
 * recursion and the duplicate-key check (every name against the earlier
 * ones of its object) stay small whatever the body holds.
 */
#include <stdint.h>
#include <string.h>

#include "hex.h"
#include "jsonstrict.h"
#include "utf8.h"

struct js {
	const unsigned char	*s;
	size_t			 len;
	size_t			 i;	/* next byte */
	const char		*why;
	int			 depth;
};

static int value(struct js *);

static int
fail(struct js *p, const char *why)
{
	p->why = why;
	return -1;
}

/* The byte at the offset, or -1 at the end. */
static int
peek(const struct js *p)
{
	return p->i < p->len ? p->s[p->i] : -1;
}

static void
skip_ws(struct js *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->i++;
}

static int
literal(struct js *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->i < n || memcmp(p->s + p->i, word, n) != 0)
		return fail(p, "a bare word");
	p->i += n;
	return 0;
}

/* One or more digits. */
static int
digits(struct js *p)
{
	size_t start = p->i;
	int c;

	while ((c = peek(p)) >= '0' && c <= '9')
		p->i++;
	return p->i > start ? 0 : fail(p, "a malformed number");
}

static int
number(struct js *p)
{
	int c;

	if (peek(p) == '-')
		p->i++;
	if ((c = peek(p)) == '0')
		p->i++;
	else if (c < '1' || c > '9' || digits(p) == -1)
		return fail(p, "a malformed number");
	if (peek(p) == '.') {
		p->i++;
		if (digits(p) == -1)
			return -1;
	}
	if ((c = peek(p)) == 'e' || c == 'E') {
		p->i++;
		if ((c = peek(p)) == '+' || c == '-')
			p->i++;
		if (digits(p) == -1)
			return -1;
	}
	return 0;
}

/* Four hex digits after "\u" into *u. */
static int
hex4(struct js *p, uint32_t *u)
{
	int k, h;

	*u = 0;
	for (k = 0; k < 4; k++) {
		if ((h = ftx_hex_digit(peek(p))) == -1)
			return fail(p, "an invalid \\u escape");
		*u = *u << 4 | (uint32_t)h;
		p->i++;
	}
	return 0;
}

/* The escape after a backslash. */
static int
escape(struct js *p)
{
	uint32_t u, lo;
	int c = peek(p);

	if (c > 0 && memchr("\"\\/bfnrt", c, 8) != NULL) {
		p->i++;
		return 0;
	}
	if (c != 'u')
		return fail(p, "an invalid escape");
	p->i++;
	if (hex4(p, &u) == -1)
		return -1;
	if (u >= 0xdc00 && u <= 0xdfff)
		return fail(p, "a lone surrogate");
	if (u < 0xd800 || u > 0xdbff)
		return 0;
	if (p->len - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
		return fail(p, "a lone surrogate");
	p->i += 2;
	if (hex4(p, &lo) == -1)
		return -1;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(p, "a lone surrogate");
	return 0;
}

/* One multi-byte UTF-8 sequence. */
static int
utf8_seq(struct js *p)
{
	unsigned c = p->s[p->i];
	size_t n;

	n = c >= 0xc2 && c <= 0xdf ? 2 : (c & 0xf0) == 0xe0 ? 3 :
	    c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || p->len - p->i < n ||
	    !ftx_utf8_valid((const char *)p->s + p->i, n))
		return fail(p, "invalid UTF-8");
	p->i += n;
	return 0;
}

static int
string(struct js *p)
{
	int c;

	p->i++;
	for (;;) {
		if ((c = peek(p)) == -1)
			return fail(p, "an unterminated string");
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(p, "a control character in a string");
		if (c >= 0x80) {
			if (utf8_seq(p) == -1)
				return -1;
			continue;
		}
		p->i++;
		if (c == '\\' && escape(p) == -1)
			return -1;
	}
}

/* The next code point of a checked string whose body continues at
 * s[*i]; -1 at its closing quote. */
static long
next_cp(const unsigned char *s, size_t *i)
{
	uint32_t c = s[*i], lo;
	int n, k;

	if (c == '"')
		return -1;
	if (c == '\\') {
		c = s[*i + 1];
		*i += 2;
		switch (c) {
		case 'b': return '\b';
		case 'f': return '\f';
		case 'n': return '\n';
		case 'r': return '\r';
		case 't': return '\t';
		case 'u': break;
		default: return (long)c;	/* " \ / */
		}
		for (c = 0, k = 0; k < 4; k++)
			c = c << 4 | (uint32_t)ftx_hex_digit(s[(*i)++]);
		if (c < 0xd800 || c > 0xdbff)
			return (long)c;
		for (lo = 0, k = 2; k < 6; k++)
			lo = lo << 4 | (uint32_t)ftx_hex_digit(s[*i + (size_t)k]);
		*i += 6;
		return (long)(0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00));
	}
	n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	if (n > 0)
		c &= 0x3fu >> n;
	for (k = 1; k <= n; k++)
		c = c << 6 | (s[*i + (size_t)k] & 0x3f);
	*i += (size_t)n + 1;
	return (long)c;
}

/* 1 if the checked strings opening at s[a] and s[b] are the same text. */
static int
same_name(const unsigned char *s, size_t a, size_t b)
{
	long ca, cb;

	a++, b++;
	do {
		ca = next_cp(s, &a);
		cb = next_cp(s, &b);
	} while (ca == cb && ca != -1);
	return ca == cb;
}

/* A member name, checked against the n earlier ones in names, and its
 * colon. */
static int
member_name(struct js *p, size_t *names, size_t n)
{
	size_t at = p->i, k;

	if (peek(p) != '"')
		return fail(p, "a key that is not a double-quoted string");
	if (string(p) == -1)
		return -1;
	for (k = 0; k < n; k++) {
		if (same_name(p->s, names[k], at)) {
			p->i = at;
			return fail(p, "a duplicate key");
		}
	}
	if (n == FTX_JSONSTRICT_MEMBERS_MAX) {
		p->i = at;
		return fail(p, "too many members in one object");
	}
	names[n] = at;
	skip_ws(p);
	if (peek(p) != ':')
		return fail(p, "a missing colon");
	p->i++;
	return 0;
}

/* An object (its members) or an array (its elements), from its opening
 * brace or bracket. */
static int
container(struct js *p, int is_object)
{
	size_t names[FTX_JSONSTRICT_MEMBERS_MAX], n;
	int close = is_object ? '}' : ']', c;

	p->i++;
	skip_ws(p);
	if (peek(p) == close) {
		p->i++;
		return 0;
	}
	for (n = 0;; n++) {
		if (is_object && member_name(p, names, n) == -1)
			return -1;
		if (value(p) == -1)
			return -1;
		skip_ws(p);
		if ((c = peek(p)) == close) {
			p->i++;
			return 0;
		}
		if (c != ',')
			return fail(p, is_object ? "a missing comma or closing "
			    "brace" : "a missing comma or closing bracket");
		p->i++;
		skip_ws(p);
		if (peek(p) == close)
			return fail(p, "a trailing comma");
	}
}

static int
value(struct js *p)
{
	int c, r;

	skip_ws(p);
	switch ((c = peek(p))) {
	case '{':
	case '[':
		if (p->depth == FTX_JSONSTRICT_DEPTH_MAX)
			return fail(p, "nesting too deep");
		p->depth++;
		r = container(p, c == '{');
		p->depth--;
		return r;
	case '"':
		return string(p);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	case -1:
		return fail(p, "a missing value");
	case '\'':
		return fail(p, "a single quote");
	case '/':
		return fail(p, "a comment");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return number(p);
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return fail(p, "a bare word");
		return fail(p, "an unexpected character");
	}
}

int
ftx_jsonstrict_check(const char *s, size_t len, size_t *pos,
    const char **why)
{
	struct js p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.s = (const unsigned char *)s;
	p.len = len;
	if ((rc = value(&p)) == 0) {
		skip_ws(&p);
		if (p.i < p.len)
			rc = fail(&p, "text after the value");
	}
	if (rc == -1) {
		if (pos != NULL)
			*pos = p.i;
		if (why != NULL)
			*why = p.why;
	}
	return rc;
}
