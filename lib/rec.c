#include "config.h"
/*
 * rec.c: the records of arb-ndjson(5).
 *
 * The general path of arb_rec_parse tokenizes a line, checks that it is
 * an object whose first key is "type", fills the common keys, and for a
 * known type checks every key that type requires against a small table:
 * JSON type, exact decimal, integer, enum value.  One pass over the
 * members; the tables list keys in the order the emitters write them, so
 * the usual record matches each key at the first try.  Unknown types and
 * unknown keys are valid.  Before it, a fast path reads the records our
 * programs write in one pass, to the same result ("the fast path" below).
 *
 * The emit helpers append to an arb_buf without printf: integers and
 * decimals are formatted by hand (arb_dec_fmt) straight into the buffer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "io.h"
#include "log.h"
#include "rec.h"

static const char *const rtype_names[ARB_R_NTYPES] = {
	[ARB_R_UNKNOWN] = "unknown",
	[ARB_R_BOOK] = "book",
	[ARB_R_TRADE] = "trade",
	[ARB_R_INSTRUMENT] = "instrument",
	[ARB_R_STATUS] = "status",
	[ARB_R_OPPORTUNITY] = "opportunity",
	[ARB_R_REJECT] = "reject",
	[ARB_R_ORDER] = "order",
	[ARB_R_FILL] = "fill",
	[ARB_R_RESULT] = "result",
	[ARB_R_BALANCE] = "balance",
	[ARB_R_RISK] = "risk",
};

static const unsigned char rtype_len[ARB_R_NTYPES] = {
	7, 4, 5, 10, 6, 11, 6, 5, 4, 6, 7, 4,
};

const char *
arb_rtype_name(enum arb_rtype t)
{
	if ((unsigned)t >= ARB_R_NTYPES)
		return "unknown";
	return rtype_names[t];
}

enum arb_rtype
arb_rtype_from(const char *s, size_t n)
{
	/* the first letter picks at most two candidates */
	static const unsigned char first[26][2] = {
		['b' - 'a'] = { ARB_R_BOOK, ARB_R_BALANCE },
		['t' - 'a'] = { ARB_R_TRADE, 0 },
		['i' - 'a'] = { ARB_R_INSTRUMENT, 0 },
		['s' - 'a'] = { ARB_R_STATUS, 0 },
		['o' - 'a'] = { ARB_R_OPPORTUNITY, ARB_R_ORDER },
		['r' - 'a'] = { ARB_R_REJECT, ARB_R_RESULT },
		['f' - 'a'] = { ARB_R_FILL, 0 },
	};
	unsigned c;

	if (n == 0 || (c = (unsigned char)s[0] - 'a') >= 26)
		return ARB_R_UNKNOWN;
	for (int k = 0; k < 2; k++) {
		int t = first[c][k];

		if (t && rtype_len[t] == n && memcmp(rtype_names[t], s, n) == 0)
			return (enum arb_rtype)t;
	}
	if (c == 'r' - 'a' && n == 4 && memcmp(s, "risk", 4) == 0)
		return ARB_R_RISK;
	return ARB_R_UNKNOWN;
}

/* What a key's value must be. */
enum kind {
	K_TS,       /* time (0 .. ARB_REC_TMAX), stored in r->ts */
	K_RT,       /* time, stored in r->rt */
	K_TIME,     /* time, not stored */
	K_EX,       /* string of at most ARB_EX_MAX - 1 bytes, stored in r->ex */
	K_SYM,      /* string of at most ARB_SYM_MAX - 1 bytes, stored in r->sym */
	K_INT,      /* integer */
	K_NAT,      /* integer 0 .. INT32_MAX (a count or an index) */
	K_DEC,      /* number, a valid exact decimal */
	K_STR,      /* string */
	K_ID,       /* string or integer */
	K_BOOL,     /* true or false */
	K_ENUM,     /* one of the strings in en */
	K_LEVELS,   /* [[px,qty],...] */
	K_LEGS,     /* [{ex,sym,side,px,qty},...] */
	K_TIMES,    /* [time,...] */
	K_ANY,      /* any JSON value */
	K_PASS      /* the fast path's tables only: a key the general path does
	               not know (so any value is valid there) that our programs
	               write; the fast path takes a plain string or number */
};

struct key {
	const char *name;
	unsigned char len, kind, opt;
	const char *en;   /* K_ENUM: the values, separated by '|' */
	uint64_t pre;     /* the first 8 bytes of name, zero padded (spec_init) */
	/* the fast path's literal `,"name":` (spec_init): its text, its
	 * length (0: too long, never matched), and its first 16 bytes as two
	 * words with masks */
	char lit[32];
	unsigned char litlen;
	uint64_t w0, m0, w1, m1;
};

#define REQ(n, k)      { .name = n, .len = sizeof n - 1, .kind = k }
#define OPT(n, k)      { .name = n, .len = sizeof n - 1, .kind = k, .opt = 1 }
#define ENUM(n, e)     { .name = n, .len = sizeof n - 1, .kind = K_ENUM, .en = e }
#define OPTENUM(n, e)  { .name = n, .len = sizeof n - 1, .kind = K_ENUM, .opt = 1, .en = e }
#define PASS(n)        { .name = n, .len = sizeof n - 1, .kind = K_PASS, .opt = 1 }
#define END            { .name = NULL }

#define SIDE  "buy|sell"
#define KIND  "cross|cycle"
#define MODE  "paper|live"

static struct key k_book[] = {
	REQ("ts", K_TS), REQ("rt", K_RT), REQ("ex", K_EX), REQ("sym", K_SYM),
	OPT("seq", K_INT), REQ("ok", K_BOOL), REQ("depth", K_NAT),
	REQ("bids", K_LEVELS), REQ("asks", K_LEVELS), END
};
static struct key k_trade[] = {
	REQ("ts", K_TS), REQ("rt", K_RT), REQ("ex", K_EX), REQ("sym", K_SYM),
	REQ("id", K_STR), REQ("px", K_DEC), REQ("qty", K_DEC), ENUM("side", SIDE), END
};
static struct key k_instrument[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), REQ("sym", K_SYM),
	REQ("base", K_STR), REQ("quote", K_STR), REQ("tick", K_DEC), REQ("lot", K_DEC),
	REQ("min_qty", K_DEC), REQ("min_notional", K_DEC), REQ("taker_fee", K_DEC),
	REQ("maker_fee", K_DEC), OPTENUM("fee_in", "quote|base|received"), END
};
static struct key k_status[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), OPT("sym", K_SYM),
	ENUM("state", "connected|subscribed|synced|gap|resync|stale|disconnected"),
	OPT("detail", K_STR), END
};
static struct key k_opportunity[] = {
	REQ("ts", K_TS), REQ("id", K_ID), ENUM("kind", KIND), ENUM("event", "new|update|gone"),
	REQ("legs", K_LEGS), REQ("qty", K_DEC), REQ("cost", K_DEC), REQ("proceeds", K_DEC),
	REQ("profit", K_DEC), REQ("ccy", K_STR), REQ("gross_bps", K_DEC), REQ("net_bps", K_DEC),
	REQ("book_ts", K_TIMES), REQ("expires", K_TIME), END
};
static struct key k_reject[] = {
	REQ("ts", K_TS), ENUM("kind", KIND),
	ENUM("reason", "fees|lot|min_notional|stale|out_of_sync|balance|max_age|min_profit|tick"),
	OPT("ex", K_EX), OPT("sym", K_SYM), OPT("gross_bps", K_DEC), OPT("detail", K_STR), END
};
static struct key k_order[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), REQ("sym", K_SYM), REQ("opp", K_ID), REQ("leg", K_NAT),
	REQ("cid", K_STR), ENUM("side", SIDE), REQ("px", K_DEC), REQ("qty", K_DEC),
	ENUM("state", "new|sent|acked|partial|filled|canceled|rejected|unknown"),
	REQ("filled", K_DEC), ENUM("mode", MODE), OPT("vid", K_ID), OPT("reason", K_STR), END
};
static struct key k_fill[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), REQ("sym", K_SYM), REQ("opp", K_ID), REQ("cid", K_STR),
	ENUM("side", SIDE), REQ("px", K_DEC), REQ("qty", K_DEC), OPT("fee", K_DEC),
	REQ("fee_ccy", K_STR), ENUM("mode", MODE), OPT("tid", K_ID), END
};
static struct key k_result[] = {
	REQ("ts", K_TS), REQ("opp", K_ID), ENUM("kind", KIND),
	ENUM("status", "complete|partial|unwound|failed|skipped"), REQ("reason", K_STR),
	REQ("pnl", K_DEC), REQ("ccy", K_STR), OPT("fees", K_DEC), OPT("exposure", K_ANY), END
};
static struct key k_balance[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), REQ("asset", K_STR), REQ("free", K_DEC),
	OPT("locked", K_DEC), END
};
static struct key k_risk[] = {
	REQ("ts", K_TS), REQ("rule", K_STR), ENUM("action", "refuse|kill|resume"),
	REQ("detail", K_STR), OPT("opp", K_ID), OPT("ex", K_EX), END
};
/* An opportunity's legs: the common keys are not stored in the record. */
static struct key k_leg[] = {
	REQ("ex", K_STR), REQ("sym", K_STR), ENUM("side", SIDE), REQ("px", K_DEC),
	REQ("qty", K_DEC), END
};

/* A table with what spec_init derives from it. */
struct spec {
	struct key *k;
	uint32_t n;       /* number of keys */
	uint32_t req;     /* bit i: key i is required */
};

static struct spec specs[ARB_R_NTYPES] = {
	[ARB_R_BOOK] = { k_book, 0, 0 }, [ARB_R_TRADE] = { k_trade, 0, 0 },
	[ARB_R_INSTRUMENT] = { k_instrument, 0, 0 }, [ARB_R_STATUS] = { k_status, 0, 0 },
	[ARB_R_OPPORTUNITY] = { k_opportunity, 0, 0 }, [ARB_R_REJECT] = { k_reject, 0, 0 },
	[ARB_R_ORDER] = { k_order, 0, 0 }, [ARB_R_FILL] = { k_fill, 0, 0 },
	[ARB_R_RESULT] = { k_result, 0, 0 }, [ARB_R_BALANCE] = { k_balance, 0, 0 },
	[ARB_R_RISK] = { k_risk, 0, 0 },
};
static struct spec spec_leg = { k_leg, 0, 0 };

/*
 * The fast path's tables where our programs write keys that the tables
 * above do not list (arb-detect's "cand", a leg's "fee" and "fee_ccy",
 * arb-exec's "msg", "tif" and "role"): the same keys with the same kinds,
 * in the order they are written, and those as K_PASS.  The general path
 * takes them as unknown keys, valid with any value.
 */
static struct key kf_reject[] = {
	REQ("ts", K_TS), ENUM("kind", KIND),
	ENUM("reason", "fees|lot|min_notional|stale|out_of_sync|balance|max_age|min_profit|tick"),
	OPT("ex", K_EX), OPT("sym", K_SYM), OPT("gross_bps", K_DEC), PASS("cand"),
	OPT("detail", K_STR), END
};
static struct key kf_order[] = {
	REQ("ts", K_TS), REQ("ex", K_EX), REQ("sym", K_SYM), REQ("opp", K_ID), REQ("leg", K_NAT),
	REQ("cid", K_STR), ENUM("side", SIDE), REQ("px", K_DEC), REQ("qty", K_DEC),
	ENUM("state", "new|sent|acked|partial|filled|canceled|rejected|unknown"),
	REQ("filled", K_DEC), ENUM("mode", MODE), OPT("vid", K_ID), OPT("reason", K_STR),
	PASS("msg"), PASS("tif"), PASS("role"), END
};
static struct key kf_leg[] = {
	REQ("ex", K_STR), REQ("sym", K_STR), ENUM("side", SIDE), REQ("px", K_DEC),
	REQ("qty", K_DEC), PASS("fee"), PASS("fee_ccy"), END
};
static struct spec fspecs[ARB_R_NTYPES] = {
	[ARB_R_REJECT] = { kf_reject, 0, 0 }, [ARB_R_ORDER] = { kf_order, 0, 0 },
};
static struct spec fspec_leg = { kf_leg, 0, 0 };

