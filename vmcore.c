/* vmcore.c - ELF input dumps: headers and notes by libelf, pages by windows. */
#include "vmcore.h"
#include "vmcore_int.h"
#include "bitmap.h"
#include "bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads go through windows of this size: no system call per page. */
#define WINDOW_SIZE (1u << 20)

static int load_elf_headers(struct vmcore *vc, struct err *e);
static int load_notes(struct vmcore *vc, struct err *e);

/* The -F stream starts with "makedumpfile" in a 16-byte field (sink.c writes it). */
static bool is_flattened(int fd)
{
	char sig[16];

	return pread(fd, sig, sizeof(sig), 0) == (ssize_t)sizeof(sig) &&
	       memcmp(sig, "makedumpfile", 12) == 0 && sig[12] == 0;
}

struct vmcore *vmcore_open(const char *path, bool use_mmap, struct err *e)
{
	struct vmcore *vc = calloc(1, sizeof(*vc));
	struct stat st;

	if (!vc) {
		err_set(e, "%s: out of memory", path);
		return NULL;
	}
	vc->path = path;
	vc->use_mmap = use_mmap;
	vc->map_align = (uint64_t)sysconf(_SC_PAGESIZE);
	vc->fd = open(path, O_RDONLY);
	if (vc->fd < 0) {
		err_errno(e, errno, "%s", path);
		free(vc);
		return NULL;
	}
	if (fstat(vc->fd, &st) < 0) {
		err_errno(e, errno, "%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto fail;
	}
	vc->file_size = (uint64_t)st.st_size;
	if (is_flattened(vc->fd)) {
		err_set(e, "%s: a flattened dump (-F output): rearrange it first with "
			"makedumpfile -R DUMPFILE < %s", path, path);
		goto fail;
	}
	if (vmcore_kdump_probe(vc, e)) {
		if (vmcore_kdump_open(vc, e) < 0)
			goto fail;
		return vc;
	}
	if (load_elf_headers(vc, e) < 0 || load_notes(vc, e) < 0)
		goto fail;
	return vc;
fail:
	vmcore_close(vc);
	return NULL;
}

void vmcore_close(struct vmcore *vc)
{
	if (!vc)
		return;
	if (vc->map)
		munmap(vc->map, vc->map_len);
	if (vc->kdump)
		vmcore_kdump_close(vc);
	free(vc->segs);
	free(vc->ranges);
	free(vc->notes);
	free(vc->window);
	free(vc->scratch);
	free(vc->zero);
	if (vc->fd >= 0)
		close(vc->fd);
	free(vc);
}

const char *vmcore_path(const struct vmcore *vc) { return vc->path; }
enum vmcore_kind vmcore_kind(const struct vmcore *vc) { return vc->kind; }
int vmcore_elf_class(const struct vmcore *vc) { return vc->elf_class; }
bool vmcore_big_endian(const struct vmcore *vc) { return vc->big_endian; }
unsigned vmcore_machine(const struct vmcore *vc) { return vc->machine; }
size_t vmcore_nsegs(const struct vmcore *vc) { return vc->nsegs; }
const struct vmcore_seg *vmcore_seg(const struct vmcore *vc, size_t i) { return &vc->segs[i]; }
unsigned vmcore_nr_cpus(const struct vmcore *vc) { return vc->nr_cpus; }

bool vmcore_elf_headers(const struct vmcore *vc, GElf_Ehdr *eh, GElf_Phdr *note)
{
	if (vc->kind != VMCORE_ELF)
		return false;
	*eh = vc->ehdr;
	*note = vc->note_phdr;
	return vc->have_note_phdr;
}

const uint8_t *vmcore_notes(const struct vmcore *vc, size_t *len)
{
	*len = vc->notes_len;
	return vc->notes;
}

const char *vmcore_vmcoreinfo(const struct vmcore *vc, size_t *len, size_t *off)
{
	if (!vc->vmcoreinfo_len)
		return NULL;
	*len = vc->vmcoreinfo_len;
	if (off)
		*off = vc->vmcoreinfo_off;
	return (const char *)vc->notes + vc->vmcoreinfo_off;
}

/* ---- ELF headers -------------------------------------------------------- */

static int add_segment(struct vmcore *vc, const GElf_Phdr *ph, size_t idx, struct err *e)
{
	struct vmcore_seg *s;

	/* /proc/kcore's vmalloc, module and vmemmap areas have no physical address. */
	if (ph->p_paddr == (vc->elf_class == ELFCLASS32 ? UINT32_MAX : UINT64_MAX))
		return 0;
	if (ph->p_filesz > ph->p_memsz)
		return err_set(e, "%s: PT_LOAD %zu: file size 0x%llx exceeds memory size 0x%llx",
			       vc->path, idx, (unsigned long long)ph->p_filesz,
			       (unsigned long long)ph->p_memsz);
	if (ph->p_offset > vc->file_size || ph->p_filesz > vc->file_size - ph->p_offset)
		return err_set(e, "%s: PT_LOAD %zu (offset 0x%llx, size 0x%llx) points past the end of the file (0x%llx bytes): truncated vmcore?",
			       vc->path, idx, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)vc->file_size);
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return err_set(e, "%s: PT_LOAD %zu (physical 0x%llx, size 0x%llx) wraps around the address space",
			       vc->path, idx, (unsigned long long)ph->p_paddr,
			       (unsigned long long)ph->p_memsz);
	s = &vc->segs[vc->nsegs++];
	s->paddr = ph->p_paddr;
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->filesz = ph->p_filesz;
	s->offset = ph->p_offset;
	s->flags = ph->p_flags;
	s->align = ph->p_align;
	return 0;
}

