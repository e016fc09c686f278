#include "config.h"

/*
 * io-bench: records/s through one pipeline stage that copies stdin to
 * stdout, for three stages side by side:
 *
 *   cat       the baseline: what a pipe can carry here
 *   arb       libarb's reader and writer (io.h), as every program uses them
 *   naive     the same reader, but one write(2) per record
 *
 * The parent generates the records into the stage's stdin (from a prebuilt
 * buffer, so the generator is never the bottleneck) and reads its stdout,
 * checking that every byte arrived.  Peak RSS is the stage's, from wait4.
 * A second run measures idle latency: one record every 200 us, each
 * carrying its send time, so a stage that held records back while its
 * input pauses would show here.
 *
 * Each throughput figure is the best of -r runs (default 3): the machine is
 * shared, and the best run is the one least disturbed by others.
 *
 * Usage: io-bench [-n records] [-l latency-records] [-r runs]
 *        io-bench copy | naive      (the stages themselves)
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "log.h"
#include "util.h"

#define GEN_RECORDS 8192   /* distinct records in the generator's buffer */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int stage_copy(void)
{
	struct arb_reader r;
	struct arb_writer w;
	char *line;
	size_t len;
	int st;

	arb_reader_init(&r, 0, "stdin");
	arb_writer_init(&w, 1);
	r.flush_on_block = &w;
	while ((st = arb_reader_next(&r, &line, &len)) != ARB_RD_EOF) {
		if (st == ARB_RD_LINE)
			arb_writer_line(&w, line, len);
		else if (st == ARB_RD_ERR)
			break;
	}
	int rc = st == ARB_RD_ERR || arb_writer_flush(&w) < 0;
	arb_reader_free(&r);
	arb_writer_free(&w);
	return rc;
}

static int stage_naive(void)
{
	struct arb_reader r;
	char *line;
	size_t len;
	int st;

	arb_reader_init(&r, 0, "stdin");
	while ((st = arb_reader_next(&r, &line, &len)) != ARB_RD_EOF) {
		if (st == ARB_RD_LINE) {
			line[len] = '\n';   /* where the newline was */
			if (arb_writeall(1, line, len + 1) < 0)
				break;
		} else if (st == ARB_RD_ERR) {
			break;
		}
	}
	arb_reader_free(&r);
	return st != ARB_RD_EOF;
}

/* Book-top records like arb-feed's, with varying numbers. */
static char *gen_buffer(size_t *lenp, size_t *offs)
{
	struct arb_buf b = { 0 };
	for (unsigned i = 0; i < GEN_RECORDS; i++) {
		offs[i] = b.len;
		arb_buf_printf(&b,
		    "{\"type\":\"book\",\"ts\":%llu,\"rt\":%llu,\"ex\":\"%s\",\"sym\":\"%s\",\"seq\":%u,"
		    "\"bids\":[[\"%u.%02u\",\"%u.%03u\"]],\"asks\":[[\"%u.%02u\",\"%u.%03u\"]],\"depth\":1,\"ok\":true}\n",
		    1700000000000000ull + i * 1000ull, 1700000000000150ull + i * 1000ull,
		    i % 3 ? "binance" : "kraken", i % 2 ? "BTC/USDT" : "ETH/USDT", 100000 + i,
		    43000 + i % 500, i % 100, i % 7, i % 1000, 43000 + i % 500, (i + 1) % 100, i % 5, (i * 7) % 1000);
	}
	offs[GEN_RECORDS] = b.len;
	*lenp = b.len;
	return b.p;
}

static void writefull(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n > 262144 ? 262144 : n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			_exit(1);
		p += k;
		n -= (size_t)k;
	}
}

