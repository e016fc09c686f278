#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "exec.h"
#include "io.h"
#include "log.h"
#include "state.h"

/*
 * The engine.  Opportunities are decided when their record arrives:
 * validate, size and round every leg to the venue's rules, check balances
 * and every risk limit, assign client order ids, record them (`order`
 * state new and the state file), then hand the orders to the transport.
 * The transport's reports move each order through the state machine; an
 * opportunity whose orders are all settled (and whose unwind, if any, is
 * over) ends in one `result` record.
 */

#define ZERO arb_dec_make(0, 0)
#define ONE arb_dec_make(1, 0)
#define DIVSCALE 18

struct leg {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	enum arb_side side;
	arb_dec px, qty;
};

struct acc {
	char asset[ARB_ASSET_MAX];
	arb_dec amt;
	arb_dec px;         /* exposure: the mark in ccy, when has_px */
	int has_px;
};

/* Assets one opportunity can touch: its legs' bases and quotes (at most
 * one more than its legs: a cross has two, a cycle of n legs n; unwinds
 * trade the same instruments) and a fee asset apart from those per leg,
 * so the lists below are never full. */
#define MAXACC (2 * ARB_MAXLEGS + 2)

struct arb_opp {
	char *id;
	char kind[8], ccy[ARB_ASSET_MAX];
	int nlegs;
	struct leg legs[ARB_MAXLEGS];
	struct arb_instr ins[ARB_MAXLEGS];
	arb_dec cost;
	int64_t ts, expires, t_decide;
	int seq;               /* cycle legs one after another */
	int next_leg;          /* sequential: the next leg to send */
	int legord[ARB_MAXLEGS]; /* order index of each sent leg, -1 */
	int norders;
	struct arb_order ord[ARB_MAXORD];
	int fail;
	char reason[24];
	int64_t t_fail;
	int unwinding, tries, unwind_refused;
	int64_t t_unwind;
	int killed, done;
	int ovf;               /* a fill could not be booked, or the P&L not
				* computed, exactly: result reason overflow */
	int nacc, nfee;
	struct acc gross[MAXACC];   /* trade deltas per asset, fees excluded */
	struct acc feeacc[MAXACC];  /* every fee, per asset charged */
	arb_dec fees;               /* fees valued in ccy (for display) */
	arb_dec delivered[ARB_MAXLEGS]; /* what each leg received, net of fees */
	/* its lines as last saved (with "ts" 0 in the order lines), and
	 * whether its end was saved */
	struct arb_buf jsig;
	int jend;
	int jtouch;                 /* may have changed since the last save */
};

/* p (or its orders) may change: the next save compares its text with
 * the one last saved.  Every function that changes an opportunity or
 * one of its orders calls this. */
static inline void
touch(void *owner)
{
	if (owner)
		((struct arb_opp *)owner)->jtouch = 1;
}

struct arb_book_ent {
	char ex[ARB_EX_MAX], sym[ARB_SYM_MAX];
	uint64_t h;
	int64_t ts;
	int ok, used;
	int jd;                /* changed since the last save (in bdirty) */
	char *pre;             /* its state file line up to "ts", once written */
	size_t prelen;
};

struct arb_seen {
	char *id;
	uint64_t h;
	int64_t expires;
	char *line;            /* its state file line, once written */
	size_t linelen;
};

/* An instrument as last written to the state file, and its line after
 * the "ts" value. */
struct arb_icache {
	struct arb_instr in;
	struct arb_buf suf;
};

static const char *const ostate_names[ARB_OS_N] = {
	"new", "sent", "acked", "partial", "filled", "canceled", "rejected", "unknown"
};

const char *
arb_ostate_name(enum arb_ostate s)
{
	return (unsigned)s < ARB_OS_N ? ostate_names[s] : "?";
}

int
arb_ostate_from(const char *s)
{
	int i;

	for (i = 0; i < ARB_OS_N; i++)
		if (strcmp(s, ostate_names[i]) == 0)
			return i;
	return -1;
}

int
arb_ostate_terminal(enum arb_ostate s)
{
	return s == ARB_OS_FILLED || s == ARB_OS_CANCELED || s == ARB_OS_REJECTED;
}

int
arb_ostate_can(enum arb_ostate from, enum arb_ostate to)
{
	switch (from) {
	case ARB_OS_NEW:
		return to == ARB_OS_SENT || to == ARB_OS_REJECTED || to == ARB_OS_UNKNOWN;
	case ARB_OS_SENT:
		return to != ARB_OS_NEW && to != ARB_OS_SENT;
	case ARB_OS_ACKED:
	case ARB_OS_PARTIAL:
		return to == ARB_OS_PARTIAL || to == ARB_OS_FILLED || to == ARB_OS_CANCELED ||
		    to == ARB_OS_UNKNOWN || (from == ARB_OS_ACKED && to == ARB_OS_REJECTED);
	case ARB_OS_UNKNOWN:
		return to != ARB_OS_NEW && to != ARB_OS_SENT;
	default:
		return 0;
	}
}

/* FNV-1a 64 of s[0..n), going on from the hash h of what came before. */
static uint64_t
fnv_more(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static uint64_t
fnv(const char *s, size_t n)
{
	return fnv_more(UINT64_C(14695981039346656037), s, n);
}

void
arb_exec_cid(char *buf, const char *oppid, int64_t t_decide, int leg, int attempt)
{
	char at[24];
	int n = snprintf(at, sizeof at, "@%lld", (long long)t_decide);
	/* the hash of the text "ID@T" */
	uint64_t h = fnv_more(fnv(oppid, strlen(oppid)), at, (size_t)n);

	if (attempt > 0)
		snprintf(buf, ARB_CID_MAX, "a%016llxl%du%d", (unsigned long long)h, leg, attempt);
	else
		snprintf(buf, ARB_CID_MAX, "a%016llxl%d", (unsigned long long)h, leg);
}

/* Exact arithmetic; an overflow (absurd inputs only) is counted, logged
 * once, and yields zero.  Inside a checked computation (ovf_strict: a
 * fill's amounts, a result's P&L) it only sets ovf_hit, and the caller
 * books nothing of what it computed: a zero there would be a wrong
 * balance, not a skipped line. */
static int ovf_warned, ovf_strict, ovf_hit;
static void
ovf(void)
{
	if (ovf_strict)
		ovf_hit = 1;
	else if (!ovf_warned++)
		arb_warn("decimal overflow: a value is too large or too precise; treated as 0");
}
/* A checked computation: strict_begin(), the arithmetic, then
 * strict_end() says whether any of it overflowed. */
static void
strict_begin(void)
{
	ovf_strict++;
	ovf_hit = 0;
}
static int
strict_end(void)
{
	int bad = ovf_hit;

	ovf_strict--;
	ovf_hit = 0;
	return bad;
}
static arb_dec
dadd(arb_dec a, arb_dec b)
{
	arb_dec r;

	if (arb_dec_add(&r, a, b) < 0) {
		ovf();
		return ZERO;
	}
	return arb_dec_trim(r);
}
static arb_dec
dsub(arb_dec a, arb_dec b)
{
	return dadd(a, arb_dec_neg(b));
}
static arb_dec
dmul(arb_dec a, arb_dec b)
{
	arb_dec r;

	if (arb_dec_mul(&r, arb_dec_trim(a), arb_dec_trim(b)) < 0) {
		ovf();
		return ZERO;
	}
	return arb_dec_trim(r);
}
static arb_dec
ddiv(arb_dec a, arb_dec b, enum arb_round rnd)
{
	arb_dec r;

	if (arb_dec_div(&r, a, b, DIVSCALE, rnd) < 0) {
		ovf();
		return ZERO;
	}
	return arb_dec_trim(r);
}

static arb_dec
fee_of(const struct arb_order *o, arb_dec px, arb_dec qty, const char **ccy)
{
	int inbase = o->fee_in == ARB_FEE_BASE ||
	    (o->fee_in == ARB_FEE_RECEIVED && o->side == ARB_BUY);

	*ccy = inbase ? o->base : o->quote;
	return inbase ? dmul(qty, o->fee_rate) : dmul(dmul(px, qty), o->fee_rate);
}

int
arb_exec_fee(const struct arb_order *o, arb_dec px, arb_dec qty, arb_dec *fee, const char **ccy)
{
	int bad;

	strict_begin();
	*fee = fee_of(o, px, qty, ccy);
	bad = strict_end();
	if (bad)
		*fee = ZERO;
	return bad ? -1 : 0;
}

/* Funds an order locks: the most it can spend, fees included. */
static arb_dec
order_need(const struct arb_order *o, const char **asset)
{
	arb_dec amt;

	if (o->side == ARB_BUY) {
		*asset = o->quote;
		amt = dmul(o->px, o->qty);
		if (o->fee_in == ARB_FEE_QUOTE)
			amt = dadd(amt, dmul(amt, o->fee_rate));
	} else {
		*asset = o->base;
		amt = o->qty;
		if (o->fee_in == ARB_FEE_BASE)
			amt = dadd(amt, dmul(amt, o->fee_rate));
	}
	return amt;
}

/* Can order_need, and the fee of a fill of all of o at its limit, be
 * computed exactly? */
static int
exact_need(const struct arb_order *o)
{
	arb_dec n, f, r;

	return arb_dec_mul(&n, arb_dec_trim(o->px), arb_dec_trim(o->qty)) == 0 &&
	    arb_dec_mul(&f, arb_dec_trim(n), arb_dec_trim(o->fee_rate)) == 0 &&
	    arb_dec_add(&r, n, f) == 0 &&
	    arb_dec_mul(&f, arb_dec_trim(o->qty), arb_dec_trim(o->fee_rate)) == 0 &&
	    arb_dec_add(&r, o->qty, f) == 0;
}

void
arb_exec_conf_defaults(struct arb_exec_conf *c)
{
	memset(c, 0, sizeof *c);
	c->otype = ARB_OT_IOC;
	c->on_leg_failure = ARB_LF_CANCEL;
	c->unwind_slippage_bps = arb_dec_make(50, 0);
	c->leg_timeout = 2000000;
	c->on_stop = ARB_STOP_CANCEL;
	c->state_sync = 1;
	c->journal_max = -1;
	c->risk.max_book_age = 5000000;
}

/* ------------------------------------------------------------------ */
/* Tables: books, instruments, decided opportunity ids. */

/* Notes a book entry changed, for the next journal entry. */
static void
book_mark(struct arb_exec *e, struct arb_book_ent *b, int again)
{
	if (b->jd && !again)
		return;
	b->jd = 1;
	if (e->nbdirty == e->capbdirty) {
		size_t nc = e->capbdirty ? e->capbdirty * 2 : 64;
		xrealloc(&e->bdirty, nc * sizeof *e->bdirty);
		e->capbdirty = nc;
	}
	e->bdirty[e->nbdirty++] = (size_t)(b - e->books);
}

static struct arb_book_ent *
book_get(struct arb_exec *e, const char *ex, const char *sym, int create)
{
	size_t exl = strlen(ex), syl = strlen(sym), i, mask;
	uint64_t h;

	if (exl >= ARB_EX_MAX || syl >= ARB_SYM_MAX)
		return NULL;
	h = fnv(ex, exl) * 31 + fnv(sym, syl);
	if (e->capbooks == 0 || (create && (e->nbooks + 1) * 2 > e->capbooks)) {
		if (!create)
			return NULL;
		size_t nc = e->capbooks ? e->capbooks * 2 : 64;
		struct arb_book_ent *nb = xcalloc(nc, sizeof *nb);
		for (i = 0; i < e->capbooks; i++) {
			struct arb_book_ent *o = &e->books[i];
			size_t j;
			if (!o->used)
				continue;
			for (j = o->h & (nc - 1); nb[j].used; j = (j + 1) & (nc - 1))
				;
			nb[j] = *o;
		}
		free(e->books);
		e->books = nb;
		e->capbooks = nc;
		e->nbdirty = 0;   /* the changed ones moved */
		for (i = 0; i < nc; i++)
			if (nb[i].used && nb[i].jd)
				book_mark(e, &nb[i], 1);
	}
	mask = e->capbooks - 1;
	for (i = h & mask; e->books[i].used; i = (i + 1) & mask) {
		struct arb_book_ent *b = &e->books[i];
		if (b->h == h && strcmp(b->ex, ex) == 0 && strcmp(b->sym, sym) == 0)
			return b;
	}
	if (!create)
		return NULL;
	struct arb_book_ent *b = &e->books[i];
	memset(b, 0, sizeof *b);
	b->used = 1;
	b->h = h;
	memcpy(b->ex, ex, exl + 1);
	memcpy(b->sym, sym, syl + 1);
	e->nbooks++;
	book_mark(e, b, 0);
	return b;
}

static void
instr_idx_put(struct arb_exec *e, size_t i)
{
	size_t mask = e->capinsidx - 1, j;

	for (j = arb_hash2(e->ins[i].ex, e->ins[i].sym) & mask; e->insidx[j]; j = (j + 1) & mask)
		;
	e->insidx[j] = (uint32_t)(i + 1);
}

static struct arb_instr *
instr_get(struct arb_exec *e, const char *ex, const char *sym)
{
	size_t i, mask;

	if (!e->capinsidx)
		return NULL;
	mask = e->capinsidx - 1;
	for (i = arb_hash2(ex, sym) & mask; e->insidx[i]; i = (i + 1) & mask) {
		struct arb_instr *in = &e->ins[e->insidx[i] - 1];
		if (strcmp(in->ex, ex) == 0 && strcmp(in->sym, sym) == 0)
			return in;
	}
	return NULL;
}

static struct arb_instr *
instr_add(struct arb_exec *e, const char *ex, const char *sym)
{
	struct arb_instr *in = instr_get(e, ex, sym);
	size_t i;

	if (in)
		return in;
	if (e->nins == e->capins) {
		size_t nc = e->capins ? e->capins * 2 : 16;
		xrealloc(&e->ins, nc * sizeof *e->ins);
		xrealloc(&e->insjd, nc);
		memset(e->insjd + e->capins, 0, nc - e->capins);
		e->capins = nc;
	}
	in = &e->ins[e->nins++];
	memset(in, 0, sizeof *in);
	snprintf(in->ex, sizeof in->ex, "%s", ex);
	snprintf(in->sym, sizeof in->sym, "%s", sym);
	if (e->nins * 2 > e->capinsidx) {
		free(e->insidx);
		e->capinsidx = e->capinsidx ? e->capinsidx * 2 : 64;
		e->insidx = xcalloc(e->capinsidx, sizeof *e->insidx);
		for (i = 0; i < e->nins; i++)
			instr_idx_put(e, i);
	} else
		instr_idx_put(e, e->nins - 1);
	return in;
}

static struct arb_seen *
seen_find(struct arb_exec *e, const char *id, uint64_t h)
{
	size_t i, mask;

	if (!e->capseen)
		return NULL;
	mask = e->capseen - 1;
	for (i = h & mask; e->seen[i].id; i = (i + 1) & mask)
		if (e->seen[i].h == h && strcmp(e->seen[i].id, id) == 0)
			return &e->seen[i];
	return NULL;
}

static void seen_put(struct arb_exec *e, const char *id, int64_t expires);

/* Rebuilds the table with room to grow, dropping ids whose opportunity
 * expired more than a minute ago; seen_floor remembers the newest one
 * dropped, so a replayed stream cannot bring them back. */
/* A decided id is kept until a minute past the latest expires of its
 * records; once it is dropped, the floor of decided times covers it. */
static int
seen_stale(const struct arb_exec *e, const struct arb_seen *sn)
{
	return sn->expires < e->now - INT64_C(60000000);
}

static void
seen_forget(struct arb_exec *e, const struct arb_seen *sn)
{
	if (sn->expires > e->seen_floor)
		e->seen_floor = sn->expires;
}

static void
seen_rebuild(struct arb_exec *e, size_t nc)
{
	struct arb_seen *old = e->seen;
	size_t oc = e->capseen, i;

	e->seen = xcalloc(nc, sizeof *e->seen);
	e->capseen = nc;
	e->nseen = 0;
	for (i = 0; i < oc; i++) {
		if (!old[i].id)
			continue;
		if (seen_stale(e, &old[i])) {
			seen_forget(e, &old[i]);
			free(old[i].id);
			free(old[i].line);
			continue;
		}
		size_t j, mask = nc - 1;
		for (j = old[i].h & mask; e->seen[j].id; j = (j + 1) & mask)
			;
		e->seen[j] = old[i];
		e->nseen++;
	}
	free(old);
}

/*
 * Remembers that id was decided, until a minute after expires.  An id
 * already known keeps the later of the two times: the update records of
 * an opportunity move its expiry on, and its id must be remembered as
 * long as they can come (else, once the table drops it, a later update
 * would be decided again, with the same client order ids).
 */
static void
seen_put(struct arb_exec *e, const char *id, int64_t expires)
{
	uint64_t h = fnv(id, strlen(id));
	struct arb_seen *sn;
	size_t i, mask;

	if ((sn = seen_find(e, id, h))) {
		if (expires <= sn->expires)
			return;
		sn->expires = expires;
		free(sn->line);    /* its state file line changed */
		sn->line = NULL;
		sn->linelen = 0;
		if (!e->loading && e->c.state_path) {
			arb_emit_begin(&e->jseen, "seen");
			arb_emit_str(&e->jseen, "id", id);
			arb_emit_i64(&e->jseen, "expires", expires);
			arb_emit_end(&e->jseen);
			e->dirty_state = 1;
		}
		return;
	}
	if ((e->nseen + 1) * 2 > e->capseen) {
		size_t nc = e->capseen ? e->capseen : 256;
		seen_rebuild(e, nc);
		if ((e->nseen + 1) * 4 > nc)
			seen_rebuild(e, nc * 2);
	}
	mask = e->capseen - 1;
	for (i = h & mask; e->seen[i].id; i = (i + 1) & mask)
		;
	e->seen[i].id = xstrdup(id);
	e->seen[i].h = h;
	e->seen[i].expires = expires;
	e->seen[i].line = NULL;
	e->seen[i].linelen = 0;
	e->nseen++;
	if (!e->loading && e->c.state_path) {   /* for the next journal entry */
		arb_emit_begin(&e->jseen, "seen");
		arb_emit_str(&e->jseen, "id", id);
		arb_emit_i64(&e->jseen, "expires", expires);
		arb_emit_end(&e->jseen);
	}
}

/* ------------------------------------------------------------------ */
/* Records. */

/* An order's keys up to its mode: the same in an order record and in the
 * state file's order lines, each adding its own keys after them. */
static void
order_head(struct arb_buf *b, const struct arb_order *o, int64_t ts, const char *mode)
{
	arb_emit_begin(b, "order");
	arb_emit_i64(b, "ts", ts);
	arb_emit_str(b, "ex", o->ex);
	arb_emit_str(b, "sym", o->sym);
	arb_emit_str(b, "opp", o->opp);
	arb_emit_i64(b, "leg", o->leg);
	arb_emit_str(b, "cid", o->cid);
	arb_emit_str(b, "side", o->side == ARB_BUY ? "buy" : "sell");
	arb_emit_dec(b, "px", o->px);
	arb_emit_dec(b, "qty", o->qty);
	arb_emit_str(b, "state", arb_ostate_name(o->st));
	arb_emit_dec(b, "filled", o->filled);
	arb_emit_str(b, "mode", mode);
}

static void
emit_order(struct arb_exec *e, const struct arb_order *o, int64_t ts)
{
	struct arb_buf *b = &e->out;

	if ((unsigned)o->st < ARB_OS_N)
		e->n_state[o->st]++;   /* --metrics: order records by state */
	order_head(b, o, ts, e->x->mode);
	if (o->vid[0])
		arb_emit_str(b, "vid", o->vid);
	if (o->reason[0])
		arb_emit_str(b, "reason", o->reason);
	if (o->msg[0])
		arb_emit_str(b, "msg", o->msg);
	arb_emit_str(b, "tif", o->otype == ARB_OT_FOK ? "fok" : "ioc");
	if (o->unwind)
		arb_emit_str(b, "role", "unwind");
	arb_emit_end(b);
}

static void
emit_risk(struct arb_exec *e, const char *rule, const char *action, const char *detail,
    const char *opp, const char *ex)
{
	struct arb_buf *b = &e->out;

	arb_emit_begin(b, "risk");
	arb_emit_i64(b, "ts", e->now);
	arb_emit_str(b, "rule", rule);
	arb_emit_str(b, "action", action);
	arb_emit_str(b, "detail", detail);
	if (opp)
		arb_emit_str(b, "opp", opp);
	if (ex && *ex)
		arb_emit_str(b, "ex", ex);
	arb_emit_end(b);
}

static void
emit_result(struct arb_exec *e, const char *id, const char *kind, const char *status,
    const char *reason, arb_dec pnl, const char *ccy, const arb_dec *fees,
    const struct acc *expo, int nexpo)
{
	struct arb_buf *b = &e->out;
	int i;

	arb_emit_begin(b, "result");
	arb_emit_i64(b, "ts", e->now);
	arb_emit_str(b, "opp", id);
	arb_emit_str(b, "kind", kind);
	arb_emit_str(b, "status", status);
	arb_emit_str(b, "reason", reason);
	arb_emit_dec(b, "pnl", arb_dec_trim(pnl));
	arb_emit_str(b, "ccy", ccy);
	if (fees) {
		arb_emit_dec(b, "fees", arb_dec_trim(*fees));
		arb_emit_key(b, "exposure");
		arb_buf_addc(b, '[');
		for (i = 0; i < nexpo; i++) {
			if (i)
				arb_buf_addc(b, ',');
			arb_buf_adds(b, "{\"asset\":");
			arb_json_quote(b, expo[i].asset, strlen(expo[i].asset));
			arb_buf_adds(b, ",\"qty\":");
			arb_emit_decval(b, arb_dec_trim(expo[i].amt));
			if (expo[i].has_px) {
				arb_buf_adds(b, ",\"mark\":");
				arb_emit_decval(b, arb_dec_trim(expo[i].px));
			}
			arb_buf_addc(b, '}');
		}
		arb_buf_addc(b, ']');
	}
	arb_emit_end(b);
	e->n_results++;
}

static void
skip(struct arb_exec *e, const char *id, const char *kind, const char *ccy, const char *reason)
{
	emit_result(e, id, kind, "skipped", reason, ZERO, ccy, NULL, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Kill switch. */

static void cancel_open(struct arb_exec *e, const char *reason);

/* Trips the kill switch (once: later calls do nothing); opp and ex name
 * the opportunity and venue at fault, when one is. */
static void
kill_at(struct arb_exec *e, const char *rule, const char *detail, const char *opp, const char *ex)
{
	if (!arb_risk_kill(&e->risk, e->now, rule, detail))
		return;
	arb_warn("kill switch tripped: %s: %s", rule, detail);
	for (size_t i = 0; i < e->nopps; i++)
		touch(e->opps[i]);
	emit_risk(e, rule, "kill", detail, opp, ex);
	e->dirty_state = 1;
	if (e->c.cancel_on_kill)
		cancel_open(e, "kill");
	(void)arb_exec_save(e);
}

void
arb_exec_kill(struct arb_exec *e, const char *rule, const char *detail)
{
	kill_at(e, rule, detail, NULL, NULL);
}

void
arb_exec_check_kill_file(struct arb_exec *e)
{
	struct stat st;
	char d[128];

	if (!e->c.kill_file || e->risk.killed)
		return;
	if (stat(e->c.kill_file, &st) == 0) {
		snprintf(d, sizeof d, "kill file %s present", e->c.kill_file);
		arb_exec_kill(e, "kill_file", d);
	}
}

/* ------------------------------------------------------------------ */
/* Opportunity accounting. */

static arb_dec *
acc_get(struct acc *v, int *n, const char *asset)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i].asset, asset) == 0)
			return &v[i].amt;
	if (*n == MAXACC)
		return NULL;
	snprintf(v[*n].asset, ARB_ASSET_MAX, "%s", asset);
	v[*n].amt = ZERO;
	v[*n].px = ZERO;
	v[*n].has_px = 0;
	return &v[(*n)++].amt;
}

