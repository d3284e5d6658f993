/*
 * arm.c - the 32-bit arm backends: classic page tables (arch=arm) and LPAE
 * (arch=arm-lpae); little-endian, 4 KiB pages, an ELF32 dump.
 *
 * Written from the kernel's headers (arch/arm/include/asm/) and the ARM
 * Architecture Reference Manual's translation-table formats:
 *   - memory.h: PAGE_OFFSET 0xc0000000 (VMSPLIT_3G), PHYS_OFFSET the start
 *     of RAM (the first ram= range), lowmem va = pa - PHYS_OFFSET +
 *     PAGE_OFFSET; the kernel at PHYS_OFFSET + TEXT_OFFSET (0x8000), _stext
 *     just above; VMALLOC_START 8 MiB above high_memory.  All RAM must be
 *     lowmem here (at most 760 MiB): memblock allocates nothing in highmem;
 *   - pgtable-2level.h, pgtable-2level-hwdef.h: swapper_pg_dir is 16 KiB at
 *     PAGE_OFFSET + TEXT_OFFSET - 0x4000, 2048 Linux pgd entries of two
 *     first-level descriptors each; lowmem in 1 MiB sections (PMD_TYPE_SECT
 *     | AP_WRITE | TEX(1) C B (write-alloc) | S | XN); a pte page holds
 *     Linux's two tables of 256 entries at +0 and +1024 and the MMU's two at
 *     +2048 and +3072 (PTE_HWTABLE_OFF), the pgd pair points to the MMU's
 *     (PMD_TYPE_TABLE | PMD_BIT4); a hardware small page is PTE_TYPE_SMALL |
 *     XN | AP0 | TEX(1) C B | S, the Linux pte L_PTE_PRESENT | YOUNG | DIRTY
 *     | XN | SHARED | MT_WRITEALLOC;
 *   - pgtable-3level.h, pgtable-3level-hwdef.h: LPAE swapper_pg_dir is a
 *     4-entry PGD at PAGE_OFFSET + TEXT_OFFSET - 0x5000 followed by its four
 *     PMD pages (head.S makes every PGD entry a table: PMD_TYPE_TABLE |
 *     L_PGD_SWAPPER), lowmem in 2 MiB blocks (PMD_TYPE_SECT | AF | SH |
 *     ATTRINDX | XN at bit 54), 4 KiB pages PTE_TYPE_PAGE | AF | SH |
 *     ATTRINDX | L_PTE_XN | L_PTE_DIRTY (bits 54, 55 above the 40-bit
 *     address);
 *   - vmcore_info.c (machine_kexec.c before 6.9): CONFIG_ARM_LPAE=y;
 *   - sparsemem.h: SECTION_SIZE_BITS 28, MAX_PHYSMEM_BITS 36; FLATMEM's
 *     mem_map[0] is the page of PHYS_OFFSET (memory.h: ARCH_PFN_OFFSET).
 */
#include "mkvmcore.h"

#include <inttypes.h>

#define ARM_PAGE_OFFSET		UINT64_C(0xc0000000)
#define ARM_TEXT_OFFSET		UINT64_C(0x8000)
#define ARM_LOWMEM_MAX		(UINT64_C(760) << 20)
#define KLOAD_AUTO		UINT64_MAX

/* classic */
#define SECT_KERNEL	(UINT64_C(0x2) | 0x400 | 0x1000 | 0x8 | 0x4 | 0x10000 | 0x10)
#define TABLE_KERNEL	(UINT64_C(0x1) | 0x10)
#define HWPTE_KERNEL	(UINT64_C(0x2) | 0x1 | 0x10 | 0x40 | 0x8 | 0x4 | 0x400)
#define LPTE_KERNEL	(UINT64_C(0x1) | 0x2 | 0x40 | 0x200 | 0x400 | 0x7 << 2)
/* LPAE */
#define L_TABLE		(UINT64_C(0x3) | UINT64_C(1) << 55)
#define L_BLOCK		(UINT64_C(0x1) | 1 << 10 | 3 << 8 | 7 << 2 | UINT64_C(1) << 54)
#define L_PAGE		(UINT64_C(0x3) | 1 << 10 | 3 << 8 | 7 << 2 | UINT64_C(3) << 54)

