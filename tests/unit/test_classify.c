/*
 * test_classify.c - pagerules_init(), pagerules_decode() and classify()
 * over every page kind and every kernel generation pagerules knows.
 *
 * Each era row says what that kernel really does (its flag numbers, page
 * type values, where a compound page keeps its order and how hugetlb is
 * marked), taken from the kernel's include/linux/page-flags.h and
 * mm_types.h of that release, and separately which of those facts the
 * dump tells (VMCOREINFO, or DWARF with -x).  The test builds the kernel
 * facts from the second, raw struct pages from the first, for little and
 * big endian and 4- and 8-byte longs, and checks the class and order of
 * each page kind at every dump level 0..31.  The expected results are the
 * table `kinds` below, written from the dump level rules (-d: 2 cache,
 * 4 cache and private cache, 8 user data, 16 free; hwpoison and offline
 * pages always), never from running the code.
 *
 * Prints "N passed, N failed"; exits 1 when a check fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "pagerules.h"

static int passed, failed;

/* ---- what each kernel does, and what its dump says ----------------------- */

/* struct page layouts, as offsets in a function of the long size L. */
enum layout {
	LAY_2_6,	/* flags, _count, _mapcount, private, mapping, index, lru */
	LAY_3_X,	/* flags, mapping, index, {_mapcount, _count}, lru (compound_head, dtor, order), private, slab */
	LAY_6_X,	/* 4.18+: flags, {lru | compound_head, dtor, order}, mapping, index, private, _mapcount, _refcount */
};

/* Where the kernel keeps a compound page's order, in page[1]. */
enum ord {
	ORD_LRU_PREV,	/* 2.6.16-4.3: page[1].lru.prev (2.6.16-rc4, "compound page: use page[1].lru") */
	ORD_CFIELD,	/* 4.4-6.2: page[1].compound_order */
	ORD_FOLIO,	/* 6.3-6.5: folio._folio_order */
	ORD_FLAGS1,	/* 6.6+: low byte of folio._flags_1 (page[1].flags) */
};

/* How the kernel marks a hugetlb folio. */
enum huge {
	H_DTOR_PTR,	/* before 4.4: page[1].lru.next == free_huge_page */
	H_DTOR,		/* 4.4-6.2: page[1].compound_dtor == HUGETLB_PAGE_DTOR (2) */
	H_FOLIO_DTOR,	/* 6.3-6.5: folio._folio_dtor == HUGETLB_PAGE_DTOR */
	H_FLAG1,	/* 6.6-6.8: PG_hugetlb in page[1].flags */
	H_TYPE,		/* 6.9+: a page type of the head */
};

/* Facts the dump gives (X_*). */
enum {
	X_LRU = 1 << 0, X_PRIVATE = 1 << 1, X_SWAPCACHE = 1 << 2, X_SWAPBACKED = 1 << 3,
	X_SLAB = 1 << 4, X_HEAD = 1 << 5, X_HWPOISON = 1 << 6, X_PGBUDDY = 1 << 7,
	X_BUDDY = 1 << 8, X_OFFLINE = 1 << 9, X_SLABTYPE = 1 << 10, X_HUGETYPE = 1 << 11,
	X_UNACCEPTED = 1 << 12, X_DTOR = 1 << 13, X_PGHUGETLB = 1 << 14, X_FREEHUGE = 1 << 15,
	X_CHEAD = 1 << 16, X_CINFO = 1 << 17, X_FOLIO = 1 << 18,
};

/*
 * What the test may expect of this era's dump (F_*), and which page kinds
 * the kernel has at all (A_*).  Written by hand per row.
 */
enum {
	F_FREE = 1 << 0,	/* free pages are marked in mem_map, and the dump says how */
	F_HUGE = 1 << 1,	/* the dump says how hugetlb folios are marked */
	F_HW = 1 << 2,		/* the dump says PG_hwpoison */
	F_OFFLINE = 1 << 3,	/* the dump (or the release) says the offline type */
	F_TAIL = 1 << 4,	/* tails carry compound_head | 1 and the dump says where */
	F_UNACC = 1 << 5,	/* the dump says the unaccepted type */
	A_THP = 1 << 8,		/* 2.6.38+: anonymous THP */
	A_LARGE_CACHE = 1 << 9,	/* large page cache folios (shmem THP 4.8, folios 5.18) */
	A_OWNER_PRIV = 1 << 10,	/* 4.10+: PG_swapcache is PG_owner_priv_1, valid with PG_swapbacked */
	A_OFFLINE = 1 << 11,	/* 5.0+ */
	A_UNACC = 1 << 12,	/* 6.5+ (unaccepted memory) */
	A_TOP_BYTE = 1 << 13,	/* 6.12+: page_type >> 24 is the type */
	A_SLAB_IN_MAPCOUNT = 1 << 14,	/* slab counters overlay _mapcount (SLUB 3.x-6.9) */
};

struct extra { enum kf_id id; int64_t v; };

struct era {
	const char *name, *release;
	enum layout lay;
	/* the kernel's own page flag bits (-1: none) */
	int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_head, pg_tail;
	int pg_reclaim, pg_reserved, pg_hwpoison, pg_buddy, pg_hugetlb;
	bool tails_have_head_bit;	/* 2.6.16-2.6.21: PG_compound on every page */
	/* page type values in _mapcount / page_type (0: none) */
	uint32_t buddy, slab, offline, hugetlb, unaccepted;
	enum ord ord;
	enum huge huge;
	unsigned cfield_width8, cfield_width4;	/* bytes of compound_dtor/order, 8- / 4-byte longs */
	unsigned exports;	/* X_* */
	unsigned feat;		/* F_* | A_* */
	const struct extra *extra;	/* more facts, e.g. what DWARF says besides */
};

