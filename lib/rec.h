/*
 * rec.h: the records of arb-ndjson(5): parse, validate and emit.
 *
 * Every record is one JSON object on one line, "type" first.  Common keys:
 *   ts   event time at the source, integer microseconds since the epoch
 *   rt   local receive time (arb-feed), integer microseconds
 *   ex   venue id, lower case (binance kraken coinbase okx bybit bitstamp)
 *   sym  canonical BASE/QUOTE, upper case
 * Prices, quantities, fees and money are JSON numbers in plain decimal,
 * read and written exactly (dec.h).  Booleans are true/false.
 *
 * Types and their keys (required unless marked "opt"):
 *
 * book        ts rt ex sym seq ok depth bids asks
 *             bids/asks: [[px,qty],...] best first; ok: in sync and
 *             checksum-verified; seq: venue sequence (integer, opt)
 * trade       ts rt ex sym id(string) px qty side("buy"|"sell": taker side)
 * instrument  ts ex sym base quote tick lot min_qty min_notional taker_fee
 *             maker_fee; fee_in (opt): "quote" (default) | "base" |
 *             "received" (the fee is taken from what the order receives).
 *             Fees are fractions: 0.001 is 10 bps.
 * status      ts ex state detail(opt) sym(opt: absent = whole venue)
 *             state: connected subscribed synced gap resync stale
 *             disconnected
 * opportunity ts id kind("cross"|"cycle") event("new"|"update"|"gone")
 *             legs:[{ex,sym,side,px,qty,fee(opt),fee_ccy(opt)}] qty cost
 *             proceeds profit ccy
 *             gross_bps net_bps book_ts:[ts,...] expires
 *             (a "gone" record repeats the last values)
 * reject      ts kind reason ex(opt) sym(opt) gross_bps(opt) cand(opt)
 *             detail(opt); cand: the candidate's id without its ":TS"
 *             (arb-detect --explain) reason: fees lot min_notional stale
 *             out_of_sync balance max_age min_profit tick
 * order       ts ex sym opp leg cid side px qty state filled mode
 *             ("paper"|"live") vid(opt venue order id) reason(opt)
 *             msg(opt: the venue's reject message)
 *             state: new sent acked partial filled canceled rejected unknown
 * fill        ts ex sym opp cid side px qty fee fee_ccy mode tid(opt)
 * result      ts opp kind status reason pnl ccy fees(opt) exposure(opt)
 *             status: complete partial unwound failed skipped
 * balance     ts ex asset free locked(opt)
 * risk        ts rule action detail opp(opt) ex(opt)
 *             action: refuse | kill | resume
 *
 * Unknown types and unknown keys are valid and pass through untouched.
 */
#ifndef ARB_REC_H
#define ARB_REC_H

#include <stddef.h>
#include <stdint.h>
#include "dec.h"
#include "json.h"
#include "util.h"

enum arb_rtype {
	ARB_R_UNKNOWN = 0,
	ARB_R_BOOK, ARB_R_TRADE, ARB_R_INSTRUMENT, ARB_R_STATUS,
	ARB_R_OPPORTUNITY, ARB_R_REJECT, ARB_R_ORDER, ARB_R_FILL,
	ARB_R_RESULT, ARB_R_BALANCE, ARB_R_RISK,
	ARB_R_NTYPES
};

#define ARB_EX_MAX  16   /* venue id, with NUL */
/* A record's times (ts, rt, expires, book_ts) are within 0..ARB_REC_TMAX,
 * 9999-12-31 23:59:59.999999 UTC: every time can be written as a date of
 * four-digit year (arb-report), and, as the bound of arb-exec's state
 * file, a time the reader takes can be saved and read back, and the
 * difference of two of them, or one plus a duration (arb_duration_parse,
 * below 2^62), cannot overflow. */
#define ARB_REC_TMAX INT64_C(253402300799999999)
#define ARB_SYM_MAX 40   /* canonical symbol, with NUL */

/* A parsed record: the tokens plus the common keys.  Type-specific keys
 * are read with the accessors below or with arb_json_* on r->j. */
struct arb_rec {
	enum arb_rtype type;
	const char *line;
	size_t len;
	struct arb_json j;
	int64_t ts, rt;          /* 0 when absent */
	int has_ts, has_rt;
	char ex[ARB_EX_MAX];     /* "" when absent */
	char sym[ARB_SYM_MAX];   /* "" when absent */
	/* rec.c's own: what the fast path of arb_rec_parse read of a book
	 * record (levels as exact decimals, seq, ok, depth), which
	 * arb_rec_book hands out instead of reading the text again.  Valid
	 * only while has_fb is set; freed by arb_rec_free. */
	struct arb_book_rec *fb;
	int has_fb;
	int fast;                /* the last arb_rec_parse took the fast path */
	/*
	 * Set by the caller (arb-detect): the fast path checks a book
	 * exactly as before but converts only the best level of each side
	 * and writes no token for its members.  Then lv_lazy is set; r->j
	 * holds the object's token alone (n 0: arb_json_get and the
	 * arb_rec_* accessors find no key, the caller reads the fields);
	 * ts, rt, ex and sym are filled, r->fb holds seq, ok, depth, the
	 * counts and, when a side has levels, its best one (bids[0],
	 * asks[0]); the text of each array (`[[px,qty],...]`) is at line +
	 * lv_off[0 bids, 1 asks], lv_len bytes, for arb_levels_read, the
	 * byte after the best level (its ',' or the closing ']') lv_pos1
	 * bytes into it; lv_plain is set when every price is > 0 and every
	 * quantity >= 0.  arb_rec_book and arb_rec_book_take convert from
	 * the line (it must still be there).  Other types, and a book the
	 * fast path gives up on, are read as without lazy, with tokens.
	 */
	int lazy;
	int lv_lazy, lv_plain;
	uint32_t lv_off[2], lv_len[2], lv_pos1[2];
};

