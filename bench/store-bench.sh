#!/bin/sh
# bench/store-bench.sh [N]: records per second that arb-store stores into
# SQLite and into PostgreSQL (a private cluster started here, as in the
# tests), for a realistic mix of N generated records (default 500000: about
# 90% book records with 5 levels a side, 8% trades, some opportunities and
# results), with the peak RSS of each run, against the raw limits measured
# in the same run on the same lines: reading them (cat), plain batched
# SQLite inserts of the line alone, and one raw PostgreSQL COPY of the line
# alone (bench/store-raw).  Then the same stream again (every record a
# duplicate), which is what a restarted or replayed stream costs.
# Run from the build directory: `make bench-store`, or
#   top_srcdir=SRC sh SRC/bench/store-bench.sh 200000
# With BASELINE=PATH (an older arb-store binary), the same runs of it come
# next to each arb-store row, each into a database of its own.  Then, when
# the pipeline's programs are built, the stream that arb-store gets at the
# end of bench/pipeline-bench.sh (bench/gen-stream --record of PIPE_UPDATES
# book updates, default 100000, through arb-feed --replay, arb-detect and
# arb-exec: books, orders, balances, opportunities, fills, results) into
# arb-store --tee, whose record time is dense (a commit every 200 ms of it
# means a few hundred records a commit).  Last, the idle latency of
# arb-store --tee (bench/probe: one record at a time into an idle stage,
# until it comes out) beside `cat`.
# With PG_HUGEPAGES=N (as root), the PostgreSQL runs are made once more
# with the server's shared memory in huge pages (N reserved for the run,
# then given back).
# Targets (issue 7): 0.5 M records/s into SQLite, 0.3 M into PostgreSQL;
# (issue 10) per-hop latency p99 under 50 us when the stream is idle.
set -u
N=${1:-500000}
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
B=$(pwd)
STORE=$B/bin/arb-store
RAW=$B/bench/store-raw
[ -x "$STORE" ] && [ -x "$RAW" ] || { echo "store-bench: build first (bin/arb-store, bench/store-raw)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/arbbench.XXXXXX")
trap 'rm -rf "$T"' EXIT
skip_all() { echo "store-bench: $*" >&2; exit 0; }
. "$top_srcdir/tests/store/pg.sh"

echo "store-bench: generating $N records" >&2
"$top_srcdir/tests/store/gen-stream" "$N" 1 > "$T/in.ndjson"
bytes=$(wc -c < "$T/in.ndjson")

# run NAME CMD...: times CMD (stdin: $IN, $N records), prints one row.
# The last six columns come from arb-store's -vv report: CPU seconds of
# its threads (reading and staging; committing; SQLite checkpoints; syncing
# the WAL with synchronous full), the number of transactions and the wall
# seconds the committing thread waited for the checkpointer (WAL restarts);
# "-" when the program does not report them (cat, store-raw, an older
# arb-store).  Then the server's CPU seconds (PostgreSQL) and the client's
# page faults.
IN=$T/in.ndjson
# CPU ticks of the private cluster's server processes that have ended
# (the postmaster's children): around a run, the server's share of it.
srv_ticks() {
	if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		awk '{ print $16 + $17 }' "/proc/$(head -n 1 "$PG_DIR/data/postmaster.pid")/stat" 2>/dev/null || echo 0
	else
		echo 0
	fi
}
run() {
	name=$1; shift
	# the page cache that the run before dirtied is written back now, not
	# during this run (where it made the next run 20 to 40 % slower)
	sync
	s0=$(srv_ticks)
	/usr/bin/time -f "%e %U %S %M %R" -o "$T/time" "$@" < "$IN" > /dev/null 2> "$T/err" ||
		{ echo "store-bench: $name failed:" >&2; cat "$T/err" >&2; }
	thr=$(awk '/cpu seconds: reading and staging/ { m = $7 + 0; c = $9 + 0 }
		/checkpoints in their thread/ { k = $(NF - 2) }
		/cpu seconds: syncing/ { y = $NF }
		/ batches$/ { b = $(NF - 1) }
		/committing thread waited/ { for (i = 1; i < NF; i++) if ($i == "waited") w = $(i + 1) }
		END { printf "%s %s %s %s %s %s", m == "" ? "-" : m, c == "" ? "-" : c, k == "" ? "-" : k,
		    y == "" ? "-" : y, b == "" ? "-" : b, w == "" ? "-" : w }' "$T/err")
	sleep 0.2  # the server processes end just after the client
	srv=$(awk -v a="$s0" -v b="$(srv_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%s", (b > a ? sprintf("%.2f", (b - a) / hz) : "-") }')
	set -- $(tail -n 1 "$T/time") $thr
	awk -v name="$name" -v n="$N" -v s="$1" -v u="$2" -v sy="$3" -v rss="$4" -v flt="$5" -v thr="$6 $7 $8 $9" -v txn="${10}" -v rw="${11}" -v srv="$srv" 'BEGIN {
		cpu = u + sy
		if (s < 0.01) s = 0.01
		if (cpu < 0.01) cpu = 0.01
		split(thr, t, " ")
		for (i = 1; i <= 4; i++)
			if (t[i] != "-") t[i] = sprintf("%.2f", t[i])
		if (rw != "-") rw = sprintf("%.2f", rw)
		printf "%-38s %8d %7.2f %10.0f %7.2f %10.0f %9d %6s %6s %6s %6s %6s %6s %6s %7s\n", name, n, s, n / s, cpu, n / cpu, rss,
		    t[1], t[2], t[3], t[4], txn, rw, srv, flt }'
}

