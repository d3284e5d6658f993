/*
 * vmcore_int.h - the input dump's state, shared by the ELF reader
 * (vmcore.c) and the kdump-compressed reader (vmcore_kdump.c) only.
 */
#ifndef MDF_VMCORE_INT_H
#define MDF_VMCORE_INT_H

#include "vmcore.h"

#define MAX_NOTE_SEGS 64

struct pfn_range { uint64_t start, end; };

struct note_seg { uint64_t off_in_file; size_t off_in_notes, len; };

struct vmcore_kdump;	/* vmcore_kdump.c */

struct vmcore {
	const char *path;
	int fd;
	uint64_t file_size;
	enum vmcore_kind kind;
	int elf_class;
	bool big_endian;
	unsigned machine;
	GElf_Ehdr ehdr;
	GElf_Phdr note_phdr;
	bool have_note_phdr;

	struct vmcore_seg *segs;
	size_t nsegs, last_seg;

	uint8_t *notes;
	size_t notes_len;
	struct note_seg note_segs[MAX_NOTE_SEGS];
	size_t nnote_segs;
	size_t vmcoreinfo_off, vmcoreinfo_len;
	unsigned nr_cpus;

	unsigned page_size;
	struct pfn_range *ranges;
	size_t nranges;
	uint64_t max_pfn;
	uint64_t original_pages;

	/* the read window: an mmap of the file, or a buffer filled by pread */
	bool use_mmap;
	uint64_t map_align;
	void *map;
	size_t map_len;
	uint8_t *window;
	const uint8_t *win_ptr;
	uint64_t win_off;
	size_t win_len;
	uint8_t *scratch, *zero;

	struct vmcore_kdump *kdump;
};

int pread_full(int fd, void *buf, size_t len, uint64_t off);

bool vmcore_kdump_probe(struct vmcore *vc, struct err *e);
int vmcore_kdump_open(struct vmcore *vc, struct err *e);
void vmcore_kdump_close(struct vmcore *vc);
int vmcore_kdump_set_page_size(struct vmcore *vc, struct err *e);
const uint8_t *vmcore_kdump_page(struct vmcore *vc, uint64_t pfn, struct err *e);
int vmcore_kdump_read_phys(struct vmcore *vc, uint64_t paddr, void *buf, size_t len,
			   struct err *e);
int vmcore_kdump_window_bits(struct vmcore *vc, uint64_t start, uint64_t end, uint8_t *bm,
			     bool with_data_only, struct err *e);

#endif
