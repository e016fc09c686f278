/*
 * report_tab.c: the reports as tables, and the table formats: aligned
 * text that fits 80 columns, CSV (RFC 4180 quoting, one block per table)
 * and NDJSON ({"type":"report","table":NAME, column: value, ...}).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "report_int.h"

#define TEXT_WIDTH 80

/* ---- the table model ---- */

/* spec: comma-separated column names, a leading '#' marks a numeric column. */
void rtab_init(struct rtab *t, const char *name, const char *title, const char *spec)
{
	const char *p = spec;

	memset(t, 0, sizeof *t);
	t->name = name;
	t->title = title;
	while (*p && t->ncol < 12) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p), k = n;

		if (*p == '#' || *p == '=') {
			t->num[t->ncol] = *p == '#' ? 1 : 2;
			p++;
			n--;
			k--;
		}
		if (k >= sizeof t->cols[0])
			k = sizeof t->cols[0] - 1;
		memcpy(t->cols[t->ncol], p, k);
		t->cols[t->ncol][k] = '\0';
		t->ncol++;
		p += n;
		if (*p == ',')
			p++;
	}
}

/* s as one line of at most n - 1 bytes: control characters become
 * blanks, as in the cells. */
static const char *oneline(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	buf[i] = '\0';
	return buf;
}

/*
 * Appends the reporting currency to the name of the last column ("pnl_"
 * becomes "pnl_USDT").  Not through the spec: a currency is text from the
 * records, and a ',' in it would make more columns than the rows have.
 */
static void rtab_ccy_col(struct rtab *t, const char *ccy)
{
	char *c = t->cols[t->ncol - 1];
	size_t n = strlen(c);

	oneline(ccy, c + n, sizeof t->cols[0] - n);
}

void rtab_row(struct rtab *t, ...)
{
	va_list ap;
	int i;

	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		xrealloc(&t->cells, t->caprows * (size_t)t->ncol * sizeof *t->cells);
	}
	va_start(ap, t);
	for (i = 0; i < t->ncol; i++) {
		const char *s = va_arg(ap, const char *);

		char *c = s ? xstrdup(s) : NULL;

		/* a cell is one line: control characters become blanks */
		for (char *p = c; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		t->cells[t->nrows * (size_t)t->ncol + (size_t)i] = c;
	}
	va_end(ap);
	t->nrows++;
}

void rtab_free(struct rtab *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncol; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->caprows = 0;
}

/* ---- cell helpers: each returns a pointer into a ring of buffers ---- */

static char *ring(void)
{
	static char b[32][ARB_DEC_STRMAX + 8];
	static int i;

	return b[i++ % 32];
}

static const char *D(arb_dec d)
{
	char *b = ring();

	rdec_str(d, b);
	return b;
}

static const char *U(uint64_t n)
{
	char *b = ring();

	snprintf(b, ARB_DEC_STRMAX, "%llu", (unsigned long long)n);
	return b;
}

static const char *MS(int64_t us)
{
	return D(rus_ms(us));
}

static const char *SEC(int64_t us)
{
	return D(rus_sec(us));
}

/* num/den as a percentage with 2 decimals (rounded down), NULL if den 0.
 * The ratio to 4 places, times 100: num * 100 overflows an int64 for the
 * microseconds of a feed observed for 2^63 / 100 us (records' times go
 * up to 9999-12-31, below 2^58). */
static const char *PCT(uint64_t num, uint64_t den)
{
	arb_dec v;

	if (rratio(&v, num, den) < 0 || arb_dec_mul(&v, v, arb_dec_make(100, 0)) < 0)
		return NULL;
	return D(v);
}

static const char *T(int64_t us)
{
	char *b = ring();

	arb_report_fmt_time(us, b);
	return b;
}

/* ---- summary ---- */

struct grp {
	char key[80];
	char ccy[RCCY_MAX];
	uint64_t n, wins;
	arb_dec pnl, conv;
	int pnl_ok, conv_ok;      /* pnl_ok 0: also the wins are unknown */
};

