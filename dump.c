/* dump.c - the run: filter pass, kept 2nd bitmap, page walks; see dump.h. */
#include "dump.h"
#include "bitmap.h"
#include "bytes.h"
#include "log.h"
#include "memmap.h"
#include "page.h"
#include "window.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dump_run_open(struct dump_run *r, const struct dump_plan *plan, struct kernel *kn,
		  struct sink *sink, struct dump_counts *counts, struct err *e)
{
	size_t cap = window_bytes(0, plan->window_pfns);

	memset(r, 0, sizeof(*r));
	r->plan = plan;
	r->kn = kn;
	r->sink = sink;
	r->counts = counts;
	r->part_end = plan->max_mapnr;
	r->wbm = malloc(cap);
	if (!r->wbm)
		return err_set(e, "out of memory for a %zu-byte bitmap window", cap);
	r->filter = filter_new(&kn->kv, kn->mm, plan->dump_level, counts, e);
	if (!r->filter) {
		free(r->wbm);
		r->wbm = NULL;
		return -1;
	}
	r->scan = scanpool_new(r->filter, &kn->kv, kn->mm, plan->num_threads);
	return 0;
}

void dump_run_close(struct dump_run *r)
{
	bm2_close(r->bm2);
	r->bm2 = NULL;
	scanahead_free(r->ahead);
	r->ahead = NULL;
	scanpool_free(r->scan);
	r->scan = NULL;
	filter_free(r->filter);
	r->filter = NULL;
	free(r->wbm);
	r->wbm = NULL;
	free(r->unreadable);
	r->unreadable = NULL;
	r->nunreadable = r->unreadable_cap = 0;
}

/* Clear the bits of the pages known unreadable in window [start, end). */
static void clear_known_unreadable(const struct dump_run *r, uint64_t start, uint64_t end,
				  uint8_t *bm)
{
	size_t i;

	for (i = 0; i < r->nunreadable && r->unreadable[i] < end; i++)
		if (r->unreadable[i] >= start)
			bm_clear(bm, r->unreadable[i] - start);
}

/*
 * What a kept page's bytes say, where the bitmap must know before the
 * pages are written: zero pages leave it (ELF at -d 1, --mem-usage), and
 * so do pages that cannot be read when a stream sends its bitmap first.
 * The counting pass reads each kept page once; a rebuild that needs only
 * the unreadable ones takes them from the list.
 */
static int judge_page_bytes(struct dump_run *r, uint64_t start, uint64_t end, uint8_t *bm,
			    bool count, struct err *e)
{
	const struct dump_plan *p = r->plan;
	uint64_t i;

	if (!count && !p->exclude_zero_in_bitmap) {
		clear_known_unreadable(r, start, end, bm);
		return 0;
	}
	for (i = bm_next_set(bm, 0, end - start); i < end - start;
	     i = bm_next_set(bm, i + 1, end - start)) {
		struct err why = { 0 };
		const uint8_t *page = vmcore_page(r->kn->vc, start + i, &why);

		if (!page) {
			if (why.code != ERR_UNREADABLE) {
				*e = why;
				return -1;
			}
			if (count && dump_note_unreadable(r, start + i, &why, e) < 0)
				return -1;
			/* else the ELF writer leaves it out, ending a PT_LOAD there */
			if (p->unreadable_in_bitmap)
				bm_clear(bm, i);
		} else if (p->exclude_zero_in_bitmap && vmcore_page_is_zero(r->kn->vc, page) &&
			   !(r->filter && filter_keeps(r->filter, start + i))) {
			bm_clear(bm, i);
			if (count)
				r->counts->zero++;
		}
	}
	return 0;
}

static int judge_window(struct dump_run *r, uint64_t start, uint64_t end, uint8_t *bm,
			bool count, struct err *e)
{
	if (r->plan->exclude_zero_in_bitmap || r->plan->unreadable_in_bitmap)
		return judge_page_bytes(r, start, end, bm, count, e);
	return 0;
}

