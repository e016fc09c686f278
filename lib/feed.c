#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "log.h"
#include "util.h"

/* ---- string map ------------------------------------------------------ */

static uint32_t hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*k++) * 16777619u;
	return h ? h : 1;
}

void *arb_smap_get(const struct arb_smap *m, const char *k, size_t n)
{
	uint32_t h, i;

	if (!m->cap)
		return NULL;
	h = hash(k, n);
	for (i = h & (m->cap - 1); m->e[i].h; i = (i + 1) & (m->cap - 1))
		if (m->e[i].h == h && m->e[i].n == n && memcmp(m->e[i].k, k, n) == 0)
			return m->e[i].v;
	return NULL;
}

static void smap_insert(struct arb_smap_ent *e, uint32_t cap, struct arb_smap_ent x)
{
	uint32_t i;

	for (i = x.h & (cap - 1); e[i].h; i = (i + 1) & (cap - 1))
		;
	e[i] = x;
}

void arb_smap_put(struct arb_smap *m, const char *k, size_t n, void *v)
{
	uint32_t h = hash(k, n), i;

	if (m->cap) {
		for (i = h & (m->cap - 1); m->e[i].h; i = (i + 1) & (m->cap - 1))
			if (m->e[i].h == h && m->e[i].n == n && memcmp(m->e[i].k, k, n) == 0) {
				m->e[i].v = v;
				return;
			}
	}
	if ((m->n + 1) * 2 > m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 64;
		struct arb_smap_ent *e = xcalloc(cap, sizeof *e);
		for (i = 0; i < m->cap; i++)
			if (m->e[i].h)
				smap_insert(e, cap, m->e[i]);
		free(m->e);
		m->e = e;
		m->cap = cap;
	}
	smap_insert(m->e, m->cap, (struct arb_smap_ent){ xstrndup(k, n), v, h, (uint32_t)n });
	m->n++;
}

void arb_smap_free(struct arb_smap *m, void (*freev)(void *))
{
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->e[i].h) {
			free(m->e[i].k);
			if (freev)
				freev(m->e[i].v);
		}
	free(m->e);
	memset(m, 0, sizeof *m);
}

/* ---- feed and venues ----------------------------------------------------- */

void arb_feed_init(struct arb_feed *f, struct arb_writer *out, uint32_t depth)
{
	memset(f, 0, sizeof *f);
	f->out = out;
	f->depth = depth;
	f->top = xcalloc(depth ? depth : 1, sizeof *f->top);
	f->depthkeylen = (uint32_t)snprintf(f->depthkey, sizeof f->depthkey, ",\"depth\":%u,\"bids\":", depth);
}

static void fbook_free(void *p)
{
	struct arb_fbook *fb = p;

	arb_book_free(&fb->book);
	arb_fbook_pend_clear(fb);
	free(fb->pend);
	free(fb->exsym);
	free(fb);
}

void arb_feed_free(struct arb_feed *f)
{
	for (uint32_t i = 0; i < f->nv; i++) {
		struct arb_venue *v = f->v[i];
		arb_smap_free(&v->books, fbook_free);
		arb_smap_free(&v->insts, free);
		free(v->list);
		for (uint32_t k = 0; k < v->nwant; k++)
			free(v->want[k]);
		free(v->want);
		arb_json_free(&v->j);
		if (v->priv_free)
			v->priv_free(v->priv);
		free(v);
	}
	free(f->top);
	free(f->load);
	free(f->lv);
	free(f->lvx);
	free(f->lvside);
	arb_buf_free(&f->b);
	memset(f, 0, sizeof *f);
}

struct arb_venue *arb_feed_venue(struct arb_feed *f, const struct arb_venue_ops *ops)
{
	struct arb_venue *v;

	for (uint32_t i = 0; i < f->nv; i++)
		if (f->v[i]->ops == ops)
			return f->v[i];
	if (f->nv == sizeof f->v / sizeof f->v[0])
		return NULL;
	v = xcalloc(1, sizeof *v);
	v->ops = ops;
	v->feed = f;
	arb_json_init(&v->j);
	f->v[f->nv++] = v;
	return v;
}

