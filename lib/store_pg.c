#include "config.h"

/*
 * store_pg.c: the PostgreSQL backend of arb-store, through libpq.
 *
 * Records of a batch are encoded at once in COPY's binary format, one
 * buffer per table, and kept in memory until the batch has committed.
 *
 * Ids.  The client numbers the rows: before its first attempt, a batch
 * takes ids from a pool filled from each table's identity sequence
 * (nextval, so that other writers never get the same values) and writes
 * them into its rows in input order; COPY writes the ids it is given
 * into the identity column (as INSERT's OVERRIDING SYSTEM VALUE does).
 * So the ids follow the input order whichever connection stores a row.
 * (A role without the right to call nextval gets the server's ids, on one
 * connection, as identity columns need no such right.)
 *
 * A commit, when nothing is known to be there (the fast path): COPY the
 * rows straight into the tables.  A big batch is spread over two
 * connections, so that two server processes share the work: the largest
 * table's rows are cut in two, connection A takes every other table and
 * the first part, connection B (driven by a thread of this file) the
 * second part, in two transactions.  A commits as soon as its COPY is
 * done, B after both, so that the higher ids are never visible before the
 * lower ones and A never waits for B.  The commit returns only when both
 * have committed.  A unique key violation (a replayed stream, a
 * duplicate inside the batch) rolls back what has not committed, and the
 * batch, and the ones after it until one finds no duplicates, take the
 * duplicate path on A alone: a probe reads the keys the table holds in
 * the batch's range of ts and only the rows not there yet are copied
 * (see fresh_rows); what the probe cannot judge goes through a temporary
 * table and INSERT ... SELECT ... ON CONFLICT DO NOTHING in id order.
 * Rows the first half committed are then duplicates and skipped, so half
 * a batch committed (a crash, the server gone between the two COMMITs) is
 * completed by the retry or by a rerun of the stream, never stored twice.
 *
 * When the server goes away or a statement fails, the whole batch is sent
 * again after reconnecting, with backoff, until the retry time is spent.
 * Nothing is dropped: giving up is an error (exit 1), and arb-store passes
 * a batch's lines on (--tee) only after arb_store_commit returned 0.
 *
 * The password never comes from the command line: a password in the URL
 * or conninfo is refused; it comes from the credential "pg_password"
 * (cred.h), else libpq's own ~/.pgpass or service file.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "clock.h"
#include "cred.h"
#include "log.h"
#include "notify.h"
#include "sig.h"
#include "store.h"
#include "util.h"

#define PG_LOCK_ID 0x61726273  /* advisory lock around migrations: "arbs" */
#define SPLIT_MIN 1024         /* rows of the largest table to spread a batch */
#define ID_CHUNK 1024          /* ids are reserved in multiples of this */
#define B_RECONNECT_US 10000000 /* a second connection refused: try again after */

/* One connection and its last error. */
struct pgc {
	PGconn *c;
	unsigned staged_ok;         /* bit k: the staging table of table k exists */
	struct arb_buf sql;
	char err[512];
	char sqlstate[6];           /* of the last error, "" when none */
};

/* Reserved ids of one table, in increasing ranges. */
struct idrange {
	int64_t lo, n;
};
struct idpool {
	struct idrange *r;
	size_t nr, cap, head;
	int64_t avail;
};

/* A batch's largest table cut in two: rows [0, na) on A, the rest on B. */
struct split {
	int k;                      /* -1: not spread */
	size_t cut;                 /* byte offset of row na */
	uint64_t na;                /* rows of table k on A */
	uint64_t rows_a;            /* every row A stores */
	size_t bytes_a;             /* and their bytes */
};

struct pg {
	struct arb_store base;
	struct pgc a, b;            /* a: every commit; b: the second part of spread batches */
	char *conninfo;
	struct arb_cred cred;
	int have_cred;
	int64_t retry_us;
	int direct;                 /* try COPY straight into the tables */
	int stage_all;              /* this batch: the staging path for every table */
	int noids;                  /* no right to nextval: the server numbers rows */
	struct arb_buf stripped;    /* rows without their id field */
	char err[512];              /* the last error, for the retry messages */
	struct idpool ids[ARB_R_NTYPES];
	const struct arb_store_batch *numbered; /* the batch whose rows have ids */
	int64_t b_after;            /* no second connection before this (monotonic us) */
	/* key scratch for the cross-half check */
	struct rkey { int64_t ts, h1, h2; } *keys;
	size_t nkeys, capkeys;
	/* offsets and ts of the rows of the numbered batch's biggest table */
	size_t *roff;
	int64_t *rts;
	size_t nro, capro;
	/* keys already stored or met (the probe of the duplicate path) */
	struct rkey *set;
	unsigned char *used;
	size_t setcap;
	struct arb_buf fresh;       /* the rows that are not there yet */
	struct arb_buf tmp;
	int64_t *tsv;               /* the probe's ts, sorted */
	size_t captsv;
	/* The thread that drives connection b. */
	pthread_t th;
	int th_up;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job;                    /* 1: queued, 2: done */
	int quit;
	int jk;
	const char *jp;
	size_t jn;
	int jrc;
	int64_t jt0, jus;           /* when the job was given, how long it took from then */
	double share;               /* of a spread batch's bytes, what A takes */
	double th_cpu;
	uint64_t nsplit, nhalf;     /* batches spread; completed after half committed */
	uint64_t nprobe, nstage;    /* tables stored by the probe, by the staging path */
};

static void set_err(struct pgc *c, const char *what, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : "";
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(c->sqlstate, sizeof c->sqlstate, "%s", code ? code : "");
	if (!m || !*m)
		m = c->c ? PQerrorMessage(c->c) : "";
	snprintf(c->err, sizeof c->err, "%s: %s", what, m && *m ? m : "unknown error");
	/* libpq messages end with a newline */
	size_t n = strlen(c->err);
	while (n > 0 && (c->err[n - 1] == '\n' || c->err[n - 1] == ' '))
		c->err[--n] = '\0';
}

