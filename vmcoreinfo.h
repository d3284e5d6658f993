/*
 * vmcoreinfo.h - VMCOREINFO text <-> kernel facts.
 *
 * Reads the KEY=VALUE text of the dump's note or of a -i file, and writes
 * the same text from facts (-g), every fact in the order of kfacts.def.
 * Values are decimal or hex (with or without 0x, as the kernel prints
 * them); SYMBOL and KERNELOFFSET values are hex.
 */
#ifndef MDF_VMCOREINFO_H
#define MDF_VMCOREINFO_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "kfacts.h"

/*
 * Parse text into k; within one text the first line of a key wins.  name
 * is used in error messages.  A known key with a malformed value is an
 * error; keys this program does not use are ignored.
 */
int vmci_parse(const char *text, size_t len, const char *name, struct kfacts *k,
	       struct err *e);
/* Read a whole -i file and parse it. */
int vmci_parse_file(const char *path, struct kfacts *k, struct err *e);
/* Write the facts as VMCOREINFO text (-g). */
int vmci_write(const struct kfacts *k, FILE *f);

#endif
