#!/bin/sh
# Live trading on Coinbase Advanced Trade and Bitstamp v2 at once (fake
# venues in tests/live/fakevenue.py: Coinbase's ES256 JWT checked with the
# key's public half, claims, uri and nonce; Bitstamp's X-Auth headers,
# signature, nonce, timestamp and content-type rules, its answers signed
# in turn): a cross opportunity buys on Coinbase and sells on Bitstamp;
# each venue misbehaves on demand.  Exactly one order at the venue in
# every case, the unknown one resolved by query, nothing sent again after
# a restart, the secrets nowhere.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/live/lib-live.sh"

IN=$top_srcdir/tests/live/cross3.ndjson
BAL=$top_srcdir/tests/live/balances-cross3.txt
CC=ad581b102324f686cl0    # the Coinbase buy
CB=ad581b102324f686cl1    # the Bitstamp sell

live_certs || skip_all "openssl could not make the test certificates"
live_creds
trap 'live_stop; rm -rf "$T"' EXIT
live_venue two --balance USD=50000 --balance BTC=2 || { echo "Bail out! fake venue did not start"; exit 1; }

drive() {
	# shellcheck disable=SC2031
	$EXEC "$DRIVE" --venue coinbase --venue bitstamp --endpoint "coinbase=$URL" --endpoint "bitstamp=$URL" \
		--cacert "$T/ca.pem" --balances "$BAL" --timeout 1s --lag 200ms \
		--poll 200ms --recv-window 1000 --settle 10s "$@"
}
last_state() {
	grep "\"type\":\"order\".*\"cid\":\"$2\"" "$1" | tail -n 1 | sed 's/.*"state":"\([a-z]*\)".*/\1/'
}
last_reason() {
	grep "\"type\":\"order\".*\"cid\":\"$2\"" "$1" | tail -n 1 | sed -n 's/.*"reason":"\([a-z_]*\)".*/\1/p'
}
case_run() {
	cn=$1
	venue_reset "$2" 2 1
	shift 2
	feed_live "$IN" "$T/$cn.out" "$T/$cn.err" drive "$@"
	echo $rc >"$T/$cn.rc"
	is "$(bad_requests)" 0 "$cn: every request passed the venues' checks"
	is "$(grep -c '"type":"result"' "$T/$cn.out")" 1 "$cn: one result"
}

case_run clean ""
is "$(cat "$T/clean.rc")" 0 "clean: exit 0"
is "$(count_orders $CC)" 1 "clean: the Coinbase leg exactly once"
is "$(count_orders $CB)" 1 "clean: the Bitstamp leg exactly once"
is "$(last_state "$T/clean.out" $CC)" filled "clean: Coinbase filled (Get Order)"
is "$(last_state "$T/clean.out" $CB)" filled "clean: Bitstamp filled (order status)"
grep '"type":"fill".*"cid":"'$CC'".*"fee":54,"fee_ccy":"USD"' "$T/clean.out" >/dev/null
ok $? "clean: Coinbase fee as reported (total_fees, in the quote)"
grep '"type":"fill".*"cid":"'$CB'".*"fee":36.84,"fee_ccy":"USD","mode":"live","tid":"[0-9]*"' "$T/clean.out" >/dev/null
ok $? "clean: Bitstamp fill from the order's transactions, with its fee and trade id"
grep '"type":"balance".*"ex":"coinbase","asset":"BTC","free":2,' "$T/clean.out" >/dev/null
ok $? "clean: Coinbase balances read from the venue"
grep '"type":"balance".*"ex":"bitstamp","asset":"USD","free":50000,' "$T/clean.out" >/dev/null
ok $? "clean: Bitstamp balances read from the venue"
grep '"type":"balance".*"ex":"coinbase","asset":"USD","free":40955,"locked":9045}' "$T/clean.out" >/dev/null
ok $? "clean: funds locked with Coinbase's own taker fee (0.005, not the instrument's 0.006)"
grep '"type":"result".*"status":"complete".*"pnl":119.16' "$T/clean.out" >/dev/null
ok $? "clean: complete, pnl after the venues' fees"

