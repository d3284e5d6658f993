/* scanpool.c - the mem_map scan of a window on several threads; see scanpool.h. */
#include "scanpool.h"
#include "bitmap.h"
#include "log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHUNKS 64

/* One thread's handles on the dump: the vmcore opened again and a filter over it. */
struct scan_stack {
	struct vmcore *vc;
	struct kview kv;
	struct memmap *mm;
	struct filter *f;
	struct dump_counts counts;
};

/* One helper thread's stack and its chunk of the window. */
struct helper {
	struct scan_stack s;
	pthread_t th;
	bool threaded;		/* th runs it (else it ran on the caller's thread) */
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
	bool unusable;		/* they could not be opened: one thread */
	uint64_t splits, rescans;
};

/* Can f's windows be built on more threads than the caller's? */
static bool threads_can_help(const struct filter *f, const struct memmap *mm, unsigned threads)
{
	return threads >= 2 && mm && filter_scans_by_pfn(f);
}

struct scanpool *scanpool_new(struct filter *f, struct kview *kv, struct memmap *mm,
			      unsigned threads)
{
	const char *knob = getenv("MAKEDUMPFILE_SCAN_CHUNK_PFNS");
	struct scanpool *p;

	if (!threads_can_help(f, mm, threads))
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

static int stack_open(struct scan_stack *s, struct filter *f, struct kview *kv,
		      struct memmap *mm, struct err *e)
{
	s->vc = vmcore_reopen(kv->vc, e);
	if (!s->vc)
		return -1;
	kview_clone(&s->kv, kv, s->vc);
	s->mm = memmap_clone(mm, &s->kv, e);
	if (!s->mm)
		return -1;
	s->f = filter_clone(f, &s->kv, s->mm, &s->counts, e);
	return s->f ? 0 : -1;
}

static void stack_close(struct scan_stack *s)
{
	filter_free(s->f);
	memmap_close(s->mm);
	vmcore_close(s->vc);
	memset(s, 0, sizeof(*s));
}

static void close_helpers(struct scanpool *p)
{
	unsigned i;

	for (i = 0; p->h && i < p->threads - 1; i++)
		stack_close(&p->h[i].s);
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

/* Open every helper's handles once; a pool that cannot is left unused. */
static bool helpers_ready(struct scanpool *p)
{
	struct err e = { 0 };
	unsigned i;

	if (p->h || p->unusable)
		return p->h != NULL;
	p->h = calloc(p->threads - 1, sizeof(*p->h));
	for (i = 0; p->h && i < p->threads - 1; i++)
		if (stack_open(&p->h[i].s, p->f, p->kv, p->mm, &e) < 0)
			break;
	if (!p->h || i < p->threads - 1) {
		log_debug("mem_map scan stays on one thread: %s\n", p->h ? e.msg : "out of memory");
		close_helpers(p);
		p->unusable = true;
		return false;
	}
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

/* A chunk's scan starts with no counts and no carry. */
static void begin_chunk(struct helper *h)
{
	memset(&h->s.counts, 0, sizeof(h->s.counts));
	filter_begin_pass(h->s.f, h->counting);
}

static void *run_helper(void *arg)
{
	struct helper *h = arg;

	begin_chunk(h);
	h->rc = filter_window(h->s.f, h->start, h->end, h->bm, &h->e);
	return NULL;
}

/* Chunk h again after the block that prev carries into it, as the one scan would. */
static int rescan_after_carry(struct helper *h, const struct filter *prev, struct err *e)
{
	begin_chunk(h);
	filter_take_carry(h->s.f, prev);
	if (vmcore_window_bits(h->s.vc, h->start, h->end, h->bm, true, e) < 0)
		return -1;
	return filter_window(h->s.f, h->start, h->end, h->bm, e);
}

/* Join the helpers, then take their chunks in pfn order. */
static int gather(struct scanpool *p, unsigned n, int rc0, struct err *e0, struct err *e)
{
	const struct filter *prev = p->f;
	unsigned i;
	int rc = 0;

	for (i = 0; i + 1 < n; i++)
		if (p->h[i].threaded)
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
			filter_absorb(p->f, h->s.f);
			prev = h->s.f;
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
	unsigned n, i;
	int rc;

	n = plan_chunks(p, start, end, bm, cut);
	if (n < 2 || !helpers_ready(p))
		return filter_window(p->f, start, end, bm, e);
	p->splits++;
	for (i = 0; i + 1 < n; i++) {
		struct helper *h = &p->h[i];

		h->start = cut[i + 1];
		h->end = cut[i + 2];
		h->bm = bm + (h->start - start) / 8;
		h->counting = filter_counting(p->f);
		/* A thread that will not start: its chunk, on its own handles, here. */
		h->threaded = pthread_create(&h->th, NULL, run_helper, h) == 0;
		if (!h->threaded)
			run_helper(h);
	}
	rc = filter_window(p->f, start, cut[1], bm, &e0);
	rc = gather(p, n, rc, &e0, e);
	/* Idle until the next window: their mapped pages would count in RSS meanwhile. */
	for (i = 0; i + 1 < n; i++)
		vmcore_drop_windows(p->h[i].s.vc);
	return rc;
}

/* ---- the page pass of a stream: the next window built ahead ------------ */

struct scanahead {
	struct scan_stack s;	/* the run's filter's role, on its own handles */
	struct scanpool *pool;	/* its chunks, when a window is large */
	uint8_t *buf;		/* the window built ahead */
	size_t cap;
	pthread_t th;
	bool running;
	uint64_t start, end;	/* of the window in buf */
	int rc;
	struct err e;
	uint64_t ahead;		/* windows served from buf */
};

struct scanahead *scanahead_new(struct filter *f, struct kview *kv, struct memmap *mm,
				unsigned threads)
{
	struct scanahead *a;
	struct err e = { 0 };

	if (!threads_can_help(f, mm, threads))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	if (stack_open(&a->s, f, kv, mm, &e) < 0) {
		log_debug("2nd bitmap: the page pass builds each window in turn: %s\n", e.msg);
		stack_close(&a->s);
		free(a);
		return NULL;
	}
	filter_begin_pass(a->s.f, false);
	a->pool = scanpool_new(a->s.f, &a->s.kv, a->s.mm, threads);
	return a;
}

static void wait_ahead(struct scanahead *a)
{
	if (a->running)
		pthread_join(a->th, NULL);
	a->running = false;
}

void scanahead_free(struct scanahead *a)
{
	if (!a)
		return;
	wait_ahead(a);
	if (a->ahead)
		log_debug("2nd bitmap: %llu window(s) built ahead while the pages before them were written\n",
			  (unsigned long long)a->ahead);
	scanpool_free(a->pool);
	stack_close(&a->s);
	free(a->buf);
	free(a);
}

static int build(struct scanahead *a, uint64_t start, uint64_t end, uint8_t *bm, struct err *e)
{
	int rc = vmcore_window_bits(a->s.vc, start, end, bm, true, e);

	if (rc == 0)
		rc = a->pool ? scanpool_window(a->pool, start, end, bm, e)
			     : filter_window(a->s.f, start, end, bm, e);
	vmcore_drop_windows(a->s.vc);	/* idle until the next window */
	return rc;
}

static void *run_ahead(void *arg)
{
	struct scanahead *a = arg;

	a->rc = build(a, a->start, a->end, a->buf, &a->e);
	return NULL;
}

/* Build [start, end) on the look-ahead thread (nothing when no thread starts). */
static void start_ahead(struct scanahead *a, uint64_t start, uint64_t end)
{
	size_t len = (size_t)((end - start + 7) / 8);

	if (len > a->cap) {
		uint8_t *b = realloc(a->buf, len);

		if (!b)
			return;
		a->buf = b;
		a->cap = len;
	}
	a->start = start;
	a->end = end;
	a->running = pthread_create(&a->th, NULL, run_ahead, a) == 0;
}

int scanahead_window(struct scanahead *a, uint64_t start, uint64_t end, uint8_t *bm,
		     uint64_t next_end, struct err *e)
{
	bool have = a->running && a->start == start && a->end == end;

	wait_ahead(a);
	if (have) {
		if (a->rc < 0) {
			*e = a->e;
			return -1;
		}
		memcpy(bm, a->buf, (size_t)((end - start + 7) / 8));
		a->ahead++;
	} else if (build(a, start, end, bm, e) < 0) {
		return -1;
	}
	if (next_end > end)
		start_ahead(a, end, next_end);
	return 0;
}
