#!/bin/sh
# arb-exec restarts with the same state file: the output continues where
# it stopped, balances and decided opportunities carry over, orders in
# flight at the end of the first run are finished by the second, and no
# client order id is ever sent twice.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/exec
command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"
cd "$S" || exit 1
cat common.ndjson restart.ndjson >"$T/all"
n=$(wc -l <"$T/all")
sent() { grep '"state":"sent"' "$@" | sed 's/.*"cid":"\([^"]*\)".*/\1/'; }

# the reference: one run over the whole stream
arb-exec --balances balances.txt --on-stop finish --state "$T/ref.state" <"$T/all" >"$T/ref.out" 2>"$T/ref.err"
ok $? "whole stream"
is "$(grep -c '"type":"result"' "$T/ref.out")" 2 "two results"

# split at every line: the two runs together give the same output
fails=0
i=1
while [ "$i" -lt "$n" ]; do
	rm -f "$T/s.state"
	head -n "$i" "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/s.state" >"$T/a.out" 2>/dev/null || fails=$((fails + 1))
	tail -n +"$((i + 1))" "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/s.state" >"$T/b.out" 2>"$T/b.err" || fails=$((fails + 1))
	cat "$T/a.out" "$T/b.out" >"$T/ab.out"
	if ! cmp -s "$T/ab.out" "$T/ref.out"; then
		fails=$((fails + 1))
		echo "# split after line $i differs:"
		diff "$T/ref.out" "$T/ab.out" | head -n 10 | sed 's/^/#   /'
	fi
	[ -z "$(sent "$T/ab.out" | sort | uniq -d)" ] || { fails=$((fails + 1)); echo "# split $i: a cid sent twice"; }
	i=$((i + 1))
done
is "$fails" 0 "split at each of $((n - 1)) lines: output continues exactly, no cid twice"
grep -q 'ignored: resuming the balances' "$T/b.err"
ok $? "--balances is ignored when the state file has balances"

# a cancel asked for before the stop reaches the venue one latency after it
# was asked for, and ends the order with its reason, after a restart too:
# binance's leg misses at 180 ms, the cancel of kraken's leg (latency 40ms)
# arrives at 220 ms and wins over kraken's book at 225 ms (failed, miss).
# It was resumed as if asked for at the restart (a split after 190 ms: the
# leg filled, partial) and without its reason (after 180 ms: "reason":"")
cat common.ndjson restart-cancel.ndjson >"$T/rc"
rcopts='--balances balances.txt --latency binance=20ms --latency kraken=40ms --on-stop finish'
# shellcheck disable=SC2086
arb-exec $rcopts --state "$T/rcref.state" <"$T/rc" >"$T/rcref.out" 2>/dev/null
grep -q '"status":"failed","reason":"miss"' "$T/rcref.out" &&
    grep -q '"state":"canceled","filled":0,"mode":"paper","reason":"leg_failure"' "$T/rcref.out"
ok $? "cancel in flight: the reference run (the cancel wins, leg_failure)"
fails=0
n=$(wc -l <"$T/rc")
i=1
while [ "$i" -lt "$n" ]; do
	rm -f "$T/s.state"
	# shellcheck disable=SC2086
	head -n "$i" "$T/rc" | arb-exec $rcopts --state "$T/s.state" >"$T/a.out" 2>/dev/null &&
	    tail -n +"$((i + 1))" "$T/rc" | arb-exec $rcopts --state "$T/s.state" >"$T/b.out" 2>/dev/null ||
	    fails=$((fails + 1))
	if ! cat "$T/a.out" "$T/b.out" | cmp -s - "$T/rcref.out"; then
		fails=$((fails + 1))
		echo "# split after line $i differs:"
		cat "$T/a.out" "$T/b.out" | diff "$T/rcref.out" - | head -n 6 | sed 's/^/#   /'
	fi
	i=$((i + 1))
done
is "$fails" 0 "cancel in flight: split at each of $((n - 1)) lines: the same output"

