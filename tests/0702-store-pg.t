#!/bin/sh
# arb-store with a real PostgreSQL server (a private cluster started here):
# round trip of every record type with exact NUMERIC decimals, views,
# idempotency, migrations, the password from the credentials module only.
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/store/pg.sh"
S=$top_srcdir/tests/store
G=$top_srcdir/tests/golden/store
pg_start
command -v psql >/dev/null || { echo "1..1"; echo "not ok 1 - psql not found"; exit 1; }

q() { psql -X -A -P footer=off "$@"; }
columns() {
	for t in books trades instruments status opportunities rejects orders fills results balances risk records; do
		echo "# $t"
		q -d "$1" -c "SELECT * FROM $t ORDER BY id" | sed 's/|{.*$//'
	done
}
views() {
	for v in pnl_by_day opportunities_by_pair; do
		echo "# $v"
		q -d "$1" -c "SELECT * FROM $v ORDER BY 1, 2"
	done
}
counts() { arb-store --verify "$1" | tr '\t' ' ' | tr '\n' ' '; }

arb-store -d "$ARB_PG_URL" < "$S/all-types.ndjson" 2>"$T/err"
ok $? "stores every record type"
is "$(cat "$T/err")" "" "nothing on stderr"
arb-store -d "$ARB_PG_URL" --dump > "$T/dump"
cmp_ok "$T/dump" "$G/all-types.dump" "dump gives back every line byte for byte"
columns postgres > "$T/cols"
cmp_ok "$T/cols" "$G/all-types.pg.txt" "typed columns: NUMERIC keeps every digit, same hashes as SQLite"
views postgres > "$T/views"
cmp_ok "$T/views" "$G/views.pg.txt" "views pnl_by_day and opportunities_by_pair"
arb-store -d "$ARB_PG_URL" --query pnl_by_day > "$T/q"
printf 'day\tccy\tresults\tcomplete\tpnl\tinexact\n2023-11-14\tUSD\t1\t1\t2.51900000001\t0\n2023-11-15\tUSD\t1\t0\t-0.125\t0\n' > "$T/q.want"
cmp_ok "$T/q" "$T/q.want" "--query pnl_by_day: exact sums"
is "$(pg_sql "SELECT pg_typeof(px)::text || ' ' || pg_typeof(ok)::text FROM trades, books LIMIT 1")" "numeric boolean" "NUMERIC and BOOLEAN columns"
c1=$(counts "$ARB_PG_URL")
is "$c1" "integrity not checked (PostgreSQL: see pg_amcheck) schema_version 3 records 2 books 2 trades 2 instruments 1 status 2 opportunities 1 rejects 1 orders 2 fills 1 results 2 balances 1 risk 1 " "verify: counts"

arb-store -v -d "$ARB_PG_URL" < "$S/all-types.ndjson" 2>"$T/err"
ok $? "stored twice"
is "$(counts "$ARB_PG_URL")" "$c1" "row counts unchanged"
grep -q "18 records: 0 stored, 18 already there" "$T/err"; ok $? "reports 18 duplicates"
cat "$S/all-types.ndjson" "$S/all-types.ndjson" | arb-store -d "$ARB_PG_URL" -b 100000
is "$(counts "$ARB_PG_URL")" "$c1" "duplicates inside one batch are ignored too"

# Decimals go to NUMERIC in COPY's binary form: each must read back as
# PostgreSQL's own parse of the text gives it.
i=0
for v in 0 -0 -0.000 0.5 -12.34567891 1.50e1 9e10 2E-3 -7.25E+2 1e-36 \
    0.000000000000000000000000000000000001 99999999999999999999999999999999999999 \
    12345678901234567890.123456789012345678 -98765.43210 10000 0.0001 100000000.00000000; do
	i=$((i + 1))
	printf '{"type":"trade","ts":%d,"rt":1,"ex":"numtest","sym":"A/B","id":"n%d","px":%s,"qty":%s,"side":"buy"}\n' "$i" "$i" "$v" "$v"