static int grp_cmp(const void *a, const void *b)
{
	const struct grp *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->ccy, y->ccy);
}

static int executed(const struct rresult *res)
{
	return arb_report_executed(res);
}

int arb_report_executed(const struct rresult *res)
{
	return strcmp(res->status, "skipped") != 0;
}

/* Groups the executed results by a key function and adds a table. */
static void pnl_table(struct arb_report *r, struct rtab *t, const char *name,
    const char *title, const char *keycol, void (*keyf)(const struct rresult *, char *, size_t))
{
	struct grp *g = NULL;
	size_t n = 0, i, k;
	char spec[64];

	snprintf(spec, sizeof spec, "%s,ccy,#trades,#wins,#pnl,#pnl_", keycol);
	rtab_init(t, name, title, spec);
	rtab_ccy_col(t, r->ccy);
	for (i = 0; i < r->nresults; i++) {
		const struct rresult *res = &r->results[i];
		char key[80];

		if (!executed(res))
			continue;
		keyf(res, key, sizeof key);
		for (k = 0; k < n; k++)
			if (!strcmp(g[k].key, key) && !strcmp(g[k].ccy, res->ccy))
				break;
		if (k == n) {
			xrealloc(&g, (n + 1) * sizeof *g);
			memset(&g[n], 0, sizeof *g);
			snprintf(g[n].key, sizeof g[n].key, "%s", key);
			snprintf(g[n].ccy, sizeof g[n].ccy, "%s", res->ccy);
			g[n].pnl = g[n].conv = arb_dec_make(0, 0);
			g[n].pnl_ok = g[n].conv_ok = 1;
			n++;
		}
		g[k].n++;
		if (arb_dec_sign(res->pnl) > 0)
			g[k].wins++;
		if (res->inexact)
			g[k].pnl_ok = 0;
		arb_dec_add(&g[k].pnl, g[k].pnl, res->pnl);
		if (res->has_conv)
			arb_dec_add(&g[k].conv, g[k].conv, res->conv);
		else
			g[k].conv_ok = 0;
	}
	if (n > 1)
		qsort(g, n, sizeof *g, grp_cmp);
	for (k = 0; k < n; k++)
		rtab_row(t, g[k].key, g[k].ccy, U(g[k].n), g[k].pnl_ok ? U(g[k].wins) : NULL,
		    g[k].pnl_ok ? D(g[k].pnl) : NULL, g[k].conv_ok ? D(g[k].conv) : NULL);
	free(g);
}

static void key_day(const struct rresult *res, char *b, size_t n)
{
	char t[20];

	arb_report_fmt_time(res->ts, t);
	snprintf(b, n, "%.10s", t);
}

static void key_route(const struct rresult *res, char *b, size_t n)
{
	snprintf(b, n, "%s", res->route[0] ? res->route : "?");
}

static void key_sym(const struct rresult *res, char *b, size_t n)
{
	snprintf(b, n, "%s", res->syms[0] ? res->syms : "?");
}

static void key_kind(const struct rresult *res, char *b, size_t n)
{
	snprintf(b, n, "%s", res->kind[0] ? res->kind : "?");
}

static int executed(const struct rresult *res);

