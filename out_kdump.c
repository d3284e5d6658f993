/* out_kdump.c - write the kdump-compressed format; see out_kdump.h. */
#include "out_kdump.h"
#include "bitmap.h"
#include "bytes.h"
#include "log.h"
#include "pagepipe.h"
#include "window.h"

#include <elf.h>
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define KDUMP_SIGNATURE		"KDUMP   "
#define KDUMP_HEADER_VERSION	6
#define UTSNAME_LEN		(6 * 65)
#define PAGE_DESC_SIZE		24
#define PD_BUFFER		(64 * 1024)

/*
 * Field offsets of the two headers in the dumped machine's ABI.  64-bit:
 * natural alignment.  32-bit: longs and the timeval are 4 bytes; the sub
 * header's 64-bit fields (off_t, the *_64 pfns) are 4-byte aligned on i386
 * and 8-byte aligned on the other 32-bit ABIs (ARM EABI, PowerPC).
 */
struct hdr_abi {
	unsigned word;			/* unsigned long, timeval members */
	unsigned main_size, tv_sec, status;	/* status starts 9 ints */
	unsigned sub_size;
	unsigned s_phys_base, s_dump_level, s_split, s_start_pfn, s_end_pfn;
	unsigned s_off_vmcoreinfo, s_size_vmcoreinfo, s_off_note, s_size_note;
	unsigned s_off_eraseinfo, s_size_eraseinfo, s_start_pfn_64, s_end_pfn_64, s_max_mapnr_64;
};

static const struct hdr_abi abi64 = {
	8, 464, 408, 424, 104,
	0, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96,
};
static const struct hdr_abi abi32_align4 = {
	4, 452, 404, 412, 80,
	0, 4, 8, 12, 16, 20, 28, 32, 40, 44, 52, 56, 64, 72,
};
static const struct hdr_abi abi32_align8 = {
	4, 452, 404, 412, 96,
	0, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88,
};

struct layout {
	const struct hdr_abi *abi;
	unsigned bs;
	uint64_t sub_hdr_blocks, bitmap_blocks, bitmap_bytes;	/* bytes of each bitmap */
	uint64_t off_bm1, off_bm2, off_pd, off_data;
	size_t note_len;
};

struct kdump_out {
	struct dump_run *r;
	struct layout lay;
	bool be;
	struct sink_stream pd, data;
	uint8_t pd_zero[PAGE_DESC_SIZE];
	uint64_t durable_data;		/* data below this offset is on disk */
	uint64_t saved;			/* pages an incomplete dump holds */
	struct progress pr;
	struct pagepipe *pp;		/* during the page pass */
};

static void put(uint8_t *b, unsigned off, unsigned width, uint64_t v, bool be)
{
	st_uint(b + off, width, v, be);
}

static const struct hdr_abi *abi_for(const struct kernel *kn)
{
	if (kn->kv.ptr_size == 8)
		return &abi64;
	return vmcore_machine(kn->vc) == EM_386 ? &abi32_align4 : &abi32_align8;
}

unsigned out_kdump_sub_header_size(unsigned word, unsigned machine)
{
	if (word == 8)
		return abi64.sub_size;
	return machine == EM_386 ? abi32_align4.sub_size : abi32_align8.sub_size;
}

void out_kdump_unsplit_sub_header(uint8_t *sub, bool big_endian, unsigned word,
				  unsigned machine)
{
	const struct hdr_abi *a = word == 8 ? &abi64 : machine == EM_386 ? &abi32_align4
									  : &abi32_align8;

	put(sub, a->s_split, 4, 0, big_endian);
	put(sub, a->s_start_pfn, a->word, 0, big_endian);
	put(sub, a->s_end_pfn, a->word, 0, big_endian);
	put(sub, a->s_start_pfn_64, 8, 0, big_endian);
	put(sub, a->s_end_pfn_64, 8, 0, big_endian);
}

static void plan_layout(const struct dump_run *r, struct layout *lay)
{
	lay->abi = abi_for(r->kn);
	lay->bs = r->kn->kv.page_size;
	vmcore_notes(r->kn->vc, &lay->note_len);
	lay->sub_hdr_blocks = (lay->abi->sub_size + lay->note_len + lay->bs - 1) / lay->bs;
	lay->bitmap_bytes = ((r->plan->max_mapnr + 7) / 8 + lay->bs - 1) / lay->bs * lay->bs;
	lay->bitmap_blocks = 2 * lay->bitmap_bytes / lay->bs;
	lay->off_bm1 = (1 + lay->sub_hdr_blocks) * lay->bs;
	lay->off_bm2 = lay->off_bm1 + lay->bitmap_bytes;
	lay->off_pd = lay->off_bm2 + lay->bitmap_bytes;
}

