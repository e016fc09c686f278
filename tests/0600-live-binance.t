#!/bin/sh
# Live trading against a fake Binance (tests/live/fakevenue.py) over
# loopback HTTPS with a test CA: every request's signature is checked by
# the venue's own code; the venue misbehaves on demand.  In every case each
# client order id exists at most once at the venue, an order the venue
# accepted exists exactly once, unknown orders are resolved by query, and
# a restart sends nothing again.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/live/lib-live.sh"

IN=$top_srcdir/tests/live/cycle.ndjson
BAL=$top_srcdir/tests/live/balances-cycle.txt
C0=af7ee1c82158e0a07l0    # BTC/USDT buy, the leg the scripts aim at
C1=af7ee1c82158e0a07l1
C2=af7ee1c82158e0a07l2

live_certs || skip_all "openssl could not make the test certificates"
live_creds
trap 'live_stop; rm -rf "$T"' EXIT
live_venue binance || { echo "Bail out! fake venue did not start"; exit 1; }

drive() {
	# shellcheck disable=SC2031
	$EXEC "$DRIVE" --venue binance --endpoint "binance=$URL" --cacert "$T/ca.pem" \
		--no-venue-balances --balances "$BAL" --timeout 1s --lag 200ms --poll 200ms \
		--recv-window 1000 --settle 10s "$@"
}

# state of one order in the output: its last order record's state/reason
last_state() {
	grep "\"type\":\"order\".*\"cid\":\"$2\"" "$1" | tail -n 1 |
		sed 's/.*"state":"\([a-z]*\)".*/\1/'
}
last_reason() {
	grep "\"type\":\"order\".*\"cid\":\"$2\"" "$1" | tail -n 1 |
		sed -n 's/.*"reason":"\([a-z_]*\)".*/\1/p'
}
had_state() {
	grep "\"type\":\"order\".*\"cid\":\"$2\".*\"state\":\"$3\"" "$1" >/dev/null
}

# case_run NAME MODE [slow [lag]]: the cycle, with the first BTC/USDT
# order misbehaving per MODE; leaves $T/NAME.{out,err,rc}
case_run() {
	cn=$1
	venue_reset "BTCUSDT=$2" "${3:-3}" "${4:-1}"
	feed_live "$IN" "$T/$cn.out" "$T/$cn.err" drive
	echo $rc >"$T/$cn.rc"
}

common_checks() {
	cn=$1
	is "$(bad_requests)" 0 "$cn: every request passed the venue's signature and timestamp checks"
	is "$(grep -c '"type":"result"' "$T/$cn.out")" 1 "$cn: one result"
	is "$(count_orders $C1)" 1 "$cn: leg 1 exactly once at the venue"
	is "$(count_orders $C2)" 1 "$cn: leg 2 exactly once at the venue"
	# the input passes through unchanged
	grep -v '"type":"\(order\|fill\|result\|balance\|risk\)"' "$T/$cn.out" >"$T/$cn.pass"
	cmp_ok "$T/$cn.pass" "$IN" "$cn: input passed through"
	grep -v '"mode":"live"' "$T/$cn.out" | grep '"type":"\(order\|fill\)"' >"$T/$cn.nolive"
	is "$(wc -l <"$T/$cn.nolive" | tr -d ' ')" 0 "$cn: orders and fills say mode live"
}

# 1. clean: three legs in flight at once, filled from the FULL answers
case_run clean ok
is "$(cat "$T/clean.rc")" 0 "clean: exit 0"
common_checks clean
is "$(count_orders $C0)" 1 "clean: leg 0 exactly once"
is "$(grep -c '"type":"fill"' "$T/clean.out")" 3 "clean: three fills"
grep '"type":"result".*"status":"complete"' "$T/clean.out" >/dev/null
ok $? "clean: complete"
is "$(places)" 3 "clean: three placements, no query needed"

