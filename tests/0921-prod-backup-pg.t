#!/bin/sh
# scripts/arb-backup with PostgreSQL: pg_dump -Fc of a store, restored
# into a scratch database that is verified and dropped (a private cluster
# started here, as for the store tests).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/store/pg.sh"
pg_start
for c in pg_dump pg_restore createdb dropdb psql; do
	command -v "$c" >/dev/null 2>&1 || { echo "1..1"; echo "not ok 1 - $c not found"; exit 1; }
done
gen-stream --seed 9 --updates 500 --venues 2 --assets 3 --depth 2 >"$T/in"
arb-store --db "$ARB_PG_URL" <"$T/in" 2>"$T/store.err"
ok $? "a PostgreSQL store with $(wc -l <"$T/in") records"
"$top_srcdir/scripts/arb-backup" --db "$ARB_PG_URL" --dest "$T/bk" >"$T/bk.out" 2>&1
ok $? "pg_dump, restored into a scratch database, verified"
grep -q 'backup taken, restored and verified' "$T/bk.out"
ok $? "it says so"
ls "$T"/bk/arb-*.pgdump >/dev/null 2>&1
ok $? "the dump is kept"
is "$(psql -X -A -t -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'arb_restore_check_%'")" 0 \
	"the scratch database is dropped"
# the database as a connection string (arb-store takes one, arb-store(1)),
# and as pg: before it: the scratch database is named by a dbname= of its own
rm -rf "$T/bk2"
"$top_srcdir/scripts/arb-backup" --db "host=$PG_DIR port=$PGPORT user=arb dbname=postgres" \
	--dest "$T/bk2" >"$T/bk2.out" 2>&1
ok $? "a connection string: backup taken, restored and verified ($(tail -n 1 "$T/bk2.out"))"
rm -rf "$T/bk2"
"$top_srcdir/scripts/arb-backup" --db "pg:$ARB_PG_URL" --dest "$T/bk2" >"$T/bk3.out" 2>&1
ok $? "pg: before the URL: backup taken, restored and verified ($(tail -n 1 "$T/bk3.out"))"
is "$(psql -X -A -t -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'arb_restore_check_%'")" 0 \
	"no scratch database is left"
# the dump restores to the same rows
createdb restored
pg_restore --no-owner -d restored "$(ls "$T"/bk/arb-*.pgdump)" 2>"$T/restore.err"
ok $? "the dump restores by hand too"
is "$(psql -X -A -t -d restored -c 'SELECT count(*) FROM books')" \
	"$(psql -X -A -t -c 'SELECT count(*) FROM books')" "the same rows"

# A server that asks for a password: it comes from the credential
# pg_password, as for arb-store (arbitron-backup@.service with the same
# LoadCredential= drop-in), and never appears on a command line.
pg_sql "CREATE ROLE pw LOGIN CREATEDB PASSWORD 'Sek:r\\1t'" >/dev/null
pg_sql "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pw" >/dev/null
pg_sql "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO pw" >/dev/null
{ echo "local all pw scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$T/hba"
cat "$T/hba" >"$PG_DIR/data/pg_hba.conf"
pg_sql "SELECT pg_reload_conf()" >/dev/null
n=0; while psql -X -w -q -U pw -c "SELECT 1" >/dev/null 2>&1 && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
P=$(echo "$ARB_PG_URL" | sed 's/user=arb/user=pw/')
env -u PGUSER "$top_srcdir/scripts/arb-backup" --db "$P" --dest "$T/bk2" >"$T/bk2.out" 2>&1
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "a password server without the credential: the backup fails"
printf 'Sek:r\\1t\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
env -u PGUSER ARB_PG_PASSWORD_FILE="$T/pgpass" "$top_srcdir/scripts/arb-backup" --db "$P" --dest "$T/bk2" \
	>"$T/bk2.out" 2>&1
r=$?
ok $r "the password from the pg_password credential (with : and \\ in it): backup taken and verified"
[ $r -eq 0 ] || sed 's/^/# /' "$T/bk2.out"
is "$(pg_sql "SELECT count(*) FROM pg_database WHERE datname LIKE 'arb_restore_check_%'")" 0 \
	"the scratch database is dropped with the password too"
mkdir -p "$T/creds" && cp "$T/pgpass" "$T/creds/pg_password"
env -u PGUSER CREDENTIALS_DIRECTORY="$T/creds" "$top_srcdir/scripts/arb-backup" --db "$P" --dest "$T/bk3" \
	>"$T/bk3.out" 2>&1
ok $? "the credential from systemd's LoadCredential= directory"
chmod 640 "$T/pgpass"
env -u PGUSER ARB_PG_PASSWORD_FILE="$T/pgpass" "$top_srcdir/scripts/arb-backup" --db "$P" --dest "$T/bk4" \
	>"$T/bk4.out" 2>&1
is "$? $(cat "$T/bk4.out")" "2 arb-backup: refusing $T/pgpass: readable by group or others; chmod 600 it" \
	"a credential file others can read is refused"
done_testing
