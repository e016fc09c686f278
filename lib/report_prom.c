/*
 * report_prom.c: the reports as Prometheus text exposition (format
 * 0.0.4), for node_exporter's textfile collector.  Every family is a
 * gauge describing the report window; no sample timestamps (the
 * collector stamps them), values in plain decimal.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_int.h"

static void fam(struct arb_buf *b, const char *name, const char *help)
{
	arb_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void lblval(struct arb_buf *b, const char *v)
{
	arb_buf_addc(b, '"');
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			arb_buf_addc(b, '\\');
		if (*v == '\n')
			arb_buf_adds(b, "\\n");
		else
			arb_buf_addc(b, *v);
	}
	arb_buf_addc(b, '"');
}

/* sample(b, name, value, n, k1, v1, ...): n label pairs. */
static void sample(struct arb_buf *b, const char *name, const char *value, int n, ...)
{
	va_list ap;
	int i;

	arb_buf_adds(b, name);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *k = va_arg(ap, const char *), *v = va_arg(ap, const char *);

		arb_buf_adds(b, i ? "," : "{");
		arb_buf_adds(b, k);
		arb_buf_addc(b, '=');
		lblval(b, v);
	}
	va_end(ap);
	if (n)
		arb_buf_addc(b, '}');
	arb_buf_addc(b, ' ');
	arb_buf_adds(b, value);
	arb_buf_addc(b, '\n');
}

static const char *D(arb_dec d, char *buf)
{
	rdec_str(d, buf);
	return buf;
}

static const char *U(uint64_t n, char *buf)
{
	snprintf(buf, ARB_DEC_STRMAX, "%llu", (unsigned long long)n);
	return buf;
}

static void prom_summary(struct arb_report *r, struct arb_buf *b)
{
	struct rtotals t;
	char v[ARB_DEC_STRMAX], ccy[64][RCCY_MAX];
	arb_dec sums[64];
	int known[64];
	size_t nccy = 0, i, k;

	arb_report_totals(r, &t);
	fam(b, "arb_pnl", "Realised P&L of executed opportunities in each currency.");
	for (i = 0; i < r->nresults; i++) {
		if (!arb_report_executed(&r->results[i]))
			continue;
		for (k = 0; k < nccy; k++)
			if (!strcmp(ccy[k], r->results[i].ccy))
				break;
		if (k == nccy) {
			if (nccy == 64)
				continue;
			snprintf(ccy[nccy], sizeof ccy[0], "%s", r->results[i].ccy);
			known[nccy] = 1;
			sums[nccy++] = arb_dec_make(0, 0);
		}
		if (r->results[i].inexact)
			known[k] = 0;
		arb_dec_add(&sums[k], sums[k], r->results[i].pnl);
	}
	/* a sum that leaves out what arb-exec could not book is not given */
	for (k = 0; k < nccy; k++)
		if (known[k])
			sample(b, "arb_pnl", D(sums[k], v), 1, "ccy", ccy[k]);
	if (t.pnl_ok) {
		fam(b, "arb_pnl_report", "Realised P&L converted to the reporting currency.");
		sample(b, "arb_pnl_report", D(t.pnl, v), 1, "ccy", r->ccy);
	}
	if (t.fees_ok) {
		fam(b, "arb_fees_report", "Fees paid on fills, in the reporting currency.");
		sample(b, "arb_fees_report", D(t.fees, v), 1, "ccy", r->ccy);
	}
	fam(b, "arb_opportunities_detected", "Distinct opportunities detected.");
	sample(b, "arb_opportunities_detected", U(arb_report_detected(r), v), 0);
	fam(b, "arb_results", "Execution results by status.");
	sample(b, "arb_results", U(t.complete, v), 1, "status", "complete");
	sample(b, "arb_results", U(t.partial, v), 1, "status", "partial");
	sample(b, "arb_results", U(t.unwound, v), 1, "status", "unwound");
	sample(b, "arb_results", U(t.failed, v), 1, "status", "failed");
	sample(b, "arb_results", U(t.skipped, v), 1, "status", "skipped");
	fam(b, "arb_results_inexact", "Results whose P&L could not be booked exactly (reason overflow).");
	sample(b, "arb_results_inexact", U(r->results_inexact, v), 0);
	if (t.executed && t.wins_ok) {
		arb_dec w;

		rratio(&w, t.wins, t.executed);
		fam(b, "arb_win_ratio", "Executed opportunities with a positive P&L, 0 to 1.");
		sample(b, "arb_win_ratio", D(w, v), 0);
	}
	if (t.loss_ok) {
		fam(b, "arb_largest_loss", "Most negative P&L of one opportunity (0: none).");
		sample(b, "arb_largest_loss", D(t.loss, v), 1, "ccy", r->ccy);
	}
	{
		size_t ne;
		int fr;
		struct rflow *ev = arb_report_exposure(r, &ne, &fr);

		fam(b, "arb_exposure", "Open (unhedged) quantity of an asset at the end.");
		for (i = 0; i < ne; i++)
			sample(b, "arb_exposure", D(ev[i].net, v), 1, "asset", ev[i].asset);
		free(ev);
	}
	fam(b, "arb_balance", "Last balance per venue and asset.");
	for (i = 0; i < r->nbals; i++) {
		sample(b, "arb_balance", D(r->bals[i].free, v), 3, "venue", r->bals[i].ex,
		    "asset", r->bals[i].asset, "kind", "free");
		if (r->bals[i].has_locked)
			sample(b, "arb_balance", D(r->bals[i].locked, v), 3, "venue", r->bals[i].ex,
			    "asset", r->bals[i].asset, "kind", "locked");
	}
}

