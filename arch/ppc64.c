/*
 * arch/ppc64.c - ppc64 (Book3S 64, big- and little-endian) address
 * translation.
 *
 * The linear map is PAGE_OFFSET + pa up to 2^MAX_PHYSMEM_BITS.  The rest
 * (vmemmap, vmalloc, modules, I/O) goes through the kernel's page tables
 * from swapper_pg_dir: four levels whose index widths depend on the MMU
 * (radix or hash) and the page size (4 or 64 KiB).  Under the hash MMU the
 * vmemmap is not in those tables (its HPTEs are bolted); the kernel keeps
 * the mapping in vmemmap_list instead, which is read once at init.
 *
 * The MMU type is NUMBER(RADIX_MMU) when the kernel exports it (6.2+);
 * otherwise it is found by walking the linear address of _stext with the
 * radix geometry: only the radix kernel maps its linear map in
 * swapper_pg_dir.  Page-table entries are big-endian whatever the kernel's
 * byte order (all Book3S 64 kernels since 4.7); everything else is read in
 * the dump's byte order.
 */
#include "arch.h"

#include <inttypes.h>
#include <stdlib.h>

#ifndef EM_PPC64
#define EM_PPC64 21
#endif

#define PPC64_PAGE_OFFSET	UINT64_C(0xc000000000000000)
#define PHYSMEM_BITS_DEF	51			/* MAX_PHYSMEM_BITS of 6.x kernels */
#define ENT_VALID		UINT64_C(0x8000000000000000)	/* _PAGE_PRESENT */
#define ENT_LEAF		UINT64_C(0x4000000000000000)	/* _PAGE_PTE: a (huge) page */
#define ENT_NEXT_MASK		UINT64_C(0x0fffffffffffff00)	/* next-level table address */
#define ENT_PA_MASK		UINT64_C(0x001fffffffffffff)	/* _PAGE_PA_MAX = 53 */
#define MAX_VMEMMAP_CHUNKS	(1u << 20)		/* a sanity bound on vmemmap_list */
/* hash, 4 KiB pages, 5.2+: vmalloc starts at H_KERN_VIRT_START, 16 TiB up. */
#define HASH4K_KERN_VIRT_START	UINT64_C(0xc000100000000000)

/* One vmemmap_list entry: [virt, virt + chunk) -> phys. */
struct vmemmap_chunk {
	uint64_t virt, phys;
};

struct ppc64_state {
	uint64_t page_offset;
	uint64_t linear_end;	/* page_offset + 2^MAX_PHYSMEM_BITS, or vmalloc's start */
	uint64_t pgd_pa;	/* swapper_pg_dir; 0 = unknown */
	bool radix;
	const char *mmu;	/* for --vtop: "radix" or "hash" */
	/* index bits per level, from the top: PGD, PUD, PMD, PTE */
	unsigned bits[4];
	struct vmemmap_chunk *vmemmap;	/* hash, or radix without tables */
	size_t nvmemmap;
	uint64_t vmemmap_chunk;		/* bytes one entry maps */
	enum kf_id no_list_fact;	/* the fact that kept vmemmap_list unread, or KF__COUNT */
};

/*
 * Index widths of the kernel's tables (asm/book3s/64/radix-{4k,64k}.h and
 * hash-{4k,64k}.h of 4.17 and later).
 */
static void set_geometry(struct ppc64_state *st, unsigned page_shift)
{
	static const unsigned radix64k[4] = { 13, 9, 9, 5 }, radix4k[4] = { 13, 9, 9, 9 };
	static const unsigned hash64k[4] = { 8, 10, 10, 8 }, hash4k[4] = { 9, 9, 7, 9 };
	const unsigned *g = st->radix ? (page_shift == 16 ? radix64k : radix4k)
				      : (page_shift == 16 ? hash64k : hash4k);
	unsigned i;

	for (i = 0; i < 4; i++)
		st->bits[i] = g[i];
	st->mmu = st->radix ? "radix" : "hash";
}

static int read_be64_phys(struct kview *kv, uint64_t pa, uint64_t *v, struct err *e)
{
	uint8_t b[8];
	unsigned i;

	if (vmcore_read_phys(kv->vc, pa, b, 8, e) < 0)
		return -1;
	*v = 0;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | b[i];
	return 0;
}

static const char *const level_names[4] = { "PGD", "PUD", "PMD", "PTE" };

struct walk_step {
	uint64_t entry_pa, entry;
};

/*
 * Walk swapper_pg_dir for va.  Fills steps[0..n) and returns n, or -1 with
 * e set when an entry is missing or unreadable.
 */
