#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "detect_size.h"
#include "json.h"
#include "log.h"

/* Reject reasons (arb-detect(1), "REASON CODES"). */
enum reason {
	R_NONE = 0, R_FEES, R_LOT, R_MIN_NOTIONAL, R_STALE, R_OUT_OF_SYNC,
	R_BALANCE, R_MAX_AGE, R_MIN_PROFIT, R_TICK, R_NREASONS
};
static const char *const reason_name[R_NREASONS] = {
	"", "fees", "lot", "min_notional", "stale", "out_of_sync",
	"balance", "max_age", "min_profit", "tick"
};

/* Candidate states: none, an open opportunity, or rejected for a reason. */
#define ST_NONE 0
#define ST_OPP  1
#define ST_REJ(r) (1 + (r))

/* The same, compact, for the screen.  ST8_NONE: state none and screened
 * out at the candidate's last run, or never run yet and screened out by
 * the rates of its making ("cold"); ST8_WARM: state none but not screened
 * out (or never run yet, and not screened out when made: see cand_add).
 * A candidate is "hot" unless ST8_NONE. */
#define ST8_NONE 0
#define ST8_REJ  1
#define ST8_OPP  2
#define ST8_WARM 3

#define KIND_CROSS 0
#define KIND_CYCLE 1

struct balance {
	char asset[ARB_CCY_MAX];
	arb_dec free;
};

struct venue {
	char ex[ARB_EX_MAX];
	int64_t max_age;
	/* currencies seen in known instruments, and the instruments (edges)
	 * touching each, for cycle building */
	char (*ccy)[ARB_CCY_MAX];
	int *rank;          /* each currency's start_rank */
	int nccy, capccy, caprank;
	struct edge { int ccy_a, ccy_b, book; } *edges;
	int nedges, capedges;
	/* per currency, its edges' indexes in increasing order */
	struct adj { int *e; int n, cap; } *adj;
	int capadj;
	struct balance *bal;
	int nbal, capbal, has_bal;
	/* bumped whenever the screen's bound rate (d->hi) of a side of one
	 * of its books is raised: the chunk bounds of its books are then
	 * stale */
	uint64_t epoch;
};

/* A run of CHUNK cycle entries of a book's candidate list and the bound
 * of the screen product of its entries over the book's other legs, by
 * the direction the book is used in (see "The screen"). */
#define CHUNK 32
#define KBLK 65536
#define EPOCH_NONE UINT64_MAX
struct chunk {
	double mo[2];      /* [0]: the book is sold, [1]: bought */
	uint64_t epoch;    /* the venue's epoch mo was computed at */
};

/* The screen's compact view of a candidate (kept apart from struct cand
 * so that the hot loop touches little memory): its number, legs, and
 * indexes into d->rt. */
struct cscreen {
	int32_t ci;
	int16_t n;
	int16_t own;       /* in a book's list: the leg on that book */
	int32_t idx[ARB_DLEGS_MAX];
};

/* A book's key: its venue id (ARB_EX_MAX bytes) then its symbol
 * (ARB_SYM_MAX), each string's bytes after its NUL zeroed, as words; and
 * their hash.  Every book record looks its book up: whole words compared,
 * in an array apart from the books (one cache line a key). */
#define BKW ((ARB_EX_MAX + ARB_SYM_MAX) / 8)
struct bkey {
	uint64_t h, w[BKW];
};

/* (the fields every book record touches first, together) */
struct book {
	int vx;
	int have_book;
	int bad;             /* R_NONE, R_OUT_OF_SYNC, R_STALE */
	int nhot;            /* how many of its candidates are hot (st8 != ST8_NONE) */
	int64_t ts;
	struct arb_level *bids, *asks;
	uint32_t nb, na, capb, capa;
	/* A book read lazily (arb_rec's lazy, as arb-detect reads): each
	 * side's text `[[px,qty],...]` as the parser checked it, with 16 zero
	 * bytes after it, converted into bids/asks only as far as needed:
	 * nconv[side] levels (a sizing wants all), the next at tx[side] +
	 * txpos[side].  The best level is always converted (the parser
	 * does it, and the screen reads it on every update): nconv[side] >=
	 * 1 when the side has a level.  txok[side]: tx[side] is the text of
	 * the side's current levels (not so after a record the parser read
	 * in full, or a side of at most one level, kept as levels only). */
	uint32_t nconv[2];
	int txok[2];
	/* The levels' order (arb-ndjson(5): bids by falling price, asks by
	 * rising price; two levels at one price are accepted, they walk the
	 * same): per side, the number (from 1) of the first level whose
	 * price is better than the one before it among the levels converted
	 * so far, 0 if none.  A read in full (on_book) checks every level at
	 * once; a lazy one (on_book_lazy) as its levels are converted
	 * (book_conv_more), and every evaluation that gives a reason converts
	 * all the levels of its books first (book_checked): so the book is
	 * refused (bad R_OUT_OF_SYNC) wherever its record's bad level lies,
	 * as if found when the record was read, and the output is the same
	 * both ways.  noted: the current record's disorder was reported.
	 * src, line: where the book's last record was read (arb_detect_where),
	 * for the message about a disorder found later. */
	uint32_t unsorted[2];
	int noted;
	const char *src;
	uint64_t line;
	/* per side (0 bids, 1 asks): changed to a new d->vergen whenever
	 * the side's levels or the instrument change (see struct szcache) */
	uint64_t ver[2];
	double fg[2];             /* the screen's fee factors: sell, buy */
	struct cscreen *cands;    /* the candidates using this book, with a
	                           * copy of their screen indexes (locality) */
	int ncands, capcands;
	int nx;                   /* leading entries with fewer than 3 legs */
	int nch;
	struct chunk *ch;         /* the cycle entries' chunks (0: not built) */
	/* The largest bound of all of them (each direction), valid while
	 * all_v and all_x are the venue's epoch and d->xepoch. */
	double all[2];
	uint64_t all_v, all_x;
	struct chunk xch;         /* the same for the nx cross entries, whose
	                           * other legs are on any venue (d->xepoch) */
	char *tx[2];
	uint32_t txlen[2], txcap[2], txpos[2];
	int have_inst, known;
	struct arb_fee_ent inst;  /* merged instrument + fee file */
	uint64_t h;          /* bkey's h */
	char sym[ARB_SYM_MAX];
	char base[ARB_CCY_MAX], quote[ARB_CCY_MAX];
};

/* What a candidate that has been an opportunity keeps of the last one
 * emitted (apart from struct cand: tens of thousands of candidates are
 * made when the instruments arrive, and few of them ever open). */
struct copen {
	char *id;                  /* open opportunity's id */
	char *tail;                /* last emitted record from ,"legs" on */
	arb_dec last_qty, last_profit;
	int64_t last_expires;
	/* the record time of the last id and how many ids were made at
	 * it: one that reappears at the same time gets ":TS-N" */
	int64_t id_ts;
	uint64_t id_n;
};

struct cand {
	int kind, n;
	int book[ARB_DLEGS_MAX];
	int buy[ARB_DLEGS_MAX];
	char *key;                 /* id without the trailing ":ts" */
	char ccy[ARB_CCY_MAX];     /* start and profit currency */
	int state;
	int active;                /* index in d->active, or -1 */
	int64_t hint;              /* the last sizing's continuous optimum */
	struct szcache *sz;        /* the last sizing, or NULL (cold) */
	struct copen *op;          /* NULL until it first opens */
};

/* A slot of the candidates' hash table: the index + 1 (0: empty) and the
 * hash's low 32 bits, compared before the key (which is elsewhere in
 * memory: building the candidates probes the table tens of thousands of
 * times). */
struct chent {
	uint32_t ci1, hl;
};

/*
 * A candidate's last sizing and what it was made of: the version of the
 * side each leg walked and the caps.  The sizing depends on nothing else
 * (the levels, the instruments, the caps; the hint changes only its
 * speed), so while they are the same its result is reused: an update
 * that changes only the other side of a book, or another book, costs no
 * sizing.
 */
struct szcache {
	uint64_t ver[ARB_DLEGS_MAX];
	int has_cap_in, has_cap_leg[ARB_DLEGS_MAX];
	arb_dec cap_in, cap_leg[ARB_DLEGS_MAX];
	int rc;
	enum arb_dwhy why;
	struct arb_dresult r;
};

struct xgroup {
	char key[2 * ARB_CCY_MAX + 2];
	int *books;
	int n, cap;
};

struct arb_detect {
	struct arb_detect_opts o;
	struct venue *v;
	int nv, capv;
	struct book *b;
	int nb, capb;
	struct bkey *bk;          /* each book's key (d->capb of them) */
	int capbk;
	struct cand *c;
	int nc, capc;
	struct cscreen *cs;
	uint8_t *st8;             /* per candidate: ST8_NONE, _REJ, _OPP, _WARM */
	int capcs;
	/* The screen's rate of one unit through each book's best level (see
	 * "The screen" below): selling at 2*book, buying at 2*book+1; 0 when
	 * the side, the book or its instrument is missing.  Screening only,
	 * never money. */
	double *rt;
	/* An upper bound of each rt, with some headroom (raised at once,
	 * lowered lazily): the chunk bounds are made of these. */
	double *hi;
	int caprt;
	struct xgroup *xg;
	int nxg, capxg;
	int *active;
	int nactive, capactive;
	int *sweep;               /* sweep's copy of active */
	int capsweep;
	/* sweep has nothing to do while now < sweep_at: no open
	 * opportunity expires or has a book older than its venue's limit
	 * before then (INT64_MIN: not known, sweep looks) */
	int64_t sweep_at;
	/* hash tables of indexes (+1, 0 = empty) */
	int *bhash, *xhash;
	struct chent *chash;
	int chash_on;             /* see cand_table_on */
	int nc_listed;            /* candidates in their books' lists */
	size_t bhcap, chcap, xhcap;
	int64_t now, swept;
	uint64_t xepoch;          /* bumped with every venue's epoch */
	uint64_t vergen;          /* the last book side version given */
	char **kblk;              /* blocks of KBLK bytes holding the keys */
	int nkblk;
	size_t kused;             /* bytes used in the last block */
	struct arb_book_rec br;
	struct arb_buf tmp;
	struct arb_detect_stats st;
	/* where the record being fed was read (arb_detect_where) */
	const char *src;
	const uint64_t *line;
	/* bad book records found after they were fed, for arb_detect_late */
	struct late { const char *src; uint64_t line; uint32_t unsorted[2]; } *late;
	size_t nlate, caplate, latepos;
};

static const arb_dec ZERO = { 0, 0 };

/* Makes room for n levels on a side of a book. */
static inline void
book_conv_cap(struct book *b, int side, uint32_t n)
{
	struct arb_level **lv = side ? &b->asks : &b->bids;
	uint32_t *cap = side ? &b->capa : &b->capb;

	if (n > *cap) {
		/* first exactly what is needed (a side of one level, at depth 1,
		 * is 64 bytes: the books' best levels stay close together) */
		uint32_t c = *cap ? 2 * *cap : n;
		while (c < n)
			c *= 2;
		xrealloc(lv, (size_t)c * sizeof(**lv));
		*cap = c;
	}
}

/* The reason for a book whose levels are out of order (unsorted as in
 * struct book): the first disorder of its bids, else of its asks. */
static void
unsorted_why(char *why, size_t wl, const uint32_t unsorted[2])
{
	int side = unsorted[0] ? 0 : 1;

	snprintf(why, wl, "%s not best first at level %" PRIu32, side ? "asks" : "bids", unsorted[side]);
}

static void book_conv_more(struct arb_detect *d, struct book *b, int side, uint32_t upto);

static inline void
book_conv(struct arb_detect *d, struct book *b, int side, uint32_t upto)
{
	if (b->nconv[side] < upto)
		book_conv_more(d, b, side, upto);
}

/*
 * A lazily read book's levels out of order, found as they were converted
 * (struct book): the book is refused from now on, as if from its record
 * (on_book does the same at once), and the record is reported once, by
 * arb_detect_late, with the first disorder of its bids, else of its
 * asks, as on_book reports it: the other side is converted to know.
 */
static void __attribute__((noinline))
book_disorder(struct arb_detect *d, struct book *b)
{
	struct late *l;

	b->bad = R_OUT_OF_SYNC;
	if (b->noted)
		return;
	b->noted = 1;
	book_conv(d, b, 0, b->nb);
	book_conv(d, b, 1, b->na);
	if (d->nlate == d->caplate) {
		d->caplate = d->caplate ? 2 * d->caplate : 8;
		xrealloc(&d->late, d->caplate * sizeof(*d->late));
	}
	l = &d->late[d->nlate++];
	l->src = b->src;
	l->line = b->line;
	l->unsorted[0] = b->unsorted[0];
	l->unsorted[1] = b->unsorted[1];
	d->st.late++;
}

