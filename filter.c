/* filter.c - the 2nd bitmap, window by window; see filter.h. */
#include "filter.h"
#include "bitmap.h"
#include "keep.h"
#include "log.h"

#include <inttypes.h>
#include <stdlib.h>

/* struct pages read per batch: 32 KiB with 64-byte struct pages. */
#define BATCH_PAGES 512
/* After a block of at least 2^PROBE_ORDER pages, read the next head alone. */
#define PROBE_ORDER 6

struct carry {
	uint64_t end;		/* pages below end still belong to the block */
	enum page_class cls;
};

struct filter {
	struct kview *kv;
	struct memmap *mm;
	struct page_rules rules;
	struct dump_counts *counts;	/* the run's */
	bool counting;
	struct carry carry;
	uint8_t *batch;		/* (BATCH_PAGES + 1) struct pages */
	uint64_t first_bad_pfn, first_bad_order;
	uint64_t first_unreadable_pfn;
	struct keep_set *keep;	/* pages never left out */
	uint64_t first_kept_pfn;
};

/* Segments whose first struct page is tried before the mem_map is judged unreadable. */
#define PROBE_SEGMENTS 64

/*
 * Can any struct page be read at all?  The first page of each of the
 * dump's first segments is tried: a mem_map that none of them reaches
 * (the translation the arch needs is missing) would keep every page with
 * nothing filtered, so a dump level that needs struct pages cannot be
 * honoured and the run stops in one line (below that, only offline pages
 * are looked for, and they are kept with a warning).  A read error (a bad sector) is not that: such pages
 * are kept one by one.
 */
static int probe_struct_pages(struct filter *f, struct err *e)
{
	size_t i, n = vmcore_nsegs(f->kv->vc);
	struct err first = { 0 };
	unsigned tried = 0;

	for (i = 0; i < n && tried < PROBE_SEGMENTS; i++) {
		const struct vmcore_seg *s = vmcore_seg(f->kv->vc, i);
		uint64_t pfn = s->paddr >> f->kv->page_shift, sec, end, map, pa, span;
		struct err why = { 0 };

		if (!s->filesz || pfn >= memmap_max_pfn(f->mm))
			continue;
		if (memmap_lookup(f->mm, pfn, &sec, &end, &map, e) < 0)
			return -1;
		if (!map)
			continue;
		tried++;
		if (kview_vtop(f->kv, map + (pfn - sec) * f->rules.size_page, &pa, &span, &why) == 0 ||
		    why.code == ERR_UNREADABLE)
			return 0;
		if (!first.msg[0])
			first = why;
	}
	if (!tried)
		return 0;
	return err_set(e, "%s: no struct page can be read (%s), and dump level %d needs them",
		       vmcore_path(f->kv->vc), first.msg, f->rules.dump_level);
}

static int alloc_batch(struct filter *f, struct err *e)
{
	f->batch = malloc((size_t)(BATCH_PAGES + 1) * f->rules.size_page);
	return f->batch ? 0 : err_set(e, "out of memory for struct pages");
}

struct filter *filter_new(struct kview *kv, struct memmap *mm, int dump_level,
			  struct dump_counts *counts, struct err *e)
{
	struct filter *f = calloc(1, sizeof(*f));

	if (!f) {
		err_set(e, "out of memory");
		return NULL;
	}
	f->kv = kv;
	f->mm = mm;
	f->counts = counts;
	if (kv->have_facts &&
	    pagerules_init(&f->rules, &kv->k, kv->ptr_size, kv->big_endian, dump_level, e) < 0)
		goto fail;
	if (!kv->have_facts) {
		f->rules.dump_level = dump_level;
		if (dump_level & ~DL_ZERO) {
			err_set(e, "dump level %d needs kernel facts: the dump has no VMCOREINFO (give -x VMLINUX or -i VMCOREINFO)",
				dump_level);
			goto fail;
		}
	}
	if ((f->rules.scan_memmap || f->rules.free_by_lists) &&
	    (!mm || memmap_model(mm) == MM_NONE)) {
		err_set(e, "dump level %d needs the kernel's mem_map, which the kernel facts do not locate",
			dump_level);
		goto fail;
	}
	if (f->rules.scan_memmap) {
		if (alloc_batch(f, e) < 0)
			goto fail;
		if ((dump_level & ~DL_ZERO) && probe_struct_pages(f, e) < 0)
			goto fail;
	}
	if (kv->have_facts && !(f->keep = keep_build(kv, e)))
		goto fail;
	if (log_on(ML_DEBUG) && kv->have_facts)
		pagerules_debug(&f->rules);
	if (f->rules.free_by_lists)
		log_debug("No buddy marker in struct page: free pages are found by walking the zones' free lists.\n");
	return f;
fail:
	free(f->batch);
	free(f);
	return NULL;
}

