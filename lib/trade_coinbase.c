#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * Coinbase Advanced Trade REST (docs.cdp.coinbase.com, Advanced Trade API:
 * Create Order, Cancel Orders, Get Order, List Orders, List Accounts, Get
 * Server Time; CDP API keys: JWT authentication; Rate limits):
 *
 *   POST /api/v3/brokerage/orders   {"client_order_id","product_id":"BTC-USD",
 *       "side":"BUY"|"SELL","order_configuration":{"sor_limit_ioc"|
 *       "limit_limit_fok":{"base_size","limit_price"}}}
 *       -> {"success":true,"success_response":{"order_id",...}} or
 *          {"success":false,"error_response":{"error","message",
 *          "error_details","preview_failure_reason",
 *          "new_order_failure_reason"}}
 *   POST /api/v3/brokerage/orders/batch_cancel  {"order_ids":[ID]}
 *       -> {"results":[{"success","failure_reason","order_id"}]}
 *   GET  /api/v3/brokerage/orders/historical/{order_id}   {"order":{...}}
 *   GET  /api/v3/brokerage/orders/historical/batch?product_ids=&start_date=
 *       &limit=   {"orders":[...],"has_next","cursor"}
 *   GET  /api/v3/brokerage/accounts?limit=250[&cursor=]
 *       {"accounts":[{"currency","available_balance":{"value"},
 *       "hold":{"value"}}],"has_next","cursor"}
 *   GET  /api/v3/brokerage/time   {"iso","epochSeconds","epochMillis"}
 *   GET  /api/v3/brokerage/transaction_summary  {"fee_tier":{
 *        "taker_fee_rate","maker_fee_rate"}}
 *
 * Authentication: "Authorization: Bearer JWT", the JWT signed ES256 with
 * the CDP key's EC private key (PEM): header {"alg":"ES256","kid":KEY
 * NAME,"nonce","typ":"JWT"}, claims {"iss":"cdp","nbf","exp" (at most
 * two minutes later),"sub":KEY NAME,"uri":"METHOD host/path"} with the
 * path without its query.  A fresh token for every request, valid for
 * the receive window (at least 3 s).
 *
 * The client order id goes with the order; Coinbase has no query by it,
 * so an order whose venue id is not known is looked up in the list of the
 * product's orders on its side created since shortly before it was sent,
 * by its client_order_id, page after page (cursor).  A cancel names the venue id (cancel_by_vid).  Fees
 * are charged in the quote currency (total_fees).
 */

#define CB_LIST_LIMIT 100
#define CB_MIN_LIFE_MS 3000

