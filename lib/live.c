#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <curl/curl.h>

#include "clock.h"
#include "cred.h"
#include "live.h"
#include "log.h"
#include "proxy.h"
#include "sig.h"
#include "sign.h"
#include "trade.h"

/*
 * live.c: the live transport (live.h).  One curl multi handle carries
 * every request; the program drives it from its idle wait (arb_live_wait,
 * the svc.wait hook) and from the engine's tick after each record, so an
 * answer is acted on as soon as it arrives whether the input is busy or
 * quiet.  Engine callbacks are never made from inside send/cancel: a
 * request is queued there and started by the next pump.
 */

struct live;

/* A balance list read in pages is read at most this many pages deep. */
#define ARB_LIVE_BAL_PAGES 100

struct lven {
	const struct arb_tvenue *tv;
	char base[256];
	struct arb_cred key, secret, pass;
	struct arb_tkeys k;
	int64_t offset_ms;          /* venue clock - local clock */
	int time_state;             /* 0 unknown, 1 asked, 2 known, 3 failed */
	int64_t hold_until;         /* monotonic us: rate limit back-off */
	int banned;
	uint64_t nonce;
	long weight_1m, orders_10s, orders_1d;
	uint64_t nplaced;           /* order requests started */
	struct arb_tfee *fees;      /* the venue's fee rates, when read */
	int nfees;
	int fee_note;               /* said why the rates are not used */
	char fee_bad[ARB_SYM_MAX + ARB_DEC_STRMAX]; /* the last unusable rate
	                             * warned of (Binance's come every minute) */
	size_t fee_nins;            /* engine instruments when last looked */
	size_t fee_asked;           /* the venue's instruments its fees were
	                             * asked for (fee_needs_pairs) */
	int bal_reads;              /* balance answers applied */
	/* a balance list read in pages (Coinbase): the pages so far, the
	 * next page's cursor, v->nplaced when the first page was asked */
	struct arb_tres bal_acc;
	int bal_pages;
	char bal_cursor[80];
	uint64_t bal_seq;
	int64_t next_bal;           /* monotonic us: the next refresh */
};

enum { L_PLACING, L_OPEN, L_UNKNOWN, L_DONE };

struct lord {
	struct arb_order *o;        /* NULL once ended (the engine may free it) */
	void *owner;                /* o->owner when sent: its opportunity */
	struct lven *v;
	int phase;
	int nreq;                   /* requests about this order in the queue */
	int nquery;
	int resumed;
	int cancel_wanted, cancel_sent;
	int place_tries;
	int64_t give_up;            /* monotonic: unknown + not found after this
	                             * means it was never placed */
	/* a query result waiting for the itemised trades */
	int pend;
	enum arb_ostate pend_st;
	int pend_done;
	arb_dec pend_filled;
	const char *own_cancel;     /* canceled by the transport itself (stop) */
	char cid[ARB_CID_MAX];
	char cursor[80];            /* the next page of a list query */
	int npages;
};

struct lreq {
	struct live *L;
	struct lven *v;
	struct lord *lo;
	int op;
	int64_t due;                /* monotonic us */
	int started;
	uint64_t seq;               /* balances: v->nplaced when started */
	CURL *h;
	struct curl_slist *hl;
	struct arb_treq q;
	struct arb_buf url, resp, rhdr;
	char err[CURL_ERROR_SIZE];
	int via;                    /* through the proxy */
	int refused;                /* ...which refused the tunnel */
	int held;                   /* due, waits for the venue's request in
	                             * flight (nonce_ordered) */
	struct lreq *next;
};

struct live {
	struct arb_live_conf c;
	struct arb_exec *e;
	CURLM *m;
	struct lven v[ARB_LIVE_NVENUE];
	int nv;
	struct lreq *q;             /* waiting and running requests */
	struct lord **ord;
	size_t nord, capord;
	void (*outfn)(void *);
	void *outarg;
	int produced;
	int64_t last_pump;
	int started;
	int in_pump;
	int in_tick;                /* inside arb_exec_record */
	int finishing;              /* inside finish: the engine no longer waits */
	int nfee_user;              /* the engine's --taker-fee overrides
	                             * (those after them are the venues') */
	struct arb_live_stats st;
	struct arb_xport x;
	char *px_url;               /* the proxy (credentials), or NULL */
	char px_shown[300];         /* ...as messages show it */
	const char *px_noproxy;     /* no_proxy, or NULL */
};

static const char *const venue_ids[] = {
	"binance", "kraken", "okx", "bybit", "coinbase", "bitstamp"
};

/* ------------------------------------------------------------------ */
/* Configuration. */

void
arb_live_conf_defaults(struct arb_live_conf *c)
{
	memset(c, 0, sizeof *c);
	c->recv_window_ms = 5000;
	c->timeout_us = 5000000;
	c->poll_us = 500000;
	c->max_queries = 20;
	c->settle_us = 30000000;
	c->balances = 1;
	c->balances_every_us = 60000000;
	c->fees = 1;
}

int
arb_live_conf_endpoint(struct arb_live_conf *c, const char *arg, char *why, size_t whylen)
{
	const char *eq = strchr(arg, '=');
	size_t i, n;

	if (!eq || eq == arg) {
		snprintf(why, whylen, "expected VENUE=URL");
		return -1;
	}
	n = (size_t)(eq - arg);
	for (i = 0; i < ARB_LIVE_NVENUE; i++)
		if (strlen(venue_ids[i]) == n && !strncmp(venue_ids[i], arg, n))
			break;
	if (i == ARB_LIVE_NVENUE) {
		snprintf(why, whylen, "%.*s: not a venue (binance kraken okx bybit coinbase bitstamp)",
		    (int)(n > 32 ? 32 : n), arg);
		return -1;
	}
	if (strncmp(eq + 1, "https://", 8) && strncmp(eq + 1, "http://", 7)) {
		snprintf(why, whylen, "%s: the URL must start with https:// or http://", venue_ids[i]);
		return -1;
	}
	if (strlen(eq + 1) >= sizeof c->endpoint[0].url) {
		snprintf(why, whylen, "%s: URL too long", venue_ids[i]);
		return -1;
	}
	for (n = 0; n < (size_t)c->nendpoint; n++)
		if (!strcmp(c->endpoint[n].ex, venue_ids[i]))
			break;
	if (n == (size_t)c->nendpoint)
		c->nendpoint++;
	snprintf(c->endpoint[n].ex, sizeof c->endpoint[n].ex, "%s", venue_ids[i]);
	snprintf(c->endpoint[n].url, sizeof c->endpoint[n].url, "%s", eq + 1);
	/* no trailing slash: paths start with one */
	i = strlen(c->endpoint[n].url);
	while (i > 8 && c->endpoint[n].url[i - 1] == '/')
		c->endpoint[n].url[--i] = 0;
	return 0;
}

const char *
arb_live_base(const struct arb_live_conf *c, const char *ex)
{
	const struct arb_tvenue *tv = arb_tvenue(ex);
	int i;

	for (i = 0; i < c->nendpoint; i++)
		if (!strcmp(c->endpoint[i].ex, ex))
			return c->endpoint[i].url;
	if (!tv)
		return NULL;
	if (c->testnet)
		return tv->test;
	return tv->prod;
}

/* ------------------------------------------------------------------ */
/* Orders known to the transport. */

static struct lord *
lord_find(struct live *L, const struct arb_order *o)
{
	size_t i;

	for (i = 0; i < L->nord; i++)
		if (L->ord[i]->o == o)
			return L->ord[i];
	return NULL;
}

static struct lven *
venue_of(struct live *L, const char *ex)
{
	int i;

	for (i = 0; i < L->nv; i++)
		if (!strcmp(L->v[i].tv->ex, ex))
			return &L->v[i];
	return NULL;
}

static struct lord *
lord_new(struct live *L, struct arb_order *o, struct lven *v)
{
	struct lord *lo = xcalloc(1, sizeof *lo);

	lo->o = o;
	lo->owner = o->owner;
	lo->v = v;
	/* aggregate venues: what a new order has executed is known: none */
	if (arb_dec_is_zero(o->filled)) {
		o->vfee = o->vamt = arb_dec_make(0, 0);
		o->vknown = 3;
	}
	snprintf(lo->cid, sizeof lo->cid, "%s", o->cid);
	if (L->nord == L->capord) {
		size_t nc = L->capord ? L->capord * 2 : 16;
		xrealloc(&L->ord, nc * sizeof *L->ord);
		L->capord = nc;
	}
	L->ord[L->nord++] = lo;
	return lo;
}

/*
 * Is the engine's order still there?  An opportunity that ended while one
 * of its orders was still unknown (stopping) is freed by the engine in a
 * later batch; the order must not be touched then.  Only pointers are
 * compared until the opportunity is known to be alive, and the client
 * order id then confirms it is the same order.
 */
static int
lord_alive(struct live *L, struct lord *lo)
{
	size_t i;

	if (!lo->o || lo->phase == L_DONE)
		return 0;
	if (!L->e)
		return 1;
	for (i = 0; i < L->e->nopps; i++)
		if ((void *)L->e->opps[i] == lo->owner) {
			if (strcmp(lo->o->cid, lo->cid) == 0)
				return 1;
			break;
		}
	lo->o = NULL;
	lo->phase = L_DONE;
	return 0;
}

