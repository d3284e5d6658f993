/*
 * makedumpfile.c - the command line and the recipe of each mode.
 *
 * argv -> struct options (upstream's letters and long names) -> the checks
 * upstream makes on their combinations -> one mode: filter and write a
 * dump, write VMCOREINFO (-g), rebuild a flattened stream (-R), join split
 * files (--reassemble), save the kernel log (--dump-dmesg), or show memory
 * usage (--mem-usage).  Only this file prints errors; modules return them.
 */
#include "makedumpfile.h"
#include "cli.h"
#include "dmesg.h"
#include "dump.h"
#include "dwarf_info.h"
#include "filter.h"
#include "kview.h"
#include "log.h"
#include "memmap.h"
#include "memusage.h"
#include "out_elf.h"
#include "out_kdump.h"
#include "report.h"
#include "sink.h"
#include "split.h"
#include "vmcore.h"
#include "vmcoreinfo.h"
#include "arch/arch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Print the one-line error of a failed step. */
static void print_err(const struct err *e)
{
	log_error("%s: %s\n", MDF_NAME, e->msg);
}

/* ---- kernel knowledge ---------------------------------------------------- */

/*
 * Facts come from -x (DWARF) or -i (text) first, then the dump's own
 * VMCOREINFO note fills what they left absent.  Their symbols are moved by
 * the dump's KASLR offset (KERNELOFFSET), less any offset the -i text was
 * written with.
 */
static int load_facts(const struct options *o, struct vmcore *vc, struct kview *kv,
		      struct err *e)
{
	size_t len;
	const char *note = vmcore_vmcoreinfo(vc, &len, NULL);
	const char *given = o->vmlinux ? o->vmlinux : o->vmcoreinfo_in;
	struct kfacts *k = &kv->k, from_note;

	memset(k, 0, sizeof(*k));
	memset(&from_note, 0, sizeof(from_note));
	if (note && vmci_parse(note, len, "VMCOREINFO note", &from_note, e) < 0)
		return err_prefix(e, "%s", vmcore_path(vc));
	if (o->vmlinux && dwinfo_read(o->vmlinux, k, e) < 0)
		return -1;
	if (o->vmcoreinfo_in && vmci_parse_file(o->vmcoreinfo_in, k, e) < 0)
		return -1;
	if (given) {
		int64_t written_with = k->have_kerneloffset ? (int64_t)k->kerneloffset : 0;

		kf_shift_symbols(k, (int64_t)from_note.kerneloffset - written_with);
		k->have_kerneloffset = from_note.have_kerneloffset;
		k->kerneloffset = from_note.kerneloffset;
		if (note && strcmp(from_note.release, k->release) != 0)
			return err_set_code(e, ERR_RELEASE,
					    "check_release: %s (%s) and %s (%s) don't match.",
					    given, k->release, vmcore_path(vc), from_note.release);
	}
	kf_fill(k, &from_note);
	kv->have_facts = k->release[0] != 0;
	return 0;
}

/* The highest level of -d A,B,C: what the kernel facts must allow. */
static int max_dump_level(const struct options *o)
{
	int i, m = 0;

	for (i = 0; i < o->num_dump_levels; i++)
		m = o->dump_levels[i] > m ? o->dump_levels[i] : m;
	return m;
}

