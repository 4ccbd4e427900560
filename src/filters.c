/*
 * filters.c - the filter vocabulary of SPEC §7: parsing from a JSON object
 * or a query string (the normalised JSON form and the names are
 * filterjson.c's, the WHERE conditions filtersql.c's).
 *
 * Both parsers reduce every value to bytes and hand them to one validator
 * per filter, so that JSON bodies, query strings and the stored normal form
 * can never disagree on what a valid filter is.  Every problem is reported,
 * in input order; range checks come last and only when both bounds are
 * individually valid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "filterjson.h"
#include "filters.h"
#include "form.h"
#include "isotime.h"
#include "money.h"
#include "utf8.h"

#define XSTR(x)		STR(x)
#define STR(x)		#x
#define FIELD_MAX	512

#define MSG_DATE	"must be an ISO 8601 date-time with Z or an offset, " \
			"or a date YYYY-MM-DD"
#define MSG_AMOUNT	"must be a non-negative decimal with at most 4 decimals"
#define MSG_BA_TYPE	"must be MARKETPLACE or SUPPLIER"
#define MSG_NAMES	"createdAtFrom, createdAtTo, statuses, supplierIds, " \
			"amountMin, amountMax, sourceBalanceAccountType, " \
			"targetBalanceAccountType, currency, reference, " \
			"relatedEntityType, relatedEntityId"

#define BIT(k)		(1u << (k))

/* How each filter is read (filterjson.c spells their names). */
static const struct {
	int		 is_array;
	const char	*bad;		/* NULL: the text check says why */
} fdefs[FTX_F_NKEYS] = {
	[FTX_F_FROM]		= { 0, MSG_DATE },
	[FTX_F_TO]		= { 0, MSG_DATE },
	[FTX_F_STATUSES]	= { 1, "must be one of PENDING, PROCESSING, "
				    "COMPLETED, FAILED, CANCELED" },
	[FTX_F_SUPPLIERS]	= { 1, NULL },
	[FTX_F_AMOUNT_MIN]	= { 0, MSG_AMOUNT },
	[FTX_F_AMOUNT_MAX]	= { 0, MSG_AMOUNT },
	[FTX_F_SOURCE_TYPE]	= { 0, MSG_BA_TYPE },
	[FTX_F_TARGET_TYPE]	= { 0, MSG_BA_TYPE },
	[FTX_F_CURRENCY]	= { 0, "must be three letters" },
	[FTX_F_REFERENCE]	= { 0, NULL },
	[FTX_F_RELATED_TYPE]	= { 0, "must be PAYOUT or REFUND" },
	[FTX_F_RELATED_ID]	= { 0, NULL },
};

const char ftx_filters_supplier_sql[] =
    "SELECT external_id, id FROM suppliers"
    " WHERE tenant_id = $1 AND external_id = ANY($2::text[])";

/* One parse, from JSON or from a query string. */
struct parse {
	struct ftx_filters	*f;
	struct ftx_apierrs	*errs;
	const char		*prefix;	/* of error fields */
	int			 flags;
	int			 query;		/* query-string rules */
	int			 failed;
	unsigned		 given;		/* query: scalars seen */
	unsigned		 bad;		/* filters with an error */
	size_t			 nitems[FTX_F_NKEYS]; /* query: array elements */
	const char *const	*own;		/* query: the caller's keys */
	char			**own_values;
	uint64_t		 own_seen;
};

void
ftx_filters_init(struct ftx_filters *f)
{
	memset(f, 0, sizeof(*f));
	f->supplier_ids = NULL;
	f->source_type = f->target_type = FTX_BA_ANY;
	f->reference = NULL;
	f->related_type = FTX_REL_ANY;
	f->related_id = NULL;
}

void
ftx_filters_free(struct ftx_filters *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_supplier_ids; i++)
		free(f->supplier_ids[i]);
	free(f->supplier_ids);
	free(f->reference);
	free(f->related_id);
	ftx_filters_init(f);
}

