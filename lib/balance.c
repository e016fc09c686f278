#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance.h"

void
arb_balances_init(struct arb_balances *b)
{
	memset(b, 0, sizeof *b);
}

void
arb_balances_free(struct arb_balances *b)
{
	free(b->v);
	free(b->idx);
	free(b->dq);
	free(b->sq);
	memset(b, 0, sizeof *b);
}

/* Marks e changed for the state journal. */
static void
smark(struct arb_balances *b, struct arb_bal *e)
{
	if (e->sdirty)
		return;
	e->sdirty = 1;
	if (b->soverflow)
		return;
	if (b->nsq >= b->n) {
		b->soverflow = 1;
		return;
	}
	if (b->nsq == b->capsq) {
		size_t nc = b->capsq ? b->capsq * 2 : 16;
		xrealloc(&b->sq, nc * sizeof *b->sq);
		b->capsq = nc;
	}
	b->sq[b->nsq++] = (uint32_t)(e - b->v);
}

void
arb_bal_state_each(struct arb_balances *b, void (*fn)(void *, const struct arb_bal *), void *arg)
{
	size_t i;

	if (b->soverflow) {
		for (i = 0; i < b->n; i++)
			if (b->v[i].sdirty)
				fn(arg, &b->v[i]);
		return;
	}
	for (i = 0; i < b->nsq; i++)
		fn(arg, &b->v[b->sq[i]]);
}

void
arb_bal_state_clear(struct arb_balances *b)
{
	size_t i;

	if (b->soverflow)
		for (i = 0; i < b->n; i++)
			b->v[i].sdirty = 0;
	else
		for (i = 0; i < b->nsq; i++)
			b->v[b->sq[i]].sdirty = 0;
	b->nsq = 0;
	b->soverflow = 0;
}

/* Marks e changed, to be emitted. */
static void
mark(struct arb_balances *b, struct arb_bal *e)
{
	smark(b, e);
	b->maybe_dirty = 1;
	if (e->dirty)
		return;
	e->dirty = 1;
	if (b->overflow)
		return;
	if (b->ndq >= b->n) {
		b->overflow = 1;
		return;
	}
	if (b->ndq == b->capdq) {
		size_t nc = b->capdq ? b->capdq * 2 : 16;
		xrealloc(&b->dq, nc * sizeof *b->dq);
		b->capdq = nc;
	}
	b->dq[b->ndq++] = (uint32_t)(e - b->v);
}

/* Up to this many entries a linear search is as fast as hashing. */
#define LINEAR_MAX 8

static void
idx_put(struct arb_balances *b, size_t i)
{
	size_t mask = b->capidx - 1, j;

	for (j = arb_hash2(b->v[i].ex, b->v[i].asset) & mask; b->idx[j]; j = (j + 1) & mask)
		;
	b->idx[j] = (uint32_t)(i + 1);
}

/* Keeps the index at most half full. */
static void
idx_grow(struct arb_balances *b)
{
	size_t i;

	if (b->n <= LINEAR_MAX || b->n * 2 <= b->capidx)
		return;
	free(b->idx);
	b->capidx = b->capidx ? b->capidx * 2 : 64;
	while (b->n * 2 > b->capidx)
		b->capidx *= 2;
	b->idx = xcalloc(b->capidx, sizeof *b->idx);
	for (i = 0; i < b->n; i++)
		idx_put(b, i);
}

struct arb_bal *
arb_bal_get(struct arb_balances *b, const char *ex, const char *asset, int create)
{
	struct arb_bal *e;
	size_t i;

	if (b->idx) {
		size_t mask = b->capidx - 1;
		for (i = arb_hash2(ex, asset) & mask; b->idx[i]; i = (i + 1) & mask) {
			e = &b->v[b->idx[i] - 1];
			if (strcmp(e->ex, ex) == 0 && strcmp(e->asset, asset) == 0)
				return e;
		}
	} else {
		for (i = 0; i < b->n; i++)
			if (strcmp(b->v[i].ex, ex) == 0 && strcmp(b->v[i].asset, asset) == 0)
				return &b->v[i];
	}
	if (!create || strlen(ex) >= ARB_EX_MAX || strlen(asset) >= ARB_ASSET_MAX || !*asset)
		return NULL;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		xrealloc(&b->v, nc * sizeof *b->v);
		b->cap = nc;
	}
	e = &b->v[b->n++];
	memset(e, 0, sizeof *e);
	strcpy(e->ex, ex);
	strcpy(e->asset, asset);
	e->free = arb_dec_make(0, 0);
	e->locked = arb_dec_make(0, 0);
	smark(b, e);
	if (b->idx && b->n * 2 <= b->capidx)
		idx_put(b, b->n - 1);
	else
		idx_grow(b);
	return &b->v[b->n - 1];
}

