#include "config.h"

/*
 * arb-store: persist every record of the stream in SQLite or PostgreSQL,
 * idempotently, in batched transactions; with --tee, pass each line on
 * only after the transaction holding it has committed.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "io.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "rec.h"
#include "sig.h"
#include "store.h"
#include "util.h"

#define DEFAULT_BATCH 20000

/*
 * A batch and the lines it holds.  Batches are numbered from 1 in input
 * order, batch n in slot[n % NSLOT], and go through three threads: the
 * main thread reads, parses and encodes one while the worker commits the
 * one before and, with deferred durability (SQLite with synchronous
 * full: see arb_store_sync), the syncer has the disk sync the one before
 * that.  Once a batch is durable the main thread passes its lines on
 * (--tee) and reuses its slot.
 */
#define NSLOT 3

/* A pause in the input this long after the last batch was closed, with
 * nothing in flight, is an idle stream: see idle(). */
#define IDLE_US 1000

struct slot {
	struct arb_store_batch b;
	struct arb_buf tee;        /* its lines (--tee), passed on once durable */
	unsigned char tee_big;     /* tee grown by arb_store_buf_grow */
	uint64_t nlines;           /* lines in it (stored or not) */
	int64_t max_ts;            /* largest ts read when it was closed */
};

/* The worker and syncer threads and what they share with main (under mu). */
static struct {
	pthread_t th, sth;
	pthread_mutex_t mu;
	pthread_cond_t cv;         /* to the worker: a batch was handed, or quit */
	pthread_cond_t scv;        /* to the syncer: a batch was committed, or quit */
	pthread_cond_t mcv;        /* to main: a batch was committed or became durable */
	uint64_t handed;           /* batches handed over (written by main only) */
	uint64_t committed;        /* batches committed */
	uint64_t durable;          /* batches durable */
	int started;               /* the worker runs */
	int syncer;                /* the syncer runs */
	int quit;                  /* 1: when done; 2: at once */
	int rc, src;               /* the worker's, the syncer's failure */
	int mwait;                 /* main waits for input or for them (idle) */
	int wake[2];               /* a pipe that wakes main up then */
	char why[512], swhy[512];
	double cpu, sys, scpu;     /* their CPU time (system part), once ended */
} W = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER,
	.scv = PTHREAD_COND_INITIALIZER, .mcv = PTHREAD_COND_INITIALIZER };

static struct {
	struct arb_store *st;
	struct arb_reader rd;
	struct arb_writer out;
	struct slot slot[NSLOT];
	struct slot *fill;         /* the open batch: number W.handed + 1 */
	uint64_t finished;         /* batches passed on (--tee) and done with */
	uint64_t ins, dups;        /* committed: inserted, already there */
	int tee_on;
	FILE *reject;
	const char *reject_path;
	uint64_t batch;
	int64_t interval;          /* µs */
	int64_t batch_mono;        /* wall (monotonic) start of the open batch */
	int64_t batch_ts;          /* record time of its first record */
	int64_t last_close;        /* wall (monotonic) time the last batch was closed */
	int batch_open;
	int64_t max_ts;
	uint64_t stored, skipped_type;
	struct arb_badlines bl;
	int want[ARB_R_NTYPES];
	char (*want_unknown)[64];  /* unknown type names listed in --types */
	int nwant_unknown, types_set;
	struct arb_metrics metrics;
	uint64_t commits;
	int64_t committed_ts;      /* largest ts of what is committed */
	int64_t wd_period;         /* systemd watchdog, 0 when none */
	/* options */
	char *url;
	struct arb_store_opts o;
	int maint;
	const char *maint_arg;
	char *metrics_path;
} g;

