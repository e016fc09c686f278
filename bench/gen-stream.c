/*
 * gen-stream: a seeded generator of a SYNTHETIC multi-venue market, as the
 * records arb-feed would write (arb-ndjson(5)): instrument and status
 * records, then book records.  Real captures never quote one pair on two
 * venues at the same moment, so cross-exchange arbitrage can only be shown
 * on a scenario like this one.  Every record it writes carries
 * "synthetic":true so nobody mistakes it for market data.
 *
 * Each asset has a hidden value (integer, 1e-8 USD units) that walks
 * randomly; every venue quotes every pair near value(base)/value(quote)
 * with its own small noise, and now and then one venue's quote is
 * dislocated by --dislocate-bps for a few updates: that is the arbitrage
 * the pipeline should find.  Same seed and options, same bytes.
 *
 * With --record DIR it writes the same kind of market as a raw recording
 * that `arb-feed --replay DIR/VENUE.0 ...` reads (arb-feed(1), "RECORDING FORMAT"):
 * one file per venue (BINANCE.0, KRAKEN.0, ...), each in that venue's own
 * wire format: its metadata REST body, the book snapshots (REST or
 * WebSocket, as the venue gives them), then one diff frame per update
 * (Binance depth diffs, Kraken v2 book updates with their checksum,
 * Coinbase l2update, OKX books updates with seqId and checksum, Bybit V5
 * orderbook deltas, Bitstamp diff_order_book).  Fees there are the
 * venues' own defaults as arb-feed knows them.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "book.h"
#include "dec.h"
#include "io.h"
#include "log.h"
#include "rec.h"
#include "util.h"

static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64*: small, fast, and the same everywhere */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static int64_t
uniform(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

struct asset {
	char name[16];
	int64_t value;      /* 1e-8 USD */
};

struct pair {
	int base, quote;
	int pscale;         /* price decimals (tick = 10^-pscale) */
	int qscale;         /* quantity decimals (lot = 10^-qscale) */
};

struct quote {
	int64_t dislocate_bps;  /* current dislocation, decays to 0 */
	int left;               /* updates left with the dislocation */
	int64_t seq;
};

/* A level's quantity in lots: worth 100 to 5000 USD. */
static int64_t
level_qty(int64_t value, int qscale)
{
	__int128 units = (__int128)uniform(100, 5000) * 100000000;
	for (int i = 0; i < qscale; i++)
		units *= 10;
	units /= value;
	return units > 0 ? (int64_t)units : 1;
}

static const char *demo_assets[] = { "USDT", "BTC", "ETH", "SOL", "XRP", "ADA", "USD" };
static const int64_t demo_values[] = {
	100000000LL, 6000000000000LL, 300000000000LL, 15000000000LL, 60000000LL, 45000000LL, 100000000LL
};
static const char *venue_names[] = { "binance", "kraken", "coinbase", "okx", "bybit", "bitstamp" };


/* ---- --record: the venues' own wire formats ---------------------------- */

/* In libarb (lib/venue/okx.c, kraken.c): the checksums the feed checks. */
int32_t arb_okx_checksum(const struct arb_book *b);
uint32_t arb_kraken_checksum(const struct arb_book *b);

static const char *venue_files[] = { "BINANCE", "KRAKEN", "COINBASE", "OKX", "BYBIT", "BITSTAMP" };

struct rec {
	FILE *f[6];
	long depth;
	struct arb_level *prev;     /* per venue and pair: the last book sent */
	int64_t *seq;
	struct arb_book bk;
	int64_t t0;
};

static void
rt_str(char *buf, size_t cap, int64_t us)
{
	snprintf(buf, cap, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));
}

static void
rfc3339(char *buf, size_t cap, int64_t us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", (tm.tm_year + 1900) % 10000,
	    (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
	    (unsigned)(us % 1000000) % 1000000u);
}