static uint64_t
prefix8(const char *s, size_t n)
{
	uint64_t x = 0;

	memcpy(&x, s, n < 8 ? n : 8);
	return x;
}

/* Derives counts, required masks and key prefixes, once (the programs
 * are single-threaded; a second caller would write the same values). */
static void
spec_init(void)
{
	static int done;

	if (done)
		return;
	for (int t = 0; t < 2 * ARB_R_NTYPES + 2; t++) {
		struct spec *s = t < ARB_R_NTYPES ? &specs[t] : t == ARB_R_NTYPES ? &spec_leg :
		    t == ARB_R_NTYPES + 1 ? &fspec_leg : &fspecs[t - ARB_R_NTYPES - 2];

		if (!s->k)
			continue;
		s->n = 0;
		s->req = 0;
		for (struct key *k = s->k; k->name; k++, s->n++) {
			k->pre = prefix8(k->name, k->len);
			if (!k->opt)
				s->req |= 1u << s->n;
			if ((size_t)k->len + 4 < sizeof k->lit) {
				unsigned char w[16] = { 0 }, m[16] = { 0 };

				k->litlen = (unsigned char)(k->len + 4);
				k->lit[0] = ',';
				k->lit[1] = '"';
				memcpy(k->lit + 2, k->name, k->len);
				k->lit[k->len + 2] = '"';
				k->lit[k->len + 3] = ':';
				for (int b = 0; b < 16 && b < k->litlen; b++) {
					w[b] = (unsigned char)k->lit[b];
					m[b] = 0xff;
				}
				memcpy(&k->w0, w, 8);
				memcpy(&k->w1, w + 8, 8);
				memcpy(&k->m0, m, 8);
				memcpy(&k->m1, m + 8, 8);
			}
		}
	}
	done = 1;
}

void
arb_rec_init(struct arb_rec *r)
{
	memset(r, 0, sizeof *r);
	arb_json_init(&r->j);
}

void
arb_rec_free(struct arb_rec *r)
{
	if (r->fb) {
		arb_book_rec_free(r->fb);
		free(r->fb);
	}
	arb_json_free(&r->j);
	memset(r, 0, sizeof *r);
}

/* A context for error messages: "legs[1]: " etc. */
struct ctx {
	struct arb_rec *r;
	char *why;
	size_t whylen;
	const char *pfx;
	uint32_t pfxi;     /* index shown in the prefix */
	int fill;          /* store the common keys in r */
};

