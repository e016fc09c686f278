#include "config.h"

/*
 * store_sqlite.c: the SQLite backend of arb-store.
 *
 * WAL journal, one write transaction per batch (arb_store_commit), prepared
 * INSERT OR IGNORE statements per table.  synchronous=FULL by default, so
 * a committed batch survives a power loss, not only a crash of this
 * process; NORMAL (no fsync at commit) survives a crash of this process
 * (or a kill -9), not a power loss or an operating system crash.
 *
 * Checkpoints (copying the WAL into the database file, then syncing it)
 * run in a thread of their own with a second connection, so that the
 * thread committing batches does not stop for them: after a commit that
 * added CKPT_PAGES pages to the WAL, that thread is woken up for a PASSIVE
 * checkpoint (it never blocks the writer).  Every CKPT_RESTART pages the
 * committing thread waits for the checkpointer before it begins, once it
 * has nearly caught up, so that SQLite can start the WAL over (see
 * sq_commit).  Without the thread (an error starting it) the committing
 * thread checkpoints every CKPT_SELF pages, as SQLite's autocheckpoint
 * would.  A checkpoint is crash-safe at
 * any moment: it changes nothing about what a commit guarantees.
 *
 * Deferred durability (arb_store_opts.defer_sync with synchronous FULL):
 * the writing connection commits with NORMAL, which writes the batch's
 * WAL frames (into the page cache) without syncing them, and sq_sync
 * makes them durable with an fdatasync of the WAL file through a
 * descriptor of our own, in whichever thread calls it, so that the next
 * batch is committed meanwhile.  That is the sync FULL would have done at
 * the end of the commit, moved, so what is durable once sq_sync returned
 * is the same: every frame written before it began, and so every batch
 * committed by then.  What NORMAL keeps safe keeps so (SQLite's
 * guarantee in WAL mode): a checkpoint syncs the WAL before it copies
 * frames into the database (the checkpointing connection is FULL; NORMAL
 * would do the same), so no page reaches the database file ahead of the
 * frames it comes from; when the WAL starts over SQLite syncs its new
 * header itself before writing frames after it; a frame is valid only in
 * a chain of checksums from that header, so frames half written when the
 * power goes are ignored along with every later one.  Readers of the
 * database may see a batch a few milliseconds before it is durable
 * (arb-store(1) passes lines on only once it is).
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "store.h"
#include "util.h"

/* WAL size (pages) that wakes the checkpointer; that has the committing
 * thread start the WAL over (see sq_commit), and how much more it may
 * grow while the checkpointer catches up; at which it checkpoints itself
 * when there is no checkpointer. */
#define CKPT_PAGES 1024
#define CKPT_RESTART 8192
#define CKPT_LATE 2048
#define CKPT_SELF 4096

struct sq {
	struct arb_store base;
	sqlite3 *db;
	sqlite3_stmt *ins[ARB_R_NTYPES];   /* one row */
	sqlite3_stmt *insm[ARB_R_NTYPES];  /* MULTI rows: less work per row */
	sqlite3_stmt *begin, *commit, *rollback;
	int in_txn;
	char *path;
	/* the checkpointer: its thread and connection */
	sqlite3 *ck;
	pthread_t ckth;
	pthread_mutex_t ckmu;
	pthread_cond_t ckcv;
	int ckinit, ckwant, ckquit, ckstarted;
	int ckbusy;                        /* a checkpoint is running */
	int ckerr;                         /* the last checkpoint failed */
	int restart;                       /* start the WAL over: 1 asked, 2 catching up */
	int restart_at;                    /* WAL pages that ask for that */
	int restart_by;                    /* ... and that wait, caught up or not */
	int dbfd;                          /* the database file (writeback), -1 none */
	int ckpt_at;                       /* WAL pages that wake the checkpointer */
	int wal_pages;                     /* WAL pages after the last commit */
	uint64_t ckn;                      /* checkpoints run by the thread */
	uint64_t nrestart;                 /* waits for it before a restart */
	int64_t restart_us;                /* how long they took (wall) */
	double ckcpu;                      /* its CPU seconds, once ended */
	int walfd;                         /* deferred durability: the WAL, -1 none */
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

/* Runs sql; an error is said as "PATH: what: SQLite's message". */
static int exec_as(struct sq *q, const char *sql, const char *what, char *why, size_t whylen)
{
	char *msg = NULL;

	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		dberr(q, what, why, whylen);
		return -1;
	}
	return 0;
}

