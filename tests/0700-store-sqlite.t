#!/bin/sh
# arb-store with SQLite: round trip of every record type, exact decimals,
# idempotency, type selection, bad input, migrations, signals, idle
# durability, backup during ingest, a full disk, usage errors.
. "${top_srcdir:-.}/tests/lib.sh"
S=$top_srcdir/tests/store
G=$top_srcdir/tests/golden/store
command -v sqlite3 >/dev/null || { echo "1..1"; echo "not ok 1 - sqlite3 (the CLI) not found: install sqlite3"; exit 1; }

# The typed columns of every table (without the line), then the views.
columns() {
	for t in books trades instruments status opportunities rejects orders fills results balances risk records; do
		echo "# $t"
		sqlite3 -header "$1" "SELECT * FROM $t ORDER BY id" | sed 's/|{.*$//'
	done
}
views() {
	for v in pnl_by_day opportunities_by_pair; do
		echo "# $v"
		sqlite3 -header "$1" "SELECT * FROM $v ORDER BY 1, 2"
	done
}
counts() { arb-store --verify "$1" | tr '\t' ' ' | tr '\n' ' '; }

# Round trip.
arb-store -d "sqlite:$T/a.db" < "$S/all-types.ndjson" 2>"$T/err"
ok $? "stores every record type"
is "$(cat "$T/err")" "" "nothing on stderr"
arb-store -d "$T/a.db" --dump > "$T/dump"
cmp_ok "$T/dump" "$G/all-types.dump" "dump gives back every line byte for byte"
columns "$T/a.db" > "$T/cols"
cmp_ok "$T/cols" "$G/all-types.sqlite.txt" "typed columns: exact decimal text, keys, hashes"
views "$T/a.db" > "$T/views"
cmp_ok "$T/views" "$G/views.sqlite.txt" "views pnl_by_day and opportunities_by_pair"
arb-store -d "$T/a.db" --query pnl_by_day > "$T/q"
printf 'day\tccy\tresults\tcomplete\tpnl\tinexact\n2023-11-14\tUSD\t1\t1\t\t1\n2023-11-15\tUSD\t1\t0\t-0.12500000\t0\n' > "$T/q.want"
cmp_ok "$T/q" "$T/q.want" "--query pnl_by_day"
arb-store -d "$T/a.db" --query nope 2>/dev/null; is $? 2 "--query of an unknown view: exit 2"
is "$(sqlite3 "$T/a.db" "SELECT DISTINCT typeof(bid_px) || typeof(px) FROM books, trades")" "texttext" "decimals are TEXT, never REAL"
c1=$(counts "$T/a.db")
is "$c1" "integrity ok schema_version 3 records 2 books 2 trades 2 instruments 1 status 2 opportunities 1 rejects 1 orders 2 fills 1 results 2 balances 1 risk 1 " "verify: integrity and counts"

# Idempotency: the same stream again, and a shuffled replay.
arb-store -v -d "$T/a.db" < "$S/all-types.ndjson" 2>"$T/err"
ok $? "stored twice"
is "$(counts "$T/a.db")" "$c1" "row counts unchanged"
grep -q "18 records: 0 stored, 18 already there" "$T/err"; ok $? "reports 18 duplicates"
sort -r "$S/all-types.ndjson" | arb-store -d "$T/a.db"
is "$(counts "$T/a.db")" "$c1" "a reordered replay adds nothing"
# A trade seen again with another receive time is the same trade.
sed -n '/"trade"/{s/"rt":1700000000000400/"rt":1700000000000999/;p;q}' "$S/all-types.ndjson" | arb-store -d "$T/a.db"
is "$(sqlite3 "$T/a.db" "SELECT count(*) FROM trades")" 2 "trades are keyed by (ex, sym, id)"