static int __attribute__((format(printf, 2, 3)))
bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (c->whylen == 0)
		return -1;
	if (c->pfx)
		n = snprintf(c->why, c->whylen, "%s[%" PRIu32 "]: ", c->pfx, c->pfxi);
	if (n < 0 || (size_t)n >= c->whylen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->why + n, c->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * True when a NUM token is a valid exact decimal.  The tokenizer has
 * checked the grammar and noted an exponent in the token's esc byte
 * (json.c: NUM_EXP); a plain number of at most 30 characters has at most
 * 30 digits and 28 fraction digits, which always fits (dec.h: 128-bit
 * coefficient, scale up to 36), so only longer ones and exponents need
 * the real parser.
 */
#define NUM_EXP 2
static int
dec_ok(const struct arb_json *j, int i, const char **why)
{
	const struct arb_jtok *k = &j->t[i];
	arb_dec d;

	if (k->len <= 30 && !(k->esc & NUM_EXP))
		return 1;
	return arb_dec_parse(&d, j->src + k->off, k->len, why) == 0;
}

/* 8 ASCII digits at p (known to be digits) as a number. */
static inline uint64_t
digits8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v -= 0x3030303030303030ULL;
	v = v * 10 + (v >> 8);
	v = ((v & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
	    ((v >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >> 32;
	return v;
#else
	v = 0;
	for (int i = 0; i < 8; i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	return v;
#endif
}

static inline int
is_int(const struct arb_json *j, int i, int64_t *v)
{
	const struct arb_jtok *k = &j->t[i];

	if (k->type != ARB_J_NUM)
		return 0;
	/* a plain integer (esc 0 for a NUM: no fraction, no exponent) of at
	 * most 18 digits, the common case, inline */
	if (k->esc == 0 && k->len <= 18) {
		const char *p = j->src + k->off, *e = p + k->len;
		int neg = *p == '-';
		uint64_t u = 0;

		p += neg;
		while ((e - p) & 7)
			u = u * 10 + (uint64_t)(*p++ - '0');
		for (; p < e; p += 8)
			u = u * 100000000 + digits8(p);
		*v = neg ? -(int64_t)u : (int64_t)u;
		return 1;
	}
	return arb_json_i64(j, i, v) == 0;
}

/* Copies string token i into buf (cap bytes with the NUL); -1 too long. */
static int
copystr(const struct arb_json *j, int i, char *buf, size_t cap)
{
	const struct arb_jtok *k = &j->t[i];

	if (!k->esc) {
		const char *p = j->src + k->off;

		if (k->len >= cap) {
			buf[0] = '\0';
			return -1;
		}
		memcpy(buf, p, k->len);
		buf[k->len] = '\0';
		return 0;
	}
	if (arb_json_str(j, i, buf, cap) < 0) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

static int
enum_ok(const struct arb_json *j, int i, const char *en)
{
	const struct arb_jtok *k = &j->t[i];
	const char *v = j->src + k->off, *p = en, *bar;
	char buf[32];
	size_t n = k->len;

	if (k->esc) {
		int m = arb_json_str(j, i, buf, sizeof buf);

		if (m < 0)
			return 0;
		v = buf;
		n = (size_t)m;
	}
	for (;;) {
		bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && memcmp(p, v, n) == 0)
			return 1;
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

/* "a|b|c" as "a, b or c" for messages. */
static const char *
enum_text(const char *en, char *buf, size_t cap)
{
	size_t n = 0;
	const char *last = strrchr(en, '|');

	for (const char *p = en; *p && n + 5 < cap; p++) {
		if (*p != '|') {
			buf[n++] = *p;
		} else if (p == last) {
			memcpy(buf + n, " or ", 4);
			n += 4;
		} else {
			memcpy(buf + n, ", ", 2);
			n += 2;
		}
	}
	buf[n] = '\0';
	return buf;
}

static int check_obj(struct ctx *c, int obj, int first, const struct spec *sp);

/* Short keys: an inline loop beats a call to memcmp. */
static inline int
keyeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static int
check_levels(struct ctx *c, int v, const char *name)
{
	const struct arb_json *j = &c->r->j;
	const struct arb_jtok *t = j->t;
	const char *why, *opfx = c->pfx;
	uint32_t i, k, opfxi = c->pfxi;

	if (t[v].type != ARB_J_ARR)
		return bad(c, "expected [[price, qty], ...] at \"%s\"", name);
	for (i = (uint32_t)v + 1, k = 0; k < t[v].n; k++, i = t[i].next) {
		if (t[i].type != ARB_J_ARR || t[i].n != 2 ||
		    t[i + 1].type != ARB_J_NUM || t[i + 2].type != ARB_J_NUM) {
			c->pfx = name;
			c->pfxi = k;
			bad(c, "expected [price, qty]");
			goto fail;
		}
		why = "bad number";
		if (!dec_ok(j, (int)i + 1, &why)) {
			c->pfx = name;
			c->pfxi = k;
			bad(c, "bad price: %s", why);
			goto fail;
		}
		if (!dec_ok(j, (int)i + 2, &why)) {
			c->pfx = name;
			c->pfxi = k;
			bad(c, "bad qty: %s", why);
			goto fail;
		}
	}
	return 0;
fail:
	c->pfx = opfx;
	c->pfxi = opfxi;
	return -1;
}

static int
check_legs(struct ctx *c, int v, const char *name)
{
	const struct arb_jtok *t = c->r->j.t;
	const char *opfx = c->pfx;
	uint32_t i, k, opfxi = c->pfxi;
	int ofill = c->fill, rc = 0;

	if (t[v].type != ARB_J_ARR)
		return bad(c, "expected an array at \"%s\"", name);
	c->fill = 0;
	c->pfx = name;
	for (i = (uint32_t)v + 1, k = 0; k < t[v].n; k++, i = t[i].next) {
		c->pfxi = k;
		if (t[i].type != ARB_J_OBJ) {
			rc = bad(c, "expected an object");
			break;
		}
		if ((rc = check_obj(c, (int)i, (int)i + 1, &spec_leg)) < 0)
			break;
	}
	c->fill = ofill;
	c->pfx = opfx;
	c->pfxi = opfxi;
	return rc;
}

static int
check_value(struct ctx *c, const struct key *k, int v)
{
	struct arb_rec *r = c->r;
	const struct arb_json *j = &r->j;
	const struct arb_jtok *t = &j->t[v];
	const char *why = "bad number";
	int64_t x;
	char buf[96];

	switch (k->kind) {
	case K_TS:
	case K_RT:
	case K_TIME:
	case K_INT:
	case K_NAT:
		if (!is_int(j, v, &x))
			return bad(c, "expected integer at \"%s\"", k->name);
		if ((k->kind == K_TS || k->kind == K_RT || k->kind == K_TIME) && (x < 0 || x > ARB_REC_TMAX))
			return bad(c, "time out of range at \"%s\"", k->name);
		if (k->kind == K_NAT && x < 0)
			return bad(c, "expected non-negative integer at \"%s\"", k->name);
		if (k->kind == K_NAT && x > INT32_MAX)
			return bad(c, "integer too large at \"%s\"", k->name);
		if (c->fill && k->kind == K_TS && !r->has_ts) {
			r->ts = x;
			r->has_ts = 1;
		} else if (c->fill && k->kind == K_RT && !r->has_rt) {
			r->rt = x;
			r->has_rt = 1;
		}
		return 0;
	case K_EX:
	case K_SYM:
		if (t->type != ARB_J_STR)
			return bad(c, "expected string at \"%s\"", k->name);
		{
			/* straight into the record unless it already has one */
			size_t cap = k->kind == K_EX ? ARB_EX_MAX : ARB_SYM_MAX;
			char *dst = k->kind == K_EX ? r->ex : r->sym;

			if (!c->fill || dst[0])
				dst = buf;
			if (copystr(j, v, dst, cap) < 0)
				return bad(c, "\"%s\" longer than %zu bytes", k->name, cap - 1);
			if (!dst[0])
				return bad(c, "empty string at \"%s\"", k->name);
		}
		return 0;
	case K_DEC:
		if (t->type != ARB_J_NUM)
			return bad(c, "expected number at \"%s\"", k->name);
		if (!dec_ok(j, v, &why))
			return bad(c, "bad number at \"%s\": %s", k->name, why);
		return 0;
	case K_STR:
		if (t->type != ARB_J_STR)
			return bad(c, "expected string at \"%s\"", k->name);
		return 0;
	case K_ID:
		if (t->type != ARB_J_STR && !is_int(j, v, &x))
			return bad(c, "expected string or integer at \"%s\"", k->name);
		return 0;
	case K_BOOL:
		if (t->type != ARB_J_TRUE && t->type != ARB_J_FALSE)
			return bad(c, "expected true or false at \"%s\"", k->name);
		return 0;
	case K_ENUM:
		if (t->type != ARB_J_STR || !enum_ok(j, v, k->en))
			return bad(c, "expected %s at \"%s\"", enum_text(k->en, buf, sizeof buf), k->name);
		return 0;
	case K_LEVELS:
		return check_levels(c, v, k->name);
	case K_LEGS:
		return check_legs(c, v, k->name);
	case K_TIMES:
		if (t->type != ARB_J_ARR)
			return bad(c, "expected an array of integers at \"%s\"", k->name);
		for (uint32_t i = (uint32_t)v + 1, m = 0; m < t->n; m++, i = j->t[i].next) {
			if (!is_int(j, (int)i, &x))
				return bad(c, "expected integer at \"%s\"[%" PRIu32 "]", k->name, m);
			if (x < 0 || x > ARB_REC_TMAX)
				return bad(c, "time out of range at \"%s\"[%" PRIu32 "]", k->name, m);
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * Checks the members of object obj from key token `first` on against
 * spec: every key in spec present (unless optional) and well typed.
 */
static int
check_obj(struct ctx *c, int obj, int first, const struct spec *sp)
{
	const struct arb_json *j = &c->r->j;
	const struct arb_jtok *t = j->t;
	const struct key *spec = sp->k;
	const char *end = j->src + j->srclen;
	uint32_t seen = 0, m, i, nspec = sp->n, hint = 0;
	char kbuf[32];

	m = t[obj].n - (uint32_t)(first - obj - 1) / 2;
	for (i = (uint32_t)first; m; m--, i = t[i + 1].next) {
		const char *kp = j->src + t[i].off;
		size_t kl = t[i].len;
		uint64_t pre;
		uint32_t s, x;

		if (t[i].esc) {
			int n = arb_json_str(j, (int)i, kbuf, sizeof kbuf);

			if (n < 0)
				continue;   /* longer than any key of ours */
			kp = kbuf;
			kl = (size_t)n;
			memset(kbuf + kl, 0, sizeof kbuf - kl);
		}
		/* the key's first 8 bytes as a number, compared with the table's */
		if (kp + 8 <= end || kp == kbuf) {
			memcpy(&pre, kp, 8);
			if (kl < 8)
				pre &= ((uint64_t)1 << (8 * kl)) - 1;
		} else {
			pre = prefix8(kp, kl);
		}
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		pre = prefix8(kp, kl);
#endif
		/* keys usually come in table order: try the one after the last
		 * match, then the others */
		s = hint;
		if (!(spec[s].pre == pre && spec[s].len == kl &&
		    (kl <= 8 || keyeq(spec[s].name + 8, kp + 8, kl - 8)))) {
			for (x = 1; x < nspec; x++) {
				s = hint + x < nspec ? hint + x : hint + x - nspec;
				if (spec[s].pre == pre && spec[s].len == kl &&
				    (kl <= 8 || keyeq(spec[s].name + 8, kp + 8, kl - 8)))
					break;
			}
			if (x == nspec)
				continue;
		}
		if (check_value(c, &spec[s], (int)i + 1) < 0)
			return -1;
		seen |= 1u << s;
		hint = s + 1 < nspec ? s + 1 : 0;
	}
	if ((sp->req & ~seen) != 0)
		for (i = 0; i < nspec; i++)
			if ((sp->req & ~seen) & 1u << i)
				return bad(c, "missing key \"%s\"", spec[i].name);
	return 0;
}

/* Unknown types: store the common keys when they are well typed. */
static void
fill_common(struct arb_rec *r)
{
	const struct arb_json *j = &r->j;
	const struct arb_jtok *t = j->t;
	uint32_t m, i;
	int64_t x;

	for (i = 3, m = t[0].n - 1; m; m--, i = t[i + 1].next) {
		int v = (int)i + 1;

		if (arb_json_streq(j, (int)i, "ts")) {
			if (!r->has_ts && is_int(j, v, &x) && x >= 0 && x <= ARB_REC_TMAX) {
				r->ts = x;
				r->has_ts = 1;
			}
		} else if (arb_json_streq(j, (int)i, "rt")) {
			if (!r->has_rt && is_int(j, v, &x) && x >= 0 && x <= ARB_REC_TMAX) {
				r->rt = x;
				r->has_rt = 1;
			}
		} else if (arb_json_streq(j, (int)i, "ex")) {
			if (!r->ex[0] && t[v].type == ARB_J_STR)
				copystr(j, v, r->ex, ARB_EX_MAX);
		} else if (arb_json_streq(j, (int)i, "sym")) {
			if (!r->sym[0] && t[v].type == ARB_J_STR)
				copystr(j, v, r->sym, ARB_SYM_MAX);
		}
	}
}

/* ---- the fast path ---- */

/*
 * Nearly every line a program reads was written by another arb-* program
 * with the emitters below: compact, "type" first, the keys in table
 * order, no escapes, plain numbers.  The fast path reads such a line in
 * one pass: it matches each key of the type's table as the literal
 * `,"key":` (an optional key may be left out), checks and converts each
 * value where it stands (integers and exact decimals are computed while
 * their digits are scanned, eight at a time), and writes the very tokens
 * arb_json_parse would write, so r->j and the accessors work as before.
 * For a book it also keeps the levels, seq, ok and depth, which
 * arb_rec_book then hands out without reading the text again.  A book
 * read lazily (rec.h: arb-detect) gets no token but the object's:
 * fp_book_lazy checks it as fp_book does and fills the fields alone.
 *
 * It never refuses a line: at the first byte that is not what it expects
 * (whitespace, an escape, another key or order, an exponent, a number of
 * more than 18 characters, anything) it gives up, and the general path
 * (arb_json_parse, then check_obj) reads the line from the start.  So
 * what it accepts is a subset of what the general path accepts, with the
 * same result, and every refusal and its reason come from the general
 * path.  tests/unit/t-rec.c and tests/fuzz/fuzz-rec.c check this against
 * arb_rec_parse_general on every input they have.
 */

#define NUM_FRAC 1
#define FP_MAXNUM 18   /* the longest number read here: 18 digits fit int64_t */

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static const uint64_t pow10_64[19] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
	1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
	1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
	1000000000000000000ULL,
};

static inline __attribute__((always_inline)) uint64_t
load8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* True when the key's literal `,"name":` is at p (skip: leave out the
 * comma, for the first key of an object). */
static inline int
lit_at(const unsigned char *p, const unsigned char *e, const struct key *k, int skip)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!skip && e - p >= 16 && k->litlen - 1u < 16)
		return (((load8(p) ^ k->w0) & k->m0) | ((load8(p + 8) ^ k->w1) & k->m1)) == 0;
#endif
	return k->litlen && e - p >= k->litlen - skip &&
	    memcmp(p, k->lit + skip, (size_t)(k->litlen - skip)) == 0;
}

/*
 * The end of a string body starting at p: its closing quote, or NULL at
 * a backslash, a control character or the end of the text.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_str(const unsigned char *p, const unsigned char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (e - p >= 8) {
		uint64_t x = load8(p), q, b, m;

		q = x ^ (ONES * '"');
		b = x ^ (ONES * '\\');
		m = (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - ONES * 0x20) & ~x)) & HIGHS;
		if (m) {
			/* the lowest flagged byte is a true match (json.c) */
			p += __builtin_ctzll(m) >> 3;
			return *p == '"' ? p : NULL;
		}
		p += 8;
	}
#endif
	for (; p < e; p++) {
		if (*p == '"')
			return p;
		if (*p == '\\' || *p < 0x20)
			return NULL;
	}
	return NULL;
}

/*
 * The run of digits at p: returns its end, with *v its value and *nd its
 * length; NULL when it is longer than max.  Eight bytes at a time where
 * eight can be read: the first non-digit is found with a mask, and the
 * digits before it are moved to the top of the word and converted with
 * three multiplications.
 */
static inline const unsigned char *
fp_digits(const unsigned char *p, const unsigned char *e, uint64_t *v, int *nd, int max)
{
	uint64_t u = 0;
	int n = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (e - p >= 8) {
		uint64_t x = load8(p), nz, m, w;
		int k;

		/* a byte is a digit when its high nibble is 3 and its low
		 * nibble + 6 does not carry (json.c's digits()) */
		nz = ((x & (ONES * 0xf0)) ^ (ONES * 0x30)) |
		    (((x & (ONES * 0x0f)) + ONES * 0x06) & (ONES * 0xf0));
		m = (nz | ((nz & (ONES * 0x7f)) + ONES * 0x7f)) & HIGHS;
		k = m ? __builtin_ctzll(m) >> 3 : 8;
		if (k == 0)
			break;
		if ((n += k) > max)
			return NULL;
		w = x & (ONES * 0x0f);
		if (k < 8)
			w <<= 8 * (8 - k);     /* zeros before the k digits */
		w = w * 10 + (w >> 8);
		w = ((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
		    ((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >> 32;
		u = u * pow10_64[k] + w;
		p += k;
		if (k < 8) {
			*v = u;
			*nd = n;
			return p;
		}
	}
#endif
	for (; p < e && (unsigned)(*p - '0') < 10; p++) {
		if (++n > max)
			return NULL;
		u = u * 10 + (unsigned)(*p - '0');
	}
	*v = u;
	*nd = n;
	return p;
}

/* The value of the digits in the top bytes of w (each byte 0..9, the
 * bytes below them 0): three multiplications (json.c's parse8). */
static inline __attribute__((always_inline)) uint64_t
fp_conv8(uint64_t w)
{
	w = w * 10 + (w >> 8);
	return ((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
	    ((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >> 32;
}

/*
 * The high bit of the first byte of x (in memory order) that is not an
 * ASCII digit, and maybe of some after it: a digit neither carries when
 * 0x46 is added nor borrows when 0x30 is taken away, so every byte up to
 * the first non-digit is computed exactly, and a non-digit always sets
 * its high bit in one of the two.  Only the lowest flag is to be used.
 */
static inline __attribute__((always_inline)) uint64_t
fp_nondigits(uint64_t x)
{
	return ((x + ONES * 0x46) | (x - ONES * 0x30)) & HIGHS;
}

static __attribute__((noinline)) const unsigned char *
fp_num_long(const unsigned char *p, const unsigned char *e, int64_t *m, int *sc, int frac, int neg)
{
	const unsigned char *q = p - neg;
	uint64_t ip, fp;
	int ni, nf;

	if ((p = fp_digits(p, e, &ip, &ni, FP_MAXNUM - neg)) == NULL || ni == 0 ||
	    (ni > 1 && p[-ni] == '0'))
		return NULL;
	*sc = 0;
	if (frac && p < e && *p == '.') {
		if ((p = fp_digits(p + 1, e, &fp, &nf, FP_MAXNUM)) == NULL || nf == 0 ||
		    p - q > FP_MAXNUM)
			return NULL;
		ip = ip * pow10_64[nf] + fp;
		*sc = nf;
	}
	*m = neg ? -(int64_t)ip : (int64_t)ip;
	return p;
}

/*
 * A JSON number at p as the general path would read it:
 * -?(0|[1-9][0-9]*)(.[0-9]+)? (the fraction only when frac is set) in at
 * most 18 characters.  Returns its end, with *m its digits as an integer
 * and *sc the number of fraction digits (dec_fast's reading in json.c);
 * NULL for anything else.  What follows is the caller's to check: it
 * wants ',', ']' or '}', so a number cut short (an exponent, a fraction
 * when frac is 0, a digit after an 18th character) is given up there.
 *
 * A number that ends within the eight bytes at p (prices and quantities
 * mostly do) is read from one word: the first non-digit must be its end
 * or its point; the point is squeezed out by moving the integer digits
 * up one byte, and all the digits are converted at once.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_numc(const unsigned char *p, const unsigned char *e, int64_t *m, int *sc, int frac, int conv)
{
	int neg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (p < e) {
		uint64_t x, nd, d, lo, v;
		unsigned k1, k2;

		/* near the end of the text: its last eight bytes (fp_parse
		 * takes no text shorter than 16), shifted down so that zeros,
		 * which end the number, follow the last byte */
		if (e - p >= 8)
			x = load8(p);
		else
			x = load8(e - 8) >> (8 * (8 - (e - p)));
		if ((nd = fp_nondigits(x)) == 0)
			return fp_num_long(p, e, m, sc, frac, neg);
		k1 = (unsigned)__builtin_ctzll(nd) >> 3;   /* digits before the end or point */
		if (k1 == 0 || (k1 > 1 && (x & 0xff) == '0'))
			return NULL;
		d = x & (ONES * 0x0f);                     /* the digits' values */
		if (!frac || ((x >> (8 * k1)) & 0xff) != '.') {
			v = conv ? fp_conv8(d << (8 * (8 - k1))) : (d << (8 * (8 - k1))) != 0;
			*m = neg ? -(int64_t)v : (int64_t)v;
			*sc = 0;
			return p + k1;
		}
		/* the point read as a '0': the next flag is the end */
		lo = ((uint64_t)1 << (8 * k1)) - 1;
		if ((nd = fp_nondigits(x + ((uint64_t)2 << (8 * k1)))) == 0) {
			/* the fraction goes on into the next word: the seven
			 * digits of this one, then those of the next up to
			 * the end, which must be there (16 characters) */
			uint64_t y;

			if (e - p < 16 || (nd = fp_nondigits(y = load8(p + 8))) == 0)
				return fp_num_long(p, e, m, sc, frac, neg);
			k2 = (unsigned)__builtin_ctzll(nd) >> 3;
			if (k1 == 7 && k2 == 0)
				return NULL;               /* no fraction digit */
			if (!conv) {
				/* zero or not: the digits' values or'ed */
				v = (((d & lo) << 8) | (d & ~(lo << 8 | 0xff)) |
				    (k2 ? (y & (ONES * 0x0f)) << (8 * (8 - k2)) : 0)) != 0;
			} else {
				v = fp_conv8(((d & lo) << 8) | (d & ~(lo << 8 | 0xff)));
				if (k2)
					v = v * pow10_64[k2] +
					    fp_conv8((y & (ONES * 0x0f)) << (8 * (8 - k2)));
			}
			*m = neg ? -(int64_t)v : (int64_t)v;
			*sc = (int)(7 - k1 + k2);
			return p + 8 + k2;
		}
		k2 = (unsigned)__builtin_ctzll(nd) >> 3;
		if (k2 == k1 + 1)
			return NULL;                       /* no fraction digit */
		d = ((d & lo) << 8) | (d & ~(lo << 8 | 0xff));
		v = conv ? fp_conv8(d << (8 * (8 - k2))) : (d << (8 * (8 - k2))) != 0;
		*m = neg ? -(int64_t)v : (int64_t)v;
		*sc = (int)(k2 - k1 - 1);
		return p + k2;
	}
#endif
	return fp_num_long(p, e, m, sc, frac, neg);
}

static inline __attribute__((always_inline)) const unsigned char *
fp_num(const unsigned char *p, const unsigned char *e, int64_t *m, int *sc, int frac)
{
	return fp_numc(p, e, m, sc, frac, 1);
}

/*
 * An integer at p as the general path would read it: -?(0|[1-9][0-9]*)
 * in at most 18 characters.  Returns its end with *v, or NULL.  Up to
 * three words of digits where 24 bytes can be read (a timestamp has 16
 * digits), else fp_num_long.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_int(const unsigned char *p, const unsigned char *e, int64_t *v)
{
	int neg = 0, sc;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (e - p >= 24) {
		uint64_t x = load8(p), nd = fp_nondigits(x), u, y, z;
		unsigned k;

		if (nd) {
			k = (unsigned)__builtin_ctzll(nd) >> 3;
			if (k == 0 || (k > 1 && *p == '0'))
				return NULL;
			u = fp_conv8((x & (ONES * 0x0f)) << (8 * (8 - k)));
			p += k;
		} else {
			if (*p == '0')
				return NULL;
			u = fp_conv8(x & (ONES * 0x0f));
			x = load8(p + 8);
			if ((nd = fp_nondigits(x)) != 0) {
				k = (unsigned)__builtin_ctzll(nd) >> 3;
				if (k)
					u = u * pow10_64[k] + fp_conv8((x & (ONES * 0x0f)) << (8 * (8 - k)));
				p += 8 + k;
			} else {
				y = load8(p + 16);
				nd = fp_nondigits(y);
				k = nd ? (unsigned)__builtin_ctzll(nd) >> 3 : 8;
				if (16 + k + (unsigned)neg > FP_MAXNUM)
					return NULL;
				u = u * 100000000 + fp_conv8(x & (ONES * 0x0f));
				if (k) {
					z = fp_conv8((y & (ONES * 0x0f)) << (8 * (8 - k)));
					u = u * pow10_64[k] + z;
				}
				p += 16 + k;
			}
		}
		*v = neg ? -(int64_t)u : (int64_t)u;
		return p;
	}
#endif
	return fp_num_long(p, e, v, &sc, 0, neg);
}

/* Copies the len (< 16) bytes at p to dst (16 bytes or more) with a NUL:
 * sixteen bytes at once where they can be read. */
static inline __attribute__((always_inline)) void
fp_copy(char *dst, const unsigned char *p, const unsigned char *e, size_t len)
{
	if (e - p >= 16 && len < 16)
		memcpy(dst, p, 16);
	else
		memcpy(dst, p, len);
	dst[len] = '\0';
}

/*
 * True when the string literal lit is at p: two masked words compared,
 * the words made from the literal's characters at compile time.
 */
#define LIT_B(l, i) (sizeof(l) > (size_t)(i) + 1 ? \
	(uint64_t)(unsigned char)(l)[(size_t)(i) < sizeof(l) ? (i) : 0] << (8 * ((i) & 7)) : 0)
#define LIT_W(l, b) (LIT_B(l, (b) + 0) | LIT_B(l, (b) + 1) | LIT_B(l, (b) + 2) | \
	LIT_B(l, (b) + 3) | LIT_B(l, (b) + 4) | LIT_B(l, (b) + 5) | LIT_B(l, (b) + 6) | LIT_B(l, (b) + 7))
#define LIT(p, e, l) lit_is((p), (e), (l), sizeof(l) - 1, LIT_W(l, 0), LIT_W(l, 8))

static inline __attribute__((always_inline)) int
lit_is(const unsigned char *p, const unsigned char *e, const char *lit, size_t n, uint64_t w0,
    uint64_t w1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (e - p >= 16 && n <= 16) {
		uint64_t m0 = n >= 8 ? ~0ULL : ((uint64_t)1 << (8 * n)) - 1;
		uint64_t m1 = n >= 16 ? ~0ULL : n <= 8 ? 0 : ((uint64_t)1 << (8 * (n - 8))) - 1;

		if (n <= 8)
			return ((load8(p) ^ w0) & m0) == 0;
		return (((load8(p) ^ w0) & m0) | ((load8(p + 8) ^ w1) & m1)) == 0;
	}
#else
	(void)w0;
	(void)w1;
#endif
	return e - p >= (ptrdiff_t)n && memcmp(p, lit, n) == 0;
}

/* enum_ok on raw text. */
static int
enum_raw(const char *en, const unsigned char *v, size_t n)
{
	for (const char *p = en;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && memcmp(p, v, n) == 0)
			return 1;
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

/* Room for need more tokens after the first n; returns the array. */
static struct arb_jtok *
fp_room(struct arb_json *j, uint32_t n, uint32_t need)
{
	if (n + need > j->cap) {
		uint32_t cap = j->cap ? j->cap : 64;

		while (n + need > cap)
			cap *= 2;
		xrealloc(&j->t, (size_t)cap * sizeof *j->t);
		j->cap = cap;
	}
	return j->t;
}

/* Room for n levels, grown by doubling from 16. */
static void
lv_reserve(struct arb_level **lv, uint32_t *cap, uint32_t n)
{
	uint32_t c;

	if (n <= *cap)
		return;
	c = *cap ? *cap : 16;
	while (c < n)
		c *= 2;
	xrealloc(lv, (size_t)c * sizeof **lv);
	*cap = c;
}

struct fp {
	struct arb_rec *r;
	const unsigned char *s, *e;
	uint32_t n;            /* tokens written */
};

#define TOK(i, ty, es, o, l, nx, nn) \
	(t[i] = (struct arb_jtok){ (ty), (es), (uint32_t)(o), (uint32_t)(l), (nx), (nn) })

/* [[px,qty],...] at p: its tokens, and its levels into *lv. */
static inline __attribute__((always_inline)) const unsigned char *
fp_levels(struct fp *f, const unsigned char *p, struct arb_level **lv, uint32_t *lvcap,
    uint32_t *nlv)
{
	const unsigned char *s = f->s, *e = f->e, *o = p, *q, *r, *l;
	struct arb_json *j = &f->r->j;
	struct arb_jtok *t = j->t, *tk;
	struct arb_level *v = *lv;
	uint32_t n = f->n, arr = n, k = 0, tcap = j->cap, lcap = *lvcap;
	int64_t m1, m2;
	int s1, s2;

	/* (the caller made room for this array's token) */
	if (p == e || *p != '[')
		return NULL;
	p++;
	n++;
	if (p < e && *p == ']') {
		p++;
	} else {
		for (;;) {
			if (p == e || *p != '[')
				return NULL;
			l = p++;
			if ((q = fp_num(p, e, &m1, &s1, 1)) == NULL || q == e || *q != ',')
				return NULL;
			if ((r = fp_num(q + 1, e, &m2, &s2, 1)) == NULL || r == e || *r != ']')
				return NULL;
			if (n + 3 > tcap) {
				t = fp_room(j, n, 3);
				tcap = j->cap;
			}
			tk = t + n;
			tk[0] = (struct arb_jtok){ ARB_J_ARR, 0, (uint32_t)(l - s), (uint32_t)(r + 1 - l), n + 3, 2 };
			tk[1] = (struct arb_jtok){ ARB_J_NUM, s1 ? NUM_FRAC : 0, (uint32_t)(p - s),
			    (uint32_t)(q - p), n + 2, 0 };
			tk[2] = (struct arb_jtok){ ARB_J_NUM, s2 ? NUM_FRAC : 0, (uint32_t)(q + 1 - s),
			    (uint32_t)(r - q - 1), n + 3, 0 };
			n += 3;
			if (k == lcap) {
				lv_reserve(lv, lvcap, k + 1);
				v = *lv;
				lcap = *lvcap;
			}
			v[k].px.m = m1;
			v[k].px.s = s1;
			v[k].qty.m = m2;
			v[k].qty.s = s2;
			k++;
			p = r + 1;
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == ']') {
				p++;
				break;
			}
			return NULL;
		}
	}
	TOK(arr, ARB_J_ARR, 0, o - s, p - o, n, k);
	*nlv = k;
	f->n = n;
	return p;
}

/*
 * fp_numc(p, e, ind, sc, 1, 0): a number's end, with *ind 0 when its value
 * is 0, else of its sign.  Where sixteen bytes can be read and the number
 * has no sign and ends within them, its digits are found with SSE2 (one
 * comparison for all sixteen bytes, exact for every byte, unlike the
 * carries of fp_nondigits) and it is checked as fp_numc checks it: at
 * least one integer digit, no leading zero, a point followed by at least
 * one digit; anything else goes to fp_numc itself.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_numv(const unsigned char *p, const unsigned char *e, int64_t *ind)
{
	int sc;

#ifdef __SSE2__
	if (e - p >= 16 && *p != '-') {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i t = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		unsigned nd = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t,
		    _mm_set1_epi8(9)), t)) & 0xffffu;
		unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('0')));
		unsigned k1, end, r;

		if (nd) {
			k1 = (unsigned)__builtin_ctz(nd);
			if (k1 == 0 || (k1 > 1 && *p == '0'))
				return NULL;
			if (p[k1] != '.') {
				end = k1;
			} else if ((r = nd & (nd - 1)) != 0) {
				end = (unsigned)__builtin_ctz(r);
				if (end == k1 + 1)
					return NULL;              /* no fraction digit */
				z |= 1u << k1;
			} else {
				goto slow;
			}
			/* zero when every byte before the end is a '0' or the point */
			*ind = (z & ((1u << end) - 1)) != (1u << end) - 1;
			return p + end;
		}
	}
slow:
#endif
	return fp_numc(p, e, ind, &sc, 1, 0);
}

#ifdef __SSE2__
/*
 * One level `[px,qty]` at p (p[0] is its '['), both numbers unsigned and
 * the whole level within the 32 bytes at p, which must be readable:
 * checked as fp_numv checks each number, from one classification of the
 * 32 bytes.  Returns the byte after its ']', with *pxzero set when the
 * price is 0; NULL when the level is anything else (not necessarily bad:
 * the caller then reads it number by number).
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_level32(const unsigned char *p, int *pxzero)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	__m128i c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8(9);
	__m128i ta = _mm_sub_epi8(a, c0), tb = _mm_sub_epi8(b, c0);
	uint32_t dg = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(ta, c9), ta)) |
	    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(tb, c9), tb)) << 16;
	uint32_t x = ~dg & ~1u, m, z;
	unsigned k1, e1, k2, e2;

	/* the price: integer digits from 1 to k1, maybe a point and digits
	 * to e1; as fp_numv: an integer digit, no leading zero, a digit
	 * after a point, at most FP_MAXNUM characters */
	if (x == 0 || (k1 = (unsigned)__builtin_ctz(x)) == 1 || (k1 > 2 && p[1] == '0'))
		return NULL;
	if (p[k1] == '.') {
		x &= x - 1;
		if (x == 0 || (e1 = (unsigned)__builtin_ctz(x)) == k1 + 1)
			return NULL;
	} else {
		e1 = k1;
	}
	if (p[e1] != ',' || e1 - 1 > FP_MAXNUM)
		return NULL;
	/* the quantity: from e1 + 1 to k2, maybe a point and more to e2 */
	x &= x - 1;
	if (x == 0 || (k2 = (unsigned)__builtin_ctz(x)) == e1 + 1 ||
	    (k2 > e1 + 2 && p[e1 + 1] == '0'))
		return NULL;
	if (p[k2] == '.') {
		x &= x - 1;
		if (x == 0 || (e2 = (unsigned)__builtin_ctz(x)) == k2 + 1)
			return NULL;
	} else {
		e2 = k2;
	}
	if (p[e2] != ']' || e2 - e1 - 1 > FP_MAXNUM)
		return NULL;
	/* the price is 0 when every byte of it is a '0' or its point, which
	 * can only be when it starts with a '0' */
	*pxzero = 0;
	if (p[1] == '0') {
		z = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, c0)) |
		    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, c0)) << 16;
		if (p[k1] == '.')
			z |= 1u << k1;
		m = (1u << (e1 - 1)) - 1;
		*pxzero = ((z >> 1) & m) == m;
	}
	return p + e2 + 1;
}

