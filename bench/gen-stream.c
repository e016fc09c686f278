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
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;
	fprintf(f, "usage: gen-stream [-s seed] [-n updates] [-V venues] [-a assets] [-d depth]\n"
	    "                  [--dislocate-bps N] [--dislocate-every N] [--start-ts US] [--step-us US]\n");
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

	for (long v = 0; v < nvenues; v++) {
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
	arb_writer_free(&w);
	arb_buf_free(&b);
	free(lv);
	free(q);
	free(pairs);
	free(as);
	return 0;
}
