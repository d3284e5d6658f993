/*
 * compress.h - the page codecs: none, zlib (-c), lzo (-l), snappy (-p),
 * zstd (-z).  The only place that knows which codecs were built in.
 */
#ifndef MDF_COMPRESS_H
#define MDF_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum codec_id { CODEC_NONE, CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD };

bool codec_built_in(enum codec_id id);
const char *codec_name(enum codec_id id);
/* The kdump header status bit and page-descriptor flag of a codec (0 for none). */
uint32_t codec_dump_flag(enum codec_id id);
/* The codec whose descriptor flag is set in flags, or CODEC_NONE. */
enum codec_id codec_from_flags(uint32_t flags);

/* A compression context: one per thread. */
struct codec;
struct codec *codec_new(enum codec_id id, size_t page_size, struct err *e);
void codec_free(struct codec *c);
/* Worst-case output size for one page. */
size_t codec_bound(const struct codec *c);
/*
 * Compress one page into out (codec_bound() bytes).  Returns the compressed
 * length, or 0 when the result would not be smaller than the input (the
 * caller then stores the page raw).  Returns -1 on a codec error.
 */
long codec_compress(struct codec *c, const void *in, size_t len, void *out, struct err *e);
/* Decompress exactly out_len bytes (refiltering, tests). */
int codec_decompress(enum codec_id id, const void *in, size_t in_len, void *out,
		     size_t out_len, struct err *e);

#endif
