/*
 * detect_size.h: sizing a chain of taker orders (arb-detect(1), "SIZING").
 *
 * A chain is 2 to ARB_DLEGS_MAX legs; each leg turns one currency into
 * another by walking one side of one book: a buy spends quote and walks
 * the asks, a sell spends base and walks the bids.  A cross-exchange
 * opportunity is the chain "buy on A, sell on B"; a cycle is the chain of
 * its legs on one venue.  Everything is exact decimal arithmetic; the
 * only rounding is stated where it happens.
 *
 * For a leg with order quantity q, notional N(q) = sum of px * qty over
 * the levels walked (q must not exceed the levels' total), fee rate f:
 *
 *   buy,  fee in quote:  spends N(1+f)      receives q        fee N*f quote
 *   buy,  fee in base:   spends N           receives q(1-f)   fee q*f base
 *   sell, fee in quote:  spends q           receives N(1-f)   fee N*f quote
 *   sell, fee in base:   spends q(1+f)      receives N        fee q*f base
 *
 * ("received" in an instrument means base on a buy and quote on a sell.)
 * The first leg's quantity q1 is chosen on a grid (its lot; for a cross,
 * the least common multiple of both lots when the buy's fee is in quote);
 * each later leg takes the largest quantity on its own lot grid (and
 * within its book) that the previous leg's proceeds pay for.  Profit =
 * what the last leg receives - what the first leg spends, in the start
 * currency; whatever a later leg cannot use (lot rounding) is left over
 * and counted as nothing.
 */
#ifndef ARB_DETECT_SIZE_H
#define ARB_DETECT_SIZE_H

#include <stdint.h>
#include "dec.h"
#include "rec.h"

#define ARB_DLEGS_MAX 5
/* Fraction digits kept by the few divisions the sizer needs (truncated). */
#define ARB_DSCALE 18

struct arb_dleg {
	int buy;                     /* 1: buy base (walk asks); 0: sell (walk bids) */
	int fee_base;                /* fee charged in base, else in quote */
	arb_dec fee;                 /* taker fee fraction */
	arb_dec lot;                 /* > 0 */
	const struct arb_level *lv;  /* the side walked, best first */
	uint32_t n;
	/* the side's total quantity, when has_total (arb_dchain_size sets
	 * it; others may leave has_total 0) */
	int has_total;
	arb_dec total;
	/* arb_dchain_size's running sums of the side (NULL elsewhere): with
	 * them a fill or maxq finds its last level by bisection instead of
	 * walking the levels, with the same result to the last digit. */
	const struct arb_dpre *pre;
};

struct arb_dfill {
	arb_dec qty;        /* order quantity, base */
	arb_dec notional;   /* sum px*qty, quote */
	arb_dec px;         /* worst level price used */
	arb_dec in, out;    /* spent and received, after the fee */
	arb_dec fee;        /* fee amount, in base or quote (leg's fee_base) */
};

struct arb_dchain {
	int n;
	struct arb_dleg leg[ARB_DLEGS_MAX];
	/* Caps, when has_*: total spent by leg 0 (--max-notional), and what
	 * each leg spends (the venue's free balance of that currency). */
	int has_cap_in;
	arb_dec cap_in;
	int has_cap_leg[ARB_DLEGS_MAX];
	arb_dec cap_leg[ARB_DLEGS_MAX];
	/* Set by the caller when every later leg trades exactly what the
	 * grid gives (a cross without fees in base, on the common lot): the
	 * exact profit is then the concave one and bisection alone is exact. */
	int exact;
	/* Minimums, per leg when has_min_qty or has_min_notional: a leg's
	 * quantity and notional never shrink as the size grows, so they are a
	 * least size, and arb_dchain_size gives the best size at or above it
	 * (the best size regardless, below a minimum, when no size that meets
	 * them is profitable).  has_min (set by the caller, e.g. when no
	 * reason is reported): arb_dchain_size first evaluates the exact
	 * chain at the largest size within the caps and gives up (ARB_DW_MIN)
	 * when a leg gets nothing there or is below a minimum: then every
	 * size is, and the best size would be refused anyway. */
	int has_min;
	int has_min_qty[ARB_DLEGS_MAX], has_min_notional[ARB_DLEGS_MAX];
	arb_dec min_qty[ARB_DLEGS_MAX], min_notional[ARB_DLEGS_MAX];
	/* A guess of the continuous optimum (in grid steps, 0 = none), e.g.
	 * the kopt of the last sizing of the same candidate: only speed
	 * depends on it. */
	int64_t hint;
	/* arb_dchain_size's cache of evaluations (NULL elsewhere) */
	struct arb_dmemo *memo;
	/* arb_dchain_size's integer form of the chain, when its sides have
	 * at most 32 levels and its amounts fit (NULL elsewhere): the searches
	 * evaluate it instead of the decimal chain, with the same amounts
	 * (see detect_size.c). */
	struct arb_dlin *lin;
};

