/*
 * bytes.h - integers in the dumped machine's byte order, of an explicit
 * width (1 to 8 bytes), never through a cast of the host's types.
 */
#ifndef MDF_BYTES_H
#define MDF_BYTES_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t ld_uint(const uint8_t *p, unsigned width, bool big_endian)
{
	uint64_t v = 0;
	unsigned i;

	/* The common cases in one load (the compiler turns memcpy into a mov). */
	if (width == 8) {
		__builtin_memcpy(&v, p, 8);
		return big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ? v : __builtin_bswap64(v);
	}
	if (width == 4) {
		uint32_t w;

		__builtin_memcpy(&w, p, 4);
		return big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) ? w : __builtin_bswap32(w);
	}
	for (i = 0; i < width; i++)
		v |= (uint64_t)p[big_endian ? width - 1 - i : i] << (8 * i);
	return v;
}

static inline void st_uint(uint8_t *p, unsigned width, uint64_t v, bool big_endian)
{
	unsigned i;

	for (i = 0; i < width; i++)
		p[big_endian ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

#endif
