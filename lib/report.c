/*
 * report.c: arb-report's aggregation.  Each record updates a small state:
 * prices (for currency conversion), opportunities, orders, results,
 * fills, balances, feed states and latency samples.  The output modules
 * read that state after arb_report_finish.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "report.h"
#include "report_int.h"

const char *const arb_report_step_names[LS_N] = {
	"receive", "detect", "order", "ack", "fill"
};

/* ---- small containers ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h;
}

int rmap_get(const struct rmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	for (i = hash_str(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	return -1;
}

static void rmap_grow(struct rmap *m)
{
	size_t ocap = m->cap, i, j;
	char **ok = m->keys;
	int *ov = m->vals;

	m->cap = ocap ? ocap * 2 : 64;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->vals = xcalloc(m->cap, sizeof *m->vals);
	for (i = 0; i < ocap; i++) {
		if (!ok[i])
			continue;
		for (j = hash_str(ok[i]) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1))
			;
		m->keys[j] = ok[i];
		m->vals[j] = ov[i];
	}
	free(ok);
	free(ov);
}

void rmap_put(struct rmap *m, const char *key, int val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		rmap_grow(m);
	for (i = hash_str(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0) {
			m->vals[i] = val;
			return;
		}
	m->keys[i] = xstrdup(key);
	m->vals[i] = val;
	m->n++;
}

void rmap_free(struct rmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

void i64v_push(struct i64v *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		xrealloc(&a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = x;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void i64v_sort(struct i64v *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof *a->v, cmp_i64);
}

int64_t i64v_pct(const struct i64v *a, int p)
{
	/* Nearest rank: the smallest value with at least p% at or below it. */
	size_t k = (a->n * (size_t)p + 99) / 100;

	if (k < 1)
		k = 1;
	return a->v[k - 1];
}

/* Grows a typed array by one zeroed element; returns its index. */
static size_t grow1(void *pp, size_t *n, size_t *cap, size_t size)
{
	char **p = pp;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		xrealloc(p, *cap * size);
	}
	memset(*p + *n * size, 0, size);
	return (*n)++;
}
#define GROW(arr, n, cap) grow1(&(arr), &(n), &(cap), sizeof *(arr))

static void scopy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- decimals ---- */

void rdec_str(arb_dec d, char *buf)
{
	arb_dec_fmt(arb_dec_trim(d), buf);
}

int rratio(arb_dec *out, uint64_t num, uint64_t den)
{
	if (!den)
		return -1;
	return arb_dec_div(out, arb_dec_make((int64_t)num, 0), arb_dec_make((int64_t)den, 0),
	    4, ARB_RND_DOWN);
}

arb_dec rus_sec(int64_t us)
{
	return arb_dec_trim(arb_dec_make(us, 6));
}

arb_dec rus_ms(int64_t us)
{
	return arb_dec_trim(arb_dec_make(us, 3));
}

int rcount_cmp(const void *a, const void *b)
{
	const struct rcount *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Converted amounts keep at most 8 fraction digits (half-even). */
#define CONV_SCALE 8

static int rnd8(arb_dec *v)
{
	if (v->s > CONV_SCALE && arb_dec_rescale(v, *v, CONV_SCALE, ARB_RND_HALF_EVEN) < 0)
		return -1;
	*v = arb_dec_trim(*v);
	return 0;
}

/*
 * Converts v in ccy into the reporting currency with the last price seen
 * of CCY/REPORT (multiply) or REPORT/CCY (divide).  0 or -1 (no price).
 */
int rconvert(const struct arb_report *r, const char *ccy, arb_dec v, arb_dec *out)
{
	char sym[2 * RCCY_MAX + 2];
	int i;

	if (strcmp(ccy, r->ccy) == 0) {
		*out = v;
		return 0;
	}
	snprintf(sym, sizeof sym, "%s/%s", ccy, r->ccy);
	if ((i = rmap_get(&r->pricemap, sym)) >= 0) {
		if (arb_dec_mul(out, v, r->prices[i].px) < 0)
			return -1;
		return rnd8(out);
	}
	snprintf(sym, sizeof sym, "%s/%s", r->ccy, ccy);
	if ((i = rmap_get(&r->pricemap, sym)) >= 0 && !arb_dec_is_zero(r->prices[i].px)) {
		if (arb_dec_div(out, v, r->prices[i].px, CONV_SCALE, ARB_RND_HALF_EVEN) < 0)
			return -1;
		*out = arb_dec_trim(*out);
		return 0;
	}
	return -1;
}

/* ---- life cycle ---- */

struct arb_report *arb_report_new(const struct arb_report_opts *o)
{
	struct arb_report *r = xcalloc(1, sizeof *r);

	r->o = *o;
	if (o->ccy) {
		scopy(r->ccy, sizeof r->ccy, o->ccy);
		r->ccy_given = 1;
	}
	return r;
}

static void feed_free(struct rfeed *f)
{
	free(f->seg);
}

void arb_report_free(struct arb_report *r)
{
	size_t i;
	int k;

	if (!r)
		return;
	for (i = 0; i < r->nfeeds; i++)
		feed_free(&r->feeds[i]);
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++)
			free(r->venues[i].lat[k].v);
	free(r->prices); rmap_free(&r->pricemap);
	free(r->opps); rmap_free(&r->oppmap);
	free(r->orders); rmap_free(&r->ordermap);
	free(r->results);
	free(r->fills);
	free(r->bals); rmap_free(&r->balmap);
	free(r->flows); rmap_free(&r->flowmap);
	free(r->rexpo); rmap_free(&r->rexpomap);
	free(r->feeds); rmap_free(&r->feedmap);
	free(r->venues); rmap_free(&r->venuemap);
	free(r->rejects); rmap_free(&r->rejectmap);
	free(r->lifetime.v);
	free(r->reaction.v);
	free(r->checks);
	free(r);
}