/* Adds amt to asset's account; -1 when the list is full (MAXACC assets,
 * more than an opportunity has). */
static int
acc_add(struct acc *v, int *n, const char *asset, arb_dec amt)
{
	arb_dec *p = acc_get(v, n, asset);

	if (!p)
		return -1;
	*p = dadd(*p, amt);
	return 0;
}

/*
 * The value of amt of asset in the opportunity's currency, through a leg
 * pairing asset with ccy (at the leg's price; exact, or rounded to 18
 * decimals through an inverse pair).  0, or -1 when no leg links them.
 */
static int
value_in_ccy(const struct arb_opp *p, const char *asset, arb_dec amt, arb_dec *out)
{
	int i;

	if (strcmp(asset, p->ccy) == 0) {
		*out = amt;
		return 0;
	}
	for (i = 0; i < p->nlegs; i++)
		if (strcmp(p->ins[i].base, asset) == 0 && strcmp(p->ins[i].quote, p->ccy) == 0) {
			*out = dmul(amt, p->legs[i].px);
			return 0;
		}
	for (i = 0; i < p->nlegs; i++)
		if (strcmp(p->ins[i].quote, asset) == 0 && strcmp(p->ins[i].base, p->ccy) == 0) {
			*out = ddiv(amt, p->legs[i].px, ARB_RND_HALF_EVEN);
			return 0;
		}
	return -1;
}

/* Net exposure per asset other than ccy: what the opportunity changed in
 * the accounts (trades less fees).  Returns the number of non-zero ones. */
static int
exposure(const struct arb_opp *p, struct acc *out)
{
	struct acc tmp[MAXACC];
	int n = 0, i, k = 0;

	for (i = 0; i < p->nacc; i++)
		if (strcmp(p->gross[i].asset, p->ccy) != 0)
			acc_add(tmp, &n, p->gross[i].asset, p->gross[i].amt);
	for (i = 0; i < p->nfee; i++)
		if (strcmp(p->feeacc[i].asset, p->ccy) != 0)
			acc_add(tmp, &n, p->feeacc[i].asset, arb_dec_neg(p->feeacc[i].amt));
	for (i = 0; i < n; i++) {
		int l;
		if (arb_dec_is_zero(tmp[i].amt))
			continue;
		out[k] = tmp[i];
		out[k].has_px = 0;
		for (l = 0; l < p->nlegs; l++)
			if (!strcmp(p->ins[l].base, tmp[i].asset) && !strcmp(p->ins[l].quote, p->ccy)) {
				out[k].px = p->legs[l].px;
				out[k].has_px = 1;
				break;
			}
		k++;
	}
	return k;
}

/* P&L in ccy: the change in ccy less the fees valued in ccy, plus any
 * open exposure marked at the opportunity's own price for that asset. */
static arb_dec
pnl_of(const struct arb_opp *p)
{
	struct acc ex[MAXACC];
	arb_dec pnl = ZERO;
	int i, n = exposure(p, ex);

	for (i = 0; i < n; i++)
		if (ex[i].has_px)
			pnl = dadd(pnl, dmul(ex[i].amt, ex[i].px));

	for (i = 0; i < p->nacc; i++)
		if (strcmp(p->gross[i].asset, p->ccy) == 0)
			pnl = dadd(pnl, p->gross[i].amt);
	for (i = 0; i < p->nfee; i++)
		if (strcmp(p->feeacc[i].asset, p->ccy) == 0)
			pnl = dsub(pnl, p->feeacc[i].amt);
	return pnl;
}

/* ------------------------------------------------------------------ */
/* Orders. */

static int
open_orders(const struct arb_exec *e)
{
	return e->n_open;
}

/* Sets an order's state, keeping the count of open orders. */
static void
setst(struct arb_exec *e, struct arb_order *o, enum arb_ostate to)
{
	touch(o->owner);
	if (!arb_ostate_terminal(o->st) && arb_ostate_terminal(to))
		e->n_open--;
	o->st = to;
}

static void
fee_for(const struct arb_exec *e, const struct arb_instr *in, arb_dec *rate)
{
	int i;

	*rate = in->taker_fee;
	for (i = 0; i < e->c.nfee; i++)
		if (strcmp(e->c.fee[i].ex, in->ex) == 0 &&
		    (!e->c.fee[i].sym[0] || strcmp(e->c.fee[i].sym, in->sym) == 0))
			*rate = e->c.fee[i].rate;
}

/*
 * Fills in an order for a leg at price px and quantity qty, rounded to
 * the venue's tick (buys down, sells up: never beyond the worst
 * acceptable price) and lot (down).  Returns NULL when it does not meet
 * the venue's minimum quantity or notional (reason set).
 */
static int
shape(struct arb_exec *e, struct arb_order *o, const struct arb_instr *in, enum arb_side side,
    arb_dec px, arb_dec qty, const char **reason)
{
	memset(o, 0, sizeof *o);
	snprintf(o->ex, sizeof o->ex, "%s", in->ex);
	snprintf(o->sym, sizeof o->sym, "%s", in->sym);
	memcpy(o->base, in->base, sizeof o->base);
	memcpy(o->quote, in->quote, sizeof o->quote);
	o->side = side;
	o->otype = e->c.otype;
	o->fee_in = in->fee_in;
	fee_for(e, in, &o->fee_rate);
	o->filled = ZERO;
	o->lock_rem = ZERO;
	if (arb_dec_sign(in->tick) > 0) {
		if ((side == ARB_BUY ? arb_dec_floor_to(&px, px, in->tick)
		    : arb_dec_ceil_to(&px, px, in->tick)) < 0) {
			*reason = "tick";
			return -1;
		}
	}
	if (arb_dec_sign(in->lot) > 0 && arb_dec_floor_to(&qty, qty, in->lot) < 0) {
		*reason = "lot";
		return -1;
	}
	o->px = arb_dec_trim(px);
	o->qty = arb_dec_trim(qty);
	if (arb_dec_sign(o->px) <= 0) {
		*reason = "tick";
		return -1;
	}
	if (arb_dec_sign(o->qty) <= 0 || arb_dec_cmp(o->qty, in->min_qty) < 0) {
		*reason = "lot";
		return -1;
	}
	/* what it locks, fee included, must be exact: a product past 36
	 * decimals (or 128 bits) would be taken as zero, and the order
	 * spend funds it never locked */
	if (!exact_need(o)) {
		*reason = "invalid";
		return -1;
	}
	if (arb_dec_cmp(dmul(o->px, o->qty), in->min_notional) < 0) {
		*reason = "min_notional";
		return -1;
	}
	return 0;
}

static void
order_notional(const struct arb_opp *p, const struct arb_order *o, arb_dec *n)
{
	if (value_in_ccy(p, o->quote, dmul(o->px, o->qty), n) < 0 &&
	    value_in_ccy(p, o->base, o->qty, n) < 0)
		*n = p->cost;
}

/*
 * Risk checks for orders o[0..n) about to be sent for p.  Returns 0, or 1
 * after emitting the `risk` refusal (rule copied to rule).
 */
