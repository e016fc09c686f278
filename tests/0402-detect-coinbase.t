#!/bin/sh
# Real data: the Coinbase capture (share/data/recorded/COINBASE.0 products +
# COINBASE.ws.28.0 level2) replayed by arb-feed into arb-detect --max-legs 4.
# It holds BAND/GBP, BAND/BTC, SKL/BTC and SKL/GBP: the 4-currency cycle
# GBP > BAND > BTC > SKL > GBP and its reverse.
#  1. As recorded: the market was efficient; the reference (tests/detect/ref.py
#     stream mode) and arb-detect must agree record by record (no
#     opportunity, the same reject records).
#  2. The same books with SKL/GBP prices raised by 3 % (a synthetic shift,
#     clearly not market data) open the cycle: every opportunity record must
#     carry the exact numbers of its chain, at the brute-force optimum size,
#     and follow the reference's state changes (first 4000 records, for time).
# --max-age 0: the reference does not model book age (the golden cases
# stale.in and out-of-sync.in test it).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
[ -f "$R/COINBASE.ws.28.0" ] || skip_all "no Coinbase recording"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (reference)"
command -v arb-feed >/dev/null 2>&1 || skip_all "arb-feed not built"
REF="python3 $top_srcdir/tests/detect/ref.py"

arb-feed --replay "$R/COINBASE.0" "$R/COINBASE.ws.28.0" >"$T/cb" 2>"$T/feed.err"
ok $? "arb-feed --replay"
for s in BAND/GBP BAND/BTC SKL/BTC SKL/GBP; do
	n=$(grep -c "^{\"type\":\"book\".*\"sym\":\"$s\"" "$T/cb")
	[ "$n" -gt 0 ]
	ok $? "books of $s ($n)"
done

arb-detect --explain --max-legs 4 --max-age 0 -v "$T/cb" >"$T/out" 2>"$T/err"
ok $? "arb-detect --max-legs 4"
grep -q '0 cross and 2 cycle candidates' "$T/err"
ok $? "two cycle candidates (both directions)"
is "$(grep -c '^{"type":"opportunity"' "$T/out")" 0 "no opportunity in the recorded market"
$REF --max-legs 4 stream "$T/cb" "$T/out" >"$T/check"
ok $? "agrees with the reference, record by record"
sed -n 's/^# /#   /p' "$T/check"

python3 "$top_srcdir/tests/detect/shift.py" SKL/GBP 1.03 0.0001 <"$T/cb" >"$T/cbs"
arb-detect --explain --max-legs 4 --max-age 0 --max-notional GBP=20 "$T/cbs" >"$T/outs" 2>"$T/errs"
ok $? "arb-detect on the shifted books"
n=$(grep -c '^{"type":"opportunity".*"event":"new"' "$T/outs")
[ "$n" -gt 0 ]
ok $? "the shifted cycle opens ($n times)"
$REF --max-legs 4 --max-notional 20 stream "$T/cbs" "$T/outs" 4000 >"$T/check2"
ok $? "shifted: agrees with the reference"
sed -n 's/^# /#   /p' "$T/check2"

# Default options (--max-age 10s), twice: the same bytes.
arb-detect --explain --max-legs 4 --max-notional GBP=20 <"$T/cbs" >"$T/d1" 2>/dev/null
ok $? "shifted, default options"
arb-detect --explain --max-legs 4 --max-notional GBP=20 "$T/cbs" >"$T/d2" 2>/dev/null
cmp_ok "$T/d2" "$T/d1" "shifted, default options: deterministic"
done_testing