struct filter *filter_clone(const struct filter *f, struct kview *kv, struct memmap *mm,
			    struct dump_counts *counts, struct err *e)
{
	struct filter *c = calloc(1, sizeof(*c));

	if (!c) {
		err_set(e, "out of memory");
		return NULL;
	}
	c->kv = kv;
	c->mm = mm;
	c->rules = f->rules;
	c->counts = counts;
	if (alloc_batch(c, e) < 0 || (f->keep && !(c->keep = keep_share(f->keep, e)))) {
		filter_free(c);
		return NULL;
	}
	return c;
}

bool filter_scans_by_pfn(const struct filter *f)
{
	return f->rules.scan_memmap && !f->rules.free_by_lists;
}

bool filter_counting(const struct filter *f)
{
	return f->counting;
}

void filter_take_carry(struct filter *to, const struct filter *from)
{
	to->carry = from->carry;
}

bool filter_carries_past(const struct filter *f, uint64_t pfn)
{
	return f->carry.end > pfn;
}

void filter_absorb(struct filter *into, struct filter *from)
{
	struct dump_counts *a = into->counts, *b = from->counts;

	if (!a->bad_order && b->bad_order) {
		into->first_bad_pfn = from->first_bad_pfn;
		into->first_bad_order = from->first_bad_order;
	}
	if (!a->unreadable && b->unreadable)
		into->first_unreadable_pfn = from->first_unreadable_pfn;
	if (!a->kept_first && b->kept_first)
		into->first_kept_pfn = from->first_kept_pfn;
	a->zero += b->zero;
	a->cache += b->cache;
	a->cache_private += b->cache_private;
	a->user += b->user;
	a->free += b->free;
	a->hwpoison += b->hwpoison;
	a->offline += b->offline;
	a->bad_order += b->bad_order;
	a->unreadable += b->unreadable;
	a->kept_first += b->kept_first;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	keep_free(f->keep);
	free(f->batch);
	free(f);
}

void filter_begin_pass(struct filter *f, bool count)
{
	f->counting = count;
	f->carry.end = 0;
}

void filter_end_pass(struct filter *f)
{
	if (f->counting && f->counts->bad_order)
		log_msg("WARNING: %" PRIu64 " page(s) marked free had an invalid buddy order and were kept (first: pfn=0x%" PRIx64 ", order=%" PRIu64 ", max order=%u).\n",
			f->counts->bad_order, f->first_bad_pfn, f->first_bad_order,
			f->rules.max_order);
	if (f->counting && f->counts->unreadable)
		log_msg("WARNING: the struct pages of %" PRIu64 " page(s) could not be read; those pages were kept (first: pfn=0x%" PRIx64 ").\n",
			f->counts->unreadable, f->first_unreadable_pfn);
	if (f->counting && f->counts->kept_first)
		log_msg("WARNING: %" PRIu64 " page(s) of the kernel image or page tables looked excludable (free, cache, user or zero) and were kept (first: pfn=0x%" PRIx64 ").\n",
			f->counts->kept_first, f->first_kept_pfn);
}

bool filter_keeps(struct filter *f, uint64_t pfn)
{
	if (!keep_has(f->keep, pfn))
		return false;
	if (f->counting && !f->counts->kept_first++)
		f->first_kept_pfn = pfn;
	return true;
}