void arb_report_count_bad(struct arb_report *r, uint64_t bad, uint64_t unknown)
{
	r->bad += bad;
	r->unknown += unknown;
}

/* ---- filters ---- */

static int match_ex(const struct arb_report *r, const char *ex)
{
	return !r->o.venue || strcmp(r->o.venue, ex) == 0;
}

static int match_sym(const struct arb_report *r, const char *sym)
{
	return !r->o.sym || strcmp(r->o.sym, sym) == 0;
}

/* A balance asset matches --sym when it is the symbol's base or quote. */
static int match_asset(const struct arb_report *r, const char *asset)
{
	const char *sl;
	size_t n = strlen(asset);

	if (!r->o.sym)
		return 1;
	sl = strchr(r->o.sym, '/');
	if (!sl)
		return 0;
	return ((size_t)(sl - r->o.sym) == n && strncmp(r->o.sym, asset, n) == 0) ||
	    strcmp(sl + 1, asset) == 0;
}

/* ---- state pieces ---- */

static void price_set(struct arb_report *r, const char *sym, arb_dec px)
{
	int i = rmap_get(&r->pricemap, sym);

	if (i < 0) {
		i = (int)GROW(r->prices, r->nprices, r->capprices);
		scopy(r->prices[i].sym, sizeof r->prices[i].sym, sym);
		rmap_put(&r->pricemap, sym, i);
	}
	r->prices[i].px = px;
}

static struct rvenue *venue_get(struct arb_report *r, const char *ex)
{
	int i = rmap_get(&r->venuemap, ex);

	if (i < 0) {
		i = (int)GROW(r->venues, r->nvenues, r->capvenues);
		scopy(r->venues[i].ex, sizeof r->venues[i].ex, ex);
		rmap_put(&r->venuemap, ex, i);
	}
	return &r->venues[i];
}

static void lat_push(struct arb_report *r, const char *ex, int step, int64_t us)
{
	if (!ex[0])
		return;
	i64v_push(&venue_get(r, ex)->lat[step], us);
}

static struct rfeed *feed_get(struct arb_report *r, const char *ex, const char *sym)
{
	char key[ARB_EX_MAX + ARB_SYM_MAX + 24];
	int i;

	/* the length of ex first: "a b" + "c" and "a" + "b c" are two feeds */
	snprintf(key, sizeof key, "%zu:%s %s", strlen(ex), ex, sym);
	i = rmap_get(&r->feedmap, key);
	if (i < 0) {
		i = (int)GROW(r->feeds, r->nfeeds, r->capfeeds);
		scopy(r->feeds[i].ex, sizeof r->feeds[i].ex, ex);
		scopy(r->feeds[i].sym, sizeof r->feeds[i].sym, sym);
		r->feeds[i].st = FS_UNKNOWN;
		rmap_put(&r->feedmap, key, i);
	}
	return &r->feeds[i];
}

/* Accounts the time spent in the current state up to t (clipped to the
 * window's start). */
static void feed_account(struct arb_report *r, struct rfeed *f, int64_t t)
{
	int64_t from = f->t_st, d;

	if (r->o.has_since && from < r->o.since)
		from = r->o.since;
	d = t - from;
	if (f->st == FS_UNKNOWN || d <= 0)
		return;
	f->obs_us += d;
	f->observed = 1;
	if (f->st == FS_UP)
		f->up_us += d;
	else if (f->st == FS_STALE)
		f->stale_us += d;
	else if (f->st == FS_DOWN || f->st == FS_GAP)
		f->down_us += d;
}

static void feed_set(struct arb_report *r, struct rfeed *f, int st, int64_t t)
{
	if (f->st != FS_UNKNOWN && t < f->t_st)
		t = f->t_st;       /* out-of-order status: never go back */
	feed_account(r, f, t);
	if (f->st == FS_UNKNOWN && r->o.has_since && t < r->o.since)
		f->observed = 1;   /* known before the window: observed from its start */
	if (f->nseg == 0 || f->seg[f->nseg - 1].st != st) {
		GROW(f->seg, f->nseg, f->capseg);
		f->seg[f->nseg - 1].t = t;
		f->seg[f->nseg - 1].st = st;
	}
	f->st = st;
	f->t_st = t;
}

