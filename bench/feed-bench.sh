#!/bin/sh
# bench/feed-bench.sh [REPS] [BOOKS]: arb-feed --replay throughput on a long
# Binance recording (the shared capture cloned to BOOKS symbols and repeated
# REPS times, every book kept in sync), against `cat` of the same files in the
# same run: frames/s, book records/s, wall time and peak RSS.
# Needs python3 (the generator) and GNU time (/usr/bin/time).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
reps=${1:-20}
books=${2:-600}
rec=${ARB_SHARED_DATA:-$top_srcdir/share/data}/recorded
feed=$top_builddir/bin/arb-feed
[ -x "$feed" ] || { echo "feed-bench: build bin/arb-feed first" >&2; exit 1; }
d=$(mktemp -d "${TMPDIR:-/tmp}/feedbench.XXXXXX")
trap 'rm -rf "$d"' EXIT
frames=$(python3 "$top_srcdir/bench/feed-gen.py" "$d/rec" "$rec" "$reps" "$books")
size=$(cat "$d"/rec/* | wc -c)
echo "feed-bench: $frames diff frames, $books books, $((size / 1048576)) MiB"

# run CMD...: wall seconds, CPU seconds (user + system) and peak RSS (KiB)
# into $wall $secs $rss.  Rates are per CPU second (per core): the wall time
# of a shared machine says more about the neighbours than about arb-feed.
run() {
	/usr/bin/time -f "%e %U %S %M" -o "$d/time" "$@" >"$d/out" 2>"$d/err" || { cat "$d/err" >&2; exit 1; }
	wall=$(cut -d' ' -f1 "$d/time")
	secs=$(awk '{ print $2 + $3 }' "$d/time")
	rss=$(cut -d' ' -f4 "$d/time")
}
run cat "$d"/rec/BINANCE.http.0.0 "$d"/rec/BINANCE.ws.1.0
echo "cat:           $secs s CPU ($wall s wall), peak RSS $rss KiB"
for depth in 10 1; do
	run "$feed" --replay --depth "$depth" "$d"/rec/BINANCE.http.0.0 "$d"/rec/BINANCE.ws.1.0
	nbook=$(grep -c '"type":"book"' "$d/out" || true)
	bad=$(grep -c '"ok":false' "$d/out" || true)
	awk -v f="$frames" -v b="$nbook" -v s="$secs" -v r="$rss" -v bad="$bad" -v d="$depth" -v w="$wall" 'BEGIN {
		if (s <= 0) s = 0.01
		printf "arb-feed -d %-2d %s s CPU (%s s wall), peak RSS %d KiB (%.1f MiB)\n", d, s, w, r, r / 1024
		printf "               %.0f frames/s, %.0f book records/s per core, %d book records, %d not ok\n", f / s, b / s, b, bad
	}'
done
