#!/bin/sh
# The live path against a fake venue on loopback (tests/feed/fakevenue.py:
# HTTPS + secure WebSocket with a test CA made here with openssl): metadata
# and snapshots over REST (libcurl), subscribe, diffs, WebSocket and venue
# pings, a dropped connection, silence (stale), a forced close, reconnect
# and resync; --record, whose replay gives the very same books.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
[ -d "$R" ] || skip_all "no recordings"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (fake venue)"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not found (test CA)"
FAKE="python3 $top_srcdir/tests/feed/fakevenue.py"

cd "$T" || exit 1
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout ca.key -out ca.pem -subj /CN=arb-test-ca -days 2 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null &&
openssl req $ec -keyout srv.key -out srv.csr -subj /CN=localhost 2>/dev/null &&
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext &&
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
	-extfile ext 2>/dev/null
ok $? "test CA and server certificate"

SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# fake NAME VENUE SCRIPT INTERVAL [CERT [SYMBOLS]]: start a fake venue, sets $PORT
fake() {
	rm -f "$1.port"
	$FAKE --cert "${5:-srv}.pem" --key "${5:-srv}.key" --portfile "$1.port" --log "$1.log" --venue "$2" \
		--rec "$R" --script "$3" --interval "$4" --symbols "${6:-nknusdt}" ${FAKE_ARGS:-} 2>"$1.srv.err" &
	SRV=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$1.port" ] && break
		sleep 0.2
	done
	PORT=$(cat "$1.port")
}
stop_fake() { kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=; }

# feed NAME SECONDS ARGS...: run arb-feed for a while, then SIGTERM; sets $RC
feed() {
	name=$1 secs=$2
	shift 2
	UNTIL=true feed_until "$name" "$secs" "$secs" "$@"
}
count() { grep -c -- "$1" "$2"; }
# feed_until NAME MIN MAX ARGS...: as feed, but after MIN seconds goes on
# (up to MAX seconds) until the command in $UNTIL succeeds, so that a loaded
# machine (the sanitizer build beside other work) gets the time it needs
feed_until() {
	name=$1 min=$2 max=$3
	shift 3
	arb-feed "$@" >"$name.out" 2>"$name.err" &
	pid=$!
	sleep "$min"
	waited=$min
	while ! eval "$UNTIL" && [ "$waited" -lt "$max" ]; do
		sleep 1
		waited=$((waited + 1))
	done
	kill -TERM "$pid"
	wait "$pid"
	RC=$?
}

# -- Kraken: drop, silence, forced close, then serve (with venue pings)
fake k kraken drop:40,silence:20,close:20,serve 5
feed k 9 -v --stale-after 1s --endpoint "kraken=https://127.0.0.1:$PORT" --cacert ca.pem --record k.rec kraken:BTC/CHF
stop_fake
is "$RC" 0 "kraken: SIGTERM ends arb-feed with 0"
is "$(head -n 1 k.out | cut -c1-27)" '{"type":"instrument","ts":1' "kraken: the instrument record comes first"
n=$(count '"state":"connected"' k.out)
ok $((n >= 4 ? 0 : 1)) "kraken: connected again after each failure ($n connections)"
is "$(count 'conn 0: sent 40 frames, then drop' k.log)" 1 "fake venue dropped the first connection"
# (at least: on a loaded machine a late pong can make one more)
ge() { ok $(($1 >= $2 ? 0 : 1)) "$3 ($1)"; }
ge "$(count '"state":"disconnected","detail":"closed by the venue"' k.out)" 2 "kraken: the drop and the forced close seen"
ge "$(count '"state":"stale","detail":"no frame for' k.out)" 1 "kraken: the silent connection went stale"
ge "$(count '"state":"disconnected","detail":"closed by arb-feed"' k.out)" 1 "kraken: ...and was closed by arb-feed"
is "$(count '"state":"synced"' k.out)" "$n" "kraken: synced again on every connection"
is "$(count 'recv {"event":"subscribe","pair":\["XBT/CHF"\]' k.log)" "$n" "kraken: subscribed on every connection"
is "$(count ': pong$' k.log)" "$n" "kraken: every WebSocket ping answered"
ok $(( $(count 'recv {"event":"ping"}' k.log) >= 1 ? 0 : 1 )) "kraken: venue pings sent while quiet"
is "$(count '"ok":false' k.out)" 0 "kraken: no book out of sync"
ok $(( $(count '"type":"book"' k.out) > 300 ? 0 : 1 )) "kraken: books flow ($(count '"type":"book"' k.out))"
arb-feed --replay --stats k.rec >k.replay 2>k.stats
grep '"type":"book"' k.out >k.books
grep '"type":"book"' k.replay >k.rbooks
cmp_ok k.rbooks k.books "kraken: the replay of --record gives the same books"
grep -q 'checksums_bad=0' k.stats && ! grep -q 'checksums_ok=0 ' k.stats
ok $? "kraken: every checksum verified ($(grep -o 'checksums_ok=[0-9]*' k.stats))"

