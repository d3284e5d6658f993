/*
 * arch/arm64.c - arm64 (AArch64) address translation.
 *
 * The kernel image translates by kimage_voffset, the linear map by its
 * offset (both also readable from the dump's PT_LOADs, which the kernel
 * lays out as __va(paddr)), everything else (vmemmap, vmalloc, modules) by
 * walking swapper_pg_dir with the granule the page size gives (4, 16 or
 * 64 KiB) and as many levels as VA_BITS needs.
 */
#include "arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

#define DESC_VALID	UINT64_C(0x1)
#define DESC_TABLE	UINT64_C(0x2)	/* with VALID: table (upper levels) or page (last) */
#define OA_MASK_48	UINT64_C(0x0000ffffffffffff)

struct arm64_state {
	unsigned va_bits;
	uint64_t kimage_voffset;
	bool have_kimage;
	uint64_t linear_start, linear_end;	/* [start, end) of the linear map */
	uint64_t linear_off;			/* va - pa inside it */
	bool have_linear;
	uint64_t pgd_pa;			/* swapper_pg_dir; 0 = unknown */
	unsigned levels, bits_per_level;
};

static const struct vmcore_seg *image_segment(const struct kview *kv, uint64_t voff)
{
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr - s->paddr == voff)
			return s;
	}
	return NULL;
}

static void find_linear_map(struct kview *kv, struct arm64_state *st)
{
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);
		uint64_t half = UINT64_C(1) << (st->va_bits - 1);
		uint64_t flipped = -(UINT64_C(1) << st->va_bits);	/* 5.4+ layout */
		uint64_t classic = -half;				/* older layout */

		if (st->have_kimage && s->vaddr - s->paddr == st->kimage_voffset)
			continue;
		st->linear_off = s->vaddr - s->paddr;
		st->linear_start = (s->vaddr >= flipped && s->vaddr < flipped + half) ? flipped : classic;
		st->linear_end = st->linear_start + half;
		st->have_linear = true;
		return;
	}
}

/*
 * The kdump sub header's phys_base is arm64's PHYS_OFFSET (crash takes the
 * start of RAM from it): the kernel's own value, else the lowest physical
 * address an ELF dump holds (a refiltered dump keeps its input's).
 */
static void find_phys_offset(struct kview *kv)
{
	size_t i;

	if (kf_have(&kv->k, KF_NUM_PHYS_OFFSET)) {
		kv->phys_base = (uint64_t)kf_val(&kv->k, KF_NUM_PHYS_OFFSET);
		return;
	}
	if (vmcore_kind(kv->vc) != VMCORE_ELF)
		return;
	kv->phys_base = vmcore_nsegs(kv->vc) ? UINT64_MAX : 0;
	for (i = 0; i < vmcore_nsegs(kv->vc); i++)
		if (vmcore_seg(kv->vc, i)->paddr < kv->phys_base)
			kv->phys_base = vmcore_seg(kv->vc, i)->paddr;
}

static int arm64_init(struct kview *kv, struct err *e)
{
	struct arm64_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	st->va_bits = (unsigned)kf_or(k, KF_NUM_VA_BITS, 48);
	if (kf_have(k, KF_NUM_TCR_EL1_T1SZ))
		st->va_bits = 64 - (unsigned)kf_val(k, KF_NUM_TCR_EL1_T1SZ);
	if (st->va_bits < 36 || st->va_bits > 52)
		return err_set(e, "arm64: implausible VA_BITS %u", st->va_bits);
	if (kf_have(k, KF_NUM_kimage_voffset)) {
		st->kimage_voffset = (uint64_t)kf_val(k, KF_NUM_kimage_voffset);
		st->have_kimage = true;
	}
	find_linear_map(kv, st);
	find_phys_offset(kv);
	if (st->have_kimage && kf_have(k, KF_SYM_swapper_pg_dir))
		st->pgd_pa = kf_addr(k, KF_SYM_swapper_pg_dir) - st->kimage_voffset;
	st->bits_per_level = kv->page_shift - 3;
	st->levels = (st->va_bits - kv->page_shift + st->bits_per_level - 1) / st->bits_per_level;
	return 0;
}

static void arm64_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int arm64_walk(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		      FILE *trace, struct err *e)
{
	const struct arm64_state *st = kv->arch_state;
	uint64_t table = st->pgd_pa;
	unsigned lvl;

	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": swapper_pg_dir or kimage_voffset unknown", va);
	for (lvl = 0; lvl < st->levels; lvl++) {
		unsigned shift = kv->page_shift + st->bits_per_level * (st->levels - 1 - lvl);
		unsigned bits = lvl == 0 ? st->va_bits - shift : st->bits_per_level;
		uint64_t idx = (va >> shift) & ((UINT64_C(1) << bits) - 1);
		uint64_t size = UINT64_C(1) << shift, ent;
		uint8_t b[8];

		if (vmcore_read_phys(kv->vc, table + 8 * idx, b, 8, e) < 0)
			return -1;
		ent = kv_ld64(kv, b);
		if (trace)
			fprintf(trace, "  L%u : %16" PRIx64 " => %16" PRIx64 "\n",
				4 - st->levels + lvl, table + 8 * idx, ent);
		if (!(ent & DESC_VALID))
			return err_set(e, "cannot translate 0x%" PRIx64 ": level %u entry not valid",
				       va, lvl);
		if (lvl == st->levels - 1 || !(ent & DESC_TABLE)) {
			*pa = (ent & OA_MASK_48 & ~(size - 1)) + (va & (size - 1));
			*span = size - (va & (size - 1));
			return 0;
		}
		table = ent & OA_MASK_48 & ~(uint64_t)(kv->page_size - 1);
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

static int arm64_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		      struct err *e)
{
	const struct arm64_state *st = kv->arch_state;

	if (st->have_linear && va >= st->linear_start && va < st->linear_end) {
		*pa = va - st->linear_off;
		*span = st->linear_end - va;
		return 0;
	}
	if (st->have_kimage && !st->pgd_pa) {
		const struct vmcore_seg *s = image_segment(kv, st->kimage_voffset);

		if (s && va >= s->vaddr && va - s->vaddr < s->memsz) {
			*pa = va - st->kimage_voffset;
			*span = s->memsz - (va - s->vaddr);
			return 0;
		}
	}
	return arm64_walk(kv, va, pa, span, NULL, e);
}

