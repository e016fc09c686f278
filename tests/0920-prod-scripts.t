#!/bin/sh
# The deploy scripts, run for real: scripts/arb-backup (SQLite online
# backup taken while arb-store writes, restored into a scratch copy and
# verified, old ones pruned) and scripts/arb-pipeline (a config file's
# pipeline, run to its end and stopped by SIGTERM).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
S=$top_srcdir/scripts
REC=$ARB_SHARED_DATA/recorded
BAL=$top_srcdir/share/demo/balances.txt

# --- arb-backup: while a paced ingest runs ------------------------------
gen-stream --seed 5 --updates 4000 --venues 2 --assets 3 --depth 3 >"$T/in"
awk '{ print } NR % 200 == 0 { system("sleep 0.05") }' "$T/in" |
	arb-store --db "sqlite:$T/live.db" 2>"$T/store.err" &
ING=$!
sleep 0.4
"$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk" --keep 2 >"$T/bk1.out" 2>&1
ok $? "a backup during the ingest is taken, restored and verified"
grep -q 'backup taken, restored and verified' "$T/bk1.out"
ok $? "it says so"
wait "$ING"
ok $? "the ingest finished"
sleep 1   # backups are named by the second
"$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk" --keep 2 >/dev/null 2>&1
sleep 1
"$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk" --keep 2 >/dev/null 2>&1
is "$(ls "$T/bk" | wc -l)" 2 "only the newest --keep backups are kept"
last=$(ls -t "$T"/bk/arb-*.db | head -n 1)
arb-store --verify "sqlite:$last" >"$T/verify" 2>&1
ok $? "the newest backup verifies"
is "$(arb-store --db "sqlite:$last" --dump | wc -l)" "$(wc -l <"$T/in")" \
	"the backup taken after the ingest holds every record"
# two backups named by the same second (a retry, a run by hand beside the
# timer): the second gets -2, it does not replace the first
mkdir -p "$T/fakebin" "$T/bk6"
printf '#!/bin/sh\necho 20261202T120000Z\n' >"$T/fakebin/date"
chmod +x "$T/fakebin/date"
PATH=$T/fakebin:$PATH "$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk6" >/dev/null 2>&1 &&
	PATH=$T/fakebin:$PATH "$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk6" >"$T/bk6.out" 2>&1
ok $? "two backups within one second: both taken"
is "$(ls "$T/bk6" | tr '\n' ' ')" "arb-20261202T120000Z-2.db arb-20261202T120000Z.db " "  both kept, under two names"
is "$(grep '^arb-backup:' "$T/bk6.out")" "arb-backup: $T/bk6/arb-20261202T120000Z-2.db: backup taken, restored and verified" \
	"  the second names its own file"
# the restore check works beside the backups, not in TMPDIR (a tmpfs /tmp
# would hold a copy of the store in memory), and leaves nothing there
mkdir -p "$T/bk5"
TMPDIR=$T/no/such/dir "$S/arb-backup" --db "sqlite:$T/live.db" --dest "$T/bk5" >"$T/bk5.out" 2>&1
r=$?
ok $r "the restore check does not use TMPDIR"
[ $r -eq 0 ] || sed 's/^/# /' "$T/bk5.out"
is "$(ls -A "$T/bk5" | sed 's/[0-9TZ]*\.db$/STAMP.db/')" "arb-STAMP.db" "and leaves only the backup in --dest"
"$S/arb-backup" --dest "$T/bk" >/dev/null 2>"$T/nodb.err"
is "$?" 2 "no database given: usage error"
# The db of --config is the one arb-store reads (arbitron(7)): before any
# section or in [arb-store], not another program's section, and a value
# as the file format has it (a trailing comment, quotes).  ARB_DB may be a
# plain path, as for arb-store.
arb-store --db "sqlite:$T/other.db" </dev/null
cat >"$T/b.conf" <<EOC
db = "sqlite:$T/live.db"   # the store
[arb-report]
db = sqlite:$T/other.db
EOC
rm -rf "$T/bk"
"$S/arb-backup" --config "$T/b.conf" --dest "$T/bk" >"$T/bk2.out" 2>&1
ok $? "--config: the backup of the global db, not [arb-report]'s ($(tail -n 1 "$T/bk2.out"))"
is "$(arb-store --db "sqlite:$(ls "$T"/bk/arb-*.db)" --dump | wc -l)" "$(wc -l <"$T/in")" \
	"--config: the store's records are in it"
