/*
 * kernel.h - the dead kernel as this run knows it, built once.
 *
 * Owns the input dump handle's kernel side: the kernel facts merged from
 * their sources (-x vmlinux DWARF or -i text first, then the dump's own
 * VMCOREINFO note for what they lack), the KASLR shift of the given
 * symbols, the release check, the kernel view (arch and translation), the
 * mem_map, and max_mapnr (the pfns a dump covers).  Read-only after
 * kernel_open() except for the view's translation caches.
 */
#ifndef MDF_KERNEL_H
#define MDF_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kview.h"
#include "memmap.h"
#include "vmcore.h"

/* What the run asks of the kernel, and where facts may come from. */
struct kernel_needs {
	const char *vmlinux;		/* -x, or NULL */
	const char *vmcoreinfo;		/* -i, or NULL */
	int max_dump_level;		/* the highest of -d A,B,C */
	bool translation;		/* --vtop, --dump-dmesg, --mem-usage */
	bool mem_map;			/* locate the struct pages (dump modes) */
};

struct kernel {
	struct vmcore *vc;		/* not owned */
	struct kview kv;
	struct memmap *mm;		/* NULL without facts or arch */
	uint64_t max_mapnr;
	uint64_t pfn_limit;		/* the physical address width, in pfns */
};

int kernel_open(struct kernel *kn, struct vmcore *vc, const struct kernel_needs *need,
		struct err *e);
void kernel_close(struct kernel *kn);

#endif