/* Drops ended orders no request refers to any more. */
static void
lord_gc(struct live *L)
{
	size_t i, k = 0;

	for (i = 0; i < L->nord; i++) {
		if (L->ord[i]->phase == L_DONE && L->ord[i]->nreq == 0)
			free(L->ord[i]);
		else
			L->ord[k++] = L->ord[i];
	}
	L->nord = k;
}

/* ------------------------------------------------------------------ */
/* Requests. */

static void
req_free(struct lreq *r)
{
	struct curl_slist *s;

	if (r->h) {
		if (r->started)
			curl_multi_remove_handle(r->L->m, r->h);
		curl_easy_cleanup(r->h);
	}
	for (s = r->hl; s; s = s->next)
		if (s->data)
			arb_wipe(s->data, strlen(s->data));
	curl_slist_free_all(r->hl);
	arb_treq_wipe(&r->q);
	if (r->url.p)
		arb_wipe(r->url.p, r->url.cap);
	arb_buf_free(&r->url);
	arb_buf_free(&r->resp);
	arb_buf_free(&r->rhdr);
	if (r->lo)
		r->lo->nreq--;
	free(r);
}

static void
queue(struct live *L, struct lven *v, struct lord *lo, int op, int64_t due)
{
	struct lreq *r = xcalloc(1, sizeof *r), **pp;

	r->L = L;
	r->v = v;
	r->lo = lo;
	r->op = op;
	r->due = due;
	if (lo)
		lo->nreq++;
	for (pp = &L->q; *pp; pp = &(*pp)->next)
		;
	*pp = r;
}

static int
has_req(struct live *L, struct lord *lo, int op)
{
	struct lreq *r;

	for (r = L->q; r; r = r->next)
		if (r->lo == lo && r->op == op)
			return 1;
	return 0;
}

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct lreq *r = arg;

	if (r->resp.len + sz * n > (8u << 20))
		return 0;   /* absurd answer: fail the transfer */
	arb_buf_add(&r->resp, p, sz * n);
	return sz * n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct lreq *r = arg;

	if (sz * n >= 5 && !memcmp(p, "HTTP/", 5))
		arb_buf_reset(&r->rhdr);    /* a new response (after 100) */
	if (r->rhdr.len < 65536)
		arb_buf_add(&r->rhdr, p, sz * n);
	return sz * n;
}

static void
uuid4(char *out)
{
	unsigned char b[16];
	char h[33];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), i;
	ssize_t k = fd >= 0 ? read(fd, b, sizeof b) : -1;

	if (fd >= 0)
		close(fd);
	if (k != (ssize_t)sizeof b) {
		int64_t t = arb_mono_us() ^ arb_wall_us();
		for (i = 0; i < 16; i++)
			b[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	arb_hex(b, 16, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* ------------------------------------------------------------------ */
/* The proxy. */

/*
 * The same choice as arb-feed's (lib/ws.c), both made by lib/proxy.c:
 * for the venues' https URLs https_proxy, else HTTPS_PROXY, else
 * all_proxy, else ALL_PROXY, the first one set deciding (empty: none);
 * hosts in no_proxy (else NO_PROXY) directly, by libcurl's rules.  Made
 * here and given to libcurl (CURLOPT_PROXY, CURLOPT_NOPROXY ""), so that a
 * failure can name the proxy, as scheme://host:port, never with its
 * credentials.
 */

/* The proxy from the environment into L; -1 and why when it is no URL. */
static int
proxy_setup(struct live *L, char *why, size_t whylen)
{
	const char *var, *val = arb_proxy_env(&var);
	char *full, *scheme = NULL, *host = NULL, *port = NULL;
	CURLU *u;
	int rc = -1;

	if (!val || !*val)
		return 0;
	if (!(u = curl_url())) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	full = xmalloc(strlen(val) + 8);
	sprintf(full, "%s%s", strstr(val, "://") ? "" : "http://", val);
	if (curl_url_set(u, CURLUPART_URL, full, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		snprintf(why, whylen, "%s: not a proxy URL", var);
	else {
		snprintf(L->px_shown, sizeof L->px_shown, "%s://%s:%s", scheme, host,
		    curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK ? port : "1080");
		L->px_url = xstrdup(val);
		L->px_noproxy = arb_noproxy_env();
		arb_debug("proxy %s (from %s)", L->px_shown, var);
		rc = 0;
	}
	arb_wipe(full, strlen(full));
	free(full);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/* Is the request to url to go through the proxy? */
static int
proxy_for_url(const struct live *L, const char *url)
{
	char *host = NULL;
	CURLU *u;
	int via = 1;

	if (!L->px_url)
		return 0;
	if ((u = curl_url()) && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		via = !arb_noproxy_match(L->px_noproxy, host);
	curl_free(host);
	curl_url_cleanup(u);
	return via;
}

/* Builds and starts one request.  -1 when it cannot be built (the caller
 * completes it as an error). */
static int
start(struct live *L, struct lreq *r, char *why, size_t whylen)
{
	struct lven *v = r->v;
	struct arb_tin in;
	char uuid[40];
	const char *p, *e;
	int64_t wall_ms = arb_wall_us() / 1000;

	memset(&in, 0, sizeof in);
	in.base = v->base;
	in.k = &v->k;
	in.ts_ms = wall_ms + v->offset_ms;
	if (++v->nonce <= (uint64_t)(wall_ms * 1000))
		v->nonce = (uint64_t)wall_ms * 1000;   /* Kraken: increasing, microseconds */
	in.nonce = v->nonce;
	uuid4(uuid);
	in.uuid = uuid;
	in.recv_window_ms = L->c.recv_window_ms;
	in.demo = L->c.testnet && !strcmp(v->tv->ex, "okx");
	in.o = r->lo ? r->lo->o : NULL;
	if (r->lo && r->op == ARB_TOP_QUERY)
		in.cursor = r->lo->cursor;
	if (r->op == ARB_TOP_BALANCES && v->bal_pages)
		in.cursor = v->bal_cursor;
	if (r->op == ARB_TOP_FEES && L->e) {
		in.ins = L->e->ins;
		in.nins = L->e->nins;
	}
	arb_treq_init(&r->q);
	if (v->tv->build(r->op, &in, &r->q, why, whylen) < 0)
		return -1;
	arb_buf_reset(&r->url);
	arb_buf_adds(&r->url, v->base);
	arb_buf_add(&r->url, r->q.path.p, r->q.path.len);
	if (!(r->h = curl_easy_init())) {
		snprintf(why, whylen, "curl_easy_init failed");
		return -1;
	}
	for (p = r->q.hdr.p; p && *p; p = *e ? e + 1 : e) {
		char line[1024];
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e > p && (size_t)(e - p) < sizeof line) {
			memcpy(line, p, (size_t)(e - p));
			line[e - p] = 0;
			r->hl = curl_slist_append(r->hl, line);
			arb_wipe(line, sizeof line);
		}
	}
	/* no "Expect: 100-continue" round trip */
	r->hl = curl_slist_append(r->hl, "Expect:");
	curl_easy_setopt(r->h, CURLOPT_URL, r->url.p);
	curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->h, CURLOPT_ERRORBUFFER, r->err);
	curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hl);
	curl_easy_setopt(r->h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, (long)(L->c.timeout_us / 1000));
	curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT_MS, (long)(L->c.timeout_us / 1000));
	curl_easy_setopt(r->h, CURLOPT_FOLLOWLOCATION, 0L);
	r->via = proxy_for_url(L, r->url.p);
	curl_easy_setopt(r->h, CURLOPT_PROXY, r->via ? L->px_url : "");
	curl_easy_setopt(r->h, CURLOPT_NOPROXY, "");
	if (L->c.cacert)
		curl_easy_setopt(r->h, CURLOPT_CAINFO, L->c.cacert);
	if (r->op == ARB_TOP_PLACE) {
		/* libcurl sends a request again, by itself, when a reused
		 * connection turns out dead after the request went out (curl
		 * PR #18417 proposes an option against it; 7.88 has none).  For
		 * an order that is a second order: orders go on a connection of
		 * their own, never a reused one. */
		curl_easy_setopt(r->h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(r->h, CURLOPT_FORBID_REUSE, 1L);
	}
	if (!strcmp(r->q.method, "POST")) {
		curl_easy_setopt(r->h, CURLOPT_POST, 1L);
		curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, r->q.body.p ? r->q.body.p : "");
		curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)r->q.body.len);
	} else if (strcmp(r->q.method, "GET")) {
		curl_easy_setopt(r->h, CURLOPT_CUSTOMREQUEST, r->q.method);
		if (r->q.body.len) {
			curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, r->q.body.p);
			curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)r->q.body.len);
		}
	}
	if (curl_multi_add_handle(L->m, r->h) != CURLM_OK) {
		snprintf(why, whylen, "curl_multi_add_handle failed");
		return -1;
	}
	r->started = 1;
	L->st.requests++;
	if (r->op == ARB_TOP_BALANCES)
		r->seq = v->nplaced;
	if (r->op == ARB_TOP_PLACE) {
		L->st.places++;
		v->nplaced++;
	}
	else if (r->op == ARB_TOP_CANCEL)
		L->st.cancels++;
	else if (r->op == ARB_TOP_QUERY || r->op == ARB_TOP_FILLS)
		L->st.queries++;
	arb_debug("%s: %s %s%s%s", v->tv->ex, arb_top_name(r->op), r->lo ? r->lo->cid : "",
	    r->lo ? " " : "", r->q.method);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Results. */