#define NOTYPE 0, 0, 0, 0, 0
/* 2.6.30-2.6.37 enum pageflags, 64-bit (CONFIG_PAGEFLAGS_EXTENDED): locked, error,
 * referenced, uptodate, dirty, lru 5, active, slab 7, owner_priv_1, arch_1, reserved 10,
 * private 11, private_2 12 (FS-Cache, 2.6.30), writeback, head 14, tail 15, swapcache 16,
 * mappedtodisk, reclaim 18, buddy 19, swapbacked 20, unevictable, mlocked, uncached,
 * hwpoison 24 */
#define FLAGS_2_6_32 5, 11, 16, 20, 7, 14, 15, 18, 10, 24, 19, -1
/* 2.6.38-3.x: PG_buddy gone, so swapbacked 19 ... hwpoison 23 */
#define FLAGS_3_X 5, 11, 16, 19, 7, 14, 15, 18, 10, 23, -1, -1
/* 4.4-4.17: PG_tail gone (compound_head): head 14, swapcache 15, reclaim 17,
 * swapbacked 18, hwpoison 22 */
#define FLAGS_4_4 5, 11, 15, 18, 7, 14, -1, 17, 10, 22, -1, -1
/* 5.x/6.1: locked, referenced, uptodate, dirty, lru 4, active, workingset, waiters,
 * error, slab 9, owner_priv_1 10 (= swapcache), arch_1, reserved 12, private 13,
 * private_2, writeback, head 16, mappedtodisk, reclaim 18, swapbacked 19, unevictable,
 * mlocked, uncached, hwpoison 23 */
#define FLAGS_5_X 4, 13, 10, 19, 9, 16, -1, 18, 12, 23, -1, -1
/* 6.4+ (the flags were reordered so that PG_head is in the first byte): locked,
 * writeback, referenced, uptodate, dirty, lru 5, head 6, waiters, active 8, workingset,
 * owner_priv_1 10 (= swapcache), owner_2, arch_1, reserved 13, private 14, private_2,
 * reclaim 16, swapbacked 17, ..., hwpoison 20; slab 11 until 6.9 (a type from 6.10) */
#define FLAGS_6_X(slab, hugetlb) 5, 14, 10, 17, slab, 6, -1, 16, 13, 20, -1, hugetlb

/* With -x on 6.11, DWARF sees enum pagetype: PG_buddy & co are bit values, not flags. */
static const struct extra dwarf_6_11[] = {
	{ KF_NUM_PG_buddy, 0x40000000 }, { KF_NUM_PG_offline, 0x20000000 },
	{ KF_NUM_PG_hugetlb, 0x04000000 }, { KF_NUM_PG_slab, 0x02000000 }, { KF__COUNT, 0 },
};

#define X_OLD (X_LRU | X_PRIVATE | X_SWAPCACHE)	/* VMCOREINFO 2.6.24+ */
#define X_MODERN (X_LRU | X_PRIVATE | X_SWAPCACHE | X_SWAPBACKED | X_HEAD)

