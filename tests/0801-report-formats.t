#!/bin/sh
# arb-report: every report in every format (text csv json prom html)
# against golden files; the JSON is valid NDJSON, the CSV rectangular.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson
command -v python3 > /dev/null || skip_all "python3 not installed"
G=$top_srcdir/tests/golden/report

for r in summary funnel latency feed trades all; do
	for f in csv json prom html; do
		arb-report -r $r -f $f < "$S" > "$T/$r.$f" 2>/dev/null
		cmp_ok "$T/$r.$f" "$G/$r.$f" "report $r, format $f"
	done
done
jq -c . "$T/all.json" > /dev/null 2>&1
ok $? "json output is valid JSON, one object per line"
is "$(jq -r '.type' "$T/all.json" | sort -u)" report "every json record has type report (first key)"
is "$(head -c 16 "$T/all.json")" '{"type":"report"' "type is the first key"
# CSV: each block has the same number of fields in every line.
python3 -c '
import csv, sys
n = None
for row in csv.reader(open(sys.argv[1], newline="")):
    if not row:
        n = None
        continue
    if n is None:
        n = len(row)
    elif len(row) != n:
        sys.exit("# ragged: %r" % row)
' "$T/all.csv"
ok $? "csv blocks are rectangular"
grep -q '"ETH/BTC,ETH/USDT,BTC/USDT"' "$T/summary.csv"
ok $? "csv quotes a field holding commas"
done_testing