# Type selection and --tee passing everything through in order.
arb-store -d "$T/b.db" --types book,heartbeat --tee < "$S/all-types.ndjson" > "$T/tee"
cmp_ok "$T/tee" "$S/all-types.ndjson" "--tee copies every line"
is "$(counts "$T/b.db")" "integrity ok schema_version 3 records 1 books 2 trades 0 instruments 0 status 0 opportunities 0 rejects 0 orders 0 fills 0 results 0 balances 0 risk 0 " "--types book,heartbeat"
# an empty --types would store nothing: a usage error, the store untouched
arb-store -d "$T/e.db" --types '' < "$S/all-types.ndjson" 2>"$T/te.err"
is "$?" 2 "--types '': exit 2"
grep -q '^arb-store: --types: empty list$' "$T/te.err"
ok $? "  says so"
# a bad value names the option, and the file and line it came from
arb-store -d "$T/e.db" --commit-interval soon </dev/null 2>"$T/ci.err"
is "$?:$(head -n 1 "$T/ci.err")" "2:arb-store: --commit-interval: bad duration: soon" "--commit-interval soon: exit 2, named"
printf '[arb-store]\n\nbatch = 0\n' >"$T/bad.conf"
arb-store -c "$T/bad.conf" -d "$T/e.db" </dev/null 2>"$T/ci.err"
is "$?:$(head -n 1 "$T/ci.err")" "2:arb-store: $T/bad.conf:3: --batch: not a positive integer: 0" \
	"batch = 0 in a file: exit 2, named by file and line"
[ ! -e "$T/e.db" ]
ok $? "  no store made"
arb-store -d "$T/e.db" -x ' , ' < "$S/all-types.ndjson" 2>/dev/null
is "$?" 2 "--exclude-types ' , ': exit 2"
arb-store -d "$T/c.db" -x book,trade,custom.thing < "$S/all-types.ndjson"
is "$(sqlite3 "$T/c.db" "SELECT (SELECT count(*) FROM books) || (SELECT count(*) FROM trades) || (SELECT count(*) FROM records) || (SELECT count(*) FROM orders)")" "0012" "--exclude-types"
arb-store -d "$T/c.db" -t book -x trade </dev/null 2>/dev/null
is $? 2 "--types with --exclude-types is a usage error"

# Bad input: reported with the line number, written to --reject, the rest stored.
{
	head -n 3 "$S/all-types.ndjson"
	echo '{"type":"book","ts":1,"ex":"binance"'
	echo 'not json'
	printf '{"type":"x","pad":"'; head -c 1100000 /dev/zero | tr '\0' a; echo '"}'
	printf '{"type":"trade","ts":5,"rt":6,"ex":"okx","sym":"BTC/USDT","id":"7","px":1.5,"qty":"bad","side":"buy"}\n'
	echo '{"type":"weird.new.type","ts":17,"x":{"y":[1,2]}}'
	tail -n 1 "$S/all-types.ndjson"
} > "$T/bad.ndjson"
arb-store -d "$T/d.db" --reject "$T/rej" --tee < "$T/bad.ndjson" > "$T/tee" 2>"$T/err"
ok $? "bad lines are not fatal"
grep -q '^arb-store: stdin:4: ' "$T/err"; ok $? "truncated record reported with its line number"
grep -q '^arb-store: stdin:5: ' "$T/err"; ok $? "non-JSON line reported"
grep -q '^arb-store: stdin:6: line too long' "$T/err"; ok $? "too-long line reported"
grep -q '^arb-store: stdin:7: ' "$T/err"; ok $? "bad field reported"
grep -q '4 bad lines skipped' "$T/err"; ok $? "count of bad lines at exit"
is "$(wc -l < "$T/rej")" 3 "bad lines written to --reject (not the too-long one)"
is "$(sed -n 2p "$T/rej")" "not json" "reject file holds the line as read"
is "$(sqlite3 "$T/d.db" "SELECT (SELECT count(*) FROM books) || (SELECT count(*) FROM trades) || (SELECT group_concat(type) FROM (SELECT type FROM records ORDER BY id))")" "21weird.new.type,custom.thing" "good lines stored, unknown types in records"
is "$(wc -l < "$T/tee")" 5 "--tee passes on only the good lines"
arb-store -d "$T/e.db" --strict < "$T/bad.ndjson" 2>/dev/null
is $? 1 "--strict: a bad line is fatal"
is "$(sqlite3 "$T/e.db" "SELECT count(*) FROM books")" 2 "--strict keeps what came before"

