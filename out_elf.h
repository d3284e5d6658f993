/*
 * out_elf.h - ELF output (-E): the input's PT_NOTE, then PT_LOADs cut
 * where 256 or more consecutive pages are left out (shorter gaps are
 * written, as upstream does); pages left out at a segment's end become
 * p_filesz < p_memsz.  The ELF class and byte order follow the input.
 * Zero pages (dump level 1) are really removed.  An incomplete dump has
 * bit 0 of e_flags set.
 */
#ifndef MDF_OUT_ELF_H
#define MDF_OUT_ELF_H

#include "dump.h"

#define ELF_FLAG_INCOMPLETE 0x1

/* *elf_excluded: pages inside segments left out of the file (the report's ELF line). */
int out_elf_write(struct dump_run *r, uint64_t *elf_excluded, struct err *e);

#endif
