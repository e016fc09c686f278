#!/bin/sh
# arb-report --db: the fixture stored by arb-store in SQLite and in
# PostgreSQL (a private cluster on a Unix socket) gives the same report,
# byte for byte, as the stream on stdin; an empty store gives the empty
# report.  Uses arb-store's own test helper for the cluster.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson
command -v arb-store > /dev/null || skip_all "arb-store not built"

for f in text json prom html; do
	arb-report -r all -f $f < "$S" > "$T/stdin.$f" 2>/dev/null
done
# Periods: a store reads only the rows of the period (and an hour before
# it, and the last state before that), a stream is read whole; the
# reports must not differ.
set -- "--since 2h" "--since 30m" "--since 3h --until 1h" \
	"--since 2026-11-29T23:00:00Z --until 2026-11-30T00:30:00Z" "--until 2026-11-29T23:30:00Z" \
	"--since 2h --venue kraken"
n=0
for w in "$@"; do
	n=$((n + 1))
	arb-report -r all -f json $w < "$S" > "$T/stdin-w$n.json" 2>/dev/null
done

# SQLite
arb-store --db "sqlite:$T/a.db" < "$S" 2> "$T/store.err"
ok $? "arb-store writes the fixture to SQLite"
for f in text json prom html; do
	arb-report --db "sqlite:$T/a.db" -r all -f $f > "$T/sqlite.$f" 2> "$T/err"
	ok $? "report from SQLite ($f)"
	cmp_ok "$T/sqlite.$f" "$T/stdin.$f" "SQLite and stdin give the same $f report"
done
n=0
for w in "--since 2h" "--since 30m" "--since 3h --until 1h" \
	"--since 2026-11-29T23:00:00Z --until 2026-11-30T00:30:00Z" "--until 2026-11-29T23:30:00Z" \
	"--since 2h --venue kraken"; do
	n=$((n + 1))
	arb-report --db "sqlite:$T/a.db" -r all -f json $w > "$T/sqlite-w$n.json" 2>/dev/null
	cmp_ok "$T/sqlite-w$n.json" "$T/stdin-w$n.json" "SQLite and stdin agree for $w"
done
# The crontab lines of the man page work as written (mail(1) stubbed).
M=$top_srcdir/man/arb-report.1
daily=$(sed -n 's/^0 6 \* \* \* //p' "$M" | sed "s|/tmp/arb-daily.html|$T/daily.html|g")
alert=$(sed -n 's|^\*/10 \* \* \* \* ||p' "$M")
test -n "$daily" && test -n "$alert"
ok $? "the man page has the daily and the alert crontab lines"
DB="sqlite:$T/a.db" sh -c "mail() { cat > /dev/null; echo \"mail \$*\"; }; $daily" > "$T/daily.out" 2> /dev/null
is $? 0 "the daily line runs"
grep -q "^mail -s Arbitron daily report -A $T/daily.html ops@example.com\$" "$T/daily.out"
ok $? "the daily line mails the HTML report"
grep -q '<h1>Arbitron report</h1>' "$T/daily.html"
ok $? "the daily line wrote the page"
DB="sqlite:$T/a.db" sh -c "$alert" > "$T/alert.out" 2> "$T/alert.err"
is $? 3 "the alert line exits 3 on the fixture (stale_seconds is 3000.01)"
is "$(cat "$T/alert.out")" "" "the alert line prints nothing on stdout"
grep -q 'check breached: stale_seconds < 60' "$T/alert.err"
ok $? "the alert line names the breach for cron's mail"
# Storing the stream twice changes nothing (arb-store is idempotent).
arb-store --db "sqlite:$T/a.db" < "$S" 2> /dev/null
arb-report --db "sqlite:$T/a.db" -r all -f json > "$T/again.json" 2> /dev/null
cmp_ok "$T/again.json" "$T/stdin.json" "a replayed store gives the same report"
# A store of the older schema 1 (no report indexes, no views) is read the
# same: copy the rows into a database that arb-store created at version 1.
if command -v sqlite3 > /dev/null 2>&1; then
	arb-store --db "sqlite:$T/v1.db" --migrate=1 2> /dev/null
	is "$(sqlite3 "$T/v1.db" 'SELECT max(version) FROM schema_version')" 1 "a schema 1 database"
	{
		# wait out a lock rather than copy nothing (seen once under ASan)
		echo ".timeout 10000"
		echo "ATTACH '$T/a.db' AS a;"
		for t in $(sqlite3 "$T/a.db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_version'"); do
			echo "INSERT INTO main.$t SELECT * FROM a.$t;"
		done
	} | sqlite3 "$T/v1.db" 2>"$T/v1.err" || sed 's/^/# sqlite3: /' "$T/v1.err"
	arb-report --db "sqlite:$T/v1.db" -r all -f json > "$T/v1.json" 2> /dev/null
	cmp_ok "$T/v1.json" "$T/stdin.json" "a schema 1 store gives the same report"
	# a newer schema than this program knows: read by its line columns,
	# with one warning (the store is opened twice)
	cp "$T/a.db" "$T/v9.db"
	sqlite3 "$T/v9.db" 'INSERT INTO schema_version (version, applied_us) VALUES (9, 1)'
	arb-report --db "sqlite:$T/v9.db" -r all -f json > "$T/v9.json" 2> "$T/v9.err"
	cmp_ok "$T/v9.json" "$T/stdin.json" "a store of a newer schema gives the same report"
	is "$(grep -c 'schema version 9 is newer than 3; reading the line columns anyway' "$T/v9.err")" 1 \
	    "and says so once"
