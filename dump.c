/* dump.c - the filter pass and kept 2nd bitmap; see dump.h. */
#include "dump.h"
#include "bitmap.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int work_file(const char *dir, struct err *e)
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

/* Where a format without its own bitmap keeps it: the output's disk, not RAM. */
static const char *work_dir_for(const struct dump_job *job, char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	const char *slash;

	if (job->work_dir)
		return job->work_dir;
	if (sink_readable(job->sink)) {
		slash = strrchr(sink_name(job->sink), '/');
		if (!slash)
			return ".";
		snprintf(buf, len, "%.*s", (int)(slash - sink_name(job->sink)) + (slash == sink_name(job->sink)),
			 sink_name(job->sink));
		return buf;
	}
	return tmp && *tmp ? tmp : "/tmp";
}

int dump_keep_bitmap(struct dump_job *job, uint64_t bm2_offset, struct err *e)
{
	char dir[4096];

	job->bm2_offset = bm2_offset;
	job->work_fd = -1;
	if (job->work_dir || bm2_offset == UINT64_MAX) {
		job->work_dir = work_dir_for(job, dir, sizeof(dir));
		job->work_fd = work_file(job->work_dir, e);
		job->work_dir = job->work_dir == dir ? "the output's directory" : job->work_dir;
		if (job->work_fd < 0)
			return -1;
		job->keep = BM2_WORK_FILE;
	} else if (sink_readable(job->sink) && bm2_offset != UINT64_MAX) {
		job->keep = BM2_IN_OUTPUT;
	} else {
		job->keep = BM2_REBUILD;
	}
	log_debug("2nd bitmap kept %s\n", job->keep == BM2_IN_OUTPUT ? "in the output file"
				      : job->keep == BM2_WORK_FILE ? "in a work file"
				      : "nowhere: the page pass rebuilds each window");
	return 0;
}

void dump_release_bitmap(struct dump_job *job)
{
	if (job->work_fd >= 0)
		close(job->work_fd);
	job->work_fd = -1;
}

static int write_work(struct dump_job *job, uint64_t off, const void *buf, size_t len,
		      struct err *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(job->work_fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_errno(e, n < 0 ? errno : ENOSPC, "%s: work file", job->work_dir);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Zero pages leave the bitmap (ELF output): every kept page is read. */
static int exclude_zero_pages(struct dump_job *job, uint64_t start, uint64_t end, uint8_t *bm,
			      bool count, struct err *e)
{
	uint64_t i;

	for (i = bm_next_set(bm, 0, end - start); i < end - start;
	     i = bm_next_set(bm, i + 1, end - start)) {
		const uint8_t *page = vmcore_page(job->vc, start + i, e);

		if (!page)
			return -1;
		if (dump_page_is_zero(page, job->kv->page_size)) {
			bm_clear(bm, i);
			if (count)
				filter_counts_mut(job->filter)->zero++;
		}
	}
	return 0;
}

static int build_window(struct dump_job *job, uint64_t start, uint64_t end, uint8_t *bm,
			bool count, struct err *e)
{
	if (filter_window(job->filter, start, end, bm, e) < 0)
		return -1;
	if (job->exclude_zero_in_bitmap)
		return exclude_zero_pages(job, start, end, bm, count, e);
	return 0;
}

int dump_filter_pass(struct dump_job *job, bool also_write, struct err *e)
{
	size_t cap = dump_window_bytes(0, job->window_pfns);
	uint8_t *bm = malloc(cap);
	struct progress pr;
	uint64_t start;
	int rc = -1;

	if (!bm)
		return err_set(e, "out of memory for a %zu-byte bitmap window", cap);
	job->num_dumpable = 0;
	filter_begin_pass(job->filter, true);
	progress_begin(&pr, "Excluding unnecessary pages", job->max_mapnr);
	for (start = 0; start < job->max_mapnr; start += job->window_pfns) {
		uint64_t end = start + job->window_pfns < job->max_mapnr
			? start + job->window_pfns : job->max_mapnr;
		size_t len = dump_window_bytes(start, end);
		uint64_t off = start / 8;

		if (build_window(job, start, end, bm, true, e) < 0)
			goto out;
		{
			uint64_t a = job->split_start > start ? job->split_start : start;
			uint64_t b = job->split_end < end ? job->split_end : end;

			if (a < b)
				job->num_dumpable += bm_count_range(bm, a - start, b - start);
		}
		if (job->keep == BM2_WORK_FILE && write_work(job, off, bm, len, e) < 0)
			goto out;
		if ((job->keep == BM2_IN_OUTPUT || also_write) &&
		    sink_write(job->sink, job->bm2_offset + off, bm, len, e) < 0)
			goto out;
		progress_update(&pr, end);
	}
	filter_end_pass(job->filter);
	progress_end(&pr);
	rc = 0;
out:
	free(bm);
	return rc;
}

void dump_begin_page_pass(struct dump_job *job)
{
	if (job->keep == BM2_REBUILD)
		filter_begin_pass(job->filter, false);
}

int dump_window_bitmap(struct dump_job *job, uint64_t start, uint64_t end, uint8_t *bm,
		       struct err *e)
{
	size_t len = dump_window_bytes(start, end);
	uint64_t off = start / 8;

	switch (job->keep) {
	case BM2_IN_OUTPUT:
		return sink_read(job->sink, job->bm2_offset + off, bm, len, e);
	case BM2_WORK_FILE: {
		ssize_t n = pread(job->work_fd, bm, len, (off_t)off);

		if (n != (ssize_t)len)
			return err_errno(e, n < 0 ? errno : EIO, "%s: work file read", job->work_dir);
		return 0;
	}
	default:
		return build_window(job, start, end, bm, false, e);
	}
}

bool dump_page_is_zero(const uint8_t *page, unsigned size)
{
	uint64_t acc = 0, w;
	unsigned i;

	for (i = 0; i < size; i += 8) {
		memcpy(&w, page + i, 8);
		acc |= w;
		if ((i & 511) == 504 && acc)
			return false;
	}
	return acc == 0;
}
