/*
 * compress.c - page codecs; see compress.h.  HAVE_* guards live only here.
 *
 * -c writes standard zlib streams (every reader inflates them with plain
 * zlib).  They are made by libdeflate at level 1 when it is built in, else
 * by zlib at level 1: on the kept pages of real captures libdeflate costs
 * under half of zlib's CPU per page for output 2% larger.  The bytes differ
 * from zlib's; the pages read back are the same.  ISA-L's igzip is faster
 * still but its output is not a function of the page alone (it varies with
 * the addresses of its buffers), and the dump must be the same bytes
 * whatever the thread count (tests/bench/RESULTS.md).
 */
#include "compress.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

/* Descriptor flags and header status bits of the kdump format. */
enum {
	DUMP_ZLIB = 0x01,
	DUMP_LZO = 0x02,
	DUMP_SNAPPY = 0x04,
	DUMP_ZSTD = 0x20,
};

struct codec {
	enum codec_id id;
	size_t page_size;
	size_t bound;
	void *work;	/* lzo work memory or zstd context */
	void *deflater;	/* -c: the libdeflate compressor, set up once */
	z_stream zs;	/* -c through zlib: set up once, reset per page */
};

bool codec_built_in(enum codec_id id)
{
	switch (id) {
	case CODEC_NONE:
	case CODEC_ZLIB:
		return true;
#ifdef HAVE_LZO
	case CODEC_LZO:
		return true;
#endif
#ifdef HAVE_SNAPPY
	case CODEC_SNAPPY:
		return true;
#endif
#ifdef HAVE_ZSTD
	case CODEC_ZSTD:
		return true;
#endif
	default:
		return false;
	}
}

const char *codec_name(enum codec_id id)
{
	static const char *const names[] = { "none", "zlib", "lzo", "snappy", "zstd" };

	return id <= CODEC_ZSTD ? names[id] : "?";
}

uint32_t codec_dump_flag(enum codec_id id)
{
	static const uint32_t flags[] = { 0, DUMP_ZLIB, DUMP_LZO, DUMP_SNAPPY, DUMP_ZSTD };

	return id <= CODEC_ZSTD ? flags[id] : 0;
}

enum codec_id codec_from_flags(uint32_t flags)
{
	if (flags & DUMP_ZLIB)
		return CODEC_ZLIB;
	if (flags & DUMP_LZO)
		return CODEC_LZO;
	if (flags & DUMP_SNAPPY)
		return CODEC_SNAPPY;
	if (flags & DUMP_ZSTD)
		return CODEC_ZSTD;
	return CODEC_NONE;
}

/* ---- -c: one zlib stream per page, from the fastest deflate built in ---- */

#if defined(HAVE_LIBDEFLATE)
static int deflater_new(struct codec *c)
{
	c->deflater = libdeflate_alloc_compressor(1);
	return c->deflater ? 0 : -1;
}

static void deflater_free(struct codec *c) { libdeflate_free_compressor(c->deflater); }

static int deflate_page(struct codec *c, const void *in, size_t len, void *out, size_t *n)
{
	*n = libdeflate_zlib_compress(c->deflater, in, len, out, *n);	/* 0: did not fit */
	return 0;
}
#else
static int deflater_new(struct codec *c)
{
	return deflateInit(&c->zs, Z_BEST_SPEED) == Z_OK ? 0 : -1;
}

static void deflater_free(struct codec *c) { deflateEnd(&c->zs); }

/* The same bytes as compress2(level 1), without its per-call allocation. */
static int deflate_page(struct codec *c, const void *in, size_t len, void *out, size_t *n)
{
	int rc;

	c->zs.next_in = (Bytef *)in;
	c->zs.avail_in = (uInt)len;
	c->zs.next_out = out;
	c->zs.avail_out = (uInt)*n;
	rc = deflate(&c->zs, Z_FINISH);
	*n = rc == Z_STREAM_END ? c->zs.total_out : 0;	/* 0: did not fit */
	return deflateReset(&c->zs) == Z_OK ? 0 : -1;
}
#endif

static size_t bound_of(enum codec_id id, size_t n)
{
	switch (id) {
	case CODEC_ZLIB:
		return compressBound(n);
#ifdef HAVE_LZO
	case CODEC_LZO:
		return n + n / 16 + 64 + 3;
#endif
#ifdef HAVE_SNAPPY
	case CODEC_SNAPPY:
		return snappy_max_compressed_length(n);
#endif
#ifdef HAVE_ZSTD
	case CODEC_ZSTD:
		return ZSTD_compressBound(n);
#endif
	default:
		return n;
	}
}

