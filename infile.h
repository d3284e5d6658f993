/*
 * infile.h - the input file under every input format.
 *
 * Owns: the open file (path, descriptor, size) and the read window that
 * makes a range of it addressable: an mmap of the file, or a buffer filled
 * by pread() when mmap is unavailable or --non-mmap is given.  The window
 * is large so that reading page after page costs no system call each;
 * a mapping can be held past later windows for pages other threads read.
 * Also which ranges are holes of the file (never written: zeros).
 * Knows nothing of any format: vmcore.c opens it, the formats read it.
 */
#ifndef MDF_INFILE_H
#define MDF_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Reads go through windows of this size. */
#define INFILE_WINDOW_SIZE (1u << 20)
/* Windows kept mapped at once, besides those held (infile_hold). */
#define INFILE_MAPS 3
/*
 * Windows that may be held at once: one per batch in flight; a batch
 * that spans more copies the rest (each mapped page read counts in RSS).
 */
#define INFILE_HELD_MAPS 2
/*
 * A copying read of at most this many bytes that no window holds is read
 * with pread (its block of INFILE_BLOCK bytes, kept for the next such
 * read): the page-table entries of a walk and the struct page heads of
 * free blocks lie far apart, and a window mapped for each costs an mmap,
 * faults and an munmap (with its TLB shoot-down on every core the run's
 * threads use) for a few bytes, and unmaps the window being read.
 */
#define INFILE_SMALL_READ 256
#define INFILE_BLOCK 4096

struct infile {
	const char *path;
	int fd;
	uint64_t size;

	/*
	 * The read window: one of a few mmaps of the file (the least recently
	 * used is replaced, so the page tables and struct pages a walk reads
	 * do not unmap the pages being copied), or a buffer filled by pread.
	 */
	bool use_mmap;
	uint64_t map_align;
	struct infile_map {
		void *map;
		size_t len;
		uint64_t off, last_use;
		unsigned holds;	/* pages of it still in use elsewhere: not replaced */
	} maps[INFILE_MAPS + INFILE_HELD_MAPS];
	unsigned nheld;		/* maps with holds */
	uint64_t uses;
	bool mapped;		/* the window is one of maps[], maps[cur] */
	unsigned cur;
	uint8_t *buf;
	const uint8_t *win_ptr;
	uint64_t win_off;
	size_t win_len;
	uint8_t *block;		/* [block_off, block_off + block_len) of the file */
	uint64_t block_off;
	size_t block_len;

	/* the last extent the file system described: [ext_start, ext_end) */
	bool no_holes;		/* the file (or its file system) tells no holes */
	bool ext_hole;
	uint64_t ext_start, ext_end;
};

/* Open path (a regular file) for reading; on failure f holds nothing. */
int infile_open(struct infile *f, const char *path, bool use_mmap, struct err *e);
void infile_close(struct infile *f);
/* Unmap the windows not held: a handle idle for a while gives its memory back. */
void infile_drop_maps(struct infile *f);

/*
 * Make [off, off+len) of the file addressable (len at most half the window
 * size); returns a pointer to off, valid until the next infile_window call.
 * Windows lie on a grid: at grid + k * INFILE_WINDOW_SIZE (grid is taken
 * modulo the window size, rounded down to a page).  An input whose file
 * offsets are not window-aligned where its physical addresses are gives
 * the offset of an aligned address: memory read in aligned blocks (a
 * 2 MiB block of the vmemmap) then meets as few windows as it can.
 * A read that straddles two windows of the grid gets a window of its own.
 */
const uint8_t *infile_window(struct infile *f, uint64_t off, size_t len, uint64_t grid,
			     struct err *e);

/*
 * Copy [off, off+len) of the file into buf: from the windows of the grid
 * (a copy across an edge reads both), or for a small read no window
 * holds, by pread (INFILE_SMALL_READ).
 */
int infile_copy(struct infile *f, uint64_t off, void *buf, size_t len, uint64_t grid,
		struct err *e);

/*
 * Keep the mapping that holds p (from the latest infile_window) mapped
 * past later infile_window calls, until infile_release(handle): for pages
 * other threads read later.  Returns a handle, or -1 when p is not in the
 * current window's mapping or too many are held (the caller copies the
 * bytes instead).
 */
int infile_hold(struct infile *f, const uint8_t *p);
void infile_release(struct infile *f, int handle);

/*
 * Run fn(arg), which reads mapped pages of an input (on any thread), with
 * their SIGBUS caught: false when one came (the file lost data it had when
 * the pages were first read: it was cut short under us); fn is then cut
 * short, so it must leave nothing half done that is used after.
 */
bool infile_guarded(void (*fn)(void *arg), void *arg);

/*
 * Is [off, off+len) inside one hole of the file (never written, so all
 * zeros)?  The file system is asked once per extent (SEEK_DATA/SEEK_HOLE):
 * a sparse copy of a dump then costs no read for its zero pages.  A file
 * that tells no holes (/proc/vmcore) is all data: false, at no cost.
 */
bool infile_is_hole(struct infile *f, uint64_t off, size_t len);

/* pread() until len bytes are read; -1 with errno set (EIO: file too short). */
int pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