/* Starts a stage with stdin/stdout on new pipes; *in, *out are our ends. */
static pid_t start_stage(const char *mode, int *in, int *out)
{
	int a[2], b[2];
	if (pipe(a) < 0 || pipe(b) < 0)
		arb_die_errno(1, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		arb_die_errno(1, "fork");
	if (pid == 0) {
		dup2(a[0], 0);
		dup2(b[1], 1);
		close(a[0]); close(a[1]); close(b[0]); close(b[1]);
		if (strcmp(mode, "cat") == 0)
			execlp("cat", "cat", (char *)NULL);
		else
			execl("/proc/self/exe", "io-bench", mode, (char *)NULL);
		_exit(127);
	}
	close(a[0]);
	close(b[1]);
	*in = a[1];
	*out = b[0];
	return pid;
}

struct result {
	double secs;
	long maxrss_kib;
	int ok;
};

static struct result throughput(const char *mode, const char *buf, size_t buflen,
    const size_t *offs, unsigned long long n)
{
	struct result res = { 0 };
	unsigned long long full = n / GEN_RECORDS;
	size_t rest = offs[n % GEN_RECORDS];
	unsigned long long want = full * buflen + rest, got = 0, lines = 0;
	int in, out;
	uint64_t t0 = now_ns();
	pid_t stage = start_stage(mode, &in, &out);
	pid_t gen = fork();
	if (gen == 0) {
		close(out);
		for (unsigned long long i = 0; i < full; i++)
			writefull(in, buf, buflen);
		writefull(in, buf, rest);
		_exit(0);
	}
	close(in);
	char *rb = xmalloc(1 << 18);
	ssize_t k;
	while ((k = read(out, rb, 1 << 18)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (unsigned long long)k;
		for (char *p = rb; (p = memchr(p, '\n', (size_t)(rb + k - p))) != NULL; p++)
			lines++;
	}
	res.secs = (double)(now_ns() - t0) / 1e9;
	free(rb);
	close(out);
	int st;
	struct rusage ru;
	wait4(stage, &st, 0, &ru);
	waitpid(gen, NULL, 0);
	res.maxrss_kib = ru.ru_maxrss;
	res.ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && got == want && lines == n;
	if (!res.ok)
		arb_err("%s: %llu of %llu bytes, %llu of %llu lines, status %d", mode, got, want, lines, n, st);
	return res;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Idle latency: n records, one every 200 us; returns sorted latencies. */
static uint64_t *latency(const char *mode, unsigned n)
{
	int in, out;
	pid_t stage = start_stage(mode, &in, &out);
	pid_t gen = fork();
	if (gen == 0) {
		close(out);
		for (unsigned i = 0; i < n; i++) {
			char rec[128];
			int len = snprintf(rec, sizeof rec, "{\"type\":\"ping\",\"t\":%llu,\"i\":%u}\n",
			    (unsigned long long)now_ns(), i);
			writefull(in, rec, (size_t)len);
			struct timespec pause = { 0, 200000 };
			nanosleep(&pause, NULL);
		}
		_exit(0);
	}
	close(in);
	uint64_t *lat = xcalloc(n, sizeof *lat);
	unsigned got = 0;
	struct arb_reader r;
	char *line;
	size_t len;
	arb_reader_init(&r, out, "stage");
	while (arb_reader_next(&r, &line, &len) == ARB_RD_LINE) {
		uint64_t t = now_ns();
		char *p = strstr(line, "\"t\":");
		if (p && got < n)
			lat[got++] = t - strtoull(p + 4, NULL, 10);
	}
	arb_reader_free(&r);
	close(out);
	waitpid(stage, NULL, 0);
	waitpid(gen, NULL, 0);
	if (got != n)
		arb_die(1, "%s: latency run got %u of %u records", mode, got, n);
	qsort(lat, n, sizeof *lat, cmp_u64);
	return lat;
}

static void usage(int status)
{
	FILE *f = status ? stderr : stdout;
	fprintf(f, "usage: io-bench [-n records] [-l latency-records] [-r runs]\n"
	    "       io-bench copy | naive\n");
	exit(status);
}

int main(int argc, char **argv)
{
	unsigned long long n = 10000000;
	unsigned nlat = 2000, runs = 3;
	int c;

	arb_setprog(argv[0]);
	if (argc == 2 && strcmp(argv[1], "copy") == 0)
		return stage_copy();
	if (argc == 2 && strcmp(argv[1], "naive") == 0)
		return stage_naive();
	while ((c = getopt(argc, argv, "hn:l:r:")) != -1) {
		switch (c) {
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'l': nlat = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': runs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc || n == 0 || nlat == 0 || runs == 0)
		usage(2);
	signal(SIGPIPE, SIG_IGN);

	size_t offs[GEN_RECORDS + 1], buflen;
	char *buf = gen_buffer(&buflen, offs);
	static const struct { const char *mode, *label; } stages[] = {
		{ "cat", "cat (baseline)" },
		{ "copy", "arb reader+writer" },
		{ "naive", "naive: write(2) per record" },
	};
	printf("io-bench: %llu book records of %zu bytes on average, stdin -> stdout through one stage,\n"
	    "best of %u runs\n", n, buflen / GEN_RECORDS, runs);
	printf("%-28s %12s %9s %14s\n", "stage", "records/s", "MB/s", "peak RSS KiB");
	int bad = 0;
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		struct result r = throughput(stages[i].mode, buf, buflen, offs, n);
		for (unsigned k = 1; k < runs; k++) {
			struct result o = throughput(stages[i].mode, buf, buflen, offs, n);
			r.ok &= o.ok;
			if (o.secs < r.secs)
				r.secs = o.secs;
			if (o.maxrss_kib > r.maxrss_kib)
				r.maxrss_kib = o.maxrss_kib;
		}
		double bytes = (double)(n / GEN_RECORDS) * (double)buflen + (double)offs[n % GEN_RECORDS];
		printf("%-28s %12.0f %9.1f %14ld%s\n", stages[i].label, (double)n / r.secs,
		    bytes / r.secs / 1e6, r.maxrss_kib, r.ok ? "" : "  (OUTPUT WRONG)");
		fflush(stdout);
		bad |= !r.ok;
	}
	printf("\nidle latency: %u records, one every 200 us (microseconds from write to arrival)\n", nlat);
	printf("%-28s %8s %8s %8s %8s\n", "stage", "p50", "p99", "p99.9", "max");
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		uint64_t *lat = latency(stages[i].mode, nlat);
		printf("%-28s %8.1f %8.1f %8.1f %8.1f\n", stages[i].label, lat[nlat / 2] / 1e3,
		    lat[(size_t)(nlat * 0.99)] / 1e3, lat[(size_t)(nlat * 0.999)] / 1e3, lat[nlat - 1] / 1e3);
		fflush(stdout);
		free(lat);
	}
	free(buf);
	return bad;
}