static int
risk_orders(struct arb_exec *e, struct arb_opp *p, struct arb_order *o, int n, char *rule)
{
	char detail[128];
	struct acc delta[MAXACC];
	int nd = 0, i;
	const char *ex = NULL;

	rule[0] = '\0';
	arb_exec_check_kill_file(e);
	if (e->risk.killed) {
		snprintf(rule, 32, "kill");
		snprintf(detail, sizeof detail, "kill switch on (%s)", e->risk.kill_rule);
		goto refuse;
	}
	for (i = 0; i < n; i++) {
		arb_dec v;
		int bad;
		strict_begin();
		order_notional(p, &o[i], &v);
		bad = strict_end();
		/* a notional that cannot be valued is not one below the limit */
		if (bad && e->risk.c.has_notional_order) {
			strcpy(rule, "max_notional_order");
			snprintf(detail, sizeof detail, "order notional cannot be valued exactly in %.19s", p->ccy);
			ex = o[i].ex;
			goto refuse;
		}
		if (arb_risk_notional_order(&e->risk, v, p->ccy, rule, detail)) {
			ex = o[i].ex;
			goto refuse;
		}
	}
	if (arb_risk_open_orders(&e->risk, open_orders(e), n, rule, detail))
		goto refuse;
	if (arb_risk_rate(&e->risk, e->now, n, rule, detail))
		goto refuse;
	for (i = 0; i < n; i++) {
		struct arb_book_ent *b = book_get(e, o[i].ex, o[i].sym, 0);
		ex = o[i].ex;
		if (!b || !b->ts) {
			strcpy(rule, "max_book_age");
			snprintf(detail, sizeof detail, "%s %s: no book", o[i].ex, o[i].sym);
			goto refuse;
		}
		if (!b->ok) {
			strcpy(rule, "max_book_age");
			snprintf(detail, sizeof detail, "%s %s: book not in sync", o[i].ex, o[i].sym);
			goto refuse;
		}
		if (arb_risk_book_age(&e->risk, e->now, b->ts, o[i].ex, o[i].sym, rule, detail))
			goto refuse;
	}
	ex = NULL;
	/* net position change if everything fills at the limit prices */
	for (i = 0; i < n; i++) {
		arb_dec notional = dmul(o[i].px, o[i].qty);
		if (o[i].side == ARB_BUY) {
			acc_add(delta, &nd, o[i].base, o[i].qty);
			acc_add(delta, &nd, o[i].quote, arb_dec_neg(notional));
		} else {
			acc_add(delta, &nd, o[i].base, arb_dec_neg(o[i].qty));
			acc_add(delta, &nd, o[i].quote, notional);
		}
	}
	for (i = 0; i < nd; i++) {
		arb_dec before = arb_bal_free(&e->pos, "*", delta[i].asset), after;
		int bad;
		strict_begin();
		after = dadd(before, delta[i].amt);
		bad = strict_end();
		/* a position that cannot be computed is not one within the limit */
		if (bad && arb_risk_position_limited(&e->risk, delta[i].asset)) {
			strcpy(rule, "max_position");
			snprintf(detail, sizeof detail, "%.19s position cannot be computed exactly",
			    delta[i].asset);
			goto refuse;
		}
		if (arb_risk_position(&e->risk, delta[i].asset, before, after, rule, detail))
			goto refuse;
	}
	return 0;
refuse:
	emit_risk(e, rule, "refuse", detail, p->id, ex);
	return 1;
}

static void
note_deadline(struct arb_exec *e, int64_t t)
{
	if (!e->next_deadline || t < e->next_deadline)
		e->next_deadline = t;
}

/* Appends an order to p, locks its funds and records it (state new).
 * Returns its index, or -1 when the funds are not there. */
static int
order_new(struct arb_exec *e, struct arb_opp *p, const struct arb_order *tmpl, int leg, int attempt)
{
	struct arb_order *o;
	const char *asset;
	arb_dec need;

	if (p->norders == ARB_MAXORD)
		return -1;
	need = order_need(tmpl, &asset);
	if (arb_bal_lock(&e->bal, tmpl->ex, asset, need) < 0)
		return -1;
	o = &p->ord[p->norders];
	*o = *tmpl;
	o->opp = p->id;
	o->leg = leg;
	o->unwind = attempt > 0;
	arb_exec_cid(o->cid, p->id, p->t_decide, leg, attempt);
	snprintf(o->lock_asset, sizeof o->lock_asset, "%s", asset);
	o->lock_rem = need;
	o->st = ARB_OS_NEW;
	o->owner = p;
	touch(p);
	e->n_open++;
	emit_order(e, o, e->now);
	e->dirty_state = 1;
	return p->norders++;
}

static void
order_send(struct arb_exec *e, struct arb_opp *p, struct arb_order *o)
{
	struct timespec ts;

	touch(p);
	o->st = ARB_OS_SENT;
	o->t_sent = e->now;
	o->deadline = e->now + e->c.leg_timeout;
	note_deadline(e, o->deadline);
	arb_risk_rate_add(&e->risk, e->now);
	e->n_orders++;
	emit_order(e, o, e->now);
	if (e->c.stats) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		uint64_t t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		if (e->nlat == e->caplat) {
			size_t nc = e->caplat ? e->caplat * 2 : 1024;
			xrealloc(&e->lat, nc * sizeof *e->lat);
			e->caplat = nc;
		}
		e->lat[e->nlat++] = t - e->t_decide_ns;
	}
	if (e->x->send(e->x->ctx, o, e->now) < 0)
		arb_exec_on_end(e, o, ARB_OS_REJECTED, "send", e->now);
	(void)p;
}

/* Creates, records and sends a batch of orders for p. */
static int
send_batch(struct arb_exec *e, struct arb_opp *p, struct arb_order *o, const int *legs,
    const int *attempts, int n)
{
	int idx[ARB_MAXORD], i;

	for (i = 0; i < n; i++) {
		if ((idx[i] = order_new(e, p, &o[i], legs[i], attempts[i])) < 0) {
			/* cannot happen after the balance check; undo nothing sent */
			while (i-- > 0) {
				struct arb_order *q = &p->ord[idx[i]];
				arb_exec_on_end(e, q, ARB_OS_REJECTED, "balance", e->now);
			}
			return -1;
		}
		if (!attempts[i])
			p->legord[legs[i]] = idx[i];
	}
	/* recorded before anything is sent; when the state file cannot
	 * record them, they are not sent (a crash could not tell that they
	 * were): rejected, reason "state" */
	if (arb_exec_save(e) < 0) {
		for (i = 0; i < n; i++)
			arb_exec_on_end(e, &p->ord[idx[i]], ARB_OS_REJECTED, "state", e->now);
		return -2;
	}
	/* a crash from here until the next save leaves them "new" in the
	 * file, which a restart treats as unknown (perhaps sent), never as
	 * unsent: no second fsync is needed */
	for (i = 0; i < n; i++)
		order_send(e, p, &p->ord[idx[i]]);
	e->dirty_state = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Opportunities. */

static void
opp_free(struct arb_opp *p)
{
	free(p->id);
	arb_buf_free(&p->jsig);
	free(p);
}

static void
cancel_order(struct arb_exec *e, struct arb_order *o, const char *reason)
{
	if (arb_ostate_terminal(o->st) || o->cancel_req || o->st == ARB_OS_NEW)
		return;
	touch(o->owner);
	o->cancel_req = 1;
	o->t_cancel = e->now;
	snprintf(o->creason, sizeof o->creason, "%s", reason);
	if (e->x->cancel(e->x->ctx, o, e->now) < 0)
		arb_warn("%s: cancel request failed", o->cid);
}

static void
cancel_open(struct arb_exec *e, const char *reason)
{
	size_t i;
	int j;

	for (i = 0; i < e->nopps; i++)
		for (j = 0; !e->opps[i]->done && j < e->opps[i]->norders; j++)
			cancel_order(e, &e->opps[i]->ord[j], reason);
}

static void
set_fail(struct arb_exec *e, struct arb_opp *p, const char *reason)
{
	int j;

	touch(p);
	if (p->fail)
		return;
	p->fail = 1;
	p->t_fail = e->now;
	snprintf(p->reason, sizeof p->reason, "%s", reason);
	if (e->c.on_leg_failure == ARB_LF_CANCEL && !e->stopping)
		for (j = 0; j < p->norders; j++)
			cancel_order(e, &p->ord[j], "leg_failure");
}

/* What leg i of a sequential cycle can spend: the amount leg i-1
 * delivered, when it delivered the asset leg i spends. */
static int
seq_size(struct arb_exec *e, struct arb_opp *p, int i, struct arb_order *o, const char **reason)
{
	const struct arb_instr *in = &p->ins[i], *pin = &p->ins[i - 1];
	const char *spend = p->legs[i].side == ARB_BUY ? in->quote : in->base;
	const char *got = p->legs[i - 1].side == ARB_BUY ? pin->base : pin->quote;
	arb_dec qty = p->legs[i].qty, cap = p->delivered[i - 1], q, px;

	/* the price as it will be sent (rounded to tick) */
	if (shape(e, o, in, p->legs[i].side, p->legs[i].px, p->legs[i].qty, reason) < 0)
		px = p->legs[i].px;
	else
		px = o->px;
	if (strcmp(spend, got) == 0) {
		if (p->legs[i].side == ARB_BUY) {
			arb_dec per = px;
			if (in->fee_in == ARB_FEE_QUOTE)
				per = dadd(px, dmul(px, o->fee_rate));
			q = ddiv(cap, per, ARB_RND_DOWN);
		} else {
			q = cap;
			if (in->fee_in == ARB_FEE_BASE)
				q = ddiv(cap, dadd(ONE, o->fee_rate), ARB_RND_DOWN);
		}
		if (arb_dec_cmp(q, qty) < 0)
			qty = q;
	}
	return shape(e, o, in, p->legs[i].side, px, qty, reason);
}

static void opp_finish(struct arb_exec *e, struct arb_opp *p);

static void
send_next_leg(struct arb_exec *e, struct arb_opp *p)
{
	struct arb_order o;
	const char *reason;
	char rule[32];
	int i = p->next_leg, k;
	const char *asset;

	touch(p);

	if (seq_size(e, p, i, &o, &reason) < 0) {
		set_fail(e, p, "leg_lot");
		return;
	}
	if (risk_orders(e, p, &o, 1, rule)) {
		set_fail(e, p, rule);
		return;
	}
	if (arb_dec_cmp(arb_bal_free(&e->bal, o.ex, (order_need(&o, &asset), asset)),
	    order_need(&o, &asset)) < 0) {
		set_fail(e, p, "balance");
		return;
	}
	p->next_leg++;
	/* a batch of one order: leg i, its first attempt */
	int leg[1] = { i }, first[1] = { 0 };
	if ((k = send_batch(e, p, &o, leg, first, 1)) < 0)
		set_fail(e, p, k == -2 ? "state" : "balance");
}

/*
 * Closing exposure: for each asset held (or owed) because a leg failed,
 * one IOC on the venue of a filled leg that traded it, at that leg's
 * price moved by --unwind-slippage against us.
 */
static int
send_unwinds(struct arb_exec *e, struct arb_opp *p)
{
	struct acc ex[MAXACC];
	struct arb_order o[MAXACC];
	int legs[MAXACC], att[MAXACC], n = 0, ne, k, i;
	char rule[32];

	touch(p);
	ne = exposure(p, ex);
	for (k = 0; k < ne && n < MAXACC; k++) {
		int pos = arb_dec_sign(ex[k].amt) > 0;
		arb_dec amt = arb_dec_abs(ex[k].amt), slip, px, qty;
		const char *reason;
		enum arb_side side;

		/* undo the last filled leg that brought the asset in (when
		 * long) or paid with it (when short), back toward ccy */
		for (i = p->nlegs - 1; i >= 0; i--) {
			const struct arb_instr *in = &p->ins[i];
			const char *got = p->legs[i].side == ARB_BUY ? in->base : in->quote;
			const char *paid = p->legs[i].side == ARB_BUY ? in->quote : in->base;
			if (p->legord[i] < 0 || arb_dec_is_zero(p->ord[p->legord[i]].filled))
				continue;
			if (strcmp(pos ? got : paid, ex[k].asset) == 0)
				break;
		}
		if (i < 0)
			continue;
		const struct arb_instr *in = &p->ins[i];
		int isbase = strcmp(in->base, ex[k].asset) == 0;
		side = p->legs[i].side == ARB_BUY ? ARB_SELL : ARB_BUY;
		slip = dmul(p->legs[i].px, ddiv(e->c.unwind_slippage_bps, arb_dec_make(10000, 0),
		    ARB_RND_HALF_EVEN));
		px = side == ARB_SELL ? dsub(p->legs[i].px, slip) : dadd(p->legs[i].px, slip);
		qty = isbase ? amt : ddiv(amt, px, ARB_RND_DOWN);
		if (arb_dec_sign(px) <= 0 || shape(e, &o[n], in, side, px, qty, &reason) < 0)
			continue;
		const char *asset;
		arb_dec need = order_need(&o[n], &asset);
		if (arb_dec_cmp(arb_bal_free(&e->bal, in->ex, asset), need) < 0)
			continue;
		legs[n] = i;
		att[n] = ++p->tries;
		n++;
	}
	if (!n)
		return 0;
	if (risk_orders(e, p, o, n, rule)) {
		p->unwind_refused = 1;
		p->tries -= n;
		return 0;
	}
	if (send_batch(e, p, o, legs, att, n) < 0)
		return 0;
	return n;
}

static int
opp_busy(const struct arb_opp *p)
{
	int j;

	for (j = 0; j < p->norders; j++)
		if (!arb_ostate_terminal(p->ord[j].st) && p->ord[j].st != ARB_OS_UNKNOWN)
			return 1;
	return 0;
}

/* Moves an opportunity on after any of its orders changed. */
static void
opp_step(struct arb_exec *e, struct arb_opp *p)
{
	int j, anyfill = 0, allfull = 1, unknown = 0;

	touch(p);
	if (p->done)
		return;
	/* a leg that ended short is a leg failure */
	for (j = 0; j < p->norders; j++) {
		struct arb_order *o = &p->ord[j];
		/* one given up is not being found out: nothing to wait for */
		if (o->st == ARB_OS_UNKNOWN && !arb_order_gave_up(o))
			unknown = 1;
		if (o->unwind || !arb_ostate_terminal(o->st) || o->st == ARB_OS_FILLED)
			continue;
		if (p->seq && !arb_dec_is_zero(o->filled) && o->leg + 1 < p->nlegs)
			continue;   /* a cycle goes on with what it got */
		if (o->cancel_req && !strcmp(o->creason, "leg_failure"))
			continue;
		set_fail(e, p, o->st == ARB_OS_REJECTED ? "leg_rejected" :
		    !strcmp(o->reason, "timeout") ? "leg_timeout" :
		    !strcmp(o->reason, "kill") ? "killed" :
		    (!strcmp(o->reason, "stop") || !strcmp(o->reason, "eof")) ? "stopped" :
		    arb_dec_is_zero(o->filled) ? "leg_miss" : "leg_partial");
	}
	if (opp_busy(p))
		return;
	if (unknown && (!e->stopping || e->settling ||
	    (!e->eof && e->c.on_stop == ARB_STOP_FINISH)))
		return;    /* the transport is still finding out (also while it
			    * settles at the stop: arb_exec_stop ends what stays
			    * unknown after that; and through a stop with
			    * --on-stop finish, which waits for every result:
			    * an answer about another leg must not end it) */
	/* sequential cycles: the next leg when the previous one delivered */
	if (p->seq && !p->fail && !p->killed && p->next_leg < p->nlegs) {
		if (e->risk.killed) {
			p->killed = 1;
		} else if (e->stopping && (e->eof || e->c.on_stop == ARB_STOP_CANCEL)) {
			set_fail(e, p, "stopped");
		} else {
			send_next_leg(e, p);
			if (opp_busy(p))
				return;
		}
	}
	for (j = 0; j < p->norders; j++) {
		if (!arb_dec_is_zero(p->ord[j].filled))
			anyfill = 1;
		if (!p->ord[j].unwind && p->ord[j].st != ARB_OS_FILLED)
			allfull = 0;
	}
	if (p->seq && p->next_leg < p->nlegs)
		allfull = 0;
	if (!allfull && !p->fail && !p->killed)
		set_fail(e, p, e->risk.killed ? "killed" : e->stopping ? "stopped" : "leg_partial");
	/* unwind what a failed leg left */
	if (p->fail && anyfill && e->c.on_leg_failure == ARB_LF_UNWIND && !unknown &&
	    !e->risk.killed && !p->unwind_refused &&
	    !(e->stopping && (e->eof || e->c.on_stop == ARB_STOP_CANCEL))) {
		struct acc ex[MAXACC];
		if (!p->unwinding && exposure(p, ex) > 0) {
			p->unwinding = 1;
			p->t_unwind = e->now;
		}
		if (p->unwinding && exposure(p, ex) > 0 && p->tries < ARB_UNWIND_TRIES &&
		    e->now < p->t_unwind + e->c.leg_timeout) {
			if (send_unwinds(e, p) > 0 && opp_busy(p))
				return;
		}
	}
	opp_finish(e, p);
}

static void
opp_finish(struct arb_exec *e, struct arb_opp *p)
{
	struct acc ex[MAXACC];
	int nex, j, anyfill = 0, unknown = 0, bad;
	const char *status, *reason;
	arb_dec pnl;

	touch(p);
	for (j = 0; j < p->norders; j++) {
		if (!arb_dec_is_zero(p->ord[j].filled))
			anyfill = 1;
		if (p->ord[j].st == ARB_OS_UNKNOWN) {
			unknown = 1;
			e->n_unknown_left++;
		}
	}
	/* exact, or the result says it is not (reason overflow) */
	strict_begin();
	nex = exposure(p, ex);
	pnl = pnl_of(p);
	bad = strict_end();
	if (bad && !p->ovf) {
		char d[160];
		p->ovf = 1;
		e->n_inexact++;
		arb_err("%s: its pnl cannot be computed exactly (an amount past 36 decimals)", p->id);
		snprintf(d, sizeof d, "%.100s: pnl cannot be computed exactly", p->id);
		kill_at(e, "overflow", d, p->id, NULL);
	}
	reason = p->fail ? p->reason : "filled";
	if (p->killed && !p->fail)
		reason = "killed";
	if (!p->fail && !p->killed)
		status = "complete";
	else if (!anyfill)
		status = "failed", reason = unknown ? "unknown" :
		    !strncmp(reason, "leg_", 4) ? (!strcmp(reason, "leg_partial") ? "miss" : reason + 4) : reason;
	else if (p->unwinding) {
		/* what is left below a tradable lot counts as closed */
		int open = 0, k, i;
		for (k = 0; k < nex; k++) {
			for (i = 0; i < p->nlegs; i++)
				if (!strcmp(p->ins[i].base, ex[k].asset) &&
				    arb_dec_cmp(arb_dec_abs(ex[k].amt), arb_dec_max(p->ins[i].lot, p->ins[i].min_qty)) >= 0)
					open = 1;
		}
		status = open ? "partial" : "unwound";
		if (open)
			reason = "unwind_failed";
	} else
		status = "partial";
	if (unknown && strcmp(status, "failed"))
		reason = "unknown";
	if (p->ovf)
		reason = "overflow";   /* pnl and exposure leave out what could not be booked */
	emit_result(e, p->id, p->kind, status, reason, pnl, p->ccy, &p->fees, ex, nex);
	if (arb_risk_daily_add(&e->risk, e->now, p->ccy, pnl)) {
		char d[128], a[ARB_DEC_STRMAX], b[ARB_DEC_STRMAX];
		arb_dec_fmt(arb_risk_daily_get(&e->risk, e->now, p->ccy), a);
		arb_dec_fmt(e->risk.c.max_daily_loss, b);
		snprintf(d, sizeof d, "daily pnl %.40s %.19s <= -%.40s", a, p->ccy, b);
		arb_exec_kill(e, "max_daily_loss", d);
	}
	p->done = 1;
	e->ndone++;
	e->gc = 1;
	e->dirty_state = 1;
}

/* Saves the state after opportunities ended, and frees ended ones once
 * they are a good part of the list (they are skipped until then). */
static void
gc(struct arb_exec *e)
{
	size_t i, k = 0;

	if (!e->gc)
		return;
	e->gc = 0;
	(void)arb_exec_save(e);
	if (e->ndone < 64 || e->ndone * 4 < e->nopps)
		return;
	for (i = 0; i < e->nopps; i++) {
		if (e->opps[i]->done)
			opp_free(e->opps[i]);
		else
			e->opps[k++] = e->opps[i];
	}
	e->nopps = k;
	e->ndone = 0;
}

/* The bad-input policy (rec.h), also when the caller gave no counter. */
static void
badline(struct arb_exec *e, const char *file, uint64_t line, const char *why)
{
	static struct arb_badlines own;

	arb_badline(e->bl ? e->bl : &own, file, line, why);
}

static int
jstr(const struct arb_json *j, int obj, const char *key, char *buf, size_t cap)
{
	int i = arb_json_get(j, obj, key);

	return i < 0 || arb_json_str(j, i, buf, cap) < 0 ? -1 : 0;
}

static int
jdec(const struct arb_json *j, int obj, const char *key, arb_dec *d)
{
	const char *why;
	int i = arb_json_get(j, obj, key);

	return i < 0 || arb_json_dec(j, i, d, &why) < 0 ? -1 : 0;
}

/* Reads and checks an opportunity; -1 with why. */
static int
opp_parse(const struct arb_rec *r, struct arb_opp *p, char *event, char *why, size_t whylen)
{
	const struct arb_json *j = &r->j;
	int legs, i, nb = 0, ns = 0;
	char idbuf[256], side[8];

	/* all but the orders, written whole when created (norders) */
	memset(p, 0, offsetof(struct arb_opp, ord));
	memset((char *)p + offsetof(struct arb_opp, fail), 0,
	    sizeof *p - offsetof(struct arb_opp, fail));
	i = arb_json_get(j, 0, "id");
	if (i >= 0 && j->t[i].type == ARB_J_NUM && j->t[i].len < sizeof idbuf)
		snprintf(idbuf, sizeof idbuf, "%.*s", (int)j->t[i].len, arb_json_raw(j, i));
	else if (arb_rec_str(r, "id", idbuf, sizeof idbuf) < 0)
		idbuf[0] = '\0';
	if (!idbuf[0]) {
		snprintf(why, whylen, "bad opportunity: missing or bad \"id\"");
		return -1;
	}
	p->id = xstrdup(idbuf);
	if (arb_rec_str(r, "ccy", p->ccy, sizeof p->ccy) < 0)
		p->ccy[0] = '\0';
	if (arb_rec_str(r, "event", event, 8) < 0)
		strcpy(event, "new");
	if (strcmp(event, "new") && strcmp(event, "update") && strcmp(event, "gone")) {
		snprintf(why, whylen, "bad opportunity %s: unknown event \"%s\"", p->id, event);
		return -1;
	}
	if (arb_rec_str(r, "kind", p->kind, sizeof p->kind) < 0 ||
	    (strcmp(p->kind, "cross") && strcmp(p->kind, "cycle"))) {
		snprintf(why, whylen, "bad opportunity %s: \"kind\" must be cross or cycle", p->id);
		return -1;
	}
	if ((legs = arb_json_get(j, 0, "legs")) < 0 || j->t[legs].type != ARB_J_ARR) {
		snprintf(why, whylen, "bad opportunity %s: missing \"legs\"", p->id);
		return -1;
	}
	p->nlegs = (int)j->t[legs].n;
	if (!strcmp(p->kind, "cross") && p->nlegs != 2) {
		snprintf(why, whylen, "bad opportunity %s: a cross opportunity needs 2 legs, has %d",
		    p->id, p->nlegs);
		return -1;
	}
	if (p->nlegs < 2 || p->nlegs > ARB_MAXLEGS) {
		snprintf(why, whylen, "bad opportunity %s: %d legs (2 to %d)", p->id, p->nlegs,
		    ARB_MAXLEGS);
		return -1;
	}
	for (i = 0; i < p->nlegs; i++) {
		int l = arb_json_at(j, legs, (uint32_t)i);
		struct leg *g = &p->legs[i];
		if (j->t[l].type != ARB_J_OBJ) {
			snprintf(why, whylen, "bad opportunity %s: leg %d is not an object", p->id, i);
			return -1;
		}
		if (jstr(j, l, "ex", g->ex, sizeof g->ex) < 0 || !g->ex[0] ||
		    jstr(j, l, "sym", g->sym, sizeof g->sym) < 0 || !g->sym[0]) {
			snprintf(why, whylen, "bad opportunity %s: leg %d: missing ex or sym", p->id, i);
			return -1;
		}
		if (jstr(j, l, "side", side, sizeof side) < 0 ||
		    (strcmp(side, "buy") && strcmp(side, "sell"))) {
			snprintf(why, whylen, "bad opportunity %s: leg %d: side must be buy or sell",
			    p->id, i);
			return -1;
		}
		g->side = side[0] == 'b' ? ARB_BUY : ARB_SELL;
		if (g->side == ARB_BUY)
			nb++;
		else
			ns++;
		if (jdec(j, l, "px", &g->px) < 0 || jdec(j, l, "qty", &g->qty) < 0) {
			snprintf(why, whylen, "bad opportunity %s: leg %d: missing px or qty", p->id, i);
			return -1;
		}
		if (arb_dec_sign(g->px) <= 0) {
			snprintf(why, whylen, "bad opportunity %s: leg %d: px must be positive", p->id, i);
			return -1;
		}
		if (arb_dec_sign(g->qty) <= 0) {
			snprintf(why, whylen, "bad opportunity %s: leg %d: %s qty", p->id, i,
			    arb_dec_sign(g->qty) < 0 ? "negative" : "zero");
			return -1;
		}
	}
	if (!strcmp(p->kind, "cross") && (nb != 1 || ns != 1)) {
		snprintf(why, whylen, "bad opportunity %s: a cross needs one buy and one sell leg", p->id);
		return -1;
	}
	if (arb_rec_dec(r, "cost", &p->cost) < 0)
		p->cost = ZERO;
	if (arb_rec_i64(r, "expires", &p->expires) < 0)
		p->expires = 0;
	p->ts = r->ts;
	return 0;
}

/* An opportunity never put in the list: its memory is kept for the
 * next one. */
static void
opp_drop(struct arb_exec *e, struct arb_opp *p)
{
	free(p->id);
	p->id = NULL;
	if (e->spare)
		free(p);
	else
		e->spare = p;
}

/* Is an opportunity of this id in flight (not ended)? */
static int
opp_live(const struct arb_exec *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nopps; i++)
		if (!e->opps[i]->done && !strcmp(e->opps[i]->id, id))
			return 1;
	return 0;
}

