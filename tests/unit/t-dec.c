/*
 * t-dec.c: exact decimals: parsing and formatting, arithmetic, rounding,
 * overflow, a round trip of every number in the shared recordings, and a
 * randomized comparison against an independent decimal-string oracle.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dec.h"
#include "../tap.h"

#define I128_MAX ((__int128)(~(unsigned __int128)0 >> 1))
#define MAXSTR "170141183460469231731687303715884105727"

static char fbuf[8][ARB_DEC_STRMAX];
static int fslot;

/* Formats into one of a few rotating buffers. */
static const char *
F(arb_dec d)
{
	char *b = fbuf[fslot++ & 7];

	arb_dec_fmt(d, b);
	return b;
}

/* Parses text that must be valid. */
static arb_dec
P(const char *s)
{
	arb_dec d = {0, 0};
	const char *why = NULL;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0) {
		printf("# P(\"%s\") failed: %s\n", s, why);
		tap_fail++;
	}
	return d;
}

/* A value made by hand (for coefficients parse does not accept). */
static arb_dec
M(__int128 m, int s)
{
	arb_dec d;

	d.m = m;
	d.s = s;
	return d;
}

static const char *rnd_name[] = {"DOWN", "FLOOR", "CEIL", "HALF_EVEN"};

/* ---- explicit cases ---------------------------------------------------- */

static void
t_parse_fmt(void)
{
	static const struct {
		const char *in, *out;
		int s;
	} good[] = {
		{"0", "0", 0}, {"-0", "0", 0}, {"-0.00", "0.00", 2}, {"+0", "0", 0},
		{"0.10", "0.10", 2}, {"+5", "5", 0}, {"00.1", "0.1", 1}, {"007", "7", 0},
		{"1e-8", "0.00000001", 8}, {"1E-8", "0.00000001", 8},
		{"9e10", "90000000000", 0}, {"90000000000", "90000000000", 0},
		{"1E+2", "100", 0}, {"1e+0", "1", 0}, {"1e0", "1", 0}, {"1.5e3", "1500", 0},
		{"1.50e1", "15.0", 1}, {"123.456e-2", "1.23456", 5}, {"0e5", "0", 0},
		{"-0e-3", "0.000", 3}, {"0.000e2", "0.0", 1}, {"-1.5e-1", "-0.15", 2},
		{"0.35210000", "0.35210000", 8}, {"-0.00000001", "-0.00000001", 8},
		{"0.000000000000000001", "0.000000000000000001", 18},
		{"1234567890.123456789012345678", "1234567890.123456789012345678", 18},
		{"99999999999999999999999999999999999999", "99999999999999999999999999999999999999", 0},
		{"-9999999999999999999.9999999999999999999", "-9999999999999999999.9999999999999999999", 19},
		{"0.99999999999999999999999999999999999999e2", "99.999999999999999999999999999999999999", 36},
		{"0.000000000000000000000000000000000001", "0.000000000000000000000000000000000001", 36},
		{"1e-36", "0.000000000000000000000000000000000001", 36},
		{"0.1e-35", "0.000000000000000000000000000000000001", 36},
		{"0.0000000000000000000000000000000000000001e10", "0.000000000000000000000000000001", 30},
		{"000000000000000000000000000000000000000000000000001", "1", 0},
		{"1e38", "100000000000000000000000000000000000000", 0},
		{"1.7e38", "170000000000000000000000000000000000000", 0},
		{"1234567890123456789", "1234567890123456789", 0},
		{"12345678901234567890", "12345678901234567890", 0},
		{"18239578009413566319", "18239578009413566319", 0},
		{"1234567890123456789.5", "1234567890123456789.5", 1},
		{"0.1234567890123456789012", "0.1234567890123456789012", 22},
		{"1641343695572693", "1641343695572693", 0},
		/* 39 digits when the coefficient fits, as fmt can write them */
		{MAXSTR, MAXSTR, 0}, {"-" MAXSTR, "-" MAXSTR, 0},
		{"170.141183460469231731687303715884105727", "170.141183460469231731687303715884105727", 36},
		{"150.000000000000000000000000000000000000", "150.000000000000000000000000000000000000", 36},
		{"0000170141183460469231731687303715884105.727", "170141183460469231731687303715884105.727", 3},
	};
	static const char *bad[] = {
		"", "-", "+", ".5", "-.5", "5.", "5.e3", "NaN", "nan", "inf", "-inf", "Infinity",
		"0x10", "0X1", " 1", "1 ", "1,0", "1e", "1e+", "1e-", "--1", "+-1", "-+1", "1.2.3",
		"1..2", "\"1\"", "1e5x", "e5", "1f", "1.5.", "-e1", "1ee1", "1e1.5", "1_000",
		"999999999999999999999999999999999999999", /* 39 digits, > 2^127-1 */
		"170141183460469231731687303715884105728", /* 2^127 */
		"-170141183460469231731687303715884105728", /* INT128_MIN: never made */
		"17014118346046923173168730371588410572.8",
		"1000000000000000000000000000000000000000", /* 40 digits */
		"0.1000000000000000000000000000000000000000", /* 40 digits */
		"1.00000000000000000000000000000000000000", /* scale 38 */
		"1e39", "2e38", "1.8e38", "1e100000000", "1e-37", "1e-100000000",
		"0.0000000000000000000000000000000000001", /* scale 37 */
		"0.0000000000000000000000000000000000000", /* scale 37, zero */
	};
	char buf[ARB_DEC_STRMAX];
	const char *why;
	arb_dec d;
	size_t i, n;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		why = NULL;
		if (!ok(arb_dec_parse(&d, good[i].in, strlen(good[i].in), &why) == 0,
		    "parse \"%s\"", good[i].in)) {
			printf("#   why: %s\n", why ? why : "(null)");
			continue;
		}
		n = arb_dec_fmt(d, buf);
		is_str(buf, good[i].out, "fmt(parse(\"%s\"))", good[i].in);
		is_int(n, strlen(good[i].out), "fmt length of \"%s\"", good[i].in);
		is_int(d.s, good[i].s, "scale of \"%s\"", good[i].in);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		ok(arb_dec_parse(&d, bad[i], strlen(bad[i]), &why) == -1 && why && *why,
		    "reject \"%s\" (%s)", bad[i], why ? why : "no reason");
	}
	ok(arb_dec_parse(&d, "1\0", 2, &why) == -1, "reject an embedded NUL");
	ok(arb_dec_parse(&d, "12345", 3, &why) == 0 && d.m == 123, "parse reads only n bytes");
	ok(arb_dec_parse(&d, "x", 0, NULL) == -1, "reject empty, why may be NULL");
	ok(arb_dec_parse(&d, "1e", 2, NULL) == -1, "reject bad exponent, why may be NULL");

	/* The range of the coefficient and the longest texts. */
	d.m = I128_MAX;
	d.s = 0;
	is_str(F(d), MAXSTR, "fmt INT128_MAX");
	d.m = -I128_MAX;
	is_str(F(d), "-" MAXSTR, "fmt -INT128_MAX");
	d.s = 36;
	is_str(F(d), "-170.141183460469231731687303715884105727", "fmt -INT128_MAX scale 36");
	d.m = -I128_MAX - 1;
	d.s = 0;
	is_str(F(d), "-170141183460469231731687303715884105728", "fmt INT128_MIN");
	d = arb_dec_make(-1, 36);
	n = arb_dec_fmt(d, buf);
	is_str(buf, "-0.000000000000000000000000000000000001", "fmt -1e-36");
	ok(n < ARB_DEC_STRMAX, "fmt fits ARB_DEC_STRMAX");
	is_str(F(arb_dec_make(5, 1)), "0.5", "arb_dec_make(5, 1)");
	is_str(F(arb_dec_make(0, 2)), "0.00", "zero at scale 2");
	is_str(F(arb_dec_make(INT64_MIN, 0)), "-9223372036854775808", "fmt INT64_MIN");
	is_str(F(arb_dec_make(-5, 0)), "-5", "fmt -5");
	is_str(F(arb_dec_make(-5, 3)), "-0.005", "fmt -0.005");
	{
		/* 64-bit boundary: 2^64 - 1 and 2^64 */
		arb_dec x = {(__int128)UINT64_MAX, 0}, y = {(__int128)UINT64_MAX + 1, 0};

		is_str(F(x), "18446744073709551615", "fmt 2^64-1");
		is_str(F(y), "18446744073709551616", "fmt 2^64");
		x.m = (__int128)10000000000000000000ULL * 10000000000000000000ULL;
		is_str(F(x), "100000000000000000000000000000000000000", "fmt 10^38");
	}
}

