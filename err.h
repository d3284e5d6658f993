/*
 * err.h - the one error convention of the program.
 *
 * A function that can fail returns -1 and fills a caller-owned struct err.
 * Nothing is allocated while failing (a capture kernel may have no memory
 * left).  Callers may prepend context; only main() prints, as one line.
 */
#ifndef MDF_ERR_H
#define MDF_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_NONE = 0,
	ERR_FAIL,	/* any failure: exit status 1 */
	ERR_NOSPC,	/* output device full or size cap hit: retry / incomplete */
	ERR_RELEASE,	/* vmlinux release differs from the dump: exit status 2 */
	ERR_STOPPED,	/* SIGTERM/SIGINT: finish the saved part as incomplete, no retry */
	ERR_UNREADABLE,	/* input bytes that cannot be read (EIO, SIGBUS): that page is lost */
};


struct err {
	enum err_code code;
	char msg[512];
};

/* Is this the end of an output that is kept as an incomplete dump? */
static inline int err_is_cut_short(const struct err *e)
{
	return e->code == ERR_NOSPC || e->code == ERR_STOPPED;
}

/* Set the message (printf style); returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int err_set_code(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the current message; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like err_set, with ": strerror(errnum)" appended; ENOSPC/EDQUOT/EFBIG set ERR_NOSPC. */
int err_errno(struct err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
