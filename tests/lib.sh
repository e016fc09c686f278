# tests/lib.sh: a tiny TAP library for shell tests, sourced by tests/*.t.
# Provides: plan, ok, is, cmp_ok (file compare), skip_all, done_testing,
# and a private scratch directory $T removed at exit.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PATH="$top_builddir/bin:$top_builddir/bench:$top_builddir:$PATH"
export PATH
# Shared recordings: the project copy under tests/data, else ../shared/data.
if [ -z "${ARB_SHARED_DATA:-}" ] || [ ! -d "$ARB_SHARED_DATA/recorded" ]; then
	for d in "$top_srcdir/share/data" "$top_srcdir/../shared/data"; do
		if [ -d "$d/recorded" ]; then ARB_SHARED_DATA=$d; break; fi
	done
fi
export ARB_SHARED_DATA
# Every test talks to loopback servers only: a proxy from the environment
# (arb-feed and arb-exec --live use https_proxy and the others, see
# lib/proxy.c) would send them elsewhere; tests/0307 sets its own.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
T=$(mktemp -d "${TMPDIR:-/tmp}/arbt.XXXXXX")
trap 'rm -rf "$T"' EXIT
_n=0
_fail=0

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# ok STATUS NAME: STATUS is a command's exit code (0 = pass)
ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"
	else echo "not ok $_n - $2"; _fail=$((_fail + 1)); fi
}

# is GOT WANT NAME
is() {
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"; _fail=$((_fail + 1))
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
	fi
}

# cmp_ok GOT_FILE WANT_FILE NAME: files identical; shows a diff when not.
cmp_ok() {
	_n=$((_n + 1))
	if cmp -s "$1" "$2"; then echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"; _fail=$((_fail + 1))
		diff -u "$2" "$1" 2>&1 | head -n 40 | sed 's/^/# /'
	fi
}

# notify_listen SOCK LOG SECONDS: a fake service manager (systemd's
# NOTIFY_SOCKET) in the background, writing each datagram it receives as a
# line of LOG until SECONDS pass without one; its pid in $LSN.  Returns
# once it listens (python starts slowly on a loaded machine, and a
# datagram sent before the bind would be lost).
notify_listen() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(float(sys.argv[3]))
with open(sys.argv[2], "w") as f:
    try:
        while True:
            f.write(s.recv(256).decode() + "\n")
            f.flush()
    except socket.timeout:
        pass
' "$1" "$2" "$3" &
	# shellcheck disable=SC2034  # used by the tests that call this
	LSN=$!
	_w=0
	while [ ! -S "$1" ] && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
}

done_testing() {
	echo "1..$_n"
	[ "$_fail" -eq 0 ]
}