static int64_t
now_us(void)
{
	return arb_wall_us();
}

static void
produced(struct live *L)
{
	L->produced = 1;
}

/* The order ended (or the engine may now settle it): forget it. */
static void
lord_end(struct lord *lo)
{
	lo->o = NULL;
	lo->phase = L_DONE;
}

static int
venue_ts(const struct arb_tres *res)
{
	return res->ts_ms > 0;
}

static void
ack(struct live *L, struct lord *lo, const char *vid, int64_t ts)
{
	struct arb_order *o = lo->o;

	if (o->st == ARB_OS_SENT || o->st == ARB_OS_UNKNOWN) {
		arb_exec_on_ack(L->e, o, vid && *vid ? vid : NULL, ts);
		produced(L);
	} else if (vid && *vid && !o->vid[0])
		arb_exec_on_vid(L->e, o, vid);   /* saved with the next state save */
}

static void
end(struct live *L, struct lord *lo, enum arb_ostate st, const char *reason, int64_t ts)
{
	arb_exec_on_end(L->e, lo->o, st, reason, ts);
	produced(L);
	if (arb_ostate_terminal(st))
		lord_end(lo);
}

static void
schedule_query(struct live *L, struct lord *lo, int64_t after)
{
	if (!has_req(L, lo, ARB_TOP_QUERY))
		queue(L, lo->v, lo, ARB_TOP_QUERY, arb_mono_us() + after);
}

static int64_t
lag(struct live *L, struct lven *v)
{
	return L->c.lag_us > 0 ? L->c.lag_us : v->tv->lag_us;
}

/* How long after it was signed the venue may still accept a request:
 * our receive window, or the venue's own when that is longer. */
static int64_t
accept_window(struct live *L, struct lven *v)
{
	int64_t rw = (int64_t)(L->c.recv_window_ms > 0 ? L->c.recv_window_ms : 5000) * 1000;

	if (L->c.accept_us > 0)
		return L->c.accept_us;
	return (v->tv->accept_ms * 1000 > rw ? v->tv->accept_ms * 1000 : rw) + v->tv->clock_ms * 1000;
}

/* The order is unknown: report it once, then find out by query. */
static void
go_unknown(struct live *L, struct lord *lo, const char *reason, const char *detail)
{
	struct arb_order *o = lo->o;

	if (lo->phase != L_UNKNOWN) {
		lo->phase = L_UNKNOWN;
		lo->give_up = arb_mono_us() + lag(L, lo->v) + accept_window(L, lo->v) + L->c.timeout_us;
		L->st.unknown++;
	}
	/* While stopping, the engine would end the opportunity at once on an
	 * unknown order; finish() reports what is still unresolved at its
	 * end instead. */
	if (o->st != ARB_OS_UNKNOWN && L->finishing)
		arb_warn("%s: %s: order %s unknown (%s): querying it by client order id", lo->v->tv->ex,
		    o->sym, o->cid, detail);
	else if (o->st != ARB_OS_UNKNOWN) {
		arb_warn("%s: %s: order %s unknown (%s): querying it by client order id", lo->v->tv->ex,
		    o->sym, o->cid, detail);
		end(L, lo, ARB_OS_UNKNOWN, reason, now_us());
	}
	schedule_query(L, lo, lag(L, lo->v));
}

/* A venue reject: the order record carries our reason code and the
 * venue's own message (msg). */
static void
reject(struct live *L, struct lord *lo, const struct arb_tres *res, int64_t ts)
{
	snprintf(lo->o->msg, sizeof lo->o->msg, "%s", res->msg);
	end(L, lo, ARB_OS_REJECTED, res->reason[0] ? res->reason : "venue_reject", ts);
}

/*
 * The price of what an aggregate venue's report adds to the last one:
 * what the cumulative quote amount grew by (the venue's, or its average
 * price times the cumulative quantity), divided by the quantity q it
 * grew by, rounded half-even to 12 places when it has more (as
 * arb_tavg rounds an average).  The average of everything executed
 * would price every later part of an order at the mean of all of it.
 * *amt: the cumulative amount, for the next report.  Returns 1 with the
 * price in *px; 0 when the report has no amount (nor an average), or an
 * earlier one had none (this one's amount has no base), *px untouched;
 * -1 when the price cannot be computed exactly or is not above zero,
 * why saying which.
 */
static int
agg_price(const struct lord *lo, const struct arb_tres *res, arb_dec q, arb_dec *px, arb_dec *amt,
    int *has_amt, char *why, size_t whylen)
{
	char a[ARB_DEC_STRMAX], b[ARB_DEC_STRMAX];
	arb_dec da;

	*has_amt = 0;
	if (res->has_amt)
		*amt = res->amt;
	else if (!res->has_avg)
		return 0;
	else if (arb_dec_mul(amt, res->avg_px, res->filled) < 0) {
		arb_dec_fmt(res->avg_px, a);
		arb_dec_fmt(res->filled, b);
		snprintf(why, whylen, "the venue's average price %.70s times its cumulative filled %.70s "
		    "is past 36 decimals", a, b);
		return -1;
	}
	*has_amt = 1;
	if (!(lo->o->vknown & 2))
		return 0;
	arb_dec_fmt(*amt, a);
	arb_dec_fmt(lo->o->vamt, b);
	if (arb_dec_sub(&da, *amt, lo->o->vamt) < 0) {
		snprintf(why, whylen, "the venue's cumulative amount %.70s less the %.70s known is past 36 decimals",
		    a, b);
		return -1;
	}
	if (arb_dec_sign(da) <= 0) {
		snprintf(why, whylen, "the venue's cumulative amount %.70s less the %.70s known is not above 0", a, b);
		return -1;
	}
	if (arb_dec_div(px, da, q, 12, ARB_RND_HALF_EVEN) < 0 || arb_dec_sign(*px) <= 0) {
		arb_dec_fmt(da, a);
		arb_dec_fmt(q, b);
		snprintf(why, whylen, "the venue's amount %.70s for %.70s does not give a price to 12 decimals", a, b);
		return -1;
	}
	*px = arb_dec_trim(*px);
	return 1;
}

/* The venue's totals of a report, as booked: the fee (when fee is set
 * and the report has one) and the amount (without one, a later amount
 * has no base). */
static void
v_seen(struct arb_order *o, const struct arb_tres *res, int fee, arb_dec amt, int has_amt)
{
	if (fee && res->has_fee) {
		o->vfee = res->fee;
		o->vknown |= 1;
	}
	if (has_amt) {
		o->vamt = amt;
		o->vknown |= 2;
	} else
		o->vknown &= ~2;
}

/*
 * A venue without itemised fills reports cumulative amounts: one fill for
 * what executed since the last report, at the price of that part (see
 * agg_price; without an amount or an average, the order's price), its
 * fee what the cumulative fee grew by (without one, the engine's at the
 * order's rate).  A difference that cannot be computed exactly is not
 * guessed: the engine writes what is known of the fill and books none
 * of it.  A cumulative fee that went down is the venue's error: said,
 * and no fee booked for the fill; the most it reported stays the base of
 * the next difference, so a fee is never booked twice.
 */
static void
agg_fill(struct live *L, struct lord *lo, const struct arb_tres *res, int64_t ts)
{
	struct arb_order *o = lo->o;
	arb_dec q, amt, fee = arb_dec_make(0, 0), px = res->has_avg ? res->avg_px : o->px;
	char fccy[ARB_ASSET_MAX], tid[64], why[256], a[ARB_DEC_STRMAX], b[ARB_DEC_STRMAX];
	const char *ccy = NULL;
	int has_amt = 0;

	if (res->has_fee) {
		snprintf(fccy, sizeof fccy, "%s", res->fee_ccy[0] ? res->fee_ccy : o->quote);
		ccy = fccy;
	}
	snprintf(tid, sizeof tid, "%s-%d", res->vid[0] ? res->vid : o->cid, o->nfills + 1);
	if (arb_dec_sub(&q, res->filled, o->filled) < 0) {
		arb_dec_fmt(res->filled, a);
		arb_dec_fmt(o->filled, b);
		snprintf(why, sizeof why, "the venue's cumulative filled %.70s less the %.70s known is past 36 decimals",
		    a, b);
		arb_exec_on_fill_unknown(L->e, o, ARB_FILL_QTY, px, arb_dec_make(0, 0), ccy, tid, ts, why);
	} else if (agg_price(lo, res, q, &px, &amt, &has_amt, why, sizeof why) < 0) {
		arb_exec_on_fill_unknown(L->e, o, ARB_FILL_PX, px, q, ccy, tid, ts, why);
	} else if (res->has_fee && arb_dec_sub(&fee, res->fee, o->vfee) < 0) {
		arb_dec_fmt(res->fee, a);
		arb_dec_fmt(o->vfee, b);
		snprintf(why, sizeof why, "the venue's cumulative fee %.70s less the %.70s booked is past 36 decimals",
		    a, b);
		v_seen(o, res, 1, amt, has_amt);
		arb_exec_on_fill_unknown(L->e, o, ARB_FILL_FEE, px, q, ccy, tid, ts, why);
	} else {
		if (res->has_fee && arb_dec_sign(fee) < 0) {
			arb_dec_fmt(o->vfee, a);
			arb_dec_fmt(res->fee, b);
			arb_warn("%s: %s: order %s: the venue's cumulative fee went down, from %s to %s %s: "
			    "no fee booked for this fill", lo->v->tv->ex, o->sym, o->cid, a, b, ccy);
			fee = arb_dec_make(0, 0);
			v_seen(o, res, 0, amt, has_amt);
		} else
			v_seen(o, res, 1, amt, has_amt);
		arb_exec_on_fill(L->e, o, px, q, fee, ccy, tid, ts);
	}
	produced(L);
	if (arb_ostate_terminal(o->st) || arb_order_gave_up(o))
		lord_end(lo);
}

