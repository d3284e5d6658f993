/*
 * arch/s390x.c - s390x (z/Architecture) address translation, and the
 * VMCOREINFO note the kernel points to from its lowcore.
 *
 * Kernel space has its own address space: every address below the top
 * table's reach is a kernel address.  The identity (direct) map is
 * virtual = physical + IDENTITYBASE (0 before 6.10, which do not export
 * it) up to high_memory; it is translated by arithmetic.  Everything else
 * (vmemmap, vmalloc, modules, and the kernel image of 6.10+ kernels, which
 * is mapped apart at KERNELOFFSET from physical KERNELOFFPHYS) goes through
 * swapper_pg_dir: a region-first, -second or -third or a segment table
 * (5, 4, 3 or 2 levels with the page table), whose type each of its
 * entries carries in its TT bits; the kernel fills every table entry with
 * it, so the first entry says the depth.  Segment entries may map 1 MiB
 * and region-third entries 2 GiB (EDAT-1, EDAT-2).
 *
 * Physical addresses here are absolute storage, as a dump holds it (a
 * kdump /proc/vmcore and a QEMU dump-guest-memory ELF alike): the kernel's
 * page frames are absolute, so no prefix swapping is applied.  A CPU's own
 * lowcore is the page pair at its prefix (QEMU's NT_S390_PREFIX note);
 * absolute 0 is the lowcore the kernel writes for a dumper, where it keeps
 * the pointer to its VMCOREINFO note (struct lowcore's vmcore_info).
 *
 * Entries are read in the dump's byte order (s390x is big-endian).
 */
#include "arch.h"
#include "../bytes.h"
#include "../log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#ifndef EM_S390
#define EM_S390 22
#endif

#define S390X_PAGE_SIZE		4096u		/* the only page size of s390x Linux */

/* Entry bits (the Principles of Operation's bit n is 1 << (63 - n)). */
#define ENT_INVALID		UINT64_C(0x20)	/* region and segment entries: I */
#define ENT_TT(e)		(((e) >> 2) & 3)	/* table type: 3 R1, 2 R2, 1 R3, 0 ST */
#define ENT_TF(e)		(((e) >> 6) & 3)	/* next table's first quarter */
#define ENT_TL(e)		((e) & 3)		/* next table's last quarter */
#define ENT_FC			UINT64_C(0x400)	/* R3 and segment entries: a large page */
#define REGION_ORIGIN		(~UINT64_C(0xfff))	/* next region or segment table */
#define SEGMENT_ORIGIN		(~UINT64_C(0x7ff))	/* page table: 256 entries, 2 KiB */
#define PTE_INVALID		UINT64_C(0x400)
#define PTE_ORIGIN		(~UINT64_C(0xfff))

/* Absolute lowcore: the pointer to the VMCOREINFO note (arch/s390 struct lowcore). */
#define LC_VMCORE_INFO		0xe0c
#define VMCOREINFO_MAX		(1u << 16)	/* far above the kernel's one page */

/* Levels from the top: R1, R2, R3, segment, page table. */
enum { LV_R1, LV_R2, LV_R3, LV_ST, LV_PT, NLEVELS };
static const char *const level_names[NLEVELS] = {
	"region-first", "region-second", "region-third", "segment", "page-table",
};
static const unsigned level_shift[NLEVELS] = { 53, 42, 31, 20, 12 };

struct s390x_state {
	uint64_t ident_base;	/* IDENTITYBASE; 0 before 6.10 */
	uint64_t ident_end;	/* high_memory, or the end of the dump's memory */
	bool image_apart;	/* 6.10+: the image at image_va, physical image_pa */
	uint64_t image_va, image_pa;
	bool have_pgd;
	uint64_t pgd_pa;	/* swapper_pg_dir */
	int top;		/* its level (LV_R1..LV_ST); -1: unknown */
};

struct walk_step {
	uint64_t entry_pa, entry;
	int level;
};

/* The physical address of a kernel symbol, before any table is known. */
static uint64_t symbol_pa(const struct s390x_state *st, uint64_t va)
{
	if (st->image_apart && va >= st->image_va)
		return va - st->image_va + st->image_pa;
	return va - st->ident_base;
}

