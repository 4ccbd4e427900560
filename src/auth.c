/*
 * auth.c - API key authentication with a short positive cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "auth.h"
#include "clock.h"
#include "db.h"
#include "log.h"

struct cache_entry {
	char			key_id[FTX_APIKEY_ID_MAX + 1];	/* "" = free */
	char			hash[FTX_APIKEY_HASH_LEN];
	struct ftx_principal	who;
	int64_t			fetched_ms;
};

struct ftx_auth_cache {
	struct cache_entry	entries[FTX_AUTH_CACHE_SIZE];
	unsigned		next;	/* round-robin replacement */
};

static const char key_sql[] =
    "SELECT k.secret_hash, u.id, u.tenant_id, u.email, u.role, "
    "coalesce(u.supplier_id, '') "
    "FROM api_keys k JOIN users u ON u.id = k.user_id "
    "WHERE k.key_id = $1 AND k.revoked_at IS NULL "
    "AND u.disabled_at IS NULL";

struct ftx_auth_cache *
ftx_auth_cache_new(void)
{
	return calloc(1, sizeof(struct ftx_auth_cache));
}

void
ftx_auth_cache_free(struct ftx_auth_cache *cache)
{
	if (cache != NULL) {
		explicit_bzero(cache, sizeof(*cache));
		free(cache);
	}
}

const char *
ftx_role_name(enum ftx_role role)
{
	return role == FTX_ROLE_SUPPLIER ? "SUPPLIER" : "OPERATOR";
}

static struct cache_entry *
cache_find(struct ftx_auth_cache *cache, const char *key_id)
{
	int64_t now = ftx_clock_ms();
	int i;

	for (i = 0; i < FTX_AUTH_CACHE_SIZE; i++) {
		struct cache_entry *e = &cache->entries[i];

		if (e->key_id[0] == '\0' || strcmp(e->key_id, key_id) != 0)
			continue;
		if (now - e->fetched_ms < FTX_AUTH_CACHE_TTL_MS)
			return e;
		e->key_id[0] = '\0';	/* stale */
		return NULL;
	}
	return NULL;
}

/* Copies src whole into dst[size]; -1 when it does not fit. */
static int
copy_whole(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int
ftx_principal_fill(struct ftx_principal *who, const char *user_id,
    const char *tenant_id, const char *email, const char *role,
    const char *supplier_id)
{
	memset(who, 0, sizeof(*who));
	if (copy_whole(who->user_id, sizeof(who->user_id), user_id) == -1 ||
	    copy_whole(who->tenant_id, sizeof(who->tenant_id),
	    tenant_id) == -1 ||
	    copy_whole(who->email, sizeof(who->email), email) == -1 ||
	    copy_whole(who->supplier_id, sizeof(who->supplier_id),
	    supplier_id) == -1) {
		/* The user id may be the over-long one: its length only. */
		log_err("user %.64s%s: an id or the e-mail address is longer "
		    "than %d bytes: refused", user_id,
		    strlen(user_id) > 64 ? "..." : "", FTX_ID_MAX);
		memset(who, 0, sizeof(*who));
		return -1;
	}
	who->role = strcmp(role, "SUPPLIER") == 0 ? FTX_ROLE_SUPPLIER :
	    FTX_ROLE_OPERATOR;
	return 0;
}

/* Looks key_id up.  Returns 1 found (entry filled), 0 unknown (or a row
 * that cannot be held whole: refused like an unknown key), -1 db down. */
static int
fetch_key(struct ftx_db *db, const char *key_id, struct cache_entry *e)
{
	const char *params[1] = { key_id };
	PGresult *res;
	int rc = 0;

	if ((res = ftx_db_query(db, key_sql, 1, params)) == NULL)
		return -1;
	if (!ftx_db_ok(res)) {
		log_err("api key lookup failed: %s", PQresultErrorMessage(res));
		rc = -1;
	} else if (PQntuples(res) == 1) {
		memset(e, 0, sizeof(*e));
		snprintf(e->key_id, sizeof(e->key_id), "%s", key_id);
		if (copy_whole(e->hash, sizeof(e->hash),
		    PQgetvalue(res, 0, 0)) == 0 &&
		    ftx_principal_fill(&e->who, PQgetvalue(res, 0, 1),
		    PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3),
		    PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5)) == 0) {
			e->fetched_ms = ftx_clock_ms();
			rc = 1;
		} else
			memset(e, 0, sizeof(*e));
	}
	PQclear(res);
	return rc;
}

int
ftx_role_from_name(const char *client, enum ftx_role *role)
{
	if (client == NULL)
		return -1;
	if (strcmp(client, "OPERATOR") == 0)
		*role = FTX_ROLE_OPERATOR;
	else if (strcmp(client, "SUPPLIER") == 0)
		*role = FTX_ROLE_SUPPLIER;
	else
		return -1;
	return 0;
}

int
ftx_auth_key(struct ftx_auth_cache *cache, struct ftx_db *db,
    const char *api_key, struct ftx_principal *who, enum ftx_apierr *err)
{
	char key_id[FTX_APIKEY_ID_MAX + 1];
	struct cache_entry fetched, *e;
	const char *secret;
	int found, valid;

	if (api_key == NULL || *api_key == '\0') {
		*err = FTX_E_MISSING_API_KEY;
		return -1;
	}
	if (ftx_apikey_split(api_key, key_id, &secret) == -1) {
		/* Malformed: still hash something so the time spent does not
		 * tell a malformed key from a wrong one. */
		(void)ftx_apikey_verify("0000000000000000", NULL);
		*err = FTX_E_INVALID_API_KEY;
		return -1;
	}
	if ((e = cache_find(cache, key_id)) == NULL) {
		if ((found = fetch_key(db, key_id, &fetched)) == -1) {
			*err = FTX_E_SERVICE_UNAVAILABLE;
			return -1;
		}
		e = found ? &fetched : NULL;
	}
	/* Unknown keys are verified against a dummy hash: same work. */
	valid = ftx_apikey_verify(secret, e != NULL ? e->hash : NULL);
	if (!valid || e == NULL) {
		*err = FTX_E_INVALID_API_KEY;
		return -1;
	}
	if (e == &fetched) {
		/* Only keys proven valid enter the cache. */
		cache->entries[cache->next++ % FTX_AUTH_CACHE_SIZE] = fetched;
	}
	*who = e->who;
	return 0;
}

int
ftx_auth_request(struct ftx_auth_cache *cache, struct ftx_db *db,
    const char *api_key, const char *client, struct ftx_principal *who,
    enum ftx_apierr *err)
{
	struct ftx_principal found;
	enum ftx_role role;

	if (ftx_auth_key(cache, db, api_key, &found, err) == -1)
		return -1;
	if (ftx_role_from_name(client, &role) == -1) {
		*err = FTX_E_INVALID_CLIENT;
		return -1;
	}
	if (role != found.role) {
		*err = FTX_E_CLIENT_MISMATCH;
		return -1;
	}
	*who = found;
	return 0;
}
