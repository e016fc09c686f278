#!/bin/sh
# arb-feed and arb-exec --live through an HTTP proxy (https_proxy), on
# loopback: tests/live/connect-proxy (a CONNECT proxy in C) in front of the
# fake venues.  Through the proxy: the REST requests and the WebSocket
# both, CONNECT naming the venue (the proxy resolves the name: venue.test
# resolves nowhere else), TLS to the venue inside the tunnel and its
# certificate checked; the proxy's credentials sent and never shown.
# no_proxy bypasses it; a proxy that refuses (403) or is not there gives
# an error naming it, and arb-feed keeps reconnecting with its backoff.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/live/lib-live.sh"
R=$ARB_SHARED_DATA/recorded
[ -d "$R" ] || skip_all "no recordings"
# shellcheck disable=SC2154  # top_builddir: from make check, or lib.sh
PROXY=$top_builddir/tests/live/connect-proxy
[ -x "$PROXY" ] || skip_all "tests/live/connect-proxy not built"
FEEDFAKE="python3 $top_srcdir/tests/feed/fakevenue.py"

cd "$T" || exit 1
# the test CA, and the venue's certificate for its three names (the
# WebSocket through the proxy is checked for venue.test)
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout ca.key -out ca.pem -subj /CN=arb-test-ca -days 2 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null &&
openssl req $ec -keyout srv.key -out srv.csr -subj /CN=venue.test 2>/dev/null &&
printf 'subjectAltName=DNS:venue.test,DNS:localhost,IP:127.0.0.1\n' >ext &&
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
	-extfile ext 2>/dev/null &&
openssl req $ec -keyout other.key -out other.csr -subj /CN=example.com 2>/dev/null &&
printf 'subjectAltName=DNS:example.com\n' >ext2 &&
openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 2 \
	-extfile ext2 2>/dev/null
ok $? "test CA and certificates"

# the proxy's password: a canary, like the venues' secrets
PXUSER=arbproxy
PXPASS="CANARYproxyPass9e1f@x"
PXPASS_URL="CANARYproxyPass9e1f%40x"    # percent-encoded in the URL, as usual

SRV=
PX=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	[ -n "$PX" ] && kill "$PX" 2>/dev/null
	live_stop
	rm -rf "$T"
}
trap cleanup EXIT

# waitfile FILE: until it is there and not empty (at most 20 s)
waitfile() {
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 100 ]; do sleep 0.2; _i=$((_i + 1)); done
}
# fake NAME VENUE [CERT]: a fake venue of tests/feed, sets $PORT
fake() {
	rm -f "$1.port"
	$FEEDFAKE --cert "${3:-srv}.pem" --key "${3:-srv}.key" --portfile "$1.port" --log "$1.log" --venue "$2" \
		--rec "$R" --script serve --interval 5 --symbols nknusdt 2>"$1.srv.err" &
	SRV=$!
	waitfile "$1.port"
	PORT=$(cat "$1.port")
}
stop_fake() { kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=; }
# proxy NAME [options]: the CONNECT proxy, sets $PPORT; its log is NAME.plog
proxy() {
	_pn=$1; shift
	rm -f "$_pn.pport"
	"$PROXY" --portfile "$_pn.pport" --log "$_pn.plog" "$@" 2>"$_pn.perr" &
	PX=$!
	waitfile "$_pn.pport"
	PPORT=$(cat "$_pn.pport")
	: >>"$_pn.plog"
}
stop_proxy() { kill "$PX" 2>/dev/null; wait "$PX" 2>/dev/null; PX=; }
count() { if [ -f "$2" ]; then grep -c -- "$1" "$2"; else echo 0; fi; }   # (a venue's log is made lazily)
ge() { ok $(($1 >= $2 ? 0 : 1)) "$3 ($1)"; }

# feed NAME PATTERN N ARGS...: arb-feed in the background until N lines of
# its standard output or error match PATTERN (at most 30 s, for a loaded
# machine), then SIGTERM; sets $RC.  The proxy variables are exported
# around it (an assignment before a shell function may outlive it).
feed() {
	_fn=$1 _pat=$2 _want=$3
	shift 3
	arb-feed "$@" >"$_fn.out" 2>"$_fn.err" &
	_p=$!
	_i=0
	while [ "$(cat "$_fn.out" "$_fn.err" 2>/dev/null | grep -c -- "$_pat")" -lt "$_want" ] && [ $_i -lt 150 ]; do
		sleep 0.2; _i=$((_i + 1))
	done
	# argv and environment of the running process: the credentials
	# only in the environment, where they were given
	tr '\0' '\n' <"/proc/$_p/cmdline" >"$_fn.cmdline" 2>/dev/null
	sleep 0.5
	kill -TERM "$_p"
	wait "$_p"
	RC=$?
}
canary_absent() {   # FILES...: the proxy's password in none of them
	! grep -F -e "$PXPASS" -e "$PXPASS_URL" "$@" >/dev/null 2>&1
}

