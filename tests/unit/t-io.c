#include "config.h"

/*
 * t-io: the line reader and the buffered writer (io.h).
 *
 * Inputs go through regular files and through pipes fed by a child in
 * pieces of various sizes (one byte at a time with pauses, odd sizes, one
 * big write), and every way of reading must give the same transcript of
 * lines and bad lines.  The writer is checked for integrity, for writing in
 * big pieces (counted exactly through a SOCK_SEQPACKET socket, where every
 * write(2) is one message), for flushing while the input is idle, and for
 * ending quietly with status 0 on EPIPE.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "sig.h"
#include "util.h"
#include "../tap.h"

/* A growable string for transcripts. */
struct str {
	char *p;
	size_t len, cap;
};

static void s_add(struct str *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t c = s->cap ? s->cap : 256;
		while (c < s->len + n + 1)
			c *= 2;
		char *q = realloc(s->p, c);
		if (!q)
			abort();
		s->p = q;
		s->cap = c;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void s_printf(struct str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_printf(struct str *s, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	s_add(s, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void writeall(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			_exit(99);
		p += k;
		n -= (size_t)k;
	}
}

/*
 * Transcript of reading everything: "N:text" for a line (long lines are
 * shown as "N:<len bytes, sum S>"), "N!why" for a bad one, "EOF" at the end.
 */
static void transcript(struct arb_reader *r, struct str *out)
{
	char *line;
	size_t len;
	int st;

	while ((st = arb_reader_next(r, &line, &len)) > 0) {
		if (st == ARB_RD_BAD) {
			s_printf(out, "%llu!%s\n", (unsigned long long)r->lineno, r->why);
			continue;
		}
		if (line[len] != '\0')
			s_printf(out, "not NUL-terminated\n");
		if (len > 64) {
			unsigned long sum = 0;
			for (size_t i = 0; i < len; i++)
				sum = sum * 31 + (unsigned char)line[i];
			s_printf(out, "%llu:<%zu bytes, sum %lu>\n", (unsigned long long)r->lineno, len, sum);
		} else {
			s_printf(out, "%llu:", (unsigned long long)r->lineno);
			s_add(out, line, len);
			s_add(out, "\n", 1);
		}
	}
	s_add(out, st == ARB_RD_EOF ? "EOF" : "ERR", 3);
}

enum feed { F_FILE, F_PIPE_ALL, F_PIPE_ODD, F_PIPE_BYTES };
static const char *feed_name[] = { "file", "pipe, one write", "pipe, odd pieces", "pipe, bytes with pauses" };

/* Reads in through the given feed with maxline and returns the transcript. */
static char *read_via(const char *in, size_t n, size_t maxline, enum feed how)
{
	struct arb_reader r;
	struct str out = { 0 };
	int fd;
	pid_t pid = -1;

	if (how == F_FILE) {
		char path[] = "/tmp/t-io.XXXXXX";
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		unlink(path);
		writeall(fd, in, n);
		lseek(fd, 0, SEEK_SET);
	} else {
		int p[2];
		if (pipe(p) < 0)
			abort();
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			if (how == F_PIPE_ALL) {
				writeall(p[1], in, n);
			} else if (how == F_PIPE_ODD) {
				static const size_t sizes[] = { 1, 7, 4093, 3, 65537, 250, 262143, 2 };
				size_t off = 0;
				for (unsigned k = 0; off < n; k++) {
					size_t m = sizes[k % 8];
					if (m > n - off)
						m = n - off;
					writeall(p[1], in + off, m);
					off += m;
				}
			} else {
				for (size_t off = 0; off < n; off++) {
					writeall(p[1], in + off, 1);
					if (off % 16 == 0)
						usleep(200);
				}
			}
			_exit(0);
		}
		close(p[1]);
		fd = p[0];
	}
	arb_reader_init(&r, fd, "test");
	r.maxline = maxline;
	transcript(&r, &out);
	arb_reader_free(&r);
	close(fd);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return out.p;
}

/* Checks that every feed gives want. */
static void reads_as(const char *in, size_t n, size_t maxline, const char *want, const char *name)
{
	for (enum feed f = F_FILE; f <= F_PIPE_BYTES; f++) {
		if (f == F_PIPE_BYTES && n > 4096)
			continue;  /* byte by byte is for the short inputs */
		char *got = read_via(in, n, maxline, f);
		is_str(got, want, "%s (%s)", name, feed_name[f]);
		free(got);
	}
}
#define READS_AS(lit, maxline, want, name) reads_as(lit, sizeof lit - 1, maxline, want, name)

static void test_utf8(void)
{
	static const struct { const char *s; const char *why; } cases[] = {
		{ "plain ascii", NULL },
		{ "", NULL },
		{ "\x7f", NULL },
		{ "\xc2\x80 \xdf\xbf", NULL },                   /* U+0080, U+07FF */
		{ "\xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xef\xbf\xbf", NULL },  /* U+0800 U+D7FF U+E000 U+FFFF */
		{ "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf", NULL },   /* U+10000, U+10FFFF */
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80", NULL },
		{ "\x80", "unexpected continuation byte" },
		{ "a\xbf", "unexpected continuation byte" },
		{ "\xc0\xaf", "overlong encoding" },
		{ "\xc1\xbf", "overlong encoding" },
		{ "\xe0\x80\xaf", "overlong encoding" },
		{ "\xe0\x9f\xbf", "overlong encoding" },
		{ "\xf0\x80\x80\xaf", "overlong encoding" },
		{ "\xf0\x8f\xbf\xbf", "overlong encoding" },
		{ "\xed\xa0\x80", "surrogate code point (U+D800..U+DFFF)" },
		{ "\xed\xbf\xbf", "surrogate code point (U+D800..U+DFFF)" },
		{ "\xf4\x90\x80\x80", "code point above U+10FFFF" },
		{ "\xf5\x80\x80\x80", "code point above U+10FFFF" },
		{ "\xf7\xbf\xbf\xbf", "code point above U+10FFFF" },
		{ "\xf8\x88\x80\x80\x80", "invalid byte" },
		{ "\xff", "invalid byte" },
		{ "\xc3", "truncated sequence" },
		{ "\xc3x", "truncated sequence" },
		{ "\xe2\x82", "truncated sequence" },
		{ "\xe2\x82x", "truncated sequence" },
		{ "\xf0\x9f\x9a", "truncated sequence" },
		{ "\xf0\x9f", "truncated sequence" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *s = cases[i].s;
		is_str(arb_utf8_check(s, strlen(s)), cases[i].why, "utf8 case %zu", i);
	}
	/* NUL is valid UTF-8 (the reader rejects it separately). */
	ok(arb_utf8_check("a\0b", 3) == NULL, "utf8: NUL is valid UTF-8");

	/* The same errors past the fast path, at every offset near a word
	 * boundary, and a multi-byte character straddling one. */
	char buf[128];
	int bad = 0;
	for (size_t off = 0; off < 40; off++) {
		memset(buf, 'x', sizeof buf);
		memcpy(buf + off, "\xed\xa0\x80", 3);
		if (!arb_utf8_check(buf, 64) || strcmp(arb_utf8_check(buf, 64), "surrogate code point (U+D800..U+DFFF)"))
			bad++;
		memset(buf, 'x', sizeof buf);
		memcpy(buf + off, "\xf0\x9f\x9a\x80", 4);
		if (arb_utf8_check(buf, 64) != NULL)
			bad++;
		/* Cut off by the end of the buffer. */
		if (arb_utf8_check(buf, off + 3) == NULL)
			bad++;
	}
	is_int(bad, 0, "utf8: errors found at every offset, valid sequences accepted at every offset");
	memset(buf, 'x', sizeof buf);
	buf[100] = '\x80';
	ok(arb_utf8_check(buf, 100) == NULL && arb_utf8_check(buf, 101) != NULL, "utf8: length is respected");

	/* A stray byte at every offset of lines of every length up to 260:
	 * the 64-byte blocks (SSE2), the last 64 bytes read at once, the
	 * words after them */
	char big[260];
	bad = 0;
	for (size_t len = 1; len <= sizeof big; len++) {
		memset(big, 'x', sizeof big);
		if (arb_utf8_check(big, len) != NULL)
			bad++;
		for (size_t k = 0; k < len; k++) {
			const char *why;
			big[k] = '\x80';
			why = arb_utf8_check(big, len);
			if (why == NULL || strcmp(why, "unexpected continuation byte") != 0)
				bad++;
			big[k] = '\xc3';   /* cut short when last, else followed by 'x' */
			if (arb_utf8_check(big, len) == NULL)
				bad++;
			big[k] = 'x';
		}
	}
	is_int(bad, 0, "utf8: a bad byte found at every offset of every length up to 260");
}

static void test_lines(void)
{
	READS_AS("", 100, "EOF", "empty input");
	READS_AS("a\nbb\n\nccc\n", 100, "1:a\n2:bb\n3:\n4:ccc\nEOF", "simple lines, an empty line");
	READS_AS("\n\n\n", 100, "1:\n2:\n3:\nEOF", "only empty lines");
	READS_AS("a\nlast", 100, "1:a\n2:last\nEOF", "final line without newline");
	READS_AS("a\r\nb\r\n\r\nc\rd\r\n", 100, "1:a\n2:b\n3:\n4:c\rd\nEOF", "CRLF: one CR before LF stripped");
	READS_AS("a\r\r\n", 100, "1:a\r\nEOF", "CRLF: only one CR stripped");
	/* as if the newline followed: a filter passing it through must not
	 * write CR LF (fuzz-detect) */
	READS_AS("a\nlast\r", 100, "1:a\n2:last\nEOF", "final line without newline: its CR stripped");
	READS_AS("a\r\r", 100, "1:a\r\nEOF", "final line: only one CR stripped");
	READS_AS("\r", 100, "1:\nEOF", "a final CR alone is an empty line");
	READS_AS("x\n{\"a\":\0}\nok\n", 100, "1:x\n2!NUL byte at column 6\n3:ok\nEOF", "NUL byte rejected with its column");
	READS_AS("\0\n", 100, "1!NUL byte at column 1\nEOF", "NUL as the whole line");
	READS_AS("ok\n\xc0\xaf\n", 100, "1:ok\n2!invalid UTF-8 at column 1: overlong encoding\nEOF", "overlong rejected");
	READS_AS("ab\xed\xa0\x80\nnext\n", 100, "1!invalid UTF-8 at column 3: surrogate code point (U+D800..U+DFFF)\n2:next\nEOF", "surrogate rejected");
	READS_AS("\"\xf4\x90\x80\x80\"\n", 100, "1!invalid UTF-8 at column 2: code point above U+10FFFF\nEOF", "above U+10FFFF rejected");
	READS_AS("abc\xe2\x82\n", 100, "1!invalid UTF-8 at column 4: truncated sequence\nEOF", "truncated sequence rejected");
	READS_AS("abc\xe2\x82", 100, "1!invalid UTF-8 at column 4: truncated sequence\nEOF", "truncated sequence at the end of input");
	READS_AS("\x80\n", 100, "1!invalid UTF-8 at column 1: unexpected continuation byte\nEOF", "lone continuation byte rejected");
	READS_AS("caf\xc3\xa9\n", 100, "1:caf\xc3\xa9\nEOF", "valid UTF-8 accepted");

	/* Maximum length 10: exactly 10 is fine, 11 is not, with or
	 * without CR, ending with a newline or the input. */
	READS_AS("0123456789\n01234567890\nx\n", 10,
	    "1:0123456789\n2!line too long (11 bytes > max 10)\n3:x\nEOF", "max and max+1");
	READS_AS("0123456789\r\n01234567890\r\nx\r\n", 10,
	    "1:0123456789\n2!line too long (11 bytes > max 10)\n3:x\nEOF", "max and max+1 with CRLF");
	READS_AS("0123456789", 10, "1:0123456789\nEOF", "max at the end of input");
	READS_AS("0123456789\r", 10, "1:0123456789\nEOF", "max and a CR at the end of input");
	READS_AS("a\n01234567890123456789\r", 10, "1:a\n2!line too long (20 bytes > max 10)\nEOF",
	    "a long final line: its CR not counted");
	READS_AS("01234567890", 10, "1!line too long (11 bytes > max 10)\nEOF", "max+1 at the end of input");
	READS_AS("a\n0123456789012345678901234567890123456789\nb\n", 10,
	    "1:a\n2!line too long (40 bytes > max 10)\n3:b\nEOF", "a much longer line skipped, neighbours kept");
	READS_AS("a\n0123456789012345678901234567890123456789\r\nb\n", 10,
	    "1:a\n2!line too long (40 bytes > max 10)\n3:b\nEOF", "a much longer CRLF line skipped");
	READS_AS("0123456789012345678901234567890123456789", 10,
	    "1!line too long (40 bytes > max 10)\nEOF", "a long final line without newline");
	READS_AS("0123456789\n\n", 10, "1:0123456789\n2:\nEOF", "max then empty line");
}

/* Big inputs: lines across the 256 KiB blocks, lines longer than a block,
 * exactly the default maximum (1 MiB) and one more. */
static void test_blocks(void)
{
	size_t M = ARB_LINE_MAX_DEFAULT;
	size_t n = 0, cap = 8 * M;
	char *in = malloc(cap);
	struct str want = { 0 };
	unsigned line = 0;

	/* Short lines up to just before the first block boundary, then one
	 * that straddles it. */
	while (n < 256 * 1024 - 30) {
		memcpy(in + n, "0123456789abcdef\n", 17);
		n += 17;
		s_printf(&want, "%u:0123456789abcdef\n", ++line);
	}
	memset(in + n, 'q', 60);
	n += 60;
	in[n++] = '\n';
	s_printf(&want, "%u:", ++line);
	for (int i = 0; i < 60; i++)
		s_add(&want, "q", 1);
	s_add(&want, "\n", 1);

	/* Lines of 600 KiB, exactly M, M with CRLF, M+1, 3 MiB: sums
	 * computed as transcript() does. */
	size_t lens[] = { 600 * 1024, M, M, M + 1, 3 * M, 5 };
	int crlf[] = { 0, 0, 1, 0, 1, 0 };
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		unsigned long sum = 0;
		for (size_t i = 0; i < lens[k]; i++) {
			char c = (char)('a' + (i * 7 + k) % 26);
			in[n++] = c;
			sum = sum * 31 + (unsigned char)c;
		}
		if (crlf[k])
			in[n++] = '\r';
		in[n++] = '\n';
		line++;
		if (lens[k] > M)
			s_printf(&want, "%u!line too long (%zu bytes > max %zu)\n", line, lens[k], M);
		else if (lens[k] > 64)
			s_printf(&want, "%u:<%zu bytes, sum %lu>\n", line, lens[k], sum);
		else {
			s_printf(&want, "%u:", line);
			s_add(&want, in + n - lens[k] - 1, lens[k]);
			s_add(&want, "\n", 1);
		}
	}
	memcpy(in + n, "tail", 4);
	n += 4;
	s_printf(&want, "%u:tail\nEOF", ++line);
	reads_as(in, n, M, want.p, "big lines across blocks");
	free(want.p);
	free(in);
}

/* Random lines in random pieces, compared with what was written. */
static void test_random(void)
{
	unsigned long long seed = 42;
#define RND() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, (unsigned)(seed >> 33))
	struct str in = { 0 }, want = { 0 };
	for (unsigned line = 1; line <= 20000; line++) {
		unsigned len = RND() % 8 == 0 ? RND() % 3000 : RND() % 120;
		char tmp[3000];
		for (unsigned i = 0; i < len; i++)
			tmp[i] = (char)(' ' + RND() % 94);
		s_add(&in, tmp, len);
		if (RND() % 4 == 0)
			s_add(&in, "\r\n", 2);  /* the CR is stripped */
		else
			s_add(&in, "\n", 1);
		if (len > 64) {
			unsigned long sum = 0;
			for (unsigned i = 0; i < len; i++)
				sum = sum * 31 + (unsigned char)tmp[i];
			s_printf(&want, "%u:<%u bytes, sum %lu>\n", line, len, sum);
		} else {
			s_printf(&want, "%u:", line);
			s_add(&want, tmp, len);
			s_add(&want, "\n", 1);
		}
	}
	s_add(&want, "EOF", 3);
	reads_as(in.p, in.len, ARB_LINE_MAX_DEFAULT, want.p, "20000 random lines");
	free(in.p);
	free(want.p);
}

/*
 * Start of the first ill-formed sequence, by decoding each sequence whole
 * (written apart from io.c); -1 when valid.  Any correct validator finds
 * the same start, whatever it calls the error.
 */
static long first_bad(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i], need;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc0 && c < 0xe0) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c < 0xf0) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c < 0xf8) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return (long)i;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (long)i;
		i += need + 1;
	}
	return -1;
}

