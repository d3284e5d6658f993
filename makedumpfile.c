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
#include "dwarf_info.h"
#include "dump.h"
#include "kernel.h"
#include "log.h"
#include "memusage.h"
#include "out_elf.h"
#include "out_kdump.h"
#include "plan.h"
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

/* The highest level of -d A,B,C: what the kernel facts must allow. */
static int max_dump_level(const struct options *o)
{
	int i, m = 0;

	for (i = 0; i < o->num_dump_levels; i++)
		m = o->dump_levels[i] > m ? o->dump_levels[i] : m;
	return m;
}

static int open_kernel(const struct options *o, struct vmcore *vc, bool mem_map,
		       struct kernel *kn, struct err *e)
{
	struct kernel_needs need = {
		.vmlinux = o->vmlinux, .vmcoreinfo = o->vmcoreinfo_in,
		.max_dump_level = max_dump_level(o),
		.translation = o->have_vtop || o->mode == MODE_DMESG || o->mode == MODE_MEM_USAGE,
		.mem_map = mem_map,
	};

	return kernel_open(kn, vc, &need, e);
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
	struct kernel kn;
};

static int setup_dump(const struct options *o, struct dump_setup *ds, struct err *e)
{
	ds->vc = vmcore_open(o->vmcore, !o->non_mmap, e);
	if (!ds->vc)
		return -1;
	if (open_kernel(o, ds->vc, true, &ds->kn, e) < 0)
		return -1;
	if (o->have_vtop && print_vtop(&ds->kn.kv, o->vtop_addr, e) < 0)
		return -1;
	return 0;
}

static void teardown_dump(struct dump_setup *ds)
{
	kernel_close(&ds->kn);
	vmcore_close(ds->vc);
}

/* Write through the plan's format; the report gets what the run counted. */
static int write_format(struct dump_run *r, struct report *rep, struct err *e)
{
	int rc;

	if (r->plan->format == OUT_ELF)
		rc = out_elf_write(r, &rep->elf_excluded, e);
	else
		rc = out_kdump_write(r, e);
	rep->write_bytes = sink_bytes_written(r->sink);
	return rc;
}

/* One attempt of a single-file dump.  Returns 0, or -1 with e (ERR_NOSPC: out of space). */
static int write_dump(const struct options *o, struct kernel *kn, const struct dump_plan *p,
		      struct report *rep, struct err *e)
{
	struct dump_counts counts = { 0 };
	struct dump_run r;
	struct sink *sink;
	int rc;

	sink = open_output(o, o->outputs ? o->outputs[0] : NULL, e);
	if (!sink)
		return -1;
	if (dump_run_open(&r, p, kn, sink, &counts, e) < 0) {
		sink_discard(sink);
		return -1;
	}
	rc = write_format(&r, rep, e);
	rep->counts = counts;
	dump_run_close(&r);
	if (rc < 0 && !r.incomplete) {
		sink_discard(sink);
		return -1;
	}
	if (rc < 0) {
		struct err ignore;

		sink_close(sink, &ignore);
		return -1;
	}
	return sink_close(sink, e);
}

/* One attempt at one dump level of -d A,B,C. */
static int attempt(const struct options *o, struct kernel *kn, int level, struct report *rep,
		   struct err *e)
{
	struct dump_plan plan;

	if (plan_dump(&plan, o, kn, level, e) < 0)
		return -1;
	rep->original = vmcore_original_pages(kn->vc, plan.max_mapnr);
	rep->max_mapnr = plan.max_mapnr;
	if (plan.nparts)
		return split_write(o, kn, &plan, rep, e);
	return write_dump(o, kn, &plan, rep, e);
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
		rc = attempt(o, &ds.kn, o->dump_levels[i], &rep, &e);
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
	} else {
		print_err(&e);	/* -F and --dry-run too: the reason is always said */
		if (err_is_cut_short(&e) && !o->flatten && !o->dry_run)
			log_msg("This is an incomplete dumpfile, but might analyzable.\n");
	}
	rc = rc == 0 ? 0 : 1;
out:
	if (rc < 0)
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
	if (ds.vc && open_kernel(o, ds.vc, false, &ds.kn, &e) == 0 &&
	    dmesg_save(&ds.kn.kv, o->outputs[0], o->partial_dmesg, o->force, &e) == 0) {
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
	if (setup_dump(o, &ds, &e) == 0 && memusage_show(&ds.kn, &e) == 0)
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
	sink_stop_on_signals();
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