# an id is remembered while its records go on and a minute after the latest
# expires they carry (arb-exec(1), Opportunities): the same opportunity's
# records at 0 s, at 30 s (expires 31.23 s with its gone) and at 130 s
# (more than a minute later): decided at 0 and again at 130 s, with client
# order ids of its own.  It was decided once: the id was forgotten only
# when the table of ids grew, here never.
cat common.ndjson seen-again.ndjson >"$T/sa"
saopts='--balances balances-big.txt --on-stop finish'
# shellcheck disable=SC2086
arb-exec $saopts --state "$T/saref.state" <"$T/sa" >"$T/saref.out" 2>/dev/null
is "$(grep '"type":"result"' "$T/saref.out" | sed 's/.*"ts":\([0-9]*\).*"status":"\([a-z]*\)".*/\1 \2/' | tr '\n' ' ')" \
    "1700000000220000 complete 1700000130220000 complete " "an id back after more than a minute: decided again"
is "$(sent "$T/saref.out" | sort -u | wc -l)" 4 "  with client order ids of its own"
fails=0
n=$(wc -l <"$T/sa")
i=1
while [ "$i" -lt "$n" ]; do
	rm -f "$T/s.state"
	# shellcheck disable=SC2086
	head -n "$i" "$T/sa" | arb-exec $saopts --state "$T/s.state" >"$T/a.out" 2>/dev/null &&
	    tail -n +"$((i + 1))" "$T/sa" | arb-exec $saopts --state "$T/s.state" >"$T/b.out" 2>/dev/null ||
	    fails=$((fails + 1))
	cat "$T/a.out" "$T/b.out" | cmp -s - "$T/saref.out" || fails=$((fails + 1))
	i=$((i + 1))
done
is "$fails" 0 "  split at each of $((n - 1)) lines: the same output"

# ... but never while it is in flight: kraken's leg waits for a book until
# 130.3 s, and the update at 130.15 s (more than a minute after expires)
# is a duplicate, not a second decision (fuzz-exec: a result of the second
# while an order of the first was still sent)
cat common.ndjson seen-live.ndjson | arb-exec --balances balances-big.txt >"$T/sl.out" 2>/dev/null
is "$(grep '"type":"result"' "$T/sl.out" | sed 's/.*"ts":\([0-9]*\).*"status":"\([a-z]*\)","reason":"\([a-z_]*\)".*/\1 \2 \3/' | tr '\n' ' ')" \
    "1700000130300000 partial leg_timeout " "an id back while its opportunity is in flight: not decided again"
is "$(sent "$T/sl.out" | sort -u | wc -l)" 2 "  its two orders only"

# the whole stream again with the finished state: nothing is sent again
arb-exec --balances balances.txt --state "$T/ref.state" <"$T/all" >"$T/again.out" 2>"$T/again.err"
ok $? "replay with the same state"
cmp_ok "$T/again.out" "$T/all" "replayed opportunities are not traded twice (output is the input)"

# the default (--on-stop cancel): what is in flight at the end is canceled
head -n 9 "$T/all" | arb-exec --balances balances.txt --state "$T/c.state" >"$T/c.out" 2>/dev/null
ok $? "end of input with orders in flight"
is "$(grep -c '"state":"canceled","filled":0,"mode":"paper","reason":"eof"' "$T/c.out")" 2 "both legs canceled (eof)"
is "$(grep -c '"status":"failed","reason":"stopped"' "$T/c.out")" 1 "result: failed, stopped"
tail -n +10 "$T/all" | arb-exec --state "$T/c.state" >"$T/c2.out" 2>/dev/null
is "$(cat "$T/c.out" "$T/c2.out" | sent | sort | uniq -d | wc -l)" 0 "no cid twice after a cancel"