static void usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: arb-store [-qTvV] [-c FILE] [-d URL] [-b N] [-i DURATION] [-t TYPES | -x TYPES]\n"
	    "                 [-r FILE] [--strict] [--retry DURATION] [--synchronous normal|full]\n"
	    "                 [--metrics FILE]\n"
	    "       arb-store [-d URL] --migrate[=VERSION]\n"
	    "       arb-store [-d URL] --backup DEST\n"
	    "       arb-store --verify DB\n"
	    "       arb-store [-d URL] --dump\n"
	    "       arb-store [-d URL] --query VIEW\n"
	    "  -c, --config FILE        read the [arb-store] section of FILE\n"
	    "  -d, --db URL             sqlite:PATH or postgresql://... (default $ARB_DB,\n"
	    "                           else sqlite:$XDG_DATA_HOME/arbitron/arb.db)\n"
	    "  -b, --batch N            commit at least every N records (%d)\n"
	    "  -i, --commit-interval D  commit at least every D of record or wall time (200ms)\n"
	    "  -T, --tee                copy input to stdout once it is committed\n"
	    "  -t, --types LIST         store only these types (comma-separated)\n"
	    "  -x, --exclude-types LIST store all but these types\n"
	    "  -r, --reject FILE        append bad lines to FILE\n"
	    "      --strict             a bad line is fatal (exit 1)\n"
	    "      --retry D            PostgreSQL: keep retrying a lost server for D (60s)\n"
	    "      --synchronous MODE   SQLite: full (default) or normal\n"
	    "      --metrics FILE       write Prometheus metrics to FILE every 5 s\n"
	    "      --migrate[=VERSION]  upgrade the database schema and exit\n"
	    "      --backup DEST        SQLite: online backup to the file DEST and exit\n"
	    "      --verify DB          integrity check and row counts of DB, and exit\n"
	    "      --dump               write every stored line to stdout and exit\n"
	    "      --query VIEW         print pnl_by_day or opportunities_by_pair and exit\n"
	    "  -v, --verbose  -q, --quiet  -V, --version  -h, --help\n", DEFAULT_BATCH);
	exit(status);
}

/* Parses a type list into want[] (and the names of unknown types); the
 * number of names in it. */
static int parse_types(const char *list, int *mask, char (**unk)[64], int *nunk)
{
	char *s = xstrdup(list), *save = NULL;
	int n = 0;

	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		n++;
		enum arb_rtype ty = arb_rtype_from(t, strlen(t));
		if (ty != ARB_R_UNKNOWN) {
			mask[ty] = 1;
			continue;
		}
		if (strlen(t) >= 64) {
			arb_err("type name too long: %s", t);
			exit(ARB_EXIT_USAGE);
		}
		xrealloc(unk, (size_t)(*nunk + 1) * sizeof **unk);
		snprintf((*unk)[(*nunk)++], 64, "%s", t);
	}
	free(s);
	return n;
}

/* Is a record of this type (name for unknown types) to be stored? */
static int wanted(const struct arb_rec *r)
{
	if (r->type != ARB_R_UNKNOWN) {
		if (g.types_set == 1)
			return g.want[r->type];
		if (g.types_set == 2)
			return !g.want[r->type];
		return 1;
	}
	if (g.types_set == 0)
		return 1;
	char name[64];
	int i = arb_json_get(&r->j, 0, "type");
	int in = 0;
	if (i >= 0 && arb_json_str(&r->j, i, name, sizeof name) >= 0) {
		for (int k = 0; k < g.nwant_unknown; k++)
			if (strcmp(g.want_unknown[k], name) == 0)
				in = 1;
	}
	return g.types_set == 1 ? in : !in;
}

/* Lines read and not passed on yet (not durable, or not known to be). */
static uint64_t uncommitted(void)
{
	uint64_t n = g.fill->nlines;

	for (uint64_t k = g.finished + 1; k <= W.handed; k++)
		n += g.slot[k % NSLOT].nlines;
	return n;
}

static void stop_threads(int how);

static void fatal_db(const char *why)
{
	arb_err("%s", why);
	arb_err("stopping: the last %llu records read were not acknowledged (nothing after the"
	    " last durable commit was passed on)", (unsigned long long)uncommitted());
	stop_threads(2);  /* before the database goes away under them */
	arb_store_close(g.st);  /* rolls back what is open */
	exit(ARB_EXIT_FAIL);
}

/* CPU seconds of the calling thread, and how much of it in the kernel
 * (0 where that is not known). */
static double thread_cpu(double *sys)
{
	*sys = 0;
#ifdef RUSAGE_THREAD
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		return *sys + (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	}
#endif
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Called with mu held when a batch was committed or became durable:
 * wakes main up if it waits in idle(). */
static void wake_main(void)
{
	pthread_cond_broadcast(&W.mcv);
	if (W.mwait) {
		W.mwait = 0;
		ssize_t k = write(W.wake[1], "", 1);
		(void)k;  /* full: main is woken up already */
	}
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&W.mu);
	for (;;) {
		while (W.committed == W.handed && !W.quit && !W.rc)
			pthread_cond_wait(&W.cv, &W.mu);
		if (W.committed == W.handed || W.rc || W.quit > 1)
			break;
		struct slot *sl = &g.slot[(W.committed + 1) % NSLOT];
		pthread_mutex_unlock(&W.mu);
		int rc = arb_store_commit(g.st, &sl->b, W.why, sizeof W.why);
		pthread_mutex_lock(&W.mu);
		if (rc < 0) {
			W.rc = rc;
		} else {
			__atomic_store_n(&W.committed, W.committed + 1, __ATOMIC_RELEASE);
			if (!W.syncer)
				W.durable = W.committed;
			pthread_cond_signal(&W.scv);
		}
		wake_main();
	}
	pthread_mutex_unlock(&W.mu);
	W.cpu = thread_cpu(&W.sys);
	return NULL;
}

