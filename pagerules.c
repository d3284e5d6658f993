/* pagerules.c - kernel facts -> page_rules, and classify(); see pagerules.h. */
#include "pagerules.h"
#include "bytes.h"
#include "log.h"

#include <string.h>

/*
 * Fallbacks for kernels that do not export a fact, one row per kernel
 * change, each naming the kernel commit that made it (where it could be
 * pinned down).  Used only when the dump (VMCOREINFO or DWARF) says nothing.
 */
struct release { int a, b, c; };
static bool at_least(const struct kfacts *k, struct release r)
{
	return kf_release_cmp(kf_text(k, KT_OSRELEASE), r.a, r.b, r.c) >= 0;
}

/*
 * Flag numbers of the 2.6 kernels that predate their VMCOREINFO export
 * (the values of 2.6's include/linux/page-flags.h, not a change).
 */
static const struct { enum kf_id id; int64_t value; } old_flag_numbers[] = {
	{ KF_NUM_PG_lru, 5 },		/* 2.6.x */
	{ KF_NUM_PG_private, 11 },	/* 2.6.x */
	{ KF_NUM_PG_swapcache, 15 },	/* 2.6.x */
};
/* PG_slab: 7 in 2.6; a page type since 46df8e73a4a3 ("mm: free up PG_slab", 6.10) */
#define PG_SLAB_OLD		7
/* PG_compound, 2.6.25 and older (2.6.26 has PG_head; commit not pinned down here) */
#define PG_COMPOUND_OLD		14
/*
 * PG_buddy: 19 from 2.6.17, 18 from 2.6.27, 19 again from 2.6.30, where
 * "FS-Cache: Recruit a page flags for cache management" put PG_private_2
 * before it (hashes not pinned down here); gone in 2.6.38: 5f24ce5fd34c
 * ("thp: remove PG_buddy") marks free pages in _mapcount instead (type_rows).
 */
#define PG_BUDDY_BEFORE_2_6_27	19	/* PG_buddy, 2.6.17-2.6.26 */
#define PG_BUDDY_FROM_2_6_27	18	/* PG_buddy, 2.6.27-2.6.29 */
#define PG_BUDDY_FROM_2_6_30	19	/* PG_buddy, 2.6.30-2.6.37 */
#define ORDER_WHEN_UNKNOWN	20	/* bound on a buddy order when LENGTH(zone.free_area) is absent */

/*
 * 4.4: f1e61557f023 ("mm: pack compound_dtor and compound_order into one
 *	word in struct page"): order and destructor index in page[1] fields,
 *	no longer page[1].lru.prev and a destructor pointer in lru.next.
 * 4.16: "mm: store compound_dtor / compound_order as bytes" (hash not
 *	pinned down here): the two fields become unsigned char (were
 *	unsigned int on 64-bit, unsigned short on 32-bit).
 * 6.6: ebc1baf5c9b4 ("mm: free up a word in the first tail page"): the
 *	order moves into the low byte of page[1].flags (_flags_1).
 * 6.10: 46df8e73a4a3 ("mm: free up PG_slab"): slab becomes a page type.
 */
static const struct release K_2_6_17 = { 2, 6, 17 }, K_2_6_27 = { 2, 6, 27 },
	K_2_6_30 = { 2, 6, 30 },
	K_4_4 = { 4, 4, 0 },
	K_4_16 = { 4, 16, 0 }, K_6_6 = { 6, 6, 0 }, K_6_10 = { 6, 10, 0 };

