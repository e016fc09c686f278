#!/bin/sh
# arb-detect command line: help, version, usage errors (exit 2), the fee
# file's errors, bad input lines (reported with file:line, skipped, counted;
# fatal with --strict), a closed stdout (exit 0).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
G=$top_srcdir/tests/golden/detect

arb-detect -h >"$T/h" 2>&1
ok $? "-h exits 0"
grep -q -- '--max-legs' "$T/h"
ok $? "-h prints the options"
arb-detect -V >"$T/v"
ok $? "-V exits 0"
grep -q '^arb-detect ' "$T/v"
ok $? "-V prints the version"
arb-detect --no-such-option </dev/null >/dev/null 2>&1
is $? 2 "unknown option: exit 2"
arb-detect --max-legs 9 </dev/null >/dev/null 2>&1
is $? 2 "--max-legs 9: exit 2"
arb-detect --max-age forever </dev/null >/dev/null 2>&1
is $? 2 "bad --max-age: exit 2"
arb-detect --alias USDT </dev/null >/dev/null 2>&1
is $? 2 "bad --alias: exit 2"
arb-detect --min-profit -1 </dev/null >/dev/null 2>&1
is $? 2 "negative --min-profit: exit 2"

printf '# fees\nbinance BTC/USDT taker=0.001\nkraken * taker=abc\n' >"$T/bad.fees"
arb-detect --fees "$T/bad.fees" </dev/null >/dev/null 2>"$T/err"
is $? 2 "bad fee file: exit 2"
grep -q "bad.fees:3: bad number" "$T/err"
ok $? "bad fee file: the message names file and line"
printf 'kraken * fee_in=gold\n' >"$T/bad2.fees"
arb-detect --fees "$T/bad2.fees" </dev/null >/dev/null 2>&1
is $? 2 "bad fee_in: exit 2"
arb-detect --fees "$T/none.fees" </dev/null >/dev/null 2>&1
is $? 2 "missing fee file: exit 2"
# a NUL byte cut a word short, and the rest of it was ignored (fuzz-fees)
printf 'binance BTC/USDT maker=0.001\nbinance BTC/USDT taker=0.001\000junk\n' >"$T/nul.fees"
arb-detect --fees "$T/nul.fees" </dev/null >/dev/null 2>"$T/err"
is $? 2 "fee file with a NUL byte: exit 2"
grep -q "nul.fees:2: NUL byte" "$T/err"
ok $? "  the message names file, line and the NUL byte"

grep -v '^#' "$G/fee-quote.in" >"$T/in"
{ head -n 2 "$T/in"; echo 'not json'; echo '{"type":"book","ts":1}'; tail -n 2 "$T/in"; } >"$T/bad.in"
arb-detect "$T/bad.in" >"$T/out" 2>"$T/err"
ok $? "bad lines: exit 0"
grep -q "bad.in:3: " "$T/err" && grep -q "bad.in:4: " "$T/err"
ok $? "bad lines: reported as file:line"
grep -q "2 bad lines skipped" "$T/err"
ok $? "bad lines: counted at exit"
grep -v '^#' "$G/fee-quote.out" >"$T/want"
cmp_ok "$T/out" "$T/want" "bad lines: skipped, the rest as without them"
arb-detect --strict "$T/bad.in" >"$T/strict.out" 2>/dev/null
is $? 1 "--strict: a bad line is fatal (exit 1)"
head -n 2 "$T/in" >"$T/strict.want"
cmp_ok "$T/strict.out" "$T/strict.want" "--strict: the lines before the bad one are still written"
# a book's time near INT64_MIN made its age overflow (UBSan in the
# sanitizer build); a record's times are within 0 .. 2^62 (arb-ndjson(5))
{ head -n 2 "$T/in"; echo '{"type":"book","ts":-9223372036854775807,"rt":1,"ex":"binance","sym":"BTC/USDT","ok":true,"depth":1,"bids":[[1,1]],"asks":[[2,1]]}'; tail -n 2 "$T/in"; } >"$T/time.in"
arb-detect "$T/time.in" >"$T/out" 2>"$T/err"
ok $? "a book's ts out of range: exit 0"
grep -q 'time.in:3: bad record: time out of range at "ts"' "$T/err"
ok $? "  a bad line naming the file, the line and the key"
cmp_ok "$T/out" "$T/want" "  skipped, the rest as without it"

