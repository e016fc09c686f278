#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * Coinbase Exchange WebSocket feed (ws-feed.exchange.coinbase.com, formerly
 * ws-feed.pro.coinbase.com), channel "level2": a "snapshot" of the whole
 * book, then "l2update" messages whose changes [side, price, size] set a
 * level (size "0" deletes).  The level2 channel has no sequence numbers,
 * so the checks are structural: updates before a snapshot are ignored and
 * a crossed book is a gap (resync: subscribe again, which sends a new
 * snapshot).  Trades come from the "matches" channel, whose "side" is the
 * maker's: the taker side is the other one.
 *
 * The Advanced Trade feed (advanced-trade-ws.coinbase.com, channel level2,
 * messages on channel "l2_data") is read as well: events of type snapshot
 * and update with updates {side bid|offer, price_level, new_quantity}, and
 * a sequence_num on every message of the connection: a number that does not
 * follow the previous one is a gap for every book of the connection.
 */

static const char *const hosts[] = { "coinbase.com", NULL };

static int canon(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap)
{
	const char *d = strchr(vsym, '-');
	char b[32];

	if (!d || (size_t)(d - vsym) >= sizeof b || strchr(d + 1, '-'))
		return -1;
	memcpy(b, vsym, (size_t)(d - vsym));
	b[d - vsym] = 0;
	return arb_sym_join(sym, cap, b, d + 1, NULL);
}

static int vsym(struct arb_venue *v, const char *sym, char *out, size_t cap)
{
	const char *sl = strchr(sym, '/');

	if (!sl)
		return -1;
	snprintf(out, cap, "%.*s-%s", (int)(sl - sym), sym, sl + 1);
	return 0;
}

static int products(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int e;

	if (j->t[0].type != ARB_J_ARR)
		return arb_venue_err(v, "products: expected an array");
	for (e = arb_jfirst(j, 0); e >= 0; e = arb_jnext(j, 0, e)) {
		struct arb_inst in;
		char id[ARB_VSYM_MAX];

		memset(&in, 0, sizeof in);
		in.ts = rt;
		if (arb_json_str(j, arb_jget(j, e, "id"), id, sizeof id) < 0 ||
		    arb_json_str(j, arb_jget(j, e, "base_currency"), in.base, sizeof in.base) < 0 ||
		    arb_json_str(j, arb_jget(j, e, "quote_currency"), in.quote, sizeof in.quote) < 0 ||
		    arb_sym_join(in.sym, sizeof in.sym, in.base, in.quote, NULL) < 0)
			continue;
		arb_sym_alias(in.base, sizeof in.base);
		arb_sym_alias(in.quote, sizeof in.quote);
		arb_json_dec(j, arb_jget(j, e, "quote_increment"), &in.tick, NULL);
		arb_json_dec(j, arb_jget(j, e, "base_increment"), &in.lot, NULL);
		arb_json_dec(j, arb_jget(j, e, "base_min_size"), &in.min_qty, NULL);
		if (arb_json_dec(j, arb_jget(j, e, "min_market_funds"), &in.min_notional, NULL) < 0)
			in.min_notional = arb_dec_make(0, 0);
		in.taker = arb_dec_make(6, 3);   /* lowest tier: 0.60 % taker, 0.40 % maker */
		in.maker = arb_dec_make(4, 3);
		arb_venue_inst(v, id, strlen(id), &in);
	}
	arb_venue_meta_done(v);
	return 0;
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	size_t n = strlen(url);

	if (n < 9 || strcmp(url + n - 9, "/products") != 0)
		return 1;
	if (arb_venue_parse(v, body, len) < 0)
		return -1;
	return products(v, rt);
}

/* A snapshot or l2update read straight from the text (fast_snapshot,
 * fast_update): levels in v->feed->lv. */
struct cbm {
	const char *pid;
	size_t pidlen;
	int64_t ts;              /* l2update */
	uint32_t nb, n;          /* snapshot: lv[0..nb) bids, [nb..n) asks;
	                            l2update: n changes, sides in lvside */
};