/* Applies what the venue says about the order: ack, fills, end. */
static void
apply(struct live *L, struct lord *lo, struct arb_tres *res)
{
	struct arb_order *o = lo->o;
	int64_t ts = venue_ts(res) ? res->ts_ms * 1000 : now_us();
	int i, k;

	if (res->st == ARB_OS_REJECTED && (o->st == ARB_OS_SENT || o->st == ARB_OS_UNKNOWN)) {
		reject(L, lo, res, ts);
		return;
	}
	ack(L, lo, res->vid, ts);
	if (!lo->o)
		return;
	if (res->has_filled && arb_dec_cmp(res->filled, o->filled) > 0) {
		if (lo->v->tv->has_fills && res->nfills > 0 && lo->pend == 0 && res->nfills >= o->nfills) {
			/* itemised in the answer: the ones not reported yet */
			for (k = o->nfills, i = k; i < res->nfills && lo->o; i++) {
				struct arb_tfill *f = &res->f[i];
				int64_t fts = f->ts_ms ? f->ts_ms * 1000 : ts;
				arb_exec_on_fill(L->e, o, f->px, f->qty, f->fee,
				    f->fee_ccy[0] ? f->fee_ccy : o->quote, f->tid[0] ? f->tid : NULL, fts);
				produced(L);
				if (arb_ostate_terminal(o->st) || arb_order_gave_up(o))
					lord_end(lo);
			}
		} else if (lo->v->tv->has_fills) {
			/* the trades hold the fees: ask for them, then settle */
			lo->pend = 1;
			lo->pend_st = res->st;
			lo->pend_done = res->done;
			lo->pend_filled = res->filled;
			if (!has_req(L, lo, ARB_TOP_FILLS))
				queue(L, lo->v, lo, ARB_TOP_FILLS, arb_mono_us());
			return;
		} else
			agg_fill(L, lo, res, ts);
	}
	if (!lo->o)
		return;
	if (res->done) {
		if (res->st == ARB_OS_FILLED)
			end(L, lo, ARB_OS_FILLED, "filled", ts);
		else if (res->st == ARB_OS_REJECTED)
			reject(L, lo, res, ts);
		else
			end(L, lo, ARB_OS_CANCELED, o->cancel_req ? NULL : lo->own_cancel ? lo->own_cancel :
			    arb_dec_is_zero(o->filled) ? "ioc_miss" : "ioc_rest", ts);
		return;
	}
	/* still open at the venue (a resting order, or not final yet) */
	lo->phase = L_OPEN;
	if (lo->cancel_wanted && !lo->cancel_sent && (!lo->v->tv->cancel_by_vid || o->vid[0])) {
		lo->cancel_sent = 1;
		queue(L, lo->v, lo, ARB_TOP_CANCEL, arb_mono_us());
	} else
		schedule_query(L, lo, L->c.poll_us);
}

static void
venue_headers(struct live *L, struct lreq *r)
{
	char v[32];

	(void)L;
	if (arb_thdr(r->rhdr.p, "X-MBX-USED-WEIGHT-1M", v, sizeof v) == 0)
		r->v->weight_1m = strtol(v, NULL, 10);
	if (arb_thdr(r->rhdr.p, "X-MBX-ORDER-COUNT-10S", v, sizeof v) == 0)
		r->v->orders_10s = strtol(v, NULL, 10);
	if (arb_thdr(r->rhdr.p, "X-MBX-ORDER-COUNT-1D", v, sizeof v) == 0)
		r->v->orders_1d = strtol(v, NULL, 10);
	/* Binance's documented defaults: 6000 request weight a minute, 100
	 * orders in 10 s.  Close to either, hold new orders back until the
	 * window has passed instead of earning a 429 (and then a ban). */
	if (r->v->weight_1m >= 5700 && r->v->hold_until < arb_mono_us() + 1000) {
		arb_warn("%s: request weight %ld of 6000 this minute: pausing new orders", r->v->tv->ex,
		    r->v->weight_1m);
		r->v->hold_until = arb_mono_us() + (int64_t)(60 - (arb_wall_us() / 1000000) % 60) * 1000000;
	} else if (r->v->orders_10s >= 95 && r->v->hold_until < arb_mono_us() + 1000) {
		arb_warn("%s: %ld orders in 10 s (limit 100): pausing new orders", r->v->tv->ex,
		    r->v->orders_10s);
		r->v->hold_until = arb_mono_us() + (int64_t)(10 - (arb_wall_us() / 1000000) % 10) * 1000000;
	}
}

static void
hold(struct live *L, struct lven *v, int64_t ms)
{
	int64_t until;

	if (ms <= 0)
		ms = 1000;
	until = arb_mono_us() + ms * 1000;
	if (until > v->hold_until)
		v->hold_until = until;
	L->st.rate_limited++;
	arb_warn("%s: rate limited: no new orders for %lld ms (Retry-After)", v->tv->ex, (long long)ms);
}

static void
ban(struct live *L, struct lven *v, const struct arb_tres *res)
{
	char d[128];

	v->banned = 1;
	if (res->retry_after_ms > 0)
		v->hold_until = arb_mono_us() + res->retry_after_ms * 1000;
	snprintf(d, sizeof d, "%s: IP banned (HTTP 418), retry after %lld s: trading stopped",
	    v->tv->ex, (long long)(res->retry_after_ms / 1000));
	arb_err("%s", d);
	if (L->e) {
		arb_exec_kill(L->e, "ip_ban", d);
		produced(L);
	}
}

static void
log_reject(const struct lven *v, const struct arb_order *o, const struct arb_tres *res)
{
	arb_warn("%s: %s: order %s rejected: %s (venue code %s: %s)", v->tv->ex, o->sym, o->cid,
	    res->reason[0] ? res->reason : "venue_reject", res->code[0] ? res->code : "-",
	    res->msg[0] ? res->msg : "no message");
}

/* The venue's balances replace the engine's (they go downstream as
 * balance records at the engine's record time).  The list is the whole
 * account: an asset of this venue that the engine holds and the list
 * leaves out is zero there now (venues omit empty balances). */
static void
balances(struct live *L, struct lven *v, const struct arb_tbal *bal, int n)
{
	struct arb_balances *b = &L->e->bal;
	size_t k;
	int i, nzero = 0;

	for (i = 0; i < n; i++) {
		if (arb_dec_is_zero(bal[i].free) && arb_dec_is_zero(bal[i].locked) &&
		    !arb_bal_get(b, v->tv->ex, bal[i].asset, 0))
			continue;   /* an empty wallet of an asset never held */
		if (arb_bal_set(b, v->tv->ex, bal[i].asset, arb_dec_trim(bal[i].free),
		    arb_dec_trim(bal[i].locked)) == 0)
			L->e->dirty_state = 1;
	}
	for (k = 0; k < b->n; k++) {
		struct arb_bal *e = &b->v[k];
		if (strcmp(e->ex, v->tv->ex) || (arb_dec_is_zero(e->free) && arb_dec_is_zero(e->locked)))
			continue;
		for (i = 0; i < n && strcmp(bal[i].asset, e->asset); i++)
			;
		if (i < n)
			continue;
		if (arb_bal_set(b, e->ex, e->asset, arb_dec_make(0, 0), arb_dec_make(0, 0)) == 0) {
			L->e->dirty_state = 1;
			nzero++;
		}
	}
	if (v->bal_reads++ == 0)
		arb_info("%s: %d balances read from the venue%s", v->tv->ex, n,
		    nzero ? " (others held here are zero there)" : "");
	else
		arb_debug("%s: %d balances read again from the venue, %d gone to zero", v->tv->ex, n, nzero);
	if (n || nzero)
		produced(L);
}

/* Forgets a balance list read in part. */
static void
bal_pages_reset(struct lven *v)
{
	arb_tres_free(&v->bal_acc);
	v->bal_pages = 0;
	v->bal_cursor[0] = 0;
}

/* Is an order of venue v in flight (the venue's balances may not show
 * it yet)? */
static int
venue_busy(struct live *L, struct lven *v)
{
	size_t i;

	for (i = 0; i < L->nord; i++)
		if (L->ord[i]->v == v && lord_alive(L, L->ord[i]))
			return 1;
	return 0;
}