/* Runs a command; 0 or -1 with c->err. */
static int cmd(struct pgc *c, const char *sql, const char *what)
{
	PGresult *r = PQexec(c->c, sql);
	int st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err(c, what, r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* Ends a transaction left open by a failure (best effort). */
static void rollback(struct pgc *c)
{
	if (c->c && PQstatus(c->c) == CONNECTION_OK && PQtransactionStatus(c->c) != PQTRANS_IDLE)
		PQclear(PQexec(c->c, "ROLLBACK"));
}

static int connect_db(struct pg *p, struct pgc *c)
{
	const char *kw[4] = { "dbname", "fallback_application_name", NULL, NULL };
	const char *val[4] = { p->conninfo, "arb-store", NULL, NULL };

	if (p->have_cred) {
		kw[2] = "password";
		val[2] = p->cred.v;
	}
	if (c->c)
		PQfinish(c->c);
	c->staged_ok = 0;
	c->c = PQconnectdbParams(kw, val, 1);
	if (!c->c) {
		snprintf(c->err, sizeof c->err, "out of memory connecting");
		return -1;
	}
	if (PQstatus(c->c) != CONNECTION_OK) {
		set_err(c, "connecting", NULL);
		return -1;
	}
	PQsetNoticeProcessor(c->c, NULL, NULL);
	if (cmd(c, "SET client_min_messages = warning", "setup") < 0)
		return -1;
	return 0;
}

/* A connection's error becomes the store's last error. */
static void take_err(struct pg *p, const struct pgc *c)
{
	snprintf(p->err, sizeof p->err, "%s", c->err);
}

/* The columns COPY and the staging path write, id first. */
static void columns(struct arb_buf *b, const struct arb_store_table *t, int with_id)
{
	arb_buf_adds(b, with_id ? "id, ts, rt, ex, sym" : "ts, rt, ex, sym");
	for (int c = 0; c < t->ncols; c++)
		arb_buf_printf(b, ", %s", t->cols[c].name);
	arb_buf_adds(b, ", h1, h2, line");
}

/* The staging table of table k: the real table's columns, without its
 * constraints; emptied at each commit.  Made when first needed: at the
 * commit of a transaction that used a temporary table, PostgreSQL empties
 * every ON COMMIT DELETE ROWS table of the session (a truncation each). */
static int make_stage(struct pgc *c, int k)
{
	const struct arb_store_table *t = &arb_store_tables[k];

	if (c->staged_ok & 1u << k)
		return 0;
	arb_buf_reset(&c->sql);
	arb_buf_printf(&c->sql, "CREATE TEMP TABLE IF NOT EXISTS stage_%s (id BIGINT,"
	    " ts BIGINT, rt BIGINT, ex TEXT, sym TEXT", t->name);
	for (int i = 0; i < t->ncols; i++) {
		enum arb_col_kind kd = t->cols[i].kind;
		arb_buf_printf(&c->sql, ", %s %s", t->cols[i].name,
		    kd == ARB_COL_INT || kd == ARB_COL_E8 ? "BIGINT" :
		    kd == ARB_COL_DEC ? "NUMERIC" : kd == ARB_COL_BOOL ? "BOOLEAN" : "TEXT");
	}
	arb_buf_adds(&c->sql, ", h1 BIGINT, h2 BIGINT, line TEXT) ON COMMIT DELETE ROWS");
	if (cmd(c, c->sql.p, "creating a staging table") < 0)
		return -1;
	c->staged_ok |= 1u << k;
	return 0;
}

/*
 * Rows are encoded in COPY's binary format (big-endian: a 16-bit field
 * count, then each field as a 32-bit length, -1 for NULL, and its bytes):
 * the server has no text to scan and no numbers to parse, which is most of
 * what a text COPY costs it.  Written straight into room reserved for the
 * whole row.
 */
static inline char *w16(char *q, uint16_t v)
{
	q[0] = (char)(v >> 8);
	q[1] = (char)v;
	return q + 2;
}

static inline char *w32(char *q, uint32_t v)
{
	q[0] = (char)(v >> 24);
	q[1] = (char)(v >> 16);
	q[2] = (char)(v >> 8);
	q[3] = (char)v;
	return q + 4;
}

static inline char *w64(char *q, uint64_t v)
{
	return w32(w32(q, (uint32_t)(v >> 32)), (uint32_t)v);
}

static inline uint32_t r32(const char *q)
{
	const unsigned char *u = (const unsigned char *)q;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static inline int64_t r64(const char *q)
{
	return (int64_t)((uint64_t)r32(q) << 32 | r32(q + 4));
}

static int fdiv4(int a)
{
	return a >= 0 ? a / 4 : -((-a + 3) / 4);
}

#define NUMERIC_MAX (4 + 8 + 2 * 32)  /* the most bytes put_numeric writes */

/*
 * NUMERIC's binary form of decimal text that arb_dec_parse accepted
 * ([+-]digits[.digits][e[+-]digits], at most 39 significant digits, scale
 * at most 36): 16-bit digit count, weight (of the first base-10000 digit),
 * sign and display scale, then the base-10000 digits.  The display scale
 * is the one numeric_in gives the same text (fraction digits less the
 * exponent, at least 0), so the value prints back the same.  Returns the
 * end of what it wrote at q, or NULL when the text is not such a number
 * (never for validated values).
 */
static char *put_numeric(char *q, const char *s, size_t n)
{
	char dig[96];
	int nd = 0, frac = 0, dot = 0, neg = 0;
	long ex = 0;
	size_t i = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (nd == 0 && s[i] == '0' && !dot)
				continue;  /* leading zeros of the integer part */
			if (nd == (int)sizeof dig)
				return NULL;
			dig[nd++] = s[i];
			if (dot)
				frac++;
		} else if (s[i] == '.' && !dot) {
			dot = 1;
		} else {
			break;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		if (++i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			ex = ex * 10 + (s[i] - '0');
			if (ex > 1000)
				return NULL;
		}
		if (eneg)
			ex = -ex;
	}
	if (i != n)
		return NULL;
	int scale = frac - (int)ex;          /* value = dig * 10^-scale */
	int dscale = scale > 0 ? scale : 0;
	int st = 0;
	while (st < nd && dig[st] == '0')
		st++;                            /* zeros after the point */
	int len = nd - st;
	uint16_t g[32] = { 0 };
	int weight = 0, ng = 0;
	if (len > 0) {
		int top = len - scale - 1;       /* power of ten of the first digit */
		int low = -scale;                /* and of the last */
		weight = fdiv4(top);
		ng = weight - fdiv4(low) + 1;
		if (ng > (int)(sizeof g / sizeof g[0]))
			return NULL;
		/* base-10000 digits by Horner's rule, from the first group's
		 * power of ten within its group (0 to 3) */
		int r = top - 4 * weight, gi = 0;
		unsigned acc = 0;
		for (int j = 0; j < len; j++) {
			acc = acc * 10 + (unsigned)(dig[st + j] - '0');
			if (r-- == 0) {
				g[gi++] = (uint16_t)acc;
				acc = 0;
				r = 3;
			}
		}
		if (r != 3) {  /* the last group's r + 1 lower digits are zeros */
			static const unsigned p10[4] = { 1, 10, 100, 1000 };
			g[gi] = (uint16_t)(acc * p10[r + 1]);
		}
		while (ng > 0 && g[ng - 1] == 0)
			ng--;
	}
	if (ng == 0) {
		weight = 0;
		neg = 0;  /* no negative zero */
	}
	q = w32(q, (uint32_t)(8 + 2 * ng));
	q = w16(q, (uint16_t)ng);
	q = w16(q, (uint16_t)(int16_t)weight);
	q = w16(q, neg ? 0x4000 : 0x0000);
	q = w16(q, (uint16_t)dscale);
	for (int k = 0; k < ng; k++)
		q = w16(q, g[k]);
	return q;
}

/* One row: an id field (0 until the batch is numbered), then every column. */
static int pg_stage(struct arb_store *s, struct arb_store_batch *bt, const struct arb_rec *r,
    char *why, size_t whylen)
{
	int k = r->type < ARB_R_NTYPES ? r->type : 0;
	const struct arb_store_table *t = &arb_store_tables[k];
	int n = arb_store_row(r, t, bt->v, &bt->scratch);
	struct arb_buf *b = &bt->rows[k];
	size_t room = 2 + 12;

	(void)s;
	(void)why;
	(void)whylen;
	for (int c = 0; c < n; c++)
		room += bt->v[c].p ? 4 + bt->v[c].n + NUMERIC_MAX : 12;
	arb_store_rows_grow(bt, k, room);
	char *q = b->p + b->len;
	q = w16(q, (uint16_t)(n + 1));
	q = w32(q, 8);
	q = w64(q, 0);
	for (int c = 0; c < n; c++) {
		const struct arb_store_val *v = &bt->v[c];
		enum arb_col_kind kd = c >= 4 && c < 4 + t->ncols ? t->cols[c - 4].kind : ARB_COL_INT;
		if (v->null) {
			q = w32(q, 0xffffffffu);
		} else if (kd == ARB_COL_DEC) {
			char *e = put_numeric(q, v->p, v->n);
			q = e ? e : w32(q, 0xffffffffu);  /* as text COPY would refuse it */
		} else if (v->p) {
			q = w32(q, (uint32_t)v->n);
			memcpy(q, v->p, v->n);
			q += v->n;
		} else if (kd == ARB_COL_BOOL) {
			q = w32(q, 1);
			*q++ = v->i ? 1 : 0;
		} else {
			q = w32(q, 8);
			q = w64(q, (uint64_t)v->i);
		}
	}
	b->len = (size_t)(q - b->p);
	bt->nrows[k]++;
	bt->n++;
	return 0;
}

/* The end of the row that starts at q. */
static const char *row_end(const char *q)
{
	unsigned nf = (unsigned)(unsigned char)q[0] << 8 | (unsigned char)q[1];

	q += 2;
	for (unsigned i = 0; i < nf; i++) {
		uint32_t len = r32(q);
		q += 4;
		if (len != 0xffffffffu)
			q += len;
	}
	return q;
}

/*
 * Ids.  The pool of each table is filled with ranges of values that
 * nextval gave this program, in multiples of ID_CHUNK: a batch of one
 * record usually needs no round trip.  The values of one session only
 * grow, and a new session's are above every value handed out before, so
 * ids taken in order from the pool grow with the input.
 */
static void pool_add(struct idpool *ip, int64_t lo, int64_t n)
{
	if (ip->nr > ip->head && ip->r[ip->nr - 1].lo + ip->r[ip->nr - 1].n == lo) {
		ip->r[ip->nr - 1].n += n;
	} else {
		if (ip->head > 0 && ip->head == ip->nr)
			ip->head = ip->nr = 0;
		if (ip->nr == ip->cap) {
			ip->cap = ip->cap ? 2 * ip->cap : 8;
			xrealloc(&ip->r, ip->cap * sizeof *ip->r);
		}
		ip->r[ip->nr++] = (struct idrange){ lo, n };
	}
	ip->avail += n;
}

static int64_t pool_take(struct idpool *ip)
{
	struct idrange *r = &ip->r[ip->head];
	int64_t v = r->lo++;

	if (--r->n == 0)
		ip->head++;
	ip->avail--;
	return v;
}

#define NEXTVAL "nextval((SELECT pg_get_serial_sequence('%s', 'id')::regclass))"

/* Fills the pools with at least what batch bt needs.  0, or -1 with a->err. */
static int reserve_ids(struct pg *p, const struct arb_store_batch *bt)
{
	struct pgc *a = &p->a;
	int64_t want[ARB_R_NTYPES];
	int any = 0;

	arb_buf_reset(&a->sql);
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		int64_t need = (int64_t)bt->nrows[k] - p->ids[k].avail;
		want[k] = need > 0 ? (need + ID_CHUNK - 1) / ID_CHUNK * ID_CHUNK : 0;
		if (want[k] == 0)
			continue;
		arb_buf_printf(&a->sql, "%sSELECT %d, min(v), max(v), count(*) FROM (SELECT " NEXTVAL
		    " v, generate_series(1, %lld)) s", any ? " UNION ALL " : "", k,
		    arb_store_tables[k].name, (long long)want[k]);
		any = 1;
	}
	if (!any)
		return 0;
	PGresult *r = PQexec(a->c, a->sql.p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(a, "reserving ids", r);
		PQclear(r);
		return -1;
	}
	int redo[ARB_R_NTYPES] = { 0 };
	for (int i = 0; i < PQntuples(r); i++) {
		int k = atoi(PQgetvalue(r, i, 0));
		long long lo = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		long long hi = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		long long n = strtoll(PQgetvalue(r, i, 3), NULL, 10);
		if (k < 0 || k >= ARB_R_NTYPES)
			continue;
		if (PQgetisnull(r, i, 1)) {
			snprintf(a->err, sizeof a->err, "reserving ids: table %s has no identity sequence",
			    arb_store_tables[k].name);
			snprintf(a->sqlstate, sizeof a->sqlstate, "%s", "");
			PQclear(r);
			return -1;
		}
		if (n == want[k] && hi - lo + 1 == n)
			pool_add(&p->ids[k], lo, n);
		else
			redo[k] = 1;  /* another session took values in between */
	}
	PQclear(r);
	/* Not one range: those values are left unused (ids may have gaps),
	 * and the table's are taken again one by one. */
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		if (!redo[k])
			continue;
		arb_buf_reset(&a->sql);
		arb_buf_printf(&a->sql, "SELECT " NEXTVAL " FROM generate_series(1, %lld)",
		    arb_store_tables[k].name, (long long)want[k]);
		r = PQexec(a->c, a->sql.p);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			set_err(a, "reserving ids", r);
			PQclear(r);
			return -1;
		}
		for (int i = 0; i < PQntuples(r); i++)
			if (!PQgetisnull(r, i, 0))
				pool_add(&p->ids[k], strtoll(PQgetvalue(r, i, 0), NULL, 10), 1);
		PQclear(r);
	}
	return 0;
}