static int
c_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	const struct arb_order *o = in->o;
	char prod[ARB_SYM_MAX], host[160], uri[512], hdr[600], pl[1200], *qm;
	struct arb_buf jwt = {0};
	int64_t s = in->ts_ms / 1000, exp;

	if (op == ARB_TOP_TIME) {
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v3/brokerage/time");
		return 0;
	}
	if (!in->k || !in->k->key || !in->k->secret) {
		snprintf(why, whylen, "coinbase: no API key name or private key");
		return -1;
	}
	if (strpbrk(in->k->key, "\"\\") || strlen(in->k->key) > 200) {
		snprintf(why, whylen, "coinbase: the API key name is not a CDP key name");
		return -1;
	}
	if (o)
		snprintf(prod, sizeof prod, "%s-%s", o->base, o->quote);
	switch (op) {
	case ARB_TOP_PLACE: {
		char px[ARB_DEC_STRMAX], sz[ARB_DEC_STRMAX];
		arb_tdec(o->px, px);
		arb_tdec(o->qty, sz);
		q->method = "POST";
		arb_buf_adds(&q->path, "/api/v3/brokerage/orders");
		arb_buf_printf(&q->body, "{\"client_order_id\":\"%s\",\"product_id\":\"%s\",\"side\":\"%s\","
		    "\"order_configuration\":{\"%s\":{\"base_size\":\"%s\",\"limit_price\":\"%s\"}}}",
		    o->cid, prod, o->side == ARB_BUY ? "BUY" : "SELL",
		    o->otype == ARB_OT_FOK ? "limit_limit_fok" : "sor_limit_ioc", sz, px);
		break;
	}
	case ARB_TOP_CANCEL:
		if (!o->vid[0] || strspn(o->vid, "0123456789abcdefABCDEF-") != strlen(o->vid)) {
			snprintf(why, whylen, "coinbase: cancel needs the venue's order id");
			return -1;
		}
		q->method = "POST";
		arb_buf_adds(&q->path, "/api/v3/brokerage/orders/batch_cancel");
		arb_buf_printf(&q->body, "{\"order_ids\":[\"%s\"]}", o->vid);
		break;
	case ARB_TOP_QUERY:
	case ARB_TOP_FILLS:
		q->method = "GET";
		if (o->vid[0]) {
			/* order ids are UUIDs: nothing to encode */
			if (strspn(o->vid, "0123456789abcdefABCDEF-") != strlen(o->vid)) {
				snprintf(why, whylen, "coinbase: venue order id is not a UUID");
				return -1;
			}
			arb_buf_printf(&q->path, "/api/v3/brokerage/orders/historical/%s", o->vid);
			break;
		} else {
			int64_t from = o->t_sent > 0 && o->t_sent / 1000 < in->ts_ms ? o->t_sent / 1000 : in->ts_ms;
			char ts[40];
			/* created at most 5 minutes before it was sent: the
			 * venue's clock and the record clock may differ */
			arb_time_fmt((from - 5 * 60 * 1000) * 1000, ts);
			ts[19] = 'Z';
			ts[20] = 0;
			arb_buf_adds(&q->path, "/api/v3/brokerage/orders/historical/batch?");
			arb_tq_add(&q->path, "product_ids", prod);
			arb_tq_add(&q->path, "order_side", o->side == ARB_BUY ? "BUY" : "SELL");
			arb_tq_add(&q->path, "start_date", ts);
			arb_buf_printf(&q->path, "&limit=%d", CB_LIST_LIMIT);
			if (in->cursor && *in->cursor)
				arb_tq_add(&q->path, "cursor", in->cursor);
		}
		break;
	case ARB_TOP_BALANCES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v3/brokerage/accounts?limit=250");
		if (in->cursor && *in->cursor)
			arb_tq_add(&q->path, "cursor", in->cursor);
		break;
	case ARB_TOP_FEES:
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v3/brokerage/transaction_summary");
		break;
	default:
		snprintf(why, whylen, "coinbase: no such request");
		return -1;
	}
	arb_thost(in->base, host, sizeof host);
	qm = strchr(q->path.p, '?');
	snprintf(uri, sizeof uri, "%s %s%.*s", q->method, host,
	    (int)(qm ? (size_t)(qm - q->path.p) : q->path.len), q->path.p);
	snprintf(hdr, sizeof hdr, "{\"alg\":\"ES256\",\"kid\":\"%s\",\"nonce\":\"%s\",\"typ\":\"JWT\"}",
	    in->k->key, in->uuid ? in->uuid : "0");
	/* the token dies with the receive window (at least 3 s, at most
	 * Coinbase's two minutes): a request held up on the way cannot be
	 * accepted after the transport gave it up as not placed */
	exp = (in->ts_ms + (in->recv_window_ms > 0 ? (in->recv_window_ms > CB_MIN_LIFE_MS ?
	    in->recv_window_ms : CB_MIN_LIFE_MS) : 120000)) / 1000;
	if (exp > s + 120)
		exp = s + 120;
	snprintf(pl, sizeof pl, "{\"iss\":\"cdp\",\"nbf\":%lld,\"exp\":%lld,\"sub\":\"%s\",\"uri\":\"%s\"}",
	    (long long)s, (long long)exp, in->k->key, uri);
	{
		/* the key as the CDP key file gives it: newlines written as
		 * "\n" on one line; OpenSSL wants them real */
		char *pem = NULL;
		int rc;
		if (strstr(in->k->secret, "\\n") && !strchr(in->k->secret, '\n')) {
			const char *p = in->k->secret;
			size_t k = 0;
			pem = xmalloc(strlen(p) + 1);
			for (; *p; p++)
				if (p[0] == '\\' && p[1] == 'n') {
					pem[k++] = '\n';
					p++;
				} else
					pem[k++] = *p;
			pem[k] = 0;
		}
		rc = arb_jwt_es256(pem ? pem : in->k->secret, hdr, pl, &jwt);
		if (pem) {
			arb_wipe(pem, strlen(pem));
			free(pem);
		}
		if (rc < 0) {
			arb_buf_free(&jwt);
			snprintf(why, whylen, "coinbase: the private key is not an EC key in PEM");
			return -1;
		}
	}
	arb_buf_adds(&q->hdr, "Authorization: Bearer ");
	arb_buf_add(&q->hdr, jwt.p, jwt.len);
	arb_buf_addc(&q->hdr, '\n');
	if (q->body.len)
		arb_buf_adds(&q->hdr, "Content-Type: application/json\n");
	arb_wipe(jwt.p, jwt.cap);
	arb_buf_free(&jwt);
	return 0;
}