done > "$T/num.ndjson"
arb-store -d "$ARB_PG_URL" < "$T/num.ndjson"
i=0; bad=
for v in $(sed 's/.*"px":\([^,]*\),.*/\1/' "$T/num.ndjson"); do
	i=$((i + 1))
	got=$(pg_sql "SELECT px || ' ' || qty FROM trades WHERE ex = 'numtest' AND trade_id = 'n$i'")
	want=$(pg_sql "SELECT '$v'::numeric || ' ' || '$v'::numeric")
	[ "$got" = "$want" ] || bad="$bad $v ($got, not $want)"
done
is "$bad" "" "NUMERIC values are PostgreSQL's own reading of the text ($i values)"
pg_sql "DELETE FROM trades WHERE ex = 'numtest'" >/dev/null

# A larger stream, with --tee, in several batches.
"$S/gen-stream" 20000 5 > "$T/big.ndjson"
arb-store -d "$ARB_PG_URL" --tee -b 3000 < "$T/big.ndjson" > "$T/tee"
ok $? "20000 records"
cmp_ok "$T/tee" "$T/big.ndjson" "--tee passes every line on"
is "$(pg_sql "SELECT count(*) FROM books") $(pg_sql "SELECT count(*) FROM trades")" \
   "$((2 + $(grep -c '"type":"book"' "$T/big.ndjson"))) $((2 + $(grep -c '"type":"trade"' "$T/big.ndjson")))" "row counts match the stream"

# A big batch is spread over two connections (two transactions): the ids
# still follow the input order, table by table.
pg_sql "CREATE DATABASE h" >/dev/null
H=$(echo "$ARB_PG_URL" | sed 's,/postgres?,/h?,')
hq() { q -d h -t -c "$1"; }
arb-store -vv -d "$H" -b 20000 -i 1h < "$T/big.ndjson" 2>"$T/err"
ok $? "one batch of 20000 records"
grep -q "1 batches spread over two connections" "$T/err"; ok $? "spread over two connections"
is "$(hq "SELECT count(DISTINCT xmin::text) FROM books")" 2 "books written by two transactions"
arb-store -d "$H" --dump > "$T/dump"
for ty in book trade opportunity result; do grep "\"type\":\"$ty\"" "$T/big.ndjson"; done > "$T/bytype"
for ty in book trade opportunity result; do grep "\"type\":\"$ty\"" "$T/dump"; done > "$T/dumptype"
cmp_ok "$T/dumptype" "$T/bytype" "ids in input order in every table"
is "$(hq "SELECT max(id) - min(id) + 1 = count(*) FROM books")" t "books' ids without gaps"
is "$(hq "SELECT last_value >= (SELECT max(id) FROM books) FROM books_id_seq") $(hq "SELECT last_value >= (SELECT max(id) FROM trades) FROM trades_id_seq")" "t t" "ids taken from the tables' sequences"
arb-store -vv -d "$H" -b 20000 -i 1h < "$T/big.ndjson" 2>"$T/err"
grep -q "20000 records: 0 stored, 20000 already there" "$T/err"; ok $? "the batch again: all duplicates"
grep -q "duplicate path: 4 tables probed, 0 staged" "$T/err"; ok $? "found by probing books, trades, opportunities and results"
# The probe reads the stored keys in ranges of ts cut at the batch's widest
# gaps (at most 8): ten clusters of books far apart, stored then replayed.
grep '"type":"book"' "$T/big.ndjson" | head -n 1000 |
	awk '{ c = int((NR - 1) / 100); match($0, /"ts":[0-9]+/)
	       ts = substr($0, RSTART + 5, RLENGTH - 5) + c * 1000000000000
	       printf "%s\"ts\":%.0f%s\n", substr($0, 1, RSTART - 1), ts, substr($0, RSTART + RLENGTH) }' > "$T/clusters"
