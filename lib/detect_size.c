#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "detect_size.h"

/* Built with -DARB_DSIZE_STATS, arb_dchain_size counts its sizings and
 * the chain evaluations of each part of the search and prints them to
 * stderr at exit (bench/README). */
#ifdef ARB_DSIZE_STATS
#include <stdio.h>
enum { SP_CAPS, SP_OPT, SP_CAND, SP_BOUND, SP_WALK, SP_N };
static struct {
	long calls, full, exact, opt, nonopt, ev[SP_N], lin, linsz, li[SP_N];
} sst;
static int sphase;
__attribute__((destructor)) static void
sst_print(void)
{
	if (sst.calls)
		fprintf(stderr, "sizer: %ld calls, %ld full (%ld exact, %ld optimal, %ld not; "
		    "%ld in integers), evaluations: caps %ld, optimum %ld, candidates %ld, bound %ld, "
		    "walk %ld; in integers %ld (optimum %ld, candidates %ld, bound %ld, walk %ld)\n",
		    sst.calls, sst.full, sst.exact, sst.opt, sst.nonopt, sst.linsz, sst.ev[SP_CAPS],
		    sst.ev[SP_OPT], sst.ev[SP_CAND], sst.ev[SP_BOUND], sst.ev[SP_WALK], sst.lin,
		    sst.li[SP_OPT], sst.li[SP_CAND], sst.li[SP_BOUND], sst.li[SP_WALK]);
}
#define SPHASE(x) (sphase = (x))
#define SCOUNT(f) (sst.f++, sst.li[sphase] += &sst.f == &sst.lin)
#else
#define SPHASE(x) ((void)0)
#define SCOUNT(f) ((void)0)
#endif

static const arb_dec ONE = { 1, 0 };
static const arb_dec ZERO = { 0, 0 };

/*
 * The sizer's arithmetic, inlined: the cases where both operands have the
 * same scale (a book's levels do) and nothing overflows give exactly what
 * dec.h's functions give (same coefficient, same scale); everything else
 * is left to them.
 */
#define I128_MIN (-(__int128)(~(unsigned __int128)0 >> 1) - 1)

static inline int
sok(int s)
{
	return s >= 0 && s <= ARB_DEC_MAXSCALE;
}

static inline int
fits64(__int128 m)
{
	return m >= INT64_MIN && m <= INT64_MAX;
}

static inline int
fsign(arb_dec a)
{
	return (a.m > 0) - (a.m < 0);
}

static int
maxi(int a, int b)
{
	return a > b ? a : b;
}

/* 10^k as a 128-bit integer, k <= 38. */
static __int128
p10(int k)
{
	__int128 p = 1;
	while (k-- > 0)
		p *= 10;
	return p;
}

static const int64_t P64[19] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000,
	100000000000000000, 1000000000000000000
};

/* x * 10^k exactly (k <= ARB_DEC_MAXSCALE); -1 when that overflows. */
static int
fscale_up(arb_dec *x, int k)
{
	static __int128 pw[ARB_DEC_MAXSCALE + 1];
	__int128 t;
	int i;

	if (pw[0] == 0)
		for (i = 0; i <= ARB_DEC_MAXSCALE; i++)
			pw[i] = p10(i);
	if (__builtin_mul_overflow(x->m, pw[k], &t) || t == I128_MIN)
		return -1;
	x->m = t;
	x->s += k;
	return 0;
}

/* Brings a and b to the larger scale, exactly; -1 when that overflows. */
static inline int
falign(arb_dec *a, arb_dec *b)
{
	arb_dec *x;
	int k;

	if (a->s == b->s)
		return 0;
	x = a->s < b->s ? a : b;
	k = a->s < b->s ? b->s - a->s : a->s - b->s;
	if (fits64(x->m) && k <= 18) {
		/* one 64 x 64 bit product: |m| < 2^63 * 10^18 < 2^123 */
		x->m = (__int128)(int64_t)x->m * P64[k];
		x->s += k;
		return 0;
	}
	return fscale_up(x, k);
}

static inline int
fadd(arb_dec *r, arb_dec a, arb_dec b)
{
	__int128 t;

	if (sok(a.s) && sok(b.s) && falign(&a, &b) == 0 && !__builtin_add_overflow(a.m, b.m, &t) &&
	    t != I128_MIN) {
		r->m = t;
		r->s = a.s;
		return 0;
	}
	return arb_dec_add(r, a, b);
}

static inline int
fsub(arb_dec *r, arb_dec a, arb_dec b)
{
	__int128 t;

	if (sok(a.s) && sok(b.s) && falign(&a, &b) == 0 && !__builtin_sub_overflow(a.m, b.m, &t) &&
	    t != I128_MIN) {
		r->m = t;
		r->s = a.s;
		return 0;
	}
	return arb_dec_sub(r, a, b);
}

static inline int
fmul(arb_dec *r, arb_dec a, arb_dec b)
{
	__int128 t;

	if (sok(a.s) && sok(b.s) && a.s + b.s <= ARB_DEC_MAXSCALE && fits64(a.m) && fits64(b.m)) {
		/* a 64 x 64 bit product: |t| <= 2^126, never overflows */
		r->m = (__int128)(int64_t)a.m * (int64_t)b.m;
		r->s = a.s + b.s;
		return 0;
	}
	if (sok(a.s) && sok(b.s) && a.s + b.s <= ARB_DEC_MAXSCALE &&
	    !__builtin_mul_overflow(a.m, b.m, &t) && t != I128_MIN) {
		r->m = t;
		r->s = a.s + b.s;
		return 0;
	}
	return arb_dec_mul(r, a, b);
}

static inline int
fcmp(arb_dec a, arb_dec b)
{
	/* exact either way: the same answer as arb_dec_cmp */
	if (sok(a.s) && sok(b.s) && falign(&a, &b) == 0)
		return (a.m > b.m) - (a.m < b.m);
	return arb_dec_cmp(a, b);
}

static inline arb_dec
fmin_(arb_dec a, arb_dec b)
{
	return fcmp(b, a) < 0 ? b : a;
}

static inline arb_dec
ftrim(arb_dec a)
{
	int64_t m;

	if (a.m == 0) {
		a.s = 0;
		return a;
	}
	if (a.m > INT64_MIN && a.m <= INT64_MAX) {
		m = (int64_t)a.m;
		while (a.s > 0 && m % 10 == 0) {
			m /= 10;
			a.s--;
		}
		a.m = m;
		return a;
	}
	return arb_dec_trim(a);
}

/* Truncating division at a scale that keeps the lot's and x's digits.
 * For a >= 0 and b > 0 in 64 bits whose quotient needs at most 10^19 of
 * scaling up (the usual case), the same quotient as arb_dec_div's,
 * floor(a.m * 10^e / b.m), in one 128 by 64 bit division. */
static int
divdown(arb_dec *r, arb_dec a, arb_dec b, int minscale)
{
	int s = ARB_DSCALE, e;

	if (minscale > s)
		s = minscale;
	if (s > ARB_DEC_MAXSCALE)
		s = ARB_DEC_MAXSCALE;
	e = s - a.s + b.s;
	if (sok(a.s) && sok(b.s) && a.m >= 0 && b.m > 0 && a.m <= INT64_MAX && b.m <= INT64_MAX &&
	    e >= 0 && e <= 19) {
		unsigned __int128 n = (unsigned __int128)(uint64_t)a.m *
		    (e <= 18 ? (uint64_t)P64[e] : (uint64_t)P64[18] * 10);
		r->m = (__int128)(n / (uint64_t)b.m);
		r->s = s;
		return 0;
	}
	return arb_dec_div(r, a, b, s, ARB_RND_DOWN);
}

/* arb_dec_floor_to(r, x, step), with the same coefficient and scale, in
 * 64 bits when x >= 0 and both fit there at the larger scale. */
static int
ffloor_to(arb_dec *r, arb_dec x, arb_dec step)
{
	arb_dec a = x, st = step;

	if (sok(x.s) && sok(step.s) && x.m >= 0 && step.m > 0 && fits64(x.m) && fits64(step.m) &&
	    falign(&a, &st) == 0 && fits64(a.m) && fits64(st.m)) {
		int64_t q = (int64_t)a.m / (int64_t)st.m;
		r->m = (__int128)q * (int64_t)st.m;
		r->s = a.s;
		return 0;
	}
	return arb_dec_floor_to(r, x, step);
}

/* The book's total quantity on this side. */
static int
depth(const struct arb_dleg *l, arb_dec *t)
{
	uint32_t i;

	*t = ZERO;
	for (i = 0; i < l->n; i++)
		if (fadd(t, *t, l->lv[i].qty) < 0)
			return -1;
	return 0;
}

/*
 * Running sums of a side, made with the very operations (and operand
 * order) of the walks in arb_dleg_fill and arb_dleg_maxq, so that a walk
 * can start at level j from them and give the same coefficient and scale
 * as a walk from the best level: before level i, cq[i] is the quantity
 * (x, or what rem has lost, in the walks), cn[i] the notional (n) and,
 * for a buy, cc[i] what the levels cost with the fee (what b has lost).
 * Only for sides of at most DPRE_MAX levels, none of them empty, whose
 * sums do not overflow; other sides are walked.
 */