/* Was an opportunity of time ts decided, its id dropped from the table
 * since?  seen_floor is the latest time of a dropped id (-1: none; 0 when
 * only ids of time 0 were dropped, which once counted as none), so ts
 * equal to it counts too. */
static int
below_floor(const struct arb_exec *e, int64_t ts)
{
	return ts <= e->seen_floor;
}

static void
on_opportunity(struct arb_exec *e, const struct arb_rec *r, const char *file, uint64_t line)
{
	struct arb_opp *p;
	struct arb_seen *sn = NULL;
	struct arb_order o[ARB_MAXLEGS];
	int legs[ARB_MAXLEGS], att[ARB_MAXLEGS] = { 0 }, i, n, k, live = 0;
	char event[8], why[256], rule[32];
	const char *reason;

	if (e->c.stats) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		e->t_decide_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	/* most opportunity records are updates of one already decided:
	 * the memory of the last one dropped is used again */
	p = e->spare ? e->spare : xmalloc(sizeof *p);
	e->spare = NULL;
	memset(&p->jsig, 0, sizeof p->jsig);
	p->jend = 0;
	p->jtouch = 1;
	if (opp_parse(r, p, event, why, sizeof why) < 0) {
		badline(e, file, line, why);
		e->n_bad++;
		if (p->id) {
			if (!seen_find(e, p->id, fnv(p->id, strlen(p->id))) && !below_floor(e, r->ts)) {
				seen_put(e, p->id, r->ts);
				skip(e, p->id, p->kind[0] ? p->kind : "unknown",
				    p->ccy[0] ? p->ccy : "", "invalid");
			}
		}
		opp_drop(e, p);
		return;
	}
	/* An id a minute past the latest expires of its records is
	 * forgotten, as seen_rebuild forgets it: its records are those of a
	 * new opportunity (unless below the floor, which its expires joins).
	 * Not only when the table is rebuilt, which happens as it grows,
	 * at moments that depend on how many ids it holds and, after a
	 * restart, on the order they were loaded in.  Never while the
	 * opportunity is in flight (an order of it waits for its book): its
	 * records are then duplicates, forgotten or not. */
	sn = seen_find(e, p->id, fnv(p->id, strlen(p->id)));
	if ((!sn || seen_stale(e, sn)) && opp_live(e, p->id))
		live = 1;   /* its orders still open: a duplicate all the same */
	else if (sn && seen_stale(e, sn)) {
		seen_forget(e, sn);
		sn = NULL;
	}
	if (!strcmp(event, "gone") || e->stopping || sn || live || below_floor(e, r->ts)) {
		if (!strcmp(event, "gone") || e->stopping)
			;
		else
			e->n_dup++;
		/* a later expiry keeps a decided id remembered longer */
		if (sn || live)
			seen_put(e, p->id, p->expires ? p->expires : r->ts);
		opp_drop(e, p);
		return;
	}
	e->n_opp++;
	seen_put(e, p->id, p->expires ? p->expires : r->ts);
	e->dirty_state = 1;
	p->t_decide = e->now;
	p->fees = ZERO;
	for (i = 0; i < ARB_MAXLEGS; i++) {
		p->legord[i] = -1;
		p->delivered[i] = ZERO;
	}
	arb_exec_check_kill_file(e);
	if (e->risk.killed) {
		snprintf(why, sizeof why, "kill switch on (%s)", e->risk.kill_rule);
		emit_risk(e, "kill", "refuse", why, p->id, NULL);
		reason = "kill";
		goto skipped;
	}
	if (p->expires && p->expires < e->now) {
		reason = "expired";
		goto skipped;
	}
	for (i = 0; i < p->nlegs; i++) {
		struct arb_instr *in = instr_get(e, p->legs[i].ex, p->legs[i].sym);
		if (!in) {
			arb_warn("%s:%llu: opportunity %s: no instrument record for %s %s", file,
			    (unsigned long long)line, p->id, p->legs[i].ex, p->legs[i].sym);
			reason = "instrument";
			goto skipped;
		}
		p->ins[i] = *in;
		if (shape(e, &o[i], in, p->legs[i].side, p->legs[i].px, p->legs[i].qty, &reason) < 0)
			goto skipped;
		legs[i] = i;
	}
	if (!p->ccy[0])
		snprintf(p->ccy, sizeof p->ccy, "%s", p->ins[0].quote);
	if (arb_risk_daily_breached(&e->risk, e->now, p->ccy)) {
		char d[128];
		snprintf(d, sizeof d, "daily loss limit reached in %s", p->ccy);
		arb_exec_kill(e, "max_daily_loss", d);
		emit_risk(e, "kill", "refuse", "kill switch on (max_daily_loss)", p->id, NULL);
		reason = "kill";
		goto skipped;
	}
	if (arb_risk_notional_opp(&e->risk, p->cost, p->ccy, rule, why)) {
		emit_risk(e, rule, "refuse", why, p->id, NULL);
		reason = rule;
		goto skipped;
	}
	/* balances: every leg at once, or (cycles) one after another */
	{
		struct arb_balances need;
		int fits = 1;
		arb_balances_init(&need);
		for (i = 0; i < p->nlegs; i++) {
			const char *asset;
			arb_dec amt = order_need(&o[i], &asset);
			struct arb_bal *b = arb_bal_get(&need, o[i].ex, asset, 1);
			if (b)
				b->free = dadd(b->free, amt);
		}
		for (k = 0; k < (int)need.n; k++)
			if (arb_dec_cmp(arb_bal_free(&e->bal, need.v[k].ex, need.v[k].asset),
			    need.v[k].free) < 0)
				fits = 0;
		arb_balances_free(&need);
		n = p->nlegs;
		if (!fits && !strcmp(p->kind, "cycle")) {
			const char *asset;
			arb_dec amt = order_need(&o[0], &asset);
			if (arb_dec_cmp(arb_bal_free(&e->bal, o[0].ex, asset), amt) >= 0) {
				fits = 1;
				p->seq = 1;
				n = 1;
			}
		}
		if (!fits) {
			if (!e->bal.n && !e->warned_nobal++)
				arb_warn("no balances known: every opportunity is skipped "
				    "(give --balances FILE or balance records)");
			reason = "balance";
			goto skipped;
		}
	}
	if (risk_orders(e, p, o, n, rule)) {
		reason = rule;
		goto skipped;
	}
	if (e->nopps == e->capopps) {
		size_t nc = e->capopps ? e->capopps * 2 : 16;
		xrealloc(&e->opps, nc * sizeof *e->opps);
		e->capopps = nc;
	}
	e->opps[e->nopps++] = p;
	p->next_leg = n;
	if ((k = send_batch(e, p, o, legs, att, n)) < 0)
		set_fail(e, p, k == -2 ? "state" : "balance");
	opp_step(e, p);
	return;
skipped:
	skip(e, p->id, p->kind, p->ccy[0] ? p->ccy : (p->ins[0].quote[0] ? p->ins[0].quote : ""), reason);
	opp_drop(e, p);
}

