/*
 * s390x.c - the s390x backend (EM_S390, big-endian, 4 KiB pages, the 6.1
 * layout: the identity map is va = pa, the kernel image inside it).
 *
 * Written from arch/s390/include/asm/pgtable.h and the Principles of
 * Operation's DAT tables:
 *   - swapper_pg_dir is the top table: a region-first (levels=5),
 *     region-second (4) or region-third (3) table, or a segment table
 *     (2); region and segment tables have 2048 entries (16 KiB, index 11
 *     bits at shifts 53, 42, 31, 20), page tables 256 (2 KiB fragments,
 *     index bits 12..19);
 *   - the kernel fills every region/segment table with "empty" entries
 *     that carry the table's type (TT) and the invalid bit 0x20, every
 *     page table with _PAGE_INVALID 0x400 (crst_table_init), so even an
 *     unused top entry says the table's depth;
 *   - a region entry: next table origin | TT | TL 3 (the full next table);
 *     region-third entries add the software present bit 1; a segment
 *     entry: page-table origin (2 KiB aligned) | present; large pages:
 *     segment 1 MiB and region-third 2 GiB (FC bit 0x400) with the
 *     software read/write/young/dirty bits; a PTE: frame | PAGE_KERNEL;
 *   - vmemmap and vmalloc addresses go through those tables; the identity
 *     map is there too (as vmem_map_init() maps it), ending at
 *     high_memory.
 * "vmcoreinfo_in=lowcore" leaves the VMCOREINFO note out of the ELF file, as
 * a QEMU dump-guest-memory ELF has none: the kernel's note buffer is then
 * only found through the absolute lowcore's vmcore_info (u64 at 0xe0c).
 */
#include "mkvmcore.h"

#include <inttypes.h>
#include <string.h>

#define CRST_BYTES		(2048 * 8)
#define PT_BYTES		(256 * 8)
#define R_INVALID		UINT64_C(0x20)
#define TT(level)		((uint64_t)(level) << 2)	/* 3 R1, 2 R2, 1 R3, 0 segment */
#define R_TL_FULL		UINT64_C(0x3)
#define R3_PRESENT		UINT64_C(0x1)
#define SEG_PRESENT		UINT64_C(0x1)
#define FC_LARGE		UINT64_C(0x400)
#define LARGE_RWYD		UINT64_C(0xf000)	/* SW write, read, dirty, young */
#define PTE_INVALID		UINT64_C(0x400)
#define PAGE_KERNEL		UINT64_C(0x13d)		/* present, read, write, dirty, young, noexec */
#define LC_VMCORE_INFO		0xe0c

static uint64_t pgd_pa;
static unsigned tables;
static const unsigned shift_of[5] = { 53, 42, 31, 20, 12 };	/* by table type 3..0, then PT */

static void s390_defaults(void)
{
	S.levels = 3;
	S.kload = 0;
	S.section_bits = 28;		/* asm/sparsemem.h */
	S.physmem_bits = 46;
	S.pt_direct = 1u << 20;
	S.pt_vmemmap = 1u << 20;
}

static void s390_check(void)
{
	if (S.l5 || S.sme || S.kaslr || S.kcore || S.page_shift != 12)
		die("l5=, sme=, kaslr=, kcore= and pagesize= are not s390x's");
	if (S.levels < 2 || S.levels > 5)
		die("s390x page tables have 2 to 5 levels");
	if (S.pt_vmemmap != 4096 && S.pt_vmemmap != (1u << 20))
		die("the s390x vmemmap uses 4k pages or 1m segments");
	if (S.pt_direct != 4096 && S.pt_direct != (1u << 20) && S.pt_direct != (2u << 30))
		die("the s390x identity map uses 4k, 1m or 2g pages");
	if (S.model == MM_FLAT || !S.memmap_vmemmap)
		die("the s390x backend builds SPARSEMEM_VMEMMAP kernels only");
}

/* ---- DAT tables --------------------------------------------------------------- */

/* crst_table_init(): every entry empty, of the table's type (tt 3..0) */
static void crst_init(uint64_t pa, unsigned tt)
{
	unsigned i;

	for (i = 0; i < 2048; i++)
		phys_w64(pa + 8 * i, TT(tt) | R_INVALID);
}

static uint64_t crst_alloc(unsigned tt)
{
	uint64_t pa = pool_alloc(CRST_BYTES / PAGE_SIZE, CRST_BYTES / PAGE_SIZE) << PAGE_SHIFT;

	tables++;
	crst_init(pa, tt);
	return pa;
}

/* page tables: 2 KiB halves of a page, all entries invalid */
static uint64_t pt_alloc(void)
{
	static uint64_t half;
	uint64_t pa;
	unsigned i;

	tables++;
	if (half) {
		pa = half;
		half = 0;
	} else {
		pa = pool_alloc(1, 1) << PAGE_SHIFT;
		half = pa + PT_BYTES;
	}
	for (i = 0; i < 256; i++)
		phys_w64(pa + 8 * i, PTE_INVALID);
	return pa;
}

