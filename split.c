/* split.c - --split and --reassemble; see split.h. */
#include "split.h"
#include "bitmap.h"
#include "bytes.h"
#include "dump.h"
#include "log.h"
#include "out_kdump.h"
#include "sink.h"
#include "vmcore.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_DESC_SIZE 24

/* What each child reports back through shared memory. */
struct part_result {
	uint64_t zero, written;
	int status;		/* 0 ok, 1 failed, 2 out of space */
	char msg[512];
};

/* Kept pages of the split block [start, end). */
static int count_block(struct dump_run *r, uint8_t *buf, uint64_t start, uint64_t end,
		       uint64_t *n, struct err *e)
{
	if (bm2_get(r->bm2, start, end, buf, e) < 0)
		return -1;
	*n = bm_count(buf, end - start);
	return 0;
}

/*
 * Cut [0, max_mapnr) into nparts ranges with about num_dumpable/nparts
 * dumped pages each, in whole split blocks, as upstream does.
 */
static int plan_ranges(struct dump_run *r, uint64_t *bounds, struct err *e)
{
	const struct dump_plan *p = r->plan;
	uint64_t block_pfns = p->split_block_pfns, max = p->max_mapnr;
	uint64_t end = 0;
	uint8_t *buf = malloc((size_t)(block_pfns / 8));
	int i;

	if (!buf)
		return err_set(e, "out of memory");
	bounds[0] = 0;
	/* Each part takes whole blocks until it holds its share; a short last block counts too. */
	for (i = 1; i < p->nparts; i++) {
		int64_t need = (int64_t)(r->num_dumpable / (uint64_t)p->nparts);

		while (need > 0 && end < max) {
			uint64_t start = end, n;

			end = max - start > block_pfns ? start + block_pfns : max;
			if (count_block(r, buf, start, end, &n, e) < 0) {
				free(buf);
				return -1;
			}
			need -= (int64_t)n;
		}
		bounds[i] = end;
	}
	bounds[p->nparts] = max;
	free(buf);
	return 0;
}

/*
 * The child that writes part i; never returns.  Part 0 goes on with the
 * writer that ran the filter pass; the others copy its bitmaps.
 */
static void write_part(struct dump_run *r, int i, struct kdump_out *w, struct sink **sinks,
		       const uint64_t *bounds, struct part_result *res)
{
	struct err e = { 0 };
	int rc = -1;

	r->counts->zero = 0;
	r->part_start = bounds[i];
	r->part_end = bounds[i + 1];
	if (!w) {
		r->sink = sinks[i];
		w = out_kdump_begin(r, &e);
		if (w && out_kdump_adopt(w, sink_fd(sinks[0]), sink_name(sinks[0]), &e) < 0) {
			out_kdump_end(w);
			w = NULL;
		}
	}
	if (w)
		rc = out_kdump_pages(w, &e);
	res->zero = r->counts->zero;
	res->written = r->num_written;
	res->status = rc == 0 ? 0 : e.code == ERR_NOSPC ? 2 : e.code == ERR_STOPPED ? 3 : 1;
	snprintf(res->msg, sizeof(res->msg), "%s", e.msg);
	if (sink_close(r->sink, &e) < 0 && res->status == 0) {
		res->status = 1;
		snprintf(res->msg, sizeof(res->msg), "%s", e.msg);
	}
	_exit(res->status);
}

static int wait_parts(pid_t *pids, int n, struct part_result *res, struct err *e)
{
	int i, j, rc = 0;
	bool forwarded = false;

	for (i = 0; i < n; i++) {
		int st;

		if (pids[i] <= 0)
			continue;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			if (sink_stop_signal() && !forwarded) {	/* each part finishes as incomplete */
				forwarded = true;
				for (j = 0; j < n; j++)
					if (pids[j] > 0)
						kill(pids[j], sink_stop_signal());
			}
		if (!WIFEXITED(st) && res[i].status == 0) {
			res[i].status = 1;
			snprintf(res[i].msg, sizeof(res[i].msg), "the writer of part %d died", i + 1);
		}
		if (res[i].status && rc == 0) {
			rc = -1;
			err_set_code(e, res[i].status == 2 ? ERR_NOSPC : res[i].status == 3 ? ERR_STOPPED
					: ERR_FAIL, "%s", res[i].msg);
		}
	}
	return rc;
}

