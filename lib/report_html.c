/*
 * report_html.c: one self-contained HTML page: inline CSS and inline SVG
 * charts, no script, no font, no image, no link to anything outside the
 * file, so it can be mailed, archived and printed.  Amounts in the tables
 * are the exact decimals; chart geometry alone uses floating point (pixel
 * positions are not money).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_int.h"

/* Chart area: a viewBox of W x H; plots sit inside the margins. */
#define W 900.0
#define ML 70.0
#define MR 20.0

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
};
#define NPAL (sizeof palette / sizeof palette[0])

static void esc(struct arb_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': arb_buf_adds(b, "&amp;"); break;
		case '<': arb_buf_adds(b, "&lt;"); break;
		case '>': arb_buf_adds(b, "&gt;"); break;
		case '"': arb_buf_adds(b, "&quot;"); break;
		default: arb_buf_addc(b, *s);
		}
	}
}

static double dd(arb_dec d)
{
	char buf[ARB_DEC_STRMAX];

	arb_dec_fmt(d, buf);
	return strtod(buf, NULL);
}

static void fmt_time(int64_t us, char *buf)
{
	arb_report_fmt_time(us, buf);
}

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#1a1a1a;background:#fff;max-width:980px;margin:24px auto;padding:0 16px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;"
    "border-bottom:2px solid #1f77b4}h3{font-size:15px;margin:18px 0 6px}"
    ".sub{color:#555;margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}"
    ".card{border:1px solid #ccd;border-radius:6px;padding:8px 14px;min-width:130px}"
    ".card .k{font-size:12px;color:#555}.card .v{font-size:20px;font-weight:600;"
    "font-variant-numeric:tabular-nums}.neg{color:#b00}.pos{color:#070}"
    "table{border-collapse:collapse;margin:4px 0 14px;font-size:13px;"
    "font-variant-numeric:tabular-nums}"
    "th,td{padding:3px 10px;border-bottom:1px solid #e3e3e8;text-align:left;vertical-align:top}"
    "th{background:#f2f4f8;font-weight:600}td.n,th.n{text-align:right}"
    ".tw{overflow-x:auto;max-width:100%}"
    ".none{color:#777;font-style:italic}.note{color:#555;font-size:12px;margin:-8px 0 14px}"
    "figure{margin:10px 0 18px}figcaption{font-weight:600;font-size:14px;margin-bottom:4px}"
    "svg{width:100%;height:auto;display:block}svg text{font-family:inherit;fill:#333}"
    ".checks{border:2px solid #2ca02c;border-radius:6px;padding:4px 14px;margin:12px 0}"
    ".checks.breached{border-color:#b00}.checks h2{border:0;margin:6px 0}"
    ".checks ul{margin:4px 0 8px;padding-left:18px}.checks li.bad strong{color:#b00}"
    ".checks li.ok strong{color:#070}"
    "footer{margin-top:36px;color:#666;font-size:12px;border-top:1px solid #ddd;padding-top:8px}"
    "@media print{body{max-width:none;margin:0;font-size:11px}h2{break-after:avoid}"
    "figure,table,.cards{break-inside:avoid}th{background:#eee}"
    /* paper does not scroll: long ids wrap, so that a wide table fits */
    ".tw{overflow:visible}td,th{overflow-wrap:anywhere}td.n,th.n{overflow-wrap:normal}"
    "@page{margin:14mm}}";

/* ---- tables ---- */

static void html_table(const struct rtab *t, struct arb_buf *b)
{
	size_t i;
	int c;

	arb_buf_adds(b, "<h3>");
	esc(b, t->title);
	arb_buf_adds(b, "</h3>\n");
	if (!t->nrows) {
		arb_buf_adds(b, "<p class=\"none\">none</p>\n");
		return;
	}
	/* in a box of its own that scrolls sideways on a screen too
	 * narrow for it, instead of the whole page */
	arb_buf_adds(b, "<div class=\"tw\"><table><thead><tr>");
	for (c = 0; c < t->ncol; c++) {
		arb_buf_adds(b, t->num[c] ? "<th class=\"n\">" : "<th>");
		esc(b, t->cols[c]);
		arb_buf_adds(b, "</th>");
	}
	arb_buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < t->nrows; i++) {
		arb_buf_adds(b, "<tr>");
		for (c = 0; c < t->ncol; c++) {
			const char *s = t->cells[i * (size_t)t->ncol + (size_t)c];

			arb_buf_adds(b, t->num[c] ? "<td class=\"n\">" : "<td>");
			esc(b, s ? s : "-");
			arb_buf_adds(b, "</td>");
		}
		arb_buf_adds(b, "</tr>\n");
	}
	arb_buf_adds(b, "</tbody></table></div>\n");
	if (t->note) {
		arb_buf_adds(b, "<p class=\"note\">");
		esc(b, t->note);
		arb_buf_adds(b, "</p>\n");
	}
}

static void tables(struct arb_report *r, unsigned which, struct arb_buf *b)
{
	struct rtab *tabs;
	size_t n = arb_report_build(r, which, &tabs), i;

	for (i = 0; i < n; i++) {
		html_table(&tabs[i], b);
		rtab_free(&tabs[i]);
	}
	free(tabs);
}

