#!/bin/sh
# bench/gen-stream --record: the synthetic market as raw recordings in the
# six venues' own wire formats, which arb-feed --replay reads in sync
# (every book ok, the Kraken and OKX checksums verified, no gap), and the
# same market as arb-feed writes it goes through the whole pipeline, as the
# end-to-end benchmark runs it (bench/pipeline-bench.sh).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

gen-stream --seed 3 --updates 3000 --venues 6 --assets 6 --depth 5 --dislocate-every 40 --record "$T/rec"
ok $? "gen-stream --record writes the recordings"
is "$(cd "$T/rec" && ls | tr '\n' ' ')" "BINANCE.0 BITSTAMP.0 BYBIT.0 COINBASE.0 KRAKEN.0 OKX.0 " \
	"one file per venue, named as arb-feed recognises them"
gen-stream --seed 3 --updates 3000 --venues 6 --assets 6 --depth 5 --dislocate-every 40 --record "$T/rec2"
ok $? "a second run"
for f in "$T"/rec/*; do
	cmp -s "$f" "$T/rec2/$(basename "$f")" || { echo "# $f differs"; break; }
done
ok $? "same seed, same recordings"

arb-feed --replay --depth 5 --stats "$T"/rec/*.0 >"$T/s1" 2>"$T/feed.err"
ok $? "arb-feed --replay reads them"
is "$(grep -c '"type":"book"' "$T/s1")" 3000 "one book record per update"
is "$(grep '"type":"book"' "$T/s1" | grep -vc '"ok":true')" 0 "every book record is in sync"
is "$(grep '"type":"instrument"' "$T/s1" | jq -r .ex | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" \
	"binance:9 bitstamp:9 bybit:9 coinbase:9 kraken:9 okx:9 " "instruments of every venue from its metadata"
is "$(grep -c 'stats .* gaps=0 crossed=0 ok=1' "$T/feed.err")" 54 "no gap and no crossed book in any of the 54 books"
is "$(grep -E 'stats (kraken|okx) ' "$T/feed.err" | grep -c 'checksums_bad=0')" 18 "no checksum mismatch (Kraken, OKX)"
is "$(grep -E 'stats (kraken|okx) ' "$T/feed.err" | grep -c 'checksums_ok=0 ')" 0 "the checksums were checked"
is "$(grep -v 'stats' "$T/feed.err")" "" "arb-feed reports nothing else"

# the pipeline of the benchmark, on the replay
awk -F'"' '/"type":"instrument"/ { for (i = 1; i < NF; i++) { if ($i == "ex") ex = $(i+2); if ($i == "base") b = $(i+2); if ($i == "quote") q = $(i+2) }
	print ex, b, 1000000; print ex, q, 1000000 }' "$T/s1" | sort -u >"$T/bal"
arb-feed --replay --depth 5 "$T"/rec/*.0 2>/dev/null | arb-detect 2>"$T/detect.err" \
	| arb-exec --balances "$T/bal" 2>"$T/exec.err" \
	| arb-store --tee --db "sqlite:$T/db" 2>"$T/store.err" >"$T/out"
ok $? "arb-feed --replay | arb-detect | arb-exec | arb-store --tee"
is "$(cat "$T/detect.err" "$T/exec.err" "$T/store.err")" "" "no diagnostics"
nopp=$(grep -c '"type":"opportunity"' "$T/out")
nfill=$(grep -c '"type":"fill"' "$T/out")
test "$nopp" -gt 0 && test "$nfill" -gt 0
ok $? "opportunities are found ($nopp records) and filled ($nfill fills)"
arb-store --db "sqlite:$T/db" --dump | sort >"$T/dump"
sort "$T/out" | cmp -s - "$T/dump"
ok $? "the store holds every record the pipeline wrote"
done_testing
