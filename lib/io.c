#include "config.h"

/*
 * io.c: the record reader and the buffered writer (io.h).
 *
 * The reader keeps one buffer.  It reads big blocks into its free tail,
 * finds newlines with memchr and hands out lines in place, NUL-terminated
 * where the newline was.  Only a partial line at the end of the buffer is
 * ever moved (to the front, before the next read), so the cost per byte is
 * one memchr and one validation pass.  The buffer grows only when a single
 * line does not fit, and never beyond the maximum line length: a longer
 * line is skipped in place until its newline without being stored.
 *
 * Before a read that would block, the reader flushes the writer it is
 * paired with (flush_on_block) and calls the idle hook, so output is
 * written in big pieces under load and at once when the input pauses.
 *
 * Details io.h leaves open, as implemented here:
 *  - The idle hook returns 0 to go on and wait for the input, > 0 to end
 *    input (arb_reader_next returns ARB_RD_EOF), < 0 on an error
 *    (ARB_RD_ERR with the errno the hook left).  It may itself wait, with
 *    a timeout, for the input to become readable; one that returns 0 only
 *    then (idle_readable) is followed by the read at once.
 *  - ARB_RD_ERR while flush_on_block->err is set means the flush failed,
 *    not the read.
 *  - A stop request (arb_sig_stop) is checked before every read and after
 *    every wake-up; the reader then returns ARB_RD_EOF, dropping a partial
 *    line.  Whole lines already read are returned first.  The reader waits
 *    in poll(2) with the signal self-pipe (sig.h), never in read(2), so a
 *    signal between the check and the wait is not lost.  A signal that is
 *    not a stop request (SIGHUP, SIGUSR1) gives the idle hook another turn.
 *  - A line too long is reported once its end is seen, with its length;
 *    its bytes are never stored.  The length counts what precedes the
 *    newline, less one CR.
 *  - A final line without a newline loses one trailing CR too, as if
 *    the newline followed: a filter that passes it through writes no CR
 *    before its newline (arb-ndjson(5)), and reading its output again
 *    gives the same line.
 *  - Writer: after a write error, records are dropped and every flush
 *    returns -1 (err is sticky).  A record larger than the buffer is
 *    written straight through.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "clock.h"
#include "io.h"
#include "log.h"
#include "sig.h"
#include "util.h"

#define RD_BLOCK   (256u * 1024)   /* bytes asked of each read(2) */
#define RD_WHY_MAX 128             /* room for the reason of a bad line */
#define WR_FLUSH   (64u * 1024)    /* pending bytes that trigger a write */
#define WR_CAP     (128u * 1024)   /* writer buffer: flush_at plus a record */

/*
 * UTF-8 validation.
 *
 * The fast path takes 32 bytes, then 8, at a time and only looks closer when one of
 * them has the high bit set (or is NUL, when NUL is to be rejected).  The
 * slow path decodes one sequence with the table of RFC 3629, section 4,
 * and names what is wrong.  Returns NULL, or the reason with *col set to
 * the offset of the first byte of the bad sequence.
 */
#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

#ifdef __SSE2__
/* True when the 64 bytes at p are ASCII (and none is NUL, with nul_bad):
 * one OR of the four blocks for the high bits, one minimum for a zero. */
static inline int ascii64(const unsigned char *p, int nul_bad)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
	int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));

	if (nul_bad)
		m |= _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(_mm_min_epu8(a, b),
		    _mm_min_epu8(c, d)), _mm_setzero_si128()));
	return m == 0;
}
#endif