/*
 * Page types of kernels whose VMCOREINFO does not say (or a dump without
 * one, read with -x): newest first, the first row the release reaches.
 * The kernel commits behind the rows:
 *   6.12   4ffca5a96678 ("mm: support only one page_type per page"):
 *          the type is a value in the top byte, PGTY_* << 24
 *   6.11   8db00ad56461 ("mm: allow reuse of the lower 16 bit of the page
 *          type with an actual type"): one bit cleared from the top
 *   6.10   46df8e73a4a3 ("mm: free up PG_slab"): slab, bit 0x1000
 *   6.9    d99e3140a4d3 ("mm: turn folio_test_hugetlb into a PageType"):
 *          hugetlb, bit 0x800
 *   5.0    59df23d6178e ("mm: convert PG_balloon to PG_offline"): offline,
 *          bit 0x100
 *   4.18   6e292b9be7f4 ("mm: split page_type out from _mapcount"): buddy
 *          is bit 0x80 cleared
 *   2.6.39 ef2b4b95a63a ("mm: PageBuddy and mapcount robustness"): buddy
 *          _mapcount -128
 *   2.6.38 5f24ce5fd34c ("thp: remove PG_buddy"): buddy _mapcount -2
 */
static const struct type_row {
	enum kf_id id;
	struct release from;
	uint32_t value;
} type_rows[] = {
	{ KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, { 6, 12, 0 }, 0xf0000000 },	/* 4ffca5a96678: PGTY_buddy << 24 */
	{ KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, { 6, 11, 0 }, 0xbfffffff },	/* 8db00ad56461: ~PG_buddy (1 << 30) */
	{ KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, { 4, 18, 0 }, 0xffffff7f },	/* 6e292b9be7f4: ~PG_buddy (0x80) */
	{ KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, { 2, 6, 39 }, 0xffffff80 },	/* ef2b4b95a63a: -128 */
	{ KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, { 2, 6, 38 }, 0xfffffffe },	/* 5f24ce5fd34c: -2 */
	{ KF_NUM_PAGE_OFFLINE_MAPCOUNT_VALUE, { 6, 12, 0 }, 0xf1000000 },	/* 4ffca5a96678: PGTY_offline << 24 */
	{ KF_NUM_PAGE_OFFLINE_MAPCOUNT_VALUE, { 6, 11, 0 }, 0xdfffffff },	/* 8db00ad56461: ~PG_offline (1 << 29) */
	{ KF_NUM_PAGE_OFFLINE_MAPCOUNT_VALUE, { 5, 0, 0 }, 0xfffffeff },	/* 59df23d6178e: ~PG_offline (0x100) */
	{ KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE, { 6, 12, 0 }, 0xf5000000 },	/* 4ffca5a96678: PGTY_slab << 24 */
	{ KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE, { 6, 11, 0 }, 0xfdffffff },	/* 8db00ad56461: ~PG_slab (1 << 25) */
	{ KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE, { 6, 10, 0 }, 0xffffefff },	/* 46df8e73a4a3: ~PG_slab (0x1000) */
	{ KF_NUM_PAGE_HUGETLB_MAPCOUNT_VALUE, { 6, 12, 0 }, 0xf4000000 },	/* 4ffca5a96678: PGTY_hugetlb << 24 */
	{ KF_NUM_PAGE_HUGETLB_MAPCOUNT_VALUE, { 6, 11, 0 }, 0xfbffffff },	/* 8db00ad56461: ~PG_hugetlb (1 << 26) */
	{ KF_NUM_PAGE_HUGETLB_MAPCOUNT_VALUE, { 6, 9, 0 }, 0xfffff7ff },	/* d99e3140a4d3: ~PG_hugetlb (0x800) */
};

static int off_or_absent(const struct kfacts *k, enum kf_id id)
{
	return kf_have(k, id) ? (int)kf_val(k, id) : -1;
}

static uint64_t flag_mask(const struct kfacts *k, enum kf_id id)
{
	int64_t n = kf_or(k, id, -1);

	return (n >= 0 && n < 64) ? UINT64_C(1) << n : 0;
}

/*
 * The 6.12 encoding keeps the type in the top byte (PGTY_*, 0xf0 and up) and
 * exports PGTY << 24; older kernels export a value with one bit cleared.
 */
static struct type_test type_from(const struct kfacts *k, enum kf_id id)
{
	struct type_test t = { TT_NONE, 0 };
	size_t i;

