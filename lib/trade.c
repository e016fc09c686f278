#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cred.h"
#include "json.h"
#include "trade.h"

/*
 * trade.c: what the venue files share: request buffers, URL encoding,
 * header lookup, message sanitising, and the table of venues.
 */

static const char *const opnames[ARB_TOP_N] = {
	"place", "cancel", "query", "fills", "balances", "time", "fees"
};

const char *
arb_top_name(int op)
{
	return op >= 0 && op < ARB_TOP_N ? opnames[op] : "?";
}

void
arb_treq_init(struct arb_treq *q)
{
	memset(q, 0, sizeof *q);
	q->method = "GET";
}

static void
wipebuf(struct arb_buf *b)
{
	if (b->p)
		arb_wipe(b->p, b->cap);
	arb_buf_free(b);
}

void
arb_treq_wipe(struct arb_treq *q)
{
	wipebuf(&q->path);
	wipebuf(&q->body);
	wipebuf(&q->hdr);
}

void
arb_tres_init(struct arb_tres *r)
{
	memset(r, 0, sizeof *r);
	r->kind = ARB_TR_UNKNOWN;
	r->st = ARB_OS_UNKNOWN;
}

void
arb_tres_free(struct arb_tres *r)
{
	free(r->fees);
	r->fees = NULL;
	r->nfee = 0;
	free(r->f);
	r->f = NULL;
	r->nfills = r->capf = 0;
	free(r->bal);
	r->bal = NULL;
	r->nbal = r->capbal = 0;
}

/* Grows *p (of elements of size sz, *cap of them) to hold n + 1 and
 * clears element n. */
static int
room(void **p, int n, int *cap, size_t sz, int *cut)
{
	if (n >= ARB_TLIST_MAX) {
		*cut = 1;
		return -1;
	}
	if (n >= *cap) {
		int c = *cap ? *cap * 2 : 16;
		if (c > ARB_TLIST_MAX)
			c = ARB_TLIST_MAX;
		xrealloc(p, (size_t)c * sz);
		*cap = c;
	}
	memset((char *)*p + (size_t)n * sz, 0, sz);
	return 0;
}

int
arb_tres_fillroom(struct arb_tres *r)
{
	return room((void **)&r->f, r->nfills, &r->capf, sizeof *r->f, &r->cut);
}

int
arb_tres_balroom(struct arb_tres *r)
{
	return room((void **)&r->bal, r->nbal, &r->capbal, sizeof *r->bal, &r->cut);
}

/* What an answer the venue's parser took says that cannot be: an
 * executed quantity or a balance below zero, a trade without a quantity
 * or a price.  Booked, it would turn into fills, P&L and balances that
 * never were; NULL when there is none. */
static const char *
answer_impossible(const struct arb_tres *r)
{
	int i;

	if (r->has_filled && arb_dec_sign(r->filled) < 0)
		return "executed quantity below zero";
	if (r->has_amt && arb_dec_sign(r->amt) < 0)
		return "executed amount below zero";
	if (r->has_avg && arb_dec_sign(r->avg_px) < 0)
		return "average price below zero";
	for (i = 0; i < r->nfills; i++)
		if (arb_dec_sign(r->f[i].qty) <= 0 || arb_dec_sign(r->f[i].px) <= 0)
			return "a trade without a quantity or a price above zero";
	for (i = 0; i < r->nbal; i++)
		if (arb_dec_sign(r->bal[i].free) < 0 || arb_dec_sign(r->bal[i].locked) < 0)
			return "a balance below zero";
	return NULL;
}

void
arb_tparse(const struct arb_tvenue *tv, int op, long http, const char *hdr, const char *body,
    size_t len, const struct arb_order *o, struct arb_tres *r)
{
	const char *why;

	tv->parse(op, http, hdr, body, len, o, r);
	if (r->kind == ARB_TR_OK && (why = answer_impossible(r)) != NULL) {
		/* asked again, as any answer that makes no sense */
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		snprintf(r->msg, sizeof r->msg, "%s", why);
	} else if (r->cut) {
		/* a list cut short would under-report fills or balances */
		r->kind = ARB_TR_UNKNOWN;
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		snprintf(r->msg, sizeof r->msg, "answer lists more than %d items", ARB_TLIST_MAX);
	} else if (r->kind == ARB_TR_UNKNOWN && !r->reason[0]) {
		/* an answer the venue's parser could make nothing of, on any path */
		snprintf(r->reason, sizeof r->reason, "bad_answer");
		snprintf(r->msg, sizeof r->msg, "unexpected answer");
	}
}

void
arb_tres_addfee(struct arb_tres *r, const char *sym, arb_dec taker, arb_dec maker)
{
	struct arb_tfee *f;

	if (r->nfee >= 4096 || strlen(sym) >= sizeof f->sym)
		return;
	xrealloc(&r->fees, (size_t)(r->nfee + 1) * sizeof *r->fees);
	f = &r->fees[r->nfee++];
	snprintf(f->sym, sizeof f->sym, "%s", sym);
	f->taker = taker;
	f->maker = maker;
}

void
arb_tmsg(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i, k = 0;

	if (!cap)
		return;
	for (i = 0; i < n && k + 1 < cap; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[k++] = c == '"' || c == '\\' ? '\'' : (c < 0x20 || c > 0x7e) ? ' ' : (char)c;
	}
	dst[k] = 0;
}

