/*
 * arch/arch.h - one ops table per architecture, chosen at run time from the
 * dump's e_machine.  All are compiled in; shared code never asks which
 * architecture it runs for, only calls through the table.
 */
#ifndef MDF_ARCH_H
#define MDF_ARCH_H

#include <stdint.h>
#include <stdio.h>

#include "../err.h"
#include "../kview.h"

struct arch_ops {
	const char *name;	/* as upstream prints it: "x86_64", "arm64" */
	unsigned e_machine;
	/*
	 * Read what translation needs (phys_base, paging mode, offsets) from
	 * kv->k and the dump; allocate kv->arch_state.  With no kernel facts
	 * (a dump without VMCOREINFO) only the direct fallbacks work.
	 */
	int (*init)(struct kview *kv, struct err *e);
	void (*fini)(struct kview *kv);
	/* va -> pa; *span = bytes from va to the end of its mapping. */
	int (*vtop)(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span, struct err *e);
	/* --vtop: print each level of the walk, as upstream does. */
	int (*print_vtop)(struct kview *kv, uint64_t va, FILE *out, struct err *e);
	/* Does va lie in the kernel's virtual address range at all? */
	int (*is_kvaddr)(const struct kview *kv, uint64_t va);
};

extern const struct arch_ops arch_x86_64;
extern const struct arch_ops arch_arm64;

/* The ops for an ELF e_machine, or NULL. */
const struct arch_ops *arch_for_machine(unsigned e_machine);

#endif
