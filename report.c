/* report.c - print the page statistics; see report.h. */
#include "report.h"
#include "log.h"

#include <inttypes.h>

uint64_t report_excluded(const struct dump_counts *c)
{
	return c->zero + c->cache + c->cache_private + c->user + c->free + c->hwpoison +
	       c->offline;
}

void report_print(const struct report *r)
{
	const struct dump_counts *c = &r->counts;
	uint64_t excluded = report_excluded(c);
	uint64_t shown_excluded = r->elf ? r->elf_excluded : excluded;

	log_report("\n");
	log_report("Original pages  : 0x%016" PRIx64 "\n", r->original);
	log_report("  Excluded pages   : 0x%016" PRIx64 "\n", excluded);
	if (r->elf)
		log_report("     in ELF format : 0x%016" PRIx64 "\n", r->elf_excluded);
	log_report("    Pages filled with zero  : 0x%016" PRIx64 "\n", c->zero);
	log_report("    Non-private cache pages : 0x%016" PRIx64 "\n", c->cache);
	log_report("    Private cache pages     : 0x%016" PRIx64 "\n", c->cache_private);
	log_report("    User process data pages : 0x%016" PRIx64 "\n", c->user);
	log_report("    Free pages              : 0x%016" PRIx64 "\n", c->free);
	log_report("    Hwpoison pages          : 0x%016" PRIx64 "\n", c->hwpoison);
	log_report("    Offline pages           : 0x%016" PRIx64 "\n", c->offline);
	log_report("  Remaining pages  : 0x%016" PRIx64 "\n", r->original - excluded);
	if (r->elf)
		log_report("     in ELF format : 0x%016" PRIx64 "\n", r->original - r->elf_excluded);
	if (r->original)
		log_report("  (The number of pages is reduced to %" PRIu64 "%%.)\n",
			   (r->original - shown_excluded) * 100 / r->original);
	/*
	 * "Original pages" counts each PT_LOAD's pages as upstream does, so
	 * the kernel text segment, which /proc/vmcore also maps as RAM, counts
	 * twice; a real capture has holes (the crashkernel region) larger than
	 * that, but a machine without holes must not show a wrapped number.
	 */
	log_report("Memory Hole     : 0x%016" PRIx64 "\n",
		   r->max_mapnr > r->original ? r->max_mapnr - r->original : 0);
	log_report("--------------------------------------------------\n");
	log_report("Total pages     : 0x%016" PRIx64 "\n", r->max_mapnr);
	log_report("Write bytes     : %" PRIu64 "\n", r->write_bytes);
	log_report("\n");
}