fi
# An empty store: the empty report and a notice.
arb-store --db "sqlite:$T/empty.db" < /dev/null 2> /dev/null
arb-report --db "sqlite:$T/empty.db" -r all > "$T/empty.text" 2> "$T/empty.err"
is $? 0 "empty store: exit 0"
grep -q 'no records' "$T/empty.err"
ok $? "empty store: says there are no records"
arb-report -r all < /dev/null > "$T/empty-stdin.text" 2> /dev/null
cmp_ok "$T/empty.text" "$T/empty-stdin.text" "empty store and empty stdin give the same report"

# A stream is read in the store's order (ts, then the pipeline order of
# the types): recordings concatenated newest first (a backtest's files in
# any order) report as the store of them does, and as the time-ordered
# stream.  It was read in input order: the feeds' time ran backwards (a
# venue synced in the later recording showed no uptime), and the default
# currency was that of the first result in the input, not in time.
# The fixture's halves swapped: the second half holds o5, a result in BTC.
h=$(($(wc -l <"$S") / 2))
{ tail -n +$((h + 1)) "$S"; head -n $h "$S"; } >"$T/swapped.ndjson"
arb-store --db "sqlite:$T/swapped.db" <"$T/swapped.ndjson" 2>/dev/null
for f in text json prom html; do
	arb-report -r all -f $f "$T/swapped.ndjson" >"$T/swapped.$f" 2>/dev/null
	cmp_ok "$T/swapped.$f" "$T/stdin.$f" "halves swapped: the report of the time-ordered stream ($f)"
done
# two real recordings (2021) after a synthetic stream (2025), and windows
# that start after the recordings ended: the store's report, byte for byte
R=$ARB_SHARED_DATA/recorded
{
	gen-stream --seed 5 --updates 400 --venues 2 --assets 3 --depth 2 | arb-detect | arb-exec \
	    --balances "$top_srcdir/share/demo/balances.txt"
	arb-feed --replay "$R"/KRAKEN.* | arb-detect
	arb-feed --replay "$R"/COINBASE.* | arb-detect
} >"$T/cat.ndjson" 2>/dev/null
arb-store --db "sqlite:$T/cat.db" <"$T/cat.ndjson" 2>/dev/null
n=0
for w in "" "--since 10m" "--since 2h --until 30m" "--venue kraken"; do
	for f in text json html; do
		arb-report -r all -f $f $w "$T/cat.ndjson" >"$T/cat-s.$f" 2>/dev/null
		arb-report -r all -f $f $w -d "sqlite:$T/cat.db" >"$T/cat-d.$f" 2>/dev/null
		cmp_ok "$T/cat-s.$f" "$T/cat-d.$f" "recordings out of time order: stream and store agree (${w:-all} $f)"
	done
done
grep -q '^kraken  *\*  *100 ' "$T/cat-s.text"
ok $? "the venue synced in its recording is up 100 % (--venue kraken)"
# A record twice (a file named twice, overlapping recordings) is one
# record, as arb-store (idempotent) stores it once: it was counted twice,
# P&L, fees and fills doubled against the store's report.
for f in text json prom html; do
	arb-report -r all -f $f "$S" "$T/swapped.ndjson" >"$T/twice.$f" 2>/dev/null
	cmp_ok "$T/twice.$f" "$T/stdin.$f" "the fixture named twice: the report of it once ($f)"
done
head -n 3000 "$T/cat.ndjson" | cat "$T/cat.ndjson" - >"$T/overlap.ndjson"
arb-store --db "sqlite:$T/overlap.db" <"$T/overlap.ndjson" 2>/dev/null
arb-report -r all -f json "$T/overlap.ndjson" >"$T/overlap-s.json" 2>/dev/null
arb-report -r all -f json -d "sqlite:$T/overlap.db" >"$T/overlap-d.json" 2>/dev/null
cmp_ok "$T/overlap-s.json" "$T/overlap-d.json" "overlapping recordings: stream and store agree"
arb-report -r all -f json "$T/cat.ndjson" >"$T/cat.json" 2>/dev/null
cmp_ok "$T/overlap-s.json" "$T/cat.json" "overlapping recordings: as without the overlap"
# a bad line is still named by its file and line, in input order
{ cat "$T/swapped.ndjson"; echo 'not json'; head -n 1 "$S"; echo '{"type":"fill"}'; } >"$T/bad.ndjson"
arb-report "$T/bad.ndjson" >/dev/null 2>"$T/bad.err"
is "$(grep -c "bad.ndjson:$(($(wc -l <"$S") + 1)): \|bad.ndjson:$(($(wc -l <"$S") + 3)): " "$T/bad.err")" 2 \
	"bad lines named by file and line"

