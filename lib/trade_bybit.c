#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * Bybit V5 REST, spot (bybit-exchange.github.io/docs/v5: Integration
 * guidance (authentication), Trade: Place order, Cancel order, Get open &
 * closed orders; Account: Get wallet balance; Market: Get Bybit server
 * time; Error codes; Rate limit):
 *
 *   POST /v5/order/create    {"category":"spot","symbol","side":"Buy"|"Sell",
 *                            "orderType":"Limit","qty","price",
 *                            "timeInForce":"IOC"|"FOK","orderLinkId"}
 *   POST /v5/order/cancel    {"category":"spot","symbol","orderLinkId"}
 *   GET  /v5/order/realtime?category=spot&symbol=&orderLinkId=  (the
 *        fee: cumFeeDetail {coin: total}; cumExecFee is deprecated for spot)
 *   GET  /v5/account/wallet-balance?accountType=UNIFIED
 *   GET  /v5/account/fee-rate?category=spot  {"list":[{"symbol",
 *        "takerFeeRate","makerFeeRate"}]}
 *   GET  /v5/market/time     {"time": ms}
 *
 * Headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP (ms), X-BAPI-RECV-WINDOW and
 * X-BAPI-SIGN = hex HMAC-SHA256(secret, timestamp + key + recvWindow +
 * (query string for GET | JSON body for POST)).  Answers {"retCode",
 * "retMsg","result","time"}; HTTP 403 is the IP rate limit ban.
 */

static int
y_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	const struct arb_order *o = in->o;
	char sym[ARB_SYM_MAX], ts[32], rw[16], sig[65];
	const char *payload;
	char *qm;

	if (op == ARB_TOP_TIME) {
		q->method = "GET";
		arb_buf_adds(&q->path, "/v5/market/time");
		return 0;
	}
	if (!in->k || !in->k->key || !in->k->secret) {
		snprintf(why, whylen, "bybit: no API key");
		return -1;
	}
	if (o)
		snprintf(sym, sizeof sym, "%s%s", o->base, o->quote);
	switch (op) {
	case ARB_TOP_PLACE: {
		char px[ARB_DEC_STRMAX], qt[ARB_DEC_STRMAX];
		arb_tdec(o->px, px);
		arb_tdec(o->qty, qt);
		q->method = "POST";
		arb_buf_adds(&q->path, "/v5/order/create");
		arb_buf_printf(&q->body, "{\"category\":\"spot\",\"symbol\":\"%s\",\"side\":\"%s\","
		    "\"orderType\":\"Limit\",\"qty\":\"%s\",\"price\":\"%s\",\"timeInForce\":\"%s\","
		    "\"orderLinkId\":\"%s\"}", sym, o->side == ARB_BUY ? "Buy" : "Sell", qt, px,
		    o->otype == ARB_OT_FOK ? "FOK" : "IOC", o->cid);
		break;
	}
	case ARB_TOP_CANCEL:
		q->method = "POST";
		arb_buf_adds(&q->path, "/v5/order/cancel");
		arb_buf_printf(&q->body, "{\"category\":\"spot\",\"symbol\":\"%s\",\"orderLinkId\":\"%s\"}",
		    sym, o->cid);
		break;
	case ARB_TOP_QUERY:
		q->method = "GET";
		arb_buf_adds(&q->path, "/v5/order/realtime?");
		arb_tq_add(&q->path, "category", "spot");
		arb_tq_add(&q->path, "symbol", sym);
		arb_tq_add(&q->path, "orderLinkId", o->cid);
		break;
	case ARB_TOP_BALANCES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/v5/account/wallet-balance?accountType=UNIFIED");
		break;
	case ARB_TOP_FEES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/v5/account/fee-rate?category=spot");
		break;
	default:
		snprintf(why, whylen, "bybit: no such request");
		return -1;
	}
	snprintf(ts, sizeof ts, "%lld", (long long)in->ts_ms);
	snprintf(rw, sizeof rw, "%d", in->recv_window_ms > 0 ? in->recv_window_ms : 5000);
	if (!strcmp(q->method, "GET"))
		payload = (qm = strchr(q->path.p, '?')) ? qm + 1 : "";
	else
		payload = q->body.p;
	arb_sign_bybit(in->k->secret, ts, in->k->key, rw, payload, sig);
	arb_buf_printf(&q->hdr, "X-BAPI-API-KEY: %s\nX-BAPI-TIMESTAMP: %s\nX-BAPI-RECV-WINDOW: %s\n"
	    "X-BAPI-SIGN: %s\n", in->k->key, ts, rw, sig);
	if (q->body.len)
		arb_buf_adds(&q->hdr, "Content-Type: application/json\n");
	arb_wipe(sig, sizeof sig);
	return 0;
}

