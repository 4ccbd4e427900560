/*
 * check_filters.c - the filter vocabulary: JSON bodies and query strings in,
 * the normal form and the error list out, the round trip through the normal
 * form, and the SQL conditions, all table-driven.
 *
 * What json-c does before ftx sees anything (json-c 0.16, strict tokener
 * with UTF-8 validation), pinned by the tables below:
 * - NaN, Infinity and -Infinity are accepted as numbers (strict mode or
 *   not) and keep their text: ftx rejects them as amounts;
 * - an integer keeps no text: -0 becomes 0 (accepted, its value is 0)
 *   and integers beyond 64 bits are clamped (always more than 16 digits,
 *   so still rejected); a double keeps its text (-0.0, 1e2, 1.10);
 * - raw bytes that are not UTF-8 at all are a tokener error, but overlong
 *   forms and encoded surrogates pass it: ftx rejects them itself;
 * - \u0000 is kept inside a string value (ftx rejects it) but cuts an
 *   object key short ("currency\u0000x" is the key "currency");
 * - a lone \ud800 escape becomes U+FFFD;
 * - with duplicate keys the last value wins, at the place of the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "check_main.h"
#include "filterjson.h"
#include "filters.h"
#include "filtersql.h"
#include "isotime.h"
#include "query.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define IGN		FTX_FILTERS_IGNORE_SUPPLIERS
#define OUT_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* 255 and 256 bytes of text. */
#define S10	"abcdefghij"
#define S50	S10 S10 S10 S10 S10
#define S250	S50 S50 S50 S50 S50
#define S255	S250 "abcde"
#define S256	S255 "f"
/* 255 bytes of which the last two are one character. */
#define U255	S250 "abc\xc3\xa9"

#define MSG_AMOUNT	"must be a non-negative decimal with at most 4 decimals"
#define MSG_DATE	"must be an ISO 8601 date-time with Z or an offset, " \
			"or a date YYYY-MM-DD"

struct json_case {
	const char	*in;	/* the filters object as JSON text */
	int		 flags;
	const char	*out;	/* normal form, or NULL when errors */
	const char	*errs;	/* "CODE field|CODE field", or NULL */
};

