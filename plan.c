/* plan.c - build the plan of a dump once; see plan.h. */
#include "plan.h"
#include "cli.h"
#include "log.h"
#include "pagerules.h"

#include <string.h>

#define DEFAULT_SPLITBLOCK_KB (1024 * 1024)	/* --splitblock-size: 1 GiB, as upstream */
#define MEM_USAGE_WINDOW_PFNS ((uint64_t)(4u << 20) * 8)

static enum bm2_home bm2_home_for(const struct options *o)
{
	if (o->work_dir || o->elf)
		return BM2_WORK_FILE;
	if (o->flatten || o->dry_run)	/* output that cannot be read back */
		return BM2_REBUILD;
	return BM2_IN_OUTPUT;
}

static uint64_t split_block_pfns(const struct options *o, unsigned page_size)
{
	uint64_t kb = o->splitblock_kb ? o->splitblock_kb : DEFAULT_SPLITBLOCK_KB;

	return (kb * 1024 / page_size + 7) & ~(uint64_t)7;
}

int plan_dump(struct dump_plan *p, const struct options *o, const struct kernel *kn, int level,
	      struct err *e)
{
	memset(p, 0, sizeof(*p));
	p->format = o->elf ? OUT_ELF : OUT_KDUMP;
	p->asked_level = level;
	p->input_level = vmcore_input_dump_level(kn->vc);
	p->dump_level = level | p->input_level;
	p->codec = o->codec;
	p->block_order = (unsigned)o->block_order;
	p->num_threads = o->split ? 1 : cli_threads(o);
	p->max_mapnr = kn->max_mapnr;
	p->window_pfns = cli_window_pfns(o, kn->max_mapnr);
	p->bm2_home = bm2_home_for(o);
	p->work_dir = o->work_dir;
	p->exclude_zero_in_bitmap = o->elf && (p->dump_level & DL_ZERO);
	p->unreadable_in_bitmap = o->flatten && !o->elf;
	p->exclude_vmemmap = o->exclude_vmemmap;
	if (o->split) {
		p->nparts = o->num_outputs;
		p->split_block_pfns = split_block_pfns(o, kn->kv.page_size);
	}
	if (p->exclude_vmemmap && (p->bm2_home != BM2_WORK_FILE || !kn->mm ||
				   !kf_have(&kn->kv.k, KF_SIZE_page)))
		return err_set(e, "-e needs --work-dir and the kernel's mem_map");
	if (p->dump_level != level)
		log_msg("dump_level is changed to %d, because %s was created by dump_level(%d).\n",
			p->dump_level, o->vmcore, p->input_level);
	return 0;
}

void plan_mem_usage(struct dump_plan *p, const struct kernel *kn)
{
	memset(p, 0, sizeof(*p));
	p->format = OUT_NONE;
	p->asked_level = p->dump_level = DL_MAX;
	p->max_mapnr = kn->max_mapnr;
	p->window_pfns = MEM_USAGE_WINDOW_PFNS;
	p->num_threads = 1;
	p->bm2_home = BM2_REBUILD;
	p->exclude_zero_in_bitmap = true;
}