void arb_report_totals(struct arb_report *r, struct rtotals *t)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->pnl = t->fees = t->loss = arb_dec_make(0, 0);
	t->pnl_ok = t->fees_ok = t->wins_ok = t->loss_ok = 1;
	for (i = 0; i < r->nresults; i++) {
		const struct rresult *res = &r->results[i];

		if (!strcmp(res->status, "complete")) t->complete++;
		else if (!strcmp(res->status, "partial")) t->partial++;
		else if (!strcmp(res->status, "unwound")) t->unwound++;
		else if (!strcmp(res->status, "failed")) t->failed++;
		else if (!strcmp(res->status, "skipped")) t->skipped++;
		if (!executed(res))
			continue;
		t->executed++;
		/* an inexact pnl leaves out what was not booked: neither its
		 * sign nor its size is known; a loss without a price cannot
		 * be compared with the others */
		if (res->inexact)
			t->wins_ok = 0;
		else if (arb_dec_sign(res->pnl) > 0)
			t->wins++;
		if (!res->has_conv) {
			t->pnl_ok = 0;
			if (res->inexact || arb_dec_sign(res->pnl) < 0)
				t->loss_ok = 0;
			continue;
		}
		arb_dec_add(&t->pnl, t->pnl, res->conv);
		if (arb_dec_sign(res->conv) < 0 && (!t->has_loss || arb_dec_cmp(res->conv, t->loss) < 0)) {
			t->loss = res->conv;
			t->has_loss = 1;
			t->loss_opp = res->opp;
		}
	}
	for (i = 0; i < r->nfills; i++) {
		if (r->fills[i].has_conv)
			arb_dec_add(&t->fees, t->fees, r->fills[i].conv_fee);
		else if (rfill_fee_unknown(&r->fills[i]))
			t->fees_ok = 0;
	}
}

uint64_t arb_report_detected(struct arb_report *r)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < r->nopps; i++)
		if (r->opps[i].has_new && r->opps[i].in_window && r->opps[i].matches)
			n++;
	return n;
}

static int bal_cmp(const void *a, const void *b)
{
	const struct rbal *x = *(const struct rbal *const *)a, *y = *(const struct rbal *const *)b;
	int c = strcmp(x->ex, y->ex);

	return c ? c : strcmp(x->asset, y->asset);
}