/* 16 zero bytes then 16 0xff: the 16 bytes at ff_tail + k have their
 * last k bytes set (0 <= k <= 16). */
static const unsigned char ff_tail[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The value of 16 digits (bytes 0..9, most significant first): pairs,
 * then fours, then eights by multiply-adds, then the two eights. */
static inline __attribute__((always_inline)) uint64_t
fp_conv16(__m128i t)
{
	__m128i z = _mm_setzero_si128(), a, b;
	uint64_t w;

	a = _mm_madd_epi16(_mm_unpacklo_epi8(t, z), _mm_set1_epi32(1 << 16 | 10));
	b = _mm_madd_epi16(_mm_unpackhi_epi8(t, z), _mm_set1_epi32(1 << 16 | 10));
	a = _mm_madd_epi16(_mm_packs_epi32(a, b), _mm_set1_epi32(1 << 16 | 100));
	a = _mm_madd_epi16(_mm_packs_epi32(a, a), _mm_set1_epi32(1 << 16 | 10000));
	w = (uint64_t)_mm_cvtsi128_si64(a);
	return (w & 0xffffffffu) * 100000000u + (w >> 32);
}

/*
 * The digits of a number whose last character is at p - 1, ni integer
 * digits, then a point and nf fraction digits when pt (at most 16
 * characters, the 16 bytes before p readable) as one integer: the 16
 * bytes ending at p, the integer digits moved up one byte over the
 * point, the rest masked out.
 */
static inline __attribute__((always_inline)) uint64_t
fp_conv_dec(const unsigned char *p, unsigned ni, unsigned nf, int pt)
{
	__m128i t = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p - 16)),
	    _mm_set1_epi8('0'));
	__m128i mf = _mm_loadu_si128((const __m128i *)(const void *)(ff_tail + nf));
	__m128i mn = _mm_loadu_si128((const __m128i *)(const void *)(ff_tail + ni + nf));

	if (pt)
		t = _mm_or_si128(_mm_and_si128(t, mf),
		    _mm_andnot_si128(mf, _mm_and_si128(_mm_slli_si128(t, 1), mn)));
	else
		t = _mm_and_si128(t, mn);
	return fp_conv16(t);
}

