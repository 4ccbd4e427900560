/*
 * fuzz_email_address.c - the SPEC 7 address rule (ftx_email_valid) against
 * a reference written from the SPEC alone: split at the last '@', then at
 * the dots, and check each piece by character sets.
 */
#include <stdint.h>
#include <string.h>

#include "email.h"
#include "fuzzlib.h"

static const char atext_specials[] = "!#$%&'*+-/=?^_`{|}~";

static int
ref_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* One atom (between dots) of the local part: 1+ atext characters. */
static int
ref_atom(const unsigned char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!ref_alnum(s[i]) && (s[i] == '\0' ||
		    memchr(atext_specials, s[i], sizeof(atext_specials) - 1) ==
		    NULL))
			return 0;
	return 1;
}

/* One domain label: LDH, 1..63, no hyphen at either end. */
static int
ref_label(const unsigned char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!ref_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* Calls piece() on each dot-separated piece of s[n]; returns the number
 * of pieces, or -1 when one fails. */
static int
ref_pieces(const unsigned char *s, size_t n,
    int (*piece)(const unsigned char *, size_t))
{
	size_t start = 0, i;
	int count = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!piece(s + start, i - start))
			return -1;
		count++;
		start = i + 1;
	}
	return count;
}

static int
ref_valid(const unsigned char *s, size_t n)
{
	size_t at, i, ats = 0;

	if (n < 1 || n > 254)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= 0x80)
			return 0;	/* ASCII only */
		if (s[i] == '@') {
			ats++;
			at = i;
		}
	}
	if (ats != 1 || at == 0 || at > 64)
		return 0;
	return ref_pieces(s, at, ref_atom) >= 1 &&
	    ref_pieces(s + at + 1, n - at - 1, ref_label) >= 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int got, want;

	/* data is not NUL-terminated (libFuzzer's exact-size copy, so
	 * AddressSanitizer sees a read past it): the validator takes a
	 * length. */
	got = ftx_email_valid(size > 0 ? (const char *)data : NULL, size);
	want = ref_valid(data, size);
	FUZZ_ASSERT(got == 0 || got == 1);
	FUZZ_ASSERT(got == want);
	return 0;
}