static const char *utf8_scan(const char *s, size_t n, int nul_bad, size_t *col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	for (;;) {
#ifdef __SSE2__
		/* 64 bytes at a time with SSE2; the last 64 of a line at
		 * once (those before i are known to be plain already) */
		while (i + 64 <= n && ascii64(p + i, nul_bad))
			i += 64;
		if (i < n && n - i < 64 && n >= 64 && ascii64(p + n - 64, nul_bad))
			return NULL;
#endif
		/* ASCII fast path: 32 bytes, then 8, at a time.  With nul_bad,
		 * (x | HIGHS) - ONES keeps the high bit of every byte but a
		 * 0x00 or 0x80 (no borrows cross bytes); x itself flags the
		 * bytes >= 0x80; and one test covers four words. */
		if (nul_bad) {
			while (i + 32 <= n) {
				uint64_t a = load64(p + i), b = load64(p + i + 8);
				uint64_t c = load64(p + i + 16), d = load64(p + i + 24);
				uint64_t nz = ((a | HIGHS) - ONES) & ((b | HIGHS) - ONES) &
				    ((c | HIGHS) - ONES) & ((d | HIGHS) - ONES);
				if (((a | b | c | d) | ~nz) & HIGHS)
					break;
				i += 32;
			}
			while (i + 8 <= n) {
				uint64_t a = load64(p + i);
				if ((a | ~((a | HIGHS) - ONES)) & HIGHS)
					break;
				i += 8;
			}
			/* fewer than 8 left: the last 8 bytes at once (those
			 * before i are plain ASCII already, or the test fails
			 * and the bytes are looked at one by one) */
			if (i < n && n - i < 8 && n >= 8) {
				uint64_t a = load64(p + n - 8);
				if (!((a | ~((a | HIGHS) - ONES)) & HIGHS))
					return NULL;
			}
		} else {
			while (i + 32 <= n) {
				if ((load64(p + i) | load64(p + i + 8) | load64(p + i + 16) |
				    load64(p + i + 24)) & HIGHS)
					break;
				i += 32;
			}
			while (i + 8 <= n) {
				if (load64(p + i) & HIGHS)
					break;
				i += 8;
			}
			if (i < n && n - i < 8 && n >= 8 && !(load64(p + n - 8) & HIGHS))
				return NULL;
		}
		/* Byte by byte until the next ASCII-only stretch might start. */
		size_t stop = i + 16 < n ? i + 16 : n;
		if (i >= n)
			return NULL;
		while (i < stop) {
			unsigned c = p[i];
			if (c < 0x80) {
				if (c == 0 && nul_bad) {
					*col = i;
					return "NUL byte";
				}
				i++;
				continue;
			}
			size_t need;
			unsigned lo = 0x80, hi = 0xbf;  /* range of the 2nd byte */
			const char *lowhy = "overlong encoding", *hiwhy = NULL;
			if (c < 0xc2) {
				*col = i;
				return c < 0xc0 ? "unexpected continuation byte" : "overlong encoding";
			} else if (c < 0xe0) {
				need = 1;
			} else if (c < 0xf0) {
				need = 2;
				if (c == 0xe0)
					lo = 0xa0;
				else if (c == 0xed) {
					hi = 0x9f;
					hiwhy = "surrogate code point (U+D800..U+DFFF)";
				}
			} else if (c < 0xf5) {
				need = 3;
				if (c == 0xf0)
					lo = 0x90;
				else if (c == 0xf4) {
					hi = 0x8f;
					hiwhy = "code point above U+10FFFF";
				}
			} else {
				*col = i;
				return c < 0xf8 ? "code point above U+10FFFF" : "invalid byte";
			}
			if (i + 1 >= n || (p[i + 1] & 0xc0) != 0x80) {
				*col = i;
				return "truncated sequence";
			}
			if (p[i + 1] < lo) {
				*col = i;
				return lowhy;
			}
			if (p[i + 1] > hi) {
				*col = i;
				return hiwhy;
			}
			for (size_t k = 2; k <= need; k++) {
				if (i + k >= n || (p[i + k] & 0xc0) != 0x80) {
					*col = i;
					return "truncated sequence";
				}
			}
			i += need + 1;
		}
	}
}

