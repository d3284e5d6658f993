/* memusage.c - --mem-usage: page counts of a live kernel; see memusage.h. */
#include "memusage.h"
#include "dump.h"
#include "log.h"
#include "pagerules.h"
#include "report.h"

#include <inttypes.h>
#include <string.h>

/* The filter pass of a dry run at dump level 31 that also reads every page to find zero pages. */
static int count_pages(struct kernel *kn, struct dump_counts *c, struct err *e)
{
	struct dump_plan plan;
	struct dump_run r;
	struct sink *none = sink_open_null();
	int rc, level = log_level();

	plan_mem_usage(&plan, kn);
	rc = dump_run_open(&r, &plan, kn, none, c, e);
	if (rc == 0)
		rc = dump_open_bitmap(&r, plan.bm2_home, BM2_NO_OFFSET, e);
	if (rc == 0) {
		log_set_level(level & ~ML_PROGRESS);	/* upstream shows only the table */
		rc = dump_filter_pass(&r, BM2_NO_OFFSET, e);
		log_set_level(level);
	}
	dump_run_close(&r);
	sink_discard(none);
	return rc;
}

int memusage_show(struct kernel *kn, struct err *e)
{
	struct dump_counts counts = { 0 }, *c = &counts;
	uint64_t original, excluded;
	int rc = count_pages(kn, c, e);

	if (rc == 0) {
		original = vmcore_original_pages(kn->vc, kn->max_mapnr);
		excluded = report_excluded(c);
		log_msg("\n");
		log_msg("TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n");
		log_msg("----------------------------------------------------------------------\n");
		log_msg("ZERO\t\t%-16" PRIu64 "\tyes\t\tPages filled with zero\n", c->zero);
		log_msg("NON_PRI_CACHE\t%-16" PRIu64 "\tyes\t\tCache pages without private flag\n", c->cache);
		log_msg("PRI_CACHE\t%-16" PRIu64 "\tyes\t\tCache pages with private flag\n", c->cache_private);
		log_msg("USER\t\t%-16" PRIu64 "\tyes\t\tUser process pages\n", c->user);
		log_msg("FREE\t\t%-16" PRIu64 "\tyes\t\tFree pages\n", c->free);
		log_msg("KERN_DATA\t%-16" PRIu64 "\tno\t\tDumpable kernel data \n", original - excluded);
		log_msg("\n");
		log_msg("page size:\t\t%-16u\n", kn->kv.page_size);
		log_msg("Total pages on system:\t%-16" PRIu64 "\n", original);
		log_msg("Total size on system:\t%-16" PRIu64 " Byte\n", original * kn->kv.page_size);
	}
	return rc;
}
