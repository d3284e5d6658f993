/* kview.c - kernel virtual memory through the arch's translation; see kview.h. */
#include "kview.h"
#include "arch/arch.h"

#include <gelf.h>
#include <string.h>
#include <unistd.h>

/* A refiltered dump keeps its input's phys_base unless the arch knows better. */
static uint64_t input_phys_base(const struct vmcore *vc)
{
	struct kdump_geometry g;

	return vmcore_kdump_geometry(vc, &g) ? g.phys_base : 0;
}

int kview_init(struct kview *kv, struct vmcore *vc, struct err *e)
{
	kv->vc = vc;
	kv->big_endian = vmcore_big_endian(vc);
	kv->ptr_size = vmcore_elf_class(vc) == ELFCLASS32 ? 4 : 8;
	kv->page_size = (unsigned)kf_or(&kv->k, KF_PAGESIZE, sysconf(_SC_PAGESIZE));
	kv->page_shift = (unsigned)__builtin_ctz(kv->page_size);
	kv->kaslr_offset = (uint64_t)kf_or(&kv->k, KF_KERNELOFFSET, 0);
	if (vmcore_set_page_size(vc, kv->page_size, e) < 0)
		return -1;
	kv->phys_base = input_phys_base(vc);
	/* Without an arch only dump levels 0 and 1 work: callers check kv->arch. */
	kv->arch = arch_for_machine(vmcore_machine(vc));
	if (!kv->arch)
		return 0;
	if (kv->arch->init(kv, e) < 0) {
		if (kv->arch->fini)
			kv->arch->fini(kv);	/* what init had set up */
		return -1;
	}
	arch_fill_fallbacks(kv);
	return 0;
}

void kview_clone(struct kview *dst, const struct kview *src, struct vmcore *vc)
{
	*dst = *src;
	dst->vc = vc;
	dst->tlb_len = 0;
}

void kview_fini(struct kview *kv)
{
	if (kv->arch && kv->arch->fini)
		kv->arch->fini(kv);
}

int kview_vtop(struct kview *kv, uint64_t va, uint64_t *pa, uint64_t *span, struct err *e)
{
	uint64_t s;

	if (kv->tlb_len && va - kv->tlb_va < kv->tlb_len) {
		*pa = kv->tlb_pa + (va - kv->tlb_va);
		if (span)
			*span = kv->tlb_len - (va - kv->tlb_va);
		return 0;
	}
	if (!kv->arch)
		return err_set(e, "cannot translate 0x%llx: unsupported architecture (ELF machine %u)",
			       (unsigned long long)va, vmcore_machine(kv->vc));
	if (kv->arch->vtop(kv, va, pa, &s, e) < 0)
		return -1;
	kv->tlb_va = va;
	kv->tlb_pa = *pa;
	kv->tlb_len = s;
	if (span)
		*span = s;
	return 0;
}

int kview_read_virt(struct kview *kv, uint64_t va, void *buf, size_t len, struct err *e)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t pa, span;
		size_t n = len;

		if (kview_vtop(kv, va, &pa, &span, e) < 0)
			return -1;
		if (span < n)
			n = (size_t)span;
		if (vmcore_read_phys(kv->vc, pa, p, n, e) < 0)
			return err_prefix(e, "reading kernel address 0x%llx", (unsigned long long)va);
		p += n;
		va += n;
		len -= n;
	}
	return 0;
}

int kview_read_ptr(struct kview *kv, uint64_t va, uint64_t *out, struct err *e)
{
	uint8_t b[8];

	if (kview_read_virt(kv, va, b, kv->ptr_size, e) < 0)
		return -1;
	*out = kv_ldlong(kv, b);
	return 0;
}

int kview_read_u32(struct kview *kv, uint64_t va, uint32_t *out, struct err *e)
{
	uint8_t b[4];

	if (kview_read_virt(kv, va, b, 4, e) < 0)
		return -1;
	*out = kv_ld32(kv, b);
	return 0;
}

int kview_read_phys_word(struct kview *kv, uint64_t pa, unsigned width, uint64_t *out,
			 struct err *e)
{
	uint8_t b[8];

	if (vmcore_read_phys(kv->vc, pa, b, width, e) < 0)
		return -1;
	*out = width == 8 ? kv_ld64(kv, b) : kv_ld32(kv, b);
	return 0;
}

int kview_read_u64(struct kview *kv, uint64_t va, uint64_t *out, struct err *e)
{
	uint8_t b[8];

	if (kview_read_virt(kv, va, b, 8, e) < 0)
		return -1;
	*out = kv_ld64(kv, b);
	return 0;
}