static const struct json_case json_cases[] = {
	/* Nothing. */
	{ "{}", 0, "{}", NULL },
	{ "null", 0, "{}", NULL },
	{ "{\"createdAtFrom\":null,\"statuses\":null,\"amountMin\":null,"
	  "\"currency\":null,\"reference\":null}", 0, "{}", NULL },
	{ "{\"statuses\":[],\"supplierIds\":[]}", 0, "{}", NULL },
	{ "{\"statuses\":[null,null]}", 0, "{}", NULL },
	/* Not an object. */
	{ "[]", 0, NULL, "INVALID_FIELD filters" },
	{ "\"x\"", 0, NULL, "INVALID_FIELD filters" },
	{ "5", 0, NULL, "INVALID_FIELD filters" },
	{ "true", 0, NULL, "INVALID_FIELD filters" },

	/* Dates. */
	{ "{\"createdAtFrom\":\"2026-01-01\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T00:00:00Z\"}", NULL },
	{ "{\"createdAtTo\":\"2026-01-01\"}", 0,
	  "{\"createdAtTo\":\"2026-01-01T23:59:59.999999Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01\",\"createdAtTo\":\"2026-01-01\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T00:00:00Z\","
	  "\"createdAtTo\":\"2026-01-01T23:59:59.999999Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00+05:30\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T04:30:00Z\"}", NULL },
	{ "{\"createdAtTo\":\"2026-01-01T20:00:00-08:00\"}", 0,
	  "{\"createdAtTo\":\"2026-01-02T04:00:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T00:30:00+01:00\"}", 0,
	  "{\"createdAtFrom\":\"2025-12-31T23:30:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.123456Z\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00.123456Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.5Z\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00.500000Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.1234567891Z\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00.123456Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.000Z\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01t10:00z\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2024-02-29\"}", 0,
	  "{\"createdAtFrom\":\"2024-02-29T00:00:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"1969-12-31T23:59:59.5Z\"}", 0,
	  "{\"createdAtFrom\":\"1969-12-31T23:59:59.500000Z\"}", NULL },
	{ "{\"createdAtFrom\":\"0001-01-01\",\"createdAtTo\":\"9999-12-31\"}", 0,
	  "{\"createdAtFrom\":\"0001-01-01T00:00:00Z\","
	  "\"createdAtTo\":\"9999-12-31T23:59:59.999999Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-02-30\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-13-01\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtTo\":\"2025-02-29\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtTo" },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01T24:00:00Z\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00 02:00\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },	/* query strings only */
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00Z \"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":20260101}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":[\"2026-01-01\"]}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":{\"date\":\"2026-01-01\"}}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":true}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01\\u0000\"}", 0, NULL,
	  "INVALID_FILTER filters.createdAtFrom" },
	/* Date ranges: inclusive bounds, checked exactly. */
	{ "{\"createdAtFrom\":\"2026-01-02\",\"createdAtTo\":\"2026-01-01\"}", 0,
	  NULL, "INVALID_DATE_RANGE filters.createdAtFrom" },
	{ "{\"createdAtTo\":\"2026-01-01\",\"createdAtFrom\":\"2026-01-02\"}", 0,
	  NULL, "INVALID_DATE_RANGE filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\","
	  "\"createdAtTo\":\"2026-01-01T12:00:00+02:00\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\","
	  "\"createdAtTo\":\"2026-01-01T10:00:00Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.000001Z\","
	  "\"createdAtTo\":\"2026-01-01T10:00:00Z\"}", 0, NULL,
	  "INVALID_DATE_RANGE filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01T23:59:59.999999Z\","
	  "\"createdAtTo\":\"2026-01-01\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T23:59:59.999999Z\","
	  "\"createdAtTo\":\"2026-01-01T23:59:59.999999Z\"}", NULL },
	{ "{\"createdAtFrom\":\"2026-01-02T00:00:00+01:00\","
	  "\"createdAtTo\":\"2026-01-01\"}", 0,
	  "{\"createdAtFrom\":\"2026-01-01T23:00:00Z\","
	  "\"createdAtTo\":\"2026-01-01T23:59:59.999999Z\"}", NULL },
	/* A range is only judged when both bounds are valid. */
	{ "{\"createdAtFrom\":\"2026-02-30\",\"createdAtTo\":\"2020-01-01\"}", 0,
	  NULL, "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"createdAtFrom\":\"2026-01-01\",\"createdAtTo\":5}", 0,
	  NULL, "INVALID_FILTER filters.createdAtTo" },

	/* Statuses. */
	{ "{\"statuses\":[\"FAILED\",\"PENDING\",\"FAILED\"]}", 0,
	  "{\"statuses\":[\"PENDING\",\"FAILED\"]}", NULL },
	{ "{\"statuses\":[\"CANCELED\",\"FAILED\",\"COMPLETED\",\"PROCESSING\","
	  "\"PENDING\"]}", 0,
	  "{\"statuses\":[\"PENDING\",\"PROCESSING\",\"COMPLETED\",\"FAILED\","
	  "\"CANCELED\"]}", NULL },
	{ "{\"statuses\":[null,\"COMPLETED\",null]}", 0,
	  "{\"statuses\":[\"COMPLETED\"]}", NULL },
	{ "{\"statuses\":\"PENDING\"}", 0, NULL,
	  "INVALID_FILTER filters.statuses" },
	{ "{\"statuses\":{\"0\":\"PENDING\"}}", 0, NULL,
	  "INVALID_FILTER filters.statuses" },
	{ "{\"statuses\":1}", 0, NULL, "INVALID_FILTER filters.statuses" },
	{ "{\"statuses\":[\"pending\"]}", 0, NULL,
	  "INVALID_FILTER filters.statuses[0]" },
	{ "{\"statuses\":[\"PENDING\",1,\"X\",null,[\"FAILED\"],\"\","
	  "\"CANCELLED\",\" PENDING\",\"PENDING\\u0000\",{}]}", 0, NULL,
	  "INVALID_FILTER filters.statuses[1]|"
	  "INVALID_FILTER filters.statuses[2]|"
	  "INVALID_FILTER filters.statuses[4]|"
	  "INVALID_FILTER filters.statuses[5]|"
	  "INVALID_FILTER filters.statuses[6]|"
	  "INVALID_FILTER filters.statuses[7]|"
	  "INVALID_FILTER filters.statuses[8]|"
	  "INVALID_FILTER filters.statuses[9]" },
	{ "{\"statuses\":[[[[[[[[[[[[[[[[[[[[\"PENDING\"]]]]]]]]]]]]]]]]]]]]}",
	  0, NULL, "INVALID_FILTER filters.statuses[0]" },

	/* Supplier ids. */
	{ "{\"supplierIds\":[\"b\",\"a\",\"b\",null,\"a\"]}", 0,
	  "{\"supplierIds\":[\"b\",\"a\"]}", NULL },
	{ "{\"supplierIds\":[\"sup_\xc3\xa9\xe2\x82\xac\",\"B\",\"b\"]}", 0,
	  "{\"supplierIds\":[\"sup_\xc3\xa9\xe2\x82\xac\",\"B\",\"b\"]}", NULL },
	{ "{\"supplierIds\":[\"" S255 "\"]}", 0,
	  "{\"supplierIds\":[\"" S255 "\"]}", NULL },
	{ "{\"supplierIds\":[\"" S256 "\"]}", 0, NULL,
	  "INVALID_FILTER filters.supplierIds[0]" },
	{ "{\"supplierIds\":\"abc\"}", 0, NULL,
	  "INVALID_FILTER filters.supplierIds" },
	{ "{\"supplierIds\":[\"\",1,\"a\\u0000b\",\"ok\",true,\"\xc0\xaf\"]}",
	  0, NULL,
	  "INVALID_FILTER filters.supplierIds[0]|"
	  "INVALID_FILTER filters.supplierIds[1]|"
	  "INVALID_FILTER filters.supplierIds[2]|"
	  "INVALID_FILTER filters.supplierIds[4]|"
	  "INVALID_FILTER filters.supplierIds[5]" },
	/* SUPPLIER scope: supplierIds dropped whatever it holds. */
	{ "{\"supplierIds\":[\"a\"]}", IGN, "{}", NULL },
	{ "{\"supplierIds\":5}", IGN, "{}", NULL },
	{ "{\"supplierIds\":[1,{},\"\"],\"currency\":\"eur\"}", IGN,
	  "{\"currency\":\"EUR\"}", NULL },
	{ "{\"supplierIds\":[1],\"currency\":1}", IGN, NULL,
	  "INVALID_FILTER filters.currency" },

	/* Amounts: numbers as written, or decimal strings. */
	{ "{\"amountMin\":10}", 0, "{\"amountMin\":\"10\"}", NULL },
	{ "{\"amountMin\":0}", 0, "{\"amountMin\":\"0\"}", NULL },
	{ "{\"amountMin\":-0}", 0, "{\"amountMin\":\"0\"}", NULL },
	{ "{\"amountMin\":1.10}", 0, "{\"amountMin\":\"1.1\"}", NULL },
	{ "{\"amountMin\":0.0001}", 0, "{\"amountMin\":\"0.0001\"}", NULL },
	{ "{\"amountMin\":\"10.50\"}", 0, "{\"amountMin\":\"10.5\"}", NULL },
	{ "{\"amountMin\":\"0012.3400\"}", 0, "{\"amountMin\":\"12.34\"}", NULL },
	{ "{\"amountMin\":\"0.00000\"}", 0, "{\"amountMin\":\"0\"}", NULL },
	{ "{\"amountMax\":9999999999999999.9999}", 0,
	  "{\"amountMax\":\"9999999999999999.9999\"}", NULL },
	{ "{\"amountMax\":\"9999999999999999.9999\"}", 0,
	  "{\"amountMax\":\"9999999999999999.9999\"}", NULL },
	{ "{\"amountMax\":1234567890123456}", 0,
	  "{\"amountMax\":\"1234567890123456\"}", NULL },
	{ "{\"amountMin\":\"5\",\"amountMax\":5.000}", 0,
	  "{\"amountMin\":\"5\",\"amountMax\":\"5\"}", NULL },
	{ "{\"amountMin\":\"9.5\",\"amountMax\":10}", 0,
	  "{\"amountMin\":\"9.5\",\"amountMax\":\"10\"}", NULL },
	{ "{\"amountMin\":0.45,\"amountMax\":\"0.5\"}", 0,
	  "{\"amountMin\":\"0.45\",\"amountMax\":\"0.5\"}", NULL },
	{ "{\"amountMin\":10,\"amountMax\":9.5}", 0, NULL,
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":\"0.5\",\"amountMax\":\"0.45\"}", 0, NULL,
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":\"0.0001\",\"amountMax\":0}", 0, NULL,
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":\"100\",\"amountMax\":\"99.9999\"}", 0, NULL,
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":\"1000000000000000\",\"amountMax\":\"999999999999999."
	  "9999\"}", 0, NULL, "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMax\":\"9\",\"amountMin\":\"10\"}", 0, NULL,
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":\"x\",\"amountMax\":\"1\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"10\",\"amountMax\":-1}", 0, NULL,
	  "INVALID_FILTER filters.amountMax" },
	{ "{\"amountMin\":1e2}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1E2}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1.5e-3}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"1e2\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1e309}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":-1e309}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1e-400}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":NaN}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":Infinity}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMax\":-Infinity}", 0, NULL,
	  "INVALID_FILTER filters.amountMax" },
	{ "{\"amountMin\":\"NaN\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"Infinity\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"inf\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":-0.0}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"-0\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":-1}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"-1\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"+1\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":0.00001}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"0.00001\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1.23456}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1.}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\".5\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"1.\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"1,5\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"0x10\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\" 1\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"1 \"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"1\\u00002\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":\"\xef\xbc\x91\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },	/* fullwidth digit one */
	{ "{\"amountMin\":\"abc\"}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":true}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":false}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":{}}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":[1]}", 0, NULL, "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":10000000000000000}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },	/* 17 integer digits */
	{ "{\"amountMin\":\"10000000000000000\"}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":99999999999999999999999}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },	/* clamped by json-c */
	{ "{\"amountMin\":-99999999999999999999999}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":1" "000000000000000000000000000000000000000000000000"
	  "00000000000000000000000000000000000000000000000000.5}", 0, NULL,
	  "INVALID_FILTER filters.amountMin" },
	{ "{\"amountMin\":0.000000000000000000000000000000000000000000000001}",
	  0, NULL, "INVALID_FILTER filters.amountMin" },

	/* Balance account types, related entity type: exact words. */
	{ "{\"sourceBalanceAccountType\":\"MARKETPLACE\","
	  "\"targetBalanceAccountType\":\"SUPPLIER\"}", 0,
	  "{\"sourceBalanceAccountType\":\"MARKETPLACE\","
	  "\"targetBalanceAccountType\":\"SUPPLIER\"}", NULL },
	{ "{\"sourceBalanceAccountType\":\"marketplace\"}", 0, NULL,
	  "INVALID_FILTER filters.sourceBalanceAccountType" },
	{ "{\"targetBalanceAccountType\":\"BUYER\"}", 0, NULL,
	  "INVALID_FILTER filters.targetBalanceAccountType" },
	{ "{\"targetBalanceAccountType\":[\"SUPPLIER\"]}", 0, NULL,
	  "INVALID_FILTER filters.targetBalanceAccountType" },
	{ "{\"sourceBalanceAccountType\":\"SUPPLIER\\u0000\"}", 0, NULL,
	  "INVALID_FILTER filters.sourceBalanceAccountType" },
	{ "{\"relatedEntityType\":\"REFUND\",\"relatedEntityId\":\"rf_1\"}", 0,
	  "{\"relatedEntityType\":\"REFUND\",\"relatedEntityId\":\"rf_1\"}",
	  NULL },
	{ "{\"relatedEntityType\":\"payout\"}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityType" },
	{ "{\"relatedEntityType\":\"OTHER\"}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityType" },
	{ "{\"relatedEntityType\":1}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityType" },
	{ "{\"relatedEntityId\":\"\"}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityId" },
	{ "{\"relatedEntityId\":12}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityId" },
	{ "{\"relatedEntityId\":\" PO 1 \"}", 0,
	  "{\"relatedEntityId\":\" PO 1 \"}", NULL },	/* exact, untrimmed */

	/* Currency: three ASCII letters, normalised to upper case. */
	{ "{\"currency\":\"eur\"}", 0, "{\"currency\":\"EUR\"}", NULL },
	{ "{\"currency\":\"uSd\"}", 0, "{\"currency\":\"USD\"}", NULL },
	{ "{\"currency\":\"XXX\"}", 0, "{\"currency\":\"XXX\"}", NULL },
	{ "{\"currency\":\"EURO\"}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"E1R\"}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"EU\"}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"\"}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\" EUR\"}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"\xc3\x89UR\"}", 0, NULL,
	  "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"EU\\u0000\"}", 0, NULL,
	  "INVALID_FILTER filters.currency" },
	{ "{\"currency\":978}", 0, NULL, "INVALID_FILTER filters.currency" },
	{ "{\"currency\":{\"code\":\"EUR\"}}", 0, NULL,
	  "INVALID_FILTER filters.currency" },
	{ "{\"currency\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"EUR\"]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]}", 0, NULL, "INVALID_FILTER filters.currency" },

	/* Reference: any non-empty text, kept as given. */
	{ "{\"reference\":\"50%_off\\\\\"}", 0,
	  "{\"reference\":\"50%_off\\\\\"}", NULL },
	{ "{\"reference\":\"\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \\\"q\\\"\"}",
	  0, "{\"reference\":\"\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \\\"q\\\"\"}",
	  NULL },
	{ "{\"reference\":\"a/b\"}", 0, "{\"reference\":\"a/b\"}", NULL },
	{ "{\"reference\":\"\\ud800\"}", 0,
	  "{\"reference\":\"\xef\xbf\xbd\"}", NULL },	/* json-c: U+FFFD */
	{ "{\"reference\":\"" S255 "\"}", 0, "{\"reference\":\"" S255 "\"}",
	  NULL },
	{ "{\"reference\":\"" U255 "\"}", 0, "{\"reference\":\"" U255 "\"}",
	  NULL },
	{ "{\"reference\":\"" S256 "\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"" U255 "x\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"\"}", 0, NULL, "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"a\\u0000b\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"\\u0000\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	/* Control characters (SPEC §7; issue 10: a line added to the mail). */
	{ "{\"reference\":\"x\\r\\nDownload it here instead: "
	  "http://evil.example/\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"a\\u0001b\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"a\\tb\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"reference\":\"a\\u007fb\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },
	{ "{\"relatedEntityId\":\"po_1\\n\"}", 0, NULL,
	  "INVALID_FILTER filters.relatedEntityId" },
	{ "{\"supplierIds\":[\"ok\",\"s\\r1\"]}", 0, NULL,
	  "INVALID_FILTER filters.supplierIds[1]" },
	{ "{\"currency\":\"EU\\n\"}", 0, NULL,
	  "INVALID_FILTER filters.currency" },
	{ "{\"reference\":\"a\\u0085b\"}", 0,
	  "{\"reference\":\"a\xc2\x85" "b\"}", NULL },	/* C1: text */
	{ "{\"reference\":\"\xc0\xaf\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },	/* overlong '/' */
	{ "{\"reference\":\"\xed\xa0\x80\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },	/* encoded surrogate */
	{ "{\"reference\":\"\xf4\x90\x80\x80\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },	/* beyond U+10FFFF */
	{ "{\"reference\":\"\xe0\x80\xaf\"}", 0, NULL,
	  "INVALID_FILTER filters.reference" },	/* overlong, 3 bytes */
	{ "{\"reference\":5}", 0, NULL, "INVALID_FILTER filters.reference" },
	{ "{\"reference\":[\"a\"]}", 0, NULL,
	  "INVALID_FILTER filters.reference" },

	/* Names: case-sensitive, unknown ones reported. */
	{ "{\"foo\":1}", 0, NULL, "UNKNOWN_FIELD filters.foo" },
	{ "{\"Currency\":\"EUR\"}", 0, NULL, "UNKNOWN_FIELD filters.Currency" },
	{ "{\"status\":[\"PENDING\"]}", 0, NULL,
	  "UNKNOWN_FIELD filters.status" },
	{ "{\"\":1}", 0, NULL, "UNKNOWN_FIELD filters." },
	{ "{\"foo\":null}", 0, NULL, "UNKNOWN_FIELD filters.foo" },
	{ "{\"caf\xc3\xa9\":1}", 0, NULL, "UNKNOWN_FIELD filters.caf\xc3\xa9" },
	{ "{\"\xc0\xaf\":1}", 0, NULL, "UNKNOWN_FIELD null" },
	{ "{\"" S256 "\":1}", 0, NULL, "UNKNOWN_FIELD null" },
	{ "{\"currency\\u0000x\":\"eur\"}", 0,
	  "{\"currency\":\"EUR\"}", NULL },	/* json-c cuts the key */
	/* Duplicate keys: json-c keeps the last value. */
	{ "{\"currency\":\"usd\",\"currency\":\"eur\"}", 0,
	  "{\"currency\":\"EUR\"}", NULL },
	{ "{\"currency\":5,\"currency\":\"eur\"}", 0,
	  "{\"currency\":\"EUR\"}", NULL },
	{ "{\"currency\":\"eur\",\"currency\":5}", 0, NULL,
	  "INVALID_FILTER filters.currency" },
	{ "{\"currency\":\"eur\",\"currency\":null}", 0, "{}", NULL },

	/* Every problem, in the order of the keys, ranges last. */
	{ "{\"zzz\":1,\"currency\":\"EURO\",\"amountMin\":\"x\","
	  "\"statuses\":[\"X\",\"PENDING\",7],\"createdAtFrom\":\"bad\"}", 0,
	  NULL,
	  "UNKNOWN_FIELD filters.zzz|INVALID_FILTER filters.currency|"
	  "INVALID_FILTER filters.amountMin|"
	  "INVALID_FILTER filters.statuses[0]|"
	  "INVALID_FILTER filters.statuses[2]|"
	  "INVALID_FILTER filters.createdAtFrom" },
	{ "{\"amountMin\":\"10\",\"currency\":\"x\",\"amountMax\":\"9\"}", 0,
	  NULL, "INVALID_FILTER filters.currency|"
	  "INVALID_AMOUNT_RANGE filters.amountMin" },
	{ "{\"amountMin\":2,\"amountMax\":1,\"createdAtFrom\":\"2026-01-02\","
	  "\"createdAtTo\":\"2026-01-01\",\"x\":0}", 0, NULL,
	  "UNKNOWN_FIELD filters.x|INVALID_DATE_RANGE filters.createdAtFrom|"
	  "INVALID_AMOUNT_RANGE filters.amountMin" },

	/* Everything at once. */
	{ "{\"relatedEntityId\":\"po_9\",\"relatedEntityType\":\"PAYOUT\","
	  "\"reference\":\"Inv 7\",\"currency\":\"gbp\","
	  "\"targetBalanceAccountType\":\"SUPPLIER\","
	  "\"sourceBalanceAccountType\":\"MARKETPLACE\","
	  "\"amountMax\":\"100.00\",\"amountMin\":0.5,"
	  "\"supplierIds\":[\"s2\",\"s1\",\"s2\"],"
	  "\"statuses\":[\"FAILED\",\"PENDING\"],"
	  "\"createdAtTo\":\"2026-03-31\","
	  "\"createdAtFrom\":\"2026-01-01T00:00:00+01:00\"}", 0,
	  "{\"createdAtFrom\":\"2025-12-31T23:00:00Z\","
	  "\"createdAtTo\":\"2026-03-31T23:59:59.999999Z\","
	  "\"statuses\":[\"PENDING\",\"FAILED\"],"
	  "\"supplierIds\":[\"s2\",\"s1\"],"
	  "\"amountMin\":\"0.5\",\"amountMax\":\"100\","
	  "\"sourceBalanceAccountType\":\"MARKETPLACE\","
	  "\"targetBalanceAccountType\":\"SUPPLIER\","
	  "\"currency\":\"GBP\",\"reference\":\"Inv 7\","
	  "\"relatedEntityType\":\"PAYOUT\",\"relatedEntityId\":\"po_9\"}",
	  NULL },
};

/* Texts the strict tokener refuses before filters see them. */
static const char *const tokener_rejects[] = {
	"{\"reference\":\"\xff\"}",		/* not UTF-8 at all */
	"{\"reference\":\"\xc3\"}",		/* truncated sequence */
	"{\"amountMin\":nan}",
	"{\"amountMin\":012}",
	"{\"amountMin\":.5}",
	"{\"amountMin\":+1}",
	"{\"amountMin\":0x10}",
	"{\"reference\":'x'}",
	"{\"statuses\":[\"PENDING\",]}",
	/* Deeper than 64 levels. */
	"{\"statuses\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	"[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	"]]]]]]]]]]]]}",
};

/* --- helpers ----------------------------------------------------------- */

static struct json_object *
parse_json(const char *text)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error e;

	tok = json_tokener_new_ex(64);
	ck_assert_ptr_nonnull(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	/* With the NUL: json-c needs to see the end of a top-level number
	 * or literal ("5", "null"), or it answers "continue". */
	obj = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	e = json_tokener_get_error(tok);
	if (e != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	} else
		ck_assert_uint_ge(json_tokener_get_parse_end(tok),
		    strlen(text));
	json_tokener_free(tok);
	ck_assert_msg(e == json_tokener_success, "tokener: %s on %s",
	    json_tokener_error_desc(e), text);
	return obj;
}

/* The error list as "CODE field|CODE field" (a missing field: "null");
 * every message must be there. */
static void
errs_text(struct ftx_apierrs *errs, char *buf, size_t size)
{
	struct json_object *e, *v;
	size_t i, n = 0;
	const char *field, *msg;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(errs->list); i++) {
		e = json_object_array_get_idx(errs->list, i);
		ck_assert(json_object_object_get_ex(e, "field", &v));
		field = v != NULL ? json_object_get_string(v) : "null";
		ck_assert(json_object_object_get_ex(e, "message", &v));
		msg = json_object_get_string(v);
		ck_assert(msg != NULL && msg[0] != '\0');
		ck_assert(json_object_object_get_ex(e, "code", &v));
		n += (size_t)snprintf(buf + n, size - n, "%s%s %s",
		    i > 0 ? "|" : "", json_object_get_string(v), field);
		ck_assert_uint_lt(n, size);
	}
	ck_assert_int_eq((int)i, errs->count);
}

static int
filters_equal(const struct ftx_filters *a, const struct ftx_filters *b)
{
	size_t i;

	if (a->has_from != b->has_from || a->has_to != b->has_to ||
	    (a->has_from && a->from_usec != b->from_usec) ||
	    (a->has_to && a->to_usec != b->to_usec) ||
	    a->statuses != b->statuses ||
	    a->n_supplier_ids != b->n_supplier_ids ||
	    strcmp(a->amount_min, b->amount_min) != 0 ||
	    strcmp(a->amount_max, b->amount_max) != 0 ||
	    a->source_type != b->source_type ||
	    a->target_type != b->target_type ||
	    strcmp(a->currency, b->currency) != 0 ||
	    a->related_type != b->related_type ||
	    (a->reference == NULL) != (b->reference == NULL) ||
	    (a->reference != NULL && strcmp(a->reference, b->reference)) ||
	    (a->related_id == NULL) != (b->related_id == NULL) ||
	    (a->related_id != NULL && strcmp(a->related_id, b->related_id)))
		return 0;
	for (i = 0; i < a->n_supplier_ids; i++)
		if (strcmp(a->supplier_ids[i], b->supplier_ids[i]) != 0)
			return 0;
	return 1;
}

static int
filters_empty(const struct ftx_filters *f)
{
	struct ftx_filters empty;

	ftx_filters_init(&empty);
	return filters_equal(f, &empty) && f->supplier_ids == NULL;
}

/* f rendered, checked against expect, and parsed back to the same f. */
static void
check_normal_form(const struct ftx_filters *f, const char *expect)
{
	struct ftx_filters back;
	struct ftx_apierrs errs;
	struct json_object *o, *o2;
	char *text;

	o = ftx_filters_to_json(f);
	ck_assert_ptr_nonnull(o);
	text = strdup(json_object_to_json_string_ext(o, OUT_FLAGS));
	ck_assert_ptr_nonnull(text);
	if (expect != NULL)
		ck_assert_str_eq(text, expect);

	/* The round trip, through text as the database stores it. */
	json_object_put(o);
	o = parse_json(text);
	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_filters_from_json(&back, o, "filters.", 0, &errs),
	    0);
	ck_assert_int_eq(errs.count, 0);
	ck_assert_msg(filters_equal(f, &back), "round trip of %s", text);
	o2 = ftx_filters_to_json(&back);
	ck_assert_ptr_nonnull(o2);
	ck_assert_str_eq(json_object_to_json_string_ext(o2, OUT_FLAGS), text);
	json_object_put(o2);
	json_object_put(o);
	ftx_filters_free(&back);
	ftx_apierrs_free(&errs);
	free(text);
}

/* --- JSON -------------------------------------------------------------- */

START_TEST(test_json)
{
	const struct json_case *c = &json_cases[_i];
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct json_object *obj;
	char got[2048];
	int r;

	obj = parse_json(c->in);
	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	r = ftx_filters_from_json(&f, obj, "filters.", c->flags, &errs);
	errs_text(&errs, got, sizeof(got));
	if (c->errs != NULL) {
		ck_assert_msg(strcmp(got, c->errs) == 0,
		    "%s: errors \"%s\", expected \"%s\"", c->in, got, c->errs);
		ck_assert_int_eq(r, -1);
		ck_assert(filters_empty(&f));
	} else {
		ck_assert_msg(got[0] == '\0', "%s: errors \"%s\"", c->in, got);
		ck_assert_int_eq(r, 0);
		check_normal_form(&f, c->out);
	}
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
	json_object_put(obj);
}
END_TEST

START_TEST(test_tokener_rejects)
{
	struct json_tokener *tok;
	struct json_object *obj;
	const char *text = tokener_rejects[_i];

	tok = json_tokener_new_ex(64);
	ck_assert_ptr_nonnull(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	ck_assert_ptr_null(obj);
	ck_assert_int_ne(json_tokener_get_error(tok), json_tokener_success);
	json_tokener_free(tok);
}
END_TEST

/* Messages, and the field of the object itself under other prefixes. */
START_TEST(test_json_messages)
{
	static const struct {
		const char	*in;
		const char	*prefix;
		const char	*field;
		const char	*message;	/* prefix of it */
	} cases[] = {
		{ "{\"amountMin\":1e2}", "filters.", "filters.amountMin",
		  MSG_AMOUNT },
		{ "{\"amountMax\":\"x\"}", "", "amountMax", MSG_AMOUNT },
		{ "{\"createdAtTo\":\"x\"}", "f.", "f.createdAtTo", MSG_DATE },
		{ "{\"reference\":\"\"}", "", "reference", "must not be empty" },
		{ "{\"reference\":\"" S256 "\"}", "", "reference",
		  "must be at most 255 bytes" },
		{ "{\"supplierIds\":[\"a\\u0000\"]}", "", "supplierIds[0]",
		  "must not contain a NUL character" },
		{ "{\"supplierIds\":[\"\xc0\xaf\"]}", "", "supplierIds[0]",
		  "must be valid UTF-8" },
		{ "{\"statuses\":\"PENDING\"}", "", "statuses",
		  "must be an array of strings" },
		{ "{\"statuses\":[\"X\"]}", "", "statuses[0]",
		  "must be one of PENDING, PROCESSING, COMPLETED, FAILED, "
		  "CANCELED" },
		{ "{\"currency\":\"EURO\"}", "", "currency",
		  "must be three letters" },
		{ "{\"sourceBalanceAccountType\":\"X\"}", "",
		  "sourceBalanceAccountType", "must be MARKETPLACE or SUPPLIER" },
		{ "{\"relatedEntityType\":\"X\"}", "", "relatedEntityType",
		  "must be PAYOUT or REFUND" },
		{ "{\"bogus\":1}", "", "bogus",
		  "unknown filter; known: createdAtFrom, createdAtTo, " },
		{ "{\"createdAtFrom\":\"2026-01-02\",\"createdAtTo\":\"2026-01-01\"}",
		  "", "createdAtFrom", "createdAtFrom must not be after" },
		{ "{\"amountMin\":2,\"amountMax\":1}", "", "amountMin",
		  "amountMin must not be greater than amountMax" },
		{ "[]", "filters.", "filters", "must be an object" },
		{ "[]", "body.filters.", "body.filters", "must be an object" },
		{ "[]", "", NULL, "must be an object" },
		{ "[]", NULL, NULL, "must be an object" },
	};
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct json_object *obj, *e, *v;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		obj = parse_json(cases[i].in);
		ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
		ck_assert_int_eq(ftx_filters_from_json(&f, obj, cases[i].prefix,
		    0, &errs), -1);
		ck_assert_int_eq(errs.count, 1);
		ck_assert_int_eq(ftx_apierrs_status(&errs), 400);
		e = json_object_array_get_idx(errs.list, 0);
		json_object_object_get_ex(e, "field", &v);
		if (cases[i].field == NULL)
			ck_assert_ptr_null(v);
		else
			ck_assert_str_eq(json_object_get_string(v),
			    cases[i].field);
		json_object_object_get_ex(e, "message", &v);
		ck_assert_msg(strncmp(json_object_get_string(v),
		    cases[i].message, strlen(cases[i].message)) == 0,
		    "message \"%s\"", json_object_get_string(v));
		ftx_filters_free(&f);
		ftx_apierrs_free(&errs);
		json_object_put(obj);
	}
}
END_TEST

/* Arrays of n copies of one element: the limit on array filters. */
static char *
json_array_text(const char *name, const char *elem, size_t n)
{
	size_t size = strlen(name) + n * (strlen(elem) + 1) + 16, i, len;
	char *s = malloc(size);

	ck_assert_ptr_nonnull(s);
	len = (size_t)snprintf(s, size, "{\"%s\":[", name);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, "%s%s",
		    i > 0 ? "," : "", elem);
	snprintf(s + len, size - len, "]}");
	return s;
}

START_TEST(test_json_array_limit)
{
	static const struct {
		const char	*name;
		const char	*elem;
		size_t		 n;
		const char	*errs;
	} cases[] = {
		{ "statuses", "\"PENDING\"", 100, "" },
		{ "statuses", "null", 100, "" },
		{ "statuses", "\"PENDING\"", 101,
		  "INVALID_FILTER filters.statuses" },
		{ "statuses", "null", 101, "INVALID_FILTER filters.statuses" },
		{ "statuses", "1", 101, "INVALID_FILTER filters.statuses" },
		{ "supplierIds", "\"s\"", 100, "" },
		{ "supplierIds", "\"s\"", 101,
		  "INVALID_FILTER filters.supplierIds" },
		{ "supplierIds", "\"s\"", 100000,
		  "INVALID_FILTER filters.supplierIds" },
	};
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct json_object *obj;
	char got[256], *text;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		text = json_array_text(cases[i].name, cases[i].elem,
		    cases[i].n);
		obj = parse_json(text);
		ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
		ftx_filters_from_json(&f, obj, "filters.", 0, &errs);
		errs_text(&errs, got, sizeof(got));
		ck_assert_str_eq(got, cases[i].errs);
		ftx_filters_free(&f);
		ftx_apierrs_free(&errs);
		json_object_put(obj);
		free(text);
	}
}
END_TEST

START_TEST(test_json_many_suppliers)
{
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct json_object *obj, *arr;
	char id[16];
	size_t i;

	/* 100 ids of which 75 distinct (s050..s074 come twice, the second
	 * time reversed): kept once each, in first-seen order. */
	obj = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "s%03zu", i % 50 < 25 ? i : 149 - i);
		json_object_array_add(arr, json_object_new_string(id));
	}
	json_object_object_add(obj, "supplierIds", arr);
	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_filters_from_json(&f, obj, "", 0, &errs), 0);
	ck_assert_uint_eq(f.n_supplier_ids, 75);
	ck_assert_str_eq(f.supplier_ids[0], "s000");
	ck_assert_str_eq(f.supplier_ids[25], "s124");
	ck_assert_str_eq(f.supplier_ids[49], "s100");
	ck_assert_str_eq(f.supplier_ids[50], "s050");
	ck_assert_str_eq(f.supplier_ids[74], "s074");
	check_normal_form(&f, NULL);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
	json_object_put(obj);
}
END_TEST

