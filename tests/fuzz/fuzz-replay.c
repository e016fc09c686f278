/*
 * fuzz-replay.c: libFuzzer target for the recording reader (replay.h):
 * every line through arb_recline_parse, whose pieces must lie within the
 * line, then the whole input replayed through the venue code as arb-feed
 * --replay would (arb_replay), with bad lines counted, not fatal.
 *
 * The first byte names the files (their venue comes from the name, as
 * BINANCE.ws.1.0); a line "%%" splits the rest into two files, which are
 * merged by receive time.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-replay.c (all of lib/ and lib/venue/) -o fuzz-replay
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <fcntl.h>
#include <sys/mman.h>

#include "fuzz-file.h"
#include "feed.h"
#include "io.h"
#include "log.h"
#include "replay.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const names[8] = {
	"BINANCE.ws.1.0", "KRAKEN.ws.50.0", "COINBASE.ws.28.0", "OKX.ws.1.0",
	"BYBITV5.ws.1.0", "BITSTAMP.ws.1.0", "BINANCE.http.0.0", "feed.rec"
};

/* The second file, beside the first (fuzz-file.h keeps one). */
static char path2[600];

static void
lines(const char *p, size_t n)
{
	const char *e = p + n, *why;
	struct arb_recline h;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		char *line = xmalloc(len ? len : 1);

		memcpy(line, p, len);
		why = NULL;
		if (arb_recline_parse(line, len, &h, &why) == 0) {
			CHECK(h.kind == 0 || strchr("focrsxv", h.kind));
			if (h.p)
				CHECK(h.p >= line && h.p + h.len <= line + len);
			if (h.url)
				CHECK(h.url >= line && h.url + h.urllen <= line + len);
		} else
			CHECK(why && *why);
		free(line);
		p += len + (nl != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct arb_replay_opt o = { 0 };
	struct arb_badlines bl = { 0 };
	struct arb_writer w;
	struct arb_feed f;
	const char *p, *split, *path;
	char *files[2];
	size_t n, n1;
	FILE *fp;
	int nf = 1;

	if (size < 1)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz-replay", 0);
		arb_loglevel = ARB_LOG_ERR - 1;   /* bad lines are expected: quiet */
	}
	p = (const char *)data + 1;
	n = size - 1;
	lines(p, n);
	n1 = n;
	if ((split = memmem(p, n, "\n%%\n", 4)) != NULL)
		n1 = (size_t)(split - p) + 1;
	path = fuzz_file(names[data[0] & 7], (const uint8_t *)p, n1);
	files[0] = (char *)path;
	if (split) {
		snprintf(path2, sizeof path2, "%s/2.%s", fuzz_dir, names[(data[0] >> 3) & 7]);
		if (!(fp = fopen(path2, "wb")) || fwrite(split + 4, 1, n - n1 - 3, fp) != n - n1 - 3 ||
		    fclose(fp) != 0)
			abort();
		files[1] = path2;
		nf = 2;
	}
	o.bl = &bl;
	arb_writer_init(&w, fd);
	arb_feed_init(&f, &w, 10);
	f.trades = 1;
	f.replay = 1;
	(void)arb_replay(&f, files, nf, &o);
	arb_writer_flush(&w);
	arb_feed_free(&f);
	arb_writer_free(&w);
	if (ftruncate(fd, 0) < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
	if (split)
		(void)unlink(path2);
	return 0;
}
