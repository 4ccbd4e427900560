/*
 * fuzzlib.h - what the libFuzzer targets of tests/fuzz/ share.
 *
 * A target is one LLVMFuzzerTestOneInput() that feeds its parser the bytes
 * libFuzzer makes up and checks an invariant; a broken invariant is a
 * crash (FUZZ_ASSERT aborts, libFuzzer saves the input).
 */
#ifndef FTX_FUZZLIB_H
#define FTX_FUZZLIB_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the failed condition and its place. */
#define FUZZ_ASSERT(c) do { \
	if (!(c)) \
		fuzz_fail(__FILE__, __LINE__, #c); \
} while (0)

void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* A NUL-terminated malloc'd copy of data[size] (which may hold NULs);
 * aborts when out of memory. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Splits data[size] at the first byte sep: *a, *alen the part before,
 * *b, *blen the rest (empty when sep is missing). */
void fuzz_split(const uint8_t *data, size_t size, uint8_t sep,
    const uint8_t **a, size_t *alen, const uint8_t **b, size_t *blen);

struct ftx_apierrs;

/* Checks that the error list renders, as the API sends it, as strict JSON
 * (RFC 8259, jsonstrict.c), and empties it. */
void fuzz_check_errors(struct ftx_apierrs *errs);

/* The value of the hex digit c, or -1: the targets' references decode
 * escapes with it, apart from the code under test. */
int fuzz_hexval(unsigned char c);

/* Keeps ftx's log quiet (errors only, to stderr) for the whole run. */
void fuzz_quiet_log(void);

#endif /* FTX_FUZZLIB_H */
