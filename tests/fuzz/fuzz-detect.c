/*
 * fuzz-detect.c: libFuzzer target for arb-detect's engine (detect.h,
 * detect_size.h).  The input is a record stream, read as arb-detect reads
 * it (arb_reader from a file: lines, CRLF, bad UTF-8 and NUL skipped;
 * arb_rec_parse with lazy books; a bad record skipped, a record passed
 * through before it is fed, one whose content the engine refuses still
 * passed through), after optional header lines that stand for the
 * options:
 *
 *   #opt legs=N nocross explain bps=DEC minp=[CCY=]DEC notional=[CCY=]DEC
 *        ttl=US age=[VENUE=]US start=CCY,... alias=FROM=TO uqty=PCT
 *        uprofit=PCT
 *   #fee VENUE SYMBOL key=value ...       (one line of a --fees file)
 *
 * Without an #opt line the input's length chooses max legs, cross on or
 * off and --explain.  What is checked:
 *
 *   - every record the engine adds is a whole line that arb_rec_parse
 *     accepts, an opportunity or (with explain) a reject, at the record
 *     clock (the largest ts read so far);
 *   - the engine leaves the input line as it was (the pass-through is
 *     byte for byte: arb-detect writes the line itself, before feeding);
 *   - an opportunity: new only with an id never used before (ending in
 *     ":TS", or ":TS-N" for a reappearance within the same TS),
 *     update and gone only for an open one, gone repeating the last
 *     values; for new and update: kind and leg count within the options,
 *     profit = proceeds - cost > 0, qty = the first leg's, expires =
 *     ts + ttl, --min-profit, --min-profit-bps and --max-notional kept,
 *     net_bps = profit / cost rounded toward zero, every leg's qty on
 *     its lot and px on its tick (the last instrument record over the
 *     fee lines), book_ts the leg's last book, in sync, its last record
 *     good (levels best first, prices > 0, quantities >= 0) and not
 *     older than --max-age; without --alias, the amounts against the
 *     legs (check_amounts: cost and proceeds from the first and last
 *     legs' quantities, prices and fees, in the profit currency);
 *   - bad book records (book_expect): read in full, each one refused
 *     with its reason ("bad book level", "bids not best first at level
 *     N", the first disorder of the bids, else of the asks), a good one
 *     taken; read lazily, the same, but levels out of order may be
 *     found later instead (arb_detect_late): then with the same reason,
 *     the record's line, once, and never a good record's;
 *   - determinism, and the lazy reading of books (rec.h): a second
 *     fresh engine fed records parsed in full gives the same bytes;
 *   - --explain (on if it was off, off if it was on) only adds reject
 *     records: the rest of the output is the same (arb-detect(1) says
 *     that a refusal without --explain changes nothing written later);
 *   - the output read again (a second arb-detect in the pipe) gives the
 *     same output with each group of added records twice: records the
 *     engine adds do not change its state.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-detect.c (all of lib/) -o fuzz-detect
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>

#include "fuzz-file.h"
#include "dec.h"
#include "detect.h"
#include "detect_size.h"
#include "fees.h"
#include "io.h"
#include "json.h"
#include "log.h"
#include "rec.h"

#define CHECK(c) do { if (!(c)) fail(#c, __LINE__); } while (0)
#define NMAX 8

static const char *cur_line;   /* the engine line being checked */

static void fail(const char *what, int line) __attribute__((__noreturn__));

static void
fail(const char *what, int line)
{
	fprintf(stderr, "fuzz-detect:%d: %s\n%s%s", line, what, cur_line ? cur_line : "",
	    cur_line ? "\n" : "");
	abort();
}

struct cfg {
	struct arb_detect_opts o;
	struct arb_ccyamt minp[NMAX], notional[NMAX];
	struct arb_venue_age ages[NMAX];
	struct arb_alias aliases[NMAX];
	char start[NMAX][ARB_CCY_MAX];
	struct arb_fees fees;
	int has_fees;
};

static int
dec_of(const char *s, size_t n, arb_dec *d)
{
	const char *why;
	return arb_dec_parse(d, s, n, &why) < 0 || arb_dec_sign(*d) < 0 ? -1 : 0;
}

