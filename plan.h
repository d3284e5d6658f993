/*
 * plan.h - everything one dump needs to know before it starts.
 *
 * A plan is data, built once by plan_dump() (or plan_mem_usage()) from the
 * options and the kernel, and read-only afterwards: the dump level after
 * the OR with the input's, the pfn range and window grid, the codec, the
 * block size, where the 2nd bitmap lives, --split's part count and block.
 * The writers, --split and --mem-usage all take it; none fills its own.
 */
#ifndef MDF_PLAN_H
#define MDF_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "compress.h"
#include "err.h"
#include "kernel.h"
#include "makedumpfile.h"

enum out_format { OUT_KDUMP, OUT_ELF, OUT_NONE /* --mem-usage: counts only */ };

/*
 * Where the 2nd bitmap is kept between the filter pass and the page pass:
 * in the output itself (the kdump format has it at a fixed place and the
 * file can be read back), in a work file (--work-dir, and always for ELF,
 * which has no bitmap of its own), or nowhere: a pipe (-F) cannot be read
 * back, so the page pass rebuilds each window (dump.h says why).
 */
enum bm2_home { BM2_IN_OUTPUT, BM2_WORK_FILE, BM2_REBUILD };

struct dump_plan {
	enum out_format format;
	int asked_level;		/* -d, this attempt */
	int input_level;		/* the level a kdump input was made with, else 0 */
	int dump_level;			/* asked | input: what is applied */
	enum codec_id codec;
	unsigned block_order;		/* -b: page data in chunks of 2^order pages */
	unsigned num_threads;
	uint64_t max_mapnr;
	uint64_t window_pfns;		/* the window grid; a multiple of 8 */
	enum bm2_home bm2_home;
	const char *work_dir;		/* --work-dir, or NULL */
	bool exclude_zero_in_bitmap;	/* ELF at -d 1, --mem-usage: zero pages leave the bitmap */
	bool unreadable_in_bitmap;	/* a kdump stream (-F) sends its bitmap before its pages:
					 * pages that cannot be read leave the bitmap first */
	bool exclude_vmemmap;		/* -e */
	int nparts;			/* --split: the number of files, else 0 */
	uint64_t split_block_pfns;	/* --split: parts are cut on this grid */
};

/* The plan of one attempt at dump level `level` (of -d A,B,C). */
int plan_dump(struct dump_plan *p, const struct options *o, const struct kernel *kn, int level,
	      struct err *e);
/* --mem-usage: a count of every class at dump level 31, zero pages read. */
void plan_mem_usage(struct dump_plan *p, const struct kernel *kn);

#endif