arb-store -d "$H" -b 1000 -i 1h < "$T/clusters"
arb-store -vv -d "$H" -b 1000 -i 1h < "$T/clusters" 2>"$T/err"
grep -q "1000 records: 0 stored, 1000 already there" "$T/err"; ok $? "ten clusters of ts: all found again"
grep -q "[1-9][0-9]* tables probed, 0 staged" "$T/err"; ok $? "by the probe"
# A trade stored with another ts is still the same trade (ex, sym, id):
# the probe by ts misses it, the unique key does not.
grep '"type":"trade"' "$T/big.ndjson" | head -n 1 | sed 's/"ts":\([0-9]*\)/"ts":1\1/' > "$T/t1"
sed -n '1,3000p' "$T/big.ndjson" | grep -v '"type":"trade"' | head -n 1500 | cat - "$T/t1" > "$T/t2"
arb-store -vv -d "$H" -b 20000 -i 1h < "$T/t2" 2>"$T/err"
grep -q "1501 records: 0 stored, 1501 already there" "$T/err"; ok $? "a trade with another ts is a duplicate"
grep -q "staged" "$T/err" && ! grep -q " 0 staged" "$T/err"; ok $? "found by the staging path"

# A batch whose two parts would hold the same key is not spread (the second
# connection would wait for the first); the duplicate is stored once.
pg_sql "DROP DATABASE h" >/dev/null
pg_sql "CREATE DATABASE h" >/dev/null
{ cat "$T/big.ndjson"; grep -m 1 '"type":"book"' "$T/big.ndjson"; } > "$T/dup.ndjson"
arb-store -vv -d "$H" -b 20001 -i 1h < "$T/dup.ndjson" 2>"$T/err"
ok $? "a batch with a book twice, far apart"
grep -q "0 batches spread over two connections" "$T/err"; ok $? "not spread"
grep -q "20001 records: 20000 stored, 1 already there" "$T/err"; ok $? "the second one is a duplicate"
arb-store -d "$H" --dump | grep '"type":"book"' > "$T/dumptype"
grep '"type":"book"' "$T/big.ndjson" | cmp -s - "$T/dumptype"; ok $? "books in input order"

# Half a batch committed: the second connection's COMMIT is refused (a
# deferred trigger on the batch's last book row) after the first one's
# went through.  arb-store retries, then gives up having passed nothing
# on; a rerun completes the batch, storing nothing twice.
pg_sql "DROP DATABASE h" >/dev/null
pg_sql "CREATE DATABASE h" >/dev/null
arb-store -d "$H" < /dev/null
last_ts=$(grep '"type":"book"' "$T/big.ndjson" | tail -n 1 | sed 's/.*"ts":\([0-9]*\),.*/\1/')
nbooks=$(grep -c '"type":"book"' "$T/big.ndjson")
q -d h -q -c "CREATE TABLE refuse (x int); INSERT INTO refuse VALUES (1);
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN IF EXISTS (SELECT 1 FROM refuse) THEN RAISE EXCEPTION 'test: commit refused'; END IF; RETURN NULL; END \$\$;
CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON books DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.ts = $last_ts) EXECUTE FUNCTION refuse();"
arb-store -vv -d "$H" --tee -b 20000 -i 1h --retry 1s < "$T/big.ndjson" > "$T/tee" 2>"$T/err"
is $? 1 "second half refused: exit 1"
grep -q "giving up after.*test: commit refused" "$T/err"; ok $? "with the server's message"
is "$(wc -c < "$T/tee")" 0 "nothing passed on"
first=$(hq "SELECT count(*) FROM books")
[ "$first" -gt 0 ] && [ "$first" -lt "$nbooks" ]; ok $? "the first half committed ($first of $nbooks books)"
is "$(hq "SELECT count(*) FROM trades")" "$(grep -c '"type":"trade"' "$T/big.ndjson")" "with every trade (the first connection's)"
hq "DELETE FROM refuse" >/dev/null
arb-store -v -d "$H" --tee -b 20000 -i 1h < "$T/big.ndjson" > "$T/tee" 2>"$T/err"
ok $? "rerun"
cmp_ok "$T/tee" "$T/big.ndjson" "rerun: every line passed on"
grep -q "20000 records: $((nbooks - first)) stored, $((20000 - nbooks + first)) already there" "$T/err"
ok $? "rerun: only the second half stored ($(grep -o '[0-9]* stored, [0-9]* already there' "$T/err"))"
arb-store -d "$H" --dump | sort > "$T/dump"
sort "$T/big.ndjson" | cmp -s - "$T/dump"; ok $? "rerun: every record stored exactly once"
arb-store -d "$H" --dump | grep '"type":"book"' > "$T/dumptype"
grep '"type":"book"' "$T/big.ndjson" | cmp -s - "$T/dumptype"; ok $? "rerun: books' ids still in input order"