static int
us_of(const char *s, size_t n, int64_t *v)
{
	int64_t x = 0;
	size_t i;
	if (n == 0 || n > 12)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/* [CCY=]DEC into a, one more of at most NMAX */
static void
ccyamt_of(const char *s, size_t n, struct arb_ccyamt *a, int *na)
{
	const char *eq = memchr(s, '=', n);
	struct arb_ccyamt x;

	memset(&x, 0, sizeof(x));
	if (*na >= NMAX)
		return;
	if (eq) {
		if (eq == s || (size_t)(eq - s) >= sizeof(x.ccy))
			return;
		memcpy(x.ccy, s, (size_t)(eq - s));
		n -= (size_t)(eq - s) + 1;
		s = eq + 1;
	}
	if (dec_of(s, n, &x.v) == 0)
		a[(*na)++] = x;
}

static void
opt_word(struct cfg *c, const char *w, size_t n)
{
	struct arb_detect_opts *o = &c->o;
	const char *v = memchr(w, '=', n);
	size_t kn = v ? (size_t)(v - w) : n, vn = v ? n - kn - 1 : 0;
	int64_t x;

	if (v)
		v++;
#define KEY(k) (kn == sizeof(k) - 1 && memcmp(w, k, kn) == 0)
	if (KEY("legs") && v && vn == 1 && *v >= '2' && *v <= '0' + ARB_DLEGS_MAX)
		o->max_legs = *v - '0';
	else if (KEY("nocross"))
		o->cross = 0;
	else if (KEY("explain"))
		o->explain = 1;
	else if (KEY("bps") && v)
		(void)dec_of(v, vn, &o->min_profit_bps);
	else if (KEY("minp") && v)
		ccyamt_of(v, vn, c->minp, &o->nmin_profit);
	else if (KEY("notional") && v)
		ccyamt_of(v, vn, c->notional, &o->nmax_notional);
	else if (KEY("uqty") && v)
		(void)dec_of(v, vn, &o->update_qty_pct);
	else if (KEY("uprofit") && v)
		(void)dec_of(v, vn, &o->update_profit_pct);
	else if (KEY("ttl") && v && us_of(v, vn, &x) == 0)
		o->ttl = x;
	else if (KEY("age") && v) {
		const char *eq = memchr(v, '=', vn);
		if (!eq)
			(void)us_of(v, vn, &o->max_age);
		else if (eq > v && (size_t)(eq - v) < ARB_EX_MAX && o->nages < NMAX &&
		    us_of(eq + 1, vn - (size_t)(eq - v) - 1, &x) == 0) {
			struct arb_venue_age *a = &c->ages[o->nages++];
			memset(a, 0, sizeof(*a));
			memcpy(a->ex, v, (size_t)(eq - v));
			a->us = x;
		}
	} else if (KEY("alias") && v) {
		const char *eq = memchr(v, '=', vn);
		size_t fn = eq ? (size_t)(eq - v) : 0, tn = eq ? vn - fn - 1 : 0;
		if (eq && fn > 0 && tn > 0 && fn < ARB_CCY_MAX && tn < ARB_CCY_MAX &&
		    o->naliases < NMAX) {
			struct arb_alias *a = &c->aliases[o->naliases++];
			memset(a, 0, sizeof(*a));
			memcpy(a->from, v, fn);
			memcpy(a->to, eq + 1, tn);
		}
	} else if (KEY("start") && v) {
		size_t i = 0;
		o->nstart = 0;
		while (i < vn && o->nstart < NMAX) {
			size_t j = i;
			while (j < vn && v[j] != ',')
				j++;
			if (j > i && j - i < ARB_CCY_MAX) {
				memset(c->start[o->nstart], 0, ARB_CCY_MAX);
				memcpy(c->start[o->nstart++], v + i, j - i);
			}
			i = j + 1;
		}
	}
#undef KEY
}

/* Reads the header lines into c; returns the offset of the stream. */
static size_t
cfg_read(struct cfg *c, const uint8_t *data, size_t size)
{
	static const char defstart[][ARB_CCY_MAX] = { "USD", "USDT", "USDC", "EUR", "GBP", "BTC", "ETH" };
	struct arb_buf ft = { 0 };
	const char *p = (const char *)data, *e = p + size;
	int i, has_opt = 0;
	char err[256];

	memset(c, 0, sizeof(*c));
	arb_detect_opts_init(&c->o);
	c->o.min_profit = c->minp;
	c->o.max_notional = c->notional;
	c->o.ages = c->ages;
	c->o.aliases = c->aliases;
	c->o.start = c->start;
	for (i = 0; i < 7; i++)
		memcpy(c->start[i], defstart[i], ARB_CCY_MAX);
	c->o.nstart = 7;
	while (p < e && e - p >= 5 && (memcmp(p, "#opt", 4) == 0 || memcmp(p, "#fee", 4) == 0)) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *q;
		const char *le = nl ? nl : e;
		if (p[1] == 'f') {
			arb_buf_add(&ft, p + 4, (size_t)(le - p - 4));
			arb_buf_addc(&ft, '\n');
		} else {
			has_opt = 1;
			for (q = p + 4; q < le;) {
				const char *w;
				while (q < le && (*q == ' ' || *q == '\t'))
					q++;
				for (w = q; q < le && *q != ' ' && *q != '\t'; q++)
					;
				if (q > w)
					opt_word(c, w, (size_t)(q - w));
			}
		}
		p = nl ? nl + 1 : e;
	}
	if (!has_opt) {
		c->o.max_legs = 2 + (int)(size % ARB_DLEGS_MAX);
		c->o.cross = c->o.max_legs == 2 || (size / 8) % 2 == 0;
		c->o.explain = (size / 16) % 2;
	}
	arb_fees_init(&c->fees);
	if (ft.len && arb_fees_parse(&c->fees, ft.p, ft.len, "fees", err, sizeof(err)) == 0) {
		c->has_fees = 1;
		c->o.fees = &c->fees;
	}
	arb_buf_free(&ft);
	return (size_t)(p - (const char *)data);
}