static const struct era eras[] = {
	/* No VMCOREINFO; -x: page offsets and free_huge_page from DWARF, the flags are
	 * #defines (no DWARF), the fallbacks must be the kernel's: lru 5, slab 7,
	 * reserved 10, private 11, compound 14, swapcache 15.  No PG_buddy yet (2.6.17):
	 * free pages are found on the free lists, never in mem_map. */
	{ "2.6.16 -x", "2.6.16", LAY_2_6, 5, 11, 15, -1, 7, 14, -1, 17, 10, -1, -1, -1, true,
	  NOTYPE, ORD_LRU_PREV, H_DTOR_PTR, 0, 0, X_FREEHUGE, F_HUGE, NULL },
	/* -x again; PG_buddy 19 (#define, 2.6.17-2.6.25) */
	{ "2.6.20 -x", "2.6.20", LAY_2_6, 5, 11, 15, -1, 7, 14, -1, 17, 10, -1, 19, -1, true,
	  NOTYPE, ORD_LRU_PREV, H_DTOR_PTR, 0, 0, X_FREEHUGE, F_FREE | F_HUGE, NULL },
	/* VMCOREINFO only: PG_lru, PG_private, PG_swapcache; not PG_buddy, which the
	 * release must give (19), nor free_huge_page (hugetlb unknown: kept) */
	{ "2.6.32", "2.6.32", LAY_2_6, FLAGS_2_6_32, false, NOTYPE, ORD_LRU_PREV, H_DTOR_PTR,
	  0, 0, X_OLD, F_FREE, NULL },
	/* the same kernel with -x: the enum gives every flag */
	{ "2.6.32 -x", "2.6.32", LAY_2_6, FLAGS_2_6_32, false, NOTYPE, ORD_LRU_PREV, H_DTOR_PTR,
	  0, 0, X_OLD | X_SWAPBACKED | X_SLAB | X_HEAD | X_HWPOISON | X_PGBUDDY | X_FREEHUGE,
	  F_FREE | F_HUGE | F_HW, NULL },
	/* 2.6.38: PageBuddy is _mapcount == -2 (a macro: neither VMCOREINFO nor DWARF) */
	{ "2.6.38 -x", "2.6.38", LAY_2_6, FLAGS_3_X, false, 0xfffffffe, 0, 0, 0, 0, ORD_LRU_PREV,
	  H_DTOR_PTR, 0, 0, X_OLD | X_SWAPBACKED | X_SLAB | X_HEAD | X_HWPOISON | X_FREEHUGE,
	  F_FREE | F_HUGE | F_HW | A_THP | A_SLAB_IN_MAPCOUNT, NULL },
	/* 3.10: -128, exported; no free_huge_page in VMCOREINFO */
	{ "3.10", "3.10.0", LAY_3_X, FLAGS_3_X, false, 0xffffff80, 0, 0, 0, 0, ORD_LRU_PREV,
	  H_DTOR_PTR, 0, 0, X_OLD | X_SLAB | X_HWPOISON | X_BUDDY,
	  F_FREE | F_HW | A_THP | A_SLAB_IN_MAPCOUNT, NULL },
	/* 4.4: compound_head; compound_dtor/order are unsigned int on 64-bit, unsigned
	 * short on 32-bit (mm_types.h 4.4-4.15); HUGETLB_PAGE_DTOR 2 */
	{ "4.4", "4.4.0", LAY_3_X, FLAGS_4_4, false, 0xffffff80, 0, 0, 0, 0, ORD_CFIELD, H_DTOR,
	  4, 2, X_OLD | X_SLAB | X_HWPOISON | X_BUDDY | X_DTOR | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_TAIL | A_THP | A_SLAB_IN_MAPCOUNT, NULL },
	/* the same without PAGE_BUDDY_MAPCOUNT_VALUE: the release gives -128 */
	{ "4.4 no buddy value", "4.4.0", LAY_3_X, FLAGS_4_4, false, 0xffffff80, 0, 0, 0, 0,
	  ORD_CFIELD, H_DTOR, 4, 2, X_OLD | X_SLAB | X_HWPOISON | X_DTOR | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_TAIL | A_THP | A_SLAB_IN_MAPCOUNT, NULL },
	/* 5.10: page types ~PG_buddy (0x80) and ~PG_offline (0x100), unsigned char
	 * compound_dtor/order */
	{ "5.10", "5.10.0", LAY_6_X, FLAGS_5_X, false, 0xffffff7f, 0, 0xfffffeff, 0, 0,
	  ORD_CFIELD, H_DTOR, 1, 1,
	  X_MODERN | X_SLAB | X_HWPOISON | X_BUDDY | X_OFFLINE | X_DTOR | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_SLAB_IN_MAPCOUNT, NULL },
	/* 6.1 built without CONFIG_MEMORY_FAILURE, and without the offline value: the
	 * release gives it (~0x100, 5.0+) */
	{ "6.1", "6.1.0", LAY_6_X, FLAGS_5_X, false, 0xffffff7f, 0, 0xfffffeff, 0, 0,
	  ORD_CFIELD, H_DTOR, 1, 1, X_MODERN | X_SLAB | X_BUDDY | X_DTOR | X_CHEAD,
	  F_FREE | F_HUGE | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_SLAB_IN_MAPCOUNT, NULL },
	/* 6.4: the order and dtor are folio._folio_order/_folio_dtor */
	{ "6.4", "6.4.0", LAY_6_X, FLAGS_6_X(11, -1), false, 0xffffff7f, 0, 0xfffffeff, 0, 0,
	  ORD_FOLIO, H_FOLIO_DTOR, 1, 1,
	  X_MODERN | X_SLAB | X_HWPOISON | X_BUDDY | X_OFFLINE | X_DTOR | X_FOLIO | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_SLAB_IN_MAPCOUNT, NULL },
	/* 6.6: order in _flags_1, PG_hugetlb (= PG_active, 8) in page[1].flags */
	{ "6.6", "6.6.0", LAY_6_X, FLAGS_6_X(11, 8), false, 0xffffff7f, 0, 0xfffffeff, 0, 0,
	  ORD_FLAGS1, H_FLAG1, 1, 1,
	  X_MODERN | X_SLAB | X_HWPOISON | X_BUDDY | X_OFFLINE | X_PGHUGETLB | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC | A_SLAB_IN_MAPCOUNT, NULL },
	/* 6.9: hugetlb is the page type ~0x800 */
	{ "6.9", "6.9.0", LAY_6_X, FLAGS_6_X(11, -1), false, 0xffffff7f, 0, 0xfffffeff,
	  0xfffff7ff, 0, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_SLAB | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC | A_SLAB_IN_MAPCOUNT, NULL },
	/* 6.10: slab is the page type ~0x1000 (PG_slab freed) */
	{ "6.10", "6.10.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xffffff7f, 0xffffefff,
	  0xfffffeff, 0xfffff7ff, 0, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_SLABTYPE | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC, NULL },
	/* 6.11: PAGE_TYPE_BASE 0x80000000, PG_buddy 1 << 30, offline 1 << 29, hugetlb
	 * 1 << 26, slab 1 << 25, exported */
	{ "6.11", "6.11.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xbfffffff, 0xfdffffff,
	  0xdfffffff, 0xfbffffff, 0, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_SLABTYPE | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC, NULL },
	/* 6.11 with -x: no values (macros), and DWARF's enum pagetype says PG_buddy,
	 * PG_slab, PG_hugetlb, PG_offline are bits of page_type, not page flags */
	{ "6.11 -x", "6.11.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xbfffffff, 0xfdffffff,
	  0xdfffffff, 0xfbffffff, 0, ORD_FLAGS1, H_TYPE, 1, 1, X_MODERN | X_HWPOISON | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC, dwarf_6_11 },
	/* 6.12: one type per page, PGTY_* in the top byte (buddy f0, offline f1,
	 * hugetlb f4, slab f5, unaccepted f7); no unaccepted value exported yet */
	{ "6.12", "6.12.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xf0000000, 0xf5000000,
	  0xf1000000, 0xf4000000, 0xf7000000, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_SLABTYPE | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC | A_TOP_BYTE, NULL },
	/* 6.12 with -x: the values from the release */
	{ "6.12 -x", "6.12.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xf0000000, 0xf5000000,
	  0xf1000000, 0xf4000000, 0xf7000000, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | A_THP | A_LARGE_CACHE | A_OWNER_PRIV |
	  A_OFFLINE | A_UNACC | A_TOP_BYTE, NULL },
	/* 6.16: PAGE_UNACCEPTED_MAPCOUNT_VALUE exported */
	{ "6.16", "6.16.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xf0000000, 0xf5000000,
	  0xf1000000, 0xf4000000, 0xf7000000, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_SLABTYPE | X_UNACCEPTED |
	  X_CHEAD,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | F_UNACC | A_THP | A_LARGE_CACHE |
	  A_OWNER_PRIV | A_OFFLINE | A_UNACC | A_TOP_BYTE, NULL },
	/* 7.1: page.compound_head is page.compound_info */
	{ "7.1", "7.1.0", LAY_6_X, FLAGS_6_X(-1, -1), false, 0xf0000000, 0xf5000000,
	  0xf1000000, 0xf4000000, 0xf7000000, ORD_FLAGS1, H_TYPE, 1, 1,
	  X_MODERN | X_HWPOISON | X_BUDDY | X_OFFLINE | X_HUGETYPE | X_SLABTYPE | X_UNACCEPTED |
	  X_CINFO,
	  F_FREE | F_HUGE | F_HW | F_OFFLINE | F_TAIL | F_UNACC | A_THP | A_LARGE_CACHE |
	  A_OWNER_PRIV | A_OFFLINE | A_UNACC | A_TOP_BYTE, NULL },
};

