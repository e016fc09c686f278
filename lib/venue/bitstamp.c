#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * Bitstamp v2 WebSocket (ws.bitstamp.net), channel diff_order_book_<pair>,
 * with REST snapshots (GET /api/v2/order_book/<pair>), as documented:
 * hold diffs back until the snapshot arrives, drop those with a
 * microtimestamp not after the snapshot's, apply the rest in order.  A diff
 * older than the last one applied is out of order: a gap, resynced with a
 * new snapshot.  A crossed book is a gap as well.  Trades: live_trades_<pair>
 * (type 0 buy, 1 sell, the taker's side).
 */

static const char *const hosts[] = { "bitstamp.net", NULL };

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
	size_t k = 0;

	if (!strchr(sym, '/'))
		return -1;
	for (; *sym; sym++)
		if (*sym != '/' && k + 1 < cap)
			out[k++] = (char)tolower((unsigned char)*sym);
	out[k] = 0;
	return 0;
}

static int pairs_info(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int e;

	if (j->t[0].type != ARB_J_ARR)
		return arb_venue_err(v, "trading-pairs-info: expected an array");
	for (e = arb_jfirst(j, 0); e >= 0; e = arb_jnext(j, 0, e)) {
		struct arb_inst in;
		char us[ARB_VSYM_MAX], name[64], mo[64], *sl;
		int64_t bd, cd;

		memset(&in, 0, sizeof in);
		in.ts = rt;
		if (arb_json_str(j, arb_jget(j, e, "url_symbol"), us, sizeof us) < 0 ||
		    arb_json_str(j, arb_jget(j, e, "name"), name, sizeof name) < 0 || !(sl = strchr(name, '/')))
			continue;
		*sl = 0;
		snprintf(in.base, sizeof in.base, "%.23s", name);
		snprintf(in.quote, sizeof in.quote, "%.23s", sl + 1);
		arb_sym_alias(in.base, sizeof in.base);
		arb_sym_alias(in.quote, sizeof in.quote);
		if (arb_sym_join(in.sym, sizeof in.sym, in.base, in.quote, NULL) < 0)
			continue;
		if (arb_json_i64(j, arb_jget(j, e, "counter_decimals"), &cd) == 0 && cd >= 0 && cd <= 30)
			in.tick = arb_dec_make(1, (int)cd);
		if (arb_json_i64(j, arb_jget(j, e, "base_decimals"), &bd) == 0 && bd >= 0 && bd <= 30)
			in.lot = in.min_qty = arb_dec_make(1, (int)bd);
		/* "minimum_order": "20.0 USD" */
		if (arb_json_str(j, arb_jget(j, e, "minimum_order"), mo, sizeof mo) > 0)
			arb_dec_parse(&in.min_notional, mo, strcspn(mo, " "), NULL);
		in.taker = arb_dec_make(4, 3);   /* lowest tier: 0.40 % taker, 0.30 % maker */
		in.maker = arb_dec_make(3, 3);
		arb_venue_inst(v, us, strlen(us), &in);
	}
	arb_venue_meta_done(v);
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt);

/* A snapshot body or a diff read straight from the text (fast_book). */
struct bsm {
	const char *pair;        /* diff: the pair of its channel */
	size_t pairlen;
	int64_t mt;
	uint32_t nb, n;          /* v->feed->lv[0..nb) bids, [nb..n) asks */
};

static int snapshot(struct arb_venue *v, const char *url, const struct bsm *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	const char *s = strstr(url, "/order_book/") + 12;
	struct arb_fbook *fb;
	int64_t mt;

	if (h)
		mt = h->mt;
	else if (arb_json_i64(j, arb_jget(j, 0, "microtimestamp"), &mt) < 0)
		return arb_venue_err(v, "order_book: no microtimestamp");
	if (!(fb = arb_venue_book(v, s, strcspn(s, "/?"), NULL)))
		return -1;
	if (arb_fbook_snapshot_behind(fb, mt))
		return 0;
	arb_book_clear(&fb->book);
	if (h) {
		/* valid decimals of at most 18 digits: cannot fail */
		arb_book_load64(&fb->book, ARB_BID, v->feed->lv, h->nb);
		arb_book_load64(&fb->book, ARB_ASK, v->feed->lv + h->nb, h->n - h->nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, 0, "bids"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, 0, "asks"), ARB_ASK) < 0)
		return arb_fbook_bad_snapshot(fb, mt, rt, v->why);
	if (arb_book_crossed(&fb->book)) {
		arb_venue_err(v, "order_book of %s is crossed", fb->sym);
		return arb_fbook_bad_snapshot(fb, mt, rt, v->why);
	}
	fb->last = mt;
	fb->fresh = 1;
	fb->ts = mt;
	fb->rt = rt;
	arb_fbook_synced(fb, rt, NULL);
	arb_fbook_emit(fb);
	arb_fbook_replay_pending(fb, frame);
	return 0;
}

