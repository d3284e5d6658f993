/*
 * arch/arm.c - 32-bit ARM address translation, classic and LPAE.
 *
 * The kernel's lowmem is linear (va = pa - PHYS_OFFSET + PAGE_OFFSET, the
 * image included); highmem has no linear address; vmalloc, modules, pkmap
 * and fixmap need swapper_pg_dir.  Every address the page tables map is
 * translated by walking them, lowmem too (the kernel maps it with 1 MiB
 * sections, one read per MiB): highmem PT_LOADs may carry vaddrs that
 * look linear, so a segment's vaddr never decides.
 *
 * Classic (short-descriptor) tables are walked as the MMU walks them:
 * 4096 4-byte first-level descriptors (Linux's pgd is 2048 8-byte pairs
 * of them) giving 1 MiB sections, 16 MiB supersections (pa bits 32-39 in
 * bits 20-23 and 5-8) or 256-entry second-level tables (4 KiB small, 64 KiB
 * large pages; Linux keeps its own copy of each table 2 KiB below the one
 * the MMU reads, which this walk never needs).  LPAE (long-descriptor)
 * tables are 3 levels of 8-byte entries: 4 (1 GiB), 512 (2 MiB), 512.
 *
 * LPAE is what VMCOREINFO's CONFIG_ARM_LPAE=y says (arch_crash_save_vmcoreinfo,
 * since 4.12); without the key an ELF64 dump or RAM above 4 GiB means LPAE
 * (only LPAE can address it), else the shape of swapper_pg_dir decides.
 */
#include "arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#ifndef EM_ARM
#define EM_ARM 40
#endif

#define PAGE_OFFSET_DEF		UINT64_C(0xc0000000)
#define MODULES_BELOW		UINT64_C(0x01000000)	/* MODULES_VADDR = PAGE_OFFSET - 16 MiB */
#define LPAE_ADDR_MASK		UINT64_C(0x000000fffffff000)	/* output address bits 39:12 */

struct arm_state {
	uint64_t page_offset, phys_offset;
	uint64_t pgd_pa;	/* swapper_pg_dir; 0 = unknown */
	bool lpae;
};

/* The lowest RAM address the dump holds: PHYS_OFFSET (upstream and crash agree). */
static uint64_t find_phys_offset(const struct kview *kv)
{
	uint64_t lo = UINT64_MAX;
	size_t i;

	if (kf_have(&kv->k, KF_NUM_PHYS_OFFSET))
		return (uint64_t)kf_val(&kv->k, KF_NUM_PHYS_OFFSET);
	for (i = 0; i < vmcore_nsegs(kv->vc); i++)
		if (vmcore_seg(kv->vc, i)->paddr < lo)
			lo = vmcore_seg(kv->vc, i)->paddr;
	return lo == UINT64_MAX ? 0 : lo;
}

/*
 * PAGE_OFFSET (0x40000000, 0x80000000, 0xb0000000 or 0xc0000000 by the
 * VMSPLIT choice): the kernel text starts a few pages above it, else a
 * lowmem PT_LOAD's vaddr says it, else the common 3G/1G split.
 */
static uint64_t find_page_offset(const struct kview *kv, uint64_t phys_offset)
{
	size_t i;

	if (kf_have(&kv->k, KF_NUM_PAGE_OFFSET))
		return (uint64_t)kf_val(&kv->k, KF_NUM_PAGE_OFFSET) & UINT32_MAX;
	if (kf_have(&kv->k, KF_SYM__stext))
		return kf_addr(&kv->k, KF_SYM__stext) & UINT64_C(0xffc00000);
	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr && s->vaddr <= UINT32_MAX && s->paddr >= phys_offset &&
		    s->vaddr >= s->paddr - phys_offset)
			return s->vaddr - (s->paddr - phys_offset);
	}
	return PAGE_OFFSET_DEF;
}

static bool ram_above_4g(const struct kview *kv)
{
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->paddr + s->memsz > UINT64_C(0x100000000))
			return true;
	}
	return false;
}

/*
 * Without the key: an LPAE swapper_pg_dir's entry for PAGE_OFFSET >> 30 is
 * a table descriptor (bits 1:0 = 3) to a frame the dump holds.  Read as a
 * classic table, the same 8 bytes describe two MiB of user space at a few
 * MiB, which the kernel's own table leaves empty.
 */
static bool guess_lpae(struct kview *kv, const struct arm_state *st)
{
	uint64_t ent, pa;
	uint8_t b[8];
	struct err e = { 0 };

	if (kview_read_phys_word(kv, st->pgd_pa + 8 * (st->page_offset >> 30), 8, &ent, &e) < 0 ||
	    (ent & 3) != 3)
		return false;
	pa = ent & LPAE_ADDR_MASK;
	return vmcore_read_phys(kv->vc, pa, b, sizeof(b), &e) == 0;
}

