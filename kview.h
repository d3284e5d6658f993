/*
 * kview.h - the dead kernel as seen through the dump.
 *
 * Owns the kernel facts, the architecture chosen from e_machine and its
 * address translation state, and reads of kernel virtual memory.  Built
 * once at setup; read-only afterwards except for small translation caches.
 */
#ifndef MDF_KVIEW_H
#define MDF_KVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "kfacts.h"
#include "vmcore.h"

struct arch_ops;

struct kview {
	struct vmcore *vc;
	struct kfacts k;
	bool have_facts;	/* VMCOREINFO or DWARF was available */
	const struct arch_ops *arch;
	void *arch_state;	/* owned by the arch */

	unsigned page_size, page_shift;
	bool big_endian;
	unsigned ptr_size;	/* 4 or 8: the dumped kernel's word */
	uint64_t phys_base;	/* kdump sub header: x86_64 text offset, arm64 PHYS_OFFSET,
				   riscv64 phys_ram_base, else 0 */
	uint64_t kaslr_offset;
	uint64_t arch_pfn_offset;	/* FLATMEM: the pfn of mem_map[0] (ARCH_PFN_OFFSET; arm: PHYS_OFFSET) */

	/* one-entry translation cache: [tlb_va, tlb_va + tlb_len) -> tlb_pa */
	uint64_t tlb_va, tlb_pa, tlb_len;
};

/*
 * Pick the arch from the dump; kv->k must be filled.  An architecture this
 * program does not know leaves kv->arch NULL: nothing can be translated,
 * which dump levels 0 and 1 do not need.
 */
int kview_init(struct kview *kv, struct vmcore *vc, struct err *e);
void kview_fini(struct kview *kv);
/*
 * dst: src's kernel read through vc, a second handle on the same dump
 * (vmcore_reopen), for another thread.  The facts and the arch's state
 * are src's, read-only: dst is valid while src lives and is never given
 * to kview_fini.
 */
void kview_clone(struct kview *dst, const struct kview *src, struct vmcore *vc);

/* Translate a kernel virtual address; *span = bytes of the mapping left from va. */
int kview_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span, struct err *e);
int kview_read_virt(struct kview *kv, uint64_t va, void *buf, size_t len, struct err *e);
/* Read a pointer-sized / fixed-size value in the dump's byte order. */
int kview_read_ptr(struct kview *kv, uint64_t va, uint64_t *out, struct err *e);
int kview_read_u32(struct kview *kv, uint64_t va, uint32_t *out, struct err *e);
int kview_read_u64(struct kview *kv, uint64_t va, uint64_t *out, struct err *e);
/* A width-byte (4 or 8) word at physical pa, in the dump's byte order: a table entry. */
int kview_read_phys_word(struct kview *kv, uint64_t pa, unsigned width, uint64_t *out,
			 struct err *e);

/*
 * Loads from a buffer of the dumped kernel's memory, in its byte order
 * (swapped when it is not the host's: an s390x dump read on s390x is not).
 */
#define KV_HOST_BE (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
static inline uint16_t kv_ld16(const struct kview *kv, const void *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, 2);
	return kv->big_endian != KV_HOST_BE ? __builtin_bswap16(v) : v;
}
static inline uint32_t kv_ld32(const struct kview *kv, const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return kv->big_endian != KV_HOST_BE ? __builtin_bswap32(v) : v;
}
static inline uint64_t kv_ld64(const struct kview *kv, const void *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return kv->big_endian != KV_HOST_BE ? __builtin_bswap64(v) : v;
}
/* An unsigned long of the dumped kernel. */
static inline uint64_t kv_ldlong(const struct kview *kv, const void *p)
{
	return kv->ptr_size == 8 ? kv_ld64(kv, p) : kv_ld32(kv, p);
}

#endif
