/*
 * fuzz-rec.c: libFuzzer target for the record parser (rec.h).  Every
 * input goes through arb_rec_parse; an accepted book is read with
 * arb_rec_book, emitted again and parsed again, and must come back with
 * the same levels (when the input is valid UTF-8, as the line reader
 * guarantees: arb_json_quote turns invalid bytes into U+FFFD, which
 * changes lengths); a refused record must have a reason.  And every
 * input is parsed a second time by the general path alone
 * (arb_rec_parse_general, the oracle of the fast path: rec-oracle.h),
 * which must agree in everything: result, reason, common keys, every
 * token (for a book read in lazy mode, which keeps the object's token
 * alone, that token and where the sides' text lies), every level.  Any
 * inconsistency aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-rec.c lib/rec.c lib/json.c lib/dec.c lib/util.c \
 *       lib/log.c lib/io.c -o fuzz-rec && ./fuzz-rec -max_total_time=60
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/rec-oracle.h"
#include "io.h"
#include "rec.h"
#include "util.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void
emit_book(struct arb_buf *b, const struct arb_rec *r, const struct arb_book_rec *k)
{
	arb_emit_begin(b, "book");
	arb_emit_i64(b, "ts", r->ts);
	arb_emit_i64(b, "rt", r->rt);
	arb_emit_str(b, "ex", r->ex);
	arb_emit_str(b, "sym", r->sym);
	if (k->has_seq)
		arb_emit_i64(b, "seq", k->seq);
	arb_emit_bool(b, "ok", k->ok);
	arb_emit_i64(b, "depth", k->depth);
	arb_emit_key(b, "bids");
	arb_emit_levels(b, k->bids, k->nbids);
	arb_emit_key(b, "asks");
	arb_emit_levels(b, k->asks, k->nasks);
	arb_emit_end(b);
}

static int
same_levels(const struct arb_level *a, const struct arb_level *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (arb_dec_cmp(a[i].px, b[i].px) != 0 || a[i].px.s != b[i].px.s ||
		    arb_dec_cmp(a[i].qty, b[i].qty) != 0 || a[i].qty.s != b[i].qty.s)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arb_rec r, r2;
	static struct arb_book_rec k, k2;
	static int init;
	char why[128], s[64];
	arb_dec d;
	int64_t v;
	int bv;

	static struct rec_oracle o;
	const char *diff;

	if (!init) {
		arb_rec_init(&r);
		arb_rec_init(&r2);
		rec_oracle_init(&o);
		init = 1;
	}
	if ((diff = rec_differ(&o, (const char *)data, size)) != NULL) {
		fprintf(stderr, "fuzz-rec: the fast and general paths differ (%s) on: %.*s\n", diff,
		    (int)size, (const char *)data);
		abort();
	}
	if (arb_rec_parse(&r, (const char *)data, size, why, sizeof why) < 0) {
		CHECK(why[0] != '\0');
		CHECK(!r.has_ts && !r.has_rt && !r.ex[0] && !r.sym[0]);
		return 0;
	}
	CHECK(r.j.n > 0 && r.j.t[0].type == ARB_J_OBJ);
	CHECK(strlen(r.ex) < ARB_EX_MAX && strlen(r.sym) < ARB_SYM_MAX);
	if (r.type != ARB_R_UNKNOWN)
		CHECK(r.has_ts);
	(void)arb_rec_dec(&r, "px", &d);
	(void)arb_rec_i64(&r, "seq", &v);
	(void)arb_rec_str(&r, "side", s, sizeof s);
	(void)arb_rec_bool(&r, "ok", &bv);
	if (r.type == ARB_R_BOOK && arb_utf8_check((const char *)data, size) == NULL) {
		struct arb_buf b = { 0 };

		CHECK(r.has_rt && r.ex[0] && r.sym[0]);
		CHECK(arb_rec_book(&r, &k) == 0);
		emit_book(&b, &r, &k);
		CHECK(b.len && b.p[b.len - 1] == '\n');
		if (arb_rec_parse(&r2, b.p, b.len - 1, why, sizeof why) != 0) {
			fprintf(stderr, "fuzz-rec: re-emitted book refused: %s\n%s", why, b.p);
			abort();
		}
		CHECK(arb_rec_book(&r2, &k2) == 0);
		CHECK(r2.ts == r.ts && r2.rt == r.rt && strcmp(r2.ex, r.ex) == 0 && strcmp(r2.sym, r.sym) == 0);
		CHECK(k2.nbids == k.nbids && k2.nasks == k.nasks && k2.ok == k.ok && k2.depth == k.depth);
		CHECK(k2.has_seq == k.has_seq && k2.seq == k.seq);
		CHECK(same_levels(k.bids, k2.bids, k.nbids) && same_levels(k.asks, k2.asks, k.nasks));
		arb_buf_free(&b);
	}
	return 0;
}
