#!/bin/sh
# arb-report: every report as text from the fixture stream, compared with
# golden files, and the P&L checked against values computed by hand.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson
G=$top_srcdir/tests/golden/report

for r in summary funnel latency feed trades all; do
	arb-report -r $r < "$S" > "$T/$r.text" 2>"$T/err"
	ok $? "report $r runs"
	cmp_ok "$T/$r.text" "$G/$r.text" "report $r (text) matches the golden file"
done
arb-report < "$S" > "$T/default.text" 2>/dev/null
cmp_ok "$T/default.text" "$G/summary.text" "the default report is the summary"

# Every text line fits 80 columns.
awk 'length($0) > 80 { bad = 1; print "# too long: " $0 } END { exit bad }' "$T/all.text"
ok $? "text output fits 80 columns"

# --width: another width to fit, or 0 for none (nothing truncated).
arb-report -r all --width 0 < "$S" > "$T/w0.text" 2>/dev/null
cmp_ok "$T/w0.text" "$G/all.text" "--width 0: the same report where nothing needed cutting"
arb-report -r trades --width 60 < "$S" > "$T/w60.text" 2>/dev/null
grep -qxF '~6-11-29 22:10:00  o1   cross  compl~  filled     9.98  USDT' "$T/w60.text"
ok $? "--width 60: text and times cut with ~ to fit 60 columns"
grep -qxF '~01:10:00  o5   bin~  BTC~  buy   50100  0.0502  2.51502  USDT' "$T/w60.text"
ok $? "--width 60: numbers are never cut (a table of them may be wider)"
arb-report --width 5 < "$S" > /dev/null 2>"$T/werr"
is $? 2 "--width 5: usage error"
grep -q 'from 40 to 10000' "$T/werr"
ok $? "--width 5: says what is allowed"

# Hand-computed P&L of the fixture (USDT unless said otherwise):
#   o1 complete: sell 0.1 @ 50200 - buy 0.1 @ 50000 - fees 5.02 - 5  =   9.98
#   o2 complete: 0.05 * (50400 - 50300) - 2.515 - 2.52               =  -0.035
#   o3 partial:  0.1 * (50150 - 50000) - 5 (half of 10) - 5.015      =   4.985
#   o4 unwound:  0.1 * (50450 - 50500) - 5.05 - 5.045                = -15.095
#   o5 cycle:    0.00015 BTC at the BTC/USDT mid (50099.9+50100.1)/2 = 50100
#                                                                    =   7.515
#   o6 failed, o7 skipped: 0
#   total: 9.98 - 0.035 + 4.985 - 15.095 + 7.515                     =   7.35
#   2026-11-29: 9.98 - 0.035 = 9.945; 2026-11-30 USDT: 4.985 - 15.095 = -10.11
#   fees: USDT 5.02+5+2.515+2.52+5.015+10+5.05+5.045+2.52+2.51502   = 45.20002
#         BTC 0.00005 * 50100 = 2.505; total                       = 47.70502
#   win rate: o1 o3 o5 of 6 executed = 50 %; largest loss -15.095 (o4)
arb-report -f json < "$S" > "$T/s.json" 2>/dev/null
is "$(jq -r 'select(.table=="overview" and .item=="realised pnl") | .value' "$T/s.json")" 7.35 "total P&L 7.35 USDT"
is "$(jq -r 'select(.table=="overview" and .item=="fees paid") | .value' "$T/s.json")" 47.70502 "fees 47.70502 USDT"
is "$(jq -r 'select(.table=="overview" and .item=="largest loss") | .value' "$T/s.json")" -15.095 "largest loss -15.095"
is "$(jq -r 'select(.table=="overview" and .item=="win rate") | .value' "$T/s.json")" 50 "win rate 50 %"
is "$(jq -r 'select(.table=="pnl_day" and .day=="2026-11-29") | .pnl' "$T/s.json")" 9.945 "P&L 2026-11-29"
is "$(jq -r 'select(.table=="pnl_day" and .day=="2026-11-30" and .ccy=="USDT") | .pnl' "$T/s.json")" -10.11 "P&L 2026-11-30 in USDT"
is "$(jq -r 'select(.table=="pnl_day" and .day=="2026-11-30" and .ccy=="BTC") | .pnl_USDT' "$T/s.json")" 7.515 "0.00015 BTC is 7.515 USDT"
is "$(jq -r 'select(.table=="fees" and .venue=="binance" and .ccy=="USDT") | .fees' "$T/s.json")" 27.68002 "binance USDT fees"
is "$(jq -r 'select(.table=="exposure" and .asset=="BTC") | .net' "$T/s.json")" 0.1 "open exposure 0.1 BTC (o3)"

