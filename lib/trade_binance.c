#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * Binance spot REST (developers.binance.com, "Spot API": General API
 * Information, Endpoint security type, Trading endpoints, Errors):
 *
 *   POST   /api/v3/order      new order: symbol side type=LIMIT timeInForce
 *                             (IOC|FOK) quantity price newClientOrderId
 *                             newOrderRespType=FULL (the fills come back)
 *   DELETE /api/v3/order      cancel by symbol + origClientOrderId
 *   GET    /api/v3/order      query by symbol + origClientOrderId
 *   GET    /api/v3/myTrades   trades of symbol + orderId (commission),
 *                             limit=1000 (the most; the default is 500)
 *   GET    /api/v3/account    balances (omitZeroBalances=true)
 *   GET    /api/v3/time       {"serverTime": ms} (not signed)
 *
 * SIGNED requests carry timestamp (ms) and recvWindow, the API key in the
 * X-MBX-APIKEY header, and signature = hex HMAC-SHA256(secret,
 * totalParams), totalParams being the query string followed by the body.
 * We send every parameter in the query string for GET and DELETE and in
 * an application/x-www-form-urlencoded body for POST, so the signed text
 * is exactly one of them.
 *
 * HTTP: 4XX our fault (JSON {"code","msg"}), 429 rate limit (Retry-After),
 * 418 IP ban (Retry-After until it ends), 5XX: "the execution status is
 * UNKNOWN and could have been a success".  Codes -1006/-1007 say the same
 * in a 4XX/5XX body.
 */

static void
vsym(const struct arb_order *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s", o->base, o->quote);
}

static void
sign_into(const struct arb_tin *in, struct arb_buf *b)
{
	char sig[65];

	arb_sign_binance(in->k->secret, b->p ? b->p : "", sig);
	arb_tq_add(b, "signature", sig);
	arb_wipe(sig, sizeof sig);
}

static void
common(const struct arb_tin *in, struct arb_buf *b)
{
	char t[32];

	if (in->recv_window_ms > 0) {
		snprintf(t, sizeof t, "%d", in->recv_window_ms);
		arb_tq_add(b, "recvWindow", t);
	}
	snprintf(t, sizeof t, "%lld", (long long)in->ts_ms);
	arb_tq_add(b, "timestamp", t);
}

static int
b_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	struct arb_buf qs = { 0 };
	const struct arb_order *o = in->o;
	char sym[ARB_SYM_MAX];
	const char *path;

	if (op != ARB_TOP_TIME && (!in->k || !in->k->key || !in->k->secret)) {
		snprintf(why, whylen, "binance: no API key");
		return -1;
	}
	if (o)
		vsym(o, sym, sizeof sym);
	switch (op) {
	case ARB_TOP_TIME:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v3/time");
		return 0;
	case ARB_TOP_PLACE:
		q->method = "POST";
		path = "/api/v3/order";
		arb_tq_add(&q->body, "symbol", sym);
		arb_tq_add(&q->body, "side", o->side == ARB_BUY ? "BUY" : "SELL");
		arb_tq_add(&q->body, "type", "LIMIT");
		arb_tq_add(&q->body, "timeInForce", o->otype == ARB_OT_FOK ? "FOK" : "IOC");
		arb_tq_adddec(&q->body, "quantity", o->qty);
		arb_tq_adddec(&q->body, "price", o->px);
		arb_tq_add(&q->body, "newClientOrderId", o->cid);
		arb_tq_add(&q->body, "newOrderRespType", "FULL");
		common(in, &q->body);
		sign_into(in, &q->body);
		arb_buf_adds(&q->path, path);
		arb_buf_adds(&q->hdr, "Content-Type: application/x-www-form-urlencoded\n");
		break;
	case ARB_TOP_CANCEL:
	case ARB_TOP_QUERY:
		q->method = op == ARB_TOP_CANCEL ? "DELETE" : "GET";
		arb_tq_add(&qs, "symbol", sym);
		arb_tq_add(&qs, "origClientOrderId", o->cid);
		common(in, &qs);
		sign_into(in, &qs);
		arb_buf_printf(&q->path, "/api/v3/order?%s", qs.p);
		break;
	case ARB_TOP_FILLS:
		if (!o->vid[0]) {
			snprintf(why, whylen, "binance: %s: no order id yet", o->cid);
			return -1;
		}
		q->method = "GET";
		arb_tq_add(&qs, "symbol", sym);
		arb_tq_add(&qs, "orderId", o->vid);
		/* the most trades one answer lists (the default is 500): an
		 * order's trades are read whole or not at all */
		arb_tq_add(&qs, "limit", "1000");
		common(in, &qs);
		sign_into(in, &qs);
		arb_buf_printf(&q->path, "/api/v3/myTrades?%s", qs.p);
		break;
	case ARB_TOP_BALANCES:
		q->method = "GET";
		arb_tq_add(&qs, "omitZeroBalances", "true");
		common(in, &qs);
		sign_into(in, &qs);
		arb_buf_printf(&q->path, "/api/v3/account?%s", qs.p);
		break;
	default:
		snprintf(why, whylen, "binance: no such request");
		return -1;
	}
	arb_buf_printf(&q->hdr, "X-MBX-APIKEY: %s\n", in->k->key);
	if (qs.p)
		arb_wipe(qs.p, qs.cap);
	arb_buf_free(&qs);
	return 0;
}

