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

/* True when one of the 8 bytes of v is '"', '\\', below 0x20 or above 0x7e
 * (exactly: the zero-byte test of each condition). */
static inline int arb_scan_special8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\'), d = v ^ (ones * 0x7f);

	return ((((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d) | ((v - ones * 0x20) & ~v) | v) & high) != 0;
}

/* A string of printable ASCII without escapes: *s and *n its contents. */
static inline const char *arb_scan_str(const char *p, const char *e, const char **s, size_t *n)
{
	const char *q;

	if (!p || p >= e || *p != '"')
		return NULL;
	q = ++p;
	while (e - q >= 8) {
		uint64_t v;
		memcpy(&v, q, 8);
		if (arb_scan_special8(v))
			break;
		q += 8;
	}
	for (; q < e && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e || *q == '\\')
			return NULL;
	if (q >= e)
		return NULL;
	*s = p;
	*n = (size_t)(q - p);
	return q + 1;
}

/* The 8 bytes at p as a word whose lowest byte is p[0]. */
static inline uint64_t arb_scan_load8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Of a word from arb_scan_load8: a byte not zero where the text's byte is
 * not an ASCII digit (exact up to the first such byte, which is what
 * the callers look at: a carry only moves towards later bytes). */
static inline uint64_t arb_scan_nondigit8(uint64_t v)
{
	return ((v & 0xf0f0f0f0f0f0f0f0ULL) ^ 0x3030303030303030ULL) |
	    (((v + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) ^ 0x3030303030303030ULL);
}

/* True when the 8 bytes at p are all ASCII digits. */
static inline int arb_scan_8digits(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return ((v & 0xf0f0f0f0f0f0f0f0ULL) | (((v + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >> 4)) ==
	    0x3333333333333333ULL;
}

/* The value of 8 ASCII digits in a word from arb_scan_load8, the first
 * (lowest byte) the most significant (combining pairs, then fours, then
 * the two halves). */
static inline uint64_t arb_scan_8word(uint64_t v)
{
	v -= 0x3030303030303030ULL;
	v = v * 10 + (v >> 8);
	v = ((v & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
	    ((v >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >> 32;
	return v;
}

/* The value of 8 ASCII digits at p. */
static inline uint64_t arb_scan_8value(const char *p)
{
	return arb_scan_8word(arb_scan_load8(p));
}

/* Digits [p, e) into *x (wrapping: the caller bounds the count): eight
 * bytes at a time, the last run of fewer than eight digits at once too
 * (shifted behind '0's) while eight bytes can be read. */
static inline const char *arb_scan_digits(const char *p, const char *e, uint64_t *x)
{
	static const uint64_t p10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	uint64_t v = *x;

	while (e - p >= 8) {
		uint64_t w = arb_scan_load8(p), nd = arb_scan_nondigit8(w);
		unsigned k;
		if (!nd) {
			v = v * 100000000u + arb_scan_8word(w);
			p += 8;
			continue;
		}
		k = (unsigned)__builtin_ctzll(nd) / 8;   /* digits before the first other byte */
		if (k) {
			w = (w << (8 * (8 - k))) | (0x3030303030303030ULL >> (8 * k));
			v = v * p10[k] + arb_scan_8word(w);
			p += k;
		}
		*x = v;
		return p;
	}
	for (; p < e && (unsigned)(*p - '0') <= 9; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	*x = v;
	return p;
}

/* A JSON integer of 1 to maxdig (at most 18) digits, not negative. */
static inline const char *arb_scan_int(const char *p, const char *e, int64_t *v, int maxdig)
{
	const char *q;
	uint64_t x = 0;

	if (!p)
		return NULL;
	q = arb_scan_digits(p, e, &x);
	if (q == p || q - p > maxdig || (*p == '0' && q - p > 1))
		return NULL;
	*v = (int64_t)x;
	return q;
}

/* A JSON integer of 1 to maxdig digits, possibly negative ("-0" is 0, as
 * the tokenizer reads it). */
static inline const char *arb_scan_sint(const char *p, const char *e, int64_t *v, int maxdig)
{
	int neg = p && p < e && *p == '-';

	p = arb_scan_int(p ? p + neg : NULL, e, v, maxdig);
	if (p && neg)
		*v = -*v;
	return p;
}

/* A quoted integer "1633998512068" (venues quote times and ids): what
 * arb_json_i64 reads from such a string. */
static inline const char *arb_scan_qint(const char *p, const char *e, int64_t *v, int maxdig)
{
	if (!p || p >= e || *p++ != '"')
		return NULL;
	p = arb_scan_int(p, e, v, maxdig);
	return p && p < e && *p == '"' ? p + 1 : NULL;
}

/* A decimal [0-9]+(.[0-9]+)? of at most 18 digits, unquoted when q is 0
 * (a JSON number: then a leading zero must stand alone, as JSON wants),
 * quoted when q is '"'.  Its text is [*t, end) without the quotes.  The
 * general form; arb_scan_dec() below takes the usual short ones at once. */
static inline const char *arb_scan_dec_any(const char *p, const char *e, int q, int64_t *m, int8_t *s,
    const char **t)
{
	const char *b, *f;
	uint64_t x = 0;
	long fr = 0;

	if (!p || p >= e)
		return NULL;
	if (q && *p++ != q)
		return NULL;
	b = p;
	p = arb_scan_digits(p, e, &x);
	if (p == b || (!q && *b == '0' && p - b > 1))
		return NULL;
	if (p < e && *p == '.') {
		f = ++p;
		p = arb_scan_digits(p, e, &x);
		fr = p - f;
		if (!fr)
			return NULL;
	}
	if ((p - b) - (fr > 0) > 18)
		return NULL;
	if (q) {
		if (p >= e || *p != q)
			return NULL;
	} else if (p < e && (*p == 'e' || *p == 'E'))
		return NULL;   /* an exponent: the tokenizer's */
	*m = (int64_t)x;
	*s = (int8_t)fr;
	*t = b;
	return q ? p + 1 : p;
}

/* The value of the first k (1 to 8) digits of a word from arb_scan_load8. */
static inline uint64_t arb_scan_kword(uint64_t w, unsigned k)
{
	if (k < 8)
		w = (w << (8 * (8 - k))) | (0x3030303030303030ULL >> (8 * k));
	return arb_scan_8word(w);
}

/*
 * arb_scan_dec_any(), with the usual case at once: 1 to 7 integer digits
 * and none or 1 to 8 fraction digits, read as two words when 25 bytes can
 * be read.  Anything else (and any doubt) goes the general way, which
 * decides.
 */
static inline const char *arb_scan_dec(const char *p, const char *e, int q, int64_t *m, int8_t *s,
    const char **t)
{
	static const uint64_t p10[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };

	if (p && e - p >= 25 && (!q || *p == q)) {
		const char *b = p + (q != 0), *c;
		uint64_t w0 = arb_scan_load8(b), n0 = arb_scan_nondigit8(w0), w1, n1;
		unsigned i, j;
		if (!n0 || !(i = (unsigned)__builtin_ctzll(n0) / 8) || (!q && b[0] == '0' && i > 1))
			return arb_scan_dec_any(p, e, q, m, s, t);
		c = b + i;   /* after the integer digits */
		if (*c == '.') {
			w1 = arb_scan_load8(c + 1);
			n1 = arb_scan_nondigit8(w1);
			j = n1 ? (unsigned)__builtin_ctzll(n1) / 8 : 8;
			if (!j)
				return arb_scan_dec_any(p, e, q, m, s, t);
			*m = (int64_t)(arb_scan_kword(w0, i) * p10[j] + arb_scan_kword(w1, j));
			*s = (int8_t)j;
			c += 1 + j;
		} else {
			*m = (int64_t)arb_scan_kword(w0, i);
			*s = 0;
		}
		/* the end: the closing quote, or for a number anything but a
		 * digit (nine fraction digits, say) or an exponent */
		if (q ? *c != q : (unsigned)(*c - '0') <= 9 || *c == 'e' || *c == 'E')
			return arb_scan_dec_any(p, e, q, m, s, t);
		*t = b;
		return q ? c + 1 : c;
	}
	return arb_scan_dec_any(p, e, q, m, s, t);
}

/* A quoted decimal "123.4500": coefficient 1234500, scale 4. */
static inline const char *arb_scan_decstr(const char *p, const char *e, int64_t *m, int8_t *s)
{
	const char *t;

	return arb_scan_dec(p, e, '"', m, s, &t);
}

/* Text of a decimal that arb_dec_fmt would write as it is: no leading zero
 * in the integer part (scan_decstr's form otherwise). */
static inline int arb_scan_canonical(const char *t, const char *e)
{
	return t[0] != '0' || e - t == 1 || t[1] == '.';
}

/*
 * A JSON list read element by element:
 *
 *	int more;
 *	p = arb_scan_list(p, e, &more);
 *	while (more) {
 *		p = ...one element...;   (NULL when it is not one)
 *		p = arb_scan_list_next(p, e, &more);
 *	}
 *	return p;
 *
 * arb_scan_list: p past the '[' with *more 1, or past "[]" with *more 0;
 * NULL (and *more 0) when p does not start a list.  arb_scan_list_next,
 * after an element: past a ',' with *more 1, past the ']' that ends the
 * list with *more 0, NULL (and *more 0) when neither follows or p is NULL.
 */
static inline const char *arb_scan_list(const char *p, const char *e, int *more)
{
	*more = 0;
	if (!p || p >= e || *p++ != '[')
		return NULL;
	if (p < e && *p == ']')
		return p + 1;
	*more = 1;
	return p;
}

static inline const char *arb_scan_list_next(const char *p, const char *e, int *more)
{
	*more = 0;
	if (!p || p >= e)
		return NULL;
	if (*p == ']')
		return p + 1;
	if (*p != ',')
		return NULL;
	*more = 1;
	return p + 1;
}

/* Room for level *n of the scratch arrays (text too when tx). */
static inline struct arb_blevel *arb_scan_room(struct arb_blevel **lv, uint32_t *cap,
    struct arb_book_text **tx, uint32_t *txcap, uint32_t n)
{
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		xrealloc(lv, (size_t)*cap * sizeof **lv);
	}
	if (tx && n >= *txcap) {
		*txcap = *cap;
		xrealloc(tx, (size_t)*txcap * sizeof **tx);
	}
	return &(*lv)[n];
}

/* The text of a level [pt, pe) and [qt, qe) when both are written as
 * arb_dec_fmt would write them, else none. */
static inline void arb_scan_text(struct arb_book_text *x, const char *pt, const char *pe,
    const char *qt, const char *qe)
{
	if (arb_scan_canonical(pt, pe) && arb_scan_canonical(qt, qe)) {
		x->px = pt;
		x->pxn = (uint32_t)(pe - pt);
		x->qty = qt;
		x->qtyn = (uint32_t)(qe - qt);
	} else
		x->px = NULL;
}

/*
 * Levels of other shapes, appended like arb_scan_levels does:
 *   'x' [["price","qty",...],...]: two quoted decimals and any number of
 *       other strings (OKX: [px, sz, "0", orders]);
 *   'k' [{"price":n,"qty":n},...] with JSON numbers (Kraken v2).
 */
static inline const char *arb_scan_levels2(const char *p, const char *e, int kind, struct arb_blevel **lv,
    uint32_t *cap, struct arb_book_text **tx, uint32_t *txcap, uint32_t *n)
{
	int more;

	p = arb_scan_list(p, e, &more);
	while (more) {
		struct arb_blevel *l = arb_scan_room(lv, cap, tx, txcap, *n);
		const char *pt = NULL, *qt = NULL, *pe, *qe;
		if (kind == 'k') {
			p = ARB_SCAN_LIT(p, e, "{\"price\":");
			p = arb_scan_dec(p, e, 0, &l->px, &l->ps, &pt);
			pe = p;
			p = ARB_SCAN_LIT(p, e, ",\"qty\":");
			p = arb_scan_dec(p, e, 0, &l->qty, &l->qs, &qt);
			qe = p;
			p = ARB_SCAN_LIT(p, e, "}");
		} else {
			p = ARB_SCAN_LIT(p, e, "[");
			p = arb_scan_dec(p, e, '"', &l->px, &l->ps, &pt);
			pe = p ? p - 1 : NULL;
			p = ARB_SCAN_LIT(p, e, ",");
			p = arb_scan_dec(p, e, '"', &l->qty, &l->qs, &qt);
			qe = p ? p - 1 : NULL;
			while (p && p < e && *p == ',') {
				const char *s;
				size_t sn;
				p = arb_scan_str(p + 1, e, &s, &sn);
			}
			p = ARB_SCAN_LIT(p, e, "]");
		}
		if (!p)
			return NULL;
		if (tx)
			arb_scan_text(&(*tx)[*n], pt, pe, qt, qe);
		(*n)++;
		p = arb_scan_list_next(p, e, &more);
	}
	return p;
}

/*
 * An array of levels [["price","qty"],...] (exactly two quoted decimals
 * each), appended to the scratch array *lv (capacity *cap, grown as
 * needed) from index *n on.  With tx (capacity *txcap), also the text of
 * each level when it is canonical (arb_book_set64t), else px NULL.
 */
static inline const char *arb_scan_levels(const char *p, const char *e, struct arb_blevel **lv,
    uint32_t *cap, struct arb_book_text **tx, uint32_t *txcap, uint32_t *n)
{
	int more;

	p = arb_scan_list(p, e, &more);
	while (more) {
		struct arb_blevel *l = arb_scan_room(lv, cap, tx, txcap, *n);
		const char *pt, *qt;
		if (p >= e || *p++ != '[')
			return NULL;
		pt = p + 1;
		p = arb_scan_decstr(p, e, &l->px, &l->ps);
		if (!p || p >= e || *p++ != ',')
			return NULL;
		qt = p + 1;
		p = arb_scan_decstr(p, e, &l->qty, &l->qs);
		if (!p || p >= e || *p++ != ']')
			return NULL;
		/* each text ends at its closing quote: the price's is 3
		 * before qt ('","'), the quantity's 2 before p ('"]') */
		if (tx)
			arb_scan_text(&(*tx)[*n], pt, qt - 3, qt, p - 2);
		(*n)++;
		p = arb_scan_list_next(p, e, &more);
	}
	return p;
}

#endif
