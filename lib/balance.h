/*
 * balance.h: balances per venue and asset for arb-exec, exact decimals.
 *
 * A balance has a free part and a locked part (funds reserved by open
 * orders).  Nothing here ever invents money: an unknown balance is zero,
 * and locking more than is free fails.  Every change marks the entry
 * dirty so the caller can emit one `balance` record per change.
 */
#ifndef ARB_BALANCE_H
#define ARB_BALANCE_H

#include <stddef.h>
#include <stdint.h>
#include "dec.h"
#include "rec.h"
#include "util.h"

#define ARB_ASSET_MAX 20

struct arb_bal {
	char ex[ARB_EX_MAX];
	char asset[ARB_ASSET_MAX];
	arb_dec free, locked;
	int dirty;
	int sdirty;                  /* changed since the last state save */
};

struct arb_balances {
	struct arb_bal *v;           /* in the order they were added */
	size_t n, cap;
	/* an index into v by venue and asset (open addressing, 1 + the
	 * position, 0 empty), built once there are more than a few */
	uint32_t *idx;
	size_t capidx;
	/* some entry may be dirty (a cheap test for arb_bal_emit_dirty;
	 * clearing an entry's mark by hand leaves it set, which is safe) */
	int maybe_dirty;
	/* positions in v of the entries marked since the last emit (may
	 * repeat one whose mark was cleared by hand); when it would hold
	 * more than n, overflow is set and emit scans all of v instead */
	uint32_t *dq;
	size_t ndq, capdq;
	int overflow;
	/* the same for the state file's journal: positions in v of the
	 * entries added or changed since arb_bal_state_clear */
	uint32_t *sq;
	size_t nsq, capsq;
	int soverflow;
};

void arb_balances_init(struct arb_balances *b);
void arb_balances_free(struct arb_balances *b);
/* The entry for ex/asset; with create, a zero one is added when absent.
 * NULL when absent (or names too long). */
struct arb_bal *arb_bal_get(struct arb_balances *b, const char *ex, const char *asset, int create);
/* Free amount of ex/asset (zero when unknown). */
arb_dec arb_bal_free(struct arb_balances *b, const char *ex, const char *asset);
/* Marks ex/asset dirty, if known, so that its record is written again
 * (after a snapshot that was not used passed through). */
void arb_bal_touch(struct arb_balances *b, const char *ex, const char *asset);
/* Sets both parts (a snapshot: --balances or a `balance` record). */
int arb_bal_set(struct arb_balances *b, const char *ex, const char *asset, arb_dec free, arb_dec locked);
/* Moves amt (>= 0) from free to locked; -1 (nothing changed) when free < amt. */
int arb_bal_lock(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt);
/* Moves amt from locked back to free. */
int arb_bal_unlock(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt);
/* Removes amt from locked (spent by a fill). */
int arb_bal_spend(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt);
/* Adds amt (may be negative) to free. */
int arb_bal_credit(struct arb_balances *b, const char *ex, const char *asset, arb_dec amt);
/*
 * Loads a balances file: lines of `balance` records ({"type":"balance",
 * "ex":..,"asset":..,"free":..}) or of "VENUE ASSET AMOUNT"; blank lines
 * and lines starting with # are ignored.  0, or -1 with why set to
 * "PATH:LINE: reason" or "PATH: strerror".
 */
int arb_bal_load(struct arb_balances *b, const char *path, char *why, size_t whylen);
/* Calls fn for every entry added or changed since the last
 * arb_bal_state_clear (the state journal), in the order of the changes. */
void arb_bal_state_each(struct arb_balances *b, void (*fn)(void *, const struct arb_bal *),
    void *arg);
void arb_bal_state_clear(struct arb_balances *b);
/* Appends a `balance` record for every dirty entry (sorted by venue then
 * asset) and clears the marks.  Returns the number emitted. */
int arb_bal_emit_dirty(struct arb_balances *b, int64_t ts, struct arb_buf *out);

#endif