struct arb_dresult {
	struct arb_dfill f[ARB_DLEGS_MAX];
	arb_dec in, out, profit;
	int64_t k;          /* q1 = k * grid */
	int64_t kopt;       /* the continuous optimum found (a hint for next
	                     * time; also set when no size is profitable) */
	int optimal;        /* proven the best on the grid (see arb_dchain_size) */
};

/* arb_dchain_size tries every grid point that could beat the best found
 * near the continuous optimum when there are at most this many. */
#ifndef ARB_DSCAN_MAX
#define ARB_DSCAN_MAX 256
#endif
/* Lot steps tried on either side of the continuous optimum. */
#ifndef ARB_DSTEPS
#define ARB_DSTEPS 2
#endif

/* Why arb_dchain_size found nothing. */
enum arb_dwhy {
	ARB_DW_NONE = 0,
	ARB_DW_LOT,         /* no size on the lot grid is profitable */
	ARB_DW_BALANCE,     /* a balance cap leaves no size */
	ARB_DW_NOTIONAL,    /* --max-notional leaves no size */
	ARB_DW_MIN,         /* no size meets the minimums (has_min) */
	ARB_DW_ERROR        /* arithmetic overflow */
};

/* Fills one leg for order quantity q.  0, 1 when q exceeds the book, -1
 * on overflow. */
int arb_dleg_fill(const struct arb_dleg *l, arb_dec q, struct arb_dfill *f);
/* The largest quantity whose spending is at most a: on the lot grid when
 * lots, else truncated to ARB_DSCALE digits; capped by the book.  0 or -1. */
int arb_dleg_maxq(const struct arb_dleg *l, arb_dec a, int lots, arb_dec *q);
/* Evaluates the chain for first-leg quantity q1 (lots: later legs on
 * their lot grid, else continuous).  0 ok, 1 infeasible (a leg gets
 * nothing, or q1 exceeds the first book), -1 overflow. */
int arb_dchain_eval(const struct arb_dchain *c, arb_dec q1, int lots, struct arb_dresult *r);
/* Is the chain profitable at the best levels (the marginal rate of the
 * first unit)?  with_fees 0 ignores every fee.  1 yes, 0 no, -1 overflow. */
int arb_dchain_top(const struct arb_dchain *c, int with_fees);
/* Finds the first-leg quantity on the grid that maximises profit (ties:
 * the smaller), within the caps.  Returns 1 with *r filled and r->profit
 * > 0, or 0 with *why set.  The continuous profit (later legs not rounded
 * to lots) is concave in the size and bounds the exact one: its optimum
 * is found by bisection, the exact chain is tried at the lot steps around
 * it, and then at every grid point where the continuous profit beats the
 * best so far when there are at most ARB_DSCAN_MAX of them (r->optimal
 * is then set: the result is the optimum).  Otherwise the result may miss
 * a better size that lot rounding in later legs favours. */
int arb_dchain_size(const struct arb_dchain *c, arb_dec grid, struct arb_dresult *r, enum arb_dwhy *why);
/* Least common multiple of two positive decimals.  0 or -1. */
int arb_dlcm(arb_dec *r, arb_dec a, arb_dec b);

#endif