/* Why len bytes at s are not an acceptable text value, or NULL. */
static const char *
text_problem(const char *s, size_t len)
{
	if (len == 0)
		return "must not be empty";
	if (memchr(s, '\0', len) != NULL)
		return "must not contain a NUL character";
	if (len > FTX_FILTERS_TEXT_MAX)
		return "must be at most " XSTR(FTX_FILTERS_TEXT_MAX) " bytes";
	if (!ftx_utf8_valid(s, len))
		return "must be valid UTF-8";
	if (ftx_utf8_has_control(s, len))
		return "must not contain control characters";
	return NULL;
}

/* s[len] as an error field in buf, or NULL when it cannot be one. */
static const char *
field_or_null(const char *prefix, const char *s, size_t len, char *buf,
    size_t size)
{
	int n;

	if (len > FTX_FILTERS_TEXT_MAX || !ftx_utf8_text_ok(s, len))
		return NULL;
	n = snprintf(buf, size, "%s%.*s", prefix, (int)len, s);
	return n >= 0 && (size_t)n < size ? buf : NULL;
}

/* Adds an error on prefix + name, or on prefix + name[idx] if idx >= 0. */
static void
fail(struct parse *p, enum ftx_apierr e, enum ftx_filter_key k, long idx,
    const char *msg)
{
	char field[FIELD_MAX];

	if (idx >= 0)
		snprintf(field, sizeof(field), "%s%s[%ld]", p->prefix,
		    ftx_filters_key_name(k), idx);
	else
		snprintf(field, sizeof(field), "%s%s", p->prefix,
		    ftx_filters_key_name(k));
	ftx_apierrs_add(p->errs, e, field, "%s", msg);
	p->bad |= BIT(k);
	p->failed = 1;
}

static void
nomem(struct parse *p)
{
	ftx_apierrs_add(p->errs, FTX_E_INTERNAL_ERROR, NULL, "out of memory");
	p->failed = 1;
}

