#include "config.h"

/* Unit tests of arb-detect's modules: the fee file (lib/fees.c) and the
 * chain sizer (lib/detect_size.c).  Numbers are worked out in comments. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "dec.h"
#include "detect_size.h"
#include "fees.h"

static arb_dec
D(const char *s)
{
	arb_dec d;
	const char *why;
	if (arb_dec_parse(&d, s, strlen(s), &why) < 0)
		abort();
	return d;
}

static char bufs[8][ARB_DEC_STRMAX];
static int nbuf;

static const char *
S(arb_dec d)
{
	char *b = bufs[nbuf++ % 8];
	arb_dec_fmt(arb_dec_trim(d), b);
	return b;
}

static void
test_fees(void)
{
	struct arb_fees f;
	struct arb_fee_ent e;
	char err[256];
	const char *txt =
	    "# comment\n"
	    "*  *        taker=0.001 maker=0.0005\n"
	    "\n"
	    "b  *        taker=0.002   # venue default\n"
	    "*  BTC/USD  fee_in=base\n"
	    "b  BTC/USD  maker=0 lot=0.01 tick=0.5 min_qty=0.02 min_notional=10\n";

	arb_fees_init(&f);
	ok(arb_fees_parse(&f, txt, strlen(txt), "t.fees", err, sizeof(err)) == 0, "fee file parses");
	is_int(f.n, 4, "four entries");

	memset(&e, 0, sizeof(e));
	arb_fees_apply(&f, "b", "BTC/USD", &e);
	is_str(S(e.taker), "0.002", "venue line overrides the * line");
	is_str(S(e.maker), "0", "exact line overrides both");
	is_int(e.fee_in, ARB_FEE_IN_BASE, "symbol line sets fee_in");
	is_str(S(e.lot), "0.01", "lot");
	is_str(S(e.tick), "0.5", "tick");
	ok((e.has & (ARB_FH_TAKER | ARB_FH_MAKER | ARB_FH_FEE_IN | ARB_FH_LOT | ARB_FH_TICK |
	    ARB_FH_MIN_QTY | ARB_FH_MIN_NOTIONAL)) == 0x7f, "has bits");

	memset(&e, 0, sizeof(e));
	arb_fees_apply(&f, "a", "ETH/USD", &e);
	is_str(S(e.taker), "0.001", "other venue: the * line");
	ok(!(e.has & ARB_FH_LOT), "no lot for a");
	arb_fees_free(&f);

	arb_fees_init(&f);
	ok(arb_fees_parse(&f, "a\n", 2, "x", err, sizeof(err)) < 0, "venue alone: error");
	is_str(err, "x:1: expected VENUE SYMBOL key=value ...", "error names file and line");
	ok(arb_fees_parse(&f, "a b\nc d taker=1\n", 16, "x", err, sizeof(err)) < 0, "fee 1: error");
	is_str(err, "x:2: a fee is a fraction below 1: 1", "fee >= 1 refused");
	ok(arb_fees_parse(&f, "a b lot=0\n", 10, "x", err, sizeof(err)) < 0, "lot 0: error");
	ok(arb_fees_parse(&f, "a b colour=red\n", 15, "x", err, sizeof(err)) < 0, "unknown key: error");
	arb_fees_free(&f);
}

static void
test_fill(void)
{
	struct arb_level asks[] = { { D("100"), D("0.5") }, { D("101"), D("1") } };
	struct arb_dleg l = { 1, 0, D("0.001"), D("0.01"), asks, 2, 0, { 0, 0 }, NULL };
	struct arb_dfill f;
	arb_dec q;

	/* buy 1.0: 0.5 @ 100 + 0.5 @ 101 = 100.5; fee in quote 0.1005 */
	ok(arb_dleg_fill(&l, D("1.0"), &f) == 0, "fill 1.0");
	is_str(S(f.notional), "100.5", "notional");
	is_str(S(f.in), "100.6005", "buy, fee in quote: spends N(1+f)");
	is_str(S(f.out), "1", "receives q");
	is_str(S(f.px), "101", "worst level");
	ok(arb_dleg_fill(&l, D("1.6"), &f) == 1, "more than the book: 1");
	l.fee_base = 1;
	arb_dleg_fill(&l, D("1.0"), &f);
	is_str(S(f.in), "100.5", "buy, fee in base: spends N");
	is_str(S(f.out), "0.999", "receives q(1-f)");
	is_str(S(f.fee), "0.001", "fee q*f");
	l.buy = 0;
	arb_dleg_fill(&l, D("1.0"), &f);
	is_str(S(f.in), "1.001", "sell, fee in base: spends q(1+f)");
	is_str(S(f.out), "100.5", "receives N");
	l.fee_base = 0;
	arb_dleg_fill(&l, D("1.0"), &f);
	is_str(S(f.in), "1", "sell, fee in quote: spends q");
	is_str(S(f.out), "100.3995", "receives N(1-f)");

	/* maxq: buy with 75 USD, fee 0.001 in quote: level 1 costs 50.05,
	 * 24.95 left buys 24.95 / 101.101 = 0.24678... -> 0.74678 -> 0.74 */
	l.buy = 1;
	ok(arb_dleg_maxq(&l, D("75"), 1, &q) == 0, "maxq");
	is_str(S(q), "0.74", "buy 75 USD: 0.74 on the lot grid");
	arb_dleg_maxq(&l, D("75"), 0, &q);
	is_str(S(q), "0.746782920050246782", "continuous: truncated at 18 digits");
	arb_dleg_maxq(&l, D("1000"), 1, &q);
	is_str(S(q), "1.5", "capped by the book");
	l.buy = 0;
	l.fee_base = 1;
	arb_dleg_maxq(&l, D("1"), 1, &q);
	is_str(S(q), "0.99", "sell 1 BTC with fee in base: 1/1.001 -> 0.99");
}