	if (kf_have(k, id)) {
		t.value = (uint32_t)kf_val(k, id);
	} else {
		for (i = 0; i < sizeof(type_rows) / sizeof(type_rows[0]); i++)
			if (type_rows[i].id == id && at_least(k, type_rows[i].from))
				break;
		if (i == sizeof(type_rows) / sizeof(type_rows[0]))
			return t;
		t.value = type_rows[i].value;
	}
	t.kind = ((t.value & 0x00ffffff) == 0 && (t.value >> 24) >= 0xf0) ? TT_TOP_BYTE : TT_EQUAL;
	return t;
}

static bool type_is(const struct type_test *t, uint32_t mapcount)
{
	switch (t->kind) {
	case TT_EQUAL:
		return mapcount == t->value;
	case TT_TOP_BYTE:
		return (mapcount >> 24) == (t->value >> 24);
	default:
		return false;
	}
}

static void find_flag_masks(struct page_rules *r, const struct kfacts *k)
{
	size_t i;
	struct kfacts fb = *k;

	for (i = 0; i < sizeof(old_flag_numbers) / sizeof(old_flag_numbers[0]); i++)
		if (!kf_have(&fb, old_flag_numbers[i].id))
			kf_set(&fb, old_flag_numbers[i].id, old_flag_numbers[i].value);
	r->m_lru = flag_mask(&fb, KF_NUM_PG_lru);
	r->m_private = flag_mask(&fb, KF_NUM_PG_private);
	r->m_swapcache = flag_mask(&fb, KF_NUM_PG_swapcache);
	r->have_swapbacked = kf_have(k, KF_NUM_PG_swapbacked);
	r->m_swapbacked = flag_mask(k, KF_NUM_PG_swapbacked);
	r->m_hwpoison = flag_mask(k, KF_NUM_PG_hwpoison);
	if (kf_have(k, KF_NUM_PG_slab))
		r->m_slab = flag_mask(k, KF_NUM_PG_slab);
	else if (!kf_have(k, KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE) && !at_least(k, K_6_10))
		r->m_slab = UINT64_C(1) << PG_SLAB_OLD;
	if (kf_have(k, KF_NUM_PG_head_mask))
		r->m_head = (uint64_t)kf_val(k, KF_NUM_PG_head_mask);
	else
		r->m_head = UINT64_C(1) << PG_COMPOUND_OLD;
}

static void find_buddy_marker(struct page_rules *r, const struct kfacts *k)
{
	r->buddy = type_from(k, KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE);
	if (r->buddy.kind == TT_NONE) {
		if (kf_have(k, KF_NUM_PG_buddy))
			r->m_buddy = flag_mask(k, KF_NUM_PG_buddy);
		else if (at_least(k, K_2_6_30))
			r->m_buddy = UINT64_C(1) << PG_BUDDY_FROM_2_6_30;
		else if (at_least(k, K_2_6_27))
			r->m_buddy = UINT64_C(1) << PG_BUDDY_FROM_2_6_27;
		else if (at_least(k, K_2_6_17))
			r->m_buddy = UINT64_C(1) << PG_BUDDY_BEFORE_2_6_27;
	}
	if (r->buddy.kind != TT_NONE && r->off_mapcount < 0)
		r->buddy.kind = TT_NONE;
	r->buddy_usable = r->off_private >= 0 && (r->buddy.kind != TT_NONE || r->m_buddy);
	r->free_by_lists = (r->dump_level & DL_FREE) && !r->buddy_usable;
}

/*
 * compound_dtor and compound_order of page[1], 4.4-6.2: unsigned char since
 * 4.16; before, unsigned int on 64-bit kernels and unsigned short on 32-bit.
 */
static unsigned compound_field_width(const struct page_rules *r, const struct kfacts *k)
{
	if (at_least(k, K_4_16))
		return 1;
	return r->long_size == 8 ? 4 : 2;
}

