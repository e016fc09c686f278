/*
 * exec.h: the arb-exec engine: opportunities become orders, orders go
 * through an explicit state machine, fills update balances exactly, and
 * every opportunity ends in one `result` record.
 *
 * The engine never talks to a venue itself.  It hands orders to a
 * transport (struct arb_xport): paper.c simulates the venue from the
 * books in the stream; a live transport (issue 6) will carry the same
 * orders to the venues.  The transport reports back through
 * arb_exec_on_ack, arb_exec_on_fill and arb_exec_on_end, so the engine
 * code path is the same in both modes.
 *
 * Output records are appended to e->out (an arb_buf); the caller writes
 * them after passing the input line through.
 */
#ifndef ARB_EXEC_H
#define ARB_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "dec.h"
#include "rec.h"
#include "util.h"
#include "balance.h"
#include "risk.h"
#include "state.h"

/* The order state machine (arb-exec(1), "ORDER STATES"). */
enum arb_ostate {
	ARB_OS_NEW, ARB_OS_SENT, ARB_OS_ACKED, ARB_OS_PARTIAL, ARB_OS_FILLED,
	ARB_OS_CANCELED, ARB_OS_REJECTED, ARB_OS_UNKNOWN, ARB_OS_N
};
const char *arb_ostate_name(enum arb_ostate s);
int arb_ostate_from(const char *s);          /* -1 when unknown */
/* Is from -> to an allowed transition?  (partial -> partial is: the
 * filled quantity grew.) */
int arb_ostate_can(enum arb_ostate from, enum arb_ostate to);
int arb_ostate_terminal(enum arb_ostate s);   /* filled canceled rejected */

enum arb_side { ARB_BUY, ARB_SELL };
enum arb_feein { ARB_FEE_QUOTE, ARB_FEE_BASE, ARB_FEE_RECEIVED };
enum arb_otype { ARB_OT_IOC, ARB_OT_FOK };
enum arb_legfail { ARB_LF_CANCEL, ARB_LF_UNWIND, ARB_LF_HOLD };
enum arb_onstop { ARB_STOP_CANCEL, ARB_STOP_FINISH };

#define ARB_CID_MAX 32
#define ARB_MAXLEGS 8
#define ARB_MAXORD 24       /* legs plus unwind orders per opportunity */
#define ARB_UNWIND_TRIES 5  /* unwind orders per asset and opportunity */

struct arb_instr {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	char base[ARB_ASSET_MAX], quote[ARB_ASSET_MAX];
	arb_dec tick, lot, min_qty, min_notional, taker_fee, maker_fee;
	enum arb_feein fee_in;
};

struct arb_order {
	char cid[ARB_CID_MAX];
	const char *opp;            /* the opportunity id (owned by the opp) */
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	char base[ARB_ASSET_MAX], quote[ARB_ASSET_MAX];
	enum arb_side side;
	enum arb_otype otype;
	arb_dec px, qty, filled;
	arb_dec fee_rate;           /* taker fee when sent */
	enum arb_feein fee_in;
	enum arb_ostate st;
	int leg;                    /* leg index (unwinds: the leg unwound) */
	int unwind;                 /* an unwind order */
	int nfills;
	int cancel_req;
	int64_t t_cancel;           /* record time of the cancel request
				     * (INT64_MIN: not known, a state file
				     * written before it was kept) */
	int inexact;                /* a fill of it could not be booked: its
				     * locked funds stay locked */
	int64_t t_sent, deadline;
	char lock_asset[ARB_ASSET_MAX];
	arb_dec lock_rem;           /* funds still locked for this order */
	char vid[48];               /* venue order id, when known */
	char msg[160];              /* the venue's reject message (live), or empty */
	char reason[24];            /* why it ended (or became unknown) */
	char creason[24];           /* why a cancel was requested */
	/* Live, a venue that reports cumulative amounts: the fee and the
	 * quote amount it reported so far, as booked, so that a report's new
	 * part is known after a restart too (kept in the state file); vknown
	 * says which are known: 1 the fee, 2 the amount. */
	arb_dec vfee, vamt;
	int vknown;
	void *owner;                /* the engine's: its opportunity */
};

