#include "config.h"
/*
 * json-bench: records per second for every JSON parser Debian offers,
 * on the same in-memory stream, in one run.
 *
 * The stream is generated (seeded, so every run parses the same bytes):
 * arb-ndjson(5) book records with 1 level ("quote") and 10 levels, trade
 * and status records, and Binance depth-diff frames as the venue sends
 * them.  Each parser parses each line and reads what a program reads
 * first: for our records type, ts, ex and sym; for a Binance frame the
 * stream name, the event time and the bids.  The rows:
 *
 *   memchr          finding the line ends only (the floor, like `cat`)
 *   arb tokenizer   arb_json_parse + arb_json_get of those keys (json.h)
 *   arb_rec_parse   the full record check of rec.h (every key, type and
 *                   decimal), which is what arb-* programs run per line
 *   + arb_rec_book  the above plus every level read as exact decimals
 *   + arb_rec_book_take  the same without the copy of the levels
 *   (general)       the same two through rec.c's general path only
 *                   (arb_rec_parse_general: the tokenizer and the table
 *                   check, the parser before the fast path), the
 *                   baseline of the same run
 *   jansson, json-c, cJSON, yajl (tree API), jsmn (tokens + key scan)
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that a
 * busy machine slows every parser alike instead of adding its waits; the
 * latency table uses the monotonic clock.
 *
 * Usage: json-bench [-n RECORDS] [-t SECONDS] [-s SEED] [-p PARSER] [-c CLASS]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>
#ifdef HAVE_CJSON
#include <cjson/cJSON.h>
#endif
#ifdef HAVE_YAJL
#include <yajl/yajl_tree.h>
#endif
#if defined(__has_include)
#if __has_include(<jsmn.h>)
#define HAVE_JSMN 1
#define JSMN_STATIC
#include <jsmn.h>
#endif
#endif

#include "json.h"
#include "rec.h"
#include "util.h"

/* ---- the stream ---- */

enum { C_QUOTE, C_BOOK10, C_TRADE, C_STATUS, C_DIFF, C_MIXED, NCLASS };
static const char *const cname[NCLASS] = { "quote", "book10", "trade", "status", "bn-diff", "mixed" };

struct line {              /* the same in json-bench-jsonc.c */
	const char *p;
	size_t n;
};
struct set {
	struct line *l;
	size_t n;
	size_t bytes;
};
static struct set sets[NCLASS];
static char *nulcopy[NCLASS];   /* NUL-terminated copies, for yajl */
static struct line *nuls[NCLASS];

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

/* A price near base with dec (1 or 2) fraction digits. */
static void
px(struct arb_buf *b, long base, int dec)
{
	if (dec == 1)
		arb_buf_printf(b, "%ld.%u", base, rnd(10));
	else
		arb_buf_printf(b, "%ld.%02u", base, rnd(100));
}

static void
qty(struct arb_buf *b)
{
	switch (rnd(3)) {
	case 0:
		arb_buf_printf(b, "%u.%02u", rnd(5), rnd(100));
		break;
	case 1:
		arb_buf_printf(b, "0.%05u", 1 + rnd(99999));
		break;
	default:
		arb_buf_printf(b, "%u", 1 + rnd(50));
	}
}

static const char *const venues[] = { "binance", "kraken", "coinbase", "okx", "bybit", "bitstamp" };
static const char *const syms[] = { "BTC/USDT", "ETH/USDT", "ETH/BTC", "SOL/USDT", "BTC/USD", "XRP/EUR" };

