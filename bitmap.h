/*
 * bitmap.h - pfn bitmaps as the kdump format stores them: bit (pfn & 7) of
 * byte pfn >> 3, least significant bit first.  Window bitmaps are indexed
 * from the window's first pfn, which is a multiple of 8.
 */
#ifndef MDF_BITMAP_H
#define MDF_BITMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline bool bm_test(const uint8_t *bm, uint64_t i)
{
	return (bm[i >> 3] >> (i & 7)) & 1;
}

static inline void bm_set(uint8_t *bm, uint64_t i)
{
	bm[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static inline void bm_clear(uint8_t *bm, uint64_t i)
{
	bm[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/*
 * Set bits in 64 bits, without the CPU's popcount instruction (not in the
 * x86-64 baseline): a call per byte to the compiler's helper cost more
 * than the scan of the struct pages behind a large machine's bitmap.
 */
static inline unsigned bm_popcount64(uint64_t v)
{
	v -= (v >> 1) & UINT64_C(0x5555555555555555);
	v = (v & UINT64_C(0x3333333333333333)) + ((v >> 2) & UINT64_C(0x3333333333333333));
	v = (v + (v >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((v * UINT64_C(0x0101010101010101)) >> 56);
}

/* Set bits in the n bytes at p. */
static inline uint64_t bm_count_bytes(const uint8_t *p, size_t n)
{
	uint64_t c = 0, w = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		c += bm_popcount64(w);
	}
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		c += bm_popcount64(w);
	}
	return c;
}

/* Set bits [from, to). */
static inline void bm_set_range(uint8_t *bm, uint64_t from, uint64_t to)
{
	while (from < to && (from & 7))
		bm_set(bm, from++);
	if (to - from >= 8) {
		memset(bm + (from >> 3), 0xff, (size_t)((to - from) >> 3));
		from += (to - from) & ~(uint64_t)7;
	}
	while (from < to)
		bm_set(bm, from++);
}

/* Clear bits [from, to); returns how many were set. */
static inline uint64_t bm_clear_range(uint8_t *bm, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to && (from & 7)) {
		n += bm_test(bm, from);
		bm_clear(bm, from++);
	}
	if (to - from >= 8) {
		size_t bytes = (size_t)((to - from) >> 3);

		n += bm_count_bytes(bm + (from >> 3), bytes);
		memset(bm + (from >> 3), 0, bytes);
		from += (uint64_t)bytes << 3;
	}
	while (from < to) {
		n += bm_test(bm, from);
		bm_clear(bm, from++);
	}
	return n;
}

/* Number of set bits in [from, to). */
static inline uint64_t bm_count_range(const uint8_t *bm, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to && (from & 7))
		n += bm_test(bm, from++);
	if (from < to) {
		n += bm_count_bytes(bm + (from >> 3), (size_t)((to - from) >> 3));
		from += (to - from) & ~(uint64_t)7;
	}
	while (from < to)
		n += bm_test(bm, from++);
	return n;
}

/* Number of set bits in the first nbits. */
static inline uint64_t bm_count(const uint8_t *bm, uint64_t nbits)
{
	return bm_count_range(bm, 0, nbits);
}

/* First set bit at or after i (below limit), or limit. */
static inline uint64_t bm_next_set(const uint8_t *bm, uint64_t i, uint64_t limit)
{
	while (i < limit) {
		if ((i & 7) == 0) {
			while (i + 64 <= limit) {
				uint64_t w;

				memcpy(&w, bm + (i >> 3), 8);
				if (w)
					break;
				i += 64;
			}
			while (i + 8 <= limit && bm[i >> 3] == 0)
				i += 8;
			if (i >= limit)
				break;
		}
		if (bm_test(bm, i))
			return i;
		i++;
	}
	return limit;
}

/* First clear bit at or after i (below limit), or limit. */
static inline uint64_t bm_next_clear(const uint8_t *bm, uint64_t i, uint64_t limit)
{
	while (i < limit) {
		if ((i & 7) == 0) {
			while (i + 64 <= limit) {
				uint64_t w;

				memcpy(&w, bm + (i >> 3), 8);
				if (w != UINT64_MAX)
					break;
				i += 64;
			}
			while (i + 8 <= limit && bm[i >> 3] == 0xff)
				i += 8;
			if (i >= limit)
				break;
		}
		if (!bm_test(bm, i))
			return i;
		i++;
	}
	return limit;
}

#endif