/* Venue symbols. */
static void
vsym(char *out, size_t cap, long v, const char *b, const char *q)
{
	switch (v) {
	case 0: case 4: snprintf(out, cap, "%s%s", b, q); break;            /* BTCUSDT */
	case 1: snprintf(out, cap, "%s/%s", b, q); break;                   /* BTC/USDT */
	case 2: case 3: snprintf(out, cap, "%s-%s", b, q); break;           /* BTC-USDT */
	default:
		snprintf(out, cap, "%s%s", b, q);
		for (char *c = out; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);     /* btcusdt */
	}
}

/* Levels as the venue quotes them: [["px","qty"],...] (Coinbase changes:
 * the elements only, without the brackets); with old, every level
 * of old that is not in cur, with quantity 0 (a diff's deletions). */
static void
levels(FILE *f, const struct arb_level *cur, long n, const struct arb_level *old, long nold,
    int side, int kind)
{
	char px[ARB_DEC_STRMAX], qty[ARB_DEC_STRMAX];
	int first = 1;

	if (kind != 'c')
		fputc('[', f);
	for (int pass = 0; pass < 2; pass++)
		for (long i = 0; i < (pass ? nold : n); i++) {
			const struct arb_level *l = pass ? &old[i] : &cur[i];
			arb_dec q = l->qty;
			if (pass) {
				long k;
				for (k = 0; k < n && arb_dec_cmp(cur[k].px, l->px) != 0; k++)
					;
				if (k < n)
					continue;
				q = arb_dec_make(0, l->qty.s);
			}
			arb_dec_fmt(l->px, px);
			arb_dec_fmt(q, qty);
			if (!first)
				fputc(',', f);
			first = 0;
			if (kind == 'o')          /* OKX: [px, sz, "0", orders] */
				fprintf(f, "[\"%s\",\"%s\",\"0\",\"1\"]", px, qty);
			else if (kind == 'k')     /* Kraken v2: {"price":n,"qty":n} */
				fprintf(f, "{\"price\":%s,\"qty\":%s}", px, qty);
			else if (kind == 'c')     /* Coinbase l2update: [side, px, size] */
				fprintf(f, "[\"%s\",\"%s\",\"%s\"]", side ? "sell" : "buy", px, qty);
			else
				fprintf(f, "[\"%s\",\"%s\"]", px, qty);
		}
	if (kind != 'c')
		fputc(']', f);
}

/* The book after an update, for the venues' checksums. */
static void
rec_book(struct rec *rc, const struct arb_level *lv)
{
	arb_book_clear(&rc->bk);
	for (long l = 0; l < rc->depth; l++) {
		(void)arb_book_set(&rc->bk, ARB_BID, lv[l].px, lv[l].qty);
		(void)arb_book_set(&rc->bk, ARB_ASK, lv[rc->depth + l].px, lv[rc->depth + l].qty);
	}
}

