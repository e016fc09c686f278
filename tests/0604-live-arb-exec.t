#!/bin/sh
# arb-exec --live itself (skipped when the program is built without the
# live transport): two venues through the
# real program, an answer lost and resolved by query, SIGTERM with an
# order still unknown (finish: the program waits for the answer), and the
# canary secrets nowhere in the process's argv, environment or output.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/live/lib-live.sh"

command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"
mkdir -p "$T/none"
CREDENTIALS_DIRECTORY=$T/none arb-exec --live --venues binance </dev/null >/dev/null 2>"$T/probe" &&
	skip_all "arb-exec --live started without credentials?"
grep 'credential binance_key' "$T/probe" >/dev/null ||
	skip_all "arb-exec --live is not wired in this build"

IN=$top_srcdir/tests/live/cross.ndjson
BAL=$top_srcdir/tests/live/balances-cross.txt
CK=a97c2482bf9ed4f06l1    # the Kraken sell

live_certs || skip_all "openssl could not make the test certificates"
live_creds
trap 'live_stop; rm -rf "$T"' EXIT
live_venue ax || { echo "Bail out! fake venue did not start"; exit 1; }

ax() {
	# shellcheck disable=SC2031
	$EXEC arb-exec --live --venues binance,kraken --endpoint "binance=$URL" --endpoint "kraken=$URL" \
		--cacert "$T/ca.pem" --no-venue-balances --balances "$BAL" --request-timeout 2s \
		--query-lag 200ms --recv-window 2000 "$@"
}

# finish_start NAME STATE: ax --on-stop finish on a FIFO that stays open
# (fd 7), the input written, output in $T/NAME.out and .err; sets P.
finish_start() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	(EXEC="exec"; ax --state "$2" --on-stop finish) <"$T/fifo" >"$T/$1.out" 2>"$T/$1.err" &
	P=$!
	exec 7>"$T/fifo"
	cat "$IN" >&7
}
# finish_stop: SIGTERM to P, which must end by itself once its orders are
# settled, the input still open (at most 15 s); sets rc.
finish_stop() {
	kill -TERM $P
	i=0
	while kill -0 $P 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 $P 2>/dev/null && kill -9 $P
	wait $P
	rc=$?
	exec 7>&-
}

# 1. the Kraken answer is dropped: unknown, then resolved by query
venue_reset "XBTUSDT=drop"
feed_live "$IN" "$T/drop.out" "$T/drop.err" ax --state "$T/st1"
is "$rc" 0 "drop: exit 0"
is "$(count_orders $CK)" 1 "drop: the Kraken order exists once"
is "$(places)" 2 "drop: never sent again"
grep '"type":"order".*"cid":"'$CK'".*"state":"unknown"' "$T/drop.out" >/dev/null
ok $? "drop: it became unknown"
grep '"type":"order".*"cid":"'$CK'".*"state":"filled"' "$T/drop.out" >/dev/null
ok $? "drop: resolved by query: filled"
grep '"type":"result".*"status":"complete"' "$T/drop.out" >/dev/null
ok $? "drop: complete"
is "$(bad_requests)" 0 "drop: every request passed the venues' checks"

# 2. SIGTERM while the Kraken order is unknown (the venue shows it only
# 2 s later), --on-stop finish: the program waits for the answer
venue_reset "XBTUSDT=droplag" 2 2
finish_start term "$T/st2"
i=0
while ! grep '"state":"unknown"' "$T/term.out" >/dev/null 2>&1 && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
if [ -r "/proc/$P/environ" ]; then
	tr '\0' '\n' <"/proc/$P/cmdline" >"$T/cmdline"
	tr '\0' '\n' <"/proc/$P/environ" >"$T/environ"
	grep -F -e "$CANARY_SECRET" -e "$KRAKEN_SECRET" "$T/cmdline" "$T/environ" >/dev/null
	is "$?" 1 "no secret in /proc/PID/cmdline or environ of arb-exec"
else
	ok 1 "/proc/$P not readable"
fi
finish_stop
is "$rc" 0 "SIGTERM, finish: exit 0 once the unknown order is resolved"
grep '"type":"order".*"cid":"'$CK'".*"state":"filled"' "$T/term.out" >/dev/null
ok $? "SIGTERM, finish: the order was resolved before exiting"
is "$(places)" 2 "SIGTERM: nothing sent again"