/* --- Query strings ----------------------------------------------------- */

struct query_case {
	const char	*in;
	int		 flags;
	const char	*out;		/* normal form, or NULL when errors */
	const char	*errs;		/* as for JSON; NULL: none */
	const char	*size;		/* own values expected; NULL: none */
	const char	*cursor;
};

static const struct query_case query_cases[] = {
	{ NULL, 0, "{}", NULL, NULL, NULL },
	{ "", 0, "{}", NULL, NULL, NULL },
	{ "&&&", 0, "{}", NULL, NULL, NULL },
	/* Arrays: commas and repeated keys, empty elements ignored. */
	{ "statuses=PENDING,FAILED&statuses=COMPLETED", 0,
	  "{\"statuses\":[\"PENDING\",\"COMPLETED\",\"FAILED\"]}", NULL,
	  NULL, NULL },
	{ "statuses=,,FAILED,,&statuses=&statuses", 0,
	  "{\"statuses\":[\"FAILED\"]}", NULL, NULL, NULL },
	{ "statuses=", 0, "{}", NULL, NULL, NULL },
	{ "statuses=,", 0, "{}", NULL, NULL, NULL },
	{ "statuses=PENDING%2CFAILED", 0,
	  "{\"statuses\":[\"PENDING\",\"FAILED\"]}", NULL, NULL, NULL },
	{ "statuses=pending", 0, NULL, "INVALID_FILTER statuses", NULL, NULL },
	{ "statuses=PENDING,X,+PENDING,PENDING%00", 0, NULL,
	  "INVALID_FILTER statuses|INVALID_FILTER statuses|"
	  "INVALID_FILTER statuses", NULL, NULL },
	{ "supplierIds=a,b,a&supplierIds=c,b", 0,
	  "{\"supplierIds\":[\"a\",\"b\",\"c\"]}", NULL, NULL, NULL },
	{ "supplierIds=a+b,%C3%A9,%2B", 0,
	  "{\"supplierIds\":[\"a b\",\"\xc3\xa9\",\"+\"]}", NULL, NULL, NULL },
	{ "supplierIds=%FF", 0, NULL, "INVALID_FILTER supplierIds", NULL,
	  NULL },
	{ "supplierIds=%C0%AF", 0, NULL, "INVALID_FILTER supplierIds", NULL,
	  NULL },
	{ "supplierIds=a%00b", 0, NULL, "INVALID_FILTER supplierIds", NULL,
	  NULL },
	{ "supplierIds=" S256, 0, NULL, "INVALID_FILTER supplierIds", NULL,
	  NULL },
	{ "supplierIds=" S255, 0, "{\"supplierIds\":[\"" S255 "\"]}", NULL,
	  NULL, NULL },
	{ "supplierIds=%zz&supplierIds=%FF", IGN, "{}", NULL, NULL, NULL },
	{ "supplierIds=a", IGN, "{}", NULL, NULL, NULL },
	/* Scalars: once, non-empty. */
	{ "currency=eur", 0, "{\"currency\":\"EUR\"}", NULL, NULL, NULL },
	{ "currency=%65%55%52", 0, "{\"currency\":\"EUR\"}", NULL, NULL, NULL },
	{ "cur%72ency=eur", 0, "{\"currency\":\"EUR\"}", NULL, NULL, NULL },
	{ "currency=eur&currency=usd", 0, NULL, "INVALID_FILTER currency",
	  NULL, NULL },
	{ "currency=eur&currency=eur", 0, NULL, "INVALID_FILTER currency",
	  NULL, NULL },
	{ "currency=", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency=E%2", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency=EU%", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency=%zzR", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency=EUR%00", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "currency=EU+", 0, NULL, "INVALID_FILTER currency", NULL, NULL },
	{ "amountMin=10.50&amountMax=100", 0,
	  "{\"amountMin\":\"10.5\",\"amountMax\":\"100\"}", NULL, NULL, NULL },
	{ "amountMin=10&amountMax=9.5", 0, NULL,
	  "INVALID_AMOUNT_RANGE amountMin", NULL, NULL },
	{ "amountMin=5&amountMax=5.0000", 0,
	  "{\"amountMin\":\"5\",\"amountMax\":\"5\"}", NULL, NULL, NULL },
	{ "amountMin=1e2", 0, NULL, "INVALID_FILTER amountMin", NULL, NULL },
	{ "amountMin=-0", 0, NULL, "INVALID_FILTER amountMin", NULL, NULL },
	{ "amountMin=0.00001", 0, NULL, "INVALID_FILTER amountMin", NULL,
	  NULL },
	{ "amountMin=+1", 0, NULL, "INVALID_FILTER amountMin", NULL, NULL },
	{ "amountMin=%2B1", 0, NULL, "INVALID_FILTER amountMin", NULL, NULL },
	{ "amountMin=NaN", 0, NULL, "INVALID_FILTER amountMin", NULL, NULL },
	{ "amountMin=1&amountMin=2&amountMax=0", 0, NULL,
	  "INVALID_FILTER amountMin", NULL, NULL },
	/* Dates, with the '+' of an offset left unencoded. */
	{ "createdAtFrom=2026-01-01T10:00:00+02:00", 0,
	  "{\"createdAtFrom\":\"2026-01-01T08:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00:00%2B02:00", 0,
	  "{\"createdAtFrom\":\"2026-01-01T08:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00:00+0530", 0,
	  "{\"createdAtFrom\":\"2026-01-01T04:30:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00:00.25+02", 0,
	  "{\"createdAtFrom\":\"2026-01-01T08:00:00.250000Z\"}", NULL, NULL,
	  NULL },
	{ "createdAtTo=2026-01-01T10:00:00-08:00", 0,
	  "{\"createdAtTo\":\"2026-01-01T18:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01+10:00:00Z", 0,
	  "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01+10:00:00+02:00", 0,
	  "{\"createdAtFrom\":\"2026-01-01T08:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00+02:00", 0,
	  "{\"createdAtFrom\":\"2026-01-01T08:00:00Z\"}", NULL, NULL, NULL },
	{ "createdAtTo=2026-01-01", 0,
	  "{\"createdAtTo\":\"2026-01-01T23:59:59.999999Z\"}", NULL, NULL,
	  NULL },
	{ "createdAtFrom=2026-01-01T10:00:00++02:00", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00:00+Z", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-01-01T10:00:00", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-01-01+", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-02-30", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-01-01&createdAtTo=2025-12-31", 0, NULL,
	  "INVALID_DATE_RANGE createdAtFrom", NULL, NULL },
	{ "createdAtFrom=2026-01-01&createdAtFrom=2025-01-01"
	  "&createdAtTo=2025-12-31", 0, NULL,
	  "INVALID_FILTER createdAtFrom", NULL, NULL },
	/* The other scalars. */
	{ "sourceBalanceAccountType=SUPPLIER&targetBalanceAccountType="
	  "MARKETPLACE&relatedEntityType=REFUND&relatedEntityId=rf%201", 0,
	  "{\"sourceBalanceAccountType\":\"SUPPLIER\","
	  "\"targetBalanceAccountType\":\"MARKETPLACE\","
	  "\"relatedEntityType\":\"REFUND\",\"relatedEntityId\":\"rf 1\"}",
	  NULL, NULL, NULL },
	{ "sourceBalanceAccountType=supplier", 0, NULL,
	  "INVALID_FILTER sourceBalanceAccountType", NULL, NULL },
	{ "reference=50%25_off%5C", 0, "{\"reference\":\"50%_off\\\\\"}", NULL,
	  NULL, NULL },
	{ "reference=a,b", 0, "{\"reference\":\"a,b\"}", NULL, NULL, NULL },
	{ "reference=a=b", 0, "{\"reference\":\"a=b\"}", NULL, NULL, NULL },
	{ "reference=", 0, NULL, "INVALID_FILTER reference", NULL, NULL },
	{ "reference=%E2%82", 0, NULL, "INVALID_FILTER reference", NULL, NULL },
	/* The caller's keys. */
	{ "size=10&cursor=abc", 0, "{}", NULL, "10", "abc" },
	{ "cursor=a%2Bb+c%3D&currency=eur", 0, "{\"currency\":\"EUR\"}", NULL,
	  NULL, "a+b c=" },
	{ "size=&cursor", 0, "{}", NULL, "", "" },
	{ "size=1&size=2", 0, NULL, "INVALID_PARAMETER size", "1", NULL },
	{ "size=%zz", 0, NULL, "INVALID_PARAMETER size", NULL, NULL },
	{ "size=%4", 0, NULL, "INVALID_PARAMETER size", NULL, NULL },
	{ "size=%zz&size=5", 0, NULL,
	  "INVALID_PARAMETER size|INVALID_PARAMETER size", NULL, NULL },
	{ "size=%00", 0, NULL, "INVALID_PARAMETER size", NULL, NULL },
	{ "cursor=ab%0D%0Ac", 0, NULL, "INVALID_PARAMETER cursor", NULL,
	  NULL },
	{ "size=1%7F", 0, NULL, "INVALID_PARAMETER size", NULL, NULL },
	{ "reference=x%0D%0ADownload", 0, NULL, "INVALID_FILTER reference",
	  NULL, NULL },
	{ "reference=a%09b", 0, NULL, "INVALID_FILTER reference", NULL, NULL },
	{ "supplierIds=a,b%0Ac", 0, NULL, "INVALID_FILTER supplierIds", NULL,
	  NULL },
	{ "cursor=%FF", 0, NULL, "INVALID_PARAMETER cursor", NULL, NULL },
	{ "si%7Ae=7", 0, "{}", NULL, "7", NULL },
	/* Unknown keys. */
	{ "foo=1", 0, NULL, "UNKNOWN_FIELD foo", NULL, NULL },
	{ "Currency=EUR", 0, NULL, "UNKNOWN_FIELD Currency", NULL, NULL },
	{ "status=READY", 0, NULL, "UNKNOWN_FIELD status", NULL, NULL },
	{ "=x", 0, NULL, "UNKNOWN_FIELD ", NULL, NULL },
	{ "curr+ency=1", 0, NULL, "UNKNOWN_FIELD curr ency", NULL, NULL },
	{ "%zz=1", 0, NULL, "INVALID_PARAMETER %zz", NULL, NULL },
	{ "%FF=1", 0, NULL, "UNKNOWN_FIELD null", NULL, NULL },
	{ "\xff%zz=1", 0, NULL, "INVALID_PARAMETER null", NULL, NULL },
	{ "currency%00=eur", 0, NULL, "UNKNOWN_FIELD null", NULL, NULL },
	{ "amountMin=1&foo", 0, NULL, "UNKNOWN_FIELD foo", NULL, NULL },
	/* Every problem, in order. */
	{ "foo=1&currency=EURO&size=0&amountMin=-1&statuses=X&size=2", 0, NULL,
	  "UNKNOWN_FIELD foo|INVALID_FILTER currency|"
	  "INVALID_FILTER amountMin|INVALID_FILTER statuses|"
	  "INVALID_PARAMETER size", "0", NULL },
	{ "amountMin=3&amountMax=2&createdAtFrom=2026-01-02"
	  "&createdAtTo=2026-01-01&bar=", 0, NULL,
	  "UNKNOWN_FIELD bar|INVALID_DATE_RANGE createdAtFrom|"
	  "INVALID_AMOUNT_RANGE amountMin", NULL, NULL },
};

