/*
 * webhook_endpoints.c - adding, enabling, rotating and listing webhook
 * endpoints.
 */
#include <stdio.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"
#include "webhook_addr.h"
#include "webhook_endpoints.h"
#include "webhook_outbox.h"

static const char *const types[] = { FTX_WEBHOOK_READY, FTX_WEBHOOK_FAILED,
    FTX_WEBHOOK_EXPIRED };
#define NTYPES	(sizeof(types) / sizeof(types[0]))

int
ftx_webhook_events_parse(const char *list, char *out, size_t outlen,
    char *err, size_t errlen)
{
	int want[NTYPES] = { 0 }, any = 0;
	const char *p = list;
	size_t i, n, used;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, ",");
		for (i = 0; i < NTYPES; i++)
			if (strlen(types[i]) == n &&
			    strncmp(p, types[i], n) == 0)
				break;
		if (i == NTYPES) {
			snprintf(err, errlen, "--events: unknown event type "
			    "\"%.*s\" (export.ready, export.failed, "
			    "export.expired)", (int)(n > 40 ? 40 : n), p);
			return -1;
		}
		want[i] = any = 1;
		p += n;
		if (*p == ',' && *++p == '\0') {
			snprintf(err, errlen, "--events: empty event type");
			return -1;
		}
	}
	used = (size_t)snprintf(out, outlen, "{");
	for (i = 0; i < NTYPES && used < outlen; i++)
		if (want[i] || !any)
			used += (size_t)snprintf(out + used, outlen - used,
			    "%s%s", used > 1 ? "," : "", types[i]);
	if (used + 2 > outlen) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(out + used, "}", 2);
	return 0;
}

static int
random_id(char *id)
{
	unsigned char rnd[16];

	if (ftx_crypto_init() == -1)
		return -1;
	gcry_create_nonce(rnd, sizeof(rnd));
	memcpy(id, "we_", 3);
	ftx_hex_encode(rnd, sizeof(rnd), id + 3);
	return 0;
}

int
ftx_webhook_endpoint_add(struct ftx_db *db, const char *tenant,
    const char *url, const char *events, char *id, char *secret, char *err,
    size_t errlen)
{
	static const char sql[] = "INSERT INTO webhook_endpoints"
	    " (id, tenant_id, url, events, secret)"
	    " SELECT $1, $2, $3, $4::text[], $5"
	    " WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $2)";
	struct ftx_webhook_target t;
	char arr[128];
	const char *p[5] = { id, tenant, url, arr, secret };
	PGresult *res;
	int rc = -1;

	if (ftx_webhook_url_parse(url, &t, err, errlen) == -1 ||
	    ftx_webhook_events_parse(events, arr, sizeof(arr), err,
	    errlen) == -1)
		return -1;
	if (random_id(id) == -1 || ftx_webhook_secret_new(secret) == -1) {
		snprintf(err, errlen, "libgcrypt initialisation failed");
		return -1;
	}
	res = ftx_db_query(db, sql, 5, p);
	if (!ftx_db_ok(res))
		snprintf(err, errlen, "cannot add the endpoint");
	else if (strcmp(PQcmdTuples(res), "1") != 0)
		snprintf(err, errlen, "unknown tenant");
	else
		rc = 0;
	PQclear(res);
	if (rc == -1)
		explicit_bzero(secret, FTX_WEBHOOK_SECRET_LEN);
	return rc;
}

/* Runs an UPDATE of one endpoint (id = $1); 0 if it changed a row. */
static int
update_one(struct ftx_db *db, const char *sql, int n, const char *const *p,
    char *err, size_t errlen)
{
	PGresult *res = ftx_db_query(db, sql, n, p);
	int rc = -1;

	if (!ftx_db_ok(res))
		snprintf(err, errlen, "cannot update the endpoint");
	else if (strcmp(PQcmdTuples(res), "1") != 0)
		snprintf(err, errlen, "unknown endpoint");
	else
		rc = 0;
	PQclear(res);
	return rc;
}

int
ftx_webhook_endpoint_enable(struct ftx_db *db, const char *id, int on,
    char *err, size_t errlen)
{
	static const char sql[] = "UPDATE webhook_endpoints"
	    " SET enabled = $2::boolean, updated_at = now() WHERE id = $1";
	const char *p[2] = { id, on ? "true" : "false" };

	return update_one(db, sql, 2, p, err, errlen);
}

int
ftx_webhook_endpoint_rotate(struct ftx_db *db, const char *id, char *secret,
    char *err, size_t errlen)
{
	static const char sql[] = "UPDATE webhook_endpoints"
	    " SET previous_secret = secret,"
	    " previous_until = now() + interval '24 hours',"
	    " secret = $2, updated_at = now() WHERE id = $1";
	const char *p[2] = { id, secret };

	if (ftx_webhook_secret_new(secret) == -1) {
		snprintf(err, errlen, "libgcrypt initialisation failed");
		return -1;
	}
	if (update_one(db, sql, 2, p, err, errlen) == -1) {
		explicit_bzero(secret, FTX_WEBHOOK_SECRET_LEN);
		return -1;
	}
	return 0;
}

int
ftx_webhook_endpoint_list(struct ftx_db *db, const char *tenant, FILE *out,
    char *err, size_t errlen)
{
	static const char sql[] = "SELECT id, tenant_id, url,"
	    " array_to_string(events, ','),"
	    " CASE WHEN enabled THEN 'enabled' ELSE 'disabled' END,"
	    " to_char(created_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " to_char(CASE WHEN previous_until > now() THEN previous_until END"
	    " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    " FROM webhook_endpoints WHERE ($1::text IS NULL OR tenant_id = $1)"
	    " ORDER BY tenant_id, created_at, id";
	const char *p[1] = { tenant };
	PGresult *res;

	if ((res = ftx_db_query(db, sql, 1, p)) == NULL || !ftx_db_ok(res)) {
		snprintf(err, errlen, "cannot list endpoints");
		PQclear(res);
		return -1;
	}
	ftx_webhook_print_rows(res, out);
	PQclear(res);
	return 0;
}