static void find_compound_layout(struct page_rules *r, const struct kfacts *k)
{
	int size_page = (int)r->size_page;

	if (kf_have(k, KF_OFF_folio__folio_order)) {		/* 6.3-6.5 */
		r->order_where = ORDER_FIELD;
		r->order_off = (int)kf_val(k, KF_OFF_folio__folio_order) - size_page;
		r->order_width = 1;
	} else if (kf_have(k, KF_OFF_page_compound_order)) {	/* 4.4-6.2 */
		r->order_where = ORDER_FIELD;
		r->order_off = (int)kf_val(k, KF_OFF_page_compound_order);
		r->order_width = compound_field_width(r, k);
	} else if (at_least(k, K_6_6)) {			/* 6.6+: _flags_1 */
		r->order_where = ORDER_FLAGS1;
	} else if (!at_least(k, K_4_4) && kf_have(k, KF_OFF_page_lru) &&
		   kf_have(k, KF_OFF_list_head_prev)) {		/* before 4.4: lru.prev */
		r->order_where = ORDER_FIELD;
		r->order_off = (int)(kf_val(k, KF_OFF_page_lru) + kf_val(k, KF_OFF_list_head_prev));
		r->order_width = r->long_size;
	}

	r->hugetlb_type = type_from(k, KF_NUM_PAGE_HUGETLB_MAPCOUNT_VALUE);
	if (r->hugetlb_type.kind != TT_NONE && r->off_mapcount >= 0) {
		r->hugetlb = HUGETLB_TYPE;				/* 6.9+ */
	} else if (kf_have(k, KF_NUM_PG_hugetlb)) {
		r->hugetlb = HUGETLB_FLAG1;				/* 6.6-6.8 */
		r->m_hugetlb_flag1 = flag_mask(k, KF_NUM_PG_hugetlb);
	} else if (kf_have(k, KF_NUM_HUGETLB_PAGE_DTOR)) {
		r->hugetlb_dtor = (uint64_t)kf_val(k, KF_NUM_HUGETLB_PAGE_DTOR);
		if (kf_have(k, KF_OFF_folio__folio_dtor)) {		/* 6.3-6.5 */
			r->hugetlb = HUGETLB_DTOR_VALUE;
			r->dtor_off = (int)kf_val(k, KF_OFF_folio__folio_dtor) - size_page;
			r->dtor_width = 1;
		} else if (kf_have(k, KF_OFF_page_compound_dtor)) {	/* 4.4-6.2 */
			r->hugetlb = HUGETLB_DTOR_VALUE;
			r->dtor_off = (int)kf_val(k, KF_OFF_page_compound_dtor);
			r->dtor_width = compound_field_width(r, k);
		}
	}
	if (r->hugetlb == HUGETLB_UNKNOWN && kf_have(k, KF_SYM_free_huge_page) &&
	    !at_least(k, K_4_4) && kf_have(k, KF_OFF_page_lru)) {	/* before 4.4 */
		r->hugetlb = HUGETLB_DTOR_POINTER;
		r->hugetlb_dtor = kf_addr(k, KF_SYM_free_huge_page);
		r->dtor_off = (int)(kf_val(k, KF_OFF_page_lru) + kf_or(k, KF_OFF_list_head_next, 0));
		r->dtor_width = r->long_size;
	}
}