# 2b. SIGTERM while both legs are unknown; the venue shows the Binance one
# after 1 s, the Kraken one after 2 s.  The answer about the Binance leg
# must not end the opportunity while the Kraken leg is still being
# queried: finish waits for both.
venue_reset "BTCUSDT=droplag;XBTUSDT=droplag2" 2 1
finish_start both "$T/st5"
i=0
while [ "$(grep -c '"state":"unknown"' "$T/both.out" 2>/dev/null)" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
is "$(grep -c '"state":"unknown"' "$T/both.out")" 2 "SIGTERM, both unknown: both legs unknown before the signal"
finish_stop
is "$rc" 0 "SIGTERM, both unknown: exit 0 once both are resolved"
is "$(grep -c '"type":"order".*"state":"filled"' "$T/both.out")" 2 "SIGTERM, both unknown: both legs filled before exiting"
grep '"type":"result".*"status":"complete"' "$T/both.out" >/dev/null
ok $? "SIGTERM, both unknown: the opportunity complete"
# 3. the venues' fee rates: read by default, not with --no-venue-fees
venue_reset ""
feed_live "$IN" "$T/fees.out" "$T/fees.err" ax -v --state "$T/st3"
is "$rc" 0 "fees: exit 0"
grep 'kraken: every symbol: taker fee 0.002, as the venue says' "$T/fees.err" >/dev/null
ok $? "fees: Kraken's rate read by default"
venue_reset ""
feed_live "$IN" "$T/nofees.out" "$T/nofees.err" ax -v --no-venue-fees --venue-balances-every 0 --state "$T/st4"
is "$rc" 0 "--no-venue-fees: exit 0"
grep -c 'as the venue says' "$T/nofees.err" >"$T/nfees"
is "$(cat "$T/nfees")" 0 "--no-venue-fees: no rate read"
grep '"type":"result".*"status":"complete"' "$T/nofees.out" >/dev/null
ok $? "--no-venue-fees: the trade completes with the instruments' fees"
is "$(bad_requests)" 0 "fees: every request passed the venues' checks"

# 4. a fill past 36 decimals (Binance reports 0.3 + 10^-36 BTC bought at
# 29999.99: the USDT spent, with 38 decimals, cannot be stored exactly): written as reported,
# not booked, the kill switch trips, the result says overflow, exit 1
venue_reset "BTCUSDT=past36"
feed_live "$IN" "$T/p36.out" "$T/p36.err" ax --state "$T/st6"
is "$rc" 1 "fill past 36 decimals: exit 1"
BK=a97c2482bf9ed4f06l0    # the Binance buy
grep -v '"type":"\(book\|instrument\|status\|opportunity\)"' "$T/p36.out" |
	sed -e 's/"ts":[0-9]*/"ts":T/' -e 's/"vid":"[0-9]*"/"vid":V/' -e 's/"tid":"[0-9]*"/"tid":N/' >"$T/p36.rec"
grep '"cid":"'$BK'"' "$T/p36.rec" | grep '"type":"fill"' >"$T/p36.fill"
is "$(cat "$T/p36.fill")" '{"type":"fill","ts":T,"ex":"binance","sym":"BTC/USDT","opp":"x:binance:kraken:BTC/USDT:1","cid":"'$BK'","side":"buy","px":29999.99,"qty":0.300000000000000000000000000000000001,"fee":0.0003,"fee_ccy":"BTC","mode":"live","tid":N}' \
	"fill past 36 decimals: the fill as reported"
grep '"type":"risk"' "$T/p36.rec" >"$T/p36.risk"
is "$(cat "$T/p36.risk")" '{"type":"risk","ts":T,"rule":"overflow","action":"kill","detail":"'$BK': a fill cannot be booked exactly: binance balances unknown","opp":"x:binance:kraken:BTC/USDT:1","ex":"binance"}' \
	"  the kill switch trips: rule overflow, the venue named"
grep '"type":"result"' "$T/p36.rec" | sed 's/"pnl":[^,]*,/"pnl":P,/; s/"fees":[^,]*,/"fees":F,/; s/"exposure":.*/"exposure":E/' >"$T/p36.res"
is "$(cat "$T/p36.res")" '{"type":"result","ts":T,"opp":"x:binance:kraken:BTC/USDT:1","kind":"cross","status":"complete","reason":"overflow","pnl":P,"ccy":"USDT","fees":F,"exposure":E' \
	"  the result: reason overflow"
grep '"type":"balance","ts":T,"ex":"binance"' "$T/p36.rec" >"$T/p36.bal"
is "$(cat "$T/p36.bal")" '{"type":"balance","ts":T,"ex":"binance","asset":"USDT","free":90991,"locked":9009}' \
	"  Binance's balances: only the order's lock, which stays (nothing booked, nothing given back)"
printf '%s\n' \
	"arb-exec: $BK: binance BTC/USDT fill 0.300000000000000000000000000000000001 at 29999.99 cannot be booked exactly (an amount past 36 decimals): not booked; binance balances unknown" \
	"arb-exec: kill switch tripped: overflow: $BK: a fill cannot be booked exactly: binance balances unknown" \
	"arb-exec: 1 fill(s) or result(s) could not be booked exactly: check the balances at the venues" >"$T/p36.ewant"
cmp_ok "$T/p36.err" "$T/p36.ewant" "  stderr: what, the kill switch, and at exit the count"
venue_reset ""
sed 's,"id":"x:binance:kraken:BTC/USDT:1","id":"x:binance:kraken:BTC/USDT:2",' "$IN" >"$T/p36b.in"
feed_live "$T/p36b.in" "$T/p36b.out" "$T/p36b.err" ax --state "$T/st6"
is "$rc" 0 "  the next run: exit 0"
grep '"type":"result".*"status":"skipped","reason":"kill"' "$T/p36b.out" >/dev/null
ok $? "  and nothing traded (the kill switch is latched)"
is "$(places)" 0 "  nothing sent"

grep -F -e "$CANARY_SECRET" -e "$KRAKEN_SECRET" "$T/drop.out" "$T/drop.err" "$T/term.out" "$T/term.err" \
	"$T/st1" "$T/st2" "$T/both.out" "$T/both.err" "$T/st5" "$T/fees.err" "$T/nofees.err" \
	"$T/p36.out" "$T/p36.err" "$T/st6" >/dev/null
is "$?" 1 "no secret in any output, log or state file"

done_testing
