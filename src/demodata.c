/*
 * demodata.c - deterministic demo data, transfers streamed with COPY.
 *
 * The data is meant to exercise the export: names and references with
 * accents, ';', quotes, '%', '_', rare newlines, leading '=', '+', '-', '@'
 * (CSV formula guard), every status, EUR/USD/JPY amounts with up to four
 * decimals, some ending in exactly 5 at the third (rounding), some zero.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>
#include <libpq-fe.h>

#include "accounts.h"
#include "apikey.h"
#include "db.h"
#include "demodata.h"
#include "hex.h"
#include "isotime.h"
#include "log.h"

#define COPY_CHUNK	(1024 * 1024)	/* bytes sent per PQputCopyData */
#define ROW_FIXED	1024		/* a row but its tenant-derived ids */
#define T_START		INT64_C(1735689600000000) /* 2025-01-01T00:00:00Z */
#define T_SPAN		(INT64_C(669) * 86400 * 1000000) /* to 2026-11-01 */

/* xoshiro256** seeded through splitmix64: portable, fast, reproducible. */
struct rng {
	uint64_t s[4];
};

/* Generated ids hold the tenant id when it is at most this long, else the
 * hex SHA-256 of it: with the other parts they stay within FTX_ID_MAX. */
#define DEMO_TAG_MAX	200

struct demo_supplier {
	char *id;		/* COPY-escaped supplier id */
	char *account;		/* COPY-escaped SUPPLIER balance account id */
};

struct demo {
	const struct ftx_demo_opts *o;
	struct rng rng;
	struct demo_supplier *sup;
	long nsup;
	char *tenant;		/* COPY-escaped tenant id */
	char *market;		/* COPY-escaped MARKETPLACE account id */
	char *idprefix;		/* COPY-escaped "ft_<tenant>_<seed>_" */
	char tag[DEMO_TAG_MAX + 1];	/* the tenant in generated ids */
	char first_id[FTX_ID_MAX + 1];
	char *buf;		/* COPY buffer, reused for every chunk */
	size_t len, cap;
};

/* The first suppliers carry every awkward case, so even a small demo has
 * them; the others are assembled from parts. */
static const char *const fixed_names[] = {
	"Café Lumière SARL",
	"Müller & Söhne; GmbH",
	"\"Le Comptoir\" d'Élise",
	"=1+1 Logistique",
	"@Home Déco S.A.",
	"+Plus Électronique",
	"-Minus Outillage; \"Pro\"",
	"O'Brien & Sons Ltd.",
	"Åkesson Ångström AB",
	"Niño Pérez y Compañía, S.L.",
	"Łódź Meble Sp. z o.o.",
	"Δέλτα Εμπορική Α.Ε.",
	"東京トレーディング株式会社",
	"Boulangerie \"Chez Paul\"; Lyon",
};
static const char *const name_a[] = {
	"Atelier", "Maison", "Nordic", "Groupe", "Les Jardins de",
	"Bäckerei", "Société", "Fromagerie", "Brasserie", "Papeterie",
	"Éditions", "Entrepôt", "Distillerie", "Weingut", "Cantina",
};
static const char *const name_b[] = {
	"Lefèvre", "Dubois", "Schäfer", "García", "Núñez", "Moreau",
	"Bianchi", "O'Connor", "Kowalski", "Johansson", "Dupré", "Weiß",
	"Šimić", "Rousseau", "Ferreira", "Nakamura",
};
static const char *const name_c[] = {
	"SARL", "SAS", "GmbH", "S.A.", "Ltd", "BV", "S.r.l.", "AB",
	"& Cie", "et Fils", "KG", "Oy",
};
static const char *const failures[] = {
	"Insufficient funds",
	"Account closed; contact support",
	"Bank rejected: \"IBAN invalid\"",
	"Timeout while contacting the bank",
	"Compliance review required",
	"Beneficiary's account is blocked",
	"Limit exceeded; retry tomorrow",
	"-1 balance after fees",
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform enough in 0..n-1 (n > 0; the modulo bias is below 2^-40). */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

/* Appends s escaped for COPY's text format at p; returns the new end. */
static char *
put_esc(char *p, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			*p++ = '\\';
			*p++ = '\\';
			break;
		case '\n':
			*p++ = '\\';
			*p++ = 'n';
			break;
		case '\r':
			*p++ = '\\';
			*p++ = 'r';
			break;
		case '\t':
			*p++ = '\\';
			*p++ = 't';
			break;
		default:
			*p++ = *s;
		}
	}
	return p;
}