/* Index of the filter named s[len], or -1. */
static int
lookup(const char *s, size_t len)
{
	int k;

	for (k = 0; k < FTX_F_NKEYS; k++)
		if (strlen(ftx_filters_key_name(k)) == len &&
		    memcmp(ftx_filters_key_name(k), s, len) == 0)
			return k;
	return -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A createdAtFrom/To bound; s is NUL-terminated, len <= TEXT_MAX. */
static int
parse_time(const struct parse *p, enum ftx_filter_key k, const char *s,
    size_t len, int64_t *usec)
{
	enum ftx_isotime_bound b;
	char buf[FTX_FILTERS_TEXT_MAX + 1];
	char *sp;

	b = k == FTX_F_FROM ? FTX_ISOTIME_START : FTX_ISOTIME_END;
	if (ftx_isotime_parse(s, b, usec) == 0)
		return 0;
	if (!p->query)
		return -1;
	/* Form decoding turns the unencoded '+' of an offset into a space:
	 * take a space after "YYYY-MM-DDTHH:MM" followed by a digit as '+'. */
	memcpy(buf, s, len + 1);
	sp = strrchr(buf, ' ');
	if (sp == NULL || sp - buf < 16 || !is_digit(sp[1]))
		return -1;
	*sp = '+';
	return ftx_isotime_parse(buf, b, usec);
}

static int
parse_ba_type(const char *s, enum ftx_ba_type *t)
{
	if (strcmp(s, "MARKETPLACE") == 0)
		*t = FTX_BA_MARKETPLACE;
	else if (strcmp(s, "SUPPLIER") == 0)
		*t = FTX_BA_SUPPLIER;
	else
		return -1;
	return 0;
}

static int
parse_currency(const char *s, char *out)
{
	int i;

	for (i = 0; i < 3; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return -1;
		out[i] = c;
	}
	if (s[3] != '\0')
		return -1;
	out[3] = '\0';
	return 0;
}

/* Replaces *dst by a copy of s; 0, or -1 when out of memory. */
static int
set_text(char **dst, const char *s)
{
	char *copy;

	if ((copy = strdup(s)) == NULL)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

static int
parse_related_type(const char *s, enum ftx_related_type *t)
{
	if (strcmp(s, "PAYOUT") == 0)
		*t = FTX_REL_PAYOUT;
	else if (strcmp(s, "REFUND") == 0)
		*t = FTX_REL_REFUND;
	else
		return -1;
	return 0;
}

/* Stores the checked text s[len] as the value of scalar filter k; 0, or
 * -1 when it is not a valid value. */
static int
store_scalar(struct parse *p, enum ftx_filter_key k, const char *s, size_t len)
{
	struct ftx_filters *f = p->f;
	int64_t usec;

	switch (k) {
	case FTX_F_FROM:
	case FTX_F_TO:
		if (parse_time(p, k, s, len, &usec) == -1)
			return -1;
		if (k == FTX_F_FROM)
			f->has_from = 1, f->from_usec = usec;
		else
			f->has_to = 1, f->to_usec = usec;
		return 0;
	case FTX_F_AMOUNT_MIN:
		return ftx_money_parse_amount(s, f->amount_min,
		    sizeof(f->amount_min));
	case FTX_F_AMOUNT_MAX:
		return ftx_money_parse_amount(s, f->amount_max,
		    sizeof(f->amount_max));
	case FTX_F_SOURCE_TYPE:
		return parse_ba_type(s, &f->source_type);
	case FTX_F_TARGET_TYPE:
		return parse_ba_type(s, &f->target_type);
	case FTX_F_CURRENCY:
		return parse_currency(s, f->currency);
	case FTX_F_RELATED_TYPE:
		return parse_related_type(s, &f->related_type);
	case FTX_F_REFERENCE:
	case FTX_F_RELATED_ID:
		if (set_text(k == FTX_F_REFERENCE ? &f->reference :
		    &f->related_id, s) == -1)
			nomem(p);
		return 0;
	default:
		return -1;
	}
}

/* Validates the value s[len] (s[len] == '\0') of a scalar filter and
 * stores it. */
static void
set_scalar(struct parse *p, enum ftx_filter_key k, const char *s, size_t len)
{
	const char *why;

	if ((why = text_problem(s, len)) != NULL)
		fail(p, FTX_E_INVALID_FILTER, k, -1,
		    fdefs[k].bad != NULL ? fdefs[k].bad : why);
	else if (store_scalar(p, k, s, len) == -1)
		fail(p, FTX_E_INVALID_FILTER, k, -1, fdefs[k].bad);
}

/* Adds s unless already there (first-seen order is kept). */
static void
add_supplier(struct parse *p, const char *s)
{
	struct ftx_filters *f = p->f;
	char *copy;
	size_t i;

	for (i = 0; i < f->n_supplier_ids; i++)
		if (strcmp(f->supplier_ids[i], s) == 0)
			return;
	/* Callers stop at FTX_FILTERS_MAX_ITEMS elements, duplicates
	 * included, so one allocation of that size is enough. */
	if (f->supplier_ids == NULL && (f->supplier_ids = calloc(
	    FTX_FILTERS_MAX_ITEMS, sizeof(*f->supplier_ids))) == NULL) {
		nomem(p);
		return;
	}
	if (f->n_supplier_ids >= FTX_FILTERS_MAX_ITEMS ||
	    (copy = strdup(s)) == NULL) {
		nomem(p);
		return;
	}
	f->supplier_ids[f->n_supplier_ids++] = copy;
}

/* Validates and stores one element s[len] of an array filter; idx is its
 * position for the error field (-1: none, as in a query string). */
static void
add_item(struct parse *p, enum ftx_filter_key k, long idx, const char *s,
    size_t len)
{
	const char *why, *names[FTX_FILTERS_NSTATUSES];
	size_t i, n;

	if ((why = text_problem(s, len)) != NULL) {
		fail(p, FTX_E_INVALID_FILTER, k, idx,
		    fdefs[k].bad != NULL ? fdefs[k].bad : why);
		return;
	}
	if (k == FTX_F_SUPPLIERS) {
		add_supplier(p, s);
		return;
	}
	n = ftx_filters_status_names((1u << FTX_FILTERS_NSTATUSES) - 1, names);
	for (i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			p->f->statuses |= 1u << i;
			return;
		}
	}
	fail(p, FTX_E_INVALID_FILTER, k, idx, fdefs[k].bad);
}

/* Range checks, then the result: f is emptied when anything was wrong. */
static int
parse_finish(struct parse *p)
{
	struct ftx_filters *f = p->f;
	const char *a, *b;
	size_t ia, ib;
	int c;

	if (f->has_from && f->has_to && !(p->bad & (BIT(FTX_F_FROM) | BIT(FTX_F_TO)))
	    && f->from_usec > f->to_usec)
		fail(p, FTX_E_INVALID_DATE_RANGE, FTX_F_FROM, -1,
		    "createdAtFrom must not be after createdAtTo");
	if (f->amount_min[0] != '\0' && f->amount_max[0] != '\0' &&
	    !(p->bad & (BIT(FTX_F_AMOUNT_MIN) | BIT(FTX_F_AMOUNT_MAX)))) {
		/* Canonical decimals: more integer digits is larger; then
		 * the digits compare as text (no trailing fraction zeros). */
		a = f->amount_min, b = f->amount_max;
		ia = strcspn(a, "."), ib = strcspn(b, ".");
		if (ia != ib)
			c = ia < ib ? -1 : 1;
		else if ((c = strncmp(a, b, ia)) == 0)
			c = strcmp(a + ia + (a[ia] == '.'),
			    b + ib + (b[ib] == '.'));
		if (c > 0)
			fail(p, FTX_E_INVALID_AMOUNT_RANGE, FTX_F_AMOUNT_MIN, -1,
			    "amountMin must not be greater than amountMax");
	}
	if (!p->failed)
		return 0;
	ftx_filters_free(f);
	return -1;
}

static void
parse_init(struct parse *p, struct ftx_filters *f, const char *prefix,
    int flags, int query, struct ftx_apierrs *errs)
{
	memset(p, 0, sizeof(*p));
	ftx_filters_init(f);
	p->f = f;
	p->errs = errs;
	p->prefix = prefix != NULL ? prefix : "";
	p->flags = flags;
	p->query = query;
	p->own = NULL;
	p->own_values = NULL;
}

/* --- JSON ---------------------------------------------------------- */

static void
json_array(struct parse *p, enum ftx_filter_key k, struct json_object *v)
{
	struct json_object *e;
	size_t i, n;

	if (!json_object_is_type(v, json_type_array)) {
		fail(p, FTX_E_INVALID_FILTER, k, -1,
		    "must be an array of strings");
		return;
	}
	if ((n = json_object_array_length(v)) > FTX_FILTERS_MAX_ITEMS) {
		fail(p, FTX_E_INVALID_FILTER, k, -1, "must have at most "
		    XSTR(FTX_FILTERS_MAX_ITEMS) " elements");
		return;
	}
	for (i = 0; i < n; i++) {
		if ((e = json_object_array_get_idx(v, i)) == NULL)
			continue;	/* null: skipped */
		if (!json_object_is_type(e, json_type_string)) {
			fail(p, FTX_E_INVALID_FILTER, k, (long)i,
			    fdefs[k].bad != NULL ? fdefs[k].bad :
			    "must be a string");
			continue;
		}
		add_item(p, k, (long)i, json_object_get_string(e),
		    (size_t)json_object_get_string_len(e));
	}
}

static void
json_scalar(struct parse *p, enum ftx_filter_key k, struct json_object *v)
{
	const char *s;

	if (json_object_is_type(v, json_type_string)) {
		set_scalar(p, k, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		return;
	}
	if ((k == FTX_F_AMOUNT_MIN || k == FTX_F_AMOUNT_MAX) &&
	    (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double))) {
		/* The number as written (json-c keeps a double's text), so
		 * 1e2, 0.00001 and 1e309 are judged as text, never rounded. */
		if ((s = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN)) == NULL) {
			nomem(p);
			return;
		}
		set_scalar(p, k, s, strlen(s));
		return;
	}
	fail(p, FTX_E_INVALID_FILTER, k, -1,
	    fdefs[k].bad != NULL ? fdefs[k].bad : "must be a string");
}