static int walk(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		struct walk_step *steps, struct err *e)
{
	const struct ppc64_state *st = kv->arch_state;
	uint64_t table = st->pgd_pa;
	unsigned lvl, shift = kv->page_shift + st->bits[1] + st->bits[2] + st->bits[3];

	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": swapper_pg_dir unknown", va);
	for (lvl = 0; lvl < 4; lvl++) {
		uint64_t idx = (va >> shift) & ((UINT64_C(1) << st->bits[lvl]) - 1);
		uint64_t size = UINT64_C(1) << shift, ent;

		steps[lvl].entry_pa = table + 8 * idx;
		if (read_be64_phys(kv, steps[lvl].entry_pa, &ent, e) < 0)
			return -1;
		steps[lvl].entry = ent;
		if (!(ent & ENT_VALID))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s %s entry %016" PRIx64
				       " not present", va, st->mmu, level_names[lvl], ent);
		if (lvl == 3 || (ent & ENT_LEAF)) {
			*pa = (ent & ENT_PA_MASK & ~(size - 1)) + (va & (size - 1));
			*span = size - (va & (size - 1));
			return (int)lvl + 1;
		}
		table = ent & ENT_NEXT_MASK;
		shift -= st->bits[lvl + 1];
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

/* Radix iff the linear address of a kernel symbol walks to its own pa. */
static bool walks_like_radix(struct kview *kv, struct ppc64_state *st)
{
	uint64_t va = kf_have(&kv->k, KF_SYM__stext) ? kf_addr(&kv->k, KF_SYM__stext)
						     : st->page_offset;
	struct walk_step steps[4];
	uint64_t pa, span;
	struct err quiet = { 0 };

	st->radix = true;
	set_geometry(st, kv->page_shift);
	return walk(kv, va, &pa, &span, steps, &quiet) > 0 && pa == va - st->page_offset;
}

/*
 * The vmemmap is backed by RAM the dump holds: a list of more chunks than
 * fit in it does not end (a node pointing back into the list).
 */
static size_t vmemmap_chunks_bound(const struct kview *kv, uint64_t chunk)
{
	uint64_t ram = 0, n;
	size_t i;

	for (i = 0; i < vmcore_nsegs(kv->vc); i++) {
		uint64_t m = vmcore_seg(kv->vc, i)->memsz;

		ram = ram > UINT64_MAX - m ? UINT64_MAX : ram + m;
	}
	n = ram / chunk + 1;
	return n < MAX_VMEMMAP_CHUNKS ? (size_t)n : MAX_VMEMMAP_CHUNKS;
}

/* The first fact reading vmemmap_list needs that the kernel lacks, or KF__COUNT. */
static enum kf_id missing_list_fact(const struct kfacts *k)
{
	static const enum kf_id needs[] = {
		KF_SYM_vmemmap_list, KF_SYM_mmu_vmemmap_psize, KF_SYM_mmu_psize_defs,
		KF_OFF_vmemmap_backing_phys, KF_OFF_vmemmap_backing_virt_addr, KF_SIZE_mmu_psize_def,
	};
	size_t i;

	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (!kf_have(k, needs[i]))
			return needs[i];
	return KF__COUNT;
}

static int read_vmemmap_list(struct kview *kv, struct ppc64_state *st, struct err *e)
{
	const struct kfacts *k = &kv->k;
	uint64_t node, psize_va, shift_va;
	uint32_t psize, shift;
	size_t cap = 0, bound;

	st->no_list_fact = missing_list_fact(k);
	if (st->no_list_fact != KF__COUNT)
		return 0;	/* the vmemmap stays untranslatable; vtop says why */
	psize_va = kf_addr(k, KF_SYM_mmu_vmemmap_psize);
	if (kview_read_u32(kv, psize_va, &psize, e) < 0)
		return -1;
	shift_va = kf_addr(k, KF_SYM_mmu_psize_defs) + (uint64_t)psize * kf_val(k, KF_SIZE_mmu_psize_def) +
		   (uint64_t)kf_or(k, KF_OFF_mmu_psize_def_shift, 0);
	if (kview_read_u32(kv, shift_va, &shift, e) < 0)
		return -1;
	if (shift < 12 || shift > 34)
		return err_set(e, "%s: ppc64 vmemmap page shift %u is implausible",
			       vmcore_path(kv->vc), shift);
	st->vmemmap_chunk = UINT64_C(1) << shift;
	bound = vmemmap_chunks_bound(kv, st->vmemmap_chunk);
	if (kview_read_ptr(kv, kf_addr(k, KF_SYM_vmemmap_list), &node, e) < 0)
		return -1;
	while (node) {
		struct vmemmap_chunk c;

		if (st->nvmemmap == bound)
			return err_set(e, "%s: ppc64 vmemmap_list does not end: more than %zu nodes of 0x%" PRIx64
				       " bytes, more than the dump's RAM", vmcore_path(kv->vc), bound, st->vmemmap_chunk);
		if (kview_read_ptr(kv, node + kf_val(k, KF_OFF_vmemmap_backing_phys), &c.phys, e) < 0 ||
		    kview_read_ptr(kv, node + kf_val(k, KF_OFF_vmemmap_backing_virt_addr), &c.virt, e) < 0 ||
		    kview_read_ptr(kv, node + kf_or(k, KF_OFF_vmemmap_backing_list, 0), &node, e) < 0)
			return -1;
		if (st->nvmemmap == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct vmemmap_chunk *n = realloc(st->vmemmap, ncap * sizeof(*n));

			if (!n)
				return err_set(e, "out of memory");
			st->vmemmap = n;
			cap = ncap;
		}
		st->vmemmap[st->nvmemmap++] = c;
	}
	return 0;
}

