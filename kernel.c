/* kernel.c - kernel facts, view, mem_map and max_mapnr, once; see kernel.h. */
#include "kernel.h"
#include "dwarf_info.h"
#include "log.h"
#include "vmcoreinfo.h"
#include "arch/arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <string.h>

/*
 * Facts come from -x (DWARF) or -i (text) first, then the dump's own
 * VMCOREINFO note fills what they left absent.  Their symbols are moved by
 * the dump's KASLR offset (KERNELOFFSET), less any offset the -i text was
 * written with; a note without KERNELOFFSET (i386) gives the offset by its
 * _stext.  A given source must describe the dump's release.
 */
static int load_facts(const struct kernel_needs *need, struct vmcore *vc, struct kfacts *k,
		      struct err *e)
{
	size_t len;
	const char *note = vmcore_vmcoreinfo(vc, &len, NULL);
	const char *given = need->vmlinux ? need->vmlinux : need->vmcoreinfo;
	struct kfacts from_note;

	memset(k, 0, sizeof(*k));
	memset(&from_note, 0, sizeof(from_note));
	if (note && vmci_parse(note, len, "VMCOREINFO note", &from_note, e) < 0)
		return err_prefix(e, "%s", vmcore_path(vc));
	if (need->vmlinux && dwinfo_read(need->vmlinux, k, e) < 0)
		return -1;
	if (need->vmcoreinfo && vmci_parse_file(need->vmcoreinfo, k, e) < 0)
		return -1;
	if (given) {
		int64_t written_with = kf_or(k, KF_KERNELOFFSET, 0);
		int64_t delta = kf_or(&from_note, KF_KERNELOFFSET, 0) - written_with;

		/* i386 KASLR relocates without writing KERNELOFFSET: _stext tells. */
		if (vmcore_machine(vc) == EM_386 && !kf_have(&from_note, KF_KERNELOFFSET) &&
		    kf_have(&from_note, KF_SYM__stext) &&
		    kf_have(k, KF_SYM__stext))
			delta = kf_val(&from_note, KF_SYM__stext) - kf_val(k, KF_SYM__stext);
		kf_shift_symbols(k, delta);
		kf_take(k, &from_note, KF_KERNELOFFSET);
		if (note && strcmp(kf_text(&from_note, KT_OSRELEASE), kf_text(k, KT_OSRELEASE)) != 0)
			return err_set_code(e, ERR_RELEASE,
					    "check_release: %s (%s) and %s (%s) don't match.",
					    given, kf_text(k, KT_OSRELEASE), vmcore_path(vc),
					    kf_text(&from_note, KT_OSRELEASE));
	}
	kf_fill(k, &from_note);
	return 0;
}

static void log_kernel(const struct kernel *kn)
{
	const struct kview *kv = &kn->kv;

	if (log_on(ML_DEBUG) && kv->have_facts) {
		log_debug("kernel facts (VMCOREINFO form):\n");
		vmci_write(&kv->k, log_stream());
	}
	log_debug("page_size    : %u\nphys_base    : %" PRIx64 "\narch         : %s\n",
		  kv->page_size, kv->phys_base, kv->arch ? kv->arch->name : "unknown");
}

/*
 * max_mapnr: one past the highest pfn of the dump, lowered to the last
 * section with a mem_map (a "mem=" kernel); a kdump input keeps its own.
 */
/*
 * No pfn lies past the kernel's physical address width: a segment claiming
 * more (a garbage p_memsz) is cut there, so no loop or bitmap ever sizes
 * itself from it.  Without MAX_PHYSMEM_BITS, 52 bits: the widest any
 * 64-bit architecture here addresses.
 */
#define PHYSMEM_BITS_WHEN_UNKNOWN 52

static uint64_t pfn_limit(const struct kernel *kn)
{
	int64_t bits = kf_or(&kn->kv.k, KF_NUM_MAX_PHYSMEM_BITS, PHYSMEM_BITS_WHEN_UNKNOWN);

	if (bits < (int64_t)kn->kv.page_shift || bits > 63)
		bits = PHYSMEM_BITS_WHEN_UNKNOWN;
	return UINT64_C(1) << (bits - kn->kv.page_shift);
}

static int open_mem_map(struct kernel *kn, struct err *e)
{
	kn->max_mapnr = vmcore_max_pfn(kn->vc);
	kn->pfn_limit = pfn_limit(kn);
	if (kn->max_mapnr > kn->pfn_limit) {
		log_msg("WARNING: %s: a segment reaches pfn 0x%" PRIx64 ", past the physical address width; only pfns below 0x%" PRIx64 " are dumped.\n",
			vmcore_path(kn->vc), kn->max_mapnr, kn->pfn_limit);
		kn->max_mapnr = kn->pfn_limit;
	}
	if (kn->kv.have_facts && kn->kv.arch) {
		kn->mm = memmap_open(&kn->kv, kn->max_mapnr, e);	/* may lower max_mapnr */
		if (!kn->mm)
			return -1;
		kn->max_mapnr = memmap_max_pfn(kn->mm);
		log_debug("Memory type  : %s\nmax_mapnr    : %" PRIx64 "\n",
			  memmap_model_name(memmap_model(kn->mm)), kn->max_mapnr);
	}
	if (vmcore_kind(kn->vc) == VMCORE_KDUMP)
		kn->max_mapnr = vmcore_max_pfn(kn->vc);
	return 0;
}

int kernel_open(struct kernel *kn, struct vmcore *vc, const struct kernel_needs *need,
		struct err *e)
{
	struct kview *kv = &kn->kv;

	memset(kn, 0, sizeof(*kn));
	kn->vc = vc;
	if (load_facts(need, vc, &kv->k, e) < 0)
		return -1;
	kv->have_facts = kf_have_text(&kv->k, KT_OSRELEASE);
	if (!kv->have_facts && need->max_dump_level > 1)
		return err_set(e, "%s doesn't contain vmcoreinfo: dump level %d needs -x VMLINUX or -i VMCOREINFO",
			       vmcore_path(vc), need->max_dump_level);
	if (kview_init(kv, vc, e) < 0)
		return -1;
	if (!kv->arch && (need->max_dump_level > 1 || need->translation))
		return err_set(e, "%s: unsupported architecture (ELF machine %u): only dump levels 0 and 1 work",
			       vmcore_path(vc), vmcore_machine(vc));
	log_kernel(kn);
	return need->mem_map ? open_mem_map(kn, e) : 0;
}

void kernel_close(struct kernel *kn)
{
	memmap_close(kn->mm);
	kn->mm = NULL;
	kview_fini(&kn->kv);
}