/* The dumped kernel's utsname, or zeros when it cannot be read. */
static void read_utsname(struct kview *kv, uint8_t *uts)
{
	const struct kfacts *k = &kv->k;
	uint64_t va = 0;
	struct err e;

	memset(uts, 0, UTSNAME_LEN);
	if (!kv->arch || !kv->have_facts)
		return;
	if (kf_have(k, KF_SYM_system_utsname))
		va = kf_addr(k, KF_SYM_system_utsname);
	else if (kf_have(k, KF_SYM_init_uts_ns))
		va = kf_addr(k, KF_SYM_init_uts_ns) + (uint64_t)kf_or(k, KF_OFF_uts_namespace_name, 4);
	if (va && kview_read_virt(kv, va, uts, UTSNAME_LEN, &e) < 0) {
		memset(uts, 0, UTSNAME_LEN);
		log_msg("WARNING: the kernel's utsname is unreadable (%s); the header's utsname is left empty.\n",
			e.msg);
	}
}

static void build_main_header(struct kdump_out *w, uint32_t status, uint8_t *b)
{
	const struct dump_plan *p = w->r->plan;
	const struct hdr_abi *a = w->lay.abi;
	const struct kfacts *k = &w->r->kn->kv.k;
	uint64_t mapnr32 = p->max_mapnr > UINT32_MAX ? UINT32_MAX : p->max_mapnr;

	memset(b, 0, a->main_size);
	memcpy(b, KDUMP_SIGNATURE, 8);
	put(b, 8, 4, KDUMP_HEADER_VERSION, w->be);
	read_utsname(&w->r->kn->kv, b + 12);
	put(b, a->tv_sec, a->word, (uint64_t)kf_or(k, KF_CRASHTIME, 0), w->be);
	put(b, a->status, 4, status, w->be);
	put(b, a->status + 4, 4, w->lay.bs, w->be);
	put(b, a->status + 8, 4, w->lay.sub_hdr_blocks, w->be);
	put(b, a->status + 12, 4, w->lay.bitmap_blocks, w->be);
	put(b, a->status + 16, 4, mapnr32, w->be);
	put(b, a->status + 36, 4, vmcore_nr_cpus(w->r->kn->vc), w->be);
}

static void build_sub_header(struct kdump_out *w, uint8_t *b)
{
	const struct dump_run *r = w->r;
	const struct hdr_abi *a = w->lay.abi;
	uint64_t off_note = w->lay.bs + a->sub_size;
	size_t vlen, voff;

	memset(b, 0, a->sub_size);
	put(b, a->s_phys_base, a->word, r->kn->kv.phys_base, w->be);
	put(b, a->s_dump_level, 4, (uint64_t)r->plan->dump_level, w->be);
	if (r->plan->nparts) {
		uint64_t lim = a->word == 8 ? UINT64_MAX : UINT32_MAX;

		put(b, a->s_split, 4, 1, w->be);
		put(b, a->s_start_pfn, a->word, r->part_start > lim ? lim : r->part_start, w->be);
		put(b, a->s_end_pfn, a->word, r->part_end > lim ? lim : r->part_end, w->be);
		put(b, a->s_start_pfn_64, 8, r->part_start, w->be);
		put(b, a->s_end_pfn_64, 8, r->part_end, w->be);
	}
	if (vmcore_vmcoreinfo(r->kn->vc, &vlen, &voff)) {
		put(b, a->s_off_vmcoreinfo, 8, off_note + voff, w->be);
		put(b, a->s_size_vmcoreinfo, a->word, vlen, w->be);
	}
	if (w->lay.note_len) {
		put(b, a->s_off_note, 8, off_note, w->be);
		put(b, a->s_size_note, a->word, w->lay.note_len, w->be);
	}
	put(b, a->s_max_mapnr_64, 8, r->plan->max_mapnr, w->be);
}

static int write_main_header(struct kdump_out *w, uint32_t status, struct err *e)
{
	uint8_t b[512];

	build_main_header(w, status, b);
	return sink_write(w->r->sink, 0, b, w->lay.abi->main_size, e);
}

static int write_sub_header_and_note(struct kdump_out *w, struct err *e)
{
	uint8_t b[128];
	size_t len;
	const uint8_t *note = vmcore_notes(w->r->kn->vc, &len);

	if (len && sink_write(w->r->sink, w->lay.bs + w->lay.abi->sub_size, note, len, e) < 0)
		return -1;
	build_sub_header(w, b);
	return sink_write(w->r->sink, w->lay.bs, b, w->lay.abi->sub_size, e);
}

