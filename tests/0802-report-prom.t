#!/bin/sh
# arb-report --format prom: parsed by an independent Prometheus text
# format parser (tests/report/promparse.py), values checked.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson
P=$top_srcdir/tests/report/promparse.py
command -v python3 > /dev/null || skip_all "python3 not installed"

for r in summary funnel latency feed trades all; do
	arb-report -r $r -f prom < "$S" > "$T/$r.prom" 2>/dev/null
	python3 "$P" "$T/$r.prom" > "$T/$r.samples"
	ok $? "prom output of $r parses"
done
get() { grep -F -x -- "$1 $2" "$T/all.samples" > /dev/null; ok $? "$1 is $2"; }
get 'arb_pnl_report{ccy=USDT}' 7.35
get 'arb_pnl{ccy=BTC}' 0.00015
get 'arb_pnl{ccy=USDT}' -0.165
get 'arb_fees_report{ccy=USDT}' 47.70502
get 'arb_results{status=unwound}' 1
get 'arb_win_ratio{}' 0.5
get 'arb_largest_loss{ccy=USDT}' -15.095
get 'arb_exposure{asset=BTC}' 0.1
get 'arb_funnel{stage=candidates}' 14
get 'arb_funnel{stage=filled}' 5
get 'arb_funnel_dropped{reason=fees,step=after_fees}' 3
get 'arb_latency_seconds{quantile=0.5,step=ack,venue=kraken}' 0.031
get 'arb_reaction_seconds{}' 0.0214
get 'arb_capturable_ratio{}' 0.875
get 'arb_feed_gaps{symbol=BTC/USDT,venue=kraken}' 1
get 'arb_feed_stale_seconds{symbol=BTC/USDT,venue=kraken}' 20
get 'arb_feed_disconnects{symbol=*,venue=binance}' 1

# The parser itself rejects what it should (so a pass means something).
printf 'a 1\na 2\n' > "$T/dup.prom"
python3 "$P" "$T/dup.prom" > /dev/null 2>&1
is $? 1 "parser rejects a duplicate series"
printf '# TYPE a gauge\na{x="1} 1\n' > "$T/q.prom"
python3 "$P" "$T/q.prom" > /dev/null 2>&1
is $? 1 "parser rejects an unterminated label value"
printf 'a 1\nb 1\na{x="y"} 1\n' > "$T/split.prom"
python3 "$P" "$T/split.prom" > /dev/null 2>&1
is $? 1 "parser rejects a family that is not contiguous"
printf 'a 0.1.2\n' > "$T/v.prom"
python3 "$P" "$T/v.prom" > /dev/null 2>&1
is $? 1 "parser rejects a bad value"
done_testing
