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
arb-feed nosuchvenue:BTC/USD >/dev/null 2>&1
is "$?" 2 "unknown venue: exit 2"
arb-feed kraken:BTCUSD >/dev/null 2>&1
is "$?" 2 "symbol without a slash: exit 2"
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
done_testing