BASE=${BASELINE:-}
[ -z "$BASE" ] || [ -x "$BASE" ] || { echo "store-bench: BASELINE=$BASE is not executable" >&2; exit 2; }

printf "%-38s %8s %7s %10s %7s %10s %9s %6s %6s %6s %6s %6s %6s %6s %7s\n" "run" "records" "wall_s" "rec/s" "cpu_s" "rec/cpu_s" "RSS_KB" \
    "main" "commit" "ckpt" "sync" "txns" "rst_s" "srv_s" "faults"
echo "# input: $N lines, $bytes bytes"
run "baseline: cat" cat
run "raw: sqlite batched INSERT (line)" "$RAW" sqlite "$T/raw.db"
for v in "" ${BASE:+old}; do
	S=$STORE; [ -n "$v" ] && S=$BASE
	tag=${v:+" (baseline)"}
	run "arb-store sqlite$tag" "$S" -vv -d "sqlite:$T/a$v.db"
	run "arb-store sqlite, replay (dups)$tag" "$S" -vv -d "sqlite:$T/a$v.db"
	run "arb-store sqlite --sync normal$tag" "$S" -vv --synchronous normal -d "sqlite:$T/b$v.db"
done

# The pipeline's stream (see the header), when its programs are built.
PU=${PIPE_UPDATES:-100000}
if [ -x "$B/bench/gen-stream" ] && [ -x "$B/bin/arb-feed" ] && [ -x "$B/bin/arb-detect" ] && [ -x "$B/bin/arb-exec" ]; then
	"$B/bench/gen-stream" --seed 1 --updates "$PU" --venues 6 --assets 51 --depth 5 --dislocate-every 5000 \
	    --record "$T/rec" > /dev/null &&
	"$B/bin/arb-feed" --replay --depth 5 "$T"/rec/*.0 > "$T/s1" 2> /dev/null &&
	awk -F'"' '/"type":"instrument"/ { for (i = 1; i < NF; i++) { if ($i == "ex") ex = $(i+2)
		if ($i == "base") b = $(i+2); if ($i == "quote") q = $(i+2) }
		print ex, b, 1000000; print ex, q, 1000000 }' "$T/s1" | sort -u > "$T/bal" &&
	"$B/bin/arb-detect" < "$T/s1" 2> /dev/null | "$B/bin/arb-exec" --balances "$T/bal" > "$T/pipe.ndjson" 2> /dev/null
	rm -rf "$T/rec" "$T/s1"
	IN=$T/pipe.ndjson
	NSAVE=$N
	N=$(wc -l < "$IN")
	echo "# the pipeline's stream: $N records, $(wc -c < "$IN") bytes (bench/gen-stream --updates $PU | feed | detect | exec)"
	for v in "" ${BASE:+old}; do
		S=$STORE; [ -n "$v" ] && S=$BASE
		tag=${v:+" (baseline)"}
		run "pipeline stream: sqlite --tee$tag" "$S" -vv --tee -d "sqlite:$T/p$v.db"
		run "pipeline stream: --tee --sync normal$tag" "$S" -vv --tee --synchronous normal -d "sqlite:$T/q$v.db"
	done
	rm -f "$IN"
	IN=$T/in.ndjson
	N=$NSAVE
else
	echo "# (the pipeline's stream: skipped, bench/gen-stream, arb-feed, arb-detect or arb-exec not built)"
fi

pg_start >/dev/null
# PostgreSQL's default shared_buffers (128 MB, so wal_buffers 4 MB), not the
# tests' 64 MB: the benchmark measures a plainly configured server.
pg_sql "ALTER SYSTEM SET shared_buffers = '128MB'" >/dev/null && pg_ctl_ -w -t 60 restart >/dev/null 2>&1
run "raw: PostgreSQL COPY (line)" "$RAW" pg "$ARB_PG_URL"
# pg_runs DB LABEL [dups]: arb-store (and BASE) into a fresh database DB
# (DBold for BASE) of the cluster, with "dups" the same stream again.
pg_runs() {
	for v in "" ${BASE:+old}; do
		S=$STORE; [ -n "$v" ] && S=$BASE
		tag=${v:+" (baseline)"}
		pg_sql "CREATE DATABASE $1$v" >/dev/null
		U=$(echo "$ARB_PG_URL" | sed "s,/postgres?,/$1$v?,")
		run "$2$tag" "$S" -vv -d "$U"
		[ "${3:-}" = dups ] && run "arb-store postgresql, replay (dups)$tag" "$S" -vv -d "$U"
	done
}
pg_runs b "arb-store postgresql" dups
# The same server with its shared memory in huge pages (huge_pages = on,
# PostgreSQL's documented setting for Linux), when PG_HUGEPAGES=N asks for
# it: as root, N huge pages of 2 MiB are reserved for the run
# (vm.nr_hugepages) and the old number is put back at the end.  Without
# them every backend faults on each 4 KiB page of shared memory it touches
# (tens of thousands a run, see bench/README); arb-store is the same.
HP_OLD=
hp_restore() { [ -n "$HP_OLD" ] && echo "$HP_OLD" > /proc/sys/vm/nr_hugepages; HP_OLD=; }
if [ -n "${PG_HUGEPAGES:-}" ]; then
	if [ "$(id -u)" -ne 0 ] || [ ! -w /proc/sys/vm/nr_hugepages ]; then
		echo "# (PG_HUGEPAGES: not root, vm.nr_hugepages left alone: no huge-page runs)"
	else
		HP_OLD=$(cat /proc/sys/vm/nr_hugepages)
		trap 'pg_stop; hp_restore; rm -rf "$T"' EXIT
		[ "$HP_OLD" -lt "$PG_HUGEPAGES" ] && echo "$PG_HUGEPAGES" > /proc/sys/vm/nr_hugepages
		if pg_sql "ALTER SYSTEM SET huge_pages = 'on'" >/dev/null && pg_ctl_ -w -t 60 restart >/dev/null 2>&1; then
			echo "# the server's shared memory in huge pages: huge_pages = on, $(awk '/^HugePages_(Total|Free|Rsvd):/ { v[$1] = $2 }
			    END { print v["HugePages_Total:"] - v["HugePages_Free:"] + v["HugePages_Rsvd:"] }' /proc/meminfo) of $(cat /proc/sys/vm/nr_hugepages) huge pages (2 MiB) in use or reserved"
			run "raw: PostgreSQL COPY (line), huge pages" "$RAW" pg "$ARB_PG_URL"
			pg_runs h "arb-store postgresql, huge pages"
		else
			echo "# (PG_HUGEPAGES=$PG_HUGEPAGES: the server did not start with huge_pages = on (too few free huge pages?): no huge-page runs)"
			pg_sql "ALTER SYSTEM SET huge_pages = 'try'" >/dev/null 2>&1
			pg_ctl_ -w -t 60 start >/dev/null 2>&1
		fi
	fi
fi
echo "# targets: 500000 records/s into SQLite, 300000 into PostgreSQL"
echo "# cpu_s: user+system time of the client process only (for PostgreSQL the server's work is not in it)"
echo "# main, commit, ckpt, sync: CPU seconds of arb-store's threads (reading and staging; committing; SQLite checkpoints;"
echo "#   syncing the WAL, synchronous full); txns: transactions (batches) committed; rst_s: seconds the"
echo "#   committing thread waited for the checkpointer so that the WAL could start over (every 128 MiB)"
echo "# srv_s: CPU seconds of the PostgreSQL server processes that ended (the run's backends)"
echo "# faults: the client's page faults (minor), each 30 to 60 us of wall time on a virtual machine like the"
echo "#   development one, mostly not counted in cpu_s"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the wall-clock numbers)"

# Idle latency: one record at a time (p50/p90/p99 over 300 probes).
PROBE=$B/bench/probe
if [ -x "$PROBE" ]; then
	echo "# idle latency, one record at a time into an idle stage (bench/probe -n 300):"
	lat() { printf "%-44s " "$1"; shift; "$PROBE" -n 300 "$*" 2>&1 | tail -n 1; }
	lat "cat" cat
	for v in "" ${BASE:+old}; do
		S=$STORE; [ -n "$v" ] && S=$BASE
		tag=${v:+" (baseline)"}
		lat "arb-store --tee --synchronous normal$tag" "$S" --tee --synchronous normal -d "sqlite:$T/l$v.db"
		lat "arb-store --tee (synchronous full)$tag" "$S" --tee -d "sqlite:$T/m$v.db"
		pg_sql "CREATE DATABASE l$v" >/dev/null
		lat "arb-store --tee postgresql$tag" "$S" --tee -d "'$(echo "$ARB_PG_URL" | sed "s,/postgres?,/l$v?,")'"
	done
fi
pg_stop
hp_restore
