#include "config.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "feed.h"
#include "log.h"
#include "venue/scan.h"
#include "venue/venue.h"

/*
 * Kraken spot, WebSocket API v1 (ws.kraken.com): the book channel sends a
 * snapshot ("as"/"bs") then updates ("a"/"b", levels [price, volume,
 * timestamp] with an optional "r" republish flag) whose "c" is a CRC32 of
 * the top 10 asks (best first) then the top 10 bids, each level being its
 * price then its volume as text with the '.' removed and leading zeros
 * stripped.  After each update the book is truncated to the subscribed
 * depth.  A mismatch is a gap; Kraken resyncs by a new subscription, which
 * starts with a new snapshot.
 *
 * WebSocket API v2 (ws.kraken.com/v2, the default live): objects with
 * "channel":"book", "type" snapshot or update, data [{symbol, bids, asks
 * ([{price, qty}] as JSON numbers at full precision), checksum,
 * timestamp}]; the same checksum, computed on the numbers' text, comes with
 * snapshots too.  v1 and v2 frames are both understood in any input.
 */

#define KRAKEN_WS "wss://ws.kraken.com/v2"

/* v2 unless an --endpoint without "/v2" says otherwise */
static int is_v2(const struct arb_venue *v)
{
	return !*v->url || strstr(v->url, "/v2") != NULL;
}

static const char *const hosts[] = { "kraken.com", NULL };

static int canon(struct arb_venue *v, const char *vsym, const char *conn, char *sym, size_t cap)
{
	char b[32], q[32];
	const char *sl = strchr(vsym, '/');

	if (!sl || (size_t)(sl - vsym) >= sizeof b || strlen(sl + 1) >= sizeof q)
		return -1;
	memcpy(b, vsym, (size_t)(sl - vsym));
	b[sl - vsym] = 0;
	strcpy(q, sl + 1);
	return arb_sym_join(sym, cap, b, q, NULL);
}

static int vsym(struct arb_venue *v, const char *sym, char *out, size_t cap)
{
	char b[32], q[32];
	const char *sl = strchr(sym, '/');

	if (!sl || (size_t)(sl - sym) >= sizeof b || strlen(sl + 1) >= sizeof q)
		return -1;
	if (is_v2(v)) {
		snprintf(out, cap, "%s", sym);   /* v2 names pairs as we do */
		return 0;
	}
	memcpy(b, sym, (size_t)(sl - sym));
	b[sl - sym] = 0;
	strcpy(q, sl + 1);
	snprintf(out, cap, "%s/%s", strcmp(b, "BTC") == 0 ? "XBT" : strcmp(b, "DOGE") == 0 ? "XDG" : b,
	    strcmp(q, "BTC") == 0 ? "XBT" : strcmp(q, "DOGE") == 0 ? "XDG" : q);
	return 0;
}

/* 10^-k as a decimal */
static arb_dec pow10neg(int64_t k)
{
	return arb_dec_make(1, k >= 0 && k <= 30 ? (int)k : 0);
}

static arb_dec pct_first(const struct arb_json *j, int arr)
{
	arb_dec d = arb_dec_make(0, 0);
	int first = arb_json_at(j, arr, 0);

	/* fees: [[volume, percent], ...]: the first tier; percent -> fraction */
	if (arb_json_dec(j, arb_json_at(j, first, 1), &d, NULL) == 0 && d.s + 2 <= ARB_DEC_MAXSCALE)
		d.s += 2;
	return d;
}

