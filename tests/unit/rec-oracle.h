/*
 * rec-oracle.h: the general path of rec.c as the oracle of its fast path,
 * shared by tests/unit/t-rec.c and tests/fuzz/fuzz-rec.c.
 *
 * rec_differ parses one line with arb_rec_parse (which tries the fast
 * path first) and with arb_rec_parse_general (the tokenizer and the table
 * check only), and compares everything a caller can see: the result, the
 * reason, the type, the common keys, every token, and what arb_rec_book
 * reads (every level's coefficient and scale).  The line is copied into
 * a buffer of exactly its length first, so that a sanitizer catches a
 * read past its end.
 */
#ifndef ARB_REC_ORACLE_H
#define ARB_REC_ORACLE_H

#include <stdlib.h>
#include <string.h>

#include "rec.h"

struct rec_oracle {
	struct arb_rec a, b;            /* arb_rec_parse, arb_rec_parse_general */
	struct arb_book_rec ka, kb, kc;
	char wa[256], wb[256];
	unsigned long fast, lines;      /* lines taken by the fast path, all */
};

static void
rec_oracle_init(struct rec_oracle *o)
{
	memset(o, 0, sizeof *o);
	arb_rec_init(&o->a);
	arb_rec_init(&o->b);
}

static void
rec_oracle_free(struct rec_oracle *o)
{
	arb_rec_free(&o->a);
	arb_rec_free(&o->b);
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
	/* the records point into the copy: parse it no more */
	free(copy);
	a->line = b->line = NULL;
	a->j.src = b->j.src = NULL;
	a->j.n = b->j.n = 0;
	a->has_fb = 0;
	return d;
}

#endif