static void
on_instrument(struct arb_exec *e, const struct arb_rec *r, const char *file, uint64_t line)
{
	struct arb_instr in, *p;
	char fee_in[16];

	memset(&in, 0, sizeof in);
	if (!*r->ex || !*r->sym || arb_rec_str(r, "base", in.base, sizeof in.base) < 0 ||
	    arb_rec_str(r, "quote", in.quote, sizeof in.quote) < 0 ||
	    arb_rec_dec(r, "tick", &in.tick) < 0 || arb_rec_dec(r, "lot", &in.lot) < 0 ||
	    arb_rec_dec(r, "taker_fee", &in.taker_fee) < 0) {
		badline(e, file, line, "bad instrument: needs base quote tick lot taker_fee");
		e->n_bad++;
		return;
	}
	/* a fraction, as --taker-fee takes it */
	if (!arb_exec_fee_rate_ok(in.taker_fee)) {
		badline(e, file, line, "bad instrument: taker_fee must be at least 0 and below 1");
		e->n_bad++;
		return;
	}
	if (arb_rec_dec(r, "min_qty", &in.min_qty) < 0)
		in.min_qty = ZERO;
	if (arb_rec_dec(r, "min_notional", &in.min_notional) < 0)
		in.min_notional = ZERO;
	if (arb_rec_dec(r, "maker_fee", &in.maker_fee) < 0)
		in.maker_fee = in.taker_fee;
	in.fee_in = ARB_FEE_QUOTE;
	if (arb_rec_str(r, "fee_in", fee_in, sizeof fee_in) == 0) {
		if (!strcmp(fee_in, "base"))
			in.fee_in = ARB_FEE_BASE;
		else if (!strcmp(fee_in, "received"))
			in.fee_in = ARB_FEE_RECEIVED;
		else if (strcmp(fee_in, "quote")) {
			badline(e, file, line, "bad instrument: fee_in must be quote, base or received");
			e->n_bad++;
			return;
		}
	}
	p = instr_add(e, r->ex, r->sym);
	snprintf(in.ex, sizeof in.ex, "%s", r->ex);
	snprintf(in.sym, sizeof in.sym, "%s", r->sym);
	if (memcmp(p, &in, sizeof in) != 0) {
		size_t i = (size_t)(p - e->ins);
		e->dirty_state = 1;
		if (e->nidirty == e->capidirty) {
			size_t nc = e->capidirty ? e->capidirty * 2 : 64;
			xrealloc(&e->idirty, nc * sizeof *e->idirty);
			e->capidirty = nc;
		}
		if (!e->insjd[i])
			e->idirty[e->nidirty++] = i;
		e->insjd[i] = 1;
	}
	*p = in;
}

static void
on_status(struct arb_exec *e, const struct arb_rec *r)
{
	char st[24];
	size_t i;
	int bad;

	if (!*r->ex || arb_rec_str(r, "state", st, sizeof st) < 0)
		return;
	bad = !strcmp(st, "gap") || !strcmp(st, "resync") || !strcmp(st, "stale") ||
	    !strcmp(st, "disconnected");
	if (!bad)
		return;
	for (i = 0; i < e->capbooks; i++) {
		struct arb_book_ent *b = &e->books[i];
		if (b->used && !strcmp(b->ex, r->ex) && (!*r->sym || !strcmp(b->sym, r->sym)) && b->ok) {
			b->ok = 0;
			book_mark(e, b, 0);
		}
	}
}

int
arb_exec_fee_rate_ok(arb_dec rate)
{
	return arb_dec_sign(rate) >= 0 && arb_dec_cmp(rate, ONE) < 0;
}

/* Does an order of the engine that has not ended hold funds of asset at
 * venue ex locked? */
static int
orders_lock(const struct arb_exec *e, const char *ex, const char *asset)
{
	size_t i;
	int j;

	for (i = 0; i < e->nopps; i++)
		for (j = 0; j < e->opps[i]->norders; j++) {
			const struct arb_order *o = &e->opps[i]->ord[j];
			if (!arb_ostate_terminal(o->st) && !arb_dec_is_zero(o->lock_rem) &&
			    !strcmp(o->ex, ex) && !strcmp(o->lock_asset, asset))
				return 1;
		}
	return 0;
}

static void
on_balance(struct arb_exec *e, const struct arb_rec *r, const char *file, uint64_t line)
{
	char asset[ARB_ASSET_MAX];
	arb_dec fr, lk;
	struct arb_bal *b;

	if (!*r->ex || arb_rec_str(r, "asset", asset, sizeof asset) < 0 ||
	    arb_rec_dec(r, "free", &fr) < 0)
		return;
	if (arb_rec_dec(r, "locked", &lk) < 0)
		lk = ZERO;
	/* The record may or may not count the funds that the engine's open
	 * orders hold: taken as is, a fill would then spend locked funds
	 * that the record set to zero, or free ones twice.  Not used, as
	 * live trading does not use a balance read that crossed an order. */
	if (orders_lock(e, r->ex, asset)) {
		arb_warn("%s:%" PRIu64 ": balance of %s at %s not used: open orders hold some of it "
		    "locked (the record may or may not count them)", file ? file : "-", line, asset, r->ex);
		/* the engine's balance follows it, so that the last record of
		 * it downstream (arb-report's, arb-store's) is the one in use */
		arb_bal_touch(&e->bal, r->ex, asset);
		return;
	}
	if (arb_bal_set(&e->bal, r->ex, asset, fr, lk) == 0 &&
	    (b = arb_bal_get(&e->bal, r->ex, asset, 0)))
		b->dirty = 0;   /* the record itself went downstream already */
	e->dirty_state = 1;
}

/* Orders past --leg-timeout are canceled. */
static void
deadlines(struct arb_exec *e)
{
	size_t i;
	int j;
	int64_t next = 0;

	for (i = 0; i < e->nopps; i++) {
		struct arb_opp *p = e->opps[i];
		for (j = 0; !p->done && j < p->norders; j++) {
			struct arb_order *o = &p->ord[j];
			if (arb_ostate_terminal(o->st) || o->st == ARB_OS_NEW)
				continue;
			if (o->deadline <= e->now && !o->cancel_req)
				cancel_order(e, o, "timeout");
			else if (!o->cancel_req && (!next || o->deadline < next))
				next = o->deadline;
		}
	}
	e->next_deadline = next;
}

void
arb_exec_record(struct arb_exec *e, const struct arb_rec *r, const char *file, uint64_t line)
{
	struct arb_book_ent *b;
	int ok;

	if (r->has_ts && r->ts > e->now)
		e->now = r->ts;
	switch (r->type) {
	case ARB_R_BOOK:
		if ((b = book_get(e, r->ex, r->sym, 1))) {
			if (arb_rec_bool(r, "ok", &ok) < 0)
				ok = 0;
			if (b->ts != r->ts || b->ok != ok)
				book_mark(e, b, 0);
			b->ts = r->ts;
			b->ok = ok;
		}
		break;
	case ARB_R_OPPORTUNITY:
		on_opportunity(e, r, file, line);
		break;
	case ARB_R_INSTRUMENT:
		on_instrument(e, r, file, line);
		break;
	case ARB_R_STATUS:
		on_status(e, r);
		break;
	case ARB_R_BALANCE:
		on_balance(e, r, file, line);
		break;
	default:
		break;
	}
	if (e->x->record && (r->type == ARB_R_BOOK || r->type == ARB_R_STATUS))
		e->x->record(e->x->ctx, r);
	if (e->next_deadline && e->now >= e->next_deadline)
		deadlines(e);
	if (e->x->tick)
		e->x->tick(e->x->ctx, e->now);
	arb_bal_emit_dirty(&e->bal, e->now, &e->out);
	gc(e);
}

void
arb_exec_settle(struct arb_exec *e)
{
	if (e->next_deadline && e->now >= e->next_deadline)
		deadlines(e);
	arb_bal_emit_dirty(&e->bal, e->now, &e->out);
	gc(e);
}

/* ------------------------------------------------------------------ */
/* Transport callbacks. */

static struct arb_opp *
opp_of(struct arb_exec *e, const struct arb_order *o)
{
	(void)e;
	return o->owner;
}

static int
move(struct arb_exec *e, struct arb_order *o, enum arb_ostate to)
{
	if (!arb_ostate_can(o->st, to)) {
		arb_warn("%s: ignored transition %s -> %s", o->cid, arb_ostate_name(o->st),
		    arb_ostate_name(to));
		return -1;
	}
	setst(e, o, to);
	e->dirty_state = 1;
	return 0;
}

static void
release(struct arb_exec *e, struct arb_order *o)
{
	touch(o->owner);
	if (o->inexact)
		return;    /* what it spent is not known: not given back */
	if (!arb_dec_is_zero(o->lock_rem)) {
		arb_bal_unlock(&e->bal, o->ex, o->lock_asset, o->lock_rem);
		o->lock_rem = ZERO;
	}
}

void
arb_exec_on_ack(struct arb_exec *e, struct arb_order *o, const char *vid, int64_t ts)
{
	touch(o->owner);
	if (move(e, o, ARB_OS_ACKED) < 0)
		return;
	if (vid)
		snprintf(o->vid, sizeof o->vid, "%s", vid);
	emit_order(e, o, ts);
}

void
arb_exec_on_vid(struct arb_exec *e, struct arb_order *o, const char *vid)
{
	if (!vid || !*vid || !strcmp(o->vid, vid))
		return;
	touch(o->owner);
	snprintf(o->vid, sizeof o->vid, "%s", vid);
	e->dirty_state = 1;
}

/*
 * A fill is booked whole or not at all.  Its balance changes are worked
 * out first on copies (struct simbal: the balances it touches, in the
 * order the booking touches them) and the opportunity's accounts on a
 * copy of them; only when every amount is exact are they applied.
 */
#define NSIM 8

struct simbal {
	struct arb_balances *b;
	const char *ex, *asset;
	arb_dec fr, lk;
};

/* free (lk 0) or locked (lk 1) of ex/asset in b plus amt, as
 * arb_bal_credit (or arb_bal_spend of -amt) would leave it: 0, or -1
 * when that cannot be computed exactly or recorded. */
static int
sim_add(struct simbal *s, int *n, struct arb_balances *b, const char *ex, const char *asset, int lk,
    arb_dec amt)
{
	const struct arb_bal *v;
	struct simbal *x = NULL;
	arb_dec r;
	int i;

	if (arb_dec_is_zero(amt))
		return 0;
	for (i = 0; i < *n && !x; i++)
		if (s[i].b == b && !strcmp(s[i].ex, ex) && !strcmp(s[i].asset, asset))
			x = &s[i];
	if (!x) {
		if (*n == NSIM || !*asset || strlen(ex) >= ARB_EX_MAX || strlen(asset) >= ARB_ASSET_MAX)
			return -1;
		x = &s[(*n)++];
		x->b = b;
		x->ex = ex;
		x->asset = asset;
		v = arb_bal_get(b, ex, asset, 0);
		x->fr = v ? v->free : ZERO;
		x->lk = v ? v->locked : ZERO;
	}
	if (arb_dec_add(&r, lk ? x->lk : x->fr, amt) < 0)
		return -1;
	*(lk ? &x->lk : &x->fr) = arb_dec_trim(r);
	return 0;
}

/* What a fill changes, computed before anything is booked. */
struct booking {
	arb_dec filled, notional, fee, spent, got, lock_rem;
	const char *spend, *get, *fee_ccy;
	int spend_over;            /* spends more than is left locked */
	int nacc, nfee;
	struct acc gross[MAXACC], feeacc[MAXACC];
	arb_dec fees, delivered;
	int bad_filled;            /* filled + qty cannot be computed */
	int bad_fee;               /* no fee reported, and ours cannot be computed */
	int bad;                   /* anything at all cannot be computed */
};

static void
book_fill(struct arb_exec *e, struct arb_order *o, struct arb_opp *p, arb_dec px, arb_dec qty,
    struct booking *k)
{
	struct simbal sim[NSIM];
	int ns = 0, sb = 0;
	arb_dec fee = k->fee, v;
	const char *fee_ccy = k->fee_ccy;

	k->bad_fee = 0;
	k->delivered = ZERO;
	strict_begin();
	k->filled = dadd(o->filled, qty);
	k->bad_filled = ovf_hit;
	if (!fee_ccy) {
		/* not reported: the order's fee rate */
		ovf_hit = 0;
		fee = k->fee = fee_of(o, px, qty, &fee_ccy);
		k->bad_fee = ovf_hit;
		k->fee_ccy = fee_ccy;
	}
	k->notional = dmul(px, qty);
	if (o->side == ARB_BUY) {
		k->spend = o->quote, k->get = o->base;
		k->spent = k->notional, k->got = qty;
	} else {
		k->spend = o->base, k->get = o->quote;
		k->spent = qty, k->got = k->notional;
	}
	/* balances: the fee comes out of whichever asset it is charged in */
	if (!strcmp(fee_ccy, k->spend))
		k->spent = dadd(k->spent, fee);
	else if (!strcmp(fee_ccy, k->get))
		k->got = dsub(k->got, fee);
	else
		sb |= sim_add(sim, &ns, &e->bal, o->ex, fee_ccy, 0, arb_dec_neg(fee));
	k->spend_over = arb_dec_cmp(k->spent, o->lock_rem) > 0;
	if (!k->spend_over) {
		sb |= sim_add(sim, &ns, &e->bal, o->ex, k->spend, 1, arb_dec_neg(k->spent));
		k->lock_rem = dsub(o->lock_rem, k->spent);
	} else {
		sb |= sim_add(sim, &ns, &e->bal, o->ex, k->spend, 1, arb_dec_neg(o->lock_rem));
		sb |= sim_add(sim, &ns, &e->bal, o->ex, k->spend, 0, arb_dec_neg(dsub(k->spent, o->lock_rem)));
		k->lock_rem = ZERO;
	}
	sb |= sim_add(sim, &ns, &e->bal, o->ex, k->get, 0, k->got);
	/* positions */
	sb |= sim_add(sim, &ns, &e->pos, "*", k->get, 0, o->side == ARB_BUY ? qty : k->notional);
	sb |= sim_add(sim, &ns, &e->pos, "*", k->spend, 0, arb_dec_neg(o->side == ARB_BUY ? k->notional : qty));
	sb |= sim_add(sim, &ns, &e->pos, "*", fee_ccy, 0, arb_dec_neg(fee));
	/* the opportunity's accounts */
	if (p) {
		k->nacc = p->nacc;
		k->nfee = p->nfee;
		memcpy(k->gross, p->gross, sizeof k->gross);
		memcpy(k->feeacc, p->feeacc, sizeof k->feeacc);
		k->fees = p->fees;
		sb |= acc_add(k->gross, &k->nacc, k->get, o->side == ARB_BUY ? qty : k->notional);
		sb |= acc_add(k->gross, &k->nacc, k->spend, arb_dec_neg(o->side == ARB_BUY ? k->notional : qty));
		if (!arb_dec_is_zero(fee)) {
			sb |= acc_add(k->feeacc, &k->nfee, fee_ccy, fee);
			if (!strcmp(fee_ccy, p->ccy))
				k->fees = dadd(k->fees, fee);
			else if (!strcmp(fee_ccy, o->base) && !strcmp(o->quote, p->ccy))
				k->fees = dadd(k->fees, dmul(fee, px));    /* at this fill's price */
			else if (value_in_ccy(p, fee_ccy, fee, &v) == 0)
				k->fees = dadd(k->fees, v);
		}
		if (!o->unwind && o->leg >= 0 && o->leg < ARB_MAXLEGS)
			k->delivered = dadd(p->delivered[o->leg],
			    o->side == ARB_BUY ? (!strcmp(fee_ccy, k->get) ? dsub(qty, fee) : qty)
			    : (!strcmp(fee_ccy, k->get) ? dsub(k->notional, fee) : k->notional));
	}
	k->bad = strict_end() || sb || k->bad_fee || k->bad_filled;
}

