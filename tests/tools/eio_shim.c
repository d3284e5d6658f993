/*
 * eio_shim.c - an LD_PRELOAD library that makes byte ranges of one file
 * unreadable, as a bad sector or a failing region of /proc/vmcore would:
 *   MDF_EIO_FILE=PATH MDF_EIO_RANGES=OFF+LEN[,OFF+LEN...]  (numbers in C syntax)
 * pread() of a range that touches one fails with EIO; an mmap() of the file
 * gets those pages replaced by pages past the end of an empty file, so that
 * touching them raises SIGBUS, as the kernel does for an I/O error on a
 * mapped file.  Everything else passes through.
 *
 * Build: cc -shared -fPIC -o eio_shim.so eio_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_RANGES 16

static struct { uint64_t off, len; } ranges[MAX_RANGES];
static int nranges = -1;
static dev_t bad_dev;
static ino_t bad_ino;

static void load(void)
{
	const char *path = getenv("MDF_EIO_FILE"), *r = getenv("MDF_EIO_RANGES");
	struct stat st;

	nranges = 0;
	if (!path || !r || stat(path, &st) < 0)
		return;
	bad_dev = st.st_dev;
	bad_ino = st.st_ino;
	while (*r && nranges < MAX_RANGES) {
		char *end;

		ranges[nranges].off = strtoull(r, &end, 0);
		if (*end != '+')
			break;
		ranges[nranges].len = strtoull(end + 1, &end, 0);
		nranges++;
		if (*end != ',')
			break;
		r = end + 1;
	}
}

static int is_bad_fd(int fd)
{
	struct stat st;

	if (nranges < 0)
		load();
	return nranges > 0 && fstat(fd, &st) == 0 && st.st_dev == bad_dev && st.st_ino == bad_ino;
}

static int touches_bad(uint64_t off, uint64_t len)
{
	int i;

	for (i = 0; i < nranges; i++)
		if (off < ranges[i].off + ranges[i].len && ranges[i].off < off + len)
			return 1;
	return 0;
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);

	if (!real)
		real = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread64");
	if (is_bad_fd(fd) && touches_bad((uint64_t)off, len)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return pread64(fd, buf, len, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	uint8_t *m;
	long ps = sysconf(_SC_PAGESIZE);
	int i, hole;

	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap64");
	m = real(addr, len, prot, flags, fd, off);
	if (m == MAP_FAILED || fd < 0 || !is_bad_fd(fd))
		return m;
	hole = memfd_create("eio-hole", 0);	/* empty: every page of it is past its end */
	for (i = 0; i < nranges; i++) {
		uint64_t a = ranges[i].off & ~(uint64_t)(ps - 1), b = ranges[i].off + ranges[i].len;

		for (; a < b; a += (uint64_t)ps)
			if (a >= (uint64_t)off && a < (uint64_t)off + len)
				real(m + (a - (uint64_t)off), (size_t)ps, PROT_READ, MAP_SHARED | MAP_FIXED, hole, 0);
	}
	close(hole);
	return m;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap64(addr, len, prot, flags, fd, off);
}