static void
gen(struct arb_buf *b, int c, int64_t ts, uint64_t seq)
{
	int v = (int)rnd(6), s = (int)rnd(6), depth = c == C_QUOTE ? 1 : 10;
	long base = 61234 - (long)rnd(100);

	switch (c) {
	case C_QUOTE:
	case C_BOOK10:
		arb_buf_printf(b, "{\"type\":\"book\",\"ts\":%" PRId64 ",\"rt\":%" PRId64 ",\"ex\":\"%s\","
		    "\"sym\":\"%s\",\"seq\":%" PRIu64 ",\"ok\":true,\"depth\":%d,\"bids\":[",
		    ts, ts - 4644 - rnd(3000), venues[v], syms[s], seq, depth);
		for (int i = 0; i < depth; i++) {
			arb_buf_adds(b, i ? ",[" : "[");
			px(b, base - i, 1);
			arb_buf_addc(b, ',');
			qty(b);
			arb_buf_addc(b, ']');
		}
		arb_buf_adds(b, "],\"asks\":[");
		for (int i = 0; i < depth; i++) {
			arb_buf_adds(b, i ? ",[" : "[");
			px(b, base + 1 + i, 1);
			arb_buf_addc(b, ',');
			qty(b);
			arb_buf_addc(b, ']');
		}
		arb_buf_adds(b, "]}");
		break;
	case C_TRADE:
		arb_buf_printf(b, "{\"type\":\"trade\",\"ts\":%" PRId64 ",\"rt\":%" PRId64 ",\"ex\":\"%s\","
		    "\"sym\":\"%s\",\"id\":\"%" PRIu64 "\",\"px\":",
		    ts, ts + 1502 + rnd(3000), venues[v], syms[s], seq * 7);
		px(b, base, 2);
		arb_buf_adds(b, ",\"qty\":");
		qty(b);
		arb_buf_printf(b, ",\"side\":\"%s\"}", rnd(2) ? "buy" : "sell");
		break;
	case C_STATUS: {
		static const char *const st[] = { "connected", "subscribed", "synced", "gap", "resync", "stale" };

		arb_buf_printf(b, "{\"type\":\"status\",\"ts\":%" PRId64 ",\"ex\":\"%s\",\"sym\":\"%s\","
		    "\"state\":\"%s\",\"detail\":\"sequence %" PRIu64 " after %" PRIu64 "\"}",
		    ts, venues[v], syms[s], st[rnd(6)], seq + 2, seq);
		break;
	}
	default: {
		/* as Binance sends it: prices and quantities quoted, 8 decimals */
		int nb = (int)rnd(5), na = (int)rnd(5);

		arb_buf_printf(b, "{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\","
		    "\"E\":%" PRId64 ",\"s\":\"BTCUSDT\",\"U\":%" PRIu64 ",\"u\":%" PRIu64 ",\"b\":[",
		    ts / 1000, seq, seq + (uint64_t)nb + (uint64_t)na);
		for (int i = 0; i < nb; i++)
			arb_buf_printf(b, "%s[\"%ld.%02u000000\",\"%u.%08u\"]", i ? "," : "",
			    base - i, rnd(100), rnd(3), rnd(100000000));
		arb_buf_adds(b, "],\"a\":[");
		for (int i = 0; i < na; i++)
			arb_buf_printf(b, "%s[\"%ld.%02u000000\",\"%u.%08u\"]", i ? "," : "",
			    base + 1 + i, rnd(100), rnd(3), rnd(100000000));
		arb_buf_adds(b, "]}}");
	}
	}
	arb_buf_addc(b, '\n');
}

