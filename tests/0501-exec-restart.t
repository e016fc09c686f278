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
# are unknown (perhaps sent), never sent again
head -n 9 "$T/all" | arb-exec --balances balances.txt --on-stop finish --state "$T/k.state" >/dev/null 2>&1
sed 's/"state":"sent"/"state":"new"/' "$T/k.state" >"$T/k2.state" && mv "$T/k2.state" "$T/k.state"
tail -n +10 "$T/all" | arb-exec --state "$T/k.state" >"$T/k.out" 2>"$T/k.err"
ok $? "resume after a crash"
is "$(grep -c '"state":"unknown","filled":0,"mode":"paper","reason":"restart"' "$T/k.out")" 2 "orders recorded but not confirmed sent are unknown"
is "$(grep -c '"state":"sent"' "$T/k.out")" 2 "only the next opportunity's orders are sent"
is "$(grep -c '"state":"filled"' "$T/k.out")" 4 "the unknown orders are found filled (paper)"

# a damaged state file is an error, not a fresh start
echo '{"type":"exec_state","version":99}' >"$T/bad.state"
arb-exec --state "$T/bad.state" </dev/null >/dev/null 2>"$T/bad.err"
is "$?" 1 "unknown state version: exit 1"
grep -q 'unknown state version' "$T/bad.err"
ok $? "says why"
done_testing