for v in coinbase bitstamp; do
	if [ $v = coinbase ]; then sym=BTC-USD; cid=$CC; else sym=btcusd; cid=$CB; fi
	for m in drop 503 timeout; do
		case_run "$v-$m" "$sym=$m"
		is "$(cat "$T/$v-$m.rc")" 0 "$v $m: exit 0"
		is "$(count_orders $cid)" 1 "$v $m: the order exists exactly once"
		grep '"type":"order".*"cid":"'$cid'".*"state":"unknown"' "$T/$v-$m.out" >/dev/null
		ok $? "$v $m: it became unknown"
		is "$(last_state "$T/$v-$m.out" $cid)" filled "$v $m: resolved by query: filled"
		is "$(places)" 2 "$v $m: never sent again"
	done
	# Bitstamp may accept a request for 150 s (its timestamp window):
	# the test server's window is given instead
	if [ $v = coinbase ]; then aw=; else aw="--accept-window 1s"; fi
	# shellcheck disable=SC2086
	case_run "$v-lost" "$sym=503-lost" $aw
	is "$(count_orders $cid)" 0 "$v lost: no order"
	is "$(last_reason "$T/$v-lost.out" $cid)" not_placed "$v lost: not_placed after the venue's window"
	is "$(places)" 2 "$v lost: never sent again"
	case_run "$v-429" "$sym=429"
	is "$(count_orders $cid)" 1 "$v rate limit: exactly one order after the retry"
	is "$(places)" 3 "$v rate limit: one refused placement, one retry"
	grep "$v: rate limited: no new orders for 1000 ms" "$T/$v-429.err" >/dev/null
	ok $? "$v rate limit: held back a second"
	case_run "$v-lot" "$sym=lot"
	is "$(last_reason "$T/$v-lot.out" $cid)" lot_size "$v lot: reason lot_size"
	is "$(count_orders $cid)" 0 "$v lot: no order at the venue"
	case_run "$v-bal" "$sym=balance"
	is "$(last_reason "$T/$v-bal.out" $cid)" insufficient_balance "$v balance: reason insufficient_balance"
	# blocked at the venue's edge (HTTP 403, not the API's JSON): trading stops
	case_run "$v-ban" "$sym=418"
	is "$(last_reason "$T/$v-ban.out" $cid)" ip_ban "$v 403: reason ip_ban"
	grep '"type":"risk".*"rule":"ip_ban","action":"kill"' "$T/$v-ban.out" >/dev/null
	ok $? "$v 403: kill switch latched"
	is "$(count_orders $cid)" 0 "$v 403: no order at the venue"
done
is "$(grep "\"type\":\"order\".*\"cid\":\"$CB\"" "$T/bitstamp-bal.out" | tail -n 1 | jq -r .msg)" \
    "You need 9000.00 USD to open that order. You have only 10.00 USD available. Check your account balance for details." \
    "bitstamp balance: the venue's message in the order record"
is "$(grep "\"type\":\"order\".*\"cid\":\"$CC\"" "$T/coinbase-bal.out" | tail -n 1 | jq -r .msg)" \
    "Insufficient balance in source account" "coinbase balance: the venue's message in the order record"

# Coinbase has no query by client order id: a lost order is found in the
# product's order list, here on its second page (two orders a page)
venue_reset "BTC-USD=crowddrop" 2 1 0 2
feed_live "$IN" "$T/crowd.out" "$T/crowd.err" drive
is "$rc" 0 "coinbase paged list: exit 0"
is "$(count_orders $CC)" 1 "coinbase paged list: the order exactly once"
is "$(last_state "$T/crowd.out" $CC)" filled "coinbase paged list: found on a later page: filled"
is "$(venue_state | jq '[.requests[] | select(.path == "/api/v3/brokerage/orders/historical/batch")] | length')" 2 \
    "coinbase paged list: two pages read"
is "$(places)" 2 "coinbase paged list: never sent again"

# with Bitstamp's own 150 s window, a lost order is not given up on
# within a few seconds: it stays unknown (exit 1), never not_placed
venue_reset "btcusd=503-lost" 2 1
drive --settle 3s <"$IN" >"$T/bitstamp-lost150.out" 2>"$T/bitstamp-lost150.err"
is "$?" 1 "bitstamp lost, 150 s window: exit 1 (an order left unknown)"
is "$(last_state "$T/bitstamp-lost150.out" $CB)" unknown "bitstamp lost, 150 s window: still unknown"
grep '"reason":"not_placed"' "$T/bitstamp-lost150.out" >/dev/null
is "$?" 1 "bitstamp lost, 150 s window: not taken for not placed"

