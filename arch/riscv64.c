/*
 * arch/riscv64.c - riscv64 address translation (Sv39, Sv48, Sv57).
 *
 * Two regions translate by an offset: the linear map (PAGE_OFFSET maps
 * phys_ram_base) and the kernel image (KERNEL_LINK_ADDR and up, pa = va -
 * va_kernel_pa_offset).  Everything else (vmemmap, vmalloc, modules, and
 * the linear map when its offset is unknown) is a walk of swapper_pg_dir:
 * 3, 4 or 5 levels of 512 eight-byte entries, a leaf (R, W or X set) at
 * any level maps 4 KiB, 2 MiB, 1 GiB, 512 GiB or 256 TiB, and a Svnapot
 * leaf (N set) a naturally aligned run of 4 KiB pages.
 *
 * The paging mode is what the kernel ran with, not what it was built for
 * (Debian's kernels fall back from Sv57 to Sv48 or Sv39 on harts without
 * it): NUMBER(VA_BITS) says it (VA_BITS is a run-time value on riscv64);
 * without it, PAGE_OFFSET does (each mode puts it in its own upper half);
 * without both, the mode in which swapper_pg_dir's own address walks to
 * its own physical address.  Kernels export these numbers since 6.0
 * (arch_crash_save_vmcoreinfo); older ones can give -x and the dump's
 * kernel-text PT_LOAD only part of them.
 */
#include "arch.h"
#include "../log.h"

#include <inttypes.h>
#include <stdlib.h>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define PTE_V		UINT64_C(0x1)
#define PTE_RWX		UINT64_C(0xe)	/* any of them set: a leaf */
#define PTE_N		(UINT64_C(1) << 63)	/* Svnapot */
#define PTE_PPN_SHIFT	10
#define PTE_PPN_MASK	((UINT64_C(1) << 44) - 1)	/* bits 10..53 */
#define PT_BITS		9
#define KERNEL_LINK_DEF	UINT64_C(0xffffffff80000000)	/* 64-bit KERNEL_LINK_ADDR (not XIP) */
#define PHYSMEM_BITS_DEF 56

struct riscv64_state {
	unsigned va_bits, levels;	/* 39/3, 48/4 or 57/5 */
	const char *mode;		/* "Sv39", "Sv48", "Sv57" */
	const char *va_bits_from;	/* for -D: which fact said the mode */
	uint64_t pgd_pa;		/* swapper_pg_dir; 0 = unknown */
	bool have_linear;
	uint64_t page_offset, linear_end, ram_base;
	bool have_image;
	uint64_t link_addr, image_off;	/* va - pa of the kernel image */
};

struct walk_step {
	uint64_t entry_pa, entry;
	uint64_t size;		/* the leaf's: bytes the mapping covers */
};

/* The kernel's names of the levels, top first, per number of levels. */
static const char *level_name(unsigned levels, unsigned lvl)
{
	static const char *const n5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	static const char *const n4[] = { "PGD", "PUD", "PMD", "PTE" };
	static const char *const n3[] = { "PGD", "PMD", "PTE" };

	return levels == 5 ? n5[lvl] : levels == 4 ? n4[lvl] : n3[lvl];
}

static int set_mode(struct riscv64_state *st, unsigned va_bits)
{
	switch (va_bits) {
	case 39: st->mode = "Sv39"; break;
	case 48: st->mode = "Sv48"; break;
	case 57: st->mode = "Sv57"; break;
	default: return -1;
	}
	st->va_bits = va_bits;
	st->levels = (va_bits - 12) / PT_BITS;
	return 0;
}

/*
 * Walk swapper_pg_dir for va.  Fills steps[0..n) and returns n, or -1 with
 * e set when an entry is not valid or cannot be read.
 */
