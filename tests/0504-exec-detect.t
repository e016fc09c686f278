#!/bin/sh
# arb-detect | arb-exec: the opportunities arb-detect really writes are
# executed (paper), every one ends in one result, the stream passes
# through, no client order id is sent twice.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/exec
command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"
command -v arb-detect >/dev/null 2>&1 || skip_all "arb-detect not built"
cd "$S" || exit 1
cat common.ndjson detect-books.ndjson | arb-detect >"$T/det" 2>"$T/det.err"
ok $? "arb-detect runs"
n=$(grep '"type":"opportunity"' "$T/det" | grep -c '"event":"new"')
[ "$n" -gt 0 ]
ok $? "arb-detect found opportunities ($n)"
arb-exec --balances balances-big.txt --latency 10ms <"$T/det" >"$T/out" 2>"$T/err"
ok $? "arb-exec runs"
grep -v '"type":"\(order\|fill\|result\|balance\|risk\)"' "$T/out" >"$T/pass"
cmp_ok "$T/pass" "$T/det" "arb-detect's stream passes through unchanged"
grep '"type":"opportunity"' "$T/det" | grep '"event":"new"' | sed 's/.*"id":"\([^"]*\)".*/\1/' | sort >"$T/ids"
grep '"type":"result"' "$T/out" | sed 's/.*"opp":"\([^"]*\)".*/\1/' | sort >"$T/res"
cmp_ok "$T/res" "$T/ids" "one result per opportunity"
is "$(grep '"state":"sent"' "$T/out" | sed 's/.*"cid":"\([^"]*\)".*/\1/' | sort | uniq -d | wc -l)" 0 "no cid sent twice"
grep -q '"status":"complete"' "$T/out"
ok $? "at least one opportunity completes"
grep -q '"type":"fill".*"fee_ccy"' "$T/out"
ok $? "fills carry their fee currency"
# the books did not move between decision and fill: pnl is the profit
# arb-detect computed, to the last digit
id=$(head -n 1 "$T/ids")
profit=$(grep '"type":"opportunity"' "$T/det" | grep "\"id\":\"$id\"" | head -n 1 | sed 's/.*"profit":\([0-9.-]*\).*/\1/')
pnl=$(grep '"type":"result"' "$T/out" | grep "\"opp\":\"$id\"" | sed 's/.*"pnl":\([0-9.-]*\).*/\1/')
is "$pnl" "$profit" "paper pnl equals arb-detect's profit when the books hold"
is "$(grep -c . "$T/err")" 0 "no diagnostics"
done_testing
