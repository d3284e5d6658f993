/*
 * keep.h - the pages a reader of the dump needs first, kept whatever
 * their struct pages or contents say.
 *
 * crash and drgn start from the kernel image (text, data and bss: the IDT,
 * the page-table roots, the printk ring's descriptors), walk the kernel's
 * page tables and read the notes.  A struct page that is corrupt, or a
 * bss page that happens to be all zeros, must not cost those: the filter
 * asks this set before it leaves a page out.  Built once per run from the
 * dump alone; its size is bounded, not grown with the machine's RAM.
 */
#ifndef MDF_KEEP_H
#define MDF_KEEP_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kview.h"

struct keep_set;

/*
 * Gather the set: the kernel image, every table page reachable from the
 * top-level kernel page table, and the pages of the dump's own notes
 * where the dump says where they were.  NULL with e set only when out of
 * memory; what cannot be found is left out (said at -D).
 */
struct keep_set *keep_build(struct kview *kv, struct err *e);
void keep_free(struct keep_set *ks);
/*
 * The same set for another thread: its own answer cache, the ranges
 * shared (valid while ks lives).  NULL when ks is NULL or, with e set,
 * out of memory.
 */
struct keep_set *keep_share(const struct keep_set *ks, struct err *e);

/*
 * Is pfn in the set?  And the first kept pfn range that ends after pfn:
 * [*first, *end), false when none does.  The last answer is kept, so
 * ascending questions (a window's pages) cost no search each.
 */
bool keep_has(struct keep_set *ks, uint64_t pfn);
bool keep_next(struct keep_set *ks, uint64_t pfn, uint64_t *first, uint64_t *end);
/* How many pfns the set holds (for -D). */
uint64_t keep_pages(const struct keep_set *ks);

#endif
