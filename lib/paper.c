#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "paper.h"

/*
 * Latency to each venue, one way, when --latency does not say: rough
 * figures for a client hosted near the venue's matching engine region,
 * not measurements.  Record time, microseconds.
 */
static const struct {
	const char *ex;
	int64_t us;
} deflat[] = {
	{ "binance", 20000 }, { "okx", 25000 }, { "bybit", 25000 },
	{ "coinbase", 40000 }, { "kraken", 60000 }, { "bitstamp", 60000 },
};

void
arb_paper_conf_defaults(struct arb_paper_conf *c)
{
	memset(c, 0, sizeof *c);
	c->latency_default = 50000;
}

int
arb_paper_conf_latency(struct arb_paper_conf *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int64_t us;

	if (!eq) {
		if (arb_duration_parse(arg, &us) < 0 || us < 0)
			return -1;
		c->latency_default = us;
		c->uniform = 1;    /* one value for every venue not named */
		c->nlat = 0;
		return 0;
	}
	if (eq == arg || (size_t)(eq - arg) >= ARB_EX_MAX || c->nlat >= ARB_PAPER_MAXLAT ||
	    arb_duration_parse(eq + 1, &us) < 0 || us < 0)
		return -1;
	snprintf(c->lat[c->nlat].ex, ARB_EX_MAX, "%.*s", (int)(eq - arg), arg);
	c->lat[c->nlat].us = us;
	c->nlat++;
	return 0;
}

int64_t
arb_paper_latency(const struct arb_paper_conf *c, const char *ex)
{
	size_t i;
	int k;

	for (k = c->nlat - 1; k >= 0; k--)
		if (strcmp(c->lat[k].ex, ex) == 0)
			return c->lat[k].us;
	if (!c->uniform)
		for (i = 0; i < sizeof deflat / sizeof deflat[0]; i++)
			if (strcmp(deflat[i].ex, ex) == 0)
				return deflat[i].us;
	return c->latency_default;
}

struct pend {
	struct arb_order *o;
	int64_t arrive;
	int64_t cancel_at;      /* 0: no cancel request */
};

/* Liquidity this transport took from the current book of ex/sym. */
struct taken {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	int64_t bts, bseq;
	enum arb_side side;     /* the taker's side */
	arb_dec px, qty;
};

struct paper {
	struct arb_paper_conf c;
	struct arb_exec *e;
	struct pend *p;
	size_t n, cap;
	struct taken *t;
	size_t nt, capt;
	struct arb_book_rec bk;
	uint64_t vseq;
	struct arb_xport x;
};

static arb_dec
taken_at(struct paper *pp, const char *ex, const char *sym, enum arb_side side, arb_dec px)
{
	arb_dec sum = arb_dec_make(0, 0), r;
	size_t i;

	for (i = 0; i < pp->nt; i++)
		if (pp->t[i].side == side && !arb_dec_cmp(pp->t[i].px, px) &&
		    !strcmp(pp->t[i].ex, ex) && !strcmp(pp->t[i].sym, sym))
			if (arb_dec_add(&r, sum, pp->t[i].qty) == 0)
				sum = r;
	return sum;
}

static void
take(struct paper *pp, const char *ex, const char *sym, int64_t bts, int64_t bseq,
    enum arb_side side, arb_dec px, arb_dec qty)
{
	struct taken *t;

	if (pp->nt == pp->capt) {
		size_t nc = pp->capt ? pp->capt * 2 : 16;
		xrealloc(&pp->t, nc * sizeof *pp->t);
		pp->capt = nc;
	}
	t = &pp->t[pp->nt++];
	snprintf(t->ex, sizeof t->ex, "%s", ex);
	snprintf(t->sym, sizeof t->sym, "%s", sym);
	t->bts = bts;
	t->bseq = bseq;
	t->side = side;
	t->px = px;
	t->qty = qty;
}

/* A new book for ex/sym replaces the one liquidity was taken from. */
static void
forget_taken(struct paper *pp, const char *ex, const char *sym, int64_t bts, int64_t bseq)
{
	size_t i, k = 0;

	for (i = 0; i < pp->nt; i++) {
		struct taken *t = &pp->t[i];
		if (!strcmp(t->ex, ex) && !strcmp(t->sym, sym) && (t->bts != bts || t->bseq != bseq))
			continue;
		pp->t[k++] = *t;
	}
	pp->nt = k;
}

#define MAXFILLS 64

/* Executes o against the book bk (record r) as the venue would: walk the
 * opposite side level by level while the price is within the limit. */