static size_t build_summary(struct arb_report *r, struct rtab *tabs)
{
	struct rtotals t;
	struct rtab *o = &tabs[0];
	const char *rc = r->ccy;
	size_t i, n = 0;

	arb_report_totals(r, &t);
	rtab_init(o, "overview", "Summary", "item,#value,unit");
	rtab_row(o, "from", r->has_first ? T(r->start) : NULL, "UTC");
	rtab_row(o, "to", r->has_first ? T(r->end) : NULL, "UTC");
	rtab_row(o, "records in the period", U(r->in_window), "");
	rtab_row(o, "bad lines (input)", U(r->bad), "");
	rtab_row(o, "unknown records", U(r->unknown), "");
	rtab_row(o, "opportunities detected", U(arb_report_detected(r)), "");
	rtab_row(o, "executed", U(t.executed), "");
	rtab_row(o, "complete", U(t.complete), "");
	rtab_row(o, "partial", U(t.partial), "");
	rtab_row(o, "unwound", U(t.unwound), "");
	rtab_row(o, "failed", U(t.failed), "");
	rtab_row(o, "skipped", U(t.skipped), "");
	rtab_row(o, "win rate", t.wins_ok ? PCT(t.wins, t.executed) : NULL, "%");
	rtab_row(o, "realised pnl", t.pnl_ok ? D(t.pnl) : NULL, rc);
	rtab_row(o, "fees paid", t.fees_ok ? D(t.fees) : NULL, rc);
	rtab_row(o, "largest loss", t.loss_ok ? D(t.loss) : NULL, rc);
	rtab_row(o, "largest loss opp", !t.loss_ok ? NULL : t.loss_opp ? t.loss_opp : "", "");
	rtab_row(o, "risk refusals", U(r->risk_refuse), "");
	rtab_row(o, "kill switch", U(r->risk_kill), "");
	if (r->results_unconverted || r->fills_unconverted || r->results_inexact || r->fills_nofee) {
		/* what makes a total unknown (one report at a time) */
		static char note[320];
		const char *sep = "";

		note[0] = '\0';
		if (r->results_unconverted || r->fills_unconverted) {
			strcat(note, "some amounts have no price in the reporting currency");
			sep = "; ";
		}
		if (r->results_inexact) {
			strcat(note, sep);
			strcat(note, "some results could not be booked exactly (reason overflow)");
			sep = "; ";
		}
		if (r->fills_nofee) {
			strcat(note, sep);
			strcat(note, "some fills have no fee (not computable exactly)");
		}
		strcat(note, ": totals shown as -");
		o->note = note;
	}
	n = 1;
	pnl_table(r, &tabs[n++], "pnl_day", "Realised P&L by day (UTC)", "day", key_day);
	pnl_table(r, &tabs[n++], "pnl_venue", "Realised P&L by venues", "venues", key_route);
	pnl_table(r, &tabs[n++], "pnl_symbol", "Realised P&L by symbols", "symbols", key_sym);
	pnl_table(r, &tabs[n++], "pnl_kind", "Realised P&L by kind", "kind", key_kind);

	{
		struct rtab *f = &tabs[n++];
		struct grp *g = NULL;
		size_t ng = 0, k;

		rtab_init(f, "fees", "Fees paid", "venue,ccy,#fills,#fees,#fees_");
		rtab_ccy_col(f, rc);
		for (i = 0; i < r->nfills; i++) {
			const struct rfill *fl = &r->fills[i];

			for (k = 0; k < ng; k++)
				if (!strcmp(g[k].key, fl->ex) && !strcmp(g[k].ccy, fl->fee_ccy))
					break;
			if (k == ng) {
				xrealloc(&g, (ng + 1) * sizeof *g);
				memset(&g[ng], 0, sizeof *g);
				snprintf(g[ng].key, sizeof g[ng].key, "%s", fl->ex);
				snprintf(g[ng].ccy, sizeof g[ng].ccy, "%s", fl->fee_ccy);
				g[ng].pnl = g[ng].conv = arb_dec_make(0, 0);
				g[ng].pnl_ok = g[ng].conv_ok = 1;
				ng++;
			}
			g[k].n++;
			arb_dec_add(&g[k].pnl, g[k].pnl, fl->fee);
			if (fl->nofee)
				g[k].pnl_ok = 0;
			if (fl->has_conv)
				arb_dec_add(&g[k].conv, g[k].conv, fl->conv_fee);
			else if (rfill_fee_unknown(fl))
				g[k].conv_ok = 0;
		}
		if (ng > 1)
			qsort(g, ng, sizeof *g, grp_cmp);
		for (k = 0; k < ng; k++)
			rtab_row(f, g[k].key, g[k].ccy, U(g[k].n), g[k].pnl_ok ? D(g[k].pnl) : NULL,
			    g[k].conv_ok ? D(g[k].conv) : NULL);
		free(g);
	}
	{
		struct rtab *e = &tabs[n++];
		struct rflow *ev;
		size_t ne;
		int from_results;

		rtab_init(e, "exposure", "Open exposure at the end", "asset,#net,#value_");
		rtab_ccy_col(e, rc);
		ev = arb_report_exposure(r, &ne, &from_results);
		for (i = 0; i < ne; i++) {
			arb_dec v;

			rtab_row(e, ev[i].asset, D(ev[i].net),
			    rconvert(r, ev[i].asset, ev[i].net, &v) == 0 ? D(v) : NULL);
		}
		free(ev);
		e->note = from_results ? "sum of the results' exposure; value at the last price" :
		    "net of all fills less realised P&L; value at the last price";
	}
	{
		struct rtab *b = &tabs[n++];

		rtab_init(b, "balances", "Balances at the end", "venue,asset,#free,#locked,=as_of");
		const struct rbal **bv = xcalloc(r->nbals + 1, sizeof *bv);

		for (i = 0; i < r->nbals; i++)
			bv[i] = &r->bals[i];
		if (r->nbals > 1)
			qsort(bv, r->nbals, sizeof *bv, bal_cmp);
		for (i = 0; i < r->nbals; i++)
			rtab_row(b, bv[i]->ex, bv[i]->asset, D(bv[i]->free),
			    bv[i]->has_locked ? D(bv[i]->locked) : NULL, T(bv[i]->ts));
		free(bv);
	}
	return n;
}

/* ---- funnel ---- */

