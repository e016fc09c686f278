#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * OKX v5 REST (www.okx.com/docs-v5: REST Authentication, Trade: Place
 * order, Cancel order, Get order details; Account: Get balance; Public:
 * Get system time; Error codes; Demo trading):
 *
 *   POST /api/v5/trade/order         {"instId","tdMode":"cash","clOrdId",
 *                                    "side","ordType":"ioc"|"fok","px","sz"}
 *   POST /api/v5/trade/cancel-order  {"instId","clOrdId"}
 *   GET  /api/v5/trade/order?instId=&clOrdId=
 *   GET  /api/v5/account/balance
 *   GET  /api/v5/account/trade-fee?instType=SPOT  {"data":[{"taker","maker"
 *        (the USDT pairs),"takerUSDC","makerUSDC" (the others),"fiat":[{
 *        "ccy","taker","maker"}]}]}
 *   GET  /api/v5/public/time         {"data":[{"ts":"ms"}]}
 *
 * Headers OK-ACCESS-KEY, OK-ACCESS-PASSPHRASE, OK-ACCESS-TIMESTAMP (ISO
 * 8601 UTC with milliseconds) and OK-ACCESS-SIGN = base64(HMAC-SHA256(
 * secret, timestamp + METHOD + requestPath (with query) + body)); expTime
 * (ms) makes the venue reject an order that arrives after it; demo
 * trading adds "x-simulated-trading: 1".  Answers: {"code","msg","data"};
 * an order's own outcome is data[0].sCode/sMsg.  OKX client order ids are
 * alphanumeric up to 32 characters, which ours are.
 */

static void
inst(const struct arb_order *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s-%s", o->base, o->quote);
}

static int
o_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	const struct arb_order *o = in->o;
	char ts[40], sig[64], id[ARB_SYM_MAX];

	if (op == ARB_TOP_TIME) {
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v5/public/time");
		return 0;
	}
	if (!in->k || !in->k->key || !in->k->secret || !in->k->pass) {
		snprintf(why, whylen, "okx: no API key, secret or passphrase");
		return -1;
	}
	if (o)
		inst(o, id, sizeof id);
	switch (op) {
	case ARB_TOP_PLACE:
		q->method = "POST";
		arb_buf_adds(&q->path, "/api/v5/trade/order");
		arb_buf_printf(&q->body, "{\"instId\":\"%s\",\"tdMode\":\"cash\",\"clOrdId\":\"%s\","
		    "\"side\":\"%s\",\"ordType\":\"%s\",", id, o->cid, o->side == ARB_BUY ? "buy" : "sell",
		    o->otype == ARB_OT_FOK ? "fok" : "ioc");
		{
			char px[ARB_DEC_STRMAX], sz[ARB_DEC_STRMAX];
			arb_tdec(o->px, px);
			arb_tdec(o->qty, sz);
			arb_buf_printf(&q->body, "\"px\":\"%s\",\"sz\":\"%s\"}", px, sz);
		}
		break;
	case ARB_TOP_CANCEL:
		q->method = "POST";
		arb_buf_adds(&q->path, "/api/v5/trade/cancel-order");
		arb_buf_printf(&q->body, "{\"instId\":\"%s\",\"clOrdId\":\"%s\"}", id, o->cid);
		break;
	case ARB_TOP_QUERY:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v5/trade/order?");
		arb_tq_add(&q->path, "instId", id);
		arb_tq_add(&q->path, "clOrdId", o->cid);
		break;
	case ARB_TOP_BALANCES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v5/account/balance");
		break;
	case ARB_TOP_FEES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v5/account/trade-fee?instType=SPOT");
		break;
	default:
		snprintf(why, whylen, "okx: no such request");
		return -1;
	}
	arb_time_fmt(in->ts_ms * 1000, ts);
	ts[23] = 'Z';   /* milliseconds: "2020-12-08T09:08:57.715Z" */
	ts[24] = 0;
	arb_sign_okx(in->k->secret, ts, q->method, q->path.p, q->body.p ? q->body.p : "", sig);
	arb_buf_printf(&q->hdr, "OK-ACCESS-KEY: %s\nOK-ACCESS-SIGN: %s\nOK-ACCESS-TIMESTAMP: %s\n"
	    "OK-ACCESS-PASSPHRASE: %s\n", in->k->key, sig, ts, in->k->pass);
	if (q->body.len)
		arb_buf_adds(&q->hdr, "Content-Type: application/json\n");
	if (op == ARB_TOP_PLACE && in->recv_window_ms > 0)
		arb_buf_printf(&q->hdr, "expTime: %lld\n", (long long)(in->ts_ms + in->recv_window_ms));
	if (in->demo)
		arb_buf_adds(&q->hdr, "x-simulated-trading: 1\n");
	arb_wipe(sig, sizeof sig);
	return 0;
}