/*
 * The best level `[px,qty]` at p (p[0] is its '['), both numbers
 * unsigned and of at most 16 characters, the level within 32 bytes:
 * checked as fp_levels_lazy checks it with fp_num, from one
 * classification of the 32 bytes at p (or, near the end of the text
 * s..e, of its last 32), and converted into *lv.  Returns the byte after
 * its ']'; NULL when the level is anything else (not necessarily bad: the
 * caller then reads it with fp_num).
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_level_conv(const unsigned char *p, const unsigned char *s, const unsigned char *e,
    struct arb_level *lv)
{
	const unsigned char *b = p;
	__m128i a, c, c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8(9);
	uint32_t x, lim = 32;
	unsigned k1, e1, k2, e2;

	if (p - s < 16)
		return NULL;
	if (e - p < 32) {
		if (e - s < 32)
			return NULL;
		b = e - 32;
		lim = (uint32_t)(e - p);
	}
	a = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)b), c0);
	c = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + 16)), c0);
	/* the non-digits among the 32 bytes from p on (the bytes past e
	 * shifted out count as non-digits), but p[0] */
	x = ~(((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(a, c9), a)) |
	    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(c, c9), c)) << 16) >>
	    (32 - lim)) & ~1u;
	/* the price: integer digits from 1 to k1, maybe a point and digits
	 * to e1, then ','; as fp_num: an integer digit, no leading zero, a
	 * digit after a point.  Every byte read is before p + lim. */
	if (x == 0 || (k1 = (unsigned)__builtin_ctz(x)) == 1 || k1 >= lim ||
	    (k1 > 2 && p[1] == '0'))
		return NULL;
	e1 = k1;
	if (p[k1] == '.') {
		x &= x - 1;
		if (x == 0 || (e1 = (unsigned)__builtin_ctz(x)) == k1 + 1 || e1 >= lim)
			return NULL;
	}
	if (p[e1] != ',')
		return NULL;
	/* the quantity: from e1 + 1 to k2, maybe a point and more to e2,
	 * then ']' */
	x &= x - 1;
	if (x == 0 || (k2 = (unsigned)__builtin_ctz(x)) == e1 + 1 || k2 >= lim ||
	    (k2 > e1 + 2 && p[e1 + 1] == '0'))
		return NULL;
	e2 = k2;
	if (p[k2] == '.') {
		x &= x - 1;
		if (x == 0 || (e2 = (unsigned)__builtin_ctz(x)) == k2 + 1 || e2 >= lim)
			return NULL;
	}
	/* at most 16 characters in each number (fp_conv_dec's 16 bytes,
	 * within fp_num's FP_MAXNUM) */
	if (p[e2] != ']' || e1 > 17 || e2 - e1 > 17)
		return NULL;
	lv->px.m = (int64_t)fp_conv_dec(p + e1, k1 - 1, e1 - k1 - (e1 > k1), e1 > k1);
	lv->px.s = (int)(e1 - k1 - (e1 > k1));
	lv->qty.m = (int64_t)fp_conv_dec(p + e2, k2 - e1 - 1, e2 - k2 - (e2 > k2), e2 > k2);
	lv->qty.s = (int)(e2 - k2 - (e2 > k2));
	return p + e2 + 1;
}
#endif

/*
 * The same array checked exactly as fp_levels checks it, but with no
 * token and only the best level converted (arb_rec's lazy): that level
 * into (*lv)[0] and the offset from the array's '[' of the byte after it
 * into *pos1, the number of levels into *nlv, and *odd set when a price
 * is <= 0 or a quantity < 0.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_levels_lazy(const unsigned char *s, const unsigned char *p, const unsigned char *e,
    struct arb_level **lv, uint32_t *lvcap, uint32_t *nlv, uint32_t *pos1, int *odd)
{
	const unsigned char *o = p, *q, *r;
	uint32_t k = 0;
	int64_t m1, m2;
	int s1, s2, bad = 0;

	if (p == e || *p != '[')
		return NULL;
	p++;
	if (p < e && *p == ']') {
		*pos1 = 1;
		p++;
	} else {
		/* the best level, which the screen reads on every update */
		if (p == e || *p != '[')
			return NULL;
		if (*lvcap == 0)
			lv_reserve(lv, lvcap, 1);
#ifdef __SSE2__
		if ((r = fp_level_conv(p, s, e, *lv)) != NULL) {
			bad = ((*lv)[0].px.m == 0);
		} else
#else
		(void)s;
#endif
		{
			if ((q = fp_num(p + 1, e, &m1, &s1, 1)) == NULL || q == e || *q != ',')
				return NULL;
			if ((r = fp_num(q + 1, e, &m2, &s2, 1)) == NULL || r == e || *r != ']')
				return NULL;
			(*lv)[0].px.m = m1;
			(*lv)[0].px.s = s1;
			(*lv)[0].qty.m = m2;
			(*lv)[0].qty.s = s2;
			bad = (m1 <= 0) | (m2 < 0);
			r++;
		}
		*pos1 = (uint32_t)(r - o);
		if (r < e && *r == ']') {
			k = 1;           /* one level (depth 1) */
			p = r + 1;
		} else {
			for (;;) {
				k++;
				p = r;
#ifdef __SSE2__
				/* the usual: "," then a level whose 32 bytes are there */
				if (e - p >= 33 && p[0] == ',' && p[1] == '[') {
					int z;

					if ((r = fp_level32(p + 1, &z)) != NULL) {
						bad |= z;
						continue;
					}
				}
#endif
				if (p < e && *p == ',') {
					p++;
				} else if (p < e && *p == ']') {
					p++;
					break;
				} else {
					return NULL;
				}
				if (p == e || *p != '[')
					return NULL;
				if ((q = fp_numv(p + 1, e, &m1)) == NULL || q == e || *q != ',')
					return NULL;
				if ((r = fp_numv(q + 1, e, &m2)) == NULL || r == e || *r != ']')
					return NULL;
				bad |= (m1 <= 0) | (m2 < 0);
				r++;
			}
		}
	}
	*nlv = k;
	*odd |= bad;
	return p;
}

/*
 * A timestamp at p: fp_int, but a positive integer of exactly 16 digits
 * (microseconds from 2001 to 2286: every ts and rt our programs write) is
 * checked with one SSE2 comparison and converted by fp_conv16.  Anything
 * else goes to fp_int, so what is accepted and its value are fp_int's.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_ts(const unsigned char *p, const unsigned char *e, int64_t *v)
{
#ifdef __SSE2__
	if (e - p >= 17 && *p != '0' && (unsigned)(p[16] - '0') > 9) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i t = _mm_sub_epi8(x, _mm_set1_epi8('0'));

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t)) == 0xffff) {
			*v = (int64_t)fp_conv16(t);
			return p + 16;
		}
	}
#endif
	return fp_int(p, e, v);
}

/*
 * fp_int, but a number of one or two digits (a depth, a small seq) is
 * read from its bytes, which fp_int would accept with the same value:
 * no sign, no leading zero, a non-digit after it.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_small(const unsigned char *p, const unsigned char *e, int64_t *v)
{
	if (e - p >= 3) {
		unsigned d0 = (unsigned)p[0] - '0', d1 = (unsigned)p[1] - '0';

		if (d0 < 10 && d1 > 9) {
			*v = d0;
			return p + 1;
		}
		if (d0 - 1 < 9 && d1 < 10 && (unsigned)p[2] - '0' > 9) {
			*v = d0 * 10 + d1;
			return p + 2;
		}
	}
	return fp_int(p, e, v);
}

/*
 * A string body at p copied into dst (cap bytes, at least 16, with the
 * NUL): returns its closing quote, or NULL where fp_str gives up or the
 * body is empty or does not fit.  A body of less than 16 bytes is found
 * with one SSE2 classification of the 16 bytes at p and stored from it.
 */
static inline __attribute__((always_inline)) const unsigned char *
fp_strcopy(const unsigned char *p, const unsigned char *e, char *dst, size_t cap)
{
	const unsigned char *q;
	size_t len;

#ifdef __SSE2__
	if (e - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i c = _mm_set1_epi8(0x1f);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		    _mm_cmpeq_epi8(_mm_max_epu8(x, c), c)));

		if (m) {
			len = (size_t)__builtin_ctz(m);
			if (p[len] != '"' || len == 0 || len >= cap)
				return NULL;
			_mm_storeu_si128((__m128i *)(void *)dst, x);
			dst[len] = '\0';
			return p + len;
		}
	}
#endif
	if ((q = fp_str(p, e)) == NULL || (len = (size_t)(q - p)) == 0 || len >= cap)
		return NULL;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return q;
}

/* One side of a lazy book (0 bids, 1 asks) whose array starts at o: its
 * levels read by fp_levels_lazy, where its text lies noted. */