/* Writes ids from the pools into every row of bt, in input order.  0, or
 * -1 when the pools are short (never after reserve_ids succeeded). */
/* The table of batch bt with the most bytes, -1 when empty. */
static int biggest(const struct arb_store_batch *bt)
{
	size_t most = 0;
	int k = -1;

	for (int i = 0; i < ARB_R_NTYPES; i++) {
		if (bt->rows[i].len > most) {
			most = bt->rows[i].len;
			k = i;
		}
	}
	return k;
}

static int number_rows(struct pg *p, struct arb_store_batch *bt)
{
	int big = biggest(bt);

	for (int k = 0; k < ARB_R_NTYPES; k++)
		if (p->ids[k].avail < (int64_t)bt->nrows[k])
			return -1;
	p->nro = 0;
	if (big >= 0 && bt->nrows[big] > p->capro) {
		p->capro = bt->nrows[big];
		xrealloc(&p->roff, p->capro * sizeof *p->roff);
		xrealloc(&p->rts, p->capro * sizeof *p->rts);
	}
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		char *s = bt->rows[k].p, *q = s, *end = q + bt->rows[k].len;
		while (q < end) {
			w64(q + 6, (uint64_t)pool_take(&p->ids[k]));
			if (k == big && p->nro < p->capro) {
				/* where the split is planned: offset and ts of each row */
				p->roff[p->nro] = (size_t)(q - s);
				p->rts[p->nro++] = r32(q + 14) == 8 ? r64(q + 18) : INT64_MIN;
			}
			q = (char *)row_end(q);
		}
	}
	return 0;
}

/*
 * Where to cut batch bt: the table with the most bytes, when it is keyed
 * by content (ts, h1, h2) and has SPLIT_MIN rows, at the row where the
 * two connections get about as many bytes.  Not cut when a row of the
 * first part has the key of a row of the second (the second connection
 * would wait for the first's transaction; the duplicate path takes such a
 * batch anyway).
 */
static int key_cmp(const void *x, const void *y)
{
	const struct rkey *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->h1 != b->h1)
		return a->h1 < b->h1 ? -1 : 1;
	return a->h2 < b->h2 ? -1 : a->h2 > b->h2;
}

/* ts, h1 and h2 of the row at q; 0 when ts is NULL (never a conflict). */
static int row_key(const char *q, struct rkey *key)
{
	unsigned nf = (unsigned)(unsigned char)q[0] << 8 | (unsigned char)q[1];
	const char *f[ARB_STORE_MAXCOLS + 1];
	int64_t len[ARB_STORE_MAXCOLS + 1];

	if (nf < 5 || nf > ARB_STORE_MAXCOLS + 1)
		return 0;
	q += 2;
	for (unsigned i = 0; i < nf; i++) {
		uint32_t l = r32(q);
		q += 4;
		f[i] = q;
		len[i] = l == 0xffffffffu ? -1 : (int64_t)l;
		if (len[i] > 0)
			q += l;
	}
	/* id ts ... h1 h2 line */
	if (len[1] != 8 || len[nf - 3] != 8 || len[nf - 2] != 8)
		return 0;
	key->ts = r64(f[1]);
	key->h1 = r64(f[nf - 3]);
	key->h2 = r64(f[nf - 2]);
	return 1;
}

