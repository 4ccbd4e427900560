/*
 * fuzz_cursor.c - keyset cursors: any text either fails to decode or
 * decodes to a position that encodes to a cursor decoding to the same
 * position; and every position the encoder takes (a time of years
 * 1..9999, an id of 1..255 bytes of UTF-8 without control characters),
 * made of the input's bytes, decodes back exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "fuzzlib.h"
#include "utf8.h"

#define TMIN	(INT64_C(-62135596800) * 1000000)
#define TMAX	(INT64_C(253402300800) * 1000000 - 1)

static void
same_back(const struct ftx_cursor *c)
{
	struct ftx_cursor d;
	char text[FTX_CURSOR_LEN];

	FUZZ_ASSERT(ftx_cursor_encode(c, text, sizeof(text)) == 0);
	memset(&d, 0xa5, sizeof(d));
	FUZZ_ASSERT(ftx_cursor_decode(text, &d) == 0);
	FUZZ_ASSERT(d.usec == c->usec);
	FUZZ_ASSERT(strcmp(d.id, c->id) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftx_cursor c;
	uint64_t raw = 0;
	char *text;
	size_t idlen, i;
	int ok;

	/* Text from outside. */
	text = fuzz_strndup(data, size);
	memset(&c, 0, sizeof(c));
	if (ftx_cursor_decode(text, &c) == 0) {
		FUZZ_ASSERT(c.usec >= TMIN && c.usec <= TMAX);
		idlen = strlen(c.id);
		FUZZ_ASSERT(idlen >= 1 && idlen <= FTX_CURSOR_ID_MAX);
		FUZZ_ASSERT(ftx_utf8_text_ok(c.id, idlen));
		same_back(&c);
	}
	free(text);

	/* A position from the input's bytes. */
	if (size < 9)
		return 0;
	memcpy(&raw, data, 8);
	c.usec = TMIN + (int64_t)(raw % (uint64_t)(TMAX - TMIN + 1));
	idlen = size - 8 > FTX_CURSOR_ID_MAX ? FTX_CURSOR_ID_MAX : size - 8;
	memcpy(c.id, data + 8, idlen);
	c.id[idlen] = '\0';
	ok = strlen(c.id) == idlen && ftx_utf8_text_ok(c.id, idlen);
	for (i = 0; ok && i < idlen; i++)
		ok = (unsigned char)c.id[i] >= 0x20 && c.id[i] != 0x7f;
	if (ok)
		same_back(&c);
	return 0;
}