# books whose levels parse but cannot be used (a price of 0, a quantity
# below 0), read lazily (the usual form) and by the general path (a
# space): reported, and the book refused (out of sync) until its next
# good record: b's book then makes no opportunity, a good one of a does
{ head -n 3 "$T/in"
  echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":2,"ok":true,"depth":2,"bids":[[99.00,1],[0.00,1]],"asks":[[100.00,2],[100.5,1]]}'
  echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":3,"ok":true,"depth":2,"bids":[[99.00,1],[98.00,1]],"asks":[[90.00,2],[100.5,-1]]}'
  echo '{"type":"book", "ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":4,"ok":true,"depth":1,"bids":[[0,1]],"asks":[[90.00,2]]}'
  tail -n 1 "$T/in"; } >"$T/badlv.in"
arb-detect --explain "$T/badlv.in" >"$T/out" 2>"$T/err"
ok $? "bad levels: exit 0"
is "$(grep -c 'bad book: bad book level' "$T/err")" 3 "bad levels: each reported"
grep -q "badlv.in:4: " "$T/err" && grep -q "badlv.in:5: " "$T/err" && grep -q "badlv.in:6: " "$T/err"
ok $? "bad levels: reported as file:line"
is "$(grep -v '"type":"book"' "$T/out" | grep -v '"type":"instrument"')" \
    '{"type":"reject","ts":1000002,"kind":"cross","reason":"out_of_sync","ex":"a","sym":"BTC/USD","gross_bps":100.00,"cand":"cross:a>b:BTC/USD","detail":"a BTC/USD"}' \
    "bad levels: the book refused as out of sync, not traded on its old levels"
{ cat "$T/badlv.in"
  echo '{"type":"book","ts":1000003,"rt":1000003,"ex":"a","sym":"BTC/USD","seq":5,"ok":true,"depth":1,"bids":[[99.00,1]],"asks":[[100.00,2]]}'; } >"$T/badlv2.in"
arb-detect "$T/badlv2.in" 2>/dev/null | grep '"type":"opportunity"' | sed 's/.*"event":"\([a-z]*\)".*"book_ts":\(\[[0-9,]*\]\).*/\1 \2/' >"$T/got"
is "$(cat "$T/got")" "new [1000003,1000002]" "bad levels: the next good record makes the book usable again"
# an open opportunity goes at once when one of its books gets a bad record
{ cat "$T/in"
  echo '{"type":"book","ts":1000003,"rt":1000003,"ex":"a","sym":"BTC/USD","seq":2,"ok":true,"depth":1,"bids":[[99.00,1]],"asks":[[-100.00,2]]}'; } >"$T/badlv3.in"
is "$(arb-detect "$T/badlv3.in" 2>/dev/null | sed -n 's/.*"type":"opportunity","ts":\([0-9]*\),.*"event":"\([a-z]*\)".*/\2 \1/p' | tr '\n' ' ')" \
    "new 1000002 gone 1000003 " "bad levels: an open opportunity on the book goes"

