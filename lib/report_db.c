/*
 * report_db.c: reads the records an arb-store database holds, in time
 * order, as the lines they were: every arb-store table keeps the whole
 * record line (column "line") and an insertion id.  The lines are merged
 * over the tables ordered by ts, then the pipeline order of the record
 * types (book, trade, ..., result, balance, risk, unknown), then
 * insertion order, and handed to the same code as a stream on stdin.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "cred.h"
#include "report_db.h"
#include "store.h"

/* Table k's position in the merged order: unknown records last. */
static int order_of(int k)
{
	return k == ARB_R_UNKNOWN ? ARB_R_NTYPES : k;
}

/* Tables whose last rows before the window set the state it starts in,
 * and the columns that name one such state. */
static const char *state_key(int k)
{
	switch (k) {
	case ARB_R_BOOK: case ARB_R_TRADE: case ARB_R_STATUS: return "ex, sym";
	case ARB_R_BALANCE: return "ex, asset";
	default: return NULL;
	}
}

static void build_sql(struct arb_buf *q, const struct arb_report_db_window *w)
{
	int k, first = 1;

	arb_buf_adds(q, "SELECT line, src, id FROM (");
	for (k = 0; k < ARB_R_NTYPES; k++) {
		const char *t = arb_store_tables[k].name;

		if (!t)
			continue;
		arb_buf_printf(q, "%sSELECT COALESCE(ts, 0) AS ts, %d AS k, %d AS src, id, line FROM %s",
		    first ? "" : " UNION ALL ", order_of(k), k, t);
		first = 0;
		if (!w || (!w->has_from && !w->has_until))
			continue;
		arb_buf_adds(q, " WHERE (");
		if (w->has_from)
			arb_buf_printf(q, "ts >= %lld", (long long)w->from);
		if (w->has_from && w->has_until)
			arb_buf_adds(q, " AND ");
		if (w->has_until)
			arb_buf_printf(q, "ts <= %lld", (long long)w->until);
		arb_buf_adds(q, ") OR ts IS NULL");
		/* the last row of each state before the window */
		if (w->has_from && state_key(k))
			arb_buf_printf(q, " UNION ALL SELECT ts, %d, %d, id, line FROM %s WHERE id IN"
			    " (SELECT max(id) FROM %s WHERE ts < %lld GROUP BY %s)",
			    order_of(k), k, t, t, (long long)w->from, state_key(k));
	}
	arb_buf_adds(q, ") AS u ORDER BY ts, k, id");
}

/* ---- backends: open and check the schema, run a query of (text, int, int64) rows ---- */

struct dbh {
	sqlite3 *s;
	PGconn *c;
	int version;
	const char *name;
};

static void pq_why(char *why, size_t whylen, const char *what, const char *msg)
{
	size_t n;

	snprintf(why, whylen, "%s: %s", what, msg);
	n = strlen(why);
	while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
}

typedef void (*row_cb)(void *arg, const char *text, size_t len, int src, int64_t id);

