#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cred.h"
#include "json.h"
#include "sign.h"
#include "trade.h"

/*
 * Kraken spot REST (docs.kraken.com, "Spot REST API": Authentication,
 * Add Order, Cancel Order, Query Orders Info, Get Account Balance, Get
 * Server Time; "Spot Client Order Identifiers"; "API error messages"):
 *
 *   POST /0/private/AddOrder     nonce ordertype=limit type=buy|sell
 *                                volume price pair timeinforce=IOC
 *                                cl_ord_id deadline (RFC 3339: the engine
 *                                rejects the order if it arrives later)
 *   POST /0/private/CancelOrder  nonce cl_ord_id
 *   POST /0/private/QueryOrders  nonce cl_ord_id trades=true
 *   POST /0/private/Balance      nonce
 *   GET  /0/public/Time          {"result":{"unixtime":s}}
 *
 * Private calls: an application/x-www-form-urlencoded body with an
 * increasing nonce; headers API-Key and API-Sign = base64(HMAC-SHA512(
 * base64-decoded secret, path + SHA-256(nonce + body))).  Every answer is
 * {"error":[...],"result":{...}}; errors are "Exxx:Text" strings.
 * Kraken spot has no fill-or-kill for limit orders: an FOK order is not
 * sent (refused before it leaves).
 */

static void
pair(const struct arb_order *o, char *buf, size_t cap)
{
	const char *b = o->base;

	if (!strcmp(b, "BTC"))
		b = "XBT";
	else if (!strcmp(b, "DOGE"))
		b = "XDG";
	snprintf(buf, cap, "%s%s", b, !strcmp(o->quote, "BTC") ? "XBT" : o->quote);
}

/* Kraken asset codes to ours: XXBT -> BTC, ZUSD -> USD, XETH -> ETH.
 * Only the legacy codes have the X (crypto) or Z (fiat) in front: an
 * asset listed since is named as it is (ZEUS, XION), whatever its first
 * letter. */
static void
asset(const char *k, char *out, size_t cap)
{
	static const char *const legacy[] = {
		"XETC", "XETH", "XLTC", "XMLN", "XREP", "XXBT", "XXDG", "XXLM", "XXMR", "XXRP", "XZEC",
		"ZAUD", "ZCAD", "ZEUR", "ZGBP", "ZJPY", "ZUSD", NULL
	};
	const char *const *l;

	for (l = legacy; *l; l++)
		if (!strcmp(k, *l)) {
			k++;
			break;
		}
	snprintf(out, cap, "%s", k);
	if (!strcmp(out, "XBT"))
		snprintf(out, cap, "BTC");
	else if (!strcmp(out, "XDG"))
		snprintf(out, cap, "DOGE");
}