static int asset_pairs(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int res = arb_jget(j, 0, "result"), k, n = 0;

	if (arb_jtype(j, res) != ARB_J_OBJ)
		return arb_venue_err(v, "AssetPairs: no result object");
	for (k = arb_jfirst(j, res); k >= 0; k = arb_jnext(j, res, k + 1)) {
		int p = k + 1;
		struct arb_inst in;
		char ws[ARB_VSYM_MAX], *sl;
		int64_t pd, ld;

		memset(&in, 0, sizeof in);
		in.ts = rt;
		if (arb_json_str(j, arb_jget(j, p, "wsname"), ws, sizeof ws) < 0 || !(sl = strchr(ws, '/')))
			continue;
		*sl = 0;
		snprintf(in.base, sizeof in.base, "%.23s", ws);
		snprintf(in.quote, sizeof in.quote, "%.23s", sl + 1);
		*sl = '/';
		arb_sym_alias(in.base, sizeof in.base);
		arb_sym_alias(in.quote, sizeof in.quote);
		if (arb_sym_join(in.sym, sizeof in.sym, in.base, in.quote, NULL) < 0)
			continue;
		if (arb_json_dec(j, arb_jget(j, p, "tick_size"), &in.tick, NULL) < 0 &&
		    arb_json_i64(j, arb_jget(j, p, "pair_decimals"), &pd) == 0)
			in.tick = pow10neg(pd);
		if (arb_json_i64(j, arb_jget(j, p, "lot_decimals"), &ld) == 0)
			in.lot = pow10neg(ld);
		arb_json_dec(j, arb_jget(j, p, "ordermin"), &in.min_qty, NULL);
		arb_json_dec(j, arb_jget(j, p, "costmin"), &in.min_notional, NULL);
		in.taker = pct_first(j, arb_jget(j, p, "fees"));
		in.maker = pct_first(j, arb_jget(j, p, "fees_maker"));
		arb_venue_inst(v, ws, strlen(ws), &in);
		if (strcmp(ws, in.sym))   /* v2 symbols: "BTC/USD" for "XBT/USD" */
			arb_venue_inst(v, in.sym, strlen(in.sym), &in);
		n++;
	}
	arb_venue_meta_done(v);
	return n ? 0 : arb_venue_err(v, "AssetPairs: no usable pair");
}

static int rest(struct arb_venue *v, const char *url, const char *body, size_t len, int64_t rt)
{
	if (!strstr(url, "/AssetPairs"))
		return 1;
	if (arb_venue_parse(v, body, len) < 0)
		return -1;
	return asset_pairs(v, rt);
}

/* The digits of a stored coefficient, which are the venue's text of the
 * number without the point and without leading zeros ("0.0408" is 408 at
 * scale 4): returns the length. */
static size_t digits(int64_t m, char *out)
{
	uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;

	return (size_t)(arb_put_u64(out, u) - out);
}

/* CRC32 of the top 10 asks then the top 10 bids, each level its price's
 * digits then its volume's, computed on the levels as the book keeps them
 * (the venue's coefficients and scales: the venue's own strings). */
uint32_t arb_kraken_checksum(const struct arb_book *b);
uint32_t arb_kraken_checksum(const struct arb_book *b)
{
	char buf[10 * 2 * 2 * 20];
	size_t n = 0;

	for (int side = ARB_ASK; side >= ARB_BID; side--)
		for (uint32_t i = 0; i < 10; i++) {
			const struct arb_blevel *l = arb_book_blevel(b, side, i);
			if (!l)
				break;
			n += digits(l->px, buf + n);
			n += digits(l->qty, buf + n);
		}
	return (uint32_t)crc32(0L, (const Bytef *)buf, (uInt)n);
}

/* Latest level timestamp ("1618678133.136361" seconds) of a levels array. */
static void level_ts(const struct arb_json *j, int arr, int64_t *ts)
{
	for (int e = arb_jfirst(j, arr); e >= 0; e = arb_jnext(j, arr, e)) {
		int t = arb_json_at(j, e, 2);
		int64_t us;
		if (arb_jtype(j, t) == ARB_J_STR && arb_secs_to_us(arb_json_raw(j, t), j->t[t].len, &us) == 0 && us > *ts)
			*ts = us;
	}
}

/* A v1 book message read straight from the text by fast1(). */
struct k1 {
	const char *pair;
	size_t pairlen;
	int snap, hasck;
	int64_t ck, ts;          /* ts: the latest level time, 0 none */
	uint32_t na, n;          /* v->feed->lv[0..na) asks, [na..n) bids */
};

/* A v1 book message: from the tokenizer (the array root of v->j, pair
 * its pair token) or from fast1() (h). */