static void plan_split(struct pg *p, const struct arb_store_batch *bt, struct split *sp)
{
	size_t total = 0;
	int k = biggest(bt);

	sp->k = -1;
	for (int i = 0; i < ARB_R_NTYPES; i++)
		total += bt->rows[i].len;
	if (k < 0 || bt->nrows[k] < SPLIT_MIN || strcmp(arb_store_tables[k].key, "ts, h1, h2") != 0 ||
	    p->nro != bt->nrows[k])
		return;
	size_t most = bt->rows[k].len, n = p->nro;
	size_t want = (size_t)((double)total * p->share);
	size_t target = want > total - most ? want - (total - most) : 0;
	size_t na = 0;
	while (na < n && p->roff[na] < target)
		na++;
	if (na == 0 || na >= n)
		return;
	sp->cut = p->roff[na];
	sp->na = na;

	/* Keys in both parts?  Only rows of equal ts can have equal keys:
	 * compare the rows whose ts lies in both parts' ranges (INT64_MIN
	 * stands for a NULL ts: such a row never conflicts). */
	int64_t maxa = INT64_MIN, minb = INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		if (p->rts[i] == INT64_MIN)
			continue;
		if (i < na && p->rts[i] > maxa)
			maxa = p->rts[i];
		if (i >= na && p->rts[i] < minb)
			minb = p->rts[i];
	}
	if (maxa >= minb) {
		struct rkey key;
		const char *s = bt->rows[k].p;
		p->nkeys = 0;
		for (size_t i = 0; i < na; i++) {
			if (p->rts[i] < minb || !row_key(s + p->roff[i], &key))
				continue;
			if (p->nkeys == p->capkeys) {
				p->capkeys = p->capkeys ? 2 * p->capkeys : 1024;
				xrealloc(&p->keys, p->capkeys * sizeof *p->keys);
			}
			p->keys[p->nkeys++] = key;
		}
		qsort(p->keys, p->nkeys, sizeof *p->keys, key_cmp);
		for (size_t i = na; i < n; i++) {
			if (p->rts[i] == INT64_MIN || p->rts[i] > maxa || !row_key(s + p->roff[i], &key))
				continue;
			if (p->nkeys > 0 && bsearch(&key, p->keys, p->nkeys, sizeof key, key_cmp))
				return;  /* in both: not cut */
		}
	}
	sp->k = k;
	sp->rows_a = bt->n - (bt->nrows[k] - na);
	sp->bytes_a = total - most + sp->cut;
}

/* COPY of n bytes of encoded rows of table k into the table, or into its
 * staging table when staged.  0, or -1 with c->err and c->sqlstate. */