static const char *const own_keys[] = { "size", "cursor", NULL };

static void
check_own(const char *got, const char *expect)
{
	if (expect == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, expect);
}

START_TEST(test_query)
{
	const struct query_case *c = &query_cases[_i];
	struct ftx_filters f;
	struct ftx_apierrs errs;
	char got[2048], *own[2] = { (char *)1, (char *)1 };
	int r;

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	r = ftx_filters_from_query(&f, c->in, c->flags, own_keys, own, &errs);
	errs_text(&errs, got, sizeof(got));
	if (c->errs != NULL) {
		ck_assert_msg(strcmp(got, c->errs) == 0,
		    "%s: errors \"%s\", expected \"%s\"", c->in, got, c->errs);
		ck_assert_int_eq(r, -1);
		ck_assert(filters_empty(&f));
	} else {
		ck_assert_msg(got[0] == '\0', "%s: errors \"%s\"", c->in, got);
		ck_assert_int_eq(r, 0);
		check_normal_form(&f, c->out);
	}
	check_own(own[0], c->size);
	check_own(own[1], c->cursor);
	free(own[0]);
	free(own[1]);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
}
END_TEST

START_TEST(test_query_no_own)
{
	struct ftx_filters f;
	struct ftx_apierrs errs;
	char got[256];

	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_filters_from_query(&f, "size=1&currency=eur", 0,
	    NULL, NULL, &errs), -1);
	errs_text(&errs, got, sizeof(got));
	ck_assert_str_eq(got, "UNKNOWN_FIELD size");
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
}
END_TEST

