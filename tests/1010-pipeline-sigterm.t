#!/bin/bash
# SIGTERM to every program of a running pipeline, mid-replay (what
# `systemctl stop arbitron@NAME.target` or `docker stop` does): each
# program exits 0, and the store is consistent and holds exactly the
# records arb-store --tee wrote out.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
REC=$ARB_SHARED_DATA/recorded
BAL=$top_srcdir/share/demo/balances.txt

for round in 1 2 3; do
	rm -f "$T/out" "$T/status" "$T"/db*
	# --speed paces the replay (about 3 s of the capture per second here),
	# so the signal arrives while records flow.
	bash -c '
		arb-feed --replay --speed 10 "$1"/KRAKEN.ws.50.0 "$1"/KRAKEN.0 2>/dev/null \
		  | arb-detect --max-legs 4 2>/dev/null \
		  | arb-exec --balances "$2" --state "$3/exec.state" 2>/dev/null \
		  | arb-store --tee --db "sqlite:$3/db" 2>"$3/store.err" >"$3/out"
		echo "${PIPESTATUS[*]}" >"$3/status"' sh "$REC" "$BAL" "$T" &
	sh_pid=$!
	sleep "0.$((round * 3))"
	# slower starts (a sanitizer build, a loaded machine): the signal only
	# once the first records are out of the store (up to 10 s more)
	for _ in $(seq 100); do
		[ -s "$T/out" ] && break
		sleep 0.1
	done
	pids=$(pgrep -P "$sh_pid" | tr '\n' ' ')
	is "$(echo "$pids" | wc -w)" 4 "round $round: four programs running"
	# shellcheck disable=SC2086
	kill -TERM $pids
	wait "$sh_pid"
	is "$(cat "$T/status")" "0 0 0 0" "round $round: every program exits 0 on SIGTERM"
	n_out=$(wc -l <"$T/out")
	ok "$([ "$n_out" -gt 0 ] && echo 0 || echo 1)" "round $round: records flowed before the signal ($n_out)"
	arb-store --verify "sqlite:$T/db" >/dev/null 2>&1
	ok $? "round $round: the store verifies"
	arb-store --db "sqlite:$T/db" --dump | sort >"$T/dump"
	sort "$T/out" >"$T/out.sorted"
	cmp_ok "$T/dump" "$T/out.sorted" "round $round: the store holds exactly what --tee wrote"
done
done_testing
