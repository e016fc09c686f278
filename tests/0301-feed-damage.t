#!/bin/sh
# Damaged recordings: a dropped, duplicated or swapped diff, a corrupted
# level, a truncated line, a frame that is not JSON, a frame of another
# venue.  The output must show ok:false and a resync where the book went
# wrong, the errors must name file and line, replay must go on, and no
# ok:true book may differ from the true one (the undamaged replay, itself
# checked against an independent reference in 0300-feed-replay.t).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
[ -d "$R" ] || skip_all "no recordings"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (reference checks)"
REF="python3 $top_srcdir/tests/feed/ref.py"

# setup VENUE: a scratch copy of a venue's files and its undamaged output
setup() {
	rm -rf "$T/d" && mkdir "$T/d" && cp "$R/$1".* "$T/d/"
	arb-feed --replay "$R/$1".* >"$T/good" 2>/dev/null
}
# run: replay the scratch copy
run() {
	arb-feed --replay "$T"/d/* >"$T/out" 2>"$T/err"
}
# nth_line FILE PATTERN N: line number of the N-th line matching PATTERN
nth_line() {
	grep -n -- "$2" "$1" | sed -n "$3p" | cut -d: -f1
}
edit() {  # edit FILE SED-SCRIPT
	sed "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}
sane() {  # sane NAME: no ok:true book is wrong
	$REF same "$T/good" "$T/out" >"$T/same"
	ok $? "$1: every ok:true book is the true book ($(cat "$T/same"))"
}

# -- Binance: drop one LRC/BTC diff
setup BINANCE
W=$T/d/BINANCE.ws.1.0
n=$(nth_line "$W" lrcbtc@depth 5)
edit "$W" "${n}d"
run
ok $? "binance drop: exit 0"
is "$(grep -c '"sym":"LRC/BTC","state":"gap","detail":"update ids' "$T/out")" 1 "binance drop: status gap"
is "$(grep -c '"sym":"LRC/BTC","state":"resync"' "$T/out")" 1 "binance drop: status resync"
is "$(grep -c '"sym":"LRC/BTC","seq":[0-9]*,"ok":false' "$T/out")" 1 "binance drop: one ok:false book at once"
is "$(grep '"type":"book".*"LRC/BTC"' "$T/out" | tail -n 1 | grep -c '"ok":false')" 1 "binance drop: no later snapshot, stays out of sync"
grep -q 'LRC/BTC: out of sync at the end of the recording' "$T/err"
ok $? "binance drop: says it stays out of sync"
grep -q "BINANCE.ws.1.0:[0-9]*: binance LRC/BTC: update ids" "$T/err"
ok $? "binance drop: the gap names file and line"
is "$(grep -c '"sym":"NKN/USDT".*"ok":true' "$T/out")" "$(grep -c '"sym":"NKN/USDT".*"ok":true' "$T/good")" \
	"binance drop: the other symbols are not resynced"
sane "binance drop"

# -- Binance: duplicate a diff: dropped by the u <= last rule, nothing changes
setup BINANCE
n=$(nth_line "$W" nknusdt@depth 30)
edit "$W" "${n}p"
run
cmp_ok "$T/out" "$T/good" "binance duplicate: output unchanged"

# -- Binance: swap two NKN/USDT diffs
setup BINANCE
a=$(nth_line "$W" nknusdt@depth 40)
b=$(nth_line "$W" nknusdt@depth 41)
sed -n "${a}p" "$W" >"$T/la"
edit "$W" "${a}d"
edit "$W" "$((b - 1))r $T/la"
run
is "$(grep -c '"sym":"NKN/USDT","state":"gap"' "$T/out")" 1 "binance swap: gap"
is "$(grep '"type":"book".*"NKN/USDT"' "$T/out" | tail -n 1 | grep -c '"ok":false')" 1 "binance swap: stays out of sync"
sane "binance swap"

# -- Binance: a snapshot older than the diffs held back cannot be bridged
setup BINANCE
edit "$T/d/BINANCE.http.0.0" 's/"lastUpdateId":499869752/"lastUpdateId":499869700/'
run
is "$(grep -c '"sym":"NKN/USDT","state":"resync","detail":"snapshot older than the diffs' "$T/out")" 1 \
	"binance old snapshot: resync, said why"
is "$(grep -c '"type":"book".*"sym":"NKN/USDT"' "$T/out")" 0 "binance old snapshot: no NKN/USDT book at all"
is "$(grep -c '"sym":"NKN/USDT","state":"synced"' "$T/out")" 0 "binance old snapshot: never synced"
is "$(grep -c '"state":"synced"' "$T/out")" 3 "binance old snapshot: the other symbols sync"

# -- Binance: a truncated line, a frame that is not JSON, a Kraken frame
setup BINANCE
n=$(nth_line "$W" bookTicker 3)
edit "$W" "${n}s/\(.\{60\}\).*/\1/"
edit "$W" "$((n + 1))i\\
1633998515.000001: this is not json"
edit "$W" "$((n + 2))i\\
1633998515.000002: [1664,{\"a\":[[\"7.7\",\"1.0\",\"1618678134.1\"]],\"c\":\"1\"},\"book-1000\",\"WAVES/EUR\"]"
run
ok $? "damaged lines: exit 0 (without --strict)"
grep -q "^arb-feed: .*/BINANCE.ws.1.0:$n: not JSON" "$T/err"
ok $? "truncated line: error names file:$n"
grep -q "^arb-feed: .*/BINANCE.ws.1.0:$((n + 1)): not JSON" "$T/err"
ok $? "not JSON: error names file:$((n + 1))"
grep -q "^arb-feed: .*/BINANCE.ws.1.0:$((n + 2)): not a Binance frame" "$T/err"
ok $? "frame of another venue: error names file:$((n + 2))"
grep -q "3 bad lines skipped" "$T/err"
ok $? "bad lines counted at exit"
is "$(grep -c '"type":"book"' "$T/out")" "$(grep -c '"type":"book"' "$T/good")" "replay went on: every book still there"
arb-feed --replay --strict "$T"/d/* >"$T/strict.out" 2>/dev/null
is "$?" 1 "--strict: a bad line is fatal (exit 1)"
# the records of the lines before it are written, as without --strict
test -s "$T/strict.out"
ok $? "--strict: the records before the bad line are still written"
head -n "$(wc -l <"$T/strict.out")" "$T/out" >"$T/strict.want"
cmp_ok "$T/strict.out" "$T/strict.want" "--strict: ... the same as without --strict"

# -- Kraken: corrupt a level of one update: checksum mismatch
setup KRAKEN
W=$T/d/KRAKEN.ws.50.0
n=$(nth_line "$W" '"c":"[0-9]*"},*"book-1000","XMR/USD"\]' 100)
edit "$W" "${n}s/\[\"\([0-9]*\)\.\([0-9]\)/[\"\1.9\2/"
run
is "$(grep -c '"sym":"XMR/USD","state":"gap","detail":"checksum mismatch' "$T/out")" 1 "kraken corrupt: checksum gap"
is "$(grep -c '"sym":"XMR/USD","state":"resync"' "$T/out")" 1 "kraken corrupt: resync"
is "$(grep '"type":"book".*"XMR/USD"' "$T/out" | tail -n 1 | grep -c '"ok":false')" 1 "kraken corrupt: ok:false, no later snapshot"
is "$(grep -c '"state":"gap"' "$T/out")" 1 "kraken corrupt: only XMR/USD resyncs"
sane "kraken corrupt"

# -- Kraken: corrupt, then a new snapshot later in the recording: resync
# The snapshot is the true book at that moment (the undamaged replay at
# depth 1000 is the whole book), written as Kraken's "as"/"bs" frame.
arb-feed --replay --depth 1000 "$R"/KRAKEN.* kraken:XMR/USD >"$T/full" 2>/dev/null
m=$(nth_line "$W" '"book-1000","XMR/USD"\]' 300)
rt=$(sed -n "${m}p" "$W" | cut -d: -f1)
usrt=$(echo "$rt" | awk -F. '{ f = substr($2 "000000", 1, 6); print $1 f }')
python3 - "$T/full" "$usrt" >"$T/snap" <<'PY'
import json, sys
book = None
for line in open(sys.argv[1]):
    r = json.loads(line, parse_float=str, parse_int=str)
    if r["type"] == "book" and r["sym"] == "XMR/USD" and r["rt"] == sys.argv[2]:
        book = r
lv = lambda side: [[p, q, "1618678140.000000"] for p, q in side]
print(json.dumps([992, {"as": lv(book["asks"]), "bs": lv(book["bids"])}, "book-1000", "XMR/USD"],
                 separators=(",", ":")))
PY
sed "s/^/$rt: /" "$T/snap" >"$T/snapline"
edit "$W" "${m}r $T/snapline"
run
is "$(grep -c '"sym":"XMR/USD","state":"synced"' "$T/out")" 2 "kraken resync: synced again from the later snapshot"
is "$(grep '"type":"book".*"XMR/USD"' "$T/out" | tail -n 1 | grep -c '"ok":true')" 1 "kraken resync: ok:true at the end"
arb-feed --replay --stats "$T"/d/* 2>&1 >/dev/null | grep 'kraken XMR/USD' >"$T/st"
grep -q 'checksums_bad=1 gaps=1' "$T/st"
ok $? "kraken resync: one mismatch, one gap ($(cat "$T/st"))"
sane "kraken resync"

# -- A REST snapshot that comes again later, while the book is in sync: it
# is older than the book, which already holds it and more; applying it
# would write the book of seconds ago marked ok (Bitstamp: and go on from
# there, wrong, without a gap).  It is dropped: nothing changes.
setup BINANCE
H=$T/d/BINANCE.http.0.0
grep '^https://api.binance.com/api/v3/depth?symbol=NKNUSDT' "$H" |
	sed 's/ -> [0-9.]*:/ -> 1633998520.000000:/' >>"$H"
arb-feed --replay -v "$T"/d/* >"$T/out" 2>"$T/err"
cmp_ok "$T/out" "$T/good" "binance old snapshot again while in sync: output unchanged"
grep -q "BINANCE.http.0.0:6: binance NKN/USDT: snapshot at 499869752 is not newer than the book (499869866): ignored" "$T/err"
ok $? "binance old snapshot again: -v says where and why it is ignored"
setup BITSTAMP
H=$T/d/BITSTAMP.http.0.0
grep '^https://www.bitstamp.net/api/v2/order_book/ethusd' "$H" |
	sed 's/ -> [0-9.]*:/ -> 1641343710.000000:/' >>"$H"
run
cmp_ok "$T/out" "$T/good" "bitstamp old snapshot again while in sync: output unchanged"

# -- A snapshot that cannot be used (a bad price) while the book is in sync:
# a gap like any other, not a book emptied and still ok (Binance: the diffs
# that followed were applied to it and written ok:true), nor one silently
# out of sync (Bybit: the last record said ok:true).
setup BINANCE
H=$T/d/BINANCE.http.0.0
grep '^https://api.binance.com/api/v3/depth?symbol=NKNUSDT' "$H" |
	sed 's/ -> [0-9.]*:/ -> 1633998530.000000:/; s/"lastUpdateId":[0-9]*/"lastUpdateId":499870012/; s/\["0.35200000"/["0.35x00000"/' >>"$H"
run
grep '"sym":"NKN/USDT"' "$T/out" | grep -A 2 -m 1 '"state":"gap"' >"$T/g"
cat >"$T/want" <<'EOF'
{"type":"status","ts":1633998530000000,"ex":"binance","sym":"NKN/USDT","state":"gap","detail":"bad snapshot: bad price: unexpected character in number"}
{"type":"book","ts":1633998530000000,"rt":1633998530000000,"ex":"binance","sym":"NKN/USDT","seq":499870011,"ok":false,"depth":10,"bids":[],"asks":[]}
{"type":"status","ts":1633998530000000,"ex":"binance","sym":"NKN/USDT","state":"resync","detail":"replay: waiting for a later snapshot in the recording"}
EOF
cmp_ok "$T/g" "$T/want" "binance bad snapshot while in sync: gap, ok:false, resync"
is "$(sed -n '/"NKN\/USDT","state":"gap"/,$p' "$T/out" | grep -c '"NKN/USDT".*"ok":true')" 0 \
	"binance bad snapshot: no ok:true NKN/USDT book after it"
grep -q 'BINANCE.http.0.0:6: bad price: unexpected character in number' "$T/err"
ok $? "binance bad snapshot: the error names file and line"
sane "binance bad snapshot"
setup BYBITV5
W=$T/d/BYBITV5.ws.1.0
n=$(nth_line "$W" '"topic":"orderbook.1.BANDUSDT","type":"snapshot"' 10)
edit "$W" "${n}s/\"b\":\[\[\"0\.6/\"b\":[[\"0x6/"
run
grep '"sym":"BAND/USDT-PERP"' "$T/out" | grep -A 3 '"state":"gap"' >"$T/g"
cat >"$T/want" <<'EOF'
{"type":"status","ts":1749833481062000,"ex":"bybit","sym":"BAND/USDT-PERP","state":"gap","detail":"bad snapshot: bad price: unexpected character in number"}
{"type":"book","ts":1749833481062000,"rt":1749833480161153,"ex":"bybit","sym":"BAND/USDT-PERP","seq":24043004,"ok":false,"depth":10,"bids":[],"asks":[]}
{"type":"status","ts":1749833481062000,"ex":"bybit","sym":"BAND/USDT-PERP","state":"resync","detail":"replay: waiting for a later snapshot in the recording"}
{"type":"status","ts":1749833480182201,"ex":"bybit","sym":"BAND/USDT-PERP","state":"synced"}
EOF
cmp_ok "$T/g" "$T/want" "bybit bad snapshot while in sync: gap, ok:false, resync, synced by the next one"
grep -q "BYBITV5.ws.1.0:$n: bad price" "$T/err"
ok $? "bybit bad snapshot: the error names file and line"
sane "bybit bad snapshot"

# -- Frames held back until a later snapshot: what goes wrong with one of
# them when it is applied names its own file and line (not the snapshot's),
# counts as a bad line, and is fatal with --strict.  The NKN/USDT snapshot
# is moved after the diffs of lines 2 to 9.
setup BINANCE
W=$T/d/BINANCE.ws.1.0
edit "$T/d/BINANCE.http.0.0" 's/NKNUSDT&limit=1000 -> 1633998512.320639:/NKNUSDT\&limit=1000 -> 1633998513.500000:/'
edit "$W" '4s/"b":\[\["0.35200000"/"b":[["0.35x00000"/'
run
grep -q "BINANCE.ws.1.0:4: binance NKN/USDT: held-back frame: bad price: unexpected character in number" "$T/err"
ok $? "held-back frame: a bad price names the frame's file and line"
grep -q "BINANCE.http" "$T/err"
ok $((! $?)) "held-back frame: ... not the snapshot's"
grep -q "1 bad line skipped" "$T/err"
ok $? "held-back frame: counted as a bad line"
arb-feed --replay --strict "$T"/d/* >/dev/null 2>&1
is "$?" 1 "held-back frame: fatal with --strict"
setup BINANCE
edit "$T/d/BINANCE.http.0.0" 's/NKNUSDT&limit=1000 -> 1633998512.320639:/NKNUSDT\&limit=1000 -> 1633998513.500000:/'
edit "$W" '5d'
run
grep -q "BINANCE.ws.1.0:5: binance NKN/USDT: update ids 499869760..499869760 do not follow 499869757" "$T/err"
ok $? "held-back frames: a gap among them names the line of the frame that reveals it"

# -- A capture replayed without its REST snapshots: no book, and a
# warning for each symbol rather than silence
arb-feed --replay "$R/BINANCE.ws.1.0" >"$T/out" 2>"$T/err"
is "$(grep -c '"type":"book"' "$T/out")" 0 "no snapshot: no book"
grep -q "binance NKN/USDT: 150 frames held back at the end of the recording, waiting for a snapshot that it does not hold" "$T/err"
ok $? "no snapshot: a warning names the symbol and the frames held back"
is "$(grep -c 'frames held back at the end' "$T/err")" 4 "no snapshot: one for each of the four symbols"

# -- OKX: corrupt a size: checksum mismatch
setup OKX
W=$T/d/OKX.ws.1.0
n=$(nth_line "$W" '"channel":"books","instId":"BTC-USDT"},"action":"update"' 20)
edit "$W" "${n}s/\"asks\":\[\[\"\([0-9.]*\)\",\"\([0-9]\)/\"asks\":[[\"\1\",\"9\2/"
run
is "$(grep -c '"sym":"BTC/USDT","state":"gap","detail":"checksum mismatch' "$T/out")" 1 "okx corrupt: checksum gap"
is "$(grep -c '"state":"gap"' "$T/out")" 1 "okx corrupt: only that symbol"
sane "okx corrupt"

# -- Bitstamp: swap two diffs of one pair: out of order
setup BITSTAMP
W=$T/d/BITSTAMP.ws.1.0
a=$(nth_line "$W" '"channel":"diff_order_book_ethusd"' 30)
b=$(nth_line "$W" '"channel":"diff_order_book_ethusd"' 31)
sed -n "${a}p" "$W" >"$T/la"
edit "$W" "${a}d"
edit "$W" "$((b - 1))r $T/la"
run
is "$(grep -c '"sym":"ETH/USD","state":"gap","detail":"diff at' "$T/out")" 1 "bitstamp swap: gap"
# Bitstamp diffs carry no sequence number: the diff that arrives too early
# cannot be known to be early until the late one arrives, so exactly one
# book (the one in between) is wrong while marked ok (arb-feed(1), BUGS).
is "$($REF same "$T/good" "$T/out" | tail -n 1)" "checked 568 bad 1" \
	"bitstamp swap: only the book between the two diffs is wrong"

# -- Coinbase: an update that crosses the book
setup COINBASE
W=$T/d/COINBASE.ws.28.0
n=$(nth_line "$W" '"l2update","product_id":"SKL-USD","changes":\[\["buy"' 50)
edit "$W" "${n}s/\"changes\":\[\[\"buy\",\"[0-9.]*\"/\"changes\":[[\"buy\",\"9.99\"/"
run
is "$(grep -c '"sym":"SKL/USD","state":"gap","detail":"crossed book' "$T/out")" 1 "coinbase crossed: gap"
$REF crossed "$T/out" >/dev/null
ok $? "coinbase crossed: no ok:true book crossed"
sane "coinbase crossed"

done_testing