static size_t build_funnel(struct arb_report *r, struct rtab *tabs)
{
	struct rfunnel f;
	struct rtab *t = &tabs[0], *d = &tabs[1];
	uint64_t c[5];
	char pnlname[48];
	int i;
	size_t k;

	arb_report_funnel(r, &f);
	c[0] = f.candidates;
	c[1] = f.after_fees;
	c[2] = f.after_sizing;
	c[3] = f.sent;
	c[4] = f.filled;
	rtab_init(t, "funnel", "Opportunity funnel", "stage,#count,#dropped,#share_pct");
	rtab_row(t, "candidates", U(c[0]), "0", c[0] ? "100" : NULL);
	for (i = 0; i < 4; i++)
		rtab_row(t, arb_report_funnel_steps[i], U(c[i + 1]), U(c[i] - c[i + 1]),
		    PCT(c[i + 1], c[0]));
	snprintf(pnlname, sizeof pnlname, "net_pnl_%s", r->ccy);
	rtab_row(t, pnlname, f.pnl_ok ? D(f.pnl) : NULL, (const char *)NULL, (const char *)NULL);
	t->note = "net_pnl: realised P&L of the executed opportunities";
	rtab_init(d, "funnel_reasons", "Why candidates fell out", "step,reason,#count");
	for (i = 0; i < 4; i++)
		for (k = 0; k < f.ndrops[i]; k++)
			rtab_row(d, arb_report_funnel_steps[i], f.drops[i][k].key, U(f.drops[i][k].n));
	arb_report_funnel_free(&f);
	return 2;
}

/* ---- latency ---- */

static int venue_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rvenue *)a)->ex, ((const struct rvenue *)b)->ex);
}

static size_t build_latency(struct arb_report *r, struct rtab *tabs)
{
	struct rtab *t = &tabs[0], *l = &tabs[1];
	uint64_t num, den;
	int64_t rt;
	size_t i;
	int k;

	/* Venues sorted by name for a stable output (the map keeps indexes,
	 * so sort a copy of the pointers' order instead of the array). */
	struct rvenue **v = xcalloc(r->nvenues + 1, sizeof *v);
	for (i = 0; i < r->nvenues; i++)
		v[i] = &r->venues[i];
	for (i = 1; i < r->nvenues; i++) {
		size_t j = i;

		while (j > 0 && venue_cmp(v[j - 1], v[j]) > 0) {
			struct rvenue *x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
			j--;
		}
	}
	rtab_init(t, "latency", "Latency per venue (milliseconds)",
	    "venue,step,#n,#p50_ms,#p90_ms,#p99_ms,#max_ms");
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++) {
			const struct i64v *a = &v[i]->lat[k];

			if (!a->n)
				continue;
			rtab_row(t, v[i]->ex, arb_report_step_names[k], U(a->n), MS(i64v_pct(a, 50)),
			    MS(i64v_pct(a, 90)), MS(i64v_pct(a, 99)), MS(a->v[a->n - 1]));
		}
	free(v);
	t->note = "receive: rt-ts of books and trades; detect: opportunity ts - book_ts; "
	    "order: first order - opportunity; ack: acked - sent; fill: first fill - ack";
	rtab_init(l, "lifetime", "Opportunity lifetime and reaction", "item,#value,unit");
	rtab_row(l, "opportunities with new and gone", U(r->lifetime.n), "");
	rtab_row(l, "lifetime p50", r->lifetime.n ? MS(i64v_pct(&r->lifetime, 50)) : NULL, "ms");
	rtab_row(l, "lifetime p90", r->lifetime.n ? MS(i64v_pct(&r->lifetime, 90)) : NULL, "ms");
	rtab_row(l, "lifetime p99", r->lifetime.n ? MS(i64v_pct(&r->lifetime, 99)) : NULL, "ms");
	rt = arb_report_reaction(r);
	rtab_row(l, r->o.reaction_us > 0 ? "reaction time (given)" : "reaction time (measured p50)",
	    rt >= 0 ? MS(rt) : NULL, "ms");
	if (arb_report_capturable(r, &num, &den) == 0) {
		rtab_row(l, "capturable", U(num), "");
		rtab_row(l, "capturable share", PCT(num, den), "%");
	} else {
		rtab_row(l, "capturable", (const char *)NULL, "");
		rtab_row(l, "capturable share", (const char *)NULL, "%");
	}
	return 2;
}

