/*
 * pages.c - what each page IS, written into its struct page with the era's
 * encoding; and the zones' free lists for eras without a buddy marker.
 */
#include "mkvmcore.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGE 128

/* Plausible kernel pointers for the fields that hold one. */
#define ANON_VMA	(M.page_offset + 0x3f00040)	/* | 1: PAGE_MAPPING_ANON */
#define ADDRESS_SPACE	(M.page_offset + 0x3f00180)
#define BUFFER_HEAD	(M.page_offset + 0x3f002c0)
#define KMEM_CACHE	(M.page_offset + 0x3f00400)
/* the zone in the top two bits of page->flags (an unsigned long) */
#define ZONE_BITS(pfn)	((uint64_t)((pfn) < 0x1000 ? 0 : (pfn) < 0x100000 ? 1 : 2) << (8 * WORD - 2))

static const char *kind_name(enum kind k)
{
	static const char *const n[] = {
		"kernel", "kernel data", "free", "free", "badorder", "compound", "compound",
		"anon", "cache", "swapcache", "slab", "hwpoison", "offline", "unaccepted",
		"unaccepted", "zero", "novmemmap", "nosection", "kernel",
	};
	return n[k];
}

static void need(bool ok, const struct item *it, const char *what)
{
	if (!ok)
		die("%s:%d: %s: era %s cannot express %s", spec_path, it->line, kind_name(it->kind),
		    S.era->name, what);
}

static void mark(uint64_t pfn, enum kind k, const struct item *it)
{
	if (M.kind[pfn] != K_NONE)
		die("%s:%d: pfn %#llx is already described", spec_path, it->line, (unsigned long long)pfn);
	M.kind[pfn] = (uint8_t)k;
}

static void check_block(const struct item *it, uint64_t n)
{
	if (it->first % n || (it->last + 1) % n)
		die("%s:%d: %s blocks of %llu pages: the range must be aligned to and a multiple of that",
		    spec_path, it->line, kind_name(it->kind), (unsigned long long)n);
}

void pages_mark(void)
{
	const struct era *e = S.era;
	int i;

	for (i = 0; i < S.nitems; i++) {
		const struct item *it = &S.items[i];
		uint64_t pfn, n = 1;
		bool any_ram = it->kind == K_NOSECTION || it->kind == K_NOVMEMMAP;

		if (it->last >= M.max_pfn)
			die("%s:%d: pfn %#llx is beyond RAM", spec_path, it->line, (unsigned long long)it->last);
		for (pfn = it->first; pfn <= it->last && !any_ram; pfn++)
			if (!pfn_in_ram(pfn))
				die("%s:%d: pfn %#llx is not RAM", spec_path, it->line, (unsigned long long)pfn);
		switch (it->kind) {
		case K_FREE:
			n = UINT64_C(1) << it->order;
			need(it->order < e->max_order, it, "an order past LENGTH(zone.free_area)");
			break;
		case K_BADORDER:
			need(e->buddy != BUDDY_LISTS, it, "a buddy marker");
			break;
		case K_COMPOUND_HEAD:
			n = UINT64_C(1) << it->order;
			need(it->sub != SUB_HUGETLB || e->huge != HUGE_NONE, it, "hugetlb");
			break;
		case K_UNACCEPTED:
			need(e->unaccepted_val != 0, it, "unaccepted memory");
			n = UINT64_C(1) << (e->max_order - 1);
			break;
		case K_HWPOISON:
			need(e->pg_hwpoison >= 0, it, "PG_hwpoison");
			break;
		case K_OFFLINE:
			need(e->offline_val != 0, it, "PageOffline");
			break;
		case K_NOVMEMMAP:
			need(S.memmap_vmemmap && S.model != MM_FLAT, it, "a vmemmap hole without a vmemmap");
			break;
		case K_NOSECTION:
			need(S.model != MM_FLAT, it, "a missing section under FLATMEM");
			break;
		default:
			break;
		}
		check_block(it, n);
		for (pfn = it->first; pfn <= it->last; pfn++) {
			enum kind k = it->kind;

			if (pfn % n) {
				if (k == K_FREE)
					k = K_FREE_TAIL;
				else if (k == K_COMPOUND_HEAD)
					k = K_COMPOUND_TAIL;
				else if (k == K_UNACCEPTED)
					k = K_UNACCEPTED_TAIL;
			}
			mark(pfn, k, it);
		}
	}
}

/* ---- struct page bytes ------------------------------------------------------ */

/* A field of a struct page, in the target's byte order; off < 0: no such field. */
static void st(uint8_t *p, int off, uint64_t v, unsigned width)
{
	if (off >= 0)
		put_t(p + off, v, width);
}

