/*
 * vmcore_kdump.c - a kdump-compressed dump as input (refiltering).
 *
 * The headers give the geometry, the copied PT_NOTE gives VMCOREINFO; the
 * bitmaps are read a block at a time from the file, never held whole.  A
 * pfn's descriptor index is the number of dumped pfns before it: a table
 * of running counts per bitmap block (8 bytes per 128 MiB of RAM with 4 KiB
 * pages) plus a popcount inside the block.  Decompressed pages are kept in
 * a small cache because kernel structures are read a few bytes at a time.
 */
#include "vmcore_format.h"
#include "bitmap.h"
#include "bytes.h"
#include "compress.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KDUMP_SIGNATURE "KDUMP   "
#define PAGE_DESC_SIZE 24
#define PAGE_CACHE_SLOTS 16

struct cached_page {
	uint64_t pfn;		/* +1; 0 = empty */
	uint8_t *data;
};

struct kdump_input {
	struct infile *f;
	bool be;
	unsigned word;			/* 8 or 4 */
	unsigned block_size;
	uint64_t sub_hdr_blocks, bitmap_blocks, max_mapnr;
	uint64_t off_bm1, off_bm2, off_pd, bitmap_bytes;
	int dump_level;
	uint32_t status;
	bool split;
	uint64_t split_start, split_end;
	uint64_t phys_base;
	int64_t tv_sec;

	uint64_t *counts;		/* dumped pfns before each bitmap block */
	uint64_t nblocks;
	uint8_t *blk;			/* one block of the 2nd bitmap */
	uint64_t blk_no;		/* +1; 0 = none */

	struct cached_page cache[PAGE_CACHE_SLOTS];
	uint8_t *cbuf;			/* compressed data of one page */

	uint8_t *notes;			/* the copied PT_NOTE */
	size_t notes_len;
	unsigned page_size;
	uint64_t original_pages;	/* pages the 1st bitmap says are present */
};

static bool kdump_probe(struct infile *f)
{
	char sig[8];

	if (f->size < 512 || pread_full(f->fd, sig, 8, 0) < 0)
		return false;
	return memcmp(sig, KDUMP_SIGNATURE, 8) == 0;
}

/* Machines by the utsname the kdump header carries. */
static unsigned machine_of(const char *m)
{
	if (!strcmp(m, "x86_64"))
		return EM_X86_64;
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return EM_AARCH64;
	if (!strcmp(m, "s390x"))
		return EM_S390;
	if (!strncmp(m, "ppc64", 5))
		return EM_PPC64;
	if (m[0] == 'i' && !strcmp(m + 2, "86"))
		return EM_386;
	if (!strcmp(m, "riscv64"))
		return EM_RISCV;
	return EM_NONE;
}

/*
 * The header is in the dumped machine's byte order and word size: the
 * version (1..6) tells the byte order, a sane block size the layout.
 */
static int parse_main_header(struct kdump_input *kd, struct input_desc *d, const uint8_t *h,
			     struct err *e)
{
	static const unsigned status_at[] = { 424, 412 };	/* 64-bit, 32-bit */
	uint32_t version = (uint32_t)ld_uint(h + 8, 4, false);
	size_t i;

	kd->be = !(version >= 1 && version <= 64);
	version = (uint32_t)ld_uint(h + 8, 4, kd->be);
	if (version < 1 || version > 64)
		return err_set(e, "%s: kdump header version %u is not valid", kd->f->path, version);
	for (i = 0; i < 2; i++) {
		uint64_t bs = ld_uint(h + status_at[i] + 4, 4, kd->be);

		if (bs >= 512 && bs <= (1u << 20) && !(bs & (bs - 1))) {
			kd->block_size = (unsigned)bs;
			kd->word = i == 0 ? 8 : 4;
			kd->sub_hdr_blocks = ld_uint(h + status_at[i] + 8, 4, kd->be);
			kd->bitmap_blocks = ld_uint(h + status_at[i] + 12, 4, kd->be);
			kd->max_mapnr = ld_uint(h + status_at[i] + 16, 4, kd->be);
			d->nr_cpus = (unsigned)ld_uint(h + status_at[i] + 36, 4, kd->be);
			kd->status = (uint32_t)ld_uint(h + status_at[i], 4, kd->be);
			kd->tv_sec = (int64_t)ld_uint(h + status_at[i] - (i == 0 ? 16 : 8), kd->word, kd->be);
			break;
		}
	}
	if (!kd->block_size)
		return err_set(e, "%s: kdump header has no valid block size", kd->f->path);
	if (version < 1)
		return err_set(e, "%s: kdump header version %u has no dump level", kd->f->path, version);
	d->machine = machine_of((const char *)h + 12 + 4 * 65);
	d->elf_class = kd->word == 8 ? ELFCLASS64 : ELFCLASS32;
	d->big_endian = kd->be;
	return 0;
}