static int
k_build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	const struct arb_order *o = in->o;
	const char *path;
	char t[64], sig[100];

	if (op == ARB_TOP_TIME) {
		q->method = "GET";
		arb_buf_adds(&q->path, "/0/public/Time");
		return 0;
	}
	if (!in->k || !in->k->key || !in->k->secret) {
		snprintf(why, whylen, "kraken: no API key");
		return -1;
	}
	q->method = "POST";
	snprintf(t, sizeof t, "%llu", (unsigned long long)in->nonce);
	arb_tq_add(&q->body, "nonce", t);
	switch (op) {
	case ARB_TOP_PLACE:
		if (o->otype == ARB_OT_FOK) {
			snprintf(why, whylen, "kraken: no fill-or-kill limit orders on Kraken spot");
			return -1;
		}
		path = "/0/private/AddOrder";
		arb_tq_add(&q->body, "ordertype", "limit");
		arb_tq_add(&q->body, "type", o->side == ARB_BUY ? "buy" : "sell");
		arb_tq_adddec(&q->body, "volume", o->qty);
		arb_tq_adddec(&q->body, "price", o->px);
		pair(o, t, sizeof t);
		arb_tq_add(&q->body, "pair", t);
		arb_tq_add(&q->body, "timeinforce", "IOC");
		/* the fee in the quote currency, asked for: without a flag
		 * the venue picks by side, and what it picks is told
		 * differently by different accounts of its API */
		arb_tq_add(&q->body, "oflags", "fciq");
		arb_tq_add(&q->body, "cl_ord_id", o->cid);
		{
			/* between 2 and 60 s ahead, per the documentation */
			int64_t w = in->recv_window_ms > 2000 ? in->recv_window_ms : 2000;
			char ts[32];
			if (w > 60000)
				w = 60000;
			arb_time_fmt((in->ts_ms + w) * 1000, ts);
			arb_tq_add(&q->body, "deadline", ts);
		}
		break;
	case ARB_TOP_CANCEL:
		path = "/0/private/CancelOrder";
		arb_tq_add(&q->body, "cl_ord_id", o->cid);
		break;
	case ARB_TOP_QUERY:
		path = "/0/private/QueryOrders";
		arb_tq_add(&q->body, "cl_ord_id", o->cid);
		arb_tq_add(&q->body, "trades", "true");
		break;
	case ARB_TOP_BALANCES:
		path = "/0/private/Balance";
		break;
	case ARB_TOP_FEES: {
		/* fees differ by pair and come only for the pairs named */
		struct arb_buf l = { 0 };
		struct arb_order po;
		size_t i;
		int n = 0;
		memset(&po, 0, sizeof po);
		for (i = 0; i < in->nins && n < 100; i++) {
			if (strcmp(in->ins[i].ex, "kraken"))
				continue;
			snprintf(po.base, sizeof po.base, "%s", in->ins[i].base);
			snprintf(po.quote, sizeof po.quote, "%s", in->ins[i].quote);
			pair(&po, t, sizeof t);
			if (n++)
				arb_buf_addc(&l, ',');
			arb_buf_adds(&l, t);
		}
		if (!n) {
			arb_buf_free(&l);
			snprintf(why, whylen, "kraken: no instruments to ask the fees of");
			return -1;
		}
		path = "/0/private/TradeVolume";
		arb_tq_add(&q->body, "pair", l.p);
		arb_buf_free(&l);
		break;
	}
	default:
		snprintf(why, whylen, "kraken: no such request");
		return -1;
	}
	arb_buf_adds(&q->path, path);
	/* the signed text: path + SHA-256(nonce + body) */
	snprintf(t, sizeof t, "%llu", (unsigned long long)in->nonce);
	if (arb_sign_kraken(in->k->secret, path, t, q->body.p, sig) < 0) {
		snprintf(why, whylen, "kraken: the API secret is not base64");
		return -1;
	}
	arb_buf_adds(&q->hdr, "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n");
	arb_buf_printf(&q->hdr, "API-Key: %s\nAPI-Sign: %s\n", in->k->key, sig);
	arb_wipe(sig, sizeof sig);
	return 0;
}