/* ---- the model: what the checks need to know of the stream ---- */

struct mbook {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	char base[ARB_CCY_MAX], quote[ARB_CCY_MAX];
	int have_book, bad, known;
	int64_t ts;
	struct arb_fee_ent inst;
};

/* tick, lot and taker fee known: the engine uses the book, and its base
 * and quote are set for good */
static int
usable(const struct mbook *b)
{
	unsigned need = ARB_FH_TAKER | ARB_FH_LOT | ARB_FH_TICK;
	return (b->inst.has & need) == need;
}

struct mopen {
	char *id, *tail;
	int open;
};

struct model {
	const struct cfg *c;
	int64_t now;
	struct mbook *b;
	size_t nb, capb;
	struct mopen *op;
	size_t nop, capop;
	struct arb_rec r;        /* an added record, parsed again */
};

static struct mbook *
mbook(struct model *m, const char *ex, const char *sym, int create)
{
	struct mbook *b;
	const char *sl;
	size_t i;
	for (i = 0; i < m->nb; i++)
		if (strcmp(m->b[i].ex, ex) == 0 && strcmp(m->b[i].sym, sym) == 0)
			return &m->b[i];
	if (!create)
		return NULL;
	if (m->nb == m->capb) {
		m->capb = m->capb ? 2 * m->capb : 16;
		xrealloc(&m->b, m->capb * sizeof(*m->b));
	}
	b = &m->b[m->nb++];
	memset(b, 0, sizeof(*b));
	snprintf(b->ex, ARB_EX_MAX, "%s", ex);
	snprintf(b->sym, ARB_SYM_MAX, "%s", sym);
	/* BASE/QUOTE until an instrument record says otherwise */
	sl = strchr(sym, '/');
	snprintf(b->base, ARB_CCY_MAX, "%.*s", sl ? (int)(sl - sym) : (int)strlen(sym), sym);
	snprintf(b->quote, ARB_CCY_MAX, "%s", sl ? sl + 1 : "");
	arb_fees_apply(m->c->o.fees, ex, sym, &b->inst);
	b->known = usable(b);
	return b;
}

/*
 * Why the engine must refuse a book record, into exp (arb-detect(1)):
 * "bad book level" when a price is <= 0 or a quantity < 0, else "bids
 * not best first at level N" (or asks) for the first level whose price is
 * better than the one before it, bids first; "" for a good record.
 * Returns -1 when the levels cannot be read (nothing is expected).
 */
static int
book_expect(const struct arb_rec *r, char *exp, size_t cap)
{
	static struct arb_book_rec bk;
	uint32_t i;
	int side;

	exp[0] = '\0';
	if (arb_rec_book(r, &bk) < 0)
		return -1;
	for (side = 0; side < 2; side++) {
		const struct arb_level *lv = side ? bk.asks : bk.bids;
		uint32_t n = side ? bk.nasks : bk.nbids;
		for (i = 0; i < n; i++)
			if (arb_dec_sign(lv[i].px) <= 0 || arb_dec_sign(lv[i].qty) < 0) {
				snprintf(exp, cap, "bad book level");
				return 0;
			}
	}
	for (side = 0; side < 2; side++) {
		const struct arb_level *lv = side ? bk.asks : bk.bids;
		uint32_t n = side ? bk.nasks : bk.nbids;
		for (i = 1; i < n; i++) {
			int c = arb_dec_cmp(lv[i].px, lv[i - 1].px);
			if (side ? c < 0 : c > 0) {
				snprintf(exp, cap, "%s not best first at level %" PRIu32,
				    side ? "asks" : "bids", i + 1);
				return 0;
			}
		}
	}
	return 0;
}

/* An input record fed to the engine: rc its answer; ok and exp (""
 * when none is known), a book's, read before the feed (which takes the
 * levels).  A book record with levels out of order is taken, but its
 * book is refused until its next good record; one with a bad level
 * leaves the book's levels but refuses it too. */
