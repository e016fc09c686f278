#include "config.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * OKX v5 public WebSocket, channel "books" (400 levels): a snapshot then
 * updates (action "snapshot"/"update"; levels [px, sz, "0", orders], sz
 * "0" deletes).  Each message may carry:
 *   - checksum: CRC32 (signed 32-bit) of "bid1px:bid1sz:ask1px:ask1sz:..."
 *     interleaving the top 25 levels of each side (a side that runs out is
 *     skipped), prices and sizes as the venue's text;
 *   - seqId/prevSeqId: prevSeqId must equal the previous message's seqId
 *     (a snapshot has prevSeqId -1).
 * Either failing is a gap; OKX resyncs by a new subscription (snapshot).
 */

static const char *const hosts[] = { "okx.com", "okex.com", NULL };

/* "BTC-USDT" -> BTC/USDT; "UNI-USD-SWAP" -> UNI/USD-SWAP; "BTC-USD-220527"
 * -> BTC/USD-220527 (derivatives keep their suffix, never mistaken for spot). */
static int canon(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap)
{
	const char *d1 = strchr(vsym, '-'), *d2;
	char b[32], q[32];

	if (!d1 || (size_t)(d1 - vsym) >= sizeof b)
		return -1;
	memcpy(b, vsym, (size_t)(d1 - vsym));
	b[d1 - vsym] = 0;
	d2 = strchr(d1 + 1, '-');
	if ((size_t)((d2 ? d2 : d1 + strlen(d1)) - d1 - 1) >= sizeof q)
		return -1;
	snprintf(q, sizeof q, "%.*s", (int)((d2 ? d2 : d1 + strlen(d1)) - d1 - 1), d1 + 1);
	return arb_sym_join(sym, cap, b, q, d2);
}

static int vsym(struct arb_venue *v, const char *sym, char *out, size_t cap)
{
	const char *sl = strchr(sym, '/');

	if (!sl)
		return -1;
	snprintf(out, cap, "%.*s-%s", (int)(sl - sym), sym, sl + 1);
	return 0;
}

static int instruments(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int data = arb_jget(j, 0, "data"), e;

	if (arb_jtype(j, data) != ARB_J_ARR)
		return arb_venue_err(v, "instruments: no data array");
	for (e = arb_jfirst(j, data); e >= 0; e = arb_jnext(j, data, e)) {
		struct arb_inst in;
		char id[ARB_VSYM_MAX], *d;

		memset(&in, 0, sizeof in);
		in.ts = rt;
		if (arb_json_str(j, arb_jget(j, e, "instId"), id, sizeof id) < 0 ||
		    canon(v, id, NULL, in.sym, sizeof in.sym) < 0)
			continue;
		snprintf(in.base, sizeof in.base, "%.23s", in.sym);
		if ((d = strchr(in.base, '/')))
			*d = 0;
		snprintf(in.quote, sizeof in.quote, "%.23s", strchr(in.sym, '/') + 1);
		if ((d = strchr(in.quote, '-')))
			*d = 0;
		arb_json_dec(j, arb_jget(j, e, "tickSz"), &in.tick, NULL);
		arb_json_dec(j, arb_jget(j, e, "lotSz"), &in.lot, NULL);
		arb_json_dec(j, arb_jget(j, e, "minSz"), &in.min_qty, NULL);
		in.taker = arb_dec_make(1, 3);   /* regular tier spot: 0.10 % / 0.08 % */
		in.maker = arb_dec_make(8, 4);
		arb_venue_inst(v, id, strlen(id), &in);
	}
	arb_venue_meta_done(v);
	return 0;
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	if (!strstr(url, "/public/instruments"))
		return 1;
	if (arb_venue_parse(v, body, len) < 0)
		return -1;
	return instruments(v, rt);
}

/* CRC32 of "bid1px:bid1sz:ask1px:ask1sz:..." over the top 25 levels,
 * each number written as arb_dec_fmt writes it, from the levels as the
 * book keeps them (the venue's coefficients and scales; the text of the
 * best ones is kept for book records already). */