# Windows and filters.
arb-report -r all --since 2h < "$S" > "$T/since.text" 2>/dev/null
cmp_ok "$T/since.text" "$G/since-2h.text" "--since 2h counts back from the last record"
# since 2026-11-30 00:00: -10.11 + 7.515 = -2.595
grep -q '^realised pnl  *-2.595  USDT$' "$T/since.text"
ok $? "--since 2h: P&L -2.595"
arb-report -r all --since '2026-11-29 23:00' --until '2026-11-30 00:30' < "$S" > "$T/w.text" 2>/dev/null
cmp_ok "$T/w.text" "$G/window.text" "--since/--until absolute window"
# o2 -0.035 + o3 4.985 = 4.95
grep -q '^realised pnl  *4.95  USDT$' "$T/w.text"
ok $? "absolute window: P&L 4.95"
arb-report -r all --venue kraken < "$S" > "$T/v.text" 2>/dev/null
cmp_ok "$T/v.text" "$G/venue-kraken.text" "--venue kraken"
arb-report -r summary,trades --sym ETH/BTC < "$S" > "$T/y.text" 2>/dev/null
cmp_ok "$T/y.text" "$G/sym-ethbtc.text" "--sym ETH/BTC"
arb-report --ccy BTC < "$S" > "$T/c.text" 2>/dev/null
cmp_ok "$T/c.text" "$G/ccy-btc.text" "--ccy BTC"
# venues are lower case, symbols and currencies upper case in the records:
# another case on the command line, in the config or environment means the
# same (it matched nothing: an empty report, every amount "-")
arb-report -r all --venue Kraken < "$S" > "$T/v2.text" 2>/dev/null
cmp_ok "$T/v2.text" "$G/venue-kraken.text" "--venue Kraken is kraken"
ARB_SYM=eth/btc arb-report -r summary,trades < "$S" > "$T/y2.text" 2>/dev/null
cmp_ok "$T/y2.text" "$G/sym-ethbtc.text" "ARB_SYM=eth/btc is ETH/BTC"
arb-report --ccy btc < "$S" > "$T/c2.text" 2>/dev/null
cmp_ok "$T/c2.text" "$G/ccy-btc.text" "--ccy btc is BTC"

# Files named on the command line are read in order, "-" is stdin;
# diagnostics name the file.
head -n 60 "$S" > "$T/part1"
tail -n +61 "$S" > "$T/part2"
arb-report -r all "$T/part1" - < "$T/part2" > "$T/files.text" 2> "$T/files.err"
cmp_ok "$T/files.text" "$G/all.text" "a stream split over a file and stdin gives the same report"
grep -q "part1:52: unknown record type" "$T/files.err"
ok $? "diagnostics name the file and its line"

# The end of a recording (status eof, arb-feed --replay) ends the feed's
# observation: no time down after it, no disconnect, the age of its last
# book where the recording ended.  Two days later the fixture's first
# opportunity (o1, 2026-11-29 22:10:00) and its orders, fills and result:
# the time charts span those, not the whole period from the first record.
cat > "$T/eof.ndjson" <<'EOS'
{"type":"status","ts":1795824000000000,"ex":"kraken","state":"connected"}
{"type":"status","ts":1795824000000000,"ex":"kraken","sym":"BTC/USD","state":"synced"}
{"type":"book","ts":1795824030000000,"rt":1795824030000000,"ex":"kraken","sym":"BTC/USD","seq":1,"ok":true,"depth":1,"bids":[[100,1]],"asks":[[101,1]]}
{"type":"status","ts":1795824040000000,"ex":"kraken","state":"disconnected","detail":"end of recording","eof":true}
EOS
grep '"o1"' "$S" >> "$T/eof.ndjson"
arb-report -r feed --width 0 "$T/eof.ndjson" > "$T/eof.text" 2>"$T/eof.err"
ok $? "a stream with an end of recording: report feed runs"
grep -Eq '^kraken +BTC/USD +100 +0 +0 +0 +0 +0 +0 +10$' "$T/eof.text"
ok $? "end of recording: synced 100 % of the 40 s observed, no disconnect, 0 s down, age 10 s"
grep -Eq '^kraken +\* +100 +0 +0 +0 +0 +0 +0 +-$' "$T/eof.text"
ok $? "end of recording: the venue's row as well"
# without eof: down from 40 s to the end (166200.45 s after the first record)
sed 's/,"eof":true//' "$T/eof.ndjson" | arb-report -r feed --width 0 > "$T/noeof.text" 2>/dev/null
grep -Eq '^kraken +BTC/USD +0\.02 +0 +0 +0 +0 +166160\.45 +0 +166170\.45$' "$T/noeof.text" &&
	grep -Eq '^kraken +\* +0\.02 +0 +0 +0 +1 +166160\.45 +0 +-$' "$T/noeof.text"
