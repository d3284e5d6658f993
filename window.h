/*
 * window.h - the one walk over pfn windows.
 *
 * Every pass over the dumped machine's pfns (the filter pass, the page
 * passes of both formats, -e, --split's parts) visits the same grid of
 * windows: [k * step, (k + 1) * step) clipped to max_mapnr.  A pass over
 * part of the pfns visits the windows that meet it, still on the grid, so
 * every pass sees the same window boundaries.  step is a multiple of 8: a
 * window's bitmap starts on a byte.
 */
#ifndef MDF_WINDOW_H
#define MDF_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct window_iter {
	uint64_t step, max;	/* the grid and its end (max_mapnr) */
	uint64_t next, hi;	/* the next window's start; the pass ends at hi */
	uint64_t start, end;	/* the current window, after window_next() */
};

/* Walk the windows that meet [lo, hi) of a grid of step pfns ending at max. */
static inline void window_begin(struct window_iter *it, uint64_t step, uint64_t max,
				uint64_t lo, uint64_t hi)
{
	it->step = step;
	it->max = max;
	it->hi = hi < max ? hi : max;
	it->next = step && lo < it->hi ? lo / step * step : it->hi;
	it->start = it->end = 0;
}

/* The next window into it->start/it->end; false when the pass is over. */
static inline bool window_next(struct window_iter *it)
{
	if (it->next >= it->hi)
		return false;
	it->start = it->next;
	it->end = it->max - it->start > it->step ? it->start + it->step : it->max;
	it->next = it->end;
	return true;
}

/* The window holding pfn (pfn < max). */
static inline void window_at(uint64_t step, uint64_t max, uint64_t pfn, uint64_t *start,
			     uint64_t *end)
{
	*start = pfn / step * step;
	*end = max - *start > step ? *start + step : max;
}

/* Bytes of a window's bitmap. */
static inline size_t window_bytes(uint64_t start, uint64_t end)
{
	return (size_t)((end - start + 7) / 8);
}

#endif