/* Appends s as is and a separator. */
static char *
put(char *p, const char *s, char sep)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	p[n] = sep;
	return p + n + 1;
}

/* A heap copy of s escaped for COPY, or NULL when out of memory. */
static char *
esc_dup(const char *s)
{
	char *e;

	if ((e = malloc(2 * strlen(s) + 1)) != NULL)
		*put_esc(e, s) = '\0';
	return e;
}

/* Name of supplier n (1-based) into buf. */
static void
supplier_name(struct rng *r, long n, char *buf, size_t len)
{
	const char *a, *b, *c;

	if ((size_t)n <= NELEM(fixed_names)) {
		snprintf(buf, len, "%s", fixed_names[n - 1]);
		return;
	}
	a = name_a[rng_below(r, NELEM(name_a))];
	b = name_b[rng_below(r, NELEM(name_b))];
	c = name_c[rng_below(r, NELEM(name_c))];
	switch (rng_below(r, 12)) {
	case 0:
		snprintf(buf, len, "%s %s; %s", a, b, c);
		break;
	case 1:
		snprintf(buf, len, "%s \"%s\" %s", a, b, c);
		break;
	default:
		snprintf(buf, len, "%s %s %s", a, b, c);
	}
}

/* Runs one statement; returns its result if it succeeded, else NULL with
 * the reason in err. */
static PGresult *
run(struct ftx_db *db, const char *sql, int n, const char *const *params,
    char *err, size_t errlen)
{
	PGresult *res;
	const char *msg;

	res = ftx_db_query(db, sql, n, params);
	if (ftx_db_ok(res))
		return res;
	msg = res == NULL ? "database unavailable" :
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	snprintf(err, errlen, "database error: %s", msg != NULL ? msg :
	    "unknown");
	PQclear(res);
	return NULL;
}

/* The one row a find-or-create query returns; NULL (with err) when a
 * concurrent run created it after our snapshot was taken. */
static const char *
found_id(const PGresult *res, char *err, size_t errlen)
{
	if (PQntuples(res) == 1)
		return PQgetvalue(res, 0, 0);
	snprintf(err, errlen, "another demo-data run is loading this tenant;"
	    " try again when it is done");
	return NULL;
}

/* Creates the tenant and its MARKETPLACE account unless they exist. */
static int
demo_tenant(struct ftx_db *db, struct demo *d, char *err, size_t errlen)
{
	char name[FTX_ID_MAX + 32], account[FTX_ID_MAX + 32];
	const char *params[2] = { d->o->tenant, name }, *id;
	PGresult *res;

	snprintf(name, sizeof(name), "Demo tenant %s", d->o->tenant);
	if ((res = run(db, "INSERT INTO tenants (id, name) VALUES ($1, $2)"
	    " ON CONFLICT (id) DO NOTHING", 2, params, err, errlen)) == NULL)
		return -1;
	PQclear(res);
	params[1] = ftx_marketplace_account_id(d->o->tenant, account,
	    sizeof(account));
	/* The new row, or the existing one (same snapshot: never both). */
	if ((res = run(db, "WITH ins AS (INSERT INTO balance_accounts"
	    " (id, tenant_id, type) SELECT $2, $1, 'MARKETPLACE'"
	    " WHERE NOT EXISTS (SELECT 1 FROM balance_accounts"
	    " WHERE tenant_id = $1 AND type = 'MARKETPLACE') RETURNING id)"
	    " SELECT id FROM ins UNION ALL (SELECT id FROM balance_accounts"
	    " WHERE tenant_id = $1 AND type = 'MARKETPLACE'"
	    " ORDER BY id LIMIT 1)", 2, params, err, errlen)) == NULL)
		return -1;
	if ((id = found_id(res, err, errlen)) != NULL &&
	    (d->market = esc_dup(id)) == NULL)
		snprintf(err, errlen, "out of memory");
	PQclear(res);
	return d->market != NULL ? 0 : -1;
}

