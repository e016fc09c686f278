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
	free(b->s[0].t.txt);
	free(b->s[1].t.txt);
	memset(b, 0, sizeof *b);
}

void arb_book_clear(struct arb_book *b)
{
	for (int k = 0; k < 2; k++) {
		b->s[k].n = 0;
		b->s[k].t.n = b->s[k].t.len = 0;
	}
	b->top_moved = 1;
}


/* A coefficient and scale as plain decimal text (arb_dec_fmt's form: at
 * least one digit before the point, every digit of the scale after it),
 * written in place from the end, two digits at a time.  Returns the
 * length. */
static size_t fmt64(char *out, int64_t m, int s)
{
	uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	int nd = arb_ndigits(u), k = s;
	char *p, *e;

	if (nd <= s)
		nd = s + 1;     /* leading zeros: 0.00123 */
	p = out;
	if (m < 0)
		*p++ = '-';
	e = p + nd + (s > 0);
	p = e;
	if (k > 0) {
		for (; k >= 2; k -= 2) {
			p -= 2;
			memcpy(p, arb_digits2 + 2 * (u % 100), 2);
			u /= 100;
		}
		if (k) {
			*--p = (char)('0' + u % 10);
			u /= 10;
		}
		*--p = '.';
	}
	/* the integer part, ending at p: what is left of u, or "0" when
	 * the scale took every digit */
	arb_put_u64(p - arb_ndigits(u), u);
	return (size_t)(e - out);
}

size_t arb_book_fmt64(char *out, int64_t m, int s)
{
	return fmt64(out, m, s);
}

/* ---- the text of the best levels ---------------------------------------- */

/* ",[px,qty]" of a level into out (room for TXT_LEVEL_MAX bytes). */
#define TXT_LEVEL_MAX 330
static size_t fmt_level(char *out, const struct arb_blevel *l)
{
	size_t k = 0;

	out[k++] = ',';
	out[k++] = '[';
	k += fmt64(out + k, l->px, l->ps);
	out[k++] = ',';
	k += fmt64(out + k, l->qty, l->qs);
	out[k++] = ']';
	return k;
}

static void txt_room(struct arb_book_txt *t, size_t extra)
{
	if (t->len + extra > t->cap) {
		uint32_t cap = t->cap ? t->cap : 512;
		while (cap < t->len + extra)
			cap *= 2;
		xrealloc(&t->txt, cap);
		t->cap = cap;
	}
}

/* The level l becomes level k of the text: inserted before the old level
 * k, or replacing it.  The text keeps at most t->depth levels. */
static void txt_put(struct arb_book_txt *t, uint32_t k, const struct arb_blevel *l, int replace,
    const struct arb_book_text *x)
{
	char tmp[TXT_LEVEL_MAX];
	uint32_t nl, ol = replace ? t->off[k + 1] - t->off[k] : 0, i;

	if (x) {
		/* the venue's own text, which is what fmt64 would write */
		tmp[0] = ',';
		tmp[1] = '[';
		memcpy(tmp + 2, x->px, x->pxn);
		tmp[2 + x->pxn] = ',';
		memcpy(tmp + 3 + x->pxn, x->qty, x->qtyn);
		tmp[3 + x->pxn + x->qtyn] = ']';
		nl = 4u + x->pxn + x->qtyn;
	} else
		nl = (uint32_t)fmt_level(tmp, l);

	txt_room(t, nl);
	memmove(t->txt + t->off[k] + nl, t->txt + t->off[k] + ol, t->len - t->off[k] - ol);
	memcpy(t->txt + t->off[k], tmp, nl);
	t->len = t->len - ol + nl;
	if (replace) {
		for (i = k + 1; i <= t->n; i++)
			t->off[i] = t->off[i] - ol + nl;
		return;
	}
	for (i = t->n + 1; i > k; i--)
		t->off[i] = t->off[i - 1] + nl;
	if (++t->n > t->depth) {
		t->n = t->depth;
		t->len = t->off[t->n];
	}
}

/* Level k leaves the text. */
static void txt_del(struct arb_book_txt *t, uint32_t k)
{
	uint32_t ol = t->off[k + 1] - t->off[k], i;

	memmove(t->txt + t->off[k], t->txt + t->off[k + 1], t->len - t->off[k + 1]);
	t->len -= ol;
	for (i = k; i < t->n; i++)
		t->off[i] = t->off[i + 1] - ol;
	t->n--;
}

/* Forgets the text (built again by the next arb_book_json()). */
static void txt_drop(struct arb_book_txt *t)
{
	t->depth = t->n = t->len = 0;
}

