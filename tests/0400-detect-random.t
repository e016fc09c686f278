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
}

MAXN='' run "seed 1" 1 700
MAXN='' run "seed 2" 2 700
MAXN=20 run "seed 3, --max-notional 20" 3 700 --max-notional 20
done_testing