/* Creates supplier n (or finds it by external id) and its account. */
static int
demo_supplier(struct ftx_db *db, struct demo *d, struct rng *r, long n,
    char *err, size_t errlen)
{
	char id[FTX_ID_MAX + 1], ext[32], name[256], acct[FTX_ID_MAX + 1];
	const char *params[4] = { id, d->o->tenant, ext, name }, *found;
	PGresult *res;

	snprintf(id, sizeof(id), "sup_%s_%05ld", d->tag, n);
	snprintf(ext, sizeof(ext), "SUP-%05ld", n);
	supplier_name(r, n, name, sizeof(name));
	if ((res = run(db, "WITH ins AS (INSERT INTO suppliers"
	    " (id, tenant_id, external_id, name) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (tenant_id, external_id) DO NOTHING RETURNING id)"
	    " SELECT id FROM ins UNION ALL SELECT id FROM suppliers"
	    " WHERE tenant_id = $2 AND external_id = $3", 4, params,
	    err, errlen)) == NULL)
		return -1;
	if ((found = found_id(res, err, errlen)) != NULL &&
	    strlen(found) >= sizeof(id)) {
		/* An upstream supplier whose id is longer than any we accept. */
		snprintf(err, errlen, "supplier %s of tenant %s has an id"
		    " longer than %d bytes", ext, d->o->tenant, FTX_ID_MAX);
		found = NULL;
	}
	if (found != NULL)
		memcpy(id, found, strlen(found) + 1);
	PQclear(res);
	if (found == NULL)
		return -1;
	snprintf(acct, sizeof(acct), "ba_%s_sup_%05ld", d->tag, n);
	params[2] = acct;
	if ((res = run(db, "WITH ins AS (INSERT INTO balance_accounts"
	    " (id, tenant_id, type, supplier_id) SELECT $3, $2, 'SUPPLIER', $1"
	    " WHERE NOT EXISTS (SELECT 1 FROM balance_accounts"
	    " WHERE supplier_id = $1 AND type = 'SUPPLIER') RETURNING id)"
	    " SELECT id FROM ins UNION ALL (SELECT id FROM balance_accounts"
	    " WHERE supplier_id = $1 AND type = 'SUPPLIER'"
	    " ORDER BY id LIMIT 1)", 3, params, err, errlen)) == NULL)
		return -1;
	if ((found = found_id(res, err, errlen)) != NULL) {
		d->sup[n - 1].id = esc_dup(id);
		d->sup[n - 1].account = esc_dup(found);
		if (d->sup[n - 1].id == NULL || d->sup[n - 1].account == NULL) {
			snprintf(err, errlen, "out of memory");
			found = NULL;
		}
	}
	PQclear(res);
	return found != NULL ? 0 : -1;
}