/* ---- chart pieces ---- */

static void svg_open(struct arb_buf *b, const char *caption, double h, const char *label)
{
	arb_buf_adds(b, "<figure><figcaption>");
	esc(b, caption);
	arb_buf_printf(b, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\""
	    " role=\"img\" aria-label=\"", W, h);
	esc(b, label);
	arb_buf_adds(b, "\" font-size=\"12\">\n");
}

static void svg_close(struct arb_buf *b)
{
	arb_buf_adds(b, "</svg></figure>\n");
}

static void nodata(struct arb_buf *b, const char *caption)
{
	arb_buf_adds(b, "<figure><figcaption>");
	esc(b, caption);
	arb_buf_adds(b, "</figcaption><p class=\"none\">no data in this period</p></figure>\n");
}

static void text_at(struct arb_buf *b, double x, double y, const char *anchor, const char *s)
{
	arb_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	esc(b, s);
	arb_buf_adds(b, "</text>\n");
}

/* A short label for a number of the axis. */
static void num_label(double v, char *buf, size_t n)
{
	double a = fabs(v);

	if (a == 0)
		snprintf(buf, n, "0");
	else if (a >= 1000)
		snprintf(buf, n, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, n, "%.1f", v);
	else if (a >= 0.1)
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "%.2g", v);
}

/* Horizontal grid lines with labels for [lo, hi] over a plot of y0..y1;
 * counts get whole-number labels. */
static void y_axis_(struct arb_buf *b, double lo, double hi, double top, double bot, int counts)
{
	int i;

	for (i = 0; i <= 4; i++) {
		double v = lo + (hi - lo) * i / 4, y = bot - (bot - top) * i / 4;
		char lab[32];

		if (counts)
			snprintf(lab, sizeof lab, "%.0f", v);
		else
			num_label(v, lab, sizeof lab);
		arb_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e8\"/>\n",
		    ML, y, W - MR, y);
		text_at(b, ML - 6, y + 4, "end", lab);
	}
}

static void y_axis(struct arb_buf *b, double lo, double hi, double top, double bot)
{
	y_axis_(b, lo, hi, top, bot, 0);
}

/* The top of a count axis: a multiple of 4 at or above max. */
static uint64_t count_top(uint64_t max)
{
	return max < 4 ? 4 : (max + 3) / 4 * 4;
}

static void x_time_labels(struct arb_buf *b, int64_t t0, int64_t t1, double y)
{
	char a[20], c[20];

	fmt_time(t0, a);
	fmt_time(t1, c);
	text_at(b, ML, y, "start", a);
	text_at(b, W - MR, y, "end", c);
}

/* ---- the charts ---- */

/*
 * The time axis of the feed timeline and the P&L chart.  A report over
 * recordings of other days (a backtest, the demo) spans years of which
 * minutes were observed: on a linear axis every recording is a hairline.  Time in which no feed was
 * observed (every feed in FS_UNKNOWN: before its first status, after its
 * recording's end) carries nothing to draw, so such a gap becomes a break
 * of BRK pixels (narrower when there are many) where that saves room:
 * the longest first, at most MAXBRK; the rest of the period is linear
 * over the remaining width.  A period observed throughout has no break
 * and the axis is the linear one.
 */
#define MAXBRK 64
#define BRK 24.0

/* The width of each of n breaks: BRK, less when n of them would take
 * more than a third of the axis. */
static double brk_width(size_t n, double w)
{
	return n && BRK * (double)n > w / 3 ? w / 3 / (double)n : BRK;
}

struct taxis {
	int64_t t0, t1;
	double x0, x1, lin, wl;   /* linear time (us) over linear width */
	double bw;                /* each break's width */
	size_t nb;
	int64_t ba[MAXBRK], bz[MAXBRK];   /* the breaks, in time order */
};

struct tspan {
	int64_t a, z;
};

static int tspan_cmp(const void *p, const void *q)
{
	const struct tspan *x = p, *y = q;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->z > y->z) - (x->z < y->z);
}

/* longest first; of two as long, the earlier */
static int tgap_cmp(const void *p, const void *q)
{
	const struct tspan *x = p, *y = q;
	int64_t lx = x->z - x->a, ly = y->z - y->a;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return (x->a > y->a) - (x->a < y->a);
}

/* The axis of t0 to t1 from x0 to x1, with breaks where none of r's
 * feeds was observed. */