/* Converts the levels of a lazily read side (see struct book) up to upto,
 * checking their order. */
static void __attribute__((noinline))
book_conv_more(struct arb_detect *d, struct book *b, int side, uint32_t upto)
{
	struct arb_level **lv = side ? &b->asks : &b->bids;
	uint32_t from = b->nconv[side];
	const char *p;

	book_conv_cap(b, side, upto);
	p = arb_levels_read(b->tx[side] + b->txpos[side], b->tx[side] + b->txlen[side] + 16,
	    *lv + from, upto - from);
	if (p == NULL)
		abort();    /* the parser checked this very text */
	b->txpos[side] = (uint32_t)(p - b->tx[side]);
	b->nconv[side] = upto;
	if (b->unsorted[side] == 0 &&
	    (b->unsorted[side] = arb_levels_unsorted(*lv, from, upto, side)) != 0)
		book_disorder(d, b);
}

/* The book with all its levels converted, so with its order checked:
 * what an evaluation does before it reads b->bad. */
static inline const struct book *
book_checked(struct arb_detect *d, struct book *b)
{
	book_conv(d, b, 0, b->nb);
	book_conv(d, b, 1, b->na);
	return b;
}

void
arb_detect_opts_init(struct arb_detect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_legs = 3;
	o->cross = 1;
	o->ttl = 1000000;
	o->max_age = 10000000;
	o->update_qty_pct = arb_dec_make(10, 0);
	o->update_profit_pct = arb_dec_make(10, 0);
}

/* ---- small helpers ---- */

#define GROW(p, n, cap) do { \
	if ((n) >= (cap)) { \
		size_t nc_ = (cap) ? (size_t)(cap) * 2 : 8; \
		xrealloc(&(p), nc_ * sizeof(*(p))); \
		memset((p) + (cap), 0, (nc_ - (size_t)(cap)) * sizeof(*(p))); \
		(cap) = (int)nc_; \
	} \
} while (0)

static uint64_t
fnv(const char *s, uint64_t h)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void
scopy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Open addressing: tables of index+1, grown at half full. */
typedef uint64_t (*hashfn)(const struct arb_detect *, int);

_Static_assert(ARB_EX_MAX % 8 == 0 && ARB_SYM_MAX % 8 == 0, "kwords reads words");

/* Copies the string in s (an array of cap bytes, a multiple of 8) into
 * w as words, the bytes after its NUL zeroed, and zeroes the words after
 * it. */
static inline __attribute__((always_inline)) void
kwords(const char *s, size_t cap, uint64_t *w)
{
	size_t i;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#pragma GCC unroll 8
	for (i = 0; i + 8 <= cap; i += 8) {
		uint64_t x, z;
		memcpy(&x, s + i, 8);
		/* the lowest set bit of z is in the first NUL byte */
		z = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
		if (z) {
			unsigned nb = (unsigned)__builtin_ctzll(z) >> 3;
			w[i / 8] = nb ? x & (~0ULL >> (64 - 8 * nb)) : 0;
#pragma GCC unroll 8
			for (i += 8; i + 8 <= cap; i += 8)
				w[i / 8] = 0;
			return;
		}
		w[i / 8] = x;
	}
#else
	size_t n = strnlen(s, cap);
	for (i = 0; i < cap / 8; i++)
		w[i] = 0;
	memcpy(w, s, n);
#endif
}

static inline __attribute__((always_inline)) void
bkey_make(const char *ex, const char *sym, struct bkey *k)
{
	uint64_t h;

	kwords(ex, ARB_EX_MAX, k->w);
	kwords(sym, ARB_SYM_MAX, k->w + ARB_EX_MAX / 8);
	/* the venue and the symbol's first 16 bytes (the rest is compared);
	 * the high bits folded down twice: a product's low bits are made of
	 * the words' low bytes only, the first letters, which names share
	 * (without the second fold, 1.54 probes a lookup on the benchmark's
	 * 600 books, whose table is 0.29 full; 1.22 with it) */
	h = k->w[0] * 0x9E3779B97F4A7C15ULL + k->w[1] * 0xC2B2AE3D27D4EB4FULL +
	    k->w[2] * 0x165667B19E3779F9ULL + k->w[3] * 0x27D4EB2F165667C5ULL;
	h ^= h >> 29;
	k->h = h ^ (h >> 32);
}

static uint64_t
hb(const struct arb_detect *d, int i)
{
	return d->b[i].h;
}

static uint64_t
hx(const struct arb_detect *d, int i)
{
	return fnv(d->xg[i].key, 1469598103934665603ULL);
}

static void
hinsert(const struct arb_detect *d, int **tab, size_t *cap, int count, int idx, hashfn f)
{
	size_t mask, j;

	if ((size_t)count * 2 >= *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		int *nt = xcalloc(nc, sizeof(int));
		size_t i;
		for (i = 0; i < *cap; i++)
			if ((*tab)[i]) {
				size_t k = f(d, (*tab)[i] - 1) & (nc - 1);
				while (nt[k])
					k = (k + 1) & (nc - 1);
				nt[k] = (*tab)[i];
			}
		free(*tab);
		*tab = nt;
		*cap = nc;
	}
	mask = *cap - 1;
	j = f(d, idx) & mask;
	while ((*tab)[j])
		j = (j + 1) & mask;
	(*tab)[j] = idx + 1;
}

static void cand_table_on(struct arb_detect *d);

static int
venue_index(struct arb_detect *d, const char *ex)
{
	int i;
	struct venue *v;

	for (i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].ex, ex) == 0)
			return i;
	GROW(d->v, d->nv, d->capv);
	v = &d->v[d->nv];
	memset(v, 0, sizeof(*v));
	scopy(v->ex, sizeof(v->ex), ex);
	if (strpbrk(v->ex, ":>") != NULL)
		cand_table_on(d);
	v->max_age = d->o.max_age;
	for (i = 0; i < d->o.nages; i++)
		if (strcmp(d->o.ages[i].ex, ex) == 0)
			v->max_age = d->o.ages[i].us;
	return d->nv++;
}

static int
venue_find(const struct arb_detect *d, const char *ex)
{
	int i;
	for (i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].ex, ex) == 0)
			return i;
	return -1;
}

/* The last --alias for ccy wins (the command line comes after the
 * configuration file). */
static const char *
alias_of(const struct arb_detect *d, const char *ccy)
{
	int i;
	for (i = d->o.naliases - 1; i >= 0; i--)
		if (strcmp(d->o.aliases[i].from, ccy) == 0)
			return d->o.aliases[i].to;
	return ccy;
}

/* The amount for ccy: the last one given for it, else the last one given
 * for every currency, else NULL. */
static const arb_dec *
ccyamt(const struct arb_ccyamt *a, int n, const char *ccy)
{
	int i;
	for (i = n - 1; i >= 0; i--)
		if (strcmp(a[i].ccy, ccy) == 0)
			return &a[i].v;
	for (i = n - 1; i >= 0; i--)
		if (a[i].ccy[0] == '\0')
			return &a[i].v;
	return NULL;
}

/* ---- books and candidates ---- */

static inline int
book_find(const struct arb_detect *d, const struct bkey *k)
{
	size_t j;

	if (d->bhcap == 0)
		return -1;
	j = k->h & (d->bhcap - 1);
	while (d->bhash[j]) {
		const struct bkey *x = &d->bk[d->bhash[j] - 1];
		uint64_t diff = x->h ^ k->h;
		int i;
#pragma GCC unroll 8
		for (i = 0; i < BKW; i++)
			diff |= x->w[i] ^ k->w[i];
		if (diff == 0)
			return d->bhash[j] - 1;
		j = (j + 1) & (d->bhcap - 1);
	}
	return -1;
}

static int
cand_find(const struct arb_detect *d, const char *key, uint64_t h)
{
	size_t j;

	if (d->chcap == 0)
		return -1;
	j = h & (d->chcap - 1);
	while (d->chash[j].ci1) {
		if (d->chash[j].hl == (uint32_t)h && strcmp(d->c[d->chash[j].ci1 - 1].key, key) == 0)
			return (int)d->chash[j].ci1 - 1;
		j = (j + 1) & (d->chcap - 1);
	}
	return -1;
}

/* Adds candidate ci (hash h) to the table, which holds count before it,
 * grown at half full from the hashes it holds. */
static void
cand_hash(struct arb_detect *d, int ci, uint64_t h, int count)
{
	size_t mask, j;

	while ((size_t)count * 2 >= d->chcap) {
		size_t nc = d->chcap ? d->chcap * 2 : 64, i;
		struct chent *nt = xcalloc(nc, sizeof(*nt));
		for (i = 0; i < d->chcap; i++)
			if (d->chash[i].ci1) {
				size_t k = d->chash[i].hl & (nc - 1);
				while (nt[k].ci1)
					k = (k + 1) & (nc - 1);
				nt[k] = d->chash[i];
			}
		free(d->chash);
		d->chash = nt;
		d->chcap = nc;
	}
	mask = d->chcap - 1;
	j = h & mask;
	while (d->chash[j].ci1)
		j = (j + 1) & mask;
	d->chash[j].ci1 = (uint32_t)ci + 1;
	d->chash[j].hl = (uint32_t)h;
}

/*
 * The candidates' table, needed only once two candidates can have the
 * same key.  Until then none can, and candidates are made without it
 * (building them probed it tens of thousands of times at random):
 *
 *   - a cycle is made once, by the walk from the last of its books to
 *     become known (cycles_add), and a pair of books for a cross once,
 *     when the second of them joins its group (xgroup_join);
 *   - a cycle's key (venue, then its currencies from the preferred start)
 *     names one cycle while no two books of the venue join the same two
 *     currencies ("parallel" edges) and no currency name holds a '>'; a
 *     cross's key names one pair while no venue id holds a ':' or a '>'
 *     and no symbol a '>' (the key is read back unambiguously).
 *
 * The first parallel edge or odd name turns the table on, made then of
 * every candidate so far; from there on every key is looked up, as
 * before.
 */
static void
cand_table_on(struct arb_detect *d)
{
	int i;

	if (d->chash_on)
		return;
	d->chash_on = 1;
	for (i = 0; i < d->nc; i++)
		cand_hash(d, i, fnv(d->c[i].key, 1469598103934665603ULL), i);
}

/*
 * Puts the candidates made since the last call into their books' lists
 * (each book once per candidate, in the order made; chunks_build sorts
 * them by leg count), counted first: when the instruments arrive, tens
 * of thousands of candidates are made, and each list is then allocated
 * once at its size instead of grown and copied entry by entry.
 */
static void
lists_update(struct arb_detect *d)
{
	int *add = xcalloc((size_t)(d->nb ? d->nb : 1), sizeof(int));
	/* per new candidate, its legs on a book none before it is on */
	uint8_t *first = xmalloc((size_t)(d->nc - d->nc_listed) + 1);
	int ci, i, j, bi, pass;

	for (ci = d->nc_listed; ci < d->nc; ci++) {
		const struct cscreen *x = &d->cs[ci];
		unsigned m = 0;
		for (i = 0; i < x->n; i++) {
			int dup = 0;
			for (j = 0; j < i; j++)
				dup |= x->idx[j] >> 1 == x->idx[i] >> 1;
			m |= (unsigned)!dup << i;
		}
		first[ci - d->nc_listed] = (uint8_t)m;
	}
	for (pass = 0; pass < 2; pass++) {
		for (ci = d->nc_listed; ci < d->nc; ci++) {
			const struct cscreen *x = &d->cs[ci];
			unsigned m = first[ci - d->nc_listed];
			for (i = 0; i < x->n; i++) {
				if (!(m >> i & 1))
					continue;
				bi = x->idx[i] >> 1;
				if (pass == 0)
					add[bi]++;
				else {
					struct book *b = &d->b[bi];
					b->cands[b->ncands] = *x;
					b->cands[b->ncands].own = (int16_t)i;
					b->ncands++;
				}
			}
		}
		if (pass == 0)
			for (bi = 0; bi < d->nb; bi++) {
				struct book *b = &d->b[bi];
				int need = b->ncands + add[bi];
				if (add[bi] == 0)
					continue;
				if (need > b->capcands) {
					int nc = b->capcands ? 2 * b->capcands : need;
					if (nc < need)
						nc = need;
					xrealloc(&b->cands, (size_t)nc * sizeof(*b->cands));
					b->capcands = nc;
				}
				/* the chunks are rebuilt at the next run */
				free(b->ch);
				b->ch = NULL;
				b->nch = 0;
			}
	}
	free(add);
	free(first);
	d->nc_listed = d->nc;
}

