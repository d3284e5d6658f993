/* memmap.c - pfn -> struct page address, by memory model; see memmap.h. */
#include "memmap.h"
#include "arch/arch.h"
#include "log.h"

#include <inttypes.h>
#include <stdlib.h>

/*
 * section_mem_map keeps flags in its low bits: PRESENT (bit 0), HAS_MEM_MAP,
 * ONLINE, EARLY, ZONE_DEVICE taint; kernels through 6.x use at most five,
 * and the encoded pointer is aligned past them.
 */
#define SECTION_MARKED_PRESENT	UINT64_C(0x1)
#define SECTION_FLAG_BITS	UINT64_C(0x1f)

struct memmap {
	struct kview *kv;
	enum memmap_model model;
	uint64_t max_pfn;
	unsigned size_page;

	uint64_t flat_map;		/* FLATMEM: mem_map[0], the page of pfn kv->arch_pfn_offset */

	unsigned pfn_section_shift;	/* log2(pages per section) */
	uint64_t nr_sections;
	uint64_t sections_va;		/* root array (EXTREME) or section array */
	unsigned size_section, off_mem_map, sections_per_root;
	uint64_t nr_roots;		/* LENGTH(mem_section) or computed */

	uint64_t cached_nr;		/* last decoded section, +1 (0 = none) */
	uint64_t cached_map;
};

const char *memmap_model_name(enum memmap_model m)
{
	static const char *const names[] = { "none", "FLATMEM", "SPARSEMEM", "SPARSEMEM_EX" };

	return names[m];
}

enum memmap_model memmap_model(const struct memmap *mm) { return mm->model; }
uint64_t memmap_max_pfn(const struct memmap *mm) { return mm->max_pfn; }

/* Address of section nr's struct mem_section, or 0 when its root is empty. */
static int section_addr(struct memmap *mm, uint64_t nr, uint64_t *addr, struct err *e)
{
	uint64_t root;

	if (mm->model == MM_SPARSEMEM) {
		*addr = mm->sections_va + nr * mm->size_section;
		return 0;
	}
	if (nr / mm->sections_per_root >= mm->nr_roots) {
		*addr = 0;
		return 0;
	}
	if (kview_read_ptr(mm->kv, mm->sections_va + (nr / mm->sections_per_root) * mm->kv->ptr_size,
			   &root, e) < 0)
		return -1;
	*addr = root ? root + (nr % mm->sections_per_root) * mm->size_section : 0;
	return 0;
}

/*
 * Decode section nr: *map = address of its first struct page, 0 when the
 * section is absent.  Returns 1 when the decoded pointer is not a kernel
 * address (the layout guess is wrong), 0 when fine, -1 on a read error.
 */
static int decode_section(struct memmap *mm, uint64_t nr, uint64_t *map, struct err *e)
{
	uint64_t addr, val;

	*map = 0;
	if (section_addr(mm, nr, &addr, e) < 0)
		return -1;
	if (!addr)
		return 0;
	if (!mm->kv->arch->is_kvaddr(mm->kv, addr))
		return 1;
	if (kview_read_ptr(mm->kv, addr + mm->off_mem_map, &val, e) < 0)
		return -1;
	if (!(val & SECTION_MARKED_PRESENT))
		return 0;
	*map = (val & ~SECTION_FLAG_BITS) + ((nr << mm->pfn_section_shift) * mm->size_page);
	return mm->kv->arch->is_kvaddr(mm->kv, *map) ? 0 : 1;
}

/*
 * Check every section under the current root guess; on success trim
 * max_pfn to the end of the last section with a mem_map.
 */
static int validate_sections(struct memmap *mm, bool *ok, struct err *e)
{
	uint64_t nr, last_end = 0, found = 0;

	*ok = false;
	for (nr = 0; nr < mm->nr_sections; nr++) {
		uint64_t map;
		struct err ignore;
		int rc = decode_section(mm, nr, &map, &ignore);

		if (rc != 0)
			return 0;	/* unreadable or not a kernel address: wrong guess */
		if (map) {
			found++;
			last_end = (nr + 1) << mm->pfn_section_shift;
		}
	}
	(void)e;
	if (!found)
		return 0;
	*ok = true;
	if (last_end < mm->max_pfn)
		mm->max_pfn = last_end;
	return 0;
}

