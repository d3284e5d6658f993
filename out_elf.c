/* out_elf.c - write an ELF dump; see out_elf.h. */
#include "out_elf.h"
#include "bitmap.h"
#include "log.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

/* A run of this many excluded pages ends a segment; shorter gaps are written. */
#define PFN_EXCLUDED 256

struct elf_writer {
	struct dump_run *r;
	GElf_Ehdr eh;
	GElf_Phdr note;
	int cls;
	unsigned char encoding;
	size_t ehdr_size, phdr_size;
	uint64_t nloads;		/* PT_LOADs the output will have */
	bool extended;			/* e_phnum overflowed: count in section 0 */
	uint64_t phdr_off, note_off, data_off;
	uint64_t next_phdr;		/* index of the next PT_LOAD header */
	struct sink_stream data;
	uint64_t elf_excluded;
	uint8_t *copybuf;
	uint64_t durable, fix_pos;	/* out of space: what reached the file */
	/*
	 * The pages whose data cannot be read are found by the first walk (the
	 * headers are written before the data) and noted in the run: every
	 * later walk cuts the segments at the same places.
	 */
	bool bad_known;
};

/* One output PT_LOAD being grown along an input segment. */
struct piece {
	GElf_Phdr ph;
	uint64_t memsz, filesz;
};

/* last: the piece that ends the input segment (upstream gives it an offset even when empty). */
typedef int (*load_fn)(struct elf_writer *w, const GElf_Phdr *ph, bool last, struct err *e);

/*
 * 1 when the data of pfn cannot be read (a bad sector costs that page), 0
 * when it can, -1 on error.  judged: the bitmap pass read it already
 * (zero pages leave an ELF dump's bitmap), and noted it if it failed.
 */
static int page_unreadable(struct elf_writer *w, uint64_t pfn, bool judged, struct err *e)
{
	struct err why = { 0 };

	if (dump_known_unreadable(w->r, pfn))
		return 1;
	if (judged || w->bad_known || vmcore_page(w->r->kn->vc, pfn, &why))
		return 0;
	if (why.code != ERR_UNREADABLE) {
		*e = why;
		return -1;
	}
	return dump_note_unreadable(w->r, pfn, &why, e) < 0 ? -1 : 1;
}

/* 1 when a page of the gap [pfn, pfn+n) (written as filler) cannot be read. */
static int gap_unreadable(struct elf_writer *w, uint64_t pfn, uint64_t n, struct err *e)
{
	int rc = 0;

	for (; n && !rc; pfn++, n--)
		rc = page_unreadable(w, pfn, false, e);
	return rc;
}

/*
 * Walk one input segment and cut it into output PT_LOADs as upstream does:
 * a run of PFN_EXCLUDED or more excluded pages ends a piece (as its
 * memory-only tail); shorter runs stay in the file with their contents.
 * A page that cannot be read ends a piece whatever the gap: it is never
 * in the file.
 */
static int cut_segment(struct elf_writer *w, const struct vmcore_seg *s, load_fn emit,
		       struct err *e)
{
	uint64_t ps = w->r->kn->kv.page_size;
	uint64_t pfn = s->paddr / ps, pfn_end = (s->paddr + s->memsz) / ps;
	uint64_t head = ps - s->paddr % ps, tail = (s->paddr + s->memsz) % ps, excluded = 0;
	bool hard = false;	/* the gap holds an unreadable page: it must end the piece */
	struct piece p;