static void
error(struct arb_tres *r, long http, const char *code, const char *msg)
{
	const char *reason = "venue_reject";
	long c = 0;

	sscanf(code, "%ld", &c);
	arb_tmsg(r->msg, sizeof r->msg, msg, strlen(msg));
	arb_tmsg(r->code, sizeof r->code, code, strlen(code));
	r->kind = ARB_TR_REJECTED;
	if (http == 429 || c == 50011 || c == 50061) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
	} else if (http >= 500 || c == 50001 || c == 50004 || c == 50013 || c == 50026 || c == 1) {
		/* service busy/unavailable, timeout: status unknown.  (code "1"
		 * without an sCode is "operation failed": not known either) */
		r->kind = ARB_TR_UNKNOWN;
		reason = http >= 500 ? "http_5xx" : "venue_unknown";
	} else if (c == 51603) {
		r->kind = ARB_TR_NOTFOUND;
		reason = "not_found";
	} else if (c == 51008 || c == 51119 || c == 51131) {
		reason = "insufficient_balance";
	} else if (c == 51121 || c == 51201 || c == 51202 || c == 51204) {
		reason = "lot_size";
	} else if (c == 51020) {
		reason = "min_notional";
	} else if (c == 51006 || c == 51136 || c == 51137) {
		reason = "price_filter";
	} else if (c == 50102 || c == 50112) {
		reason = "timestamp";
	} else if (c >= 50100 && c <= 50119) {
		reason = "auth";
	} else if (c == 51001) {
		reason = "bad_symbol";
	}
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

