/*
 * fuzz-fees.c: libFuzzer target for the fee file of arb-detect --fees
 * (fees.h).  The input is the file's text; an accepted file is applied to
 * a few venue and symbol pairs, and every entry must hold names that fit
 * and values in range; a refused one must say FILE:LINE: why.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-fees.c lib/fees.c lib/dec.c lib/util.c lib/log.c \
 *       -o fuzz-fees && ./fuzz-fees -max_total_time=60
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fees.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ex[] = { "binance", "kraken", "*" };
	static const char *const sym[] = { "BTC/USDT", "ETH/BTC", "*" };
	struct arb_fees f;
	struct arb_fee_ent out;
	char err[256];
	size_t i, k;

	arb_fees_init(&f);
	err[0] = '\0';
	if (arb_fees_parse(&f, (const char *)data, size, "fees", err, sizeof err) < 0) {
		CHECK(strncmp(err, "fees:", 5) == 0 && strlen(err) > 7);
		arb_fees_free(&f);
		return 0;
	}
	for (i = 0; i < f.n; i++) {
		const struct arb_fee_ent *e = &f.e[i];

		CHECK(e->ex[0] && e->sym[0]);
		CHECK(!(e->has & ARB_FH_TAKER) || (arb_dec_sign(e->taker) >= 0 &&
		    arb_dec_cmp(e->taker, arb_dec_make(1, 0)) < 0));
		CHECK(!(e->has & ARB_FH_TICK) || arb_dec_sign(e->tick) > 0);
		CHECK(!(e->has & ARB_FH_FEE_IN) || (e->fee_in >= ARB_FEE_IN_QUOTE &&
		    e->fee_in <= ARB_FEE_IN_RECEIVED));
	}
	for (i = 0; i < 3; i++)
		for (k = 0; k < 3; k++) {
			memset(&out, 0, sizeof out);
			arb_fees_apply(&f, ex[i], sym[k], &out);
			CHECK((out.has & ~0x7fu) == 0);
		}
	arb_fees_free(&f);
	return 0;
}