/* The 2nd bitmap of one window, from the dump and the filter. */
static int build_window(struct dump_run *r, uint64_t start, uint64_t end, uint8_t *bm,
			bool count, struct err *e)
{
	if (vmcore_window_bits(r->kn->vc, start, end, bm, true, e) < 0 ||
	    (r->scan ? scanpool_window(r->scan, start, end, bm, e)
		     : filter_window(r->filter, start, end, bm, e)) < 0)
		return -1;
	return judge_window(r, start, end, bm, count, e);
}

/*
 * BM2_REBUILD: the page pass builds each window again, counting nothing;
 * with threads, the next window is built ahead meanwhile.  What the page
 * bytes say stays on this thread: it reads pages and the unreadable list.
 */
static int rebuild_window(void *ctx, uint64_t start, uint64_t end, uint8_t *bm, struct err *e)
{
	struct dump_run *r = ctx;
	const struct dump_plan *p = r->plan;
	uint64_t next_start, next_end = end;

	if (!r->ahead)
		return build_window(r, start, end, bm, false, e);
	if (end < r->part_end && end < p->max_mapnr)
		window_at(p->window_pfns, p->max_mapnr, end, &next_start, &next_end);
	if (scanahead_window(r->ahead, start, end, bm, next_end, e) < 0)
		return -1;
	return judge_window(r, start, end, bm, false, e);
}

int dump_open_bitmap(struct dump_run *r, enum bm2_home home, uint64_t out_off, struct err *e)
{
	struct bm2_store_args a = {
		.home = home, .plan = r->plan, .out = r->sink, .out_off = out_off,
		.defer_publish = r->plan->exclude_vmemmap,
		.rebuild = rebuild_window, .ctx = r,
	};

	r->bm2 = bm2_open(&a, e);
	if (!r->bm2)
		return -1;
	/* Windows rebuilt in the page pass: the store keeps a single window instead */
	if (home == BM2_REBUILD && r->plan->max_mapnr > r->plan->window_pfns)
		r->ahead = scanahead_new(r->filter, &r->kn->kv, r->kn->mm, r->plan->num_threads);
	return 0;
}

/* The part of window [start, end) this output holds, as bit indexes [*a, *b) of its bitmap. */
static void part_bits(const struct dump_run *r, uint64_t start, uint64_t end, uint64_t *a,
		      uint64_t *b)
{
	uint64_t lo = r->part_start > start ? r->part_start : start;
	uint64_t hi = r->part_end < end ? r->part_end : end;

	*a = lo - start;
	*b = lo < hi ? hi - start : *a;
}

static uint64_t count_in_part(const struct dump_run *r, uint64_t start, uint64_t end,
			      const uint8_t *bm)
{
	uint64_t a, b;

	part_bits(r, start, end, &a, &b);
	return bm_count_range(bm, a, b);
}

static int exclude_vmemmap(struct dump_run *r, struct err *e);

int dump_filter_pass(struct dump_run *r, uint64_t bm1_off, struct err *e)
{
	const struct dump_plan *p = r->plan;
	struct window_iter it;
	struct progress pr;

	r->num_dumpable = 0;
	filter_begin_pass(r->filter, true);
	progress_begin(&pr, "Excluding unnecessary pages", p->max_mapnr);
	window_begin(&it, p->window_pfns, p->max_mapnr, 0, p->max_mapnr);
	while (window_next(&it)) {
		if (bm1_off != BM2_NO_OFFSET &&
		    (vmcore_window_bits(r->kn->vc, it.start, it.end, r->wbm, false, e) < 0 ||
		     sink_write(r->sink, bm1_off + it.start / 8, r->wbm,
				window_bytes(it.start, it.end), e) < 0))
			return -1;
		if (build_window(r, it.start, it.end, r->wbm, true, e) < 0 ||
		    bm2_put(r->bm2, it.start, it.end, r->wbm, e) < 0)
			return -1;
		r->num_dumpable += count_in_part(r, it.start, it.end, r->wbm);
		progress_update(&pr, it.end);
	}
	filter_end_pass(r->filter);
	progress_end(&pr);
	filter_begin_pass(r->filter, false);	/* a rebuild in the page pass counts nothing */
	if (p->exclude_vmemmap)
		return exclude_vmemmap(r, e) < 0 ? -1 : bm2_publish(r->bm2, r->wbm, e);
	return 0;
}