static void taxis_init(struct taxis *ax, const struct arb_report *r, int64_t t0, int64_t t1,
    double x0, double x1)
{
	struct tspan *iv, *gap;
	size_t n = 0, cap = 0, i, k, ng = 0;
	int64_t span = t1 > t0 ? t1 - t0 : 0, reach, brk = 0;

	memset(ax, 0, sizeof *ax);
	ax->t0 = t0;
	ax->t1 = t1;
	ax->x0 = x0;
	ax->x1 = x1;
	for (i = 0; i < r->nfeeds; i++)
		cap += r->feeds[i].nseg;
	iv = xcalloc(cap + 1, sizeof *iv);
	for (i = 0; i < r->nfeeds; i++) {
		const struct rfeed *f = &r->feeds[i];

		for (k = 0; k < f->nseg; k++) {
			int64_t a = f->seg[k].t, z = k + 1 < f->nseg ? f->seg[k + 1].t : r->end;

			if (f->seg[k].st == FS_UNKNOWN)
				continue;
			if (a < t0) a = t0;
			if (z > t1) z = t1;
			if (a > t1) a = t1;
			if (z < a) z = a;
			iv[n].a = a;
			iv[n++].z = z;
		}
	}
	gap = xcalloc(n + 1, sizeof *gap);
	if (n && span > 0) {
		qsort(iv, n, sizeof *iv, tspan_cmp);
		/* the gaps between the union of the observed spans, and
		 * before and after it */
		reach = t0;
		for (i = 0; i < n; i++) {
			if (iv[i].a > reach) {
				gap[ng].a = reach;
				gap[ng++].z = iv[i].a;
			}
			if (iv[i].z > reach)
				reach = iv[i].z;
		}
		if (t1 > reach) {
			gap[ng].a = reach;
			gap[ng++].z = t1;
		}
		qsort(gap, ng, sizeof *gap, tgap_cmp);
		/* Longest first, each while it would be wider than two
		 * breaks on the axis left by the ones before it (so a break
		 * saves at least its own width). */
		for (i = 0; i < ng && ax->nb < MAXBRK; i++) {
			double left = (double)(span - brk);
			double wd = x1 - x0 - brk_width(ax->nb, x1 - x0) * (double)ax->nb;

			if ((double)(gap[i].z - gap[i].a) / left * wd <= 2 * brk_width(ax->nb + 1, x1 - x0))
				break;
			ax->ba[ax->nb] = gap[i].a;
			ax->bz[ax->nb++] = gap[i].z;
			brk += gap[i].z - gap[i].a;
		}
		/* in time order (insertion: a dozen at most) */
		for (i = 1; i < ax->nb; i++)
			for (k = i; k > 0 && ax->ba[k - 1] > ax->ba[k]; k--) {
				int64_t t = ax->ba[k];

				ax->ba[k] = ax->ba[k - 1];
				ax->ba[k - 1] = t;
				t = ax->bz[k];
				ax->bz[k] = ax->bz[k - 1];
				ax->bz[k - 1] = t;
			}
	}
	ax->lin = (double)(span - brk);
	if (ax->lin <= 0)
		ax->lin = 1;
	ax->bw = brk_width(ax->nb, x1 - x0);
	ax->wl = x1 - x0 - ax->bw * (double)ax->nb;
	free(gap);
	free(iv);
}

/* The x of time t. */
static double taxis_x(const struct taxis *ax, int64_t t)
{
	double x = ax->x0;
	int64_t prev = ax->t0;
	size_t i;

	if (t <= ax->t0)
		return ax->x0;
	if (t >= ax->t1)
		return ax->x1;
	for (i = 0; i < ax->nb; i++) {
		if (t < ax->ba[i])
			break;
		x += (double)(ax->ba[i] - prev) / ax->lin * ax->wl;
		if (t < ax->bz[i])
			return x + (double)(t - ax->ba[i]) / (double)(ax->bz[i] - ax->ba[i]) * ax->bw;
		x += ax->bw;
		prev = ax->bz[i];
	}
	return x + (double)(t - prev) / ax->lin * ax->wl;
}

/* A duration for a break's label: "1687 d", "5 h", "12 min", "40 s". */
static void fmt_dur(int64_t us, char *buf, size_t n)
{
	int64_t s = us / 1000000;

	if (s >= 2 * 86400)
		snprintf(buf, n, "%lld d", (long long)(s / 86400));
	else if (s >= 2 * 3600)
		snprintf(buf, n, "%lld h", (long long)(s / 3600));
	else if (s >= 2 * 60)
		snprintf(buf, n, "%lld min", (long long)(s / 60));
	else
		snprintf(buf, n, "%lld s", (long long)s);
}

/* A time label's width: 19 characters of the 12-pixel font. */
#define TLW (19 * 7.0)

/*
 * The breaks of ax over a plot from ytop to ybot: each a white band
 * between dashed edges (hovering names the stretch), its length at ydur
 * below the axis where it fits.  Then the period's first and last time at
 * ytime, and after each break the time the next stretch begins where a
 * label fits.
 */