/* "BTC/USDT", "BTC-USDT", "btcusdt" and "BTCUSDT" are the same pair. */
static int
same_pair(const char *venue_sym, const char *base, const char *quote)
{
	char a[ARB_SYM_MAX], b[ARB_SYM_MAX];
	size_t i, k = 0;

	/* "*": every pair; "*" "/USDT": every pair quoted in USDT (OKX) */
	if (venue_sym[0] == '*')
		return !venue_sym[1] || (venue_sym[1] == '/' && strcasecmp(venue_sym + 2, quote) == 0);
	for (i = 0; venue_sym[i] && k + 1 < sizeof a; i++)
		if (isalnum((unsigned char)venue_sym[i]))
			a[k++] = (char)toupper((unsigned char)venue_sym[i]);
	a[k] = 0;
	snprintf(b, sizeof b, "%s%s", base, quote);
	for (i = 0; b[i]; i++)
		b[i] = (char)toupper((unsigned char)b[i]);
	return strcmp(a, b) == 0;
}

/* Sets the engine's taker fee override for (ex, sym) ("" every symbol)
 * among the venues' entries, which follow the user's. */
static void
set_fee(struct live *L, const char *ex, const char *sym, arb_dec rate)
{
	struct arb_exec_conf *c = &L->e->c;
	int i;
	char t[ARB_DEC_STRMAX];

	for (i = L->nfee_user; i < c->nfee; i++)
		if (!strcmp(c->fee[i].ex, ex) && !strcmp(c->fee[i].sym, sym))
			break;
	if (i == c->nfee) {
		if (c->nfee == (int)(sizeof c->fee / sizeof c->fee[0])) {
			arb_warn("%s: %s: no room for the venue's fee rate: the instrument record's is used",
			    ex, sym[0] ? sym : "*");
			return;
		}
		c->nfee++;
	} else if (arb_dec_cmp(c->fee[i].rate, rate) == 0)
		return;
	snprintf(c->fee[i].ex, sizeof c->fee[i].ex, "%s", ex);
	snprintf(c->fee[i].sym, sizeof c->fee[i].sym, "%s", sym);
	c->fee[i].rate = rate;
	arb_tdec(rate, t);
	arb_info("%s: %s: taker fee %s, as the venue says", ex, sym[0] ? sym : "every symbol", t);
}

/* Uses the venue's fee rates for the engine's instruments of that venue
 * (known ones; l_tick calls it again when instruments arrive), unless
 * --taker-fee names the venue. */
static void
fees_apply(struct live *L, struct lven *v)
{
	struct arb_exec *e = L->e;
	size_t i;
	int k;

	if (!e || !v->nfees)
		return;
	for (k = 0; k < L->nfee_user; k++)
		if (!strcmp(e->c.fee[k].ex, v->tv->ex)) {
			if (!v->fee_note++)
				arb_info("%s: --taker-fee given: the venue's fee rates are not used", v->tv->ex);
			return;
		}
	if (v->nfees == 1 && !v->fees[0].sym[0]) {
		set_fee(L, v->tv->ex, "", v->fees[0].taker);
		return;
	}
	for (i = 0; i < e->nins; i++) {
		const struct arb_instr *in = &e->ins[i];
		if (strcmp(in->ex, v->tv->ex))
			continue;
		for (k = 0; k < v->nfees; k++)
			if (same_pair(v->fees[k].sym, in->base, in->quote)) {
				set_fee(L, in->ex, in->sym, v->fees[k].taker);
				break;
			}
	}
}

static int has_venue_req(struct live *L, struct lven *v, int op);

/* A venue that gives the fees of the pairs named (Kraken): asked again
 * whenever the engine learns more instruments of it. */
static void
fees_pairs(struct live *L, struct lven *v)
{
	size_t i, n = 0;

	v->fee_nins = L->e->nins;
	if (!L->c.fees || !v->tv->fee_needs_pairs)
		return;
	for (i = 0; i < L->e->nins; i++)
		if (!strcmp(L->e->ins[i].ex, v->tv->ex))
			n++;
	if (n > v->fee_asked && !has_venue_req(L, v, ARB_TOP_FEES)) {
		v->fee_asked = n;
		queue(L, v, NULL, ARB_TOP_FEES, 0);
	}
}

/*
 * The venue's fee rates: one rate for every pair when they agree.  A
 * taker rate that is no fraction from 0 to below 1 (a rebate, or a
 * percentage where a fraction belongs) is not used, as --taker-fee and
 * an instrument record's would not be: the rate in force for its pairs
 * stays, the instrument record's unless the venue gave a usable one
 * before.
 */
static void
fees_read(struct live *L, struct lven *v, const struct arb_tres *res)
{
	char t[ARB_DEC_STRMAX], note[sizeof v->fee_bad];
	int i, n = 0, same = 1, bad = 0;

	free(v->fees);
	v->fees = xcalloc((size_t)(res->nfee > 0 ? res->nfee : 1), sizeof *v->fees);
	for (i = 0; i < res->nfee; i++) {
		const struct arb_tfee *f = &res->fees[i];
		if (arb_exec_fee_rate_ok(f->taker)) {
			v->fees[n++] = *f;
			continue;
		}
		bad = 1;
		arb_dec_fmt(f->taker, t);
		snprintf(note, sizeof note, "%s %s", f->sym, t);
		if (strcmp(note, v->fee_bad))
			arb_warn("%s: %s: the venue's taker fee %s is not a fraction from 0 to below 1: not used "
			    "(the rate in force stays)", v->tv->ex, f->sym[0] ? f->sym : "every symbol", t);
		snprintf(v->fee_bad, sizeof v->fee_bad, "%s", note);
	}
	for (i = 1; i < n; i++)
		if (arb_dec_cmp(v->fees[i].taker, v->fees[0].taker))
			same = 0;
	if (!bad)
		v->fee_bad[0] = 0;   /* the next unusable one is said again */
	/* one for all only when none was left out: those keep theirs */
	v->nfees = n && same && !bad ? 1 : n;
	if (n && same && !bad)
		v->fees[0].sym[0] = 0;
	arb_debug("%s: %d fee rate(s) read from the venue", v->tv->ex, res->nfee);
	fees_apply(L, v);
}

static int
certainly_not_sent(CURLcode cc)
{
	return cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT ||
	    cc == CURLE_COULDNT_RESOLVE_PROXY ||
	    cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_PEER_FAILED_VERIFICATION ||
	    cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_UNSUPPORTED_PROTOCOL ||
	    cc == CURLE_URL_MALFORMAT;
}

/* Do the trades add up to what the order query said executed?  (The
 * trade list may lag the order.) */
static int
trades_cover(const struct arb_tres *res, arb_dec filled)
{
	arb_dec sum = arb_dec_make(0, 0), t;
	int i;

	for (i = 0; i < res->nfills; i++)
		if (arb_dec_add(&t, sum, res->f[i].qty) == 0)
			sum = t;
	return arb_dec_cmp(sum, filled) >= 0;
}