int32_t arb_okx_checksum(const struct arb_book *b);
int32_t arb_okx_checksum(const struct arb_book *b)
{
	char buf[25 * 2 * 2 * (ARB_DEC_STRMAX + 1)];
	size_t n = 0;

	for (uint32_t i = 0; i < 25; i++)
		for (int side = ARB_BID; side <= ARB_ASK; side++) {
			const struct arb_blevel *l = arb_book_blevel(b, side, i);
			const char *x;
			uint32_t xn;
			if (!l)
				continue;
			if (n)
				buf[n++] = ':';
			if ((x = arb_book_ktext(b, side, i, &xn))) {
				/* the text the book keeps for its records: the same */
				char *c;
				memcpy(buf + n, x, xn);
				if ((c = memchr(buf + n, ',', xn)))
					*c = ':';
				n += xn;
				continue;
			}
			n += arb_book_fmt64(buf + n, l->px, l->ps);
			buf[n++] = ':';
			n += arb_book_fmt64(buf + n, l->qty, l->qs);
		}
	return (int32_t)(uint32_t)crc32(0L, (const Bytef *)buf, (uInt)n);
}

/* A books message read straight from the text by fast_books(). */
struct okb {
	const char *id;
	size_t idlen;
	int snap, hasck, hasseq;
	int64_t ts, ck, seq, prev;
	uint32_t na, n;          /* v->feed->lv[0..na) asks, [na..n) bids */
};

/* A books message: from the tokenizer (arg the object of v->j's "arg")
 * or from fast_books() (h). */