# 2. the answer is lost after the venue accepted the order: dropped
# connection, 503, client timeout (1 s, the venue answers after 2.5 s),
# dropped and the venue shows the order only 1 s later
for m in drop 503 timeout droplag; do
	case_run "$m" "$m" 2.5 1
	is "$(cat "$T/$m.rc")" 0 "$m: exit 0"
	common_checks "$m"
	is "$(count_orders $C0)" 1 "$m: the order exists exactly once at the venue"
	had_state "$T/$m.out" $C0 unknown
	ok $? "$m: the order became unknown"
	is "$(last_state "$T/$m.out" $C0)" filled "$m: resolved by query: filled"
	is "$(places)" 3 "$m: never sent again"
	grep '"type":"fill".*"cid":"'$C0'"' "$T/$m.out" | grep '"fee_ccy":"BTC"' >/dev/null
	ok $? "$m: the fill and its fee come from the venue's trades"
	grep '"type":"result".*"status":"complete"' "$T/$m.out" >/dev/null
	ok $? "$m: complete"
done

# 2b. the answer lost, the order filled in 600 trades: myTrades asked for
# 1000 of them (it lists 500 by default), so they cover what the order
# executed and are booked, each once (was: 500 trades never covered the
# executed quantity, asked again 20 times, the order left unknown, exit 1)
case_run many dropmany 2.5 1
is "$(cat "$T/many.rc")" 0 "many: exit 0"
is "$(last_state "$T/many.out" $C0)" filled "many: resolved by query: filled"
is "$(grep -c '"type":"fill".*"cid":"'$C0'"' "$T/many.out")" 600 "many: 600 fills, each once"
grep '"type":"fill".*"cid":"'$C0'"' "$T/many.out" | sort -u | wc -l | tr -d ' ' >"$T/many.n"
is "$(cat "$T/many.n")" 600 "many: no fill twice"

# 3. 503 without accepting: not found until the request can no longer be
# accepted (recvWindow past), then rejected as not placed
case_run lost 503-lost
is "$(cat "$T/lost.rc")" 0 "lost: exit 0"
common_checks lost
is "$(count_orders $C0)" 0 "lost: no such order at the venue"
had_state "$T/lost.out" $C0 unknown
ok $? "lost: the order became unknown"
is "$(last_state "$T/lost.out" $C0)" rejected "lost: resolved by query: rejected"
is "$(last_reason "$T/lost.out" $C0)" not_placed "lost: reason not_placed"
is "$(places)" 3 "lost: never sent again"

# 4. 429 with Retry-After: refused, not executed: sent again once after the
# back-off, exactly one order results
case_run r429 429
is "$(cat "$T/r429.rc")" 0 "429: exit 0"
common_checks r429
is "$(count_orders $C0)" 1 "429: exactly one order after the retry"
is "$(places)" 4 "429: one refused placement, one retry"
is "$(last_state "$T/r429.out" $C0)" filled "429: filled after Retry-After"
grep 'rate limited: no new orders for 1000 ms' "$T/r429.err" >/dev/null
ok $? "429: back-off logged"

# 5. 418: IP ban: trading stops, a risk record, the order rejected
case_run r418 418
is "$(count_orders $C0)" 0 "418: no order at the venue"
is "$(last_state "$T/r418.out" $C0)" rejected "418: rejected"
is "$(last_reason "$T/r418.out" $C0)" ip_ban "418: reason ip_ban"
grep '"type":"risk".*"rule":"ip_ban","action":"kill"' "$T/r418.out" >/dev/null
ok $? "418: risk record, kill switch latched"
is "$(places)" 3 "418: nothing sent again"

# 6. rejects map to reasons, with the venue's message in the log
case_run lot lot
is "$(count_orders $C0)" 0 "lot: no order at the venue"
is "$(last_state "$T/lot.out" $C0)" rejected "lot: rejected"
is "$(last_reason "$T/lot.out" $C0)" lot_size "lot: reason lot_size"
grep 'rejected: lot_size (venue code -1013: Filter failure: LOT_SIZE)' "$T/lot.err" >/dev/null
ok $? "lot: the venue's code and message in the log"
is "$(grep "\"type\":\"order\".*\"cid\":\"$C0\"" "$T/lot.out" | tail -n 1 | jq -r .msg)" \
    "Filter failure: LOT_SIZE" "lot: the venue's message in the order record"
case_run bal balance
is "$(last_reason "$T/bal.out" $C0)" insufficient_balance "balance: reason insufficient_balance"
is "$(count_orders $C0)" 0 "balance: no order at the venue"