static int exec(struct sq *q, const char *sql, char *why, size_t whylen)
{
	return exec_as(q, sql, strlen(sql) < 40 ? sql : "changing the schema", why, whylen);
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

/* One transaction for all the steps: a crash (kill -9) while a new
 * database is made leaves it empty or at the version wanted, never at one
 * in between, which the next run would refuse (run --migrate). */
static int migrate(struct sq *q, int from, int to, char *why, size_t whylen)
{
	if (exec(q, "BEGIN IMMEDIATE", why, whylen) < 0)
		return -1;
	for (int v = from + 1; v <= to; v++) {
		char *sql = arb_store_migration_sql(v, 's');
		char ins[128];
		snprintf(ins, sizeof ins, "INSERT INTO schema_version VALUES (%d, %lld)",
		    v, (long long)arb_wall_us());
		int bad = exec(q, sql, why, whylen) < 0 || exec(q, ins, why, whylen) < 0;
		free(sql);
		if (bad) {
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (exec(q, "COMMIT", why, whylen) < 0) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Rows a multi-row insert takes (at most 32766 parameters). */
#define MULTI 32

static int prepare(struct sq *q, char *why, size_t whylen)
{
	/* Prepared once: parsing "BEGIN IMMEDIATE" and "COMMIT" again at
	 * every commit was a measurable part of an idle commit. */
	if (sqlite3_prepare_v3(q->db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &q->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(q->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &q->commit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(q->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT, &q->rollback, NULL) != SQLITE_OK) {
		dberr(q, "preparing a transaction statement", why, whylen);
		return -1;
	}
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
	/* The line is hashed here: the thread that commits has more to do
	 * (SQLite's work) than the one that stages. */
	int n = arb_store_row(r, t, b->v, &b->scratch);
	size_t need = 0;
	for (int c = 0; c < n; c++)
		need += 9 + (b->v[c].p && !b->v[c].null ? b->v[c].n : 0);
	arb_store_rows_grow(b, k, need + 1);
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

/* Runs a prepared statement that returns no rows. */
static int step(struct sq *q, sqlite3_stmt *st, const char *what, char *why, size_t whylen)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		dberr(q, what, why, whylen);
		return -1;
	}
	return 0;
}

/* The checkpointer thread: a PASSIVE checkpoint whenever asked. */
static void *ckpt_main(void *arg)
{
	struct sq *q = arg;

	pthread_mutex_lock(&q->ckmu);
	for (;;) {
		while (!q->ckwant && !q->ckquit)
			pthread_cond_wait(&q->ckcv, &q->ckmu);
		if (q->ckquit)
			break;
		q->ckwant = 0;
		q->ckbusy = 1;
		q->ckn++;
		pthread_mutex_unlock(&q->ckmu);
		int rc = sqlite3_wal_checkpoint_v2(q->ck, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
#ifdef SYNC_FILE_RANGE_WRITE
		/* Start writing the pages copied into the database file now,
		 * without waiting: else the sync of a checkpoint that
		 * completes (before the WAL starts over, and at close) has
		 * all of them since the last one to write, while the
		 * committing thread waits.  Only a head start for the disk:
		 * SQLite's own syncs are unchanged. */
		if (q->dbfd >= 0 && rc == SQLITE_OK)
			sync_file_range(q->dbfd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
		/* BUSY: another checkpoint is running; an error (a full disk)
		 * loses nothing, the WAL keeps every commit: say it once. */
		if (rc != SQLITE_OK && rc != SQLITE_BUSY && !q->ckerr)
			arb_warn("%s: checkpoint: %s (the WAL keeps growing)", q->path, sqlite3_errmsg(q->ck));
		pthread_mutex_lock(&q->ckmu);
		q->ckerr = rc != SQLITE_OK && rc != SQLITE_BUSY;
		q->ckbusy = 0;
		pthread_cond_broadcast(&q->ckcv);
	}
	pthread_mutex_unlock(&q->ckmu);
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		q->ckcpu = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return NULL;
}

/* SQLite calls this after each commit with the WAL's size in pages. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sq *q = arg;

	if (!q->ckstarted) {
		if (pages >= CKPT_SELF)
			sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages < q->wal_pages) {
		/* the WAL started over */
		q->ckpt_at = CKPT_PAGES;
		q->restart_at = CKPT_RESTART;
	}
	q->wal_pages = pages;
	/* Once per CKPT_PAGES new pages, not after every commit: while
	 * small commits come fast (an idle stream's), each checkpoint
	 * would copy a few pages and sync the files twice. */
	if (pages >= q->ckpt_at) {
		pthread_mutex_lock(&q->ckmu);
		q->ckwant = 1;
		pthread_cond_signal(&q->ckcv);
		pthread_mutex_unlock(&q->ckmu);
		q->ckpt_at = pages + CKPT_PAGES;
	}
	/* Likewise a restart is asked for again only once the WAL grew by
	 * CKPT_RESTART more: it can fail (a reader still on old pages). */
	if (pages >= q->restart_at) {
		if (!q->restart) {
			q->restart = 1;
			q->restart_by = pages + CKPT_LATE;
		}
		q->restart_at = pages + CKPT_RESTART;
	}
	return SQLITE_OK;
}

/* Opens the checkpointer's connection and starts its thread; without
 * them (a single-threaded SQLite, an error) the committing thread
 * checkpoints, as before. */
static void ckpt_start(struct sq *q, int sync_full)
{
	char pragma[64];
	sigset_t all, old;

	pthread_mutex_init(&q->ckmu, NULL);
	pthread_cond_init(&q->ckcv, NULL);
	q->ckinit = 1;
	q->ckpt_at = CKPT_PAGES;
	q->restart_at = CKPT_RESTART;
	sqlite3_wal_hook(q->db, wal_hook, q);
	if (!sqlite3_threadsafe())
		return;
	if (sqlite3_open_v2(q->path, &q->ck, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	/* The checkpointing connection's setting decides how it syncs. */
	snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", sync_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(q->ck, pragma, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int e = pthread_create(&q->ckth, NULL, ckpt_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		goto fail;
	q->ckstarted = 1;
	/* Closed only after every connection (see sq_close): closing a
	 * descriptor of the file drops the process's POSIX locks on it,
	 * SQLite's included. */
	q->dbfd = open(q->path, O_RDONLY | O_CLOEXEC);
	return;
fail:
	arb_warn("%s: no checkpointing thread (%s): checkpoints come with commits",
	    q->path, q->ck ? sqlite3_errmsg(q->ck) : "cannot open");
	sqlite3_close(q->ck);
	q->ck = NULL;
}

static void ckpt_stop(struct sq *q)
{
	if (q->ckstarted) {
		pthread_mutex_lock(&q->ckmu);
		q->ckquit = 1;
		pthread_cond_signal(&q->ckcv);
		pthread_mutex_unlock(&q->ckmu);
		pthread_join(q->ckth, NULL);
		q->ckstarted = 0;
		arb_debug("%s: %llu checkpoints in their thread, %.3f cpu seconds", q->path,
		    (unsigned long long)q->ckn, q->ckcpu);
		arb_debug("%s: the committing thread waited %.3f s for them, %llu times (WAL restarts)",
		    q->path, (double)q->restart_us / 1e6, (unsigned long long)q->nrestart);
	}
	if (q->ck) {
		sqlite3_close(q->ck);
		q->ck = NULL;
	}
	if (q->ckinit) {
		pthread_mutex_destroy(&q->ckmu);
		pthread_cond_destroy(&q->ckcv);
		q->ckinit = 0;
	}
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

	if (q->restart) {
		/* SQLite starts the WAL over from its beginning only at a
		 * transaction that begins when every frame in it has been
		 * copied into the database (and the database synced); under
		 * load the next batch begins before the checkpointer is done.
		 * So now and then (every CKPT_RESTART pages) wait for it:
		 * else the WAL would grow as long as the load lasts.  In two
		 * steps, so that the wait is short: first a checkpoint is
		 * asked for and this batch committed meanwhile; at the first
		 * commit that finds the checkpointer done (or once the WAL
		 * grew CKPT_LATE pages more) one more is asked for and waited
		 * for, which has only the batches since to copy. */
		int64_t t0 = arb_mono_us();
		pthread_mutex_lock(&q->ckmu);
		if (q->restart == 1) {
			q->ckwant = 1;
			pthread_cond_signal(&q->ckcv);
			q->restart = 2;
		} else if ((!q->ckwant && !q->ckbusy) || q->wal_pages >= q->restart_by) {
			q->ckwant = 1;
			pthread_cond_signal(&q->ckcv);
			while (q->ckwant || q->ckbusy)
				pthread_cond_wait(&q->ckcv, &q->ckmu);
			q->restart = 0;
			q->nrestart++;
			q->restart_us += arb_mono_us() - t0;
		}
		pthread_mutex_unlock(&q->ckmu);
	}
	if (step(q, q->begin, "BEGIN IMMEDIATE", why, whylen) < 0)
		return -1;
	q->in_txn = 1;
	for (int k = 0; k < ARB_R_NTYPES; k++)
		if (b->nrows[k] && insert_rows(q, b, k, why, whylen) < 0)
			goto fail;
	if (step(q, q->commit, "COMMIT", why, whylen) < 0)
		goto fail;
	q->in_txn = 0;
	s->inserted += b->ins;
	s->dups += b->dups;
	return 0;
fail:
	/* Leave nothing half done: a failed COMMIT may leave the
	 * transaction open. */
	if (!sqlite3_get_autocommit(q->db)) {
		sqlite3_step(q->rollback);
		sqlite3_reset(q->rollback);
	}
	q->in_txn = 0;
	for (int c = 0; c < ARB_R_NTYPES; c++) {
		if (q->ins[c])
			sqlite3_reset(q->ins[c]);
		if (q->insm[c])
			sqlite3_reset(q->insm[c]);
	}
	return -1;
}

static void finalize(struct sq *q)
{
	for (int k = 0; k < ARB_R_NTYPES; k++) {
		sqlite3_finalize(q->ins[k]);
		sqlite3_finalize(q->insm[k]);
	}
	sqlite3_finalize(q->begin);
	sqlite3_finalize(q->commit);
	sqlite3_finalize(q->rollback);
}

static void sq_close(struct arb_store *s)
{
	struct sq *q = (struct sq *)s;

	ckpt_stop(q);
	if (q->in_txn)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	if (q->walfd >= 0)
		close(q->walfd);
	finalize(q);
	int64_t t0 = arb_mono_us();
	sqlite3_close(q->db);
	arb_debug("%s: closing took %.3f s (the last checkpoint, syncing the database, removing the WAL)",
	    q->path, (double)(arb_mono_us() - t0) / 1e6);
	if (q->dbfd >= 0)
		close(q->dbfd);
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

/* Deferred durability: every batch committed before this call is on disk
 * when it returns 0.  Any thread; fdatasync on a descriptor of our own
 * needs no lock of SQLite's. */
static int sq_sync(struct arb_store *s, char *why, size_t whylen)
{
	struct sq *q = (struct sq *)s;
	struct stat st;

	if (fdatasync(q->walfd) < 0) {
		snprintf(why, whylen, "%s-wal: fdatasync: %s", q->path, strerror(errno));
		return -1;
	}
	/* SQLite removes the WAL only when the last connection closes, and
	 * ours stays open; check anyway, since syncing a removed file
	 * would make nothing durable. */
	if (fstat(q->walfd, &st) < 0 || st.st_nlink == 0) {
		snprintf(why, whylen, "%s-wal: the WAL file was removed while in use", q->path);
		return -1;
	}
	return 0;
}

/* Syncs the directory holding path (the WAL's entry in it). */
static int sync_dir(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');
	int fd, rc = 0;

	if (slash == d)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(d);
	return rc;
}

/*
 * Takes deferred durability up when the database is in WAL mode and its
 * WAL file can be opened; otherwise commits stay FULL (and durable by
 * themselves).  The WAL exists by now: SQLite creates it when the first
 * transaction reads the database.  Its directory entry is synced here
 * once (SQLite would at the WAL's first sync, which NORMAL puts off to
 * the first checkpoint).
 */
static void defer_start(struct sq *q)
{
	sqlite3_stmt *st;
	int wal = 0;

	if (sqlite3_prepare_v2(q->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(st, 0);
			wal = m && strcmp(m, "wal") == 0;
		}
		sqlite3_finalize(st);
	}
	const char *walpath = sqlite3_filename_wal(sqlite3_db_filename(q->db, "main"));
	if (!wal || !walpath || !*walpath)
		return;
	q->walfd = open(walpath, O_RDONLY | O_CLOEXEC);
	if (q->walfd < 0 || sync_dir(walpath) < 0 ||
	    sqlite3_exec(q->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		arb_debug("%s: commits sync the WAL themselves (%s)", q->path,
		    q->walfd < 0 ? strerror(errno) : "setup failed");
		if (q->walfd >= 0)
			close(q->walfd);
		q->walfd = -1;
		sqlite3_exec(q->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
		return;
	}
	q->base.sync = sq_sync;
}

static const struct arb_store_ops sq_ops = {
	sq_stage, sq_commit, sq_close, sq_dump, sq_verify, sq_backup, sq_table
};

/*
 * The writing connection's WAL writes, gathered (the VFS "arb-wal", over
 * the default one).  SQLite writes each frame of a commit with two
 * pwrites, its 24-byte header and its page: about 32000 system calls per
 * 500000 records of the bench's mix, each dear on a virtual machine.  Here
 * the frames before the commit frame are gathered in a buffer (128 KiB) and
 * written in one call when they stop being consecutive or the buffer is
 * full, and always before the commit frame, which is written as SQLite
 * writes it (header, then page) before the commit returns.  So when
 * SQLite goes on to publish the commit (in the WAL index, shared memory,
 * no call of ours), every frame of it is in the file, as without the
 * buffer, and the order of the writes is SQLite's; a kill meanwhile loses
 * frames of a transaction that had not committed, which recovery ignores
 * anyway.  Anything else done with the WAL (a read, a sync, its size, a
 * truncation, a lock, closing) writes out what is gathered first, and a
 * write that is neither a frame's header nor the page right after one
 * (the WAL's own header, a page rewritten in place) goes through as it
 * comes.  Other files, and other connections' WALs, go straight through.
 */
/* At most what the default VFS writes in one call (unixWrite takes up to
 * 0x1ffff bytes at a time). */
#define WBUF ((size_t)0x1ffff)
struct wfile {
	sqlite3_file base;
	sqlite3_file *real;        /* the default VFS's file, after this struct */
	int wal;                   /* the writer's WAL: writes gathered */
	int through;               /* the next write goes through (a commit frame's page) */
	int hdr;                   /* the last write gathered was a frame header */
	char *buf;
	size_t len;
	sqlite3_int64 off;         /* the file offset of buf[0] */
};
#define WFILE_SIZE ((sizeof(struct wfile) + 15) & ~(size_t)15)
static sqlite3_vfs wvfs, *wreal;
static sqlite3_io_methods wmethods;

static int wflush(struct wfile *f)
{
	int rc = SQLITE_OK;

	if (f->len)
		rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	f->len = 0;
	f->hdr = 0;
	return rc;
}

static int wwrite(sqlite3_file *sf, const void *p, int n, sqlite3_int64 off)
{
	struct wfile *f = (struct wfile *)sf;
	const unsigned char *c = p;

	if (!f->wal)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	if (f->through) {
		f->through = 0;
		return f->real->pMethods->xWrite(f->real, p, n, off);
	}
	/* A frame header is 24 bytes; a commit frame's has the database's
	 * size after the commit in bytes 4 to 7, else 0. */
	int header = n == 24, commit = header && (c[4] | c[5] | c[6] | c[7]);
	int frame = header || (f->hdr && n > 24);
	if (!frame || commit || (f->len && off != f->off + (sqlite3_int64)f->len) ||
	    f->len + (size_t)n > WBUF) {
		int rc = wflush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (!frame || commit || (size_t)n > WBUF) {
		f->through = commit;
		return f->real->pMethods->xWrite(f->real, p, n, off);
	}
	if (!f->len)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)n);
	f->len += (size_t)n;
	f->hdr = header;
	return SQLITE_OK;
}

/* The other methods: what is gathered first, then the default VFS's. */
#define WF(sf) ((struct wfile *)(sf))
#define WFLUSH(sf) do { if (WF(sf)->len) { int rc_ = wflush(WF(sf)); if (rc_ != SQLITE_OK) return rc_; } } while (0)
#define WREAL(sf) (WF(sf)->real)

static int wclose(sqlite3_file *sf)
{
	int rc = wflush(WF(sf)), rc2 = WREAL(sf)->pMethods->xClose(WREAL(sf));
	free(WF(sf)->buf);
	return rc != SQLITE_OK ? rc : rc2;
}
static int wread(sqlite3_file *sf, void *p, int n, sqlite3_int64 off)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xRead(WREAL(sf), p, n, off); }
static int wtruncate(sqlite3_file *sf, sqlite3_int64 size)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xTruncate(WREAL(sf), size); }
static int wsync(sqlite3_file *sf, int flags)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xSync(WREAL(sf), flags); }
static int wsize(sqlite3_file *sf, sqlite3_int64 *size)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xFileSize(WREAL(sf), size); }
static int wlock(sqlite3_file *sf, int l)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xLock(WREAL(sf), l); }
static int wunlock(sqlite3_file *sf, int l)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xUnlock(WREAL(sf), l); }
static int wreserved(sqlite3_file *sf, int *out)
{ return WREAL(sf)->pMethods->xCheckReservedLock(WREAL(sf), out); }
static int wfcntl(sqlite3_file *sf, int op, void *arg)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xFileControl(WREAL(sf), op, arg); }
static int wsector(sqlite3_file *sf)
{ return WREAL(sf)->pMethods->xSectorSize(WREAL(sf)); }
static int wdevchar(sqlite3_file *sf)
{ return WREAL(sf)->pMethods->xDeviceCharacteristics(WREAL(sf)); }
static int wshmmap(sqlite3_file *sf, int pg, int pgsz, int extend, void volatile **pp)
{ return WREAL(sf)->pMethods->xShmMap(WREAL(sf), pg, pgsz, extend, pp); }
static int wshmlock(sqlite3_file *sf, int offset, int n, int flags)
{ return WREAL(sf)->pMethods->xShmLock(WREAL(sf), offset, n, flags); }
static void wshmbarrier(sqlite3_file *sf)
{ WREAL(sf)->pMethods->xShmBarrier(WREAL(sf)); }
static int wshmunmap(sqlite3_file *sf, int del)
{ return WREAL(sf)->pMethods->xShmUnmap(WREAL(sf), del); }
static int wfetch(sqlite3_file *sf, sqlite3_int64 off, int n, void **pp)
{ WFLUSH(sf); return WREAL(sf)->pMethods->xFetch(WREAL(sf), off, n, pp); }
static int wunfetch(sqlite3_file *sf, sqlite3_int64 off, void *p)
{ return WREAL(sf)->pMethods->xUnfetch(WREAL(sf), off, p); }

static int wopen(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *sf, int flags, int *outflags)
{
	struct wfile *f = (struct wfile *)sf;

	(void)vfs;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)((char *)f + WFILE_SIZE);
	int rc = wreal->xOpen(wreal, name, f->real, flags, outflags);
	if (f->real->pMethods == NULL)
		return rc;
	/* Only a version 3 file (the default VFS's on Unix) is wrapped
	 * whole; another one's methods are not known here. */
	if (f->real->pMethods->iVersion < 3) {
		f->real->pMethods->xClose(f->real);
		return SQLITE_CANTOPEN;
	}
	f->base.pMethods = &wmethods;
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL))
		f->wal = (f->buf = malloc(WBUF)) != NULL;
	return rc;
}

