#include "config.h"

/*
 * arb-detect: reads the record stream, passes every record through, and
 * adds `opportunity` (and with --explain `reject`) records for
 * cross-exchange and cyclic arbitrage after fees, sized to what can
 * execute.  See arb-detect(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "dec.h"
#include "detect.h"
#include "detect_size.h"
#include "fees.h"
#include "io.h"
#include "log.h"
#include "rec.h"
#include "sig.h"
#include "svc.h"
#include "util.h"

enum {
	OPT_NO_CROSS = 256, OPT_NO_CYCLES, OPT_UPDATE_QTY, OPT_UPDATE_PROFIT,
	OPT_START_CCY, OPT_STRICT, OPT_METRICS
};

static const struct option longopts[] = {
	{ "alias", required_argument, NULL, 'a' },
	{ "config", required_argument, NULL, 'c' },
	{ "explain", no_argument, NULL, 'e' },
	{ "fees", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "max-legs", required_argument, NULL, 'l' },
	{ "max-age", required_argument, NULL, 'A' },
	{ "max-notional", required_argument, NULL, 'n' },
	{ "min-profit", required_argument, NULL, 'm' },
	{ "min-profit-bps", required_argument, NULL, 'b' },
	{ "no-cross", no_argument, NULL, OPT_NO_CROSS },
	{ "no-cycles", no_argument, NULL, OPT_NO_CYCLES },
	{ "quiet", no_argument, NULL, 'q' },
	{ "start-ccy", required_argument, NULL, OPT_START_CCY },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "ttl", required_argument, NULL, 't' },
	{ "update-profit", required_argument, NULL, OPT_UPDATE_PROFIT },
	{ "update-qty", required_argument, NULL, OPT_UPDATE_QTY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: %s [-eqvV] [-a FROM=TO] [-A [VENUE=]AGE] [-b BPS] [-c FILE] [-f FILE]\n"
	    "       [-l LEGS] [-m [CCY=]AMOUNT] [-n [CCY=]AMOUNT] [-t TTL]\n"
	    "       [--no-cross] [--no-cycles] [--start-ccy CCY,...] [--strict] [--metrics FILE]\n"
	    "       [--update-qty PCT] [--update-profit PCT] [FILE ...]\n"
	    "  -a, --alias FROM=TO          treat currency FROM as TO when matching venues\n"
	    "  -A, --max-age [VENUE=]AGE    ignore books older than AGE (default 10s; 0: off)\n"
	    "  -b, --min-profit-bps BPS     least net profit in basis points of the cost\n"
	    "  -c, --config FILE            configuration file (section [arb-detect])\n"
	    "  -e, --explain                add reject records with a reason code\n"
	    "  -f, --fees FILE              fee file: fees, fee currency, tick, lot per venue/symbol\n"
	    "  -l, --max-legs N             longest cycle, 3 to %d (default 3; 2: no cycles)\n"
	    "  -m, --min-profit [CCY=]AMT   least net profit in the profit currency\n"
	    "  -n, --max-notional [CCY=]AMT most the first leg may spend\n"
	    "  -t, --ttl DURATION           expires = ts + DURATION (default 1s)\n"
	    "      --no-cross, --no-cycles  turn one kind of opportunity off\n"
	    "      --start-ccy LIST         preferred cycle start currencies\n"
	    "                               (default USD,USDT,USDC,EUR,GBP,BTC,ETH)\n"
	    "      --update-qty PCT         re-emit when the size moves more (default 10)\n"
	    "      --update-profit PCT      re-emit when the profit moves more (default 10)\n"
	    "      --strict                 a bad input line is fatal\n"
	    "      --metrics FILE           write Prometheus metrics to FILE every 5 s\n"
	    "  -q, -v                       quieter, louder; -h help; -V version\n",
	    arb_prog, ARB_DLEGS_MAX);
	exit(status);
}

/* Where the option being applied came from, when not the command line. */
static const char *cfg_origin;

static void
bad_opt(const char *opt, const char *arg, const char *why)
{
	if (cfg_origin)
		arb_err("%s: %s %s: %s", cfg_origin, opt + 2, arg, why);
	else
		arb_err("%s %s: %s", opt, arg, why);
	exit(ARB_EXIT_USAGE);
}

static arb_dec
parse_dec(const char *opt, const char *s, int allow_neg)
{
	arb_dec d;
	const char *why = NULL;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0)
		bad_opt(opt, s, why ? why : "not a number");
	if (!allow_neg && arb_dec_sign(d) < 0)
		bad_opt(opt, s, "must not be negative");
	return d;
}