ok $? "the same disconnected status without eof: down to the end of the report, one disconnect"
arb-report -r summary -f html "$T/eof.ndjson" > "$T/eof.html" 2>/dev/null
sed -n '/Cumulative realised/,/<\/svg>/p' "$T/eof.html" | grep -o '>20[0-9-]* [0-9:]*<' | tr -d '<>' > "$T/pnl.x"
printf '%s\n' '2026-11-29 22:10:00' '2026-11-29 22:10:00' > "$T/pnl.want"
cmp_ok "$T/pnl.x" "$T/pnl.want" "html: the P&L chart spans its results, not the period from the first record"
grep -q '<figcaption>Opportunities per second by venue pair</figcaption>' "$T/eof.html"
ok $? "html: the opportunities of one second are counted per second"
sed -n '/Opportunities per second/,/<\/svg>/p' "$T/eof.html" | grep -o '>20[0-9-]* [0-9:]*<' | tr -d '<>' > "$T/opp.x"
printf '%s\n' '2026-11-29 22:10:00' '2026-11-29 22:10:01' > "$T/opp.want"
cmp_ok "$T/opp.x" "$T/opp.want" "html: the opportunities chart spans its one bucket"

# Deterministic: the same input gives byte-identical output.
arb-report -r all -f html < "$S" > "$T/a.html" 2>/dev/null
arb-report -r all -f html < "$S" > "$T/b.html" 2>/dev/null
cmp_ok "$T/a.html" "$T/b.html" "two runs give identical output"

# a venue name may hold a space: venue "a b" with "c" and venue "a" with
# "b c" are two feeds and two balances (they were one row each)
printf '%s\n' '{"type":"status","ts":1700000000000000,"ex":"a b","sym":"c","state":"synced"}' \
	'{"type":"status","ts":1700000001000000,"ex":"a","sym":"b c","state":"synced"}' \
	'{"type":"status","ts":1700000002000000,"ex":"a","sym":"b c","state":"gap"}' \
	'{"type":"balance","ts":1700000000000000,"ex":"a b","asset":"c","free":1}' \
	'{"type":"balance","ts":1700000000000000,"ex":"a","asset":"b c","free":2}' >"$T/sp.ndjson"
arb-report -r feed -f csv <"$T/sp.ndjson" 2>/dev/null | tr -d '\r' | grep '^feed,' >"$T/sp.out"
is "$(cat "$T/sp.out")" 'feed,a,b c,100,1,0,0,0,0,0,
feed,a b,c,100,0,0,0,0,0,0,' "feeds: a space in the venue does not merge two"
is "$(arb-report -f csv <"$T/sp.ndjson" 2>/dev/null | grep -c '^balances,')" 2 "balances: nor two balances"

# The funnel: arb-detect's tick and min_profit rejects come after the
# fees were paid, at sizing or after it; fees before
printf '%s\n' '{"type":"reject","ts":1000,"kind":"cycle","reason":"tick","ex":"y","sym":"A/B"}' \
	'{"type":"reject","ts":1001,"kind":"cycle","reason":"min_profit","ex":"y","sym":"A/B"}' \
	'{"type":"reject","ts":1002,"kind":"cycle","reason":"fees","ex":"y","sym":"A/B"}' >"$T/fun.in"
