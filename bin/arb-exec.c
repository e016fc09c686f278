#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "exec.h"
#include "io.h"
#include "live.h"
#include "log.h"
#include "paper.h"
#include "rec.h"
#include "svc.h"
#include "sig.h"
#include "state.h"
#include "util.h"

/*
 * arb-exec: opportunities in, orders out.  Paper trading by default; the
 * engine (lib/exec.c) is the same for the live transport of issue 6.
 */

enum {
	O_LIVE = 256, O_PAPER, O_ORDER_TYPE, O_ON_LEG_FAILURE, O_UNWIND_SLIPPAGE, O_LEG_TIMEOUT,
	O_LATENCY, O_TAKER_FEE, O_BALANCES, O_STATE, O_NO_FSYNC, O_RESET_KILL, O_KILL_FILE,
	O_CANCEL_ON_KILL, O_ON_STOP, O_MAX_NOTIONAL, O_MAX_NOTIONAL_ORDER, O_MAX_NOTIONAL_OPP,
	O_MAX_OPEN_ORDERS, O_MAX_POSITION, O_MAX_DAILY_LOSS, O_MAX_ORDERS_PER_MINUTE,
	O_MAX_BOOK_AGE, O_STRICT, O_STATS, O_METRICS,
	O_VENUES, O_TESTNET, O_ENDPOINT, O_CACERT, O_RECV_WINDOW, O_REQUEST_TIMEOUT, O_QUERY_LAG,
	O_NO_VENUE_BALANCES, O_VENUE_BALANCES_EVERY, O_NO_VENUE_FEES, O_JOURNAL_MAX, O_SHOW_STATE
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "config", required_argument, NULL, 'c' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "paper", no_argument, NULL, O_PAPER },
	{ "live", no_argument, NULL, O_LIVE },
	{ "order-type", required_argument, NULL, O_ORDER_TYPE },
	{ "on-leg-failure", required_argument, NULL, O_ON_LEG_FAILURE },
	{ "unwind-slippage", required_argument, NULL, O_UNWIND_SLIPPAGE },
	{ "leg-timeout", required_argument, NULL, O_LEG_TIMEOUT },
	{ "latency", required_argument, NULL, O_LATENCY },
	{ "taker-fee", required_argument, NULL, O_TAKER_FEE },
	{ "balances", required_argument, NULL, O_BALANCES },
	{ "state", required_argument, NULL, O_STATE },
	{ "no-fsync", no_argument, NULL, O_NO_FSYNC },
	{ "journal-max", required_argument, NULL, O_JOURNAL_MAX },
	{ "show-state", no_argument, NULL, O_SHOW_STATE },
	{ "reset-kill", no_argument, NULL, O_RESET_KILL },
	{ "kill-file", required_argument, NULL, O_KILL_FILE },
	{ "cancel-on-kill", no_argument, NULL, O_CANCEL_ON_KILL },
	{ "on-stop", required_argument, NULL, O_ON_STOP },
	{ "max-notional", required_argument, NULL, O_MAX_NOTIONAL },
	{ "max-notional-order", required_argument, NULL, O_MAX_NOTIONAL_ORDER },
	{ "max-notional-opp", required_argument, NULL, O_MAX_NOTIONAL_OPP },
	{ "max-open-orders", required_argument, NULL, O_MAX_OPEN_ORDERS },
	{ "max-position", required_argument, NULL, O_MAX_POSITION },
	{ "max-daily-loss", required_argument, NULL, O_MAX_DAILY_LOSS },
	{ "max-orders-per-minute", required_argument, NULL, O_MAX_ORDERS_PER_MINUTE },
	{ "max-book-age", required_argument, NULL, O_MAX_BOOK_AGE },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "stats", no_argument, NULL, O_STATS },
	{ "metrics", required_argument, NULL, O_METRICS },
	{ "venues", required_argument, NULL, O_VENUES },
	{ "testnet", no_argument, NULL, O_TESTNET },
	{ "endpoint", required_argument, NULL, O_ENDPOINT },
	{ "cacert", required_argument, NULL, O_CACERT },
	{ "recv-window", required_argument, NULL, O_RECV_WINDOW },
	{ "request-timeout", required_argument, NULL, O_REQUEST_TIMEOUT },
	{ "query-lag", required_argument, NULL, O_QUERY_LAG },
	{ "no-venue-balances", no_argument, NULL, O_NO_VENUE_BALANCES },
	{ "venue-balances-every", required_argument, NULL, O_VENUE_BALANCES_EVERY },
	{ "no-venue-fees", no_argument, NULL, O_NO_VENUE_FEES },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