START_TEST(test_query_array_limit)
{
	static const struct {
		const char	*name;
		const char	*elem;
		size_t		 n;
		int		 repeat;	/* key=elem&key=elem... */
		const char	*errs;
	} cases[] = {
		{ "statuses", "PENDING", 100, 0, "" },
		{ "statuses", "PENDING", 100, 1, "" },
		{ "statuses", "PENDING", 101, 0, "INVALID_FILTER statuses" },
		{ "statuses", "PENDING", 101, 1, "INVALID_FILTER statuses" },
		{ "statuses", "X", 5000, 0, "INVALID_FILTER statuses" },
		{ "supplierIds", "a", 100, 1, "" },
		{ "supplierIds", "a", 101, 0, "INVALID_FILTER supplierIds" },
		{ "supplierIds", "a", 101, 1, "INVALID_FILTER supplierIds" },
	};
	struct ftx_filters f;
	struct ftx_apierrs errs;
	char *q, got[100000], *own[3];
	size_t i, j, len, size;

	for (i = 0; i < NELEM(cases); i++) {
		size = cases[i].n * (strlen(cases[i].name) +
		    strlen(cases[i].elem) + 3) + 1;
		q = malloc(size);
		ck_assert_ptr_nonnull(q);
		len = (size_t)snprintf(q, size, "%s=", cases[i].name);
		for (j = 0; j < cases[i].n; j++) {
			if (j > 0 && cases[i].repeat)
				len += (size_t)snprintf(q + len, size - len,
				    "&%s=", cases[i].name);
			else if (j > 0)
				q[len++] = ',';
			len += (size_t)snprintf(q + len, size - len, "%s",
			    cases[i].elem);
		}
		ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
		ftx_filters_from_query(&f, q, 0, own_keys, own, &errs);
		errs_text(&errs, got, sizeof(got));
		/* "X" * 5000: each of the first 100 is bad, then the limit. */
		if (cases[i].n == 5000)
			ck_assert_int_eq(errs.count, 101);
		else
			ck_assert_str_eq(got, cases[i].errs);
		ftx_filters_free(&f);
		ftx_apierrs_free(&errs);
		free(q);
	}
}
END_TEST