static void
t_bots(void)
{
	arb_dec r;
	volatile double fa = 0.29, fb = 0.01;
	long lots = (long)(fa / fb);

	/* The lot-size case that bites bots using floating point. */
	ok(arb_dec_floor_to(&r, P("0.29"), P("0.01")) == 0, "floor 0.29 to lot 0.01");
	is_str(F(r), "0.29", "0.29 floored to lot 0.01 is 0.29");
	ok(arb_dec_div(&r, P("0.29"), P("0.01"), 0, ARB_RND_DOWN) == 0, "0.29 / 0.01");
	is_str(F(r), "29", "0.29 / 0.01 = 29 exactly");
	printf("# for comparison, (long)(0.29 / 0.01) in binary floating point is %ld\n", lots);
	ok(arb_dec_is_multiple(P("0.29"), P("0.01")), "0.29 is a multiple of 0.01");
	ok(arb_dec_add(&r, P("0.1"), P("0.2")) == 0, "0.1 + 0.2");
	is_str(F(r), "0.3", "0.1 + 0.2 = 0.3");
	ok(arb_dec_cmp(r, P("0.3")) == 0, "0.1 + 0.2 == 0.3");

	/* 8 and 18 decimal places */
	ok(arb_dec_add(&r, P("0.12345678"), P("0.00000001")) == 0, "8 dp add");
	is_str(F(r), "0.12345679", "0.12345678 + 0.00000001");
	ok(arb_dec_mul(&r, P("0.35210000"), P("672.00000000")) == 0, "8 dp mul");
	is_str(F(r), "236.6112000000000000", "0.35210000 * 672.00000000 (scale 16)");
	ok(arb_dec_mul(&r, P("1.000000000000000001"), P("2")) == 0, "18 dp mul");
	is_str(F(r), "2.000000000000000002", "1.000000000000000001 * 2");
	ok(arb_dec_mul(&r, P("0.000000000000000001"), P("0.000000000000000001")) == 0, "18 dp x 18 dp");
	is_str(F(r), "0.000000000000000000000000000000000001", "1e-18 * 1e-18 = 1e-36");
	ok(arb_dec_mul(&r, P("0.000000000000000001"), P("0.0000000000000000001")) == -1,
	    "1e-18 * 1e-19: scale 37 is refused");
	/* Exact but over scale 36: the largest scale that holds it. */
	ok(arb_dec_mul(&r, P("0.100000000000000000000"), P("0.100000000000000000000")) == 0,
	    "mul over scale 36 that trims to fit");
	is_str(F(r), "0.010000000000000000000000000000000000", "0.1(21 dp) * 0.1(21 dp) at scale 36");
	ok(arb_dec_mul(&r, P("1000000.000000000000000000"), P("1000000.000000000000000000")) == 0,
	    "mul whose coefficient overflows but value fits");
	is_str(F(r), "1000000000000.00000000000000000000000000", "10^6 * 10^6 (18 dp each) at scale 26");
	ok(arb_dec_sub(&r, P("1"), P("0.000000000000000001")) == 0, "1 - 1e-18");
	is_str(F(r), "0.999999999999999999", "1 - 1e-18 = 0.999999999999999999");
	ok(arb_dec_add(&r, P("123456789012.123456789012345678"), P("0.000000000000000001")) == 0,
	    "18 dp add with large integer part");
	is_str(F(r), "123456789012.123456789012345679", "sum");

	/* 1e-8 and 90000000000 */
	ok(arb_dec_mul(&r, P("1e-8"), P("9e10")) == 0, "1e-8 * 9e10");
	is_str(F(r), "900.00000000", "1e-8 * 9e10 = 900.00000000");
	ok(arb_dec_add(&r, P("90000000000"), P("1e-8")) == 0, "9e10 + 1e-8");
	is_str(F(r), "90000000000.00000001", "90000000000 + 0.00000001");
	ok(arb_dec_div(&r, P("1e-8"), P("90000000000"), 20, ARB_RND_HALF_EVEN) == 0, "1e-8 / 9e10");
	is_str(F(r), "0.00000000000000000011", "1e-8 / 9e10 at 20 dp");

	/* "0.10" round trip keeps the scale */
	r = P("0.10");
	is_int(r.s, 2, "\"0.10\" has scale 2");
	is_str(F(r), "0.10", "\"0.10\" formats back as \"0.10\"");
	is_str(F(arb_dec_trim(r)), "0.1", "trim(0.10) = 0.1");
}

static void
t_add_sub_mul(void)
{
	static const struct {
		const char *a, *b, *sum, *diff, *prod;
	} c[] = {
		{"0.1", "0.25", "0.35", "-0.15", "0.025"},
		{"1", "0.001", "1.001", "0.999", "0.001"},
		{"-0.5", "0.5", "0.0", "-1.0", "-0.25"},
		{"0.10", "0.20", "0.30", "-0.10", "0.0200"},
		{"-3", "-4.5", "-7.5", "1.5", "13.5"},
		{"-0.00000001", "0.00000001", "0.00000000", "-0.00000002", "-0.0000000000000001"},
		{"0", "-0", "0", "0", "0"},
		{"12345678901234567890", "98765432109876543210", "111111111011111111100",
		 "-86419753208641975320", "1219326311370217952237463801111263526900"},
	};
	arb_dec r;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		arb_dec a = P(c[i].a), b = P(c[i].b);

		ok(arb_dec_add(&r, a, b) == 0, "%s + %s", c[i].a, c[i].b);
		is_str(F(r), c[i].sum, "%s + %s", c[i].a, c[i].b);
		ok(arb_dec_sub(&r, a, b) == 0, "%s - %s", c[i].a, c[i].b);
		is_str(F(r), c[i].diff, "%s - %s", c[i].a, c[i].b);
		if (strlen(c[i].prod) > 39) {
			ok(arb_dec_mul(&r, a, b) == -1, "%s * %s overflows", c[i].a, c[i].b);
			continue;
		}
		ok(arb_dec_mul(&r, a, b) == 0, "%s * %s", c[i].a, c[i].b);
		is_str(F(r), c[i].prod, "%s * %s", c[i].a, c[i].b);
	}
}

