#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../tap.h"
#include "dec.h"
#include "sign.h"
#include "trade.h"
#include "util.h"

/*
 * t-trade: the venues' request formats and answer parsers (trade.h).
 * Answers come from the fixtures in share/data/rest-fixtures (shapes from
 * the venues' documentation) and from the error bodies the documentation
 * lists; signatures are checked with OpenSSL's HMAC directly, not with
 * sign.c.
 */

static char *
fixture(const char *rel, size_t *len)
{
	const char *d = getenv("ARB_SHARED_DATA");
	char path[1024];
	char *p;

	snprintf(path, sizeof path, "%s/rest-fixtures/%s", d ? d : "share/data", rel);
	if (!(p = arb_readfile(path, len))) {
		snprintf(path, sizeof path, "%s/share/data/rest-fixtures/%s",
		    getenv("top_srcdir") ? getenv("top_srcdir") : ".", rel);
		p = arb_readfile(path, len);
	}
	if (!p) {
		printf("# missing fixture %s\n", rel);
		p = xstrdup("");
		*len = 0;
	}
	return p;
}

static arb_dec
D(const char *s)
{
	arb_dec d;
	const char *why;

	if (arb_dec_parse(&d, s, strlen(s), &why) < 0)
		abort();
	return d;
}

static int
deq(arb_dec a, const char *s)
{
	return arb_dec_cmp(a, D(s)) == 0;
}

static void
hmac_hex(const EVP_MD *md, const char *key, const char *msg, char *out)
{
	unsigned char mac[64];
	unsigned int n = 0;

	HMAC(md, key, (int)strlen(key), (const unsigned char *)msg, strlen(msg), mac, &n);
	arb_hex(mac, n, out);
}

static void
order(struct arb_order *o, const char *ex, const char *base, const char *quote, enum arb_side side,
    const char *px, const char *qty, const char *cid)
{
	memset(o, 0, sizeof *o);
	snprintf(o->ex, sizeof o->ex, "%s", ex);
	snprintf(o->base, sizeof o->base, "%s", base);
	snprintf(o->quote, sizeof o->quote, "%s", quote);
	snprintf(o->sym, sizeof o->sym, "%s/%s", base, quote);
	snprintf(o->cid, sizeof o->cid, "%s", cid);
	o->side = side;
	o->px = D(px);
	o->qty = D(qty);
	o->filled = arb_dec_make(0, 0);
}

static void
parse(const struct arb_tvenue *tv, int op, long http, const char *hdr, const char *body,
    const struct arb_order *o, struct arb_tres *r)
{
	arb_tres_init(r);
	tv->parse(op, http, hdr, body, strlen(body), o, r);
}

/* ------------------------------------------------------------------ */

static void
t_helpers(void)
{
	struct arb_buf b = { 0 };
	char v[64];

	arb_tq_add(&b, "a", "x y&z");
	arb_tq_add(&b, "b", "1.5");
	is_str(b.p, "a=x%20y%26z&b=1.5", "url encoding");
	ok(arb_thdr("HTTP/1.1 429 Too\r\nretry-after: 7\r\nX: y\r\n", "Retry-After", v, sizeof v) == 0 &&
	    !strcmp(v, "7"), "header lookup is case-insensitive");
	is_int(arb_tretry_after("Retry-After: 12\r\n"), 12000, "Retry-After in ms");
	is_int(arb_tretry_after("X: 1\r\n"), 0, "no Retry-After");
	arb_tmsg(v, 16, "a\"b\\c\nd", 7);
	is_str(v, "a'b'c d", "venue messages sanitised");
	arb_tdec(D("0.0100"), v);
	is_str(v, "0.01", "decimal text trimmed");
	arb_buf_free(&b);
	ok(arb_tvenue("binance") == &arb_tv_binance && arb_tvenue("ftx") == NULL, "venue table");
}

static const char BKEY[] = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
static const char BSEC[] = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