"usage: %s [-hqVv] [-c file] [--paper] [--order-type ioc|fok] [--on-leg-failure cancel|unwind|hold]\n"
"       [--unwind-slippage BPS] [--leg-timeout DUR] [--latency [VENUE=]DUR]\n"
"       [--taker-fee VENUE[:SYM]=RATE] [--balances FILE] [--state FILE] [--no-fsync]\n"
"       [--journal-max SIZE] [--kill-file PATH] [--cancel-on-kill] [--on-stop cancel|finish]\n"
"       [--max-notional AMT] [--max-notional-order AMT] [--max-notional-opp AMT]\n"
"       [--max-open-orders N] [--max-position ASSET=QTY] [--max-daily-loss AMT]\n"
"       [--max-orders-per-minute N] [--max-book-age DUR] [--strict] [--stats]\n"
"       [--metrics FILE]\n"
"       %s --live [--venues LIST] [--testnet] [--endpoint VENUE=URL] [--cacert FILE]\n"
"       [--recv-window MS] [--request-timeout DUR] [--query-lag DUR] [--no-venue-balances]\n"
"       [--venue-balances-every DUR] [--no-venue-fees] ...\n"
"       %s --reset-kill --state FILE\n"
"       %s --show-state --state FILE\n"
"Reads the record stream on stdin, passes it through and adds order, fill,\n"
"result, balance and risk records (paper trading by default).  See arb-exec(1).\n",
	    arb_prog, arb_prog, arb_prog, arb_prog);
	exit(status);
}

/* Where the value being applied came from, when not the command line. */
static const char *cfg_origin;

static noreturn void __attribute__((format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (cfg_origin)
		arb_die(ARB_EXIT_USAGE, "%s: %s", cfg_origin, msg);
	arb_die(ARB_EXIT_USAGE, "%s", msg);
}

static arb_dec
decarg(const char *opt, const char *s, int positive)
{
	arb_dec d;
	const char *why;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0)
		bad("--%s %s: %s", opt, s, why);
	if (positive ? arb_dec_sign(d) <= 0 : arb_dec_sign(d) < 0)
		bad("--%s %s: must be %s", opt, s, positive ? "positive" : "zero or more");
	return d;
}

static int
intarg(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 1000000000)
		bad("--%s %s: expected a count", opt, s);
	return (int)v;
}

static int64_t
durarg(const char *opt, const char *s)
{
	int64_t us;

	if (arb_duration_parse(s, &us) < 0 || us < 0)
		bad("--%s %s: expected a duration such as 250ms or 5s", opt, s);
	return us;
}

static void
feearg(struct arb_exec_conf *c, const char *s)
{
	const char *eq = strchr(s, '='), *colon;
	size_t exl;

	if (!eq || c->nfee >= 32) {
		bad("--taker-fee %s: expected VENUE[:SYM]=RATE", s);
		return;
	}
	colon = memchr(s, ':', (size_t)(eq - s));
	exl = (size_t)((colon ? colon : eq) - s);
	if (!exl || exl >= ARB_EX_MAX || (colon && (size_t)(eq - colon - 1) >= ARB_SYM_MAX))
		bad("--taker-fee %s: expected VENUE[:SYM]=RATE", s);
	snprintf(c->fee[c->nfee].ex, ARB_EX_MAX, "%.*s", (int)exl, s);
	if (colon)
		snprintf(c->fee[c->nfee].sym, ARB_SYM_MAX, "%.*s", (int)(eq - colon - 1), colon + 1);
	c->fee[c->nfee].rate = decarg("taker-fee", eq + 1, 0);
	/* a fraction, as arb-detect's fee file takes it: 10 is not 10 bps */
	if (arb_dec_cmp(c->fee[c->nfee].rate, arb_dec_make(1, 0)) >= 0)
		bad("--taker-fee %s: a fee is a fraction below 1 (0.001 is 10 bps)", s);
	c->nfee++;
}

