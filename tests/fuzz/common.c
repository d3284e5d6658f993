/* tests/fuzz/common.c - memfds, scratch paths and the synthetic core; see fuzz.h. */
#define _GNU_SOURCE
#include "fuzz.h"
#include "../../err.h"
#include "../../log.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[200];
static char out_path[256];

static void remove_scratch(void)
{
	if (out_path[0])
		unlink(out_path);
	rmdir(scratch);
}

void fuzz_init(void)
{
	const char *base;

	if (scratch[0])
		return;
	log_set_level(0);
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(scratch, sizeof(scratch), "%s/mdf-fuzz-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(scratch)) {
		perror(scratch);
		abort();
	}
	atexit(remove_scratch);
}

void fuzz_say(const struct err *e)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz: %s\n", e->msg);
}

const char *fuzz_out_path(const char *name)
{
	snprintf(out_path, sizeof(out_path), "%s/%s", scratch, name);
	unlink(out_path);
	return out_path;
}

static int write_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int fuzz_memfd(const void *data, size_t len, char path[64])
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	if (write_all(fd, data, len, 0) < 0) {
		perror("memfd write");
		abort();
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

/* ---- the synthetic core -------------------------------------------------- */

#define PAGE 4096u

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

int fuzz_core(const uint8_t *data, size_t len, uint64_t ram_bytes, char path[64])
{
	const uint8_t *nul = memchr(data, 0, len);
	size_t text_len, mem_len, note_len, mem_off, off;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	uint8_t *note;
	int fd;

	if (!nul)
		return -1;
	text_len = (size_t)(nul - data);
	mem_len = len - text_len - 1;
	note_len = 12 + pad4(11) + pad4(text_len);
	note = calloc(1, note_len);
	if (!note)
		abort();
	note[0] = 11;				/* namesz: "VMCOREINFO\0" */
	memcpy(note + 4, &(uint32_t){ (uint32_t)text_len }, 4);
	memcpy(note + 12, "VMCOREINFO", 10);
	memcpy(note + 12 + pad4(11), data, text_len);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;

	off = sizeof(eh) + sizeof(ph);
	mem_off = (off + note_len + PAGE - 1) / PAGE * PAGE;
	if (ram_bytes < mem_len)
		ram_bytes = mem_len;
	memset(ph, 0, sizeof(ph));
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = off, .p_filesz = note_len,
			      .p_memsz = note_len, .p_align = 4 };
	/* the image: RAM in the kernel map, then the same bytes in the direct map */
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
			      .p_offset = mem_off, .p_vaddr = FUZZ_KMAP + FUZZ_PA0,
			      .p_paddr = FUZZ_PA0, .p_filesz = ram_bytes, .p_memsz = ram_bytes,
			      .p_align = PAGE };
	ph[2] = ph[1];
	ph[2].p_vaddr = FUZZ_DMAP + FUZZ_PA0;

	fd = fuzz_memfd(&eh, sizeof(eh), path);
	if (write_all(fd, ph, sizeof(ph), sizeof(eh)) < 0 ||
	    write_all(fd, note, note_len, (off_t)off) < 0 ||
	    (mem_len && write_all(fd, nul + 1, mem_len, (off_t)mem_off) < 0) ||
	    ftruncate(fd, (off_t)(mem_off + ram_bytes)) < 0) {
		perror("fuzz_core");
		abort();
	}
	free(note);
	return fd;
}