/*
 * The syncer (deferred durability): whenever batches were committed since
 * its last sync, one sync makes all of them durable.  The worker commits
 * the next batch meanwhile.
 */
static void *syncer(void *arg)
{
	double sys;

	(void)arg;
	pthread_mutex_lock(&W.mu);
	for (;;) {
		while (W.durable == W.committed && !W.quit && !W.src)
			pthread_cond_wait(&W.scv, &W.mu);
		if (W.durable == W.committed || W.src || W.quit > 1)
			break;
		uint64_t upto = W.committed;
		pthread_mutex_unlock(&W.mu);
		int rc = arb_store_sync(g.st, W.swhy, sizeof W.swhy);
		pthread_mutex_lock(&W.mu);
		if (rc < 0)
			W.src = rc;
		else if (upto > W.durable)
			W.durable = upto;
		wake_main();
	}
	pthread_mutex_unlock(&W.mu);
	W.scpu = thread_cpu(&sys);
	return NULL;
}

/* A batch is durable: pass its lines on (--tee) and empty it. */
static void finish(struct slot *sl)
{
	g.ins += sl->b.ins;
	g.dups += sl->b.dups;
	if (g.reject)
		fflush(g.reject);
	if (g.tee_on && sl->tee.len) {
		arb_writer_put(&g.out, sl->tee.p, sl->tee.len);
		if (arb_writer_flush(&g.out) < 0)
			arb_die(ARB_EXIT_FAIL, "stdout: %s", strerror(g.out.err));
		arb_buf_reset(&sl->tee);
	}
	arb_store_batch_reset(&sl->b);
	sl->nlines = 0;
	g.commits++;
	if (sl->max_ts > g.committed_ts)
		g.committed_ts = sl->max_ts;
}

/*
 * Passes on every batch that is durable; with wait, first waits until
 * batch upto is.  A failure of the worker or the syncer ends the program.
 */
static void reap(uint64_t upto, int wait)
{
	pthread_mutex_lock(&W.mu);
	while (wait && W.durable < upto && !W.rc && !W.src)
		pthread_cond_wait(&W.mcv, &W.mu);
	int rc = W.rc, src = W.src;
	uint64_t durable = W.durable;
	pthread_mutex_unlock(&W.mu);
	if (rc < 0)
		fatal_db(W.why);
	if (src < 0)
		fatal_db(W.swhy);
	while (g.finished < durable)
		finish(&g.slot[++g.finished % NSLOT]);
}

/* Waits until the worker has committed everything handed to it. */
static void wait_worker(void)
{
	pthread_mutex_lock(&W.mu);
	while (W.committed < W.handed && !W.rc)
		pthread_cond_wait(&W.mcv, &W.mu);
	int rc = W.rc;
	pthread_mutex_unlock(&W.mu);
	if (rc < 0)
		fatal_db(W.why);
}

/* Is the worker committing a batch?  (No lock: a stale answer only
 * delays a hand-over until the next look.) */
static int worker_busy(void)
{
	return __atomic_load_n(&W.committed, __ATOMIC_ACQUIRE) != W.handed;
}

/* Poll now and then: under load a batch's lines go downstream as soon as
 * it is durable. */
static void poll_worker(void)
{
	if (g.finished < W.handed)
		reap(0, 0);
}

/* The open batch is closed: the next one goes into the next slot, once
 * the batch that used it is done with. */
static void next_slot(void)
{
	uint64_t n = W.handed + 1;

	if (n > NSLOT)
		reap(n - NSLOT, 1);
	g.fill = &g.slot[n % NSLOT];
}

/* Hands the open batch to the worker, which is idle. */
static void hand(void)
{
	struct slot *sl = g.fill;

	poll_worker();
	sl->max_ts = g.max_ts;
	g.batch_open = 0;
	g.last_close = arb_mono_us();
	pthread_mutex_lock(&W.mu);
	W.handed++;
	pthread_cond_signal(&W.cv);
	pthread_mutex_unlock(&W.mu);
	next_slot();
}