#define MAX_ORDER_LEN	11	/* LENGTH(zone.free_area): orders 0..10 */
#define HUGETLB_PAGE_DTOR 2
#define TRANSHUGE_PAGE_DTOR 3
#define FREE_HUGE_PAGE	UINT64_C(0xffffffff812fc6f0)	/* an address; 32-bit: low half */

/* ---- the struct page layout of an era, for a long size -------------------- */

struct layout_offs {
	unsigned size;
	int flags, mapping, mapcount, private, lru, chead, dtor, order;
	unsigned cwidth;	/* bytes of compound_dtor/order */
};

static struct layout_offs layout_of(const struct era *er, unsigned L)
{
	struct layout_offs o;

	memset(&o, 0, sizeof(o));
	o.chead = o.dtor = o.order = -1;
	o.cwidth = L == 8 ? er->cfield_width8 : er->cfield_width4;
	switch (er->lay) {
	case LAY_2_6:
		o.flags = 0, o.mapcount = (int)L + 4, o.private = (int)L + 8;
		o.mapping = 2 * (int)L + 8, o.lru = 4 * (int)L + 8, o.size = 6 * L + 8;
		break;
	case LAY_3_X:
		o.flags = 0, o.mapping = (int)L, o.mapcount = 3 * (int)L, o.lru = 3 * (int)L + 8;
		o.private = 5 * (int)L + 8, o.size = 7 * L + 8;
		if (er->ord == ORD_CFIELD) {
			o.chead = o.lru;
			o.dtor = o.lru + (int)L;
			o.order = o.dtor + (int)o.cwidth;
		}
		break;
	case LAY_6_X:
		o.flags = 0, o.lru = (int)L, o.chead = (int)L, o.mapping = 3 * (int)L;
		o.private = 5 * (int)L, o.mapcount = 6 * (int)L, o.size = 6 * L + 8;
		if (er->ord == ORD_CFIELD) {
			o.dtor = 2 * (int)L;
			o.order = o.dtor + 1;
		} else if (er->ord == ORD_FOLIO) {	/* in struct folio: page[1] + 2 longs */
			o.dtor = (int)o.size + 2 * (int)L;
			o.order = o.dtor + 1;
		}
		break;
	}
	return o;
}

/* ---- kernel facts from what the dump says ---------------------------------- */

static void put_flag(struct kfacts *k, enum kf_id id, int bit)
{
	if (bit >= 0)
		kf_set(k, id, bit);
}