static inline double screen_product(const struct arb_detect *d, const struct cscreen *x);
/* (see "The screen" below) */
#define SCREEN_LIMIT (1.0 - 1e-9)

/* A copy of key in d's key blocks (freed with the engine: candidates
 * are never removed). */
static char *
key_save(struct arb_detect *d, const char *key)
{
	size_t n = strlen(key) + 1;
	char *p;

	if (d->nkblk == 0 || d->kused + n > KBLK) {
		xrealloc(&d->kblk, (size_t)(d->nkblk + 1) * sizeof(*d->kblk));
		d->kblk[d->nkblk++] = xmalloc(n > KBLK ? n : KBLK);
		d->kused = 0;
	}
	p = d->kblk[d->nkblk - 1] + d->kused;
	memcpy(p, key, n);
	d->kused += n > KBLK ? KBLK : n;
	return p;
}

static int
cand_add(struct arb_detect *d, int kind, int n, const int *books, const int *buy,
    const char *key, const char *ccy)
{
	struct cand *c;
	int i, ci;
	/* (no table, no lookup: see cand_table_on) */
	uint64_t h = d->chash_on ? fnv(key, 1469598103934665603ULL) : 0;

	if (d->chash_on && cand_find(d, key, h) >= 0)
		return -1;
	if (d->nc >= d->capc) {
		/* (not GROW: the new entries need no clearing) */
		int nc = d->capc ? d->capc * 2 : 64;
		xrealloc(&d->c, (size_t)nc * sizeof(*d->c));
		d->capc = nc;
	}
	ci = d->nc;
	c = &d->c[ci];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->n = n;
	for (i = 0; i < n; i++) {
		c->book[i] = books[i];
		c->buy[i] = buy[i];
	}
	c->key = key_save(d, key);
	scopy(c->ccy, sizeof(c->ccy), ccy);
	c->active = -1;
	if (d->capcs < d->capc) {
		xrealloc(&d->cs, (size_t)d->capc * sizeof(*d->cs));
		xrealloc(&d->st8, (size_t)d->capc);
		d->capcs = d->capc;
	}
	d->cs[ci].ci = ci;
	d->cs[ci].n = (int16_t)n;
	d->cs[ci].own = 0;
	for (i = 0; i < n; i++)
		d->cs[ci].idx[i] = 2 * books[i] + (buy[i] ? 1 : 0);
	if (d->chash_on)
		cand_hash(d, ci, h, d->nc);
	d->nc++;
	/*
	 * Cold when the screen puts it out with the rates of now (always so
	 * when one of its books has no rate yet, as when the instruments
	 * come first): its first run would do so while they stay as they
	 * are, and a change of one of them runs it (its book's update, with
	 * its rates changed, screens its entries, or runs them); that is,
	 * it is as if it had run now.  Else warm: run at the next update of
	 * any of its books.
	 */
	if (screen_product(d, &d->cs[ci]) < SCREEN_LIMIT) {
		d->st8[ci] = ST8_NONE;
	} else {
		d->st8[ci] = ST8_WARM;
		for (i = 0; i < n; i++) {
			int j, dup = 0;
			for (j = 0; j < i; j++)
				dup |= books[j] == books[i];
			/* (its books' lists: lists_update, at the next run) */
			if (!dup)
				d->b[books[i]].nhot++;
		}
	}
	if (kind == KIND_CROSS)
		d->st.cands_cross++;
	else
		d->st.cands_cycle++;
	return ci;
}

/* Cross candidates: every pair of books on different venues whose
 * symbols match after aliasing, in both directions. */
static void
xgroup_join(struct arb_detect *d, int bi)
{
	struct book *b = &d->b[bi];
	char key[2 * ARB_CCY_MAX + 2];
	size_t j;
	int gi = -1, i;
	struct xgroup *g;

	snprintf(key, sizeof(key), "%s/%s", alias_of(d, b->base), alias_of(d, b->quote));
	if (d->xhcap) {
		j = fnv(key, 1469598103934665603ULL) & (d->xhcap - 1);
		while (d->xhash[j]) {
			if (strcmp(d->xg[d->xhash[j] - 1].key, key) == 0) {
				gi = d->xhash[j] - 1;
				break;
			}
			j = (j + 1) & (d->xhcap - 1);
		}
	}
	if (gi < 0) {
		GROW(d->xg, d->nxg, d->capxg);
		gi = d->nxg;
		memset(&d->xg[gi], 0, sizeof(d->xg[gi]));
		scopy(d->xg[gi].key, sizeof(d->xg[gi].key), key);
		hinsert(d, &d->xhash, &d->xhcap, d->nxg, gi, hx);
		d->nxg++;
	}
	g = &d->xg[gi];
	if (d->o.cross) {
		for (i = 0; i < g->n; i++) {
			int oi = g->books[i], dir;
			if (d->b[oi].vx == b->vx)
				continue;
			for (dir = 0; dir < 2; dir++) {
				int books[2], buy[2] = { 1, 0 };
				char ck[256];
				const struct book *x, *y;
				books[0] = dir ? oi : bi;
				books[1] = dir ? bi : oi;
				x = &d->b[books[0]];
				y = &d->b[books[1]];
				if (strcmp(x->sym, y->sym) == 0)
					snprintf(ck, sizeof(ck), "cross:%s>%s:%s", d->v[x->vx].ex,
					    d->v[y->vx].ex, x->sym);
				else
					snprintf(ck, sizeof(ck), "cross:%s>%s:%s>%s", d->v[x->vx].ex,
					    d->v[y->vx].ex, x->sym, y->sym);
				cand_add(d, KIND_CROSS, 2, books, buy, ck, alias_of(d, x->quote));
			}
		}
	}
	g = &d->xg[gi];
	GROW(g->books, g->n, g->cap);
	g->books[g->n++] = bi;
}

/* Rank of a currency as a cycle start: lower is preferred. */
static int
start_rank(const struct arb_detect *d, const char *ccy)
{
	int i;
	for (i = 0; i < d->o.nstart; i++)
		if (strcmp(d->o.start[i], ccy) == 0)
			return i;
	return d->o.nstart;
}

static int
ccy_index(struct arb_detect *d, struct venue *v, const char *ccy)
{
	int i;
	for (i = 0; i < v->nccy; i++)
		if (strcmp(v->ccy[i], ccy) == 0)
			return i;
	GROW(v->ccy, v->nccy, v->capccy);
	GROW(v->rank, v->nccy, v->caprank);
	scopy(v->ccy[v->nccy], ARB_CCY_MAX, ccy);
	if (strchr(v->ccy[v->nccy], '>') != NULL)
		cand_table_on(d);
	v->rank[v->nccy] = start_rank(d, ccy);
	return v->nccy++;
}

/* Is currency a (an index of v) preferred to b as a cycle start? */
static int
ccy_before(const struct venue *v, int a, int b)
{
	if (v->rank[a] != v->rank[b])
		return v->rank[a] < v->rank[b];
	return strcmp(v->ccy[a], v->ccy[b]) < 0;
}

/* Appends s to key at *kl when it fits (with a NUL); 0 or -1. */
static int
kput(char *key, size_t cap, size_t *kl, const char *s)
{
	size_t n = strlen(s);

	if (*kl + n >= cap)
		return -1;
	memcpy(key + *kl, s, n + 1);
	*kl += n;
	return 0;
}

struct cyc_walk {
	int vx, len;
	int ccy[ARB_DLEGS_MAX + 1];   /* currency path, ccy[len] == ccy[0] */
	int book[ARB_DLEGS_MAX];
	int buy[ARB_DLEGS_MAX];
};

static void
cycle_found(struct arb_detect *d, const struct cyc_walk *w)
{
	struct venue *v = &d->v[w->vx];
	int s = 0, i, books[ARB_DLEGS_MAX], buy[ARB_DLEGS_MAX];
	char key[256];
	size_t kl;

	for (i = 1; i < w->len; i++)
		if (ccy_before(v, w->ccy[i], w->ccy[s]))
			s = i;
	/* cycle:EX:C0>C1>...>C0 (built without printf: tens of thousands
	 * of cycles are made when the instruments arrive) */
	kl = 0;
	if (kput(key, sizeof(key), &kl, "cycle:") < 0 || kput(key, sizeof(key), &kl, v->ex) < 0 ||
	    kput(key, sizeof(key), &kl, ":") < 0)
		return;
	for (i = 0; i < w->len; i++) {
		int k = (s + i) % w->len;
		books[i] = w->book[k];
		buy[i] = w->buy[k];
		if (kput(key, sizeof(key), &kl, v->ccy[w->ccy[k]]) < 0 ||
		    kput(key, sizeof(key), &kl, ">") < 0)
			return;
	}
	if (kput(key, sizeof(key), &kl, v->ccy[w->ccy[s]]) < 0)
		return;
	cand_add(d, KIND_CYCLE, w->len, books, buy, key, v->ccy[w->ccy[s]]);
}

/* Extends the walk from its last currency back to its first. */
static void
cycle_dfs(struct arb_detect *d, struct cyc_walk *w, int depth)
{
	struct venue *v = &d->v[w->vx];
	int at = w->ccy[depth], ai;

	if (depth + 1 >= d->o.max_legs) {
		/* The last leg: only an edge back to the start closes a
		 * cycle, and such an edge is in the start's list as well as
		 * in at's, both in increasing order of edge: the shorter one
		 * gives the same edges in the same order (at a quote currency
		 * of a hundred symbols, four edges instead of a hundred). */
		const struct adj *x = &v->adj[at], *y = &v->adj[w->ccy[0]];
		const struct adj *l = y->n < x->n ? y : x;
		for (ai = 0; ai < l->n; ai++) {
			const struct edge *ed = &v->edges[l->e[ai]];
			int to, buy;
			if (ed->ccy_a == at) {
				to = ed->ccy_b;
				buy = 0;
			} else if (ed->ccy_b == at) {
				to = ed->ccy_a;
				buy = 1;
			} else
				continue;
			if (to != w->ccy[0] || ed->book == w->book[0])
				continue;
			w->book[depth] = ed->book;
			w->buy[depth] = buy;
			w->len = depth + 1;
			w->ccy[depth + 1] = to;
			cycle_found(d, w);
		}
		return;
	}
	/* the edges touching `at`, in the order they were added */
	for (ai = 0; ai < v->adj[at].n; ai++) {
		const struct edge *ed = &v->edges[v->adj[at].e[ai]];
		int to, buy, k, seen = 0;
		if (ed->ccy_a == at) {          /* at is base: sell */
			to = ed->ccy_b;
			buy = 0;
		} else if (ed->ccy_b == at) {   /* at is quote: buy */
			to = ed->ccy_a;
			buy = 1;
		} else
			continue;
		if (ed->book == w->book[0])
			continue;
		w->book[depth] = ed->book;
		w->buy[depth] = buy;
		if (to == w->ccy[0]) {
			if (depth + 1 >= 3) {
				w->len = depth + 1;
				w->ccy[depth + 1] = to;
				cycle_found(d, w);
			}
			continue;
		}
		for (k = 0; k <= depth; k++)
			seen |= w->ccy[k] == to;
		if (seen || depth + 1 >= d->o.max_legs)
			continue;
		w->ccy[depth + 1] = to;
		cycle_dfs(d, w, depth + 1);
	}
}

/* A book's instrument became known: add its edge and every cycle through
 * it whose other instruments are known. */
