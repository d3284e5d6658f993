/*
 * mm.c - memory models: where each pfn's struct page lives, and the
 * mem_section / mem_map structures that let a reader find it.
 *
 *   SPARSEMEM_EXTREME: SYMBOL(mem_section) -> root array of LENGTH(mem_section)
 *       pointers, each -> a page of struct mem_section (array form), or
 *       SYMBOL(mem_section) -> a pointer to that root array (pointer form).
 *   SPARSEMEM (classic): SYMBOL(mem_section) -> a flat array of every section.
 *   FLATMEM: SYMBOL(mem_map) -> a pointer to the struct page of pfn 0.
 * section_mem_map = (address of the section's first struct page
 *                    - first pfn * SIZE(page)) | flags.
 * Struct pages are in the vmemmap (mapped here, in base pages or large ones) or
 * in memblock memory reached through the direct map.
 */
#include "mkvmcore.h"

#include <stdlib.h>

#define SEC_PRESENT	UINT64_C(0x1)
#define SEC_HAS_MEM_MAP	UINT64_C(0x2)
#define SEC_ONLINE	UINT64_C(0x4)
#define SEC_EARLY	UINT64_C(0x8)

static uint64_t pfns_per_section, nr_sections;	/* sections up to max_pfn */
static bool *present;

static bool section_present(uint64_t nr)
{
	return nr < nr_sections && present[nr];
}

static void find_sections(void)
{
	uint64_t nr, pfn;

	pfns_per_section = UINT64_C(1) << (S.section_bits - PAGE_SHIFT);
	nr_sections = (M.max_pfn + pfns_per_section - 1) / pfns_per_section;
	present = calloc(nr_sections, sizeof(*present));
	if (!present)
		die("out of memory");
	for (nr = 0; nr < nr_sections; nr++) {
		bool ram = false, absent = false;
		uint64_t end = (nr + 1) * pfns_per_section;

		if (end > M.max_pfn)
			end = M.max_pfn;
		for (pfn = nr * pfns_per_section; pfn < end; pfn++) {
			if (M.kind[pfn] == K_NOSECTION)
				absent = true;
			else if (!ram && pfn_in_ram(pfn))
				ram = true;
		}
		present[nr] = ram && !absent;
	}
}

uint64_t page_struct_va(uint64_t pfn)
{
	uint64_t sz = (uint64_t)S.era->size_page;

	if (S.model == MM_FLAT)
		return M.direct_map_va + (pfn - M.flat_first_pfn) * sz;
	if (S.memmap_vmemmap)
		return M.vmemmap_base + pfn * sz;
	return M.section_map[pfn / pfns_per_section] + (pfn % pfns_per_section) * sz;
}

bool page_struct_mapped(uint64_t pfn)
{
	uint64_t va;

	if (S.model != MM_FLAT && !section_present(pfn / pfns_per_section))
		return false;
	if (S.model == MM_FLAT && pfn < M.flat_first_pfn)
		return false;
	va = page_struct_va(pfn);
	return virt_mapped(va) && virt_mapped(va + (uint64_t)S.era->size_page - 1);
}