int64_t arb_report_feed_age(const struct arb_report *r, const struct rfeed *f)
{
	/* FS_UNKNOWN after a segment: the recording ended there */
	int64_t at = f->st == FS_UNKNOWN && f->nseg > 0 && f->t_st < r->end ? f->t_st : r->end;

	return at > f->last_book ? at - f->last_book : 0;
}

static int state_class(const char *s)
{
	if (!strcmp(s, "synced"))
		return FS_UP;
	if (!strcmp(s, "connected") || !strcmp(s, "subscribed"))
		return FS_CONNECTING;
	if (!strcmp(s, "gap") || !strcmp(s, "resync"))
		return FS_GAP;
	if (!strcmp(s, "stale"))
		return FS_STALE;
	if (!strcmp(s, "disconnected"))
		return FS_DOWN;
	return -1;
}

static struct ropp *opp_get(struct arb_report *r, const char *id, int create)
{
	int i = rmap_get(&r->oppmap, id);

	if (i < 0) {
		if (!create)
			return NULL;
		i = (int)GROW(r->opps, r->nopps, r->capopps);
		scopy(r->opps[i].id, sizeof r->opps[i].id, id);
		r->opps[i].result = -1;
		rmap_put(&r->oppmap, id, i);
	}
	return &r->opps[i];
}

/* Adds a name to a list like "binance>kraken" unless it is there. */
static void list_add(char *list, size_t cap, const char *name, char sep)
{
	size_t n = strlen(name), l = strlen(list);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, sep);
		size_t k = e ? (size_t)(e - p) : strlen(p);

		if (k == n && strncmp(p, name, n) == 0)
			return;
		p += k;
		if (*p)
			p++;
	}
	if (l + n + 2 > cap)
		return;
	if (l)
		list[l++] = sep;
	memcpy(list + l, name, n + 1);
}

static void opp_leg(struct arb_report *r, struct ropp *o, const char *ex, const char *sym)
{
	list_add(o->route, sizeof o->route, ex, '>');
	list_add(o->syms, sizeof o->syms, sym, ',');
	if (match_ex(r, ex) && match_sym(r, sym))
		o->matches = 1;
}

static void flow_add(struct arb_report *r, const char *asset, arb_dec v)
{
	int i = rmap_get(&r->flowmap, asset);

	if (i < 0) {
		i = (int)GROW(r->flows, r->nflows, r->capflows);
		scopy(r->flows[i].asset, sizeof r->flows[i].asset, asset);
		r->flows[i].net = arb_dec_make(0, 0);
		rmap_put(&r->flowmap, asset, i);
	}
	arb_dec_add(&r->flows[i].net, r->flows[i].net, v);
}

/* An id key: a string, or an integer (K_ID in rec.c accepts both). */
static int rec_id(const struct arb_rec *rec, const char *key, char *buf, size_t cap)
{
	int64_t v;

	if (arb_rec_str(rec, key, buf, cap) >= 0)
		return 0;
	if (arb_rec_i64(rec, key, &v) == 0) {
		snprintf(buf, cap, "%lld", (long long)v);
		return 0;
	}
	return -1;
}

static void rexpo_add(struct arb_report *r, const char *asset, arb_dec v)
{
	int i = rmap_get(&r->rexpomap, asset);

	if (i < 0) {
		i = (int)GROW(r->rexpo, r->nrexpo, r->caprexpo);
		scopy(r->rexpo[i].asset, sizeof r->rexpo[i].asset, asset);
		r->rexpo[i].net = arb_dec_make(0, 0);
		rmap_put(&r->rexpomap, asset, i);
	}
	arb_dec_add(&r->rexpo[i].net, r->rexpo[i].net, v);
}

/* ---- record handlers ---- */

static void on_book(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	struct arb_book_rec b;
	struct rfeed *f;
	arb_dec mid;
	int ok = 0;

	memset(&b, 0, sizeof b);
	if (arb_rec_book(rec, &b) == 0) {
		ok = b.ok;
		if (b.nbids && b.nasks && arb_dec_add(&mid, b.bids[0].px, b.asks[0].px) == 0 &&
		    arb_dec_div(&mid, mid, arb_dec_make(2, 0), mid.s + 1, ARB_RND_HALF_EVEN) == 0)
			price_set(r, rec->sym, arb_dec_trim(mid));
	}
	arb_book_rec_free(&b);
	if (!inwin || !match_ex(r, rec->ex) || !match_sym(r, rec->sym))
		return;
	f = feed_get(r, rec->ex, rec->sym);
	f->books++;
	if (!ok)
		f->bad_books++;
	f->last_book = rec->ts;
	f->has_book = 1;
	if (rec->has_rt)
		lat_push(r, rec->ex, LS_RECV, rec->rt - rec->ts);
}

