#!/bin/sh
# arb-exec paper runs against golden files: each case feeds a hand-written
# stream (tests/exec/*.ndjson, after common.ndjson's instruments) with its
# options and compares stdout, stderr and the exit status.
# ARB_REGEN=1 rewrites the golden files (review the diff before committing).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/exec
G=$top_srcdir/tests/golden/exec
command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"

# name | stream | options (relative to tests/exec)
cases='
cross-clean|cross-clean|--balances balances.txt
cross-partial|cross-partial|--balances balances.txt
cross-miss|cross-miss|--balances balances.txt
book-not-ok|book-not-ok|--balances balances.txt
book-unsorted|book-unsorted|--balances balances.txt
book-bad-level|book-bad-level|--balances balances.txt
fok-partial|cross-partial|--balances balances.txt --order-type fok
legfail-cancel|legfail|--balances balances.txt --latency kraken=10ms --latency binance=50ms --on-leg-failure cancel
legfail-hold|legfail|--balances balances.txt --latency kraken=10ms --latency binance=50ms --on-leg-failure hold
legfail-unwind|legfail|--balances balances.txt --latency kraken=10ms --latency binance=50ms --on-leg-failure unwind
cycle-together|cycle|--balances balances-cycle.txt --latency 10ms
cycle-seq|cycle|--balances balances-usdt.txt --latency 10ms
cycle-miss|cycle-miss|--balances balances-usdt.txt --latency 10ms
cycle-unwind|cycle-miss|--balances balances-usdt.txt --latency 10ms --on-leg-failure unwind
balance|balance|--balances balances.txt
no-balances|cross-clean|
bad|bad|--balances balances.txt
risk-notional-order|risk|--balances balances.txt --max-notional-order 5000
risk-notional-opp|risk|--balances balances.txt --max-notional-opp 9000
risk-open-orders|risk|--balances balances.txt --max-open-orders 1
risk-rate|risk|--balances balances.txt --max-orders-per-minute 3
risk-book-age|risk|--balances balances.txt --max-book-age 20ms
risk-position|cycle|--balances balances-usdt.txt --latency 10ms --max-position BTC=0.05
stream-balance|stream-balance|
stream-balance-open|stream-balance-open|
status-gap|status-gap|--balances balances.txt
timeout|timeout|--balances balances.txt --leg-timeout 1s
timeout-unwind|timeout|--balances balances.txt --leg-timeout 1s --on-leg-failure unwind
skips|skips|--balances balances.txt
risk-daily-loss|loss|--balances balances.txt --latency kraken=10ms --latency binance=50ms --on-leg-failure unwind --max-daily-loss 10
'

cd "$S" || exit 1
while IFS='|' read -r name stream opts; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	cat common.ndjson "$stream.ndjson" | arb-exec $opts >"$T/$name.out" 2>"$T/$name.err"
	echo "exit $?" >>"$T/$name.err"
	if [ "${ARB_REGEN:-}" = 1 ]; then
		cp "$T/$name.out" "$G/$name.out"
		cp "$T/$name.err" "$G/$name.err"
	fi
	cmp_ok "$T/$name.out" "$G/$name.out" "$name: stdout"
	cmp_ok "$T/$name.err" "$G/$name.err" "$name: stderr and exit status"
	# every input line passes through unchanged, in order, except the bad
	# lines, which are reported ("stdin:N: why") and skipped
	grep -v '"type":"\(order\|fill\|result\|balance\|risk\)"' "$T/$name.out" >"$T/pass"
	# (a valid record that the engine refuses, "bad opportunity ...", passes)
	grep -v '^arb-exec: stdin:[0-9]*: \(bad \)\{0,1\}opportunity ' "$T/$name.err" |
	    sed -n 's/^arb-exec: stdin:\([0-9]*\): .*/\1/p' >"$T/badnos"
	cat common.ndjson "$stream.ndjson" | awk -v bad="$T/badnos" '
		BEGIN { while ((getline n < bad) > 0) skip[n] = 1 }
		!(NR in skip)' | grep -v '"type":"\(order\|fill\|result\|balance\|risk\)"' >"$T/in"
	cmp_ok "$T/pass" "$T/in" "$name: input passed through"
	# at most one result per opportunity, and one for each that sent orders
	grep '"type":"result"' "$T/$name.out" | sed 's/.*"opp":"\([^"]*\)".*/\1/' | sort >"$T/res"
	is "$(uniq -d <"$T/res" | wc -l)" 0 "$name: no opportunity has two results"
	grep '"type":"order"' "$T/$name.out" | sed 's/.*"opp":"\([^"]*\)".*/\1/' | sort -u >"$T/ord"
	is "$(comm -23 "$T/ord" "$T/res" | wc -l)" 0 "$name: every opportunity with orders has a result"
	# no client order id is sent twice
	dup=$(grep '"state":"sent"' "$T/$name.out" | sed 's/.*"cid":"\([^"]*\)".*/\1/' | sort | uniq -d | wc -l)
	is "$dup" 0 "$name: no cid sent twice"
done <<EOF
$cases
EOF

# the state file's journal holds the same state as a snapshot at every
# save, in every case, after kill -9 in the middle and at the end (what
# changes an opportunity must mark it for the next save: lib/exec.c touch)
. ./killidle.sh
fails=0 npts=0
while IFS='|' read -r name stream opts; do
	[ -n "$name" ] || continue
	cat common.ndjson "$stream.ndjson" >"$T/kin"
	IN=$T/kin
	nl=$(wc -l <"$IN")
	for n in $((nl / 2)) "$nl"; do
		rm -f "$T/ka" "$T/kb"
		# shellcheck disable=SC2086
		killidle "$T/ka" "$n" $opts
		# shellcheck disable=SC2086
		killidle "$T/kb" "$n" $opts --journal-max 0
		[ -f "$T/kb" ] || continue   # nothing saved yet
		npts=$((npts + 1))
		arb-exec --state "$T/ka" --show-state 2>&1 | sort >"$T/ka.show"
		arb-exec --state "$T/kb" --show-state 2>&1 | sort >"$T/kb.show"
		cmp -s "$T/ka.show" "$T/kb.show" || { fails=$((fails + 1)); echo "# $name, killed after line $n: differ"; }
	done
done <<EOF
$cases
EOF
is "$fails" 0 "kill -9 at $npts points of the cases: the journal reads back as the snapshot"
done_testing