static void
rec_meta(struct rec *rc, long v, const struct asset *as, const struct pair *pairs, int npairs)
{
	FILE *f = rc->f[v];
	char t[32], s[64], tick[ARB_DEC_STRMAX], lot[ARB_DEC_STRMAX];
	static const char *url[] = {
		"https://api.binance.com/api/v3/exchangeInfo",
		"https://api.kraken.com/0/public/AssetPairs",
		"https://api.pro.coinbase.com/products",
		"https://www.okx.com/api/v5/public/instruments?instType=SPOT",
		"https://api.bybit.com/v5/market/instruments-info?category=spot",
		"https://www.bitstamp.net/api/v2/trading-pairs-info/",
	};

	rt_str(t, sizeof t, rc->t0 - 2000000);
	fprintf(f, "%s -> %s: ", url[v], t);
	fputs(v == 0 ? "{\"timezone\":\"UTC\",\"symbols\":[" : v == 1 ? "{\"error\":[],\"result\":{" :
	    v == 3 ? "{\"code\":\"0\",\"data\":[" : v == 4 ? "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"list\":[" : "[", f);
	for (int p = 0; p < npairs; p++) {
		const char *b = as[pairs[p].base].name, *q = as[pairs[p].quote].name;
		const char *mn = pairs[p].quote == 0 ? "5" : "0.0001";
		arb_dec_fmt(arb_dec_make(1, pairs[p].pscale), tick);
		arb_dec_fmt(arb_dec_make(1, pairs[p].qscale), lot);
		vsym(s, sizeof s, v, b, q);
		if (p)
			fputc(',', f);
		switch (v) {
		case 0:
			fprintf(f, "{\"symbol\":\"%s\",\"status\":\"TRADING\",\"baseAsset\":\"%s\",\"quoteAsset\":\"%s\","
			    "\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"tickSize\":\"%s\"},{\"filterType\":\"LOT_SIZE\","
			    "\"minQty\":\"%s\",\"stepSize\":\"%s\"},{\"filterType\":\"NOTIONAL\",\"minNotional\":\"%s\"}]}",
			    s, b, q, tick, lot, lot, mn);
			break;
		case 1:
			fprintf(f, "\"%s%s\":{\"altname\":\"%s%s\",\"wsname\":\"%s\",\"base\":\"%s\",\"quote\":\"%s\","
			    "\"pair_decimals\":%d,\"lot_decimals\":%d,\"fees\":[[0,0.26]],\"fees_maker\":[[0,0.16]],"
			    "\"ordermin\":\"%s\",\"costmin\":\"%s\",\"tick_size\":\"%s\"}",
			    b, q, b, q, s, b, q, pairs[p].pscale, pairs[p].qscale, lot, mn, tick);
			break;
		case 2:
			fprintf(f, "{\"id\":\"%s\",\"base_currency\":\"%s\",\"quote_currency\":\"%s\",\"base_min_size\":\"%s\","
			    "\"quote_increment\":\"%s\",\"base_increment\":\"%s\",\"min_market_funds\":\"%s\",\"status\":\"online\"}",
			    s, b, q, lot, tick, lot, mn);
			break;
		case 3:
			fprintf(f, "{\"instType\":\"SPOT\",\"instId\":\"%s\",\"baseCcy\":\"%s\",\"quoteCcy\":\"%s\","
			    "\"tickSz\":\"%s\",\"lotSz\":\"%s\",\"minSz\":\"%s\",\"state\":\"live\"}", s, b, q, tick, lot, lot);
			break;
		case 4:
			fprintf(f, "{\"symbol\":\"%s\",\"baseCoin\":\"%s\",\"quoteCoin\":\"%s\",\"status\":\"Trading\","
			    "\"lotSizeFilter\":{\"basePrecision\":\"%s\",\"minOrderQty\":\"%s\",\"minOrderAmt\":\"%s\"},"
			    "\"priceFilter\":{\"tickSize\":\"%s\"}}", s, b, q, lot, lot, mn, tick);
			break;
		default:
			fprintf(f, "{\"trading\":\"Enabled\",\"base_decimals\":%d,\"url_symbol\":\"%s\",\"name\":\"%s/%s\","
			    "\"minimum_order\":\"%s %s\",\"counter_decimals\":%d}", pairs[p].qscale, s, b, q, mn, q,
			    pairs[p].pscale);
		}
	}
	fputs(v == 0 ? "]}\n" : v == 1 ? "}}\n" : v == 3 ? "]}\n" : v == 4 ? "]}}\n" : "]\n", f);
}

static const char *ws_url[] = {
	"wss://stream.binance.com:9443/stream", "wss://ws.kraken.com/v2", "wss://ws-feed.pro.coinbase.com",
	"wss://ws.okx.com:8443/ws/v5/public", "wss://stream.bybit.com/v5/public/spot", "wss://ws.bitstamp.net/",
};