static void on_trade(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	arb_dec px;

	if (arb_rec_dec(rec, "px", &px) == 0)
		price_set(r, rec->sym, px);
	if (!inwin || !match_ex(r, rec->ex) || !match_sym(r, rec->sym))
		return;
	if (rec->has_rt)
		lat_push(r, rec->ex, LS_RECV, rec->rt - rec->ts);
}

static void on_status(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char state[32];
	struct rfeed *f;
	size_t i;
	int st, eof = 0;

	if (arb_rec_str(rec, "state", state, sizeof state) < 0 || (st = state_class(state)) < 0)
		return;
	if (!match_ex(r, rec->ex) || (rec->sym[0] && !match_sym(r, rec->sym)))
		return;
	f = feed_get(r, rec->ex, rec->sym[0] ? rec->sym : "*");

	/* The end of a recording (arb-feed --replay) is not an outage: the
	 * feed is no longer observed from there, as before its first status. */
	if (st == FS_DOWN && arb_rec_bool(rec, "eof", &eof) == 0 && eof)
		st = FS_UNKNOWN;
	if (inwin && !eof) {
		if (!strcmp(state, "gap"))
			f->gaps++;
		else if (!strcmp(state, "resync"))
			f->resyncs++;
		else if (!strcmp(state, "stale") && f->st != FS_STALE)
			f->stales++;
		else if (!strcmp(state, "disconnected") && f->st != FS_DOWN)
			f->disconnects++;
	}
	/* For the venue as a whole, up means connected. */
	if (st != FS_UNKNOWN || f->st != FS_UNKNOWN)   /* not observed: nothing ends */
		feed_set(r, f, !rec->sym[0] && st == FS_CONNECTING ? FS_UP : st, rec->ts);
	if (rec->sym[0])
		return;
	/* A venue-wide state applies to each of its symbols (not counted twice). */
	for (i = 0; i < r->nfeeds; i++) {
		struct rfeed *g = &r->feeds[i];

		if (g != f && strcmp(g->ex, rec->ex) == 0 && g->st != FS_UNKNOWN)
			feed_set(r, g, st, rec->ts);
	}
}

static void on_opportunity(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char id[RID_MAX], ev[16], ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	const struct arb_json *j = &rec->j;
	struct ropp *o;
	int legs, bts, k, i, isnew;

	if (rec_id(rec, "id", id, sizeof id) < 0 || arb_rec_str(rec, "event", ev, sizeof ev) < 0)
		return;
	isnew = rmap_get(&r->oppmap, id) < 0;
	o = opp_get(r, id, 1);
	if (!o->kind[0]) {
		/* first record of it (or only orders or fills were seen before) */
		arb_rec_str(rec, "kind", o->kind, sizeof o->kind);
		o->in_window = inwin;
		legs = arb_json_get(j, 0, "legs");
		for (i = 0; legs >= 0 && (k = arb_json_at(j, legs, (uint32_t)i)) >= 0; i++) {
			int e = arb_json_get(j, k, "ex"), s = arb_json_get(j, k, "sym");

			if (e < 0 || s < 0 || arb_json_str(j, e, ex, sizeof ex) < 0 ||
			    arb_json_str(j, s, sym, sizeof sym) < 0)
				continue;
			opp_leg(r, o, ex, sym);
		}
	}
	if (!strcmp(ev, "new") || (isnew && strcmp(ev, "gone") != 0)) {
		if (o->has_new)
			return;
		o->has_new = 1;
		o->ts_new = rec->ts;
		o->has_bps = arb_rec_dec(rec, "net_bps", &o->net_bps) == 0;
		if (!inwin || !o->matches)
			return;
		/* receive -> detect, per leg venue, from the books it used */
		legs = arb_json_get(j, 0, "legs");
		bts = arb_json_get(j, 0, "book_ts");
		for (i = 0; legs >= 0 && bts >= 0 && (k = arb_json_at(j, legs, (uint32_t)i)) >= 0; i++) {
			int e = arb_json_get(j, k, "ex"), b = arb_json_at(j, bts, (uint32_t)i);
			int64_t t;

			if (e >= 0 && b >= 0 && arb_json_str(j, e, ex, sizeof ex) >= 0 &&
			    arb_json_i64(j, b, &t) == 0 && match_ex(r, ex))
				lat_push(r, ex, LS_DETECT, rec->ts - t);
		}
	} else if (!strcmp(ev, "gone") && !o->has_gone) {
		o->has_gone = 1;
		o->ts_gone = rec->ts;
		if (o->has_new && o->in_window && o->matches)
			i64v_push(&r->lifetime, o->ts_gone - o->ts_new);
	}
}

/* The reasons arb-detect gives at sizing or after it, to a candidate
 * that was profitable after fees (arb-detect(1), "Reason codes"). */
static int is_sizing(const char *reason)
{
	return !strcmp(reason, "lot") || !strcmp(reason, "min_notional") ||
	    !strcmp(reason, "balance") || !strcmp(reason, "tick") || !strcmp(reason, "min_profit");
}