# -- 1. Binance (REST metadata and snapshot, WebSocket) through a proxy
# that wants credentials, the venue by a name only the proxy resolves
fake a binance
proxy a --auth "$PXUSER:$PXPASS" --map venue.test=127.0.0.1
export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$PPORT"
feed a '"state":"synced"' 1 -v --stale-after 3s --endpoint "binance=https://venue.test:$PORT" --cacert ca.pem \
	--record a.rec binance:NKN/USDT
unset https_proxy
stop_fake
is "$RC" 0 "proxy: SIGTERM ends arb-feed with 0"
is "$(count '"state":"synced"' a.out)" 1 "proxy: the book synced"
is "$(count '"ok":false' a.out)" 0 "proxy: in sync throughout"
ge "$(count '"ok":true' a.out)" 1 "proxy: books flow"
grep '"type":"instrument"' a.out >/dev/null
ok $? "proxy: the instrument came (REST metadata through the proxy)"
ge "$(count "^CONNECT venue.test:$PORT auth ok -> 200\$" a.plog)" 3 "proxy: CONNECT venue.test:$PORT, with the credentials, for REST and WebSocket"
is "$(grep -c -v "^CONNECT venue.test:$PORT auth ok -> 200\$" a.plog)" 0 "proxy: nothing else asked of the proxy"
is "$(count 'websocket /stream?streams=nknusdt@depth@100ms' a.log)" 1 "proxy: the WebSocket reached the venue"
is "$(count 'GET /api/v3/exchangeInfo' a.log)" 1 "proxy: the metadata request reached the venue"
ge "$(count 'GET /api/v3/depth?symbol=NKNUSDT' a.log)" 1 "proxy: the snapshot request reached the venue"
ge "$(count "binance: connecting to https://venue.test:$PORT/[^ ]* via the proxy http://127.0.0.1:$PPORT (127.0.0.1)" a.err)" 1 \
	"proxy: the WebSocket connects through the proxy"
ge "$(count "binance: GET https://venue.test:$PORT/api/v3/depth[^ ]* via the proxy http://127.0.0.1:$PPORT" a.err)" 1 \
	"proxy: the snapshot goes through the proxy"
is "$(count 'resolving' a.err)" 0 "proxy: arb-feed resolves no name itself"
canary_absent a.out a.err a.rec a.cmdline
ok $? "proxy: the proxy's password in no output, log, recording or argv"
arb-feed --replay a.rec 2>/dev/null | grep '"type":"book"' >a.rbooks
grep '"type":"book"' a.out >a.books
cmp_ok a.rbooks a.books "proxy: the replay of --record gives the same books"

# -- 2. ...and the venue's certificate is still checked, for the venue's
# name, inside the tunnel
fake o binance other
n1=$(wc -l <a.plog)
export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$PPORT"
feed o '"state":"disconnected","detail":"connection failed' 2 --endpoint "binance=https://venue.test:$PORT" \
	--cacert ca.pem binance:NKN/USDT
unset https_proxy
stop_fake
stop_proxy
is "$(count '"state":"connected"' o.out)" 0 "certificate for another host, through the proxy: never connected"
is "$(count 'websocket' o.log)" 0 "certificate for another host, through the proxy: no WebSocket reached the venue"
is "$(count 'GET ' o.log)" 0 "certificate for another host, through the proxy: no REST request either"
ge "$(sed "1,${n1}d" a.plog | grep -c "^CONNECT venue.test:$PORT auth ok -> 200\$")" 2 \
	"certificate for another host: the tunnels themselves were made"

