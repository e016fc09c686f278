#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk.h"

#define DAY_US INT64_C(86400000000)
#define MIN_US INT64_C(60000000)

void
arb_risk_init(struct arb_risk *r, const struct arb_risk_conf *c)
{
	memset(r, 0, sizeof *r);
	r->c = *c;
	if (c->max_orders_per_minute > 0) {
		r->wcap = (size_t)c->max_orders_per_minute;
		r->win = xcalloc(r->wcap, sizeof *r->win);
	}
	r->day = -1;
}

void
arb_risk_free(struct arb_risk *r)
{
	free(r->win);
	free(r->daily);
	memset(r, 0, sizeof *r);
}

int
arb_risk_conf_pos(struct arb_risk_conf *c, const char *arg)
{
	const char *eq = strchr(arg, '='), *why;
	arb_dec q;

	if (!eq || eq == arg || (size_t)(eq - arg) >= ARB_ASSET_MAX || c->npos >= ARB_RISK_MAXPOS)
		return -1;
	if (arb_dec_parse(&q, eq + 1, strlen(eq + 1), &why) < 0 || arb_dec_sign(q) < 0)
		return -1;
	snprintf(c->pos[c->npos].asset, ARB_ASSET_MAX, "%.*s", (int)(eq - arg), arg);
	c->pos[c->npos].qty = q;
	c->npos++;
	return 0;
}

static void
fmt2(char *detail, const char *what, arb_dec v, const char *op, arb_dec lim, const char *unit)
{
	char a[ARB_DEC_STRMAX], b[ARB_DEC_STRMAX];

	arb_dec_fmt(arb_dec_trim(v), a);
	arb_dec_fmt(arb_dec_trim(lim), b);
	snprintf(detail, 128, "%s %.36s%s%.19s %s %.36s", what, a, *unit ? " " : "", unit, op, b);
}

int
arb_risk_notional_order(const struct arb_risk *r, arb_dec notional, const char *ccy, char *rule, char *detail)
{
	if (!r->c.has_notional_order || arb_dec_cmp(notional, r->c.max_notional_order) <= 0)
		return 0;
	strcpy(rule, "max_notional_order");
	fmt2(detail, "order notional", notional, ">", r->c.max_notional_order, ccy);
	return 1;
}

int
arb_risk_notional_opp(const struct arb_risk *r, arb_dec cost, const char *ccy, char *rule, char *detail)
{
	if (!r->c.has_notional_opp || arb_dec_cmp(cost, r->c.max_notional_opp) <= 0)
		return 0;
	strcpy(rule, "max_notional_opp");
	fmt2(detail, "opportunity notional", cost, ">", r->c.max_notional_opp, ccy);
	return 1;
}

int
arb_risk_open_orders(const struct arb_risk *r, int open, int adding, char *rule, char *detail)
{
	if (r->c.max_open_orders <= 0 || open + adding <= r->c.max_open_orders)
		return 0;
	strcpy(rule, "max_open_orders");
	snprintf(detail, 128, "%d open + %d new > %d", open, adding, r->c.max_open_orders);
	return 1;
}

/* Drops send times older than a minute before now. */
static void
rate_expire(struct arb_risk *r, int64_t now)
{
	while (r->wn > 0) {
		size_t tail = (r->whead + r->wcap - r->wn) % r->wcap;

		if (r->win[tail] > now - MIN_US)
			break;
		r->wn--;
	}
}

int
arb_risk_rate(struct arb_risk *r, int64_t now, int n, char *rule, char *detail)
{
	if (r->c.max_orders_per_minute <= 0)
		return 0;
	rate_expire(r, now);
	if ((int)r->wn + n <= r->c.max_orders_per_minute)
		return 0;
	strcpy(rule, "max_orders_per_minute");
	snprintf(detail, 128, "%d sent in the last minute + %d new > %d", (int)r->wn, n,
	    r->c.max_orders_per_minute);
	return 1;
}

void
arb_risk_rate_add(struct arb_risk *r, int64_t now)
{
	if (r->c.max_orders_per_minute <= 0)
		return;
	rate_expire(r, now);
	if (r->wn == r->wcap)    /* only when the caller did not ask first */
		r->wn--;
	r->win[r->whead] = now;
	r->whead = (r->whead + 1) % r->wcap;
	r->wn++;
}