/* Builds each class of n lines, and a mixed one with the given shares. */
static void
make_stream(size_t n)
{
	struct arb_buf b[NCLASS] = { 0 };
	size_t cnt[NCLASS] = { 0 };
	int64_t ts = 1633998512068000;
	uint64_t seq = 499869750;

	for (int c = 0; c < C_MIXED; c++)
		for (size_t i = 0; i < n; i++) {
			gen(&b[c], c, ts += 1 + rnd(3000), ++seq);
			cnt[c]++;
		}
	/* mixed: 40% quotes, 15% 10-level books, 20% trades, 5% status, 20% diffs */
	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd(100);
		int c = r < 40 ? C_QUOTE : r < 55 ? C_BOOK10 : r < 75 ? C_TRADE : r < 80 ? C_STATUS : C_DIFF;

		gen(&b[C_MIXED], c, ts += 1 + rnd(3000), ++seq);
		cnt[C_MIXED]++;
	}
	for (int c = 0; c < NCLASS; c++) {
		struct set *s = &sets[c];
		char *p = b[c].p, *e = p + b[c].len, *nl;
		size_t k = 0;

		s->l = xcalloc(cnt[c], sizeof *s->l);
		nuls[c] = xcalloc(cnt[c], sizeof *nuls[c]);
		nulcopy[c] = xmalloc(b[c].len + 1);
		memcpy(nulcopy[c], p, b[c].len);
		for (; p < e; p = nl + 1, k++) {
			nl = memchr(p, '\n', (size_t)(e - p));
			s->l[k].p = p;
			s->l[k].n = (size_t)(nl - p);
			nuls[c][k].p = nulcopy[c] + (p - b[c].p);
			nuls[c][k].n = s->l[k].n;
			nulcopy[c][nl - b[c].p] = '\0';
		}
		s->n = k;
		s->bytes = b[c].len;
		/* the buffer stays allocated for the life of the program */
	}
}

/* ---- the parsers: each returns the number of lines it could not read ---- */

volatile int64_t arb_bench_sink;
#define sink arb_bench_sink

static size_t
run_memchr(const struct set *s, const struct line *z)
{
	const char *p = s->l[0].p, *e = s->l[s->n - 1].p + s->l[s->n - 1].n + 1;
	size_t n = 0;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		p++;
		n++;
	}
	sink += (int64_t)n;
	return n == s->n ? 0 : 1;
}

static struct arb_json J;
static struct arb_rec R;
static struct arb_book_rec BK;

static int
arb_keys(const struct line *l)
{
	int64_t ts;
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	int i, d;

	if (arb_json_parse(&J, l->p, l->n) < 0)
		return -1;
	if ((i = arb_json_get(&J, 0, "type")) >= 0) {
		if (arb_json_i64(&J, arb_json_get(&J, 0, "ts"), &ts) < 0 ||
		    arb_json_str(&J, arb_json_get(&J, 0, "ex"), ex, sizeof ex) < 0 ||
		    arb_json_str(&J, arb_json_get(&J, 0, "sym"), sym, sizeof sym) < 0)
			return -1;
		sink += ts + J.t[i].len + ex[0] + sym[0];
		return 0;
	}
	/* a Binance frame */
	if ((i = arb_json_get(&J, 0, "stream")) < 0 || (d = arb_json_get(&J, 0, "data")) < 0 ||
	    arb_json_i64(&J, arb_json_get(&J, d, "E"), &ts) < 0 || (i = arb_json_get(&J, d, "b")) < 0)
		return -1;
	sink += ts + J.t[i].n;
	return 0;
}

static size_t
run_arb_tok(const struct set *s, const struct line *z)
{
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++)
		bad += arb_keys(&s->l[i]) < 0;
	return bad;
}

/* arb_rec_parse, or the general path alone (the parser before the fast
 * path, as a baseline in the same run) */
static int (*recparse)(struct arb_rec *, const char *, size_t, char *, size_t) = arb_rec_parse;
static int take;   /* arb_rec_book_take instead of arb_rec_book */

static size_t
run_arb_rec(const struct set *s, const struct line *z)
{
	char why[128];
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct line *l = &s->l[i];

		if (l->p[2] == 's')       /* {"stream": a venue frame, not a record */
			bad += arb_keys(l) < 0;
		else if (recparse(&R, l->p, l->n, why, sizeof why) < 0)
			bad++;
		else
			sink += R.ts + R.ex[0] + R.sym[0] + R.type;
	}
	return bad;
}