static bool is_sparsemem_extreme(const struct kfacts *k, unsigned page_size)
{
	uint64_t nr_mem_sections, per_root;

	if (!kf_have(k, KF_LEN_mem_section))
		return true;
	if (!kf_have(k, KF_NUM_MAX_PHYSMEM_BITS) || !kf_have(k, KF_NUM_SECTION_SIZE_BITS))
		return true;
	nr_mem_sections = UINT64_C(1) << (kf_val(k, KF_NUM_MAX_PHYSMEM_BITS) -
					  kf_val(k, KF_NUM_SECTION_SIZE_BITS));
	per_root = page_size / (uint64_t)kf_val(k, KF_SIZE_mem_section);
	return (uint64_t)kf_val(k, KF_LEN_mem_section) == (nr_mem_sections + per_root - 1) / per_root;
}

static int open_sparsemem(struct memmap *mm, struct err *e)
{
	const struct kfacts *k = &mm->kv->k;
	unsigned shift;
	bool ok;

	if (!kf_have(k, KF_NUM_SECTION_SIZE_BITS))
		return err_set(e, "SPARSEMEM: NUMBER(SECTION_SIZE_BITS) is missing from the kernel facts");
	shift = (unsigned)kf_val(k, KF_NUM_SECTION_SIZE_BITS);
	if (shift <= mm->kv->page_shift || shift > 50)
		return err_set(e, "SPARSEMEM: NUMBER(SECTION_SIZE_BITS)=%u is implausible", shift);
	if (kf_have(k, KF_NUM_MAX_PHYSMEM_BITS) &&
	    (kf_val(k, KF_NUM_MAX_PHYSMEM_BITS) <= shift || kf_val(k, KF_NUM_MAX_PHYSMEM_BITS) > 64))
		return err_set(e, "%s: NUMBER(MAX_PHYSMEM_BITS)=%lld does not fit NUMBER(SECTION_SIZE_BITS)=%u",
			       vmcore_path(mm->kv->vc), (long long)kf_val(k, KF_NUM_MAX_PHYSMEM_BITS), shift);
	mm->pfn_section_shift = shift - mm->kv->page_shift;
	mm->size_section = (unsigned)kf_val(k, KF_SIZE_mem_section);
	mm->off_mem_map = (unsigned)kf_val(k, KF_OFF_mem_section_section_mem_map);
	if (mm->size_section == 0 || mm->off_mem_map + mm->kv->ptr_size > mm->size_section)
		return err_set(e, "SPARSEMEM: OFFSET(mem_section.section_mem_map)=%u does not fit in SIZE(mem_section)=%u",
			       mm->off_mem_map, mm->size_section);
	/* a root holds a page of sections; the section count is 2^(MAX - SECTION) */
	if (mm->size_section > mm->kv->page_size)
		return err_set(e, "SPARSEMEM: SIZE(mem_section)=%u is larger than a page", mm->size_section);
	mm->nr_sections = (mm->max_pfn + (UINT64_C(1) << mm->pfn_section_shift) - 1) >>
			  mm->pfn_section_shift;
	mm->sections_va = kf_addr(k, KF_SYM_mem_section);
	if (!is_sparsemem_extreme(k, mm->kv->page_size)) {
		mm->model = MM_SPARSEMEM;
		mm->sections_per_root = 1;
		if (validate_sections(mm, &ok, e) < 0)
			return -1;
		if (!ok)
			return err_set(e, "SPARSEMEM: no valid section at SYMBOL(mem_section)=0x%" PRIx64,
				       mm->sections_va);
		return 0;
	}
	mm->model = MM_SPARSEMEM_EXTREME;
	mm->sections_per_root = mm->kv->page_size / mm->size_section;
	mm->nr_roots = kf_have(k, KF_LEN_mem_section)
		? (uint64_t)kf_val(k, KF_LEN_mem_section)
		: (mm->nr_sections + mm->sections_per_root - 1) / mm->sections_per_root;
	/* First guess: the symbol is the root array itself (what VMCOREINFO exports). */
	if (validate_sections(mm, &ok, e) < 0)
		return -1;
	if (ok)
		return 0;
	/* Second guess: a pointer to the root array (4.15+ as DWARF sees it). */
	if (kview_read_ptr(mm->kv, kf_addr(k, KF_SYM_mem_section), &mm->sections_va, e) < 0)
		return err_prefix(e, "SPARSEMEM: reading the mem_section pointer");
	if (mm->sections_va && mm->kv->arch->is_kvaddr(mm->kv, mm->sections_va) &&
	    validate_sections(mm, &ok, e) == 0 && ok) {
		log_debug("mem_section is a pointer to the root array at 0x%" PRIx64 "\n",
			  mm->sections_va);
		return 0;
	}
	return err_set(e, "SPARSEMEM: SYMBOL(mem_section)=0x%" PRIx64 " points outside the kernel's memory (neither a root array nor a pointer to one)",
		       kf_addr(k, KF_SYM_mem_section));
}

