/*
 * check_exports.c - the export type (read from a row, its accessors, its
 * JSON), and the notifier list and the mail notifier's contract (notify.h),
 * without a server: rows are built with libpq's PQsetvalue.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "check_main.h"
#include "config.h"
#include "exports.h"
#include "notify.h"

/* A row of FTX_EXPORT_COLUMNS plus the claim's attempts and mail_sent;
 * NULL entries are SQL NULL. */
static PGresult *
make_row(const char *const *values)
{
	PGresAttDesc att[FTX_EXPORT_NCOLS + 2];
	PGresult *res;
	int i;

	memset(att, 0, sizeof(att));
	for (i = 0; i < FTX_EXPORT_NCOLS + 2; i++) {
		att[i].name = (char *)"c";
		att[i].format = 0;
	}
	res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	ck_assert_ptr_nonnull(res);
	ck_assert_int_eq(PQsetResultAttrs(res, FTX_EXPORT_NCOLS + 2, att), 1);
	for (i = 0; i < FTX_EXPORT_NCOLS + 2; i++)
		ck_assert_int_eq(PQsetvalue(res, 0, i, (char *)values[i],
		    values[i] != NULL ? (int)strlen(values[i]) : -1), 1);
	return res;
}

static const char *const pending_row[FTX_EXPORT_NCOLS + 2] = {
	"exp/1", "PENDING", "1767225600000000", "1767225601500000", NULL,
	NULL, "u1", "req@x.example", "SUPPLIER",
	"{\"currency\":\"EUR\"}", "[\"a@x.example\",\"b@x.example\"]",
	NULL, NULL, NULL, NULL, "[]", "tenant 1", "sup-9", NULL, NULL,
	"2", "f"
};

static struct ftx_export *
make_export(const char *const *values)
{
	PGresult *res = make_row(values);
	struct ftx_export *e = ftx_export_from_row(res, 0);

	PQclear(res);
	ck_assert_ptr_nonnull(e);
	return e;
}

START_TEST(test_accessors)
{
	struct ftx_export *e = make_export(pending_row);

	/* The export owns its strings: the result is gone already. */
	ck_assert_str_eq(ftx_export_id(e), "exp/1");
	ck_assert_str_eq(ftx_export_tenant_id(e), "tenant 1");
	ck_assert_str_eq(ftx_export_user_id(e), "u1");
	ck_assert_str_eq(ftx_export_email(e), "req@x.example");
	ck_assert_str_eq(ftx_export_client_type(e), "SUPPLIER");
	ck_assert_str_eq(ftx_export_supplier_id(e), "sup-9");
	ck_assert_str_eq(ftx_export_status(e), "PENDING");
	ck_assert_str_eq(ftx_export_cc_json(e),
	    "[\"a@x.example\",\"b@x.example\"]");
	ck_assert_str_eq(ftx_export_sha256(e), "");
	ck_assert_str_eq(ftx_export_file_path(e), "");
	ck_assert_int_eq(ftx_export_created(e), 1767225600000000LL);
	/* No completedAt yet: Last-Modified falls back to updatedAt. */
	ck_assert_int_eq(ftx_export_completed(e), 1767225601500000LL);
	ck_assert_int_eq(ftx_export_expires(e), -1);
	ck_assert_int_eq(ftx_export_rows(e), -1);
	ck_assert_int_eq(ftx_export_size(e), -1);
	ck_assert_ptr_null(ftx_export_compression(e));
	ck_assert_int_eq(ftx_export_format(e)->kind, FTX_SINK_PLAIN);
	ftx_export_free(e);
	ftx_export_free(NULL);
}
END_TEST

static const char *
json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert(json_object_object_get_ex(o, key, &v));
	return v == NULL ? NULL : json_object_get_string(v);
}

START_TEST(test_json_pending)
{
	struct ftx_export *e = make_export(pending_row);
	struct json_object *o = ftx_export_json(e, NULL, "");

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_str(o, "exportId"), "exp/1");
	ck_assert_str_eq(json_str(o, "createdAt"), "2026-01-01T00:00:00Z");
	ck_assert_str_eq(json_str(o, "updatedAt"), "2026-01-01T00:00:01Z");
	ck_assert_ptr_null(json_str(o, "completedAt"));
	ck_assert_ptr_null(json_str(o, "rowCount"));
	ck_assert_ptr_null(json_str(o, "sha256"));
	ck_assert_ptr_null(json_str(o, "downloadUrl"));
	ck_assert_ptr_null(json_str(o, "failureReason"));
	ck_assert_ptr_null(json_str(o, "compression"));	/* present, null */
	ck_assert_str_eq(json_str(o, "clientType"), "SUPPLIER");
	ck_assert_str_eq(json_object_to_json_string_ext(
	    json_object_object_get(o, "filters"), JSON_C_TO_STRING_PLAIN),
	    "{\"currency\":\"EUR\"}");
	ck_assert_int_eq(json_object_array_length(
	    json_object_object_get(o, "cc")), 2);
	/* Internal facts never reach the API object. */
	ck_assert(!json_object_object_get_ex(o, "tenantId", NULL));
	ck_assert(!json_object_object_get_ex(o, "filePath", NULL));
	json_object_put(o);
	ftx_export_free(e);
}
END_TEST