/*
 * The fast path (scan.h) of an order book exactly as Bitstamp writes it,
 * a REST snapshot (diff 0)
 *   {"timestamp":"s","microtimestamp":"us","bids":[["px","amount"],..],"asks":[..]}
 * or a diff_order_book message (diff 1)
 *   {"data":{"timestamp":"s","microtimestamp":"us","bids":[..],"asks":[..]},
 *    "channel":"diff_order_book_btcusd","event":"data"}
 * 1 when read (h filled), 0: the tokenizer reads it.
 */
static int fast_book(struct arb_feed *f, const char *p, size_t len, int diff, struct bsm *h)
{
	const char *e = p + len, *x, *s;
	size_t sn;

	x = diff ? ARB_SCAN_LIT(p, e, "{\"data\":{\"timestamp\":") : ARB_SCAN_LIT(p, e, "{\"timestamp\":");
	x = arb_scan_str(x, e, &s, &sn);
	x = ARB_SCAN_LIT(x, e, ",\"microtimestamp\":");
	x = arb_scan_qint(x, e, &h->mt, 18);
	x = ARB_SCAN_LIT(x, e, ",\"bids\":");
	h->n = 0;
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, diff ? &f->lvx : NULL, &f->caplvx, &h->n);
	h->nb = h->n;
	x = ARB_SCAN_LIT(x, e, ",\"asks\":");
	x = arb_scan_levels(x, e, &f->lv, &f->caplv, diff ? &f->lvx : NULL, &f->caplvx, &h->n);
	if (diff) {
		x = ARB_SCAN_LIT(x, e, "},\"channel\":");
		x = arb_scan_str(x, e, &s, &sn);
		if (!x || sn <= 16 || memcmp(s, "diff_order_book_", 16) != 0)
			return 0;
		h->pair = s + 16;
		h->pairlen = sn - 16;
		x = ARB_SCAN_LIT(x, e, ",\"event\":\"data\"}");
	} else
		x = ARB_SCAN_LIT(x, e, "}");
	return x == e;
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	if (strstr(url, "/trading-pairs-info")) {
		if (arb_venue_parse(v, body, len) < 0)
			return -1;
		return pairs_info(v, rt);
	}
	if (strstr(url, "/order_book/")) {
		struct bsm h;
		if (arb_venue_scan && fast_book(v->feed, body, len, 0, &h)) {
			v->feed->nscan++;
			return snapshot(v, url, &h, rt);
		}
		if (arb_venue_parse(v, body, len) < 0)
			return -1;
		return snapshot(v, url, NULL, rt);
	}
	return 1;
}