# a state file left by a crash between recording and sending: the orders
# are unknown (perhaps sent), never sent again (edited by hand, the file
# loses its commit lines and is read as a plain snapshot)
head -n 9 "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/k.state" >/dev/null 2>&1
sed -e 's/"state":"sent"/"state":"new"/' -e '/"type":"commit"/d' "$T/k.state" >"$T/k2.state" && mv "$T/k2.state" "$T/k.state"
tail -n +10 "$T/all" | arb-exec --state "$T/k.state" >"$T/k.out" 2>"$T/k.err"
ok $? "resume after a crash"
is "$(grep -c '"state":"unknown","filled":0,"mode":"paper","reason":"restart"' "$T/k.out")" 2 "orders recorded but not confirmed sent are unknown"
is "$(grep -c '"state":"sent"' "$T/k.out")" 2 "only the next opportunity's orders are sent"
is "$(grep -c '"state":"filled"' "$T/k.out")" 4 "the unknown orders are found filled (paper)"

# a state file of the earlier version (1, no commit lines) is read, and
# written anew in this one
rm -f "$T/v1.state"
head -n 9 "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/v1.state" >"$T/v1a.out" 2>/dev/null
sed -e 's/"version":2/"version":1/' -e '/"type":"commit"/d' "$T/v1.state" >"$T/v1b" && mv "$T/v1b" "$T/v1.state"
tail -n +10 "$T/all" | arb-exec --on-stop finish --state "$T/v1.state" >"$T/v1b.out" 2>"$T/v1.err"
ok $? "a version 1 state file: read"
cat "$T/v1a.out" "$T/v1b.out" >"$T/v1.out"
cmp_ok "$T/v1.out" "$T/ref.out" "  the output continues exactly"
is "$(head -c 32 "$T/v1.state")" '{"type":"exec_state","version":2' "  written anew as version 2"

# the state file moved away while in use: the next save writes it anew
rm -f "$T/mv.state" "$T/fifo"
mkfifo "$T/fifo"
arb-exec --balances balances.txt --on-stop finish --state "$T/mv.state" <"$T/fifo" >"$T/mv.out" 2>"$T/mv.err" &
mpid=$!
exec 3>"$T/fifo"
head -n 9 "$T/all" >&3
w=0
while [ ! -s "$T/mv.state" ] && [ "$w" -lt 500 ]; do sleep 0.01; w=$((w + 1)); done
sleep 0.2
mv "$T/mv.state" "$T/mv.old"
tail -n +10 "$T/all" >&3
exec 3>&-
wait "$mpid"
ok $? "state file moved away during the run: exit 0"
cmp_ok "$T/mv.out" "$T/ref.out" "  the same output"
grep -q 'mv.state: moved or replaced while in use: writing a new snapshot' "$T/mv.err"
ok $? "  says so"
arb-exec --state "$T/mv.state" --show-state | grep -v '"type":"exec_state"' >"$T/mv.show"
arb-exec --state "$T/ref.state" --show-state | grep -v '"type":"exec_state"' >"$T/ref.show"
cmp_ok "$T/mv.show" "$T/ref.show" "  and the state file is there again, complete"
rm -f "$T/fifo"

# a state file that cannot be written is found at start, before any
# record is read (exit 1), and creates nothing
arb-exec --balances balances.txt --state "$T/no/such/dir/s" <"$T/all" >"$T/w.out" 2>"$T/w.err"
is "$?" 1 "state file in a missing directory: exit 1"
is "$(wc -c <"$T/w.out")" 0 "  nothing read, nothing written"
is "$(cat "$T/w.err")" "arb-exec: $T/no/such/dir/s: cannot be written: $T/no/such/dir/s.tmp: No such file or directory" \
    "  says why"
mkdir "$T/sdir"
arb-exec --state "$T/sdir" <"$T/all" >"$T/w.out" 2>"$T/w.err"
is "$?:$(wc -c <"$T/w.out"):$(cat "$T/w.err")" "1:0:arb-exec: $T/sdir: Is a directory" \
    "a directory as the state file: exit 1, says why"
mkdir "$T/fresh"
arb-exec --state "$T/fresh/s" </dev/null >/dev/null 2>"$T/w.err"
is "$?:$(cat "$T/w.err"):$(ls "$T/fresh")" "0::s" "a new state file: written at exit, no other file left"

