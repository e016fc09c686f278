# tests/exec/killidle.sh: sourced by the arb-exec tests (T, IN set).
# shellcheck shell=sh

# waiting: is process $1 waiting for input (in poll(2): x86-64 7 or 271,
# arm64 73)?  Without /proc/PID/syscall, a pause instead.
waiting() {
	[ -r "/proc/$1/syscall" ] || { sleep 0.3; return 0; }
	case $(cat "/proc/$1/syscall" 2>/dev/null) in
	"7 "* | "271 "* | "73 "*) return 0 ;;
	esac
	return 1
}

# killidle STATE N ARGS...: the first N lines of $IN through arb-exec
# --state STATE; once it has passed line N through and waits for more
# input (so it has done all it does for line N), SIGKILL
killidle() {
	st=$1 n=$2
	shift 2
	rm -f "$T/fifo" && mkfifo "$T/fifo" || return 1
	arb-exec --state "$st" "$@" <"$T/fifo" >"$T/kill.out" 2>"$T/kill.err" &
	kpid=$!
	exec 3>"$T/fifo"
	last=$(sed -n "${n}p" "$IN")
	head -n "$n" "$IN" >&3
	w=0
	while [ "$w" -lt 1000 ]; do
		if waiting "$kpid"; then
			grep -qxF -- "$last" "$T/kill.out" && break
			[ "$w" -lt 30 ] || break   # a bad last line does not pass
		fi
		sleep 0.01
		w=$((w + 1))
	done
	kill -KILL "$kpid"
	wait "$kpid" 2>/dev/null
	exec 3>&-
	rm -f "$T/fifo"
}