#define DPRE_MAX 32
struct arb_dpre {
	int ok;
	arb_dec onef;             /* 1 + the leg's fee */
	arb_dec cq[DPRE_MAX + 1], cn[DPRE_MAX + 1], cc[DPRE_MAX + 1];
	arb_dec unit[DPRE_MAX];   /* a buy's price of one unit with the fee */
	/* cq and cc as 64-bit coefficients at one scale (sq, sc), when
	 * every sum fits there (hq, hc): pre_find then compares integers,
	 * which orders them exactly as fcmp does. */
	int hq, hc, sq, sc;
	int64_t q64[DPRE_MAX + 1], c64[DPRE_MAX + 1];
};

/* s[0..n] at the largest of their scales into v, as 64-bit coefficients:
 * 1 when every one fits, else 0.  *sc: that scale. */
static int
pre_int(const arb_dec *s, uint32_t n, int64_t *v, int *sc)
{
	uint32_t i;
	int m = 0;

	for (i = 0; i <= n; i++) {
		if (!sok(s[i].s) || !fits64(s[i].m))
			return 0;
		if (s[i].s > m)
			m = s[i].s;
	}
	for (i = 0; i <= n; i++) {
		int k = m - s[i].s;
		if (k > 18 || __builtin_mul_overflow((int64_t)s[i].m, P64[k], &v[i]))
			return 0;
	}
	*sc = m;
	return 1;
}

static void
pre_build(const struct arb_dleg *l, struct arb_dpre *p)
{
	arb_dec onef, t;
	uint32_t i;

	p->ok = 0;
	if (l->n == 0 || l->n > DPRE_MAX || fadd(&onef, ONE, l->fee) < 0)
		return;
	p->onef = onef;
	p->cq[0] = p->cn[0] = p->cc[0] = ZERO;
	for (i = 0; i < l->n; i++) {
		const struct arb_level *v = &l->lv[i];
		if (fsign(v->qty) <= 0 || fmul(&t, v->qty, v->px) < 0 ||
		    fadd(&p->cn[i + 1], p->cn[i], t) < 0 || fadd(&p->cq[i + 1], p->cq[i], v->qty) < 0)
			return;
		if (l->buy) {
			arb_dec unit, c;
			if (fmul(&unit, v->px, l->fee_base ? ONE : onef) < 0)
				return;
			unit = ftrim(unit);
			if (fmul(&c, unit, v->qty) < 0 || fadd(&p->cc[i + 1], p->cc[i], c) < 0)
				return;
			p->unit[i] = unit;
		}
	}
	p->hq = pre_int(p->cq, l->n, p->q64, &p->sq);
	p->hc = l->buy && pre_int(p->cc, l->n, p->c64, &p->sc);
	p->ok = 1;
}

/* The first level j whose running sum s[j + 1] reaches x (>= x, or > x
 * when strict), or n when none does.  With has64, v holds the same sums
 * as 64-bit coefficients at scale sc (see arb_dpre): when x is brought to
 * that scale exactly in 64 bits, integers are compared instead, with the
 * same answers. */
static uint32_t pre_find_dec(const arb_dec *, uint32_t, arb_dec, int);

static inline uint32_t
pre_find(const arb_dec *s, uint32_t n, arb_dec x, int strict, int has64, const int64_t *v, int sc)
{
	uint32_t lo = 0, hi = n;   /* the answer is in [lo, hi] */
	int64_t xv;

	if (has64 && x.s >= 0 && x.s <= sc && sc - x.s <= 18 && fits64(x.m) &&
	    !__builtin_mul_overflow((int64_t)x.m, P64[sc - x.s], &xv) && xv != INT64_MIN) {
		if (!strict)
			xv--;   /* v >= x is v > x - 1 for integers */
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (v[mid + 1] > xv)
				hi = mid;
			else
				lo = mid + 1;
		}
#ifdef ARB_DPRE_CHECK
		if (lo != pre_find_dec(s, n, x, strict))
			abort();
#endif
		return lo;
	}
	return pre_find_dec(s, n, x, strict);
}

