/*
 * dwarf_dump.c - print what dwinfo_read() finds in a vmlinux, as
 * VMCOREINFO text (the -g format), with the time it took on stderr.
 *
 *	dwarf_dump VMLINUX [KERNELOFFSET-hex]
 *	dwarf_dump --keys
 *
 * With a KERNELOFFSET, symbols get it added, as when a dump has KASLR
 * on: the output then compares line by line with that dump's note.
 * --keys lists the keys that have a DWARF rule (what -x can know).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dwarf_info.h"
#include "vmcoreinfo.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct kfacts k;
	struct err e = { 0 };
	uint64_t shift = 0;
	double t0;
	int i;

	if (argc == 2 && strcmp(argv[1], "--keys") == 0) {
		for (i = 0; i < KF__COUNT; i++)
			if (kf_table[i].dw != DW_NONE)
				printf("%s(%s)\n", kf_kind_name(kf_table[i].kind), kf_table[i].key);
		return 0;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s VMLINUX [KERNELOFFSET-hex]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		shift = strtoull(argv[2], NULL, 16);
	memset(&k, 0, sizeof(k));
	t0 = now();
	if (dwinfo_read(argv[1], &k, &e) < 0) {
		fprintf(stderr, "dwarf_dump: %s\n", e.msg);
		return 1;
	}
	fprintf(stderr, "dwinfo_read: %.3f s\n", now() - t0);
	for (i = 0; i < KF__COUNT; i++)
		if (k.have[i] && kf_table[i].kind == KF_SYMBOL)
			k.val[i] += (int64_t)shift;
	if (shift)
		kf_set(&k, KF_KERNELOFFSET, (int64_t)shift);
	return vmci_write(&k, stdout) == 0 ? 0 : 1;
}
