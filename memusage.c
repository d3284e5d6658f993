/* memusage.c - --mem-usage: page counts of a live kernel; see memusage.h. */
#include "memusage.h"
#include "dump.h"
#include "log.h"
#include "pagerules.h"
#include "report.h"

#include <inttypes.h>
#include <string.h>

/* A dry run at dump level 31 that also reads every page to find zero pages. */
int memusage_show(struct kview *kv, struct memmap *mm, uint64_t max_mapnr, struct err *e)
{
	struct dump_job job;
	const struct dump_counts *c;
	uint64_t original, excluded;
	int rc;

	memset(&job, 0, sizeof(job));
	job.vc = kv->vc;
	job.kv = kv;
	job.dump_level = DL_MAX;
	job.max_mapnr = max_mapnr;
	job.window_pfns = (uint64_t)(4u << 20) * 8;
	job.split_end = max_mapnr;
	job.exclude_zero_in_bitmap = true;
	job.filter = filter_new(kv, mm, DL_MAX, e);
	if (!job.filter)
		return -1;
	job.sink = sink_open_null();
	rc = dump_keep_bitmap(&job, 0, e);
	if (rc == 0) {
		int level = log_level();

		log_set_level(level & ~ML_PROGRESS);	/* upstream shows only the table */
		rc = dump_filter_pass(&job, false, e);
		log_set_level(level);
	}
	dump_release_bitmap(&job);
	sink_discard(job.sink);
	if (rc == 0) {
		c = filter_counts(job.filter);
		original = vmcore_original_pages(kv->vc, max_mapnr);
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
		log_msg("page size:\t\t%-16u\n", kv->page_size);
		log_msg("Total pages on system:\t%-16" PRIu64 "\n", original);
		log_msg("Total size on system:\t%-16" PRIu64 " Byte\n", original * kv->page_size);
	}
	filter_free(job.filter);
	return rc;
}
