/* cli.c - the command line; see cli.h. */
#include "cli.h"
#include "log.h"
#include "pagerules.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_SPLIT = 256, OPT_REASSEMBLE, OPT_XEN_SYMS, OPT_XEN_VMCOREINFO, OPT_XEN_PHYS_START,
	OPT_MESSAGE_LEVEL, OPT_VTOP, OPT_DUMP_DMESG, OPT_CONFIG, OPT_DISKSET, OPT_CYCLIC_BUFFER,
	OPT_EPPIC, OPT_NON_MMAP, OPT_MEM_USAGE, OPT_SPLITBLOCK_SIZE, OPT_WORK_DIR,
	OPT_NUM_THREADS, OPT_PARTIAL_DMESG, OPT_CHECK_PARAMS, OPT_DRY_RUN, OPT_SHOW_STATS,
};

static const struct option long_options[] = {
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "reassemble", no_argument, NULL, OPT_REASSEMBLE },
	{ "xen-syms", required_argument, NULL, OPT_XEN_SYMS },
	{ "xen-vmcoreinfo", required_argument, NULL, OPT_XEN_VMCOREINFO },
	{ "xen_phys_start", required_argument, NULL, OPT_XEN_PHYS_START },
	{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
	{ "vtop", required_argument, NULL, OPT_VTOP },
	{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
	{ "partial-dmesg", no_argument, NULL, OPT_PARTIAL_DMESG },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "diskset", required_argument, NULL, OPT_DISKSET },
	{ "cyclic-buffer", required_argument, NULL, OPT_CYCLIC_BUFFER },
	{ "eppic", required_argument, NULL, OPT_EPPIC },
	{ "non-mmap", no_argument, NULL, OPT_NON_MMAP },
	{ "mem-usage", no_argument, NULL, OPT_MEM_USAGE },
	{ "splitblock-size", required_argument, NULL, OPT_SPLITBLOCK_SIZE },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
	{ "check-params", no_argument, NULL, OPT_CHECK_PARAMS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "show-stats", no_argument, NULL, OPT_SHOW_STATS },
	{ NULL, 0, NULL, 0 },
};

/* -K: the switch of the original cyclic patch set; cyclic is always on. */
static const char short_options[] = "b:cDd:eEFfg:hi:KlL:pRvXx:z";

static int invalid(void)
{
	log_msg("Commandline parameter is invalid.\n");
	log_msg("Try `makedumpfile --help' for more information.\n");
	return EXIT_FAILED;
}

/* A one-line reason, then upstream's invalid-parameter lines. */
static int refuse(const char *why)
{
	log_msg("%s\n", why);
	return invalid();
}

static int unsupported(const char *what)
{
	log_error("%s: %s is not supported by this makedumpfile.\n", MDF_NAME, what);
	return EXIT_FAILED;
}

/* A decimal number with nothing after it. */
static bool parse_int(const char *s, long long *v)
{
	char *end;

	if (!*s)
		return false;
	*v = strtoll(s, &end, 10);
	return *end == '\0';
}

static int parse_dump_levels(const char *arg, struct options *o)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->num_dump_levels = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long long v;

		if (o->num_dump_levels == MAX_DUMP_LEVELS) {
			log_msg("Dump_level is invalid.\n");
			return -1;
		}
		if (!parse_int(tok, &v) || v < 0 || v > DL_MAX) {
			log_msg("Dump_level(%s) is invalid.\n", tok);
			return -1;
		}
		o->dump_levels[o->num_dump_levels++] = (int)v;
	}
	if (!o->num_dump_levels) {
		log_msg("Dump_level is invalid.\n");
		return -1;
	}
	o->dump_level_given = true;
	return 0;
}