static int
cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
stats(struct arb_exec *e, uint64_t lines, int64_t t0)
{
	struct rusage ru;
	double secs = (double)(arb_mono_us() - t0) / 1e6;
	double p50 = 0, p99 = 0;

	if (e->nlat) {
		qsort(e->lat, e->nlat, sizeof *e->lat, cmpu64);
		p50 = (double)e->lat[e->nlat / 2] / 1e3;
		p99 = (double)e->lat[(e->nlat * 99) / 100 < e->nlat ? (e->nlat * 99) / 100 : e->nlat - 1] / 1e3;
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr,
	    "%s: stats: lines %llu in %.3f s (%.0f/s); opportunities %llu (%.0f/s); orders %llu; "
	    "fills %llu; results %llu; decision-to-send wall p50 %.1f us p99 %.1f us "
	    "(record time 0 us: orders leave at decision time); maxrss %ld KiB\n",
	    arb_prog, (unsigned long long)lines, secs, secs > 0 ? (double)lines / secs : 0,
	    (unsigned long long)e->n_opp, secs > 0 ? (double)e->n_opp / secs : 0,
	    (unsigned long long)e->n_orders, (unsigned long long)e->n_fills,
	    (unsigned long long)e->n_results, p50, p99, ru.ru_maxrss);
	if (e->c.state_path)
		fprintf(stderr, "%s: stats: state file: %llu journal entries (%llu bytes, %.0f a save), "
		    "%llu snapshots (the last %zu bytes)\n", arb_prog, (unsigned long long)e->n_appends,
		    (unsigned long long)e->append_bytes,
		    e->n_appends ? (double)e->append_bytes / (double)e->n_appends : 0,
		    (unsigned long long)e->n_snapshots, e->sf.snap);
}

static void
drain(struct arb_exec *e, struct arb_writer *w)
{
	if (e->out.len) {
		arb_writer_put(w, e->out.p, e->out.len);
		arb_buf_reset(&e->out);
	}
}

struct idle {
	struct arb_exec *e;
	struct arb_xport *x;        /* live: the transport (else NULL) */
	struct arb_writer *w;
	struct arb_badlines *bl;
	uint64_t *lines;
};

/* Before a state save: the records produced so far go out first, so
 * that none the saved state counts as done can be lost in a crash. */
static void
flush_out(void *arg)
{
	struct idle *ic = arg;

	drain(ic->e, ic->w);
	(void)arb_writer_flush(ic->w);   /* a failure shows at the next write */
}

/* SIGUSR1 (and the kill file) are acted on while the input is quiet, too:
 * the service glue calls this at every wake-up while it waits for input. */
static void
idle_slice(void *arg)
{
	struct idle *ic = arg;

	arb_exec_check_kill_file(ic->e);
	if (arb_sig_usr1) {
		arb_sig_usr1 = 0;
		arb_exec_kill(ic->e, "kill_signal", "SIGUSR1 received");
	}
	drain(ic->e, ic->w);
	if (ic->w->len > 0 && arb_writer_flush(ic->w) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "stdout");
}

/* --live: the service glue waits for input through the transport, which
 * moves the HTTP requests on meanwhile. */
static int
live_wait(void *arg, int fd, int timeout_ms)
{
	struct idle *ic = arg;

	return arb_live_wait(ic->x->ctx, fd, timeout_ms);
}

/* --live: answers arrive outside arb_exec_record; write their records now. */
static void
live_output(void *arg)
{
	struct idle *ic = arg;

	drain(ic->e, ic->w);
	if (ic->w->len > 0 && arb_writer_flush(ic->w) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "stdout");
	/* a stop that waits for in-flight orders (--on-stop finish) may end
	 * now: wake the reader, which then stops like after a second signal */
	if (ic->e->stopping && !arb_exec_busy(ic->e))
		arb_sig_stop = 1;
}