# -- Kraken: a corrupted update: checksum gap, resync of that symbol by
# subscribing again (the venue sends a new snapshot), synced again
fake c kraken corrupt:60 5
feed c 4 --stale-after 2s --endpoint "kraken=https://127.0.0.1:$PORT" --cacert ca.pem --record c.rec kraken:BTC/CHF
stop_fake
is "$(count '"state":"gap","detail":"checksum mismatch' c.out)" 1 "resync: checksum gap"
is "$(count '"state":"resync","detail":"requesting a new snapshot"' c.out)" 1 "resync: requested"
is "$(count 'recv {"event":"unsubscribe","pair":\["XBT/CHF"\]' c.log)" 1 "resync: unsubscribed that pair"
is "$(count 'starting over' c.log)" 1 "resync: subscribed again on the same connection"
is "$(count '"state":"synced"' c.out)" 2 "resync: synced again"
is "$(count '"state":"connected"' c.out)" 1 "resync: without reconnecting"
is "$(count '"ok":false' c.out)" 1 "resync: one ok:false book"
is "$(grep '"type":"book"' c.out | tail -n 1 | grep -c '"ok":true')" 1 "resync: ok:true after it"
arb-feed --replay c.rec 2>/dev/null | grep '"type":"book"' >c.rbooks
grep '"type":"book"' c.out >c.books
cmp_ok c.rbooks c.books "resync: the replay of --record gives the same books"

# -- Binance: REST snapshot + diffs bridged, a dropped connection, resync
fake b binance drop:30,serve 20
feed b 9 --stale-after 3s --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem --record b.rec binance:NKN/USDT
stop_fake
is "$RC" 0 "binance: exit 0"
is "$(head -n 1 b.out | cut -c1-27)" '{"type":"instrument","ts":1' "binance: the instrument record comes first"
is "$(count 'GET /api/v3/exchangeInfo' b.log)" 1 "binance: metadata fetched once"
ok $(( $(count ': ping$' b.log) >= 1 ? 0 : 1 )) "binance: WebSocket pings while quiet (no venue ping of its own)"
is "$(count '"state":"stale"' b.out)" 0 "binance: a quiet connection that answers pings is not stale"
n=$(count 'GET /api/v3/depth?symbol=NKNUSDT&limit=1000' b.log)
ok $((n >= 2 ? 0 : 1)) "binance: a REST snapshot per connection ($n)"
# every snapshot answered syncs the book; on a loaded machine one more may
# be in flight at SIGTERM, or be fetched again when it came back older
# than the buffered diffs (the venue's procedure): one fewer sync then
s=$(count '"state":"synced"' b.out)
ok $(( (s == n || s == n - 1) && s >= 2 ? 0 : 1 )) "binance: synced after each snapshot ($s synced, $n snapshots)"
is "$(count '"ok":false' b.out)" 0 "binance: diffs bridge the snapshot"
ok $(( $(count '"ok":true' b.out) > 100 ? 0 : 1 )) "binance: books flow"
arb-feed --replay b.rec >b.replay 2>/dev/null
grep '"type":"book"' b.out >b.books
grep '"type":"book"' b.replay >b.rbooks
cmp_ok b.rbooks b.books "binance: the replay of --record gives the same books"

# -- Binance: the first REST snapshot has a bad price: a gap that names
# it, and a new snapshot asked for at once (it was never asked again: the
# book stayed out of sync for good, without a word downstream)
FAKE_ARGS="--bad-snapshots 1" fake bs binance serve 20
UNTIL='grep -q "\"state\":\"synced\"" bs.out' \
	feed_until bs 3 20 --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem --record bs.rec binance:NKN/USDT
stop_fake
is "$(count 'bad snapshot: ' bs.log)" 1 "bad snapshot: the fake venue sent one"
is "$(count '"state":"gap","detail":"bad snapshot: bad price: unexpected character in number"' bs.out)" 1 \
	"bad snapshot: status gap says why"