is "$(arb-report -r funnel -f csv <"$T/fun.in" | tr -d '\r' | grep -E '^funnel(_reasons)?,(candidates|after_fees|after_sizing),')" \
"funnel,candidates,3,0,100
funnel,after_fees,2,1,66.66
funnel,after_sizing,0,2,0
funnel_reasons,after_fees,fees,1
funnel_reasons,after_sizing,min_profit,1
funnel_reasons,after_sizing,tick,1" "funnel: tick and min_profit drop out at sizing, fees before"
# A result with reason overflow (arb-exec could not book a fill exactly):
# executed, but its pnl leaves out what was not booked, so no sum holds it
sed 's/"opp":"o2","kind":"cross","status":"complete","reason":"filled"/"opp":"o2","kind":"cross","status":"complete","reason":"overflow"/' \
	"$S" >"$T/ov.ndjson"
arb-report -f csv <"$T/ov.ndjson" 2>/dev/null | tr -d '\r' >"$T/ov.csv"
is "$(grep -E '^overview,(executed|complete|realised pnl),|^pnl_(day|venue),' "$T/ov.csv")" \
"overview,executed,6,
overview,complete,3,
overview,realised pnl,,USDT
pnl_day,2026-11-29,USDT,2,,,
pnl_day,2026-11-30,BTC,1,1,0.00015,7.515
pnl_day,2026-11-30,USDT,3,1,-10.11,-10.11
pnl_venue,binance,BTC,1,1,0.00015,7.515
pnl_venue,binance>kraken,USDT,3,,,
pnl_venue,kraken>binance,USDT,2,2,14.965,14.965" "overflow: counted as executed, its pnl (and whether it won) in no sum"
is "$(arb-report <"$T/ov.ndjson" 2>/dev/null | grep -A1 '^note: some results')" \
"note: some results could not be booked exactly (reason overflow): totals shown
      as -" "overflow: the summary says why"
is "$(arb-report -r funnel -f csv <"$T/ov.ndjson" 2>/dev/null | tr -d '\r' | grep '^funnel,net_pnl')" \
	"funnel,net_pnl_USDT,,," "overflow: the funnel's net pnl is unknown"
is "$(arb-report -r summary -f prom <"$T/ov.ndjson" 2>/dev/null | grep -E '^arb_(pnl|results_inexact|funnel_pnl)')" \
'arb_pnl{ccy="BTC"} 0.00015
arb_results_inexact 1' "overflow: prom leaves the sums out, counts it"
arb-report -C 'pnl > -100' -C 'complete == 3' <"$T/ov.ndjson" >/dev/null 2>"$T/ov.err"
is "$? $(grep breached "$T/ov.err")" "3 arb-report: check breached: pnl > -100 (pnl: no data)" \
	"overflow: a pnl check is breached, the count holds"
is "$(arb-report -r summary -f html <"$T/ov.ndjson" 2>/dev/null | grep -o '<figcaption>Cumulative[^<]*')" \
	"<figcaption>Cumulative realised P&amp;L (USDT); 1 result left out: no price or inexact" \
	"overflow: the html P&L chart says it left one out"
is "$(arb-report -f csv <"$S" 2>/dev/null | tr -d '\r' | grep '^overview,realised pnl,')" \
	"overview,realised pnl,7.35,USDT" "the same stream without it sums as before"
# A fill without fee (arb-exec could not compute it exactly): its fee is
# unknown, not 0, in the fills table, the fees table and the total
sed 's/"qty":0.1,"fee":5,"fee_ccy":"USDT","mode":"paper","tid":"k1"/"qty":0.1,"fee_ccy":"USDT","mode":"paper","tid":"k1"/' \
	"$S" >"$T/nf.ndjson"
arb-report -f csv <"$T/nf.ndjson" 2>"$T/nf.err" | tr -d '\r' >"$T/nf.csv"
is "$(grep -E '^overview,(bad lines \(input\)|fees paid),|^fees,kraken,' "$T/nf.csv")" \
"overview,bad lines (input),0,
overview,fees paid,,USDT
fees,kraken,USDT,3,," "no fee: a fill, its fees unknown"
is "$(arb-report -r trades -f csv <"$T/nf.ndjson" 2>/dev/null | tr -d '\r' | grep ',o1,kraken,')" \
	"fills,2026-11-29 22:10:00,o1,kraken,BTC/USDT,buy,50000,0.1,,USDT" "no fee: the fills table leaves it empty"
is "$(arb-report <"$T/nf.ndjson" 2>/dev/null | grep '^note: some fills')" \
	"note: some fills have no fee (not computable exactly): totals shown as -" "no fee: the summary says why"
done_testing