static int arm64_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	uint64_t pa, span;

	fprintf(out, "Page-table walk of %016" PRIx64 ":\n", va);
	return arm64_walk(kv, va, &pa, &span, out, e);
}

static uint64_t arm64_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	(void)lvl;
	(void)count;
	if (!(ent & DESC_VALID) || !(ent & DESC_TABLE))
		return 0;	/* invalid, or a block */
	return ent & OA_MASK_48 & ~(uint64_t)(kv->page_size - 1);
}

/* swapper_pg_dir (TTBR1) maps the kernel's half only: all of it. */
static int arm64_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct arm64_state *st = kv->arch_state;
	unsigned lvl, top_shift = kv->page_shift + st->bits_per_level * (st->levels - 1);

	if (!st->pgd_pa || st->levels < 1 || st->levels > PT_MAX_LEVELS)
		return -1;
	t->root_pa = st->pgd_pa;
	t->levels = st->levels;
	t->entry_bytes = 8;
	t->big_endian = kv->big_endian;
	for (lvl = 0; lvl < st->levels; lvl++)
		t->count[lvl] = 1u << st->bits_per_level;
	t->count[0] = 1u << (st->va_bits - top_shift);
	t->root_first = 0;
	t->root_count = t->count[0];
	t->next = arm64_next_table;
	return 0;
}

static int arm64_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct arm64_state *st = kv->arch_state;

	return va >= -(UINT64_C(1) << st->va_bits);
}

/*
 * The Image header at _text says the page size: flags bits 1-2 (1: 4K,
 * 2: 16K, 3: 64K), next to the magic "ARM\x64" at byte 56.  The header is
 * always little-endian.
 */
static unsigned arm64_vmlinux_page_size(const struct arch_image *img)
{
	unsigned char h[64];
	uint64_t flags = 0;
	int i;

	if (!img->text || img->read(img->ctx, img->text, h, sizeof(h)) != sizeof(h) ||
	    memcmp(h + 56, "ARM\x64", 4) != 0)
		return 0;
	for (i = 7; i >= 0; i--)
		flags = flags << 8 | h[24 + i];
	switch ((flags >> 1) & 3) {
	case 1: return 4096;
	case 2: return 16384;
	case 3: return 65536;
	default: return 0;
	}
}

/*
 * arch/arm64/include/asm/sparsemem.h: SECTION_SIZE_BITS was 30 from
 * 4f04d8f00545 ("arm64: MMU definitions", 3.7) until f0b13ee23241
 * ("arm64/sparsemem: reduce SECTION_SIZE_BITS", 5.12) made it 27, or 29
 * with 64 KiB pages.  (5.12.13 and 5.13 export it.)
 */
static unsigned arm64_section_size_bits(const struct kview *kv)
{
	const char *release = kf_text(&kv->k, KT_OSRELEASE);

	if (release[0] && kf_release_cmp(release, 5, 12, 0) >= 0)
		return kv->page_size == 65536 ? 29 : 27;
	return 30;
}

/*
 * MAX_PHYSMEM_BITS is CONFIG_ARM64_PA_BITS: 48, or 52.  arm64 is always
 * SPARSEMEM_EXTREME, so LENGTH(mem_section) = NR_SECTION_ROOTS =
 * 2^(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS) / SECTIONS_PER_ROOT tells it
 * exactly; without that length, 52-bit virtual addresses go with 52-bit
 * physical ones.
 */
static unsigned arm64_max_physmem_bits(const struct kview *kv)
{
	unsigned bits = arch_physmem_bits_from_roots(kv);

	if (bits)
		return bits;
	return kf_or(&kv->k, KF_NUM_VA_BITS, 48) >= 52 ? 52 : 48;
}

const struct arch_ops arch_arm64 = {
	.name = "arm64",
	.e_machine = EM_AARCH64,
	.init = arm64_init,
	.fini = arm64_fini,
	.vtop = arm64_vtop,
	.print_vtop = arm64_print_vtop,
	.is_kvaddr = arm64_is_kvaddr,
	.kernel_tables = arm64_kernel_tables,
	.vmlinux_page_size = arm64_vmlinux_page_size,
	.char_is_signed = false,
	.section_size_bits = arm64_section_size_bits,
	.max_physmem_bits = arm64_max_physmem_bits,
};
