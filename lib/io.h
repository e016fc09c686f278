/*
 * io.h: record input and output.
 *
 * The reader reads big blocks (256 KiB) and splits lines in place; a line
 * longer than the maximum, or holding a NUL or invalid UTF-8, is reported
 * by line number and skipped without losing its neighbours.  CRLF is
 * accepted.  The writer buffers output and flushes when about 64 KiB are
 * pending, and, through the reader, whenever the input side would block, so
 * a record is never held back while the stream is idle.  EPIPE on output
 * ends the program quietly with status 0 (a downstream `head` is not an
 * error).
 */
#ifndef ARB_IO_H
#define ARB_IO_H

#include <stddef.h>
#include <stdint.h>

#define ARB_LINE_MAX_DEFAULT (1u << 20)   /* 1 MiB */

struct arb_writer;

enum arb_rd_status {
	ARB_RD_LINE = 1,   /* a good line: *line, *len (no newline, no CR) */
	ARB_RD_BAD,        /* a bad line, skipped: reader->why, reader->lineno */
	ARB_RD_EOF = 0,
	ARB_RD_ERR = -1    /* read error: errno */
};

struct arb_reader {
	int fd;
	const char *name;        /* for diagnostics: "stdin" or the path */
	char *buf;
	size_t cap, start, end;
	size_t maxline;
	uint64_t lineno;         /* number of the line last returned */
	int eof, skipping;
	const char *why;         /* reason for ARB_RD_BAD */
	struct arb_writer *flush_on_block; /* flushed before a read that would block */
	int (*idle)(void *arg);  /* optional: called before a blocking read */
	void *idle_arg;
	/* set when idle returns 0 only once the input is readable (it waited
	 * for it, watching the signal self-pipe too): the reader then reads
	 * at once instead of polling again */
	int idle_readable;
	/* a stop (arb_sig_stop) inside a line: when it is to be read to its
	 * end by (monotonic us), -1 once given up */
	int64_t stop_by;
};

void arb_reader_init(struct arb_reader *r, int fd, const char *name);
void arb_reader_free(struct arb_reader *r);
/* Next line.  On ARB_RD_LINE, *line points into the reader's buffer and is
 * valid until the next call; it is NUL-terminated in place. */
int arb_reader_next(struct arb_reader *r, char **line, size_t *len);

struct arb_writer {
	int fd;
	char *buf;
	size_t len, cap;
	size_t flush_at;
	uint64_t records;
	int err;                 /* errno of a failed write, 0 */
};

void arb_writer_init(struct arb_writer *w, int fd);

/*
 * Grows the pipe fd to 1 MiB (the unprivileged maximum by default) when it
 * is a smaller pipe; anything else (a file, a terminal, not allowed) is
 * left as it is.  Fewer, larger transfers between the stages of a busy
 * pipeline: the writer blocks and wakes less often, and the reader reads
 * more at a time.  An idle stream is not held back: a record is written as
 * soon as the input would block, whatever the pipe's size.
 */
void arb_pipe_grow(int fd);
void arb_writer_free(struct arb_writer *w);
/* Appends one record (a whole line, including its '\n'). */
void arb_writer_put(struct arb_writer *w, const char *p, size_t n);
/* Appends line and a '\n'. */
void arb_writer_line(struct arb_writer *w, const char *p, size_t n);
/* Writes out everything pending.  On EPIPE exits 0; other errors: -1. */
int arb_writer_flush(struct arb_writer *w);

/* Validates UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Returns NULL when valid, else a static reason. */
const char *arb_utf8_check(const char *p, size_t n);

#endif
