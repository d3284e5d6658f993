/* infile.c - the input file and its read window (mmap, or pread into a buffer). */
#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int infile_open(struct infile *f, const char *path, bool use_mmap, struct err *e)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->use_mmap = use_mmap;
	f->map_align = (uint64_t)sysconf(_SC_PAGESIZE);
	f->fd = open(path, O_RDONLY);
	if (f->fd < 0)
		return err_errno(e, errno, "%s", path);
	if (fstat(f->fd, &st) < 0) {
		err_errno(e, errno, "%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto fail;
	}
	f->size = (uint64_t)st.st_size;
	return 0;
fail:
	close(f->fd);
	f->fd = -1;
	return -1;
}

void infile_close(struct infile *f)
{
	if (f->map)
		munmap(f->map, f->map_len);
	f->map = NULL;
	free(f->buf);
	f->buf = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;	/* file shorter than its headers say */
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Map [base, base+span) as the window; false when the file cannot be mapped. */
static bool map_window(struct infile *f, uint64_t base, size_t span)
{
	void *m;

	if (f->map)
		munmap(f->map, f->map_len);
	f->map = NULL;
	m = mmap(NULL, span, PROT_READ, MAP_PRIVATE, f->fd, (off_t)base);
	if (m == MAP_FAILED)
		return false;
	f->map = m;
	f->map_len = span;
	f->win_ptr = m;
	f->win_off = base;
	f->win_len = span;
	return true;
}

/* Read [base, base+span) into the window buffer. */
static int read_window(struct infile *f, uint64_t base, size_t span, struct err *e)
{
	if (!f->buf) {
		f->buf = malloc(INFILE_WINDOW_SIZE);
		if (!f->buf)
			return err_set(e, "%s: out of memory for the read window", f->path);
	}
	f->win_len = 0;
	if (pread_full(f->fd, f->buf, span, base) < 0)
		return err_errno(e, errno, "%s: read at offset 0x%llx", f->path,
				 (unsigned long long)base);
	f->win_ptr = f->buf;
	f->win_off = base;
	f->win_len = span;
	return 0;
}

const uint8_t *infile_window(struct infile *f, uint64_t off, size_t len, struct err *e)
{
	uint64_t base;
	size_t span;

	if (f->win_len && off >= f->win_off && off + len <= f->win_off + f->win_len)
		return f->win_ptr + (off - f->win_off);
	base = off & ~(uint64_t)(INFILE_WINDOW_SIZE - 1);
	span = INFILE_WINDOW_SIZE;
	if (off + len > base + span)	/* straddles: start the window at off */
		base = off & ~(uint64_t)(f->map_align - 1);
	if (base + span > f->size)
		span = (size_t)(f->size - base);
	if (off + len > base + span) {
		err_set(e, "%s: read of 0x%zx bytes at offset 0x%llx is past the end of the file",
			f->path, len, (unsigned long long)off);
		return NULL;
	}
	if (f->use_mmap) {
		if (map_window(f, base, span))
			return f->win_ptr + (off - base);
		f->use_mmap = false;	/* not mmap-able (old kernel): read instead */
	}
	if (read_window(f, base, span, e) < 0)
		return NULL;
	return f->win_ptr + (off - base);
}
