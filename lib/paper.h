/*
 * paper.h: the paper venue transport for arb-exec.
 *
 * An order sent at record time t reaches the venue at t + latency(venue).
 * It executes against the first in-sync book of its venue and symbol
 * whose ts is at or after that arrival time, taking liquidity level by
 * level up to its limit price (liquidity this transport already took
 * from that same book is not available again), so it fills fully, partly
 * or not at all.  IOC leftovers are canceled; FOK orders fill fully or
 * not at all.  Fees are the instrument's taker fee charged in its fee_in
 * currency.  Everything is record time: the same input gives the same
 * fills.
 */
#ifndef ARB_PAPER_H
#define ARB_PAPER_H

#include <stdint.h>
#include "exec.h"

#define ARB_PAPER_MAXLAT 32

struct arb_paper_conf {
	int64_t latency_default;
	int uniform;            /* a plain DURATION replaced the built-in table */
	int nlat;
	struct {
		char ex[ARB_EX_MAX];
		int64_t us;
	} lat[ARB_PAPER_MAXLAT];
};

void arb_paper_conf_defaults(struct arb_paper_conf *c);
/* Parses "DURATION" (every venue) or "VENUE=DURATION".  0 or -1. */
int arb_paper_conf_latency(struct arb_paper_conf *c, const char *arg);
int64_t arb_paper_latency(const struct arb_paper_conf *c, const char *ex);

/* A transport bound to engine e (the engine pointer is set by the caller
 * after arb_exec_init; see arb_paper_attach). */
struct arb_xport *arb_paper_new(const struct arb_paper_conf *c);
void arb_paper_attach(struct arb_xport *x, struct arb_exec *e);

#endif