START_TEST(test_json_failed)
{
	const char *row[FTX_EXPORT_NCOLS + 2];
	struct ftx_export *e;
	struct json_object *o;

	memcpy(row, pending_row, sizeof(row));
	row[1] = "FAILED";
	row[14] = "CANCELED";
	e = make_export(row);
	o = ftx_export_json(e, NULL, "");
	ck_assert_str_eq(json_str(o, "status"), "FAILED");
	ck_assert_str_eq(json_str(o, "failureReason"), "CANCELED");
	ck_assert_str_eq(ftx_export_failure_reason(e), "CANCELED");
	json_object_put(o);
	ftx_export_free(e);
}
END_TEST

/* A gzip export: the column read, its format, echoed in the JSON. */
START_TEST(test_gzip)
{
	const char *row[FTX_EXPORT_NCOLS + 2];
	struct ftx_export *e;
	struct json_object *o;

	memcpy(row, pending_row, sizeof(row));
	row[FTX_EXPORT_NCOLS - 1] = "gzip";
	e = make_export(row);
	ck_assert_str_eq(ftx_export_compression(e), "gzip");
	ck_assert_int_eq(ftx_export_format(e)->kind, FTX_SINK_GZIP);
	ck_assert_str_eq(ftx_export_format(e)->suffix, ".csv.gz");
	ck_assert_str_eq(ftx_export_format(e)->content_type,
	    "application/gzip");
	o = ftx_export_json(e, NULL, "");
	ck_assert_str_eq(json_str(o, "compression"), "gzip");
	json_object_put(o);
	ftx_export_free(e);
}
END_TEST

/* The worker sets the file facts before the READY notifiers run: they see
 * the export as it will be. */
START_TEST(test_set_ready)
{
	struct ftx_job job;
	struct ftx_queue_sent sent = { "/x/t/exp.csv", 12, 3456,
	    "ab12", 1767830400LL, 1767225600LL, "[\"b@x.example\"]" };
	struct json_object *o;

	memset(&job, 0, sizeof(job));
	job.export = make_export(pending_row);
	ck_assert_int_eq(ftx_queue_set_ready(&job, &sent), 0);
	ck_assert_int_eq(ftx_export_rows(job.export), 12);
	ck_assert_int_eq(ftx_export_size(job.export), 3456);
	ck_assert_str_eq(ftx_export_sha256(job.export), "ab12");
	ck_assert_str_eq(ftx_export_file_path(job.export), "/x/t/exp.csv");
	ck_assert_int_eq(ftx_export_expires(job.export),
	    1767830400LL * 1000000);
	o = ftx_export_json(job.export, NULL, "");
	ck_assert_str_eq(json_str(o, "sha256"), "ab12");
	ck_assert_str_eq(json_str(o, "completedAt"), "2026-01-01T00:00:00Z");
	ck_assert_str_eq(json_str(o, "expiresAt"), "2026-01-08T00:00:00Z");
	ck_assert_int_eq(json_object_array_length(
	    json_object_object_get(o, "undeliveredRecipients")), 1);
	json_object_put(o);
	ftx_job_free(&job);
	ck_assert_ptr_null(job.export);
	ftx_job_free(NULL);
}
END_TEST

START_TEST(test_status_valid)
{
	ck_assert(ftx_exports_status_valid("PENDING"));
	ck_assert(ftx_exports_status_valid("READY"));
	ck_assert(ftx_exports_status_valid("FAILED"));
	ck_assert(ftx_exports_status_valid("EXPIRED"));
	ck_assert(!ftx_exports_status_valid("ready"));
	ck_assert(!ftx_exports_status_valid(""));
	ck_assert(!ftx_exports_status_valid("READY "));
}
END_TEST

/* ---- notify.h ---- */

static char calls[256];

/* Appends "<name>:<event>:<tenant>;" to calls; fails when ctx says so. */
static int
record(const struct ftx_notifier *self, struct ftx_db *db,
    const struct ftx_export *e, enum ftx_event ev, struct ftx_notice *out)
{
	size_t n = strlen(calls);

	(void)db;
	snprintf(calls + n, sizeof(calls) - n, "%s:%s:%s;", self->name,
	    ftx_event_name(ev), ftx_export_tenant_id(e));
	if (self->ctx != NULL) {
		out->permanent = 1;
		return -1;
	}
	return 0;
}

