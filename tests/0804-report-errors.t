#!/bin/sh
# arb-report: empty input, unknown record types, bad lines, usage errors:
# clear messages, the right exit status, no crash.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson

# Empty input: an empty report, a notice, exit 0, in every format.
for f in text csv json prom html; do
	arb-report -r all -f $f < /dev/null > "$T/e.$f" 2> "$T/e.err"
	is $? 0 "empty input, format $f: exit 0"
done
is "$(cat "$T/e.err")" "arb-report: stdin: no records: the report is empty" "empty input: says there are no records"
: >"$T/empty.ndjson"
arb-report "$T/empty.ndjson" >/dev/null 2>"$T/e1.err"
is "$(cat "$T/e1.err")" "arb-report: $T/empty.ndjson: no records: the report is empty" \
    "  naming the file it read, not stdin"
arb-report "$T/empty.ndjson" - </dev/null >/dev/null 2>"$T/e2.err"
is "$(cat "$T/e2.err")" "arb-report: input: no records: the report is empty" "  or the input, of several"
grep -q '^realised pnl  *0  USDT$' "$T/e.text"
ok $? "empty input: P&L 0"

# Unknown record types are counted and named once; bad lines are
# reported with their line number and skipped.
{
	head -n 20 "$S"
	echo '{"type":"mystery","ts":1796000000000000}'
	echo '{"type":"mystery","ts":1796000000000001}'
	echo 'not json at all'
	echo '{"type":"result","ts":1796000000000002,"opp":"x","kind":"cross"}'
	printf '{"type":"book","ts":1,"bad utf8 \377"}\n'
	tail -n +21 "$S"
} > "$T/mixed.ndjson"
arb-report -r all < "$T/mixed.ndjson" > "$T/m.text" 2> "$T/m.err"
is $? 0 "bad lines are skipped: exit 0"
is "$(grep -c 'unknown record type "mystery"' "$T/m.err")" 1 "an unknown type is named once"
grep -q 'stdin:23: ' "$T/m.err"
ok $? "a bad JSON line is reported with its number"
grep -q 'stdin:24: bad record: missing key "status"' "$T/m.err"
ok $? "a result without its keys is reported with its number and the key"
grep -q 'stdin:25: ' "$T/m.err"
ok $? "invalid UTF-8 is reported"
grep -q '3 bad lines' "$T/m.err"
ok $? "the count of bad lines is reported at exit"
grep -q '^bad lines (input)  *3$' "$T/m.text"
ok $? "the report counts the bad lines"
grep -q '^unknown records  *3$' "$T/m.text"
ok $? "the report counts the unknown records (2 mystery, 1 heartbeat)"
grep -q '^realised pnl  *7.35  USDT$' "$T/m.text"
ok $? "the good records still make the same P&L"
# an empty line is a bad line, as in the other programs (it was skipped
# without a word)
{ head -n 3 "$S"; echo; tail -n +4 "$S"; } | arb-report -r summary >/dev/null 2>"$T/el.err"
is "$(grep -v 'unknown record\|unknown type' "$T/el.err")" "arb-report: stdin:4: bad record: invalid JSON at byte 0: empty text
arb-report: 1 bad line skipped" "an empty line: a bad line, named"
arb-report --strict < "$T/mixed.ndjson" > /dev/null 2>&1
is $? 1 "--strict: a bad line is fatal (exit 1)"

# Long ids and exact numbers as arb-exec writes them still fit 80
# columns of text (numbers are never cut, so very long ones may not).
{
	echo '{"type":"fill","ts":1796000000000000,"ex":"coinbase","sym":"SOL/USDT","opp":"cycle:coinbase:USDT>BTC>SOL>USDT:1796000000000000","cid":"c1","side":"sell","px":60008.989,"qty":0.0338,"fee":2.63679497666,"fee_ccy":"USDT","mode":"paper"}'
	echo '{"type":"result","ts":1796000000000001,"opp":"cycle:coinbase:USDT>BTC>SOL>USDT:1796000000000000","kind":"cycle","status":"complete","reason":"filled_after_a_long_wait","pnl":-12345.123456789012345678,"ccy":"USDT"}'
} | arb-report -r all > "$T/long.text" 2> /dev/null
awk 'length($0) > 80 { bad = 1; print "# too long: " $0 } END { exit bad }' "$T/long.text"
ok $? "long ids and numbers: text still fits 80 columns"
grep -q -- '-12345.123456789012345678' "$T/long.text"
ok $? "long numbers are shown exactly"

