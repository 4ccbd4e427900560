/*
 * fuzz_config.c - the INI configuration reader (config.h) on any bytes:
 * unknown keys, long lines, NULs, quotes, BOMs.  Invariants: a file that
 * loads gives every value within its documented range and every string
 * set; one that does not leaves the struct zeroed and one line of error
 * naming the file; the same bytes always give the same answer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzzlib.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	return 0;
}

static int
load(const uint8_t *data, size_t size, struct ftx_config *cfg, char *err,
    size_t errlen)
{
	static const char empty[1];
	FILE *fp;
	int rc;

	/* fmemopen() of 0 bytes fails: an empty file is one empty byte
	 * range read as nothing. */
	fp = fmemopen(size > 0 ? (void *)(uintptr_t)data :
	    (void *)(uintptr_t)empty, size > 0 ? size : 1, "r");
	if (fp == NULL)
		abort();
	if (size == 0)
		(void)fgetc(fp);
	rc = ftx_config_load_stream(cfg, fp, "fuzz.conf", err, errlen);
	fclose(fp);
	return rc;
}

static void
check_loaded(const struct ftx_config *c)
{
	FUZZ_ASSERT(c->conninfo != NULL && c->listen != NULL &&
	    c->fcgi_user != NULL && c->export_dir != NULL &&
	    c->exportd_user != NULL && c->base_url != NULL &&
	    c->secret_file != NULL && c->sendfile_prefix != NULL &&
	    c->smtp_url != NULL && c->smtp_user != NULL &&
	    c->smtp_password_file != NULL && c->from != NULL &&
	    c->sendmail_path != NULL);
	FUZZ_ASSERT(c->children >= 1 && c->children <= 256);
	FUZZ_ASSERT(c->max_requests >= 0);
	FUZZ_ASSERT(c->max_body >= 1 && c->max_body <= 64 * 1024 * 1024);
	FUZZ_ASSERT(c->listen_backlog >= 1 && c->listen_backlog <= 65535);
	FUZZ_ASSERT(c->socket_mode >= 0 && c->socket_mode <= 0777);
	FUZZ_ASSERT(c->request_timeout >= 1 && c->request_timeout <= 3600);
	FUZZ_ASSERT(c->workers >= 1 && c->workers <= 64);
	FUZZ_ASSERT(c->poll_interval >= 1 && c->poll_interval <= 3600);
	FUZZ_ASSERT(c->max_attempts >= 1 && c->max_attempts <= 20);
	FUZZ_ASSERT(c->claim_timeout >= 1 && c->claim_timeout <= 86400);
	FUZZ_ASSERT(c->retry_delay >= 0 && c->retry_delay <= 86400);
	FUZZ_ASSERT(c->ttl >= 1 && c->ttl <= 366 * 86400);
	FUZZ_ASSERT(c->sendfile >= FTX_SENDFILE_OFF &&
	    c->sendfile <= FTX_SENDFILE_ACCEL);
	FUZZ_ASSERT(c->transport == FTX_MAIL_SMTP ||
	    c->transport == FTX_MAIL_SENDMAIL);
	FUZZ_ASSERT(c->smtp_starttls >= 0 && c->smtp_starttls <= 2);
	FUZZ_ASSERT(c->mail_timeout >= 1 && c->mail_timeout <= 25);
	FUZZ_ASSERT(c->formula_guard == 0 || c->formula_guard == 1);
	FUZZ_ASSERT(c->bom == 0 || c->bom == 1);
	FUZZ_ASSERT(c->log_level >= 0 && c->log_level <= 7);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ftx_config zero;
	struct ftx_config a, b;
	char err[256], err2[256];
	int ra, rb;

	ra = load(data, size, &a, err, sizeof(err));
	rb = load(data, size, &b, err2, sizeof(err2));
	FUZZ_ASSERT(ra == rb);
	if (ra == 0) {
		check_loaded(&a);
		FUZZ_ASSERT(a.children == b.children &&
		    strcmp(a.conninfo, b.conninfo) == 0);
		ftx_config_free(&a);
		ftx_config_free(&b);
		FUZZ_ASSERT(memcmp(&a, &zero, sizeof(a)) == 0);
		return 0;
	}
	FUZZ_ASSERT(ra == -1);
	FUZZ_ASSERT(memcmp(&a, &zero, sizeof(a)) == 0);
	FUZZ_ASSERT(strncmp(err, "fuzz.conf:", 10) == 0);
	FUZZ_ASSERT(strchr(err, '\n') == NULL);
	FUZZ_ASSERT(strcmp(err, err2) == 0);
	return 0;
}
