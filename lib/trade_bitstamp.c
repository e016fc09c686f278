#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * Bitstamp HTTP API v2 (www.bitstamp.net/api: Authentication, Buy/Sell
 * limit order, Order status, Cancel order, Account balances, Ticker,
 * Response codes):
 *
 *   POST /api/v2/buy/{pair}/ and /api/v2/sell/{pair}/   amount, price,
 *        ioc_order=True | fok_order=True, client_order_id
 *        -> {"id","datetime","type","price","amount","client_order_id"}
 *   POST /api/v2/order_status/   client_order_id
 *        -> {"id","status":"Open"|"Finished"|"Expired"|"Canceled",
 *           "transactions":[{"tid","price","{base}","{quote}","fee",
 *           "datetime"}],"amount_remaining","client_order_id"}
 *   POST /api/v2/cancel_order/   id
 *   POST /api/v2/account_balances/  -> [{"currency","available","reserved"}]
 *   POST /api/v2/fees/trading/   -> [{"currency_pair","fees":{"maker","taker"}}]
 *        (percent)
 *   GET  /api/v2/ticker/btcusd/  {"timestamp": seconds} (the server's clock)
 *
 * Errors: {"status":"error","reason": text or {field:[text]},
 * "response_code":"400.009"} (400.002 rate limit, 400.009 insufficient
 * balance, 400.019 client_order_id exists, 400.020 below the minimum
 * order value, 400.021 price out of range), authentication failures
 * {"status":"error","code":"API0005","reason"}.
 *
 * Authentication (v2): X-Auth "BITSTAMP " + key, X-Auth-Signature = hex
 * HMAC-SHA256(secret, "BITSTAMP " + key + METHOD + host + path + query +
 * content type (only with a body) + nonce + timestamp + "v2" + body),
 * X-Auth-Nonce (a UUID, never used twice), X-Auth-Timestamp (ms, within
 * 150 s of the server), X-Auth-Version v2; a request without a body
 * carries no Content-Type.  Every answer is signed in turn:
 * X-Server-Auth-Signature = hex HMAC-SHA256(secret, nonce + timestamp +
 * the answer's Content-Type + body), checked by b_verify.
 */

#define FORM "application/x-www-form-urlencoded"

static void
lower(char *dst, size_t cap, const char *a, const char *b)
{
	size_t k = 0;

	for (; *a && k + 1 < cap; a++)
		dst[k++] = (char)tolower((unsigned char)*a);
	for (; b && *b && k + 1 < cap; b++)
		dst[k++] = (char)tolower((unsigned char)*b);
	dst[k] = 0;
}

static int
b_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	const struct arb_order *o = in->o;
	char pair[ARB_SYM_MAX], host[160], ts[32], sig[65];
	const char *body, *qm;

	if (op == ARB_TOP_TIME) {
		q->method = "GET";
		arb_buf_adds(&q->path, "/api/v2/ticker/btcusd/");
		return 0;
	}
	if (!in->k || !in->k->key || !in->k->secret) {
		snprintf(why, whylen, "bitstamp: no API key or secret");
		return -1;
	}
	if (!in->uuid) {
		snprintf(why, whylen, "bitstamp: no nonce");
		return -1;
	}
	if (o)
		lower(pair, sizeof pair, o->base, o->quote);
	q->method = "POST";
	switch (op) {
	case ARB_TOP_PLACE:
		arb_buf_printf(&q->path, "/api/v2/%s/%s/", o->side == ARB_BUY ? "buy" : "sell", pair);
		arb_tq_adddec(&q->body, "amount", o->qty);
		arb_tq_adddec(&q->body, "price", o->px);
		arb_tq_add(&q->body, o->otype == ARB_OT_FOK ? "fok_order" : "ioc_order", "True");
		arb_tq_add(&q->body, "client_order_id", o->cid);
		break;
	case ARB_TOP_CANCEL:
		if (!o->vid[0]) {
			snprintf(why, whylen, "bitstamp: cancel needs the venue's order id");
			return -1;
		}
		arb_buf_adds(&q->path, "/api/v2/cancel_order/");
		arb_tq_add(&q->body, "id", o->vid);
		break;
	case ARB_TOP_QUERY:
	case ARB_TOP_FILLS:
		arb_buf_adds(&q->path, "/api/v2/order_status/");
		arb_tq_add(&q->body, "client_order_id", o->cid);
		break;
	case ARB_TOP_BALANCES:
		arb_buf_adds(&q->path, "/api/v2/account_balances/");
		break;
	case ARB_TOP_FEES:
		arb_buf_adds(&q->path, "/api/v2/fees/trading/");
		break;
	default:
		snprintf(why, whylen, "bitstamp: no such request");
		return -1;
	}
	arb_thost(in->base, host, sizeof host);
	snprintf(ts, sizeof ts, "%lld", (long long)in->ts_ms);
	body = q->body.p ? q->body.p : "";
	qm = strchr(q->path.p, '?');
	{
		char path[256];
		snprintf(path, sizeof path, "%.*s", (int)(qm ? (size_t)(qm - q->path.p) : q->path.len),
		    q->path.p);
		arb_sign_bitstamp(in->k->secret, in->k->key, q->method, host, path, qm ? qm + 1 : "",
		    FORM, in->uuid, ts, body, sig);
	}
	arb_buf_printf(&q->hdr, "X-Auth: BITSTAMP %s\nX-Auth-Signature: %s\nX-Auth-Nonce: %s\n"
	    "X-Auth-Timestamp: %s\nX-Auth-Version: v2\n", in->k->key, sig, in->uuid, ts);
	/* no body, no Content-Type (libcurl would add one to a POST) */
	arb_buf_adds(&q->hdr, q->body.len ? "Content-Type: " FORM "\n" : "Content-Type:\n");
	arb_wipe(sig, sizeof sig);
	return 0;
}

static int
b_verify(const struct arb_tkeys *k, const struct arb_treq *q, const char *hdr, const char *body,
    size_t len)
{
	char nonce[64], ts[32], ct[128], got[80], want[65];

	if (!k || !k->secret || arb_thdr(q->hdr.p, "X-Auth-Nonce", nonce, sizeof nonce) < 0)
		return 0;           /* an unsigned request (the ticker) */
	if (arb_thdr(hdr, "X-Server-Auth-Signature", got, sizeof got) < 0 ||
	    arb_thdr(q->hdr.p, "X-Auth-Timestamp", ts, sizeof ts) < 0)
		return -1;
	if (arb_thdr(hdr, "Content-Type", ct, sizeof ct) < 0)
		ct[0] = 0;
	arb_sign_bitstamp_answer(k->secret, nonce, ts, ct, body, len, want);
	return strlen(got) == 64 && CRYPTO_memcmp(got, want, 64) == 0 ? 0 : -1;
}

/* The venue's message of an error answer: reason as text, or the first
 * text of its first field ({"amount":["..."]}), whose name goes to field. */
static void
reason_text(const struct arb_json *j, int rs, char *msg, size_t cap, char *field, size_t fcap)
{
	int key, v;

	msg[0] = field[0] = 0;
	if (rs < 0)
		return;
	if (j->t[rs].type == ARB_J_STR) {
		(void)arb_json_str(j, rs, msg, cap);
		return;
	}
	if (j->t[rs].type != ARB_J_OBJ || (key = arb_json_child(j, rs)) < 0)
		return;
	(void)arb_json_str(j, key, field, fcap);
	v = key + 1;
	if (j->t[v].type == ARB_J_ARR && j->t[v].n)
		v = arb_json_at(j, v, 0);
	if (j->t[v].type == ARB_J_STR)
		(void)arb_json_str(j, v, msg, cap);
}

static void
error(struct arb_tres *r, long http, const char *code, const char *field, const char *msg)
{
	const char *reason = "venue_reject";

	arb_tmsg(r->msg, sizeof r->msg, msg, strlen(msg));
	arb_tmsg(r->code, sizeof r->code, code[0] ? code : "error", strlen(code[0] ? code : "error"));
	r->kind = ARB_TR_REJECTED;
	if (http == 429 || !strcmp(code, "400.002")) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
		if (!r->retry_after_ms)
			r->retry_after_ms = 1000;
	} else if (http >= 500) {
		r->kind = ARB_TR_UNKNOWN;
		reason = "http_5xx";
	} else if (!strncmp(code, "404.", 4) || strstr(msg, "not found") || strstr(msg, "Not found")) {
		r->kind = ARB_TR_NOTFOUND;
		reason = "not_found";
	} else if (!strcmp(code, "400.019")) {
		/* the client order id exists: an earlier attempt got in */
		r->kind = ARB_TR_UNKNOWN;
		reason = "duplicate";
	} else if (!strcmp(code, "400.009") || strstr(msg, "You need") || strstr(msg, "nsufficient"))
		reason = "insufficient_balance";
	else if (!strcmp(code, "400.020") || strstr(msg, "inimum order"))
		reason = "min_notional";
	else if (!strcmp(code, "400.021") || !strcmp(field, "price"))
		reason = "price_filter";
	else if (!strcmp(code, "400.005") || !strcmp(code, "400.026") || !strcmp(field, "amount"))
		reason = "lot_size";
	else if (!strcmp(code, "400.003"))
		reason = "bad_symbol";
	else if (strstr(msg, "imestamp"))
		reason = "timestamp";
	else if (!strncmp(code, "API", 3) || http == 401 || http == 403)
		reason = "auth";
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

static void
b_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	char st[24], code[24] = "", msg[160], field[32];
	int x;

	arb_json_init(&j);
	r->retry_after_ms = arb_tretry_after(hdr);
	if (arb_json_parse(&j, body, len) < 0 || (j.t[0].type != ARB_J_OBJ && j.t[0].type != ARB_J_ARR)) {
		if (http == 403) {
			/* not the API's own refusal (that is JSON): the address is
			 * banned ("more than 8000 requests per 10 minutes") */
			r->kind = ARB_TR_BAN;
			snprintf(r->reason, sizeof r->reason, "ip_ban");
			snprintf(r->code, sizeof r->code, "403");
			snprintf(r->msg, sizeof r->msg, "HTTP 403, answer is not the API's: address banned");
			if (!r->retry_after_ms)
				r->retry_after_ms = 600000;
		} else if (http == 429 || http >= 500)
			error(r, http, "", "", http == 429 ? "HTTP 429" : "HTTP 5XX, answer is not JSON");
		else {
			r->kind = ARB_TR_UNKNOWN;
			snprintf(r->reason, sizeof r->reason, "bad_answer");
			snprintf(r->msg, sizeof r->msg, "HTTP %ld, answer is not JSON", http);
		}
		goto out;
	}
	if (j.t[0].type == ARB_J_OBJ && ((x = arb_json_get(&j, 0, "status")) >= 0 &&
	    arb_json_streq(&j, x, "error"))) {
		if (arb_tj_str(&j, 0, "response_code", code, sizeof code) < 0)
			(void)arb_tj_str(&j, 0, "code", code, sizeof code);
		reason_text(&j, arb_json_get(&j, 0, "reason"), msg, sizeof msg, field, sizeof field);
		error(r, http, code, field, msg);
		goto out;
	}
	if (http != 200) {
		error(r, http, "", "", "HTTP error");
		goto out;
	}
	switch (op) {
	case ARB_TOP_TIME:
		if (arb_tj_ms(&j, 0, "timestamp", 1000, &r->server_ms) == 0) {   /* seconds */
			r->kind = ARB_TR_OK;
		}
		break;
	case ARB_TOP_PLACE:
	case ARB_TOP_CANCEL:
		if (j.t[0].type != ARB_J_OBJ || arb_tj_str(&j, 0, "id", r->vid, sizeof r->vid) < 0)
			break;
		r->kind = ARB_TR_OK;
		r->st = ARB_OS_ACKED;   /* the trades come from the order status */
		r->done = 0;
		break;
	case ARB_TOP_QUERY:
	case ARB_TOP_FILLS: {
		char bk[ARB_ASSET_MAX], qk[ARB_ASSET_MAX], t[48];
		arb_dec sum = arb_dec_make(0, 0), val = arb_dec_make(0, 0), v;
		int64_t us;
		uint32_t k;
		if (j.t[0].type != ARB_J_OBJ || !o)
			break;
		(void)arb_tj_str(&j, 0, "id", r->vid, sizeof r->vid);
		lower(bk, sizeof bk, o->base, NULL);
		lower(qk, sizeof qk, o->quote, NULL);
		if ((x = arb_json_get(&j, 0, "transactions")) >= 0 && j.t[x].type == ARB_J_ARR)
			for (k = 0; k < j.t[x].n && arb_tres_fillroom(r) == 0; k++) {
				int e = arb_json_at(&j, x, k);
				struct arb_tfill *f = &r->f[r->nfills];
				if (arb_tj_dec(&j, e, "price", &f->px) < 0 || arb_tj_dec(&j, e, bk, &f->qty) < 0)
					continue;
				if (arb_tj_dec(&j, e, "fee", &f->fee) < 0)
					f->fee = arb_dec_make(0, 0);
				snprintf(f->fee_ccy, sizeof f->fee_ccy, "%s", o->quote);   /* fees in the quote */
				(void)arb_tj_str(&j, e, "tid", f->tid, sizeof f->tid);
				if (arb_tj_str(&j, e, "datetime", t, sizeof t) == 0 && arb_time_parse(t, &us) == 0)
					f->ts_ms = us / 1000;
				if (arb_dec_add(&v, sum, f->qty) == 0)
					sum = v;
				if (arb_dec_mul(&v, f->px, f->qty) == 0 && arb_dec_add(&v, val, v) == 0)
					val = v;
				r->nfills++;
			}
		r->has_filled = 1;
		r->filled = sum;
		if (arb_dec_sign(sum) > 0) {
			r->has_avg = 1;
			r->avg_px = arb_tavg(val, sum);
		}
		if (arb_tj_str(&j, 0, "status", st, sizeof st) < 0)
			break;
		r->kind = ARB_TR_OK;
		if (!strcmp(st, "Open")) {
			r->st = arb_dec_sign(sum) > 0 ? ARB_OS_PARTIAL : ARB_OS_ACKED;
			r->done = 0;
		} else if (!strcmp(st, "Finished") && arb_dec_cmp(sum, o->qty) >= 0) {
			r->st = ARB_OS_FILLED;
			r->done = 1;
		} else {
			r->st = ARB_OS_CANCELED;   /* Canceled, Expired, an IOC's rest */
			r->done = 1;
		}
		(void)code;
		break;
	}
	case ARB_TOP_FEES: {
		uint32_t k;
		arb_dec percent = arb_dec_make(1, 2);   /* exact: never rounded */
		if (j.t[0].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[0].n; k++) {
			int e = arb_json_at(&j, 0, k), f = arb_json_get(&j, e, "fees");
			char pr[ARB_SYM_MAX];
			arb_dec tk, mk;
			/* percentages */
			if (arb_tj_str(&j, e, "currency_pair", pr, sizeof pr) < 0 ||
			    arb_tj_dec(&j, f, "taker", &tk) < 0 ||
			    arb_dec_mul(&tk, tk, percent) < 0)
				continue;
			if (arb_tj_dec(&j, f, "maker", &mk) < 0 ||
			    arb_dec_mul(&mk, mk, percent) < 0)
				mk = tk;
			arb_tres_addfee(r, pr, arb_dec_trim(tk), arb_dec_trim(mk));
		}
		break;
	}
	case ARB_TOP_BALANCES: {
		uint32_t k;
		if (j.t[0].type != ARB_J_ARR)
			break;
		r->kind = ARB_TR_OK;
		for (k = 0; k < j.t[0].n && arb_tres_balroom(r) == 0; k++) {
			int b = arb_json_at(&j, 0, k);
			char *c;
			if (arb_tj_str(&j, b, "currency", r->bal[r->nbal].asset, ARB_ASSET_MAX) < 0 ||
			    arb_tj_dec(&j, b, "available", &r->bal[r->nbal].free) < 0)
				continue;
			for (c = r->bal[r->nbal].asset; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			if (arb_tj_dec(&j, b, "reserved", &r->bal[r->nbal].locked) < 0)
				r->bal[r->nbal].locked = arb_dec_make(0, 0);
			r->nbal++;
		}
		break;
	}
	}
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_bitstamp = {
	.ex = "bitstamp",
	.prod = "https://www.bitstamp.net",
	.test = NULL,
	.test_note = "Bitstamp has no public test environment: give --endpoint bitstamp=URL",
	.lag_us = 1000000,
	.accept_ms = 150000,         /* X-Auth-Timestamp: 150 s, no expiry of ours */
	.clock_ms = 1000,            /* the ticker's timestamp: whole seconds */
	.cred_key = "bitstamp_key",
	.cred_secret = "bitstamp_secret",
	.cred_pass = NULL,
	.build = b_build,
	.parse = b_parse,
	.has_fills = 1,
	.has_fee_op = 1,
	.cancel_by_vid = 1,
	.verify = b_verify,
};
