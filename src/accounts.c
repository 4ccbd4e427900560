/*
 * accounts.c - tenants, suppliers, users and API keys for ftx-admin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gcrypt.h>
#include <libpq-fe.h>

#include "accounts.h"
#include "apikey.h"
#include "db.h"
#include "email.h"
#include "hex.h"

/* Longest tenant id, external id or name: an id of any length the schema
 * takes (sql/002_ids.sql), names alike. */
#define TEXT_MAX	FTX_ID_MAX
#define MARKET_SUFFIX	"_marketplace"

char *
ftx_marketplace_account_id(const char *tenant, char *buf, size_t len)
{
	unsigned char md[32];
	char hex[65];

	if (strlen("ba_") + strlen(tenant) + strlen(MARKET_SUFFIX) <=
	    FTX_ID_MAX || ftx_crypto_init() == -1) {
		snprintf(buf, len, "ba_%s" MARKET_SUFFIX, tenant);
		return buf;
	}
	/* Too long to be an id itself: named by a hash of the tenant id. */
	gcry_md_hash_buffer(GCRY_MD_SHA256, md, tenant, strlen(tenant));
	ftx_hex_encode(md, sizeof(md), hex);
	snprintf(buf, len, "ba_%s" MARKET_SUFFIX, hex);
	return buf;
}

/* Copies the id in row 0, column 0 of res whole into id[idlen]; -1 with
 * the reason in err when it does not fit (never cut short). */
static int
copy_id(const PGresult *res, char *id, size_t idlen, char *err,
    size_t errlen)
{
	const char *v = PQgetvalue(res, 0, 0);
	size_t n = strlen(v);

	if (n >= idlen) {
		snprintf(err, errlen, "the new id is longer than %zu bytes",
		    idlen - 1);
		return -1;
	}
	memcpy(id, v, n + 1);
	return 0;
}

int
ftx_name_valid(const char *s)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0' || strlen(s) > TEXT_MAX)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* Runs sql and returns its result (NULL if the database is unavailable)
 * for the caller to test with ftx_db_ok() and PQclear(); on failure the
 * reason is already in err. */
static PGresult *
query(struct ftx_db *db, const char *sql, int n, const char *const *params,
    char *err, size_t errlen)
{
	PGresult *res;
	const char *msg;

	res = ftx_db_query(db, sql, n, params);
	if (res == NULL) {
		snprintf(err, errlen, "database unavailable");
		return NULL;
	}
	if (!ftx_db_ok(res)) {
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		snprintf(err, errlen, "database error: %s",
		    msg != NULL ? msg : PQresStatus(PQresultStatus(res)));
	}
	return res;
}

/* 1 if res failed with sqlstate on constraint name (NULL: any), else 0. */
static int
violates(const PGresult *res, const char *sqlstate, const char *name)
{
	const char *c;

	if (!ftx_db_sqlstate_is(res, sqlstate))
		return 0;
	c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	return name == NULL || (c != NULL && strcmp(c, name) == 0);
}

