/*
 * bm2store.h - where the 2nd bitmap lives between the filter pass and the
 * page pass.
 *
 * Opaque: a writer puts each window's bits once (in window order) and gets
 * them back in the page pass; it never knows whether they went into its
 * output file (at out_off), into an unlinked work file, or nowhere (they
 * are rebuilt by the callback, for output that cannot be read back).  When
 * out_off is given, the bits also reach the output there, in every home:
 * at put time, or with deferred publishing (-e changes bits after the
 * pass) when bm2_publish() is called.
 */
#ifndef MDF_BM2STORE_H
#define MDF_BM2STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"
#include "sink.h"

#define BM2_NO_OFFSET UINT64_MAX

/* Rebuild the 2nd bitmap of window [start, end) into bm (BM2_REBUILD). */
typedef int (*bm2_rebuild_fn)(void *ctx, uint64_t start, uint64_t end, uint8_t *bm,
			      struct err *e);

struct bm2_store;

struct bm2_store_args {
	enum bm2_home home;
	const struct dump_plan *plan;	/* the window grid, the work directory */
	struct sink *out;
	uint64_t out_off;		/* the output's own bitmap, or BM2_NO_OFFSET */
	bool defer_publish;		/* out_off is written by bm2_publish() only */
	bm2_rebuild_fn rebuild;
	void *ctx;
};

/* NULL with e set when a work file cannot be made. */
struct bm2_store *bm2_open(const struct bm2_store_args *a, struct err *e);
void bm2_close(struct bm2_store *s);

/* The window [start, end) on the plan's grid; start a multiple of 8. */
int bm2_put(struct bm2_store *s, uint64_t start, uint64_t end, const uint8_t *bm,
	    struct err *e);
int bm2_get(struct bm2_store *s, uint64_t start, uint64_t end, uint8_t *bm, struct err *e);
/*
 * Clear one pfn, in the store and in the output's copy: 1 when it was set,
 * 0 when not, -1 on error (a rebuilt bitmap was sent already: it cannot).
 */
int bm2_clear(struct bm2_store *s, uint64_t pfn, struct err *e);
/* Copy the whole bitmap to out_off (after -e). */
int bm2_publish(struct bm2_store *s, uint8_t *buf, struct err *e);

#endif
