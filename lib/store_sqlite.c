#include "config.h"

/*
 * store_sqlite.c: the SQLite backend of arb-store.
 *
 * WAL journal, one write transaction per batch (opened lazily at the first
 * record, closed by arb_store_commit), prepared INSERT OR IGNORE
 * statements per table.  synchronous=FULL by default, so a committed batch
 * survives a power loss, not only a crash of this process.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "store.h"
#include "util.h"

struct sq {
	struct arb_store base;
	sqlite3 *db;
	sqlite3_stmt *ins[ARB_R_NTYPES];   /* one row */
	sqlite3_stmt *insm[ARB_R_NTYPES];  /* MULTI rows: less work per row */
	int in_txn;
	char *path;
};

static void dberr(struct sq *q, const char *what, char *why, size_t whylen)
{
	int e = sqlite3_system_errno(q->db), x = sqlite3_extended_errcode(q->db);

	/* "disk I/O error" alone does not say that the disk is full. */
	if ((x & 0xff) == SQLITE_IOERR)
		snprintf(why, whylen, "%s: %s: %s (%s%s%s)", q->path, what, sqlite3_errmsg(q->db),
		    x == SQLITE_IOERR_WRITE ? "write failed" : x == SQLITE_IOERR_FSYNC ? "fsync failed" :
		    "I/O", e ? ": " : "", e ? strerror(e) : "");
	else
		snprintf(why, whylen, "%s: %s: %s", q->path, what, sqlite3_errmsg(q->db));
}

static int exec(struct sq *q, const char *sql, char *why, size_t whylen)
{
	char *msg = NULL;

	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		dberr(q, strlen(sql) < 40 ? sql : "changing the schema", why, whylen);
		return -1;
	}
	return 0;
}

