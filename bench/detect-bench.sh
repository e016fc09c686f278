#!/bin/sh
# arb-detect benchmark (`make bench-detect`): 6 venues x 100 symbols,
# 3- and 4-cycles on (--max-legs 4), cross candidates on; book records of
# depth 1 and 10.  Prints book records per second for arb-detect, for
# `jq -c 'select(.type=="book")'` and for `cat` over the same file in the
# same run, peak RSS of each, and the engine's per-update detection latency
# (in process, p50/p99).  Rates are records per CPU second (user + system
# time of the process, so that other load on a shared machine does not
# count); wall-clock rates are shown too.  Each row is the median of
# RUNS runs (default 5; jq's is one), with the range of its CPU rates.
# Every timed run writes to
# /dev/null, as cat and jq do, but one: arb-detect into a file, shown
# apart, whose output is counted and compared with BASE's.  Targets (issue 4): >= 4 M/s at
# depth 1, >= 1 M/s at depth 10, p99 < 5 us, RSS < 32 MiB.
#
# Then a denser market from bench/gen-stream when it is built (every asset
# quoted against USDT and BTC on 6 venues, depth 5): 20000 updates with
# the default --max-legs 3 and with --max-legs 4.
#
# With BASE_DETECT=path/to/an/older/arb-detect (and BASE_BENCH=its
# detect-bench for the in-process latency), the same runs are repeated
# with it, in the same run, for before/after figures.
#   usage: detect-bench.sh DETECT-BENCH ARB-DETECT [BOOK-RECORDS]
set -eu
B=$1
D=$2
N=${3:-500000}
BD=${BASE_DETECT:-}
BB=${BASE_BENCH:-}
G=$(dirname "$B")/gen-stream
tmp=$(mktemp -d "${TMPDIR:-/tmp}/detect-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# row LABEL N IN OUT CMD...: RUNS timed runs (default 5; jq's once, it
# takes seconds), the median CPU and wall rates, the range of the CPU
# rate, the largest peak RSS.  One run on a shared virtual machine can be
# off by a fifth either way; the median of five much less.
RUNS=${RUNS:-5}
row() {
	label=$1 n=$2 in=$3 out=$4
	shift 4
	r=$RUNS
	[ "$label" = jq ] && r=1
	: >"$tmp/runs"
	i=0
	while [ "$i" -lt "$r" ]; do
		"$B" run "$in" "$out" "$@" >>"$tmp/runs"
		i=$((i + 1))
	done
	# (columns: wall seconds, KiB, CPU seconds)
	m=$(( (r + 1) / 2 ))
	wall=$(sort -n -k1 "$tmp/runs" | sed -n "${m}p" | cut -d' ' -f1)
	sort -n -k3 "$tmp/runs" | awk -v n="$n" -v label="$label" -v m="$m" -v wall="$wall" '
		function rate(s) { return sprintf("%.3f M/s", s > 0 ? n / s / 1e6 : 0) }
		{ c[NR] = $3; if ($2 > rss) rss = $2 }
		END {
			range = NR > 1 ? sprintf("  (%d runs: cpu %.2f-%.2f)", NR, n / c[NR] / 1e6, n / c[1] / 1e6) : ""
			printf "  %-40s cpu %-12s wall %-12s rss %s KiB%s\n", label, rate(c[m]), rate(wall), rss, range
		}'
}


for depth in 1 10; do
	"$B" gen "$depth" "$N" 1 >"$tmp/in"
	echo "depth $depth: $N book records (+ 600 instruments), $(wc -c <"$tmp/in") bytes"
	row cat "$N" "$tmp/in" /dev/null cat
	if command -v jq >/dev/null 2>&1; then
		row jq "$N" "$tmp/in" /dev/null jq -c 'select(.type=="book")'
	else
		echo "  jq          not installed"
	fi
	# timed with its output to /dev/null, as cat's and jq's; then once more
	# into a file (the copy into the page cache costs what it costs on the
	# machine: shown apart), which gives the output counted and compared
	row "arb-detect --max-legs 4" "$N" "$tmp/in" /dev/null "$D" --max-legs 4 -q
	echo "    (target (issue 4): cpu >= $([ "$depth" = 1 ] && echo 4 || echo 1) M/s, rss < 32768 KiB)"
	row "arb-detect --max-legs 4 >file" "$N" "$tmp/in" "$tmp/out" "$D" --max-legs 4 -q
	echo "    ($(grep -c '^{"type":"opportunity"' "$tmp/out") opportunity records)"
	row "arb-detect --max-legs 3 --no-cross" "$N" "$tmp/in" /dev/null "$D" --max-legs 3 --no-cross -q
	if [ -n "$BD" ]; then
		row "BASE arb-detect --max-legs 4" "$N" "$tmp/in" /dev/null "$BD" --max-legs 4 -q
		"$BD" --max-legs 4 -q <"$tmp/in" >"$tmp/base"
		if cmp -s "$tmp/out" "$tmp/base"; then
			echo "    (output identical to BASE's)"
		else
			echo "    (OUTPUT DIFFERS from BASE's)"
		fi
		row "BASE arb-detect --max-legs 3 --no-cross" "$N" "$tmp/in" /dev/null "$BD" --max-legs 3 --no-cross -q
	fi
	"$B" lat "$tmp/in" 4 | sed 's/^/  /'
	echo "    (target (issue 4): p99 detection latency < 5000 ns)"
	if [ -n "$BB" ]; then
		"$BB" lat "$tmp/in" 4 | sed 's/^/  BASE /'
	fi
done

if [ -x "$G" ]; then
	M=20000
	"$G" --seed 1 --updates "$M" --venues 6 --assets 100 --depth 5 \
	    --dislocate-every 100000000 >"$tmp/dense"
	echo "dense: bench/gen-stream, 6 venues x 100 assets against USDT and BTC, depth 5, $M book records"
	for legs in 3 4; do
		row "arb-detect --max-legs $legs" "$M" "$tmp/dense" "$tmp/out" "$D" --max-legs "$legs" -q
		echo "    ($(grep -c '^{"type":"opportunity"' "$tmp/out") opportunity records)"
		if [ -n "$BD" ]; then
			row "BASE arb-detect --max-legs $legs" "$M" "$tmp/dense" "$tmp/base" "$BD" --max-legs "$legs" -q
			if cmp -s "$tmp/out" "$tmp/base"; then
				echo "    (output identical to BASE's)"
			else
				echo "    (OUTPUT DIFFERS from BASE's)"
			fi
		fi
	done
fi