# Bitstamp signs its answers: one whose signature does not verify is not
# believed; the order is unknown until the (signed) order status says
case_run bitstamp-badsig "btcusd=badsig"
is "$(count_orders $CB)" 1 "bitstamp bad answer signature: the order exactly once"
grep "order $CB unknown (bad_signature" "$T/bitstamp-badsig.err" >/dev/null
ok $? "bitstamp bad answer signature: taken as no answer"
is "$(last_state "$T/bitstamp-badsig.out" $CB)" filled "bitstamp bad answer signature: resolved by query"
is "$(places)" 2 "bitstamp bad answer signature: never sent again"

# an order resting at Coinbase: the leg timeout cancels it by the
# venue's order id (Cancel Orders)
venue_reset "BTC-USD=rest"
feed_live "$IN" "$T/rest.out" "$T/rest.err" drive --leg-timeout 20ms
is "$(count_orders $CC)" 1 "coinbase rest: one order at the venue"
is "$(order_status $CC)" CANCELED "coinbase rest: canceled at the venue"
is "$(last_state "$T/rest.out" $CC)" canceled "coinbase rest: canceled"
is "$(places)" 2 "coinbase rest: nothing sent again"
venue_reset "BTC-USD=rest"
drive <"$IN" >"$T/resteof.out" 2>"$T/resteof.err"
is "$?" 0 "coinbase rest at EOF: exit 0"
is "$(order_status $CC)" CANCELED "coinbase rest at EOF: canceled at the venue"
is "$(last_reason "$T/resteof.out" $CC)" eof "coinbase rest at EOF: reason eof"