static int open_parts_output(const struct options *o, struct sink **sinks, struct err *e)
{
	int i;

	for (i = 0; i < o->num_outputs; i++) {
		sinks[i] = sink_open_file(o->outputs[i], o->force, e);
		if (!sinks[i])
			return -1;
		if (o->size_limit)
			sink_set_limit(sinks[i], o->size_limit);
	}
	return 0;
}

/* Filter once into part 0's file, cut the ranges, write each part in its own process. */
static int filter_and_fork(struct dump_run *r, struct sink **sinks, uint64_t *bounds,
			   pid_t *pids, struct part_result *res, struct err *e)
{
	struct kdump_out *w0 = out_kdump_begin(r, e);
	int i, n = r->plan->nparts, rc = -1;

	if (!w0 || out_kdump_filter(w0, e) < 0 || plan_ranges(r, bounds, e) < 0)
		goto out;
	fflush(NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			write_part(r, i, i == 0 ? w0 : NULL, sinks, bounds, &res[i]);
		if (pids[i] < 0) {
			err_errno(e, errno, "fork");
			break;
		}
	}
	rc = wait_parts(pids, n, res, e);
	if (i < n)
		rc = -1;
out:
	out_kdump_end(w0);
	return rc;
}

int split_write(const struct options *o, struct kernel *kn, const struct dump_plan *p,
		struct report *rep, struct err *e)
{
	int n = p->nparts, i, rc = -1;
	struct sink **sinks = calloc((size_t)n, sizeof(*sinks));
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	uint64_t *bounds = calloc((size_t)n + 1, sizeof(*bounds));
	struct part_result *res = mmap(NULL, sizeof(*res) * (size_t)n, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct dump_counts counts = { 0 };
	struct dump_run r = { 0 };

	if (!sinks || !pids || !bounds || res == MAP_FAILED) {
		err_set(e, "out of memory");
		goto out;
	}
	memset(res, 0, sizeof(*res) * (size_t)n);
	if (open_parts_output(o, sinks, e) < 0 || dump_run_open(&r, p, kn, sinks[0], &counts, e) < 0)
		goto out;
	rc = filter_and_fork(&r, sinks, bounds, pids, res, e);
	rep->counts = counts;
	for (i = 0; i < n; i++)
		rep->counts.zero += res[i].zero;
	rep->original = vmcore_original_pages(kn->vc, p->max_mapnr);
	rep->max_mapnr = p->max_mapnr;
out:
	dump_run_close(&r);
	for (i = 0; sinks && i < n; i++)
		if (sinks[i]) {
			rep->write_bytes += sink_bytes_written(sinks[i]);
			if (rc == 0 || err_is_cut_short(e))
				sink_close(sinks[i], &(struct err){ 0 });
			else
				sink_discard(sinks[i]);
		}
	if (res != MAP_FAILED)
		munmap(res, sizeof(*res) * (size_t)n);
	free(sinks);
	free(pids);
	free(bounds);
	return rc;
}

void split_unlink(const struct options *o)
{
	int i;

	for (i = 0; i < o->num_outputs; i++)
		unlink(o->outputs[i]);
}

void split_print_saved(const struct options *o)
{
	int i;

	log_msg("\nThe dumpfiles are saved to ");
	for (i = 0; i < o->num_outputs - 1; i++)
		log_msg("%s, ", o->outputs[i]);
	log_msg("and %s.\n", o->outputs[o->num_outputs - 1]);
}

/* ---- --reassemble -------------------------------------------------------- */

struct part {
	struct vmcore *vc;
	struct kdump_geometry g;
	const char *name;
};

static int cmp_part(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	return x->g.split_start < y->g.split_start ? -1 : x->g.split_start > y->g.split_start;
}

static int open_parts(const struct options *o, struct part *parts, struct err *e)
{
	int i;

	for (i = 0; i < o->num_inputs; i++) {
		parts[i].name = o->inputs[i];
		parts[i].vc = vmcore_open(o->inputs[i], true, e);
		if (!parts[i].vc)
			return -1;
		if (!vmcore_kdump_geometry(parts[i].vc, &parts[i].g))
			return err_set(e, "%s is not the kdump-compressed format", o->inputs[i]);
		if (i && (parts[i].g.block_size != parts[0].g.block_size ||
			  parts[i].g.max_mapnr != parts[0].g.max_mapnr ||
			  parts[i].g.off_pd != parts[0].g.off_pd))
			return err_set(e, "%s: not a part of the same dump as %s", o->inputs[i],
				       o->inputs[0]);
	}
	qsort(parts, (size_t)o->num_inputs, sizeof(*parts), cmp_part);
	for (i = 0; i < o->num_inputs; i++) {
		uint64_t expect = i ? parts[i - 1].g.split_end : 0;

		if (parts[i].g.split_start != expect)
			return err_set(e, "There is not dumpfile corresponding to pfn 0x%llx - 0x%llx.",
				       (unsigned long long)expect,
				       (unsigned long long)parts[i].g.split_start);
	}
	if (parts[o->num_inputs - 1].g.split_end != parts[0].g.max_mapnr)
		return err_set(e, "There is not dumpfile corresponding to pfn 0x%llx - 0x%llx.",
			       (unsigned long long)parts[o->num_inputs - 1].g.split_end,
			       (unsigned long long)parts[0].g.max_mapnr);
	return 0;
}

static int copy_bytes(int fd, const char *name, uint64_t off, uint64_t len, struct sink *out,
		      uint64_t to, struct err *e)
{
	uint8_t buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t got = pread(fd, buf, n, (off_t)off);

		if (got != (ssize_t)n)
			return err_errno(e, got < 0 ? errno : EIO, "%s: read", name);
		if (sink_write(out, to, buf, n, e) < 0)
			return -1;
		off += n;
		to += n;
		len -= n;
	}
	return 0;
}