static int book(struct arb_venue *v, int root, int pair, const struct k1 *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	struct arb_fbook *fb;
	int i, nparts = h ? 0 : (int)j->t[root].n - 3, c = -1, snap = 0;
	int64_t ts = 0, want = 0;

	if (!(fb = h ? arb_venue_book(v, h->pair, h->pairlen, NULL) :
	    arb_venue_book(v, arb_json_raw(j, pair), j->t[pair].len, NULL)))
		return -1;
	if (!fb->maxdepth)
		fb->maxdepth = 10;   /* Kraken's default depth */
	for (i = 1; i <= nparts; i++) {
		int p = arb_json_at(j, root, (uint32_t)i);
		if (arb_jtype(j, p) != ARB_J_OBJ)
			return arb_venue_err(v, "book: expected an object");
		if (arb_jget(j, p, "as") >= 0 || arb_jget(j, p, "bs") >= 0)
			snap = 1;
	}
	if (h) {
		snap = h->snap;
		ts = h->ts;
		c = h->hasck ? 1 : -1;
		want = h->ck;
	}
	if (snap) {
		arb_book_clear(&fb->book);
		if (h) {
			/* valid decimals of at most 18 digits: cannot fail */
			arb_book_load64(&fb->book, ARB_ASK, v->feed->lv, h->na);
			arb_book_load64(&fb->book, ARB_BID, v->feed->lv + h->na, h->n - h->na);
		}
		for (i = 1; i <= nparts; i++) {
			int p = arb_json_at(j, root, (uint32_t)i), as = arb_jget(j, p, "as"), bs = arb_jget(j, p, "bs");
			if ((as >= 0 && arb_fbook_levels(fb, j, as, ARB_ASK) < 0) ||
			    (bs >= 0 && arb_fbook_levels(fb, j, bs, ARB_BID) < 0))
				return arb_fbook_bad_snapshot(fb, rt, rt, v->why);
			level_ts(j, as, &ts);
			level_ts(j, bs, &ts);
		}
		arb_book_truncate(&fb->book, fb->maxdepth);
		fb->ts = ts ? ts : rt;
		fb->rt = rt;
		if (arb_book_crossed(&fb->book)) {
			arb_venue_err(v, "snapshot of %s is crossed", fb->sym);
			return arb_fbook_bad_snapshot(fb, fb->ts, rt, v->why);
		}
		arb_fbook_synced(fb, rt, NULL);
		arb_fbook_emit(fb);
		return 0;
	}
	if (!fb->snap)
		return 0;   /* out of sync: wait for the next snapshot */
	if (h) {
		const struct arb_blevel *lv = v->feed->lv;
		const struct arb_book_text *x = v->feed->lvx;
		for (uint32_t k = 0; k < h->n; k++)
			arb_book_set64t(&fb->book, k < h->na ? ARB_ASK : ARB_BID, lv[k].px, lv[k].ps, lv[k].qty, lv[k].qs,
			    x[k].px ? &x[k] : NULL);
	}
	for (i = 1; i <= nparts; i++) {
		int p = arb_json_at(j, root, (uint32_t)i), a = arb_jget(j, p, "a"), b = arb_jget(j, p, "b");
		if ((a >= 0 && arb_fbook_levels(fb, j, a, ARB_ASK) < 0) ||
		    (b >= 0 && arb_fbook_levels(fb, j, b, ARB_BID) < 0)) {
			char why[sizeof v->why];
			memcpy(why, v->why, sizeof why);
			arb_fbook_gap(fb, ts ? ts : rt, rt, "bad update: %s", why);
			memcpy(v->why, why, sizeof why);
			return -1;
		}
		level_ts(j, a, &ts);
		level_ts(j, b, &ts);
		if (arb_jget(j, p, "c") >= 0)
			c = arb_jget(j, p, "c");
	}
	arb_book_truncate(&fb->book, fb->maxdepth);
	fb->ts = ts ? ts : rt;
	fb->rt = rt;
	if (c >= 0) {
		uint32_t got = arb_kraken_checksum(&fb->book);
		if (!h && arb_json_i64(j, c, &want) < 0)
			return arb_venue_err(v, "book: bad checksum field");
		if ((int64_t)got != want) {
			fb->nchk_bad++;
			arb_fbook_gap(fb, fb->ts, rt, "checksum mismatch: got %lu, venue says %lld",
			    (unsigned long)got, (long long)want);
			return 0;
		}
		fb->nchk_ok++;
		/* a book that was synced from a snapshot and verified */
	}
	if (arb_fbook_check_crossed(fb, fb->ts, rt) < 0)
		return 0;
	arb_fbook_emit(fb);
	return 0;
}

/* v1 levels [["price","volume","time"(,"r")],..] appended to the scratch
 * levels with their text; *ts the latest time read as level_ts() reads
 * it. */
