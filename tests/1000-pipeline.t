#!/bin/sh
# End-to-end: the demo pipeline on short inputs (a real Kraken capture and
# a synthetic scenario): golden summary report, byte-identical reruns,
# the store holds exactly what the last stage wrote, pass-through of
# unknown records, and jq reads every record written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
G=$top_srcdir/tests/golden/pipeline
BAL=$top_srcdir/share/demo/balances.txt
REC=$ARB_SHARED_DATA/recorded

pipeline() { # OUT DB: real Kraken + synthetic scenario, stored with --tee
	{
		arb-feed --replay "$REC"/KRAKEN.* 2>/dev/null
		gen-stream --seed 7 --updates 3000 --venues 3 --assets 4 --depth 5
	} | arb-detect --max-legs 4 --explain 2>"$1.detect.err" \
	  | arb-exec --balances "$BAL" 2>"$1.exec.err" \
	  | arb-store --tee --db "sqlite:$2" 2>"$1.store.err" >"$1"
}

pipeline "$T/out1" "$T/one.db"
ok $? "the pipeline runs"
is "$(cat "$T/out1.store.err")" "" "arb-store rejects nothing the other programs wrote"
pipeline "$T/out2" "$T/two.db"
cmp_ok "$T/out2" "$T/out1" "a second run gives byte-identical output"

# Every record type the pipeline writes is there, and jq reads them all.
types=$(jq -r .type "$T/out1" | sort -u | tr '\n' ' ')
is "$types" "balance book fill instrument opportunity order reject result status " \
	"the stream holds every record type of the pipeline"
jq -e . "$T/out1" >/dev/null
ok $? "jq -e . reads every record written"

# The store holds exactly the records the last stage wrote out.
arb-store --db "sqlite:$T/one.db" --dump >"$T/dump"
ok $? "arb-store --dump"
sort "$T/out1" >"$T/out1.sorted"
sort "$T/dump" >"$T/dump.sorted"
cmp_ok "$T/dump.sorted" "$T/out1.sorted" "the store holds every record that --tee wrote, once"
arb-store --verify "sqlite:$T/one.db" >"$T/verify" 2>&1
ok $? "the store verifies (integrity check)"

# Golden summary from the store, and the same from the stream.
arb-report --db "sqlite:$T/one.db" >"$T/summary.db" 2>&1
cmp_ok "$T/summary.db" "$G/summary.txt" "golden summary report (from the store)"
arb-report <"$T/out1" >"$T/summary.stdin" 2>&1
cmp_ok "$T/summary.stdin" "$G/summary.txt" "the same report from the stream on stdin"

# Pass-through: unknown types and unknown keys go through every stage
# (feed replay | detect | exec | store --tee) byte for byte, in order.
{
	echo '{"type":"x-note","ts":1,"text":"before everything","nested":{"a":[1,2.50,"x"]}}'
	arb-feed --replay "$REC"/KRAKEN.ws.48.0 "$REC"/KRAKEN.0 2>/dev/null | awk '
		NR % 7 == 0 { print "{\"type\":\"x-probe\",\"n\":" NR ",\"weird key\":\"\\u00e9\\n\"}" }
		{ print }
		NR % 11 == 0 && /"type":"book"/ { sub(/}$/, ",\"x_extra\":[true,null,0.100]}"); print }'
	echo '{"type":"x-note","ts":2,"text":"after everything"}'
} >"$T/in-unknown"
arb-detect <"$T/in-unknown" 2>/dev/null | arb-exec --balances "$BAL" 2>/dev/null \
  | arb-store --tee --db "sqlite:$T/unk.db" 2>"$T/unk.err" >"$T/out-unknown"
grep -v '"type":"\(opportunity\|reject\|order\|fill\|result\|balance\|risk\)"' "$T/out-unknown" >"$T/out-unknown.in"
cmp_ok "$T/out-unknown.in" "$T/in-unknown" "unknown types and keys come out intact, in order"
is "$(grep -c '"type":"x-' "$T/out-unknown")" "$(grep -c '"type":"x-' "$T/in-unknown")" \
	"every unknown record passed"
is "$(arb-store --db "sqlite:$T/unk.db" --dump | grep -c '"type":"x-')" \
	"$(grep -c '"type":"x-' "$T/in-unknown")" "unknown records are stored too"
done_testing
