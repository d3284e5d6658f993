/*
 * elf.c - the ELF64 (ELF32 for a 32-bit kernel) core file, laid out like /proc/vmcore:
 *   ELF header, program headers (PT_NOTE, a kernel text PT_LOAD where the
 *   arch has one (x86_64), one PT_LOAD per RAM range with p_vaddr =
 *   PAGE_OFFSET + p_paddr), the notes (one "CORE"/NT_PRSTATUS per CPU, then
 *   "VMCOREINFO"), then page data.
 * The ELF structures are written field by field, in the target's byte
 * order, from the ELF specification; no <elf.h>.
 */
#include "mkvmcore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EHDR_SIZE	(A->word32 ? 52u : 64u)
#define PHDR_SIZE	(A->word32 ? 32u : 56u)
#define PT_LOAD		1
#define PT_NOTE		4
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define NT_PRSTATUS	1
#define PRSTATUS_MAX	512	/* struct elf_prstatus: the arch says its size */
#define PRSTATUS_PID	(A->word32 ? 24 : 32)	/* after pr_info, pr_cursig, pr_sigpend, pr_sighold */

struct seg { uint32_t type, flags; uint64_t off, vaddr, paddr, filesz, memsz, align; };

static uint8_t *buf;
static size_t len, cap;

static void emit(const void *p, size_t n)
{
	if (len + n > cap) {
		cap = (len + n) * 2 + 4096;
		buf = realloc(buf, cap);
		if (!buf)
			die("out of memory");
	}
	memcpy(buf + len, p, n);
	len += n;
}

static void emit_t(uint64_t v, unsigned n)	/* in the target's byte order */
{
	uint8_t b[8];

	put_t(b, v, n);
	emit(b, n);
}

static void emit_pad(size_t align)
{
	static const uint8_t z[8];

	while (len % align)
		emit(z, 1);
}

static void emit_note(const char *name, uint32_t type, const void *desc, size_t descsz)
{
	emit_t(strlen(name) + 1, 4);
	emit_t(descsz, 4);
	emit_t(type, 4);
	emit(name, strlen(name) + 1);
	emit_pad(4);
	emit(desc, descsz);
	emit_pad(4);
}

static void emit_ehdr(unsigned phnum)
{
	const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', A->word32 ? 1 : 2 /* ELFCLASS32 : 64 */,
				    A->big_endian ? 2 : 1 /* MSB : LSB */,
				    1 /* EV_CURRENT */, 0 /* SYSV */ };

	emit(ident, 16);
	emit_t(4, 2);		/* e_type: ET_CORE */
	emit_t(A->e_machine, 2);
	emit_t(1, 4);		/* e_version */
	emit_t(0, WORD);		/* e_entry */
	emit_t(EHDR_SIZE, WORD);	/* e_phoff */
	emit_t(0, WORD);		/* e_shoff */
	emit_t(0, 4);		/* e_flags */
	emit_t(EHDR_SIZE, 2);
	emit_t(PHDR_SIZE, 2);
	emit_t(phnum, 2);
	emit_t(0, 2);		/* e_shentsize */
	emit_t(0, 2);		/* e_shnum */
	emit_t(0, 2);		/* e_shstrndx */
}

static void emit_phdr(const struct seg *s)
{
	if (A->word32) {	/* Elf32_Phdr: p_flags comes after p_memsz */
		emit_t(s->type, 4);
		emit_t(s->off, 4);
		emit_t(s->vaddr, 4);
		emit_t(s->paddr, 4);
		emit_t(s->filesz, 4);
		emit_t(s->memsz, 4);
		emit_t(s->flags, 4);
		emit_t(s->align, 4);
		return;
	}
	emit_t(s->type, 4);
	emit_t(s->flags, 4);
	emit_t(s->off, 8);
	emit_t(s->vaddr, 8);
	emit_t(s->paddr, 8);
	emit_t(s->filesz, 8);
	emit_t(s->memsz, 8);
	emit_t(s->align, 8);
}

/* Whether anything but zeros was put in pfn (a sparse dump's other pages are holes). */
static bool page_written(uint64_t pfn)
{
	uint64_t vidx;

	return phys_page_peek(pfn) || memmap_backing(pfn, &vidx);
}

