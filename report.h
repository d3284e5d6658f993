/*
 * report.h - the end-of-run page statistics (--message-level 31,
 * --show-stats) in upstream's words and layout.
 */
#ifndef MDF_REPORT_H
#define MDF_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "filter.h"

struct report {
	struct dump_counts counts;
	uint64_t original;	/* pages of the input */
	uint64_t max_mapnr;
	uint64_t write_bytes;
	bool elf;		/* ELF output: also the pages left out of segments */
	uint64_t elf_excluded;
};

/* Sum of the excluded pages of every reason. */
uint64_t report_excluded(const struct dump_counts *c);
void report_print(const struct report *r);

#endif
