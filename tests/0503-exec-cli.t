#!/bin/sh
# arb-exec's command line: help, version, usage errors (exit 2), --live without credentials
# refused honestly, bad configuration files.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/exec
command -v arb-exec >/dev/null 2>&1 || skip_all "arb-exec not built"

arb-exec -h >"$T/h.out" 2>"$T/h.err"
is "$?" 0 "-h: exit 0"
grep -q '^usage: arb-exec' "$T/h.out"
ok $? "-h: usage on stdout"
is "$(wc -c <"$T/h.err")" 0 "-h: nothing on stderr"
arb-exec -V >"$T/v.out"
is "$?" 0 "-V: exit 0"
grep -q '^arb-exec [0-9]' "$T/v.out"
ok $? "-V: version"

usage() {  # usage NAME ARGS...: exit 2 and a message on stderr
	name=$1; shift
	arb-exec "$@" </dev/null >"$T/u.out" 2>"$T/u.err"
	is "$?" 2 "$name: exit 2"
	is "$(wc -c <"$T/u.out")" 0 "$name: nothing on stdout"
}
usage "unknown option" --bogus
usage "extra argument" extra
usage "--order-type" --order-type market
usage "--on-leg-failure" --on-leg-failure pray
usage "--on-stop" --on-stop later
usage "--leg-timeout" --leg-timeout soon
usage "--latency" --latency binance=fast
usage "--max-notional" --max-notional -5
usage "--max-position" --max-position BTC
usage "--max-open-orders" --max-open-orders many
usage "--taker-fee" --taker-fee binance
usage "--taker-fee 10 (not a fraction)" --taker-fee binance:BTC/USDT=10
is "$(cat "$T/u.err")" "arb-exec: --taker-fee binance:BTC/USDT=10: a fee is a fraction below 1 (0.001 is 10 bps)" \
    "--taker-fee 10: says a fee is a fraction"
usage "--taker-fee 1" --taker-fee binance=1
# the bound is checked before the suffix multiplies (2^53 + 1 M wrapped to 1 M)
usage "--journal-max past 2^40 with a suffix" --journal-max 9007199254740993M
usage "--journal-max just past 2^40" --journal-max 1048577M
# now + the leg timeout overflowed (sanitizer build): durations are below 2^62 us
usage "--leg-timeout past 2^62 us" --leg-timeout 106751990d
usage "--reset-kill without --state" --reset-kill
usage "--reset-kill with a missing file" --reset-kill --state "$T/none"
usage "--balances missing" --balances "$T/none"
is "$(cat "$T/u.err")" "arb-exec: $T/none: No such file or directory" "--balances missing: names the file, then the reason"
printf 'binance USDT ten\n' >"$T/bal"
usage "--balances bad line" --balances "$T/bal"
is "$(cat "$T/u.err")" "arb-exec: $T/bal:1: expected a digit" "--balances error names the file and the line"
# a NUL byte ended the line early: 1 BTC, not an error (fuzz-balance)
printf 'binance USDT 100\nbinance BTC 1\000junk\n' >"$T/bal0"
printf '{"type":"balance","ts":1,"ex":"binance","asset":"","free":1}\n' >"$T/bale"
usage "--balances with an empty asset" --balances "$T/bale"
is "$(cat "$T/u.err")" "arb-exec: $T/bale:1: balance record needs ex, asset and free" \
    "--balances with an empty asset: says what is missing"
usage "--balances with a NUL byte" --balances "$T/bal0"
is "$(cat "$T/u.err")" "arb-exec: $T/bal0:2: NUL byte" "--balances with a NUL byte: names the file, the line and the byte"

arb-exec --live </dev/null >"$T/l.out" 2>"$T/l.err"
is "$?" 2 "--live: exit 2"
grep -q 'credential binance_key not found' "$T/l.err"
ok $? "--live without credentials: says which one is missing and where it looked"
is "$(wc -c <"$T/l.out")" 0 "--live: no record"

# an option only --live reads, in a paper run: said, not silently ignored
arb-exec --testnet </dev/null >/dev/null 2>"$T/tn.err"
is "$?" 0 "--testnet without --live: runs (paper)"
is "$(cat "$T/tn.err")" "arb-exec: --testnet is for --live only: ignored, this is paper trading" "  and says so"
ARB_TESTNET=yes arb-exec </dev/null >/dev/null 2>"$T/tn.err"
is "$(cat "$T/tn.err")" "arb-exec: --testnet is for --live only: ignored, this is paper trading" \
    "  as for ARB_TESTNET"
