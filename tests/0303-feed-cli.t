#!/bin/sh
# arb-feed options and exit status.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded

arb-feed -h >"$T/h" 2>&1
is "$?" 0 "-h: exit 0"
grep -q '^usage: arb-feed' "$T/h"
ok $? "-h: usage on stdout"
arb-feed -V | grep -q '^arb-feed [0-9]'
ok $? "-V: version"
arb-feed --no-such-option >/dev/null 2>&1
is "$?" 2 "unknown option: exit 2"
arb-feed >/dev/null 2>&1
is "$?" 2 "no argument: exit 2"
arb-feed --replay -d 0 "$R/OKX.0" >/dev/null 2>&1
is "$?" 2 "--depth 0: exit 2"
arb-feed --replay --speed -1 "$R/OKX.0" >/dev/null 2>&1
is "$?" 2 "--speed -1: exit 2"
arb-feed nosuchvenue:BTC/USD >/dev/null 2>"$T/e"
is "$?" 2 "unknown venue: exit 2"
grep -q "^arb-feed: nosuchvenue:BTC/USD: expected venue:SYMBOL\[,SYMBOL...\], the venue one of binance, kraken, coinbase, okx, bybit, bitstamp$" "$T/e"
ok $? "unknown venue: the venues named"
arb-feed kraken:BTCUSD >/dev/null 2>&1
is "$?" 2 "symbol without a slash: exit 2"
# --replay: a misspelt venue is not taken for a missing file
arb-feed --replay "$R/OKX.0" binanse:BTC/USDT >"$T/o" 2>"$T/e"
is "$?" 2 "--replay, unknown venue: exit 2"
is "$(head -n 1 "$T/e")" "arb-feed: binanse:BTC/USDT: not a file, and not venue:SYMBOL[,SYMBOL...] of a known venue (binance, kraken, coinbase, okx, bybit, bitstamp)" \
	"--replay, unknown venue: named, with the venues"
is "$(wc -c <"$T/o")" 0 "--replay, unknown venue: nothing replayed"
arb-feed --replay "$T/no/such:file" >"$T/o" 2>"$T/e"
is "$?" 1 "--replay, a missing path with a colon: a missing file, exit 1"
grep -q "no/such:file: No such file" "$T/e"
ok $? "--replay, a missing path with a colon: named"
arb-feed --replay "$T/nonexistent" >"$T/o" 2>"$T/e"
is "$?" 1 "missing recording: exit 1"
grep -q "nonexistent: No such file" "$T/e"
ok $? "missing recording: named"
printf 'garbage line\n\n' >"$T/KRAKEN.x"
arb-feed --replay "$T/KRAKEN.x" >"$T/o" 2>"$T/e"
is "$?" 0 "a bad line is skipped: exit 0"
grep -q "KRAKEN.x:1: not a recording line" "$T/e"
ok $? "a bad line names file:line"
printf '1618678132.5: {"event":"heartbeat"}\n' >"$T/unknown.rec"
arb-feed --replay "$T/unknown.rec" >"$T/o" 2>"$T/e"
grep -q "unknown.rec:1: cannot tell the venue" "$T/e"
ok $? "a frame of no known venue is reported"
# our own recording format: frames name their connection
printf '%s\n' 'wss://ws.kraken.com <-> 1618678132.1' \
	'wss://ws.kraken.com => 1618678132.5: {"event":"heartbeat"}' \
	'wss://ws.kraken.com >-< 1618678133.5: closed by peer' >"$T/own.rec"
arb-feed --replay "$T/own.rec" >"$T/o" 2>"$T/e"
is "$(cat "$T/o")" '{"type":"status","ts":1618678132100000,"ex":"kraken","state":"connected","detail":"wss://ws.kraken.com"}
{"type":"status","ts":1618678133500000,"ex":"kraken","state":"disconnected","detail":"closed by peer"}' "own format: connected, frame, closed"
arb-feed --replay --depth 2 "$R"/OKX.* 2>/dev/null | head -n 3 >"$T/o"
is "$?" 0 "a closed stdout (head) is not an error"
# --speed paces by receive time: 3 frames 0.2 s apart at 10x take >= 0.04 s
printf '%s\n' '1618678132.0: {"event":"heartbeat"}' '1618678132.2: {"event":"heartbeat"}' \
	'1618678132.4: {"event":"heartbeat"}' >"$T/KRAKEN.p"
