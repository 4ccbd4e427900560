/*
 * exportgen.c - one export file: snapshot, COPY, CSV, sink, store.
 *
 * COPY takes no parameters, so the filter values travel as transaction-
 * local settings (set_config with PQexecParams) that the COPY query reads
 * with current_setting(): the SQL text never holds user input.  Bytes
 * leave through the sink (sink.h) into a store file (store.h): this file
 * names no path and writes no descriptor.
 */
#include <poll.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "apikey.h"
#include "columns.h"
#include "csv.h"
#include "exportgen.h"
#include "filters.h"
#include "filtersql.h"
#include "log.h"
#include "query.h"
#include "sink.h"
#include "store.h"
#include "transfers.h"

#define FLUSH_AT	(256 * 1024)	/* bytes buffered before a write */
#define CHECK_EVERY	20000		/* rows between claim checks */

struct gen {
	struct ftx_db		*db;
	const struct ftx_config	*cfg;
	const struct ftx_job	*job;
	struct ftx_filters	 filters;
	struct ftx_query	 q;
	struct ftx_csvbuf	 buf;
	struct ftx_store_file	*file;
	struct ftx_sink		*sink;
	long long		 rows;
};

static int
sql_ok(struct ftx_db *db, const char *sql, int n, const char *const *params)
{
	PGresult *res = ftx_db_query(db, sql, n, params);
	int ok = ftx_db_ok(res);

	if (res != NULL && !ok)
		log_err("export: %s", PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* The text[] of internal ids the export's supplierIds name today. */
static char *
supplier_ids(struct gen *g)
{
	const char *p[2];
	const char **ids;
	char *wanted, *out = NULL;
	PGresult *res;
	int i, n;

	if ((wanted = ftx_query_text_array((const char *const *)
	    g->filters.supplier_ids, g->filters.n_supplier_ids)) == NULL)
		return NULL;
	p[0] = g->job->tenant_id;
	p[1] = wanted;
	res = ftx_db_query(g->db, ftx_filters_supplier_sql, 2, p);
	free(wanted);
	if (!ftx_db_ok(res)) {
		PQclear(res);
		return NULL;
	}
	n = PQntuples(res);
	if ((ids = calloc((size_t)n + 1, sizeof(*ids))) != NULL) {
		for (i = 0; i < n; i++)
			ids[i] = PQgetvalue(res, i, 1);
		out = ftx_query_text_array(ids, (size_t)n);
		free(ids);
	}
	PQclear(res);
	return out;
}

/* Builds the COPY statement and sets its values; 0 or -1. */
static int
prepare_copy(struct gen *g, char *err, size_t errlen)
{
	struct json_object *obj;
	struct ftx_apierrs errs;
	char settings[FTX_QUERY_SQL_MAX], *ids = NULL;
	int ids_param = 0, rc;

	obj = json_tokener_parse(g->job->filters_json);
	if (ftx_apierrs_init(&errs) == -1)
		return -1;
	rc = ftx_filters_from_json(&g->filters, obj, "filters.",
	    g->job->supplier_id[0] != '\0' ? FTX_FILTERS_IGNORE_SUPPLIERS : 0,
	    &errs);
	json_object_put(obj);
	ftx_apierrs_free(&errs);
	if (rc == -1) {
		snprintf(err, errlen, "The stored filters are not valid");
		return -1;
	}
	ftx_query_init_settings(&g->q);
	ftx_query_sql(&g->q, "COPY (SELECT ");
	ftx_query_sql(&g->q, ftx_columns_copy_select());
	if (ftx_transfers_scope(g->db, g->job->tenant_id, g->job->supplier_id,
	    &g->q) == -1)
		return -1;
	if (g->filters.n_supplier_ids > 0) {
		if ((ids = supplier_ids(g)) == NULL)
			return -1;
		ids_param = ftx_query_add(&g->q, ids);
		free(ids);
	}
	ftx_filters_where(&g->filters, ids_param, &g->q);
	ftx_query_sql(&g->q, " ORDER BY ft.created_at, ft.id) TO STDOUT");
	if (g->q.overflow ||
	    ftx_query_settings_sql(&g->q, settings, sizeof(settings)) == -1) {
		snprintf(err, errlen, "The export query is too large");
		return -1;
	}
	return sql_ok(g->db, settings, g->q.nparams, g->q.params);
}

static int
flush(struct gen *g)
{
	if (ftx_sink_write(g->sink, g->buf.data, g->buf.len) == -1)
		return -1;
	g->buf.len = 0;
	return 0;
}

/* The reason people read for a failed write (errno saved): a full disk
 * is said so; the path and the system's words go to the log only. */
static void
io_reason(const struct ftx_job *job, const char *what, const char *path,
    int saved, char *err, size_t errlen)
{
	log_err("export %s: %s %s: %s", job->id, what, path, strerror(saved));
	if (saved == ENOSPC || saved == EDQUOT)
		snprintf(err, errlen, "%s", FTX_EXPORTGEN_DISK_FULL);
	else
		snprintf(err, errlen, "The export could not be written");
}

/* Opens the export's temporary file in the store and the sink of kind
 * over it. */
static int
open_file(struct gen *g, enum ftx_sink_kind kind, char *err, size_t errlen)
{
	struct ftx_store_key key = { g->job->tenant_id, g->job->id,
	    g->job->token, ftx_sink_format(kind)->suffix };

	if (ftx_store_open(g->cfg, &key, &g->file) == -1) {
		io_reason(g->job, "cannot create its file in",
		    g->cfg->export_dir, errno, err, errlen);
		return -1;
	}
	if ((g->sink = ftx_sink_open(kind, g->cfg->gzip_level,
	    g->file)) == NULL) {
		io_reason(g->job, "cannot encode", ftx_store_ref(g->file),
		    errno, err, errlen);
		return -1;
	}
	return 0;
}

/*
 * The job's ids must be the export's, byte for byte: an id cut short on
 * the way (or an export id no file can be named from) must never select
 * another tenant's or supplier's rows.  0, or -1 with err set.
 */
static int
check_ids(struct gen *g, char *err, size_t errlen)
{
	const struct ftx_job *job = g->job;
	enum ftx_queue_rc rc;

	if (!ftx_store_export_id_valid(job->id)) {
		log_err("export %.64s: the export id cannot name a file",
		    job->id);
		snprintf(err, errlen, "The export could not be generated");
		return -1;
	}
	if ((rc = ftx_queue_check_ids(g->db, job)) == FTX_QUEUE_LOST)
		snprintf(err, errlen, "The export could not be generated");
	return rc == FTX_QUEUE_OURS ? 0 : -1;
}

/* Waits up to a second for the server; 0, or -1 when the connection
 * failed. */
static int
wait_readable(PGconn *conn)
{
	struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };

	if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
		return -1;
	return PQconsumeInput(conn) ? 0 : -1;
}

/* Streams the COPY rows into the file.  0, -1 (err set) or -2 (check). */
static int
stream_rows(struct gen *g, PGconn *conn, ftx_exportgen_check_fn check,
    void *check_arg, char *err, size_t errlen)
{
	struct ftx_csv_opts opts = { g->cfg->formula_guard, g->cfg->bom };
	char *line;
	int n;

	if (ftx_csv_header(&g->buf, &opts) == -1)
		goto oom;
	for (;;) {
		if ((n = PQgetCopyData(conn, &line, 1)) == 0) {
			/* No row yet (the server may sort for a while): keep
			 * the claim alive and listen for a stop. */
			if (check(check_arg) == -1)
				return -2;
			if (wait_readable(conn) == -1)
				break;
			continue;
		}
		if (n < 0)
			break;
		if (line[n - 1] != '\n' ||
		    ftx_csv_copy_row(&g->buf, line, (size_t)n - 1, &opts) == -1) {
			PQfreemem(line);
			snprintf(err, errlen, "A transfer row could not be "
			    "converted to CSV");
			return -1;
		}
		PQfreemem(line);
		if (++g->rows % CHECK_EVERY == 0 && check(check_arg) == -1)
			return -2;
		if (g->buf.len >= FLUSH_AT && flush(g) == -1)
			goto io;
	}
	if (n != -1) {
		snprintf(err, errlen, "The database connection failed during "
		    "the export");
		return -1;
	}
	if (flush(g) == -1)
		goto io;
	return 0;
io:
	io_reason(g->job, "cannot write", ftx_store_ref(g->file), errno, err,
	    errlen);
	return -1;
oom:
	snprintf(err, errlen, "Out of memory");
	return -1;
}

/* Ends the encoding and makes the data durable; the file stays
 * temporary, and the caller's (out->file). */
static int
sync_file(struct gen *g, struct ftx_export_file *out, char *err, size_t errlen)
{
	if (ftx_sink_finish(g->sink, &out->size, out->sha256) == -1 ||
	    ftx_store_sync(g->file) == -1) {
		io_reason(g->job, "cannot write", ftx_store_ref(g->file), errno,
		    err, errlen);
		return -1;
	}
	snprintf(out->path, sizeof(out->path), "%s", ftx_store_ref(g->file));
	out->file = g->file;
	g->file = NULL;
	return 0;
}

int
ftx_exportgen_publish(const struct ftx_export_file *file, char *err,
    size_t errlen)
{
	int saved;

	if (file->file == NULL || ftx_store_publish(file->file) == -1) {
		saved = file->file == NULL ? EINVAL : errno;
		log_err("cannot publish %s: %s", file->path, strerror(saved));
		snprintf(err, errlen, "%s", saved == ENOSPC || saved == EDQUOT ?
		    FTX_EXPORTGEN_DISK_FULL : "The export could not be written");
		return -1;
	}
	return 0;
}

void
ftx_exportgen_discard(struct ftx_export_file *file)
{
	ftx_store_close(file->file);
	file->file = NULL;
}

int
ftx_exportgen_run(struct ftx_db *data, const struct ftx_config *cfg,
    const struct ftx_job *job, enum ftx_sink_kind kind,
    ftx_exportgen_check_fn check, void *check_arg,
    struct ftx_export_file *out, char *err, size_t errlen)
{
	static struct gen g;	/* the CSV buffer survives between exports */
	PGresult *res = NULL;
	PGconn *conn;
	int rc = -1;

	g.db = data;
	g.cfg = cfg;
	g.job = job;
	g.file = NULL;
	g.sink = NULL;
	g.rows = 0;
	g.buf.len = 0;
	ftx_filters_init(&g.filters);
	memset(out, 0, sizeof(*out));
	snprintf(err, errlen, "The database is unavailable");
	if (sql_ok(data, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    0, NULL) == -1 || check_ids(&g, err, errlen) == -1 ||
	    prepare_copy(&g, err, errlen) == -1)
		goto out;
	if (open_file(&g, kind, err, errlen) == -1)
		goto out;
	if ((conn = ftx_db_conn(data)) == NULL)
		goto out;
	res = PQexec(conn, g.q.sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		log_err("export %s: COPY failed: %s", job->id,
		    PQerrorMessage(conn));
		snprintf(err, errlen, "The export query failed");
		goto out;
	}
	PQclear(res);
	res = NULL;
	if ((rc = stream_rows(&g, conn, check, check_arg, err, errlen)) != 0)
		goto out;
	rc = -1;
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			snprintf(err, errlen, "The export query failed");
			goto out;
		}
		PQclear(res);
	}
	if (sql_ok(data, "COMMIT", 0, NULL) == -1 ||
	    sync_file(&g, out, err, errlen) == -1)
		goto out;
	out->rows = g.rows;
	rc = 0;
out:
	PQclear(res);
	if (rc != 0)
		/* Also ends a COPY in progress: the next job reconnects. */
		ftx_db_disconnect(data);
	ftx_sink_free(g.sink);
	ftx_store_close(g.file);	/* NULL once it is the caller's */
	ftx_filters_free(&g.filters);
	ftx_query_free(&g.q);
	return rc;
}
