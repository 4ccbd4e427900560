/*
 * readymail.c - subject and body of the "export ready" e-mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isotime.h"
#include "readymail.h"

char *
ftx_readymail_subject(const char *export_id)
{
	char *s;

	if ((s = malloc(strlen(export_id) + 48)) != NULL)
		sprintf(s, "Funding transfers export %s is ready", export_id);
	return s;
}

/* Appends one "  name: value" line per filter into f. */
static void
filter_lines(FILE *f, const char *filters_json)
{
	struct json_object *obj = json_tokener_parse(filters_json);
	size_t i, n;
	int any = 0;

	if (obj != NULL && json_object_is_type(obj, json_type_object)) {
		json_object_object_foreach(obj, key, val) {
			fprintf(f, "  %s: ", key);
			if (json_object_is_type(val, json_type_array)) {
				n = json_object_array_length(val);
				for (i = 0; i < n; i++)
					fprintf(f, "%s%s", i > 0 ? ", " : "",
					    json_object_get_string(
					    json_object_array_get_idx(val, i)));
			} else
				fputs(json_object_get_string(val), f);
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
    long long rows, const char *filters_json)
{
	char when[FTX_ISOTIME_LEN], *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	ftx_isotime_format(expires * 1000000, when);
	fprintf(f, "Hello,\n\n"
	    "Your funding transfers export %s is ready.\n\n"
	    "Download it here:\n%s\n\n"
	    "The link expires on %s (UTC).\n"
	    "Rows: %lld\n"
	    "Filters:\n", export_id, url, when, rows);
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
