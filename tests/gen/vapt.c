/*
 * vapt.c - kernel page tables linked by virtual addresses, as MIPS
 * (arch/mips/mm/pgtable-64.c) and LoongArch (arch/loongarch/mm/pgtable.c)
 * build them, for the mips64 and loongarch64 backends.
 *
 * Every level is PTRS_PER_* 8-byte entries in one page (the top one may be
 * two: PGD_TABLE_ORDER 1).  pgd_init() fills swapper_pg_dir with the
 * address of invalid_pmd_table (invalid_pud_table with 4 levels),
 * pmd_init() fills every pmd table (invalid_pmd_table too) with the
 * address of invalid_pte_table, which stays all zero: an empty entry is a
 * pointer, never 0.  A table entry is the next table's kernel virtual
 * address (pmd_val = (unsigned long)pte_table), as the kernel's pointers
 * are: .bss tables by their image address, memblock ones by PAGE_OFFSET +
 * pa.  A leaf is the backend's pte; a huge pmd is a pte in a pmd slot.
 */
#include "mkvmcore.h"
#include "vapt.h"

static struct vapt_geom G;
static uint64_t pgd_pa;
static uint64_t invalid_va[VAPT_MAX_LEVELS];	/* the invalid table below level i */
static unsigned tables;

static unsigned shift_of(unsigned lvl)
{
	return PAGE_SHIFT + (PAGE_SHIFT - 3) * (G.levels - 1 - lvl);
}

static uint64_t index_of(unsigned lvl, uint64_t va)
{
	unsigned bits = PAGE_SHIFT - 3 + (lvl == 0 ? G.pgd_order : 0);

	return (va >> shift_of(lvl)) & ((UINT64_C(1) << bits) - 1);
}

static void fill(uint64_t va, uint64_t bytes, uint64_t v)
{
	uint64_t off;

	for (off = 0; off < bytes; off += 8)
		virt_w64(va + off, v);
}

uint64_t vapt_init(const struct vapt_geom *g)
{
	uint64_t pgd_va;
	int lvl;

	G = *g;
	if (G.levels < 2 || G.levels > VAPT_MAX_LEVELS)
		die("internal: %u page-table levels", G.levels);
	/* the kernel's .bss: swapper_pg_dir and one invalid table per level below it */
	pgd_va = kdata_alloc_aligned(PAGE_SIZE << G.pgd_order, PAGE_SIZE);
	for (lvl = 1; lvl < (int)G.levels; lvl++)
		invalid_va[lvl] = kdata_alloc_aligned(PAGE_SIZE, PAGE_SIZE);
	for (lvl = (int)G.levels - 2; lvl >= 1; lvl--)
		fill(invalid_va[lvl], PAGE_SIZE, invalid_va[lvl + 1]);
	fill(pgd_va, PAGE_SIZE << G.pgd_order, invalid_va[1]);
	pgd_pa = virt_to_phys(pgd_va);
	return pgd_va;
}

/* A new table for level lvl (memblock, reached by PAGE_OFFSET + pa), as pmd_init leaves it. */
static uint64_t new_table(unsigned lvl)
{
	uint64_t va = phys_to_direct(pool_alloc(1, 1) << PAGE_SHIFT);

	tables++;
	if (lvl < G.levels - 1)
		fill(va, PAGE_SIZE, invalid_va[lvl + 1]);
	return va;
}

void vapt_map(uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t table = pgd_pa;
	unsigned lvl;

	if ((va | pa) & (size - 1))
		die("internal: map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	for (lvl = 0; lvl < G.levels; lvl++) {
		uint64_t slot = table + 8 * index_of(lvl, va), ent = phys_r64(slot);

		if ((UINT64_C(1) << shift_of(lvl)) == size) {
			bool last = lvl == G.levels - 1;

			if (!last && !(lvl == G.levels - 2 && G.huge_pmd))
				break;
			if (!last && ent != invalid_va[lvl + 1])
				die("internal: %#llx already has a table", (unsigned long long)va);
			if (last && ent && ent != G.pte(pa))
				die("internal: %#llx is already mapped differently", (unsigned long long)va);
			phys_w64(slot, last ? G.pte(pa) : G.huge_pmd(pa));
			return;
		}
		if (lvl == G.levels - 1)
			break;
		if (ent == invalid_va[lvl + 1]) {
			ent = new_table(lvl + 1);
			phys_w64(slot, ent);
		} else if (G.huge_bit && (ent & G.huge_bit)) {
			die("internal: %#llx lies under a huge page already", (unsigned long long)va);
		}
		table = virt_to_phys(ent);
	}
	die("internal: cannot map %#llx bytes at one level", (unsigned long long)size);
}

unsigned vapt_tables(void)
{
	return tables;
}