static void
error(struct arb_tres *r, long http, long c, const char *msg)
{
	const char *reason = "venue_reject";

	arb_tmsg(r->msg, sizeof r->msg, msg, strlen(msg));
	snprintf(r->code, sizeof r->code, "%ld", c);
	r->kind = ARB_TR_REJECTED;
	if (http == 403) {
		r->kind = ARB_TR_BAN;   /* "access too frequent": the IP is banned */
		reason = "ip_ban";
		if (!r->retry_after_ms)
			r->retry_after_ms = 600000;
	} else if (http == 429 || c == 10006 || c == 10018 || c == 170005 || c == 10015) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
	} else if (http >= 500 || c == 10016 || c == 10000 || c == 10007 || c == 170007) {
		r->kind = ARB_TR_UNKNOWN;
		reason = http >= 500 ? "http_5xx" : "venue_unknown";
	} else if (c == 170213 || c == 110001) {
		r->kind = ARB_TR_NOTFOUND;
		reason = "not_found";
	} else if (c == 170131 || c == 170033) {
		reason = "insufficient_balance";
	} else if (c == 170136 || c == 170137 || c == 170116 || c == 170117) {
		reason = "lot_size";
	} else if (c == 170140) {
		reason = "min_notional";
	} else if (c == 170134 || c == 170193 || c == 170194 || c == 170132 || c == 170133) {
		reason = "price_filter";
	} else if (c == 10002) {
		reason = "timestamp";
	} else if (c == 10003 || c == 10004 || c == 10005 || c == 10010 || http == 401) {
		reason = "auth";
	} else if (c == 10001 && strstr(msg, "symbol")) {
		reason = "bad_symbol";
	}
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