int pagerules_init(struct page_rules *r, const struct kfacts *k, unsigned long_size,
		   bool big_endian, int dump_level, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->dump_level = dump_level;
	r->long_size = long_size;
	r->big_endian = big_endian;
	r->size_page = (unsigned)kf_or(k, KF_SIZE_page, 0);
	r->off_flags = off_or_absent(k, KF_OFF_page_flags);
	r->off_mapping = off_or_absent(k, KF_OFF_page_mapping);
	r->off_mapcount = off_or_absent(k, KF_OFF_page__mapcount);
	r->off_private = off_or_absent(k, KF_OFF_page_private);
	r->off_chead = off_or_absent(k, KF_OFF_page_compound_head);
	if (r->off_chead < 0)
		r->off_chead = off_or_absent(k, KF_OFF_page_compound_info);	/* 7.1+ */
	r->max_order = (unsigned)kf_or(k, KF_LEN_zone_free_area, 0);

	if (!(dump_level & (DL_CACHE | DL_CACHE_PRIVATE | DL_USER | DL_FREE)) &&
	    !kf_have(k, KF_NUM_PG_hwpoison))
		return 0;	/* nothing a struct page could tell is wanted */
	if (!r->size_page || r->off_flags < 0 || r->off_mapping < 0)
		return err_set(e, "dump level %d needs SIZE(page), OFFSET(page.flags) and OFFSET(page.mapping), which the kernel facts lack",
			       dump_level);
	{
		static const enum kf_id members[] = {
			KF_OFF_page_flags, KF_OFF_page_mapping, KF_OFF_page__mapcount,
			KF_OFF_page_private, KF_OFF_page_compound_head, KF_OFF_page_compound_info,
		};
		size_t i;

		for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
			if (kf_have(k, members[i]) &&
			    (kf_val(k, members[i]) < 0 || kf_val(k, members[i]) + 4 > (int64_t)r->size_page))
				return err_set(e, "OFFSET(%s)=%lld is past SIZE(page)=%u",
					       kf_table[members[i]].key, (long long)kf_val(k, members[i]),
					       r->size_page);
	}
	find_flag_masks(r, k);
	r->offline = type_from(k, KF_NUM_PAGE_OFFLINE_MAPCOUNT_VALUE);
	r->slab = type_from(k, KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE);
	r->unaccepted = type_from(k, KF_NUM_PAGE_UNACCEPTED_MAPCOUNT_VALUE);
	if (r->off_mapcount < 0)
		r->offline.kind = r->slab.kind = r->unaccepted.kind = TT_NONE;
	if (dump_level & DL_FREE)
		find_buddy_marker(r, k);
	find_compound_layout(r, k);
	r->scan_memmap = (dump_level & (DL_CACHE | DL_CACHE_PRIVATE | DL_USER)) ||
			 kf_have(k, KF_NUM_PG_hwpoison) ||
			 ((dump_level & DL_FREE) && r->buddy_usable);
	return 0;
}

void pagerules_debug(const struct page_rules *r)
{
	static const char *const tt[] = { "none", "equal", "top-byte" };
	static const char *const ow[] = { "unknown", "field", "flags1" };
	static const char *const hh[] = { "unknown", "dtor", "dtor-pointer", "flag1", "type" };

	log_debug("page rules: size %u, offsets flags %d mapping %d mapcount %d private %d compound_head %d\n",
		  r->size_page, r->off_flags, r->off_mapping, r->off_mapcount, r->off_private,
		  r->off_chead);
	log_debug("page rules: buddy %s 0x%x%s, offline %s, slab %s, unaccepted %s, max order %u\n",
		  r->m_buddy ? "flag" : tt[r->buddy.kind], r->buddy.value,
		  r->free_by_lists ? " (free lists will be walked)" : "",
		  tt[r->offline.kind], tt[r->slab.kind], tt[r->unaccepted.kind], r->max_order);
	log_debug("page rules: compound order %s at %d (%u bytes), hugetlb %s, mem_map scan %s\n",
		  ow[r->order_where], r->order_off, r->order_width, hh[r->hugetlb],
		  r->scan_memmap ? "yes" : "no");
}

/* ---- the hot path ------------------------------------------------------- */

static inline uint64_t ld(const struct page_rules *r, const uint8_t *p, unsigned width)
{
	return ld_uint(p, width, r->big_endian);
}