is "$(count '"state":"resync","detail":"requesting a new snapshot"' bs.out)" 1 "bad snapshot: status resync"
is "$(count 'GET /api/v3/depth?symbol=NKNUSDT&limit=1000' bs.log)" 2 "bad snapshot: a new one asked for"
is "$(count '"state":"synced"' bs.out)" 1 "bad snapshot: synced by the next one"
is "$(count '"ok":false' bs.out)" 0 "bad snapshot: no book written before it"
ok $(( $(count '"ok":true' bs.out) > 10 ? 0 : 1 )) "bad snapshot: books flow after it"
arb-feed --replay bs.rec 2>/dev/null | grep '"type":"book"' >bs.rbooks
grep '"type":"book"' bs.out >bs.books
cmp_ok bs.rbooks bs.books "bad snapshot: the replay of --record gives the same books"

# -- Binance, one symbol silent while the other flows on the same
# connection: that book alone goes stale and is resynced (REST snapshot),
# without a reconnect; the other book is untouched
fake s binance mute:LRCBTC:2 20 srv nknusdt,lrcbtc
# (until LRC/BTC is synced again after going stale, up to 60 s)
UNTIL='[ "$(count "\"sym\":\"LRC/BTC\",\"state\":\"synced\"" s.out)" -ge 2 ]'
feed_until s 5 60 --stale-after 2s --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem --record s.rec \
	binance:NKN/USDT,LRC/BTC
stop_fake
is "$RC" 0 "stale book: exit 0"
is "$(count 'LRCBTC muted after 2 frames' s.log)" 1 "stale book: the fake venue muted LRCBTC"
ge "$(count '"sym":"LRC/BTC","state":"stale","detail":"no update for' s.out)" 1 "stale book: LRC/BTC went stale"
is "$(count '"sym":"NKN/USDT","state":"stale"' s.out)" 0 "stale book: NKN/USDT never stale"
is "$(count '"state":"stale","detail":"no frame for' s.out)" 0 "stale book: the connection never stale"
is "$(count '"state":"connected"' s.out)" 1 "stale book: no reconnect"
# the first stale status, then at once an ok:false book and a resync of LRC/BTC
awk '/"sym":"LRC\/BTC","state":"stale"/ { s = NR }
    s && NR == s + 1 && /"type":"book"/ && /"sym":"LRC\/BTC"/ && /"ok":false/ { b = 1 }
    s && NR == s + 2 && /"sym":"LRC\/BTC","state":"resync"/ { r = 1 }
    s && NR > s && /"sym":"LRC\/BTC","state":"synced"/ { y = 1 }
    END { exit !(b && r && y) }' s.out
ok $? "stale book: an ok:false book, a resync, then synced again"
ge "$(count 'GET /api/v3/depth?symbol=LRCBTC&limit=1000' s.log)" 2 "stale book: a new REST snapshot of LRCBTC"
is "$(count 'GET /api/v3/depth?symbol=NKNUSDT&limit=1000' s.log)" 1 "stale book: NKNUSDT's snapshot only once"
is "$(grep '"sym":"NKN/USDT"' s.out | count '"ok":false' -)" 0 "stale book: NKN/USDT in sync throughout"
ge "$(count ' -/- ' s.rec)" 1 "stale book: recorded"
arb-feed --replay s.rec 2>/dev/null | grep '"type":"book"' >s.rbooks
grep '"type":"book"' s.out >s.books
cmp_ok s.rbooks s.books "stale book: the replay of --record gives the same books"