/* Write the file-backed pages of [pa, pa + filesz) at file offset off. */
static void write_pages(int fd, uint64_t off, uint64_t pa, uint64_t filesz)
{
	enum { CHUNK = 256 };
	uint8_t *chunk = malloc((size_t)CHUNK * PAGE_SIZE);
	uint64_t n = filesz >> PAGE_SHIFT, i, run_off = 0;
	size_t fill = 0;

	if (!chunk)
		die("out of memory");
	for (i = 0; i <= n; i++) {
		bool zero = true;

		if (i < n && !(S.sparse_file && !page_written((pa >> PAGE_SHIFT) + i)))
			page_content((pa >> PAGE_SHIFT) + i, chunk + fill * PAGE_SIZE, &zero);
		if (i < n && !(zero && S.sparse_file)) {
			if (!fill)
				run_off = off + (i << PAGE_SHIFT);
			if (++fill < CHUNK)
				continue;
		}
		if (fill && pwrite(fd, chunk, fill * PAGE_SIZE, (off_t)run_off) != (ssize_t)(fill * PAGE_SIZE))
			die("write: %s", strerror(errno));
		fill = 0;
	}
	free(chunk);
}

void elf_write(const char *path)
{
	struct seg segs[MAX_RAM + 4];
	unsigned nseg = 0, i;
	static char vmci[16384];
	size_t vlen = era_vmcoreinfo(&S, vmci, sizeof(vmci));
	uint8_t prstatus[PRSTATUS_MAX];
	size_t notes_off, notes_len;
	uint64_t data_off;
	int fd, cpu;

	memset(segs, 0, sizeof(segs));
	segs[nseg++].type = PT_NOTE;
	if (A->text_segment) {
		segs[nseg].type = PT_LOAD;
		segs[nseg].flags = PF_R | PF_W | PF_X;
		segs[nseg].vaddr = A->kimage_va(S.kload);
		segs[nseg].paddr = S.kload;
		segs[nseg].filesz = segs[nseg].memsz = S.ksize;
		nseg++;
	}
	for (i = 0; i < (unsigned)S.nram; i++, nseg++) {
		segs[nseg].type = PT_LOAD;
		segs[nseg].flags = PF_R | PF_W | PF_X;
		segs[nseg].paddr = S.ram[i].start;
		segs[nseg].vaddr = M.page_offset + S.ram[i].start;
		segs[nseg].filesz = S.ram[i].file_end - S.ram[i].start;
		segs[nseg].memsz = S.ram[i].end - S.ram[i].start;
	}
	/*
	 * /proc/kcore also maps areas that are not RAM (vmalloc, vmemmap) with
	 * p_paddr = -1; reading them reads zeros here (a hole of the file).
	 */
	for (i = 0; S.kcore && i < 2; i++, nseg++) {
		segs[nseg].type = PT_LOAD;
		segs[nseg].flags = PF_R | PF_W | PF_X;
		segs[nseg].paddr = UINT64_MAX;
		segs[nseg].vaddr = i ? UINT64_C(0xffffea0000000000) : UINT64_C(0xffffc90000000000);
		segs[nseg].filesz = segs[nseg].memsz = UINT64_C(64) << 20;
	}

	/* notes first, to know their size */
	len = 0;
	notes_off = EHDR_SIZE + (size_t)nseg * PHDR_SIZE;
	for (cpu = 0; cpu < S.cpus; cpu++) {
		memset(prstatus, 0, sizeof(prstatus));
		put_t(prstatus + PRSTATUS_PID, (uint64_t)cpu + 1, 4);	/* pr_pid */
		emit_note("CORE", NT_PRSTATUS, prstatus, A->prstatus_size);
	}
	if (S.note)
		emit_note("VMCOREINFO", 0, vmci, vlen);
	notes_len = len;
	segs[0].off = notes_off;
	segs[0].filesz = notes_len;
	data_off = (notes_off + notes_len + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	for (i = 1; i < nseg; i++) {
		segs[i].off = data_off;
		segs[i].align = 0;
		data_off += segs[i].filesz;
	}

	{
		uint8_t *notes = malloc(notes_len);

		if (!notes)
			die("out of memory");
		memcpy(notes, buf, notes_len);
		len = 0;
		emit_ehdr(nseg);
		for (i = 0; i < nseg; i++)
			emit_phdr(&segs[i]);
		emit(notes, notes_len);
		free(notes);
	}

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (pwrite(fd, buf, len, 0) != (ssize_t)len)
		die("%s: write: %s", path, strerror(errno));
	for (i = 1; i < nseg; i++)
		if (segs[i].paddr != UINT64_MAX)
			write_pages(fd, segs[i].off, segs[i].paddr, segs[i].filesz);
	if (ftruncate(fd, (off_t)data_off) < 0 || close(fd) < 0)
		die("%s: %s", path, strerror(errno));
	note("wrote %s: %u program headers, %zu bytes of VMCOREINFO, %llu bytes", path, nseg, vlen,
	     (unsigned long long)data_off);
}