/* Registers "arb-wal" (not as the default): 0, or -1 when it cannot be. */
static int wvfs_init(void)
{
	wreal = sqlite3_vfs_find(NULL);
	if (!wreal || wreal->iVersion < 1)
		return -1;
	wvfs = *wreal;
	wvfs.zName = "arb-wal";
	wvfs.szOsFile = (int)WFILE_SIZE + wreal->szOsFile;
	wvfs.xOpen = wopen;
	wvfs.pNext = NULL;
	wmethods = (sqlite3_io_methods){ 3, wclose, wread, wwrite, wtruncate, wsync, wsize, wlock,
	    wunlock, wreserved, wfcntl, wsector, wdevchar, wshmmap, wshmlock, wshmbarrier,
	    wshmunmap, wfetch, wunfetch };
	return sqlite3_vfs_register(&wvfs, 0) == SQLITE_OK ? 0 : -1;
}
static int wvfs_ok;

/*
 * The page caches' memory: SQLite's allocations of a cache page (a 16 KiB
 * page and its header) come from one region of the process, in huge
 * pages where the kernel gives them (transparent huge pages, "madvise" or
 * "always"); everything else from SQLite's default allocator
 * (SQLITE_CONFIG_MALLOC over SQLITE_CONFIG_GETMALLOC's).  Without it
 * every page of the writer's 64 MiB cache is malloc'ed and its first touch
 * (SQLite zeroes a new page) is a page fault: 16777 of them in the
 * committing thread per 500000 records of the bench's mix, which on this
 * machine (a virtual one, where faults and TLB misses cost most) took a
 * third of that thread's CPU time, and reading the cache through 4 KiB
 * pages made the kernel's copies into the WAL slower too.  The region is
 * reserved, not used: slots are handed out in order (then reused), so the
 * memory grows 2 MiB at a time as the caches do.  (SQLITE_CONFIG_PAGECACHE
 * would do the same but writes to every slot at start: 76 MiB resident and
 * 0.1 to 0.3 s more before the first record.)
 */