static void taxis_draw(struct arb_buf *b, const struct taxis *ax, double ytop, double ybot,
    double ytime, double ydur)
{
	char a[20], c[20];
	double right, dright = 0;
	size_t i;

	fmt_time(ax->t0, a);
	fmt_time(ax->t1, c);
	text_at(b, ax->x0, ytime, "start", a);
	text_at(b, ax->x1, ytime, "end", c);
	right = ax->x0 + TLW;
	for (i = 0; i < ax->nb; i++) {
		double xa = taxis_x(ax, ax->ba[i]), xz = xa + ax->bw, xm = xa + ax->bw / 2;
		double in = ax->bw / 6;
		char d[32], t[160];

		fmt_dur(ax->bz[i] - ax->ba[i], d, sizeof d);
		fmt_time(ax->ba[i], a);
		fmt_time(ax->bz[i], c);
		snprintf(t, sizeof t, "no feed observed for %s (%s to %s)", d, a, c);
		arb_buf_printf(b, "<g><title>%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#fff\"/>", t, xa + in, ytop, ax->bw - 2 * in, ybot - ytop);
		arb_buf_printf(b, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#999\" "
		    "stroke-dasharray=\"3 3\" fill=\"none\"/></g>\n", xa + in, ytop, ybot,
		    xz - in, ytop, ybot);
		if (xm - 3.5 * (double)strlen(d) >= dright + 4) {
			arb_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			    "font-size=\"10\">%s</text>\n", xm, ydur, d);
			dright = xm + 3.5 * (double)strlen(d);
		}
		if (ax->bz[i] < ax->t1 && xz >= right + 8 && xz + TLW <= ax->x1 - TLW - 8) {
			text_at(b, xz, ytime, "start", c);
			right = xz + TLW;
		}
	}
}

static void chart_pnl(struct arb_report *r, struct arb_buf *b)
{
	const double top = 14, bot = 260 - 34;
	double lo = 0, hi = 0, cum = 0, x, y, H = 260;
	int64_t t0 = 0, t1 = 0;
	struct taxis ax;
	char cap[160];
	size_t i, n = 0, out = 0;

	for (i = 0; i < r->nresults; i++) {
		if (!arb_report_executed(&r->results[i]))
			continue;
		if (!r->results[i].has_conv) {
			out++;
			continue;
		}
		cum += dd(r->results[i].conv);
		if (cum < lo) lo = cum;
		if (cum > hi) hi = cum;
		if (!n || r->results[i].ts < t0) t0 = r->results[i].ts;
		if (!n || r->results[i].ts > t1) t1 = r->results[i].ts;
		n++;
	}
	/* a result without a price, or inexact (reason overflow), is not
	 * on the line: the caption says how many */
	if (out)
		snprintf(cap, sizeof cap, "Cumulative realised P&L (%s); %zu result%s left out: "
		    "no price or inexact", r->ccy, out, out == 1 ? "" : "s");
	else
		snprintf(cap, sizeof cap, "Cumulative realised P&L (%s)", r->ccy);
	if (!n) {
		nodata(b, cap);
		return;
	}
	if (hi == lo)
		hi = lo + 1;
	/* From the first result to the last, not over the whole period: a
	 * period that opens with older records (a recording of another day)
	 * would press every result against the right edge.  Stretches in
	 * which no feed was observed are breaks, as in the feed timeline. */
	taxis_init(&ax, r, t0, t1, ML, W - MR);
	if (ax.nb)
		H += 14;
	svg_open(b, cap, H, "line chart of cumulative profit and loss over time");
	y_axis(b, lo, hi, top, bot);
	y = bot - (0 - lo) / (hi - lo) * (bot - top);
	arb_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
	    ML, y, W - MR, y);
	arb_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%.1f,%.1f",
	    palette[0], ML, y);
	cum = 0;
	for (i = 0; i < r->nresults; i++) {
		if (!arb_report_executed(&r->results[i]) || !r->results[i].has_conv)
			continue;
		x = taxis_x(&ax, r->results[i].ts);
		arb_buf_printf(b, " %.1f,%.1f", x, bot - (cum - lo) / (hi - lo) * (bot - top));
		cum += dd(r->results[i].conv);
		arb_buf_printf(b, " %.1f,%.1f", x, bot - (cum - lo) / (hi - lo) * (bot - top));
	}
	arb_buf_printf(b, " %.1f,%.1f\"/>\n", W - MR, bot - (cum - lo) / (hi - lo) * (bot - top));
	taxis_draw(b, &ax, top, bot, bot + 22, bot + 36);
	svg_close(b);
}

/* A legend from y down, wrapped to the chart's width; returns the next y. */
static double legend(struct arb_buf *b, char names[][64], size_t n, double y)
{
	size_t i;
	double x = ML;

	for (i = 0; i < n; i++) {
		double w = 24 + 7.5 * (double)strlen(names[i]);

		if (x + w > W - MR && x > ML) {
			x = ML;
			y += 18;
		}
		arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		    x, y - 10, palette[i % NPAL]);
		text_at(b, x + 16, y, "start", names[i]);
		x += w;
	}
	return y + 18;
}

/* Rows a legend takes. */
static int legend_rows(char names[][64], size_t n)
{
	size_t i;
	double x = ML;
	int rows = 1;

	for (i = 0; i < n; i++) {
		double w = 24 + 7.5 * (double)strlen(names[i]);

		if (x + w > W - MR && x > ML) {
			x = ML;
			rows++;
		}
		x += w;
	}
	return rows;
}

