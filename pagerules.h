/*
 * pagerules.h - what a struct page says about its page.
 *
 * page_rules is built once from the kernel facts (plus the small table of
 * fallbacks for kernels that export nothing, each row citing its release):
 * every offset, flag mask, page-type value and dump-level bit the hot loop
 * needs.  classify() is a pure function of the rules and one decoded
 * struct page.
 */
#ifndef MDF_PAGERULES_H
#define MDF_PAGERULES_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kfacts.h"

/* Dump level bits (-d). */
enum {
	DL_ZERO = 0x01,
	DL_CACHE = 0x02,
	DL_CACHE_PRIVATE = 0x04,
	DL_USER = 0x08,
	DL_FREE = 0x10,
	DL_MAX = 0x1f,
};

/* How a page type is recognised in page_type / _mapcount. */
enum type_test_kind {
	TT_NONE,	/* the kernel has no such type, or does not say */
	TT_EQUAL,	/* 2.6.38-6.11: the whole 32-bit value */
	TT_TOP_BYTE,	/* 6.12+: page_type >> 24 is the type (PGTY_*) */
};
struct type_test {
	enum type_test_kind kind;
	uint32_t value;
};

/* Where the order of a compound page is kept, in its first tail page. */
enum order_where {
	ORDER_UNKNOWN,	/* nothing says: compound heads count as one page */
	ORDER_FIELD,	/* an integer field of page[1] */
	ORDER_FLAGS1,	/* 6.6+: low byte of page[1].flags (folio _flags_1) */
};

/* How hugetlb folios are recognised. */
enum hugetlb_how {
	HUGETLB_UNKNOWN,
	HUGETLB_DTOR_VALUE,	/* 4.4-6.5: compound_dtor == HUGETLB_PAGE_DTOR */
	HUGETLB_DTOR_POINTER,	/* before 4.4: destructor == free_huge_page */
	HUGETLB_FLAG1,		/* 6.6-6.8: PG_hugetlb in page[1].flags */
	HUGETLB_TYPE,		/* 6.9+: a page type of the head */
};

struct page_rules {
	int dump_level;
	unsigned long_size;		/* the kernel's unsigned long: 4 or 8 */
	bool big_endian;
	unsigned size_page;		/* SIZE(page) */

	int off_flags, off_mapping, off_mapcount, off_private, off_chead;	/* -1: absent */

	uint64_t m_lru, m_private, m_swapcache, m_swapbacked, m_slab, m_hwpoison;
	uint64_t m_head, m_buddy;	/* PG_head_mask; PG_buddy (2.6.17-2.6.37) */
	bool have_swapbacked;

	struct type_test buddy, offline, slab, hugetlb_type, unaccepted;

	enum order_where order_where;
	int order_off;			/* in page[1] */
	unsigned order_width;		/* bytes */
	enum hugetlb_how hugetlb;
	int dtor_off;			/* in page[1] */
	unsigned dtor_width;
	uint64_t hugetlb_dtor;		/* value or destructor address */
	uint64_t m_hugetlb_flag1;

	unsigned max_order;		/* LENGTH(zone.free_area); 0: unknown */
	bool buddy_usable;		/* free pages can be found in mem_map */
	bool free_by_lists;		/* no marker (2.6.15-2.6.16): walk free lists */
	bool scan_memmap;		/* the mem_map pass is needed at all */
};

/* A struct page, decoded. */
struct page_view {
	uint64_t flags, mapping, private, compound_head;
	uint32_t mapcount;
	unsigned order;		/* compound order of a head page, else 0 */
	bool hugetlb;		/* head of a hugetlb folio */
};

enum page_class {
	PC_KEEP,
	PC_TAIL,		/* a compound tail: its head decides */
	PC_FREE,
	PC_CACHE,
	PC_CACHE_PRIVATE,
	PC_USER,
	PC_HWPOISON,
	PC_OFFLINE,
	PC_BAD_ORDER,		/* looks free but page.private is no valid order: kept */
};

/* Build the rules for this kernel and dump level. */
int pagerules_init(struct page_rules *r, const struct kfacts *k, unsigned long_size,
		   bool big_endian, int dump_level, struct err *e);
/* Describe the rules for -D. */
void pagerules_debug(const struct page_rules *r);

/*
 * Decode the struct page at p (and page[1] at next, or NULL when not
 * readable) into v.
 */
void pagerules_decode(const struct page_rules *r, const uint8_t *p, const uint8_t *next,
		      uint64_t pfn, struct page_view *v);

/* What to do with the page; *order: 2^order pages share the decision. */
enum page_class classify(const struct page_rules *r, const struct page_view *v, unsigned *order);

#endif