# restart: killed while both orders are in flight; the next run finds them
# by client order id (Coinbase: in the product's order list; Bitstamp:
# order status) and never sends them again
venue_reset "BTC-USD=timeout;btcusd=timeout" 3
mkfifo "$T/fifo"
(EXEC="exec"; drive --state "$T/state.json") <"$T/fifo" >"$T/restart1.out" 2>"$T/restart1.err" &
DP=$!
exec 7>"$T/fifo"
cat "$IN" >&7
i=0
while [ "$(all_orders)" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $DP
wait $DP 2>/dev/null
exec 7>&-
drive --state "$T/state.json" </dev/null >"$T/restart2.out" 2>"$T/restart2.err"
is "$?" 0 "restart: second run exits 0"
is "$(places)" 2 "restart: nothing sent again"
is "$(count_orders $CC)" 1 "restart: Coinbase leg exactly once"
is "$(count_orders $CB)" 1 "restart: Bitstamp leg exactly once"
is "$(last_state "$T/restart2.out" $CC)" filled "restart: Coinbase resolved from the venue: filled"
is "$(last_state "$T/restart2.out" $CB)" filled "restart: Bitstamp resolved from the venue: filled"
grep '"type":"result".*"status":"complete"' "$T/restart2.out" >/dev/null
ok $? "restart: the opportunity completes in the second run"
is "$(bad_requests)" 0 "restart: every request passed the venues' checks"

# balances are read again (--balances-every) while no order of the venue
# is in flight: a deposit made meanwhile shows, and an asset withdrawn
# (no longer listed) goes to zero; Coinbase lists 300 empty wallets before
# ours, so its accounts come in two pages of 250
venue_reset "" 2 1
admin "/_reset?script=&slow=2&lag=1&pad=300" >/dev/null
rm -f "$T/fifo"
mkfifo "$T/fifo"
(EXEC="exec"; drive --balances-every 300ms) <"$T/fifo" >"$T/refresh.out" 2>"$T/refresh.err" &
DP=$!
exec 7>"$T/fifo"
cat "$IN" >&7
i=0
while ! grep '"type":"result"' "$T/refresh.out" >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
admin "/_balance?asset=USD&value=12345" >/dev/null
admin "/_balance?asset=BTC&value=" >/dev/null
sleep 1
exec 7>&-
wait $DP
is "$?" 0 "refresh: exit 0"
grep '"type":"balance".*"ex":"coinbase","asset":"BTC","free":2,' "$T/refresh.out" >/dev/null
ok $? "refresh: Coinbase BTC read from the second page of accounts"
venue_state | grep -q 'limit=250&cursor=250'
ok $? "refresh: the second page asked by its cursor"
grep '"type":"balance".*"ex":"coinbase","asset":"BTC","free":0,' "$T/refresh.out" >/dev/null
ok $? "refresh: Coinbase BTC withdrawn: zero"
grep '"type":"balance".*"ex":"bitstamp","asset":"BTC","free":0,' "$T/refresh.out" >/dev/null
ok $? "refresh: Bitstamp BTC withdrawn: zero"
if grep '"type":"balance".*"asset":"PAD' "$T/refresh.out" >/dev/null; then pad=1; else pad=0; fi
is "$pad" 0 "refresh: empty wallets make no balance records"
grep '"type":"balance".*"ex":"coinbase","asset":"USD","free":12345,' "$T/refresh.out" >/dev/null
ok $? "refresh: Coinbase balance read again"
grep '"type":"balance".*"ex":"bitstamp","asset":"USD","free":12345,' "$T/refresh.out" >/dev/null
ok $? "refresh: Bitstamp balance read again"
is "$(count_orders $CC)$(count_orders $CB)" 11 "refresh: each leg exactly once"
admin "/_balance?asset=USD&value=50000" >/dev/null
admin "/_balance?asset=BTC&value=2" >/dev/null

# the secrets: a verbose run through the unknown-order path, inspected
# while it runs; its input ends while both orders are unknown and their
# queries not answered yet, so they are resolved during the stop (the
# opportunity used to end there with an order "unknown" that the last
# query then found filled: exit 1, a wrong result)
venue_reset "BTC-USD=drop;btcusd=drop" 2 1
rm -f "$T/fifo" "$T/state.json"
mkfifo "$T/fifo"
"$DRIVE" -v --venue coinbase --venue bitstamp --endpoint "coinbase=$URL" --endpoint "bitstamp=$URL" \
	--cacert "$T/ca.pem" --state "$T/state.json" --balances "$BAL" --timeout 1s --lag 200ms --poll 200ms \
	--recv-window 1000 --settle 10s <"$T/fifo" >"$T/canary.out" 2>"$T/canary.err" &
DP=$!
exec 7>"$T/fifo"
cat "$IN" >&7
i=0
while [ "$(grep -c 'querying it by client order id' "$T/canary.err")" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -r "/proc/$DP/cmdline" ]; then
	tr '\0' '\n' <"/proc/$DP/cmdline" >"$T/cmdline"
	tr '\0' '\n' <"/proc/$DP/environ" >"$T/environ"
	grep -F -e "$BITSTAMP_SECRET" -e "$COINBASE_CANARY" "$T/cmdline" "$T/environ" >/dev/null
	is "$?" 1 "canary: neither secret in /proc/PID/cmdline or environ"
else
	ok 1 "/proc/$DP not readable"
fi
exec 7>&-
wait $DP
rc=$?
is "$rc" 0 "canary run: exit 0"
[ "$rc" -eq 0 ] || tail -n 30 "$T/canary.err" | sed "s/^/# /"
grep '"type":"result".*"status":"complete"' "$T/canary.out" >/dev/null
ok $? "canary run: the opportunity completes (both unknown orders found filled during the stop)"
is "$(bad_requests)" 0 "canary run: the venue verified every request"
grep '"type":"order".*"state":"unknown"' "$T/canary.out" >/dev/null
ok $? "canary run went through the unknown-order path"
for f in canary.out canary.err state.json; do
	grep -F -e "$BITSTAMP_SECRET" -e "$COINBASE_CANARY" -e "BEGIN EC PRIVATE" "$T/$f" >/dev/null
	is "$?" 1 "secrets not in $f"
done
grep -F -e "$(printf '%s' "$BITSTAMP_SECRET" | cut -c1-16)" -e "$(printf '%s' "$COINBASE_CANARY" | cut -c1-16)" \
	"$T/canary.out" "$T/canary.err" "$T/state.json" >/dev/null
is "$?" 1 "no 16-character piece of either secret anywhere"

live_stop
done_testing