static void
complete(struct live *L, struct lreq *r, CURLcode cc, const char *buildwhy)
{
	struct lven *v = r->v;
	struct lord *lo = r->lo;
	struct arb_order *o = lo && lord_alive(L, lo) ? lo->o : NULL;
	struct arb_tres *res = xcalloc(1, sizeof *res);
	long http = 0;
	char detail[200];

	arb_tres_init(res);
	if (r->h && cc == CURLE_OK)
		curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &http);
	if (buildwhy) {
		res->kind = ARB_TR_REJECTED;
		snprintf(res->reason, sizeof res->reason, "request");
		arb_tmsg(res->msg, sizeof res->msg, buildwhy, strlen(buildwhy));
	} else if (cc != CURLE_OK) {
		long tunnel = 0;
		if (r->h && r->via)
			curl_easy_getinfo(r->h, CURLINFO_HTTP_CONNECTCODE, &tunnel);
		/* the proxy refused the tunnel: nothing reached the venue */
		r->refused = tunnel && tunnel / 100 != 2;
		res->kind = ARB_TR_UNKNOWN;
		snprintf(res->reason, sizeof res->reason, cc == CURLE_OPERATION_TIMEDOUT ? "timeout" :
		    certainly_not_sent(cc) || r->refused ? "connect" : "connection");
		if (r->refused)
			snprintf(res->msg, sizeof res->msg, "the proxy %.100s refused the tunnel: HTTP %ld",
			    L->px_shown, tunnel);
		else if (r->via)
			snprintf(res->msg, sizeof res->msg, "via the proxy %.70s: %.70s", L->px_shown,
			    r->err[0] ? r->err : curl_easy_strerror(cc));
		else
			snprintf(res->msg, sizeof res->msg, "%.150s", r->err[0] ? r->err : curl_easy_strerror(cc));
	} else if (v->tv->verify && http >= 200 && http < 300 && v->tv->verify(&v->k, &r->q,
	    r->rhdr.p, r->resp.p ? r->resp.p : "", r->resp.len) < 0) {
		/* not the venue's answer (or altered on the way): as if none
		 * came; an order is then unknown and queried */
		res->kind = ARB_TR_UNKNOWN;
		snprintf(res->reason, sizeof res->reason, "bad_signature");
		snprintf(res->msg, sizeof res->msg, "the answer's signature does not verify");
	} else {
		venue_headers(L, r);
		arb_tparse(v->tv, r->op, http, r->rhdr.p, r->resp.p ? r->resp.p : "", r->resp.len,
		    o, res);
	}
	snprintf(detail, sizeof detail, "%s%s%s", res->reason, res->msg[0] ? ": " : "", res->msg);

	if (r->op == ARB_TOP_TIME) {
		if (res->kind == ARB_TR_OK) {
			v->offset_ms = res->server_ms - arb_wall_us() / 1000;
			/* a clock in whole seconds (Kraken) cannot tell a smaller offset */
			if (res->server_ms % 1000 == 0 && v->offset_ms > -1000 && v->offset_ms < 1000)
				v->offset_ms = 0;
			v->time_state = 2;
			arb_info("%s: clock offset %lld ms", v->tv->ex, (long long)v->offset_ms);
		} else {
			v->time_state = 3;
			arb_warn("%s: server time not read (%s): using the local clock", v->tv->ex, detail);
		}
		goto out;
	}
	if ((r->op == ARB_TOP_FEES || r->op == ARB_TOP_BALANCES) && res->kind == ARB_TR_OK && res->nfee &&
	    L->c.fees)
		fees_read(L, v, res);
	else if (r->op == ARB_TOP_FEES) {
		arb_warn("%s: fee rates not read (%s): the instrument records' are used", v->tv->ex,
		    res->kind == ARB_TR_OK ? "none in the answer" : detail);
		goto out;
	}
	if (r->op == ARB_TOP_FEES)
		goto out;
	if (r->op == ARB_TOP_BALANCES) {
		const struct arb_tbal *bl = res->bal;
		int nb = res->nbal;
		if (res->kind == ARB_TR_OK && (v->bal_pages || res->cursor[0])) {
			/* one page of several: keep it; the list is used whole */
			for (int i = 0; i < res->nbal; i++)
				if (arb_tres_balroom(&v->bal_acc) == 0)
					v->bal_acc.bal[v->bal_acc.nbal++] = res->bal[i];
			if (v->bal_pages++ == 0)
				v->bal_seq = r->seq;
			if (v->bal_acc.cut || (res->cursor[0] && (v->bal_pages >= ARB_LIVE_BAL_PAGES ||
			    strlen(res->cursor) >= sizeof v->bal_cursor))) {
				arb_warn("%s: balances not read (more than %d pages or %d entries)",
				    v->tv->ex, ARB_LIVE_BAL_PAGES, ARB_TLIST_MAX);
				bal_pages_reset(v);
				goto out;
			}
			if (res->cursor[0]) {
				snprintf(v->bal_cursor, sizeof v->bal_cursor, "%s", res->cursor);
				queue(L, v, NULL, ARB_TOP_BALANCES, 0);
				goto out;
			}
			r->seq = v->bal_seq;
			bl = v->bal_acc.bal;
			nb = v->bal_acc.nbal;
		}
		if (res->kind == ARB_TR_OK && L->e && v->bal_reads > 0 &&
		    (r->seq != v->nplaced || venue_busy(L, v)))
			/* a refresh that crossed an order: the venue's answer may
			 * or may not count it; the engine's own books do */
			arb_debug("%s: balances read while an order was in flight: not used", v->tv->ex);
		else if (res->kind == ARB_TR_OK && L->e)
			balances(L, v, bl, nb);
		else
			arb_warn("%s: balances not read (%s)", v->tv->ex, detail);
		bal_pages_reset(v);
		goto out;
	}
	if (res->kind == ARB_TR_BAN)
		ban(L, v, res);
	else if (res->kind == ARB_TR_RATE)
		hold(L, v, res->retry_after_ms);
	if (res->kind == ARB_TR_REJECTED && !strcmp(res->reason, "timestamp"))
		v->time_state = 0;   /* measure the offset again */
	if (!o || lo->phase == L_DONE)
		goto out;            /* the order ended meanwhile */

	switch (r->op) {
	case ARB_TOP_PLACE:
		switch (res->kind) {
		case ARB_TR_OK:
			apply(L, lo, res);
			break;
		case ARB_TR_REJECTED:
			if (buildwhy || cc == CURLE_OK) {
				log_reject(v, o, res);
				L->st.rejected++;
				reject(L, lo, res, now_us());
				break;
			}
			go_unknown(L, lo, res->reason, detail);
			break;
		case ARB_TR_RATE:
			/* refused by the rate limiter: not executed.  Again after
			 * Retry-After, once, unless the engine gave up on it */
			if (lo->place_tries < 2 && !o->cancel_req && !L->e->risk.killed) {
				L->st.retries++;
				lo->place_tries++;
				queue(L, v, lo, ARB_TOP_PLACE, v->hold_until);
			} else {
				log_reject(v, o, res);
				end(L, lo, ARB_OS_REJECTED, "rate_limit", now_us());
			}
			break;
		case ARB_TR_BAN:
			end(L, lo, ARB_OS_REJECTED, "ip_ban", now_us());
			break;
		case ARB_TR_NOTFOUND:
		case ARB_TR_UNKNOWN:
			if (cc != CURLE_OK && (certainly_not_sent(cc) || r->refused)) {
				arb_warn("%s: %s: order %s not sent (%s)", v->tv->ex, o->sym, o->cid, detail);
				end(L, lo, ARB_OS_REJECTED, "connect", now_us());
			} else
				go_unknown(L, lo, res->reason, detail);
			break;
		}
		break;
	case ARB_TOP_QUERY:
	case ARB_TOP_CANCEL:
		if (r->op == ARB_TOP_QUERY) {
			/* a list read page by page (Coinbase): the next page
			 * at once, at most 50 of them for one query */
			if (res->kind == ARB_TR_UNKNOWN && res->cursor[0] && lo->npages < 50 &&
			    strlen(res->cursor) < sizeof lo->cursor) {
				snprintf(lo->cursor, sizeof lo->cursor, "%s", res->cursor);
				lo->npages++;
				queue(L, v, lo, ARB_TOP_QUERY, 0);
				break;
			}
			lo->cursor[0] = 0;
			lo->npages = 0;
		}
		switch (res->kind) {
		case ARB_TR_OK:
			if (lo->phase == L_UNKNOWN)
				L->st.resolved++;
			apply(L, lo, res);
			break;
		case ARB_TR_NOTFOUND:
			if (r->op == ARB_TOP_CANCEL) {
				/* gone already (filled or expired): what became of it? */
				schedule_query(L, lo, 0);
			} else if (lo->phase == L_OPEN && (o->st == ARB_OS_ACKED || o->st == ARB_OS_PARTIAL)) {
				/* the venue took it but does not show it yet (its lag) */
				if (++lo->nquery >= L->c.max_queries) {
					arb_err("%s: %s: order %s was accepted but queries do not find it: left unknown",
					    v->tv->ex, o->sym, o->cid);
					end(L, lo, ARB_OS_UNKNOWN, "not_found", now_us());
					lo->phase = L_DONE;
					lo->o = NULL;
				} else
					schedule_query(L, lo, L->c.poll_us);
			} else if (arb_mono_us() >= lo->give_up) {
				arb_warn("%s: %s: order %s is not at the venue and can no longer arrive: "
				    "not placed", v->tv->ex, o->sym, o->cid);
				L->st.resolved++;
				end(L, lo, ARB_OS_REJECTED, "not_placed", now_us());
			} else {
				if (lo->phase != L_UNKNOWN)
					go_unknown(L, lo, "not_found", "not found yet");
				else
					schedule_query(L, lo, L->c.poll_us);
			}
			break;
		case ARB_TR_RATE:
		case ARB_TR_BAN:
		case ARB_TR_UNKNOWN:
		case ARB_TR_REJECTED:
			/* queries without an answer (not "not found") */
			if (++lo->nquery >= L->c.max_queries) {
				arb_err("%s: %s: order %s: %d queries without an answer (%s): left unknown",
				    v->tv->ex, o->sym, o->cid, lo->nquery, detail);
				if (o->st != ARB_OS_UNKNOWN)
					end(L, lo, ARB_OS_UNKNOWN, res->reason, now_us());
				lo->phase = L_DONE;   /* stays unknown: exit status 1 */
				lo->o = NULL;
				break;
			}
			if (r->op == ARB_TOP_CANCEL && res->kind == ARB_TR_REJECTED)
				arb_warn("%s: %s: cancel of %s refused (%s)", v->tv->ex, o->sym, o->cid, detail);
			schedule_query(L, lo, res->kind == ARB_TR_RATE || res->kind == ARB_TR_BAN ?
			    res->retry_after_ms * 1000 + 1000 : L->c.poll_us);
			break;
		}
		break;
	case ARB_TOP_FILLS:
		if (res->kind == ARB_TR_OK && lo->pend && trades_cover(res, lo->pend_filled)) {
			struct arb_tres *q = res;
			lo->pend = 0;
			q->st = lo->pend_st;
			q->done = lo->pend_done;
			q->has_filled = 1;
			q->filled = lo->pend_filled;
			snprintf(q->vid, sizeof q->vid, "%s", o->vid);
			apply(L, lo, q);
		} else if (lo->nquery++ < L->c.max_queries) {
			queue(L, v, lo, ARB_TOP_FILLS, arb_mono_us() + L->c.poll_us);
		} else {
			arb_err("%s: order %s: trades not readable (%s): left unknown", v->tv->ex, o->cid, detail);
			if (o->st != ARB_OS_UNKNOWN)
				end(L, lo, ARB_OS_UNKNOWN, "fills", now_us());
			lord_end(lo);
		}
		break;
	}
out:
	arb_tres_free(res);
	free(res);
}

