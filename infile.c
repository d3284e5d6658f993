/* infile.c - the input file and its read window (mmap, or pread into a buffer). */
#define _GNU_SOURCE	/* SEEK_DATA, SEEK_HOLE */
#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
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
	/* Pages are read in ascending order: ask for a larger readahead. */
	(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
fail:
	close(f->fd);
	f->fd = -1;
	return -1;
}

void infile_drop_maps(struct infile *f)
{
	unsigned i;

	for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++)
		if (f->maps[i].map && !f->maps[i].holds) {
			munmap(f->maps[i].map, f->maps[i].len);
			f->maps[i].map = NULL;
		}
	f->mapped = false;
	f->win_len = 0;
}

void infile_close(struct infile *f)
{
	unsigned i;

	for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++)
		if (f->maps[i].map)
			munmap(f->maps[i].map, f->maps[i].len);
	memset(f->maps, 0, sizeof(f->maps));
	f->nheld = 0;
	f->mapped = false;
	free(f->buf);
	f->buf = NULL;
	free(f->block);
	f->block = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Ask the file system about the extent holding off; false when it cannot tell. */
static bool learn_extent(struct infile *f, uint64_t off)
{
	off_t d = lseek(f->fd, (off_t)off, SEEK_DATA), h;

	if (d < 0) {
		if (errno != ENXIO)
			return false;
		d = (off_t)f->size;	/* no data after off: a hole to the end */
	}
	if ((uint64_t)d > off) {
		f->ext_hole = true;
		f->ext_start = off;
		f->ext_end = (uint64_t)d;
		return true;
	}
	h = lseek(f->fd, (off_t)off, SEEK_HOLE);
	if (h < 0 || (uint64_t)h <= off)
		return false;
	f->ext_hole = false;
	f->ext_start = off;
	f->ext_end = (uint64_t)h;
	return true;
}

bool infile_is_hole(struct infile *f, uint64_t off, size_t len)
{
	if (f->no_holes || off >= f->size)
		return false;
	if (off < f->ext_start || off >= f->ext_end) {
		if (!learn_extent(f, off)) {
			f->no_holes = true;
			return false;
		}
		/* The whole file is one data extent: never ask again. */
		if (!f->ext_hole && f->ext_start == 0 && f->ext_end >= f->size)
			f->no_holes = true;
	}
	return f->ext_hole && off + len <= f->ext_end;
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

static void use_map(struct infile *f, struct infile_map *m)
{
	m->last_use = ++f->uses;
	f->mapped = true;
	f->cur = (unsigned)(m - f->maps);
	f->win_ptr = m->map;
	f->win_off = m->off;
	f->win_len = m->len;
}

/* A mapping already holding [off, off+len) becomes the window; false when none does. */
static bool find_map(struct infile *f, uint64_t off, size_t len)
{
	unsigned i;

	for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++) {
		struct infile_map *m = &f->maps[i];

		if (m->map && off >= m->off && off + len <= m->off + m->len) {
			use_map(f, m);
			return true;
		}
	}
	return false;
}

/*
 * The slot for a new mapping: a free one while fewer than INFILE_MAPS
 * mappings are not held, else the least recently used of those (unmapped).
 * At most INFILE_HELD_MAPS are held, so one is always found.
 */
static struct infile_map *free_slot(struct infile *f)
{
	struct infile_map *lru = NULL, *empty = NULL;
	unsigned i, unheld = 0;

	for (i = 0; i < INFILE_MAPS + INFILE_HELD_MAPS; i++) {
		struct infile_map *m = &f->maps[i];

		if (!m->map) {
			if (!empty)
				empty = m;
		} else if (!m->holds) {
			unheld++;
			if (!lru || m->last_use < lru->last_use)
				lru = m;
		}
	}
	if (unheld < INFILE_MAPS && empty)
		return empty;
	munmap(lru->map, lru->len);
	lru->map = NULL;
	return lru;
}

/* Map [base, base+span) in place of the least recently used mapping; false when it cannot be. */
static bool map_window(struct infile *f, uint64_t base, size_t span)
{
	struct infile_map *m = free_slot(f);
	void *p;

	f->mapped = false;
	f->win_len = 0;
	p = mmap(NULL, span, PROT_READ, MAP_PRIVATE, f->fd, (off_t)base);
	if (p == MAP_FAILED)
		return false;
	m->map = p;
	m->len = span;
	m->off = base;
	use_map(f, m);
	return true;
}

