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

# One stage stopped alone, as `systemctl restart arbitron-exec@NAME` does
# with the FIFOs systemd keeps open (share/systemd/*.socket): the lines it
# already took from the FIFO are used, and a line it stopped inside is read
# to its end and used, nothing past it, so the FIFO is left at a line
# boundary for the next instance (was: arb-detect and arb-store dropped
# what they held and the line begun; the next reader got its tail)
L1='{"type":"status","ts":1,"ex":"a","state":"synced"}'
L2='{"type":"status","ts":2,"ex":"a","state":"synced"}'
L3='{"type":"status","ts":3,"ex":"a","state":"synced"}'
P2=${L2%%ate*}    # line 2 up to the middle of "state"
for prog in arb-detect arb-exec "arb-store --tee --db sqlite:$T/one.db"; do
	rm -f "$T/one.fifo" "$T"/one.db*
	mkfifo "$T/one.fifo"
	exec 8<>"$T/one.fifo"
	# shellcheck disable=SC2086
	$prog <"$T/one.fifo" >"$T/one.out" 2>"$T/one.err" &
	pid=$!
	printf '%s\n%s' "$L1" "$P2" >&8
	for _ in $(seq 100); do [ -s "$T/one.out" ] && break; sleep 0.1; done
	kill -TERM $pid
	sleep 0.3
	printf '%s\n%s\n' "ate${L2#*ate}" "$L3" >&8
	wait $pid
	is "$?" 0 "${prog%% *} stopped inside a line: exit 0"
	printf '%s\n%s\n' "$L1" "$L2" >"$T/one.want"
	cmp_ok "$T/one.out" "$T/one.want" "  the line it held and the one it stopped inside, both passed on"
	is "$(timeout 2 head -n 1 <&8)" "$L3" "  the next line is left whole in the FIFO"
	exec 8>&-
done
is "$(arb-store --db "sqlite:$T/one.db" --dump)" "$L1
$L2" "arb-store stored both"
# the rest of the line does not come: said, after a second
rm -f "$T/one.fifo"
mkfifo "$T/one.fifo"
exec 8<>"$T/one.fifo"
arb-detect <"$T/one.fifo" >"$T/one.out" 2>"$T/one.err" &
pid=$!
printf '%s\n%s' "$L1" "$P2" >&8
for _ in $(seq 100); do [ -s "$T/one.out" ] && break; sleep 0.1; done
kill -TERM $pid
wait $pid
is "$?" 0 "the rest of the line never comes: exit 0"
is "$(cat "$T/one.err")" "arb-detect: stdin: stopped inside line 2: its first ${#P2} bytes were read, the rest did not come within 1 s: not used" \
	"  said on stderr, with the line and how much of it was read"
exec 8>&-

done_testing