	memset(&p, 0, sizeof(p));
	p.ph.p_type = PT_LOAD;
	p.ph.p_flags = s->flags;
	p.ph.p_align = s->align;
	p.ph.p_paddr = s->paddr;
	p.ph.p_vaddr = s->vaddr;
	if (head != ps) {
		p.memsz = p.filesz = head < s->memsz ? head : s->memsz;
		pfn++;
	}
	if (tail)
		pfn_end++;
	if (pfn_end > w->r->kn->pfn_limit) {
		/* A p_memsz past the address width is garbage: the segment ends with the dump. */
		pfn_end = w->r->plan->max_mapnr > pfn ? w->r->plan->max_mapnr : pfn;
		tail = 0;
	}
	for (; pfn < pfn_end; pfn++) {
		uint64_t size = (pfn == pfn_end - 1 && tail) ? tail : ps;
		bool keep;

		if (pfn >= w->r->plan->max_mapnr) {
			/* Past every dumped pfn nothing is kept: the rest in one step, not page by page. */
			excluded += pfn_end - pfn;
			p.memsz += (pfn_end - pfn - 1) * ps + (tail ? tail : ps);
			break;
		}

		if (dump_is_kept(w->r, pfn, &keep, e) < 0)
			return -1;
		if (keep && size == ps) {
			int bad = page_unreadable(w, pfn, w->r->plan->exclude_zero_in_bitmap, e);

			if (bad < 0)
				return -1;
			keep = !bad;
			hard |= bad;
		}
		if (!keep) {
			excluded++;
			p.memsz += size;
			continue;
		}
		if (excluded < PFN_EXCLUDED && !hard) {
			int bad = excluded ? gap_unreadable(w, pfn - excluded, excluded, e) : 0;

			if (bad < 0)
				return -1;
			if (!bad) {
				p.filesz += ps * excluded + size;
				p.memsz += size;
				excluded = 0;
				continue;
			}
		}
		hard = false;
		/* A long gap: close the piece before it, start a new one here. */
		w->elf_excluded += excluded;
		p.ph.p_memsz = p.memsz;
		p.ph.p_filesz = p.filesz;
		if (emit(w, &p.ph, false, e) < 0)
			return -1;
		p.ph.p_paddr += p.memsz;
		/* i386 highmem has no linear address (vaddr 0xffffffff): every piece keeps it, as upstream's */
		if (s->vaddr != UINT32_MAX && s->vaddr != UINT64_MAX)
			p.ph.p_vaddr += p.memsz;
		p.memsz = p.filesz = size;
		excluded = 0;
	}
	w->elf_excluded += excluded;
	p.ph.p_memsz = p.memsz;
	p.ph.p_filesz = p.filesz;
	return emit(w, &p.ph, true, e);
}

static int count_load(struct elf_writer *w, const GElf_Phdr *ph, bool last, struct err *e)
{
	(void)ph;
	(void)last;
	(void)e;
	w->nloads++;
	return 0;
}

/* Convert one header to the file's class and byte order. */
static int to_file(struct elf_writer *w, Elf_Type type, const void *mem, void *file,
		   size_t file_size, struct err *e)
{
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	Elf64_Phdr p64;
	Elf32_Phdr p32;
	Elf_Data src = { .d_version = EV_CURRENT, .d_type = type }, dst = src;

	if (type == ELF_T_EHDR) {
		const GElf_Ehdr *g = mem;

		if (w->cls == ELFCLASS64) {
			e64 = *(const Elf64_Ehdr *)g;
			src.d_buf = &e64;
			src.d_size = sizeof(e64);
		} else {
			memcpy(e32.e_ident, g->e_ident, EI_NIDENT);
			e32.e_type = g->e_type; e32.e_machine = g->e_machine;
			e32.e_version = (Elf32_Word)g->e_version; e32.e_entry = (Elf32_Addr)g->e_entry;
			e32.e_phoff = (Elf32_Off)g->e_phoff; e32.e_shoff = (Elf32_Off)g->e_shoff;
			e32.e_flags = (Elf32_Word)g->e_flags; e32.e_ehsize = g->e_ehsize;
			e32.e_phentsize = g->e_phentsize; e32.e_phnum = g->e_phnum;
			e32.e_shentsize = g->e_shentsize; e32.e_shnum = g->e_shnum;
			e32.e_shstrndx = g->e_shstrndx;
			src.d_buf = &e32;
			src.d_size = sizeof(e32);
		}
	} else {
		const GElf_Phdr *g = mem;

		if (w->cls == ELFCLASS64) {
			p64 = *(const Elf64_Phdr *)g;
			src.d_buf = &p64;
			src.d_size = sizeof(p64);
		} else {
			p32.p_type = (Elf32_Word)g->p_type; p32.p_offset = (Elf32_Off)g->p_offset;
			p32.p_vaddr = (Elf32_Addr)g->p_vaddr; p32.p_paddr = (Elf32_Addr)g->p_paddr;
			p32.p_filesz = (Elf32_Word)g->p_filesz; p32.p_memsz = (Elf32_Word)g->p_memsz;
			p32.p_flags = (Elf32_Word)g->p_flags; p32.p_align = (Elf32_Word)g->p_align;
			src.d_buf = &p32;
			src.d_size = sizeof(p32);
		}
	}
	dst.d_buf = file;
	dst.d_size = file_size;
	if ((w->cls == ELFCLASS64 ? elf64_xlatetof(&dst, &src, w->encoding)
				  : elf32_xlatetof(&dst, &src, w->encoding)) == NULL)
		return err_set(e, "ELF header conversion failed: %s", elf_errmsg(-1));
	return 0;
}