# a state file that can no longer be written (its directory removed
# after the start): nothing is sent, every order is rejected (state)
rm -f "$T/fifo"
mkfifo "$T/fifo"
mkdir "$T/gone"
arb-exec --balances balances.txt --state "$T/gone/s" <"$T/fifo" >"$T/w.out" 2>"$T/w.err" &
wpid=$!
exec 3>"$T/fifo"
head -n 8 "$T/all" >&3
w=0
while [ "$(wc -l <"$T/w.out")" -lt 8 ] && [ "$w" -lt 500 ]; do sleep 0.01; w=$((w + 1)); done
is "$(ls -A "$T/gone")" "" "  8 lines in, the start check has created no file"
rm -rf "$T/gone"
tail -n +9 "$T/all" >&3
exec 3>&-
wait "$wpid"
is "$?" 1 "state file not writable during the run: exit 1"
is "$(grep -c '"state":"sent"' "$T/w.out")" 0 "  no order sent"
is "$(grep -c '"state":"rejected","filled":0,"mode":"paper","reason":"state"' "$T/w.out")" 4 "  every order rejected (state)"
is "$(grep -c '"status":"failed","reason":"rejected"' "$T/w.out")" 2 "  both opportunities failed"
is "$(sort -u "$T/w.err")" "arb-exec: state file: $T/gone/s.tmp: No such file or directory" "  says why"
rm -f "$T/fifo"

# refused FILE PATTERN WHAT HOW: reading the state file FILE is an error
# (exit 1: WHAT) whose message matches PATTERN (grep: HOW)
refused() {
	arb-exec --state "$1" --show-state >/dev/null 2>"$1.err"
	is "$?" 1 "$3: exit 1"
	grep -q "$2" "$1.err"
	ok $? "  $4"
}

# a damaged state file is an error, not a fresh start
echo '{"type":"exec_state","version":99}' >"$T/bad.state"
arb-exec --state "$T/bad.state" </dev/null >/dev/null 2>"$T/bad.err"
is "$?" 1 "unknown state version: exit 1"
grep -q 'unknown state version' "$T/bad.err"
ok $? "says why"
# an empty file (what a crash can leave of a save not synced), a file
# without the engine's line: errors, never a fresh start
: >"$T/empty.state"
arb-exec --state "$T/empty.state" </dev/null >/dev/null 2>"$T/empty.err"
is "$?" 1 "empty state file: exit 1"
is "$(cat "$T/empty.err")" "arb-exec: $T/empty.state: empty: cut short or not a state file; restore it from a backup, or move it away to start without state" "  says why"
grep '"type":"balance"' "$T/ref.state" >"$T/nohead.state"
refused "$T/nohead.state" "nohead.state: no exec_state line: cut short" \
    "state file without an exec_state line" "says why"