static int diff(struct arb_venue *v, const char *pair, size_t n, const struct bsm *h, const char *p, size_t len,
    int64_t rt)
{
	struct arb_json *j = &v->j;
	int d = -1;
	struct arb_fbook *fb;
	int64_t mt;

	if (h)
		mt = h->mt;
	else {
		d = arb_jget(j, 0, "data");
		if (arb_json_i64(j, arb_jget(j, d, "microtimestamp"), &mt) < 0)
			return arb_venue_err(v, "diff_order_book: no microtimestamp");
	}
	if (!(fb = arb_venue_book(v, pair, n, NULL)))
		return -1;
	if (!fb->snap) {
		arb_fbook_pend(fb, p, len, rt);
		return 0;
	}
	if (fb->fresh && mt <= fb->last)
		return 0;   /* already in the snapshot */
	if (mt < fb->last) {
		arb_fbook_gap(fb, mt, rt, "diff at %lld is older than the last one (%lld)", (long long)mt, (long long)fb->last);
		arb_fbook_pend(fb, p, len, rt);
		return 0;
	}
	if (h) {
		arb_fbook_set_scanned(fb, v->feed, h->n, h->nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, d, "bids"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, d, "asks"), ARB_ASK) < 0) {
		char why[sizeof v->why];
		memcpy(why, v->why, sizeof why);
		arb_fbook_gap(fb, mt, rt, "bad diff: %s", why);
		memcpy(v->why, why, sizeof why);
		return -1;
	}
	fb->fresh = 0;
	fb->last = mt;
	fb->ts = mt;
	fb->rt = rt;
	if (arb_fbook_check_crossed(fb, mt, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

static int trade(struct arb_venue *v, const char *pair, size_t n, int64_t rt)
{
	struct arb_json *j = &v->j;
	int d = arb_jget(j, 0, "data"), id = arb_jget(j, d, "id");
	struct arb_fbook *fb;
	arb_dec px, qty;
	int64_t mt, type;

	if (arb_jtype(j, id) != ARB_J_NUM || arb_json_i64(j, arb_jget(j, d, "microtimestamp"), &mt) < 0 ||
	    arb_json_i64(j, arb_jget(j, d, "type"), &type) < 0 || (type != 0 && type != 1) ||
	    arb_json_dec(j, arb_jget(j, d, "price_str"), &px, NULL) < 0 ||
	    arb_json_dec(j, arb_jget(j, d, "amount_str"), &qty, NULL) < 0)
		return arb_venue_err(v, "trade: missing id, microtimestamp, type, price_str or amount_str");
	if (!(fb = arb_venue_book(v, pair, n, NULL)))
		return -1;
	arb_feed_trade(fb, mt, rt, arb_json_raw(j, id), j->t[id].len, px, qty, type == 0);
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int ev, ch;
	const char *c;
	size_t cl;

	if (arb_venue_scan) {
		struct bsm h;
		if (fast_book(v->feed, p, len, 1, &h)) {
			v->feed->nscan++;
			return diff(v, h.pair, h.pairlen, &h, p, len, rt);
		}
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	ev = arb_jget(j, 0, "event");
	ch = arb_jget(j, 0, "channel");
	if (j->t[0].type != ARB_J_OBJ || arb_jtype(j, ev) != ARB_J_STR)
		return arb_venue_err(v, "not a Bitstamp frame");
	if (arb_jis(j, ev, "bts:request_reconnect")) {
		/* maintenance: reconnect (and resync every book) */
		if (v->feed->want_reconnect)
			v->feed->want_reconnect(v->feed, v);
		return 0;
	}
	if (arb_jis(j, ev, "bts:heartbeat"))
		return 0;
	if (arb_jis(j, ev, "bts:error")) {
		char msg[200] = "";
		arb_json_str(j, arb_jget(j, arb_jget(j, 0, "data"), "message"), msg, sizeof msg);
		return arb_venue_err(v, "error from Bitstamp: %s", msg);
	}
	if (arb_jtype(j, ch) != ARB_J_STR)
		return arb_venue_err(v, "not a Bitstamp frame: no channel");
	c = arb_json_raw(j, ch);
	cl = j->t[ch].len;
	if (cl > 16 && memcmp(c, "diff_order_book_", 16) == 0) {
		if (arb_jis(j, ev, "bts:subscription_succeeded")) {
			struct arb_fbook *fb = arb_venue_book(v, c + 16, cl - 16, NULL);
			if (!fb)
				return -1;
			arb_fbook_subscribed(fb, rt);
			return 0;
		}
		if (arb_jis(j, ev, "data"))
			return diff(v, c + 16, cl - 16, NULL, p, len, rt);
		return 0;
	}
	if (cl > 12 && memcmp(c, "live_trades_", 12) == 0) {
		if (arb_jis(j, ev, "trade"))
			return trade(v, c + 12, cl - 12, rt);
		return 0;
	}
	return 0;   /* other channels */
}

/* ---- live ---------------------------------------------------------------- */

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, *v->url ? v->url : "wss://ws.bitstamp.net");
	return 0;
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	for (uint32_t i = 0; i < v->nlist; i++) {
		arb_buf_printf(out, "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"diff_order_book_%s\"}}\n",
		    v->list[i]->vsym);
		if (v->feed->trades)
			arb_buf_printf(out, "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"live_trades_%s\"}}\n",
			    v->list[i]->vsym);
	}
	return 0;
}

static int snapshot_url(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/api/v2/order_book/%s", *v->url ? v->url : "https://www.bitstamp.net", fb->vsym);
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/api/v2/trading-pairs-info/\n", *v->url ? v->url : "https://www.bitstamp.net");
	return 0;
}

static const char *ping(struct arb_venue *v)
{
	return "{\"event\":\"bts:heartbeat\"}";
}

const struct arb_venue_ops arb_venue_bitstamp = {
	.name = "bitstamp",
	.prefix = "BITSTAMP",
	.hosts = hosts,
	.stale_after = 30000000,
	.canon = canon,
	.vsym = vsym,
	.rest = rest,
	.frame = frame,
	.ws_url = ws_url,
	.subscribe = subscribe,
	.snapshot_url = snapshot_url,
	.snapshot_after_subscribed = 1,
	.meta_urls = meta_urls,
	.ping = ping,
	.ping_every = 10000000,
};
