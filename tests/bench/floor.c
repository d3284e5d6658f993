/*
 * floor.c - the floors the bench sets beside its figures (tests/bench/run).
 *
 *   floor PAGES      PAGES: whole pages, e.g. the kept pages of a dump or a
 *                    sample of them (tests/bench/keptpages.py --sample)
 *
 * Prints "read NS_PER_PAGE": the CPU cost of reading a page of a file in
 * the page cache once (pread into a buffer of 1 MiB, best of three), what reading the kept
 * pages and the mem_map costs at the least; "nonzero N": how many of PAGES are
 * not all zero (the program compresses only those); and one line per codec
 * built into the program, through its own codec layer (compress.h):
 * "codec NAME NS_PER_PAGE OUT_BYTES", single-core CPU per non-zero page,
 * best of three passes.
 */
#include "compress.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int codec_line(enum codec_id id, const unsigned char *pages, size_t n)
{
	struct err e = { 0 };
	struct codec *c = codec_new(id, PAGE, &e);
	unsigned char *out;
	double best = 1e30;
	long long bytes = 0;
	int pass;

	if (!c)
		return -1;
	out = malloc(codec_bound(c));
	if (!out)
		return -1;
	for (pass = 0; pass < 3; pass++) {
		double t0 = cpu_now();
		size_t i;

		bytes = 0;
		for (i = 0; i < n; i++) {
			long r = codec_compress(c, pages + i * PAGE, PAGE, out, &e);

			if (r < 0)
				return -1;
			bytes += r ? r : PAGE;
		}
		if (cpu_now() - t0 < best)
			best = cpu_now() - t0;
	}
	printf("codec %s %.0f %lld\n", codec_name(id), best / (double)n * 1e9, bytes);
	codec_free(c);
	free(out);
	return 0;
}

static void read_line(int fd, size_t n)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = malloc(CHUNK);
	double best = 1e30;
	int pass;

	for (pass = 0; buf && pass < 3; pass++) {
		double t0 = cpu_now();	/* CPU, not wall: a busy disk must not raise the floor */
		off_t off = 0;
		ssize_t got;

		while ((got = pread(fd, buf, CHUNK, off)) > 0)
			off += got;
		if (cpu_now() - t0 < best)
			best = cpu_now() - t0;
	}
	printf("read %.0f\n", best / (double)n * 1e9);
	free(buf);
}

static int read_all(int fd, unsigned char *p, size_t len)
{
	size_t done = 0;

	while (done < len) {	/* one pread returns at most 2 GiB */
		ssize_t got = pread(fd, p + done, len - done, (off_t)done);

		if (got <= 0)
			return -1;
		done += (size_t)got;
	}
	return 0;
}

/* Moves the pages that are not all zero to the front; returns their number. */
static size_t drop_zero_pages(unsigned char *pages, size_t n)
{
	static const unsigned char zero[PAGE];
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		if (memcmp(pages + i * PAGE, zero, PAGE)) {
			if (kept != i)
				memcpy(pages + kept * PAGE, pages + i * PAGE, PAGE);
			kept++;
		}
	return kept;
}

int main(int argc, char **argv)
{
	struct stat st;
	unsigned char *pages;
	size_t n;
	int fd, id;

	if (argc != 2) {
		fprintf(stderr, "usage: floor PAGES\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < PAGE) {
		fprintf(stderr, "floor: %s: cannot read a page of it\n", argv[1]);
		return 1;
	}
	n = (size_t)st.st_size / PAGE;
	pages = malloc(n * PAGE);
	if (!pages || read_all(fd, pages, n * PAGE) < 0) {
		fprintf(stderr, "floor: %s: read failed\n", argv[1]);
		return 1;
	}
	read_line(fd, n);
	n = drop_zero_pages(pages, n);
	printf("nonzero %zu\n", n);
	if (!n)
		return 0;
	for (id = CODEC_NONE; id <= CODEC_ZSTD; id++)
		if (codec_built_in(id) && codec_line(id, pages, n) < 0) {
			fprintf(stderr, "floor: %s failed\n", codec_name(id));
			return 1;
		}
	return 0;
}
