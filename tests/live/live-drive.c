#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "exec.h"
#include "io.h"
#include "live.h"
#include "log.h"
#include "rec.h"
#include "sig.h"
#include "util.h"

/*
 * live-drive: arb-exec's main loop over the live transport, minimal, for
 * the fake-venue tests (tests/06*-live-*.t).  It is the wiring
 * bin/arb-exec.c needs for --live: create the transport, resume and
 * reconcile before the first record, wait on stdin through arb_live_wait
 * so answers are acted on while the input is quiet, write the engine's
 * records as soon as they exist, settle at EOF.
 */

enum { O_STATE = 256, O_ENDPOINT, O_CACERT, O_VENUE, O_LAG, O_TIMEOUT, O_RECV_WINDOW,
	O_BALANCES, O_NO_VENUE_BALANCES, O_LEG_TIMEOUT, O_ON_STOP, O_TESTNET, O_POLL, O_SETTLE,
	O_BALANCES_EVERY, O_TAKER_FEE, O_ACCEPT_WINDOW };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "state", required_argument, NULL, O_STATE },
	{ "endpoint", required_argument, NULL, O_ENDPOINT },
	{ "cacert", required_argument, NULL, O_CACERT },
	{ "venue", required_argument, NULL, O_VENUE },
	{ "lag", required_argument, NULL, O_LAG },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "poll", required_argument, NULL, O_POLL },
	{ "settle", required_argument, NULL, O_SETTLE },
	{ "balances-every", required_argument, NULL, O_BALANCES_EVERY },
	{ "taker-fee", required_argument, NULL, O_TAKER_FEE },
	{ "accept-window", required_argument, NULL, O_ACCEPT_WINDOW },
	{ "recv-window", required_argument, NULL, O_RECV_WINDOW },
	{ "balances", required_argument, NULL, O_BALANCES },
	{ "no-venue-balances", no_argument, NULL, O_NO_VENUE_BALANCES },
	{ "leg-timeout", required_argument, NULL, O_LEG_TIMEOUT },
	{ "on-stop", required_argument, NULL, O_ON_STOP },
	{ "testnet", no_argument, NULL, O_TESTNET },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: %s --venue VENUE [--venue ...] [--endpoint VENUE=URL] [--cacert FILE]\n"
	    "       [--state FILE] [--balances FILE] [--no-venue-balances] [--lag DUR]\n"
	    "       [--timeout DUR] [--poll DUR] [--settle DUR] [--recv-window MS]\n"
	    "       [--balances-every DUR] [--taker-fee VENUE=RATE] [--accept-window DUR]\n"
	    "       [--leg-timeout DUR] [--on-stop cancel|finish] [--testnet] [-v]\n", arb_prog);
	exit(status);
}

static int64_t
dur(const char *opt, const char *s)
{
	int64_t us;

	if (arb_duration_parse(s, &us) < 0 || us < 0)
		arb_die(ARB_EXIT_USAGE, "--%s %s: expected a duration", opt, s);
	return us;
}

struct ctx {
	struct arb_exec *e;
	struct arb_writer *w;
	struct arb_xport *x;
};

static void
drain(void *arg)
{
	struct ctx *c = arg;

	if (c->e->out.len) {
		arb_writer_put(c->w, c->e->out.p, c->e->out.len);
		arb_buf_reset(&c->e->out);
	}
	if (c->w->len && arb_writer_flush(c->w) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "stdout");
}

