/*
 * arch/arch.h - one ops table per architecture, chosen at run time from the
 * dump's (or the vmlinux's) e_machine.  All are compiled in; shared code
 * never asks which architecture it runs for, only calls through the table.
 * Besides address translation an arch owns what only it knows: the page
 * size of its vmlinux, the signedness of its char, the values of
 * memory-model macros that older kernels do not export, how its KASLR
 * moves the symbols, and where its kernel keeps VMCOREINFO in memory.
 */
#ifndef MDF_ARCH_H
#define MDF_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../err.h"
#include "../kview.h"

/* The bytes of a vmlinux image, for the vmlinux hooks. */
struct arch_image {
	/* Copy up to len bytes at virtual address va; returns how many. */
	size_t (*read)(const void *ctx, uint64_t va, void *buf, size_t len);
	const void *ctx;
	uint64_t text;		/* address of _text; 0 = no such symbol */
};

#define PT_MAX_LEVELS 6

/*
 * The kernel's page tables as a tree, for keeping every table page
 * (keep.c): the top-level table and the kernel's part of it, and per
 * level how many entries a table has.  next() reads an entry of a table
 * at level lvl (not the last): the next-level table's physical address,
 * or 0 when the entry is not present or maps memory itself; it may lower
 * *count, the number of entries that table has (a table length field).
 */
struct pt_tree {
	uint64_t root_pa;
	unsigned levels;		/* 1 to PT_MAX_LEVELS */
	unsigned entry_bytes;		/* 4 or 8 */
	bool big_endian;		/* the entries' byte order */
	unsigned root_first, root_count;
	unsigned count[PT_MAX_LEVELS];
	uint64_t (*next)(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count);
};

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
	/* The kernel page tables as a tree; -1 when they are not known.  NULL: none. */
	int (*kernel_tables)(const struct kview *kv, struct pt_tree *t);

	/*
	 * A dump without a VMCOREINFO note: the text of the note the kernel
	 * keeps in memory the dump holds, found by a pointer at a fixed
	 * place (s390x: its lowcore).  Called before any kernel fact is
	 * known, on the dump alone.  Returns the text (malloc'ed; the caller
	 * frees it) and its length in *len; NULL with why set when the dump
	 * holds none, which leaves it a dump without VMCOREINFO.  NULL hook:
	 * the arch has no such place.
	 */
	char *(*vmcoreinfo_in_memory)(struct vmcore *vc, size_t *len, struct err *why);
	/*
	 * How far the dump's kernel symbols lie from those of a -x vmlinux
	 * or a -i text (given), the dump's own VMCOREINFO being note (empty
	 * when it has none): the KASLR shift kernel.c applies to given's
	 * symbols.  NULL: arch_shift_by_offset.
	 */
	int64_t (*symbol_shift)(const struct kfacts *note, const struct kfacts *given);

	/*
	 * The page size a vmlinux of this arch was built for, from the image
	 * alone (-x without a dump); 0 when the image does not say.
	 */
	unsigned (*vmlinux_page_size)(const struct arch_image *img);
	/* Is plain char signed in this arch's C ABI? (upstream's dmesg escapes) */
	bool char_is_signed;
	/*
	 * SECTION_SIZE_BITS and MAX_PHYSMEM_BITS of a SPARSEMEM kernel that
	 * does not export them (NUMBER(SECTION_SIZE_BITS) since 5.13,
	 * NUMBER(MAX_PHYSMEM_BITS) since 5.9), from the release and the other
	 * facts; called after init.  NULL: no fallback, the fact stays absent.
	 */
	unsigned (*section_size_bits)(const struct kview *kv);
	unsigned (*max_physmem_bits)(const struct kview *kv);
};

extern const struct arch_ops arch_x86_64;
extern const struct arch_ops arch_arm64;
extern const struct arch_ops arch_ppc64;
extern const struct arch_ops arch_x86;
extern const struct arch_ops arch_s390x;
extern const struct arch_ops arch_riscv64;
extern const struct arch_ops arch_arm;
extern const struct arch_ops arch_loongarch64;
extern const struct arch_ops arch_mips64;

/*
 * The symbol shifts: the note's KERNELOFFSET less the one the -i text was
 * written with (a vmlinux has none); and where both have SYMBOL(_stext),
 * the distance between the two, else the former.
 */
int64_t arch_shift_by_offset(const struct kfacts *note, const struct kfacts *given);
int64_t arch_shift_by_stext(const struct kfacts *note, const struct kfacts *given);

/* The ops for an ELF e_machine, or NULL. */
const struct arch_ops *arch_for_machine(unsigned e_machine);
/*
 * Give a SPARSEMEM kernel's facts the SECTION_SIZE_BITS and
 * MAX_PHYSMEM_BITS it lacks from kv->arch's fallbacks, saying at -D which
 * came from a fallback.
 */
void arch_fill_fallbacks(struct kview *kv);
/*
 * For SPARSEMEM_EXTREME arches: LENGTH(mem_section) roots of
 * PAGE_SIZE / SIZE(mem_section) sections cover 2^MAX_PHYSMEM_BITS bytes,
 * so with SECTION_SIZE_BITS they say MAX_PHYSMEM_BITS exactly; 0 when the
 * facts do not tell.
 */
unsigned arch_physmem_bits_from_roots(const struct kview *kv);

#endif
