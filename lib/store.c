#include "config.h"

/*
 * store.c: what both storage backends share: the tables and their
 * columns, splitting a record into column values, the content hash, the
 * migrations (generated for each SQL dialect from the same table list),
 * and dispatch to the backend that a database URL names.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "io.h"
#include "store.h"
#include "util.h"

#define COLS(a) a, (int)(sizeof a / sizeof a[0])
#define K(name, kind, key) { name, kind, key, -1, -1 }

static const struct arb_store_col c_book[] = {
	K("seq", ARB_COL_INT, "seq"),
	K("ok", ARB_COL_BOOL, "ok"),
	K("depth", ARB_COL_INT, "depth"),
	{ "bid_px", ARB_COL_DEC, "bids", 0, 0 },
	{ "bid_qty", ARB_COL_DEC, "bids", 0, 1 },
	{ "ask_px", ARB_COL_DEC, "asks", 0, 0 },
	{ "ask_qty", ARB_COL_DEC, "asks", 0, 1 },
};
static const struct arb_store_col c_trade[] = {
	K("trade_id", ARB_COL_TEXT, "id"),
	K("px", ARB_COL_DEC, "px"),
	K("qty", ARB_COL_DEC, "qty"),
	K("side", ARB_COL_TEXT, "side"),
};
static const struct arb_store_col c_instrument[] = {
	K("base", ARB_COL_TEXT, "base"),
	K("quote", ARB_COL_TEXT, "quote"),
	K("tick", ARB_COL_DEC, "tick"),
	K("lot", ARB_COL_DEC, "lot"),
	K("min_qty", ARB_COL_DEC, "min_qty"),
	K("min_notional", ARB_COL_DEC, "min_notional"),
	K("taker_fee", ARB_COL_DEC, "taker_fee"),
	K("maker_fee", ARB_COL_DEC, "maker_fee"),
	K("fee_in", ARB_COL_TEXT, "fee_in"),
};
static const struct arb_store_col c_status[] = {
	K("state", ARB_COL_TEXT, "state"),
	K("detail", ARB_COL_TEXT, "detail"),
};
static const struct arb_store_col c_opportunity[] = {
	K("opp_id", ARB_COL_TEXT, "id"),
	K("kind", ARB_COL_TEXT, "kind"),
	K("event", ARB_COL_TEXT, "event"),
	K("route", ARB_COL_ROUTE, "legs"),
	K("qty", ARB_COL_DEC, "qty"),
	K("cost", ARB_COL_DEC, "cost"),
	K("proceeds", ARB_COL_DEC, "proceeds"),
	K("profit", ARB_COL_DEC, "profit"),
	K("ccy", ARB_COL_TEXT, "ccy"),
	K("gross_bps", ARB_COL_DEC, "gross_bps"),
	K("net_bps", ARB_COL_DEC, "net_bps"),
	K("expires", ARB_COL_INT, "expires"),
};
static const struct arb_store_col c_reject[] = {
	K("kind", ARB_COL_TEXT, "kind"),
	K("reason", ARB_COL_TEXT, "reason"),
	K("gross_bps", ARB_COL_DEC, "gross_bps"),
	K("detail", ARB_COL_TEXT, "detail"),
};
static const struct arb_store_col c_order[] = {
	K("opp", ARB_COL_TEXT, "opp"),
	K("leg", ARB_COL_INT, "leg"),
	K("cid", ARB_COL_TEXT, "cid"),
	K("side", ARB_COL_TEXT, "side"),
	K("px", ARB_COL_DEC, "px"),
	K("qty", ARB_COL_DEC, "qty"),
	K("state", ARB_COL_TEXT, "state"),
	K("filled", ARB_COL_DEC, "filled"),
	K("mode", ARB_COL_TEXT, "mode"),
	K("vid", ARB_COL_TEXT, "vid"),
	K("reason", ARB_COL_TEXT, "reason"),
};
static const struct arb_store_col c_fill[] = {
	K("opp", ARB_COL_TEXT, "opp"),
	K("cid", ARB_COL_TEXT, "cid"),
	K("side", ARB_COL_TEXT, "side"),
	K("px", ARB_COL_DEC, "px"),
	K("qty", ARB_COL_DEC, "qty"),
	K("fee", ARB_COL_DEC, "fee"),
	K("fee_ccy", ARB_COL_TEXT, "fee_ccy"),
	K("mode", ARB_COL_TEXT, "mode"),
	K("tid", ARB_COL_TEXT, "tid"),
};
static const struct arb_store_col c_result[] = {
	K("opp", ARB_COL_TEXT, "opp"),
	K("kind", ARB_COL_TEXT, "kind"),
	K("status", ARB_COL_TEXT, "status"),
	K("reason", ARB_COL_TEXT, "reason"),
	K("pnl", ARB_COL_DEC, "pnl"),
	K("pnl_e8", ARB_COL_E8, "pnl"),
	K("ccy", ARB_COL_TEXT, "ccy"),
	K("fees", ARB_COL_DEC, "fees"),
	K("exposure", ARB_COL_DEC, "exposure"),
};
static const struct arb_store_col c_balance[] = {
	K("asset", ARB_COL_TEXT, "asset"),
	K("free", ARB_COL_DEC, "free"),
	K("locked", ARB_COL_DEC, "locked"),
};
static const struct arb_store_col c_risk[] = {
	K("rule", ARB_COL_TEXT, "rule"),
	K("action", ARB_COL_TEXT, "action"),
	K("detail", ARB_COL_TEXT, "detail"),
	K("opp", ARB_COL_TEXT, "opp"),
};
static const struct arb_store_col c_records[] = {
	K("type", ARB_COL_TEXT, "type"),
};

#define CONTENT "ts, h1, h2"
const struct arb_store_table arb_store_tables[ARB_R_NTYPES] = {
	[ARB_R_UNKNOWN] = { "records", ARB_R_UNKNOWN, COLS(c_records), "h1, h2", "type, ts" },
	[ARB_R_BOOK] = { "books", ARB_R_BOOK, COLS(c_book), CONTENT, NULL },
	[ARB_R_TRADE] = { "trades", ARB_R_TRADE, COLS(c_trade), "ex, sym, trade_id", "ts" },
	[ARB_R_INSTRUMENT] = { "instruments", ARB_R_INSTRUMENT, COLS(c_instrument), CONTENT, "ex, sym, ts" },
	[ARB_R_STATUS] = { "status", ARB_R_STATUS, COLS(c_status), CONTENT, "ex, ts" },
	[ARB_R_OPPORTUNITY] = { "opportunities", ARB_R_OPPORTUNITY, COLS(c_opportunity), CONTENT, "opp_id" },
	[ARB_R_REJECT] = { "rejects", ARB_R_REJECT, COLS(c_reject), CONTENT, NULL },
	[ARB_R_ORDER] = { "orders", ARB_R_ORDER, COLS(c_order), CONTENT, "cid" },
	[ARB_R_FILL] = { "fills", ARB_R_FILL, COLS(c_fill), CONTENT, "cid" },
	[ARB_R_RESULT] = { "results", ARB_R_RESULT, COLS(c_result), CONTENT, "opp" },
	[ARB_R_BALANCE] = { "balances", ARB_R_BALANCE, COLS(c_balance), CONTENT, "ex, asset, ts" },
	[ARB_R_RISK] = { "risk", ARB_R_RISK, COLS(c_risk), CONTENT, NULL },
};

/*
 * The content hash: two independent 64-bit lanes over 8-byte words, each
 * finished with a strong 64-bit mixer.  It only has to tell different
 * lines apart (128 bits: a chance collision is out of reach); it is not
 * meant to resist someone crafting collisions.  Stored in databases, so it
 * must never change.
 */