static int arm_init(struct kview *kv, struct err *e)
{
	struct arm_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	/* An LPAE dump of RAM above 4 GiB is ELF64, but the kernel's word stays 32 bits. */
	kv->ptr_size = 4;
	st->phys_offset = find_phys_offset(kv);
	st->page_offset = find_page_offset(kv, st->phys_offset);
	kv->phys_base = st->phys_offset;
	kv->arch_pfn_offset = st->phys_offset >> kv->page_shift;	/* PHYS_PFN_OFFSET */
	if (kf_have(k, KF_SYM_swapper_pg_dir) && kf_addr(k, KF_SYM_swapper_pg_dir) >= st->page_offset)
		st->pgd_pa = kf_addr(k, KF_SYM_swapper_pg_dir) - st->page_offset + st->phys_offset;
	if (kf_have_text(k, KT_CONFIG_ARM_LPAE))
		st->lpae = strcmp(kf_text(k, KT_CONFIG_ARM_LPAE), "y") == 0;
	else if (vmcore_elf_class(kv->vc) == ELFCLASS64 || ram_above_4g(kv))
		st->lpae = true;
	else if (st->pgd_pa)
		st->lpae = guess_lpae(kv, st);
	return 0;
}

static void arm_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

struct walk_step {
	const char *name;
	uint64_t entry_pa, entry;
};

struct walk {
	uint64_t pa, size;	/* the leaf: pa of va, size of its mapping */
	struct walk_step steps[3];
	int n;
};

static int not_mapped(uint64_t va, const char *level, struct err *e)
{
	return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry not valid", va, level);
}

static int step(struct kview *kv, struct walk *w, const char *name, uint64_t pa,
		unsigned width, uint64_t *ent, struct err *e)
{
	if (kview_read_phys_word(kv, pa, width, ent, e) < 0)
		return -1;
	w->steps[w->n].name = name;
	w->steps[w->n].entry_pa = pa;
	w->steps[w->n].entry = *ent;
	w->n++;
	return 0;
}

static void leaf(struct walk *w, uint64_t va, uint64_t base, uint64_t size)
{
	w->size = size;
	w->pa = base + (va & (size - 1));
}

/* Short descriptors: first level by va[31:20], second by va[19:12]. */
static int walk_classic(struct kview *kv, const struct arm_state *st, uint64_t va,
			struct walk *w, struct err *e)
{
	uint64_t l1, l2;

	if (step(kv, w, "PGD", st->pgd_pa + 4 * (va >> 20), 4, &l1, e) < 0)
		return -1;
	if (l1 & 2) {	/* section; bit 0 is PXN */
		if (l1 & (1u << 18)) {
			uint64_t base = (l1 & UINT64_C(0xff000000)) | ((l1 >> 20) & 0xf) << 32 |
					((l1 >> 5) & 0xf) << 36;

			leaf(w, va, base, UINT64_C(1) << 24);
		} else {
			leaf(w, va, l1 & UINT64_C(0xfff00000), UINT64_C(1) << 20);
		}
		return 0;
	}
	if (!(l1 & 1))
		return not_mapped(va, "PGD", e);
	if (step(kv, w, "PTE", (l1 & UINT64_C(0xfffffc00)) + 4 * ((va >> 12) & 0xff), 4, &l2, e) < 0)
		return -1;
	if (l2 & 2)	/* small page; bit 0 is XN */
		leaf(w, va, l2 & UINT64_C(0xfffff000), UINT64_C(1) << 12);
	else if (l2 & 1)
		leaf(w, va, l2 & UINT64_C(0xffff0000), UINT64_C(1) << 16);
	else
		return not_mapped(va, "PTE", e);
	return 0;
}

/* Long descriptors: va[31:30], va[29:21], va[20:12]; bits 1:0 = 3 table/page, 1 block. */
static int walk_lpae(struct kview *kv, const struct arm_state *st, uint64_t va,
		     struct walk *w, struct err *e)
{
	static const char *const names[] = { "PGD", "PMD", "PTE" };
	static const unsigned shifts[] = { 30, 21, 12 };
	uint64_t table = st->pgd_pa, ent;
	unsigned lvl;

	for (lvl = 0; lvl < 3; lvl++) {
		uint64_t idx = (va >> shifts[lvl]) & (lvl ? 511 : 3);
		uint64_t size = UINT64_C(1) << shifts[lvl];

		if (step(kv, w, names[lvl], table + 8 * idx, 8, &ent, e) < 0)
			return -1;
		if ((ent & 3) == 3 && lvl == 2) {
			leaf(w, va, ent & LPAE_ADDR_MASK, size);
			return 0;
		}
		if ((ent & 3) == 1 && lvl < 2) {
			leaf(w, va, ent & LPAE_ADDR_MASK & ~(size - 1), size);
			return 0;
		}
		if ((ent & 3) != 3)
			return not_mapped(va, names[lvl], e);
		table = ent & LPAE_ADDR_MASK;
	}
	return not_mapped(va, "PTE", e);
}