arb_dec
arb_bal_free(struct arb_balances *b, const char *ex, const char *asset)
{
	struct arb_bal *e = arb_bal_get(b, ex, asset, 0);

	return e ? e->free : arb_dec_make(0, 0);
}

void
arb_bal_touch(struct arb_balances *b, const char *ex, const char *asset)
{
	struct arb_bal *e = arb_bal_get(b, ex, asset, 0);

	if (e)
		mark(b, e);
}

int
arb_bal_set(struct arb_balances *b, const char *ex, const char *asset, arb_dec fr, arb_dec locked)
{
	struct arb_bal *e = arb_bal_get(b, ex, asset, 1);

	if (!e)
		return -1;
	fr = arb_dec_trim(fr);
	locked = arb_dec_trim(locked);
	if (arb_dec_cmp(e->free, fr) != 0 || arb_dec_cmp(e->locked, locked) != 0)
		mark(b, e);
	e->free = fr;
	e->locked = locked;
	return 0;
}

/* Adds d to *v exactly, keeping the shortest form. */
static int
addto(arb_dec *v, arb_dec d)
{
	arb_dec r;

	if (arb_dec_add(&r, *v, d) < 0)
		return -1;
	*v = arb_dec_trim(r);
	return 0;
}

int
arb_bal_lock(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt)
{
	struct arb_bal *e = arb_bal_get(b, ex, asset, 0);

	if (arb_dec_sign(amt) < 0)
		return -1;
	if (arb_dec_is_zero(amt))
		return 0;
	if (!e || arb_dec_cmp(e->free, amt) < 0)
		return -1;
	if (addto(&e->free, arb_dec_neg(amt)) < 0 || addto(&e->locked, amt) < 0)
		return -1;
	mark(b, e);
	return 0;
}

int
arb_bal_unlock(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt)
{
	struct arb_bal *e;

	if (arb_dec_is_zero(amt))
		return 0;
	if (!(e = arb_bal_get(b, ex, asset, 1)))
		return -1;
	if (addto(&e->locked, arb_dec_neg(amt)) < 0 || addto(&e->free, amt) < 0)
		return -1;
	mark(b, e);
	return 0;
}

int
arb_bal_spend(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt)
{
	struct arb_bal *e;

	if (arb_dec_is_zero(amt))
		return 0;
	if (!(e = arb_bal_get(b, ex, asset, 1)))
		return -1;
	if (addto(&e->locked, arb_dec_neg(amt)) < 0)
		return -1;
	mark(b, e);
	return 0;
}

int
arb_bal_credit(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt)
{
	struct arb_bal *e;

	if (arb_dec_is_zero(amt))
		return 0;
	if (!(e = arb_bal_get(b, ex, asset, 1)))
		return -1;
	if (addto(&e->free, amt) < 0)
		return -1;
	mark(b, e);
	return 0;
}