static void
model_feed(struct model *m, const struct arb_rec *r, int rc, int ok, const char *exp)
{
	struct mbook *b;
	size_t i;

	if (r->type == ARB_R_BOOK && strcmp(exp, "bad book level") == 0) {
		if ((b = mbook(m, r->ex, r->sym, 0)) != NULL)
			b->bad = 1;
		return;
	}
	if (rc < 0 && !(r->type == ARB_R_BOOK && exp[0]))
		return;
	switch (r->type) {
	case ARB_R_BOOK:
		b = mbook(m, r->ex, r->sym, 1);
		b->have_book = 1;
		b->ts = r->ts;
		b->bad = !ok || exp[0] != '\0';
		break;
	case ARB_R_INSTRUMENT: {
		char base[ARB_CCY_MAX], quote[ARB_CCY_MAX];
		arb_dec v;
		b = mbook(m, r->ex, r->sym, 1);
		memset(&b->inst, 0, sizeof(b->inst));
		if (arb_rec_dec(r, "tick", &v) == 0) {
			b->inst.tick = v;
			b->inst.has |= ARB_FH_TICK;
		}
		if (arb_rec_dec(r, "lot", &v) == 0) {
			b->inst.lot = v;
			b->inst.has |= ARB_FH_LOT;
		}
		if (arb_rec_dec(r, "taker_fee", &v) == 0)
			b->inst.has |= ARB_FH_TAKER;
		if (!b->known && arb_rec_str(r, "base", base, sizeof(base)) == 0 &&
		    arb_rec_str(r, "quote", quote, sizeof(quote)) == 0) {
			snprintf(b->base, ARB_CCY_MAX, "%s", base);
			snprintf(b->quote, ARB_CCY_MAX, "%s", quote);
		}
		arb_fees_apply(m->c->o.fees, r->ex, r->sym, &b->inst);
		b->known |= usable(b);
		break;
	}
	case ARB_R_STATUS: {
		char st[32];
		if (arb_rec_str(r, "state", st, sizeof(st)) < 0 ||
		    (strcmp(st, "gap") && strcmp(st, "resync") && strcmp(st, "disconnected") &&
		    strcmp(st, "stale")))
			break;
		for (i = 0; i < m->nb; i++)
			if (strcmp(m->b[i].ex, r->ex) == 0 && (!r->sym[0] || strcmp(m->b[i].sym, r->sym) == 0))
				m->b[i].bad = 1;
		break;
	}
	default:
		break;
	}
}

static struct mopen *
mopen_find(struct model *m, const char *id)
{
	size_t i;
	for (i = 0; i < m->nop; i++)
		if (strcmp(m->op[i].id, id) == 0)
			return &m->op[i];
	return NULL;
}

static int
get_dec(const struct arb_json *j, int obj, const char *key, arb_dec *d)
{
	const char *why;
	int i = arb_json_get(j, obj, key);
	return i < 0 || j->t[i].type != ARB_J_NUM || arb_json_dec(j, i, d, &why) < 0 ? -1 : 0;
}

static int
get_i64(const struct arb_json *j, int obj, const char *key, int64_t *v)
{
	int i = arb_json_get(j, obj, key);
	return i < 0 || j->t[i].type != ARB_J_NUM || arb_json_i64(j, i, v) < 0 ? -1 : 0;
}

static int
get_str(const struct arb_json *j, int obj, const char *key, char *buf, size_t cap)
{
	int i = arb_json_get(j, obj, key);
	return i < 0 || arb_json_str(j, i, buf, cap) < 0 ? -1 : 0;
}

/* The amount for ccy as the engine picks it (arb-detect(1), -m). */
static const arb_dec *
amt_for(const struct arb_ccyamt *a, int n, const char *ccy)
{
	int i;
	for (i = n - 1; i >= 0; i--)
		if (strcmp(a[i].ccy, ccy) == 0)
			return &a[i].v;
	for (i = n - 1; i >= 0; i--)
		if (a[i].ccy[0] == '\0')
			return &a[i].v;
	return NULL;
}

static int64_t
age_for(const struct cfg *c, const char *ex)
{
	int i;
	int64_t a = c->o.max_age;
	for (i = 0; i < c->o.nages; i++)
		if (strcmp(c->o.ages[i].ex, ex) == 0)
			a = c->o.ages[i].us;
	return a;
}

/* One leg of an opportunity, as written. */
struct leg {
	int buy;
	arb_dec px, qty, fee;
	char feeccy[ARB_CCY_MAX + 8];
	const struct mbook *b;
};

/* Does the leg pay its fee in what it spends? -1 when base and quote are
 * the same currency and the record cannot tell. */
static int
fee_spent(const struct leg *l)
{
	if (strcmp(l->b->base, l->b->quote) == 0)
		return -1;
	return strcmp(l->feeccy, l->buy ? l->b->quote : l->b->base) == 0;
}

/* a == b + c */
static int
is_sum(arb_dec a, arb_dec b, arb_dec c)
{
	arb_dec t;
	return arb_dec_add(&t, b, c) == 0 && arb_dec_cmp(a, t) == 0;
}

/*
 * The amounts against the legs (arb-detect(1), Sizing): what the first
 * leg spends is the cost, what the last receives the proceeds; a buy's
 * notional is at most px * qty (px is its worst level: the engine
 * refuses a book whose levels are not best first, and check_opp checks
 * that no leg is on one), a sell's at least; a sell after a buy spends
 * at most what the buy received; a cross without fees in base trades
 * the same quantity on both legs.
 */
