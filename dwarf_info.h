/*
 * dwarf_info.h - kernel facts from a vmlinux's DWARF (-x), through libdw.
 *
 * Every fact of kfacts.def that has a DWARF rule is looked up: struct and
 * typedef sizes, member offsets (through anonymous structs and unions at
 * any depth), array lengths, enumerator values and enum sizes, and symbol
 * addresses (link-time: the caller adds the dump's KASLR offset).  The
 * release (OSRELEASE) is read from the vmlinux's own init_uts_ns data, and
 * PAGESIZE from the machine type when nothing else says.
 */
#ifndef MDF_DWARF_INFO_H
#define MDF_DWARF_INFO_H

#include "err.h"
#include "kfacts.h"

/*
 * Fill the facts of k that are still absent.  Fails with a one-line error
 * when the file is missing, not ELF, or has no DWARF.
 */
int dwinfo_read(const char *vmlinux, struct kfacts *k, struct err *e);

#endif
