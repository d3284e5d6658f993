/*
 * arch/loongarch64.c - LoongArch64 address translation.
 *
 * addrspace.h: the direct-mapped windows (DMW) cover 0x8000... (uncached),
 * 0x9000... (cached: CACHE_BASE, PAGE_OFFSET and the kernel image) and
 * 0xa000... (write-combining), each translating to va[47:0]; everything
 * from XKVRANGE (0xc000...) up (modules and vmalloc at vm_map_base =
 * -2^cpu_vabits, the vmemmap at the top) is mapped by swapper_pg_dir.
 * pgtable.h: each level is one page of 8-byte entries (16 KiB pages by
 * default: 3 levels of 2048, 47 bits), upper entries hold the kernel
 * address of the next table (arch/vatables.c walks them), a pmd with
 * _PAGE_HUGE (bit 6) maps PMD_SIZE itself, a pte is present with bit 7
 * and holds the physical address in bits PAGE_SHIFT..47.
 *
 * The kernel exports nothing arch-specific in VMCOREINFO; the number of
 * levels is read from swapper_pg_dir's invalid tables, else 3.
 */
#include "arch.h"
#include "vatables.h"

#include <inttypes.h>
#include <stdlib.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

#define XKPRANGE	UINT64_C(0x8000000000000000)
#define XKVRANGE	UINT64_C(0xc000000000000000)
#define DMW_PA_MASK	UINT64_C(0x0000ffffffffffff)	/* DMW_PABITS 48 */
#define PTE_PRESENT	(UINT64_C(1) << 7)
#define PMD_HUGE	(UINT64_C(1) << 6)

static bool in_dmw(uint64_t va, uint64_t *pa)
{
	if (va < XKPRANGE || va >= XKVRANGE)
		return false;
	*pa = va & DMW_PA_MASK;
	return true;
}

/* _PFN_MASK: bits PFN_PTE_SHIFT (= PAGE_SHIFT) up to _PAGE_PFN_END_SHIFT (48). */
static uint64_t pte_pa(uint64_t pte, unsigned page_shift)
{
	return pte & DMW_PA_MASK & ~((UINT64_C(1) << page_shift) - 1);
}

static int la_init(struct kview *kv, struct err *e)
{
	struct vat_geom *g = calloc(1, sizeof(*g));
	const struct kfacts *k = &kv->k;
	unsigned levels;

	if (!g)
		return err_set(e, "out of memory");
	kv->arch_state = g;
	kv->phys_base = 0;
	g->page_shift = kv->page_shift;
	g->present = PTE_PRESENT;
	g->huge = PMD_HUGE;
	g->pte_pa = pte_pa;
	g->table_pa = in_dmw;
	g->levels = 3;
	if (kv->page_shift < 12 || kv->page_shift > 16)
		return err_set(e, "loongarch64: implausible page size %u", kv->page_size);
	if (kf_have(k, KF_SYM_swapper_pg_dir) && !in_dmw(kf_addr(k, KF_SYM_swapper_pg_dir), &g->pgd_pa))
		g->pgd_pa = 0;
	levels = vat_count_levels(kv, g);
	if (levels)
		g->levels = levels;
	return 0;
}

static void la_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int la_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span, struct err *e)
{
	if (in_dmw(va, pa)) {
		/* to the top of the 48 physical bits the window keeps */
		*span = ((va | DMW_PA_MASK) - va) + 1;
		return 0;
	}
	if (va < XKVRANGE)
		return err_set(e, "cannot translate 0x%" PRIx64 ": not a kernel address", va);
	return vat_vtop(kv, kv->arch_state, va, pa, span, e);
}

static int la_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	uint64_t pa;

	if (in_dmw(va, &pa)) {
		fprintf(out, "Direct-mapped window: %016" PRIx64 " => %016" PRIx64 "\n", va, pa);
		return 0;
	}
	return vat_print(kv, kv->arch_state, va, out, e);
}

static int la_is_kvaddr(const struct kview *kv, uint64_t va)
{
	(void)kv;
	return va >= XKPRANGE;
}

/* The vmlinux does not say; 16 KiB is the default (and Debian's). */
static unsigned la_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 0;
}

/* arch/loongarch/include/asm/sparsemem.h: 29 ("Largest Huge Page Size") and 48. */
static unsigned la_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 29;
}

static unsigned la_max_physmem_bits(const struct kview *kv)
{
	(void)kv;
	return 48;
}

const struct arch_ops arch_loongarch64 = {
	.name = "loongarch64",
	.e_machine = EM_LOONGARCH,
	.init = la_init,
	.fini = la_fini,
	.vtop = la_vtop,
	.print_vtop = la_print_vtop,
	.is_kvaddr = la_is_kvaddr,
	.kernel_tables = vat_kernel_tables,
	.vmlinux_page_size = la_vmlinux_page_size,
	.char_is_signed = true,
	.section_size_bits = la_section_size_bits,
	.max_physmem_bits = la_max_physmem_bits,
};
