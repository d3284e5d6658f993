/*
 * arch/x86.c - 32-bit x86 (i386) address translation.
 *
 * Lowmem translates through the linear map (va = PAGE_OFFSET + pa, the
 * kernel image included: i386 KASLR moves both together); highmem has no
 * linear address at all (its PT_LOAD says vaddr 0xffffffff), and vmalloc,
 * fixmap and pkmap addresses are found by walking swapper_pg_dir: 2 levels
 * of 4-byte entries with 4 MiB large pages, or with PAE 3 levels of 8-byte
 * entries (a 4-entry PDPT, then 512-entry tables) with 2 MiB large pages.
 * PAE is taken from VMCOREINFO's CONFIG_X86_PAE=y, else from the shape of
 * swapper_pg_dir itself.
 */
#include "arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_OFFSET_DEF		UINT64_C(0xc0000000)
#define ENTRY_PRESENT		UINT64_C(0x1)
#define ENTRY_PSE		UINT64_C(0x80)
#define PAE_ADDR_MASK		UINT64_C(0x000ffffffffff000)	/* bit 63 is NX */
#define NO_LINEAR_VADDR		UINT64_C(0xffffffff)

struct x86_state {
	uint64_t page_offset;
	uint64_t pgd_pa;	/* swapper_pg_dir; 0 = unknown */
	bool pae;
};

/* PAGE_OFFSET: the kernel's own number, else a lowmem PT_LOAD's vaddr - paddr. */
static uint64_t find_page_offset(const struct kview *kv)
{
	size_t i;

	if (kf_have(&kv->k, KF_NUM_PAGE_OFFSET))
		return (uint64_t)kf_val(&kv->k, KF_NUM_PAGE_OFFSET) & UINT32_MAX;
	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr != NO_LINEAR_VADDR && s->vaddr >= s->paddr && s->memsz)
			return s->vaddr - s->paddr;
	}
	return PAGE_OFFSET_DEF;
}

/*
 * Without CONFIG_X86_PAE in the facts: a PAE swapper_pg_dir is a PDPT whose
 * kernel entry (index PAGE_OFFSET >> 30) is present, without the RW, US and
 * PS bits a PDPT entry may not have and with a frame below 2^52; read as
 * 2-level, those 8 bytes are user-space entries the kernel's table keeps
 * empty.
 */
#define PDPTE_MUST_BE_CLEAR	(UINT64_C(0xfff0000000000000) | 0x86)
static bool guess_pae(struct kview *kv, const struct x86_state *st)
{
	uint64_t ent;
	struct err e = { 0 };

	if (kview_read_phys_word(kv, st->pgd_pa + 8 * (st->page_offset >> 30), 8, &ent, &e) < 0)
		return false;
	return (ent & ENTRY_PRESENT) && !(ent & PDPTE_MUST_BE_CLEAR);
}

static int x86_init(struct kview *kv, struct err *e)
{
	struct x86_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	kv->phys_base = 0;
	st->page_offset = find_page_offset(kv);
	if (kf_have(k, KF_SYM_swapper_pg_dir) && kf_addr(k, KF_SYM_swapper_pg_dir) >= st->page_offset)
		st->pgd_pa = kf_addr(k, KF_SYM_swapper_pg_dir) - st->page_offset;
	if (kf_have_text(k, KT_CONFIG_X86_PAE))
		st->pae = strcmp(kf_text(k, KT_CONFIG_X86_PAE), "y") == 0;
	else if (st->pgd_pa)
		st->pae = guess_pae(kv, st);
	return 0;
}

static void x86_fini(struct kview *kv)
{
	free(kv->arch_state);
	kv->arch_state = NULL;
}

/* The lowmem PT_LOAD holding va through the linear map, or NULL. */
static const struct vmcore_seg *linear_segment(const struct kview *kv, uint64_t va)
{
	const struct x86_state *st = kv->arch_state;
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		const struct vmcore_seg *s = vmcore_seg(kv->vc, i);

		if (s->vaddr != NO_LINEAR_VADDR && s->vaddr - s->paddr == st->page_offset &&
		    va >= s->vaddr && va - s->vaddr < s->memsz)
			return s;
	}
	return NULL;
}

struct walk_step {
	const char *name;
	uint64_t entry_pa, entry;
};

/* One level of the walk: index bits [shift, shift + bits) of va. */
struct level {
	const char *name;
	unsigned shift, bits;
	bool leaf_ok;		/* may map a large page */
};

static const struct level levels_2[] = {
	{ "PGD", 22, 10, true }, { "PTE", 12, 10, true },
};
static const struct level levels_pae[] = {
	{ "PGD", 30, 2, false }, { "PMD", 21, 9, true }, { "PTE", 12, 9, true },
};

/* A leaf entry's frame address; 4 MiB pages keep pa bits 32-39 in bits 13-20 (PSE-36). */
static uint64_t leaf_base(bool pae, uint64_t ent, uint64_t size)
{
	if (pae)
		return ent & PAE_ADDR_MASK & ~(size - 1);
	if (size > 4096)
		return (ent & UINT64_C(0xffc00000)) | (((ent >> 13) & 0xff) << 32);
	return ent & UINT64_C(0xfffff000);
}