static void count(struct filter *f, enum page_class cls, uint64_t n)
{
	uint64_t *c;

	if (!f->counting || !n)
		return;
	switch (cls) {
	case PC_FREE: c = &f->counts->free; break;
	case PC_CACHE: c = &f->counts->cache; break;
	case PC_CACHE_PRIVATE: c = &f->counts->cache_private; break;
	case PC_USER: c = &f->counts->user; break;
	case PC_HWPOISON: c = &f->counts->hwpoison; break;
	case PC_OFFLINE: c = &f->counts->offline; break;
	default: return;
	}
	*c += n;
}

/*
 * Clear [from, to) of a window's bitmap (start: its first pfn) but the
 * pages that are always kept, counting each kind.
 */
static void drop(struct filter *f, uint64_t start, uint8_t *bm, uint64_t from, uint64_t to,
		 enum page_class cls)
{
	uint64_t kfirst, kend;

	while (from < to && keep_next(f->keep, from, &kfirst, &kend) && kfirst < to) {
		uint64_t a = kfirst > from ? kfirst : from, b = kend < to ? kend : to, n;

		count(f, cls, bm_clear_range(bm, from - start, a - start));
		n = bm_count_range(bm, a - start, b - start);
		if (n && f->counting && !f->counts->kept_first)
			f->first_kept_pfn = start + bm_next_set(bm, a - start, b - start);
		if (f->counting)
			f->counts->kept_first += n;
		from = b;
	}
	if (from < to)
		count(f, cls, bm_clear_range(bm, from - start, to - start));
}

/* Exclude [from, to) of a window starting at start; carry what lies past its end. */
static void exclude(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm,
		    uint64_t from, uint64_t to, enum page_class cls)
{
	if (to > end) {
		f->carry.end = to;
		f->carry.cls = cls;
		to = end;
	}
	drop(f, start, bm, from, to, cls);
}

static void note_bad_order(struct filter *f, uint64_t pfn, uint64_t order)
{
	if (!f->counting)
		return;
	if (!f->counts->bad_order++) {
		f->first_bad_pfn = pfn;
		f->first_bad_order = order;
	}
}

/*
 * Read n struct pages from va (plus the next one when want_next) into the
 * batch; returns 0.  On failure read them one by one, flag each unreadable
 * one in bad[] (zeroed, its page is kept) and return 1: bad[] is only
 * meaningful then.
 */
static int read_batch(struct filter *f, uint64_t va, uint64_t n, bool want_next, bool *bad)
{
	unsigned sz = f->rules.size_page;
	uint64_t i, total = n + (want_next ? 1 : 0);
	struct err e;

	if (kview_read_virt(f->kv, va, f->batch, (size_t)(total * sz), &e) == 0)
		return 0;
	for (i = 0; i < total; i++) {
		bad[i] = kview_read_virt(f->kv, va + i * sz, f->batch + i * sz, sz, &e) < 0;
		if (bad[i])
			memset(f->batch + i * sz, 0, sz);
	}
	return 1;
}

/*
 * Classify the present pages of [pfn, stop), all in one section whose
 * struct pages start at map (the struct page of section_first).
 */
static uint64_t scan_run(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm,
			 uint64_t pfn, uint64_t stop, uint64_t section_first,
			 uint64_t section_end, uint64_t map)
{
	unsigned sz = f->rules.size_page;
	bool bad[BATCH_PAGES + 1];
	bool probe = false;	/* read one struct page first: a large block may follow */

	while (pfn < stop) {
		uint64_t n = stop - pfn < BATCH_PAGES ? stop - pfn : BATCH_PAGES;
		bool want_next, partial, skip_rest = false;
		uint64_t i;

		if (probe)
			n = 1;
		probe = false;
		want_next = pfn + n < section_end;

		partial = read_batch(f, map + (pfn - section_first) * sz, n, want_next, bad) != 0;
		for (i = 0; i < n; i++) {
			uint64_t p = pfn + i;
			const uint8_t *page = f->batch + i * sz;
			bool next_ok = (i + 1 < n || want_next) && !(partial && bad[i + 1]);
			const uint8_t *next = next_ok ? page + sz : NULL;
			struct page_view v;
			enum page_class cls;
			unsigned order;

			if (!bm_test(bm, p - start))
				continue;
			if (partial && bad[i]) {
				if (f->counting && !f->counts->unreadable++)
					f->first_unreadable_pfn = p;
				continue;
			}
			pagerules_decode(&f->rules, page, next, p, &v);
			cls = classify(&f->rules, &v, &order);
			if (cls == PC_KEEP || cls == PC_TAIL)
				continue;
			if (cls == PC_BAD_ORDER) {
				note_bad_order(f, p, v.private);
				continue;
			}
			exclude(f, start, end, bm, p, p + (UINT64_C(1) << order), cls);
			if (order) {
				uint64_t next_pfn = p + (UINT64_C(1) << order);

				if (next_pfn >= pfn + n) {
					/*
					 * Blocks this large tend to come in runs (free
					 * memory): the next batch starts with the head
					 * alone, so a run of them costs one struct page
					 * each instead of a batch each.
					 */
					probe = order >= PROBE_ORDER;
					pfn = next_pfn;
					skip_rest = true;
					break;
				}
				i = next_pfn - pfn - 1;
			}
		}
		if (!skip_rest)
			pfn += n;
	}
	return pfn;
}