# -- The other four venues: their subscription frames, REST URLs, pings and
# recorded frames, through the live path; the replay of --record agrees.
for spec in 'okx|BTC/USDT|"op":"subscribe","args":\[{"channel":"books","instId":"BTC-USDT"}\]|recv ping$' \
	'bybit|OP/USDC|"op":"subscribe","args":\["orderbook.50.OPUSDC"\]|recv {"op":"ping"}$' \
	'bitstamp|ETH/USD|"event":"bts:subscribe","data":{"channel":"diff_order_book_ethusd"}|recv {"event":"bts:heartbeat"}$' \
	'coinbase|SKL/USD|"type":"subscribe","product_ids":\["SKL-USD"\],"channels":\["level2_batch"| ping$'; do
	v=${spec%%|*}
	rest=${spec#*|}
	sym=${rest%%|*}
	rest=${rest#*|}
	sub=${rest%%|*}
	ping=${rest#*|}
	fake "$v" "$v" serve 2
	feed "$v" 3 --stale-after 1500ms --endpoint "$v=https://127.0.0.1:$PORT" --cacert ca.pem --record "$v.rec" "$v:$sym"
	stop_fake
	is "$RC" 0 "$v: exit 0"
	is "$(count '"state":"connected"' "$v.out")" 1 "$v: connected"
	is "$(count "recv {$sub" "$v.log")" 1 "$v: subscribed with the venue's frame"
	is "$(count '"state":"synced"' "$v.out")" 1 "$v: synced"
	is "$(count '"ok":false' "$v.out")" 0 "$v: in sync throughout"
	ok $(( $(count '"ok":true' "$v.out") >= 20 ? 0 : 1 )) "$v: books flow ($(count '"ok":true' "$v.out"))"
	ok $(( $(count "$ping" "$v.log") >= 1 ? 0 : 1 )) "$v: keepalive pings"
	is "$(count '"state":"stale"' "$v.out")" 0 "$v: never stale"
	arb-feed --replay "$v.rec" 2>/dev/null | grep '"type":"book"' >"$v.rbooks"
	grep '"type":"book"' "$v.out" >"$v.books"
	cmp_ok "$v.rbooks" "$v.books" "$v: the replay of --record gives the same books"
done
grep -q 'GET /api/v2/order_book/ethusd' bitstamp.log
ok $? "bitstamp: REST snapshot"

# -- Bitstamp's diffs carry no sequence number: the snapshot is asked for
# only once the venue confirmed the subscription (held back 1.5 s here).
FAKE_ARGS="--ack-delay 1500" fake ack bitstamp serve 2
UNTIL='[ "$(count "\"state\":\"synced\"" ack.out)" -ge 1 ]'
feed_until ack 4 30 --stale-after 3s --endpoint "bitstamp=https://127.0.0.1:$PORT" --cacert ca.pem bitstamp:ETH/USD
stop_fake
is "$RC" 0 "bitstamp, late confirmation: exit 0"
# before A B FILE: a line matching A comes before the first matching B
before() { awk -v a="$1" -v b="$2" '$0 ~ a && !f { f = NR } $0 ~ b && !g { g = NR } END { exit !(f && g && f < g) }' "$3"; }
before 'sending frames after' 'GET /api/v2/order_book/ethusd' ack.log
ok $? "bitstamp, late confirmation: the snapshot request follows it"
is "$(count '"state":"synced"' ack.out)" 1 "bitstamp, late confirmation: synced"
is "$(count '"ok":false' ack.out)" 0 "bitstamp, late confirmation: in sync throughout"
# A confirmation that does not come: asked for anyway 5 s after the handshake.
FAKE_ARGS="--ack-delay 8000" fake noack bitstamp serve 2
UNTIL='[ "$(count "\"state\":\"synced\"" noack.out)" -ge 1 ]'
feed_until noack 9 40 --stale-after 20s --endpoint "bitstamp=https://127.0.0.1:$PORT" --cacert ca.pem bitstamp:ETH/USD
stop_fake
before 'GET /api/v2/order_book/ethusd' 'sending frames after' noack.log
ok $? "bitstamp, no confirmation within 5 s: the snapshot is asked for anyway"
is "$(count '"state":"synced"' noack.out)" 1 "bitstamp, no confirmation within 5 s: synced"

# -- Two venues in one process, one loop: both in sync, records interleaved
fake m1 okx serve 5
P1=$PORT S1=$SRV
fake m2 bitstamp serve 5
P2=$PORT
# (until both are synced and 20 books are out, up to 60 s)
UNTIL='[ "$(count "\"state\":\"synced\"" m.out)" -ge 2 ] && [ "$(count "\"type\":\"book\"" m.out)" -ge 20 ]'
feed_until m 3 60 --stale-after 2s --endpoint "okx=https://127.0.0.1:$P1" --endpoint "bitstamp=https://127.0.0.1:$P2" \
	--cacert ca.pem okx:BTC/USDT bitstamp:ETH/USD
stop_fake
kill "$S1" 2>/dev/null; wait "$S1" 2>/dev/null
is "$(count '"state":"synced"' m.out)" 2 "two venues: both synced"
is "$(count '"ok":false' m.out)" 0 "two venues: in sync throughout"
awk '/"type":"book"/ { ex = $0; sub(/.*"ex":"/, "", ex); sub(/".*/, "", ex); if (ex != last) n++; last = ex }
    END { exit n < 3 }' m.out
ok $? "two venues: their records interleave (one loop serves both)"

# -- TLS is verified: without the test CA nothing connects
fake t kraken serve 5
feed t 2 --endpoint "kraken=https://127.0.0.1:$PORT" kraken:BTC/CHF
stop_fake
is "$RC" 0 "untrusted: exit 0 on SIGTERM"
is "$(count '"state":"connected"' t.out)" 0 "untrusted certificate: never connected"
ok $(( $(count '"state":"disconnected","detail":"connection failed' t.out) >= 1 ? 0 : 1 )) "untrusted certificate: connection failed"
is "$(count 'websocket' t.log)" 0 "untrusted certificate: no WebSocket reached the venue"

# -- ...and so is the host name: a certificate of the test CA for another name
openssl req $ec -keyout other.key -out other.csr -subj /CN=example.com 2>/dev/null &&
printf 'subjectAltName=DNS:example.com\n' >ext2 &&
openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 2 \
	-extfile ext2 2>/dev/null
fake o okx serve 5 other
feed o 2 --endpoint "okx=https://127.0.0.1:$PORT" --cacert ca.pem okx:BTC/USDT
stop_fake
is "$(count '"state":"connected"' o.out)" 0 "certificate for another host: never connected"
is "$(count 'websocket' o.log)" 0 "certificate for another host: no WebSocket reached the venue"
is "$(count 'GET ' o.log)" 0 "certificate for another host: no REST request either"
# ...also when arb-feed resolves the name itself and connects to the
# address: a certificate for the address 127.0.0.1 alone is not one for
# the name localhost
openssl req $ec -keyout ipo.key -out ipo.csr -subj /CN=127.0.0.1 2>/dev/null &&
printf 'subjectAltName=IP:127.0.0.1\n' >ext3 &&
openssl x509 -req -in ipo.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ipo.pem -days 2 \
	-extfile ext3 2>/dev/null
fake o2 okx serve 5 ipo
feed o2 2 --endpoint "okx=https://localhost:$PORT" --cacert ca.pem okx:BTC/USDT
stop_fake
is "$(count '"state":"connected"' o2.out)" 0 "certificate for the address, connecting by name: never connected"
is "$(count 'websocket' o2.log)" 0 "certificate for the address, connecting by name: no WebSocket reached the venue"

# -- A host name, not an address: resolved off the loop (libcurl's
# resolver, lws then connects to the address), the certificate checked for
# the name
fake h okx serve 5
feed h 3 -v --stale-after 2s --endpoint "okx=https://localhost:$PORT" --cacert ca.pem okx:BTC/USDT
stop_fake
is "$(count '"state":"synced"' h.out)" 1 "host name: connected and synced"
ge "$(count 'okx: resolving localhost' h.err)" 1 "host name: resolved by libcurl"
ge "$(count 'okx: connecting to [a-z]*://localhost:[0-9]*[^ ]* (127\.0\.0\.1)' h.err)" 1 "host name: ...to its IPv4 address"

# -- sd_notify and --metrics (production): READY=1 once the book is in
# sync, watchdog pings, STOPPING=1 on SIGTERM; the metrics file for
# node_exporter with the book's sync state and age
notify_listen "$T/notify.sock" "$T/notify.log" 8
fake n kraken serve 5
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=1000000 \
	feed n 3 --metrics "$T/feed.prom" --endpoint "kraken=https://127.0.0.1:$PORT" --cacert ca.pem kraken:BTC/CHF
stop_fake
kill "$LSN" 2>/dev/null
wait "$LSN" 2>/dev/null
is "$RC" 0 "notify: SIGTERM ends arb-feed with 0"
is "$(grep -c '^READY=1$' notify.log)" 1 "notify: READY=1 once, when the book is in sync"
ok "$([ "$(grep -c '^WATCHDOG=1$' notify.log)" -ge 2 ] && echo 0 || echo 1)" "notify: the watchdog is pinged"
is "$(tail -n 1 notify.log)" "STOPPING=1" "notify: STOPPING=1 last"
grep -q '^arb_feed_book_ok{venue="kraken",sym="BTC/CHF"} 1$' feed.prom
ok $? "metrics: the book is reported in sync"
grep -q '^arb_feed_book_age_seconds{venue="kraken",sym="BTC/CHF"} [0-9.]*$' feed.prom
ok $? "metrics: the book's age"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <feed.prom >/dev/null 2>&1
	ok $? "metrics: promtool accepts the file"
fi

done_testing
