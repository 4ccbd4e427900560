/*
 * accounts.h - tenants, suppliers, users and API keys as ftx-admin manages
 * them (SPEC section 6).
 *
 * Every function returns 0 on success, or -1 with a one-line message for
 * the operator in err[errlen] (e.g. "unknown tenant: acme").  Messages
 * never contain a secret.  All SQL is parameterised.
 */
#ifndef FTX_ACCOUNTS_H
#define FTX_ACCOUNTS_H

#include <stddef.h>
#include <stdio.h>

struct ftx_db;

/* The longest id, in bytes, of a tenant, supplier, balance account, user or
 * export the service accepts (SPEC §16); buffers are FTX_ID_MAX + 1.  The
 * service's own tables check it (sql/002_ids.sql). */
#define FTX_ID_MAX	255

/* 1 if s is usable as a tenant id, supplier external id or name: 1 to
 * FTX_ID_MAX bytes, no control character.  Else 0.  s may be NULL (0). */
int ftx_name_valid(const char *s);

/* Id of the MARKETPLACE balance account ftx_tenant_add() creates for
 * tenant into buf[len] (FTX_ID_MAX + 1 is enough): "ba_<tenant>_marketplace",
 * or "ba_<hex SHA-256 of tenant>_marketplace" when that would be longer
 * than FTX_ID_MAX.  Returns buf. */
char *ftx_marketplace_account_id(const char *tenant, char *buf, size_t len);

/* Creates tenant id named name, and its MARKETPLACE balance account, in one
 * transaction.  An existing tenant is an error. */
int ftx_tenant_add(struct ftx_db *db, const char *id, const char *name,
    char *err, size_t errlen);

/* Creates supplier external_id named name in tenant, and its SUPPLIER
 * balance account.  The new supplier's id goes to id[idlen]
 * (FTX_ID_MAX + 1 is enough; a longer one is an error, never cut short). */
int ftx_supplier_add(struct ftx_db *db, const char *tenant,
    const char *external_id, const char *name, char *id, size_t idlen,
    char *err, size_t errlen);

/* Checks the arguments of ftx_user_add() that need no database: role and
 * supplier against each other, and the e-mail address.  0, or -1 with the
 * reason in err. */
int ftx_user_check(const char *email, const char *role, const char *supplier,
    char *err, size_t errlen);

/* Creates a user of tenant with email and role ("OPERATOR" or "SUPPLIER",
 * any case).  supplier is the external id of the supplier a SUPPLIER is
 * bound to: required for SUPPLIER, NULL for OPERATOR.  The new user's id
 * goes to id[idlen] (FTX_ID_MAX + 1 is enough; a longer one is an error,
 * never cut short). */
int ftx_user_add(struct ftx_db *db, const char *tenant, const char *email,
    const char *role, const char *supplier, char *id, size_t idlen,
    char *err, size_t errlen);

/* Disables user_id: its keys stop working.  Disabling a disabled user is
 * not an error; an unknown one is. */
int ftx_user_disable(struct ftx_db *db, const char *user_id, char *err,
    size_t errlen);

/* Writes one tab-separated line per user of tenant (NULL = all tenants) to
 * out: id, tenant, email, role, supplier external id or "-", created
 * (YYYY-MM-DDTHH:MM:SSZ), "active" or "disabled".  Oldest first.  An
 * unknown tenant is an error. */
int ftx_user_list(struct ftx_db *db, const char *tenant, FILE *out,
    char *err, size_t errlen);

/* Creates an API key for user_id (which must exist and be active); stores
 * only the hash of its secret.  The whole key, to be shown once, goes to
 * key[keylen] (FTX_APIKEY_LEN is enough).  ftx_crypto_init() must have
 * succeeded. */
int ftx_key_create(struct ftx_db *db, const char *user_id, char *key,
    size_t keylen, char *err, size_t errlen);

/* Takes the KEYID out of arg, a KEYID or a whole key "ftx_KEYID_SECRET",
 * into keyid[FTX_APIKEY_ID_MAX + 1].  0, or -1 with the reason in err
 * (which never quotes arg: it may hold a secret). */
int ftx_key_parse(const char *arg, char *keyid, char *err, size_t errlen);

/* Revokes the key named by arg: a KEYID, or a whole key "ftx_KEYID_SECRET"
 * (only its KEYID is used).  Revoking a revoked key is not an error; an
 * unknown one is. */
int ftx_key_revoke(struct ftx_db *db, const char *arg, char *err,
    size_t errlen);

/* Writes one tab-separated line per key of user_id (NULL = all users) to
 * out: KEYID, user id, created (YYYY-MM-DDTHH:MM:SSZ), "active" or
 * "revoked".  Oldest first.  An unknown user is an error. */
int ftx_key_list(struct ftx_db *db, const char *user_id, FILE *out,
    char *err, size_t errlen);

#endif /* FTX_ACCOUNTS_H */
