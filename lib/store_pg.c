#include "config.h"

/*
 * store_pg.c: the PostgreSQL backend of arb-store, through libpq.
 *
 * Records of a batch are encoded at once into COPY text, one buffer per
 * table, and kept in memory until the batch has committed.  A commit is one
 * transaction: COPY each buffer into a temporary staging table, then
 * INSERT ... SELECT ... ON CONFLICT DO NOTHING into the real table (in
 * input order), then COMMIT.  When the server goes away or a statement
 * fails, the whole batch is sent again after reconnecting, with backoff,
 * until the retry time is spent: inserts are idempotent, so a batch whose
 * COMMIT did reach the server before the connection broke is not stored
 * twice.  Nothing is dropped: giving up is an error (exit 1).
 *
 * The password never comes from the command line: a password in the URL
 * or conninfo is refused; it comes from the credential "pg_password"
 * (cred.h), else libpq's own ~/.pgpass or service file.
 */

#include <errno.h>
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

struct pg {
	struct arb_store base;
	PGconn *c;
	char *conninfo;
	struct arb_cred cred;
	int have_cred;
	int64_t retry_us;
	int staged_ok;              /* staging tables exist on this connection */
	struct arb_buf sql;
	char err[512];
	char sqlstate[6];           /* of the last error, "" when none */
	int direct;                 /* try COPY straight into the tables */
};

static void set_err(struct pg *p, const char *what, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : "";
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(p->sqlstate, sizeof p->sqlstate, "%s", code ? code : "");
	if (!m || !*m)
		m = PQerrorMessage(p->c);
	snprintf(p->err, sizeof p->err, "%s: %s", what, m && *m ? m : "unknown error");
	/* libpq messages end with a newline */
	size_t n = strlen(p->err);
	while (n > 0 && (p->err[n - 1] == '\n' || p->err[n - 1] == ' '))
		p->err[--n] = '\0';
}

/* Runs a command; 0 or -1 with p->err. */
static int cmd(struct pg *p, const char *sql, const char *what)
{
	PGresult *r = PQexec(p->c, sql);
	int st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err(p, what, r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static int connect_db(struct pg *p)
{
	const char *kw[4] = { "dbname", "fallback_application_name", NULL, NULL };
	const char *val[4] = { p->conninfo, "arb-store", NULL, NULL };

	if (p->have_cred) {
		kw[2] = "password";
		val[2] = p->cred.v;
	}
	if (p->c)
		PQfinish(p->c);
	p->staged_ok = 0;
	p->c = PQconnectdbParams(kw, val, 1);
	if (!p->c) {
		snprintf(p->err, sizeof p->err, "out of memory connecting");
		return -1;
	}
	if (PQstatus(p->c) != CONNECTION_OK) {
		set_err(p, "connecting", NULL);
		return -1;
	}
	PQsetNoticeProcessor(p->c, NULL, NULL);
	if (cmd(p, "SET client_min_messages = warning", "setup") < 0)
		return -1;
	return 0;
}

/* The staging tables: the real table's columns but id, plus the input
 * order n (COPY reads rows in order, so an identity numbers them in input
 * order); emptied at each commit. */
static int make_stage(struct pg *p)
{
	if (p->staged_ok)
		return 0;
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		const struct arb_store_table *t = &arb_store_tables[k];
		arb_buf_reset(&p->sql);
		arb_buf_printf(&p->sql, "CREATE TEMP TABLE IF NOT EXISTS stage_%s (n BIGINT GENERATED ALWAYS AS IDENTITY,"
		    " ts BIGINT, rt BIGINT, ex TEXT, sym TEXT", t->name);
		for (int c = 0; c < t->ncols; c++) {
			enum arb_col_kind kd = t->cols[c].kind;
			arb_buf_printf(&p->sql, ", %s %s", t->cols[c].name,
			    kd == ARB_COL_INT || kd == ARB_COL_E8 ? "BIGINT" :
			    kd == ARB_COL_DEC ? "NUMERIC" : kd == ARB_COL_BOOL ? "BOOLEAN" : "TEXT");
		}
		arb_buf_adds(&p->sql, ", h1 BIGINT, h2 BIGINT, line TEXT) ON COMMIT DELETE ROWS");
		if (cmd(p, p->sql.p, "creating a staging table") < 0)
			return -1;
	}
	p->staged_ok = 1;
	return 0;
}

/*
 * Rows are encoded in COPY's binary format (big-endian: a 16-bit field
 * count, then each field as a 32-bit length, -1 for NULL, and its bytes):
 * the server has no text to scan and no numbers to parse, which is most of
 * what a text COPY costs it.
 */
static void put16(struct arb_buf *b, uint16_t v)
{
	char c[2] = { (char)(v >> 8), (char)v };
	arb_buf_add(b, c, 2);
}

static void put32(struct arb_buf *b, uint32_t v)
{
	char c[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	arb_buf_add(b, c, 4);
}

static void put64(struct arb_buf *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b, (uint32_t)v);
}

static int fdiv4(int a)
{
	return a >= 0 ? a / 4 : -((-a + 3) / 4);
}

/*
 * NUMERIC's binary form of decimal text that arb_dec_parse accepted
 * ([+-]digits[.digits][e[+-]digits], at most 39 significant digits, scale
 * at most 36): 16-bit digit count, weight (of the first base-10000 digit),
 * sign and display scale, then the base-10000 digits.  The display scale
 * is the one numeric_in gives the same text (fraction digits less the
 * exponent, at least 0), so the value prints back the same.  -1 when the
 * text is not such a number (never for validated values).
 */
static int put_numeric(struct arb_buf *b, const char *s, size_t n)
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
				return -1;
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
				return -1;
		}
		if (eneg)
			ex = -ex;
	}
	if (i != n)
		return -1;
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
			return -1;
		for (int j = 0; j < len; j++) {
			int pw = top - j, gi = fdiv4(pw), r = pw - 4 * gi;
			static const uint16_t p10[4] = { 1, 10, 100, 1000 };
			g[weight - gi] = (uint16_t)(g[weight - gi] + (dig[st + j] - '0') * p10[r]);
		}
		while (ng > 0 && g[ng - 1] == 0)
			ng--;
	}
	if (ng == 0) {
		weight = 0;
		neg = 0;  /* no negative zero */
	}
	put32(b, (uint32_t)(8 + 2 * ng));
	put16(b, (uint16_t)ng);
	put16(b, (uint16_t)(int16_t)weight);
	put16(b, neg ? 0x4000 : 0x0000);
	put16(b, (uint16_t)dscale);
	for (int k = 0; k < ng; k++)
		put16(b, g[k]);
	return 0;
}