static const char *levels1(struct arb_feed *f, const char *p, const char *e, uint32_t *n, int64_t *ts)
{
	int more;

	p = arb_scan_list(p, e, &more);
	while (more) {
		struct arb_blevel *l = arb_scan_room(&f->lv, &f->caplv, &f->lvx, &f->caplvx, *n);
		const char *pt = NULL, *qt = NULL, *pe, *qe, *t = NULL, *x;
		size_t tn = 0, xn;
		int64_t us;
		p = ARB_SCAN_LIT(p, e, "[");
		p = arb_scan_dec(p, e, '"', &l->px, &l->ps, &pt);
		pe = p ? p - 1 : NULL;
		p = ARB_SCAN_LIT(p, e, ",");
		p = arb_scan_dec(p, e, '"', &l->qty, &l->qs, &qt);
		qe = p ? p - 1 : NULL;
		p = ARB_SCAN_LIT(p, e, ",");
		p = arb_scan_str(p, e, &t, &tn);
		while (p && p < e && *p == ',')
			p = arb_scan_str(p + 1, e, &x, &xn);   /* "r": republished */
		p = ARB_SCAN_LIT(p, e, "]");
		if (!p)
			return NULL;
		if (arb_secs_to_us(t, tn, &us) == 0 && us > *ts)
			*ts = us;
		arb_scan_text(&f->lvx[*n], pt, pe, qt, qe);
		(*n)++;
		p = arb_scan_list_next(p, e, &more);
	}
	return p;
}

/* An object of a v1 update: {"a":[..]}, {"b":[..]}, each with "c" or not;
 * asks go to the scratch levels before bids (*side: the side read). */
static const char *part1(struct arb_feed *f, const char *p, const char *e, struct k1 *h, int *side)
{
	const char *y;

	if ((y = ARB_SCAN_LIT(p, e, "{\"a\":")))
		*side = ARB_ASK;
	else if ((y = ARB_SCAN_LIT(p, e, "{\"b\":")))
		*side = ARB_BID;
	else
		return NULL;
	y = levels1(f, y, e, &h->n, &h->ts);
	if (y && (p = ARB_SCAN_LIT(y, e, ",\"c\":"))) {
		y = arb_scan_qint(p, e, &h->ck, 18);
		h->hasck = 1;
	}
	return ARB_SCAN_LIT(y, e, "}");
}

/*
 * The fast path (scan.h) of a v1 book message exactly as Kraken writes it:
 *   [id,{"as":[["price","volume","time"],..],"bs":[..]},"book-10","XBT/USD"]
 *   [id,{"a":[..],"c":"checksum"},"book-10","XBT/USD"] (or "b")
 *   [id,{"a":[..]},{"b":[..],"c":"checksum"},"book-10","XBT/USD"]
 * 1 when read (h filled), 0: the tokenizer reads it.
 */
static int fast1(struct arb_feed *f, const char *p, size_t len, struct k1 *h)
{
	const char *e = p + len, *x, *y, *name;
	size_t namelen;
	int64_t id;
	int side;

	x = ARB_SCAN_LIT(p, e, "[");
	x = arb_scan_int(x, e, &id, 18);
	x = ARB_SCAN_LIT(x, e, ",");
	if (!x)
		return 0;
	h->n = h->na = 0;
	h->ts = 0;
	h->hasck = 0;
	if ((y = ARB_SCAN_LIT(x, e, "{\"as\":"))) {
		h->snap = 1;
		x = levels1(f, y, e, &h->n, &h->ts);
		h->na = h->n;
		x = ARB_SCAN_LIT(x, e, ",\"bs\":");
		x = levels1(f, x, e, &h->n, &h->ts);
		x = ARB_SCAN_LIT(x, e, "}");
	} else {
		h->snap = 0;
		if (!(x = part1(f, x, e, h, &side)))
			return 0;
		h->na = side == ARB_ASK ? h->n : 0;
		/* asks, then maybe bids in a second object */
		if (side == ARB_ASK && ARB_SCAN_LIT(x, e, ",{\"b\":") && !(x = part1(f, x + 1, e, h, &side)))
			return 0;
	}
	x = ARB_SCAN_LIT(x, e, ",");
	x = arb_scan_str(x, e, &name, &namelen);
	if (!x || namelen < 4 || memcmp(name, "book", 4) != 0)
		return 0;
	x = ARB_SCAN_LIT(x, e, ",");
	x = arb_scan_str(x, e, &h->pair, &h->pairlen);
	x = ARB_SCAN_LIT(x, e, "]");
	return x == e;
}