/* ---- feed health ---- */

static int feed_cmp(const void *a, const void *b)
{
	const struct rfeed *x = *(const struct rfeed *const *)a, *y = *(const struct rfeed *const *)b;
	int c = strcmp(x->ex, y->ex);

	return c ? c : strcmp(x->sym, y->sym);
}

/* Feeds sorted by venue and symbol; caller frees. */
struct rfeed **arb_report_sorted_feeds(struct arb_report *r)
{
	struct rfeed **v = xcalloc(r->nfeeds + 1, sizeof *v);
	size_t i;

	for (i = 0; i < r->nfeeds; i++)
		v[i] = &r->feeds[i];
	if (r->nfeeds > 1)
		qsort(v, r->nfeeds, sizeof *v, feed_cmp);
	return v;
}

static size_t build_feed(struct arb_report *r, struct rtab *tabs)
{
	struct rtab *t = &tabs[0];
	struct rfeed **v = arb_report_sorted_feeds(r);
	size_t i;

	rtab_init(t, "feed", "Feed health",
	    "venue,symbol,#up_pct,#gaps,#resyncs,#stale,#disc,#down_s,#stale_s,#age_s");
	for (i = 0; i < r->nfeeds; i++) {
		const struct rfeed *f = v[i];

		rtab_row(t, f->ex, f->sym, f->obs_us ? PCT((uint64_t)f->up_us, (uint64_t)f->obs_us) : NULL,
		    U(f->gaps), U(f->resyncs), U(f->stales), U(f->disconnects), SEC(f->down_us),
		    SEC(f->stale_us), f->has_book ? SEC(arb_report_feed_age(r, f)) : NULL);
	}
	t->note = "up_pct: time synced over time observed (symbol *: the venue's connection); "
	    "age_s: age of the last book at the end (or where its recording ended)";
	free(v);
	return 1;
}

/* ---- trades ---- */

static size_t build_trades(struct arb_report *r, struct rtab *tabs)
{
	struct rtab *t = &tabs[0], *f = &tabs[1];
	size_t i;

	rtab_init(t, "trades", "Results", "=time,opp,kind,status,reason,#pnl,ccy");
	for (i = 0; i < r->nresults; i++) {
		const struct rresult *res = &r->results[i];

		rtab_row(t, T(res->ts), res->opp, res->kind, res->status, res->reason, D(res->pnl), res->ccy);
	}
	rtab_init(f, "fills", "Fills", "=time,opp,venue,symbol,side,#px,#qty,#fee,ccy");
	for (i = 0; i < r->nfills; i++) {
		const struct rfill *fl = &r->fills[i];

		rtab_row(f, T(fl->ts), fl->opp, fl->ex, fl->sym, fl->side, D(fl->px), D(fl->qty),
		    fl->nofee ? NULL : D(fl->fee), fl->fee_ccy);
	}
	return 2;
}

size_t arb_report_build(struct arb_report *r, unsigned reports, struct rtab **tabsp)
{
	struct rtab *tabs = xcalloc(24, sizeof *tabs);
	size_t n = 0;

	if (reports & ARB_REP_SUMMARY)
		n += build_summary(r, tabs + n);
	if (reports & ARB_REP_FUNNEL)
		n += build_funnel(r, tabs + n);
	if (reports & ARB_REP_LATENCY)
		n += build_latency(r, tabs + n);
	if (reports & ARB_REP_FEED)
		n += build_feed(r, tabs + n);
	if (reports & ARB_REP_TRADES)
		n += build_trades(r, tabs + n);
	if ((reports & ARB_REP_CHECKS) && r->nchecks) {
		struct rtab *t = &tabs[n++];
		size_t i;

		rtab_init(t, "checks", "Checks", "check,#value,status");
		for (i = 0; i < r->nchecks; i++)
			rtab_row(t, r->checks[i].text, r->checks[i].value[0] ? r->checks[i].value : NULL,
			    r->checks[i].holds ? "ok" : "BREACHED");
	}
	*tabsp = tabs;
	return n;
}