static uint32_t
pre_find_dec(const arb_dec *s, uint32_t n, arb_dec x, int strict)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = fcmp(s[mid + 1], x);
		if (strict ? c > 0 : c >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* arb_dleg_fill's walk, from the running sums: 0, 1 or -1 as the walk,
 * or 2 when the walk must be done after all. */
static int
fill_pre(const struct arb_dleg *l, arb_dec q, struct arb_dfill *f, arb_dec *np)
{
	const struct arb_dpre *p = l->pre;
	uint32_t j = pre_find(p->cq, l->n, q, 0, p->hq, p->q64, p->sq);
	arb_dec rem, take, t;

	if (j == l->n) {
		/* more than the book: every level walked */
		f->px = l->lv[l->n - 1].px;
		return 1;
	}
	if (fsub(&rem, q, p->cq[j]) < 0)
		return 2;
	take = fmin_(rem, l->lv[j].qty);
	if (fmul(&t, take, l->lv[j].px) < 0 || fadd(np, p->cn[j], t) < 0)
		return -1;
	f->px = l->lv[j].px;
	return 0;
}

/* Built with -DARB_DPRE_CHECK, every fill and maxq is done both from the
 * sums and by the walk, every divdown and ffloor_to also by dec.c, and a
 * difference aborts (a check on whole streams; see bench/README). */
#ifdef ARB_DPRE_CHECK
#include <stdlib.h>
#define arb_dleg_fill fill_impl
#define arb_dleg_maxq maxq_impl
#define divdown chk_div
#define ffloor_to chk_floor
static int fill_impl(const struct arb_dleg *, arb_dec, struct arb_dfill *);
static int maxq_impl(const struct arb_dleg *, arb_dec, int, arb_dec *);
static int chk_div(arb_dec *, arb_dec, arb_dec, int);
static int chk_floor(arb_dec *, arb_dec, arb_dec);
#endif
int
arb_dleg_fill(const struct arb_dleg *l, arb_dec q, struct arb_dfill *f)
{
	arb_dec rem = q, n = ZERO, t;
	uint32_t i;

	f->qty = q;
	f->px = f->notional = f->in = f->out = f->fee = ZERO;
	/* (a walk of one level gains nothing from the sums) */
	if (l->n > 1 && l->pre && l->pre->ok && fsign(q) > 0) {
		int rc = fill_pre(l, q, f, &n);
		if (rc == 2) {
			n = ZERO;
			f->px = ZERO;
		} else if (rc != 0)
			return rc;
		else
			goto filled;
	}
	for (i = 0; i < l->n && fsign(rem) > 0; i++) {
		arb_dec take = fmin_(rem, l->lv[i].qty);
		if (fsign(take) <= 0)
			continue;
		if (fmul(&t, take, l->lv[i].px) < 0 || fadd(&n, n, t) < 0 ||
		    fsub(&rem, rem, take) < 0)
			return -1;
		f->px = l->lv[i].px;
	}
	if (fsign(rem) > 0)
		return 1;
filled:
	f->notional = n;
	if (l->fee_base) {
		if (fmul(&f->fee, q, l->fee) < 0)
			return -1;
		if (l->buy) {
			f->in = n;
			if (fsub(&f->out, q, f->fee) < 0)
				return -1;
		} else {
			if (fadd(&f->in, q, f->fee) < 0)
				return -1;
			f->out = n;
		}
	} else {
		if (fmul(&f->fee, n, l->fee) < 0)
			return -1;
		if (l->buy) {
			if (fadd(&f->in, n, f->fee) < 0)
				return -1;
			f->out = q;
		} else {
			f->in = q;
			if (fsub(&f->out, n, f->fee) < 0)
				return -1;
		}
	}
	return 0;
}

int
arb_dleg_maxq(const struct arb_dleg *l, arb_dec a, int lots, arb_dec *q)
{
	arb_dec x, t, onef;
	uint32_t i;

	/* (the sums were made only when 1 + fee could be) */
	if (l->pre && l->pre->ok)
		onef = l->pre->onef;
	else if (fadd(&onef, ONE, l->fee) < 0)
		return -1;
	if (fsign(a) <= 0) {
		*q = ZERO;
		return 0;
	}
	if (!l->buy) {
		arb_dec d;
		if (l->has_total)
			d = l->total;
		else if (depth(l, &d) < 0)
			return -1;
		if (l->fee_base) {
			if (divdown(&x, a, onef, maxi(l->lot.s, d.s)) < 0)
				return -1;
		} else
			x = a;
		x = fmin_(x, d);
	} else {
		/* Walk the asks with a budget of a: whole levels while they
		 * fit, then the part of the next level the rest pays for. */
		arb_dec b = a;
		x = ZERO;
		i = 0;
		if (l->pre && l->pre->ok) {
			/* from the level that does not fit on (see arb_dpre) */
			const struct arb_dpre *p = l->pre;
			uint32_t j = pre_find(p->cc, l->n, a, 1, p->hc, p->c64, p->sc);
			if (j == l->n) {
				x = p->cq[j];
				i = l->n;
			} else if (fsub(&b, a, p->cc[j]) == 0) {
				if (fsign(p->unit[j]) <= 0)
					return -1;
				if (divdown(&t, b, p->unit[j], maxi(l->lot.s, p->cq[j].s)) < 0 ||
				    fadd(&x, p->cq[j], t) < 0)
					return -1;
				i = l->n;
			} else
				b = a;   /* walk after all */
		}
		for (; i < l->n; i++) {
			arb_dec c, unit;
			if (fmul(&unit, l->lv[i].px, l->fee_base ? ONE : onef) < 0)
				return -1;
			unit = ftrim(unit);
			if (fmul(&c, unit, l->lv[i].qty) < 0)
				return -1;
			if (fcmp(c, b) <= 0) {
				if (fsub(&b, b, c) < 0 || fadd(&x, x, l->lv[i].qty) < 0)
					return -1;
				continue;
			}
			if (fsign(unit) <= 0)
				return -1;
			if (divdown(&t, b, unit, maxi(l->lot.s, x.s)) < 0 || fadd(&x, x, t) < 0)
				return -1;
			break;
		}
	}
	if (lots) {
		if (ffloor_to(&x, x, l->lot) < 0)
			return -1;
	} else {
		/* continuous: keep the scale bounded along the chain */
		x = ftrim(x);
		if (x.s > maxi(ARB_DSCALE, l->lot.s) &&
		    arb_dec_rescale(&x, x, maxi(ARB_DSCALE, l->lot.s), ARB_RND_DOWN) < 0)
			return -1;
	}
	*q = ftrim(x);
	return 0;
}

#ifdef ARB_DPRE_CHECK
#undef arb_dleg_fill
#undef arb_dleg_maxq
#undef divdown
#undef ffloor_to
static int
same(arb_dec a, arb_dec b)
{
	return a.m == b.m && a.s == b.s;
}
int
arb_dleg_fill(const struct arb_dleg *l, arb_dec q, struct arb_dfill *f)
{
	struct arb_dleg w = *l;
	struct arb_dfill g;
	int r1 = fill_impl(l, q, f), r2;
	w.pre = NULL;
	r2 = fill_impl(&w, q, &g);
	if (r1 != r2 || !same(f->qty, g.qty) || !same(f->notional, g.notional) || !same(f->px, g.px) ||
	    !same(f->in, g.in) || !same(f->out, g.out) || !same(f->fee, g.fee))
		abort();
	return r1;
}
/* the fast arithmetic against dec.c's */
static int
chk_div(arb_dec *r, arb_dec a, arb_dec b, int minscale)
{
	int s = minscale > ARB_DSCALE ? minscale : ARB_DSCALE, rc = divdown(r, a, b, minscale);
	arb_dec x;
	if (s > ARB_DEC_MAXSCALE)
		s = ARB_DEC_MAXSCALE;
	if (rc != arb_dec_div(&x, a, b, s, ARB_RND_DOWN) || (rc == 0 && !same(x, *r)))
		abort();
	return rc;
}
static int
chk_floor(arb_dec *r, arb_dec a, arb_dec b)
{
	arb_dec x;
	int rc = ffloor_to(r, a, b);
	if (rc != arb_dec_floor_to(&x, a, b) || (rc == 0 && !same(x, *r)))
		abort();
	return rc;
}
int
arb_dleg_maxq(const struct arb_dleg *l, arb_dec a, int lots, arb_dec *q)
{
	struct arb_dleg w = *l;
	arb_dec q2;
	int r1 = maxq_impl(l, a, lots, q), r2;
	w.pre = NULL;
	r2 = maxq_impl(&w, a, lots, &q2);
	if (r1 != r2 || (r1 == 0 && !same(*q, q2)))
		abort();
	return r1;
}
#endif

int
arb_dchain_eval(const struct arb_dchain *c, arb_dec q1, int lots, struct arb_dresult *r)
{
	int i, rc;
	arb_dec a;

	/* (each leg's fill sets all of its f; those after a leg that gets
	 * nothing are not read) */
	r->in = r->out = r->profit = ZERO;
	r->k = r->kopt = 0;
	r->optimal = 0;
	memset(&r->f[0], 0, sizeof(r->f[0]));
	if (fsign(q1) <= 0)
		return 1;
	rc = arb_dleg_fill(&c->leg[0], q1, &r->f[0]);
	if (rc != 0)
		return rc;
	a = r->f[0].out;
	for (i = 1; i < c->n; i++) {
		arb_dec q;
		if (arb_dleg_maxq(&c->leg[i], a, lots, &q) < 0)
			return -1;
		if (fsign(q) <= 0)
			return 1;
		rc = arb_dleg_fill(&c->leg[i], q, &r->f[i]);
		if (rc != 0)
			return rc < 0 ? -1 : 1;
		a = r->f[i].out;
	}
	r->in = r->f[0].in;
	r->out = a;
	if (fsub(&r->profit, r->out, r->in) < 0)
		return -1;
	r->profit = ftrim(r->profit);
	return 0;
}

/* a * b, dropping digits beyond the maximum scale in the direction rnd
 * (only reached with absurd scales; exact otherwise). */
static int
mulr(arb_dec *r, arb_dec a, arb_dec b, enum arb_round rnd)
{
	a = ftrim(a);
	b = ftrim(b);
	while (a.s + b.s > ARB_DEC_MAXSCALE - 4) {
		if (a.s >= b.s) {
			if (arb_dec_rescale(&a, a, a.s - 1, rnd) < 0)
				return -1;
		} else if (arb_dec_rescale(&b, b, b.s - 1, rnd) < 0)
			return -1;
	}
	if (fmul(r, a, b) < 0)
		return -1;
	*r = ftrim(*r);
	return 0;
}

/* *m *= x (scale *s + xs) while the scale stays within ARB_DEC_MAXSCALE
 * - 4 and |*m| below 2^125; else -1. */
static int
tmul(__int128 *m, int *s, __int128 x, int xs)
{
	__int128 r;

	if (*s + xs > ARB_DEC_MAXSCALE - 4 || __builtin_mul_overflow(*m, x, &r) ||
	    r >= ((__int128)1 << 125) || r <= -((__int128)1 << 125))
		return -1;
	*m = r;
	*s += xs;
	return 0;
}

/* arb_dchain_top's products when no factor needs rounding: then mulr
 * multiplies exactly (its trims change no value) and the answer is that
 * of the exact products, compared here as integers.  0 with *res, or -1
 * when the decimal way must be taken (also for a side with no level). */
static int
top_fast(const struct arb_dchain *c, int with_fees, int *res)
{
	__int128 nm = 1, dm = 1, p10s;
	int ns = 0, ds = 0, i;

	for (i = 0; i < c->n; i++) {
		const struct arb_dleg *l = &c->leg[i];
		arb_dec f = with_fees ? l->fee : ZERO, p;
		__int128 up, down;
		if (l->n == 0)
			return -1;
		p = l->lv[0].px;
		if (f.s < 0 || f.s > 18 || p.s < 0 || p.s > 18 || !fits64(f.m) || !fits64(p.m))
			return -1;
		/* 1 + f and 1 - f at f's scale */
		up = P64[f.s] + f.m;
		down = P64[f.s] - f.m;
		if (l->buy) {
			/* quote: 1/(p(1+f)); base: (1-f)/p */
			if ((l->fee_base && tmul(&nm, &ns, down, f.s) < 0) || tmul(&dm, &ds, p.m, p.s) < 0 ||
			    (!l->fee_base && tmul(&dm, &ds, up, f.s) < 0))
				return -1;
		} else {
			/* quote: p(1-f); base: p/(1+f) */
			if (tmul(&nm, &ns, p.m, p.s) < 0 || (!l->fee_base && tmul(&nm, &ns, down, f.s) < 0) ||
			    (l->fee_base && tmul(&dm, &ds, up, f.s) < 0))
				return -1;
		}
	}
	/* num > den, at one scale */
	if (ns < ds) {
		p10s = p10(ds - ns);
		if (tmul(&nm, &ns, p10s, 0) < 0)
			return -1;
	} else if (ds < ns) {
		p10s = p10(ns - ds);
		if (tmul(&dm, &ds, p10s, 0) < 0)
			return -1;
	}
	*res = nm > dm;
	return 0;
}

static int top_dec(const struct arb_dchain *, int);

int
arb_dchain_top(const struct arb_dchain *c, int with_fees)
{
	int r;

	if (top_fast(c, with_fees, &r) < 0)
		return top_dec(c, with_fees);
#ifdef ARB_DPRE_CHECK
	if (top_dec(c, with_fees) != r)
		abort();
#endif
	return r;
}

/* The same in decimals, each product trimmed and rounded to stay within
 * the scale (mulr). */
static int
top_dec(const struct arb_dchain *c, int with_fees)
{
	arb_dec num = ONE, den = ONE;
	int i;

	for (i = 0; i < c->n; i++) {
		const struct arb_dleg *l = &c->leg[i];
		arb_dec f = with_fees ? l->fee : ZERO, up, down, p;
		if (l->n == 0)
			return 0;
		p = l->lv[0].px;
		if (fadd(&up, ONE, f) < 0 || fsub(&down, ONE, f) < 0)
			return -1;
		/* rate = num/den of one unit spent at the best level */
		if (l->buy) {
			/* quote: 1/(p(1+f)); base: (1-f)/p */
			if (mulr(&num, num, l->fee_base ? down : ONE, ARB_RND_FLOOR) < 0 ||
			    mulr(&den, den, p, ARB_RND_CEIL) < 0 ||
			    mulr(&den, den, l->fee_base ? ONE : up, ARB_RND_CEIL) < 0)
				return -1;
		} else {
			/* quote: p(1-f); base: p/(1+f) */
			if (mulr(&num, num, p, ARB_RND_FLOOR) < 0 ||
			    mulr(&num, num, l->fee_base ? ONE : down, ARB_RND_FLOOR) < 0 ||
			    mulr(&den, den, l->fee_base ? up : ONE, ARB_RND_CEIL) < 0)
				return -1;
		}
	}
	return fcmp(num, den) > 0;
}

int
arb_dlcm(arb_dec *r, arb_dec a, arb_dec b)
{
	int s = a.s > b.s ? a.s : b.s;
	__int128 x, y, g, t;

	if (arb_dec_rescale(&a, a, s, ARB_RND_DOWN) < 0 || arb_dec_rescale(&b, b, s, ARB_RND_DOWN) < 0)
		return -1;
	x = a.m;
	y = b.m;
	if (x <= 0 || y <= 0)
		return -1;
	g = x;
	t = y;
	while (t != 0) {
		__int128 u = g % t;
		g = t;
		t = u;
	}
	x /= g;
	if (x > ((__int128)1 << 100) / y)
		return -1;
	r->m = x * y;
	r->s = s;
	*r = ftrim(*r);
	return 0;
}

static int
within(const struct arb_dchain *c, const struct arb_dresult *r, int *balance)
{
	int i;

	if (c->has_cap_in && fcmp(r->in, c->cap_in) > 0) {
		*balance = 0;
		return 0;
	}
	for (i = 0; i < c->n; i++)
		if (c->has_cap_leg[i] && fcmp(r->f[i].in, c->cap_leg[i]) > 0) {
			*balance = 1;
			return 0;
		}
	return 1;
}

/* Is a leg of r below its minimum quantity or notional? */
static int
below_min(const struct arb_dchain *c, const struct arb_dresult *r)
{
	int i;

	for (i = 0; i < c->n; i++)
		if ((c->has_min_qty[i] && fcmp(r->f[i].qty, c->min_qty[i]) < 0) ||
		    (c->has_min_notional[i] && fcmp(r->f[i].notional, c->min_notional[i]) < 0))
			return 1;
	return 0;
}

static int
gridq(arb_dec *q, arb_dec grid, int64_t k)
{
	return fmul(q, grid, arb_dec_make(k, 0));
}

/* The last few chain evaluations of one sizing: the searches come back
 * to the same grid points (a step's ends, the cap, the candidates). */
#define DMEMO 48
struct arb_dmemo {
	int n, next;
	int64_t key[DMEMO];   /* 2k + lots (k <= 2^60); each at most once */
	int rc[DMEMO];
	struct arb_dresult r[DMEMO];
};

/* arb_dchain_eval at k grid steps, remembered (c->memo is set): the
 * result is left in the memo, *rp pointing at it until the next
 * evaluation that is not remembered (a result is a kilobyte: the callers
 * that read one or two of its amounts copy none).  rc as
 * arb_dchain_eval's. */
static int
cevalp(const struct arb_dchain *c, arb_dec grid, int64_t k, int lots,
    const struct arb_dresult **rp)
{
	struct arb_dmemo *m = c->memo;
	arb_dec q;
	int i, rc;
	int64_t key = 2 * k + (lots != 0);   /* |k| <= 2^60 */

	for (i = 0; i < m->n; i++)
		if (m->key[i] == key) {
			*rp = &m->r[i];
			return m->rc[i];
		}
	if (gridq(&q, grid, k) < 0)
		return -1;
	i = m->n < DMEMO ? m->n : m->next;
#ifdef ARB_DSIZE_STATS
	sst.ev[sphase]++;
#endif
	if ((rc = arb_dchain_eval(c, q, lots, &m->r[i])) < 0) {
		/* (what the slot held is gone; keys are >= 0) */
		m->key[i] = -1;
		return -1;
	}
	if (m->n < DMEMO)
		m->n++;
	m->next = (i + 1) % DMEMO;
	m->key[i] = key;
	m->rc[i] = rc;
	*rp = &m->r[i];
	return rc;
}

/* The same, the result copied into *r. */
static int
ceval(const struct arb_dchain *c, arb_dec grid, int64_t k, int lots, struct arb_dresult *r)
{
	const struct arb_dresult *p;
	int rc = cevalp(c, grid, k, lots, &p);

	if (rc >= 0)
		*r = *p;
	return rc;
}

/*
 * A chain in integers, when every side has at most DPRE_MAX levels.
 * Within one level a leg's amounts are linear in its quantity q: up to
 * the level's start cq[j] it spends ci[j] and receives co[j], and each
 * unit beyond costs ri[j] and brings ro[j] (ri is px(1+f), px, 1 or 1+f
 * as the leg buys or sells and where its fee is taken; ro is 1, 1-f,
 * px(1-f) or px).  The quantity a later leg takes for an amount a is the
 * largest whose spending is within a: cq[j] + (a - ci[j]) / ri[j] in the
 * level j where a runs out (the whole side when it does not), floored to
 * the lot (the exact chain) or truncated to 18 digits (the continuous
 * one): arb_dleg_maxq truncates its quotient to 18 digits or more and
 * adds it to a sum of at most 18 digits, and flooring that to a lot of at
 * most 18 digits floors the exact amount.  Every amount is then an
 * integer at a scale fixed per leg: the values arb_dchain_eval gives, to
 * the last digit (-DARB_DPRE_CHECK compares every one with it), for a few
 * hundred instructions instead of a few thousand.  Built only when no
 * scale of either form passes ARB_DEC_MAXSCALE and every amount up to the
 * books' totals stays below 2^120, so that neither form can overflow.
 */
#define LIN_S 18
#define LIN_LIM ((__int128)1 << 120)
#define LIN_MEMO 64
struct lin_leg {
	int n, flat;   /* levels; flat: ri the same in every level (a sell) */
	/* before level j: quantity, spent, received (0 and the side's
	 * totals at j = n); within it, per unit of quantity */
	__int128 cq[DPRE_MAX + 1], ci[DPRE_MAX + 1], co[DPRE_MAX + 1];
	__int128 ri[DPRE_MAX], ro[DPRE_MAX];
	/* a later leg's quantity from the previous leg's amount a (A = a *
	 * am): the first j with cia[j + 1] > A (n when none), then
	 * cq[j] + (A - cia[j]) * xm / xd[j], or cq[n]; in lots of ld */
	__int128 am, xm, ld, cia[DPRE_MAX + 1], xd[DPRE_MAX];
	__int128 xdl;   /* xd[0] * ld (0: too large): lots in one division */
};
struct arb_dlin {
	int n;
	int inrep;              /* in comes at arb_dchain_eval's scale sin */
	int64_t kq;             /* the largest k the first side holds */
	__int128 g;             /* first leg: quantity k * g */
	int sin;                /* in's scale */
	__int128 om, im;        /* out * om and in * im: at the profit's scale */
	int sp;                 /* the profit's scale */
	struct lin_leg l[ARB_DLEGS_MAX];
	/* the last evaluations, by 2k + mode modulo LIN_MEMO: the searches
	 * come back to the same points (a run's ends, the candidates) */
	struct {
		int64_t key;
		int rc;
		__int128 in, out, p;
	} memo[LIN_MEMO];
};

/* *r = a * b when |a * b| < LIN_LIM (a, b >= 0); else -1. */
static int
lmul(__int128 *r, __int128 a, __int128 b)
{
	if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, r) || *r >= LIN_LIM)
		return -1;
	return 0;
}