static int books(struct arb_venue *v, int arg, const struct okb *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	int d = -1, ck = -1, snap, hasseq;
	struct arb_fbook *fb;
	int64_t ts, seq = 0, prev = 0, want = 0;

	if (h) {
		snap = h->snap;
		ts = h->ts;
		hasseq = h->hasseq;
		seq = h->seq;
		prev = h->prev;
		want = h->ck;
		if (!(fb = arb_venue_book(v, h->id, h->idlen, NULL)))
			return -1;
	} else {
		int id = arb_jget(j, arg, "instId"), act = arb_jget(j, 0, "action"), sq, pq;
		d = arb_json_at(j, arb_jget(j, 0, "data"), 0);
		ck = arb_jget(j, d, "checksum");
		sq = arb_jget(j, d, "seqId");
		pq = arb_jget(j, d, "prevSeqId");
		snap = arb_jis(j, act, "snapshot");
		hasseq = sq >= 0;
		if (arb_jtype(j, id) != ARB_J_STR || arb_jtype(j, d) != ARB_J_OBJ || arb_jms(j, arb_jget(j, d, "ts"), &ts) < 0)
			return arb_venue_err(v, "books: missing instId, data or ts");
		if (!snap && !arb_jis(j, act, "update"))
			return arb_venue_err(v, "books: action is neither snapshot nor update");
		if (sq >= 0 && (arb_json_i64(j, sq, &seq) < 0 || arb_json_i64(j, pq, &prev) < 0))
			return arb_venue_err(v, "books: bad seqId/prevSeqId");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, id), j->t[id].len, NULL)))
			return -1;
	}
	if (snap)
		arb_book_clear(&fb->book);
	else if (!fb->snap)
		return 0;   /* out of sync: wait for a snapshot */
	else if (hasseq && fb->has_seq && prev != fb->seq) {
		arb_fbook_gap(fb, ts, rt, "prevSeqId %lld does not follow seqId %lld", (long long)prev, (long long)fb->seq);
		return 0;
	}
	if (h) {
		/* valid decimals of at most 18 digits: cannot fail; bids
		 * first as below (the sides do not depend on each other) */
		const struct arb_blevel *lv = v->feed->lv;
		const struct arb_book_text *x = v->feed->lvx;
		for (uint32_t i = h->na; i < h->n; i++)
			arb_book_set64t(&fb->book, ARB_BID, lv[i].px, lv[i].ps, lv[i].qty, lv[i].qs, x[i].px ? &x[i] : NULL);
		for (uint32_t i = 0; i < h->na; i++)
			arb_book_set64t(&fb->book, ARB_ASK, lv[i].px, lv[i].ps, lv[i].qty, lv[i].qs, x[i].px ? &x[i] : NULL);
	} else if (arb_fbook_levels(fb, j, arb_jget(j, d, "bids"), ARB_BID) < 0 ||
	    arb_fbook_levels(fb, j, arb_jget(j, d, "asks"), ARB_ASK) < 0) {
		char why[sizeof v->why];
		memcpy(why, v->why, sizeof why);
		if (snap)
			return arb_fbook_bad_snapshot(fb, ts, rt, why);
		arb_fbook_gap(fb, ts, rt, "bad update: %s", why);
		memcpy(v->why, why, sizeof why);
		return -1;
	}
	fb->ts = ts;
	fb->rt = rt;
	fb->has_seq = hasseq;
	fb->seq = seq;
	if (h ? h->hasck : ck >= 0) {
		int32_t got = arb_okx_checksum(&fb->book);
		if (!h && arb_json_i64(j, ck, &want) < 0)
			return arb_venue_err(v, "books: bad checksum");
		if (got != want) {
			fb->nchk_bad++;
			if (snap)
				fb->ok = 1;   /* so that the gap is reported */
			arb_fbook_gap(fb, ts, rt, "checksum mismatch: got %ld, venue says %lld", (long)got, (long long)want);
			return 0;
		}
		fb->nchk_ok++;
	}
	if (snap)
		arb_fbook_synced(fb, rt, NULL);
	if (arb_fbook_check_crossed(fb, ts, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

/*
 * The fast path (scan.h) of a books message of one entry exactly as OKX
 * writes it:
 *   {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["px","sz","0","n"],..],
 *    "bids":[..],"ts":"ms","checksum":n,"prevSeqId":n,"seqId":n}]}
 * (action "snapshot" too; checksum, and prevSeqId with seqId, may be
 * missing).  1 when read (h filled), 0: the tokenizer reads it.
 */
static int fast_books(struct arb_feed *f, const char *p, size_t len, struct okb *h)
{
	const char *e = p + len, *x, *y;

	if (!(x = ARB_SCAN_LIT(p, e, "{\"arg\":{\"channel\":\"books\",\"instId\":")))
		return 0;
	x = arb_scan_str(x, e, &h->id, &h->idlen);
	x = ARB_SCAN_LIT(x, e, "},\"action\":\"");
	if ((y = ARB_SCAN_LIT(x, e, "update\"")))
		h->snap = 0;
	else if ((y = ARB_SCAN_LIT(x, e, "snapshot\"")))
		h->snap = 1;
	x = ARB_SCAN_LIT(y, e, ",\"data\":[{\"asks\":");
	h->n = 0;
	x = arb_scan_levels2(x, e, 'x', &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	h->na = h->n;
	x = ARB_SCAN_LIT(x, e, ",\"bids\":");
	x = arb_scan_levels2(x, e, 'x', &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	x = ARB_SCAN_LIT(x, e, ",\"ts\":");
	x = arb_scan_qint(x, e, &h->ts, 15);
	h->hasck = h->hasseq = 0;
	if (x && (y = ARB_SCAN_LIT(x, e, ",\"checksum\":"))) {
		x = arb_scan_sint(y, e, &h->ck, 18);
		h->hasck = 1;
	}
	if (x && (y = ARB_SCAN_LIT(x, e, ",\"prevSeqId\":"))) {
		x = arb_scan_sint(y, e, &h->prev, 18);
		x = ARB_SCAN_LIT(x, e, ",\"seqId\":");
		x = arb_scan_sint(x, e, &h->seq, 18);
		h->hasseq = 1;
	}
	x = ARB_SCAN_LIT(x, e, "}]}");
	if (x != e)
		return 0;
	h->ts *= 1000;   /* milliseconds */
	return 1;
}

static int trades(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int data = arb_jget(j, 0, "data"), e;

	for (e = arb_jfirst(j, data); e >= 0; e = arb_jnext(j, data, e)) {
		int id = arb_jget(j, e, "instId"), tid = arb_jget(j, e, "tradeId"), side = arb_jget(j, e, "side");
		struct arb_fbook *fb;
		arb_dec px, qty;
		int64_t ts;

		if (arb_jtype(j, id) != ARB_J_STR || arb_jtype(j, tid) != ARB_J_STR || arb_jms(j, arb_jget(j, e, "ts"), &ts) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "px"), &px, NULL) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "sz"), &qty, NULL) < 0 ||
		    (!arb_jis(j, side, "buy") && !arb_jis(j, side, "sell")))
			return arb_venue_err(v, "trades: bad entry");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, id), j->t[id].len, NULL)))
			return -1;
		arb_feed_trade(fb, ts, rt, arb_json_raw(j, tid), j->t[tid].len, px, qty, arb_jis(j, side, "buy"));
	}
	return 0;
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int arg, ch, ev;

	if (len == 4 && memcmp(p, "pong", 4) == 0)
		return 0;
	if (arb_venue_scan) {
		struct okb h;
		if (fast_books(v->feed, p, len, &h)) {
			v->feed->nscan++;
			return books(v, -1, &h, rt);
		}
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	if (j->t[0].type != ARB_J_OBJ)
		return arb_venue_err(v, "not an OKX frame");
	arg = arb_jget(j, 0, "arg");
	ch = arb_jget(j, arg, "channel");
	ev = arb_jget(j, 0, "event");
	if (arb_jis(j, ev, "subscribe")) {
		int id = arb_jget(j, arg, "instId");
		struct arb_fbook *fb;
		if (arb_jis(j, ch, "books") && arb_jtype(j, id) == ARB_J_STR) {
			if (!(fb = arb_venue_book(v, arb_json_raw(j, id), j->t[id].len, NULL)))
				return -1;
			arb_fbook_subscribed(fb, rt);
		}
		return 0;
	}
	if (arb_jis(j, ev, "error")) {
		char msg[200] = "";
		arb_json_str(j, arb_jget(j, 0, "msg"), msg, sizeof msg);
		return arb_venue_err(v, "error from OKX: %s", msg);
	}
	if (ev >= 0)
		return 0;   /* unsubscribe, login, notice */
	if (arb_jtype(j, ch) != ARB_J_STR || arb_jget(j, 0, "data") < 0)
		return arb_venue_err(v, "not an OKX frame");
	if (arb_jis(j, ch, "books"))
		return books(v, arg, NULL, rt);
	if (arb_jis(j, ch, "trades"))
		return trades(v, rt);
	return 0;   /* tickers and other channels */
}

/* ---- live ---------------------------------------------------------------- */

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, *v->url ? v->url : "wss://ws.okx.com:8443");
	arb_buf_adds(out, "/ws/v5/public");
	return 0;
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, "{\"op\":\"subscribe\",\"args\":[");
	for (uint32_t i = 0; i < v->nlist; i++) {
		arb_buf_printf(out, "%s{\"channel\":\"books\",\"instId\":\"%s\"}", i ? "," : "", v->list[i]->vsym);
		if (v->feed->trades)
			arb_buf_printf(out, ",{\"channel\":\"trades\",\"instId\":\"%s\"}", v->list[i]->vsym);
	}
	arb_buf_adds(out, "]}\n");
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/api/v5/public/instruments?instType=SPOT\n", *v->url ? v->url : "https://www.okx.com");
	return 0;
}

static int resubscribe(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	arb_buf_printf(out, "{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"%s\"}]}\n"
	    "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"%s\"}]}\n", fb->vsym, fb->vsym);
	return 0;
}

static const char *ping(struct arb_venue *v)
{
	return "ping";
}

const struct arb_venue_ops arb_venue_okx = {
	.name = "okx",
	.prefix = "OKX",
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
