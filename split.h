/*
 * split.h - --split: one dump written as N kdump files, each for a range
 * of pfns holding about the same number of dumped pages; --reassemble
 * joins them into the file a single run would have written.
 */
#ifndef MDF_SPLIT_H
#define MDF_SPLIT_H

#include <stdint.h>

#include "err.h"
#include "kview.h"
#include "makedumpfile.h"
#include "memmap.h"
#include "report.h"

int split_write(const struct options *o, struct kview *kv, struct memmap *mm,
		uint64_t max_mapnr, int dump_level, struct report *rep, struct err *e);
void split_unlink(const struct options *o);
void split_print_saved(const struct options *o);
int split_reassemble(const struct options *o, struct err *e);

#endif
