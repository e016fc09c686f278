#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "util.h"

static inline arb_dec D(int64_t m, int s)
{
	arb_dec d = { m, s };
	return d;
}

/* Compares a price with the one of a stored level. */
static inline int pxcmp(int64_t m, int s, const struct arb_blevel *l)
{
	if (s == l->ps)
		return (m > l->px) - (m < l->px);
	return arb_dec_cmp(D(m, s), D(l->px, l->ps));
}

static int compact(arb_dec d, int64_t *m, int8_t *s)
{
	if (d.m > INT64_MAX || d.m < INT64_MIN || d.s > 127)
		return -1;
	*m = (int64_t)d.m;
	*s = (int8_t)d.s;
	return 0;
}

static inline struct arb_level expand(const struct arb_blevel *l)
{
	struct arb_level x;

	x.px = D(l->px, l->ps);
	x.qty = D(l->qty, l->qs);
	return x;
}

void arb_book_init(struct arb_book *b)
{
	memset(b, 0, sizeof *b);
}

void arb_book_free(struct arb_book *b)
{
	free(b->s[0].l);
	free(b->s[1].l);
	memset(b, 0, sizeof *b);
}

void arb_book_clear(struct arb_book *b)
{
	b->s[0].n = b->s[1].n = 0;
}

/*
 * Position of px in the side's array: the index of the level with that
 * price (*found = 1) or where it would be inserted.  The array is in
 * "worst first" order, which is ascending for bids and descending for
 * asks; dir folds both into one ascending search.
 */
