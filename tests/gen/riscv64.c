/*
 * riscv64.c - the riscv64 backend (EM_RISCV, little-endian, 4 KiB pages,
 * Sv39 / Sv48 / Sv57 as levels=3/4/5), the 6.x layout.
 *
 * Written from arch/riscv/include/asm/{page,pgtable,pgtable-64,pgtable-bits}.h:
 *   - PAGE_OFFSET (the linear map of phys_ram_base) is 0xffffffd600000000,
 *     0xffffaf8000000000 or 0xff60000000000000; below it vmalloc
 *     (VMALLOC_SIZE = KERN_VIRT_SIZE / 2, KERN_VIRT_SIZE = a quarter of the
 *     top-level table's reach), below that the vmemmap (2^(VA_BITS - 7)
 *     bytes); vmemmap = VMEMMAP_START - (phys_ram_base >> PAGE_SHIFT) pages;
 *   - the kernel image at KERNEL_LINK_ADDR 0xffffffff80000000, physical
 *     = va - va_kernel_pa_offset;
 *   - swapper_pg_dir: 3-5 levels of 512 entries; an entry is PPN << 10 |
 *     flags; V (bit 0) present; R/W/X (bits 1-3) clear in a pointer to the
 *     next table, any set in a leaf, which may sit at any level (4 KiB,
 *     2 MiB, 1 GiB, 512 GiB pages); kernel leaves are PAGE_KERNEL (V R W A
 *     D G).  The linear map, the kernel image and the vmemmap are all in the
 *     tables (setup_vm_final(), vmemmap_populate()).
 */
#include "mkvmcore.h"

#include <inttypes.h>

#define PTE_V			UINT64_C(0x1)
#define PAGE_KERNEL		UINT64_C(0xe7)		/* V R W G A D */
#define KERNEL_LINK_ADDR	UINT64_C(0xffffffff80000000)

static uint64_t pgd_pa, page_offset, vmalloc_start, vmemmap_start, ram_base, va_pa_image;
static unsigned tables;

static void rv_defaults(void)
{
	S.levels = 5;			/* Debian's 6.12 runs Sv57 where the hart has it */
	S.ram[0].start = UINT64_C(0x80000000);	/* QEMU virt: DRAM at 2 GiB */
	S.ram[0].end = S.ram[0].file_end = UINT64_C(0x80000000) + (64u << 20);
	S.kload = UINT64_C(0x80200000);	/* after OpenSBI */
	S.section_bits = 27;		/* asm/sparsemem.h */
	S.physmem_bits = 56;
	S.pt_direct = 2u << 20;
	S.pt_vmemmap = 2u << 20;
}

static void rv_check(void)
{
	if (S.l5 || S.sme || S.kaslr || S.kcore || S.page_shift != 12)
		die("l5=, sme=, kaslr=, kcore= and pagesize= are not riscv64's");
	if (S.levels < 3 || S.levels > 5)
		die("riscv64 paging is Sv39, Sv48 or Sv57: levels=3, 4 or 5");
	if (S.model == MM_FLAT || !S.memmap_vmemmap)
		die("the riscv64 backend builds SPARSEMEM_VMEMMAP kernels only");
}

/* One leaf of size bytes (4k, 2m, 1g or 512g) at the level that maps it. */
static void rv_map(uint64_t va, uint64_t pa, uint64_t size)
{
	unsigned shift = 12 + 9 * (S.levels - 1);
	uint64_t table = pgd_pa;

	if ((va | pa) & (size - 1))
		die("internal: riscv64 map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	for (;; shift -= 9) {
		uint64_t slot = table + 8 * ((va >> shift) & 511), ent = phys_r64(slot);

		if (size == (UINT64_C(1) << shift)) {
			uint64_t want = (pa >> 12) << 10 | PAGE_KERNEL;

			if ((ent & PTE_V) && ent != want)
				die("internal: %#llx is already mapped differently", (unsigned long long)va);
			phys_w64(slot, want);
			return;
		}
		if (shift == 12)
			die("internal: riscv64 cannot map %#llx bytes", (unsigned long long)size);
		if (!(ent & PTE_V)) {
			ent = pool_alloc(1, 1) << 10 | PTE_V;	/* a pointer: R W X clear */
			tables++;
			phys_w64(slot, ent);
		} else if (ent & UINT64_C(0xe)) {
			die("internal: %#llx lies under a large page already", (unsigned long long)va);
		}
		table = (ent >> 10) << 12;
	}
}