static bool lpae;
static uint64_t phys_offset, pgd_pa;
static unsigned tables;

static void arm_defaults(void)
{
	S.page_shift = 12;
	S.kload = KLOAD_AUTO;
	S.section_bits = 28;
	S.physmem_bits = 36;
	S.memmap_vmemmap = false;
	S.pt_direct = 0;
}

static void arm_check(void)
{
	uint64_t total = 0;
	int i;

	if (S.l5 || S.sme || S.kaslr || S.kcore)
		die("l5=, sme=, kaslr= and kcore= are x86_64's");
	if (PAGE_SIZE != 4096)
		die("arm pages are 4 KiB");
	if (S.memmap_vmemmap && S.model != MM_FLAT)
		die("32-bit arm has no vmemmap: memmap=direct");
	for (i = 0; i < S.nram; i++)
		total += S.ram[i].end - S.ram[i].start;
	phys_offset = S.ram[0].start;
	if (S.ram[S.nram - 1].end - phys_offset > ARM_LOWMEM_MAX)
		die("arm: RAM must be lowmem here (PHYS_OFFSET + 760 MiB at most)");
	if (!lpae && S.ram[S.nram - 1].end > (UINT64_C(1) << 32))
		die("arm without LPAE: RAM must lie below 4 GiB");
	if (S.kload == KLOAD_AUTO)
		S.kload = phys_offset;
	(void)total;
}

static uint64_t rd32(uint64_t pa)
{
	const uint8_t *p = phys_page(pa >> PAGE_SHIFT) + (pa & (PAGE_SIZE - 1));

	return get_t(p, 4);
}

static uint64_t new_page(void)
{
	tables++;
	return pool_alloc(1, 1) << PAGE_SHIFT;
}

/* classic: a 1 MiB section, or a 4 KiB page in the pte page of its 2 MiB pgd pair */
static void map_classic(uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t l1 = pgd_pa + 4 * (va >> 20), ent = rd32(l1), ptepage, idx;

	if (size == (UINT64_C(1) << 20)) {
		if (ent)
			die("internal: %#llx is already mapped", (unsigned long long)va);
		phys_w32(l1, (uint32_t)(pa | SECT_KERNEL));
		return;
	}
	if (size != PAGE_SIZE)
		die("internal: arm maps 4 KiB pages and 1 MiB sections");
	if (!ent) {	/* __pmd_populate: both halves of the pair */
		uint64_t pair = pgd_pa + 8 * (va >> 21);

		ptepage = new_page();
		phys_w32(pair, (uint32_t)((ptepage + 2048) | TABLE_KERNEL));
		phys_w32(pair + 4, (uint32_t)((ptepage + 3072) | TABLE_KERNEL));
		ent = rd32(l1);
	} else if (ent & 2) {
		die("internal: %#llx lies in a section already", (unsigned long long)va);
	}
	/* the MMU's table; Linux's own lies 2048 bytes below it */
	idx = (va >> 12) & 0xff;
	phys_w32((ent & ~UINT64_C(0x3ff)) + 4 * idx, (uint32_t)(pa | HWPTE_KERNEL));
	phys_w32((ent & ~UINT64_C(0x3ff)) - 2048 + 4 * idx, (uint32_t)(pa | LPTE_KERNEL));
}

