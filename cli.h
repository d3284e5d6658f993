/*
 * cli.h - argv -> struct options with upstream's option letters, long
 * names and combination rules; the help and version texts.
 */
#ifndef MDF_CLI_H
#define MDF_CLI_H

#include <stdint.h>

#include "makedumpfile.h"

/*
 * Parse and check argv.  Returns EXIT_COMPLETED, or EXIT_FAILED after
 * printing why (upstream's "Commandline parameter is invalid." lines).
 */
int cli_parse(int argc, char **argv, struct options *o);
void cli_usage(void);
void cli_version(void);
/* -D: version and command line. */
void cli_debug_banner(int argc, char **argv);
/* MemFree of the running system, in bytes (0 when unknown). */
uint64_t cli_mem_free(void);
/*
 * Pfns per window: upstream's rule (--cyclic-buffer KB, else 60% of free
 * memory, at most 4 MiB, no more than the dump needs), one bit per pfn.
 * MAKEDUMPFILE_WINDOW_PFNS (a multiple of 8) overrides it for tests.
 */
uint64_t cli_window_pfns(const struct options *o, uint64_t max_mapnr);
/* The number of compression threads to use. */
unsigned cli_threads(const struct options *o);

#endif
