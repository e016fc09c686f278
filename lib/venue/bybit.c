#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * Bybit V5 public WebSocket, topic orderbook.<depth>.<symbol>: a snapshot
 * (type "snapshot") replaces the book, deltas (type "delta") set levels
 * (size "0" deletes).  The update id u is continuous, so a delta whose u
 * is not the previous u + 1 is a gap; a snapshot (also the one Bybit sends
 * again, and the u=1 one after a restart on its side) always resets the
 * book.  Depth 1 sends only snapshots.  After each message the book is cut
 * to the topic's depth.  Categories: /v5/public/spot (spot symbols,
 * BTC/USDT), /v5/public/linear (perpetuals, BTC/USDT-PERP), so the two never
 * mix in downstream programs.
 */

static const char *const hosts[] = { "bybit.com", "bytick.com", NULL };

/* Book keys are "SYMBOL" on spot and "linear:SYMBOL" etc. elsewhere. */
static void key(const char *url, const char *s, size_t n, char *out, size_t cap)
{
	const char *cat = url ? strstr(url, "/v5/public/") : NULL;

	if (cat && strncmp(cat + 11, "spot", 4) != 0) {
		cat += 11;
		snprintf(out, cap, "%.*s:%.*s", (int)strcspn(cat, "/?"), cat, (int)n, s);
	} else {
		/* snprintf's "%.*s", without snprintf: this runs per frame */
		if (n >= cap)
			n = cap - 1;
		memcpy(out, s, n);
		out[n] = 0;
	}
}

static int canon(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap)
{
	const char *c = strchr(vsym, ':');
	char b[32], q[32];

	if (arb_sym_split_quote(c ? c + 1 : vsym, b, sizeof b, q, sizeof q) < 0)
		return -1;
	return arb_sym_join(sym, cap, b, q, c ? (strncmp(vsym, "linear", 6) == 0 ? "-PERP" : "-INVERSE") : NULL);
}

static int vsym(struct arb_venue *v, const char *sym, char *out, size_t cap)
{
	const char *sl = strchr(sym, '/');

	if (!sl || strchr(sl, '-'))
		return -1;
	snprintf(out, cap, "%.*s%s", (int)(sl - sym), sym, sl + 1);
	return 0;
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	if (strstr(url, "/v5/market/instruments-info") == NULL) {
		/* The shared capture holds the old v2 symbols list, which has
		 * none of the V5 symbols it streams. */
		if (strstr(url, "/v2/public/symbols") && !v->have_meta) {
			arb_warn("bybit: %s is the retired v2 derivatives list: no instrument records for V5 symbols", url);
			v->have_meta = 1;
		}
		return 1;
	}
	if (arb_venue_parse(v, body, len) < 0)
		return -1;
	{
		struct arb_json *j = &v->j;
		int list = arb_jget(j, arb_jget(j, 0, "result"), "list"), e;
		for (e = arb_jfirst(j, list); e >= 0; e = arb_jnext(j, list, e)) {
			struct arb_inst in;
			char s[ARB_VSYM_MAX];
			int pf = arb_jget(j, e, "priceFilter"), lf = arb_jget(j, e, "lotSizeFilter");

			memset(&in, 0, sizeof in);
			in.ts = rt;
			if (arb_json_str(j, arb_jget(j, e, "symbol"), s, sizeof s) < 0 ||
			    arb_json_str(j, arb_jget(j, e, "baseCoin"), in.base, sizeof in.base) < 0 ||
			    arb_json_str(j, arb_jget(j, e, "quoteCoin"), in.quote, sizeof in.quote) < 0 ||
			    arb_sym_join(in.sym, sizeof in.sym, in.base, in.quote, NULL) < 0)
				continue;
			arb_json_dec(j, arb_jget(j, pf, "tickSize"), &in.tick, NULL);
			if (arb_json_dec(j, arb_jget(j, lf, "basePrecision"), &in.lot, NULL) < 0)
				arb_json_dec(j, arb_jget(j, lf, "qtyStep"), &in.lot, NULL);
			arb_json_dec(j, arb_jget(j, lf, "minOrderQty"), &in.min_qty, NULL);
			arb_json_dec(j, arb_jget(j, lf, "minOrderAmt"), &in.min_notional, NULL);
			in.taker = arb_dec_make(1, 3);   /* spot non-VIP: 0.1 % / 0.1 % */
			in.maker = arb_dec_make(1, 3);
			arb_venue_inst(v, s, strlen(s), &in);
		}
		arb_venue_meta_done(v);
	}
	return 0;
}

/* An orderbook message read straight from the text by fast_orderbook(). */
struct obm {
	const char *s;
	size_t slen;
	int snap;
	long depth;
	int64_t u, ts;
	uint32_t nb, n;          /* v->feed->lv[0..nb) bids, [nb..n) asks */
};

/* An orderbook message: from the tokenizer (topic the token of v->j's
 * "topic") or from fast_orderbook() (h). */