/* The highest virtual address + 1 the top table reaches (0: all 2^64). */
static uint64_t top_reach(int top)
{
	return top == LV_R1 ? 0 : UINT64_C(1) << (level_shift[top] + 11);
}

/* A large page (R3: 2 GiB, segment: 1 MiB) or a page-table page ends the walk. */
static int leaf(uint64_t ent, uint64_t origin_mask, unsigned shift, uint64_t va,
		uint64_t *pa, uint64_t *span)
{
	uint64_t size = UINT64_C(1) << shift;

	*pa = (ent & origin_mask & ~(size - 1)) + (va & (size - 1));
	*span = size - (va & (size - 1));
	return 0;
}

/*
 * Walk swapper_pg_dir for va as the CPU does: table lengths, invalid bits,
 * the table type of each entry, large pages.  Fills steps and returns
 * their number, or -1 with e naming the level that does not map va.
 */
static int walk(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		struct walk_step *steps, struct err *e)
{
	const struct s390x_state *st = kv->arch_state;
	uint64_t table = st->pgd_pa, reach;
	unsigned tf = 0, tl = 3, n = 0;
	int lv;

	if (!st->have_pgd)
		return err_set(e, "cannot translate 0x%" PRIx64 ": swapper_pg_dir unknown", va);
	if (st->top < 0)
		return err_set(e, "cannot translate 0x%" PRIx64 ": swapper_pg_dir (0x%" PRIx64
			       ") is not in the dump", va, st->pgd_pa);
	reach = top_reach(st->top);
	if (reach && va >= reach)
		return err_set(e, "cannot translate 0x%" PRIx64 ": beyond the %s table's reach (0x%" PRIx64 ")",
			       va, level_names[st->top], reach);
	for (lv = st->top; lv < NLEVELS; lv++) {
		unsigned bits = lv == LV_PT ? 8 : 11;
		uint64_t idx = (va >> level_shift[lv]) & ((UINT64_C(1) << bits) - 1), ent;

		if (lv != LV_PT && ((idx >> 9) < tf || (idx >> 9) > tl))
			return err_set(e, "cannot translate 0x%" PRIx64 ": index %" PRIu64
				       " outside the %s table's length", va, idx, level_names[lv]);
		steps[n].entry_pa = table + 8 * idx;
		steps[n].level = lv;
		if (kview_read_phys_word(kv, steps[n].entry_pa, 8, &ent, e) < 0)
			return -1;
		steps[n++].entry = ent;
		if (lv == LV_PT) {
			if (ent & PTE_INVALID)
				return err_set(e, "cannot translate 0x%" PRIx64 ": page-table entry %016" PRIx64
					       " invalid", va, ent);
			leaf(ent, PTE_ORIGIN, level_shift[lv], va, pa, span);
			return (int)n;
		}
		if (ent & ENT_INVALID)
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry %016" PRIx64 " invalid",
				       va, level_names[lv], ent);
		if (ENT_TT(ent) != (unsigned)(LV_ST - lv))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry %016" PRIx64
				       " has table type %u", va, level_names[lv], ent,
				       (unsigned)ENT_TT(ent));
		if ((lv == LV_R3 || lv == LV_ST) && (ent & ENT_FC)) {
			leaf(ent, ~UINT64_C(0), level_shift[lv], va, pa, span);
			return (int)n;
		}
		if (lv == LV_ST) {
			table = ent & SEGMENT_ORIGIN;
		} else {
			table = ent & REGION_ORIGIN;
			tf = (unsigned)ENT_TF(ent);
			tl = (unsigned)ENT_TL(ent);
		}
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

/* Entries of the table at level top + lvl; a region entry's length field bounds the next table. */
static uint64_t s390x_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	const struct s390x_state *st = kv->arch_state;
	int lv = st->top + (int)lvl;

	if ((ent & ENT_INVALID) || ENT_TT(ent) != (unsigned)(LV_ST - lv) ||
	    ((lv == LV_R3 || lv == LV_ST) && (ent & ENT_FC)))
		return 0;
	if (lv == LV_ST)
		return ent & SEGMENT_ORIGIN;
	*count = ((unsigned)ENT_TL(ent) + 1) * 512;
	return ent & REGION_ORIGIN;
}