static void
t_overflow(void)
{
	arb_dec max = {I128_MAX, 0}, min = {-I128_MAX, 0}, one = {1, 0}, r;
	arb_dec big = P("99999999999999999999999999999999999999");

	r = P("-2");
	ok(arb_dec_add(&r, max, one) == -1, "add overflow: INT128_MAX + 1");
	ok(arb_dec_sub(&r, min, one) == -1, "sub overflow: -INT128_MAX - 1 (INT128_MIN is not produced)");
	ok(arb_dec_sub(&r, max, P("-1")) == -1, "sub overflow: INT128_MAX - -1");
	ok(arb_dec_add(&r, big, big) == -1, "add overflow: 2 * (10^38 - 1)");
	ok(arb_dec_add(&r, max, P("0.1")) == -1, "add overflow when aligning scales");
	ok(arb_dec_add(&r, min, max) == 0 && r.m == 0, "-max + max = 0");
	ok(arb_dec_mul(&r, P("10000000000000000000"), P("10000000000000000000")) == 0,
	    "10^19 * 10^19 fits");
	ok(arb_dec_mul(&r, P("100000000000000000000"), P("10000000000000000000")) == -1,
	    "mul overflow: 10^20 * 10^19");
	ok(arb_dec_mul(&r, max, P("-1")) == 0 && arb_dec_cmp(r, min) == 0, "max * -1");
	ok(arb_dec_mul(&r, max, P("2")) == -1, "mul overflow: max * 2");
	ok(arb_dec_mul(&r, P("-9223372036854775808"), P("9223372036854775808")) == 0,
	    "-2^63 * 2^63 fits");
	ok(arb_dec_mul(&r, P("9223372036854775808"), P("18446744073709551616")) == -1,
	    "mul overflow: 2^63 * 2^64");
	ok(arb_dec_mul(&r, P("-18446744073709551616"), P("9223372036854775808")) == -1,
	    "-2^64 * 2^63 = INT128_MIN is refused");
	ok(arb_dec_rescale(&r, big, 1, ARB_RND_DOWN) == -1, "rescale overflow: (10^38-1) to scale 1");
	ok(arb_dec_rescale(&r, P("1000"), 36, ARB_RND_DOWN) == -1, "rescale overflow: 1000 to scale 36");
	ok(arb_dec_rescale(&r, P("100"), 36, ARB_RND_DOWN) == 0, "100 to scale 36 fits");
	ok(arb_dec_rescale(&r, P("1"), 37, ARB_RND_DOWN) == -1, "rescale to scale 37 is refused");
	ok(arb_dec_rescale(&r, P("1"), -1, ARB_RND_DOWN) == -1, "rescale to scale -1 is refused");
	ok(arb_dec_parse(&r, "99999999999999999999999999999999999999e1", 41, NULL) == -1,
	    "parse overflow: (10^38-1)e1");
	ok(arb_dec_parse(&r, "1e39", 4, NULL) == -1, "parse overflow: 1e39");
	ok(arb_dec_parse(&r, "-1.7014118346046923173168730371588410573e38", 43, NULL) == -1,
	    "parse overflow: -1.7014...573e38");
	ok(arb_dec_parse(&r, "-1.7014118346046923173168730371588410572e38", 43, NULL) == 0 &&
	    strcmp(F(r), "-170141183460469231731687303715884105720") == 0,
	    "parse: -1.7014...572e38 fits");
	ok(arb_dec_div(&r, max, P("0.000001"), 0, ARB_RND_DOWN) == -1, "div overflow: max / 1e-6");
	ok(arb_dec_div(&r, max, P("0.5"), 0, ARB_RND_DOWN) == -1, "div overflow: max / 0.5");
	ok(arb_dec_div(&r, max, one, 1, ARB_RND_DOWN) == -1, "div overflow: max / 1 at scale 1");
	ok(arb_dec_div(&r, max, P("2"), 0, ARB_RND_CEIL) == 0, "max / 2 ceil fits");
	ok(arb_dec_div(&r, max, one, 0, ARB_RND_CEIL) == 0 && r.m == I128_MAX, "max / 1 = max");
	ok(arb_dec_floor_to(&r, min, P("7")) == -1, "floor_to overflow: -max floored to 7");
	ok(arb_dec_ceil_to(&r, max, P("7")) == -1, "ceil_to overflow: max ceiled to 7");
	ok(arb_dec_floor_to(&r, max, P("0.1")) == -1, "floor_to overflow when aligning scales");
	/* Slow paths: scaling overflows 128 bits, the exact result fits. */
	ok(arb_dec_add(&r, P("17014118346046923173168730371588410573"),
	    M(-I128_MAX, 1)) == 0, "add: aligned operand overflows, sum fits");
	is_str(F(r), "0.3", "sum is 0.3");
	ok(arb_dec_sub(&r, P("17014118346046923173168730371588410573"),
	    M(I128_MAX, 1)) == 0, "sub: aligned operand overflows, result fits");
	is_str(F(r), "0.3", "difference is 0.3");
	ok(arb_dec_sub(&r, P("-17014118346046923173168730371588410573"),
	    M(-I128_MAX, 1)) == 0, "sub: negative, aligned operand overflows, result fits");
	is_str(F(r), "-0.3", "difference is -0.3");
	ok(arb_dec_sub(&r, P("-17014118346046923173168730371588410573"),
	    M(-I128_MAX - 1, 1)) == 0, "sub INT128_MIN e-1: exact");
	is_str(F(r), "-0.2", "difference is -0.2");
	ok(arb_dec_add(&r, P("17014118346046923173168730371588410573"),
	    M(I128_MAX, 1)) == -1, "add: aligned operand overflows, sum too");
	ok(arb_dec_add(&r, P("99999999999999999999999999999999999999"), P("1.0")) == 0,
	    "add: trailing zero dropped to fit");
	is_str(F(r), "100000000000000000000000000000000000000", "(10^38 - 1) + 1.0 = 10^38");
}

