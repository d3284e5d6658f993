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
#include "report.h"

#define ELF_FLAG_INCOMPLETE 0x1

int out_elf_write(struct dump_job *job, struct report *rep, struct err *e);

#endif
