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
# space): reported, and the book left as it was
{ head -n 3 "$T/in"
  echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":2,"ok":true,"depth":2,"bids":[[99.00,1],[0.00,1]],"asks":[[100.00,2],[100.5,1]]}'
  echo '{"type":"book","ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":3,"ok":true,"depth":2,"bids":[[99.00,1],[98.00,1]],"asks":[[90.00,2],[100.5,-1]]}'
  echo '{"type":"book", "ts":1000001,"rt":1000001,"ex":"a","sym":"BTC/USD","seq":4,"ok":true,"depth":1,"bids":[[0,1]],"asks":[[90.00,2]]}'
  tail -n 1 "$T/in"; } >"$T/badlv.in"
arb-detect "$T/badlv.in" >"$T/out" 2>"$T/err"
ok $? "bad levels: exit 0"
is "$(grep -c 'bad book: bad book level' "$T/err")" 3 "bad levels: each reported"
grep -q "badlv.in:4: " "$T/err" && grep -q "badlv.in:5: " "$T/err" && grep -q "badlv.in:6: " "$T/err"
ok $? "bad levels: reported as file:line"
grep -v '"type":"book"' "$T/out" >"$T/got.rec"
grep -v '"type":"book"' "$T/want" >"$T/want.rec"
cmp_ok "$T/got.rec" "$T/want.rec" "bad levels: the books left as they were"

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

# A closed pipe downstream is not an error.
i=0
while [ $i -lt 2000 ]; do cat "$T/in"; i=$((i + 1)); done >"$T/big"
(arb-detect "$T/big"; echo $? >"$T/rc") | head -n 1 >/dev/null
is "$(cat "$T/rc")" 0 "stdout closed early: exit 0"
done_testing