# A reason with a newline and UTF-8, cut to fit: one line, valid UTF-8.
printf '%s\n' '{"type":"result","ts":1796000000000001,"opp":"ééééééééééééééééééééééééééééééééééééééééé","kind":"cycle","status":"failed","reason":"line1\nline2 ünïcödé reason that is rather long indeed","pnl":0,"ccy":"USDT"}' |
	arb-report -r trades > "$T/u.text" 2> /dev/null
is "$(grep -c '^2026-11-30 00:53:20' "$T/u.text")" 1 "a reason with a newline stays on one line"
python3 -c 'import sys; open(sys.argv[1], encoding="utf-8").read()' "$T/u.text"
ok $? "text cut on UTF-8 character boundaries"

# Usage errors: exit 2 with a message.
usage() { arb-report "$@" < "$S" > /dev/null 2> "$T/u.err"; echo $?; }
is "$(usage -f pdf)" 2 "unknown format: exit 2"
grep -q 'unknown format "pdf"' "$T/u.err"; ok $? "unknown format named"
is "$(usage -r everything)" 2 "unknown report: exit 2"
is "$(usage --since yesterday)" 2 "bad --since: exit 2"
is "$(usage --check 'pnl >')" 2 "bad --check: exit 2"
is "$(usage --check 'profit > 3')" 2 "unknown metric: exit 2"
grep -q 'unknown metric "profit"' "$T/u.err"; ok $? "unknown metric named"
is "$(usage --bogus)" 2 "unknown option: exit 2"
is "$(usage "$T/no-such-file")" 1 "a missing input file: exit 1"
grep -q "no-such-file: No such file" "$T/u.err"; ok $? "a missing input file: named"
is "$(usage -d "sqlite:$T/x.db" "$S")" 2 "files and --db together: exit 2"
arb-report -h > "$T/h.out" 2>&1
is $? 0 "-h: exit 0"
grep -q '^usage: arb-report' "$T/h.out"; ok $? "-h prints the usage on stdout"
is "$(arb-report -V)" "arb-report 0.1.0" "-V prints the version"

# Databases that cannot be read: exit 1 with a reason.
arb-report --db "sqlite:$T/missing/none.db" > /dev/null 2> "$T/d.err"
is $? 1 "missing database: exit 1"
grep -q 'cannot open' "$T/d.err"; ok $? "missing database: says so"
if command -v sqlite3 > /dev/null 2>&1; then
	sqlite3 "$T/other.db" 'CREATE TABLE t (x INTEGER);'
	arb-report --db "sqlite:$T/other.db" > /dev/null 2> "$T/o.err"
	is $? 1 "not an arb-store database: exit 1"
	grep -q 'not an arb-store database' "$T/o.err"; ok $? "not an arb-store database: says so"
	# An "older schema": schema_version says 1 but the tables predate the
	# line column.
	sqlite3 "$T/old.db" 'CREATE TABLE schema_version (version INTEGER, applied_us BIGINT);
		INSERT INTO schema_version VALUES (1, 0);
		CREATE TABLE books (id INTEGER PRIMARY KEY, ts INTEGER, ex TEXT);'
	arb-report --db "sqlite:$T/old.db" > /dev/null 2> "$T/old.err"
	is $? 1 "older, unreadable schema: exit 1"
	grep -q 'schema version 1: table .* unreadable' "$T/old.err"
	ok $? "older schema: names the version and the table ($(cat "$T/old.err"))"
fi
done_testing
