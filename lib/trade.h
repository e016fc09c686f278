/*
 * trade.h: the venues' private REST order formats for the live transport
 * (live.c): how to build a signed request to place, cancel or query an
 * order (by our client order id), to list an order's trades, to read
 * balances and the server time, and how to read the answers, including
 * the venue's error codes mapped to our reason codes.
 *
 * Nothing here does I/O: a request is built into a struct arb_treq (method,
 * path with query, body, headers) and an answer (HTTP status, headers,
 * body) is parsed into a struct arb_tres.  That keeps every format unit
 * testable with the venues' documented examples.
 *
 * Secrets: the key material is passed in (struct arb_tkeys) and goes only
 * into the signature and the venue's authentication header; arb_treq_wipe
 * overwrites the request buffers before freeing them.  No error text built
 * here ever contains a key, a secret, a passphrase or a signature.
 */
#ifndef ARB_TRADE_H
#define ARB_TRADE_H

#include <stddef.h>
#include <stdint.h>
#include "dec.h"
#include "exec.h"
#include "util.h"

enum arb_top {
	ARB_TOP_PLACE, ARB_TOP_CANCEL, ARB_TOP_QUERY, ARB_TOP_FILLS,
	ARB_TOP_BALANCES, ARB_TOP_TIME, ARB_TOP_FEES, ARB_TOP_N
};
const char *arb_top_name(int op);

struct arb_tkeys {
	const char *key, *secret, *pass;  /* pass: OKX passphrase, else NULL */
};

/* What a request is built from. */
struct arb_tin {
	const char *base;            /* base URL, "https://api.binance.com" */
	const struct arb_tkeys *k;
	int64_t ts_ms;               /* the venue's clock, estimated */
	uint64_t nonce;              /* strictly increasing per venue (Kraken) */
	const char *uuid;            /* a fresh random UUID (Bitstamp nonce) */
	int recv_window_ms;          /* Binance, Bybit; 0: the venue default */
	int demo;                    /* OKX demo trading header */
	const struct arb_order *o;   /* place, cancel, query, fills */
	const char *cursor;          /* query: the next page of a list (Coinbase) */
	const struct arb_instr *ins; /* fees: the engine's instruments, for a */
	size_t nins;                 /* venue that wants the pairs named */
};

struct arb_treq {
	const char *method;          /* "GET" "POST" "DELETE" */
	struct arb_buf path;         /* path and query, appended to the base */
	struct arb_buf body;
	struct arb_buf hdr;          /* "Name: value\n" lines */
};
void arb_treq_init(struct arb_treq *q);
/* Overwrites and frees every buffer (they may hold the API key and a
 * signature). */
void arb_treq_wipe(struct arb_treq *q);

/* How an answer is to be taken. */
enum arb_tkind {
	ARB_TR_OK,          /* the venue answered: see st/done/fills */
	ARB_TR_REJECTED,    /* the venue refused the request: nothing happened */
	ARB_TR_NOTFOUND,    /* query/cancel: the venue knows no such order */
	ARB_TR_RATE,        /* rate limited (429 and alike): not executed */
	ARB_TR_BAN,         /* IP ban (Binance 418): stop trading */
	ARB_TR_UNKNOWN      /* no telling what happened (5XX, garbage,
	                     * the venue's own "execution status unknown") */
};

/* At most this many fills or balances in one answer: a longer list is
 * taken as no answer (kind UNKNOWN, reason bad_answer), never cut short. */
#define ARB_TLIST_MAX 65536

struct arb_tfill {
	arb_dec px, qty, fee;
	char fee_ccy[ARB_ASSET_MAX];
	char tid[48];
	int64_t ts_ms;
};

struct arb_tbal {
	char asset[ARB_ASSET_MAX];
	arb_dec free, locked;
};

/* A fee rate read from the venue: sym is the venue's own name of the
 * pair ("BTCUSDT", "btcusd"), "" for every pair. */