void arb_rec_init(struct arb_rec *r);
void arb_rec_free(struct arb_rec *r);
/*
 * Parses and validates one line.  Returns 0, or -1 with a reason written
 * to why (e.g. `expected number at "qty"`).  A record of unknown type is
 * valid when it is a JSON object with a string "type".
 */
int arb_rec_parse(struct arb_rec *r, const char *line, size_t len, char *why, size_t whylen);
/*
 * The same result without the fast path (rec.c): the general tokenizer
 * and the table check on every line.  For the differential tests, the
 * fuzz target and the benchmark; programs call arb_rec_parse.
 */
int arb_rec_parse_general(struct arb_rec *r, const char *line, size_t len, char *why, size_t whylen);

const char *arb_rtype_name(enum arb_rtype t);
enum arb_rtype arb_rtype_from(const char *s, size_t n);

/* Book levels. */
struct arb_level {
	arb_dec px, qty;
};
struct arb_book_rec {
	int64_t seq;
	int has_seq, ok, depth;
	uint32_t nbids, nasks;
	struct arb_level *bids, *asks; /* owned, grown as needed */
	uint32_t capb, capa;
};
void arb_book_rec_free(struct arb_book_rec *b);
/*
 * The number (from 1) of the first of levels from..n-1 of lv whose price
 * is better than the one before it (side 0 bids: higher, 1 asks: lower),
 * or 0 when they are best first.  Equal prices are in order.
 */
uint32_t arb_levels_unsorted(const struct arb_level *lv, uint32_t from, uint32_t n, int side);
/* The number (from 1) of the first of the n levels of lv that is no
 * offer (price <= 0 or quantity < 0), or 0. */
uint32_t arb_levels_bad(const struct arb_level *lv, uint32_t n);
/* Reads a validated book record into b (reusing its arrays).  0 or -1. */
int arb_rec_book(const struct arb_rec *r, struct arb_book_rec *b);
/*
 * The same, but without copying the levels when arb_rec_parse has read
 * them already (its fast path): b's arrays and the record's are swapped,
 * so b's old arrays become the record's and are reused by the next
 * parse.  b must not share arrays with anything else.  0 or -1.
 */
int arb_rec_book_take(struct arb_rec *r, struct arb_book_rec *b);
/*
 * Converts k levels from text that arb_rec_parse (lazy) checked: p at the
 * '[' of a level of such an array, the levels separated by ','.  Returns
 * the byte after the k-th level's ']', or NULL if the text is not what
 * the fast path accepts.  Reads up to 16 bytes ahead but not past e; at
 * least 8 bytes before e must be readable (a whole line, or a copy of the
 * array with 16 bytes after it, as arb-detect keeps).
 */
const char *arb_levels_read(const char *p, const char *e, struct arb_level *lv, uint32_t k);

/* Typed field access on a parsed record; -1 when missing or wrong type. */
int arb_rec_dec(const struct arb_rec *r, const char *key, arb_dec *d);
int arb_rec_i64(const struct arb_rec *r, const char *key, int64_t *v);
int arb_rec_str(const struct arb_rec *r, const char *key, char *buf, size_t cap);
int arb_rec_bool(const struct arb_rec *r, const char *key, int *v);

/*
 * Emitting: a record is built into an arb_buf in key order, then handed
 * to the writer.  arb_emit_begin writes `{"type":"T"`; the rest append
 * `,"key":value`; arb_emit_end writes `}\n`.
 */
void arb_emit_begin(struct arb_buf *b, const char *type);
void arb_emit_str(struct arb_buf *b, const char *key, const char *v);
void arb_emit_strn(struct arb_buf *b, const char *key, const char *v, size_t n);
void arb_emit_i64(struct arb_buf *b, const char *key, int64_t v);
void arb_emit_dec(struct arb_buf *b, const char *key, arb_dec v);
void arb_emit_bool(struct arb_buf *b, const char *key, int v);
/* Appends `,"key":` and leaves the value to the caller (arrays, objects). */
void arb_emit_key(struct arb_buf *b, const char *key);
/* Appends a decimal as a JSON number (no key). */
void arb_emit_decval(struct arb_buf *b, arb_dec v);
/* Appends [[px,qty],...] for n levels. */
void arb_emit_levels(struct arb_buf *b, const struct arb_level *l, uint32_t n);
void arb_emit_end(struct arb_buf *b);

/*
 * The bad-input policy shared by every program: report
 * `prog: FILE:LINE: reason` on stderr, count it, and go on; with strict
 * set, exit 1 instead, after flushing w (when set) so that the records
 * written for the lines before it still reach the reader.
 * arb_badlines_report prints the count at exit ("prog: 3 bad lines
 * skipped") when non-zero.
 */
struct arb_writer;
struct arb_badlines {
	uint64_t n;
	int strict;
	struct arb_writer *w;
};
void arb_badline(struct arb_badlines *bl, const char *file, uint64_t line, const char *why);
/* A line that arb_rec_parse refused, why its reason: "bad record: why". */
void arb_badrecord(struct arb_badlines *bl, const char *file, uint64_t line, const char *why);
void arb_badlines_report(const struct arb_badlines *bl);

#endif