# a version 2 snapshot cut at a line boundary before its commit line reads
# like one edited by hand: loaded, with a warning
sed '$d' "$T/ref.state" >"$T/cut.state"
arb-exec --state "$T/cut.state" --show-state >/dev/null 2>"$T/cut.err"
ok $? "snapshot without its commit line: loads (as edited by hand)"
grep -q "cut.state: no commit lines: read as a snapshot edited by hand (if it was not edited, it was cut short" "$T/cut.err"
ok $? "  with a warning"
# indices in an opportunity's line are checked (fuzz-state): a sequential
# cycle's next leg out of range made the engine read before its legs
# (arb-exec crashed on resuming it), and so would a leg's order index
head -n 9 "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/ix.state" >/dev/null 2>&1
# edited NAME SED-EXPR: $T/NAME.state, ix.state without its commit lines
# (read as a snapshot edited by hand) and with SED-EXPR applied
edited() { sed -e '/"type":"commit"/d' -e "$2" "$T/ix.state" >"$T/$1.state"; }
edited ix1 's/"seq":0,"next_leg":2/"seq":1,"next_leg":-50000/'
refused "$T/ix1.state" 'ix1.state:[0-9]*: bad opp line' "next leg out of range" "naming the file, the line and the record"
arb-exec --state "$T/ix1.state" </dev/null >/dev/null 2>&1
is "$?" 1 "  and a run with it stops there (exit 1), not in the engine"
edited ix2 's/"seq":0,"next_leg":2/"seq":1,"next_leg":0/'
refused "$T/ix2.state" 'ix2.state:[0-9]*: bad opp line' "a sequential cycle's next leg 0" "says so"
edited ix5 's/"seq":0,"next_leg":2,/"seq":1,/'
refused "$T/ix5.state" 'ix5.state:[0-9]*: bad opp line' "a sequential cycle without its next leg (read as 0)" "says so"
edited ix3 's/"order":1}/"order":77777}/'
refused "$T/ix3.state" 'ix3.state:[0-9]*: bad opp line' "a leg's order index out of range" "says so"
edited ix4 's/"seq":0,"next_leg":2/"seq":1,"next_leg":2/'
arb-exec --state "$T/ix4.state" --show-state >/dev/null 2>&1
ok $? "  a sequential cycle at its last leg still loads"
# integers the engine adds to, multiplies or indexes with are range-checked
# (fuzz-state, UBSan: the day number times a day overflowed)
edited r1 's/"day":-1/"day":-1700000000600000/'
refused "$T/r1.state" 'r1.state:1: bad exec_state line' "a day number out of range" "naming the file, the line and the record"
edited r2 's/"sent":\[\]/"sent":[9223372036854775807]/'
refused "$T/r2.state" 'r2.state:1: bad exec_state line' "a send time out of range" "says so"
edited r3 's/"tries":0/"tries":2147483647/'
refused "$T/r3.state" 'r3.state:[0-9]*: bad opp line' "an unwind count out of range" "says so"
edited r4 's/"leg":1,/"leg":2147483647,/'
refused "$T/r4.state" 'r4.state:[0-9]*: bad order line' "an order's leg out of range" "says so"
edited r5 's/"otype":0/"otype":7/'
refused "$T/r5.state" 'r5.state:[0-9]*: bad order line' "an order type that is none" "says so"
edited r6 's/"expires":1700000001150000}/"expires":-9223372036854775807}/'
refused "$T/r6.state" 'r6.state:[0-9]*: bad seen line' "a remembered opportunity's expiry out of range" "says so"
edited r7 's/"day":-1/"day":19675/'
arb-exec --state "$T/r7.state" --show-state >/dev/null 2>&1
ok $? "  a day number in range still loads"
# a record's time past the state file's bound (2^62) was taken, saved, and
# the next start refused the file ("bad exec_state line"): now a bad line
{ cat common.ndjson; echo '{"type":"status","ts":9000000000000000000,"ex":"binance","state":"synced"}'; } |
    arb-exec --balances balances.txt --state "$T/big.state" >/dev/null 2>"$T/big.err"
grep -q 'stdin:7: bad record: time out of range at "ts"' "$T/big.err"
ok $? "a record's ts past 2^62: a bad line naming the line and the key"
arb-exec --state "$T/big.state" --show-state >/dev/null 2>&1
ok $? "  and the state file saved after it loads"
# bytes that are not UTF-8 in a string (fuzz-state): loaded, then saved
# as U+FFFD, longer, and that file refused at the next restart ("bad order
# line": the client order id too long); now refused at once
sed -e '/"type":"commit"/d' -e "s/\"cid\":\"a/\"cid\":\"$(printf '\377\377\377\377\377')a/" "$T/ix.state" >"$T/u8.state"
refused "$T/u8.state" 'u8.state:[0-9]*: invalid UTF-8' "a state file with bytes that are not UTF-8" \
    "naming the file, the line and the reason"