# -- 3. no_proxy: the venue's address listed (lower case), or its network
# (NO_PROXY, CIDR): straight to the venue, the proxy never asked
proxy n
fake n binance
export https_proxy="http://127.0.0.1:$PPORT" no_proxy="example.com, 127.0.0.1"
feed n '"state":"synced"' 1 -v --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem binance:NKN/USDT
unset https_proxy no_proxy
stop_fake
is "$(count '"state":"synced"' n.out)" 1 "no_proxy: the book synced"
ge "$(count "binance: connecting to https://127.0.0.1:$PORT/[^ ]* (127.0.0.1)\$" n.err)" 1 "no_proxy: the WebSocket connects directly"
is "$(count 'via' n.err)" 0 "no_proxy: nothing through the proxy"
fake n2 binance
export HTTPS_PROXY="http://127.0.0.1:$PPORT" NO_PROXY="example.com 127.0.0.0/8"
feed n2 '"state":"synced"' 1 -v --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem binance:NKN/USDT
unset HTTPS_PROXY NO_PROXY
stop_fake
is "$(count '"state":"synced"' n2.out)" 1 "NO_PROXY with a network: the book synced"
is "$(count 'via' n2.err)" 0 "NO_PROXY with a network: nothing through the proxy"
# a name (a leading dot ignored): the venue's name resolved here, directly
fake n3 binance
export https_proxy="http://127.0.0.1:$PPORT" no_proxy=".localhost"
feed n3 '"state":"synced"' 1 -v --endpoint "binance=https://localhost:$PORT" --cacert ca.pem binance:NKN/USDT
unset https_proxy no_proxy
stop_fake
is "$(count '"state":"synced"' n3.out)" 1 "no_proxy with a name: the book synced"
is "$(count 'binance: resolving localhost' n3.err)" 1 "no_proxy with a name: the venue's name resolved by arb-feed"
is "$(count 'via' n3.err)" 0 "no_proxy with a name: nothing through the proxy"
# http_proxy alone: the venues' URLs are https, so it is not used (as in
# libcurl), and arb-feed says so
fake h binance
export http_proxy="http://127.0.0.1:$PPORT"
feed h '"state":"synced"' 1 --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem binance:NKN/USDT
unset http_proxy
stop_fake
is "$(count '"state":"synced"' h.out)" 1 "http_proxy alone: the book synced, directly"
is "$(count 'http_proxy is not used' h.err)" 1 "http_proxy alone: arb-feed says it does not use it"
is "$(wc -l <n.plog | tr -d ' ')" 0 "no_proxy, http_proxy: the proxy was never asked"
stop_proxy

# -- 4. A proxy that refuses (403): an error naming the proxy, without the
# credentials; reconnects with the usual backoff
proxy r --refuse 403
fake r binance
export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$PPORT"
feed r 'state":"disconnected","detail":"connection failed: the proxy' 4 \
	-v --endpoint "binance=https://127.0.0.1:$PORT" --cacert ca.pem binance:NKN/USDT
unset https_proxy
stop_fake
stop_proxy
is "$RC" 0 "refused: SIGTERM ends arb-feed with 0"
ge "$(count "\"detail\":\"connection failed: the proxy http://127.0.0.1:$PPORT refused the tunnel to 127.0.0.1:$PORT" r.out)" 3 \
	"refused: disconnected, the status names the proxy, attempt after attempt"
ge "$(count "binance: https://127.0.0.1:$PORT/api/v3/exchangeInfo: the proxy http://127.0.0.1:$PPORT refused the tunnel: HTTP 403" r.err)" 1 \
	"refused: the REST request's error names the proxy and its answer"
ge "$(count 'binance: reconnecting in' r.err)" 3 "refused: reconnecting, with backoff"
ge "$(count "^CONNECT 127.0.0.1:$PORT -> 403" r.plog)" 4 "refused: the proxy was asked each time"
is "$(count '"state":"connected"' r.out)" 0 "refused: never connected"
is "$(count 'websocket' r.log)" 0 "refused: nothing reached the venue"
canary_absent r.out r.err r.cmdline
ok $? "refused: the proxy's password in no message"
# the backoff: the attempts spread out (0.5 s, 1 s, 2 s ... each +-25 %):
# the third wait longer than the first by far more than a loaded
# machine's delays
awk -F'"ts":' '/connection failed: the proxy/ { split($2, a, ","); t[n++] = a[1] }
    END { exit !(n >= 4 && t[3] - t[2] > t[1] - t[0] + 500000) }' r.out
ok $? "refused: the waits between attempts grow"

