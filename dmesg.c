/*
 * dmesg.c - the dumped kernel's log, written as upstream makedumpfile
 * writes it (--dump-dmesg); see dmesg.h.
 *
 * Three generations of printk storage, chosen by what VMCOREINFO names:
 *
 *   SYMBOL(prb)       the lockless printk_ringbuffer (5.10+): a ring of
 *                     descriptors (state + id, text block position), a
 *                     parallel ring of printk_info (seq, time, caller, text
 *                     length) and a data ring of text blocks, each block
 *                     starting with the id of its descriptor;
 *   SYMBOL(log_end)   the plain character ring log_buf (before 3.5),
 *                     copied out as it is;
 *   otherwise         variable-length struct printk_log records in log_buf
 *                     (3.5 to 5.9), walked from log_first_idx to
 *                     log_next_idx; a record of length 0 sends the walk
 *                     back to the start of the buffer.
 *
 * A record prints as "[seconds.micros] [  caller] text\n": the caller
 * column only when the kernel records callers, a '\n' inside the text
 * continues on a line indented under the text, and any other byte that is
 * neither printable nor white space prints as \xNN.
 *
 * Everything is read from the dump before the output file is created, so
 * a dump without a readable log leaves no file behind.  The dump may be
 * damaged: every walk is bounded by the size of the ring it walks, and a
 * record that cannot be trusted is skipped with a message saying why.
 *
 * Where this differs from upstream 1.7.8 on purpose (same bytes otherwise):
 * damaged logs are written as far as they can be read and the run
 * succeeds (upstream stops with "makedumpfile Failed." or reads past its
 * buffer); --partial-dmesg on the lockless ring keeps the records whose
 * seq is at least clear_seq; on the character ring it keeps the last
 * logged_chars bytes (upstream ignores it there).
 */
#include "dmesg.h"
#include "arch/arch.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Damage reported line by line up to this; the rest only counted. */
#define SKIP_LINES_MAX	20

/* The largest log buffer a kernel accepts (log_buf_len=, LOG_BUF_LEN_MAX). */
#define LOG_BUF_MAX	(1ULL << 31)

struct dmesg_run {
	struct kview *kv;
	const char *path;
	bool force;
	FILE *out;
	bool caller;		/* the kernel records callers: print the column */
	bool signed_char;	/* see upstream_char_is_signed() */
	unsigned skipped;	/* damaged records left out */
	unsigned lines;		/* messages about damage so far */
};

/* ---- reporting ------------------------------------------------------------ */

static void vreport(struct dmesg_run *r, const char *fmt, va_list ap)
{
	char line[256];

	if (++r->lines > SKIP_LINES_MAX)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_msg("dmesg: %s\n", line);
}

