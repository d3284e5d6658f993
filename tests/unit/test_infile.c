/*
 * test_infile.c - the holes of the input file (infile_is_hole), and the
 * mappings held for other threads (infile_hold).
 *
 * infile.h promises: true only when the whole range lies in one hole of
 * the file (bytes never written), false for data, for a range that
 * reaches into data, past the end, and for a file without holes; the
 * answer does not depend on the order of the questions.  A sparse file
 * is made by hand: holes around two written pages.  A held mapping stays
 * mapped and readable however many windows are read after it, at most
 * INFILE_HELD_MAPS are held, and the others never exceed INFILE_MAPS.
 * Small copies of places no window holds map nothing (check_copies); a
 * 2 MiB block on the grid of windows costs two of them (check_grid).
 * Prints "N passed, N failed"; exits 1 when a check fails, 77 when the
 * file system here keeps no holes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "tests/unit/check.h"

#define MIB (1u << 20)
#define PG 4096u

/* A file of size bytes with one page of 0xaa written at each offset in at[]. */
static int make_file(char *path, uint64_t size, const uint64_t *at, int n)
{
	static uint8_t page[PG];
	int fd = mkstemp(path), i;

	if (fd < 0)
		return -1;
	memset(page, 0xaa, sizeof(page));
	for (i = 0; i < n; i++)
		if (pwrite(fd, page, PG, (off_t)at[i]) != PG)
			return -1;
	if (ftruncate(fd, (off_t)size) < 0)
		return -1;
	close(fd);
	return 0;
}