struct arb_tfee {
	char sym[ARB_SYM_MAX];
	arb_dec taker, maker;        /* fractions: 0.001 is 10 bps */
};

struct arb_tres {
	enum arb_tkind kind;
	/* the order as the venue sees it (place, cancel, query) */
	enum arb_ostate st;          /* ACKED (open), PARTIAL, FILLED, CANCELED,
	                              * REJECTED */
	int done;                    /* final at the venue: no more fills */
	int has_filled;
	arb_dec filled;              /* cumulative executed quantity */
	int has_avg;
	arb_dec avg_px;              /* average price of what executed */
	int has_amt;
	arb_dec amt;                 /* cumulative executed amount in the
	                              * quote currency, fees not included
	                              * (aggregate answers that give it) */
	int has_fee;
	arb_dec fee;                 /* cumulative fee (aggregate answers) */
	char fee_ccy[ARB_ASSET_MAX];
	int nfills;                  /* itemised trades, oldest first */
	struct arb_tfill *f;         /* allocated: arb_tres_fillroom */
	char vid[48];                /* the venue's order id */
	int64_t ts_ms;               /* the venue's time of the answer, 0 */
	/* errors */
	char reason[24];             /* our reason code (arb-exec(1)) */
	char code[24];               /* the venue's error code, sanitised */
	char msg[160];               /* the venue's message, sanitised */
	int64_t retry_after_ms;      /* 429/418: how long to wait, 0 */
	char cursor[80];             /* query, not found on this page of a
	                              * list: the next one (kind UNKNOWN) */
	/* ARB_TOP_TIME */
	int64_t server_ms;
	/* ARB_TOP_BALANCES */
	int nbal;
	struct arb_tbal *bal;        /* allocated: arb_tres_balroom */
	int capf, capbal;
	int cut;                     /* a list was longer than ARB_TLIST_MAX */
	/* ARB_TOP_FEES (and Binance's balances): allocated, arb_tres_free */
	int nfee;
	struct arb_tfee *fees;
};

/* One venue's formats. */
struct arb_tvenue {
	const char *ex;              /* "binance" */
	const char *prod;            /* production base URL */
	const char *test;            /* documented test environment, NULL */
	const char *test_note;       /* what --testnet means here */
	int64_t lag_us;              /* how long an accepted order may take to
	                              * show up in a query */
	int64_t accept_ms;           /* the venue may accept a request this long
	                              * after it was signed even when our
	                              * receive window is shorter (Bitstamp's
	                              * 150 s timestamp window); 0: the
	                              * receive window binds */
	int64_t clock_ms;            /* how far our estimate of the venue's
	                              * clock may be off, which a deadline
	                              * set on it moves: a clock read in
	                              * whole seconds (Kraken, Bitstamp)
	                              * 1000, else 0 */
	/* credential names read through cred.h: key, secret, passphrase */
	const char *cred_key, *cred_secret, *cred_pass;
	/* Builds a request; -1 with why (never a secret) when it cannot. */
	int (*build)(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen);
	/* Parses an answer.  hdr: the response header block (may be NULL). */
	void (*parse)(int op, long http, const char *hdr, const char *body, size_t len,
	    const struct arb_order *o, struct arb_tres *r);
	int has_fills;               /* ARB_TOP_FILLS itemises trades */
	int has_fee_op;              /* ARB_TOP_FEES reads the fee rates */
	int fee_needs_pairs;         /* ... of the pairs named (Kraken): asked
	                              * once the engine knows instruments */
	int cancel_by_vid;           /* a cancel names the venue's order id:
	                              * query the order first when it is not
	                              * known yet (Coinbase, Bitstamp) */
	int nonce_ordered;           /* signed requests carry a nonce that must
	                              * arrive increasing (Kraken): one at a
	                              * time, or two on their own connections
	                              * can overtake each other */
	/* Checks that a 2XX answer comes from the venue (Bitstamp signs its
	 * answers); NULL when the venue does not.  0 authentic, -1 not. */
	int (*verify)(const struct arb_tkeys *k, const struct arb_treq *q, const char *hdr,
	    const char *body, size_t len);
};

