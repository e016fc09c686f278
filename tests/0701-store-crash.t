#!/bin/sh
# arb-store with SQLite under kill -9: at random moments during a large
# ingest with --tee, ten times.  After each kill the database passes its
# integrity check and holds every line that --tee had passed on; a final
# rerun of the stream completes it with no duplicates.
. "${top_srcdir:-.}/tests/lib.sh"
S=$top_srcdir/tests/store
command -v sqlite3 >/dev/null || { echo "1..1"; echo "not ok 1 - sqlite3 (the CLI) not found: install sqlite3"; exit 1; }
N=60000
"$S/gen-stream" $N 7 > "$T/in.ndjson"
sort "$T/in.ndjson" > "$T/in.sorted"
# The input comes in 12 pieces 50 ms apart, so that the ingest lasts longer
# than the latest kill even on a fast machine.
split -l $((N / 12)) "$T/in.ndjson" "$T/piece."
feed() { for f in "$T"/piece.*; do cat "$f"; sleep 0.05; done; }

# Random delays (seconds) from the kernel's generator.
delays=$(od -An -N20 -tu2 /dev/urandom | tr -s ' ' '\n' | sed '/^$/d' |
	awk '{ printf "%.2f\n", 0.05 + ($1 % 40) / 100 }')
i=0
for d in $delays; do
	i=$((i + 1))
	[ $i -le 10 ] || break
	feed | arb-store -d "$T/a.db" --tee -b 5000 > "$T/tee" 2>"$T/err" &
	pid=$!
	sleep "$d"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# Only whole lines count: the kill may cut the last write short.
	if [ -s "$T/tee" ] && [ "$(tail -c 1 "$T/tee" | od -An -c | tr -d ' ')" != '\n' ]; then
		sed '$d' "$T/tee" > "$T/tee.whole"
	else
		cp "$T/tee" "$T/tee.whole"
	fi
	# (A kill before the schema was committed leaves an empty database:
	# SQLite's own check then, not --verify, which wants the schema.)
	is "$(sqlite3 "$T/a.db" "PRAGMA integrity_check")" ok "kill -9 #$i after ${d}s: integrity ok"
	arb-store -d "$T/a.db" --dump 2>/dev/null | sort > "$T/dump"
	sort "$T/tee.whole" | comm -23 - "$T/dump" > "$T/missing"
	is "$(wc -l < "$T/missing")" 0 "kill -9 #$i: all $(wc -l < "$T/tee.whole") lines passed on are stored ($(wc -l < "$T/dump") rows)"
	is "$(uniq -d "$T/dump" | wc -l)" 0 "kill -9 #$i: no duplicates"
done
arb-store -d "$T/a.db" < "$T/in.ndjson"
ok $? "a rerun completes"
arb-store -d "$T/a.db" --dump | sort > "$T/dump"
cmp_ok "$T/dump" "$T/in.sorted" "every record stored exactly once"
done_testing