/*
 * -e: the struct pages of [first, sec_end) are at map + (pfn - first) *
 * size.  A page of them whose every struct page describes an excluded pfn
 * of this window is itself excluded.
 */
static int vmemmap_run(struct dump_run *r, uint64_t start, uint64_t end, uint64_t first,
		       uint64_t sec_end, uint64_t map, uint64_t *cleared, struct err *e)
{
	struct kview *kv = &r->kn->kv;
	uint64_t ps = kv->page_size, size = (uint64_t)kf_val(&kv->k, KF_SIZE_page);
	uint64_t lo = start > first ? start : first, hi = end < sec_end ? end : sec_end;
	uint64_t va = (map + (lo - first) * size + ps - 1) & ~(ps - 1);

	for (; va + ps <= map + (hi - first) * size; va += ps) {
		uint64_t p0 = first + (va - map) / size, p1 = first + (va + ps - 1 - map) / size;
		uint64_t pa;
		int rc;

		if (p0 < start || p1 >= end || bm_count_range(r->wbm, p0 - start, p1 + 1 - start))
			continue;
		if (kview_vtop(kv, va, &pa, NULL, e) < 0)
			return -1;
		rc = bm2_clear(r->bm2, pa / ps, e);
		if (rc < 0)
			return -1;
		*cleared += (uint64_t)rc;
	}
	return 0;
}

static int exclude_vmemmap(struct dump_run *r, struct err *e)
{
	const struct dump_plan *p = r->plan;
	struct window_iter it;
	uint64_t cleared = 0;

	window_begin(&it, p->window_pfns, p->max_mapnr, 0, p->max_mapnr);
	while (window_next(&it)) {
		uint64_t pfn = it.start;

		if (bm2_get(r->bm2, it.start, it.end, r->wbm, e) < 0)
			return -1;
		while (pfn < it.end) {
			uint64_t first, sec_end, map;

			if (memmap_lookup(r->kn->mm, pfn, &first, &sec_end, &map, e) < 0)
				return -1;
			if (sec_end <= pfn)
				break;
			if (map && vmemmap_run(r, it.start, it.end, first, sec_end, map, &cleared, e) < 0)
				return -1;
			pfn = sec_end;
		}
	}
	log_debug("-e: %llu pages of struct pages left out\n", (unsigned long long)cleared);
	r->num_dumpable -= cleared;
	return 0;
}

int dump_each_kept_page(struct dump_run *r, dump_page_fn fn, void *ctx, struct err *e)
{
	const struct dump_plan *p = r->plan;
	struct window_iter it;

	window_begin(&it, p->window_pfns, p->max_mapnr, r->part_start, r->part_end);
	while (window_next(&it)) {
		uint64_t a, b, i;

		part_bits(r, it.start, it.end, &a, &b);
		if (bm2_get(r->bm2, it.start, it.end, r->wbm, e) < 0)
			return -1;
		for (i = bm_next_set(r->wbm, a, b); i < b; i = bm_next_set(r->wbm, i + 1, b))
			if (fn(ctx, it.start + i, e) < 0)
				return -1;
	}
	return 0;
}

