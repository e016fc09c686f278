#!/bin/sh
# bench/exec-bench.sh: arb-exec throughput through paper execution.
#
# A synthetic stream of books from two venues at 1 M records per second of
# record time (one book per microsecond) with a cross opportunity every K
# books goes through `cat` (the baseline) and through arb-exec.  Prints
# records/s and opportunities/s, decision-to-order latency in record time
# (from the output: first `sent` order ts minus the opportunity ts) and in
# wall time (arb-exec --stats), and peak RSS.
#
# usage: bench/exec-bench.sh [BUILDDIR] [BOOKS] [EVERY]
#   (from a build directory: sh /path/to/bench/exec-bench.sh . 2000000 1000)
set -eu
B=${1:-.}
N=${2:-2000000}
K=${3:-1000}
EXEC=$B/bin/arb-exec
GEN=$B/bench/exec-gen
if [ ! -x "$EXEC" ] || [ ! -x "$GEN" ]; then
	echo "build first: make bin/arb-exec bench/exec-gen" >&2
	exit 2
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/exec-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'binance USDT 1000000000000\nbinance BTC 1000000000\nkraken USDT 1000000000000\nkraken BTC 1000000000\n' >"$T/bal"

"$GEN" -n "$N" -k "$K" >"$T/in"
lines=$(wc -l <"$T/in")
opps=$(grep -c '"type":"opportunity"' "$T/in")
echo "input: $lines records ($N books at 1 M/s of record time, $opps opportunities), $(du -m "$T/in" | cut -f1) MiB"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { d = b - a; if (d > 0) printf "%.0f", n / d; else printf "0" }'; }

t0=$(now); cat "$T/in" >/dev/null; t1=$(now)
echo "cat (baseline):     $(rate "$lines" "$t0" "$t1") records/s"

for run in 1 2 3; do
	# shellcheck disable=SC2034
	t0=$(now)
	"$EXEC" --balances "$T/bal" --stats <"$T/in" >"$T/out" 2>"$T/err.$run"
	t1=$(now)
	echo "arb-exec run $run:     $(rate "$lines" "$t0" "$t1") records/s, $(rate "$opps" "$t0" "$t1") opportunities/s"
done
grep 'stats:' "$T/err.3" | sed 's/^/  /'
# with a state file: two writes per opportunity (before sending, at the
# result); on the first 200 opportunities only, fsync is slow
awk -v max=200 '{ print } /"type":"opportunity"/ { if (++n >= max) exit }' "$T/in" >"$T/in200"
o200=$(grep -c '"type":"opportunity"' "$T/in200")
t0=$(now)
"$EXEC" --balances "$T/bal" --state "$T/state" <"$T/in200" >/dev/null 2>&1
t1=$(now)
echo "arb-exec --state (fsync):     $(rate "$o200" "$t0" "$t1") opportunities/s ($o200 opportunities)"
t0=$(now)
"$EXEC" --balances "$T/bal" --state "$T/state2" --no-fsync <"$T/in200" >/dev/null 2>&1
t1=$(now)
echo "arb-exec --state --no-fsync:  $(rate "$o200" "$t0" "$t1") opportunities/s ($o200 opportunities)"

# record-time decision-to-order latency, from the output
awk -F'"ts":' '/"type":"opportunity"/ { split($2, a, ","); match($0, /"id":"[^"]*"/); id = substr($0, RSTART + 6, RLENGTH - 7); ots[id] = a[1] }
	/"type":"order"/ && /"state":"sent"/ { split($2, a, ","); match($0, /"opp":"[^"]*"/); id = substr($0, RSTART + 7, RLENGTH - 8)
		if (!(id in seen)) { seen[id] = 1; print a[1] - ots[id] } }' "$T/out" | sort -n >"$T/lat"
n=$(wc -l <"$T/lat")
if [ "$n" -gt 0 ]; then
	p50=$(sed -n "$(( (n + 1) / 2 ))p" "$T/lat")
	p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$T/lat")
	echo "decision-to-order, record time: p50 ${p50} us, p99 ${p99} us ($n opportunities with orders)"
fi
echo "results: $(grep -c '"type":"result"' "$T/out"), by status:"
grep '"type":"result"' "$T/out" | sed 's/.*"status":"\([a-z]*\)".*/\1/' | sort | uniq -c | sed 's/^/  /'
if command -v /usr/bin/time >/dev/null 2>&1; then
	/usr/bin/time -f '%M' -o "$T/rss" "$EXEC" --balances "$T/bal" <"$T/in" >/dev/null 2>&1 &&
		echo "peak RSS: $(cat "$T/rss") KiB (cat: $(/usr/bin/time -f '%M' cat "$T/in" 2>&1 >/dev/null) KiB)"
fi