/* --- The normal form of hand-made filters ------------------------------ */

START_TEST(test_to_json_dedup)
{
	struct ftx_filters f;
	char *ids[] = { "b", "a", "b", "c", "a" };
	struct json_object *o;

	ftx_filters_init(&f);
	f.supplier_ids = ids;
	f.n_supplier_ids = NELEM(ids);
	f.statuses = FTX_TS_CANCELED | FTX_TS_PENDING | FTX_TS_FAILED;
	f.has_to = 1;
	f.to_usec = INT64_C(-1);	/* 1969-12-31T23:59:59.999999Z */
	o = ftx_filters_to_json(&f);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_object_to_json_string_ext(o, OUT_FLAGS),
	    "{\"createdAtTo\":\"1969-12-31T23:59:59.999999Z\","
	    "\"statuses\":[\"PENDING\",\"FAILED\",\"CANCELED\"],"
	    "\"supplierIds\":[\"b\",\"a\",\"c\"]}");
	json_object_put(o);
	ftx_filters_free(NULL);
}
END_TEST

/* SPEC §7: what people see has no fractions; what is stored keeps them. */
START_TEST(test_echo_json)
{
	struct ftx_filters f;
	struct json_object *o;

	ftx_filters_init(&f);
	f.has_from = 1;
	f.from_usec = INT64_C(1767261600500000);	/* 2026-01-01T10:00:00.5Z */
	f.has_to = 1;
	f.to_usec = INT64_C(-1);
	o = ftx_filters_echo_json(&f);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_object_to_json_string_ext(o, OUT_FLAGS),
	    "{\"createdAtFrom\":\"2026-01-01T10:00:00Z\","
	    "\"createdAtTo\":\"1969-12-31T23:59:59Z\"}");
	json_object_put(o);
	o = ftx_filters_to_json(&f);
	ck_assert_str_eq(json_object_to_json_string_ext(o, OUT_FLAGS),
	    "{\"createdAtFrom\":\"2026-01-01T10:00:00.500000Z\","
	    "\"createdAtTo\":\"1969-12-31T23:59:59.999999Z\"}");
	json_object_put(o);
}
END_TEST