static void prom_funnel(struct arb_report *r, struct arb_buf *b)
{
	struct rfunnel f;
	char v[ARB_DEC_STRMAX];
	size_t k;
	int i;

	arb_report_funnel(r, &f);
	fam(b, "arb_funnel", "Opportunities left at each stage of the funnel.");
	sample(b, "arb_funnel", U(f.candidates, v), 1, "stage", "candidates");
	sample(b, "arb_funnel", U(f.after_fees, v), 1, "stage", "after_fees");
	sample(b, "arb_funnel", U(f.after_sizing, v), 1, "stage", "after_sizing");
	sample(b, "arb_funnel", U(f.sent, v), 1, "stage", "sent");
	sample(b, "arb_funnel", U(f.filled, v), 1, "stage", "filled");
	fam(b, "arb_funnel_dropped", "Candidates that fell out at a step, by reason.");
	for (i = 0; i < 4; i++)
		for (k = 0; k < f.ndrops[i]; k++)
			sample(b, "arb_funnel_dropped", U(f.drops[i][k].n, v), 2,
			    "step", arb_report_funnel_steps[i], "reason", f.drops[i][k].key);
	if (f.pnl_ok) {
		fam(b, "arb_funnel_pnl", "Net P&L of the executed opportunities, reporting currency.");
		sample(b, "arb_funnel_pnl", D(f.pnl, v), 1, "ccy", r->ccy);
	}
	arb_report_funnel_free(&f);
}

static void prom_latency(struct arb_report *r, struct arb_buf *b)
{
	static const char *const q[3] = { "0.5", "0.9", "0.99" };
	static const int p[3] = { 50, 90, 99 };
	char v[ARB_DEC_STRMAX];
	uint64_t num, den;
	int64_t rt;
	size_t i;
	int k, j;

	fam(b, "arb_latency_seconds", "Latency percentiles per venue and pipeline step.");
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++)
			for (j = 0; j < 3; j++)
				if (r->venues[i].lat[k].n)
					sample(b, "arb_latency_seconds",
					    D(rus_sec(i64v_pct(&r->venues[i].lat[k], p[j])), v), 3,
					    "venue", r->venues[i].ex, "step", arb_report_step_names[k],
					    "quantile", q[j]);
	fam(b, "arb_latency_samples", "Samples behind each latency percentile.");
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++)
			if (r->venues[i].lat[k].n)
				sample(b, "arb_latency_samples", U(r->venues[i].lat[k].n, v), 2,
				    "venue", r->venues[i].ex, "step", arb_report_step_names[k]);
	if (r->lifetime.n) {
		fam(b, "arb_opportunity_lifetime_seconds", "Opportunity lifetime (new to gone).");
		for (j = 0; j < 3; j++)
			sample(b, "arb_opportunity_lifetime_seconds",
			    D(rus_sec(i64v_pct(&r->lifetime, p[j])), v), 1, "quantile", q[j]);
	}
	if ((rt = arb_report_reaction(r)) >= 0) {
		fam(b, "arb_reaction_seconds", "Reaction time: opportunity to order acknowledged.");
		sample(b, "arb_reaction_seconds", D(rus_sec(rt), v), 0);
	}
	if (arb_report_capturable(r, &num, &den) == 0) {
		arb_dec w;

		rratio(&w, num, den);
		fam(b, "arb_capturable_ratio", "Share of opportunities that outlived the reaction time.");
		sample(b, "arb_capturable_ratio", D(w, v), 0);
	}
}

