/*
 * report_int.h: the aggregation state shared by report.c (input),
 * report_tab.c (tables: text, CSV, JSON), report_prom.c and
 * report_html.c.  Private to arb-report.
 */
#ifndef ARB_REPORT_INT_H
#define ARB_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include "report.h"

#define RCCY_MAX 16
#define RID_MAX 128
#define RREASON_MAX 128

/* A string -> index hash map (open addressing, keys owned). */
struct rmap {
	char **keys;
	int *vals;
	size_t cap, n;
};
int rmap_get(const struct rmap *m, const char *key);          /* -1 absent */
void rmap_put(struct rmap *m, const char *key, int val);
void rmap_free(struct rmap *m);

/* A growable array of int64 (latencies in microseconds). */
struct i64v {
	int64_t *v;
	size_t n, cap;
};
void i64v_push(struct i64v *a, int64_t x);
void i64v_sort(struct i64v *a);
/* Nearest-rank percentile (p in 1..100) of a sorted array; n > 0. */
int64_t i64v_pct(const struct i64v *a, int p);

/* A price of one symbol, the last one seen (book mid or trade). */
struct rprice {
	char sym[ARB_SYM_MAX];
	arb_dec px;
};

struct ropp {
	char id[RID_MAX];
	char kind[8];
	char route[64];           /* venues of the legs, "binance>kraken" */
	char syms[64];            /* distinct symbols of the legs */
	int64_t ts_new, ts_gone;
	int has_new, has_gone, in_window, matches;
	arb_dec net_bps;
	int has_bps;
	int has_order, has_fill, has_result;
	int64_t ts_first_order;
	int result;               /* index into results, -1 */
};

struct rorder {
	char cid[RID_MAX];
	char ex[ARB_EX_MAX];
	int opp;                  /* index into opps, -1 */
	int64_t ts_first, ts_sent, ts_ack, ts_fill;
	int has_sent, has_ack, has_fill, latency_done;
	int unwind;               /* "role":"unwind" (arb-exec): not a reaction */
	int rejected;
};

struct rresult {
	int64_t ts;
	char opp[RID_MAX];
	char kind[8];
	char status[12];
	char reason[RREASON_MAX];
	char ccy[RCCY_MAX];
	arb_dec pnl, fees, conv;
	int has_fees, has_conv;
	int inexact;              /* reason overflow: pnl leaves out what
	                           * arb-exec could not book; not summed */
	char route[64], syms[64];
};

struct rfill {
	int64_t ts;
	char ex[ARB_EX_MAX];
	char sym[ARB_SYM_MAX];
	char opp[RID_MAX];
	char side[8];
	arb_dec px, qty, fee, conv_fee;
	char fee_ccy[RCCY_MAX];
	int has_conv;
	int nofee;                /* no fee: arb-exec could not compute it
	                           * exactly; unknown, not 0 */
};
/* Is a fill's fee in the reporting currency unknown (no fee, or one
 * without a price), rather than converted or zero? */
static inline int rfill_fee_unknown(const struct rfill *f)
{
	return !f->has_conv && (f->nofee || !arb_dec_is_zero(f->fee));
}

struct rbal {
	char ex[ARB_EX_MAX];
	char asset[RCCY_MAX];
	arb_dec free, locked;
	int has_locked;
	int64_t ts;
};

/* Net flow of one asset over the fills (for open exposure). */
struct rflow {
	char asset[RCCY_MAX];
	arb_dec net;
};

/* Feed state classes for uptime and the timeline. */
enum { FS_UNKNOWN, FS_UP, FS_CONNECTING, FS_GAP, FS_STALE, FS_DOWN };

struct rseg {
	int64_t t;                /* start of a segment */
	int st;                   /* FS_* */
};

struct rfeed {
	char ex[ARB_EX_MAX];
	char sym[ARB_SYM_MAX];    /* "*" for the venue as a whole */
	int st;                   /* current FS_* */
	int64_t t_st;             /* when the current state began (clipped to since) */
	int64_t up_us, obs_us, stale_us, down_us;
	int observed;
	uint64_t gaps, resyncs, stales, disconnects, books, bad_books;
	int64_t last_book;
	int has_book;
	struct rseg *seg;
	size_t nseg, capseg;
};

/* Latency steps, in pipeline order. */
enum { LS_RECV, LS_DETECT, LS_ORDER, LS_ACK, LS_FILL, LS_N };
extern const char *const arb_report_step_names[LS_N];

struct rvenue {
	char ex[ARB_EX_MAX];
	struct i64v lat[LS_N];
};

struct rcheck {
	char text[128];
	char value[ARB_DEC_STRMAX];   /* "" when no data */
	int holds;
};

struct rcount {
	char key[64];
	uint64_t n;
};

struct arb_report {
	struct arb_report_opts o;
	char ccy[RCCY_MAX];       /* reporting currency ("" until known) */
	int ccy_given;
	int64_t first_ts, last_ts, end, start;
	int has_first;
	uint64_t records, in_window, bad, unknown;
	uint64_t types[ARB_R_NTYPES];