/* Round trips over a grid of times: whole seconds and fractions. */
START_TEST(test_round_trip_times)
{
	static const int64_t times[] = {
		INT64_C(0), INT64_C(1), INT64_C(-1), INT64_C(999999),
		INT64_C(1000000), INT64_C(-1000000), INT64_C(-1000001),
		INT64_C(1767225600000000), INT64_C(1767225600123456),
		INT64_C(-62135596800000000),	/* 0001-01-01 */
		INT64_C(253402300799999999),	/* 9999-12-31T23:59:59.999999 */
	};
	struct ftx_filters f;
	size_t i, j;

	for (i = 0; i < NELEM(times); i++) {
		for (j = i; j < NELEM(times); j++) {
			ftx_filters_init(&f);
			f.has_from = 1;
			f.from_usec = times[i] < times[j] ? times[i] : times[j];
			f.has_to = 1;
			f.to_usec = times[i] < times[j] ? times[j] : times[i];
			check_normal_form(&f, NULL);
		}
	}
}
END_TEST

/* --- SQL --------------------------------------------------------------- */

#define SQL_HEAD	"SELECT ft.id FROM funding_transfers ft" \
			" JOIN balance_accounts sba ON ..." \
			" WHERE ft.tenant_id = "

static const struct {
	const char	*in;		/* filters, JSON */
	int		 suppliers;	/* add a caller's text[] parameter:
					   1 written by ftx_query_param(),
					   2 added by ftx_query_add() */
	const char	*sql;		/* after SQL_HEAD "$1" */
	const char	*params;	/* after "t1", "|"-separated */
} where_cases[] = {
	{ "{}", 0, "", "" },
	{ "{\"createdAtFrom\":\"2026-01-01\",\"createdAtTo\":\"2026-01-31\"}", 0,
	  " AND (ft.created_at >= $2::timestamptz)"
	  " AND (ft.created_at <= $3::timestamptz)",
	  "|2026-01-01T00:00:00.000000Z|2026-01-31T23:59:59.999999Z" },
	{ "{\"createdAtFrom\":\"2026-01-01T10:00:00.5+01:00\"}", 0,
	  " AND (ft.created_at >= $2::timestamptz)",
	  "|2026-01-01T09:00:00.500000Z" },
	{ "{\"statuses\":[\"CANCELED\",\"PENDING\"]}", 0,
	  " AND (ft.status = ANY($2::text[]))", "|{\"PENDING\",\"CANCELED\"}" },
	{ "{\"supplierIds\":[\"ext1\",\"ext2\"]}", 1,
	  " AND cardinality($2::text[]) > 0"
	  " AND (sba.supplier_id = ANY($2::text[])"
	  " OR tba.supplier_id = ANY($2::text[]))",
	  "|{\"id1\",\"id2\"}" },
	{ "{\"supplierIds\":[\"ext1\"]}", 2,
	  " AND (sba.supplier_id = ANY($2::text[])"
	  " OR tba.supplier_id = ANY($2::text[]))",
	  "|{\"id1\",\"id2\"}" },
	{ "{\"supplierIds\":[\"ext1\"],\"currency\":\"eur\"}", 2,
	  " AND (sba.supplier_id = ANY($2::text[])"
	  " OR tba.supplier_id = ANY($2::text[])) AND (ft.currency = $3)",
	  "|{\"id1\",\"id2\"}|EUR" },
	{ "{\"amountMin\":\"0.50\",\"amountMax\":1000}", 0,
	  " AND (ft.amount >= $2::numeric) AND (ft.amount <= $3::numeric)",
	  "|0.5|1000" },
	{ "{\"sourceBalanceAccountType\":\"MARKETPLACE\","
	  "\"targetBalanceAccountType\":\"SUPPLIER\",\"currency\":\"jpy\"}", 0,
	  " AND (sba.type = $2) AND (tba.type = $3) AND (ft.currency = $4)",
	  "|MARKETPLACE|SUPPLIER|JPY" },
	{ "{\"reference\":\"50%_off\\\\\"}", 0,
	  " AND (ft.reference ILIKE $2)", "|%50\\%\\_off\\\\%" },
	{ "{\"reference\":\"' OR 1=1 --\"}", 0,
	  " AND (ft.reference ILIKE $2)", "|%' OR 1=1 --%" },
	{ "{\"relatedEntityType\":\"PAYOUT\",\"relatedEntityId\":\"po_1\"}", 0,
	  " AND (ft.related_entity_type = $2) AND (ft.related_entity_id = $3)",
	  "|PAYOUT|po_1" },
	{ "{\"relatedEntityId\":\"po_1\",\"reference\":\"x\","
	  "\"currency\":\"EUR\",\"targetBalanceAccountType\":\"MARKETPLACE\","
	  "\"sourceBalanceAccountType\":\"SUPPLIER\",\"amountMax\":\"2\","
	  "\"amountMin\":\"1\",\"supplierIds\":[\"e\"],"
	  "\"statuses\":[\"FAILED\"],\"createdAtTo\":\"2026-01-02\","
	  "\"createdAtFrom\":\"2026-01-01\",\"relatedEntityType\":\"REFUND\"}",
	  1,
	  " AND cardinality($2::text[]) > 0"
	  " AND (ft.created_at >= $3::timestamptz)"
	  " AND (ft.created_at <= $4::timestamptz)"
	  " AND (ft.status = ANY($5::text[]))"
	  " AND (sba.supplier_id = ANY($2::text[])"
	  " OR tba.supplier_id = ANY($2::text[]))"
	  " AND (ft.amount >= $6::numeric) AND (ft.amount <= $7::numeric)"
	  " AND (sba.type = $8) AND (tba.type = $9) AND (ft.currency = $10)"
	  " AND (ft.reference ILIKE $11)"
	  " AND (ft.related_entity_type = $12) AND (ft.related_entity_id = $13)",
	  "|{\"id1\",\"id2\"}|2026-01-01T00:00:00.000000Z"
	  "|2026-01-02T23:59:59.999999Z|{\"FAILED\"}|1|2|SUPPLIER|MARKETPLACE"
	  "|EUR|%x%|REFUND|po_1" },
};

