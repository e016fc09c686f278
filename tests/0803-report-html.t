#!/bin/sh
# arb-report --format html: self-contained (no script, no external
# resource), rendered by headless Chromium without errors, screenshot not
# blank.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/tests/report/stream.ndjson
command -v python3 > /dev/null || skip_all "python3 not installed"
H=$top_srcdir/tests/report

arb-report -r all -f html < "$S" > "$T/r.html" 2>/dev/null
ok $? "html report written"
grep -Eiq '<script|<link|<img|<iframe|@import|url\(' "$T/r.html"
is $? 1 "no script, link, image, frame or url() in the page"
is "$(grep -o 'https\?://[^"]*' "$T/r.html" | sort -u)" "http://www.w3.org/2000/svg" \
	"the only URL is the SVG namespace"
is "$(grep -c '<svg ' "$T/r.html")" 6 "six charts"
for s in summary funnel latency feed trades; do
	grep -q "<section id=\"$s\">" "$T/r.html"
	ok $? "section $s present"
done
grep -q '@media print' "$T/r.html"
ok $? "print stylesheet"
is "$(grep -c '<table>' "$T/r.html")" "$(grep -c '<div class="tw"><table>' "$T/r.html")" \
	"every table is in a box that scrolls sideways on screen"
grep -q '@media print{[^}]*}*[^@]*td,th{overflow-wrap:anywhere}' "$T/r.html"
ok $? "in print, a table's long values wrap"
python3 "$H/htmlcheck.py" "$T/r.html" > "$T/lint"
ok $? "elements well nested, nothing loaded from outside"
sed 's/^/# /' "$T/lint"

# The feed timeline over two recordings 100 days apart: the 99 days in
# which no feed was observed are a break of 24 pixels, so each minute of
# recording is half of the 666 pixels left (690 less the break).
t0=1700000000000000
rec() { # VENUE START_US
	printf '{"type":"status","ts":%s,"ex":"%s","sym":"X/Y","state":"synced"}\n' "$2" "$1"
	printf '{"type":"status","ts":%s,"ex":"%s","state":"disconnected","detail":"end of recording","eof":true}\n' \
		"$(($2 + 60000000))" "$1"
}
{ rec a $t0; rec b $((t0 + 8640000000000)); } > "$T/two.ndjson"
arb-report -r feed -f html < "$T/two.ndjson" > "$T/two.html" 2>"$T/two.err"
ok $? "two recordings 100 days apart: html report written"
is "$(grep -o '<title>no feed observed[^<]*' "$T/two.html")" \
	"<title>no feed observed for 99 d (2023-11-14 22:14:20 to 2024-02-22 22:13:20)" \
	"the 99 days between them are one break, with its length and times"
is "$(grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="16" fill="#2ca02c">' "$T/two.html")" \
"<rect x=\"190.0\" y=\"13.0\" width=\"333.0\" height=\"16\" fill=\"#2ca02c\">
<rect x=\"547.0\" y=\"35.0\" width=\"333.0\" height=\"16\" fill=\"#2ca02c\">" \
	"each recording's minute is half of the axis left by the break"
is "$(grep -c '>2024-02-22 22:13:20</text>' "$T/two.html")" 1 "the time after the break is labelled"
is "$(grep -c '>99 d</text>' "$T/two.html")" 1 "the break's length is labelled"
python3 "$H/htmlcheck.py" "$T/two.html" > "$T/lint2"
ok $? "the page with a break is well nested"
# 3 seconds between them (17 pixels, less than two breaks' width): a
# linear axis, no break
{ rec a $t0; rec b $((t0 + 63000000)); } > "$T/near.ndjson"
arb-report -r feed -f html < "$T/near.ndjson" > "$T/near.html" 2>/dev/null
is "$(grep -c 'no feed observed' "$T/near.html")" 0 "3 seconds apart: no break"
is "$(grep -o '<rect x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="16" fill="#2ca02c">' "$T/near.html")" \
"<rect x=\"190.0\" y=\"13.0\" width=\"336.6\" height=\"16\" fill=\"#2ca02c\">
<rect x=\"543.4\" y=\"35.0\" width=\"336.6\" height=\"16\" fill=\"#2ca02c\">" \
	"3 seconds apart: the linear axis (60 of 123 seconds each)"