/*
 * Closes the open batch.  now = 0: hands it to the worker and goes on
 * reading; when the worker is still busy with the one before, the batch
 * stays open and grows until the worker is free or it is full (group
 * commit: a backlog makes fewer, bigger transactions rather than a queue
 * of small ones, which cost the same per transaction whatever their
 * size).  now = 1: everything read is committed, durable and passed on
 * when this returns; the commit and the sync run here, with no thread
 * hand-over, which is the shortest path for an idle stream.
 */
static void commit(int now)
{
	if (!now) {
		if (!g.batch_open)
			return;
		if (worker_busy()) {
			if (g.fill->nlines < g.batch)
				return;  /* the main loop polls now and then */
			wait_worker();
		}
		hand();
		return;
	}
	wait_worker();
	if (g.batch_open) {
		struct slot *sl = g.fill;
		char why[512];
		sl->max_ts = g.max_ts;
		g.batch_open = 0;
		g.last_close = arb_mono_us();
		if (arb_store_commit(g.st, &sl->b, why, sizeof why) < 0)
			fatal_db(why);
		pthread_mutex_lock(&W.mu);
		W.handed++;
		__atomic_store_n(&W.committed, W.committed + 1, __ATOMIC_RELEASE);
		if (!W.syncer)
			W.durable = W.committed;
		pthread_mutex_unlock(&W.mu);
	}
	if (W.syncer && g.finished < W.handed) {
		char why[512];
		if (arb_store_sync(g.st, why, sizeof why) < 0)
			fatal_db(why);
		pthread_mutex_lock(&W.mu);
		W.durable = W.committed;
		pthread_mutex_unlock(&W.mu);
	}
	reap(W.handed, 1);
	next_slot();
}

/* Starts a thread with every signal blocked, so that signals reach the
 * main thread (where the reader polls). */
static void start_thread(pthread_t *th, void *(*fn)(void *))
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(th, NULL, fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		arb_die(ARB_EXIT_FAIL, "starting a thread: %s", strerror(e));
}

/* how = 1: once they are done; 2: now (a fatal error). */
static void stop_threads(int how)
{
	if (!W.started)
		return;
	W.started = 0;
	pthread_mutex_lock(&W.mu);
	W.quit = how;
	pthread_cond_signal(&W.cv);
	pthread_cond_signal(&W.scv);
	pthread_mutex_unlock(&W.mu);
	pthread_join(W.th, NULL);
	if (W.syncer)
		pthread_join(W.sth, NULL);
}

static void write_metrics(int64_t now)
{
	struct arb_metrics *m = &g.metrics;
	uint64_t ins = g.ins, dups = g.dups;
	char l[64];

	if (!arb_metrics_due(m, now))
		return;
	arb_metrics_begin(m);
	arb_metrics_family(m, "arb_store_records_total", "counter", "Records read, by what became of them.");
	arb_metrics_i64(m, "arb_store_records_total", arb_metrics_labels(l, sizeof l, "result", "stored", (char *)NULL), (int64_t)ins);
	arb_metrics_i64(m, "arb_store_records_total", arb_metrics_labels(l, sizeof l, "result", "duplicate", (char *)NULL), (int64_t)dups);
	arb_metrics_i64(m, "arb_store_records_total", arb_metrics_labels(l, sizeof l, "result", "not_selected", (char *)NULL), (int64_t)g.skipped_type);
	arb_metrics_family(m, "arb_store_bad_lines_total", "counter", "Bad input lines skipped.");
	arb_metrics_i64(m, "arb_store_bad_lines_total", NULL, (int64_t)g.bl.n);
	arb_metrics_family(m, "arb_store_commits_total", "counter", "Transactions committed.");
	arb_metrics_i64(m, "arb_store_commits_total", NULL, (int64_t)g.commits);
	arb_metrics_family(m, "arb_store_pending_records", "gauge", "Lines read and not committed yet.");
	arb_metrics_i64(m, "arb_store_pending_records", NULL, (int64_t)uncommitted());
	arb_metrics_family(m, "arb_store_lag_seconds", "gauge",
	    "How long the oldest line not committed yet has waited (0 when none).");
	arb_metrics_dec(m, "arb_store_lag_seconds", NULL,
	    arb_dec_make(g.batch_open ? now - g.batch_mono : 0, 6));
	arb_metrics_family(m, "arb_store_last_committed_ts_seconds", "gauge",
	    "Record time (ts) of the newest committed record.");
	arb_metrics_dec(m, "arb_store_last_committed_ts_seconds", NULL, arb_dec_make(g.committed_ts, 6));
	if (arb_metrics_commit(m, now) < 0)
		arb_warn("%s: %s", m->path, strerror(errno));
}

/* Housekeeping that must go on under load and while idle. */
static void reopen_reject(void);