printf '[arb-store]\ndb = sqlite:%s   # the store\n' "$T/live.db" >"$T/b2.conf"
rm -rf "$T/bk"
"$S/arb-backup" --config "$T/b2.conf" --dest "$T/bk" >"$T/bk3.out" 2>&1
ok $? "--config: [arb-store] db with a trailing comment ($(tail -n 1 "$T/bk3.out"))"
is "$(ls "$T" | grep -c '#')" 0 "--config: no database made at a path with the comment in it"
rm -rf "$T/bk"
ARB_DB=$T/live.db "$S/arb-backup" --dest "$T/bk" >"$T/bk4.out" 2>&1
ok $? "ARB_DB a plain path ($(tail -n 1 "$T/bk4.out"))"
is "$(arb-store --db "sqlite:$(ls "$T"/bk/arb-*.db)" --dump | md5sum)" \
	"$(arb-store --db "sqlite:$T/live.db" --dump | md5sum)" "... and the backup holds the same lines"
# restore as arb-store(1) says: the backup copied over a fresh path; the
# reports of the restored store are those of the original
cp "$(ls "$T"/bk/arb-*.db)" "$T/restored.db"
for w in live restored; do
	arb-report --db "sqlite:$T/$w.db" --format json >"$T/rep.$w" 2>&1
done
cmp_ok "$T/rep.restored" "$T/rep.live" "restored: arb-report gives the same"

# --- arb-pipeline: a replay pipeline from a config file ------------------
cat >"$T/p.conf" <<EOC
[pipeline]
feed-args = "--replay $REC/KRAKEN.ws.50.0 $REC/KRAKEN.0"
detect-args = "--max-legs 4"
exec-args = "--balances $BAL --state $T/exec.state"
store-args = "--db sqlite:$T/p.db"
metrics-dir = "$T/metrics dir"
EOC
mkdir -p "$T/metrics dir"
# its own session: a stage that fails makes it signal its process group
setsid -w "$S/arb-pipeline" "$T/p.conf" >"$T/p.out" 2>"$T/p.err"
is "$?" 0 "arb-pipeline runs the config's pipeline to its end"
n=$(arb-store --db "sqlite:$T/p.db" --dump | grep -c '"type":"book"')
ok "$([ "$n" -gt 4000 ] && echo 0 || echo 1)" "the pipeline stored the replayed books ($n)"
ls "$T/metrics dir/arbitron-detect.prom" "$T/metrics dir/arbitron-exec.prom" "$T/metrics dir/arbitron-store.prom" \
	>/dev/null 2>&1
ok $? "each stage wrote its metrics file (arb-feed --replay has none), in a directory whose name has a space (was split into two arguments)"
# the series share/prometheus/alerts.yml watches (tests/prod/alerts-test.yml
# gives them these names and labels)
for s in '^arb_exec_kill_switch 0$' '^arb_exec_unknown_orders 0$' '^arb_store_lag_seconds [0-9.]*$'; do
	grep -q "$s" "$T/metrics dir/arbitron-exec.prom" "$T/metrics dir/arbitron-store.prom"
	ok $? "metrics: $s"
done
"$S/arb-healthcheck" "$T/metrics dir" 60 2>/dev/null
ok $? "arb-healthcheck: fresh metrics are healthy"
# arb-report -f prom from cron writes beside them minutes apart: not a
# program's heartbeat (was: unhealthy 4 minutes in 5)
touch -d '-5 minutes' "$T/metrics dir/arbitron-report.prom"
"$S/arb-healthcheck" "$T/metrics dir" 60 2>"$T/hc.err"
is "$?:$(cat "$T/hc.err")" "0:" "arb-healthcheck: a 5-minute-old arbitron-report.prom beside them: healthy"
touch -d '-5 minutes' "$T/metrics dir/arbitron-exec.prom"
"$S/arb-healthcheck" "$T/metrics dir" 60 2>"$T/hc.err"
is "$?:$(sed 's/ is [0-9]*s old/ is Ns old/' "$T/hc.err")" "1:unhealthy: $T/metrics dir/arbitron-exec.prom is Ns old" \
	"arb-healthcheck: arb-exec's file 5 minutes old: unhealthy, named"