static size_t
run_arb_book(const struct set *s, const struct line *z)
{
	char why[128];
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct line *l = &s->l[i];

		if (l->p[2] == 's') {
			/* read every level of the frame as exact decimals too */
			arb_dec d;
			int b;

			if (arb_keys(l) < 0) {
				bad++;
				continue;
			}
			b = arb_json_get(&J, arb_json_get(&J, 0, "data"), "b");
			for (int k = b + 1; k < (int)J.t[b].next; k++)
				if (J.t[k].type == ARB_J_STR && arb_json_dec(&J, k, &d, NULL) == 0)
					sink += (int64_t)d.m;
		} else if (recparse(&R, l->p, l->n, why, sizeof why) < 0) {
			bad++;
		} else if (R.type == ARB_R_BOOK) {
			if ((take ? arb_rec_book_take(&R, &BK) : arb_rec_book(&R, &BK)) < 0)
				bad++;
			else
				sink += BK.nbids + (int64_t)BK.bids[0].px.m;
		} else if (R.type == ARB_R_TRADE) {
			arb_dec p, q;

			if (arb_rec_dec(&R, "px", &p) < 0 || arb_rec_dec(&R, "qty", &q) < 0)
				bad++;
			sink += (int64_t)(p.m + q.m);
		} else {
			sink += R.ts;
		}
	}
	return bad;
}

static size_t
run_jansson(const struct set *s, const struct line *z)
{
	size_t bad = 0;
	json_error_t err;

	for (size_t i = 0; i < s->n; i++) {
		json_t *v = json_loadb(s->l[i].p, s->l[i].n, 0, &err), *t, *d;

		if (!v) {
			bad++;
			continue;
		}
		if ((t = json_object_get(v, "type")) != NULL) {
			const char *ex = json_string_value(json_object_get(v, "ex"));
			const char *sym = json_string_value(json_object_get(v, "sym"));

			if (!ex || !sym || !json_is_string(t))
				bad++;
			else
				sink += json_integer_value(json_object_get(v, "ts")) + ex[0] + sym[0];
		} else if ((d = json_object_get(v, "data")) != NULL) {
			sink += json_integer_value(json_object_get(d, "E")) +
			    (int64_t)json_array_size(json_object_get(d, "b"));
		} else {
			bad++;
		}
		json_decref(v);
	}
	return bad;
}

#ifdef HAVE_JSONC
/* In json-bench-jsonc.c: json-c's headers clash with jansson's. */
size_t arb_bench_jsonc(const struct line *l, size_t n);

static size_t
run_jsonc(const struct set *s, const struct line *z)
{
	return arb_bench_jsonc(s->l, s->n);
}
#endif

#ifdef HAVE_CJSON
static size_t
run_cjson(const struct set *s, const struct line *z)
{
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		cJSON *v = cJSON_ParseWithLength(s->l[i].p, s->l[i].n), *t, *d;

		if (!v) {
			bad++;
			continue;
		}
		if ((t = cJSON_GetObjectItemCaseSensitive(v, "type")) != NULL) {
			cJSON *ex = cJSON_GetObjectItemCaseSensitive(v, "ex");
			cJSON *sym = cJSON_GetObjectItemCaseSensitive(v, "sym");
			cJSON *ts = cJSON_GetObjectItemCaseSensitive(v, "ts");

			if (!cJSON_IsString(ex) || !cJSON_IsString(sym) || !cJSON_IsNumber(ts))
				bad++;
			else
				sink += (int64_t)ts->valuedouble + ex->valuestring[0] + sym->valuestring[0];
		} else if ((d = cJSON_GetObjectItemCaseSensitive(v, "data")) != NULL) {
			sink += (int64_t)cJSON_GetObjectItemCaseSensitive(d, "E")->valuedouble +
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "b"));
		} else {
			bad++;
		}
		cJSON_Delete(v);
	}
	return bad;
}
#endif

