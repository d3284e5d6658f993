/*
 * scanpool.h - one window's mem_map scan split over threads, and the next
 * window's built ahead in a stream's page pass.
 *
 * Owns the helper threads and each one's handles on the dump: the vmcore
 * opened again (its own read windows), a kview and a mem_map over it, and
 * a filter (filter_clone) counting into its own counts.  A window of many
 * present pages is cut into chunks at multiples of SCAN_CHUNK_ALIGN pfns,
 * balanced by the pages present; the caller's thread scans the first
 * chunk with the run's own filter, each helper one of the others.  (The
 * tests cut at multiples of MAKEDUMPFILE_SCAN_CHUNK_PFNS instead.)
 *
 * The result is the sequential scan's, bit for bit and count for count,
 * whatever the thread count: buddy blocks and compound pages are aligned
 * to their size, so none of up to 2^18 pages crosses a chunk boundary; a
 * larger or corrupt one that does makes the next chunk scanned again from
 * where the block ends, as the one scan would have.  The helpers' counts
 * are added in pfn order, so each warning still names the lowest pfn.
 */
#ifndef MDF_SCANPOOL_H
#define MDF_SCANPOOL_H

#include <stdint.h>

#include "err.h"
#include "filter.h"

/* Chunk boundaries: multiples of this many pfns (1 GiB of 4 KiB pages). */
#define SCAN_CHUNK_ALIGN (UINT64_C(1) << 18)

struct scanpool;

/*
 * A pool for f's windows on threads threads (the caller's included);
 * nothing is opened until a window is large enough to be split.  NULL
 * when threads < 2 or f does not scan pfn by pfn: filter_window alone.
 */
struct scanpool *scanpool_new(struct filter *f, struct kview *kv, struct memmap *mm,
			      unsigned threads);
void scanpool_free(struct scanpool *p);

/* filter_window(f, start, end, bm), split over the threads when worth it. */
int scanpool_window(struct scanpool *p, uint64_t start, uint64_t end, uint8_t *bm,
		    struct err *e);

/*
 * The page pass of a stream (-F) cannot read the 2nd bitmap back and builds
 * each window again.  A scanahead builds the next window on a thread of
 * its own, with its own handles and pool, while the caller writes this
 * window's pages: the scan of the next window overlaps the compression of
 * this one.  Windows are asked for in ascending order, each one's carry
 * going to the next, as the one filter would have them.
 */
struct scanahead;

/* NULL when threads < 2, f does not scan pfn by pfn, or no handle opens. */
struct scanahead *scanahead_new(struct filter *f, struct kview *kv, struct memmap *mm,
				unsigned threads);
void scanahead_free(struct scanahead *a);
/*
 * bm = the pfns of [start, end) with data that the filter keeps (the window
 * built ahead, or built now); then [end, next_end) starts building ahead
 * when next_end > end.
 */
int scanahead_window(struct scanahead *a, uint64_t start, uint64_t end, uint8_t *bm,
		     uint64_t next_end, struct err *e);

#endif