/* *r = a + b, the same way. */
static int
ladd(__int128 *r, __int128 a, __int128 b)
{
	if (a < 0 || b < 0 || a >= LIN_LIM || b >= LIN_LIM || a + b >= LIN_LIM)
		return -1;
	*r = a + b;
	return 0;
}

/* 10^e, 0 <= e <= 36, or -1. */
static int
lp10(__int128 *r, int e)
{
	static __int128 pw[ARB_DEC_MAXSCALE + 1];
	int i;

	if (e < 0 || e > ARB_DEC_MAXSCALE)
		return -1;
	if (pw[0] == 0)
		for (i = 0; i <= ARB_DEC_MAXSCALE; i++)
			pw[i] = p10(i);
	*r = pw[e];
	return 0;
}

/* x (x.s <= s) as an integer at scale s, or -1. */
static int
lat(__int128 *r, arb_dec x, int s)
{
	__int128 p;

	if (x.s < 0 || x.s > s || x.m < 0 || lp10(&p, s - x.s) < 0)
		return -1;
	return lmul(r, x.m, p);
}

/* xm, xd with floor(A * xm / xd) = floor(A / 10^sa / (d / 10^sd) * 10^t). */
static int
lin_div(__int128 *xm, __int128 *xd, int sa, __int128 d, int sd, int t)
{
	int e = sd + t - sa;
	__int128 p;

	if (d <= 0)
		return -1;
	if (e >= 0) {
		*xd = d;
		return lp10(xm, e);
	}
	*xm = 1;
	return lp10(&p, -e) < 0 || lmul(xd, d, p) < 0 ? -1 : 0;
}

/* 1 when the integer form holds chain c (z made), else 0.  kq: the
 * largest k with k * grid within the first side. */