/* INVALID_FIELD on the prefix without its trailing dot. */
static void
json_not_object(struct parse *p)
{
	char field[FIELD_MAX];
	size_t len = strlen(p->prefix);

	if (len > 0 && p->prefix[len - 1] == '.')
		len--;
	snprintf(field, sizeof(field), "%.*s", (int)len, p->prefix);
	ftx_apierrs_add(p->errs, FTX_E_INVALID_FIELD, len > 0 ? field : NULL,
	    "must be an object");
	p->failed = 1;
}

int
ftx_filters_from_json(struct ftx_filters *f, struct json_object *obj,
    const char *prefix, int flags, struct ftx_apierrs *errs)
{
	struct parse p;
	char buf[FIELD_MAX];
	int k;

	parse_init(&p, f, prefix, flags, 0, errs);
	if (obj == NULL || json_object_is_type(obj, json_type_null))
		return 0;
	if (!json_object_is_type(obj, json_type_object)) {
		json_not_object(&p);
		return -1;
	}
	json_object_object_foreach(obj, key, v) {
		k = lookup(key, strlen(key));
		if ((flags & FTX_FILTERS_ONLY_SUPPLIERS) && k != FTX_F_SUPPLIERS)
			continue;
		if (k == -1) {
			ftx_apierrs_add(errs, FTX_E_UNKNOWN_FIELD,
			    field_or_null(p.prefix, key, strlen(key), buf,
			    sizeof(buf)), "unknown filter; known: " MSG_NAMES);
			p.failed = 1;
		} else if (v == NULL ||
		    (k == FTX_F_SUPPLIERS && (flags & FTX_FILTERS_IGNORE_SUPPLIERS)))
			continue;	/* null: absent */
		else if (fdefs[k].is_array)
			json_array(&p, k, v);
		else
			json_scalar(&p, k, v);
	}
	return parse_finish(&p);
}