static uint64_t bit(int nr)
{
	return nr >= 0 ? UINT64_C(1) << nr : 0;
}

/* An in-use page: one reference, not mapped. */
static void page_default(uint8_t *p, uint64_t pfn)
{
	const struct era *e = S.era;

	memset(p, 0, (size_t)e->size_page);
	st(p, e->off_flags, ZONE_BITS(pfn), WORD);
	st(p, e->off_count, 1, 4);
	st(p, e->off_mapcount, UINT32_MAX, 4);
}

static void or_flags(uint8_t *p, uint64_t f)
{
	st(p, S.era->off_flags, get_t(p + S.era->off_flags, WORD) | f, WORD);
}

static void put_page(uint64_t pfn, const uint8_t *p)
{
	if (page_struct_mapped(pfn))
		virt_write(page_struct_va(pfn), p, (size_t)S.era->size_page);
}

static void free_head(uint8_t *p, uint64_t order)
{
	const struct era *e = S.era;

	st(p, e->off_count, 0, 4);
	st(p, e->off_private, order, WORD);
	switch (e->buddy) {
	case BUDDY_LISTS:
		if (e->free_private_flag)
			or_flags(p, bit(e->pg_private));
		break;
	case BUDDY_FLAG:
		or_flags(p, bit(e->pg_buddy));
		break;
	case BUDDY_MAPCOUNT:
	case BUDDY_TYPE:
		st(p, e->off_mapcount, (uint32_t)e->buddy_val, 4);
		break;
	}
}

static void slab_page(uint8_t *p)
{
	const struct era *e = S.era;

	if (e->slab_type) {
		/* the low 24 bits of a 6.12 page_type are free for the type's use */
		st(p, e->off_mapcount, (uint32_t)e->slab_type | 0x5a17, 4);
	} else {
		or_flags(p, bit(e->pg_slab));
	}
	if (e->slab_mapping_bit)
		st(p, e->off_mapping, KMEM_CACHE | 1, WORD);
}

static void user_or_cache(uint8_t *p, enum sub sub, bool priv)
{
	const struct era *e = S.era;

	switch (sub) {
	case SUB_ANON:
		or_flags(p, bit(e->pg_lru) | bit(e->pg_swapbacked));
		st(p, e->off_mapping, ANON_VMA | 1, WORD);
		st(p, e->off_mapcount, 0, 4);
		break;
	case SUB_CACHE:
		or_flags(p, bit(e->pg_lru) | (priv ? bit(e->pg_private) : 0));
		st(p, e->off_mapping, ADDRESS_SPACE, WORD);
		if (priv)
			st(p, e->off_private, BUFFER_HEAD, WORD);
		break;
	case SUB_SLAB:
		slab_page(p);
		break;
	default:
		break;
	}
}

/* The struct page of pfn, number i of the compound page at head. */
static void compound_page(const struct item *it, uint64_t head, uint64_t i, uint8_t *p)
{
	const struct era *e = S.era;

	page_default(p, head + i);
	if (i == 0) {
		or_flags(p, bit(e->pg_head));
		user_or_cache(p, it->sub, it->priv);
		if (it->sub == SUB_HUGETLB) {
			st(p, e->off_mapping, ADDRESS_SPACE + 0x40, WORD);
			if (e->huge == HUGE_TYPE)
				st(p, e->off_mapcount, (uint32_t)e->hugetlb_type, 4);
		}
		return;
	}
	st(p, e->off_count, 0, 4);
	if (e->tail == TAIL_CHEAD) {
		st(p, e->off_chead, page_struct_va(head) | 1, WORD);
	} else {
		or_flags(p, e->pg_tail >= 0 ? bit(e->pg_tail) : bit(e->pg_head));
		st(p, e->off_private, page_struct_va(head), WORD);
	}
	if (i == 1) {
		uint64_t dtor = it->sub == SUB_HUGETLB ? (uint64_t)e->hugetlb_dtor : 1;

		switch (e->order) {
		case ORD_INDEX:
		case ORD_FIELD:
			st(p, e->off_corder, (uint64_t)it->order, e->corder_width);
			break;
		case ORD_LRU_PREV:
			st(p, e->off_lru + (int)WORD, (uint64_t)it->order, WORD);
			break;
		case ORD_FLAGS1:
			st(p, e->off_flags, ZONE_BITS(head + 1) | (uint64_t)it->order, WORD);
			break;
		}
		if (e->huge == HUGE_DTOR)
			st(p, e->off_cdtor, dtor, e->corder_width);
		else if (e->huge == HUGE_DTOR_PTR)
			st(p, e->off_lru, it->sub == SUB_HUGETLB ? M.free_huge_page_va
							      : M.free_huge_page_va + 0x1200, WORD);
	}
}

