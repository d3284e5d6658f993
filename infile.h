/*
 * infile.h - the input file under every input format.
 *
 * Owns: the open file (path, descriptor, size) and the read window that
 * makes a range of it addressable: an mmap of the file, or a buffer filled
 * by pread() when mmap is unavailable or --non-mmap is given.  The window
 * is large so that reading page after page costs no system call each.
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

struct infile {
	const char *path;
	int fd;
	uint64_t size;

	/* the read window: an mmap of the file, or a buffer filled by pread */
	bool use_mmap;
	uint64_t map_align;
	void *map;
	size_t map_len;
	uint8_t *buf;
	const uint8_t *win_ptr;
	uint64_t win_off;
	size_t win_len;
};

/* Open path (a regular file) for reading; on failure f holds nothing. */
int infile_open(struct infile *f, const char *path, bool use_mmap, struct err *e);
void infile_close(struct infile *f);

/*
 * Make [off, off+len) of the file addressable (len at most half the window
 * size); returns a pointer to off, valid until the next infile_window call.
 */
const uint8_t *infile_window(struct infile *f, uint64_t off, size_t len, struct err *e);

/* pread() until len bytes are read; -1 with errno set (EIO: file too short). */
int pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
