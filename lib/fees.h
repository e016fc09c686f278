/*
 * fees.h: the fee file of arb-detect(1) (--fees FILE).  It overrides, per
 * venue and symbol, what `instrument` records say about fees (and, when
 * a venue publishes no instrument records, supplies tick and lot too).
 *
 *   # comment
 *   VENUE SYMBOL key=value ...
 *
 * VENUE or SYMBOL may be `*` (any).  Keys: taker, maker (fractions: 0.001
 * is 10 bps), fee_in (quote | base | received), tick, lot, min_qty,
 * min_notional.  Lines apply from least to most specific (*,* then *,SYM
 * then VENUE,* then VENUE,SYM); a later line of the same specificity
 * overrides an earlier one key by key.
 */
#ifndef ARB_FEES_H
#define ARB_FEES_H

#include <stddef.h>
#include "dec.h"
#include "rec.h"

enum arb_fee_in {
	ARB_FEE_IN_QUOTE = 0,    /* fee charged in the quote currency */
	ARB_FEE_IN_BASE,         /* fee charged in the base currency */
	ARB_FEE_IN_RECEIVED      /* fee taken from what the order receives */
};

/* Bits of arb_fee_ent.has */
#define ARB_FH_TAKER        0x01u
#define ARB_FH_MAKER        0x02u
#define ARB_FH_FEE_IN       0x04u
#define ARB_FH_TICK         0x08u
#define ARB_FH_LOT          0x10u
#define ARB_FH_MIN_QTY      0x20u
#define ARB_FH_MIN_NOTIONAL 0x40u

struct arb_fee_ent {
	char ex[ARB_EX_MAX];     /* "*" = any venue */
	char sym[ARB_SYM_MAX];   /* "*" = any symbol */
	unsigned has;            /* ARB_FH_* */
	arb_dec taker, maker, tick, lot, min_qty, min_notional;
	enum arb_fee_in fee_in;
};

struct arb_fees {
	struct arb_fee_ent *e;
	size_t n, cap;
};

void arb_fees_init(struct arb_fees *f);
void arb_fees_free(struct arb_fees *f);
/* Parses a fee file's text; name is used in errors ("FILE:LINE: why").
 * Returns 0, or -1 with the reason in err. */
int arb_fees_parse(struct arb_fees *f, const char *text, size_t len,
    const char *name, char *err, size_t errlen);
/* Reads and parses path.  0, or -1 with the reason in err. */
int arb_fees_load(struct arb_fees *f, const char *path, char *err, size_t errlen);
/* Merges every line that matches (ex, sym) into *out, least specific
 * first; fields of out that no line sets are left alone, and out->has
 * gains the bits of the fields set. */
void arb_fees_apply(const struct arb_fees *f, const char *ex, const char *sym,
    struct arb_fee_ent *out);
/* "quote", "base", "received" -> enum; -1 when unknown. */
int arb_fee_in_from(const char *s);
const char *arb_fee_in_name(enum arb_fee_in v);

#endif