ARB_VENUES=binance arb-exec </dev/null >/dev/null 2>"$T/tn.err"
is "$(cat "$T/tn.err")" "" "  ARB_VENUES may be arb-feed's: no warning"
# a quiet run: input passes through, no balances warning with -q
printf '{"type":"x","ts":1}\n' | arb-exec -q >"$T/q.out" 2>"$T/q.err"
is "$?" 0 "-q run"
is "$(cat "$T/q.out")" '{"type":"x","ts":1}' "unknown records pass through"

# --strict: a bad line is fatal
printf '{"type":"x","ts":1}\nnot json\n{"type":"y","ts":2}\n' | arb-exec --strict >"$T/s.out" 2>"$T/s.err"
is "$?" 1 "--strict: bad line exits 1"
is "$(cat "$T/s.out")" '{"type":"x","ts":1}' "--strict: the line before the bad one is still written"
printf 'not json\n{"type":"x"}\n' | arb-exec >"$T/ns.out" 2>"$T/ns.err"
is "$?" 0 "without --strict: goes on"
grep -q '1 bad line' "$T/ns.err"
ok $? "bad lines counted at exit"
# configuration file ([arb-exec] section) and ARB_* environment, under
# the command line
cd "$S" || exit 1
cat >"$T/conf" <<EOF
# arb-exec settings
[arb-exec]
balances = balances.txt
max-notional-opp = 9000
latency = "kraken=10ms binance=20ms"
[arb-detect]
max-notional-opp = nonsense
EOF
cat common.ndjson cross-clean.ndjson | arb-exec -c "$T/conf" >"$T/c1.out" 2>/dev/null
grep -q '"rule":"max_notional_opp","action":"refuse"' "$T/c1.out"
ok $? "config: limit from the file, balances from the file"
cat common.ndjson cross-clean.ndjson | arb-exec --config "$T/conf" --max-notional-opp 10000 >"$T/c2.out" 2>/dev/null
is "$(grep -c '"status":"complete"' "$T/c2.out")" 1 "config: the command line wins"
cat common.ndjson cross-clean.ndjson | ARB_MAX_NOTIONAL_OPP=10000 arb-exec -c "$T/conf" >"$T/c3.out" 2>/dev/null
is "$(grep -c '"status":"complete"' "$T/c3.out")" 1 "config: the environment wins over the file"
cat common.ndjson cross-clean.ndjson | ARB_LATENCY="kraken=10ms, binance=31ms" arb-exec -c "$T/conf" --max-notional-opp 10000 >"$T/c4.out" 2>/dev/null
grep -q '"ex":"binance".*"state":"canceled".*"reason":"eof"' "$T/c4.out"
ok $? "config: a list for a repeatable option (the binance order misses its book)"
printf '[arb-exec]\nmax-open-orders = lots\n' >"$T/bad.conf"
arb-exec -c "$T/bad.conf" </dev/null >/dev/null 2>"$T/bc.err"
is "$?" 2 "config: bad value is a usage error"
grep -q "bad.conf:2" "$T/bc.err"
ok $? "config: the error names FILE:LINE"

# an instrument's taker fee is a fraction below 1 (fuzz-exec: a fee of
# 5.001 charged in base made a buy deliver less than nothing, and a
# balance went below zero): the record is a bad line
sed -n 1p common.ndjson | sed 's/"taker_fee":[0-9.]*/"taker_fee":1/' >"$T/fee1.in"
sed -n 1p common.ndjson | sed 's/"taker_fee":[0-9.]*/"taker_fee":-0.001/' >>"$T/fee1.in"
arb-exec <"$T/fee1.in" >"$T/fee1.out" 2>"$T/fee1.err"
is "$?" 0 "taker_fee 1 or below 0: exit 0"
cmp_ok "$T/fee1.out" "$T/fee1.in" "  the lines pass through"
printf '%s\n' "arb-exec: stdin:1: bad instrument: taker_fee must be at least 0 and below 1" \
	"arb-exec: stdin:2: bad instrument: taker_fee must be at least 0 and below 1" \
	"arb-exec: 2 bad lines skipped" >"$T/fee1.want"
cmp_ok "$T/fee1.err" "$T/fee1.want" "  each a bad line"
done_testing