/*
 * The lowest vmalloc address in use (vmap_area_list is sorted), read
 * through the linear map, or 0.  On some layouts (hash, 4 KiB pages)
 * vmalloc starts below PAGE_OFFSET + 2^MAX_PHYSMEM_BITS: the linear map
 * must end there.
 */
static uint64_t first_vmalloc(struct kview *kv, const struct ppc64_state *st)
{
	const struct kfacts *k = &kv->k;
	uint64_t head, node, start;
	uint8_t b[8];
	struct err quiet = { 0 };

	if (!kf_have(k, KF_SYM_vmap_area_list) || !kf_have(k, KF_OFF_vmap_area_va_start) ||
	    !kf_have(k, KF_OFF_vmap_area_list))
		return 0;
	head = kf_addr(k, KF_SYM_vmap_area_list);
	if (head < st->page_offset || vmcore_read_phys(kv->vc, head - st->page_offset, b, 8, &quiet) < 0)
		return 0;
	node = kv_ld64(kv, b);
	if (node == head || node < st->page_offset)
		return 0;
	node += (uint64_t)(kf_val(k, KF_OFF_vmap_area_va_start) - kf_val(k, KF_OFF_vmap_area_list));
	if (vmcore_read_phys(kv->vc, node - st->page_offset, b, 8, &quiet) < 0)
		return 0;
	start = kv_ld64(kv, b);
	return start > st->page_offset ? start : 0;
}

static int ppc64_init(struct kview *kv, struct err *e)
{
	struct ppc64_state *st = calloc(1, sizeof(*st));
	const struct kfacts *k = &kv->k;
	int64_t bits = kf_or(k, KF_NUM_MAX_PHYSMEM_BITS, PHYSMEM_BITS_DEF);
	uint64_t vstart;

	if (!st)
		return err_set(e, "out of memory");
	kv->arch_state = st;
	st->no_list_fact = KF__COUNT;
	if (kv->page_shift != 12 && kv->page_shift != 16)
		return err_set(e, "%s: ppc64 page size %u is neither 4 nor 64 KiB",
			       vmcore_path(kv->vc), kv->page_size);
	if (bits < 40 || bits > 60)
		bits = PHYSMEM_BITS_DEF;
	st->page_offset = PPC64_PAGE_OFFSET;
	st->linear_end = st->page_offset + (UINT64_C(1) << bits);
	vstart = first_vmalloc(kv, st);
	if (vstart && vstart < st->linear_end)
		st->linear_end = vstart;
	if (kf_have(k, KF_SYM_swapper_pg_dir))
		st->pgd_pa = kf_addr(k, KF_SYM_swapper_pg_dir) - st->page_offset;
	if (kf_have(k, KF_NUM_RADIX_MMU)) {
		st->radix = kf_val(k, KF_NUM_RADIX_MMU) == 1;
		set_geometry(st, kv->page_shift);
	} else if (!walks_like_radix(kv, st)) {
		st->radix = false;
		set_geometry(st, kv->page_shift);
	}
	/*
	 * Without vmap_area_list the hash 4 KiB linear map still ends where
	 * vmalloc begins (before 5.2 vmalloc was at 0xd000..., past the cap).
	 */
	if (!st->radix && kv->page_shift == 12 && st->linear_end > HASH4K_KERN_VIRT_START)
		st->linear_end = HASH4K_KERN_VIRT_START;
	/* Radix kernels fill vmemmap_list too: the vmemmap without tables. */
	if ((!st->radix || !st->pgd_pa) && read_vmemmap_list(kv, st, e) < 0)
		return -1;
	return 0;
}