/* Creates the directories above path (mkdir -p of its dirname). */
static int mkparents(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			errno = e;
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

/* The schema version: 0 for an empty database, -1 when it is not ours. */
static int read_version(struct sq *q, char *why, size_t whylen)
{
	sqlite3_stmt *st;
	int v = -1, ntables = 0, have = 0;

	if (sqlite3_prepare_v2(q->db, "SELECT name FROM sqlite_master WHERE type = 'table'",
	    -1, &st, NULL) != SQLITE_OK) {
		dberr(q, "reading the schema", why, whylen);
		return -2;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		ntables++;
		if (strcmp((const char *)sqlite3_column_text(st, 0), "schema_version") == 0)
			have = 1;
	}
	if (sqlite3_finalize(st) != SQLITE_OK) {
		dberr(q, "reading the schema", why, whylen);
		return -2;
	}
	if (ntables == 0)
		return 0;
	if (!have) {
		snprintf(why, whylen, "%s: not an arb-store database (no schema_version table)", q->path);
		return -1;
	}
	if (sqlite3_prepare_v2(q->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) != SQLITE_OK) {
		dberr(q, "reading schema_version", why, whylen);
		return -2;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v < 1) {
		snprintf(why, whylen, "%s: schema_version is empty", q->path);
		return -1;
	}
	return v;
}

static int migrate(struct sq *q, int from, int to, char *why, size_t whylen)
{
	for (int v = from + 1; v <= to; v++) {
		char *sql = arb_store_migration_sql(v, 's');
		char ins[128];
		if (exec(q, "BEGIN IMMEDIATE", why, whylen) < 0) {
			free(sql);
			return -1;
		}
		snprintf(ins, sizeof ins, "INSERT INTO schema_version VALUES (%d, %lld)",
		    v, (long long)arb_wall_us());
		if (exec(q, sql, why, whylen) < 0 || exec(q, ins, why, whylen) < 0 ||
		    exec(q, "COMMIT", why, whylen) < 0) {
			free(sql);
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		free(sql);
	}
	return 0;
}

/* Rows a multi-row insert takes (at most 32766 parameters). */
#define MULTI 32

static int prepare(struct sq *q, char *why, size_t whylen)
{
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		const struct arb_store_table *t = &arb_store_tables[k];
		struct arb_buf b = { 0 };
		int n = 4 + t->ncols + 3;
		arb_buf_printf(&b, "INSERT OR IGNORE INTO %s (ts, rt, ex, sym", t->name);
		for (int c = 0; c < t->ncols; c++)
			arb_buf_printf(&b, ", %s", t->cols[c].name);
		arb_buf_adds(&b, ", h1, h2, line) VALUES ");
		for (int row = 0; row < MULTI; row++) {
			arb_buf_adds(&b, row ? ", (?" : "(?");
			for (int c = 1; c < n; c++)
				arb_buf_adds(&b, ", ?");
			arb_buf_adds(&b, ")");
			if (row == 0) {
				int rc = sqlite3_prepare_v3(q->db, b.p, -1, SQLITE_PREPARE_PERSISTENT,
				    &q->ins[k], NULL);
				if (rc != SQLITE_OK)
					break;
			}
		}
		int rc = q->ins[k] ? sqlite3_prepare_v3(q->db, b.p, -1, SQLITE_PREPARE_PERSISTENT,
		    &q->insm[k], NULL) : SQLITE_ERROR;
		arb_buf_free(&b);
		if (rc != SQLITE_OK) {
			dberr(q, "preparing an insert", why, whylen);
			return -1;
		}
	}
	return 0;
}

/*
 * Staging encodes a record's column values into the batch: per value a tag
 * byte (0 NULL, 1 integer, 2 text), then 8 bytes of integer or a 4-byte
 * length and the text.  The commit binds them in place (SQLITE_STATIC).
 */
enum { V_NULL, V_INT, V_TEXT };

static int sq_stage(struct arb_store *s, struct arb_store_batch *b, const struct arb_rec *r,
    char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;
	int k = r->type < ARB_R_NTYPES ? (int)r->type : 0;
	const struct arb_store_table *t = &arb_store_tables[k];
	struct arb_buf *o = &b->rows[k];

	if (!q->ins[k]) {
		snprintf(why, whylen, "%s: opened for reading only", q->path);
		return -1;
	}
	/* The worker hashes the line (it has less to do than this thread). */
	int n = arb_store_row_nohash(r, t, b->v, &b->scratch);
	size_t need = 0;
	for (int c = 0; c < n; c++)
		need += 9 + (b->v[c].p && !b->v[c].null ? b->v[c].n : 0);
	arb_buf_reserve(o, need + 1);
	unsigned char *w = (unsigned char *)o->p + o->len;
	for (int c = 0; c < n; c++) {
		const struct arb_store_val *v = &b->v[c];
		if (v->null) {
			*w++ = V_NULL;
		} else if (v->p) {
			uint32_t len = (uint32_t)v->n;
			*w++ = V_TEXT;
			memcpy(w, &len, 4);
			memcpy(w + 4, v->p, v->n);
			w += 4 + v->n;
		} else {
			*w++ = V_INT;
			memcpy(w, &v->i, 8);
			w += 8;
		}
	}
	o->len = (size_t)((char *)w - o->p);
	b->nrows[k]++;
	b->n++;
	return 0;
}

/* Inserts table k's staged rows, MULTI at a time while there are that
 * many; counts what was new. */
static int insert_rows(struct sq *q, struct arb_store_batch *b, int k, char *why, size_t whylen)
{
	const struct arb_store_table *t = &arb_store_tables[k];
	const unsigned char *p = (const unsigned char *)b->rows[k].p;
	int n = 4 + t->ncols + 3;

	for (uint64_t row = 0; row < b->nrows[k]; ) {
		int rows = b->nrows[k] - row >= MULTI ? MULTI : 1;
		sqlite3_stmt *st = rows > 1 ? q->insm[k] : q->ins[k];
		for (int c = 1; c <= n * rows; c++) {
			int rc;
			if (*p == V_NULL) {
				rc = sqlite3_bind_null(st, c);
				p++;
			} else if (*p == V_INT) {
				int64_t i;
				memcpy(&i, p + 1, 8);
				rc = sqlite3_bind_int64(st, c, i);
				p += 9;
			} else {
				uint32_t len;
				memcpy(&len, p + 1, 4);
				rc = sqlite3_bind_text(st, c, (const char *)p + 5, (int)len, SQLITE_STATIC);
				if (rc == SQLITE_OK && c % n == 0) {
					/* The line, last: its hash goes in h1, h2. */
					uint64_t h1, h2;
					arb_store_hash((const char *)p + 5, len, &h1, &h2);
					rc = sqlite3_bind_int64(st, c - 2, (int64_t)h1);
					if (rc == SQLITE_OK)
						rc = sqlite3_bind_int64(st, c - 1, (int64_t)h2);
				}
				p += 5 + len;
			}
			if (rc != SQLITE_OK) {
				dberr(q, "binding a value", why, whylen);
				return -1;
			}
		}
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			dberr(q, "inserting", why, whylen);
			return -1;
		}
		int new = sqlite3_changes(q->db);
		b->ins += (uint64_t)new;
		b->dups += (uint64_t)(rows - new);
		row += (uint64_t)rows;
	}
	return 0;
}

