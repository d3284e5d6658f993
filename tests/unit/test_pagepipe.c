/*
 * test_pagepipe.c - pages in, the same stored pages out at any thread
 * count, and an input cut short under the pipe (pagepipe.h).
 *
 * pagepipe.h promises: the pages leave in the order they came, each as
 * the one-thread pipe stores it (zero flag, compressed bytes or the raw
 * page), whether batches hold the caller's pages in place or copy them.
 * Pages are read from a mapped file (infile.h) as the dump reads its
 * input.  When that file is cut short after the pages were read, the
 * pipe's reads of them (the caller's zero test, a worker's compression
 * of a held page, the emit of a held page stored raw) fail with one error
 * naming the file, not a SIGBUS.
 * Prints "N passed, N failed"; exits 1 when a check fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "infile.h"
#include "pagepipe.h"
#include "tests/unit/check.h"

#define PG 4096u
#define NPAGES 600u	/* several batches at every thread count */

/* Page i: zeros every 5th, text-like bytes (compressible) or noise (not). */
static void fill_page(uint8_t *p, unsigned i)
{
	unsigned j, x = i * 2654435761u + 1;

	memset(p, 0, PG);
	if (i % 5 == 0)
		return;
	for (j = 0; j < PG; j++) {
		x = x * 1103515245u + 12345u;
		p[j] = i % 7 == 3 ? (uint8_t)(x >> 16) : (uint8_t)("kdump page "[(i + j / 16) % 11]);
	}
}

static int make_pages_file(char *path)
{
	static uint8_t page[PG];
	int fd = mkstemp(path);
	unsigned i;

	if (fd < 0)
		return -1;
	for (i = 0; i < NPAGES; i++) {
		fill_page(page, i);
		if (pwrite(fd, page, PG, (off_t)i * PG) != PG)
			return -1;
	}
	close(fd);
	return 0;
}

/* What left the pipe: a running hash of each stored page, in order. */
struct seen {
	unsigned n;
	uint64_t hash;
	uint64_t last_pfn;
	bool in_order;
};

static int note_page(void *ctx, const struct stored_page *sp, struct err *e)
{
	struct seen *s = ctx;
	uint64_t h = s->hash ^ (sp->pfn * 0x9e3779b97f4a7c15ull) ^ sp->zero ^ ((uint64_t)sp->flags << 1);
	uint32_t i;

	(void)e;
	if (s->n && sp->pfn <= s->last_pfn)
		s->in_order = false;
	s->last_pfn = sp->pfn;
	for (i = 0; i < sp->size && !sp->zero; i++)	/* a zero page's data is not stored */
		h = (h ^ sp->data[i]) * 0x100000001b3ull;
	s->hash = h ^ sp->size;
	s->n++;
	return 0;
}

static int hold_page(void *ctx, const uint8_t *page) { return infile_hold(ctx, page); }
static void release_page(void *ctx, int handle) { infile_release(ctx, handle); }

static int guard_reads(void *ctx, void (*fn)(void *), void *arg, struct err *e)
{
	if (infile_guarded(fn, arg))
		return 0;
	return err_set(e, "%s: pages read before cannot be read any more", ((struct infile *)ctx)->path);
}

/* Push pages [0, n) of f through a pipe; -1 with e set when one fails. */
static int run_pipe(struct infile *f, unsigned threads, bool hold, struct seen *s, unsigned n,
		    int (*before_flush)(struct infile *), struct err *e)
{
	const struct pagepipe_hold h = { .hold = hold ? hold_page : NULL,
					 .release = hold ? release_page : NULL,
					 .guard = guard_reads, .ctx = f };
	struct pagepipe *pp = pagepipe_new(CODEC_ZLIB, PG, true, threads, &h, note_page, s, e);
	unsigned i;
	int rc = -1;

	*s = (struct seen){ .in_order = true };
	if (!pp)
		return -1;
	for (i = 0; i < n; i++) {
		const uint8_t *p = infile_window(f, (uint64_t)i * PG, PG, 0, e);

		if (!p || pagepipe_push(pp, i, p, false, e) < 0)
			goto out;
	}
	if (before_flush && before_flush(f) < 0)
		goto out;
	rc = pagepipe_flush(pp, e);
out:
	pagepipe_free(pp);
	return rc;
}

