/*
 * book.h: a full-depth order book for one symbol.
 *
 * Each side is a sorted array of price levels with the best level at the
 * END of the array (bids ascending, asks descending), so the common update
 * near the top of the book moves few bytes.  Prices and quantities are
 * exact decimals kept at the scale of the venue's text, so formatting a
 * level gives back the venue's own string (checksums rely on it).  A level
 * is stored compactly (24 bytes: 64-bit coefficients and their scales); a
 * value with more than 18 significant digits is refused.
 */
#ifndef ARB_BOOK_H
#define ARB_BOOK_H

#include <stdint.h>
#include "dec.h"
#include "rec.h"

enum arb_side { ARB_BID = 0, ARB_ASK = 1 };

struct arb_blevel {
	int64_t px, qty;
	int8_t ps, qs;
};

/*
 * The JSON text of a side's best levels, kept up to date by every change
 * so that a book record copies it instead of formatting 2 x depth
 * decimals: ",[px,qty]" per level, best first; level k is txt[off[k]] to
 * txt[off[k + 1]].  Only for depths up to ARB_BOOK_TXT_MAX; built by the
 * first arb_book_json() of a depth, dropped by load and truncate.
 */
#define ARB_BOOK_TXT_MAX 32
struct arb_book_txt {
	char *txt;
	uint32_t len, cap;
	uint32_t n;              /* levels held: min(side length, depth) */
	uint32_t depth;          /* 0: not built */
	uint32_t off[ARB_BOOK_TXT_MAX + 1];
};

struct arb_book_side {
	struct arb_blevel *l;    /* worst first, best last */
	uint32_t n, cap;
	struct arb_book_txt t;
};

struct arb_book {
	struct arb_book_side s[2];
	struct arb_level tmp;    /* arb_book_level's answer */
	/* Set by every change that may move a best price (a level set or
	 * deleted at the top, load, truncate, clear); the user clears it,
	 * e.g. once it has found the book not crossed. */
	int top_moved;
};

void arb_book_init(struct arb_book *b);
void arb_book_free(struct arb_book *b);
/* Removes every level (keeps the memory). */
void arb_book_clear(struct arb_book *b);

/*
 * Sets the quantity at price px on a side; a zero quantity deletes the
 * level (deleting an absent level is not an error).  Returns 0, or -1
 * when px or qty is negative or has more than 18 digits.
 */
int arb_book_set(struct arb_book *b, enum arb_side side, arb_dec px, arb_dec qty);
/* The same with the coefficients and scales of price and quantity (the
 * form the book keeps), for parsers that read them straight from text. */
int arb_book_set64(struct arb_book *b, enum arb_side side, int64_t pm, int ps, int64_t qm, int qs);
/* The same, with the text of price and quantity when it is exactly what
 * formatting them would give (arb_dec_fmt: no leading zero, the scale's
 * digits), so that the kept text copies it; x NULL: none. */
struct arb_book_text {
	const char *px, *qty;
	uint32_t pxn, qtyn;
};
int arb_book_set64t(struct arb_book *b, enum arb_side side, int64_t pm, int ps, int64_t qm, int qs,
    const struct arb_book_text *x);
/*
 * Sets many levels of an EMPTY side at once (a snapshot), in any order, in
 * O(n log n) instead of one insertion each: the same result as calling
 * arb_book_set() on each in turn (a later level at the same price wins, a
 * zero quantity is no level).  -1 (side left empty) as arb_book_set() would.
 */
int arb_book_load(struct arb_book *b, enum arb_side side, const struct arb_level *l, uint32_t n);
/* The same with stored levels (arb_book_set64's form); a side already
 * sent best first (as venues send snapshots) is taken without sorting. */
int arb_book_load64(struct arb_book *b, enum arb_side side, const struct arb_blevel *l, uint32_t n);
/* Deletes the level at px.  1 when it existed, 0 when not. */
int arb_book_del(struct arb_book *b, enum arb_side side, arb_dec px);
/* Keeps at most n levels per side (drops the worst). */
void arb_book_truncate(struct arb_book *b, uint32_t n);

static inline uint32_t arb_book_len(const struct arb_book *b, enum arb_side side)
{ return b->s[side].n; }
/* The i-th best level (0 = best) of a side, or NULL.  The answer is valid
 * until the next call. */
const struct arb_level *arb_book_level(const struct arb_book *b, enum arb_side side, uint32_t i);

/* The i-th best level (0 = best) of a side as stored, or NULL: no copy,
 * valid until the book changes. */
static inline const struct arb_blevel *arb_book_blevel(const struct arb_book *b, enum arb_side side, uint32_t i)
{ return i < b->s[side].n ? &b->s[side].l[b->s[side].n - 1 - i] : NULL; }

/* The kept text (arb_book_txt) of the i-th best level, "px,qty" as
 * arb_book_fmt64 writes them, length *n; NULL when the book does not keep
 * the text of that level.  Valid until the book changes. */
static inline const char *arb_book_ktext(const struct arb_book *b, enum arb_side side, uint32_t i, uint32_t *n)
{
	const struct arb_book_txt *t = &b->s[side].t;

	if (i >= t->n)
		return NULL;
	*n = t->off[i + 1] - t->off[i] - 3;   /* without ",[" and "]" */
	return t->txt + t->off[i] + 2;
}

/* A stored coefficient and scale as plain decimal text, exactly what
 * arb_dec_fmt writes for that value (no NUL; room: 20 + scale + 3 bytes).
 * Returns the length. */
size_t arb_book_fmt64(char *out, int64_t m, int s);

/* Copies the best n levels of a side, best first, into out; returns how
 * many were copied. */
uint32_t arb_book_top(const struct arb_book *b, enum arb_side side, uint32_t n, struct arb_level *out);

/* Appends the best n levels of a side as JSON, [[px,qty],...], exactly as
 * arb_emit_levels() of rec.h would (plain decimals at their scale), without
 * going through 128-bit decimals: the hot path of every book record. */
struct arb_buf;
void arb_book_json(const struct arb_book *b, enum arb_side side, uint32_t n, struct arb_buf *out);
/* The same in two steps, for writers with their own buffer: the room the
 * text needs (at most), then the text written at p (no NUL), returning
 * its end.  Nothing may change the book between the two. */
size_t arb_book_json_room(const struct arb_book *b, enum arb_side side, uint32_t n);
char *arb_book_jsonp(const struct arb_book *b, enum arb_side side, uint32_t n, char *p);

/* True when both sides are non-empty and best bid >= best ask. */
int arb_book_crossed(const struct arb_book *b);

#endif