static void
execute(struct paper *pp, struct arb_order *o, const struct arb_rec *r, int64_t bseq)
{
	struct arb_exec *e = pp->e;
	const struct arb_level *lv = o->side == ARB_BUY ? pp->bk.asks : pp->bk.bids;
	uint32_t nl = o->side == ARB_BUY ? pp->bk.nasks : pp->bk.nbids, i;
	arb_dec want, fpx[MAXFILLS], fq[MAXFILLS], got = arb_dec_make(0, 0), tmp;
	int nf = 0, k;
	char vid[48], tid[64];
	int64_t ts = r->ts;

	if (arb_dec_sub(&want, o->qty, o->filled) < 0)
		return;
	for (i = 0; i < nl && nf < MAXFILLS && arb_dec_sign(want) > 0; i++) {
		arb_dec avail, q;
		int c = arb_dec_cmp(lv[i].px, o->px);
		if (o->side == ARB_BUY ? c > 0 : c < 0)
			break;
		if (arb_dec_sub(&avail, lv[i].qty, taken_at(pp, r->ex, r->sym, o->side, lv[i].px)) < 0 ||
		    arb_dec_sign(avail) <= 0)
			continue;
		q = arb_dec_min(avail, want);
		fpx[nf] = lv[i].px;
		fq[nf++] = q;
		(void)arb_dec_sub(&tmp, want, q);
		want = tmp;
		(void)arb_dec_add(&tmp, got, q);
		got = tmp;
	}
	snprintf(vid, sizeof vid, "paper-%s", o->cid);
	arb_exec_on_ack(e, o, vid, ts);
	if (o->otype == ARB_OT_FOK && arb_dec_sign(want) > 0) {
		arb_exec_on_end(e, o, ARB_OS_CANCELED, "fok", ts);
		return;
	}
	for (k = 0; k < nf; k++)
		take(pp, r->ex, r->sym, r->ts, bseq, o->side, fpx[k], fq[k]);
	for (k = 0; k < nf; k++) {
		const char *ccy;
		arb_dec fee = arb_exec_fee(o, fpx[k], fq[k], &ccy);
		char fccy[ARB_ASSET_MAX];
		int last = k == nf - 1 && arb_dec_sign(want) <= 0;
		snprintf(fccy, sizeof fccy, "%s", ccy);
		snprintf(tid, sizeof tid, "%sf%d", o->cid, o->nfills + 1);
		arb_exec_on_fill(e, o, fpx[k], fq[k], fee, fccy, tid, ts);
		if (last)
			return;   /* filled: o may be settled by the engine now */
	}
	arb_exec_on_end(e, o, ARB_OS_CANCELED, nf ? "ioc_rest" : "ioc_miss", ts);
}

static void
p_record(void *ctx, const struct arb_rec *r)
{
	struct paper *pp = ctx;
	size_t i;
	int ok = 0, parsed = 0;
	int64_t seq = 0;

	if (r->type != ARB_R_BOOK || !pp->n)
		return;
	if (arb_rec_i64(r, "seq", &seq) < 0)
		seq = 0;
	forget_taken(pp, r->ex, r->sym, r->ts, seq);
again:
	for (i = 0; i < pp->n; i++) {
		struct pend pd = pp->p[i];
		if (pd.arrive > r->ts || strcmp(pd.o->ex, r->ex) || strcmp(pd.o->sym, r->sym))
			continue;
		if (!parsed) {
			parsed = 1;
			if (arb_rec_bool(r, "ok", &ok) < 0)
				ok = 0;
			if (ok && arb_rec_book(r, &pp->bk) < 0)
				ok = 0;
		}
		if (!ok)
			return;   /* a book not known to be right is no evidence */
		memmove(&pp->p[i], &pp->p[i + 1], (pp->n - i - 1) * sizeof *pp->p);
		pp->n--;
		if (pd.cancel_at && r->ts >= pd.cancel_at)
			arb_exec_on_end(pp->e, pd.o, ARB_OS_CANCELED, NULL, r->ts);
		else
			execute(pp, pd.o, r, seq);
		goto again;   /* the engine may have sent or canceled orders */
	}
}

static int
p_send(void *ctx, struct arb_order *o, int64_t now)
{
	struct paper *pp = ctx;

	if (pp->n == pp->cap) {
		size_t nc = pp->cap ? pp->cap * 2 : 16;
		xrealloc(&pp->p, nc * sizeof *pp->p);
		pp->cap = nc;
	}
	pp->p[pp->n].o = o;
	pp->p[pp->n].arrive = now + arb_paper_latency(&pp->c, o->ex);
	pp->p[pp->n].cancel_at = 0;
	pp->n++;
	return 0;
}

static int
p_cancel(void *ctx, struct arb_order *o, int64_t now)
{
	struct paper *pp = ctx;
	size_t i;

	for (i = 0; i < pp->n; i++)
		if (pp->p[i].o == o && !pp->p[i].cancel_at)
			pp->p[i].cancel_at = now + arb_paper_latency(&pp->c, o->ex);
	return 0;   /* already executed: the order is settled anyway */
}

static void
p_resume(void *ctx, struct arb_order *o, int64_t now)
{
	(void)p_send(ctx, o, o->t_sent);
	if (o->cancel_req)
		(void)p_cancel(ctx, o, now);
}

static void
p_finish(void *ctx, int64_t now, int cancel)
{
	struct paper *pp = ctx;

	while (pp->n) {
		struct pend pd = pp->p[0];
		memmove(&pp->p[0], &pp->p[1], (pp->n - 1) * sizeof *pp->p);
		pp->n--;
		/* a cancel already asked for keeps its reason */
		arb_exec_on_end(pp->e, pd.o, ARB_OS_CANCELED,
		    pd.o->cancel_req ? NULL : cancel ? "stop" : "eof", now);
	}
}

static void
p_free(void *ctx)
{
	struct paper *pp = ctx;

	arb_book_rec_free(&pp->bk);
	free(pp->p);
	free(pp->t);
	free(pp);
}

struct arb_xport *
arb_paper_new(const struct arb_paper_conf *c)
{
	struct paper *pp = xcalloc(1, sizeof *pp);

	pp->c = *c;
	pp->x.name = "paper";
	pp->x.mode = "paper";
	pp->x.ctx = pp;
	pp->x.send = p_send;
	pp->x.cancel = p_cancel;
	pp->x.resume = p_resume;
	pp->x.record = p_record;
	pp->x.tick = NULL;
	pp->x.finish = p_finish;
	pp->x.free = p_free;
	return &pp->x;
}

void
arb_paper_attach(struct arb_xport *x, struct arb_exec *e)
{
	((struct paper *)x->ctx)->e = e;
}
