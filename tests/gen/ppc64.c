/*
 * ppc64.c - the ppc64 (Book3S 64) backends: little-endian (ppc64le) and
 * big-endian (ppc64), radix or hash MMU, 4 KiB or 64 KiB pages.
 *
 * Written from the kernel's headers (arch/powerpc/include/asm/book3s/64/):
 *   - the linear map is PAGE_OFFSET 0xc000000000000000 + pa; the kernel
 *     runs from it (_stext = PAGE_OFFSET + its load address);
 *   - swapper_pg_dir holds four levels, index widths (PGD PUD PMD PTE)
 *     radix-64k.h 13 9 9 5, radix-4k.h 13 9 9 9, hash-64k.h 8 10 10 8,
 *     hash-4k.h 9 9 7 9; tables are sizeof(entry) << index bits except
 *     hash-64k's PUD and PMD (a second half for hugetlb/THP slots) and its
 *     PTE fragments (a second half for the HPTE indexes);
 *   - every entry is big-endian (pte_raw is __be64) in both byte orders;
 *     a table pointer is __pa(table) | _PAGE_PRESENT (radix adds the next
 *     table's index size: RADIX_P?D_VAL_BITS); a leaf has _PAGE_PTE, its
 *     frame in bits PAGE_SHIFT.._PAGE_PA_MAX-1 (53), and on hash the
 *     HPTE bookkeeping bits above them (H_PAGE_HASHPTE, H_PAGE_F_GIX);
 *   - radix: vmalloc at 0xc008000000000000, vmemmap at 0xc00c000000000000
 *     (RADIX_KERN_MAP_SIZE 2^49 each for vmalloc, I/O, vmemmap); the linear
 *     map and the vmemmap are in the page tables;
 *   - hash: vmalloc at H_KERN_VIRT_START (64k 0xc008000000000000, 4k
 *     0xc000100000000000), vmemmap H_KERN_MAP_SIZE * 2 above it; neither
 *     the linear map nor the vmemmap is in the page tables (bolted HPTEs):
 *     the vmemmap's mapping is on vmemmap_list (struct vmemmap_backing
 *     {list, phys, virt_addr}, newest first), each entry one page of
 *     1 << mmu_psize_defs[mmu_vmemmap_psize].shift bytes.
 */
#include "mkvmcore.h"

#include <inttypes.h>
#include <stdlib.h>

#define PPC_PAGE_OFFSET		UINT64_C(0xc000000000000000)
#define E_PRESENT		UINT64_C(0x8000000000000000)	/* _PAGE_PRESENT */
#define E_PTE			UINT64_C(0x4000000000000000)	/* _PAGE_PTE */
/* PAGE_KERNEL without _PAGE_PRESENT: accessed, _PAGE_KERNEL_RW (privileged, rw, dirty) */
#define E_KERNEL_RW		UINT64_C(0x18e)
#define PA_MAX_BITS		53				/* _PAGE_PA_MAX */
#define H64K_HASHPTE		(UINT64_C(1) << 55)		/* hash-64k H_PAGE_HASHPTE (_RPAGE_RPN43) */
#define H4K_GIX(n)		((uint64_t)(n) << 53)		/* hash-4k H_PAGE_F_GIX (RPN41..43) */

/* asm/mmu.h: MMU_PAGE_* indexes of mmu_psize_defs[] */
#define MMU_PAGE_4K		0
#define MMU_PAGE_64K		2
#define MMU_PAGE_2M		7
#define MMU_PAGE_16M		10
#define MMU_PAGE_1G		13
#define MMU_PAGE_COUNT		16
#define SIZE_MMU_PSIZE_DEF	96	/* shift, penc[16], tlbiel, avpnm, sllp, h_rpt_pgsize */
#define SIZE_VMEMMAP_BACKING	24

struct geom {
	unsigned bits[4];	/* PGD PUD PMD PTE */
	unsigned bytes[4];	/* table sizes */
};

