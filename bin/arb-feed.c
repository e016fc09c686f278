/*
 * arb-feed: order books, trades and instruments from six exchanges, kept
 * in sync, as arb-ndjson(5) records on stdout; or the same from recordings
 * (--replay).  Options and wiring only: the work is in lib/feed.c,
 * lib/replay.c, lib/venue/ and (live) lib/ws.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "feed.h"
#include "io.h"
#include "log.h"
#include "rec.h"
#include "replay.h"
#include "sig.h"
#include "util.h"
#include "ws.h"

static void usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: arb-feed [-tvqhV] [-c file] [-d depth] [--record file] [--stale-after dur]\n"
	    "                [--endpoint venue=url] [--cacert file] [--metrics file]\n"
	    "                venue:SYM[,SYM...] ...\n"
	    "       arb-feed --replay [-tvq] [-d depth] [--speed x] [--strict] [--stats]\n"
	    "                file ... [venue:SYM,...]\n"
	    "venues: binance kraken coinbase okx bybit bitstamp\n");
	exit(status);
}

enum { O_REPLAY = 256, O_SPEED, O_RECORD, O_STALE, O_ENDPOINT, O_CACERT, O_STRICT, O_STATS, O_METRICS,
	O_VENUES };

/*
 * -c FILE: the [arb-feed] section of the configuration (arbitron(7)) and
 * the ARB_* environment, under the command line (arb_conf_argv): depth,
 * trades, record, stale-after, cacert, metrics, endpoint and venues (the
 * last two space-separated lists).  Venues from there are used only when
 * the command line names none.
 */
static char **cfg_venues;   /* --venues given by the configuration */
static int ncfg_venues;

static const char *const conf_keys[] = { "depth", "trades?", "record", "stale-after",
    "cacert", "metrics", "endpoint*", "venues*", NULL };

static const struct option longopts[] = {
	{ "depth", required_argument, NULL, 'd' },
	{ "trades", no_argument, NULL, 't' },
	{ "replay", no_argument, NULL, O_REPLAY },
	{ "speed", required_argument, NULL, O_SPEED },
	{ "record", required_argument, NULL, O_RECORD },
	{ "stale-after", required_argument, NULL, O_STALE },
	{ "endpoint", required_argument, NULL, O_ENDPOINT },
	{ "cacert", required_argument, NULL, O_CACERT },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "stats", no_argument, NULL, O_STATS },
	{ "metrics", required_argument, NULL, O_METRICS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "config", required_argument, NULL, 'c' },
	{ "venues", required_argument, NULL, O_VENUES },
	{ NULL, 0, NULL, 0 }
};

/* "kraken:BTC/USD,ETH/USD": 1 when arg names a venue, 0 when not. */
/* "binance, kraken, ..." for messages. */
static const char *venue_names(void)
{
	static char list[200];

	if (!list[0])
		for (int i = 0; arb_venue_all[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
			    arb_venue_all[i]->name);
	return list;
}

/* arg (not a file) reads as venue:SYMBOLS of a venue we do not know (the
 * part before the colon is a name, not a path). */
static int unknown_venue_arg(const char *arg)
{
	size_t n = strcspn(arg, ":");

	if (!arg[n] || n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)arg[i]))
			return 0;
	return !arb_venue_by_name(arg, n);
}

