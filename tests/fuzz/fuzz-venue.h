/*
 * fuzz-venue.h: the body of every fuzz-venue-VENUE.c target, which
 * defines, before including it:
 *   FUZZ_VENUE_OPS       the venue's struct arb_venue_ops
 *   FUZZ_VENUE_NAME      "fuzz-venue-VENUE"
 *   FUZZ_VENUE_BOOK_URL  the REST URL of a book snapshot ("R <body>" lines)
 *   FUZZ_VENUE_META_URL  the REST URL of the metadata ("M <body>" lines)
 *   FUZZ_VENUE_WS_URL    the WebSocket URL of frames and of "O" (opened)
 * An input is a sequence of lines, so that snapshots, updates and gaps
 * follow each other: "R <body>" is a book snapshot body, "M <body>" a
 * metadata body, "O" a connection opened, anything else a WebSocket frame.
 * A fresh feed per input keeps crashes reproducible.
 *
 * Every input runs twice, with the fast path of lib/venue/scan.h and with
 * the JSON tokenizer only (arb_venue_scan = 0): the records written and
 * the errors must be the same, or the target aborts.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "feed.h"
#include "io.h"
#include "log.h"
#include "venue/venue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run over the input; records into fd, errors into errs. */
static void run(const uint8_t *data, size_t size, int fd, struct arb_buf *errs)
{
	const struct arb_venue_ops *ops = &FUZZ_VENUE_OPS;
	const char *p = (const char *)data, *e = p + size;
	struct arb_writer w;
	struct arb_feed f;
	struct arb_venue *v;
	int64_t rt = 1600000000000000;

	arb_writer_init(&w, fd);
	arb_feed_init(&f, &w, 10);
	f.trades = 1;
	f.replay = 1;
	v = arb_feed_venue(&f, ops);
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		int rc = 0;

		rt += 1000;
		v->why[0] = 0;
		if (n >= 2 && p[0] == 'R' && p[1] == ' ')
			rc = ops->rest(v, FUZZ_VENUE_BOOK_URL, p + 2, n - 2, rt);
		else if (n >= 2 && p[0] == 'M' && p[1] == ' ')
			rc = ops->rest(v, FUZZ_VENUE_META_URL, p + 2, n - 2, rt);
		else if (n == 1 && p[0] == 'O') {
			if (ops->opened)
				ops->opened(v, FUZZ_VENUE_WS_URL, rt);
		} else
			rc = ops->frame(v, FUZZ_VENUE_WS_URL, p, n, rt);
		arb_buf_printf(errs, "%d %s\n", rc, rc < 0 ? v->why : "");
		p += n + (nl != NULL);
	}
	arb_writer_flush(&w);
	arb_feed_free(&f);
	arb_writer_free(&w);
}

/* The bytes of a memory file, from the start, into b. */
static void slurp(int fd, struct arb_buf *b)
{
	char tmp[65536];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, tmp, sizeof tmp)) > 0)
		arb_buf_add(b, tmp, (size_t)n);
	if (ftruncate(fd, 0) < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct arb_buf out[2] = { { 0 } }, errs[2] = { { 0 } };

	if (fd < 0) {
		fd = memfd_create(FUZZ_VENUE_NAME, 0);
		arb_loglevel = ARB_LOG_ERR - 1;   /* gaps are expected here: quiet */
	}
	for (int k = 0; k < 2; k++) {
		arb_venue_scan = !k;
		run(data, size, fd, &errs[k]);
		slurp(fd, &out[k]);
	}
	arb_venue_scan = 1;
	if (out[0].len != out[1].len || (out[0].len && memcmp(out[0].p, out[1].p, out[0].len) != 0) ||
	    errs[0].len != errs[1].len || (errs[0].len && memcmp(errs[0].p, errs[1].p, errs[0].len) != 0)) {
		fprintf(stderr, "fast path and tokenizer differ:\n--- fast\n%.*s%.*s--- tokenizer\n%.*s%.*s",
		    (int)out[0].len, out[0].p ? out[0].p : "", (int)errs[0].len, errs[0].p ? errs[0].p : "",
		    (int)out[1].len, out[1].p ? out[1].p : "", (int)errs[1].len, errs[1].p ? errs[1].p : "");
		abort();
	}
	for (int k = 0; k < 2; k++) {
		arb_buf_free(&out[k]);
		arb_buf_free(&errs[k]);
	}
	return 0;
}