static uint32_t find(const struct arb_book_side *s, int dir, int64_t pm, int ps, int *found)
{
	uint32_t lo = 0, hi = s->n, step = 1;

	/* Most updates touch the top of the book: gallop down from the best
	 * level (the end of the array) to bracket the price, then bisect. */
	while (hi > 0) {
		uint32_t probe = hi > step ? hi - step : 0;
		int c = pxcmp(pm, ps, &s->l[probe]) * dir;
		if (c == 0) {
			*found = 1;
			return probe;
		}
		if (c > 0) {
			lo = probe + 1;
			break;
		}
		hi = probe;
		step *= 2;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = pxcmp(pm, ps, &s->l[mid]) * dir;
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

int arb_book_set(struct arb_book *b, enum arb_side side, arb_dec px, arb_dec qty)
{
	struct arb_book_side *s = &b->s[side];
	int dir = side == ARB_BID ? 1 : -1, found;
	int64_t pm, qm;
	int8_t ps, qs;
	uint32_t i;

	if (arb_dec_sign(px) < 0 || arb_dec_sign(qty) < 0 || compact(px, &pm, &ps) < 0 || compact(qty, &qm, &qs) < 0)
		return -1;
	if (qm == 0) {
		arb_book_del(b, side, px);
		return 0;
	}
	i = find(s, dir, pm, ps, &found);
	if (found) {
		s->l[i].px = pm;
		s->l[i].ps = ps;
		s->l[i].qty = qm;
		s->l[i].qs = qs;
		return 0;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap + s->cap / 2 : 64;
		xrealloc(&s->l, (size_t)cap * sizeof *s->l);
		s->cap = cap;
	}
	memmove(&s->l[i + 1], &s->l[i], (size_t)(s->n - i) * sizeof *s->l);
	s->l[i].px = pm;
	s->l[i].ps = ps;
	s->l[i].qty = qm;
	s->l[i].qs = qs;
	s->n++;
	return 0;
}

int arb_book_del(struct arb_book *b, enum arb_side side, arb_dec px)
{
	struct arb_book_side *s = &b->s[side];
	int found;
	int64_t pm;
	int8_t ps;
	uint32_t i;

	if (compact(px, &pm, &ps) < 0)
		return 0;
	i = find(s, side == ARB_BID ? 1 : -1, pm, ps, &found);
	if (!found)
		return 0;
	memmove(&s->l[i], &s->l[i + 1], (size_t)(s->n - i - 1) * sizeof *s->l);
	s->n--;
	return 1;
}

void arb_book_truncate(struct arb_book *b, uint32_t n)
{
	for (int k = 0; k < 2; k++) {
		struct arb_book_side *s = &b->s[k];
		if (s->n > n) {
			memmove(s->l, s->l + (s->n - n), (size_t)n * sizeof *s->l);
			s->n = n;
		}
	}
}

uint32_t arb_book_top(const struct arb_book *b, enum arb_side side, uint32_t n, struct arb_level *out)
{
	const struct arb_book_side *s = &b->s[side];
	uint32_t i;

	if (n > s->n)
		n = s->n;
	for (i = 0; i < n; i++)
		out[i] = expand(&s->l[s->n - 1 - i]);
	return n;
}

int arb_book_crossed(const struct arb_book *b)
{
	const struct arb_book_side *bi = &b->s[ARB_BID], *as = &b->s[ARB_ASK];

	if (!bi->n || !as->n)
		return 0;
	return pxcmp(bi->l[bi->n - 1].px, bi->l[bi->n - 1].ps, &as->l[as->n - 1]) >= 0;
}

const struct arb_level *arb_book_level(const struct arb_book *b, enum arb_side side, uint32_t i)
{
	const struct arb_book_side *s = &b->s[side];
	struct arb_level *t = (struct arb_level *)&b->tmp;

	if (i >= s->n)
		return NULL;
	*t = expand(&s->l[s->n - 1 - i]);
	return t;
}

/* A non-negative coefficient and scale as plain decimal text. */
static size_t fmt64(char *out, int64_t m, int s)
{
	char tmp[32];
	uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	size_t n = 0, k = 0;
	int i;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while ((int)n <= s)
		tmp[n++] = '0';    /* at least one digit before the point */
	if (m < 0)
		out[k++] = '-';
	for (i = (int)n - 1; i >= 0; i--) {
		out[k++] = tmp[i];
		if (i == s && s > 0)
			out[k++] = '.';
	}
	return k;
}

void arb_book_json(const struct arb_book *b, enum arb_side side, uint32_t n, struct arb_buf *out)
{
	const struct arb_book_side *s = &b->s[side];
	char *p;

	if (n > s->n)
		n = s->n;
	/* 2 x (20 digits + sign + point) + "[,]," per level */
	arb_buf_reserve(out, (size_t)n * 56 + 3);
	p = out->p + out->len;
	*p++ = '[';
	for (uint32_t i = 0; i < n; i++) {
		const struct arb_blevel *l = &s->l[s->n - 1 - i];
		if (i)
			*p++ = ',';
		*p++ = '[';
		p += fmt64(p, l->px, l->ps);
		*p++ = ',';
		p += fmt64(p, l->qty, l->qs);
		*p++ = ']';
	}
	*p++ = ']';
	out->len = (size_t)(p - out->p);
	*p = 0;
}

struct loadent {
	struct arb_blevel l;
	uint32_t i;        /* input order: a later one wins a tie */
};

static int load_dir;

static int loadcmp(const void *a, const void *b)
{
	const struct loadent *x = a, *y = b;
	int c = x->l.ps == y->l.ps ? (x->l.px > y->l.px) - (x->l.px < y->l.px) :
	    arb_dec_cmp(D(x->l.px, x->l.ps), D(y->l.px, y->l.ps));

	c *= load_dir;
	if (c == 0)
		c = (x->i > y->i) - (x->i < y->i);
	return c;
}

int arb_book_load(struct arb_book *b, enum arb_side side, const struct arb_level *l, uint32_t n)
{
	struct arb_book_side *s = &b->s[side];
	struct loadent *e;
	uint32_t i, k = 0;

	if (s->n) {
		for (i = 0; i < n; i++)
			if (arb_book_set(b, side, l[i].px, l[i].qty) < 0)
				return -1;
		return 0;
	}
	if (!n)
		return 0;
	e = xmalloc((size_t)n * sizeof *e);
	for (i = 0; i < n; i++) {
		if (arb_dec_sign(l[i].px) < 0 || arb_dec_sign(l[i].qty) < 0 ||
		    compact(l[i].px, &e[i].l.px, &e[i].l.ps) < 0 || compact(l[i].qty, &e[i].l.qty, &e[i].l.qs) < 0) {
			free(e);
			return -1;
		}
		e[i].i = i;
	}
	load_dir = side == ARB_BID ? 1 : -1;
	qsort(e, n, sizeof *e, loadcmp);
	if (s->cap < n) {
		/* a little room: books mostly move around their snapshot's size */
		s->cap = n + 32;
		xrealloc(&s->l, (size_t)s->cap * sizeof *s->l);
	}
	for (i = 0; i < n; i++) {
		/* the last of a run of equal prices is the one that counts */
		if (i + 1 < n && (e[i].l.ps == e[i + 1].l.ps ? e[i].l.px == e[i + 1].l.px :
		    arb_dec_cmp(D(e[i].l.px, e[i].l.ps), D(e[i + 1].l.px, e[i + 1].l.ps)) == 0))
			continue;
		if (e[i].l.qty == 0)
			continue;
		s->l[k++] = e[i].l;
	}
	s->n = k;
	free(e);
	return 0;
}
