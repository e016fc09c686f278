#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
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
		/* one value for every venue not named, before or after */
		c->latency_default = us;
		c->uniform = 1;
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

/* Liquidity this transport took from the current book of a venue and
 * symbol (kept with its key). */
struct taken {
	int64_t bts, bseq;
	enum arb_side side;     /* the taker's side */
	arb_dec px, qty;
};

/* Orders waiting for a book, per venue and symbol. */
struct pkey {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	uint64_t h;
	struct pend *p;         /* p[head..n): in arrival order (one latency
	                         * per venue, sent in time order) */
	size_t head, n, cap;
	struct taken *t;        /* liquidity taken from this key's book */
	size_t nt, capt;
	int warned;             /* said that a book of it was unusable */
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
	struct pkey *k;         /* in the order they were first used */
	size_t nk, capk;
	uint32_t *idx;          /* k by venue and symbol: 1 + index, 0 empty */
	size_t capidx;
	size_t n;               /* pending orders in all keys */
	struct arb_book_rec bk;
	uint64_t vseq;
	struct arb_xport x;
};

static arb_dec
taken_at(const struct pkey *k, enum arb_side side, arb_dec px)
{
	arb_dec sum = arb_dec_make(0, 0), r;
	size_t i;

	for (i = 0; i < k->nt; i++)
		if (k->t[i].side == side && !arb_dec_cmp(k->t[i].px, px))
			if (arb_dec_add(&r, sum, k->t[i].qty) == 0)
				sum = r;
	return sum;
}

static void
take(struct pkey *k, int64_t bts, int64_t bseq, enum arb_side side, arb_dec px, arb_dec qty)
{
	struct taken *t;

	if (k->nt == k->capt) {
		size_t nc = k->capt ? k->capt * 2 : 8;
		xrealloc(&k->t, nc * sizeof *k->t);
		k->capt = nc;
	}
	t = &k->t[k->nt++];
	t->bts = bts;
	t->bseq = bseq;
	t->side = side;
	t->px = px;
	t->qty = qty;
}

/* A new book for the key replaces the one liquidity was taken from. */
static void
forget_taken(struct pkey *k, int64_t bts, int64_t bseq)
{
	size_t i, n = 0;

	for (i = 0; i < k->nt; i++)
		if (k->t[i].bts == bts && k->t[i].bseq == bseq)
			k->t[n++] = k->t[i];
	k->nt = n;
}

#define MAXFILLS 64

/* Why a book that says it is in sync cannot be filled against: levels
 * not best first (a walk would stop early and fill short) or a level
 * that is no offer.  NULL when it can. */
static const char *
unusable(const struct arb_book_rec *bk, char *why, size_t wl)
{
	uint32_t u;
	int side;

	for (side = 0; side < 2; side++) {
		const struct arb_level *lv = side ? bk->asks : bk->bids;
		uint32_t n = side ? bk->nasks : bk->nbids;
		const char *name = side ? "asks" : "bids";

		if ((u = arb_levels_unsorted(lv, 1, n, side)) != 0) {
			snprintf(why, wl, "%s not best first at level %" PRIu32, name, u);
			return why;
		}
		if ((u = arb_levels_bad(lv, n)) != 0) {
			snprintf(why, wl, "%s level %" PRIu32 " has price <= 0 or quantity < 0", name, u);
			return why;
		}
	}
	return NULL;
}

static struct pkey *pkey(struct paper *pp, const char *ex, const char *sym, int create);

/* Executes o against the book bk (record r) as the venue would: walk the
 * opposite side level by level while the price is within the limit. */
