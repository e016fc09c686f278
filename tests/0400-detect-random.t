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

# arb-detect reads books lazily (rec.h's lazy: levels checked, converted
# only as far as needed, sides compared as text); a book line with a
# space after its "type" goes through the parser's general path and is
# read in full.  The same books either way, or mixed (every third, or
# every other), must give the same records.
# same_lazy NAME FILE ARGS...
same_lazy() {
	name=$1 f=$2
	shift 2
	sed 's/^{"type":"book",/{"type":"book", /' "$f" >"$T/full"
	awk '/^\{"type":"book",/ && NR % 3 == 0 { sub(/^\{"type":"book",/, "{\"type\":\"book\", ") } 1' \
	    "$f" >"$T/mix3"
	awk '/^\{"type":"book",/ && NR % 2 == 0 { sub(/^\{"type":"book",/, "{\"type\":\"book\", ") } 1' \
	    "$f" >"$T/mix2"
	for v in "$f" "$T/full" "$T/mix3" "$T/mix2"; do
		arb-detect "$@" "$v" 2>>"$T/err" | grep -v '^{"type":"book"' >"$v.rec"
	done
	n=$(grep -c '^{"type":"opportunity"' "$f.rec")
	[ "$n" -gt 0 ] && cmp -s "$f.rec" "$T/full.rec" && cmp -s "$f.rec" "$T/mix3.rec" &&
	    cmp -s "$f.rec" "$T/mix2.rec"
	ok $? "$name: the same records read lazily, in full, or mixed ($n opportunities)"
}
# deeper levels changing under a standing opportunity: each change must
# be sized again (a side's text compared, not only its best level)
cat >"$T/deep" <<'EOF'
{"type":"instrument","ts":1000000,"ex":"a","sym":"X/USD","base":"X","quote":"USD","tick":0.01,"lot":0.01,"min_qty":0,"min_notional":0,"taker_fee":0.001,"maker_fee":0.001}
{"type":"instrument","ts":1000000,"ex":"b","sym":"X/USD","base":"X","quote":"USD","tick":0.01,"lot":0.01,"min_qty":0,"min_notional":0,"taker_fee":0.001,"maker_fee":0.001}
{"type":"book","ts":1000001,"rt":1000002,"ex":"a","sym":"X/USD","seq":1,"ok":true,"depth":3,"bids":[[101.00,1.00],[100.90,2.00],[100.80,3.00]],"asks":[[101.10,1.00],[101.20,2.00],[101.30,3.00]]}
{"type":"book","ts":1000003,"rt":1000004,"ex":"b","sym":"X/USD","seq":1,"ok":true,"depth":3,"bids":[[99.00,1.00],[98.90,2.00],[98.80,3.00]],"asks":[[99.10,1.00],[99.20,2.00],[99.30,3.00]]}
{"type":"book","ts":1000005,"rt":1000006,"ex":"b","sym":"X/USD","seq":2,"ok":true,"depth":3,"bids":[[99.00,1.00],[98.90,2.00],[98.80,3.00]],"asks":[[99.10,1.00],[99.20,5.00],[99.30,3.00]]}
{"type":"book","ts":1000007,"rt":1000008,"ex":"a","sym":"X/USD","seq":2,"ok":true,"depth":3,"bids":[[101.00,1.00],[100.90,6.00],[100.80,3.00]],"asks":[[101.10,1.00],[101.20,2.00],[101.30,3.00]]}
{"type":"book","ts":1000009,"rt":1000010,"ex":"b","sym":"X/USD","seq":3,"ok":true,"depth":3,"bids":[[99.00,1.00],[98.90,2.00],[98.80,3.00]],"asks":[[99.10,1.00],[99.20,0.50],[99.30,3.00]]}
{"type":"book","ts":1000011,"rt":1000012,"ex":"b","sym":"X/USD","seq":4,"ok":true,"depth":3,"bids":[[99.00,1.00],[98.90,2.00],[98.80,3.00]],"asks":[[99.10,1.00],[99.20,5.00],[99.30,3.00]]}
{"type":"book","ts":1000013,"rt":1000014,"ex":"a","sym":"X/USD","seq":3,"ok":true,"depth":3,"bids":[[101.00,1.00],[100.90,0.25],[100.80,3.00]],"asks":[[101.10,1.00],[101.20,2.00],[101.30,3.00]]}
{"type":"book","ts":1000015,"rt":1000016,"ex":"a","sym":"X/USD","seq":4,"ok":true,"depth":1,"bids":[[101.00,1.00]],"asks":[[101.10,1.00]]}
{"type":"book","ts":1000017,"rt":1000018,"ex":"a","sym":"X/USD","seq":5,"ok":true,"depth":3,"bids":[[101.00,1.00],[100.90,0.25],[100.80,3.00]],"asks":[[101.10,1.00],[101.20,2.00],[101.30,3.00]]}
EOF
same_lazy "deeper levels changing" "$T/deep" --max-legs 3
is "$(grep -c '"event":"update"' "$T/deep.rec")" 6 "deeper levels changing: each one sized again (6 updates)"
$REF gen 4 700 >"$T/r4"
same_lazy "seed 4" "$T/r4" --explain --max-age 0 --max-legs 4
if command -v gen-stream >/dev/null 2>&1; then
	gen-stream --seed 5 --updates 3000 --venues 6 --assets 40 --depth 5 \
	    --dislocate-every 100000000 >"$T/g5"
	same_lazy "dense market, depth 5" "$T/g5" --max-legs 4
	gen-stream --seed 6 --updates 3000 --venues 6 --assets 40 --depth 10 \
	    --dislocate-every 100000000 >"$T/g6"
	same_lazy "dense market, depth 10" "$T/g6" --max-legs 4 --max-notional 300
else
	ok 0 "dense market, depth 5 # SKIP gen-stream not built"
	ok 0 "dense market, depth 10 # SKIP gen-stream not built"
fi
done_testing