static void chart_opps(struct arb_report *r, struct arb_buf *b)
{
	static const struct {
		int64_t us;
		const char *name;
	} buckets[] = {
		{ 1000000LL, "second" }, { 10000000LL, "10 seconds" }, { 60000000LL, "minute" }, { 300000000LL, "5 minutes" }, { 900000000LL, "15 minutes" },
		{ 3600000000LL, "hour" }, { 86400000000LL, "day" },
	};
	double H = 280, top = 14, bot = 280 - 54;
	char routes[8][64];
	size_t nr = 0, i, k, bi;
	int64_t bucket, t0, nb, j, span, first = 0, last = 0;
	uint64_t *cnt, maxc = 0;
	const char *unit;
	double bw;
	int any = 0;

	for (i = 0; i < r->nopps; i++) {
		const struct ropp *o = &r->opps[i];

		if (!o->has_new || !o->in_window || !o->matches)
			continue;
		if (!any || o->ts_new < first) first = o->ts_new;
		if (!any || o->ts_new > last) last = o->ts_new;
		any = 1;
		for (k = 0; k < nr; k++)
			if (!strcmp(routes[k], o->route))
				break;
		if (k == nr && nr < 8)
			snprintf(routes[nr++], sizeof routes[0], "%s", o->route);
	}
	if (!nr) {
		nodata(b, "Opportunities per hour by venue pair");
		return;
	}
	/* The buckets cover the first opportunity to the last (as the P&L
	 * chart its results): an hour from 12 hours up to 3 days, a day
	 * beyond, finer below, down to a second under a minute. */
	span = last - first;
	bi = span > 72 * 3600000000LL ? 6 : span >= 12 * 3600000000LL ? 5 :
	    span >= 3 * 3600000000LL ? 4 : span >= 3600000000LL ? 3 :
	    span >= 600000000LL ? 2 : span >= 60000000LL ? 1 : 0;
	bucket = buckets[bi].us;
	unit = buckets[bi].name;
	t0 = first - ((first % bucket) + bucket) % bucket;
	nb = (last - t0) / bucket + 1;
	cnt = xcalloc((size_t)nb * nr, sizeof *cnt);
	for (i = 0; i < r->nopps; i++) {
		const struct ropp *o = &r->opps[i];

		if (!o->has_new || !o->in_window || !o->matches)
			continue;
		for (k = 0; k < nr; k++)
			if (!strcmp(routes[k], o->route))
				break;
		j = (o->ts_new - t0) / bucket;
		if (k < nr && j >= 0 && j < nb)
			cnt[j * (int64_t)nr + (int64_t)k]++;
	}
	for (j = 0; j < nb; j++) {
		uint64_t s = 0;

		for (k = 0; k < nr; k++)
			s += cnt[j * (int64_t)nr + (int64_t)k];
		if (s > maxc)
			maxc = s;
	}
	{
		char cap[64];

		snprintf(cap, sizeof cap, "Opportunities per %s by venue pair", unit);
		H += 18 * (legend_rows(routes, nr) - 1);
		svg_open(b, cap, H, "stacked bar chart of opportunities detected per time bucket");
	}
	maxc = count_top(maxc);
	y_axis_(b, 0, (double)maxc, top, bot, 1);
	bw = (W - ML - MR) / (double)nb;
	for (j = 0; j < nb; j++) {
		double y = bot;

		for (k = 0; k < nr; k++) {
			uint64_t c = cnt[j * (int64_t)nr + (int64_t)k];
			double h = (double)c / (double)maxc * (bot - top);

			if (!c)
				continue;
			y -= h;
			arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>%llu</title></rect>\n", ML + bw * (double)j + bw * 0.1, y, bw * 0.8, h,
			    palette[k % NPAL], (unsigned long long)c);
		}
	}
	x_time_labels(b, t0, t0 + nb * bucket, bot + 16);
	legend(b, routes, nr, bot + 40);
	svg_close(b);
	free(cnt);
}

static void chart_bps(struct arb_report *r, struct arb_buf *b)
{
	static const int64_t steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000 };
	const double H = 260, top = 14, bot = H - 40;
	int64_t lo = 0, hi = 0, step = 1, nb, j;
	uint64_t *cnt, maxc = 0;
	size_t i, n = 0, s;
	double bw;

	/* net_bps in hundredths of a basis point, exactly. */
	for (i = 0; i < r->nopps; i++) {
		const struct ropp *o = &r->opps[i];
		arb_dec v;
		int64_t c;

		if (!o->has_new || !o->in_window || !o->matches || !o->has_bps)
			continue;
		if (arb_dec_rescale(&v, o->net_bps, 0, ARB_RND_FLOOR) < 0)
			continue;
		c = (int64_t)v.m;
		if (!n || c < lo) lo = c;
		if (!n || c > hi) hi = c;
		n++;
	}
	if (!n) {
		nodata(b, "Distribution of net_bps (opportunities detected)");
		return;
	}
	for (s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		step = steps[s];
		if ((hi - lo) / step < 20)
			break;
	}
	lo = lo >= 0 ? lo / step * step : -((-lo + step - 1) / step * step);
	nb = (hi - lo) / step + 1;
	cnt = xcalloc((size_t)nb, sizeof *cnt);
	for (i = 0; i < r->nopps; i++) {
		const struct ropp *o = &r->opps[i];
		arb_dec v;

		if (!o->has_new || !o->in_window || !o->matches || !o->has_bps ||
		    arb_dec_rescale(&v, o->net_bps, 0, ARB_RND_FLOOR) < 0)
			continue;
		j = ((int64_t)v.m - lo) / step;
		if (j >= 0 && j < nb && ++cnt[j] > maxc)
			maxc = cnt[j];
	}
	svg_open(b, "Distribution of net_bps (opportunities detected)", H,
	    "histogram of the net profit in basis points of the opportunities");
	maxc = count_top(maxc);
	y_axis_(b, 0, (double)maxc, top, bot, 1);
	bw = (W - ML - MR) / (double)nb;
	for (j = 0; j < nb; j++) {
		double h = (double)cnt[j] / (double)maxc * (bot - top);
		char lab[32];

		if (cnt[j])
			arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			    "<title>%lld..%lld bps: %llu</title></rect>\n", ML + bw * (double)j + 1, bot - h,
			    bw - 2, h, palette[2], (long long)(lo + j * step),
			    (long long)(lo + (j + 1) * step), (unsigned long long)cnt[j]);
		if (nb <= 12 || j % ((nb + 11) / 12) == 0) {
			snprintf(lab, sizeof lab, "%lld", (long long)(lo + j * step));
			text_at(b, ML + bw * (double)j, bot + 16, "middle", lab);
		}
	}
	text_at(b, W - MR, H - 6, "end", "net_bps (bin start)");
	svg_close(b);
	free(cnt);
}

