/*
 * vmcore_elf.c - an ELF /proc/vmcore as input (ELF32 or ELF64, either byte
 * order): program headers and notes by libelf, pages through the read
 * window of infile.h.
 *
 * PT_LOAD headers are the RAM ranges; bytes past p_filesz up to p_memsz
 * read as zero.  Once the page size is known the segments become sorted,
 * merged pfn ranges for the presence bitmap.
 */
#include "vmcore_format.h"
#include "bitmap.h"
#include "bytes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define MAX_NOTE_SEGS 64

struct pfn_range { uint64_t start, end; };

struct note_seg { size_t off_in_notes, len; };

struct elf_input {
	struct infile *f;
	struct input_desc *d;	/* filled during open only */
	int elf_class;
	bool big_endian;
	GElf_Ehdr ehdr;
	GElf_Phdr note_phdr;
	bool have_note_phdr;

	struct vmcore_seg *segs;
	size_t nsegs, last_seg;

	uint8_t *notes;
	size_t notes_len;
	struct note_seg note_segs[MAX_NOTE_SEGS];
	size_t nnote_segs;

	unsigned page_size;
	struct pfn_range *ranges;
	size_t nranges;
	uint64_t max_pfn;
	uint8_t *scratch, *zero;	/* an assembled page; a page of zeros */
};

/* ---- probe -------------------------------------------------------------- */

static bool elf_probe(struct infile *f)
{
	Elf *elf;
	bool yes;

	elf_version(EV_CURRENT);
	elf = elf_begin(f->fd, ELF_C_READ, NULL);
	yes = elf && elf_kind(elf) == ELF_K_ELF;
	if (elf)
		elf_end(elf);
	return yes;
}

/* ---- ELF headers -------------------------------------------------------- */

static int add_segment(struct elf_input *ei, const GElf_Phdr *ph, size_t idx, struct err *e)
{
	const struct infile *f = ei->f;
	struct vmcore_seg *s;

	/* /proc/kcore's vmalloc, module and vmemmap areas have no physical address. */
	if (ph->p_paddr == (ei->elf_class == ELFCLASS32 ? UINT32_MAX : UINT64_MAX))
		return 0;
	if (ph->p_filesz > ph->p_memsz)
		return err_set(e, "%s: PT_LOAD %zu: file size 0x%llx exceeds memory size 0x%llx",
			       f->path, idx, (unsigned long long)ph->p_filesz,
			       (unsigned long long)ph->p_memsz);
	if (ph->p_offset > f->size || ph->p_filesz > f->size - ph->p_offset)
		return err_set(e, "%s: PT_LOAD %zu (offset 0x%llx, size 0x%llx) points past the end of the file (0x%llx bytes): truncated vmcore?",
			       f->path, idx, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)f->size);
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return err_set(e, "%s: PT_LOAD %zu (physical 0x%llx, size 0x%llx) wraps around the address space",
			       f->path, idx, (unsigned long long)ph->p_paddr,
			       (unsigned long long)ph->p_memsz);
	s = &ei->segs[ei->nsegs++];
	s->paddr = ph->p_paddr;
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->filesz = ph->p_filesz;
	s->offset = ph->p_offset;
	s->flags = ph->p_flags;
	s->align = ph->p_align;
	return 0;
}

static int add_note_segment(struct elf_input *ei, const GElf_Phdr *ph, size_t idx, struct err *e)
{
	const struct infile *f = ei->f;
	uint8_t *grown;

	if (ph->p_offset > f->size || ph->p_filesz > f->size - ph->p_offset)
		return err_set(e, "%s: PT_NOTE %zu (offset 0x%llx, size 0x%llx) points past the end of the file (0x%llx bytes)",
			       f->path, idx, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)f->size);
	if (!ei->have_note_phdr) {
		ei->note_phdr = *ph;
		ei->have_note_phdr = true;
	}
	if (ph->p_filesz > (64u << 20))
		return err_set(e, "%s: PT_NOTE %zu is implausibly large (0x%llx bytes)",
			       f->path, idx, (unsigned long long)ph->p_filesz);
	grown = realloc(ei->notes, ei->notes_len + ph->p_filesz + 1);
	if (!grown)
		return err_set(e, "%s: out of memory for notes", f->path);
	ei->notes = grown;
	if (pread_full(f->fd, ei->notes + ei->notes_len, ph->p_filesz, ph->p_offset) < 0)
		return err_errno(e, errno, "%s: reading PT_NOTE %zu", f->path, idx);
	ei->note_segs[ei->nnote_segs].off_in_notes = ei->notes_len;
	ei->note_segs[ei->nnote_segs].len = ph->p_filesz;
	if (ei->nnote_segs + 1 < MAX_NOTE_SEGS)
		ei->nnote_segs++;
	ei->notes_len += ph->p_filesz;
	return 0;
}

