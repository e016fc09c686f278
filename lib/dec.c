/*
 * dec.c: exact decimal numbers (see dec.h).
 *
 * A value is m * 10^-s with a signed 128-bit coefficient.  Results never
 * hold INT128_MIN, so negating any result is safe; operations still accept
 * it on input.  The hot paths are arb_dec_parse and arb_dec_fmt: both work
 * in 64-bit arithmetic while the digits fit and only then fall back to
 * 128 bits.  Division and the rare operations whose intermediate values do
 * not fit 128 bits use a small 256-bit helper, so they stay exact.
 *
 * Result scales: add and sub give the larger scale of the operands, mul
 * the sum of the scales.  When the exact result does not fit there (the
 * coefficient overflows, or mul's scale exceeds ARB_DEC_MAXSCALE) but
 * trailing fraction zeros can be dropped until it does, the result comes
 * at the largest scale that holds it; -1 means no scale can hold the exact
 * value.  div and rescale give exactly the scale asked for; floor_to and
 * ceil_to exactly the larger scale (-1 when the result does not fit it).
 * Invalid scales (outside 0..ARB_DEC_MAXSCALE) make the int-returning
 * functions return -1; arb_dec_fmt and arb_dec_cmp abort on them, as
 * such a value can only come from a bug in the caller.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dec.h"
#include "util.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

#define I128_MAX ((i128)(~(u128)0 >> 1))
#define U128_MAX (~(u128)0)

/* Significant digits parse accepts: 38 always fit the coefficient, 39
 * when at most INT128_MAX (as arb_dec_fmt may write them). */
#define SIGMAX 39

#define E19 10000000000000000000ULL
static const u128 p10[39] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, E19,
	(u128)E19 * 10ULL, (u128)E19 * 100ULL, (u128)E19 * 1000ULL,
	(u128)E19 * 10000ULL, (u128)E19 * 100000ULL, (u128)E19 * 1000000ULL,
	(u128)E19 * 10000000ULL, (u128)E19 * 100000000ULL,
	(u128)E19 * 1000000000ULL, (u128)E19 * 10000000000ULL,
	(u128)E19 * 100000000000ULL, (u128)E19 * 1000000000000ULL,
	(u128)E19 * 10000000000000ULL, (u128)E19 * 100000000000000ULL,
	(u128)E19 * 1000000000000000ULL, (u128)E19 * 10000000000000000ULL,
	(u128)E19 * 100000000000000000ULL, (u128)E19 * 1000000000000000000ULL,
	(u128)E19 * E19,
};

static inline int
scale_ok(int s)
{
	return s >= 0 && s <= ARB_DEC_MAXSCALE;
}

/* |m| as unsigned; defined for INT128_MIN too. */
static inline u128
uabs(i128 m)
{
	return m < 0 ? (u128)0 - (u128)m : (u128)m;
}

/* Stores sign * u in *r when it fits the symmetric range. */
static inline int
from_mag(i128 *r, u128 u, int neg)
{
	if (u > (u128)I128_MAX)
		return -1;
	*r = neg ? -(i128)u : (i128)u;
	return 0;
}

/* m * 10^k without overflow (k >= 0), staying within +-INT128_MAX. */
static inline int
mul_pow10(i128 *r, i128 m, int k)
{
	i128 t;

	if (m == 0) {
		*r = 0;
		return 0;
	}
	if (k > 38 || __builtin_mul_overflow(m, (i128)p10[k], &t) || t == -I128_MAX - 1)
		return -1;
	*r = t;
	return 0;
}

/* ---- 256-bit helper for the slow paths ------------------------------- */

typedef struct {
	u128 hi, lo;
} u256;