	struct rprice *prices; size_t nprices, capprices; struct rmap pricemap;
	struct ropp *opps; size_t nopps, capopps; struct rmap oppmap;
	struct rorder *orders; size_t norders, caporders; struct rmap ordermap;
	struct rresult *results; size_t nresults, capresults;
	struct rfill *fills; size_t nfills, capfills;
	struct rbal *bals; size_t nbals, capbals; struct rmap balmap;
	struct rflow *flows; size_t nflows, capflows; struct rmap flowmap;
	struct rflow *rexpo; size_t nrexpo, caprexpo; struct rmap rexpomap;
	int has_rexpo;            /* some result carried an exposure array */
	struct rfeed *feeds; size_t nfeeds, capfeeds; struct rmap feedmap;
	struct rvenue *venues; size_t nvenues, capvenues; struct rmap venuemap;
	struct rcount *rejects; size_t nrejects, caprejects; struct rmap rejectmap;
	uint64_t nreject_total, nreject_sizing;
	struct i64v lifetime;     /* new -> gone, microseconds */
	struct i64v reaction;     /* new -> ack (or first fill) per order */
	uint64_t risk_refuse, risk_kill;
	uint64_t fills_unconverted, fills_nofee, results_unconverted, results_inexact;
	int finished;
	struct rcheck *checks; size_t nchecks, capchecks;
};

/* Helpers shared by the output modules. */
void rdec_str(arb_dec d, char *buf);              /* trimmed plain decimal */
int rconvert(const struct arb_report *r, const char *ccy, arb_dec v, arb_dec *out);
/* A ratio num/den as a decimal with 4 places, rounded down; -1 if den 0. */
int rratio(arb_dec *out, uint64_t num, uint64_t den);
/* Microseconds as seconds, exact ("0.0125"). */
arb_dec rus_sec(int64_t us);
/* Microseconds as milliseconds, exact ("12.5"). */
arb_dec rus_ms(int64_t us);
int rcount_cmp(const void *a, const void *b);

/* Outputs. */
void arb_report_tables(struct arb_report *r, unsigned reports, enum arb_rep_fmt f,
    struct arb_buf *out);
void arb_report_prom(struct arb_report *r, unsigned reports, struct arb_buf *out);
void arb_report_html(struct arb_report *r, unsigned reports, struct arb_buf *out);

/*
 * The table model used by text, CSV, JSON and HTML: a name, a title,
 * columns (numeric columns are right-aligned and JSON numbers) and rows
 * of cells (NULL: no data, shown as "-", JSON null).
 */
struct rtab {
	const char *name, *title;
	int ncol;
	char cols[12][32];
	int num[12];
	char **cells;             /* nrows * ncol */
	size_t nrows, caprows;
	const char *note;         /* one line printed under the table, or NULL */
};
void rtab_init(struct rtab *t, const char *name, const char *title, const char *spec);
void rtab_row(struct rtab *t, ...);    /* ncol strings (NULL allowed) */
void rtab_free(struct rtab *t);
/* Not a report of its own: the table of --check outcomes, when any. */
#define ARB_REP_CHECKS 0x100u
/* Builds the tables of the selected reports; returns how many. */
size_t arb_report_build(struct arb_report *r, unsigned reports, struct rtab **tabs);

/* Funnel numbers, shared by tables, prom and HTML. */
struct rfunnel {
	uint64_t candidates, after_fees, after_sizing, sent, filled, executed;
	arb_dec pnl;              /* reporting currency */
	int pnl_ok;               /* every executed result's pnl summed */
	struct rcount *drops[4];  /* per step: fees, sizing, sending, filling */
	size_t ndrops[4];
};
void arb_report_funnel(struct arb_report *r, struct rfunnel *f);
void arb_report_funnel_free(struct rfunnel *f);
extern const char *const arb_report_funnel_steps[4];

/* Measured (or given) reaction time, -1 when unknown. */
int64_t arb_report_reaction(struct arb_report *r);
/* Capturable share: lifetime > reaction; -1 when unknown. */
int arb_report_capturable(struct arb_report *r, uint64_t *num, uint64_t *den);

/* Totals over the results and fills of the window. */
struct rtotals {
	uint64_t executed, complete, partial, unwound, failed, skipped, wins;
	arb_dec pnl, fees, loss;      /* reporting currency */
	int has_loss, pnl_ok, fees_ok;
	int wins_ok;              /* no executed result is inexact (its sign
	                           * is not known) */
	int loss_ok;              /* and none without a price made a loss */
	const char *loss_opp;
};
void arb_report_totals(struct arb_report *r, struct rtotals *t);
uint64_t arb_report_detected(struct arb_report *r);
int arb_report_executed(const struct rresult *res);
/* The age of a feed's last book at the end of the report, or where its
 * recording ended (status eof). */
int64_t arb_report_feed_age(const struct arb_report *r, const struct rfeed *f);
/* Open exposure per asset: from the results' exposure arrays when the
 * stream has them, else from the fills (net flow less realised P&L,
 * reporting currency left out).  Returns a malloc'd array of n. */
struct rflow *arb_report_exposure(struct arb_report *r, size_t *n, int *from_results);
struct rfeed **arb_report_sorted_feeds(struct arb_report *r);

#endif
