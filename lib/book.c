#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "util.h"

static inline int pxcmp(arb_dec a, arb_dec b)
{
	if (a.s == b.s)
		return (a.m > b.m) - (a.m < b.m);
	return arb_dec_cmp(a, b);
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
static uint32_t find(const struct arb_book_side *s, int dir, arb_dec px, int *found)
{
	uint32_t lo = 0, hi = s->n;

	/* Most updates touch the top of the book: try the last slots first. */
	if (s->n) {
		int c = pxcmp(px, s->l[s->n - 1].px) * dir;
		if (c > 0) {
			*found = 0;
			return s->n;
		}
		if (c == 0) {
			*found = 1;
			return s->n - 1;
		}
		hi = s->n - 1;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = pxcmp(px, s->l[mid].px) * dir;
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
	uint32_t i;

	if (arb_dec_sign(px) < 0 || arb_dec_sign(qty) < 0)
		return -1;
	if (arb_dec_is_zero(qty)) {
		arb_book_del(b, side, px);
		return 0;
	}
	i = find(s, dir, px, &found);
	if (found) {
		s->l[i].px = px;
		s->l[i].qty = qty;
		return 0;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		xrealloc(&s->l, (size_t)cap * sizeof *s->l);
		s->cap = cap;
	}
	memmove(&s->l[i + 1], &s->l[i], (size_t)(s->n - i) * sizeof *s->l);
	s->l[i].px = px;
	s->l[i].qty = qty;
	s->n++;
	return 0;
}

int arb_book_del(struct arb_book *b, enum arb_side side, arb_dec px)
{
	struct arb_book_side *s = &b->s[side];
	int found;
	uint32_t i = find(s, side == ARB_BID ? 1 : -1, px, &found);

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
		out[i] = s->l[s->n - 1 - i];
	return n;
}

int arb_book_crossed(const struct arb_book *b)
{
	const struct arb_book_side *bi = &b->s[ARB_BID], *as = &b->s[ARB_ASK];

	if (!bi->n || !as->n)
		return 0;
	return pxcmp(bi->l[bi->n - 1].px, as->l[as->n - 1].px) >= 0;
}