/* The kernel's ASCE maps all of its address space: the whole top table. */
static int s390x_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct s390x_state *st = kv->arch_state;
	int lv;

	if (!st->have_pgd || st->top < 0)
		return -1;
	t->root_pa = st->pgd_pa;
	t->levels = (unsigned)(NLEVELS - st->top);
	t->entry_bytes = 8;
	t->big_endian = true;
	for (lv = st->top; lv < NLEVELS; lv++)
		t->count[lv - st->top] = lv == LV_PT ? 256 : 2048;
	t->root_first = 0;
	t->root_count = 2048;
	t->next = s390x_next_table;
	return 0;
}

/* The depth of swapper_pg_dir, from its first entry's table type. */
static void find_top(struct kview *kv, struct s390x_state *st)
{
	uint64_t ent;
	struct err quiet = { 0 };

	st->top = -1;
	if (!st->have_pgd || kview_read_phys_word(kv, st->pgd_pa, 8, &ent, &quiet) < 0)
		return;
	st->top = LV_ST - (int)ENT_TT(ent);
	log_debug("s390x: swapper_pg_dir at 0x%" PRIx64 " is a %s table (%d levels)\n",
		  st->pgd_pa, level_names[st->top], NLEVELS - st->top);
}

/* The end of the identity map: high_memory, else the end of the dump's memory. */
static uint64_t find_ident_end(struct kview *kv, const struct s390x_state *st)
{
	uint64_t dump_end = st->ident_base + vmcore_max_pfn(kv->vc) * kv->page_size;
	uint64_t v;
	uint8_t b[8];
	struct err quiet = { 0 };

	if (!kv->have_facts || !kf_have(&kv->k, KF_SYM_high_memory) ||
	    vmcore_read_phys(kv->vc, symbol_pa(st, kf_addr(&kv->k, KF_SYM_high_memory)), b, 8,
			     &quiet) < 0)
		return dump_end;
	v = kv_ld64(kv, b);
	if (v <= st->ident_base || v - st->ident_base > (UINT64_C(1) << 53)) {
		log_debug("s390x: high_memory 0x%" PRIx64 " is implausible; the identity map ends with the dump\n",
			  v);
		return dump_end;
	}
	return v;
}

static int s390x_init(struct kview *kv, struct err *e)
{
	struct s390x_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	if (kv->page_size != S390X_PAGE_SIZE)
		return err_set(e, "%s: s390x page size %u is not 4 KiB", vmcore_path(kv->vc),
			       kv->page_size);
	st->ident_base = (uint64_t)kf_or(k, KF_IDENTITYBASE, 0);
	if (kf_have(k, KF_KERNELOFFPHYS) && kf_have(k, KF_KERNELOFFSET)) {
		st->image_apart = true;
		st->image_va = kf_addr(k, KF_KERNELOFFSET);
		st->image_pa = kf_addr(k, KF_KERNELOFFPHYS);
	}
	st->have_pgd = kv->have_facts && kf_have(k, KF_SYM_swapper_pg_dir);
	if (st->have_pgd)
		st->pgd_pa = symbol_pa(st, kf_addr(k, KF_SYM_swapper_pg_dir));
	find_top(kv, st);
	st->ident_end = find_ident_end(kv, st);
	return 0;
}

static void s390x_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

static int s390x_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		      struct err *e)
{
	const struct s390x_state *st = kv->arch_state;
	struct walk_step steps[NLEVELS];

	if (va >= st->ident_base && va < st->ident_end) {
		*pa = va - st->ident_base;
		*span = st->ident_end - va;
		return 0;
	}
	return walk(kv, va, pa, span, steps, e) < 0 ? -1 : 0;
}

static int s390x_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	const struct s390x_state *st = kv->arch_state;
	struct walk_step steps[NLEVELS];
	uint64_t pa, span;
	int n, i;

	fprintf(out, "Page-table walk of %016" PRIx64 " (%s top table):\n", va,
		st->top >= 0 ? level_names[st->top] : "unknown");
	n = walk(kv, va, &pa, &span, steps, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(out, "  %-13s: %16" PRIx64 " => %16" PRIx64 "\n",
			level_names[steps[i].level], steps[i].entry_pa, steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "\n", pa & ~(uint64_t)(S390X_PAGE_SIZE - 1));
	return 0;
}