static void on_reject(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char reason[RREASON_MAX];
	int i;

	if (!inwin)
		return;
	if ((r->o.venue && !match_ex(r, rec->ex)) || (r->o.sym && !match_sym(r, rec->sym)))
		return;
	if (arb_rec_str(rec, "reason", reason, sizeof reason) < 0)
		scopy(reason, sizeof reason, "unknown");
	if ((i = rmap_get(&r->rejectmap, reason)) < 0) {
		i = (int)GROW(r->rejects, r->nrejects, r->caprejects);
		scopy(r->rejects[i].key, sizeof r->rejects[i].key, reason);
		rmap_put(&r->rejectmap, reason, i);
	}
	r->rejects[i].n++;
	r->nreject_total++;
	if (is_sizing(reason))
		r->nreject_sizing++;
}

static void on_order(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char cid[RID_MAX], opp[RID_MAX], state[16];
	struct rorder *od;
	int i;

	if (arb_rec_str(rec, "cid", cid, sizeof cid) < 0)
		return;
	if (arb_rec_str(rec, "state", state, sizeof state) < 0)
		state[0] = '\0';
	if ((i = rmap_get(&r->ordermap, cid)) < 0) {
		struct ropp *o = NULL;

		i = (int)GROW(r->orders, r->norders, r->caporders);
		od = &r->orders[i];
		scopy(od->cid, sizeof od->cid, cid);
		scopy(od->ex, sizeof od->ex, rec->ex);
		od->ts_first = rec->ts;
		od->opp = -1;
		{
			char role[16];

			od->unwind = arb_rec_str(rec, "role", role, sizeof role) >= 0 &&
			    !strcmp(role, "unwind");
		}
		rmap_put(&r->ordermap, cid, i);
		if (rec_id(rec, "opp", opp, sizeof opp) >= 0) {
			o = opp_get(r, opp, 1);
			od->opp = (int)(o - r->opps);
			opp_leg(r, o, rec->ex, rec->sym);
		}
		/* Orders outside the window or the filters take no part. */
		od->latency_done = !inwin || !match_ex(r, rec->ex) || !match_sym(r, rec->sym);
		if (o && !od->latency_done && !o->has_order) {
			o->has_order = 1;
			o->ts_first_order = rec->ts;
		}
	}
	od = &r->orders[i];
	if (!strcmp(state, "sent") && !od->has_sent) {
		od->has_sent = 1;
		od->ts_sent = rec->ts;
	} else if (!strcmp(state, "acked") && !od->has_ack) {
		od->has_ack = 1;
		od->ts_ack = rec->ts;
	} else if (!strcmp(state, "rejected")) {
		od->rejected = 1;
	}
}

static void on_fill(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char cid[RID_MAX], base[ARB_SYM_MAX];
	struct rfill *f;
	arb_dec notional;
	char *sl;
	int i;

	if (arb_rec_str(rec, "cid", cid, sizeof cid) >= 0 && (i = rmap_get(&r->ordermap, cid)) >= 0 &&
	    !r->orders[i].has_fill) {
		r->orders[i].has_fill = 1;
		r->orders[i].ts_fill = rec->ts;
	}
	if (!inwin || !match_ex(r, rec->ex) || !match_sym(r, rec->sym))
		return;
	i = (int)GROW(r->fills, r->nfills, r->capfills);
	f = &r->fills[i];
	f->ts = rec->ts;
	scopy(f->ex, sizeof f->ex, rec->ex);
	scopy(f->sym, sizeof f->sym, rec->sym);
	if (rec_id(rec, "opp", f->opp, sizeof f->opp) < 0)
		f->opp[0] = '\0';
	arb_rec_str(rec, "side", f->side, sizeof f->side);
	if (arb_rec_dec(rec, "px", &f->px) < 0 || arb_rec_dec(rec, "qty", &f->qty) < 0)
		f->px = f->qty = arb_dec_make(0, 0);
	f->nofee = arb_rec_dec(rec, "fee", &f->fee) < 0;
	if (f->nofee)
		f->fee = arb_dec_make(0, 0);
	if (arb_rec_str(rec, "fee_ccy", f->fee_ccy, sizeof f->fee_ccy) < 0)
		f->fee_ccy[0] = '\0';
	f->has_conv = !f->nofee && f->fee_ccy[0] && rconvert(r, f->fee_ccy, f->fee, &f->conv_fee) == 0;
	if (f->nofee)
		r->fills_nofee++;
	else if (!f->has_conv && !arb_dec_is_zero(f->fee))
		r->fills_unconverted++;
	if (f->opp[0]) {
		struct ropp *o = opp_get(r, f->opp, 1);

		opp_leg(r, o, rec->ex, rec->sym);
		o->has_fill = 1;
	}
	/* Asset flows: buying adds base and spends quote; the fee is spent. */
	scopy(base, sizeof base, rec->sym);
	if ((sl = strchr(base, '/')) && arb_dec_mul(&notional, f->px, f->qty) == 0) {
		int buy = !strcmp(f->side, "buy");

		*sl = '\0';
		flow_add(r, base, buy ? f->qty : arb_dec_neg(f->qty));
		flow_add(r, sl + 1, buy ? arb_dec_neg(notional) : notional);
	}
	if (f->fee_ccy[0] && !arb_dec_is_zero(f->fee))
		flow_add(r, f->fee_ccy, arb_dec_neg(f->fee));
}

