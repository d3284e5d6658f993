/*
 * arch/x86_64.c - x86_64 address translation.
 *
 * Kernel text and data (the __START_KERNEL_map region) translate by
 * phys_base; everything else (direct map, vmemmap, vmalloc, modules) by
 * walking the kernel's page tables from init_top_pgt (init_level4_pgt on
 * kernels before 4.13), 4 or 5 levels, with 1 GiB and 2 MiB pages, and the
 * SME encryption bit stripped from each entry.
 */
#include "arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>

#define START_KERNEL_MAP	UINT64_C(0xffffffff80000000)
#define KERNEL_IMAGE_SIZE_DEF	UINT64_C(0x40000000)	/* 1 GiB since 4.x; was 512 MiB */
#define ENTRY_ADDR_MASK		UINT64_C(0x000ffffffffff000)
#define PAGE_PRESENT		UINT64_C(0x1)
#define PAGE_PSE		UINT64_C(0x80)
#define PTRS_PER_TABLE		512

struct x86_64_state {
	uint64_t top_pgt_pa;	/* physical address of the top page table; 0 = none */
	unsigned levels;	/* 4 or 5 */
	uint64_t sme_mask;
	uint64_t image_size;
	uint64_t page_offset;	/* start of the direct map, from the PT_LOADs; 0 = unknown */
};

static int x86_64_find_phys_base(struct kview *kv)
{
	size_t i;

	if (kf_have(&kv->k, KF_NUM_phys_base)) {
		kv->phys_base = (uint64_t)kf_val(&kv->k, KF_NUM_phys_base);
		return 0;
	}
	/* No VMCOREINFO value: the kernel text segment tells it. */
	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr >= START_KERNEL_MAP) {
			kv->phys_base = s->paddr - (s->vaddr - START_KERNEL_MAP);
			return 0;
		}
	}
	return 0;	/* a refiltered dump keeps its input's */
}

/* The direct map's base: a RAM segment below the kernel map has vaddr = base + paddr. */
static uint64_t find_page_offset(const struct kview *kv)
{
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr >= UINT64_C(0xff00000000000000) && s->vaddr < START_KERNEL_MAP)
			return s->vaddr - s->paddr;
	}
	return 0;
}

static int x86_64_init(struct kview *kv, struct err *e)
{
	struct x86_64_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;
	uint64_t top = 0;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	x86_64_find_phys_base(kv);
	st->levels = kf_or(k, KF_NUM_pgtable_l5_enabled, 0) ? 5 : 4;
	st->sme_mask = (uint64_t)kf_or(k, KF_NUM_sme_mask, 0);
	st->image_size = (uint64_t)kf_or(k, KF_NUM_KERNEL_IMAGE_SIZE, (int64_t)KERNEL_IMAGE_SIZE_DEF);
	st->page_offset = find_page_offset(kv);
	if (kf_have(k, KF_SYM_init_top_pgt))
		top = kf_addr(k, KF_SYM_init_top_pgt);
	else if (kf_have(k, KF_SYM_init_level4_pgt))
		top = kf_addr(k, KF_SYM_init_level4_pgt);
	if (top)
		st->top_pgt_pa = top - START_KERNEL_MAP + kv->phys_base;
	return 0;
}

static void x86_64_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int in_kernel_image(const struct x86_64_state *st, uint64_t va)
{
	return va >= START_KERNEL_MAP && va - START_KERNEL_MAP < st->image_size;
}

struct walk_step {
	const char *name;
	uint64_t table_pa, entry;
	unsigned idx;
};

/*
 * Walk the page tables for va.  Fills up to 5 steps; returns the number of
 * steps, or -1 (with e set) when an entry is not present or unreadable.
 */
