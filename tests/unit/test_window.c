/*
 * test_window.c - the walk over pfn windows (window.h) at its edges.
 *
 * window.h promises: a pass over [lo, hi) visits, in order, the windows of
 * the grid [k * step, (k + 1) * step), each clipped to max, that meet
 * [lo, min(hi, max)); none is empty and none ends past max.  The first
 * part below spells out the windows of a few walks by hand; the second
 * walks many (step, max, lo, hi) and checks the promise window by window.
 * Prints "N passed, N failed"; exits 1 when a check fails.
 */
#include <inttypes.h>
#include <stdio.h>

#include "window.h"
#include "tests/unit/check.h"

static int details = 5;	/* failing walks explained in full; the rest only counted */

#define MAXW 8

/* A walk and the windows it must visit, written out. */
struct walk {
	const char *why;
	uint64_t step, max, lo, hi;
	unsigned n;
	uint64_t w[MAXW][2];
};

static const struct walk walks[] = {
	{ "no pfns at all", 64, 0, 0, 0, 0, { { 0 } } },
	{ "no pfns, a pass asking for some", 64, 0, 0, 100, 0, { { 0 } } },
	{ "fewer pfns than one window", 64, 10, 0, 10, 1, { { 0, 10 } } },
	{ "one pfn", 64, 1, 0, 1, 1, { { 0, 1 } } },
	{ "exactly one window", 64, 64, 0, 64, 1, { { 0, 64 } } },
	{ "an exact multiple", 64, 192, 0, 192, 3, { { 0, 64 }, { 64, 128 }, { 128, 192 } } },
	{ "one more than a multiple: a last window of one pfn", 64, 193, 0, 193, 4,
	  { { 0, 64 }, { 64, 128 }, { 128, 192 }, { 192, 193 } } },
	{ "one less than a multiple", 64, 191, 0, 191, 3, { { 0, 64 }, { 64, 128 }, { 128, 191 } } },
	{ "hi past max is clipped to max", 64, 100, 0, 1000, 2, { { 0, 64 }, { 64, 100 } } },
	{ "a --split part inside one window: still the whole grid window", 64, 1000, 70, 90, 1,
	  { { 64, 128 } } },
	{ "a --split part across windows, ends mid-window", 64, 1000, 100, 200, 3,
	  { { 64, 128 }, { 128, 192 }, { 192, 256 } } },
	{ "a part starting on the grid, ending on it", 64, 1000, 128, 256, 2,
	  { { 128, 192 }, { 192, 256 } } },
	{ "the last part, clipped to a max that is not on the grid", 64, 1000, 900, 1000, 2,
	  { { 896, 960 }, { 960, 1000 } } },
	{ "lo == hi on the grid: nothing to visit", 64, 1000, 128, 128, 0, { { 0 } } },
	{ "lo == hi inside a window: an empty part meets no window", 64, 1000, 100, 100, 0,
	  { { 0 } } },
	{ "lo past max: nothing to visit", 64, 100, 120, 200, 0, { { 0 } } },
	{ "lo inside the last, short window, past max", 64, 100, 110, 200, 0, { { 0 } } },
	{ "step 8, the smallest grid", 8, 20, 0, 20, 3, { { 0, 8 }, { 8, 16 }, { 16, 20 } } },
	{ "step 8, a part from 5 to 17", 8, 100, 5, 17, 3, { { 0, 8 }, { 8, 16 }, { 16, 24 } } },
	{ "a window larger than the machine", 1u << 20, 5000, 0, 5000, 1, { { 0, 5000 } } },
	{ "pfns near 2^64", 1u << 12, UINT64_MAX - 10, UINT64_MAX - 5000, UINT64_MAX, 2,
	  { { (UINT64_MAX - 5000) / 4096 * 4096, (UINT64_MAX - 5000) / 4096 * 4096 + 4096 },
	    { (UINT64_MAX - 5000) / 4096 * 4096 + 4096, UINT64_MAX - 10 } } },
};

static void check_walk(const struct walk *t)
{
	struct window_iter it;
	unsigned n = 0;

	window_begin(&it, t->step, t->max, t->lo, t->hi);
	while (window_next(&it)) {
		if (n < t->n)
			CHECK(it.start == t->w[n][0] && it.end == t->w[n][1],
			      "%s (step %" PRIu64 ", max %" PRIu64 ", [%" PRIu64 ", %" PRIu64
			      ")): window %u is [%" PRIu64 ", %" PRIu64 "), want [%" PRIu64
			      ", %" PRIu64 ")", t->why, t->step, t->max, t->lo, t->hi, n, it.start,
			      it.end, t->w[n][0], t->w[n][1]);
		if (++n > MAXW + 2)
			break;	/* a walk that does not end */
	}
	CHECK(n == t->n, "%s (step %" PRIu64 ", max %" PRIu64 ", [%" PRIu64 ", %" PRIu64
	      ")): %u windows, want %u", t->why, t->step, t->max, t->lo, t->hi, n, t->n);
}

/* Does the grid window [s, e) meet [lo, min(hi, max))? */
static int meets(uint64_t s, uint64_t e, uint64_t lo, uint64_t hi, uint64_t max)
{
	uint64_t top = hi < max ? hi : max;
	uint64_t a = s > lo ? s : lo, b = e < top ? e : top;

	return a < b;
}

