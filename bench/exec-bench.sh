#!/bin/sh
# bench/exec-bench.sh: arb-exec throughput through paper execution.
#
# A synthetic stream of books from two venues at 1 M records per second of
# record time (one book per microsecond) with a cross opportunity every K
# books goes through `cat` (the baseline) and through arb-exec.  Prints
# records/s and opportunities/s, decision-to-order latency in record time
# (from the output: first `sent` order ts minus the opportunity ts) and in
# wall time (arb-exec --stats), and peak RSS.  Then the dense market of
# bench/gen-stream (6 venues x 99 symbols through arb-detect: many
# opportunities, orders, fills and balance records), records per CPU
# second.  With BASE_EXEC=PATH an older arb-exec runs the same inputs in
# the same run, and the outputs are compared byte for byte.
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

# cpu NAME INPUT BINARY ARGS...: records per CPU second (user + system)
cpu() {
	name=$1 in=$2
	shift 2
	/usr/bin/time -f '%U %S %M' -o "$T/time" "$@" <"$in" >"$T/cpu.out" 2>/dev/null
	n=$(wc -l <"$in")
	awk -v n="$n" -v name="$name" '{ s = $1 + $2; if (s <= 0) s = 0.005
		printf "  %-40s %6.2f CPU s  %6.3f M records/CPU s  RSS %d KiB\n", name, s, n / s / 1e6, $3 }' "$T/time"
}

for run in 1 2 3; do
	# shellcheck disable=SC2034
	t0=$(now)
	"$EXEC" --balances "$T/bal" --stats <"$T/in" >"$T/out" 2>"$T/err.$run"
	t1=$(now)
	echo "arb-exec run $run:     $(rate "$lines" "$t0" "$t1") records/s, $(rate "$opps" "$t0" "$t1") opportunities/s"
done
if [ -x /usr/bin/time ]; then
	echo "CPU time, same input:"
	cpu "arb-exec" "$T/in" "$EXEC" --balances "$T/bal"
	if [ -n "${BASE_EXEC:-}" ]; then
		cpu "arb-exec (BASE_EXEC)" "$T/in" "$BASE_EXEC" --balances "$T/bal"
		"$BASE_EXEC" --balances "$T/bal" <"$T/in" | cmp -s - "$T/out" && echo "  outputs identical" ||
			echo "  OUTPUTS DIFFER"
	fi
fi
grep 'stats:' "$T/err.3" | sed 's/^/  /'
# with a state file: two saves per opportunity (before sending, at the
# result), each a journal entry (one write + one fdatasync) or, for
# BASE_EXEC when it predates the journal, the whole state rewritten (file,
# fsync, rename, fsync of the directory); on the first 200 opportunities
# only, fsync is slow
awk -v max=200 '{ print } /"type":"opportunity"/ { if (++n >= max) exit }' "$T/in" >"$T/in200"
o200=$(grep -c '"type":"opportunity"' "$T/in200")
# state NAME ARGS...: opportunities per second of wall time, CPU seconds
state() {
	name=$1
	shift
	rm -f "$T/st"
	t0=$(now)
	/usr/bin/time -f '%U %S' -o "$T/time" "$@" --balances "$T/bal" --state "$T/st" --stats <"$T/in200" \
	    >"$T/st.out" 2>"$T/st.err"
	t1=$(now)
	printf '  %-30s %5s opportunities/s  %5s CPU s %6s s wall  decision-to-send %s\n' "$name" \
	    "$(rate "$o200" "$t0" "$t1")" "$(awk '{ printf "%.2f", $1 + $2 }' "$T/time")" \
	    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
	    "$(sed -n 's/.*decision-to-send wall \(p50 [0-9.]* us p99 [0-9.]* us\).*/\1/p' "$T/st.err")"
}
if [ -x /usr/bin/time ]; then
	echo "with --state, first $o200 opportunities ($(wc -l <"$T/in200") records):"
	# with fsync the time is the disk's: alternate, three runs each
	for run in 1 2 3; do
		state "arb-exec --state (fsync)" "$EXEC"
		cp "$T/st.out" "$T/st.ref"
		if [ -n "${BASE_EXEC:-}" ]; then
			state "BASE_EXEC --state (fsync)" "$BASE_EXEC"
			cmp -s "$T/st.out" "$T/st.ref" || echo "  OUTPUTS DIFFER"
		fi
	done
	state "arb-exec --state --no-fsync" "$EXEC" --no-fsync
	if [ -n "${BASE_EXEC:-}" ]; then
		state "BASE_EXEC --state --no-fsync" "$BASE_EXEC" --no-fsync
		cmp -s "$T/st.out" "$T/st.ref" && echo "  outputs identical" || echo "  OUTPUTS DIFFER"
	fi
	# the cost of a save against the size of the state: exec-gen streams
	# with an opportunity every 100 books (--latency 1ms: few in flight),
	# whose state grows by one decided id per opportunity; CPU per save
	# without fsync = (CPU with --state - CPU without) / (2 x opportunities)
	echo "save cost against state size (no fsync; CPU us per save = (CPU with --state - without) / saves):"
	printf '  %-13s %-11s %10s %14s %14s\n' opportunities "state bytes" "" "arb-exec" "BASE_EXEC"
	for sn in 25000 100000 400000; do
		"$GEN" -n "$sn" -k 100 >"$T/sg"
		so=$(grep -c '"type":"opportunity"' "$T/sg")
		line=""
		for bin in "$EXEC" ${BASE_EXEC:+"$BASE_EXEC"}; do
			rm -f "$T/sgs"
			/usr/bin/time -f '%U %S' -o "$T/t0" "$bin" --balances "$T/bal" --latency 1ms <"$T/sg" >/dev/null 2>&1
			/usr/bin/time -f '%U %S' -o "$T/t1" "$bin" --balances "$T/bal" --latency 1ms --state "$T/sgs" --no-fsync \
			    <"$T/sg" >/dev/null 2>&1
			[ -n "$line" ] || sz=$(wc -c <"$T/sgs")
			line="$line $(cat "$T/t0" "$T/t1" | awk -v n="$so" '{ c[NR] = $1 + $2 } END { printf "%14.0f", (c[2] - c[1]) / (2 * n) * 1e6 }')"
		done
		printf '  %-13s %-11s %10s%s\n' "$so" "$sz" "" "$line"
	done
