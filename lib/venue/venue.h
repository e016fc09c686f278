/*
 * venue.h: one exchange behind one small table of functions.
 *
 * Each lib/venue/<name>.c defines one `const struct arb_venue_ops` that
 * turns the venue's REST bodies and WebSocket frames into book, trade,
 * instrument and status records through the helpers of feed.h, and knows
 * the venue's symbols, URLs and subscription frames.  The very same
 * functions run on live traffic (ws.c, rest.c) and on a recording
 * (replay.c): the transport only decides where the bytes come from.
 */
#ifndef ARB_VENUE_H
#define ARB_VENUE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct arb_venue;
struct arb_fbook;

struct arb_venue_ops {
	const char *name;          /* record id: "binance" */
	const char *prefix;        /* capture file name prefix: "BINANCE" */
	const char *const *hosts;  /* host names that identify the venue in URLs */
	int64_t stale_after;       /* default --stale-after, microseconds */

	/*
	 * Canonical "BASE/QUOTE" for a venue symbol as it appears in frames;
	 * conn is the connection URL (some venues reuse names across
	 * markets).  0, or -1 when it cannot be mapped.
	 */
	int (*canon)(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap);
	/* The venue symbol for a canonical one (live subscriptions). */
	int (*vsym)(struct arb_venue *v, const char *sym, char *out, size_t cap);

	/* A REST response body for url (metadata or a book snapshot).
	 * 0, 1 when the body is not one the venue uses, -1 with v->why. */
	int (*rest)(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt);
	/* A WebSocket frame received on the connection to url.
	 * 0, -1 with v->why (the caller names file and line). */
	int (*frame)(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt);
	/* A frame the client sent on url (replay learns subscriptions). */
	void (*sent)(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt);
	/* A connection to url opened (rt) . */
	void (*opened)(struct arb_venue *v, const char *url, int64_t rt);

	/* Live path: the WebSocket URL to connect to for the wanted books,
	 * the frames to send once connected (one per line in out), the
	 * snapshot URL of a book (NULL when the venue snapshots over the
	 * WebSocket), a keepalive frame to send (NULL when none), the
	 * metadata URLs (one per line). */
	int (*ws_url)(struct arb_venue *v, struct arb_buf *out);
	int (*subscribe)(struct arb_venue *v, struct arb_buf *out);
	int (*snapshot_url)(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out);
	const char *(*ping)(struct arb_venue *v);
	int (*meta_urls)(struct arb_venue *v, struct arb_buf *out);
	/* Frames that make the venue send a new snapshot of one book
	 * (unsubscribe + subscribe), for venues without REST snapshots. */
	int (*resubscribe)(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out);
	int64_t ping_every;        /* microseconds between pings, 0 none */
	/* REST snapshots only once the venue confirmed the book's subscription
	 * (arb_fbook_subscribed): its diffs carry no sequence number, so a
	 * snapshot taken before the subscription took effect would miss the
	 * changes in between unseen. */
	int snapshot_after_subscribed;
};

/* 1 (default): venues read frames of their usual form straight from the
 * text (scan.h); 0: always through the JSON tokenizer (tests compare). */
extern int arb_venue_scan;

extern const struct arb_venue_ops arb_venue_binance, arb_venue_kraken, arb_venue_coinbase,
    arb_venue_okx, arb_venue_bybit, arb_venue_bitstamp;

/* Every venue, NULL-terminated. */
extern const struct arb_venue_ops *const arb_venue_all[];
/* By record id ("kraken"), NULL when unknown. */
const struct arb_venue_ops *arb_venue_by_name(const char *name, size_t n);
/* By capture file name (basename starting with "KRAKEN" etc.). */
const struct arb_venue_ops *arb_venue_by_file(const char *path);
/* By a URL's host. */
const struct arb_venue_ops *arb_venue_by_url(const char *url, size_t n);

/*
 * Symbol helpers shared by the venues.  arb_sym_alias maps venue asset
 * codes to common ones (XBT->BTC, XDG->DOGE); arb_sym_split_quote splits
 * "BTCUSDT" at a known quote currency suffix.  Both upper-case.
 */
void arb_sym_alias(char *asset, size_t cap);
int arb_sym_split_quote(const char *s, char *base, size_t bcap, char *quote, size_t qcap);
/* Joins base/quote (aliases applied) into sym "BASE/QUOTE" + suffix. */
int arb_sym_join(char *sym, size_t cap, const char *base, const char *quote, const char *suffix);

#endif