static int copy_in(struct pgc *c, int k, const char *b, size_t n, int staged, int with_id)
{
	static const char head[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	static const char trailer[2] = { (char)0xff, (char)0xff };
	const struct arb_store_table *t = &arb_store_tables[k];
	const char *end = b + n;
	PGresult *r;
	int bad = 0;

	arb_buf_reset(&c->sql);
	arb_buf_printf(&c->sql, "COPY %s%s (", staged ? "stage_" : "", t->name);
	columns(&c->sql, t, with_id);
	arb_buf_adds(&c->sql, ") FROM STDIN (FORMAT binary)");
	r = PQexec(c->c, c->sql.p);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		set_err(c, "COPY", r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	int ok = PQputCopyData(c->c, head, (int)sizeof head) == 1;
	/* In pieces: a big batch may not fit in an int. */
	while (ok && b < end) {
		size_t m = (size_t)(end - b) > (1u << 20) ? (1u << 20) : (size_t)(end - b);
		ok = PQputCopyData(c->c, b, (int)m) == 1;
		b += m;
	}
	if (!ok || PQputCopyData(c->c, trailer, 2) != 1 || PQputCopyEnd(c->c, NULL) != 1) {
		set_err(c, "COPY", NULL);
		return -1;
	}
	while ((r = PQgetResult(c->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !bad) {
			set_err(c, "COPY", r);
			bad = 1;
		}
		PQclear(r);
	}
	return bad ? -1 : 0;
}

/* A transaction of a spread batch: a wait for a row lock (another writer
 * of the same keys) that lasts is ended, and the batch takes the duplicate
 * path, which waits as long as it must. */
#define SPLIT_BEGIN "BEGIN; SET LOCAL lock_timeout = '10s'"

/* The thread of connection b: BEGIN and COPY of the job's rows. */
static double thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *b_thread(void *arg)
{
	struct pg *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->job != 1 && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->job != 1)
			break;
		int64_t t0 = p->jt0;
		pthread_mutex_unlock(&p->mu);
		int rc = cmd(&p->b, SPLIT_BEGIN, "BEGIN");
		if (rc == 0)
			rc = copy_in(&p->b, p->jk, p->jp, p->jn, 0, 1);
		pthread_mutex_lock(&p->mu);
		p->jus = arb_mono_us() - t0;
		p->jrc = rc;
		p->job = 2;
		pthread_cond_broadcast(&p->cv);
	}
	p->th_cpu = thread_cpu();
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Connection b, and its thread, ready; 0, or -1 when there is none now
 * (the batch is then stored on a alone). */
static int b_ready(struct pg *p)
{
	if (p->b.c && PQstatus(p->b.c) == CONNECTION_OK &&
	    PQtransactionStatus(p->b.c) == PQTRANS_IDLE)
		goto thread;
	if (arb_mono_us() < p->b_after)
		return -1;
	if (connect_db(p, &p->b) < 0) {
		arb_warn("PostgreSQL: a second connection: %s; storing on one", p->b.err);
		p->b_after = arb_mono_us() + B_RECONNECT_US;
		return -1;
	}
thread:
	if (!p->th_up) {
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		int e = pthread_create(&p->th, NULL, b_thread, p);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (e != 0) {
			p->b_after = INT64_MAX;  /* no thread: one connection */
			return -1;
		}
		p->th_up = 1;
	}
	return 0;
}

/*
 * One attempt at a spread batch (see the top of the file).  *half is set
 * when A committed and B did not.  0, 1 (take the duplicate path now), or
 * -1 with p->err.
 */
static int send_split(struct pg *p, const struct arb_store_batch *bt, const struct split *sp,
    int *half)
{
	struct pgc *a = &p->a, *b = &p->b;
	int k = sp->k, arc, brc;

	int64_t t0 = arb_mono_us();
	pthread_mutex_lock(&p->mu);
	p->jk = k;
	p->jt0 = t0;
	p->jp = bt->rows[k].p + sp->cut;
	p->jn = bt->rows[k].len - sp->cut;
	p->job = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);

	arc = cmd(a, SPLIT_BEGIN, "BEGIN");
	for (int i = 0; i < ARB_R_NTYPES && arc == 0; i++) {
		int j = (k + i) % ARB_R_NTYPES;  /* the cut table first */
		if (bt->nrows[j] > 0)
			arc = copy_in(a, j, bt->rows[j].p, j == k ? sp->cut : bt->rows[j].len, 0, 1);
	}
	if (arc == 0)
		arc = cmd(a, "COMMIT", "COMMIT");
	int a_done = arc == 0;
	/* While B works: ids for a next batch of the same size, so that its
	 * reservation does not hold both connections up (an error here is
	 * the next batch's to meet). */
	if (a_done)
		(void)reserve_ids(p, bt);
	int64_t ta = arb_mono_us() - t0;

	pthread_mutex_lock(&p->mu);
	while (p->job != 2)
		pthread_cond_wait(&p->cv, &p->mu);
	p->job = 0;
	brc = p->jrc;
	pthread_mutex_unlock(&p->mu);

	if (a_done && brc == 0)
		brc = cmd(b, "COMMIT", "COMMIT");
	if (arc == 0 && brc == 0) {
		p->nsplit++;
		/* Both parts should take as long: A's rows cost more (its keys
		 * go into the middle of the index, B's at its end; A also
		 * commits first), so the share follows what the two took. */
		double bytes_a = (double)sp->bytes_a, bytes_b = (double)(bt->rows[k].len - sp->cut);
		if (ta > 0 && p->jus > 0 && bytes_a > 0 && bytes_b > 0) {
			double ca = (double)ta / bytes_a, cb = (double)p->jus / bytes_b;
			double f = 0.7 * p->share + 0.3 * (cb / (ca + cb));
			p->share = f < 0.2 ? 0.2 : f > 0.8 ? 0.8 : f;
		}
		return 0;
	}
	rollback(a);
	rollback(b);
	if (a_done) {
		*half = 1;
		p->nhalf++;
	}
	/* the first error is the one to report */
	const struct pgc *e = arc < 0 ? a : b;
	take_err(p, e);
	/* duplicates, a lock wait ended, a deadlock: the duplicate path */
	if (strcmp(e->sqlstate, "23505") == 0 || strcmp(e->sqlstate, "55P03") == 0 ||
	    strcmp(e->sqlstate, "40P01") == 0)
		return 1;
	return -1;
}

/*
 * The duplicate path's probe.  For a table keyed by content (ts, h1, h2),
 * and for one keyed otherwise that has an index on ts (trades): the keys
 * the table holds in the batch's range of ts, read with that index, then
 * the batch's rows whose key is neither there nor earlier in the batch
 * copied into p->fresh.  Keys of text columns are compared by a 128-bit
 * hash of their bytes (as the content key is itself a hash of the line).
 * A row with a NULL key column always goes in (NULLs never conflict).  A
 * duplicate the probe does not see (another writer's, or a trade stored
 * with another ts) makes the COPY fail with a unique violation, and the
 * batch then takes the staging path.
 */
struct keydef {
	int probe;                  /* 0: no probe, 1: content key, 2: hashed columns */
	int n;
	int f[4];                   /* field numbers of the key columns */
	const char *cols;           /* the key's columns, for the SELECT */
};

static void key_def(int k, struct keydef *kd)
{
	const struct arb_store_table *t = &arb_store_tables[k];
	char name[64];
	const char *s = t->key;

	memset(kd, 0, sizeof *kd);
	if (strcmp(t->key, "ts, h1, h2") == 0) {
		kd->probe = 1;
		kd->cols = "ts, h1, h2";
		return;
	}
	if (!t->index || strcmp(t->index, "ts") != 0)
		return;
	while (*s) {
		size_t n = strcspn(s, ", ");
		int f = -1;
		if (n == 0 || n >= sizeof name || kd->n == 4)
			return;
		memcpy(name, s, n);
		name[n] = '\0';
		static const char *const common[] = { "id", "ts", "rt", "ex", "sym" };
		for (int i = 0; i < 5; i++)
			if (strcmp(name, common[i]) == 0)
				f = i;
		for (int i = 0; i < t->ncols && f < 0; i++)
			if (strcmp(name, t->cols[i].name) == 0)
				f = 5 + i;
		if (f < 1 || f == 2 || (f >= 5 && t->cols[f - 5].kind != ARB_COL_TEXT))
			return;  /* text columns only */
		kd->f[kd->n++] = f;
		s += n;
		s += strspn(s, ", ");
	}
	kd->probe = kd->n > 0 ? 2 : 0;
	kd->cols = t->key;
}

/* The hash of key fields given as (pointer, length), length -1 for NULL;
 * 0 when one is NULL. */
static int hash_key(struct arb_buf *tmp, const char *const *fp, const int64_t *fl, int n,
    struct rkey *key)
{
	uint64_t h1, h2;

	arb_buf_reset(tmp);
	for (int i = 0; i < n; i++) {
		uint32_t l = (uint32_t)fl[i];
		if (fl[i] < 0)
			return 0;
		arb_buf_add(tmp, &l, sizeof l);
		arb_buf_add(tmp, fp[i], (size_t)fl[i]);
	}
	arb_store_hash(tmp->p ? tmp->p : "", tmp->len, &h1, &h2);
	key->ts = 0;
	key->h1 = (int64_t)h1;
	key->h2 = (int64_t)h2;
	return 1;
}

/* The key of the row at q, and its ts in *ts (when not NULL); 0 when the
 * key has a NULL column. */
static int row_key2(struct pg *p, const struct keydef *kd, const char *q, struct rkey *key,
    int64_t *ts, int *tsok)
{
	unsigned nf = (unsigned)(unsigned char)q[0] << 8 | (unsigned char)q[1];
	const char *f[ARB_STORE_MAXCOLS + 1];
	int64_t len[ARB_STORE_MAXCOLS + 1];

	*tsok = 0;
	if (nf < 5 || nf > ARB_STORE_MAXCOLS + 1)
		return 0;
	q += 2;
	for (unsigned i = 0; i < nf; i++) {
		uint32_t l = r32(q);
		q += 4;
		f[i] = q;
		len[i] = l == 0xffffffffu ? -1 : (int64_t)l;
		if (len[i] > 0)
			q += l;
	}
	if (len[1] == 8) {
		*ts = r64(f[1]);
		*tsok = 1;
	}
	if (kd->probe == 1) {
		if (len[1] != 8 || len[nf - 3] != 8 || len[nf - 2] != 8)
			return 0;
		key->ts = r64(f[1]);
		key->h1 = r64(f[nf - 3]);
		key->h2 = r64(f[nf - 2]);
		return 1;
	}
	const char *fp[4];
	int64_t fl[4];
	for (int i = 0; i < kd->n; i++) {
		fp[i] = f[kd->f[i]];
		fl[i] = len[kd->f[i]];
	}
	return hash_key(&p->tmp, fp, fl, kd->n, key);
}

static uint64_t key_hash(const struct rkey *k)
{
	return ((uint64_t)k->h1 ^ (uint64_t)k->ts * 0x9e3779b97f4a7c15u) * 0xff51afd7ed558ccdu;
}

/* Adds key; 1 when it was not there. */
static int set_add(struct pg *p, const struct rkey *key)
{
	size_t m = p->setcap - 1, i = (size_t)(key_hash(key) >> 20) & m;

	while (p->used[i]) {
		if (p->set[i].ts == key->ts && p->set[i].h1 == key->h1 && p->set[i].h2 == key->h2)
			return 0;
		i = (i + 1) & m;
	}
	p->used[i] = 1;
	p->set[i] = *key;
	return 1;
}

static void set_init(struct pg *p, size_t n)
{
	size_t cap = 64;

	while (cap < 2 * n)
		cap *= 2;
	if (cap > p->setcap) {
		xrealloc(&p->set, cap * sizeof *p->set);
		xrealloc(&p->used, cap);
		p->setcap = cap;
	}
	memset(p->used, 0, p->setcap);
}

/* The rows of table k to store into p->fresh; their number, or -1 with
 * a->err. */
static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* How many ranges of ts a probe reads at most: a batch's ts are cut at its
 * widest gaps, when wider than a sixteenth of its whole span, so that a
 * record far from the others (an old ts) does not make the probe read
 * everything stored in between; a dense batch is read in one range. */
#define PROBE_RANGES 8

static int64_t fresh_rows(struct pg *p, const struct arb_store_batch *bt, int k,
    const struct keydef *kd)
{
	struct pgc *a = &p->a;
	const char *s = bt->rows[k].p, *end = s + bt->rows[k].len, *q;
	int64_t nf = 0, ts;
	struct rkey key;
	PGresult *r = NULL;
	int n = 0, tsok;
	size_t nts = 0;

	if (bt->nrows[k] > p->captsv) {
		p->captsv = bt->nrows[k];
		xrealloc(&p->tsv, p->captsv * sizeof *p->tsv);
	}
	for (q = s; q < end && nts < p->captsv; q = row_end(q))
		if (row_key2(p, kd, q, &key, &ts, &tsok) && tsok)
			p->tsv[nts++] = ts;
	if (nts > 0) {
		/* the widest gaps between consecutive ts end the ranges: picked
		 * one after the other, each the widest left (ties: the first) */
		size_t cut[PROBE_RANGES - 1];
		int ncut = 0;
		qsort(p->tsv, nts, sizeof *p->tsv, cmp_i64);
		uint64_t span = (uint64_t)p->tsv[nts - 1] - (uint64_t)p->tsv[0];
		while (ncut < PROBE_RANGES - 1) {
			uint64_t best = span / (2 * PROBE_RANGES);  /* only gaps wider */
			size_t at = 0;
			for (size_t i = 1; i < nts; i++) {
				uint64_t g = (uint64_t)p->tsv[i] - (uint64_t)p->tsv[i - 1];
				int taken = 0;
				for (int c = 0; c < ncut && !taken; c++)
					taken = cut[c] == i;
				if (g > best && !taken) {
					best = g;
					at = i;
				}
			}
			if (at == 0)
				break;
			cut[ncut++] = at;
		}
		qsort(cut, (size_t)ncut, sizeof cut[0], cmp_size);
		arb_buf_reset(&a->sql);
		size_t from = 0;
		for (int c = 0; c <= ncut; c++) {
			size_t to = c < ncut ? cut[c] : nts;  /* rows [from, to) */
			arb_buf_printf(&a->sql, "%sSELECT %s FROM %s WHERE ts BETWEEN %lld AND %lld",
			    c ? " UNION ALL " : "", kd->cols, arb_store_tables[k].name,
			    (long long)p->tsv[from], (long long)p->tsv[to - 1]);
			from = to;
		}
		r = PQexecParams(a->c, a->sql.p, 0, NULL, NULL, NULL, NULL, 1);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			set_err(a, "reading stored keys", r);
			PQclear(r);
			return -1;
		}
		n = PQntuples(r);
	}
	set_init(p, (size_t)n + bt->nrows[k]);
	for (int i = 0; i < n; i++) {
		if (kd->probe == 1) {
			if (PQgetlength(r, i, 0) != 8 || PQgetlength(r, i, 1) != 8 ||
			    PQgetlength(r, i, 2) != 8 || PQgetisnull(r, i, 0))
				continue;
			key.ts = r64(PQgetvalue(r, i, 0));
			key.h1 = r64(PQgetvalue(r, i, 1));
			key.h2 = r64(PQgetvalue(r, i, 2));
		} else {
			const char *fp[4];
			int64_t fl[4];
			for (int j = 0; j < kd->n; j++) {
				fp[j] = PQgetvalue(r, i, j);
				fl[j] = PQgetisnull(r, i, j) ? -1 : PQgetlength(r, i, j);
			}
			if (!hash_key(&p->tmp, fp, fl, kd->n, &key))
				continue;
		}
		set_add(p, &key);
	}
	PQclear(r);
	arb_buf_reset(&p->fresh);
	for (q = s; q < end; ) {
		const char *e = row_end(q);
		if (!row_key2(p, kd, q, &key, &ts, &tsok) || !tsok || set_add(p, &key)) {
			arb_buf_add(&p->fresh, q, (size_t)(e - q));
			nf++;
		}
		q = e;
	}
	return nf;
}