/* A signed request to v is under way. */
static int
nonce_in_flight(const struct live *L, const struct lven *v)
{
	const struct lreq *r;

	for (r = L->q; r; r = r->next)
		if (r->started && r->v == v && r->op != ARB_TOP_TIME)
			return 1;
	return 0;
}

/* Starts what is due; venues on hold or banned refuse new orders. */
static void
start_due(struct live *L)
{
	struct lreq **pp = &L->q, *r;
	int64_t now = arb_mono_us();
	char why[256];

	while ((r = *pp)) {
		if (r->started || r->due > now) {
			pp = &r->next;
			continue;
		}
		if (r->lo && !lord_alive(L, r->lo)) {
			*pp = r->next;
			req_free(r);
			continue;
		}
		if (r->op != ARB_TOP_TIME && r->v->time_state == 1 && r->op != ARB_TOP_PLACE) {
			/* signed: after the clock offset is known (look again in
			 * 5 ms rather than spin) */
			r->due = now + 5000;
			pp = &r->next;
			continue;
		}
		if (r->v->banned || (r->v->hold_until > now && r->op == ARB_TOP_PLACE &&
		    r->lo && r->lo->place_tries == 0)) {
			struct lord *lo = r->lo;
			int op = r->op;
			*pp = r->next;
			req_free(r);
			if (lo && lo->o && op == ARB_TOP_PLACE) {
				arb_warn("%s: %s: order %s not sent: %s", lo->v->tv->ex, lo->o->sym, lo->o->cid,
				    lo->v->banned ? "IP banned" : "rate limit back-off");
				end(L, lo, ARB_OS_REJECTED, lo->v->banned ? "ip_ban" : "rate_limit", now_us());
			}
			continue;
		}
		if (r->v->hold_until > now) {
			r->due = r->v->hold_until;
			pp = &r->next;
			continue;
		}
		if (r->op != ARB_TOP_TIME && r->v->tv->nonce_ordered && nonce_in_flight(L, r->v)) {
			/* after the one in flight: a later nonce that overtook
			 * it would make the venue refuse the earlier one; due
			 * again when it ends (reap), or in 1 ms, not spinning */
			r->held = 1;
			r->due = now + 1000;
			pp = &r->next;
			continue;
		}
		r->held = 0;
		if (start(L, r, why, sizeof why) < 0) {
			*pp = r->next;
			complete(L, r, CURLE_OK, why);
			req_free(r);
			continue;
		}
		pp = &r->next;
	}
}

static void
reap(struct live *L)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(L->m, &left))) {
		struct lreq *r = NULL, **pp;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (!r)
			continue;
		CURLcode cc = msg->data.result;
		for (pp = &L->q; *pp && *pp != r; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = r->next;
		if (r->v->tv->nonce_ordered) {
			struct lreq *w;
			for (w = L->q; w; w = w->next)
				if (w->held && w->v == r->v)
					w->due = arb_mono_us();
		}
		complete(L, r, cc, NULL);
		req_free(r);
	}
}

static int
has_venue_req(struct live *L, struct lven *v, int op)
{
	struct lreq *r;

	for (r = L->q; r; r = r->next)
		if (r->v == v && r->op == op)
			return 1;
	return 0;
}

/* Balances again every balances_every_us, at a quiet moment for the
 * venue (no order of it in flight), so that what the engine trades with
 * follows deposits, withdrawals and trades made elsewhere. */
static void
refresh_balances(struct live *L, struct lven *v)
{
	int64_t now = arb_mono_us();

	if (!L->c.balances || L->c.balances_every_us <= 0 || !L->e || L->finishing || v->banned)
		return;
	if (!v->next_bal) {
		v->next_bal = now + L->c.balances_every_us;
		return;
	}
	if (now < v->next_bal || has_venue_req(L, v, ARB_TOP_BALANCES) || venue_busy(L, v))
		return;
	v->next_bal = now + L->c.balances_every_us;
	queue(L, v, NULL, ARB_TOP_BALANCES, 0);
}

/* Non-blocking: start what is due, move transfers on, act on answers. */
static void
pump(struct live *L)
{
	int running, rounds;

	if (L->in_pump)
		return;
	L->in_pump = 1;
	for (rounds = 0; rounds < 8; rounds++) {
		struct lreq *r;
		int fresh = 0;
		start_due(L);
		curl_multi_perform(L->m, &running);
		reap(L);
		for (r = L->q; r; r = r->next)
			if (!r->started && r->due <= arb_mono_us())
				fresh = 1;
		if (!fresh)
			break;
	}
	lord_gc(L);
	if (L->started)
		for (rounds = 0; rounds < L->nv; rounds++) {
			struct lven *v = &L->v[rounds];
			if (v->time_state == 0) {
				v->time_state = 1;
				queue(L, v, NULL, ARB_TOP_TIME, 0);
			}
			refresh_balances(L, v);
		}
	L->last_pump = arb_mono_us();
	L->in_pump = 0;
	if (L->produced) {
		L->produced = 0;
		if (L->e) {
			arb_bal_emit_dirty(&L->e->bal, L->e->now ? L->e->now : now_us(), &L->e->out);
			/* outside arb_exec_record: the engine's own settling (state
			 * file, ended opportunities); inside, the engine does it */
			if (!L->in_tick)
				arb_exec_settle(L->e);
		}
		if (L->outfn)
			L->outfn(L->outarg);
	}
}

/* The first pump: clock offsets (and balances) for every venue. */
static void
startup(struct live *L)
{
	int i;

	if (L->started)
		return;
	L->started = 1;
	for (i = 0; i < L->nv; i++) {
		L->v[i].time_state = 1;
		queue(L, &L->v[i], NULL, ARB_TOP_TIME, 0);
		if (L->c.balances)
			queue(L, &L->v[i], NULL, ARB_TOP_BALANCES, 0);
		if (L->c.fees && L->v[i].tv->has_fee_op && !L->v[i].tv->fee_needs_pairs)
			queue(L, &L->v[i], NULL, ARB_TOP_FEES, 0);
	}
}

static int64_t
next_due(struct live *L)
{
	struct lreq *r;
	int64_t t = 0;

	int i;

	for (r = L->q; r; r = r->next)
		if (!r->started && (!t || r->due < t))
			t = r->due;
	/* the next balance refresh (one already due waits for an answer
	 * to come in, never spins) */
	for (i = 0; i < L->nv; i++)
		if (L->c.balances_every_us > 0 && L->v[i].next_bal > arb_mono_us() &&
		    (!t || L->v[i].next_bal < t))
			t = L->v[i].next_bal;
	return t;
}

int
arb_live_wait(void *ctx, int fd, int timeout_ms)
{
	struct live *L = ctx;
	int64_t deadline = arb_mono_us() + (int64_t)timeout_ms * 1000;

	startup(L);
	for (;;) {
		/* the input and the signal self-pipe (sig.h), those there are:
		 * a stop request or kill switch that lands after the look
		 * below ends the wait */
		struct curl_waitfd w[2];
		int nw = 0, in = -1, sig = -1;
		int64_t now, t, nd;
		long ct = -1;
		int nfds = 0;

		pump(L);
		now = arb_mono_us();
		t = deadline - now;
		nd = next_due(L);
		if (nd && nd - now < t)
			t = nd - now;
		if (curl_multi_timeout(L->m, &ct) == CURLM_OK && ct >= 0 && ct * 1000 < t)
			t = ct * 1000;
		if (t < 0)
			t = 0;
		if (fd >= 0)
			w[in = nw++] = (struct curl_waitfd){ .fd = fd, .events = CURL_WAIT_POLLIN };
		if (arb_sig_fd() >= 0)
			w[sig = nw++] = (struct curl_waitfd){ .fd = arb_sig_fd(), .events = CURL_WAIT_POLLIN };
		if (curl_multi_poll(L->m, nw ? w : NULL, (unsigned)nw, (int)((t + 999) / 1000), &nfds) != CURLM_OK)
			return -1;
		if (sig >= 0 && (w[sig].revents & POLLIN))
			arb_sig_drain();
		if (in >= 0 && (w[in].revents & (POLLIN | POLLHUP | POLLERR))) {
			pump(L);
			return 1;
		}
		if (arb_mono_us() >= deadline || arb_sig_stop || arb_sig_usr1) {
			pump(L);
			return 0;
		}
	}
}

/* Is anything about an order still going on? */
static int
busy_orders(struct live *L)
{
	size_t i;
	int n = 0;

	for (i = 0; i < L->nord; i++)
		if (lord_alive(L, L->ord[i]))
			n++;
	return n;
}

static int
busy_setup(struct live *L)
{
	struct lreq *r;

	for (r = L->q; r; r = r->next)
		if (r->op == ARB_TOP_TIME || r->op == ARB_TOP_BALANCES || r->op == ARB_TOP_FEES)
			return 1;
	return 0;
}

int
arb_live_reconcile(struct arb_xport *x)
{
	struct live *L = x->ctx;
	int64_t until = arb_mono_us() + L->c.settle_us;

	startup(L);
	while ((busy_orders(L) || busy_setup(L)) && arb_mono_us() < until && !arb_sig_stop)
		(void)arb_live_wait(L, -1, 100);
	if (busy_orders(L))
		arb_warn("%d order(s) not reconciled with the venues yet", busy_orders(L));
	return busy_orders(L);
}

