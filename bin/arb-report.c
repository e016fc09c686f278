/*
 * arb-report: P&L, opportunity funnel, latency and feed health from a
 * stream of records on stdin or an arb-store database, as text, CSV,
 * NDJSON, Prometheus text or one self-contained HTML page; --check
 * thresholds give exit status 3 for cron.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "io.h"
#include "log.h"
#include "rec.h"
#include "report.h"
#include "report_db.h"
#include "sig.h"
#include "store.h"
#include "util.h"

/* All input lines, kept so that --since 24h can count back from the last
 * record and the records are read once from a pipe or a database. */
struct lines {
	struct arb_buf text;
	size_t *off, *len;
	uint64_t *lineno;
	const char **src;
	size_t n, cap;
};

static void lines_add(struct lines *L, const char *p, size_t n, const char *src, uint64_t lineno)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 1024;
		xrealloc(&L->off, L->cap * sizeof *L->off);
		xrealloc(&L->len, L->cap * sizeof *L->len);
		xrealloc(&L->lineno, L->cap * sizeof *L->lineno);
		xrealloc(&L->src, L->cap * sizeof *L->src);
	}
	L->off[L->n] = L->text.len;
	L->len[L->n] = n;
	L->lineno[L->n] = lineno;
	L->src[L->n] = src;
	arb_buf_add(&L->text, p, n);
	arb_buf_addc(&L->text, '\0');
	L->n++;
}

/* Where a line goes in the order a store's lines are read in (report_db.c):
 * by ts (0 without), then the pipeline order of the types (unknown types
 * last), then input order.  A stream is read in that order too, so that it
 * gives the report its store gives, whatever order the recordings were
 * concatenated in, and a feed's time never runs backwards. */
struct lkey {
	int64_t ts;
	int type;
	size_t i;
	/* what makes two lines one row of a store (store.c's table keys):
	 * a trade's venue, symbol and id; an unknown record's content; any
	 * other record's ts and content */
	int64_t kts;
	uint64_t h1, h2;
	int dup;                  /* a later copy: the store keeps the first */
};

static int lkey_dupcmp(const void *a, const void *b)
{
	const struct lkey *x = *(const struct lkey *const *)a, *y = *(const struct lkey *const *)b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->kts != y->kts)
		return x->kts < y->kts ? -1 : 1;
	if (x->h1 != y->h1)
		return x->h1 < y->h1 ? -1 : 1;
	if (x->h2 != y->h2)
		return x->h2 < y->h2 ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Marks the lines that a store would not insert again (arb-store is
 * idempotent): so that a stream with a record twice (overlapping
 * recordings, a file named twice) counts it once, as its store does. */
static void mark_dups(struct lkey *k, size_t n)
{
	struct lkey **p = xcalloc(n ? n : 1, sizeof *p);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &k[i];
	qsort(p, n, sizeof *p, lkey_dupcmp);
	for (i = 1; i < n; i++)
		p[i]->dup = p[i]->type == p[i - 1]->type && p[i]->kts == p[i - 1]->kts &&
		    p[i]->h1 == p[i - 1]->h1 && p[i]->h2 == p[i - 1]->h2;
	free(p);
}