/* Our reason code for one of Coinbase's failure reasons or error ids. */
static void
reason_of(struct arb_tres *r, const char *e)
{
	const char *reason = "venue_reject";

	r->kind = ARB_TR_REJECTED;
	if (strstr(e, "RATE_LIMIT") || strstr(e, "TOO_MANY")) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
	} else if (strstr(e, "INSUFFICIENT_FUND"))
		reason = "insufficient_balance";
	else if (strstr(e, "QUOTE_SIZE_TOO_SMALL") || strstr(e, "NOTIONAL"))
		reason = "min_notional";
	else if (strstr(e, "SIZE_TOO_SMALL") || strstr(e, "SIZE_TOO_LARGE") || strstr(e, "SIZE_PRECISION") ||
	    strstr(e, "INVALID_BASE_SIZE") || strstr(e, "INVALID_SIZE"))
		reason = "lot_size";
	else if (strstr(e, "PRICE"))
		reason = "price_filter";
	else if (strstr(e, "PRODUCT"))
		reason = "bad_symbol";
	else if (strstr(e, "UNAUTHENTICATED") || strstr(e, "PERMISSION") || strstr(e, "UNAUTHORIZED"))
		reason = "auth";
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

/* The first non-empty, not "UNKNOWN_..." string member of obj among keys. */
static void
first_of(const struct arb_json *j, int obj, const char *const *keys, char *buf, size_t cap)
{
	buf[0] = 0;
	for (; *keys; keys++)
		if (arb_tj_str(j, obj, *keys, buf, cap) == 0 && buf[0] && strncmp(buf, "UNKNOWN_", 8) &&
		    strcmp(buf, "REJECT_REASON_UNSPECIFIED"))
			return;
	buf[0] = 0;
}