void arb_venue_want(struct arb_venue *v, const char *sym)
{
	xrealloc(&v->want, (v->nwant + 1) * sizeof *v->want);
	v->want[v->nwant++] = xstrdup(sym);
}

int arb_venue_err(struct arb_venue *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->why, sizeof v->why, fmt, ap);
	va_end(ap);
	return -1;
}

static void emit_inst(struct arb_venue *v, const struct arb_inst *in)
{
	struct arb_buf *b = &v->feed->b;

	arb_buf_reset(b);
	arb_emit_begin(b, "instrument");
	arb_emit_i64(b, "ts", in->ts);
	arb_emit_str(b, "ex", v->ops->name);
	arb_emit_str(b, "sym", in->sym);
	arb_emit_str(b, "base", in->base);
	arb_emit_str(b, "quote", in->quote);
	arb_emit_dec(b, "tick", in->tick);
	arb_emit_dec(b, "lot", in->lot);
	arb_emit_dec(b, "min_qty", in->min_qty);
	arb_emit_dec(b, "min_notional", in->min_notional);
	arb_emit_dec(b, "taker_fee", in->taker);
	arb_emit_dec(b, "maker_fee", in->maker);
	arb_emit_end(b);
	arb_writer_put(v->feed->out, b->p, b->len);
}

static void book_inst(struct arb_fbook *fb)
{
	struct arb_venue *v = fb->v;
	const struct arb_inst *in;

	if (fb->inst_done || fb->filtered)
		return;
	in = arb_smap_get(&v->insts, fb->vsym, strlen(fb->vsym));
	if (in) {
		emit_inst(v, in);
		fb->inst_done = 1;
	}
}

struct arb_fbook *arb_venue_find(struct arb_venue *v, const char *vsym, size_t n)
{
	const struct arb_smap *m = &v->books;
	uint32_t h, i;

	/* arb_smap_get, but the key compared with the book's own copy of it
	 * (the book is needed next anyway: one cache miss less per frame) */
	if (!m->cap)
		return NULL;
	h = hash(vsym, n);
	for (i = h & (m->cap - 1); m->e[i].h; i = (i + 1) & (m->cap - 1))
		if (m->e[i].h == h && m->e[i].n == n) {
			struct arb_fbook *fb = m->e[i].v;
			if (memcmp(fb->vsym, vsym, n) == 0)
				return fb;
		}
	return NULL;
}

struct arb_fbook *arb_venue_book(struct arb_venue *v, const char *vsym, size_t n, const char *conn)
{
	struct arb_fbook *fb = arb_venue_find(v, vsym, n);
	char tmp[ARB_VSYM_MAX];

	if (fb)
		return fb;
	if (n == 0 || n >= sizeof tmp) {
		arb_venue_err(v, "bad symbol");
		return NULL;
	}
	memcpy(tmp, vsym, n);
	tmp[n] = 0;
	fb = xcalloc(1, sizeof *fb);
	memcpy(fb->vsym, vsym, n);
	fb->v = v;
	arb_book_init(&fb->book);
	if (v->ops->canon(v, tmp, conn, fb->sym, sizeof fb->sym) < 0) {
		arb_venue_err(v, "cannot map symbol \"%s\"", tmp);
		free(fb);
		return NULL;
	}
	if (v->nwant) {
		fb->filtered = 1;
		for (uint32_t i = 0; i < v->nwant; i++)
			if (strcmp(v->want[i], fb->sym) == 0)
				fb->filtered = 0;
	}
	arb_smap_put(&v->books, vsym, n, fb);
	xrealloc(&v->list, (v->nlist + 1) * sizeof *v->list);
	v->list[v->nlist++] = fb;
	book_inst(fb);
	if (!fb->inst_done && v->have_meta && !fb->filtered) {
		arb_warn("%s: no instrument metadata for %s (%s)", v->ops->name, fb->sym, fb->vsym);
		fb->inst_done = 1;
	}
	return fb;
}