static void tick(void)
{
	int64_t now = arb_mono_us();

	if (g.wd_period)
		arb_notify_watchdog(now);
	write_metrics(now);
	reopen_reject();
}

/* A line is part of the open batch (stored or passed on). */
static void in_batch(const char *line, size_t len)
{
	if (!g.batch_open) {
		g.batch_open = 1;
		g.batch_mono = arb_mono_us();
		g.batch_ts = g.max_ts;
	}
	g.fill->nlines++;
	if (g.tee_on) {
		arb_store_buf_grow(&g.fill->tee, &g.fill->tee_big, len + 1);
		arb_buf_add(&g.fill->tee, line, len);
		arb_buf_addc(&g.fill->tee, '\n');
	}
}

static int due(void)
{
	if (!g.batch_open)
		return 0;
	if (g.fill->nlines >= g.batch)
		return 1;
	if (g.max_ts - g.batch_ts >= g.interval)
		return 1;
	return arb_mono_us() - g.batch_mono >= g.interval;
}

/*
 * Called by the reader before a read that would block: the input has
 * nothing more for now, so commit at once (group commit: under load the
 * input never runs dry and batches stay big; when it pauses, what was read
 * is durable and passed on without waiting for --commit-interval).  Then
 * wait for input, waking up now and then for the watchdog and metrics.
 * > 0 asks the reader to stop.
 */
static int idle(void *arg)
{
	(void)arg;
	for (;;) {
		if (arb_sig_stop)
			return 1;
		poll_worker();
		if (g.batch_open && !worker_busy()) {
			/* Nothing in flight and nothing closed for a while: the
			 * stream is idle, commit here (the shortest path).  Else
			 * the input only caught up with a loaded stream: hand the
			 * batch over and read on meanwhile, as under load. */
			if (g.finished == W.handed && arb_mono_us() - g.last_close >= IDLE_US)
				commit(1);
			else
				hand();
		}
		tick();
		/* Wait for input, or for the worker or the syncer when a batch
		 * is open or in flight (to hand it over, or pass it on). */
		int pending = g.batch_open || g.finished < W.handed;
		pthread_mutex_lock(&W.mu);
		if (pending && (W.durable > g.finished || (g.batch_open && W.committed == W.handed))) {
			pthread_mutex_unlock(&W.mu);
			continue;  /* it moved on since we looked */
		}
		W.mwait = pending;
		pthread_mutex_unlock(&W.mu);
		/* the input, the signal self-pipe (a stop request after the
		 * look at the top ends the wait: sig.h), the worker's wake-ups */
		struct pollfd p[3] = { { .fd = g.rd.fd, .events = POLLIN }, { .fd = arb_sig_fd(), .events = POLLIN },
		    { .fd = W.wake[0], .events = POLLIN } };
		/* wake up at least once per watchdog period (half of WATCHDOG_USEC) */
		int timeout = g.wd_period > 0 && g.wd_period < 1000000 ? (int)(g.wd_period / 1000) : 1000;
		int k = poll(p, pending ? 3 : 2, timeout > 0 ? timeout : 1);
		int perr = errno;  /* draining the wake pipe below sets errno (EAGAIN) */
		if (pending) {
			char buf[64];
			pthread_mutex_lock(&W.mu);
			W.mwait = 0;
			pthread_mutex_unlock(&W.mu);
			while (read(W.wake[0], buf, sizeof buf) > 0)
				;
		}
		if (k > 0 && p[1].revents)
			arb_sig_drain();
		if (k > 0 && p[0].revents)
			return 0;
		if (k < 0 && perr != EINTR) {
			errno = perr;
			return -1;
		}
	}
}

/* SIGHUP: reopen the --reject file (after logrotate moved it away). */
static void reopen_reject(void)
{
	FILE *f;

	if (!arb_sig_hup)
		return;
	arb_sig_hup = 0;
	if (!g.reject_path)
		return;
	if (!(f = fopen(g.reject_path, "a"))) {
		/* keep writing to the old one rather than lose bad lines */
		arb_warn("SIGHUP: %s: %s; still writing to the old file", g.reject_path, strerror(errno));
		return;
	}
	if (g.reject)
		fclose(g.reject);
	g.reject = f;
	arb_info("SIGHUP: reopened %s", g.reject_path);
}

/* A bad line: to the reject file (when there is one and the line) and
 * reported; rec: arb_rec_parse's reason (arb_badrecord), else the
 * reader's. */
