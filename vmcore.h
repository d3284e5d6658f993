/*
 * vmcore.h - the input dump.
 *
 * Owns: the input file, its program headers (RAM ranges by physical
 * address), its notes (NT_PRSTATUS count, the VMCOREINFO note) and reading
 * pages by pfn through large windows (mmap of the file, or pread() of
 * windows when mmap is unavailable or --non-mmap is given).  An ELF
 * /proc/vmcore (ELF32 or ELF64, either byte order) or a kdump-compressed
 * dump (for refiltering) can be the input; callers do not care which
 * (each format is one struct input_ops, vmcore_format.h).
 */
#ifndef MDF_VMCORE_H
#define MDF_VMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "err.h"

struct vmcore;

/* One RAM range of the input.  Bytes past filesz up to memsz read as zero. */
struct vmcore_seg {
	uint64_t paddr, vaddr;
	uint64_t memsz, filesz;
	uint64_t offset;	/* in the input file */
	uint32_t flags;		/* p_flags */
	uint64_t align;		/* p_align */
};

enum vmcore_kind { VMCORE_ELF, VMCORE_KDUMP };

struct vmcore *vmcore_open(const char *path, bool use_mmap, struct err *e);
void vmcore_close(struct vmcore *vc);
/*
 * A second handle on the same dump, with its own read windows and
 * caches, for another thread (a handle is used by one thread at a time).
 */
struct vmcore *vmcore_reopen(const struct vmcore *vc, struct err *e);
/* Unmap the read windows (a handle that rests between windows of a scan). */
void vmcore_drop_windows(struct vmcore *vc);

const char *vmcore_path(const struct vmcore *vc);
enum vmcore_kind vmcore_kind(const struct vmcore *vc);
int vmcore_elf_class(const struct vmcore *vc);		/* ELFCLASS32/64 */
bool vmcore_big_endian(const struct vmcore *vc);
unsigned vmcore_machine(const struct vmcore *vc);	/* e_machine */

size_t vmcore_nsegs(const struct vmcore *vc);
const struct vmcore_seg *vmcore_seg(const struct vmcore *vc, size_t i);

/* All PT_NOTE contents, concatenated as they appear in the file. */
const uint8_t *vmcore_notes(const struct vmcore *vc, size_t *len);
/* The VMCOREINFO note's text (desc), and its offset inside vmcore_notes(). */
const char *vmcore_vmcoreinfo(const struct vmcore *vc, size_t *len, size_t *off_in_notes);
/* The ELF header and first PT_NOTE header of an ELF input (false for kdump input). */
bool vmcore_elf_headers(const struct vmcore *vc, GElf_Ehdr *eh, GElf_Phdr *note);
/* The dump level a kdump-compressed input was made with (0 for ELF). */
int vmcore_input_dump_level(const struct vmcore *vc);
/* The geometry of a kdump-compressed input (for --reassemble). */
struct kdump_geometry {
	bool big_endian;
	unsigned word;			/* 8 or 4 */
	unsigned block_size;
	uint64_t max_mapnr, off_bm2, bitmap_bytes, off_pd;
	int dump_level;
	bool split;
	uint64_t split_start, split_end;
	uint32_t status;
	uint64_t phys_base;		/* its sub header's: a refiltered dump keeps it */
};
bool vmcore_kdump_geometry(const struct vmcore *vc, struct kdump_geometry *g);
/* Number of NT_PRSTATUS notes: the dumped machine's CPUs. */
unsigned vmcore_nr_cpus(const struct vmcore *vc);

/*
 * Page geometry comes from the kernel (PAGESIZE), not from the file; it
 * must be set before any pfn-based call.
 */
int vmcore_set_page_size(struct vmcore *vc, unsigned page_size, struct err *e);
/* One past the highest pfn any segment covers. */
uint64_t vmcore_max_pfn(const struct vmcore *vc);

/*
 * The window [start, end) of pfns as a bitmap (start a multiple of 8):
 * a bit is set when the pfn is present (the 1st bitmap) and, with
 * with_data_only, also has data in the file (the 2nd bitmap's start).
 */
int vmcore_window_bits(struct vmcore *vc, uint64_t start, uint64_t end, uint8_t *bm,
		       bool with_data_only, struct err *e);
/* Pages of the input below max_pfn, as upstream counts them ("Original pages"). */
uint64_t vmcore_original_pages(const struct vmcore *vc, uint64_t max_pfn);

/*
 * The bytes of page pfn.  The pointer is valid until the next read call.
 * Parts of the page outside every segment read as zero.
 */
const uint8_t *vmcore_page(struct vmcore *vc, uint64_t pfn, struct err *e);
/*
 * Is page (as vmcore_page returned it) all zeros?  Pages the format knew
 * to be zeros (a hole of the file, past a segment's data) cost no test.
 */
bool vmcore_page_is_zero(const struct vmcore *vc, const uint8_t *page);
/* Only the first half of that: true when the format knew, false when it did not. */
bool vmcore_page_known_zero(const struct vmcore *vc, const uint8_t *page);
/*
 * Keep page (as vmcore_page returned it) valid past later read calls, so
 * another thread may read it, until vmcore_page_release(handle).  -1 when
 * the format cannot (or holds enough already): then copy it.  Only the
 * thread that reads the input calls these.
 */
int vmcore_page_hold(struct vmcore *vc, const uint8_t *page);
void vmcore_page_release(struct vmcore *vc, int handle);
/*
 * Run fn(arg), which reads pages vmcore_page gave out (held or not, on any
 * thread): -1 with the error set when their data went away since they
 * were first read (the input file was cut short under us; fn cut short).
 */
int vmcore_read_guarded(const struct vmcore *vc, void (*fn)(void *arg), void *arg,
			struct err *e);
/* Any physical range (may cross segments and holes; holes are an error). */
int vmcore_read_phys(struct vmcore *vc, uint64_t paddr, void *buf, size_t len,
		     struct err *e);

#endif