static inline int
u256_cmp(u256 a, u256 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static inline u256
u256_sub(u256 a, u256 b)
{
	u256 r;

	r.lo = a.lo - b.lo;
	r.hi = a.hi - b.hi - (a.lo < b.lo);
	return r;
}

static inline u256
u256_shl1(u256 a)
{
	u256 r;

	r.hi = a.hi << 1 | a.lo >> 127;
	r.lo = a.lo << 1;
	return r;
}

/* a * m for m < 2^64; -1 when the product needs more than 256 bits. */
static int
u256_mul64(u256 *r, u256 a, uint64_t m)
{
	u128 l0 = (u128)(uint64_t)a.lo * m;
	u128 l1 = (a.lo >> 64) * m + (l0 >> 64);
	u128 h0 = (u128)(uint64_t)a.hi * m + (l1 >> 64);
	u128 h1 = (a.hi >> 64) * m + (h0 >> 64);

	if (h1 >> 64)
		return -1;
	r->lo = (l1 << 64) | (uint64_t)l0;
	r->hi = (h1 << 64) | (uint64_t)h0;
	return 0;
}

/* a * 10^k; -1 when the product needs more than 256 bits. */
static int
u256_mul_pow10(u256 *r, u256 a, int k)
{
	while (k > 0) {
		int step = k > 19 ? 19 : k;

		if (u256_mul64(&a, a, (uint64_t)p10[step]) < 0)
			return -1;
		k -= step;
	}
	*r = a;
	return 0;
}

static inline int
bitlen128(u128 x)
{
	uint64_t h = (uint64_t)(x >> 64);

	if (h)
		return 128 - __builtin_clzll(h);
	return (uint64_t)x ? 64 - __builtin_clzll((uint64_t)x) : 0;
}

static inline int
u256_bitlen(u256 a)
{
	return a.hi ? 128 + bitlen128(a.hi) : bitlen128(a.lo);
}

/* q = n / d, rem = n % d, d != 0.  Shift-subtract: only on slow paths. */
static void
u256_divmod(u256 n, u256 d, u256 *q, u256 *rem)
{
	u256 quo = {0, 0}, r = {0, 0};
	int i;

	if (n.hi == 0 && d.hi == 0) {
		q->hi = rem->hi = 0;
		q->lo = n.lo / d.lo;
		rem->lo = n.lo % d.lo;
		return;
	}
	for (i = u256_bitlen(n) - 1; i >= 0; i--) {
		u128 bit = i >= 128 ? (n.hi >> (i - 128)) & 1 : (n.lo >> i) & 1;

		r = u256_shl1(r);
		r.lo |= bit;
		quo = u256_shl1(quo);
		if (u256_cmp(r, d) >= 0) {
			r = u256_sub(r, d);
			quo.lo |= 1;
		}
	}
	*q = quo;
	*rem = r;
}

/* a * b, both < 2^128: always fits 256 bits. */
static u256
u256_mul128(u128 a, u128 b)
{
	u128 al = (uint64_t)a, ah = a >> 64, bl = (uint64_t)b, bh = b >> 64;
	u128 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u128 mid = (ll >> 64) + (uint64_t)lh + (uint64_t)hl;
	u256 r;

	r.lo = (mid << 64) | (uint64_t)ll;
	r.hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
	return r;
}

static u256
u256_add(u256 a, u256 b)
{
	u256 r;

	r.lo = a.lo + b.lo;
	r.hi = a.hi + b.hi + (r.lo < a.lo);
	return r;
}

/* a /= d (d < 2^64), returns the remainder. */
static uint64_t
u256_divsmall(u256 *a, uint64_t d)
{
	uint64_t l[4] = {(uint64_t)(a->hi >> 64), (uint64_t)a->hi, (uint64_t)(a->lo >> 64), (uint64_t)a->lo};
	u128 rem = 0;
	int i;

	for (i = 0; i < 4; i++) {
		u128 cur = rem << 64 | l[i];

		l[i] = (uint64_t)(cur / d);
		rem = cur % d;
	}
	a->hi = (u128)l[0] << 64 | l[1];
	a->lo = (u128)l[2] << 64 | l[3];
	return (uint64_t)rem;
}

/*
 * Stores the exact value z * 10^-s (sign neg) in *r, dropping trailing
 * fraction zeros only as far as needed to fit the coefficient range and
 * the maximum scale; -1 when the value cannot be represented.
 */
static int
fit_wide(arb_dec *r, u256 z, int neg, int s)
{
	while (z.hi != 0 || z.lo > (u128)I128_MAX || s > ARB_DEC_MAXSCALE) {
		u256 t = z;

		if (s == 0 || u256_divsmall(&t, 10) != 0)
			return -1;
		z = t;
		s--;
	}
	r->m = neg ? -(i128)z.lo : (i128)z.lo;
	r->s = s;
	return 0;
}

/* ---- parsing and formatting ------------------------------------------ */

static inline int
isdig(unsigned char c)
{
	return (unsigned)(c - '0') <= 9;
}

int
arb_dec_parse(arb_dec *d, const char *str, size_t n, const char **why)
{
	const unsigned char *p = (const unsigned char *)str, *e = p + n;
	const char *err;
	uint64_t lo = 0;
	u128 m;
	int neg = 0, sig = 0, frac = 0, infrac = 0, exp = 0, scale;
	unsigned c;

	if (n == 0) {
		err = "empty number";
		goto bad;
	}
	if (n > 65536) {	/* keeps the digit counts below in range */
		err = "number too long";
		goto bad;
	}
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (p == e || !isdig(*p)) {
		err = "expected a digit";
		goto bad;
	}
	/*
	 * Integer part and fraction in 64 bits while at most 19 significant
	 * digits have been seen.  Leading zeros leave lo at 0 and so do not
	 * count as significant.
	 */
	while (p < e) {
		if ((c = *p - '0') <= 9) {
			if (sig >= 19)
				break;
			lo = lo * 10 + c;
			sig += lo != 0;
			frac += infrac;
			p++;
		} else if (*p == '.' && !infrac) {
			infrac = 1;
			if (++p == e || !isdig(*p)) {
				err = "expected a digit after '.'";
				goto bad;
			}
		} else
			break;
	}
	m = lo;
	/* A long coefficient: the rest in 128 bits.  Here sig >= 19, so
	 * every digit is significant. */
	while (p < e) {
		if ((c = *p - '0') <= 9) {
			if (++sig >= SIGMAX) {
				/* the 39th digit may still fit */
				if (sig > SIGMAX) {
					err = "too many significant digits";
					goto bad;
				}
				if (__builtin_mul_overflow(m, 10, &m) || __builtin_add_overflow(m, c, &m) ||
				    m > (u128)I128_MAX) {
					err = "number out of range";
					goto bad;
				}
			} else
				m = m * 10 + c;
			frac += infrac;
			p++;
		} else if (*p == '.' && !infrac) {
			infrac = 1;
			if (++p == e || !isdig(*p)) {
				err = "expected a digit after '.'";
				goto bad;
			}
		} else
			break;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		int eneg = 0;

		if (++p < e && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		if (p == e || !isdig(*p)) {
			err = "expected a digit in the exponent";
			goto bad;
		}
		while (p < e && (c = *p - '0') <= 9) {
			if (exp < 100000)
				exp = exp * 10 + (int)c;
			p++;
		}
		if (eneg)
			exp = -exp;
	}
	if (p != e) {
		err = "unexpected character in number";
		goto bad;
	}
	scale = frac - exp;
	if (scale > ARB_DEC_MAXSCALE) {
		err = "too many fraction digits";
		goto bad;
	}
	if (scale < 0) {
		if (m != 0 && (-scale > 38 || __builtin_mul_overflow(m, p10[-scale], &m) ||
		    m > (u128)I128_MAX)) {
			err = "number out of range";
			goto bad;
		}
		scale = 0;
	}
	d->m = neg ? -(i128)m : (i128)m;
	d->s = scale;
	return 0;
bad:
	if (why)
		*why = err;
	return -1;
}

/* Writes v backwards ending at q, returns the new start. */
static inline char *
put_u64(char *q, uint64_t v)
{
	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;

		v /= 100;
		*--q = arb_digits2[i + 1];
		*--q = arb_digits2[i];
	}
	if (v >= 10) {
		*--q = arb_digits2[v * 2 + 1];
		*--q = arb_digits2[v * 2];
	} else
		*--q = (char)('0' + v);
	return q;
}

/* Exactly 19 digits of v < 10^19, zero padded, backwards ending at q. */
static inline char *
put_u64_19(char *q, uint64_t v)
{
	char *stop = q - 19;

	q = put_u64(q, v);
	while (q > stop)
		*--q = '0';
	return q;
}

size_t
arb_dec_fmt(arb_dec d, char *buf)
{
	char tmp[48], *end = tmp + sizeof tmp, *q;
	u128 u = uabs(d.m);
	size_t nd, nint;
	char *w = buf;
	int s = d.s;

	if (!scale_ok(s))
		abort();	/* not a value: a bug in the caller */
	if (u <= UINT64_MAX)
		q = put_u64(end, (uint64_t)u);
	else {
		/* u <= 2^127, so u / 10^19 < 1.8 * 10^19 fits 64 bits */
		q = put_u64_19(end, (uint64_t)(u % E19));
		q = put_u64(q, (uint64_t)(u / E19));
	}
	nd = (size_t)(end - q);
	while (nd < (size_t)s + 1) {
		*--q = '0';
		nd++;
	}
	if (d.m < 0)
		*w++ = '-';
	nint = nd - (size_t)s;
	memcpy(w, q, nint);
	w += nint;
	if (s > 0) {
		*w++ = '.';
		memcpy(w, q + nint, (size_t)s);
		w += s;
	}
	*w = '\0';
	return (size_t)(w - buf);
}

/* ---- arithmetic ------------------------------------------------------- */

arb_dec
arb_dec_make(int64_t m, int s)
{
	arb_dec d = { m, s };

	return d;
}

arb_dec
arb_dec_trim(arb_dec a)
{
	if (a.m == 0) {
		a.s = 0;
		return a;
	}
	while (a.s >= 4 && a.m % 10000 == 0) {
		a.m /= 10000;
		a.s -= 4;
	}
	while (a.s > 0 && a.m % 10 == 0) {
		a.m /= 10;
		a.s--;
	}
	return a;
}

/* Brings a and b to the larger scale; -1 when that overflows. */
static inline int
align(arb_dec *a, arb_dec *b)
{
	if (a->s < b->s) {
		if (mul_pow10(&a->m, a->m, b->s - a->s) < 0)
			return -1;
		a->s = b->s;
	} else if (b->s < a->s) {
		if (mul_pow10(&b->m, b->m, a->s - b->s) < 0)
			return -1;
		b->s = a->s;
	}
	return 0;
}

/*
 * a + b (or a - b) exactly in 256 bits at the larger scale: the slow
 * path for when scaling an operand up or the sum overflows 128 bits.
 */
static int
add_wide(arb_dec *r, arb_dec a, arb_dec b, int sub)
{
	u256 x = {0, uabs(a.m)}, y = {0, uabs(b.m)}, z;
	int nx = a.m < 0, ny = (b.m < 0) != sub, s = a.s > b.s ? a.s : b.s;

	/* Below 2^127 * 10^36 < 2^247: these cannot fail. */
	u256_mul_pow10(&x, x, s - a.s);
	u256_mul_pow10(&y, y, s - b.s);
	if (nx == ny)
		z = u256_add(x, y);
	else if (u256_cmp(x, y) >= 0)
		z = u256_sub(x, y);
	else {
		z = u256_sub(y, x);
		nx = ny;
	}
	return fit_wide(r, z, nx, s);
}

static int
addsub(arb_dec *r, arb_dec a, arb_dec b, int sub)
{
	arb_dec x = a, y = b;
	i128 t;

	if (!scale_ok(a.s) || !scale_ok(b.s))
		return -1;
	if (align(&x, &y) == 0 &&
	    !(sub ? __builtin_sub_overflow(x.m, y.m, &t) : __builtin_add_overflow(x.m, y.m, &t)) &&
	    t != -I128_MAX - 1) {
		r->m = t;
		r->s = x.s;
		return 0;
	}
	return add_wide(r, a, b, sub);
}

int
arb_dec_add(arb_dec *r, arb_dec a, arb_dec b)
{
	return addsub(r, a, b, 0);
}

int
arb_dec_sub(arb_dec *r, arb_dec a, arb_dec b)
{
	return addsub(r, a, b, 1);
}

int
arb_dec_mul(arb_dec *r, arb_dec a, arb_dec b)
{
	i128 t;

	if (!scale_ok(a.s) || !scale_ok(b.s))
		return -1;
	if (a.s + b.s <= ARB_DEC_MAXSCALE && !__builtin_mul_overflow(a.m, b.m, &t) &&
	    t != -I128_MAX - 1) {
		r->m = t;
		r->s = a.s + b.s;
		return 0;
	}
	/* Exact product in 256 bits, then without the trailing fraction
	 * zeros that keep it from fitting. */
	return fit_wide(r, u256_mul128(uabs(a.m), uabs(b.m)), (a.m < 0) != (b.m < 0), a.s + b.s);
}

/* Should the magnitude q with remainder rem (of divisor d, rem < d) go up
 * by one, for a result of the given sign? */
static inline int
round_up(enum arb_round rnd, int neg, u256 q, u256 rem, u256 d)
{
	int c;

	if (rem.hi == 0 && rem.lo == 0)
		return 0;
	switch (rnd) {
	case ARB_RND_DOWN:
		return 0;
	case ARB_RND_FLOOR:
		return neg;
	case ARB_RND_CEIL:
		return !neg;
	case ARB_RND_HALF_EVEN:
		/* rem < d < 2^255 here, so 2 * rem does not overflow. */
		c = u256_cmp(u256_shl1(rem), d);
		return c > 0 || (c == 0 && (q.lo & 1));
	}
	return 0;
}

/* a / b * 10^extra rounded to `scale` fraction digits. */
static int
divx(arb_dec *r, arb_dec a, arb_dec b, int scale, enum arb_round rnd, int extra)
{
	u256 n = {0, uabs(a.m)}, d = {0, uabs(b.m)}, q, rem;
	int neg = (a.m < 0) != (b.m < 0), e;

	if (b.m == 0 || !scale_ok(a.s) || !scale_ok(b.s) || !scale_ok(scale))
		return -1;
	/* q = |a.m| * 10^e / |b.m| */
	e = scale - a.s + b.s + extra;
	if (e >= 0) {
		/* When n does not fit 256 bits, the quotient is >= 2^128
		 * because d < 2^128: overflow either way. */
		if (e <= 38 && (n.lo == 0 || n.lo <= U128_MAX / p10[e])) {
			n.lo *= p10[e];
		} else if (u256_mul_pow10(&n, n, e) < 0)
			return -1;
	} else if (-e <= 38 && d.lo <= U128_MAX / p10[-e]) {
		d.lo *= p10[-e];
	} else if (u256_mul_pow10(&d, d, -e) < 0)
		return -1;	/* cannot happen: e >= -76 */
	if (n.hi == 0 && d.hi == 0) {
		q.hi = rem.hi = 0;
		q.lo = n.lo / d.lo;
		rem.lo = n.lo - q.lo * d.lo;
	} else
		u256_divmod(n, d, &q, &rem);
	if (q.hi != 0)
		return -1;
	if (round_up(rnd, neg, q, rem, d)) {
		if (++q.lo == 0)
			return -1;
	}
	if (from_mag(&r->m, q.lo, neg) < 0)
		return -1;
	r->s = scale;
	return 0;
}

int
arb_dec_div(arb_dec *r, arb_dec a, arb_dec b, int scale, enum arb_round rnd)
{
	return divx(r, a, b, scale, rnd, 0);
}

int
arb_dec_bps(arb_dec *r, arb_dec num, arb_dec den)
{
	return divx(r, num, den, 2, ARB_RND_DOWN, 4);
}

int
arb_dec_rescale(arb_dec *r, arb_dec a, int scale, enum arb_round rnd)
{
	i128 p, q, rem;

	if (!scale_ok(a.s) || !scale_ok(scale))
		return -1;
	if (scale >= a.s) {
		if (mul_pow10(&r->m, a.m, scale - a.s) < 0)
			return -1;
		r->s = scale;
		return 0;
	}
	p = (i128)p10[a.s - scale];
	q = a.m / p;
	rem = a.m % p;	/* same sign as a.m */
	if (rem != 0) {
		switch (rnd) {
		case ARB_RND_DOWN:
			break;
		case ARB_RND_FLOOR:
			q -= rem < 0;
			break;
		case ARB_RND_CEIL:
			q += rem > 0;
			break;
		case ARB_RND_HALF_EVEN: {
			u128 twice = uabs(rem) * 2, up = (u128)p;

			if (twice > up || (twice == up && (q & 1)))
				q += rem < 0 ? -1 : 1;
			break;
		}
		}
	}
	/* |q| <= |a.m| / 10 + 1: no overflow possible. */
	r->m = q;
	r->s = scale;
	return 0;
}

/* floor_to (ceil == 0) and ceil_to in 256 bits, for when a or the step
 * at the larger scale s overflows 128 bits. */
static int
round_to_wide(arb_dec *r, arb_dec a, arb_dec step, int ceil)
{
	u256 x = {0, uabs(a.m)}, st = {0, (u128)step.m}, q, rem, z;
	int s = a.s > step.s ? a.s : step.s, neg = a.m < 0;

	u256_mul_pow10(&x, x, s - a.s);	/* < 2^247: cannot fail */
	u256_mul_pow10(&st, st, s - step.s);
	u256_divmod(x, st, &q, &rem);
	/* |result| = |a| - rem toward zero, plus st away from zero */
	z = u256_sub(x, rem);
	if ((rem.hi | rem.lo) != 0 && ceil != neg)
		z = u256_add(z, st);
	if (z.hi != 0 || from_mag(&r->m, z.lo, neg) < 0)
		return -1;
	r->s = s;
	return 0;
}

static int
round_to(arb_dec *r, arb_dec a, arb_dec step, int ceil)
{
	arb_dec x = a, st = step;
	i128 q, rem, t;

	if (!scale_ok(a.s) || !scale_ok(step.s) || step.m <= 0)
		return -1;
	if (align(&x, &st) < 0)
		return round_to_wide(r, a, step, ceil);
	q = x.m / st.m;
	rem = x.m % st.m;
	if (rem != 0) {
		if (ceil && rem > 0)
			q++;
		else if (!ceil && rem < 0)
			q--;
	}
	if (__builtin_mul_overflow(q, st.m, &t) || t == -I128_MAX - 1)
		return -1;
	r->m = t;
	r->s = x.s;
	return 0;
}

int
arb_dec_floor_to(arb_dec *r, arb_dec a, arb_dec step)
{
	return round_to(r, a, step, 0);
}

int
arb_dec_ceil_to(arb_dec *r, arb_dec a, arb_dec step)
{
	return round_to(r, a, step, 1);
}

int
arb_dec_is_multiple(arb_dec a, arb_dec step)
{
	u256 n, d, q, rem;

	if (!scale_ok(a.s) || !scale_ok(step.s) || step.m <= 0)
		return 0;
	if (a.m == 0)
		return 1;
	if (a.s == step.s)
		return a.m % step.m == 0;
	/* Scaling up is exact in 256 bits: |m| < 2^127, 10^36 < 2^120. */
	n.hi = d.hi = 0;
	n.lo = uabs(a.m);
	d.lo = (u128)step.m;
	if (a.s < step.s)
		u256_mul_pow10(&n, n, step.s - a.s);
	else
		u256_mul_pow10(&d, d, a.s - step.s);
	u256_divmod(n, d, &q, &rem);
	return rem.hi == 0 && rem.lo == 0;
}

int
arb_dec_sign(arb_dec a)
{
	return (a.m > 0) - (a.m < 0);
}

int
arb_dec_cmp(arb_dec a, arb_dec b)
{
	int sa = arb_dec_sign(a), sb = arb_dec_sign(b);
	i128 t;

	if (!scale_ok(a.s) || !scale_ok(b.s))
		abort();	/* not a value: a bug in the caller */
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (a.s < b.s) {
		/* When a.m * 10^k overflows, |a| exceeds every
		 * coefficient at b's scale: a's sign decides. */
		if (__builtin_mul_overflow(a.m, (i128)p10[b.s - a.s], &t))
			return sa;
		a.m = t;
	} else if (b.s < a.s) {
		if (__builtin_mul_overflow(b.m, (i128)p10[a.s - b.s], &t))
			return -sb;
		b.m = t;
	}
	return (a.m > b.m) - (a.m < b.m);
}

arb_dec
arb_dec_neg(arb_dec a)
{
	/* INT128_MIN never comes out of this module; saturate rather
	 * than invoke undefined behaviour on a hand-made one. */
	a.m = a.m == -I128_MAX - 1 ? I128_MAX : -a.m;
	return a;
}

arb_dec
arb_dec_abs(arb_dec a)
{
	return a.m < 0 ? arb_dec_neg(a) : a;
}

arb_dec
arb_dec_min(arb_dec a, arb_dec b)
{
	return arb_dec_cmp(b, a) < 0 ? b : a;
}

arb_dec
arb_dec_max(arb_dec a, arb_dec b)
{
	return arb_dec_cmp(b, a) > 0 ? b : a;
}
