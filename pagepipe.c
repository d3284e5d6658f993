/* pagepipe.c - zero test and compression, in order, on 1..N threads; see pagepipe.h. */
#include "pagepipe.h"
#include "log.h"
#include "page.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Pages per thread in one batch: enough to amortise the hand-over. */
#define PAGES_PER_THREAD 64
/* Slots a thread takes from a batch at a time. */
#define SLOTS_PER_GRAB 4
/* Fewer pages to compress than this in a batch: not worth waking the workers. */
#define MIN_PAGES_FOR_WORKERS 32
/*
 * A thread out of work watches this long for the next hand-over (or the
 * last slots of a batch) before it sleeps: the other thread is usually a
 * few pages from it, and a sleep and wake-up (dearest in a VM, where an
 * idle CPU halts) cost more than the wait.  Only when every thread has a
 * CPU of its own.
 */
#define SPIN_NS 100000

struct slot {
	uint64_t pfn;
	const uint8_t *in;	/* the page: the caller's (held, or one thread), or own */
	uint8_t *own, *out;
	int held;		/* the hold's handle, -1 when none */
	long clen;		/* compressed length, 0 = store raw */
	bool zero;
	bool test;		/* zero not known yet: the compressing thread tests it */
	int failed;
	struct err err;
};

/*
 * With threads, two batches take turns: while the workers compress one,
 * the caller fills the other; then it helps with what is left of the
 * first and waits for it, hands the second over, and emits the first in
 * order while the workers compress the second.  Reading and emitting
 * thus overlap compression instead of stopping it.
 */
struct batch {
	struct slot *slots;
	unsigned used;		/* filled by the caller */
	unsigned to_compress;	/* of those, not known to be zero pages */
	unsigned count;		/* handed to the workers (under lock) */
	unsigned next, done;	/* slots taken, slots finished (under lock; done also read atomically) */
};

struct pagepipe {
	enum codec_id codec;
	unsigned page_size;
	bool test_zero;
	unsigned threads;
	bool batched;		/* more than one thread asked for: pages go into batches */
	pagepipe_emit_fn emit;
	void *ctx;
	struct pagepipe_hold hold;	/* hold.hold NULL: always copy */
	uint64_t held, copied;		/* pages batches used in place or copied, for -D */
	/*
	 * The last batch emitted was mostly zero pages: the caller tests the
	 * next ones itself, so that such batches stay off the workers (a
	 * hand-over per batch of zeros costs more than the tests it shares).
	 */
	bool zeros_mostly;

	struct codec **codecs;	/* one per thread */
	unsigned ncodecs;
	unsigned nslots;	/* per batch */
	struct batch batches[2];
	struct batch *filling;	/* the caller's */
	struct batch *busy;	/* the workers', or NULL (under lock) */

	pthread_t *workers;	/* threads - 1 helpers; the caller is thread 0 */
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	bool quit;
	unsigned handovers;	/* batches handed over (under lock; also read atomically) */
	long spin_ns;		/* SPIN_NS, or 0 when threads share CPUs */
	/*
	 * The caller had to wait for the last batch it found busy: the workers
	 * are the bottleneck, and one out of work spins for the next batch
	 * rather than sleep.  Else the caller is, and a spin only burns CPU:
	 * a worker sleeps until the hand-over wakes it.
	 */
	bool workers_behind;
};

struct page_job {
	struct pagepipe *pp;
	struct slot *s;
	unsigned tid;
	const uint8_t *page;	/* take_page: the caller's page */
	bool known_zero;
};

/* The caller's page is read under its guard, when it gave one: it may fault. */
static int guarded(struct pagepipe *pp, void (*fn)(void *), void *job, struct err *e)
{
	if (!pp->hold.guard) {
		fn(job);
		return 0;
	}
	return pp->hold.guard(pp->hold.ctx, fn, job, e);
}

static void compress_now(void *arg)
{
	struct page_job *job = arg;
	struct pagepipe *pp = job->pp;
	struct slot *s = job->s;

	if (s->test) {
		s->test = false;
		s->zero = page_is_zero(s->in, pp->page_size);
	}
	if (s->zero || pp->codec == CODEC_NONE)
		return;
	s->clen = codec_compress(pp->codecs[job->tid], s->in, pp->page_size, s->out, &s->err);
	if (s->clen < 0)
		s->failed = 1;
}

