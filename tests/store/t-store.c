#include "config.h"

/* t-store: the parts of lib/store.c that both backends rely on: the content
 * hash (stored in databases, so it must never change), splitting records
 * into column values, and the migrations. */

#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char txt[4096];

/* The text of value v (for comparing), "NULL" when null. */
static const char *val(const struct arb_store_val *v)
{
	if (v->null)
		return "NULL";
	if (v->p)
		snprintf(txt, sizeof txt, "%.*s", (int)v->n, v->p);
	else
		snprintf(txt, sizeof txt, "%lld", (long long)v->i);
	return txt;
}

/* Index of a typed column by name in table t (after ts rt ex sym). */
static int col(const struct arb_store_table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].name, name) == 0)
			return 4 + c;
	return -1;
}

static void row(const char *line, struct arb_rec *r, struct arb_store_val *v, struct arb_buf *scratch,
    const struct arb_store_table **tp)
{
	char why[256];
	if (arb_rec_parse(r, line, strlen(line), why, sizeof why) < 0)
		printf("# parse failed: %s: %s\n", line, why);
	*tp = &arb_store_tables[r->type];
	arb_store_row(r, *tp, v, scratch);
}

int main(void)
{
	uint64_t h1, h2, g1, g2;
	struct arb_rec r;
	struct arb_store_val v[ARB_STORE_MAXCOLS];
	struct arb_buf scratch = { 0 };
	const struct arb_store_table *t;

	/* The hash: fixed values (they are stored), and sensitivity. */
	arb_store_hash("", 0, &h1, &h2);
	snprintf(txt, sizeof txt, "%016llx %016llx", (unsigned long long)h1, (unsigned long long)h2);
	is_str(txt, "afd8109628668dc6 03fdfdd97666623a", "hash of the empty line never changes");
	arb_store_hash("{\"type\":\"x\"}", 12, &h1, &h2);
	snprintf(txt, sizeof txt, "%016llx %016llx", (unsigned long long)h1, (unsigned long long)h2);
	is_str(txt, "88ceec9287e1c990 46fe8cce4b875789", "hash of a short line never changes");
	arb_store_hash("{\"type\":\"y\"}", 12, &g1, &g2);
	ok(g1 != h1 && g2 != h2, "one byte changes both halves");
	arb_store_hash("abcdefgh", 8, &h1, &h2);
	arb_store_hash("abcdefgh\0", 9, &g1, &g2);
	ok(g1 != h1 && g2 != h2, "a trailing NUL byte changes the hash (length is mixed in)");

	arb_rec_init(&r);
	/* Exact decimals: the text as written, quoted numbers too. */
	row("{\"type\":\"book\",\"ts\":5,\"rt\":6,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"seq\":9,\"ok\":true,"
	    "\"depth\":2,\"bids\":[[100.10,0.50000000],[99,1]],\"asks\":[[100.20,2E-3]]}",
	    &r, v, &scratch, &t);
	is_str(t->name, "books", "book -> books");
	is_str(val(&v[0]), "5", "ts");
	is_str(val(&v[1]), "6", "rt");
	is_str(val(&v[2]), "okx", "ex");
	is_str(val(&v[3]), "BTC/USDT", "sym");
	is_str(val(&v[col(t, "seq")]), "9", "seq");
	is_str(val(&v[col(t, "ok")]), "1", "ok");
	is_str(val(&v[col(t, "bid_px")]), "100.10", "bid_px keeps its trailing zero");
	is_str(val(&v[col(t, "bid_qty")]), "0.50000000", "bid_qty keeps every digit");
	is_str(val(&v[col(t, "ask_px")]), "100.20", "ask_px");
	is_str(val(&v[col(t, "ask_qty")]), "2E-3", "an exponent is kept as written");
	is_str(val(&v[4 + t->ncols + 2]), r.line, "the last value is the whole line");

	/* Escaped strings are unescaped; a missing key is NULL. */
	row("{\"type\":\"status\",\"ts\":7,\"ex\":\"kraken\",\"state\":\"gap\","
	    "\"detail\":\"seq \\\"41\\\" caf\\u00e9\"}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "detail")]), "seq \"41\" caf\xc3\xa9", "escaped text unescaped");
	is_str(val(&v[3]), "NULL", "no sym: NULL");
	is_str(val(&v[1]), "NULL", "no rt: NULL");

	row("{\"type\":\"status\",\"ts\":7,\"ex\":\"kraken\",\"state\":\"gap\",\"detail\":\"a\\u0000b\"}",
	    &r, v, &scratch, &t);
	is_str(val(&v[col(t, "detail")]), "NULL", "a NUL cannot go into a text column");
	row("{\"type\":\"result\",\"ts\":1,\"opp\":\"o1\",\"kind\":\"cross\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":1,\"ccy\":\"USD\",\"exposure\":1e100000}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "exposure")]), "NULL", "a number out of every database's range is NULL");

	/* Derived columns. */
	row("{\"type\":\"opportunity\",\"ts\":8,\"id\":\"o1\",\"kind\":\"cycle\",\"event\":\"new\","
	    "\"legs\":[{\"ex\":\"binance\",\"sym\":\"ETH/BTC\",\"side\":\"buy\",\"px\":1,\"qty\":1},"
	    "{\"ex\":\"binance\",\"sym\":\"ETH/USDT\",\"side\":\"sell\",\"px\":1,\"qty\":1},"
	    "{\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"side\":\"buy\",\"px\":1,\"qty\":1}],"
	    "\"qty\":1,\"cost\":1,\"proceeds\":1.01,\"profit\":0.01,\"ccy\":\"USDT\",\"gross_bps\":100,"
	    "\"net_bps\":70,\"book_ts\":[1,2,3],\"expires\":9}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "route")]), "binance:ETH/BTC:buy binance:ETH/USDT:sell binance:BTC/USDT:buy",
	    "route of a cycle");
	is_str(val(&v[col(t, "opp_id")]), "o1", "opp_id from id");
	row("{\"type\":\"result\",\"ts\":1,\"opp\":\"o1\",\"kind\":\"cross\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":-12.34567891,\"ccy\":\"USD\"}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "pnl_e8")]), "-1234567891", "pnl_e8 exact");
	row("{\"type\":\"result\",\"ts\":1,\"opp\":\"o1\",\"kind\":\"cross\",\"status\":\"complete\","
	    "\"reason\":\"ok\",\"pnl\":0.123456789,\"ccy\":\"USD\"}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "pnl_e8")]), "NULL", "pnl_e8 NULL when 8 decimals are not exact");
	is_str(val(&v[col(t, "pnl")]), "0.123456789", "pnl itself exact");
	row("{\"type\":\"whatever\",\"x\":1}", &r, v, &scratch, &t);
	is_str(t->name, "records", "unknown type -> records");
	is_str(val(&v[col(t, "type")]), "whatever", "its type column");
	/* Keys: the first of two equal keys, as arb_json_get; escaped keys. */
	row("{\"type\":\"book\",\"ts\":5,\"rt\":6,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"seq\":9,\"seq\":10,\"ok\":true,"
	    "\"d\\u0065pth\":3,\"bids\":[[1,2]],\"asks\":[]}", &r, v, &scratch, &t);
	is_str(val(&v[col(t, "seq")]), "9", "the first of two equal keys");
	is_str(val(&v[col(t, "depth")]), "3", "an escaped key is found");
	is_str(val(&v[col(t, "ask_px")]), "NULL", "an empty side: NULL");

	/* Migrations for both dialects. */
	char *s1 = arb_store_migration_sql(1, 's'), *p1 = arb_store_migration_sql(1, 'p');
	char *s2 = arb_store_migration_sql(2, 's');
	ok(strstr(s1, "CREATE TABLE books (id INTEGER PRIMARY KEY") != NULL, "SQLite: rowid id");
	ok(strstr(s1, "bid_px TEXT") != NULL, "SQLite: decimals as TEXT");
	ok(strstr(p1, "bid_px NUMERIC") != NULL, "PostgreSQL: decimals as NUMERIC");
	ok(strstr(p1, "CREATE UNIQUE INDEX trades_key ON trades (ex, sym, trade_id)") != NULL, "trade key");
	ok(strstr(s2, "CREATE VIEW pnl_by_day") != NULL, "version 2 adds the views");
	char *p3 = arb_store_migration_sql(3, 'p'), *s3 = arb_store_migration_sql(3, 's');
	ok(strstr(p3, "ALTER TABLE books ALTER COLUMN id SET CACHE 1024;") != NULL &&
	    strstr(p3, "ALTER TABLE books DROP CONSTRAINT books_pkey;") != NULL,
	    "version 3: PostgreSQL identity cache, no books primary key index");
	is_str(s3, "SELECT 1;\n", "version 3: nothing for SQLite");
	free(p3);
	free(s3);
	ok(arb_store_migration_sql(4, 's') == NULL, "no version 4");
	ok(strstr(s1, "REAL") == NULL && strstr(p1, "DOUBLE") == NULL && strstr(p1, "REAL") == NULL,
	    "no floating point column anywhere");
	free(s1);
	free(p1);
	free(s2);

	/* Default URL. */
	setenv("ARB_DB", "sqlite:/x/y.db", 1);
	char *u = arb_store_default_url();
	is_str(u, "sqlite:/x/y.db", "$ARB_DB");
	free(u);
	unsetenv("ARB_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	u = arb_store_default_url();
	is_str(u, "sqlite:/data/arbitron/arb.db", "$XDG_DATA_HOME");
	free(u);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	u = arb_store_default_url();
	is_str(u, "sqlite:/home/u/.local/share/arbitron/arb.db", "$HOME");
	free(u);
	ok(arb_store_is_pg("postgresql://h/db") && arb_store_is_pg("host=h dbname=d") &&
	    !arb_store_is_pg("sqlite:a.db") && !arb_store_is_pg("/tmp/a.db"), "URL kinds");

	arb_rec_free(&r);
	arb_buf_free(&scratch);
	return done_testing();
}
