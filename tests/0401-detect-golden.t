#!/bin/sh
# arb-detect golden cases: hand-computed scenarios (tests/golden/detect/*.in
# explain each number in their comment lines), compared byte for byte.  Also:
# every input line passes through unchanged and in order, and a second run
# gives byte-identical output.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
G=$top_srcdir/tests/golden/detect
cd "$G" || exit 1

grep -v '^#' cases | while read -r name in args; do
	[ -n "$name" ] || continue
	grep -v '^#' "$in" >"$T/$name.in"
	# shellcheck disable=SC2086
	arb-detect $args "$T/$name.in" >"$T/$name.got" 2>"$T/$name.err"
	echo "$? $name"
	cmp -s "$T/$name.got" "$name.out"
	echo "$? $name golden"
	if ! cmp -s "$T/$name.got" "$name.out"; then
		diff -u "$name.out" "$T/$name.got" | head -n 20 | sed 's/^/# /'
	fi
	grep -vE '^\{"type":"(opportunity|reject)",' "$T/$name.got" >"$T/$name.pass"
	cmp -s "$T/$name.pass" "$T/$name.in"
	echo "$? $name passes input through"
	# shellcheck disable=SC2086
	arb-detect $args <"$T/$name.in" >"$T/$name.again" 2>/dev/null
	cmp -s "$T/$name.again" "$T/$name.got"
	echo "$? $name deterministic (stdin, second run)"
done >"$T/results"
while read -r rc what; do
	case "$rc" in
	'#') echo "$rc $what" ;;
	*) ok "$rc" "$what" ;;
	esac
done <"$T/results"

# An opportunity that goes (a gap) and comes back (the resync's book) within
# one ts gets a new id: arb-exec and arb-store take a known id for a
# duplicate (fuzz-detect)
{
	grep -v '^#' depth.in
	echo '{"type":"status","ts":1000002,"ex":"a","sym":"BTC/USD","state":"gap"}'
	grep -v '^#' depth.in | grep '"type":"book".*"ex":"a"'
} >"$T/reappear.in"
arb-detect "$T/reappear.in" >"$T/reappear.got" 2>/dev/null
sed -n 's/^{"type":"opportunity",.*"id":"\([^"]*\)".*"event":"\([a-z]*\)".*/\2 \1/p' \
    "$T/reappear.got" | tr '\n' ' ' >"$T/reappear.ids"
is "$(cat "$T/reappear.ids")" "new cross:a>b:BTC/USD:1000002 gone cross:a>b:BTC/USD:1000002 \
new cross:a>b:BTC/USD:1000002-2 " "a reappearance within one ts gets a new id"

# The books of one symbol whose instrument records name other currencies
# (EUR, ETH) trade different pairs: no cross opportunity (it paid USD and
# received EUR, profit "USD"; fuzz-detect)
for c in 's/"quote":"USD"/"quote":"EUR"/' 's/"base":"BTC"/"base":"ETH"/'; do
	grep -v '^#' depth.in | sed "2$c" >"$T/ccy.in"
	arb-detect "$T/ccy.in" >"$T/ccy.got" 2>/dev/null
	is "$(grep -c '"type":"opportunity"' "$T/ccy.got")" 0 "no cross opportunity across currencies ($c)"
done

# An opportunity is a stretch during which the candidate passes every check,
# --min-profit-bps included (arb-detect(1), event): b's bid moves 100.2,
# 100.05, 100.15 over a's ask 100 (no fees): 20, 5, 15 bps.  With 10 bps the
# dip ends the opportunity and the rise is a new one (two ids); with 0 it
# is one, updated.
{
	grep -v '^#' depth.in | sed -n '1,2p' | sed 's/"taker_fee":0.001/"taker_fee":0/'
	echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":1,"ok":true,"depth":1,"bids":[[99.00,1]],"asks":[[100.00,1]]}'
	for b in 2:100.20 3:100.05 4:100.15; do
		echo '{"type":"book","ts":100000'"${b%%:*}"',"rt":1000002,"ex":"b","sym":"BTC/USD","seq":'"${b%%:*}"',"ok":true,"depth":1,"bids":[['"${b#*:}"',1]],"asks":[[101.00,1]]}'
	done
} >"$T/bps.in"
for bps in 10 0; do
	arb-detect --min-profit-bps $bps "$T/bps.in" 2>/dev/null |
	    sed -n 's/^{"type":"opportunity",.*"id":"\([^"]*\)".*"event":"\([a-z]*\)".*"net_bps":\([0-9.]*\).*/\2 \1 \3/p' |
	    tr '\n' ' ' >"$T/bps.$bps"
done
is "$(cat "$T/bps.10")" "new cross:a>b:BTC/USD:1000002 20.00 gone cross:a>b:BTC/USD:1000002 20.00 \
new cross:a>b:BTC/USD:1000004 15.00 " "--min-profit-bps 10: the dip to 5 bps makes two opportunities"
is "$(cat "$T/bps.0")" "new cross:a>b:BTC/USD:1000002 20.00 update cross:a>b:BTC/USD:1000002 5.00 \
update cross:a>b:BTC/USD:1000002 15.00 " "--min-profit-bps 0: one opportunity, updated"
done_testing