/* One transaction for the batch: all of it or nothing. */
static int sq_commit(struct arb_store *s, struct arb_store_batch *b, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;

	if (exec(q, "BEGIN IMMEDIATE", why, whylen) < 0)
		return -1;
	q->in_txn = 1;
	for (int k = 0; k < ARB_R_NTYPES; k++)
		if (b->nrows[k] && insert_rows(q, b, k, why, whylen) < 0)
			goto fail;
	if (exec(q, "COMMIT", why, whylen) < 0)
		goto fail;
	q->in_txn = 0;
	s->inserted += b->ins;
	s->dups += b->dups;
	return 0;
fail:
	/* Leave nothing half done: a failed COMMIT may leave the
	 * transaction open. */
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	q->in_txn = 0;
	for (int c = 0; c < ARB_R_NTYPES; c++) {
		if (q->ins[c])
			sqlite3_reset(q->ins[c]);
		if (q->insm[c])
			sqlite3_reset(q->insm[c]);
	}
	return -1;
}

static void sq_close(struct arb_store *s)
{
	struct sq *q = (struct sq *)s;

	if (q->in_txn)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		sqlite3_finalize(q->ins[k]);
		sqlite3_finalize(q->insm[k]);
	}
	sqlite3_close(q->db);
	free(q->path);
	free(q);
}

static int sq_dump(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;

	/* Known types first, "records" (index 0) last. */
	for (int i = 1; i <= ARB_R_NTYPES; i++) {
		int k = i % ARB_R_NTYPES;
		char sql[128];
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT line FROM %s ORDER BY id", arb_store_tables[k].name);
		if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
			dberr(q, "dump", why, whylen);
			return -1;
		}
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			fwrite(sqlite3_column_text(st, 0), 1, (size_t)sqlite3_column_bytes(st, 0), out);
			putc('\n', out);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			dberr(q, "dump", why, whylen);
			return -1;
		}
	}
	return 0;
}

static int sq_verify(struct arb_store *s, FILE *out, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st;
	int ok = 1, rc;

	if (sqlite3_prepare_v2(q->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		dberr(q, "integrity_check", why, whylen);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		if (m && strcmp(m, "ok") == 0)
			continue;
		if (ok)
			snprintf(why, whylen, "%s: integrity check failed: %s", q->path, m ? m : "?");
		ok = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dberr(q, "integrity_check", why, whylen);
		return -1;
	}
	if (!ok)
		return -1;
	fprintf(out, "integrity\tok\nschema_version\t%d\n", s->version);
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", arb_store_tables[k].name);
		if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW) {
			dberr(q, "counting rows", why, whylen);
			sqlite3_finalize(st);
			return -1;
		}
		fprintf(out, "%s\t%lld\n", arb_store_tables[k].name, (long long)sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
	}
	return 0;
}

/*
 * The online backup: one backup step copies every page inside a single
 * read transaction, which in WAL mode never blocks the writers (they go
 * on appending to the WAL) and gives a consistent snapshot.  Written to a
 * temporary file, synced, then renamed over dest.
 */