static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fmix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t load64(const unsigned char *p)
{
	/* Little-endian whatever the host, so databases move between hosts. */
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

void arb_store_hash(const char *s, size_t n, uint64_t *h1, uint64_t *h2)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t a = 0x9e3779b97f4a7c15ULL, b = 0x6a09e667f3bcc909ULL;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = load64(p + i);
		a = rotl(a ^ (w * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
		b = rotl(b + w, 27) * 0x9fb21c651e98df25ULL + 0x52dce729;
	}
	unsigned char tail[8] = { 0 };
	memcpy(tail, p + i, n - i);
	uint64_t w = load64(tail);
	a = rotl(a ^ (w * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
	b = rotl(b + w, 27) * 0x9fb21c651e98df25ULL + 0x52dce729;
	a ^= (uint64_t)n;
	b ^= (uint64_t)n * 0xc2b2ae3d27d4eb4fULL;
	a += b;
	b += a;
	a = fmix(a);
	b = fmix(b);
	a += b;
	b += a;
	*h1 = a;
	*h2 = b;
}

/* Element k of array token a, or -1 (elements are consecutive subtrees). */
static int elem(const struct arb_json *j, int a, int k)
{
	if (j->t[a].type != ARB_J_ARR || (uint32_t)k >= j->t[a].n)
		return -1;
	int e = a + 1;
	while (k-- > 0)
		e = (int)j->t[e].next;
	return e;
}

/* The token of a column's key (i: the key's value token, -1 when absent),
 * following its array path, or -1. */
static int col_tok(const struct arb_rec *r, const struct arb_store_col *c, int i)
{
	if (i < 0 || c->i0 < 0)
		return i;
	if ((i = elem(&r->j, i, c->i0)) < 0 || c->i1 < 0)
		return i;
	return elem(&r->j, i, c->i1);
}

/* Text of a scalar token: strings unescaped (into scratch when needed),
 * numbers as written, booleans as true/false. */
static int tok_text(const struct arb_json *j, int i, struct arb_store_val *v,
    struct arb_buf *scratch)
{
	const struct arb_jtok *t = &j->t[i];

	switch (t->type) {
	case ARB_J_STR:
		if (!t->esc) {
			v->p = arb_json_raw(j, i);
			v->n = t->len;
			return 0;
		} else {
			/* Unescaped text is never longer than the escaped;
			 * scratch has room reserved for the whole line. */
			char *dst = scratch->p + scratch->len;
			int k = arb_json_str(j, i, dst, scratch->cap - scratch->len);
			/* A NUL (\u0000) or a lone surrogate cannot go into a
			 * text column: NULL then, the line keeps it. */
			if (k < 0 || memchr(dst, '\0', (size_t)k) || arb_utf8_check(dst, (size_t)k))
				return -1;
			v->p = dst;
			v->n = (size_t)k;
			scratch->len += (size_t)k + 1;
			return 0;
		}
	case ARB_J_NUM:
		v->p = arb_json_raw(j, i);
		v->n = t->len;
		return 0;
	case ARB_J_TRUE:
		v->p = "true";
		v->n = 4;
		return 0;
	case ARB_J_FALSE:
		v->p = "false";
		v->n = 5;
		return 0;
	default:
		return -1;
	}
}

/* "ex:sym:side ex:sym:side ..." of an opportunity's legs. */
static int route(const struct arb_json *j, int legs, struct arb_store_val *v,
    struct arb_buf *scratch)
{
	static const char *const keys[] = { "ex", "sym", "side" };
	size_t start = scratch->len;

	if (j->t[legs].type != ARB_J_ARR || j->t[legs].n == 0)
		return -1;
	int leg = arb_json_child(j, legs);
	for (uint32_t e = 0; e < j->t[legs].n; e++, leg = arb_json_next(j, leg)) {
		if (j->t[leg].type != ARB_J_OBJ)
			return -1;
		for (int k = 0; k < 3; k++) {
			struct arb_store_val part = { 0 };
			int i = arb_json_get(j, leg, keys[k]);
			if (i < 0 || j->t[i].type != ARB_J_STR || j->t[i].esc)
				return -1;  /* unescaped venue ids and symbols only */
			part.p = arb_json_raw(j, i);
			part.n = j->t[i].len;
			if (scratch->len + part.n + 2 > scratch->cap)
				return -1;
			if (k > 0)
				scratch->p[scratch->len++] = ':';
			else if (scratch->len > start)
				scratch->p[scratch->len++] = ' ';
			memcpy(scratch->p + scratch->len, part.p, part.n);
			scratch->len += part.n;
		}
	}
	v->p = scratch->p + start;
	v->n = scratch->len - start;
	scratch->len++;  /* keep a gap: later values start after it */
	return 0;
}

static int value(const struct arb_rec *r, const struct arb_store_col *c, int key,
    struct arb_store_val *v, struct arb_buf *scratch)
{
	const struct arb_json *j = &r->j;
	int i = col_tok(r, c, key);
	arb_dec d;
	const char *why;

	memset(v, 0, sizeof *v);
	v->null = 1;
	if (i < 0)
		return 0;
	switch (c->kind) {
	case ARB_COL_INT:
		if (arb_json_i64(j, i, &v->i) == 0)
			v->null = 0;
		break;
	case ARB_COL_BOOL:
		if (j->t[i].type == ARB_J_TRUE || j->t[i].type == ARB_J_FALSE) {
			v->i = j->t[i].type == ARB_J_TRUE;
			v->null = 0;
		}
		break;
	case ARB_COL_DEC:
		/* The number exactly as written (a quoted one too, when it
		 * is a valid number): never converted, so never rounded. */
		/* Validated, so that no database refuses it (PostgreSQL's
		 * NUMERIC has a range; 1e100000 is valid JSON).  A JSON
		 * number without exponent of at most 38 characters always
		 * parses (at most 37 digits, scale at most 36): the common
		 * case needs no second look. */
		if ((j->t[i].type == ARB_J_NUM && !(j->t[i].esc & 2) && j->t[i].len <= 38) ||
		    ((j->t[i].type == ARB_J_NUM || (j->t[i].type == ARB_J_STR && !j->t[i].esc)) &&
		    arb_dec_parse(&d, arb_json_raw(j, i), j->t[i].len, &why) == 0)) {
			v->p = arb_json_raw(j, i);
			v->n = j->t[i].len;
			v->null = 0;
		}
		break;
	case ARB_COL_TEXT:
		if (tok_text(j, i, v, scratch) == 0)
			v->null = 0;
		break;
	case ARB_COL_ROUTE:
		if (route(j, i, v, scratch) == 0)
			v->null = 0;
		break;
	case ARB_COL_E8: {
		arb_dec e;
		if (arb_json_dec(j, i, &d, &why) == 0 &&
		    arb_dec_rescale(&e, d, 8, ARB_RND_DOWN) == 0 &&
		    arb_dec_cmp(e, d) == 0 && e.m <= INT64_MAX && e.m >= INT64_MIN) {
			v->i = (int64_t)e.m;
			v->null = 0;
		}
		break;
	}
	}
	return 0;
}

/*
 * Per table: the length of each column's key, and for each value of
 * KEYHASH the columns whose key has it (bits).  Computed once.
 */
#define KEYHASH(len, c0) ((((size_t)(len)) * 7u + (unsigned char)(c0)) & 63u)
struct keyinfo {
	size_t len[ARB_STORE_MAXCOLS];
	uint32_t bucket[64];
};
static struct keyinfo keyinfos[ARB_R_NTYPES];
static pthread_once_t keyinfo_once = PTHREAD_ONCE_INIT;

static void keyinfo_init(void)
{
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		const struct arb_store_table *t = &arb_store_tables[k];
		struct keyinfo *ki = &keyinfos[k];
		for (int c = 0; c < t->ncols; c++) {
			ki->len[c] = strlen(t->cols[c].key);
			ki->bucket[KEYHASH(ki->len[c], t->cols[c].key[0])] |= (uint32_t)1 << c;
		}
	}
}

static const struct keyinfo *keyinfo(const struct arb_store_table *t)
{
	pthread_once(&keyinfo_once, keyinfo_init);
	return &keyinfos[t - arb_store_tables];
}

static int row(const struct arb_rec *r, const struct arb_store_table *t,
    struct arb_store_val *v, struct arb_buf *scratch, int hash)
{
	int n = 0;
	uint64_t h1 = 0, h2 = 0;

	scratch->len = 0;
	arb_buf_reserve(scratch, r->len + 64);

	memset(v, 0, 4 * sizeof *v);
	v[0].null = !r->has_ts;
	v[0].i = r->ts;
	v[1].null = !r->has_rt;
	v[1].i = r->rt;
	v[2].null = r->ex[0] == '\0';
	v[2].p = r->ex;
	v[2].n = strlen(r->ex);
	v[3].null = r->sym[0] == '\0';
	v[3].p = r->sym;
	v[3].n = strlen(r->sym);
	n = 4;
	/* One pass over the record's keys finds every column's key (the
	 * first of equal keys, as arb_json_get would).  A key is looked up
	 * by (length, first byte) among the columns (most keys: type, ts,
	 * ex... are no column's, read by arb_rec_parse). */
	int key[ARB_STORE_MAXCOLS];
	const struct arb_json *j = &r->j;
	const struct keyinfo *ki = keyinfo(t);
	uint32_t all = ((uint32_t)1 << t->ncols) - 1, found = 0;
	for (int c = 0; c < t->ncols; c++)
		key[c] = -1;
	if (j->n > 0 && j->t[0].type == ARB_J_OBJ) {
		const struct arb_jtok *tk = j->t;
		uint32_t i = 1;
		for (uint32_t m = tk[0].n; m && found != all; m--, i = tk[i + 1].next) {
			const char *kp = arb_json_raw(j, (int)i);
			size_t kl = tk[i].len;
			uint32_t cand;
			if (tk[i].esc) {
				/* an escaped key may spell any column's */
				cand = all & ~found;
				for (int c = 0; cand; c++, cand >>= 1)
					if ((cand & 1) && arb_json_streq(j, (int)i, t->cols[c].key)) {
						key[c] = (int)i + 1;
						found |= (uint32_t)1 << c;
					}
				continue;
			}
			cand = ki->bucket[KEYHASH(kl, kl ? kp[0] : 0)] & ~found;
			for (; cand; cand &= cand - 1) {
				int c = __builtin_ctz(cand);
				if (ki->len[c] == kl && memcmp(t->cols[c].key, kp, kl) == 0) {
					key[c] = (int)i + 1;
					found |= (uint32_t)1 << c;
				}
			}
		}
	}
	for (int c = 0; c < t->ncols; c++)
		value(r, &t->cols[c], key[c], &v[n++], scratch);
	if (hash)
		arb_store_hash(r->line, r->len, &h1, &h2);
	memset(&v[n], 0, 3 * sizeof *v);
	v[n++].i = (int64_t)h1;
	v[n++].i = (int64_t)h2;
	v[n].p = r->line;
	v[n].n = r->len;
	n++;
	return n;
}

int arb_store_row(const struct arb_rec *r, const struct arb_store_table *t,
    struct arb_store_val *v, struct arb_buf *scratch)
{
	return row(r, t, v, scratch, 1);
}

int arb_store_row_nohash(const struct arb_rec *r, const struct arb_store_table *t,
    struct arb_store_val *v, struct arb_buf *scratch)
{
	return row(r, t, v, scratch, 0);
}

/*
 * Migrations, written once for both dialects.  Version 1: the tables and
 * their unique keys.  Version 2: the indexes for reports and the views.
 * Version 3: PostgreSQL ingest costs (see below).
 */
static const char *coltype(enum arb_col_kind k, char d)
{
	switch (k) {
	case ARB_COL_INT:
	case ARB_COL_E8:
		return d == 'p' ? "BIGINT" : "INTEGER";
	case ARB_COL_DEC:
		return d == 'p' ? "NUMERIC" : "TEXT";
	case ARB_COL_BOOL:
		return d == 'p' ? "BOOLEAN" : "INTEGER";
	case ARB_COL_TEXT:
	case ARB_COL_ROUTE:
		return "TEXT";
	}
	return "TEXT";
}

static const char pnl_view_s[] =
    "CREATE VIEW pnl_by_day AS SELECT day, ccy, n AS results, complete,"
    " CASE WHEN s IS NULL THEN NULL ELSE printf('%s%d.%08d',"
    " CASE WHEN s < 0 THEN '-' ELSE '' END, abs(s) / 100000000, abs(s) % 100000000) END AS pnl,"
    " inexact FROM (SELECT date(ts / 1000000, 'unixepoch') AS day, ccy,"
    " count(*) AS n, sum(status = 'complete') AS complete, sum(pnl_e8) AS s,"
    " count(pnl) - count(pnl_e8) AS inexact FROM results GROUP BY 1, 2);\n";
static const char pnl_view_p[] =
    "CREATE VIEW pnl_by_day AS SELECT (to_timestamp(ts / 1000000) AT TIME ZONE 'UTC')::date AS day,"
    " ccy, count(*) AS results, count(*) FILTER (WHERE status = 'complete') AS complete,"
    " sum(pnl) AS pnl, 0 AS inexact FROM results GROUP BY 1, 2;\n";
static const char opp_view_s[] =
    "CREATE VIEW opportunities_by_pair AS SELECT kind, route,"
    " count(*) FILTER (WHERE event = 'new') AS seen, count(*) AS records,"
    " min(ts) AS first_ts, max(ts) AS last_ts,"
    " (SELECT o2.net_bps FROM opportunities o2 WHERE o2.kind IS o.kind AND o2.route IS o.route"
    " ORDER BY CAST(o2.net_bps AS REAL) DESC LIMIT 1) AS best_net_bps"
    " FROM opportunities o GROUP BY kind, route;\n";
static const char opp_view_p[] =
    "CREATE VIEW opportunities_by_pair AS SELECT kind, route,"
    " count(*) FILTER (WHERE event = 'new') AS seen, count(*) AS records,"
    " min(ts) AS first_ts, max(ts) AS last_ts, max(net_bps) AS best_net_bps"
    " FROM opportunities GROUP BY kind, route;\n";

char *arb_store_migration_sql(int to, char d)
{
	struct arb_buf b = { 0 };

	arb_buf_reserve(&b, 4096);
	if (to == 1) {
		arb_buf_adds(&b, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
		    " applied_us BIGINT NOT NULL);\n");
		for (int k = 0; k < ARB_R_NTYPES; k++) {
			const struct arb_store_table *t = &arb_store_tables[k];
			arb_buf_printf(&b, "CREATE TABLE %s (id %s, ts %s, rt %s, ex TEXT, sym TEXT",
			    t->name, d == 'p' ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" :
			    "INTEGER PRIMARY KEY", coltype(ARB_COL_INT, d), coltype(ARB_COL_INT, d));
			for (int c = 0; c < t->ncols; c++)
				arb_buf_printf(&b, ", %s %s", t->cols[c].name, coltype(t->cols[c].kind, d));
			arb_buf_printf(&b, ", h1 %s NOT NULL, h2 %s NOT NULL, line TEXT NOT NULL);\n",
			    coltype(ARB_COL_INT, d), coltype(ARB_COL_INT, d));
			arb_buf_printf(&b, "CREATE UNIQUE INDEX %s_key ON %s (%s);\n",
			    t->name, t->name, t->key);
		}
	} else if (to == 2) {
		for (int k = 0; k < ARB_R_NTYPES; k++) {
			const struct arb_store_table *t = &arb_store_tables[k];
			if (t->index)
				arb_buf_printf(&b, "CREATE INDEX %s_report ON %s (%s);\n",
				    t->name, t->name, t->index);
		}
		arb_buf_adds(&b, d == 'p' ? pnl_view_p : pnl_view_s);
		arb_buf_adds(&b, d == 'p' ? opp_view_p : opp_view_s);
	} else if (to == 3) {
		/* Cheaper ingest into PostgreSQL: identity values handed out
		 * 1024 at a time rather than one sequence access per row, and
		 * no separate primary key index on books.id (the ids stay
		 * unique and in insertion order; (ts, h1, h2) is the key).
		 * Nothing changes for SQLite, where id is the rowid. */
		if (d == 'p') {
			for (int k = 0; k < ARB_R_NTYPES; k++)
				arb_buf_printf(&b, "ALTER TABLE %s ALTER COLUMN id SET CACHE 1024;\n",
				    arb_store_tables[k].name);
			arb_buf_adds(&b, "ALTER TABLE books DROP CONSTRAINT books_pkey;\n");
		} else {
			arb_buf_adds(&b, "SELECT 1;\n");
		}
	} else {
		arb_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* Dispatch. */
int arb_store_is_pg(const char *url)
{
	return strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0 ||
	    strncmp(url, "pg:", 3) == 0 || strchr(url, '=') != NULL;
}

int arb_store_open(struct arb_store **sp, const char *url,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status)
{
	*sp = NULL;
	if (arb_store_is_pg(url))
		return arb_store_pg_open(sp, strncmp(url, "pg:", 3) == 0 ? url + 3 : url,
		    o, why, whylen, status);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (*url == '\0') {
		snprintf(why, whylen, "empty database path");
		*status = ARB_EXIT_USAGE;
		return -1;
	}
	return arb_store_sqlite_open(sp, url, o, why, whylen, status);
}

int arb_store_stage(struct arb_store *s, struct arb_store_batch *b, const struct arb_rec *r,
    char *why, size_t whylen)
{
	return s->ops->stage(s, b, r, why, whylen);
}

int arb_store_commit(struct arb_store *s, struct arb_store_batch *b, char *why, size_t whylen)
{
	b->ins = b->dups = 0;
	if (b->n == 0)
		return 0;
	return s->ops->commit(s, b, why, whylen);
}

int arb_store_deferred(const struct arb_store *s)
{
	return s->sync != NULL;
}

int arb_store_sync(struct arb_store *s, char *why, size_t whylen)
{
	return s->sync ? s->sync(s, why, whylen) : 0;
}

/*
 * A table's staged rows grow to several MiB a batch (about 9 MiB of book
 * rows for 20000 records), and each batch slot's buffer was filled first
 * page by page, through reallocs that doubled it (copying it into new
 * pages): about 8000 page faults in the reading thread per run of the
 * bench (500000 records), and a fault costs 50 to 60 us on the virtual
 * machines this runs on (mostly not counted as CPU time).  A buffer that
 * reaches BIG_ROWS moves once to a region of its own: reserved (no memory
 * until used) at least BIG_CAP long, 2 MiB aligned and madvise'd for
 * transparent huge pages, so that it faults once per 2 MiB ("madvise" or
 * "always" mode; else per 4 KiB but never copied again).  *big says that
 * the buffer is such a region (unmapped, never freed or realloc'ed);
 * arb-store(1) keeps a batch's lines for --tee the same way.
 */
#define BIG_ROWS ((size_t)256 << 10)
#define BIG_CAP ((size_t)32 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

void *arb_store_region(size_t len)
{
	char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	char *p = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	munmap(p + len, HUGE_PAGE - (size_t)(p - m));
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);  /* best effort */
#endif
	return p;
}

void arb_store_buf_grow(struct arb_buf *o, unsigned char *big, size_t extra)
{
	size_t need = o->len + extra + 1;

	if (need <= o->cap)
		return;
	if (need < extra)
		xmalloc(SIZE_MAX);  /* overflow: the out-of-memory exit */
	if (need < BIG_ROWS && !*big) {
		arb_buf_reserve(o, extra);
		return;
	}
	size_t cap = BIG_CAP;
	while (cap < need)
		cap *= 2;
	char *p = arb_store_region(cap);
	int region = p != NULL;
	if (!p)
		p = xmalloc(cap);  /* no region: the heap after all */
	if (o->cap)
		memcpy(p, o->p, o->len + 1);
	else
		p[0] = '\0';
	if (*big)
		munmap(o->p, o->cap);
	else
		free(o->p);
	*big = (unsigned char)region;
	o->p = p;
	o->cap = cap;
}

void arb_store_buf_free(struct arb_buf *o, unsigned char *big)
{
	if (*big)
		munmap(o->p, o->cap);
	else
		free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
	*big = 0;
}

void arb_store_rows_grow(struct arb_store_batch *b, int k, size_t extra)
{
	arb_store_buf_grow(&b->rows[k], &b->big[k], extra);
}

void arb_store_batch_reset(struct arb_store_batch *b)
{
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		arb_buf_reset(&b->rows[k]);
		b->nrows[k] = 0;
	}
	b->n = 0;
}

void arb_store_batch_free(struct arb_store_batch *b)
{
	for (int k = 0; k < ARB_R_NTYPES; k++)
		arb_store_buf_free(&b->rows[k], &b->big[k]);
	arb_buf_free(&b->scratch);
	memset(b, 0, sizeof *b);
}

int arb_store_version(const struct arb_store *s) { return s->version; }

void arb_store_counts(const struct arb_store *s, uint64_t *inserted, uint64_t *dups)
{
	*inserted = s->inserted;
	*dups = s->dups;
}

void arb_store_close(struct arb_store *s)
{
	if (s)
		s->ops->close(s);
}

int arb_store_dump(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	return s->ops->dump(s, out, why, whylen);
}

int arb_store_verify(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	return s->ops->verify(s, out, why, whylen);
}

int arb_store_backup(struct arb_store *s, const char *dest, char *why, size_t whylen)
{
	if (!s->ops->backup) {
		snprintf(why, whylen, "--backup is for SQLite; back up PostgreSQL with pg_dump (see arb-store(1))");
		return -1;
	}
	return s->ops->backup(s, dest, why, whylen);
}

const char *const arb_store_views[] = { "pnl_by_day", "opportunities_by_pair", NULL };

int arb_store_query(struct arb_store *s, const char *name, FILE *out, char *why, size_t whylen)
{
	char sql[128];
	int k;

	for (k = 0; arb_store_views[k]; k++)
		if (strcmp(arb_store_views[k], name) == 0)
			break;
	if (!arb_store_views[k]) {
		snprintf(why, whylen, "--query: no view %s (pnl_by_day, opportunities_by_pair)", name);
		return -1;
	}
	if (s->version < 2) {
		snprintf(why, whylen, "--query: the views come with schema version 2: run arb-store --migrate");
		return -1;
	}
	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", name);
	return s->ops->table(s, sql, out, why, whylen);
}

char *arb_store_default_url(void)
{
	const char *e = getenv("ARB_DB");
	struct arb_buf b = { 0 };

	if (e && *e)
		return xstrdup(e);
	const char *x = getenv("XDG_DATA_HOME");
	if (x && *x == '/') {
		arb_buf_printf(&b, "sqlite:%s/arbitron/arb.db", x);
	} else {
		const char *h = getenv("HOME");
		arb_buf_printf(&b, "sqlite:%s/.local/share/arbitron/arb.db", h && *h ? h : ".");
	}
	return b.p;
}