static int venue_arg(struct arb_feed *f, const char *arg, int strict)
{
	const char *c = strchr(arg, ':');
	const struct arb_venue_ops *ops;
	struct arb_venue *v;
	char *list, *s, *save = NULL;

	if (!c || !(ops = arb_venue_by_name(arg, (size_t)(c - arg)))) {
		if (strict) {
			arb_err("%s: expected venue:SYMBOL[,SYMBOL...], the venue one of %s", arg, venue_names());
			usage(ARB_EXIT_USAGE);
		}
		return 0;
	}
	v = arb_feed_venue(f, ops);
	list = xstrdup(c + 1);
	for (s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		char sym[ARB_SYM_MAX], vs[ARB_VSYM_MAX];
		size_t i;
		/* accept BTC/USD, btc/usd and the venue's own BTC-USD */
		for (i = 0; s[i] && i + 1 < sizeof sym; i++)
			sym[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		sym[i] = 0;
		if (!strchr(sym, '/')) {
			char *d = strchr(sym, '-');
			if (d && !strchr(d + 1, '-'))
				*d = '/';
		}
		if (!strchr(sym, '/') || ops->vsym(v, sym, vs, sizeof vs) < 0) {
			arb_err("%s: bad symbol \"%s\" (want BASE/QUOTE)", arg, s);
			exit(ARB_EXIT_USAGE);
		}
		arb_venue_want(v, sym);
	}
	free(list);
	return 1;
}

static void stats(struct arb_feed *f)
{
	for (uint32_t i = 0; i < f->nv; i++) {
		struct arb_venue *v = f->v[i];
		for (uint32_t k = 0; k < v->nlist; k++) {
			struct arb_fbook *fb = v->list[k];
			fprintf(stderr, "%s: stats %s %s books=%llu snapshots=%llu checksums_ok=%llu checksums_bad=%llu "
			    "gaps=%llu crossed=%llu ok=%d stale=%llu\n", arb_prog, v->ops->name, fb->sym,
			    (unsigned long long)fb->nbook, (unsigned long long)fb->nsnap,
			    (unsigned long long)fb->nchk_ok, (unsigned long long)fb->nchk_bad,
			    (unsigned long long)fb->ngap, (unsigned long long)fb->ncrossed, fb->ok,
			    (unsigned long long)fb->nstale);
		}
	}
	fprintf(stderr, "%s: stats frames=%llu errors=%llu fast_path=%llu\n", arb_prog,
	    (unsigned long long)f->nframes, (unsigned long long)f->nerrors, (unsigned long long)f->nscan);
}

int main(int argc, char **argv)
{
	struct arb_writer out;
	struct arb_feed f;
	struct arb_badlines bl = { 0, 0, NULL };
	struct arb_ws_opt wo;
	int c, replay = 0, rc = ARB_EXIT_OK, want_stats = 0;
	long depth = 10;
	double speed = 0;
	char *end;

	arb_setprog(argv[0]);
	argv[0] = (char *)arb_prog;   /* getopt's messages too say "prog:", not the path */
	arb_heap_huge((size_t)64 << 20);   /* books and state: see util.h */
	memset(&wo, 0, sizeof wo);
	wo.stale_after = -1;
	argv = arb_conf_argv(&argc, argv, "arb-feed", conf_keys, 'c');
	while ((c = getopt_long(argc, argv, "c:d:tvqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			break;      /* read by arb_conf_argv */
		case O_VENUES:
			/* from the configuration: used when argv names none */
			xrealloc(&cfg_venues, (size_t)(ncfg_venues + 1) * sizeof *cfg_venues);
			cfg_venues[ncfg_venues++] = optarg;
			break;
		case 'd':
			errno = 0;
			depth = strtol(optarg, &end, 10);
			if (errno || *end || depth < 1 || depth > 1000) {
				arb_err("%s--depth: expected 1 to 1000, got \"%s\"", arb_conf_argv_where(optarg), optarg);
				usage(ARB_EXIT_USAGE);
			}
			break;
		case 't':
			wo.trades = 1;
			break;
		case O_REPLAY:
			replay = 1;
			break;
		case O_SPEED:
			speed = strtod(optarg, &end);
			if (*end || !(speed > 0)) {
				arb_err("%s--speed: expected a positive number, got \"%s\"", arb_conf_argv_where(optarg), optarg);
				usage(ARB_EXIT_USAGE);
			}
			break;
		case O_RECORD:
			wo.record = optarg;
			break;
		case O_STALE:
			if (arb_duration_parse(optarg, &wo.stale_after) < 0 || wo.stale_after <= 0) {
				arb_err("%s--stale-after: bad duration \"%s\"", arb_conf_argv_where(optarg), optarg);
				usage(ARB_EXIT_USAGE);
			}
			break;
		case O_ENDPOINT:
			if (!strchr(optarg, '=') || wo.nendpoints == 8) {
				arb_err("%s--endpoint: expected venue=url, got \"%s\"", arb_conf_argv_where(optarg), optarg);
				usage(ARB_EXIT_USAGE);
			}
			wo.endpoints[wo.nendpoints++] = optarg;
			break;
		case O_CACERT:
			wo.cacert = optarg;
			break;
		case O_STRICT:
			bl.strict = 1;
			break;
		case O_STATS:
			want_stats = 1;
			break;
		case O_METRICS:
			wo.metrics = optarg;
			break;
		case 'v':
			arb_louder();
			break;
		case 'q':
			arb_quieter();
			break;
		case 'h':
			usage(ARB_EXIT_OK);
			break;
		case 'V':
			printf("arb-feed %s\n", PACKAGE_VERSION);
			return ARB_EXIT_OK;
		default:
			usage(ARB_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 && ncfg_venues > 0) {
		argc = ncfg_venues;
		argv = cfg_venues;
	}
	if (argc == 0)
		usage(ARB_EXIT_USAGE);

	arb_sig_setup();
	arb_writer_init(&out, STDOUT_FILENO);
	arb_pipe_grow(STDOUT_FILENO);   /* a busy pipeline: fewer, larger transfers */
	bl.w = &out;
	arb_feed_init(&f, &out, (uint32_t)depth);
	f.trades = wo.trades;

	if (replay) {
		struct arb_replay_opt o = { speed, isatty(STDERR_FILENO), &bl };
		char **files = argv;   /* the recordings, gathered in place (n <= i) */
		int n = 0;

		if (wo.record || wo.nendpoints || wo.cacert || wo.stale_after >= 0 || wo.metrics)
			arb_warn("--record, --endpoint, --cacert, --stale-after and --metrics do not apply to --replay");
		f.replay = 1;
		int named = 0;
		for (int i = 0; i < argc; i++) {
			int file = access(argv[i], F_OK) == 0;

			if (!file && unknown_venue_arg(argv[i])) {
				arb_err("%s: not a file, and not venue:SYMBOL[,SYMBOL...] of a known venue (%s)",
				    argv[i], venue_names());
				usage(ARB_EXIT_USAGE);
			}
			if (file || !venue_arg(&f, argv[i], 0))
				files[n++] = argv[i];
			else
				named = 1;
		}
		/* the configuration's venues filter a replay the command line
		 * does not filter */
		for (int k = 0; !named && k < ncfg_venues; k++)
			venue_arg(&f, cfg_venues[k], 1);
		if (n == 0)
			usage(ARB_EXIT_USAGE);
		if (arb_replay(&f, files, n, &o) < 0)
			rc = ARB_EXIT_FAIL;
	} else {
		if (speed > 0)
			arb_warn("--speed applies to --replay only");
		for (int i = 0; i < argc; i++)
			venue_arg(&f, argv[i], 1);
		rc = arb_ws_run(&f, &wo);
	}
	if (want_stats)
		stats(&f);
	arb_badlines_report(&bl);
	if (arb_writer_flush(&out) < 0) {
		arb_err("stdout: %s", strerror(out.err));
		rc = ARB_EXIT_FAIL;
	}
	arb_feed_free(&f);
	arb_writer_free(&out);
	return rc;
}
