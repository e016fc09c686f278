/*
 * rec-oracle.h: the general path of rec.c as the oracle of its fast path,
 * shared by tests/unit/t-rec.c and tests/fuzz/fuzz-rec.c.
 *
 * rec_differ parses one line with arb_rec_parse (which tries the fast
 * path first) and with arb_rec_parse_general (the tokenizer and the table
 * check only), and compares everything a caller can see: the result, the
 * reason, the type, the common keys, every token, and what arb_rec_book
 * reads (every level's coefficient and scale).  It parses the line a
 * third time with lazy set (arb-detect's mode: a book's levels checked,
 * not converted) and compares the same, but for the tokens, which that
 * mode leaves out for a book (the object's token alone, the arrays' text
 * where the general path's tokens say): the levels are read from the
 * text (arb_rec_book), and lv_plain must say whether every price is > 0
 * and every quantity >= 0.  The line is copied into a buffer of exactly
 * its length first, so that a sanitizer catches a read past its end.
 */
#ifndef ARB_REC_ORACLE_H
#define ARB_REC_ORACLE_H

#include <stdlib.h>
#include <string.h>

#include "rec.h"

struct rec_oracle {
	struct arb_rec a, b;            /* arb_rec_parse, arb_rec_parse_general */
	struct arb_rec c;               /* arb_rec_parse with lazy set */
	struct arb_book_rec ka, kb, kc, kd;
	char wa[256], wb[256];
	unsigned long fast, lines;      /* lines taken by the fast path, all */
	unsigned long lazy;             /* books read lazily */
};

static void
rec_oracle_init(struct rec_oracle *o)
{
	memset(o, 0, sizeof *o);
	arb_rec_init(&o->a);
	arb_rec_init(&o->b);
	arb_rec_init(&o->c);
	o->c.lazy = 1;
}

static void
rec_oracle_free(struct rec_oracle *o)
{
	arb_rec_free(&o->a);
	arb_rec_free(&o->b);
	arb_rec_free(&o->c);
	arb_book_rec_free(&o->kd);
	arb_book_rec_free(&o->ka);
	arb_book_rec_free(&o->kb);
	arb_book_rec_free(&o->kc);
}

static int
rec_oracle_lv(const struct arb_level *x, const struct arb_level *y, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (x[i].px.m != y[i].px.m || x[i].px.s != y[i].px.s ||
		    x[i].qty.m != y[i].qty.m || x[i].qty.s != y[i].qty.s)
			return 0;
	return 1;
}

static int
rec_oracle_tok(const struct arb_jtok *x, const struct arb_jtok *y)
{
	return x->type == y->type && x->esc == y->esc && x->off == y->off && x->len == y->len &&
	    x->next == y->next && x->n == y->n;
}

static int
rec_oracle_bk(const struct arb_book_rec *x, const struct arb_book_rec *y)
{
	return x->nbids == y->nbids && x->nasks == y->nasks && x->has_seq == y->has_seq &&
	    x->seq == y->seq && x->ok == y->ok && x->depth == y->depth &&
	    rec_oracle_lv(x->bids, y->bids, x->nbids) && rec_oracle_lv(x->asks, y->asks, x->nasks);
}

/* The lazy parse c against the general one b (both of copy); NULL when
 * they agree. */