/* The order status words of the Spot API ("ENUM definitions"). */
static void
status(struct arb_tres *r, const char *s)
{
	if (!strcmp(s, "NEW") || !strcmp(s, "PENDING_NEW") || !strcmp(s, "PENDING_CANCEL")) {
		r->st = ARB_OS_ACKED;
		r->done = 0;
	} else if (!strcmp(s, "PARTIALLY_FILLED")) {
		r->st = ARB_OS_PARTIAL;
		r->done = 0;
	} else if (!strcmp(s, "FILLED")) {
		r->st = ARB_OS_FILLED;
		r->done = 1;
	} else if (!strcmp(s, "CANCELED") || !strcmp(s, "EXPIRED") || !strcmp(s, "EXPIRED_IN_MATCH")) {
		r->st = ARB_OS_CANCELED;
		r->done = 1;
	} else if (!strcmp(s, "REJECTED")) {
		r->st = ARB_OS_REJECTED;
		r->done = 1;
	} else {
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		snprintf(r->msg, sizeof r->msg, "unknown order status");
	}
}

/* Error body {"code":-2010,"msg":"..."}: our reason and how to take it. */
static void
error(struct arb_tres *r, long http, const struct arb_json *j, int ok)
{
	int64_t code = 0;
	char msg[160] = "";
	const char *reason = "venue_reject";

	if (ok && j->n && j->t[0].type == ARB_J_OBJ) {
		(void)arb_tj_i64(j, 0, "code", &code);
		if (arb_tj_str(j, 0, "msg", msg, sizeof msg) < 0)
			msg[0] = 0;
	}
	arb_tmsg(r->msg, sizeof r->msg, msg, strlen(msg));
	snprintf(r->code, sizeof r->code, "%lld", (long long)code);
	r->kind = ARB_TR_REJECTED;
	if (http == 418) {
		r->kind = ARB_TR_BAN;
		reason = "ip_ban";
	} else if (http == 429 || code == -1003 || code == -1015) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
	} else if (http >= 500 || code == -1006 || code == -1007 || code == -1000 || code == -1001 ||
	    code == -1008 || !ok) {
		r->kind = ARB_TR_UNKNOWN;
		reason = http >= 500 ? "http_5xx" : "venue_unknown";
	} else if (code == -2013 || (code == -2011 && strstr(msg, "Unknown order"))) {
		r->kind = ARB_TR_NOTFOUND;
		reason = "not_found";
	} else if (code == -2010 && strstr(msg, "insufficient balance")) {
		reason = "insufficient_balance";
	} else if (strstr(msg, "LOT_SIZE") || strstr(msg, "MARKET_LOT_SIZE")) {
		reason = "lot_size";
	} else if (strstr(msg, "NOTIONAL")) {
		reason = "min_notional";
	} else if (strstr(msg, "PRICE_FILTER") || strstr(msg, "PERCENT_PRICE")) {
		reason = "price_filter";
	} else if (code == -1021) {
		reason = "timestamp";
	} else if (code == -1022 || code == -2014 || code == -2015 || code == -1002 || http == 401) {
		reason = "auth";
	} else if (code == -1121) {
		reason = "bad_symbol";
	} else if (code == -2011) {
		reason = "cancel_rejected";
	}
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

