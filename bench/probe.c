/*
 * probe: per-hop latency of a pipeline stage while the stream is idle.
 * Runs COMMAND (through /bin/sh) with pipes on its stdin and stdout,
 * writes one record at a time, waits until that record comes out, and
 * prints the latency percentiles (wall clock, microseconds) over N probes
 * spaced by a pause, so every probe meets an idle stage.
 *
 *   probe [-s] [-n N] [-p PAUSE_US] [-f PRELUDE_FILE] [-t TEMPLATE -m NEEDLE] COMMAND
 *
 * PRELUDE_FILE is written first (for example instrument records) and its
 * output drained before the probes start.  A probe is the record
 * {"type":"x-probe","n":N}, which every stage passes through; with -t it
 * is the line TEMPLATE instead and the output line that ends the probe is
 * the one holding NEEDLE, where "@N@" stands for the probe's number
 * (from 1) and "@T@" for the time it is written in seconds (a recording's
 * receive time): arb-feed --replay - reads venue frames, not records.
 *
 * With -s the probe busy-waits for the record to come out (poll without
 * a timeout, over and over) instead of sleeping in poll: what is measured
 * is then the stage, not also the probe's own wake-up (tens of
 * microseconds at the median on a virtual machine, hundreds at the tail).
 * It needs a core of its own.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Copies tmpl to out with @N@ and @T@ replaced. */
static int
expand(char *out, size_t cap, const char *tmpl, int n)
{
	size_t k = 0;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (const char *p = tmpl; *p && k + 32 < cap; p++) {
		if (strncmp(p, "@N@", 3) == 0) {
			k += (size_t)snprintf(out + k, cap - k, "%d", n);
			p += 2;
		} else if (strncmp(p, "@T@", 3) == 0) {
			k += (size_t)snprintf(out + k, cap - k, "%lld.%06ld", (long long)ts.tv_sec,
			    ts.tv_nsec / 1000);
			p += 2;
		} else
			out[k++] = *p;
	}
	out[k] = '\0';
	return (int)k;
}

static int spin;   /* -s */

/* Reads from fd until a line containing needle arrives (or timeout). */
static int
wait_for(int fd, const char *needle, char *buf, size_t cap, size_t *have, int timeout_ms)
{
	int64_t until = now_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		char *nl;
		while ((nl = memchr(buf, '\n', *have)) != NULL) {
			size_t len = (size_t)(nl - buf) + 1;
			int hit = needle && memmem(buf, len, needle, strlen(needle)) != NULL;
			memmove(buf, nl + 1, *have - len);
			*have -= len;
			if (hit)
				return 0;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;
		if (spin && needle) {
			while ((r = poll(&p, 1, 0)) == 0 && now_ns() < until)
				;
		} else {
			r = poll(&p, 1, timeout_ms);
		}
		if (r <= 0)
			return needle ? -1 : 0;
		ssize_t n = read(fd, buf + *have, cap - *have);
		if (n <= 0)
			return -1;
		*have += (size_t)n;
		if (*have == cap)
			*have = 0;   /* a line longer than the buffer: drop it */
	}
}

int
main(int argc, char **argv)
{
	int n = 2000, c;
	long pause_us = 2000;
	const char *prelude = NULL, *tmpl = NULL, *needle_tmpl = NULL;
	int in[2], out[2];
	pid_t pid;
	static char buf[1 << 20];
	size_t have = 0;
	int64_t *lat;

	while ((c = getopt(argc, argv, "sn:p:f:t:m:")) != -1) {
		switch (c) {
		case 's': spin = 1; break;
		case 'n': n = atoi(optarg); break;
		case 'p': pause_us = atol(optarg); break;
		case 'f': prelude = optarg; break;
		case 't': tmpl = optarg; break;
		case 'm': needle_tmpl = optarg; break;
		default:
			fprintf(stderr, "usage: probe [-s] [-n N] [-p PAUSE_US] [-f PRELUDE] [-t TEMPLATE -m NEEDLE] COMMAND\n");
			return 2;
		}
	}
	if (optind != argc - 1 || n < 1 || !tmpl != !needle_tmpl)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (pipe(in) < 0 || pipe(out) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		execl("/bin/sh", "sh", "-c", argv[optind], (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (prelude) {
		/* a child writes the prelude while we drain what it causes:
		 * writing it all first could fill both pipes and deadlock */
		pid_t w = fork();
		if (w == 0) {
			FILE *f = fopen(prelude, "r");
			char line[65536];
			if (!f) {
				perror(prelude);
				_exit(1);
			}
			while (fgets(line, sizeof line, f))
				if (write(in[1], line, strlen(line)) < 0)
					_exit(1);
			_exit(0);
		}
		for (;;) {
			int st;
			have = 0;
			wait_for(out[0], NULL, buf, sizeof buf, &have, 300);
			if (waitpid(w, &st, WNOHANG) == w) {
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
					return 1;
				break;
			}
		}
		/* and what is still on its way */
		have = 0;
		wait_for(out[0], NULL, buf, sizeof buf, &have, 300);
		have = 0;
	}
	lat = calloc((size_t)n, sizeof *lat);
	for (int i = 0; i < n; i++) {
		char rec[8192], needle[256];
		int len;
		usleep((useconds_t)pause_us);
		if (tmpl) {
			len = expand(rec, sizeof rec - 1, tmpl, i + 1);
			rec[len++] = '\n';
			expand(needle, sizeof needle, needle_tmpl, i + 1);
		} else {
			len = snprintf(rec, sizeof rec, "{\"type\":\"x-probe\",\"n\":%d}\n", i);
			snprintf(needle, sizeof needle, "\"n\":%d}", i);
		}
		int64_t t0 = now_ns();
		if (write(in[1], rec, (size_t)len) != len) {
			fprintf(stderr, "probe: write: %s\n", strerror(errno));
			return 1;
		}
		if (wait_for(out[0], needle, buf, sizeof buf, &have, 5000) < 0) {
			fprintf(stderr, "probe: record %d did not come out within 5 s\n", i);
			return 1;
		}
		lat[i] = now_ns() - t0;
	}
	close(in[1]);
	waitpid(pid, NULL, 0);
	qsort(lat, (size_t)n, sizeof *lat, cmp64);
	printf("p50 %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us  (n=%d)\n",
	    lat[n / 2] / 1000.0, lat[n * 9 / 10] / 1000.0, lat[n * 99 / 100] / 1000.0,
	    lat[n - 1] / 1000.0, n);
	free(lat);
	return 0;
}
