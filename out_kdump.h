/*
 * out_kdump.h - the kdump-compressed format ("KDUMP   ", header version 6)
 * as upstream makedumpfile writes it:
 *
 *   block 0              main header (signature, utsname, crash time, status,
 *                        block size, bitmap blocks, max_mapnr, nr_cpus)
 *   block 1..            sub header, then the input's whole PT_NOTE
 *   (1+sub_hdr_size)*bs  1st bitmap (page exists), 2nd bitmap (page dumped),
 *                        each rounded up to whole blocks
 *   after the bitmaps    24-byte page descriptors, one per dumped page
 *   after those          page data: one shared zero page (dump level 1),
 *                        then each page compressed or raw
 *
 * The header is written first marked incomplete and rewritten at the end,
 * so a dump cut short (full disk, -L, a crash of this program) never looks
 * complete.  A flattened stream gets its header once, at the end: a stream
 * cut short then has no header and no end marker.
 */
#ifndef MDF_OUT_KDUMP_H
#define MDF_OUT_KDUMP_H

#include "dump.h"

/* Header status bits: an incomplete dump; unused struct pages left out (-e). */
#define KDUMP_STATUS_INCOMPLETE 0x8
#define KDUMP_STATUS_EXCLUDED_VMEMMAP 0x10

/* A whole dump: out_kdump_begin, _filter, _pages and _end in turn. */
int out_kdump_write(struct dump_run *r, struct err *e);

/*
 * The phases, for --split: begin writes the header (marked incomplete)
 * and the sub header with the notes; filter runs the filter pass (both
 * bitmaps, r->num_dumpable); adopt instead copies both bitmaps from
 * another file of the same layout (r->num_dumpable set by the caller);
 * pages writes the pages of [r->part_start, r->part_end) and the final
 * headers.
 */
struct kdump_out;
struct kdump_out *out_kdump_begin(struct dump_run *r, struct err *e);
int out_kdump_filter(struct kdump_out *w, struct err *e);
int out_kdump_adopt(struct kdump_out *w, int src_fd, const char *src_name, struct err *e);
int out_kdump_pages(struct kdump_out *w, struct err *e);
void out_kdump_end(struct kdump_out *w);
/* Make a split file's sub header (bytes at block 1) that of a whole dump. */
void out_kdump_unsplit_sub_header(uint8_t *sub, bool big_endian, unsigned word,
				  unsigned machine);
/* Bytes of the sub header for a word size. */
unsigned out_kdump_sub_header_size(unsigned word, unsigned machine);

#endif
