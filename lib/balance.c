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
	memset(b, 0, sizeof *b);
}

struct arb_bal *
arb_bal_get(struct arb_balances *b, const char *ex, const char *asset, int create)
{
	struct arb_bal *e;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].ex, ex) == 0 && strcmp(b->v[i].asset, asset) == 0)
			return &b->v[i];
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
	return e;
}

arb_dec
arb_bal_free(struct arb_balances *b, const char *ex, const char *asset)
{
	struct arb_bal *e = arb_bal_get(b, ex, asset, 0);

	return e ? e->free : arb_dec_make(0, 0);
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
		e->dirty = 1;
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
	e->dirty = 1;
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
	e->dirty = 1;
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
	e->dirty = 1;
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
	e->dirty = 1;
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
	if (!*r.ex || arb_rec_str(&r, "asset", asset, sizeof asset) < 0 ||
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
		snprintf(why, whylen, "%s", strerror(errno));
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
		for (s = p; *s && isspace((unsigned char)*s); s++)
			;
		if (!*s || *s == '#')
			continue;
		if ((*s == '{' ? load_rec(b, s, (size_t)(e - s), &w, rwhy, sizeof rwhy)
		    : load_text(b, s, &w)) < 0) {
			snprintf(why, whylen, "%u: %s", line, w);
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
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		if (b->v[i].dirty)
			n++;
	if (!n)
		return 0;
	if (n > 64)
		v = xmalloc(n * sizeof *v);
	for (i = 0, n = 0; i < b->n; i++)
		if (b->v[i].dirty)
			v[n++] = &b->v[i];
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
