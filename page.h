/*
 * page.h - questions about one page's bytes that the filter pass (dump.c)
 * and the page pipe (pagepipe.c) both ask.
 */
#ifndef MDF_PAGE_H
#define MDF_PAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Is the page all zeros?  size is at least 1. */
static inline bool page_is_zero(const uint8_t *page, unsigned size)
{
	/* Every byte equals the first, and the first is zero: libc's memcmp is vectorised. */
	return page[0] == 0 && memcmp(page, page + 1, size - 1) == 0;
}

#endif