/* asset's --max-position entry, or -1 */
static int
pos_limit(const struct arb_risk *r, const char *asset)
{
	int i;

	for (i = 0; i < r->c.npos; i++)
		if (strcmp(r->c.pos[i].asset, asset) == 0)
			return i;
	return -1;
}

int
arb_risk_position_limited(const struct arb_risk *r, const char *asset)
{
	return pos_limit(r, asset) >= 0;
}

int
arb_risk_position(const struct arb_risk *r, const char *asset, arb_dec before, arb_dec after,
    char *rule, char *detail)
{
	int i = pos_limit(r, asset);

	if (i < 0 || arb_dec_cmp(arb_dec_abs(after), r->c.pos[i].qty) <= 0)
		return 0;
	if (arb_dec_cmp(arb_dec_abs(after), arb_dec_abs(before)) <= 0)
		return 0;   /* reduces the position: always allowed */
	strcpy(rule, "max_position");
	fmt2(detail, "position", after, "beyond", r->c.pos[i].qty, asset);
	return 1;
}

int
arb_risk_book_age(const struct arb_risk *r, int64_t now, int64_t book_ts, const char *ex,
    const char *sym, char *rule, char *detail)
{
	if (r->c.max_book_age <= 0 || now - book_ts <= r->c.max_book_age)
		return 0;
	strcpy(rule, "max_book_age");
	snprintf(detail, 128, "%s %s book is %lld us old > %lld us", ex, sym,
	    (long long)(now - book_ts), (long long)r->c.max_book_age);
	return 1;
}

static struct arb_risk_ccy *
daily(struct arb_risk *r, int64_t ts, const char *ccy, int create)
{
	int64_t day = ts >= 0 ? ts / DAY_US : (ts - DAY_US + 1) / DAY_US;
	size_t i;

	if (day != r->day) {
		if (!create)
			return NULL;
		r->day = day;
		r->ndaily = 0;
	}
	for (i = 0; i < r->ndaily; i++)
		if (strcmp(r->daily[i].ccy, ccy) == 0)
			return &r->daily[i];
	if (!create || strlen(ccy) >= ARB_ASSET_MAX)
		return NULL;
	if (r->ndaily == r->capdaily) {
		size_t nc = r->capdaily ? r->capdaily * 2 : 4;
		xrealloc(&r->daily, nc * sizeof *r->daily);
		r->capdaily = nc;
	}
	strcpy(r->daily[r->ndaily].ccy, ccy);
	r->daily[r->ndaily].pnl = arb_dec_make(0, 0);
	return &r->daily[r->ndaily++];
}

int
arb_risk_daily_add(struct arb_risk *r, int64_t ts, const char *ccy, arb_dec pnl)
{
	struct arb_risk_ccy *d = daily(r, ts, ccy, 1);
	arb_dec s;

	if (!d)
		return 0;
	if (arb_dec_add(&s, d->pnl, pnl) == 0)
		d->pnl = arb_dec_trim(s);
	return arb_risk_daily_breached(r, ts, ccy);
}

arb_dec
arb_risk_daily_get(const struct arb_risk *r, int64_t ts, const char *ccy)
{
	struct arb_risk_ccy *d = daily((struct arb_risk *)r, ts, ccy, 0);

	return d ? d->pnl : arb_dec_make(0, 0);
}

int
arb_risk_daily_breached(const struct arb_risk *r, int64_t ts, const char *ccy)
{
	arb_dec p;

	if (!r->c.has_daily_loss)
		return 0;
	p = arb_risk_daily_get(r, ts, ccy);
	return arb_dec_cmp(arb_dec_neg(p), r->c.max_daily_loss) >= 0;
}

int
arb_risk_kill(struct arb_risk *r, int64_t ts, const char *rule, const char *detail)
{
	if (r->killed)
		return 0;
	r->killed = 1;
	r->kill_ts = ts;
	snprintf(r->kill_rule, sizeof r->kill_rule, "%s", rule);
	snprintf(r->kill_detail, sizeof r->kill_detail, "%s", detail);
	return 1;
}

void
arb_risk_reset_kill(struct arb_risk *r)
{
	r->killed = 0;
	r->kill_ts = 0;
	r->kill_rule[0] = r->kill_detail[0] = '\0';
}