static int walk(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		uint64_t *page_size, struct walk_step *steps, struct err *e)
{
	static const char *const names[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	const struct x86_64_state *st = kv->arch_state;
	uint64_t table = st->top_pgt_pa;
	unsigned level, n = 0;
	unsigned first = st->levels == 5 ? 0 : 1;

	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": no page table (init_top_pgt) in the kernel facts", va);
	for (level = first; level < 5; level++) {
		/* 5-level PGD: bit 48; P4D (the PGD of 4-level): 39; PUD 30; PMD 21; PTE 12 */
		unsigned shift = 48 - 9 * level;
		unsigned idx;
		uint64_t ent, size;

		idx = (unsigned)((va >> shift) & (PTRS_PER_TABLE - 1));
		if (kview_read_phys_word(kv, table + 8 * (uint64_t)idx, 8, &ent, e) < 0)
			return -1;
		steps[n].name = (st->levels == 4 && level == 1) ? "PGD" : names[level];
		steps[n].table_pa = table;
		steps[n].idx = idx;
		steps[n].entry = ent;
		n++;
		if (!(ent & PAGE_PRESENT))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry not present",
				       va, steps[n - 1].name);
		ent &= ~st->sme_mask;
		size = UINT64_C(1) << shift;
		if (level == 4 || ((level == 2 || level == 3) && (ent & PAGE_PSE))) {
			*pa = (ent & ENTRY_ADDR_MASK & ~(size - 1)) + (va & (size - 1));
			*span = size - (va & (size - 1));
			if (page_size)
				*page_size = size;
			return (int)n;
		}
		table = ent & ENTRY_ADDR_MASK;
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

static int x86_64_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		       struct err *e)
{
	const struct x86_64_state *st = kv->arch_state;
	struct walk_step steps[5];

	if (in_kernel_image(st, va)) {
		*pa = va - START_KERNEL_MAP + kv->phys_base;
		*span = st->image_size - (va - START_KERNEL_MAP);
		return 0;
	}
	if (!st->top_pgt_pa && st->page_offset && va >= st->page_offset &&
	    va < START_KERNEL_MAP) {
		/* No page tables known (no VMCOREINFO): the direct map still works. */
		*pa = va - st->page_offset;
		*span = kv->page_size - (va & (kv->page_size - 1));
		return 0;
	}
	return walk(kv, va, pa, span, NULL, steps, e) < 0 ? -1 : 0;
}

static int x86_64_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	struct walk_step steps[5];
	uint64_t pa, span, size;
	int i, n;

	fprintf(out, "Page-table walk of %016" PRIx64 ":\n", va);
	n = walk(kv, va, &pa, &span, &size, steps, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", steps[i].name,
			steps[i].table_pa + 8 * (uint64_t)steps[i].idx, steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "  (%s)\n", pa - (va & (size - 1)),
		size == (UINT64_C(1) << 30) ? "1GB" : size == (UINT64_C(1) << 21) ? "2MB" : "4KB");
	return 0;
}

static int x86_64_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct x86_64_state *st = kv->arch_state;

	return va >= (st->levels == 5 ? UINT64_C(0xff00000000000000)
				      : UINT64_C(0xffff800000000000));
}

/* x86 has only 4 KiB base pages. */
static unsigned x86_64_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 4096;
}

/*
 * arch/x86/include/asm/sparsemem.h: SECTION_SIZE_BITS is 27 since x86_64
 * got SPARSEMEM (bbfceef47fb9 "[PATCH] add x86-64 specific support for
 * sparsemem", 2.6.13).
 */
static unsigned x86_64_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 27;
}

/*
 * MAX_PHYSMEM_BITS is 46 since c898faf91b3e ("x86: 46 bit physical address
 * support on 64 bits", 2.6.31), and 52 with 5-level paging (4c7c44837be7
 * "x86/mm: Define virtual memory map for 5-level paging"; since 4.17 it is
 * "pgtable_l5_enabled() ? 52 : 46"): the paging mode init found in the
 * dump.  Older kernels had 40, then 44: not told apart here (0: unknown).
 */
static unsigned x86_64_max_physmem_bits(const struct kview *kv)
{
	const struct x86_64_state *st = kv->arch_state;
	const char *release = kf_text(&kv->k, KT_OSRELEASE);

	if (!release[0] || kf_release_cmp(release, 2, 6, 31) < 0)
		return 0;
	return st->levels == 5 ? 52 : 46;
}

/* Levels from the top; the last two before the PTEs may be 1 GiB and 2 MiB pages. */
static uint64_t x86_64_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	const struct x86_64_state *st = kv->arch_state;

	(void)count;
	if (!(ent & PAGE_PRESENT) || (lvl + 3 >= st->levels && (ent & PAGE_PSE)))
		return 0;
	return ent & ~st->sme_mask & ENTRY_ADDR_MASK;
}

/* The kernel's half of init_top_pgt: entries 256 to 511. */
static int x86_64_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct x86_64_state *st = kv->arch_state;
	unsigned i;

	if (!st->top_pgt_pa)
		return -1;
	t->root_pa = st->top_pgt_pa;
	t->levels = st->levels;
	t->entry_bytes = 8;
	t->big_endian = false;
	t->root_first = PTRS_PER_TABLE / 2;
	t->root_count = PTRS_PER_TABLE / 2;
	for (i = 0; i < t->levels; i++)
		t->count[i] = PTRS_PER_TABLE;
	t->next = x86_64_next_table;
	return 0;
}

const struct arch_ops arch_x86_64 = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.init = x86_64_init,
	.fini = x86_64_fini,
	.vtop = x86_64_vtop,
	.print_vtop = x86_64_print_vtop,
	.is_kvaddr = x86_64_is_kvaddr,
	.kernel_tables = x86_64_kernel_tables,
	.vmlinux_page_size = x86_64_vmlinux_page_size,
	.char_is_signed = true,
	.section_size_bits = x86_64_section_size_bits,
	.max_physmem_bits = x86_64_max_physmem_bits,
};