/* The struct page of pfn, which item it describes (pfn's kind is in M.kind). */
static void item_page(const struct item *it, uint64_t pfn, uint8_t *p)
{
	const struct era *e = S.era;

	switch ((enum kind)M.kind[pfn]) {
	case K_COMPOUND_HEAD:
	case K_COMPOUND_TAIL: {
		uint64_t n = UINT64_C(1) << it->order, head = it->first + ((pfn - it->first) & ~(n - 1));

		compound_page(it, head, pfn - head, p);
		return;
	}
	default:
		break;
	}
	page_default(p, pfn);
	switch ((enum kind)M.kind[pfn]) {
	case K_FREE:
	case K_BADORDER:
		free_head(p, (uint64_t)it->order);
		break;
	case K_FREE_TAIL:
	case K_UNACCEPTED_TAIL:
		st(p, e->off_count, 0, 4);
		break;
	case K_ANON:
		user_or_cache(p, SUB_ANON, false);
		break;
	case K_CACHE:
		user_or_cache(p, SUB_CACHE, it->priv);
		break;
	case K_SWAPCACHE:
		or_flags(p, bit(e->pg_swapcache) | bit(e->pg_swapbacked));
		st(p, e->off_private, 0x2a00, WORD);	/* swp_entry_t */
		break;
	case K_SLAB:
		slab_page(p);
		break;
	case K_HWPOISON:
		or_flags(p, bit(e->pg_hwpoison));
		break;
	case K_OFFLINE:
		st(p, e->off_mapcount, (uint32_t)e->offline_val, 4);
		break;
	case K_UNACCEPTED:
		st(p, e->off_count, 0, 4);
		st(p, e->off_mapcount, (uint32_t)e->unaccepted_val, 4);
		break;
	default:
		break;
	}
}

/* Items sorted by first pfn, and the one a pfn is in (NULL: none). */
static const struct item **sorted;