static void check_sparse(const char *path)
{
	const uint64_t data1 = MIB, data2 = 3 * MIB - PG, size = 3 * MIB;
	struct infile f;
	struct err e;

	if (infile_open(&f, path, true, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	CHECK(infile_is_hole(&f, 0, PG), "the first page is a hole");
	CHECK(infile_is_hole(&f, data1 - PG, PG), "the page before the data is a hole");
	CHECK(!infile_is_hole(&f, data1 - PG / 2, PG), "a range reaching into data is not a hole");
	CHECK(!infile_is_hole(&f, data1, PG), "written data is not a hole");
	CHECK(!infile_is_hole(&f, data1 + PG / 2, PG), "a range leaving data is not a hole");
	CHECK(infile_is_hole(&f, data1 + PG, PG), "the page after the data is a hole");
	CHECK(infile_is_hole(&f, data1 + PG, data2 - data1 - PG), "the whole hole between the data");
	CHECK(!infile_is_hole(&f, data1 + PG, data2 - data1), "a hole and the data after it");
	CHECK(infile_is_hole(&f, 4 * PG, PG), "asked again after later extents: still a hole");
	CHECK(!infile_is_hole(&f, data1, PG), "asked again: still data");
	CHECK(!infile_is_hole(&f, data2, PG), "the last page (data) is not a hole");
	CHECK(!infile_is_hole(&f, size, PG), "past the end is not a hole");
	/* The window still reads the bytes, hole or not. */
	{
		const uint8_t *p = infile_window(&f, data1 - PG, 2 * PG, 0, &e);

		CHECK(p && p[0] == 0 && p[PG - 1] == 0 && p[PG] == 0xaa && p[2 * PG - 1] == 0xaa,
		      "the window reads a hole as zeros and the data as written");
	}
	infile_close(&f);
}

/* A file whose end is a hole: SEEK_DATA says "no data after". */
static void check_trailing_hole(const char *path)
{
	struct infile f;
	struct err e;

	if (infile_open(&f, path, true, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	CHECK(!infile_is_hole(&f, 0, PG), "leading data is not a hole");
	CHECK(infile_is_hole(&f, 2 * MIB - PG, PG), "the last page, in a trailing hole");
	CHECK(infile_is_hole(&f, PG, 2 * MIB - PG), "the whole trailing hole");
	infile_close(&f);
}

static void check_dense(const char *path)
{
	struct infile f;
	struct err e;
	uint64_t off;
	int holes = 0;

	if (infile_open(&f, path, true, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	for (off = 0; off < 8 * PG; off += PG)
		holes += infile_is_hole(&f, off, PG);
	CHECK(holes == 0, "a file without holes has none (%d found)", holes);
	CHECK(f.no_holes, "a file that is one data extent is not asked again");
	infile_close(&f);
}

/* A file of n windows, the first page of window i filled with i + 1. */
static int make_numbered(char *path, unsigned n)
{
	static uint8_t page[PG];
	int fd = mkstemp(path);
	unsigned i;

	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		memset(page, (int)(i + 1), sizeof(page));
		if (pwrite(fd, page, PG, (off_t)i * INFILE_WINDOW_SIZE) != PG)
			return -1;
	}
	if (ftruncate(fd, (off_t)n * INFILE_WINDOW_SIZE) < 0)
		return -1;
	close(fd);
	return 0;
}

static unsigned count_maps(const struct infile *f, bool held)
{
	unsigned i, n = 0;

	for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++)
		n += f->maps[i].map && (f->maps[i].holds > 0) == held;
	return n;
}

static const uint8_t *window_page(struct infile *f, unsigned i)
{
	struct err e;

	return infile_window(f, (uint64_t)i * INFILE_WINDOW_SIZE, PG, 0, &e);
}

#define NUMBERED (INFILE_MAPS + INFILE_HELD_MAPS + 4)

static void check_holds(const char *path)
{
	struct infile f;
	struct err e;
	const uint8_t *p0, *p;
	int h0, h0b, h[INFILE_HELD_MAPS], extra;
	unsigned i, over = 0;

	if (infile_open(&f, path, true, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	p0 = window_page(&f, 0);
	h0 = p0 ? infile_hold(&f, p0) : -1;
	CHECK(h0 >= 0, "a page of a mapped window can be held");
	for (i = 1; i < NUMBERED; i++) {
		p = window_page(&f, i);
		CHECK(p && p[0] == i + 1, "window %u reads its own bytes", i);
		over += count_maps(&f, false) > INFILE_MAPS;
	}
	CHECK(over == 0, "never more than %u windows mapped besides the held ones", INFILE_MAPS);
	CHECK(p0[0] == 1 && p0[PG - 1] == 1, "the held page still reads as written after %u windows",
	      NUMBERED - 1);
	CHECK(infile_hold(&f, p0 + 8) == -1, "a page outside the current window is not held");
	p = window_page(&f, 0);
	CHECK(p == p0, "the held window is found again, not mapped anew");
	h0b = infile_hold(&f, p0 + 8);
	CHECK(h0b == h0, "a second page of a held window holds the same mapping");
	h[0] = h0;
	for (i = 1; i < INFILE_HELD_MAPS; i++) {
		p = window_page(&f, i);
		h[i] = p ? infile_hold(&f, p) : -1;
		CHECK(h[i] >= 0 && h[i] != h0, "hold %u of %u", i + 1, INFILE_HELD_MAPS);
	}
	CHECK(count_maps(&f, true) == INFILE_HELD_MAPS, "%u mappings held", INFILE_HELD_MAPS);
	p = window_page(&f, INFILE_HELD_MAPS);
	extra = p ? infile_hold(&f, p) : 0;
	CHECK(extra == -1, "one more window than INFILE_HELD_MAPS cannot be held");
	infile_release(&f, h0);
	CHECK(count_maps(&f, true) == INFILE_HELD_MAPS, "held twice, released once: still held");
	infile_release(&f, h0b);
	p = window_page(&f, INFILE_HELD_MAPS + 1);
	extra = p ? infile_hold(&f, p) : -1;
	CHECK(extra >= 0, "after a release another window can be held");
	for (i = 1; i < INFILE_HELD_MAPS; i++) {
		p = window_page(&f, i);
		CHECK(p && p[0] == i + 1, "held window %u still reads its bytes", i);
	}
	infile_drop_maps(&f);
	CHECK(count_maps(&f, false) == 0, "dropped: no window mapped but the held ones");
	CHECK(count_maps(&f, true) == INFILE_HELD_MAPS, "dropped: the held windows stay mapped");
	p = window_page(&f, NUMBERED - 1);
	CHECK(p && p[0] == NUMBERED, "after the drop a window reads its own bytes again");
	infile_close(&f);
	if (infile_open(&f, path, false, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	p = window_page(&f, 0);
	CHECK(p && infile_hold(&f, p) == -1, "a page read into the buffer (no mmap) is not held");
	infile_close(&f);
}

/* Windows mapped to copy 2 MiB from grid on, 32 KiB at a time, each copy reading 64 bytes more. */
static unsigned maps_for_block(struct infile *f, uint64_t grid)
{
	static uint8_t b[32768 + 64];
	uint64_t off, seen[64];
	unsigned n = 0, i, j;
	struct err e;

	infile_drop_maps(f);
	for (off = grid; off < grid + 2 * INFILE_WINDOW_SIZE; off += 32768) {
		if (infile_copy(f, off, b, sizeof(b), grid, &e) < 0)
			return 0;
		for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++) {
			for (j = 0; f->maps[i].map && j < n && seen[j] != f->maps[i].off; j++)
				;
			if (f->maps[i].map && j == n && n < 64)
				seen[n++] = f->maps[i].off;
		}
	}
	return n;
}

/*
 * The grid: a block aligned on it (a 2 MiB block of the vmemmap, read in
 * batches that each reach into the next) costs two windows, and copies
 * across an edge read the grid's two windows, never a third from their
 * first byte on.
 */
static void check_grid(struct infile *f)
{
	CHECK(maps_for_block(f, INFILE_WINDOW_SIZE + PG) == 2,
	      "mmap: a 2 MiB block on the grid maps two windows");
	CHECK(maps_for_block(f, INFILE_WINDOW_SIZE) == 2,
	      "mmap: a 2 MiB block on the grid at 0 maps two windows");
}

/*
 * Small copies (infile_copy) of places no window holds are read alone:
 * a walk's scattered reads map nothing and never unmap the window being
 * read.  Their bytes are the file's, across a block edge too; a large
 * copy maps a window; a copy past the end fails and says so.
 */
static void check_copies(const char *path, bool use_mmap)
{
	const char *how = use_mmap ? "mmap" : "pread";
	struct infile f;
	struct err e;
	uint8_t b[INFILE_BLOCK];
	const size_t large = INFILE_SMALL_READ + 1;
	const uint8_t *p0, *p;
	unsigned i, wrong = 0;

	if (infile_open(&f, path, use_mmap, &e) < 0) {
		CHECK(0, "open %s: %s", path, e.msg);
		return;
	}
	p0 = window_page(&f, 0);
	for (i = 1; i < NUMBERED; i++) {
		memset(b, 0, sizeof(b));
		if (infile_copy(&f, (uint64_t)i * INFILE_WINDOW_SIZE + 8, b, 8, 0, &e) < 0 || b[0] != i + 1)
			wrong++;
	}
	CHECK(wrong == 0, "%s: small copies from %u windows read their bytes", how, NUMBERED - 1);
	CHECK(count_maps(&f, false) == (use_mmap ? 1u : 0u), "%s: small copies map no window", how);
	CHECK(p0 && (!use_mmap || (f.maps[f.cur].map && f.maps[f.cur].off == 0)),
	      "%s: the window read before them is still mapped", how);
	p = window_page(&f, 0);
	CHECK(p && p[0] == 1, "%s: and reads its bytes", how);
	memset(b, 0xee, sizeof(b));
	CHECK(infile_copy(&f, 2 * INFILE_WINDOW_SIZE + INFILE_BLOCK - 8, b, 16, 0, &e) == 0 &&
	      b[0] == 3 && b[7] == 3 && b[8] == 0 && b[15] == 0,
	      "%s: a small copy across a block edge reads both sides", how);
	CHECK(infile_copy(&f, 3 * INFILE_WINDOW_SIZE, b, large, 0, &e) == 0 && b[0] == 4 &&
	      b[large - 1] == 4, "%s: a large copy reads its bytes", how);
	if (use_mmap) {
		CHECK(count_maps(&f, false) == 2, "mmap: a large copy maps its window");
		check_grid(&f);
	}
	e.msg[0] = 0;
	CHECK(infile_copy(&f, f.size - 8, b, 16, 0, &e) < 0 && strstr(e.msg, "past the end"),
	      "%s: a copy past the end fails: %s", how, e.msg);
	infile_close(&f);
}

int main(void)
{
	char sparse[] = "/var/tmp/mdf-infile-XXXXXX", tail[] = "/var/tmp/mdf-infile-XXXXXX";
	char dense[] = "/var/tmp/mdf-infile-XXXXXX", numbered[] = "/var/tmp/mdf-infile-XXXXXX";
	const uint64_t at[] = { MIB, 3 * MIB - PG }, at0[] = { 0 };
	uint64_t every[8];
	struct stat st;
	int i;

	for (i = 0; i < 8; i++)
		every[i] = (uint64_t)i * PG;
	if (make_file(sparse, 3 * MIB, at, 2) < 0 || make_file(tail, 2 * MIB, at0, 1) < 0 ||
	    make_file(dense, 8 * PG, every, 8) < 0 || make_numbered(numbered, NUMBERED) < 0) {
		perror("making the test files in /var/tmp");
		return 99;
	}
	if (stat(sparse, &st) < 0 || (uint64_t)st.st_blocks * 512 >= 3 * MIB) {
		printf("skip: the file system of /var/tmp keeps no holes\n");
		unlink(sparse), unlink(tail), unlink(dense), unlink(numbered);
		return 77;
	}
	check_sparse(sparse);
	check_trailing_hole(tail);
	check_dense(dense);
	check_holds(numbered);
	check_copies(numbered, true);
	check_copies(numbered, false);
	unlink(sparse), unlink(tail), unlink(dense), unlink(numbered);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