static void
check_amounts(const struct leg *lv, int n, const char *ccy, arb_dec cost, arb_dec proceeds,
    int cross)
{
	const struct leg *f = &lv[0], *l = &lv[n - 1];
	arb_dec pq, t;
	int fs, i;

	if ((fs = fee_spent(f)) >= 0) {
		CHECK(strcmp(f->buy ? f->b->quote : f->b->base, ccy) == 0);
		if (f->buy) {
			/* cost = N + fee (fee in quote) or N */
			CHECK(fs ? arb_dec_sub(&t, cost, f->fee) == 0 : (t = cost, 1));
			if (arb_dec_mul(&pq, f->px, f->qty) == 0)
				CHECK(arb_dec_cmp(t, pq) <= 0);
		} else
			CHECK(fs ? is_sum(cost, f->qty, f->fee) : arb_dec_cmp(cost, f->qty) == 0);
	}
	if ((fs = fee_spent(l)) >= 0) {
		CHECK(strcmp(l->buy ? l->b->base : l->b->quote, ccy) == 0);
		if (l->buy)
			/* proceeds = q - fee (fee in base) or q */
			CHECK(fs ? arb_dec_cmp(proceeds, l->qty) == 0 : is_sum(l->qty, proceeds, l->fee));
		else {
			/* proceeds = N - fee (fee in quote) or N */
			CHECK(fs ? (t = proceeds, 1) : arb_dec_add(&t, proceeds, l->fee) == 0);
			if (arb_dec_mul(&pq, l->px, l->qty) == 0)
				CHECK(arb_dec_cmp(t, pq) >= 0);
		}
	}
	for (i = 0; i + 1 < n; i++) {
		const struct leg *a = &lv[i], *b = &lv[i + 1];
		arb_dec got, spend;
		int fa = fee_spent(a), fb = fee_spent(b);
		if (!a->buy || b->buy || fa < 0 || fb < 0)
			continue;
		/* the buy received q (- fee in base), the sell spends q (+ fee in base) */
		if (fa == 0 ? arb_dec_sub(&got, a->qty, a->fee) < 0 : (got = a->qty, 0))
			continue;
		if (fb == 1 ? arb_dec_add(&spend, b->qty, b->fee) < 0 : (spend = b->qty, 0))
			continue;
		CHECK(arb_dec_cmp(spend, got) <= 0);
	}
	if (cross && fee_spent(&lv[0]) == 1 && fee_spent(&lv[1]) == 0)
		CHECK(arb_dec_cmp(lv[0].qty, lv[1].qty) == 0);
}