START_TEST(test_event_names)
{
	ck_assert_str_eq(ftx_event_name(FTX_EVENT_READY), "export.ready");
	ck_assert_str_eq(ftx_event_name(FTX_EVENT_FAILED), "export.failed");
	ck_assert_str_eq(ftx_event_name(FTX_EVENT_EXPIRED), "export.expired");
	ck_assert_str_eq(ftx_event_name((enum ftx_event)99), "");
}
END_TEST

START_TEST(test_notify_order)
{
	struct ftx_notifier a = { "a", record, NULL }, b = { "b", record,
	    NULL };
	struct ftx_export *e = make_export(pending_row);
	struct ftx_notice n;

	ftx_notify_reset();
	calls[0] = '\0';
	ftx_notice_init(&n);
	/* None registered: nothing to do, success. */
	ck_assert_int_eq(ftx_notify(NULL, e, FTX_EVENT_READY, &n), 0);
	ck_assert_int_eq(ftx_notify_register(&a), 0);
	ck_assert_int_eq(ftx_notify_register(&b), 0);
	ck_assert_int_eq(ftx_notify(NULL, e, FTX_EVENT_EXPIRED, &n), 0);
	ck_assert_str_eq(calls, "a:export.expired:tenant 1;"
	    "b:export.expired:tenant 1;");
	ftx_notice_free(&n);
	ftx_notify_reset();
	ftx_export_free(e);
}
END_TEST

/* The first notifier that fails stops the others and says why. */
START_TEST(test_notify_error)
{
	struct ftx_notifier bad = { "bad", record, &calls },
	    after = { "after", record, NULL };
	struct ftx_export *e = make_export(pending_row);
	struct ftx_notice n;

	ftx_notify_reset();
	calls[0] = '\0';
	ftx_notice_init(&n);
	ck_assert_int_eq(ftx_notify_register(&bad), 0);
	ck_assert_int_eq(ftx_notify_register(&after), 0);
	ck_assert_int_eq(ftx_notify(NULL, e, FTX_EVENT_FAILED, &n), -1);
	ck_assert_str_eq(calls, "bad:export.failed:tenant 1;");
	ck_assert(n.permanent);
	ck_assert_str_ne(n.reason, "");
	ftx_notice_free(&n);
	ftx_notify_reset();
	ftx_export_free(e);
}
END_TEST

START_TEST(test_notify_limit)
{
	struct ftx_notifier a = { "a", record, NULL }, none = { "x", NULL,
	    NULL };
	int i;

	ftx_notify_reset();
	ck_assert_int_eq(ftx_notify_register(&none), -1);
	ck_assert_int_eq(ftx_notify_register(NULL), -1);
	for (i = 0; i < FTX_NOTIFY_MAX; i++)
		ck_assert_int_eq(ftx_notify_register(&a), 0);
	ck_assert_int_eq(ftx_notify_register(&a), -1);
	ftx_notify_reset();
}
END_TEST

/* The mail notifier acts on a READY that is not resumed only, and never
 * mails without a link. */
START_TEST(test_mail_events)
{
	struct ftx_config cfg;
	struct ftx_notifier mail = { "mail", ftx_notify_mail, &cfg };
	struct ftx_export *e = make_export(pending_row);
	struct ftx_notice n;

	memset(&cfg, 0, sizeof(cfg));
	ftx_notice_init(&n);
	ck_assert_int_eq(mail.notify(&mail, NULL, e, FTX_EVENT_FAILED, &n), 0);
	ck_assert_int_eq(mail.notify(&mail, NULL, e, FTX_EVENT_EXPIRED, &n),
	    0);
	ck_assert_ptr_null(n.undelivered);
	/* Resumed: the e-mail is on record, it never goes out twice. */
	n.resumed = 1;
	ck_assert_int_eq(mail.notify(&mail, NULL, e, FTX_EVENT_READY, &n), 0);
	n.resumed = 0;
	ck_assert_int_eq(mail.notify(&mail, NULL, e, FTX_EVENT_READY, &n), -1);
	ck_assert_str_eq(n.reason, "The download link could not be signed");
	ck_assert(!n.permanent);
	ftx_notice_free(&n);
	ftx_export_free(e);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("exports");
	TCase *tc = tcase_create("export");
	TCase *tn = tcase_create("notify");

	tcase_add_test(tc, test_accessors);
	tcase_add_test(tc, test_json_pending);
	tcase_add_test(tc, test_json_failed);
	tcase_add_test(tc, test_gzip);
	tcase_add_test(tc, test_set_ready);
	tcase_add_test(tc, test_status_valid);
	suite_add_tcase(s, tc);
	tcase_add_test(tn, test_event_names);
	tcase_add_test(tn, test_notify_order);
	tcase_add_test(tn, test_notify_error);
	tcase_add_test(tn, test_notify_limit);
	tcase_add_test(tn, test_mail_events);
	suite_add_tcase(s, tn);
	return s;
}