/* --metrics: what alerts.yml and a dashboard need. */
static void
metrics(struct arb_metrics *m, void *arg)
{
	struct idle *ic = arg;
	struct arb_exec *e = ic->e;
	char lab[128];

	arb_metrics_family(m, "arb_records_in_total", "counter", "Records read.");
	arb_metrics_i64(m, "arb_records_in_total", "prog=\"arb-exec\"", (int64_t)*ic->lines);
	arb_metrics_family(m, "arb_records_out_total", "counter", "Records written.");
	arb_metrics_i64(m, "arb_records_out_total", "prog=\"arb-exec\"", (int64_t)ic->w->records);
	arb_metrics_family(m, "arb_bad_lines_total", "counter", "Bad input lines skipped.");
	arb_metrics_i64(m, "arb_bad_lines_total", "prog=\"arb-exec\"", (int64_t)ic->bl->n);
	arb_metrics_family(m, "arb_exec_opportunities_total", "counter", "Opportunities decided.");
	arb_metrics_i64(m, "arb_exec_opportunities_total", NULL, (int64_t)e->n_opp);
	arb_metrics_family(m, "arb_exec_orders_total", "counter", "Orders created.");
	arb_metrics_i64(m, "arb_exec_orders_total", NULL, (int64_t)e->n_orders);
	arb_metrics_family(m, "arb_exec_fills_total", "counter", "Fills.");
	arb_metrics_i64(m, "arb_exec_fills_total", NULL, (int64_t)e->n_fills);
	arb_metrics_family(m, "arb_exec_results_total", "counter", "Opportunities ended.");
	arb_metrics_i64(m, "arb_exec_results_total", NULL, (int64_t)e->n_results);
	arb_metrics_family(m, "arb_exec_order_transitions_total", "counter", "Order records written, by state.");
	for (int st = 0; st < ARB_OS_N; st++)
		arb_metrics_i64(m, "arb_exec_order_transitions_total",
		    arb_metrics_labels(lab, sizeof lab, "state", arb_ostate_name((enum arb_ostate)st), (char *)NULL),
		    (int64_t)e->n_state[st]);
	arb_metrics_family(m, "arb_exec_open_orders", "gauge", "Orders not in a final state.");
	arb_metrics_i64(m, "arb_exec_open_orders", NULL, e->n_open);
	arb_metrics_family(m, "arb_exec_unknown_orders", "gauge", "Orders in state unknown.");
	arb_metrics_i64(m, "arb_exec_unknown_orders", NULL, arb_exec_unknown(e));
	arb_metrics_family(m, "arb_exec_kill_switch", "gauge", "1 when the kill switch is on.");
	arb_metrics_i64(m, "arb_exec_kill_switch", NULL, e->risk.killed ? 1 : 0);
	arb_metrics_family(m, "arb_exec_daily_pnl", "gauge", "Realised P&L of the record-time day.");
	for (size_t i = 0; i < e->risk.ndaily; i++)
		arb_metrics_dec(m, "arb_exec_daily_pnl",
		    arb_metrics_labels(lab, sizeof lab, "ccy", e->risk.daily[i].ccy, (char *)NULL),
		    e->risk.daily[i].pnl);
	if (e->risk.c.has_daily_loss) {
		arb_metrics_family(m, "arb_exec_max_daily_loss", "gauge", "The --max-daily-loss limit.");
		for (size_t i = 0; i < e->risk.ndaily; i++)
			arb_metrics_dec(m, "arb_exec_max_daily_loss",
			    arb_metrics_labels(lab, sizeof lab, "ccy", e->risk.daily[i].ccy, (char *)NULL),
			    e->risk.c.max_daily_loss);
	}
}

static int
reset_kill(struct arb_exec_conf *c)
{
	struct arb_exec e;
	struct arb_xport x = { .name = "none", .mode = "paper" };
	char why[512];
	int was;

	if (!c->state_path)
		arb_die(ARB_EXIT_USAGE, "--reset-kill needs --state FILE");
	if (access(c->state_path, F_OK) < 0)
		arb_die(ARB_EXIT_USAGE, "%s: %s", c->state_path, strerror(errno));
	if (arb_exec_init(&e, c, &x, why, sizeof why) < 0)
		arb_die(ARB_EXIT_FAIL, "%s", why);
	was = e.risk.killed;
	if (was) {
		char d[256];
		snprintf(d, sizeof d, "kill switch cleared by --reset-kill (was %s: %s)",
		    e.risk.kill_rule, e.risk.kill_detail);
		arb_risk_reset_kill(&e.risk);
		e.dirty_state = 1;
		if (arb_exec_compact(&e) < 0)
			arb_die(ARB_EXIT_FAIL, "could not write %s", c->state_path);
		arb_emit_begin(&e.out, "risk");
		arb_emit_i64(&e.out, "ts", e.now);
		arb_emit_str(&e.out, "rule", "reset_kill");
		arb_emit_str(&e.out, "action", "resume");
		arb_emit_str(&e.out, "detail", d);
		arb_emit_end(&e.out);
		if (arb_writeall(1, e.out.p, e.out.len) < 0)
			arb_die_errno(ARB_EXIT_FAIL, "stdout");
		arb_info("%s", d);
	} else
		arb_log(ARB_LOG_NOTICE, "%s: kill switch was not on", c->state_path);
	arb_exec_free(&e);
	return ARB_EXIT_OK;
}

