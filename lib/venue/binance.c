#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * Binance spot: diff depth stream (<sym>@depth@100ms) plus REST snapshots
 * (GET /api/v3/depth), synchronised as the venue documents:
 *   1. hold diff events back until the snapshot (lastUpdateId L) arrives;
 *   2. drop every event with u <= L;
 *   3. the first event applied must have U <= L+1 <= u;
 *   4. every later event must have U == previous u + 1;
 * anything else is a gap: the symbol is resynchronised with a new snapshot.
 */

static const char *const hosts[] = {
	"binance.com", "binance.us", "binance.vision", NULL
};

static int canon(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap)
{
	const struct arb_inst *in = arb_smap_get(&v->insts, vsym, strlen(vsym));
	char b[32], q[32];

	if (in) {
		snprintf(sym, cap, "%s", in->sym);
		return 0;
	}
	if (arb_sym_split_quote(vsym, b, sizeof b, q, sizeof q) < 0)
		return -1;
	return arb_sym_join(sym, cap, b, q, NULL);
}

static int vsym(struct arb_venue *v, const char *sym, char *out, size_t cap)
{
	const char *sl = strchr(sym, '/');
	size_t i, k = 0;

	if (!sl || strchr(sl, '-'))
		return -1;
	for (i = 0; sym[i]; i++)
		if (sym[i] != '/' && k + 1 < cap)
			out[k++] = (char)toupper((unsigned char)sym[i]);
	out[k] = 0;
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt);

/* exchangeInfo: symbols with PRICE_FILTER, LOT_SIZE, (MIN_)NOTIONAL. */
static int exchange_info(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int syms = arb_jget(j, 0, "symbols"), s, n = 0;

	if (arb_jtype(j, syms) != ARB_J_ARR)
		return arb_venue_err(v, "exchangeInfo: no symbols array");
	for (s = arb_jfirst(j, syms); s >= 0; s = arb_jnext(j, syms, s)) {
		struct arb_inst in;
		char vs[ARB_VSYM_MAX];
		int f, fl = arb_jget(j, s, "filters");

		memset(&in, 0, sizeof in);
		in.ts = rt;
		in.taker = arb_dec_make(1, 3);   /* 0.1 %: Binance's default spot fee */
		in.maker = arb_dec_make(1, 3);
		if (arb_json_str(j, arb_jget(j, s, "symbol"), vs, sizeof vs) < 0 ||
		    arb_json_str(j, arb_jget(j, s, "baseAsset"), in.base, sizeof in.base) < 0 ||
		    arb_json_str(j, arb_jget(j, s, "quoteAsset"), in.quote, sizeof in.quote) < 0)
			continue;
		arb_sym_alias(in.base, sizeof in.base);
		arb_sym_alias(in.quote, sizeof in.quote);
		if (arb_sym_join(in.sym, sizeof in.sym, in.base, in.quote, NULL) < 0)
			continue;
		for (f = arb_jfirst(j, fl); f >= 0; f = arb_jnext(j, fl, f)) {
			int t = arb_jget(j, f, "filterType");
			if (arb_jis(j, t, "PRICE_FILTER"))
				arb_json_dec(j, arb_jget(j, f, "tickSize"), &in.tick, NULL);
			else if (arb_jis(j, t, "LOT_SIZE")) {
				arb_json_dec(j, arb_jget(j, f, "stepSize"), &in.lot, NULL);
				arb_json_dec(j, arb_jget(j, f, "minQty"), &in.min_qty, NULL);
			} else if (arb_jis(j, t, "MIN_NOTIONAL") || arb_jis(j, t, "NOTIONAL"))
				arb_json_dec(j, arb_jget(j, f, "minNotional"), &in.min_notional, NULL);
		}
		arb_venue_inst(v, vs, strlen(vs), &in);
		n++;
	}
	arb_venue_meta_done(v);
	return n ? 0 : arb_venue_err(v, "exchangeInfo: no usable symbol");
}

/*
 * The first held-back diff that the snapshot does not cover: when it starts
 * after lastUpdateId + 1 the snapshot is older than the stream (step 4 of
 * the venue's procedure): it cannot be bridged, another one is needed.
 */
static int too_old(struct arb_venue *v, struct arb_fbook *fb, int64_t L)
{
	struct arb_json *j = &v->j;

	for (uint32_t i = 0; i < fb->npend; i++) {
		int d;
		int64_t U, u;
		if (arb_json_parse(j, fb->pend[i].p, fb->pend[i].len) < 0)
			continue;
		d = arb_jget(j, 0, "data");
		if (d < 0)
			d = 0;
		if (arb_json_i64(j, arb_jget(j, d, "U"), &U) < 0 || arb_json_i64(j, arb_jget(j, d, "u"), &u) < 0)
			continue;
		if (u <= L)
			continue;
		return U > L + 1;
	}
	return 0;
}