/* One order object of a Get Order or List Orders answer. */
static void
order(const struct arb_json *j, int e, const struct arb_order *o, struct arb_tres *r)
{
	char st[32], t[48];
	int64_t us;

	(void)arb_tj_str(j, e, "order_id", r->vid, sizeof r->vid);
	if (arb_tj_dec(j, e, "filled_size", &r->filled) == 0)
		r->has_filled = 1;
	if (arb_tj_dec(j, e, "average_filled_price", &r->avg_px) == 0 && arb_dec_sign(r->avg_px) > 0)
		r->has_avg = 1;
	/* filled_size times the prices, before fees (total_value_after_fees
	 * has them) */
	if (arb_tj_dec(j, e, "filled_value", &r->amt) == 0)
		r->has_amt = 1;
	if (arb_tj_dec(j, e, "total_fees", &r->fee) == 0) {
		r->has_fee = 1;
		if (o)
			snprintf(r->fee_ccy, sizeof r->fee_ccy, "%s", o->quote);
	}
	if ((arb_tj_str(j, e, "last_fill_time", t, sizeof t) == 0 ||
	    arb_tj_str(j, e, "created_time", t, sizeof t) == 0) && arb_time_parse(t, &us) == 0 && us > 0)
		r->ts_ms = us / 1000;
	if (arb_tj_str(j, e, "status", st, sizeof st) < 0)
		return;
	r->kind = ARB_TR_OK;
	if (!strcmp(st, "FILLED")) {
		r->st = ARB_OS_FILLED;
		r->done = 1;
	} else if (!strcmp(st, "CANCELLED") || !strcmp(st, "EXPIRED")) {
		r->st = ARB_OS_CANCELED;
		r->done = 1;
	} else if (!strcmp(st, "FAILED")) {
		static const char *const k[] = { "reject_message", "reject_reason", NULL };
		char m[160];
		r->st = ARB_OS_REJECTED;
		r->done = 1;
		first_of(j, e, k, m, sizeof m);
		arb_tmsg(r->msg, sizeof r->msg, m, strlen(m));
		reason_of(r, m);
		r->kind = ARB_TR_OK;
	} else if (!strcmp(st, "OPEN") || !strcmp(st, "PENDING") || !strcmp(st, "QUEUED") ||
	    !strcmp(st, "CANCEL_QUEUED") || !strcmp(st, "EDIT_QUEUED")) {
		r->st = r->has_filled && arb_dec_sign(r->filled) > 0 ? ARB_OS_PARTIAL : ARB_OS_ACKED;
		r->done = 0;
	} else {
		/* UNKNOWN_ORDER_STATUS or one of its own: ask again */
		arb_tres_unknown_status(r, "order status", st);
	}
}