static void
cycles_add(struct arb_detect *d, int bi)
{
	struct book *b = &d->b[bi];
	struct venue *v = &d->v[b->vx];
	int a = ccy_index(d, v, b->base), q = ccy_index(d, v, b->quote), dir;
	struct cyc_walk w;

	if (a == q)
		return;
	if (!d->chash_on && a < v->capadj && q < v->capadj) {
		/* a book of the venue already joins a and q? */
		const struct adj *l = v->adj[a].n < v->adj[q].n ? &v->adj[a] : &v->adj[q];
		int i;
		for (i = 0; i < l->n; i++) {
			const struct edge *e = &v->edges[l->e[i]];
			if ((e->ccy_a == a && e->ccy_b == q) || (e->ccy_a == q && e->ccy_b == a)) {
				cand_table_on(d);
				break;
			}
		}
	}
	GROW(v->edges, v->nedges, v->capedges);
	v->edges[v->nedges].ccy_a = a;
	v->edges[v->nedges].ccy_b = q;
	v->edges[v->nedges].book = bi;
	while (v->capadj < v->nccy) {
		int nc = v->capadj ? v->capadj * 2 : 16;
		xrealloc(&v->adj, (size_t)nc * sizeof(*v->adj));
		memset(v->adj + v->capadj, 0, (size_t)(nc - v->capadj) * sizeof(*v->adj));
		v->capadj = nc;
	}
	GROW(v->adj[a].e, v->adj[a].n, v->adj[a].cap);
	v->adj[a].e[v->adj[a].n++] = v->nedges;
	GROW(v->adj[q].e, v->adj[q].n, v->adj[q].cap);
	v->adj[q].e[v->adj[q].n++] = v->nedges;
	v->nedges++;
	if (d->o.max_legs < 3)
		return;
	for (dir = 0; dir < 2; dir++) {
		memset(&w, 0, sizeof(w));
		w.vx = b->vx;
		w.ccy[0] = dir ? q : a;
		w.ccy[1] = dir ? a : q;
		w.book[0] = bi;
		w.buy[0] = dir;   /* from quote to base is a buy */
		cycle_dfs(d, &w, 1);
	}
}

static int
inst_usable(const struct book *b)
{
	unsigned need = ARB_FH_TAKER | ARB_FH_LOT | ARB_FH_TICK;
	return (b->inst.has & need) == need;
}

static void
book_mark_known(struct arb_detect *d, int bi)
{
	struct book *b = &d->b[bi];
	if (b->known || !inst_usable(b))
		return;
	b->known = 1;
	cycles_add(d, bi);
}

static void
split_sym(const char *sym, char *base, char *quote)
{
	const char *sl = strchr(sym, '/');
	if (sl == NULL) {
		scopy(base, ARB_CCY_MAX, sym);
		quote[0] = '\0';
		return;
	}
	size_t n = (size_t)(sl - sym);
	if (n >= ARB_CCY_MAX)
		n = ARB_CCY_MAX - 1;
	memcpy(base, sym, n);
	base[n] = '\0';
	scopy(quote, ARB_CCY_MAX, sl + 1);
}

static void book_fee_factors(const struct arb_detect *d, struct book *b);

/* Makes the book of key k (book_get's, not found). */
static int __attribute__((noinline))
book_new(struct arb_detect *d, const char *ex, const char *sym, const struct bkey *kp)
{
	struct bkey k = *kp;
	int vx, bi;
	struct book *b;

	vx = venue_index(d, ex);
	GROW(d->b, d->nb, d->capb);
	if (d->capbk < d->capb) {
		xrealloc(&d->bk, (size_t)d->capb * sizeof(*d->bk));
		d->capbk = d->capb;
	}
	bi = d->nb;
	d->bk[bi] = k;
	b = &d->b[bi];
	memset(b, 0, sizeof(*b));
	b->vx = vx;
	b->h = k.h;
	scopy(b->sym, sizeof(b->sym), sym);
	if (strchr(b->sym, '>') != NULL)
		cand_table_on(d);
	split_sym(sym, b->base, b->quote);
	arb_fees_apply(d->o.fees, ex, sym, &b->inst);
	book_fee_factors(d, b);
	hinsert(d, &d->bhash, &d->bhcap, d->nb, bi, hb);
	d->nb++;
	if (2 * d->nb > d->caprt) {
		int nc = d->caprt ? d->caprt * 2 : 64;
		xrealloc(&d->rt, (size_t)nc * sizeof(*d->rt));
		xrealloc(&d->hi, (size_t)nc * sizeof(*d->hi));
		d->caprt = nc;
	}
	d->rt[2 * bi] = d->rt[2 * bi + 1] = 0;
	d->hi[2 * bi] = d->hi[2 * bi + 1] = 0;
	xgroup_join(d, bi);
	book_mark_known(d, bi);
	return bi;
}

/* The book of ex and sym, made when new (inlined into every record's
 * path: the lookup only). */
static inline __attribute__((always_inline)) int
book_get(struct arb_detect *d, const char *ex, const char *sym)
{
	struct bkey k;
	int bi;

	bkey_make(ex, sym, &k);
	if ((bi = book_find(d, &k)) >= 0)
		return bi;
	return book_new(d, ex, sym, &k);
}

/* ---- evaluation ---- */

static struct balance *
balance_get(struct venue *v, const char *asset, int create)
{
	int i;
	for (i = 0; i < v->nbal; i++)
		if (strcmp(v->bal[i].asset, asset) == 0)
			return &v->bal[i];
	if (!create)
		return NULL;
	GROW(v->bal, v->nbal, v->capbal);
	scopy(v->bal[v->nbal].asset, ARB_CCY_MAX, asset);
	v->bal[v->nbal].free = ZERO;
	return &v->bal[v->nbal++];
}

struct eval {
	int state, reason;
	struct arb_dresult r;
	struct arb_dchain ch;
	arb_dec gross_bps, net_bps, top_bps;
	int64_t kopt;              /* sizing's continuous optimum, 0 = none */
	char detail[400];
};

static int
leg_fee_base(const struct book *b, int buy)
{
	return b->inst.fee_in == ARB_FEE_IN_BASE || (b->inst.fee_in == ARB_FEE_IN_RECEIVED && buy);
}

/* The bps of the best-level edge before fees (for reject records). */
static void
top_bps(const struct arb_dchain *ch, arb_dec *bps)
{
	/* Walk one unit of the start currency through the best levels with
	 * truncated divisions; display only. */
	arb_dec a = arb_dec_make(1, 0), t;
	int i;

	*bps = ZERO;
	for (i = 0; i < ch->n; i++) {
		const struct arb_dleg *l = &ch->leg[i];
		if (l->buy) {
			if (arb_dec_div(&t, a, l->lv[0].px, ARB_DSCALE, ARB_RND_DOWN) < 0)
				return;
		} else if (arb_dec_mul(&t, a, l->lv[0].px) < 0)
			return;
		a = arb_dec_trim(t);
		if (a.s > ARB_DSCALE && arb_dec_rescale(&a, a, ARB_DSCALE, ARB_RND_DOWN) < 0)
			return;
	}
	if (arb_dec_sub(&t, a, arb_dec_make(1, 0)) == 0)
		arb_dec_bps(bps, t, arb_dec_make(1, 0));
}

static void
overflow(struct arb_detect *d, const struct cand *c, int where)
{
	d->st.overflow++;
	arb_debug("%s: arithmetic overflow (%d)", c->key, where);
}

/* Is z the sizing of e->ch with c's books as they are? */
static int
szcache_hit(const struct arb_detect *d, const struct cand *c, const struct szcache *z,
    const struct arb_dchain *ch)
{
	int i;

	if (z == NULL || z->has_cap_in != ch->has_cap_in ||
	    (ch->has_cap_in && arb_dec_cmp(z->cap_in, ch->cap_in) != 0))
		return 0;
	for (i = 0; i < c->n; i++)
		if (z->ver[i] != d->b[c->book[i]].ver[c->buy[i]] ||
		    z->has_cap_leg[i] != ch->has_cap_leg[i] ||
		    (ch->has_cap_leg[i] && arb_dec_cmp(z->cap_leg[i], ch->cap_leg[i]) != 0))
			return 0;
	return 1;
}

/*
 * A cross candidate pairs the books of one symbol (after --alias) when they
 * are made, but an instrument record may name other currencies than its
 * symbol's, and they are what the legs trade: the two books must then trade
 * the same pair, and in the currency the candidate counts its profit in, or
 * it is no candidate (an opportunity would add up two currencies).  Once a
 * book is usable its currencies no longer change.
 */
static int
cross_same(const struct arb_detect *d, const struct cand *c)
{
	const struct book *x = &d->b[c->book[0]], *y = &d->b[c->book[1]];
	const char *q = alias_of(d, x->quote);

	return strcmp(q, c->ccy) == 0 && strcmp(q, alias_of(d, y->quote)) == 0 &&
	    strcmp(alias_of(d, x->base), alias_of(d, y->base)) == 0;
}

