#!/bin/sh
# Production hooks of the stream programs: --metrics writes a Prometheus
# text file that promtool accepts, also while the input is idle, and under
# a service manager (NOTIFY_SOCKET) each program reports READY=1, pings the
# watchdog while idle and reports STOPPING=1 on SIGTERM, exiting 0.
# (arb-feed's live path is covered by tests/0304-feed-live.t.)
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (fake service manager)"
BAL=$top_srcdir/share/demo/balances.txt
gen-stream --seed 3 --updates 200 --venues 2 --assets 3 --depth 2 >"$T/in"

for prog in detect exec store; do
	case $prog in
	detect) cmd="arb-detect";;
	exec) cmd="arb-exec --balances $BAL";;
	store) cmd="arb-store --db sqlite:$T/db";;
	esac
	notify_listen "$T/$prog.sock" "$T/$prog.log" 6
	# the input stays open (and idle) for 1.5 s after the records
	{ cat "$T/in"; sleep 1.5; } | (
		NOTIFY_SOCKET=$T/$prog.sock WATCHDOG_USEC=400000
		export NOTIFY_SOCKET WATCHDOG_USEC
		# shellcheck disable=SC2086
		exec $cmd --metrics "$T/$prog.prom" >/dev/null 2>"$T/$prog.err"
	) &
	pid=$!
	sleep 1
	ok "$([ -s "$T/$prog.prom" ] && echo 0 || echo 1)" "arb-$prog: the metrics file is written while the input is idle"
	pkill -TERM -f -- "--metrics $T/$prog.prom"
	wait "$pid"
	is "$?" 0 "arb-$prog: SIGTERM while idle ends it with 0"
	wait "$LSN" 2>/dev/null
	is "$(head -n 1 "$T/$prog.log")" "READY=1" "arb-$prog: READY=1 first"
	ok "$([ "$(grep -c '^WATCHDOG=1$' "$T/$prog.log")" -ge 2 ] && echo 0 || echo 1)" \
		"arb-$prog: the watchdog is pinged while idle"
	is "$(tail -n 1 "$T/$prog.log")" "STOPPING=1" "arb-$prog: STOPPING=1 last"
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$T/$prog.prom" >"$T/$prog.pt" 2>&1
		ok $? "arb-$prog: promtool accepts the metrics"
	fi
	grep -q '^arb_records_out_total{prog="arb-'"$prog"'"} [0-9]*$\|^arb_store_' "$T/$prog.prom"
	ok $? "arb-$prog: counters are there"
done
# The metrics file is 0644 whatever the umask (the units' UMask=0077):
# node_exporter reads it as another user (arbitron(7), FILES); the
# temporary file it is written through is gone.
mkdir "$T/m"
(umask 077 && arb-detect --metrics "$T/m/arbitron-x-detect.prom" <"$T/in" >/dev/null)
is "$(stat -c %a "$T/m/arbitron-x-detect.prom") $(ls "$T/m")" "644 arbitron-x-detect.prom" \
	"umask 077: the metrics file is 0644, nothing else left in the directory"
done_testing