static int open_kernel(const struct options *o, struct vmcore *vc, struct kview *kv,
		       struct err *e)
{
	memset(kv, 0, sizeof(*kv));
	if (load_facts(o, vc, kv, e) < 0)
		return -1;
	if (!kv->have_facts && max_dump_level(o) > 1)
		return err_set(e, "%s doesn't contain vmcoreinfo: dump level %d needs -x VMLINUX or -i VMCOREINFO",
			       vmcore_path(vc), max_dump_level(o));
	if (kview_init(kv, vc, e) < 0)
		return -1;
	if (!kv->arch && (max_dump_level(o) > 1 || o->have_vtop ||
			  o->mode == MODE_DMESG || o->mode == MODE_MEM_USAGE))
		return err_set(e, "%s: unsupported architecture (ELF machine %u): only dump levels 0 and 1 work",
			       vmcore_path(vc), vmcore_machine(vc));
	if (log_on(ML_DEBUG) && kv->have_facts) {
		log_debug("kernel facts (VMCOREINFO form):\n");
		vmci_write(&kv->k, log_stream());
	}
	log_debug("page_size    : %u\nphys_base    : %" PRIx64 "\narch         : %s\n",
		  kv->page_size, kv->phys_base, kv->arch ? kv->arch->name : "unknown");
	return 0;
}

static int print_vtop(struct kview *kv, uint64_t va, struct err *e)
{
	uint64_t pa;

	if (!kv->arch)
		return err_set(e, "--vtop: unknown architecture");
	if (log_on(ML_DEBUG) && kv->arch->print_vtop(kv, va, log_stream(), e) < 0)
		return -1;
	if (kview_vtop(kv, va, &pa, NULL, e) < 0)
		return -1;
	log_msg("\nTranslating virtual address %" PRIx64 " to physical address.\n", va);
	log_msg("VIRTUAL           PHYSICAL\n");
	log_msg("%16" PRIx64 "  %" PRIx64 "\n\n", va, pa);
	return 0;
}

/* ---- creating a dump ------------------------------------------------------ */

static struct sink *open_output(const struct options *o, const char *path, struct err *e)
{
	struct sink *s;

	if (o->dry_run)
		s = sink_open_null();
	else if (o->flatten)
		s = sink_open_flat(STDOUT_FILENO, "STDOUT", e);
	else
		s = sink_open_file(path, o->force, e);
	if (s && o->size_limit)
		sink_set_limit(s, o->size_limit);
	return s;
}

struct dump_setup {
	struct vmcore *vc;
	struct kview kv;
	struct memmap *mm;
	uint64_t max_mapnr;
};

static int setup_dump(const struct options *o, struct dump_setup *ds, struct err *e)
{
	ds->vc = vmcore_open(o->vmcore, !o->non_mmap, e);
	if (!ds->vc)
		return -1;
	if (open_kernel(o, ds->vc, &ds->kv, e) < 0)
		return -1;
	ds->max_mapnr = vmcore_max_pfn(ds->vc);
	if (ds->kv.have_facts && ds->kv.arch) {
		ds->mm = memmap_open(&ds->kv, ds->max_mapnr, e);
		if (!ds->mm)
			return -1;
		ds->max_mapnr = memmap_max_pfn(ds->mm);
		log_debug("Memory type  : %s\nmax_mapnr    : %" PRIx64 "\n",
			  memmap_model_name(memmap_model(ds->mm)), ds->max_mapnr);
	}
	if (vmcore_kind(ds->vc) == VMCORE_KDUMP)
		ds->max_mapnr = vmcore_max_pfn(ds->vc);
	if (o->have_vtop && print_vtop(&ds->kv, o->vtop_addr, e) < 0)
		return -1;
	return 0;
}

static void teardown_dump(struct dump_setup *ds)
{
	memmap_close(ds->mm);
	kview_fini(&ds->kv);
	vmcore_close(ds->vc);
}

/* One attempt at one dump level.  Returns 0, or -1 with e (ERR_NOSPC: out of space). */
static int write_dump(const struct options *o, struct dump_setup *ds, int level,
		      struct report *rep, struct err *e)
{
	struct dump_job job;
	int rc;