# The P&L chart has the same breaks, from the first result to the last:
# three recordings 100 days apart, a result 30 s into each; 120 s of
# linear time over the 762 pixels left by two breaks
res() { # VENUE START_US PNL
	printf '{"type":"result","ts":%s,"opp":"o%s","kind":"cross","status":"complete","reason":"filled","pnl":%s,"ccy":"USDT","fees":1,"exposure":[]}\n' \
		"$(($2 + 30000000))" "$1" "$3"
}
{
	rec a $t0; res a $t0 5
	rec b $((t0 + 8640000000000)); res b $((t0 + 8640000000000)) -2
	rec c $((t0 + 17280000000000)); res c $((t0 + 17280000000000)) 7
} > "$T/pnl.ndjson"
arb-report -r summary -f html < "$T/pnl.ndjson" > "$T/pnl.html" 2>/dev/null
ok $? "three recordings with results: html summary written"
is "$(grep -o '<polyline[^>]*>' "$T/pnl.html")" \
	'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="70.0,226.0 70.0,226.0 70.0,120.0 475.0,120.0 475.0,162.4 880.0,162.4 880.0,14.0 880.0,14.0"/>' \
	"the P&L line: each result where its recording lies on the broken axis"
is "$(grep -c '<title>no feed observed for 99 d' "$T/pnl.html")" 2 "the P&L chart: two breaks"

# 14 recordings 100 days apart: 13 breaks, narrower (a third of the axis
# in all), so each recording's minute is (690 - 230) / 14 pixels wide
i=0
while [ $i -lt 14 ]; do rec "v$i" $((t0 + i * 8640000000000)); i=$((i + 1)); done > "$T/many.ndjson"
arb-report -r feed -f html < "$T/many.ndjson" > "$T/many.html" 2>/dev/null
is "$(grep -c '<title>no feed observed for 99 d' "$T/many.html")" 13 "14 recordings: 13 breaks"
is "$(grep -o 'width="[0-9.]*" height="16" fill="#2ca02c"' "$T/many.html" | sort -u)" \
	'width="32.9" height="16" fill="#2ca02c"' "14 recordings: each 32.9 pixels wide"
python3 "$H/htmlcheck.py" "$T/many.html" > "$T/lint3"
ok $? "the page with 12 breaks is well nested"

"$H/screenshot.sh" "$T/r.html" "$T/r.png" 1000 1400
rc=$?
if [ $rc -eq 77 ]; then
	echo "ok $((_n + 1)) # SKIP chromium not installed"
	_n=$((_n + 1))
else
	ok $rc "headless chromium renders the page"
	grep -E ':CONSOLE|Failed to load|net::ERR' "$T/r.png.log" | sed 's/^/# /'
	is "$(grep -c -E ':CONSOLE|Failed to load|net::ERR' "$T/r.png.log")" 0 \
		"no console message, no failed load"
	python3 "$H/pngcheck.py" "$T/r.png" > "$T/png" 2>&1
	ok $? "the screenshot is not blank ($(cat "$T/png"))"
	# In print: a PDF of a sensible number of A4/Letter pages.
	"$H/screenshot.sh" "$T/r.html" "$T/r.pdf"
	ok $? "headless chromium prints the page to PDF"
	pages=$(grep -a -o -E '/Type ?/Page([^s]|$)' "$T/r.pdf" | wc -l | tr -d ' ')
	test "$pages" -ge 3 && test "$pages" -le 15
	ok $? "the printed report has $pages pages (3 to 15)"
fi
done_testing
