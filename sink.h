/*
 * sink.h - where the output's bytes go.
 *
 * A dump writer addresses its output by byte offset.  The sink puts those
 * bytes into a regular file (pwrite), or into upstream's flattened stream on
 * standard output (-F): a 4 KiB header, then (offset, size) records in big
 * endian each followed by its data, then an end marker.  Formats never know
 * which.  The sink also enforces -L (a size cap): a write past the cap fails
 * with ERR_NOSPC just like a full disk.
 */
#ifndef MDF_SINK_H
#define MDF_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct sink;

/* Create path (refused if it exists unless force).  */
struct sink *sink_open_file(const char *path, bool force, struct err *e);
/* The flattened stream on an already open fd (standard output for -F). */
struct sink *sink_open_flat(int fd, const char *name, struct err *e);
/* Count bytes only (--dry-run). */
struct sink *sink_open_null(void);

const char *sink_name(const struct sink *s);
/* The file descriptor of a file sink, else -1. */
int sink_fd(const struct sink *s);
void sink_set_limit(struct sink *s, uint64_t max_bytes);
/*
 * From now on SIGTERM and SIGINT stop the dump: the next write of any sink
 * fails with ERR_STOPPED, and the writes after it (the writer finishing the
 * saved part as an incomplete dump) go through.
 */
void sink_stop_on_signals(void);
/* The stop signal received, or 0. */
int sink_stop_signal(void);
/* Flattened streams and the null sink cannot be read back. */
bool sink_readable(const struct sink *s);
/*
 * Does writing the same bytes twice leave only the last?  Not in a
 * flattened stream: readers such as crash index its records, so a header
 * is written there once, at the end.
 */
bool sink_rewritable(const struct sink *s);

int sink_write(struct sink *s, uint64_t off, const void *buf, size_t len, struct err *e);
int sink_read(struct sink *s, uint64_t off, void *buf, size_t len, struct err *e);
/* Bytes handed to the output so far ("Write bytes" of the report). */
uint64_t sink_bytes_written(const struct sink *s);
/* Ask the filesystem to allocate [off, off+len) now (best effort, files only). */
void sink_reserve(struct sink *s, uint64_t off, uint64_t len);

/* Flush and close: the end marker for flattened output.  Frees the sink. */
int sink_close(struct sink *s, struct err *e);
/* A failed run: close and remove a file this run created.  Frees the sink. */
void sink_discard(struct sink *s);

/* Rebuild a regular file from a flattened stream read from fd (-R). */
int sink_unflatten(int in_fd, const char *in_name, const char *out_path, bool force,
		   struct err *e);
/* Does buf (at least 16 bytes) start with the flattened signature? */
bool sink_is_flattened(const void *buf, size_t len);

/*
 * A sequential region of the output, buffered: bytes are appended at an
 * advancing offset and reach the sink in large writes.
 */
struct sink_stream {
	struct sink *sink;
	uint64_t off;		/* where buf[0] goes */
	uint8_t *buf;
	size_t len, cap;
};
int sink_stream_init(struct sink_stream *st, struct sink *s, uint64_t off, size_t cap,
		     struct err *e);
int sink_stream_put(struct sink_stream *st, const void *buf, size_t len, struct err *e);
int sink_stream_flush(struct sink_stream *st, struct err *e);
/* Offset the next appended byte will have. */
uint64_t sink_stream_pos(const struct sink_stream *st);
void sink_stream_free(struct sink_stream *st);

#endif