const char *arb_utf8_check(const char *p, size_t n)
{
	size_t col;
	return utf8_scan(p, n, 0, &col);
}

/* The reason of a bad line lives just past the buffer, so that each reader
 * owns its own (why stays valid until the next call on that reader). */
static char *whybuf(struct arb_reader *r)
{
	return r->buf + r->cap + 1;
}

static void alloc_buf(struct arb_reader *r, size_t cap)
{
	/* cap bytes of data, one for a NUL after a final unterminated line,
	 * and the reason buffer. */
	char *nb = xmalloc(cap + 1 + RD_WHY_MAX);
	if (r->buf) {
		memcpy(nb, r->buf + r->start, r->end - r->start);
		free(r->buf);
	}
	r->end -= r->start;
	r->start = 0;
	r->buf = nb;
	r->cap = cap;
}

void arb_reader_init(struct arb_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name ? name : "stdin";
	r->maxline = ARB_LINE_MAX_DEFAULT;
	alloc_buf(r, RD_BLOCK);
}

void arb_reader_free(struct arb_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->start = r->end = 0;
}

/*
 * Reads more input into the free tail of the buffer.  Returns the number of
 * bytes read, 0 at end of input, -1 on error, FILL_STOP when a stop was
 * requested (arb_sig_stop, or the idle hook returned > 0).
 */
#define FILL_STOP (-2)

/* A regular file: no other reader takes what this one leaves. */
static int regular(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* How long a stop waits for the rest of the line it came inside of. */
#define STOP_LINE_US 1000000

/*
 * A stop came while the buffer ends inside a line of a pipe, FIFO or
 * socket: its first bytes were taken from it, so the line is read to its end, one byte at a
 * time, so that nothing after its newline is taken (a FIFO that outlives
 * this process, as systemd's, is left at a line boundary for the next
 * reader), for at most STOP_LINE_US.  Past that the part read is said
 * lost and FILL_STOP returned.
 */
static ssize_t finish_line(struct arb_reader *r)
{
	for (;;) {
		int64_t now = arb_mono_us(), left;
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int k;

		if (r->stop_by == 0)
			r->stop_by = now + STOP_LINE_US;
		left = r->stop_by - now;
		k = left > 0 ? poll(&pfd, 1, (int)((left + 999) / 1000)) : 0;
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k < 0)
				return -1;
			arb_warn("%s: stopped inside line %llu: its first %zu bytes were read, the rest did not "
			    "come within %d s: not used", r->name, (unsigned long long)r->lineno + 1,
			    r->end - r->start, STOP_LINE_US / 1000000);
			r->stop_by = -1;
			return FILL_STOP;
		}
		ssize_t n = read(r->fd, r->buf + r->end, 1);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
	}
}

static ssize_t fill(struct arb_reader *r)
{
	for (;;) {
		/* The flag first, then a poll that also watches the signal
		 * self-pipe: a signal that lands after this look wakes the
		 * wait below (sig.h).  read(2) is called only when the input
		 * is readable, so it never blocks past a stop request. */
		if (arb_sig_stop)
			return r->end > r->start && !r->skipping && r->stop_by >= 0 && !regular(r->fd) ?
			    finish_line(r) : FILL_STOP;
		struct pollfd pfd[2] = {
			{ .fd = r->fd, .events = POLLIN },
			{ .fd = arb_sig_fd(), .events = POLLIN },  /* -1: ignored */
		};
		int k = poll(pfd, 2, 0);
		if (k == 0) {
			/* Nothing to read now: pass on what is pending, give
			 * the idle hook its turn, then wait. */
			struct arb_writer *w = r->flush_on_block;
			if (w && w->len > 0 && arb_writer_flush(w) < 0) {
				errno = w->err;
				return -1;
			}
			if (r->idle) {
				int h = r->idle(r->idle_arg);
				if (h < 0)
					return -1;
				if (h > 0 && arb_sig_stop)
					continue;   /* the stop above: a line begun is read to its end */
				if (h > 0)
					return FILL_STOP;
				if (r->idle_readable)
					k = 1;  /* pfd[1].revents is 0: read below */
			}
			if (k == 0)
				k = poll(pfd, 2, -1);
		}
		if (k < 0) {
			if (errno == EINTR)
				continue;  /* arb_sig_stop is looked at above */
			return -1;
		}
		if (pfd[1].revents) {
			arb_sig_drain();
			continue;  /* a signal: the flags above, the hook again */
		}
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n >= 0)
			return n;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;  /* (a non-blocking input: poll waits above) */
		return -1;
	}
}

