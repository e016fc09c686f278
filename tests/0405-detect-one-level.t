#!/bin/sh
# arb-detect on books of one level a side against the brute-force reference
# (tests/detect/ref.py, every size on the lot grid tried): the sizer
# searches a chain whose sides all have one level in integers (lib/
# detect_size.c, struct arb_dlin), and 0400's random books, of 1 to 4
# levels, seldom give every leg one.  Seeded markets of ref.py's generator
# (cross pairs, 3- and 4-cycles, lots, fees in quote, base or received,
# minimums) with each book cut to its best level; with --explain every
# opportunity and reason must match the reference; without it, the same
# opportunities; with --max-notional, the caps too.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (reference)"
REF="python3 $top_srcdir/tests/detect/ref.py"

# the best level of each side of every book record
cut1() {
	sed -E '/^\{"type":"book"/s/"(bids|asks)":\[(\[[^]]*\])(,\[[^]]*\])*\]/"\1":[\2]/g'
}

run() {
	name=$1 seed=$2 n=$3 maxn=$4
	$REF gen "$seed" "$n" | cut1 >"$T/in" || return 1
	set --
	[ -n "$maxn" ] && set -- --max-notional "$maxn"
	arb-detect --explain --max-age 0 --max-legs 4 "$@" "$T/in" >"$T/out" 2>"$T/err"
	ok $? "$name: arb-detect runs"
	grep -q '"bids":\[\[[^]]*\],\[' "$T/in"
	ok $((! $?)) "$name: one level a side"
	$REF --max-legs 4 ${maxn:+--max-notional $maxn} check "$T/in" "$T/out" >"$T/check"
	ok $? "$name: matches the reference ($(grep -c '^{"type":"opportunity"' "$T/out") opportunities)"
	sed 's/^# /#   /; /^failures/d' "$T/check"
	arb-detect --max-age 0 --max-legs 4 "$@" "$T/in" >"$T/noexp" 2>"$T/err"
	grep '^{"type":"opportunity"' "$T/out" >"$T/opp.explain"
	grep '^{"type":"opportunity"' "$T/noexp" >"$T/opp.plain"
	cmp -s "$T/opp.explain" "$T/opp.plain"
	ok $? "$name: the same opportunities without --explain"
}

run "seed 11" 11 700 ""
run "seed 12" 12 700 ""
run "seed 13, --max-notional 20" 13 700 20
run "seed 14, --max-notional 5" 14 700 5
done_testing