/* [CCY=]AMOUNT */
static void
add_ccyamt(struct arb_ccyamt **a, int *n, const char *opt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct arb_ccyamt *x;

	xrealloc(a, (size_t)(*n + 1) * sizeof(**a));
	x = &(*a)[(*n)++];
	memset(x, 0, sizeof(*x));
	if (eq) {
		if (eq == arg || (size_t)(eq - arg) >= sizeof(x->ccy))
			bad_opt(opt, arg, "bad currency");
		memcpy(x->ccy, arg, (size_t)(eq - arg));
		arg = eq + 1;
	}
	x->v = parse_dec(opt, arg, 0);
}

static int64_t
parse_dur(const char *opt, const char *s)
{
	int64_t us;
	if (arb_duration_parse(s, &us) < 0 || us < 0)
		bad_opt(opt, s, "expected a duration such as 500ms, 2s");
	return us;
}

/* --metrics FILE, or NULL */
static const char *metrics_path;

/* --metrics: what a dashboard and alerts.yml need. */
struct mctx {
	struct arb_detect *d;
	struct arb_writer *w;
	struct arb_badlines *bl;
};

static void
metrics(struct arb_metrics *m, void *arg)
{
	struct mctx *c = arg;
	const struct arb_detect_stats *s = arb_detect_stats(c->d);

	arb_metrics_family(m, "arb_records_out_total", "counter", "Records written.");
	arb_metrics_i64(m, "arb_records_out_total", "prog=\"arb-detect\"", (int64_t)c->w->records);
	arb_metrics_family(m, "arb_bad_lines_total", "counter", "Bad input lines skipped.");
	arb_metrics_i64(m, "arb_bad_lines_total", "prog=\"arb-detect\"", (int64_t)c->bl->n);
	arb_metrics_family(m, "arb_detect_books_total", "counter", "Book records read.");
	arb_metrics_i64(m, "arb_detect_books_total", NULL, (int64_t)s->books);
	arb_metrics_family(m, "arb_detect_opportunities_total", "counter", "Opportunity records by event.");
	arb_metrics_i64(m, "arb_detect_opportunities_total", "event=\"new\"", (int64_t)s->opps_new);
	arb_metrics_i64(m, "arb_detect_opportunities_total", "event=\"update\"", (int64_t)s->opps_update);
	arb_metrics_i64(m, "arb_detect_opportunities_total", "event=\"gone\"", (int64_t)s->opps_gone);
	arb_metrics_family(m, "arb_detect_rejects_total", "counter", "Reject records (--explain).");
	arb_metrics_i64(m, "arb_detect_rejects_total", NULL, (int64_t)s->rejects);
}

/* Book records found bad only after they were fed, when their levels
 * were first needed (read lazily: arb_detect_late): the one just fed or
 * an earlier one, maybe of an earlier file. */
static void __attribute__((noinline))
report_late(struct arb_detect *d, struct arb_badlines *bl, uint64_t *seen)
{
	const char *src;
	uint64_t ln;
	char why[256], msg[300];

	while (arb_detect_late(d, &src, &ln, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "bad book: %s", why);
		arb_badline(bl, src, ln, msg);
	}
	*seen = arb_detect_stats(d)->late;
}

static void
run(struct arb_detect *d, int fd, const char *name, struct arb_writer *w,
    struct arb_badlines *bl, struct arb_rec *rec, struct arb_buf *out)
{
	struct arb_reader rd;
	struct arb_svc svc;
	struct mctx mc = { d, w, bl };
	const struct arb_detect_stats *st = arb_detect_stats(d);
	uint64_t late = st->late;
	char *line, why[256];
	size_t len;
	int rc;

	arb_reader_init(&rd, fd, name);
	/* the engine reads the line number of each book record from rd */
	arb_detect_where(d, name, &rd.lineno);
	rd.flush_on_block = w;
	/* the watchdog and --metrics stay alive while the input is idle */
	arb_svc_init(&svc, fd, metrics_path, metrics, &mc);
	rd.idle = arb_svc_idle;
	rd.idle_readable = 1;  /* it returns 0 once the input is readable */
	rd.idle_arg = &svc;
	arb_svc_ready(&svc);
	/* after SIGTERM the reader hands out the lines it holds (and the
	 * rest of one begun), then ARB_RD_EOF: none read is dropped */
	while ((rc = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
		if (rc == ARB_RD_ERR) {
			if (errno == EINTR)
				continue;
			arb_die_errno(ARB_EXIT_FAIL, "%s: read", name);
		}
		if (rc == ARB_RD_BAD) {
			arb_badline(bl, name, rd.lineno, rd.why ? rd.why : "bad line");
			continue;
		}
		if (arb_rec_parse(rec, line, len, why, sizeof(why)) < 0) {
			arb_badrecord(bl, name, rd.lineno, why);
			continue;
		}
		arb_writer_line(w, line, len);
		arb_buf_reset(out);
		why[0] = '\0';
		if (arb_detect_feed(d, rec, out, why, sizeof(why)) < 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "bad %s: %s", arb_rtype_name(rec->type), why);
			arb_badline(bl, name, rd.lineno, msg);
		}
		if (st->late != late)
			report_late(d, bl, &late);
		if (out->len)
			arb_writer_put(w, out->p, out->len);
		arb_svc_tick(&svc);
	}
	if (arb_sig_stop)
		arb_svc_stopping(&svc);
	else
		arb_svc_metrics_now(&svc);
	arb_svc_free(&svc);
	arb_reader_free(&rd);
}