void pagerules_decode(const struct page_rules *r, const uint8_t *p, const uint8_t *next,
		      uint64_t pfn, struct page_view *v)
{
	unsigned L = r->long_size;

	v->flags = ld(r, p + r->off_flags, L);
	v->mapping = ld(r, p + r->off_mapping, L);
	v->mapcount = r->off_mapcount >= 0 ? (uint32_t)ld(r, p + r->off_mapcount, 4) : 0;
	v->private = r->off_private >= 0 ? ld(r, p + r->off_private, L) : 0;
	v->compound_head = r->off_chead >= 0 ? ld(r, p + r->off_chead, L) : 0;
	v->order = 0;
	v->hugetlb = false;
	if (!(v->flags & r->m_head) || !next)
		return;
	switch (r->order_where) {
	case ORDER_FIELD:
		v->order = (unsigned)ld(r, next + r->order_off, r->order_width);
		break;
	case ORDER_FLAGS1:
		v->order = (unsigned)(ld(r, next + r->off_flags, L) & 0xff);
		break;
	default:
		break;
	}
	/* An order the pfn is not aligned to is not a real compound page. */
	if (v->order >= 64 || (v->order && (pfn & ((UINT64_C(1) << v->order) - 1))))
		v->order = 0;
	switch (r->hugetlb) {
	case HUGETLB_TYPE:
		v->hugetlb = type_is(&r->hugetlb_type, v->mapcount);
		break;
	case HUGETLB_FLAG1:
		v->hugetlb = (ld(r, next + r->off_flags, L) & r->m_hugetlb_flag1) != 0;
		break;
	case HUGETLB_DTOR_VALUE:
	case HUGETLB_DTOR_POINTER:
		v->hugetlb = ld(r, next + r->dtor_off, r->dtor_width) == r->hugetlb_dtor;
		break;
	default:
		break;
	}
}

static bool is_slab(const struct page_rules *r, const struct page_view *v)
{
	return type_is(&r->slab, v->mapcount) || (v->flags & r->m_slab);
}

static bool is_buddy(const struct page_rules *r, const struct page_view *v)
{
	if (r->m_buddy)
		return (v->flags & r->m_buddy) != 0;
	return !is_slab(r, v) && type_is(&r->buddy, v->mapcount);
}

static bool is_cache(const struct page_rules *r, const struct page_view *v)
{
	if (v->flags & r->m_lru)
		return true;
	/* PG_swapcache shares its bit with PG_owner_priv_1: valid with PG_swapbacked only. */
	return (v->flags & r->m_swapcache) &&
	       (!r->have_swapbacked || (v->flags & r->m_swapbacked));
}

static bool is_anon(const struct page_rules *r, const struct page_view *v)
{
	return (v->mapping & 1) && !is_slab(r, v);
}

enum page_class classify(const struct page_rules *r, const struct page_view *v, unsigned *order)
{
	int dl = r->dump_level;
	bool anon;

	*order = 0;
	if (v->compound_head & 1)
		return PC_TAIL;
	if ((dl & DL_FREE) && r->buddy_usable && is_buddy(r, v)) {
		unsigned limit = r->max_order ? r->max_order : ORDER_WHEN_UNKNOWN;

		if (v->private >= limit)
			return PC_BAD_ORDER;
		*order = (unsigned)v->private;
		return PC_FREE;
	}
	if ((dl & DL_FREE) && r->max_order && type_is(&r->unaccepted, v->mapcount)) {
		*order = r->max_order - 1;
		return PC_FREE;
	}
	*order = v->order;
	anon = is_anon(r, v);
	if ((dl & (DL_CACHE | DL_CACHE_PRIVATE)) && is_cache(r, v) && !anon) {
		bool priv = (v->flags & r->m_private) != 0;

		if (!priv)
			return PC_CACHE;
		if (dl & DL_CACHE_PRIVATE)
			return PC_CACHE_PRIVATE;
	}
	if ((dl & DL_USER) && (anon || v->hugetlb))
		return PC_USER;
	if (v->flags & r->m_hwpoison)
		return PC_HWPOISON;
	if (!is_slab(r, v) && type_is(&r->offline, v->mapcount))
		return PC_OFFLINE;
	*order = 0;
	return PC_KEEP;
}