/* One book of venue v, pair p: a snapshot (first time) or a diff. */
static void
rec_update(struct rec *rc, long v, int p, int npairs, const char *b, const char *q,
    const struct arb_level *lv, int64_t ts)
{
	FILE *f = rc->f[v];
	long d = rc->depth;
	struct arb_level *old = &rc->prev[(size_t)(v * npairs + p) * (size_t)d * 2];
	int64_t *seq = &rc->seq[v * npairs + p];
	int snap = *seq == 0;
	char s[64], t[32], tm[80];
	int64_t rt = ts + 500;
	long no = snap ? 0 : d;

	vsym(s, sizeof s, v, b, q);
	rt_str(t, sizeof t, rt);
	switch (v) {
	case 0:
		if (snap) {
			fprintf(f, "https://api.binance.com/api/v3/depth?symbol=%s&limit=1000 -> %s: {\"lastUpdateId\":0,\"bids\":", s, t);
			levels(f, lv, d, NULL, 0, 0, 0);
			fputs(",\"asks\":", f);
			levels(f, lv + d, d, NULL, 0, 1, 0);
			fputs("}\n", f);
			break;
		}
		{
			char low[64];
			vsym(low, sizeof low, 5, b, q);
			fprintf(f, "%s => %s: {\"stream\":\"%s@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":%lld,"
			    "\"s\":\"%s\",\"U\":%lld,\"u\":%lld,\"b\":", ws_url[0], t, low, (long long)(ts / 1000), s,
			    (long long)*seq, (long long)*seq);
		}
		levels(f, lv, d, old, no, 0, 0);
		fputs(",\"a\":", f);
		levels(f, lv + d, d, old + d, no, 1, 0);
		fputs("}}\n", f);
		break;
	case 1:
		rfc3339(tm, sizeof tm, ts);
		rec_book(rc, lv);
		fprintf(f, "%s => %s: {\"channel\":\"book\",\"type\":\"%s\",\"data\":[{\"symbol\":\"%s\",\"bids\":",
		    ws_url[1], t, snap ? "snapshot" : "update", s);
		levels(f, lv, d, old, no, 0, 'k');
		fputs(",\"asks\":", f);
		levels(f, lv + d, d, old + d, no, 1, 'k');
		fprintf(f, ",\"checksum\":%lu,\"timestamp\":\"%s\"}]}\n",
		    (unsigned long)arb_kraken_checksum(&rc->bk), tm);
		break;
	case 2:
		if (snap) {
			fprintf(f, "%s => %s: {\"type\":\"snapshot\",\"product_id\":\"%s\",\"bids\":", ws_url[2], t, s);
			levels(f, lv, d, NULL, 0, 0, 0);
			fputs(",\"asks\":", f);
			levels(f, lv + d, d, NULL, 0, 1, 0);
			fputs("}\n", f);
			break;
		}
		rfc3339(tm, sizeof tm, ts);
		fprintf(f, "%s => %s: {\"type\":\"l2update\",\"product_id\":\"%s\",\"changes\":[", ws_url[2], t, s);
		levels(f, lv, d, old, no, 0, 'c');
		fputc(',', f);
		levels(f, lv + d, d, old + d, no, 1, 'c');
		fprintf(f, "],\"time\":\"%s\"}\n", tm);
		break;
	case 3:
		rec_book(rc, lv);
		fprintf(f, "%s => %s: {\"arg\":{\"channel\":\"books\",\"instId\":\"%s\"},\"action\":\"%s\",\"data\":[{\"asks\":",
		    ws_url[3], t, s, snap ? "snapshot" : "update");
		levels(f, lv + d, d, old + d, no, 1, 'o');
		fputs(",\"bids\":", f);
		levels(f, lv, d, old, no, 0, 'o');
		fprintf(f, ",\"ts\":\"%lld\",\"checksum\":%ld,\"prevSeqId\":%lld,\"seqId\":%lld}]}\n", (long long)(ts / 1000),
		    (long)arb_okx_checksum(&rc->bk), (long long)(snap ? -1 : *seq), (long long)(*seq + 1));
		break;
	case 4:
		fprintf(f, "%s => %s: {\"topic\":\"orderbook.50.%s\",\"ts\":%lld,\"type\":\"%s\",\"data\":{\"s\":\"%s\",\"b\":",
		    ws_url[4], t, s, (long long)(ts / 1000), snap ? "snapshot" : "delta", s);
		levels(f, lv, d, old, no, 0, 0);
		fputs(",\"a\":", f);
		levels(f, lv + d, d, old + d, no, 1, 0);
		fprintf(f, ",\"u\":%lld,\"seq\":%lld},\"cts\":%lld}\n", (long long)(*seq + 1), (long long)(*seq + 1),
		    (long long)(ts / 1000));
		break;
	default:
		if (snap) {
			fprintf(f, "https://www.bitstamp.net/api/v2/order_book/%s -> %s: {\"timestamp\":\"%lld\","
			    "\"microtimestamp\":\"%lld\",\"bids\":", s, t, (long long)(ts / 1000000), (long long)ts);
			levels(f, lv, d, NULL, 0, 0, 0);
			fputs(",\"asks\":", f);
			levels(f, lv + d, d, NULL, 0, 1, 0);
			fputs("}\n", f);
			break;
		}
		fprintf(f, "%s => %s: {\"data\":{\"timestamp\":\"%lld\",\"microtimestamp\":\"%lld\",\"bids\":", ws_url[5], t,
		    (long long)(ts / 1000000), (long long)ts);
		levels(f, lv, d, old, no, 0, 0);
		fputs(",\"asks\":", f);
		levels(f, lv + d, d, old + d, no, 1, 0);
		fprintf(f, "},\"channel\":\"diff_order_book_%s\",\"event\":\"data\"}\n", s);
	}
	memcpy(old, lv, (size_t)d * 2 * sizeof *old);
	++*seq;
}