void arb_venue_inst(struct arb_venue *v, const char *vsym, size_t n, const struct arb_inst *in)
{
	struct arb_inst *p = arb_smap_get(&v->insts, vsym, n);
	struct arb_fbook *fb;

	if (!p) {
		p = xmalloc(sizeof *p);
		arb_smap_put(&v->insts, vsym, n, p);
	}
	*p = *in;
	if ((fb = arb_venue_find(v, vsym, n)))
		book_inst(fb);
}

void arb_venue_meta_done(struct arb_venue *v)
{
	v->have_meta = 1;
	for (uint32_t i = 0; i < v->nlist; i++) {
		struct arb_fbook *fb = v->list[i];
		if (!fb->inst_done && !fb->filtered) {
			arb_warn("%s: no instrument metadata for %s (%s)", v->ops->name, fb->sym, fb->vsym);
			fb->inst_done = 1;
		}
	}
}

/* The book got a frame now (live staleness, ws.c). */
static inline void alive(struct arb_fbook *fb)
{
	struct arb_feed *f = fb->v->feed;

	fb->act = f->now;
	if (f->now_ws)
		fb->v->act_ws = f->now;
}

/* ---- records ------------------------------------------------------------- */

static void status(struct arb_venue *v, struct arb_fbook *fb, int64_t ts, const char *state,
    const char *detail, int eof)
{
	struct arb_buf *b = &v->feed->b;

	if (fb && fb->filtered)
		return;
	arb_buf_reset(b);
	arb_emit_begin(b, "status");
	arb_emit_i64(b, "ts", ts);
	arb_emit_str(b, "ex", v->ops->name);
	if (fb)
		arb_emit_str(b, "sym", fb->sym);
	arb_emit_str(b, "state", state);
	if (detail && *detail)
		arb_emit_str(b, "detail", detail);
	if (eof)
		arb_emit_bool(b, "eof", 1);
	arb_emit_end(b);
	arb_writer_put(v->feed->out, b->p, b->len);
}

void arb_feed_status(struct arb_venue *v, struct arb_fbook *fb, int64_t ts, const char *state, const char *detail)
{
	status(v, fb, ts, state, detail, 0);
}

void arb_feed_end_of_recording(struct arb_venue *v, int64_t ts)
{
	status(v, NULL, ts, "disconnected", "end of recording", 1);
}


/* Exactly 8 digits of x < 10^8 at p. */
static inline void put8(char *p, uint32_t x)
{
	uint32_t hi = x / 10000, lo = x % 10000;

	memcpy(p, arb_digits2 + 2 * (hi / 100), 2);
	memcpy(p + 2, arb_digits2 + 2 * (hi % 100), 2);
	memcpy(p + 4, arb_digits2 + 2 * (lo / 100), 2);
	memcpy(p + 6, arb_digits2 + 2 * (lo % 100), 2);
}


/* v in decimal at p (at most 20 bytes), as arb_emit_i64 writes it; times
 * (16 digits) as their first 8 digits and then 8 at once. */
static char *put_i64(char *p, int64_t v)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (v < 0)
		*p++ = '-';
	if (u >= 1000000000000000ULL && u < 10000000000000000ULL) {
		/* 16 digits: every time in microseconds since 2001 */
		put8(p, (uint32_t)(u / 100000000));
		put8(p + 8, (uint32_t)(u % 100000000));
		return p + 16;
	}
	if (u < 100000000)
		return arb_put_u64(p, u);
	if (u < 10000000000000000ULL) {
		p = arb_put_u64(p, u / 100000000);
	} else {
		p = arb_put_u64(p, u / 10000000000000000ULL);
		put8(p, (uint32_t)(u / 100000000 % 100000000));
		p += 8;
	}
	put8(p, (uint32_t)(u % 100000000));
	return p + 8;
}

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/*
 * A book record, byte for byte what the arb_emit_* calls of rec.h give
 *   {"type":"book","ts":..,"rt":..,"ex":..,"sym":..[,"seq":..],"ok":..,
 *    "depth":..,"bids":[..],"asks":[..]}
 * but written in one pass straight into the writer's buffer, with the
 * levels' text kept by the book (book.h) and the venue and symbol quoted
 * once per book: this is the hot path of every update.
 */