static int orderbook(struct arb_venue *v, const char *url, int topic, const struct obm *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	int d = -1, snap;
	char k[ARB_VSYM_MAX];
	struct arb_fbook *fb;
	int64_t u, ts;
	long depth;

	if (h) {
		snap = h->snap;
		u = h->u;
		ts = h->ts;
		depth = h->depth;
		key(url, h->s, h->slen, k, sizeof k);
	} else {
		int s, type = arb_jget(j, 0, "type");
		d = arb_jget(j, 0, "data");
		s = arb_jget(j, d, "s");
		snap = arb_jis(j, type, "snapshot");
		depth = strtol(arb_json_raw(j, topic) + 10, NULL, 10);
		if (arb_jtype(j, s) != ARB_J_STR || arb_json_i64(j, arb_jget(j, d, "u"), &u) < 0 ||
		    arb_jms(j, arb_jget(j, 0, "ts"), &ts) < 0)
			return arb_venue_err(v, "orderbook: missing data.s, data.u or ts");
		if (!snap && !arb_jis(j, type, "delta"))
			return arb_venue_err(v, "orderbook: type is neither snapshot nor delta");
		key(url, arb_json_raw(j, s), j->t[s].len, k, sizeof k);
	}
	if (!(fb = arb_venue_book(v, k, strlen(k), url)))
		return -1;
	if (depth > 0 && depth <= UINT32_MAX)   /* a depth past that is no depth */
		fb->maxdepth = (uint32_t)depth;
	if (snap) {
		arb_fbook_subscribed(fb, rt);
		arb_book_clear(&fb->book);
	} else if (!fb->snap)
		return 0;
	/* u is any int64 the venue sends: the largest has no next */
	else if (fb->last == INT64_MAX || u != fb->last + 1) {
		arb_fbook_gap(fb, ts, rt, "update id %lld does not follow %lld", (long long)u, (long long)fb->last);
		return 0;
	}
	if (h) {
		arb_fbook_set_scanned(fb, v->feed, h->n, h->nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, d, "b"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, d, "a"), ARB_ASK) < 0) {
		char why[sizeof v->why];
		memcpy(why, v->why, sizeof why);
		if (snap)
			return arb_fbook_bad_snapshot(fb, ts, rt, why);
		arb_fbook_gap(fb, ts, rt, "bad update: %s", why);
		memcpy(v->why, why, sizeof why);
		return -1;
	}
	if (fb->maxdepth)
		arb_book_truncate(&fb->book, fb->maxdepth);
	fb->last = u;
	fb->seq = u;
	fb->has_seq = 1;
	fb->ts = ts;
	fb->rt = rt;
	if (snap) {
		if (arb_book_crossed(&fb->book)) {
			arb_venue_err(v, "snapshot of %s is crossed", fb->sym);
			return arb_fbook_bad_snapshot(fb, ts, rt, v->why);
		}
		arb_fbook_synced(fb, rt, NULL);
	}
	if (arb_fbook_check_crossed(fb, ts, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

/*
 * The fast path (scan.h) of an orderbook message exactly as Bybit writes
 * it:
 *   {"topic":"orderbook.50.BTCUSDT","type":"delta","ts":ms,"data":{"s":"BTCUSDT","b":[["px","size"],..],
 *    "a":[..],"u":n,"seq":n},"cts":ms}
 * (type "snapshot" too; "ts" before or after "type"; "seq" and "cts" may
 * be missing).  1 when read (h filled), 0: the tokenizer reads it.
 */
static int fast_orderbook(struct arb_feed *f, const char *p, size_t len, struct obm *h)
{
	const char *e = p + len, *x, *y, *t;
	size_t tn, k;
	int64_t n;

	x = ARB_SCAN_LIT(p, e, "{\"topic\":");
	x = arb_scan_str(x, e, &t, &tn);
	if (!x || tn < 12 || memcmp(t, "orderbook.", 10) != 0)
		return 0;
	/* the depth as strtol reads it: the digits up to the next '.' */
	h->depth = 0;
	for (k = 10; k < tn && k < 19 && (unsigned)(t[k] - '0') <= 9; k++)
		h->depth = h->depth * 10 + (t[k] - '0');
	if (k == 10 || k >= tn || t[k] != '.')
		return 0;
	n = -1;
	if ((y = ARB_SCAN_LIT(x, e, ",\"ts\":")))
		x = arb_scan_int(y, e, &n, 15);
	x = ARB_SCAN_LIT(x, e, ",\"type\":\"");
	if ((y = ARB_SCAN_LIT(x, e, "delta\"")))
		h->snap = 0;
	else if ((y = ARB_SCAN_LIT(x, e, "snapshot\"")))
		h->snap = 1;
	x = y;
	if (n < 0) {
		x = ARB_SCAN_LIT(x, e, ",\"ts\":");
		x = arb_scan_int(x, e, &n, 15);
	}
	h->ts = n * 1000;   /* milliseconds */
	x = ARB_SCAN_LIT(x, e, ",\"data\":{\"s\":");
	x = arb_scan_str(x, e, &h->s, &h->slen);
	x = ARB_SCAN_LIT(x, e, ",\"b\":");
	h->n = 0;
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	h->nb = h->n;
	x = ARB_SCAN_LIT(x, e, ",\"a\":");
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	x = ARB_SCAN_LIT(x, e, ",\"u\":");
	x = arb_scan_int(x, e, &h->u, 18);
	if (x && (y = ARB_SCAN_LIT(x, e, ",\"seq\":")))
		x = arb_scan_int(y, e, &n, 18);
	x = ARB_SCAN_LIT(x, e, "}");
	if (x && (y = ARB_SCAN_LIT(x, e, ",\"cts\":")))
		x = arb_scan_int(y, e, &n, 18);
	x = ARB_SCAN_LIT(x, e, "}");
	return x == e;
}

static int trades(struct arb_venue *v, const char *url, int64_t rt)
{
	struct arb_json *j = &v->j;
	int data = arb_jget(j, 0, "data"), e;

	for (e = arb_jfirst(j, data); e >= 0; e = arb_jnext(j, data, e)) {
		int s = arb_jget(j, e, "s"), id = arb_jget(j, e, "i"), side = arb_jget(j, e, "S");
		struct arb_fbook *fb;
		char k[ARB_VSYM_MAX];
		arb_dec px, qty;
		int64_t ts;

		if (arb_jtype(j, s) != ARB_J_STR || arb_jtype(j, id) != ARB_J_STR || arb_jms(j, arb_jget(j, e, "T"), &ts) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "p"), &px, NULL) < 0 || arb_json_dec(j, arb_jget(j, e, "v"), &qty, NULL) < 0 ||
		    (!arb_jis(j, side, "Buy") && !arb_jis(j, side, "Sell")))
			return arb_venue_err(v, "publicTrade: bad entry");
		key(url, arb_json_raw(j, s), j->t[s].len, k, sizeof k);
		if (!(fb = arb_venue_book(v, k, strlen(k), url)))
			return -1;
		arb_feed_trade(fb, ts, rt, arb_json_raw(j, id), j->t[id].len, px, qty, arb_jis(j, side, "Buy"));
	}
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int topic, op;

	if (arb_venue_scan) {
		struct obm h;
		if (fast_orderbook(v->feed, p, len, &h)) {
			v->feed->nscan++;
			return orderbook(v, url, -1, &h, rt);
		}
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	if (j->t[0].type != ARB_J_OBJ)
		return arb_venue_err(v, "not a Bybit frame");
	op = arb_jget(j, 0, "op");
	if (op >= 0) {
		if (arb_jtype(j, arb_jget(j, 0, "success")) == ARB_J_FALSE) {
			char msg[200] = "";
			arb_json_str(j, arb_jget(j, 0, "ret_msg"), msg, sizeof msg);
			return arb_venue_err(v, "error from Bybit: %s", msg);
		}
		return 0;   /* subscribe answers, pong */
	}
	topic = arb_jget(j, 0, "topic");
	if (arb_jtype(j, topic) != ARB_J_STR || arb_jget(j, 0, "data") < 0)
		return arb_venue_err(v, "not a Bybit frame");
	if (j->t[topic].len > 10 && memcmp(arb_json_raw(j, topic), "orderbook.", 10) == 0)
		return orderbook(v, url, topic, NULL, rt);
	if (j->t[topic].len > 12 && memcmp(arb_json_raw(j, topic), "publicTrade.", 12) == 0)
		return trades(v, url, rt);
	return 0;
}

/* ---- live ---------------------------------------------------------------- */

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, *v->url ? v->url : "wss://stream.bybit.com");
	arb_buf_adds(out, "/v5/public/spot");
	return 0;
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	/* at most 10 topics per request */
	for (uint32_t i = 0; i < v->nlist; i++)
		arb_buf_printf(out, "{\"op\":\"subscribe\",\"args\":[\"orderbook.50.%s\"%s%s%s]}\n", v->list[i]->vsym,
		    v->feed->trades ? ",\"publicTrade." : "", v->feed->trades ? v->list[i]->vsym : "",
		    v->feed->trades ? "\"" : "");
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/v5/market/instruments-info?category=spot\n", *v->url ? v->url : "https://api.bybit.com");
	return 0;
}

static int resubscribe(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	arb_buf_printf(out, "{\"op\":\"unsubscribe\",\"args\":[\"orderbook.50.%s\"]}\n"
	    "{\"op\":\"subscribe\",\"args\":[\"orderbook.50.%s\"]}\n", fb->vsym, fb->vsym);
	return 0;
}

static const char *ping(struct arb_venue *v)
{
	return "{\"op\":\"ping\"}";
}

const struct arb_venue_ops arb_venue_bybit = {
	.name = "bybit",
	.prefix = "BYBIT",
	.hosts = hosts,
	.stale_after = 30000000,
	.canon = canon,
	.vsym = vsym,
	.rest = rest,
	.frame = frame,
	.ws_url = ws_url,
	.subscribe = subscribe,
	.meta_urls = meta_urls,
	.ping = ping,
	.resubscribe = resubscribe,
	.ping_every = 20000000,
};