/* Checks a complete line (CR already stripped) and sets r->why. */
static int check_line(struct arb_reader *r, const char *line, size_t len)
{
	size_t col;
	const char *why;

	if (len > r->maxline) {
		snprintf(whybuf(r), RD_WHY_MAX, "line too long (%zu bytes > max %zu)",
		    len, r->maxline);
		r->why = whybuf(r);
		return ARB_RD_BAD;
	}
	why = utf8_scan(line, len, 1, &col);
	if (why == NULL)
		return ARB_RD_LINE;
	if (why[0] == 'N')  /* "NUL byte" */
		snprintf(whybuf(r), RD_WHY_MAX, "NUL byte at column %zu", col + 1);
	else
		snprintf(whybuf(r), RD_WHY_MAX, "invalid UTF-8 at column %zu: %s", col + 1, why);
	r->why = whybuf(r);
	return ARB_RD_BAD;
}

static int too_long(struct arb_reader *r, uint64_t len)
{
	r->lineno++;
	snprintf(whybuf(r), RD_WHY_MAX, "line too long (%llu bytes > max %zu)",
	    (unsigned long long)len, r->maxline);
	r->why = whybuf(r);
	return ARB_RD_BAD;
}

int arb_reader_next(struct arb_reader *r, char **line, size_t *len)
{
	size_t scanned = r->start;  /* [start, scanned) holds no newline */
	uint64_t skipped = 0;       /* bytes of an over-long line so far */
	/* The longest partial line kept (a CR may follow the maximum). */
	size_t keep = r->maxline < SIZE_MAX / 4 ? r->maxline + 1 : SIZE_MAX / 4;

	r->why = NULL;
	for (;;) {
		if (r->skipping) {
			char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl) {
				size_t k = (size_t)(nl - (r->buf + r->start));
				skipped += k;
				if (k > 0 && nl[-1] == '\r')
					skipped--;
				else if (k == 0 && r->skipping == 2)
					skipped--;  /* the CR ended the previous block */
				r->start += k + 1;
				r->skipping = 0;
				return too_long(r, skipped);
			}
			size_t k = r->end - r->start;
			skipped += k;
			if (k > 0)
				r->skipping = r->buf[r->end - 1] == '\r' ? 2 : 1;
			r->start = r->end = 0;
			scanned = 0;
			if (r->eof) {
				if (r->skipping == 2)
					skipped--;  /* the final line's CR */
				r->skipping = 0;
				return too_long(r, skipped);
			}
		} else {
			char *base = r->buf + r->start;
			char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
			if (nl) {
				size_t n = (size_t)(nl - base);
				r->start += n + 1;
				r->lineno++;
				if (n > 0 && base[n - 1] == '\r')
					n--;
				base[n] = '\0';
				int st = check_line(r, base, n);
				if (st == ARB_RD_LINE) {
					*line = base;
					*len = n;
				}
				return st;
			}
			size_t pend = r->end - r->start;
			if (r->eof) {
				if (pend == 0)
					return ARB_RD_EOF;
				/* A final line without a newline (and without
				 * its CR). */
				r->start = r->end;
				r->lineno++;
				base[pend] = '\0';  /* the buffer has room for it */
				if (base[pend - 1] == '\r')
					base[--pend] = '\0';
				int st = check_line(r, base, pend);
				if (st == ARB_RD_LINE) {
					*line = base;
					*len = pend;
				}
				return st;
			}
			/* No whole line: the partial one may already be too
			 * long (one byte more for a CR that a LF may follow). */
			if (pend > keep) {
				skipped = pend;
				r->skipping = r->buf[r->end - 1] == '\r' ? 2 : 1;
				r->start = r->end = 0;
				scanned = 0;
				continue;
			}
			/* Make room: move the partial line to the front, and
			 * grow the buffer when the line nearly fills it (up to
			 * what the longest line and its CR LF need). */
			if (r->start > 0) {
				memmove(r->buf, base, pend);
				r->start = 0;
				r->end = pend;
			}
			scanned = r->end;
			if (r->cap - r->end < RD_BLOCK / 4 && r->cap < keep + 1) {
				size_t ncap = r->cap * 2;
				if (ncap > keep + 1)
					ncap = keep + 1;
				alloc_buf(r, ncap);
			}
		}
		ssize_t n = fill(r);
		if (n == FILL_STOP)
			return ARB_RD_EOF;  /* the caller shuts down gracefully */
		if (n < 0)
			return ARB_RD_ERR;
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
}