# --- the journal: snapshot + appended entries, read back after kill -9
# A stream with many opportunities: books 1 ms apart alternating two
# venues, an opportunity every 10 books (its own ts, 0.5 ms after a book).
awk 'BEGIN {
	t0 = 1700000000000000
	for (v = 0; v < 2; v++)
		printf "{\"type\":\"instrument\",\"ts\":%.0f,\"ex\":\"%s\",\"sym\":\"BTC/USDT\",\"base\":\"BTC\",\"quote\":\"USDT\",\"tick\":0.01,\"lot\":0.0001,\"min_qty\":0.0001,\"min_notional\":5,\"taker_fee\":%s,\"maker_fee\":%s}\n", t0, v ? "kraken" : "binance", v ? "0.0026" : "0.001", v ? "0.0016" : "0.001"
	srand(7)
	for (i = 0; i < 3000; i++) {
		ts = t0 + 1000 * (i + 1); kr = i % 2
		mid = (kr ? 3020000 : 3000000) + int(rand() * 200) - 100
		b = ""; a = ""
		for (j = 0; j < 5; j++) {
			pb = mid - 50 - 50 * j; pa = mid + 50 + 50 * j
			b = b (j ? "," : "") sprintf("[%d.%02d,%d.%04d]", pb / 100, pb % 100, 1 + int(rand() * 3), int(rand() * 10000))
			a = a (j ? "," : "") sprintf("[%d.%02d,%d.%04d]", pa / 100, pa % 100, 1 + int(rand() * 3), int(rand() * 10000))
		}
		printf "{\"type\":\"book\",\"ts\":%.0f,\"rt\":%.0f,\"ex\":\"%s\",\"sym\":\"BTC/USDT\",\"seq\":%d,\"ok\":true,\"depth\":5,\"bids\":[%s],\"asks\":[%s]}\n", ts, ts + 300, kr ? "kraken" : "binance", i, b, a
		if (i % 10 == 9)
			printf "{\"type\":\"opportunity\",\"ts\":%.0f,\"id\":\"x:j:%d\",\"kind\":\"cross\",\"event\":\"new\",\"legs\":[{\"ex\":\"binance\",\"sym\":\"BTC/USDT\",\"side\":\"buy\",\"px\":30002.00,\"qty\":0.5},{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":\"sell\",\"px\":30148.00,\"qty\":0.5}],\"qty\":0.5,\"cost\":15016,\"proceeds\":15035,\"profit\":19,\"ccy\":\"USDT\",\"gross_bps\":48.66,\"net_bps\":12.65,\"book_ts\":[%.0f,%.0f],\"expires\":%.0f}\n", ts + 500, i, ts - 1000, ts, ts + 1000000
	}
}' >"$T/j.in"
printf 'binance USDT 100000000\nbinance BTC 100000\nkraken USDT 100000000\nkraken BTC 100000\n' >"$T/j.bal"
IN=$T/j.in
JA="--balances $T/j.bal --no-fsync"
# shellcheck disable=SC2086
arb-exec $JA --state "$T/jref.state" <"$IN" >"$T/jref.out" 2>/dev/null
ok $? "journal stream: reference run"
is "$(grep -c '"type":"result"' "$T/jref.out")" 300 "300 results"
results() { grep -h '"type":"result"' "$@" | sort -u; }
balances() { arb-exec --state "$1" --show-state | grep '"type":"balance"' | sed 's/"ts":[0-9]*,//'; }
results "$T/jref.out" >"$T/jref.res"
balances "$T/jref.state" >"$T/jref.bal"
nowof() { arb-exec --state "$1" --show-state 2>/dev/null | sed -n '1s/.*"now":\([0-9]*\).*/\1/p'; }
after() { awk -v now="$1" 'match($0, /"ts":[0-9]+/) { if (substr($0, RSTART + 5, RLENGTH - 5) + 0 > now) print }' "$IN"; }

. ./killidle.sh

