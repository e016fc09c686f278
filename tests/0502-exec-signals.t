#!/bin/sh
# The kill switch (kill file, SIGUSR1), its latch in the state file and
# --reset-kill; SIGTERM with orders in flight (cancel and finish); an
# order left unknown makes the exit status 1.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/exec
command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"
command -v mkfifo >/dev/null 2>&1 || skip_all "no mkfifo"
cd "$S" || exit 1
cat common.ndjson risk.ndjson >"$T/all"   # two crosses, r1 then r2
head -n 11 "$T/all" >"$T/part1"           # up to r1's result
tail -n +12 "$T/all" >"$T/part2"          # r2
cat common.ndjson restart.ndjson >"$T/other"  # two other crosses
head -n 9 "$T/all" >"$T/inflight"         # r1's orders sent, no fill yet
tail -n +10 "$T/all" >"$T/rest"

# waits (up to 10 s) until file $1 has a line matching $2
waitfor() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 200 ] || return 1
		sleep 0.05
	done
}

# --- kill file
: >"$T/KILL"
arb-exec --balances balances.txt --kill-file "$T/KILL" --state "$T/k.state" <"$T/all" >"$T/kf.out" 2>"$T/kf.err"
ok $? "kill file: runs"
grep -q '"rule":"kill_file","action":"kill","detail":"kill file .*/KILL present"' "$T/kf.out"
ok $? "kill file: risk record (kill)"
is "$(grep -c '"status":"skipped","reason":"kill"' "$T/kf.out")" 2 "kill file: both opportunities skipped"
is "$(grep -c '"type":"order"' "$T/kf.out")" 0 "kill file: no order"
rm -f "$T/KILL"
arb-exec --balances balances.txt --kill-file "$T/KILL" --state "$T/k.state" <"$T/other" >"$T/kf2.out" 2>"$T/kf2.err"
is "$(grep -c '"rule":"kill","action":"refuse"' "$T/kf2.out")" 2 "latched across a restart (file gone)"
grep -q 'kill switch is on' "$T/kf2.err"
ok $? "says so on stderr"
arb-exec --reset-kill --state "$T/k.state" >"$T/reset.out" 2>/dev/null
ok $? "--reset-kill"
grep -q '^{"type":"risk",.*"rule":"reset_kill","action":"resume"' "$T/reset.out"
ok $? "--reset-kill: risk record (resume)"
# 100 s later, new ids: the record clock in the state never goes back
sed -e 's/17000000\([0-9]\{8\}\)/17000001\1/g' -e 's/\(BTC\/USDT:[0-9a-z]*\)"/\1-later"/g' \
	cross-clean.ndjson >"$T/later"
cat common.ndjson "$T/later" | arb-exec --kill-file "$T/KILL" --state "$T/k.state" >"$T/kf3.out" 2>/dev/null
is "$(grep -c '"status":"complete"' "$T/kf3.out")" 1 "trades again after the reset"

# --- kill file appearing mid-stream, with --cancel-on-kill
mkfifo "$T/fifo"
arb-exec --balances balances.txt --kill-file "$T/KILL" --cancel-on-kill --latency 1s <"$T/fifo" >"$T/kc.out" 2>"$T/kc.err" &
pid=$!
exec 3>"$T/fifo"
cat "$T/inflight" >&3
waitfor "$T/kc.out" '"state":"sent"'
ok $? "orders sent"
: >"$T/KILL"
kill -USR1 "$pid" 2>/dev/null   # wakes the reader; the file is checked too
waitfor "$T/kc.out" '"action":"kill"'
ok $? "kill noticed while the input is idle"
cat "$T/rest" >&3
exec 3>&-
wait "$pid"
ok $? "exit 0"
rm -f "$T/KILL" "$T/fifo"
grep -q '"rule":"kill_file","action":"kill"' "$T/kc.out"
ok $? "the kill file wins (checked first)"
is "$(grep -c '"state":"canceled".*"reason":"kill"' "$T/kc.out")" 2 "--cancel-on-kill cancels both legs"
grep -q '"status":"failed","reason":"killed"' "$T/kc.out"
ok $? "result: failed, killed"

# --- SIGUSR1
mkfifo "$T/fifo"
arb-exec --balances balances.txt --state "$T/u.state" <"$T/fifo" >"$T/u.out" 2>"$T/u.err" &
pid=$!
exec 3>"$T/fifo"
cat "$T/part1" >&3
waitfor "$T/u.out" '"type":"result"'
ok $? "first opportunity traded"
kill -USR1 "$pid"
waitfor "$T/u.out" '"rule":"kill_signal","action":"kill","detail":"SIGUSR1 received"'
ok $? "SIGUSR1: kill record while the input is idle"
cat "$T/part2" >&3
exec 3>&-
wait "$pid"
ok $? "exit 0"
rm -f "$T/fifo"
grep -q '"status":"skipped","reason":"kill"' "$T/u.out"
ok $? "next opportunity refused"
grep -q '"killed":true' "$T/u.state"
ok $? "latched in the state file"

# --- SIGTERM with orders in flight: cancel (default)
mkfifo "$T/fifo"
arb-exec --balances balances.txt --state "$T/t.state" <"$T/fifo" >"$T/t.out" 2>"$T/t.err" &
pid=$!
exec 3>"$T/fifo"
cat "$T/inflight" >&3
waitfor "$T/t.out" '"state":"sent"'
kill -TERM "$pid"
wait "$pid"
ok $? "SIGTERM: exit 0"
exec 3>&-
rm -f "$T/fifo"
is "$(grep -c '"state":"canceled".*"reason":"stop"' "$T/t.out")" 2 "in-flight orders canceled"
grep -q '"status":"failed","reason":"stopped"' "$T/t.out"
ok $? "result: failed, stopped"
grep -q '"type":"seen"' "$T/t.state"
ok $? "state written"

# --- SIGTERM with --on-stop finish: reads on until they are settled
mkfifo "$T/fifo"
arb-exec --balances balances.txt --on-stop finish <"$T/fifo" >"$T/f.out" 2>"$T/f.err" &
pid=$!
exec 3>"$T/fifo"
cat "$T/inflight" >&3
waitfor "$T/f.out" '"state":"sent"'
kill -TERM "$pid"
sleep 0.2
cat "$T/rest" >&3
wait "$pid"
ok $? "finish: exit 0"
exec 3>&-
rm -f "$T/fifo"
grep -q '"status":"complete"' "$T/f.out"
ok $? "finish: the in-flight opportunity completes"
grep -q 'finishing in-flight orders' "$T/f.err"
ok $? "finish: says so"
is "$(grep -c '"opp":"x:binance:kraken:BTC/USDT:r2"' "$T/f.out")" 0 "finish: no new opportunity taken"

# --- an order left unknown: exit 1
arb-exec --balances balances.txt --on-stop finish --state "$T/x.state" <"$T/inflight" >/dev/null 2>&1
sed -e 's/"state":"sent"/"state":"new"/' -e '/"type":"commit"/d' "$T/x.state" >"$T/x2.state"
arb-exec --on-stop finish --state "$T/x2.state" </dev/null >"$T/x.out" 2>"$T/x.err"
is "$?" 1 "unknown orders at exit: status 1"
grep -q 'left in state unknown' "$T/x.err"
ok $? "says so"
done_testing
