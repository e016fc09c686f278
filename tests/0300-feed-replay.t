#!/bin/sh
# arb-feed --replay of every shared recording: books in sync, every venue
# checksum verified (counted), Binance bridged without a gap, no ok:true book
# crossed, checked against an independent reference (tests/feed/ref.py).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
[ -d "$R" ] || skip_all "no recordings"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (reference checks)"
REF="python3 $top_srcdir/tests/feed/ref.py"

# stats NAME FILE: the sum of one counter of --stats over every book
stat_sum() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$2" | awk '{ s += $1 } END { print s + 0 }'
}

for v in BINANCE KRAKEN COINBASE OKX BYBITV5 BITSTAMP; do
	arb-feed --replay --stats --depth 25 "$R/$v".* >"$T/$v.out" 2>"$T/$v.err"
	ok $? "$v: replay exits 0"
	is "$(grep -c 'bad lines skipped' "$T/$v.err")" 0 "$v: no bad line"
	is "$(stat_sum gaps "$T/$v.err")" 0 "$v: no gap"
	is "$(grep -c '"ok":false' "$T/$v.out")" 0 "$v: every book ok"
	is "$(head -n 1 "$T/$v.out" | cut -c1-17)" '{"type":"status",' "$v: starts with a status record"
	arb-feed --replay --depth 25 "$R/$v".* 2>/dev/null >"$T/$v.again"
	cmp_ok "$T/$v.again" "$T/$v.out" "$v: byte-identical on a second run"
	$REF crossed "$T/$v.out" >"$T/$v.crossed"
	ok $? "$v: no ok:true book is crossed ($(cat "$T/$v.crossed"))"
done

# Instruments come before the first book of their symbol.
for v in BINANCE KRAKEN COINBASE OKX BITSTAMP; do
	awk -F'"sym":"' '/"type":"instrument"/ { split($2, a, "\""); seen[a[1]] = 1 }
	    /"type":"book"/ { split($2, a, "\""); if (!seen[a[1]]) bad++ }
	    END { exit bad > 0 }' "$T/$v.out"
	ok $? "$v: instrument record before the first book of each symbol"
done
is "$(grep -c '"type":"instrument"' "$T/BYBITV5.out")" 0 "BYBITV5: the capture has no V5 metadata: no instrument"
is "$(grep -c 'no instrument metadata for' "$T/BYBITV5.err")" 10 "BYBITV5: ...and says so for each symbol"

# Exact counts of verified checksums.
is "$(stat_sum checksums_ok "$T/KRAKEN.err")" 4269 "KRAKEN: 4269 checksums verified"
is "$(stat_sum checksums_bad "$T/KRAKEN.err")" 0 "KRAKEN: no checksum mismatch"
is "$(stat_sum checksums_ok "$T/OKX.err")" 290 "OKX: 290 checksums verified"
is "$(stat_sum checksums_bad "$T/OKX.err")" 0 "OKX: no checksum mismatch"
is "$($REF kraken "$T/KRAKEN.out" "$R/KRAKEN.ws.50.0")" "checked 4269 bad 0" \
	"KRAKEN: reference recomputes all 4269 checksums from the output books"
is "$($REF okx "$T/OKX.out" "$R/OKX.ws.1.0")" "checked 290 bad 0" \
	"OKX: reference recomputes all 290 checksums from the output books"

# Binance: snapshots plus diffs, rebuilt independently.
arb-feed --replay "$R"/BINANCE.* >"$T/b10.out" 2>/dev/null
is "$($REF binance "$T/b10.out" "$R/BINANCE.http.0.0" "$R/BINANCE.ws.1.0" | tr '\n' ' ')" \
	"gaps 0 checked 172 bad 0 " "BINANCE: every diff bridges, every book equals the reference"
is "$(grep -c '"state":"synced"' "$T/b10.out")" 4 "BINANCE: 4 symbols synced"
is "$(grep -c '"type":"book"' "$T/b10.out")" 176 "BINANCE: 4 snapshots + 172 diffs"

# rt is the receive time of the recording, exactly (truncated to us).
is "$(grep -m1 '"type":"book","ts":1633998512568000' "$T/b10.out" | sed 's/.*"rt":\([0-9]*\).*/\1/')" \
	1633998512564785 "rt from 1633998512.564785"
is "$(grep -c '"rt":1633998512063356' "$T/b10.out")" 0 "a held-back diff is not a book of its own"

# Every venue at once: merged by receive time, same books as one by one.
arb-feed --replay --depth 25 "$R"/* >"$T/all.out" 2>/dev/null
ok $? "all recordings at once"
for v in binance kraken coinbase okx bybit bitstamp; do
	grep "\"ex\":\"$v\"" "$T/all.out" | grep '"type":"book"' >"$T/all.$v"
done
cat "$T/BINANCE.out" | grep '"type":"book"' >"$T/one.binance"
cmp_ok "$T/all.binance" "$T/one.binance" "binance books identical when merged with the others"

# --trades
arb-feed --replay --trades "$R"/COINBASE.* "$R"/OKX.* "$R"/BITSTAMP.* "$R"/KRAKEN.* "$R"/BINANCE.* >"$T/tr.out" 2>/dev/null
is "$(grep -c '"type":"trade","ts":[0-9]*,"rt":[0-9]*,"ex":"coinbase"' "$T/tr.out")" 97 "coinbase: 97 matches"
is "$(grep -c '"type":"trade".*"ex":"okx"' "$T/tr.out")" "$(grep -o '"channel":"trades","instId":"[^"]*"},"data":\[{' "$R/OKX.ws.1.0" | wc -l)" "okx: one trade per trades frame"
is "$(grep -c '"type":"trade"' "$T/b10.out")" 0 "no trade records without --trades"
is "$(grep '"type":"trade".*"ex":"coinbase"' "$T/tr.out" | head -n 1)" \
	'{"type":"trade","ts":1618677817089723,"rt":1618677817129516,"ex":"coinbase","sym":"SKL/BTC","id":"280232","px":0.00001305,"qty":985,"side":"buy"}' \
	"coinbase match: maker sold, so the taker bought"

# A symbol filter on the command line.
arb-feed --replay "$R"/KRAKEN.* kraken:BTC/CHF >"$T/f.out" 2>/dev/null
is "$(grep -v '"sym":"BTC/CHF"' "$T/f.out" | grep -c '"sym"')" 0 "filter: only BTC/CHF and venue-wide records"
is "$(grep -c '"type":"book".*"sym":"BTC/CHF"' "$T/f.out")" 290 "filter: every BTC/CHF book"

done_testing
