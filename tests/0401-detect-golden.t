#!/bin/sh
# arb-detect golden cases: hand-computed scenarios (tests/golden/detect/*.in
# explain each number in their comment lines), compared byte for byte.  Also:
# every input line passes through unchanged and in order, and a second run
# gives byte-identical output.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
G=$top_srcdir/tests/golden/detect
cd "$G" || exit 1

grep -v '^#' cases | while read -r name in args; do
	[ -n "$name" ] || continue
	grep -v '^#' "$in" >"$T/$name.in"
	# shellcheck disable=SC2086
	arb-detect $args "$T/$name.in" >"$T/$name.got" 2>"$T/$name.err"
	echo "$? $name"
	cmp -s "$T/$name.got" "$name.out"
	echo "$? $name golden"
	if ! cmp -s "$T/$name.got" "$name.out"; then
		diff -u "$name.out" "$T/$name.got" | head -n 20 | sed 's/^/# /'
	fi
	grep -vE '^\{"type":"(opportunity|reject)",' "$T/$name.got" >"$T/$name.pass"
	cmp -s "$T/$name.pass" "$T/$name.in"
	echo "$? $name passes input through"
	# shellcheck disable=SC2086
	arb-detect $args <"$T/$name.in" >"$T/$name.again" 2>/dev/null
	cmp -s "$T/$name.again" "$T/$name.got"
	echo "$? $name deterministic (stdin, second run)"
done >"$T/results"
while read -r rc what; do
	case "$rc" in
	'#') echo "$rc $what" ;;
	*) ok "$rc" "$what" ;;
	esac
done <"$T/results"
done_testing
