/* vapt.h - page tables linked by kernel virtual addresses (vapt.c): mips64, loongarch64. */
#ifndef VAPT_H
#define VAPT_H

#include <stdint.h>

#define VAPT_MAX_LEVELS 4

struct vapt_geom {
	unsigned levels;		/* 2..4, one page of entries each */
	unsigned pgd_order;		/* swapper_pg_dir is 2^pgd_order pages */
	uint64_t (*pte)(uint64_t pa);		/* a PAGE_KERNEL pte for pa */
	uint64_t (*huge_pmd)(uint64_t pa);	/* a huge pmd for pa; NULL: none */
	uint64_t huge_bit;		/* what marks a huge pmd (table pointers are page aligned) */
};

/* Lay out swapper_pg_dir and the invalid tables in the kernel image; returns swapper_pg_dir's va. */
uint64_t vapt_init(const struct vapt_geom *g);
/* One leaf: size is PAGE_SIZE (a pte) or PMD_SIZE (a huge pmd). */
void vapt_map(uint64_t va, uint64_t pa, uint64_t size);
unsigned vapt_tables(void);

#endif
