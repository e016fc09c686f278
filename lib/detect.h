/*
 * detect.h: the arb-detect engine.  It keeps every book it is fed,
 * the instruments, fees and balances, the cross-exchange and cycle
 * candidates, and turns each record it is fed into zero or more
 * `opportunity` (and, with explain, `reject`) records.  It decides on
 * record time only: the same records give the same output, byte for byte.
 * arb-detect(1) documents the behaviour; bin/arb-detect.c is the wiring.
 */
#ifndef ARB_DETECT_H
#define ARB_DETECT_H

#include <stdint.h>
#include "dec.h"
#include "fees.h"
#include "rec.h"
#include "util.h"

#define ARB_CCY_MAX 24

/* An amount that applies to one currency, or to every currency ("" ccy). */
struct arb_ccyamt {
	char ccy[ARB_CCY_MAX];
	arb_dec v;
};

struct arb_venue_age {
	char ex[ARB_EX_MAX];
	int64_t us;
};

struct arb_alias {
	char from[ARB_CCY_MAX], to[ARB_CCY_MAX];
};

struct arb_detect_opts {
	int max_legs;              /* 3..ARB_DLEGS_MAX; 0 or 2 disables cycles */
	int cross;                 /* cross-exchange candidates on */
	int explain;               /* emit reject records */
	int64_t ttl;               /* expires = ts + ttl */
	int64_t max_age;           /* default book age limit, 0 = none */
	struct arb_venue_age *ages;
	int nages;
	struct arb_ccyamt *min_profit, *max_notional;
	int nmin_profit, nmax_notional;
	arb_dec min_profit_bps;
	arb_dec update_qty_pct, update_profit_pct;
	struct arb_alias *aliases;
	int naliases;
	/* Currencies preferred as the start (and profit currency) of a
	 * cycle, best first; a cycle with none of them starts at its
	 * alphabetically first currency. */
	char (*start)[ARB_CCY_MAX];
	int nstart;
	const struct arb_fees *fees;
};

/* Sets the defaults documented in arb-detect(1). */
void arb_detect_opts_init(struct arb_detect_opts *o);

struct arb_detect_stats {
	uint64_t books, evals, opps_new, opps_update, opps_gone, rejects;
	uint64_t cands_cross, cands_cycle, overflow, no_instrument;
	uint64_t screened;   /* candidates skipped by the log-rate screen */
	uint64_t late;       /* book records found bad after they were fed
	                      * (arb_detect_late): read it to know when to call */
};

struct arb_detect;

/* The options are copied except the arrays and fees, which must outlive
 * the engine. */
struct arb_detect *arb_detect_new(const struct arb_detect_opts *o);
void arb_detect_free(struct arb_detect *d);
/*
 * Feeds one parsed, valid record; appends the records it causes to out
 * (whole lines).  Returns 0, or -1 with why set when the record's content
 * cannot be used (e.g. a book with a price <= 0, or, read in full, whose
 * levels are not best first: that book is then refused until its next
 * good record; see arb_detect_late for a lazily read one).  A
 * book record's levels are taken from r (arb_rec_book_take: no copy); its
 * line and keys are left as they were.
 */
int arb_detect_feed(struct arb_detect *d, struct arb_rec *r, struct arb_buf *out,
    char *why, size_t whylen);
/*
 * Where the records fed next are read: src, and *line the number of the
 * line of the record being fed, which the caller updates (the reader's
 * lineno): no call per record.  Both pointers are kept and read when a
 * book record is fed; src must outlive the engine (messages about a
 * record may come later), line must stay valid while records are fed,
 * until the next call.  The engine keeps them with each book for
 * arb_detect_late; without this call, no source and line 0.
 */
void arb_detect_where(struct arb_detect *d, const char *src, const uint64_t *line);
/*
 * A book record read lazily (arb_rec's lazy) is fed with only its best
 * levels converted; its other levels are converted, and their order
 * checked, when a sizing first needs them: while it is fed, or while a
 * later record is.  A record found bad then is refused as if it had been
 * found when fed (the records written are the same) and queued, stats'
 * late counting them: after a feed that raised late, call this until it
 * returns 0.  Each call returns 1 with the record's src and line (as
 * arb_detect_where gave them when it was fed) and why ("bids not best
 * first at level 3") set.  A record read in full is checked when fed and
 * reported by arb_detect_feed's why, never here.
 */
int arb_detect_late(struct arb_detect *d, const char **src, uint64_t *line, char *why,
    size_t whylen);
const struct arb_detect_stats *arb_detect_stats(const struct arb_detect *d);

#endif
