/*
 * x86pt.c - the x86_64 backend: its virtual layout, its kernel page tables
 * in the dump's RAM, its VMCOREINFO lines.
 *
 * 4-level (PGD 39, PUD 30, PMD 21, PTE 12) or 5-level (PML5 48 on top).
 * An entry is present with bit 0; bit 7 (PSE) makes a PUD entry a 1 GiB
 * page and a PMD entry a 2 MiB page; the frame is in bits 12..51.  Leaf
 * entries carry NX (bit 63) and the global bit, as the kernel's do, so a
 * reader that forgets to mask them finds out.
 */
#include "mkvmcore.h"

#include <inttypes.h>
#include <string.h>

#define KERNEL_MAP	UINT64_C(0xffffffff80000000)	/* __START_KERNEL_map */
#define KERNEL_TEXT	UINT64_C(0xffffffff81000000)	/* _text without KASLR */

#define E_PRESENT	UINT64_C(0x001)
#define E_TABLE		UINT64_C(0x063)		/* present, rw, accessed, dirty */
#define E_PSE		UINT64_C(0x080)
#define E_GLOBAL	UINT64_C(0x100)
#define E_NX		(UINT64_C(1) << 63)
#define E_ADDR		UINT64_C(0x000ffffffffff000)

static uint64_t top_pa;
static unsigned tables;

static uint64_t rd64(uint64_t pa)
{
	const uint8_t *p = phys_page(pa >> PAGE_SHIFT) + (pa & (PAGE_SIZE - 1));
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void pt_init(void)
{
	M.page_offset = S.l5 ? UINT64_C(0xff11000000000000) : UINT64_C(0xffff888000000000);
	M.vmemmap_base = S.l5 ? UINT64_C(0xffd4000000000000) : UINT64_C(0xffffea0000000000);
	/* _text: va KERNEL_TEXT + kaslr, pa kload; va - KERNEL_MAP + phys_base = pa */
	M.phys_base = (int64_t)(S.kload - (KERNEL_TEXT + S.kaslr - KERNEL_MAP));
	M.stext_va = KERNEL_TEXT + S.kaslr;
	M.free_huge_page_va = M.stext_va + 0x2345a0;	/* a function in .text */
	M.top_pgt_va = kdata_alloc(PAGE_SIZE);
	top_pa = virt_to_phys(M.top_pgt_va);
	note("phys_base %#llx, init_top_pgt %#llx (pa %#llx)", (unsigned long long)M.phys_base,
	     (unsigned long long)M.top_pgt_va, (unsigned long long)top_pa);
}

/* Map [va, va + size) to pa with one leaf entry; size is 4 KiB, 2 MiB or 1 GiB. */
static void pt_map(uint64_t va, uint64_t pa, uint64_t size)
{
	unsigned shift = S.l5 ? 48 : 39;
	unsigned leaf = size == (UINT64_C(1) << 30) ? 30 : size == (UINT64_C(2) << 20) ? 21 : 12;
	uint64_t table = top_pa;

	if ((va | pa) & (size - 1))
		die("internal: pt_map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	for (;; shift -= 9) {
		uint64_t slot = table + 8 * ((va >> shift) & 511);
		uint64_t ent = rd64(slot);

		if (shift == leaf) {
			uint64_t want = (pa & E_ADDR) | E_TABLE | E_GLOBAL | E_NX | S.sme |
					(leaf > 12 ? E_PSE : 0);

			if ((ent & E_PRESENT) && ent != want)
				die("internal: %#llx is already mapped differently",
				    (unsigned long long)va);
			phys_w64(slot, want);
			return;
		}
		if (!(ent & E_PRESENT)) {
			uint64_t pfn = pool_alloc(1, 1);

			tables++;
			if (M.ntable_pfns < sizeof(M.table_pfns) / sizeof(M.table_pfns[0]))
				M.table_pfns[M.ntable_pfns++] = pfn;
			ent = (pfn << PAGE_SHIFT) | E_TABLE | S.sme;
			phys_w64(slot, ent);
		} else if (ent & E_PSE) {
			die("internal: %#llx lies under a large page already", (unsigned long long)va);
		}
		table = ent & E_ADDR & ~S.sme;
	}
}

static void pt_build_direct_map(void)
{
	uint64_t g = S.pt_direct, done_end = 0;
	uint64_t kva = KERNEL_TEXT + S.kaslr, off;
	int i;

	for (i = 0; i < S.nram; i++) {
		uint64_t a = S.ram[i].start / g * g;

		if (a < done_end)
			a = done_end;
		for (; a < S.ram[i].end; a += g)
			pt_map(M.page_offset + a, a, g);
		done_end = a;
	}
	/* The kernel image too, so that a page-table-only reader (drgn) sees it. */
	for (off = 0; off < S.ksize; off += UINT64_C(2) << 20)
		pt_map(kva + off, S.kload + off, UINT64_C(2) << 20);
	note("direct map at %#llx in %u KiB pages; %u page tables so far",
	     (unsigned long long)M.page_offset, (unsigned)(g >> 10), tables);
}

/* The kernel image: __START_KERNEL_map + (pa - phys_base), its first GiB. */
static uint64_t x86_kimage_va(uint64_t pa)
{
	return pa - (uint64_t)M.phys_base + KERNEL_MAP;
}

static bool x86_kimage_pa(uint64_t va, uint64_t *pa)
{
	if (va >= KERNEL_MAP && va - KERNEL_MAP < (UINT64_C(1) << 30)) {
		*pa = va - KERNEL_MAP + (uint64_t)M.phys_base;
		return true;
	}
	return false;
}

static void x86_check(void)
{
	if (S.l5 && S.physmem_bits == 46)
		S.physmem_bits = 52;
}

/* arch/x86/kernel/crash_core_64.c (and machine_kexec_64.c before it) */
static void x86_vmcoreinfo(void)
{
	bool modern = era_at_least(S.era, "5.10");

	vmci_add("NUMBER(phys_base)", "%lld", (long long)M.phys_base);
	if (modern) {
		vmci_add("SYMBOL(init_top_pgt)", "%" PRIx64, M.top_pgt_va);
		vmci_add("NUMBER(pgtable_l5_enabled)", "%d", S.l5);
	} else {
		vmci_add("SYMBOL(init_level4_pgt)", "%" PRIx64, M.top_pgt_va);
	}
	if (modern || S.kaslr)
		vmci_add("KERNELOFFSET", "%" PRIx64, S.kaslr);
	if (modern) {
		vmci_add("NUMBER(KERNEL_IMAGE_SIZE)", "%lld", 1LL << 30);
		vmci_add("NUMBER(sme_mask)", "%" PRIu64, S.sme);
	}
}

const struct arch arch_x86_64 = {
	.name = "x86_64",
	.machine = "x86_64",
	.e_machine = 62,		/* EM_X86_64 */
	.big_endian = false,
	.prstatus_size = 336,
	.text_segment = true,
	.export_vmemmap = true,
	.check = x86_check,
	.layout = pt_init,
	.kimage_va = x86_kimage_va,
	.kimage_pa = x86_kimage_pa,
	.map = pt_map,
	.direct_map = pt_build_direct_map,
	.vmcoreinfo = x86_vmcoreinfo,
};