static void
error(struct arb_tres *r, long http, const char *e)
{
	const char *reason = "venue_reject";

	arb_tmsg(r->msg, sizeof r->msg, e, strlen(e));
	arb_tmsg(r->code, sizeof r->code, e, strlen(e));
	r->kind = ARB_TR_REJECTED;
	if (http >= 500 || strstr(e, "EService:") || strstr(e, "EGeneral:Internal error") ||
	    strstr(e, "Deadline elapsed")) {
		r->kind = ARB_TR_UNKNOWN;
		reason = "venue_unknown";
	} else if (strstr(e, "Rate limit exceeded") || strstr(e, "Too many requests") || http == 429) {
		r->kind = ARB_TR_RATE;
		reason = "rate_limit";
	} else if (strstr(e, "EOrder:Unknown order") || strstr(e, "Invalid order")) {
		r->kind = ARB_TR_NOTFOUND;
		reason = "not_found";
	} else if (strstr(e, "Insufficient funds")) {
		reason = "insufficient_balance";
	} else if (strstr(e, "Order minimum not met") || strstr(e, "Invalid arguments:volume")) {
		reason = "lot_size";
	} else if (strstr(e, "Cost minimum not met")) {
		reason = "min_notional";
	} else if (strstr(e, "Invalid price") || strstr(e, "Invalid arguments:price")) {
		reason = "price_filter";
	} else if (strstr(e, "Invalid nonce")) {
		reason = "nonce";
	} else if (strstr(e, "EAPI:Invalid key") || strstr(e, "EAPI:Invalid signature") ||
	    strstr(e, "Permission denied")) {
		reason = "auth";
	} else if (strstr(e, "Unknown asset pair")) {
		reason = "bad_symbol";
	}
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

/* One order of QueryOrders' result. */
static void
order_of(struct arb_tres *r, const struct arb_json *j, int key, int obj, const struct arb_order *o)
{
	char s[24], fl[64] = "";
	arb_dec vol, cost;

	if (arb_json_str(j, key, r->vid, sizeof r->vid) < 0)
		r->vid[0] = 0;
	r->kind = ARB_TR_OK;
	if (arb_tj_dec(j, obj, "vol_exec", &r->filled) == 0)
		r->has_filled = 1;
	if (r->has_filled && arb_tj_dec(j, obj, "cost", &cost) == 0) {
		r->amt = cost;
		r->has_amt = 1;
		if (!arb_dec_is_zero(r->filled)) {
			r->avg_px = arb_tavg(cost, r->filled);
			r->has_avg = 1;
		}
	}
	if (arb_tj_dec(j, obj, "fee", &r->fee) == 0) {
		r->has_fee = 1;
		(void)arb_tj_str(j, obj, "oflags", fl, sizeof fl);
		/* in the quote currency (our orders ask for it: fciq) unless
		 * the order says base (fcib) */
		if (o)
			snprintf(r->fee_ccy, sizeof r->fee_ccy, "%s", strstr(fl, "fcib") ? o->base : o->quote);
	}
	if (arb_tj_str(j, obj, "status", s, sizeof s) < 0) {
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		return;
	}
	if (!strcmp(s, "pending") || !strcmp(s, "open")) {
		r->st = arb_dec_is_zero(r->filled) ? ARB_OS_ACKED : ARB_OS_PARTIAL;
		r->done = 0;
	} else if (!strcmp(s, "closed") && arb_tj_dec(j, obj, "vol", &vol) == 0 &&
	    arb_dec_cmp(r->filled, vol) >= 0) {
		r->st = ARB_OS_FILLED;
		r->done = 1;
	} else {
		/* closed short of the volume, canceled, expired: IOC rest */
		r->st = ARB_OS_CANCELED;
		r->done = 1;
	}
	{
		double t;
		char ts[32];
		/* seconds with a fraction; beyond int64_t milliseconds (or
		 * inf, nan) it is no time at all */
		if (arb_tj_str(j, obj, "closetm", ts, sizeof ts) == 0 && sscanf(ts, "%lf", &t) == 1 && t > 0 &&
		    t < 1e12)
			r->ts_ms = (int64_t)(t * 1000);
	}
}

static void
k_parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	struct arb_json j;
	int e, res, k;
	char msg[160];

	arb_json_init(&j);
	r->retry_after_ms = arb_tretry_after(hdr);
	if (arb_json_parse(&j, body, len) < 0 || j.t[0].type != ARB_J_OBJ) {
		r->kind = http == 429 ? ARB_TR_RATE : ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, http == 429 ? "rate_limit" :
		    http >= 500 ? "http_5xx" : "bad_answer");
		snprintf(r->msg, sizeof r->msg, "HTTP %ld, answer is not JSON", http);
		goto out;
	}
	if ((e = arb_json_get(&j, 0, "error")) >= 0 && j.t[e].type == ARB_J_ARR && j.t[e].n > 0) {
		if (arb_json_str(&j, arb_json_at(&j, e, 0), msg, sizeof msg) < 0)
			snprintf(msg, sizeof msg, "unreadable error");
		error(r, http, msg);
		goto out;
	}
	if (http != 200) {
		error(r, http, http >= 500 ? "HTTP 5xx" : "HTTP error");
		goto out;
	}
	res = arb_json_get(&j, 0, "result");
	switch (op) {
	case ARB_TOP_TIME:
		if (arb_tj_ms(&j, res, "unixtime", 1000, &r->server_ms) == 0)
			r->kind = ARB_TR_OK;
		break;
	case ARB_TOP_PLACE:
		/* accepted: the txid; what it did comes from QueryOrders */
		if (res >= 0 && (k = arb_json_get(&j, res, "txid")) >= 0 && j.t[k].type == ARB_J_ARR &&
		    arb_json_str(&j, arb_json_at(&j, k, 0), r->vid, sizeof r->vid) >= 0) {
			r->kind = ARB_TR_OK;
			r->st = ARB_OS_ACKED;
			r->done = 0;
		}
		break;
	case ARB_TOP_CANCEL:
		if (res >= 0 && arb_json_get(&j, res, "count") >= 0) {
			/* canceled (or pending): the final state comes from a query */
			r->kind = ARB_TR_OK;
			r->st = ARB_OS_ACKED;
			r->done = 0;
		}
		break;
	case ARB_TOP_QUERY:
		if (res < 0 || j.t[res].type != ARB_J_OBJ)
			break;
		if (j.t[res].n == 0) {
			r->kind = ARB_TR_NOTFOUND;
			snprintf(r->reason, sizeof r->reason, "not_found");
			break;
		}
		k = arb_json_child(&j, res);
		order_of(r, &j, k, k + 1, o);
		break;
	case ARB_TOP_FEES: {
		int fs, fm, m;
		uint32_t i;
		arb_dec percent = arb_dec_make(1, 2);   /* exact: never rounded */
		if (res < 0 || (fs = arb_json_get(&j, res, "fees")) < 0 || j.t[fs].type != ARB_J_OBJ)
			break;
		fm = arb_json_get(&j, res, "fees_maker");
		r->kind = ARB_TR_OK;
		for (i = 0, k = arb_json_child(&j, fs); i < j.t[fs].n; i++, k = arb_json_next(&j, k + 1)) {
			char name[32], a[16], b[16], sy[ARB_SYM_MAX];
			arb_dec tk, mk;
			if (arb_json_str(&j, k, name, sizeof name) < 0 || arb_tj_dec(&j, k + 1, "fee", &tk) < 0 ||
			    arb_dec_mul(&tk, tk, percent) < 0)
				continue;
			m = fm >= 0 ? arb_json_get(&j, fm, name) : -1;
			if (arb_tj_dec(&j, m, "fee", &mk) < 0 || arb_dec_mul(&mk, mk, percent) < 0)
				mk = tk;
			/* "XXBTZUSD" (legacy asset codes) or "XBTUSDT" */
			if (strlen(name) == 8 && strchr("XZ", name[0]) && strchr("XZ", name[4])) {
				char x[5];
				snprintf(x, sizeof x, "%.4s", name);
				asset(x, a, sizeof a);
				snprintf(x, sizeof x, "%.4s", name + 4);
				asset(x, b, sizeof b);
				snprintf(sy, sizeof sy, "%s/%s", a, b);
			} else if (!strncmp(name, "XBT", 3) || !strncmp(name, "XDG", 3))
				snprintf(sy, sizeof sy, "%s%s", name[1] == 'B' ? "BTC" : "DOGE", name + 3);
			else
				snprintf(sy, sizeof sy, "%s", name);
			arb_tres_addfee(r, sy, arb_dec_trim(tk), arb_dec_trim(mk));
		}
		break;
	}
	case ARB_TOP_BALANCES:
		if (res < 0 || j.t[res].type != ARB_J_OBJ)
			break;
		r->kind = ARB_TR_OK;
		{
			uint32_t i;
			const char *w;
			for (i = 0, k = arb_json_child(&j, res); i < j.t[res].n && arb_tres_balroom(r) == 0;
			    i++, k = arb_json_next(&j, k + 1)) {
				char name[ARB_ASSET_MAX];
				if (arb_json_str(&j, k, name, sizeof name) < 0 ||
				    arb_json_dec(&j, k + 1, &r->bal[r->nbal].free, &w) < 0)
					continue;
				asset(name, r->bal[r->nbal].asset, ARB_ASSET_MAX);
				r->bal[r->nbal].locked = arb_dec_make(0, 0);
				r->nbal++;
			}
		}
		break;
	}
out:
	arb_json_free(&j);
}

const struct arb_tvenue arb_tv_kraken = {
	.ex = "kraken",
	.prod = "https://api.kraken.com",
	.test = NULL,
	.test_note = "Kraken has no public spot test environment: use --endpoint",
	.lag_us = 1000000,
	.accept_ms = 2000,           /* the deadline: at least 2 s ahead */
	.clock_ms = 1000,            /* Time: unixtime, whole seconds */
	.cred_key = "kraken_key",
	.cred_secret = "kraken_secret",
	.cred_pass = NULL,
	.build = k_build,
	.parse = k_parse,
	.has_fills = 0,
	.has_fee_op = 1,
	.fee_needs_pairs = 1,
	.nonce_ordered = 1,
};
