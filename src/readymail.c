/*
 * readymail.c - subject and body of the "export ready" e-mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apierr.h"
#include "filterjson.h"
#include "filters.h"
#include "isotime.h"
#include "readymail.h"
#include "sink.h"

char *
ftx_readymail_subject(const char *export_id)
{
	char *s;

	if ((s = malloc(strlen(export_id) + 48)) != NULL)
		sprintf(s, "Funding transfers export %s is ready", export_id);
	return s;
}

/* Writes s with each control character as \xHH: whatever a stored value
 * holds, it stays on its line and cannot add one to the mail. */
static void
put_text(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* The filters as people see them (timestamps to the second), or, should
 * the stored text not be valid filters, that text parsed as it is. */
static struct json_object *
shown_filters(const char *filters_json)
{
	struct json_object *obj, *shown = NULL;
	struct ftx_filters flt;
	struct ftx_apierrs errs;

	if ((obj = json_tokener_parse(filters_json)) == NULL ||
	    ftx_apierrs_init(&errs) == -1)
		return obj;
	if (ftx_filters_from_json(&flt, obj, "", 0, &errs) == 0)
		shown = ftx_filters_echo_json(&flt);
	ftx_filters_free(&flt);
	ftx_apierrs_free(&errs);
	if (shown == NULL)
		return obj;
	json_object_put(obj);
	return shown;
}

/* Appends one "  name: value" line per filter into f. */
static void
filter_lines(FILE *f, const char *filters_json)
{
	struct json_object *obj = shown_filters(filters_json), *e;
	size_t i, n;
	int any = 0;

	if (obj != NULL && json_object_is_type(obj, json_type_object)) {
		json_object_object_foreach(obj, key, val) {
			fputs("  ", f);
			put_text(f, key);
			fputs(": ", f);
			n = json_object_is_type(val, json_type_array) ?
			    json_object_array_length(val) : 0;
			for (i = 0; i < n; i++) {
				e = json_object_array_get_idx(val, i);
				fputs(i > 0 ? ", " : "", f);
				put_text(f, e != NULL ?
				    json_object_get_string(e) : "null");
			}
			if (!json_object_is_type(val, json_type_array))
				put_text(f, val != NULL ?
				    json_object_get_string(val) : "null");
			fputc('\n', f);
			any = 1;
		}
	}
	if (!any)
		fputs("  none (every transfer you may see)\n", f);
	json_object_put(obj);
}

char *
ftx_readymail_body(const char *export_id, const char *url, int64_t expires,
    long long rows, const char *filters_json,
    const struct ftx_sink_format *format)
{
	char when[FTX_ISOTIME_LEN], *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	ftx_isotime_format(expires * 1000000, when);
	fprintf(f, "Hello,\n\n"
	    "Your funding transfers export %s is ready.\n\n"
	    "Download it here:\n%s\n\n", export_id, url);
	if (format->compression != NULL)
		fprintf(f, "The file is %s-compressed CSV "
		    "(funding-transfers-%s%s).\n", format->compression,
		    export_id, format->suffix);
	fprintf(f, "The link expires on %s (UTC).\n"
	    "Rows: %lld\n"
	    "Filters:\n", when, rows);
	filter_lines(f, filters_json);
	fputs("\nAnyone holding this link can download the file until it "
	    "expires: share it\nonly with people who may see these "
	    "transfers.\n", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