static void map_lpae(uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t pgde = phys_r64(pgd_pa + 8 * (va >> 30));
	uint64_t pmd = (pgde & UINT64_C(0xfffffff000)) + 8 * ((va >> 21) & 511), ent = phys_r64(pmd);

	if (size == (UINT64_C(2) << 20)) {
		if (ent)
			die("internal: %#llx is already mapped", (unsigned long long)va);
		phys_w64(pmd, pa | L_BLOCK);
		return;
	}
	if (size != PAGE_SIZE)
		die("internal: arm LPAE maps 4 KiB pages and 2 MiB blocks");
	if (!ent) {
		ent = new_page() | L_TABLE;
		phys_w64(pmd, ent & ~(UINT64_C(1) << 55));	/* L_PGD_SWAPPER is a pgd bit */
		ent = phys_r64(pmd);
	} else if ((ent & 3) == 1) {
		die("internal: %#llx lies in a block already", (unsigned long long)va);
	}
	phys_w64((ent & UINT64_C(0xfffffff000)) + 8 * ((va >> 12) & 511), pa | L_PAGE);
}

static void arm_map(uint64_t va, uint64_t pa, uint64_t size)
{
	if ((va | pa) & (size - 1))
		die("internal: map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	if (lpae)
		map_lpae(va, pa, size);
	else
		map_classic(va, pa, size);
}

static void arm_layout(void)
{
	unsigned i;

	M.page_offset = ARM_PAGE_OFFSET - phys_offset;	/* va = page_offset + pa */
	M.flat_first_pfn = phys_offset >> PAGE_SHIFT;	/* ARCH_PFN_OFFSET = PHYS_PFN_OFFSET */
	M.phys_base = 0;
	M.stext_va = M.page_offset + S.kload + ARM_TEXT_OFFSET + 0x240;
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	M.vmemmap_base = 0;
	/* in the kernel image's first pages, below its text, as head.S puts it */
	pgd_pa = S.kload + ARM_TEXT_OFFSET - (lpae ? 0x5000 : 0x4000);
	for (i = 0; i < 4u + lpae; i++)
		(void)phys_page((pgd_pa >> PAGE_SHIFT) + i);	/* zeroed: no entry yet */
	for (i = 0; lpae && i < 4; i++)
		phys_w64(pgd_pa + 8 * i, (pgd_pa + 0x1000 * (i + 1)) | L_TABLE);
	M.top_pgt_va = M.page_offset + pgd_pa;
	note("arm %s: PHYS_OFFSET %#llx, swapper_pg_dir %#llx", lpae ? "LPAE" : "classic",
	     (unsigned long long)phys_offset, (unsigned long long)M.top_pgt_va);
}

static uint64_t arm_kimage_va(uint64_t pa)
{
	return M.page_offset + pa;
}

/* Lowmem: sections or blocks where aligned, 4 KiB pages at unaligned ends. */
static void arm_direct_map(void)
{
	uint64_t big = lpae ? UINT64_C(2) << 20 : UINT64_C(1) << 20;
	int i;

	for (i = 0; i < S.nram; i++) {
		uint64_t a = S.ram[i].start;

		while (a < S.ram[i].end) {
			uint64_t size = !(a & (big - 1)) && a + big <= S.ram[i].end ? big : PAGE_SIZE;

			arm_map(M.page_offset + a, a, size);
			a += size;
		}
	}
	note("lowmem mapped; %u page tables", tables);
}

static void arm_vmcoreinfo(void)
{
	if (lpae)
		vmci_add("CONFIG_ARM_LPAE", "y");
}

static void classic_layout(void) { lpae = false; arm_layout(); }
static void lpae_layout(void) { lpae = true; arm_layout(); }
static void classic_check(void) { lpae = false; arm_check(); }
static void lpae_check(void) { lpae = true; arm_check(); }

#define ARM_BACKEND \
	.machine = "armv7l", .e_machine = 40 /* EM_ARM */, .word32 = true, \
	.prstatus_size = 148,	/* 72 + 18 registers + pr_fpvalid */ \
	.defaults = arm_defaults, .kimage_va = arm_kimage_va, .map = arm_map, \
	.direct_map = arm_direct_map, .vmcoreinfo = arm_vmcoreinfo

const struct arch arch_arm = { .name = "arm", ARM_BACKEND, .check = classic_check,
			       .layout = classic_layout };
const struct arch arch_arm_lpae = { .name = "arm-lpae", ARM_BACKEND, .check = lpae_check,
				    .layout = lpae_layout };
