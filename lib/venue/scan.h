/*
 * scan.h: reading venue frames of a known shape straight from the text,
 * the fast path in front of the JSON tokenizer (json.h).
 *
 * Each helper takes the position p in [p, e) (NULL: an earlier step
 * failed, and NULL is passed on) and returns the position after what it
 * read, or NULL.  Together they accept a strict subset of JSON: no
 * whitespace, strings of printable ASCII without escapes, integers
 * without sign, leading zero, fraction or exponent, and decimals quoted
 * as venues quote them, [0-9]+(.[0-9]+)? with at most 18 digits (so that
 * the coefficient fits the book's 64 bits).  Whatever is not in that
 * subset gives NULL and the caller hands the frame to the tokenizer, which
 * then decides and reports errors.  So a frame takes the fast path only
 * when the tokenizer would have read the very same values from it, and
 * the output does not depend on which path read it.
 */
#ifndef ARB_VENUE_SCAN_H
#define ARB_VENUE_SCAN_H

#include <stdint.h>
#include <string.h>
#include "book.h"
#include "util.h"

/* A literal (given as a string constant). */
#define ARB_SCAN_LIT(p, e, lit) arb_scan_lit((p), (e), (lit), sizeof(lit) - 1)
static inline const char *arb_scan_lit(const char *p, const char *e, const char *lit, size_t n)
{
	return p && (size_t)(e - p) >= n && memcmp(p, lit, n) == 0 ? p + n : NULL;
}

/* A string of printable ASCII without escapes: *s and *n its contents. */
static inline const char *arb_scan_str(const char *p, const char *e, const char **s, size_t *n)
{
	const char *q;

	if (!p || p >= e || *p != '"')
		return NULL;
	for (q = ++p; q < e && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e || *q == '\\')
			return NULL;
	if (q >= e)
		return NULL;
	*s = p;
	*n = (size_t)(q - p);
	return q + 1;
}

/* A JSON integer of 1 to maxdig (at most 18) digits, not negative. */
static inline const char *arb_scan_int(const char *p, const char *e, int64_t *v, int maxdig)
{
	const char *b = p;
	int64_t x = 0;

	if (!p)
		return NULL;
	for (; p < e && (unsigned)(*p - '0') <= 9; p++) {
		if (p - b >= maxdig)
			return NULL;
		x = x * 10 + (*p - '0');
	}
	if (p == b || (*b == '0' && p - b > 1))
		return NULL;
	*v = x;
	return p;
}

/* A quoted decimal "123.4500": coefficient 1234500, scale 4. */
static inline const char *arb_scan_decstr(const char *p, const char *e, int64_t *m, int8_t *s)
{
	int64_t x = 0;
	int nd = 0, fr = 0, dot = 0;

	if (!p || p >= e || *p++ != '"')
		return NULL;
	for (; p < e; p++) {
		unsigned c = (unsigned)(*p - '0');
		if (c <= 9) {
			if (++nd > 18)
				return NULL;
			x = x * 10 + (int64_t)c;
			fr += dot;
		} else if (*p == '.' && !dot && nd)
			dot = 1;
		else
			break;
	}
	/* a point needs a digit after it */
	if (!nd || p >= e || *p != '"' || p[-1] == '.')
		return NULL;
	*m = x;
	*s = (int8_t)fr;
	return p + 1;
}

/*
 * An array of levels [["price","qty"],...] (exactly two quoted decimals
 * each), appended to the scratch array *lv (capacity *cap, grown as
 * needed) from index *n on.
 */
static inline const char *arb_scan_levels(const char *p, const char *e, struct arb_blevel **lv,
    uint32_t *cap, uint32_t *n)
{
	if (!p || p >= e || *p++ != '[')
		return NULL;
	if (p < e && *p == ']')
		return p + 1;
	for (;;) {
		struct arb_blevel *l;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			xrealloc(lv, (size_t)*cap * sizeof **lv);
		}
		l = &(*lv)[*n];
		if (p >= e || *p++ != '[')
			return NULL;
		p = arb_scan_decstr(p, e, &l->px, &l->ps);
		if (!p || p >= e || *p++ != ',')
			return NULL;
		p = arb_scan_decstr(p, e, &l->qty, &l->qs);
		if (!p || p >= e || *p++ != ']')
			return NULL;
		(*n)++;
		if (p >= e)
			return NULL;
		if (*p == ']')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

#endif
