/*
 * memfill - static helper run inside the e2e guest's first kernel to give
 * every dump-level class some pages.
 *
 *   memfill hold DATA_MB ZERO_MB   map DATA_MB of anonymous memory filled
 *                                  with a non-zero pattern and ZERO_MB of
 *                                  anonymous memory written with zeroes (so
 *                                  each page is resident and all-zero), print
 *                                  "memfill ready", then sleep until killed
 *                                  (the panic).
 *   memfill churn MB               map MB, write a non-zero pattern to every
 *                                  page, exit: the pages go back to the buddy
 *                                  allocator as free pages with stale data.
 *
 * Built on the host with gcc -static by tests/e2e/run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL

static unsigned char *map(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("memfill: mmap");
		exit(1);
	}
	return p;
}

/* Every page gets a text tag and a word pattern that depends on its index. */
static void pattern(unsigned char *p, size_t bytes, const char *what)
{
	uint64_t x = 0x5deece66dULL;
	size_t off, i;

	for (off = 0; off < bytes; off += PAGE) {
		uint64_t *w = (uint64_t *)(p + off);

		for (i = 0; i < PAGE / 8; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			w[i] = x | 1;	/* never an all-zero word */
		}
		snprintf((char *)(p + off), 48, "MDF-E2E %s page %zu", what, (size_t)(off / PAGE));
	}
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold")) {
		size_t data = (size_t)atol(argv[2]) << 20;
		size_t zero = (size_t)atol(argv[3]) << 20;
		unsigned char *d = map(data), *z = map(zero);
		size_t off;

		pattern(d, data, "anon");
		for (off = 0; off < zero; off += PAGE)
			((volatile unsigned char *)z)[off] = 0;
		printf("memfill ready pid=%d data=%zuMiB zero=%zuMiB\n",
		       (int)getpid(), data >> 20, zero >> 20);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 3 && !strcmp(argv[1], "churn")) {
		size_t bytes = (size_t)atol(argv[2]) << 20;

		pattern(map(bytes), bytes, "freed");
		return 0;
	}
	fprintf(stderr, "usage: memfill hold DATA_MB ZERO_MB | memfill churn MB\n");
	return 2;
}
