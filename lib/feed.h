/*
 * feed.h: the state arb-feed keeps per venue and per book, and the helpers
 * the venue code calls to emit records.  It does not know where frames come
 * from (replay.c or the live transport in ws.c/rest.c).
 *
 * Book sync, shared by every venue:
 *   - a book is ok only between a verified snapshot and the first gap,
 *     checksum mismatch or crossed book;
 *   - arb_fbook_gap() drops ok at once, emits status gap and resync and a
 *     book record with ok:false, forgets the book's levels and asks the
 *     transport for a new snapshot of that symbol only (live); in replay
 *     the book stays out of sync until the recording holds a snapshot;
 *   - arb_fbook_synced() sets ok again after a verified snapshot.
 */
#ifndef ARB_FEED_H
#define ARB_FEED_H

#include <stddef.h>
#include <stdint.h>
#include "book.h"
#include "io.h"
#include "json.h"
#include "rec.h"
#include "util.h"
#include "venue/venue.h"

#define ARB_VSYM_MAX 48

/* A string-keyed hash map (keys copied, values owned by the caller). */
struct arb_smap {
	struct arb_smap_ent { char *k; void *v; uint32_t h, n; } *e;
	uint32_t n, cap;
};
void *arb_smap_get(const struct arb_smap *m, const char *k, size_t n);
void arb_smap_put(struct arb_smap *m, const char *k, size_t n, void *v);
void arb_smap_free(struct arb_smap *m, void (*freev)(void *));

/* What a venue says about a symbol (instrument record). */
struct arb_inst {
	char sym[ARB_SYM_MAX], base[24], quote[24];
	arb_dec tick, lot, min_qty, min_notional, taker, maker;
	int64_t ts;
};

/* A frame held back until the book's snapshot arrives. */
struct arb_pending {
	char *p;
	size_t len;
	int64_t rt;
	const char *file;    /* replay: where it was read (arb_feed.file, line) */
	uint64_t line;
};

struct arb_fbook {
	char vsym[ARB_VSYM_MAX];
	char sym[ARB_SYM_MAX];
	struct arb_venue *v;
	struct arb_book book;
	int ok;              /* in sync and verified */
	int snap;            /* a snapshot has been applied since the last gap */
	int fresh;           /* no update applied since the snapshot */
	int subscribed;      /* status subscribed sent */
	int inst_done;       /* instrument record emitted (or reported missing) */
	int filtered;        /* not asked for on the command line: no output */
	int64_t seq;         /* venue sequence of the last update */
	int has_seq;
	int64_t last;        /* venue continuity id (update id, microtimestamp) */
	int64_t ts, rt;      /* of the last update */
	int64_t snap_wait;   /* live: time the snapshot was requested, 0 none */
	int64_t snap_last;   /* live: time of the last snapshot request */
	int64_t snap_gap;    /* live: least time to the next one (backoff) */
	int64_t act;         /* live: monotonic time of the book's last frame
	                        (update, snapshot, held-back diff), 0 none */
	uint32_t maxdepth;   /* keep at most this many levels per side, 0 all */
	struct arb_pending *pend;
	uint32_t npend, cappend;
	char *exsym;         /* ,"ex":"...","sym":"..." of its records, or NULL */
	uint32_t exsymlen;
	/* counters, reported with -v at exit and used by tests */
	uint64_t nbook, nchk_ok, nchk_bad, ngap, nsnap, ncrossed, nstale;
};

struct arb_feed;

struct arb_venue {
	const struct arb_venue_ops *ops;
	struct arb_feed *feed;
	struct arb_smap books;   /* vsym -> struct arb_fbook */
	struct arb_smap insts;   /* vsym -> struct arb_inst */
	struct arb_fbook **list; /* books in creation order */
	uint32_t nlist, caplist;
	int have_meta;
	char **want;             /* canonical symbols asked for, NULL: all */
	uint32_t nwant;
	char why[512];           /* reason of the last -1 */
	char url[512];           /* live: --endpoint override or "" */
	struct arb_json j;       /* tokenizer reused for every frame */
	void *priv;              /* venue private state */
	void (*priv_free)(void *);
	/* live transport state lives in ws.c */
	void *conn;
	int64_t act_ws;          /* live: latest fbook.act set by a WebSocket frame */
};

