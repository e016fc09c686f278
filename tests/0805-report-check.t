#!/bin/sh
# arb-report --check: thresholds for cron; exit 3 when any is breached,
# listing which; 0 when all hold.  Values of the fixture: pnl 7.35,
# pnl_1h (after 01:00) 7.515 + 0 + 0 = 7.515, stale_seconds 3000.01
# (binance ETH/BTC's last book at 01:09:59.99, end 02:00:00); reaction
# time: the median of the 10 order acks after their opportunity (the
# unwind order left out): 19.5 19.9 20.5 21 [21.4] 30 33.2 35.8 45 69 ms;
# lifetimes over 21.4 ms: 25 60 120 300 450 800 1500, 7 of 8 = 0.875.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson

chk() { arb-report -r summary "$@" < "$S" > "$T/out" 2> "$T/err"; echo $?; }
is "$(chk --check 'pnl > 7.34')" 0 "pnl > 7.34 holds: exit 0"
is "$(chk --check 'pnl > 7.35')" 3 "pnl > 7.35 breached: exit 3"
grep -q 'check breached: pnl > 7.35 (pnl is 7.35)' "$T/err"
ok $? "the breach is listed with the value"
test -s "$T/out"
ok $? "the report is still written"
is "$(chk --check 'pnl_24h > -50' --check 'pnl_1h >= 7.515' --check 'fees <= 47.70502')" 0 \
	"several checks holding: exit 0"
is "$(chk --check 'pnl_1h == 7.515' --check 'stale_seconds < 60' --check 'win_rate >= 0.5')" 3 \
	"one of three breached: exit 3"
is "$(grep -c 'check breached' "$T/err")" 1 "only the breached one is listed"
grep -q 'stale_seconds < 60 (stale_seconds is 3000.01)' "$T/err"
ok $? "stale_seconds is exact"
is "$(chk --check 'largest_loss >= -15.095' --check 'unwound <= 1' --check 'gaps == 1' \
	--check 'disconnects == 1' --check 'capturable == 0.875' --check 'reaction_ms == 21.4' \
	--check 'uptime > 0.99' --check 'exposure_assets == 2' --check 'opportunities == 8')" 0 \
	"counts, ratios and times as computed by hand"
cat "$T/err" | sed 's/^/# /'
is "$(chk --venue kraken --check 'pnl < 0')" 0 "--venue kraken: P&L -0.165 < 0"
# No data is a breach: cron should hear about a silent pipeline.
arb-report --check 'stale_seconds < 60' < /dev/null > /dev/null 2> "$T/err"
is $? 3 "no data: breached (exit 3)"
grep -q 'stale_seconds: no data' "$T/err"
ok $? "no data: said so"
arb-report --check 'pnl_24h > -50' < /dev/null > /dev/null 2>&1
is $? 0 "no results: pnl_24h is 0 and holds"
# The outcomes are part of the report too.
arb-report --check 'pnl_24h > -50' --check 'stale_seconds < 60' < "$S" > "$T/c.text" 2> /dev/null
grep -q '^pnl_24h > -50  *7.35  ok$' "$T/c.text"
ok $? "text: a Checks table with the check that holds"
grep -q '^stale_seconds < 60  *3000.01  BREACHED$' "$T/c.text"
ok $? "text: and the breached one"
arb-report -f json --check 'win_rate > 0.9' < /dev/null 2> /dev/null | tail -n 1 > "$T/c.json"
is "$(cat "$T/c.json")" '{"type":"report","table":"checks","check":"win_rate > 0.9","value":null,"status":"BREACHED"}' \
	"json: a checks record, null value for no data"
arb-report -f prom --check 'pnl_24h > -50' --check 'stale_seconds < 60' < "$S" > "$T/c.prom" 2> /dev/null
python3 "$top_srcdir/tests/report/promparse.py" "$T/c.prom" > "$T/c.samples"
ok $? "prom: parses with the checks"
grep -q -x 'arb_check_ok{check=stale_seconds < 60} 0' "$T/c.samples"
ok $? "prom: arb_check_ok 0 for the breached check"
arb-report -f html --check 'stale_seconds < 60' < "$S" 2> /dev/null | grep -q '<strong>BREACHED</strong> stale_seconds &lt; 60'
ok $? "html: the breached check at the top"

# --reaction replaces the measured 21.4 ms: lifetimes over 100 ms are
# 120 300 450 800 1500 of 10 25 60 120 300 450 800 1500: 5 of 8.
is "$(chk --reaction 100ms --check 'capturable == 0.625' --check 'reaction_ms == 100')" 0 \
	"--reaction 100ms: capturable 5 of 8"

# -o writes the report to a file (atomically) and nothing to stdout.
arb-report -f prom -o "$T/r.prom" --check 'pnl > 0' < "$S" > "$T/stdout" 2> /dev/null
is $? 0 "-o with a check that holds: exit 0"
is "$(wc -c < "$T/stdout" | tr -d ' ')" 0 "-o: nothing on stdout"
grep -q '^arb_pnl_report{ccy="USDT"} 7.35$' "$T/r.prom"
ok $? "-o: the file holds the report"
arb-report -o "$T/no/such/dir/r.txt" < "$S" > /dev/null 2>&1
is $? 1 "-o into a missing directory: exit 1"
# the temporary file is on the disk before it takes the name (else a crash
# could leave an empty report): seen with strace, when it is installed
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
	strace -qq -y -e trace=fsync,fdatasync,rename,renameat,renameat2 -o "$T/o.trace" \
	    arb-report -o "$T/r2.txt" < "$S" > /dev/null 2>&1
	is "$(sed -n 's/^\(fsync\|fdatasync\)(.*r2\.txt\.tmp\.[0-9]*>).*/sync/p; s/^rename[a-z0-9]*(.*r2\.txt".*/rename/p' "$T/o.trace" | tr '\n' ' ')" \
	    "sync rename " "-o: the temporary file is synced, then renamed"
fi
# A reader that goes away early is not an error.
{ arb-report -r all -f html < "$S" 2> "$T/pipe.err"; echo $? > "$T/rc"; } | head -c 10 > /dev/null
is "$(cat "$T/rc")" 0 "EPIPE on stdout: exit 0"
is "$(grep -c -i 'pipe' "$T/pipe.err")" 0 "EPIPE on stdout: no message"
done_testing