static int arm_walk(struct kview *kv, uint64_t va, struct walk *w, struct err *e)
{
	const struct arm_state *st = kv->arch_state;

	memset(w, 0, sizeof(*w));
	if (va > UINT32_MAX)
		return err_set(e, "cannot translate 0x%" PRIx64 ": not a 32-bit address", va);
	if (!st->pgd_pa)
		return err_set(e, "cannot translate 0x%" PRIx64 ": no page table (swapper_pg_dir) in the kernel facts", va);
	return st->lpae ? walk_lpae(kv, st, va, w, e) : walk_classic(kv, st, va, w, e);
}

/* Without swapper_pg_dir only the linear map can be translated: the RAM a segment holds. */
static int linear(struct kview *kv, const struct arm_state *st, uint64_t va, uint64_t *pa,
		  uint64_t *span, struct err *e)
{
	size_t i;

	if (va >= st->page_offset && va <= UINT32_MAX) {
		uint64_t p = va - st->page_offset + st->phys_offset;

		for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
			const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

			if (p >= s->paddr && p - s->paddr < s->memsz) {
				*pa = p;
				*span = s->memsz - (p - s->paddr);
				return 0;
			}
		}
	}
	return err_set(e, "cannot translate 0x%" PRIx64 ": no page table (swapper_pg_dir) and not in the linear map", va);
}

static int arm_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span, struct err *e)
{
	const struct arm_state *st = kv->arch_state;
	struct walk w;

	if (!st->pgd_pa)
		return linear(kv, st, va, pa, span, e);
	if (arm_walk(kv, va, &w, e) < 0)
		return -1;
	*pa = w.pa;
	*span = w.size - (va & (w.size - 1));
	return 0;
}

static uint64_t arm_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	const struct arm_state *st = kv->arch_state;

	(void)lvl;
	(void)count;
	if (st->lpae)
		return (ent & 3) == 3 ? ent & LPAE_ADDR_MASK : 0;
	/* short descriptors: 01 a coarse second-level table, 10 a section */
	return (ent & 3) == 1 ? ent & UINT64_C(0xfffffc00) : 0;
}

/* The kernel's part of swapper_pg_dir: from PAGE_OFFSET (less the modules below it) up. */
static int arm_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct arm_state *st = kv->arch_state;
	uint64_t from = st->page_offset > MODULES_BELOW ? st->page_offset - MODULES_BELOW : 0;
	unsigned shift = st->lpae ? 30 : 20;

	if (!st->pgd_pa)
		return -1;
	t->root_pa = st->pgd_pa;
	t->big_endian = kv->big_endian;
	if (st->lpae) {
		t->levels = 3;
		t->entry_bytes = 8;
		t->count[0] = 4;
		t->count[1] = t->count[2] = 512;
	} else {
		t->levels = 2;
		t->entry_bytes = 4;
		t->count[0] = 4096;
		t->count[1] = 256;
	}
	t->root_first = (unsigned)(from >> shift);
	t->root_count = t->count[0] - t->root_first;
	t->next = arm_next_table;
	return 0;
}

static const char *size_name(uint64_t size)
{
	switch (size) {
	case UINT64_C(1) << 30: return "1GB";
	case UINT64_C(1) << 24: return "16MB";
	case UINT64_C(1) << 21: return "2MB";
	case UINT64_C(1) << 20: return "1MB";
	case UINT64_C(1) << 16: return "64KB";
	default: return "4KB";
	}
}

static int arm_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	const struct arm_state *st = kv->arch_state;
	struct walk w;
	int i;

	fprintf(out, "Page-table walk of %08" PRIx64 " (%s):\n", va, st->lpae ? "LPAE" : "2-level");
	if (arm_walk(kv, va, &w, e) < 0)
		return -1;
	for (i = 0; i < w.n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", w.steps[i].name,
			w.steps[i].entry_pa, w.steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "  (%s)\n", w.pa - (va & (w.size - 1)), size_name(w.size));
	return 0;
}

static int arm_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct arm_state *st = kv->arch_state;

	return va + MODULES_BELOW >= st->page_offset && va <= UINT32_MAX;
}

static unsigned arm_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 4096;
}

/* arch/arm/include/asm/sparsemem.h: 28 and 36 unless a machine overrides them. */
static unsigned arm_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 28;
}

static unsigned arm_max_physmem_bits(const struct kview *kv)
{
	unsigned bits = arch_physmem_bits_from_roots(kv);

	return bits ? bits : 36;
}

const struct arch_ops arch_arm = {
	.name = "arm",
	.e_machine = EM_ARM,
	.init = arm_init,
	.fini = arm_fini,
	.vtop = arm_vtop,
	.print_vtop = arm_print_vtop,
	.is_kvaddr = arm_is_kvaddr,
	.kernel_tables = arm_kernel_tables,
	.vmlinux_page_size = arm_vmlinux_page_size,
	.char_is_signed = false,
	.section_size_bits = arm_section_size_bits,
	.max_physmem_bits = arm_max_physmem_bits,
};
