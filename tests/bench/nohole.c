/*
 * nohole.c - LD_PRELOAD shim for the bench: lseek() knows no holes.
 *
 * /proc/vmcore has no holes, the generated machines are sparse files: with
 * this shim our program reads their zero pages as it would read them from
 * /proc/vmcore, so the bench can show both costs.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

static off_t no_holes(int fd, off_t off, int whence, const char *name)
{
	off_t (*real)(int, off_t, int);

	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		errno = EINVAL;	/* as a file system without them says */
		return -1;
	}
	real = (off_t (*)(int, off_t, int))dlsym(RTLD_NEXT, name);
	return real ? real(fd, off, whence) : (errno = ENOSYS, -1);
}

off_t lseek(int fd, off_t off, int whence) { return no_holes(fd, off, whence, "lseek"); }
off_t lseek64(int fd, off_t off, int whence) { return no_holes(fd, off, whence, "lseek64"); }
