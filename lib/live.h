/*
 * live.h: the live venue transport of arb-exec (--live): the engine's
 * orders go to the venues' private REST APIs through libcurl's multi
 * interface, in the program's own event loop (no threads): every leg is
 * in flight at once and no venue ever blocks another.
 *
 * The rules (arb-exec(1), LIVE TRADING):
 *  - every order carries the engine's client order id;
 *  - a timeout, a dropped connection, a 5XX or a "status unknown" answer
 *    makes the order unknown: it is then queried by client order id after
 *    the venue's lag, never sent again; an order the venue still does not
 *    know once its request can no longer be accepted (Binance: recvWindow
 *    past) is rejected with reason not_placed;
 *  - at start, every open or unknown order of the state file is queried
 *    (arb_live_reconcile) before anything new is sent;
 *  - 429: no new order to that venue until Retry-After has passed; an
 *    order refused by the rate limit is sent again after Retry-After only
 *    if the venue said it was not executed and it is still wanted; 418 (or
 *    an IP ban): the kill switch is latched (risk record "ip_ban");
 *  - the venue's clock offset is measured from its server time;
 *  - balances are read at start and again every balances_every_us while
 *    no order of the venue is in flight; the venues' fee rates are read
 *    at start (Kraken: once the input names its pairs) and become the
 *    engine's taker fee overrides after the user's (--taker-fee wins);
 *  - an order is taken for not placed only after the window the venue
 *    enforces (our receive window, Bitstamp's 150 s);
 *  - every venue reject becomes an order record with state rejected, our
 *    reason code and the venue's message (log).
 *
 * Secrets come only from cred.h and stay in this module's memory (wiped
 * at arb_live_free); they never reach a record, a log line, an error
 * message, argv or a child's environment.
 */
#ifndef ARB_LIVE_H
#define ARB_LIVE_H

#include <stdint.h>
#include "exec.h"

#define ARB_LIVE_NVENUE 6

struct arb_live_conf {
	int testnet;                     /* the documented test environments */
	int nendpoint;
	struct {
		char ex[ARB_EX_MAX];
		char url[256];
	} endpoint[ARB_LIVE_NVENUE];     /* --endpoint VENUE=URL */
	const char *cacert;              /* --cacert FILE: trust only this CA */
	int recv_window_ms;              /* Binance, Bybit; default 5000 */
	int64_t timeout_us;              /* per request; default 5 s */
	int64_t lag_us;                  /* query lag; 0: the venue's default */
	int64_t poll_us;                 /* between queries of an open order;
	                                  * default 500 ms */
	int max_queries;                 /* per unknown order before giving up
	                                  * (it stays unknown); default 20 */
	int64_t settle_us;               /* how long finish/reconcile may drive
	                                  * the loop; default 30 s */
	int balances;                    /* read balances at start */
	int64_t balances_every_us;       /* read them again this often while
	                                  * no order of the venue is in flight
	                                  * (0: at start only); default 60 s */
	int64_t accept_us;               /* how long a venue may accept a request
	                                  * after it was signed, instead of the
	                                  * venue's documented window (a test
	                                  * server); 0: documented */
	int fees;                        /* read the venues' fee rates at start
	                                  * (taker fee of new orders); default 1 */
};

void arb_live_conf_defaults(struct arb_live_conf *c);
/* Parses "VENUE=URL" for --endpoint.  0, or -1 with why. */
int arb_live_conf_endpoint(struct arb_live_conf *c, const char *arg, char *why, size_t whylen);
/* The base URL used for venue ex under conf c (endpoint, testnet or
 * production); NULL when --testnet is asked for a venue that has none. */
const char *arb_live_base(const struct arb_live_conf *c, const char *ex);

/*
 * Creates the transport for the venues named in venues (NULL-terminated
 * ids), reading each venue's credentials through cred.h.  NULL with why
 * naming what is missing or refused (file names, never contents) when a
 * credential cannot be read, a venue is not supported, or --testnet has
 * no test environment for it.
 */
struct arb_xport *arb_live_new(const struct arb_live_conf *c, const char *const *venues,
    char *why, size_t whylen);
void arb_live_attach(struct arb_xport *x, struct arb_exec *e);
/* Called whenever the transport produced records outside
 * arb_exec_record (so the program can write e->out at once). */
void arb_live_on_output(struct arb_xport *x, void (*fn)(void *), void *arg);

/*
 * The svc.wait hook: drives the HTTP requests while waiting up to
 * timeout_ms for fd (-1: none) to become readable.  Returns 1 when fd is
 * readable, 0 on timeout, -1 on a fatal error.  arg is the xport->ctx
 * (or use arb_live_wait_x with the xport).
 */
int arb_live_wait(void *ctx, int fd, int timeout_ms);
/* Drives the loop until nothing is pending or settle time has passed:
 * clock offsets, start-up balances and the queries of resumed orders.
 * Call after arb_exec_resume and before the first record.  Returns the
 * number of orders still being resolved. */
int arb_live_reconcile(struct arb_xport *x);
/* Requests in flight or waiting (for tests and the stop logic). */
int arb_live_pending(struct arb_xport *x);
/* Counters for the end-of-run log line. */
struct arb_live_stats {
	uint64_t requests, places, cancels, queries, unknown, resolved, rejected, rate_limited,
	    retries;
};
void arb_live_stats(struct arb_xport *x, struct arb_live_stats *s);

#endif