extern const struct arb_tvenue arb_tv_binance, arb_tv_kraken, arb_tv_okx, arb_tv_bybit,
    arb_tv_coinbase, arb_tv_bitstamp;
/* By venue id; NULL when not supported. */
const struct arb_tvenue *arb_tvenue(const char *ex);

/* ---- helpers shared by the venue files (trade.c) ---- */
void arb_tres_init(struct arb_tres *r);
/* Frees what an answer allocated (fills, balances, fees). */
void arb_tres_free(struct arb_tres *r);
/* Parses an answer with tv->parse; an answer left unknown without a
 * reason gets reason "bad_answer", msg "unexpected answer". */
void arb_tparse(const struct arb_tvenue *tv, int op, long http, const char *hdr,
    const char *body, size_t len, const struct arb_order *o, struct arb_tres *r);
/* Room for one more fill (balance) at index nfills (nbal), cleared: 0, or
 * -1 (and cut set) when the list would pass ARB_TLIST_MAX. */
int arb_tres_fillroom(struct arb_tres *r);
int arb_tres_balroom(struct arb_tres *r);
void arb_tres_addfee(struct arb_tres *r, const char *sym, arb_dec taker, arb_dec maker);
/* Copies a venue message for records and logs: printable ASCII only,
 * quotes and backslashes replaced, at most cap-1 bytes. */
void arb_tmsg(char *dst, size_t cap, const char *src, size_t n);
/* An order status the parser does not know (what: "order status", "order
 * state"): no answer (ARB_TR_UNKNOWN, reason venue_unknown, asked again),
 * the venue's word in msg as arb_tmsg copies it. */
void arb_tres_unknown_status(struct arb_tres *r, const char *what, const char *st);
/* "BTC/USDT" -> base "BTC", quote "USDT".  -1 when not BASE/QUOTE. */
int arb_tsym_split(const char *sym, char *base, size_t bcap, char *quote, size_t qcap);
/* Appends key=value URL-encoded (RFC 3986 unreserved kept), with '&'
 * before it unless the buffer is empty or ends in '?'. */
void arb_tq_add(struct arb_buf *b, const char *key, const char *val);
void arb_tq_adddec(struct arb_buf *b, const char *key, arb_dec v);
/* Plain decimal text of v with trailing zeros removed ("0.0100" -> "0.01"). */
void arb_tdec(arb_dec v, char *buf);
/* The value of header name (case-insensitive) in a header block, copied to
 * buf; -1 when absent. */
int arb_thdr(const char *hdr, const char *name, char *buf, size_t cap);
/* Retry-After (seconds) as milliseconds, 0 when absent. */
int64_t arb_tretry_after(const char *hdr);
/* Members of object obj of a parsed answer: 0, or -1 when absent or of
 * the wrong type (strings holding numbers count as numbers). */
struct arb_json;
int arb_tj_str(const struct arb_json *j, int obj, const char *key, char *buf, size_t cap);
int arb_tj_dec(const struct arb_json *j, int obj, const char *key, arb_dec *d);
int arb_tj_i64(const struct arb_json *j, int obj, const char *key, int64_t *v);
/* A venue's time: member key of obj, an integer count of scale
 * milliseconds (1, or 1000 for seconds), as milliseconds; -1 when absent
 * or outside 1970 to the end of 9999 (which would overflow as microseconds). */
#define ARB_TMS_MAX INT64_C(253402300799999)
int arb_tj_ms(const struct arb_json *j, int obj, const char *key, int scale, int64_t *ms);
/* The host (with its port) of a base URL: "https://h:1/x" -> "h:1". */
void arb_thost(const char *base, char *buf, size_t cap);
/* avg = quote / qty rounded to 12 places (0 when qty is 0). */
arb_dec arb_tavg(arb_dec quote, arb_dec qty);

#endif