static void
t_binance_build(void)
{
	const struct arb_tvenue *tv = &arb_tv_binance;
	struct arb_tkeys k = { BKEY, BSEC, NULL };
	struct arb_tin in = { .base = "https://api.binance.com", .k = &k, .ts_ms = 1499827319559,
		.recv_window_ms = 5000 };
	struct arb_treq q;
	struct arb_order o;
	char why[128], sig[129], want[512], *s;

	order(&o, "binance", "LTC", "BTC", ARB_BUY, "0.1", "1", "a0123456789abcdefl0");
	in.o = &o;
	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_PLACE, &in, &q, why, sizeof why) == 0, "binance place builds");
	is_str(q.method, "POST", "place is a POST");
	is_str(q.path.p, "/api/v3/order", "place path");
	/* the documented example's parameters, IOC, plus our client id */
	snprintf(want, sizeof want, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=IOC&quantity=1&price=0.1"
	    "&newClientOrderId=a0123456789abcdefl0&newOrderRespType=FULL&recvWindow=5000&timestamp=1499827319559");
	ok(q.body.p && !strncmp(q.body.p, want, strlen(want)), "place body: %s", q.body.p);
	s = strstr(q.body.p, "&signature=");
	hmac_hex(EVP_sha256(), BSEC, want, sig);
	ok(s && !strcmp(s + 11, sig), "place signature = HMAC-SHA256(secret, body)");
	ok(strstr(q.hdr.p, "X-MBX-APIKEY: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A\n") != NULL,
	    "API key header");
	ok(strstr(q.hdr.p, BSEC) == NULL && strstr(q.body.p, BSEC) == NULL, "secret not in the request");
	arb_treq_wipe(&q);

	/* the documented example itself, through the same signer */
	hmac_hex(EVP_sha256(), BSEC, "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
	    "&recvWindow=5000&timestamp=1499827319559", sig);
	is_str(sig, "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
	    "Binance's documented signature (test oracle)");

	o.side = ARB_SELL;
	o.otype = ARB_OT_FOK;
	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_PLACE, &in, &q, why, sizeof why) == 0 && strstr(q.body.p, "side=SELL") &&
	    strstr(q.body.p, "timeInForce=FOK"), "sell FOK");
	arb_treq_wipe(&q);

	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_QUERY, &in, &q, why, sizeof why) == 0, "query builds");
	is_str(q.method, "GET", "query is a GET");
	snprintf(want, sizeof want, "symbol=LTCBTC&origClientOrderId=a0123456789abcdefl0&recvWindow=5000"
	    "&timestamp=1499827319559");
	ok(!strncmp(q.path.p, "/api/v3/order?", 14) && !strncmp(q.path.p + 14, want, strlen(want)),
	    "query by client order id: %s", q.path.p);
	hmac_hex(EVP_sha256(), BSEC, want, sig);
	s = strstr(q.path.p, "&signature=");
	ok(s && !strcmp(s + 11, sig), "query signature over the query string");
	arb_treq_wipe(&q);

	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_CANCEL, &in, &q, why, sizeof why) == 0 && !strcmp(q.method, "DELETE") &&
	    strstr(q.path.p, "origClientOrderId=a0123456789abcdefl0"), "cancel by client order id");
	arb_treq_wipe(&q);

	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_FILLS, &in, &q, why, sizeof why) < 0, "trades need the venue order id");
	arb_treq_wipe(&q);
	snprintf(o.vid, sizeof o.vid, "28");
	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_FILLS, &in, &q, why, sizeof why) == 0 &&
	    !strncmp(q.path.p, "/api/v3/myTrades?symbol=LTCBTC&orderId=28&", 42), "trades of the order");
	arb_treq_wipe(&q);

	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_TIME, &in, &q, why, sizeof why) == 0 && !strcmp(q.path.p, "/api/v3/time") &&
	    !q.hdr.p, "server time is not signed");
	arb_treq_wipe(&q);

	in.k = NULL;
	arb_treq_init(&q);
	ok(tv->build(ARB_TOP_PLACE, &in, &q, why, sizeof why) < 0 && strstr(why, "no API key"),
	    "no key: refused");
	arb_treq_wipe(&q);
}