static uint32_t final_status(const struct kdump_out *w)
{
	return codec_dump_flag(w->r->plan->codec) |
	       (w->r->plan->exclude_vmemmap ? KDUMP_STATUS_EXCLUDED_VMEMMAP : 0) |
	       (w->r->incomplete ? KDUMP_STATUS_INCOMPLETE : 0);
}

/* ---- the page pass ------------------------------------------------------ */

static void make_pd(const struct kdump_out *w, uint8_t *pd, uint64_t off, uint32_t size,
		    uint32_t flags)
{
	put(pd, 0, 8, off, w->be);
	put(pd, 8, 4, size, w->be);
	put(pd, 12, 4, flags, w->be);
	put(pd, 16, 8, 0, w->be);
}

/* Descriptors reach the file only after the data they point to. */
static int flush_pd(struct kdump_out *w, struct err *e)
{
	if (sink_stream_flush(&w->data, e) < 0)
		return -1;
	w->durable_data = sink_stream_pos(&w->data);
	return sink_stream_flush(&w->pd, e);
}

static int emit_page(void *ctx, const struct stored_page *sp, struct err *e)
{
	struct kdump_out *w = ctx;
	uint8_t pd[PAGE_DESC_SIZE];

	if (sp->zero) {
		memcpy(pd, w->pd_zero, sizeof(pd));
		w->r->counts->zero++;
	} else {
		make_pd(w, pd, sink_stream_pos(&w->data), sp->size, sp->flags);
		if (sink_stream_put(&w->data, sp->data, sp->size, e) < 0)
			return -1;
	}
	if (w->pd.len + PAGE_DESC_SIZE > w->pd.cap && flush_pd(w, e) < 0)
		return -1;
	if (sink_stream_put(&w->pd, pd, PAGE_DESC_SIZE, e) < 0)
		return -1;
	w->r->num_written++;
	progress_update(&w->pr, w->r->num_written);
	return 0;
}

/* Each kept page, in pfn order, into the page pipe. */
static int push_page(void *ctx, uint64_t pfn, struct err *e)
{
	struct kdump_out *w = ctx;
	const uint8_t *page = vmcore_page(w->r->kn->vc, pfn, e);

	if (!page)
		return dump_skip_unreadable(w->r, pfn, e);
	return pagepipe_push(w->pp, pfn, page, vmcore_page_known_zero(w->r->kn->vc, page), e);
}

/* Dump level 1: the one zero page every zero page's descriptor points to. */
static int write_zero_page(struct kdump_out *w, struct err *e)
{
	uint8_t *zero = calloc(1, w->lay.bs);
	int rc;

	if (!zero)
		return err_set(e, "out of memory");
	make_pd(w, w->pd_zero, sink_stream_pos(&w->data), w->lay.bs, 0);
	rc = sink_stream_put(&w->data, zero, w->lay.bs, e);
	free(zero);
	return rc;
}

/* The pipe uses the input's pages in place where the input can hold them. */
static int hold_page(void *ctx, const uint8_t *page)
{
	return vmcore_page_hold(ctx, page);
}

static void release_page(void *ctx, int handle)
{
	vmcore_page_release(ctx, handle);
}

static int guard_reads(void *ctx, void (*fn)(void *arg), void *arg, struct err *e)
{
	return vmcore_read_guarded(ctx, fn, arg, e);
}

static int write_pages(struct kdump_out *w, struct err *e)
{
	const struct dump_plan *p = w->r->plan;
	const struct pagepipe_hold hold = { .hold = hold_page, .release = release_page,
					    .guard = guard_reads, .ctx = w->r->kn->vc };
	int rc = -1;

	w->pp = pagepipe_new(p->codec, w->lay.bs, p->dump_level & DL_ZERO, p->num_threads, &hold,
			     emit_page, w, e);
	if (!w->pp)
		return -1;
	if ((p->dump_level & DL_ZERO) && write_zero_page(w, e) < 0)
		goto out;
	progress_begin(&w->pr, "Copying data", w->r->num_dumpable);
	if (dump_each_kept_page(w->r, push_page, w, e) < 0 ||
	    pagepipe_flush(w->pp, e) < 0 || flush_pd(w, e) < 0)
		goto out;
	progress_end(&w->pr);
	dump_warn_unreadable(w->r);
	rc = 0;
out:
	pagepipe_free(w->pp);
	w->pp = NULL;
	return rc;
}

/*
 * Out of space in the page pass: keep the descriptors whose data reached
 * the file, so readers see every saved page and no page that was not.
 */