struct arb_feed {
	struct arb_writer *out;
	struct arb_buf b;
	uint32_t depth;          /* --depth */
	int trades;              /* --trades */
	int replay;              /* no network: resyncs wait for the recording */
	struct arb_venue *v[8];
	uint32_t nv;
	struct arb_level *top;   /* scratch for top-N */
	struct arb_level *load;  /* scratch for a snapshot side */
	uint32_t capload;
	struct arb_blevel *lv;   /* scratch for levels read straight from text */
	uint32_t caplv;
	struct arb_book_text *lvx;   /* ...and their text */
	uint32_t caplvx;
	uint8_t *lvside;         /* ...and their sides, where each has its own */
	uint32_t caplvside;
	char depthkey[40];       /* ,"depth":N,"bids": */
	uint32_t depthkeylen;
	/* where the current input comes from, for diagnostics */
	const char *file;
	uint64_t line;
	struct arb_badlines *bl; /* replay: bad lines (a held-back frame's too) */
	uint64_t nframes, nerrors;
	uint64_t nscan;          /* frames read by a venue's fast path (scan.h) */
	/* live: monotonic time of the frame being handled (fbook.act), 0 in
	 * replay; now_ws: it is a WebSocket frame (not a REST body) */
	int64_t now;
	int now_ws;
	/* live: asks the transport for a snapshot of fb (NULL in replay) */
	void (*want_snapshot)(struct arb_feed *f, struct arb_fbook *fb);
	/* live: the venue asked us to reconnect (NULL in replay) */
	void (*want_reconnect)(struct arb_feed *f, struct arb_venue *v);
	void *transport;
};

void arb_feed_init(struct arb_feed *f, struct arb_writer *out, uint32_t depth);
void arb_feed_free(struct arb_feed *f);
/* The venue state for ops, created on first use. */
struct arb_venue *arb_feed_venue(struct arb_feed *f, const struct arb_venue_ops *ops);
/* Restricts a venue's output to a canonical symbol (may repeat). */
void arb_venue_want(struct arb_venue *v, const char *sym);