static void
evaluate(struct arb_detect *d, struct cand *c, struct eval *e)
{
	int i, rc, bad = R_NONE;
	arb_dec grid;
	enum arb_dwhy why;
	const arb_dec *cap;

	memset(e, 0, sizeof(*e));
	e->state = ST_NONE;
	d->st.evals++;
	e->ch.n = c->n;
	for (i = 0; i < c->n; i++) {
		struct book *b = &d->b[c->book[i]];
		struct arb_dleg *l = &e->ch.leg[i];
		if (!b->have_book || !inst_usable(b))
			return;
		l->buy = c->buy[i];
		book_conv(d, b, l->buy, l->buy ? b->na : b->nb);
		l->lv = l->buy ? b->asks : b->bids;
		l->n = l->buy ? b->na : b->nb;
		if (l->n == 0)
			return;
		l->fee = b->inst.taker;
		l->fee_base = leg_fee_base(b, l->buy);
		l->lot = b->inst.lot;
	}
	if (c->kind == KIND_CROSS && !cross_same(d, c))
		return;
	rc = arb_dchain_top(&e->ch, 0);
	if (rc <= 0) {
		if (rc < 0)
			overflow(d, c, 1);
		return;
	}
	top_bps(&e->ch, &e->top_bps);
	/* Profitable before costs: from here on, a reason is given.  A book
	 * whose levels are out of order is out of sync: all its levels are
	 * checked first (book_checked), before any is read. */
	for (i = 0; i < c->n; i++)
		book_checked(d, &d->b[c->book[i]]);
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		int r = b->bad;
		if (r == R_NONE && d->v[b->vx].max_age > 0 && d->now - b->ts > d->v[b->vx].max_age)
			r = R_MAX_AGE;
		/* out_of_sync outranks stale outranks max_age */
		if (r == R_OUT_OF_SYNC || (r == R_STALE && bad != R_OUT_OF_SYNC) ||
		    (r == R_MAX_AGE && bad == R_NONE))
			bad = r;
		if (r != R_NONE && e->detail[0] == '\0')
			snprintf(e->detail, sizeof(e->detail), "%s %s", d->v[b->vx].ex, b->sym);
	}
	if (bad != R_NONE) {
		e->state = ST_REJ(bad);
		e->reason = bad;
		return;
	}
	rc = arb_dchain_top(&e->ch, 1);
	if (rc <= 0) {
		if (rc < 0)
			overflow(d, c, 2);
		e->state = ST_REJ(R_FEES);
		e->reason = R_FEES;
		snprintf(e->detail, sizeof(e->detail), "best levels lose after taker fees");
		return;
	}
	/* Caps: --max-notional on what the first leg spends, balances on
	 * what every leg spends. */
	cap = ccyamt(d->o.max_notional, d->o.nmax_notional, c->ccy);
	if (cap) {
		e->ch.has_cap_in = 1;
		e->ch.cap_in = *cap;
	}
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		struct venue *v = &d->v[b->vx];
		if (v->has_bal) {
			struct balance *bl = balance_get(v, c->buy[i] ? b->quote : b->base, 0);
			e->ch.has_cap_leg[i] = 1;
			e->ch.cap_leg[i] = bl ? bl->free : ZERO;
		}
	}
	grid = e->ch.leg[0].lot;
	if (c->kind == KIND_CROSS && !e->ch.leg[0].fee_base && !e->ch.leg[1].fee_base)
		e->ch.exact = 1;
	if (c->kind == KIND_CROSS && !e->ch.leg[0].fee_base &&
	    arb_dlcm(&grid, e->ch.leg[0].lot, e->ch.leg[1].lot) < 0) {
		overflow(d, c, 3);
		return;
	}
	/* The minimums: the sizer takes the best size that meets them.
	 * Without --explain the reason of a refusal is not reported, and a
	 * candidate that no size can take past the minimums is refused
	 * whatever its best size: the sizer checks the largest first
	 * (has_min). */
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		if (b->inst.has & ARB_FH_MIN_QTY) {
			e->ch.has_min_qty[i] = 1;
			e->ch.min_qty[i] = b->inst.min_qty;
		}
		if (b->inst.has & ARB_FH_MIN_NOTIONAL) {
			e->ch.has_min_notional[i] = 1;
			e->ch.min_notional[i] = b->inst.min_notional;
		}
		if (!d->o.explain && (e->ch.has_min_qty[i] || e->ch.has_min_notional[i]))
			e->ch.has_min = 1;
	}
	e->ch.hint = c->hint;
	if (szcache_hit(d, c, c->sz, &e->ch)) {
		rc = c->sz->rc;
		why = c->sz->why;
		e->r = c->sz->r;
	} else {
		struct szcache *z;
		rc = arb_dchain_size(&e->ch, grid, &e->r, &why);
		if ((z = c->sz) == NULL)
			z = c->sz = xmalloc(sizeof(*z));
		for (i = 0; i < c->n; i++) {
			z->ver[i] = d->b[c->book[i]].ver[c->buy[i]];
			z->has_cap_leg[i] = e->ch.has_cap_leg[i];
			z->cap_leg[i] = e->ch.cap_leg[i];
		}
		z->has_cap_in = e->ch.has_cap_in;
		z->cap_in = e->ch.cap_in;
		z->rc = rc;
		z->why = why;
		z->r = e->r;
	}
	if (!rc) {
		switch (why) {
		case ARB_DW_MIN:
			e->reason = R_MIN_NOTIONAL;
			snprintf(e->detail, sizeof(e->detail), "below a minimum at every size");
			break;
		case ARB_DW_BALANCE:
			e->reason = R_BALANCE;
			snprintf(e->detail, sizeof(e->detail), "balances leave no size");
			break;
		case ARB_DW_NOTIONAL:
			e->reason = R_LOT;
			snprintf(e->detail, sizeof(e->detail), "max-notional is below one lot");
			break;
		case ARB_DW_LOT:
			e->kopt = e->r.kopt;
			e->reason = R_LOT;
			snprintf(e->detail, sizeof(e->detail), "no profitable size on the lot grid");
			break;
		default:
			overflow(d, c, 4);
			return;
		}
		e->state = ST_REJ(e->reason);
		return;
	}
	e->kopt = e->r.kopt;
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		const struct arb_dfill *f = &e->r.f[i];
		const char *what = NULL;
		arb_dec lim = ZERO;
		/* A leg's limit is its worst level's price, which a venue
		 * quotes on the tick (> 0).  One that is not (the instrument
		 * record disagrees with the book) would be rounded to the tick
		 * away from the price the profit was computed at, as far as to
		 * 0, a sell at any price: the candidate is refused instead. */
		if (!arb_dec_is_multiple(f->px, b->inst.tick)) {
			char x[ARB_DEC_STRMAX], y[ARB_DEC_STRMAX];
			arb_dec_fmt(arb_dec_trim(f->px), x);
			arb_dec_fmt(arb_dec_trim(b->inst.tick), y);
			snprintf(e->detail, sizeof(e->detail), "%s %s px %s not on its tick %s",
			    d->v[b->vx].ex, b->sym, x, y);
			e->state = ST_REJ(R_TICK);
			e->reason = R_TICK;
			return;
		}
		if ((b->inst.has & ARB_FH_MIN_QTY) && arb_dec_cmp(f->qty, b->inst.min_qty) < 0) {
			what = "min_qty";
			lim = b->inst.min_qty;
		} else if ((b->inst.has & ARB_FH_MIN_NOTIONAL) &&
		    arb_dec_cmp(f->notional, b->inst.min_notional) < 0) {
			what = "min_notional";
			lim = b->inst.min_notional;
		}
		if (what) {
			char x[ARB_DEC_STRMAX], y[ARB_DEC_STRMAX];
			arb_dec_fmt(arb_dec_trim(what[4] == 'q' ? f->qty : f->notional), x);
			arb_dec_fmt(arb_dec_trim(lim), y);
			snprintf(e->detail, sizeof(e->detail), "%s %s %s %s < %s %s",
			    d->v[b->vx].ex, b->sym, what[4] == 'q' ? "qty" : "notional", x, what, y);
			e->state = ST_REJ(R_MIN_NOTIONAL);
			e->reason = R_MIN_NOTIONAL;
			return;
		}
	}
	{
		arb_dec pay = e->ch.leg[0].buy ? e->r.f[0].notional : e->r.f[0].qty;
		const struct arb_dfill *fl = &e->r.f[c->n - 1];
		arb_dec recv = e->ch.leg[c->n - 1].buy ? fl->qty : fl->notional, g, t, u;
		const arb_dec *mp;
		if (arb_dec_sub(&g, recv, pay) < 0 || arb_dec_bps(&e->gross_bps, g, pay) < 0 ||
		    arb_dec_bps(&e->net_bps, e->r.profit, e->r.in) < 0) {
			overflow(d, c, 5);
			return;
		}
		mp = ccyamt(d->o.min_profit, d->o.nmin_profit, c->ccy);
		if (mp && arb_dec_cmp(e->r.profit, *mp) < 0) {
			snprintf(e->detail, sizeof(e->detail), "below --min-profit");
			e->state = ST_REJ(R_MIN_PROFIT);
			e->reason = R_MIN_PROFIT;
			return;
		}
		/* profit * 10000 >= min_bps * cost, exactly */
		if (arb_dec_sign(d->o.min_profit_bps) > 0 &&
		    (arb_dec_mul(&t, e->r.profit, arb_dec_make(10000, 0)) < 0 ||
		    arb_dec_mul(&u, d->o.min_profit_bps, e->r.in) < 0 || arb_dec_cmp(t, u) < 0)) {
			snprintf(e->detail, sizeof(e->detail), "below --min-profit-bps");
			e->state = ST_REJ(R_MIN_PROFIT);
			e->reason = R_MIN_PROFIT;
			return;
		}
	}
	e->state = ST_OPP;
}

/* ---- output ---- */

static void
emit_decv(struct arb_buf *o, arb_dec v)
{
	arb_emit_decval(o, arb_dec_trim(v));
}

/* The part of an opportunity from ,"legs" to the closing brace. */
static void
opp_tail(struct arb_detect *d, const struct cand *c, const struct eval *e, struct arb_buf *o,
    int64_t expires)
{
	int i;

	arb_emit_key(o, "legs");
	arb_buf_addc(o, '[');
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		const struct arb_dfill *f = &e->r.f[i];
		/* on the tick: evaluate refuses a price off it */
		arb_dec px = f->px;
		if (i)
			arb_buf_addc(o, ',');
		arb_buf_adds(o, "{\"ex\":");
		arb_json_quote(o, d->v[b->vx].ex, strlen(d->v[b->vx].ex));
		arb_emit_str(o, "sym", b->sym);
		arb_emit_str(o, "side", c->buy[i] ? "buy" : "sell");
		arb_emit_key(o, "px");
		emit_decv(o, px);
		arb_emit_key(o, "qty");
		emit_decv(o, f->qty);
		arb_emit_key(o, "fee");
		emit_decv(o, f->fee);
		arb_emit_str(o, "fee_ccy", e->ch.leg[i].fee_base ? b->base : b->quote);
		arb_buf_addc(o, '}');
	}
	arb_buf_addc(o, ']');
	arb_emit_key(o, "qty");
	emit_decv(o, e->r.f[0].qty);
	arb_emit_key(o, "cost");
	emit_decv(o, e->r.in);
	arb_emit_key(o, "proceeds");
	emit_decv(o, e->r.out);
	arb_emit_key(o, "profit");
	emit_decv(o, e->r.profit);
	arb_emit_str(o, "ccy", c->ccy);
	arb_emit_dec(o, "gross_bps", e->gross_bps);
	arb_emit_dec(o, "net_bps", e->net_bps);
	arb_emit_key(o, "book_ts");
	arb_buf_addc(o, '[');
	for (i = 0; i < c->n; i++)
		arb_buf_printf(o, "%s%" PRId64, i ? "," : "", d->b[c->book[i]].ts);
	arb_buf_addc(o, ']');
	arb_emit_i64(o, "expires", expires);
	arb_emit_end(o);
}

static void
opp_emit(struct arb_detect *d, const struct cand *c, const char *event, struct arb_buf *out)
{
	arb_emit_begin(out, "opportunity");
	arb_emit_i64(out, "ts", d->now);
	arb_emit_str(out, "id", c->op->id);
	arb_emit_str(out, "kind", c->kind == KIND_CROSS ? "cross" : "cycle");
	arb_emit_str(out, "event", event);
	arb_buf_adds(out, c->op->tail);
}

static void
reject_emit(struct arb_detect *d, const struct cand *c, const struct eval *e, struct arb_buf *out)
{
	const struct book *b = &d->b[c->book[0]];

	arb_emit_begin(out, "reject");
	arb_emit_i64(out, "ts", d->now);
	arb_emit_str(out, "kind", c->kind == KIND_CROSS ? "cross" : "cycle");
	arb_emit_str(out, "reason", reason_name[e->reason]);
	arb_emit_str(out, "ex", d->v[b->vx].ex);
	arb_emit_str(out, "sym", b->sym);
	arb_emit_dec(out, "gross_bps", e->top_bps);
	arb_emit_str(out, "cand", c->key);
	if (e->detail[0])
		arb_emit_str(out, "detail", e->detail);
	arb_emit_end(out);
	d->st.rejects++;
}

static void
active_add(struct arb_detect *d, int ci)
{
	GROW(d->active, d->nactive, d->capactive);
	d->c[ci].active = d->nactive;
	d->active[d->nactive++] = ci;
	d->sweep_at = INT64_MIN;
}

static void
active_del(struct arb_detect *d, int ci)
{
	int at = d->c[ci].active, last;
	if (at < 0)
		return;
	last = d->active[--d->nactive];
	d->active[at] = last;
	d->c[last].active = at;
	d->c[ci].active = -1;
}

/* |new - old| * 100 > pct * |old| */
static int
moved(arb_dec old, arb_dec nw, arb_dec pct)
{
	arb_dec diff, l, r;
	if (arb_dec_sub(&diff, nw, old) < 0 || arb_dec_mul(&l, arb_dec_abs(diff), arb_dec_make(100, 0)) < 0 ||
	    arb_dec_mul(&r, pct, arb_dec_abs(old)) < 0)
		return 1;
	return arb_dec_cmp(l, r) > 0;
}

/*
 * The screen.  Most candidates cannot be profitable at their best levels;
 * the screen finds them with a product of doubles instead of exact
 * decimals, and never discards a candidate that the exact test accepts:
 *
 *   - the exact test (arb_dchain_top) accepts only when the exact product
 *     R of the legs' best-level rates is > 1 (before any fee with
 *     --explain, where the state of every candidate profitable before
 *     costs is reported; after the taker fees otherwise, where only the
 *     opportunities are: a candidate that loses after fees at its best
 *     levels can only be rejected, and a rejection is silent without
 *     --explain);
 *   - a leg's screen rate is computed from the exact decimals with
 *     correctly rounded IEEE-754 operations only (no library function):
 *     a decimal m*10^-s (s <= 36) becomes (double)m / 10^s, or
 *     (double)m / 10^22 / 10^(s-22), the powers exact (<= 10^22): at most
 *     3 roundings; the fee factor (1-f or 1+f, formed exactly in decimal)
 *     the same plus one for 1/(1+f); the rate 1/px or px times the factor:
 *     at most 2 more.  That is at most 9 roundings per leg, 5 legs and 4
 *     products: 49 roundings of relative error <= 2^-53 each, so the
 *     computed product is within a factor (1 +- 6e-15) of R;
 *   - every leg rate outside [1e-60, 1e60] (absurd prices or fees, NaN) is
 *     replaced by 1e60, which only raises the product; inside, no
 *     intermediate value over- or underflows (5 legs: 1e-300 .. 1e300);
 *   - a candidate is screened out only when the product is below
 *     1 - 1e-9: then R < (1 - 1e-9)(1 + 6e-15) < 1, which the exact test
 *     rejects too.
 *
 * A screened-out candidate is in state none (a rejected one falls back to
 * none silently, as the exact evaluation would do, or, without
 * --explain, as it would do silently).  Open opportunities are always
 * evaluated (their "gone" must be emitted).  A candidate screened out at
 * its last run ("cold", ST8_NONE) stays screened out until the rate of one
 * of its legs changes, which runs it again: so an update that leaves a
 * book's two screen rates as they were runs only its hot candidates.
 */
#define SCREEN_HUGE 1e60