static int snapshot(struct arb_venue *v, struct arb_fbook *fb, const struct cbm *h, int64_t rt)
{
	struct arb_json *j = &v->j;

	arb_book_clear(&fb->book);
	if (h) {
		/* valid decimals of at most 18 digits: cannot fail */
		arb_book_load64(&fb->book, ARB_BID, v->feed->lv, h->nb);
		arb_book_load64(&fb->book, ARB_ASK, v->feed->lv + h->nb, h->n - h->nb);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, 0, "bids"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, 0, "asks"), ARB_ASK) < 0)
		return arb_fbook_bad_snapshot(fb, rt, rt, v->why);
	fb->ts = fb->rt = rt;   /* the snapshot carries no time */
	if (arb_book_crossed(&fb->book)) {
		arb_venue_err(v, "snapshot of %s is crossed", fb->sym);
		return arb_fbook_bad_snapshot(fb, rt, rt, v->why);
	}
	arb_fbook_synced(fb, rt, NULL);
	arb_fbook_emit(fb);
	return 0;
}

static int update(struct arb_venue *v, struct arb_fbook *fb, const struct cbm *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	int ch = -1, e;
	int64_t ts;

	if (h)
		ts = h->ts;
	else {
		int t = arb_jget(j, 0, "time");
		ch = arb_jget(j, 0, "changes");
		if (arb_jtype(j, ch) != ARB_J_ARR || arb_jtype(j, t) != ARB_J_STR ||
		    arb_rfc3339_to_us(arb_json_raw(j, t), j->t[t].len, &ts) < 0)
			return arb_venue_err(v, "l2update: missing changes or time");
	}
	if (!fb->snap)
		return 0;
	if (h) {
		/* valid decimals of at most 18 digits: cannot fail */
		const struct arb_blevel *lv = v->feed->lv;
		const struct arb_book_text *x = v->feed->lvx;
		for (uint32_t i = 0; i < h->n; i++)
			arb_book_set64t(&fb->book, v->feed->lvside[i], lv[i].px, lv[i].ps, lv[i].qty, lv[i].qs,
			    x[i].px ? &x[i] : NULL);
	} else
		for (e = arb_jfirst(j, ch); e >= 0; e = arb_jnext(j, ch, e)) {
			int side = arb_json_at(j, e, 0);
			arb_dec px, qty;
			const char *why = "bad change";

			if ((!arb_jis(j, side, "buy") && !arb_jis(j, side, "sell")) ||
			    arb_json_dec(j, arb_json_at(j, e, 1), &px, &why) < 0 ||
			    arb_json_dec(j, arb_json_at(j, e, 2), &qty, &why) < 0 ||
			    arb_book_set(&fb->book, arb_jis(j, side, "buy") ? ARB_BID : ARB_ASK, px, qty) < 0) {
				arb_fbook_gap(fb, ts, rt, "bad change: %s", why);
				return arb_venue_err(v, "l2update: bad change: %s", why);
			}
		}
	fb->ts = ts;
	fb->rt = rt;
	if (arb_fbook_check_crossed(fb, ts, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

/* Changes [["buy","px","size"],...] (sides "buy" and "sell" only),
 * appended to the scratch levels with their sides. */
static const char *changes(struct arb_feed *f, const char *p, const char *e, uint32_t *n)
{
	int more;

	p = arb_scan_list(p, e, &more);
	while (more) {
		struct arb_blevel *l = arb_scan_room(&f->lv, &f->caplv, &f->lvx, &f->caplvx, *n);
		const char *pt = NULL, *qt = NULL, *pe, *q;
		if (*n >= f->caplvside) {
			f->caplvside = f->caplv;
			xrealloc(&f->lvside, f->caplvside);
		}
		if ((q = ARB_SCAN_LIT(p, e, "[\"buy\",")))
			f->lvside[*n] = ARB_BID;
		else if ((q = ARB_SCAN_LIT(p, e, "[\"sell\",")))
			f->lvside[*n] = ARB_ASK;
		q = arb_scan_dec(q, e, '"', &l->px, &l->ps, &pt);
		pe = q ? q - 1 : NULL;
		q = ARB_SCAN_LIT(q, e, ",");
		q = arb_scan_dec(q, e, '"', &l->qty, &l->qs, &qt);
		p = ARB_SCAN_LIT(q, e, "]");
		if (!p)
			return NULL;
		arb_scan_text(&f->lvx[*n], pt, pe, qt, q - 1);
		(*n)++;
		p = arb_scan_list_next(p, e, &more);
	}
	return p;
}

/*
 * The fast path (scan.h) of the level2 channel's messages exactly as
 * Coinbase writes them:
 *   {"type":"l2update","product_id":"BTC-USD","changes":[["buy","px","size"],..],"time":"..."}
 *   {"type":"snapshot","product_id":"BTC-USD","bids":[["px","size"],..],"asks":[..]}
 * 1 when read (h filled, *snap), 0: the tokenizer reads it.
 */
static int fast_level2(struct arb_feed *f, const char *p, size_t len, struct cbm *h, int *snap)
{
	const char *e = p + len, *x, *t;
	size_t tn;

	h->n = 0;
	if ((x = ARB_SCAN_LIT(p, e, "{\"type\":\"l2update\",\"product_id\":"))) {
		*snap = 0;
		x = arb_scan_str(x, e, &h->pid, &h->pidlen);
		x = ARB_SCAN_LIT(x, e, ",\"changes\":");
		x = changes(f, x, e, &h->n);
		x = ARB_SCAN_LIT(x, e, ",\"time\":");
		x = arb_scan_str(x, e, &t, &tn);
		x = ARB_SCAN_LIT(x, e, "}");
		return x == e && arb_rfc3339_to_us(t, tn, &h->ts) == 0;
	}
	if ((x = ARB_SCAN_LIT(p, e, "{\"type\":\"snapshot\",\"product_id\":"))) {
		*snap = 1;
		x = arb_scan_str(x, e, &h->pid, &h->pidlen);
		x = ARB_SCAN_LIT(x, e, ",\"bids\":");
		x = arb_scan_levels(x, e, &f->lv, &f->caplv, NULL, NULL, &h->n);
		h->nb = h->n;
		x = ARB_SCAN_LIT(x, e, ",\"asks\":");
		x = arb_scan_levels(x, e, &f->lv, &f->caplv, NULL, NULL, &h->n);
		x = ARB_SCAN_LIT(x, e, "}");
		return x == e;
	}
	return 0;
}

static int match(struct arb_venue *v, struct arb_fbook *fb, int64_t rt)
{
	struct arb_json *j = &v->j;
	int t = arb_jget(j, 0, "time"), id = arb_jget(j, 0, "trade_id"), side = arb_jget(j, 0, "side");
	arb_dec px, qty;
	int64_t ts;

	if (arb_jtype(j, t) != ARB_J_STR || arb_rfc3339_to_us(arb_json_raw(j, t), j->t[t].len, &ts) < 0 ||
	    arb_jtype(j, id) != ARB_J_NUM || arb_json_dec(j, arb_jget(j, 0, "price"), &px, NULL) < 0 ||
	    arb_json_dec(j, arb_jget(j, 0, "size"), &qty, NULL) < 0 ||
	    (!arb_jis(j, side, "buy") && !arb_jis(j, side, "sell")))
		return arb_venue_err(v, "match: missing time, trade_id, price, size or side");
	/* side is the maker's order side: a "sell" maker means a buying taker */
	arb_feed_trade(fb, ts, rt, arb_json_raw(j, id), j->t[id].len, px, qty, arb_jis(j, side, "sell"));
	return 0;
}

static int subscriptions(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int chs = arb_jget(j, 0, "channels"), c;

	for (c = arb_jfirst(j, chs); c >= 0; c = arb_jnext(j, chs, c)) {
		int ids = arb_jget(j, c, "product_ids"), p;
		if (!arb_jis(j, arb_jget(j, c, "name"), "level2") && !arb_jis(j, arb_jget(j, c, "name"), "level2_batch"))
			continue;
		for (p = arb_jfirst(j, ids); p >= 0; p = arb_jnext(j, ids, p)) {
			struct arb_fbook *fb;
			if (arb_jtype(j, p) != ARB_J_STR)
				continue;
			if (!(fb = arb_venue_book(v, arb_json_raw(j, p), j->t[p].len, NULL)))
				return -1;
			arb_fbook_subscribed(fb, rt);
		}
	}
	return 0;
}

/* Advanced Trade: per-connection sequence, kept in v->priv. */
struct adv {
	int64_t seq;
	int has;
};

static int adv_l2(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int evs = arb_jget(j, 0, "events"), e, t = arb_jget(j, 0, "timestamp");
	int64_t ts = rt;

	if (arb_jtype(j, t) == ARB_J_STR)
		arb_rfc3339_to_us(arb_json_raw(j, t), j->t[t].len, &ts);
	if (arb_jtype(j, evs) != ARB_J_ARR)
		return arb_venue_err(v, "l2_data: no events");
	for (e = arb_jfirst(j, evs); e >= 0; e = arb_jnext(j, evs, e)) {
		int type = arb_jget(j, e, "type"), pid = arb_jget(j, e, "product_id"), ups = arb_jget(j, e, "updates"), u;
		int snap = arb_jis(j, type, "snapshot");
		struct arb_fbook *fb;

		if (arb_jtype(j, pid) != ARB_J_STR || arb_jtype(j, ups) != ARB_J_ARR || (!snap && !arb_jis(j, type, "update")))
			return arb_venue_err(v, "l2_data: bad event");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, pid), j->t[pid].len, NULL)))
			return -1;
		if (snap) {
			arb_fbook_subscribed(fb, rt);
			arb_book_clear(&fb->book);
		} else if (!fb->snap)
			continue;
		for (u = arb_jfirst(j, ups); u >= 0; u = arb_jnext(j, ups, u)) {
			int side = arb_jget(j, u, "side");
			arb_dec px, qty;
			const char *why = "bad side";
			if ((!arb_jis(j, side, "bid") && !arb_jis(j, side, "offer")) ||
			    arb_json_dec(j, arb_jget(j, u, "price_level"), &px, &why) < 0 ||
			    arb_json_dec(j, arb_jget(j, u, "new_quantity"), &qty, &why) < 0 ||
			    arb_book_set(&fb->book, arb_jis(j, side, "bid") ? ARB_BID : ARB_ASK, px, qty) < 0) {
				arb_venue_err(v, "l2_data: bad update: %s", why);
				if (snap)
					return arb_fbook_bad_snapshot(fb, ts, rt, v->why);
				arb_fbook_gap(fb, ts, rt, "bad update: %s", why);
				return -1;
			}
		}
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
			continue;
		arb_fbook_emit(fb);
	}
	return 0;
}

