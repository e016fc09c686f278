#!/bin/sh
# arb-detect's candidates keyed by venue, symbol and currencies when those
# names are odd: venue names with ':' and '>', currencies with '>', two
# books of one venue joining the same two currencies (X/Y beside Y/X, an
# instrument whose symbol names other currencies than its base and quote).
# Candidates whose keys spell the same text are made once.  The expected
# records are what arb-detect wrote before its candidates' key table
# changed (fa8539d, an independent build of the older code), not computed
# by hand: a regression check on the paths that only such names reach.
# Also: input passed through unchanged, the same opportunities without
# --explain, a second run byte-identical.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
G=$top_srcdir/tests/golden/detect

for name in names parallel; do
	grep -v '^#' "$G/keys-$name.in" >"$T/$name.in"
	arb-detect --explain --max-legs 4 "$T/$name.in" >"$T/$name.got" 2>"$T/$name.err"
	ok $? "$name: arb-detect runs"
	grep -E '^\{"type":"(opportunity|reject)",' "$T/$name.got" >"$T/$name.added"
	if cmp -s "$T/$name.added" "$G/keys-$name.out"; then
		ok 0 "$name: the same records as before ($(wc -l <"$T/$name.added"))"
	else
		ok 1 "$name: the same records as before"
		diff -u "$G/keys-$name.out" "$T/$name.added" | head -n 20 | sed 's/^/# /'
	fi
	grep -c '"kind":"cycle"' "$T/$name.added" >"$T/n" && [ "$(cat "$T/n")" -gt 0 ]
	ok $? "$name: cycles among them ($(cat "$T/n"))"
	grep -vE '^\{"type":"(opportunity|reject)",' "$T/$name.got" | cmp -s - "$T/$name.in"
	ok $? "$name: input passed through unchanged"
	arb-detect --max-legs 4 "$T/$name.in" 2>/dev/null | grep '^{"type":"opportunity"' >"$T/$name.plain"
	grep '^{"type":"opportunity"' "$T/$name.got" | cmp -s - "$T/$name.plain"
	ok $? "$name: the same opportunities without --explain"
	arb-detect --explain --max-legs 4 <"$T/$name.in" 2>/dev/null | cmp -s - "$T/$name.got"
	ok $? "$name: a second run from stdin is byte-identical"
done
done_testing
