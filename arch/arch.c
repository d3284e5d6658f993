/*
 * arch/arch.c - the table of architectures and what is common to their
 * hooks: choosing one by e_machine, and applying the memory-model
 * fallbacks to the kernel facts at setup.
 */
#include "arch.h"
#include "../log.h"

static const struct arch_ops *const all_arches[] = {
	&arch_x86_64, &arch_arm64, &arch_ppc64, &arch_x86, &arch_s390x, &arch_riscv64,
	&arch_arm,
	&arch_loongarch64,
	&arch_mips64,
};

const struct arch_ops *arch_for_machine(unsigned e_machine)
{
	size_t i;

	for (i = 0; i < sizeof(all_arches) / sizeof(all_arches[0]); i++)
		if (all_arches[i]->e_machine == e_machine)
			return all_arches[i];
	return NULL;
}

/* Set fact id from hook when the kernel did not say; 0 from the hook means it cannot tell. */
static void fill_one(struct kview *kv, enum kf_id id, unsigned (*hook)(const struct kview *))
{
	unsigned v;

	if (kf_have(&kv->k, id) || !hook || !(v = hook(kv)))
		return;
	kf_set(&kv->k, id, v);
	log_debug("NUMBER(%s)=%u: not in the kernel facts, %s's fallback\n", kf_table[id].key, v,
		  kv->arch->name);
}

void arch_fill_fallbacks(struct kview *kv)
{
	/* Only SPARSEMEM has sections; a FLATMEM kernel has no such macros to miss. */
	if (!kv->have_facts || !kf_have(&kv->k, KF_SYM_mem_section))
		return;
	fill_one(kv, KF_NUM_SECTION_SIZE_BITS, kv->arch->section_size_bits);
	fill_one(kv, KF_NUM_MAX_PHYSMEM_BITS, kv->arch->max_physmem_bits);
}

unsigned arch_physmem_bits_from_roots(const struct kview *kv)
{
	const struct kfacts *k = &kv->k;
	uint64_t sections;

	if (!kf_have(k, KF_LEN_mem_section) || kf_or(k, KF_SIZE_mem_section, 0) <= 0 ||
	    !kf_have(k, KF_NUM_SECTION_SIZE_BITS))
		return 0;
	sections = (uint64_t)kf_val(k, KF_LEN_mem_section) *
		   (kv->page_size / (uint64_t)kf_val(k, KF_SIZE_mem_section));
	if (!sections || (sections & (sections - 1)))
		return 0;
	return (unsigned)kf_val(k, KF_NUM_SECTION_SIZE_BITS) + (unsigned)__builtin_ctzll(sections);
}

int64_t arch_shift_by_offset(const struct kfacts *note, const struct kfacts *given)
{
	return kf_or(note, KF_KERNELOFFSET, 0) - kf_or(given, KF_KERNELOFFSET, 0);
}

int64_t arch_shift_by_stext(const struct kfacts *note, const struct kfacts *given)
{
	if (kf_have(note, KF_SYM__stext) && kf_have(given, KF_SYM__stext))
		return kf_val(note, KF_SYM__stext) - kf_val(given, KF_SYM__stext);
	return arch_shift_by_offset(note, given);
}