static inline __attribute__((always_inline)) const unsigned char *
fp_side_lazy(struct arb_rec *r, const unsigned char *s, const unsigned char *o,
    const unsigned char *e, int side, int *odd)
{
	struct arb_book_rec *fb = r->fb;
	const unsigned char *p;

	p = side ? fp_levels_lazy(s, o, e, &fb->asks, &fb->capa, &fb->nasks, &r->lv_pos1[1], odd) :
	    fp_levels_lazy(s, o, e, &fb->bids, &fb->capb, &fb->nbids, &r->lv_pos1[0], odd);
	if (p != NULL) {
		r->lv_off[side] = (uint32_t)(o - s);
		r->lv_len[side] = (uint32_t)(p - o);
	}
	return p;
}

/*
 * A book record read lazily (r->lazy: arb-detect), from p on (just after
 * `{"type":"book"`): checked exactly as fp_book checks it, its fields
 * stored as fp_book stores them, but no token written for its members
 * (rec.h).  Returns 0 to give up, else 1.
 */
static int
fp_book_lazy(struct arb_rec *r, const unsigned char *s, const unsigned char *e,
    const unsigned char *p)
{
	struct arb_book_rec *fb = r->fb;
	int64_t x;
	int odd = 0;

	if (!LIT(p, e, ",\"ts\":") || (p = fp_ts(p + 6, e, &r->ts)) == NULL)
		return 0;
	if (!LIT(p, e, ",\"rt\":") || (p = fp_ts(p + 6, e, &r->rt)) == NULL)
		return 0;
	if (!LIT(p, e, ",\"ex\":\"") || (p = fp_strcopy(p + 7, e, r->ex, ARB_EX_MAX)) == NULL)
		return 0;
	if (!LIT(p, e, "\",\"sym\":\"") || (p = fp_strcopy(p + 9, e, r->sym, ARB_SYM_MAX)) == NULL)
		return 0;
	if (LIT(p, e, "\",\"seq\":")) {
		if ((p = fp_small(p + 8, e, &fb->seq)) == NULL)
			return 0;
		fb->has_seq = 1;
	} else {
		p++;
	}
	if (LIT(p, e, ",\"ok\":true")) {
		fb->ok = 1;
		p += 10;
	} else if (LIT(p, e, ",\"ok\":false")) {
		fb->ok = 0;
		p += 11;
	} else {
		return 0;
	}
	if (!LIT(p, e, ",\"depth\":") || (p = fp_small(p + 9, e, &x)) == NULL || x < 0 ||
	    x > INT32_MAX)
		return 0;
	fb->depth = (int)x;
	if (!LIT(p, e, ",\"bids\":") || (p = fp_side_lazy(r, s, p + 8, e, 0, &odd)) == NULL)
		return 0;
	if (!LIT(p, e, ",\"asks\":") || (p = fp_side_lazy(r, s, p + 8, e, 1, &odd)) == NULL)
		return 0;
	if (p + 1 != e || *p != '}')
		return 0;
	r->has_ts = r->has_rt = 1;
	r->lv_plain = !odd;
	r->lv_lazy = 1;
	return 1;
}

const char *
arb_levels_read(const char *p, const char *e, struct arb_level *lv, uint32_t k)
{
	const unsigned char *u = (const unsigned char *)p, *ue = (const unsigned char *)e, *q;
	int64_t m;
	int sc;
	uint32_t i;

	for (i = 0; i < k; i++) {
		if (u < ue && *u == ',')
			u++;
		if (u == ue || *u != '[')
			return NULL;
		if ((q = fp_num(u + 1, ue, &m, &sc, 1)) == NULL || q == ue || *q != ',')
			return NULL;
		lv[i].px.m = m;
		lv[i].px.s = sc;
		if ((u = fp_num(q + 1, ue, &m, &sc, 1)) == NULL || u == ue || *u != ']')
			return NULL;
		lv[i].qty.m = m;
		lv[i].qty.s = sc;
		u++;
	}
	return (const char *)u;
}

static const unsigned char *fp_members(struct fp *f, const unsigned char *p,
    const struct spec *sp, int top, uint32_t *nmem);

/* [time,...] (ints) or [{leg},...] at p, with their tokens. */
static const unsigned char *
fp_array(struct fp *f, const unsigned char *p, int ints)
{
	const unsigned char *s = f->s, *e = f->e, *o = p, *q;
	struct arb_json *j = &f->r->j;
	struct arb_jtok *t = j->t;
	uint32_t n = f->n, arr = n, k = 0, mem, obj;
	int64_t x;

	if (p == e || *p != '[')
		return NULL;
	p++;
	n++;
	if (p < e && *p == ']') {
		p++;
	} else {
		for (;;) {
			if (n + 1 > j->cap)
				t = fp_room(j, n, 1);
			if (ints) {
				if ((q = fp_int(p, e, &x)) == NULL || x < 0 || x > ARB_REC_TMAX)
					return NULL;
				TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
				n++;
				p = q;
			} else {
				if (p == e || *p != '{')
					return NULL;
				obj = n;
				q = p;
				f->n = n + 1;
				if ((p = fp_members(f, p + 1, &fspec_leg, 0, &mem)) == NULL ||
				    p == e || *p != '}')
					return NULL;
				p++;
				n = f->n;
				t = j->t;
				TOK(obj, ARB_J_OBJ, 0, q - s, p - q, n, mem);
			}
			k++;
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == ']') {
				p++;
				break;
			}
			return NULL;
		}
	}
	TOK(arr, ARB_J_ARR, 0, o - s, p - o, n, k);
	f->n = n;
	return p;
}

/*
 * The members of an object from p on, in the order of table sp; returns
 * the end of the last one (the caller wants the '}' there) and their
 * number in *nmem.  top: the record itself (the common keys are stored;
 * the first key follows "type" with a comma) rather than a leg.
 */
static const unsigned char *
fp_members(struct fp *f, const unsigned char *p, const struct spec *sp, int top, uint32_t *nmem)
{
	struct arb_rec *r = f->r;
	struct arb_json *j = &r->j;
	struct arb_book_rec *fb = r->fb;
	const unsigned char *s = f->s, *e = f->e, *q;
	struct arb_jtok *t = j->t;
	uint32_t n = f->n, mem = 0;
	int skip = !top, book = top && r->type == ARB_R_BOOK, sc;
	int64_t x;
	size_t len;

	for (const struct key *k = sp->k; k->name; k++) {
		if (!lit_at(p, e, k, skip)) {
			if (k->opt)
				continue;
			return NULL;
		}
		p += k->litlen - skip;
		skip = 0;
		if (n + 2 > j->cap)
			t = fp_room(j, n, 2);
		TOK(n, ARB_J_STR, 0, p - s - k->len - 2, k->len, n + 1, 0);
		n++;
		mem++;
		switch (k->kind) {
		case K_TS:
		case K_RT:
		case K_TIME:
		case K_INT:
		case K_NAT:
			if ((q = fp_int(p, e, &x)) == NULL)
				return NULL;
			if (k->kind == K_NAT && (x < 0 || x > INT32_MAX))
				return NULL;
			if (k->kind == K_TIME && (x < 0 || x > ARB_REC_TMAX))
				return NULL;   /* ts and rt: arb_rec_parse checks */
			TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
			n++;
			p = q;
			if (top && k->kind == K_TS) {
				r->ts = x;
				r->has_ts = 1;
			} else if (top && k->kind == K_RT) {
				r->rt = x;
				r->has_rt = 1;
			} else if (book && k->kind == K_INT) {   /* seq */
				fb->seq = x;
				fb->has_seq = 1;
			} else if (book) {                         /* depth */
				fb->depth = (int)x;
			}
			break;
		case K_DEC:
			if ((q = fp_num(p, e, &x, &sc, 1)) == NULL)
				return NULL;
			TOK(n, ARB_J_NUM, sc ? NUM_FRAC : 0, p - s, q - p, n + 1, 0);
			n++;
			p = q;
			break;
		case K_EX:
		case K_SYM:
		case K_STR:
		case K_ENUM:
			if (p == e || *p != '"' || (q = fp_str(p + 1, e)) == NULL)
				return NULL;
			len = (size_t)(q - p - 1);
			if (k->kind == K_EX || k->kind == K_SYM) {
				size_t cap = k->kind == K_EX ? ARB_EX_MAX : ARB_SYM_MAX;
				char *dst = k->kind == K_EX ? r->ex : r->sym;

				if (len == 0 || len >= cap)
					return NULL;
				if (top) {
					memcpy(dst, p + 1, len);
					dst[len] = '\0';
				}
			} else if (k->kind == K_ENUM && !enum_raw(k->en, p + 1, len)) {
				return NULL;
			}
			TOK(n, ARB_J_STR, 0, p + 1 - s, len, n + 1, 0);
			n++;
			p = q + 1;
			break;
		case K_ID:
			if (p < e && *p == '"') {
				if ((q = fp_str(p + 1, e)) == NULL)
					return NULL;
				TOK(n, ARB_J_STR, 0, p + 1 - s, q - p - 1, n + 1, 0);
				p = q + 1;
			} else {
				if ((q = fp_int(p, e, &x)) == NULL)
					return NULL;
				TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
				p = q;
			}
			n++;
			break;
		case K_BOOL:
			if (e - p >= 4 && memcmp(p, "true", 4) == 0) {
				TOK(n, ARB_J_TRUE, 0, p - s, 4, n + 1, 0);
				p += 4;
			} else if (e - p >= 5 && memcmp(p, "false", 5) == 0) {
				TOK(n, ARB_J_FALSE, 0, p - s, 5, n + 1, 0);
				p += 5;
			} else {
				return NULL;
			}
			n++;
			if (book)
				fb->ok = t[n - 1].type == ARB_J_TRUE;
			break;
		case K_LEVELS:
			if (!book)
				return NULL;
			f->n = n;
			if (k->name[0] == 'b')
				p = fp_levels(f, p, &fb->bids, &fb->capb, &fb->nbids);
			else
				p = fp_levels(f, p, &fb->asks, &fb->capa, &fb->nasks);
			if (p == NULL)
				return NULL;
			n = f->n;
			t = j->t;
			break;
		case K_TIMES:
		case K_LEGS:
			f->n = n;
			if ((p = fp_array(f, p, k->kind == K_TIMES)) == NULL)
				return NULL;
			n = f->n;
			t = j->t;
			break;
		case K_ANY:
		case K_PASS:
			/* a plain string or number, or [] (a result's usual
			 * "exposure"); anything else is the general path's */
			if (e - p >= 2 && p[0] == '[' && p[1] == ']') {
				TOK(n, ARB_J_ARR, 0, p - s, 2, n + 1, 0);
				p += 2;
			} else if (p < e && *p == '"') {
				if ((q = fp_str(p + 1, e)) == NULL)
					return NULL;
				TOK(n, ARB_J_STR, 0, p + 1 - s, q - p - 1, n + 1, 0);
				p = q + 1;
			} else {
				if ((q = fp_num(p, e, &x, &sc, 1)) == NULL)
					return NULL;
				TOK(n, ARB_J_NUM, sc ? NUM_FRAC : 0, p - s, q - p, n + 1, 0);
				p = q;
			}
			n++;
			break;
		default:
			return NULL;
		}
	}
	f->n = n;
	*nmem = mem;
	return p;
}

/*
 * A book record from p on (just after `{"type":"book"`), as fp_members
 * would read it with k_book, written out: the hot record of arb-detect,
 * arb-exec and arb-store.  Returns the number of tokens, or 0 to give up.
 */