/* The reader's idle hook: wait for input while the transport works. */
static int
idle(void *arg)
{
	struct ctx *c = arg;
	int r;

	for (;;) {
		drain(c);
		if (arb_sig_stop)
			return 1;
		if (arb_sig_usr1) {
			arb_sig_usr1 = 0;
			arb_exec_kill(c->e, "kill_signal", "SIGUSR1 received");
		}
		arb_exec_check_kill_file(c->e);
		r = arb_live_wait(c->x->ctx, 0, 1000);
		drain(c);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
}

int
main(int argc, char **argv)
{
	struct arb_exec_conf c;
	struct arb_live_conf lc;
	struct arb_exec e;
	struct arb_xport *x;
	struct arb_reader rd;
	struct arb_writer w;
	struct arb_rec r;
	struct arb_badlines bl = { 0, 0, NULL };
	struct ctx cx;
	const char *venues[8] = { 0 }, *balances = NULL;
	int nven = 0, ch, st, rc;
	char why[512], *line;
	size_t len;

	arb_setprog(argv[0]);
	arb_exec_conf_defaults(&c);
	arb_live_conf_defaults(&lc);
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
			break;
		case 'v':
			arb_louder();
			break;
		case O_STATE:
			c.state_path = optarg;
			break;
		case O_ENDPOINT:
			if (arb_live_conf_endpoint(&lc, optarg, why, sizeof why) < 0)
				arb_die(ARB_EXIT_USAGE, "--endpoint %s", why);
			break;
		case O_CACERT:
			lc.cacert = optarg;
			break;
		case O_VENUE:
			if (nven < 7)
				venues[nven++] = optarg;
			break;
		case O_LAG:
			lc.lag_us = dur("lag", optarg);
			break;
		case O_TIMEOUT:
			lc.timeout_us = dur("timeout", optarg);
			break;
		case O_POLL:
			lc.poll_us = dur("poll", optarg);
			break;
		case O_ACCEPT_WINDOW:
			lc.accept_us = dur("accept-window", optarg);
			break;
		case O_BALANCES_EVERY:
			lc.balances_every_us = dur("balances-every", optarg);
			break;
		case O_SETTLE:
			lc.settle_us = dur("settle", optarg);
			break;
		case O_RECV_WINDOW:
			lc.recv_window_ms = atoi(optarg);
			break;
		case O_BALANCES:
			balances = optarg;
			break;
		case O_NO_VENUE_BALANCES:
			lc.balances = 0;
			break;
		case O_LEG_TIMEOUT:
			c.leg_timeout = dur("leg-timeout", optarg);
			break;
		case O_ON_STOP:
			c.on_stop = strcmp(optarg, "finish") ? ARB_STOP_CANCEL : ARB_STOP_FINISH;
			break;
		case O_TESTNET:
			lc.testnet = 1;
			break;
		case O_TAKER_FEE: {
			/* as arb-exec's, venue-wide only */
			const char *eq = strchr(optarg, '='), *bad;
			if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof c.fee[0].ex ||
			    c.nfee == (int)(sizeof c.fee / sizeof c.fee[0]) ||
			    arb_dec_parse(&c.fee[c.nfee].rate, eq + 1, strlen(eq + 1), &bad) < 0)
				arb_die(ARB_EXIT_USAGE, "--taker-fee %s: expected VENUE=RATE", optarg);
			snprintf(c.fee[c.nfee].ex, sizeof c.fee[c.nfee].ex, "%.*s", (int)(eq - optarg), optarg);
			c.fee[c.nfee++].sym[0] = 0;
			break;
		}
		default:
			usage(ARB_EXIT_USAGE);
		}
	}
	if (optind < argc || !nven)
		usage(ARB_EXIT_USAGE);
	c.state_sync = 0;

	/* credentials first: refuse to start without them (exit 2) */
	if (!(x = arb_live_new(&lc, venues, why, sizeof why)))
		arb_die(ARB_EXIT_USAGE, "--live: %s", why);
	arb_sig_setup();
	if (arb_exec_init(&e, &c, x, why, sizeof why) < 0)
		arb_die(ARB_EXIT_FAIL, "%s", why);
	arb_live_attach(x, &e);
	e.bl = &bl;
	if (balances && arb_exec_load_balances(&e, balances, why, sizeof why) < 0)
		arb_die(ARB_EXIT_USAGE, "%s", why);

	arb_writer_init(&w, 1);
	cx.e = &e;
	cx.w = &w;
	cx.x = x;
	arb_live_on_output(x, drain, &cx);
	/* open orders of the state file are settled with the venues before
	 * the first record can place anything new */
	arb_exec_resume(&e);
	drain(&cx);
	(void)arb_live_reconcile(x);
	drain(&cx);

	arb_reader_init(&rd, 0, "stdin");
	rd.flush_on_block = &w;
	rd.idle = idle;
	rd.idle_arg = &cx;
	arb_rec_init(&r);
	for (;;) {
		st = arb_reader_next(&rd, &line, &len);
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
		arb_writer_line(&w, line, len);
		if (arb_rec_parse(&r, line, len, why, sizeof why) < 0) {
			arb_badline(&bl, rd.name, rd.lineno, why);
			continue;
		}
		arb_exec_record(&e, &r, rd.name, rd.lineno);
		drain(&cx);
	}
	arb_exec_stop(&e, 1);
	drain(&cx);
	e.dirty_state = 1;
	rc = arb_exec_save(&e) < 0 ? ARB_EXIT_FAIL : ARB_EXIT_OK;
	drain(&cx);
	arb_badlines_report(&bl);
	{
		struct arb_live_stats s;
		arb_live_stats(x, &s);
		arb_log(ARB_LOG_NOTICE, "live: %llu requests (%llu orders, %llu cancels, %llu queries), "
		    "%llu unknown, %llu resolved, %llu rejected, %llu rate limited, %llu retried",
		    (unsigned long long)s.requests, (unsigned long long)s.places,
		    (unsigned long long)s.cancels, (unsigned long long)s.queries,
		    (unsigned long long)s.unknown, (unsigned long long)s.resolved,
		    (unsigned long long)s.rejected, (unsigned long long)s.rate_limited,
		    (unsigned long long)s.retries);
	}
	if (arb_exec_unknown(&e) > 0) {
		arb_err("%d order(s) left in state unknown", arb_exec_unknown(&e));
		rc = ARB_EXIT_FAIL;
	}
	arb_rec_free(&r);
	arb_reader_free(&rd);
	arb_writer_free(&w);
	arb_exec_free(&e);
	x->free(x->ctx);
	return rc;
}
