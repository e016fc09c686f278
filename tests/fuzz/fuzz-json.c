/*
 * fuzz-json.c: libFuzzer target for the JSON tokenizer (json.h), with
 * jansson as the oracle on every input (tests/unit/json-oracle.h): the
 * accept/reject decisions and, when both accept, the trees must agree,
 * except for the documented and confirmed differences.  Then every token
 * goes through the accessors, and the input, quoted with arb_json_quote,
 * must parse back to the same bytes.  Any disagreement aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-json.c lib/json.c lib/dec.c lib/util.c lib/log.c \
 *       -ljansson -o fuzz-json && ./fuzz-json -max_total_time=60
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/json-oracle.h"
#include "json.h"
#include "util.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void
accessors(const struct arb_json *j)
{
	char buf[64];
	int64_t v;
	arb_dec d;
	const char *why;

	for (uint32_t i = 0; i < j->n; i++) {
		const struct arb_jtok *t = &j->t[i];
		int r = arb_json_str(j, (int)i, buf, sizeof buf);

		CHECK(r < (int)sizeof buf);
		if (t->type != ARB_J_STR)
			CHECK(r == -1);
		else if (t->len < sizeof buf && r >= 0)
			CHECK((size_t)r <= t->len && arb_json_streq(j, (int)i, buf) == !memchr(buf, 0, (size_t)r));
		if (arb_json_i64(j, (int)i, &v) == 0)
			CHECK(t->type == ARB_J_NUM || t->type == ARB_J_STR);
		why = NULL;
		if (arb_json_dec(j, (int)i, &d, &why) < 0) {
			CHECK(why != NULL);
		} else if (t->type == ARB_J_NUM || t->type == ARB_J_STR) {
			/* the inline fast path agrees with the real parser */
			arb_dec d2;

			CHECK(arb_dec_parse(&d2, j->src + t->off, t->len, &why) == 0);
			CHECK(d.m == d2.m && d.s == d2.s);
		}
		if ((t->type == ARB_J_NUM || (t->type == ARB_J_STR && !t->esc && t->len)) &&
		    arb_dec_parse(&d, j->src + t->off, t->len, &why) == 0)
			CHECK(arb_json_dec(j, (int)i, &d, &why) == 0);
		if (t->type == ARB_J_OBJ) {
			(void)arb_json_get(j, (int)i, "type");
			(void)arb_json_get(j, (int)i, "");
			if (t->n)
				CHECK(arb_json_get(j, (int)i, "\x01no such key") == -1 || 1);
		}
		if (t->type == ARB_J_ARR) {
			CHECK(arb_json_at(j, (int)i, t->n) == -1);
			if (t->n)
				CHECK(arb_json_at(j, (int)i, t->n - 1) > (int)i);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arb_json j;
	static struct oracle_stats st;
	struct arb_buf b = { 0 };
	char *out;
	const char *why;
	int r;

	why = oracle_check(&j, (const char *)data, size, &st);
	if (why) {
		fprintf(stderr, "fuzz-json: mismatch with jansson: %s\n", why);
		abort();
	}
	if (arb_json_parse(&j, (const char *)data, size) == 0)
		accessors(&j);
	else
		CHECK(j.err != NULL && j.erroff <= size);

	/* quote: always valid JSON; the same bytes back when valid UTF-8 */
	arb_json_quote(&b, (const char *)data, size);
	CHECK(arb_json_parse(&j, b.p, b.len) == 0 && j.n == 1 && j.t[0].type == ARB_J_STR);
	out = xmalloc(b.len + 1);
	r = arb_json_str(&j, 0, out, b.len + 1);
	CHECK(r >= 0);
	if (oracle_utf8_ok(data, size))
		CHECK((size_t)r == size && memcmp(out, data, size) == 0);
	free(out);
	arb_buf_free(&b);
	return 0;
}
