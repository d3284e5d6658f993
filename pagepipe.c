/* pagepipe.c - zero test and compression, in order, on 1..N threads; see pagepipe.h. */
#include "pagepipe.h"
#include "page.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Pages per thread in one batch: enough to amortise the hand-over. */
#define PAGES_PER_THREAD 128
/* Fewer pages to compress than this in a batch: not worth waking the workers. */
#define MIN_PAGES_FOR_WORKERS 32

struct slot {
	uint64_t pfn;
	uint8_t *in, *out;
	long clen;		/* compressed length, 0 = store raw */
	bool zero;
	int failed;
	struct err err;
};

struct pagepipe {
	enum codec_id codec;
	unsigned page_size;
	bool test_zero;
	unsigned threads;
	pagepipe_emit_fn emit;
	void *ctx;

	struct codec **codecs;	/* one per thread */
	unsigned ncodecs;
	struct slot *slots;
	unsigned nslots, used;
	unsigned to_compress;	/* slots of this batch that are not zero pages */

	pthread_t *workers;	/* threads - 1 helpers; the caller is worker 0 */
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	unsigned generation, finished;
	bool quit;
};

static void work_on(struct pagepipe *pp, unsigned tid, unsigned stride)
{
	unsigned i;

	for (i = tid; i < pp->used; i += stride) {
		struct slot *s = &pp->slots[i];

		s->failed = 0;
		s->clen = 0;
		if (s->zero || pp->codec == CODEC_NONE)
			continue;
		s->clen = codec_compress(pp->codecs[tid], s->in, pp->page_size, s->out, &s->err);
		if (s->clen < 0)
			s->failed = 1;
	}
}

struct worker_arg { struct pagepipe *pp; unsigned tid; };