static int add_note_segment(struct vmcore *vc, const GElf_Phdr *ph, size_t idx, struct err *e)
{
	uint8_t *grown;

	if (ph->p_offset > vc->file_size || ph->p_filesz > vc->file_size - ph->p_offset)
		return err_set(e, "%s: PT_NOTE %zu (offset 0x%llx, size 0x%llx) points past the end of the file (0x%llx bytes)",
			       vc->path, idx, (unsigned long long)ph->p_offset,
			       (unsigned long long)ph->p_filesz,
			       (unsigned long long)vc->file_size);
	if (!vc->have_note_phdr) {
		vc->note_phdr = *ph;
		vc->have_note_phdr = true;
	}
	if (ph->p_filesz > (64u << 20))
		return err_set(e, "%s: PT_NOTE %zu is implausibly large (0x%llx bytes)",
			       vc->path, idx, (unsigned long long)ph->p_filesz);
	grown = realloc(vc->notes, vc->notes_len + ph->p_filesz + 1);
	if (!grown)
		return err_set(e, "%s: out of memory for notes", vc->path);
	vc->notes = grown;
	if (pread_full(vc->fd, vc->notes + vc->notes_len, ph->p_filesz, ph->p_offset) < 0)
		return err_errno(e, errno, "%s: reading PT_NOTE %zu", vc->path, idx);
	vc->note_segs[vc->nnote_segs].off_in_file = ph->p_offset;
	vc->note_segs[vc->nnote_segs].off_in_notes = vc->notes_len;
	vc->note_segs[vc->nnote_segs].len = ph->p_filesz;
	if (vc->nnote_segs + 1 < MAX_NOTE_SEGS)
		vc->nnote_segs++;
	vc->notes_len += ph->p_filesz;
	return 0;
}

static int load_elf_headers(struct vmcore *vc, struct err *e)
{
	Elf *elf;
	GElf_Ehdr eh;
	size_t phnum, i;
	int rc = -1;

	elf_version(EV_CURRENT);
	elf = elf_begin(vc->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err_set(e, "%s: not an ELF file nor a kdump-compressed dump", vc->path);
		goto out;
	}
	if (!gelf_getehdr(elf, &eh)) {
		err_set(e, "%s: unreadable ELF header: %s", vc->path, elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type != ET_CORE) {
		err_set(e, "%s: ELF file is not a core dump (e_type %u)", vc->path, eh.e_type);
		goto out;
	}
	vc->kind = VMCORE_ELF;
	vc->ehdr = eh;
	vc->elf_class = eh.e_ident[EI_CLASS];
	vc->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	vc->machine = eh.e_machine;
	phnum = eh.e_phnum;
	if (phnum == PN_XNUM && elf_getphdrnum(elf, &phnum) < 0) {
		err_set(e, "%s: unreadable program header count: %s", vc->path, elf_errmsg(-1));
		goto out;
	}
	if (phnum == 0) {
		err_set(e, "%s: no program headers", vc->path);
		goto out;
	}
	if (eh.e_phoff > vc->file_size ||
	    phnum * (uint64_t)eh.e_phentsize > vc->file_size - eh.e_phoff) {
		err_set(e, "%s: program headers (%zu at offset 0x%llx) are truncated",
			vc->path, phnum, (unsigned long long)eh.e_phoff);
		goto out;
	}
	vc->segs = calloc(phnum, sizeof(*vc->segs));
	if (!vc->segs) {
		err_set(e, "%s: out of memory", vc->path);
		goto out;
	}
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			err_set(e, "%s: program header %zu unreadable: %s", vc->path, i,
				elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type == PT_LOAD && add_segment(vc, &ph, i, e) < 0)
			goto out;
		if (ph.p_type == PT_NOTE && add_note_segment(vc, &ph, i, e) < 0)
			goto out;
	}
	if (vc->nsegs == 0) {
		err_set(e, "%s: no PT_LOAD segment: no memory in this dump", vc->path);
		goto out;
	}
	rc = 0;
out:
	if (elf)
		elf_end(elf);
	return rc;
}