/* A damaged record left out. */
static void skip(struct dmesg_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void skip(struct dmesg_run *r, const char *fmt, ...)
{
	va_list ap;

	r->skipped++;
	va_start(ap, fmt);
	vreport(r, fmt, ap);
	va_end(ap);
}

/* A damaged record printed as far as it can be trusted. */
static void note(struct dmesg_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct dmesg_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(r, fmt, ap);
	va_end(ap);
}

static const char *fact_name(enum kf_id id, char *buf, size_t len)
{
	snprintf(buf, len, "%s(%s)", kf_kind_name(kf_table[id].kind), kf_table[id].key);
	return buf;
}

/* Fail naming the first fact of ids[] that the dump does not provide. */
static int need_facts(const struct kfacts *k, const enum kf_id *ids, size_t n,
		      const char *what, struct err *e)
{
	char name[96];
	size_t i;

	for (i = 0; i < n; i++)
		if (!kf_have(k, ids[i]))
			return err_set(e, "dmesg: %s is unknown; the %s cannot be read without it",
				       fact_name(ids[i], name, sizeof(name)), what);
	return 0;
}

/*
 * A record structure of size_id holds a width-byte field at OFFSET(off_id)
 * + extra: checked once, so reads inside a record stay inside it.
 */
static int check_field(const struct kfacts *k, enum kf_id off_id, int64_t extra,
		       unsigned width, enum kf_id size_id, struct err *e)
{
	char off_name[96], size_name[96];
	int64_t off = kf_val(k, off_id), size = kf_val(k, size_id);

	if (off >= 0 && extra >= 0 && off <= size - extra && width <= size - extra - off)
		return 0;
	return err_set(e, "dmesg: %s=%lld does not fit in %s=%lld", fact_name(off_id, off_name, sizeof(off_name)),
		       (long long)off, fact_name(size_id, size_name, sizeof(size_name)), (long long)size);
}

/* A record structure's size: at least one byte, at most a page. */
static int check_size(const struct kview *kv, enum kf_id size_id, struct err *e)
{
	char name[96];
	int64_t size = kf_val(&kv->k, size_id);

	if (size > 0 && size <= (int64_t)(kv->page_size ? kv->page_size : 4096))
		return 0;
	return err_set(e, "dmesg: %s=%lld is impossible", fact_name(size_id, name, sizeof(name)),
		       (long long)size);
}

/* ---- copies of kernel memory ---------------------------------------------- */

/*
 * A copy of [va, va + len) of the dumped kernel.  Pages the dump cannot
 * give (excluded or outside every RAM range) read as zeros and are marked,
 * so records lying in them are skipped rather than printed as garbage.
 */
struct kcopy {
	uint8_t *buf;
	uint64_t va;
	size_t len;
	uint8_t *bad;		/* one flag per page touched by the copy */
	size_t nbad;
	unsigned page_size;
};

static void kcopy_free(struct kcopy *c)
{
	free(c->buf);
	free(c->bad);
	memset(c, 0, sizeof(*c));
}

static size_t kcopy_page(const struct kcopy *c, uint64_t off)
{
	return (size_t)((c->va + off) / c->page_size - c->va / c->page_size);
}

static int kcopy_read(struct kview *kv, uint64_t va, uint64_t len, const char *what,
		      struct kcopy *c, struct err *e)
{
	struct err scratch;
	size_t npages;
	uint64_t off, ram;

	memset(c, 0, sizeof(*c));
	c->va = va;
	c->len = (size_t)len;
	c->page_size = kv->page_size ? kv->page_size : 4096;
	/* the log is in the dumped RAM: no larger than it (nor than a kernel allows) */
	ram = kv->vc ? vmcore_original_pages(kv->vc, vmcore_max_pfn(kv->vc)) * c->page_size
		     : LOG_BUF_MAX;
	if (len == 0 || len > LOG_BUF_MAX || len > ram || va + len < va)
		return err_set(e, "dmesg: %s at 0x%llx has an impossible size (%llu bytes, the dump has %llu bytes of RAM)",
			       what, (unsigned long long)va, (unsigned long long)len,
			       (unsigned long long)ram);
	npages = kcopy_page(c, len - 1) + 1;
	c->buf = calloc(1, c->len);
	c->bad = calloc(npages, 1);
	if (!c->buf || !c->bad) {
		kcopy_free(c);
		return err_set(e, "dmesg: no memory for %s (%llu bytes)", what,
			       (unsigned long long)len);
	}
	if (kview_read_virt(kv, va, c->buf, c->len, &scratch) == 0)
		return 0;

	/* Something is missing: read page by page and note the holes. */
	for (off = 0; off < len;) {
		uint64_t n = c->page_size - (va + off) % c->page_size;

		if (n > len - off)
			n = len - off;
		if (kview_read_virt(kv, va + off, c->buf + off, (size_t)n, &scratch) < 0) {
			memset(c->buf + off, 0, (size_t)n);
			c->bad[kcopy_page(c, off)] = 1;
			c->nbad++;
		}
		off += n;
	}
	if (c->nbad == npages) {
		kcopy_free(c);
		return err_set(e, "dmesg: cannot read %s at 0x%llx: %s", what,
			       (unsigned long long)va, scratch.msg);
	}
	log_msg("dmesg: %zu of %zu pages of %s are not in the dump; records there are skipped.\n",
		c->nbad, npages, what);
	return 0;
}

/* Are the bytes [off, off + n) of the copy real memory of the dump? */
static bool kcopy_ok(const struct kcopy *c, uint64_t off, uint64_t n)
{
	size_t p, last;

	if (off > c->len || n > c->len - off)
		return false;
	if (n == 0 || c->nbad == 0)
		return true;
	last = kcopy_page(c, off + n - 1);
	for (p = kcopy_page(c, off); p <= last; p++)
		if (c->bad[p])
			return false;
	return true;
}

/* ---- the output file ------------------------------------------------------ */

static int out_open(struct dmesg_run *r, struct err *e)
{
	int fd;

	fd = open(r->path, O_WRONLY | O_CREAT | (r->force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return err_set(e, "%s: the file already exists (use -f to overwrite it)",
				       r->path);
		return err_errno(e, errno, "%s: cannot create the log file", r->path);
	}
	r->out = fdopen(fd, "w");
	if (!r->out) {
		int errnum = errno;

		close(fd);
		unlink(r->path);
		return err_errno(e, errnum, "%s: cannot create the log file", r->path);
	}
	setvbuf(r->out, NULL, _IOFBF, 1 << 16);
	return 0;
}

/* Flush, sync and close; on failure remove the file (if it is a plain file). */
static int out_close(struct dmesg_run *r, int rc, struct err *e)
{
	struct stat st;
	bool regular;
	int fd = fileno(r->out);

	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (rc == 0 && fflush(r->out) == EOF)
		rc = err_errno(e, errno, "%s: cannot write the log", r->path);
	if (rc == 0 && fsync(fd) < 0 && errno != EINVAL && errno != ENOTSUP)
		rc = err_errno(e, errno, "%s: cannot write the log", r->path);
	if (fclose(r->out) == EOF && rc == 0)
		rc = err_errno(e, errno, "%s: cannot write the log", r->path);
	r->out = NULL;
	if (rc < 0 && regular)
		unlink(r->path);
	return rc;
}

static int out_check(struct dmesg_run *r, struct err *e)
{
	if (ferror(r->out))
		return err_errno(e, errno ? errno : EIO, "%s: cannot write the log", r->path);
	return 0;
}

/*
 * Upstream tests each byte with isprint()/isspace() on a plain char and
 * prints the rest with "\\x%02x": where char is signed (x86, the machine
 * upstream runs on to read an x86 dump) a byte of 0x80 or more comes out
 * sign-extended, as \xffffffe2.  Reproduce what upstream running on the
 * dumped machine writes.
 */
static bool upstream_char_is_signed(const struct kview *kv)
{
	if (!kv->vc)
		return true;	/* no dump: as upstream on x86 */
	return kv->arch && kv->arch->char_is_signed;
}

/* One record: timestamp, caller column, text with its escapes. */
static int emit_record(struct dmesg_run *r, uint64_t ts_nsec, uint32_t caller,
		       const uint8_t *text, size_t len, struct err *e)
{
	char prefix[64];
	int indent;
	size_t i;

	indent = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ",
			  (unsigned long long)(ts_nsec / 1000000000),
			  (unsigned long long)(ts_nsec % 1000000000 / 1000));
	if (r->caller) {
		char id[16];

		snprintf(id, sizeof(id), "%c%u", (caller & 0x80000000u) ? 'C' : 'T',
			 caller & ~0x80000000u);
		indent += snprintf(prefix + indent, sizeof(prefix) - indent, "[%8s] ", id);
	}
	fputs(prefix, r->out);
	for (i = 0; i < len; i++) {
		uint8_t b = text[i];

		if (b == '\n')
			fprintf(r->out, "\n%*s", indent, "");
		else if ((b >= 0x20 && b < 0x7f) || (b >= '\t' && b <= '\r'))
			putc(b, r->out);
		else if (b >= 0x80 && r->signed_char)
			fprintf(r->out, "\\x%02x", (unsigned)(int)(int8_t)b);
		else
			fprintf(r->out, "\\x%02x", b);
	}
	putc('\n', r->out);
	return out_check(r, e);
}

/* ---- lockless printk_ringbuffer (5.10+) ----------------------------------- */

/* Descriptor states: the two top bits of state_var; the rest is the id. */
enum { DESC_RESERVED, DESC_COMMITTED, DESC_FINALIZED, DESC_REUSABLE };

struct prb {
	unsigned word;		/* bytes of an unsigned long of the kernel */
	uint64_t word_mask;	/* all bits of such a word */
	uint64_t id_mask;	/* the id bits of a state_var */
	unsigned state_shift;

	uint64_t count;		/* descriptors (power of two) */
	uint64_t desc_size, info_size;
	struct kcopy descs, infos;

	unsigned size_bits;
	uint64_t size;		/* bytes of the data ring (power of two) */
	struct kcopy text;

	bool partial;
	uint64_t clear_seq;
};

/* The window of the data ring holding a text block, by the kernel's rules. */
static bool prb_block(const struct prb *p, uint64_t begin, uint64_t next,
		      uint64_t *off, uint64_t *len, const char **why)
{
	uint64_t wb = begin >> p->size_bits, wn = next >> p->size_bits;

	if (wb == wn && begin < next) {
		/* a regular block: begin and next in the same wrap */
		*off = begin & (p->size - 1);
		*len = next - begin;
	} else if ((((begin + p->size) & p->word_mask) >> p->size_bits) == wn) {
		/* a block that would cross the end is stored at the start */
		*off = 0;
		*len = next & (p->size - 1);
	} else {
		*why = "is not a position in the data ring";
		return false;
	}
	if ((begin | next) & (p->word - 1)) {
		*why = "is not aligned";
		return false;
	}
	if (*len < p->word) {
		*why = "is too short for its block id";
		return false;
	}
	/* skip the descriptor id in front of the text */
	*off += p->word;
	*len -= p->word;
	return true;
}

static int prb_record(struct dmesg_run *r, const struct prb *p, uint64_t id, struct err *e)
{
	const struct kfacts *k = &r->kv->k;
	uint64_t idx = id & (p->count - 1);
	uint64_t sv, begin, next, seq, ts, off, len;
	const uint8_t *desc, *info, *lpos;
	uint32_t caller = 0;
	const char *why = NULL;
	unsigned state;
	uint16_t text_len;

	if (!kcopy_ok(&p->descs, idx * p->desc_size, p->desc_size)) {
		skip(r, "descriptor %llu is not in the dump; its record is skipped",
		     (unsigned long long)idx);
		return 0;
	}
	desc = p->descs.buf + idx * p->desc_size;
	sv = kv_ldlong(r->kv, desc + kf_val(k, KF_OFF_prb_desc_state_var) +
		       kf_or(k, KF_OFF_atomic_long_t_counter, 0));
	state = (unsigned)(sv >> p->state_shift) & 3;
	/* A descriptor reused for a newer id, or not committed: not a record. */
	if ((sv & p->id_mask) != id)
		return 0;
	if (state != DESC_COMMITTED && state != DESC_FINALIZED)
		return 0;

	lpos = desc + kf_val(k, KF_OFF_prb_desc_text_blk_lpos);
	begin = kv_ldlong(r->kv, lpos + kf_val(k, KF_OFF_prb_data_blk_lpos_begin));
	next = kv_ldlong(r->kv, lpos + kf_val(k, KF_OFF_prb_data_blk_lpos_next));
	/* No data block: its text was lost, or it is an empty line; upstream prints neither. */
	if ((begin & 1) && (next & 1))
		return 0;

	if (!kcopy_ok(&p->infos, idx * p->info_size, p->info_size)) {
		skip(r, "printk_info %llu is not in the dump; its record is skipped",
		     (unsigned long long)idx);
		return 0;
	}
	info = p->infos.buf + idx * p->info_size;
	seq = kf_have(k, KF_OFF_printk_info_seq)
		? kv_ld64(r->kv, info + kf_val(k, KF_OFF_printk_info_seq)) : idx;
	if (p->partial && seq < p->clear_seq)
		return 0;

	if (!prb_block(p, begin, next, &off, &len, &why)) {
		skip(r, "record %llu: text block 0x%llx-0x%llx %s; skipped",
		     (unsigned long long)seq, (unsigned long long)begin,
		     (unsigned long long)next, why);
		return 0;
	}
	/* A text_len beyond the block is cut to the block, as upstream does. */
	text_len = kv_ld16(r->kv, info + kf_val(k, KF_OFF_printk_info_text_len));
	if (text_len > len) {
		note(r, "record %llu: text_len %u is longer than its %llu-byte text block; cut to "
		     "the block", (unsigned long long)seq, text_len, (unsigned long long)len);
		text_len = (uint16_t)len;
	}
	if (!kcopy_ok(&p->text, off, text_len)) {
		skip(r, "record %llu: its text is not in the dump; skipped",
		     (unsigned long long)seq);
		return 0;
	}
	ts = kv_ld64(r->kv, info + kf_val(k, KF_OFF_printk_info_ts_nsec));
	if (r->caller)
		caller = kv_ld32(r->kv, info + kf_val(k, KF_OFF_printk_info_caller_id));
	return emit_record(r, ts, caller, p->text.buf + off, text_len, e);
}

/* The seq of the first record after the last clear (0: nothing cleared). */
static int prb_clear_seq(struct dmesg_run *r, uint64_t *seq, struct err *e)
{
	const struct kfacts *k = &r->kv->k;
	uint64_t va = kf_addr(k, KF_SYM_clear_seq);

	if (kf_have(k, KF_SIZE_latched_seq) && kf_have(k, KF_OFF_latched_seq_val)) {
		/* 5.13+: a latch; readers take val[sequence & 1] */
		uint32_t latch;

		if (kview_read_u32(r->kv, va, &latch, e) < 0)
			return err_prefix(e, "dmesg: reading clear_seq");
		va += kf_val(k, KF_OFF_latched_seq_val) + 8 * (latch & 1);
	}
	if (kview_read_u64(r->kv, va, seq, e) < 0)
		return err_prefix(e, "dmesg: reading clear_seq");
	return 0;
}

static void prb_free(struct prb *p)
{
	kcopy_free(&p->descs);
	kcopy_free(&p->infos);
	kcopy_free(&p->text);
}

static int prb_setup(struct dmesg_run *r, struct prb *p, uint64_t *tail, uint64_t *head,
		     struct err *e)
{
	static const enum kf_id need[] = {
		KF_OFF_printk_ringbuffer_desc_ring, KF_OFF_printk_ringbuffer_text_data_ring,
		KF_OFF_prb_desc_ring_count_bits, KF_OFF_prb_desc_ring_descs,
		KF_OFF_prb_desc_ring_infos, KF_OFF_prb_desc_ring_head_id,
		KF_OFF_prb_desc_ring_tail_id, KF_SIZE_prb_desc, KF_OFF_prb_desc_state_var,
		KF_OFF_prb_desc_text_blk_lpos, KF_OFF_prb_data_blk_lpos_begin,
		KF_OFF_prb_data_blk_lpos_next, KF_OFF_prb_data_ring_size_bits,
		KF_OFF_prb_data_ring_data, KF_SIZE_printk_info, KF_OFF_printk_info_ts_nsec,
		KF_OFF_printk_info_text_len,
	};
	struct kview *kv = r->kv;
	const struct kfacts *k = &kv->k;
	uint64_t rb, ring, data, descs, infos, counter;
	uint32_t count_bits, size_bits;

	if (need_facts(k, need, sizeof(need) / sizeof(need[0]),
		       "lockless printk ring buffer", e) < 0)
		return -1;
	p->word = kv->ptr_size;
	p->word_mask = p->word == 8 ? UINT64_MAX : UINT32_MAX;
	p->state_shift = 8 * p->word - 2;
	p->id_mask = p->word_mask >> 2;
	p->desc_size = kf_val(k, KF_SIZE_prb_desc);
	p->info_size = kf_val(k, KF_SIZE_printk_info);
	counter = kf_or(k, KF_OFF_atomic_long_t_counter, 0);
	if (check_size(kv, KF_SIZE_prb_desc, e) < 0 || check_size(kv, KF_SIZE_printk_info, e) < 0 ||
	    check_field(k, KF_OFF_prb_desc_state_var, (int64_t)counter, p->word, KF_SIZE_prb_desc, e) < 0 ||
	    check_field(k, KF_OFF_prb_desc_text_blk_lpos,
			kf_val(k, KF_OFF_prb_data_blk_lpos_begin), p->word, KF_SIZE_prb_desc, e) < 0 ||
	    check_field(k, KF_OFF_prb_desc_text_blk_lpos,
			kf_val(k, KF_OFF_prb_data_blk_lpos_next), p->word, KF_SIZE_prb_desc, e) < 0 ||
	    check_field(k, KF_OFF_printk_info_ts_nsec, 0, 8, KF_SIZE_printk_info, e) < 0 ||
	    check_field(k, KF_OFF_printk_info_text_len, 0, 2, KF_SIZE_printk_info, e) < 0 ||
	    (kf_have(k, KF_OFF_printk_info_seq) &&
	     check_field(k, KF_OFF_printk_info_seq, 0, 8, KF_SIZE_printk_info, e) < 0) ||
	    (kf_have(k, KF_OFF_printk_info_caller_id) &&
	     check_field(k, KF_OFF_printk_info_caller_id, 0, 4, KF_SIZE_printk_info, e) < 0))
		return -1;

	/* prb points at printk_rb_static until setup_log_buf() moves the log. */
	if (kview_read_ptr(kv, kf_addr(k, KF_SYM_prb), &rb, e) < 0)
		return err_prefix(e, "dmesg: reading prb");
	if (rb == 0 && kf_have(k, KF_SYM_printk_rb_static))
		rb = kf_addr(k, KF_SYM_printk_rb_static);

	ring = rb + kf_val(k, KF_OFF_printk_ringbuffer_desc_ring);
	data = rb + kf_val(k, KF_OFF_printk_ringbuffer_text_data_ring);
	if (kview_read_u32(kv, ring + kf_val(k, KF_OFF_prb_desc_ring_count_bits), &count_bits, e) < 0 ||
	    kview_read_ptr(kv, ring + kf_val(k, KF_OFF_prb_desc_ring_descs), &descs, e) < 0 ||
	    kview_read_ptr(kv, ring + kf_val(k, KF_OFF_prb_desc_ring_infos), &infos, e) < 0 ||
	    kview_read_ptr(kv, ring + kf_val(k, KF_OFF_prb_desc_ring_tail_id) + counter, tail, e) < 0 ||
	    kview_read_ptr(kv, ring + kf_val(k, KF_OFF_prb_desc_ring_head_id) + counter, head, e) < 0 ||
	    kview_read_u32(kv, data + kf_val(k, KF_OFF_prb_data_ring_size_bits), &size_bits, e) < 0 ||
	    kview_read_ptr(kv, data + kf_val(k, KF_OFF_prb_data_ring_data), &data, e) < 0)
		return err_prefix(e, "dmesg: reading the printk ring buffer at 0x%llx",
				  (unsigned long long)rb);
	/* the kernel makes 2^(size_bits - 5) descriptors, size_bits <= 31 */
	if (count_bits > size_bits || size_bits < 3 || size_bits > 31)
		return err_set(e, "dmesg: the printk ring buffer at 0x%llx is damaged "
			       "(count_bits %u, size_bits %u)", (unsigned long long)rb,
			       count_bits, size_bits);
	p->count = 1ULL << count_bits;
	p->size_bits = size_bits;
	p->size = 1ULL << size_bits;

	if (kcopy_read(kv, descs, p->count * p->desc_size, "the printk descriptors",
		       &p->descs, e) < 0 ||
	    kcopy_read(kv, infos, p->count * p->info_size, "the printk_info ring",
		       &p->infos, e) < 0 ||
	    kcopy_read(kv, data, p->size, "the printk text ring", &p->text, e) < 0)
		return -1;
	return 0;
}

static int save_lockless(struct dmesg_run *r, bool partial, struct err *e)
{
	const struct kfacts *k = &r->kv->k;
	struct prb p;
	uint64_t tail, head, n, i;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	if (prb_setup(r, &p, &tail, &head, e) < 0)
		goto out;
	/*
	 * --partial-dmesg: the records whose seq is at least clear_seq.
	 * (Upstream instead starts at the descriptor of clear_seq's index in
	 * head's lap, which loses records once the ring has wrapped and never
	 * ends when that index lies past head's.)
	 */
	if (partial && kf_have(k, KF_SYM_clear_seq) && kf_have(k, KF_OFF_printk_info_seq)) {
		if (prb_clear_seq(r, &p.clear_seq, e) < 0)
			goto out;
		p.partial = true;
	}
	r->caller = kf_have(k, KF_OFF_printk_info_caller_id);

	/* tail_id to head_id, both included: never more ids than descriptors */
	tail &= p.id_mask;
	head &= p.id_mask;
	n = (head - tail) & p.id_mask;
	if (n >= p.count) {
		log_msg("dmesg: tail_id 0x%llx and head_id 0x%llx are %llu apart, more than the "
			"%llu descriptors; reading the newest %llu.\n",
			(unsigned long long)tail, (unsigned long long)head,
			(unsigned long long)n, (unsigned long long)p.count,
			(unsigned long long)p.count);
		n = p.count - 1;
		tail = (head - n) & p.id_mask;
	}
	if (out_open(r, e) < 0)
		goto out;
	for (i = 0; i <= n; i++)
		if (prb_record(r, &p, (tail + i) & p.id_mask, e) < 0)
			goto out;
	rc = 0;
out:
	prb_free(&p);
	return rc;
}

/* ---- struct printk_log records (3.5 to 5.9) -------------------------------- */

struct rec_layout {
	uint64_t size;		/* the header; the text follows it */
	int64_t len, text_len, ts_nsec, caller_id;
};

/* The header layout: struct printk_log, called struct log before 3.11. */
static int rec_layout(const struct kview *kv, struct rec_layout *l, struct err *e)
{
	const struct kfacts *k = &kv->k;
	static const enum kf_id need_printk_log[] = {
		KF_SIZE_printk_log, KF_OFF_printk_log_len, KF_OFF_printk_log_text_len,
		KF_OFF_printk_log_ts_nsec,
	};
	static const enum kf_id need_log[] = {
		KF_SIZE_log, KF_OFF_log_len, KF_OFF_log_text_len, KF_OFF_log_ts_nsec,
	};

	memset(l, 0, sizeof(*l));
	l->caller_id = -1;
	if (!kf_have(k, KF_SIZE_printk_log) && kf_have(k, KF_SIZE_log)) {
		if (need_facts(k, need_log, 4, "log_buf records", e) < 0)
			return -1;
		l->size = kf_val(k, KF_SIZE_log);
		l->len = kf_val(k, KF_OFF_log_len);
		l->text_len = kf_val(k, KF_OFF_log_text_len);
		l->ts_nsec = kf_val(k, KF_OFF_log_ts_nsec);
		return check_size(kv, KF_SIZE_log, e) < 0 ||
		       check_field(k, KF_OFF_log_len, 0, 2, KF_SIZE_log, e) < 0 ||
		       check_field(k, KF_OFF_log_text_len, 0, 2, KF_SIZE_log, e) < 0 ||
		       check_field(k, KF_OFF_log_ts_nsec, 0, 8, KF_SIZE_log, e) < 0 ? -1 : 0;
	}
	if (need_facts(k, need_printk_log, 4, "log_buf records", e) < 0)
		return -1;
	l->size = kf_val(k, KF_SIZE_printk_log);
	l->len = kf_val(k, KF_OFF_printk_log_len);
	l->text_len = kf_val(k, KF_OFF_printk_log_text_len);
	l->ts_nsec = kf_val(k, KF_OFF_printk_log_ts_nsec);
	if (kf_have(k, KF_OFF_printk_log_caller_id))
		l->caller_id = kf_val(k, KF_OFF_printk_log_caller_id);
	return check_size(kv, KF_SIZE_printk_log, e) < 0 ||
	       check_field(k, KF_OFF_printk_log_len, 0, 2, KF_SIZE_printk_log, e) < 0 ||
	       check_field(k, KF_OFF_printk_log_text_len, 0, 2, KF_SIZE_printk_log, e) < 0 ||
	       check_field(k, KF_OFF_printk_log_ts_nsec, 0, 8, KF_SIZE_printk_log, e) < 0 ||
	       (l->caller_id >= 0 &&
		check_field(k, KF_OFF_printk_log_caller_id, 0, 4, KF_SIZE_printk_log, e) < 0) ? -1 : 0;
}

/*
 * Walk from first to next.  A valid log goes forward and wraps (a record
 * of length 0) at most once, and only when first lies past next; anything
 * else is damage, and the walk stops there since the records after a bad
 * length cannot be found.
 */
static int walk_records(struct dmesg_run *r, const struct rec_layout *l, const struct kcopy *buf,
			uint32_t first, uint32_t next, struct err *e)
{
	uint64_t len = buf->len, pos = first;
	bool may_wrap = first > next, wrapped = false;

	while (pos != next) {
		const uint8_t *h = buf->buf + pos;
		uint64_t reclen, limit;
		uint16_t text_len;
		uint32_t caller = 0;

		if (pos + l->size > len) {
			skip(r, "log_buf index 0x%llx leaves no room for a record header; "
			     "the rest of the log is lost", (unsigned long long)pos);
			return 0;
		}
		if (!kcopy_ok(buf, pos, l->size)) {
			skip(r, "the record at log_buf index 0x%llx is not in the dump; "
			     "the rest of the log is lost", (unsigned long long)pos);
			return 0;
		}
		reclen = kv_ld16(r->kv, h + l->len);
		if (reclen == 0) {
			/* end of buffer marker: the next record is at the start */
			if (!may_wrap || wrapped) {
				skip(r, "unexpected end-of-buffer mark at log_buf index 0x%llx; "
				     "the rest of the log is lost", (unsigned long long)pos);
				return 0;
			}
			wrapped = true;
			pos = 0;
			continue;
		}
		if (reclen < l->size) {
			skip(r, "the record at log_buf index 0x%llx has length %llu, less than its "
			     "header; the rest of the log is lost", (unsigned long long)pos,
			     (unsigned long long)reclen);
			return 0;
		}
		limit = may_wrap && !wrapped ? len : next;
		if (pos + reclen > limit) {
			skip(r, "the record at log_buf index 0x%llx has length %llu, past %s; "
			     "the rest of the log is lost", (unsigned long long)pos,
			     (unsigned long long)reclen,
			     limit == len ? "the end of log_buf" : "log_next_idx");
			return 0;
		}
		text_len = kv_ld16(r->kv, h + l->text_len);
		if (text_len > reclen - l->size) {
			note(r, "the record at log_buf index 0x%llx claims %u bytes of text in a "
			     "%llu-byte record; cut to the record", (unsigned long long)pos,
			     text_len, (unsigned long long)reclen);
			text_len = (uint16_t)(reclen - l->size);
		}
		if (!kcopy_ok(buf, pos + l->size, text_len)) {
			skip(r, "the text at log_buf index 0x%llx is not in the dump; skipped",
			     (unsigned long long)pos);
		} else {
			if (l->caller_id >= 0)
				caller = kv_ld32(r->kv, h + l->caller_id);
			if (emit_record(r, kv_ld64(r->kv, h + l->ts_nsec), caller,
					h + l->size, text_len, e) < 0)
				return -1;
		}
		pos += reclen;
	}
	return 0;
}

static int save_records(struct dmesg_run *r, bool partial, struct err *e)
{
	static const enum kf_id need[] = {
		KF_SYM_log_buf, KF_SYM_log_buf_len, KF_SYM_log_first_idx, KF_SYM_log_next_idx,
	};
	struct kview *kv = r->kv;
	const struct kfacts *k = &kv->k;
	enum kf_id first_sym = KF_SYM_log_first_idx;
	struct rec_layout l;
	struct kcopy buf;
	uint64_t log_buf;
	uint32_t buf_len, first, next;
	int rc;

	if (need_facts(k, need, 4, "log_buf records", e) < 0 || rec_layout(kv, &l, e) < 0)
		return -1;
	/* --partial-dmesg: from the first record after the last clear */
	if (partial && kf_have(k, KF_SYM_clear_idx))
		first_sym = KF_SYM_clear_idx;
	if (kview_read_ptr(kv, kf_addr(k, KF_SYM_log_buf), &log_buf, e) < 0 ||
	    kview_read_u32(kv, kf_addr(k, KF_SYM_log_buf_len), &buf_len, e) < 0 ||
	    kview_read_u32(kv, kf_addr(k, first_sym), &first, e) < 0 ||
	    kview_read_u32(kv, kf_addr(k, KF_SYM_log_next_idx), &next, e) < 0)
		return err_prefix(e, "dmesg: reading the log_buf variables");
	if (buf_len < l.size || buf_len > LOG_BUF_MAX)
		return err_set(e, "dmesg: log_buf_len %u is impossible", buf_len);
	if (first >= buf_len || next >= buf_len)
		return err_set(e, "dmesg: %s 0x%x or log_next_idx 0x%x lies outside the "
			       "%u-byte log_buf", kf_table[first_sym].key, first, next, buf_len);
	if (kcopy_read(kv, log_buf, buf_len, "log_buf", &buf, e) < 0)
		return -1;
	r->caller = l.caller_id >= 0;
	rc = out_open(r, e);
	if (rc == 0)
		rc = walk_records(r, &l, &buf, first, next, e);
	kcopy_free(&buf);
	return rc;
}

/* ---- the character ring (before 3.5) --------------------------------------- */

/*
 * log_end and logged_chars count characters since boot; 2.6.25 made them
 * "unsigned" where they were "unsigned long".  A dump without a release
 * gets the newer width (the low half of the old one on little-endian).
 */
static unsigned classic_counter_size(const struct kview *kv)
{
	if (kf_have_text(&kv->k, KT_OSRELEASE) && kf_release_cmp(kf_text(&kv->k, KT_OSRELEASE), 2, 6, 25) < 0)
		return kv->ptr_size;
	return 4;
}

static int read_counter(struct kview *kv, enum kf_id sym, unsigned size, uint64_t *v,
			struct err *e)
{
	uint32_t v32;

	if (size == 4) {
		if (kview_read_u32(kv, kf_addr(&kv->k, sym), &v32, e) < 0)
			return -1;
		*v = v32;
		return 0;
	}
	return kview_read_ptr(kv, kf_addr(&kv->k, sym), v, e);
}

static int save_classic(struct dmesg_run *r, bool partial, struct err *e)
{
	struct kview *kv = r->kv;
	const struct kfacts *k = &kv->k;
	unsigned csize = classic_counter_size(kv);
	uint64_t log_buf, log_end, start, n, chars, i;
	uint32_t buf_len;
	struct kcopy buf;
	int rc;

	if (kview_read_ptr(kv, kf_addr(k, KF_SYM_log_buf), &log_buf, e) < 0 ||
	    kview_read_u32(kv, kf_addr(k, KF_SYM_log_buf_len), &buf_len, e) < 0 ||
	    read_counter(kv, KF_SYM_log_end, csize, &log_end, e) < 0)
		return err_prefix(e, "dmesg: reading the log_buf variables");
	if (buf_len == 0 || buf_len > LOG_BUF_MAX)
		return err_set(e, "dmesg: log_buf_len %u is impossible", buf_len);

	/* Until it first fills, the log is log_buf[0, log_end); then the whole ring from log_end. */
	if (log_end < buf_len) {
		start = 0;
		n = log_end;
	} else {
		start = (buf_len & (buf_len - 1)) == 0 ? log_end & (buf_len - 1) : log_end % buf_len;
		n = buf_len;
	}
	/* --partial-dmesg: the last logged_chars (zeroed by a clear) */
	if (partial && kf_have(k, KF_SYM_logged_chars)) {
		if (read_counter(kv, KF_SYM_logged_chars, csize, &chars, e) < 0)
			return err_prefix(e, "dmesg: reading logged_chars");
		if (chars < n) {
			start = (start + n - chars) % buf_len;
			n = chars;
		}
	}
	if (kcopy_read(kv, log_buf, buf_len, "log_buf", &buf, e) < 0)
		return -1;
	rc = out_open(r, e);
	for (i = 0; rc == 0 && i < n;) {
		uint64_t pos = (start + i) % buf_len;
		uint64_t run = buf_len - pos < n - i ? buf_len - pos : n - i;
		uint64_t page_end = buf.page_size - (log_buf + pos) % buf.page_size;

		/* one page at a time, leaving out what the dump lacks */
		if (run > page_end)
			run = page_end;
		if (kcopy_ok(&buf, pos, run))
			fwrite(buf.buf + pos, 1, (size_t)run, r->out);
		else
			note(r, "log_buf bytes 0x%llx-0x%llx are not in the dump; left out",
			     (unsigned long long)pos, (unsigned long long)(pos + run));
		rc = out_check(r, e);
		i += run;
	}
	kcopy_free(&buf);
	return rc;
}

/* ---- entry ---------------------------------------------------------------- */

int dmesg_save(struct kview *kv, const char *path, bool partial, bool force, struct err *e)
{
	const struct kfacts *k = &kv->k;
	struct dmesg_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kv = kv;
	r.path = path;
	r.force = force;
	r.signed_char = upstream_char_is_signed(kv);

	if (kf_have(k, KF_SYM_prb))
		rc = save_lockless(&r, partial, e);
	else if (!kf_have(k, KF_SYM_log_buf) || !kf_have(k, KF_SYM_log_buf_len))
		rc = err_set(e, "dmesg: the dump names no kernel log "
			     "(neither SYMBOL(prb) nor SYMBOL(log_buf) and SYMBOL(log_buf_len))");
	else if (kf_have(k, KF_SYM_log_end))
		rc = save_classic(&r, partial, e);
	else
		rc = save_records(&r, partial, e);

	if (r.out)
		rc = out_close(&r, rc, e);
	if (r.lines > SKIP_LINES_MAX)
		log_msg("dmesg: %u more messages about damage not shown.\n",
			r.lines - SKIP_LINES_MAX);
	if (r.skipped)
		log_msg("dmesg: %u damaged record%s skipped.\n", r.skipped,
			r.skipped == 1 ? " was" : "s were");
	return rc;
}