# the journal loads to exactly what a snapshot at every save holds
fails=0
for n in 57 400 1234 2500 3290; do
	rm -f "$T/j1" "$T/j2"
	# shellcheck disable=SC2086
	killidle "$T/j1" "$n" $JA
	# shellcheck disable=SC2086
	killidle "$T/j2" "$n" $JA --journal-max 0
	arb-exec --state "$T/j1" --show-state >"$T/j1.show" 2>"$T/j1.err" || fails=$((fails + 1))
	arb-exec --state "$T/j2" --show-state >"$T/j2.show" 2>>"$T/j1.err" || fails=$((fails + 1))
	# (the same lines; decided ids come in hash table order)
	[ "$(sort "$T/j1.show")" = "$(sort "$T/j2.show")" ] ||
	    { fails=$((fails + 1)); echo "# killed after line $n: journal and snapshot differ"; }
	[ "$n" != 1234 ] || cp "$T/j1" "$T/jk"   # for the damage cases
	[ "$n" -lt 400 ] || [ "$(grep -c '"type":"commit"' "$T/j1")" -gt 10 ] || { fails=$((fails + 1)); echo "# line $n: no journal"; }
	[ "$(grep -c '"type":"commit"' "$T/j2")" -eq 1 ] || { fails=$((fails + 1)); echo "# line $n: --journal-max 0 appended"; }
	[ ! -s "$T/j1.err" ] || { fails=$((fails + 1)); sed 's/^/# /' "$T/j1.err"; }
done
is "$fails" 0 "kill -9 at 5 points: journal + snapshot load to the snapshot of the same moment"

# a torn last entry (a save cut short): ignored with a warning, the state
# is the one before it
ends=$(awk '/"type":"commit"/ { print pos + length($0) + 1 } { pos += length($0) + 1 }' "$T/jk" | tail -n 2 | head -n 1)
head -c "$ends" "$T/jk" >"$T/jprev"
head -c "$((ends + 50))" "$T/jk" >"$T/jtorn"
arb-exec --state "$T/jprev" --show-state >"$T/jprev.show" 2>"$T/jprev.err"
ok $? "cut after an entry: loads"
is "$(cat "$T/jprev.err")" "" "  without a warning"
arb-exec --state "$T/jtorn" --show-state >"$T/jtorn.show" 2>"$T/jtorn.err"
ok $? "torn last entry: loads"
cmp_ok "$T/jtorn.show" "$T/jprev.show" "  to the state before it"
grep -q "jtorn:[0-9]*: ignoring the last 50 bytes" "$T/jtorn.err"
ok $? "  with a warning naming the file and line"
# the last entry complete but its checksum wrong (its write never
# completed): torn too
sed '$d' "$T/jk" >"$T/jbadsum"
tail -n 1 "$T/jk" | sed 's/"crc32":"[0-9a-f]*"/"crc32":"00000000"/' >>"$T/jbadsum"
arb-exec --state "$T/jbadsum" --show-state >"$T/jbadsum.show" 2>"$T/jbadsum.err"
ok $? "last entry with a wrong checksum: loads"
cmp_ok "$T/jbadsum.show" "$T/jprev.show" "  to the state before it"
# after a torn tail the next save writes a new snapshot, never an append
# after the torn bytes
after "$(nowof "$T/jtorn")" >"$T/jtorn.rest"
# shellcheck disable=SC2086
arb-exec $JA --state "$T/jtorn" <"$T/jtorn.rest" >"$T/jtorn.out" 2>/dev/null
ok $? "torn state: the run continues"
arb-exec --state "$T/jtorn" --show-state >/dev/null 2>"$T/jtorn.err2"
is "$(cat "$T/jtorn.err2")" "" "  and leaves a clean file"

# damage before the last entry: an error naming the file and the lines
awk -v at="$(($(grep -n '"type":"commit"' "$T/jk" | sed -n 3p | cut -d: -f1) - 1))" \
    'NR == at { sub(/"ts":1/, "\"ts\":2") } { print }' "$T/jk" >"$T/jmid"
refused "$T/jmid" 'jmid:[0-9]*: journal entry (lines [0-9]*-[0-9]*): checksum mismatch' \
    "a damaged middle entry" "naming the file, the lines and the reason"
awk 'NR == 3 { sub(/"ts":1/, "\"ts\":2") } { print }' "$T/jk" >"$T/jsnap"
refused "$T/jsnap" 'jsnap:1: snapshot (lines 1-[0-9]*): checksum mismatch' "a damaged snapshot" "says so"
awk -v at="$(grep -n '"type":"commit"' "$T/jk" | sed -n 4p | cut -d: -f1)" \
    'NR != at' "$T/jk" >"$T/jnocommit"
