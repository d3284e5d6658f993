/* scanpool.c - the mem_map scan of a window on several threads; see scanpool.h. */
#include "scanpool.h"
#include "bitmap.h"
#include "log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHUNKS 64

/* One helper thread's handles on the dump and its chunk of the window. */
struct helper {
	struct vmcore *vc;
	struct kview kv;
	struct memmap *mm;
	struct filter *f;
	struct dump_counts counts;
	pthread_t th;
	uint64_t start, end;
	uint8_t *bm;		/* the chunk's first byte of the window's bitmap */
	bool counting;
	int rc;
	struct err e;
};

struct scanpool {
	struct filter *f;	/* the run's: the first chunk, and the sums */
	struct kview *kv;
	struct memmap *mm;
	unsigned threads;
	uint64_t align;		/* SCAN_CHUNK_ALIGN, or the tests' knob */
	struct helper *h;	/* threads - 1, once opened */
	bool opened, unusable;
	uint64_t splits, rescans;
};

struct scanpool *scanpool_new(struct filter *f, struct kview *kv, struct memmap *mm,
			      unsigned threads)
{
	const char *knob = getenv("MAKEDUMPFILE_SCAN_CHUNK_PFNS");
	struct scanpool *p;

	if (threads < 2 || !mm || !filter_scans_by_pfn(f))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;	/* one thread, as without a pool */
	p->f = f;
	p->kv = kv;
	p->mm = mm;
	p->threads = threads < MAX_CHUNKS ? threads : MAX_CHUNKS;
	p->align = SCAN_CHUNK_ALIGN;
	/* The tests cut small windows at small multiples, through blocks. */
	if (knob && strtoull(knob, NULL, 0) >= 8)
		p->align = strtoull(knob, NULL, 0) & ~(uint64_t)7;
	return p;
}

static void close_helpers(struct scanpool *p)
{
	unsigned i;

	for (i = 0; p->h && i < p->threads - 1; i++) {
		filter_free(p->h[i].f);
		memmap_close(p->h[i].mm);
		vmcore_close(p->h[i].vc);
	}
	free(p->h);
	p->h = NULL;
}

void scanpool_free(struct scanpool *p)
{
	if (!p)
		return;
	if (p->splits)
		log_debug("mem_map scan: %llu window(s) split over %u threads, %llu chunk(s) scanned again after a block ran into them\n",
			  (unsigned long long)p->splits, p->threads, (unsigned long long)p->rescans);
	close_helpers(p);
	free(p);
}

static int open_helper(struct scanpool *p, struct helper *h, struct err *e)
{
	h->vc = vmcore_reopen(p->kv->vc, e);
	if (!h->vc)
		return -1;
	kview_clone(&h->kv, p->kv, h->vc);
	h->mm = memmap_clone(p->mm, &h->kv, e);
	if (!h->mm)
		return -1;
	h->f = filter_clone(p->f, &h->kv, h->mm, &h->counts, e);
	return h->f ? 0 : -1;
}

/* Open every helper's handles once; a pool that cannot is left unused. */
static bool helpers_ready(struct scanpool *p)
{
	struct err e = { 0 };
	unsigned i;

	if (p->opened || p->unusable)
		return p->opened;
	p->h = calloc(p->threads - 1, sizeof(*p->h));
	for (i = 0; p->h && i < p->threads - 1; i++)
		if (open_helper(p, &p->h[i], &e) < 0)
			break;
	if (!p->h || i < p->threads - 1) {
		log_debug("mem_map scan stays on one thread: %s\n", p->h ? e.msg : "out of memory");
		close_helpers(p);
		p->unusable = true;
		return false;
	}
	p->opened = true;
	return true;
}

/*
 * Cut [start, end) at aligned pfns into at most p->threads chunks of about
 * equal present pages; cut[0] = start, cut[n] = end.  Returns n, 1 when
 * the window is not worth splitting.
 */
static unsigned plan_chunks(const struct scanpool *p, uint64_t start, uint64_t end,
			    const uint8_t *bm, uint64_t *cut)
{
	uint64_t total = bm_count_range(bm, 0, end - start), acc = 0, lo = start, b;
	unsigned n = 1;

	cut[0] = start;
	/* Below two chunks' worth of present pages a window stays on one thread. */
	if (total >= 2 * p->align)
		for (b = (start / p->align + 1) * p->align; b < end && n < p->threads;
		     lo = b, b += p->align) {
			acc += bm_count_range(bm, lo - start, b - start);
			if (acc * p->threads >= total * n)
				cut[n++] = b;
		}
	cut[n] = end;
	return n;
}

static void *run_helper(void *arg)
{
	struct helper *h = arg;

	memset(&h->counts, 0, sizeof(h->counts));
	filter_begin_pass(h->f, h->counting);
	h->rc = filter_window(h->f, h->start, h->end, h->bm, &h->e);
	return NULL;
}

/* Chunk h again after the block that prev carries into it, as the one scan would. */
static int rescan_after_carry(struct helper *h, const struct filter *prev, struct err *e)
{
	memset(&h->counts, 0, sizeof(h->counts));
	filter_begin_pass(h->f, h->counting);
	filter_take_carry(h->f, prev);
	if (vmcore_window_bits(h->vc, h->start, h->end, h->bm, true, e) < 0)
		return -1;
	return filter_window(h->f, h->start, h->end, h->bm, e);
}

/* Join the helpers, then take their chunks in pfn order. */
static int gather(struct scanpool *p, unsigned n, int rc0, struct err *e0, struct err *e)
{
	const struct filter *prev = p->f;
	unsigned i;
	int rc = 0;

	for (i = 0; i + 1 < n; i++)
		pthread_join(p->h[i].th, NULL);
	if (rc0 < 0) {
		*e = *e0;
		return -1;
	}
	for (i = 0; i + 1 < n && rc == 0; i++) {
		struct helper *h = &p->h[i];

		if (filter_carries_past(prev, h->start)) {
			p->rescans++;
			rc = rescan_after_carry(h, prev, e);
		} else if (h->rc < 0) {
			*e = h->e;
			rc = -1;
		}
		if (rc == 0) {
			filter_absorb(p->f, h->f);
			prev = h->f;
		}
	}
	if (rc == 0)
		filter_take_carry(p->f, prev);
	return rc;
}

int scanpool_window(struct scanpool *p, uint64_t start, uint64_t end, uint8_t *bm,
		    struct err *e)
{
	uint64_t cut[MAX_CHUNKS + 1];
	struct err e0 = { 0 };
	unsigned n, i, started;
	int rc0;

	n = plan_chunks(p, start, end, bm, cut);
	if (n < 2 || !helpers_ready(p))
		return filter_window(p->f, start, end, bm, e);
	p->splits++;
	for (started = 0; started + 1 < n; started++) {
		struct helper *h = &p->h[started];

		h->start = cut[started + 1];
		h->end = cut[started + 2];
		h->bm = bm + (h->start - start) / 8;
		h->counting = filter_counting(p->f);
		h->rc = 0;
		if (pthread_create(&h->th, NULL, run_helper, h) != 0)
			break;
	}
	if (started + 1 < n) {	/* a thread would not start: the window on this one */
		for (i = 0; i < started; i++)
			pthread_join(p->h[i].th, NULL);
		if (started && vmcore_window_bits(p->kv->vc, cut[1], end, bm + (cut[1] - start) / 8,
						  true, e) < 0)
			return -1;
		return filter_window(p->f, start, end, bm, e);
	}
	rc0 = filter_window(p->f, start, cut[1], bm, &e0);
	return gather(p, n, rc0, &e0, e);
}