# 6a. an order that rests at the venue: the engine's leg timeout cancels
# it (by client order id), whether the cancel is asked before or after
# the venue's answer
venue_reset "BTCUSDT=rest"
feed_live "$IN" "$T/rest.out" "$T/rest.err" drive --leg-timeout 20ms
is "$(count_orders $C0)" 1 "rest: one order at the venue"
is "$(order_status $C0)" CANCELED "rest: canceled at the venue"
is "$(last_state "$T/rest.out" $C0)" canceled "rest: canceled"
is "$(last_reason "$T/rest.out" $C0)" timeout "rest: reason timeout (the leg timeout)"
is "$(places)" 3 "rest: nothing sent again"

# 6a'. a resting order at the end of the input: canceled at the venue
# before the program exits (reason eof), nothing left open
venue_reset "BTCUSDT=rest"
drive <"$IN" >"$T/resteof.out" 2>"$T/resteof.err"
is "$?" 0 "rest at EOF: exit 0"
is "$(order_status $C0)" CANCELED "rest at EOF: canceled at the venue"
is "$(last_reason "$T/resteof.out" $C0)" eof "rest at EOF: reason eof"

# 6b. the used request weight near Binance's 6000 a minute: no new order
# goes out until the minute is over (rejected, reason rate_limit)
venue_reset "" 3 1 5800
feed_live "$IN" "$T/weight.out" "$T/weight.err" drive
is "$(places)" 0 "weight: no order sent"
is "$(last_reason "$T/weight.out" $C0)" rate_limit "weight: reason rate_limit"
grep 'request weight 58[0-9][0-9] of 6000 this minute: pausing new orders' "$T/weight.err" >/dev/null
ok $? "weight: the pause is logged"

# 6c. the venue cannot be reached at all: the orders certainly did not
# leave, and are rejected (reason connect), not left unknown
"$DRIVE" --venue binance --endpoint "binance=https://127.0.0.1:1" --cacert "$T/ca.pem" \
	--no-venue-balances --balances "$BAL" --timeout 1s --lag 200ms --poll 200ms \
	--recv-window 1000 --settle 5s <"$IN" >"$T/down.out" 2>"$T/down.err"
is "$?" 0 "down: exit 0 (nothing unknown)"
is "$(last_reason "$T/down.out" $C0)" connect "down: reason connect"
is "$(grep -c '"state":"unknown"' "$T/down.out")" 0 "down: no unknown order"

# 7. restart: killed while the order is in flight; the next run queries it
# from the state file and never sends it again
venue_reset "BTCUSDT=timeout" 3
mkfifo "$T/fifo"
(EXEC="exec"; drive --state "$T/state.json") <"$T/fifo" >"$T/restart1.out" 2>"$T/restart1.err" &
DP=$!
exec 7>"$T/fifo"
cat "$IN" >&7
i=0
while [ "$(all_orders)" -lt 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $DP
wait $DP 2>/dev/null
exec 7>&-
kill -0 $DP 2>/dev/null
is "$?" 1 "restart: the first run is gone (killed, not its shell)"
grep '"cid":"'$C0'"' "$T/state.json" | grep '"state":"\(new\|sent\)"' >/dev/null
ok $? "restart: the state file holds the order as new or sent (recorded before sending)"
drive --state "$T/state.json" </dev/null >"$T/restart2.out" 2>"$T/restart2.err"
is "$?" 0 "restart: second run exits 0"
is "$(places)" 3 "restart: nothing sent again"
is "$(count_orders $C0)" 1 "restart: leg 0 exactly once"
is "$(last_state "$T/restart2.out" $C0)" filled "restart: resolved from the venue: filled"
grep '"type":"result".*"status":"complete"' "$T/restart2.out" >/dev/null
ok $? "restart: the opportunity completes in the second run"
grep "order $C0 from the state file (\(unknown\|sent\)): querying it" "$T/restart2.err" >/dev/null
ok $? "restart: reconciled by query"
# a third run has nothing to do
drive --state "$T/state.json" </dev/null >"$T/restart3.out" 2>"$T/restart3.err"
is "$?" 0 "restart: third run exits 0"
is "$(places)" 3 "restart: still nothing sent again"
grep -c '"type":"order"' "$T/restart3.out" >"$T/restart3.n"
is "$(cat "$T/restart3.n")" 0 "restart: third run: no order records"

done_testing
