/*
 * store.h: persisting records (arb-store(1)) in SQLite or PostgreSQL.
 *
 * One table per record type, plus "records" for types this program does
 * not know.  Every table has the common keys as columns (ts rt ex sym),
 * the type's main keys as typed columns, a 128-bit content hash of the
 * line (h1, h2) and the whole line as text, so nothing is ever lost.
 * Exact decimals are TEXT (the JSON text, byte for byte) in SQLite and
 * NUMERIC in PostgreSQL; never binary floating point.
 *
 * Idempotency: every table has a unique key and inserts that hit it are
 * ignored.  The key is (ts, h1, h2) (the same record line) except for
 * trades, keyed by (ex, sym, trade_id) as the venue numbers them, and
 * "records", keyed by (h1, h2).
 *
 * The schema is a list of migrations; schema_version holds the version a
 * database is at.  A new database gets every migration; an older one is
 * upgraded only on request (arb_store_open with ARB_STORE_MIGRATE); a
 * newer one is refused.
 *
 * Usage: arb_store_open; arb_store_stage each record of a batch into a
 * struct arb_store_batch, then arb_store_commit it to make it durable;
 * arb_store_close at the end.  A record staged is durable only once
 * arb_store_commit of its batch returned 0.  Staging never touches the
 * database, so one thread may stage into a batch while another commits
 * an earlier one (arb-store(1) does so); two commits never run at once.
 *
 * Deferred durability (asked for with arb_store_opts.defer_sync; only
 * SQLite with synchronous=FULL takes it up, arb_store_deferred says so):
 * arb_store_commit then returns once the batch is committed, visible to
 * readers but maybe not on disk yet, and a batch is durable once an
 * arb_store_sync that began after its commit returned returned 0.
 * arb_store_sync may run in another thread than the commits, at the same
 * time as one, so that the next batch is committed while the disk syncs
 * the one before.
 */
#ifndef ARB_STORE_H
#define ARB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "rec.h"

/* The schema version this program writes (see the migrations in store.c). */
#define ARB_STORE_SCHEMA 3

/* Kinds of typed columns. */
enum arb_col_kind {
	ARB_COL_INT,   /* integer (SQLite INTEGER, PostgreSQL BIGINT) */
	ARB_COL_DEC,   /* exact decimal (SQLite TEXT, PostgreSQL NUMERIC) */
	ARB_COL_TEXT,  /* text */
	ARB_COL_BOOL,  /* boolean (SQLite INTEGER 0/1, PostgreSQL BOOLEAN) */
	/* Derived columns, computed rather than read from one key: */
	ARB_COL_ROUTE, /* opportunity legs as "ex:sym:side ex:sym:side..." (TEXT) */
	ARB_COL_E8     /* a decimal key times 1e8 as an exact INTEGER, or NULL */
};

struct arb_store_col {
	const char *name;         /* column name */
	enum arb_col_kind kind;
	const char *key;          /* JSON key it comes from */
	int i0, i1;               /* for keys holding arrays: element path, -1 none */
};

struct arb_store_table {
	const char *name;         /* "books" */
	enum arb_rtype type;      /* ARB_R_UNKNOWN for "records" */
	const struct arb_store_col *cols; /* typed columns after ts rt ex sym */
	int ncols;
	const char *key;          /* the unique key's columns */
	const char *index;        /* columns of a second index for reports, or NULL */
};

/* The tables, indexed by enum arb_rtype (ARB_R_UNKNOWN is "records"). */
extern const struct arb_store_table arb_store_tables[ARB_R_NTYPES];

/* One extracted column value. */
struct arb_store_val {
	int null;
	int64_t i;                /* INT, BOOL, E8 */
	const char *p;            /* DEC, TEXT, ROUTE: not NUL-terminated */
	size_t n;
};

/* The most columns any table has (common + typed + hash + line). */
#define ARB_STORE_MAXCOLS 32

/*
 * A record split into column values, in table order: ts rt ex sym, the
 * typed columns, then type (records table only), h1, h2, line.  Text
 * values point into the record's line or into scratch, which must live as
 * long as the values are used.  Returns the number of values.
 */
int arb_store_row(const struct arb_rec *r, const struct arb_store_table *t,
    struct arb_store_val *v, struct arb_buf *scratch);
/* The same, leaving h1 and h2 0 (for whoever hashes the line later). */
int arb_store_row_nohash(const struct arb_rec *r, const struct arb_store_table *t,
    struct arb_store_val *v, struct arb_buf *scratch);

/* The 128-bit content hash of a line (stable: it is stored). */
void arb_store_hash(const char *p, size_t n, uint64_t *h1, uint64_t *h2);

/* Backends. */
struct arb_store;

/*
 * Records encoded for the database (the backend's format: COPY binary
 * rows, with an id field the backend fills, for PostgreSQL; bound values
 * for SQLite), one buffer per table, in input
 * order.  Zero-initialise; arb_store_batch_free at the end.
 */
struct arb_store_batch {
	struct arb_buf rows[ARB_R_NTYPES];
	uint64_t nrows[ARB_R_NTYPES];
	uint64_t n;               /* records staged */
	uint64_t ins, dups;       /* set by a successful arb_store_commit */
	struct arb_buf scratch;
	struct arb_store_val v[ARB_STORE_MAXCOLS];
	unsigned char big[ARB_R_NTYPES]; /* rows[k] in a region of its own */
};
void arb_store_batch_reset(struct arb_store_batch *b);
/* Room for extra more bytes in rows[k] (as arb_buf_reserve; a big buffer
 * moves to a region of its own, see store.c). */
