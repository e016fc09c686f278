#!/bin/sh
# arb-report against a hand computation: a small stream with results in
# three currencies (USDT; EUR priced by a trade of EUR/USDT; ETH with no
# price in USDT), a leg filled in two parts, a result with reason
# overflow, a failed and a skipped one.  The same numbers from the stream
# and from a store.  The win rate and the largest loss are unknown ("-",
# null, left out of the Prometheus text, a check breached as without data)
# when a result could change them: one with reason overflow (its pnl
# leaves out what arb-exec could not book, so neither its sign nor its
# size is known), or, for the largest loss, a loss without a price.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
H=$top_srcdir/tests/report/hand.ndjson

# By hand (USDT; EUR/USDT 1.08 from the trade, BTC/USDT mid 50000):
#   a1 kraken>binance complete   12.5 USDT                     12.5
#   a2 bitstamp>kraken partial  -3.25 EUR  * 1.08      =        -3.51
#   a3 binance cycle complete  -0.002 ETH  (no price)           -
#   a4 okx>binance complete         7 USDT reason overflow      -
#   a5 kraken>binance failed     -1.2 USDT                      -1.2
#   a6 skipped: not executed
#   fees: kraken 5, binance 1 + 1.5 = 2.5 USDT, bitstamp 0.54 EUR * 1.08
#         = 0.5832, okx 2, binance 0.0001 ETH (no price): total unknown
#   exposure: BTC 0.1 - 0.04 - 0.06 + 0.01 - 0.05 + 0.02 = -0.02, at 50000
#         = -1000; EUR -460 - 0.54 less the pnl -3.25 = -457.29, * 1.08
#         = -493.8732; ETH 1 - 0.0001 less the pnl -0.002 = 1.0019
arb-report -r summary -f csv "$H" 2>/dev/null | tr -d '\r' >"$T/h.csv"
is "$(grep -E '^overview,(executed|complete|partial|failed|skipped|win rate|realised pnl|fees paid|largest loss)' "$T/h.csv")" \
"overview,executed,5,
overview,complete,3,
overview,partial,1,
overview,failed,1,
overview,skipped,1,
overview,win rate,,%
overview,realised pnl,,USDT
overview,fees paid,,USDT
overview,largest loss,,USDT
overview,largest loss opp,," "overflow and a loss without a price: win rate, P&L, fees and largest loss unknown"
is "$(grep -E '^(pnl_venue|fees|exposure),' "$T/h.csv")" \
"pnl_venue,binance,ETH,1,0,-0.002,
pnl_venue,bitstamp>kraken,EUR,1,0,-3.25,-3.51
pnl_venue,kraken>binance,USDT,2,1,11.3,11.3
pnl_venue,okx>binance,USDT,1,,,
fees,binance,ETH,1,0.0001,
fees,binance,USDT,2,2.5,2.5
fees,bitstamp,EUR,1,0.54,0.5832
fees,kraken,USDT,1,5,5
fees,okx,USDT,1,2,2
exposure,BTC,-0.02,-1000
exposure,ETH,1.0019,
exposure,EUR,-457.29,-493.8732" "per venue: P&L (wins unknown beside an inexact pnl), fees and exposure as by hand"
arb-report -f json "$H" 2>/dev/null >"$T/h.json"
is "$(jq -c 'select(.table=="overview" and (.item=="win rate" or .item=="largest loss")) | .value' "$T/h.json" | tr '\n' ' ')" \
	"null null " "json: win rate and largest loss null"