static void on_result(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char opp[RID_MAX];
	struct rresult *res;
	struct ropp *o;
	size_t i;

	if (!inwin || rec_id(rec, "opp", opp, sizeof opp) < 0)
		return;
	o = opp_get(r, opp, 0);
	if ((r->o.venue || r->o.sym) && (!o || !o->matches))
		return;
	i = GROW(r->results, r->nresults, r->capresults);
	res = &r->results[i];
	res->ts = rec->ts;
	scopy(res->opp, sizeof res->opp, opp);
	arb_rec_str(rec, "kind", res->kind, sizeof res->kind);
	arb_rec_str(rec, "status", res->status, sizeof res->status);
	if (arb_rec_str(rec, "reason", res->reason, sizeof res->reason) < 0)
		snprintf(res->reason, sizeof res->reason, "%s",
		    arb_json_get(&rec->j, 0, "reason") >= 0 ? "(too long)" : "");
	arb_rec_str(rec, "ccy", res->ccy, sizeof res->ccy);
	if (arb_rec_dec(rec, "pnl", &res->pnl) < 0)
		res->pnl = arb_dec_make(0, 0);
	res->has_fees = arb_rec_dec(rec, "fees", &res->fees) == 0;
	{
		/* exposure: [{"asset":A,"qty":Q},...] as arb-exec writes it */
		const struct arb_json *j = &rec->j;
		int e = arb_json_get(j, 0, "exposure"), k, a, q;
		uint32_t m;
		char asset[RCCY_MAX];
		arb_dec v;
		const char *w;

		if (e >= 0 && j->t[e].type == ARB_J_ARR) {
			r->has_rexpo = 1;
			for (m = 0; (k = arb_json_at(j, e, m)) >= 0; m++)
				if (j->t[k].type == ARB_J_OBJ && (a = arb_json_get(j, k, "asset")) >= 0 &&
				    (q = arb_json_get(j, k, "qty")) >= 0 &&
				    arb_json_str(j, a, asset, sizeof asset) >= 0 &&
				    arb_json_dec(j, q, &v, &w) == 0)
					rexpo_add(r, asset, v);
		}
	}
	if (!r->ccy[0])
		scopy(r->ccy, sizeof r->ccy, res->ccy);
	/* an inexact pnl is not converted, so that no total includes it */
	res->inexact = !strcmp(res->reason, "overflow");
	if (res->inexact) {
		res->has_conv = 0;
		r->results_inexact++;
	} else if (!(res->has_conv = rconvert(r, res->ccy, res->pnl, &res->conv) == 0))
		r->results_unconverted++;
	if (o) {
		scopy(res->route, sizeof res->route, o->route);
		scopy(res->syms, sizeof res->syms, o->syms);
		if (!res->kind[0])
			scopy(res->kind, sizeof res->kind, o->kind);
		o->has_result = 1;
		o->result = (int)i;
	}
}

static void on_balance(struct arb_report *r, const struct arb_rec *rec)
{
	char asset[RCCY_MAX], key[ARB_EX_MAX + RCCY_MAX + 24];
	struct rbal *b;
	int i;

	if (arb_rec_str(rec, "asset", asset, sizeof asset) < 0)
		return;
	if (!match_ex(r, rec->ex) || !match_asset(r, asset))
		return;
	snprintf(key, sizeof key, "%zu:%s %s", strlen(rec->ex), rec->ex, asset);   /* as feed_get */
	if ((i = rmap_get(&r->balmap, key)) < 0) {
		i = (int)GROW(r->bals, r->nbals, r->capbals);
		scopy(r->bals[i].ex, sizeof r->bals[i].ex, rec->ex);
		scopy(r->bals[i].asset, sizeof r->bals[i].asset, asset);
		rmap_put(&r->balmap, key, i);
	}
	b = &r->bals[i];
	if (arb_rec_dec(rec, "free", &b->free) < 0)
		b->free = arb_dec_make(0, 0);
	b->has_locked = arb_rec_dec(rec, "locked", &b->locked) == 0;
	b->ts = rec->ts;
}

static void on_risk(struct arb_report *r, const struct arb_rec *rec, int inwin)
{
	char action[16], opp[RID_MAX];

	if (!inwin)
		return;
	if (rec_id(rec, "opp", opp, sizeof opp) == 0) {
		/* about an opportunity: it matches when the opportunity does */
		const struct ropp *o = opp_get(r, opp, 0);

		if ((r->o.venue || r->o.sym) && (!o || !o->matches))
			return;
	} else if ((r->o.venue && !match_ex(r, rec->ex)) || (r->o.sym && !rec->ex[0])) {
		return;
	}
	if (arb_rec_str(rec, "action", action, sizeof action) < 0)
		return;
	if (!strcmp(action, "refuse"))
		r->risk_refuse++;
	else if (!strcmp(action, "kill"))
		r->risk_kill++;
}