#define BM_CHUNK 65536	/* bytes of bitmap read at a time: 512Ki pfns */

/*
 * Append one part's pages: its descriptors rewritten to the new data
 * offsets.  The part's bitmap is read a chunk at a time.
 */
static int copy_part_pages(const struct part *p, uint64_t zero_off, bool has_zero,
			   struct sink_stream *pds, struct sink_stream *data, struct err *e)
{
	int fd = open(p->name, O_RDONLY);
	uint64_t i, count = 0, chunk_start = UINT64_MAX;
	uint8_t *bm = malloc(BM_CHUNK), pd[PAGE_DESC_SIZE], *page = malloc(2 * p->g.block_size + 1024);
	int rc = -1;

	if (fd < 0 || !bm || !page) {
		err_errno(e, fd < 0 ? errno : ENOMEM, "%s", p->name);
		goto out;
	}
	for (i = p->g.split_start; i < p->g.split_end; i++) {
		uint64_t off, size;

		if (i / 8 / BM_CHUNK != chunk_start) {
			uint64_t at = (i / 8 / BM_CHUNK) * BM_CHUNK;
			size_t n = p->g.bitmap_bytes - at < BM_CHUNK ? (size_t)(p->g.bitmap_bytes - at) : BM_CHUNK;

			chunk_start = i / 8 / BM_CHUNK;
			/* the bitmap's own bytes only, all of them: nothing stale is tested */
			errno = 0;
			if (pread(fd, bm, n, (off_t)(p->g.off_bm2 + at)) != (ssize_t)n) {
				err_errno(e, errno ? errno : EIO, "%s: reading its 2nd bitmap", p->name);
				goto out;
			}
		}
		if (!bm_test(bm, i - chunk_start * BM_CHUNK * 8))
			continue;
		if (pread(fd, pd, sizeof(pd), (off_t)(p->g.off_pd + count++ * PAGE_DESC_SIZE)) !=
		    (ssize_t)sizeof(pd)) {
			err_set(e, "%s: truncated descriptor table", p->name);
			goto out;
		}
		off = ld_uint(pd, 8, p->g.big_endian);
		size = ld_uint(pd + 8, 4, p->g.big_endian);
		if (!(has_zero && off == zero_off)) {
			if (size > 2 * p->g.block_size + 1024 ||
			    pread(fd, page, size, (off_t)off) != (ssize_t)size) {
				err_set(e, "%s: page data of pfn 0x%llx unreadable", p->name,
					(unsigned long long)i);
				goto out;
			}
			st_uint(pd, 8, sink_stream_pos(data), p->g.big_endian);
			if (sink_stream_put(data, page, size, e) < 0)
				goto out;
		}
		if (sink_stream_put(pds, pd, sizeof(pd), e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(bm);
	free(page);
	return rc;
}

int split_reassemble(const struct options *o, struct err *e)
{
	struct part *parts = calloc((size_t)o->num_inputs, sizeof(*parts));
	struct sink *out = NULL;
	struct sink_stream pds = { 0 }, data = { 0 };
	struct progress pr;
	uint64_t num_dumpable = 0, pd_off, data_off, zero_off, i;
	uint8_t *buf = NULL, sub[128];
	unsigned sub_size;
	bool has_zero;
	int fd0 = -1, rc = -1, k;

	if (!parts)
		return err_set(e, "out of memory");
	if (open_parts(o, parts, e) < 0)
		goto out;
	fd0 = open(parts[0].name, O_RDONLY);
	out = sink_open_file(o->outputs[0], o->force, e);
	if (fd0 < 0 || !out)
		goto out;
	/* Headers, notes and both bitmaps are the same in every part. */
	if (copy_bytes(fd0, parts[0].name, 0, parts[0].g.off_pd, out, 0, e) < 0)
		goto out;
	sub_size = out_kdump_sub_header_size(parts[0].g.word, vmcore_machine(parts[0].vc));
	if (pread(fd0, sub, sub_size, parts[0].g.block_size) != (ssize_t)sub_size) {
		err_set(e, "%s: cannot read its sub header", parts[0].name);
		goto out;
	}
	out_kdump_unsplit_sub_header(sub, parts[0].g.big_endian, parts[0].g.word,
				     vmcore_machine(parts[0].vc));
	if (sink_write(out, parts[0].g.block_size, sub, sub_size, e) < 0)
		goto out;
	buf = malloc(65536);
	if (!buf)
		goto out;
	for (i = 0; i < parts[0].g.bitmap_bytes; i += 65536) {
		size_t n = parts[0].g.bitmap_bytes - i < 65536 ? (size_t)(parts[0].g.bitmap_bytes - i) : 65536;

		if (pread(fd0, buf, n, (off_t)(parts[0].g.off_bm2 + i)) != (ssize_t)n) {
			err_set(e, "%s: cannot read its 2nd bitmap", parts[0].name);
			goto out;
		}
		num_dumpable += bm_count(buf, 8 * (uint64_t)n);
	}
	pd_off = parts[0].g.off_pd;
	zero_off = data_off = pd_off + PAGE_DESC_SIZE * num_dumpable;
	has_zero = parts[0].g.dump_level & 1;
	if (has_zero) {
		memset(buf, 0, parts[0].g.block_size);
		if (sink_write(out, data_off, buf, parts[0].g.block_size, e) < 0)
			goto out;
		data_off += parts[0].g.block_size;
	}
	if (sink_stream_init(&pds, out, pd_off, 65536, e) < 0 ||
	    sink_stream_init(&data, out, data_off, 1u << 20, e) < 0)
		goto out;
	progress_begin(&pr, "Copying data", (uint64_t)o->num_inputs);
	for (k = 0; k < o->num_inputs; k++) {
		if (copy_part_pages(&parts[k], zero_off, has_zero, &pds, &data, e) < 0)
			goto out;
		progress_update(&pr, (uint64_t)k + 1);
	}
	if (sink_stream_flush(&data, e) < 0 || sink_stream_flush(&pds, e) < 0)
		goto out;
	progress_end(&pr);
	rc = sink_close(out, e);
	out = NULL;
out:
	sink_stream_free(&pds);
	sink_stream_free(&data);
	if (out)
		sink_discard(out);
	if (fd0 >= 0)
		close(fd0);
	for (k = 0; k < o->num_inputs; k++)
		vmcore_close(parts[k].vc);
	free(parts);
	free(buf);
	return rc;
}
