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
python3 "$H/htmlcheck.py" "$T/r.html" > "$T/lint"
ok $? "elements well nested, nothing loaded from outside"
sed 's/^/# /' "$T/lint"

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