static int sq_backup(struct arb_store *s, const char *dest, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;
	struct arb_buf tmp = { 0 };
	sqlite3 *d = NULL;
	sqlite3_backup *b;
	int rc, fd;

	arb_buf_printf(&tmp, "%s.tmp%ld", dest, (long)getpid());
	unlink(tmp.p);
	if (sqlite3_open_v2(tmp.p, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s: %s", tmp.p, d ? sqlite3_errmsg(d) : "cannot open");
		goto fail;
	}
	b = sqlite3_backup_init(d, "main", q->db, "main");
	if (!b) {
		snprintf(why, whylen, "%s: backup: %s", tmp.p, sqlite3_errmsg(d));
		goto fail;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(why, whylen, "%s: backup: %s", tmp.p, sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_close(d) != SQLITE_OK) {
		snprintf(why, whylen, "%s: closing the backup: %s", tmp.p, sqlite3_errmsg(d));
		d = NULL;
		goto fail;
	}
	d = NULL;
	if ((fd = open(tmp.p, O_RDONLY)) < 0 || fsync(fd) < 0) {
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	if (rename(tmp.p, dest) < 0) {
		snprintf(why, whylen, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	arb_buf_free(&tmp);
	return 0;
fail:
	if (d)
		sqlite3_close(d);
	unlink(tmp.p);
	arb_buf_free(&tmp);
	return -1;
}

static int sq_table(struct arb_store *s, const char *sql, FILE *out, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st;
	int rc, n;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		dberr(q, "query", why, whylen);
		return -1;
	}
	n = sqlite3_column_count(st);
	for (int c = 0; c < n; c++)
		fprintf(out, "%s%s", c ? "\t" : "", sqlite3_column_name(st, c));
	putc('\n', out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < n; c++) {
			const unsigned char *v = sqlite3_column_text(st, c);
			fprintf(out, "%s%s", c ? "\t" : "", v ? (const char *)v : "");
		}
		putc('\n', out);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dberr(q, "query", why, whylen);
		return -1;
	}
	return 0;
}

static const struct arb_store_ops sq_ops = {
	sq_stage, sq_commit, sq_close, sq_dump, sq_verify, sq_backup, sq_table
};

int arb_store_sqlite_open(struct arb_store **sp, const char *path,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status)
{
	struct sq *q = xcalloc(1, sizeof *q);
	int ro = o->flags & ARB_STORE_READONLY;
	int target = o->migrate_to > 0 ? o->migrate_to : ARB_STORE_SCHEMA;
	/* One thread per connection: no mutexes needed. */
	int flags = SQLITE_OPEN_NOMUTEX | (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	int v;
	char pragmas[256];

	*status = ARB_EXIT_FAIL;
	/* No memory statistics: they take a mutex on every allocation.
	 * Only possible before SQLite initialises; harmless otherwise. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	q->base.ops = &sq_ops;
	q->path = xstrdup(path);
	if (target > ARB_STORE_SCHEMA) {
		snprintf(why, whylen, "no schema version %d (this program knows 1 to %d)",
		    target, ARB_STORE_SCHEMA);
		*status = ARB_EXIT_USAGE;
		goto fail;
	}
	if (!ro && !(o->flags & ARB_STORE_NOCREATE)) {
		flags |= SQLITE_OPEN_CREATE;
		if (mkparents(path) < 0) {
			snprintf(why, whylen, "%s: creating its directory: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, 10000);
	snprintf(pragmas, sizeof pragmas, "%sPRAGMA synchronous=%s; PRAGMA cache_size=-65536;"
	    " PRAGMA mmap_size=268435456; PRAGMA foreign_keys=OFF;%s",
	    ro ? "" : "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; ",
	    o->sync_full ? "FULL" : "NORMAL",
	    ro ? "" : " PRAGMA wal_autocheckpoint=4096; PRAGMA journal_size_limit=134217728;");
	if (exec(q, pragmas, why, whylen) < 0)
		goto fail;
	v = read_version(q, why, whylen);
	if (v < 0)
		goto fail;
	if (v > ARB_STORE_SCHEMA) {
		snprintf(why, whylen, "%s: database schema version %d is newer than this program's (%d):"
		    " use a newer arb-store", path, v, ARB_STORE_SCHEMA);
		goto fail;
	}
	if (ro) {
		if (v == 0) {
			snprintf(why, whylen, "%s: empty database", path);
			goto fail;
		}
	} else if (v == 0) {
		if (migrate(q, 0, target, why, whylen) < 0)
			goto fail;
		v = target;
	} else if (v < target) {
		if (!(o->flags & ARB_STORE_MIGRATE)) {
			snprintf(why, whylen, "%s: database schema version %d is older than %d:"
			    " run arb-store --migrate", path, v, target);
			goto fail;
		}
		if (migrate(q, v, target, why, whylen) < 0)
			goto fail;
		v = target;
	} else if (v > target) {
		snprintf(why, whylen, "%s: database is at schema version %d, cannot go back to %d",
		    path, v, target);
		*status = ARB_EXIT_USAGE;
		goto fail;
	}
	q->base.version = v;
	if (!ro && v == ARB_STORE_SCHEMA && prepare(q, why, whylen) < 0)
		goto fail;
	*sp = &q->base;
	*status = 0;
	return 0;
fail:
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		sqlite3_finalize(q->ins[k]);
		sqlite3_finalize(q->insm[k]);
	}
	sqlite3_close(q->db);
	free(q->path);
	free(q);
	return -1;
}
