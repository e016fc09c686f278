/*
 * fuzz-dec.c: libFuzzer target for the decimal parser and arithmetic.
 *
 * The input is one number, or two separated by a space.  Every accepted
 * number must format and parse back to the same value and scale; with two
 * numbers, every operation runs and its result is checked against
 * identities that hold for exact arithmetic.  Any mismatch aborts.
 *
 *   clang -fsanitize=fuzzer,address,undefined -I lib -I <config.h dir> \
 *       tests/fuzz/fuzz-dec.c lib/dec.c -o fuzz-dec && ./fuzz-dec -max_total_time=60
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* fmt output: -?digits(.digits)? with exactly d.s fraction digits, no
 * "-0", and a parse that gives back d exactly. */
static void
check_fmt(arb_dec d)
{
	char buf[ARB_DEC_STRMAX + 8];
	size_t n, i = 0, frac = 0;
	const char *why;
	arb_dec e;

	memset(buf, 'X', sizeof buf);
	n = arb_dec_fmt(d, buf);
	CHECK(n > 0 && n < ARB_DEC_STRMAX && buf[n] == '\0' && strlen(buf) == n);
	if (buf[0] == '-') {
		CHECK(d.m < 0);
		i++;
	}
	CHECK(buf[i] >= '0' && buf[i] <= '9');
	CHECK(!(buf[i] == '0' && buf[i + 1] >= '0' && buf[i + 1] <= '9'));
	for (; i < n && buf[i] != '.'; i++)
		CHECK(buf[i] >= '0' && buf[i] <= '9');
	if (i < n)
		for (i++; i < n; i++, frac++)
			CHECK(buf[i] >= '0' && buf[i] <= '9');
	CHECK(frac == (size_t)d.s);
	CHECK(arb_dec_parse(&e, buf, n, &why) == 0 && e.m == d.m && e.s == d.s);
}