void arb_store_rows_grow(struct arb_store_batch *b, int k, size_t extra);
/* The same for any buffer, with its flag *big (zero at first); a buffer
 * grown so is freed with arb_store_buf_free only. */
void arb_store_buf_grow(struct arb_buf *o, unsigned char *big, size_t extra);
/* A region of len bytes (a multiple of 2 MiB) reserved, not yet backed by
 * memory, 2 MiB aligned and advised for transparent huge pages; NULL when
 * it cannot be mapped.  Released with munmap(p, len). */
void *arb_store_region(size_t len);
void arb_store_buf_free(struct arb_buf *o, unsigned char *big);
void arb_store_batch_free(struct arb_store_batch *b);

enum {
	ARB_STORE_MIGRATE = 1,    /* upgrade an older database */
	ARB_STORE_READONLY = 2,   /* dump, verify: never create or change */
	ARB_STORE_NOCREATE = 4    /* the database must exist */
};

struct arb_store_opts {
	int flags;
	int migrate_to;           /* 0: ARB_STORE_SCHEMA */
	int64_t retry_us;         /* PostgreSQL: give up after this long */
	int sync_full;            /* SQLite: synchronous=FULL (1) or NORMAL (0) */
	int defer_sync;           /* deferred durability wanted (see above) */
};

/*
 * Opens (creating when allowed) the database named by url: "sqlite:PATH",
 * a plain path, or a PostgreSQL URL ("postgresql://", "postgres://") or
 * conninfo ("host=... dbname=..."). Returns 0, or -1 with why set;
 * *status is the exit status to use (1 runtime, 2 usage/config).
 */
int arb_store_open(struct arb_store **sp, const char *url,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status);
/* Stages one parsed record in batch b (reads s's configuration only).
 * 0, or -1 with why. */
int arb_store_stage(struct arb_store *s, struct arb_store_batch *b, const struct arb_rec *r,
    char *why, size_t whylen);
/* Makes batch b durable in one transaction and sets b->ins and b->dups;
 * b is left as it was (reset it to reuse it).  0, or -1 with why (then
 * exit 1). */
int arb_store_commit(struct arb_store *s, struct arb_store_batch *b, char *why, size_t whylen);
/* 1 when commits are durable only after arb_store_sync (see above). */
int arb_store_deferred(const struct arb_store *s);
/* Makes every batch committed before the call durable: 0, or -1 with why
 * (then exit 1).  Returns 0 at once when commits are durable by
 * themselves.  Safe to call from another thread during a commit. */
int arb_store_sync(struct arb_store *s, char *why, size_t whylen);
/* Rows inserted and duplicates ignored since open (known after commits). */
void arb_store_counts(const struct arb_store *s, uint64_t *inserted, uint64_t *dups);
/* The schema version of the database (after open). */
int arb_store_version(const struct arb_store *s);
/* Rolls back anything staged and closes. */
void arb_store_close(struct arb_store *s);

/* Writes every stored line to out, table by table in insertion order. */
int arb_store_dump(struct arb_store *s, FILE *out, char *why, size_t whylen);
/* Integrity check and row counts ("table rows" lines to out).  0 ok, -1. */
int arb_store_verify(struct arb_store *s, FILE *out, char *why, size_t whylen);
/* SQLite: an online backup to the file dest.  0, or -1 with why. */
int arb_store_backup(struct arb_store *s, const char *dest, char *why, size_t whylen);
/* Writes the view name (one of arb_store_views) as tab-separated text with
 * a header line, NULL as empty.  0, or -1 with why. */
int arb_store_query(struct arb_store *s, const char *name, FILE *out, char *why, size_t whylen);
/* The views, NULL-terminated. */
extern const char *const arb_store_views[];

/* The default database: $ARB_DB, else sqlite:${XDG_DATA_HOME:-$HOME/.local/share}/arbitron/arb.db.
 * Returns a malloc'd string. */
char *arb_store_default_url(void);
/* True when url names PostgreSQL. */
int arb_store_is_pg(const char *url);

/* Backend entry points (store_sqlite.c, store_pg.c), behind arb_store_*. */
struct arb_store_ops {
	int (*stage)(struct arb_store *, struct arb_store_batch *, const struct arb_rec *, char *, size_t);
	int (*commit)(struct arb_store *, struct arb_store_batch *, char *, size_t);
	void (*close)(struct arb_store *);
	int (*dump)(struct arb_store *, FILE *, char *, size_t);
	int (*verify)(struct arb_store *, FILE *, char *, size_t);
	int (*backup)(struct arb_store *, const char *, char *, size_t);
	/* runs sql and writes its rows as tab-separated text with a header */
	int (*table)(struct arb_store *, const char *sql, FILE *, char *, size_t);
};
struct arb_store {
	const struct arb_store_ops *ops;
	int version;
	uint64_t inserted, dups;
	/* Deferred durability: set by a backend that took defer_sync up,
	 * NULL otherwise (outside the ops, which stay as they were). */
	int (*sync)(struct arb_store *, char *, size_t);
};
int arb_store_sqlite_open(struct arb_store **sp, const char *path,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status);
int arb_store_pg_open(struct arb_store **sp, const char *conninfo,
    const struct arb_store_opts *o, char *why, size_t whylen, int *status);

/* The SQL of migration `to` (from to-1) for a dialect ('s' SQLite, 'p'
 * PostgreSQL), as a malloc'd string of ';'-separated statements. */
char *arb_store_migration_sql(int to, char dialect);

#endif
