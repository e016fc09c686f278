/*
 * risk.h: arb-exec's risk limits and kill switch.
 *
 * The engine asks before every order (and every opportunity); each
 * refusal comes back as a rule name and a detail text, which the engine
 * turns into a `risk` record.  The kill switch is a latch: once tripped
 * (kill file, SIGUSR1, daily loss) it stays on, in memory and in the
 * state file, until arb-exec --reset-kill clears it.  All times are
 * record time (microseconds).
 */
#ifndef ARB_RISK_H
#define ARB_RISK_H

#include <stddef.h>
#include <stdint.h>
#include "dec.h"
#include "balance.h"

#define ARB_RISK_MAXPOS 32

struct arb_risk_conf {
	int has_notional_order, has_notional_opp, has_daily_loss;
	arb_dec max_notional_order;   /* per order, in the opportunity's ccy */
	arb_dec max_notional_opp;     /* per opportunity (its cost) */
	arb_dec max_daily_loss;       /* > 0; per ccy and record-time UTC day */
	int max_open_orders;          /* 0: no limit */
	int max_orders_per_minute;    /* 0: no limit */
	int64_t max_book_age;         /* 0: no limit */
	int npos;
	struct {
		char asset[ARB_ASSET_MAX];
		arb_dec qty;          /* absolute net position limit */
	} pos[ARB_RISK_MAXPOS];
};

struct arb_risk_ccy {
	char ccy[ARB_ASSET_MAX];
	arb_dec pnl;
};

struct arb_risk {
	struct arb_risk_conf c;
	/* orders sent in the last minute: a ring of send times */
	int64_t *win;
	size_t wn, wcap, whead;
	/* daily P&L per currency for day `day` (ts / 86400e6) */
	int64_t day;
	struct arb_risk_ccy *daily;
	size_t ndaily, capdaily;
	/* the kill switch latch */
	int killed;
	char kill_rule[32];
	char kill_detail[128];
	int64_t kill_ts;
};

void arb_risk_init(struct arb_risk *r, const struct arb_risk_conf *c);
void arb_risk_free(struct arb_risk *r);

/* Parses "ASSET=QTY" into c->pos.  0 or -1. */
int arb_risk_conf_pos(struct arb_risk_conf *c, const char *arg);

/*
 * Checks; each returns 0 when allowed, else 1 with the rule name copied
 * to rule[32] and a human-readable detail to detail[128].
 */
int arb_risk_notional_order(const struct arb_risk *r, arb_dec notional, const char *ccy,
    char *rule, char *detail);
int arb_risk_notional_opp(const struct arb_risk *r, arb_dec cost, const char *ccy,
    char *rule, char *detail);
int arb_risk_open_orders(const struct arb_risk *r, int open, int adding, char *rule, char *detail);
/* n more orders at time now within the per-minute limit? */
int arb_risk_rate(struct arb_risk *r, int64_t now, int n, char *rule, char *detail);
void arb_risk_rate_add(struct arb_risk *r, int64_t now);
/* Would a net position of after (in asset) break --max-position?  Only a
 * change that increases |position| is refused. */
int arb_risk_position(const struct arb_risk *r, const char *asset, arb_dec before, arb_dec after,
    char *rule, char *detail);
/* Has asset a --max-position limit? */
int arb_risk_position_limited(const struct arb_risk *r, const char *asset);
/* Book age (now - book ts) within the limit? */
int arb_risk_book_age(const struct arb_risk *r, int64_t now, int64_t book_ts,
    const char *ex, const char *sym, char *rule, char *detail);
/* Adds a realised P&L for record time ts; returns 1 when the daily loss
 * limit is now breached (the caller trips the kill switch). */
int arb_risk_daily_add(struct arb_risk *r, int64_t ts, const char *ccy, arb_dec pnl);
/* Today's P&L for ccy (zero when none or another day). */
arb_dec arb_risk_daily_get(const struct arb_risk *r, int64_t ts, const char *ccy);
/* Is today's loss in ccy at or beyond the limit? */
int arb_risk_daily_breached(const struct arb_risk *r, int64_t ts, const char *ccy);
/* Latches the kill switch; returns 1 if it was off (a new kill). */
int arb_risk_kill(struct arb_risk *r, int64_t ts, const char *rule, const char *detail);
void arb_risk_reset_kill(struct arb_risk *r);

#endif
