/*
 * dump.h - one run of filtering and writing, shared by the output formats.
 *
 * A dump_job is filled by makedumpfile.c; the writers (out_kdump.c,
 * out_elf.c) use the window helpers here.  The mem_map is scanned once per
 * run: the filter pass builds each window's 2nd bitmap and keeps it where
 * the page pass can read it back, in the output file itself (the kdump
 * format has the bitmap at a fixed place) or in a work file (--work-dir,
 * and always for ELF output, which has no bitmap of its own).
 *
 * Why the page pass needs the bitmap again: page data start after the
 * table of descriptors, one per dumped page, so no page can be placed
 * before every window's bitmap is known.  A flattened stream on a pipe (-F)
 * cannot be read back, and keeping the bitmap in memory would make memory
 * grow with the dumped machine's RAM; there, unless --work-dir gives a
 * place for it, the page pass rebuilds each window (a second scan of
 * mem_map, 64 bytes per 4 KiB page, as upstream does for every output).
 */
#ifndef MDF_DUMP_H
#define MDF_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "compress.h"
#include "err.h"
#include "filter.h"
#include "kview.h"
#include "sink.h"
#include "vmcore.h"

enum bm2_keep { BM2_IN_OUTPUT, BM2_WORK_FILE, BM2_REBUILD };

struct dump_job {
	/* inputs, set by the caller */
	struct vmcore *vc;
	struct kview *kv;
	struct filter *filter;
	struct sink *sink;
	int dump_level;
	enum codec_id codec;
	uint64_t max_mapnr;
	uint64_t window_pfns;		/* a multiple of 8 */
	unsigned num_threads;
	const char *work_dir;
	unsigned block_order;		/* -b: write in chunks of 2^order pages */
	uint64_t split_start, split_end;	/* --split part, else 0, max_mapnr */
	bool split;
	bool exclude_zero_in_bitmap;	/* ELF: zero pages leave the 2nd bitmap */
	bool exclude_vmemmap;		/* -e: struct pages of excluded pages leave too */
	struct memmap *mm;		/* for -e */

	/* kept 2nd bitmap */
	enum bm2_keep keep;
	uint64_t bm2_offset;		/* where window bits go in the output or work file */
	int work_fd;
	char work_where[256];		/* the work file's directory, for messages */

	/* results */
	uint64_t num_dumpable;		/* set bits of the 2nd bitmap in [split_start, split_end) */
	uint64_t num_written;
	bool incomplete;		/* the output ran out of space (or -L): saved part only */
};

/* Bytes of a window bitmap. */
static inline size_t dump_window_bytes(uint64_t start, uint64_t end)
{
	return (size_t)((end - start + 7) / 8);
}

/*
 * Decide where the 2nd bitmap is kept: at bm2_offset in the output when
 * it can be read back, else a work file (--work-dir), else rebuilt.  A
 * format without a bitmap (bm2_offset UINT64_MAX, ELF) always uses a work
 * file: in --work-dir, else beside the output, else in $TMPDIR or /tmp.
 */
int dump_keep_bitmap(struct dump_job *job, uint64_t bm2_offset, struct err *e);
void dump_release_bitmap(struct dump_job *job);

/*
 * The filter pass: every window's 2nd bitmap, written where it is kept;
 * counts job->num_dumpable.  also_write: additionally write each window to
 * bm2_offset in the output (it is part of the format) even when rebuilt.
 */
int dump_filter_pass(struct dump_job *job, bool also_write, struct err *e);
/*
 * -e: leave out each page of struct pages that describes only pages left
 * out.  Needs the bitmap in a work file (it changes bits outside the
 * window being looked at); recounts job->num_dumpable.  Then, when the
 * format has its bitmap at bm2_offset, copies the result there.
 */
int dump_exclude_vmemmap(struct dump_job *job, struct err *e);
/* The 2nd bitmap of one window during the page pass (windows in order). */
int dump_window_bitmap(struct dump_job *job, uint64_t start, uint64_t end, uint8_t *bm,
		       struct err *e);
/* Start the page pass (resets the rebuild state). */
void dump_begin_page_pass(struct dump_job *job);

#endif