static int scan_memmap(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm,
		       uint64_t pfn, struct err *e)
{
	while ((pfn = start + bm_next_set(bm, pfn - start, end - start)) < end) {
		uint64_t first, sec_end, map, stop;

		if (memmap_lookup(f->mm, pfn, &first, &sec_end, &map, e) < 0)
			return -1;
		if (sec_end <= pfn)	/* beyond the last section with a mem_map */
			return 0;
		/* The run of present pages, within this section only. */
		stop = start + bm_next_clear(bm, pfn - start, (sec_end < end ? sec_end : end) - start);
		if (!map) {
			pfn = stop;	/* no struct pages: keep */
			continue;
		}
		pfn = scan_run(f, start, end, bm, pfn, stop, first, sec_end, map);
	}
	return 0;
}

/* ---- free lists (kernels without a buddy marker: 2.6.15, 2.6.16) -------- */

static int walk_free_list(struct filter *f, uint64_t head, unsigned order, uint64_t start,
			  uint64_t end, uint8_t *bm, struct err *e)
{
	const struct kfacts *k = &f->kv->k;
	uint64_t off_next = (uint64_t)kf_or(k, KF_OFF_list_head_next, 0);
	uint64_t off_lru = (uint64_t)kf_val(k, KF_OFF_page_lru);
	uint64_t node, steps = 0, limit = memmap_max_pfn(f->mm) + 1;

	if (kview_read_ptr(f->kv, head + off_next, &node, e) < 0)
		return -1;
	while (node != head) {
		uint64_t pfn, a, b;

		if (++steps > limit)
			return err_set(e, "the free list at 0x%" PRIx64 " does not end: corrupt", head);
		if (memmap_page_to_pfn(f->mm, node - off_lru, &pfn, e) < 0)
			return err_prefix(e, "free list at 0x%" PRIx64, head);
		a = pfn > start ? pfn : start;
		b = pfn + (UINT64_C(1) << order);
		if (b > end)
			b = end;
		if (a < b)
			drop(f, start, bm, a, b, PC_FREE);
		if (kview_read_ptr(f->kv, node + off_next, &node, e) < 0)
			return -1;
	}
	return 0;
}

static int zone_free_lists(struct filter *f, uint64_t zone, uint64_t start, uint64_t end,
			   uint8_t *bm, struct err *e)
{
	const struct kfacts *k = &f->kv->k;
	uint64_t spanned, order, mt;
	uint64_t orders = (uint64_t)kf_or(k, KF_LEN_zone_free_area, 11);
	uint64_t types = (uint64_t)kf_or(k, KF_LEN_free_area_free_list, 1);

	if (kview_read_ptr(f->kv, zone + (uint64_t)kf_val(k, KF_OFF_zone_spanned_pages), &spanned, e) < 0)
		return -1;
	if (!spanned)
		return 0;
	for (order = 0; order < orders; order++)
		for (mt = 0; mt < types; mt++) {
			uint64_t head = zone + (uint64_t)kf_val(k, KF_OFF_zone_free_area) +
					(uint64_t)kf_val(k, KF_SIZE_free_area) * order +
					(uint64_t)kf_or(k, KF_OFF_free_area_free_list, 0) +
					(uint64_t)kf_val(k, KF_SIZE_list_head) * mt;

			if (walk_free_list(f, head, (unsigned)order, start, end, bm, e) < 0)
				return -1;
		}
	return 0;
}