START_TEST(test_where)
{
	struct ftx_filters f;
	struct ftx_apierrs errs;
	struct ftx_query q;
	struct json_object *obj;
	char params[1024];
	size_t n = 0;
	int i, sp = 0;

	obj = parse_json(where_cases[_i].in);
	ck_assert_int_eq(ftx_apierrs_init(&errs), 0);
	ck_assert_int_eq(ftx_filters_from_json(&f, obj, "", 0, &errs), 0);
	ftx_query_init(&q);
	ftx_query_sql(&q, SQL_HEAD);
	ck_assert_int_eq(ftx_query_param(&q, "t1", ""), 1);
	if (where_cases[_i].suppliers == 1) {
		ftx_query_sql(&q, " AND cardinality(");
		sp = ftx_query_param(&q, "{\"id1\",\"id2\"}", "::text[]");
		ftx_query_sql(&q, ") > 0");
	} else if (where_cases[_i].suppliers == 2)
		sp = ftx_query_add(&q, "{\"id1\",\"id2\"}");
	ck_assert_int_eq(ftx_filters_where(&f, sp, &q), 0);
	ck_assert_int_eq(strncmp(q.sql, SQL_HEAD "$1", strlen(SQL_HEAD) + 2),
	    0);
	ck_assert_str_eq(q.sql + strlen(SQL_HEAD) + 2, where_cases[_i].sql);
	ck_assert_str_eq(q.params[0], "t1");
	params[0] = '\0';
	for (i = 1; i < q.nparams; i++)
		n += (size_t)snprintf(params + n, sizeof(params) - n, "|%s",
		    q.params[i] != NULL ? q.params[i] : "NULL");
	ck_assert_str_eq(params, where_cases[_i].params);
	ftx_query_free(&q);
	ftx_filters_free(&f);
	ftx_apierrs_free(&errs);
	json_object_put(obj);
}
END_TEST

START_TEST(test_where_refusals)
{
	struct ftx_filters f;
	struct ftx_query q;
	char *ids[] = { "e" };
	char pad[FTX_QUERY_SQL_MAX];

	/* supplierIds without the caller's resolved ids: refused. */
	ftx_filters_init(&f);
	f.supplier_ids = ids;
	f.n_supplier_ids = 1;
	ftx_query_init(&q);
	ck_assert_int_eq(ftx_filters_where(&f, 0, &q), -1);
	ck_assert_int_eq(q.overflow, 1);
	ftx_query_free(&q);

	/* A statement that does not fit. */
	ftx_filters_init(&f);
	f.reference = "x";
	memset(pad, 'x', sizeof(pad));
	pad[FTX_QUERY_SQL_MAX - 20] = '\0';
	ftx_query_init(&q);
	ftx_query_sql(&q, pad);
	ck_assert_int_eq(ftx_filters_where(&f, 0, &q), -1);
	ftx_query_free(&q);

	ck_assert_str_eq(ftx_filters_supplier_sql,
	    "SELECT external_id, id FROM suppliers"
	    " WHERE tenant_id = $1 AND external_id = ANY($2::text[])");
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("filters");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json, 0, NELEM(json_cases));
	tcase_add_loop_test(tc, test_tokener_rejects, 0,
	    NELEM(tokener_rejects));
	tcase_add_test(tc, test_json_messages);
	tcase_add_test(tc, test_json_array_limit);
	tcase_add_test(tc, test_json_many_suppliers);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_loop_test(tc, test_query, 0, NELEM(query_cases));
	tcase_add_test(tc, test_query_no_own);
	tcase_add_test(tc, test_query_array_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("normal_form");
	tcase_add_test(tc, test_to_json_dedup);
	tcase_add_test(tc, test_echo_json);
	tcase_add_test(tc, test_round_trip_times);
	suite_add_tcase(s, tc);

	tc = tcase_create("sql");
	tcase_add_loop_test(tc, test_where, 0, NELEM(where_cases));
	tcase_add_test(tc, test_where_refusals);
	suite_add_tcase(s, tc);
	return s;
}