static void chart_funnel(struct arb_report *r, struct arb_buf *b)
{
	static const char *const names[5] = {
		"candidates", "after fees", "after sizing", "sent", "filled"
	};
	struct rfunnel f;
	uint64_t c[5];
	const double rowh = 30, H = 5 * 30 + 20;
	int i;

	arb_report_funnel(r, &f);
	c[0] = f.candidates; c[1] = f.after_fees; c[2] = f.after_sizing;
	c[3] = f.sent; c[4] = f.filled;
	arb_report_funnel_free(&f);
	if (!c[0]) {
		nodata(b, "Opportunity funnel");
		return;
	}
	svg_open(b, "Opportunity funnel", H, "funnel of candidates down to filled opportunities");
	for (i = 0; i < 5; i++) {
		double w = (double)c[i] / (double)c[0] * (W - 260), y = 10 + rowh * i;
		char lab[64];

		text_at(b, 110, y + 19, "end", names[i]);
		arb_buf_printf(b, "<rect x=\"120\" y=\"%.1f\" width=\"%.1f\" height=\"22\" fill=\"%s\"/>\n",
		    y + 4, w < 1 ? 1 : w, palette[i % NPAL]);
		snprintf(lab, sizeof lab, "%llu (%llu%%)", (unsigned long long)c[i],
		    (unsigned long long)(c[i] * 100 / c[0]));
		text_at(b, 126 + w, y + 19, "start", lab);
	}
	svg_close(b);
}

static void chart_latency(struct arb_report *r, struct arb_buf *b)
{
	const double rowh = 22, x0 = 190, x1 = W - MR;
	double H, lmin = -1, lmax = 4;    /* log10 of milliseconds: 0.1 ms .. 10 s */
	size_t i, rows = 0;
	int k, d, row = 0;

	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++)
			if (r->venues[i].lat[k].n)
				rows++;
	if (!rows) {
		nodata(b, "Latency percentiles (p50, p90, p99; log scale)");
		return;
	}
	H = 40 + rowh * (double)rows + 30;
	svg_open(b, "Latency percentiles (p50, p90, p99; log scale)", H,
	    "bars of latency percentiles per venue and step on a logarithmic scale");
	for (d = (int)lmin; d <= (int)lmax; d++) {
		static const char *const lab[] = { "0.1ms", "1ms", "10ms", "100ms", "1s", "10s" };
		double x = x0 + (d - lmin) / (lmax - lmin) * (x1 - x0);

		arb_buf_printf(b, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e8\"/>\n",
		    x, x, 24 + rowh * (double)rows);
		text_at(b, x, 14, "middle", lab[d + 1]);
	}
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++) {
			const struct i64v *a = &r->venues[i].lat[k];
			static const int p[3] = { 99, 90, 50 };
			static const char *const col[3] = { "#c6dbef", "#6baed6", "#08519c" };
			double y = 24 + rowh * row++;
			char name[64];
			int q;

			if (!a->n) {
				row--;
				continue;
			}
			snprintf(name, sizeof name, "%s %s", r->venues[i].ex, arb_report_step_names[k]);
			text_at(b, x0 - 8, y + 15, "end", name);
			for (q = 0; q < 3; q++) {
				double ms = (double)i64v_pct(a, p[q]) / 1000.0, lv, w;

				lv = ms > 0 ? log10(ms) : lmin;
				if (lv < lmin) lv = lmin;
				if (lv > lmax) lv = lmax;
				w = (lv - lmin) / (lmax - lmin) * (x1 - x0);
				arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\">"
				    "<title>p%d %.3f ms</title></rect>\n", x0, y + 3, w < 1 ? 1 : w, col[q], p[q], ms);
			}
		}
	{
		double y = H - 10;

		arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"#08519c\"/>", x0, y - 10);
		text_at(b, x0 + 16, y, "start", "p50");
		arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"#6baed6\"/>", x0 + 60, y - 10);
		text_at(b, x0 + 76, y, "start", "p90");
		arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"#c6dbef\"/>", x0 + 120, y - 10);
		text_at(b, x0 + 136, y, "start", "p99");
	}
	svg_close(b);
}