#ifdef HAVE_YAJL
static size_t
run_yajl(const struct set *s, const struct line *nl)
{
	static const char *p_type[] = { "type", NULL }, *p_ts[] = { "ts", NULL };
	static const char *p_ex[] = { "ex", NULL }, *p_sym[] = { "sym", NULL };
	static const char *p_e[] = { "data", "E", NULL }, *p_b[] = { "data", "b", NULL };
	size_t bad = 0;
	char err[128];

	for (size_t i = 0; i < s->n; i++) {
		yajl_val v = yajl_tree_parse(nl[i].p, err, sizeof err), t, x, y;

		if (!v) {
			bad++;
			continue;
		}
		if ((t = yajl_tree_get(v, p_type, yajl_t_string)) != NULL) {
			x = yajl_tree_get(v, p_ex, yajl_t_string);
			y = yajl_tree_get(v, p_sym, yajl_t_string);
			if (!x || !y)
				bad++;
			else
				sink += YAJL_GET_INTEGER(yajl_tree_get(v, p_ts, yajl_t_number)) +
				    YAJL_GET_STRING(x)[0] + YAJL_GET_STRING(y)[0];
		} else if ((x = yajl_tree_get(v, p_e, yajl_t_number)) != NULL) {
			y = yajl_tree_get(v, p_b, yajl_t_array);
			sink += YAJL_GET_INTEGER(x) + (y ? (int64_t)y->u.array.len : 0);
		} else {
			bad++;
		}
		yajl_tree_free(v);
	}
	return bad;
}
#endif

#ifdef HAVE_JSMN
/* Index after the subtree of token i. */
static int
jsmn_skip(const jsmntok_t *t, int i)
{
	int n = 1;

	while (n--) {
		if (t[i].type == JSMN_OBJECT)
			n += 2 * t[i].size;
		else if (t[i].type == JSMN_ARRAY)
			n += t[i].size;
		i++;
	}
	return i;
}

/* Value token of key in the object at o, or -1. */
static int
jsmn_get(const char *js, const jsmntok_t *t, int o, const char *key)
{
	size_t kl = strlen(key);
	int i = o + 1;

	for (int m = 0; m < t[o].size; m++) {
		if ((size_t)(t[i].end - t[i].start) == kl && memcmp(js + t[i].start, key, kl) == 0)
			return i + 1;
		i = jsmn_skip(t, i + 1);
	}
	return -1;
}

static size_t
run_jsmn(const struct set *s, const struct line *z)
{
	static jsmntok_t tok[512];
	size_t bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *js = s->l[i].p;
		jsmn_parser p;
		int r, k, d;

		jsmn_init(&p);
		r = jsmn_parse(&p, js, s->l[i].n, tok, 512);
		if (r < 1 || tok[0].type != JSMN_OBJECT) {
			bad++;
			continue;
		}
		if ((k = jsmn_get(js, tok, 0, "type")) >= 0) {
			int ts = jsmn_get(js, tok, 0, "ts"), ex = jsmn_get(js, tok, 0, "ex"),
			    sym = jsmn_get(js, tok, 0, "sym");
			int64_t v = 0;

			if (ts < 0 || ex < 0 || sym < 0) {
				bad++;
				continue;
			}
			for (int c = tok[ts].start; c < tok[ts].end; c++)
				v = v * 10 + (js[c] - '0');
			sink += v + js[tok[ex].start] + js[tok[sym].start];
		} else if ((d = jsmn_get(js, tok, 0, "data")) >= 0) {
			int e = jsmn_get(js, tok, d, "E"), b = jsmn_get(js, tok, d, "b");

			if (e < 0 || b < 0) {
				bad++;
				continue;
			}
			sink += tok[e].end + tok[b].size;
		} else {
			bad++;
		}
	}
	return bad;
}
#endif

static size_t
run_arb_take(const struct set *s, const struct line *z)
{
	size_t bad;

	take = 1;
	bad = run_arb_book(s, z);
	take = 0;
	return bad;
}

static size_t
run_arb_rec_gen(const struct set *s, const struct line *z)
{
	size_t bad;

	recparse = arb_rec_parse_general;
	bad = run_arb_rec(s, z);
	recparse = arb_rec_parse;
	return bad;
}

static size_t
run_arb_book_gen(const struct set *s, const struct line *z)
{
	size_t bad;

	recparse = arb_rec_parse_general;
	bad = run_arb_book(s, z);
	recparse = arb_rec_parse;
	return bad;
}

/* ---- measuring ---- */

struct parser {
	const char *name;
	size_t (*run)(const struct set *, const struct line *);
};