struct codec *codec_new(enum codec_id id, size_t page_size, struct err *e)
{
	struct codec *c;

	if (!codec_built_in(id)) {
		err_set(e, "%s compression is not built into this makedumpfile", codec_name(id));
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, "out of memory for the %s codec", codec_name(id));
		return NULL;
	}
	c->id = id;
	c->page_size = page_size;
	c->bound = bound_of(id, page_size);
	if (id == CODEC_ZLIB && deflater_new(c) < 0) {
		free(c);
		err_set(e, "deflate initialisation failed");
		return NULL;
	}
#ifdef HAVE_LZO
	if (id == CODEC_LZO) {
		if (lzo_init() != LZO_E_OK) {
			free(c);
			err_set(e, "lzo_init failed");
			return NULL;
		}
		c->work = malloc(LZO1X_1_MEM_COMPRESS);
	}
#endif
#ifdef HAVE_ZSTD
	if (id == CODEC_ZSTD)
		c->work = ZSTD_createCCtx();
#endif
	if ((id == CODEC_LZO || id == CODEC_ZSTD) && !c->work) {
		free(c);
		err_set(e, "out of memory for the %s codec", codec_name(id));
		return NULL;
	}
	return c;
}

void codec_free(struct codec *c)
{
	if (!c)
		return;
	if (c->id == CODEC_ZLIB)
		deflater_free(c);
#ifdef HAVE_ZSTD
	if (c->id == CODEC_ZSTD)
		ZSTD_freeCCtx(c->work);
	else
#endif
		free(c->work);
	free(c);
}

size_t codec_bound(const struct codec *c) { return c->bound; }

long codec_compress(struct codec *c, const void *in, size_t len, void *out, struct err *e)
{
	size_t n = c->bound;

	switch (c->id) {
	case CODEC_ZLIB:
		if (deflate_page(c, in, len, out, &n) < 0)
			return err_set(e, "zlib compression failed");
		break;
#ifdef HAVE_LZO
	case CODEC_LZO: {
		lzo_uint ln = n;

		if (lzo1x_1_compress(in, len, out, &ln, c->work) != LZO_E_OK)
			return err_set(e, "lzo compression failed");
		n = ln;
		break;
	}
#endif
#ifdef HAVE_SNAPPY
	case CODEC_SNAPPY:
		if (snappy_compress(in, len, out, &n) != SNAPPY_OK)
			return err_set(e, "snappy compression failed");
		break;
#endif
#ifdef HAVE_ZSTD
	case CODEC_ZSTD:
		n = ZSTD_compressCCtx(c->work, out, n, in, len, 1);
		if (ZSTD_isError(n))
			return err_set(e, "zstd compression failed: %s", ZSTD_getErrorName(n));
		break;
#endif
	default:
		return 0;
	}
	return n < len ? (long)n : 0;
}

int codec_decompress(enum codec_id id, const void *in, size_t in_len, void *out,
		     size_t out_len, struct err *e)
{
	size_t got = 0;

	switch (id) {
	case CODEC_ZLIB: {
		uLongf zn = (uLongf)out_len;

		if (uncompress(out, &zn, in, (uLong)in_len) != Z_OK)
			return err_set(e, "zlib data is corrupt");
		got = zn;
		break;
	}
#ifdef HAVE_LZO
	case CODEC_LZO: {
		lzo_uint ln = out_len;

		if (lzo1x_decompress_safe(in, in_len, out, &ln, NULL) != LZO_E_OK)
			return err_set(e, "lzo data is corrupt");
		got = ln;
		break;
	}
#endif
#ifdef HAVE_SNAPPY
	case CODEC_SNAPPY:
		got = out_len;
		if (snappy_uncompress(in, in_len, out, &got) != SNAPPY_OK)
			return err_set(e, "snappy data is corrupt");
		break;
#endif
#ifdef HAVE_ZSTD
	case CODEC_ZSTD:
		got = ZSTD_decompress(out, out_len, in, in_len);
		if (ZSTD_isError(got))
			return err_set(e, "zstd data is corrupt: %s", ZSTD_getErrorName(got));
		break;
#endif
	case CODEC_NONE:
		if (in_len != out_len)
			return err_set(e, "raw page of %zu bytes, expected %zu", in_len, out_len);
		memcpy(out, in, out_len);
		got = out_len;
		break;
	default:
		return err_set(e, "%s data cannot be read: codec not built in", codec_name(id));
	}
	if (got != out_len)
		return err_set(e, "%s data decompresses to %zu bytes, expected %zu",
			       codec_name(id), got, out_len);
	return 0;
}