/* One row: every column but id (and n, which the staging table numbers). */
static int pg_stage(struct arb_store *s, struct arb_store_batch *bt, const struct arb_rec *r,
    char *why, size_t whylen)
{
	int k = r->type < ARB_R_NTYPES ? r->type : 0;
	const struct arb_store_table *t = &arb_store_tables[k];
	int n = arb_store_row(r, t, bt->v, &bt->scratch);
	struct arb_buf *b = &bt->rows[k];

	(void)s;
	(void)why;
	(void)whylen;
	put16(b, (uint16_t)n);
	for (int c = 0; c < n; c++) {
		const struct arb_store_val *v = &bt->v[c];
		enum arb_col_kind kd = c >= 4 && c < 4 + t->ncols ? t->cols[c - 4].kind : ARB_COL_INT;
		if (v->null) {
			put32(b, 0xffffffffu);
		} else if (kd == ARB_COL_DEC) {
			if (put_numeric(b, v->p, v->n) < 0)
				put32(b, 0xffffffffu);  /* as text COPY would refuse it */
		} else if (v->p) {
			put32(b, (uint32_t)v->n);
			arb_buf_add(b, v->p, v->n);
		} else if (kd == ARB_COL_BOOL) {
			put32(b, 1);
			arb_buf_addc(b, v->i ? 1 : 0);
		} else {
			put32(b, 8);
			put64(b, (uint64_t)v->i);
		}
	}
	bt->nrows[k]++;
	bt->n++;
	return 0;
}

/* COPY of a table's staged rows into the table, or into its staging
 * table when staged.  0, or -1 with p->err and p->sqlstate. */