static void
o_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	char code[24] = "", msg[160] = "", st[24];
	int d, d0;

	arb_json_init(&j);
	r->retry_after_ms = arb_tretry_after(hdr);
	if (arb_json_parse(&j, body, len) < 0 || j.t[0].type != ARB_J_OBJ) {
		r->kind = http == 429 ? ARB_TR_RATE : ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, http == 429 ? "rate_limit" :
		    http >= 500 ? "http_5xx" : "bad_answer");
		snprintf(r->msg, sizeof r->msg, "HTTP %ld, answer is not JSON", http);
		goto out;
	}
	(void)arb_tj_str(&j, 0, "code", code, sizeof code);
	(void)arb_tj_str(&j, 0, "msg", msg, sizeof msg);
	d = arb_json_get(&j, 0, "data");
	d0 = d >= 0 && j.t[d].type == ARB_J_ARR && j.t[d].n ? arb_json_at(&j, d, 0) : -1;
	/* an order's own result code wins over the envelope's "1" */
	if (d0 >= 0 && (op == ARB_TOP_PLACE || op == ARB_TOP_CANCEL)) {
		char sc[24] = "", sm[160] = "";
		(void)arb_tj_str(&j, d0, "sCode", sc, sizeof sc);
		(void)arb_tj_str(&j, d0, "sMsg", sm, sizeof sm);
		if (sc[0] && strcmp(sc, "0")) {
			error(r, http, sc, sm);
			goto out;
		}
	}
	if (http != 200 || strcmp(code, "0")) {
		error(r, http, code[0] ? code : "0", msg);
		goto out;
	}
	switch (op) {
	case ARB_TOP_TIME:
		if (d0 >= 0 && arb_tj_ms(&j, d0, "ts", 1, &r->server_ms) == 0)
			r->kind = ARB_TR_OK;
		break;
	case ARB_TOP_PLACE:
	case ARB_TOP_CANCEL:
		if (d0 < 0)
			break;
		(void)arb_tj_str(&j, d0, "ordId", r->vid, sizeof r->vid);
		r->kind = ARB_TR_OK;
		r->st = ARB_OS_ACKED;   /* the fills come from the order query */
		r->done = 0;
		break;
	case ARB_TOP_QUERY:
		if (d0 < 0) {
			r->kind = ARB_TR_NOTFOUND;
			snprintf(r->reason, sizeof r->reason, "not_found");
			break;
		}
		(void)arb_tj_str(&j, d0, "ordId", r->vid, sizeof r->vid);
		if (arb_tj_dec(&j, d0, "accFillSz", &r->filled) == 0)
			r->has_filled = 1;
		if (arb_tj_dec(&j, d0, "avgPx", &r->avg_px) == 0 && arb_dec_sign(r->avg_px) > 0)
			r->has_avg = 1;
		/* fee: negative is charged to the user */
		if (arb_tj_dec(&j, d0, "fee", &r->fee) == 0) {
			r->has_fee = 1;
			r->fee = arb_dec_neg(r->fee);
			(void)arb_tj_str(&j, d0, "feeCcy", r->fee_ccy, sizeof r->fee_ccy);
		}
		(void)arb_tj_ms(&j, d0, "uTime", 1, &r->ts_ms);
		if (arb_tj_str(&j, d0, "state", st, sizeof st) < 0)
			break;
		r->kind = ARB_TR_OK;
		if (!strcmp(st, "live") || !strcmp(st, "partially_filled")) {
			r->st = !strcmp(st, "live") ? ARB_OS_ACKED : ARB_OS_PARTIAL;
			r->done = 0;
		} else if (!strcmp(st, "filled")) {
			r->st = ARB_OS_FILLED;
			r->done = 1;
		} else if (!strcmp(st, "canceled") || !strcmp(st, "mmp_canceled")) {
			r->st = ARB_OS_CANCELED;
			r->done = 1;
		} else {
			/* a state not documented when this was written: not taken
			 * as the order's end (it may still execute), asked again */
			arb_tres_unknown_status(r, "order state", st);
		}
		break;
	case ARB_TOP_FEES: {
		/* negative: charged; positive: a rebate, below 0 as ours
		 * (live.c does not use such a taker rate).  For SPOT, taker
		 * is the rate of the USDT pairs, takerUSDC that of the others
		 * (USDC, other stablecoins, crypto), fiat[] those quoted in a
		 * fiat currency: "*" and "*" "/QUOTE" entries (live.c), the
		 * first that matches a pair counting */
		arb_dec tk, mk, tu, mu;
		int fi, f;
		uint32_t k;
		char ccy[ARB_ASSET_MAX], sy[ARB_SYM_MAX];
		if (d0 < 0 || arb_tj_dec(&j, d0, "taker", &tk) < 0)
			break;
		if (arb_tj_dec(&j, d0, "maker", &mk) < 0)
			mk = tk;
		r->kind = ARB_TR_OK;
		if (arb_tj_dec(&j, d0, "takerUSDC", &tu) < 0) {
			arb_tres_addfee(r, "", arb_dec_neg(tk), arb_dec_neg(mk));
			break;
		}
		if (arb_tj_dec(&j, d0, "makerUSDC", &mu) < 0)
			mu = tu;
		if ((fi = arb_json_get(&j, d0, "fiat")) >= 0 && j.t[fi].type == ARB_J_ARR)
			for (k = 0; k < j.t[fi].n; k++) {
				arb_dec ft, fm;
				f = arb_json_at(&j, fi, k);
				if (arb_tj_str(&j, f, "ccy", ccy, sizeof ccy) < 0 || !ccy[0] ||
				    arb_tj_dec(&j, f, "taker", &ft) < 0)
					continue;
				if (arb_tj_dec(&j, f, "maker", &fm) < 0)
					fm = ft;
				snprintf(sy, sizeof sy, "*/%s", ccy);
				arb_tres_addfee(r, sy, arb_dec_neg(ft), arb_dec_neg(fm));
			}
		arb_tres_addfee(r, "*/USDT", arb_dec_neg(tk), arb_dec_neg(mk));
		arb_tres_addfee(r, "*", arb_dec_neg(tu), arb_dec_neg(mu));
		break;
	}
	case ARB_TOP_BALANCES:
		if (d0 < 0 || (d = arb_json_get(&j, d0, "details")) < 0 || j.t[d].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		{
			uint32_t k;
			for (k = 0; k < j.t[d].n && arb_tres_balroom(r) == 0; k++) {
				int b = arb_json_at(&j, d, k);
				if (arb_tj_str(&j, b, "ccy", r->bal[r->nbal].asset, ARB_ASSET_MAX) < 0 ||
				    arb_tj_dec(&j, b, "availBal", &r->bal[r->nbal].free) < 0)
					continue;
				if (arb_tj_dec(&j, b, "frozenBal", &r->bal[r->nbal].locked) < 0)
					r->bal[r->nbal].locked = arb_dec_make(0, 0);
				r->nbal++;
			}
		}
		break;
	}
	(void)o;
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_okx = {
	.ex = "okx",
	.prod = "https://www.okx.com",
	.test = "https://www.okx.com",
	.test_note = "demo trading: the production host with x-simulated-trading: 1 and demo API keys",
	.lag_us = 1000000,
	.cred_key = "okx_key",
	.cred_secret = "okx_secret",
	.cred_pass = "okx_passphrase",
	.build = o_build,
	.parse = o_parse,
	.has_fills = 0,
	.has_fee_op = 1,
};