static int advanced(struct arb_venue *v, int ch, int64_t rt)
{
	struct arb_json *j = &v->j;
	struct adv *a = v->priv;
	int64_t seq;

	if (!a) {
		v->priv = a = xcalloc(1, sizeof *a);
		v->priv_free = free;
	}
	if (arb_json_i64(j, arb_jget(j, 0, "sequence_num"), &seq) == 0) {
		if (a->has && (a->seq == INT64_MAX || seq != a->seq + 1)) {
			/* a message of the connection is missing: it may have been
			 * any book's, so every book resyncs (sequence_num is any
			 * int64: the largest has no next) */
			for (uint32_t i = 0; i < v->nlist; i++)
				if (v->list[i]->ok)
					arb_fbook_gap(v->list[i], rt, rt, "sequence_num %lld does not follow %lld",
					    (long long)seq, (long long)a->seq);
		}
		a->seq = seq;
		a->has = 1;
	}
	if (arb_jis(j, ch, "l2_data"))
		return adv_l2(v, rt);
	return 0;   /* subscriptions, heartbeats, ticker, market_trades */
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int type, pid, ch;
	struct arb_fbook *fb;

	if (arb_venue_scan) {
		struct cbm h;
		int snap;
		if (fast_level2(v->feed, p, len, &h, &snap)) {
			v->feed->nscan++;
			if (!(fb = arb_venue_book(v, h.pid, h.pidlen, NULL)))
				return -1;
			return snap ? snapshot(v, fb, &h, rt) : update(v, fb, &h, rt);
		}
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	ch = arb_jget(j, 0, "channel");
	if (j->t[0].type == ARB_J_OBJ && arb_jtype(j, ch) == ARB_J_STR && arb_jget(j, 0, "events") >= 0)
		return advanced(v, ch, rt);
	type = arb_jget(j, 0, "type");
	if (j->t[0].type != ARB_J_OBJ || arb_jtype(j, type) != ARB_J_STR)
		return arb_venue_err(v, "not a Coinbase frame");
	if (arb_jis(j, type, "subscriptions"))
		return subscriptions(v, rt);
	if (arb_jis(j, type, "error")) {
		char msg[200] = "";
		arb_json_str(j, arb_jget(j, 0, "message"), msg, sizeof msg);
		return arb_venue_err(v, "error from Coinbase: %s", msg);
	}
	pid = arb_jget(j, 0, "product_id");
	if (arb_jis(j, type, "snapshot") || arb_jis(j, type, "l2update") || arb_jis(j, type, "match")) {
		if (arb_jtype(j, pid) != ARB_J_STR)
			return arb_venue_err(v, "no product_id");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, pid), j->t[pid].len, NULL)))
			return -1;
		if (arb_jis(j, type, "snapshot"))
			return snapshot(v, fb, NULL, rt);
		if (arb_jis(j, type, "l2update"))
			return update(v, fb, NULL, rt);
		return match(v, fb, rt);
	}
	if (arb_jis(j, type, "last_match") || arb_jis(j, type, "ticker") || arb_jis(j, type, "heartbeat") ||
	    arb_jis(j, type, "received") || arb_jis(j, type, "open") || arb_jis(j, type, "done") ||
	    arb_jis(j, type, "change") || arb_jis(j, type, "activate") || arb_jis(j, type, "status"))
		return 0;
	return arb_venue_err(v, "not a Coinbase frame: unknown type");
}