/*
 * One attempt at storing the batch on connection a alone.  Fast path
 * (p->direct): COPY straight into the tables; a unique violation rolls
 * back and returns 1 (take the duplicate path).  Duplicate path: tables
 * keyed by content are probed (above) and only their new rows copied;
 * the others (and all when p->stage_all) take the staging path: COPY into
 * the staging tables, then INSERT ... ON CONFLICT DO NOTHING in id order.
 * 0, 1, or -1 with p->err.
 */
/* Rows without their id field (p->noids: the server numbers them), into
 * dst. */
static void strip_ids(struct arb_buf *dst, const char *q, size_t n)
{
	const char *end = q + n;

	arb_buf_reset(dst);
	arb_buf_reserve(dst, n);
	while (q < end) {
		const char *e = row_end(q);
		unsigned nf = (unsigned)(unsigned char)q[0] << 8 | (unsigned char)q[1];
		char c[2] = { (char)((nf - 1) >> 8), (char)(nf - 1) };
		arb_buf_add(dst, c, 2);
		arb_buf_add(dst, q + 14, (size_t)(e - q - 14));
		q = e;
	}
}

/* COPY of rows with their ids, or without (p->noids). */
static int copy_rows(struct pg *p, int k, const char *b, size_t n)
{
	if (!p->noids)
		return copy_in(&p->a, k, b, n, 0, 1);
	strip_ids(&p->stripped, b, n);
	return copy_in(&p->a, k, p->stripped.p, p->stripped.len, 0, 0);
}

static int send_one(struct pg *p, const struct arb_store_batch *bt, uint64_t *ins)
{
	struct pgc *a = &p->a;

	*ins = 0;
	if (cmd(a, "BEGIN", "BEGIN") < 0)
		goto fail;
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		const struct arb_store_table *t = &arb_store_tables[k];
		if (bt->nrows[k] == 0)
			continue;
		if (p->direct) {
			if (copy_rows(p, k, bt->rows[k].p, bt->rows[k].len) < 0) {
				if (strcmp(a->sqlstate, "23505") == 0) {
					rollback(a);
					return 1;
				}
				goto fail;
			}
			*ins += bt->nrows[k];
			continue;
		}
		struct keydef kd;
		key_def(k, &kd);
		if (!p->stage_all && kd.probe) {
			int64_t nf = fresh_rows(p, bt, k, &kd);
			if (nf < 0)
				goto fail;
			if (nf > 0 && copy_rows(p, k, p->fresh.p, p->fresh.len) < 0) {
				if (strcmp(a->sqlstate, "23505") == 0) {
					rollback(a);
					p->stage_all = 1;
					return 1;
				}
				goto fail;
			}
			*ins += (uint64_t)nf;
			p->nprobe++;
			continue;
		}
		/* (with p->noids, the ids are the rows' numbers in the batch,
		 * for the order only) */
		if (make_stage(a, k) < 0 || copy_in(a, k, bt->rows[k].p, bt->rows[k].len, 1, 1) < 0)
			goto fail;
		struct arb_buf cols = { 0 };
		columns(&cols, t, !p->noids);
		arb_buf_reset(&a->sql);
		arb_buf_printf(&a->sql, "INSERT INTO %s (%s) %sSELECT %s"
		    " FROM stage_%s ORDER BY id ON CONFLICT DO NOTHING", t->name, cols.p,
		    p->noids ? "" : "OVERRIDING SYSTEM VALUE ", cols.p, t->name);
		arb_buf_free(&cols);
		PGresult *r = PQexec(a->c, a->sql.p);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			set_err(a, "INSERT", r);
			PQclear(r);
			goto fail;
		}
		*ins += strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		p->nstage++;
	}
	if (cmd(a, "COMMIT", "COMMIT") < 0)
		goto fail;
	return 0;
