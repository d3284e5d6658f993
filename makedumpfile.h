/*
 * makedumpfile.h - the command line: upstream's options into one struct,
 * filled once by parse_options() and read-only afterwards.
 */
#ifndef MDF_MAKEDUMPFILE_H
#define MDF_MAKEDUMPFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "compress.h"

/* This program's own version (the packages in debian/ and makedumpfile.spec carry it). */
#define MDF_VERSION	"0.1.0"
/* The upstream makedumpfile release whose behaviour and output it matches. */
#define MDF_UPSTREAM_VERSION "1.7.8"
#define MDF_NAME	"makedumpfile"

/* Exit statuses, as upstream. */
enum { EXIT_COMPLETED = 0, EXIT_FAILED = 1, EXIT_WRONG_RELEASE = 2 };

#define MAX_DUMP_LEVELS 32
/* -b: page data is written in chunks of 2^order pages (256 KiB of 4 KiB pages). */
#define DEFAULT_BLOCK_ORDER 6

enum run_mode {
	MODE_DUMP,		/* VMCORE DUMPFILE (or -F VMCORE) */
	MODE_GENERATE,		/* -g VMCOREINFO -x VMLINUX */
	MODE_REARRANGE,		/* -R DUMPFILE < flattened */
	MODE_REASSEMBLE,	/* --reassemble PART... DUMPFILE */
	MODE_DMESG,		/* --dump-dmesg VMCORE LOGFILE */
	MODE_MEM_USAGE,		/* --mem-usage /proc/kcore */
	MODE_HELP,
	MODE_VERSION,
};

struct options {
	enum run_mode mode;
	int dump_levels[MAX_DUMP_LEVELS];	/* -d A,B,C: tried in order on ENOSPC */
	int num_dump_levels;
	bool dump_level_given;
	enum codec_id codec;
	bool elf;			/* -E */
	bool flatten;			/* -F */
	bool force;			/* -f */
	bool debug;			/* -D */
	bool split;			/* --split */
	bool partial_dmesg;
	bool non_mmap;
	bool check_params;
	bool dry_run;
	bool show_stats;
	bool exclude_vmemmap;		/* -e */
	bool have_vtop;
	uint64_t vtop_addr;		/* --vtop */
	int message_level;
	int block_order;		/* -b */
	uint64_t size_limit;		/* -L; 0 = none */
	uint64_t cyclic_buffer_kb;	/* --cyclic-buffer; 0 = default */
	uint64_t splitblock_kb;		/* --splitblock-size; 0 = default */
	int num_threads;		/* --num-threads; -1 = default */
	const char *vmcoreinfo_in;	/* -i */
	const char *vmcoreinfo_out;	/* -g */
	const char *vmlinux;		/* -x */
	const char *work_dir;		/* --work-dir */

	const char *vmcore;		/* input */
	const char *const *outputs;	/* dump files (split parts, or the one) */
	int num_outputs;
	const char *const *inputs;	/* --reassemble parts */
	int num_inputs;
};

#endif