void arb_fbook_emit(struct arb_fbook *fb)
{
	struct arb_feed *f = fb->v->feed;
	struct arb_writer *w = f->out;
	size_t room;
	char *p, *p0;

	fb->nbook++;
	alive(fb);
	if (fb->filtered)
		return;
	if (!fb->exsym) {
		struct arb_buf *b = &f->b;
		arb_buf_reset(b);
		arb_emit_str(b, "ex", fb->v->ops->name);
		arb_emit_str(b, "sym", fb->sym);
		fb->exsym = xstrndup(b->p, b->len);
		fb->exsymlen = (uint32_t)b->len;
	}
	room = 20 + 20 + 6 + 20 + fb->exsymlen + 7 + 20 + 11 + f->depthkeylen + 8 + 2 +
	    arb_book_json_room(&fb->book, ARB_BID, f->depth) + arb_book_json_room(&fb->book, ARB_ASK, f->depth);
	if (w->err || room > w->cap) {
		/* a huge record (or a dead output): the writer's own way */
		struct arb_buf *b = &f->b;
		arb_buf_reset(b);
		arb_buf_reserve(b, room + 1);
		p = arb_fbook_json(fb, b->p);
		arb_writer_put(w, b->p, (size_t)(p - b->p));
		return;
	}
	if (w->len + room > w->cap && arb_writer_flush(w) < 0) {
		w->records++;
		return;
	}
	p0 = w->buf + w->len;
	p = arb_fbook_json(fb, p0);
	w->len += (size_t)(p - p0);
	w->records++;
	if (w->len >= w->flush_at)
		arb_writer_flush(w);
}

char *arb_fbook_json(struct arb_fbook *fb, char *p)
{
	struct arb_feed *f = fb->v->feed;

	p = PUT(p, "{\"type\":\"book\",\"ts\":");
	p = put_i64(p, fb->ts);
	p = PUT(p, ",\"rt\":");
	p = put_i64(p, fb->rt);
	memcpy(p, fb->exsym, fb->exsymlen);
	p += fb->exsymlen;
	if (fb->has_seq) {
		p = PUT(p, ",\"seq\":");
		p = put_i64(p, fb->seq);
	}
	if (fb->ok)
		p = PUT(p, ",\"ok\":true");
	else
		p = PUT(p, ",\"ok\":false");
	memcpy(p, f->depthkey, f->depthkeylen);
	p += f->depthkeylen;
	p = arb_book_jsonp(&fb->book, ARB_BID, f->depth, p);
	p = PUT(p, ",\"asks\":");
	p = arb_book_jsonp(&fb->book, ARB_ASK, f->depth, p);
	return PUT(p, "}\n");
}

void arb_feed_trade(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *id, size_t idlen,
    arb_dec px, arb_dec qty, int buy)
{
	struct arb_feed *f = fb->v->feed;
	struct arb_buf *b = &f->b;

	if (!f->trades || fb->filtered)
		return;
	arb_buf_reset(b);
	arb_emit_begin(b, "trade");
	arb_emit_i64(b, "ts", ts);
	arb_emit_i64(b, "rt", rt);
	arb_emit_str(b, "ex", fb->v->ops->name);
	arb_emit_str(b, "sym", fb->sym);
	arb_emit_strn(b, "id", id, idlen);
	arb_emit_dec(b, "px", px);
	arb_emit_dec(b, "qty", qty);
	arb_emit_str(b, "side", buy ? "buy" : "sell");
	arb_emit_end(b);
	arb_writer_put(f->out, b->p, b->len);
}

/* ---- book state ---------------------------------------------------------- */

void arb_fbook_subscribed(struct arb_fbook *fb, int64_t ts)
{
	if (fb->subscribed)
		return;
	fb->subscribed = 1;
	/* A confirmation that comes after the book's snapshot (Bitstamp's
	 * can) is no news: the states only go forward, connected, subscribed,
	 * synced, and a reader must not take it for a book no longer synced. */
	if (!fb->ok)
		arb_feed_status(fb->v, fb, ts, "subscribed", NULL);
	if (fb->v->ops->snapshot_after_subscribed && !fb->snap && fb->v->feed->want_snapshot)
		fb->v->feed->want_snapshot(fb->v->feed, fb);
}