# Levels out of order (arb-ndjson(5): bids by falling, asks by rising
# price): the px of a leg would be the last level walked, not the worst.
# Both readings: lazily (the usual form: the levels past the best are
# converted, and checked, when a sizing needs them, and the message then
# names the record's line) and in full (a space after the type).  The
# record is reported, counted, and its book refused until its next good
# record; the rest flows on.  Levels at one price are accepted.
# unsorted NAME BIDS ASKS MESSAGE: a's book with those sides, then b's, then a's
# good book
unsorted() {
	for how in lazy full; do
		sp=''
		[ $how = full ] && sp=' '
		{ head -n 3 "$T/in"
		  printf '{"type":"book",%s"ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":2,"ok":true,"depth":4,"bids":%s,"asks":%s}\n' "$sp" "$2" "$3"
		  tail -n 1 "$T/in"
		  echo '{"type":"book","ts":1000003,"rt":1000003,"ex":"a","sym":"BTC/USD","seq":3,"ok":true,"depth":1,"bids":[[99.00,1]],"asks":[[100.00,2]]}'
		} >"$T/uns.in"
		arb-detect --explain "$T/uns.in" >"$T/uns.out" 2>"$T/uns.err"
		is "$?" 0 "$1, $how: exit 0"
		printf 'arb-detect: %s: bad book: %s\narb-detect: 1 bad line skipped\n' "$T/uns.in:4" "$4" >"$T/uns.want"
		cmp_ok "$T/uns.err" "$T/uns.want" "$1, $how: reported with file and line, counted"
		grep -v '"type":"\(book\|instrument\)"' "$T/uns.out" |
		    sed 's/.*"ts":\([0-9]*\).*"\(reason\|event\)":"\([a-z_]*\)".*/\1 \3/' | tr '\n' ' ' >"$T/uns.got"
		is "$(cat "$T/uns.got")" "1000002 out_of_sync 1000003 new " \
		    "$1, $how: no opportunity on that book until its next good record"
		arb-detect --strict "$T/uns.in" >/dev/null 2>&1
		is "$?" 1 "$1, $how: --strict: fatal"
	done
}
unsorted "bids level 2" '[[99.00,1],[99.50,1]]' '[[100.00,2],[101,1]]' "bids not best first at level 2"
unsorted "bids level 4" '[[99.00,1],[98,1],[98,1],[98.01,1]]' '[[100.00,2],[101,1]]' "bids not best first at level 4"
unsorted "asks level 2" '[[99.00,1]]' '[[100.00,1],[99.99,1],[101,1]]' "asks not best first at level 2"
unsorted "asks level 3" '[[99.00,1],[98,1]]' '[[100.00,1],[100.5,1],[100.4,1]]' "asks not best first at level 3"
unsorted "both sides: bids named" '[[99.00,1],[98,1],[98.5,1]]' '[[100.00,1],[99.5,1]]' "bids not best first at level 3"
# the leg's px is its worst level: with a's asks 100 then 100.5, both
# walked (b takes 1.5), px 100.5; equal prices are no disorder
{ head -n 3 "$T/in"
  echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":2,"ok":true,"depth":3,"bids":[[99.00,1]],"asks":[[100.00,1],[100.00,0.2],[100.5,1]]}'
  tail -n 1 "$T/in"; } >"$T/eq.in"
arb-detect "$T/eq.in" >"$T/eq.out" 2>"$T/eq.err"
is "$?:$(cat "$T/eq.err")" "0:" "equal prices: accepted, no message"
grep -q '"side":"buy","px":100.5,"qty":1.5' "$T/eq.out"
ok $? "  the buy leg's px is the worst level walked"

# The configuration file (section [arb-detect]) and ARB_* under the
# command line.
grep -v '^#' "$G/usdt.in" >"$T/usdt"
printf '# arb-detect\n[arb-detect]\nalias = USDT=USD\nmin-profit = 5\n[arb-exec]\nttl = bad\n' >"$T/a.conf"
is "$(arb-detect -c "$T/a.conf" "$T/usdt" | grep -c '"type":"opportunity"')" 0 \
    "config: alias matched, --min-profit 5 keeps the 1.1985 profit out"
is "$(arb-detect -c "$T/a.conf" --min-profit 1 "$T/usdt" | grep -c '"type":"opportunity"')" 1 \
    "config: the command line wins (--min-profit 1)"
is "$(ARB_MIN_PROFIT=1 arb-detect -c "$T/a.conf" "$T/usdt" | grep -c '"type":"opportunity"')" 1 \
    "config: the environment wins over the file"
printf '[arb-detect]\nmax-legs = 9\n' >"$T/b.conf"
arb-detect -c "$T/b.conf" "$T/usdt" >/dev/null 2>"$T/err"
is $? 2 "config: a bad value is a usage error"
grep -q "b.conf:2: max-legs 9" "$T/err"
ok $? "config: the message names file and line"

