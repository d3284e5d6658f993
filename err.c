/* err.c - filling struct err; see err.h. */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void vset(struct err *e, enum err_code code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, ERR_FAIL, fmt, ap);
	va_end(ap);
	return -1;
}

int err_set_code(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char head[256], old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%.250s: %.255s", head, old);
	if (e->code == ERR_NONE)
		e->code = ERR_FAIL;
	return -1;
}

int err_errno(struct err *e, int errnum, const char *fmt, ...)
{
	char head[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	e->code = (errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG)
		? ERR_NOSPC : ERR_FAIL;
	snprintf(e->msg, sizeof(e->msg), "%.400s: %s", head, strerror(errnum));
	return -1;
}
