/*
 * fuzz-balance.c: libFuzzer target for the balances file of arb-exec
 * --balances (balance.h, arb_bal_load): lines of `balance` records or of
 * "VENUE ASSET AMOUNT".  An accepted file must give balances that are
 * not negative, with names that fit, emitted once each, and have no NUL
 * byte; a refused one must say PATH:LINE: why.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-balance.c lib/balance.c lib/rec.c lib/json.c \
 *       lib/dec.c lib/util.c lib/log.c lib/io.c lib/sig.c lib/clock.c \
 *       -lm -o fuzz-balance
 */
#include "config.h"

#include "fuzz-file.h"
#include "balance.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("balances.txt", data, size);
	struct arb_balances b;
	struct arb_buf out = { 0 };
	char why[256];
	size_t i;
	int n;

	arb_balances_init(&b);
	why[0] = '\0';
	if (arb_bal_load(&b, path, why, sizeof why) < 0) {
		/* "PATH:LINE: why" (or "PATH: why" when it cannot be read) */
		CHECK(strncmp(why, path, strlen(path)) == 0 && why[strlen(path)] == ':' &&
		    strstr(why + strlen(path), ": ") != NULL);
		arb_balances_free(&b);
		return 0;
	}
	CHECK(memchr(data, '\0', size) == NULL);   /* a NUL byte is refused */
	for (i = 0; i < b.n; i++) {
		CHECK(b.v[i].ex[0] && b.v[i].asset[0]);
		CHECK(arb_dec_sign(b.v[i].free) >= 0 && arb_dec_sign(b.v[i].locked) >= 0);
		CHECK(arb_bal_get(&b, b.v[i].ex, b.v[i].asset, 0) == &b.v[i]);
	}
	n = arb_bal_emit_dirty(&b, 1, &out);
	CHECK(n >= 0 && (size_t)n <= b.n);
	CHECK(arb_bal_emit_dirty(&b, 2, &out) == 0);
	arb_buf_free(&out);
	arb_balances_free(&b);
	return 0;
}