/* A new connection starts a new Advanced Trade sequence. */
static void opened(struct arb_venue *v, const char *url, int64_t rt)
{
	struct adv *a = v->priv;

	if (a)
		a->has = 0;
}

/* ---- live ---------------------------------------------------------------- */

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, *v->url ? v->url : "wss://ws-feed.exchange.coinbase.com");
	return 0;
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	if (strstr(v->url, "advanced-trade")) {
		/* Advanced Trade: one channel per request, heartbeats keep it open */
		const char *chs[] = { "level2", "heartbeats" };
		for (int k = 0; k < 2; k++) {
			arb_buf_adds(out, "{\"type\":\"subscribe\",\"product_ids\":[");
			for (uint32_t i = 0; i < v->nlist; i++)
				arb_buf_printf(out, "%s\"%s\"", i ? "," : "", v->list[i]->vsym);
			arb_buf_printf(out, "],\"channel\":\"%s\"}\n", chs[k]);
		}
		return 0;
	}
	arb_buf_adds(out, "{\"type\":\"subscribe\",\"product_ids\":[");
	for (uint32_t i = 0; i < v->nlist; i++)
		arb_buf_printf(out, "%s\"%s\"", i ? "," : "", v->list[i]->vsym);
	arb_buf_adds(out, v->feed->trades ? "],\"channels\":[\"level2_batch\",\"matches\",\"heartbeat\"]}\n" :
	    "],\"channels\":[\"level2_batch\",\"heartbeat\"]}\n");
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/products\n", *v->url ? v->url : "https://api.exchange.coinbase.com");
	return 0;
}

static int resubscribe(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	arb_buf_printf(out, "{\"type\":\"unsubscribe\",\"product_ids\":[\"%s\"],\"channels\":[\"level2_batch\"]}\n"
	    "{\"type\":\"subscribe\",\"product_ids\":[\"%s\"],\"channels\":[\"level2_batch\"]}\n", fb->vsym, fb->vsym);
	return 0;
}

const struct arb_venue_ops arb_venue_coinbase = {
	.name = "coinbase",
	.prefix = "COINBASE",
	.hosts = hosts,
	.stale_after = 10000000,
	.canon = canon,
	.vsym = vsym,
	.rest = rest,
	.frame = frame,
	.opened = opened,
	.ws_url = ws_url,
	.subscribe = subscribe,
	.meta_urls = meta_urls,
	.resubscribe = resubscribe,
};