int dump_note_unreadable(struct dump_run *r, uint64_t pfn, const struct err *why, struct err *e)
{
	size_t at = r->nunreadable;

	while (at && r->unreadable[at - 1] > pfn)	/* noted in pfn order but for ELF gaps */
		at--;
	if (at && r->unreadable[at - 1] == pfn)
		return 0;
	if (r->nunreadable == DUMP_MAX_UNREADABLE)
		return err_set(e, "%s: more than %u pages cannot be read", vmcore_path(r->kn->vc),
			       DUMP_MAX_UNREADABLE);
	if (r->nunreadable == r->unreadable_cap) {
		size_t cap = r->unreadable_cap ? 2 * r->unreadable_cap : 64;
		uint64_t *n = realloc(r->unreadable, cap * sizeof(*n));

		if (!n)
			return err_set(e, "out of memory");
		r->unreadable = n;
		r->unreadable_cap = cap;
	}
	if (at == 0)	/* the warning names the lowest pfn and its reason */
		snprintf(r->unreadable_why, sizeof(r->unreadable_why), "%s", why->msg);
	memmove(r->unreadable + at + 1, r->unreadable + at, (r->nunreadable - at) * sizeof(*r->unreadable));
	r->unreadable[at] = pfn;
	r->nunreadable++;
	return 0;
}

bool dump_known_unreadable(const struct dump_run *r, uint64_t pfn)
{
	size_t lo = 0, hi = r->nunreadable;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->unreadable[mid] == pfn)
			return true;
		if (r->unreadable[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int dump_skip_unreadable(struct dump_run *r, uint64_t pfn, struct err *e)
{
	struct err why = { 0 };

	/* A stream's bitmap went out before its pages: it cannot lose one now. */
	if (e->code != ERR_UNREADABLE || !sink_rewritable(r->sink) || bm2_clear(r->bm2, pfn, &why) < 0)
		return -1;
	why = *e;
	*e = (struct err){ 0 };
	return dump_note_unreadable(r, pfn, &why, e);
}

void dump_warn_unreadable(const struct dump_run *r)
{
	if (r->nunreadable)
		log_msg("WARNING: %zu page(s) could not be read and are not in the dump (first: pfn=0x%" PRIx64 "; %s).\n",
			r->nunreadable, r->unreadable[0], r->unreadable_why);
}

int dump_is_kept(struct dump_run *r, uint64_t pfn, bool *yes, struct err *e)
{
	const struct dump_plan *p = r->plan;

	if (pfn >= p->max_mapnr) {
		*yes = false;
		return 0;
	}
	if (pfn < r->wbm_start || pfn >= r->wbm_end) {
		window_at(p->window_pfns, p->max_mapnr, pfn, &r->wbm_start, &r->wbm_end);
		if (bm2_get(r->bm2, r->wbm_start, r->wbm_end, r->wbm, e) < 0) {
			r->wbm_start = r->wbm_end = 0;
			return -1;
		}
	}
	*yes = bm_test(r->wbm, pfn - r->wbm_start);
	return 0;
}

/* Clear every set bit of bm[from, to) after the first *keep; *keep counts down. */
static bool keep_first(uint8_t *bm, uint64_t from, uint64_t to, uint64_t *keep)
{
	uint64_t i;
	bool changed = false;

	for (i = bm_next_set(bm, from, to); i < to; i = bm_next_set(bm, i + 1, to)) {
		if (*keep) {
			(*keep)--;
			continue;
		}
		bm_clear(bm, i);
		changed = true;
	}
	return changed;
}

int dump_keep_only_saved(struct dump_run *r, uint64_t saved, uint64_t out_off, struct err *e)
{
	const struct dump_plan *p = r->plan;
	struct window_iter it;

	window_begin(&it, p->window_pfns, p->max_mapnr, r->part_start, r->part_end);
	while (window_next(&it)) {
		uint64_t a, b;

		part_bits(r, it.start, it.end, &a, &b);
		if (bm2_get(r->bm2, it.start, it.end, r->wbm, e) < 0)
			return -1;
		if (keep_first(r->wbm, a, b, &saved) &&
		    sink_write(r->sink, out_off + it.start / 8, r->wbm,
			       window_bytes(it.start, it.end), e) < 0)
			return -1;
	}
	return 0;
}