fail:
	take_err(p, a);
	return -1;
}

/*
 * One attempt: connect, number the rows (once per batch), then spread or
 * not.  *early counts rows a first half committed in an earlier attempt
 * or in this one.  0, 1 (take the duplicate path now), or -1 with p->err.
 */
static int send_batch(struct pg *p, struct arb_store_batch *bt, uint64_t *ins, uint64_t *early)
{
	struct pgc *a = &p->a;

	*ins = 0;
	a->sqlstate[0] = '\0';
	if (PQstatus(a->c) != CONNECTION_OK && connect_db(p, a) < 0) {
		take_err(p, a);
		return -1;
	}
	if (p->numbered != bt && !p->noids && reserve_ids(p, bt) < 0) {
		if (strcmp(a->sqlstate, "42501") != 0) {
			take_err(p, a);
			return -1;
		}
		/* Not allowed to call nextval (a role with INSERT on the tables
		 * only): the server numbers the rows, as identity columns do
		 * without that right, on one connection. */
		arb_warn("PostgreSQL: %s: ids given by the server, one connection"
		    " (GRANT USAGE on the tables' sequences to spread big batches over two)", a->err);
		p->noids = 1;
	}
	if (p->numbered != bt && p->noids) {
		for (int k = 0; k < ARB_R_NTYPES; k++) {
			int64_t i = 0;
			for (char *q = bt->rows[k].p, *e = q + bt->rows[k].len; q < e; q = (char *)row_end(q))
				w64(q + 6, (uint64_t)++i);  /* the staging path's order */
		}
		p->nro = 0;
		p->numbered = bt;
	}
	if (p->numbered != bt) {
		if (number_rows(p, bt) < 0) {
			snprintf(p->err, sizeof p->err, "reserving ids: the sequences gave too few values");
			return -1;
		}
		p->numbered = bt;
	}
	if (p->direct && !p->noids) {
		struct split sp;
		plan_split(p, bt, &sp);
		if (sp.k >= 0 && b_ready(p) == 0) {
			int half = 0;
			int rc = send_split(p, bt, &sp, &half);
			if (half) {
				*early += sp.rows_a;
				p->direct = 0;  /* those rows are there now */
			}
			if (rc == 0)
				*ins = bt->n;
			else if (rc == 1)
				p->direct = 0;
			return rc;
		}
	}
	int rc = send_one(p, bt, ins);
	if (rc == 1)
		p->direct = 0;
	return rc;
}

/* Sleeps between retries; retrying is progress, so the systemd watchdog
 * (when there is one) is told so.  In slices of at most 0.1 s: a commit may
 * run in a thread that signals do not interrupt, and a stop request must
 * still end the wait soon. */
static void sleep_us(int64_t us)
{
	arb_notify_watchdog(arb_mono_us());
	while (us > 0 && !arb_sig_stop) {
		int64_t d = us > 100000 ? 100000 : us;
		struct timespec ts = { 0, (long)d * 1000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !arb_sig_stop)
			;
		us -= d;
	}
}

static int pg_commit(struct arb_store *s, struct arb_store_batch *bt, char *why, size_t whylen)
{
	struct pg *p = (struct pg *)s;
	int64_t start = arb_mono_us(), delay = 100000;
	uint64_t ins, early = 0;
	int tries = 0;

	p->numbered = NULL;
	p->stage_all = 0;
	for (;;) {
		int rc = send_batch(p, bt, &ins, &early);
		if (rc == 0)
			break;
		if (rc == 1)
			continue;  /* duplicates: the duplicate path, at once */
		tries++;
		rollback(&p->a);
		int64_t spent = arb_mono_us() - start;
		if (spent >= p->retry_us || arb_sig_stop) {
			snprintf(why, whylen, "PostgreSQL: giving up after %d attempts in %.1f s%s: %s",
			    tries, (double)spent / 1e6, arb_sig_stop ? " (stop requested)" : "", p->err);
			return -1;
		}
		if (tries == 1 || tries % 10 == 0)
			arb_warn("PostgreSQL: %s; retrying (%llu records held)", p->err,
			    (unsigned long long)bt->n);
		if (delay > p->retry_us - spent)
			delay = p->retry_us - spent;
		sleep_us(delay);
		delay = delay * 2 > 5000000 ? 5000000 : delay * 2;
	}
	if (tries)
		arb_warn("PostgreSQL: batch stored after %d retries", tries);
	ins += early;
	if (ins > bt->n)
		ins = bt->n;
	bt->ins = ins;
	bt->dups = bt->n - ins;
	s->inserted += bt->ins;
	s->dups += bt->dups;
	if (!p->direct && bt->ins == bt->n)
		p->direct = 1;
	return 0;
}

static void pg_close(struct arb_store *s)
{
	struct pg *p = (struct pg *)s;

	if (p->th_up) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	if (p->nsplit || p->nprobe || p->nstage || p->th_up)
		arb_debug("PostgreSQL: %llu batches spread over two connections (%llu completed by"
		    " the duplicate path after half of one committed), cpu seconds of the second"
		    " connection's thread %.3f, share of the first %.2f; duplicate path: %llu tables"
		    " probed, %llu staged",
		    (unsigned long long)p->nsplit, (unsigned long long)p->nhalf, p->th_cpu, p->share,
		    (unsigned long long)p->nprobe, (unsigned long long)p->nstage);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	if (p->a.c)
		PQfinish(p->a.c);
	if (p->b.c)
		PQfinish(p->b.c);
	if (p->have_cred)
		arb_cred_free(&p->cred);
	arb_buf_free(&p->a.sql);
	arb_buf_free(&p->b.sql);
	for (int k = 0; k < ARB_R_NTYPES; k++)
		free(p->ids[k].r);
	free(p->keys);
	free(p->roff);
	free(p->rts);
	free(p->set);
	free(p->used);
	arb_buf_free(&p->fresh);
	arb_buf_free(&p->tmp);
	arb_buf_free(&p->stripped);
	free(p->tsv);
	free(p->conninfo);
	free(p);
}

static int pg_dump(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	struct pg *p = (struct pg *)s;

	for (int i = 1; i <= ARB_R_NTYPES; i++) {
		int k = i % ARB_R_NTYPES;
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT line FROM %s ORDER BY id", arb_store_tables[k].name);
		if (!PQsendQuery(p->a.c, sql) || !PQsetSingleRowMode(p->a.c)) {
			set_err(&p->a, "dump", NULL);
			snprintf(why, whylen, "%s", p->a.err);
			return -1;
		}
		PGresult *r;
		int bad = 0;
		while ((r = PQgetResult(p->a.c)) != NULL) {
			int st = PQresultStatus(r);
			if (st == PGRES_SINGLE_TUPLE) {
				fwrite(PQgetvalue(r, 0, 0), 1, (size_t)PQgetlength(r, 0, 0), out);
				putc('\n', out);
			} else if (st != PGRES_TUPLES_OK && !bad) {
				set_err(&p->a, "dump", r);
				bad = 1;
			}
			PQclear(r);
		}
		if (bad) {
			snprintf(why, whylen, "%s", p->a.err);
			return -1;
		}
	}
	return 0;
}