static void
check_ops(arb_dec a, arb_dec b)
{
	arb_dec r, r2, t, q[4];
	int rc, rc2, c, m, scale;

	c = arb_dec_cmp(a, b);
	CHECK(c >= -1 && c <= 1 && arb_dec_cmp(b, a) == -c);
	CHECK(arb_dec_cmp(arb_dec_trim(a), a) == 0);
	CHECK(arb_dec_cmp(arb_dec_min(a, b), arb_dec_max(a, b)) <= 0);
	CHECK(arb_dec_sign(a) == arb_dec_cmp(a, arb_dec_make(0, 0)));
	CHECK(arb_dec_cmp(arb_dec_neg(arb_dec_neg(a)), a) == 0);

	/* add and sub are inverse; sub is add of the negation */
	rc = arb_dec_add(&r, a, b);
	if (rc == 0) {
		check_fmt(r);
		rc2 = arb_dec_sub(&t, r, b);
		CHECK(rc2 == 0 && arb_dec_cmp(t, a) == 0);
		CHECK(arb_dec_add(&t, b, a) == 0 && arb_dec_cmp(t, r) == 0);
	}
	rc2 = arb_dec_sub(&r2, a, arb_dec_neg(b));
	CHECK(rc == rc2 && (rc < 0 || (arb_dec_cmp(r, r2) == 0 && r.s == r2.s)));
	if (arb_dec_sub(&r, a, b) == 0) {
		check_fmt(r);
		CHECK(arb_dec_sign(r) == c);
	}

	/* mul commutes; dividing back gives the operand */
	rc = arb_dec_mul(&r, a, b);
	rc2 = arb_dec_mul(&r2, b, a);
	CHECK(rc == rc2 && (rc < 0 || (r.m == r2.m && r.s == r2.s)));
	if (rc == 0) {
		check_fmt(r);
		if (b.m != 0 && arb_dec_div(&t, r, b, a.s, ARB_RND_DOWN) == 0)
			CHECK(arb_dec_cmp(t, a) == 0);
	}

	/* div: the four modes bracket the exact quotient within one unit */
	scale = (int)((unsigned)(a.m ^ b.m) % (ARB_DEC_MAXSCALE + 1));
	for (m = 0; m < 4; m++) {
		rc = arb_dec_div(&q[m], a, b, scale, (enum arb_round)m);
		if (b.m == 0)
			CHECK(rc == -1);
		if (rc < 0)
			return;
		check_fmt(q[m]);
		CHECK(q[m].s == scale);
	}
	CHECK(q[ARB_RND_FLOOR].m <= q[ARB_RND_CEIL].m && q[ARB_RND_CEIL].m - q[ARB_RND_FLOOR].m <= 1);
	CHECK(q[ARB_RND_HALF_EVEN].m == q[ARB_RND_FLOOR].m || q[ARB_RND_HALF_EVEN].m == q[ARB_RND_CEIL].m);
	CHECK(q[ARB_RND_DOWN].m == (arb_dec_sign(q[ARB_RND_CEIL]) <= 0 ? q[ARB_RND_CEIL].m : q[ARB_RND_FLOOR].m) ||
	    q[ARB_RND_FLOOR].m == q[ARB_RND_CEIL].m);

	/* rescale a to that scale agrees with a / 1 */
	for (m = 0; m < 4; m++) {
		rc = arb_dec_rescale(&r, a, scale, (enum arb_round)m);
		rc2 = arb_dec_div(&r2, a, arb_dec_make(1, 0), scale, (enum arb_round)m);
		CHECK(rc == rc2 && (rc < 0 || (r.m == r2.m && r.s == r2.s)));
	}

	/* tick rounding to |b| */
	if (b.m != 0) {
		arb_dec st = arb_dec_abs(b), f, ce;
		int s = a.s > b.s ? a.s : b.s;

		rc = arb_dec_floor_to(&f, a, st);
		rc2 = arb_dec_ceil_to(&ce, a, st);
		if (rc == 0) {
			CHECK(f.s == s && arb_dec_cmp(f, a) <= 0 && arb_dec_is_multiple(f, st));
			check_fmt(f);
		}
		if (rc2 == 0) {
			CHECK(ce.s == s && arb_dec_cmp(ce, a) >= 0 && arb_dec_is_multiple(ce, st));
			check_fmt(ce);
		}
		if (rc == 0 && rc2 == 0) {
			CHECK(arb_dec_sub(&t, ce, f) == 0);
			CHECK(arb_dec_cmp(t, st) == 0 || arb_dec_is_zero(t));
			CHECK(arb_dec_is_zero(t) == arb_dec_is_multiple(a, st));
		}
		if (arb_dec_bps(&r, a, b) == 0) {
			CHECK(r.s == 2);
			check_fmt(r);
		}
	}
}

#define I128_MAX ((__int128)(~(unsigned __int128)0 >> 1))
#define E19 ((__int128)10000000000000000000ULL)

static const arb_dec edge[] = {
	{I128_MAX, 0}, {-I128_MAX, 0}, {I128_MAX, 36}, {-I128_MAX, 17},
	{E19 * E19 / 10, 0}, {-(E19 * E19 / 10 + 7), 3}, {7, 1}, {-13, 1},
	{1, 36}, {-1, 18}, {0, 36}, {1, 0}, {E19, 19},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *sp, *why = NULL;
	arb_dec a, b;

	if (arb_dec_parse(&a, s, size, &why) == 0) {
		size_t i;

		CHECK(a.s >= 0 && a.s <= ARB_DEC_MAXSCALE);
		check_fmt(a);
		check_ops(a, a);
		/* against values at the edges, so that the 256-bit slow
		 * paths run without a corpus that reaches them */
		for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
			check_ops(a, edge[i]);
			check_ops(edge[i], a);
		}
	} else
		CHECK(why != NULL && *why != '\0');
	sp = memchr(s, ' ', size);
	if (sp && arb_dec_parse(&a, s, (size_t)(sp - s), &why) == 0 &&
	    arb_dec_parse(&b, sp + 1, size - (size_t)(sp - s) - 1, &why) == 0) {
		check_ops(a, b);
		check_ops(b, a);
	}
	return 0;
}