static FILE *
rec_open(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.0", dir, name);
	if (!(f = fopen(path, "w")))
		arb_die(1, "%s: %s", path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;
	fprintf(f, "usage: gen-stream [-s seed] [-n updates] [-V venues] [-a assets] [-d depth]\n"
	    "                  [--dislocate-bps N] [--dislocate-every N] [--start-ts US] [--step-us US]\n"
	    "                  [--record DIR]\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "updates", required_argument, NULL, 'n' },
		{ "venues", required_argument, NULL, 'V' },
		{ "assets", required_argument, NULL, 'a' },
		{ "depth", required_argument, NULL, 'd' },
		{ "dislocate-bps", required_argument, NULL, 'D' },
		{ "dislocate-every", required_argument, NULL, 'E' },
		{ "start-ts", required_argument, NULL, 'T' },
		{ "step-us", required_argument, NULL, 'S' },
		{ "record", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t seed = 1;
	long updates = 2000, nvenues = 3, nassets = 4, depth = 5;
	long dis_bps = 40, dis_every = 150;
	int64_t ts = 1764460800000000LL;   /* 2025-11-30T00:00:00Z */
	int64_t step = 1000;                /* 1 ms of record time per update */
	struct asset *as;
	struct pair *pairs;
	struct quote *q;
	struct arb_writer w;
	struct arb_buf b = {0};
	struct arb_level *lv;
	int npairs = 0, c;
	const char *recdir = NULL;
	struct rec rc;

	arb_setprog(argv[0]);
	while ((c = getopt_long(argc, argv, "s:n:V:a:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'n': updates = atol(optarg); break;
		case 'V': nvenues = atol(optarg); break;
		case 'a': nassets = atol(optarg); break;
		case 'd': depth = atol(optarg); break;
		case 'D': dis_bps = atol(optarg); break;
		case 'E': dis_every = atol(optarg); break;
		case 'T': ts = strtoll(optarg, NULL, 10); break;
		case 'S': step = strtoll(optarg, NULL, 10); break;
		case 'R': recdir = optarg; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (nvenues < 1 || nvenues > 6 || nassets < 2 || nassets > 1000 || depth < 1 ||
	    depth > 100 || updates < 0 || dis_every < 1)
		usage(2);
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;

	/* assets: the demo names first, then synthetic coins C0007... */
	as = xcalloc((size_t)nassets, sizeof *as);
	for (long i = 0; i < nassets; i++) {
		if (i < 6) {
			snprintf(as[i].name, sizeof as[i].name, "%s", demo_assets[i]);
			as[i].value = demo_values[i];
		} else {
			snprintf(as[i].name, sizeof as[i].name, "C%04ld", i);
			as[i].value = uniform(1000000, 100000000000LL);
		}
	}
	/* pairs: every asset against USDT, and every asset against BTC (and
	 * ETH/BTC), which makes triangles USDT -> X -> BTC -> USDT */
	pairs = xcalloc((size_t)nassets * 2, sizeof *pairs);
	for (long i = 1; i < nassets; i++) {
		pairs[npairs++] = (struct pair){ (int)i, 0, 0, 0 };
		if (i >= 2)
			pairs[npairs++] = (struct pair){ (int)i, 1, 0, 0 };
	}
	for (int p = 0; p < npairs; p++) {
		/* about 6 significant digits of price, lots of about 1 USD */
		int64_t px = (int64_t)((__int128)as[pairs[p].base].value * 100000000 / as[pairs[p].quote].value);
		int ps = 8;
		while (ps > 0 && px >= 100000000LL * 10) { px /= 10; ps--; }
		for (int64_t v = px; v >= 1000000 && ps > 0; v /= 10)
			ps--;
		pairs[p].pscale = ps + 2 > 8 ? 8 : ps + 2;
		pairs[p].qscale = as[pairs[p].base].value > 1000000000LL ? 4 : 1;
	}
	q = xcalloc((size_t)(npairs * nvenues), sizeof *q);
	lv = xcalloc((size_t)depth * 2, sizeof *lv);
	arb_writer_init(&w, 1);

	memset(&rc, 0, sizeof rc);
	if (recdir) {
		char t[32];
		if (mkdir(recdir, 0777) < 0 && errno != EEXIST)
			arb_die(1, "%s: %s", recdir, strerror(errno));
		rc.depth = depth;
		rc.t0 = ts;
		rc.prev = xcalloc((size_t)(nvenues * npairs) * (size_t)depth * 2, sizeof *rc.prev);
		rc.seq = xcalloc((size_t)(nvenues * npairs), sizeof *rc.seq);
		arb_book_init(&rc.bk);
		rt_str(t, sizeof t, ts - 1000000);
		for (long v = 0; v < nvenues; v++) {
			rc.f[v] = rec_open(recdir, venue_files[v]);
			rec_meta(&rc, v, as, pairs, npairs);
			fprintf(rc.f[v], "%s <-> %s\n", ws_url[v], t);
		}
	}
	for (long v = 0; v < nvenues && !recdir; v++) {
		for (int p = 0; p < npairs; p++) {
			char sym[40];
			snprintf(sym, sizeof sym, "%s/%s", as[pairs[p].base].name, as[pairs[p].quote].name);
			arb_buf_reset(&b);
			arb_emit_begin(&b, "instrument");
			arb_emit_i64(&b, "ts", ts);
			arb_emit_str(&b, "ex", venue_names[v]);
			arb_emit_str(&b, "sym", sym);
			arb_emit_str(&b, "base", as[pairs[p].base].name);
			arb_emit_str(&b, "quote", as[pairs[p].quote].name);
			arb_emit_dec(&b, "tick", arb_dec_make(1, pairs[p].pscale));
			arb_emit_dec(&b, "lot", arb_dec_make(1, pairs[p].qscale));
			arb_emit_dec(&b, "min_qty", arb_dec_make(1, pairs[p].qscale));
			arb_emit_dec(&b, "min_notional", pairs[p].quote == 0 ? arb_dec_make(5, 0) : arb_dec_make(1, 4));
			/* venues differ in fees: 0.10%, 0.16%, 0.20%... */
			arb_emit_dec(&b, "taker_fee", arb_dec_make(10 + 3 * v, 4));
			arb_emit_dec(&b, "maker_fee", arb_dec_make(8 + 2 * v, 4));
			arb_emit_bool(&b, "synthetic", 1);
			arb_emit_end(&b);
			arb_writer_put(&w, b.p, b.len);
		}
		arb_buf_reset(&b);
		arb_emit_begin(&b, "status");
		arb_emit_i64(&b, "ts", ts);
		arb_emit_str(&b, "ex", venue_names[v]);
		arb_emit_str(&b, "state", "synced");
		arb_emit_str(&b, "detail", "synthetic scenario (bench/gen-stream)");
		arb_emit_bool(&b, "synthetic", 1);
		arb_emit_end(&b);
		arb_writer_put(&w, b.p, b.len);
	}

	for (long u = 0; u < updates; u++) {
		long v = (long)(next() % (uint64_t)nvenues);
		int p = (int)(next() % (uint64_t)npairs);
		struct pair *pp = &pairs[p];
		struct quote *qq = &q[v * npairs + p];
		int64_t mid, half, tickmul;
		char sym[40];

		ts += step;
		/* assets drift by up to 1 bp per update */
		for (long i = 1; i < nassets; i++)
			if ((next() & 7) == 0)
				as[i].value += as[i].value / 10000 * uniform(-1, 1);
		if (u % dis_every == dis_every - 1 && qq->left == 0) {
			qq->dislocate_bps = (next() & 1) ? dis_bps : -dis_bps;
			qq->left = (int)uniform(3, 12);
		}
		/* mid in ticks, with venue noise of up to 2 bp and the dislocation */
		mid = (int64_t)((__int128)as[pp->base].value * 100000000 / as[pp->quote].value);
		tickmul = 1;
		for (int i = 8; i > pp->pscale; i--)
			tickmul *= 10;
		for (int i = pp->pscale; i > 8; i--)
			mid *= 10;
		mid /= tickmul;
		mid += mid * (uniform(-2, 2) + qq->dislocate_bps) / 10000;
		if (qq->left > 0 && --qq->left == 0)
			qq->dislocate_bps = 0;
		half = mid / 20000 + 1;   /* spread about 1 bp */
		for (long l = 0; l < depth; l++) {
			lv[l].px = arb_dec_make(mid - half - l * (half + 1), pp->pscale);
			lv[l].qty = arb_dec_make(level_qty(as[pp->base].value, pp->qscale), pp->qscale);
			lv[depth + l].px = arb_dec_make(mid + half + l * (half + 1), pp->pscale);
			lv[depth + l].qty = arb_dec_make(level_qty(as[pp->base].value, pp->qscale), pp->qscale);
		}
		if (recdir) {
			rec_update(&rc, v, p, npairs, as[pp->base].name, as[pp->quote].name, lv, ts);
			continue;
		}
		snprintf(sym, sizeof sym, "%s/%s", as[pp->base].name, as[pp->quote].name);
		arb_buf_reset(&b);
		arb_emit_begin(&b, "book");
		arb_emit_i64(&b, "ts", ts);
		arb_emit_i64(&b, "rt", ts + 500);
		arb_emit_str(&b, "ex", venue_names[v]);
		arb_emit_str(&b, "sym", sym);
		arb_emit_i64(&b, "seq", ++qq->seq);
		arb_emit_bool(&b, "ok", 1);
		arb_emit_i64(&b, "depth", depth);
		arb_emit_key(&b, "bids");
		arb_emit_levels(&b, lv, (uint32_t)depth);
		arb_emit_key(&b, "asks");
		arb_emit_levels(&b, lv + depth, (uint32_t)depth);
		arb_emit_bool(&b, "synthetic", 1);
		arb_emit_end(&b);
		arb_writer_put(&w, b.p, b.len);
	}
	if (arb_writer_flush(&w) < 0)
		arb_die(1, "write: %s", strerror(w.err));
	for (long v = 0; v < 6; v++)
		if (rc.f[v] && (fflush(rc.f[v]) == EOF || ferror(rc.f[v]) || fclose(rc.f[v]) == EOF))
			arb_die(1, "%s/%s.0: %s", recdir, venue_files[v], strerror(errno));
	if (recdir) {
		arb_book_free(&rc.bk);
		free(rc.prev);
		free(rc.seq);
	}
	arb_writer_free(&w);
	arb_buf_free(&b);
	free(lv);
	free(q);
	free(pairs);
	free(as);
	return 0;
}