/* Everything the options set. */
static struct {
	struct arb_detect_opts o;
	char (*start)[ARB_CCY_MAX];
	int nstart, cycles;
	const char *feesfile;
	struct arb_badlines bl;
} op;

/* One option, from the command line or from origin (the configuration
 * file or the environment, named in errors). */
static void
apply(int opt, const char *arg, const char *origin)
{
	struct arb_detect_opts *o = &op.o;

	cfg_origin = origin;
	switch (opt) {
	case 'a': {
		const char *eq = strchr(arg, '=');
		struct arb_alias *al;
		if (eq == NULL || eq == arg || eq[1] == '\0' ||
		    (size_t)(eq - arg) >= ARB_CCY_MAX || strlen(eq + 1) >= ARB_CCY_MAX)
			bad_opt("--alias", arg, "expected FROM=TO");
		xrealloc(&o->aliases, (size_t)(o->naliases + 1) * sizeof(*o->aliases));
		al = &o->aliases[o->naliases++];
		memset(al, 0, sizeof(*al));
		memcpy(al->from, arg, (size_t)(eq - arg));
		strcpy(al->to, eq + 1);
		break;
	}
	case 'A': {
		const char *eq = strchr(arg, '=');
		if (eq) {
			struct arb_venue_age *va;
			if (eq == arg || (size_t)(eq - arg) >= ARB_EX_MAX)
				bad_opt("--max-age", arg, "bad venue");
			xrealloc(&o->ages, (size_t)(o->nages + 1) * sizeof(*o->ages));
			va = &o->ages[o->nages++];
			memset(va, 0, sizeof(*va));
			memcpy(va->ex, arg, (size_t)(eq - arg));
			va->us = parse_dur("--max-age", eq + 1);
		} else
			o->max_age = parse_dur("--max-age", arg);
		break;
	}
	case 'b':
		o->min_profit_bps = parse_dec("--min-profit-bps", arg, 0);
		break;
	case 'c':
		break;      /* read by arb_conf_apply before the other options */
	case 'e':
		o->explain = 1;
		break;
	case 'f':
		op.feesfile = arg;
		break;
	case 'h':
		usage(0);
		break;
	case 'l': {
		char *end;
		long n = strtol(arg, &end, 10);
		if (*end || n < 2 || n > ARB_DLEGS_MAX)
			bad_opt("--max-legs", arg, "expected 2 to 5");
		o->max_legs = (int)n;
		break;
	}
	case 'm':
		add_ccyamt(&o->min_profit, &o->nmin_profit, "--min-profit", arg);
		break;
	case 'n':
		add_ccyamt(&o->max_notional, &o->nmax_notional, "--max-notional", arg);
		break;
	case 'q':
		arb_quieter();
		break;
	case 't':
		o->ttl = parse_dur("--ttl", arg);
		break;
	case 'v':
		arb_louder();
		break;
	case 'V':
		printf("%s %s\n", arb_prog, PACKAGE_VERSION);
		exit(0);
	case OPT_NO_CROSS:
		o->cross = 0;
		break;
	case OPT_NO_CYCLES:
		op.cycles = 0;
		break;
	case OPT_UPDATE_QTY:
		o->update_qty_pct = parse_dec("--update-qty", arg, 0);
		break;
	case OPT_UPDATE_PROFIT:
		o->update_profit_pct = parse_dec("--update-profit", arg, 0);
		break;
	case OPT_START_CCY: {
		char *s = xstrdup(arg), *tok, *save = NULL;
		op.nstart = 0;      /* a later list replaces an earlier one */
		for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (strlen(tok) >= ARB_CCY_MAX)
				bad_opt("--start-ccy", tok, "too long");
			xrealloc(&op.start, (size_t)(op.nstart + 1) * sizeof(*op.start));
			strcpy(op.start[op.nstart++], tok);
		}
		free(s);
		if (op.nstart == 0)
			bad_opt("--start-ccy", arg[0] ? arg : "''", "empty list");
		break;
	}
	case OPT_STRICT:
		op.bl.strict = 1;
		break;
	case OPT_METRICS:
		metrics_path = arg;
		break;
	default:
		usage(ARB_EXIT_USAGE);
	}
	cfg_origin = NULL;
}