static void txt_build(struct arb_book_side *s, uint32_t depth)
{
	struct arb_book_txt *t = &s->t;

	t->depth = depth;
	t->n = 0;
	t->len = 0;
	t->off[0] = 0;
	for (uint32_t i = 0; i < depth && i < s->n; i++) {
		txt_room(t, TXT_LEVEL_MAX);
		t->len += (uint32_t)fmt_level(t->txt + t->len, &s->l[s->n - 1 - i]);
		t->off[++t->n] = t->len;
	}
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

static int del64(struct arb_book *b, struct arb_book_side *s, int dir, int64_t pm, int ps)
{
	int found;
	uint32_t i = find(s, dir, pm, ps, &found);

	if (!found)
		return 0;
	if (i == s->n - 1)
		b->top_moved = 1;
	memmove(&s->l[i], &s->l[i + 1], (size_t)(s->n - i - 1) * sizeof *s->l);
	s->n--;
	if (s->n - i < s->t.n) {
		txt_del(&s->t, s->n - i);
		if (s->n >= s->t.depth)   /* the next level moves up into the text */
			txt_put(&s->t, s->t.n, &s->l[s->n - s->t.depth], 0, NULL);
	}
	return 1;
}

int arb_book_set64t(struct arb_book *b, enum arb_side side, int64_t pm, int ps, int64_t qm, int qs,
    const struct arb_book_text *x)
{
	struct arb_book_side *s = &b->s[side];
	int dir = side == ARB_BID ? 1 : -1, found;
	uint32_t i;

	if (pm < 0 || qm < 0 || ps < 0 || ps > 127 || qs < 0 || qs > 127)
		return -1;
	if (qm == 0) {
		del64(b, s, dir, pm, ps);
		return 0;
	}
	i = find(s, dir, pm, ps, &found);
	if (i + 1 >= s->n)   /* at or after the best level */
		b->top_moved = 1;
	if (found) {
		s->l[i].px = pm;
		s->l[i].ps = (int8_t)ps;
		s->l[i].qty = qm;
		s->l[i].qs = (int8_t)qs;
		if (s->n - 1 - i < s->t.n)
			txt_put(&s->t, s->n - 1 - i, &s->l[i], 1, x);
		return 0;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap + s->cap / 2 : 64;
		xrealloc(&s->l, (size_t)cap * sizeof *s->l);
		s->cap = cap;
	}
	memmove(&s->l[i + 1], &s->l[i], (size_t)(s->n - i) * sizeof *s->l);
	s->l[i].px = pm;
	s->l[i].ps = (int8_t)ps;
	s->l[i].qty = qm;
	s->l[i].qs = (int8_t)qs;
	s->n++;
	if (s->n - 1 - i < s->t.depth)
		txt_put(&s->t, s->n - 1 - i, &s->l[i], 0, x);
	return 0;
}

int arb_book_set64(struct arb_book *b, enum arb_side side, int64_t pm, int ps, int64_t qm, int qs)
{
	return arb_book_set64t(b, side, pm, ps, qm, qs, NULL);
}

int arb_book_set(struct arb_book *b, enum arb_side side, arb_dec px, arb_dec qty)
{
	int64_t pm, qm;
	int8_t ps, qs;

	if (arb_dec_sign(px) < 0 || arb_dec_sign(qty) < 0 || compact(px, &pm, &ps) < 0 || compact(qty, &qm, &qs) < 0)
		return -1;
	return arb_book_set64(b, side, pm, ps, qm, qs);
}

int arb_book_del(struct arb_book *b, enum arb_side side, arb_dec px)
{
	int64_t pm;
	int8_t ps;

	if (compact(px, &pm, &ps) < 0)
		return 0;
	return del64(b, &b->s[side], side == ARB_BID ? 1 : -1, pm, ps);
}

void arb_book_truncate(struct arb_book *b, uint32_t n)
{
	b->top_moved = 1;
	for (int k = 0; k < 2; k++) {
		struct arb_book_side *s = &b->s[k];
		if (s->n > n) {
			memmove(s->l, s->l + (s->n - n), (size_t)n * sizeof *s->l);
			s->n = n;
			txt_drop(&s->t);
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

size_t arb_book_json_room(const struct arb_book *b, enum arb_side side, uint32_t n)
{
	struct arb_book_side *s = (struct arb_book_side *)&b->s[side];

	if (n <= ARB_BOOK_TXT_MAX) {
		if (s->t.depth != n)
			txt_build(s, n);
		return s->t.len + 2;
	}
	return (size_t)(n < s->n ? n : s->n) * TXT_LEVEL_MAX + 2;
}

char *arb_book_jsonp(const struct arb_book *b, enum arb_side side, uint32_t n, char *p)
{
	struct arb_book_side *s = (struct arb_book_side *)&b->s[side];
	char *p0 = p;

	if (n <= ARB_BOOK_TXT_MAX) {
		if (s->t.depth != n)
			txt_build(s, n);
		if (!s->t.len) {
			memcpy(p, "[]", 2);
			return p + 2;
		}
		memcpy(p, s->t.txt, s->t.len);
		p += s->t.len;
	} else {
		if (n > s->n)
			n = s->n;
		if (!n) {
			memcpy(p, "[]", 2);
			return p + 2;
		}
		for (uint32_t i = 0; i < n; i++)
			p += fmt_level(p, &s->l[s->n - 1 - i]);
	}
	*p0 = '[';   /* in place of the first level's ',' */
	*p++ = ']';
	return p;
}

void arb_book_json(const struct arb_book *b, enum arb_side side, uint32_t n, struct arb_buf *out)
{
	char *p;

	arb_buf_reserve(out, arb_book_json_room(b, side, n) + 1);
	p = arb_book_jsonp(b, side, n, out->p + out->len);
	out->len = (size_t)(p - out->p);
	*p = 0;
}

/* Price order of two stored levels: <0, 0, >0. */
static inline int lvcmp(const struct arb_blevel *x, const struct arb_blevel *y)
{
	if (x->ps == y->ps)
		return (x->px > y->px) - (x->px < y->px);
	return arb_dec_cmp(D(x->px, x->ps), D(y->px, y->ps));
}

struct loadent {
	struct arb_blevel l;
	uint32_t i;        /* input order: a later one wins a tie */
};

static int load_dir;

static int loadcmp(const void *a, const void *b)
{
	const struct loadent *x = a, *y = b;
	int c = lvcmp(&x->l, &y->l) * load_dir;

	if (c == 0)
		c = (x->i > y->i) - (x->i < y->i);
	return c;
}

int arb_book_load64(struct arb_book *b, enum arb_side side, const struct arb_blevel *l, uint32_t n)
{
	struct arb_book_side *s = &b->s[side];
	int dir = side == ARB_BID ? 1 : -1;
	struct loadent *e;
	uint32_t i, k = 0;

	b->top_moved = 1;
	txt_drop(&s->t);
	if (s->n) {
		for (i = 0; i < n; i++)
			if (arb_book_set64(b, side, l[i].px, l[i].ps, l[i].qty, l[i].qs) < 0)
				return -1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (l[i].px < 0 || l[i].qty < 0 || l[i].ps < 0 || l[i].qs < 0)
			return -1;
	if (s->cap < n) {
		/* a little room: books mostly move around their snapshot's size */
		s->cap = n + 32;
		xrealloc(&s->l, (size_t)s->cap * sizeof *s->l);
	}
	/* Venues send snapshots best first: then no sort is needed. */
	for (i = 1; i < n && lvcmp(&l[i - 1], &l[i]) * dir > 0; i++)
		;
	if (i >= n) {
		for (i = n; i-- > 0; )
			if (l[i].qty != 0)
				s->l[k++] = l[i];
		s->n = k;
		return 0;
	}
	e = xmalloc((size_t)n * sizeof *e);
	for (i = 0; i < n; i++) {
		e[i].l = l[i];
		e[i].i = i;
	}
	load_dir = dir;
	qsort(e, n, sizeof *e, loadcmp);
	for (i = 0; i < n; i++) {
		/* the last of a run of equal prices is the one that counts */
		if (i + 1 < n && lvcmp(&e[i].l, &e[i + 1].l) == 0)
			continue;
		if (e[i].l.qty == 0)
			continue;
		s->l[k++] = e[i].l;
	}
	s->n = k;
	free(e);
	return 0;
}

int arb_book_load(struct arb_book *b, enum arb_side side, const struct arb_level *l, uint32_t n)
{
	struct arb_blevel *c;
	uint32_t i;
	int rc;

	b->top_moved = 1;
	if (b->s[side].n) {
		txt_drop(&b->s[side].t);
		for (i = 0; i < n; i++)
			if (arb_book_set(b, side, l[i].px, l[i].qty) < 0)
				return -1;
		return 0;
	}
	if (!n)
		return 0;
	c = xmalloc((size_t)n * sizeof *c);
	for (i = 0; i < n; i++)
		if (arb_dec_sign(l[i].px) < 0 || arb_dec_sign(l[i].qty) < 0 ||
		    compact(l[i].px, &c[i].px, &c[i].ps) < 0 || compact(l[i].qty, &c[i].qty, &c[i].qs) < 0) {
			free(c);
			return -1;
		}
	rc = arb_book_load64(b, side, c, n);
	free(c);
	return rc;
}
