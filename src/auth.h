/*
 * auth.h - who is calling: the dj-api-key and dj-client headers checked
 * against the api_keys and users tables (SPEC §6).
 *
 * Each responder keeps a small positive cache: a key found valid is
 * trusted for FTX_AUTH_CACHE_TTL_MS without asking the database again, so
 * a revoked key or a disabled user stops working within that time (the
 * SPEC allows 5 seconds).  Wrong secrets are never cached.
 */
#ifndef FTX_AUTH_H
#define FTX_AUTH_H

#include "accounts.h"	/* FTX_ID_MAX */
#include "apierr.h"
#include "db.h"

#define FTX_AUTH_CACHE_TTL_MS	2000
#define FTX_AUTH_CACHE_SIZE	64
#define FTX_EMAIL_MAX		254

enum ftx_role { FTX_ROLE_OPERATOR, FTX_ROLE_SUPPLIER };

struct ftx_principal {
	char		user_id[FTX_ID_MAX + 1];
	char		tenant_id[FTX_ID_MAX + 1];
	char		email[FTX_EMAIL_MAX + 1];
	enum ftx_role	role;
	char		supplier_id[FTX_ID_MAX + 1];	/* internal id; "" for operators */
};

struct ftx_auth_cache;

/*
 * Fills *who from the values of a users row (role "SUPPLIER" or anything
 * else for OPERATOR; supplier_id "" for an operator).  Every value is
 * copied whole: one longer than its buffer (FTX_ID_MAX bytes for ids,
 * FTX_EMAIL_MAX for the address) is refused, never cut short, since two
 * ids sharing a long prefix would then name one principal.  Returns 0, or
 * -1 (logged, *who zeroed).  No argument may be NULL.
 */
int ftx_principal_fill(struct ftx_principal *who, const char *user_id,
    const char *tenant_id, const char *email, const char *role,
    const char *supplier_id);

/* A cache for one process; NULL when out of memory. */
struct ftx_auth_cache *ftx_auth_cache_new(void);
void ftx_auth_cache_free(struct ftx_auth_cache *cache);

/*
 * Authenticates a request from its two header values (either may be NULL).
 * Returns 0 and fills *who, or -1 with *err set, in the SPEC order:
 * MISSING_API_KEY (no or empty key), INVALID_API_KEY (malformed, unknown,
 * wrong secret, revoked, user disabled: one path, one message),
 * INVALID_CLIENT (dj-client missing or not OPERATOR/SUPPLIER),
 * CLIENT_MISMATCH (dj-client is not the key's role), SERVICE_UNAVAILABLE
 * (the database cannot be asked).
 */
int ftx_auth_request(struct ftx_auth_cache *cache, struct ftx_db *db,
    const char *api_key, const char *client, struct ftx_principal *who,
    enum ftx_apierr *err);

/*
 * The key alone, for a request that sends no dj-client to the one endpoint
 * that does not require it (GET /v1/me, SPEC §7): ftx_auth_request()
 * without its two dj-client checks.  Returns 0 and fills *who, or -1 with
 * *err MISSING_API_KEY, INVALID_API_KEY or SERVICE_UNAVAILABLE.
 */
int ftx_auth_key(struct ftx_auth_cache *cache, struct ftx_db *db,
    const char *api_key, struct ftx_principal *who, enum ftx_apierr *err);

/* The role a dj-client value names: exactly "OPERATOR" or "SUPPLIER".
 * 0 with *role set, or -1 (client NULL or anything else). */
int ftx_role_from_name(const char *client, enum ftx_role *role);

/* "OPERATOR" or "SUPPLIER". */
const char *ftx_role_name(enum ftx_role role);

#endif /* FTX_AUTH_H */