static int lkey_cmp(const void *a, const void *b)
{
	const struct lkey *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void lines_free(struct lines *L)
{
	arb_buf_free(&L->text);
	free(L->off);
	free(L->len);
	free(L->lineno);
	free(L->src);
}

/* Pass 2: one line into the report. */
#define MAX_UNKNOWN_TYPES 16
struct ctx {
	struct arb_report *rep;
	struct arb_report_opts *o;
	struct arb_rec rec;
	struct arb_badlines *bl;
	uint64_t nbad, nunknown;
	char unknown_types[MAX_UNKNOWN_TYPES][32];
	int nut;
};

static void handle(struct ctx *x, const char *line, size_t len, const char *src, uint64_t lineno)
{
	char why[256];

	if (arb_rec_parse(&x->rec, line, len, why, sizeof why) < 0) {
		arb_badrecord(x->bl, src, lineno, why);
		x->nbad++;
		return;
	}
	if (x->rec.type == ARB_R_UNKNOWN) {
		char t[32] = "?";
		int k;

		/* counted when in the period, like every other record */
		if (x->rec.has_ts && ((x->o->has_since && x->rec.ts < x->o->since) ||
		    (x->o->has_until && x->rec.ts > x->o->until)))
			return;
		arb_rec_str(&x->rec, "type", t, sizeof t);
		x->nunknown++;
		for (k = 0; k < x->nut; k++)
			if (!strcmp(x->unknown_types[k], t))
				break;
		if (k == x->nut && x->nut < MAX_UNKNOWN_TYPES) {
			snprintf(x->unknown_types[x->nut++], sizeof x->unknown_types[0], "%s", t);
			arb_log(ARB_LOG_NOTICE, "%s:%llu: unknown record type \"%s\" ignored "
			    "(reported once per type)", src, (unsigned long long)lineno, t);
		}
		return;
	}
	arb_report_add(x->rep, &x->rec);
}

static void db_line(void *arg, const char *line, size_t len, const char *table, int64_t id)
{
	handle(arg, line, len, table, (uint64_t)id);
}

/* Rows this long before --since are read from a store too, so that an
 * opportunity, order or fill referred to in the period is known. */
#define DB_MARGIN_US (3600LL * 1000000)

static void usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: arb-report [-hqVv] [-r report[,report...]] [-f format] [-d url]\n"
	    "                  [-s since] [-u until] [--venue ex] [--sym BASE/QUOTE]\n"
	    "                  [-c ccy] [--reaction duration] [-C check]... [-o file]\n"
	    "                  [--config file] [--strict] [--width columns]\n"
	    "                  [file ...]\n"
	    "reports: summary (default) funnel latency feed trades all\n"
	    "formats: text (default) csv json prom html\n"
	    "checks:  METRIC OP NUMBER, OP one of < <= > >= == !=; exit 3 when breached\n"
	    "metrics:");
	for (int i = 0; arb_report_metric_names[i]; i++)
		fprintf(f, "%s%s", i % 7 == 6 ? "\n         " : " ", arb_report_metric_names[i]);
	fprintf(f, "\n");
	exit(status);
}

static unsigned parse_reports(const char *arg)
{
	const char *s = arg;
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "summary", ARB_REP_SUMMARY }, { "funnel", ARB_REP_FUNNEL },
		{ "latency", ARB_REP_LATENCY }, { "feed", ARB_REP_FEED },
		{ "health", ARB_REP_FEED }, { "trades", ARB_REP_TRADES }, { "all", ARB_REP_ALL },
	};
	unsigned bits = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strlen(names[i].name) == n && !strncmp(names[i].name, s, n))
				break;
		if (i == sizeof names / sizeof names[0]) {
			fprintf(stderr, "%s: %sunknown report \"%.*s\" (summary funnel latency feed trades all)\n",
			    arb_prog, arb_conf_argv_where(arg), (int)n, s);
			exit(ARB_EXIT_USAGE);
		}
		bits |= names[i].bit;
		s += n;
		if (*s == ',')
			s++;
	}
	return bits;
}

static enum arb_rep_fmt parse_format(const char *s)
{
	if (!strcmp(s, "text")) return ARB_FMT_TEXT;
	if (!strcmp(s, "csv")) return ARB_FMT_CSV;
	if (!strcmp(s, "json") || !strcmp(s, "ndjson")) return ARB_FMT_JSON;
	if (!strcmp(s, "prom") || !strcmp(s, "prometheus")) return ARB_FMT_PROM;
	if (!strcmp(s, "html")) return ARB_FMT_HTML;
	fprintf(stderr, "%s: %sunknown format \"%s\" (text csv json prom html)\n", arb_prog,
	    arb_conf_argv_where(s), s);
	exit(ARB_EXIT_USAGE);
}

/* Writes out to path atomically (a temporary file renamed over it). */
static int write_file(const char *path, const struct arb_buf *out)
{
	struct arb_buf tmp = { 0 };
	int fd, ok;

	arb_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		arb_err("%s: %s", tmp.p, strerror(errno));
		arb_buf_free(&tmp);
		return -1;
	}
	/* on the disk before the rename, or a crash could leave the name
	 * on an empty file in place of the last good report */
	ok = arb_writeall(fd, out->p ? out->p : "", out->len) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp.p, path) < 0) {
		arb_err("%s: %s", path, strerror(errno));
		unlink(tmp.p);
		arb_buf_free(&tmp);
		return -1;
	}
	arb_buf_free(&tmp);
	return 0;
}

#define MAX_CHECKS 64

/* s in lower (upper 0) or upper case, in place (ASCII letters only). */
static char *fold(char *s, int upper)
{
	char *p;

	for (p = s; *p; p++)
		if (upper ? (*p >= 'a' && *p <= 'z') : (*p >= 'A' && *p <= 'Z'))
			*p = (char)(*p ^ 0x20);
	return s;
}