static int trades(struct arb_venue *v, int root, int pair, int64_t rt)
{
	struct arb_json *j = &v->j;
	struct arb_fbook *fb;
	int arr = arb_json_at(j, root, 1), e;
	uint32_t k = 0;

	if (arb_jtype(j, arr) != ARB_J_ARR)
		return arb_venue_err(v, "trade: expected an array");
	if (!(fb = arb_venue_book(v, arb_json_raw(j, pair), j->t[pair].len, NULL)))
		return -1;
	for (e = arb_jfirst(j, arr); e >= 0; e = arb_jnext(j, arr, e), k++) {
		int t = arb_json_at(j, e, 2), side = arb_json_at(j, e, 3);
		arb_dec px, qty;
		int64_t ts;
		char id[64];
		int n;

		if (arb_json_dec(j, arb_json_at(j, e, 0), &px, NULL) < 0 ||
		    arb_json_dec(j, arb_json_at(j, e, 1), &qty, NULL) < 0 || arb_jtype(j, t) != ARB_J_STR ||
		    arb_secs_to_us(arb_json_raw(j, t), j->t[t].len, &ts) < 0 ||
		    (!arb_jis(j, side, "b") && !arb_jis(j, side, "s")))
			return arb_venue_err(v, "trade: bad entry");
		/* v1 trades have no id: the time text and the index make one */
		n = snprintf(id, sizeof id, "%.*s-%u", (int)j->t[t].len, arb_json_raw(j, t), k);
		arb_feed_trade(fb, ts, rt, id, (size_t)n, px, qty, arb_jis(j, side, "b"));
	}
	return 0;
}

/* ---- v2 ------------------------------------------------------------------ */

static int levels2(struct arb_fbook *fb, const struct arb_json *j, int arr, enum arb_side side)
{
	struct arb_venue *v = fb->v;
	const char *why = "bad level";
	arb_dec px, qty;

	if (arr < 0)
		return 0;
	if (j->t[arr].type != ARB_J_ARR)
		return arb_venue_err(v, "book: levels are not an array");
	for (int e = arb_jfirst(j, arr); e >= 0; e = arb_jnext(j, arr, e))
		if (arb_json_dec(j, arb_jget(j, e, "price"), &px, &why) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "qty"), &qty, &why) < 0 ||
		    arb_book_set(&fb->book, side, px, qty) < 0)
			return arb_venue_err(v, "book: bad level: %s", why);
	return 0;
}

/* A v2 book entry read straight from the text by fast2(). */
struct k2 {
	const char *sym, *ts;    /* ts NULL: no timestamp */
	size_t symlen, tslen;
	int64_t ck;
	uint32_t nb, n;          /* v->feed->lv[0..nb) bids, [nb..n) asks */
};

/*
 * One entry of a v2 book frame, from the tokenizer (object d of v->j) or
 * from fast2() (h).  0: on to the next entry, -1 with v->why.
 */