	memset(&job, 0, sizeof(job));
	job.vc = ds->vc;
	job.kv = &ds->kv;
	job.dump_level = level | vmcore_input_dump_level(ds->vc);
	job.codec = o->codec;
	job.max_mapnr = ds->max_mapnr;
	job.window_pfns = cli_window_pfns(o, ds->max_mapnr);
	job.num_threads = cli_threads(o);
	job.work_dir = o->work_dir;
	job.block_order = (unsigned)o->block_order;
	job.split_end = ds->max_mapnr;
	job.exclude_vmemmap = o->exclude_vmemmap;
	job.mm = ds->mm;
	if (job.dump_level != level)
		log_msg("dump_level is changed to %d, because %s was created by dump_level(%d).\n",
			job.dump_level, o->vmcore, vmcore_input_dump_level(ds->vc));
	job.filter = filter_new(&ds->kv, ds->mm, job.dump_level, e);
	if (!job.filter)
		return -1;
	job.sink = open_output(o, o->outputs ? o->outputs[0] : NULL, e);
	if (!job.sink) {
		filter_free(job.filter);
		return -1;
	}
	rc = o->elf ? out_elf_write(&job, rep, e) : out_kdump_write(&job, e);
	rep->counts = *filter_counts(job.filter);
	rep->original = vmcore_original_pages(ds->vc, ds->max_mapnr);
	rep->max_mapnr = ds->max_mapnr;
	rep->write_bytes = sink_bytes_written(job.sink);
	filter_free(job.filter);
	if (rc < 0 && !job.incomplete) {
		sink_discard(job.sink);
		return -1;
	}
	if (rc < 0) {
		struct err ignore;

		sink_close(job.sink, &ignore);
		return -1;
	}
	return sink_close(job.sink, e);
}

static int run_dump(const struct options *o)
{
	struct dump_setup ds;
	struct report rep;
	struct err e = { 0 };
	int i, rc = -1;

	memset(&ds, 0, sizeof(ds));
	memset(&rep, 0, sizeof(rep));
	rep.elf = o->elf;
	if (setup_dump(o, &ds, &e) < 0)
		goto out;
	for (i = 0; i < o->num_dump_levels; i++) {
		if (i > 0)
			log_msg("Retry to create a dumpfile by dump_level(%d).\n", o->dump_levels[i]);
		if (o->split)
			rc = split_write(o, &ds.kv, ds.mm, ds.max_mapnr, o->dump_levels[i], &rep, &e);
		else
			rc = write_dump(o, &ds, o->dump_levels[i], &rep, &e);
		if (rc == 0 || e.code != ERR_NOSPC || o->flatten || o->dry_run ||
		    i + 1 == o->num_dump_levels)
			break;
		print_err(&e);
		if (!o->split)
			unlink(o->outputs[0]);
		else
			split_unlink(o);
	}
	progress_newline();
	report_print(&rep);
	if (rc == 0) {
		if (o->split)
			split_print_saved(o);
		else
			log_msg("\nThe dumpfile is saved to %s.\n",
				o->flatten ? "STDOUT" : o->outputs[0]);
	} else if (e.code == ERR_NOSPC && !o->flatten && !o->dry_run) {
		print_err(&e);
		log_msg("This is an incomplete dumpfile, but might analyzable.\n");
	}
out:
	if (rc < 0 && e.code != ERR_NOSPC)
		print_err(&e);
	teardown_dump(&ds);
	if (rc == 0)
		return EXIT_COMPLETED;
	return e.code == ERR_RELEASE ? EXIT_WRONG_RELEASE : EXIT_FAILED;
}

/* ---- the other modes ---------------------------------------------------- */

static int run_generate(const struct options *o)
{
	struct kfacts k;
	struct err e = { 0 };
	FILE *f;

	memset(&k, 0, sizeof(k));
	if (dwinfo_read(o->vmlinux, &k, &e) < 0) {
		print_err(&e);
		return EXIT_FAILED;
	}
	f = fopen(o->vmcoreinfo_out, o->force ? "w" : "wx");
	if (!f) {
		err_errno(&e, errno, "%s: cannot create the VMCOREINFO file", o->vmcoreinfo_out);
		print_err(&e);
		return EXIT_FAILED;
	}
	if (vmci_write(&k, f) < 0 || fclose(f) != 0) {
		err_errno(&e, errno, "%s: write", o->vmcoreinfo_out);
		print_err(&e);
		unlink(o->vmcoreinfo_out);
		return EXIT_FAILED;
	}
	log_msg("\nThe vmcoreinfo is saved to %s.\n", o->vmcoreinfo_out);
	return EXIT_COMPLETED;
}