void arb_report_add(struct arb_report *r, const struct arb_rec *rec)
{
	int inwin;

	if (rec->has_ts && r->o.has_until && rec->ts > r->o.until)
		return;
	r->records++;
	if (rec->has_ts) {
		if (!r->has_first || rec->ts < r->first_ts)
			r->first_ts = rec->ts;
		if (!r->has_first || rec->ts > r->last_ts)
			r->last_ts = rec->ts;
		r->has_first = 1;
	}
	inwin = !rec->has_ts || !r->o.has_since || rec->ts >= r->o.since;
	if (inwin) {
		r->in_window++;
		r->types[rec->type]++;
	}
	switch (rec->type) {
	case ARB_R_BOOK: on_book(r, rec, inwin); break;
	case ARB_R_TRADE: on_trade(r, rec, inwin); break;
	case ARB_R_STATUS: on_status(r, rec, inwin); break;
	case ARB_R_OPPORTUNITY: on_opportunity(r, rec, inwin); break;
	case ARB_R_REJECT: on_reject(r, rec, inwin); break;
	case ARB_R_ORDER: on_order(r, rec, inwin); break;
	case ARB_R_FILL: on_fill(r, rec, inwin); break;
	case ARB_R_RESULT: on_result(r, rec, inwin); break;
	case ARB_R_BALANCE: on_balance(r, rec); break;
	case ARB_R_RISK: on_risk(r, rec, inwin); break;
	default: break;
	}
}

static int venue_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rvenue *)a)->ex, ((const struct rvenue *)b)->ex);
}

static int flow_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rflow *)a)->asset, ((const struct rflow *)b)->asset);
}

void arb_report_finish(struct arb_report *r)
{
	size_t i;
	int k;

	if (r->finished)
		return;
	r->finished = 1;
	r->end = r->o.has_until ? r->o.until : r->last_ts;
	r->start = r->o.has_since ? r->o.since : r->first_ts;
	if (r->start > r->end)
		r->start = r->end;
	for (i = 0; i < r->nfeeds; i++)
		feed_account(r, &r->feeds[i], r->end);
	for (i = 0; i < r->norders; i++) {
		struct rorder *od = &r->orders[i];
		struct ropp *o = od->opp >= 0 ? &r->opps[od->opp] : NULL;
		int64_t sent = od->has_sent ? od->ts_sent : od->ts_first;

		if (od->latency_done)
			continue;
		if (o && o->has_new && !od->unwind) {
			lat_push(r, od->ex, LS_ORDER, sent - o->ts_new);
			if (od->has_ack)
				i64v_push(&r->reaction, od->ts_ack - o->ts_new);
			else if (od->has_fill)
				i64v_push(&r->reaction, od->ts_fill - o->ts_new);
		}
		if (od->has_ack)
			lat_push(r, od->ex, LS_ACK, od->ts_ack - sent);
		if (od->has_fill)
			lat_push(r, od->ex, LS_FILL, od->ts_fill - (od->has_ack ? od->ts_ack : sent));
	}
	/* Venues and exposure by name, whatever order the input came in. */
	if (r->nvenues > 1)
		qsort(r->venues, r->nvenues, sizeof *r->venues, venue_cmp);
	rmap_free(&r->venuemap);
	for (i = 0; i < r->nvenues; i++)
		rmap_put(&r->venuemap, r->venues[i].ex, (int)i);
	if (r->nrexpo > 1)
		qsort(r->rexpo, r->nrexpo, sizeof *r->rexpo, flow_cmp);
	rmap_free(&r->rexpomap);
	for (i = 0; i < r->nrexpo; i++)
		rmap_put(&r->rexpomap, r->rexpo[i].asset, (int)i);
	if (r->nflows > 1)
		qsort(r->flows, r->nflows, sizeof *r->flows, flow_cmp);
	rmap_free(&r->flowmap);
	for (i = 0; i < r->nflows; i++)
		rmap_put(&r->flowmap, r->flows[i].asset, (int)i);
	for (i = 0; i < r->nvenues; i++)
		for (k = 0; k < LS_N; k++)
			i64v_sort(&r->venues[i].lat[k]);
	i64v_sort(&r->lifetime);
	i64v_sort(&r->reaction);
	if (!r->ccy[0])
		scopy(r->ccy, sizeof r->ccy, "USDT");
}

void arb_report_add_check(struct arb_report *r, const char *text, const arb_dec *v, int holds)
{
	size_t i = GROW(r->checks, r->nchecks, r->capchecks);

	scopy(r->checks[i].text, sizeof r->checks[i].text, text);
	if (v)
		rdec_str(*v, r->checks[i].value);
	r->checks[i].holds = holds;
}

/* ---- derived numbers ---- */

const char *const arb_report_funnel_steps[4] = {
	"after_fees", "after_sizing", "sent", "filled"
};