static int entry2(struct arb_venue *v, int snap, int d, const struct k2 *h, int64_t rt)
{
	struct arb_json *j = &v->j;
	struct arb_fbook *fb;
	int64_t ts = rt, want = 0;
	int c = 1;
	uint32_t got;

	if (h) {
		if (!(fb = arb_venue_book(v, h->sym, h->symlen, NULL)))
			return -1;
		if (h->ts)
			arb_rfc3339_to_us(h->ts, h->tslen, &ts);
		want = h->ck;
	} else {
		int s = arb_jget(j, d, "symbol"), t = arb_jget(j, d, "timestamp");
		c = arb_jget(j, d, "checksum");
		if (arb_jtype(j, s) != ARB_J_STR)
			return arb_venue_err(v, "book: no symbol");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, s), j->t[s].len, NULL)))
			return -1;
		if (arb_jtype(j, t) == ARB_J_STR)
			arb_rfc3339_to_us(arb_json_raw(j, t), j->t[t].len, &ts);
	}
	if (!fb->maxdepth)
		fb->maxdepth = 10;
	if (snap)
		arb_book_clear(&fb->book);
	else if (!fb->snap)
		return 0;
	if (h) {
		arb_fbook_set_scanned(fb, v->feed, h->n, h->nb);
	} else if (levels2(fb, j, arb_jget(j, d, "bids"), ARB_BID) < 0 ||
	    levels2(fb, j, arb_jget(j, d, "asks"), ARB_ASK) < 0) {
		char why[sizeof v->why];
		memcpy(why, v->why, sizeof why);
		if (snap)
			return arb_fbook_bad_snapshot(fb, ts, rt, why);
		arb_fbook_gap(fb, ts, rt, "bad update: %s", why);
		memcpy(v->why, why, sizeof why);
		return -1;
	}
	arb_book_truncate(&fb->book, fb->maxdepth);
	fb->ts = ts;
	fb->rt = rt;
	if (c >= 0) {
		if (!h && arb_json_i64(j, c, &want) < 0)
			return arb_venue_err(v, "book: bad checksum");
		got = arb_kraken_checksum(&fb->book);
		if ((int64_t)got != want) {
			fb->nchk_bad++;
			if (snap)
				fb->ok = 1;   /* so that the gap is reported */
			arb_fbook_gap(fb, ts, rt, "checksum mismatch: got %lu, venue says %lld",
			    (unsigned long)got, (long long)want);
			return 0;
		}
		fb->nchk_ok++;
	}
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

static int book2(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int type = arb_jget(j, 0, "type"), data = arb_jget(j, 0, "data"), d;
	int snap = arb_jis(j, type, "snapshot");

	if ((!snap && !arb_jis(j, type, "update")) || arb_jtype(j, data) != ARB_J_ARR)
		return arb_venue_err(v, "book: bad type or data");
	for (d = arb_jfirst(j, data); d >= 0; d = arb_jnext(j, data, d))
		if (entry2(v, snap, d, NULL, rt) < 0)
			return -1;
	return 0;
}

/*
 * The fast path (scan.h) of a v2 book frame of one entry exactly as Kraken
 * writes it:
 *   {"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":n,"qty":n},..],
 *    "asks":[..],"checksum":n,"timestamp":"..."}]}
 * (a snapshot's type "snapshot", the timestamp may be missing).  1 when
 * read (*snap and h filled), 0: the tokenizer reads it.
 */
static int fast2(struct arb_feed *f, const char *p, size_t len, int *snap, struct k2 *h)
{
	const char *e = p + len, *x, *y;

	if (!(x = ARB_SCAN_LIT(p, e, "{\"channel\":\"book\",\"type\":\"")))
		return 0;
	if ((y = ARB_SCAN_LIT(x, e, "update\"")))
		*snap = 0;
	else if ((y = ARB_SCAN_LIT(x, e, "snapshot\"")))
		*snap = 1;
	x = ARB_SCAN_LIT(y, e, ",\"data\":[{\"symbol\":");
	x = arb_scan_str(x, e, &h->sym, &h->symlen);
	x = ARB_SCAN_LIT(x, e, ",\"bids\":");
	h->n = 0;
	x = arb_scan_levels2(x, e, 'k', &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	h->nb = h->n;
	x = ARB_SCAN_LIT(x, e, ",\"asks\":");
	x = arb_scan_levels2(x, e, 'k', &f->lv, &f->caplv, &f->lvx, &f->caplvx, &h->n);
	x = ARB_SCAN_LIT(x, e, ",\"checksum\":");
	x = arb_scan_int(x, e, &h->ck, 18);
	h->ts = NULL;
	if (x && (y = ARB_SCAN_LIT(x, e, ",\"timestamp\":")))
		x = arb_scan_str(y, e, &h->ts, &h->tslen);
	x = ARB_SCAN_LIT(x, e, "}]}");
	return x == e;
}

static int trade2(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int data = arb_jget(j, 0, "data"), e;

	for (e = arb_jfirst(j, data); e >= 0; e = arb_jnext(j, data, e)) {
		int s = arb_jget(j, e, "symbol"), side = arb_jget(j, e, "side"), id = arb_jget(j, e, "trade_id");
		int t = arb_jget(j, e, "timestamp");
		struct arb_fbook *fb;
		arb_dec px, qty;
		int64_t ts;

		if (arb_jtype(j, s) != ARB_J_STR || arb_jtype(j, id) != ARB_J_NUM || arb_jtype(j, t) != ARB_J_STR ||
		    arb_rfc3339_to_us(arb_json_raw(j, t), j->t[t].len, &ts) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "price"), &px, NULL) < 0 ||
		    arb_json_dec(j, arb_jget(j, e, "qty"), &qty, NULL) < 0 ||
		    (!arb_jis(j, side, "buy") && !arb_jis(j, side, "sell")))
			return arb_venue_err(v, "trade: bad entry");
		if (!(fb = arb_venue_book(v, arb_json_raw(j, s), j->t[s].len, NULL)))
			return -1;
		arb_feed_trade(fb, ts, rt, arb_json_raw(j, id), j->t[id].len, px, qty, arb_jis(j, side, "buy"));
	}
	return 0;
}

