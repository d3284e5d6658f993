/*
 * loongarch64.c - the loongarch64 backend (little-endian, 16 KiB pages by
 * default, 4 KiB or 64 KiB with pagesize=).
 *
 * Written from the kernel's headers (arch/loongarch/include/asm/):
 *   - addrspace.h: the cached direct-mapped window CACHE_BASE
 *     0x9000000000000000 is PAGE_OFFSET; va = CACHE_BASE | pa; the kernel
 *     runs in it (VMLINUX_LOAD_ADDRESS 0x9000000000200000: kernel=2M);
 *   - pgtable.h: 3 levels (CONFIG_PGTABLE_LEVELS 3, the 16 KiB default:
 *     PMD_SHIFT 25, PGDIR_SHIFT 36, VA_BITS 47; levels= 2 or 4 for the other
 *     Kconfig choices), one page of entries per
 *     level; the mapped range starts at vm_map_base = -(1 << cpu_vabits)
 *     (cpu_vabits 48: 0xffff000000000000) with modules then vmalloc, the
 *     vmemmap near its top (VMALLOC_END + PMD_SIZE); tables are linked by
 *     kernel addresses (vapt.c);
 *   - pgtable-bits.h: PAGE_KERNEL = _PAGE_PRESENT (7) | _PAGE_VALID (0) |
 *     _PAGE_DIRTY (1) | _PAGE_WRITE (8) | _PAGE_GLOBAL (6) | _CACHE_CC
 *     (1 << 4); the pfn field starts at PFN_PTE_SHIFT = PAGE_SHIFT (pte =
 *     pa | prot); a huge pmd adds _PAGE_HUGE (6) | _PAGE_HGLOBAL (12)
 *     (vmemmap_populate's vmemmap_set_pmd);
 *   - sparsemem.h: SECTION_SIZE_BITS 29, MAX_PHYSMEM_BITS 48; the kernel
 *     is SPARSEMEM_VMEMMAP; vmemmap=32m maps it with huge pmds (16 KiB
 *     pages), else with base pages.
 * VMCOREINFO gets no arch lines: the kernel has no arch_crash_save_vmcoreinfo.
 */
#include "mkvmcore.h"
#include "vapt.h"

#include <inttypes.h>

#define LA_PAGE_OFFSET	UINT64_C(0x9000000000000000)
#define LA_VM_MAP_BASE	UINT64_C(0xffff000000000000)
#define LA_PAGE_KERNEL	UINT64_C(0x1d3)		/* PRESENT VALID DIRTY WRITE GLOBAL CC */
#define LA_HUGE		(UINT64_C(1) << 6)
#define LA_HGLOBAL	(UINT64_C(1) << 12)

static uint64_t la_pte(uint64_t pa) { return pa | LA_PAGE_KERNEL; }
static uint64_t la_huge(uint64_t pa) { return pa | LA_PAGE_KERNEL | LA_HUGE | LA_HGLOBAL; }

static void la_defaults(void)
{
	S.page_shift = 14;
	S.kload = 2u << 20;
	S.section_bits = 29;
	S.physmem_bits = 48;
	S.pt_vmemmap = 16u << 10;
	S.pt_direct = 0;
}

/* CONFIG_PGTABLE_LEVELS: levels= (4 KiB pages: 3 or 4; 16 and 64 KiB: 2 or 3), default 3 */
static unsigned levels(void)
{
	return S.levels ? S.levels : 3;
}

static unsigned va_bits(void)
{
	return PAGE_SHIFT + levels() * (PAGE_SHIFT - 3);
}

static void la_check(void)
{
	uint64_t pmd = UINT64_C(1) << (2 * PAGE_SHIFT - 3);

	if (S.l5 || S.sme || S.kaslr || S.kcore)
		die("l5=, sme=, kaslr= and kcore= are x86_64's");
	if (S.model == MM_FLAT || !S.memmap_vmemmap)
		die("the loongarch64 backend builds SPARSEMEM_VMEMMAP kernels only");
	if (levels() < 2 || levels() > 4 || (levels() == 4 && PAGE_SIZE != 4096) ||
	    (levels() == 2 && PAGE_SIZE == 4096))
		die("loongarch64 has 3 or 4 levels with 4 KiB pages, 2 or 3 with 16 or 64 KiB");
	if (levels() == 2 && S.pt_vmemmap != PAGE_SIZE)
		die("a 2-level loongarch64 has no pmd: vmemmap pages are the base page");
	if (S.pt_vmemmap != PAGE_SIZE && S.pt_vmemmap != pmd)
		die("loongarch64 vmemmap pages are the base page or PMD_SIZE (%llu KiB)",
		    (unsigned long long)(pmd >> 10));
}

static void la_layout(void)
{
	struct vapt_geom g = { levels(), 0, la_pte, levels() > 2 ? la_huge : NULL, LA_HUGE };
	uint64_t top = LA_VM_MAP_BASE + (UINT64_C(1) << va_bits());
	uint64_t pmd = UINT64_C(1) << (2 * PAGE_SHIFT - 3);

	M.page_offset = LA_PAGE_OFFSET;
	M.phys_base = 0;
	M.stext_va = LA_PAGE_OFFSET + S.kload;
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	/* the vmemmap's quarter of the mapped range, at its top, PMD aligned */
	M.vmemmap_base = (top - (top - LA_VM_MAP_BASE) / 4) & ~(pmd - 1);
	M.top_pgt_va = vapt_init(&g);
	note("loongarch64 %u KiB pages, %u levels: swapper_pg_dir %#llx, vmemmap %#llx",
	     PAGE_SIZE >> 10, levels(), (unsigned long long)M.top_pgt_va,
	     (unsigned long long)M.vmemmap_base);
}

static uint64_t la_kimage_va(uint64_t pa)
{
	return LA_PAGE_OFFSET + pa;
}

/* The direct map is the DMW: no page tables. */
static void la_direct_map(void)
{
}

static void la_vmcoreinfo(void)
{
}

const struct arch arch_loongarch64 = {
	.name = "loongarch64",
	.machine = "loongarch64",
	.e_machine = 258,		/* EM_LOONGARCH */
	.big_endian = false,
	.prstatus_size = 480,		/* 112 + 45 registers + pr_fpvalid, padded */
	.export_vmemmap = false,
	.defaults = la_defaults,
	.check = la_check,
	.layout = la_layout,
	.kimage_va = la_kimage_va,
	.map = vapt_map,
	.direct_map = la_direct_map,
	.vmcoreinfo = la_vmcoreinfo,
};