/*
 * Sub header fields by ABI: 64-bit; i386 (64-bit fields 4-byte aligned);
 * other 32-bit (8-byte aligned): offset_note, size_note, start_pfn_64,
 * end_pfn_64, max_mapnr_64.
 */
static const struct { unsigned off_note, size_note, start64, end64, mapnr64; } sub_abi[] = {
	{ 48, 56, 80, 88, 96 }, { 32, 40, 56, 64, 72 }, { 40, 48, 72, 80, 88 },
};

/*
 * Which 32-bit layout: the copied notes start right after the sub header,
 * so offset_note names its size; without notes, the machine decides.
 */
static unsigned sub_abi_of(const struct kdump_input *kd, unsigned machine, const uint8_t *s)
{
	if (kd->word == 8)
		return 0;
	if (ld_uint(s + sub_abi[1].off_note, 8, kd->be) == kd->block_size + 80u)
		return 1;
	if (ld_uint(s + sub_abi[2].off_note, 8, kd->be) == kd->block_size + 96u)
		return 2;
	return machine == EM_386 ? 1 : 2;
}

static int parse_sub_header(struct kdump_input *kd, struct input_desc *d, struct err *e)
{
	uint8_t s[104];
	unsigned abi;
	uint64_t off_note, size_note;

	if (pread_full(kd->f->fd, s, sizeof(s), kd->block_size) < 0)
		return err_errno(e, errno, "%s: reading the kdump sub header", kd->f->path);
	abi = sub_abi_of(kd, d->machine, s);
	if (abi == 1 && d->machine == EM_NONE)
		d->machine = EM_386;	/* the only ABI with this layout */
	kd->phys_base = ld_uint(s, kd->word, kd->be);
	kd->dump_level = (int)ld_uint(s + kd->word, 4, kd->be);
	kd->split = ld_uint(s + kd->word + 4, 4, kd->be) != 0;
	kd->split_start = ld_uint(s + kd->word + 8, kd->word, kd->be);
	kd->split_end = ld_uint(s + 2 * kd->word + 8, kd->word, kd->be);
	if (kd->split) {
		kd->split_start = ld_uint(s + sub_abi[abi].start64, 8, kd->be);
		kd->split_end = ld_uint(s + sub_abi[abi].end64, 8, kd->be);
	}
	off_note = ld_uint(s + sub_abi[abi].off_note, 8, kd->be);
	size_note = ld_uint(s + sub_abi[abi].size_note, kd->word, kd->be);
	if (ld_uint(s + sub_abi[abi].mapnr64, 8, kd->be))
		kd->max_mapnr = ld_uint(s + sub_abi[abi].mapnr64, 8, kd->be);	/* version 6: full 64 bits */
	if (!size_note)
		return 0;
	if (off_note > kd->f->size || size_note > kd->f->size - off_note ||
	    size_note > (64u << 20))
		return err_set(e, "%s: the kdump note (offset 0x%llx, size 0x%llx) points past the end of the file",
			       kd->f->path, (unsigned long long)off_note, (unsigned long long)size_note);
	kd->notes = malloc(size_note + 1);
	if (!kd->notes)
		return err_set(e, "%s: out of memory", kd->f->path);
	if (pread_full(kd->f->fd, kd->notes, size_note, off_note) < 0)
		return err_errno(e, errno, "%s: reading the kdump note", kd->f->path);
	kd->notes_len = size_note;
	return 0;
}