fi

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

# the dense market: what arb-detect finds in 6 venues x 99 symbols
GS=$B/bench/gen-stream DET=$B/bin/arb-detect
if [ -x "$GS" ] && [ -x "$DET" ] && [ -x /usr/bin/time ]; then
	"$GS" --seed 1 --updates "$((N / 10))" --venues 6 --assets 51 --depth 5 --dislocate-every 5000 |
		"$DET" >"$T/dense"
	awk -F'"' '/"type":"instrument"/ { for (i = 1; i < NF; i++) { if ($i == "ex") ex = $(i+2); if ($i == "base") b = $(i+2); if ($i == "quote") q = $(i+2) }
		print ex, b, 1000000; print ex, q, 1000000 }' "$T/dense" | sort -u >"$T/dbal"
	echo "dense market (gen-stream 6 x 99 symbols, $((N / 10)) updates, through arb-detect):" \
	    "$(wc -l <"$T/dense") records, $(grep -c '"type":"opportunity"' "$T/dense") opportunity records"
	cpu "arb-exec" "$T/dense" "$EXEC" --balances "$T/dbal"
	cp "$T/cpu.out" "$T/dense.out"
	echo "  $(($(wc -l <"$T/dense.out") - $(wc -l <"$T/dense"))) records added (orders, fills, results, balances)"
	if [ -n "${BASE_EXEC:-}" ]; then
		cpu "arb-exec (BASE_EXEC)" "$T/dense" "$BASE_EXEC" --balances "$T/dbal"
		cmp -s "$T/cpu.out" "$T/dense.out" && echo "  outputs identical" || echo "  OUTPUTS DIFFER"
	fi
	# with a state file (no fsync: the CPU cost of saving), the first
	# 60000 records: a large state (every venue's instruments, books and
	# balances), two saves per opportunity decided
	head -n 60000 "$T/dense" >"$T/dense60"
	echo "dense market, first 60000 records, --state --no-fsync:"
	cpu "arb-exec, no state file" "$T/dense60" "$EXEC" --balances "$T/dbal"
	rm -f "$T/dst"
	cpu "arb-exec --state" "$T/dense60" "$EXEC" --balances "$T/dbal" --state "$T/dst" --no-fsync
	echo "  state file at exit: $(wc -c <"$T/dst") bytes, $(wc -l <"$T/dst") lines"
	if [ -n "${BASE_EXEC:-}" ]; then
		rm -f "$T/dst"
		cpu "BASE_EXEC --state" "$T/dense60" "$BASE_EXEC" --balances "$T/dbal" --state "$T/dst" --no-fsync
	fi
fi
