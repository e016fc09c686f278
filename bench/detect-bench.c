#include "config.h"

/*
 * detect-bench: the arb-detect benchmark's tools (bench/detect-bench.sh
 * drives them).
 *
 *   detect-bench gen DEPTH N SEED     a stream: 6 venues x 100 symbols
 *                                      (instruments, then N book records)
 *   detect-bench lat FILE [LEGS]      feeds FILE through the engine in
 *                                      process: per-update latency p50 p99
 *                                      p99.9 max of arb_detect_feed for books
 *   detect-bench run IN OUT CMD ARG.. runs CMD with stdin IN, stdout OUT:
 *                                      wall seconds, peak RSS (KiB) and
 *                                      CPU seconds (user + system)
 *
 * The generator's prices are doubles turned into decimal text: test data,
 * not money.  Symbols per venue: 24 bases B00..B23 against USD, USDT, BTC
 * and ETH, plus BTC/USD, ETH/USD, ETH/BTC and BTC/USDT: 100, which gives
 * every venue 3-cycles (USD > B > BTC > USD, ...) and many 4-cycles
 * (USD > Bi > BTC > Bj > USD, ...), and every symbol 6 venues for cross
 * candidates.  Every book update moves the best prices a little; about one
 * in 20000 is dislocated by 1 %, so opportunities open and close.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "detect.h"
#include "io.h"
#include "rec.h"
#include "util.h"

static const char *const venues[] = { "binance", "kraken", "coinbase", "okx", "bybit", "bitstamp" };
#define NV 6
#define NB 24
#define NS 100

struct sym {
	char base[8], quote[8];
	double mid;
	int pxdec, qtydec;
};

static uint64_t rs = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static double
unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static int
syms(struct sym *s, double *fair)
{
	static const char *const q[] = { "USD", "USDT", "BTC", "ETH" };
	double fq[] = { 1, 1, 30000, 2000 };
	int n = 0, b, i;

	for (b = 0; b < NB; b++)
		for (i = 0; i < 4; i++) {
			snprintf(s[n].base, sizeof(s[n].base), "B%02d", b);
			strcpy(s[n].quote, q[i]);
			s[n].mid = fair[b] / fq[i];
			n++;
		}
	strcpy(s[n].base, "BTC"); strcpy(s[n].quote, "USD"); s[n++].mid = 30000;
	strcpy(s[n].base, "ETH"); strcpy(s[n].quote, "USD"); s[n++].mid = 2000;
	strcpy(s[n].base, "ETH"); strcpy(s[n].quote, "BTC"); s[n++].mid = 2000.0 / 30000;
	strcpy(s[n].base, "BTC"); strcpy(s[n].quote, "USDT"); s[n++].mid = 30000;
	for (i = 0; i < n; i++) {
		/* about 7 significant digits of price */
		int d = 6 - (int)floor(log10(s[i].mid));
		s[i].pxdec = d < 0 ? 0 : d > 12 ? 12 : d;
		s[i].qtydec = s[i].mid > 1000 ? 4 : s[i].mid > 1 ? 2 : 0;
	}
	return n;
}

static void
pr(double v, int dec)
{
	printf("%.*f", dec, v);
}