static int write_phdr(struct elf_writer *w, uint64_t index, const GElf_Phdr *ph, struct err *e)
{
	uint8_t b[64];

	if (to_file(w, ELF_T_PHDR, ph, b, w->phdr_size, e) < 0)
		return -1;
	return sink_write(w->r->sink, w->phdr_off + index * w->phdr_size, b, w->phdr_size, e);
}

static int write_ehdr(struct elf_writer *w, bool incomplete, struct err *e)
{
	GElf_Ehdr eh = w->eh;
	uint8_t b[64];
	uint64_t phnum = 1 + w->nloads;

	eh.e_ehsize = (GElf_Half)w->ehdr_size;	/* QEMU 7.2's s390x dumps say 8 */
	eh.e_phoff = w->phdr_off;
	eh.e_phentsize = (GElf_Half)w->phdr_size;
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shentsize = 0;
	eh.e_shstrndx = SHN_UNDEF;
	eh.e_phnum = (GElf_Half)(w->extended ? PN_XNUM : phnum);
	if (w->extended) {
		eh.e_shoff = w->ehdr_size;
		eh.e_shentsize = (GElf_Half)(w->cls == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr));
		eh.e_shnum = 1;
	}
	if (incomplete)
		eh.e_flags |= ELF_FLAG_INCOMPLETE;
	if (to_file(w, ELF_T_EHDR, &eh, b, w->ehdr_size, e) < 0)
		return -1;
	return sink_write(w->r->sink, 0, b, w->ehdr_size, e);
}

/* Section 0 carries the real program header count when it exceeds 0xfffe. */
static int write_section0(struct elf_writer *w, struct err *e)
{
	uint8_t b[64];
	uint64_t phnum = 1 + w->nloads;
	size_t n = w->cls == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	unsigned info_at = w->cls == ELFCLASS64 ? 44 : 28;
	unsigned i;

	memset(b, 0, sizeof(b));
	for (i = 0; i < 4; i++)
		b[info_at + (w->encoding == ELFDATA2MSB ? 3 - i : i)] = (uint8_t)(phnum >> (8 * i));
	return sink_write(w->r->sink, w->ehdr_size, b, n, e);
}

static int copy_data(struct elf_writer *w, uint64_t paddr, uint64_t len, struct err *e)
{
	while (len) {
		size_t n = len < (1u << 20) ? (size_t)len : (1u << 20);

		if (vmcore_read_phys(w->r->kn->vc, paddr, w->copybuf, n, e) < 0 ||
		    sink_stream_put(&w->data, w->copybuf, n, e) < 0)
			return -1;
		paddr += n;
		len -= n;
		w->r->num_written += n / w->r->kn->kv.page_size;
	}
	return 0;
}

static int write_load(struct elf_writer *w, const GElf_Phdr *ph, bool last, struct err *e)
{
	GElf_Phdr out = *ph;

	out.p_offset = (ph->p_filesz || last) ? sink_stream_pos(&w->data) : 0;
	if (write_phdr(w, 1 + w->next_phdr++, &out, e) < 0)
		return -1;
	return copy_data(w, ph->p_paddr, ph->p_filesz, e);
}

/*
 * Out of space: walk the segments again and rewrite every PT_LOAD header
 * so that none claims file bytes past what reached the file; readers that
 * map the file then never touch a byte that is not there.
 */
static int fix_load(struct elf_writer *w, const GElf_Phdr *ph, bool last, struct err *e)
{
	uint64_t ps = w->r->kn->kv.page_size;
	GElf_Phdr out = *ph;

	out.p_offset = (ph->p_filesz || last) ? w->fix_pos : 0;
	if (out.p_offset >= w->durable)
		out.p_filesz = 0;
	else if (out.p_filesz > w->durable - out.p_offset)
		out.p_filesz = (w->durable - out.p_offset) / ps * ps;
	w->fix_pos += ph->p_filesz;
	return write_phdr(w, 1 + w->next_phdr++, &out, e);
}