static int walk(struct kview *kv, const struct riscv64_state *st, uint64_t va, uint64_t *pa,
		uint64_t *span, struct walk_step *steps, struct err *e)
{
	uint64_t table = st->pgd_pa;
	unsigned lvl;

	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": no page table "
			       "(SYMBOL(swapper_pg_dir) or va_kernel_pa_offset unknown)", va);
	for (lvl = 0; lvl < st->levels; lvl++) {
		unsigned shift = 12 + PT_BITS * (st->levels - 1 - lvl);
		uint64_t idx = (va >> shift) & ((1u << PT_BITS) - 1);
		uint64_t size = UINT64_C(1) << shift, ent, base;
		uint8_t b[8];

		steps[lvl].entry_pa = table + 8 * idx;
		if (vmcore_read_phys(kv->vc, steps[lvl].entry_pa, b, 8, e) < 0)
			return err_prefix(e, "cannot translate 0x%" PRIx64 ": %s %s entry", va,
					  st->mode, level_name(st->levels, lvl));
		ent = steps[lvl].entry = kv_ld64(kv, b);
		if (!(ent & PTE_V))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s %s entry %016" PRIx64
				       " not valid", va, st->mode, level_name(st->levels, lvl), ent);
		base = ((ent >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
		if (ent & PTE_RWX) {
			if (lvl == st->levels - 1 && (ent & PTE_N) && (base >> 12))
				/* Svnapot: the lowest set PPN bit says the run, 1000b = 64 KiB */
				size <<= __builtin_ctzll(base >> 12) + 1;
			*pa = (base & ~(size - 1)) + (va & (size - 1));
			*span = size - (va & (size - 1));
			steps[lvl].size = size;
			return (int)lvl + 1;
		}
		if (lvl == st->levels - 1)
			break;
		table = base;
	}
	return err_set(e, "cannot translate 0x%" PRIx64 ": %s PTE entry is not a leaf", va, st->mode);
}

/* The mode in which swapper_pg_dir's address walks to its own pa; 0 if none does. */
static unsigned probe_va_bits(struct kview *kv, struct riscv64_state *st, uint64_t pgd_va)
{
	static const unsigned modes[] = { 57, 48, 39 };
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct walk_step steps[5];
		struct err quiet = { 0 };
		uint64_t pa, span;

		set_mode(st, modes[i]);
		if (walk(kv, st, pgd_va, &pa, &span, steps, &quiet) > 0 && pa == st->pgd_pa)
			return modes[i];
	}
	return 0;
}

/* Each mode's PAGE_OFFSET lies in its own upper half: the smallest half holding it. */
static unsigned va_bits_of_page_offset(uint64_t po)
{
	if (po >= -(UINT64_C(1) << 38))
		return 39;
	if (po >= -(UINT64_C(1) << 47))
		return 48;
	if (po >= -(UINT64_C(1) << 56))
		return 57;
	return 0;
}

/*
 * va_kernel_pa_offset, else the dump's kernel-text PT_LOAD (the only
 * PT_LOAD at or above KERNEL_LINK_ADDR; kexec-tools and the kernel write
 * it as the image's va and pa).
 */
static void find_image_offset(struct kview *kv, struct riscv64_state *st)
{
	const struct kfacts *k = &kv->k;
	size_t i;

	st->link_addr = kf_have(k, KF_NUM_KERNEL_LINK_ADDR) ? (uint64_t)kf_val(k, KF_NUM_KERNEL_LINK_ADDR)
							   : KERNEL_LINK_DEF;
	if (kf_have(k, KF_NUM_va_kernel_pa_offset)) {
		st->image_off = (uint64_t)kf_val(k, KF_NUM_va_kernel_pa_offset);
		st->have_image = true;
		return;
	}
	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr >= st->link_addr && s->memsz) {
			st->image_off = s->vaddr - s->paddr;
			st->have_image = true;
			log_debug("riscv64: va_kernel_pa_offset %" PRIx64 " from the kernel-text PT_LOAD\n",
				  st->image_off);
			return;
		}
	}
}