static void build_facts(const struct era *er, unsigned L, struct kfacts *k)
{
	struct layout_offs o = layout_of(er, L);
	unsigned x = er->exports;
	const struct extra *ex;

	memset(k, 0, sizeof(*k));
	kf_set_text(k, KT_OSRELEASE, er->release, (unsigned)strlen(er->release));
	kf_set(k, KF_SIZE_page, o.size);
	kf_set(k, KF_OFF_page_flags, o.flags);
	kf_set(k, KF_OFF_page_mapping, o.mapping);
	kf_set(k, KF_OFF_page__mapcount, o.mapcount);
	kf_set(k, KF_OFF_page_private, o.private);
	kf_set(k, KF_OFF_page_lru, o.lru);
	kf_set(k, KF_OFF_list_head_next, 0);
	kf_set(k, KF_OFF_list_head_prev, L);
	kf_set(k, KF_LEN_zone_free_area, MAX_ORDER_LEN);
	if (x & X_LRU) put_flag(k, KF_NUM_PG_lru, er->pg_lru);
	if (x & X_PRIVATE) put_flag(k, KF_NUM_PG_private, er->pg_private);
	if (x & X_SWAPCACHE) put_flag(k, KF_NUM_PG_swapcache, er->pg_swapcache);
	if (x & X_SWAPBACKED) put_flag(k, KF_NUM_PG_swapbacked, er->pg_swapbacked);
	if (x & X_SLAB) put_flag(k, KF_NUM_PG_slab, er->pg_slab);
	if (x & X_HWPOISON) put_flag(k, KF_NUM_PG_hwpoison, er->pg_hwpoison);
	if (x & X_PGBUDDY) put_flag(k, KF_NUM_PG_buddy, er->pg_buddy);
	if (x & X_PGHUGETLB) put_flag(k, KF_NUM_PG_hugetlb, er->pg_hugetlb);
	if (x & X_HEAD) kf_set(k, KF_NUM_PG_head_mask, INT64_C(1) << er->pg_head);
	/* VMCOREINFO writes the values as ints: negative numbers */
	if (x & X_BUDDY) kf_set(k, KF_NUM_PAGE_BUDDY_MAPCOUNT_VALUE, (int32_t)er->buddy);
	if (x & X_OFFLINE) kf_set(k, KF_NUM_PAGE_OFFLINE_MAPCOUNT_VALUE, (int32_t)er->offline);
	if (x & X_SLABTYPE) kf_set(k, KF_NUM_PAGE_SLAB_MAPCOUNT_VALUE, (int32_t)er->slab);
	if (x & X_HUGETYPE) kf_set(k, KF_NUM_PAGE_HUGETLB_MAPCOUNT_VALUE, (int32_t)er->hugetlb);
	if (x & X_UNACCEPTED)
		kf_set(k, KF_NUM_PAGE_UNACCEPTED_MAPCOUNT_VALUE, (int32_t)er->unaccepted);
	if (x & X_DTOR) {
		kf_set(k, KF_NUM_HUGETLB_PAGE_DTOR, HUGETLB_PAGE_DTOR);
		if (er->ord == ORD_FOLIO) {
			kf_set(k, KF_OFF_folio__folio_dtor, o.dtor);
			kf_set(k, KF_OFF_folio__folio_order, o.order);
		} else {
			kf_set(k, KF_OFF_page_compound_dtor, o.dtor);
			kf_set(k, KF_OFF_page_compound_order, o.order);
		}
	}
	if (x & X_FREEHUGE)
		kf_set(k, KF_SYM_free_huge_page,
		       (int64_t)(L == 8 ? FREE_HUGE_PAGE : FREE_HUGE_PAGE & 0xffffffff));
	if (x & X_CHEAD) kf_set(k, KF_OFF_page_compound_head, o.chead);
	if (x & X_CINFO) kf_set(k, KF_OFF_page_compound_info, o.chead);
	for (ex = er->extra; ex && ex->id != KF__COUNT; ex++)
		kf_set(k, ex->id, ex->v);
}

/* ---- raw struct pages, as the kernel writes them -------------------------- */

enum kind {
	K_FREE, K_FREE_MAX, K_FREE_BAD, K_BUDDY_TAIL, K_CACHE, K_CACHE_PRIV, K_CACHE_RECLAIM,
	K_SWAPCACHE, K_OWNER_PRIV, K_ANON, K_ANON_SWAPCACHE, K_SLAB, K_SLAB_BUDDYLIKE,
	K_HUGETLB, K_THP, K_THP_UNALIGNED, K_THP_NO_NEXT, K_LARGE_CACHE, K_TAIL, K_HWPOISON,
	K_HWPOISON_CACHE, K_OFFLINE, K_UNACCEPTED, K_RESERVED, K_MAPCOUNT_0, K_MAPCOUNT_NEG1,
	K_OLD_BUDDY_VALUE, K_TYPE_LOW_BITS,
};

/* One struct page and its page[1], in the dumped machine's byte order. */
struct pagepair {
	uint8_t p[2][128];
	uint64_t pfn;
	bool no_next;
};

struct builder {
	const struct era *er;
	struct layout_offs o;
	unsigned L;
	bool be;
	struct pagepair *pp;
};

static void put(struct builder *b, int page, int off, unsigned width, uint64_t v)
{
	st_uint(b->pp->p[page] + off, width, v, b->be);
}

static uint64_t bit(int n)
{
	return n >= 0 ? UINT64_C(1) << n : 0;
}

#define FILE_MAPPING	UINT64_C(0xffff888012345600)	/* struct address_space *: aligned */
#define ANON_MAPPING	UINT64_C(0xffff888023456701)	/* anon_vma | PAGE_MAPPING_ANON */
#define SLAB_WORD	UINT64_C(0xffff888034567801)	/* a slab word over mapping, bit 0 set */
#define TAIL_MAPPING	UINT64_C(0x400)			/* TAIL_MAPPING (poison 0x400) */
#define BUFFER_HEAD	UINT64_C(0xffff888045678900)	/* page.private of PG_private */
#define HEAD_PAGE	UINT64_C(0xffffea0000008000)	/* the head's struct page */

static uint64_t ptr(const struct builder *b, uint64_t v)
{
	return b->L == 8 ? v : v & 0xffffffff;
}

static void base(struct builder *b, uint64_t flags, uint64_t mapping, uint32_t mapcount,
		 uint64_t private)
{
	put(b, 0, b->o.flags, b->L, flags);
	put(b, 0, b->o.mapping, b->L, ptr(b, mapping));
	put(b, 0, b->o.mapcount, 4, mapcount);
	put(b, 0, b->o.private, b->L, ptr(b, private));
	put(b, 1, b->o.mapcount, 4, 0xffffffff);
}