static int q_sqlite(struct dbh *h, const char *sql, row_cb cb, void *arg, char *why, size_t whylen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(h->s, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s", sqlite3_errmsg(h->s));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (t && cb)
			cb(arg, t, (size_t)sqlite3_column_bytes(st, 0), sqlite3_column_int(st, 1),
			    sqlite3_column_int64(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(why, whylen, "reading: %s", sqlite3_errmsg(h->s));
		return -1;
	}
	return 0;
}

static int q_pg(struct dbh *h, const char *sql, row_cb cb, void *arg, char *why, size_t whylen)
{
	PGresult *res;
	int ret = 0;

	/* Rows one at a time, so a big store is never held in memory. */
	if (!PQsendQuery(h->c, sql) || !PQsetSingleRowMode(h->c)) {
		pq_why(why, whylen, "query", PQerrorMessage(h->c));
		return -1;
	}
	while ((res = PQgetResult(h->c))) {
		ExecStatusType s = PQresultStatus(res);

		if (s == PGRES_SINGLE_TUPLE) {
			if (!PQgetisnull(res, 0, 0) && cb)
				cb(arg, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
				    atoi(PQgetvalue(res, 0, 1)), strtoll(PQgetvalue(res, 0, 2), NULL, 10));
		} else if (s != PGRES_TUPLES_OK && ret == 0) {
			pq_why(why, whylen, "reading", PQerrorMessage(h->c));
			ret = -1;
		}
		PQclear(res);
	}
	return ret;
}

static int q(struct dbh *h, const char *sql, row_cb cb, void *arg, char *why, size_t whylen)
{
	return h->s ? q_sqlite(h, sql, cb, arg, why, whylen) : q_pg(h, sql, cb, arg, why, whylen);
}

static void int_row(void *arg, const char *text, size_t len, int src, int64_t id)
{
	int64_t *v = arg;

	(void)len; (void)src; (void)id;
	v[0] = strtoll(text, NULL, 10);
	v[1] = 1;
}

static void db_close(struct dbh *h)
{
	if (h->s)
		sqlite3_close(h->s);
	if (h->c)
		PQfinish(h->c);
	memset(h, 0, sizeof *h);
}

/* Set once "schema version N is newer" was said: the store is opened twice. */
static int warned_newer;

/*
 * Connects as arb-store does: a password in the URL or conninfo is refused
 * (others can read the command line and the environment); it comes from
 * the credential pg_password (cred.h), else libpq's ~/.pgpass or service
 * file.  -2 for such a configuration error, -1 when the server refuses.
 */
static int pg_connect(struct dbh *h, const char *ci, char *why, size_t whylen)
{
	const char *kw[4] = { "dbname", "fallback_application_name", NULL, NULL };
	const char *val[4] = { ci, "arb-report", NULL, NULL };
	PQconninfoOption *opts, *o;
	struct arb_cred cred;
	char *err = NULL;
	int rc;

	if (!(opts = PQconninfoParse(ci, &err))) {
		snprintf(why, whylen, "bad PostgreSQL URL or conninfo: %s", err ? err : "out of memory");
		PQfreemem(err);
		return -2;
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			break;
	rc = o->keyword != NULL;
	PQconninfoFree(opts);
	if (rc) {
		snprintf(why, whylen, "a password in the database URL is refused (others can read "
		    "it): use the pg_password credential, ~/.pgpass or a service file");
		return -2;
	}
	memset(&cred, 0, sizeof cred);
	if ((rc = arb_cred_read("pg_password", &cred, why, whylen)) < 0)
		return -2;
	if (rc == 0) {
		kw[2] = "password";
		val[2] = cred.v;
	}
	h->c = PQconnectdbParams(kw, val, 1);
	if (rc == 0)
		arb_cred_free(&cred);
	if (!h->c || PQstatus(h->c) != CONNECTION_OK) {
		pq_why(why, whylen, "cannot connect", h->c ? PQerrorMessage(h->c) : "out of memory");
		return -1;
	}
	return 0;
}

static int db_open(struct dbh *h, const char *url, char *why, size_t whylen)
{
	char inner[256];
	int64_t v[2] = { 0, 0 };
	int k, rc;

	memset(h, 0, sizeof *h);
	h->name = url;
	if (arb_store_is_pg(url)) {
		if ((rc = pg_connect(h, strncmp(url, "pg:", 3) == 0 ? url + 3 : url, why, whylen)) < 0) {
			db_close(h);
			return rc;
		}
	} else {
		const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;

		if (sqlite3_open_v2(path, &h->s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			snprintf(why, whylen, "cannot open: %s", h->s ? sqlite3_errmsg(h->s) : "out of memory");
			db_close(h);
			return -1;
		}
	}
	if (q(h, "SELECT CAST(max(version) AS TEXT), 0, 0 FROM schema_version", int_row, v,
	    inner, sizeof inner) < 0) {
		snprintf(why, whylen, "not an arb-store database, or one older than schema 1 "
		    "(no schema_version table): %s", inner);
		db_close(h);
		return -1;
	}
	if (!v[1] || v[0] < 1) {
		snprintf(why, whylen, "empty schema_version: the database was never initialised by arb-store");
		db_close(h);
		return -1;
	}
	h->version = (int)v[0];
	if (h->version > ARB_STORE_SCHEMA && !warned_newer++)
		fprintf(stderr, "%s: %s: schema version %d is newer than %d; reading the line columns anyway\n",
		    arb_prog, url, h->version, ARB_STORE_SCHEMA);
	for (k = 0; k < ARB_R_NTYPES; k++) {
		char sql[160];

		if (!arb_store_tables[k].name)
			continue;
		snprintf(sql, sizeof sql, "SELECT line, 0, id FROM %s WHERE ts < 0 LIMIT 0",
		    arb_store_tables[k].name);
		if (q(h, sql, NULL, NULL, inner, sizeof inner) < 0) {
			snprintf(why, whylen, "schema version %d: table %s unreadable (%s); "
			    "arb-report reads arb-store schema 1 to %d", h->version,
			    arb_store_tables[k].name, inner, ARB_STORE_SCHEMA);
			db_close(h);
			return -1;
		}
	}
	return 0;
}

/* ---- the interface ---- */

struct fwd {
	arb_report_line_cb cb;
	void *arg;
};

static void fwd_row(void *arg, const char *text, size_t len, int src, int64_t id)
{
	struct fwd *f = arg;

	if (src >= 0 && src < ARB_R_NTYPES)
		f->cb(f->arg, text, len, arb_store_tables[src].name, id);
}

static void first_line(void *arg, const char *text, size_t len, int src, int64_t id)
{
	struct arb_buf *b = arg;

	(void)src; (void)id;
	if (!b->len)
		arb_buf_add(b, text, len);
}

int arb_report_db_scan(const char *url, struct arb_report_db_info *info, char *why, size_t whylen)
{
	struct dbh h;
	struct arb_buf b = { 0 };
	int64_t v[2] = { 0, 0 };
	int k, first = 1, ret = -1;

	memset(info, 0, sizeof *info);
	if ((ret = db_open(&h, url, why, whylen)) < 0)
		return ret;
	ret = -1;
	/* The last record time over the known types (as for a stream). */
	arb_buf_adds(&b, "SELECT CAST(max(ts) AS TEXT), 0, 0 FROM (");
	for (k = 0; k < ARB_R_NTYPES; k++) {
		if (k == ARB_R_UNKNOWN || !arb_store_tables[k].name)
			continue;
		arb_buf_printf(&b, "%sSELECT max(ts) AS ts FROM %s", first ? "" : " UNION ALL ",
		    arb_store_tables[k].name);
		first = 0;
	}
	arb_buf_adds(&b, ") AS m");
	if (q(&h, b.p, int_row, v, why, whylen) < 0)
		goto out;
	info->has_last = (int)v[1];
	info->last = v[0];
	arb_buf_reset(&b);
	if (q(&h, "SELECT line, 0, id FROM results ORDER BY ts, id LIMIT 1", first_line, &b,
	    why, whylen) < 0)
		goto out;
	if (b.len) {
		/* the ccy of that line, read without a full parse */
		const char *p = strstr(b.p, "\"ccy\":\"");

		if (p) {
			size_t n = strcspn(p + 7, "\"");

			if (n < sizeof info->first_ccy)
				memcpy(info->first_ccy, p + 7, n);
		}
	}
	ret = 0;
out:
	arb_buf_free(&b);
	db_close(&h);
	return ret;
}

int arb_report_db_read(const char *url, const struct arb_report_db_window *w,
    arb_report_line_cb cb, void *arg, char *why, size_t whylen)
{
	struct dbh h;
	struct arb_buf b = { 0 };
	struct fwd f = { cb, arg };
	int ret;

	if (db_open(&h, url, why, whylen) < 0)
		return -1;
	build_sql(&b, w);
	ret = q(&h, b.p, fwd_row, &f, why, whylen);
	arb_buf_free(&b);
	db_close(&h);
	return ret;
}