int
arb_live_pending(struct arb_xport *x)
{
	struct live *L = x->ctx;
	struct lreq *r;
	int n = 0;

	for (r = L->q; r; r = r->next)
		n++;
	return n;
}

void
arb_live_stats(struct arb_xport *x, struct arb_live_stats *s)
{
	*s = ((struct live *)x->ctx)->st;
}

/* ------------------------------------------------------------------ */
/* The transport functions. */

static int
l_send(void *ctx, struct arb_order *o, int64_t now)
{
	struct live *L = ctx;
	struct lven *v = venue_of(L, o->ex);
	struct lord *lo;

	(void)now;
	if (!v) {
		arb_warn("%s: order %s: no credentials loaded for this venue", o->ex, o->cid);
		return -1;
	}
	lo = lord_new(L, o, v);
	lo->phase = L_PLACING;
	queue(L, v, lo, ARB_TOP_PLACE, 0);
	return 0;
}

static int
l_cancel(void *ctx, struct arb_order *o, int64_t now)
{
	struct live *L = ctx;
	struct lord *lo = lord_find(L, o);

	(void)now;
	if (!lo || lo->phase == L_DONE)
		return 0;
	lo->cancel_wanted = 1;
	if (lo->phase == L_OPEN && !lo->cancel_sent) {
		if (lo->v->tv->cancel_by_vid && !o->vid[0]) {
			/* the venue cancels by its own order id: learn it first
			 * (apply() sends the cancel once the query answered) */
			schedule_query(L, lo, 0);
			return 0;
		}
		lo->cancel_sent = 1;
		queue(L, lo->v, lo, ARB_TOP_CANCEL, 0);
	}
	return 0;
}

static void
l_resume(void *ctx, struct arb_order *o, int64_t now)
{
	struct live *L = ctx;
	struct lven *v = venue_of(L, o->ex);
	struct lord *lo;

	(void)now;
	if (!v) {
		arb_warn("%s: order %s from the state file: no credentials for this venue: left %s",
		    o->ex, o->cid, arb_ostate_name(o->st));
		return;
	}
	lo = lord_new(L, o, v);
	lo->resumed = 1;
	/* an order partly filled before: the venue's totals booked then come
	 * from the state file (vfee, vamt); one written by an arb-exec before
	 * them has none, and a report's new part cannot be told: its amount
	 * is priced at the venue's average, its fee taken whole */
	if (!arb_dec_is_zero(o->filled) && !(o->vknown & 1))
		arb_warn("%s: %s: order %s from the state file: the fee booked for it before is not "
		    "known (a state file of an older arb-exec): a total fee the venue reports is booked "
		    "whole", v->tv->ex, o->sym, o->cid);
	lo->phase = L_UNKNOWN;
	lo->cancel_wanted = o->cancel_req;
	/* the request of the previous run is dead; the venue can only still
	 * accept it within its receive window */
	lo->give_up = arb_mono_us() + lag(L, v) + accept_window(L, v);
	arb_log(ARB_LOG_NOTICE, "%s: %s: order %s from the state file (%s): querying it", v->tv->ex, o->sym, o->cid,
	    arb_ostate_name(o->st));
	queue(L, v, lo, ARB_TOP_QUERY, 0);
}

static void
l_tick(void *ctx, int64_t now)
{
	struct live *L = ctx;
	int k;

	(void)now;
	if (!L->started)
		startup(L);
	if (L->e)
		for (k = 0; k < L->nv; k++)
			if (L->v[k].fee_nins != L->e->nins) {
				fees_pairs(L, &L->v[k]);
				if (L->v[k].nfees > 1)
					fees_apply(L, &L->v[k]);
			}
	/* cheap when nothing is going on: new requests go out at once,
	 * running ones are moved on at most once a millisecond */
	if (L->q) {
		struct lreq *r;
		int fresh = 0;
		for (r = L->q; r && !fresh; r = r->next)
			fresh = !r->started && r->due <= arb_mono_us();
		if (fresh || arb_mono_us() - L->last_pump >= 1000) {
			L->in_tick = 1;
			pump(L);
			L->in_tick = 0;
		}
	}
}

static void
l_finish(void *ctx, int64_t now, int cancel)
{
	struct live *L = ctx;
	int64_t until = arb_mono_us() + L->c.settle_us;
	size_t i;

	(void)now;
	L->finishing = 1;
	/* answers in flight are awaited; an order resting at the venue (or,
	 * with cancel, any order) is canceled: nothing stays open at a venue
	 * once the program is gone */
	while (busy_orders(L) && arb_mono_us() < until) {
		for (i = 0; i < L->nord; i++) {
			struct lord *lo = L->ord[i];
			if (!lord_alive(L, lo) || lo->cancel_wanted)
				continue;
			if (cancel || lo->phase == L_OPEN) {
				lo->own_cancel = cancel ? "stop" : "eof";
				l_cancel(L, lo->o, now);
			}
		}
		(void)arb_live_wait(L, -1, 100);
	}
	/* the engine settles the rest (unknown): drop every reference */
	for (i = 0; i < L->nord; i++)
		if (L->ord[i]->o) {
			arb_warn("%s: order %s: no final answer from the venue before stopping",
			    L->ord[i]->v->tv->ex, L->ord[i]->cid);
			lord_end(L->ord[i]);
		}
	L->finishing = 0;
}

static void
l_free(void *ctx)
{
	struct live *L = ctx;
	struct lreq *r;
	size_t i;
	int k;

	while ((r = L->q)) {
		L->q = r->next;
		req_free(r);
	}
	for (i = 0; i < L->nord; i++)
		free(L->ord[i]);
	free(L->ord);
	for (k = 0; k < L->nv; k++) {
		arb_cred_free(&L->v[k].key);
		arb_cred_free(&L->v[k].secret);
		arb_cred_free(&L->v[k].pass);
		free(L->v[k].fees);
		arb_tres_free(&L->v[k].bal_acc);
	}
	if (L->m)
		curl_multi_cleanup(L->m);
	curl_global_cleanup();
	if (L->px_url) {
		arb_wipe(L->px_url, strlen(L->px_url));
		free(L->px_url);
	}
	arb_wipe(L, sizeof *L);
	free(L);
}

static int
load(struct arb_cred *c, const char *name, char *why, size_t whylen)
{
	char w[512];
	int rc = arb_cred_read(name, c, w, sizeof w);

	if (rc == 0 && c->len == 0) {
		snprintf(why, whylen, "credential %s is empty (%s)", name, c->src);
		arb_cred_free(c);
		return -1;
	}
	if (rc != 0) {
		snprintf(why, whylen, "credential %s: %s", name, w);
		return -1;
	}
	return 0;
}

struct arb_xport *
arb_live_new(const struct arb_live_conf *c, const char *const *venues, char *why, size_t whylen)
{
	struct live *L;
	int i;

	if (!venues || !venues[0]) {
		snprintf(why, whylen, "no venue to trade on");
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, whylen, "curl_global_init failed");
		return NULL;
	}
	L = xcalloc(1, sizeof *L);
	L->c = *c;
	if (proxy_setup(L, why, whylen) < 0)
		goto fail;
	for (i = 0; venues[i]; i++) {
		const struct arb_tvenue *tv = arb_tvenue(venues[i]);
		const char *base;
		struct lven *v;
		int k;

		for (k = 0; k < L->nv; k++)
			if (!strcmp(L->v[k].tv->ex, venues[i]))
				break;
		if (k < L->nv)
			continue;
		if (!tv) {
			snprintf(why, whylen, "%s: live trading is not supported on this venue", venues[i]);
			goto fail;
		}
		if (L->nv == ARB_LIVE_NVENUE)
			break;
		if (!(base = arb_live_base(c, tv->ex))) {
			snprintf(why, whylen, "%s: --testnet: the venue has no documented test environment; "
			    "give --endpoint %s=URL or trade it without --testnet", tv->ex, tv->ex);
			goto fail;
		}
		v = &L->v[L->nv++];
		v->tv = tv;
		snprintf(v->base, sizeof v->base, "%s", base);
		if (load(&v->key, tv->cred_key, why, whylen) < 0 ||
		    load(&v->secret, tv->cred_secret, why, whylen) < 0 ||
		    (tv->cred_pass && load(&v->pass, tv->cred_pass, why, whylen) < 0))
			goto fail;
		v->k.key = v->key.v;
		v->k.secret = v->secret.v;
		v->k.pass = tv->cred_pass ? v->pass.v : NULL;
	}
	if (!(L->m = curl_multi_init())) {
		snprintf(why, whylen, "curl_multi_init failed");
		goto fail;
	}
	L->x.name = "live";
	L->x.mode = "live";
	L->x.ctx = L;
	L->x.send = l_send;
	L->x.cancel = l_cancel;
	L->x.resume = l_resume;
	L->x.record = NULL;
	L->x.tick = l_tick;
	L->x.finish = l_finish;
	L->x.free = l_free;
	return &L->x;
fail:
	l_free(L);
	return NULL;
}

void
arb_live_attach(struct arb_xport *x, struct arb_exec *e)
{
	struct live *L = x->ctx;

	L->e = e;
	L->nfee_user = e->c.nfee;
}

void
arb_live_on_output(struct arb_xport *x, void (*fn)(void *), void *arg)
{
	struct live *L = x->ctx;

	L->outfn = fn;
	L->outarg = arg;
}