/*
 * A fill of o: booked whole when every amount of it is exact, else
 * written and booked not at all.  unknown: -1, or what the transport
 * could not work out of it (enum arb_fill_unknown), why saying how.
 */
static void
fill(struct arb_exec *e, struct arb_order *o, arb_dec px, arb_dec qty, arb_dec fee,
    const char *fee_ccy, const char *tid, int64_t ts, int unknown, const char *why)
{
	struct arb_opp *p = opp_of(e, o);
	struct arb_buf *b = &e->out;
	struct booking k;
	enum arb_ostate to;
	char d[160], a[ARB_DEC_STRMAX], q[ARB_DEC_STRMAX];
	/* a quantity or price not known: no fill to book or write */
	int norec = unknown == ARB_FILL_QTY || unknown == ARB_FILL_PX;

	touch(o->owner);
	if (arb_ostate_terminal(o->st)) {
		arb_warn("%s: fill after the order ended: ignored", o->cid);
		return;
	}
	if (arb_order_gave_up(o)) {
		/* its filled quantity could not be followed: a fill now
		 * cannot be told from one already reported */
		arb_warn("%s: fill after the order's quantity could no longer be followed: ignored", o->cid);
		return;
	}
	if (norec) {
		/* nothing to book, nor a fill to write */
		memset(&k, 0, sizeof k);
		k.bad = k.bad_filled = 1;
	} else {
		k.fee = fee;
		k.fee_ccy = fee_ccy;
		book_fill(e, o, p, px, qty, &k);
		o->nfills++;
	}
	if (unknown == ARB_FILL_FEE)
		k.bad = k.bad_fee = 1;   /* worked out at fee 0: none of it booked */
	if (!k.bad_filled)
		o->filled = k.filled;
	to = k.bad_filled ? ARB_OS_UNKNOWN :
	    arb_dec_cmp(o->filled, o->qty) >= 0 ? ARB_OS_FILLED : ARB_OS_PARTIAL;
	if (!k.bad) {
		if (strcmp(k.fee_ccy, k.spend) && strcmp(k.fee_ccy, k.get))
			arb_bal_credit(&e->bal, o->ex, k.fee_ccy, arb_dec_neg(k.fee));
		if (!k.spend_over) {
			arb_bal_spend(&e->bal, o->ex, k.spend, k.spent);
		} else {
			arb_bal_spend(&e->bal, o->ex, k.spend, o->lock_rem);
			arb_bal_credit(&e->bal, o->ex, k.spend, arb_dec_neg(dsub(k.spent, o->lock_rem)));
		}
		o->lock_rem = k.lock_rem;
		arb_bal_credit(&e->bal, o->ex, k.get, k.got);
		arb_bal_credit(&e->pos, "*", k.get, o->side == ARB_BUY ? qty : k.notional);
		arb_bal_credit(&e->pos, "*", k.spend, arb_dec_neg(o->side == ARB_BUY ? k.notional : qty));
		arb_bal_credit(&e->pos, "*", k.fee_ccy, arb_dec_neg(k.fee));
		if (p) {
			p->nacc = k.nacc;
			p->nfee = k.nfee;
			memcpy(p->gross, k.gross, sizeof p->gross);
			memcpy(p->feeacc, k.feeacc, sizeof p->feeacc);
			p->fees = k.fees;
			if (!o->unwind && o->leg >= 0 && o->leg < ARB_MAXLEGS)
				p->delivered[o->leg] = k.delivered;
		}
	}
	/* the fill as it was reported, booked or not */
	if (!norec) {
		e->n_fills++;
		arb_emit_begin(b, "fill");
		arb_emit_i64(b, "ts", ts);
		arb_emit_str(b, "ex", o->ex);
		arb_emit_str(b, "sym", o->sym);
		arb_emit_str(b, "opp", o->opp);
		arb_emit_str(b, "cid", o->cid);
		arb_emit_str(b, "side", o->side == ARB_BUY ? "buy" : "sell");
		arb_emit_dec(b, "px", arb_dec_trim(px));
		arb_emit_dec(b, "qty", arb_dec_trim(qty));
		if (!k.bad_fee)
			arb_emit_dec(b, "fee", arb_dec_trim(k.fee));
		arb_emit_str(b, "fee_ccy", k.fee_ccy);
		arb_emit_str(b, "mode", e->x->mode);
		if (tid)
			arb_emit_str(b, "tid", tid);
		arb_emit_end(b);
	}
	if (k.bad) {
		/* nothing of it is booked: the venue's balances here are no
		 * longer known, and nothing may trade on them */
		e->n_inexact++;
		o->inexact = 1;
		if (p) {
			p->ovf = 1;
			touch(p);
		}
		if (to == ARB_OS_UNKNOWN)
			snprintf(o->reason, sizeof o->reason, "overflow");
		arb_dec_fmt(arb_dec_trim(px), a);
		arb_dec_fmt(arb_dec_trim(qty), q);
		arb_err("%s: %s %s fill%s%s%s%s cannot be booked exactly (%s): not booked; %s balances unknown",
		    o->cid, o->ex, o->sym, unknown == ARB_FILL_QTY ? "" : " ", unknown == ARB_FILL_QTY ? "" : q,
		    unknown == ARB_FILL_PX ? "" : " at ", unknown == ARB_FILL_PX ? "" : a,
		    why ? why : "an amount past 36 decimals", o->ex);
		snprintf(d, sizeof d, "%s: a fill cannot be booked exactly: %s balances unknown", o->cid, o->ex);
	}
	if (move(e, o, to) < 0)
		setst(e, o, to);
	if (to == ARB_OS_FILLED)
		release(e, o);
	emit_order(e, o, ts);
	e->dirty_state = 1;
	/* saved once the transport's answer or the record is done with, as
	 * when an opportunity ends: a crash before the opportunity ends then
	 * restarts from this fill, and books only what the venue reports
	 * after it (not the part it wrote already, again, at another price) */
	e->gc = 1;
	if (k.bad)
		kill_at(e, "overflow", d, o->opp, o->ex);
	if (p && to == ARB_OS_FILLED)
		opp_step(e, p);
}

void
arb_exec_on_fill(struct arb_exec *e, struct arb_order *o, arb_dec px, arb_dec qty, arb_dec fee,
    const char *fee_ccy, const char *tid, int64_t ts)
{
	fill(e, o, px, qty, fee, fee_ccy, tid, ts, -1, NULL);
}

void
arb_exec_on_fill_unknown(struct arb_exec *e, struct arb_order *o, enum arb_fill_unknown what,
    arb_dec px, arb_dec qty, const char *fee_ccy, const char *tid, int64_t ts, const char *why)
{
	fill(e, o, px, qty, ZERO, fee_ccy, tid, ts, (int)what, why);
}

void
arb_exec_on_end(struct arb_exec *e, struct arb_order *o, enum arb_ostate st, const char *reason,
    int64_t ts)
{
	struct arb_opp *p = opp_of(e, o);

	touch(o->owner);
	if (move(e, o, st) < 0)
		return;
	/* no reason from the transport: the cancel we asked for took effect */
	snprintf(o->reason, sizeof o->reason, "%s", reason ? reason : o->creason);
	if (arb_ostate_terminal(st))
		release(e, o);
	emit_order(e, o, ts);
	if (p)
		opp_step(e, p);
}

/* ------------------------------------------------------------------ */
/* Stopping. */

int
arb_exec_busy(const struct arb_exec *e)
{
	size_t i;

	for (i = 0; i < e->nopps; i++)
		if (!e->opps[i]->done)
			return 1;
	return 0;
}

int
arb_exec_unknown(const struct arb_exec *e)
{
	size_t i;
	int j, n = 0;

	for (i = 0; i < e->nopps; i++)
		for (j = 0; !e->opps[i]->done && j < e->opps[i]->norders; j++)
			if (e->opps[i]->ord[j].st == ARB_OS_UNKNOWN)
				n++;
	return n + (int)e->n_unknown_left;
}

void
arb_exec_stop(struct arb_exec *e, int eof)
{
	size_t i;

	for (i = 0; i < e->nopps; i++)
		touch(e->opps[i]);
	e->stopping = 1;
	if (eof)
		e->eof = 1;
	/* --on-stop finish with a state file: what is in flight at the end of
	 * the input stays open in the state file for the next run */
	if (eof && e->c.on_stop == ARB_STOP_FINISH && e->c.state_path) {
		e->dirty_state = 1;
		return;
	}
	if (eof || e->c.on_stop == ARB_STOP_CANCEL) {
		if (e->x->finish) {
			/* an order that is unknown when the stop begins may
			 * still be resolved by the transport's last queries:
			 * its opportunity ends after that, not on the way */
			e->settling = 1;
			e->x->finish(e->x->ctx, e->now, !eof);
			e->settling = 0;
		}
		/* anything the transport could not settle stays unknown */
		for (i = 0; i < e->nopps; i++) {
			struct arb_opp *p = e->opps[i];
			int j;
			for (j = 0; !p->done && j < p->norders; j++)
				if (!arb_ostate_terminal(p->ord[j].st) && p->ord[j].st != ARB_OS_UNKNOWN &&
				    p->ord[j].st != ARB_OS_NEW)
					arb_exec_on_end(e, &p->ord[j], ARB_OS_UNKNOWN, "stop", e->now);
			opp_step(e, p);
		}
	}
	arb_bal_emit_dirty(&e->bal, e->now, &e->out);
	gc(e);
}

/* ------------------------------------------------------------------ */
/* The state file. */

static void
save_order(struct arb_buf *b, const struct arb_order *o, int64_t now, const char *mode)
{
	order_head(b, o, now, mode);
	arb_emit_str(b, "vid", o->vid);
	arb_emit_str(b, "reason", o->reason);
	arb_emit_str(b, "base", o->base);
	arb_emit_str(b, "quote", o->quote);
	arb_emit_dec(b, "fee_rate", o->fee_rate);
	arb_emit_i64(b, "fee_in", o->fee_in);
	arb_emit_i64(b, "otype", o->otype);
	arb_emit_i64(b, "unwind", o->unwind);
	arb_emit_i64(b, "nfills", o->nfills);
	arb_emit_i64(b, "cancel_req", o->cancel_req);
	if (o->cancel_req) {
		arb_emit_i64(b, "t_cancel", o->t_cancel);
		arb_emit_str(b, "creason", o->creason);
	}
	if (o->inexact)
		arb_emit_i64(b, "inexact", o->inexact);
	arb_emit_i64(b, "t_sent", o->t_sent);
	arb_emit_i64(b, "deadline", o->deadline);
	arb_emit_str(b, "lock_asset", o->lock_asset);
	arb_emit_dec(b, "lock_rem", o->lock_rem);
	if (o->vknown) {
		arb_emit_i64(b, "vknown", o->vknown);
		if (o->vknown & 1)
			arb_emit_dec(b, "vfee", o->vfee);
		if (o->vknown & 2)
			arb_emit_dec(b, "vamt", o->vamt);
	}
	arb_emit_end(b);
}

static void
save_accs(struct arb_buf *b, const char *key, const struct acc *v, int n)
{
	int i;

	arb_emit_key(b, key);
	arb_buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			arb_buf_addc(b, ',');
		arb_buf_adds(b, "{\"asset\":");
		arb_json_quote(b, v[i].asset, strlen(v[i].asset));
		arb_buf_adds(b, ",\"amt\":");
		arb_emit_decval(b, v[i].amt);
		arb_buf_addc(b, '}');
	}
	arb_buf_addc(b, ']');
}

static void
save_opp(struct arb_buf *b, const struct arb_opp *p, const char *mode, int64_t now)
{
	int i;

	arb_emit_begin(b, "opp");
	arb_emit_str(b, "id", p->id);
	arb_emit_str(b, "kind", p->kind);
	arb_emit_str(b, "ccy", p->ccy);
	arb_emit_dec(b, "cost", p->cost);
	arb_emit_i64(b, "ts", p->ts);
	arb_emit_i64(b, "expires", p->expires);
	arb_emit_i64(b, "t_decide", p->t_decide);
	arb_emit_i64(b, "seq", p->seq);
	arb_emit_i64(b, "next_leg", p->next_leg);
	arb_emit_i64(b, "fail", p->fail);
	arb_emit_str(b, "reason", p->reason);
	arb_emit_i64(b, "t_fail", p->t_fail);
	arb_emit_i64(b, "unwinding", p->unwinding);
	arb_emit_i64(b, "tries", p->tries);
	arb_emit_i64(b, "unwind_refused", p->unwind_refused);
	arb_emit_i64(b, "t_unwind", p->t_unwind);
	arb_emit_i64(b, "killed", p->killed);
	if (p->ovf)
		arb_emit_i64(b, "overflow", p->ovf);
	arb_emit_dec(b, "fees", p->fees);
	arb_emit_key(b, "legs");
	arb_buf_addc(b, '[');
	for (i = 0; i < p->nlegs; i++) {
		if (i)
			arb_buf_addc(b, ',');
		arb_buf_adds(b, "{\"ex\":");
		arb_json_quote(b, p->legs[i].ex, strlen(p->legs[i].ex));
		arb_buf_adds(b, ",\"sym\":");
		arb_json_quote(b, p->legs[i].sym, strlen(p->legs[i].sym));
		arb_buf_adds(b, p->legs[i].side == ARB_BUY ? ",\"side\":\"buy\",\"px\":" : ",\"side\":\"sell\",\"px\":");
		arb_emit_decval(b, p->legs[i].px);
		arb_buf_adds(b, ",\"qty\":");
		arb_emit_decval(b, p->legs[i].qty);
		arb_buf_adds(b, ",\"delivered\":");
		arb_emit_decval(b, p->delivered[i]);
		arb_buf_printf(b, ",\"order\":%d}", p->legord[i]);
	}
	arb_buf_addc(b, ']');
	save_accs(b, "gross", p->gross, p->nacc);
	save_accs(b, "feeacc", p->feeacc, p->nfee);
	arb_emit_end(b);
	for (i = 0; i < p->norders; i++)
		save_order(b, &p->ord[i], now, mode);
}

/* An instrument's state file line: {"type":"instrument","ts":now then
 * the rest, which depends on the instrument only (cached in c). */
static void
save_instr(struct arb_buf *b, const struct arb_instr *in, int64_t now, struct arb_icache *c)
{
	static const char *const fi[] = { "quote", "base", "received" };

	arb_emit_begin(b, "instrument");
	arb_emit_i64(b, "ts", now);
	if (c->suf.len && memcmp(&c->in, in, sizeof *in) == 0) {
		arb_buf_add(b, c->suf.p, c->suf.len);
		return;
	}
	c->in = *in;
	arb_buf_reset(&c->suf);
	arb_emit_str(&c->suf, "ex", in->ex);
	arb_emit_str(&c->suf, "sym", in->sym);
	arb_emit_str(&c->suf, "base", in->base);
	arb_emit_str(&c->suf, "quote", in->quote);
	arb_emit_dec(&c->suf, "tick", in->tick);
	arb_emit_dec(&c->suf, "lot", in->lot);
	arb_emit_dec(&c->suf, "min_qty", in->min_qty);
	arb_emit_dec(&c->suf, "min_notional", in->min_notional);
	arb_emit_dec(&c->suf, "taker_fee", in->taker_fee);
	arb_emit_dec(&c->suf, "maker_fee", in->maker_fee);
	arb_emit_str(&c->suf, "fee_in", fi[in->fee_in]);
	arb_emit_end(&c->suf);
	arb_buf_add(b, c->suf.p, c->suf.len);
}