static void
check_opp(struct model *m, const struct arb_json *j, const char *line)
{
	const struct arb_detect_opts *o = &m->c->o;
	char id[512], kind[16], event[16], ccy[ARB_CCY_MAX + 8], ts[32];
	arb_dec qty, cost, proceeds, profit, netbps, x, y;
	const arb_dec *lim;
	struct mopen *op;
	int legs, bts, n, i;
	int64_t expires;
	const char *tail, *p;
	struct leg lv[ARB_DLEGS_MAX];

	CHECK(get_str(j, 0, "id", id, sizeof(id)) == 0);
	CHECK(get_str(j, 0, "kind", kind, sizeof(kind)) == 0);
	CHECK(get_str(j, 0, "event", event, sizeof(event)) == 0);
	tail = strstr(line, ",\"legs\":");
	CHECK(tail != NULL);
	op = mopen_find(m, id);
	if (strcmp(event, "gone") == 0) {
		CHECK(op && op->open);
		CHECK(strcmp(op->tail, tail) == 0);
		op->open = 0;
		return;
	}
	if (strcmp(event, "new") == 0) {
		/* never an id used before: after gone, a new one */
		CHECK(op == NULL);
		snprintf(ts, sizeof(ts), ":%" PRId64, m->now);
		CHECK((p = strstr(id, ts)) != NULL && (p[strlen(ts)] == '\0' ||
		    (p[strlen(ts)] == '-' && strchr(p + 1, ':') == NULL)));
		if (m->nop == m->capop) {
			m->capop = m->capop ? 2 * m->capop : 16;
			xrealloc(&m->op, m->capop * sizeof(*m->op));
		}
		op = &m->op[m->nop++];
		op->id = xstrdup(id);
		op->tail = NULL;
		op->open = 1;
	} else {
		CHECK(strcmp(event, "update") == 0);
		CHECK(op && op->open);
	}
	free(op->tail);
	op->tail = xstrdup(tail);

	legs = arb_json_get(j, 0, "legs");
	bts = arb_json_get(j, 0, "book_ts");
	CHECK(legs > 0 && j->t[legs].type == ARB_J_ARR && bts > 0 && j->t[bts].type == ARB_J_ARR);
	n = (int)j->t[legs].n;
	CHECK(j->t[bts].n == (uint32_t)n);
	if (strcmp(kind, "cross") == 0)
		CHECK(o->cross && n == 2);
	else
		CHECK(strcmp(kind, "cycle") == 0 && n >= 3 && n <= o->max_legs);
	CHECK(n <= ARB_DLEGS_MAX);
	CHECK(get_dec(j, 0, "qty", &qty) == 0 && get_dec(j, 0, "cost", &cost) == 0 &&
	    get_dec(j, 0, "proceeds", &proceeds) == 0 && get_dec(j, 0, "profit", &profit) == 0 &&
	    get_dec(j, 0, "net_bps", &netbps) == 0);
	CHECK(get_str(j, 0, "ccy", ccy, sizeof(ccy)) == 0);
	CHECK(get_i64(j, 0, "expires", &expires) == 0);
	CHECK(expires == m->now + o->ttl);
	CHECK(arb_dec_sign(cost) > 0 && arb_dec_sign(profit) > 0);
	CHECK(arb_dec_sub(&x, proceeds, cost) == 0 && arb_dec_cmp(x, profit) == 0);
	/* net_bps = profit / cost * 10000, toward zero to 2 decimals */
	CHECK(arb_dec_bps(&x, profit, cost) == 0 && arb_dec_cmp(x, netbps) == 0);
	if ((lim = amt_for(o->min_profit, o->nmin_profit, ccy)))
		CHECK(arb_dec_cmp(profit, *lim) >= 0);
	if ((lim = amt_for(o->max_notional, o->nmax_notional, ccy)))
		CHECK(arb_dec_cmp(cost, *lim) <= 0);
	if (arb_dec_sign(o->min_profit_bps) > 0 &&
	    arb_dec_mul(&x, profit, arb_dec_make(10000, 0)) == 0 &&
	    arb_dec_mul(&y, o->min_profit_bps, cost) == 0)
		CHECK(arb_dec_cmp(x, y) >= 0);
	for (i = 0; i < n; i++) {
		int l = arb_json_at(j, legs, (uint32_t)i), k;
		char ex[ARB_EX_MAX + 8], sym[ARB_SYM_MAX + 8], side[8];
		arb_dec px, lq, fee;
		int64_t bt;
		struct mbook *b;
		struct leg *lg = &lv[i];

		CHECK(l > 0 && j->t[l].type == ARB_J_OBJ);
		CHECK(get_str(j, l, "ex", ex, sizeof(ex)) == 0 && get_str(j, l, "sym", sym, sizeof(sym)) == 0);
		CHECK(get_str(j, l, "side", side, sizeof(side)) == 0 &&
		    (strcmp(side, "buy") == 0 || strcmp(side, "sell") == 0));
		CHECK(get_dec(j, l, "px", &px) == 0 && get_dec(j, l, "qty", &lq) == 0 &&
		    get_dec(j, l, "fee", &fee) == 0);
		CHECK(arb_dec_sign(px) > 0 && arb_dec_sign(lq) > 0 && arb_dec_sign(fee) >= 0);
		if (i == 0)
			CHECK(arb_dec_cmp(lq, qty) == 0);
		k = arb_json_at(j, bts, (uint32_t)i);
		CHECK(k > 0 && j->t[k].type == ARB_J_NUM && arb_json_i64(j, k, &bt) == 0);
		b = mbook(m, ex, sym, 0);
		CHECK(b != NULL && b->have_book);
		CHECK(bt == b->ts);
		CHECK(!b->bad);
		if (age_for(m->c, ex) > 0)
			CHECK(m->now - bt <= age_for(m->c, ex));
		CHECK((b->inst.has & (ARB_FH_LOT | ARB_FH_TICK)) == (ARB_FH_LOT | ARB_FH_TICK));
		CHECK(arb_dec_is_multiple(lq, b->inst.lot));
		CHECK(arb_dec_is_multiple(px, b->inst.tick));
		CHECK(get_str(j, l, "fee_ccy", lg->feeccy, sizeof(lg->feeccy)) == 0);
		CHECK(strcmp(lg->feeccy, b->base) == 0 || strcmp(lg->feeccy, b->quote) == 0);
		lg->buy = side[0] == 'b';
		lg->px = px;
		lg->qty = lq;
		lg->fee = fee;
		lg->b = b;
	}
	if (o->naliases == 0)
		check_amounts(lv, n, ccy, cost, proceeds, kind[1] == 'r');
}

