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

# One check per line: every check line applies (the last one alone did,
# silently dropping the others), a global one too; the environment's one
# value replaces them; the command line adds its own.
cat >"$T/cc.conf" <<'EOC'
check = records > 1
[arb-report]
check = executed == 5
check = "pnl > 100"
check = unwound == 1
EOC
arb-report --config "$T/cc.conf" -f csv <"$F" >"$T/cc.csv" 2>"$T/cc.err"
is "$? $(tr -d '\r' <"$T/cc.csv" | grep '^checks,' | tr '\n' '|')" \
	"3 checks,records > 1,121,ok|checks,executed == 5,6,BREACHED|checks,pnl > 100,7.35,BREACHED|checks,unwound == 1,1,ok|" \
	"every check line of the file applies, in order"
is "$(grep breached "$T/cc.err")" "arb-report: check breached: executed == 5 (executed is 6)
arb-report: check breached: pnl > 100 (pnl is 7.35)" "the breached ones are listed"
printf '[arb-report]\ncheck = records > 1\ncheck = pnl >> 1\n' >"$T/cc2.conf"
arb-report --config "$T/cc2.conf" <"$F" >/dev/null 2>"$T/cc2.err"
is "$? $(cat "$T/cc2.err")" "2 arb-report: $T/cc2.conf:3: --check 'pnl >> 1': expected a decimal number at \"> 1\"" \
	"a bad check line is named by its own line"
ARB_CHECK='records > 1' arb-report --config "$T/cc.conf" -f csv <"$F" 2>/dev/null | tr -d '\r' | grep '^checks,' >"$T/cc3.out"
is "$(cat "$T/cc3.out")" "checks,records > 1,121,ok" "ARB_CHECK replaces the file's check lines"
arb-report --config "$T/cc.conf" -C 'kills == 0' -f csv <"$F" 2>/dev/null | tr -d '\r' | grep -c '^checks,' >"$T/cc4.out"
is "$(cat "$T/cc4.out")" 5 "-C adds to the file's checks"

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