/* 123, 64K, 10M, 2G ... (powers of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	const char *u;

	if (end == s)
		return false;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || end[1])
			return false;
		v <<= 10 * (unsigned)(u - units + 1);
	}
	*out = v;
	return v != 0;
}

static void set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = MODE_DUMP;
	o->num_dump_levels = 1;
	o->message_level = ML_DEFAULT;
	o->block_order = DEFAULT_BLOCK_ORDER;
	o->num_threads = -1;
}

/* Returns 0, 1 to stop with EXIT_COMPLETED printed nothing, or an exit status. */
static int take_option(int c, const char *arg, struct options *o, bool *generate,
		       bool *rearrange, bool *reassemble, bool *dmesg, bool *mem_usage)
{
	long long v;

	switch (c) {
	case 'b':
		if (!parse_int(arg, &v) || v < 0 || v > 20)
			return refuse("The block order must be a number from 0 to 20.");
		o->block_order = (int)v;
		break;
	case 'c': o->codec = CODEC_ZLIB; break;
	case 'l': o->codec = CODEC_LZO; break;
	case 'p': o->codec = CODEC_SNAPPY; break;
	case 'z': o->codec = CODEC_ZSTD; break;
	case 'D': o->debug = true; break;
	case 'd':
		if (parse_dump_levels(arg, o) < 0)
			return invalid();
		break;
	case 'e': o->exclude_vmemmap = true; break;
	case 'E': o->elf = true; break;
	case 'F': o->flatten = true; log_stdout_is_data(); break;
	case 'f': o->force = true; break;
	case 'g': *generate = true; o->vmcoreinfo_out = arg; break;
	case 'h': o->mode = MODE_HELP; break;
	case 'i': o->vmcoreinfo_in = arg; break;
	case 'K': break;
	case 'L':
		if (!parse_size(arg, &o->size_limit)) {
			log_msg("Limit size(%s) is invalid.\n", arg);
			return EXIT_FAILED;
		}
		break;
	case 'R': *rearrange = true; break;
	case 'v': if (o->mode != MODE_HELP) o->mode = MODE_VERSION; break;
	case 'x': o->vmlinux = arg; break;
	case 'X': return unsupported("-X (Xen user domain filtering)");
	case OPT_XEN_SYMS: return unsupported("--xen-syms");
	case OPT_XEN_VMCOREINFO: return unsupported("--xen-vmcoreinfo");
	case OPT_XEN_PHYS_START: return unsupported("--xen_phys_start");
	case OPT_CONFIG: return unsupported("--config (erase filtering)");
	case OPT_EPPIC: return unsupported("--eppic");
	case OPT_DISKSET: return unsupported("--diskset (sadump)");
	case OPT_SPLIT: o->split = true; break;
	case OPT_REASSEMBLE: *reassemble = true; break;
	case OPT_MESSAGE_LEVEL:
		if (!parse_int(arg, &v) || v < 0 || v > ML_MAX) {
			log_msg("Message_level(%s) is invalid.\n", arg);
			return invalid();
		}
		o->message_level = (int)v;
		log_set_level(o->message_level);
		break;
	case OPT_VTOP: {
		char *end;

		o->vtop_addr = strtoull(arg, &end, 0);
		if (*end || !*arg)
			return refuse("The --vtop address is not a number.");
		o->have_vtop = true;
		break;
	}
	case OPT_DUMP_DMESG: *dmesg = true; break;
	case OPT_PARTIAL_DMESG: o->partial_dmesg = true; break;
	case OPT_CYCLIC_BUFFER:
		if (!parse_int(arg, &v) || v <= 0)
			return refuse("The cyclic buffer size must be a positive number of KiB.");
		o->cyclic_buffer_kb = (uint64_t)v;
		break;
	case OPT_NON_MMAP: o->non_mmap = true; break;
	case OPT_MEM_USAGE: *mem_usage = true; break;
	case OPT_SPLITBLOCK_SIZE:
		if (!parse_int(arg, &v) || v <= 0)
			return refuse("The splitblock size could not be 0.");
		o->splitblock_kb = (uint64_t)v;
		break;
	case OPT_WORK_DIR: o->work_dir = arg; break;
	case OPT_NUM_THREADS:
		if (!parse_int(arg, &v) || v < 0 || v > 256)
			return refuse("The number of threads must be a number from 0 to 256.");
		o->num_threads = (int)v;
		break;
	case OPT_CHECK_PARAMS: o->check_params = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_SHOW_STATS: o->show_stats = true; break;
	default:
		return invalid();
	}
	return 0;
}

static bool any_compression(const struct options *o) { return o->codec != CODEC_NONE; }

