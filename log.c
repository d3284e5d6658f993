/* log.c - message levels and progress lines; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

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

static void draw(struct progress *p, uint64_t done)
{
	static const char spinner[] = "/|\\-";
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
	fprintf(stderr, "\r%-50s: [%3u.%u %%] %c  %7.1fs %-14s", p->name, permille / 10,
		permille % 10, spinner[p->spin++ % 4], spent, eta);
	fflush(stderr);
}

void progress_begin(struct progress *p, const char *name, uint64_t total)
{
	p->name = name;
	p->total = total;
	p->started = now();
	p->spin = 0;
	p->calls = 0;
	log_elapsed();
	if (level & ML_PROGRESS)
		draw(p, 0);
	p->last_drawn = p->started;
}

void progress_update(struct progress *p, uint64_t done)
{
	double t;

	/* Called per page: look at the clock only every few thousand calls. */
	if (!(level & ML_PROGRESS) || (++p->calls & 4095))
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

	if (level & ML_PROGRESS)
		draw(p, p->total);
	/* The step's duration is part of the report, as upstream prints it. */
	log_report("STEP [%-27s] : %f seconds\n", p->name, spent);
}

void progress_newline(void)
{
	if (level & ML_PROGRESS) {
		fputc('\n', stderr);
		fflush(stderr);
	}
}