static void
t_div_round(void)
{
	static const struct {
		const char *a;
		const char *want[4]; /* DOWN FLOOR CEIL HALF_EVEN at scale 0 */
	} c[] = {
		{"2.5", {"2", "2", "3", "2"}},
		{"3.5", {"3", "3", "4", "4"}},
		{"2.4", {"2", "2", "3", "2"}},
		{"2.6", {"2", "2", "3", "3"}},
		{"-2.5", {"-2", "-3", "-2", "-2"}},
		{"-3.5", {"-3", "-4", "-3", "-4"}},
		{"-2.4", {"-2", "-3", "-2", "-2"}},
		{"-2.6", {"-2", "-3", "-2", "-3"}},
		{"-0.4", {"0", "-1", "0", "0"}},
		{"-0.5", {"0", "-1", "0", "0"}},
		{"-0.6", {"0", "-1", "0", "-1"}},
		{"-1.5", {"-1", "-2", "-1", "-2"}},
		{"-2.50000001", {"-2", "-3", "-2", "-3"}},
		{"2.50000001", {"2", "2", "3", "3"}},
		{"-7", {"-7", "-7", "-7", "-7"}},
		{"0.000", {"0", "0", "0", "0"}},
	};
	arb_dec r;
	size_t i;
	int m;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		arb_dec a = P(c[i].a), half = P("0.5"), a2;

		for (m = 0; m < 4; m++) {
			ok(arb_dec_rescale(&r, a, 0, (enum arb_round)m) == 0, "rescale %s", c[i].a);
			is_str(F(r), c[i].want[m], "rescale %s to 0 %s", c[i].a, rnd_name[m]);
			/* The same through division: (2a) / 2 and a / 1. */
			arb_dec_mul(&a2, a, half);
			ok(arb_dec_div(&r, a2, half, 0, (enum arb_round)m) == 0, "div");
			is_str(F(r), c[i].want[m], "(%s * 0.5) / 0.5 to 0 %s", c[i].a, rnd_name[m]);
			ok(arb_dec_div(&r, arb_dec_neg(a), P("-1"), 0, (enum arb_round)m) == 0, "div");
			is_str(F(r), c[i].want[m], "-(%s) / -1 to 0 %s", c[i].a, rnd_name[m]);
		}
	}

	ok(arb_dec_div(&r, P("1"), P("3"), 8, ARB_RND_HALF_EVEN) == 0, "1/3");
	is_str(F(r), "0.33333333", "1/3 at 8 dp");
	ok(arb_dec_div(&r, P("2"), P("3"), 8, ARB_RND_HALF_EVEN) == 0, "2/3");
	is_str(F(r), "0.66666667", "2/3 at 8 dp, half even");
	arb_dec_div(&r, P("-2"), P("3"), 8, ARB_RND_FLOOR);
	is_str(F(r), "-0.66666667", "-2/3 floor");
	arb_dec_div(&r, P("-2"), P("3"), 8, ARB_RND_DOWN);
	is_str(F(r), "-0.66666666", "-2/3 down");
	arb_dec_div(&r, P("2"), P("-3"), 8, ARB_RND_CEIL);
	is_str(F(r), "-0.66666666", "2/-3 ceil");
	arb_dec_div(&r, P("-2"), P("-3"), 8, ARB_RND_CEIL);
	is_str(F(r), "0.66666667", "-2/-3 ceil");
	arb_dec_div(&r, P("1"), P("3"), 36, ARB_RND_DOWN);
	is_str(F(r), "0.333333333333333333333333333333333333", "1/3 at 36 dp");
	ok(arb_dec_div(&r, P("99999999999999999999999999999999999999"),
	    P("99999999999999999999999999999999999999"), 36, ARB_RND_DOWN) == 0, "wide division");
	is_str(F(r), "1.000000000000000000000000000000000000", "(10^38-1)/(10^38-1) at 36 dp");
	ok(arb_dec_div(&r, P("0.000000000000000000000000000000000001"),
	    P("99999999999999999999999999999999999999"), 0, ARB_RND_CEIL) == 0, "tiny / huge");
	is_str(F(r), "1", "tiny / huge ceil = 1");
	arb_dec_div(&r, P("0.000000000000000000000000000000000001"),
	    P("99999999999999999999999999999999999999"), 0, ARB_RND_HALF_EVEN);
	is_str(F(r), "0", "tiny / huge half even = 0");
	ok(arb_dec_div(&r, P("1"), P("0"), 2, ARB_RND_DOWN) == -1, "div by zero");
	ok(arb_dec_div(&r, P("0"), P("0.00"), 2, ARB_RND_DOWN) == -1, "0 / 0 is -1");
	ok(arb_dec_div(&r, P("1"), P("3"), 37, ARB_RND_DOWN) == -1, "div to scale 37 is refused");
	ok(arb_dec_div(&r, P("0"), P("-3"), 2, ARB_RND_FLOOR) == 0, "0 / -3");
	is_str(F(r), "0.00", "0 / -3 is 0.00, not -0.00");
	arb_dec_div(&r, P("10"), P("4"), 0, ARB_RND_HALF_EVEN);
	is_str(F(r), "2", "10/4 half even = 2");
	arb_dec_div(&r, P("14"), P("4"), 0, ARB_RND_HALF_EVEN);
	is_str(F(r), "4", "14/4 half even = 4");
	arb_dec_div(&r, P("123.456"), P("0.001"), 0, ARB_RND_DOWN);
	is_str(F(r), "123456", "123.456 / 0.001");

	/* rescale growing and shrinking */
	arb_dec_rescale(&r, P("1.5"), 4, ARB_RND_DOWN);
	is_str(F(r), "1.5000", "1.5 to scale 4");
	arb_dec_rescale(&r, P("-1.23456789"), 4, ARB_RND_HALF_EVEN);
	is_str(F(r), "-1.2346", "-1.23456789 to 4 half even");
	arb_dec_rescale(&r, P("-1.23455"), 4, ARB_RND_HALF_EVEN);
	is_str(F(r), "-1.2346", "-1.23455 to 4 half even (tie to even 6)");
	arb_dec_rescale(&r, P("-1.23445"), 4, ARB_RND_HALF_EVEN);
	is_str(F(r), "-1.2344", "-1.23445 to 4 half even (tie to even 4)");
	arb_dec_rescale(&r, P("0.000000000000000000000000000000000001"), 0, ARB_RND_CEIL);
	is_str(F(r), "1", "1e-36 ceil to 0");
	arb_dec_rescale(&r, P("-0.000000000000000000000000000000000001"), 0, ARB_RND_CEIL);
	is_str(F(r), "0", "-1e-36 ceil to 0 is 0");

	/* basis points */
	ok(arb_dec_bps(&r, P("0.0012"), P("1")) == 0, "bps");
	is_str(F(r), "12.00", "0.0012 / 1 = 12.00 bps");
	arb_dec_bps(&r, P("1"), P("3"));
	is_str(F(r), "3333.33", "1/3 = 3333.33 bps");
	arb_dec_bps(&r, P("-1"), P("3"));
	is_str(F(r), "-3333.33", "-1/3 = -3333.33 bps (toward zero)");
	arb_dec_bps(&r, P("0.05"), P("35210.5"));
	is_str(F(r), "0.01", "0.05 / 35210.5 = 0.01 bps");
	arb_dec_bps(&r, P("-0.000001"), P("35210.5"));
	is_str(F(r), "0.00", "tiny negative bps is 0.00");
	ok(arb_dec_bps(&r, P("1"), P("0.000")) == -1, "bps with den 0");
}