static const struct geom radix64k = { { 13, 9, 9, 5 }, { 8 << 13, 8 << 9, 8 << 9, 8 << 5 } };
static const struct geom radix4k = { { 13, 9, 9, 9 }, { 8 << 13, 8 << 9, 8 << 9, 8 << 9 } };
static const struct geom hash64k = { { 8, 10, 10, 8 }, { 8 << 8, 16 << 10, 16 << 10, 16 << 8 } };
static const struct geom hash4k = { { 9, 9, 7, 9 }, { 8 << 9, 8 << 9, 8 << 7, 8 << 9 } };

static const struct geom *G;
static uint64_t pgd_pa, vmalloc_start;
static unsigned tables;

/* vmemmap pages as created, for vmemmap_list */
static struct { uint64_t va, pa; } *vmm;
static size_t nvmm, cap_vmm;

static void ppc_defaults(void)
{
	S.page_shift = 16;
	S.radix = true;
	S.kload = 0;
	S.section_bits = 24;		/* asm/sparsemem.h */
	S.physmem_bits = 51;		/* R_MAX_PHYSMEM_BITS / H_MAX_PHYSMEM_BITS of 6.x */
	S.pt_direct = 2u << 20;
	S.pt_vmemmap = 2u << 20;
}

static void ppc_check(void)
{
	unsigned v = S.pt_vmemmap, d = S.pt_direct;

	if (S.l5 || S.sme || S.kaslr || S.kcore)
		die("l5=, sme=, kaslr= and kcore= are x86_64's");
	if (PAGE_SIZE == (16u << 10))
		die("ppc64 pages are 4k or 64k");
	if (S.radix && !(v == PAGE_SIZE || v == (2u << 20)))
		die("radix vmemmap pages are the base page or 2m");
	if (!S.radix && !(v == PAGE_SIZE || v == (64u << 10) || v == (16u << 20)))
		die("hash vmemmap pages are the base page, 64k or 16m");
	if (!S.radix && v == (64u << 10) && PAGE_SIZE != v)
		die("a 64k hash vmemmap needs 64k pages");
	if (S.radix && !(d == PAGE_SIZE || d == (2u << 20) || d == (1u << 30)))
		die("the radix linear map uses base pages, 2m or 1g");
	if (S.model == MM_FLAT || !S.memmap_vmemmap)
		die("ppc64 backends build SPARSEMEM_VMEMMAP kernels only");
}

/* ---- page tables ------------------------------------------------------------- */

static void be_w64(uint64_t pa, uint64_t v)
{
	uint8_t b[8];

	put_be(b, v, 8);
	phys_write(pa, b, 8);
}