/* -g, -R and --reassemble take no filtering options. */
static bool has_filter_options(const struct options *o)
{
	return any_compression(o) || (o->dump_level_given && o->dump_levels[0] != 0) ||
	       o->elf || o->flatten;
}

static int check_generate(struct options *o, int n)
{
	if (o->dry_run)
		return refuse("--dry-run cannot be used with -g.");
	if (n != 0 || has_filter_options(o) || o->vmcoreinfo_in || !o->vmlinux)
		return invalid();
	o->mode = MODE_GENERATE;
	return 0;
}

static int check_rearrange(struct options *o, int n, char **rest)
{
	if (n != 1 || has_filter_options(o) || o->vmcoreinfo_in || o->vmlinux)
		return invalid();
	o->mode = MODE_REARRANGE;
	o->outputs = (const char *const *)rest;
	o->num_outputs = 1;
	return 0;
}

static int check_reassemble(struct options *o, int n, char **rest)
{
	if (o->dry_run)
		return refuse("--dry-run cannot be used with --reassemble.");
	if (n < 2 || has_filter_options(o) || o->vmcoreinfo_in || o->vmlinux || o->split)
		return invalid();
	o->mode = MODE_REASSEMBLE;
	o->inputs = (const char *const *)rest;
	o->num_inputs = n - 1;
	o->outputs = (const char *const *)rest + n - 1;
	o->num_outputs = 1;
	return 0;
}

static int check_create(struct options *o, int n, char **rest, bool dmesg, bool mem_usage)
{
	if ((any_compression(o) && o->elf) || (o->vmcoreinfo_in && o->vmlinux))
		return invalid();
	if (o->dry_run && dmesg)
		return refuse("--dry-run cannot be used with --dump-dmesg.");
	if (o->flatten && o->split)
		return invalid();
	if (o->num_threads > 0 && o->split)
		return refuse("--num-threads cannot used with --split.");
	if (o->partial_dmesg && !dmesg)
		return invalid();
	if (o->exclude_vmemmap && !o->work_dir)
		return refuse("-e requires --work-dir");
	if (!codec_built_in(o->codec)) {
		log_error("%s: '-%c': %s compression is not built into this makedumpfile.\n",
			  MDF_NAME, "clpz"[o->codec - 1], codec_name(o->codec));
		return EXIT_FAILED;
	}
	o->mode = dmesg ? MODE_DMESG : mem_usage ? MODE_MEM_USAGE : MODE_DUMP;
	if (n == 2 && !o->flatten && !o->split) {
		o->vmcore = rest[0];
		o->outputs = (const char *const *)rest + 1;
		o->num_outputs = 1;
	} else if (o->split && n > 2) {
		if (o->elf)
			return refuse("Options for splitting dumpfile cannot be used with Elf format.");
		o->vmcore = rest[0];
		o->outputs = (const char *const *)rest + 1;
		o->num_outputs = n - 1;
	} else if (n == 1 && (o->flatten || mem_usage) && !dmesg) {
		o->vmcore = rest[0];
	} else {
		return invalid();
	}
	return 0;
}

static int check_existing_outputs(const struct options *o)
{
	int i;

	if (o->force || o->flatten || o->mode == MODE_MEM_USAGE)
		return 0;
	for (i = 0; i < o->num_outputs; i++)
		if (access(o->outputs[i], F_OK) == 0) {
			log_error("%s: %s: the file exists (use -f to overwrite it)\n", MDF_NAME,
				  o->outputs[i]);
			return EXIT_FAILED;
		}
	return 0;
}