static void save_what_fits(struct kdump_out *w)
{
	size_t keep = 0, n = w->pd.len / PAGE_DESC_SIZE, i;
	struct err ignore;

	w->data.len = 0;	/* the chunk that did not fit */
	for (i = 0; i < n; i++) {
		const uint8_t *pd = w->pd.buf + i * PAGE_DESC_SIZE;
		uint64_t off = ld_uint(pd, 8, w->be), size = ld_uint(pd + 8, 4, w->be);

		if (off + size > w->durable_data)
			break;
		keep = i + 1;
	}
	w->pd.len = keep * PAGE_DESC_SIZE;
	w->saved = (w->pd.off - w->lay.off_pd) / PAGE_DESC_SIZE + keep;
	sink_stream_flush(&w->pd, &ignore);
	if (sink_rewritable(w->r->sink))
		dump_keep_only_saved(w->r, w->saved, w->lay.off_bm2, &ignore);
}

struct kdump_out *out_kdump_begin(struct dump_run *r, struct err *e)
{
	struct kdump_out *w = calloc(1, sizeof(*w));

	if (!w) {
		err_set(e, "out of memory");
		return NULL;
	}
	w->r = r;
	w->be = r->kn->kv.big_endian;
	plan_layout(r, &w->lay);
	r->incomplete = false;
	if ((sink_rewritable(r->sink) &&
	     write_main_header(w, final_status(w) | KDUMP_STATUS_INCOMPLETE, e) < 0) ||
	    write_sub_header_and_note(w, e) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

int out_kdump_filter(struct kdump_out *w, struct err *e)
{
	if (dump_open_bitmap(w->r, w->r->plan->bm2_home, w->lay.off_bm2, e) < 0)
		return -1;
	return dump_filter_pass(w->r, w->lay.off_bm1, e);
}

/* Copy [off, off+len) of src into the same place of this output. */
static int copy_region(struct kdump_out *w, int src_fd, const char *src_name, uint64_t off,
		       uint64_t len, struct err *e)
{
	uint8_t buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t got = pread(src_fd, buf, n, (off_t)off);

		if (got < 0)
			return err_errno(e, errno, "%s: reading the bitmaps", src_name);
		memset(buf + got, 0, n - (size_t)got);	/* a hole at the end reads as zeros */
		if (sink_write(w->r->sink, off, buf, n, e) < 0)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

int out_kdump_adopt(struct kdump_out *w, int src_fd, const char *src_name, struct err *e)
{
	if (copy_region(w, src_fd, src_name, w->lay.off_bm1, 2 * w->lay.bitmap_bytes, e) < 0)
		return -1;
	return dump_open_bitmap(w->r, BM2_IN_OUTPUT, w->lay.off_bm2, e);
}

int out_kdump_pages(struct kdump_out *w, struct err *e)
{
	struct dump_run *r = w->r;

	w->lay.off_data = w->lay.off_pd + PAGE_DESC_SIZE * r->num_dumpable;
	sink_reserve(r->sink, w->lay.off_pd, w->lay.off_data - w->lay.off_pd);
	if (sink_stream_init(&w->pd, r->sink, w->lay.off_pd, PD_BUFFER, e) < 0 ||
	    sink_stream_init(&w->data, r->sink, w->lay.off_data,
			     (size_t)w->lay.bs << r->plan->block_order, e) < 0)
		return -1;
	w->durable_data = w->lay.off_data;
	if (write_pages(w, e) < 0) {
		if (!err_is_cut_short(e))
			return -1;
		r->incomplete = true;
		save_what_fits(w);
	}
	if (r->plan->nparts && write_sub_header_and_note(w, e) < 0)
		return -1;
	if (write_main_header(w, final_status(w), e) < 0)
		return -1;
	if (r->incomplete) {
		char why[sizeof(e->msg)];
		enum err_code code = e->code == ERR_STOPPED ? ERR_STOPPED : ERR_NOSPC;

		snprintf(why, sizeof(why), "%s", e->msg[0] ? e->msg : "no space left");
		return err_set_code(e, code, "%s; the dump is incomplete (%llu of %llu pages saved)",
				    why, (unsigned long long)w->saved,
				    (unsigned long long)r->num_dumpable);
	}
	return 0;
}

void out_kdump_end(struct kdump_out *w)
{
	if (!w)
		return;
	sink_stream_free(&w->pd);
	sink_stream_free(&w->data);
	free(w);
}

int out_kdump_write(struct dump_run *r, struct err *e)
{
	struct kdump_out *w = out_kdump_begin(r, e);
	int rc;

	if (!w)
		return -1;
	rc = out_kdump_filter(w, e);
	if (rc == 0)
		rc = out_kdump_pages(w, e);
	out_kdump_end(w);
	return rc;
}