static void ppc64_fini(struct kview *kv)
{
	struct ppc64_state *st = kv->arch_state;

	if (st)
		free(st->vmemmap);
	free(st);
	kv->arch_state = NULL;
}

static bool vmemmap_lookup(const struct ppc64_state *st, uint64_t va, uint64_t *pa, uint64_t *span)
{
	size_t i;

	for (i = 0; i < st->nvmemmap; i++) {
		const struct vmemmap_chunk *c = &st->vmemmap[i];

		if (va >= c->virt && va - c->virt < st->vmemmap_chunk) {
			*pa = c->phys + (va - c->virt);
			*span = st->vmemmap_chunk - (va - c->virt);
			return true;
		}
	}
	return false;
}

static int ppc64_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span,
		      struct err *e)
{
	const struct ppc64_state *st = kv->arch_state;
	struct walk_step steps[4];

	if (va >= st->page_offset && va < st->linear_end) {
		*pa = va - st->page_offset;
		*span = st->linear_end - va;
		return 0;
	}
	if (vmemmap_lookup(st, va, pa, span))
		return 0;
	if (walk(kv, va, pa, span, steps, e) >= 0)
		return 0;
	if (st->no_list_fact != KF__COUNT && e->code != ERR_UNREADABLE) {
		const struct kf_desc *d = &kf_table[st->no_list_fact];
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		return err_set(e, "%s (nor on vmemmap_list, the vmemmap's map: the kernel facts have no %s(%s))",
			       why, kf_kind_name(d->kind), d->key);
	}
	return -1;
}

static int ppc64_print_vtop(struct kview *kv, uint64_t va, FILE *out, struct err *e)
{
	const struct ppc64_state *st = kv->arch_state;
	struct walk_step steps[4];
	uint64_t pa, span;
	int n, i;

	fprintf(out, "Page-table walk of %016" PRIx64 " (%s MMU):\n", va, st->mmu);
	n = walk(kv, va, &pa, &span, steps, e);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", level_names[i],
			steps[i].entry_pa, steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "\n", pa & ~(uint64_t)(kv->page_size - 1));
	return 0;
}

static uint64_t ppc64_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	(void)kv;
	(void)lvl;
	(void)count;
	if (!(ent & ENT_VALID) || (ent & ENT_LEAF))
		return 0;
	return ent & ENT_NEXT_MASK;
}

/* swapper_pg_dir maps only the kernel (0xc...): all of it. */
static int ppc64_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct ppc64_state *st = kv->arch_state;
	unsigned i;

	if (!st->pgd_pa || !st->bits[0])
		return -1;
	t->root_pa = st->pgd_pa;
	t->levels = 4;
	t->entry_bytes = 8;
	t->big_endian = true;	/* Book3S 64 tables, whatever the kernel's byte order */
	for (i = 0; i < 4; i++)
		t->count[i] = 1u << st->bits[i];
	t->root_first = 0;
	t->root_count = t->count[0];
	t->next = ppc64_next_table;
	return 0;
}

static int ppc64_is_kvaddr(const struct kview *kv, uint64_t va)
{
	const struct ppc64_state *st = kv->arch_state;

	return va >= st->page_offset;
}

/* arch/powerpc/include/asm/sparsemem.h: 16 MiB sections on ppc64 since 2.6. */
static unsigned ppc64_section_size_bits(const struct kview *kv)
{
	(void)kv;
	return 24;
}

/*
 * ppc64 is SPARSEMEM_EXTREME: LENGTH(mem_section) roots of
 * PAGE_SIZE / SIZE(mem_section) sections each cover the whole physical
 * address space, so they say MAX_PHYSMEM_BITS exactly; without them, 46
 * (the value before the 4.20-era increase to 51).
 */
static unsigned ppc64_max_physmem_bits(const struct kview *kv)
{
	unsigned bits = arch_physmem_bits_from_roots(kv);

	return bits ? bits : 46;
}

const struct arch_ops arch_ppc64 = {
	.name = "ppc64",
	.e_machine = EM_PPC64,
	.init = ppc64_init,
	.fini = ppc64_fini,
	.vtop = ppc64_vtop,
	.print_vtop = ppc64_print_vtop,
	.is_kvaddr = ppc64_is_kvaddr,
	.kernel_tables = ppc64_kernel_tables,
	.char_is_signed = false,	/* the ppc64 ELF ABIs make plain char unsigned */
	.section_size_bits = ppc64_section_size_bits,
	.max_physmem_bits = ppc64_max_physmem_bits,
};
