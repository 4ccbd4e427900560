/*
 * sink.c - the sink role: the format table, the plain (identity) kind,
 * and the counting writer every codec's output goes through.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "apikey.h"
#include "hex.h"
#include "sink.h"
#include "sink_codec.h"

static const struct ftx_sink_format formats[] = {
	{ FTX_SINK_PLAIN, NULL, ".csv", "text/csv; charset=utf-8" },
	{ FTX_SINK_GZIP, "gzip", ".csv.gz", "application/gzip" },
};

#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

struct ftx_sink {
	const struct ftx_sink_codec *codec;	/* NULL: plain */
	void		*state;
	struct ftx_store_file *out;
	gcry_md_hd_t	 md;
	long long	 size;
	int		 failed;
};

const struct ftx_sink_format *
ftx_sink_format(enum ftx_sink_kind kind)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].kind == kind)
			return &formats[i];
	return &formats[0];
}

const struct ftx_sink_format *
ftx_sink_format_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (name == NULL ? formats[i].compression == NULL :
		    formats[i].compression != NULL &&
		    strcmp(formats[i].compression, name) == 0)
			return &formats[i];
	return NULL;
}

/* The counting writer: what reaches the store is what is hashed. */
static int
emit(void *arg, const void *buf, size_t len)
{
	struct ftx_sink *s = arg;

	if (ftx_store_write(s->out, buf, len) == -1)
		return -1;
	gcry_md_write(s->md, buf, len);
	s->size += (long long)len;
	return 0;
}

struct ftx_sink *
ftx_sink_open(enum ftx_sink_kind kind, int level, struct ftx_store_file *f)
{
	struct ftx_sink *s;

	if (level < 1 || level > 9) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->out = f;
	if (ftx_crypto_init() == -1 ||
	    gcry_md_open(&s->md, GCRY_MD_SHA256, 0) != 0) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (kind == FTX_SINK_GZIP) {
		s->codec = &ftx_sink_gzip;
		if (s->codec->init(&s->state, level) == -1) {
			s->codec = NULL;
			ftx_sink_free(s);
			return NULL;
		}
	}
	return s;
}

int
ftx_sink_write(struct ftx_sink *s, const void *buf, size_t len)
{
	int rc;

	if (s->failed) {
		errno = EIO;
		return -1;
	}
	if (len == 0)
		return 0;
	rc = s->codec == NULL ? emit(s, buf, len) :
	    s->codec->write(s->state, buf, len, emit, s);
	if (rc == -1)
		s->failed = 1;
	return rc;
}

int
ftx_sink_finish(struct ftx_sink *s, long long *size, char *sha256)
{
	if (s->failed) {
		errno = EIO;
		return -1;
	}
	if (s->codec != NULL && s->codec->finish(s->state, emit, s) == -1) {
		s->failed = 1;
		return -1;
	}
	s->failed = 1;	/* finished: nothing more goes in */
	*size = s->size;
	ftx_hex_encode(gcry_md_read(s->md, GCRY_MD_SHA256), 32, sha256);
	return 0;
}

void
ftx_sink_free(struct ftx_sink *s)
{
	if (s == NULL)
		return;
	if (s->codec != NULL)
		s->codec->end(s->state);
	gcry_md_close(s->md);
	free(s);
}
