/* sink.c - output bytes to a file or a flattened stream; see sink.h. */
#define _GNU_SOURCE
#include "sink.h"

#include <endian.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The flattened format (makedumpfile -F). */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_TYPE 1
#define FLAT_VERSION 1
#define FLAT_END_MARK ((int64_t)-1)

enum sink_kind { SINK_FILE, SINK_FLAT, SINK_NULL };

/* Set by the SIGTERM/SIGINT handler: the next write is refused, once. */
static volatile sig_atomic_t stop_signal;

static void note_stop_signal(int sig)
{
	stop_signal = sig;
}

int sink_stop_signal(void)
{
	return (int)stop_signal;
}

void sink_stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = note_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

struct sink {
	enum sink_kind kind;
	int fd;
	const char *name;
	bool created;		/* this run made the file: remove it on failure */
	uint64_t limit;		/* -L; 0 = none */
	uint64_t written;	/* bytes handed to the output */
	uint64_t unflushed;	/* written since writeback was last started */
	bool stopped;		/* a stop signal cut this output short */
};

static struct sink *sink_new(enum sink_kind kind, int fd, const char *name, struct err *e)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (!s) {
		err_set(e, "%s: out of memory", name);
		return NULL;
	}
	s->kind = kind;
	s->fd = fd;
	s->name = name;
	return s;
}

struct sink *sink_open_file(const char *path, bool force, struct err *e)
{
	int flags = O_RDWR | O_CREAT | (force ? O_TRUNC : O_EXCL);
	struct sink *s;
	int fd;

	fd = open(path, flags, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			err_set(e, "%s: the dumpfile already exists (use -f to overwrite it)", path);
		else
			err_errno(e, errno, "%s: cannot create the dumpfile", path);
		return NULL;
	}
	s = sink_new(SINK_FILE, fd, path, e);
	if (!s) {
		close(fd);
		unlink(path);
		return NULL;
	}
	s->created = true;
	return s;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

struct sink *sink_open_flat(int fd, const char *name, struct err *e)
{
	uint8_t head[FLAT_HEADER_SIZE] = { 0 };
	uint64_t v;
	struct sink *s = sink_new(SINK_FLAT, fd, name, e);

