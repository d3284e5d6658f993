/*
 * kallsyms.h - the dumped kernel's own symbol table, read from its memory.
 *
 * Kernels whose VMCOREINFO names the kallsyms arrays (6.x; the note says
 * SYMBOL(kallsyms_names) and the rest) carry every symbol's address, so
 * the layout of the kernel image and the per-CPU bookkeeping can be known
 * without a vmlinux.  The compressed names are decoded in one pass.
 */
#ifndef MDF_KALLSYMS_H
#define MDF_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kview.h"

/*
 * Look up n names: found[i] and addr[i] for each one the table has (the
 * first of equal names).  Returns 0, or -1 with e set when the facts do
 * not name the table or it cannot be read or makes no sense.
 */
int kallsyms_lookup(struct kview *kv, const char *const *names, size_t n, uint64_t *addr,
		    bool *found, struct err *e);

#endif