#define HEAP_PAGE 16384
#define HEAP_SLOT (HEAP_PAGE + 1024)       /* a page and SQLite's header */
#define HEAP_SIZE ((size_t)256 << 20)      /* reserved: the writer's 64 MiB cache and more */
static struct {
	sqlite3_mem_methods def;           /* SQLite's own */
	pthread_mutex_t mu;
	char *base, *next, *end;           /* the region; the next slot never used */
	void *free;                        /* slots freed, a list through their first word */
} heap = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int heap_ours(const void *p)
{
	return (const char *)p >= heap.base && (const char *)p < heap.end;
}

static void *heap_malloc(int n)
{
	if (n > HEAP_PAGE && n <= HEAP_SLOT) {
		void *p = NULL;
		pthread_mutex_lock(&heap.mu);
		if (heap.free) {
			p = heap.free;
			memcpy(&heap.free, p, sizeof heap.free);
		} else if (heap.end - heap.next >= HEAP_SLOT) {
			p = heap.next;
			heap.next += HEAP_SLOT;
		}
		pthread_mutex_unlock(&heap.mu);
		if (p)
			return p;
	}
	return heap.def.xMalloc(n);
}

static void heap_free(void *p)
{
	if (!heap_ours(p)) {
		heap.def.xFree(p);
		return;
	}
	pthread_mutex_lock(&heap.mu);
	memcpy(p, &heap.free, sizeof heap.free);
	heap.free = p;
	pthread_mutex_unlock(&heap.mu);
}

