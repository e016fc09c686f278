/*
 * fuzz-trade.c: libFuzzer target for the venues' REST answer parsers
 * (trade.h: place, cancel, query, fills, balances, time and fee answers of
 * the six live trading adapters, lib/trade_*.c).
 *
 * The first three bytes choose the venue, the operation and the HTTP
 * status; the rest is the answer: a header block up to the first blank
 * line when there is one, then the body (an exact-size copy, so that a
 * read past its end is caught).  Every answer must come back with a kind,
 * a reason when it is not OK, NUL-terminated texts, the venue's message
 * and error code sanitised (printable ASCII, no quotes: they go to logs)
 * and lists within their counts, or the target aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-trade.c lib/trade*.c lib/... -o fuzz-trade
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trade.h"
#include "util.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct arb_tvenue *const venues[] = {
	&arb_tv_binance, &arb_tv_kraken, &arb_tv_okx, &arb_tv_bybit, &arb_tv_coinbase, &arb_tv_bitstamp
};
static const long statuses[] = { 200, 201, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504, 0 };

static arb_dec
D(const char *s)
{
	arb_dec d;
	const char *why;

	CHECK(arb_dec_parse(&d, s, strlen(s), &why) == 0);
	return d;
}

static void
order(struct arb_order *o, const char *ex)
{
	memset(o, 0, sizeof *o);
	snprintf(o->ex, sizeof o->ex, "%s", ex);
	snprintf(o->base, sizeof o->base, "BTC");
	snprintf(o->quote, sizeof o->quote, "USDT");
	snprintf(o->sym, sizeof o->sym, "BTC/USDT");
	snprintf(o->cid, sizeof o->cid, "a0123456789abcdefl0");
	snprintf(o->vid, sizeof o->vid, "28");
	o->side = ARB_BUY;
	o->px = D("27000.5");
	o->qty = D("0.01");
	o->filled = arb_dec_make(0, 0);
}

static void
check_str(const char *s, size_t cap)
{
	CHECK(memchr(s, '\0', cap) != NULL);
}

/* What reaches logs and records from the venue: printable ASCII, no
 * quote or backslash (arb_tmsg). */
static void
check_text(const char *s)
{
	for (; *s; s++)
		CHECK(*s >= ' ' && *s < 0x7f && *s != '"' && *s != '\\');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct arb_tvenue *tv;
	struct arb_tres r;
	struct arb_order o;
	const char *p, *sep;
	char *hdr = NULL, *body;
	size_t n;
	long http;
	int op, i;

	if (size < 3)
		return 0;
	tv = venues[data[0] % NELEM(venues)];
	op = data[1] % ARB_TOP_N;
	http = statuses[data[2] % NELEM(statuses)];
	p = (const char *)data + 3;
	n = size - 3;
	if ((sep = memmem(p, n, "\n\n", 2)) != NULL) {
		hdr = xstrndup(p, (size_t)(sep - p) + 1);
		n -= (size_t)(sep + 2 - p);
		p = sep + 2;
	}
	body = xmalloc(n ? n : 1);
	memcpy(body, p, n);
	order(&o, tv->ex);
	arb_tres_init(&r);
	arb_tparse(tv, op, http, hdr, body, n, &o, &r);

	CHECK(r.kind >= ARB_TR_OK && r.kind <= ARB_TR_UNKNOWN);
	if (r.kind != ARB_TR_OK)
		CHECK(r.reason[0] != '\0');
	check_str(r.reason, sizeof r.reason);
	check_str(r.code, sizeof r.code);
	check_str(r.msg, sizeof r.msg);
	check_str(r.vid, sizeof r.vid);
	check_str(r.cursor, sizeof r.cursor);
	check_str(r.fee_ccy, sizeof r.fee_ccy);
	check_text(r.msg);
	check_text(r.code);
	CHECK(r.nfills >= 0 && r.nfills <= ARB_TLIST_MAX && (r.nfills == 0 || r.f));
	CHECK(r.nbal >= 0 && r.nbal <= ARB_TLIST_MAX && (r.nbal == 0 || r.bal));
	CHECK(r.nfee >= 0 && (r.nfee == 0 || r.fees));
	for (i = 0; i < r.nfills; i++) {
		check_str(r.f[i].fee_ccy, sizeof r.f[i].fee_ccy);
		check_str(r.f[i].tid, sizeof r.f[i].tid);
	}
	for (i = 0; i < r.nbal; i++)
		check_str(r.bal[i].asset, sizeof r.bal[i].asset);
	for (i = 0; i < r.nfee; i++)
		check_str(r.fees[i].sym, sizeof r.fees[i].sym);
	arb_tres_free(&r);
	free(body);
	free(hdr);
	return 0;
}