/*
 * The venue transport.  send/cancel return 0 when the request was handed
 * over (its outcome arrives later through the arb_exec_on_* calls) or -1
 * when it certainly did not leave (the order is then rejected).
 */
struct arb_xport {
	const char *name;           /* "paper" */
	const char *mode;           /* the records' "mode": "paper" | "live" */
	void *ctx;
	int (*send)(void *ctx, struct arb_order *o, int64_t now);
	int (*cancel)(void *ctx, struct arb_order *o, int64_t now);
	/* An order found open in the state file after a restart: find out
	 * what became of it, or report it unknown. */
	void (*resume)(void *ctx, struct arb_order *o, int64_t now);
	/* Stream records the venue model may use (paper: book, status). */
	void (*record)(void *ctx, const struct arb_rec *r);
	/* Record time advanced to now. */
	void (*tick)(void *ctx, int64_t now);
	/* No more input will come (EOF or stop): settle what is pending;
	 * with cancel, cancel it. */
	void (*finish)(void *ctx, int64_t now, int cancel);
	void (*free)(void *ctx);
};

struct arb_exec_conf {
	enum arb_otype otype;
	enum arb_legfail on_leg_failure;
	arb_dec unwind_slippage_bps;
	int64_t leg_timeout;
	enum arb_onstop on_stop;
	int cancel_on_kill;
	const char *state_path;      /* NULL: no state file */
	int state_sync;              /* fsync the state file */
	/* journal bytes past which a save writes a new snapshot instead;
	 * -1: automatic (4 x the snapshot, at least 1 MiB); 0: a snapshot
	 * at every save (no journal) */
	int64_t journal_max;
	const char *kill_file;       /* NULL: none */
	int stats;                   /* measure wall latency */
	int nfee;                    /* --taker-fee overrides */
	struct {
		char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];   /* sym "" = any */
		arb_dec rate;
	} fee[32];
	int strict;
	struct arb_risk_conf risk;
};

struct arb_opp;
struct arb_book_ent;
struct arb_seen;
struct arb_icache;

struct arb_exec {
	struct arb_exec_conf c;
	struct arb_xport *x;
	struct arb_buf out;          /* records produced, not yet written */
	int64_t now;                 /* record clock */
	struct arb_balances bal;
	struct arb_risk risk;
	/* positions: net asset change from all fills (venue "*") */
	struct arb_balances pos;
	struct arb_instr *ins;
	size_t nins, capins;
	/* latest book per venue/symbol: time and usability only */
	struct arb_book_ent *books;
	size_t nbooks, capbooks, nbook_used;
	/* opportunities in flight, in decision order */
	struct arb_opp **opps;
	size_t nopps, capopps;
	/* ids already decided (never twice) */
	struct arb_seen *seen;
	size_t nseen, capseen, seen_used;
	int64_t seen_floor;          /* opportunities of this time or older were
	                              * decided (-1: no id dropped yet) */
	int64_t next_deadline;
	int stopping, eof;
	int settling;              /* inside the transport's finish: unknown orders are still being resolved */
	int n_open;                  /* orders not in a final state */
	int gc;                      /* an opportunity ended or a fill was booked: save */
	size_t ndone;                /* ended ones not yet freed */
	int have_state_bal;          /* balances came from the state file */
	int dirty_state;
	int warned_nobal;
	/* counters */
	uint64_t n_opp, n_orders, n_fills, n_results, n_bad, n_unknown_left;
	uint64_t n_inexact;       /* fills not booked, results whose pnl is not exact */
	uint64_t n_dup;
	uint64_t n_state[ARB_OS_N];  /* order records written, by state */
	/* wall-clock decision-to-send latency (ns), when stats */
	uint64_t *lat;
	size_t nlat, caplat;
	uint64_t t_decide_ns;
	struct arb_badlines *bl;
	/* ins by venue and symbol: 1 + index, 0 empty (open addressing) */
	uint32_t *insidx;
	size_t capinsidx;
	struct arb_opp *spare;       /* an opportunity's memory, for reuse */
	/* the state file: its text is built here; each instrument's line
	 * after "ts" is kept while the instrument stays the same */
	struct arb_buf savebuf;
	struct arb_icache *icache;
	size_t nicache;
	/* the journal: the file, the entry being built, and what changed
	 * since the last save (seen lines; books and instruments by index) */
	struct arb_state_file sf;
	struct arb_buf jbuf, jseen, jsigtmp;
	size_t *bdirty, nbdirty, capbdirty;
	size_t *idirty, nidirty, capidirty;
	unsigned char *insjd;        /* per instrument: in idirty */
	int loading;                 /* reading the state file */
	int load_version;            /* (loading) its exec_state line's version, 0 if none */
	struct arb_opp *loadcur;     /* (loading) the opportunity of the next order lines */
	uint64_t n_appends, n_snapshots;
	uint64_t append_bytes;
	/* called before each save: records already produced must reach
	 * stdout before the state says they were (a result whose end is
	 * saved is never produced again) */
	void (*before_save)(void *ctx);
	void *before_save_ctx;
};