static void
t_ticks(void)
{
	static const struct {
		const char *a, *step, *floor, *ceil;
	} c[] = {
		{"0.29", "0.01", "0.29", "0.29"},
		{"0.29", "0.001", "0.290", "0.290"},
		{"0.29", "0.1", "0.20", "0.30"},
		{"0.21", "0.1", "0.20", "0.30"},
		{"-0.25", "0.1", "-0.30", "-0.20"},
		{"-0.3", "0.1", "-0.3", "-0.3"},
		{"123.456", "0.05", "123.450", "123.500"},
		{"7.3", "0.5", "7.0", "7.5"},
		{"-7.3", "0.5", "-7.5", "-7.0"},
		{"12.34", "5", "10.00", "15.00"},
		{"-12.34", "5", "-15.00", "-10.00"},
		{"1", "0.00000001", "1.00000000", "1.00000000"},
		{"0.123456789", "0.00000001", "0.123456780", "0.123456790"},
		{"0", "0.01", "0.00", "0.00"},
		{"-0.001", "0.01", "-0.010", "0.000"},
		{"46116860414.00000000", "0.00001", "46116860414.00000000", "46116860414.00000000"},
		{"0.35213", "0.0001000", "0.3521000", "0.3522000"},
		{"1.000000000000000001", "0.000000000000000001", "1.000000000000000001", "1.000000000000000001"},
		{"1.0000000000000000015", "0.000000000000000001", "1.0000000000000000010", "1.0000000000000000020"},
	};
	arb_dec r;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		arb_dec a = P(c[i].a), st = P(c[i].step);

		ok(arb_dec_floor_to(&r, a, st) == 0, "floor_to(%s, %s)", c[i].a, c[i].step);
		is_str(F(r), c[i].floor, "floor_to(%s, %s)", c[i].a, c[i].step);
		ok(arb_dec_is_multiple(r, st), "result is a multiple of %s", c[i].step);
		ok(arb_dec_ceil_to(&r, a, st) == 0, "ceil_to(%s, %s)", c[i].a, c[i].step);
		is_str(F(r), c[i].ceil, "ceil_to(%s, %s)", c[i].a, c[i].step);
	}
	/* a at the step's scale needs more than 128 bits; the result fits */
	ok(arb_dec_floor_to(&r, P("17014118346046923173168730371588410573"), P("0.7")) == 0,
	    "floor_to, wide");
	is_str(F(r), "17014118346046923173168730371588410572.6", "floor_to, wide: value");
	ok(arb_dec_ceil_to(&r, P("17014118346046923173168730371588410573"), P("0.7")) == -1,
	    "ceil_to, wide: overflow");
	ok(arb_dec_floor_to(&r, P("17014118346046923173168730371588410573"), P("1.3")) == -1,
	    "floor_to, wide: exact multiple that does not fit");
	ok(arb_dec_ceil_to(&r, P("-17014118346046923173168730371588410573"), P("0.9")) == 0,
	    "ceil_to, wide, negative");
	is_str(F(r), "-17014118346046923173168730371588410572.6", "ceil_to, wide, negative: value");
	ok(arb_dec_floor_to(&r, P("-17014118346046923173168730371588410573"), P("0.9")) == -1,
	    "floor_to, wide, negative: overflow");
	ok(arb_dec_floor_to(&r, P("0.5"), M(I128_MAX, 0)) == 0, "floor_to, huge step");
	is_str(F(r), "0.0", "floor_to(0.5, huge) = 0.0");
	ok(arb_dec_floor_to(&r, P("-0.5"), M(I128_MAX, 0)) == -1, "floor_to(-0.5, huge): -huge at scale 1 overflows");
	ok(arb_dec_ceil_to(&r, P("-0.5"), M(I128_MAX, 0)) == 0, "ceil_to, huge step");
	is_str(F(r), "0.0", "ceil_to(-0.5, huge) = 0.0");
	ok(arb_dec_floor_to(&r, P("1"), P("0")) == -1, "floor_to step 0");
	ok(arb_dec_ceil_to(&r, P("1"), P("-0.01")) == -1, "ceil_to negative step");

	ok(arb_dec_is_multiple(P("0.29"), P("0.01")), "0.29 multiple of 0.01");
	ok(!arb_dec_is_multiple(P("0.295"), P("0.01")), "0.295 not multiple of 0.01");
	ok(arb_dec_is_multiple(P("100"), P("0.5")), "100 multiple of 0.5");
	ok(arb_dec_is_multiple(P("0.50000"), P("0.5")), "0.50000 multiple of 0.5");
	ok(!arb_dec_is_multiple(P("1"), P("0.3")), "1 not multiple of 0.3");
	ok(arb_dec_is_multiple(P("-0.6"), P("0.2")), "-0.6 multiple of 0.2");
	ok(arb_dec_is_multiple(P("0"), P("7")), "0 multiple of 7");
	ok(!arb_dec_is_multiple(P("1"), P("0")), "step 0: not a multiple");
	ok(!arb_dec_is_multiple(P("1"), P("-1")), "step < 0: not a multiple");
	ok(arb_dec_is_multiple(P("99999999999999999999999999999999999999"), P("1e-36")),
	    "10^38-1 multiple of 1e-36 (wide)");
	ok(!arb_dec_is_multiple(P("0.000000000000000000000000000000000001"),
	    P("99999999999999999999999999999999999999")), "1e-36 not a multiple of 10^38-1 (wide)");
	ok(arb_dec_is_multiple(P("99999999999999999999999999999999999998"), P("2.000000000000000000")),
	    "10^38-2 multiple of 2.000000000000000000 (wide)");
}

static void
t_cmp_misc(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} c[] = {
		{"0.1", "0.10", 0}, {"0.1", "0.09", 1}, {"0.09", "0.1", -1},
		{"-0.1", "-0.10000", 0}, {"-0.1", "-0.09", -1}, {"1", "0.999999999999999999", 1},
		{"0", "-0.000", 0}, {"-0.00000001", "0", -1}, {"0.00000001", "-5", 1},
		{"99999999999999999999999999999999999999", "0.000000000000000000000000000000000001", 1},
		{"-99999999999999999999999999999999999999", "0.000000000000000000000000000000000001", -1},
		{"-99999999999999999999999999999999999999", "-0.000000000000000000000000000000000001", -1},
		{"90000000000", "90000000000.00000001", -1}, {"1e-8", "0.00000001", 0},
	};
	arb_dec a, b;
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		a = P(c[i].a);
		b = P(c[i].b);
		is_int(arb_dec_cmp(a, b), c[i].want, "cmp(%s, %s)", c[i].a, c[i].b);
		is_int(arb_dec_cmp(b, a), -c[i].want, "cmp(%s, %s)", c[i].b, c[i].a);
	}
	/* 39 digits: made by hand, as arithmetic can */
	{
		arb_dec e37 = P("10000000000000000000000000000000000000");
		arb_dec mx36 = M(I128_MAX, 36), mx35 = M(I128_MAX / 10, 35);

		is_int(arb_dec_cmp(e37, mx36), 1, "cmp(10^37, 170.14...727)");
		is_int(arb_dec_cmp(mx36, e37), -1, "cmp(170.14...727, 10^37)");
		is_int(arb_dec_cmp(arb_dec_neg(e37), arb_dec_neg(mx36)), -1, "cmp(-10^37, -170.14...727)");
		is_int(arb_dec_cmp(arb_dec_neg(mx36), arb_dec_neg(e37)), 1, "cmp(-170.14...727, -10^37)");
		is_int(arb_dec_cmp(mx36, mx35), 1, "cmp(170.14...727, 170.14...72)");
		is_int(arb_dec_cmp(mx35, mx36), -1, "cmp(170.14...72, 170.14...727)");
		is_int(arb_dec_cmp(M(I128_MAX / 10 + 1, 35), mx36), 1, "cmp(170.14...73, 170.14...727)");
		is_int(arb_dec_cmp(M(I128_MAX, 0), M(I128_MAX, 1)), 1, "cmp(max, max e-1)");
		is_int(arb_dec_cmp(M(-I128_MAX - 1, 0), M(-I128_MAX - 1, 1)), -1, "cmp(min, min e-1)");
	}
	a.m = I128_MAX;
	a.s = 0;
	b.m = -I128_MAX - 1;
	b.s = 36;
	is_int(arb_dec_cmp(a, b), 1, "cmp(INT128_MAX, INT128_MIN e-36)");
	is_int(arb_dec_cmp(b, a), -1, "cmp(INT128_MIN e-36, INT128_MAX)");

	is_int(arb_dec_sign(P("-0.01")), -1, "sign -0.01");
	is_int(arb_dec_sign(P("-0.00")), 0, "sign -0.00");
	is_int(arb_dec_sign(P("3")), 1, "sign 3");
	ok(arb_dec_is_zero(P("0.000")), "is_zero 0.000");
	is_str(F(arb_dec_neg(P("1.50"))), "-1.50", "neg 1.50");
	is_str(F(arb_dec_neg(P("0.00"))), "0.00", "neg 0.00 prints 0.00");
	is_str(F(arb_dec_abs(P("-1.50"))), "1.50", "abs -1.50");
	is_str(F(arb_dec_min(P("1.5"), P("1.49"))), "1.49", "min");
	is_str(F(arb_dec_max(P("1.5"), P("1.49"))), "1.5", "max");
	is_str(F(arb_dec_min(P("-1.5"), P("1.49"))), "-1.5", "min of mixed signs");
	is_str(F(arb_dec_trim(P("1.2300"))), "1.23", "trim 1.2300");
	is_str(F(arb_dec_trim(P("5.0"))), "5", "trim 5.0");
	is_str(F(arb_dec_trim(P("-0.000"))), "0", "trim 0.000");
	is_str(F(arb_dec_trim(P("100"))), "100", "trim 100");
	is_str(F(arb_dec_trim(P("-1.10"))), "-1.1", "trim -1.10");
	is_str(F(arb_dec_trim(P("10.000000000000000000000000000000000000"))), "10", "trim 36 zeros");
}

