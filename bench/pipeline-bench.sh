#!/bin/bash
# bench/pipeline-bench.sh [UPDATES]: the end-to-end benchmark.
# A generated stream of 6 venues x 100 assets (about 1,200 books,
# triangles) goes through arb-detect | arb-exec | arb-store --tee, beside
# `cat` through the same number of pipes, in the same run.  Prints records
# per second end to end, peak RSS per program, and the per-hop latency of
# each stage while the stream is idle (bench/probe).  Run from the build
# tree after make: bench/pipeline-bench.sh 1000000
set -euo pipefail
n=${1:-1000000}
b=${top_builddir:-$(pwd)}
PATH="$b/bin:$b/bench:$PATH"
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "pipeline-bench: needs GNU time (apt-get install time)" >&2; exit 1; }

gen-stream --seed 1 --updates "$n" --venues 6 --assets 100 --depth 5 --dislocate-every 5000 >"$w/stream"
recs=$(wc -l <"$w/stream")
size=$(du -m "$w/stream" | cut -f1)
echo "stream: $recs records, $size MiB (6 venues x 100 assets, depth 5, synthetic)"
# balances for every venue and asset of the stream
awk -F'"' '/"type":"instrument"/ { for (i = 1; i < NF; i++) { if ($i == "ex") ex = $(i+2); if ($i == "base") b = $(i+2); if ($i == "quote") q = $(i+2) }
	print ex, b, 1000000; print ex, q, 1000000 }' "$w/stream" | sort -u >"$w/bal"

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
rate() { awk -v r="$recs" -v s="$1" 'BEGIN { printf "%.2f M rec/s", r / s / 1e6 }'; }

cat "$w/stream" >/dev/null   # warm the page cache for both runs
t0=$(date +%s%N)
# the same number of pipes as the pipeline: cat is the point
# shellcheck disable=SC2002
cat "$w/stream" | cat | cat | cat >/dev/null
t1=$(date +%s%N)
base=$(secs "$t0" "$t1")

t0=$(date +%s%N)
$TIME -f %M -o "$w/rss.detect" arb-detect <"$w/stream" 2>"$w/detect.err" \
  | $TIME -f %M -o "$w/rss.exec" arb-exec --balances "$w/bal" 2>"$w/exec.err" \
  | $TIME -f %M -o "$w/rss.store" arb-store --tee --synchronous normal --db "sqlite:$w/db" 2>"$w/store.err" >"$w/out"
t1=$(date +%s%N)
arb=$(secs "$t0" "$t1")
out=$(wc -l <"$w/out")

echo
printf '%-44s %10s %16s %12s\n' "pipeline" "seconds" "throughput" "peak RSS"
printf '%-44s %10s %16s %12s\n' "cat | cat | cat | cat (baseline)" "$base" "$(rate "$base")" "-"
printf '%-44s %10s %16s %12s\n' "arb-detect | arb-exec | arb-store --tee" "$arb" "$(rate "$arb")" ""
for p in detect exec store; do
	printf '%-44s %10s %16s %9s MiB\n' "  arb-$p" "" "" "$(( $(tail -n 1 "$w/rss.$p") / 1024 ))"
done
echo "records out: $out ($(( out - recs )) added by the pipeline)"

echo
echo "per-hop latency while idle (one record at a time, 2 ms apart):"
head -n 1400 "$w/stream" | grep -v '"type":"book"' >"$w/prelude"
printf '  %-28s ' "cat (baseline)"; probe -n 1000 cat
printf '  %-28s ' "arb-detect"; probe -n 1000 -f "$w/prelude" "arb-detect"
printf '  %-28s ' "arb-exec"; probe -n 1000 -f "$w/prelude" "arb-exec --balances $w/bal"
printf '  %-28s ' "arb-store --tee"; probe -n 300 "arb-store --tee --synchronous normal --db sqlite:$w/probe.db"