static void prom_feed(struct arb_report *r, struct arb_buf *b)
{
	static const struct {
		const char *name, *help;
	} fams[] = {
		{ "arb_feed_up_ratio", "Time synced over time observed, 0 to 1." },
		{ "arb_feed_gaps", "Sequence gaps announced." },
		{ "arb_feed_resyncs", "Book resynchronisations." },
		{ "arb_feed_stale_periods", "Times the feed went stale." },
		{ "arb_feed_disconnects", "Disconnections." },
		{ "arb_feed_down_seconds", "Time in gap, resync or disconnected state." },
		{ "arb_feed_stale_seconds", "Time in stale state." },
		{ "arb_feed_age_seconds", "Age of the last book at the end of the report (or where its recording ended)." },
	};
	struct rfeed **fv = arb_report_sorted_feeds(r);
	char v[ARB_DEC_STRMAX];
	size_t i, k;

	for (k = 0; k < sizeof fams / sizeof fams[0]; k++) {
		fam(b, fams[k].name, fams[k].help);
		for (i = 0; i < r->nfeeds; i++) {
			const struct rfeed *f = fv[i];
			arb_dec d;

			switch (k) {
			case 0:
				if (!f->obs_us || rratio(&d, (uint64_t)f->up_us, (uint64_t)f->obs_us) < 0)
					continue;
				D(d, v);
				break;
			case 1: U(f->gaps, v); break;
			case 2: U(f->resyncs, v); break;
			case 3: U(f->stales, v); break;
			case 4: U(f->disconnects, v); break;
			case 5: D(rus_sec(f->down_us), v); break;
			case 6: D(rus_sec(f->stale_us), v); break;
			default:
				if (!f->has_book)
					continue;
				D(rus_sec(arb_report_feed_age(r, f)), v);
				break;
			}
			sample(b, fams[k].name, v, 2, "venue", f->ex, "symbol", f->sym);
		}
	}
	free(fv);
}

static void prom_trades(struct arb_report *r, struct arb_buf *b)
{
	char v[ARB_DEC_STRMAX];

	fam(b, "arb_trades", "Results in the window (any status).");
	sample(b, "arb_trades", U(r->nresults, v), 0);
	fam(b, "arb_fills", "Fills in the window.");
	sample(b, "arb_fills", U(r->nfills, v), 0);
}

void arb_report_prom(struct arb_report *r, unsigned reports, struct arb_buf *b)
{
	char v[ARB_DEC_STRMAX];

	fam(b, "arb_report_end_timestamp_seconds", "End of the report window (record time).");
	sample(b, "arb_report_end_timestamp_seconds", D(rus_sec(r->end), v), 0);
	fam(b, "arb_report_start_timestamp_seconds", "Start of the report window (record time).");
	sample(b, "arb_report_start_timestamp_seconds", D(rus_sec(r->start), v), 0);
	fam(b, "arb_report_records", "Records in the report window.");
	sample(b, "arb_report_records", U(r->in_window, v), 0);
	fam(b, "arb_report_bad_lines", "Input lines skipped as bad.");
	sample(b, "arb_report_bad_lines", U(r->bad, v), 0);
	if (reports & ARB_REP_SUMMARY)
		prom_summary(r, b);
	if (reports & ARB_REP_FUNNEL)
		prom_funnel(r, b);
	if (reports & ARB_REP_LATENCY)
		prom_latency(r, b);
	if (reports & ARB_REP_FEED)
		prom_feed(r, b);
	if (reports & ARB_REP_TRADES)
		prom_trades(r, b);
	if (r->nchecks) {
		size_t i;

		fam(b, "arb_check_ok", "1 when a --check holds, 0 when it is breached.");
		for (i = 0; i < r->nchecks; i++) {
			size_t k;

			for (k = 0; k < i; k++)
				if (!strcmp(r->checks[k].text, r->checks[i].text))
					break;
			if (k == i)   /* the same check twice is one series */
				sample(b, "arb_check_ok", r->checks[i].holds ? "1" : "0", 1,
				    "check", r->checks[i].text);
		}
	}
}