static void bad(const char *line, size_t len, const char *why, int rec)
{
	reopen_reject();
	if (g.reject && line) {
		fwrite(line, 1, len, g.reject);
		putc('\n', g.reject);
	}
	if (g.bl.strict) {
		/* Keep what came before: commit, then fail. */
		commit(1);
		if (g.reject)
			fflush(g.reject);
	}
	if (rec)
		arb_badrecord(&g.bl, g.rd.name, g.rd.lineno, why);
	else
		arb_badline(&g.bl, g.rd.name, g.rd.lineno, why);
}

static int run_maint(const char *url, int mode, const char *arg, struct arb_store_opts *o)
{
	char why[512];
	int status;
	struct arb_store *s;

	if (mode == 'b' && arb_store_is_pg(url)) {
		arb_err("--backup is for SQLite; back up PostgreSQL with pg_dump (see arb-store(1), BACKUP)");
		return ARB_EXIT_USAGE;
	}
	if (mode == 'Q') {
		int k = 0;
		while (arb_store_views[k] && strcmp(arb_store_views[k], arg) != 0)
			k++;
		if (!arb_store_views[k]) {
			arb_err("--query: no view %s (pnl_by_day, opportunities_by_pair)", arg);
			return ARB_EXIT_USAGE;
		}
	}
	if (mode != 'm')
		o->flags |= ARB_STORE_READONLY;
	if (arb_store_open(&s, url, o, why, sizeof why, &status) < 0) {
		arb_err("%s", why);
		return status;
	}
	int rc = 0;
	switch (mode) {
	case 'm':
		arb_info("%s: schema version %d", url, arb_store_version(s));
		break;
	case 'b':
		rc = arb_store_backup(s, arg, why, sizeof why);
		break;
	case 'c':
		rc = arb_store_verify(s, stdout, why, sizeof why);
		break;
	case 'd':
		rc = arb_store_dump(s, stdout, why, sizeof why);
		break;
	case 'Q':
		rc = arb_store_query(s, arg, stdout, why, sizeof why);
		break;
	}
	arb_store_close(s);
	if (rc < 0) {
		arb_err("%s", why);
		return ARB_EXIT_FAIL;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		arb_err("stdout: %s", strerror(errno));
		return ARB_EXIT_FAIL;
	}
	return 0;
}

enum { OPT_STRICT = 256, OPT_RETRY, OPT_SYNC, OPT_MIGRATE, OPT_BACKUP, OPT_VERIFY, OPT_DUMP,
	OPT_METRICS, OPT_QUERY };
static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "batch", required_argument, NULL, 'b' },
	{ "commit-interval", required_argument, NULL, 'i' },
	{ "tee", no_argument, NULL, 'T' },
	{ "types", required_argument, NULL, 't' },
	{ "exclude-types", required_argument, NULL, 'x' },
	{ "reject", required_argument, NULL, 'r' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "retry", required_argument, NULL, OPT_RETRY },
	{ "synchronous", required_argument, NULL, OPT_SYNC },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "migrate", optional_argument, NULL, OPT_MIGRATE },
	{ "backup", required_argument, NULL, OPT_BACKUP },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ "query", required_argument, NULL, OPT_QUERY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
/* The options a configuration file (or ARB_* environment) may set. */
static const char *const conf_keys[] = {
	"db", "batch", "commit-interval", "tee", "types", "exclude-types", "reject",
	"strict", "retry", "synchronous", "metrics", NULL
};

/* Applies one option; origin names where it came from for errors (none
 * is said for the command line: "--batch: ...", "FILE:LINE: --batch: ..."). */
