/*
 * memmap.h - where the dumped kernel keeps each pfn's struct page.
 *
 * Memory models: SPARSEMEM (classic array or SPARSEMEM_EXTREME roots, the
 * roots as an array or behind a pointer), SPARSEMEM_VMEMMAP (the same
 * sections, whose mem_map points into vmemmap) and FLATMEM (one mem_map).
 * Sections are decoded lazily, a root page at a time, so memory use does
 * not grow with the dumped machine's RAM.
 */
#ifndef MDF_MEMMAP_H
#define MDF_MEMMAP_H

#include <stdint.h>

#include "err.h"
#include "kview.h"

enum memmap_model { MM_NONE, MM_FLATMEM, MM_SPARSEMEM, MM_SPARSEMEM_EXTREME };

struct memmap;

/*
 * Decide the model from the facts and validate it against the dump.
 * max_pfn is the dump's highest pfn + 1; memmap_max_pfn() may be lower
 * (the last section with a mem_map: a "mem=" kernel).
 */
struct memmap *memmap_open(struct kview *kv, uint64_t max_pfn, struct err *e);
void memmap_close(struct memmap *mm);
/* The same mem_map read through kv (another thread's view of the dump). */
struct memmap *memmap_clone(const struct memmap *mm, struct kview *kv, struct err *e);

enum memmap_model memmap_model(const struct memmap *mm);
const char *memmap_model_name(enum memmap_model m);
uint64_t memmap_max_pfn(const struct memmap *mm);

/*
 * The run of pfns sharing pfn's section: [*first, *end) with struct pages
 * from *page_va (the struct page of *first), or *page_va = 0 when that
 * section has no mem_map (its pages cannot be classified).
 */
int memmap_lookup(struct memmap *mm, uint64_t pfn, uint64_t *first, uint64_t *end,
		  uint64_t *page_va, struct err *e);
/* pfn of the struct page at va, or -1 (free-list walking). */
int memmap_page_to_pfn(struct memmap *mm, uint64_t va, uint64_t *pfn, struct err *e);

#endif