static void
t_binance_parse(void)
{
	const struct arb_tvenue *tv = &arb_tv_binance;
	struct arb_tres *r = xcalloc(1, sizeof *r);
	struct arb_order o;
	size_t len;
	char *b;

	order(&o, "binance", "BTC", "USDT", ARB_SELL, "3990", "10", "x");

	b = fixture("binance-spot/http_json/new_order_full_response.json", &len);
	parse(tv, ARB_TOP_PLACE, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->st == ARB_OS_FILLED && r->done, "FULL answer: filled");
	is_str(r->vid, "28", "venue order id");
	ok(r->has_filled && deq(r->filled, "10"), "executedQty");
	is_int(r->nfills, 5, "five fills");
	ok(deq(r->f[1].px, "3999") && deq(r->f[1].qty, "5") && deq(r->f[1].fee, "19.995") &&
	    !strcmp(r->f[1].fee_ccy, "USDT") && !strcmp(r->f[1].tid, "57"), "second fill exact");
	is_int(r->ts_ms, 1507725176595, "transactTime");
	ok(r->has_avg && deq(r->avg_px, "1"), "average price from cummulativeQuoteQty/executedQty");
	free(b);

	b = fixture("binance-spot/http_json/order_response.json", &len);
	parse(tv, ARB_TOP_QUERY, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->st == ARB_OS_ACKED && !r->done, "query: NEW is open");
	is_str(r->vid, "1", "query: order id");
	free(b);

	b = fixture("binance-spot/http_json/cancel_order_response.json", &len);
	parse(tv, ARB_TOP_CANCEL, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->st == ARB_OS_CANCELED && r->done && deq(r->filled, "0"),
	    "cancel: canceled, nothing executed");
	free(b);

	b = fixture("binance-spot/http_json/account_trades_response.json", &len);
	parse(tv, ARB_TOP_FILLS, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->nfills == 1 && deq(r->f[0].px, "4.00000100") &&
	    deq(r->f[0].qty, "12") && deq(r->f[0].fee, "10.1") && !strcmp(r->f[0].fee_ccy, "BNB") &&
	    !strcmp(r->f[0].tid, "28457") && r->f[0].ts_ms == 1499865549590, "myTrades: one trade, BNB fee");
	free(b);

	b = fixture("binance-spot/http_json/server_time_response.json", &len);
	parse(tv, ARB_TOP_TIME, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->server_ms == 1499827319559, "server time");
	free(b);

	b = fixture("binance-spot/http_json/account_response.json", &len);
	parse(tv, ARB_TOP_BALANCES, 200, "", b, &o, r);
	ok(r->kind == ARB_TR_OK && r->nbal == 2 && !strcmp(r->bal[1].asset, "LTC") &&
	    deq(r->bal[1].free, "4763368.68006011") && deq(r->bal[1].locked, "0"), "balances");
	free(b);

	/* errors (Spot API "Error codes") */
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested action.\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "insufficient_balance") && !strcmp(r->code, "-2010") &&
	    !strcmp(r->msg, "Account has insufficient balance for requested action."), "insufficient balance");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1013,\"msg\":\"Filter failure: LOT_SIZE\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "lot_size"), "lot size");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1013,\"msg\":\"Filter failure: NOTIONAL\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "min_notional"), "min notional (NOTIONAL)");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1013,\"msg\":\"Filter failure: MIN_NOTIONAL\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "min_notional"), "min notional (MIN_NOTIONAL)");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1013,\"msg\":\"Filter failure: PRICE_FILTER\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "price_filter"), "price filter");
	parse(tv, ARB_TOP_PLACE, 429, "HTTP/1.1 429\r\nRetry-After: 3\r\n",
	    "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 6000 request weight per 1 MINUTE.\"}", &o, r);
	ok(r->kind == ARB_TR_RATE && !strcmp(r->reason, "rate_limit") && r->retry_after_ms == 3000, "429: rate limit");
	parse(tv, ARB_TOP_PLACE, 418, "Retry-After: 120\r\n",
	    "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until 1620286253180.\"}", &o, r);
	ok(r->kind == ARB_TR_BAN && !strcmp(r->reason, "ip_ban") && r->retry_after_ms == 120000, "418: IP ban");
	parse(tv, ARB_TOP_PLACE, 503, "", "<html>Service Unavailable</html>", &o, r);
	ok(r->kind == ARB_TR_UNKNOWN, "503: execution status unknown");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1007,\"msg\":\"Timeout waiting for response from backend server. Send status unknown; execution status unknown.\"}", &o, r);
	ok(r->kind == ARB_TR_UNKNOWN, "-1007: unknown");
	parse(tv, ARB_TOP_QUERY, 400, "", "{\"code\":-2013,\"msg\":\"Order does not exist.\"}", &o, r);
	ok(r->kind == ARB_TR_NOTFOUND, "-2013: not found");
	parse(tv, ARB_TOP_CANCEL, 400, "", "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}", &o, r);
	ok(r->kind == ARB_TR_NOTFOUND, "cancel -2011 unknown order: not found");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the recvWindow.\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "timestamp"), "-1021: timestamp");
	parse(tv, ARB_TOP_PLACE, 400, "", "{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}", &o, r);
	ok(r->kind == ARB_TR_REJECTED && !strcmp(r->reason, "auth"), "-1022: auth");
	parse(tv, ARB_TOP_PLACE, 200, "", "not json", &o, r);
	ok(r->kind == ARB_TR_UNKNOWN, "garbage 200: unknown, never rejected");
	parse(tv, ARB_TOP_PLACE, 200, "", "{\"symbol\":\"BTCUSDT\",\"orderId\":7,\"clientOrderId\":\"x\",\"transactTime\":1,"
	    "\"executedQty\":\"0.00000000\",\"cummulativeQuoteQty\":\"0.00000000\",\"status\":\"EXPIRED\",\"fills\":[]}", &o, r);
	ok(r->kind == ARB_TR_OK && r->st == ARB_OS_CANCELED && r->done && r->nfills == 0, "IOC expired unfilled");
	free(r);
}

int
main(void)
{
	t_helpers();
	t_binance_build();
	t_binance_parse();
	done_testing();
}