s=$(date +%s%N)
arb-feed --replay --speed 10 "$T/KRAKEN.p" >/dev/null 2>&1
e=$(date +%s%N)
ok $(( (e - s) >= 40000000 ? 0 : 1 )) "--speed 10 paces the replay"
# Coinbase Advanced Trade (l2_data): sequence_num per connection
cat >"$T/adv.rec" <<'EOF'
wss://advanced-trade-ws.coinbase.com <-> 1700000000.000000
1700000000.100000: {"channel":"subscriptions","client_id":"","timestamp":"2023-11-14T22:13:20.1Z","sequence_num":0,"events":[{"subscriptions":{"level2":["BTC-USD"]}}]}
1700000000.200000: {"channel":"l2_data","client_id":"","timestamp":"2023-11-14T22:13:20.2Z","sequence_num":1,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"2023-11-14T22:13:20.2Z","price_level":"100.0","new_quantity":"1.5"},{"side":"offer","event_time":"2023-11-14T22:13:20.2Z","price_level":"101.0","new_quantity":"2"}]}]}
1700000000.300000: {"channel":"l2_data","client_id":"","timestamp":"2023-11-14T22:13:20.3Z","sequence_num":2,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"2023-11-14T22:13:20.3Z","price_level":"100.5","new_quantity":"0.25"}]}]}
1700000000.400000: {"channel":"l2_data","client_id":"","timestamp":"2023-11-14T22:13:20.4Z","sequence_num":4,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"2023-11-14T22:13:20.4Z","price_level":"100.5","new_quantity":"0"}]}]}
EOF
arb-feed --replay -d 2 "$T/adv.rec" >"$T/o" 2>"$T/e"
is "$(grep -c '"type":"book".*"ok":true' "$T/o")" 2 "advanced trade: snapshot and update in sync"
grep -q '"bids":\[\[100.5,0.25\],\[100.0,1.5\]\],"asks":\[\[101.0,2\]\]' "$T/o"
ok $? "advanced trade: bid and offer levels"
is "$(grep -c '"state":"gap","detail":"sequence_num 4 does not follow 2"' "$T/o")" 1 "advanced trade: a missing sequence_num is a gap"
# -c FILE: the [arb-feed] section and ARB_*, under the command line; its
# venues filter a replay the command line does not filter
printf '[arb-feed]\ndepth = 2\nvenues = "kraken:ADA/BTC"\n' >"$T/feed.conf"
K="$ARB_SHARED_DATA/recorded/KRAKEN.ws.50.0 $ARB_SHARED_DATA/recorded/KRAKEN.0"
# shellcheck disable=SC2086
arb-feed -c "$T/feed.conf" --replay $K 2>/dev/null | grep '"type":"book"' >"$T/cb"
is "$(grep -vc '"sym":"ADA/BTC".*"depth":2,' "$T/cb")" 0 "config: depth and the venues filter apply"
# shellcheck disable=SC2086
ARB_DEPTH=1 arb-feed -c "$T/feed.conf" --replay $K 2>/dev/null | grep -m1 '"type":"book"' | grep -q '"depth":1,'
ok $? "config: the environment overrides the file"
# shellcheck disable=SC2086
ARB_DEPTH=1 arb-feed -c "$T/feed.conf" -d 3 --replay $K 2>/dev/null | grep -m1 '"type":"book"' | grep -q '"depth":3,'
ok $? "config: the command line overrides both"
# --metrics is live only (arb-feed(1)): a replay says it ignores it
arb-feed --replay --metrics "$T/feed.prom" "$R/KRAKEN.0" >/dev/null 2>"$T/m.err"
is "$?" 0 "--replay --metrics: exit 0"
grep -q -- '--metrics do not apply to --replay' "$T/m.err"
ok $? "--replay --metrics: warned that it does not apply"
test ! -e "$T/feed.prom"
ok $? "--replay --metrics: no metrics file"
# a bad value from the file or the environment is named by where it came from
printf '[arb-feed]\ndepth = lots\n' >"$T/bad.conf"
arb-feed -c "$T/bad.conf" --replay "$R/KRAKEN.0" >/dev/null 2>"$T/bad.err"
is "$?" 2 "config: a bad value is a usage error"
is "$(head -n 1 "$T/bad.err")" "arb-feed: $T/bad.conf:2: --depth: expected 1 to 1000, got \"lots\"" \
    "config: the error names the file and line"
ARB_DEPTH=0 arb-feed --replay "$R/KRAKEN.0" >/dev/null 2>"$T/bad.err"
is "$(head -n 1 "$T/bad.err")" 'arb-feed: environment ARB_DEPTH: --depth: expected 1 to 1000, got "0"' \
    "config: the error names the environment variable"
printf 'trades = maybe\n' >"$T/bad.conf"
arb-feed -c "$T/bad.conf" --replay "$R/KRAKEN.0" >/dev/null 2>"$T/bad.err"
is "$?" 2 "config: a flag neither true nor false is a usage error"
is "$(cat "$T/bad.err")" "arb-feed: $T/bad.conf:1: trades: true or false, not maybe" \
    "config: ... named by file and line"
# A recording read from a pipe that pauses: the records so far come out
# at once, not when the output buffer fills or the input ends
mkfifo "$T/in"
arb-feed --replay - <"$T/in" >"$T/piped" 2>/dev/null &
pid=$!
{
	grep 'symbol=NKNUSDT' "$R/BINANCE.http.0.0"
	grep -m 20 'nknusdt@depth' "$R/BINANCE.ws.1.0" | sed 's|^|wss://stream.binance.com:9443/stream => |'
	# (up to 10 s for a loaded machine, the input still open)
	n=0; while [ "$(wc -l <"$T/piped")" -lt 3 ] && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
	wc -l <"$T/piped" >"$T/mid"
} >"$T/in"
wait "$pid"
ok "$([ "$(cat "$T/mid")" -ge 3 ] && echo 0 || echo 1)" "from a pipe: records written while the input pauses ($(cat "$T/mid") lines)"
done_testing
