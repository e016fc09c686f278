/*
 * dec.h: exact decimal numbers for prices, quantities, fees and money.
 *
 * A value is m * 10^-s with a 128-bit signed coefficient m and a scale
 * 0 <= s <= ARB_DEC_MAXSCALE.  Parsing keeps the scale of the text, so
 * "0.10" formats back as "0.10".  Every operation is exact or rounds as
 * the caller says; overflow is reported (-1), never wrapped.  Binary
 * floating point is never used.
 */
#ifndef ARB_DEC_H
#define ARB_DEC_H

#include <stddef.h>
#include <stdint.h>

#define ARB_DEC_MAXSCALE 36
/* Longest text arb_dec_fmt can produce, plus the NUL. */
#define ARB_DEC_STRMAX 84

typedef struct {
	__int128 m;
	int s;
} arb_dec;

enum arb_round {
	ARB_RND_DOWN,      /* toward zero (truncate) */
	ARB_RND_FLOOR,     /* toward -infinity */
	ARB_RND_CEIL,      /* toward +infinity */
	ARB_RND_HALF_EVEN  /* to nearest, ties to even */
};

/*
 * Parses a JSON-style number: -?digits(.digits)?([eE][+-]?digits)?.  Also
 * accepts a leading '+' and no leading digit is required to be non-zero
 * (venues write "00.1" rarely but they do).  Exponents are folded into the
 * scale ("1e-8" is m=1 s=8; "9e10" is m=90000000000 s=0).  Returns 0, or -1
 * with *why set to a static reason (bad syntax, too many digits, scale).
 * Up to 39 significant digits are accepted when the value fits in 128
 * bits, so everything arb_dec_fmt prints parses back.
 */
int arb_dec_parse(arb_dec *d, const char *s, size_t n, const char **why);

/* Formats as plain decimal with exactly d.s fraction digits, no exponent.
 * Returns the length written (buf must hold ARB_DEC_STRMAX bytes). */
size_t arb_dec_fmt(arb_dec d, char *buf);

/* A value from an integer and a scale: arb_dec_make(5, 1) is 0.5. */
arb_dec arb_dec_make(int64_t m, int s);

int arb_dec_add(arb_dec *r, arb_dec a, arb_dec b);   /* exact; -1 overflow */
int arb_dec_sub(arb_dec *r, arb_dec a, arb_dec b);   /* exact; -1 overflow */
/* Exact.  When the exact value does not fit at its natural scale (the sum
 * of the scales, or scale > ARB_DEC_MAXSCALE) but trailing zeros can be
 * dropped to make it fit, the result comes back at the largest scale that
 * holds it; -1 only when the exact value cannot be stored at any scale. */
int arb_dec_mul(arb_dec *r, arb_dec a, arb_dec b);
/* a / b rounded to `scale` fraction digits; -1 on b == 0 or overflow. */
int arb_dec_div(arb_dec *r, arb_dec a, arb_dec b, int scale, enum arb_round rnd);
/* Changes the scale, rounding when it shrinks; -1 on overflow. */
int arb_dec_rescale(arb_dec *r, arb_dec a, int scale, enum arb_round rnd);
/* Rounds a to a multiple of step (> 0): floor (toward -inf) or ceil.  The
 * result has the larger of the two scales.  -1 on overflow or step <= 0. */
int arb_dec_floor_to(arb_dec *r, arb_dec a, arb_dec step);
int arb_dec_ceil_to(arb_dec *r, arb_dec a, arb_dec step);

int arb_dec_cmp(arb_dec a, arb_dec b);               /* -1, 0, 1; exact */
int arb_dec_sign(arb_dec a);                         /* -1, 0, 1 */
static inline int arb_dec_is_zero(arb_dec a) { return a.m == 0; }
arb_dec arb_dec_neg(arb_dec a);
arb_dec arb_dec_abs(arb_dec a);
arb_dec arb_dec_min(arb_dec a, arb_dec b);
arb_dec arb_dec_max(arb_dec a, arb_dec b);
/* Removes trailing fraction zeros: 1.2300 -> 1.23, 5.0 -> 5. */
arb_dec arb_dec_trim(arb_dec a);
/* True when a is an exact multiple of step (> 0). */
int arb_dec_is_multiple(arb_dec a, arb_dec step);
/* Basis points of num/den, rounded toward zero to 2 decimals (for display
 * fields such as gross_bps); -1 when den is 0. */
int arb_dec_bps(arb_dec *r, arb_dec num, arb_dec den);

#endif
