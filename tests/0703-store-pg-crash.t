#!/bin/sh
# arb-store with PostgreSQL when things break: the server stopped with
# `pg_ctl stop -m immediate` during an ingest with --tee (arb-store retries,
# the server comes back, the ingest completes), arb-store killed with -9,
# and a server that stays away (arb-store gives up with exit 1, having
# passed on nothing it did not store).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/store/pg.sh"
S=$top_srcdir/tests/store
pg_start
N=40000
"$S/gen-stream" $N 11 > "$T/in.ndjson"
sort "$T/in.ndjson" > "$T/in.sorted"

whole() {  # whole lines only: a kill may cut the last write short
	if [ -s "$1" ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" != '\n' ]; then
		sed '$d' "$1"
	else
		cat "$1"
	fi
}
check() {  # check TEE NAME: integrity of what was passed on
	arb-store -d "$ARB_PG_URL" --dump | sort > "$T/dump"
	whole "$1" | sort | comm -23 - "$T/dump" > "$T/missing"
	is "$(wc -l < "$T/missing")" 0 "$2: all $(whole "$1" | wc -l) lines passed on are stored ($(wc -l < "$T/dump") rows)"
	is "$(uniq -d "$T/dump" | wc -l)" 0 "$2: no duplicates"
}
delays=$(od -An -N8 -tu2 /dev/urandom | tr -s ' ' '\n' | sed '/^$/d' |
	awk '{ printf "%.2f\n", 0.1 + ($1 % 40) / 100 }')

# The server stops hard while arb-store waits for input, and is still down
# when the input resumes: the next batch must wait for it.
half=$((N / 2))
{ head -n $half "$T/in.ndjson"; sleep 2; tail -n +$((half + 1)) "$T/in.ndjson"; } |
	arb-store -d "$ARB_PG_URL" --tee -b 4000 --retry 60s > "$T/tee" 2>"$T/err" &
pid=$!
sleep 1
pg_ctl_ -m immediate -w stop >/dev/null 2>&1
ok $? "stop -m immediate while idle"
sleep 2
pg_ctl_ -w -t 60 start >/dev/null 2>&1
ok $? "server back"
wait $pid
ok $? "arb-store completed after the server came back"
grep -q "retrying" "$T/err"; ok $? "the retries are reported"
cmp_ok "$T/tee" "$T/in.ndjson" "every line passed on, in order"
arb-store -d "$ARB_PG_URL" --dump | sort > "$T/dump"
cmp_ok "$T/dump" "$T/in.sorted" "every record stored exactly once"

# The server stops hard at random moments during the ingest and comes back.
i=0
for d in $delays; do
	i=$((i + 1))
	[ $i -le 2 ] || break
	pg_sql "TRUNCATE books, trades, opportunities, results" >/dev/null 2>&1
	arb-store -d "$ARB_PG_URL" --tee -b 4000 --retry 60s < "$T/in.ndjson" > "$T/tee" 2>"$T/err" &
	pid=$!
	sleep "$d"
	pg_ctl_ -m immediate -w stop >/dev/null 2>&1
	ok $? "stop -m immediate #$i after ${d}s"
	sleep 0.5
	pg_ctl_ -w -t 60 start >/dev/null 2>&1
	ok $? "server back #$i"
	wait $pid
	ok $? "arb-store #$i completed after the server came back"
	cmp_ok "$T/tee" "$T/in.ndjson" "#$i: every line passed on, in order"
	arb-store -d "$ARB_PG_URL" --dump | sort > "$T/dump"
	cmp_ok "$T/dump" "$T/in.sorted" "#$i: every record stored exactly once"
done

# kill -9 of arb-store during an ingest.
pg_sql "TRUNCATE books, trades, opportunities, results" >/dev/null 2>&1
i=0
for d in $delays; do
	i=$((i + 1))
	[ $i -le 3 ] || break
	arb-store -d "$ARB_PG_URL" --tee -b 4000 < "$T/in.ndjson" > "$T/tee" 2>/dev/null &
	pid=$!
	sleep "$d"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	check "$T/tee" "kill -9 #$i after ${d}s"
done
arb-store -d "$ARB_PG_URL" < "$T/in.ndjson"
arb-store -d "$ARB_PG_URL" --dump | sort > "$T/dump"
cmp_ok "$T/dump" "$T/in.sorted" "a rerun completes it, no duplicates"

# A crash between the two COMMITs of a batch spread over two connections:
# the second one's COMMIT is held (a deferred trigger sleeps on the batch's
# last book row) when arb-store is killed and the server stopped hard.
# The first half is stored, nothing was passed on, and a rerun completes
# the stream with no duplicates and the books' ids in input order.
pg_sql "CREATE DATABASE h" >/dev/null
H=$(echo "$ARB_PG_URL" | sed 's,/postgres?,/h?,')
hq() { psql -X -q -A -t -d h -c "$1"; }
head -n 20000 "$T/in.ndjson" > "$T/h.ndjson"
arb-store -d "$H" < /dev/null
last_ts=$(grep '"type":"book"' "$T/h.ndjson" | tail -n 1 | sed 's/.*"ts":\([0-9]*\),.*/\1/')
hq "CREATE TABLE hold (x int); INSERT INTO hold VALUES (1);
CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN IF EXISTS (SELECT 1 FROM hold) THEN PERFORM pg_sleep(30); END IF; RETURN NULL; END \$\$;
CREATE CONSTRAINT TRIGGER hold AFTER INSERT ON books DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.ts = $last_ts) EXECUTE FUNCTION hold();" >/dev/null
arb-store -d "$H" --tee -b 20000 -i 1h < "$T/h.ndjson" > "$T/tee" 2>/dev/null &
pid=$!
n=0; while [ "$(hq "SELECT count(*) FROM books")" = 0 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
# the first half is committed; wait until the second waits in its COMMIT
n=0; while [ "$(hq "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")" = 0 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
kill -9 $pid 2>/dev/null
pg_ctl_ -m immediate -w stop >/dev/null 2>&1
ok $? "kill -9 and stop -m immediate between the two COMMITs"
pg_ctl_ -w -t 60 start >/dev/null 2>&1
ok $? "server back"
wait $pid 2>/dev/null
is "$(wc -c < "$T/tee")" 0 "nothing was passed on"
first=$(hq "SELECT count(*) FROM books")
nbooks=$(grep -c '"type":"book"' "$T/h.ndjson")
[ "$first" -gt 0 ] && [ "$first" -lt "$nbooks" ]; ok $? "half the batch is stored ($first of $nbooks books)"
hq "DELETE FROM hold" >/dev/null
arb-store -d "$H" --tee -b 20000 -i 1h < "$T/h.ndjson" > "$T/tee"
ok $? "rerun"
cmp_ok "$T/tee" "$T/h.ndjson" "rerun: every line passed on"
arb-store -d "$H" --dump | sort > "$T/dump"
sort "$T/h.ndjson" | cmp -s - "$T/dump"; ok $? "rerun: every record stored exactly once"
arb-store -d "$H" --dump | grep '"type":"book"' > "$T/dumpb"
grep '"type":"book"' "$T/h.ndjson" | cmp -s - "$T/dumpb"; ok $? "rerun: books' ids in input order"

# A server that stays away: retry, then give up with exit 1.
pg_ctl_ -m immediate -w stop >/dev/null 2>&1
head -n 100 "$S/all-types.ndjson" | arb-store -d "$ARB_PG_URL" --tee --retry 1s > "$T/tee" 2>"$T/err"
is $? 1 "server gone for good: exit 1"
grep -q "giving up after" "$T/err"; ok $? "with a clear message ($(grep giving "$T/err" | head -c 100))"
is "$(wc -c < "$T/tee")" 0 "nothing was passed on that is not stored"
done_testing