mkdir -p "$T/onlyreport"
touch "$T/onlyreport/arbitron-report.prom"
"$S/arb-healthcheck" "$T/onlyreport" 60 2>"$T/hc.err"
is "$?:$(cat "$T/hc.err")" "1:unhealthy: no metrics in $T/onlyreport yet" "arb-healthcheck: only arb-report's file: no program's metrics yet"
"$S/arb-healthcheck" "$T/nometrics" 60 2>/dev/null
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "arb-healthcheck: no metrics is unhealthy"
# usage errors: exit 2, the usage line alone (dash printed "SCRIPT: 6: 1: usage...")
"$S/arb-healthcheck" 2>"$T/u.err"
is "$?:$(cat "$T/u.err")" "2:usage: arb-healthcheck DIR [MAXAGE]" "arb-healthcheck without DIR: usage, exit 2"
"$S/arb-healthcheck" "$T/metrics" 1m 2>"$T/u.err"
is "$?:$(cat "$T/u.err")" '2:arb-healthcheck: MAXAGE: expected seconds, got "1m"' "arb-healthcheck: MAXAGE not in seconds: exit 2"
"$S/arb-pipeline" 2>"$T/u.err"
is "$?:$(cat "$T/u.err")" "2:usage: arb-pipeline CONFIG" "arb-pipeline without CONFIG: usage, exit 2"
# -h is help asked for (STYLE): the usage on stdout, exit 0, not a
# config file named -h or a directory without metrics
for s in arb-pipeline arb-healthcheck; do
	"$S/$s" -h >"$T/h.out" 2>"$T/h.err"
	is "$?:$(head -c 7 "$T/h.out"):$(cat "$T/h.err")" "0:usage: :" "$s -h: the usage on stdout, exit 0"
done

# SIGTERM to the launcher stops every stage gracefully
sed -i 's/^feed-args = "--replay /feed-args = "--speed 5 --replay /' "$T/p.conf"
rm -f "$T/p.db"*
# its own session: the launcher signals its whole process group
setsid "$S/arb-pipeline" "$T/p.conf" >"$T/p2.out" 2>"$T/p2.err" &
PL=$!
sleep 1.5
kill -TERM "$PL"
wait "$PL"
is "$?" 0 "SIGTERM to arb-pipeline: exit 0"
sleep 0.5
is "$(pgrep -f "sqlite:$T/p.db" | wc -l)" 0 "no stage is left running"
arb-store --verify "sqlite:$T/p.db" >/dev/null 2>&1
ok $? "the store is consistent"
# A stage that fails stops the others, even an arb-feed that has nothing to
# write (its input idle: a FIFO held open), and the launcher exits with
# that failure (before, it waited for arb-feed for ever).
mkfifo "$T/idle"
exec 7<>"$T/idle"
cat >"$T/f.conf" <<EOC
[pipeline]
feed-args = "--replay $T/idle"
exec-args = "--balances $BAL --state $T/f.state"
store-args = "--db sqlite:$T/p.conf/cannot.db"
EOC
setsid "$S/arb-pipeline" "$T/f.conf" >"$T/f.out" 2>"$T/f.err" &
PL=$!
i=0
while kill -0 "$PL" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$PL" 2>/dev/null; then
	ok 1 "a failed stage stops the pipeline within 10 s"
	pkill -f "replay $T/idle"
	wait "$PL"
	ok 1 "... exit status"
else
	ok 0 "a failed stage stops the pipeline within 10 s"
	wait "$PL"
	is "$?" 1 "... exit status 1, arb-store's"
fi
grep -q 'arb-pipeline: arb-store exited with status 1: stopping the pipeline' "$T/f.err"
ok $? "it names the stage that failed"
sleep 0.3
is "$(pgrep -f "replay $T/idle" | wc -l)" 0 "no stage is left running (arb-feed stopped too)"
exec 7>&-
done_testing