static const char *
rec_differ_lazy(struct rec_oracle *o, int rc, int rb)
{
	struct arb_rec *c = &o->c, *b = &o->b;
	const struct arb_jtok *x = c->j.t, *y = b->j.t;
	uint32_t i, m;
	int kc, kb;

	if (rc != rb)
		return "lazy: result";
	if (strcmp(o->wa, o->wb) != 0)
		return "lazy: reason";
	if (c->type != b->type || c->has_ts != b->has_ts || c->ts != b->ts ||
	    c->has_rt != b->has_rt || c->rt != b->rt || strcmp(c->ex, b->ex) != 0 ||
	    strcmp(c->sym, b->sym) != 0)
		return "lazy: type or common keys";
	if (rc != 0)
		return NULL;
	if (c->line != b->line || c->len != b->len || c->j.src != b->j.src ||
	    c->j.srclen != b->j.srclen || c->j.err != b->j.err)
		return "lazy: line";
	if (c->lv_lazy && (!c->fast || c->type != ARB_R_BOOK || !c->has_fb))
		return "lazy: lv_lazy on a record not read lazily";
	if (!c->lv_lazy) {
		if (c->j.n != b->j.n)
			return "lazy: token count";
		for (i = 0; i < c->j.n; i++)
			if (!rec_oracle_tok(&x[i], &y[i]))
				return "lazy: a token";
	} else {
		o->lazy++;
		/* the object's token alone, with no member; the arrays' text
		 * where the general path's "bids" and "asks" tokens say */
		if (c->j.n != 1 || x[0].type != ARB_J_OBJ || x[0].off != 0 || x[0].len != y[0].len ||
		    x[0].n != 0 || x[0].next != 1 || x[0].esc != 0)
			return "lazy: the object's token";
		for (i = 1, m = y[0].n; m; m--, i = y[i + 1].next) {
			const char *k = b->line + y[i].off;
			int side = -1;

			if (y[i].len == 4 && !y[i].esc && memcmp(k, "bids", 4) == 0)
				side = 0;
			else if (y[i].len == 4 && !y[i].esc && memcmp(k, "asks", 4) == 0)
				side = 1;
			if (side >= 0 && (y[i + 1].off != c->lv_off[side] ||
			    y[i + 1].len != c->lv_len[side]))
				return "lazy: lv_off or lv_len";
		}
	}
	kc = arb_rec_book(c, &o->kd);
	kb = arb_rec_book(b, &o->kb);
	if (kc != kb)
		return "lazy: arb_rec_book result";
	if (kc == 0 && c->lv_lazy) {
		/* the best levels converted, and the rest where lv_pos1 says */
		for (int s = 0; s < 2; s++) {
			uint32_t n = s ? o->kb.nasks : o->kb.nbids;
			const struct arb_level *g = s ? o->kb.asks : o->kb.bids;
			const struct arb_level *f = s ? c->fb->asks : c->fb->bids;
			struct arb_level *t = s ? o->kd.asks : o->kd.bids;

			if (n == 0)
				continue;
			if (!rec_oracle_lv(f, g, 1))
				return "lazy: the best level";
			if (c->lv_pos1[s] >= c->lv_len[s] ||
			    arb_levels_read(c->line + c->lv_off[s] + c->lv_pos1[s], c->line + c->len,
			    t, n - 1) != c->line + c->lv_off[s] + c->lv_len[s] - 1 ||
			    !rec_oracle_lv(t, g + 1, n - 1))
				return "lazy: the levels after lv_pos1";
		}
		kc = arb_rec_book(c, &o->kd);
	}
	if (kc == 0 && !rec_oracle_bk(&o->kd, &o->kb))
		return "lazy: arb_rec_book";
	if (kc == 0 && c->lv_lazy) {
		int plain = 1;

		for (i = 0; i < o->kb.nbids; i++)
			plain &= o->kb.bids[i].px.m > 0 && o->kb.bids[i].qty.m >= 0;
		for (i = 0; i < o->kb.nasks; i++)
			plain &= o->kb.asks[i].px.m > 0 && o->kb.asks[i].qty.m >= 0;
		if (plain != c->lv_plain)
			return "lazy: lv_plain";
	}
	if (arb_rec_book_take(c, &o->kd) != kb || (kb == 0 && !rec_oracle_bk(&o->kd, &o->kb)))
		return "lazy: arb_rec_book_take";
	if (kb == 0 && (arb_rec_book(c, &o->kd) != 0 || !rec_oracle_bk(&o->kd, &o->kb)))
		return "lazy: arb_rec_book after arb_rec_book_take";
	return NULL;
}