static uint64_t be_r64(uint64_t pa)
{
	const uint8_t *p = phys_page(pa >> PAGE_SHIFT) + (pa & (PAGE_SIZE - 1));
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* A zeroed table of n bytes aligned to n: whole pages, or a fragment of one. */
static uint64_t table_alloc(uint64_t n)
{
	static uint64_t frag, frag_end;
	uint64_t pa;

	tables++;
	if (n >= PAGE_SIZE)
		return pool_alloc(n / PAGE_SIZE, n / PAGE_SIZE) << PAGE_SHIFT;
	frag = (frag + n - 1) / n * n;
	if (!frag_end || frag + n > frag_end) {
		frag = pool_alloc(1, 1) << PAGE_SHIFT;
		frag_end = frag + PAGE_SIZE;
	}
	pa = frag;
	frag += n;
	return pa;
}

static uint64_t leaf_bits(void)
{
	if (S.radix)
		return 0;
	return PAGE_SHIFT == 16 ? H64K_HASHPTE : H4K_GIX(5);
}

/* Map [va, va + size) to pa with one leaf entry at the level that maps size bytes. */
static void ppc_map(uint64_t va, uint64_t pa, uint64_t size)
{
	unsigned shift = PAGE_SHIFT + G->bits[1] + G->bits[2] + G->bits[3], lvl;
	uint64_t table = pgd_pa;

	if ((va | pa) & (size - 1))
		die("internal: ppc64 map of %#llx -> %#llx is not aligned to %#llx",
		    (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
	for (lvl = 0; lvl < 4; lvl++) {
		uint64_t slot = table + 8 * ((va >> shift) & ((UINT64_C(1) << G->bits[lvl]) - 1));
		uint64_t ent = be_r64(slot);

		if ((UINT64_C(1) << shift) == size) {
			uint64_t want = (pa & ((UINT64_C(1) << PA_MAX_BITS) - 1)) | E_PRESENT | E_PTE | E_KERNEL_RW |
					leaf_bits();

			if ((ent & E_PRESENT) && ent != want)
				die("internal: %#llx is already mapped differently", (unsigned long long)va);
			be_w64(slot, want);
			return;
		}
		if (lvl == 3)
			break;
		if (!(ent & E_PRESENT)) {
			uint64_t t = table_alloc(G->bytes[lvl + 1]);

			ent = t | E_PRESENT | (S.radix ? G->bits[lvl + 1] : 0);
			be_w64(slot, ent);
		} else if (ent & E_PTE) {
			die("internal: %#llx lies under a large page already", (unsigned long long)va);
		}
		table = ent & ~UINT64_C(0xc0000000000000ff);	/* P?D_MASKED_BITS */
		shift -= G->bits[lvl + 1];
	}
	die("internal: ppc64 cannot map %#llx bytes at one level", (unsigned long long)size);
}

static void ppc_layout(void)
{
	bool k64 = PAGE_SHIFT == 16;
	uint64_t pgd_va;

	G = S.radix ? (k64 ? &radix64k : &radix4k) : (k64 ? &hash64k : &hash4k);
	M.page_offset = PPC_PAGE_OFFSET;
	if (S.radix || k64) {
		vmalloc_start = UINT64_C(0xc008000000000000);
		M.vmemmap_base = UINT64_C(0xc00c000000000000);
	} else {
		vmalloc_start = UINT64_C(0xc000100000000000);
		M.vmemmap_base = UINT64_C(0xc000300000000000);
	}
	M.phys_base = 0;
	M.stext_va = M.page_offset + S.kload;
	M.free_huge_page_va = M.stext_va + 0x2345a0;
	pgd_va = kdata_alloc_aligned(G->bytes[0], G->bytes[0]);	/* swapper_pg_dir, in .data */
	M.top_pgt_va = pgd_va;
	pgd_pa = virt_to_phys(pgd_va);
	note("ppc64 %s MMU, %u KiB pages: swapper_pg_dir %#llx, vmalloc %#llx, vmemmap %#llx",
	     S.radix ? "radix" : "hash", PAGE_SIZE >> 10, (unsigned long long)pgd_va,
	     (unsigned long long)vmalloc_start, (unsigned long long)M.vmemmap_base);
}

static uint64_t ppc_kimage_va(uint64_t pa)
{
	return M.page_offset + pa;
}

/* Radix maps the linear map in swapper_pg_dir; hash bolts it in the HPT (not in the dump's tables). */
static void ppc_direct_map(void)
{
	uint64_t g = S.pt_direct, done_end = 0;
	int i;

	if (!S.radix)
		return;
	for (i = 0; i < S.nram; i++) {
		uint64_t a = S.ram[i].start / g * g;

		if (a < done_end)
			a = done_end;
		for (; a < S.ram[i].end; a += g)
			ppc_map(M.page_offset + a, a, g);
		done_end = a;
	}
	note("radix linear map in %u KiB pages; %u page tables so far", (unsigned)(g >> 10), tables);
}

static void ppc_vmemmap_map(uint64_t va, uint64_t pa, uint64_t size)
{
	if (size != S.pt_vmemmap)
		die("no free %u KiB block of RAM for the vmemmap (vmemmap_list pages are all one size)",
		    S.pt_vmemmap >> 10);
	if (S.radix)
		ppc_map(va, pa, size);
	if (nvmm == cap_vmm) {
		cap_vmm = cap_vmm ? cap_vmm * 2 : 64;
		vmm = realloc(vmm, cap_vmm * sizeof(*vmm));
		if (!vmm)
			die("out of memory");
	}
	vmm[nvmm].va = va;
	vmm[nvmm].pa = pa;
	nvmm++;
}

/* ---- kernel objects: vmemmap_list, mmu_psize_defs ------------------------------------ */

static uint64_t vmemmap_list_va, psize_defs_va, vmemmap_psize_va;

static int psize_index(uint64_t bytes)
{
	switch (bytes) {
	case 4096: return MMU_PAGE_4K;
	case 64u << 10: return MMU_PAGE_64K;
	case 2u << 20: return MMU_PAGE_2M;
	case 16u << 20: return MMU_PAGE_16M;
	default: return MMU_PAGE_1G;
	}
}

static void ppc_finish(void)
{
	static const struct { int idx; unsigned shift; } defs[] = {
		{ MMU_PAGE_4K, 12 }, { MMU_PAGE_64K, 16 }, { MMU_PAGE_2M, 21 },
		{ MMU_PAGE_16M, 24 }, { MMU_PAGE_1G, 30 },
	};
	uint64_t head = 0, slab = 0, used = 0;
	size_t i;

	psize_defs_va = kdata_alloc(MMU_PAGE_COUNT * SIZE_MMU_PSIZE_DEF);
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		virt_w32(psize_defs_va + (uint64_t)defs[i].idx * SIZE_MMU_PSIZE_DEF, defs[i].shift);
	vmemmap_psize_va = kdata_alloc(4);
	virt_w32(vmemmap_psize_va, (uint32_t)psize_index(S.pt_vmemmap));
	vmemmap_list_va = kdata_alloc(8);
	/* vmemmap_list_alloc(): entries carved from pages of the linear map, each new one first */
	for (i = 0; i < nvmm; i++) {
		uint64_t node;

		if (!slab || used + SIZE_VMEMMAP_BACKING > PAGE_SIZE) {
			slab = phys_to_direct(pool_alloc(1, 1) << PAGE_SHIFT);
			used = 0;
		}
		node = slab + used;
		used += SIZE_VMEMMAP_BACKING;
		virt_w64(node + 0, head);		/* list */
		virt_w64(node + 8, vmm[i].pa);		/* phys */
		virt_w64(node + 16, vmm[i].va);		/* virt_addr */
		head = node;
	}
	virt_w64(vmemmap_list_va, head);
	note("vmemmap_list: %zu entries of %u KiB; %u page tables", nvmm, S.pt_vmemmap >> 10, tables);
}

/* arch/powerpc/kexec/core.c arch_crash_save_vmcoreinfo(), and the generic vmap_area keys */
static void ppc_vmcoreinfo(void)
{
	vmci_add("SYMBOL(vmap_area_list)", "%" PRIx64, M.vmap_list_va);
	vmci_add("OFFSET(vmap_area.va_start)", "0");
	vmci_add("OFFSET(vmap_area.list)", "40");
	vmci_add("SYMBOL(vmemmap_list)", "%" PRIx64, vmemmap_list_va);
	vmci_add("SYMBOL(mmu_vmemmap_psize)", "%" PRIx64, vmemmap_psize_va);
	vmci_add("SYMBOL(mmu_psize_defs)", "%" PRIx64, psize_defs_va);
	vmci_add("SIZE(vmemmap_backing)", "%d", SIZE_VMEMMAP_BACKING);
	vmci_add("OFFSET(vmemmap_backing.list)", "0");
	vmci_add("OFFSET(vmemmap_backing.phys)", "8");
	vmci_add("OFFSET(vmemmap_backing.virt_addr)", "16");
	vmci_add("SIZE(mmu_psize_def)", "%d", SIZE_MMU_PSIZE_DEF);
	vmci_add("OFFSET(mmu_psize_def.shift)", "0");
	if (era_at_least(S.era, "6.12"))	/* 6.2+ */
		vmci_add("NUMBER(RADIX_MMU)", "%d", S.radix);
	vmci_add("KERNELOFFSET", "0");
}

#define PPC64_BACKEND \
	.e_machine = 21 /* EM_PPC64 */, \
	.prstatus_size = 504,	/* 48 registers of pr_reg */ \
	.vmap_list = true, .defaults = ppc_defaults, .check = ppc_check, .layout = ppc_layout, \
	.kimage_va = ppc_kimage_va, .map = ppc_map, .direct_map = ppc_direct_map, \
	.vmemmap_map = ppc_vmemmap_map, .finish = ppc_finish, .vmcoreinfo = ppc_vmcoreinfo

const struct arch arch_ppc64le = { .name = "ppc64le", PPC64_BACKEND, .machine = "ppc64le" };
const struct arch arch_ppc64 = { .name = "ppc64", PPC64_BACKEND, .machine = "ppc64",
				 .big_endian = true };
