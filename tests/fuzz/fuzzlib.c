/*
 * fuzzlib.c - helpers shared by the libFuzzer targets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "fuzzlib.h"
#include "jsonstrict.h"
#include "log.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void
fuzz_split(const uint8_t *data, size_t size, uint8_t sep,
    const uint8_t **a, size_t *alen, const uint8_t **b, size_t *blen)
{
	const uint8_t *p = size > 0 ? memchr(data, sep, size) : NULL;

	*a = data;
	if (p == NULL) {
		*alen = size;
		*b = data + size;
		*blen = 0;
		return;
	}
	*alen = (size_t)(p - data);
	*b = p + 1;
	*blen = size - *alen - 1;
}

void
fuzz_quiet_log(void)
{
	static int done;

	if (done)
		return;
	ftx_log_open("ftx-fuzz", 1, LOG_CRIT, LOG_USER);
	done = 1;
}

void
fuzz_check_errors(struct ftx_apierrs *errs)
{
	struct json_object *body;
	const char *text;

	body = ftx_apierrs_body(errs);
	FUZZ_ASSERT(body != NULL);
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	FUZZ_ASSERT(text != NULL);
	FUZZ_ASSERT(ftx_jsonstrict_check(text, strlen(text), NULL, NULL) == 0);
	json_object_put(body);
}

int
fuzz_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
