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

/* Orders waiting for a book, per venue and symbol. */
struct pkey {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	struct pend *p;         /* p[head..n): in arrival order (one latency
	                         * per venue, sent in time order) */
	size_t head, n, cap;
};

/* Removes p[i] from key k. */
static void
pkey_del(struct pkey *k, size_t i)
{
	if (i == k->head) {
		k->head++;
		if (k->head == k->n)
			k->head = k->n = 0;
		return;
	}
	memmove(&k->p[i], &k->p[i + 1], (k->n - i - 1) * sizeof *k->p);
	k->n--;
}

struct paper {
	struct arb_paper_conf c;
	struct arb_exec *e;
	struct pkey *k;
	size_t nk, capk;
	size_t n;               /* pending orders in all keys */
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

static struct pkey *
pkey(struct paper *pp, const char *ex, const char *sym, int create)
{
	size_t i;

	for (i = 0; i < pp->nk; i++)
		if (!strcmp(pp->k[i].ex, ex) && !strcmp(pp->k[i].sym, sym))
			return &pp->k[i];
	if (!create)
		return NULL;
	if (pp->nk == pp->capk) {
		size_t nc = pp->capk ? pp->capk * 2 : 8;
		xrealloc(&pp->k, nc * sizeof *pp->k);
		pp->capk = nc;
	}
	memset(&pp->k[pp->nk], 0, sizeof pp->k[pp->nk]);
	snprintf(pp->k[pp->nk].ex, ARB_EX_MAX, "%s", ex);
	snprintf(pp->k[pp->nk].sym, ARB_SYM_MAX, "%s", sym);
	return &pp->k[pp->nk++];
}

static void
p_record(void *ctx, const struct arb_rec *r)
{
	struct paper *pp = ctx;
	struct pkey *k;
	size_t i;
	int ok = 0, parsed = 0;
	int64_t seq = 0;

	if (r->type != ARB_R_BOOK || !pp->n || !(k = pkey(pp, r->ex, r->sym, 0)) ||
	    k->head == k->n || k->p[k->head].arrive > r->ts)
		return;
	if (arb_rec_i64(r, "seq", &seq) < 0)
		seq = 0;
	forget_taken(pp, r->ex, r->sym, r->ts, seq);
again:
	/* the engine may have sent orders (new keys: pp->k may move) */
	if (!(k = pkey(pp, r->ex, r->sym, 0)))
		return;
	for (i = k->head; i < k->n; i++) {
		struct pend pd = k->p[i];
		if (pd.arrive > r->ts)
			break;      /* and so are all after it */
		if (!parsed) {
			parsed = 1;
			if (arb_rec_bool(r, "ok", &ok) < 0)
				ok = 0;
			if (ok && arb_rec_book(r, &pp->bk) < 0)
				ok = 0;
		}
		/* a book not known to be right is no evidence for a fill; a
		 * cancel that has arrived takes effect all the same */
		if (!ok && !(pd.cancel_at && r->ts >= pd.cancel_at))
			continue;
		pkey_del(k, i);
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
	struct pkey *k = pkey(pp, o->ex, o->sym, 1);

	if (k->n == k->cap && k->head > 0) {
		memmove(&k->p[0], &k->p[k->head], (k->n - k->head) * sizeof *k->p);
		k->n -= k->head;
		k->head = 0;
	}
	if (k->n == k->cap) {
		size_t nc = k->cap ? k->cap * 2 : 16;
		xrealloc(&k->p, nc * sizeof *k->p);
		k->cap = nc;
	}
	k->p[k->n].o = o;
	k->p[k->n].arrive = now + arb_paper_latency(&pp->c, o->ex);
	k->p[k->n].cancel_at = 0;
	k->n++;
	pp->n++;
	return 0;
}

static int
p_cancel(void *ctx, struct arb_order *o, int64_t now)
{
	struct paper *pp = ctx;
	struct pkey *k = pkey(pp, o->ex, o->sym, 0);
	size_t i;

	for (i = k ? k->head : 0; k && i < k->n; i++)
		if (k->p[i].o == o && !k->p[i].cancel_at)
			k->p[i].cancel_at = now + arb_paper_latency(&pp->c, o->ex);
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
	size_t i;

	/* in the order they were sent, venue by venue */
	for (i = 0; i < pp->nk; i++) while (pp->k[i].head < pp->k[i].n) {
		struct pkey *k = &pp->k[i];
		struct pend pd = k->p[k->head];
		pkey_del(k, k->head);
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
	size_t i;

	arb_book_rec_free(&pp->bk);
	for (i = 0; i < pp->nk; i++)
		free(pp->k[i].p);
	free(pp->k);
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