static void
y_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	int64_t rc = -1;
	char msg[160] = "", st[40];
	int res, l, e, fd;

	(void)o;
	arb_json_init(&j);
	r->retry_after_ms = arb_tretry_after(hdr);
	if (arb_json_parse(&j, body, len) < 0 || j.t[0].type != ARB_J_OBJ) {
		if (http == 403 || http == 429) {
			error(r, http, 0, "HTTP 403/429");
			goto out;
		}
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, http >= 500 ? "http_5xx" : "bad_answer");
		snprintf(r->msg, sizeof r->msg, "HTTP %ld, answer is not JSON", http);
		goto out;
	}
	(void)arb_tj_i64(&j, 0, "retCode", &rc);
	(void)arb_tj_str(&j, 0, "retMsg", msg, sizeof msg);
	if (http != 200 || rc != 0) {
		error(r, http, (long)rc, msg);
		goto out;
	}
	res = arb_json_get(&j, 0, "result");
	switch (op) {
	case ARB_TOP_TIME:
		if (arb_tj_ms(&j, 0, "time", 1, &r->server_ms) == 0)
			r->kind = ARB_TR_OK;
		break;
	case ARB_TOP_PLACE:
	case ARB_TOP_CANCEL:
		if (res < 0)
			break;
		(void)arb_tj_str(&j, res, "orderId", r->vid, sizeof r->vid);
		r->kind = ARB_TR_OK;
		r->st = ARB_OS_ACKED;   /* the executions come from the order query */
		r->done = 0;
		break;
	case ARB_TOP_QUERY:
		if (res < 0 || (l = arb_json_get(&j, res, "list")) < 0 || j.t[l].type != ARB_J_ARR)
			break;
		if (j.t[l].n == 0) {
			r->kind = ARB_TR_NOTFOUND;
			snprintf(r->reason, sizeof r->reason, "not_found");
			break;
		}
		e = arb_json_at(&j, l, 0);
		(void)arb_tj_str(&j, e, "orderId", r->vid, sizeof r->vid);
		if (arb_tj_dec(&j, e, "cumExecQty", &r->filled) == 0)
			r->has_filled = 1;
		if (arb_tj_dec(&j, e, "avgPrice", &r->avg_px) == 0 && arb_dec_sign(r->avg_px) > 0)
			r->has_avg = 1;
		if (arb_tj_dec(&j, e, "cumExecValue", &r->amt) == 0)
			r->has_amt = 1;
		if ((fd = arb_json_get(&j, e, "cumFeeDetail")) >= 0 && j.t[fd].type == ARB_J_OBJ &&
		    j.t[fd].n > 0) {
			/* spot: cumExecFee is deprecated for it; the total by the
			 * coin it is charged in, which need not be one of the
			 * pair's ({"MNT":"0.0024"}) */
			const char *w;
			int c = arb_json_child(&j, fd);
			if (j.t[fd].n > 1) {
				snprintf(r->reason, sizeof r->reason, "bad_answer");
				snprintf(r->msg, sizeof r->msg, "cumFeeDetail: fees in more than one coin");
				break;
			}
			if (arb_json_str(&j, c, r->fee_ccy, sizeof r->fee_ccy) < 0 || !r->fee_ccy[0] ||
			    arb_json_dec(&j, c + 1, &r->fee, &w) < 0) {
				snprintf(r->reason, sizeof r->reason, "bad_answer");
				snprintf(r->msg, sizeof r->msg, "cumFeeDetail: no coin and amount");
				break;
			}
			r->has_fee = 1;
		} else if (arb_tj_dec(&j, e, "cumExecFee", &r->fee) == 0) {
			/* spot: charged in the asset received */
			r->has_fee = 1;
			if (o)
				snprintf(r->fee_ccy, sizeof r->fee_ccy, "%s",
				    o->side == ARB_BUY ? o->base : o->quote);
		}
		(void)arb_tj_ms(&j, e, "updatedTime", 1, &r->ts_ms);
		if (arb_tj_str(&j, e, "orderStatus", st, sizeof st) < 0)
			break;
		r->kind = ARB_TR_OK;
		if (!strcmp(st, "New") || !strcmp(st, "PartiallyFilled") || !strcmp(st, "Untriggered")) {
			r->st = !strcmp(st, "PartiallyFilled") ? ARB_OS_PARTIAL : ARB_OS_ACKED;
			r->done = 0;
		} else if (!strcmp(st, "Filled")) {
			r->st = ARB_OS_FILLED;
			r->done = 1;
		} else if (!strcmp(st, "Rejected")) {
			r->st = ARB_OS_REJECTED;
			r->done = 1;
			snprintf(r->reason, sizeof r->reason, "venue_reject");
		} else if (!strcmp(st, "Cancelled") || !strcmp(st, "PartiallyFilledCanceled") ||
		    !strcmp(st, "Deactivated")) {
			r->st = ARB_OS_CANCELED;
			r->done = 1;
		} else if (!strcmp(st, "Triggered")) {
			r->st = arb_dec_sign(r->filled) > 0 ? ARB_OS_PARTIAL : ARB_OS_ACKED;
			r->done = 0;   /* a conditional order now live */
		} else {
			/* a status not documented when this was written: not taken
			 * as the order's end (it may still execute), asked again */
			arb_tres_unknown_status(r, "order status", st);
		}
		break;
	case ARB_TOP_FEES: {
		uint32_t k;
		if (res < 0 || (l = arb_json_get(&j, res, "list")) < 0 || j.t[l].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[l].n; k++) {
			int f = arb_json_at(&j, l, k);
			char sy[ARB_SYM_MAX];
			arb_dec tk, mk;
			if (arb_tj_str(&j, f, "symbol", sy, sizeof sy) < 0 ||
			    arb_tj_dec(&j, f, "takerFeeRate", &tk) < 0)
				continue;
			if (arb_tj_dec(&j, f, "makerFeeRate", &mk) < 0)
				mk = tk;
			arb_tres_addfee(r, sy, tk, mk);
		}
		break;
	}
	case ARB_TOP_BALANCES: {
		int a, c;
		uint32_t k;
		if (res < 0 || (l = arb_json_get(&j, res, "list")) < 0 || !j.t[l].n)
			break;
		a = arb_json_at(&j, l, 0);
		if ((c = arb_json_get(&j, a, "coin")) < 0 || j.t[c].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[c].n && arb_tres_balroom(r) == 0; k++) {
			int b = arb_json_at(&j, c, k);
			arb_dec w;
			if (arb_tj_str(&j, b, "coin", r->bal[r->nbal].asset, ARB_ASSET_MAX) < 0 ||
			    arb_tj_dec(&j, b, "walletBalance", &w) < 0)
				continue;
			if (arb_tj_dec(&j, b, "locked", &r->bal[r->nbal].locked) < 0)
				r->bal[r->nbal].locked = arb_dec_make(0, 0);
			if (arb_dec_sub(&r->bal[r->nbal].free, w, r->bal[r->nbal].locked) < 0)
				continue;
			r->nbal++;
		}
		break;
	}
	}
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_bybit = {
	.ex = "bybit",
	.prod = "https://api.bybit.com",
	.test = "https://api-testnet.bybit.com",
	.test_note = "testnet (api-testnet.bybit.com), its own API keys",
	.lag_us = 1000000,
	.cred_key = "bybit_key",
	.cred_secret = "bybit_secret",
	.cred_pass = NULL,
	.build = y_build,
	.parse = y_parse,
	.has_fills = 0,
	.has_fee_op = 1,
};