/* The engine's own line: clock, kill switch, daily P&L, rate window. */
static void
save_head(struct arb_exec *e, struct arb_buf *bp)
{
	struct arb_buf b = *bp;
	size_t i;

	arb_emit_begin(&b, "exec_state");
	arb_emit_i64(&b, "version", 2);
	arb_emit_i64(&b, "now", e->now);
	arb_emit_i64(&b, "seen_floor", e->seen_floor);
	arb_emit_bool(&b, "killed", e->risk.killed);
	arb_emit_str(&b, "kill_rule", e->risk.kill_rule);
	arb_emit_str(&b, "kill_detail", e->risk.kill_detail);
	arb_emit_i64(&b, "kill_ts", e->risk.kill_ts);
	arb_emit_i64(&b, "day", e->risk.day);
	arb_emit_key(&b, "daily");
	arb_buf_addc(&b, '[');
	for (i = 0; i < e->risk.ndaily; i++) {
		if (i)
			arb_buf_addc(&b, ',');
		arb_buf_adds(&b, "{\"ccy\":");
		arb_json_quote(&b, e->risk.daily[i].ccy, strlen(e->risk.daily[i].ccy));
		arb_buf_adds(&b, ",\"pnl\":");
		arb_emit_decval(&b, e->risk.daily[i].pnl);
		arb_buf_addc(&b, '}');
	}
	arb_buf_addc(&b, ']');
	arb_emit_key(&b, "sent");   /* send times still inside the rate window */
	arb_buf_addc(&b, '[');
	for (i = 0; i < e->risk.wn; i++) {
		size_t k = (e->risk.whead + e->risk.wcap - e->risk.wn + i) % e->risk.wcap;
		arb_buf_printf(&b, "%s%lld", i ? "," : "", (long long)e->risk.win[k]);
	}
	arb_buf_addc(&b, ']');
	arb_emit_end(&b);
	*bp = b;
}

static void
save_bal(struct arb_buf *b, const struct arb_bal *v, int64_t now)
{
	arb_emit_begin(b, "balance");
	arb_emit_i64(b, "ts", now);
	arb_emit_str(b, "ex", v->ex);
	arb_emit_str(b, "asset", v->asset);
	arb_emit_dec(b, "free", v->free);
	arb_emit_dec(b, "locked", v->locked);
	arb_emit_end(b);
}

static void
save_pos(struct arb_buf *b, const struct arb_bal *v)
{
	arb_emit_begin(b, "position");
	arb_emit_str(b, "asset", v->asset);
	arb_emit_dec(b, "qty", v->free);
	arb_emit_end(b);
}

/* Is p's text (with "ts" 0 in its order lines) different from what was
 * last saved?  Keeps the new text when it is. */
static int
opp_changed(struct arb_exec *e, struct arb_opp *p, const char *mode)
{
	struct arb_buf t = e->jsigtmp;

	arb_buf_reset(&t);
	save_opp(&t, p, mode, 0);
	if (t.len == p->jsig.len && !memcmp(t.p, p->jsig.p, t.len)) {
		e->jsigtmp = t;
		return 0;
	}
	e->jsigtmp = p->jsig;
	p->jsig = t;
	return 1;
}

/* Clears the marks of what changed: all of it is in the file now. */
static void
journal_clear(struct arb_exec *e)
{
	size_t i;

	for (i = 0; i < e->nbdirty; i++)
		e->books[e->bdirty[i]].jd = 0;
	e->nbdirty = 0;
	for (i = 0; i < e->nidirty; i++)
		e->insjd[e->idirty[i]] = 0;
	e->nidirty = 0;
	arb_buf_reset(&e->jseen);
	arb_bal_state_clear(&e->bal);
	arb_bal_state_clear(&e->pos);
}

/* The text of a snapshot of the whole state, in *bp (reset first). */
static void
build_snapshot(struct arb_exec *e, struct arb_buf *bp)
{
	struct arb_buf b = *bp;
	const char *mode = e->x ? e->x->mode : "paper";
	size_t i;

	arb_buf_reset(&b);
	save_head(e, &b);
	for (i = 0; i < e->bal.n; i++)
		save_bal(&b, &e->bal.v[i], e->now);
	for (i = 0; i < e->pos.n; i++)
		save_pos(&b, &e->pos.v[i]);
	if (e->nicache < e->nins) {
		xrealloc(&e->icache, e->nins * sizeof *e->icache);
		memset(e->icache + e->nicache, 0, (e->nins - e->nicache) * sizeof *e->icache);
		e->nicache = e->nins;
	}
	for (i = 0; i < e->nins; i++)
		save_instr(&b, &e->ins[i], e->now, &e->icache[i]);
	for (i = 0; i < e->capbooks; i++) {
		struct arb_book_ent *k = &e->books[i];
		if (!k->used)
			continue;
		if (!k->pre) {
			size_t at = b.len;
			arb_emit_begin(&b, "bookref");
			arb_emit_str(&b, "ex", k->ex);
			arb_emit_str(&b, "sym", k->sym);
			k->prelen = b.len - at;
			k->pre = xmalloc(k->prelen);
			memcpy(k->pre, b.p + at, k->prelen);
		} else
			arb_buf_add(&b, k->pre, k->prelen);
		arb_emit_i64(&b, "ts", k->ts);
		arb_emit_bool(&b, "ok", k->ok);
		arb_emit_end(&b);
	}
	for (i = 0; i < e->capseen; i++) {
		struct arb_seen *sn = &e->seen[i];
		if (!sn->id)
			continue;
		if (!sn->line) {   /* an id's line never changes */
			size_t at = b.len;
			arb_emit_begin(&b, "seen");
			arb_emit_str(&b, "id", sn->id);
			arb_emit_i64(&b, "expires", sn->expires);
			arb_emit_end(&b);
			sn->linelen = b.len - at;
			sn->line = xmalloc(sn->linelen);
			memcpy(sn->line, b.p + at, sn->linelen);
		} else
			arb_buf_add(&b, sn->line, sn->linelen);
	}
	for (i = 0; i < e->nopps; i++) {
		struct arb_opp *p = e->opps[i];
		if (p->done) {
			p->jend = 1;   /* absent from the snapshot */
			continue;
		}
		(void)opp_changed(e, p, mode);
		p->jtouch = 0;
		save_opp(&b, p, mode, e->now);
	}
	*bp = b;
}

static int
save_snapshot(struct arb_exec *e)
{
	struct arb_buf b = e->savebuf;   /* kept from one save to the next */
	char why[512];
	int rc = 0;

	if (e->before_save)
		e->before_save(e->before_save_ctx);
	build_snapshot(e, &b);
	if (arb_state_snapshot(&e->sf, &b, why, sizeof why) < 0) {
		arb_err("state file: %s", why);
		rc = -1;
	} else {
		e->dirty_state = 0;
		e->n_snapshots++;
		journal_clear(e);
	}
	e->savebuf = b;
	return rc;
}

/* How many journal bytes may follow the snapshot. */
static size_t
journal_bound(const struct arb_exec *e)
{
	size_t m;

	if (e->c.journal_max >= 0)
		return (size_t)e->c.journal_max;
	m = 4 * e->sf.snap;
	return m < ((size_t)1 << 20) ? (size_t)1 << 20 : m;
}

static void
save_bal_line(void *arg, const struct arb_bal *v)
{
	struct arb_exec *e = arg;

	save_bal(&e->jbuf, v, e->now);
}

static void
save_pos_line(void *arg, const struct arb_bal *v)
{
	struct arb_exec *e = arg;

	save_pos(&e->jbuf, v);
}

int
arb_exec_save(struct arb_exec *e)
{
	const char *mode = e->x ? e->x->mode : "paper";
	struct arb_buf *b = &e->jbuf;
	char why[512];
	size_t i;

	if (!e->c.state_path || !e->dirty_state)
		return 0;
	if (e->sf.need_snap || e->sf.jbytes >= journal_bound(e))
		return save_snapshot(e);
	if (e->before_save)
		e->before_save(e->before_save_ctx);
	/* one journal entry: what changed since the last save, in the
	 * snapshot's line types; later lines replace earlier ones */
	arb_buf_reset(b);
	save_head(e, b);
	arb_bal_state_each(&e->bal, save_bal_line, e);
	arb_bal_state_each(&e->pos, save_pos_line, e);
	for (i = 0; i < e->nidirty; i++) {
		size_t k = e->idirty[i];
		if (e->nicache <= k) {
			xrealloc(&e->icache, e->nins * sizeof *e->icache);
			memset(e->icache + e->nicache, 0, (e->nins - e->nicache) * sizeof *e->icache);
			e->nicache = e->nins;
		}
		save_instr(b, &e->ins[k], e->now, &e->icache[k]);
	}
	for (i = 0; i < e->nbdirty; i++) {
		struct arb_book_ent *k = &e->books[e->bdirty[i]];
		arb_emit_begin(b, "bookref");
		arb_emit_str(b, "ex", k->ex);
		arb_emit_str(b, "sym", k->sym);
		arb_emit_i64(b, "ts", k->ts);
		arb_emit_bool(b, "ok", k->ok);
		arb_emit_end(b);
	}
	if (e->jseen.len)
		arb_buf_add(b, e->jseen.p, e->jseen.len);
	for (i = 0; i < e->nopps; i++) {
		struct arb_opp *p = e->opps[i];
		if (p->done) {
			if (!p->jend && p->jsig.len) {
				arb_emit_begin(b, "opp_end");
				arb_emit_str(b, "id", p->id);
				arb_emit_end(b);
			}
			p->jend = 1;
		} else if (p->jtouch) {
			p->jtouch = 0;
			if (opp_changed(e, p, mode))
				save_opp(b, p, mode, e->now);
		}
	}
	if (arb_state_append(&e->sf, b, why, sizeof why) < 0) {
		/* a part of the entry may be in the file: a new snapshot
		 * replaces it, now */
		arb_warn("state file: %s: writing a new snapshot", why);
		return save_snapshot(e);
	}
	e->n_appends++;
	e->append_bytes += b->len;
	e->dirty_state = 0;
	journal_clear(e);
	return 0;
}

void
arb_exec_dump(struct arb_exec *e, struct arb_buf *out)
{
	build_snapshot(e, out);
}

int
arb_exec_compact(struct arb_exec *e)
{
	if (!e->c.state_path)
		return 0;
	return save_snapshot(e);
}