static int run_rearrange(const struct options *o)
{
	struct err e = { 0 };

	if (sink_unflatten(STDIN_FILENO, "STDIN", o->outputs[0], o->force, &e) < 0) {
		print_err(&e);
		return EXIT_FAILED;
	}
	log_msg("\nThe dumpfile is saved to %s.\n", o->outputs[0]);
	return EXIT_COMPLETED;
}

static int run_dmesg(const struct options *o)
{
	struct dump_setup ds;
	struct err e = { 0 };
	int rc = EXIT_FAILED;

	memset(&ds, 0, sizeof(ds));
	ds.vc = vmcore_open(o->vmcore, !o->non_mmap, &e);
	if (ds.vc && open_kernel(o, ds.vc, &ds.kv, &e) == 0 &&
	    dmesg_save(&ds.kv, o->outputs[0], o->partial_dmesg, o->force, &e) == 0) {
		log_msg("\nThe dmesg log is saved to %s.\n", o->outputs[0]);
		rc = EXIT_COMPLETED;
	} else {
		print_err(&e);
		if (e.code == ERR_RELEASE)
			rc = EXIT_WRONG_RELEASE;
	}
	teardown_dump(&ds);
	return rc;
}

static int run_mem_usage(const struct options *o)
{
	struct dump_setup ds;
	struct err e = { 0 };
	int rc = EXIT_FAILED;

	memset(&ds, 0, sizeof(ds));
	if (setup_dump(o, &ds, &e) == 0 && memusage_show(&ds.kv, ds.mm, ds.max_mapnr, &e) == 0)
		rc = EXIT_COMPLETED;
	else
		print_err(&e);
	teardown_dump(&ds);
	return rc;
}

static int run_reassemble(const struct options *o)
{
	struct err e = { 0 };

	int rc = split_reassemble(o, &e);

	progress_newline();
	if (rc < 0) {
		print_err(&e);
		return EXIT_FAILED;
	}
	log_msg("\nThe dumpfile is saved to %s.\n", o->outputs[0]);
	return EXIT_COMPLETED;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc;

	log_elapsed();
	rc = cli_parse(argc, argv, &o);
	if (rc != EXIT_COMPLETED || o.mode == MODE_HELP || o.mode == MODE_VERSION) {
		if (rc == EXIT_COMPLETED && o.mode == MODE_HELP)
			cli_usage();
		else if (rc == EXIT_COMPLETED)
			cli_version();
		else if (!o.check_params)
			log_msg("\n%s Failed.\n", MDF_NAME);
		return rc;
	}
	if (o.check_params)
		return EXIT_COMPLETED;
	cli_debug_banner(argc, argv);
	if (o.flatten)
		log_stdout_is_data();
	switch (o.mode) {
	case MODE_GENERATE: rc = run_generate(&o); break;
	case MODE_REARRANGE: rc = run_rearrange(&o); break;
	case MODE_REASSEMBLE: rc = run_reassemble(&o); break;
	case MODE_DMESG: rc = run_dmesg(&o); break;
	case MODE_MEM_USAGE:
		rc = run_mem_usage(&o);
		if (rc == EXIT_COMPLETED)
			return rc;	/* upstream prints only the table */
		break;
	default: rc = run_dump(&o); break;
	}
	log_msg("\n%s %s.\n", MDF_NAME, rc == EXIT_COMPLETED ? "Completed" : "Failed");
	return rc;
}
