/*
 * split.h - --split: one dump written as N kdump files, each for a range
 * of pfns holding about the same number of dumped pages; --reassemble
 * joins them into the file a single run would have written.
 */
#ifndef MDF_SPLIT_H
#define MDF_SPLIT_H

#include <stdint.h>

#include "err.h"
#include "kernel.h"
#include "makedumpfile.h"
#include "plan.h"
#include "report.h"

/* Write the parts of plan p (p->nparts files, o->outputs). */
int split_write(const struct options *o, struct kernel *kn, const struct dump_plan *p,
		struct report *rep, struct err *e);
void split_unlink(const struct options *o);
void split_print_saved(const struct options *o);
int split_reassemble(const struct options *o, struct err *e);

#endif