static int copy_in(struct pg *p, const struct arb_store_batch *bt, int k, int staged)
{
	static const char head[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	static const char trailer[2] = { (char)0xff, (char)0xff };
	const struct arb_store_table *t = &arb_store_tables[k];
	PGresult *r;
	int bad = 0;

	arb_buf_reset(&p->sql);
	arb_buf_printf(&p->sql, "COPY %s%s (ts, rt, ex, sym", staged ? "stage_" : "", t->name);
	for (int c = 0; c < t->ncols; c++)
		arb_buf_printf(&p->sql, ", %s", t->cols[c].name);
	arb_buf_adds(&p->sql, ", h1, h2, line) FROM STDIN (FORMAT binary)");
	r = PQexec(p->c, p->sql.p);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		set_err(p, "COPY", r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	const char *b = bt->rows[k].p, *end = b + bt->rows[k].len;
	int ok = PQputCopyData(p->c, head, (int)sizeof head) == 1;
	/* In pieces: a big batch may not fit in an int. */
	while (ok && b < end) {
		size_t n = (size_t)(end - b) > (1u << 20) ? (1u << 20) : (size_t)(end - b);
		ok = PQputCopyData(p->c, b, (int)n) == 1;
		b += n;
	}
	if (!ok || PQputCopyData(p->c, trailer, 2) != 1 || PQputCopyEnd(p->c, NULL) != 1) {
		set_err(p, "COPY", NULL);
		return -1;
	}
	while ((r = PQgetResult(p->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !bad) {
			set_err(p, "COPY", r);
			bad = 1;
		}
		PQclear(r);
	}
	return bad ? -1 : 0;
}

/*
 * One attempt at storing the batch.  Fast path (p->direct): COPY straight
 * into the tables, which is right as long as no row is already there;
 * a unique violation (a replayed stream) rolls back and takes the staging
 * path: COPY into the staging tables, then INSERT ... ON CONFLICT DO
 * NOTHING in input order.  The fast path is tried again after a staged
 * batch that found no duplicates.  0, 1 (take the staging path now), or
 * -1 with p->err.
 */
static int send_batch(struct pg *p, const struct arb_store_batch *bt, uint64_t *ins)
{
	*ins = 0;
	p->sqlstate[0] = '\0';
	if (PQstatus(p->c) != CONNECTION_OK && connect_db(p) < 0)
		return -1;
	if (!p->direct && make_stage(p) < 0)
		return -1;
	if (cmd(p, "BEGIN", "BEGIN") < 0)
		return -1;
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		const struct arb_store_table *t = &arb_store_tables[k];
		if (bt->nrows[k] == 0)
			continue;
		if (p->direct) {
			if (copy_in(p, bt, k, 0) < 0) {
				if (strcmp(p->sqlstate, "23505") == 0) {
					PQclear(PQexec(p->c, "ROLLBACK"));
					p->direct = 0;
					return 1;
				}
				return -1;
			}
			*ins += bt->nrows[k];
			continue;
		}
		if (copy_in(p, bt, k, 1) < 0)
			return -1;
		struct arb_buf cols = { 0 };
		arb_buf_adds(&cols, "ts, rt, ex, sym");
		for (int c = 0; c < t->ncols; c++)
			arb_buf_printf(&cols, ", %s", t->cols[c].name);
		arb_buf_adds(&cols, ", h1, h2, line");
		arb_buf_reset(&p->sql);
		arb_buf_printf(&p->sql, "INSERT INTO %s (%s) SELECT %s FROM stage_%s ORDER BY n"
		    " ON CONFLICT DO NOTHING", t->name, cols.p, cols.p, t->name);
		arb_buf_free(&cols);
		PGresult *r = PQexec(p->c, p->sql.p);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			set_err(p, "INSERT", r);
			PQclear(r);
			return -1;
		}
		*ins += strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	if (cmd(p, "COMMIT", "COMMIT") < 0)
		return -1;
	return 0;
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
	uint64_t ins;
	int tries = 0;

	for (;;) {
		int rc = send_batch(p, bt, &ins);
		if (rc == 0)
			break;
		if (rc == 1)
			continue;  /* duplicates: the staging path, at once */
		tries++;
		if (PQstatus(p->c) == CONNECTION_OK && PQtransactionStatus(p->c) != PQTRANS_IDLE) {
			PGresult *r = PQexec(p->c, "ROLLBACK");
			PQclear(r);
		}
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
	bt->ins = ins;
	bt->dups = bt->n - ins;
	s->inserted += bt->ins;
	s->dups += bt->dups;
	if (!p->direct && ins == bt->n)
		p->direct = 1;
	return 0;
}

static void pg_close(struct arb_store *s)
{
	struct pg *p = (struct pg *)s;

	if (p->c)
		PQfinish(p->c);
	if (p->have_cred)
		arb_cred_free(&p->cred);
	arb_buf_free(&p->sql);
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
		if (!PQsendQuery(p->c, sql) || !PQsetSingleRowMode(p->c)) {
			set_err(p, "dump", NULL);
			snprintf(why, whylen, "%s", p->err);
			return -1;
		}
		PGresult *r;
		int bad = 0;
		while ((r = PQgetResult(p->c)) != NULL) {
			int st = PQresultStatus(r);
			if (st == PGRES_SINGLE_TUPLE) {
				fwrite(PQgetvalue(r, 0, 0), 1, (size_t)PQgetlength(r, 0, 0), out);
				putc('\n', out);
			} else if (st != PGRES_TUPLES_OK && !bad) {
				set_err(p, "dump", r);
				bad = 1;
			}
			PQclear(r);
		}
		if (bad) {
			snprintf(why, whylen, "%s", p->err);
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
		PGresult *r = PQexec(p->c, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			set_err(p, "counting rows", r);
			PQclear(r);
			snprintf(why, whylen, "%s", p->err);
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
	PGresult *r = PQexec(p->c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(p, "query", r);
		PQclear(r);
		snprintf(why, whylen, "%s", p->err);
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
	PGresult *r = PQexec(p->c, "SELECT to_regclass('schema_version') IS NOT NULL");
	int v = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(p, "reading the schema", r);
		PQclear(r);
		return -1;
	}
	int have = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!have)
		return 0;
	r = PQexec(p->c, "SELECT max(version) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(p, "reading schema_version", r);
	} else if (PQgetisnull(r, 0, 0)) {
		snprintf(p->err, sizeof p->err, "schema_version is empty");
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

	if (cmd(p, "BEGIN", "BEGIN") < 0)
		return -1;
	snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", PG_LOCK_ID);
	if (!ro && cmd(p, lock, "locking the schema") < 0)
		goto fail;
	if ((v = read_version(p)) < 0)
		goto fail;
	if (v > ARB_STORE_SCHEMA) {
		snprintf(p->err, sizeof p->err, "database schema version %d is newer than this"
		    " program's (%d): use a newer arb-store", v, ARB_STORE_SCHEMA);
		goto fail;
	}
	if (ro) {
		if (v == 0) {
			snprintf(p->err, sizeof p->err, "no arb-store schema in this database");
			goto fail;
		}
	} else if (v > target) {
		snprintf(p->err, sizeof p->err, "database is at schema version %d, cannot go back to %d",
		    v, target);
		*status = ARB_EXIT_USAGE;
		goto fail;
	} else if (v > 0 && v < target && !(o->flags & ARB_STORE_MIGRATE)) {
		snprintf(p->err, sizeof p->err, "database schema version %d is older than %d:"
		    " run arb-store --migrate", v, target);
		goto fail;
	} else {
		for (int to = v + 1; to <= target; to++) {
			char *sql = arb_store_migration_sql(to, 'p');
			char ins[128];
			int rc = cmd(p, sql, "migrating");
			free(sql);
			snprintf(ins, sizeof ins, "INSERT INTO schema_version VALUES (%d, %lld)",
			    to, (long long)arb_wall_us());
			if (rc < 0 || cmd(p, ins, "migrating") < 0)
				goto fail;
		}
		if (target > v)
			v = target;
	}
	if (cmd(p, "COMMIT", "COMMIT") < 0)
		return -1;
	p->base.version = v;
	return 0;
fail:
	PQclear(PQexec(p->c, "ROLLBACK"));
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

	if (!p->c)
		return 0;
	if (PQconnectionNeedsPassword(p->c))
		return 1;
	for (int i = 0; perm[i]; i++)
		if (strstr(p->err, perm[i]))
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
		p->sqlstate[0] = '\0';
		if (connect_db(p) == 0 && schema(p, o, status) == 0)
			break;
		int lost = (PQstatus(p->c) != CONNECTION_OK && !refused(p)) ||
		    strncmp(p->sqlstate, "08", 2) == 0 || strncmp(p->sqlstate, "57P", 3) == 0;
		int64_t spent = arb_mono_us() - start;
		tries++;
		if (!lost || spent >= p->retry_us || arb_sig_stop) {
			if (lost)
				snprintf(why, whylen, "PostgreSQL: giving up after %d attempts in %.1f s: %s",
				    tries, (double)spent / 1e6, p->err);
			else
				snprintf(why, whylen, "PostgreSQL: %s", p->err);
			goto fail;
		}
		if (tries == 1 || tries % 10 == 0)
			arb_warn("PostgreSQL: %s; retrying", p->err);
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
