/*
 * log.h - messages by upstream's message-level bits, and progress lines.
 *
 * The message level is the one mutable global of the program.  Common,
 * debug and report messages go to stdout unless stdout carries the dump
 * (-F), then to stderr; errors and progress always go to stderr.
 */
#ifndef MDF_LOG_H
#define MDF_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
	ML_PROGRESS = 0x01,
	ML_COMMON = 0x02,
	ML_ERROR = 0x04,
	ML_DEBUG = 0x08,
	ML_REPORT = 0x10,
	ML_DEFAULT = 0x07,
	ML_MAX = 0x1f,
};

void log_set_level(int level);
int log_level(void);
bool log_on(int bit);
/* Messages must not go to stdout: it carries the flattened dump. */
void log_stdout_is_data(void);

void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where common, debug and report messages go (stdout, or stderr with -F). */
FILE *log_stream(void);

/* Seconds since the program started (monotonic). */
double log_elapsed(void);

/*
 * One step of work ("Copying data"): a line on stderr with the percentage
 * done, the time spent and the time left, redrawn at most once a second;
 * and a closing STEP line with its duration (in the report, as upstream).
 * When stderr is not a terminal (serial console, journal, log file) the
 * step is a few whole lines instead, one per quarter done, never a
 * carriage return.
 */
struct progress {
	const char *name;
	uint64_t total;
	double started, last_drawn;
	unsigned spin, calls;
	uint64_t next_line;	/* off a terminal: the count of the next line */
};
void progress_begin(struct progress *p, const char *name, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);
/* End the progress line (after the last step of a run). */
void progress_newline(void);

#endif