/* ---- formats ---- */

static const char *cell(const struct rtab *t, size_t row, int col)
{
	return t->cells[row * (size_t)t->ncol + (size_t)col];
}

static size_t ulen(const char *s)
{
	size_t n = 0;

	/* display width: count UTF-8 lead bytes */
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Byte offset of the k-th character of s (UTF-8), or its length. */
static size_t uoff(const char *s, size_t k)
{
	size_t i = 0;

	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && k-- == 0)
			return i;
	return i;
}

static void pad(struct arb_buf *b, size_t n)
{
	while (n--)
		arb_buf_addc(b, ' ');
}

/* Adds s in a field of width w, truncated with '~' when it is longer:
 * at the end, or (kind 2, times) at the start, keeping the time of day. */
static void field(struct arb_buf *b, const char *s, size_t w, int kind)
{
	size_t n = ulen(s);
	int right = kind == 1;

	if (n > w && kind == 2) {
		arb_buf_addc(b, '~');
		arb_buf_adds(b, s + uoff(s, n - w + 1));
		return;
	}
	if (n > w) {
		arb_buf_add(b, s, uoff(s, w - 1));
		arb_buf_addc(b, '~');
		return;
	}
	if (right)
		pad(b, w - n);
	arb_buf_adds(b, s);
	if (!right)
		pad(b, w - n);
}

static void text_table(const struct rtab *t, struct arb_buf *b, size_t width)
{
	size_t w[12], total, i;
	int c;

	arb_buf_printf(b, "\n%s\n", t->title);
	for (c = 0; c < t->ncol; c++) {
		w[c] = strlen(t->cols[c]);
		for (i = 0; i < t->nrows; i++) {
			const char *s = cell(t, i, c);
			size_t n = s ? ulen(s) : 1;

			if (n > w[c])
				w[c] = n;
		}
	}
	/* Fit the width (default 80 columns): shrink the widest text column,
	 * never a number.  Width 0: never truncate. */
	for (; width;) {
		int wide = -1;

		total = 0;
		for (c = 0; c < t->ncol; c++)
			total += w[c] + (c ? 2 : 0);
		if (total <= width)
			break;
		for (c = 0; c < t->ncol; c++)
			if (t->num[c] == 0 && w[c] > 6 && (wide < 0 || w[c] > w[wide]))
				wide = c;
		/* then times, down to the time of day, then text down to 4 */
		for (c = 0; wide < 0 && c < t->ncol; c++)
			if (t->num[c] == 2 && w[c] > 9)
				wide = c;
		for (c = 0; wide < 0 && c < t->ncol; c++)
			if (t->num[c] == 0 && w[c] > 4 && (wide < 0 || w[c] > w[wide]))
				wide = c;
		if (wide < 0)
			break;
		w[wide]--;
	}
	for (c = 0; c < t->ncol; c++) {
		if (c)
			arb_buf_adds(b, "  ");
		field(b, t->cols[c], w[c], t->num[c] == 1);
	}
	while (b->len && b->p[b->len - 1] == ' ')
		b->len--;
	arb_buf_addc(b, '\n');
	for (c = 0; c < t->ncol; c++) {
		size_t k;

		if (c)
			arb_buf_adds(b, "  ");
		for (k = 0; k < w[c]; k++)
			arb_buf_addc(b, '-');
	}
	arb_buf_addc(b, '\n');
	if (!t->nrows)
		arb_buf_adds(b, "(none)\n");
	for (i = 0; i < t->nrows; i++) {
		for (c = 0; c < t->ncol; c++) {
			const char *s = cell(t, i, c);

			if (c)
				arb_buf_adds(b, "  ");
			field(b, s ? s : "-", w[c], t->num[c]);
		}
		while (b->len && b->p[b->len - 1] == ' ')
			b->len--;
		arb_buf_addc(b, '\n');
	}
	if (t->note && t->nrows) {
		/* Notes are wrapped at word boundaries to fit. */
		const char *p = t->note;
		size_t col = 0;

		arb_buf_adds(b, "note:");
		col = 5;
		while (*p) {
			const char *e = strchr(p, ' ');
			size_t n = e ? (size_t)(e - p) : strlen(p);

			if (col + 1 + n > (width ? width : TEXT_WIDTH) && col > 6) {
				arb_buf_adds(b, "\n     ");
				col = 5;
			}
			arb_buf_addc(b, ' ');
			arb_buf_add(b, p, n);
			col += n + 1;
			p += n;
			while (*p == ' ')
				p++;
		}
		arb_buf_addc(b, '\n');
	}
}