/* Checks the records the engine added for one input record. */
static void
check_added(struct model *m, const char *p, size_t n)
{
	const char *e;
	char why[256], type[16];
	struct arb_buf one = { 0 };

	if (n == 0)
		return;
	e = p + n;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		int64_t ts;
		CHECK(nl != NULL);
		arb_buf_reset(&one);
		arb_buf_add(&one, p, (size_t)(nl - p));
		arb_buf_addc(&one, '\0');
		cur_line = one.p;
		CHECK(arb_utf8_check(p, (size_t)(nl - p)) == NULL);
		CHECK(arb_rec_parse(&m->r, p, (size_t)(nl - p), why, sizeof(why)) == 0);
		CHECK(arb_rec_i64(&m->r, "ts", &ts) == 0 && ts == m->now);
		CHECK(arb_rec_str(&m->r, "type", type, sizeof(type)) == 0);
		if (m->r.type == ARB_R_OPPORTUNITY)
			check_opp(m, &m->r.j, one.p);
		else
			CHECK(m->r.type == ARB_R_REJECT && m->c->o.explain);
		cur_line = NULL;
		p = nl + 1;
	}
	arb_buf_free(&one);
}

/* One record passed through and the records added for it. */
struct group {
	size_t off, len, add;
};

/* What is known of each input line (by number) of a run: the reason a
 * book record must be refused for (book_expect), whether the engine
 * gave one, and whether it was reported late. */
struct lexp {
	char exp[48];
	int known, refused, late;
};

/* The records found bad late (arb_detect_late), after a feed: each one a
 * book record fed before whose levels are out of order, with the reason
 * expected, not refused when fed, reported once. */
static void
check_late(struct arb_detect *d, const struct lexp *le, size_t nle, int *seen)
{
	const char *src;
	uint64_t line;
	char why[256];

	while (arb_detect_late(d, &src, &line, why, sizeof(why))) {
		CHECK(src != NULL && strcmp(src, "stdin") == 0);
		CHECK(line > 0 && line < nle && le[line].known);
		CHECK(strstr(le[line].exp, " not best first at level ") != NULL);
		CHECK(strcmp(why, le[line].exp) == 0);
		CHECK(!le[line].refused && !seen[line]);
		seen[line] = 1;
	}
}

/*
 * Runs path through a fresh engine as arb-detect does, reading books
 * lazily (as arb-detect) or not; the output in out, and its groups in g.
 * With check, the records added are checked against the model.
 */
static void
run(const struct cfg *c, const char *path, int lazy, int check, struct arb_buf *out,
    struct group **g, size_t *ng)
{
	struct arb_detect *d = arb_detect_new(&c->o);
	struct arb_reader rd;
	struct arb_rec rec;
	struct arb_buf add = { 0 }, copy = { 0 };
	struct model m;
	struct lexp *le = NULL;
	int *seen = NULL;
	char *line, why[256], exp[48];
	size_t len, capg = 0, cle = 0, i;
	int fd, rc, ok;

	memset(&m, 0, sizeof(m));
	m.c = c;
	arb_rec_init(&m.r);
	if ((fd = open(path, O_RDONLY)) < 0)
		abort();
	arb_reader_init(&rd, fd, "stdin");
	arb_detect_where(d, "stdin", &rd.lineno);
	arb_rec_init(&rec);
	rec.lazy = lazy;
	*g = NULL;
	*ng = 0;
	while ((rc = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
		if (rc == ARB_RD_ERR)
			abort();
		if (rd.lineno >= cle) {
			size_t n = cle ? 2 * cle : 64;
			while (n <= rd.lineno)
				n *= 2;
			xrealloc(&le, n * sizeof(*le));
			xrealloc(&seen, n * sizeof(*seen));
			memset(le + cle, 0, (n - cle) * sizeof(*le));
			memset(seen + cle, 0, (n - cle) * sizeof(*seen));
			cle = n;
		}
		if (rc == ARB_RD_BAD || arb_rec_parse(&rec, line, len, why, sizeof(why)) < 0)
			continue;
		if (*ng == capg) {
			capg = capg ? 2 * capg : 64;
			xrealloc(g, capg * sizeof(**g));
		}
		(*g)[*ng].off = out->len;
		(*g)[*ng].len = len + 1;
		arb_buf_add(out, line, len);
		arb_buf_addc(out, '\n');
		arb_buf_reset(&copy);
		arb_buf_add(&copy, line, len);
		arb_buf_reset(&add);
		why[0] = '\0';
		if (rec.has_ts && rec.ts > m.now)
			m.now = rec.ts;
		ok = 0;
		if (rec.type == ARB_R_BOOK && !(rec.has_fb && rec.fb && (ok = rec.fb->ok, 1)) &&
		    arb_rec_bool(&rec, "ok", &ok) < 0)
			ok = 0;
		exp[0] = '\0';
		if (rec.type == ARB_R_BOOK && book_expect(&rec, exp, sizeof(exp)) == 0) {
			snprintf(le[rd.lineno].exp, sizeof(le[rd.lineno].exp), "%s", exp);
			le[rd.lineno].known = 1;
		}
		rc = arb_detect_feed(d, &rec, &add, why, sizeof(why));
		CHECK(rc == 0 || why[0] != '\0');
		/* the line is passed through as it was read */
		CHECK(memcmp(copy.p, line, len) == 0);
		if (le[rd.lineno].known) {
			/* refused with the reason expected; read in full, every
			 * bad one; read lazily, levels out of order maybe later */
			if (rc < 0)
				CHECK(strcmp(why, exp) == 0);
			else
				CHECK(exp[0] == '\0' || (lazy && strstr(exp, " not best first") != NULL));
			le[rd.lineno].refused = rc < 0;
		}
		check_late(d, le, cle, seen);
		if (check) {
			model_feed(&m, &rec, rc, ok, exp);
			check_added(&m, add.p, add.len);
		}
		(*g)[(*ng)++].add = add.len;
		if (add.len)
			arb_buf_add(out, add.p, add.len);
	}
	/* read in full, nothing is found late */
	if (!lazy)
		for (i = 0; i < cle; i++)
			CHECK(!seen[i]);
	arb_reader_free(&rd);
	close(fd);
	arb_rec_free(&rec);
	arb_rec_free(&m.r);
	arb_buf_free(&add);
	arb_buf_free(&copy);
	arb_detect_free(d);
	free(le);
	free(seen);
	while (m.nop--) {
		free(m.op[m.nop].id);
		free(m.op[m.nop].tail);
	}
	free(m.op);
	free(m.b);
}

/* The output o (groups g) without the reject records the engine added. */
static void
no_rejects(const struct arb_buf *o, const struct group *g, size_t ng, struct arb_buf *to)
{
	size_t i;

	for (i = 0; i < ng; i++) {
		const char *p = o->p + g[i].off, *e = p + g[i].len + g[i].add;
		arb_buf_add(to, p, g[i].len);
		for (p += g[i].len; p < e;) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			if (strncmp(p, "{\"type\":\"reject\",", 17) != 0)
				arb_buf_add(to, p, (size_t)(nl - p + 1));
			p = nl + 1;
		}
	}
}

