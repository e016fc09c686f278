#include "config.h"
/*
 * t-rec: records (rec.h).  Every type parsed from the examples of
 * arb-ndjson(5) (tests/golden/rec/examples.ndjson); every required key
 * removed and every key given a wrong type, with the exact reason; unknown
 * types and keys; the typed accessors; arb_rec_book; the emitters
 * (exact text) and a byte-identical round trip of book records; the
 * bad-line policy.  The fast path of arb_rec_parse against the general
 * path (rec-oracle.h) on the examples, on generated records of every
 * type with odd values, and on every single-byte edit of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "rec.h"
#include "rec-oracle.h"
#include "util.h"

static struct arb_rec R;
static char why[256];

static int
parse(const char *s)
{
	return arb_rec_parse(&R, s, strlen(s), why, sizeof why);
}

/* The keys each type requires and allows, as arb-ndjson(5) lists them. */
static const struct {
	const char *type, *req, *opt;
} keys[] = {
	{ "book", "ts rt ex sym ok depth bids asks", "seq" },
	{ "trade", "ts rt ex sym id px qty side", "" },
	{ "instrument", "ts ex sym base quote tick lot min_qty min_notional taker_fee maker_fee", "fee_in" },
	{ "status", "ts ex state", "sym detail" },
	{ "opportunity", "ts id kind event legs qty cost proceeds profit ccy gross_bps net_bps book_ts expires", "" },
	{ "reject", "ts kind reason", "ex sym gross_bps detail" },
	{ "order", "ts ex sym opp leg cid side px qty state filled mode", "vid reason" },
	{ "fill", "ts ex sym opp cid side px qty fee_ccy mode", "fee tid" },
	{ "result", "ts opp kind status reason pnl ccy", "fees exposure" },
	{ "balance", "ts ex asset free", "locked" },
	{ "risk", "ts rule action detail", "opp ex" },
};