static const struct parser parsers[] = {
	{ "memchr (floor)", run_memchr },
	{ "arb tokenizer", run_arb_tok },
	{ "arb_rec_parse", run_arb_rec },
	{ "+ arb_rec_book", run_arb_book },
	{ "+ arb_rec_book_take", run_arb_take },
	{ "arb_rec_parse (general)", run_arb_rec_gen },
	{ "+ arb_rec_book (general)", run_arb_book_gen },
	{ "jansson", run_jansson },
#ifdef HAVE_JSONC
	{ "json-c", run_jsonc },
#endif
#ifdef HAVE_CJSON
	{ "cJSON", run_cjson },
#endif
#ifdef HAVE_YAJL
	{ "yajl (tree)", run_yajl },
#endif
#ifdef HAVE_JSMN
	{ "jsmn", run_jsmn },
#endif
};
#define NPARSERS (sizeof parsers / sizeof parsers[0])

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double
wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Best records/s of several passes lasting at least secs in all. */
static double
measure(const struct parser *p, int c, double secs, size_t *bad)
{
	double best = 0, start = now(), t0, dt;
	int passes = 0;

	*bad = p->run(&sets[c], nuls[c]);   /* warm-up, and the error count */
	do {
		t0 = now();
		p->run(&sets[c], nuls[c]);
		dt = now() - t0;
		if (dt > 0 && (double)sets[c].n / dt > best)
			best = (double)sets[c].n / dt;
		passes++;
	} while (now() - start < secs || passes < 3);
	return best;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Per-record latency on the mixed stream: each record timed on its own
 * (clock_gettime around one call, the timer's own cost shown apart).
 */
static void
latency(void)
{
	const struct set *s = &sets[C_MIXED];
	double *ns = xcalloc(s->n, sizeof *ns), t0, over;
	static const int rows[] = { 2, 5, 7 };   /* arb_rec_parse, general path, jansson */

	for (size_t i = 0; i < s->n; i++) {
		t0 = wall();
		ns[i] = (wall() - t0) * 1e9;
	}
	qsort(ns, s->n, sizeof *ns, cmpd);
	over = ns[s->n / 2];
	printf("\nlatency per record, mixed stream, ns (timer cost %.0f ns included)\n", over);
	printf("%-24s %8s %8s %8s %8s\n", "parser", "p50", "p99", "p99.9", "max");
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		const struct parser *p = &parsers[rows[r]];

		for (size_t i = 0; i < s->n; i++) {
			struct set one = { (struct line *)&s->l[i], 1, s->l[i].n + 1 };

			t0 = wall();
			p->run(&one, &nuls[C_MIXED][i]);
			ns[i] = (wall() - t0) * 1e9;
		}
		qsort(ns, s->n, sizeof *ns, cmpd);
		printf("%-24s %8.0f %8.0f %8.0f %8.0f\n", p->name, ns[s->n / 2], ns[s->n * 99 / 100],
		    ns[s->n * 999 / 1000], ns[s->n - 1]);
	}
	free(ns);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: json-bench [-n RECORDS] [-t SECONDS] [-s SEED] [-p PARSER] [-c CLASS]\n"
	    "  -n  records per class (default 20000)\n"
	    "  -t  seconds per measurement (default 0.3)\n"
	    "  -s  seed of the generated stream (default 1)\n"
	    "  -p  only the parser named PARSER, or those whose name contains it\n"
	    "      (no latency table)\n"
	    "  -c  only the class CLASS (quote, book10, trade, status, bn-diff, mixed)\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	size_t n = 20000;
	double secs = 0.3, rate[NPARSERS][NCLASS];
	uint64_t seed = 1;
	struct rusage ru;
	int ch, anybad = 0, exact = 0;
	const char *only = NULL, *cls = NULL;

	arb_setprog(argv[0]);
	while ((ch = getopt(argc, argv, "hn:t:s:p:c:")) != -1) {
		switch (ch) {
		case 'p':
			only = optarg;
			break;
		case 'c':
			cls = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (n < 10)
		usage(2);
	rng = 0x9e3779b97f4a7c15ULL ^ (seed * 0xbf58476d1ce4e5b9ULL);
	if (!rng)
		rng = 1;
	arb_json_init(&J);
	arb_rec_init(&R);
	make_stream(n);

	for (size_t p = 0; only && p < NPARSERS; p++)
		exact |= strcmp(parsers[p].name, only) == 0;
	printf("json-bench: %zu records per class, seed %" PRIu64 ", best of passes over %.2f s\n", n, seed, secs);
	printf("average line: ");
	for (int c = 0; c < NCLASS; c++)
		printf("%s %zu B%s", cname[c], sets[c].bytes / sets[c].n, c + 1 < NCLASS ? ", " : "\n");
	printf("\nmillion records per second (one core)\n");
	printf("%-24s", "parser");
	for (int c = 0; c < NCLASS; c++)
		printf(" %8s", cname[c]);
	printf(" %9s %8s\n", "mixed MB/s", "ns/rec");
	for (size_t p = 0; p < NPARSERS; p++) {
		if (only && (exact ? strcmp(parsers[p].name, only) != 0 : !strstr(parsers[p].name, only)))
			continue;
		printf("%-24s", parsers[p].name);
		fflush(stdout);
		for (int c = 0; c < NCLASS; c++) {
			size_t bad;

			if (cls && strcmp(cls, cname[c]) != 0) {
				printf(" %8s", "-");
				rate[p][c] = 1;
				continue;
			}
			rate[p][c] = measure(&parsers[p], c, secs, &bad);
			printf(" %8.2f%s", rate[p][c] / 1e6, bad ? "!" : "");
			fflush(stdout);
			if (bad) {
				anybad = 1;
				fprintf(stderr, "json-bench: %s: %zu %s lines not read\n", parsers[p].name, bad, cname[c]);
			}
		}
		printf(" %9.0f %8.0f\n", rate[p][C_MIXED] * (double)sets[C_MIXED].bytes / (double)sets[C_MIXED].n / 1e6,
		    1e9 / rate[p][C_MIXED]);
	}
#ifndef HAVE_JSONC
	printf("(json-c not measured: libjson-c-dev not found by configure)\n");
#endif
#ifndef HAVE_CJSON
	printf("(cJSON not measured: libcjson-dev not found by configure)\n");
#endif
#ifndef HAVE_YAJL
	printf("(yajl not measured: libyajl-dev not found by configure)\n");
#endif
#ifndef HAVE_JSMN
	printf("(jsmn not measured: jsmn.h not found; apt-get install libjsmn-dev)\n");
#endif
	if (!only && !cls) {
		latency();
		printf("\nspeed-up of arb_rec_parse over jansson on quotes: %.1fx\n",
		    rate[2][C_QUOTE] / rate[7][C_QUOTE]);
		printf("speed-up of arb_rec_parse over its general path: quote %.2fx, book10 %.2fx, "
		    "mixed %.2fx; with arb_rec_book: quote %.2fx, book10 %.2fx\n",
		    rate[2][C_QUOTE] / rate[5][C_QUOTE], rate[2][C_BOOK10] / rate[5][C_BOOK10],
		    rate[2][C_MIXED] / rate[5][C_MIXED], rate[3][C_QUOTE] / rate[6][C_QUOTE],
		    rate[3][C_BOOK10] / rate[6][C_BOOK10]);
	}
	{
		/* how many records the fast path takes */
		const struct set *m = &sets[C_MIXED];
		size_t recs = 0, fast = 0;
		char why[128];

		for (size_t i = 0; i < m->n; i++)
			if (m->l[i].p[2] != 's' && arb_rec_parse(&R, m->l[i].p, m->l[i].n, why, sizeof why) == 0) {
				recs++;
				fast += R.fast != 0;
			}
		printf("fast path: %zu of the %zu records of the mixed stream\n", fast, recs);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	arb_book_rec_free(&BK);
	arb_rec_free(&R);
	arb_json_free(&J);
	return anybad ? 1 : 0;
}