# PostgreSQL
if [ ! -f "$top_srcdir/tests/store/pg.sh" ]; then
	echo "not ok $((_n + 1)) - tests/store/pg.sh (arb-store's cluster helper) is missing"
	exit 1
fi
. "$top_srcdir/tests/store/pg.sh"
pg_start
arb-store --db "$ARB_PG_URL" < "$S" 2> "$T/pgstore.err"
ok $? "arb-store writes the fixture to PostgreSQL"
sed 's/^/# /' "$T/pgstore.err"
for f in text json prom html; do
	arb-report --db "$ARB_PG_URL" -r all -f $f > "$T/pg.$f" 2> "$T/err"
	ok $? "report from PostgreSQL ($f)"
	cmp_ok "$T/pg.$f" "$T/stdin.$f" "PostgreSQL and stdin give the same $f report"
done
n=0
for w in "--since 2h" "--since 30m" "--since 3h --until 1h" \
	"--since 2026-11-29T23:00:00Z --until 2026-11-30T00:30:00Z" "--until 2026-11-29T23:30:00Z" \
	"--since 2h --venue kraken"; do
	n=$((n + 1))
	arb-report --db "$ARB_PG_URL" -r all -f json $w > "$T/pg-w$n.json" 2>/dev/null
	cmp_ok "$T/pg-w$n.json" "$T/stdin-w$n.json" "PostgreSQL and stdin agree for $w"
done
arb-report --db "postgresql:///nosuchdb?host=$PGHOST&port=$PGPORT&user=arb" > /dev/null 2> "$T/nodb.err"
is $? 1 "PostgreSQL: a missing database is exit 1"
grep -q 'cannot connect' "$T/nodb.err"
ok $? "PostgreSQL: says it cannot connect"

# The password, as for arb-store (INSTALL: "give arb-store and arb-report
# ... the password as the credential pg_password"): from the credential
# pg_password, never from the URL.
pg_sql "CREATE ROLE pw LOGIN PASSWORD 'Sekr1t-pw'" >/dev/null
pg_sql "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pw" >/dev/null
{ echo "local all pw scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$T/hba"
cat "$T/hba" >"$PG_DIR/data/pg_hba.conf"
pg_sql "SELECT pg_reload_conf()" >/dev/null
# the reload is asynchronous: wait until it took effect
n=0; while psql -X -w -q -U pw -c "SELECT 1" >/dev/null 2>&1 && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
P=$(echo "$ARB_PG_URL" | sed 's/user=arb/user=pw/')
env -u PGUSER arb-report --db "$P" >/dev/null 2>"$T/err"
is $? 1 "PostgreSQL: without the credential the server refuses"
printf 'Sekr1t-pw\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
ARB_PG_PASSWORD_FILE="$T/pgpass" arb-report --db "$P" -r all -f json >"$T/pw.json" 2>"$T/err"
ok $? "PostgreSQL: the password comes from the pg_password credential"
[ -s "$T/err" ] && sed 's/^/# /' "$T/err"
cmp_ok "$T/pw.json" "$T/stdin.json" "PostgreSQL with a password: the same report"
mkdir -p "$T/creds" && cp "$T/pgpass" "$T/creds/pg_password"
CREDENTIALS_DIRECTORY="$T/creds" arb-report --db "$P" -r all -f json >"$T/pw2.json" 2>/dev/null
cmp_ok "$T/pw2.json" "$T/stdin.json" "PostgreSQL: the credential from systemd's LoadCredential= directory"
chmod 644 "$T/pgpass"
ARB_PG_PASSWORD_FILE="$T/pgpass" arb-report --db "$P" >/dev/null 2>"$T/err"
is $? 2 "PostgreSQL: a credential file readable by others is refused"
arb-report --db "$P&password=Sekr1t-pw" >/dev/null 2>"$T/err"
is $? 2 "PostgreSQL: a password in the URL is refused"
is "$(cat "$T/err")" "arb-report: --db: a password in the database URL is refused (others can read it): use the pg_password credential, ~/.pgpass or a service file" \
	"PostgreSQL: says why, without repeating the URL"
ARB_DB="host=$PGHOST port=$PGPORT user=pw dbname=postgres password=Sekr1t-pw" arb-report >/dev/null 2>"$T/err"
is $? 2 "PostgreSQL: a password in a conninfo (ARB_DB) is refused"
is "$(grep -c Sekr1t "$T/err")" 0 "PostgreSQL: no password in the messages"
done_testing