/* 0 if tenant exists; else -1 with the reason in err. */
static int
tenant_check(struct ftx_db *db, const char *tenant, char *err, size_t errlen)
{
	const char *params[1] = { tenant };
	PGresult *res;
	int rc = -1;

	if (!ftx_name_valid(tenant)) {
		snprintf(err, errlen, "invalid tenant id");
		return -1;
	}
	res = query(db, "SELECT 1 FROM tenants WHERE id = $1", 1, params,
	    err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "unknown tenant: %s", tenant);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
ftx_tenant_add(struct ftx_db *db, const char *id, const char *name,
    char *err, size_t errlen)
{
	char account[FTX_ID_MAX + 1];
	const char *params[3];
	PGresult *res;
	int rc = -1;

	if (!ftx_name_valid(id) || !ftx_name_valid(name)) {
		snprintf(err, errlen, "invalid tenant id or name (1-%d"
		    " bytes, no control characters)", TEXT_MAX);
		return -1;
	}
	params[0] = id;
	params[1] = name;
	params[2] = ftx_marketplace_account_id(id, account, sizeof(account));
	/* One statement: the tenant never exists without its account. */
	res = query(db, "WITH t AS (INSERT INTO tenants (id, name)"
	    " VALUES ($1, $2) RETURNING id)"
	    " INSERT INTO balance_accounts (id, tenant_id, type)"
	    " SELECT $3, id, 'MARKETPLACE' FROM t", 3, params, err, errlen);
	if (violates(res, "23505", "tenants_pkey"))
		snprintf(err, errlen, "tenant already exists: %s", id);
	else if (violates(res, "23505", "balance_accounts_pkey"))
		snprintf(err, errlen, "balance account already exists: %s",
		    account);
	if (!ftx_db_ok(res))
		goto out;
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
ftx_supplier_add(struct ftx_db *db, const char *tenant,
    const char *external_id, const char *name, char *id, size_t idlen,
    char *err, size_t errlen)
{
	const char *params[3] = { tenant, external_id, name };
	PGresult *res = NULL;
	int rc = -1;

	if (!ftx_name_valid(external_id) || !ftx_name_valid(name)) {
		snprintf(err, errlen, "invalid supplier external id or name"
		    " (1-%d characters, no control characters)", TEXT_MAX);
		return -1;
	}
	if (tenant_check(db, tenant, err, errlen) == -1)
		return -1;
	res = query(db, "WITH s AS (INSERT INTO suppliers"
	    " (id, tenant_id, external_id, name)"
	    " VALUES (gen_random_uuid()::text, $1, $2, $3) RETURNING id),"
	    " b AS (INSERT INTO balance_accounts"
	    " (id, tenant_id, type, supplier_id)"
	    " SELECT gen_random_uuid()::text, $1, 'SUPPLIER', id FROM s)"
	    " SELECT id FROM s", 3, params, err, errlen);
	if (violates(res, "23505", "suppliers_tenant_id_external_id_key"))
		snprintf(err, errlen, "supplier already exists: %s in tenant"
		    " %s", external_id, tenant);
	else if (violates(res, "23503", NULL))
		snprintf(err, errlen, "unknown tenant: %s", tenant);
	if (!ftx_db_ok(res))
		goto out;
	if (copy_id(res, id, idlen, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Returns a result whose row 0 holds the id of supplier external_id of
 * tenant, or NULL with the reason in err. */
static PGresult *
supplier_lookup(struct ftx_db *db, const char *tenant, const char *supplier,
    char *err, size_t errlen)
{
	const char *params[2] = { tenant, supplier };
	PGresult *res;

	res = query(db, "SELECT id FROM suppliers"
	    " WHERE tenant_id = $1 AND external_id = $2", 2, params,
	    err, errlen);
	if (ftx_db_ok(res) && PQntuples(res) == 0) {
		snprintf(err, errlen, "unknown supplier: %s in tenant %s",
		    ftx_name_valid(supplier) ? supplier : "(invalid)", tenant);
		PQclear(res);
		return NULL;
	}
	if (!ftx_db_ok(res)) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Checks role and supplier against each other; *norm gets the role in
 * upper case. */
static int
role_check(const char *role, const char *supplier, const char **norm,
    char *err, size_t errlen)
{
	if (role != NULL && strcasecmp(role, "OPERATOR") == 0)
		*norm = "OPERATOR";
	else if (role != NULL && strcasecmp(role, "SUPPLIER") == 0)
		*norm = "SUPPLIER";
	else {
		snprintf(err, errlen, "invalid role: %s (OPERATOR or"
		    " SUPPLIER)", ftx_name_valid(role) ? role : "(invalid)");
		return -1;
	}
	if (**norm == 'S' && supplier == NULL) {
		snprintf(err, errlen, "a SUPPLIER user needs --supplier"
		    " EXTERNAL_ID");
		return -1;
	}
	if (**norm == 'O' && supplier != NULL) {
		snprintf(err, errlen, "an OPERATOR user takes no --supplier");
		return -1;
	}
	return 0;
}

int
ftx_user_check(const char *email, const char *role, const char *supplier,
    char *err, size_t errlen)
{
	const char *norm;

	if (role_check(role, supplier, &norm, err, errlen) == -1)
		return -1;
	if (email == NULL || !ftx_email_valid(email, strlen(email))) {
		snprintf(err, errlen, "invalid e-mail address");
		return -1;
	}
	return 0;
}

int
ftx_user_add(struct ftx_db *db, const char *tenant, const char *email,
    const char *role, const char *supplier, char *id, size_t idlen,
    char *err, size_t errlen)
{
	const char *params[4];
	PGresult *sup = NULL, *res = NULL;
	int rc = -1;

	if (ftx_user_check(email, role, supplier, err, errlen) == -1)
		return -1;
	params[2] = strcasecmp(role, "OPERATOR") == 0 ? "OPERATOR" :
	    "SUPPLIER";
	if (tenant_check(db, tenant, err, errlen) == -1)
		return -1;
	if (supplier != NULL &&
	    (sup = supplier_lookup(db, tenant, supplier, err, errlen)) == NULL)
		return -1;
	params[0] = tenant;
	params[1] = email;
	params[3] = sup != NULL ? PQgetvalue(sup, 0, 0) : NULL;
	res = query(db, "INSERT INTO users (tenant_id, email, role,"
	    " supplier_id) VALUES ($1, $2, $3, $4) RETURNING id", 4, params,
	    err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	if (copy_id(res, id, idlen, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	PQclear(sup);
	PQclear(res);
	return rc;
}

int
ftx_user_disable(struct ftx_db *db, const char *user_id, char *err,
    size_t errlen)
{
	const char *params[1] = { user_id };
	PGresult *res;
	int rc = -1;

	res = query(db, "UPDATE users SET disabled_at ="
	    " coalesce(disabled_at, now()) WHERE id = $1 RETURNING id", 1,
	    params, err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "no such user: %s",
		    ftx_name_valid(user_id) ? user_id : "(invalid)");
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Writes every row of res to out, tab-separated; control characters in
 * values (upstream data) become spaces so one row stays one line. */
static int
print_rows(const PGresult *res, FILE *out, char *err, size_t errlen)
{
	const char *v;
	int i, j;

	for (i = 0; i < PQntuples(res); i++) {
		for (j = 0; j < PQnfields(res); j++) {
			if (j > 0)
				putc('\t', out);
			for (v = PQgetvalue(res, i, j); *v != '\0'; v++)
				putc((unsigned char)*v < ' ' ? ' ' : *v, out);
		}
		putc('\n', out);
	}
	if (fflush(out) == EOF || ferror(out)) {
		snprintf(err, errlen, "cannot write the list");
		return -1;
	}
	return 0;
}

int
ftx_user_list(struct ftx_db *db, const char *tenant, FILE *out, char *err,
    size_t errlen)
{
	const char *params[1] = { tenant };
	PGresult *res = NULL;
	int rc = -1;

	if (tenant != NULL && tenant_check(db, tenant, err, errlen) == -1)
		return -1;
	res = query(db, "SELECT u.id, u.tenant_id, u.email, u.role,"
	    " coalesce(s.external_id, '-'), "
	    "to_char(u.created_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " CASE WHEN u.disabled_at IS NULL THEN 'active'"
	    " ELSE 'disabled' END"
	    " FROM users u LEFT JOIN suppliers s ON s.id = u.supplier_id"
	    " WHERE $1::text IS NULL OR u.tenant_id = $1"
	    " ORDER BY u.created_at, u.id", 1, params, err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	rc = print_rows(res, out, err, errlen);
out:
	PQclear(res);
	return rc;
}

/* After an insert refused for user_id: says whether it is unknown or
 * disabled. */
static void
user_refused(struct ftx_db *db, const char *user_id, char *err,
    size_t errlen)
{
	const char *params[1] = { user_id };
	PGresult *res;

	res = query(db, "SELECT 1 FROM users WHERE id = $1", 1, params,
	    err, errlen);
	if (ftx_db_ok(res))
		snprintf(err, errlen, "%s: %s", PQntuples(res) == 0 ?
		    "no such user" : "user is disabled",
		    ftx_name_valid(user_id) ? user_id : "(invalid)");
	PQclear(res);
}

int
ftx_key_create(struct ftx_db *db, const char *user_id, char *key,
    size_t keylen, char *err, size_t errlen)
{
	char keyid[FTX_APIKEY_ID_MAX + 1], hash[FTX_APIKEY_HASH_LEN];
	const char *params[3] = { keyid, user_id, hash };
	PGresult *res = NULL;
	int rc = -1;

	if (ftx_apikey_generate(keyid, key, keylen, hash) == -1) {
		snprintf(err, errlen, "cannot generate a key");
		goto out;
	}
	/* One statement, so a user disabled meanwhile gets no key. */
	res = query(db, "INSERT INTO api_keys (key_id, user_id, secret_hash)"
	    " SELECT $1, id, $3 FROM users"
	    " WHERE id = $2 AND disabled_at IS NULL RETURNING key_id", 3,
	    params, err, errlen);
	if (violates(res, "23505", "api_keys_pkey"))
		snprintf(err, errlen, "key id collision, try again");
	if (!ftx_db_ok(res))
		goto out;
	if (PQntuples(res) == 0) {
		user_refused(db, user_id, err, errlen);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	explicit_bzero(hash, sizeof(hash));
	if (rc == -1 && keylen > 0)
		explicit_bzero(key, keylen);
	return rc;
}

/* 1 if s is a KEYID: 8..32 of [a-z0-9]. */
static int
valid_keyid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789");

	return s[n] == '\0' && n >= 8 && n <= FTX_APIKEY_ID_MAX;
}

int
ftx_key_parse(const char *arg, char *keyid, char *err, size_t errlen)
{
	const char *secret;

	if (arg != NULL && strncmp(arg, "ftx_", 4) == 0) {
		if (ftx_apikey_split(arg, keyid, &secret) == 0)
			return 0;
		snprintf(err, errlen, "malformed key");
		return -1;
	}
	if (arg != NULL && valid_keyid(arg)) {
		snprintf(keyid, FTX_APIKEY_ID_MAX + 1, "%s", arg);
		return 0;
	}
	snprintf(err, errlen, "malformed key id (8-32 of [a-z0-9])");
	return -1;
}

int
ftx_key_revoke(struct ftx_db *db, const char *arg, char *err, size_t errlen)
{
	char keyid[FTX_APIKEY_ID_MAX + 1];
	const char *params[1] = { keyid };
	PGresult *res = NULL;
	int rc = -1;

	if (ftx_key_parse(arg, keyid, err, errlen) == -1)
		goto out;
	res = query(db, "UPDATE api_keys SET revoked_at ="
	    " coalesce(revoked_at, now()) WHERE key_id = $1"
	    " RETURNING key_id", 1, params, err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "unknown key: %s", keyid);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
ftx_key_list(struct ftx_db *db, const char *user_id, FILE *out, char *err,
    size_t errlen)
{
	const char *params[1] = { user_id };
	PGresult *res = NULL;
	int rc = -1;

	if (user_id != NULL) {
		res = query(db, "SELECT 1 FROM users WHERE id = $1", 1,
		    params, err, errlen);
		if (!ftx_db_ok(res))
			goto out;
		if (PQntuples(res) == 0) {
			snprintf(err, errlen, "no such user: %s",
			    ftx_name_valid(user_id) ? user_id : "(invalid)");
			goto out;
		}
		PQclear(res);
	}
	res = query(db, "SELECT key_id, user_id, "
	    "to_char(created_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " CASE WHEN revoked_at IS NULL THEN 'active' ELSE 'revoked' END"
	    " FROM api_keys WHERE $1::text IS NULL OR user_id = $1"
	    " ORDER BY created_at, key_id", 1, params, err, errlen);
	if (!ftx_db_ok(res))
		goto out;
	rc = print_rows(res, out, err, errlen);
out:
	PQclear(res);
	return rc;
}