# Migrations: an old database is refused until --migrate; a newer one is refused.
arb-store -d "$T/mx.db" --migrate=4294967297 2>"$T/err"
is $? 2 "--migrate=4294967297: a usage error, not version 1"
grep -q "^arb-store: --migrate: bad version: 4294967297$" "$T/err"; ok $? "  says so"
[ ! -e "$T/mx.db" ]; ok $? "  no database made"
arb-store -d "$T/m.db" --migrate=1 2>/dev/null
ok $? "--migrate=1 creates schema version 1"
is "$(sqlite3 "$T/m.db" "SELECT max(version) FROM schema_version")" 1 "at version 1"
arb-store -d "$T/m.db" < "$S/all-types.ndjson" 2>"$T/err"
is $? 1 "an older database needs --migrate"
grep -q "older than 3: run arb-store --migrate" "$T/err"; ok $? "and says so"
arb-store -d "$T/m.db" --migrate
ok $? "--migrate upgrades"
arb-store -d "$T/m.db" < "$S/all-types.ndjson"
is "$(counts "$T/m.db")" "$c1" "the migrated database stores the stream"
arb-store -d "$T/m2.db" --migrate=2 && arb-store -d "$T/m2.db" < "$S/all-types.ndjson" 2>/dev/null
is $? 1 "a version 2 database needs --migrate"
arb-store -d "$T/m2.db" --migrate && arb-store -d "$T/m2.db" < "$S/all-types.ndjson"
is "$(sqlite3 "$T/m2.db" "SELECT group_concat(version) FROM schema_version") $(counts "$T/m2.db")" "1,2,3 $c1" "version 2 to 3, then stored"
sqlite3 "$T/m.db" "INSERT INTO schema_version VALUES (99, 0)"
arb-store -d "$T/m.db" < "$S/all-types.ndjson" 2>"$T/err"
is $? 1 "a newer database is an error (exit 1)"
grep -q "schema version 99 is newer than this program's (3)" "$T/err"; ok $? "and says so clearly"
echo "CREATE TABLE other (x);" | sqlite3 "$T/other.db"
arb-store -d "$T/other.db" </dev/null 2>"$T/err"
is $? 1 "a database that is not ours is refused"

# Default database: $ARB_DB, else $XDG_DATA_HOME/arbitron/arb.db (directories created).
head -n 1 "$S/all-types.ndjson" | env -u ARB_DB XDG_DATA_HOME="$T/xdg" arb-store
ok $? "default database"
test -f "$T/xdg/arbitron/arb.db"; ok $? "created under \$XDG_DATA_HOME/arbitron"
head -n 1 "$S/all-types.ndjson" | ARB_DB="sqlite:$T/env.db" arb-store
test -f "$T/env.db"; ok $? "\$ARB_DB"

# Configuration file ([arb-store] section), environment, command line; metrics.
printf '# test\n[arb-store]\ndb = "sqlite:%s/conf.db"\ntee = true\n[arb-report]\ndb = nowhere\n' "$T" > "$T/a.conf"
arb-store -c "$T/a.conf" --metrics "$T/m.prom" < "$S/all-types.ndjson" > "$T/tee"
ok $? "--config"
test -f "$T/conf.db"; ok $? "db from the [arb-store] section"
cmp_ok "$T/tee" "$S/all-types.ndjson" "tee = true from the file"
arb-store -c "$T/a.conf" -d "$T/conf2.db" < "$S/all-types.ndjson" > /dev/null
test -f "$T/conf2.db"; ok $? "the command line overrides the file"
ARB_DB="$T/conf3.db" arb-store -c "$T/a.conf" < "$S/all-types.ndjson" > /dev/null
test -f "$T/conf3.db"; ok $? "the environment overrides the file"
ARB_BATCH=0 arb-store -c "$T/a.conf" </dev/null >/dev/null 2>"$T/err"
is $? 2 "a bad value in the environment is a usage error"
grep -q "environment ARB_BATCH" "$T/err"; ok $? "naming where it came from"
grep -q '^arb_store_records_total{result="stored"} 18$' "$T/m.prom"; ok $? "--metrics: records stored"
grep -q '^arb_store_lag_seconds 0' "$T/m.prom"; ok $? "--metrics: lag"

# Idle durability and --tee: a line is committed and passed on within the
# interval while the input stays open; SIGTERM commits and exits 0.
mkfifo "$T/fifo"
arb-store -d "$T/f.db" --tee -i 100ms < "$T/fifo" > "$T/ftee" &
pid=$!
exec 3>"$T/fifo"
head -n 2 "$S/all-types.ndjson" >&3
# The input stays open: without a commit on the interval nothing would come.
n=0; until [ "$(wc -l < "$T/ftee")" -ge 2 ] || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
is "$(sqlite3 "$T/f.db" "SELECT count(*) FROM books")" 2 "idle stream: committed within the interval"
is "$(wc -l < "$T/ftee")" 2 "idle stream: passed on after the commit"
sed -n 3p "$S/all-types.ndjson" >&3
kill -TERM $pid
wait $pid
is $? 0 "SIGTERM: exit 0"
exec 3>&-
is "$(sqlite3 "$T/f.db" "SELECT count(*) FROM trades")" 1 "SIGTERM: what was read is committed"