int cli_parse(int argc, char **argv, struct options *o)
{
	bool generate = false, rearrange = false, reassemble = false, dmesg = false;
	bool mem_usage = false;
	int c, rc, n;
	char **rest;

	set_defaults(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		rc = take_option(c, optarg, o, &generate, &rearrange, &reassemble, &dmesg,
				 &mem_usage);
		if (rc)
			return rc;
	}
	if (o->debug)
		o->message_level |= ML_DEBUG;
	if (o->show_stats)
		o->message_level |= ML_REPORT;
	if (o->check_params)
		o->message_level = ML_DEFAULT;
	log_set_level(o->message_level);
	if (o->mode == MODE_HELP || o->mode == MODE_VERSION)
		return EXIT_COMPLETED;
	n = argc - optind;
	rest = argv + optind;
	if (generate)
		rc = check_generate(o, n);
	else if (rearrange)
		rc = check_rearrange(o, n, rest);
	else if (reassemble)
		rc = check_reassemble(o, n, rest);
	else
		rc = check_create(o, n, rest, dmesg, mem_usage);
	if (rc)
		return rc;
	if (o->mode == MODE_REARRANGE || o->mode == MODE_REASSEMBLE || o->mode == MODE_DUMP ||
	    o->mode == MODE_DMESG)
		return check_existing_outputs(o);
	return 0;
}

void cli_version(void)
{
	log_msg("%s: version %s (behaves as upstream makedumpfile %s)\n", MDF_NAME, MDF_VERSION,
		MDF_UPSTREAM_VERSION);
	log_msg("lzo\t%s\n", codec_built_in(CODEC_LZO) ? "enabled" : "disabled");
	log_msg("snappy\t%s\n", codec_built_in(CODEC_SNAPPY) ? "enabled" : "disabled");
	log_msg("zstd\t%s\n", codec_built_in(CODEC_ZSTD) ? "enabled" : "disabled");
	log_msg("\n");
}

void cli_debug_banner(int argc, char **argv)
{
	int i;

	log_debug("%s: version %s (behaves as upstream makedumpfile %s)\n", MDF_NAME, MDF_VERSION,
		  MDF_UPSTREAM_VERSION);
	log_debug("command line: ");
	for (i = 0; i < argc; i++)
		log_debug("%s ", argv[i]);
	log_debug("\n\n");
}