void arb_exec_conf_defaults(struct arb_exec_conf *c);
/* Creates the engine; with a state path, loads the state (absent file:
 * fresh start).  -1 with why on a bad state file. */
int arb_exec_init(struct arb_exec *e, const struct arb_exec_conf *c, struct arb_xport *x,
    char *why, size_t whylen);
void arb_exec_free(struct arb_exec *e);
/* Resumes open orders found in the state file (after the transport is
 * attached and before the first record). */
void arb_exec_resume(struct arb_exec *e);

/* One input record (already validated).  file/line for diagnostics. */
void arb_exec_record(struct arb_exec *e, const struct arb_rec *r, const char *file, uint64_t line);
/* SIGUSR1 or the kill file: latch the kill switch. */
void arb_exec_kill(struct arb_exec *e, const char *rule, const char *detail);
/* Checks the kill file (cheap stat). */
void arb_exec_check_kill_file(struct arb_exec *e);
/* Stop taking opportunities; settle in-flight orders per on_stop.  With
 * eof, no more input comes: the transport must settle everything now. */
void arb_exec_stop(struct arb_exec *e, int eof);
/* Anything still in flight? */
int arb_exec_busy(const struct arb_exec *e);
/* Saves what changed (when configured): a journal entry, or a new
 * snapshot when the journal grew past its bound.  0 once durable, or -1
 * (logged). */
int arb_exec_save(struct arb_exec *e);
/* Writes a new snapshot of the whole state (clean exit).  0 or -1. */
int arb_exec_compact(struct arb_exec *e);
/* The text of a snapshot of the state as loaded (--show-state). */
void arb_exec_dump(struct arb_exec *e, struct arb_buf *out);
/* Number of orders left in state unknown. */
int arb_exec_unknown(const struct arb_exec *e);
/* Loads the balances file into the engine (only when the state file did
 * not already provide balances).  0, 1 (ignored: state had them), -1. */
int arb_exec_load_balances(struct arb_exec *e, const char *path, char *why, size_t whylen);

/* After transport callbacks made outside arb_exec_record (a live
 * transport's answers while the input is quiet): emits the balance
 * records of what changed and writes the state file if an opportunity
 * ended.  arb_exec_record does the same after each record. */
void arb_exec_settle(struct arb_exec *e);