/* The expected transcript entry for one line, from first principles. */
static void expect_line(struct str *want, unsigned lineno, const char *line, size_t len, size_t max)
{
	const char *nul = memchr(line, '\0', len);
	long bad = first_bad((const unsigned char *)line, len);
	if (len > max) {
		s_printf(want, "%u!line too long (%zu bytes > max %zu)\n", lineno, len, max);
	} else if (nul && (bad < 0 || nul - line < bad)) {
		s_printf(want, "%u!NUL byte at column %zu\n", lineno, (size_t)(nul - line) + 1);
	} else if (bad >= 0) {
		s_printf(want, "%u!invalid UTF-8 at column %ld: %s\n", lineno, bad + 1,
		    arb_utf8_check(line, len));
	} else if (len > 64) {
		unsigned long sum = 0;
		for (size_t i = 0; i < len; i++)
			sum = sum * 31 + (unsigned char)line[i];
		s_printf(want, "%u:<%zu bytes, sum %lu>\n", lineno, len, sum);
	} else {
		s_printf(want, "%u:", lineno);
		s_add(want, line, len);
		s_add(want, "\n", 1);
	}
}

/* Random hostile bytes (CR, NUL, good and bad UTF-8, lines around the
 * maximum) in pieces of 1 to 7 bytes and more: the transcript must match
 * the one worked out line by line. */