/* A compound head of this order at b->pp->pfn, marked hugetlb or with the THP dtor. */
static void compound(struct builder *b, uint64_t flags, uint64_t mapping, bool hugetlb,
		     unsigned order)
{
	const struct era *er = b->er;
	uint64_t flags1 = er->tails_have_head_bit ? bit(er->pg_head) : bit(er->pg_tail);
	uint32_t mapcount = hugetlb && er->huge == H_TYPE ? er->hugetlb : 0xffffffff;

	base(b, flags | bit(er->pg_head), mapping, mapcount, 0);
	if (b->o.chead >= 0 && er->ord != ORD_LRU_PREV)
		put(b, 1, b->o.chead, b->L, ptr(b, HEAD_PAGE | 1));
	switch (er->ord) {
	case ORD_LRU_PREV:
		put(b, 1, b->o.lru + (int)b->L, b->L, order);
		if (hugetlb)
			put(b, 1, b->o.lru, b->L, ptr(b, FREE_HUGE_PAGE));
		break;
	case ORD_CFIELD:
	case ORD_FOLIO: {
		/* folio offsets count from the head; page[1] starts SIZE(page) in */
		int in1 = er->ord == ORD_FOLIO ? (int)b->o.size : 0;

		put(b, 1, b->o.order - in1, b->o.cwidth, order);
		put(b, 1, b->o.dtor - in1, b->o.cwidth,
		    hugetlb ? HUGETLB_PAGE_DTOR : TRANSHUGE_PAGE_DTOR);
		break;
	}
	case ORD_FLAGS1:
		flags1 |= order;
		if (hugetlb && er->huge == H_FLAG1)
			flags1 |= bit(er->pg_hugetlb);
		break;
	}
	put(b, 1, b->o.flags, b->L, flags1);
}

/* Build kind into b->pp; false when this kernel has no such page. */
static bool build(struct builder *b, enum kind kind)
{
	const struct era *er = b->er;
	unsigned feat = er->feat;
	uint64_t lru = bit(er->pg_lru), sb = bit(er->pg_swapbacked);

	memset(b->pp, 0, sizeof(*b->pp));
	b->pp->pfn = 0x10000;	/* aligned for every order used */
	switch (kind) {
	case K_FREE:
	case K_FREE_MAX:
	case K_FREE_BAD: {
		unsigned order = kind == K_FREE ? 3 : kind == K_FREE_MAX ? MAX_ORDER_LEN - 1 :
			MAX_ORDER_LEN;

		if (er->pg_buddy >= 0)
			base(b, bit(er->pg_buddy), 0, 0xffffffff, order);
		else if (er->buddy)
			base(b, 0, 0, er->buddy, order);
		else	/* 2.6.16: set_page_order() sets PG_private and private = order */
			base(b, bit(er->pg_private), 0, 0xffffffff, order);
		return true;
	}
	case K_BUDDY_TAIL:	/* inside a free block: nothing set */
		b->pp->pfn += 1;
		base(b, 0, 0, 0xffffffff, 0);
		return true;
	case K_CACHE:
		base(b, lru, FILE_MAPPING, 0, 0);
		return true;
	case K_CACHE_PRIV:
		base(b, lru | bit(er->pg_private), FILE_MAPPING, 0, BUFFER_HEAD);
		return true;
	case K_CACHE_RECLAIM:	/* written back for reclaim: PG_reclaim, no buffers */
		base(b, lru | bit(er->pg_reclaim), FILE_MAPPING, 0xffffffff, 0);
		return true;
	case K_SWAPCACHE:	/* shmem page moved to swap: mapping cleared, private = swp_entry */
		base(b, bit(er->pg_swapcache) | sb, 0, 0xffffffff, 0x1234);
		return true;
	case K_OWNER_PRIV:	/* PG_checked of a filesystem: the PG_swapcache bit without swapbacked */
		if (!(feat & A_OWNER_PRIV))
			return false;
		base(b, bit(er->pg_swapcache), FILE_MAPPING, 0xffffffff, 0);
		return true;
	case K_ANON:		/* mapped once: _mapcount 0 */
		base(b, lru | sb, ANON_MAPPING, 0, 0);
		return true;
	case K_ANON_SWAPCACHE:
		base(b, lru | sb | bit(er->pg_swapcache), ANON_MAPPING, 0, 0x1234);
		return true;
	case K_SLAB:
		if (er->pg_slab >= 0)
			base(b, bit(er->pg_slab), SLAB_WORD, 0xffffffff, 0);
		else
			base(b, 0, SLAB_WORD, er->slab, 0);
		return true;
	case K_SLAB_BUDDYLIKE:	/* SLUB's inuse/objects/frozen in _mapcount, by chance the buddy value */
		if (!(feat & A_SLAB_IN_MAPCOUNT) || !er->buddy || er->pg_slab < 0)
			return false;
		base(b, bit(er->pg_slab), SLAB_WORD, er->buddy, 0);
		return true;
	case K_HUGETLB:
		b->pp->pfn = 0x10000 - 512 * 4;
		compound(b, 0, FILE_MAPPING, true, 9);
		return true;
	case K_THP:
	case K_THP_UNALIGNED:
	case K_THP_NO_NEXT:
		if (!(feat & A_THP))
			return false;
		compound(b, lru | sb, ANON_MAPPING, false, 9);
		if (kind == K_THP_UNALIGNED)
			b->pp->pfn += 8;	/* not on a 512-page boundary: no order 9 */
		b->pp->no_next = kind == K_THP_NO_NEXT;
		return true;
	case K_LARGE_CACHE:
		if (!(feat & A_LARGE_CACHE))
			return false;
		compound(b, lru, FILE_MAPPING, false, 2);
		return true;
	case K_TAIL:
		b->pp->pfn += 5;
		if (er->tails_have_head_bit)	/* 2.6.16-2.6.21: PG_compound, private = head */
			base(b, bit(er->pg_head), 0, 0xffffffff, HEAD_PAGE);
		else
			base(b, bit(er->pg_tail), TAIL_MAPPING, 0xffffffff, 0);
		if (b->o.chead >= 0 && er->ord != ORD_LRU_PREV)
			put(b, 0, b->o.chead, b->L, ptr(b, HEAD_PAGE | 1));
		return true;
	case K_HWPOISON:
		if (er->pg_hwpoison < 0)
			return false;
		base(b, bit(er->pg_hwpoison), 0, 0xffffffff, 0);
		return true;
	case K_HWPOISON_CACHE:
		if (er->pg_hwpoison < 0)
			return false;
		base(b, lru | bit(er->pg_hwpoison), FILE_MAPPING, 0xffffffff, 0);
		return true;
	case K_OFFLINE:
		if (!(feat & A_OFFLINE))
			return false;
		base(b, 0, 0, er->offline, 0);
		return true;
	case K_UNACCEPTED:
		if (!(feat & A_UNACC) || !er->unaccepted)
			return false;
		base(b, 0, 0, er->unaccepted, 0);
		return true;
	case K_RESERVED:	/* kernel text, memblock, the zero page */
		base(b, bit(er->pg_reserved), 0, 0xffffffff, 0);
		return true;
	case K_MAPCOUNT_0:	/* a kernel page that happens to read _mapcount 0 */
		base(b, 0, 0, 0, 0);
		return true;
	case K_MAPCOUNT_NEG1:	/* allocated, unmapped, no type */
		base(b, 0, 0, 0xffffffff, 0);
		return true;
	case K_OLD_BUDDY_VALUE:	/* -129 in a top-byte kernel is no type: top byte 0xff */
		if (!(feat & A_TOP_BYTE))
			return false;
		base(b, 0, 0, 0xffffff7f, 3);
		return true;
	case K_TYPE_LOW_BITS:	/* 6.12: the low 24 bits belong to the type's owner */
		if (!(feat & A_TOP_BYTE))
			return false;
		base(b, 0, 0, er->buddy | 0x123, 3);
		return true;
	}
	return false;
}