static double
dec_double(arb_dec v)
{
	static const double p10[23] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	/* the same correctly rounded value either way; the 64-bit
	 * conversion is one instruction */
	int64_t lo = (int64_t)v.m;   /* (its low 64 bits, two's complement) */
	double m = (__int128)lo == v.m ? (double)lo : (double)v.m;
	if (v.s < 0 || v.s > 44)
		return 0;   /* never from dec.h; callers treat it as absurd */
	return v.s <= 22 ? m / p10[v.s] : m / p10[22] / p10[v.s - 22];
}

static double
clamp_rate(double r)
{
	return r >= 1e-60 && r <= SCREEN_HUGE ? r : SCREEN_HUGE;
}

/* The fee factors of a book's two sides (see side_rate); 1 with
 * --explain (the screen is before fees). */
static void
book_fee_factors(const struct arb_detect *d, struct book *b)
{
	int buy;

	for (buy = 0; buy < 2; buy++) {
		arb_dec one = arb_dec_make(1, 0), x;
		int up, rc;
		double g;
		b->fg[buy] = 1;
		if (d->o.explain || !inst_usable(b))
			continue;
		/* buy, fee in quote: 1/(px(1+f)); buy, in base: (1-f)/px;
		 * sell, in quote: px(1-f); sell, in base: px/(1+f) */
		up = buy ? !leg_fee_base(b, 1) : leg_fee_base(b, 0);
		rc = up ? arb_dec_add(&x, one, b->inst.taker) : arb_dec_sub(&x, one, b->inst.taker);
		g = rc < 0 || arb_dec_sign(x) <= 0 ? 0 : dec_double(x);
		if (g >= 1e-30 && g <= 1e30)
			b->fg[buy] = up ? 1 / g : g;
		else
			b->fg[buy] = SCREEN_HUGE;   /* never screens out */
	}
}

/* A side's screen rate: one unit through the best level (price px),
 * after the fee factor g; buy: 1 when bought.  (A side with no level, or
 * a book that cannot be evaluated, has rate 0: see book_rates.) */
static inline double
side_rate(arb_dec px, double g, int buy)
{
	double p = dec_double(px);

	if (!(p >= 1e-40 && p <= 1e40) || g == SCREEN_HUGE)
		return SCREEN_HUGE;
	return clamp_rate((buy ? 1 / p : p) * g);
}

/*
 * Keeps hi[x] >= rt[x] = r.  A raise (to r times the headroom) makes every
 * chunk bound of the venue stale; a lowering (when r is well below) does
 * not, since a bound made of larger rates is still a bound.
 */
#define HI_HEAD (1 + 5e-4)
#define HI_SLACK (1 + 1.5e-3)

static inline void
hi_update(struct arb_detect *d, int vx, int x, double r)
{
	if (r > d->hi[x]) {
		double h = r * HI_HEAD;
		d->hi[x] = h > r ? h : r;
		d->v[vx].epoch++;
		d->xepoch++;
	} else if (r * HI_SLACK < d->hi[x]) {
		double h = r * HI_HEAD;
		d->hi[x] = h > r ? h : r;
	}
}

/* Sets book bi's two screen rates; 1 when either changed.  (The best
 * level is converted: see struct book.) */
static int
book_rates(struct arb_detect *d, int bi)
{
	const struct book *b = &d->b[bi];
	double s = 0, u = 0, *rt = &d->rt[2 * bi];

	if (b->have_book && inst_usable(b)) {
		if (b->nb)
			s = side_rate(b->bids[0].px, b->fg[0], 0);
		if (b->na)
			u = side_rate(b->asks[0].px, b->fg[1], 1);
	}
	if (s == rt[0] && u == rt[1])
		return 0;
	rt[0] = s;
	rt[1] = u;
	hi_update(d, b->vx, 2 * bi, s);
	hi_update(d, b->vx, 2 * bi + 1, u);
	return 1;
}

static inline double
screen_product(const struct arb_detect *d, const struct cscreen *x)
{
	const double *rt = d->rt;
	double p;
	int i;

	switch (x->n) {
	case 2:
		return rt[x->idx[0]] * rt[x->idx[1]];
	case 3:
		return rt[x->idx[0]] * rt[x->idx[1]] * rt[x->idx[2]];
	case 4:
		return rt[x->idx[0]] * rt[x->idx[1]] * rt[x->idx[2]] * rt[x->idx[3]];
	default:
		p = 1;
		for (i = 0; i < x->n; i++)
			p *= rt[x->idx[i]];
		return p;
	}
}

/* Sets a candidate's compact state, keeping its books' hot counts. */
static void
st8_set(struct arb_detect *d, int ci, int v)
{
	int was = d->st8[ci] != ST8_NONE, now = v != ST8_NONE, i, j;
	const struct cand *c;

	d->st8[ci] = (uint8_t)v;
	if (was == now)
		return;
	c = &d->c[ci];
	if (!now) {
		/* cold: the memory goes (sized again when it warms up) */
		free(d->c[ci].sz);
		d->c[ci].sz = NULL;
	}
	for (i = 0; i < c->n; i++) {
		int dup = 0;
		for (j = 0; j < i; j++)
			dup |= c->book[j] == c->book[i];
		if (!dup)
			d->b[c->book[i]].nhot += now - was;
	}
}

static void cand_eval(struct arb_detect *d, int ci, struct arb_buf *out);

/* The screen says: not profitable at the best levels, which is state none.
 * A rejected candidate becomes none silently (as cand_eval would do). */
static void
screen_none(struct arb_detect *d, int ci)
{
	d->st.screened++;
	if (d->st8[ci] != ST8_NONE) {
		d->c[ci].state = ST_NONE;
		st8_set(d, ci, ST8_NONE);
	}
}

/* Runs candidate ci: the screen first, touching only the compact arrays. */
static inline void
cand_run(struct arb_detect *d, int ci, struct arb_buf *out)
{
	if (d->st8[ci] != ST8_OPP && screen_product(d, &d->cs[ci]) < SCREEN_LIMIT) {
		screen_none(d, ci);
		return;
	}
	cand_eval(d, ci, out);
}

/*
 * Without --explain, is candidate c refused whatever the sizing, because
 * the whole side one of its legs walks is below that leg's min_qty or
 * min_notional?  Checked exactly, for a side of one level (depth 1): a
 * leg's quantity and notional never exceed its side's, so the exact
 * evaluation would end below a minimum, or before (out of sync, stale,
 * not profitable, lot): in any case not an opportunity, and without
 * --explain a refusal writes nothing and leaves nothing that changes
 * what is written later (the state is kept hot, as a refusal's; no
 * hint is learnt on those paths; the sizing's cache only saves time).
 * Most hot candidates at depth 1 are such: 6125 of 7712 sizings on the
 * benchmark ended at the minimums, each after the two exact tests of the
 * best levels and an evaluation at the largest size.
 */
static int
never_enough(const struct arb_detect *d, const struct cand *c)
{
	int i;

	if (d->o.explain)
		return 0;
	for (i = 0; i < c->n; i++) {
		const struct book *b = &d->b[c->book[i]];
		int buy = c->buy[i] != 0;
		const struct arb_level *lv = buy ? b->asks : b->bids;
		arb_dec t;
		if (!b->have_book || (buy ? b->na : b->nb) != 1 || b->nconv[buy] < 1)
			continue;
		if ((b->inst.has & ARB_FH_MIN_QTY) && arb_dec_cmp(lv[0].qty, b->inst.min_qty) < 0)
			return 1;
		if ((b->inst.has & ARB_FH_MIN_NOTIONAL) && arb_dec_mul(&t, lv[0].px, lv[0].qty) == 0 &&
		    arb_dec_cmp(t, b->inst.min_notional) < 0)
			return 1;
	}
	return 0;
}

static void
cand_eval(struct arb_detect *d, int ci, struct arb_buf *out)
{
	struct cand *c = &d->c[ci];
	struct eval e;
	int old = c->state;

	if (old != ST_OPP && never_enough(d, c)) {
		/* (counted as the evaluation it stands for) */
		d->st.evals++;
		c->state = ST_REJ(R_MIN_NOTIONAL);
		st8_set(d, ci, ST8_REJ);
		return;
	}
	evaluate(d, c, &e);
	c = &d->c[ci];
	if (e.kopt > 0)
		c->hint = e.kopt;
	if (e.state == ST_OPP) {
		const char *event = NULL;
		struct copen *op;
		if (c->op == NULL)
			c->op = xcalloc(1, sizeof(*c->op));
		op = c->op;
		if (old != ST_OPP) {
			char ts[48];
			/* an id is never used twice, even when the opportunity
			 * went away and came back at the same record time (a
			 * gap and a resync within one ts) */
			if (op->id && op->id_ts == d->now) {
				op->id_n++;
				snprintf(ts, sizeof(ts), ":%" PRId64 "-%" PRIu64, d->now, op->id_n);
			} else {
				op->id_ts = d->now;
				op->id_n = 1;
				snprintf(ts, sizeof(ts), ":%" PRId64, d->now);
			}
			free(op->id);
			op->id = xmalloc(strlen(c->key) + strlen(ts) + 1);
			strcpy(op->id, c->key);
			strcat(op->id, ts);
			event = "new";
			active_add(d, ci);
			d->st.opps_new++;
		} else if (moved(op->last_qty, e.r.f[0].qty, d->o.update_qty_pct) ||
		    moved(op->last_profit, e.r.profit, d->o.update_profit_pct) ||
		    d->now >= op->last_expires) {
			event = "update";
			d->st.opps_update++;
		}
		if (event) {
			arb_buf_reset(&d->tmp);
			op->last_expires = d->now + d->o.ttl;
			opp_tail(d, c, &e, &d->tmp, op->last_expires);
			free(op->tail);
			op->tail = xstrdup(d->tmp.p);
			op->last_qty = e.r.f[0].qty;
			op->last_profit = e.r.profit;
			opp_emit(d, c, event, out);
		}
		c->state = ST_OPP;
		st8_set(d, ci, ST8_OPP);
		return;
	}
	if (old == ST_OPP) {
		opp_emit(d, c, "gone", out);
		active_del(d, ci);
		d->st.opps_gone++;
	}
	if (e.state != ST_NONE && e.state != old && d->o.explain)
		reject_emit(d, c, &e, out);
	c->state = e.state;
	st8_set(d, ci, e.state == ST_NONE ? ST8_WARM : ST8_REJ);
}

/* Runs one entry of a book's list (the screen, then the evaluation). */
static inline void
entry_run(struct arb_detect *d, const struct cscreen *x, struct arb_buf *out, uint64_t *skipped)
{
	int st = d->st8[x->ci];

	if (st != ST8_OPP && screen_product(d, x) < SCREEN_LIMIT) {
		if (st != ST8_NONE)
			screen_none(d, x->ci);
		else
			(*skipped)++;
		return;
	}
	cand_eval(d, x->ci, out);
}

/* Recomputes chunk k of book bi: for each direction of the book, the
 * largest product of the hi rates of the other legs of its entries (in
 * leg order; rounding is monotone, so it bounds the same product of the
 * rt rates). */
static void
chunk_bound(struct arb_detect *d, int bi, int k)
{
	struct book *b = &d->b[bi];
	struct chunk *c = k < 0 ? &b->xch : &b->ch[k];
	int i = k < 0 ? 0 : b->nx + k * CHUNK, end = k < 0 ? b->nx : i + CHUNK, j;
	const double *hi = d->hi;

	if (end > b->ncands)
		end = b->ncands;
	c->mo[0] = c->mo[1] = 0;
	for (; i < end; i++) {
		const struct cscreen *x = &b->cands[i];
		const int32_t *ix = x->idx;
		double p;
		int dir = ix[x->own] & 1;
		/* the other legs' hi, in leg order (1 * a is a: the same
		 * product as a loop from p = 1) */
		switch (x->n * 8 + x->own) {
		case 2 * 8 + 0: p = hi[ix[1]]; break;
		case 2 * 8 + 1: p = hi[ix[0]]; break;
		case 3 * 8 + 0: p = hi[ix[1]] * hi[ix[2]]; break;
		case 3 * 8 + 1: p = hi[ix[0]] * hi[ix[2]]; break;
		case 3 * 8 + 2: p = hi[ix[0]] * hi[ix[1]]; break;
		case 4 * 8 + 0: p = hi[ix[1]] * hi[ix[2]] * hi[ix[3]]; break;
		case 4 * 8 + 1: p = hi[ix[0]] * hi[ix[2]] * hi[ix[3]]; break;
		case 4 * 8 + 2: p = hi[ix[0]] * hi[ix[1]] * hi[ix[3]]; break;
		case 4 * 8 + 3: p = hi[ix[0]] * hi[ix[1]] * hi[ix[2]]; break;
		default:
			p = 1;
			for (j = 0; j < x->n; j++)
				if (j != x->own)
					p *= hi[ix[j]];
		}
		if (p > c->mo[dir])
			c->mo[dir] = p;
	}
	c->epoch = k < 0 ? d->xepoch : d->v[b->vx].epoch;
}

