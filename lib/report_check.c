/*
 * report_check.c: --check expressions and the metrics they test.
 *
 *   check  := metric op number
 *   metric := [a-z][a-z0-9_]*        (see arb_report_metric_names)
 *   op     := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   number := [+-]?digits[.digits]   (compared exactly, as decimals)
 *
 * Blanks around the parts are allowed.  A check holds when the comparison
 * is true; it is breached when it is false or when the metric has no data.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "report.h"
#include "report_int.h"

const char *const arb_report_metric_names[] = {
	"pnl", "pnl_DURATION", "fees", "fees_DURATION", "opportunities", "executed",
	"complete", "partial", "unwound", "failed", "skipped", "win_rate", "largest_loss",
	"exposure_assets", "kills", "refusals", "stale_seconds", "down_seconds", "gaps",
	"resyncs", "stale_periods", "disconnects", "uptime", "ack_p99_ms", "reaction_ms",
	"capturable", "records", "bad_lines",
	NULL
};

const char *arb_check_opname(int op)
{
	switch (op) {
	case ARB_CMP_LT: return "<";
	case ARB_CMP_LE: return "<=";
	case ARB_CMP_GT: return ">";
	case ARB_CMP_GE: return ">=";
	case ARB_CMP_EQ: return "==";
	case ARB_CMP_NE: return "!=";
	}
	return "?";
}

int arb_check_parse(struct arb_check *c, const char *expr, char *why, size_t whylen)
{
	const char *p = expr, *q, *err;
	size_t n;

	memset(c, 0, sizeof *c);
	c->text = expr;
	while (*p == ' ' || *p == '\t')
		p++;
	for (q = p; (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'; q++)
		;
	n = (size_t)(q - p);
	if (!n || !(*p >= 'a' && *p <= 'z')) {
		snprintf(why, whylen, "expected a metric name at \"%s\"", p);
		return -1;
	}
	if (n >= sizeof c->metric) {
		snprintf(why, whylen, "metric name too long");
		return -1;
	}
	memcpy(c->metric, p, n);
	c->metric[n] = '\0';
	p = q;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '<' && p[1] == '=') c->op = ARB_CMP_LE, p += 2;
	else if (p[0] == '>' && p[1] == '=') c->op = ARB_CMP_GE, p += 2;
	else if (p[0] == '=' && p[1] == '=') c->op = ARB_CMP_EQ, p += 2;
	else if (p[0] == '!' && p[1] == '=') c->op = ARB_CMP_NE, p += 2;
	else if (p[0] == '<') c->op = ARB_CMP_LT, p += 1;
	else if (p[0] == '>') c->op = ARB_CMP_GT, p += 1;
	else {
		snprintf(why, whylen, "expected one of < <= > >= == != after \"%s\"", c->metric);
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	for (q = p; *q && *q != ' ' && *q != '\t'; q++)
		;
	if (q == p || strpbrk(p, "eE") || arb_dec_parse(&c->value, p, (size_t)(q - p), &err) < 0) {
		snprintf(why, whylen, "expected a decimal number at \"%s\"", p);
		return -1;
	}
	while (*q == ' ' || *q == '\t')
		q++;
	if (*q) {
		snprintf(why, whylen, "unexpected text at \"%s\"", q);
		return -1;
	}
	return 0;
}

int arb_check_holds(const struct arb_check *c, arb_dec v)
{
	int k = arb_dec_cmp(v, c->value);

	switch (c->op) {
	case ARB_CMP_LT: return k < 0;
	case ARB_CMP_LE: return k <= 0;
	case ARB_CMP_GT: return k > 0;
	case ARB_CMP_GE: return k >= 0;
	case ARB_CMP_EQ: return k == 0;
	case ARB_CMP_NE: return k != 0;
	}
	return 0;
}

static arb_dec U(uint64_t n)
{
	return arb_dec_make((int64_t)n, 0);
}

/* P&L or fees over (end - d, end]; 1 when some amount has no price. */
static int window_sum(struct arb_report *r, int fees, int64_t d, arb_dec *v)
{
	int64_t from = r->end - d;
	size_t i;

	*v = arb_dec_make(0, 0);
	if (fees) {
		for (i = 0; i < r->nfills; i++) {
			if (r->fills[i].ts <= from)
				continue;
			if (r->fills[i].has_conv)
				arb_dec_add(v, *v, r->fills[i].conv_fee);
			else if (rfill_fee_unknown(&r->fills[i]))
				return 1;
		}
		return 0;
	}
	for (i = 0; i < r->nresults; i++) {
		if (r->results[i].ts <= from || !arb_report_executed(&r->results[i]))
			continue;
		if (!r->results[i].has_conv)
			return 1;
		arb_dec_add(v, *v, r->results[i].conv);
	}
	return 0;
}