static void csv_field(struct arb_buf *b, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		arb_buf_adds(b, s);
		return;
	}
	arb_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			arb_buf_addc(b, '"');
		arb_buf_addc(b, *s);
	}
	arb_buf_addc(b, '"');
}

static void csv_table(const struct rtab *t, struct arb_buf *b, int first)
{
	size_t i;
	int c;

	if (!first)
		arb_buf_adds(b, "\r\n");
	arb_buf_adds(b, "table");
	for (c = 0; c < t->ncol; c++) {
		arb_buf_addc(b, ',');
		csv_field(b, t->cols[c]);
	}
	arb_buf_adds(b, "\r\n");
	for (i = 0; i < t->nrows; i++) {
		csv_field(b, t->name);
		for (c = 0; c < t->ncol; c++) {
			arb_buf_addc(b, ',');
			csv_field(b, cell(t, i, c));
		}
		arb_buf_adds(b, "\r\n");
	}
}

/* A JSON number literal: -?(0|[1-9][0-9]*)(\.[0-9]+)? */
static int is_jnum(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void json_table(const struct rtab *t, struct arb_buf *b)
{
	size_t i;
	int c;

	for (i = 0; i < t->nrows; i++) {
		arb_buf_adds(b, "{\"type\":\"report\",\"table\":");
		arb_json_quote(b, t->name, strlen(t->name));
		for (c = 0; c < t->ncol; c++) {
			const char *s = cell(t, i, c);

			arb_buf_addc(b, ',');
			arb_json_quote(b, t->cols[c], strlen(t->cols[c]));
			arb_buf_addc(b, ':');
			if (!s)
				arb_buf_adds(b, "null");
			else if (t->num[c] == 1 && is_jnum(s))
				arb_buf_adds(b, s);
			else
				arb_json_quote(b, s, strlen(s));
		}
		arb_buf_adds(b, "}\n");
	}
}

void arb_report_tables(struct arb_report *r, unsigned reports, enum arb_rep_fmt f,
    struct arb_buf *out)
{
	struct rtab *tabs;
	size_t n = arb_report_build(r, reports | ARB_REP_CHECKS, &tabs), i;
	char ccy[RCCY_MAX];

	/* the currency is a record's text: one line, like a cell */
	oneline(r->ccy, ccy, sizeof ccy);
	if (f == ARB_FMT_TEXT && r->has_first)
		arb_buf_printf(out, "arb-report: %s .. %s UTC, amounts in %s\n", T(r->start), T(r->end),
		    ccy);
	else if (f == ARB_FMT_TEXT)
		arb_buf_printf(out, "arb-report: no records, amounts in %s\n", ccy);
	for (i = 0; i < n; i++) {
		if (f == ARB_FMT_TEXT)
			text_table(&tabs[i], out, r->o.width < 0 ? 0 : r->o.width ? (size_t)r->o.width : TEXT_WIDTH);
		else if (f == ARB_FMT_CSV)
			csv_table(&tabs[i], out, i == 0);
		else
			json_table(&tabs[i], out);
		rtab_free(&tabs[i]);
	}
	free(tabs);
}

void arb_report_write(struct arb_report *r, enum arb_rep_fmt f, unsigned reports,
    struct arb_buf *out)
{
	arb_report_finish(r);
	if (f == ARB_FMT_PROM)
		arb_report_prom(r, reports, out);
	else if (f == ARB_FMT_HTML)
		arb_report_html(r, reports, out);
	else
		arb_report_tables(r, reports, f, out);
}