/*
 * The linear map is a quarter of the address space from PAGE_OFFSET
 * (arch/riscv/include/asm/pgtable.h: KERN_VIRT_SIZE / 2), ending early at
 * the next region above it.
 */
static void set_linear(const struct kfacts *k, struct riscv64_state *st)
{
	static const enum kf_id after[] = { KF_NUM_VMALLOC_START, KF_NUM_VMEMMAP_START,
					    KF_NUM_MODULES_VADDR, KF_NUM_KERNEL_LINK_ADDR };
	size_t i;

	if (!kf_have(k, KF_NUM_PAGE_OFFSET) || !kf_have(k, KF_NUM_phys_ram_base))
		return;	/* the walk translates the linear map too */
	st->page_offset = (uint64_t)kf_val(k, KF_NUM_PAGE_OFFSET);
	st->ram_base = (uint64_t)kf_val(k, KF_NUM_phys_ram_base);
	st->linear_end = st->page_offset + (UINT64_C(1) << (st->va_bits - 2));
	if (st->linear_end < st->page_offset)
		st->linear_end = 0;	/* ends at the top of the address space */
	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		uint64_t v = kf_have(k, after[i]) ? (uint64_t)kf_val(k, after[i]) : 0;

		if (v > st->page_offset && (st->linear_end == 0 || v < st->linear_end))
			st->linear_end = v;
	}
	st->have_linear = true;
}

static int riscv64_init(struct kview *kv, struct err *e)
{
	struct riscv64_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;
	unsigned va_bits = 0;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	if (kv->page_shift != 12)
		return err_set(e, "%s: riscv64 page size %u is not 4 KiB", vmcore_path(kv->vc),
			       kv->page_size);
	find_image_offset(kv, st);
	if (st->have_image && kf_have(k, KF_SYM_swapper_pg_dir))
		st->pgd_pa = kf_addr(k, KF_SYM_swapper_pg_dir) - st->image_off;
	if (kf_have(k, KF_NUM_VA_BITS)) {
		va_bits = (unsigned)kf_val(k, KF_NUM_VA_BITS);
		st->va_bits_from = "NUMBER(VA_BITS)";
	} else if (kf_have(k, KF_NUM_PAGE_OFFSET)) {
		va_bits = va_bits_of_page_offset((uint64_t)kf_val(k, KF_NUM_PAGE_OFFSET));
		st->va_bits_from = "NUMBER(PAGE_OFFSET)";
	} else if (st->pgd_pa) {
		va_bits = probe_va_bits(kv, st, kf_addr(k, KF_SYM_swapper_pg_dir));
		st->va_bits_from = "a walk of swapper_pg_dir";
	}
	if (!va_bits && kv->have_facts)
		return err_set(e, "%s: riscv64 paging mode unknown: no NUMBER(VA_BITS) or "
			       "NUMBER(PAGE_OFFSET), and swapper_pg_dir does not walk in Sv39, Sv48 or Sv57",
			       vmcore_path(kv->vc));
	if (!va_bits)
		va_bits = 39;	/* no facts at all: nothing is translated but the image */
	if (set_mode(st, va_bits) < 0)
		return err_set(e, "%s: riscv64 VA_BITS %u is not 39, 48 or 57", vmcore_path(kv->vc),
			       va_bits);
	if (kv->have_facts && !st->pgd_pa)
		log_msg("WARNING: riscv64: %s unknown: the vmemmap, vmalloc and modules cannot be translated.\n",
			kf_have(k, KF_SYM_swapper_pg_dir) ? "va_kernel_pa_offset (and no kernel-text PT_LOAD)"
							  : "SYMBOL(swapper_pg_dir)");
	set_linear(k, st);
	/* what upstream writes as the kdump header's phys_base */
	kv->phys_base = (uint64_t)kf_or(k, KF_NUM_phys_ram_base, 0);
	if (kv->have_facts)
		log_debug("riscv64: %s (from %s), swapper_pg_dir pa %" PRIx64 "\n", st->mode,
			  st->va_bits_from ? st->va_bits_from : "a default", st->pgd_pa);
	return 0;
}