# --start-ccy: the cycle starts (and counts its profit) elsewhere; a later
# list replaces an earlier one.
grep -v '^#' "$G/cycle4.in" >"$T/c4"
is "$(arb-detect --max-legs 4 --start-ccy BTC "$T/c4" | sed -n 's/.*"id":"\([^"]*\)".*"ccy":"\([A-Z]*\)".*/\1 \2/p')" \
    "cycle:y:BTC>SKL>GBP>BAND>BTC:1000004 BTC" "--start-ccy BTC"
is "$(arb-detect --max-legs 4 --start-ccy BTC --start-ccy SKL,BTC "$T/c4" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')" \
    "cycle:y:SKL>GBP>BAND>BTC>SKL:1000004" "--start-ccy: the last list wins"
# an empty list (a variable left empty) is a usage error, not "any"
arb-detect --start-ccy '' "$T/c4" >/dev/null 2>"$T/sc.err"
is "$?" 2 "--start-ccy '': exit 2"
is "$(cat "$T/sc.err")" "arb-detect: --start-ccy '': empty list" "  says so"

# A leg's price off its instrument's tick (the instrument disagrees with
# the book): refused with reason tick, never an order whose limit was
# rounded away from the price; a sell rounded down would be 0 here (bid
# 0.35, tick 1.0001).
sed 's/"sym":"SKL\/GBP","base":"SKL","quote":"GBP","tick":[0-9.]*/"sym":"SKL\/GBP","base":"SKL","quote":"GBP","tick":1.0001/' "$T/c4" >"$T/tk.in"
arb-detect --max-legs 4 --explain "$T/tk.in" >"$T/tk.out" 2>"$T/tk.err"
is "$?:$(cat "$T/tk.err")" "0:" "a sell leg off the tick: exit 0, no message"
is "$(grep -c '"type":"opportunity"' "$T/tk.out")" 0 "  no opportunity (its sell limit would be 0)"
is "$(grep '"type":"reject"' "$T/tk.out")" \
    '{"type":"reject","ts":1000004,"kind":"cycle","reason":"tick","ex":"y","sym":"BAND/GBP","gross_bps":500.00,"cand":"cycle:y:GBP>BAND>BTC>SKL>GBP","detail":"y SKL/GBP px 0.35 not on its tick 1.0001"}' \
    "  rejected for tick, the detail names the leg, its price and tick"
# a buy leg: BAND/GBP's ask 10 on a tick of 0.003
sed 's/"sym":"BAND\/GBP","base":"BAND","quote":"GBP","tick":[0-9.]*/"sym":"BAND\/GBP","base":"BAND","quote":"GBP","tick":0.003/' "$T/c4" >"$T/tk2.in"
arb-detect --max-legs 4 --explain "$T/tk2.in" >"$T/tk2.out" 2>/dev/null
is "$(grep -c '"type":"opportunity"' "$T/tk2.out"):$(grep -o '"reason":"tick".*"detail":"[^"]*"' "$T/tk2.out")" \
    '0:"reason":"tick","ex":"y","sym":"BAND/GBP","gross_bps":500.00,"cand":"cycle:y:GBP>BAND>BTC>SKL>GBP","detail":"y BAND/GBP px 10 not on its tick 0.003"' \
    "a buy leg off the tick: rejected for tick"
# on the tick (the golden input): the opportunity, no tick reject
is "$(arb-detect --max-legs 4 --explain "$T/c4" | grep -c '"reason":"tick"\|"type":"opportunity"')" 1 \
    "on the tick: the opportunity"

# A closed pipe downstream is not an error.
i=0
while [ $i -lt 2000 ]; do cat "$T/in"; i=$((i + 1)); done >"$T/big"
(arb-detect "$T/big"; echo $? >"$T/rc") | head -n 1 >/dev/null
is "$(cat "$T/rc")" 0 "stdout closed early: exit 0"
done_testing