/* Builds book bi's chunks (after its list changed). */
static void
chunks_build(struct arb_detect *d, int bi)
{
	struct book *b = &d->b[bi];
	int k, n, cnt[ARB_DLEGS_MAX + 2] = { 0 };
	struct cscreen *t;

	/* sorted by leg count, stably (entries of a count in the order the
	 * candidates were made), so that the screen's inner loop runs the
	 * same number of times from one entry to the next */
	for (k = 0; k < b->ncands; k++)
		cnt[b->cands[k].n + 1]++;
	for (n = 1; n < ARB_DLEGS_MAX + 2; n++)
		cnt[n] += cnt[n - 1];
	t = xmalloc((size_t)(b->ncands ? b->ncands : 1) * sizeof(*t));
	for (k = 0; k < b->ncands; k++)
		t[cnt[b->cands[k].n]++] = b->cands[k];
	if (b->ncands)
		memcpy(b->cands, t, (size_t)b->ncands * sizeof(*t));
	free(t);
	for (b->nx = 0; b->nx < b->ncands && b->cands[b->nx].n < 3; b->nx++)
		;
	b->nch = (b->ncands - b->nx + CHUNK - 1) / CHUNK;
	b->ch = xmalloc((size_t)(b->nch ? b->nch : 1) * sizeof(*b->ch));
	for (k = 0; k < b->nch; k++)
		b->ch[k].epoch = EPOCH_NONE;
	b->xch.epoch = EPOCH_NONE;
	b->all_v = b->all_x = EPOCH_NONE;
}

/*
 * Runs the candidates of book bi.  changed: its screen rates (or anything
 * else) changed; when not, its cold candidates stay cold and only the hot
 * ones run.  When they did, the cross entries are screened one by one and
 * the cycle entries (all on the book's venue) a chunk at a time: when
 * neither direction's bound times the book's rate reaches the screen's
 * limit, every entry of the chunk would be screened out, and only its hot
 * ones run.
 */
static void __attribute__((noinline))
book_run_all(struct arb_detect *d, int bi, struct arb_buf *out, int changed)
{
	int i, k, left = d->b[bi].nhot;
	uint64_t skipped = 0;

	if (d->nc_listed != d->nc)
		lists_update(d);
	if (!changed && left == 0)
		return;
	if (d->b[bi].ch == NULL)
		chunks_build(d, bi);
	/* Order matters for the output: entries are in leg-count order, then
	 * in the order the candidates were made. */
	if (!changed) {
		for (i = 0; i < d->b[bi].ncands && left > 0; i++) {
			const struct cscreen *x = &d->b[bi].cands[i];
			if (d->st8[x->ci] == ST8_NONE)
				continue;
			left--;
			entry_run(d, x, out, &skipped);
		}
		d->st.screened += skipped;
		return;
	}
	if (d->b[bi].ch == NULL)
		chunks_build(d, bi);
	{
		/* every chunk screened out at once, and no hot entry */
		const struct book *b = &d->b[bi];
		if (b->nhot == 0 && b->all_v == d->v[b->vx].epoch && b->all_x == d->xepoch &&
		    d->rt[2 * bi] * b->all[0] < SCREEN_LIMIT &&
		    d->rt[2 * bi + 1] * b->all[1] < SCREEN_LIMIT) {
			d->st.screened += (uint64_t)b->ncands;
			return;
		}
		d->b[bi].all[0] = d->b[bi].all[1] = 0;
	}
	/* k = -1: the cross entries, then the chunks of cycle entries */
	for (k = d->b[bi].nx ? -1 : 0; k < d->b[bi].nch; k++) {
		const struct book *b = &d->b[bi];
		const struct chunk *c = k < 0 ? &b->xch : &b->ch[k];
		int end;
		if (k < 0) {
			i = 0;
			end = b->nx;
		} else {
			i = b->nx + k * CHUNK;
			end = i + CHUNK < b->ncands ? i + CHUNK : b->ncands;
		}
		if (c->epoch != (k < 0 ? d->xepoch : d->v[b->vx].epoch)) {
			chunk_bound(d, bi, k);
			c = k < 0 ? &d->b[bi].xch : &d->b[bi].ch[k];
		}
		if (c->mo[0] > d->b[bi].all[0])
			d->b[bi].all[0] = c->mo[0];
		if (c->mo[1] > d->b[bi].all[1])
			d->b[bi].all[1] = c->mo[1];
		if (d->rt[2 * bi] * c->mo[0] < SCREEN_LIMIT &&
		    d->rt[2 * bi + 1] * c->mo[1] < SCREEN_LIMIT) {
			/* every entry is screened out: only hot ones change */
			if (d->b[bi].nhot == 0) {
				skipped += (uint64_t)(end - i);
				continue;
			}
			for (; i < end; i++) {
				const struct cscreen *x = &d->b[bi].cands[i];
				if (d->st8[x->ci] != ST8_NONE)
					entry_run(d, x, out, &skipped);
				else
					skipped++;
			}
			continue;
		}
		for (; i < end; i++)
			entry_run(d, &d->b[bi].cands[i], out, &skipped);
	}
	/* (running entries changes no rate, so no epoch moved meanwhile) */
	d->b[bi].all_v = d->v[d->b[bi].vx].epoch;
	d->b[bi].all_x = d->xepoch;
	d->st.screened += skipped;
}

/* book_run_all, with its most common cases first (inlined into the
 * record's path): a book with no hot candidate whose rates did not
 * change, or whose every chunk is screened out by the bound of them all
 * (the same tests in the same order as book_run_all's). */
static inline void
book_run(struct arb_detect *d, int bi, struct arb_buf *out, int changed)
{
	const struct book *b = &d->b[bi];

	if (b->nhot == 0 && d->nc_listed == d->nc) {
		if (!changed)
			return;
		if (b->ch != NULL && b->all_v == d->v[b->vx].epoch && b->all_x == d->xepoch &&
		    d->rt[2 * bi] * b->all[0] < SCREEN_LIMIT &&
		    d->rt[2 * bi + 1] * b->all[1] < SCREEN_LIMIT) {
			d->st.screened += (uint64_t)b->ncands;
			return;
		}
	}
	book_run_all(d, bi, out, changed);
}

/* Time moved on: re-check open opportunities that expired or whose books
 * grew too old. */
static void
sweep(struct arb_detect *d, struct arb_buf *out)
{
	int i, j, n = d->nactive, *list;
	int64_t at = INT64_MAX;

	if (n == 0 || d->now < d->sweep_at)
		return;
	/* a copy: running a candidate changes d->active (kept from one
	 * record to the next, not allocated for each) */
	if (n > d->capsweep) {
		free(d->sweep);
		d->capsweep = n * 2;
		d->sweep = xmalloc((size_t)d->capsweep * sizeof(int));
	}
	list = d->sweep;
	memcpy(list, d->active, (size_t)n * sizeof(int));
	for (i = 0; i < n; i++) {
		const struct cand *c = &d->c[list[i]];
		int due = d->now >= c->op->last_expires;
		for (j = 0; j < c->n && !due; j++) {
			const struct book *b = &d->b[c->book[j]];
			int64_t ma = d->v[b->vx].max_age;
			due = ma > 0 && d->now - b->ts > ma;
		}
		if (due && c->state == ST_OPP)
			cand_run(d, list[i], out);
	}
	/* The first time one of the open ones is due: its expiry, or a
	 * book's ts + max_age + 1.  Those only move later (a book's ts
	 * moving back, or a new open one, sets sweep_at to INT64_MIN). */
	for (i = 0; i < d->nactive; i++) {
		const struct cand *c = &d->c[d->active[i]];
		if (c->op->last_expires < at)
			at = c->op->last_expires;
		for (j = 0; j < c->n; j++) {
			const struct book *b = &d->b[c->book[j]];
			int64_t ma = d->v[b->vx].max_age;
			int64_t t;
			if (ma <= 0)
				continue;
			t = b->ts > INT64_MAX - ma - 1 ? INT64_MAX : b->ts + ma + 1;
			if (t < at)
				at = t;
		}
	}
	d->sweep_at = at;
}

/* ---- records ---- */

/* Are two sides the same levels, digit for digit (coefficient and
 * scale: what the sizer computes with)? */
static int
same_levels(const struct arb_level *a, uint32_t na, const struct arb_level *b, uint32_t nb)
{
	uint32_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].px.m != b[i].px.m || a[i].px.s != b[i].px.s ||
		    a[i].qty.m != b[i].qty.m || a[i].qty.s != b[i].qty.s)
			return 0;
	return 1;
}

/* A book record read lazily, whose levels are all plain (prices > 0,
 * quantities >= 0): its sides' text is kept (struct book), compared with
 * the last one's to version the sides; nothing is converted here. */
static int
on_book_lazy(struct arb_detect *d, struct arb_rec *r, struct arb_buf *out)
{
	int bi, side, changed;
	struct book *b;

	bi = book_get(d, r->ex, r->sym);
	b = &d->b[bi];
	for (side = 0; side < 2; side++) {
		const char *t = r->line + r->lv_off[side];
		uint32_t len = r->lv_len[side], n = side ? r->fb->nasks : r->fb->nbids;
		uint32_t on = side ? b->na : b->nb;
		const struct arb_level *best = side ? r->fb->asks : r->fb->bids;
		struct arb_level *lv;

		if (n <= 1) {
			/* all converted by the parser: compared and kept as
			 * levels (a side of one level, at depth 1, costs no
			 * text); the book's old side of at most one level is
			 * converted too (nconv is at least 1 when it has one) */
			if (n == 0) {
				if (on != 0)
					b->ver[side] = ++d->vergen;
			} else {
				lv = side ? b->asks : b->bids;
				if (on != 1 || b->nconv[side] < 1 ||
				    lv[0].px.m != best->px.m || lv[0].px.s != best->px.s ||
				    lv[0].qty.m != best->qty.m || lv[0].qty.s != best->qty.s)
					b->ver[side] = ++d->vergen;
				if ((side ? b->capa : b->capb) < 1) {
					book_conv_cap(b, side, 1);
					lv = side ? b->asks : b->bids;
				}
				lv[0] = *best;
			}
			b->nconv[side] = n;
			b->txok[side] = 0;
			b->unsorted[side] = 0;
			continue;
		}
		/* the same text is the same levels (and a different text
		 * with the same levels, such as "-0" for "0", only costs a
		 * sizing that the cache would have saved), in the same order:
		 * unsorted stays, as far as it was checked */
		if (!b->txok[side] || b->txlen[side] != len || memcmp(b->tx[side], t, len) != 0) {
			b->ver[side] = ++d->vergen;
			b->unsorted[side] = 0;
			if (len + 16 > b->txcap[side]) {
				b->txcap[side] = 2 * len + 16;
				xrealloc(&b->tx[side], b->txcap[side]);
			}
			memcpy(b->tx[side], t, len);
			memset(b->tx[side] + len, 0, 16);
			b->txlen[side] = len;
			/* the parser converted the best level */
			book_conv_cap(b, side, 1);
			lv = side ? b->asks : b->bids;
			lv[0] = best[0];
			b->nconv[side] = 1;
			b->txpos[side] = r->lv_pos1[side];
			b->txok[side] = 1;
		}
	}
	b->nb = r->fb->nbids;
	b->na = r->fb->nasks;
	if (r->ts < b->ts)
		d->sweep_at = INT64_MIN;
	b->ts = r->ts;
	b->have_book = 1;
	b->bad = r->fb->ok ? R_NONE : R_OUT_OF_SYNC;
	b->src = d->src;
	b->line = *d->line;
	b->noted = 0;
	/* the text of the last record, whose disorder was found already */
	if (b->unsorted[0] | b->unsorted[1])
		book_disorder(d, b);
	changed = book_rates(d, bi);
	d->st.books++;
	if (!inst_usable(b))
		d->st.no_instrument++;
	book_run(d, bi, out, changed);
	return 0;
}

/*
 * A book record whose levels cannot be used (a price <= 0, a quantity < 0):
 * its book keeps its levels but is refused, as out of sync, until its next
 * good record (the venue's state is not known), and its open
 * opportunities are re-evaluated at once, as after a status record.
 */
