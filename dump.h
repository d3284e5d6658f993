/*
 * dump.h - one run of filtering and writing, shared by the output formats.
 *
 * A dump_run ties a plan (read-only) to the things that have state while
 * the dump is written: the kernel, the output sink, the filter, the kept
 * 2nd bitmap (bm2store.h), the page counts (owned by whoever started the
 * run and handed down) and one window bitmap buffer that every pass uses.
 *
 * The mem_map is scanned once per run: the filter pass builds each
 * window's 2nd bitmap and puts it in the store, from which the page pass
 * reads it back.  Why the page pass needs the bitmap again: page data
 * start after the table of descriptors, one per dumped page, so no page
 * can be placed before every window's bitmap is known.  A flattened stream
 * on a pipe (-F) cannot be read back, and keeping the bitmap in memory
 * would make memory grow with the dumped machine's RAM; there, unless
 * --work-dir gives a place for it, the page pass rebuilds each window (a
 * second scan of mem_map, 64 bytes per 4 KiB page, as upstream does for
 * every output).  With threads, the next window is rebuilt ahead while
 * this one's pages are written (scanpool.h).
 */
#ifndef MDF_DUMP_H
#define MDF_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "bm2store.h"
#include "err.h"
#include "filter.h"
#include "kernel.h"
#include "plan.h"
#include "scanpool.h"
#include "sink.h"

struct dump_run {
	const struct dump_plan *plan;
	struct kernel *kn;
	struct sink *sink;
	struct dump_counts *counts;	/* the caller's; formats add zero pages */
	struct filter *filter;
	struct scanpool *scan;		/* the filter's windows on all threads, or NULL */
	struct scanahead *ahead;	/* a stream's page pass: the next window built ahead */
	struct bm2_store *bm2;		/* from dump_open_bitmap() */
	uint8_t *wbm;			/* one window's bitmap, for every pass */
	uint64_t wbm_start, wbm_end;	/* the window dump_is_kept() holds in wbm */
	uint64_t part_start, part_end;	/* the pfns this output holds: all, or a --split part */

	/* results */
	uint64_t num_dumpable;		/* set bits of the 2nd bitmap in [part_start, part_end) */
	uint64_t num_written;
	bool incomplete;		/* the output ran out of space (or -L): saved part only */
	/* kept pages whose data could not be read, ascending: they are left out */
	uint64_t *unreadable;
	size_t nunreadable, unreadable_cap;
	char unreadable_why[512];	/* why the lowest could not be read */
};

/* Start a run: the filter and the window buffer.  counts is added to, never reset. */
int dump_run_open(struct dump_run *r, const struct dump_plan *plan, struct kernel *kn,
		  struct sink *sink, struct dump_counts *counts, struct err *e);
void dump_run_close(struct dump_run *r);

/*
 * Open the 2nd bitmap's store where the plan says (home overrides it for
 * a --split part, which reads its copy in its own file); out_off is where
 * the format keeps its own 2nd bitmap, or BM2_NO_OFFSET.
 */
int dump_open_bitmap(struct dump_run *r, enum bm2_home home, uint64_t out_off, struct err *e);

/*
 * The filter pass: for every window, the 1st bitmap when the format has
 * one (written at bm1_off, else BM2_NO_OFFSET), then the 2nd bitmap into
 * the store; counts r->num_dumpable.  With -e, then leaves out each page
 * of struct pages that describes only pages left out, and publishes the
 * result to the format's bitmap.
 */
int dump_filter_pass(struct dump_run *r, uint64_t bm1_off, struct err *e);

/* The page pass: call fn for every pfn of [part_start, part_end) in the 2nd bitmap, in order. */
typedef int (*dump_page_fn)(void *ctx, uint64_t pfn, struct err *e);
int dump_each_kept_page(struct dump_run *r, dump_page_fn fn, void *ctx, struct err *e);
/*
 * The data of kept page pfn could not be read (e->code ERR_UNREADABLE): a
 * bad sector costs that page, not the dump.  Leaves it out of the 2nd
 * bitmap (readers see it as not saved), clears e and returns 0; -1 with e
 * as it was when the page cannot be left out (a stream's bitmap is sent).
 */
int dump_skip_unreadable(struct dump_run *r, uint64_t pfn, struct err *e);
/*
 * Note pfn as unreadable (why: the read's error), once; -1 with e set past
 * DUMP_MAX_UNREADABLE (the input is lost, not a bad sector).
 */
#define DUMP_MAX_UNREADABLE (1u << 16)
int dump_note_unreadable(struct dump_run *r, uint64_t pfn, const struct err *why, struct err *e);
bool dump_known_unreadable(const struct dump_run *r, uint64_t pfn);
/* One warning line when pages were left out so. */
void dump_warn_unreadable(const struct dump_run *r);
/* Is pfn in the 2nd bitmap?  For walks in ascending pfn order (ELF). */
int dump_is_kept(struct dump_run *r, uint64_t pfn, bool *yes, struct err *e);
/*
 * An incomplete dump: rewrite the format's 2nd bitmap at out_off so that
 * of [part_start, part_end) it holds only the first `saved` kept pages, the
 * ones whose data reached the output; readers then see the rest as not
 * saved rather than as pages with broken descriptors.
 */
int dump_keep_only_saved(struct dump_run *r, uint64_t saved, uint64_t out_off, struct err *e);

#endif