static void test_hostile(void)
{
	static const char *tokens[] = {
		"a", "b", "{", "\"", "\r", "\0", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80",
		"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xff", "\xf5",
	};
	static const size_t toklen[] = { 1, 1, 1, 1, 1, 1, 2, 3, 4, 1, 2, 3, 4, 2, 1, 1 };
	unsigned long long seed = 7;
	const size_t max = 40;
	struct str in = { 0 }, want = { 0 };
	for (unsigned line = 1; line <= 4000; line++) {
		struct str l = { 0 };
		unsigned kind = RND() % 10;
		size_t target = kind == 0 ? 41 + RND() % 300 : kind == 1 ? 38 + RND() % 5 : RND() % 40;
		s_add(&l, "", 0);
		while (l.len < target) {
			/* Mostly plain letters, sometimes something nasty. */
			unsigned t = RND() % 64 < 56 ? RND() % 2 : RND() % 16;
			s_add(&l, tokens[t], toklen[t]);
		}
		s_add(&in, l.p, l.len);
		int last = line == 4000;
		int crlf = RND() % 3 == 0;
		size_t len = l.len;
		int nl = !last || RND() % 2 || l.len == 0;
		if (nl) {
			s_add(&in, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
			if (crlf) {
				/* the CR goes, so the line is as built */
			} else if (len > 0 && l.p[len - 1] == '\r') {
				len--;  /* a CR the line happened to end with */
			}
		} else if (len > 0 && l.p[len - 1] == '\r') {
			len--;  /* the final line's CR goes too */
		}
		expect_line(&want, line, l.p, len, max);
		free(l.p);
	}
	s_add(&want, "EOF", 3);
	for (enum feed f = F_FILE; f <= F_PIPE_ODD; f++) {
		char *got = read_via(in.p, in.len, max, f);
		is_str(got, want.p, "hostile input, max %zu (%s)", max, feed_name[f]);
		free(got);
	}
	free(in.p);
	free(want.p);
}

/* One bad byte (NUL, a stray continuation byte, 0xff, a cut sequence) at
 * every offset of lines of 1 to 100 bytes, and lines without one: the
 * word-at-a-time check and its tail must find each at its column. */
static void test_every_offset(void)
{
	static const char bad[] = { '\0', '\x80', '\xff', '\xc3' };
	struct str in = { 0 }, want = { 0 };
	unsigned lineno = 0;
	char l[128];

	for (size_t len = 1; len <= 100; len++) {
		memset(l, 'a', len);
		s_add(&in, l, len);
		s_add(&in, "\n", 1);
		expect_line(&want, ++lineno, l, len, 200);
		for (size_t off = 0; off < len; off++)
			for (size_t b = 0; b < sizeof bad; b++) {
				memset(l, 'a', len);
				l[off] = bad[b];
				s_add(&in, l, len);
				s_add(&in, "\n", 1);
				expect_line(&want, ++lineno, l, len, 200);
			}
	}
	s_add(&want, "EOF", 3);
	char *got = read_via(in.p, in.len, 200, F_FILE);
	is_str(got, want.p, "a bad byte at every offset of lines of 1 to 100 bytes");
	free(got);
	free(in.p);
	free(want.p);
}

static int idle_calls;
static int count_idle(void *arg)
{
	(void)arg;
	idle_calls++;
	return 0;
}

/*
 * A stage (reader -> writer copy) over pipes; the parent is the upstream
 * that pauses after a record: the record must come out during the pause.
 */
static void test_idle_flush(void)
{
	int in[2], out[2];
	if (pipe(in) < 0 || pipe(out) < 0)
		abort();
	pid_t pid = fork();
	if (pid == 0) {
		struct arb_reader r;
		struct arb_writer w;
		char *line;
		size_t len;
		close(in[1]);
		close(out[0]);
		arb_reader_init(&r, in[0], "stdin");
		arb_writer_init(&w, out[1]);
		r.flush_on_block = &w;
		r.idle = count_idle;
		while (arb_reader_next(&r, &line, &len) == ARB_RD_LINE)
			arb_writer_line(&w, line, len);
		if (arb_writer_flush(&w) < 0)
			_exit(1);
		_exit(idle_calls > 0 ? 0 : 3);
	}
	close(in[0]);
	close(out[1]);
	writeall(in[1], "{\"type\":\"a\"}\n{\"type\":\"b\"}\n", 26);
	/* The upstream now pauses (keeps the pipe open and writes nothing). */
	char buf[256];
	size_t got = 0;
	struct pollfd p = { .fd = out[0], .events = POLLIN };
	while (got < 26 && poll(&p, 1, 5000) == 1) {
		ssize_t k = read(out[0], buf + got, sizeof buf - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	buf[got] = '\0';
	is_str(buf, "{\"type\":\"a\"}\n{\"type\":\"b\"}\n", "idle: records come out while the input pauses");
	writeall(in[1], "{\"type\":\"c\"}\n", 13);
	close(in[1]);
	got = 0;
	ssize_t k;
	while ((k = read(out[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = '\0';
	is_str(buf, "{\"type\":\"c\"}\n", "idle: the rest at the end");
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "idle: stage exits 0 and called its idle hook");
	close(out[0]);
}

/* Record i, distinct for every i (formatted by hand: this runs 2e6 times,
 * also under valgrind). */
static void make_record(char *buf, size_t *n, unsigned i)
{
	static const char head[] = "{\"type\":\"trade\",\"ts\":";
	static const char *tails[] = {
		",\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"px\":43250.1}\n",
		",\"ex\":\"kraken\",\"sym\":\"ETH/USD\",\"px\":2250.25,\"qty\":0.5}\n",
		",\"ex\":\"okx\",\"sym\":\"SOL/USDT\"}\n",
	};
	char digits[16];
	int nd = 0;
	unsigned long long v = 1700000000000000ull + i;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *p = buf;
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	while (nd > 0)
		*p++ = digits[--nd];
	const char *t = tails[i % 3];
	size_t tl = strlen(t);
	memcpy(p, t, tl);
	*n = (size_t)(p - buf) + tl;
}

/* One million records through a SOCK_SEQPACKET socket, where each write(2)
 * arrives as one message: exact data, and few, big writes. */
static void test_writer_bulk(void)
{
	enum { N = 1000000 };
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
		ok(0, "socketpair: %s", strerror(errno));
		return;
	}
	int sz = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	pid_t pid = fork();
	if (pid == 0) {
		struct arb_writer w;
		char rec[128];
		size_t n;
		close(sv[1]);
		arb_writer_init(&w, sv[0]);
		for (unsigned i = 0; i < N; i++) {
			make_record(rec, &n, i);
			if (i % 2)
				arb_writer_put(&w, rec, n);
			else
				arb_writer_line(&w, rec, n - 1);
		}
		if (arb_writer_flush(&w) < 0 || w.records != N)
			_exit(1);
		arb_writer_free(&w);
		_exit(0);
	}
	close(sv[0]);
	char *msg = malloc(1 << 20);
	char *want = malloc(1 << 20);
	size_t wlen = 0, woff = 0, msgs = 0, small = 0, bytes = 0;
	unsigned next = 0;
	int mismatch = 0;
	ssize_t k;
	while ((k = recv(sv[1], msg, 1 << 20, 0)) > 0) {
		msgs++;
		bytes += (size_t)k;
		if ((size_t)k < 64 * 1024)
			small++;
		/* Compare against the records regenerated on the fly. */
		for (size_t i = 0; i < (size_t)k && !mismatch;) {
			if (woff == wlen) {
				if (next >= N) {
					mismatch = 1;
					break;
				}
				make_record(want, &wlen, next++);
				woff = 0;
			}
			size_t m = wlen - woff < (size_t)k - i ? wlen - woff : (size_t)k - i;
			if (memcmp(msg + i, want + woff, m) != 0)
				mismatch = 1;
			i += m;
			woff += m;
		}
	}
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer: 1e6 records written and counted");
	ok(!mismatch && next == N && woff == wlen, "writer: data intact (%zu bytes)", bytes);
	ok(msgs < N / 500, "writer: %zu write(2) calls for %d records", msgs, N);
	ok(small <= 1, "writer: only the last write is under 64 KiB (%zu small)", small);
	free(msg);
	free(want);
	close(sv[1]);
}

/* Records bigger than the buffer go straight through, in order; empty
 * lines; the record count. */
static void test_writer_misc(void)
{
	char path[] = "/tmp/t-io-w.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	unlink(path);
	size_t big = 300 * 1024;
	char *huge = malloc(big);
	for (size_t i = 0; i < big; i++)
		huge[i] = (char)('a' + i % 26);
	struct arb_writer w;
	arb_writer_init(&w, fd);
	arb_writer_line(&w, "first", 5);
	arb_writer_line(&w, "", 0);
	arb_writer_line(&w, huge, big);
	arb_writer_put(&w, "put\n", 4);
	arb_writer_put(&w, huge, big);
	arb_writer_line(&w, "last", 4);
	is_int(w.records, 6, "writer: records counted");
	is_int(arb_writer_flush(&w), 0, "writer: flush");
	is_int(w.len, 0, "writer: nothing pending after flush");
	is_int(arb_writer_flush(&w), 0, "writer: flush with nothing pending");
	struct str want = { 0 };
	s_add(&want, "first\n\n", 7);
	s_add(&want, huge, big);
	s_add(&want, "\nput\n", 5);
	s_add(&want, huge, big);
	s_add(&want, "last\n", 5);
	char *got = malloc(want.len + 1);
	ssize_t k = pread(fd, got, want.len + 1, 0);
	ok(k == (ssize_t)want.len && memcmp(got, want.p, want.len) == 0,
	    "writer: records larger than the buffer written through, in order");
	arb_writer_free(&w);
	close(fd);
	free(got);
	free(want.p);
	free(huge);
}

static int atexit_fd = -1;
static struct arb_writer atexit_w;
static void flush_at_exit(void)
{
	arb_writer_line(&atexit_w, "again", 5);
	arb_writer_flush(&atexit_w);
}

/* EPIPE while an atexit handler flushes too: still a clean exit 0. */
static void epipe_atexit(void)
{
	int p[2];
	signal(SIGPIPE, SIG_IGN);
	if (pipe(p) < 0)
		_exit(40);
	close(p[0]);
	atexit_fd = p[1];
	arb_writer_init(&atexit_w, atexit_fd);
	atexit(flush_at_exit);
	arb_writer_line(&atexit_w, "x", 1);
	arb_writer_flush(&atexit_w);
	_exit(41);
}

/* Runs fn in a child with stderr to a file; returns the status and the
 * captured stderr. */
static int in_child(void (*fn)(void), char *err, size_t errlen)
{
	char path[] = "/tmp/t-io-err.XXXXXX";
	int efd = mkstemp(path);
	if (efd < 0)
		abort();
	unlink(path);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(efd, 2);
		fn();
		_exit(42);
	}
	int status;
	waitpid(pid, &status, 0);
	ssize_t k = pread(efd, err, errlen - 1, 0);
	err[k > 0 ? k : 0] = '\0';
	close(efd);
	return status;
}

static void epipe_small(void)
{
	int p[2];
	struct arb_writer w;
	signal(SIGPIPE, SIG_IGN);  /* as arb_sig_setup does */
	if (pipe(p) < 0)
		_exit(40);
	close(p[0]);
	arb_writer_init(&w, p[1]);
	arb_writer_line(&w, "x", 1);
	arb_writer_flush(&w);
	_exit(41);
}

static void epipe_load(void)
{
	int p[2];
	struct arb_writer w;
	signal(SIGPIPE, SIG_IGN);
	if (pipe(p) < 0)
		_exit(40);
	pid_t pid = fork();
	if (pid == 0) {
		/* A downstream `head -c 100000`. */
		char buf[4096];
		size_t got = 0;
		close(p[1]);
		while (got < 100000) {
			ssize_t k = read(p[0], buf, sizeof buf);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		_exit(0);
	}
	close(p[0]);
	arb_writer_init(&w, p[1]);
	for (unsigned i = 0; i < 10000000; i++)
		arb_writer_line(&w, "{\"type\":\"status\",\"state\":\"synced\"}", 35);
	arb_writer_flush(&w);
	_exit(41);
}

static void full_disk(void)
{
	struct arb_writer w;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		_exit(43);
	arb_writer_init(&w, fd);
	arb_writer_line(&w, "x", 1);
	int rc = arb_writer_flush(&w);
	_exit(rc == -1 && w.err == ENOSPC ? 7 : 8);
}

static void test_writer_errors(void)
{
	char err[1024];
	int st = in_child(epipe_small, err, sizeof err);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "EPIPE: exit status 0");
	is_str(err, "", "EPIPE: nothing on stderr");
	st = in_child(epipe_atexit, err, sizeof err);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "EPIPE with a flushing atexit handler: exit status 0");
	st = in_child(epipe_load, err, sizeof err);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "EPIPE under load (downstream head): exit status 0");
	is_str(err, "", "EPIPE under load: nothing on stderr");
	if (access("/dev/full", W_OK) == 0) {
		st = in_child(full_disk, err, sizeof err);
		ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "ENOSPC: flush returns -1 with err set");
	}
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}
static void on_alarm_stop(int sig)
{
	(void)sig;
	arb_sig_stop = 1;
}

/* A signal during a blocking read: retried; with a stop request: EOF. */
static void test_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };  /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	int p[2];
	if (pipe(p) < 0)
		abort();
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(300000);
		writeall(p[1], "late\n", 5);
		_exit(0);
	}
	close(p[1]);
	struct itimerval it = { .it_value = { 0, 20000 }, .it_interval = { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct arb_reader r;
	char *line;
	size_t len;
	arb_reader_init(&r, p[0], "pipe");
	int st = arb_reader_next(&r, &line, &len);
	is_int(st, ARB_RD_LINE, "EINTR: read retried");
	ok(st == ARB_RD_LINE && strcmp(line, "late") == 0, "EINTR: line intact");
	ok(alarms > 0, "EINTR: signals were delivered during the read (%d)", (int)alarms);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	is_int(arb_reader_next(&r, &line, &len), ARB_RD_EOF, "EINTR: then EOF");
	arb_reader_free(&r);
	close(p[0]);
	waitpid(pid, NULL, 0);

	/* Stop requested while blocked on an idle pipe. */
	sa.sa_handler = on_alarm_stop;
	sigaction(SIGALRM, &sa, NULL);
	if (pipe(p) < 0)
		abort();
	writeall(p[1], "first\npartial", 13);
	arb_reader_init(&r, p[0], "pipe");
	st = arb_reader_next(&r, &line, &len);
	ok(st == ARB_RD_LINE && strcmp(line, "first") == 0, "stop: lines before the stop come through");
	struct itimerval once = { .it_value = { 0, 50000 } };
	setitimer(ITIMER_REAL, &once, NULL);
	is_int(arb_reader_next(&r, &line, &len), ARB_RD_EOF, "stop: blocked read returns EOF on arb_sig_stop");
	arb_sig_stop = 0;
	arb_reader_free(&r);
	close(p[0]);
	close(p[1]);
	signal(SIGALRM, SIG_DFL);
}

static int idle_ret;
static int idle_return(void *arg)
{
	(void)arg;
	errno = EPROTO;
	return idle_ret;
}

/* The idle hook's verdicts, a failing flush before a blocking read, and a
 * non-blocking input descriptor. */
static void test_idle_hook(void)
{
	struct arb_reader r;
	char *line;
	size_t len;
	int p[2];

	if (pipe(p) < 0)
		abort();
	writeall(p[1], "one\n", 4);
	arb_reader_init(&r, p[0], "pipe");
	r.idle = idle_return;
	idle_ret = 1;
	ok(arb_reader_next(&r, &line, &len) == ARB_RD_LINE && strcmp(line, "one") == 0, "idle: data first");
	is_int(arb_reader_next(&r, &line, &len), ARB_RD_EOF, "idle returning > 0 ends input");
	idle_ret = -1;
	errno = 0;
	is_int(arb_reader_next(&r, &line, &len), ARB_RD_ERR, "idle returning < 0: ARB_RD_ERR");
	is_int(errno, EPROTO, "idle returning < 0: the hook's errno");
	arb_reader_free(&r);

	/* The paired writer cannot write: ARB_RD_ERR, with w.err set. */
	int full = open("/dev/full", O_WRONLY);
	if (full >= 0) {
		struct arb_writer w;
		arb_writer_init(&w, full);
		arb_writer_line(&w, "pending", 7);
		arb_reader_init(&r, p[0], "pipe");
		r.flush_on_block = &w;
		is_int(arb_reader_next(&r, &line, &len), ARB_RD_ERR, "failing flush before a blocking read: ARB_RD_ERR");
		is_int(w.err, ENOSPC, "failing flush: w.err says why");
		arb_reader_free(&r);
		arb_writer_free(&w);
		close(full);
	}
	close(p[0]);
	close(p[1]);

	/* O_NONBLOCK input: waits like a blocking read. */
	if (pipe(p) < 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(100000);
		writeall(p[1], "slow\n", 5);
		_exit(0);
	}
	close(p[1]);
	arb_reader_init(&r, p[0], "pipe");
	int st = arb_reader_next(&r, &line, &len);
	ok(st == ARB_RD_LINE && strcmp(line, "slow") == 0, "non-blocking input: waits for the line");
	is_int(arb_reader_next(&r, &line, &len), ARB_RD_EOF, "non-blocking input: then EOF");
	arb_reader_free(&r);
	close(p[0]);
	waitpid(pid, NULL, 0);
}

/* A read error is reported as ARB_RD_ERR with errno. */
static void test_read_error(void)
{
	struct arb_reader r;
	char *line;
	size_t len;
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	arb_reader_init(&r, fd, ".");
	errno = 0;
	int st = arb_reader_next(&r, &line, &len);
	is_int(st, ARB_RD_ERR, "read error: ARB_RD_ERR");
	is_int(errno, EISDIR, "read error: errno EISDIR");
	arb_reader_free(&r);
	close(fd);
}

/* arb_pipe_grow: a pipe grows to 1 MiB (or as far as allowed), still
 * carries data; a file is left alone. */
static void test_pipe_grow(void)
{
#ifdef F_SETPIPE_SZ
	int p[2], before, after, fd;
	char buf[8];
	char path[] = "/tmp/t-io-grow.XXXXXX";

	if (pipe(p) < 0) {
		ok(0, "pipe_grow: pipe");
		return;
	}
	before = fcntl(p[1], F_GETPIPE_SZ);
	arb_pipe_grow(p[1]);
	after = fcntl(p[0], F_GETPIPE_SZ);
	ok(after >= before, "pipe_grow: never smaller (%d -> %d)", before, after);
	if (geteuid() == 0)
		is_int(after, 1 << 20, "pipe_grow: 1 MiB (root is allowed)");
	arb_pipe_grow(p[1]);
	is_int(fcntl(p[1], F_GETPIPE_SZ), after, "pipe_grow: a second call changes nothing");
	ok(write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof buf) == 3 && !memcmp(buf, "abc", 3),
	    "pipe_grow: the pipe still carries data");
	close(p[0]);
	close(p[1]);
	fd = mkstemp(path);
	arb_pipe_grow(fd);
	ok(fd >= 0 && fcntl(fd, F_GETPIPE_SZ) < 0, "pipe_grow: a file is not a pipe, left alone");
	if (fd >= 0)
		close(fd);
	unlink(path);
#else
	ok(1, "pipe_grow: no F_SETPIPE_SZ here (nothing to do) # SKIP");
#endif
}

int main(void)
{
	test_pipe_grow();
	test_utf8();
	test_lines();
	test_blocks();
	test_random();
	test_hostile();
	test_every_offset();
	test_idle_flush();
	test_writer_bulk();
	test_writer_misc();
	test_writer_errors();
	test_eintr();
	test_idle_hook();
	test_read_error();
	return done_testing();
}