static void apply(int ch, const char *arg, const char *origin)
{
	const char *sep = ": ";

	if (strcmp(origin, "command line") == 0)
		origin = sep = "";
	char *end;

	switch (ch) {
	case 'c':
		break;  /* read before everything else */
	case 'd':
		free(g.url);
		g.url = xstrdup(arg);
		break;
	case 'b':
		errno = 0;
		g.batch = strtoull(arg, &end, 10);
		if (errno || *end || g.batch == 0 || arg[0] == '-') {
			arb_err("%s%s--batch: not a positive integer: %s", origin, sep, arg);
			usage(ARB_EXIT_USAGE);
		}
		break;
	case 'i':
		if (arb_duration_parse(arg, &g.interval) < 0 || g.interval <= 0) {
			arb_err("%s%s--commit-interval: bad duration: %s", origin, sep, arg);
			usage(ARB_EXIT_USAGE);
		}
		break;
	case 'T':
		g.tee_on = 1;
		break;
	case 't':
	case 'x':
		if (g.types_set && g.types_set != (ch == 't' ? 1 : 2)) {
			arb_err("%s%s--types and --exclude-types exclude each other", origin, sep);
			usage(ARB_EXIT_USAGE);
		}
		g.types_set = ch == 't' ? 1 : 2;
		/* an empty --types would store nothing at all: a variable
		 * left empty, not a wish */
		if (parse_types(arg, g.want, &g.want_unknown, &g.nwant_unknown) == 0) {
			arb_err("%s%s--%s: empty list", origin, sep, ch == 't' ? "types" : "exclude-types");
			usage(ARB_EXIT_USAGE);
		}
		break;
	case 'r':
		g.reject_path = arg;
		break;
	case OPT_STRICT:
		g.bl.strict = 1;
		break;
	case OPT_RETRY:
		if (arb_duration_parse(arg, &g.o.retry_us) < 0 || g.o.retry_us < 0) {
			arb_err("%s%s--retry: bad duration: %s", origin, sep, arg);
			usage(ARB_EXIT_USAGE);
		}
		break;
	case OPT_SYNC:
		if (strcmp(arg, "full") == 0)
			g.o.sync_full = 1;
		else if (strcmp(arg, "normal") == 0)
			g.o.sync_full = 0;
		else {
			arb_err("%s%s--synchronous: full or normal, not %s", origin, sep, arg);
			usage(ARB_EXIT_USAGE);
		}
		break;
	case OPT_METRICS:
		g.metrics_path = (char *)arg;
		break;
	case OPT_MIGRATE:
		g.maint = 'm';
		g.o.flags |= ARB_STORE_MIGRATE;
		if (arg) {
			/* range-checked as a long: 4294967297 cut to an int
			 * was version 1 */
			long ver;
			errno = 0;
			ver = strtol(arg, &end, 10);
			if (errno || end == arg || *end || ver < 1 || ver > 1000) {
				arb_err("--migrate: bad version: %s", arg);
				usage(ARB_EXIT_USAGE);
			}
			g.o.migrate_to = (int)ver;
		}
		break;
	case OPT_BACKUP:
		g.maint = 'b';
		g.maint_arg = arg;
		break;
	case OPT_VERIFY:
		g.maint = 'c';
		free(g.url);
		g.url = xstrdup(arg);
		break;
	case OPT_DUMP:
		g.maint = 'd';
		break;
	case OPT_QUERY:
		g.maint = 'Q';
		g.maint_arg = arg;
		break;
	case 'v':
		arb_louder();
		break;
	case 'q':
		arb_quieter();
		break;
	case 'V':
		printf("arb-store %s\n", PACKAGE_VERSION);
		exit(0);
	case 'h':
		usage(0);
		break;
	default:
		usage(ARB_EXIT_USAGE);
	}
}