static void riscv64_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int riscv64_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
			struct err *e)
{
	const struct riscv64_state *st = kv->arch_state;
	struct walk_step steps[5];

	if (st->have_image && va >= st->link_addr) {
		*pa = va - st->image_off;
		*span = -va;	/* to the top of the address space */
		return 0;
	}
	if (st->have_linear && va >= st->page_offset && (st->linear_end == 0 || va < st->linear_end)) {
		*pa = va - st->page_offset + st->ram_base;
		*span = (st->linear_end ? st->linear_end : 0) - va;
		return 0;
	}
	return walk(kv, st, va, pa, span, steps, e) < 0 ? -1 : 0;
}

static int riscv64_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	const struct riscv64_state *st = kv->arch_state;
	struct walk_step steps[5];
	uint64_t pa, span;
	int n, i;

	fprintf(out, "Page-table walk of %016" PRIx64 " (%s):\n", va, st->mode);
	n = walk(kv, st, va, &pa, &span, steps, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", level_name(st->levels, (unsigned)i),
			steps[i].entry_pa, steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "  (%" PRIu64 " KiB mapping)\n", pa - (va & (kv->page_size - 1)),
		steps[n - 1].size / 1024);
	return 0;
}

/* Kernel addresses are the upper half of the mode's address space. */
static int riscv64_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct riscv64_state *st = kv->arch_state;

	return va >= -(UINT64_C(1) << (st->va_bits - 1));
}

static uint64_t riscv64_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	(void)kv;
	(void)lvl;
	(void)count;
	if (!(ent & PTE_V) || (ent & PTE_RWX))
		return 0;	/* invalid, or a leaf */
	return ((ent >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
}

/* The kernel's half of swapper_pg_dir: the upper 256 entries. */
static int riscv64_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct riscv64_state *st = kv->arch_state;
	unsigned i;

	if (!st->pgd_pa || st->levels < 1 || st->levels > PT_MAX_LEVELS)
		return -1;
	t->root_pa = st->pgd_pa;
	t->levels = st->levels;
	t->entry_bytes = 8;
	t->big_endian = false;
	for (i = 0; i < t->levels; i++)
		t->count[i] = 1u << PT_BITS;
	t->root_first = t->root_count = 1u << (PT_BITS - 1);
	t->next = riscv64_next_table;
	return 0;
}

/* riscv64 Linux has only 4 KiB base pages. */
static unsigned riscv64_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 4096;
}

/* arch/riscv/include/asm/sparsemem.h: 27 for 64-bit since SPARSEMEM came (5.2). */
static unsigned riscv64_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 27;
}

/*
 * MAX_PHYSMEM_BITS is 56 on 64-bit (asm/sparsemem.h); riscv64 is
 * SPARSEMEM_EXTREME, so LENGTH(mem_section) says it exactly when present.
 */
static unsigned riscv64_max_physmem_bits(const struct kview *kv)
{
	unsigned bits = arch_physmem_bits_from_roots(kv);

	return bits ? bits : PHYSMEM_BITS_DEF;
}

const struct arch_ops arch_riscv64 = {
	.name = "riscv64",
	.e_machine = EM_RISCV,
	.init = riscv64_init,
	.fini = riscv64_fini,
	.vtop = riscv64_vtop,
	.print_vtop = riscv64_print_vtop,
	.is_kvaddr = riscv64_is_kvaddr,
	.kernel_tables = riscv64_kernel_tables,
	.vmlinux_page_size = riscv64_vmlinux_page_size,
	.char_is_signed = false,	/* the RISC-V psABI makes plain char unsigned */
	.section_size_bits = riscv64_section_size_bits,
	.max_physmem_bits = riscv64_max_physmem_bits,
};