# The same, the refusal lifted while arb-store retries: it completes the
# batch by itself.
pg_sql "DROP DATABASE h" >/dev/null
pg_sql "CREATE DATABASE h" >/dev/null
arb-store -d "$H" < /dev/null
q -d h -q -c "CREATE TABLE refuse (x int); INSERT INTO refuse VALUES (1);
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN IF EXISTS (SELECT 1 FROM refuse) THEN RAISE EXCEPTION 'test: commit refused'; END IF; RETURN NULL; END \$\$;
CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON books DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.ts = $last_ts) EXECUTE FUNCTION refuse();"
arb-store -vv -d "$H" --tee -b 20000 -i 1h --retry 60s < "$T/big.ndjson" > "$T/tee" 2>"$T/err" &
pid=$!
n=0; while [ "$(hq "SELECT count(*) FROM books")" = 0 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.5
hq "DELETE FROM refuse" >/dev/null
wait $pid
ok $? "refusal lifted: arb-store completes the batch"
grep -q "batch stored after" "$T/err"; ok $? "after retries"
grep -q "(1 completed by the duplicate path after half of one committed)" "$T/err"; ok $? "by the duplicate path"
grep -q "20000 records: 20000 stored, 0 already there" "$T/err"; ok $? "counted as stored, not as duplicates"
cmp_ok "$T/tee" "$T/big.ndjson" "every line passed on"
arb-store -d "$H" --dump | sort > "$T/dump"
sort "$T/big.ndjson" | cmp -s - "$T/dump"; ok $? "every record stored exactly once"
arb-store -d "$H" --dump | grep '"type":"book"' > "$T/dumptype"
grep '"type":"book"' "$T/big.ndjson" | cmp -s - "$T/dumptype"; ok $? "books' ids in input order"

# A role that may insert into the tables but not call nextval on their
# sequences (identity columns need no such right): the server numbers the
# rows, on one connection, still in input order.
pg_sql "DROP DATABASE h" >/dev/null
pg_sql "CREATE DATABASE h" >/dev/null
arb-store -d "$H" < /dev/null
pg_sql "CREATE ROLE ins LOGIN" >/dev/null
hq "GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA public TO ins" >/dev/null
I=$(echo "$H" | sed 's/user=arb/user=ins/')
arb-store -vv -d "$I" -b 20000 -i 1h < "$T/big.ndjson" 2>"$T/err"
ok $? "INSERT and SELECT rights only"
grep -q "permission denied for sequence.*ids given by the server, one connection" "$T/err"; ok $? "says so"
is "$(hq "SELECT count(DISTINCT xmin::text) FROM books")" 1 "one transaction, one connection"
arb-store -d "$H" --dump | sort > "$T/dump"
sort "$T/big.ndjson" | cmp -s - "$T/dump"; ok $? "every record stored once"
arb-store -d "$H" --dump | grep '"type":"book"' > "$T/dumptype"
grep '"type":"book"' "$T/big.ndjson" | cmp -s - "$T/dumptype"; ok $? "books in input order"
{ head -n 100 "$T/big.ndjson"; printf '{"type":"mystery","ts":5,"x":1}\n'; } > "$T/more"
arb-store -vv -d "$I" < "$T/more" 2>"$T/err"
grep -q "101 records: 1 stored, 100 already there" "$T/err"; ok $? "duplicates found, an unknown type staged"
is "$(hq "SELECT count(*) FROM records")" 1 "the unknown type stored"

arb-store -d "$ARB_PG_URL" --backup "$T/x.db" 2>"$T/err"
is $? 2 "--backup of PostgreSQL is a usage error"
grep -q "pg_dump" "$T/err"; ok $? "pointing to pg_dump"

# Migrations in a fresh database.
pg_sql "CREATE DATABASE m" >/dev/null
M=$(echo "$ARB_PG_URL" | sed 's,/postgres?,/m?,')
arb-store -d "$M" --migrate=1
ok $? "--migrate=1"
arb-store -d "$M" < "$S/all-types.ndjson" 2>"$T/err"
is $? 1 "an older database needs --migrate"
grep -q "run arb-store --migrate" "$T/err"; ok $? "and says so"
arb-store -d "$M" --migrate=2
ok $? "--migrate=2"
is "$(q -d m -t -c "SELECT count(*) FROM pg_constraint WHERE conname = 'books_pkey'")" 1 "version 2: books has its primary key index"
arb-store -d "$M" --migrate && arb-store -d "$M" < "$S/all-types.ndjson"
is "$(counts "$M")" "$c1" "migrated, then stored"
is "$(q -d m -t -c "SELECT max(version) FROM schema_version")" 3 "migrated to version 3"
is "$(q -d m -t -c "SELECT count(*) FROM pg_constraint WHERE conname = 'books_pkey'")" 0 "version 3: no primary key index on books.id"
is "$(q -d m -t -c "SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('books', 'id')::regclass")" 1024 "version 3: identity values cached 1024 at a time"
is "$(q -d m -t -c "SELECT count(*) FROM books") $(q -d m -t -c "SELECT count(DISTINCT id) FROM books")" "2 2" "ids stay unique"
q -d m -c "INSERT INTO schema_version VALUES (99, 0)" >/dev/null
arb-store -d "$M" < "$S/all-types.ndjson" 2>"$T/err"
is $? 1 "a newer database is an error (exit 1)"
grep -q "schema version 99 is newer" "$T/err"; ok $? "and says so clearly"
q -d m -c "DELETE FROM schema_version WHERE version = 99" >/dev/null

# The password: from the credential pg_password only.
pg_sql "CREATE ROLE pw LOGIN PASSWORD 'Sekr1t-pw'" >/dev/null
q -d m -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pw" >/dev/null
{ echo "local all pw scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } > "$T/hba"
cat "$T/hba" > "$PG_DIR/data/pg_hba.conf"
pg_sql "SELECT pg_reload_conf()" >/dev/null
# The reload is asynchronous: wait until it took effect.
n=0; while psql -X -w -q -d m -U pw -c "SELECT 1" >/dev/null 2>&1 && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
P=$(echo "$M" | sed 's/user=arb/user=pw/')
env -u PGUSER arb-store -d "$P" --verify "$P" >/dev/null 2>"$T/err"
is $? 1 "without the credential the server refuses"
printf 'Sekr1t-pw\n' > "$T/pgpass"
chmod 600 "$T/pgpass"
ARB_PG_PASSWORD_FILE="$T/pgpass" arb-store --verify "$P" > "$T/out" 2>"$T/err"
ok $? "the password comes from the pg_password credential"
[ -s "$T/err" ] && sed 's/^/# /' "$T/err"
chmod 644 "$T/pgpass"
ARB_PG_PASSWORD_FILE="$T/pgpass" arb-store --verify "$P" >/dev/null 2>"$T/err"
is $? 2 "a credential file readable by others is refused"
grep -q Sekr1t "$T/err"; is $? 1 "no password in the messages"
arb-store --verify "postgresql:///m?host=$PG_DIR&port=$PGPORT&user=pw&password=Sekr1t-pw" 2>"$T/err"
is $? 2 "a password in the URL is refused"
arb-store --verify "host=$PG_DIR port=$PGPORT user=pw password=Sekr1t-pw dbname=m" 2>"$T/err"
is $? 2 "a password in a conninfo is refused"
done_testing