/*
 * A depth snapshot (lastUpdateId L): from the tokenizer (lv NULL) or
 * from levels read straight from the text (lv[0..nb) bids, lv[nb..n)
 * asks).
 */
static int snapshot(struct arb_venue *v, const char *url, int64_t rt, int64_t L,
    const struct arb_blevel *lv, uint32_t nb, uint32_t n)
{
	struct arb_json *j = &v->j;
	const char *q = strstr(url, "symbol="), *e;
	struct arb_fbook *fb;

	if (!q)
		return arb_venue_err(v, "depth snapshot: no symbol in the URL");
	q += 7;
	for (e = q; *e && *e != '&'; e++)
		;
	if (!lv && arb_json_i64(j, arb_jget(j, 0, "lastUpdateId"), &L) < 0)
		return arb_venue_err(v, "depth snapshot: no lastUpdateId");
	if (!(fb = arb_venue_book(v, q, (size_t)(e - q), NULL)))
		return -1;
	if (arb_fbook_snapshot_behind(fb, L))
		return 0;
	arb_book_clear(&fb->book);
	if (lv) {
		/* read as valid decimals of at most 18 digits: cannot fail */
		arb_book_load64(&fb->book, ARB_BID, lv, nb);
		arb_book_load64(&fb->book, ARB_ASK, lv + nb, n - nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, 0, "bids"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, 0, "asks"), ARB_ASK) < 0)
		return arb_fbook_bad_snapshot(fb, rt, rt, v->why);
	fb->last = L;
	fb->seq = L;
	fb->has_seq = 1;
	fb->fresh = 1;
	fb->ts = fb->rt = rt;   /* a snapshot carries no venue time */
	if (arb_book_crossed(&fb->book)) {
		arb_venue_err(v, "depth snapshot of %s is crossed", fb->sym);
		return arb_fbook_bad_snapshot(fb, rt, rt, v->why);
	}
	if (too_old(v, fb, L)) {
		/* keep the diffs, drop the snapshot, ask for a newer one */
		arb_book_clear(&fb->book);
		fb->has_seq = 0;
		fb->snap_wait = 0;
		arb_feed_status(v, fb, rt, "resync", v->feed->want_snapshot ?
		    "snapshot older than the diffs: requesting a newer one" :
		    "snapshot older than the diffs: waiting for a later one in the recording");
		if (v->feed->want_snapshot)
			v->feed->want_snapshot(v->feed, fb);
		return 0;
	}
	arb_fbook_synced(fb, rt, NULL);
	arb_fbook_emit(fb);
	arb_fbook_replay_pending(fb, frame);
	return 0;
}

/* The fast path (scan.h) of a snapshot body exactly as Binance writes it:
 * {"lastUpdateId":L,"bids":[...],"asks":[...]}.  1 when read. */
static int fast_snapshot(struct arb_feed *f, const char *p, size_t len, int64_t *L, uint32_t *nb, uint32_t *n)
{
	const char *e = p + len, *x;

	x = ARB_SCAN_LIT(p, e, "{\"lastUpdateId\":");
	x = arb_scan_int(x, e, L, 18);
	x = ARB_SCAN_LIT(x, e, ",\"bids\":");
	*n = 0;
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, NULL, NULL, n);
	*nb = *n;
	x = ARB_SCAN_LIT(x, e, ",\"asks\":");
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, NULL, NULL, n);
	x = ARB_SCAN_LIT(x, e, "}");
	return x == e;
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	if (strstr(url, "/exchangeInfo")) {
		if (arb_venue_parse(v, body, len) < 0)
			return -1;
		return exchange_info(v, rt);
	}
	if (strstr(url, "/depth")) {
		int64_t L = 0;
		uint32_t nb = 0, n = 0;
		if (arb_venue_scan && fast_snapshot(v->feed, body, len, &L, &nb, &n)) {
			v->feed->nscan++;
			return snapshot(v, url, rt, L, v->feed->lv, nb, n);
		}
		if (arb_venue_parse(v, body, len) < 0)
			return -1;
		return snapshot(v, url, rt, 0, NULL, 0, 0);
	}
	return 1;
}

/*
 * A depthUpdate event: from the tokenizer (object d of v->j), or read by
 * fast_depth() (h, levels in v->feed->lv).
 */
struct dupd {
	int64_t E, U, u;
	const char *s;
	size_t slen;
	uint32_t nb, n;      /* lv[0..nb) bids, lv[nb..n) asks */
};

