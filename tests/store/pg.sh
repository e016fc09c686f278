# tests/store/pg.sh: a private PostgreSQL cluster for the arb-store tests.
# Sourced after tests/lib.sh.  pg_start creates a cluster in a new
# temporary directory (initdb, trust authentication, superuser "arb"),
# starts it listening on a Unix socket in that directory only (no TCP),
# and exports ARB_PG_URL, PGHOST, PGPORT, PGUSER, PGDATABASE.  The cluster
# is stopped and removed when the test exits.
#
# The server binaries are looked for in /usr/lib/postgresql/*/bin (the
# highest version) and then in PATH.  PostgreSQL refuses to run as root:
# as root, the cluster belongs to the "postgres" system user when it
# exists (the Debian package creates it), else to "nobody", and initdb,
# pg_ctl and postgres run through runuser(1).
#
# Without initdb the test FAILS (CI must run it), unless ARB_ALLOW_SKIP_PG=1
# makes it skip.

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
	done
	d=$(command -v initdb 2>/dev/null) || return 1
	dirname "$d"
}

# pg_as CMD...: runs a server command as the cluster's owner.
pg_as() {
	if [ -n "${PG_RUNAS:-}" ]; then runuser -u "$PG_RUNAS" -- "$@"; else "$@"; fi
}

pg_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	[ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_ctl_ ARGS...: pg_ctl on the test cluster (start, stop -m immediate...).
pg_ctl_() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" "$@"
}

pg_start() {
	if ! PG_BIN=$(pg_bindir); then
		if [ "${ARB_ALLOW_SKIP_PG:-0}" = 1 ]; then
			skip_all "PostgreSQL server binaries (initdb) not found, ARB_ALLOW_SKIP_PG=1"
		fi
		echo "1..1"
		echo "not ok 1 - PostgreSQL server binaries (initdb) not found: install the postgresql package (or set ARB_ALLOW_SKIP_PG=1 to skip)"
		exit 1
	fi
	PG_RUNAS=
	if [ "$(id -u)" -eq 0 ]; then
		if id postgres >/dev/null 2>&1; then PG_RUNAS=postgres; else PG_RUNAS=nobody; fi
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/arbpg.XXXXXX")
	[ -n "$PG_RUNAS" ] && chown "$PG_RUNAS" "$PG_DIR"
	chmod 755 "$PG_DIR"
	trap 'pg_stop; rm -rf "$T"' EXIT
	PGPORT=$((20000 + $$ % 20000))
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U arb --auth=trust -E UTF8 --no-locale -N \
	    >"$PG_DIR/initdb.log" 2>&1; then
		echo "1..1"; echo "not ok 1 - initdb failed"; sed 's/^/# /' "$PG_DIR/initdb.log"; exit 1
	fi
	cat >>"$PG_DIR/data/postgresql.conf" <<EOC
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
port = $PGPORT
fsync = off
full_page_writes = off
shared_buffers = 64MB
max_wal_size = 1GB
EOC
	if ! pg_ctl_ -w -t 60 start >/dev/null 2>&1; then
		echo "1..1"; echo "not ok 1 - pg_ctl start failed"; sed 's/^/# /' "$PG_DIR/log"; exit 1
	fi
	PGHOST=$PG_DIR PGUSER=arb PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE
	ARB_PG_URL="postgresql:///postgres?host=$PG_DIR&port=$PGPORT&user=arb"
	export ARB_PG_URL
}

# pg_sql SQL: runs SQL with psql, unaligned tuples-only output.
pg_sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}