static int
inlist(const char *list, const char *k)
{
	size_t n = strlen(k);

	for (const char *p = list; (p = strstr(p, k)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static char *
readall(const char *path)
{
	size_t n;
	char *s = arb_readfile(path, &n);

	if (!s) {
		printf("# cannot read %s\n", path);
		exit(1);
	}
	return s;
}

/* Removes member k (with its comma) or replaces its value, from line. */
static void
edit(const char *line, int value_only, const char *repl, char *out, size_t cap, char *key, size_t keycap, int member)
{
	struct arb_json j;
	const struct arb_jtok *t;
	uint32_t i = 1, kstart, vend;
	size_t n;

	arb_json_init(&j);
	if (arb_json_parse(&j, line, strlen(line)) < 0)
		abort();
	t = j.t;
	for (int m = 0; m < member; m++)
		i = t[i + 1].next;
	arb_json_str(&j, (int)i, key, keycap);
	kstart = t[i].off - 2;               /* the comma before the key */
	vend = t[i + 1].off + t[i + 1].len + (t[i + 1].type == ARB_J_STR);
	if (value_only)
		kstart = t[i + 1].off - (t[i + 1].type == ARB_J_STR);
	n = (size_t)snprintf(out, cap, "%.*s%s%s", (int)kstart, line, value_only ? repl : "", line + vend);
	if (n >= cap)
		abort();
	arb_json_free(&j);
}

static void
test_examples(const char *srcdir)
{
	char path[8192], out[4096], key[64];
	char *data, *line, *nl;
	int seen[ARB_R_NTYPES] = { 0 }, all = 1;

	snprintf(path, sizeof path, "%s/tests/golden/rec/examples.ndjson", srcdir);
	data = readall(path);
	for (line = data; *line; line = nl + 1) {
		int x, members;

		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (!ok(parse(line) == 0, "example parses: %.40s...", line)) {
			printf("#   why: %s\n", why);
			continue;
		}
		ok(R.type != ARB_R_UNKNOWN, "  ... as a known type (%s)", arb_rtype_name(R.type));
		seen[R.type]++;
		for (x = 0; x < (int)(sizeof keys / sizeof keys[0]); x++)
			if (strcmp(keys[x].type, arb_rtype_name(R.type)) == 0)
				break;
		if (x == (int)(sizeof keys / sizeof keys[0])) {
			ok(0, "type %s in the key table", arb_rtype_name(R.type));
			continue;
		}
		members = (int)R.j.t[0].n;
		/* every key: removed, then its value replaced by {} */
		{
			int nreq = 0, nopt = 0, bad = 0, badtype = 0, req = 0;
			char msg[128];

			for (int m = 1; m < members; m++) {
				edit(line, 0, NULL, out, sizeof out, key, sizeof key, m);
				if (inlist(keys[x].req, key)) {
					nreq++;
					snprintf(msg, sizeof msg, "missing key \"%s\"", key);
					if (parse(out) == 0 || strcmp(why, msg) != 0) {
						bad++;
						printf("#   %s without %s: %s\n", keys[x].type, key, why);
					}
				} else {
					nopt++;
					if (!inlist(keys[x].opt, key) || parse(out) != 0) {
						bad++;
						printf("#   %s without %s: %s\n", keys[x].type, key, why);
					}
				}
				edit(line, 1, "{}", out, sizeof out, key, sizeof key, m);
				snprintf(msg, sizeof msg, "at \"%s\"", key);
				if (strcmp(key, "exposure") == 0 ? parse(out) != 0
				    : parse(out) == 0 || strstr(why, msg) == NULL) {
					badtype++;
					printf("#   %s with %s={}: %s\n", keys[x].type, key, why);
				}
			}
			for (const char *p = keys[x].req; *p; p++)
				req += *p == ' ';
			ok(bad == 0, "%s: %d required keys each missing -> 'missing key', %d optional ok",
			    keys[x].type, nreq, nopt);
			ok(nreq == req + 1, "%s: the example has every required key", keys[x].type);
			ok(badtype == 0, "%s: every key with a value of the wrong type refused", keys[x].type);
		}
		/* unknown keys anywhere are fine */
		snprintf(out, sizeof out, "%.*s,\"zz_extra\":{\"a\":[1,null]}}", (int)(strlen(line) - 1), line);
		ok(parse(out) == 0, "%s: an unknown key is accepted", keys[x].type);
	}
	for (int t = 1; t < ARB_R_NTYPES; t++)
		all &= seen[t] > 0;
	ok(all, "every record type has an example");
	free(data);
}

static void
test_common(void)
{
	ok(parse("{\"type\":\"book\",\"ts\":1633998512068000,\"rt\":1633998512063356,\"ex\":\"binance\","
	    "\"sym\":\"BTC/USDT\",\"ok\":false,\"depth\":1,\"bids\":[],\"asks\":[]}") == 0, "book with empty sides");
	is_int(R.type, ARB_R_BOOK, "type book");
	is_int(R.ts, 1633998512068000, "ts");
	is_int(R.rt, 1633998512063356, "rt");
	ok(R.has_ts && R.has_rt, "has ts and rt");
	is_str(R.ex, "binance", "ex");
	is_str(R.sym, "BTC/USDT", "sym");

	ok(parse("{\"type\":\"status\",\"ts\":5,\"ex\":\"okx\",\"state\":\"synced\"}") == 0, "status for a whole venue");
	is_str(R.sym, "", "no sym");
	ok(R.has_ts && !R.has_rt && R.rt == 0, "no rt");

	ok(parse("{\"type\":\"heartbeat\",\"n\":[1,{\"x\":null}]}") == 0, "unknown type accepted");
	is_int(R.type, ARB_R_UNKNOWN, "  ... as unknown");
	ok(parse("{\"type\":\"heartbeat\",\"ts\":7,\"ex\":\"kraken\",\"sym\":\"ETH/USD\",\"rt\":8}") == 0,
	    "unknown type with common keys");
	ok(R.ts == 7 && R.rt == 8 && strcmp(R.ex, "kraken") == 0 && strcmp(R.sym, "ETH/USD") == 0,
	    "  ... common keys filled");
	ok(parse("{\"type\":\"heartbeat\",\"ts\":\"7\",\"ex\":1,\"sym\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}") == 0,
	    "unknown type with odd common keys still valid");
	ok(!R.has_ts && R.ex[0] == '\0' && R.sym[0] == '\0', "  ... and the odd ones left out");
	ok(parse("{\"type\":\"bo\\u006fk\",\"ts\":1}") == -1 && R.type == ARB_R_BOOK,
	    "an escaped type name is still the type");
	/* a failed record leaves no common keys behind */
	ok(parse("{\"type\":\"trade\",\"ts\":1,\"rt\":2,\"ex\":\"kraken\",\"sym\":\"X/Y\",\"id\":1}") == -1,
	    "trade with a numeric id refused");
	ok(!R.has_ts && !R.has_rt && R.ex[0] == '\0' && R.sym[0] == '\0', "  ... common keys cleared");
	/* integers of every length, inline and not (a book's seq: ts is a
	 * time, 0 .. ARB_REC_TMAX) */
	{
		int bad = 0;
		int64_t seq;

		for (int k = 1; k <= 19; k++) {
			char line[128], digits[24];
			int64_t want = 0;

			for (int d = 0; d < k; d++) {
				digits[d] = (char)('1' + (d * 7 + k) % 9);
				want = want * 10 + (digits[d] - '0');
			}
			digits[k] = '\0';
			for (int neg = 0; neg < 2; neg++) {
				snprintf(line, sizeof line, "{\"type\":\"book\",\"ts\":1,\"rt\":1,\"ex\":\"a\",\"sym\":\"B/C\","
				    "\"seq\":%s%s,\"ok\":true,\"depth\":1,\"bids\":[],\"asks\":[]}", neg ? "-" : "", digits);
				if (parse(line) != 0 || arb_rec_i64(&R, "seq", &seq) != 0 || seq != (neg ? -want : want))
					bad++;
				snprintf(line, sizeof line, "{\"type\":\"status\",\"ts\":%s,\"ex\":\"a\",\"state\":\"gap\"}",
				    digits);
				/* 18 digits here are below ARB_REC_TMAX, 19 above */
				if (k <= 18 ? parse(line) != 0 || R.ts != want : parse(line) != -1)
					bad++;
			}
		}
		ok(bad == 0, "seq of 1 to 19 digits, both signs; ts of 1 to 18 digits, not 19");
		ok(parse("{\"type\":\"status\",\"ts\":-0,\"ex\":\"a\",\"state\":\"gap\"}") == 0 && R.ts == 0, "ts -0");
	}
	is_str(arb_rtype_name(ARB_R_OPPORTUNITY), "opportunity", "rtype name");
	is_str(arb_rtype_name(ARB_R_UNKNOWN), "unknown", "rtype name of unknown");
	is_int(arb_rtype_from("fill", 4), ARB_R_FILL, "rtype from fill");
	is_int(arb_rtype_from("fills", 4), ARB_R_FILL, "rtype from takes a length");
	is_int(arb_rtype_from("Fill", 4), ARB_R_UNKNOWN, "rtype from is case sensitive");
	is_int(arb_rtype_from("", 0), ARB_R_UNKNOWN, "rtype from empty");
}

/* Each bad record and the exact reason. */
static void
test_reasons(void)
{
	static const char B[] = "{\"type\":\"book\",\"ts\":1,\"rt\":2,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
	    "\"ok\":true,\"depth\":4,";
	static const char T[] = "{\"type\":\"trade\",\"ts\":1,\"rt\":2,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
	    "\"id\":\"9\",";
	static const struct { const char *pre, *s, *why; } c[] = {
		{ "", "", "invalid JSON at byte 0: empty text" },
		{ "", "{\"type\":\"book\",}", "invalid JSON at byte 15: trailing comma in object" },
		{ "", "{\"type\":\"book\"} x", "invalid JSON at byte 16: trailing characters after the value" },
		{ "", "[1]", "expected a JSON object" },
		{ "", "\"book\"", "expected a JSON object" },
		{ "", "{}", "missing key \"type\"" },
		{ "", "{\"ts\":1}", "missing key \"type\"" },
		{ "", "{\"ts\":1,\"type\":\"book\"}", "\"type\" must be the first key" },
		{ "", "{\"type\":1}", "expected string at \"type\"" },
		{ "", "{\"type\":null}", "expected string at \"type\"" },
		{ B, "\"bids\":[[1,2],[1,2],[1,2],[1]],\"asks\":[]}", "bids[3]: expected [price, qty]" },
		{ B, "\"bids\":[[1,2,3]],\"asks\":[]}", "bids[0]: expected [price, qty]" },
		{ B, "\"bids\":[],\"asks\":[[\"1\",2]]}", "asks[0]: expected [price, qty]" },
		{ B, "\"bids\":[],\"asks\":[1,2]}", "asks[0]: expected [price, qty]" },
		{ B, "\"bids\":[],\"asks\":[[1,1e-99]]}", "asks[0]: bad qty: " },
		{ B, "\"bids\":[[123456789012345678901234567890123456789012,1]],\"asks\":[]}", "bids[0]: bad price: " },
		{ B, "\"bids\":{},\"asks\":[]}", "expected [[price, qty], ...] at \"bids\"" },
		{ B, "\"bids\":[],\"asks\":[],\"seq\":1.5}", "expected integer at \"seq\"" },
		{ B, "\"bids\":[],\"asks\":[],\"seq\":\"12\"}", "expected integer at \"seq\"" },
		{ B, "\"bids\":[]}", "missing key \"asks\"" },
		{ T, "\"px\":1,\"qty\":\"1.5\",\"side\":\"buy\"}", "expected number at \"qty\"" },
		{ T, "\"px\":1,\"qty\":1e-99,\"side\":\"buy\"}", "bad number at \"qty\": " },
		{ T, "\"px\":1,\"qty\":1,\"side\":\"BUY\"}", "expected buy or sell at \"side\"" },
		{ T, "\"px\":1,\"qty\":1,\"side\":null}", "expected buy or sell at \"side\"" },
		{ T, "\"px\":1,\"qty\":1}", "missing key \"side\"" },
		{ "", "{\"type\":\"trade\",\"ts\":1.0}", "expected integer at \"ts\"" },
		{ "", "{\"type\":\"trade\",\"ts\":1e3}", "expected integer at \"ts\"" },
		{ "", "{\"type\":\"trade\",\"ts\":99999999999999999999}", "expected integer at \"ts\"" },
		{ "", "{\"type\":\"trade\",\"ts\":1,\"rt\":1,\"ex\":\"binance\",\"id\":\"1\",\"px\":1,\"qty\":1,\"side\":\"buy\"}",
		  "missing key \"sym\"" },
		{ "", "{\"type\":\"status\",\"ts\":1,\"ex\":\"a_venue_name_too_long\",\"state\":\"gap\"}",
		  "\"ex\" longer than 15 bytes" },
		{ "", "{\"type\":\"status\",\"ts\":1,\"ex\":\"\",\"state\":\"gap\"}", "empty string at \"ex\"" },
		{ "", "{\"type\":\"status\",\"ts\":1,\"ex\":\"okx\",\"state\":\"lost\"}",
		  "expected connected, subscribed, synced, gap, resync, stale or disconnected at \"state\"" },
		{ "", "{\"type\":\"status\",\"ts\":1,\"ex\":\"okx\",\"state\":\"gap\",\"detail\":7}",
		  "expected string at \"detail\"" },
		{ "", "{\"type\":\"book\",\"ts\":1,\"rt\":1,\"ex\":\"a\",\"sym\":\"B/C\",\"ok\":1}",
		  "expected true or false at \"ok\"" },
		{ "", "{\"type\":\"book\",\"ts\":1,\"rt\":1,\"ex\":\"a\",\"sym\":\"B/C\",\"ok\":true,\"depth\":-1}",
		  "expected non-negative integer at \"depth\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"id\":7,\"kind\":\"cross\",\"event\":\"new\",\"legs\":["
		  "{\"ex\":\"a\",\"sym\":\"B/C\",\"side\":\"buy\",\"px\":1,\"qty\":1},{\"ex\":\"a\",\"sym\":\"B/C\",\"side\":\"sell\",\"qty\":1}]}",
		  "legs[1]: missing key \"px\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"id\":7,\"kind\":\"cross\",\"event\":\"new\",\"legs\":[[]]}",
		  "legs[0]: expected an object" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"id\":7,\"kind\":\"cross\",\"event\":\"new\",\"legs\":["
		  "{\"ex\":\"a\",\"sym\":\"B/C\",\"side\":\"hold\",\"px\":1,\"qty\":1}]}",
		  "legs[0]: expected buy or sell at \"side\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"id\":1.5}", "expected string or integer at \"id\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"id\":\"x\",\"kind\":\"loop\"}", "expected cross or cycle at \"kind\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"book_ts\":[1,2.5]}", "expected integer at \"book_ts\"[1]" },
		{ "", "{\"type\":\"order\",\"ts\":1,\"leg\":-1}", "expected non-negative integer at \"leg\"" },
		/* times within 0 .. 9999-12-31 23:59:59.999999, what arb-exec's
		 * state file takes back, so that their differences and sums
		 * with durations cannot overflow (UBSan: arb-detect's book age
		 * of a ts near INT64_MIN), and every one is a date of a
		 * four-digit year (arb-report cut 10000-01-01 to 10000-01-01 00:00:0) */
		{ "", "{\"type\":\"status\",\"ts\":-1,\"ex\":\"a\",\"state\":\"gap\"}", "time out of range at \"ts\"" },
		{ "", "{\"type\":\"status\",\"ts\":253402300800000000,\"ex\":\"a\",\"state\":\"gap\"}",
		  "time out of range at \"ts\"" },
		{ "", "{\"type\":\"status\",\"ts\":4611686018427387905,\"ex\":\"a\",\"state\":\"gap\"}",
		  "time out of range at \"ts\"" },
		{ "", "{\"type\":\"book\",\"ts\":1,\"rt\":-9223372036854775808,\"ex\":\"a\",\"sym\":\"B/C\",\"ok\":true,"
		  "\"depth\":1,\"bids\":[],\"asks\":[]}", "time out of range at \"rt\"" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1,\"book_ts\":[1,9223372036854775807]}",
		  "time out of range at \"book_ts\"[1]" },
		{ "", "{\"type\":\"opportunity\",\"ts\":1700000000150000,\"id\":\"x:1\",\"kind\":\"cross\",\"event\":\"new\","
		  "\"legs\":[{\"ex\":\"a\",\"sym\":\"B/C\",\"side\":\"buy\",\"px\":1,\"qty\":1}],\"qty\":1,\"cost\":1,"
		  "\"proceeds\":1,\"profit\":0,\"ccy\":\"C\",\"gross_bps\":0,\"net_bps\":0,\"book_ts\":[1700000000150000],"
		  "\"expires\":9223372036854775807}", "time out of range at \"expires\"" },
		{ "", "{\"type\":\"order\",\"ts\":1,\"leg\":2147483648}", "integer too large at \"leg\"" },
		{ "", "{\"type\":\"book\",\"ts\":1,\"rt\":1,\"ex\":\"a\",\"sym\":\"B/C\",\"ok\":true,\"depth\":103998512063}",
		  "integer too large at \"depth\"" },
		{ "", "{\"type\":\"order\",\"ts\":1,\"mode\":\"demo\"}", "expected paper or live at \"mode\"" },
		{ "", "{\"type\":\"risk\",\"ts\":1,\"action\":\"stop\"}", "expected refuse, kill or resume at \"action\"" },
		{ "", "{\"type\":\"instrument\",\"ts\":1,\"fee_in\":\"both\"}", "expected quote, base or received at \"fee_in\"" },
		{ "", "{\"type\":\"reject\",\"ts\":1,\"kind\":\"cross\",\"reason\":\"other\"}",
		  "expected fees, lot, min_notional, stale, out_of_sync, balance, max_age, min_profit or tick at \"reason\"" },
		{ "", "{\"type\":\"balance\",\"ts\":1,\"ex\":\"a\",\"asset\":\"BTC\",\"free\":\"1\"}", "expected number at \"free\"" },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char line[1024];
		int r;

		snprintf(line, sizeof line, "%s%s", c[i].pre, c[i].s);
		r = parse(line);
		if (c[i].why[strlen(c[i].why) - 1] == ' ')   /* a prefix; the rest is dec.h's */
			ok(r == -1 && strncmp(why, c[i].why, strlen(c[i].why)) == 0 && strlen(why) > strlen(c[i].why),
			    "reason '%s...' (got '%s')", c[i].why, why);
		else
			ok(r == -1 && strcmp(why, c[i].why) == 0, "reason '%s' (got '%s')", c[i].why, why);
	}
	/* a tiny why buffer is not overrun */
	{
		char small[8];

		memset(small, 'x', sizeof small);
		ok(arb_rec_parse(&R, "[1]", 3, small, 5) == -1 && strcmp(small, "expe") == 0 && small[5] == 'x',
		    "reason truncated to its buffer");
		ok(arb_rec_parse(&R, "[1]", 3, NULL, 0) == -1, "no reason buffer at all");
	}
}

static void
test_access(void)
{
	arb_dec d;
	int64_t v;
	int b;
	char s[16], f[ARB_DEC_STRMAX];

	ok(parse("{\"type\":\"trade\",\"ts\":1,\"rt\":2,\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"id\":\"9\","
	    "\"px\":61234.60,\"qty\":0.0125,\"side\":\"sell\",\"x\":true,\"y\":false,\"z\":\"a\\\"b\"}") == 0, "trade");
	ok(arb_rec_dec(&R, "px", &d) == 0, "dec px");
	f[arb_dec_fmt(d, f)] = '\0';
	is_str(f, "61234.60", "  ... keeps its scale");
	ok(arb_rec_dec(&R, "side", &d) == -1, "dec of a word fails");
	ok(arb_rec_dec(&R, "nope", &d) == -1, "dec of a missing key fails");
	ok(arb_rec_i64(&R, "rt", &v) == 0 && v == 2, "i64 rt");
	ok(arb_rec_i64(&R, "id", &v) == 0 && v == 9, "i64 of a quoted id");
	ok(arb_rec_i64(&R, "px", &v) == -1, "i64 of a decimal fails");
	ok(arb_rec_str(&R, "side", s, sizeof s) == 0 && strcmp(s, "sell") == 0, "str side");
	ok(arb_rec_str(&R, "z", s, sizeof s) == 0 && strcmp(s, "a\"b") == 0, "str unescapes");
	ok(arb_rec_str(&R, "sym", s, 5) == -1, "str too long for the buffer");
	ok(arb_rec_str(&R, "ts", s, sizeof s) == -1, "str of a number fails");
	ok(arb_rec_bool(&R, "x", &b) == 0 && b == 1, "bool true");
	ok(arb_rec_bool(&R, "y", &b) == 0 && b == 0, "bool false");
	ok(arb_rec_bool(&R, "z", &b) == -1, "bool of a string fails");
	ok(arb_rec_bool(&R, "q", &b) == -1, "bool of a missing key fails");
	ok(parse("[") == -1 && arb_rec_i64(&R, "ts", &v) == -1, "accessors on a failed parse fail");
}

/* Emits a book record from its parsed form, in the canonical key order. */
static void
emit_book(struct arb_buf *b, const struct arb_rec *r, const struct arb_book_rec *k)
{
	arb_emit_begin(b, "book");
	arb_emit_i64(b, "ts", r->ts);
	arb_emit_i64(b, "rt", r->rt);
	arb_emit_str(b, "ex", r->ex);
	arb_emit_str(b, "sym", r->sym);
	if (k->has_seq)
		arb_emit_i64(b, "seq", k->seq);
	arb_emit_bool(b, "ok", k->ok);
	arb_emit_i64(b, "depth", k->depth);
	arb_emit_key(b, "bids");
	arb_emit_levels(b, k->bids, k->nbids);
	arb_emit_key(b, "asks");
	arb_emit_levels(b, k->asks, k->nasks);
	arb_emit_end(b);
}

static void
test_book(void)
{
	static const char *const lines[] = {
		"{\"type\":\"book\",\"ts\":1633998512068000,\"rt\":1633998512063356,\"ex\":\"binance\",\"sym\":\"BTC/USDT\","
		"\"seq\":1,\"ok\":true,\"depth\":1,\"bids\":[[61234.5,0.25]],\"asks\":[[61234.6,1.5]]}",
		"{\"type\":\"book\",\"ts\":0,\"rt\":1,\"ex\":\"kraken\",\"sym\":\"ETH/BTC\",\"ok\":false,\"depth\":10,"
		"\"bids\":[[0.06810,12.00000000],[0.06809,0.1],[0.06808,3],[0.06807,0.00000001],[0.06806,100],"
		"[0.06805,1],[0.06804,2],[0.06803,3],[0.06802,4],[0.0680100,5.5]],"
		"\"asks\":[[0.06811,0.10],[0.06812,123456789.123456789],[0.06813,1],[0.06814,1],[0.06815,1],"
		"[0.06816,1],[0.06817,1],[0.06818,1],[0.06819,1],[0.06820,1]]}",
		/* the largest time a record has (ARB_REC_TMAX) */
		"{\"type\":\"book\",\"ts\":253402300799999999,\"rt\":0,\"ex\":\"okx\",\"sym\":\"A/B\","
		"\"seq\":-5,\"ok\":true,\"depth\":0,\"bids\":[],\"asks\":[[1,0]]}",
	};
	struct arb_book_rec k = { 0 };
	struct arb_buf b = { 0 };

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		if (!ok(parse(lines[i]) == 0, "book %zu parses", i)) {
			printf("#   %s\n", why);
			continue;
		}
		ok(arb_rec_book(&R, &k) == 0, "book %zu read", i);
		arb_buf_reset(&b);
		emit_book(&b, &R, &k);
		ok(b.len == strlen(lines[i]) + 1 && memcmp(b.p, lines[i], b.len - 1) == 0 && b.p[b.len - 1] == '\n',
		    "book %zu round trip byte-identical", i);
		if (b.len != strlen(lines[i]) + 1 || memcmp(b.p, lines[i], b.len - 1) != 0)
			printf("#   got:  %s#   want: %s\n", b.p, lines[i]);
	}
	ok(k.nbids == 0 && k.nasks == 1 && k.has_seq && k.seq == -5 && k.depth == 0 && k.ok == 1,
	    "last book: fields");
	parse(lines[1]);
	arb_rec_book(&R, &k);
	ok(k.nbids == 10 && k.nasks == 10 && !k.has_seq && k.ok == 0 && k.depth == 10, "10-level book: fields");
	{
		char f[ARB_DEC_STRMAX];

		f[arb_dec_fmt(k.bids[9].px, f)] = '\0';
		is_str(f, "0.0680100", "bids[9].px exact");
		f[arb_dec_fmt(k.asks[1].qty, f)] = '\0';
		is_str(f, "123456789.123456789", "asks[1].qty exact");
	}
	ok(parse("{\"type\":\"trade\",\"ts\":1,\"rt\":2,\"ex\":\"a\",\"sym\":\"B/C\",\"id\":\"9\",\"px\":1,\"qty\":1,"
	    "\"side\":\"buy\"}") == 0 && arb_rec_book(&R, &k) == -1, "arb_rec_book refuses a trade");
	/* 1000 levels grow the arrays */
	arb_buf_reset(&b);
	arb_buf_adds(&b, "{\"type\":\"book\",\"ts\":1,\"rt\":2,\"ex\":\"a\",\"sym\":\"B/C\",\"ok\":true,\"depth\":1000,\"bids\":[");
	for (int i = 0; i < 1000; i++)
		arb_buf_printf(&b, "%s[%d.5,1]", i ? "," : "", 10000 - i);
	arb_buf_adds(&b, "],\"asks\":[]}");
	ok(arb_rec_parse(&R, b.p, b.len, why, sizeof why) == 0 && arb_rec_book(&R, &k) == 0 &&
	    k.nbids == 1000 && k.capb >= 1000, "1000 levels");
	arb_book_rec_free(&k);
	ok(k.bids == NULL && k.capb == 0, "book_rec_free clears");
	arb_buf_free(&b);
}

static void
test_emit(void)
{
	struct arb_buf b = { 0 };
	struct arb_level lv[2] = {
		{ arb_dec_make(612345, 1), arb_dec_make(25, 2) },
		{ arb_dec_make(-5, 0), arb_dec_make(1, 8) },
	};

	arb_emit_begin(&b, "trade");
	arb_emit_i64(&b, "ts", 1633998512068000);
	arb_emit_i64(&b, "zero", 0);
	arb_emit_i64(&b, "neg", -42);
	arb_emit_i64(&b, "min", INT64_MIN);
	arb_emit_i64(&b, "max", INT64_MAX);
	arb_emit_str(&b, "ex", "binance");
	arb_emit_str(&b, "odd", "a\"b\\c\nd");
	arb_emit_strn(&b, "part", "BTC/USDT", 3);
	arb_emit_dec(&b, "px", arb_dec_make(6123450, 2));
	arb_emit_dec(&b, "qty", arb_dec_make(1, 8));
	arb_emit_dec(&b, "neg", arb_dec_make(-15, 1));
	arb_emit_bool(&b, "t", 1);
	arb_emit_bool(&b, "f", 0);
	arb_emit_key(&b, "lv");
	arb_emit_levels(&b, lv, 2);
	arb_emit_key(&b, "none");
	arb_emit_levels(&b, lv, 0);
	arb_emit_key(&b, "v");
	arb_emit_decval(&b, arb_dec_make(7, 0));
	arb_emit_end(&b);
	is_str(b.p, "{\"type\":\"trade\",\"ts\":1633998512068000,\"zero\":0,\"neg\":-42,"
	    "\"min\":-9223372036854775808,\"max\":9223372036854775807,\"ex\":\"binance\","
	    "\"odd\":\"a\\\"b\\\\c\\u000ad\",\"part\":\"BTC\",\"px\":61234.50,\"qty\":0.00000001,\"neg\":-1.5,"
	    "\"t\":true,\"f\":false,\"lv\":[[61234.5,0.25],[-5,0.00000001]],\"none\":[],\"v\":7}\n",
	    "emit: exact text");
	is_int(b.len, strlen(b.p), "emit: length matches");
	{
		struct arb_json j;

		arb_json_init(&j);
		ok(b.p[b.len - 1] == '\n' && arb_json_parse(&j, b.p, b.len - 1) == 0 && j.t[0].n == 17,
		    "emitted text is one JSON object of 17 members and a newline");
		arb_json_free(&j);
	}
	arb_buf_free(&b);
}

/* Runs fn with stderr captured into out. */
static void
capture(void (*fn)(void *), void *arg, char *out, size_t cap, int *status)
{
	int pfd[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	fflush(stdout);
	if (pipe(pfd) < 0)
		abort();
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		dup2(pfd[1], 2);
		fn(arg);
		_exit(0);
	}
	close(pfd[1]);
	while (got + 1 < cap && (n = read(pfd[0], out + got, cap - got - 1)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	waitpid(pid, status, 0);
}

static void
bad3(void *arg)
{
	struct arb_badlines *bl = arg;

	arb_badline(bl, "stdin", 42, "expected number at \"qty\"");
	arb_badline(bl, "day.ndjson", 7, "missing key \"sym\"");
	arb_badline(bl, NULL, 8, "x");
	arb_badlines_report(bl);
	if (bl->n != 3)
		_exit(9);
}

static void
bad1(void *arg)
{
	struct arb_badlines *bl = arg;

	arb_badline(bl, "stdin", 1, "y");
	arb_badlines_report(bl);
}

static void
bad0(void *arg)
{
	arb_badlines_report(arg);
}

static void
test_badlines(void)
{
	struct arb_badlines bl = { 0, 0, NULL };
	char out[1024];
	int st;

	arb_setprog("t-rec");
	capture(bad3, &bl, out, sizeof out, &st);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "three bad lines: counted, not fatal");
	is_str(out, "t-rec: stdin:42: expected number at \"qty\"\n"
	    "t-rec: day.ndjson:7: missing key \"sym\"\n"
	    "t-rec: stdin:8: x\n"
	    "t-rec: 3 bad lines skipped\n", "messages and the count");
	capture(bad1, &bl, out, sizeof out, &st);
	is_str(out, "t-rec: stdin:1: y\nt-rec: 1 bad line skipped\n", "one bad line: singular");
	capture(bad0, &bl, out, sizeof out, &st);
	is_str(out, "", "no bad lines: nothing said");
	bl.strict = 1;
	capture(bad3, &bl, out, sizeof out, &st);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 1, "strict: the first bad line exits 1");
	is_str(out, "t-rec: stdin:42: expected number at \"qty\"\n", "strict: only the first message");
}

/* ---- the fast path against the general path ---- */

static uint64_t frng = 0x2545f4914f6cdd1dULL;

static uint32_t
frnd(uint32_t n)
{
	frng ^= frng << 13;
	frng ^= frng >> 7;
	frng ^= frng << 17;
	return (uint32_t)((frng >> 11) % n);
}

/* Values by kind: the first ones are what the emitters write, the rest
 * odd (valid or not, long, short, at the 8- and 18-character edges). */
static const char *const v_int[] = {
	"1633998512068000", "0", "7", "499869752", "12345678", "123456789", "1",
	"-0", "-12", "123456789012345678", "1234567890123456789", "-12345678901234567",
	"-123456789012345678", "9223372036854775807", "-9223372036854775808",
	"99999999999999999999", "01", "1.0", "1e5", "-", "00", "\"5\"", "true", "1.5e3", "12345678e1",
};
static const char *const v_nat[] = {
	"1", "10", "0", "2147483647", "2147483648", "-1", "-0", "99999999999", "1.0", "05",
};
static const char *const v_dec[] = {
	"61234.5", "0.25", "1.5", "0.00123", "12", "0.06810", "3060.005", "0",
	"23.07100", "0.00123000", "61234.56789012",
	"-0.0", "-1.25", "12345678.12345678", "123456789.12345678", "1234567890.12345678",
	"0.000000000000001", "0.0000000000000001", "1e-8", "1E5", "00.1", "1.", ".5", "-.5",
	"1.2.3", "99999999", "999999999", "1234567.8", "12345678.9", "1234567.", "0.1234567",
	"0.12345678", "123456789012345678901234567890", "1234567890123456789012345678901",
	"-", "-a", "\"1.5\"", "null", "1.5e", "1.5e+2", "7.",
	/* across two words: 8 to 17 characters */
	"23.07100", "0.00123000", "61234.56789012", "1234567.", "1234567.8", "123456.78901234",
	"12345.6789012345", "1.234567890123456", "-23.07100", "-0.0012300", "0.1234567e5",
	"1234567.89012345", "1234567.890123456", "00.1234567", "1.2345678.9",
};
static const char *const v_str[] = {
	"\"binance\"", "\"BTC/USDT\"", "\"x\"", "\"\"", "\"a\\u0041\"", "\"\\\"q\\\"\"",
	"\"0123456789abcdef\"", "\"0123456789abcdefghijklmnopqrstuvwxyzABCD\"",
	"\"0123456789abcdefghijklmnopqrstuvwxyzABC\"", "\"caf\xc3\xa9\"", "\"tab\there\"", "5", "null",
	"\"unterminated",
};
static const char *const v_bool[] = { "true", "false", "tru", "null", "1", "falsey" };

static void
gen_val(struct arb_buf *b, char kind, const char *en, int odd)
{
#define PICK(a) (a)[odd ? frnd(sizeof(a) / sizeof((a)[0])) : frnd(odd ? 1 : 3)]
	switch (kind) {
	case 'I':
		arb_buf_adds(b, PICK(v_int));
		break;
	case 'N':
		arb_buf_adds(b, PICK(v_nat));
		break;
	case 'D':
		arb_buf_adds(b, odd ? v_dec[frnd(sizeof v_dec / sizeof v_dec[0])] : v_dec[frnd(11)]);
		break;
	case 'S':
		arb_buf_adds(b, odd ? v_str[frnd(sizeof v_str / sizeof v_str[0])] : v_str[frnd(3)]);
		break;
	case 'B':
		arb_buf_adds(b, odd ? v_bool[frnd(sizeof v_bool / sizeof v_bool[0])] : v_bool[frnd(2)]);
		break;
	case 'E': {
		/* one of en's values, or a near miss */
		const char *p = en;
		int k = (int)frnd(4);

		while (k-- > 0 && strchr(p, '|'))
			p = strchr(p, '|') + 1;
		arb_buf_printf(b, "\"%.*s%s\"", (int)strcspn(p, "|"), p, odd && frnd(2) ? "x" : "");
		break;
	}
	case 'i':   /* a string or an integer */
		if (frnd(2))
			arb_buf_adds(b, odd ? v_str[frnd(sizeof v_str / sizeof v_str[0])] : "\"o1633998512070000-1\"");
		else
			arb_buf_adds(b, PICK(v_int));
		break;
	case 'L': {
		int n = odd ? (int)frnd(12) : (int)frnd(3) + 1;

		arb_buf_addc(b, '[');
		for (int i = 0; i < n; i++) {
			arb_buf_adds(b, i ? ",[" : "[");
			gen_val(b, 'D', NULL, odd && frnd(4) == 0);
			arb_buf_addc(b, ',');
			gen_val(b, 'D', NULL, odd && frnd(4) == 0);
			arb_buf_addc(b, ']');
		}
		arb_buf_addc(b, ']');
		break;
	}
	case 'T': {
		int n = (int)frnd(4);

		arb_buf_addc(b, '[');
		for (int i = 0; i < n; i++) {
			if (i)
				arb_buf_addc(b, ',');
			gen_val(b, 'I', NULL, odd && frnd(3) == 0);
		}
		arb_buf_addc(b, ']');
		break;
	}
	case 'G': {
		int n = (int)frnd(3) + (odd ? 0 : 1);

		arb_buf_addc(b, '[');
		for (int i = 0; i < n; i++) {
			int o = odd && frnd(3) == 0;

			arb_buf_adds(b, i ? ",{\"ex\":" : "{\"ex\":");
			gen_val(b, 'S', NULL, o);
			arb_buf_adds(b, ",\"sym\":");
			gen_val(b, 'S', NULL, 0);
			arb_buf_adds(b, ",\"side\":");
			gen_val(b, 'E', "buy|sell", o);
			arb_buf_adds(b, ",\"px\":");
			gen_val(b, 'D', NULL, o);
			arb_buf_adds(b, ",\"qty\":");
			gen_val(b, 'D', NULL, 0);
			if (frnd(2)) {              /* as arb-detect writes them */
				arb_buf_adds(b, ",\"fee\":");
				gen_val(b, o && frnd(2) ? 'A' : 'D', NULL, o);
				arb_buf_adds(b, ",\"fee_ccy\":");
				gen_val(b, 'S', NULL, o);
			}
			arb_buf_addc(b, '}');
		}
		arb_buf_addc(b, ']');
		break;
	}
	default: {  /* anything */
		static const char *const any[] = {
			"{\"a\":[1,null]}", "0.5", "[]", "[{\"asset\":\"BTC\",\"qty\":-0.1,\"mark\":30000}]",
			"\"x\"", "[ ]", "[1]", "-7", "true", "null", "[]x", "{}",
		};

		arb_buf_adds(b, any[frnd(odd ? sizeof any / sizeof any[0] : 4)]);
	}
	}
#undef PICK
}

/* Each type's keys in table order: name, kind, '?' when optional, enum. */
static const struct {
	const char *type;
	const char *keys;
} gen_types[] = {
	{ "book", "ts:I rt:I ex:S sym:S seq:I? ok:B depth:N bids:L asks:L" },
	{ "trade", "ts:I rt:I ex:S sym:S id:S px:D qty:D side:E=buy|sell" },
	{ "instrument", "ts:I ex:S sym:S base:S quote:S tick:D lot:D min_qty:D min_notional:D "
	    "taker_fee:D maker_fee:D fee_in:E?=quote|base|received" },
	{ "status", "ts:I ex:S sym:S? state:E=connected|subscribed|synced|gap|resync|stale|disconnected "
	    "detail:S?" },
	{ "opportunity", "ts:I id:i kind:E=cross|cycle event:E=new|update|gone legs:G qty:D cost:D "
	    "proceeds:D profit:D ccy:S gross_bps:D net_bps:D book_ts:T expires:I" },
	{ "reject", "ts:I kind:E=cross|cycle reason:E=fees|lot|min_notional|stale|out_of_sync|balance|"
	    "max_age|min_profit|tick ex:S? sym:S? gross_bps:D? cand:S? detail:S?" },
	{ "order", "ts:I ex:S sym:S opp:i leg:N cid:S side:E=buy|sell px:D qty:D "
	    "state:E=new|sent|acked|partial|filled|canceled|rejected|unknown filled:D mode:E=paper|live "
	    "vid:i? reason:S? msg:S? tif:E?=ioc|fok role:E?=unwind" },
	{ "fill", "ts:I ex:S sym:S opp:i cid:S side:E=buy|sell px:D qty:D fee:D? fee_ccy:S "
	    "mode:E=paper|live tid:i?" },
	{ "result", "ts:I opp:i kind:E=cross|cycle status:E=complete|partial|unwound|failed|skipped "
	    "reason:S pnl:D ccy:S fees:D? exposure:A?" },
	{ "balance", "ts:I ex:S asset:S free:D locked:D?" },
	{ "risk", "ts:I rule:S action:E=refuse|kill|resume detail:S opp:i? ex:S?" },
};

/* One record of type ti; odd: how often a value, the order or the
 * spacing is unusual (0: never, canonical). */
static void
gen_rec(struct arb_buf *b, size_t ti, int odd)
{
	char kl[512], *save = NULL;

	arb_buf_reset(b);
	arb_buf_printf(b, "{\"type\":\"%s\"", gen_types[ti].type);
	snprintf(kl, sizeof kl, "%s", gen_types[ti].keys);
	for (char *k = strtok_r(kl, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		char *c = strchr(k, ':'), *en = strchr(k, '=');
		int opt = strchr(k, '?') != NULL;

		*c = '\0';
		if (opt && frnd(3) == 0)
			continue;
		if (odd && frnd((uint32_t)odd * 40) == 0)
			continue;                                   /* a key left out */
		if (odd && frnd((uint32_t)odd * 60) == 0)
			arb_buf_adds(b, ",\"zz\":1");                /* an unknown key */
		arb_buf_printf(b, odd && frnd((uint32_t)odd * 80) == 0 ? ", \"%s\" :" : ",\"%s\":", k);
		gen_val(b, c[1], en ? en + 1 : NULL, odd && frnd((uint32_t)odd * 4) == 0);
		if (odd && frnd((uint32_t)odd * 80) == 0) {       /* a key twice */
			arb_buf_printf(b, ",\"%s\":", k);
			gen_val(b, c[1], en ? en + 1 : NULL, 1);
		}
	}
	arb_buf_addc(b, '}');
	if (odd && frnd((uint32_t)odd * 40) == 0)
		arb_buf_adds(b, frnd(2) ? " " : "\r");
}

static int
differ_report(struct rec_oracle *o, const char *line, size_t len, int *shown)
{
	const char *d = rec_differ(o, line, len);

	if (d && (*shown)++ < 5)
		printf("#   fast and general paths differ (%s) on: %.*s\n", d, (int)len, line);
	return d != NULL;
}

static void
test_fast(const char *srcdir)
{
	static const char edits[] = "\"\\,:{}[]0159.eE+-tfnu \x01\x7f\x80\xff";
	struct rec_oracle o;
	struct arb_buf b = { 0 }, m = { 0 };
	char path[8192], *data, *line, *nl;
	unsigned long bad = 0, n0, f0, slow = 0;
	int shown = 0;

	rec_oracle_init(&o);
	/* the examples: each one on the fast path */
	snprintf(path, sizeof path, "%s/tests/golden/rec/examples.ndjson", srcdir);
	data = readall(path);
	n0 = 0;
	for (line = data; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		bad += differ_report(&o, line, (size_t)(nl - line), &shown);
		n0 += o.a.fast != 0 || strstr(line, "\"exposure\"") != NULL;
		if (!o.a.fast && strstr(line, "\"exposure\"") == NULL && shown++ < 5)
			printf("#   not on the fast path: %.*s\n", (int)(nl - line), line);
	}
	ok(bad == 0, "examples: the fast path agrees with the general path");
	ok(n0 == o.lines, "examples: all %lu on the fast path but a result with \"exposure\"", o.lines);

	/* canonical records of every type: all on the fast path */
	n0 = o.lines;
	f0 = o.fast;
	for (size_t t = 0; t < sizeof gen_types / sizeof gen_types[0]; t++)
		for (int i = 0; i < 300; i++) {
			gen_rec(&b, t, 0);
			bad += differ_report(&o, b.p, b.len, &shown);
			/* (a result's "exposure", any JSON, is left to the general path) */
			if (!o.a.fast && strstr(b.p, "\"exposure\"") == NULL && shown++ < 5)
				printf("#   not on the fast path: %s\n", b.p);
			slow += !o.a.fast && strstr(b.p, "\"exposure\"") == NULL;
		}
	ok(bad == 0, "canonical records: the fast path agrees");
	ok(slow == 0, "canonical records: %lu of %lu on the fast path (all without \"exposure\")",
	    o.fast - f0, o.lines - n0);

	/* odd records: some on the fast path, all agreeing */
	n0 = o.lines;
	f0 = o.fast;
	for (size_t t = 0; t < sizeof gen_types / sizeof gen_types[0]; t++)
		for (int i = 0; i < 1500; i++) {
			gen_rec(&b, t, 1 + (int)frnd(3));
			bad += differ_report(&o, b.p, b.len, &shown);
		}
	ok(bad == 0, "odd records: the fast path agrees (%lu, %lu on the fast path)",
	    o.lines - n0, o.fast - f0);

	/* every single-byte edit of some canonical records of each type:
	 * replaced by each byte of edits, removed, doubled; cut there */
	n0 = o.lines;
	f0 = o.fast;
	for (size_t t = 0; t < sizeof gen_types / sizeof gen_types[0]; t++)
		for (int r = 0; r < 2; r++) {
			gen_rec(&b, t, 0);
			for (size_t i = 0; i < b.len; i++) {
				for (size_t c = 0; c < sizeof edits - 1; c++) {
					if (b.p[i] == edits[c])
						continue;
					arb_buf_reset(&m);
					arb_buf_add(&m, b.p, b.len);
					m.p[i] = edits[c];
					bad += differ_report(&o, m.p, m.len, &shown);
				}
				arb_buf_reset(&m);
				arb_buf_add(&m, b.p, i);
				arb_buf_add(&m, b.p + i + 1, b.len - i - 1);
				bad += differ_report(&o, m.p, m.len, &shown);
				arb_buf_reset(&m);
				arb_buf_add(&m, b.p, i + 1);
				arb_buf_add(&m, b.p + i, b.len - i);
				bad += differ_report(&o, m.p, m.len, &shown);
				bad += differ_report(&o, b.p, i, &shown);
			}
		}
	ok(bad == 0, "single-byte edits: the fast path agrees (%lu, %lu on the fast path)",
	    o.lines - n0, o.fast - f0);

	/* lines that end right after a number (reads near the end) */
	{
		static const char *const tails[] = { "1", "12345678", "1.5", "61234.56", "0", "",
			"23.07100", "0.00123000", "12345.6789012345", "1234567.", "1.234567890123456" };

		for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
			arb_buf_reset(&m);
			arb_buf_printf(&m, "{\"type\":\"balance\",\"ts\":1,\"ex\":\"a\",\"asset\":\"B\",\"free\":%s", tails[i]);
			bad += differ_report(&o, m.p, m.len, &shown);
			arb_buf_addc(&m, '}');
			bad += differ_report(&o, m.p, m.len, &shown);
		}
		ok(bad == 0, "records cut after a number");
	}

	/* books with each of these numbers as a price and as a quantity, in
	 * either side, last or not: read lazily (arb-detect's mode), lv_plain
	 * must be right; and every line so far read lazily agreed */
	{
		static const char *const nums[] = { "0", "-0", "0.0", "-0.0", "0.00000000",
			"0.000000001", "1", "-1", "23.07100", "-23.07100", "0.0012300", "-0.0012300",
			"12345.6789012345", "-12345.6789012345", "0.000000000000000", "-0.00000000000000",
			"1.234567890123456", "00", "1.", "123456789012345678", "1234567890123456789",
			"-9", "0.1", "-0.1", "99999999.9999999" };
		size_t nn = sizeof nums / sizeof nums[0];
		unsigned long lz0 = o.lazy;

		for (size_t i = 0; i < nn; i++)
			for (size_t k = 0; k < nn; k++)
				for (int w = 0; w < 3; w++) {
					arb_buf_reset(&m);
					arb_buf_printf(&m, "{\"type\":\"book\",\"ts\":1,\"rt\":2,\"ex\":\"a\","
					    "\"sym\":\"B/C\",\"ok\":true,\"depth\":2,\"bids\":%s%s,%s%s,"
					    "\"asks\":%s%s,%s%s}",
					    w == 0 ? "[[" : "[[1,1],[", nums[i], nums[k], "]]",
					    w == 1 ? "[[" : "[[2,1],[", nums[i], nums[k], w == 2 ? "],[3,0]]" : "]]");
					bad += differ_report(&o, m.p, m.len, &shown);
				}
		ok(bad == 0, "odd levels: the lazy reading agrees (%lu books read lazily)",
		    o.lazy - lz0);
		ok(o.lazy - lz0 > 300, "odd levels: more than 300 read lazily");
	}
	/* books in our order with every field at the edges of the lazy
	 * reading's shortcuts (16-digit timestamps, ex and sym found in 16
	 * bytes, one- and two-digit integers, the best level from 32 bytes,
	 * numbers of up to 16 characters), in random combinations */
	{
		static const char *const ts[] = { "1700000000000403", "1000000000000000",
			"9999999999999999", "0700000000000403", "170000000000040", "17000000000004031",
			"1700000000000403.5", "-1700000000000403", "170000000000040a", "0", "-0",
			"123456789012345678", "1234567890123456789" };
		static const char *const str[] = { "\"a\"", "\"binance\"", "\"abcdefghijklmno\"",
			"\"abcdefghijklmnop\"", "\"abcdefghijklmnopq\"", "\"\"", "\"a\\\"b\"", "\"a\tb\"",
			"\"caf\xc3\xa9\"", "\"\x7f\x80\xff\"", "\"B18/BTC\"",
			"\"abcdefghijklmnopqrstuvwxyz0123456789ABC\"",
			"\"abcdefghijklmnopqrstuvwxyz0123456789ABCD\"", "7" };
		static const char *const small[] = { "3", "10", "0", "1", "99", "100", "09", "00",
			"-1", "-0", "1.0", "2147483647", "2147483648", "1e2", "x" };
		static const char *const num[] = { "0.002739402", "263", "42.04534", "12.20", "0",
			"0.0", "0.000", "1.234567890123456", "12345678.9012345", "123456789.0123456",
			"1234567890123456", "12345678901234567", "0.0000000000000001", "00.1", "01",
			"1.", ".5", "-1", "-0.5", "1e5", "1.5.5", "99999999", "7.25" };
		size_t nt = sizeof ts / sizeof ts[0], ns = sizeof str / sizeof str[0];
		size_t ni = sizeof small / sizeof small[0], nn = sizeof num / sizeof num[0];
		unsigned long lz0 = o.lazy;

		for (int i = 0; i < 20000; i++) {
			int depth = (int)frnd(3), odd = frnd(2) == 0;

			arb_buf_reset(&m);
			arb_buf_printf(&m, "{\"type\":\"book\",\"ts\":%s,\"rt\":%s,\"ex\":%s,\"sym\":%s",
			    odd ? ts[frnd((uint32_t)nt)] : ts[0], odd ? ts[frnd((uint32_t)nt)] : ts[1],
			    odd ? str[frnd((uint32_t)ns)] : str[1], odd ? str[frnd((uint32_t)ns)] : str[10]);
			if (frnd(4))
				arb_buf_printf(&m, ",\"seq\":%s", odd ? small[frnd((uint32_t)ni)] : "3");
			arb_buf_printf(&m, ",\"ok\":%s,\"depth\":%s", frnd(2) ? "true" : "false",
			    odd ? small[frnd((uint32_t)ni)] : "1");
			for (int side = 0; side < 2; side++) {
				arb_buf_adds(&m, side ? ",\"asks\":[" : ",\"bids\":[");
				for (int k = 0; k < depth; k++)
					arb_buf_printf(&m, "%s[%s,%s]", k ? "," : "",
					    odd && frnd(2) ? num[frnd((uint32_t)nn)] : num[frnd(4)],
					    odd && frnd(2) ? num[frnd((uint32_t)nn)] : num[1 + frnd(3)]);
				arb_buf_addc(&m, ']');
			}
			arb_buf_addc(&m, '}');
			bad += differ_report(&o, m.p, m.len, &shown);
		}
		ok(bad == 0, "books at the lazy reading's edges agree (%lu read lazily)", o.lazy - lz0);
		ok(o.lazy - lz0 > 5000, "books at the edges: more than 5000 read lazily");
	}
	ok(bad == 0 && o.lazy > 1000, "lazy (arb-detect's mode): %lu books read lazily, all agreeing",
	    o.lazy);
	rec_oracle_free(&o);
	arb_buf_free(&b);
	arb_buf_free(&m);
	free(data);
}

int
main(int argc, char **argv)
{
	const char *srcdir = getenv("top_srcdir");
	char dir[4096], path[8192];

	/* without top_srcdir (valgrind in .ci/run): the tree this binary is in */
	if (!srcdir) {
		const char *slash = strrchr(argv[0], '/');

		snprintf(dir, sizeof dir, "%.*s/../..", slash ? (int)(slash - argv[0]) : 1,
		    slash ? argv[0] : ".");
		srcdir = dir;
		snprintf(path, sizeof path, "%s/tests/golden/rec/examples.ndjson", dir);
		if (access(path, R_OK) != 0)
			srcdir = ".";   /* a VPATH build run from the source tree */
	}
	arb_rec_init(&R);
	test_examples(srcdir);
	test_common();
	test_reasons();
	test_access();
	test_book();
	test_emit();
	test_badlines();
	test_fast(srcdir);
	arb_rec_free(&R);
	return done_testing();
}