static int
lin_build(const struct arb_dchain *c, arb_dec grid, int64_t kq, struct arb_dlin *z)
{
	__int128 amax = 0, t = 0;
	int sa = 0, i, j;

	if (grid.m <= 0 || grid.s < 0 || grid.s > LIN_S || kq < 1 || kq >= ((int64_t)1 << 60))
		return 0;
	z->n = c->n;
	z->kq = kq;
	for (i = 0; i < c->n; i++) {
		const struct arb_dleg *l = &c->leg[i];
		struct lin_leg *y = &z->l[i];
		arb_dec f = l->fee, L = l->lot, onef, omf;
		int qs, ps = 0, rs, os, is;

		if (l->n < 1 || l->n > DPRE_MAX || l->pre == NULL || !l->pre->ok || L.m <= 0 ||
		    L.s < 0 || L.s > LIN_S || f.s < 0 || f.s > LIN_S ||
		    arb_dec_add(&onef, ONE, f) < 0 || arb_dec_sub(&omf, ONE, f) < 0 || onef.m <= 0 ||
		    omf.m <= 0 || onef.s != f.s || omf.s != f.s)
			return 0;
		/* the quantity's scale: the grid's for a first leg of one
		 * level (arb_dchain_eval's in), else 18 */
		qs = i == 0 && l->n == 1 ? grid.s : LIN_S;
		for (j = 0; j < (int)l->n; j++) {
			const struct arb_level *v = &l->lv[j];
			if (v->px.m <= 0 || v->px.s < 0 || v->px.s > LIN_S || v->qty.m <= 0 ||
			    v->qty.s < 0 || v->qty.s > LIN_S)
				return 0;
			ps = maxi(ps, v->px.s);
		}
		/* the decimal chain's largest scale: a quantity's, px's, f's */
		if (maxi(qs, LIN_S) + ps + f.s > ARB_DEC_MAXSCALE)
			return 0;
		y->n = l->n;
		y->flat = !l->buy;
		/* ri and ro at scales rs and os: px(1+f) and 1, px and 1-f,
		 * 1 and px(1-f), 1+f and px */
		rs = l->buy ? ps + (l->fee_base ? 0 : f.s) : (l->fee_base ? f.s : 0);
		os = l->buy ? (l->fee_base ? f.s : 0) : ps + (l->fee_base ? 0 : f.s);
		if (i == 0) {
			/* the first leg takes k grid steps */
			if (lp10(&t, qs - grid.s) < 0 || lmul(&z->g, grid.m, t) < 0 ||
			    lmul(&t, (__int128)kq, z->g) < 0)
				return 0;
		}
		y->cq[0] = y->ci[0] = y->co[0] = 0;
		for (j = 0; j < (int)l->n; j++) {
			const struct arb_level *v = &l->lv[j];
			__int128 px, q;
			/* (a first side of one level: what the largest k takes,
			 * at the grid's scale, for the bounds) */
			if (lat(&px, v->px, ps) < 0 ||
			    (i == 0 && l->n == 1 ? (q = t, 0) : lat(&q, v->qty, qs)) < 0)
				return 0;
			if (l->buy) {
				if (l->fee_base ? (y->ri[j] = px, 0) : lmul(&y->ri[j], px, onef.m))
					return 0;
				if (l->fee_base ? lmul(&y->ro[j], 1, omf.m) : (y->ro[j] = 1, 0))
					return 0;
			} else {
				y->ri[j] = l->fee_base ? onef.m : 1;
				if (l->fee_base ? (y->ro[j] = px, 0) : lmul(&y->ro[j], px, omf.m))
					return 0;
			}
			if (ladd(&y->cq[j + 1], y->cq[j], q) < 0 || lmul(&t, q, y->ri[j]) < 0 ||
			    ladd(&y->ci[j + 1], y->ci[j], t) < 0 || lmul(&t, q, y->ro[j]) < 0 ||
			    ladd(&y->co[j + 1], y->co[j], t) < 0)
				return 0;
		}
		is = qs + rs;
		if (i == 0) {
			z->inrep = l->n == 1;
			z->sin = is;
			amax = y->co[l->n];
			sa = qs + os;
			continue;
		}
		/* from the previous leg's amount (at scale sa, at most amax) */
		{
			int m = maxi(sa, is);
			if (lp10(&y->am, m - sa) < 0 || lp10(&t, m - is) < 0)
				return 0;
			for (j = 0; j <= (int)l->n; j++)
				if (lmul(&y->cia[j], y->ci[j], t) < 0)
					return 0;
			for (j = 0; j < (int)l->n; j++)
				if (lin_div(&y->xm, &y->xd[j], m, y->ri[j], rs, LIN_S) < 0)
					return 0;
			if (lmul(&t, amax, y->am) < 0 || lmul(&t, t, y->xm) < 0 ||
			    lat(&y->ld, L, LIN_S) < 0)
				return 0;
			if (lmul(&y->xdl, y->xd[0], y->ld) < 0)
				y->xdl = 0;
		}
		amax = y->co[l->n];
		sa = qs + os;
	}
	for (j = 0; j < LIN_MEMO; j++)
		z->memo[j].key = -1;
	z->sp = maxi(sa, z->sin);
	if (lp10(&z->om, z->sp - sa) < 0 || lp10(&z->im, z->sp - z->sin) < 0 ||
	    lmul(&t, amax, z->om) < 0 || lmul(&t, z->l[0].ci[c->leg[0].n], z->im) < 0)
		return 0;
	return 1;
}

/* The first j < n with v[j + 1] > x (>= x when !strict), or n. */
static inline int
lin_find(const __int128 *v, int n, __int128 x, int strict)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (strict ? v[mid + 1] > x : v[mid + 1] >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The chain at k in mode md (0 continuous, 1 exact): rc as
 * arb_dchain_eval's (never -1), *in what the first leg spends (0 when
 * it cannot take k) at scale z->sin, and when rc is 0 *p the profit and
 * *out what the last leg receives, at scale z->sp. */
static int
lin_calc(const struct arb_dlin *z, int64_t k, int md, __int128 *in, __int128 *out, __int128 *p)
{
	const struct lin_leg *y = &z->l[0];
	__int128 q, a, d;
	int i, j;

	*in = *out = *p = 0;
	if (k < 1 || k > z->kq)
		return 1;
	q = (__int128)k * z->g;
	j = y->n == 1 ? 0 : lin_find(y->cq, y->n, q, 0);
	d = q - y->cq[j];
	*in = y->ci[j] + d * y->ri[j];
	a = y->co[j] + d * y->ro[j];
	for (i = 1; i < z->n; i++) {
		__int128 x;
		y = &z->l[i];
		x = a * y->am;
		/* the level where the amount runs out */
		j = y->flat ? (x >= y->cia[y->n] ? y->n : 0) : lin_find(y->cia, y->n, x, 1);
		if (j == y->n) {
			q = y->cq[j];
			if (md)
				q -= q % y->ld;
		} else if (j == 0 && md && y->xdl) {
			/* (cq[0] = cia[0] = 0: floor(floor(u / v) / w) is
			 * floor(u / (v w))) */
			q = x * y->xm / y->xdl * y->ld;
		} else {
			q = y->cq[j] + (x - y->cia[j]) * y->xm / y->xd[j];
			if (md)
				q -= q % y->ld;
		}
		if (q <= 0)
			return 1;
		j = y->n == 1 ? 0 : lin_find(y->cq, y->n, q, 0);
		a = y->co[j] + (q - y->cq[j]) * y->ro[j];
	}
	*out = a * z->om;
	*p = *out - *in * z->im;
	return 0;
}

/* lin_calc, remembered. */
static int
lin_eval(struct arb_dlin *z, int64_t k, int md, __int128 *in, __int128 *out, __int128 *p)
{
	int64_t key = 2 * k + md;   /* (k <= 2^60) */
	int i = (int)(key & (LIN_MEMO - 1));

	if (z->memo[i].key != key) {
		SCOUNT(lin);
		z->memo[i].key = key;
		z->memo[i].rc = lin_calc(z, k, md, &z->memo[i].in, &z->memo[i].out, &z->memo[i].p);
	}
	*in = z->memo[i].in;
	*out = z->memo[i].out;
	*p = z->memo[i].p;
	return z->memo[i].rc;
}

static int pcont_dec(const struct arb_dchain *, arb_dec, int64_t, arb_dec *);

static int
pcont(const struct arb_dchain *c, arb_dec grid, int64_t k, arb_dec *p)
{
	struct arb_dlin *z = c->lin;
	__int128 in, out, pr;

	if (k == 0 || z == NULL)
		return pcont_dec(c, grid, k, p);
	/* what arb_dchain_eval gives, at the same scale (see dguess) */
	if (lin_eval(z, k, 0, &in, &out, &pr) != 0) {
		/* (the first leg's in at another scale than the decimal
		 * chain's when its side has several levels: rare enough) */
		if (!z->inrep && in != 0)
			return pcont_dec(c, grid, k, p);
		p->m = -in;
		p->s = in != 0 ? z->sin : 0;
	} else {
		p->m = pr;
		p->s = z->sp;
		*p = ftrim(*p);
	}
#ifdef ARB_DPRE_CHECK
	{
		arb_dec w;
		if (pcont_dec(c, grid, k, &w) != 0 || w.m != p->m || w.s != p->s)
			abort();
	}
#endif
	return 0;
}

static int
pcont_dec(const struct arb_dchain *c, arb_dec grid, int64_t k, arb_dec *p)
{
	const struct arb_dresult *r;
	int rc;

	if (k == 0) {
		*p = ZERO;
		return 0;
	}
	rc = cevalp(c, grid, k, 0, &r);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		/* a leg gets nothing: spending without return */
		*p = arb_dec_neg(r->f[0].in);
		return 0;
	}
	*p = r->profit;
	return 0;
}

/* A decimal as a double, roughly: only to guess where to look. */
static double
dguess(arb_dec v)
{
	static const double p[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18 };
	double m = (double)v.m;
	int s = v.s;

	while (s > 18) {
		m /= 1e18;
		s -= 18;
	}
	return s >= 0 ? m / p[s] : m;
}

/* Does step k add continuous profit (D(k) = Pc(k) - Pc(k-1) > 0)?  1, 0,
 * or -1 on overflow; *pk and *dk: Pc(k) and D(k) as doubles, for guesses. */