/* ---- the expected results ------------------------------------------------- */

/*
 * The first rule whose era features (need) hold and whose dump level bits
 * meet the level (any; 0: every level) gives the class; none: PC_KEEP.
 * order is the expected order for a class other than KEEP, TAIL, BAD_ORDER.
 */
struct rule { unsigned need; int any; enum page_class cls; };

#define CACHE_BITS (DL_CACHE | DL_CACHE_PRIVATE)

static const struct kind_row {
	enum kind kind;
	const char *name;
	unsigned order;
	struct rule rules[3];
} kinds[] = {
	/* free pages go with -d 16, 2^order of them, when the dump tells how they look */
	{ K_FREE, "free buddy head, order 3", 3, { { F_FREE, DL_FREE, PC_FREE } } },
	{ K_FREE_MAX, "free buddy head, order 10 (the largest)", 10, { { F_FREE, DL_FREE, PC_FREE } } },
	/* order 11 is no order when LENGTH(zone.free_area) is 11: keep, and warn */
	{ K_FREE_BAD, "free buddy head, order 11 (invalid)", 0,
	  { { F_FREE, DL_FREE, PC_BAD_ORDER } } },
	{ K_BUDDY_TAIL, "page inside a free block", 0, { { 0 } } },
	/* -d 2 excludes page cache without private data; -d 4 all page cache */
	{ K_CACHE, "page cache", 0, { { 0, CACHE_BITS, PC_CACHE } } },
	{ K_CACHE_PRIV, "page cache with private (buffers)", 0,
	  { { 0, DL_CACHE_PRIVATE, PC_CACHE_PRIVATE } } },
	{ K_CACHE_RECLAIM, "page cache under PG_reclaim", 0, { { 0, CACHE_BITS, PC_CACHE } } },
	{ K_SWAPCACHE, "swap cache page, off the LRU", 0, { { 0, CACHE_BITS, PC_CACHE } } },
	/* PG_owner_priv_1 without PG_swapbacked is not swap cache: never excluded */
	{ K_OWNER_PRIV, "PG_checked page (owner_priv_1)", 0, { { 0 } } },
	/* anonymous pages are user data (-d 8), never cache */
	{ K_ANON, "anonymous page, mapped once", 0, { { 0, DL_USER, PC_USER } } },
	{ K_ANON_SWAPCACHE, "anonymous page in swap cache", 0, { { 0, DL_USER, PC_USER } } },
	/* slab pages are never excluded, whatever their words look like */
	{ K_SLAB, "slab page (mapping bit 0 set)", 0, { { 0 } } },
	{ K_SLAB_BUDDYLIKE, "slab page whose _mapcount reads as the buddy value", 0, { { 0 } } },
	/* hugetlb folios are user data, the whole folio */
	{ K_HUGETLB, "hugetlb head, order 9", 9, { { F_HUGE, DL_USER, PC_USER } } },
	{ K_THP, "anonymous THP head, order 9", 9, { { 0, DL_USER, PC_USER } } },
	/* an order the pfn is not aligned to (or page[1] unreadable): the head alone */
	{ K_THP_UNALIGNED, "THP head at an unaligned pfn", 0, { { 0, DL_USER, PC_USER } } },
	{ K_THP_NO_NEXT, "THP head without a readable page[1]", 0, { { 0, DL_USER, PC_USER } } },
	{ K_LARGE_CACHE, "page cache folio, order 2", 2, { { 0, CACHE_BITS, PC_CACHE } } },
	/* a tail goes with its head; without compound_head it is a page of its own */
	{ K_TAIL, "compound tail", 0, { { F_TAIL, 0, PC_TAIL } } },
	/* hwpoison pages are never dumped, at any level, when the dump names the flag */
	{ K_HWPOISON, "hwpoison page", 0, { { F_HW, 0, PC_HWPOISON } } },
	{ K_HWPOISON_CACHE, "hwpoison page cache", 0,
	  { { 0, CACHE_BITS, PC_CACHE }, { F_HW, 0, PC_HWPOISON } } },
	/* logically offline pages (balloon, virtio-mem) likewise */
	{ K_OFFLINE, "offline page", 0, { { F_OFFLINE, 0, PC_OFFLINE } } },
	/* unaccepted memory is free, MAX_PAGE_ORDER at a time (LENGTH - 1) */
	{ K_UNACCEPTED, "unaccepted page", MAX_ORDER_LEN - 1, { { F_UNACC, DL_FREE, PC_FREE } } },
	{ K_RESERVED, "reserved (kernel) page", 0, { { 0 } } },
	{ K_MAPCOUNT_0, "kernel page, _mapcount 0", 0, { { 0 } } },
	{ K_MAPCOUNT_NEG1, "kernel page, _mapcount -1", 0, { { 0 } } },
	{ K_OLD_BUDDY_VALUE, "_mapcount -129 in a top-byte kernel", 0, { { 0 } } },
	{ K_TYPE_LOW_BITS, "buddy type with owner bits in the low 24", 3,
	  { { F_FREE, DL_FREE, PC_FREE } } },
};