static void rv_layout(void)
{
	unsigned va_bits = 12 + 9 * S.levels;
	uint64_t pgdir = UINT64_C(1) << (va_bits - 9), kern_virt = 256 * pgdir / 2;
	uint64_t pgd_va;

	page_offset = S.levels == 5 ? UINT64_C(0xff60000000000000) :
		      S.levels == 4 ? UINT64_C(0xffffaf8000000000) : UINT64_C(0xffffffd600000000);
	ram_base = S.ram[0].start;
	vmalloc_start = page_offset - kern_virt / 2;
	vmemmap_start = vmalloc_start - (UINT64_C(1) << (va_bits - 12 - 1 + 6));
	/* the generator's own addresses count from pa 0: va = page_offset - ram_base + pa */
	M.page_offset = page_offset - ram_base;
	M.vmemmap_base = vmemmap_start - (ram_base >> PAGE_SHIFT) * (uint64_t)S.era->size_page;
	M.phys_base = (int64_t)ram_base;
	va_pa_image = KERNEL_LINK_ADDR - S.kload;
	M.stext_va = KERNEL_LINK_ADDR + 0x2000;	/* _start's header page first */
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	pgd_va = kdata_alloc(PAGE_SIZE);
	M.top_pgt_va = pgd_va;
	pgd_pa = virt_to_phys(pgd_va);
	note("riscv64 Sv%u: PAGE_OFFSET %#llx, VMALLOC_START %#llx, VMEMMAP_START %#llx",
	     va_bits, (unsigned long long)page_offset, (unsigned long long)vmalloc_start,
	     (unsigned long long)vmemmap_start);
}

static uint64_t rv_kimage_va(uint64_t pa)
{
	return pa + va_pa_image;
}

static bool rv_kimage_pa(uint64_t va, uint64_t *pa)
{
	if (va >= KERNEL_LINK_ADDR && va - KERNEL_LINK_ADDR < S.ksize) {
		*pa = va - va_pa_image;
		return true;
	}
	return false;
}

static void rv_direct_map(void)
{
	uint64_t g = S.pt_direct, done_end = 0, off;
	int i;

	for (i = 0; i < S.nram; i++) {
		uint64_t a = S.ram[i].start / g * g;

		if (a < done_end)
			a = done_end;
		if (a < ram_base)	/* nothing below phys_ram_base is in the linear map */
			a = ram_base;
		for (; a < S.ram[i].end; a += g)
			rv_map(M.page_offset + a, a, g);
		done_end = a;
	}
	for (off = 0; off < S.ksize; off += UINT64_C(2) << 20)
		rv_map(KERNEL_LINK_ADDR + off, S.kload + off, UINT64_C(2) << 20);
	note("linear map in %u KiB pages; %u page tables so far", (unsigned)(g >> 10), tables);
}

/* arch/riscv/kernel/vmcore_info.c arch_crash_save_vmcoreinfo() */
static void rv_vmcoreinfo(void)
{
	unsigned va_bits = 12 + 9 * S.levels;

	vmci_add("NUMBER(VA_BITS)", "%u", va_bits);
	vmci_add("NUMBER(phys_ram_base)", "%" PRIu64, ram_base);
	vmci_add("NUMBER(PAGE_OFFSET)", "0x%" PRIx64, page_offset);
	vmci_add("NUMBER(VMALLOC_START)", "0x%" PRIx64, vmalloc_start);
	vmci_add("NUMBER(VMALLOC_END)", "0x%" PRIx64, page_offset - 1);
	vmci_add("NUMBER(VMEMMAP_START)", "0x%" PRIx64, vmemmap_start);
	vmci_add("NUMBER(VMEMMAP_END)", "0x%" PRIx64, vmalloc_start - 1);
	vmci_add("NUMBER(MODULES_VADDR)", "0x%" PRIx64, KERNEL_LINK_ADDR + S.ksize - (UINT64_C(2) << 30));
	vmci_add("NUMBER(MODULES_END)", "0x%" PRIx64, KERNEL_LINK_ADDR);
	vmci_add("NUMBER(KERNEL_LINK_ADDR)", "0x%" PRIx64, KERNEL_LINK_ADDR);
	vmci_add("NUMBER(va_kernel_pa_offset)", "0x%" PRIx64, va_pa_image);
}

const struct arch arch_riscv64 = {
	.name = "riscv64",
	.machine = "riscv64",
	.e_machine = 243,		/* EM_RISCV */
	.big_endian = false,
	.prstatus_size = 376,		/* 32 registers of pr_reg */
	.text_segment = true,
	.export_vmemmap = true,
	.defaults = rv_defaults,
	.check = rv_check,
	.layout = rv_layout,
	.kimage_va = rv_kimage_va,
	.kimage_pa = rv_kimage_pa,
	.map = rv_map,
	.direct_map = rv_direct_map,
	.vmcoreinfo = rv_vmcoreinfo,
};