uint64_t cli_mem_free(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

uint64_t cli_window_pfns(const struct options *o, uint64_t max_mapnr)
{
	uint64_t bytes, need = (max_mapnr + 7) / 8;
	const char *knob = getenv("MAKEDUMPFILE_WINDOW_PFNS");

	if (knob && strtoull(knob, NULL, 0) >= 8)
		return strtoull(knob, NULL, 0) & ~(uint64_t)7;
	if (o->cyclic_buffer_kb) {
		bytes = o->cyclic_buffer_kb << 10;
	} else {
		uint64_t free_bytes = cli_mem_free();

		bytes = 4u << 20;
		if (free_bytes && free_bytes / 10 * 6 < bytes)
			bytes = free_bytes / 10 * 6;
		if (need < bytes)
			bytes = need;
	}
	if (bytes < 1)
		bytes = 1;
	log_debug("\nBuffer size for the cyclic mode: %llu\n", (unsigned long long)bytes);
	return bytes * 8;
}

/*
 * Default: one compression thread per online CPU, at most 8, when pages are
 * compressed; a capture kernel booted with nr_cpus=1 gets one.
 */
unsigned cli_threads(const struct options *o)
{
	long cpus;

	if (o->num_threads >= 0)
		return o->num_threads ? (unsigned)o->num_threads : 1;
	if (o->codec == CODEC_NONE)
		return 1;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	return cpus > 8 ? 8 : (unsigned)cpus;
}

static const char usage_text[] =
"\n"
"Usage:\n"
"  Creating DUMPFILE:\n"
"    makedumpfile [-c|-l|-p|-z|-E] [-d DL[,DL...]] [-x VMLINUX|-i VMCOREINFO] VMCORE DUMPFILE\n"
"  Creating DUMPFILE on standard output (flattened format):\n"
"    makedumpfile -F [-c|-l|-p|-z|-E] [-d DL] [-x VMLINUX|-i VMCOREINFO] VMCORE\n"
"  Rearranging a flattened stream from standard input into DUMPFILE:\n"
"    makedumpfile -R DUMPFILE\n"
"  Splitting DUMPFILE into several files:\n"
"    makedumpfile --split [-c|-l|-p|-z] [-d DL] VMCORE DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...]\n"
"  Reassembling split files:\n"
"    makedumpfile --reassemble DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...] DUMPFILE\n"
"  Generating VMCOREINFO:\n"
"    makedumpfile -g VMCOREINFO -x VMLINUX\n"
"  Saving the kernel log:\n"
"    makedumpfile --dump-dmesg [--partial-dmesg] [-x VMLINUX|-i VMCOREINFO] VMCORE LOGFILE\n"
"  Showing memory usage of the running kernel:\n"
"    makedumpfile --mem-usage /proc/kcore\n"
"\n"
"Available options:\n"
"  -c, -l, -p, -z   Compress each page with zlib, lzo, snappy or zstd.\n"
"  -d DL[,DL...]    Dump level: the sum of the page kinds to leave out:\n"
"                     1 pages filled with zero     2 cache pages without private data\n"
"                     4 all cache pages            8 user process data\n"
"                    16 free pages.  Later levels are tried in turn if the disk fills.\n"
"  -E               Write an ELF dump instead of the kdump-compressed format.\n"
"  -F               Write the dump to standard output in the flattened format.\n"
"  -R               Rebuild DUMPFILE from a flattened stream on standard input.\n"
"  -f               Overwrite existing output files.\n"
"  -x VMLINUX       Read kernel structure layouts from VMLINUX's debug information.\n"
"  -i VMCOREINFO    Read kernel facts from the text file VMCOREINFO.\n"
"  -g VMCOREINFO    Write the kernel facts of -x VMLINUX to VMCOREINFO.\n"
"  -L SIZE          Limit the dump to SIZE bytes (K, M, G, T suffixes); a dump that does\n"
"                   not fit is saved as an incomplete dump.\n"
"  -b ORDER         Write the page data in chunks of 2^ORDER pages (default 6).\n"
"  -e               Exclude the struct pages of excluded pages (needs --work-dir).\n"
"  -K               Accepted for compatibility: cyclic processing is always used.\n"
"  -D               Print debugging messages (message level bit 8).\n"
"  -h, --help       Show this help.\n"
"  -v               Show the version and the compression methods built in.\n"
"  --split          Write the dump as several files, each for a range of memory.\n"
"  --splitblock-size KB  Unit of the ranges --split balances (default 1048576 KB).\n"
"  --reassemble     Join the files of a --split dump into one dump.\n"
"  --num-threads N  Compress with N threads (default: one per CPU, at most 8).\n"
"  --cyclic-buffer KB  Size of the bitmap window (default: 60% of free memory, at most\n"
"                   4096 KB); memory use does not grow with the dumped machine's RAM.\n"
"  --work-dir DIR   Keep the page bitmap in a file in DIR.\n"
"  --non-mmap       Read the input with read() instead of mmap().\n"
"  --message-level ML  Messages to print, a sum of: 1 progress, 2 common messages,\n"
"                   4 errors, 8 debugging, 16 the report.  Default 7.\n"
"  --show-stats     Print the report (message level bit 16).\n"
"  --dry-run        Do everything but write the dump.\n"
"  --check-params   Only check the command line.\n"
"  --vtop VADDR     Print the translation of the kernel virtual address VADDR.\n"
"  --dump-dmesg     Save the kernel log of VMCORE to LOGFILE.\n"
"  --partial-dmesg  With --dump-dmesg: only what was logged since the last clear.\n"
"  --mem-usage      Print how many pages of each kind the running kernel has.\n"
"  --config, --eppic, --xen-syms, --xen-vmcoreinfo, --xen_phys_start, -X, --diskset\n"
"                   Upstream options this makedumpfile refuses with an error.\n"
"\n"
"  VMCORE is /proc/vmcore in a kdump capture kernel, a copy of it, or a\n"
"  kdump-compressed or ELF dump to filter again.\n";

void cli_usage(void)
{
	log_msg("LZO support:\n  %s\n", codec_built_in(CODEC_LZO) ? "enabled" : "disabled ('-l' option will be refused.)");
	log_msg("snappy support:\n  %s\n", codec_built_in(CODEC_SNAPPY) ? "enabled" : "disabled ('-p' option will be refused.)");
	log_msg("zstd support:\n  %s\n", codec_built_in(CODEC_ZSTD) ? "enabled" : "disabled ('-z' option will be refused.)");
	log_msg("%s", usage_text);
}