/* ---- round trip of the recordings -------------------------------------- */

static long rt_count, rt_fail, rt_exp;

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of the JSON number at s (n bytes available), 0 if none. */
static size_t
number_len(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i == n || !is_digit(s[i]))
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i < n && s[i] == '.') {
		if (i + 1 == n || !is_digit(s[i + 1]))
			return 0;
		for (i++; i < n && is_digit(s[i]); i++)
			;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;

		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < n && is_digit(s[j])) {
			while (j < n && is_digit(s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/*
 * Writes the plain form of an exponent number (oracle, digit by digit):
 * the coefficient digits, with the point moved, at scale frac - exp.
 */
static int
plain_form(const char *s, size_t n, char *out, size_t outsz)
{
	char dig[200];
	size_t nd = 0, i = 0;
	int neg = 0, frac = 0, infrac = 0, exp = 0, eneg = 0, scale;
	size_t o = 0, k;

	if (s[i] == '-')
		neg = 1, i++;
	for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.')
			infrac = 1;
		else {
			if (nd >= sizeof dig)
				return -1;
			dig[nd++] = s[i];
			frac += infrac;
		}
	}
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		eneg = s[i++] == '-';
	for (; i < n; i++)
		exp = exp * 10 + (s[i] - '0');
	scale = frac - (eneg ? -exp : exp);
	while (scale < 0) {
		if (nd >= sizeof dig)
			return -1;
		dig[nd++] = '0';
		scale++;
	}
	if (outsz < nd + 4 || (size_t)scale + 4 > outsz)
		return -1;
	if (neg)
		out[o++] = '-';
	if ((size_t)scale >= nd) {
		out[o++] = '0';
		out[o++] = '.';
		for (k = nd; k < (size_t)scale; k++)
			out[o++] = '0';
		memcpy(out + o, dig, nd);
		o += nd;
	} else {
		memcpy(out + o, dig, nd - (size_t)scale);
		o += nd - (size_t)scale;
		if (scale > 0) {
			out[o++] = '.';
			memcpy(out + o, dig + nd - scale, (size_t)scale);
			o += (size_t)scale;
		}
	}
	out[o] = '\0';
	return 0;
}

static void
check_number(const char *file, long line, const char *s, size_t n)
{
	char buf[ARB_DEC_STRMAX], txt[256], plain[256];
	const char *why = "?";
	arb_dec d, p;
	int has_exp = memchr(s, 'e', n) || memchr(s, 'E', n);

	if (n >= sizeof txt)
		n = sizeof txt - 1;
	memcpy(txt, s, n);
	txt[n] = '\0';
	rt_count++;
	if (arb_dec_parse(&d, s, n, &why) < 0) {
		if (rt_fail++ < 10)
			printf("# %s:%ld: \"%s\" does not parse: %s\n", file, line, txt, why);
		return;
	}
	arb_dec_fmt(d, buf);
	if (!has_exp) {
		/* "-0" and leading zeros cannot come back as written. */
		if (strcmp(buf, txt) != 0 && rt_fail++ < 10)
			printf("# %s:%ld: \"%s\" formats as \"%s\"\n", file, line, txt, buf);
		return;
	}
	rt_exp++;
	if (plain_form(s, n, plain, sizeof plain) < 0 ||
	    arb_dec_parse(&p, plain, strlen(plain), &why) < 0 || arb_dec_cmp(d, p) != 0) {
		if (rt_fail++ < 10)
			printf("# %s:%ld: \"%s\" differs from its plain form\n", file, line, txt);
	}
}

/* Every JSON number and every string that is a plain decimal number. */
static void
scan_line(const char *file, long lineno, const char *s, size_t n)
{
	size_t i = 0, k;

	/* The recorder's leading "<recv_ts>: " is a number too. */
	k = number_len(s, n);
	if (k > 0 && k < n && s[k] == ':')
		check_number(file, lineno, s, k);
	while (i < n && s[i] != '{' && s[i] != '[')
		i++;
	while (i < n) {
		if (s[i] == '"') {
			size_t st = ++i;

			while (i < n && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			if (i > n)
				i = n;
			k = number_len(s + st, i - st);
			/* Strings with redundant leading zeros are
			 * identifiers, not amounts. */
			if (k > 0 && k == i - st &&
			    !(s[st + (s[st] == '-')] == '0' && k > (size_t)(s[st] == '-') + 1 &&
			      is_digit(s[st + (s[st] == '-') + 1])))
				check_number(file, lineno, s + st, k);
			i++;
		} else if (s[i] == '-' || is_digit(s[i])) {
			k = number_len(s + i, n - i);
			if (k == 0)
				k = 1;
			else
				check_number(file, lineno, s + i, k);
			i += k;
		} else
			i++;
	}
}

static int
scan_file(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;

	if (!f)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		scan_line(name, lineno, line, (size_t)len);
	}
	free(line);
	fclose(f);
	return 0;
}

static const char *
recorded_dir(char *buf, size_t sz)
{
	const char *v;
	struct stat st;

	if ((v = getenv("ARB_SHARED_DATA")) && *v) {
		snprintf(buf, sz, "%s/recorded", v);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	if ((v = getenv("top_srcdir")) && *v) {
		snprintf(buf, sz, "%s/share/data/recorded", v);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	/* Run by hand from the source tree. */
	snprintf(buf, sz, "share/data/recorded");
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return buf;
	return NULL;
}

/* The scanner itself, on a line with exponents, strings and escapes. */
static void
t_scan_self(void)
{
	static const char line[] =
	    "1633998512.0633569: {\"a\":1.5e3,\"b\":\"2E-2\",\"c\":[-0.5e+1,0.10,-7],"
	    "\"d\":\"x\\\"9\",\"e\":\"007\",\"f\":true,\"g\":\"-0.00\"}\n";

	scan_line("self", 1, line, strlen(line));
	is_int(rt_count, 7, "scanner finds the 7 numbers of a sample line");
	is_int(rt_exp, 3, "3 of them with an exponent");
	is_int(rt_fail, 1, "only \"-0.00\" does not come back as written");
	rt_count = rt_exp = rt_fail = 0;
}

static void
t_recordings(void)
{
	char dir[4096], path[8192];
	struct dirent *de;
	DIR *dp;
	int files = 0, errs = 0;

	if (!recorded_dir(dir, sizeof dir) || !(dp = opendir(dir))) {
		ok(0, "recordings found (set ARB_SHARED_DATA or top_srcdir)");
		return;
	}
	while ((de = readdir(dp))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (scan_file(path, de->d_name) < 0)
			errs++;
		files++;
	}
	closedir(dp);
	ok(files > 0 && errs == 0, "read %d recordings in %s", files, dir);
	printf("# round trip: %ld numbers checked (%ld with exponent), %ld failures\n",
	    rt_count, rt_exp, rt_fail);
	ok(rt_count > 100000, "the recordings hold many numbers (%ld)", rt_count);
	ok(rt_fail == 0, "every number in the recordings round-trips exactly");
}

/* ---- independent oracle: decimal digit strings -------------------------- */

/* |value| = digits (little-endian base 10) * 10^-scale */
typedef struct {
	int neg, n;
	unsigned char d[160];
} big;

static void
big_norm(big *a)
{
	while (a->n > 0 && a->d[a->n - 1] == 0)
		a->n--;
	if (a->n == 0)
		a->neg = 0;
}

/* Parses plain "-ddd.ddd" into a and its scale. */
static void
big_from(big *a, int *scale, const char *s)
{
	size_t len = strlen(s), i;
	int sc = 0, seen = 0;

	memset(a, 0, sizeof *a);
	if (*s == '-')
		a->neg = 1, s++, len--;
	for (i = len; i-- > 0;) {
		if (s[i] == '.') {
			seen = 1;
			continue;
		}
		a->d[a->n++] = (unsigned char)(s[i] - '0');
		if (!seen)
			sc++;
	}
	*scale = seen ? sc : 0;
	big_norm(a);
}

static void
big_shift(big *a, int k)	/* a *= 10^k */
{
	if (a->n == 0 || k == 0)
		return;
	memmove(a->d + k, a->d, (size_t)a->n);
	memset(a->d, 0, (size_t)k);
	a->n += k;
}

static int
big_cmp_mag(const big *a, const big *b)
{
	int i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

static void
big_add_mag(big *r, const big *a, const big *b)
{
	int i, c = 0, n = a->n > b->n ? a->n : b->n;

	for (i = 0; i < n; i++) {
		int v = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + c;

		r->d[i] = (unsigned char)(v % 10);
		c = v / 10;
	}
	r->n = n;
	if (c)
		r->d[r->n++] = (unsigned char)c;
}

static void
big_sub_mag(big *r, const big *a, const big *b)	/* |a| >= |b| */
{
	int i, br = 0;

	for (i = 0; i < a->n; i++) {
		int v = a->d[i] - (i < b->n ? b->d[i] : 0) - br;

		br = v < 0;
		r->d[i] = (unsigned char)(v + (br ? 10 : 0));
	}
	r->n = a->n;
}

static void
big_add(big *r, big a, big b)	/* same scale */
{
	big t;

	memset(&t, 0, sizeof t);
	if (a.neg == b.neg) {
		big_add_mag(&t, &a, &b);
		t.neg = a.neg;
	} else if (big_cmp_mag(&a, &b) >= 0) {
		big_sub_mag(&t, &a, &b);
		t.neg = a.neg;
	} else {
		big_sub_mag(&t, &b, &a);
		t.neg = b.neg;
	}
	big_norm(&t);
	*r = t;
}

static void
big_mul(big *r, const big *a, const big *b)
{
	int acc[320] = {0}, i, j, c = 0;
	big t;

	memset(&t, 0, sizeof t);
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			acc[i + j] += a->d[i] * b->d[j];
	t.n = a->n + b->n;
	for (i = 0; i < t.n; i++) {
		acc[i] += c;
		t.d[i] = (unsigned char)(acc[i] % 10);
		c = acc[i] / 10;
	}
	t.neg = a->neg != b->neg;
	big_norm(&t);
	*r = t;
}

/* q = |a| / |b| truncated, rem = |a| mod |b| (magnitudes; b != 0). */
static void
big_divmod(big *q, big *rem, const big *a, const big *b)
{
	big r, t;
	int i;

	memset(&r, 0, sizeof r);
	memset(q, 0, sizeof *q);
	for (i = a->n - 1; i >= 0; i--) {
		int digit = 0;

		big_shift(&r, 1);
		if (r.n == 0 && a->d[i])
			r.n = 1;
		r.d[0] = a->d[i];
		big_norm(&r);
		while (big_cmp_mag(&r, b) >= 0) {
			memset(&t, 0, sizeof t);
			big_sub_mag(&t, &r, b);
			big_norm(&t);
			r = t;
			digit++;
		}
		q->d[i] = (unsigned char)digit;
	}
	q->n = a->n;
	big_norm(q);
	*rem = r;
}

/* Does |a| fit the coefficient range (at most INT128_MAX)? */
static int
big_fits(const big *a)
{
	big m;
	int s;

	big_from(&m, &s, MAXSTR);
	return big_cmp_mag(a, &m) <= 0;
}

static void
big_text(char *out, const big *a, int scale)
{
	int i, nd = a->n > scale + 1 ? a->n : scale + 1;
	char *o = out;

	if (a->neg && a->n > 0)
		*o++ = '-';
	for (i = nd - 1; i >= 0; i--) {
		*o++ = (char)('0' + (i < a->n ? a->d[i] : 0));
		if (i == scale && scale > 0)
			*o++ = '.';
	}
	*o = '\0';
}

/* ---- randomized comparison ---------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* A random plain decimal text, mostly small, sometimes at the limits. */
static void
rand_text(char *out)
{
	int nd, scale, i, neg = rng() & 1;
	char dig[64];
	char *o = out;
	unsigned k = (unsigned)(rng() % 16);

	if (k < 8)
		nd = 1 + (int)(rng() % 10);
	else if (k < 13)
		nd = 1 + (int)(rng() % 20);
	else
		nd = 19 + (int)(rng() % 20);	/* up to 38 */
	k = (unsigned)(rng() % 8);
	scale = k < 5 ? (int)(rng() % 9) : k < 7 ? (int)(rng() % 19) : (int)(rng() % 37);
	for (i = 0; i < nd; i++)
		dig[i] = (char)('0' + rng() % 10);
	if (rng() % 8 == 0)	/* trailing zeros */
		for (i = nd - 1 - (int)(rng() % 4); i < nd; i++)
			if (i >= 0)
				dig[i] = '0';
	if (rng() % 32 == 0)
		memset(dig, '0', (size_t)nd);
	/* leading zeros of the coefficient become part of the integer 0 */
	while (nd > 1 && dig[0] == '0') {
		memmove(dig, dig + 1, (size_t)nd - 1);
		nd--;
	}
	if (neg)
		*o++ = '-';
	if (scale >= nd) {
		*o++ = '0';
		*o++ = '.';
		for (i = nd; i < scale; i++)
			*o++ = '0';
		memcpy(o, dig, (size_t)nd);
		o += nd;
	} else {
		memcpy(o, dig, (size_t)(nd - scale));
		o += nd - scale;
		if (scale) {
			*o++ = '.';
			memcpy(o, dig + nd - scale, (size_t)scale);
			o += scale;
		}
	}
	*o = '\0';
	if (neg && strspn(out + 1, "0.") == strlen(out + 1))
		memmove(out, out + 1, strlen(out));	/* no "-0" */
}

static long rnd_fail, rnd_ovf;

static void
rfail(const char *op, const char *a, const char *b, const char *got, const char *want)
{
	if (rnd_fail++ < 10)
		printf("# random %s(%s, %s): got %s, want %s\n", op, a, b, got, want);
}

/*
 * Checks a result against the oracle value `want` at scale `scale`.  For
 * add, sub and mul (may_trim) the expected result is the exact value at
 * that natural scale or, when it does not fit there, at the largest
 * smaller scale where it does; -1 only when no scale fits.
 */
static void
check_res(const char *op, const char *ta, const char *tb, int rc, arb_dec r, big want, int scale,
    int may_trim)
{
	char wt[400], got[ARB_DEC_STRMAX];
	int fits;

	while (may_trim && (!big_fits(&want) || scale > ARB_DEC_MAXSCALE) && scale > 0 &&
	    want.n > 0 && want.d[0] == 0) {
		memmove(want.d, want.d + 1, (size_t)want.n - 1);
		want.n--;
		scale--;
	}
	if (want.n == 0 && scale > ARB_DEC_MAXSCALE)	/* zero: any scale */
		scale = ARB_DEC_MAXSCALE;
	fits = big_fits(&want) && scale <= ARB_DEC_MAXSCALE;
	big_text(wt, &want, scale);
	if (rc < 0) {
		rnd_ovf++;
		if (fits)
			rfail(op, ta, tb, "-1", wt);
		return;
	}
	arb_dec_fmt(r, got);
	if (!fits || strcmp(got, wt) != 0)
		rfail(op, ta, tb, got, fits ? wt : "-1");
}

static void
t_random(void)
{
	char ta[80], tb[80], got[ARB_DEC_STRMAX];
	long iters = 20000, i, ndiv = 0;
	int m;

	for (i = 0; i < iters; i++) {
		big a, b, x, y, w;
		int sa, sb, s, c;
		arb_dec da, db, r;
		int rc;

		rand_text(ta);
		rand_text(tb);
		da = P(ta);
		db = P(tb);
		arb_dec_fmt(da, got);
		if (strcmp(got, ta) != 0)
			rfail("parse/fmt", ta, "", got, ta);
		big_from(&a, &sa, ta);
		big_from(&b, &sb, tb);
		s = sa > sb ? sa : sb;
		x = a;
		y = b;
		big_shift(&x, s - sa);
		big_shift(&y, s - sb);

		/* cmp */
		c = x.neg != y.neg ? (x.neg ? -1 : 1) : big_cmp_mag(&x, &y) * (x.neg ? -1 : 1);
		if (arb_dec_cmp(da, db) != c)
			rfail("cmp", ta, tb, "?", "?");
		/* add, sub */
		rc = arb_dec_add(&r, da, db);
		big_add(&w, x, y);
		check_res("add", ta, tb, rc, r, w, s, 1);
		rc = arb_dec_sub(&r, da, db);
		y.neg = !y.neg && y.n > 0;
		big_add(&w, x, y);
		check_res("sub", ta, tb, rc, r, w, s, 1);
		/* mul */
		rc = arb_dec_mul(&r, da, db);
		big_mul(&w, &a, &b);
		check_res("mul", ta, tb, rc, r, w, sa + sb, 1);

		/* div, rescale, floor_to, ceil_to: rounding of the quotient */
		if (i % 4 == 0 && b.n > 0) {
			big n = a, q, rem;
			int scale = (int)(rng() % 37), e;

			/* q = a * 10^(scale - sa + sb) / b, integer */
			m = (int)(rng() % 4);
			e = scale - sa + sb;
			big_shift(&n, e > 0 ? e : 0);
			{
				big d = b;

				big_shift(&d, e < 0 ? -e : 0);
				big_divmod(&q, &rem, &n, &d);
				if (rem.n > 0) {
					int up = 0, neg = a.neg != b.neg;
					big twice, one;

					if (m == ARB_RND_FLOOR)
						up = neg;
					else if (m == ARB_RND_CEIL)
						up = !neg;
					else if (m == ARB_RND_HALF_EVEN) {
						memset(&twice, 0, sizeof twice);
						big_add_mag(&twice, &rem, &rem);
						c = big_cmp_mag(&twice, &d);
						up = c > 0 || (c == 0 && q.n > 0 && (q.d[0] & 1));
					}
					if (up) {
						memset(&one, 0, sizeof one);
						one.n = 1;
						one.d[0] = 1;
						big_add_mag(&q, &q, &one);
					}
				}
				q.neg = a.neg != b.neg;
				big_norm(&q);
			}
			rc = arb_dec_div(&r, da, db, scale, (enum arb_round)m);
			{
				char op[32];

				snprintf(op, sizeof op, "div/%d/%s", scale, rnd_name[m]);
				check_res(op, ta, tb, rc, r, q, scale, 0);
			}
			ndiv++;
		}
		if (i % 4 == 1) {
			/* rescale(a, scale) equals a / 1 at that scale */
			int scale = (int)(rng() % 37);
			arb_dec one = {1, 0}, r2;
			int rc2;

			m = (int)(rng() % 4);
			rc = arb_dec_rescale(&r, da, scale, (enum arb_round)m);
			rc2 = arb_dec_div(&r2, da, one, scale, (enum arb_round)m);
			if (rc != rc2 || (rc == 0 && (r.m != r2.m || r.s != r2.s))) {
				char g1[ARB_DEC_STRMAX] = "-1", g2[ARB_DEC_STRMAX] = "-1";

				if (rc == 0)
					arb_dec_fmt(r, g1);
				if (rc2 == 0)
					arb_dec_fmt(r2, g2);
				rfail("rescale", ta, rnd_name[m], g1, g2);
			}
		}
		if (i % 4 == 2 && b.n > 0) {
			/* floor_to(a, |b|) = floor(a / |b|) * |b|, checked
			 * through div and mul (themselves checked above) */
			arb_dec st = arb_dec_abs(db), q, want;
			int rc2;

			rc = arb_dec_floor_to(&r, da, st);
			rc2 = arb_dec_div(&q, da, st, 0, ARB_RND_FLOOR);
			if (rc2 == 0)
				rc2 = arb_dec_mul(&want, q, st);
			if (rc == 0 && (rc2 < 0 || arb_dec_cmp(r, want) != 0 || !arb_dec_is_multiple(r, st) ||
			    r.s != (da.s > st.s ? da.s : st.s)))
				rfail("floor_to", ta, tb, F(r), rc2 ? "-1" : F(want));
			/* -1 only when the result does not fit at the
			 * larger scale (or a aligned to it does not) */
			if (rc < 0 && rc2 == 0 && arb_dec_rescale(&want, want, da.s > st.s ? da.s : st.s,
			    ARB_RND_DOWN) == 0 && arb_dec_rescale(&q, da, want.s, ARB_RND_DOWN) == 0 &&
			    arb_dec_rescale(&q, st, want.s, ARB_RND_DOWN) == 0)
				rfail("floor_to", ta, tb, "-1", F(want));
			rc = arb_dec_ceil_to(&r, da, st);
			rc2 = arb_dec_div(&q, da, st, 0, ARB_RND_CEIL);
			if (rc2 == 0)
				rc2 = arb_dec_mul(&want, q, st);
			if (rc == 0 && (rc2 < 0 || arb_dec_cmp(r, want) != 0 || !arb_dec_is_multiple(r, st)))
				rfail("ceil_to", ta, tb, F(r), rc2 ? "-1" : F(want));
			/* is_multiple agrees with the remainder */
			{
				big qq, rem;

				big_divmod(&qq, &rem, &x, &y);
				if (arb_dec_is_multiple(da, st) != (rem.n == 0))
					rfail("is_multiple", ta, tb, "?", "?");
			}
		}
	}
	printf("# random: %ld iterations of add/sub/mul/cmp, %ld divisions, %ld overflows seen\n",
	    iters, ndiv, rnd_ovf);
	ok(rnd_fail == 0, "random operations agree with the decimal-string oracle (%ld failures)", rnd_fail);
}

int
main(void)
{
	t_parse_fmt();
	t_bots();
	t_add_sub_mul();
	t_overflow();
	t_div_round();
	t_ticks();
	t_cmp_misc();
	t_scan_self();
	t_recordings();
	t_random();
	return done_testing();
}