static int heap_size(void *p)
{
	return heap_ours(p) ? HEAP_SLOT : heap.def.xSize(p);
}

static void *heap_realloc(void *p, int n)
{
	if (!heap_ours(p))
		return heap.def.xRealloc(p, n);
	if (n <= HEAP_SLOT && n > HEAP_PAGE)
		return p;
	void *q = heap_malloc(n);
	if (q) {
		memcpy(q, p, (size_t)(n < HEAP_SLOT ? n : HEAP_SLOT));
		heap_free(p);
	}
	return q;
}

static int heap_roundup(int n)
{
	return n > HEAP_PAGE && n <= HEAP_SLOT ? HEAP_SLOT : heap.def.xRoundup(n);
}

static int heap_init(void *arg) { return heap.def.xInit(arg); }
static void heap_shutdown(void *arg) { heap.def.xShutdown(arg); }

static void pool_init(void)
{
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &heap.def) != SQLITE_OK || !heap.def.xMalloc)
		return;
	/* Reserved only (no memory until used), 2 MiB aligned so that huge
	 * pages can back all of it. */
	char *a = arb_store_region(HEAP_SIZE);
	if (a == NULL)
		return;
	heap.base = heap.next = a;
	heap.end = a + HEAP_SIZE;
	static const sqlite3_mem_methods ours = {
		heap_malloc, heap_free, heap_realloc, heap_size, heap_roundup,
		heap_init, heap_shutdown, NULL
	};
	/* SQLITE_MISUSE once SQLite has initialised: then its own, as before. */
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &ours) != SQLITE_OK) {
		munmap(a, HEAP_SIZE);
		heap.base = heap.next = heap.end = NULL;
	}
}