static void
test_chain(void)
{
	/* The depth golden case: a asks, b bids, fees 0.001 in quote. */
	struct arb_level asks[] = { { D("100"), D("0.5") }, { D("100.5"), D("0.5") }, { D("101"), D("1") } };
	struct arb_level bids[] = { { D("102"), D("0.3") }, { D("101.6"), D("0.4") }, { D("101.2"), D("1") } };
	struct arb_dchain c;
	struct arb_dresult r;
	enum arb_dwhy why;
	arb_dec g;

	memset(&c, 0, sizeof(c));
	c.n = 2;
	c.leg[0] = (struct arb_dleg){ 1, 0, D("0.001"), D("0.001"), asks, 3, 0, { 0, 0 }, NULL };
	c.leg[1] = (struct arb_dleg){ 0, 0, D("0.001"), D("0.001"), bids, 3, 0, { 0, 0 }, NULL };
	ok(arb_dchain_top(&c, 0) == 1, "profitable before fees");
	ok(arb_dchain_top(&c, 1) == 1, "and after");
	ok(arb_dchain_size(&c, D("0.001"), &r, &why) == 1, "sized");
	is_str(S(r.f[0].qty), "1", "size 1.0");
	is_str(S(r.profit), "1.14815", "profit");
	ok(r.optimal, "proven optimal");

	c.has_cap_in = 1;
	c.cap_in = D("50");
	arb_dchain_size(&c, D("0.001"), &r, &why);
	/* 0.499 * 100 * 1.001 = 49.9499 <= 50 */
	is_str(S(r.f[0].qty), "0.499", "--max-notional 50: 0.499");
	c.cap_in = D("0.05");
	ok(arb_dchain_size(&c, D("0.001"), &r, &why) == 0 && why == ARB_DW_NOTIONAL, "cap below one lot");
	c.has_cap_in = 0;
	c.has_cap_leg[1] = 1;
	c.cap_leg[1] = D("0");
	ok(arb_dchain_size(&c, D("0.001"), &r, &why) == 0 && why == ARB_DW_BALANCE, "no balance");
	c.has_cap_leg[1] = 0;

	/* fees of 1 % each kill a 2 % edge at the top?  102*0.99 = 100.98 <
	 * 100*1.01 = 101: yes */
	c.leg[0].fee = c.leg[1].fee = D("0.01");
	ok(arb_dchain_top(&c, 1) == 0, "1 %% fees: not profitable");

	ok(arb_dlcm(&g, D("0.1"), D("0.25")) == 0, "lcm");
	is_str(S(g), "0.5", "lcm(0.1, 0.25) = 0.5");
	arb_dlcm(&g, D("0.001"), D("0.01"));
	is_str(S(g), "0.01", "lcm(0.001, 0.01) = 0.01");
}

int
main(void)
{
	test_fees();
	test_fill();
	test_chain();
	return done_testing();
}