/* ---- notes --------------------------------------------------------------- */

static uint32_t note_word(const struct vmcore *vc, const uint8_t *p)
{
	return (uint32_t)ld_uint(p, 4, vc->big_endian);
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

/*
 * Walk one PT_NOTE's notes.  Both ELF classes use 4-byte words and 4-byte
 * alignment for the notes the kernel writes.
 */
static int scan_note_segment(struct vmcore *vc, size_t start, size_t len, struct err *e)
{
	size_t pos = start, end = start + len;

	while (pos + 12 <= end) {
		uint32_t namesz = note_word(vc, vc->notes + pos);
		uint32_t descsz = note_word(vc, vc->notes + pos + 4);
		uint32_t type = note_word(vc, vc->notes + pos + 8);
		size_t name = pos + 12, desc, next;

		if (namesz == 0 && descsz == 0 && type == 0)
			break;	/* zero padding after the last note */
		desc = name + align4(namesz);
		next = desc + align4(descsz);
		if (namesz > len || descsz > len || next > end)
			return err_set(e, "%s: note at offset %zu of PT_NOTE runs past its end",
				       vc->path, pos - start);
		if (type == NT_PRSTATUS)
			vc->nr_cpus++;
		if (namesz >= 10 && memcmp(vc->notes + name, "VMCOREINFO", 10) == 0) {
			vc->vmcoreinfo_off = desc;
			vc->vmcoreinfo_len = descsz;
		}
		pos = next;
	}
	return 0;
}

static int load_notes(struct vmcore *vc, struct err *e)
{
	size_t i;

	for (i = 0; i < vc->nnote_segs; i++)
		if (scan_note_segment(vc, vc->note_segs[i].off_in_notes,
				      vc->note_segs[i].len, e) < 0)
			return -1;
	return 0;
}

/* ---- pfn geometry ------------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int build_ranges(struct vmcore *vc, struct err *e)
{
	size_t i, n = 0;
	uint64_t ps = vc->page_size;

	vc->ranges = calloc(vc->nsegs, sizeof(*vc->ranges));
	if (!vc->ranges)
		return err_set(e, "%s: out of memory", vc->path);
	/*
	 * As upstream: a segment covers the pfn of its first byte up to, not
	 * including, the pfn of its end; a page cut at the segment's end is out.
	 */
	for (i = 0; i < vc->nsegs; i++) {
		vc->ranges[i].start = vc->segs[i].paddr / ps;
		vc->ranges[i].end = (vc->segs[i].paddr + vc->segs[i].memsz) / ps;
		if (vc->ranges[i].end < vc->ranges[i].start)
			vc->ranges[i].end = vc->ranges[i].start;
	}
	qsort(vc->ranges, vc->nsegs, sizeof(*vc->ranges), cmp_range);
	for (i = 0; i < vc->nsegs; i++) {
		if (vc->ranges[i].end == vc->ranges[i].start)
			continue;
		if (n && vc->ranges[i].start <= vc->ranges[n - 1].end) {
			if (vc->ranges[i].end > vc->ranges[n - 1].end)
				vc->ranges[n - 1].end = vc->ranges[i].end;
			continue;
		}
		vc->ranges[n++] = vc->ranges[i];
	}
	vc->nranges = n;
	vc->max_pfn = 0;
	for (i = 0; i < vc->nsegs; i++) {
		uint64_t end = (vc->segs[i].paddr + vc->segs[i].memsz + ps - 1) / ps;

		if (end > vc->max_pfn)
			vc->max_pfn = end;
	}
	return 0;
}