static int
gen(int depth, long n, uint64_t seed)
{
	struct sym s[NS];
	double fair[NB];
	int i, v, ns;
	long k;
	int64_t ts = 1700000000000000;

	rs ^= seed * 0x9E3779B97F4A7C15ULL;
	for (i = 0; i < NB; i++)
		fair[i] = 0.1 + unif() * 100;
	ns = syms(s, fair);
	for (v = 0; v < NV; v++)
		for (i = 0; i < ns; i++)
			printf("{\"type\":\"instrument\",\"ts\":%" PRId64 ",\"ex\":\"%s\",\"sym\":\"%s/%s\","
			    "\"base\":\"%s\",\"quote\":\"%s\",\"tick\":%.*f,\"lot\":%.*f,\"min_qty\":0,"
			    "\"min_notional\":1,\"taker_fee\":0.001,\"maker_fee\":0.0008}\n",
			    ts, venues[v], s[i].base, s[i].quote, s[i].base, s[i].quote,
			    s[i].pxdec, pow(10, -s[i].pxdec), s[i].qtydec, pow(10, -s[i].qtydec));
	for (k = 0; k < n; k++) {
		int x = (int)(rnd() % ns), lv;
		double off, step;
		double mid = s[x].mid * (1 + (unif() - 0.5) * 0.0004), tick = pow(10, -s[x].pxdec);
		double half = mid * 0.00025;

		v = (int)(rnd() % NV);
		if (rnd() % 20000 == 0)
			mid *= rnd() & 1 ? 1.01 : 0.99;
		if (half < tick)
			half = tick;
		ts += 1 + (int64_t)(rnd() % 200);
		printf("{\"type\":\"book\",\"ts\":%" PRId64 ",\"rt\":%" PRId64 ",\"ex\":\"%s\",\"sym\":\"%s/%s\","
		    "\"seq\":%ld,\"ok\":true,\"depth\":%d,\"bids\":[", ts, ts + 150, venues[v],
		    s[x].base, s[x].quote, k + 1, depth);
		/* each level 1 to 3 ticks worse than the one before it: best
		 * first (arb-ndjson(5)), as arb-detect checks */
		for (lv = 0, off = 0; lv < depth; lv++) {
			step = tick * (1 + (double)(rnd() % 3));
			off += lv ? step : 0;
			printf(lv ? ",[" : "[");
			pr(mid - half - off, s[x].pxdec);
			putchar(',');
			pr((1 + (double)(rnd() % 500)) * pow(10, -s[x].qtydec) * (s[x].qtydec ? 10 : 1), s[x].qtydec);
			putchar(']');
		}
		printf("],\"asks\":[");
		for (lv = 0, off = 0; lv < depth; lv++) {
			step = tick * (1 + (double)(rnd() % 3));
			off += lv ? step : 0;
			printf(lv ? ",[" : "[");
			pr(mid + half + off, s[x].pxdec);
			putchar(',');
			pr((1 + (double)(rnd() % 500)) * pow(10, -s[x].qtydec) * (s[x].qtydec ? 10 : 1), s[x].qtydec);
			putchar(']');
		}
		printf("]}\n");
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int
lat(const char *path, int legs)
{
	struct arb_detect_opts o;
	struct arb_detect *d;
	struct arb_reader rd;
	struct arb_rec rec;
	struct arb_buf out = { 0 };
	char *line, why[256];
	size_t len, n = 0, cap = 1 << 20;
	int64_t *l = xmalloc(cap * sizeof(*l)), t0, tall = 0, tparse = 0;
	int fd = open(path, O_RDONLY), rc;
	static char start[][ARB_CCY_MAX] = { "USD", "USDT", "USDC", "EUR", "GBP", "BTC", "ETH" };

	if (fd < 0) {
		perror(path);
		return 1;
	}
	arb_detect_opts_init(&o);
	o.max_legs = legs;
	o.start = start;
	o.nstart = 7;
	d = arb_detect_new(&o);
	arb_rec_init(&rec);
	rec.lazy = 1;     /* as arb-detect reads */
	arb_reader_init(&rd, fd, path);
	while ((rc = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
		int64_t t1, t2;
		if (rc != ARB_RD_LINE)
			continue;
		t0 = now_ns();
		if (arb_rec_parse(&rec, line, len, why, sizeof(why)) < 0)
			continue;
		t1 = now_ns();
		arb_buf_reset(&out);
		arb_detect_feed(d, &rec, &out, why, sizeof(why));
		t2 = now_ns();
		if (rec.type != ARB_R_BOOK)
			continue;
		tparse += t1 - t0;
		tall += t2 - t0;
		if (n == cap) {
			cap *= 2;
			xrealloc(&l, cap * sizeof(*l));
		}
		l[n++] = t2 - t1;
	}
	qsort(l, n, sizeof(*l), cmp64);
	if (n) {
		const struct arb_detect_stats *s = arb_detect_stats(d);
		printf("engine: %zu book updates, detection latency ns p50 %" PRId64 " p99 %" PRId64
		    " p99.9 %" PRId64 " max %" PRId64 "\n", n, l[n / 2], l[n * 99 / 100],
		    l[n * 999 / 1000], l[n - 1]);
		printf("engine: parse %.0f ns + detect %.0f ns per book record in process: %.2f M/s\n",
		    (double)tparse / n, (double)(tall - tparse) / n, n / ((double)tall / 1e9) / 1e6);
		printf("engine: %" PRIu64 " cross and %" PRIu64 " cycle candidates, %" PRIu64
		    " evaluations, opportunities %" PRIu64 " new %" PRIu64 " update %" PRIu64
		    " gone\n", s->cands_cross, s->cands_cycle, s->evals, s->opps_new,
		    s->opps_update, s->opps_gone);
	}
	arb_reader_free(&rd);
	arb_rec_free(&rec);
	arb_buf_free(&out);
	arb_detect_free(d);
	free(l);
	close(fd);
	return 0;
}

static int
run(char **argv)
{
	struct rusage ru;
	int64_t t0 = now_ns();
	int st;
	pid_t p = fork();

	if (p < 0)
		return 1;
	if (p == 0) {
		int in = open(argv[0], O_RDONLY), out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(127);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (wait4(p, &st, 0, &ru) < 0)
		return 1;
	printf("%.3f %ld %.3f\n", (double)(now_ns() - t0) / 1e9, ru.ru_maxrss,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int
main(int argc, char **argv)
{
	arb_setprog(argv[0]);
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(atoi(argv[2]), atol(argv[3]), strtoull(argv[4], NULL, 10));
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "lat") == 0)
		return lat(argv[2], argc == 4 ? atoi(argv[3]) : 4);
	if (argc >= 5 && strcmp(argv[1], "run") == 0)
		return run(argv + 2);
	fprintf(stderr, "usage: detect-bench gen DEPTH N SEED | lat FILE [LEGS] | run IN OUT CMD [ARG...]\n");
	return 2;
}
