#!/bin/sh
# bench/feed-bench.sh [REPS] [BOOKS]: arb-feed --replay throughput on a long
# Binance recording (the shared capture cloned to BOOKS symbols and repeated
# REPS times, every book kept in sync), against `cat` of the same files in the
# same run: frames/s, book records/s, CPU and wall time, peak RSS.
#
# FEED_OLD=/path/to/an/older/arb-feed adds the rows of that build, run on the
# same files in the same run, and checks that both write the same bytes.
# RUNS (default 5): each row is the run with the least CPU time.
# Needs python3 (the generator) and GNU time (/usr/bin/time).
#
# Then the six venues: bench/gen-stream --record writes the synthetic market
# of the end-to-end benchmark (bench/pipeline-bench.sh: 6 venues x 99
# symbols, depth 5, UPDATES book updates, default 300000) as one raw
# recording per venue in its own wire format; each venue's file is replayed
# alone, then all six together, beside FEED_OLD: lines per CPU second and
# CPU microseconds per line, outputs compared byte for byte.
# PARTS (default "binance venues") chooses the parts to run.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
reps=${1:-20}
books=${2:-600}
runs=${RUNS:-5}
rec=${ARB_SHARED_DATA:-$top_srcdir/share/data}/recorded
feed=$top_builddir/bin/arb-feed
old=${FEED_OLD:-}
[ -x "$feed" ] || { echo "feed-bench: build bin/arb-feed first" >&2; exit 1; }
[ -z "$old" ] || [ -x "$old" ] || { echo "feed-bench: FEED_OLD=$old is not a program" >&2; exit 1; }
d=$(mktemp -d "${TMPDIR:-/tmp}/feedbench.XXXXXX")
trap 'rm -rf "$d"' EXIT
parts=${PARTS:-binance venues}