static uint32_t
fp_book(struct arb_rec *r, const unsigned char *s, const unsigned char *e, const unsigned char *p)
{
	struct arb_json *j = &r->j;
	struct arb_book_rec *fb = r->fb;
	struct arb_jtok *t;
	const unsigned char *q;
	struct fp f = { r, s, e, 0 };
	uint32_t n = 3, mem = 8;
	size_t len;
	int64_t x;

	/* the tokens before the levels: 3, then 2 for each of 7 keys and
	 * the two arrays' own tokens */
	t = j->cap >= 24 ? j->t : fp_room(j, 0, 24);
#define KEY(kl) (TOK(n, ARB_J_STR, 0, p - s + 2, kl, n + 1, 0), n++)
	if (!LIT(p, e, ",\"ts\":"))
		return 0;
	KEY(2);
	p += 6;
	if ((q = fp_int(p, e, &r->ts)) == NULL)
		return 0;
	r->has_ts = 1;
	TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
	n++;
	p = q;
	if (!LIT(p, e, ",\"rt\":"))
		return 0;
	KEY(2);
	p += 6;
	if ((q = fp_int(p, e, &r->rt)) == NULL)
		return 0;
	r->has_rt = 1;
	TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
	n++;
	p = q;
	if (!LIT(p, e, ",\"ex\":\""))
		return 0;
	KEY(2);
	p += 7;
	if ((q = fp_str(p, e)) == NULL || (len = (size_t)(q - p)) == 0 || len >= ARB_EX_MAX)
		return 0;
	fp_copy(r->ex, p, e, len);
	TOK(n, ARB_J_STR, 0, p - s, len, n + 1, 0);
	n++;
	p = q + 1;
	if (!LIT(p, e, ",\"sym\":\""))
		return 0;
	KEY(3);
	p += 8;
	if ((q = fp_str(p, e)) == NULL || (len = (size_t)(q - p)) == 0 || len >= ARB_SYM_MAX)
		return 0;
	fp_copy(r->sym, p, e, len);
	TOK(n, ARB_J_STR, 0, p - s, len, n + 1, 0);
	n++;
	p = q + 1;
	if (LIT(p, e, ",\"seq\":")) {
		KEY(3);
		p += 7;
		if ((q = fp_int(p, e, &fb->seq)) == NULL)
			return 0;
		fb->has_seq = 1;
		TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
		n++;
		p = q;
		mem++;
	}
	if (!LIT(p, e, ",\"ok\":"))
		return 0;
	KEY(2);
	p += 6;
	if (LIT(p, e, "true")) {
		TOK(n, ARB_J_TRUE, 0, p - s, 4, n + 1, 0);
		fb->ok = 1;
		p += 4;
	} else if (LIT(p, e, "false")) {
		TOK(n, ARB_J_FALSE, 0, p - s, 5, n + 1, 0);
		fb->ok = 0;
		p += 5;
	} else {
		return 0;
	}
	n++;
	if (!LIT(p, e, ",\"depth\":"))
		return 0;
	KEY(5);
	p += 9;
	if ((q = fp_int(p, e, &x)) == NULL || x < 0 || x > INT32_MAX)
		return 0;
	fb->depth = (int)x;
	TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0);
	n++;
	p = q;
	if (!LIT(p, e, ",\"bids\":"))
		return 0;
	KEY(4);
	p += 8;
	f.n = n;
	if ((p = fp_levels(&f, p, &fb->bids, &fb->capb, &fb->nbids)) == NULL)
		return 0;
	n = f.n;
	if (n + 2 > j->cap)
		fp_room(j, n, 2);
	t = j->t;
	if (!LIT(p, e, ",\"asks\":"))
		return 0;
	KEY(4);
	p += 8;
	f.n = n;
	if ((p = fp_levels(&f, p, &fb->asks, &fb->capa, &fb->nasks)) == NULL)
		return 0;
	n = f.n;
	t = j->t;
#undef KEY
	if (p + 1 != e || *p != '}')
		return 0;
	TOK(0, ARB_J_OBJ, 0, 0, e - s, n, mem + 1);
	return n;
}

/*
 * A trade record from p on (just after `{"type":"trade"`), as fp_members
 * would read it with k_trade, written out.  Returns the number of
 * tokens, or 0 to give up.
 */
#define FP_KEY(lit, kl) do { \
	if (!LIT(p, e, lit)) \
		return 0; \
	TOK(n, ARB_J_STR, 0, p - s + 2, (kl), n + 1, 0); \
	n++; \
	p += sizeof(lit) - 1; \
} while (0)
#define FP_INT(dst) do { \
	if ((q = fp_int(p, e, &(dst))) == NULL) \
		return 0; \
	TOK(n, ARB_J_NUM, 0, p - s, q - p, n + 1, 0); \
	n++; \
	p = q; \
} while (0)
#define FP_DEC() do { \
	int64_t m_; \
	int sc_; \
	if ((q = fp_num(p, e, &m_, &sc_, 1)) == NULL) \
		return 0; \
	TOK(n, ARB_J_NUM, sc_ ? NUM_FRAC : 0, p - s, q - p, n + 1, 0); \
	n++; \
	p = q; \
} while (0)
/* p just after the opening quote: the body's length into len */
#define FP_STR() do { \
	if ((q = fp_str(p, e)) == NULL) \
		return 0; \
	len = (size_t)(q - p); \
	TOK(n, ARB_J_STR, 0, p - s, len, n + 1, 0); \
	n++; \
} while (0)

static uint32_t
fp_trade(struct arb_rec *r, const unsigned char *s, const unsigned char *e, const unsigned char *p)
{
	struct arb_json *j = &r->j;
	struct arb_jtok *t;
	const unsigned char *q;
	uint32_t n = 3;
	size_t len;

	t = j->cap >= 20 ? j->t : fp_room(j, 0, 20);
	FP_KEY(",\"ts\":", 2);
	FP_INT(r->ts);
	r->has_ts = 1;
	FP_KEY(",\"rt\":", 2);
	FP_INT(r->rt);
	r->has_rt = 1;
	FP_KEY(",\"ex\":\"", 2);
	FP_STR();
	if (len == 0 || len >= ARB_EX_MAX)
		return 0;
	fp_copy(r->ex, p, e, len);
	p = q + 1;
	FP_KEY(",\"sym\":\"", 3);
	FP_STR();
	if (len == 0 || len >= ARB_SYM_MAX)
		return 0;
	fp_copy(r->sym, p, e, len);
	p = q + 1;
	FP_KEY(",\"id\":\"", 2);
	FP_STR();
	p = q + 1;
	FP_KEY(",\"px\":", 2);
	FP_DEC();
	FP_KEY(",\"qty\":", 3);
	FP_DEC();
	FP_KEY(",\"side\":\"", 4);
	FP_STR();
	if (!(len == 3 && memcmp(p, "buy", 3) == 0) && !(len == 4 && memcmp(p, "sell", 4) == 0))
		return 0;
	p = q + 1;
	if (p + 1 != e || *p != '}')
		return 0;
	TOK(0, ARB_J_OBJ, 0, 0, e - s, n, 9);
	return n;
}

#undef FP_KEY
#undef FP_INT
#undef FP_DEC
#undef FP_STR

/* 0 with r filled (type, tokens, common keys, r->fb), or -1: the general
 * path must read the line.  The caller has cleared the common keys. */
static int
fp_parse(struct arb_rec *r, const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line, *e = s + len, *p, *q;
	struct arb_json *j = &r->j;
	struct fp f = { r, s, e, 3 };
	struct arb_jtok *t;
	uint32_t mem;

	if (len < 16 || len >= UINT32_MAX)
		return -1;
	if (LIT(s, e, "{\"type\":\"book\"")) {
		q = s + 13;
		r->type = ARB_R_BOOK;
	} else if (!LIT(s, e, "{\"type\":\"") || (q = fp_str(s + 9, e)) == NULL ||
	    (r->type = arb_rtype_from(line + 9, (size_t)(q - s - 9))) == ARB_R_UNKNOWN) {
		return -1;
	}
	if (r->type == ARB_R_BOOK) {
		if (r->fb == NULL)
			r->fb = xcalloc(1, sizeof *r->fb);
		r->fb->nbids = r->fb->nasks = 0;
		r->fb->has_seq = 0;
		r->fb->seq = 0;
	}
	t = fp_room(j, 0, 3);
	if (r->type == ARB_R_BOOK && r->lazy) {
		/* the object's token alone (rec.h) */
		if (!fp_book_lazy(r, s, e, q + 1))
			return -1;
		TOK(0, ARB_J_OBJ, 0, 0, len, 1, 0);
		f.n = 1;
		goto done;
	}
	TOK(1, ARB_J_STR, 0, 2, 4, 2, 0);
	TOK(2, ARB_J_STR, 0, 9, q - s - 9, 3, 0);
	if (r->type == ARB_R_BOOK) {
		if ((f.n = fp_book(r, s, e, q + 1)) == 0)
			return -1;
		goto done;
	}
	if (r->type == ARB_R_TRADE) {
		if ((f.n = fp_trade(r, s, e, q + 1)) == 0)
			return -1;
		goto done;
	}
	if ((p = fp_members(&f, q + 1, fspecs[r->type].k ? &fspecs[r->type] : &specs[r->type], 1,
	    &mem)) == NULL || p + 1 != e || *p != '}')
		return -1;
	t = j->t;
	TOK(0, ARB_J_OBJ, 0, 0, len, f.n, mem + 1);
done:
	j->src = line;
	j->srclen = len;
	j->n = f.n;
	j->err = NULL;
	j->erroff = 0;
	r->has_fb = r->type == ARB_R_BOOK;
	return 0;
}

#undef TOK

/* The general path: the tokenizer, then the table check. */
static int
rec_general(struct arb_rec *r, const char *line, size_t len, char *why, size_t whylen)
{
	struct ctx c = { r, why, whylen, NULL, 0, 1 };
	const struct arb_jtok *t;
	char tbuf[32];

	r->type = ARB_R_UNKNOWN;
	r->line = line;
	r->len = len;
	r->ts = r->rt = 0;
	r->has_ts = r->has_rt = 0;
	r->ex[0] = r->sym[0] = '\0';
	if (whylen)
		why[0] = '\0';
	if (arb_json_parse(&r->j, line, len) < 0)
		return bad(&c, "invalid JSON at byte %zu: %s", r->j.erroff, r->j.err);
	t = r->j.t;
	if (t[0].type != ARB_J_OBJ)
		return bad(&c, "expected a JSON object");
	if (t[0].n == 0 || !(t[1].len == 4 && !t[1].esc && memcmp(line + t[1].off, "type", 4) == 0 ? 1
	    : arb_json_streq(&r->j, 1, "type")))
		return bad(&c, "%s", arb_json_get(&r->j, 0, "type") < 0 ? "missing key \"type\""
		    : "\"type\" must be the first key");
	if (t[2].type != ARB_J_STR)
		return bad(&c, "expected string at \"type\"");
	if (!t[2].esc)
		r->type = arb_rtype_from(line + t[2].off, t[2].len);
	else if (arb_json_str(&r->j, 2, tbuf, sizeof tbuf) >= 0)
		r->type = arb_rtype_from(tbuf, strlen(tbuf));
	if (r->type == ARB_R_UNKNOWN) {
		fill_common(r);
		return 0;
	}
	if (check_obj(&c, 0, 3, &specs[r->type]) < 0) {
		/* do not leave half the common keys behind */
		r->has_ts = r->has_rt = 0;
		r->ts = r->rt = 0;
		r->ex[0] = r->sym[0] = '\0';
		return -1;
	}
	return 0;
}

/* The fast paths read ts and rt in several places; a time out of range
 * is the general path's to report. */
static int
times_ok(const struct arb_rec *r)
{
	return (!r->has_ts || (r->ts >= 0 && r->ts <= ARB_REC_TMAX)) &&
	    (!r->has_rt || (r->rt >= 0 && r->rt <= ARB_REC_TMAX));
}

int
arb_rec_parse(struct arb_rec *r, const char *line, size_t len, char *why, size_t whylen)
{
	const unsigned char *s = (const unsigned char *)line;

	/*
	 * arb-detect's hot record, a book read lazily, once the record has
	 * its r->fb and a token array: straight to fp_book_lazy, which sets
	 * every field that fp_parse would (the common keys, r->fb's, the
	 * lazy ones); a book it gives up on goes to the general path, as
	 * from fp_parse.
	 */
	if (r->lazy && r->fb && r->j.cap && len >= 16 && len < UINT32_MAX &&
	    LIT(s, s + len, "{\"type\":\"book\"")) {
		struct arb_json *j = &r->j;

		r->type = ARB_R_BOOK;
		r->fb->has_seq = 0;
		r->fb->seq = 0;
		if (!fp_book_lazy(r, s, s + len, s + 14) || !times_ok(r)) {
			spec_init();
			r->has_fb = 0;
			r->lv_lazy = 0;
			r->fast = 0;
			return rec_general(r, line, len, why, whylen);
		}
		j->t[0] = (struct arb_jtok){ ARB_J_OBJ, 0, 0, (uint32_t)len, 1, 0 };
		j->src = line;
		j->srclen = len;
		j->n = 1;
		j->err = NULL;
		j->erroff = 0;
		r->has_fb = 1;
		r->line = line;
		r->len = len;
		r->fast = 1;
		if (whylen)
			why[0] = '\0';
		return 0;
	}
	spec_init();
	r->has_fb = 0;
	r->lv_lazy = 0;
	r->ts = r->rt = 0;
	r->has_ts = r->has_rt = 0;
	r->ex[0] = r->sym[0] = '\0';
	if (fp_parse(r, line, len) == 0 && times_ok(r)) {
		r->line = line;
		r->len = len;
		r->fast = 1;
		if (whylen)
			why[0] = '\0';
		return 0;
	}
	r->has_fb = 0;
	r->lv_lazy = 0;
	r->fast = 0;
	return rec_general(r, line, len, why, whylen);
}

