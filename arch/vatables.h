/*
 * arch/vatables.h - page tables whose upper entries hold the kernel virtual
 * address of the next table, as MIPS and LoongArch (derived from it) keep
 * them: pgd_val/pmd_val are pointers into an unmapped window (XKPHYS,
 * CKSEG0, a DMW), an empty entry points to the kernel's invalid_pmd_table /
 * invalid_pte_table (themselves chained down to an all-zero table), and
 * only the last level (or a huge pmd) holds a pte with a pfn.  One level
 * = one page of 8-byte entries, the top one possibly 2^pgd_order pages.
 */
#ifndef MDF_ARCH_VATABLES_H
#define MDF_ARCH_VATABLES_H

#include "arch.h"

#define VAT_MAX_LEVELS 4

struct vat_geom {
	unsigned page_shift;
	unsigned levels;	/* 2, 3 or 4 */
	unsigned pgd_order;	/* the top table is 2^pgd_order pages */
	uint64_t present;	/* pte bit: mapped */
	uint64_t huge;		/* pmd bit: a pte of PMD_SIZE, not a table (0: none) */
	/* pte -> pa of its page (the arch's pfn field) */
	uint64_t (*pte_pa)(uint64_t pte, unsigned page_shift);
	/* kernel va of a table -> pa, false when va is not in an unmapped window */
	bool (*table_pa)(uint64_t va, uint64_t *pa);
	uint64_t pgd_pa;	/* swapper_pg_dir; 0 = unknown */
};

struct vat_walk {
	uint64_t pa, size;
	struct { uint64_t entry_pa, entry; } steps[VAT_MAX_LEVELS];
	unsigned n;
};

/* Walk g's tables for va; -1 with e set when va is not mapped. */
int vat_walk(struct kview *kv, const struct vat_geom *g, uint64_t va, struct vat_walk *w,
	     struct err *e);
/* The ops' vtop for a mapped va: *pa and *span to the end of its mapping. */
int vat_vtop(struct kview *kv, const struct vat_geom *g, uint64_t va, uint64_t *pa,
	     uint64_t *span, struct err *e);
/*
 * The number of levels of the tables at g->pgd_pa: the most common top
 * entry is the pointer every empty entry holds, and its chain of first
 * entries reaches the all-zero invalid pte table after levels - 1 hops.
 * 0 when the tables do not show it.
 */
unsigned vat_count_levels(struct kview *kv, const struct vat_geom *g);
/* "PGD", "PUD", "PMD", "PTE" for step i of a walk of g. */
const char *vat_level_name(const struct vat_geom *g, unsigned i);
/* The ops' kernel_tables, for an arch whose arch_state is its vat_geom. */
int vat_kernel_tables(const struct kview *kv, struct pt_tree *t);
/* Print a walk as --vtop does. */
int vat_print(struct kview *kv, const struct vat_geom *g, uint64_t va, FILE *out,
	      struct err *e);

#endif