uint64_t vmcore_original_pages(const struct vmcore *vc, uint64_t max_pfn)
{
	uint64_t n = 0, ps = vc->page_size;
	size_t i;

	if (vc->kind == VMCORE_KDUMP)
		return vc->original_pages;
	/* Per segment, as upstream counts: a page two segments share counts twice. */
	for (i = 0; i < vc->nsegs; i++) {
		uint64_t start = vc->segs[i].paddr / ps;
		uint64_t end = (vc->segs[i].paddr + vc->segs[i].memsz) / ps;

		if (end > max_pfn)
			end = max_pfn;
		if (end > start)
			n += end - start;
	}
	return n;
}

/* Index of the first range ending after pfn. */
static size_t first_range_after(const struct vmcore *vc, uint64_t pfn)
{
	size_t lo = 0, hi = vc->nranges;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (vc->ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int vmcore_window_bits(struct vmcore *vc, uint64_t start, uint64_t end, uint8_t *bm,
		       bool with_data_only, struct err *e)
{
	uint64_t ps = vc->page_size;
	size_t i;

	memset(bm, 0, (size_t)((end - start + 7) / 8));
	if (vc->kind == VMCORE_KDUMP)
		return vmcore_kdump_window_bits(vc, start, end, bm, with_data_only, e);
	for (i = first_range_after(vc, start); i < vc->nranges && vc->ranges[i].start < end; i++) {
		uint64_t a = vc->ranges[i].start > start ? vc->ranges[i].start : start;
		uint64_t b = vc->ranges[i].end < end ? vc->ranges[i].end : end;

		bm_set_range(bm, a - start, b - start);
	}
	if (!with_data_only)
		return 0;
	/* Bytes past p_filesz were not saved: those pages have no data. */
	for (i = 0; i < vc->nsegs; i++) {
		const struct vmcore_seg *s = &vc->segs[i];
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
	return 0;
}

int vmcore_set_page_size(struct vmcore *vc, unsigned page_size, struct err *e)
{
	if (page_size < 512 || (page_size & (page_size - 1)))
		return err_set(e, "%s: invalid page size %u", vc->path, page_size);
	if (vc->page_size == page_size)
		return 0;
	if (vc->page_size)
		return err_set(e, "%s: page size changed from %u to %u", vc->path,
			       vc->page_size, page_size);
	vc->page_size = page_size;
	vc->scratch = malloc(page_size);
	vc->zero = calloc(1, page_size);
	if (!vc->scratch || !vc->zero)
		return err_set(e, "%s: out of memory", vc->path);
	if (vc->kind == VMCORE_KDUMP)
		return vmcore_kdump_set_page_size(vc, e);
	return build_ranges(vc, e);
}

uint64_t vmcore_max_pfn(const struct vmcore *vc) { return vc->max_pfn; }

/* ---- reading ------------------------------------------------------------ */

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;	/* file shorter than its headers say */
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The segment holding paddr's file bytes, or else the one holding it at all. */
static const struct vmcore_seg *find_seg(struct vmcore *vc, uint64_t paddr)
{
	const struct vmcore_seg *s = &vc->segs[vc->last_seg], *any = NULL;
	size_t i;

	if (paddr >= s->paddr && paddr - s->paddr < s->filesz)
		return s;
	for (i = 0; i < vc->nsegs; i++) {
		s = &vc->segs[i];
		if (paddr < s->paddr || paddr - s->paddr >= s->memsz)
			continue;
		if (paddr - s->paddr < s->filesz) {
			vc->last_seg = i;
			return s;
		}
		if (!any)
			any = s;
	}
	return any;
}

/* Make [off, off+len) of the file addressable; returns a pointer to off. */
static const uint8_t *window_at(struct vmcore *vc, uint64_t off, size_t len, struct err *e)
{
	uint64_t base;
	size_t span;

	if (vc->win_len && off >= vc->win_off && off + len <= vc->win_off + vc->win_len)
		return vc->win_ptr + (off - vc->win_off);
	base = off & ~(uint64_t)(WINDOW_SIZE - 1);
	span = WINDOW_SIZE;
	if (off + len > base + span)	/* straddles: start the window at off */
		base = off & ~(uint64_t)(vc->map_align - 1);
	if (base + span > vc->file_size)
		span = (size_t)(vc->file_size - base);
	if (off + len > base + span) {
		err_set(e, "%s: read of 0x%zx bytes at offset 0x%llx is past the end of the file",
			vc->path, len, (unsigned long long)off);
		return NULL;
	}
	if (vc->use_mmap) {
		void *m;

		if (vc->map)
			munmap(vc->map, vc->map_len);
		vc->map = NULL;
		m = mmap(NULL, span, PROT_READ, MAP_PRIVATE, vc->fd, (off_t)base);
		if (m != MAP_FAILED) {
			vc->map = m;
			vc->map_len = span;
			vc->win_ptr = m;
			vc->win_off = base;
			vc->win_len = span;
			return vc->win_ptr + (off - base);
		}
		vc->use_mmap = false;	/* not mmap-able (old kernel): read instead */
	}
	if (!vc->window) {
		vc->window = malloc(WINDOW_SIZE);
		if (!vc->window) {
			err_set(e, "%s: out of memory for the read window", vc->path);
			return NULL;
		}
	}
	vc->win_len = 0;
	if (pread_full(vc->fd, vc->window, span, base) < 0) {
		err_errno(e, errno, "%s: read at offset 0x%llx", vc->path,
			  (unsigned long long)base);
		return NULL;
	}
	vc->win_ptr = vc->window;
	vc->win_off = base;
	vc->win_len = span;
	return vc->win_ptr + (off - base);
}

/*
 * Copy [paddr, paddr+len) into buf; bytes in memsz but past filesz are zero.
 * With holes_ok, bytes outside every segment are zero too.
 */
static int read_phys(struct vmcore *vc, uint64_t paddr, uint8_t *buf, size_t len,
		     bool holes_ok, struct err *e)
{
	while (len) {
		const struct vmcore_seg *s = find_seg(vc, paddr);
		size_t chunk = len;

		if (!s) {
			uint64_t next = UINT64_MAX;
			size_t i;

			if (!holes_ok)
				return err_set(e, "%s: physical address 0x%llx is not in the dump",
					       vc->path, (unsigned long long)paddr);
			for (i = 0; i < vc->nsegs; i++)
				if (vc->segs[i].paddr > paddr && vc->segs[i].paddr < next)
					next = vc->segs[i].paddr;
			if (next - paddr < chunk)
				chunk = (size_t)(next - paddr);
			memset(buf, 0, chunk);
		} else {
			uint64_t in = paddr - s->paddr;

			if (in < s->filesz) {
				const uint8_t *src;

				if (s->filesz - in < chunk)
					chunk = (size_t)(s->filesz - in);
				if (chunk > WINDOW_SIZE / 2)
					chunk = WINDOW_SIZE / 2;
				src = window_at(vc, s->offset + in, chunk, e);
				if (!src)
					return -1;
				memcpy(buf, src, chunk);
			} else {
				if (s->memsz - in < chunk)
					chunk = (size_t)(s->memsz - in);
				memset(buf, 0, chunk);
			}
		}
		buf += chunk;
		paddr += chunk;
		len -= chunk;
	}
	return 0;
}

int vmcore_read_phys(struct vmcore *vc, uint64_t paddr, void *buf, size_t len, struct err *e)
{
	if (vc->kind == VMCORE_KDUMP)
		return vmcore_kdump_read_phys(vc, paddr, buf, len, e);
	return read_phys(vc, paddr, buf, len, false, e);
}

const uint8_t *vmcore_page(struct vmcore *vc, uint64_t pfn, struct err *e)
{
	uint64_t paddr = pfn * vc->page_size;
	const struct vmcore_seg *s;

	if (vc->kind == VMCORE_KDUMP)
		return vmcore_kdump_page(vc, pfn, e);
	s = find_seg(vc, paddr);
	if (s && paddr >= s->paddr) {
		uint64_t in = paddr - s->paddr;

		if (in + vc->page_size <= s->filesz)
			return window_at(vc, s->offset + in, vc->page_size, e);
		if (in >= s->filesz && in + vc->page_size <= s->memsz)
			return vc->zero;
	}
	/* The page straddles a segment edge: assemble it. */
	if (read_phys(vc, paddr, vc->scratch, vc->page_size, true, e) < 0)
		return NULL;
	return vc->scratch;
}
