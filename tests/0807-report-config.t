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

# ARB_DB (or db = in the file) names a database when nothing else is named;
# named files win over it, -d with files is a usage error
arb-store -d "sqlite:$T/s.db" <"$F" 2>/dev/null
arb-report -r funnel "$F" >"$T/want" 2>/dev/null
ARB_DB="sqlite:$T/s.db" arb-report -r funnel </dev/null >"$T/env" 2>/dev/null
is "$?" 0 "ARB_DB: read when no file is named"
cmp_ok "$T/env" "$T/want" "ARB_DB: the database's report"
printf '{"type":"status","ts":1,"ex":"kraken","state":"connected"}\n' >"$T/one.ndjson"
arb-report -r funnel "$T/one.ndjson" >"$T/want1" 2>/dev/null
ARB_DB="sqlite:$T/s.db" arb-report -r funnel "$T/one.ndjson" >"$T/env1" 2>"$T/env1.err"
is "$?" 0 "ARB_DB and a file: exit 0"
cmp_ok "$T/env1" "$T/want1" "ARB_DB and a file: the file wins"
ARB_DB="sqlite:$T/s.db" arb-report -r funnel - <"$T/one.ndjson" >"$T/env2" 2>/dev/null
cmp_ok "$T/env2" "$T/want1" "ARB_DB and -: standard input wins"
printf 'db = %s\n' "sqlite:$T/s.db" >"$T/db.conf"
arb-report --config "$T/db.conf" -r funnel "$T/one.ndjson" >"$T/env3" 2>/dev/null
cmp_ok "$T/env3" "$T/want1" "db = in the file and a file: the file wins"
arb-report -d "sqlite:$T/s.db" "$T/one.ndjson" >/dev/null 2>"$T/both.err"
is "$?" 2 "-d and a file: exit 2"
grep -q 'files and --db exclude each other' "$T/both.err"
ok $? "-d and a file: says so"
done_testing