/* Transport callbacks. */
void arb_exec_on_ack(struct arb_exec *e, struct arb_order *o, const char *vid, int64_t ts);
/* The venue's order id of o, learned after its ack (a query of an order
 * that was unknown): kept, and saved with the next state save. */
void arb_exec_on_vid(struct arb_exec *e, struct arb_order *o, const char *vid);
/* A fill of o as the venue reported it: fee in fee_ccy, or fee_ccy NULL
 * when the venue gave no fee (the order's fee rate applies).  A fill whose
 * amounts cannot all be computed exactly (past 36 decimals) is written as
 * reported but not booked: its opportunity ends with reason overflow and
 * the kill switch trips (rule overflow). */
void arb_exec_on_fill(struct arb_exec *e, struct arb_order *o, arb_dec px, arb_dec qty,
    arb_dec fee, const char *fee_ccy, const char *tid, int64_t ts);
/* Is rate a taker fee arb-exec trades with: a fraction from 0 to below 1
 * (a fee of all a fill delivers, or more, would drive a balance below
 * zero)?  For instrument records and the venues' own rates alike. */
int arb_exec_fee_rate_ok(arb_dec rate);
/* What a transport cannot work out of a fill it was told of. */
enum arb_fill_unknown {
	ARB_FILL_QTY,               /* its quantity */
	ARB_FILL_FEE,               /* its fee */
	ARB_FILL_PX                 /* its price */
};
/*
 * A fill of o that the transport cannot state exactly: a venue without
 * itemised fills reports cumulative amounts, and what one grew by since
 * the last report (the fill's quantity, or its fee) cannot be computed
 * exactly (past 36 decimals).  why says which amounts, for the message.
 * Nothing of it is booked, as for a fill arb_exec_on_fill cannot book:
 * the kill switch trips (rule overflow), the opportunity ends with reason
 * overflow.  ARB_FILL_QTY: o's filled quantity is no longer known: o
 * becomes unknown with reason overflow (arb_order_gave_up) and no fill
 * record is written (qty is not used).  ARB_FILL_FEE: the fill record has
 * px and qty and no fee; fee_ccy is the currency the venue charges it in.
 * ARB_FILL_PX (what the venue's cumulative quote amount grew by): as
 * ARB_FILL_QTY, o unknown and no fill record (a fill has a price); the
 * message names qty, and px is not used.
 */
void arb_exec_on_fill_unknown(struct arb_exec *e, struct arb_order *o, enum arb_fill_unknown what,
    arb_dec px, arb_dec qty, const char *fee_ccy, const char *tid, int64_t ts, const char *why);
/* The engine could not follow o's filled quantity (a fill past 36
 * decimals): o stays unknown (reason overflow), and what the venue says of
 * it is no longer applied. */
static inline int
arb_order_gave_up(const struct arb_order *o)
{
	return o->st == ARB_OS_UNKNOWN && !strcmp(o->reason, "overflow");
}
/* A terminal (canceled, rejected, filled) or unknown state. */
void arb_exec_on_end(struct arb_exec *e, struct arb_order *o, enum arb_ostate st,
    const char *reason, int64_t ts);

/* The deterministic client order id of leg `leg` (attempt > 0: an unwind
 * order) of opportunity id, decided at t_decide (the record clock): "a" +
 * 16 hex digits of FNV-1a 64 of the text "ID@T_DECIDE" + "l" + leg [+ "u" +
 * attempt].  Alphanumeric, at most 31 characters.  The decision time
 * tells apart two decisions of one id (see the table of decided ids). */
void arb_exec_cid(char *buf, const char *oppid, int64_t t_decide, int leg, int attempt);

/* Fee of a fill at the order's fee rate: sets *fee and *ccy (the asset
 * charged).  Returns 0, or -1 (*fee 0) when it cannot be computed
 * exactly (an amount past 36 decimals). */
int arb_exec_fee(const struct arb_order *o, arb_dec px, arb_dec qty, arb_dec *fee, const char **ccy);

#endif