static int depth(struct arb_venue *v, int d, const struct dupd *h, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int64_t U, u, E;
	struct arb_fbook *fb;

	if (h) {
		U = h->U;
		u = h->u;
		E = h->E;
		fb = arb_venue_book(v, h->s, h->slen, NULL);
	} else {
		int s = arb_jget(j, d, "s");
		if (arb_json_i64(j, arb_jget(j, d, "U"), &U) < 0 || arb_json_i64(j, arb_jget(j, d, "u"), &u) < 0 ||
		    arb_jms(j, arb_jget(j, d, "E"), &E) < 0 || arb_jtype(j, s) != ARB_J_STR)
			return arb_venue_err(v, "depthUpdate: missing s, U, u or E");
		fb = arb_venue_book(v, arb_json_raw(j, s), j->t[s].len, NULL);
	}
	if (!fb)
		return -1;
	if (!fb->snap) {
		arb_fbook_pend(fb, p, len, rt);
		return 0;
	}
	if (u <= fb->last)
		return 0;   /* older than the book */
	if (fb->fresh ? U > fb->last + 1 : U != fb->last + 1) {
		arb_fbook_gap(fb, E, rt, "update ids %lld..%lld do not follow %lld",
		    (long long)U, (long long)u, (long long)fb->last);
		arb_fbook_pend(fb, p, len, rt);
		return 0;
	}
	if (h) {
		arb_fbook_set_scanned(fb, v->feed, h->n, h->nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, d, "b"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, d, "a"), ARB_ASK) < 0) {
		/* half applied: the book cannot be trusted any more */
		char why[sizeof v->why];
		memcpy(why, v->why, sizeof why);
		arb_fbook_gap(fb, E, rt, "bad update: %s", why);
		memcpy(v->why, why, sizeof why);
		return -1;
	}
	fb->fresh = 0;
	fb->last = u;
	fb->seq = u;
	fb->has_seq = 1;
	fb->ts = E;
	fb->rt = rt;
	if (arb_fbook_check_crossed(fb, E, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

/*
 * The fast path (scan.h) of a diff exactly as Binance writes it,
 *   {"stream":"..","data":{"e":"depthUpdate","E":..,"s":"..","U":..,"u":..,"b":[..],"a":[..]}}
 * or the event alone (a raw stream).  1 when read (h filled), 0 when the
 * frame has another form: the tokenizer reads it then.
 */
static int fast_depth(struct arb_feed *f, const char *p, size_t len, struct dupd *h)
{
	const char *e = p + len, *x, *st;
	size_t stn;
	int combined = 0;

	if ((x = ARB_SCAN_LIT(p, e, "{\"stream\":"))) {
		x = arb_scan_str(x, e, &st, &stn);
		x = ARB_SCAN_LIT(x, e, ",\"data\":");
		combined = 1;
	} else
		x = p;
	x = ARB_SCAN_LIT(x, e, "{\"e\":\"depthUpdate\",\"E\":");
	x = arb_scan_int(x, e, &h->E, 15);
	x = ARB_SCAN_LIT(x, e, ",\"s\":");
	x = arb_scan_str(x, e, &h->s, &h->slen);
	x = ARB_SCAN_LIT(x, e, ",\"U\":");
	x = arb_scan_int(x, e, &h->U, 18);
	x = ARB_SCAN_LIT(x, e, ",\"u\":");
	x = arb_scan_int(x, e, &h->u, 18);
	x = ARB_SCAN_LIT(x, e, ",\"b\":");
	h->n = 0;
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	h->nb = h->n;
	x = ARB_SCAN_LIT(x, e, ",\"a\":");
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	x = combined ? ARB_SCAN_LIT(x, e, "}}") : ARB_SCAN_LIT(x, e, "}");
	if (x != e)
		return 0;
	h->E *= 1000;   /* milliseconds */
	return 1;
}

static int trade(struct arb_venue *v, int d, int64_t rt)
{
	struct arb_json *j = &v->j;
	int s = arb_jget(j, d, "s"), id = arb_jget(j, d, "a"), m = arb_jget(j, d, "m");
	struct arb_fbook *fb;
	arb_dec px, qty;
	int64_t T;

	if (id < 0)
		id = arb_jget(j, d, "t");
	if (arb_jtype(j, s) != ARB_J_STR || arb_jtype(j, id) != ARB_J_NUM || arb_jms(j, arb_jget(j, d, "T"), &T) < 0 ||
	    arb_json_dec(j, arb_jget(j, d, "p"), &px, NULL) < 0 || arb_json_dec(j, arb_jget(j, d, "q"), &qty, NULL) < 0 ||
	    (arb_jtype(j, m) != ARB_J_TRUE && arb_jtype(j, m) != ARB_J_FALSE))
		return arb_venue_err(v, "trade: missing s, a, T, p, q or m");
	if (!(fb = arb_venue_book(v, arb_json_raw(j, s), j->t[s].len, NULL)))
		return -1;
	/* m: the buyer is the maker, so the taker sold */
	arb_feed_trade(fb, T, rt, arb_json_raw(j, id), j->t[id].len, px, qty, arb_jtype(j, m) == ARB_J_FALSE);
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	struct dupd h;
	int d, e;

	if (arb_venue_scan && fast_depth(v->feed, p, len, &h)) {
		v->feed->nscan++;
		return depth(v, 0, &h, p, len, rt);
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	if (j->t[0].type != ARB_J_OBJ)
		return arb_venue_err(v, "not a Binance frame: not an object");
	d = arb_jget(j, 0, "data");
	if (d < 0) {
		if (arb_jget(j, 0, "result") >= 0 && arb_jget(j, 0, "id") >= 0)
			return 0;   /* answer to a SUBSCRIBE request */
		if (arb_jget(j, 0, "code") >= 0 && arb_jget(j, 0, "msg") >= 0) {
			char msg[200] = "";
			arb_json_str(j, arb_jget(j, 0, "msg"), msg, sizeof msg);
			return arb_venue_err(v, "error from Binance: %s", msg);
		}
		d = 0;      /* a raw (not combined) stream */
	} else if (arb_jtype(j, arb_jget(j, 0, "stream")) != ARB_J_STR)
		return arb_venue_err(v, "not a Binance frame: data without stream");
	e = arb_jget(j, d, "e");
	if (arb_jis(j, e, "depthUpdate"))
		return depth(v, d, NULL, p, len, rt);
	if (arb_jis(j, e, "aggTrade") || arb_jis(j, e, "trade"))
		return trade(v, d, rt);
	if (e >= 0 && arb_jtype(j, e) == ARB_J_STR)
		return 0;   /* kline, 24hrTicker...: not ours */
	if (arb_jget(j, d, "u") >= 0 && arb_jget(j, d, "b") >= 0 && arb_jget(j, d, "A") >= 0)
		return 0;   /* bookTicker */
	return arb_venue_err(v, "not a Binance frame");
}

/* The combined stream URL names the streams: each depth stream is a
 * subscription. */
static void opened(struct arb_venue *v, const char *url, int64_t rt)
{
	const char *s = strstr(url, "streams=");

	if (!s)
		return;
	for (s += 8; *s; ) {
		const char *e = s, *at;
		while (*e && *e != '/' && *e != '&')
			e++;
		at = memchr(s, '@', (size_t)(e - s));
		if (at && (size_t)(e - at) >= 6 && strncmp(at, "@depth", 6) == 0) {
			char up[ARB_VSYM_MAX];
			size_t n = (size_t)(at - s), i;
			if (n < sizeof up) {
				struct arb_fbook *fb;
				for (i = 0; i < n; i++)
					up[i] = (char)toupper((unsigned char)s[i]);
				if ((fb = arb_venue_book(v, up, n, url)))
					arb_fbook_subscribed(fb, rt);
			}
		}
		if (!*e || *e == '&')
			break;
		s = e + 1;
	}
}

/* ---- live ---------------------------------------------------------------- */

static void lower(struct arb_buf *b, const char *s)
{
	for (; *s; s++)
		arb_buf_addc(b, (char)tolower((unsigned char)*s));
}

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	const char *sep = "";

	arb_buf_adds(out, *v->url ? v->url : "wss://stream.binance.com:9443");
	arb_buf_adds(out, "/stream?streams=");
	for (uint32_t i = 0; i < v->nlist; i++) {
		arb_buf_adds(out, sep);
		lower(out, v->list[i]->vsym);
		arb_buf_adds(out, "@depth@100ms");
		if (v->feed->trades) {
			arb_buf_addc(out, '/');
			lower(out, v->list[i]->vsym);
			arb_buf_adds(out, "@aggTrade");
		}
		sep = "/";
	}
	return 0;
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	return 0;   /* the URL subscribes */
}

static int snapshot_url(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/api/v3/depth?symbol=%s&limit=1000",
	    *v->url ? v->url : "https://api.binance.com", fb->vsym);
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/api/v3/exchangeInfo\n", *v->url ? v->url : "https://api.binance.com");
	return 0;
}

const struct arb_venue_ops arb_venue_binance = {
	.name = "binance",
	.prefix = "BINANCE",
	.hosts = hosts,
	.stale_after = 10000000,
	.canon = canon,
	.vsym = vsym,
	.rest = rest,
	.frame = frame,
	.opened = opened,
	.ws_url = ws_url,
	.subscribe = subscribe,
	.snapshot_url = snapshot_url,
	.meta_urls = meta_urls,
};