static int open_flatmem(struct memmap *mm, struct err *e)
{
	const struct kfacts *k = &mm->kv->k;

	if (kview_read_ptr(mm->kv, kf_addr(k, KF_SYM_mem_map), &mm->flat_map, e) < 0)
		return err_prefix(e, "FLATMEM: reading mem_map");
	if (!mm->flat_map || !mm->kv->arch->is_kvaddr(mm->kv, mm->flat_map))
		return err_set(e, "FLATMEM: mem_map (0x%" PRIx64 ") is not a kernel address",
			       mm->flat_map);
	mm->model = MM_FLATMEM;
	return 0;
}

struct memmap *memmap_open(struct kview *kv, uint64_t max_pfn, struct err *e)
{
	struct memmap *mm = calloc(1, sizeof(*mm));
	const struct kfacts *k = &kv->k;
	int rc = 0;

	if (!mm) {
		err_set(e, "out of memory");
		return NULL;
	}
	mm->kv = kv;
	mm->max_pfn = max_pfn;
	mm->size_page = (unsigned)kf_or(k, KF_SIZE_page, 0);
	if (!mm->size_page || !kf_have(k, KF_OFF_page_flags)) {
		mm->model = MM_NONE;
		return mm;
	}
	if (kf_have(k, KF_SYM_mem_section) && kf_have(k, KF_SIZE_mem_section) &&
	    kf_have(k, KF_OFF_mem_section_section_mem_map))
		rc = open_sparsemem(mm, e);
	else if (kf_have(k, KF_SYM_mem_map))
		rc = open_flatmem(mm, e);
	else
		mm->model = MM_NONE;
	if (rc < 0) {
		free(mm);
		return NULL;
	}
	return mm;
}

void memmap_close(struct memmap *mm)
{
	free(mm);
}

struct memmap *memmap_clone(const struct memmap *mm, struct kview *kv, struct err *e)
{
	struct memmap *c = malloc(sizeof(*c));

	if (!c) {
		err_set(e, "out of memory");
		return NULL;
	}
	*c = *mm;
	c->kv = kv;
	c->cached_nr = 0;
	return c;
}

int memmap_lookup(struct memmap *mm, uint64_t pfn, uint64_t *first, uint64_t *end,
		  uint64_t *page_va, struct err *e)
{
	uint64_t nr;

	switch (mm->model) {
	case MM_FLATMEM:	/* mem_map[0] is ARCH_PFN_OFFSET's page; none below it */
		*first = pfn < mm->kv->arch_pfn_offset ? 0 : mm->kv->arch_pfn_offset;
		*end = pfn < mm->kv->arch_pfn_offset ? mm->kv->arch_pfn_offset : mm->max_pfn;
		*page_va = pfn < mm->kv->arch_pfn_offset ? 0 : mm->flat_map;
		return 0;
	case MM_SPARSEMEM:
	case MM_SPARSEMEM_EXTREME:
		nr = pfn >> mm->pfn_section_shift;
		*first = nr << mm->pfn_section_shift;
		*end = *first + (UINT64_C(1) << mm->pfn_section_shift);
		if (*end > mm->max_pfn)
			*end = mm->max_pfn;
		if (mm->cached_nr != nr + 1) {
			if (decode_section(mm, nr, &mm->cached_map, e) < 0)
				return -1;
			mm->cached_nr = nr + 1;
		}
		*page_va = mm->cached_map;
		return 0;
	default:
		*first = 0;
		*end = mm->max_pfn;
		*page_va = 0;
		return 0;
	}
}

int memmap_page_to_pfn(struct memmap *mm, uint64_t va, uint64_t *pfn, struct err *e)
{
	uint64_t nr;

	if (mm->model == MM_FLATMEM) {
		if (va < mm->flat_map ||
		    (va - mm->flat_map) / mm->size_page >= mm->max_pfn - mm->kv->arch_pfn_offset)
			return err_set(e, "struct page 0x%" PRIx64 " is outside mem_map", va);
		*pfn = mm->kv->arch_pfn_offset + (va - mm->flat_map) / mm->size_page;
		return 0;
	}
	for (nr = 0; nr < mm->nr_sections; nr++) {
		uint64_t first, end, map;

		if (memmap_lookup(mm, nr << mm->pfn_section_shift, &first, &end, &map, e) < 0)
			return -1;
		if (map && va >= map && (va - map) / mm->size_page < end - first) {
			*pfn = first + (va - map) / mm->size_page;
			return 0;
		}
	}
	return err_set(e, "struct page 0x%" PRIx64 " is in no section's mem_map", va);
}