/* Walk swapper_pg_dir for va; returns the number of steps, or -1 with e set. */
static int walk(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		uint64_t *page_size, struct walk_step *steps, struct err *e)
{
	const struct x86_state *st = kv->arch_state;
	const struct level *lv = st->pae ? levels_pae : levels_2;
	unsigned n = st->pae ? 3 : 2, width = st->pae ? 8 : 4, i;
	uint64_t table = st->pgd_pa;

	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": no page table (swapper_pg_dir) in the kernel facts", va);
	for (i = 0; i < n; i++) {
		uint64_t idx = (va >> lv[i].shift) & ((UINT64_C(1) << lv[i].bits) - 1);
		uint64_t ent, size = UINT64_C(1) << lv[i].shift;

		steps[i].name = lv[i].name;
		steps[i].entry_pa = table + width * idx;
		if (kview_read_phys_word(kv, steps[i].entry_pa, width, &ent, e) < 0)
			return -1;
		steps[i].entry = ent;
		if (!(ent & ENTRY_PRESENT))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry not present",
				       va, lv[i].name);
		if (i == n - 1 || (lv[i].leaf_ok && (ent & ENTRY_PSE))) {
			*pa = leaf_base(st->pae, ent, size) + (va & (size - 1));
			*span = size - (va & (size - 1));
			if (page_size)
				*page_size = size;
			return (int)i + 1;
		}
		table = st->pae ? ent & PAE_ADDR_MASK : ent & UINT64_C(0xfffff000);
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

static uint64_t x86_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	const struct x86_state *st = kv->arch_state;
	const struct level *lv = st->pae ? levels_pae : levels_2;

	(void)count;
	if (!(ent & ENTRY_PRESENT) || (lv[lvl].leaf_ok && (ent & ENTRY_PSE)))
		return 0;
	return st->pae ? ent & PAE_ADDR_MASK : ent & UINT64_C(0xfffff000);
}

/* The kernel's part of swapper_pg_dir: the entries from PAGE_OFFSET up. */
static int x86_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct x86_state *st = kv->arch_state;
	const struct level *lv = st->pae ? levels_pae : levels_2;
	unsigned i;

	if (!st->pgd_pa)
		return -1;
	t->root_pa = st->pgd_pa;
	t->levels = st->pae ? 3 : 2;
	t->entry_bytes = st->pae ? 8 : 4;
	t->big_endian = false;
	for (i = 0; i < t->levels; i++)
		t->count[i] = 1u << lv[i].bits;
	t->root_first = (unsigned)((st->page_offset >> lv[0].shift) & (t->count[0] - 1));
	t->root_count = t->count[0] - t->root_first;
	t->next = x86_next_table;
	return 0;
}

static int x86_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		    struct err *e)
{
	const struct vmcore_seg *s = linear_segment(kv, va);
	struct walk_step steps[3];

	if (s) {
		*pa = s->paddr + (va - s->vaddr);
		*span = s->memsz - (va - s->vaddr);
		return 0;
	}
	return walk(kv, va, pa, span, NULL, steps, e) < 0 ? -1 : 0;
}

static int x86_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	const struct x86_state *st = kv->arch_state;
	struct walk_step steps[3];
	uint64_t pa, span, size;
	int i, n;

	fprintf(out, "Page-table walk of %08" PRIx64 " (%s):\n", va, st->pae ? "PAE" : "2-level");
	n = walk(kv, va, &pa, &span, &size, steps, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", steps[i].name,
			steps[i].entry_pa, steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "  (%s)\n", pa - (va & (size - 1)),
		size == (UINT64_C(1) << 22) ? "4MB" : size == (UINT64_C(1) << 21) ? "2MB" : "4KB");
	return 0;
}

static int x86_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct x86_state *st = kv->arch_state;

	return va >= st->page_offset && va <= UINT32_MAX;
}

static unsigned x86_vmlinux_page_size(const struct arch_image *img)
{
	(void)img;
	return 4096;
}

/*
 * arch/x86/include/asm/sparsemem.h, 32-bit: SECTION_SIZE_BITS 29 and
 * MAX_PHYSMEM_BITS 36 with PAE, 26 and 32 without (both since 2.6.x; a
 * SPARSEMEM i386 kernel is a NUMA or memory-hotplug build).
 */
static unsigned x86_section_size_bits(const struct kview *kv)
{
	const struct x86_state *st = kv->arch_state;

	return st->pae ? 29 : 26;
}

static unsigned x86_max_physmem_bits(const struct kview *kv)
{
	const struct x86_state *st = kv->arch_state;

	return st->pae ? 36 : 32;
}

/* i386 KASLR relocates without writing KERNELOFFSET: then _stext tells. */
static int64_t x86_symbol_shift(const struct kfacts *note, const struct kfacts *given)
{
	return kf_have(note, KF_KERNELOFFSET) ? arch_shift_by_offset(note, given)
					      : arch_shift_by_stext(note, given);
}

const struct arch_ops arch_x86 = {
	.name = "x86",
	.e_machine = EM_386,
	.init = x86_init,
	.fini = x86_fini,
	.vtop = x86_vtop,
	.print_vtop = x86_print_vtop,
	.is_kvaddr = x86_is_kvaddr,
	.kernel_tables = x86_kernel_tables,
	.symbol_shift = x86_symbol_shift,
	.vmlinux_page_size = x86_vmlinux_page_size,
	.char_is_signed = true,
	.section_size_bits = x86_section_size_bits,
	.max_physmem_bits = x86_max_physmem_bits,
};