static void
dump(const char *what, const struct arb_buf *a, const struct arb_buf *b)
{
	size_t i = 0;
	while (i < a->len && i < b->len && a->p[i] == b->p[i])
		i++;
	while (i > 0 && a->p[i - 1] != '\n')
		i--;
	fprintf(stderr, "fuzz-detect: %s, from byte %zu:\n--- expected\n%.*s--- got\n%.*s", what, i,
	    (int)(a->len - i > 2000 ? 2000 : a->len - i), a->p + i,
	    (int)(b->len - i > 2000 ? 2000 : b->len - i), b->p + i);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c, cx;
	struct arb_buf a = { 0 }, b = { 0 }, want = { 0 }, again = { 0 }, x = { 0 }, ax = { 0 };
	struct group *g = NULL, *gb = NULL, *gx = NULL, *gr = NULL;
	size_t ng = 0, ngb = 0, ngx = 0, ngr = 0, off, i;
	const char *path;

	arb_loglevel = ARB_LOG_ERR - 1;
	off = cfg_read(&c, data, size);
	path = fuzz_file("in.ndjson", data + off, size - off);
	run(&c, path, 1, 1, &a, &g, &ng);
	/* the same without reading books lazily */
	run(&c, path, 0, 0, &b, &gb, &ngb);
	if (a.len != b.len || (a.len && memcmp(a.p, b.p, a.len) != 0))
		dump("books read in full give another output", &a, &b);
	/* --explain only adds reject records */
	cx = c;
	cx.o.explain = !c.o.explain;
	run(&cx, path, 1, 1, &x, &gx, &ngx);
	arb_buf_reset(&b);
	no_rejects(&a, g, ng, &b);
	no_rejects(&x, gx, ngx, &ax);
	if (ax.len != b.len || (b.len && memcmp(ax.p, b.p, b.len) != 0))
		dump(c.o.explain ? "without --explain, not the same opportunities" :
		    "with --explain, not the same opportunities", &b, &ax);
	/* arb-detect | arb-detect: every added group twice */
	for (i = 0; i < ng; i++) {
		arb_buf_add(&want, a.p + g[i].off, g[i].len + g[i].add);
		arb_buf_add(&want, a.p + g[i].off + g[i].len, g[i].add);
	}
	path = fuzz_file("in.ndjson", (const uint8_t *)(a.p ? a.p : ""), a.len);
	run(&c, path, 1, 0, &again, &gr, &ngr);
	if (want.len != again.len || (want.len && memcmp(want.p, again.p, want.len) != 0))
		dump("the output read again differs", &want, &again);
	free(g);
	free(gb);
	free(gx);
	free(gr);
	arb_buf_free(&a);
	arb_buf_free(&b);
	arb_buf_free(&x);
	arb_buf_free(&ax);
	arb_buf_free(&want);
	arb_buf_free(&again);
	arb_fees_free(&c.fees);
	return 0;
}