/* v2: {"channel":...} data, {"method":...} answers */
static int frame2(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int ch = arb_jget(j, 0, "channel"), m = arb_jget(j, 0, "method");

	if (m >= 0) {
		int res = arb_jget(j, 0, "result");
		if (arb_jtype(j, arb_jget(j, 0, "success")) == ARB_J_FALSE) {
			char msg[200] = "";
			arb_json_str(j, arb_jget(j, 0, "error"), msg, sizeof msg);
			return arb_venue_err(v, "error from Kraken: %s", msg);
		}
		if (arb_jis(j, m, "subscribe") && arb_jis(j, arb_jget(j, res, "channel"), "book")) {
			int s = arb_jget(j, res, "symbol");
			struct arb_fbook *fb;
			int64_t depth;
			if (arb_jtype(j, s) != ARB_J_STR)
				return 0;
			if (!(fb = arb_venue_book(v, arb_json_raw(j, s), j->t[s].len, NULL)))
				return -1;
			if (arb_json_i64(j, arb_jget(j, res, "depth"), &depth) == 0 && depth > 0 &&
			    depth <= UINT32_MAX)
				fb->maxdepth = (uint32_t)depth;
			arb_fbook_subscribed(fb, rt);
		}
		return 0;   /* pong, unsubscribe */
	}
	if (arb_jis(j, ch, "book"))
		return book2(v, rt);
	if (arb_jis(j, ch, "trade"))
		return trade2(v, rt);
	return 0;       /* heartbeat, status, ticker, instrument */
}

static int event(struct arb_venue *v, int64_t rt)
{
	struct arb_json *j = &v->j;
	int ev = arb_jget(j, 0, "event");

	if (arb_jis(j, ev, "heartbeat") || arb_jis(j, ev, "systemStatus") || arb_jis(j, ev, "pong"))
		return 0;
	if (arb_jis(j, ev, "subscriptionStatus")) {
		int pair = arb_jget(j, 0, "pair"), sub = arb_jget(j, 0, "subscription");
		struct arb_fbook *fb;
		int64_t depth;

		if (!arb_jis(j, arb_jget(j, 0, "status"), "subscribed")) {
			char msg[200] = "";
			arb_json_str(j, arb_jget(j, 0, "errorMessage"), msg, sizeof msg);
			if (*msg)
				arb_warn("kraken: subscription: %s", msg);
			return 0;
		}
		if (arb_jtype(j, pair) != ARB_J_STR)
			return 0;
		if (!(fb = arb_venue_book(v, arb_json_raw(j, pair), j->t[pair].len, NULL)))
			return -1;
		if (arb_jis(j, arb_jget(j, sub, "name"), "book")) {
			if (arb_json_i64(j, arb_jget(j, sub, "depth"), &depth) == 0 && depth > 0 &&
			    depth <= UINT32_MAX)
				fb->maxdepth = (uint32_t)depth;
			arb_fbook_subscribed(fb, rt);
		}
		return 0;
	}
	if (arb_jtype(j, ev) == ARB_J_STR)
		return 0;
	return arb_venue_err(v, "not a Kraken frame");
}