static int pg_verify(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	struct pg *p = (struct pg *)s;

	fprintf(out, "integrity\tnot checked (PostgreSQL: see pg_amcheck)\nschema_version\t%d\n",
	    s->version);
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", arb_store_tables[k].name);
		PGresult *r = PQexec(p->a.c, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			set_err(&p->a, "counting rows", r);
			PQclear(r);
			snprintf(why, whylen, "%s", p->a.err);
			return -1;
		}
		fprintf(out, "%s\t%s\n", arb_store_tables[k].name, PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return 0;
}

static int pg_table(struct arb_store *s, const char *sql, FILE *out, char *why, size_t whylen)
{
	struct pg *p = (struct pg *)s;
	PGresult *r = PQexec(p->a.c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(&p->a, "query", r);
		PQclear(r);
		snprintf(why, whylen, "%s", p->a.err);
		return -1;
	}
	int n = PQnfields(r), rows = PQntuples(r);
	for (int c = 0; c < n; c++)
		fprintf(out, "%s%s", c ? "\t" : "", PQfname(r, c));
	putc('\n', out);
	for (int i = 0; i < rows; i++) {
		for (int c = 0; c < n; c++)
			fprintf(out, "%s%s", c ? "\t" : "", PQgetisnull(r, i, c) ? "" : PQgetvalue(r, i, c));
		putc('\n', out);
	}
	PQclear(r);
	return 0;
}

static const struct arb_store_ops pg_ops = {
	pg_stage, pg_commit, pg_close, pg_dump, pg_verify, NULL, pg_table
};

/* The schema version, 0 when there is no schema_version table; -1 error. */
static int read_version(struct pg *p)
{
	PGresult *r = PQexec(p->a.c, "SELECT to_regclass('schema_version') IS NOT NULL");
	int v = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(&p->a, "reading the schema", r);
		PQclear(r);
		return -1;
	}
	int have = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!have)
		return 0;
	r = PQexec(p->a.c, "SELECT max(version) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(&p->a, "reading schema_version", r);
	} else if (PQgetisnull(r, 0, 0)) {
		snprintf(p->a.err, sizeof p->a.err, "schema_version is empty");
	} else {
		v = atoi(PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return v;
}

/* Checks and upgrades the schema, under an advisory lock so that two
 * programs starting together do not both create it. */
static int schema(struct pg *p, const struct arb_store_opts *o, int *status)
{
	int target = o->migrate_to > 0 ? o->migrate_to : ARB_STORE_SCHEMA;
	int ro = o->flags & ARB_STORE_READONLY;
	char lock[96];
	int v;

	if (cmd(&p->a, "BEGIN", "BEGIN") < 0)
		return -1;
	snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", PG_LOCK_ID);
	if (!ro && cmd(&p->a, lock, "locking the schema") < 0)
		goto fail;
	if ((v = read_version(p)) < 0)
		goto fail;
	if (v > ARB_STORE_SCHEMA) {
		snprintf(p->a.err, sizeof p->a.err, "database schema version %d is newer than this"
		    " program's (%d): use a newer arb-store", v, ARB_STORE_SCHEMA);
		goto fail;
	}
	if (ro) {
		if (v == 0) {
			snprintf(p->a.err, sizeof p->a.err, "no arb-store schema in this database");
			goto fail;
		}
	} else if (v > target) {
		snprintf(p->a.err, sizeof p->a.err, "database is at schema version %d, cannot go back to %d",
		    v, target);
		*status = ARB_EXIT_USAGE;
		goto fail;
	} else if (v > 0 && v < target && !(o->flags & ARB_STORE_MIGRATE)) {
		snprintf(p->a.err, sizeof p->a.err, "database schema version %d is older than %d:"
		    " run arb-store --migrate", v, target);
		goto fail;
	} else {
		for (int to = v + 1; to <= target; to++) {
			char *sql = arb_store_migration_sql(to, 'p');
			char ins[128];
			int rc = cmd(&p->a, sql, "migrating");
			free(sql);
			snprintf(ins, sizeof ins, "INSERT INTO schema_version VALUES (%d, %lld)",
			    to, (long long)arb_wall_us());
			if (rc < 0 || cmd(&p->a, ins, "migrating") < 0)
				goto fail;
		}
		if (target > v)
			v = target;
	}
	if (cmd(&p->a, "COMMIT", "COMMIT") < 0)
		return -1;
	p->base.version = v;
	return 0;
fail:
	PQclear(PQexec(p->a.c, "ROLLBACK"));
	return -1;
}

/*
 * A server that answered and refused (authentication, unknown role or
 * database) will not change its mind: that is not retried.  libpq gives
 * no SQLSTATE for a failed connection, hence the messages.
 */
static int refused(struct pg *p)
{
	static const char *const perm[] = {
		"authentication failed", "no password supplied", "does not exist",
		"permission denied", "not permitted", "pg_hba.conf", NULL
	};

	if (!p->a.c)
		return 0;
	if (PQconnectionNeedsPassword(p->a.c))
		return 1;
	for (int i = 0; perm[i]; i++)
		if (strstr(p->a.err, perm[i]))
			return 1;
	return 0;
}

int arb_store_pg_open(struct arb_store **sp, const char *conninfo,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status)
{
	struct pg *p;
	char *err = NULL;
	char cwhy[512];
	PQconninfoOption *opts;

	*status = ARB_EXIT_USAGE;
	if (o->migrate_to > ARB_STORE_SCHEMA) {
		snprintf(why, whylen, "no schema version %d (this program knows 1 to %d)",
		    o->migrate_to, ARB_STORE_SCHEMA);
		return -1;
	}
	opts = PQconninfoParse(conninfo, &err);
	if (!opts) {
		snprintf(why, whylen, "--db: bad PostgreSQL URL or conninfo: %s", err ? err : "out of memory");
		PQfreemem(err);
		return -1;
	}
	for (PQconninfoOption *q = opts; q->keyword; q++) {
		if (strcmp(q->keyword, "password") == 0 && q->val && *q->val) {
			PQconninfoFree(opts);
			snprintf(why, whylen, "--db: a password on the command line is refused"
			    " (others can read it): use the pg_password credential, ~/.pgpass or a service file");
			return -1;
		}
	}
	PQconninfoFree(opts);

	p = xcalloc(1, sizeof *p);
	p->base.ops = &pg_ops;
	p->conninfo = xstrdup(conninfo);
	p->retry_us = o->retry_us;
	p->direct = 1;
	p->share = 0.4;  /* where it settles for a mix of mostly books */
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	int rc = arb_cred_read("pg_password", &p->cred, cwhy, sizeof cwhy);
	if (rc < 0) {
		snprintf(why, whylen, "%s", cwhy);
		goto fail;
	}
	p->have_cred = rc == 0;

	*status = ARB_EXIT_FAIL;
	/* A server that is not there yet (or restarting) is waited for like
	 * one lost later; any other error ends at once. */
	int64_t start = arb_mono_us(), delay = 100000;
	int tries = 0;
	for (;;) {
		p->a.sqlstate[0] = '\0';
		if (connect_db(p, &p->a) == 0 && schema(p, o, status) == 0)
			break;
		int lost = (PQstatus(p->a.c) != CONNECTION_OK && !refused(p)) ||
		    strncmp(p->a.sqlstate, "08", 2) == 0 || strncmp(p->a.sqlstate, "57P", 3) == 0;
		int64_t spent = arb_mono_us() - start;
		tries++;
		if (!lost || spent >= p->retry_us || arb_sig_stop) {
			if (lost)
				snprintf(why, whylen, "PostgreSQL: giving up after %d attempts in %.1f s: %s",
				    tries, (double)spent / 1e6, p->a.err);
			else
				snprintf(why, whylen, "PostgreSQL: %s", p->a.err);
			goto fail;
		}
		if (tries == 1 || tries % 10 == 0)
			arb_warn("PostgreSQL: %s; retrying", p->a.err);
		if (delay > p->retry_us - spent)
			delay = p->retry_us - spent;
		sleep_us(delay);
		delay = delay * 2 > 5000000 ? 5000000 : delay * 2;
	}
	*sp = &p->base;
	*status = 0;
	return 0;
fail:
	pg_close(&p->base);
	return -1;
}