refused "$T/jnocommit" 'length does not match' "a lost commit line in the middle" "says so"
# a commit line is only the one arb-exec writes: with a sign, a 0x or upper-case
# hex it is a bad commit line (sscanf took them)
awk -v at="$(grep -n '"type":"commit"' "$T/jk" | sed -n 4p | cut -d: -f1)" \
    'NR == at { sub(/"seq":/, "\"seq\":+") } { print }' "$T/jk" >"$T/jplus"
refused "$T/jplus" 'jplus:[0-9]*: journal entry (lines [0-9]*-[0-9]*): bad commit line' "a commit line with a sign in the middle" \
    "is a bad commit line"

# kill -9 at random moments of a run, restarting each time from the input
# after what the state file holds: the same results and balances as the
# uninterrupted run, no order sent twice, nothing lost
rm -f "$T/jc.state" "$T"/jc.out.*
cp "$IN" "$T/jc.rest"
k=0
while [ "$k" -lt 4 ]; do
	k=$((k + 1))
	# shellcheck disable=SC2086
	awk 'NR % 50 == 0 { fflush(); system("sleep 0.01") } { print }' "$T/jc.rest" |
	    arb-exec $JA --journal-max 16k --state "$T/jc.state" >"$T/jc.out.$k" 2>/dev/null &
	jpid=$!
	sleep "0.$(awk -v k="$k" 'BEGIN { srand(); printf "%02d", 5 + int(rand() * 15) }')"
	kill -KILL "$jpid" 2>/dev/null
	wait "$jpid" 2>/dev/null
	after "$(nowof "$T/jc.state")" >"$T/jc.rest"
	echo "# kill $k: $(wc -l <"$T/jc.rest") lines left, $(grep -c '"type":"commit"' "$T/jc.state") entries in the state file"
done
# shellcheck disable=SC2086
arb-exec $JA --journal-max 16k --state "$T/jc.state" <"$T/jc.rest" >"$T/jc.out.end" 2>/dev/null
ok $? "4 times kill -9, then the rest of the stream"
results "$T"/jc.out.* >"$T/jc.res"
cmp_ok "$T/jc.res" "$T/jref.res" "  the same result records as the uninterrupted run"
balances "$T/jc.state" >"$T/jc.bal"
cmp_ok "$T/jc.bal" "$T/jref.bal" "  the same balances"
is "$(cat "$T"/jc.out.* | sent | sort | uniq -d | wc -l)" 0 "  no order sent twice"

# compaction: with a small bound the journal is folded into a new snapshot
# during the run, and a restart continues from it
rm -f "$T/jm.state"
# shellcheck disable=SC2086
killidle "$T/jm.state" 2000 $JA --journal-max 4k
cp "$T/kill.out" "$T/jm.out.1"
is "$(head -c 30 "$T/jm.state")" '{"type":"exec_state","version"' "compacted during the run: a snapshot first"
c=$(grep -c '"type":"commit"' "$T/jm.state")
j=$(awk '{ n += length($0) + 1 } /"type":"commit"/ && !s { s = n } END { print n - s }' "$T/jm.state")
[ "$j" -lt 12288 ]
ok $? "  and a short journal after it ($c entries, $j bytes)"
after "$(nowof "$T/jm.state")" >"$T/jm.rest"
# shellcheck disable=SC2086
arb-exec $JA --journal-max 4k --state "$T/jm.state" <"$T/jm.rest" >"$T/jm.out.2" 2>/dev/null
ok $? "restart after compactions"
results "$T"/jm.out.* >"$T/jm.res"
cmp_ok "$T/jm.res" "$T/jref.res" "  the same result records"
balances "$T/jm.state" >"$T/jm.bal"
cmp_ok "$T/jm.bal" "$T/jref.bal" "  the same balances"
is "$(grep -c '"type":"commit"' "$T/jm.state")" 1 "a clean exit leaves a snapshot only"
done_testing
