/*
 * mips64.c - the mips64 backends: little-endian (mips64el) and big-endian
 * (mips64), 16 KiB pages by default (Loongson-3), 4 KiB or 64 KiB with
 * pagesize=.
 *
 * Written from the kernel's headers (arch/mips/include/asm/):
 *   - addrspace.h, mach-loongson64/spaces.h: PAGE_OFFSET = CAC_BASE
 *     0x9800000000000000 (XKPHYS, cache attribute 3) + pa; the kernel image
 *     runs in CKSEG0 (0xffffffff80000000 + pa, the low 512 MiB; kernel=2M,
 *     ksize= must keep it below 512 MiB); vmalloc and modules in XKSEG
 *     (VMALLOC_START = MAP_BASE 0xc000000000000000), mapped by
 *     swapper_pg_dir;
 *   - pgtable-64.h: 3 levels with 4 or 16 KiB pages (4 KiB: PGD_TABLE_ORDER
 *     1, a two-page pgd), 2 with 64 KiB; one page of 8-byte entries per
 *     level; tables linked by kernel addresses (vapt.c);
 *   - pgtable-bits.h, the 64-bit R2 layout with RI/XI and huge TLB pages
 *     (Loongson-3): P 0, W 1, A 2, M 3, H 4, S 5, XI 6, RI 7, G 8, V 9,
 *     D 10, C 11-13, pfn << _PFN_SHIFT = PAGE_SHIFT - 12 + 11 + 3;
 *     PAGE_KERNEL = P | V | A | D | W | M | G | _CACHE_CACHABLE_COHERENT
 *     (3 << 11);
 *   - sparsemem.h: SECTION_SIZE_BITS 28, MAX_PHYSMEM_BITS 48; no vmemmap on
 *     MIPS: SPARSEMEM with the mem_map in memblock memory, or FLATMEM.
 * VMCOREINFO gets no arch lines (MIPS has no arch_crash_save_vmcoreinfo).
 */
#include "mkvmcore.h"
#include "vapt.h"

#include <inttypes.h>

#define MIPS_PAGE_OFFSET	UINT64_C(0x9800000000000000)
#define MIPS_CKSEG0		UINT64_C(0xffffffff80000000)
#define MIPS_CKSEG0_SIZE	UINT64_C(0x20000000)
#define MIPS_PAGE_KERNEL	(UINT64_C(0x1) | 0x2 | 0x4 | 0x8 | 0x100 | 0x200 | 0x400 | 3u << 11)
#define MIPS_HUGE		UINT64_C(0x10)

static uint64_t mips_pte(uint64_t pa)
{
	return (pa >> PAGE_SHIFT) << (PAGE_SHIFT - 12 + 11 + 3) | MIPS_PAGE_KERNEL;
}

static uint64_t mips_huge(uint64_t pa)
{
	return mips_pte(pa) | MIPS_HUGE;
}

static void mips_defaults(void)
{
	S.page_shift = 14;
	S.kload = 2u << 20;
	S.section_bits = 28;
	S.physmem_bits = 48;
	S.memmap_vmemmap = false;
	S.pt_direct = 0;
}

static void mips_check(void)
{
	if (S.l5 || S.sme || S.kaslr || S.kcore)
		die("l5=, sme=, kaslr= and kcore= are x86_64's");
	if (S.memmap_vmemmap && S.model != MM_FLAT)
		die("MIPS has no vmemmap: memmap=direct");
	if (S.kload + S.ksize > MIPS_CKSEG0_SIZE)
		die("the kernel image must lie in CKSEG0 (the low 512 MiB)");
}

static void mips_layout(void)
{
	unsigned levels = PAGE_SHIFT == 16 ? 2 : 3;
	struct vapt_geom g = { levels, PAGE_SHIFT == 12 ? 1 : 0, mips_pte,
			       levels > 2 ? mips_huge : NULL, MIPS_HUGE };

	M.page_offset = MIPS_PAGE_OFFSET;
	M.phys_base = 0;
	M.stext_va = MIPS_CKSEG0 + S.kload;
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	M.vmemmap_base = 0;
	M.top_pgt_va = vapt_init(&g);
	note("mips64 %u KiB pages, %u levels: swapper_pg_dir %#llx", PAGE_SIZE >> 10, levels,
	     (unsigned long long)M.top_pgt_va);
}

static uint64_t mips_kimage_va(uint64_t pa)
{
	return MIPS_CKSEG0 + pa;
}

static bool mips_kimage_pa(uint64_t va, uint64_t *pa)
{
	if (va >= MIPS_CKSEG0 && va - MIPS_CKSEG0 < MIPS_CKSEG0_SIZE) {
		*pa = va - MIPS_CKSEG0;
		return true;
	}
	return false;
}

/* XKPHYS is unmapped: no page tables for the direct map. */
static void mips_direct_map(void)
{
}

static void mips_vmcoreinfo(void)
{
}

#define MIPS64_BACKEND \
	.e_machine = 8 /* EM_MIPS, ELFCLASS64 */, .prstatus_size = 480, \
	.defaults = mips_defaults, .check = mips_check, .layout = mips_layout, \
	.kimage_va = mips_kimage_va, .kimage_pa = mips_kimage_pa, .map = vapt_map, \
	.direct_map = mips_direct_map, .vmcoreinfo = mips_vmcoreinfo

const struct arch arch_mips64el = { .name = "mips64el", .machine = "mips64", MIPS64_BACKEND };
const struct arch arch_mips64 = { .name = "mips64", .machine = "mips64", MIPS64_BACKEND,
				  .big_endian = true };
