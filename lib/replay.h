/*
 * replay.h: feeds recordings through the venue code (the backtest path).
 *
 * Reads the capture format of the shared recordings and arb-feed's own
 * --record format (arb-feed(1), "RECORDING FORMAT"), one line each:
 *
 *   <recv_ts>: <frame>              a WebSocket frame received
 *   <url> => <recv_ts>: <frame>     the same, naming its connection
 *   <url> <- <ts>: <frame>          a frame the client sent
 *   <url> <-> <ts>                  a connection opened
 *   <url> >-< <ts>: <reason>        a connection closed
 *   <url> -/- <ts>: <vsym> <why>    arb-feed found that book stale (live)
 *   <url> -> <recv_ts>: <body>      a REST response body
 *   venue: <name> <url>             URLs starting with <url> are <name>'s
 *   configuration: ...              ignored, as are blank lines
 *
 * Several files are merged by receive time (ties: command-line order, then
 * line order), so a venue's REST snapshots and WebSocket diffs recorded in
 * separate files interleave as they were received.  The venue of a file
 * comes from its name (BINANCE.ws.1.0) or from the URLs in it.
 */
#ifndef ARB_REPLAY_H
#define ARB_REPLAY_H

#include <stdint.h>
#include "feed.h"
#include "rec.h"

struct arb_replay_opt {
	double speed;              /* 0: as fast as possible; else x real time */
	int progress;              /* progress line on stderr */
	struct arb_badlines *bl;   /* bad lines: report, count, --strict */
};

/* Replays files in order.  Returns 0, or -1 when a file could not be
 * opened or read (reported; the others are still replayed). */
int arb_replay(struct arb_feed *f, char *const *files, int n, const struct arb_replay_opt *o);

/* Splits one recording line.  kind: 'f' frame, 'o' opened, 's' sent,
 * 'c' closed, 'r' REST, 'x' stale book, 'v' venue, 0 to ignore; -1 with
 * *why on a bad line. */
struct arb_recline {
	int kind;
	const char *url;
	size_t urllen;
	int64_t rt;
	const char *p;
	size_t len;
};
int arb_recline_parse(const char *line, size_t len, struct arb_recline *out, const char **why);

#endif
