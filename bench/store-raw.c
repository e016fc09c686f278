#include "config.h"

/*
 * store-raw: the raw limits that bench/store-bench compares arb-store with,
 * measured on the same input in the same run.
 *
 *   store-raw sqlite PATH   plain batched INSERTs of each line into one
 *                           table (id, line) in WAL mode, 20000 a
 *                           transaction, synchronous=FULL like arb-store
 *   store-raw pg CONNINFO   one COPY of every line into one table (line)
 *
 * Lines come from standard input.  Prints "N rows" on standard output.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "store-raw: %s: %s\n", what, msg);
	exit(1);
}

static long raw_sqlite(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long rows = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	if (sqlite3_exec(db, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA cache_size=-65536; CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, line TEXT);"
	    " BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO raw (line) VALUES (?)", -1, &st, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		sqlite3_bind_text(st, 1, line, (int)n, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(path, sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (++rows % 20000 == 0 && sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			die(path, sqlite3_errmsg(db));
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(line);
	return rows;
}

static long raw_pg(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r;
	char *line = NULL, *esc = NULL;
	size_t cap = 0, ecap = 0;
	ssize_t n;
	long rows = 0;

	if (PQstatus(c) != CONNECTION_OK)
		die("connect", PQerrorMessage(c));
	PQclear(PQexec(c, "DROP TABLE IF EXISTS raw"));
	r = PQexec(c, "CREATE TABLE raw (line TEXT)");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("create", PQerrorMessage(c));
	PQclear(r);
	r = PQexec(c, "COPY raw (line) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN)
		die("copy", PQerrorMessage(c));
	PQclear(r);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if ((size_t)n * 2 + 2 > ecap) {
			ecap = (size_t)n * 2 + 2;
			free(esc);
			esc = malloc(ecap);
			if (!esc)
				die("copy", "out of memory");
		}
		size_t k = 0;
		for (ssize_t i = 0; i < n; i++) {
			if (line[i] == '\\' || line[i] == '\t' || line[i] == '\r')
				esc[k++] = '\\';
			esc[k++] = line[i] == '\t' ? 't' : line[i] == '\r' ? 'r' : line[i];
		}
		if (k == 0 || esc[k - 1] != '\n')
			esc[k++] = '\n';
		if (PQputCopyData(c, esc, (int)k) != 1)
			die("copy", PQerrorMessage(c));
		rows++;
	}
	if (PQputCopyEnd(c, NULL) != 1)
		die("copy", PQerrorMessage(c));
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die("copy", PQresultErrorMessage(r));
		PQclear(r);
	}
	PQfinish(c);
	free(line);
	free(esc);
	return rows;
}

int main(int argc, char **argv)
{
	long rows;

	if (argc != 3 || (strcmp(argv[1], "sqlite") != 0 && strcmp(argv[1], "pg") != 0)) {
		fprintf(stderr, "usage: store-raw sqlite PATH | store-raw pg CONNINFO\n");
		return 2;
	}
	rows = argv[1][0] == 's' ? raw_sqlite(argv[2]) : raw_pg(argv[2]);
	printf("%ld rows\n", rows);
	return 0;
}