/* The ELF header: what it says of the dumped machine, and the program header count. */
static int read_ehdr(struct elf_input *ei, Elf *elf, size_t *phnum, struct err *e)
{
	const struct infile *f = ei->f;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return err_set(e, "%s: unreadable ELF header: %s", f->path, elf_errmsg(-1));
	if (eh.e_type != ET_CORE)
		return err_set(e, "%s: ELF file is not a core dump (e_type %u)", f->path, eh.e_type);
	ei->ehdr = eh;
	ei->elf_class = eh.e_ident[EI_CLASS];
	ei->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	ei->d->elf_class = ei->elf_class;
	ei->d->big_endian = ei->big_endian;
	ei->d->machine = eh.e_machine;
	*phnum = eh.e_phnum;
	if (*phnum == PN_XNUM && elf_getphdrnum(elf, phnum) < 0)
		return err_set(e, "%s: unreadable program header count: %s", f->path,
			       elf_errmsg(-1));
	if (*phnum == 0)
		return err_set(e, "%s: no program headers", f->path);
	if (eh.e_phoff > f->size || *phnum * (uint64_t)eh.e_phentsize > f->size - eh.e_phoff)
		return err_set(e, "%s: program headers (%zu at offset 0x%llx) are truncated",
			       f->path, *phnum, (unsigned long long)eh.e_phoff);
	return 0;
}

static int read_phdrs(struct elf_input *ei, Elf *elf, size_t phnum, struct err *e)
{
	const struct infile *f = ei->f;
	size_t i;

	ei->segs = calloc(phnum, sizeof(*ei->segs));
	if (!ei->segs)
		return err_set(e, "%s: out of memory", f->path);
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			return err_set(e, "%s: program header %zu unreadable: %s", f->path, i,
				       elf_errmsg(-1));
		if (ph.p_type == PT_LOAD && add_segment(ei, &ph, i, e) < 0)
			return -1;
		if (ph.p_type == PT_NOTE && add_note_segment(ei, &ph, i, e) < 0)
			return -1;
	}
	if (ei->nsegs == 0)
		return err_set(e, "%s: no PT_LOAD segment: no memory in this dump", f->path);
	return 0;
}