/* All suppliers; sizes the COPY buffer for the longest row they allow. */
static int
demo_suppliers(struct ftx_db *db, struct demo *d, char *err, size_t errlen)
{
	struct rng r;
	size_t row = ROW_FIXED, n;
	long i;

	rng_seed(&r, d->o->seed ^ UINT64_C(0x5eed5a1e));
	if ((d->sup = calloc(d->o->suppliers, sizeof(*d->sup))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->nsup = d->o->suppliers;
	for (i = 1; i <= d->nsup; i++) {
		if (demo_supplier(db, d, &r, i, err, errlen) == -1)
			return -1;
		n = strlen(d->sup[i - 1].id) + 2 * strlen(d->sup[i - 1].account);
		if (ROW_FIXED + n > row)
			row = ROW_FIXED + n;
	}
	row += strlen(d->idprefix) + strlen(d->tenant) + 2 * strlen(d->market);
	d->cap = COPY_CHUNK + row;
	if ((d->buf = malloc(d->cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Reference of a transfer into buf, or NULL for none. */
static const char *
gen_reference(struct rng *r, const char *kind, char *buf, size_t len)
{
	uint64_t k = rng_below(r, 1000);
	unsigned n = (unsigned)rng_below(r, 1000000);

	if (k < 40)
		return NULL;
	if (k < 70)
		snprintf(buf, len, "%s-%06u; batch %u", kind, n, n % 97);
	else if (k < 90)
		snprintf(buf, len, "Order \"%06u\"", n);
	else if (k < 105)
		snprintf(buf, len, "Promo 10%% off %06u", n);
	else if (k < 120)
		snprintf(buf, len, "ref_%06u_adj", n);
	else if (k < 122)
		snprintf(buf, len, "%s-%06u\nsecond line", kind, n);
	else if (k < 140)
		snprintf(buf, len, "Remboursement n°%06u – client Müller", n);
	else
		snprintf(buf, len, "%s-%06u", kind, n);
	return buf;
}

/* Amount in the COPY text form of numeric into buf. */
static void
gen_amount(struct rng *r, int jpy, char *buf, size_t len)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000,
	    1000000 };
	uint64_t k = rng_below(r, 1000), scale, whole, frac;

	scale = pow10[rng_below(r, 6) + (jpy ? 1 : 0)];
	whole = scale + rng_below(r, 9 * scale);
	if (jpy)
		frac = 0;
	else if (k < 50)	/* exactly half a minor unit: x.xx5 */
		frac = rng_below(r, 100) * 100 + 50;
	else if (k < 150)
		frac = rng_below(r, 10000);
	else
		frac = rng_below(r, 100) * 100;
	if (k >= 985)
		whole = frac = 0;
	snprintf(buf, len, "%" PRIu64 ".%04" PRIu64, whole, frac);
}

static const char *
gen_status(struct rng *r)
{
	uint64_t k = rng_below(r, 1000);

	if (k < 820)
		return "COMPLETED";
	if (k < 870)
		return "PENDING";
	if (k < 910)
		return "PROCESSING";
	if (k < 960)
		return "FAILED";
	return "CANCELED";
}

/* Appends transfer i (1-based) to the COPY buffer. */
static void
put_row(struct demo *d, long i, int64_t step)
{
	struct rng *r = &d->rng;
	const struct demo_supplier *s;
	const char *status, *cur, *src, *dst, *type, *kind, *ref;
	char num[32], when[FTX_ISOTIME_USEC_LEN], amount[48], refbuf[128];
	char related[32];
	uint64_t u, k;
	char *p = d->buf + d->len;

	u = rng_below(r, UINT64_C(1) << 20);
	s = &d->sup[((u * u) >> 20) * (uint64_t)d->nsup >> 20];
	ftx_isotime_format_usec(T_START + (i - 1) * step +
	    (int64_t)rng_below(r, (uint64_t)step), when);
	status = gen_status(r);
	k = rng_below(r, 100);
	cur = k < 60 ? "EUR" : k < 90 ? "USD" : "JPY";
	gen_amount(r, cur[0] == 'J', amount, sizeof(amount));
	k = rng_below(r, 100);
	/* 70% payouts, 25% refunds, 5% either way with no related entity. */
	if (k < 70 || (k >= 95 && k < 98)) {
		src = d->market;
		dst = s->account;
		kind = "INV";
		type = k < 70 ? "PAYOUT" : NULL;
	} else {
		src = s->account;
		dst = d->market;
		kind = "CN";
		type = k < 95 ? "REFUND" : NULL;
	}
	snprintf(related, sizeof(related), "%s_%012" PRIx64,
	    type != NULL && type[0] == 'P' ? "po" : "rf",
	    rng_next(r) & UINT64_C(0xffffffffffff));
	ref = gen_reference(r, kind, refbuf, sizeof(refbuf));
	k = rng_below(r, NELEM(failures));

	snprintf(num, sizeof(num), "%08ld", i);
	p = put(p, d->idprefix, '\0') - 1;
	p = put(p, num, '\t');
	p = put(p, d->tenant, '\t');
	p = put(p, when, '\t');
	p = put(p, status, '\t');
	p = put(p, amount, '\t');
	p = put(p, cur, '\t');
	p = put(p, src, '\t');
	p = put(p, dst, '\t');
	p = put(p, s->id, '\t');
	p = ref != NULL ? put_esc(p, ref) : put(p, "\\N", '\0') - 1;
	*p++ = '\t';
	p = put(p, type != NULL ? type : "\\N", '\t');
	p = put(p, type != NULL ? related : "\\N", '\t');
	p = status[0] == 'F' ? put_esc(p, failures[k]) :
	    put(p, "\\N", '\0') - 1;
	*p++ = '\n';
	d->len = p - d->buf;
}

/* Sends the buffer if it holds a chunk (or anything, when force). */
static int
flush(PGconn *conn, struct demo *d, int force, char *err, size_t errlen)
{
	if (d->len == 0 || (!force && d->len < COPY_CHUNK))
		return 0;
	if (PQputCopyData(conn, d->buf, (int)d->len) != 1) {
		snprintf(err, errlen, "COPY failed: %s", PQerrorMessage(conn));
		return -1;
	}
	d->len = 0;
	return 0;
}

/* Ends the COPY (aborting it when failed) and collects its results. */
static int
copy_end(PGconn *conn, int failed, char *err, size_t errlen)
{
	PGresult *res;
	const char *msg;
	int rc = failed ? -1 : 0;

	if (PQputCopyEnd(conn, failed ? "demo-data aborted" : NULL) != 1) {
		snprintf(err, errlen, "COPY failed: %s", PQerrorMessage(conn));
		rc = -1;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (!failed && PQresultStatus(res) != PGRES_COMMAND_OK) {
			msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			snprintf(err, errlen, "COPY failed: %s",
			    msg != NULL ? msg : "unknown error");
			rc = -1;
		}
		PQclear(res);
	}
	return rc;
}

/* Streams every transfer with COPY, in chunks of one reused buffer. */
static int
demo_copy(struct ftx_db *db, struct demo *d, char *err, size_t errlen)
{
	PGconn *conn;
	PGresult *res;
	int64_t step;
	long i;
	int failed = 0;

	if (d->o->transfers == 0)
		return 0;
	/* A superuser loads as pg_restore --disable-triggers does: every row
	 * references rows this transaction created or found, so the per-row
	 * foreign-key checks (half the load time) can be skipped.  Until
	 * COMMIT only; other roles keep the checks. */
	if ((res = run(db, "SELECT set_config('session_replication_role',"
	    " 'replica', true) WHERE current_setting('is_superuser') = 'on'",
	    0, NULL, err, errlen)) == NULL)
		return -1;
	PQclear(res);
	if ((conn = ftx_db_conn(db)) == NULL) {
		snprintf(err, errlen, "database unavailable");
		return -1;
	}
	res = PQexec(conn, "COPY funding_transfers (id, tenant_id, created_at,"
	    " status, amount, currency, source_balance_account_id,"
	    " target_balance_account_id, supplier_id, reference,"
	    " related_entity_type, related_entity_id, failure_reason)"
	    " FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		snprintf(err, errlen, "COPY failed: %s", PQerrorMessage(conn));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	step = T_SPAN / d->o->transfers;
	rng_seed(&d->rng, d->o->seed);
	for (i = 1; i <= d->o->transfers && !failed; i++) {
		put_row(d, i, step);
		failed = flush(conn, d, 0, err, errlen) == -1;
	}
	if (!failed)
		failed = flush(conn, d, 1, err, errlen) == -1;
	return copy_end(conn, failed, err, errlen);
}

/* Refuses a second load of the same tenant and seed. */
static int
demo_check_new(struct ftx_db *db, struct demo *d, char *err, size_t errlen)
{
	const char *params[1] = { d->first_id };
	PGresult *res;
	int found;

	snprintf(d->first_id, sizeof(d->first_id), "ft_%s_%" PRIu64 "_%08d",
	    d->tag, d->o->seed, 1);
	if ((res = run(db, "SELECT 1 FROM funding_transfers WHERE id = $1",
	    1, params, err, errlen)) == NULL)
		return -1;
	found = PQntuples(res) > 0;
	PQclear(res);
	if (found) {
		snprintf(err, errlen, "demo data of seed %" PRIu64 " is already"
		    " loaded in tenant %s", d->o->seed, d->o->tenant);
		return -1;
	}
	return 0;
}

/* Everything but ANALYZE, inside the caller's transaction. */
static int
demo_fill(struct ftx_db *db, struct demo *d, char *err, size_t errlen)
{
	char prefix[FTX_ID_MAX + 1];
	unsigned char md[32];

	if (strlen(d->o->tenant) <= DEMO_TAG_MAX)
		memcpy(d->tag, d->o->tenant, strlen(d->o->tenant) + 1);
	else {
		gcry_md_hash_buffer(GCRY_MD_SHA256, md, d->o->tenant,
		    strlen(d->o->tenant));
		ftx_hex_encode(md, sizeof(md), d->tag);
	}
	snprintf(prefix, sizeof(prefix), "ft_%s_%" PRIu64 "_", d->tag,
	    d->o->seed);
	d->tenant = esc_dup(d->o->tenant);
	d->idprefix = esc_dup(prefix);
	if (d->tenant == NULL || d->idprefix == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (demo_tenant(db, d, err, errlen) == -1 ||
	    demo_check_new(db, d, err, errlen) == -1 ||
	    demo_suppliers(db, d, err, errlen) == -1 ||
	    demo_copy(db, d, err, errlen) == -1)
		return -1;
	return 0;
}

static void
demo_free(struct demo *d)
{
	long i;

	for (i = 0; d->sup != NULL && i < d->nsup; i++) {
		free(d->sup[i].id);
		free(d->sup[i].account);
	}
	free(d->sup);
	free(d->tenant);
	free(d->market);
	free(d->idprefix);
	free(d->buf);
}

int
ftx_demo_load(struct ftx_db *db, const struct ftx_demo_opts *o, char *err,
    size_t errlen)
{
	struct demo d;
	PGresult *res;
	int rc = -1, begun = 0;

	memset(&d, 0, sizeof(d));
	d.o = o;
	if (!ftx_name_valid(o->tenant) || o->suppliers < 1 ||
	    o->suppliers > FTX_DEMO_SUPPLIERS_MAX || o->transfers < 0 ||
	    o->transfers > FTX_DEMO_TRANSFERS_MAX) {
		snprintf(err, errlen, "invalid demo-data arguments");
		return -1;
	}
	if (ftx_crypto_init() == -1) {
		snprintf(err, errlen, "libgcrypt initialisation failed");
		return -1;
	}
	if ((res = run(db, "BEGIN", 0, NULL, err, errlen)) == NULL)
		goto out;
	PQclear(res);
	begun = 1;
	if (demo_fill(db, &d, err, errlen) == -1)
		goto out;
	if ((res = run(db, "COMMIT", 0, NULL, err, errlen)) == NULL)
		goto out;
	PQclear(res);
	begun = 0;
	/* Fresh statistics, or the first exports plan as for empty tables. */
	if ((res = run(db, "ANALYZE tenants, suppliers, balance_accounts,"
	    " funding_transfers", 0, NULL, err, errlen)) == NULL)
		log_warning("demo-data: %s", err);
	PQclear(res);
	rc = 0;
out:
	if (begun)
		PQclear(ftx_db_query(db, "ROLLBACK", 0, NULL));
	demo_free(&d);
	return rc;
}
