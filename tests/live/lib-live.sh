# shellcheck shell=sh disable=SC2034,SC2154
# (SC2154: top_srcdir/top_builddir come from tests/lib.sh; SC2034: rc,
# KRAKEN_* and the like are for the sourcing test)
# tests/live/lib-live.sh: helpers for the live-transport tests, sourced
# after tests/lib.sh.  A test CA and a server certificate for 127.0.0.1 are
# made with the openssl CLI at test time; the fake venue (fakevenue.py)
# listens on a loopback port over HTTPS; credentials go in a private
# directory given through $CREDENTIALS_DIRECTORY, as systemd would.
DRIVE=$top_builddir/tests/live/live-drive
FAKE=$top_srcdir/tests/live/fakevenue.py
[ -x "$DRIVE" ] || skip_all "live-drive not built"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not found"
command -v curl >/dev/null 2>&1 || skip_all "curl not found"

# A canary secret: if it shows up anywhere it must not, a test fails.
CANARY_SECRET="CANARYsecret7f3a9c1e5b2d8f4a6c0e9b7d5f3a1c8e6b4d2f0a9c7e5b3d"
API_KEY="testkey-0123456789abcdef"
# Kraken secrets are base64 (64 bytes); this one is a canary too
KRAKEN_SECRET="Q0FOQVJZa3Jha2VuU2VjcmV0LTlmMmU3YjFkNGM4YTZlMGIzZDVmN2E5YzFlM2I1ZDdmOWExYzNlNWI3ZDlmMWEz"
KRAKEN_KEY="krakenkey-0123456789abcdef"
OKX_SECRET="CANARYokxSecret4b8d2f6a0c9e7b5d3f1a8c6e4b2d0f9a"
OKX_PASS="CANARYokxPassphrase7e5c3a1f"
BYBIT_SECRET="CANARYbybitSecret1f3e5d7c9b0a2e4d6c8b"
BITSTAMP_SECRET="CANARYbitstampSecret5c7e9a1b3d5f7a9c1e3b"
COINBASE_KEY="organizations/test-org/apiKeys/test-key-1"

live_certs() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=arbitron test CA" \
		-keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$T/srv.key" -out "$T/srv.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$T/ext"
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
		-days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
}

live_creds() {
	mkdir -p "$T/creds" && chmod 700 "$T/creds"
	(umask 077
	 printf '%s\n' "$API_KEY" >"$T/creds/binance_key"
	 printf '%s\n' "$CANARY_SECRET" >"$T/creds/binance_secret"
	 printf '%s\n' "$KRAKEN_KEY" >"$T/creds/kraken_key"
	 printf '%s\n' "$KRAKEN_SECRET" >"$T/creds/kraken_secret"
	 printf '%s\n' "okxkey-0123" >"$T/creds/okx_key"
	 printf '%s\n' "$OKX_SECRET" >"$T/creds/okx_secret"
	 printf '%s\n' "$OKX_PASS" >"$T/creds/okx_passphrase"
	 printf '%s\n' "bybitkey-0123" >"$T/creds/bybit_key"
	 printf '%s\n' "$BYBIT_SECRET" >"$T/creds/bybit_secret"
	 printf '%s\n' "$COINBASE_KEY" >"$T/creds/coinbase_key"
	 # a CDP key's secret: an EC P-256 private key in PEM
	 openssl ecparam -name prime256v1 -genkey -noout -out "$T/creds/coinbase_secret" 2>/dev/null
	 printf '%s\n' "bitstampkey-0123" >"$T/creds/bitstamp_key"
	 printf '%s\n' "$BITSTAMP_SECRET" >"$T/creds/bitstamp_secret")
	# the middle of the Coinbase private key: a canary too
	COINBASE_CANARY=$(sed -n 2p "$T/creds/coinbase_secret")
	CREDENTIALS_DIRECTORY=$T/creds
	export CREDENTIALS_DIRECTORY
}

# live_venue NAME [fakevenue options]: starts a fake venue; sets $PORT_NAME
# and remembers its pid for live_stop.
FAKE_PIDS=
live_venue() {
	_name=$1; shift
	rm -f "$T/$_name.port"
	python3 "$FAKE" --cert "$T/srv.pem" --key "$T/srv.key" --portfile "$T/$_name.port" \
		--api-key "$API_KEY" --secret-file "$T/creds/binance_secret" \
		--kraken-api-key "$KRAKEN_KEY" --kraken-secret-file "$T/creds/kraken_secret" \
		--creds "$T/creds" "$@" \
		2>"$T/$_name.venue.err" &
	FAKE_PIDS="$FAKE_PIDS $!"
	_i=0
	while [ ! -s "$T/$_name.port" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	[ -s "$T/$_name.port" ] || return 1
	PORT=$(cat "$T/$_name.port")
	URL="https://127.0.0.1:$PORT"
}

live_stop() {
	for _p in $FAKE_PIDS; do kill "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done
	FAKE_PIDS=
}

# admin PATH: a number or JSON from the fake venue's control paths
admin() {
	curl -s --max-time 20 --cacert "$T/ca.pem" "$URL$1"
}
# venue_reset SCRIPT [slow [lag [weight [page]]]]: forget every order, misbehave per SCRIPT
venue_reset() {
	admin "/_reset?script=$1&slow=${2:-3}&lag=${3:-1}&weight=${4:-0}&page=${5:-0}" >/dev/null
}
venue_state() { admin /_state; }
count_orders() { admin "/_count?cid=$1"; }      # orders with that client id
bad_requests() { admin /_bad; }                  # requests failing the checks
places() { admin /_places; }                     # placements received
all_orders() { admin /_orders; }
order_status() { admin "/_status?cid=$1"; }      # the venue's status of it

# EXEC is empty, or "exec" in a background subshell (see feed_live).
EXEC=
# feed_live IN OUT ERR CMD...: runs CMD with IN on a pipe that stays open,
# as a live stream would, until a result record is out (at most 20 s);
# sets $rc to CMD's exit status.
feed_live() {
	_in=$1; _out=$2; _err=$3; shift 3
	rm -f "$T/feed.fifo"
	mkfifo "$T/feed.fifo"
	# EXEC=exec: a test's wrapper function (drive) execs the program, so
	# that $! is the program itself, not a subshell
	(EXEC="exec"; "$@") <"$T/feed.fifo" >"$_out" 2>"$_err" &
	_dp=$!
	exec 7>"$T/feed.fifo"
	cat "$_in" >&7
	_i=0
	while ! grep '"type":"result"' "$_out" >/dev/null 2>&1 && [ $_i -lt 200 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	exec 7>&-
	wait $_dp
	rc=$?
}
