/*
 * arch/mips64.c - 64-bit MIPS address translation, either byte order.
 *
 * addrspace.h: XKPHYS (0x8000... to 0xbfff..., the cache attribute in
 * bits 61:59; the linear map at PAGE_OFFSET = CAC_BASE, 0x9800... on most
 * machines) and CKSEG0/CKSEG1 (0xffffffff80000000 and ...a0000000, the low
 * 512 MiB, where the kernel image usually runs) are unmapped; XKSEG
 * (0xc000..., vmalloc and modules) and CKSSEG/CKSEG3 are mapped by
 * swapper_pg_dir.  pgtable-64.h: one page of 8-byte entries per level
 * (the top one two pages with 4 KiB pages and 3 levels), 3 levels with
 * 4 or 16 KiB pages, 2 with 64 KiB; upper entries hold the kernel address
 * of the next table (arch/vatables.c walks them).
 *
 * pgtable-bits.h: a pte holds pfn << _PFN_SHIFT, _PFN_SHIFT = PAGE_SHIFT
 * - 12 + _CACHE_SHIFT + 3, where _CACHE_SHIFT depends on which software
 * bits the build has.  The R2 layout with RI/XI and huge TLB pages
 * (Loongson-3 and the generic MIPS64r2 builds: P W A M H S XI RI G V D
 * CCC) is taken: _CACHE_SHIFT 11, _PAGE_HUGE bit 4.  Other builds' vmalloc
 * ptes would read wrong, but the linear map, the image and the mem_map
 * (SPARSEMEM without a vmemmap) never need a pte.  VMCOREINFO has nothing
 * mips-specific.
 */
#include "arch.h"
#include "vatables.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>

#ifndef EM_MIPS
#define EM_MIPS 8
#endif

#define XKPHYS		UINT64_C(0x8000000000000000)
#define XKSEG		UINT64_C(0xc000000000000000)
#define CKSEG0		UINT64_C(0xffffffff80000000)
#define CKSSEG		UINT64_C(0xffffffffc0000000)
#define XKPHYS_PA_MASK	UINT64_C(0x0000ffffffffffff)	/* XPHYSADDR */
#define CKSEG_PA_MASK	UINT64_C(0x1fffffff)
#define PTE_PRESENT	UINT64_C(0x1)
#define PMD_HUGE	(UINT64_C(1) << 4)
#define CACHE_SHIFT	11

/* The unmapped segments: XKPHYS, CKSEG0 and CKSEG1. */
static bool unmapped(uint64_t va, uint64_t *pa)
{
	if (va >= XKPHYS && va < XKSEG) {
		*pa = va & XKPHYS_PA_MASK;
		return true;
	}
	if (va >= CKSEG0 && va < CKSSEG) {
		*pa = va & CKSEG_PA_MASK;
		return true;
	}
	return false;
}

static uint64_t pte_pa(uint64_t pte, unsigned page_shift)
{
	unsigned pfn_shift = page_shift - 12 + CACHE_SHIFT + 3;

	return (pte >> pfn_shift) << page_shift;
}

static int mips64_init(struct kview *kv, struct err *e)
{
	struct vat_geom *g = calloc(1, sizeof(*g));
	const struct kfacts *k = &kv->k;
	unsigned levels;

	if (!g)
		return err_set(e, "out of memory");
	kv->arch_state = g;
	kv->phys_base = 0;
	if (vmcore_elf_class(kv->vc) != ELFCLASS64)
		return err_set(e, "mips: only 64-bit MIPS dumps (ELFCLASS64) are supported");
	if (kv->page_shift < 12 || kv->page_shift > 16)
		return err_set(e, "mips64: implausible page size %u", kv->page_size);
	g->page_shift = kv->page_shift;
	g->present = PTE_PRESENT;
	g->huge = PMD_HUGE;
	g->pte_pa = pte_pa;
	g->table_pa = unmapped;
	g->levels = kv->page_shift == 16 ? 2 : 3;
	if (kf_have(k, KF_SYM_swapper_pg_dir) && !unmapped(kf_addr(k, KF_SYM_swapper_pg_dir), &g->pgd_pa))
		g->pgd_pa = 0;
	levels = vat_count_levels(kv, g);
	if (levels)
		g->levels = levels;
	/* PGD_TABLE_ORDER 1: 4 KiB pages with 3 levels (no VA_BITS_48) */
	g->pgd_order = kv->page_shift == 12 && g->levels == 3 ? 1 : 0;
	return 0;
}

static void mips64_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int mips64_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		       struct err *e)
{
	if (unmapped(va, pa)) {
		/* to the end of the physical range the segment's mask keeps (CKSEG1 aliases CKSEG0) */
		uint64_t mask = va >= CKSEG0 ? CKSEG_PA_MASK : XKPHYS_PA_MASK;

		*span = ((va | mask) - va) + 1;
		return 0;
	}
	if (va < XKSEG)
		return err_set(e, "cannot translate 0x%" PRIx64 ": not a kernel address", va);
	return vat_vtop(kv, kv->arch_state, va, pa, span, e);
}

static int mips64_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	uint64_t pa;

	if (unmapped(va, &pa)) {
		fprintf(out, "Unmapped segment: %016" PRIx64 " => %016" PRIx64 "\n", va, pa);
		return 0;
	}
	return vat_print(kv, kv->arch_state, va, out, e);
}

static int mips64_is_kvaddr(const struct kview *kv, uint64_t va)
{
	(void)kv;
	return va >= XKPHYS;
}

static unsigned mips64_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 0;
}

/* arch/mips/include/asm/sparsemem.h: 28 (29 with huge pages of 64 KiB pages) and 48. */
static unsigned mips64_section_size_bits(const struct kview *kv)
{
	return kv->page_size == 65536 ? 29 : 28;
}

static unsigned mips64_max_physmem_bits(const struct kview *kv)
{
	(void)kv;
	return 48;
}

const struct arch_ops arch_mips64 = {
	.name = "mips64",
	.e_machine = EM_MIPS,
	.init = mips64_init,
	.fini = mips64_fini,
	.vtop = mips64_vtop,
	.print_vtop = mips64_print_vtop,
	.is_kvaddr = mips64_is_kvaddr,
	.kernel_tables = vat_kernel_tables,
	.vmlinux_page_size = mips64_vmlinux_page_size,
	.char_is_signed = true,
	.section_size_bits = mips64_section_size_bits,
	.max_physmem_bits = mips64_max_physmem_bits,
};