int arb_report_metric(struct arb_report *r, const char *name, arb_dec *v)
{
	struct rtotals t;
	uint64_t a = 0, b = 0;
	int64_t d;
	size_t i;

	arb_report_finish(r);
	arb_report_totals(r, &t);
	if (!strncmp(name, "pnl_", 4) || !strncmp(name, "fees_", 5)) {
		int fees = name[0] == 'f';

		if (arb_duration_parse(name + (fees ? 5 : 4), &d) < 0 || d <= 0)
			return -1;
		return window_sum(r, fees, d, v);
	}
	if (!strcmp(name, "pnl")) {
		*v = t.pnl;
		return t.pnl_ok ? 0 : 1;
	}
	if (!strcmp(name, "fees")) {
		*v = t.fees;
		return t.fees_ok ? 0 : 1;
	}
	if (!strcmp(name, "opportunities")) { *v = U(arb_report_detected(r)); return 0; }
	if (!strcmp(name, "executed")) { *v = U(t.executed); return 0; }
	if (!strcmp(name, "complete")) { *v = U(t.complete); return 0; }
	if (!strcmp(name, "partial")) { *v = U(t.partial); return 0; }
	if (!strcmp(name, "unwound")) { *v = U(t.unwound); return 0; }
	if (!strcmp(name, "failed")) { *v = U(t.failed); return 0; }
	if (!strcmp(name, "skipped")) { *v = U(t.skipped); return 0; }
	if (!strcmp(name, "kills")) { *v = U(r->risk_kill); return 0; }
	if (!strcmp(name, "refusals")) { *v = U(r->risk_refuse); return 0; }
	if (!strcmp(name, "records")) { *v = U(r->in_window); return 0; }
	if (!strcmp(name, "bad_lines")) { *v = U(r->bad); return 0; }
	if (!strcmp(name, "win_rate"))
		return rratio(v, t.wins, t.executed) < 0 || !t.wins_ok ? 1 : 0;
	if (!strcmp(name, "largest_loss")) {
		*v = t.loss;
		return t.loss_ok ? 0 : 1;
	}
	if (!strcmp(name, "exposure_assets")) {
		int fr;
		struct rflow *ev = arb_report_exposure(r, &i, &fr);

		free(ev);
		*v = U(i);
		return 0;
	}
	if (!strcmp(name, "stale_seconds")) {
		int64_t worst = -1;

		for (i = 0; i < r->nfeeds; i++) {
			int64_t age = arb_report_feed_age(r, &r->feeds[i]);

			if (r->feeds[i].has_book && age > worst)
				worst = age;
		}
		*v = rus_sec(worst < 0 ? 0 : worst);
		return worst < 0 ? 1 : 0;
	}
	if (!strcmp(name, "uptime")) {
		arb_dec best, x;
		int any = 0;

		/* the worst feed's uptime ratio */
		best = arb_dec_make(1, 0);
		for (i = 0; i < r->nfeeds; i++) {
			if (!r->feeds[i].obs_us)
				continue;
			rratio(&x, (uint64_t)r->feeds[i].up_us, (uint64_t)r->feeds[i].obs_us);
			if (!any || arb_dec_cmp(x, best) < 0)
				best = x;
			any = 1;
		}
		*v = best;
		return any ? 0 : 1;
	}
	if (!strcmp(name, "down_seconds") || !strcmp(name, "gaps") || !strcmp(name, "resyncs") ||
	    !strcmp(name, "stale_periods") || !strcmp(name, "disconnects")) {
		int64_t down = 0;

		for (i = 0; i < r->nfeeds; i++) {
			const struct rfeed *f = &r->feeds[i];

			down += f->down_us;
			a += name[0] == 'g' ? f->gaps : name[0] == 'r' ? f->resyncs :
			    name[0] == 's' ? f->stales : name[1] == 'i' ? f->disconnects : 0;
		}
		*v = name[0] == 'd' && name[1] == 'o' ? rus_sec(down) : U(a);
		return 0;
	}
	if (!strcmp(name, "ack_p99_ms")) {
		int64_t worst = -1;

		for (i = 0; i < r->nvenues; i++)
			if (r->venues[i].lat[LS_ACK].n && i64v_pct(&r->venues[i].lat[LS_ACK], 99) > worst)
				worst = i64v_pct(&r->venues[i].lat[LS_ACK], 99);
		*v = rus_ms(worst < 0 ? 0 : worst);
		return worst < 0 ? 1 : 0;
	}
	if (!strcmp(name, "reaction_ms")) {
		d = arb_report_reaction(r);
		*v = rus_ms(d < 0 ? 0 : d);
		return d < 0 ? 1 : 0;
	}
	if (!strcmp(name, "capturable")) {
		if (arb_report_capturable(r, &a, &b) < 0)
			return 1;
		return rratio(v, a, b) < 0 ? 1 : 0;
	}
	return -1;
}