/* Pages are held as they are read: p lies in the current window, or in none. */
int infile_hold(struct infile *f, const uint8_t *p)
{
	struct infile_map *m = &f->maps[f->cur];

	if (!f->mapped || p < (const uint8_t *)m->map || p >= (const uint8_t *)m->map + m->len)
		return -1;
	if (!m->holds && f->nheld >= INFILE_HELD_MAPS)
		return -1;
	f->nheld += !m->holds++;
	return (int)f->cur;
}

void infile_release(struct infile *f, int handle)
{
	if (handle >= 0 && f->maps[handle].holds)
		f->nheld -= !--f->maps[handle].holds;
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
	if (pread_full(f->fd, f->buf, span, base) < 0) {
		int saved = errno;

		err_errno(e, saved, "%s: read at offset 0x%llx", f->path, (unsigned long long)base);
		errno = saved;	/* the caller tells EIO from the rest */
		return -1;
	}
	f->mapped = false;
	f->win_ptr = f->buf;
	f->win_off = base;
	f->win_len = span;
	return 0;
}

/*
 * A mapped page whose file data cannot be read raises SIGBUS when touched.
 * The bytes a caller asks for are touched here first, one per page, with
 * the handler armed: a fault comes back as "unreadable" instead of killing
 * the run.  The thread that reads through an infile touches the mapping
 * first (each thread has its handle: vmcore_reopen); a held page
 * (infile_hold) is read by others after that touch, under infile_guarded:
 * a file cut short since then fails their read instead of killing the run.
 */
static __thread sigjmp_buf *volatile probe_env;	/* volatile: set before the touch */