/*
 * The writer.
 */
void arb_pipe_grow(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;
	int have, size;

	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	if ((have = fcntl(fd, F_GETPIPE_SZ)) < 0 || have >= (1 << 20))
		return;
	for (size = 1 << 20; size > have; size /= 2)
		if (fcntl(fd, F_SETPIPE_SZ, size) >= 0)
			break;
#else
	(void)fd;
#endif
}

void arb_writer_init(struct arb_writer *w, int fd)
{
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->cap = WR_CAP;
	w->buf = xmalloc(w->cap);
	w->flush_at = WR_FLUSH;
}

void arb_writer_free(struct arb_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

/* Writes p[0..n) whole; EPIPE ends the program quietly. */
static int write_out(struct arb_writer *w, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = w->fd, .events = POLLOUT };
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
				w->err = errno;
				return -1;
			}
			continue;
		}
		if (k < 0 && errno == EPIPE) {
			/* The reader went away: not an error.  An atexit
			 * handler that flushes again must not re-enter exit. */
			static int exiting;
			if (exiting)
				_exit(ARB_EXIT_OK);
			exiting = 1;
			exit(ARB_EXIT_OK);
		}
		w->err = k < 0 ? errno : EIO;
		return -1;
	}
	return 0;
}

int arb_writer_flush(struct arb_writer *w)
{
	if (w->err)
		return -1;
	if (w->len == 0)
		return 0;
	int rc = write_out(w, w->buf, w->len);
	w->len = 0;  /* after an error the data is lost either way */
	return rc;
}

/* Appends a then b (either may be empty) as one record. */
static void put2(struct arb_writer *w, const char *a, size_t na, const char *b, size_t nb)
{
	size_t n = na + nb;

	w->records++;
	if (w->err)
		return;  /* sticky: the caller sees it on the next flush */
	if (w->len + n > w->cap) {
		if (arb_writer_flush(w) < 0)
			return;
		if (n > w->cap) {
			/* Bigger than the whole buffer: write it through. */
			if (write_out(w, a, na) == 0)
				write_out(w, b, nb);
			return;
		}
	}
	if (na)  /* a may be NULL when na is 0 */
		memcpy(w->buf + w->len, a, na);
	if (nb)
		memcpy(w->buf + w->len + na, b, nb);
	w->len += n;
	if (w->len >= w->flush_at)
		arb_writer_flush(w);
}

void arb_writer_put(struct arb_writer *w, const char *p, size_t n)
{
	put2(w, p, n, "", 0);
}

void arb_writer_line(struct arb_writer *w, const char *p, size_t n)
{
	put2(w, p, n, "\n", 1);
}