/* Find the VMCOREINFO note in the copied notes (nr_cpus comes from the header). */
/* Find the VMCOREINFO note in the copied notes (nr_cpus comes from the header). */
static void find_vmcoreinfo(const struct kdump_input *kd, struct input_desc *d)
{
	size_t pos = 0;

	while (pos + 12 <= kd->notes_len) {
		uint64_t namesz = ld_uint(kd->notes + pos, 4, kd->be);
		uint64_t descsz = ld_uint(kd->notes + pos + 4, 4, kd->be);
		/* 64-bit sums: a size near 2^32 must not wrap to a small step */
		uint64_t desc = pos + 12 + ((namesz + 3) & ~UINT64_C(3));
		uint64_t next = desc + ((descsz + 3) & ~UINT64_C(3));

		if (next > kd->notes_len || (!namesz && !descsz))
			return;
		if (namesz >= 10 && !memcmp(kd->notes + pos + 12, "VMCOREINFO", 10)) {
			d->vmcoreinfo_off = (size_t)desc;
			d->vmcoreinfo_len = (size_t)descsz;
		}
		pos = (size_t)next;
	}
}

/* Where the bitmaps and descriptors are, checked against the file. */
static int place_bitmaps(struct kdump_input *kd, struct err *e)
{
	kd->off_bm1 = (1 + kd->sub_hdr_blocks) * kd->block_size;
	kd->bitmap_bytes = kd->bitmap_blocks * kd->block_size / 2;
	kd->off_bm2 = kd->off_bm1 + kd->bitmap_bytes;
	kd->off_pd = kd->off_bm2 + kd->bitmap_bytes;
	if (kd->bitmap_bytes * 8 < kd->max_mapnr)
		return err_set(e, "%s: the kdump bitmaps (%llu blocks) are too small for %llu pages",
			       kd->f->path, (unsigned long long)kd->bitmap_blocks,
			       (unsigned long long)kd->max_mapnr);
	if (kd->off_pd > kd->f->size)
		return err_set(e, "%s: the kdump bitmaps run past the end of the file: truncated?",
			       kd->f->path);
	if (kd->split && (kd->split_start > kd->split_end || kd->split_end > kd->max_mapnr))
		return err_set(e, "%s: the split part's pfns 0x%llx-0x%llx are not within the dump's 0x%llx",
			       kd->f->path, (unsigned long long)kd->split_start,
			       (unsigned long long)kd->split_end, (unsigned long long)kd->max_mapnr);
	return 0;
}

static void kdump_close(void *fmt)
{
	struct kdump_input *kd = fmt;
	unsigned i;

	if (!kd)
		return;
	for (i = 0; i < PAGE_CACHE_SLOTS; i++)
		free(kd->cache[i].data);
	free(kd->counts);
	free(kd->blk);
	free(kd->cbuf);
	free(kd->notes);
	free(kd);
}

static void *kdump_open(struct infile *f, struct input_desc *d, struct err *e)
{
	struct kdump_input *kd = calloc(1, sizeof(*kd));
	uint8_t h[512];

	if (!kd) {
		err_set(e, "%s: out of memory", f->path);
		return NULL;
	}
	kd->f = f;
	if (pread_full(f->fd, h, sizeof(h), 0) < 0) {
		err_errno(e, errno, "%s: reading the kdump header", f->path);
		goto fail;
	}
	if (parse_main_header(kd, d, h, e) < 0 || parse_sub_header(kd, d, e) < 0)
		goto fail;
	find_vmcoreinfo(kd, d);
	if (place_bitmaps(kd, e) < 0)
		goto fail;
	d->notes = kd->notes;
	d->notes_len = kd->notes_len;
	return kd;
fail:
	kdump_close(kd);
	return NULL;
}

