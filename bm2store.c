/* bm2store.c - the kept 2nd bitmap; see bm2store.h. */
#include "bm2store.h"
#include "log.h"
#include "window.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bm2_store {
	struct bm2_store_args a;
	int work_fd;
	char work_where[256];		/* the work file's directory, for messages */
	/*
	 * BM2_REBUILD when one window holds the whole bitmap: its bits as the
	 * filter pass put them, so the page pass need not scan mem_map again.
	 */
	uint8_t *whole;
	uint64_t whole_end;
};

/* One window from pfn 0 to the end: the whole bitmap. */
static bool is_whole(const struct bm2_store *s, uint64_t start, uint64_t end)
{
	return start == 0 && end >= s->a.plan->max_mapnr;
}

/* A failed copy only costs the rebuild. */
static void keep_whole(struct bm2_store *s, uint64_t end, const uint8_t *bm, size_t len)
{
	free(s->whole);
	s->whole = malloc(len);
	if (s->whole) {
		memcpy(s->whole, bm, len);
		s->whole_end = end;
	}
}

static int make_work_file(const char *dir, struct err *e)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%.4000s/makedumpfile-bitmap-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return err_errno(e, errno, "%s: cannot create a work file", dir);
	unlink(path);
	return fd;
}

/* A format without its own bitmap keeps it on the output's disk, not in RAM. */
static const char *work_dir_for(const struct bm2_store_args *a, char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	const char *name, *slash;

	if (a->plan->work_dir)
		return a->plan->work_dir;
	if (sink_readable(a->out)) {
		name = sink_name(a->out);
		slash = strrchr(name, '/');
		if (!slash)
			return ".";
		snprintf(buf, len, "%.*s", slash == name ? 1 : (int)(slash - name), name);
		return buf;
	}
	return tmp && *tmp ? tmp : "/tmp";
}

static const char *home_name(const struct bm2_store *s)
{
	switch (s->a.home) {
	case BM2_IN_OUTPUT: return "in the output file";
	case BM2_WORK_FILE: return "in a work file in ";
	default: return "nowhere: the page pass rebuilds each window";
	}
}

struct bm2_store *bm2_open(const struct bm2_store_args *a, struct err *e)
{
	struct bm2_store *s = calloc(1, sizeof(*s));
	char dir[4096];

	if (!s) {
		err_set(e, "out of memory");
		return NULL;
	}
	s->a = *a;
	s->work_fd = -1;
	if (a->home == BM2_WORK_FILE) {
		const char *where = work_dir_for(a, dir, sizeof(dir));

		snprintf(s->work_where, sizeof(s->work_where), "%.250s", where);
		s->work_fd = make_work_file(where, e);
		if (s->work_fd < 0) {
			free(s);
			return NULL;
		}
	}
	log_debug("2nd bitmap kept %s%s\n", home_name(s), s->work_where);
	return s;
}

void bm2_close(struct bm2_store *s)
{
	if (!s)
		return;
	if (s->work_fd >= 0)
		close(s->work_fd);
	free(s->whole);
	free(s);
}

static int write_work(struct bm2_store *s, uint64_t off, const void *buf, size_t len,
		      struct err *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(s->work_fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_errno(e, n < 0 ? errno : ENOSPC, "%s: work file", s->work_where);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int read_work(struct bm2_store *s, uint64_t off, void *buf, size_t len, struct err *e)
{
	ssize_t n = pread(s->work_fd, buf, len, (off_t)off);

	if (n != (ssize_t)len)
		return err_errno(e, n < 0 ? errno : EIO, "%s: work file read", s->work_where);
	return 0;
}

int bm2_put(struct bm2_store *s, uint64_t start, uint64_t end, const uint8_t *bm,
	    struct err *e)
{
	size_t len = window_bytes(start, end);
	uint64_t off = start / 8;

	if (s->a.home == BM2_WORK_FILE && write_work(s, off, bm, len, e) < 0)
		return -1;
	if (s->a.home == BM2_REBUILD && is_whole(s, start, end))
		keep_whole(s, end, bm, len);
	if (s->a.out_off != BM2_NO_OFFSET && !s->a.defer_publish)
		return sink_write(s->a.out, s->a.out_off + off, bm, len, e);
	return 0;
}

int bm2_get(struct bm2_store *s, uint64_t start, uint64_t end, uint8_t *bm, struct err *e)
{
	size_t len = window_bytes(start, end);
	uint64_t off = start / 8;

	switch (s->a.home) {
	case BM2_IN_OUTPUT:
		return sink_read(s->a.out, s->a.out_off + off, bm, len, e);
	case BM2_WORK_FILE:
		return read_work(s, off, bm, len, e);
	default:
		if (s->whole && start == 0 && end == s->whole_end) {
			log_debug("2nd bitmap: the filter pass's one window, not rebuilt\n");
			memcpy(bm, s->whole, len);
			return 0;
		}
		return s->a.rebuild(s->a.ctx, start, end, bm, e);
	}
}

int bm2_clear(struct bm2_store *s, uint64_t pfn, struct err *e)
{
	uint64_t out = s->a.out_off + pfn / 8;
	uint8_t byte;

	switch (s->a.home) {
	case BM2_WORK_FILE:
		if (read_work(s, pfn / 8, &byte, 1, e) < 0)
			return -1;
		break;
	case BM2_IN_OUTPUT:
		if (sink_read(s->a.out, out, &byte, 1, e) < 0)
			return -1;
		break;
	default:
		return err_set(e, "the 2nd bitmap of %s was already sent and cannot change",
			       sink_name(s->a.out));
	}
	if (!(byte & (1u << (pfn & 7))))
		return 0;
	byte &= (uint8_t)~(1u << (pfn & 7));
	if (s->a.home == BM2_WORK_FILE && write_work(s, pfn / 8, &byte, 1, e) < 0)
		return -1;
	/* The output's copy: the store itself, or written at put time already. */
	if (s->a.out_off != BM2_NO_OFFSET && (s->a.home == BM2_IN_OUTPUT || !s->a.defer_publish) &&
	    sink_write(s->a.out, out, &byte, 1, e) < 0)
		return -1;
	return 1;
}

int bm2_publish(struct bm2_store *s, uint8_t *buf, struct err *e)
{
	const struct dump_plan *p = s->a.plan;
	struct window_iter it;

	if (s->a.out_off == BM2_NO_OFFSET)
		return 0;
	window_begin(&it, p->window_pfns, p->max_mapnr, 0, p->max_mapnr);
	while (window_next(&it))
		if (bm2_get(s, it.start, it.end, buf, e) < 0 ||
		    sink_write(s->a.out, s->a.out_off + it.start / 8, buf,
			       window_bytes(it.start, it.end), e) < 0)
			return -1;
	return 0;
}
