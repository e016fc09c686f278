/*
 * fuzz-venue-bybit: the bybit frame and REST parsers and its book sync.  An
 * input is a sequence of lines, so that snapshots, updates and gaps follow
 * each other: "R <body>" is a book snapshot body, "M <body>" a metadata
 * body, "O" a connection opened, anything else a WebSocket frame.  A fresh
 * feed per input keeps crashes reproducible.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "io.h"
#include "log.h"
#include "venue/venue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null = -1;
	const struct arb_venue_ops *ops = &arb_venue_bybit;
	const char *p = (const char *)data, *e = p + size;
	struct arb_writer w;
	struct arb_feed f;
	struct arb_venue *v;
	int64_t rt = 1600000000000000;

	if (null < 0) {
		null = open("/dev/null", O_WRONLY);
		arb_loglevel = ARB_LOG_ERR - 1;   /* gaps are expected here: quiet */
	}
	arb_writer_init(&w, null);
	arb_feed_init(&f, &w, 10);
	f.trades = 1;
	f.replay = 1;
	v = arb_feed_venue(&f, ops);
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		rt += 1000;
		if (n >= 2 && p[0] == 'R' && p[1] == ' ')
			ops->rest(v, "https://api.bybit.com/v5/market/orderbook", p + 2, n - 2, rt);
		else if (n >= 2 && p[0] == 'M' && p[1] == ' ')
			ops->rest(v, "https://api.bybit.com/v5/market/instruments-info?category=spot", p + 2, n - 2, rt);
		else if (n == 1 && p[0] == 'O') {
			if (ops->opened)
				ops->opened(v, "wss://stream.bybit.com/v5/public/linear", rt);
		} else
			ops->frame(v, "wss://stream.bybit.com/v5/public/linear", p, n, rt);
		p += n + (nl != NULL);
	}
	arb_feed_free(&f);
	w.len = 0;
	arb_writer_free(&w);
	return 0;
}