static bool kdump_geometry(const void *fmt, struct kdump_geometry *g)
{
	const struct kdump_input *kd = fmt;

	g->big_endian = kd->be;
	g->word = kd->word;
	g->block_size = kd->block_size;
	g->max_mapnr = kd->max_mapnr;
	g->off_bm2 = kd->off_bm2;
	g->bitmap_bytes = kd->bitmap_bytes;
	g->off_pd = kd->off_pd;
	g->dump_level = kd->dump_level;
	g->split = kd->split;
	g->split_start = kd->split ? kd->split_start : 0;
	g->split_end = kd->split ? kd->split_end : kd->max_mapnr;
	g->status = kd->status;
	g->phys_base = kd->phys_base;
	return true;
}

static int kdump_dump_level(const void *fmt)
{
	return ((const struct kdump_input *)fmt)->dump_level;
}

static uint64_t kdump_max_pfn(const void *fmt)
{
	return ((const struct kdump_input *)fmt)->max_mapnr;
}

static uint64_t kdump_original_pages(const void *fmt, uint64_t max_pfn)
{
	(void)max_pfn;	/* the 1st bitmap ends at max_mapnr */
	return ((const struct kdump_input *)fmt)->original_pages;
}

/* Count dumped pfns per bitmap block, and the pages present. */
static int count_bitmaps(struct kdump_input *kd, uint8_t *buf, struct err *e)
{
	unsigned bs = kd->block_size;
	uint64_t i, run = 0, present = 0;

	for (i = 0; i < kd->nblocks; i++) {
		kd->counts[i] = run;
		if (pread_full(kd->f->fd, buf, bs, kd->off_bm2 + i * bs) < 0)
			return err_errno(e, errno, "%s: reading the bitmaps", kd->f->path);
		run += bm_count(buf, 8ull * bs);
		if (pread_full(kd->f->fd, buf, bs, kd->off_bm1 + i * bs) < 0)
			return err_errno(e, errno, "%s: reading the bitmaps", kd->f->path);
		present += bm_count(buf, 8ull * bs);
	}
	kd->counts[kd->nblocks] = run;
	kd->original_pages = present;
	return 0;
}

static int kdump_set_page_size(void *fmt, unsigned page_size, struct err *e)
{
	struct kdump_input *kd = fmt;
	unsigned bs = kd->block_size;
	uint8_t *buf;
	unsigned i;
	int rc;

	kd->page_size = page_size;
	if (page_size != bs)
		return err_set(e, "%s: page size %u differs from the dump's block size %u",
			       kd->f->path, page_size, bs);
	kd->nblocks = (kd->max_mapnr + 8ull * bs - 1) / (8ull * bs);
	kd->counts = calloc(kd->nblocks + 1, sizeof(*kd->counts));
	kd->blk = malloc(bs);
	kd->cbuf = malloc(bs + bs / 16 + 1024);
	buf = malloc(bs);
	for (i = 0; i < PAGE_CACHE_SLOTS; i++)
		kd->cache[i].data = malloc(bs);
	if (!kd->counts || !kd->blk || !kd->cbuf || !buf || !kd->cache[PAGE_CACHE_SLOTS - 1].data) {
		free(buf);
		return err_set(e, "%s: out of memory", kd->f->path);
	}
	rc = count_bitmaps(kd, buf, e);
	free(buf);
	return rc;
}

static int load_block(struct kdump_input *kd, uint64_t blk, struct err *e)
{
	if (kd->blk_no == blk + 1)
		return 0;
	if (pread_full(kd->f->fd, kd->blk, kd->block_size, kd->off_bm2 + blk * kd->block_size) < 0)
		return err_errno(e, errno, "%s: reading the 2nd bitmap", kd->f->path);
	kd->blk_no = blk + 1;
	return 0;
}

static int kdump_window_bits(void *fmt, uint64_t start, uint64_t end, uint8_t *bm,
			     bool with_data_only, struct err *e)
{
	const struct kdump_input *kd = fmt;
	uint64_t off = (with_data_only ? kd->off_bm2 : kd->off_bm1) + start / 8;
	size_t len = (size_t)((end - start + 7) / 8);

	if (pread_full(kd->f->fd, bm, len, off) < 0)
		return err_errno(e, errno, "%s: reading a bitmap", kd->f->path);
	if ((end - start) & 7)
		bm[len - 1] &= (uint8_t)((1u << ((end - start) & 7)) - 1);
	return 0;
}

