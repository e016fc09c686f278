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

#include "report_db.h"
#include "store.h"

/* Table k's position in the merged order: unknown records last. */
static int order_of(int k)
{
	return k == ARB_R_UNKNOWN ? ARB_R_NTYPES : k;
}

static void build_sql(struct arb_buf *q)
{
	int k, first = 1;

	arb_buf_adds(q, "SELECT line, src, id FROM (");
	for (k = 0; k < ARB_R_NTYPES; k++) {
		if (!arb_store_tables[k].name)
			continue;
		arb_buf_printf(q, "%sSELECT COALESCE(ts, 0) AS ts, %d AS k, %d AS src, id, line FROM %s",
		    first ? "" : " UNION ALL ", order_of(k), k, arb_store_tables[k].name);
		first = 0;
	}
	arb_buf_adds(q, ") AS u ORDER BY ts, k, id");
}

static int sqlite_read(const char *path, arb_report_line_cb cb, void *arg, char *why, size_t whylen)
{
	struct arb_buf q = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc, k, version = -1, ret = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "cannot open: %s", db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "not an arb-store database, or one older than schema 1 "
		    "(no schema_version table): %s", sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version < 1) {
		snprintf(why, whylen, "empty schema_version: the database was never initialised by arb-store");
		goto out;
	}
	if (version > ARB_STORE_SCHEMA)
		fprintf(stderr, "%s: %s: schema version %d is newer than %d; reading the line columns anyway\n",
		    arb_prog, path, version, ARB_STORE_SCHEMA);
	for (k = 0; k < ARB_R_NTYPES; k++) {
		char sql[128];

		if (!arb_store_tables[k].name)
			continue;
		snprintf(sql, sizeof sql, "SELECT ts, id, line FROM %s LIMIT 0", arb_store_tables[k].name);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			snprintf(why, whylen, "schema version %d: table %s unreadable (%s); "
			    "arb-report reads arb-store schema 1 to %d", version, arb_store_tables[k].name,
			    sqlite3_errmsg(db), ARB_STORE_SCHEMA);
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	build_sql(&q);
	if (sqlite3_prepare_v2(db, q.p, -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "query: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		int src = sqlite3_column_int(st, 1);

		if (!line)
			continue;
		cb(arg, line, (size_t)n, arb_store_tables[src].name, sqlite3_column_int64(st, 2));
	}
	if (rc != SQLITE_DONE) {
		snprintf(why, whylen, "reading: %s", sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	if (st)
		sqlite3_finalize(st);
	sqlite3_close(db);
	arb_buf_free(&q);
	return ret;
}

static void pq_why(char *why, size_t whylen, const char *what, const char *msg)
{
	size_t n;

	snprintf(why, whylen, "%s: %s", what, msg);
	n = strlen(why);
	while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
}

static int pg_read(const char *conninfo, arb_report_line_cb cb, void *arg, char *why, size_t whylen)
{
	struct arb_buf q = { 0 };
	PGconn *c = PQconnectdb(conninfo);
	PGresult *res = NULL;
	int k, version = -1, ret = -1;

	if (!c || PQstatus(c) != CONNECTION_OK) {
		pq_why(why, whylen, "cannot connect", c ? PQerrorMessage(c) : "out of memory");
		goto out;
	}
	res = PQexec(c, "SELECT max(version) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pq_why(why, whylen, "not an arb-store database, or one older than schema 1 "
		    "(no schema_version table)", PQerrorMessage(c));
		goto out;
	}
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	if (version < 1) {
		snprintf(why, whylen, "empty schema_version: the database was never initialised by arb-store");
		goto out;
	}
	if (version > ARB_STORE_SCHEMA)
		fprintf(stderr, "%s: schema version %d is newer than %d; reading the line columns anyway\n",
		    arb_prog, version, ARB_STORE_SCHEMA);
	for (k = 0; k < ARB_R_NTYPES; k++) {
		char sql[128];

		if (!arb_store_tables[k].name)
			continue;
		snprintf(sql, sizeof sql, "SELECT ts, id, line FROM %s LIMIT 0", arb_store_tables[k].name);
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			char what[160];

			snprintf(what, sizeof what, "schema version %d: table %s unreadable "
			    "(arb-report reads arb-store schema 1 to %d)", version,
			    arb_store_tables[k].name, ARB_STORE_SCHEMA);
			pq_why(why, whylen, what, PQerrorMessage(c));
			goto out;
		}
		PQclear(res);
		res = NULL;
	}
	build_sql(&q);
	/* Rows one at a time, so a big store is not held twice in memory. */
	if (!PQsendQuery(c, q.p) || !PQsetSingleRowMode(c)) {
		pq_why(why, whylen, "query", PQerrorMessage(c));
		goto out;
	}
	ret = 0;
	while ((res = PQgetResult(c))) {
		ExecStatusType s = PQresultStatus(res);

		if (s == PGRES_SINGLE_TUPLE) {
			int src = atoi(PQgetvalue(res, 0, 1));

			if (src >= 0 && src < ARB_R_NTYPES)
				cb(arg, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
				    arb_store_tables[src].name, strtoll(PQgetvalue(res, 0, 2), NULL, 10));
		} else if (s != PGRES_TUPLES_OK && ret == 0) {
			pq_why(why, whylen, "reading", PQerrorMessage(c));
			ret = -1;
		}
		PQclear(res);
	}
out:
	if (res)
		PQclear(res);
	PQfinish(c);
	arb_buf_free(&q);
	return ret;
}

int arb_report_db_read(const char *url, arb_report_line_cb cb, void *arg, char *why, size_t whylen)
{
	if (arb_store_is_pg(url))
		return pg_read(strncmp(url, "pg:", 3) == 0 ? url + 3 : url, cb, arg, why, whylen);
	return sqlite_read(strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url, cb, arg, why, whylen);
}