/* Everything the options set. */
static struct {
	struct arb_exec_conf c;
	struct arb_paper_conf pc;
	const char *balances;
	const char *metrics;
	int live, resetk, showstate, strict;
	struct arb_live_conf lc;
	char venues[128];        /* --venues, comma separated; "": every built venue */
} o;

/* One option, from the command line or (origin) the configuration. */
static void
apply(int opt, const char *arg, const char *origin)
{
	if (strcmp(origin, "command line") != 0)
		cfg_origin = origin;
	switch (opt) {
	case 'h':
		usage(ARB_EXIT_OK);
		break;
	case 'c':
		break;      /* read by arb_conf_apply before the other options */
	case 'V':
		printf("%s %s\n", arb_prog, PACKAGE_VERSION);
		exit(ARB_EXIT_OK);
	case 'v':
		arb_louder();
		break;
	case 'q':
		arb_quieter();
		break;
	case O_PAPER:
		o.live = 0;
		break;
	case O_LIVE:
		o.live = 1;
		break;
	case O_ORDER_TYPE:
		if (!strcmp(arg, "ioc"))
			o.c.otype = ARB_OT_IOC;
		else if (!strcmp(arg, "fok"))
			o.c.otype = ARB_OT_FOK;
		else
			bad("--order-type %s: expected ioc or fok", arg);
		break;
	case O_ON_LEG_FAILURE:
		if (!strcmp(arg, "cancel"))
			o.c.on_leg_failure = ARB_LF_CANCEL;
		else if (!strcmp(arg, "unwind"))
			o.c.on_leg_failure = ARB_LF_UNWIND;
		else if (!strcmp(arg, "hold"))
			o.c.on_leg_failure = ARB_LF_HOLD;
		else
			bad("--on-leg-failure %s: expected cancel, unwind or hold", arg);
		break;
	case O_UNWIND_SLIPPAGE:
		o.c.unwind_slippage_bps = decarg("unwind-slippage", arg, 0);
		break;
	case O_LEG_TIMEOUT:
		o.c.leg_timeout = durarg("leg-timeout", arg);
		if (o.c.leg_timeout <= 0)
			bad("--leg-timeout must be positive");
		break;
	case O_LATENCY:
		if (arb_paper_conf_latency(&o.pc, arg) < 0)
			bad("--latency %s: expected DURATION or VENUE=DURATION", arg);
		break;
	case O_TAKER_FEE:
		feearg(&o.c, arg);
		break;
	case O_BALANCES:
		o.balances = arg;
		break;
	case O_STATE:
		o.c.state_path = arg;
		break;
	case O_NO_FSYNC:
		o.c.state_sync = 0;
		break;
	case O_JOURNAL_MAX: {
		char *end;
		long long v, mul = 1;
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (end != arg && (*end == 'k' || *end == 'K'))
			mul = 1024, end++;
		else if (end != arg && *end == 'M')
			mul = 1024 * 1024, end++;
		/* the bound before the suffix: v * mul could overflow */
		if (errno || end == arg || *end || v < 0 || v > (1LL << 40) / mul)
			bad("--journal-max %s: expected a size in bytes (suffix k or M)", arg);
		o.c.journal_max = v * mul;
		break;
	}
	case O_RESET_KILL:
		o.resetk = 1;
		break;
	case O_SHOW_STATE:
		o.showstate = 1;
		break;
	case O_KILL_FILE:
		o.c.kill_file = arg;
		break;
	case O_CANCEL_ON_KILL:
		o.c.cancel_on_kill = 1;
		break;
	case O_ON_STOP:
		if (!strcmp(arg, "cancel"))
			o.c.on_stop = ARB_STOP_CANCEL;
		else if (!strcmp(arg, "finish"))
			o.c.on_stop = ARB_STOP_FINISH;
		else
			bad("--on-stop %s: expected cancel or finish", arg);
		break;
	case O_MAX_NOTIONAL:
		o.c.risk.max_notional_order = o.c.risk.max_notional_opp =
		    decarg("max-notional", arg, 1);
		o.c.risk.has_notional_order = o.c.risk.has_notional_opp = 1;
		break;
	case O_MAX_NOTIONAL_ORDER:
		o.c.risk.max_notional_order = decarg("max-notional-order", arg, 1);
		o.c.risk.has_notional_order = 1;
		break;
	case O_MAX_NOTIONAL_OPP:
		o.c.risk.max_notional_opp = decarg("max-notional-opp", arg, 1);
		o.c.risk.has_notional_opp = 1;
		break;
	case O_MAX_OPEN_ORDERS:
		o.c.risk.max_open_orders = intarg("max-open-orders", arg);
		break;
	case O_MAX_POSITION:
		if (arb_risk_conf_pos(&o.c.risk, arg) < 0)
			bad("--max-position %s: expected ASSET=QTY", arg);
		break;
	case O_MAX_DAILY_LOSS:
		o.c.risk.max_daily_loss = decarg("max-daily-loss", arg, 1);
		o.c.risk.has_daily_loss = 1;
		break;
	case O_MAX_ORDERS_PER_MINUTE:
		o.c.risk.max_orders_per_minute = intarg("max-orders-per-minute", arg);
		break;
	case O_MAX_BOOK_AGE:
		o.c.risk.max_book_age = durarg("max-book-age", arg);
		break;
	case O_STRICT:
		o.c.strict = o.strict = 1;
		break;
	case O_STATS:
		o.c.stats = 1;
		break;
	case O_METRICS:
		o.metrics = arg;
		break;
	case O_VENUES:
		if (strlen(arg) >= sizeof o.venues)
			bad("--venues %s: too long", arg);
		snprintf(o.venues, sizeof o.venues, "%s", arg);
		break;
	case O_TESTNET:
		o.lc.testnet = 1;
		break;
	case O_ENDPOINT: {
		char why[256];
		if (arb_live_conf_endpoint(&o.lc, arg, why, sizeof why) < 0)
			bad("--endpoint %s: %s", arg, why);
		break;
	}
	case O_CACERT:
		o.lc.cacert = arg;
		break;
	case O_RECV_WINDOW:
		o.lc.recv_window_ms = intarg("recv-window", arg);
		if (o.lc.recv_window_ms < 1 || o.lc.recv_window_ms > 60000)
			bad("--recv-window %s: expected 1 to 60000 (milliseconds)", arg);
		break;
	case O_REQUEST_TIMEOUT:
		o.lc.timeout_us = durarg("request-timeout", arg);
		if (o.lc.timeout_us < 1000)
			bad("--request-timeout %s: at least 1ms", arg);
		break;
	case O_QUERY_LAG:
		o.lc.lag_us = durarg("query-lag", arg);
		break;
	case O_NO_VENUE_BALANCES:
		o.lc.balances = 0;
		break;
	case O_VENUE_BALANCES_EVERY:
		o.lc.balances_every_us = durarg("venue-balances-every", arg);
		if (o.lc.balances_every_us != 0 && o.lc.balances_every_us < 1000000)
			bad("--venue-balances-every %s: 0 (at start only) or at least 1s", arg);
		break;
	case O_NO_VENUE_FEES:
		o.lc.fees = 0;
		break;
	default:
		usage(ARB_EXIT_USAGE);
	}
	cfg_origin = NULL;
}

