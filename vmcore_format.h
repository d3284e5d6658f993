/*
 * vmcore_format.h - what an input format provides to the front (vmcore.c).
 *
 * Each format (vmcore_elf.c: an ELF /proc/vmcore; vmcore_kdump.c: a
 * kdump-compressed dump, for refiltering) is one const struct input_ops.
 * The front opens the file (infile.h), asks each format's probe in turn,
 * lets the first that says yes open it, and from then on only dispatches
 * through the table.  A format keeps its own state behind the void * its
 * open returns; it reads the file through infile.h and never calls another
 * format or the front.
 */
#ifndef MDF_VMCORE_FORMAT_H
#define MDF_VMCORE_FORMAT_H

#include "infile.h"
#include "vmcore.h"

/* What a format's open learns about the dump: fixed until close. */
struct input_desc {
	int elf_class;			/* ELFCLASS32/64: the dumped machine's word */
	bool big_endian;
	unsigned machine;		/* e_machine, EM_NONE when unknown */
	const struct vmcore_seg *segs;	/* RAM ranges by physical address (may be none) */
	size_t nsegs;
	const uint8_t *notes;		/* all notes, as they appear in the file */
	size_t notes_len;
	size_t vmcoreinfo_off, vmcoreinfo_len;	/* inside notes; len 0 = no VMCOREINFO */
	unsigned nr_cpus;		/* the dumped machine's CPUs */
};

struct input_ops {
	const char *name;
	enum vmcore_kind kind;

	/*
	 * Is f in this format?  Input: an open file.  Reads only.
	 * Return: true when open should be tried; false otherwise (never an error).
	 */
	bool (*probe)(struct infile *f);

	/*
	 * Read the headers and notes.  Input: a file probe said yes to; f stays
	 * open and in place until close.  Output: *d filled.
	 * Return: the format's state, or NULL with e set (nothing left allocated).
	 */
	void *(*open)(struct infile *f, struct input_desc *d, struct err *e);

	/* Free the state open returned (and what *d pointed into). */
	void (*close)(void *fmt);

	/*
	 * The kernel's page size is known.  Input: a power of two >= 512, given
	 * once.  Output: pfn geometry for the calls below.
	 * Return: 0, or -1 with e set (the dump cannot have this page size).
	 */
	int (*set_page_size)(void *fmt, unsigned page_size, struct err *e);

	/* One past the highest pfn of the dump (0 while it takes the page size to know). */
	uint64_t (*max_pfn)(const void *fmt);

	/* Pages of the dump below max_pfn, counted as upstream counts "Original pages". */
	uint64_t (*original_pages)(const void *fmt, uint64_t max_pfn);

	/*
	 * Presence bitmap of pfns [start, end), start a multiple of 8.
	 * Output: every byte of bm[(end - start + 7) / 8] written; bit i set when
	 * pfn start + i is present (with with_data_only: and has data in the file).
	 * Return: 0, or -1 with e set.
	 */
	int (*window_bits)(void *fmt, uint64_t start, uint64_t end, uint8_t *bm,
			   bool with_data_only, struct err *e);

	/*
	 * The bytes of page pfn.  Return: a page_size buffer owned by the format,
	 * valid until the next page or read_phys call; NULL with e set.
	 */
	const uint8_t *(*page)(void *fmt, uint64_t pfn, struct err *e);

	/*
	 * Copy [paddr, paddr + len) into buf.  Return: 0, or -1 with e set
	 * (also when part of the range is not in the dump).
	 */
	int (*read_phys)(void *fmt, uint64_t paddr, void *buf, size_t len, struct err *e);

	/* Optional (NULL: the format has none), each as its vmcore.h namesake. */
	bool (*elf_headers)(const void *fmt, GElf_Ehdr *eh, GElf_Phdr *note);
	int (*dump_level)(const void *fmt);
	bool (*kdump_geometry)(const void *fmt, struct kdump_geometry *g);
	/* Is page (from page()) one the format knew to be zeros without reading it? */
	bool (*page_known_zero)(const void *fmt, const uint8_t *page);
	/* Keep page (from page()) valid past later calls: a handle, or -1. */
	int (*page_hold)(void *fmt, const uint8_t *page);
	void (*page_release)(void *fmt, int handle);
};

extern const struct input_ops input_elf_ops;	/* vmcore_elf.c */
extern const struct input_ops input_kdump_ops;	/* vmcore_kdump.c */

#endif