# systemd: READY=1 once open, STOPPING=1 on SIGTERM (sd_notify datagrams).
if command -v python3 >/dev/null; then
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(10)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            m = s.recv(4096).decode()
            out.write(m + "\n"); out.flush()
            if "STOPPING=1" in m:
                break
    except socket.timeout:
        pass
' "$T/notify.sock" "$T/notify.log" &
	npid=$!
	n=0; while [ ! -S "$T/notify.sock" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	rm -f "$T/fifo2"; mkfifo "$T/fifo2"
	NOTIFY_SOCKET="$T/notify.sock" arb-store -d "$T/n.db" < "$T/fifo2" &
	pid=$!
	exec 4>"$T/fifo2"
	# the signal once READY=1 has been sent (a slow start under load)
	n=0; until grep -q '^READY=1$' "$T/notify.log" 2>/dev/null || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
	kill -TERM $pid
	wait $pid
	is $? 0 "under systemd: SIGTERM, exit 0"
	exec 4>&-
	wait $npid
	is "$(tr '\n' ' ' < "$T/notify.log")" "READY=1 STOPPING=1 " "sd_notify: READY=1, then STOPPING=1"
else
	ok 0 "(python3 not found: not checked)"
	ok 0 "(python3 not found: not checked)"
fi

# Backup while a writer runs: consistent, verifies, restores.
"$S/gen-stream" 60000 3 > "$T/big.ndjson"
# The input comes in pieces 0.1 s apart so that the ingest is still going.
split -l 5000 "$T/big.ndjson" "$T/piece."
{ for f in "$T"/piece.*; do cat "$f"; sleep 0.1; done; } | arb-store -vv -d "$T/g.db" 2>"$T/gerr" &
pid=$!
n=0; until arb-store --verify "$T/g.db" >/dev/null 2>&1 || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
arb-store -d "$T/g.db" --backup "$T/backup.db"
ok $? "--backup during ingest ($(arb-store --verify "$T/backup.db" | awk '$1 == "books" { print $2 }') books of 60000 records)"
wait $pid
ok $? "the writer was not disturbed"
# About 1900 pages of 16 KiB: the checkpointing thread had at least one to do.
grep -q ": [1-9][0-9]* checkpoints in their thread" "$T/gerr"
ok $? "checkpoints ran in their own thread ($(grep -o '[0-9]* checkpoints in their thread' "$T/gerr"))"
arb-store --verify "$T/backup.db" > "$T/bv"
ok $? "the backup verifies"
grep -q "^integrity	ok" "$T/bv"; ok $? "backup integrity ok"
arb-store -d "$T/backup.db" < "$T/big.ndjson"
is "$(counts "$T/backup.db")" "$(counts "$T/g.db")" "restoring from the backup and replaying completes it"

# The WAL starts over during a long ingest (the committing thread waits
# for the checkpointing thread every 8192 pages, at most 2048 pages
# later): with 1 KiB pages (the database made by sqlite3 first) that is
# at most about 10.7 MB of WAL and a batch, where the
# 60000 records make a database of about 32 MB, all of which the WAL would
# hold if it never started over.  Its size is sampled while the ingest runs.
sqlite3 "$T/w.db" "PRAGMA page_size=1024; PRAGMA journal_mode=WAL; CREATE TABLE t (x); DROP TABLE t;" >/dev/null
arb-store -b 2000 -d "$T/w.db" < "$T/big.ndjson" &
pid=$!
max=0
while kill -0 $pid 2>/dev/null; do
	s=$(stat -c %s "$T/w.db-wal" 2>/dev/null || echo 0)
	[ "$s" -gt "$max" ] && max=$s
	sleep 0.02
done
wait $pid
ok $? "a database of 1 KiB pages takes the stream"
is "$(sqlite3 "$T/w.db" "PRAGMA page_size; SELECT count(*) FROM books" | tr '\n' ' ')" "1024 $(grep -c '"type":"book"' "$T/big.ndjson") " "all of it"
[ "$max" -gt 0 ] && [ "$max" -lt 16000000 ]
ok $? "the WAL started over: at most $max bytes (not about 32 MB)"

# A full disk (a file size limit): a clear error, exit 1, nothing acknowledged lost.
(ulimit -f 4096; arb-store -d "$T/h.db" --tee -b 2000 < "$T/big.ndjson" > "$T/htee" 2>"$T/err")
is $? 1 "disk full: exit 1"
grep -qi "full\|too large\|I/O" "$T/err"; ok $? "disk full: a clear message ($(head -c 120 "$T/err" | tr '\n' ' '))"
arb-store --verify "$T/h.db" >/dev/null
ok $? "disk full: the database is intact"
arb-store -d "$T/h.db" --dump | sort > "$T/hdump"
sort "$T/htee" | comm -23 - "$T/hdump" > "$T/missing"
is "$(wc -l < "$T/missing")" 0 "disk full: every line passed on is stored ($(wc -l < "$T/htee") lines)"
arb-store -d "$T/h.db" < "$T/big.ndjson"
is "$(arb-store -d "$T/h.db" --dump | wc -l)" 60000 "with room again, a rerun completes it"

# Usage errors.
arb-store --bogus 2>/dev/null; is $? 2 "unknown option: exit 2"
arb-store -b 0 </dev/null 2>/dev/null; is $? 2 "--batch 0: exit 2"
arb-store -i xyz </dev/null 2>/dev/null; is $? 2 "bad --commit-interval: exit 2"
arb-store -d 'postgresql://u:secret@localhost/db' </dev/null 2>"$T/err"; is $? 2 "password in the URL: exit 2"
grep -q "password on the command line is refused" "$T/err"; ok $? "and says why"
grep -q secret "$T/err"; is $? 1 "without echoing the password"
arb-store -h | grep -q '^usage: arb-store'; ok $? "-h prints usage"
arb-store -d "$T/nonexistent.db" --verify "$T/nonexistent.db" 2>/dev/null; is $? 1 "--verify of a missing database: exit 1"
# a file that is no database: said as such, not as a schema change (a
# read-only check changes nothing)
echo "not a database" >"$T/notdb.db"
arb-store --verify "sqlite:$T/notdb.db" 2>"$T/err"
is "$?:$(cat "$T/err")" "1:arb-store: $T/notdb.db: opening: file is not a database" \
	"--verify of a file that is no database: exit 1, opening"
# SIGHUP reopens --reject (log rotation): bad lines before the signal stay in
# the moved file, those after go to a new one
# (each step waits for the one before: a slow start under load)
rm -f "$T/hup.fifo"; mkfifo "$T/hup.fifo"
arb-store --db "sqlite:$T/hup.db" --reject "$T/hup.rej" <"$T/hup.fifo" 2>"$T/hup.err" &
HUPPID=$!
exec 5>"$T/hup.fifo"
echo 'bad one' >&5
n=0; until grep -q 'bad one' "$T/hup.rej" 2>/dev/null || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
mv "$T/hup.rej" "$T/hup.rej.1"
kill -HUP "$HUPPID"
sleep 0.4
echo 'bad two' >&5
n=0; until grep -q 'bad two' "$T/hup.rej" 2>/dev/null || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
exec 5>&-
wait "$HUPPID"
is "$?" 0 "SIGHUP: arb-store goes on"
is "$(cat "$T/hup.rej.1")" "bad one" "SIGHUP: the line before stays in the moved file"
is "$(cat "$T/hup.rej")" "bad two" "SIGHUP: the line after goes to the reopened file"
# A fill without fee (arb-exec could not compute it exactly): a record,
# stored with fee NULL, not refused as a bad line (it was: missing "fee")
printf '%s\n' '{"type":"fill","ts":1700000000000000,"ex":"kraken","sym":"BTC/USDT","opp":"o1","cid":"c1","side":"buy","px":30000,"qty":0.1,"fee_ccy":"USDT","mode":"live"}' |
	arb-store -d "sqlite:$T/nofee.db" 2>"$T/nofee.err"
is "$? $(cat "$T/nofee.err")" "0 " "a fill without fee is stored, without a word"
is "$(sqlite3 "$T/nofee.db" "SELECT cid, qty, fee IS NULL, fee_ccy FROM fills")" "c1|0.1|1|USDT" "  with fee NULL"
done_testing
