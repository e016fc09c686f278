#!/bin/sh
# arb-detect against a brute-force reference (tests/detect/ref.py, exact
# rationals, every size on the lot grid tried) on thousands of random books:
# seeded scenarios of cross-exchange pairs and 3- and 4-cycles with random
# depth, lots, fees (in quote, base or received), minimums, out-of-sync books.
# Every opportunity's numbers must be exact for its size, the size the
# optimum (see ref.py for the rule), and every reject reason the same.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (reference)"
REF="python3 $top_srcdir/tests/detect/ref.py"

run() {
	name=$1 seed=$2 n=$3
	shift 3
	$REF gen "$seed" "$n" >"$T/in" || return 1
	arb-detect --explain --max-age 0 --max-legs 4 "$@" "$T/in" >"$T/out" 2>"$T/err"
	ok $? "$name: arb-detect runs"
	$REF --max-legs 4 ${MAXN:+--max-notional $MAXN} check "$T/in" "$T/out" >"$T/check"
	ok $? "$name: matches the reference ($(grep -c '^{"type":"book"' "$T/in") books)"
	sed 's/^# /#   /; /^failures/d' "$T/check"
	# without --explain the screen works after fees: same opportunities
	arb-detect --max-age 0 --max-legs 4 "$@" "$T/in" >"$T/noexp" 2>"$T/err"
	grep '^{"type":"opportunity"' "$T/out" >"$T/opp.explain"
	grep '^{"type":"opportunity"' "$T/noexp" >"$T/opp.plain"
	cmp -s "$T/opp.explain" "$T/opp.plain"
	ok $? "$name: the same opportunities without --explain ($(wc -l <"$T/opp.plain"))"
}

# same_opps NAME FILE ARGS...: opportunities with and without --explain
same_opps() {
	name=$1 f=$2
	shift 2
	arb-detect --explain "$@" "$f" >"$T/x1" 2>"$T/err" &&
	    arb-detect "$@" "$f" >"$T/x2" 2>>"$T/err"
	ok $? "$name: runs"
	grep '^{"type":"opportunity"' "$T/x1" >"$T/o1"
	grep '^{"type":"opportunity"' "$T/x2" >"$T/o2"
	n=$(wc -l <"$T/o1")
	[ "$n" -gt 0 ]
	ok $? "$name: opportunities found ($n)"
	cmp -s "$T/o1" "$T/o2"
	ok $? "$name: the same $n opportunities without --explain (screen after fees, chunks)"
}

MAXN='' run "seed 1" 1 700
MAXN='' run "seed 2" 2 700
MAXN=20 run "seed 3, --max-notional 20" 3 700 --max-notional 20

# Larger markets from the benchmark generators (built by make): 6 venues x
# 100 symbols, and every asset against USDT and BTC (dense, depth 5).
if command -v detect-bench >/dev/null 2>&1; then
	detect-bench gen 1 60000 7 >"$T/bench"
	same_opps "detect-bench market" "$T/bench" --max-legs 4
else
	ok 0 "detect-bench market # SKIP detect-bench not built"
fi
if command -v gen-stream >/dev/null 2>&1; then
	gen-stream --seed 3 --updates 5000 --venues 6 --assets 100 --depth 5 \
	    --dislocate-every 100000000 >"$T/dense"
	same_opps "dense market" "$T/dense" --max-legs 4
else
	ok 0 "dense market # SKIP gen-stream not built"
fi
done_testing