/* Keys of the configuration file (section [arb-exec]) and of ARB_*. */
static const char *const conf_keys[] = {
	"order-type", "on-leg-failure", "unwind-slippage", "leg-timeout", "latency", "taker-fee",
	"balances", "state", "no-fsync", "journal-max", "kill-file", "cancel-on-kill", "on-stop", "max-notional",
	"max-notional-order", "max-notional-opp", "max-open-orders", "max-position",
	"max-daily-loss", "max-orders-per-minute", "max-book-age", "strict", "metrics", "venues",
	"testnet", "endpoint", "cacert", "recv-window", "request-timeout", "query-lag",
	"no-venue-balances", "venue-balances-every", "no-venue-fees", NULL
};

/* Options that may be repeated: in the configuration file and the
 * environment, a list separated by spaces or commas. */
static int
is_list(int opt)
{
	return opt == O_LATENCY || opt == O_TAKER_FEE || opt == O_MAX_POSITION;
}

int
main(int argc, char **argv)
{
	struct arb_conf conf;
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_reader rd;
	struct arb_writer w;
	struct arb_rec r;
	struct arb_badlines bl = { 0, 0, NULL };
	struct idle ic;
	struct arb_svc svc;
	char why[512], *line;
	size_t len;
	int ch, rc, st;
	uint64_t lines = 0;
	int64_t t0;

	arb_setprog(argv[0]);
	argv[0] = (char *)arb_prog;   /* getopt's messages too say "prog:", not the path */
	arb_heap_huge((size_t)64 << 20);   /* books and state: see util.h */
	arb_exec_conf_defaults(&o.c);
	arb_paper_conf_defaults(&o.pc);
	arb_live_conf_defaults(&o.lc);
	arb_conf_init(&conf);
	/* the configuration file and the ARB_* environment, under the command line */
	arb_conf_apply(&conf, argc, argv, "arb-exec", conf_keys, longopts, apply, is_list);
	while ((ch = getopt_long(argc, argv, "c:hqVv", longopts, NULL)) != -1)
		apply(ch, optarg, "command line");
	argc -= optind;
	argv += optind;
	if (argc > 0)
		usage(ARB_EXIT_USAGE);
	bl.strict = o.c.strict = o.strict;
	/* a paper run that the user may take for a testnet one (--venues,
	 * --endpoint and --cacert may be arb-feed's, from the shared part of a
	 * configuration file) */
	if (!o.live && o.lc.testnet && !o.resetk && !o.showstate)
		arb_warn("--testnet is for --live only: ignored, this is paper trading");
	if (o.resetk) {
		rc = reset_kill(&o.c);
		arb_conf_free(&conf);
		return rc;
	}
	if (o.live) {
		/* credentials first: without them, refuse to start (exit 2) */
		const char *v[ARB_LIVE_NVENUE + 1] = { 0 };
		char *p, *save = NULL;
		int n = 0;
		if (!o.venues[0])
			snprintf(o.venues, sizeof o.venues, "binance,kraken,okx,bybit");
		for (p = strtok_r(o.venues, ", ", &save); p && n < ARB_LIVE_NVENUE;
		    p = strtok_r(NULL, ", ", &save))
			v[n++] = p;
		if (!(x = arb_live_new(&o.lc, v, why, sizeof why)))
			arb_die(ARB_EXIT_USAGE, "--live: %s", why);
	} else
		x = arb_paper_new(&o.pc);
	arb_sig_setup();
	if (o.showstate && !o.c.state_path)
		arb_die(ARB_EXIT_USAGE, "--show-state needs --state FILE");
	if (o.showstate && access(o.c.state_path, F_OK) < 0)
		arb_die(ARB_EXIT_USAGE, "%s: %s", o.c.state_path, strerror(errno));
	if (arb_exec_init(&e, &o.c, x, why, sizeof why) < 0)
		arb_die(ARB_EXIT_FAIL, "%s", why);
	if (o.showstate) {
		/* the state as a restart would resume it, as one snapshot */
		struct arb_buf b = { 0 };
		arb_exec_dump(&e, &b);
		if (arb_writeall(STDOUT_FILENO, b.p, b.len) < 0)
			arb_die_errno(ARB_EXIT_FAIL, "stdout");
		arb_buf_free(&b);
		arb_exec_free(&e);
		x->free(x->ctx);
		arb_conf_free(&conf);
		return ARB_EXIT_OK;
	}
	/* a state file that no save could write is found now, not when
	 * the first order is recorded (and refused) */
	if (o.c.state_path && arb_state_probe(o.c.state_path, why, sizeof why) < 0)
		arb_die(ARB_EXIT_FAIL, "%s", why);
	if (o.live)
		arb_live_attach(x, &e);
	else
		arb_paper_attach(x, &e);
	e.bl = &bl;
	if (o.balances) {
		if ((rc = arb_exec_load_balances(&e, o.balances, why, sizeof why)) < 0)
			arb_die(ARB_EXIT_USAGE, "%s", why);
		if (rc == 1)
			arb_log(ARB_LOG_NOTICE, "--balances %s ignored: resuming the balances of %s",
			    o.balances, o.c.state_path);
	}
	if (e.risk.killed)
		arb_warn("kill switch is on (%s: %s): no orders until arb-exec --reset-kill --state %s",
		    e.risk.kill_rule, e.risk.kill_detail, o.c.state_path);

	arb_writer_init(&w, 1);
	arb_pipe_grow(STDOUT_FILENO);   /* a busy pipeline: fewer, larger transfers */
	bl.w = &w;
	arb_reader_init(&rd, 0, "stdin");
	rd.flush_on_block = &w;
	ic.e = &e;
	ic.x = o.live ? x : NULL;
	ic.w = &w;
	ic.bl = &bl;
	ic.lines = &lines;
	e.before_save = flush_out;
	e.before_save_ctx = &ic;
	/* the watchdog, --metrics and the kill file stay alive while idle */
	arb_svc_init(&svc, 0, o.metrics, metrics, &ic);
	svc.slice = idle_slice;
	if (o.live) {
		svc.wait = live_wait;
		arb_live_on_output(x, live_output, &ic);
	}
	rd.idle = arb_svc_idle;
	rd.idle_readable = 1;  /* it returns 0 once the input is readable */
	rd.idle_arg = &svc;
	arb_rec_init(&r);
	t0 = arb_mono_us();
	arb_exec_resume(&e);
	drain(&e, &w);
	/* live: the open orders of the state file are settled with the venues
	 * (queried by client order id) before anything new can be placed */
	if (o.live) {
		(void)arb_live_reconcile(x);
		drain(&e, &w);
	}
	arb_svc_ready(&svc);
	for (;;) {
		if (arb_sig_usr1) {
			arb_sig_usr1 = 0;
			arb_exec_kill(&e, "kill_signal", "SIGUSR1 received");
			drain(&e, &w);
		}
		if (e.stopping && !arb_exec_busy(&e))
			break;
		st = arb_reader_next(&rd, &line, &len);
		if (st == ARB_RD_EOF && arb_sig_stop) {
			/* SIGTERM/SIGINT: the reader stopped before reading more */
			if (e.stopping)
				break;      /* a second one: stop now */
			arb_log(ARB_LOG_NOTICE, "stopping (signal %d): %s in-flight orders",
			    (int)arb_sig_last, o.c.on_stop == ARB_STOP_CANCEL ? "canceling" : "finishing");
			arb_exec_stop(&e, 0);
			drain(&e, &w);
			if (o.c.on_stop == ARB_STOP_FINISH && arb_exec_busy(&e)) {
				arb_sig_stop = 0;   /* read on until they are settled */
				continue;
			}
			break;
		}
		if (st == ARB_RD_EOF)
			break;
		if (st == ARB_RD_ERR) {
			if (errno == EINTR)
				continue;
			arb_die_errno(ARB_EXIT_FAIL, "stdin");
		}
		if (st == ARB_RD_BAD) {
			arb_badline(&bl, rd.name, rd.lineno, rd.why);
			continue;
		}
		lines++;
		if (arb_rec_parse(&r, line, len, why, sizeof why) < 0) {
			/* reported and skipped, like every program (arbitron(7)) */
			arb_badrecord(&bl, rd.name, rd.lineno, why);
			continue;
		}
		arb_writer_line(&w, line, len);
		arb_exec_record(&e, &r, rd.name, rd.lineno);
		drain(&e, &w);
		if ((lines & 0xffff) == 0)
			arb_exec_check_kill_file(&e);
		arb_svc_tick(&svc);
	}
	arb_svc_stopping(&svc);
	if (!e.stopping || arb_exec_busy(&e))
		arb_exec_stop(&e, 1);
	drain(&e, &w);
	/* a clean exit leaves a fresh snapshot: the journal folded in */
	rc = arb_exec_compact(&e) < 0 ? ARB_EXIT_FAIL : ARB_EXIT_OK;
	if (arb_writer_flush(&w) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "stdout");
	if (o.c.stats)
		stats(&e, lines, t0);
	arb_badlines_report(&bl);
	if (arb_exec_unknown(&e) > 0) {
		arb_err("%d order(s) left in state unknown", arb_exec_unknown(&e));
		rc = ARB_EXIT_FAIL;
	}
	if (e.n_inexact > 0) {
		arb_err("%llu fill(s) or result(s) could not be booked exactly: check the balances at the venues",
		    (unsigned long long)e.n_inexact);
		rc = ARB_EXIT_FAIL;
	}
	arb_svc_free(&svc);
	arb_rec_free(&r);
	arb_reader_free(&rd);
	arb_writer_free(&w);
	arb_exec_free(&e);
	x->free(x->ctx);
	arb_conf_free(&conf);
	return rc;
}