static int
load_accs(const struct arb_json *j, int obj, const char *key, struct acc *v, int *n)
{
	int a = arb_json_get(j, obj, key), i;

	*n = 0;
	if (a < 0 || j->t[a].type != ARB_J_ARR)
		return -1;
	for (i = 0; i < (int)j->t[a].n && i < MAXACC; i++) {
		int el = arb_json_at(j, a, (uint32_t)i);
		if (jstr(j, el, "asset", v[i].asset, sizeof v[i].asset) < 0 ||
		    jdec(j, el, "amt", &v[i].amt) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int64_t
ji64(const struct arb_json *j, int obj, const char *key)
{
	int64_t v;
	int i = arb_json_get(j, obj, key);

	return i < 0 || arb_json_i64(j, i, &v) < 0 ? 0 : v;
}

/* Bounds of the state file's integers: times (microseconds) within
 * +-ARB_REC_TMAX, the bound of the record times they come from, so that
 * adding a timeout or a window to one cannot overflow; counts and flags,
 * which the engine increments, below a million. */
#define ST_TMAX ARB_REC_TMAX
#define ST_NMAX INT64_C(1000000)

/* An integer member of a state line (absent: 0) within lo..hi; otherwise
 * *bad is set, and the line is refused instead of overflowing later.
 * An absent member's 0 is checked too: a sequential cycle's next_leg
 * starts at 1, and left out it would be leg 0's index minus one. */
static int64_t
jrange(const struct arb_json *j, int obj, const char *key, int64_t lo, int64_t hi, int *bad)
{
	int64_t v;
	int i = arb_json_get(j, obj, key);

	if (i < 0) {
		if (lo > 0 || hi < 0)
			*bad = 1;
		return 0;
	}
	if (arb_json_i64(j, i, &v) < 0 || v < lo || v > hi) {
		*bad = 1;
		return 0;
	}
	return v;
}

#define JT(j, o, k, bad) jrange((j), (o), (k), -ST_TMAX, ST_TMAX, (bad))
#define JN(j, o, k, bad) jrange((j), (o), (k), 0, ST_NMAX, (bad))

/* The position of opportunity id in the list (loading), or -1. */
static int
opp_find(struct arb_exec *e, const char *id)
{
	size_t i;

	for (i = e->nopps; i-- > 0;)
		if (!strcmp(e->opps[i]->id, id))
			return (int)i;
	return -1;
}

static int
load_opp(struct arb_exec *e, const struct arb_rec *r, char *why, size_t whylen)
{
	const struct arb_json *j = &r->j;
	struct arb_opp *p = xcalloc(1, sizeof *p);
	char buf[256], side[8];
	int legs, i, rng = 0;

	if (jstr(j, 0, "id", buf, sizeof buf) < 0 || jstr(j, 0, "kind", p->kind, sizeof p->kind) < 0 ||
	    jstr(j, 0, "ccy", p->ccy, sizeof p->ccy) < 0 || jdec(j, 0, "cost", &p->cost) < 0 ||
	    jdec(j, 0, "fees", &p->fees) < 0 || (legs = arb_json_get(j, 0, "legs")) < 0 ||
	    load_accs(j, 0, "gross", p->gross, &p->nacc) < 0 ||
	    load_accs(j, 0, "feeacc", p->feeacc, &p->nfee) < 0)
		goto bad;
	p->id = xstrdup(buf);
	p->ts = JT(j, 0, "ts", &rng);
	p->expires = JT(j, 0, "expires", &rng);
	p->t_decide = JT(j, 0, "t_decide", &rng);
	p->seq = (int)JN(j, 0, "seq", &rng);
	p->fail = (int)JN(j, 0, "fail", &rng);
	(void)jstr(j, 0, "reason", p->reason, sizeof p->reason);
	p->t_fail = JT(j, 0, "t_fail", &rng);
	p->unwinding = (int)JN(j, 0, "unwinding", &rng);
	p->tries = (int)JN(j, 0, "tries", &rng);
	p->unwind_refused = (int)JN(j, 0, "unwind_refused", &rng);
	p->t_unwind = JT(j, 0, "t_unwind", &rng);
	p->killed = (int)JN(j, 0, "killed", &rng);
	p->ovf = (int)jrange(j, 0, "overflow", 0, 1, &rng);
	p->nlegs = (int)j->t[legs].n;
	if (rng || p->nlegs < 1 || p->nlegs > ARB_MAXLEGS)
		goto bad;
	/* the next leg of a sequential cycle is an index (and leg 0 went
	 * out when it was decided): out of range, the engine would read
	 * before or past its legs */
	p->next_leg = (int)jrange(j, 0, "next_leg", p->seq ? 1 : 0, p->nlegs, &rng);
	if (rng)
		goto bad;
	for (i = 0; i < p->nlegs; i++) {
		int l = arb_json_at(j, legs, (uint32_t)i);
		struct leg *g = &p->legs[i];
		struct arb_instr *in;
		if (jstr(j, l, "ex", g->ex, sizeof g->ex) < 0 || jstr(j, l, "sym", g->sym, sizeof g->sym) < 0 ||
		    jstr(j, l, "side", side, sizeof side) < 0 || jdec(j, l, "px", &g->px) < 0 ||
		    jdec(j, l, "qty", &g->qty) < 0 || jdec(j, l, "delivered", &p->delivered[i]) < 0)
			goto bad;
		g->side = side[0] == 'b' ? ARB_BUY : ARB_SELL;
		/* the order of a sent leg (an index into ord), or -1 */
		p->legord[i] = (int)jrange(j, l, "order", -1, ARB_MAXORD - 1, &rng);
		if (rng)
			goto bad;
		if (!(in = instr_get(e, g->ex, g->sym)))
			goto bad;
		p->ins[i] = *in;
	}
	for (; i < ARB_MAXLEGS; i++)
		p->legord[i] = -1;
	/* a journal entry's line replaces the one before it, in its place
	 * (the list is in decision order), orders and all */
	if ((i = opp_find(e, p->id)) >= 0) {
		struct arb_opp *old = e->opps[i];
		int k;
		for (k = 0; k < old->norders; k++)
			if (!arb_ostate_terminal(old->ord[k].st))
				e->n_open--;
		opp_free(old);
		e->opps[i] = p;
	} else {
		if (e->nopps == e->capopps) {
			size_t nc = e->capopps ? e->capopps * 2 : 16;
			xrealloc(&e->opps, nc * sizeof *e->opps);
			e->capopps = nc;
		}
		e->opps[e->nopps++] = p;
	}
	e->loadcur = p;
	return 0;
bad:
	snprintf(why, whylen, "bad opp line");
	free(p->id);
	free(p);
	return -1;
}

static int
load_order(struct arb_exec *e, const struct arb_rec *r)
{
	const struct arb_json *j = &r->j;
	struct arb_opp *p;
	struct arb_order *o;
	char buf[256], s[16];
	int st, rng = 0;

	if (!(p = e->loadcur) || jstr(j, 0, "opp", buf, sizeof buf) < 0)
		return -1;
	if (strcmp(p->id, buf) || p->norders == ARB_MAXORD)
		return -1;
	o = &p->ord[p->norders];
	memset(o, 0, sizeof *o);
	o->opp = p->id;
	snprintf(o->ex, sizeof o->ex, "%s", r->ex);
	snprintf(o->sym, sizeof o->sym, "%s", r->sym);
	if (jstr(j, 0, "cid", o->cid, sizeof o->cid) < 0 || jstr(j, 0, "side", s, sizeof s) < 0 ||
	    jdec(j, 0, "px", &o->px) < 0 || jdec(j, 0, "qty", &o->qty) < 0 ||
	    jdec(j, 0, "filled", &o->filled) < 0 || jdec(j, 0, "fee_rate", &o->fee_rate) < 0 ||
	    jdec(j, 0, "lock_rem", &o->lock_rem) < 0 ||
	    jstr(j, 0, "base", o->base, sizeof o->base) < 0 ||
	    jstr(j, 0, "quote", o->quote, sizeof o->quote) < 0 ||
	    jstr(j, 0, "lock_asset", o->lock_asset, sizeof o->lock_asset) < 0)
		return -1;
	o->side = s[0] == 'b' ? ARB_BUY : ARB_SELL;
	if (jstr(j, 0, "state", s, sizeof s) < 0 || (st = arb_ostate_from(s)) < 0)
		return -1;
	o->st = (enum arb_ostate)st;
	o->leg = (int)jrange(j, 0, "leg", -1, ARB_MAXLEGS - 1, &rng);
	o->fee_in = (enum arb_feein)jrange(j, 0, "fee_in", ARB_FEE_QUOTE, ARB_FEE_RECEIVED, &rng);
	o->vknown = (int)jrange(j, 0, "vknown", 0, 3, &rng);
	if (((o->vknown & 1) && jdec(j, 0, "vfee", &o->vfee) < 0) ||
	    ((o->vknown & 2) && jdec(j, 0, "vamt", &o->vamt) < 0))
		return -1;
	o->otype = (enum arb_otype)jrange(j, 0, "otype", ARB_OT_IOC, ARB_OT_FOK, &rng);
	o->unwind = (int)JN(j, 0, "unwind", &rng);
	o->nfills = (int)JN(j, 0, "nfills", &rng);
	o->cancel_req = (int)JN(j, 0, "cancel_req", &rng);
	/* (a file before they were kept: the cancel counts from the restart,
	 * and the order ends with the reason its venue gives) */
	o->t_cancel = arb_json_get(j, 0, "t_cancel") < 0 ? INT64_MIN : JT(j, 0, "t_cancel", &rng);
	o->inexact = (int)jrange(j, 0, "inexact", 0, 1, &rng);
	o->t_sent = JT(j, 0, "t_sent", &rng);
	o->deadline = JT(j, 0, "deadline", &rng);
	if (rng)
		return -1;
	o->owner = p;
	if (!arb_ostate_terminal(o->st))
		e->n_open++;
	(void)jstr(j, 0, "vid", o->vid, sizeof o->vid);
	(void)jstr(j, 0, "reason", o->reason, sizeof o->reason);
	(void)jstr(j, 0, "creason", o->creason, sizeof o->creason);
	p->norders++;
	return 0;
}

static int
load_state(struct arb_exec *e, const char *data, size_t len, char *why, size_t whylen)
{
	struct arb_rec r;
	const char *p = data, *nl;
	char type[24], rwhy[160], s[ARB_ASSET_MAX];
	unsigned line = 0;
	int rc = -1;
	arb_dec d, d2;

	arb_rec_init(&r);
	for (; p < data + len; p = nl + 1) {
		line++;
		if (!(nl = memchr(p, '\n', (size_t)(data + len - p))))
			nl = data + len;
		if (nl == p)
			continue;
		/* what we write is valid UTF-8, as every line the reader passes
		 * on: other bytes would come back from the next save as U+FFFD,
		 * longer, and that file be refused at the restart after */
		if (arb_utf8_check(p, (size_t)(nl - p)) != NULL) {
			snprintf(why, whylen, "%s:%u: invalid UTF-8", e->c.state_path, line);
			goto out;
		}
		if (arb_rec_parse(&r, p, (size_t)(nl - p), rwhy, sizeof rwhy) < 0) {
			snprintf(why, whylen, "%s:%u: %s", e->c.state_path, line, rwhy);
			goto out;
		}
		if (arb_rec_str(&r, "type", type, sizeof type) < 0)
			continue;
		if (!strcmp(type, "exec_state")) {
			int killed = 0, a, i, rng = 0;
			const struct arb_json *j = &r.j;
			if (ji64(j, 0, "version") != 1 && ji64(j, 0, "version") != 2) {
				snprintf(why, whylen, "%s:%u: unknown state version", e->c.state_path, line);
				goto out;
			}
			e->load_version = (int)ji64(j, 0, "version");
			/* each journal entry has the whole line again */
			e->risk.ndaily = 0;
			e->risk.wn = 0;
			e->risk.whead = 0;
			e->loadcur = NULL;
			e->now = JT(j, 0, "now", &rng);
			e->seen_floor = JT(j, 0, "seen_floor", &rng);
			(void)arb_rec_bool(&r, "killed", &killed);
			e->risk.killed = killed;
			(void)jstr(j, 0, "kill_rule", e->risk.kill_rule, sizeof e->risk.kill_rule);
			(void)jstr(j, 0, "kill_detail", e->risk.kill_detail, sizeof e->risk.kill_detail);
			e->risk.kill_ts = JT(j, 0, "kill_ts", &rng);
			/* a day number times the day's length is a time */
			e->risk.day = jrange(j, 0, "day", -ST_TMAX / INT64_C(86400000000),
			    ST_TMAX / INT64_C(86400000000), &rng);
			if (rng)
				goto badline;
			if ((a = arb_json_get(j, 0, "daily")) >= 0)
				for (i = 0; i < (int)j->t[a].n; i++) {
					int el = arb_json_at(j, a, (uint32_t)i);
					if (jstr(j, el, "ccy", s, sizeof s) == 0 && jdec(j, el, "pnl", &d) == 0)
						arb_risk_daily_add(&e->risk, e->risk.day * INT64_C(86400000000), s, d);
				}
			if ((a = arb_json_get(j, 0, "sent")) >= 0)
				for (i = 0; i < (int)j->t[a].n; i++) {
					int64_t t;
					if (arb_json_i64(j, arb_json_at(j, a, (uint32_t)i), &t) < 0 || t < -ST_TMAX || t > ST_TMAX)
						goto badline;
					arb_risk_rate_add(&e->risk, t);
				}
		} else if (!strcmp(type, "balance")) {
			if (arb_rec_str(&r, "asset", s, sizeof s) < 0 || arb_rec_dec(&r, "free", &d) < 0 ||
			    arb_rec_dec(&r, "locked", &d2) < 0)
				goto badline;
			arb_bal_set(&e->bal, r.ex, s, d, d2);
			e->have_state_bal = 1;
		} else if (!strcmp(type, "position")) {
			if (arb_rec_str(&r, "asset", s, sizeof s) < 0 || arb_rec_dec(&r, "qty", &d) < 0)
				goto badline;
			arb_bal_set(&e->pos, "*", s, d, ZERO);
		} else if (!strcmp(type, "instrument")) {
			on_instrument(e, &r, e->c.state_path, line);
		} else if (!strcmp(type, "bookref")) {
			struct arb_book_ent *k;
			int okv = 0;
			if (!(k = book_get(e, r.ex, r.sym, 1)) || arb_rec_bool(&r, "ok", &okv) < 0)
				goto badline;
			k->ts = r.ts;
			k->ok = okv;
		} else if (!strcmp(type, "seen")) {
			char id[256];
			int rng = 0;
			int64_t x = JT(&r.j, 0, "expires", &rng);
			if (arb_rec_str(&r, "id", id, sizeof id) < 0 || rng)
				goto badline;
			seen_put(e, id, x);
		} else if (!strcmp(type, "opp")) {
			if (load_opp(e, &r, rwhy, sizeof rwhy) < 0)
				goto badline;
		} else if (!strcmp(type, "order")) {
			if (load_order(e, &r) < 0)
				goto badline;
		} else if (!strcmp(type, "opp_end")) {
			char id[256];
			int k, i;
			if (arb_rec_str(&r, "id", id, sizeof id) < 0 || (i = opp_find(e, id)) < 0)
				goto badline;
			for (k = 0; k < e->opps[i]->norders; k++)
				if (!arb_ostate_terminal(e->opps[i]->ord[k].st))
					e->n_open--;
			opp_free(e->opps[i]);
			memmove(&e->opps[i], &e->opps[i + 1], (e->nopps - (size_t)i - 1) * sizeof *e->opps);
			e->nopps--;
			e->loadcur = NULL;
		}
		continue;
badline:
		snprintf(why, whylen, "%s:%u: bad %s line", e->c.state_path, line, type);
		goto out;
	}
	rc = 0;
out:
	arb_rec_free(&r);
	for (size_t i = 0; i < e->bal.n; i++)
		e->bal.v[i].dirty = 0;
	for (size_t i = 0; i < e->pos.n; i++)
		e->pos.v[i].dirty = 0;
	return rc;
}

int
arb_exec_init(struct arb_exec *e, const struct arb_exec_conf *c, struct arb_xport *x, char *why,
    size_t whylen)
{
	struct arb_state_scan sc;
	char *data;
	size_t len;
	int rc;

	memset(e, 0, sizeof *e);
	e->c = *c;
	e->x = x;
	e->sf.fd = -1;
	e->seen_floor = -1;
	arb_balances_init(&e->bal);
	arb_balances_init(&e->pos);
	arb_risk_init(&e->risk, &c->risk);
	if (!c->state_path)
		return 0;
	if (!(data = arb_state_read(c->state_path, &len))) {
		if (errno == ENOENT) {
			arb_state_open(&e->sf, c->state_path, c->state_sync, NULL);
			e->dirty_state = 1;
			return 0;
		}
		snprintf(why, whylen, "%s: %s", c->state_path, strerror(errno));
		return -1;
	}
	if (arb_state_scan(c->state_path, data, len, &sc, why, whylen) < 0) {
		free(data);
		return -1;
	}
	if (sc.torn)
		arb_warn("%s:%u: ignoring the last %zu bytes: a save cut short by a crash, never "
		    "acknowledged", c->state_path, sc.torn_line, sc.torn);
	e->loading = 1;
	rc = load_state(e, data, sc.valid, why, whylen);
	e->loading = 0;
	e->loadcur = NULL;
	free(data);
	if (rc < 0)
		return -1;
	/*
	 * Without a commit line the file is a plain snapshot: of version 1,
	 * or edited by hand (arb-exec(1)).  Nothing proves it whole, so it
	 * must at least have the engine's line; an empty file (what a crash
	 * can leave of a save that was not synced) or one without that line
	 * would start from a state that never was (orders, positions, kill
	 * switch lost).  A version 2 file without its commit lines is also
	 * what a cut at a line boundary leaves: said on stderr.
	 */
	if (!sc.commits && !e->load_version) {
		snprintf(why, whylen, "%s: %s: cut short or not a state file; restore it from a backup, or move it "
		    "away to start without state", c->state_path, len == 0 ? "empty" : "no exec_state line");
		return -1;
	}
	if (!sc.commits && e->load_version == 2)
		arb_warn("%s: no commit lines: read as a snapshot edited by hand (if it was not edited, it was "
		    "cut short: check it against a backup)", c->state_path);
	arb_state_open(&e->sf, c->state_path, c->state_sync, &sc);
	journal_clear(e);   /* all of it is in the file */
	for (size_t i = 0; i < e->nopps; i++)
		(void)opp_changed(e, e->opps[i], x ? x->mode : "paper");
	return 0;
}

void
arb_exec_resume(struct arb_exec *e)
{
	size_t i;
	int j;

	for (i = 0; i < e->nopps; i++) {
		struct arb_opp *p = e->opps[i];
		touch(p);
		for (j = 0; j < p->norders; j++) {
			struct arb_order *o = &p->ord[j];
			if (o->st == ARB_OS_NEW) {
				/* recorded, and perhaps sent before a crash: unknown
				 * until the transport finds out */
				move(e, o, ARB_OS_UNKNOWN);
				snprintf(o->reason, sizeof o->reason, "restart");
				o->t_sent = p->t_decide;
				o->deadline = o->t_sent + e->c.leg_timeout;
				emit_order(e, o, e->now);
			}
			if (!arb_ostate_terminal(o->st) && e->x->resume) {
				e->x->resume(e->x->ctx, o, e->now);
				note_deadline(e, o->deadline);
			}
		}
	}
	for (i = 0; i < e->nopps; i++)
		opp_step(e, e->opps[i]);
	arb_bal_emit_dirty(&e->bal, e->now, &e->out);
	gc(e);
}

int
arb_exec_load_balances(struct arb_exec *e, const char *path, char *why, size_t whylen)
{
	size_t i;

	if (e->have_state_bal)
		return 1;
	if (arb_bal_load(&e->bal, path, why, whylen) < 0)
		return -1;
	for (i = 0; i < e->bal.n; i++)
		e->bal.v[i].dirty = 0;
	e->dirty_state = 1;
	return 0;
}

void
arb_exec_free(struct arb_exec *e)
{
	size_t i;

	for (i = 0; i < e->nopps; i++)
		opp_free(e->opps[i]);
	free(e->opps);
	for (i = 0; i < e->capseen; i++) {
		free(e->seen[i].id);
		free(e->seen[i].line);
	}
	free(e->seen);
	for (i = 0; i < e->capbooks; i++)
		free(e->books[i].pre);
	free(e->books);
	free(e->ins);
	free(e->insidx);
	free(e->spare);
	for (i = 0; i < e->nicache; i++)
		arb_buf_free(&e->icache[i].suf);
	free(e->icache);
	arb_buf_free(&e->savebuf);
	arb_state_close(&e->sf);
	arb_buf_free(&e->jbuf);
	arb_buf_free(&e->jseen);
	arb_buf_free(&e->jsigtmp);
	free(e->bdirty);
	free(e->idirty);
	free(e->insjd);
	free(e->lat);
	arb_balances_free(&e->bal);
	arb_balances_free(&e->pos);
	arb_risk_free(&e->risk);
	arb_buf_free(&e->out);
}