# run SINK CMD...: the best of $runs runs of CMD by CPU seconds (user +
# system) into $secs $user $sys, with its wall time and peak RSS (KiB) in
# $wall $rss.  SINK null: stdout to /dev/null (the program's own work);
# pipe: into a pipe drained by cat (as in a pipeline: the system time of
# writing into the pipe counts, cat's does not).  Rates are per CPU second
# (per core): the wall time of a shared machine says more about the
# neighbours than about arb-feed.
run() {
	sink=$1
	shift
	secs=
	for _ in $(seq "$runs"); do
		if [ "$sink" = pipe ]; then
			{ /usr/bin/time -f "%e %U %S %M" -o "$d/time" "$@" 2>"$d/err" || { cat "$d/err" >&2; exit 1; }; } | cat >/dev/null
		else
			/usr/bin/time -f "%e %U %S %M" -o "$d/time" "$@" >/dev/null 2>"$d/err" || { cat "$d/err" >&2; exit 1; }
		fi
		s=$(awk '{ print $2 + $3 }' "$d/time")
		if [ -z "$secs" ] || awk -v a="$s" -v b="$secs" 'BEGIN { exit !(a < b) }'; then
			secs=$s
			read -r wall user sys rss <"$d/time"
		fi
	done
}
# row NAME: one line of figures from the last run()
row() {
	awk -v f="$frames" -v b="$nbook" -v s="$secs" -v u="$user" -v y="$sys" -v r="$rss" -v n="$1" -v w="$wall" 'BEGIN {
		if (s <= 0) s = 0.01
		if (b == "") printf "%-30s %5.2f %5.2f %5.2f %6.2f %9s %9s %8d\n", n, s, u, y, w, "", "", r
		else printf "%-30s %5.2f %5.2f %5.2f %6.2f %9.3f %9.3f %8d\n", n, s, u, y, w, f / s / 1e6, b / s / 1e6, r
	}'
}
case $parts in *binance*)
frames=$(python3 "$top_srcdir/bench/feed-gen.py" "$d/rec" "$rec" "$reps" "$books")
size=$(cat "$d"/rec/* | wc -c)
echo "feed-bench: $frames diff frames, $books books, $((size / 1048576)) MiB, best of $runs runs"
in="$d/rec/BINANCE.http.0.0 $d/rec/BINANCE.ws.1.0"
printf '%-30s %5s %5s %5s %6s %9s %9s %8s\n' "" "CPU s" "user" "sys" "wall s" "M frm/s" "M book/s" "RSS KiB"
nbook=
run null cat $in
row "cat >/dev/null"
run pipe cat $in
row "cat | cat"
for depth in 10 1; do
	# the records once, to count them (and compare with the old build's)
	"$feed" --replay --depth "$depth" $in >"$d/out"
	nbook=$(grep -c '"type":"book"' "$d/out" || true)
	bad=$(grep -c '"ok":false' "$d/out" || true)
	for prog in "$feed" $old; do
		name=arb-feed
		[ "$prog" = "$feed" ] || name="old arb-feed"
		run null "$prog" --replay --depth "$depth" $in
		row "$name -d $depth >/dev/null"
		run pipe "$prog" --replay --depth "$depth" $in
		row "$name -d $depth | cat"
	done
	echo "    -d $depth: $nbook book records ($bad not ok), $(wc -c <"$d/out") bytes"
	if [ -n "$old" ]; then
		if "$old" --replay --depth "$depth" $in | cmp -s - "$d/out"; then
			echo "    -d $depth: output identical to the old build's"
		else
			echo "feed-bench: -d $depth: the output differs from the old build's" >&2
			exit 1
		fi
	fi
done
;; esac

case $parts in *venues*) ;; *) exit 0 ;; esac
gen=$top_builddir/bench/gen-stream
[ -x "$gen" ] || { echo "feed-bench: build bench/gen-stream first" >&2; exit 1; }
updates=${UPDATES:-300000}
"$gen" --seed 1 --updates "$updates" --venues 6 --assets 51 --depth 5 --dislocate-every 5000 --record "$d/gen" >/dev/null
echo
echo "feed-bench: the six venues, bench/gen-stream --record ($updates updates, 6 venues x 99 symbols," \
    "depth 5, $(($(cat "$d"/gen/* | wc -c) / 1048576)) MiB), arb-feed --replay --depth 5 >/dev/null, best of $runs runs"
printf '%-10s %8s %7s %11s %8s' venue lines "CPU s" "M lines/s" "us/line"
[ -z "$old" ] || printf ' %9s %11s %8s %7s' "old CPU s" "M lines/s" "us/line" speedup
echo
# vrow NAME LINES FILE...: one venue (or all), the new build and the old
vrow() {
	name=$1 lines=$2
	shift 2
	run null "$feed" --replay --depth 5 "$@"
	new=$secs
	printf '%-10s %8d %7.2f %11.3f %8.2f' "$name" "$lines" "$new" \
	    "$(awk -v n="$lines" -v s="$new" 'BEGIN { if (s <= 0) s = 0.01; print n / s / 1e6 }')" \
	    "$(awk -v n="$lines" -v s="$new" 'BEGIN { print s / n * 1e6 }')"
	if [ -n "$old" ]; then
		run null "$old" --replay --depth 5 "$@"
		printf ' %9.2f %11.3f %8.2f %6.2fx' "$secs" \
		    "$(awk -v n="$lines" -v s="$secs" 'BEGIN { if (s <= 0) s = 0.01; print n / s / 1e6 }')" \
		    "$(awk -v n="$lines" -v s="$secs" 'BEGIN { print s / n * 1e6 }')" \
		    "$(awk -v a="$secs" -v b="$new" 'BEGIN { if (b <= 0) b = 0.01; print a / b }')"
		"$feed" --replay --depth 5 "$@" >"$d/vnew" 2>&1
		"$old" --replay --depth 5 "$@" >"$d/vold" 2>&1
		cmp -s "$d/vnew" "$d/vold" || { echo; echo "feed-bench: $name: the output differs from the old build's" >&2; exit 1; }
	fi
	echo
}
for v in BINANCE KRAKEN COINBASE OKX BYBIT BITSTAMP; do
	vrow "$(echo "$v" | tr A-Z a-z)" "$(wc -l <"$d/gen/$v.0")" "$d/gen/$v.0"
done
vrow "all six" "$(cat "$d"/gen/*.0 | wc -l)" "$d"/gen/*.0
[ -z "$old" ] || echo "    every output identical to the old build's (records and diagnostics)"