static void
book_spoil(struct arb_detect *d, const struct arb_rec *r, struct arb_buf *out)
{
	struct bkey k;
	int bi;

	bkey_make(r->ex, r->sym, &k);
	if ((bi = book_find(d, &k)) < 0)
		return;
	d->b[bi].bad = R_OUT_OF_SYNC;
	book_run(d, bi, out, 1);
}

static int
on_book(struct arb_detect *d, struct arb_rec *r, struct arb_buf *out, char *why, size_t wl)
{
	int bi, changed;
	struct book *b;
	uint32_t unsorted[2];

	if (r->lv_lazy && r->has_fb && r->fb && r->lv_plain)
		return on_book_lazy(d, r, out);
	/* the parser's level arrays become d->br's, then the book's (below):
	 * no copy on the way */
	if (arb_rec_book_take(r, &d->br) < 0) {
		snprintf(why, wl, "bad book levels");
		book_spoil(d, r, out);
		return -1;
	}
	if (arb_levels_bad(d->br.bids, d->br.nbids) || arb_levels_bad(d->br.asks, d->br.nasks)) {
		snprintf(why, wl, "bad book level");
		book_spoil(d, r, out);
		return -1;
	}
	/* Levels out of order are taken as the lazy reading takes them (it
	 * finds the disorder later: struct book), but the book is refused
	 * and the record reported now. */
	unsorted[0] = arb_levels_unsorted(d->br.bids, 1, d->br.nbids, 0);
	unsorted[1] = arb_levels_unsorted(d->br.asks, 1, d->br.nasks, 1);
	bi = book_get(d, r->ex, r->sym);
	b = &d->b[bi];
	book_conv(d, b, 0, b->nb);
	book_conv(d, b, 1, b->na);
	if (!same_levels(b->bids, b->nb, d->br.bids, d->br.nbids))
		b->ver[0] = ++d->vergen;
	if (!same_levels(b->asks, b->na, d->br.asks, d->br.nasks))
		b->ver[1] = ++d->vergen;
	{
		/* the levels just read become the book's; its old arrays are
		 * the reader's for the next record (no copy) */
		struct arb_level *t = b->bids;
		uint32_t tc = b->capb;
		b->bids = d->br.bids;
		b->capb = d->br.capb;
		d->br.bids = t;
		d->br.capb = tc;
		t = b->asks;
		tc = b->capa;
		b->asks = d->br.asks;
		b->capa = d->br.capa;
		d->br.asks = t;
		d->br.capa = tc;
	}
	b->nb = d->br.nbids;
	b->na = d->br.nasks;
	b->nconv[0] = b->nb;
	b->nconv[1] = b->na;
	b->txok[0] = b->txok[1] = 0;
	if (r->ts < b->ts)
		d->sweep_at = INT64_MIN;
	b->ts = r->ts;
	b->have_book = 1;
	b->bad = d->br.ok ? R_NONE : R_OUT_OF_SYNC;
	b->src = d->src;
	b->line = *d->line;
	b->unsorted[0] = unsorted[0];
	b->unsorted[1] = unsorted[1];
	b->noted = (unsorted[0] | unsorted[1]) != 0;
	if (b->noted)
		b->bad = R_OUT_OF_SYNC;
	changed = book_rates(d, bi);
	d->st.books++;
	if (!inst_usable(b))
		d->st.no_instrument++;
	book_run(d, bi, out, changed);
	if (b->noted) {
		unsorted_why(why, wl, unsorted);
		return -1;
	}
	return 0;
}

static int
on_status(struct arb_detect *d, const struct arb_rec *r, struct arb_buf *out)
{
	char state[32];
	int bad, vx, i;

	if (arb_rec_str(r, "state", state, sizeof(state)) < 0)
		return 0;
	if (strcmp(state, "gap") == 0 || strcmp(state, "resync") == 0 ||
	    strcmp(state, "disconnected") == 0)
		bad = R_OUT_OF_SYNC;
	else if (strcmp(state, "stale") == 0)
		bad = R_STALE;
	else
		return 0;
	vx = venue_find(d, r->ex);
	if (vx < 0)
		return 0;
	if (r->sym[0]) {
		struct bkey k;
		int bi;
		bkey_make(r->ex, r->sym, &k);
		bi = book_find(d, &k);
		if (bi < 0)
			return 0;
		if (d->b[bi].bad != R_OUT_OF_SYNC)
			d->b[bi].bad = bad;
		book_run(d, bi, out, 1);
		return 0;
	}
	for (i = 0; i < d->nb; i++)
		if (d->b[i].vx == vx && d->b[i].bad != R_OUT_OF_SYNC)
			d->b[i].bad = bad;
	for (i = 0; i < d->nb; i++)
		if (d->b[i].vx == vx)
			book_run(d, i, out, 1);
	return 0;
}

static int
on_instrument(struct arb_detect *d, const struct arb_rec *r, struct arb_buf *out, char *why, size_t wl)
{
	static const struct {
		const char *key;
		unsigned bit;
		size_t off;
	} k[] = {
		{ "tick", ARB_FH_TICK, offsetof(struct arb_fee_ent, tick) },
		{ "lot", ARB_FH_LOT, offsetof(struct arb_fee_ent, lot) },
		{ "min_qty", ARB_FH_MIN_QTY, offsetof(struct arb_fee_ent, min_qty) },
		{ "min_notional", ARB_FH_MIN_NOTIONAL, offsetof(struct arb_fee_ent, min_notional) },
		{ "taker_fee", ARB_FH_TAKER, offsetof(struct arb_fee_ent, taker) },
		{ "maker_fee", ARB_FH_MAKER, offsetof(struct arb_fee_ent, maker) },
	};
	struct arb_fee_ent e;
	char base[ARB_CCY_MAX], quote[ARB_CCY_MAX], fin[16];
	size_t i;
	int bi;
	struct book *b;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		arb_dec v;
		if (arb_rec_dec(r, k[i].key, &v) < 0)
			continue;
		if (arb_dec_sign(v) < 0 || ((k[i].bit & (ARB_FH_TICK | ARB_FH_LOT)) && arb_dec_sign(v) == 0)) {
			snprintf(why, wl, "bad %s", k[i].key);
			return -1;
		}
		memcpy((char *)&e + k[i].off, &v, sizeof(v));
		e.has |= k[i].bit;
	}
	if (arb_rec_str(r, "fee_in", fin, sizeof(fin)) == 0) {
		int f = arb_fee_in_from(fin);
		if (f < 0) {
			snprintf(why, wl, "bad fee_in");
			return -1;
		}
		e.fee_in = (enum arb_fee_in)f;
		e.has |= ARB_FH_FEE_IN;
	}
	bi = book_get(d, r->ex, r->sym);
	b = &d->b[bi];
	if (!b->known) {
		if (arb_rec_str(r, "base", base, sizeof(base)) == 0 &&
		    arb_rec_str(r, "quote", quote, sizeof(quote)) == 0) {
			scopy(b->base, sizeof(b->base), base);
			scopy(b->quote, sizeof(b->quote), quote);
		}
	}
	if (!(e.has & ARB_FH_FEE_IN))
		e.fee_in = ARB_FEE_IN_QUOTE;
	e.has |= ARB_FH_FEE_IN;
	b->inst = e;
	b->have_inst = 1;
	b->ver[0] = ++d->vergen;
	b->ver[1] = ++d->vergen;
	arb_fees_apply(d->o.fees, r->ex, r->sym, &b->inst);
	book_fee_factors(d, b);
	book_mark_known(d, bi);
	book_rates(d, bi);
	if (b->have_book)
		book_run(d, bi, out, 1);
	return 0;
}

static int
on_balance(struct arb_detect *d, const struct arb_rec *r, struct arb_buf *out)
{
	char asset[ARB_CCY_MAX];
	arb_dec v;
	struct venue *vn;
	struct balance *bl;
	int vx, i;

	if (arb_rec_str(r, "asset", asset, sizeof(asset)) < 0 || arb_rec_dec(r, "free", &v) < 0)
		return 0;
	vx = venue_index(d, r->ex);
	vn = &d->v[vx];
	vn->has_bal = 1;
	bl = balance_get(vn, asset, 1);
	bl->free = v;
	/* open opportunities on that venue are re-sized at once */
	for (i = d->nactive - 1; i >= 0; i--) {
		int ci = d->active[i], j, on = 0;
		if (i >= d->nactive)
			continue;
		for (j = 0; j < d->c[ci].n; j++)
			on |= d->b[d->c[ci].book[j]].vx == vx;
		if (on)
			cand_run(d, ci, out);
	}
	/* and so are the candidates whose last sizing the balances left no
	 * size: more of a balance may open them now, not at their books'
	 * next change (balance records are rare: a pass over all is cheap) */
	for (i = 0; i < d->nc; i++) {
		int j, on = 0;
		if (d->c[i].state != ST_REJ(R_BALANCE))
			continue;
		for (j = 0; j < d->c[i].n; j++)
			on |= d->b[d->c[i].book[j]].vx == vx;
		if (on)
			cand_run(d, i, out);
	}
	return 0;
}

void
arb_detect_where(struct arb_detect *d, const char *src, const uint64_t *line)
{
	static const uint64_t none;

	d->src = src;
	d->line = line ? line : &none;
}

int
arb_detect_late(struct arb_detect *d, const char **src, uint64_t *line, char *why, size_t whylen)
{
	const struct late *l;

	if (d->latepos == d->nlate) {
		d->latepos = d->nlate = 0;
		return 0;
	}
	l = &d->late[d->latepos++];
	*src = l->src;
	*line = l->line;
	unsorted_why(why, whylen, l->unsorted);
	return 1;
}

int
arb_detect_feed(struct arb_detect *d, struct arb_rec *r, struct arb_buf *out,
    char *why, size_t whylen)
{
	int rc = 0;

	if (r->has_ts && r->ts > d->now)
		d->now = r->ts;
	switch (r->type) {
	case ARB_R_BOOK:
		rc = on_book(d, r, out, why, whylen);
		break;
	case ARB_R_STATUS:
		rc = on_status(d, r, out);
		break;
	case ARB_R_INSTRUMENT:
		rc = on_instrument(d, r, out, why, whylen);
		break;
	case ARB_R_BALANCE:
		rc = on_balance(d, r, out);
		break;
	default:
		break;
	}
	if (d->now > d->swept) {
		d->swept = d->now;
		sweep(d, out);
	}
	return rc;
}

struct arb_detect *
arb_detect_new(const struct arb_detect_opts *o)
{
	struct arb_detect *d = xcalloc(1, sizeof(*d));

	d->o = *o;
	arb_detect_where(d, NULL, NULL);
	if (d->o.max_legs > ARB_DLEGS_MAX)
		d->o.max_legs = ARB_DLEGS_MAX;
	return d;
}

const struct arb_detect_stats *
arb_detect_stats(const struct arb_detect *d)
{
	return &d->st;
}

void
arb_detect_free(struct arb_detect *d)
{
	int i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nv; i++) {
		free(d->v[i].ccy);
		free(d->v[i].rank);
		free(d->v[i].edges);
		for (j = 0; j < d->v[i].capadj; j++)
			free(d->v[i].adj[j].e);
		free(d->v[i].adj);
		free(d->v[i].bal);
	}
	for (i = 0; i < d->nb; i++) {
		free(d->b[i].bids);
		free(d->b[i].asks);
		free(d->b[i].tx[0]);
		free(d->b[i].tx[1]);
		free(d->b[i].cands);
		free(d->b[i].ch);
	}
	for (i = 0; i < d->nkblk; i++)
		free(d->kblk[i]);
	free(d->kblk);
	for (i = 0; i < d->nc; i++) {
		if (d->c[i].op) {
			free(d->c[i].op->id);
			free(d->c[i].op->tail);
			free(d->c[i].op);
		}
		free(d->c[i].sz);
	}
	for (i = 0; i < d->nxg; i++)
		free(d->xg[i].books);
	free(d->v);
	free(d->b);
	free(d->bk);
	free(d->c);
	free(d->xg);
	free(d->active);
	free(d->sweep);
	free(d->cs);
	free(d->st8);
	free(d->rt);
	free(d->hi);
	free(d->bhash);
	free(d->chash);
	free(d->xhash);
	arb_book_rec_free(&d->br);
	arb_buf_free(&d->tmp);
	free(d->late);
	free(d);
}
