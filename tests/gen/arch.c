/*
 * arch.c - the table of target architectures and the target's byte order.
 *
 * Every structure the generator writes into the dump's memory (struct
 * page, mem_section, zones, kernel objects) goes through put_t()/get_t():
 * little or big endian as the backend says, whatever the host.  Page-table
 * entries are the backends' own business (ppc64 keeps them big-endian in
 * both byte orders).
 */
#include "mkvmcore.h"

#include <string.h>

const struct arch *A = &arch_x86_64;

static const struct arch *const arches[] = {
	&arch_x86_64, &arch_ppc64le, &arch_ppc64, &arch_s390x, &arch_riscv64,
	&arch_loongarch64,
	&arch_mips64el, &arch_mips64,
	&arch_arm, &arch_arm_lpae,
};

const struct arch *arch_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i]->name, name))
			return arches[i];
	return NULL;
}

void put_be(uint8_t *b, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

void put_t(uint8_t *b, uint64_t v, unsigned n)
{
	unsigned i;

	if (A->big_endian) {
		put_be(b, v, n);
		return;
	}
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

uint64_t get_t(const uint8_t *b, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | b[A->big_endian ? i : n - 1 - i];
	return v;
}
