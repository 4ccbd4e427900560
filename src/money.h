/*
 * money.h - amounts as decimal strings with ISO 4217 minor-unit digits.
 *
 * Amounts are numeric(20,4) in the database; they are handled as text and
 * exact integers, never as floating point.
 */
#ifndef FTX_MONEY_H
#define FTX_MONEY_H

#include <stddef.h>

#define FTX_MONEY_LEN	32	/* enough for any numeric(20,4) plus NUL */

/* ISO 4217 minor-unit digits of a currency code (case-insensitive): 0 for
 * JPY, KRW, ...; 3 for BHD, KWD, ...; 2 for EUR, USD and unknown codes. */
int ftx_money_minor_digits(const char *currency);

/* Formats amount (a non-negative decimal as PostgreSQL prints numeric,
 * e.g. "1234.5000") with the currency's digits, rounding half away from
 * zero: ("1234.5000","EUR") -> "1234.50", ("1499.5000","JPY") -> "1500".
 * Writes into buf[len]; returns the length written, or -1 if amount is not
 * such a decimal or buf is too small. */
int ftx_money_format(const char *amount, const char *currency, char *buf,
    size_t len);

/* Validates a user-supplied amount bound: a non-negative decimal with at
 * most 16 integer digits and at most 4 decimals ("12", "12.5", "0.0001",
 * "-0" is rejected as negative-signed, no exponent, no spaces).  Writes the
 * canonical form (no leading zeros, no trailing fraction zeros: "12.5")
 * into buf[len].  Returns 0, or -1 when invalid. */
int ftx_money_parse_amount(const char *s, char *buf, size_t len);

#endif /* FTX_MONEY_H */
