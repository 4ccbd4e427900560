/*
 * sink_gzip.c - the gzip codec: zlib's deflate with a gzip wrapper
 * (windowBits 31: RFC 1952 header and CRC-32/ISIZE trailer), one member,
 * streamed through one output buffer in constant memory (zlib's own
 * state is about 256 KiB at memLevel 8).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include <zlib.h>

#include "sink_codec.h"

#define OUT_SIZE	(64 * 1024)
#define GZIP_WBITS	(15 + 16)	/* 32 KiB window, gzip wrapper */
#define MEM_LEVEL	8

struct gz {
	z_stream	 zs;
	unsigned char	 out[OUT_SIZE];
};

static int
gz_init(void **state, int level)
{
	struct gz *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return -1;
	if (deflateInit2(&g->zs, level, Z_DEFLATED, GZIP_WBITS, MEM_LEVEL,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		errno = ENOMEM;
		return -1;
	}
	g->zs.next_out = g->out;
	g->zs.avail_out = sizeof(g->out);
	*state = g;
	return 0;
}

/* Runs deflate with flush until the input is taken (Z_NO_FLUSH) or the
 * stream ends (Z_FINISH), emitting the output buffer each time it fills. */
static int
drain(struct gz *g, int flush, ftx_sink_emit_fn emit, void *sink)
{
	int rc;

	for (;;) {
		if (g->zs.avail_out == 0) {
			if (emit(sink, g->out, sizeof(g->out)) == -1)
				return -1;
			g->zs.next_out = g->out;
			g->zs.avail_out = sizeof(g->out);
		}
		if (flush == Z_NO_FLUSH && g->zs.avail_in == 0)
			return 0;
		/* Each call takes input or fills output: progress. */
		if ((rc = deflate(&g->zs, flush)) == Z_STREAM_END)
			return 0;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			errno = EIO;
			return -1;
		}
	}
}

static int
gz_write(void *state, const void *in, size_t len, ftx_sink_emit_fn emit,
    void *sink)
{
	struct gz *g = state;
	const unsigned char *p = in;
	size_t n;

	while (len > 0) {	/* avail_in is a uInt */
		n = len < UINT_MAX ? len : UINT_MAX;
		g->zs.next_in = (unsigned char *)(uintptr_t)p;
		g->zs.avail_in = (uInt)n;
		if (drain(g, Z_NO_FLUSH, emit, sink) == -1)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int
gz_finish(void *state, ftx_sink_emit_fn emit, void *sink)
{
	struct gz *g = state;

	g->zs.next_in = NULL;
	g->zs.avail_in = 0;
	if (drain(g, Z_FINISH, emit, sink) == -1)
		return -1;
	return emit(sink, g->out, sizeof(g->out) - g->zs.avail_out);
}

static void
gz_end(void *state)
{
	struct gz *g = state;

	if (g == NULL)
		return;
	deflateEnd(&g->zs);
	free(g);
}

const struct ftx_sink_codec ftx_sink_gzip = {
	gz_init,
	gz_write,
	gz_finish,
	gz_end,
};