static enum page_class expected(const struct kind_row *kr, const struct era *er, int dl)
{
	size_t i;

	for (i = 0; i < 3 && kr->rules[i].cls != PC_KEEP; i++) {
		const struct rule *ru = &kr->rules[i];

		if ((er->feat & ru->need) == ru->need && (!ru->any || (dl & ru->any)))
			return ru->cls;
	}
	return PC_KEEP;
}

/* ---- the run --------------------------------------------------------------- */

static const char *const class_names[] = {
	"KEEP", "TAIL", "FREE", "CACHE", "CACHE_PRIVATE", "USER", "HWPOISON", "OFFLINE",
	"BAD_ORDER",
};

struct abi { unsigned L; bool be; const char *name; };
static const struct abi abis[] = {
	{ 8, false, "LE64" }, { 8, true, "BE64" }, { 4, false, "LE32" }, { 4, true, "BE32" },
};

/* One failure line per (era, abi, kind): the first level that fails. */
static void check_kind(const struct era *er, const struct abi *a, const struct kind_row *kr,
		       const struct page_rules *rs)
{
	struct builder b = { er, layout_of(er, a->L), a->L, a->be, NULL };
	struct pagepair pp;
	int dl;
	bool reported = false;

	b.pp = &pp;
	if (!build(&b, kr->kind))
		return;
	for (dl = 0; dl <= DL_MAX; dl++) {
		const struct page_rules *r = &rs[dl];
		enum page_class want = expected(kr, er, dl), got;
		unsigned want_order, order;
		struct page_view v;

		if (!r->scan_memmap)
			continue;	/* no pass over mem_map at this level: checked below */
		pagerules_decode(r, pp.p[0], pp.no_next ? NULL : pp.p[1], pp.pfn, &v);
		got = classify(r, &v, &order);
		want_order = (want == PC_KEEP || want == PC_TAIL || want == PC_BAD_ORDER) ? 0 :
			     kr->order;
		if (got == want && order == want_order) {
			passed++;
			continue;
		}
		failed++;
		if (!reported)
			printf("FAIL %s %s: %s at -d %d: %s order %u, want %s order %u\n", er->name,
			       a->name, kr->name, dl, class_names[got], order, class_names[want],
			       want_order);
		reported = true;
	}
}

/* Does this level need the mem_map pass, and does it walk the free lists? */
static void check_pass(const struct era *er, const struct abi *a, int dl,
		       const struct page_rules *r)
{
	bool hw = (er->feat & F_HW) != 0, free_marked = (er->feat & F_FREE) != 0;
	bool scan = (dl & (CACHE_BITS | DL_USER)) || hw || ((dl & DL_FREE) && free_marked);
	bool lists = (dl & DL_FREE) && !free_marked;

	if (r->scan_memmap == scan && r->free_by_lists == lists) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s %s -d %d: mem_map pass %d (want %d), free lists %d (want %d)\n",
	       er->name, a->name, dl, r->scan_memmap, scan, r->free_by_lists, lists);
}

int main(void)
{
	size_t e, a, i;

	for (e = 0; e < sizeof(eras) / sizeof(eras[0]); e++)
		for (a = 0; a < sizeof(abis) / sizeof(abis[0]); a++) {
			static struct page_rules rules[DL_MAX + 1];
			struct kfacts k;
			int dl;

			build_facts(&eras[e], abis[a].L, &k);
			for (dl = 0; dl <= DL_MAX; dl++) {
				struct err err;

				if (pagerules_init(&rules[dl], &k, abis[a].L, abis[a].be, dl, &err) < 0) {
					failed++;
					printf("FAIL %s %s -d %d: pagerules_init: %s\n", eras[e].name,
					       abis[a].name, dl, err.msg);
					memset(&rules[dl], 0, sizeof(rules[dl]));
					continue;
				}
				check_pass(&eras[e], &abis[a], dl, &rules[dl]);
			}
			for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				check_kind(&eras[e], &abis[a], &kinds[i], rules);
		}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