/* vmemmap: back and map every page of struct pages a present section needs. */
static void build_vmemmap(void)
{
	uint64_t sz = (uint64_t)S.era->size_page, i, n4k = 0, n2m = 0;
	/* groups of the large vmemmap page (s390x 1 MiB, ppc64 hash 16 MiB), else of 2 MiB */
	uint64_t group = S.pt_vmemmap > PAGE_SIZE ? S.pt_vmemmap : UINT64_C(2) << 20;
	uint64_t per_chunk = group >> PAGE_SHIFT;
	void (*map)(uint64_t, uint64_t, uint64_t) = A->vmemmap_map ? A->vmemmap_map : A->map;
	uint8_t *want;

	M.vmemmap_pages = (M.max_pfn * sz + PAGE_SIZE - 1) >> PAGE_SHIFT;
	M.vmemmap_pages = (M.vmemmap_pages + per_chunk - 1) / per_chunk * per_chunk;
	M.vmemmap_pfn = malloc(M.vmemmap_pages * sizeof(uint64_t));
	want = calloc(M.vmemmap_pages, 1);	/* 0 no, 1 yes, 2 forbidden (novmemmap) */
	if (!M.vmemmap_pfn || !want)
		die("out of memory");
	for (i = 0; i < M.vmemmap_pages; i++) {
		uint64_t first = (i << PAGE_SHIFT) / sz, last = (((i + 1) << PAGE_SHIFT) - 1) / sz, p;

		M.vmemmap_pfn[i] = NO_PFN;
		for (p = first; p <= last && p < M.max_pfn; p++) {
			if (M.kind[p] == K_NOVMEMMAP) {
				want[i] = 2;
				break;
			}
			if (section_present(p / pfns_per_section))
				want[i] = 1;
		}
	}
	for (i = 0; i < M.vmemmap_pages; i += per_chunk) {
		uint64_t j, any = 0, forbidden = 0, base = NO_PFN;

		for (j = i; j < i + per_chunk; j++) {
			any += want[j] == 1;
			forbidden += want[j] == 2;
		}
		if (!any)
			continue;
		if (S.pt_vmemmap == group && !forbidden)
			base = pool_alloc(per_chunk, per_chunk);
		if (base != NO_PFN) {
			map(M.vmemmap_base + (i << PAGE_SHIFT), base << PAGE_SHIFT, group);
			for (j = 0; j < per_chunk; j++)
				M.vmemmap_pfn[i + j] = base + j;
			n2m++;
			continue;
		}
		for (j = i; j < i + per_chunk; j++) {
			if (want[j] != 1)
				continue;
			M.vmemmap_pfn[j] = pool_alloc(1, 1);
			map(M.vmemmap_base + (j << PAGE_SHIFT), M.vmemmap_pfn[j] << PAGE_SHIFT, PAGE_SIZE);
			n4k++;
		}
	}
	free(want);
	note("vmemmap at %#llx: %llu %llu KiB and %llu %u KiB mappings",
	     (unsigned long long)M.vmemmap_base, (unsigned long long)n2m,
	     (unsigned long long)(group >> 10), (unsigned long long)n4k, PAGE_SIZE >> 10);
}

/* Struct pages in memblock memory, one block per present section. */
static void build_direct_memmap(void)
{
	uint64_t sz = (uint64_t)S.era->size_page, nr;
	uint64_t pages = (pfns_per_section * sz + PAGE_SIZE - 1) >> PAGE_SHIFT;

	M.section_map = calloc(nr_sections, sizeof(uint64_t));
	if (!M.section_map)
		die("out of memory");
	for (nr = 0; nr < nr_sections; nr++)
		if (present[nr])
			M.section_map[nr] = phys_to_direct(pool_alloc(pages, 1) << PAGE_SHIFT);
}

static uint64_t section_value(uint64_t nr)
{
	uint64_t first = nr * pfns_per_section;
	uint64_t flags = SEC_PRESENT | SEC_HAS_MEM_MAP |
			 (S.era->modern_roots ? SEC_ONLINE | SEC_EARLY : 0);

	if (!section_present(nr))
		return 0;
	return (page_struct_va(first) - first * (uint64_t)S.era->size_page) | flags;
}