static int
dstepv(const struct arb_dchain *c, arb_dec grid, int64_t k, double *pk, double *dk)
{
	arb_dec a, b, d;

	if (pcont(c, grid, k, &a) < 0 || pcont(c, grid, k - 1, &b) < 0 || fsub(&d, a, b) < 0)
		return -1;
	*pk = dguess(a);
	*dk = dguess(d);
	return fsign(d) > 0;
}

/* The exact chain at k: rc as arb_dchain_eval's, and its profit and
 * what its last leg receives (0 when rc is not 0; the values only: the
 * scales may differ from arb_dchain_eval's). */
static int
xeval(const struct arb_dchain *c, arb_dec grid, int64_t k, arb_dec *profit, arb_dec *out)
{
	const struct arb_dresult *r;
	int rc;

	*out = *profit = ZERO;
	if (c->lin) {
		struct arb_dlin *z = c->lin;
		__int128 in, o, pr;
		if ((rc = lin_eval(z, k, 1, &in, &o, &pr)) == 0) {
			profit->m = pr;
			out->m = o;
			profit->s = out->s = z->sp;
		}
#ifdef ARB_DPRE_CHECK
		{
			int rc2 = cevalp(c, grid, k, 1, &r);
			if (rc2 != rc || (rc == 0 && (fcmp(r->profit, *profit) != 0 || fcmp(r->out, *out) != 0)))
				abort();
		}
#endif
		return rc;
	}
	if ((rc = cevalp(c, grid, k, 1, &r)) < 0)
		return -1;
	if (rc == 0) {
		*profit = r->profit;
		*out = r->out;
	}
	return rc;
}

/* What the exact chain's last leg receives at k (0 when infeasible). */
static int
xout(const struct arb_dchain *c, arb_dec grid, int64_t k, arb_dec *out)
{
	arb_dec p;

	*out = ZERO;
	if (k <= 0)
		return 0;
	return xeval(c, grid, k, &p, out) < 0 ? -1 : 0;
}

/* Is the exact output at x past t (> t when strict, else >= t)?  1, 0,
 * or -1 on overflow. */
static int
xpast(const struct arb_dchain *c, arb_dec grid, int64_t x, arb_dec t, int strict)
{
	arb_dec o;
	int r;

	if (xout(c, grid, x, &o) < 0)
		return -1;
	r = fcmp(o, t);
	return strict ? r > 0 : r >= 0;
}

/*
 * Narrows (*lo, *hi] to the first k whose exact output is past t (see
 * xpast), given that the output at *lo is not (or *lo is 0) and the
 * output at *hi is.  The output is nondecreasing in k, so any probe in
 * between keeps that and the same k comes out whatever the order of the
 * probes: first g and g - 1, where a guess puts the change (when g is
 * inside), then a gallop from *hi leftward (left) or from *lo rightward,
 * as the change is usually near that end, then bisection.  0 or -1.
 */
static int
xfirst(const struct arb_dchain *c, arb_dec grid, arb_dec t, int strict, int64_t g, int left,
    int64_t *lo, int64_t *hi)
{
	int64_t step, x;
	int p;

	if (g > *lo && g < *hi) {
		for (x = g; x >= g - 1 && x > *lo; x--) {
			if ((p = xpast(c, grid, x, t, strict)) < 0)
				return -1;
			if (!p) {
				*lo = x;
				break;
			}
			*hi = x;
		}
	}
	for (step = 1; *hi - *lo > 1; step *= 2) {
		x = left ? *hi - step : *lo + step;
		if (x <= *lo || x >= *hi)
			break;
		if ((p = xpast(c, grid, x, t, strict)) < 0)
			return -1;
		if (p)
			*hi = x;
		else
			*lo = x;
		if (left ? !p : p)
			break;
	}
	while (*hi - *lo > 1) {
		int64_t mid = *lo + (*hi - *lo) / 2;
		if ((p = xpast(c, grid, mid, t, strict)) < 0)
			return -1;
		if (p)
			*hi = mid;
		else
			*lo = mid;
	}
	return 0;
}

/* The smallest k' <= k whose exact output is the same as k's.  len > 0:
 * the length of a neighbouring run, a guess of this one's (only speed
 * depends on it). */
static int
step_left(const struct arb_dchain *c, arb_dec grid, int64_t k, int64_t len, int64_t *left)
{
	arb_dec want;
	int64_t lo = 0, hi = k;   /* out(lo) < want (or lo = 0), out(hi) >= want */

	if (xout(c, grid, k, &want) < 0)
		return -1;
	if (fsign(want) <= 0) {
		*left = k;
		return 0;
	}
	/* the guess: where the run would start */
	if (xfirst(c, grid, want, 0, len > 1 ? hi - (len - 1) : 0, 1, &lo, &hi) < 0)
		return -1;
#ifdef ARB_DPRE_CHECK
	{
		/* the same k' as without the guess, or abort */
		int64_t w;
		if (len > 1 && (step_left(c, grid, k, 0, &w) < 0 || w != hi))
			abort();
	}
#endif
	*left = hi;
	return 0;
}

/* The smallest k' in (k, kc] whose exact output exceeds k's: 1, or 0
 * when there is none.  len: a guess of the run's length, as in
 * step_left. */
static int
step_next(const struct arb_dchain *c, arb_dec grid, int64_t k, int64_t kc, int64_t len, int64_t *next)
{
	arb_dec base, o;
	int64_t lo = k, hi = kc;  /* out(lo) <= base, out(hi) > base */

	if (k >= kc)
		return 0;
	if (xout(c, grid, k, &base) < 0 || xout(c, grid, kc, &o) < 0)
		return -1;
	if (fcmp(o, base) <= 0)
		return 0;
	/* the guess: where the next run would start */
	if (xfirst(c, grid, base, 1, len > 1 ? lo + len : 0, 0, &lo, &hi) < 0)
		return -1;
#ifdef ARB_DPRE_CHECK
	{
		int64_t w;
		if (len > 1 && (step_next(c, grid, k, kc, 0, &w) != 1 || w != hi))
			abort();
	}
#endif
	*next = hi;
	return 1;
}

/*
 * Narrows [*x0, *x1] (x0 < x1) to two adjacent points, where the test
 * Pc(k) > t has the value in0 at x0, the other at x1 and changes once in
 * between (Pc is monotone there).  Any probe strictly inside keeps that,
 * so the ends found are those of a bisection; the probes are where the
 * chord through the ends meets t (Pc is nearly piecewise linear) when
 * both ends' values are known (v0, v1: Pc as doubles, when h0, h1), with
 * a bisection after a probe that did not halve the interval.  0 or -1.
 */
static int
narrow(const struct arb_dchain *c, arb_dec grid, arb_dec t, int in0, int64_t *x0, int64_t *x1,
    int h0, double v0, int h1, double v1)
{
	double tg = dguess(t);
	int interp = 1;
#ifdef ARB_DPRE_CHECK
	/* the same ends as a plain bisection, or abort */
	int64_t b0 = *x0, b1 = *x1;
	while (b1 - b0 > 1) {
		int64_t mid = b0 + (b1 - b0) / 2;
		arb_dec p;
		if (pcont(c, grid, mid, &p) < 0)
			return -1;
		if ((fcmp(p, t) > 0) == in0)
			b0 = mid;
		else
			b1 = mid;
	}
#endif

	while (*x1 - *x0 > 1) {
		int64_t mid = *x0 + (*x1 - *x0) / 2, was = *x1 - *x0;
		arb_dec p;
		if (interp && h0 && h1 && v1 != v0) {
			double x = (double)*x0 + (tg - v0) / (v1 - v0) * (double)(*x1 - *x0);
			if (x > (double)*x0 && x < (double)*x1) {
				mid = (int64_t)x;
				if (mid <= *x0)
					mid = *x0 + 1;
				if (mid >= *x1)
					mid = *x1 - 1;
			}
		}
		if (pcont(c, grid, mid, &p) < 0)
			return -1;
		if ((fcmp(p, t) > 0) == in0) {
			*x0 = mid;
			v0 = dguess(p);
			h0 = 1;
		} else {
			*x1 = mid;
			v1 = dguess(p);
			h1 = 1;
		}
		interp = !interp || 2 * (*x1 - *x0) <= was;
	}
#ifdef ARB_DPRE_CHECK
	if (*x0 != b0 || *x1 != b1)
		abort();
#endif
	return 0;
}

/*
 * Walks the exact chain from k = from to `to`: what the last leg
 * receives is nondecreasing in k and what the first spends strictly
 * increasing, so within a run of k with the same output the profit falls
 * and only the run's first k (or from) can be the best (ties: the
 * smaller k).  So it goes from run to run, galloping over long runs,
 * and keeps what beats *best in best->profit and best->k (the rest of
 * the result is made at the end of the sizing).  Past lo (the continuous optimum)
 * the continuous profit, a bound of the exact one, only falls: once it
 * is below the best found, no later k can beat or tie it and the walk
 * stops.  0, or -1 on overflow.
 */
static int
walk(const struct arb_dchain *c, arb_dec grid, int64_t from, int64_t to, int64_t lo,
    struct arb_dresult *best, int *found)
{
	arb_dec r, rx, rh, o, ox, oh, pk;
	int rc, rcx, rch;
	int64_t k = from, lo2, hi2, x, step, run = 0;

