#include "config.h"

/*
 * exec-gen: a synthetic stream for bench/exec-bench.sh.  Books of two
 * venues (10 levels a side) one microsecond apart in record time, i.e.
 * 1 M book records per second of record time, with a cross opportunity
 * every K books whose legs the later books can fill.  Deterministic
 * (a fixed LCG), marked synthetic in the instrument records' venue names
 * being real but the prices made up.
 *
 * usage: exec-gen [-n books] [-k every] > stream.ndjson
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long long seed = 42;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

static void
levels(char *buf, size_t cap, long base_cents, int dir)
{
	size_t off = 0;
	int i;

	off += (size_t)snprintf(buf + off, cap - off, "[");
	for (i = 0; i < 10 && off < cap; i++) {
		long px = base_cents + dir * i * 50;
		off += (size_t)snprintf(buf + off, cap - off, "%s[%ld.%02ld,%u.%04u]", i ? "," : "",
		    px / 100, px % 100, 1 + rnd(3), rnd(10000));
	}
	snprintf(buf + off, cap - off, "]");
}

int
main(int argc, char **argv)
{
	long n = 1000000, k = 1000, i;
	const long long t0 = 1700000000000000LL;
	char bids[512], asks[512];
	int ch;

	while ((ch = getopt(argc, argv, "n:k:")) != -1) {
		switch (ch) {
		case 'n':
			n = atol(optarg);
			break;
		case 'k':
			k = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: exec-gen [-n books] [-k every]\n");
			return 2;
		}
	}
	if (n <= 0 || k <= 0) {
		fprintf(stderr, "exec-gen: -n and -k must be positive\n");
		return 2;
	}
	printf("{\"type\":\"instrument\",\"ts\":%lld,\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"base\":\"BTC\","
	    "\"quote\":\"USDT\",\"tick\":0.01,\"lot\":0.0001,\"min_qty\":0.0001,\"min_notional\":5,"
	    "\"taker_fee\":0.001,\"maker_fee\":0.001}\n", t0);
	printf("{\"type\":\"instrument\",\"ts\":%lld,\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"base\":\"BTC\","
	    "\"quote\":\"USDT\",\"tick\":0.01,\"lot\":0.0001,\"min_qty\":0.0001,\"min_notional\":5,"
	    "\"taker_fee\":0.0026,\"maker_fee\":0.0016}\n", t0);
	for (i = 0; i < n; i++) {
		long long ts = t0 + 1000 + i;
		int kr = (int)(i & 1);
		/* binance around 30000, kraken around 30200: crosses fill */
		long mid = (kr ? 3020000 : 3000000) + (long)rnd(200) - 100;
		levels(bids, sizeof bids, mid - 50, -1);
		levels(asks, sizeof asks, mid + 50, 1);
		printf("{\"type\":\"book\",\"ts\":%lld,\"rt\":%lld,\"ex\":\"%s\",\"sym\":\"BTC/USDT\",\"seq\":%ld,"
		    "\"ok\":true,\"depth\":10,\"bids\":%s,\"asks\":%s}\n",
		    ts, ts + 300, kr ? "kraken" : "binance", i, bids, asks);
		if (i % k == k - 1)
			printf("{\"type\":\"opportunity\",\"ts\":%lld,\"id\":\"x:bench:%ld\",\"kind\":\"cross\","
			    "\"event\":\"new\",\"legs\":[{\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"side\":\"buy\","
			    "\"px\":30002.00,\"qty\":0.5},{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":\"sell\","
			    "\"px\":30148.00,\"qty\":0.5}],\"qty\":0.5,\"cost\":15016,\"proceeds\":15035,"
			    "\"profit\":19,\"ccy\":\"USDT\",\"gross_bps\":48.66,\"net_bps\":12.65,"
			    "\"book_ts\":[%lld,%lld],\"expires\":%lld}\n",
			    ts, i, ts - 1, ts, ts + 1000000);
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
