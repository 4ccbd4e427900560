/*
 * sink_codec.h - the seam between the sink and how bytes are encoded: one
 * codec per file (sink_deflate.c; plain is sink.c's identity), each a struct
 * of function pointers; ftx_sink_open picks one by kind.  For sink*.c
 * only: callers use sink.h.
 */
#ifndef FTX_SINK_CODEC_H
#define FTX_SINK_CODEC_H

#include <stddef.h>

/* Where a codec's output goes: the sink's counting writer.  0, or -1
 * with errno set. */
typedef int (*ftx_sink_emit_fn)(void *sink, const void *buf, size_t len);

/* Every int function: 0, or -1 with errno set.  A codec's state is its
 * own, made by init and freed by end only. */
struct ftx_sink_codec {
	int	(*init)(void **state, int level);
	/* Encodes in[len], calling emit with full output buffers. */
	int	(*write)(void *state, const void *in, size_t len,
		    ftx_sink_emit_fn emit, void *sink);
	/* Encodes the end of the stream and emits all that is left. */
	int	(*finish)(void *state, ftx_sink_emit_fn emit, void *sink);
	void	(*end)(void *state);
};

extern const struct ftx_sink_codec ftx_sink_gzip;

#endif /* FTX_SINK_CODEC_H */
