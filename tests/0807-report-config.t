#!/bin/sh
# arb-report --config: the [arb-report] section and ARB_* environment,
# under the command line.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
F=$top_srcdir/tests/report/stream.ndjson
[ -r "$F" ] || skip_all "no report fixture"
cat >"$T/c.conf" <<'EOC'
# global keys are read too
[arb-detect]
min-profit-bps = 5
[arb-report]
format = csv
check = "records > 100000000"
EOC
arb-report --config "$T/c.conf" <"$F" >"$T/out" 2>"$T/err"
is "$?" 3 "the file's check applies: exit 3"
is "$(head -n 1 "$T/out" | tr -d "\r")" "table,item,value,unit" "the file's format applies (csv, CRLF lines)"
grep -q 'check breached: records > 100000000' "$T/err"
ok $? "the breach is named on stderr"
arb-report --config "$T/c.conf" --format json <"$F" >"$T/out2" 2>/dev/null
is "$(head -c 17 "$T/out2")" '{"type":"report",' "the command line overrides the file"
ARB_FORMAT=prom arb-report --config "$T/c.conf" <"$F" >"$T/out3" 2>/dev/null
grep -q '^# TYPE ' "$T/out3"
ok $? "the environment overrides the file"
printf '[arb-report]\nformat csv\n' >"$T/bad.conf"
arb-report --config "$T/bad.conf" <"$F" >/dev/null 2>"$T/bad.err"
is "$?" 2 "a bad file is a usage error"
grep -q 'bad.conf:2:' "$T/bad.err"
ok $? "the error names the file and line"
printf '[arb-report]\nformat = pdf\n' >"$T/bad.conf"
arb-report --config "$T/bad.conf" <"$F" >/dev/null 2>"$T/bad.err"
is "$?" 2 "a bad value in the file: exit 2"
is "$(cat "$T/bad.err")" "arb-report: $T/bad.conf:2: unknown format \"pdf\" (text csv json prom html)" \
    "a bad value in the file: named by file and line"
ARB_SINCE=soon arb-report <"$F" >/dev/null 2>"$T/bad.err"
is "$?" 2 "a bad value in the environment: exit 2"
is "$(cat "$T/bad.err")" 'arb-report: environment ARB_SINCE: --since: bad time or duration "soon"' \
    "a bad value in the environment: named by its variable"
arb-report --since soon <"$F" >/dev/null 2>"$T/bad.err"
is "$(cat "$T/bad.err")" 'arb-report: --since: bad time or duration "soon"' \
    "on the command line: no origin"
done_testing