	if ((rc = xeval(c, grid, k, &r, &o)) < 0)
		return -1;
	for (;;) {
		if (rc == 0 && fsign(r) > 0 &&
		    (!*found || fcmp(r, best->profit) > 0 ||
		    (fcmp(r, best->profit) == 0 && k < best->k))) {
			best->profit = r;
			best->k = k;
			*found = 1;
		}
		/* the first k' in (k, to] with more output: out(lo2) <= o,
		 * out(hi2) > o.  First where it would be if this run were as
		 * long as the last (and the k before); any probe in between
		 * keeps that (out is nondecreasing), so the same k' comes out. */
		lo2 = k;
		hi2 = -1;
		if (run > 1 && k + run <= to) {
			x = k + run;
			if ((rcx = xeval(c, grid, x, &rx, &ox)) < 0)
				return -1;
			if (fcmp(ox, o) > 0) {
				hi2 = x;
				rh = rx;
				rch = rcx;
				oh = ox;
				if ((rcx = xeval(c, grid, x - 1, &rx, &ox)) < 0)
					return -1;
				if (fcmp(ox, o) > 0) {
					hi2 = x - 1;
					rh = rx;
					rch = rcx;
					oh = ox;
				} else
					lo2 = x - 1;
			} else
				lo2 = x;
		}
		if (hi2 < 0) {
			int64_t base = lo2;
			for (step = 1;; step *= 2) {
				x = base + step;
				if (x > to)
					break;
				if ((rcx = xeval(c, grid, x, &rx, &ox)) < 0)
					return -1;
				if (fcmp(ox, o) > 0) {
					hi2 = x;
					break;
				}
				lo2 = x;
			}
			if (hi2 < 0) {
				if (lo2 >= to)
					break;
				if ((rcx = xeval(c, grid, to, &rx, &ox)) < 0)
					return -1;
				if (fcmp(ox, o) <= 0)
					break;
				hi2 = to;
			}
			rh = rx;
			rch = rcx;
			oh = ox;
		}
		while (hi2 - lo2 > 1) {
			int64_t mid = lo2 + (hi2 - lo2) / 2;
			if ((rcx = xeval(c, grid, mid, &rx, &ox)) < 0)
				return -1;
			if (fcmp(ox, o) > 0) {
				hi2 = mid;
				rh = rx;
				rch = rcx;
				oh = ox;
			} else
				lo2 = mid;
		}
#ifdef ARB_DPRE_CHECK
		{
			/* hi2 is the first k' with more output, or abort */
			arb_dec o1;
			if (xout(c, grid, hi2 - 1, &o1) < 0 || fcmp(o1, o) > 0 || fcmp(oh, o) <= 0 ||
			    hi2 > to)
				abort();
		}
#endif
		run = hi2 - k;
		k = hi2;
		r = rh;
		rc = rch;
		o = oh;
		if (*found && k > lo) {
			if (pcont(c, grid, k, &pk) < 0)
				return -1;
			if (fcmp(pk, best->profit) < 0)
				break;
		}
	}
	return 0;
}

/*
 * The minimums (min_qty, min_notional) are a least size: every leg's
 * quantity and notional only grow with k.  When the best size *best is
 * below one of them, the best size at or above the least k that meets
 * them all, kmin, replaces it: beyond the continuous optimum kopt the
 * bound only falls, so walk (from kmin, stopping where the bound falls
 * below the best found) is exact, and no k past the last where the bound
 * is above 0 can be profitable.  When none is profitable, *best stays,
 * for the caller to refuse at the minimums.  0, or -1 on overflow.
 */
static int
fit_min(const struct arb_dchain *c, arb_dec grid, int64_t kc, int64_t kopt,
    struct arb_dresult *best)
{
	struct arb_dresult r, nb;
	arb_dec p;
	int64_t lo, hi, kmin, top;
	int rc, found = 0, cut;

	if (!below_min(c, best))
		return 0;
	if ((rc = ceval(c, grid, kc, 1, &r)) < 0)
		return -1;
	if (rc != 0 || below_min(c, &r))
		return 0;
	/* kmin: below at lo, met at hi */
	lo = best->k;
	hi = kc;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if ((rc = ceval(c, grid, mid, 1, &r)) < 0)
			return -1;
		if (rc == 0 && !below_min(c, &r))
			hi = mid;
		else
			lo = mid;
	}
	kmin = hi;
	/* the last k in [top, kc] whose bound is above 0 */
	top = kopt > kmin ? kopt : kmin;
	if (pcont(c, grid, top, &p) < 0)
		return -1;
	if (fsign(p) <= 0)
		return 0;
	lo = top;
	hi = kc + 1;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (pcont(c, grid, mid, &p) < 0)
			return -1;
		if (fsign(p) > 0)
			lo = mid;
		else
			hi = mid;
	}
	/* at most ARB_DSCAN_MAX grid points, as the search above walks: on
	 * a fine grid far from the minimums' edge the bound can stay above
	 * the best found for millions of them; past the first ARB_DSCAN_MAX
	 * a better size can then be missed (optimal 0), never a worse one
	 * taken */
	cut = lo - kmin + 1 > ARB_DSCAN_MAX;
	if (cut)
		lo = kmin + ARB_DSCAN_MAX - 1;
	if (walk(c, grid, kmin, lo, top, &nb, &found) < 0)
		return -1;
	if (!found)
		return 0;
	if (ceval(c, grid, nb.k, 1, &r) != 0)
		return -1;
	r.k = nb.k;
	r.kopt = best->kopt;
	r.optimal = !cut;
	*best = r;
	return 0;
}