void
arb_tres_unknown_status(struct arb_tres *r, const char *what, const char *st)
{
	int k;

	r->kind = ARB_TR_UNKNOWN;
	snprintf(r->reason, sizeof r->reason, "venue_unknown");
	k = snprintf(r->msg, sizeof r->msg, "%s ", what);
	arb_tmsg(r->msg + k, sizeof r->msg - (size_t)k, st, strlen(st));
}

int
arb_tsym_split(const char *sym, char *base, size_t bcap, char *quote, size_t qcap)
{
	const char *sl = strchr(sym, '/');

	if (!sl || sl == sym || !sl[1] || (size_t)(sl - sym) >= bcap || strlen(sl + 1) >= qcap)
		return -1;
	snprintf(base, bcap, "%.*s", (int)(sl - sym), sym);
	snprintf(quote, qcap, "%s", sl + 1);
	return 0;
}

static void
urlenc(struct arb_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			arb_buf_addc(b, (char)c);
		else {
			arb_buf_addc(b, '%');
			arb_buf_addc(b, hex[c >> 4]);
			arb_buf_addc(b, hex[c & 15]);
		}
	}
}

void
arb_tq_add(struct arb_buf *b, const char *key, const char *val)
{
	if (b->len && b->p[b->len - 1] != '?')
		arb_buf_addc(b, '&');
	urlenc(b, key);
	arb_buf_addc(b, '=');
	urlenc(b, val);
}

void
arb_tdec(arb_dec v, char *buf)
{
	arb_dec_fmt(arb_dec_trim(v), buf);
}

void
arb_tq_adddec(struct arb_buf *b, const char *key, arb_dec v)
{
	char t[ARB_DEC_STRMAX];

	arb_tdec(v, t);
	arb_tq_add(b, key, t);
}

int
arb_thdr(const char *hdr, const char *name, char *buf, size_t cap)
{
	size_t nl = strlen(name);
	const char *p = hdr;

	if (!hdr)
		return -1;
	while (*p) {
		const char *e = strchr(p, '\n'), *v;
		size_t n;
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
			v = p + nl + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			n = (size_t)(e - v);
			while (n && (v[n - 1] == '\r' || v[n - 1] == ' '))
				n--;
			if (n >= cap)
				n = cap - 1;
			memcpy(buf, v, n);
			buf[n] = 0;
			return 0;
		}
		p = *e ? e + 1 : e;
	}
	return -1;
}

int64_t
arb_tretry_after(const char *hdr)
{
	char v[32], *end;
	long s;

	if (arb_thdr(hdr, "Retry-After", v, sizeof v) < 0)
		return 0;
	s = strtol(v, &end, 10);
	if (end == v || s < 0)
		return 0;
	if (s > 7 * 86400)
		s = 7 * 86400;
	return (int64_t)s * 1000;
}

const struct arb_tvenue *
arb_tvenue(const char *ex)
{
	static const struct arb_tvenue *const all[] = {
		&arb_tv_binance, &arb_tv_kraken, &arb_tv_okx, &arb_tv_bybit,
		&arb_tv_coinbase, &arb_tv_bitstamp
	};
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->ex, ex) == 0)
			return all[i];
	return NULL;
}

int
arb_tj_str(const struct arb_json *j, int obj, const char *key, char *buf, size_t cap)
{
	int i = obj < 0 ? -1 : arb_json_get(j, obj, key);

	if (i < 0)
		return -1;
	if (j->t[i].type == ARB_J_NUM) {
		size_t n = j->t[i].len;
		if (n >= cap)
			return -1;
		memcpy(buf, arb_json_raw(j, i), n);
		buf[n] = 0;
		return 0;
	}
	return arb_json_str(j, i, buf, cap) < 0 ? -1 : 0;
}

int
arb_tj_dec(const struct arb_json *j, int obj, const char *key, arb_dec *d)
{
	int i = obj < 0 ? -1 : arb_json_get(j, obj, key);
	const char *why;

	return i < 0 || arb_json_dec(j, i, d, &why) < 0 ? -1 : 0;
}

int
arb_tj_i64(const struct arb_json *j, int obj, const char *key, int64_t *v)
{
	int i = obj < 0 ? -1 : arb_json_get(j, obj, key);

	return i < 0 || arb_json_i64(j, i, v) < 0 ? -1 : 0;
}

int
arb_tj_ms(const struct arb_json *j, int obj, const char *key, int scale, int64_t *ms)
{
	int64_t v;

	if (arb_tj_i64(j, obj, key, &v) < 0 || v < 0 || v > ARB_TMS_MAX / scale)
		return -1;
	*ms = v * scale;
	return 0;
}

void
arb_thost(const char *base, char *buf, size_t cap)
{
	const char *h = strstr(base, "://"), *e;

	h = h ? h + 3 : base;
	e = h + strcspn(h, "/?#");
	snprintf(buf, cap, "%.*s", (int)(e - h), h);
}

arb_dec
arb_tavg(arb_dec quote, arb_dec qty)
{
	arb_dec r;

	if (arb_dec_is_zero(qty) || arb_dec_div(&r, quote, qty, 12, ARB_RND_HALF_EVEN) < 0)
		return arb_dec_make(0, 0);
	return arb_dec_trim(r);
}