static int frame(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt)
{
	struct arb_json *j = &v->j;
	int name, pair;
	uint32_t n;

	if (arb_venue_scan) {
		struct k2 h;
		struct k1 h1;
		int snap = 0;
		if (fast2(v->feed, p, len, &snap, &h)) {
			v->feed->nscan++;
			return entry2(v, snap, 0, &h, rt);
		}
		if (len && *p == '[' && fast1(v->feed, p, len, &h1)) {
			v->feed->nscan++;
			return book(v, 0, -1, &h1, rt);
		}
	}
	if (arb_venue_parse(v, p, len) < 0)
		return -1;
	if (j->t[0].type == ARB_J_OBJ)
		return arb_jget(j, 0, "channel") >= 0 || arb_jget(j, 0, "method") >= 0 ? frame2(v, rt) : event(v, rt);
	n = j->t[0].n;
	if (j->t[0].type != ARB_J_ARR || n < 4 || arb_jtype(j, arb_json_at(j, 0, 0)) != ARB_J_NUM)
		return arb_venue_err(v, "not a Kraken frame");
	name = arb_json_at(j, 0, n - 2);
	pair = arb_json_at(j, 0, n - 1);
	if (arb_jtype(j, name) != ARB_J_STR || arb_jtype(j, pair) != ARB_J_STR)
		return arb_venue_err(v, "not a Kraken frame: no channel name and pair");
	if (j->t[name].len >= 4 && memcmp(arb_json_raw(j, name), "book", 4) == 0)
		return book(v, 0, pair, NULL, rt);
	if (arb_jis(j, name, "trade"))
		return trades(v, 0, pair, rt);
	return 0;   /* ticker, spread, ohlc */
}

/* ---- live ---------------------------------------------------------------- */

static int ws_url(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_adds(out, *v->url ? v->url : KRAKEN_WS);
	return 0;
}

static void pairs(struct arb_venue *v, struct arb_buf *out)
{
	for (uint32_t i = 0; i < v->nlist; i++) {
		arb_buf_adds(out, i ? "," : "");
		arb_json_quote(out, v->list[i]->vsym, strlen(v->list[i]->vsym));
	}
}

static int subscribe(struct arb_venue *v, struct arb_buf *out)
{
	if (is_v2(v)) {
		arb_buf_adds(out, "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"depth\":100,\"symbol\":[");
		pairs(v, out);
		arb_buf_adds(out, "]}}\n");
		if (v->feed->trades) {
			arb_buf_adds(out, "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[");
			pairs(v, out);
			arb_buf_adds(out, "]}}\n");
		}
		return 0;
	}
	arb_buf_adds(out, "{\"event\":\"subscribe\",\"pair\":[");
	pairs(v, out);
	arb_buf_adds(out, "],\"subscription\":{\"name\":\"book\",\"depth\":100}}\n");
	if (v->feed->trades) {
		arb_buf_adds(out, "{\"event\":\"subscribe\",\"pair\":[");
		pairs(v, out);
		arb_buf_adds(out, "],\"subscription\":{\"name\":\"trade\"}}\n");
	}
	return 0;
}

static int meta_urls(struct arb_venue *v, struct arb_buf *out)
{
	arb_buf_printf(out, "%s/0/public/AssetPairs\n", *v->url ? v->url : "https://api.kraken.com");
	return 0;
}

static int resubscribe(struct arb_venue *v, struct arb_fbook *fb, struct arb_buf *out)
{
	if (is_v2(v)) {
		arb_buf_printf(out, "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"depth\":100,\"symbol\":[\"%s\"]}}\n"
		    "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"depth\":100,\"symbol\":[\"%s\"]}}\n",
		    fb->vsym, fb->vsym);
		return 0;
	}
	arb_buf_printf(out, "{\"event\":\"unsubscribe\",\"pair\":[\"%s\"],\"subscription\":{\"name\":\"book\",\"depth\":100}}\n"
	    "{\"event\":\"subscribe\",\"pair\":[\"%s\"],\"subscription\":{\"name\":\"book\",\"depth\":100}}\n",
	    fb->vsym, fb->vsym);
	return 0;
}

static const char *ping(struct arb_venue *v)
{
	if (is_v2(v))
		return "{\"method\":\"ping\"}";
	return "{\"event\":\"ping\"}";
}

const struct arb_venue_ops arb_venue_kraken = {
	.name = "kraken",
	.prefix = "KRAKEN",
	.hosts = hosts,
	.stale_after = 10000000,
	.canon = canon,
	.vsym = vsym,
	.rest = rest,
	.frame = frame,
	.ws_url = ws_url,
	.subscribe = subscribe,
	.meta_urls = meta_urls,
	.ping = ping,
	.resubscribe = resubscribe,
	.ping_every = 30000000,
};