int
arb_dchain_size(const struct arb_dchain *c0, arb_dec grid, struct arb_dresult *best, enum arb_dwhy *why)
{
	arb_dec total, kd;
	int64_t kmax, kc, lo, hi, k;
	int found = 0, balance = 0, j;
	int64_t kopt;
	struct arb_dresult r;
	/* a copy that carries each leg's book total (the sells' maxq) */
	struct arb_dchain cc = *c0;
	const struct arb_dchain *c = &cc;
	struct arb_dmemo memo;
	struct arb_dpre pre[ARB_DLEGS_MAX];
	struct arb_dlin lin;
	int64_t kleft = 0;   /* the first k of the run at the continuous optimum */

	*why = ARB_DW_ERROR;
	best->optimal = 0;
	SCOUNT(calls);
	SPHASE(SP_CAPS);
	memo.n = memo.next = 0;
	cc.memo = &memo;
	cc.lin = NULL;   /* (made below when the chain allows) */
	if (fsign(grid) <= 0)
		return 0;
	for (j = 0; j < cc.n; j++) {
		if (depth(&cc.leg[j], &cc.leg[j].total) < 0)
			return 0;
		cc.leg[j].has_total = 1;
	}
	total = cc.leg[0].total;
	if (arb_dec_div(&kd, total, grid, 0, ARB_RND_DOWN) < 0)
		return 0;
	if (kd.m > ((__int128)1 << 60))
		kd.m = (__int128)1 << 60;
	kmax = (int64_t)kd.m;
	if (kmax <= 0) {
		*why = ARB_DW_LOT;
		return 0;
	}

	/* The caps only grow with the size: the largest k within them. */
	kc = kmax;
	if (c->has_cap_in || c->n > 0) {
		int rc, any = c->has_cap_in, i;
		for (i = 0; i < c->n; i++)
			any |= c->has_cap_leg[i];
		if (any) {
			if ((rc = ceval(c, grid, kmax, 1, &r)) < 0)
				return 0;
			if (rc == 0 && !within(c, &r, &balance)) {
				lo = 0;
				hi = kmax;  /* hi is outside the caps */
				while (hi - lo > 1) {
					int64_t mid = lo + (hi - lo) / 2;
					int b2;
					if ((rc = ceval(c, grid, mid, 1, &r)) < 0)
						return 0;
					if (rc != 0 || within(c, &r, &b2))
						lo = mid;
					else {
						hi = mid;
						balance = b2;
					}
				}
				kc = lo;
			}
		}
	}
	if (kc <= 0) {
		*why = balance ? ARB_DW_BALANCE : ARB_DW_NOTIONAL;
		return 0;
	}
	/* The minimums at the largest size: below them there, below them
	 * at every size (see has_min). */
	if (c->has_min) {
		int rc = ceval(c, grid, kc, 1, &r);
		if (rc < 0)
			return 0;
		if (rc != 0 || below_min(c, &r)) {
			*why = ARB_DW_MIN;
			return 0;
		}
	}

	/* The running sums for the search (made here: a candidate refused
	 * at the minimums above, the usual case, needs none; the evaluations
	 * before gave the same results without them), for a side of one
	 * level too: a buy's maxq then takes the unit price with the fee
	 * made once, not at every evaluation. */
	SCOUNT(full);
	SPHASE(SP_OPT);
	for (j = 0; j < cc.n; j++) {
		pre_build(&cc.leg[j], &pre[j]);
		cc.leg[j].pre = &pre[j];
	}
	/* every side of one level: the searches below in integers */
	if (lin_build(c, grid, kmax, &lin)) {
		cc.lin = &lin;
		SCOUNT(linsz);
	}
	/* The continuous profit is concave in k: find the last step that
	 * still adds profit.  lo: D(lo) > 0 (or lo = 0), hi: D(hi) <= 0. */
	lo = 0;
	hi = kc + 1;
	{
		/* What was seen at lo and at hi (Pc and D, roughly), for the
		 * guesses below; hl, hh: seen. */
		double pl = 0, dl = 0, ph = 0, dh = 0, pk, dk;
		int hl = 0, hh = 0, interp = 1;

		if (c->hint >= 1 && c->hint <= kc) {
			/* Start from the caller's guess (the last optimum) and
			 * gallop toward the change of sign: D is nonincreasing,
			 * so the same lo comes out, with fewer evaluations when
			 * it moved little. */
			int64_t step, x = c->hint;
			int rc = dstepv(c, grid, x, &pk, &dk);
			if (rc < 0)
				return 0;
			if (rc) {
				lo = x;
				pl = pk, dl = dk, hl = 1;
				for (step = 1;; step *= 2) {
					x = lo + step;
					if (x >= hi)
						break;
					if ((rc = dstepv(c, grid, x, &pk, &dk)) < 0)
						return 0;
					if (!rc) {
						hi = x;
						ph = pk, dh = dk, hh = 1;
						break;
					}
					lo = x;
					pl = pk, dl = dk;
				}
			} else {
				hi = x;
				ph = pk, dh = dk, hh = 1;
				for (step = 1;; step *= 2) {
					x = hi - step;
					if (x <= 0)
						break;
					if ((rc = dstepv(c, grid, x, &pk, &dk)) < 0)
						return 0;
					if (rc) {
						lo = x;
						pl = pk, dl = dk, hl = 1;
						break;
					}
					hi = x;
					ph = pk, dh = dk;
				}
			}
		}
		/* Bisection, or where the lines of slope D through lo and hi
		 * meet: Pc is concave and piecewise nearly linear, so that is
		 * often the change of sign itself.  Any probe in (lo, hi)
		 * keeps the answer (D is nonincreasing); a guess that did not
		 * halve the interval is followed by a bisection. */
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2, was = hi - lo;
			int rc;
			if (interp && hl && hh && dl > dh) {
				double x = (ph - pl + dl * (double)lo - dh * (double)hi) / (dl - dh);
				if (x > (double)lo && x < (double)hi) {
					mid = (int64_t)x;
					if (mid <= lo)
						mid = lo + 1;
					if (mid >= hi)
						mid = hi - 1;
				}
			}
			if ((rc = dstepv(c, grid, mid, &pk, &dk)) < 0)
				return 0;
			if (rc) {
				lo = mid;
				pl = pk, dl = dk, hl = 1;
			} else {
				hi = mid;
				ph = pk, dh = dk, hh = 1;
			}
			interp = !interp || 2 * (hi - lo) <= was;
		}
	}
	kopt = lo;

	if (c->exact && lo >= 1) {
		int rc;
		if ((rc = ceval(c, grid, lo, 1, best)) < 0)
			return 0;
		if (rc == 0 && fsign(best->profit) > 0) {
			best->k = lo;
			best->optimal = 1;
			best->kopt = lo;
			if (fit_min(c, grid, kc, kopt, best) < 0)
				return 0;
			SCOUNT(exact);
			*why = ARB_DW_NONE;
			return 1;
		}
	}

	/* The exact chain (every leg on its lot grid) near that point.  What
	 * the last leg receives is a step function of k (lot rounding in the
	 * later legs); the best size within a step is its left end, where the
	 * first leg spends least.  Try the step at the continuous optimum and
	 * two steps on either side. */
	{
		int64_t cand[5];
		int nc = 0, i;
		SPHASE(SP_CAND);
		if (lo < 1) {
			*why = ARB_DW_LOT;
			return 0;
		}
		k = lo;
		if (step_left(c, grid, k, 0, &k) < 0)
			return 0;
		cand[nc++] = kleft = k;
		{
			/* run: the length of the last run found (at first, of
			 * the part of the run at lo up to lo), each search's
			 * guess of the next */
			int64_t x = k, run = lo - k + 1, prev;
			for (i = 0; i < ARB_DSTEPS && x > 1; i++) {
				prev = x;
				if (step_left(c, grid, x - 1, run, &x) < 0)
					return 0;
				cand[nc++] = x;
				run = prev - x;
			}
			x = k;
			for (i = 0; i < ARB_DSTEPS; i++) {
				int64_t y;
				int rc2 = step_next(c, grid, x, kc, run, &y);
				if (rc2 < 0)
					return 0;
				if (rc2 == 0)
					break;
				run = y - x;
				cand[nc++] = x = y;
			}
		}
		for (i = 0; i < nc; i++) {
			int rc;
			k = cand[i];
			if (k < 1 || k > kc)
				continue;
			arb_dec pr, o;
			if ((rc = xeval(c, grid, k, &pr, &o)) < 0)
				return 0;
			if (rc != 0 || fsign(pr) <= 0)
				continue;
			if (!found || fcmp(pr, best->profit) > 0 ||
			    (fcmp(pr, best->profit) == 0 && k < best->k)) {
				best->profit = pr;
				best->k = k;
				found = 1;
			}
		}
	}
	/* Bound: the exact profit never exceeds the continuous one, which is
	 * concave, so only the k where the continuous profit beats the best
	 * found so far can do better.  When that interval is short, try
	 * every k in it: the result is then the optimum on the grid. */
	{
		arb_dec t = found ? best->profit : ZERO, p;
		SPHASE(SP_BOUND);
		int64_t a, b, l2, h2;
		/* a: first k in [1, lo] with Pc(k) > t */
		l2 = 0;
		h2 = lo;
		if (pcont(c, grid, lo, &p) < 0)
			return 0;
		if (fcmp(p, t) > 0) {
			int64_t step, h = (ARB_DSCAN_MAX + 1) / 2;
			arb_dec p1, p2;
			double vlo, vl, vh;
			int hh;
			/* more than ARB_DSCAN_MAX points beat t when the two at h
			 * steps on either side of lo do (concave): nothing to scan */
			if (lo - h >= 1 && lo + h <= kc) {
				if (pcont(c, grid, lo - h, &p1) < 0 || pcont(c, grid, lo + h, &p2) < 0)
					return 0;
				if (fcmp(p1, t) > 0 && fcmp(p2, t) > 0)
					goto scanned;
			}
			/* {k: Pc(k) > t} is an interval around lo (Pc is
			 * concave) and usually short: gallop out from lo
			 * before bisecting */
			/* (Pc(0) = 0; Pc at lo, and at each probe, as doubles
			 * for narrow's guesses) */
			vlo = vh = dguess(p);
			vl = 0;
			for (step = 1;; step *= 2) {
				int64_t x = h2 - step;
				if (x <= 0)
					break;
				if (pcont(c, grid, x, &p) < 0)
					return 0;
				if (fcmp(p, t) <= 0) {
					l2 = x;
					vl = dguess(p);
					break;
				}
				h2 = x;
				vh = dguess(p);
			}
			if (narrow(c, grid, t, 0, &l2, &h2, 1, vl, 1, vh) < 0)
				return 0;
			a = h2;
			/* b: last k in [lo, kc] with Pc(k) > t (kc + 1: not
			 * evaluated) */
			l2 = lo;
			h2 = kc + 1;
			vl = vlo;
			vh = 0;
			hh = 0;
			for (step = 1;; step *= 2) {
				int64_t x = l2 + step;
				if (x >= h2)
					break;
				if (pcont(c, grid, x, &p) < 0)
					return 0;
				if (fcmp(p, t) <= 0) {
					h2 = x;
					vh = dguess(p);
					hh = 1;
					break;
				}
				l2 = x;
				vl = dguess(p);
			}
			if (narrow(c, grid, t, 1, &l2, &h2, 1, vl, hh, vh) < 0)
				return 0;
			b = l2;
			if (b - a + 1 <= ARB_DSCAN_MAX) {
				/* Every k in [a, b], in effect (see walk): first
				 * from the run at the continuous optimum rightward,
				 * where the best usually is, then from a to there,
				 * skipping the k whose bound is below the best found
				 * by then (the bound rises up to lo). */
				int64_t s0 = kleft > a ? kleft : a, a2 = a;
				SPHASE(SP_WALK);
				if (walk(c, grid, s0, b, lo, best, &found) < 0)
					return 0;
				if (s0 > a && found) {
					/* a2: the first k in [a, s0] whose bound reaches
					 * the best (a tie needs the bound's value too) */
					int64_t l3 = a - 1, h3 = s0;
					while (h3 - l3 > 1) {
						int64_t mid = l3 + (h3 - l3) / 2;
						if (pcont(c, grid, mid, &p) < 0)
							return 0;
						if (fcmp(p, best->profit) >= 0)
							h3 = mid;
						else
							l3 = mid;
					}
					a2 = h3;
				}
				if (a2 < s0 && walk(c, grid, a2, s0 - 1, lo, best, &found) < 0)
					return 0;
				if (found)
					best->optimal = 1;
			}
		} else if (found)
			best->optimal = 1;
	}
scanned:
#ifdef ARB_DSIZE_STATS
	if (found && best->optimal)
		sst.opt++;
	else
		sst.nonopt++;
#endif
	if (!found) {
		*why = ARB_DW_LOT;
		best->kopt = kopt;
		return 0;
	}
	{
		/* the searches kept the best's k and profit: its result */
		int opt = best->optimal;
		k = best->k;
		if (ceval(c, grid, k, 1, &r) != 0)
			return 0;
#ifdef ARB_DPRE_CHECK
		if (fcmp(r.profit, best->profit) != 0)
			abort();
#endif
		*best = r;
		best->k = k;
		best->optimal = opt;
	}
	best->kopt = kopt;
	if (fit_min(c, grid, kc, kopt, best) < 0) {
		*why = ARB_DW_ERROR;
		return 0;
	}
	*why = ARB_DW_NONE;
	return 1;
}
