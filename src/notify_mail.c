/*
 * notify_mail.c - the mail notifier: the e-mail with the download link
 * that a READY export sends (readymail renders it, the mailer delivers it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "log.h"
#include "mailer.h"
#include "notify.h"
#include "readymail.h"

static void
free_list(char **list)
{
	char **p;

	for (p = list; p != NULL && *p != NULL; p++)
		free(*p);
	free(list);
}

/* The cc addresses of the stored JSON array, NULL-terminated in *out:
 * strings only (a null or any other value is no address).  Returns the
 * count, or -1 when out of memory or the JSON is not an array. */
static int
cc_list(const char *cc_json, char ***out)
{
	struct json_object *arr = json_tokener_parse(cc_json), *v;
	char **cc = NULL;
	size_t i, n;
	int k = 0;

	*out = NULL;
	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		goto fail;
	n = json_object_array_length(arr);
	if ((cc = calloc(n + 1, sizeof(*cc))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) == 0)
			continue;
		if ((cc[k++] = strdup(json_object_get_string(v))) == NULL)
			goto fail;
	}
	json_object_put(arr);
	*out = cc;
	return k;
fail:
	json_object_put(arr);
	free_list(cc);
	return -1;
}

/* The Cc addresses that did not get the mail, as a JSON array (each one
 * logged); NULL when out of memory. */
static char *
undelivered_json(const char *id, const struct ftx_mail_report *rep)
{
	struct json_object *arr = json_object_new_array(), *s;
	char *out = NULL;
	int i;

	if (arr == NULL)
		return NULL;
	for (i = 1; i < rep->nrcpt; i++) {
		if (rep->rcpt[i].state == FTX_RCPT_ACCEPTED)
			continue;
		log_warning("export %s: not delivered to %s: %s", id,
		    rep->rcpt[i].addr, rep->rcpt[i].reply[0] != '\0' ?
		    rep->rcpt[i].reply : "no answer");
		if ((s = json_object_new_string(rep->rcpt[i].addr)) == NULL ||
		    json_object_array_add(arr, s) == -1) {
			json_object_put(s);
			goto out;
		}
	}
	out = strdup(json_object_to_json_string_ext(arr,
	    JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(arr);
	return out;
}

/* Sends m; 0 when it went out (out->undelivered set), else -1 with the
 * reason and the verdict in *out. */
static int
send(const struct ftx_config *cfg, const struct ftx_export *e,
    const struct ftx_mail *m, struct ftx_notice *out)
{
	struct ftx_mail_report rep;
	enum ftx_mail_status st;

	st = ftx_mail_send(cfg, m, out->last_attempt, &rep);
	if (st != FTX_MAIL_SENT) {
		log_warning("export %s: e-mail not sent: %s", ftx_export_id(e),
		    rep.detail);
		snprintf(out->reason, sizeof(out->reason), "%s", rep.reason);
		out->permanent = st == FTX_MAIL_FAILED;
		ftx_mail_report_free(&rep);
		return -1;
	}
	free(out->undelivered);
	if ((out->undelivered = undelivered_json(ftx_export_id(e), &rep)) ==
	    NULL)
		log_err("export %s: out of memory listing undelivered "
		    "recipients", ftx_export_id(e));
	ftx_mail_report_free(&rep);
	return 0;
}

int
ftx_notify_mail(const struct ftx_notifier *self, struct ftx_db *db,
    const struct ftx_export *e, enum ftx_event ev, struct ftx_notice *out)
{
	const struct ftx_config *cfg = self->ctx;
	char *subject = NULL, *body = NULL, **cc = NULL;
	long long expires = ftx_export_expires(e) / 1000000;
	struct ftx_mail mail;
	int ncc, rc = -1;

	(void)db;
	if (ev != FTX_EVENT_READY || out->resumed)
		return 0;
	snprintf(out->reason, sizeof(out->reason), "Out of memory");
	if (out->download_url == NULL) {
		snprintf(out->reason, sizeof(out->reason),
		    "The download link could not be signed");
		return -1;
	}
	if ((ncc = cc_list(ftx_export_cc_json(e), &cc)) == -1)
		goto out;
	subject = ftx_readymail_subject(ftx_export_id(e));
	body = ftx_readymail_body(ftx_export_id(e), out->download_url, expires,
	    ftx_export_rows(e), ftx_export_filters_json(e),
	    ftx_export_format(e));
	if (subject == NULL || body == NULL)
		goto out;
	memset(&mail, 0, sizeof(mail));
	mail.from = cfg->from;
	mail.to = ftx_export_email(e);
	mail.cc = (const char *const *)cc;
	mail.ncc = ncc;
	mail.subject = subject;
	mail.body = body;
	mail.date = time(NULL);
	if ((rc = send(cfg, e, &mail, out)) == 0)
		out->reason[0] = '\0';
out:
	free_list(cc);
	free(subject);
	free(body);
	return rc;
}