static int s390x_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct s390x_state *st = kv->arch_state;
	uint64_t reach = st->top >= 0 ? top_reach(st->top) : 0;

	return !reach || va < reach;
}

/* ---- VMCOREINFO from the lowcore ---------------------------------------- */

/*
 * The kernel stores the physical address of its VMCOREINFO ELF note at
 * absolute 0xe0c (arch_crash_save_vmcoreinfo()); an odd value there is the
 * early boot code's KASLR offset, not yet a pointer.
 */
static char *s390x_vmcoreinfo_in_memory(struct vmcore *vc, size_t *len, struct err *why)
{
	uint8_t b[8], hdr[24];
	bool be = vmcore_big_endian(vc);
	uint64_t ptr;
	uint32_t namesz, descsz;
	char *text;

	if (vmcore_set_page_size(vc, S390X_PAGE_SIZE, why) < 0 ||
	    vmcore_read_phys(vc, LC_VMCORE_INFO, b, 8, why) < 0) {
		err_prefix(why, "no lowcore VMCOREINFO pointer");
		return NULL;
	}
	ptr = ld_uint(b, 8, be);
	if (!ptr || (ptr & 3)) {
		err_set(why, "the lowcore's VMCOREINFO pointer (absolute 0x%x) is 0x%" PRIx64 "%s",
			LC_VMCORE_INFO, ptr, ptr & 1 ? ", the early boot's KASLR mark" : "");
		return NULL;
	}
	if (vmcore_read_phys(vc, ptr, hdr, sizeof(hdr), why) < 0) {
		err_prefix(why, "the lowcore's VMCOREINFO pointer 0x%" PRIx64, ptr);
		return NULL;
	}
	namesz = (uint32_t)ld_uint(hdr, 4, be);
	descsz = (uint32_t)ld_uint(hdr + 4, 4, be);
	if (namesz != 11 || memcmp(hdr + 12, "VMCOREINFO", 11) != 0 || descsz == 0 ||
	    descsz > VMCOREINFO_MAX) {
		err_set(why, "the lowcore's VMCOREINFO pointer 0x%" PRIx64
			" does not point to a VMCOREINFO note", ptr);
		return NULL;
	}
	text = malloc(descsz);
	if (!text) {
		err_set(why, "out of memory");
		return NULL;
	}
	if (vmcore_read_phys(vc, ptr + sizeof(hdr), text, descsz, why) < 0) {
		free(text);
		err_prefix(why, "the VMCOREINFO note at 0x%" PRIx64, ptr);
		return NULL;
	}
	log_debug("VMCOREINFO: the note at 0x%" PRIx64 " (the lowcore's pointer), %u bytes\n",
		  ptr, descsz);
	*len = descsz;
	return text;
}

/* ---- what the kernel does not export ----------------------------------- */

static unsigned s390x_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return S390X_PAGE_SIZE;
}

/*
 * arch/s390/include/asm/sparsemem.h: 28 on 64-bit kernels since 2.6.2x
 * split the 31-bit value (25) off.
 */
static unsigned s390x_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 28;
}

/*
 * SPARSEMEM_EXTREME: the mem_section roots say it exactly; without them
 * 46, the value since the 3.x kernels (42 before, not told apart).
 */
static unsigned s390x_max_physmem_bits(const struct kview *kv)
{
	unsigned bits = arch_physmem_bits_from_roots(kv);

	return bits ? bits : 46;
}

const struct arch_ops arch_s390x = {
	.name = "s390x",
	.e_machine = EM_S390,
	.init = s390x_init,
	.fini = s390x_fini,
	.vtop = s390x_vtop,
	.print_vtop = s390x_print_vtop,
	.is_kvaddr = s390x_is_kvaddr,
	.kernel_tables = s390x_kernel_tables,
	.vmcoreinfo_in_memory = s390x_vmcoreinfo_in_memory,
	.symbol_shift = arch_shift_by_stext,
	.vmlinux_page_size = s390x_vmlinux_page_size,
	.char_is_signed = false,	/* the s390x ELF ABI makes plain char unsigned */
	.section_size_bits = s390x_section_size_bits,
	.max_physmem_bits = s390x_max_physmem_bits,
};
