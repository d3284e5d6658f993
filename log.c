/* log.c - message levels and progress lines; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int level = ML_DEFAULT;
static bool stdout_is_data;

void log_set_level(int l) { level = l; }
int log_level(void) { return level; }
bool log_on(int bit) { return (level & bit) != 0; }
void log_stdout_is_data(void) { stdout_is_data = true; }

FILE *log_stream(void)
{
	return stdout_is_data ? stderr : stdout;
}

static void vprint(int bit, FILE *f, const char *fmt, va_list ap)
{
	if (!(level & bit))
		return;
	vfprintf(f, fmt, ap);
	fflush(f);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(ML_COMMON, log_stream(), fmt, ap);
	va_end(ap);
}

void log_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(ML_REPORT, log_stream(), fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(ML_ERROR, stderr, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(ML_DEBUG, log_stream(), fmt, ap);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double log_elapsed(void)
{
	static double t0;

	if (t0 == 0)
		t0 = now();
	return now() - t0;
}

/* How often a progress line may be redrawn, in seconds (the last always is). */
#define PROGRESS_INTERVAL 1.0
/* Off a terminal: one whole line per quarter of a step. */
#define PROGRESS_LINES 4

/*
 * stderr is not a terminal (a serial console, the journal, a log file):
 * nothing can be redrawn there, so the step is told in whole lines instead
 * of one line rewritten behind carriage returns.
 */
static bool progress_as_lines(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return !tty;
}

/* "Copying data ...: [ 42.0 %] /     3.1s eta: 4s" into BUF, no end of line. */
static void format_state(char *buf, size_t size, const struct progress *p, uint64_t done,
			 const char *spin)
{
	unsigned permille = p->total ? (unsigned)(1000.0 * (double)done / (double)p->total) : 1000;
	double spent = now() - p->started;
	char eta[32] = " ";

	if (permille > 1000)
		permille = 1000;
	if (done && p->total) {
		unsigned left = (unsigned)(spent * (double)(p->total - done) / (double)done + 0.5);

		if (left < 60)
			snprintf(eta, sizeof(eta), "eta: %us", left);
		else if (left < 3600)
			snprintf(eta, sizeof(eta), "eta: %um%us", left / 60, left % 60);
		else
			snprintf(eta, sizeof(eta), "eta: %uh%um%us", left / 3600, left / 60 % 60, left % 60);
	}
	snprintf(buf, size, "%-50s: [%3u.%u %%] %s  %7.1fs %-14s", p->name, permille / 10,
		 permille % 10, spin, spent, eta);
}

/* On a terminal: the step's one line, redrawn in place. */
static void draw(struct progress *p, uint64_t done)
{
	static const char spinner[] = "/|\\-";
	char spin[2] = { spinner[p->spin++ % 4], 0 };
	char buf[160];

	format_state(buf, sizeof(buf), p, done, spin);
	fprintf(stderr, "\r%s", buf);
	fflush(stderr);
}

/* Off a terminal: one finished line (trailing blanks left out). */
static void print_line(const struct progress *p, uint64_t done)
{
	char buf[160];
	size_t n;

	format_state(buf, sizeof(buf), p, done, "");
	n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		n--;
	fprintf(stderr, "%.*s\n", (int)n, buf);
	fflush(stderr);
}

/* The count at which the next quarter's line is due. */
static uint64_t next_line_at(const struct progress *p, uint64_t done)
{
	uint64_t q = p->total ? done * PROGRESS_LINES / p->total + 1 : PROGRESS_LINES;

	return (q * p->total + PROGRESS_LINES - 1) / PROGRESS_LINES;
}

void progress_begin(struct progress *p, const char *name, uint64_t total)
{
	p->name = name;
	p->total = total;
	p->started = now();
	p->spin = 0;
	p->calls = 0;
	p->next_line = next_line_at(p, 0);
	log_elapsed();
	if ((level & ML_PROGRESS) && !progress_as_lines())
		draw(p, 0);
	p->last_drawn = p->started;
}

void progress_update(struct progress *p, uint64_t done)
{
	double t;

	if (!(level & ML_PROGRESS))
		return;
	if (progress_as_lines()) {
		/* The 100 % line is progress_end's. */
		if (done >= p->next_line && done < p->total) {
			print_line(p, done);
			p->next_line = next_line_at(p, done);
		}
		return;
	}
	/* Called per page: look at the clock only every few thousand calls. */
	if (++p->calls & 4095)
		return;
	t = now();
	if (t - p->last_drawn < PROGRESS_INTERVAL)
		return;
	p->last_drawn = t;
	draw(p, done);
}

void progress_end(struct progress *p)
{
	double spent = now() - p->started;

	if (level & ML_PROGRESS) {
		if (progress_as_lines())
			print_line(p, p->total);
		else
			draw(p, p->total);
	}
	/* The step's duration is part of the report, as upstream prints it. */
	log_report("STEP [%-27s] : %f seconds\n", p->name, spent);
}

void progress_newline(void)
{
	if ((level & ML_PROGRESS) && !progress_as_lines()) {
		fputc('\n', stderr);
		fflush(stderr);
	}
}