void arb_fbook_synced(struct arb_fbook *fb, int64_t ts, const char *detail)
{
	fb->snap = 1;
	fb->nsnap++;
	fb->snap_wait = 0;
	alive(fb);
	if (!fb->ok) {
		fb->ok = 1;
		arb_feed_status(fb->v, fb, ts, "synced", detail);
	}
}

int arb_fbook_snapshot_behind(struct arb_fbook *fb, int64_t last)
{
	struct arb_feed *f = fb->v->feed;

	if (!fb->snap || last > fb->last)
		return 0;
	if (f->file)
		arb_info("%s:%llu: %s %s: snapshot at %lld is not newer than the book (%lld): ignored", f->file,
		    (unsigned long long)f->line, fb->v->ops->name, fb->sym, (long long)last, (long long)fb->last);
	else
		arb_info("%s %s: snapshot at %lld is not newer than the book (%lld): ignored",
		    fb->v->ops->name, fb->sym, (long long)last, (long long)fb->last);
	return 1;
}

/* The book is no longer known to be right: state (gap or stale) with
 * detail, one ok:false record, and a new snapshot. */
static void lose_sync(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *state, const char *detail)
{
	struct arb_venue *v = fb->v;
	struct arb_feed *f = v->feed;
	int was_ok = fb->ok;

	fb->ok = 0;
	fb->snap = 0;
	fb->act = f->now;
	if (f->file)
		arb_log(ARB_LOG_NOTICE, "%s:%llu: %s %s: %s", f->file, (unsigned long long)f->line, v->ops->name, fb->sym, detail);
	else
		arb_log(ARB_LOG_NOTICE, "%s %s: %s", v->ops->name, fb->sym, detail);
	arb_feed_status(v, fb, ts, state, detail);
	if (was_ok) {
		/* One record that says "this book is no longer usable". */
		fb->ts = ts;
		fb->rt = rt;
		arb_fbook_emit(fb);
	}
	arb_book_clear(&fb->book);
	fb->has_seq = 0;
	if (f->want_snapshot) {
		arb_feed_status(v, fb, ts, "resync", "requesting a new snapshot");
		f->want_snapshot(f, fb);
	} else {
		arb_feed_status(v, fb, ts, "resync",
		    "replay: waiting for a later snapshot in the recording");
	}
}