static void compress_slot(struct pagepipe *pp, struct slot *s, unsigned tid)
{
	struct page_job job = { .pp = pp, .s = s, .tid = tid };

	s->failed = 0;
	s->clen = 0;
	if (s->zero || (pp->codec == CODEC_NONE && !s->test))
		return;
	if (s->in == s->own)
		compress_now(&job);
	else if (guarded(pp, compress_now, &job, &s->err) < 0)
		s->failed = 1;
}

/*
 * Compress slots of the busy batch until none is left to take; called and
 * returns with the lock held.  Returns whether it found any.
 */
static bool work_on_busy(struct pagepipe *pp, unsigned tid)
{
	struct batch *b = pp->busy;
	bool worked = false;

	while (b && b->next < b->count) {
		unsigned from = b->next, left = b->count - from, i, to;
		/* Near the end a page at a time, so that the threads finish together */
		unsigned grab = left < 2 * SLOTS_PER_GRAB * pp->threads ? 1 : SLOTS_PER_GRAB;

		to = from + (grab < left ? grab : left);
		b->next = to;
		pthread_mutex_unlock(&pp->lock);
		for (i = from; i < to; i++)
			compress_slot(pp, &b->slots[i], tid);
		pthread_mutex_lock(&pp->lock);
		if (__atomic_add_fetch(&b->done, to - from, __ATOMIC_RELEASE) == b->count)
			pthread_cond_signal(&pp->done);
		worked = true;
	}
	return worked;
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/*
 * Called and returns with the lock held: watch *word (without the lock)
 * for up to spin_ns while it equals was; returns when it changed.
 */
static void spin_while(struct pagepipe *pp, const unsigned *word, unsigned was)
{
	long until;
	unsigned i;

	if (!pp->spin_ns)
		return;
	pthread_mutex_unlock(&pp->lock);
	until = now_ns() + pp->spin_ns;
	for (i = 1; __atomic_load_n(word, __ATOMIC_ACQUIRE) == was; i++)
		if (i % 64 == 0 && now_ns() > until)
			break;
	pthread_mutex_lock(&pp->lock);
}

struct worker_arg { struct pagepipe *pp; unsigned tid; };

static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	struct pagepipe *pp = a->pp;
	unsigned tid = a->tid;

	free(a);
	pthread_mutex_lock(&pp->lock);
	while (!pp->quit) {
		unsigned seen = pp->handovers;

		if (work_on_busy(pp, tid))
			continue;
		if (pp->workers_behind)
			spin_while(pp, &pp->handovers, seen);
		/* Still nothing new (checked under the lock): sleep until a hand-over. */
		if (pp->handovers == seen && !pp->quit)
			pthread_cond_wait(&pp->go, &pp->lock);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

static void free_slots(struct batch *b, unsigned n, bool copy)
{
	unsigned i;

	if (!b->slots)
		return;
	for (i = 0; i < n; i++) {
		if (copy)
			free(b->slots[i].own);
		free(b->slots[i].out);
	}
	free(b->slots);
	b->slots = NULL;
}

/* One batch of n slots; with copy, each holds its own copy of the page. */
static int alloc_slots(struct batch *b, unsigned n, unsigned page_size, size_t bound, bool copy)
{
	unsigned i;

	b->slots = calloc(n, sizeof(*b->slots));
	if (!b->slots)
		return -1;
	for (i = 0; i < n; i++) {
		b->slots[i].held = -1;
		b->slots[i].own = copy ? malloc(page_size) : NULL;
		b->slots[i].out = malloc(bound);
		if ((copy && !b->slots[i].own) || !b->slots[i].out)
			return -1;
	}
	return 0;
}

static void start_workers(struct pagepipe *pp)
{
	unsigned i;

	pp->workers = calloc(pp->threads - 1, sizeof(*pp->workers));
	if (!pp->workers) {
		pp->threads = 1;
		return;
	}
	for (i = 1; i < pp->threads; i++) {
		struct worker_arg *a = malloc(sizeof(*a));

		if (a) {
			a->pp = pp;
			a->tid = i;
		}
		if (!a || pthread_create(&pp->workers[i - 1], NULL, worker_main, a) != 0) {
			free(a);
			pp->threads = i;	/* run with what started */
			break;
		}
	}
}

struct pagepipe *pagepipe_new(enum codec_id codec, unsigned page_size, bool test_zero,
			      unsigned threads, const struct pagepipe_hold *hold,
			      pagepipe_emit_fn emit, void *ctx, struct err *e)
{
	struct pagepipe *pp = calloc(1, sizeof(*pp));
	unsigned i;

	if (!pp) {
		err_set(e, "out of memory");
		return NULL;
	}
	pp->codec = codec;
	pp->page_size = page_size;
	pp->test_zero = test_zero;
	pp->threads = threads ? threads : 1;
	pp->emit = emit;
	pp->ctx = ctx;
	if (hold)
		pp->hold = *hold;
	pp->nslots = pp->threads == 1 ? 1 : pp->threads * PAGES_PER_THREAD;
	pp->batched = pp->threads > 1;
	pp->spin_ns = pp->threads <= sysconf(_SC_NPROCESSORS_ONLN) ? SPIN_NS : 0;
	pthread_mutex_init(&pp->lock, NULL);
	pthread_cond_init(&pp->go, NULL);
	pthread_cond_init(&pp->done, NULL);
	pp->codecs = calloc(pp->threads, sizeof(*pp->codecs));
	if (!pp->codecs)
		goto oom;
	for (i = 0; i < pp->threads; i++) {
		pp->codecs[i] = codec_new(codec, page_size, e);
		if (!pp->codecs[i])
			goto fail;
		pp->ncodecs++;
	}
	for (i = 0; i < (pp->batched ? 2u : 1u); i++)
		if (alloc_slots(&pp->batches[i], pp->nslots, page_size, codec_bound(pp->codecs[0]),
				pp->batched) < 0)
			goto oom;
	pp->filling = &pp->batches[0];
	/* The slots' copies are made before the threads exist, which use them later. */
	if (pp->threads > 1)
		start_workers(pp);
	return pp;
oom:
	err_set(e, "out of memory for %u compression thread(s)", pp->threads);
fail:
	pagepipe_free(pp);
	return NULL;
}

static void release_slots(struct pagepipe *pp, struct batch *b, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && pp->hold.release; i++)
		if (b->slots[i].held >= 0) {
			pp->hold.release(pp->hold.ctx, b->slots[i].held);
			b->slots[i].held = -1;
		}
}

struct emit_job {
	struct pagepipe *pp;
	struct batch *b;
	unsigned n, zeros;
	struct err *e;
	int rc;
};

/* Hand slots [0, n) of the batch to emit, in order, until one fails. */
static void emit_slots(void *arg)
{
	struct emit_job *job = arg;
	struct pagepipe *pp = job->pp;
	unsigned i;

	for (i = 0; i < job->n && !job->rc; i++) {
		struct slot *s = &job->b->slots[i];
		struct stored_page sp = { .pfn = s->pfn, .zero = s->zero };

		job->zeros += s->zero;
		if (s->failed) {
			*job->e = s->err;
			job->rc = -1;
			break;
		}
		if (s->clen > 0) {
			sp.data = s->out;
			sp.size = (uint32_t)s->clen;
			sp.flags = codec_dump_flag(pp->codec);
		} else {
			sp.data = s->in;
			sp.size = pp->page_size;
		}
		job->rc = pp->emit(pp->ctx, &sp, job->e);
	}
}

/*
 * Emit b's slots and let its held pages go.  Under the input's guard: a
 * page stored raw is read where the caller held it, and the file may have
 * been cut short since it was compressed.
 */
static int emit_batch(struct pagepipe *pp, struct batch *b, struct err *e)
{
	struct emit_job job = { .pp = pp, .b = b, .n = b->used, .e = e };
	int rc;

	b->used = 0;
	rc = guarded(pp, emit_slots, &job, e) < 0 ? -1 : job.rc;
	pp->zeros_mostly = 2 * job.zeros > job.n;
	release_slots(pp, b, job.n);
	return rc < 0 ? -1 : 0;
}

/* Help with the busy batch and wait until it is done; returns it (NULL: none was busy). */
static struct batch *finish_busy(struct pagepipe *pp)
{
	struct batch *b;

	pthread_mutex_lock(&pp->lock);
	b = pp->busy;
	if (b) {
		work_on_busy(pp, 0);
		pp->workers_behind = b->done < b->count;
		while (b->done < b->count) {
			unsigned done = b->done;

			spin_while(pp, &b->done, done);
			if (b->done == done)
				pthread_cond_wait(&pp->done, &pp->lock);
		}
		pp->busy = NULL;
	}
	pthread_mutex_unlock(&pp->lock);
	return b;
}

/*
 * The filled batch goes to the workers; the caller fills the other one
 * (done, the batch the workers finished, if any) once it has emitted it.
 */
static void hand_over(struct pagepipe *pp, struct batch *done)
{
	struct batch *b = pp->filling;

	pthread_mutex_lock(&pp->lock);
	b->count = b->used;
	b->next = b->done = 0;
	pp->busy = b;
	__atomic_add_fetch(&pp->handovers, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&pp->go);
	pthread_mutex_unlock(&pp->lock);
	pp->filling = done ? done : b == &pp->batches[0] ? &pp->batches[1] : &pp->batches[0];
}

/*
 * Hand over the filled batch, then emit the finished one while the workers
 * compress.  A batch of (nearly) all zero pages is not worth waking them:
 * the caller compresses it itself and emits it after the finished one.
 */
static int turn(struct pagepipe *pp, struct err *e)
{
	struct batch *done = finish_busy(pp), *b = pp->filling;
	bool by_caller = b->to_compress < MIN_PAGES_FOR_WORKERS;
	unsigned i;

	b->to_compress = 0;
	if (!by_caller) {
		hand_over(pp, done);
		return done ? emit_batch(pp, done, e) : 0;
	}
	for (i = 0; i < b->used; i++)
		compress_slot(pp, &b->slots[i], 0);
	if (done && emit_batch(pp, done, e) < 0)
		return -1;
	return emit_batch(pp, b, e);
}

/*
 * The caller's page into slot s: tested for zeros and compressed (one
 * thread), or for batches held in place (the compressing thread tests it
 * for zeros, so the page is read once, on that thread, unless zeros_mostly)
 * or tested here and copied when not zero.
 */
static void take_page(void *arg)
{
	struct page_job *job = arg;
	struct pagepipe *pp = job->pp;
	struct slot *s = job->s;

	/* Zero pages (most of a large dump's kept pages) need no copy and no worker. */
	s->zero = pp->test_zero && job->known_zero;
	s->test = pp->test_zero && !s->zero;
	if (!pp->batched) {
		s->in = job->page;	/* compressed at once: no copy */
		s->failed = 0;
		s->clen = 0;
		compress_now(job);
		return;
	}
	s->in = s->own;
	if (s->test && pp->zeros_mostly) {
		s->test = false;
		s->zero = page_is_zero(job->page, pp->page_size);
	}
	if (s->zero)
		return;
	s->held = pp->hold.hold ? pp->hold.hold(pp->hold.ctx, job->page) : -1;
	if (s->held >= 0) {
		s->in = job->page;
		pp->held++;
	} else {
		s->test = false;
		s->zero = pp->test_zero && page_is_zero(job->page, pp->page_size);
		if (s->zero)
			return;
		memcpy(s->own, job->page, pp->page_size);
		pp->copied++;
	}
	pp->filling->to_compress++;
}

int pagepipe_push(struct pagepipe *pp, uint64_t pfn, const uint8_t *page, bool known_zero,
		  struct err *e)
{
	struct batch *b = pp->filling;
	struct slot *s = &b->slots[b->used++];
	struct page_job job = { .pp = pp, .s = s, .page = page, .known_zero = known_zero };

	s->pfn = pfn;
	if (guarded(pp, take_page, &job, e) < 0)
		return -1;
	if (!pp->batched)
		return emit_batch(pp, b, e);
	if (b->used < pp->nslots)
		return 0;
	return turn(pp, e);
}

int pagepipe_flush(struct pagepipe *pp, struct err *e)
{
	struct batch *last;

	if (!pp->batched)
		return 0;
	if (pp->filling->used && turn(pp, e) < 0)
		return -1;
	last = finish_busy(pp);
	return last ? emit_batch(pp, last, e) : 0;
}

void pagepipe_free(struct pagepipe *pp)
{
	unsigned i;

	if (!pp)
		return;
	if (pp->batched)
		log_debug("page pipe: %llu page(s) used in place, %llu copied\n",
			  (unsigned long long)pp->held, (unsigned long long)pp->copied);
	if (pp->workers) {
		pthread_mutex_lock(&pp->lock);
		pp->quit = true;
		pthread_cond_broadcast(&pp->go);
		pthread_mutex_unlock(&pp->lock);
		for (i = 1; i < pp->threads; i++)
			pthread_join(pp->workers[i - 1], NULL);
		free(pp->workers);
	}
	for (i = 0; i < 2; i++) {
		if (pp->batches[i].slots)
			release_slots(pp, &pp->batches[i], pp->nslots);
		free_slots(&pp->batches[i], pp->nslots, pp->batched);
	}
	if (pp->codecs)
		for (i = 0; i < pp->ncodecs; i++)
			codec_free(pp->codecs[i]);
	free(pp->codecs);
	pthread_mutex_destroy(&pp->lock);
	pthread_cond_destroy(&pp->done);
	pthread_cond_destroy(&pp->go);
	free(pp);
}