static void build_sections(void)
{
	uint64_t ssz = (uint64_t)S.era->size_mem_section;
	uint64_t total = UINT64_C(1) << (S.physmem_bits - S.section_bits), nr;

	if (S.model == MM_SPARSE) {
		/* static struct mem_section mem_section[NR_MEM_SECTIONS] */
		if (total * ssz > S.ksize / 2)
			die("classic SPARSEMEM with %llu sections does not fit the kernel image: lower physmem_bits",
			    (unsigned long long)total);
		M.mem_section_va = kdata_alloc(total * ssz);
		M.nr_mem_section_len = total;
		for (nr = 0; nr < nr_sections; nr++)
			if (present[nr])
				virt_wlong(M.mem_section_va + nr * ssz, section_value(nr));
		return;
	} else {
		uint64_t per_root = PAGE_SIZE / ssz, nr_roots = (total + per_root - 1) / per_root, r;
		uint64_t roots;

		M.nr_mem_section_len = nr_roots;
		if (S.era->modern_roots)
			roots = phys_to_direct(pool_alloc((nr_roots * WORD + PAGE_SIZE - 1) >> PAGE_SHIFT, 1)
					       << PAGE_SHIFT);
		else
			roots = kdata_alloc(nr_roots * WORD);
		for (r = 0; r * per_root < nr_sections; r++) {
			uint64_t root = 0;

			for (nr = r * per_root; nr < (r + 1) * per_root && nr < nr_sections; nr++) {
				uint64_t v = section_value(nr);

				if (!v && !pfn_in_ram(nr * pfns_per_section))
					continue;	/* no memory here: the kernel leaves it zero */
				if (!root) {
					root = phys_to_direct(pool_alloc(1, 1) << PAGE_SHIFT);
					virt_wlong(roots + r * WORD, root);
				}
				virt_wlong(root + (nr % per_root) * ssz, v);
			}
		}
		if (S.model == MM_EXTREME_PTR) {
			M.mem_section_va = kdata_alloc(WORD);	/* struct mem_section **mem_section */
			virt_wlong(M.mem_section_va, roots);
		} else {
			M.mem_section_va = roots;
		}
	}
}

/*
 * The vmemmap's backing pages as runs of consecutive pfns, sorted by pfn:
 * the file writer asks which vmemmap page a pfn backs (memmap_page() then
 * makes its struct pages), so that no struct page is kept in memory.
 */
struct run { uint64_t pfn, vidx, n; };
static struct run *runs;
static size_t nruns;

static int by_pfn(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static void index_vmemmap(void)
{
	uint64_t i;
	size_t cap = 0;

	for (i = 0; i < M.vmemmap_pages; i++) {
		uint64_t pfn = M.vmemmap_pfn[i];
		struct run *r = nruns ? &runs[nruns - 1] : NULL;

		if (pfn == NO_PFN)
			continue;
		if (r && r->pfn + r->n == pfn && r->vidx + r->n == i) {
			r->n++;
			continue;
		}
		if (nruns == cap) {
			cap = cap ? cap * 2 : 64;
			runs = realloc(runs, cap * sizeof(*runs));
			if (!runs)
				die("out of memory");
		}
		runs[nruns++] = (struct run){ pfn, i, 1 };
	}
	qsort(runs, nruns, sizeof(*runs), by_pfn);
}

bool memmap_virtual(void)
{
	return runs != NULL;
}

bool memmap_backing(uint64_t pfn, uint64_t *vidx)
{
	size_t lo = 0, hi = nruns;

	while (lo < hi) {	/* the first run starting after pfn */
		size_t mid = (lo + hi) / 2;

		if (runs[mid].pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || pfn - runs[lo - 1].pfn >= runs[lo - 1].n)
		return false;
	*vidx = runs[lo - 1].vidx + (pfn - runs[lo - 1].pfn);
	return true;
}

void mm_build(void)
{
	uint64_t sz = (uint64_t)S.era->size_page;

	if (S.model == MM_FLAT) {
		uint64_t pages = ((M.max_pfn - M.flat_first_pfn) * sz + PAGE_SIZE - 1) >> PAGE_SHIFT;

		find_sections();	/* for page_struct_mapped: FLATMEM has no absent parts */
		for (uint64_t nr = 0; nr < nr_sections; nr++)
			present[nr] = true;
		M.direct_map_va = phys_to_direct(pool_alloc(pages, 1) << PAGE_SHIFT);
		M.mem_map_sym_va = kdata_alloc(WORD);	/* struct page *mem_map */
		virt_wlong(M.mem_map_sym_va, M.direct_map_va);
		note("FLATMEM mem_map at %#llx", (unsigned long long)M.direct_map_va);
		return;
	}
	find_sections();
	if (S.memmap_vmemmap) {
		build_vmemmap();
		index_vmemmap();
	} else
		build_direct_memmap();
	build_sections();
	note("mem_section at %#llx, LENGTH %llu, %llu sections of %llu pfns",
	     (unsigned long long)M.mem_section_va, (unsigned long long)M.nr_mem_section_len,
	     (unsigned long long)nr_sections, (unsigned long long)pfns_per_section);
}