static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	struct pagepipe *pp = a->pp;
	unsigned tid = a->tid, seen = 0;

	free(a);
	pthread_mutex_lock(&pp->lock);
	for (;;) {
		while (pp->generation == seen && !pp->quit)
			pthread_cond_wait(&pp->go, &pp->lock);
		if (pp->quit)
			break;
		seen = pp->generation;
		pthread_mutex_unlock(&pp->lock);
		work_on(pp, tid, pp->threads);
		pthread_mutex_lock(&pp->lock);
		if (++pp->finished == pp->threads - 1)
			pthread_cond_signal(&pp->done);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

struct pagepipe *pagepipe_new(enum codec_id codec, unsigned page_size, bool test_zero,
			      unsigned threads, pagepipe_emit_fn emit, void *ctx, struct err *e)
{
	struct pagepipe *pp = calloc(1, sizeof(*pp));
	unsigned i;
	size_t bound;

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
	pp->nslots = pp->threads == 1 ? 1 : pp->threads * PAGES_PER_THREAD;
	pthread_mutex_init(&pp->lock, NULL);
	pthread_cond_init(&pp->go, NULL);
	pthread_cond_init(&pp->done, NULL);
	pp->codecs = calloc(pp->threads, sizeof(*pp->codecs));
	pp->slots = calloc(pp->nslots, sizeof(*pp->slots));
	if (!pp->codecs || !pp->slots)
		goto oom;
	for (i = 0; i < pp->threads; i++) {
		pp->codecs[i] = codec_new(codec, page_size, e);
		if (!pp->codecs[i])
			goto fail;
		pp->ncodecs++;
	}
	bound = codec_bound(pp->codecs[0]);
	for (i = 0; i < pp->nslots; i++) {
		pp->slots[i].in = pp->threads == 1 ? NULL : malloc(page_size);
		pp->slots[i].out = malloc(bound);
		if ((pp->threads > 1 && !pp->slots[i].in) || !pp->slots[i].out)
			goto oom;
	}
	if (pp->threads > 1) {
		pp->workers = calloc(pp->threads - 1, sizeof(*pp->workers));
		if (!pp->workers)
			goto oom;
		for (i = 1; i < pp->threads; i++) {
			struct worker_arg *a = malloc(sizeof(*a));

			if (!a)
				goto oom;
			a->pp = pp;
			a->tid = i;
			if (pthread_create(&pp->workers[i - 1], NULL, worker_main, a) != 0) {
				free(a);
				pp->threads = i;	/* run with what started */
				break;
			}
		}
	}
	return pp;
oom:
	err_set(e, "out of memory for %u compression thread(s)", pp->threads);
fail:
	pagepipe_free(pp);
	return NULL;
}

static int emit_all(struct pagepipe *pp, struct err *e)
{
	unsigned i;

	for (i = 0; i < pp->used; i++) {
		struct slot *s = &pp->slots[i];
		struct stored_page sp = { .pfn = s->pfn, .zero = s->zero };

		if (s->failed) {
			*e = s->err;
			return -1;
		}
		if (s->clen > 0) {
			sp.data = s->out;
			sp.size = (uint32_t)s->clen;
			sp.flags = codec_dump_flag(pp->codec);
		} else {
			sp.data = s->in;
			sp.size = pp->page_size;
		}
		if (pp->emit(pp->ctx, &sp, e) < 0)
			return -1;
	}
	pp->used = 0;
	return 0;
}

static void run_batch(struct pagepipe *pp)
{
	if (pp->threads == 1 || pp->to_compress < MIN_PAGES_FOR_WORKERS) {
		work_on(pp, 0, 1);
		pp->to_compress = 0;
		return;
	}
	pp->to_compress = 0;
	pthread_mutex_lock(&pp->lock);
	pp->finished = 0;
	pp->generation++;
	pthread_cond_broadcast(&pp->go);
	pthread_mutex_unlock(&pp->lock);
	work_on(pp, 0, pp->threads);
	pthread_mutex_lock(&pp->lock);
	while (pp->finished < pp->threads - 1)
		pthread_cond_wait(&pp->done, &pp->lock);
	pthread_mutex_unlock(&pp->lock);
}

int pagepipe_push(struct pagepipe *pp, uint64_t pfn, const uint8_t *page, struct err *e)
{
	struct slot *s = &pp->slots[pp->used++];

	s->pfn = pfn;
	/* Zero pages (most of a large dump's kept pages) need no copy and no worker. */
	s->zero = pp->test_zero && page_is_zero(page, pp->page_size);
	if (pp->threads == 1) {
		s->in = (uint8_t *)page;	/* compressed at once: no copy */
		run_batch(pp);
		return emit_all(pp, e);
	}
	if (!s->zero) {
		memcpy(s->in, page, pp->page_size);
		pp->to_compress++;
	}
	if (pp->used < pp->nslots)
		return 0;
	return pagepipe_flush(pp, e);
}

int pagepipe_flush(struct pagepipe *pp, struct err *e)
{
	if (!pp->used)
		return 0;
	run_batch(pp);
	return emit_all(pp, e);
}

void pagepipe_free(struct pagepipe *pp)
{
	unsigned i;

	if (!pp)
		return;
	if (pp->workers) {
		pthread_mutex_lock(&pp->lock);
		pp->quit = true;
		pthread_cond_broadcast(&pp->go);
		pthread_mutex_unlock(&pp->lock);
		for (i = 1; i < pp->threads; i++)
			pthread_join(pp->workers[i - 1], NULL);
		free(pp->workers);
	}
	if (pp->slots)
		for (i = 0; i < pp->nslots; i++) {
			if (pp->threads > 1)
				free(pp->slots[i].in);
			free(pp->slots[i].out);
		}
	if (pp->codecs)
		for (i = 0; i < pp->ncodecs; i++)
			codec_free(pp->codecs[i]);
	free(pp->slots);
	free(pp->codecs);
	pthread_mutex_destroy(&pp->lock);
	pthread_cond_destroy(&pp->go);
	pthread_cond_destroy(&pp->done);
	free(pp);
}
