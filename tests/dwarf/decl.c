/*
 * decl.c - the unit linked first: only what must NOT be taken.
 *
 * Compiled with -gdwarf-4.  The walk meets these before the real
 * definitions in mm.c and printk.c and must pass over them:
 *  - struct page, struct zone: declarations only (no size, no members);
 *  - nodemask_t: a typedef of an incomplete struct (no size yet);
 *  - node_data, mem_section: "extern ...[]" with no bound;
 *  - PG_compound: the old name of PG_head.  PG_head_mask is "PG_head |
 *    PG_compound", the first present winning, so mm.c's PG_head must
 *    replace this value even though this one is seen first.
 */
#include "kernel.h"

struct page;
struct zone;
struct pglist_data;
struct mem_section;
struct nodemask_incomplete;

typedef struct nodemask_incomplete nodemask_t;

extern struct pglist_data *node_data[];
extern struct mem_section *mem_section[];

enum old_pageflags {
	PG_old_locked,
	PG_compound = 14,
};

struct page *decl_page_ptr;
struct zone *decl_zone_ptr;
nodemask_t *decl_nodemask_ptr;
enum old_pageflags decl_old_flag;

struct pglist_data *decl_first_node(void)
{
	return node_data[0] ? node_data[0] : (struct pglist_data *)mem_section[0];
}
