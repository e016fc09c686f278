#!/bin/sh
# screenshot.sh HTML PNG [WIDTH HEIGHT]: renders a local HTML file in
# headless Chromium (no network, a throw-away profile) and writes a PNG
# (or, when the output name ends in .pdf, prints the page to PDF);
# Chromium's log (console messages included) goes to PNG.log.  Exits 77
# when no Chromium is installed.
set -u
html=$1 png=$2 w=${3:-1100} h=${4:-3000}
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then browser=$c; break; fi
done
[ -n "${browser:-}" ] || exit 77
prof=$(mktemp -d "${TMPDIR:-/tmp}/arbshot.XXXXXX")
case $html in /*) ;; *) html=$(pwd)/$html ;; esac
case $png in /*) ;; *) png=$(pwd)/$png ;; esac
case $png in
*.pdf) out="--no-pdf-header-footer --print-to-pdf=$png" ;;
*) out="--screenshot=$png" ;;
esac
# $out is two words or one, none with blanks: split on purpose.
# shellcheck disable=SC2086
timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--no-first-run --user-data-dir="$prof" --window-size="$w,$h" \
	--enable-logging=stderr --v=0 \
	$out "file://$html" >"$png.log" 2>&1
rc=$?
[ $rc -eq 0 ] || cat "$png.log" >&2
rm -rf "$prof"
exit $rc