/* --since/--until and the default currency, once the last record time is known. */
static void resolve(struct arb_report_opts *o, const char *since, const char *until,
    int64_t last, const char *first_ccy)
{
	if (since) {
		arb_report_time_arg(since, last, &o->since);
		o->has_since = 1;
	}
	if (until) {
		arb_report_time_arg(until, last, &o->until);
		o->has_until = 1;
	}
	if (!o->ccy && first_ccy[0])
		o->ccy = first_ccy;
}

int main(int argc, char **argv)
{
	enum { O_VENUE = 256, O_SYM, O_REACTION, O_STRICT, O_CONFIG, O_WIDTH };
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "venue", required_argument, NULL, O_VENUE },
		{ "sym", required_argument, NULL, O_SYM },
		{ "ccy", required_argument, NULL, 'c' },
		{ "reaction", required_argument, NULL, O_REACTION },
		{ "check", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "width", required_argument, NULL, O_WIDTH },
		{ NULL, 0, NULL, 0 }
	};
	struct arb_report_opts o;
	struct arb_check checks[MAX_CHECKS];
	struct arb_badlines bl = { 0, 0, NULL };
	struct arb_report *rep;
	struct lines L;
	struct ctx x;
	struct arb_buf out = { 0 };
	const char *db = NULL, *since = NULL, *until = NULL, *output = NULL;
	char why[256], first_ccy[32] = "";
	enum arb_rep_fmt fmt = ARB_FMT_TEXT;
	unsigned reports = 0;
	int64_t last = 0;
	int c, nchecks = 0, has_last = 0, breached = 0, status = ARB_EXIT_OK;
	size_t i;

	arb_setprog(argv[0]);
	argv[0] = (char *)arb_prog;   /* getopt's messages too say "prog:", not the path */
	arb_heap_huge((size_t)64 << 20);   /* see util.h */
	memset(&o, 0, sizeof o);
	memset(&L, 0, sizeof L);
	{
		/* --config FILE: the [arb-report] keys, under the command line */
		static const char *const keys[] = { "report", "format", "db", "since", "until",
		    "venue", "sym", "ccy", "reaction", "check+", "output", "strict?", "width", NULL };
		argv = arb_conf_argv(&argc, argv, "arb-report", keys, 0);
	}
	while ((c = getopt_long(argc, argv, "r:f:d:s:u:c:C:o:hVvq", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': reports |= parse_reports(optarg); break;
		case 'f': fmt = parse_format(optarg); break;
		case 'd': db = optarg; break;
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		/* venues are lower case, symbols and currencies upper case in
		 * the records (arb-ndjson(5)): "--venue Kraken" would match none */
		case O_VENUE: o.venue = fold(optarg, 0); break;
		case O_SYM: o.sym = fold(optarg, 1); break;
		case 'c': o.ccy = fold(optarg, 1); break;
		case O_REACTION:
			if (arb_duration_parse(optarg, &o.reaction_us) < 0 || o.reaction_us <= 0) {
				fprintf(stderr, "%s: %s--reaction: bad duration \"%s\"\n", arb_prog,
				    arb_conf_argv_where(optarg), optarg);
				return ARB_EXIT_USAGE;
			}
			break;
		case 'C':
			if (nchecks == MAX_CHECKS) {
				fprintf(stderr, "%s: at most %d checks\n", arb_prog, MAX_CHECKS);
				return ARB_EXIT_USAGE;
			}
			if (arb_check_parse(&checks[nchecks], optarg, why, sizeof why) < 0) {
				fprintf(stderr, "%s: %s--check '%s': %s\n", arb_prog,
				    arb_conf_argv_where(optarg), optarg, why);
				return ARB_EXIT_USAGE;
			}
			nchecks++;
			break;
		case 'o': output = optarg; break;
		case O_STRICT: bl.strict = 1; break;
		case O_CONFIG: break;   /* read by arb_conf_argv */
		case O_WIDTH: {
			char *end;
			long w;

			errno = 0;
			w = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || w < 0 || (w > 0 && w < 40) || w > 10000) {
				fprintf(stderr, "%s: %s--width: \"%s\" is not 0 or a number of columns "
				    "from 40 to 10000\n", arb_prog, arb_conf_argv_where(optarg), optarg);
				return ARB_EXIT_USAGE;
			}
			o.width = w ? (int)w : -1;   /* struct: < 0 never truncates */
			break;
		}
		case 'h': usage(ARB_EXIT_OK); break;
		case 'V': printf("arb-report %s\n", PACKAGE_VERSION); return ARB_EXIT_OK;
		case 'v': arb_louder(); break;
		case 'q': arb_quieter(); break;
		default: usage(ARB_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	/* files named on the command line win over a store from the
	 * configuration or ARB_DB (which arb-store reads too), as the command
	 * line wins over both; only -d with files is a contradiction */
	if (argc > 0 && db && *arb_conf_argv_where(db))
		db = NULL;
	if (argc > 0 && db) {
		fprintf(stderr, "%s: files and --db exclude each other\n", arb_prog);
		usage(ARB_EXIT_USAGE);
	}
	if (!reports)
		reports = ARB_REP_SUMMARY;
	/* Unknown metric names are usage errors, found before any reading. */
	rep = arb_report_new(&o);
	for (c = 0; c < nchecks; c++) {
		arb_dec v;

		if (arb_report_metric(rep, checks[c].metric, &v) < 0) {
			fprintf(stderr, "%s: --check '%s': unknown metric \"%s\" (see arb-report -h)\n",
			    arb_prog, checks[c].text, checks[c].metric);
			arb_report_free(rep);
			return ARB_EXIT_USAGE;
		}
	}
	arb_report_free(rep);
	/* Time arguments are checked now; durations are resolved later. */
	{
		int64_t t;

		if (since && arb_report_time_arg(since, 0, &t) < 0) {
			fprintf(stderr, "%s: %s--since: bad time or duration \"%s\"\n", arb_prog,
			    arb_conf_argv_where(since), since);
			return ARB_EXIT_USAGE;
		}
		if (until && arb_report_time_arg(until, 0, &t) < 0) {
			fprintf(stderr, "%s: %s--until: bad time or duration \"%s\"\n", arb_prog,
			    arb_conf_argv_where(until), until);
			return ARB_EXIT_USAGE;
		}
	}
	arb_sig_setup();
	memset(&x, 0, sizeof x);
	x.o = &o;
	x.bl = &bl;
	arb_rec_init(&x.rec);

	if (db) {
		/* A store is read twice: a first look for the last record time
		 * and the first result's currency, then the rows of the period,
		 * streamed into the report. */
		struct arb_report_db_info info;
		struct arb_report_db_window w;

		if ((c = arb_report_db_scan(db, &info, why, sizeof why)) < 0) {
			/* a URL that holds a password is not repeated */
			if (c == -2)
				arb_err("--db: %s", why);
			else
				arb_err("%s: %s", db, why);
			arb_rec_free(&x.rec);
			return c == -2 ? ARB_EXIT_USAGE : ARB_EXIT_FAIL;
		}
		last = info.last;
		has_last = info.has_last;
		snprintf(first_ccy, sizeof first_ccy, "%s", info.first_ccy);
		resolve(&o, since, until, last, first_ccy);
		memset(&w, 0, sizeof w);
		w.has_from = o.has_since;
		w.from = o.since - DB_MARGIN_US;
		w.has_until = o.has_until;
		w.until = o.until;
		x.rep = rep = arb_report_new(&o);
		if (arb_report_db_read(db, &w, db_line, &x, why, sizeof why) < 0) {
			arb_err("%s: %s", db, why);
			arb_rec_free(&x.rec);
			arb_report_free(rep);
			return ARB_EXIT_FAIL;
		}
	} else {
		struct arb_reader rd;
		char *line;
		size_t len;
		int k;

		if (argc == 0 && isatty(0)) {
			fprintf(stderr, "%s: no input: pipe a stream of records into stdin, name files "
			    "or give --db\n", arb_prog);
			return ARB_EXIT_USAGE;
		}
		/* Files named on the command line, in order, else stdin. */
		for (c = 0; c < (argc ? argc : 1); c++) {
			const char *name = argc && strcmp(argv[c], "-") ? argv[c] : "stdin";
			int fd = strcmp(name, "stdin") ? open(argv[c], O_RDONLY) : 0;

			if (fd < 0) {
				arb_err("%s: %s", argv[c], strerror(errno));
				lines_free(&L);
				arb_rec_free(&x.rec);
				return ARB_EXIT_FAIL;
			}
			arb_reader_init(&rd, fd, name);
			while ((k = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
				if (k == ARB_RD_ERR) {
					arb_err("%s: %s", name, strerror(errno));
					arb_reader_free(&rd);
					lines_free(&L);
					arb_rec_free(&x.rec);
					return ARB_EXIT_FAIL;
				}
				if (k == ARB_RD_BAD) {
					arb_badline(&bl, name, rd.lineno, rd.why);
					x.nbad++;
					continue;
				}
				lines_add(&L, line, len, name, rd.lineno);
				if (arb_sig_stop)
					break;
			}
			arb_reader_free(&rd);
			if (fd > 0)
				close(fd);
		}

		/* Pass 1: bad lines (said in input order), the order to read the
		 * rest in, the last record time and the currency of the first
		 * result (the default reporting currency). */
		struct lkey *keys = xcalloc(L.n ? L.n : 1, sizeof *keys);
		size_t nk = 0;
		char id[1024];
		int64_t first_res = 0;

		for (i = 0; i < L.n; i++) {
			if (arb_rec_parse(&x.rec, L.text.p + L.off[i], L.len[i], why, sizeof why) < 0) {
				arb_badrecord(&bl, L.src[i], L.lineno[i], why);
				x.nbad++;
				continue;
			}
			keys[nk].ts = x.rec.has_ts ? x.rec.ts : 0;
			keys[nk].type = x.rec.type == ARB_R_UNKNOWN ? ARB_R_NTYPES : (int)x.rec.type;
			keys[nk].i = i;
			if (x.rec.type == ARB_R_TRADE &&
			    arb_rec_str(&x.rec, "id", id, sizeof id) >= 0) {
				struct arb_buf tk = { 0 };

				arb_buf_printf(&tk, "%s%c%s%c%s", x.rec.ex, 0, x.rec.sym, 0, id);
				arb_store_hash(tk.p, tk.len, &keys[nk].h1, &keys[nk].h2);
				arb_buf_free(&tk);
			} else {
				arb_store_hash(L.text.p + L.off[i], L.len[i], &keys[nk].h1, &keys[nk].h2);
				if (x.rec.type != ARB_R_UNKNOWN)
					keys[nk].kts = keys[nk].ts;
			}
			nk++;
			if (x.rec.type == ARB_R_UNKNOWN)
				continue;
			if (x.rec.has_ts && (!has_last || x.rec.ts > last)) {
				last = x.rec.ts;
				has_last = 1;
			}
			if (x.rec.type == ARB_R_RESULT && (!first_ccy[0] || x.rec.ts < first_res)) {
				char cc[sizeof first_ccy];

				if (arb_rec_str(&x.rec, "ccy", cc, sizeof cc) >= 0 && cc[0]) {
					memcpy(first_ccy, cc, sizeof cc);
					first_res = x.rec.ts;
				}
			}
		}
		mark_dups(keys, nk);
		qsort(keys, nk, sizeof *keys, lkey_cmp);
		resolve(&o, since, until, last, first_ccy);
		/* Pass 2: the report. */
		x.rep = rep = arb_report_new(&o);
		for (i = 0; i < nk; i++) {
			size_t j = keys[i].i;

			if (!keys[i].dup)
				handle(&x, L.text.p + L.off[j], L.len[j], L.src[j], L.lineno[j]);
		}
		free(keys);
		lines_free(&L);
	}
	if (!has_last)
		arb_log(ARB_LOG_NOTICE, "%s: no records: the report is empty",
		    db ? db : argc > 1 ? "input" : argc && strcmp(argv[0], "-") ? argv[0] : "stdin");
	arb_rec_free(&x.rec);
	arb_report_count_bad(rep, x.nbad, x.nunknown);
	arb_report_finish(rep);
	for (c = 0; c < nchecks; c++) {
		char vb[ARB_DEC_STRMAX];
		arb_dec v;
		int k = arb_report_metric(rep, checks[c].metric, &v), holds;

		if (k == 0)
			arb_dec_fmt(arb_dec_trim(v), vb);
		holds = k == 0 && arb_check_holds(&checks[c], v);
		arb_report_add_check(rep, checks[c].text, k == 0 ? &v : NULL, holds);
		if (!holds) {
			breached++;
			if (k != 0)
				fprintf(stderr, "%s: check breached: %s (%s: no data)\n", arb_prog,
				    checks[c].text, checks[c].metric);
			else
				fprintf(stderr, "%s: check breached: %s (%s is %s)\n", arb_prog,
				    checks[c].text, checks[c].metric, vb);
		} else {
			arb_info("check ok: %s (%s is %s)", checks[c].text, checks[c].metric, vb);
		}
	}
	arb_report_write(rep, fmt, reports, &out);
	arb_report_free(rep);

	if (output) {
		if (write_file(output, &out) < 0)
			status = ARB_EXIT_FAIL;
	} else if (out.len && arb_writeall(1, out.p, out.len) < 0) {
		if (errno != EPIPE) {
			arb_err("stdout: %s", strerror(errno));
			status = ARB_EXIT_FAIL;
		}
	}
	arb_buf_free(&out);
	if (x.nunknown)
		arb_log(ARB_LOG_NOTICE, "%llu records of unknown type ignored", (unsigned long long)x.nunknown);
	arb_badlines_report(&bl);
	if (status == ARB_EXIT_OK && breached)
		status = ARB_EXIT_BREACH;
	return status;
}