/* Sets v->why and returns -1. */
int arb_venue_err(struct arb_venue *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The book of a venue symbol, created on first use (and its instrument
 * record emitted when the metadata is known).  NULL when the symbol cannot
 * be mapped (v->why set).  conn is the connection URL or NULL. */
struct arb_fbook *arb_venue_book(struct arb_venue *v, const char *vsym, size_t n, const char *conn);
/* The book of a venue symbol if it exists. */
struct arb_fbook *arb_venue_find(struct arb_venue *v, const char *vsym, size_t n);
/* Records the metadata of one symbol; instrument records follow for books
 * that exist already and for those created later. */
void arb_venue_inst(struct arb_venue *v, const char *vsym, size_t n, const struct arb_inst *in);
/* Called after a whole metadata body: books without metadata are reported. */
void arb_venue_meta_done(struct arb_venue *v);

/* Records. */
void arb_feed_status(struct arb_venue *v, struct arb_fbook *fb, int64_t ts, const char *state, const char *detail);
/* The venue's recording ended (arb-feed --replay): status disconnected,
 * detail "end of recording", eof true (readers that sum time down stop
 * observing the venue there instead). */
void arb_feed_end_of_recording(struct arb_venue *v, int64_t ts);
void arb_fbook_emit(struct arb_fbook *fb);
/* The book record of fb at p (room: see arb_fbook_emit), returning its
 * end (after the newline). */
char *arb_fbook_json(struct arb_fbook *fb, char *p);
void arb_feed_trade(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *id, size_t idlen,
    arb_dec px, arb_dec qty, int buy);

/* A connection of the venue closed: status disconnected, and every book
 * of the venue is out of sync until its next snapshot. */
void arb_feed_disconnected(struct arb_venue *v, int64_t ts, const char *detail, size_t n);

/* Book state changes. */
void arb_fbook_subscribed(struct arb_fbook *fb, int64_t ts);
void arb_fbook_synced(struct arb_fbook *fb, int64_t ts, const char *detail);
/* A REST snapshot (Binance, Bitstamp) whose continuity id last is not
 * after the book's while the book is in sync: the book already holds all
 * of it and more, so the snapshot is dropped (applying it would turn the
 * book back to an older state marked ok).  1 then, 0 to apply it. */
int arb_fbook_snapshot_behind(struct arb_fbook *fb, int64_t last);
/* A snapshot that cannot be used (a bad level, a crossed book): the book
 * is out of sync as after a gap (status gap "bad snapshot: why", a book
 * record with ok:false if it was ok, status resync, a new snapshot live),
 * not silently.  Returns -1 with v->why set to why. */
int arb_fbook_bad_snapshot(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *why);
void arb_fbook_gap(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Live: the book got no frame for longer than --stale-after while other
 * books of its connection did.  Like a gap: status stale (detail), a book
 * record with ok:false if it was ok, the levels forgotten, status resync
 * and a new snapshot (or subscription) of that symbol only.
 */
void arb_fbook_stale(struct arb_fbook *fb, int64_t ts, const char *detail);
/* After applying an update to an ok book: a crossed book is a gap.
 * Returns 0, or -1 when the book went out of sync. */
int arb_fbook_check_crossed(struct arb_fbook *fb, int64_t ts, int64_t rt);

/* Applies a JSON array of [price, qty, ...] levels to one side.  0, or -1
 * with v->why (bad number, negative). */
int arb_fbook_levels(struct arb_fbook *fb, const struct arb_json *j, int arr, enum arb_side side);
/* Sets the n levels that a venue's fast path read into f->lv (their text
 * in f->lvx): the first nb are bids, the others asks.  They are valid
 * decimals of at most 18 digits, so this cannot fail. */
void arb_fbook_set_scanned(struct arb_fbook *fb, const struct arb_feed *f, uint32_t n, uint32_t nb);

/* Frames held back until the snapshot. */
void arb_fbook_pend(struct arb_fbook *fb, const char *p, size_t len, int64_t rt);
void arb_fbook_pend_clear(struct arb_fbook *fb);

/* Tokenizes a frame into v->j; -1 with v->why naming the JSON error. */
int arb_venue_parse(struct arb_venue *v, const char *p, size_t len);
/* Small accessors that accept a missing (-1) token. */
static inline int arb_jget(const struct arb_json *j, int obj, const char *k)
{ return arb_json_get(j, obj, k); }
static inline int arb_jis(const struct arb_json *j, int i, const char *lit)
{ return arb_json_streq(j, i, lit); }
static inline uint32_t arb_jlen(const struct arb_json *j, int i)
{ return i >= 0 ? j->t[i].len : 0; }
static inline int arb_jtype(const struct arb_json *j, int i)
{ return i >= 0 ? j->t[i].type : 0; }
/* Iterating the members of a container c that may be missing (-1):
 * for (e = arb_jfirst(j, c); e >= 0; e = arb_jnext(j, c, e)) */
static inline int arb_jfirst(const struct arb_json *j, int c)
{ return c >= 0 && (j->t[c].type == ARB_J_ARR || j->t[c].type == ARB_J_OBJ) && j->t[c].n ? c + 1 : -1; }
static inline int arb_jnext(const struct arb_json *j, int c, int e)
{ return j->t[e].next < j->t[c].next ? (int)j->t[e].next : -1; }
/* Milliseconds (number or string) -> microseconds. */
int arb_jms(const struct arb_json *j, int i, int64_t *us);
/* Takes the frames held back by fb and feeds them to fn in order. */
void arb_fbook_replay_pending(struct arb_fbook *fb,
    int (*fn)(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt));

/* Exact time helpers (no floating point): "1633998512.0633569" seconds
 * -> microseconds (truncated), milliseconds text or number -> us,
 * RFC 3339 "2021-04-17T16:43:37.075687Z" -> us.  0 or -1. */
int arb_secs_to_us(const char *s, size_t n, int64_t *us);
int arb_rfc3339_to_us(const char *s, size_t n, int64_t *us);

#endif