/* --- Query strings ------------------------------------------------- */

/* An INVALID_PARAMETER on a caller's key. */
static void
param_fail(struct parse *p, const char *name, const char *msg)
{
	ftx_apierrs_add(p->errs, FTX_E_INVALID_PARAMETER, name, "%s", msg);
	p->failed = 1;
}

/* The value raw[rawlen] of the caller's key own[i]. */
static void
own_piece(struct parse *p, size_t i, const char *raw, size_t rawlen)
{
	const char *name = p->own[i];
	char *val = NULL;
	size_t vlen;
	int r, seen;

	seen = i < 64 ? (p->own_seen >> i) & 1 : p->own_values[i] != NULL;
	if (i < 64)
		p->own_seen |= UINT64_C(1) << i;
	if (seen) {
		param_fail(p, name, "given more than once");
		return;
	}
	if ((r = ftx_form_decode(raw, rawlen, &val, &vlen)) == -2)
		nomem(p);
	else if (r == -1)
		param_fail(p, name, "has a bad percent-encoding");
	else if (!ftx_utf8_text_ok(val, vlen))
		param_fail(p, name, "must be valid UTF-8 without control "
		    "characters");
	else {
		p->own_values[i] = val;
		val = NULL;
	}
	free(val);
}

/* Elements of an array filter: comma-separated, empty ones ignored. */
static void
query_items(struct parse *p, enum ftx_filter_key k, char *val, size_t vlen)
{
	char *s, *c, *end = val + vlen;

	for (s = val; s < end; s = c + 1) {
		if ((c = memchr(s, ',', (size_t)(end - s))) == NULL)
			c = end;
		*c = '\0';
		if (c == s)
			continue;
		if (++p->nitems[k] > FTX_FILTERS_MAX_ITEMS) {
			if (p->nitems[k] == FTX_FILTERS_MAX_ITEMS + 1)
				fail(p, FTX_E_INVALID_FILTER, k, -1,
				    "must have at most "
				    XSTR(FTX_FILTERS_MAX_ITEMS) " elements");
			continue;
		}
		add_item(p, k, -1, s, (size_t)(c - s));
	}
}