/* The pglist_data of node i, or 0 when there is none. */
static int node_pgdat(struct filter *f, uint64_t i, uint64_t *pgdat, struct err *e)
{
	const struct kfacts *k = &f->kv->k;

	*pgdat = 0;
	if (kf_have(k, KF_SYM_node_data))
		return i < (uint64_t)kf_or(k, KF_LEN_node_data, 1)
			? kview_read_ptr(f->kv, kf_addr(k, KF_SYM_node_data) + i * f->kv->ptr_size, pgdat, e)
			: 0;
	if (kf_have(k, KF_SYM_pgdat_list)) {
		uint64_t p, n;

		if (kf_have(k, KF_LEN_pgdat_list))
			return i < (uint64_t)kf_val(k, KF_LEN_pgdat_list)
				? kview_read_ptr(f->kv, kf_addr(k, KF_SYM_pgdat_list) + i * f->kv->ptr_size, pgdat, e)
				: 0;
		if (kview_read_ptr(f->kv, kf_addr(k, KF_SYM_pgdat_list), &p, e) < 0)
			return -1;
		for (n = 0; p && n < i; n++)
			if (kview_read_ptr(f->kv, p + (uint64_t)kf_or(k, KF_OFF_pglist_data_pgdat_next, 0),
					   &p, e) < 0)
				return -1;
		*pgdat = p;
		return 0;
	}
	if (kf_have(k, KF_SYM_contig_page_data) && i == 0)
		*pgdat = kf_addr(k, KF_SYM_contig_page_data);
	return 0;
}

#define MAX_NODES 1024

static int exclude_free_lists(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm,
			      struct err *e)
{
	const struct kfacts *k = &f->kv->k;
	static const enum kf_id need[] = {
		KF_SIZE_zone, KF_OFF_zone_free_area, KF_OFF_zone_spanned_pages,
		KF_OFF_pglist_data_node_zones, KF_OFF_pglist_data_nr_zones, KF_SIZE_free_area,
		KF_SIZE_list_head, KF_OFF_page_lru,
	};
	uint64_t node;
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kf_have(k, need[i]))
			return err_set(e, "walking the free lists needs %s(%s), which the kernel facts lack",
				       kf_kind_name(kf_table[need[i]].kind), kf_table[need[i]].key);
	for (node = 0; node < MAX_NODES; node++) {
		uint64_t pgdat, z;
		uint32_t nr_zones;

		if (node_pgdat(f, node, &pgdat, e) < 0)
			return -1;
		if (!pgdat) {
			if (!kf_have(k, KF_SYM_node_data) && !kf_have(k, KF_LEN_pgdat_list))
				break;
			continue;
		}
		if (kview_read_u32(f->kv, pgdat + (uint64_t)kf_val(k, KF_OFF_pglist_data_nr_zones),
				   &nr_zones, e) < 0)
			return -1;
		for (z = 0; z < nr_zones && z < 8; z++)
			if (zone_free_lists(f, pgdat + (uint64_t)kf_val(k, KF_OFF_pglist_data_node_zones) +
						   z * (uint64_t)kf_val(k, KF_SIZE_zone),
					    start, end, bm, e) < 0)
				return -1;
	}
	return 0;
}

int filter_window(struct filter *f, uint64_t start, uint64_t end, uint8_t *bm, struct err *e)
{
	uint64_t pfn = start;

	if (f->carry.end > start) {
		uint64_t to = f->carry.end < end ? f->carry.end : end;

		drop(f, start, bm, start, to, f->carry.cls);
		pfn = to;
		if (f->carry.end <= end)
			f->carry.end = 0;
	}
	if (f->rules.scan_memmap && scan_memmap(f, start, end, bm, pfn, e) < 0)
		return -1;
	if (f->rules.free_by_lists && exclude_free_lists(f, start, end, bm, e) < 0)
		return -1;
	return 0;
}