/* The file offset, size and codec flags of pfn's stored page. */
static int read_descriptor(struct kdump_input *kd, uint64_t pfn, uint64_t *off, uint32_t *size,
			   uint32_t *flags, struct err *e)
{
	uint64_t bits = 8ull * kd->block_size, blk = pfn / bits, idx;
	uint8_t pd[PAGE_DESC_SIZE];

	if (pfn >= kd->max_mapnr)
		return err_set(e, "%s: pfn 0x%llx is beyond the dump", kd->f->path,
			       (unsigned long long)pfn);
	if (load_block(kd, blk, e) < 0)
		return -1;
	if (!bm_test(kd->blk, pfn % bits))
		return err_set(e, "%s: pfn 0x%llx is excluded from the dump", kd->f->path,
			       (unsigned long long)pfn);
	idx = kd->counts[blk] + bm_count_range(kd->blk, 0, pfn % bits);
	if (pread_full(kd->f->fd, pd, sizeof(pd), kd->off_pd + idx * PAGE_DESC_SIZE) < 0)
		return err_errno(e, errno, "%s: reading the descriptor of pfn 0x%llx", kd->f->path,
				 (unsigned long long)pfn);
	*off = ld_uint(pd, 8, kd->be);
	*size = (uint32_t)ld_uint(pd + 8, 4, kd->be);
	*flags = (uint32_t)ld_uint(pd + 12, 4, kd->be);
	return 0;
}

static int read_page(struct kdump_input *kd, uint64_t pfn, uint8_t *out, struct err *e)
{
	const struct infile *f = kd->f;
	uint64_t off = 0;
	uint32_t size = 0, flags = 0;

	if (read_descriptor(kd, pfn, &off, &size, &flags, e) < 0)
		return -1;
	if (size > kd->block_size + kd->block_size / 16 + 1024 || off > f->size ||
	    size > f->size - off)
		return err_set(e, "%s: the descriptor of pfn 0x%llx is corrupt (offset 0x%llx, size %u)",
			       f->path, (unsigned long long)pfn, (unsigned long long)off, size);
	if (pread_full(f->fd, kd->cbuf, size, off) < 0)
		return err_errno(e, errno, "%s: reading pfn 0x%llx", f->path, (unsigned long long)pfn);
	if (codec_decompress(codec_from_flags(flags), kd->cbuf, size, out, kd->block_size, e) < 0)
		return err_prefix(e, "%s: pfn 0x%llx", f->path, (unsigned long long)pfn);
	return 0;
}

static const uint8_t *kdump_page(void *fmt, uint64_t pfn, struct err *e)
{
	struct kdump_input *kd = fmt;
	struct cached_page *c = &kd->cache[pfn % PAGE_CACHE_SLOTS];

	if (c->pfn == pfn + 1)
		return c->data;
	c->pfn = 0;
	if (read_page(kd, pfn, c->data, e) < 0)
		return NULL;
	c->pfn = pfn + 1;
	return c->data;
}

static int kdump_read_phys(void *fmt, uint64_t paddr, void *buf, size_t len, struct err *e)
{
	const struct kdump_input *kd = fmt;
	uint8_t *p = buf;

	while (len) {
		uint64_t in = paddr % kd->page_size;
		size_t n = kd->page_size - in < len ? (size_t)(kd->page_size - in) : len;
		const uint8_t *page = kdump_page(fmt, paddr / kd->page_size, e);

		if (!page)
			return -1;
		memcpy(p, page + in, n);
		p += n;
		paddr += n;
		len -= n;
	}
	return 0;
}

const struct input_ops input_kdump_ops = {
	.name = "kdump-compressed",
	.kind = VMCORE_KDUMP,
	.probe = kdump_probe,
	.open = kdump_open,
	.close = kdump_close,
	.set_page_size = kdump_set_page_size,
	.max_pfn = kdump_max_pfn,
	.original_pages = kdump_original_pages,
	.window_bits = kdump_window_bits,
	.page = kdump_page,
	.read_phys = kdump_read_phys,
	.dump_level = kdump_dump_level,
	.kdump_geometry = kdump_geometry,
};