static int by_first(const void *a, const void *b)
{
	const struct item *x = *(const struct item *const *)a, *y = *(const struct item *const *)b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static const struct item *item_of(uint64_t pfn)
{
	static const struct item *last;	/* pfns come in order: the same item again */
	size_t lo = 0, hi = (size_t)S.nitems;

	if (last && last->first <= pfn && pfn <= last->last)
		return last;
	if (!sorted) {
		int i;

		sorted = malloc(((size_t)S.nitems + 1) * sizeof(*sorted));
		if (!sorted)
			die("out of memory");
		for (i = 0; i < S.nitems; i++)
			sorted[i] = &S.items[i];
		qsort(sorted, (size_t)S.nitems, sizeof(*sorted), by_first);
	}
	while (lo < hi) {	/* the first item starting after pfn */
		size_t mid = (lo + hi) / 2;

		if (sorted[mid]->first <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && sorted[lo - 1]->last >= pfn)
		return last = sorted[lo - 1];
	return NULL;
}

/* "@tables free": is pfn a page table whose struct page says free? */
static bool table_looks_free(uint64_t pfn)
{
	unsigned i;

	for (i = 0; S.tables_free && i < M.ntable_pfns; i++)
		if (M.table_pfns[i] == pfn)
			return true;
	return false;
}

/* The struct page of pfn as the dump holds it; false when it is all zero. */
static bool struct_page(uint64_t pfn, uint8_t *p)
{
	const struct item *it = item_of(pfn);

	if (it) {
		item_page(it, pfn, p);
		return true;
	}
	if (table_looks_free(pfn)) {
		page_default(p, pfn);
		free_head(p, 0);
		return true;
	}
	if (S.sparse_file || !pfn_in_ram(pfn))	/* a sparse dump keeps these zero (holes) */
		return false;
	page_default(p, pfn);
	return true;
}

/*
 * Page vidx of the vmemmap: the struct pages in it, made when the file is
 * written (memory does not grow with the machine's RAM).
 */
void memmap_page(uint64_t vidx, uint8_t *buf)
{
	uint64_t sz = (uint64_t)S.era->size_page, lo = vidx << PAGE_SHIFT, hi = lo + PAGE_SIZE;
	uint64_t pfn;
	uint8_t p[MAX_PAGE];

	memset(buf, 0, PAGE_SIZE);
	for (pfn = lo / sz; pfn * sz < hi && pfn < M.max_pfn; pfn++) {
		uint64_t a = pfn * sz, b = a + sz;

		if (!page_struct_mapped(pfn) || !struct_page(pfn, p))
			continue;
		memcpy(buf + (a > lo ? a - lo : 0), p + (a < lo ? lo - a : 0),
		       (size_t)((b < hi ? b : hi) - (a > lo ? a : lo)));
	}
}

void pages_write(void)
{
	uint8_t p[MAX_PAGE];
	uint64_t pfn;
	int i;

	if ((size_t)S.era->size_page > sizeof(p))
		die("internal: SIZE(page) too large");
	if (memmap_virtual())
		return;		/* memmap_page() makes them */
	if (!S.sparse_file)	/* a sparse dump keeps untouched struct pages zero (holes) */
		for (pfn = 0; pfn < M.max_pfn; pfn++)
			if (pfn_in_ram(pfn)) {
				page_default(p, pfn);
				put_page(pfn, p);
			}
	for (i = 0; i < S.nitems; i++)
		for (pfn = S.items[i].first; pfn <= S.items[i].last; pfn++) {
			item_page(&S.items[i], pfn, p);
			put_page(pfn, p);
		}
	for (i = 0; S.tables_free && i < (int)M.ntable_pfns; i++) {
		page_default(p, M.table_pfns[i]);
		free_head(p, 0);
		put_page(M.table_pfns[i], p);
	}
}

/* ---- free lists: pglist_data -> zones -> free_area[order].free_list ------------ */

static unsigned zone_of(uint64_t pfn)
{
	return pfn < 0x1000 ? 0 : pfn < 0x100000 ? 1 : 2;
}

static void list_add_tail(uint64_t head, uint64_t node)
{
	uint64_t prev = virt_r64(head + 8);

	virt_w64(node, head);		/* node->next = head */
	virt_w64(node + 8, prev);	/* node->prev = old tail */
	virt_w64(prev, node);		/* old tail->next = node */
	virt_w64(head + 8, node);	/* head->prev = node */
}

void freelists_build(void)
{
	const struct era *e = S.era;
	unsigned nlists = e->nr_migrate ? (unsigned)e->nr_migrate : 1, z, o, l;
	uint64_t size = (uint64_t)e->pgdat_nr_zones + 64, spanned[4] = { 0 }, lo[4], hi[4];
	uint64_t pgdat = kdata_alloc(size), pfn, rot = 0;

	M.pgdat_va = pgdat;
	for (z = 0; z < 4; z++) {
		lo[z] = UINT64_MAX;
		hi[z] = 0;
	}
	for (pfn = 0; pfn < M.max_pfn; pfn++)
		if (pfn_in_ram(pfn)) {
			z = zone_of(pfn);
			if (pfn < lo[z])
				lo[z] = pfn;
			hi[z] = pfn + 1;
		}
	for (z = 0; z < (unsigned)e->max_nr_zones; z++) {
		uint64_t zone = pgdat + (uint64_t)z * (uint64_t)e->size_zone;

		spanned[z] = z < 4 && hi[z] ? hi[z] - lo[z] : 0;
		virt_w64(zone + (uint64_t)e->zone_spanned, spanned[z]);
		for (o = 0; o < (unsigned)e->max_order; o++)
			for (l = 0; l < nlists; l++) {
				uint64_t h = zone + (uint64_t)e->zone_free_area +
					     (uint64_t)o * (uint64_t)e->size_free_area + 16 * l;

				virt_w64(h, h);		/* empty: next = prev = self */
				virt_w64(h + 8, h);
			}
	}
	virt_w32(pgdat + (uint64_t)e->pgdat_nr_zones, 3);	/* DMA, DMA32, Normal */
	for (pfn = 0; pfn < M.max_pfn; pfn++) {
		const struct item *it = NULL;
		int i;

		if (M.kind[pfn] != K_FREE)
			continue;
		for (i = 0; i < S.nitems; i++)
			if (S.items[i].first <= pfn && pfn <= S.items[i].last)
				it = &S.items[i];
		if (!page_struct_mapped(pfn))
			continue;
		l = (unsigned)(rot++ % nlists);
		list_add_tail(pgdat + (uint64_t)zone_of(pfn) * (uint64_t)e->size_zone +
				      (uint64_t)e->zone_free_area +
				      (uint64_t)it->order * (uint64_t)e->size_free_area + 16 * l,
			      page_struct_va(pfn) + (uint64_t)e->off_lru);
	}
	note("free lists under contig_page_data at %#llx", (unsigned long long)pgdat);
}
