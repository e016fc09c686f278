#!/bin/sh
# bench/json-icount.sh [RECORDS]: instructions per record of the record
# parser, counted by valgrind's callgrind (which, unlike time, does not
# depend on the load of the machine), for the rows of bench/json-bench
# that are ours, on each class of its stream: the tokenizer, arb_rec_parse
# and + arb_rec_book, and the same two through the general path only (the
# parser before the fast path).  Each count is callgrind's total inside
# the row's function over its warm-up and three passes, divided by the
# records parsed; the loop of the benchmark itself is included (about 30
# instructions a record).  Run from a build directory: `make
# bench-json-icount`.
set -eu
n=${1:-2000}
bench=${JSON_BENCH:-bench/json-bench}
command -v valgrind >/dev/null 2>&1 || { echo "json-icount: valgrind not found (apt-get install valgrind)"; exit 1; }
[ -x "$bench" ] || { echo "json-icount: $bench not built (make)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
classes="quote book10 trade status mixed"
printf '%-26s' "instructions per record"
for c in $classes; do printf ' %8s' "$c"; done
echo
for row in "arb tokenizer:run_arb_tok" "arb_rec_parse:run_arb_rec" "+ arb_rec_book:run_arb_book" \
    "+ arb_rec_book_take:run_arb_take" \
    "arb_rec_parse (general):run_arb_rec_gen" "+ arb_rec_book (general):run_arb_book_gen"; do
	name=${row%%:*}
	fn=${row##*:}
	printf '%-26s' "$name"
	for c in $classes; do
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" --toggle-collect="$fn" \
		    "$bench" -n "$n" -t 0 -c "$c" -p "$name" >"$tmp/out" 2>"$tmp/err" || {
			echo; echo "json-icount: $name on $c failed:"; cat "$tmp/err"; exit 1; }
		ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err")
		# the warm-up and three passes: 4 n records
		printf ' %8d' $((ir / (4 * n)))
	done
	echo
done
