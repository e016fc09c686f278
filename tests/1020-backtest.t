#!/bin/sh
# scripts/arb-backtest: recordings (a raw capture and an NDJSON stream)
# through detect and paper exec; byte-identical reruns; a parameter sweep
# prints one row per setting.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
BT=$top_srcdir/scripts/arb-backtest
REC=$ARB_SHARED_DATA/recorded
gen-stream --seed 11 --updates 1500 --venues 3 --assets 4 --depth 4 >"$T/synth.ndjson"

"$BT" --out "$T/a.ndjson" "$REC/KRAKEN.ws.50.0" "$REC/KRAKEN.0" "$T/synth.ndjson" >"$T/a.txt" 2>"$T/a.err"
ok $? "a backtest of a raw capture and an NDJSON stream"
"$BT" --out "$T/b.ndjson" "$REC/KRAKEN.ws.50.0" "$REC/KRAKEN.0" "$T/synth.ndjson" >"$T/b.txt" 2>"$T/b.err"
cmp_ok "$T/b.ndjson" "$T/a.ndjson" "the same inputs give a byte-identical stream"
cmp_ok "$T/b.txt" "$T/a.txt" "and a byte-identical report"
grep -q '"type":"book","ts":1618678132' "$T/a.ndjson"
ok $? "the capture was replayed by arb-feed"
grep -q '"type":"result"' "$T/a.ndjson"
ok $? "the synthetic stream was traded on paper"

"$BT" --sweep min-profit-bps=2,20 --sweep latency=0ms,100ms "$T/synth.ndjson" >"$T/sweep" 2>"$T/sweep.err"
ok $? "a sweep runs"
is "$(wc -l <"$T/sweep")" 5 "a header and one row per setting (2 x 2)"
is "$(awk 'NR > 1 { print $1, $2 }' "$T/sweep" | tr '\n' ';')" \
	"min-profit-bps=2 latency=0ms;min-profit-bps=2 latency=100ms;min-profit-bps=20 latency=0ms;min-profit-bps=20 latency=100ms;" \
	"every combination, in order"
"$BT" --sweep min-profit-bps=2,20 --sweep latency=0ms,100ms "$T/synth.ndjson" >"$T/sweep2" 2>/dev/null
cmp_ok "$T/sweep2" "$T/sweep" "the sweep is deterministic"
# a row's figures are those of a plain run with the same options
"$BT" --detect "--min-profit-bps 20" --exec "--latency 100ms" --report "--format csv" "$T/synth.ndjson" >"$T/one.csv" 2>/dev/null
want=$(awk -F, '$1 == "overview" && $2 == "opportunities detected" { print $3 }' "$T/one.csv")
is "$(awk 'NR == 5 { print $3 }' "$T/sweep")" "$want" "a sweep row equals the plain run with its options"
want=$(tr -d '\r' <"$T/one.csv" | awk -F, '$1 == "overview" && $2 == "realised pnl" { print $3, $4 }')
is "$(awk 'NR == 5 { print $(NF - 1), $NF }' "$T/sweep")" "$want" "and its P&L and currency"
is "$(grep -c "$(printf '\r')" "$T/sweep")" 0 "no CR at the ends of the rows (the report's CSV has CRLF lines)"
# a P&L that is not known (a result in a currency without a price, one
# with reason overflow: tests/report/hand.ndjson, passed through) is "-"
"$BT" --sweep min-profit-bps=2 "$top_srcdir/tests/report/hand.ndjson" >"$T/hsweep" 2>/dev/null
is "$(awk 'NR == 2 { print $(NF - 1), $NF }' "$T/hsweep")" "- USDT" "an unknown P&L is -, not a blank"
# ARB_DB, exported for arb-store, does not make the report read that database
head -n 3 "$T/synth.ndjson" | arb-store -d "sqlite:$T/other.db" 2>/dev/null
ARB_DB="sqlite:$T/other.db" "$BT" "$REC/KRAKEN.ws.50.0" "$REC/KRAKEN.0" "$T/synth.ndjson" >"$T/db.txt" 2>"$T/db.err"
cmp_ok "$T/db.txt" "$T/a.txt" "with ARB_DB set: the report of the backtest, not of the database"
ARB_DB="sqlite:$T/other.db" "$BT" --sweep min-profit-bps=2,20 --sweep latency=0ms,100ms "$T/synth.ndjson" >"$T/sweep3" 2>/dev/null
cmp_ok "$T/sweep3" "$T/sweep" "with ARB_DB set: the same sweep"
"$BT" --sweep nonsense=1 "$T/synth.ndjson" >/dev/null 2>"$T/bad.err"
is "$?" 2 "an unknown sweep option is a usage error"
# --db, --out and --report act on one run: with --sweep they are refused,
# not ignored (nothing stored, no file written)
for o in "--db sqlite:$T/sweep.db" "--out $T/sweep.out" "--report -rall"; do
	# shellcheck disable=SC2086
	"$BT" $o --sweep min-profit-bps=2,20 "$T/synth.ndjson" >/dev/null 2>"$T/excl.err"
	is "$?" 2 "--sweep with ${o%% *} is a usage error"
	grep -q "^arb-backtest: ${o%% *} and --sweep exclude each other" "$T/excl.err"
	ok $? "  ... which says so"
done
test ! -e "$T/sweep.db" && test ! -e "$T/sweep.out"
ok $? "nothing stored or written"
done_testing
