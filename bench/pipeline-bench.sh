#!/bin/bash
# bench/pipeline-bench.sh [UPDATES]: the end-to-end benchmark (issue 10).
#
# bench/gen-stream --record writes a synthetic market of 6 venues x 99
# symbols (50 assets against USDT and 49 against BTC, depth 5) as a raw
# recording, each venue in its own wire format.  It goes through
#
#   arb-feed --replay | arb-detect | arb-exec | arb-store --tee
#
# beside `cat` through the same number of pipes, in the same run.  Printed
# as one table: wall seconds and records per second end to end, then per
# program its CPU seconds, peak RSS and the per-hop latency while the
# stream is idle (bench/probe: one record at a time into an idle stage,
# p50 and p99).  Before that, each stage alone on the same stream (the
# previous stage's output in a file): records per CPU second, which says
# where the time goes.  With BASE_EXEC=PATH an older arb-exec runs the
# same input in the same run (its output must be identical).
#
# Run from the build tree after make (make bench-pipeline), or
#   top_srcdir=SRC top_builddir=BUILD bash SRC/bench/pipeline-bench.sh 300000
set -euo pipefail
n=${1:-300000}
b=${top_builddir:-$(pwd)}
PATH="$b/bin:$b/bench:$PATH"
w=$(mktemp -d "${TMPDIR:-/tmp}/pipeline-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "pipeline-bench: needs GNU time (apt-get install time)" >&2; exit 1; }
for p in arb-feed arb-detect arb-exec arb-store gen-stream probe; do
	command -v "$p" >/dev/null || { echo "pipeline-bench: $p not built (make first)" >&2; exit 1; }
done

gen-stream --seed 1 --updates "$n" --venues 6 --assets 51 --depth 5 --dislocate-every 5000 --record "$w/rec"
rec=("$w"/rec/*.0)
frames=$(cat "${rec[@]}" | wc -l)
echo "recording: $frames lines, $(cat "${rec[@]}" | wc -c | awk '{ printf "%.0f", $1 / 1048576 }') MiB" \
    "(6 venues x 99 symbols, depth 5, $n book updates; synthetic, bench/gen-stream --record)"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME IN OUT CMD...: one stage alone, stdin IN, stdout OUT
# -> wall, cpu (user + system), rss (KiB)
run() {
	local name=$1 in=$2 out=$3
	shift 3
	"$TIME" -f "%e %U %S %M" -o "$w/t.$name" "$@" <"$in" >"$out" 2>"$w/err.$name" ||
	    { cat "$w/err.$name" >&2; exit 1; }
	read -r wall u s rss <"$w/t.$name"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}
lines() { wc -l <"$1"; }
# rate N SECONDS: millions per second
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.005; printf "%.3f", n / s / 1e6 }'; }

cat "${rec[@]}" >"$w/rec.all"
echo
echo "each stage alone, on the same stream (the stage before it in a file):"
printf '  %-22s %9s %9s %7s %7s %13s %9s\n' stage "in" "out" "CPU s" "wall s" "M rec/CPU s" "RSS MiB"
row() {
	printf '  %-22s %9d %9d %7s %7s %13s %9d\n' "$1" "$2" "$3" "$cpu" "$wall" "$(rate "$2" "$cpu")" $((rss / 1024))
}
run cat "$w/rec.all" "$w/cat.out" cat
row "cat (baseline)" "$frames" "$(lines "$w/cat.out")"
run feed /dev/null "$w/s1" arb-feed --replay --depth 5 "${rec[@]}"
row "arb-feed --replay" "$frames" "$(lines "$w/s1")"
# balances for every venue and asset of the stream
awk -F'"' '/"type":"instrument"/ { for (i = 1; i < NF; i++) { if ($i == "ex") ex = $(i+2); if ($i == "base") b = $(i+2); if ($i == "quote") q = $(i+2) }
	print ex, b, 1000000; print ex, q, 1000000 }' "$w/s1" | sort -u >"$w/bal"
run detect "$w/s1" "$w/s2" arb-detect
row "arb-detect" "$(lines "$w/s1")" "$(lines "$w/s2")"
run exec "$w/s2" "$w/s3" arb-exec --balances "$w/bal"
row "arb-exec" "$(lines "$w/s2")" "$(lines "$w/s3")"
if [ -n "${BASE_EXEC:-}" ]; then
	run base "$w/s2" "$w/s3.base" "$BASE_EXEC" --balances "$w/bal"
	row "arb-exec (BASE_EXEC)" "$(lines "$w/s2")" "$(lines "$w/s3.base")"
	cmp -s "$w/s3" "$w/s3.base" && echo "  (arb-exec and BASE_EXEC: identical output)" ||
	    echo "  arb-exec and BASE_EXEC: OUTPUT DIFFERS"
fi
run store "$w/s3" "$w/s4" arb-store --tee --synchronous normal --db "sqlite:$w/alone.db"
row "arb-store --tee" "$(lines "$w/s3")" "$(lines "$w/s4")"
opps=$(grep -c '"type":"opportunity"' "$w/s2" || true)
echo "  (opportunity records from arb-detect: $opps; records arb-exec added: $(( $(lines "$w/s3") - $(lines "$w/s2") )))"

# the whole pipeline, and cat through as many pipes
t0=$(date +%s%N)
# shellcheck disable=SC2002
"$TIME" -f "%e %U %S %M" -o "$w/p.cat1" cat "${rec[@]}" | "$TIME" -f "%e %U %S %M" -o "$w/p.cat2" cat |
    "$TIME" -f "%e %U %S %M" -o "$w/p.cat3" cat | "$TIME" -f "%e %U %S %M" -o "$w/p.cat4" cat >"$w/cat.pipe"
t1=$(date +%s%N)
base=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
t0=$(date +%s%N)
"$TIME" -f "%e %U %S %M" -o "$w/p.feed" arb-feed --replay --depth 5 "${rec[@]}" 2>"$w/perr.feed" |
    "$TIME" -f "%e %U %S %M" -o "$w/p.detect" arb-detect 2>"$w/perr.detect" |
    "$TIME" -f "%e %U %S %M" -o "$w/p.exec" arb-exec --balances "$w/bal" 2>"$w/perr.exec" |
    "$TIME" -f "%e %U %S %M" -o "$w/p.store" arb-store --tee --synchronous normal --db "sqlite:$w/db" \
    2>"$w/perr.store" >"$w/out"
t1=$(date +%s%N)
arb=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
out=$(lines "$w/out")
rows=$(sqlite3 "$w/db" 'select (select count(*) from books)' 2>/dev/null || echo "?")

# per-hop latency while idle: p50 and p99 of bench/probe
hop() {
	local r
	if r=$(timeout 120 probe "$@" 2>&1); then
		echo "$r" | awk '{ printf "%8.1f %8.1f", $2, $8 }'
	else
		case $r in
		*"did not come out"*) printf '%17s' "(nothing in 5 s)" ;;
		*) printf '%17s' "(probe failed)" ;;
		esac
	fi
}
head -n 1000 "$w/s1" | grep '"type":"instrument"' >"$w/prelude" || true
T0=1764460700.000000
{
	echo "https://api.binance.com/api/v3/exchangeInfo -> $T0: {\"timezone\":\"UTC\",\"symbols\":[{\"symbol\":\"BTCUSDT\",\"status\":\"TRADING\",\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\",\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"tickSize\":\"0.01\"},{\"filterType\":\"LOT_SIZE\",\"minQty\":\"0.0001\",\"stepSize\":\"0.0001\"}]}]}"
	echo "wss://stream.binance.com:9443/stream <-> $T0"
	echo "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000 -> $T0: {\"lastUpdateId\":0,\"bids\":[[\"100.00\",\"1.0\"]],\"asks\":[[\"101.00\",\"1.0\"]]}"
} >"$w/feed.prelude"
np=${PROBES:-1000}
lat_cat=$(hop -n "$np" cat)
lat_feed=$(hop -n "$np" -f "$w/feed.prelude" -m '"seq":@N@,' \
    -t 'wss://stream.binance.com:9443/stream => @T@: {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":@N@,"s":"BTCUSDT","U":@N@,"u":@N@,"b":[["100.00","@N@"]],"a":[]}}' \
    "arb-feed --replay -")
lat_detect=$(hop -n "$np" -f "$w/prelude" arb-detect)
lat_exec=$(hop -n "$np" -f "$w/prelude" "arb-exec --balances $w/bal")
lat_store=$(hop -n "$np" "arb-store --tee --synchronous normal --db sqlite:$w/probe.db")

cpu_of() { awk '{ printf "%.2f", $2 + $3 }' "$1"; }
rss_of() { awk '{ printf "%d", $4 / 1024 }' "$1"; }
echo
echo "end to end ($out records out of the last stage; $frames recording lines in):"
printf '%-34s %8s %10s %10s %7s %8s %8s %8s\n' "" "wall s" "M rec/s" "M lines/s" "CPU s" "RSS MiB" "hop p50" "hop p99"
printf '%-34s %8s %10s %10s %7s %8s %8s %8s\n' "" "" "(out)" "(in)" "" "" "us" "us"
printf '%-34s %8s %10s %10s %7s %8s %s\n' "cat | cat | cat | cat (baseline)" "$base" "$(rate "$(lines "$w/cat.pipe")" "$base")" \
    "$(rate "$frames" "$base")" "$(awk '{ s += $2 + $3 } END { printf "%.2f", s }' "$w"/p.cat?)" "$(rss_of "$w/p.cat1")" "$lat_cat"
printf '%-34s %8s %10s %10s %7s\n' "feed --replay|detect|exec|store" "$arb" "$(rate "$out" "$arb")" "$(rate "$frames" "$arb")" \
    "$(awk '{ s += $2 + $3 } END { printf "%.2f", s }' "$w/p.feed" "$w/p.detect" "$w/p.exec" "$w/p.store")"
printf '  %-32s %8s %10s %10s %7s %8s %s\n' "arb-feed --replay" "" "" "" "$(cpu_of "$w/p.feed")" "$(rss_of "$w/p.feed")" "$lat_feed"
printf '  %-32s %8s %10s %10s %7s %8s %s\n' "arb-detect" "" "" "" "$(cpu_of "$w/p.detect")" "$(rss_of "$w/p.detect")" "$lat_detect"
printf '  %-32s %8s %10s %10s %7s %8s %s\n' "arb-exec" "" "" "" "$(cpu_of "$w/p.exec")" "$(rss_of "$w/p.exec")" "$lat_exec"
printf '  %-32s %8s %10s %10s %7s %8s %s\n' "arb-store --tee" "" "" "" "$(cpu_of "$w/p.store")" "$(rss_of "$w/p.store")" "$lat_store"
echo "(store: $rows book rows; hop latency: $np probes 2 ms apart, one stage each; arb-store --synchronous normal)"
if ! cmp -s "$w/out" "$w/s4"; then
	echo "pipeline-bench: the pipeline's output differs from the stages run one by one" >&2
	exit 1
fi
for p in feed detect exec store; do
	[ -s "$w/perr.$p" ] && sed "s/^/  $p: /" "$w/perr.$p" | head -n 3
done
exit 0