static void drop(struct rfunnel *f, int step, const char *reason, uint64_t n)
{
	size_t i;

	for (i = 0; i < f->ndrops[step]; i++)
		if (!strcmp(f->drops[step][i].key, reason)) {
			f->drops[step][i].n += n;
			return;
		}
	xrealloc(&f->drops[step], (f->ndrops[step] + 1) * sizeof *f->drops[step]);
	memset(&f->drops[step][f->ndrops[step]], 0, sizeof *f->drops[step]);
	scopy(f->drops[step][f->ndrops[step]].key, sizeof f->drops[step][0].key, reason);
	f->drops[step][f->ndrops[step]++].n = n;
}

void arb_report_funnel(struct arb_report *r, struct rfunnel *f)
{
	size_t i;

	memset(f, 0, sizeof *f);
	f->pnl = arb_dec_make(0, 0);
	f->pnl_ok = 1;
	for (i = 0; i < r->nrejects; i++)
		drop(f, is_sizing(r->rejects[i].key) ? 1 : 0, r->rejects[i].key, r->rejects[i].n);
	for (i = 0; i < r->nopps; i++) {
		struct ropp *o = &r->opps[i];
		struct rresult *res = o->result >= 0 ? &r->results[o->result] : NULL;

		if (!o->has_new || !o->in_window || !o->matches)
			continue;
		f->after_sizing++;
		if (!o->has_order) {
			drop(f, 2, res && res->reason[0] ? res->reason :
			    res ? res->status : "no_result", 1);
			continue;
		}
		f->sent++;
		if (!o->has_fill) {
			drop(f, 3, res && res->reason[0] ? res->reason :
			    res ? res->status : "no_result", 1);
			continue;
		}
		f->filled++;
	}
	for (i = 0; i < r->nresults; i++) {
		if (!strcmp(r->results[i].status, "skipped"))
			continue;
		f->executed++;
		if (r->results[i].has_conv)
			arb_dec_add(&f->pnl, f->pnl, r->results[i].conv);
		else
			f->pnl_ok = 0;
	}
	f->after_fees = f->after_sizing + r->nreject_sizing;
	f->candidates = f->after_fees + (r->nreject_total - r->nreject_sizing);
	for (i = 0; i < 4; i++)
		if (f->ndrops[i] > 1)
			qsort(f->drops[i], f->ndrops[i], sizeof *f->drops[i], rcount_cmp);
}

void arb_report_funnel_free(struct rfunnel *f)
{
	int i;

	for (i = 0; i < 4; i++)
		free(f->drops[i]);
}

int64_t arb_report_reaction(struct arb_report *r)
{
	if (r->o.reaction_us > 0)
		return r->o.reaction_us;
	if (!r->reaction.n)
		return -1;
	return i64v_pct(&r->reaction, 50);
}

int arb_report_capturable(struct arb_report *r, uint64_t *num, uint64_t *den)
{
	int64_t rt = arb_report_reaction(r);
	size_t i;

	*num = *den = 0;
	if (rt < 0 || !r->lifetime.n)
		return -1;
	for (i = 0; i < r->lifetime.n; i++)
		if (r->lifetime.v[i] > rt)
			(*num)++;
	*den = r->lifetime.n;
	return 0;
}

struct rflow *arb_report_exposure(struct arb_report *r, size_t *n, int *from_results)
{
	struct rflow *v = xcalloc(r->nflows + r->nrexpo + 1, sizeof *v);
	size_t i, k;

	*n = 0;
	*from_results = r->has_rexpo;
	if (r->has_rexpo) {
		for (i = 0; i < r->nrexpo; i++)
			if (!arb_dec_is_zero(r->rexpo[i].net))
				v[(*n)++] = r->rexpo[i];
		return v;
	}
	for (i = 0; i < r->nflows; i++) {
		struct rflow f = r->flows[i];

		if (!strcmp(f.asset, r->ccy))
			continue;
		for (k = 0; k < r->nresults; k++)
			if (arb_report_executed(&r->results[k]) && !strcmp(r->results[k].ccy, f.asset))
				arb_dec_sub(&f.net, f.net, r->results[k].pnl);
		if (!arb_dec_is_zero(f.net))
			v[(*n)++] = f;
	}
	return v;
}

/* ---- time ---- */

void arb_report_fmt_time(int64_t us, char *buf)
{
	int64_t s = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400, sod = s - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	if (m <= 2)
		y++;
	char tmp[80];

	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d", (int)y, (int)m, (int)d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	memcpy(buf, tmp, 19);
	buf[19] = '\0';
}

int arb_report_time_arg(const char *s, int64_t end, int64_t *us)
{
	size_t n = strlen(s);
	int64_t d;

	/* A unit suffix makes it a duration; anything else is a time. */
	if (n > 1 && ((s[n - 1] >= 'a' && s[n - 1] <= 'z') && !strchr(s, '-') && !strchr(s, ':'))) {
		if (arb_duration_parse(s, &d) < 0 || d < 0)
			return -1;
		*us = end - d;
		return 0;
	}
	return arb_time_parse(s, us);
}