/* Walk [lo, hi) and compare with the grid windows that meet it. */
static void check_promise(uint64_t step, uint64_t max, uint64_t lo, uint64_t hi)
{
	struct window_iter it;
	uint64_t k = 0, want_s, want_e;
	int ok = 1, more;
	unsigned n = 0;

	window_begin(&it, step, max, lo, hi);
	for (;;) {
		/* The next grid window that meets the pass, or none. */
		for (more = 0; k * step < max; k++) {
			want_s = k * step;
			want_e = max - want_s > step ? want_s + step : max;
			if (meets(want_s, want_e, lo, hi, max)) {
				more = 1;
				k++;
				break;
			}
		}
		if (!window_next(&it)) {
			if (more) {
				ok = 0;
				if (details > 0)
					printf("  ended before [%" PRIu64 ", %" PRIu64 ")\n", want_s, want_e);
			}
			break;
		}
		n++;
		if (!more || it.start != want_s || it.end != want_e || it.end <= it.start ||
		    it.end > max) {
			ok = 0;
			if (details > 0)
				printf("  window %u is [%" PRIu64 ", %" PRIu64 ")%s\n", n, it.start,
				       it.end, more ? "" : ", one too many");
			break;
		}
	}
	if (!ok && details-- <= 0) {
		failed++;	/* counted, not explained again */
		return;
	}
	CHECK(ok, "step %" PRIu64 ", max %" PRIu64 ", pass [%" PRIu64 ", %" PRIu64
	      "): not the grid windows that meet it (%u visited)", step, max, lo, hi, n);
}

static void check_promises(void)
{
	static const uint64_t steps[] = { 8, 16, 64, 4096 };
	size_t s;

	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		uint64_t st = steps[s];
		const uint64_t maxes[] = { 0, 1, 7, st - 1, st, st + 1, 3 * st - 1, 3 * st,
					   3 * st + 1, 3 * st + 7 };
		size_t m;

		for (m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
			uint64_t max = maxes[m];
			/* Points on, next to and between the grid lines, and past max. */
			const uint64_t pts[] = { 0, 1, st / 2, st - 1, st, st + 1, 2 * st - 3,
						 2 * st, 3 * st - 1, 3 * st, 3 * st + 1, max,
						 max + 1, max + st, 10 * st };
			size_t i, j;

			for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
				for (j = 0; j < sizeof(pts) / sizeof(pts[0]); j++)
					if (pts[i] <= pts[j])
						check_promise(st, max, pts[i], pts[j]);
		}
	}
}

/* window_at: the grid window holding a pfn, clipped to max. */
static void check_window_at(void)
{
	static const struct { uint64_t step, max, pfn, start, end; } t[] = {
		{ 64, 100, 0, 0, 64 },
		{ 64, 100, 63, 0, 64 },
		{ 64, 100, 64, 64, 100 },	/* the last window is short */
		{ 64, 100, 99, 64, 100 },
		{ 64, 128, 127, 64, 128 },	/* max on the grid */
		{ 8, 9, 8, 8, 9 },		/* a window of one pfn */
		{ 4096, 10, 3, 0, 10 },		/* one window, smaller than a step */
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t s, e;

		window_at(t[i].step, t[i].max, t[i].pfn, &s, &e);
		CHECK(s == t[i].start && e == t[i].end,
		      "window_at(step %" PRIu64 ", max %" PRIu64 ", pfn %" PRIu64 ") = [%" PRIu64
		      ", %" PRIu64 "), want [%" PRIu64 ", %" PRIu64 ")", t[i].step, t[i].max,
		      t[i].pfn, s, e, t[i].start, t[i].end);
	}
	/* Every pfn: the same window a whole walk visits for it. */
	{
		struct window_iter it;
		uint64_t pfn, s, e;
		int ok = 1;

		window_begin(&it, 16, 75, 0, 75);
		while (window_next(&it))
			for (pfn = it.start; pfn < it.end; pfn++) {
				window_at(16, 75, pfn, &s, &e);
				if (s != it.start || e != it.end)
					ok = 0;
			}
		CHECK(ok, "window_at disagrees with the walk for some pfn of a 75-pfn machine");
	}
}

/* window_bytes: one bit per pfn, rounded up to a byte. */
static void check_window_bytes(void)
{
	static const struct { uint64_t start, end; size_t bytes; } t[] = {
		{ 0, 0, 0 }, { 0, 1, 1 }, { 0, 8, 1 }, { 0, 9, 2 }, { 64, 128, 8 },
		{ 64, 100, 5 },		/* 36 pfns */
		{ 4096, 8192, 512 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(window_bytes(t[i].start, t[i].end) == t[i].bytes,
		      "window_bytes(%" PRIu64 ", %" PRIu64 ") = %zu, want %zu", t[i].start,
		      t[i].end, window_bytes(t[i].start, t[i].end), t[i].bytes);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(walks) / sizeof(walks[0]); i++)
		check_walk(&walks[i]);
	check_promises();
	check_window_at();
	check_window_bytes();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