arb-report -f prom "$H" 2>/dev/null >"$T/h.prom"
is "$(grep -cE '^arb_(win_ratio|largest_loss)' "$T/h.prom")" 0 "prom: win ratio and largest loss left out"
arb-report -f html "$H" 2>/dev/null >"$T/h.html"
is "$(grep -oE '<div class="k">(win rate|largest loss)</div><div class="v[^"]*">[^<]*' "$T/h.html" | sed 's/.*>//' | tr '\n' '|')" \
	"-|- USDT|" "html: win rate and largest loss cards say -"
arb-report -C 'win_rate >= 0' -C 'largest_loss >= -100' -C 'executed == 5' "$H" >/dev/null 2>"$T/c.err"
is "$? $(grep breached "$T/c.err" | tr '\n' '|')" \
	"3 arb-report: check breached: win_rate >= 0 (win_rate: no data)|arb-report: check breached: largest_loss >= -100 (largest_loss: no data)|" \
	"checks on win rate and largest loss breached as without data"

# Without the overflow result: the win rate is known (a1 of a1 a2 a3 a5),
# the largest loss is not (a3 lost an amount of ETH without a price).
grep -v '"opp":"a4"' "$H" >"$T/n4.ndjson"
is "$(arb-report -f csv "$T/n4.ndjson" 2>/dev/null | tr -d '\r' | grep -E '^overview,(win rate|largest loss)')" \
"overview,win rate,25,%
overview,largest loss,,USDT
overview,largest loss opp,," "no overflow: win rate 25 %, largest loss still unknown"
# a3 a gain instead: no loss without a price, the largest loss is a2's
sed 's/"pnl":-0.002/"pnl":0.002/' "$T/n4.ndjson" >"$T/p3.ndjson"
is "$(arb-report -f csv "$T/p3.ndjson" 2>/dev/null | tr -d '\r' | grep -E '^overview,(win rate|realised pnl|largest loss)')" \
"overview,win rate,50,%
overview,realised pnl,,USDT
overview,largest loss,-3.51,USDT
overview,largest loss opp,a2," "a gain without a price: P&L unknown, largest loss -3.51 (a2)"
arb-report -C 'largest_loss >= -3.51' -C 'win_rate == 0.5' -f prom "$T/p3.ndjson" 2>/dev/null >"$T/p3.prom"
is "$? $(grep -E '^arb_(win_ratio|largest_loss|check_ok)' "$T/p3.prom" | tr '\n' '|')" \
	'0 arb_win_ratio 0.5|arb_largest_loss{ccy="USDT"} -3.51|arb_check_ok{check="largest_loss >= -3.51"} 1|arb_check_ok{check="win_rate == 0.5"} 1|' \
	"checks and prom agree with the table"
# Without a3 and a4 every number is known:
#   pnl 12.5 - 3.51 - 1.2 = 7.79; fees 5 + 2.5 + 0.5832 = 8.0832;
#   win rate 1 of 3 = 33.33 % (rounded down)
grep -v '"opp":"a[34]"' "$H" >"$T/n34.ndjson"
is "$(arb-report -f csv "$T/n34.ndjson" 2>/dev/null | tr -d '\r' | grep -E '^overview,(win rate|realised pnl|fees paid|largest loss),')" \
"overview,win rate,33.33,%
overview,realised pnl,7.79,USDT
overview,fees paid,8.0832,USDT
overview,largest loss,-3.51,USDT" "all known: as by hand"
arb-report -f html "$T/n34.ndjson" 2>/dev/null >"$T/n34.html"
is "$(grep -o '<div class="k">win rate</div><div class="v[^"]*">[^<]*' "$T/n34.html" | sed 's/.*>//')" \
	"33.33%" "html: the win rate card as the table (33.33, not 33.3)"

# A store gives the same report, byte for byte, in every format.
if command -v arb-store >/dev/null; then
	for s in "$H" "$T/n4.ndjson" "$T/p3.ndjson"; do
		b=$(basename "$s" .ndjson)
		arb-store --db "sqlite:$T/$b.db" <"$s" 2>/dev/null
		for f in text csv json prom html; do
			arb-report -r all -f $f "$s" >"$T/$b.s.$f" 2>/dev/null
			arb-report -r all -f $f -d "sqlite:$T/$b.db" >"$T/$b.d.$f" 2>/dev/null
			cmp_ok "$T/$b.d.$f" "$T/$b.s.$f" "$b: store and stream agree ($f)"
		done
	done
fi
done_testing