static void save_what_fits(struct elf_writer *w)
{
	struct err ignore;
	size_t i;

	w->durable = w->data.off;	/* the chunk that failed is not counted */
	w->data.len = 0;
	w->fix_pos = w->data_off;
	w->next_phdr = 0;
	for (i = 0; i < vmcore_nsegs(w->r->kn->vc); i++)
		if (cut_segment(w, vmcore_seg(w->r->kn->vc, i), fix_load, &ignore) < 0)
			return;
}

static int plan(struct elf_writer *w, struct err *e)
{
	struct vmcore *vc = w->r->kn->vc;
	size_t i, note_len;

	if (!vmcore_elf_headers(vc, &w->eh, &w->note))
		return err_set(e, "%s: ELF output needs an ELF input with a PT_NOTE", vmcore_path(vc));
	w->cls = w->eh.e_ident[EI_CLASS];
	w->encoding = w->eh.e_ident[EI_DATA];
	w->ehdr_size = w->cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	w->phdr_size = w->cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	for (i = 0; i < vmcore_nsegs(vc); i++)
		if (cut_segment(w, vmcore_seg(vc, i), count_load, e) < 0)
			return -1;
	w->bad_known = true;
	w->extended = 1 + w->nloads >= PN_XNUM;
	if (w->extended && w->cls != ELFCLASS64)
		return err_set(e, "%llu program headers do not fit an ELF32 dump",
			       (unsigned long long)(1 + w->nloads));
	w->phdr_off = w->ehdr_size + (w->extended ? (w->cls == ELFCLASS64 ? sizeof(Elf64_Shdr)
									 : sizeof(Elf32_Shdr)) : 0);
	w->note_off = w->phdr_off + (1 + w->nloads) * w->phdr_size;
	vmcore_notes(vc, &note_len);
	w->data_off = w->note_off + note_len;
	w->elf_excluded = 0;
	return 0;
}

static int write_notes(struct elf_writer *w, struct err *e)
{
	size_t len;
	const uint8_t *notes = vmcore_notes(w->r->kn->vc, &len);
	GElf_Phdr ph = w->note;

	ph.p_offset = w->note_off;
	ph.p_filesz = len;
	if (write_phdr(w, 0, &ph, e) < 0)
		return -1;
	return sink_write(w->r->sink, w->note_off, notes, len, e);
}

static int write_loads(struct elf_writer *w, struct err *e)
{
	struct vmcore *vc = w->r->kn->vc;
	struct progress pr;
	size_t i;

	progress_begin(&pr, "Copying data", vmcore_nsegs(vc));
	for (i = 0; i < vmcore_nsegs(vc); i++) {
		if (cut_segment(w, vmcore_seg(vc, i), write_load, e) < 0)
			return -1;
		progress_update(&pr, i + 1);
	}
	if (sink_stream_flush(&w->data, e) < 0)
		return -1;
	progress_end(&pr);
	dump_warn_unreadable(w->r);
	return 0;
}

int out_elf_write(struct dump_run *r, uint64_t *elf_excluded, struct err *e)
{
	struct elf_writer w;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.copybuf = malloc(1u << 20);
	if (!w.copybuf) {
		err_set(e, "out of memory");
		goto out;
	}
	if (dump_open_bitmap(r, r->plan->bm2_home, BM2_NO_OFFSET, e) < 0 ||
	    dump_filter_pass(r, BM2_NO_OFFSET, e) < 0 || plan(&w, e) < 0)
		goto out;
	if ((sink_rewritable(r->sink) && write_ehdr(&w, true, e) < 0) ||
	    (w.extended && write_section0(&w, e) < 0) ||
	    write_notes(&w, e) < 0)
		goto out;
	if (sink_stream_init(&w.data, r->sink, w.data_off,
			     (size_t)r->kn->kv.page_size << r->plan->block_order, e) < 0)
		goto out;
	if (write_loads(&w, e) < 0) {
		struct err ignore;

		if (!err_is_cut_short(e))
			goto out;
		r->incomplete = true;
		save_what_fits(&w);
		write_ehdr(&w, true, &ignore);
		goto out;
	}
	if (write_ehdr(&w, false, e) < 0)
		goto out;
	rc = 0;
out:
	*elf_excluded = w.elf_excluded;
	sink_stream_free(&w.data);
	free(w.copybuf);
	return rc;
}
