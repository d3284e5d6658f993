/*
 * pagepipe.h - pages in pfn order in, compressed pages in the same order out.
 *
 * With one thread each page is tested for zeros and compressed as it
 * arrives.  With more, pages go (held in place, or copied) into one of
 * two batches: the worker threads test and compress one while the caller
 * fills the other and emits the one before; results leave in pfn order,
 * so the output is the same bytes whatever the thread count.
 */
#ifndef MDF_PAGEPIPE_H
#define MDF_PAGEPIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "compress.h"
#include "err.h"

/* One page as it is to be stored. */
struct stored_page {
	uint64_t pfn;
	bool zero;		/* all zeros (only tested when asked) */
	const uint8_t *data;	/* compressed bytes, or the raw page */
	uint32_t size;
	uint32_t flags;		/* codec_dump_flag() when compressed, else 0 */
};

typedef int (*pagepipe_emit_fn)(void *ctx, const struct stored_page *sp, struct err *e);

/*
 * How the caller's pages are used (all optional).  For batches:
 * hold(ctx, page) >= 0 when the caller's page stays valid until
 * release(ctx, that handle), so the batch uses it in place instead of a
 * copy; -1 when it does not.  guard(ctx, fn, arg, e) runs fn(arg), which
 * reads the caller's pages, and fails (-1, e set) when they fault (the
 * input file was cut short after the caller read them).
 */
struct pagepipe_hold {
	int (*hold)(void *ctx, const uint8_t *page);
	void (*release)(void *ctx, int handle);
	int (*guard)(void *ctx, void (*fn)(void *arg), void *arg, struct err *e);
	void *ctx;
};

struct pagepipe;

/* hold: NULL, or how pages are held (copied: the struct need not outlive the call). */
struct pagepipe *pagepipe_new(enum codec_id codec, unsigned page_size, bool test_zero,
			      unsigned threads, const struct pagepipe_hold *hold,
			      pagepipe_emit_fn emit, void *ctx, struct err *e);
/*
 * page is only read during the call unless held (above); known_zero: the
 * caller knows it is all zeros.
 */
int pagepipe_push(struct pagepipe *pp, uint64_t pfn, const uint8_t *page, bool known_zero,
		  struct err *e);
/* Emit everything still queued. */
int pagepipe_flush(struct pagepipe *pp, struct err *e);
void pagepipe_free(struct pagepipe *pp);

#endif