/* What is set up once per process: the page caches' memory first (which
 * must come before SQLite initialises), then the VFS. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void sq_init(void)
{
	pool_init();
	wvfs_ok = wvfs_init() == 0;
}

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
	pthread_once(&init_once, sq_init);
	q->base.ops = &sq_ops;
	q->path = xstrdup(path);
	q->walfd = -1;
	q->dbfd = -1;
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
	if (sqlite3_open_v2(path, &q->db, flags, !ro && wvfs_ok ? "arb-wal" : NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, 10000);
	/* secure_delete (on in some builds, Debian's) zeroes the space
	 * that cells leave when B-tree pages are split and rebalanced: this
	 * program never deletes a row, so it only costs (about 3% of the
	 * committing thread's instructions); the setting is per connection. */
	snprintf(pragmas, sizeof pragmas, "%sPRAGMA synchronous=%s; PRAGMA cache_size=-65536;"
	    " PRAGMA mmap_size=268435456; PRAGMA foreign_keys=OFF;%s",
	    ro ? "" : "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; ",
	    o->sync_full ? "FULL" : "NORMAL",
	    ro ? "" : " PRAGMA journal_size_limit=134217728; PRAGMA secure_delete=OFF;");
	/* the first statement that reads the file: a file that is no
	 * database fails here (was said as "changing the schema", which a
	 * read-only --verify or --dump never does) */
	if (exec_as(q, pragmas, "opening", why, whylen) < 0)
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
	if (!ro && v == ARB_STORE_SCHEMA) {
		if (prepare(q, why, whylen) < 0)
			goto fail;
		ckpt_start(q, o->sync_full);
		if (o->sync_full && o->defer_sync)
			defer_start(q);
	}
	*sp = &q->base;
	*status = 0;
	return 0;
fail:
	finalize(q);
	sqlite3_close(q->db);
	if (q->walfd >= 0)
		close(q->walfd);
	free(q->path);
	free(q);
	return -1;
}