int main(int argc, char **argv)
{
	struct arb_conf conf;
	int ch, status;
	char why[512];

	arb_setprog(argv[0]);
	argv[0] = (char *)arb_prog;   /* getopt's messages too say "prog:", not the path */
	arb_heap_huge((size_t)64 << 20);   /* see util.h */
	g.batch = DEFAULT_BATCH;
	g.interval = 200000;
	g.o.retry_us = 60 * 1000000LL;
	g.o.sync_full = 1;
	arb_conf_init(&conf);
	/* the configuration file and the ARB_* environment, under the command line */
	arb_conf_apply(&conf, argc, argv, "arb-store", conf_keys, longopts, apply, NULL);
	while ((ch = getopt_long(argc, argv, "c:d:b:i:Tt:x:r:vqVh", longopts, NULL)) != -1)
		apply(ch, optarg, "command line");
	argc -= optind;
	argv += optind;
	if (argc > 0) {
		arb_err("unexpected argument: %s", argv[0]);
		usage(ARB_EXIT_USAGE);
	}
	if (!g.url)
		g.url = arb_store_default_url();
	/* A file size limit must give an error we can report, not a kill. */
	signal(SIGXFSZ, SIG_IGN);
	arb_sig_setup();

	if (g.maint) {
		status = run_maint(g.url, g.maint, g.maint_arg, &g.o);
		free(g.url);
		free(g.want_unknown);
		arb_conf_free(&conf);
		return status;
	}

	if (g.reject_path) {
		g.reject = fopen(g.reject_path, "a");
		if (!g.reject)
			arb_die_errno(ARB_EXIT_FAIL, "%s", g.reject_path);
	}
	arb_metrics_init(&g.metrics, g.metrics_path);
	g.o.defer_sync = 1;
	if (arb_store_open(&g.st, g.url, &g.o, why, sizeof why, &status) < 0) {
		arb_err("%s", why);
		return status;
	}
	g.wd_period = arb_watchdog_period_us();
	arb_notify("READY=1");
	arb_writer_init(&g.out, STDOUT_FILENO);
	arb_reader_init(&g.rd, STDIN_FILENO, "stdin");
	g.rd.idle = idle;
	g.rd.idle_readable = 1;  /* it returns 0 once the input is readable */
	/*
	 * A pause in the input commits at once, in this thread (the shortest path
	 * for an idle stream); meanwhile nothing is read.  With a pipe of the
	 * default 64 KiB (about 190 book records) upstream then blocks as soon as
	 * the pipe is full, so a stream with frequent short pauses went no faster
	 * than 64 KiB per commit (90 k records/s with an fsync per commit).  A
	 * bigger pipe (1 MiB, the unprivileged maximum by default) lets upstream
	 * go on writing during a commit.  Best effort: not a pipe, or not allowed,
	 * changes nothing.
	 */
	arb_pipe_grow(STDIN_FILENO);
	g.fill = &g.slot[1];
	if (pipe2(W.wake, O_NONBLOCK | O_CLOEXEC) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "pipe");
	start_thread(&W.th, worker);
	W.started = 1;
	if (arb_store_deferred(g.st)) {
		W.syncer = 1;
		start_thread(&W.sth, syncer);
	}

	struct arb_rec r;
	char rwhy[256];
	char *line;
	size_t len;
	int st;
	uint64_t nread = 0;
	arb_rec_init(&r);
	while ((st = arb_reader_next(&g.rd, &line, &len)) != ARB_RD_EOF) {
		if (st == ARB_RD_ERR)
			arb_die_errno(ARB_EXIT_FAIL, "stdin");
		if ((++nread & 255) == 0) {
			poll_worker();
			if ((nread & 4095) == 0)
				tick();
		}
		if (st == ARB_RD_BAD) {
			/* Too long, NUL or bad UTF-8: the reader has no copy. */
			bad(NULL, 0, g.rd.why, 0);
			continue;
		}
		if (arb_rec_parse(&r, line, len, rwhy, sizeof rwhy) < 0) {
			bad(line, len, rwhy, 1);
			continue;
		}
		if (r.has_ts && r.ts > g.max_ts)
			g.max_ts = r.ts;
		if (!wanted(&r)) {
			g.skipped_type++;
			in_batch(line, len);
		} else {
			in_batch(line, len);
			if (arb_store_stage(g.st, &g.fill->b, &r, why, sizeof why) < 0)
				fatal_db(why);
			g.stored++;
		}
		if (due())
			commit(0);
		/* after SIGTERM the reader hands out the lines it holds (and
		 * the rest of one begun), then ARB_RD_EOF: every line taken
		 * from the input is stored */
	}
	if (arb_sig_stop)
		arb_notify("STOPPING=1");
	commit(1);
	double sys, cpu = thread_cpu(&sys);
	stop_threads(1);
	/* Which thread limits the rate (bench/store-bench.sh prints these). */
	arb_debug("cpu seconds: reading and staging %.3f, committing %.3f (system: %.3f, %.3f)",
	    cpu, W.cpu, sys, W.sys);
	if (W.syncer)
		arb_debug("cpu seconds: syncing %.3f", W.scpu);
	arb_debug("%llu batches", (unsigned long long)g.commits);
	arb_rec_free(&r);

	uint64_t ins = g.ins, dups = g.dups;
	arb_info("%llu records: %llu stored, %llu already there, %llu not selected",
	    (unsigned long long)(g.stored + g.skipped_type), (unsigned long long)ins,
	    (unsigned long long)dups, (unsigned long long)g.skipped_type);
	if (g.metrics.path) {
		g.metrics.last = 0;
		g.metrics.interval_us = 0;
		write_metrics(arb_mono_us());
	}
	arb_store_close(g.st);
	arb_badlines_report(&g.bl);
	int rc = 0;
	if (arb_writer_flush(&g.out) < 0) {
		arb_err("stdout: %s", strerror(g.out.err));
		rc = ARB_EXIT_FAIL;
	}
	if (g.reject && fclose(g.reject) == EOF) {
		arb_err("%s: %s", g.reject_path, strerror(errno));
		rc = ARB_EXIT_FAIL;
	}
	arb_metrics_free(&g.metrics);
	arb_writer_free(&g.out);
	arb_reader_free(&g.rd);
	close(W.wake[0]);
	close(W.wake[1]);
	for (int k = 0; k < NSLOT; k++) {
		arb_store_buf_free(&g.slot[k].tee, &g.slot[k].tee_big);
		arb_store_batch_free(&g.slot[k].b);
	}
	free(g.want_unknown);
	free(g.url);
	arb_conf_free(&conf);
	return rc;
}
