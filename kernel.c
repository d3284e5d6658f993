/* kernel.c - kernel facts, view, mem_map and max_mapnr, once; see kernel.h. */
#include "kernel.h"
#include "dwarf_info.h"
#include "log.h"
#include "vmcoreinfo.h"
#include "arch/arch.h"

#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * Facts come from -x (DWARF) or -i (text) first, then the dump's own
 * VMCOREINFO note fills what they left absent.  A dump without the note
 * may hold the kernel's note in its memory, where the arch knows a pointer
 * to it (s390x).  Given symbols are moved by the arch's KASLR shift
 * (symbol_shift).  A given source must describe the dump's release.
 */
static int load_facts(const struct kernel_needs *need, struct vmcore *vc, struct kfacts *k,
		      struct err *why_none, struct err *e)
{
	const struct arch_ops *arch = arch_for_machine(vmcore_machine(vc));
	size_t len = 0;
	const char *note = vmcore_vmcoreinfo(vc, &len, NULL);
	const char *given = need->vmlinux ? need->vmlinux : need->vmcoreinfo;
	struct kfacts from_note;
	char *in_memory = NULL;
	int rc = -1;

	memset(k, 0, sizeof(*k));
	memset(&from_note, 0, sizeof(from_note));
	if (!note && arch && arch->vmcoreinfo_in_memory) {
		note = in_memory = arch->vmcoreinfo_in_memory(vc, &len, why_none);
		if (!note)
			log_debug("%s: no VMCOREINFO note; %s\n", vmcore_path(vc), why_none->msg);
	}
	if (note && vmci_parse(note, len, in_memory ? "VMCOREINFO in memory" : "VMCOREINFO note",
			       &from_note, e) < 0) {
		err_prefix(e, "%s", vmcore_path(vc));
		goto out;
	}
	if (need->vmlinux && dwinfo_read(need->vmlinux, k, e) < 0)
		goto out;
	if (need->vmcoreinfo && vmci_parse_file(need->vmcoreinfo, k, e) < 0)
		goto out;
	if (given) {
		int64_t delta = arch && arch->symbol_shift ? arch->symbol_shift(&from_note, k)
							   : arch_shift_by_offset(&from_note, k);

		kf_shift_symbols(k, delta);
		kf_take(k, &from_note, KF_KERNELOFFSET);
		if (note && strcmp(kf_text(&from_note, KT_OSRELEASE), kf_text(k, KT_OSRELEASE)) != 0) {
			err_set_code(e, ERR_RELEASE, "check_release: %s (%s) and %s (%s) don't match.",
				     given, kf_text(k, KT_OSRELEASE), vmcore_path(vc),
				     kf_text(&from_note, KT_OSRELEASE));
			goto out;
		}
	}
	kf_fill(k, &from_note);
	rc = 0;
out:
	free(in_memory);
	return rc;
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
	struct err why_none = { 0 };

	memset(kn, 0, sizeof(*kn));
	kn->vc = vc;
	if (load_facts(need, vc, &kv->k, &why_none, e) < 0)
		return -1;
	kv->have_facts = kf_have_text(&kv->k, KT_OSRELEASE);
	if (!kv->have_facts && need->max_dump_level > 1)
		return err_set(e, "%s doesn't contain vmcoreinfo%s%s%s: dump level %d needs -x VMLINUX or -i VMCOREINFO",
			       vmcore_path(vc), why_none.msg[0] ? " (" : "", why_none.msg,
			       why_none.msg[0] ? ")" : "", need->max_dump_level);
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