static void check_same_output(const char *path)
{
	static const unsigned threads[] = { 1, 2, 3, 4 };
	struct infile f;
	struct seen one, s;
	struct err e = { 0 };
	unsigned i, h;

	if (infile_open(&f, path, true, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	CHECK(run_pipe(&f, 1, false, &one, NPAGES, NULL, &e) == 0, "one thread: %s", e.msg);
	CHECK(one.n == NPAGES && one.in_order, "one thread: %u pages out, in order", one.n);
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++)
		for (h = 0; h < 2; h++) {
			CHECK(run_pipe(&f, threads[i], h, &s, NPAGES, NULL, &e) == 0, "%u threads: %s",
			      threads[i], e.msg);
			CHECK(s.n == NPAGES && s.in_order && s.hash == one.hash,
			      "%u threads, pages %s: the one thread's pages, in order (%u out)",
			      threads[i], h ? "held" : "copied", s.n);
		}
	infile_close(&f);
}

static int cut_short(struct infile *f)
{
	int rc = truncate(f->path, 0);

	CHECK(rc == 0, "%s cut short", f->path);
	return rc;
}

/* Cut short once the workers have had time to compress the busy batch. */
static int cut_short_later(struct infile *f)
{
	usleep(100 * 1000);
	return cut_short(f);
}

/*
 * Pages read from a mapping, then the file cut to nothing: the pipe's own
 * reads of them must fail, with the file's name, and not kill the run.
 */
#define CUT_TEMPLATE "/var/tmp/mdf-pagepipe-cut-XXXXXX"

static void check_cut_short(void)
{
	char path[sizeof(CUT_TEMPLATE)];
	static const struct {
		unsigned threads, pages;
		bool hold;
		int (*cut)(struct infile *);
		const char *what;
	} runs[] = {
		/* 100 pages: under one batch, so nothing is compressed before the cut. */
		{ 2, 100, true, cut_short, "a held page compressed by a batch" },
		{ 3, 100, true, cut_short, "held pages compressed by two workers" },
		/* All the pages: the busy batch compressed before the cut, its noise stored raw. */
		{ 2, NPAGES, true, cut_short_later, "a held page stored raw, emitted after the cut" },
	};
	struct infile f;
	struct seen s;
	struct err e;
	const uint8_t *p;
	unsigned i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		memcpy(path, CUT_TEMPLATE, sizeof(path));
		if (make_pages_file(path) < 0 || infile_open(&f, path, true, &(struct err){ 0 }) < 0) {
			CHECK(0, "make %s", path);
			return;
		}
		e = (struct err){ 0 };
		CHECK(run_pipe(&f, runs[i].threads, runs[i].hold, &s, runs[i].pages, runs[i].cut, &e) < 0 &&
		      strstr(e.msg, path) && strstr(e.msg, "cannot be read"),
		      "%s after the file was cut short: fails naming it (got '%s')", runs[i].what, e.msg);
		infile_close(&f);
		unlink(path);
	}

	/* One thread: the page is tested for zeros as it is pushed. */
	memcpy(path, CUT_TEMPLATE, sizeof(path));
	if (make_pages_file(path) < 0 || infile_open(&f, path, true, &(struct err){ 0 }) < 0) {
		CHECK(0, "make %s", path);
		return;
	}
	e = (struct err){ 0 };
	p = infile_window(&f, PG, PG, 0, &e);
	CHECK(p != NULL, "a page of the file reads: %s", e.msg);
	if (p && cut_short(&f) == 0) {
		const struct pagepipe_hold h = { .guard = guard_reads, .ctx = &f };
		struct pagepipe *pp = pagepipe_new(CODEC_ZLIB, PG, true, 1, &h, note_page, &s, &e);

		CHECK(pp && pagepipe_push(pp, 1, p, false, &e) < 0 && strstr(e.msg, path),
		      "one thread: a page pushed after the cut fails naming the file (got '%s')", e.msg);
		pagepipe_free(pp);
	}
	infile_close(&f);
	unlink(path);
}

int main(void)
{
	char path[] = "/var/tmp/mdf-pagepipe-XXXXXX";

	if (make_pages_file(path) < 0) {
		printf("cannot make %s\n0 passed, 1 failed\n", path);
		return 1;
	}
	check_same_output(path);
	unlink(path);
	check_cut_short();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