/* Keys of the configuration file (section [arb-detect]) and of ARB_*:
 * the long option names.  Repeatable options take a list separated by
 * spaces or commas. */
static const char *const conf_keys[] = {
	"alias", "explain", "fees", "max-legs", "max-age", "max-notional", "min-profit",
	"min-profit-bps", "no-cross", "no-cycles", "start-ccy", "strict", "ttl", "metrics",
	"update-profit", "update-qty", NULL
};

/* Options that may be repeated: in the configuration file and the
 * environment, a list separated by spaces or commas. */
static int
is_list(int opt)
{
	return opt == 'a' || opt == 'A' || opt == 'm' || opt == 'n';
}

int
main(int argc, char *argv[])
{
	struct arb_fees fees;
	struct arb_conf conf;
	struct arb_detect *d;
	struct arb_writer w;
	struct arb_rec rec;
	struct arb_buf out = { 0 };
	static char defstart[][ARB_CCY_MAX] = { "USD", "USDT", "USDC", "EUR", "GBP", "BTC", "ETH" };
	int ch, i;

	arb_setprog(argv[0]);
	argv[0] = (char *)arb_prog;   /* getopt's messages too say "prog:", not the path */
	/* the engine's tables (tens of thousands of candidates, megabytes)
	 * in huge pages: see arb_heap_huge */
	arb_heap_huge((size_t)64 << 20);
	arb_detect_opts_init(&op.o);
	op.cycles = 1;
	arb_fees_init(&fees);
	arb_conf_init(&conf);
	/* the configuration file and the ARB_* environment, under the command line */
	arb_conf_apply(&conf, argc, argv, "arb-detect", conf_keys, longopts, apply, is_list);
	while ((ch = getopt_long(argc, argv, "a:A:b:c:ef:hl:m:n:qt:vV", longopts, NULL)) != -1)
		apply(ch, optarg, NULL);
	argc -= optind;
	argv += optind;

	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	}
	if (!op.cycles)
		op.o.max_legs = 2;
	if (op.start) {
		op.o.start = op.start;
		op.o.nstart = op.nstart;
	} else {
		op.o.start = defstart;
		op.o.nstart = (int)(sizeof(defstart) / sizeof(defstart[0]));
	}
	if (op.feesfile) {
		char err[512];
		if (arb_fees_load(&fees, op.feesfile, err, sizeof(err)) < 0) {
			arb_err("%s", err);
			exit(ARB_EXIT_USAGE);
		}
		op.o.fees = &fees;
	}

	arb_sig_setup();
	d = arb_detect_new(&op.o);
	arb_rec_init(&rec);
	rec.lazy = 1;     /* book levels converted only as far as detect needs them */
	arb_writer_init(&w, STDOUT_FILENO);
	arb_pipe_grow(STDOUT_FILENO);   /* a busy pipeline: fewer, larger transfers */
	op.bl.w = &w;
	if (argc == 0)
		run(d, STDIN_FILENO, "stdin", &w, &op.bl, &rec, &out);
	for (i = 0; i < argc && !arb_sig_stop; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? STDIN_FILENO : open(argv[i], O_RDONLY);
		if (fd < 0)
			arb_die_errno(ARB_EXIT_FAIL, "%s", argv[i]);
		run(d, fd, fd == STDIN_FILENO ? "stdin" : argv[i], &w, &op.bl, &rec, &out);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (arb_writer_flush(&w) < 0)
		arb_die_errno(ARB_EXIT_FAIL, "stdout");
	{
		const struct arb_detect_stats *s = arb_detect_stats(d);
		arb_info("%" PRIu64 " books, %" PRIu64 " evaluations, %" PRIu64 " cross and %"
		    PRIu64 " cycle candidates, opportunities %" PRIu64 " new %" PRIu64
		    " update %" PRIu64 " gone, %" PRIu64 " rejects", s->books, s->evals,
		    s->cands_cross, s->cands_cycle, s->opps_new, s->opps_update, s->opps_gone,
		    s->rejects);
		if (s->no_instrument)
			arb_info("%" PRIu64 " book updates without a known instrument (tick, lot, taker fee)",
			    s->no_instrument);
		if (s->overflow)
			arb_warn("%" PRIu64 " candidates skipped on arithmetic overflow", s->overflow);
	}
	arb_badlines_report(&op.bl);
	arb_detect_free(d);
	arb_rec_free(&rec);
	arb_writer_free(&w);
	arb_buf_free(&out);
	arb_fees_free(&fees);
	arb_conf_free(&conf);
	free(op.o.aliases);
	free(op.o.ages);
	free(op.o.min_profit);
	free(op.o.max_notional);
	free(op.start);
	return ARB_EXIT_OK;
}