/* NULL when both paths agree on line, else what differs. */
static const char *
rec_differ(struct rec_oracle *o, const char *line, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct arb_rec *a = &o->a, *b = &o->b;
	const char *d = NULL;
	int ra, rb;

	if (copy == NULL)
		abort();
	if (len)
		memcpy(copy, line, len);
	ra = arb_rec_parse(a, copy, len, o->wa, sizeof o->wa);
	rb = arb_rec_parse_general(b, copy, len, o->wb, sizeof o->wb);
	o->lines++;
	o->fast += a->fast != 0;
	if (a->fast && ra != 0)
		d = "the fast path refused a line";
	else if (ra != rb)
		d = "result";
	else if (strcmp(o->wa, o->wb) != 0)
		d = "reason";
	else if (a->type != b->type)
		d = "type";
	else if (a->has_ts != b->has_ts || a->ts != b->ts || a->has_rt != b->has_rt || a->rt != b->rt)
		d = "ts or rt";
	else if (strcmp(a->ex, b->ex) != 0 || strcmp(a->sym, b->sym) != 0)
		d = "ex or sym";
	else if (ra == 0 && (a->line != b->line || a->len != b->len))
		d = "line";
	else if (ra == 0 && (a->j.n != b->j.n || a->j.src != b->j.src || a->j.srclen != b->j.srclen ||
	    a->j.err != b->j.err || a->j.erroff != b->j.erroff))
		d = "token count";
	if (d == NULL && ra == 0) {
		for (uint32_t i = 0; i < a->j.n && d == NULL; i++) {
			const struct arb_jtok *x = &a->j.t[i], *y = &b->j.t[i];

			if (x->type != y->type || x->esc != y->esc || x->off != y->off ||
			    x->len != y->len || x->next != y->next || x->n != y->n)
				d = "a token";
		}
	}
	if (d == NULL && ra == 0) {
		int ka = arb_rec_book(a, &o->ka), kb = arb_rec_book(b, &o->kb);

		if (ka != kb)
			d = "arb_rec_book result";
		else if (ka == 0 && (o->ka.nbids != o->kb.nbids || o->ka.nasks != o->kb.nasks ||
		    o->ka.has_seq != o->kb.has_seq || o->ka.seq != o->kb.seq ||
		    o->ka.ok != o->kb.ok || o->ka.depth != o->kb.depth))
			d = "arb_rec_book fields";
		else if (ka == 0 && (!rec_oracle_lv(o->ka.bids, o->kb.bids, o->ka.nbids) ||
		    !rec_oracle_lv(o->ka.asks, o->kb.asks, o->ka.nasks)))
			d = "arb_rec_book levels";
		/* arb_rec_book_take hands over the same, and leaves the record
		 * readable by arb_rec_book */
		if (d == NULL && (arb_rec_book_take(a, &o->kc) != kb || (kb == 0 &&
		    (o->kc.nbids != o->kb.nbids || o->kc.nasks != o->kb.nasks ||
		    o->kc.has_seq != o->kb.has_seq || o->kc.seq != o->kb.seq ||
		    o->kc.ok != o->kb.ok || o->kc.depth != o->kb.depth ||
		    !rec_oracle_lv(o->kc.bids, o->kb.bids, o->kb.nbids) ||
		    !rec_oracle_lv(o->kc.asks, o->kb.asks, o->kb.nasks)))))
			d = "arb_rec_book_take";
		if (d == NULL && kb == 0 && (arb_rec_book(a, &o->ka) != 0 ||
		    o->ka.nbids != o->kb.nbids || !rec_oracle_lv(o->ka.bids, o->kb.bids, o->kb.nbids) ||
		    !rec_oracle_lv(o->ka.asks, o->kb.asks, o->kb.nasks)))
			d = "arb_rec_book after arb_rec_book_take";
	}
	if (d == NULL) {
		int rc = arb_rec_parse(&o->c, copy, len, o->wa, sizeof o->wa);

		rb = arb_rec_parse_general(b, copy, len, o->wb, sizeof o->wb);
		d = rec_differ_lazy(o, rc, rb);
	}
	/* the records point into the copy: parse it no more */
	free(copy);
	a->line = b->line = o->c.line = NULL;
	a->j.src = b->j.src = o->c.j.src = NULL;
	a->j.n = b->j.n = o->c.j.n = 0;
	a->has_fb = o->c.has_fb = 0;
	o->c.lv_lazy = 0;
	return d;
}

#endif