static void on_sigbus(int sig)
{
	if (probe_env)
		siglongjmp(*probe_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Touch one byte of each page of [p, p+len). */
static void touch_pages(const uint8_t *p, size_t len, uint64_t page)
{
	const uint8_t *q;

	for (q = p; q < p + len; q += page - ((uintptr_t)q & (page - 1)))
		(void)*(volatile const uint8_t *)q;
}

static void arm_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus, .sa_flags = SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

bool infile_guarded(void (*fn)(void *arg), void *arg)
{
	static pthread_once_t armed = PTHREAD_ONCE_INIT;
	sigjmp_buf env, *volatile outer = probe_env;	/* guards nest */

	pthread_once(&armed, arm_sigbus);
	if (sigsetjmp(env, 0)) {
		probe_env = outer;
		return false;
	}
	probe_env = &env;
	fn(arg);
	probe_env = outer;
	return true;
}

struct touch { const uint8_t *p; size_t len; uint64_t page; };

static void touch_range(void *arg)
{
	const struct touch *t = arg;

	touch_pages(t->p, t->len, t->page);
}

static bool mapped_range_readable(const struct infile *f, const uint8_t *p, size_t len)
{
	struct touch t = { p, len, f->map_align };

	return infile_guarded(touch_range, &t);
}

static const uint8_t *unreadable(struct infile *f, uint64_t off, size_t len, struct err *e)
{
	err_set_code(e, ERR_UNREADABLE, "%s: 0x%zx bytes at offset 0x%llx cannot be read: %s",
		     f->path, len, (unsigned long long)off, strerror(EIO));
	return NULL;
}

/* The window holds [off, off+len): a pointer to it, when its bytes can be read. */
static const uint8_t *in_window(struct infile *f, uint64_t off, size_t len, struct err *e)
{
	const uint8_t *p = f->win_ptr + (off - f->win_off);

	if (f->mapped && !mapped_range_readable(f, p, len))
		return unreadable(f, off, len, e);
	return p;
}

/* The window of the grid (windows at grid + k * INFILE_WINDOW_SIZE) that holds off. */
static void grid_window(const struct infile *f, uint64_t off, uint64_t grid, uint64_t *base,
			size_t *span)
{
	uint64_t phase = grid & (INFILE_WINDOW_SIZE - 1) & ~(f->map_align - 1);

	if (off < phase) {	/* the file's start, before the first whole window */
		*base = 0;
		*span = (size_t)phase;
		return;
	}
	*base = ((off - phase) & ~(uint64_t)(INFILE_WINDOW_SIZE - 1)) + phase;
	*span = INFILE_WINDOW_SIZE;
}

/* Does the current window hold [off, off+len)? */
static bool in_current_window(const struct infile *f, uint64_t off, size_t len)
{
	return f->win_len && off >= f->win_off && off + len <= f->win_off + f->win_len;
}

const uint8_t *infile_window(struct infile *f, uint64_t off, size_t len, uint64_t grid,
			     struct err *e)
{
	uint64_t base;
	size_t span;

	if (in_current_window(f, off, len))
		return in_window(f, off, len, e);
	grid_window(f, off, grid, &base, &span);
	if (off + len > base + span) {	/* straddles: start the window at off */
		base = off & ~(uint64_t)(f->map_align - 1);
		span = INFILE_WINDOW_SIZE;
	}
	if (base + span > f->size)
		span = (size_t)(f->size - base);
	if (off + len > base + span) {
		err_set(e, "%s: read of 0x%zx bytes at offset 0x%llx is past the end of the file",
			f->path, len, (unsigned long long)off);
		return NULL;
	}
	if (f->use_mmap) {
		if (find_map(f, off, len))
			return in_window(f, off, len, e);
		if (map_window(f, base, span))
			return in_window(f, off, len, e);
		f->use_mmap = false;	/* not mmap-able (old kernel): read instead */
	}
	if (read_window(f, base, span, e) == 0)
		return in_window(f, off, len, e);
	/* A bad sector costs the bytes asked for, not the whole window. */
	if (errno != EIO || read_window(f, off, len, e) < 0)
		return errno == EIO ? unreadable(f, off, len, e) : NULL;
	return in_window(f, off, len, e);
}

/* Does a window (the current one, or a mapping) hold [off, off+len)? It becomes the window. */
static bool window_holds(struct infile *f, uint64_t off, size_t len)
{
	return in_current_window(f, off, len) || (f->use_mmap && find_map(f, off, len));
}

/* The bytes alone, when their block could not be read: a bad sector costs only them. */
static int read_alone(struct infile *f, uint64_t off, void *buf, size_t len, struct err *e)
{
	if (pread_full(f->fd, buf, len, off) == 0)
		return 0;
	if (errno == EIO)
		unreadable(f, off, len, e);
	else
		err_errno(e, errno, "%s: read at offset 0x%llx", f->path, (unsigned long long)off);
	return -1;
}

/* A small read by pread: from the block that holds it, read now unless it was the last one read. */
static int copy_small(struct infile *f, uint64_t off, void *buf, size_t len, struct err *e)
{
	uint64_t base = off & ~(uint64_t)(INFILE_BLOCK - 1);
	size_t span = f->size - base < INFILE_BLOCK ? (size_t)(f->size - base) : INFILE_BLOCK;

	if (off + len > base + span)	/* straddles two blocks */
		return read_alone(f, off, buf, len, e);
	if (!f->block_len || base != f->block_off) {
		if (!f->block && !(f->block = malloc(INFILE_BLOCK)))
			return err_set(e, "%s: out of memory for a read", f->path);
		f->block_len = 0;
		if (pread_full(f->fd, f->block, span, base) < 0)
			return read_alone(f, off, buf, len, e);
		f->block_off = base;
		f->block_len = span;
	}
	memcpy(buf, f->block + (off - base), len);
	return 0;
}

/* Copy [off, off+len), which lies within one window of the grid. */
static int copy_piece(struct infile *f, uint64_t off, uint8_t *buf, size_t len, uint64_t grid,
		      struct err *e)
{
	const uint8_t *p;

	if (len <= INFILE_SMALL_READ && off <= f->size && len <= f->size - off &&
	    !window_holds(f, off, len))
		return copy_small(f, off, buf, len, e);
	p = infile_window(f, off, len, grid, e);
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

/*
 * A copy is cut where the grid of windows is: one that straddles a window
 * edge reads the two windows of the grid rather than mapping a third one
 * from its first byte on (the struct pages of a 2 MiB vmemmap block, read
 * batch after batch, then cost two mappings, not four).
 */
int infile_copy(struct infile *f, uint64_t off, void *buf, size_t len, uint64_t grid,
		struct err *e)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t base;
		size_t span, n;

		grid_window(f, off, grid, &base, &span);
		n = base + span - off < len ? (size_t)(base + span - off) : len;
		if (copy_piece(f, off, b, n, grid, e) < 0)
			return -1;
		off += n;
		b += n;
		len -= n;
	}
	return 0;
}