/* One "VENUE ASSET AMOUNT" line. */
static int
load_text(struct arb_balances *b, char *s, const char **why)
{
	char *tok[4];
	int n = 0;
	arb_dec d;

	while (n < 4) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		tok[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
	if (n != 3) {
		*why = "expected VENUE ASSET AMOUNT";
		return -1;
	}
	if (arb_dec_parse(&d, tok[2], strlen(tok[2]), why) < 0)
		return -1;
	if (arb_dec_sign(d) < 0) {
		*why = "negative balance";
		return -1;
	}
	if (arb_bal_set(b, tok[0], tok[1], d, arb_dec_make(0, 0)) < 0) {
		*why = "venue or asset name too long";
		return -1;
	}
	return 0;
}

static int
load_rec(struct arb_balances *b, const char *s, size_t len, const char **why, char *rwhy, size_t rwhylen)
{
	struct arb_rec r;
	char asset[ARB_ASSET_MAX];
	arb_dec fr, lk = arb_dec_make(0, 0);
	int rc = -1;

	arb_rec_init(&r);
	if (arb_rec_parse(&r, s, len, rwhy, rwhylen) < 0) {
		*why = rwhy;
		goto out;
	}
	if (r.type != ARB_R_BALANCE) {
		*why = "not a balance record";
		goto out;
	}
	if (!*r.ex || arb_rec_str(&r, "asset", asset, sizeof asset) < 0 || !asset[0] ||
	    arb_rec_dec(&r, "free", &fr) < 0) {
		*why = "balance record needs ex, asset and free";
		goto out;
	}
	(void)arb_rec_dec(&r, "locked", &lk);
	if (arb_dec_sign(fr) < 0 || arb_dec_sign(lk) < 0) {
		*why = "negative balance";
		goto out;
	}
	if (arb_bal_set(b, r.ex, asset, fr, lk) < 0) {
		*why = "venue or asset name too long";
		goto out;
	}
	rc = 0;
out:
	arb_rec_free(&r);
	return rc;
}

int
arb_bal_load(struct arb_balances *b, const char *path, char *why, size_t whylen)
{
	char *data, *p, *nl, rwhy[160];
	size_t len;
	unsigned line = 0;
	const char *w = NULL;

	if (!(data = arb_readfile(path, &len))) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (p = data; p < data + len; p = nl + 1) {
		char *s, *e;

		line++;
		if (!(nl = memchr(p, '\n', (size_t)(data + len - p))))
			nl = data + len;
		*nl = '\0';
		e = nl;
		if (e > p && e[-1] == '\r')
			*--e = '\0';
		/* a NUL would end the line early: "binance BTC 1\0junk" is
		 * not a balance of 1 */
		if (memchr(p, '\0', (size_t)(e - p))) {
			snprintf(why, whylen, "%s:%u: NUL byte", path, line);
			free(data);
			return -1;
		}
		for (s = p; *s && isspace((unsigned char)*s); s++)
			;
		if (!*s || *s == '#')
			continue;
		if ((*s == '{' ? load_rec(b, s, (size_t)(e - s), &w, rwhy, sizeof rwhy)
		    : load_text(b, s, &w)) < 0) {
			snprintf(why, whylen, "%s:%u: %s", path, line, w);
			free(data);
			return -1;
		}
	}
	free(data);
	return 0;
}

static int
balcmp(const void *a, const void *b)
{
	const struct arb_bal *x = *(const struct arb_bal *const *)a;
	const struct arb_bal *y = *(const struct arb_bal *const *)b;
	int c = strcmp(x->ex, y->ex);

	return c ? c : strcmp(x->asset, y->asset);
}

int
arb_bal_emit_dirty(struct arb_balances *b, int64_t ts, struct arb_buf *out)
{
	struct arb_bal *stack[64], **v = stack;
	size_t i, n = 0, cap = 64;

	if (!b->maybe_dirty)
		return 0;
	b->maybe_dirty = 0;
	/* the marked entries: from the list (each once: a collected entry
	 * is marked 2 until emitted), or from all of v after an overflow */
	for (i = 0; i < (b->overflow ? b->n : b->ndq); i++) {
		struct arb_bal *e = &b->v[b->overflow ? i : b->dq[i]];
		if (e->dirty != 1)
			continue;
		if (n == cap) {
			struct arb_bal **nv = xmalloc(cap * 2 * sizeof *nv);
			memcpy(nv, v, n * sizeof *v);
			if (v != stack)
				free(v);
			v = nv;
			cap *= 2;
		}
		e->dirty = 2;
		v[n++] = e;
	}
	b->ndq = 0;
	b->overflow = 0;
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, balcmp);
	for (i = 0; i < n; i++) {
		arb_emit_begin(out, "balance");
		arb_emit_i64(out, "ts", ts);
		arb_emit_str(out, "ex", v[i]->ex);
		arb_emit_str(out, "asset", v[i]->asset);
		arb_emit_dec(out, "free", v[i]->free);
		arb_emit_dec(out, "locked", v[i]->locked);
		arb_emit_end(out);
		v[i]->dirty = 0;
	}
	if (v != stack)
		free(v);
	return (int)n;
}
