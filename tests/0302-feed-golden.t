#!/bin/sh
# Golden outputs of short excerpts of every recording (the first lines of
# each WebSocket capture with the venue's REST files), --depth 3 --trades.
# Regenerate after an intended change with: ARB_REGEN=1 make check TESTS=...
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
G=$top_srcdir/tests/golden/feed
[ -d "$R" ] || skip_all "no recordings"

excerpt() {  # excerpt VENUE LINES
	mkdir -p "$T/$1"
	for f in "$R/$1".*; do
		case $f in
		*.ws.*) head -n "$2" "$f" >"$T/$1/${f##*/}" ;;
		*) cp "$f" "$T/$1/" ;;
		esac
	done
}

for v in BINANCE:60 KRAKEN:40 COINBASE:40 OKX:40 BYBITV5:30 BITSTAMP:60; do
	name=${v%%:*}
	excerpt "$name" "${v#*:}"
	arb-feed --replay --depth 3 --trades "$T/$name"/* >"$T/$name.out" 2>"$T/$name.err"
	ok $? "$name excerpt: exit 0"
	if [ -n "${ARB_REGEN:-}" ]; then
		cp "$T/$name.out" "$G/$name.ndjson"
	fi
	cmp_ok "$T/$name.out" "$G/$name.ndjson" "$name excerpt: golden output"
done

# A book's states only go forward: no subscribed after synced (Bitstamp's
# captures confirm the subscriptions after the snapshots), and the end of
# each excerpt's WebSocket capture is marked eof.
for v in BINANCE KRAKEN COINBASE OKX BYBITV5 BITSTAMP; do
	awk -F'"' '/"type":"status"/ && /"sym":/ {
		for (i = 1; i < NF; i++) { if ($i == "sym") s = $(i + 2); if ($i == "state") st = $(i + 2) }
		if (st == "subscribed" && last[s] == "synced") { print "# " s ": subscribed after synced"; bad = 1 }
		last[s] = st }
	    END { exit bad }' "$T/$v.out"
	ok $? "$v: no book goes back from synced to subscribed"
	is "$(grep -c '"state":"disconnected","detail":"end of recording","eof":true}$' "$T/$v.out")" 1 \
		"$v: the end of the recording is one disconnected status with eof true"
done
grep -c '"type":"status".*"state":"synced"' "$T/BITSTAMP.out" > "$T/bs.synced"
is "$(cat "$T/bs.synced")" 10 "BITSTAMP: ten books synced (their late confirmations add nothing)"

# The stderr of the excerpts: the Bybit capture's metadata is not V5.
grep -q 'bybit: no instrument metadata for BAND/USDT-PERP (linear:BANDUSDT)' "$T/BYBITV5.err"
ok $? "bybit: missing metadata is reported"

done_testing
