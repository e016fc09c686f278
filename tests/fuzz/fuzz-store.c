/*
 * fuzz-store.c: libFuzzer target for arb-store's way from a record line
 * to a SQLite row and back (store.h: arb_store_stage, arb_store_commit,
 * arb_store_dump, arb_store_verify).  The input is a record stream, read
 * as arb-store reads stdin (the line reader, then arb_rec_parse; bad
 * lines are skipped); the first byte chooses the batch size (1 to 8
 * records, or all in one) and synchronous FULL or NORMAL.  Every good
 * record is staged and committed into a new database, then checked:
 *
 *   - nothing lost: every committed record counts as inserted or as a
 *     duplicate (ins + dups = records), and the database dumps exactly
 *     `ins` lines;
 *   - nothing changed: each dumped line is byte for byte a line of the
 *     input, and no line comes out twice;
 *   - nothing doubled: every line of a type keyed by its content (all
 *     but trades, keyed by venue, symbol and trade id) comes out once; a
 *     trade line comes out, or another trade line with its ex, sym and id
 *     does;
 *   - idempotency: the same records committed again are all duplicates;
 *   - the integrity check passes.
 *
 * Each input gets a new database (a copy of one made and migrated once,
 * in the directory fuzz-file.h makes under TMPDIR).  About 40 inputs a
 * second: opening a SQLite store is most of the cost.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-store.c (all of lib/) -lsqlite3 ... -o fuzz-store
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <fcntl.h>

#include "fuzz-file.h"
#include "io.h"
#include "rec.h"
#include "store.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct line {
	char *p;
	size_t n;
	int trade;
	char *key;      /* a trade's ex, sym and id */
	int seen;       /* times found in the dump */
};

static void
rm_db(const char *db)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[600];

	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		snprintf(p, sizeof p, "%s%s", db, sfx[i]);
		(void)unlink(p);
	}
}

/* A trade's identity: its ex, sym and id as the store keeps them (the
 * strings decoded), allocated; NULL when not a trade. */
static char *
trade_key(const struct arb_rec *r, size_t n)
{
	char *ex = xmalloc(n + 1), *sym = xmalloc(n + 1), *id = xmalloc(n + 1), *key = NULL;

	if (r->type == ARB_R_TRADE && arb_rec_str(r, "ex", ex, n + 1) == 0 &&
	    arb_rec_str(r, "sym", sym, n + 1) == 0 && arb_rec_str(r, "id", id, n + 1) == 0) {
		key = xmalloc(3 * n + 64);
		snprintf(key, 3 * n + 64, "%zu:%s%zu:%s%s", strlen(ex), ex, strlen(sym), sym, id);
	}
	free(ex);
	free(sym);
	free(id);
	return key;
}

/* A new database at db, copied from one made (migrated) once: a fresh
 * database every input, at a fraction of the cost of the migrations. */
static void
new_db(const char *db, const struct arb_store_opts *o)
{
	static char *tmpl;
	static size_t tn;
	struct arb_store *s;
	char why[256];
	int status;
	FILE *fp;

	if (!tmpl) {
		CHECK(arb_store_open(&s, db, o, why, sizeof why, &status) == 0);
		arb_store_close(s);
		CHECK((fp = fopen(db, "rb")) != NULL);
		tmpl = xmalloc(1 << 22);
		tn = fread(tmpl, 1, 1 << 22, fp);
		CHECK(tn > 0 && tn < 1 << 22 && !ferror(fp));
		fclose(fp);
		rm_db(db);
	}
	CHECK((fp = fopen(db, "wb")) != NULL && fwrite(tmpl, 1, tn, fp) == tn && fclose(fp) == 0);
}