static void
c_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	char e[96] = "", m[160] = "";
	int x, k;

	arb_json_init(&j);
	r->retry_after_ms = arb_tretry_after(hdr);
	if (http == 429) {
		r->kind = ARB_TR_RATE;
		snprintf(r->reason, sizeof r->reason, "rate_limit");
		snprintf(r->code, sizeof r->code, "429");
		snprintf(r->msg, sizeof r->msg, "HTTP 429 Too Many Requests");
		if (!r->retry_after_ms)
			r->retry_after_ms = 1000;
		goto out;
	}
	if (arb_json_parse(&j, body, len) < 0 || (j.t[0].type != ARB_J_OBJ)) {
		if (http == 403) {
			/* not the API's own refusal (that is JSON): the edge in
			 * front of it blocks this address */
			r->kind = ARB_TR_BAN;
			snprintf(r->reason, sizeof r->reason, "ip_ban");
			snprintf(r->code, sizeof r->code, "403");
			snprintf(r->msg, sizeof r->msg, "HTTP 403, answer is not the API's: access blocked");
			if (!r->retry_after_ms)
				r->retry_after_ms = 600000;
			goto out;
		}
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, http >= 500 ? "http_5xx" : "bad_answer");
		snprintf(r->msg, sizeof r->msg, "HTTP %ld, answer is not JSON", http);
		goto out;
	}
	if (http != 200) {
		/* {"error","code","message","error_details"} */
		(void)arb_tj_str(&j, 0, "error", e, sizeof e);
		(void)arb_tj_str(&j, 0, "message", m, sizeof m);
		arb_tmsg(r->msg, sizeof r->msg, m[0] ? m : e, strlen(m[0] ? m : e));
		arb_tmsg(r->code, sizeof r->code, e[0] ? e : "http", strlen(e[0] ? e : "http"));
		if (http >= 500) {
			r->kind = ARB_TR_UNKNOWN;
			snprintf(r->reason, sizeof r->reason, "http_5xx");
		} else if (http == 404 && (op == ARB_TOP_QUERY || op == ARB_TOP_FILLS || op == ARB_TOP_CANCEL)) {
			r->kind = ARB_TR_NOTFOUND;
			snprintf(r->reason, sizeof r->reason, "not_found");
		} else if (http == 401 || http == 403) {
			r->kind = ARB_TR_REJECTED;
			snprintf(r->reason, sizeof r->reason, "auth");
		} else
			reason_of(r, e);
		goto out;
	}
	switch (op) {
	case ARB_TOP_TIME:
		if (arb_tj_ms(&j, 0, "epochMillis", 1, &r->server_ms) == 0 ||
		    arb_tj_ms(&j, 0, "epochSeconds", 1000, &r->server_ms) == 0)
			r->kind = ARB_TR_OK;
		break;
	case ARB_TOP_PLACE:
		x = arb_json_get(&j, 0, "success");
		if (x < 0)
			break;
		if (j.t[x].type == ARB_J_TRUE) {
			int sr = arb_json_get(&j, 0, "success_response");
			if (arb_tj_str(&j, sr, "order_id", r->vid, sizeof r->vid) < 0)
				(void)arb_tj_str(&j, 0, "order_id", r->vid, sizeof r->vid);
			r->kind = ARB_TR_OK;
			r->st = ARB_OS_ACKED;   /* the fills come from the order query */
			r->done = 0;
		} else {
			static const char *const ck[] = { "error", "preview_failure_reason",
			    "new_order_failure_reason", NULL };
			static const char *const mk[] = { "message", "error_details", NULL };
			int er = arb_json_get(&j, 0, "error_response");
			char all[300], t[96];
			/* the code: the error id; the reason: from all three */
			first_of(&j, er, ck, e, sizeof e);
			if (!e[0])
				(void)arb_tj_str(&j, 0, "failure_reason", e, sizeof e);
			snprintf(all, sizeof all, "%s", e);
			for (k = 1; ck[k]; k++)
				if (arb_tj_str(&j, er, ck[k], t, sizeof t) == 0 && strlen(all) + strlen(t) + 2 < sizeof all) {
					strcat(all, " ");
					strcat(all, t);
				}
			first_of(&j, er, mk, m, sizeof m);
			reason_of(r, all);
			arb_tmsg(r->code, sizeof r->code, e[0] ? e : "failed", strlen(e[0] ? e : "failed"));
			arb_tmsg(r->msg, sizeof r->msg, m[0] ? m : e, strlen(m[0] ? m : e));
		}
		break;
	case ARB_TOP_CANCEL:
		x = arb_json_get(&j, 0, "results");
		if (x < 0 || j.t[x].type != ARB_J_ARR || !j.t[x].n)
			break;
		x = arb_json_at(&j, x, 0);
		k = arb_json_get(&j, x, "success");
		(void)arb_tj_str(&j, x, "failure_reason", e, sizeof e);
		(void)arb_tj_str(&j, x, "order_id", r->vid, sizeof r->vid);
		if (k >= 0 && j.t[k].type == ARB_J_TRUE) {
			r->kind = ARB_TR_OK;
			r->st = ARB_OS_ACKED;   /* what became of it: the query */
			r->done = 0;
		} else {
			arb_tmsg(r->code, sizeof r->code, e, strlen(e));
			arb_tmsg(r->msg, sizeof r->msg, e, strlen(e));
			if (strstr(e, "UNKNOWN_CANCEL_ORDER") || strstr(e, "INVALID_CANCEL_REQUEST")) {
				r->kind = ARB_TR_NOTFOUND;   /* gone already (or never there) */
				snprintf(r->reason, sizeof r->reason, "not_found");
			} else {
				r->kind = ARB_TR_REJECTED;
				snprintf(r->reason, sizeof r->reason, "cancel_refused");
			}
		}
		break;
	case ARB_TOP_QUERY:
	case ARB_TOP_FILLS:
		if ((x = arb_json_get(&j, 0, "order")) >= 0 && j.t[x].type == ARB_J_OBJ) {
			order(&j, x, o, r);
			break;
		}
		if ((x = arb_json_get(&j, 0, "orders")) < 0 || j.t[x].type != ARB_J_ARR)
			break;
		for (k = 0; k < (int)j.t[x].n; k++) {
			int el = arb_json_at(&j, x, (uint32_t)k);
			char cid[ARB_CID_MAX + 8];
			if (o && arb_tj_str(&j, el, "client_order_id", cid, sizeof cid) == 0 && !strcmp(cid, o->cid)) {
				order(&j, el, o, r);
				goto out;
			}
		}
		k = arb_json_get(&j, 0, "has_next");
		if (k >= 0 && j.t[k].type == ARB_J_TRUE) {
			/* not on this page: on the next one (cursor), or cannot
			 * tell */
			r->kind = ARB_TR_UNKNOWN;
			snprintf(r->reason, sizeof r->reason, "venue_unknown");
			snprintf(r->msg, sizeof r->msg, "not on this page of the orders listed");
			if (arb_tj_str(&j, 0, "cursor", r->cursor, sizeof r->cursor) < 0)
				r->cursor[0] = 0;
		} else {
			r->kind = ARB_TR_NOTFOUND;
			snprintf(r->reason, sizeof r->reason, "not_found");
		}
		break;
	case ARB_TOP_FEES: {
		arb_dec tk, mk;
		x = arb_json_get(&j, 0, "fee_tier");
		if (arb_tj_dec(&j, x, "taker_fee_rate", &tk) < 0)
			break;
		if (arb_tj_dec(&j, x, "maker_fee_rate", &mk) < 0)
			mk = tk;
		arb_tres_addfee(r, "", tk, mk);
		r->kind = ARB_TR_OK;
		break;
	}
	case ARB_TOP_BALANCES:
		if ((x = arb_json_get(&j, 0, "accounts")) < 0 || j.t[x].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < (int)j.t[x].n && arb_tres_balroom(r) == 0; k++) {
			int a = arb_json_at(&j, x, (uint32_t)k);
			int av = arb_json_get(&j, a, "available_balance"), h = arb_json_get(&j, a, "hold");
			if (arb_tj_str(&j, a, "currency", r->bal[r->nbal].asset, ARB_ASSET_MAX) < 0 ||
			    arb_tj_dec(&j, av, "value", &r->bal[r->nbal].free) < 0)
				continue;
			if (arb_tj_dec(&j, h, "value", &r->bal[r->nbal].locked) < 0)
				r->bal[r->nbal].locked = arb_dec_make(0, 0);
			r->nbal++;
		}
		/* more accounts on the next page: its cursor (none: cannot
		 * tell the whole account) */
		k = arb_json_get(&j, 0, "has_next");
		if (k >= 0 && j.t[k].type == ARB_J_TRUE &&
		    (arb_tj_str(&j, 0, "cursor", r->cursor, sizeof r->cursor) < 0 || !r->cursor[0])) {
			r->kind = ARB_TR_UNKNOWN;
			snprintf(r->reason, sizeof r->reason, "bad_answer");
			snprintf(r->msg, sizeof r->msg, "more accounts but no cursor");
		}
		break;
	}
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_coinbase = {
	.ex = "coinbase",
	.prod = "https://api.coinbase.com",
	.test = "https://api-sandbox.coinbase.com",
	.test_note = "the Advanced Trade sandbox (api-sandbox.coinbase.com): mocked answers, no real orders",
	.lag_us = 1000000,
	.accept_ms = CB_MIN_LIFE_MS,  /* the token's shortest life */
	.cred_key = "coinbase_key",
	.cred_secret = "coinbase_secret",
	.cred_pass = NULL,
	.build = c_build,
	.parse = c_parse,
	.has_fills = 0,
	.has_fee_op = 1,
	.cancel_by_vid = 1,
	.verify = NULL,
};