static void
order_fields(struct arb_tres *r, const struct arb_json *j, int obj)
{
	char s[32];
	arb_dec quote;
	int64_t t;

	if (arb_tj_str(j, obj, "orderId", r->vid, sizeof r->vid) < 0)
		r->vid[0] = 0;
	if (arb_tj_dec(j, obj, "executedQty", &r->filled) == 0)
		r->has_filled = 1;
	if (r->has_filled && arb_tj_dec(j, obj, "cummulativeQuoteQty", &quote) == 0 &&
	    !arb_dec_is_zero(r->filled)) {
		r->avg_px = arb_tavg(quote, r->filled);
		r->has_avg = 1;
	}
	if (arb_tj_ms(j, obj, "transactTime", 1, &t) == 0 || arb_tj_ms(j, obj, "updateTime", 1, &t) == 0)
		r->ts_ms = t;
	if (arb_tj_str(j, obj, "status", s, sizeof s) < 0) {
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		return;
	}
	r->kind = ARB_TR_OK;
	status(r, s);
}

static void
fill_of(struct arb_tfill *f, const struct arb_json *j, int obj, const char *idkey)
{
	memset(f, 0, sizeof *f);
	(void)arb_tj_dec(j, obj, "price", &f->px);
	(void)arb_tj_dec(j, obj, "qty", &f->qty);
	(void)arb_tj_dec(j, obj, "commission", &f->fee);
	(void)arb_tj_str(j, obj, "commissionAsset", f->fee_ccy, sizeof f->fee_ccy);
	(void)arb_tj_str(j, obj, idkey, f->tid, sizeof f->tid);
	(void)arb_tj_ms(j, obj, "time", 1, &f->ts_ms);
}

static void
b_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	int ok, fl, i;
	uint32_t k;

	(void)o;
	arb_json_init(&j);
	ok = arb_json_parse(&j, body ? body : "", body ? len : 0) == 0;
	r->retry_after_ms = arb_tretry_after(hdr);
	if (http != 200 || !ok) {
		error(r, http, &j, ok);
		if (!ok && http == 200)
			snprintf(r->msg, sizeof r->msg, "answer is not JSON");
		goto out;
	}
	switch (op) {
	case ARB_TOP_TIME:
		if (arb_tj_ms(&j, 0, "serverTime", 1, &r->server_ms) == 0)
			r->kind = ARB_TR_OK;
		break;
	case ARB_TOP_PLACE:
	case ARB_TOP_CANCEL:
	case ARB_TOP_QUERY:
		order_fields(r, &j, 0);
		if (op == ARB_TOP_PLACE && (fl = arb_json_get(&j, 0, "fills")) >= 0)
			for (k = 0; k < j.t[fl].n && arb_tres_fillroom(r) == 0; k++) {
				i = arb_json_at(&j, fl, k);
				fill_of(&r->f[r->nfills], &j, i, "tradeId");
				r->f[r->nfills].ts_ms = r->ts_ms;
				r->nfills++;
			}
		break;
	case ARB_TOP_FILLS:
		if (j.t[0].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[0].n && arb_tres_fillroom(r) == 0; k++) {
			i = arb_json_at(&j, 0, k);
			fill_of(&r->f[r->nfills++], &j, i, "id");
		}
		break;
	case ARB_TOP_BALANCES:
		if ((fl = arb_json_get(&j, 0, "balances")) < 0 || j.t[fl].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[fl].n && arb_tres_balroom(r) == 0; k++) {
			i = arb_json_at(&j, fl, k);
			if (arb_tj_str(&j, i, "asset", r->bal[r->nbal].asset, ARB_ASSET_MAX) < 0 ||
			    arb_tj_dec(&j, i, "free", &r->bal[r->nbal].free) < 0 ||
			    arb_tj_dec(&j, i, "locked", &r->bal[r->nbal].locked) < 0)
				continue;
			r->nbal++;
		}
		/* the account's commission rates come with it */
		if ((fl = arb_json_get(&j, 0, "commissionRates")) >= 0) {
			arb_dec tk, mk;
			/* as given: live.c refuses a rate that is none */
			if (arb_tj_dec(&j, fl, "taker", &tk) == 0) {
				if (arb_tj_dec(&j, fl, "maker", &mk) < 0)
					mk = tk;
				arb_tres_addfee(r, "", tk, mk);
			}
		}
		break;
	}
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_binance = {
	.ex = "binance",
	.prod = "https://api.binance.com",
	.test = "https://testnet.binance.vision",
	.test_note = "Spot Test Network (testnet.binance.vision), its own API keys",
	.lag_us = 1000000,
	.cred_key = "binance_key",
	.cred_secret = "binance_secret",
	.cred_pass = NULL,
	.build = b_build,
	.parse = b_parse,
	.has_fills = 1,
};