int
arb_rec_parse_general(struct arb_rec *r, const char *line, size_t len, char *why, size_t whylen)
{
	spec_init();
	r->has_fb = 0;
	r->lv_lazy = 0;
	r->fast = 0;
	return rec_general(r, line, len, why, whylen);
}

/* ---- typed access ---- */

int
arb_rec_dec(const struct arb_rec *r, const char *key, arb_dec *d)
{
	return arb_json_dec(&r->j, arb_json_get(&r->j, 0, key), d, NULL);
}

int
arb_rec_i64(const struct arb_rec *r, const char *key, int64_t *v)
{
	return arb_json_i64(&r->j, arb_json_get(&r->j, 0, key), v);
}

int
arb_rec_str(const struct arb_rec *r, const char *key, char *buf, size_t cap)
{
	return arb_json_str(&r->j, arb_json_get(&r->j, 0, key), buf, cap) < 0 ? -1 : 0;
}

int
arb_rec_bool(const struct arb_rec *r, const char *key, int *v)
{
	int i = arb_json_get(&r->j, 0, key);

	if (i < 0)
		return -1;
	switch (r->j.t[i].type) {
	case ARB_J_TRUE:
		*v = 1;
		return 0;
	case ARB_J_FALSE:
		*v = 0;
		return 0;
	default:
		return -1;
	}
}

void
arb_book_rec_free(struct arb_book_rec *b)
{
	free(b->bids);
	free(b->asks);
	memset(b, 0, sizeof *b);
}

static int
read_levels(const struct arb_json *j, int v, struct arb_level **lv, uint32_t *cap, uint32_t *np)
{
	const struct arb_jtok *t = j->t;
	uint32_t n, i, k;

	if (v < 0 || t[v].type != ARB_J_ARR)
		return -1;
	n = t[v].n;
	lv_reserve(lv, cap, n);
	for (i = (uint32_t)v + 1, k = 0; k < n; k++, i = t[i].next) {
		if (t[i].type != ARB_J_ARR || t[i].n != 2 || t[i + 1].type != ARB_J_NUM ||
		    t[i + 2].type != ARB_J_NUM)
			return -1;
		if (arb_json_dec(j, (int)i + 1, &(*lv)[k].px, NULL) < 0 ||
		    arb_json_dec(j, (int)i + 2, &(*lv)[k].qty, NULL) < 0)
			return -1;
	}
	*np = n;
	return 0;
}

uint32_t
arb_levels_unsorted(const struct arb_level *lv, uint32_t from, uint32_t n, int side)
{
	uint32_t i;
	int c;

	for (i = from > 0 ? from : 1; i < n; i++) {
		c = lv[i].px.s == lv[i - 1].px.s ? (lv[i].px.m > lv[i - 1].px.m) - (lv[i].px.m < lv[i - 1].px.m) :
		    arb_dec_cmp(lv[i].px, lv[i - 1].px);
		if (side ? c < 0 : c > 0)
			return i + 1;
	}
	return 0;
}

uint32_t
arb_levels_bad(const struct arb_level *lv, uint32_t n)
{
	uint32_t i;

	/* (a decimal's sign is its coefficient's) */
	for (i = 0; i < n; i++)
		if (lv[i].px.m <= 0 || lv[i].qty.m < 0)
			return i + 1;
	return 0;
}

int
arb_rec_book(const struct arb_rec *r, struct arb_book_rec *b)
{
	const struct arb_json *j = &r->j;
	const struct arb_jtok *t = j->t;
	int seq = -1, ok = -1, depth = -1, bids = -1, asks = -1;
	uint32_t i, m;
	int64_t x;

	if (r->type != ARB_R_BOOK || j->n == 0)
		return -1;
	if (r->has_fb && r->fb) {
		/* read by the fast path already */
		const struct arb_book_rec *f = r->fb;

		lv_reserve(&b->bids, &b->capb, f->nbids);
		lv_reserve(&b->asks, &b->capa, f->nasks);
		if (r->lv_lazy) {
			/* checked but not converted (lazy): from the text */
			const char *e = r->line + r->len;

			if (arb_levels_read(r->line + r->lv_off[0] + 1, e, b->bids, f->nbids) == NULL ||
			    arb_levels_read(r->line + r->lv_off[1] + 1, e, b->asks, f->nasks) == NULL) {
				b->nbids = b->nasks = 0;
				return -1;
			}
		} else if (f->nbids)
			memcpy(b->bids, f->bids, (size_t)f->nbids * sizeof *b->bids);
		if (!r->lv_lazy && f->nasks)
			memcpy(b->asks, f->asks, (size_t)f->nasks * sizeof *b->asks);
		b->nbids = f->nbids;
		b->nasks = f->nasks;
		b->seq = f->seq;
		b->has_seq = f->has_seq;
		b->ok = f->ok;
		b->depth = f->depth;
		return 0;
	}
	/* one pass over the members; the first of a repeated key wins */
	for (i = 1, m = t[0].n; m; m--, i = t[i + 1].next) {
		const char *k = j->src + t[i].off;
		int v = (int)i + 1;

		if (t[i].esc) {
			if (arb_json_streq(j, (int)i, "seq") && seq < 0)
				seq = v;
			else if (arb_json_streq(j, (int)i, "ok") && ok < 0)
				ok = v;
			else if (arb_json_streq(j, (int)i, "depth") && depth < 0)
				depth = v;
			else if (arb_json_streq(j, (int)i, "bids") && bids < 0)
				bids = v;
			else if (arb_json_streq(j, (int)i, "asks") && asks < 0)
				asks = v;
			continue;
		}
		switch (t[i].len) {
		case 2:
			if (k[0] == 'o' && k[1] == 'k' && ok < 0)
				ok = v;
			break;
		case 3:
			if (memcmp(k, "seq", 3) == 0 && seq < 0)
				seq = v;
			break;
		case 4:
			if (memcmp(k, "bids", 4) == 0 && bids < 0)
				bids = v;
			else if (memcmp(k, "asks", 4) == 0 && asks < 0)
				asks = v;
			break;
		case 5:
			if (memcmp(k, "depth", 5) == 0 && depth < 0)
				depth = v;
			break;
		}
	}
	b->nbids = b->nasks = 0;
	b->has_seq = 0;
	b->seq = 0;
	if (seq >= 0) {
		if (!is_int(j, seq, &b->seq))
			return -1;
		b->has_seq = 1;
	}
	if (ok < 0 || (t[ok].type != ARB_J_TRUE && t[ok].type != ARB_J_FALSE))
		return -1;
	b->ok = t[ok].type == ARB_J_TRUE;
	if (depth < 0 || !is_int(j, depth, &x) || x < 0 || x > INT32_MAX)
		return -1;
	b->depth = (int)x;
	if (read_levels(j, bids, &b->bids, &b->capb, &b->nbids) < 0 ||
	    read_levels(j, asks, &b->asks, &b->capa, &b->nasks) < 0) {
		b->nbids = b->nasks = 0;
		return -1;
	}
	return 0;
}

int
arb_rec_book_take(struct arb_rec *r, struct arb_book_rec *b)
{
	struct arb_book_rec *f = r->fb, x;

	/* (lazy levels are converted from the line, which stays readable) */
	if (r->type != ARB_R_BOOK || r->j.n == 0 || !r->has_fb || f == NULL || r->lv_lazy)
		return arb_rec_book(r, b);
	x = *b;
	*b = *f;
	f->bids = x.bids;
	f->capb = x.capb;
	f->asks = x.asks;
	f->capa = x.capa;
	/* the record's levels are b's now: a second call copies nothing */
	r->has_fb = 0;
	f->nbids = f->nasks = 0;
	return 0;
}

/* ---- emitting ---- */

/* Room for n more bytes; the caller adds to b->len and re-terminates. */
static inline char *
room(struct arb_buf *b, size_t n)
{
	arb_buf_reserve(b, n);
	return b->p + b->len;
}

static inline void
done(struct arb_buf *b, size_t n)
{
	b->len += n;
	b->p[b->len] = '\0';
}

void
arb_emit_begin(struct arb_buf *b, const char *type)
{
	arb_buf_add(b, "{\"type\":", 8);
	arb_json_quote(b, type, strlen(type));
}

void
arb_emit_key(struct arb_buf *b, const char *key)
{
	size_t kl = strlen(key);
	char *w = room(b, kl + 4);

	w[0] = ',';
	w[1] = '"';
	memcpy(w + 2, key, kl);
	w[kl + 2] = '"';
	w[kl + 3] = ':';
	done(b, kl + 4);
}

void
arb_emit_str(struct arb_buf *b, const char *key, const char *v)
{
	arb_emit_key(b, key);
	arb_json_quote(b, v, strlen(v));
}

void
arb_emit_strn(struct arb_buf *b, const char *key, const char *v, size_t n)
{
	arb_emit_key(b, key);
	arb_json_quote(b, v, n);
}

void
arb_emit_i64(struct arb_buf *b, const char *key, int64_t v)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	arb_emit_key(b, key);
	memcpy(room(b, (size_t)(e - p)), p, (size_t)(e - p));
	done(b, (size_t)(e - p));
}

void
arb_emit_decval(struct arb_buf *b, arb_dec v)
{
	size_t n = arb_dec_fmt(v, room(b, ARB_DEC_STRMAX));

	done(b, n);
}

void
arb_emit_dec(struct arb_buf *b, const char *key, arb_dec v)
{
	arb_emit_key(b, key);
	arb_emit_decval(b, v);
}

void
arb_emit_bool(struct arb_buf *b, const char *key, int v)
{
	arb_emit_key(b, key);
	if (v)
		arb_buf_add(b, "true", 4);
	else
		arb_buf_add(b, "false", 5);
}

void
arb_emit_levels(struct arb_buf *b, const struct arb_level *l, uint32_t n)
{
	char *w;
	size_t k;

	/* each level: '[' px ',' qty ']' and a separator */
	arb_buf_addc(b, '[');
	for (uint32_t i = 0; i < n; i++) {
		w = room(b, 2 * ARB_DEC_STRMAX + 4);
		k = 0;
		if (i)
			w[k++] = ',';
		w[k++] = '[';
		k += arb_dec_fmt(l[i].px, w + k);
		w[k++] = ',';
		k += arb_dec_fmt(l[i].qty, w + k);
		w[k++] = ']';
		done(b, k);
	}
	arb_buf_addc(b, ']');
}

void
arb_emit_end(struct arb_buf *b)
{
	arb_buf_add(b, "}\n", 2);
}

/* ---- bad input ---- */

void
arb_badline(struct arb_badlines *bl, const char *file, uint64_t line, const char *why)
{
	bl->n++;
	arb_err("%s:%" PRIu64 ": %s", file ? file : "stdin", line, why);
	if (bl->strict) {
		if (bl->w)
			(void)arb_writer_flush(bl->w);
		exit(ARB_EXIT_FAIL);
	}
}

void
arb_badrecord(struct arb_badlines *bl, const char *file, uint64_t line, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof msg, "bad record: %s", why);
	arb_badline(bl, file, line, msg);
}

void
arb_badlines_report(const struct arb_badlines *bl)
{
	if (bl->n)
		arb_warn("%" PRIu64 " bad line%s skipped", bl->n, bl->n == 1 ? "" : "s");
}