/* Stages lines[0..n) in batches of `per` (0: all) and commits them. */
static void
commit_all(struct arb_store *s, struct line *lines, size_t n, size_t per, uint64_t *ins,
    uint64_t *dups)
{
	struct arb_store_batch b = { 0 };
	struct arb_rec r;
	char why[256];
	size_t i, k = 0;

	arb_rec_init(&r);
	*ins = *dups = 0;
	for (i = 0; i < n; i++) {
		CHECK(arb_rec_parse(&r, lines[i].p, lines[i].n, why, sizeof why) == 0);
		CHECK(arb_store_stage(s, &b, &r, why, sizeof why) == 0);
		if (++k == per || i + 1 == n) {
			CHECK(arb_store_commit(s, &b, why, sizeof why) == 0);
			CHECK(b.ins + b.dups == k);
			*ins += b.ins;
			*dups += b.dups;
			arb_store_batch_reset(&b);
			k = 0;
		}
	}
	arb_store_batch_free(&b);
	arb_rec_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arb_store_opts o = { 0 };
	struct arb_store *s;
	struct arb_reader rd;
	struct arb_rec r;
	struct line *lines = NULL;
	size_t n = 0, cap = 0, per, i, j, ndump = 0;
	uint64_t ins, dups, ins2, dups2;
	char why[256], db[600], *line, *dump = NULL;
	size_t len, dlen = 0;
	int fd, st, status;
	FILE *fp;

	if (size < 1)
		return 0;
	per = data[0] & 7 ? (size_t)(data[0] & 7) : 0;
	o.sync_full = (data[0] >> 3) & 1;
	fd = open(fuzz_file("in.ndjson", data + 1, size - 1), O_RDONLY);
	CHECK(fd >= 0);
	snprintf(db, sizeof db, "%s/arb.db", fuzz_dir);
	rm_db(db);
	new_db(db, &o);

	/* as arb-store reads: the good records, in order */
	arb_reader_init(&rd, fd, "in");
	arb_rec_init(&r);
	while ((st = arb_reader_next(&rd, &line, &len)) != ARB_RD_EOF) {
		CHECK(st != ARB_RD_ERR);
		if (st == ARB_RD_BAD || arb_rec_parse(&r, line, len, why, sizeof why) < 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			xrealloc(&lines, cap * sizeof *lines);
		}
		memset(&lines[n], 0, sizeof lines[n]);
		lines[n].p = xmalloc(len + 1);
		memcpy(lines[n].p, line, len + 1);
		lines[n].n = len;
		lines[n].key = trade_key(&r, len);
		lines[n].trade = lines[n].key != NULL;
		n++;
	}
	arb_rec_free(&r);
	arb_reader_free(&rd);
	close(fd);

	if (arb_store_open(&s, db, &o, why, sizeof why, &status) < 0) {
		fprintf(stderr, "fuzz-store: %s\n", why);
		abort();
	}
	commit_all(s, lines, n, per, &ins, &dups);
	CHECK(ins + dups == n);
	commit_all(s, lines, n, per ? per + 1 : 0, &ins2, &dups2);
	CHECK(ins2 == 0 && dups2 == n);

	/* the dump: ins lines, each an input line, none twice */
	CHECK((fp = open_memstream(&dump, &dlen)) != NULL);
	CHECK(arb_store_dump(s, fp, why, sizeof why) == 0);
	CHECK(fclose(fp) == 0);
	for (char *p = dump; p < dump + dlen;) {
		char *e = memchr(p, '\n', (size_t)(dump + dlen - p));
		int found = 0;

		CHECK(e != NULL);
		for (i = 0; i < n; i++) {
			if (lines[i].n == (size_t)(e - p) && memcmp(lines[i].p, p, lines[i].n) == 0) {
				lines[i].seen++;
				found = 1;
			}
		}
		CHECK(found);
		ndump++;
		p = e + 1;
	}
	CHECK(ndump == ins);
	for (i = 0; i < n; i++) {
		int dup = 0;

		/* the same line twice in the input comes out once, seen by both */
		for (j = 0; j < i && !dup; j++)
			dup = lines[j].n == lines[i].n && memcmp(lines[j].p, lines[i].p, lines[i].n) == 0;
		if (dup)
			continue;
		CHECK(lines[i].seen <= 1);
		if (!lines[i].trade) {
			CHECK(lines[i].seen == 1);
			continue;
		}
		if (lines[i].seen)
			continue;
		/* a trade not stored: another trade with its key is */
		for (j = 0; j < n; j++)
			if (j != i && lines[j].trade && lines[j].seen &&
			    strcmp(lines[j].key, lines[i].key) == 0)
				break;
		CHECK(j < n);
	}

	CHECK((fp = fopen("/dev/null", "w")) != NULL);
	CHECK(arb_store_verify(s, fp, why, sizeof why) == 0);
	fclose(fp);
	arb_store_close(s);
	rm_db(db);
	for (i = 0; i < n; i++) {
		free(lines[i].p);
		free(lines[i].key);
	}
	free(lines);
	free(dump);
	return 0;
}
