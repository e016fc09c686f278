#!/bin/sh
# Secrets in live trading: credentials only through files (cred.h), a file
# readable by group or others refused, a missing one named; a canary secret
# given through $CREDENTIALS_DIRECTORY is found nowhere in stdout, stderr,
# the state file, /proc/PID/cmdline or /proc/PID/environ of a live run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/live/lib-live.sh"

IN=$top_srcdir/tests/live/cycle.ndjson
BAL=$top_srcdir/tests/live/balances-cycle.txt

live_certs || skip_all "openssl could not make the test certificates"
live_creds
trap 'live_stop; rm -rf "$T"' EXIT

# 1. a credentials file readable by others is refused, clearly, exit 2
chmod 644 "$T/creds/binance_secret"
"$DRIVE" --venue binance --endpoint binance=https://127.0.0.1:9 </dev/null >"$T/o1" 2>"$T/e1"
is "$?" 2 "mode 0644: refused with exit 2"
grep "refusing $T/creds/binance_secret: mode 0644 is readable by group or others; chmod 600 it" "$T/e1" >/dev/null
ok $? "mode 0644: the error names the file and the fix"
grep -F "$CANARY_SECRET" "$T/o1" "$T/e1" >/dev/null
is "$?" 1 "mode 0644: the secret is not in the message"
is "$(wc -c <"$T/o1" | tr -d ' ')" 0 "mode 0644: nothing on stdout"
chmod 600 "$T/creds/binance_secret"

# 2. a missing credential is named, exit 2
mv "$T/creds/binance_key" "$T/key.away"
"$DRIVE" --venue binance </dev/null >"$T/o2" 2>"$T/e2"
is "$?" 2 "missing key: exit 2"
grep 'credential binance_key' "$T/e2" >/dev/null
ok $? "missing key: named"
mv "$T/key.away" "$T/creds/binance_key"
mkdir "$T/okx.away" && mv "$T/creds/okx_"* "$T/okx.away/"
"$DRIVE" --venue okx </dev/null >"$T/o3" 2>"$T/e3"
is "$?" 2 "no OKX credentials: exit 2"
grep 'credential okx_key' "$T/e3" >/dev/null
ok $? "no OKX credentials: named"
printf 'k\n' >"$T/creds/okx_key"; printf 's\n' >"$T/creds/okx_secret"; chmod 600 "$T/creds/okx_"*
"$DRIVE" --venue okx </dev/null >"$T/o4" 2>"$T/e4"
is "$?" 2 "OKX without its passphrase: exit 2"
grep 'credential okx_passphrase' "$T/e4" >/dev/null
ok $? "OKX without its passphrase: named"
rm -f "$T/creds/okx_"*
mv "$T/okx.away/"* "$T/creds/"

# 3. the canary: a verbose live run, inspected while it runs
live_venue canary --script "BTCUSDT=drop" || { echo "Bail out! fake venue did not start"; exit 1; }
mkfifo "$T/fifo"
"$DRIVE" -v --venue binance --venue kraken --endpoint "binance=$URL" --endpoint "kraken=$URL" --cacert "$T/ca.pem" --state "$T/state.json" \
	--balances "$BAL" --timeout 1s --lag 200ms --poll 200ms --recv-window 1000 --settle 10s \
	<"$T/fifo" >"$T/out" 2>"$T/err" &
DP=$!
exec 7>"$T/fifo"
cat "$IN" >&7
sleep 0.5
if [ -r "/proc/$DP/cmdline" ]; then
	tr '\0' '\n' <"/proc/$DP/cmdline" >"$T/cmdline"
	tr '\0' '\n' <"/proc/$DP/environ" >"$T/environ"
	grep -F "$CANARY_SECRET" "$T/cmdline" >/dev/null
	is "$?" 1 "canary not in /proc/PID/cmdline"
	grep -F "$CANARY_SECRET" "$T/environ" >/dev/null
	is "$?" 1 "canary not in /proc/PID/environ"
	grep -F "$KRAKEN_SECRET" "$T/cmdline" "$T/environ" >/dev/null
	is "$?" 1 "Kraken secret not in /proc/PID/cmdline or environ"
	grep -F "CREDENTIALS_DIRECTORY=$T/creds" "$T/environ" >/dev/null
	ok $? "(the environment holds the directory name only)"
else
	ok 1 "/proc/$DP not readable"
fi
exec 7>&-
wait $DP
is "$?" 0 "canary run: exit 0"
is "$(bad_requests)" 0 "canary run: the venue verified every signature with the canary secret"
grep '"type":"fill"' "$T/out" >/dev/null
ok $? "canary run: orders filled"
grep -F "$KRAKEN_SECRET" "$T/out" "$T/err" "$T/state.json" >/dev/null
is "$?" 1 "the Kraken secret (loaded too) is nowhere either"
for f in out err state.json; do
	grep -F "$CANARY_SECRET" "$T/$f" >/dev/null
	is "$?" 1 "canary not in $f"
done
# nor any part of it long enough to matter (a truncated copy)
grep -F "$(printf '%s' "$CANARY_SECRET" | cut -c1-16)" "$T/out" "$T/err" "$T/state.json" >/dev/null
is "$?" 1 "no 16-character piece of the canary anywhere"
grep '"type":"order".*"state":"unknown"' "$T/out" >/dev/null
ok $? "canary run went through the unknown-order path (most logging)"

live_stop
done_testing