# -- 5. A proxy that is not there: the error names it
proxy gone
stop_proxy
GONE=$PPORT
fake g binance
export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$GONE"
feed g '"detail":"connection failed via the proxy' 2 --endpoint "binance=https://127.0.0.1:$PORT" \
	--cacert ca.pem binance:NKN/USDT
unset https_proxy
stop_fake
ge "$(count "\"detail\":\"connection failed via the proxy http://127.0.0.1:$GONE: " g.out)" 2 \
	"no proxy there: the status names it, attempt after attempt"
ge "$(count "exchangeInfo: Couldn't connect to server (via the proxy http://127.0.0.1:$GONE)" g.err)" 1 \
	"no proxy there: the REST request's error names it"
canary_absent g.out g.err g.cmdline
ok $? "no proxy there: the proxy's password in no message"

# -- 6. A proxy arb-feed cannot use: a usage error naming the variable
https_proxy="socks5://$PXUSER:$PXPASS_URL@127.0.0.1:1" arb-feed --endpoint "binance=https://127.0.0.1:1" \
	binance:NKN/USDT >s.out 2>s.err
is "$?" 2 "socks5 proxy: exit 2"
is "$(count 'https_proxy: socks5:// proxies are not supported' s.err)" 1 "socks5 proxy: said so"
canary_absent s.err
ok $? "socks5 proxy: the password not in the message"

# -- 7. arb-exec --live: its REST requests through the proxy (the fake
# venue of tests/live with the same certificate), then a refusing proxy:
# the order is known not sent
mkdir -p "$T/none"
if command -v arb-exec >/dev/null 2>&1 &&
	! CREDENTIALS_DIRECTORY=$T/none arb-exec --live --venues binance </dev/null >/dev/null 2>"$T/probe" &&
	grep 'credential binance_key' "$T/probe" >/dev/null; then
	live_creds
	live_venue ex || { echo "Bail out! fake venue did not start"; exit 1; }
	IN=$top_srcdir/tests/live/cross.ndjson
	BAL=$top_srcdir/tests/live/balances-cross.txt
	ax() {
		# shellcheck disable=SC2031
		$EXEC arb-exec --live --venues binance,kraken --endpoint "binance=$URL" --endpoint "kraken=$URL" \
			--cacert "$T/ca.pem" --no-venue-balances --balances "$BAL" --request-timeout 2s \
			--query-lag 200ms --recv-window 2000 "$@"
	}
	proxy x --auth "$PXUSER:$PXPASS"
	venue_reset ""
	export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$PPORT"
	feed_live "$IN" "$T/x.out" "$T/x.err" ax --state "$T/stx"
	unset https_proxy
	# shellcheck disable=SC2154  # rc: set by feed_live (lib-live.sh)
	is "$rc" 0 "arb-exec --live through the proxy: exit 0"
	grep '"type":"result".*"status":"complete"' "$T/x.out" >/dev/null
	ok $? "arb-exec --live through the proxy: the trade completes"
	is "$(places)" 2 "arb-exec --live through the proxy: both orders placed once"
	ge "$(count "^CONNECT 127.0.0.1:$PORT auth ok -> 200\$" x.plog)" 2 "arb-exec --live: its requests went through the proxy"
	is "$(grep -c -v "auth ok -> 200" x.plog)" 0 "arb-exec --live: every tunnel with the credentials"
	stop_proxy
	proxy y --refuse 403
	venue_reset ""
	export https_proxy="http://$PXUSER:$PXPASS_URL@127.0.0.1:$PPORT"
	feed_live "$IN" "$T/y.out" "$T/y.err" ax --state "$T/sty"
	unset https_proxy
	stop_proxy
	is "$(places)" 0 "arb-exec --live, proxy refuses: nothing reached the venue"
	grep '"type":"order".*"state":"unknown"' "$T/y.out" >/dev/null
	is "$?" 1 "arb-exec --live, proxy refuses: no order unknown (the tunnel's refusal means not sent)"
	ge "$(count "order [^ ]* not sent (connect: the proxy http://127.0.0.1:$PPORT refused the tunnel: HTTP 403)" "$T/y.err")" 1 \
		"arb-exec --live, proxy refuses: the error names the proxy"
	canary_absent "$T/x.out" "$T/x.err" "$T/y.out" "$T/y.err" "$T/stx" "$T/sty"
	ok $? "arb-exec --live: the proxy's password in no output, log or state"
	live_stop
fi

done_testing
