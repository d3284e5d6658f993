/*
 * filter.h - which pages to dump, one pfn window at a time.
 *
 * Owns the cyclic window state: for a window of pfns it builds the 2nd
 * bitmap (present pages with data, minus what the dump level excludes) by
 * reading the window's struct pages in large batches and classifying
 * them.  A buddy block or compound page that runs past the window's end is
 * carried into the next window, so the result does not depend on the
 * window size.  Only the window's bitmap exists at any time.
 */
#ifndef MDF_FILTER_H
#define MDF_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kview.h"
#include "memmap.h"
#include "pagerules.h"

/* Excluded pages by reason, as the report prints them. */
struct dump_counts {
	uint64_t zero, cache, cache_private, user, free, hwpoison, offline;
	uint64_t bad_order;		/* looked free, kept: page.private no valid order */
	uint64_t unreadable;		/* struct page not readable: kept */
	uint64_t kept_first;		/* image or page table that looked excludable: kept */
};

struct filter;

/* counts: the run's, added to by every counting pass. */
struct filter *filter_new(struct kview *kv, struct memmap *mm, int dump_level,
			  struct dump_counts *counts, struct err *e);
void filter_free(struct filter *f);

/*
 * For the scan split over threads (scanpool.h): a filter with f's rules
 * and kept pages that reads through kv and mm (another thread's handles)
 * and counts into counts; it starts with no carry.
 */
struct filter *filter_clone(const struct filter *f, struct kview *kv, struct memmap *mm,
			    struct dump_counts *counts, struct err *e);
/* Does the window's result come from struct pages alone, pfn by pfn (no free lists)? */
bool filter_scans_by_pfn(const struct filter *f);
bool filter_counting(const struct filter *f);
/*
 * The block that ran past the last window's end (the pages it still
 * covers are excluded at the next window's start): is pfn among them;
 * give it to another filter (which then continues from there).
 */
bool filter_carries_past(const struct filter *f, uint64_t pfn);
void filter_take_carry(struct filter *to, const struct filter *from);
/*
 * Add from's counts to into's (from's pfns follow all of into's so far:
 * the first pfn of each warning stays the lowest).
 */
void filter_absorb(struct filter *into, struct filter *from);

/*
 * A pass covers windows in ascending order from pfn 0.  count: add to the
 * counters (a second pass over the same windows, when the bitmap cannot be
 * kept, does not count again).
 */
void filter_begin_pass(struct filter *f, bool count);
/*
 * bm: (end - start + 7) / 8 bytes, start a multiple of 8, holding the
 * window's pages that have data in the dump; the pages the dump level
 * excludes are cleared.
 */
int filter_window(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm, struct err *e);
void filter_end_pass(struct filter *f);
/*
 * Must pfn be kept whatever it holds (keep.h)?  A page found excludable
 * by its bytes (all zeros) asks; the pass counts it.
 */
bool filter_keeps(struct filter *f, uint64_t pfn);

#endif
