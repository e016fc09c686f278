#!/bin/sh
# arb-detect benchmark (`make bench-detect`): 6 venues x 100 symbols,
# 3- and 4-cycles on (--max-legs 4), cross candidates on; book records of
# depth 1 and 10.  Prints book records per second for arb-detect, for
# `jq -c 'select(.type=="book")'` and for `cat` over the same file in the
# same run, peak RSS of each, and the engine's per-update detection latency
# (in process, p50/p99).  Targets (issue 4): >= 4 M/s at depth 1, >= 1 M/s at
# depth 10, p99 < 5 us, RSS < 32 MiB.
#   usage: detect-bench.sh DETECT-BENCH ARB-DETECT [BOOK-RECORDS]
set -eu
B=$1
D=$2
N=${3:-500000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/detect-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.3f M/s", (s > 0 ? n / s / 1e6 : 0) }'; }

for depth in 1 10; do
	"$B" gen "$depth" "$N" 1 >"$tmp/in"
	echo "depth $depth: $N book records (+ 600 instruments), $(wc -c <"$tmp/in") bytes"
	# shellcheck disable=SC2046 # two words: seconds and KiB
	set -- $("$B" run "$tmp/in" /dev/null cat)
	echo "  cat         $(rate "$N" "$1")  rss $2 KiB"
	if command -v jq >/dev/null 2>&1; then
		# shellcheck disable=SC2046 # two words: seconds and KiB
		set -- $("$B" run "$tmp/in" /dev/null jq -c 'select(.type=="book")')
		echo "  jq          $(rate "$N" "$1")  rss $2 KiB"
	else
		echo "  jq          not installed"
	fi
	# shellcheck disable=SC2046 # two words: seconds and KiB
	set -- $("$B" run "$tmp/in" "$tmp/out" "$D" --max-legs 4 -q)
	echo "  arb-detect  $(rate "$N" "$1")  rss $2 KiB  ($(grep -c '^{"type":"opportunity"' "$tmp/out") opportunity records)"
	# shellcheck disable=SC2046 # two words: seconds and KiB
	set -- $("$B" run "$tmp/in" /dev/null "$D" --max-legs 3 --no-cross -q)
	echo "  arb-detect --max-legs 3 --no-cross  $(rate "$N" "$1")  rss $2 KiB"
	"$B" lat "$tmp/in" 4 | sed 's/^/  /'
done