static void s390_map(uint64_t va, uint64_t pa, uint64_t size)
{
	unsigned tt = S.levels - 2;	/* the top table's type: 3 R1 .. 0 segment */
	uint64_t table = pgd_pa;

	if ((va | pa) & (size - 1))
		die("internal: s390x map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	if (S.levels < 5 && va >> shift_of[3 - tt] >> 11)
		die("%#llx is beyond the %u-level tables' reach", (unsigned long long)va, S.levels);
	for (;; tt--) {
		unsigned shift = shift_of[3 - tt];
		uint64_t slot = table + 8 * ((va >> shift) & 2047), ent = phys_r64(slot);

		if (size == (UINT64_C(1) << shift)) {	/* a large page: 2 GiB (R3) or 1 MiB (segment) */
			uint64_t want = pa | FC_LARGE | LARGE_RWYD | (tt == 1 ? TT(1) | R3_PRESENT : SEG_PRESENT);

			if (tt > 1)
				die("internal: s390x has no %#llx-byte pages", (unsigned long long)size);
			if (!(ent & R_INVALID) && ent != want)
				die("internal: %#llx is already mapped differently", (unsigned long long)va);
			phys_w64(slot, want);
			return;
		}
		if (tt == 0) {		/* segment entry -> page table -> PTE */
			uint64_t pte;

			if (ent & R_INVALID) {
				ent = pt_alloc() | SEG_PRESENT;
				phys_w64(slot, ent);
			} else if (ent & FC_LARGE) {
				die("internal: %#llx lies under a large page already", (unsigned long long)va);
			}
			pte = (ent & ~UINT64_C(0x7ff)) + 8 * ((va >> 12) & 255);
			phys_w64(pte, (pa & ~UINT64_C(0xfff)) | PAGE_KERNEL);
			return;
		}
		if (ent & R_INVALID) {
			ent = crst_alloc(tt - 1) | TT(tt) | R_TL_FULL | (tt == 1 ? R3_PRESENT : 0);
			phys_w64(slot, ent);
		} else if (ent & FC_LARGE) {
			die("internal: %#llx lies under a large page already", (unsigned long long)va);
		}
		table = ent & ~UINT64_C(0xfff);
	}
}

static void s390_layout(void)
{
	uint64_t pgd_va;

	M.page_offset = 0;	/* the identity map */
	/* vmemmap in the top table's reach, above what RAM needs (the kernel puts it under vmalloc) */
	switch (S.levels) {
	case 2: M.vmemmap_base = UINT64_C(1) << 30; break;
	case 3: M.vmemmap_base = UINT64_C(0x30000000000); break;	/* 3 TiB in 4 TiB */
	case 4: M.vmemmap_base = UINT64_C(0x1ff0000000000); break;
	default: M.vmemmap_base = UINT64_C(0x1000000000000000); break;	/* a region-first index of 128 */
	}
	M.phys_base = 0;
	M.stext_va = S.kload + 0x100000;	/* text after the lowcore and the boot data */
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	pgd_va = kdata_alloc_aligned(CRST_BYTES, CRST_BYTES);	/* swapper_pg_dir, in .bss */
	M.top_pgt_va = pgd_va;
	pgd_pa = virt_to_phys(pgd_va);
	crst_init(pgd_pa, S.levels - 2);
	note("s390x: %u-level tables, swapper_pg_dir %#llx, vmemmap %#llx", S.levels,
	     (unsigned long long)pgd_va, (unsigned long long)M.vmemmap_base);
}

static uint64_t s390_kimage_va(uint64_t pa)
{
	return pa;
}

static void s390_direct_map(void)
{
	uint64_t g = S.pt_direct, done_end = 0;
	int i;

	for (i = 0; i < S.nram; i++) {
		uint64_t a = S.ram[i].start / g * g;

		if (a < done_end)
			a = done_end;
		for (; a < S.ram[i].end; a += g)
			s390_map(a, a, g);
		done_end = a;
	}
	note("identity map in %u KiB pages; %u tables so far", (unsigned)(g >> 10), tables);
}

/* ---- kernel objects ------------------------------------------------------------- */

static uint64_t high_memory_va, vmcoreinfo_note_pa;

/* The note buffer at absolute 0xe0c's pointer: Elf64_Nhdr, "VMCOREINFO", the text, a final empty note. */
static void lowcore_note(void)
{
	static char text[16384];
	size_t len = era_vmcoreinfo(&S, text, sizeof(text));
	uint64_t va = kdata_alloc(12 + 12 + len + 4 + 12);	/* zero: the final note too */
	uint8_t b[8];

	vmcoreinfo_note_pa = virt_to_phys(va);
	put_be(b, 11, 4);
	virt_write(va, b, 4);
	put_be(b, len, 4);
	virt_write(va + 4, b, 4);
	put_be(b, 0, 4);
	virt_write(va + 8, b, 4);
	virt_write(va + 12, "VMCOREINFO", 11);
	virt_write(va + 24, text, len);
	put_be(b, vmcoreinfo_note_pa, 8);
	phys_write(LC_VMCORE_INFO, b, 8);
}

static void s390_finish(void)
{
	uint64_t end = S.ram[S.nram - 1].end;

	high_memory_va = kdata_alloc(8);
	virt_w64(high_memory_va, end);	/* the identity map's end */
	if (!S.note)
		lowcore_note();
}

/* arch/s390/kernel/machine_kexec.c / vmcore_info.c arch_crash_save_vmcoreinfo() */
static void s390_vmcoreinfo(void)
{
	vmci_add("SYMBOL(high_memory)", "%" PRIx64, high_memory_va);
	vmci_add("KERNELOFFSET", "0");
}

const struct arch arch_s390x = {
	.name = "s390x",
	.machine = "s390x",
	.e_machine = 22,		/* EM_S390 */
	.big_endian = true,
	.prstatus_size = 336,		/* s390_regs: psw, 16 gprs, 16 acrs, orig_gpr2 */
	.vmap_list = false,
	.defaults = s390_defaults,
	.check = s390_check,
	.layout = s390_layout,
	.kimage_va = s390_kimage_va,
	.map = s390_map,
	.direct_map = s390_direct_map,
	.finish = s390_finish,
	.vmcoreinfo = s390_vmcoreinfo,
};