/* UNKNOWN_FIELD for key, naming the filters and the caller's keys. */
static void
query_unknown(struct parse *p, const char *key, size_t keylen)
{
	char buf[FIELD_MAX], known[1024];
	size_t i, n = 0;

	known[0] = '\0';
	for (i = 0; p->own != NULL && p->own[i] != NULL; i++) {
		if (strlen(p->own[i]) + 2 >= sizeof(known) - n)
			break;
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s, ",
		    p->own[i]);
	}
	ftx_apierrs_add(p->errs, FTX_E_UNKNOWN_FIELD,
	    field_or_null("", key, keylen, buf, sizeof(buf)),
	    "unknown parameter; known: %s" MSG_NAMES, known);
	p->failed = 1;
}

/* One "key=value" piece s[len] of the query string. */
static void
query_piece(struct parse *p, const char *s, size_t len)
{
	const char *eq, *raw;
	char *key = NULL, *val = NULL, buf[FIELD_MAX];
	size_t klen, keylen, rawlen, vlen, i;
	int k, r;

	eq = memchr(s, '=', len);
	klen = eq != NULL ? (size_t)(eq - s) : len;
	raw = eq != NULL ? eq + 1 : s + len;
	rawlen = len - klen - (eq != NULL);
	if ((r = ftx_form_decode(s, klen, &key, &keylen)) != 0) {
		if (r == -2)
			nomem(p);
		else
			param_fail(p, field_or_null("", s, klen, buf,
			    sizeof(buf)), "has a bad percent-encoding");
		goto out;
	}
	if ((p->flags & FTX_FILTERS_ONLY_SUPPLIERS) &&
	    lookup(key, keylen) != FTX_F_SUPPLIERS)
		goto out;
	for (i = 0; p->own != NULL && p->own[i] != NULL; i++) {
		if (strlen(p->own[i]) == keylen &&
		    memcmp(p->own[i], key, keylen) == 0) {
			own_piece(p, i, raw, rawlen);
			goto out;
		}
	}
	if ((k = lookup(key, keylen)) == -1) {
		query_unknown(p, key, keylen);
		goto out;
	}
	if (k == FTX_F_SUPPLIERS && (p->flags & FTX_FILTERS_IGNORE_SUPPLIERS))
		goto out;
	if ((r = ftx_form_decode(raw, rawlen, &val, &vlen)) != 0) {
		if (r == -2)
			nomem(p);
		else
			fail(p, FTX_E_INVALID_FILTER, k, -1,
			    "has a bad percent-encoding");
	} else if (fdefs[k].is_array)
		query_items(p, k, val, vlen);
	else if (p->given & BIT(k))
		fail(p, FTX_E_INVALID_FILTER, k, -1, "given more than once");
	else {
		p->given |= BIT(k);
		set_scalar(p, k, val, vlen);
	}
out:
	free(key);
	free(val);
}

int
ftx_filters_from_query(struct ftx_filters *f, const char *query,
    int flags, const char *const *own, char **own_values,
    struct ftx_apierrs *errs)
{
	struct parse p;
	size_t i, len;

	parse_init(&p, f, "", flags, 1, errs);
	if (own != NULL && own_values != NULL) {
		p.own = own;
		p.own_values = own_values;
		for (i = 0; own[i] != NULL; i++)
			own_values[i] = NULL;
	}
	while (query != NULL && *query != '\0') {
		len = strcspn(query, "&");
		if (len > 0)
			query_piece(&p, query, len);
		query += len;
		if (*query == '&')
			query++;
	}
	return parse_finish(&p);
}