/* Segment k of f within the period, clipped to it: 0 when not drawn.  A
 * segment not observed (state unknown) is not drawn: the row's background
 * already says so, and a store read from --since holds no such segment
 * before the period, where a stream does. */
static int feed_seg(const struct arb_report *r, const struct rfeed *f, size_t k,
    int64_t *a, int64_t *z)
{
	*a = f->seg[k].t;
	*z = k + 1 < f->nseg ? f->seg[k + 1].t : r->end;
	if (f->seg[k].st == FS_UNKNOWN)
		return 0;
	if (*a < r->start) *a = r->start;
	if (*z > r->end) *z = r->end;
	return *z > *a || (k + 1 == f->nseg && *a == r->end);
}

/* Has f a segment drawn in the period? */
static int feed_drawn(const struct arb_report *r, const struct rfeed *f)
{
	int64_t a, z;
	size_t k;

	for (k = 0; k < f->nseg; k++)
		if (feed_seg(r, f, k, &a, &z))
			return 1;
	return 0;
}

static void chart_feed(struct arb_report *r, struct arb_buf *b)
{
	static const char *const col[] = {
		[FS_UNKNOWN] = "#f4f4f4", [FS_UP] = "#2ca02c", [FS_CONNECTING] = "#aec7e8",
		[FS_GAP] = "#ff7f0e", [FS_STALE] = "#ffd92f", [FS_DOWN] = "#d62728"
	};
	static const char *const name[] = {
		[FS_UNKNOWN] = "unknown", [FS_UP] = "synced", [FS_CONNECTING] = "connecting",
		[FS_GAP] = "gap/resync", [FS_STALE] = "stale", [FS_DOWN] = "disconnected"
	};
	struct rfeed **fv = arb_report_sorted_feeds(r);
	const double rowh = 22, x0 = 190, x1 = W - MR;
	struct taxis ax;
	double H;
	size_t i, k, rows = 0;
	int s;

	for (i = 0; i < r->nfeeds; i++)
		if (feed_drawn(r, fv[i]))
			rows++;
	if (!rows) {
		nodata(b, "Feed health timeline");
		free(fv);
		return;
	}
	taxis_init(&ax, r, r->start, r->end, x0, x1);
	/* a line more under the axis for the breaks' durations */
	H = 10 + rowh * (double)rows + 50 + (ax.nb ? 14 : 0);
	svg_open(b, "Feed health timeline", H, "timeline of feed states per venue and symbol");
	rows = 0;
	for (i = 0; i < r->nfeeds; i++) {
		const struct rfeed *f = fv[i];
		double y = 10 + rowh * (double)rows;
		char lab[64];

		if (!feed_drawn(r, f))
			continue;
		rows++;
		snprintf(lab, sizeof lab, "%s %s", f->ex, f->sym);
		text_at(b, x0 - 8, y + 15, "end", lab);
		arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>\n",
		    x0, y + 3, x1 - x0, col[FS_UNKNOWN]);
		for (k = 0; k < f->nseg; k++) {
			int64_t a, z;
			double xa, xz;

			if (!feed_seg(r, f, k, &a, &z))
				continue;
			xa = taxis_x(&ax, a);
			xz = taxis_x(&ax, z);
			arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"%s\">"
			    "<title>%s</title></rect>\n", xa, y + 3,
			    xz - xa < 2 && f->seg[k].st != FS_UP ? 2 : xz - xa < 1 ? 1 : xz - xa,
			    col[f->seg[k].st], name[f->seg[k].st]);
		}
	}
	{
		double y = 10 + rowh * (double)rows, x = x0;

		taxis_draw(b, &ax, 8, y + 4, y + 14, y + 28);
		if (ax.nb)
			y += 14;
		for (s = FS_UP; s <= FS_DOWN; s++) {
			arb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\""
			    " stroke=\"#999\" stroke-width=\"0.5\"/>\n", x, y + 26, col[s]);
			text_at(b, x + 16, y + 36, "start", name[s]);
			x += 30 + 7.5 * (double)strlen(name[s]);
		}
	}
	svg_close(b);
	free(fv);
}

/* ---- the page ---- */

static void card(struct arb_buf *b, const char *k, const char *v, int sign)
{
	arb_buf_adds(b, "<div class=\"card\"><div class=\"k\">");
	esc(b, k);
	arb_buf_printf(b, "</div><div class=\"v%s\">", sign < 0 ? " neg" : sign > 0 ? " pos" : "");
	esc(b, v);
	arb_buf_adds(b, "</div></div>\n");
}

/* A card of an amount in the reporting currency: "- CCY" when unknown;
 * signed (red or green) when sign is set. */
static void amount_card(struct arb_buf *b, const char *k, int ok, arb_dec amt, const char *ccy, int sign)
{
	char v[ARB_DEC_STRMAX + 24], d[ARB_DEC_STRMAX];

	if (ok) {
		rdec_str(amt, d);
		snprintf(v, sizeof v, "%s %s", d, ccy);
	} else {
		snprintf(v, sizeof v, "- %s", ccy);
	}
	card(b, k, v, ok && sign ? arb_dec_sign(amt) : 0);
}