void arb_fbook_gap(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *fmt, ...)
{
	char detail[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	fb->ngap++;
	lose_sync(fb, ts, rt, "gap", detail);
}

int arb_fbook_bad_snapshot(struct arb_fbook *fb, int64_t ts, int64_t rt, const char *why)
{
	struct arb_venue *v = fb->v;
	char w[sizeof v->why];

	snprintf(w, sizeof w, "%s", why);
	arb_book_clear(&fb->book);
	arb_fbook_gap(fb, ts, rt, "bad snapshot: %s", w);
	memcpy(v->why, w, sizeof w);
	return -1;
}

void arb_fbook_stale(struct arb_fbook *fb, int64_t ts, const char *detail)
{
	fb->nstale++;
	lose_sync(fb, ts, ts, "stale", detail);
}

int arb_fbook_check_crossed(struct arb_fbook *fb, int64_t ts, int64_t rt)
{
	char a[ARB_DEC_STRMAX], c[ARB_DEC_STRMAX];

	/* only a move of a best price can cross the book */
	if (!fb->ok || !fb->book.top_moved)
		return 0;
	fb->book.top_moved = 0;
	if (!arb_book_crossed(&fb->book))
		return 0;
	fb->ncrossed++;
	arb_dec_fmt(arb_book_level(&fb->book, ARB_BID, 0)->px, a);
	arb_dec_fmt(arb_book_level(&fb->book, ARB_ASK, 0)->px, c);
	arb_fbook_gap(fb, ts, rt, "crossed book: best bid %s >= best ask %s", a, c);
	return -1;
}

int arb_fbook_levels(struct arb_fbook *fb, const struct arb_json *j, int arr, enum arb_side side)
{
	struct arb_venue *v = fb->v;
	const char *why;
	arb_dec px, qty;
	int e;

	if (arr < 0 || j->t[arr].type != ARB_J_ARR)
		return arb_venue_err(v, "levels: expected an array");
	if (arb_book_len(&fb->book, side) == 0 && j->t[arr].n > 8) {
		/* a snapshot: all levels at once, sorted, not one insertion each */
		struct arb_feed *f = v->feed;
		uint32_t n = 0;
		if (f->capload < j->t[arr].n) {
			f->capload = j->t[arr].n;
			xrealloc(&f->load, (size_t)f->capload * sizeof *f->load);
		}
		for (e = arb_jfirst(j, arr); e >= 0; e = arb_jnext(j, arr, e), n++) {
			if (j->t[e].type != ARB_J_ARR || j->t[e].n < 2)
				return arb_venue_err(v, "levels: expected [price, quantity]");
			if (arb_json_dec(j, e + 1, &f->load[n].px, &why) < 0)
				return arb_venue_err(v, "bad price: %s", why);
			if (arb_json_dec(j, arb_json_next(j, e + 1), &f->load[n].qty, &why) < 0)
				return arb_venue_err(v, "bad quantity: %s", why);
		}
		if (arb_book_load(&fb->book, side, f->load, n) < 0)
			return arb_venue_err(v, "negative price or quantity, or more than 18 digits");
		return 0;
	}
	for (e = arb_jfirst(j, arr); e >= 0; e = arb_jnext(j, arr, e)) {
		if (j->t[e].type != ARB_J_ARR || j->t[e].n < 2)
			return arb_venue_err(v, "levels: expected [price, quantity]");
		if (arb_json_dec(j, e + 1, &px, &why) < 0)
			return arb_venue_err(v, "bad price: %s", why);
		if (arb_json_dec(j, arb_json_next(j, e + 1), &qty, &why) < 0)
			return arb_venue_err(v, "bad quantity: %s", why);
		if (arb_book_set(&fb->book, side, px, qty) < 0)
			return arb_venue_err(v, "negative price or quantity");
	}
	return 0;
}

void arb_fbook_pend(struct arb_fbook *fb, const char *p, size_t len, int64_t rt)
{
	alive(fb);
	/* A bound, so a venue that never answers cannot eat all memory. */
	if (fb->npend >= 100000) {
		arb_fbook_pend_clear(fb);
		arb_warn("%s %s: too many frames waiting for a snapshot, dropped", fb->v->ops->name, fb->sym);
	}
	if (fb->npend == fb->cappend) {
		fb->cappend = fb->cappend ? fb->cappend * 2 : 16;
		xrealloc(&fb->pend, fb->cappend * sizeof *fb->pend);
	}
	fb->pend[fb->npend].p = xstrndup(p, len);
	fb->pend[fb->npend].len = len;
	fb->pend[fb->npend].rt = rt;
	fb->pend[fb->npend].file = fb->v->feed->file;
	fb->pend[fb->npend].line = fb->v->feed->line;
	fb->npend++;
}

void arb_fbook_pend_clear(struct arb_fbook *fb)
{
	for (uint32_t i = 0; i < fb->npend; i++)
		free(fb->pend[i].p);
	fb->npend = 0;
}

/* ---- time ------------------------------------------------------------------ */

int arb_secs_to_us(const char *s, size_t n, int64_t *us)
{
	int64_t sec = 0, frac = 0;
	size_t i = 0, k;

	if (n == 0 || s[0] < '0' || s[0] > '9')
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (sec > 9999999999LL)
			return -1;
		sec = sec * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return -1;
		for (k = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
			if (k < 6)
				frac = frac * 10 + (s[i] - '0');
		for (; k < 6; k++)
			frac *= 10;
	}
	if (i != n)
		return -1;
	*us = sec * 1000000 + frac;
	return 0;
}

static int num(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int arb_rfc3339_to_us(const char *s, size_t n, int64_t *us)
{
	int y, mo, d, h, mi, se;
	int64_t frac = 0;
	size_t i = 19, k;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return -1;
	if (num(s, 4, &y) || num(s + 5, 2, &mo) || num(s + 8, 2, &d) || num(s + 11, 2, &h) ||
	    num(s + 14, 2, &mi) || num(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	if (s[i] == '.') {
		for (i++, k = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
			if (k < 6)
				frac = frac * 10 + (s[i] - '0');
		for (; k < 6; k++)
			frac *= 10;
	}
	if (i + 1 != n || s[i] != 'Z')
		return -1;
	*us = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 * 1000000LL + se * 1000000LL + frac;
	return 0;
}

/* ---- frames ------------------------------------------------------------- */

int arb_venue_parse(struct arb_venue *v, const char *p, size_t len)
{
	if (arb_json_parse(&v->j, p, len) < 0)
		return arb_venue_err(v, "not JSON: %s at byte %zu", v->j.err, v->j.erroff);
	return 0;
}

int arb_jms(const struct arb_json *j, int i, int64_t *us)
{
	int64_t ms;

	if (arb_json_i64(j, i, &ms) < 0 || ms < 0 || ms > INT64_MAX / 1000)
		return -1;
	*us = ms * 1000;
	return 0;
}

void arb_fbook_replay_pending(struct arb_fbook *fb,
    int (*fn)(struct arb_venue *v, const char *url, const char *p, size_t len, int64_t rt))
{
	struct arb_feed *f = fb->v->feed;
	struct arb_pending *pend = fb->pend;
	uint32_t n = fb->npend;
	/* a held-back frame was counted by the fast path when it came */
	uint64_t nscan = f->nscan;
	const char *file = f->file;
	uint64_t line = f->line;

	/* Take the list: a gap while replaying it starts a new one. */
	fb->pend = NULL;
	fb->npend = fb->cappend = 0;
	for (uint32_t i = 0; i < n; i++) {
		/* in a replay, what it leads to names the frame's own line */
		if (pend[i].file) {
			f->file = pend[i].file;
			f->line = pend[i].line;
		}
		if (fn(fb->v, NULL, pend[i].p, pend[i].len, pend[i].rt) < 0) {
			if (pend[i].file && f->bl) {
				char why[sizeof fb->v->why + 64];
				snprintf(why, sizeof why, "%s %s: held-back frame: %s", fb->v->ops->name, fb->sym, fb->v->why);
				f->nerrors++;
				arb_badline(f->bl, pend[i].file, pend[i].line, why);
			} else
				arb_warn("%s %s: held-back frame: %s", fb->v->ops->name, fb->sym, fb->v->why);
		}
		free(pend[i].p);
	}
	free(pend);
	f->file = file;
	f->line = line;
	f->nscan = nscan;
}

void arb_feed_disconnected(struct arb_venue *v, int64_t ts, const char *detail, size_t n)
{
	char d[256];

	snprintf(d, sizeof d, "%.*s", (int)n, detail);
	arb_feed_status(v, NULL, ts, "disconnected", d);
	for (uint32_t i = 0; i < v->nlist; i++) {
		struct arb_fbook *fb = v->list[i];
		fb->ok = 0;
		fb->snap = 0;
		fb->subscribed = 0;
		arb_book_clear(&fb->book);
		arb_fbook_pend_clear(fb);
	}
}

void arb_fbook_set_scanned(struct arb_fbook *fb, const struct arb_feed *f, uint32_t n, uint32_t nb)
{
	const struct arb_blevel *lv = f->lv;
	const struct arb_book_text *x = f->lvx;

	for (uint32_t i = 0; i < n; i++)
		arb_book_set64t(&fb->book, i < nb ? ARB_BID : ARB_ASK, lv[i].px, lv[i].ps, lv[i].qty, lv[i].qs,
		    x[i].px ? &x[i] : NULL);
}
