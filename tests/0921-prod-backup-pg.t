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
# the dump restores to the same rows
createdb restored
pg_restore --no-owner -d restored "$(ls "$T"/bk/arb-*.pgdump)" 2>"$T/restore.err"
ok $? "the dump restores by hand too"
is "$(psql -X -A -t -d restored -c 'SELECT count(*) FROM books')" \
	"$(psql -X -A -t -c 'SELECT count(*) FROM books')" "the same rows"
done_testing