static void
execute(struct paper *pp, struct arb_order *o, const struct arb_rec *r, int64_t bseq)
{
	struct arb_exec *e = pp->e;
	const struct arb_level *lv = o->side == ARB_BUY ? pp->bk.asks : pp->bk.bids;
	uint32_t nl = o->side == ARB_BUY ? pp->bk.nasks : pp->bk.nbids, i;
	arb_dec want, fpx[MAXFILLS], fq[MAXFILLS], got = arb_dec_make(0, 0), tmp;
	int nf = 0, f;
	struct pkey *k = pkey(pp, r->ex, r->sym, 1);   /* o was waiting there */
	char vid[48], tid[64];
	int64_t ts = r->ts;

	if (arb_dec_sub(&want, o->qty, o->filled) < 0)
		return;
	for (i = 0; i < nl && nf < MAXFILLS && arb_dec_sign(want) > 0; i++) {
		arb_dec avail, q;
		int c = arb_dec_cmp(lv[i].px, o->px);
		if (o->side == ARB_BUY ? c > 0 : c < 0)
			break;
		if (arb_dec_sub(&avail, lv[i].qty, taken_at(k, o->side, lv[i].px)) < 0 ||
		    arb_dec_sign(avail) <= 0)
			continue;
		q = arb_dec_min(avail, want);
		/* a fill whose amount or fee cannot be computed exactly (past
		 * 36 decimals) is not made: the engine would count it as zero */
		if (arb_dec_mul(&tmp, arb_dec_trim(lv[i].px), arb_dec_trim(q)) < 0 ||
		    arb_dec_mul(&tmp, arb_dec_trim(tmp), arb_dec_trim(o->fee_rate)) < 0 ||
		    arb_dec_mul(&tmp, arb_dec_trim(q), arb_dec_trim(o->fee_rate)) < 0)
			break;
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
	k = pkey(pp, r->ex, r->sym, 1);   /* (moves when the engine sends) */
	for (f = 0; f < nf; f++)
		take(k, r->ts, bseq, o->side, fpx[f], fq[f]);
	for (f = 0; f < nf; f++) {
		int last = f == nf - 1 && arb_dec_sign(want) <= 0;
		snprintf(tid, sizeof tid, "%sf%d", o->cid, o->nfills + 1);
		/* the fee at the order's rate, the engine's (exact: checked
		 * above) */
		arb_exec_on_fill(e, o, fpx[f], fq[f], arb_dec_make(0, 0), NULL, tid, ts);
		if (last)
			return;   /* filled: o may be settled by the engine now */
	}
	arb_exec_on_end(e, o, ARB_OS_CANCELED, nf ? "ioc_rest" : "ioc_miss", ts);
}

static void
idx_put(struct paper *pp, size_t i)
{
	size_t mask = pp->capidx - 1, j;

	for (j = pp->k[i].h & mask; pp->idx[j]; j = (j + 1) & mask)
		;
	pp->idx[j] = (uint32_t)(i + 1);
}

/* The orders (and taken liquidity) of ex/sym; with create, added when
 * absent (pp->k may move then). */
static struct pkey *
pkey(struct paper *pp, const char *ex, const char *sym, int create)
{
	uint64_t h = arb_hash2(ex, sym);
	size_t i, mask;
	struct pkey *k;

	if (pp->capidx) {
		mask = pp->capidx - 1;
		for (i = h & mask; pp->idx[i]; i = (i + 1) & mask) {
			k = &pp->k[pp->idx[i] - 1];
			if (k->h == h && !strcmp(k->ex, ex) && !strcmp(k->sym, sym))
				return k;
		}
	}
	if (!create)
		return NULL;
	if (pp->nk == pp->capk) {
		size_t nc = pp->capk ? pp->capk * 2 : 8;
		xrealloc(&pp->k, nc * sizeof *pp->k);
		pp->capk = nc;
	}
	k = &pp->k[pp->nk];
	memset(k, 0, sizeof *k);
	snprintf(k->ex, ARB_EX_MAX, "%s", ex);
	snprintf(k->sym, ARB_SYM_MAX, "%s", sym);
	k->h = h;
	pp->nk++;
	if (pp->nk * 2 > pp->capidx) {
		free(pp->idx);
		pp->capidx = pp->capidx ? pp->capidx * 2 : 64;
		pp->idx = xcalloc(pp->capidx, sizeof *pp->idx);
		for (i = 0; i < pp->nk; i++)
			idx_put(pp, i);
	} else
		idx_put(pp, pp->nk - 1);
	return k;
}

static void
p_record(void *ctx, const struct arb_rec *r)
{
	struct paper *pp = ctx;
	struct pkey *k;
	size_t i;
	int ok = 0, parsed = 0;
	int64_t seq = 0;
	char why[80];
	const char *bad;

	if (r->type != ARB_R_BOOK || !pp->n || !(k = pkey(pp, r->ex, r->sym, 0)) ||
	    k->head == k->n || k->p[k->head].arrive > r->ts)
		return;
	if (arb_rec_i64(r, "seq", &seq) < 0)
		seq = 0;
	forget_taken(k, r->ts, seq);
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
			if (ok && (bad = unusable(&pp->bk, why, sizeof why)) != NULL) {
				ok = 0;
				if (!k->warned++)
					arb_warn("%s %s: paper: a book's %s: no order fills on such a book "
					    "(said once per symbol)", r->ex, r->sym, bad);
			}
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
	int64_t arrive;
	size_t i;

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
	/* in arrival order: an order resumed after a restart may have been
	 * sent before ones already waiting (a later leg of an earlier
	 * opportunity comes first in the state file), and p_record stops
	 * at the first that has not arrived */
	arrive = now + arb_paper_latency(&pp->c, o->ex);
	for (i = k->n; i > k->head && k->p[i - 1].arrive > arrive; i--)
		;
	memmove(&k->p[i + 1], &k->p[i], (k->n - i) * sizeof *k->p);
	k->p[i].o = o;
	k->p[i].arrive = arrive;
	k->p[i].cancel_at = 0;
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
	/* the cancel reaches the venue one latency after it was asked for,
	 * as in a run that did not stop */
	if (o->cancel_req)
		(void)p_cancel(ctx, o, o->t_cancel != INT64_MIN ? o->t_cancel : now);
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
	for (i = 0; i < pp->nk; i++) {
		free(pp->k[i].p);
		free(pp->k[i].t);
	}
	free(pp->k);
	free(pp->idx);
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