	if (!s)
		return NULL;
	memcpy(head, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1);
	v = htobe64(FLAT_TYPE);
	memcpy(head + 16, &v, 8);
	v = htobe64(FLAT_VERSION);
	memcpy(head + 24, &v, 8);
	if (write_full(fd, head, sizeof(head)) < 0) {
		err_errno(e, errno, "%s: writing the flattened header", name);
		free(s);
		return NULL;
	}
	return s;
}

struct sink *sink_open_null(void)
{
	return sink_new(SINK_NULL, -1, "(dry run)", &(struct err){ 0 });
}

const char *sink_name(const struct sink *s) { return s->name; }
int sink_fd(const struct sink *s) { return s->kind == SINK_FILE ? s->fd : -1; }
void sink_set_limit(struct sink *s, uint64_t max_bytes) { s->limit = max_bytes; }
bool sink_readable(const struct sink *s) { return s->kind == SINK_FILE; }
bool sink_rewritable(const struct sink *s) { return s->kind != SINK_FLAT; }
uint64_t sink_bytes_written(const struct sink *s) { return s->written; }

void sink_reserve(struct sink *s, uint64_t off, uint64_t len)
{
	if (s->kind == SINK_FILE && len && (!s->limit || off + len <= s->limit))
		(void)fallocate(s->fd, 0, (off_t)off, (off_t)len);
}

/* Start writing back every WRITEBACK_BYTES: the final fsync then waits for little. */
#define WRITEBACK_BYTES (1u << 20)

/*
 * The disk writes while the pages are still being compressed, and the
 * capture kernel's little memory does not fill with dirty pages.  Only
 * started, never waited for; a file system without it is no worse off.
 */
static void start_writeback(struct sink *s, size_t len)
{
	s->unflushed += len;
	if (s->unflushed < WRITEBACK_BYTES)
		return;
	s->unflushed = 0;
	(void)sync_file_range(s->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

int sink_write(struct sink *s, uint64_t off, const void *buf, size_t len, struct err *e)
{
	if (!len)
		return 0;
	if (stop_signal && !s->stopped) {
		s->stopped = true;	/* later writes finish the saved part */
		return err_set_code(e, ERR_STOPPED, "%s: stopped by signal %d", s->name,
				    (int)stop_signal);
	}
	if (s->limit && off + len > s->limit)
		return err_set_code(e, ERR_NOSPC, "%s: the dumpfile reached the size limit of %llu bytes (-L)",
				    s->name, (unsigned long long)s->limit);
	if (s->kind == SINK_FILE) {
		if (pwrite_full(s->fd, buf, len, off) < 0)
			return err_errno(e, errno, "%s: write at offset 0x%llx", s->name,
					 (unsigned long long)off);
		start_writeback(s, len);
	} else if (s->kind == SINK_FLAT) {
		int64_t rec[2] = { (int64_t)htobe64(off), (int64_t)htobe64(len) };

		if (write_full(s->fd, rec, sizeof(rec)) < 0 || write_full(s->fd, buf, len) < 0)
			return err_errno(e, errno, "%s: write", s->name);
	}
	s->written += len;
	return 0;
}

int sink_read(struct sink *s, uint64_t off, void *buf, size_t len, struct err *e)
{
	uint8_t *p = buf;

	if (s->kind != SINK_FILE)
		return err_set(e, "%s: output cannot be read back", s->name);
	while (len) {
		ssize_t n = pread(s->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_errno(e, n < 0 ? errno : EIO, "%s: read back at 0x%llx",
					 s->name, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int sink_close(struct sink *s, struct err *e)
{
	int rc = 0;

	if (s->kind == SINK_FLAT) {
		int64_t end[2] = { (int64_t)htobe64((uint64_t)FLAT_END_MARK),
				   (int64_t)htobe64((uint64_t)FLAT_END_MARK) };

		if (write_full(s->fd, end, sizeof(end)) < 0)
			rc = err_errno(e, errno, "%s: write", s->name);
	}
	if (s->kind == SINK_FILE) {
		if (fsync(s->fd) < 0 && errno != EINVAL && errno != EROFS)
			rc = err_errno(e, errno, "%s: fsync", s->name);
		if (close(s->fd) < 0 && rc == 0)
			rc = err_errno(e, errno, "%s: close", s->name);
	}
	free(s);
	return rc;
}

void sink_discard(struct sink *s)
{
	if (!s)
		return;
	if (s->kind == SINK_FILE) {
		close(s->fd);
		if (s->created)
			unlink(s->name);
	}
	free(s);
}

/* ---- stream helper ------------------------------------------------------ */

int sink_stream_init(struct sink_stream *st, struct sink *s, uint64_t off, size_t cap,
		     struct err *e)
{
	st->sink = s;
	st->off = off;
	st->len = 0;
	st->cap = cap;
	st->buf = malloc(cap);
	if (!st->buf)
		return err_set(e, "%s: out of memory for the write buffer", s->name);
	return 0;
}

int sink_stream_flush(struct sink_stream *st, struct err *e)
{
	if (!st->len)
		return 0;
	if (sink_write(st->sink, st->off, st->buf, st->len, e) < 0)
		return -1;
	st->off += st->len;
	st->len = 0;
	return 0;
}

int sink_stream_put(struct sink_stream *st, const void *buf, size_t len, struct err *e)
{
	const uint8_t *p = buf;

	while (len) {
		size_t n = st->cap - st->len;

		if (n > len)
			n = len;
		memcpy(st->buf + st->len, p, n);
		st->len += n;
		p += n;
		len -= n;
		if (st->len == st->cap && sink_stream_flush(st, e) < 0)
			return -1;
	}
	return 0;
}

uint64_t sink_stream_pos(const struct sink_stream *st) { return st->off + st->len; }

void sink_stream_free(struct sink_stream *st)
{
	free(st->buf);
	st->buf = NULL;
}

/* ---- -R: flattened stream back to a file -------------------------------- */

bool sink_is_flattened(const void *buf, size_t len)
{
	return len >= 16 && memcmp(buf, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1) == 0;
}

static int read_exact(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 1;	/* early end of stream */
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy len bytes of the stream to offset off of out, a buffer at a time. */
static int copy_record(int in_fd, const char *in_name, struct sink *out, uint64_t off,
		       uint64_t len, uint8_t *buf, size_t cap, struct err *e)
{
	while (len) {
		size_t n = len < cap ? (size_t)len : cap;
		int rc = read_exact(in_fd, buf, n);

		if (rc != 0)
			return rc < 0 ? err_errno(e, errno, "%s: read", in_name)
				      : err_set(e, "%s: the stream ends inside a record", in_name);
		if (sink_write(out, off, buf, n, e) < 0)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

#define UNFLATTEN_BUF (1u << 20)

int sink_unflatten(int in_fd, const char *in_name, const char *out_path, bool force,
		   struct err *e)
{
	uint8_t head[FLAT_HEADER_SIZE], *buf;
	struct sink *out;
	int rc;

	rc = read_exact(in_fd, head, sizeof(head));
	if (rc != 0)
		return rc < 0 ? err_errno(e, errno, "%s: read", in_name)
			      : err_set(e, "%s: too short for a flattened dump", in_name);
	if (!sink_is_flattened(head, sizeof(head)))
		return err_set(e, "%s: not a flattened dump (no \"%s\" signature)", in_name,
			       FLAT_SIGNATURE);
	/* a fixed buffer: memory does not follow the sizes the records claim */
	buf = malloc(UNFLATTEN_BUF);
	if (!buf)
		return err_set(e, "%s: out of memory", in_name);
	out = sink_open_file(out_path, force, e);
	if (!out) {
		free(buf);
		return -1;
	}
	for (;;) {
		int64_t rec[2];
		int64_t off, len;

		rc = read_exact(in_fd, rec, sizeof(rec));
		if (rc != 0) {
			rc < 0 ? err_errno(e, errno, "%s: read", in_name)
			       : err_set(e, "%s: the stream ends without its end marker: incomplete transfer?",
					 in_name);
			goto fail;
		}
		off = (int64_t)be64toh((uint64_t)rec[0]);
		len = (int64_t)be64toh((uint64_t)rec[1]);
		if (off == FLAT_END_MARK && len == FLAT_END_MARK)
			break;
		if (off < 0 || len < 0 || len > INT64_MAX - off) {
			err_set(e, "%s: corrupt record (offset %lld, size %lld)", in_name,
				(long long)off, (long long)len);
			goto fail;
		}
		if (copy_record(in_fd, in_name, out, (uint64_t)off, (uint64_t)len, buf,
				UNFLATTEN_BUF, e) < 0)
			goto fail;
	}
	free(buf);
	return sink_close(out, e);
fail:
	free(buf);
	sink_discard(out);
	return -1;
}