static int load_elf_headers(struct elf_input *ei, struct err *e)
{
	Elf *elf;
	size_t phnum;
	int rc = -1;

	elf_version(EV_CURRENT);
	elf = elf_begin(ei->f->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		err_set(e, "%s: not an ELF file nor a kdump-compressed dump", ei->f->path);
	else if (read_ehdr(ei, elf, &phnum, e) == 0 && read_phdrs(ei, elf, phnum, e) == 0)
		rc = 0;
	if (elf)
		elf_end(elf);
	return rc;
}

/* ---- notes --------------------------------------------------------------- */

static uint32_t note_word(const struct elf_input *ei, const uint8_t *p)
{
	return (uint32_t)ld_uint(p, 4, ei->big_endian);
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

/*
 * Walk one PT_NOTE's notes.  Both ELF classes use 4-byte words and 4-byte
 * alignment for the notes the kernel writes.
 */
static int scan_note_segment(struct elf_input *ei, size_t start, size_t len, struct err *e)
{
	size_t pos = start, end = start + len;

	while (pos + 12 <= end) {
		uint32_t namesz = note_word(ei, ei->notes + pos);
		uint32_t descsz = note_word(ei, ei->notes + pos + 4);
		uint32_t type = note_word(ei, ei->notes + pos + 8);
		size_t name = pos + 12, desc, next;

		if (namesz == 0 && descsz == 0 && type == 0)
			break;	/* zero padding after the last note */
		desc = name + align4(namesz);
		next = desc + align4(descsz);
		if (namesz > len || descsz > len || next > end)
			return err_set(e, "%s: note at offset %zu of PT_NOTE runs past its end",
				       ei->f->path, pos - start);
		if (type == NT_PRSTATUS)
			ei->d->nr_cpus++;
		if (namesz >= 10 && memcmp(ei->notes + name, "VMCOREINFO", 10) == 0) {
			ei->d->vmcoreinfo_off = desc;
			ei->d->vmcoreinfo_len = descsz;
		}
		pos = next;
	}
	return 0;
}

static int load_notes(struct elf_input *ei, struct err *e)
{
	size_t i;

	for (i = 0; i < ei->nnote_segs; i++)
		if (scan_note_segment(ei, ei->note_segs[i].off_in_notes,
				      ei->note_segs[i].len, e) < 0)
			return -1;
	return 0;
}

static void elf_close(void *fmt)
{
	struct elf_input *ei = fmt;

	if (!ei)
		return;
	free(ei->segs);
	free(ei->ranges);
	free(ei->notes);
	free(ei->scratch);
	free(ei->zero);
	free(ei);
}

static void *elf_open(struct infile *f, struct input_desc *d, struct err *e)
{
	struct elf_input *ei = calloc(1, sizeof(*ei));

	if (!ei) {
		err_set(e, "%s: out of memory", f->path);
		return NULL;
	}
	ei->f = f;
	ei->d = d;
	if (load_elf_headers(ei, e) < 0 || load_notes(ei, e) < 0) {
		elf_close(ei);
		return NULL;
	}
	d->segs = ei->segs;
	d->nsegs = ei->nsegs;
	d->notes = ei->notes;
	d->notes_len = ei->notes_len;
	ei->d = NULL;
	return ei;
}

static bool elf_headers(const void *fmt, GElf_Ehdr *eh, GElf_Phdr *note)
{
	const struct elf_input *ei = fmt;

	*eh = ei->ehdr;
	*note = ei->note_phdr;
	return ei->have_note_phdr;
}

/* ---- pfn geometry ------------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int build_ranges(struct elf_input *ei, struct err *e)
{
	size_t i, n = 0;
	uint64_t ps = ei->page_size;

	ei->ranges = calloc(ei->nsegs, sizeof(*ei->ranges));
	if (!ei->ranges)
		return err_set(e, "%s: out of memory", ei->f->path);
	/*
	 * As upstream: a segment covers the pfn of its first byte up to, not
	 * including, the pfn of its end; a page cut at the segment's end is out.
	 */
	for (i = 0; i < ei->nsegs; i++) {
		ei->ranges[i].start = ei->segs[i].paddr / ps;
		ei->ranges[i].end = (ei->segs[i].paddr + ei->segs[i].memsz) / ps;
		if (ei->ranges[i].end < ei->ranges[i].start)
			ei->ranges[i].end = ei->ranges[i].start;
	}
	qsort(ei->ranges, ei->nsegs, sizeof(*ei->ranges), cmp_range);
	for (i = 0; i < ei->nsegs; i++) {
		if (ei->ranges[i].end == ei->ranges[i].start)
			continue;
		if (n && ei->ranges[i].start <= ei->ranges[n - 1].end) {
			if (ei->ranges[i].end > ei->ranges[n - 1].end)
				ei->ranges[n - 1].end = ei->ranges[i].end;
			continue;
		}
		ei->ranges[n++] = ei->ranges[i];
	}
	ei->nranges = n;
	ei->max_pfn = 0;
	for (i = 0; i < ei->nsegs; i++) {
		uint64_t end = (ei->segs[i].paddr + ei->segs[i].memsz + ps - 1) / ps;

		if (end > ei->max_pfn)
			ei->max_pfn = end;
	}
	return 0;
}

static int elf_set_page_size(void *fmt, unsigned page_size, struct err *e)
{
	struct elf_input *ei = fmt;

	ei->page_size = page_size;
	/* set again when the page size is learnt late: the old geometry goes */
	free(ei->scratch);
	free(ei->zero);
	free(ei->ranges);
	ei->ranges = NULL;
	ei->scratch = malloc(page_size);
	ei->zero = calloc(1, page_size);
	if (!ei->scratch || !ei->zero)
		return err_set(e, "%s: out of memory", ei->f->path);
	return build_ranges(ei, e);
}

static uint64_t elf_max_pfn(const void *fmt)
{
	return ((const struct elf_input *)fmt)->max_pfn;
}

static uint64_t elf_original_pages(const void *fmt, uint64_t max_pfn)
{
	const struct elf_input *ei = fmt;
	uint64_t n = 0, ps = ei->page_size;
	size_t i;

	/* Per segment, as upstream counts: a page two segments share counts twice. */
	for (i = 0; i < ei->nsegs; i++) {
		uint64_t start = ei->segs[i].paddr / ps;
		uint64_t end = (ei->segs[i].paddr + ei->segs[i].memsz) / ps;

		if (end > max_pfn)
			end = max_pfn;
		if (end > start)
			n += end - start;
	}
	return n;
}

/* Index of the first range ending after pfn. */
static size_t first_range_after(const struct elf_input *ei, uint64_t pfn)
{
	size_t lo = 0, hi = ei->nranges;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ei->ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes past p_filesz were not saved: those pages have no data. */
static void clear_unsaved(const struct elf_input *ei, uint64_t start, uint64_t end, uint8_t *bm)
{
	uint64_t ps = ei->page_size;
	size_t i;

	for (i = 0; i < ei->nsegs; i++) {
		const struct vmcore_seg *s = &ei->segs[i];
		uint64_t a, b;

		if (s->filesz == s->memsz)
			continue;
		a = (s->paddr + s->filesz + ps - 1) / ps;
		b = (s->paddr + s->memsz + ps - 1) / ps;
		if (a < start)
			a = start;
		if (b > end)
			b = end;
		if (a < b)
			bm_clear_range(bm, a - start, b - start);
	}
}

static int elf_window_bits(void *fmt, uint64_t start, uint64_t end, uint8_t *bm,
			   bool with_data_only, struct err *e)
{
	const struct elf_input *ei = fmt;
	size_t i;

	(void)e;
	memset(bm, 0, (size_t)((end - start + 7) / 8));
	for (i = first_range_after(ei, start); i < ei->nranges && ei->ranges[i].start < end; i++) {
		uint64_t a = ei->ranges[i].start > start ? ei->ranges[i].start : start;
		uint64_t b = ei->ranges[i].end < end ? ei->ranges[i].end : end;

		bm_set_range(bm, a - start, b - start);
	}
	if (with_data_only)
		clear_unsaved(ei, start, end, bm);
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

/* The segment holding paddr's file bytes, or else the one holding it at all. */
static const struct vmcore_seg *find_seg(struct elf_input *ei, uint64_t paddr)
{
	const struct vmcore_seg *s = &ei->segs[ei->last_seg], *any = NULL;
	size_t i;

	if (paddr >= s->paddr && paddr - s->paddr < s->filesz)
		return s;
	for (i = 0; i < ei->nsegs; i++) {
		s = &ei->segs[i];
		if (paddr < s->paddr || paddr - s->paddr >= s->memsz)
			continue;
		if (paddr - s->paddr < s->filesz) {
			ei->last_seg = i;
			return s;
		}
		if (!any)
			any = s;
	}
	return any;
}

/* Bytes from paddr (in no segment) to the next segment's start, at most len. */
static size_t hole_length(const struct elf_input *ei, uint64_t paddr, size_t len)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < ei->nsegs; i++)
		if (ei->segs[i].paddr > paddr && ei->segs[i].paddr < next)
			next = ei->segs[i].paddr;
	return next - paddr < len ? (size_t)(next - paddr) : len;
}

/* The file offset of physical address 0 were s to reach it: windows aligned in physical memory. */
static uint64_t seg_grid(const struct vmcore_seg *s)
{
	return s->offset - s->paddr;
}

/* Copy what segment s holds from paddr on (at most len) into buf; returns the count. */
static ssize_t copy_from_seg(struct elf_input *ei, const struct vmcore_seg *s, uint64_t paddr,
			     uint8_t *buf, size_t len, struct err *e)
{
	uint64_t in = paddr - s->paddr;
	size_t chunk = len;

	if (in >= s->filesz) {
		if (s->memsz - in < chunk)
			chunk = (size_t)(s->memsz - in);
		memset(buf, 0, chunk);
		return (ssize_t)chunk;
	}
	if (s->filesz - in < chunk)
		chunk = (size_t)(s->filesz - in);
	if (chunk > INFILE_WINDOW_SIZE / 2)
		chunk = INFILE_WINDOW_SIZE / 2;
	if (infile_copy(ei->f, s->offset + in, buf, chunk, seg_grid(s), e) < 0)
		return -1;
	return (ssize_t)chunk;
}

/*
 * Copy [paddr, paddr+len) into buf; bytes in memsz but past filesz are zero.
 * With holes_ok, bytes outside every segment are zero too.
 */
static int read_phys(struct elf_input *ei, uint64_t paddr, uint8_t *buf, size_t len,
		     bool holes_ok, struct err *e)
{
	while (len) {
		const struct vmcore_seg *s = find_seg(ei, paddr);
		ssize_t chunk;

		if (s) {
			chunk = copy_from_seg(ei, s, paddr, buf, len, e);
			if (chunk < 0)
				return -1;
		} else if (holes_ok) {
			chunk = (ssize_t)hole_length(ei, paddr, len);
			memset(buf, 0, (size_t)chunk);
		} else {
			return err_set(e, "%s: physical address 0x%llx is not in the dump",
				       ei->f->path, (unsigned long long)paddr);
		}
		buf += chunk;
		paddr += (uint64_t)chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

static int elf_read_phys(void *fmt, uint64_t paddr, void *buf, size_t len, struct err *e)
{
	return read_phys(fmt, paddr, buf, len, false, e);
}

static const uint8_t *elf_page(void *fmt, uint64_t pfn, struct err *e)
{
	struct elf_input *ei = fmt;
	uint64_t paddr = pfn * ei->page_size;
	const struct vmcore_seg *s = find_seg(ei, paddr);

	if (s && paddr >= s->paddr) {
		uint64_t in = paddr - s->paddr;

		if (in + ei->page_size <= s->filesz)
			return infile_is_hole(ei->f, s->offset + in, ei->page_size)
				? ei->zero
				: infile_window(ei->f, s->offset + in, ei->page_size, seg_grid(s), e);
		if (in >= s->filesz && in + ei->page_size <= s->memsz)
			return ei->zero;
	}
	/* The page straddles a segment edge: assemble it. */
	if (read_phys(ei, paddr, ei->scratch, ei->page_size, true, e) < 0)
		return NULL;
	return ei->scratch;
}

static bool elf_page_known_zero(const void *fmt, const uint8_t *page)
{
	return page == ((const struct elf_input *)fmt)->zero;
}

/* Pages in a mapping of the file can be held; the zero page and the scratch one are not. */
static int elf_page_hold(void *fmt, const uint8_t *page)
{
	struct elf_input *ei = fmt;

	if (page == ei->zero || page == ei->scratch)
		return -1;
	return infile_hold(ei->f, page);
}

static void elf_page_release(void *fmt, int handle)
{
	infile_release(((struct elf_input *)fmt)->f, handle);
}

const struct input_ops input_elf_ops = {
	.name = "ELF",
	.kind = VMCORE_ELF,
	.probe = elf_probe,
	.open = elf_open,
	.close = elf_close,
	.set_page_size = elf_set_page_size,
	.max_pfn = elf_max_pfn,
	.original_pages = elf_original_pages,
	.window_bits = elf_window_bits,
	.page = elf_page,
	.page_known_zero = elf_page_known_zero,
	.page_hold = elf_page_hold,
	.page_release = elf_page_release,
	.read_phys = elf_read_phys,
	.elf_headers = elf_headers,
};
