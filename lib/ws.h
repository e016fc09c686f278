/*
 * ws.h: the live transport of arb-feed: one libwebsockets context and one
 * event loop for every venue's WebSocket, libcurl's multi interface for
 * REST inside the same loop, no threads.  Frames and bodies go to the
 * venue code of lib/venue/ exactly as in replay.
 */
#ifndef ARB_WS_H
#define ARB_WS_H

#include <stdint.h>
#include "feed.h"

struct arb_ws_opt {
	int trades;
	const char *record;        /* --record FILE or NULL */
	const char *cacert;        /* --cacert FILE or NULL */
	const char *endpoints[8];  /* --endpoint venue=url */
	int nendpoints;
	int64_t stale_after;       /* --stale-after, -1: per venue */
	const char *metrics;       /* --metrics FILE or NULL */
};

/* Runs until a stop signal.  Returns an exit status. */
int arb_ws_run(struct arb_feed *f, const struct arb_ws_opt *o);

#endif
