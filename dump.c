/* dump.c - the filter pass and kept 2nd bitmap; see dump.h. */
#include "dump.h"
#include "bitmap.h"
#include "log.h"
#include "memmap.h"
#include "page.h"

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
	const char *name, *slash;

	if (job->work_dir)
		return job->work_dir;
	if (sink_readable(job->sink)) {
		name = sink_name(job->sink);
		slash = strrchr(name, '/');
		if (!slash)
			return ".";
		snprintf(buf, len, "%.*s", slash == name ? 1 : (int)(slash - name), name);
		return buf;
	}
	return tmp && *tmp ? tmp : "/tmp";
}

int dump_keep_bitmap(struct dump_job *job, uint64_t bm2_offset, struct err *e)
{
	char dir[4096];
	const char *where;

	job->bm2_offset = bm2_offset;
	job->work_fd = -1;
	if (job->work_dir || bm2_offset == UINT64_MAX) {
		where = work_dir_for(job, dir, sizeof(dir));
		snprintf(job->work_where, sizeof(job->work_where), "%.250s", where);
		job->work_fd = work_file(where, e);
		if (job->work_fd < 0)
			return -1;
		job->keep = BM2_WORK_FILE;
	} else if (sink_readable(job->sink)) {
		job->keep = BM2_IN_OUTPUT;
	} else {
		job->keep = BM2_REBUILD;
	}
	log_debug("2nd bitmap kept %s%s\n", job->keep == BM2_IN_OUTPUT ? "in the output file"
				      : job->keep == BM2_WORK_FILE ? "in a work file in "
				      : "nowhere: the page pass rebuilds each window",
		  job->keep == BM2_WORK_FILE ? job->work_where : "");
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
			return err_errno(e, n < 0 ? errno : ENOSPC, "%s: work file", job->work_where);
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
		if (page_is_zero(page, job->kv->page_size)) {
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

/* Clear pfn in the work file's bitmap; returns 1 when it was set. */
static int clear_in_work_file(struct dump_job *job, uint64_t pfn, struct err *e)
{
	uint8_t byte;

	if (pread(job->work_fd, &byte, 1, (off_t)(pfn / 8)) != 1)
		return err_errno(e, errno ? errno : EIO, "%s: work file read", job->work_where);
	if (!(byte & (1u << (pfn & 7))))
		return 0;
	byte &= (uint8_t)~(1u << (pfn & 7));
	if (write_work(job, pfn / 8, &byte, 1, e) < 0)
		return -1;
	return 1;
}

/*
 * The struct pages of [first, end) are at map + (pfn - first) * size.  A
 * page of them whose every struct page describes an excluded pfn is itself
 * excluded.
 */
static int vmemmap_run(struct dump_job *job, const uint8_t *bm, uint64_t start, uint64_t end,
		       uint64_t first, uint64_t sec_end, uint64_t map, uint64_t *cleared,
		       struct err *e)
{
	uint64_t ps = job->kv->page_size, size = (uint64_t)kf_val(&job->kv->k, KF_SIZE_page);
	uint64_t lo = start > first ? start : first, hi = end < sec_end ? end : sec_end;
	uint64_t va = (map + (lo - first) * size + ps - 1) & ~(ps - 1);

	for (; va + ps <= map + (hi - first) * size; va += ps) {
		uint64_t p0 = first + (va - map) / size, p1 = first + (va + ps - 1 - map) / size;
		uint64_t pa;
		int rc;

		if (p0 < start || p1 >= end || bm_count_range(bm, p0 - start, p1 + 1 - start))
			continue;
		if (kview_vtop(job->kv, va, &pa, NULL, e) < 0)
			return -1;
		rc = clear_in_work_file(job, pa / ps, e);
		if (rc < 0)
			return -1;
		*cleared += (uint64_t)rc;
	}
	return 0;
}

int dump_exclude_vmemmap(struct dump_job *job, struct err *e)
{
	size_t cap = dump_window_bytes(0, job->window_pfns);
	uint8_t *bm = malloc(cap);
	uint64_t start, cleared = 0;
	int rc = -1;

	if (!bm)
		return err_set(e, "out of memory");
	if (job->keep != BM2_WORK_FILE || !job->mm || !kf_have(&job->kv->k, KF_SIZE_page)) {
		free(bm);
		return err_set(e, "-e needs --work-dir and the kernel's mem_map");
	}
	for (start = 0; start < job->max_mapnr; start += job->window_pfns) {
		uint64_t end = start + job->window_pfns < job->max_mapnr
			? start + job->window_pfns : job->max_mapnr;
		uint64_t pfn = start;

		if (dump_window_bitmap(job, start, end, bm, e) < 0)
			goto out;
		while (pfn < end) {
			uint64_t first, sec_end, map;

			if (memmap_lookup(job->mm, pfn, &first, &sec_end, &map, e) < 0)
				goto out;
			if (sec_end <= pfn)
				break;
			if (map && vmemmap_run(job, bm, start, end, first, sec_end, map, &cleared, e) < 0)
				goto out;
			pfn = sec_end;
		}
	}
	log_debug("-e: %llu pages of struct pages left out\n", (unsigned long long)cleared);
	job->num_dumpable -= cleared;
	rc = 0;
	if (job->bm2_offset != UINT64_MAX)
		for (start = 0; start < job->max_mapnr && rc == 0; start += job->window_pfns) {
			uint64_t end = start + job->window_pfns < job->max_mapnr
				? start + job->window_pfns : job->max_mapnr;

			rc = dump_window_bitmap(job, start, end, bm, e);
			if (rc == 0)
				rc = sink_write(job->sink, job->bm2_offset + start / 8, bm,
						dump_window_bytes(start, end), e);
		}
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
			return err_errno(e, n < 0 ? errno : EIO, "%s: work file read", job->work_where);
		return 0;
	}
	default:
		return build_window(job, start, end, bm, false, e);
	}
}