static void cards(struct arb_report *r, struct arb_buf *b)
{
	struct rtotals t;
	char v[ARB_DEC_STRMAX + 24], d[ARB_DEC_STRMAX];
	arb_dec w;

	arb_report_totals(r, &t);
	arb_buf_adds(b, "<div class=\"cards\">\n");
	amount_card(b, "realised P&L", t.pnl_ok, t.pnl, r->ccy, 1);
	amount_card(b, "fees paid", t.fees_ok, t.fees, r->ccy, 0);
	snprintf(v, sizeof v, "%llu", (unsigned long long)arb_report_detected(r));
	card(b, "opportunities", v, 0);
	snprintf(v, sizeof v, "%llu", (unsigned long long)t.executed);
	card(b, "executed", v, 0);
	/* as the summary table: the ratio rounded down to 4 places, in percent */
	if (t.wins_ok && rratio(&w, t.wins, t.executed) == 0 &&
	    arb_dec_mul(&w, w, arb_dec_make(100, 0)) == 0) {
		rdec_str(w, d);
		snprintf(v, sizeof v, "%s%%", d);
	} else {
		snprintf(v, sizeof v, "-");
	}
	card(b, "win rate", v, 0);
	amount_card(b, "largest loss", t.loss_ok, t.loss, r->ccy, 1);
	arb_buf_adds(b, "</div>\n");
}

void arb_report_html(struct arb_report *r, unsigned reports, struct arb_buf *b)
{
	char a[20], c[20];

	fmt_time(r->start, a);
	fmt_time(r->end, c);
	arb_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Arbitron report ");
	esc(b, a);
	arb_buf_adds(b, " to ");
	esc(b, c);
	arb_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Arbitron report</h1>\n", css);
	arb_buf_adds(b, "<p class=\"sub\">");
	esc(b, a);
	arb_buf_adds(b, " to ");
	esc(b, c);
	arb_buf_adds(b, " UTC &middot; amounts in ");
	esc(b, r->ccy);
	if (r->o.venue) {
		arb_buf_adds(b, " &middot; venue ");
		esc(b, r->o.venue);
	}
	if (r->o.sym) {
		arb_buf_adds(b, " &middot; symbol ");
		esc(b, r->o.sym);
	}
	arb_buf_adds(b, "</p>\n");
	if (r->nchecks) {
		size_t i, bad = 0;

		for (i = 0; i < r->nchecks; i++)
			bad += !r->checks[i].holds;
		arb_buf_printf(b, "<section id=\"checks\" class=\"checks %s\">\n<h2>Checks: %s</h2>\n<ul>\n",
		    bad ? "breached" : "held", bad ? "breached" : "all hold");
		for (i = 0; i < r->nchecks; i++) {
			arb_buf_printf(b, "<li class=\"%s\"><strong>%s</strong> ", r->checks[i].holds ? "ok" : "bad",
			    r->checks[i].holds ? "ok" : "BREACHED");
			esc(b, r->checks[i].text);
			arb_buf_adds(b, " &mdash; ");
			esc(b, r->checks[i].value[0] ? r->checks[i].value : "no data");
			arb_buf_adds(b, "</li>\n");
		}
		arb_buf_adds(b, "</ul>\n</section>\n");
	}
	if (reports & ARB_REP_SUMMARY) {
		arb_buf_adds(b, "<section id=\"summary\">\n<h2>Summary</h2>\n");
		cards(r, b);
		chart_pnl(r, b);
		chart_opps(r, b);
		chart_bps(r, b);
		tables(r, ARB_REP_SUMMARY, b);
		arb_buf_adds(b, "</section>\n");
	}
	if (reports & ARB_REP_FUNNEL) {
		arb_buf_adds(b, "<section id=\"funnel\">\n<h2>Funnel</h2>\n");
		chart_funnel(r, b);
		tables(r, ARB_REP_FUNNEL, b);
		arb_buf_adds(b, "</section>\n");
	}
	if (reports & ARB_REP_LATENCY) {
		arb_buf_adds(b, "<section id=\"latency\">\n<h2>Latency</h2>\n");
		chart_latency(r, b);
		tables(r, ARB_REP_LATENCY, b);
		arb_buf_adds(b, "</section>\n");
	}
	if (reports & ARB_REP_FEED) {
		arb_buf_adds(b, "<section id=\"feed\">\n<h2>Feed health</h2>\n");
		chart_feed(r, b);
		tables(r, ARB_REP_FEED, b);
		arb_buf_adds(b, "</section>\n");
	}
	if (reports & ARB_REP_TRADES) {
		arb_buf_adds(b, "<section id=\"trades\">\n<h2>Trades</h2>\n");
		tables(r, ARB_REP_TRADES, b);
		arb_buf_adds(b, "</section>\n");
	}
	arb_buf_adds(b, "<footer>Generated by arb-report " PACKAGE_VERSION
	    " from the records' own timestamps.</footer>\n</body>\n</html>\n");
}
