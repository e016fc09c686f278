#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "clock.h"
#include "cred.h"
#include "log.h"
#include "sig.h"
#include "proxy.h"
#include "util.h"
#include "ws.h"
#include "metrics.h"
#include "notify.h"

/*
 * The live transport.  One libwebsockets context runs the only event loop:
 * one WebSocket connection per venue, and libcurl's multi interface for
 * REST (metadata, book snapshots) driven from the same loop by its socket
 * and timer callbacks: each socket libcurl opens is watched by lws (a
 * duplicate of it adopted as a raw descriptor), and libcurl's timeout is
 * an lws timer.  Host names are resolved by libcurl too (its resolver
 * thread), so that lws, which would resolve inside the loop, only ever
 * connects to an address.  Timers of the loop also send the
 * venues' pings, find silent connections (stale) and reconnect with
 * exponential backoff and jitter.  Frames and bodies go to the venue code
 * exactly as in replay, and with --record to a file in the recording format
 * of arb-feed(1).
 *
 * An HTTP proxy (https_proxy, see "proxy" below) carries both the REST
 * requests and the WebSockets, or neither, host by host as no_proxy says:
 * arb-feed decides once and tells libcurl (CURLOPT_PROXY) and lws (a second
 * vhost with lws_set_proxy) explicitly, so that neither reads the
 * environment by its own rules.  Through a proxy the venue's name goes in
 * the CONNECT request and the proxy resolves it; only the proxy's own name
 * is resolved here.
 */

struct conn {
	struct live *L;
	struct arb_venue *v;
	struct lws *wsi;
	char url[2048];
	char host[256], path[2048]; /* of url, for lws (kept while connecting) */
	int up;                     /* handshake done */
	int closing;                /* close at the next writable */
	int attempt;                /* reconnects since the last good one */
	int meta_wait;              /* metadata requests still in flight */
	int64_t t_open;             /* monotonic us of the handshake */
	int64_t last_rx;            /* monotonic us of the last frame */
	int64_t last_ping;
	int64_t stale_after;
	int port;
	int resolving;              /* its host name is being resolved */
	char addr[64];              /* ...to this address (kept while connecting) */
	int via;                    /* through the proxy (addr is the proxy's) */
	struct arb_buf rx;          /* fragments of the current message */
	struct arb_buf txq;         /* frames to send, one per line */
	size_t txoff;
	lws_sorted_usec_list_t sul_reconnect;
};

struct req {
	struct req *next, *prev;    /* in flight, for the cleanup at exit */
	CURL *c;
	struct live *L;
	struct arb_venue *v;
	struct arb_fbook *fb;       /* snapshot of this book, or NULL (metadata) */
	char *url;
	struct arb_buf body;
	int tries;
	struct conn *resolve;       /* a name resolution for this connection */
	char ip4[64], ip6[64];      /* ...its answers */
	int via;                    /* through the proxy */
};

/* A socket of libcurl watched by the loop.  lws polls a dup() of it (lws
 * closes what it adopted; libcurl closes its own). */
struct csock {
	struct csock *next;
	struct live *L;
	curl_socket_t fd;
	struct lws *wsi;            /* NULL once lws has let it go */
	int what;                   /* CURL_POLL_IN/OUT wanted */
};

struct live {
	struct arb_feed *f;
	const struct arb_ws_opt *o;
	struct lws_context *ctx;
	CURLM *multi;
	int running;
	struct conn conns[8];
	int nconns;
	FILE *rec;
	lws_sorted_usec_list_t sul_tick, sul_curl;
	struct arb_metrics *metrics;  /* --metrics (path NULL: off) */
	int ready;                    /* READY=1 sent */
	int fail;
	int stopping;
	struct req *reqs;
	struct csock *csocks;
	int lws_gone;                 /* the context is destroyed */
	struct proxy *px;             /* the proxy, or NULL */
	struct lws_vhost *vh_px;      /* lws's connections through it */
};

static struct live *the_live;

/* ---- recording --------------------------------------------------------- */

static void rec_line(struct live *L, const char *url, const char *op, int64_t t, const char *p, size_t n)
{
	if (!L->rec)
		return;
	fprintf(L->rec, "%s %s %lld.%06lld", url, op, (long long)(t / 1000000), (long long)(t % 1000000));
	if (p) {
		fputs(": ", L->rec);
		for (size_t i = 0; i < n; i++)
			putc(p[i] == '\n' || p[i] == '\r' ? ' ' : p[i], L->rec);
	}
	putc('\n', L->rec);
}

/* ---- proxy -------------------------------------------------------------- */

/*
 * The venues' URLs are https (wss is TLS as well), so the proxy is the one
 * libcurl takes for an https URL: https_proxy, else HTTPS_PROXY, else
 * all_proxy, else ALL_PROXY; the first of them that is set decides, and
 * an empty one means no proxy.  http_proxy is for http:// URLs only (in
 * libcurl as here).  no_proxy, else NO_PROXY, lists the hosts reached
 * directly, by libcurl's rules (7.86 and later): entries separated by
 * commas or blanks; "*" alone: every host; a name matches itself and the
 * names under it (example.com: www.example.com, not notexample.com), a
 * leading or trailing dot ignored; an IP address, with /bits or without,
 * matches the addresses in that range, and addresses only (localhost is
 * not 127.0.0.1).  Only http:// proxies: lws's tunnel is plain HTTP.  The
 * credentials of user:password@ go to libcurl and lws and nowhere else;
 * messages show the proxy as http://host:port.
 */
struct proxy {
	const char *var;            /* the variable it came from */
	char *url;                  /* its value, for libcurl (credentials) */
	char shown[300];            /* http://host:port, for messages */
	char host[256];             /* its host, without brackets */
	int port;
	char *auth;                 /* user:password, decoded, or NULL */
	const char *noproxy;        /* no_proxy's value, or NULL */
};

/* The proxy from the environment: 1 and px filled in, 0 none, -1 an
 * error said in why (which never holds the credentials). */
static int proxy_setup(struct proxy *px, char *why, size_t whylen)
{
	const char *val;
	char *full = NULL, *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pass = NULL;
	CURLU *u;
	int rc = -1;

	memset(px, 0, sizeof *px);
	val = arb_proxy_env(&px->var);
	if (!val || !*val)
		return 0;
	if (!(u = curl_url()))
		arb_die(ARB_EXIT_FAIL, "out of memory");
	/* without a scheme, libcurl takes http:// */
	full = xmalloc(strlen(val) + 8);
	sprintf(full, "%s%s", strstr(val, "://") ? "" : "http://", val);
	if (curl_url_set(u, CURLUPART_URL, full, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(why, whylen, "%s: not a proxy URL", px->var);
		goto out;
	}
	if (strcasecmp(scheme, "http")) {
		snprintf(why, whylen, "%s: %s:// proxies are not supported, only http:// (CONNECT)", px->var, scheme);
		goto out;
	}
	snprintf(px->host, sizeof px->host, "%s", host + (*host == '['));
	if (*host == '[' && *px->host)
		px->host[strlen(px->host) - 1] = 0;
	/* libcurl's default proxy port */
	px->port = curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK ? atoi(port) : 1080;
	snprintf(px->shown, sizeof px->shown, "http://%s:%d", host, px->port);
	if (curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE);
		px->auth = xmalloc(strlen(user) + (pass ? strlen(pass) : 0) + 2);
		sprintf(px->auth, "%s:%s", user, pass ? pass : "");
		/* lws keeps them base64-encoded in a buffer of 96 bytes */
		if (strlen(px->auth) > 70) {
			snprintf(why, whylen, "%s: the proxy's user name and password are too long "
			    "(70 characters at most)", px->var);
			goto out;
		}
	}
	px->url = xstrdup(val);
	px->noproxy = arb_noproxy_env();
	rc = 1;
out:
	if (user)
		arb_wipe(user, strlen(user));
	if (pass)
		arb_wipe(pass, strlen(pass));
	arb_wipe(full, strlen(full));
	free(full);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	if (rc < 0 && px->auth) {
		arb_wipe(px->auth, strlen(px->auth));
		free(px->auth);
		px->auth = NULL;
	}
	return rc;
}

static void proxy_free(struct proxy *px)
{
	if (px->auth) {
		arb_wipe(px->auth, strlen(px->auth));
		free(px->auth);
	}
	if (px->url) {
		arb_wipe(px->url, strlen(px->url));
		free(px->url);
	}
}

/* The proxy for host, or NULL: direct. */
static const struct proxy *proxy_for(const struct live *L, const char *host)
{
	return L->px && !arb_noproxy_match(L->px->noproxy, host) ? L->px : NULL;
}

/* The proxy for a REST request to url, or NULL. */
static const struct proxy *proxy_for_url(const struct live *L, const char *url)
{
	const struct proxy *px = NULL;
	char *host = NULL;
	CURLU *u;

	if (!L->px)
		return NULL;
	if (!(u = curl_url()))
		arb_die(ARB_EXIT_FAIL, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		px = proxy_for(L, host);
	else
		px = L->px;   /* libcurl fails it anyway */
	curl_free(host);
	curl_url_cleanup(u);
	return px;
}

/* ---- REST -------------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct req *r = arg;

	if (r->body.len + sz * n > (64u << 20))
		return 0;   /* 64 MiB is no reply we want */
	arb_buf_add(&r->body, p, sz * n);
	return sz * n;
}

static CURLcode ssl_ctx(CURL *c, void *sslctx, void *arg)
{
	const char *ca = arg;

	/* --cacert adds to the system's trust anchors, it does not replace them */
	if (ca && !X509_STORE_load_locations(SSL_CTX_get_cert_store(sslctx), ca, NULL))
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

static void connect_venue(struct conn *c);
static void connect_addr(struct conn *c, const char *addr);
static void schedule_reconnect(struct conn *c);

static void rest_get(struct live *L, struct arb_venue *v, struct arb_fbook *fb, const char *url, int tries)
{
	struct req *r = xcalloc(1, sizeof *r);
	CURL *c = curl_easy_init();
	const struct proxy *px;

	if (!c)
		arb_die(ARB_EXIT_FAIL, "curl_easy_init failed");
	r->L = L;
	r->c = c;
	r->v = v;
	r->fb = fb;
	r->next = L->reqs;
	if (L->reqs)
		L->reqs->prev = r;
	L->reqs = r;
	r->url = xstrdup(url);
	r->tries = tries;
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_PRIVATE, r);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "arb-feed/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	if (L->o->cacert) {
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, (void *)L->o->cacert);
	}
	/* the proxy as decided here (proxy_for), not by libcurl's own reading
	 * of the environment: the same as the WebSocket's */
	px = proxy_for_url(L, url);
	r->via = px != NULL;
	curl_easy_setopt(c, CURLOPT_PROXY, px ? px->url : "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	if (fb)
		fb->snap_wait = arb_mono_us();
	L->running++;
	arb_info("%s: GET %s%s%s", v->ops->name, url, px ? " via the proxy " : "", px ? px->shown : "");
	/* libcurl asks for a timeout at once (curl_timer), and goes on from
	 * there: nothing runs inside this call */
	curl_multi_add_handle(L->multi, c);
}

static void req_free(struct live *L, struct req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		L->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	arb_buf_free(&r->body);
	free(r->url);
	free(r);
}

static void rest_done(struct live *L, CURL *c, CURLcode res)
{
	struct req *r;
	long code = 0, tunnel = 0;

	curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&r);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_HTTP_CONNECTCODE, &tunnel);
	curl_multi_remove_handle(L->multi, c);
	curl_easy_cleanup(c);
	if (r->resolve) {
		struct conn *cn = r->resolve;
		const char *ip = r->ip4[0] ? r->ip4 : r->ip6[0] ? r->ip6 : NULL;
		cn->resolving = 0;
		if (ip)
			connect_addr(cn, ip);
		else {
			char why[600];
			if (cn->via)
				snprintf(why, sizeof why, "cannot resolve the proxy %s: %s", L->px->shown,
				    res == CURLE_COULDNT_RESOLVE_HOST ? "no such host" : curl_easy_strerror(res));
			else
				snprintf(why, sizeof why, "cannot resolve %s: %s", cn->host,
				    res == CURLE_COULDNT_RESOLVE_HOST ? "no such host" : curl_easy_strerror(res));
			arb_warn("%s: %s", cn->v->ops->name, why);
			arb_feed_status(cn->v, NULL, arb_wall_us(), "disconnected", why);
			if (!arb_sig_stop && !L->stopping)
				schedule_reconnect(cn);
		}
		req_free(L, r);
		return;
	}
	if (res == CURLE_OK && code == 200 && r->fb && !(r->v->conn && ((struct conn *)r->v->conn)->up)) {
		/* a snapshot for a connection that has closed meanwhile: the
		 * diffs it needs are lost; the next connection asks again */
		r->fb->snap_wait = 0;
	} else if (res == CURLE_OK && code == 200) {
		int64_t rt = arb_wall_us();
		L->f->now = arb_mono_us();
		L->f->now_ws = 0;
		rec_line(L, r->url, "->", rt, r->body.p ? r->body.p : "", r->body.len);
		if (r->v->ops->rest(r->v, r->url, r->body.p ? r->body.p : "", r->body.len, rt) < 0)
			arb_warn("%s: %s: %s", r->v->ops->name, r->url, r->v->why);
	} else if (r->via && tunnel && tunnel / 100 != 2) {
		/* the proxy answered CONNECT with an error: say which proxy
		 * (never its credentials) */
		arb_warn("%s: %s: the proxy %s refused the tunnel: HTTP %ld", r->v->ops->name, r->url,
		    L->px->shown, tunnel);
		if (r->tries < 5 && r->fb)
			r->fb->snap_wait = 0;
	} else {
		if (r->via && res != CURLE_OK)
			arb_warn("%s: %s: %s (via the proxy %s)", r->v->ops->name, r->url,
			    curl_easy_strerror(res), L->px->shown);
		else
			arb_warn("%s: %s: %s", r->v->ops->name, r->url,
			    res != CURLE_OK ? curl_easy_strerror(res) : "HTTP status not 200");
		if (r->tries < 5 && r->fb) {
			/* the book stays out of sync; ask again (the next tick) */
			r->fb->snap_wait = 0;
		}
	}
	/* instruments first: the WebSocket connects once the metadata is in */
	if (!r->fb && r->v->conn) {
		struct conn *cn = r->v->conn;
		if (cn->meta_wait > 0 && --cn->meta_wait == 0)
			connect_venue(cn);
	}
	req_free(L, r);
}

/* libcurl acts on socket fd (events ev), or on its timeout; then the
 * transfers it finished. */
static void curl_action(struct live *L, curl_socket_t fd, int ev)
{
	CURLMsg *m;
	int left, still = 0;

	curl_multi_socket_action(L->multi, fd, ev, &still);
	while ((m = curl_multi_info_read(L->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			rest_done(L, m->easy_handle, m->data.result);
			L->running--;
		}
}

static void curl_timeout(lws_sorted_usec_list_t *sul)
{
	curl_action(the_live, CURL_SOCKET_TIMEOUT, 0);
}

/* CURLMOPT_TIMERFUNCTION: one lws timer; -1 cancels it. */
static int curl_timer(CURLM *multi, long ms, void *arg)
{
	struct live *L = arg;

	if (L->lws_gone)
		return 0;
	if (ms < 0)
		lws_sul_cancel(&L->sul_curl);
	else   /* 0: as soon as the loop runs again, not inside libcurl */
		lws_sul_schedule(L->ctx, 0, &L->sul_curl, curl_timeout, ms > 0 ? (lws_usec_t)ms * 1000 : 1);
	return 0;
}

static struct csock *csock_of(struct live *L, curl_socket_t fd)
{
	for (struct csock *cs = L->csocks; cs; cs = cs->next)
		if (cs->fd == fd)
			return cs;
	return NULL;
}

static void csock_free(struct live *L, struct csock *cs)
{
	struct csock **pp;

	for (pp = &L->csocks; *pp != cs; pp = &(*pp)->next)
		;
	*pp = cs->next;
	if (cs->wsi && !L->lws_gone) {
		/* lws closes its dup at its next turn and tells nobody */
		lws_set_wsi_user(cs->wsi, NULL);
		lws_set_timeout(cs->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	}
	free(cs);
}

/* CURLMOPT_SOCKETFUNCTION: what libcurl wants to hear about socket fd. */
static int curl_socket(CURL *e, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct live *L = arg;
	struct csock *cs = csock_of(L, fd);

	if (what == CURL_POLL_REMOVE) {
		if (cs)
			csock_free(L, cs);
		return 0;
	}
	if (L->lws_gone)
		return 0;
	if (!cs) {
		lws_sock_file_fd_type d;
		cs = xcalloc(1, sizeof *cs);
		cs->L = L;
		cs->fd = fd;
		cs->next = L->csocks;
		L->csocks = cs;
		d.filefd = dup(fd);
		if (d.filefd < 0 || !(cs->wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(L->ctx, "default"),
		    LWS_ADOPT_RAW_FILE_DESC, d, "arb-feed-curl", NULL))) {
			/* the transfer times out (CURLOPT_TIMEOUT) and is retried */
			arb_warn("cannot watch a libcurl socket: %s", d.filefd < 0 ? strerror(errno) : "lws refused it");
			if (d.filefd >= 0)
				close(d.filefd);
			return 0;
		}
		lws_set_wsi_user(cs->wsi, cs);
	}
	cs->what = what;
	if (!cs->wsi)
		return 0;
	lws_rx_flow_control(cs->wsi, (what & CURL_POLL_IN) != 0);
	if (what & CURL_POLL_OUT)
		lws_callback_on_writable(cs->wsi);
	return 0;
}

/* The lws side of libcurl's sockets. */
static int curl_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct csock *cs = user;
	struct live *L;
	curl_socket_t fd;

	if (!cs)
		return 0;
	L = cs->L;
	fd = cs->fd;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		curl_action(L, fd, CURL_CSELECT_IN);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		curl_action(L, fd, CURL_CSELECT_OUT);
		/* one POLLOUT per request: again while libcurl wants it */
		if ((cs = csock_of(L, fd)) && cs->wsi && (cs->what & CURL_POLL_OUT))
			lws_callback_on_writable(cs->wsi);
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		cs->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static void want_snapshot(struct arb_feed *f, struct arb_fbook *fb)
{
	struct live *L = f->transport;
	struct arb_venue *v = fb->v;
	struct arb_buf u = { 0 };
	int64_t now = arb_mono_us();

	/* Rate limit: a book that falls out of sync again right after its
	 * snapshot waits 1 s, then 2 s, ... up to a minute before the next
	 * request; the tick asks again when the time has come. */
	if (fb->snap_last && now - fb->snap_last < fb->snap_gap) {
		fb->snap_wait = 0;
		return;
	}
	if (fb->snap_last && now - fb->snap_last < 120000000)
		fb->snap_gap = fb->snap_gap ? (fb->snap_gap * 2 > 60000000 ? 60000000 : fb->snap_gap * 2) : 1000000;
	else
		fb->snap_gap = 0;
	fb->snap_last = now;

	if (v->ops->snapshot_url) {
		v->ops->snapshot_url(v, fb, &u);
		rest_get(L, v, fb, u.p, 0);
	} else if (v->conn) {
		/* venues that snapshot over the WebSocket: subscribe this symbol
		 * again (the venue sends a new snapshot) */
		struct conn *c = v->conn;
		if (v->ops->resubscribe && v->ops->resubscribe(v, fb, &c->txq) == 0 && c->wsi) {
			fb->snap_wait = now;
			lws_callback_on_writable(c->wsi);
		}
	}
	arb_buf_free(&u);
}

/* ---- WebSocket ---------------------------------------------------------- */

static void connect_venue(struct conn *c);

static void reconnect_cb(lws_sorted_usec_list_t *sul)
{
	struct conn *c = lws_container_of(sul, struct conn, sul_reconnect);

	connect_venue(c);
}

static void schedule_reconnect(struct conn *c)
{
	int64_t delay = 500000LL << (c->attempt < 7 ? c->attempt : 7);   /* 0.5 s .. 64 s */

	if (delay > 60000000)
		delay = 60000000;
	delay += (int64_t)(random() % (delay / 2 + 1)) - delay / 4;       /* +-25 % jitter */
	c->attempt++;
	arb_info("%s: reconnecting in %lld ms", c->v->ops->name, (long long)(delay / 1000));
	lws_sul_schedule(c->L->ctx, 0, &c->sul_reconnect, reconnect_cb, delay);
}

/* CURLOPT_OPENSOCKETFUNCTION of a resolution: the addresses libcurl found,
 * none of them connected (the first IPv4 one is taken, else IPv6). */
static curl_socket_t resolved(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct req *r = arg;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (a->family == AF_INET && !r->ip4[0])
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr, r->ip4, sizeof r->ip4);
	else if (a->family == AF_INET6 && !r->ip6[0])
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr, r->ip6, sizeof r->ip6);
	return CURL_SOCKET_BAD;   /* resolving only */
}

/*
 * Name resolution off the loop: libwebsockets (without its asynchronous
 * resolver) would call getaddrinfo() in the loop and stop everything while
 * it waits.  libcurl's resolver runs in its own thread: a transfer to the
 * host whose sockets are never opened gives the addresses (resolved()), and
 * lws then connects to the address while TLS checks the certificate for
 * the host name (ci.host).
 */
static void resolve(struct conn *c, const char *host, int port)
{
	struct live *L = c->L;
	struct req *r = xcalloc(1, sizeof *r);
	CURL *e = curl_easy_init();
	char url[400];

	if (!e)
		arb_die(ARB_EXIT_FAIL, "curl_easy_init failed");
	snprintf(url, sizeof url, "http://%s%s%s:%d/", strchr(host, ':') ? "[" : "", host,
	    strchr(host, ':') ? "]" : "", port);
	r->L = L;
	r->c = e;
	r->v = c->v;
	r->resolve = c;
	r->url = xstrdup(url);
	r->next = L->reqs;
	if (L->reqs)
		L->reqs->prev = r;
	L->reqs = r;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, resolved);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(e, CURLOPT_PROXY, "");   /* the name itself, never through a proxy */
	c->resolving = 1;
	L->running++;
	arb_info("%s: resolving %s%s", c->v->ops->name, c->via ? "the proxy " : "", host);
	curl_multi_add_handle(L->multi, e);
}

static void connect_venue(struct conn *c)
{
	char tmp[2048];
	const char *prot, *ads, *path;
	unsigned char bin[16];

	if (c->resolving)
		return;
	arb_buf_reset(&c->txq);
	c->txoff = 0;
	snprintf(tmp, sizeof tmp, "%s", c->url);
	if (lws_parse_uri(tmp, &prot, &ads, &c->port, &path)) {
		arb_err("%s: bad URL %s", c->v->ops->name, c->url);
		c->L->fail = 1;
		return;
	}
	snprintf(c->path, sizeof c->path, "%s%s", *path == '/' ? "" : "/", path);
	snprintf(c->host, sizeof c->host, "%s", ads);
	if (strcmp(prot, "wss") && strcmp(prot, "https"))
		arb_warn("%s: %s: using TLS anyway", c->v->ops->name, c->url);
	/* through the proxy, only the proxy's name is resolved here: the
	 * venue's goes in the CONNECT request, for the proxy to resolve */
	c->via = proxy_for(c->L, c->host) != NULL;
	if (c->via && (inet_pton(AF_INET, c->L->px->host, bin) == 1 || inet_pton(AF_INET6, c->L->px->host, bin) == 1))
		connect_addr(c, c->L->px->host);
	else if (c->via)
		resolve(c, c->L->px->host, c->L->px->port);
	else if (inet_pton(AF_INET, c->host, bin) == 1 || inet_pton(AF_INET6, c->host, bin) == 1)
		connect_addr(c, c->host);
	else
		resolve(c, c->host, c->port);
}

/* lws's proxy for the connection about to be made: addr, the proxy's
 * address, with the credentials (lws sends them as Basic auth). */
static int set_lws_proxy(struct live *L, const char *addr)
{
	char spec[512];
	int rc;

	snprintf(spec, sizeof spec, "%s%s%s%s%s:%d", L->px->auth ? L->px->auth : "", L->px->auth ? "@" : "",
	    strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "", L->px->port);
	rc = lws_set_proxy(L->vh_px, spec);
	arb_wipe(spec, sizeof spec);
	return rc;
}

/* The WebSocket connection to addr (c->host resolved), or through the
 * proxy at addr (c->via). */
static void connect_addr(struct conn *c, const char *addr)
{
	struct lws_client_connect_info ci;

	if (addr != c->addr)
		snprintf(c->addr, sizeof c->addr, "%s", addr);
	memset(&ci, 0, sizeof ci);
	ci.context = c->L->ctx;
	ci.address = c->addr;
	if (c->via) {
		if (set_lws_proxy(c->L, c->addr) < 0) {
			char why[400];
			snprintf(why, sizeof why, "the proxy %s: libwebsockets does not take it", c->L->px->shown);
			arb_warn("%s: %s", c->v->ops->name, why);
			arb_feed_status(c->v, NULL, arb_wall_us(), "disconnected", why);
			schedule_reconnect(c);
			return;
		}
		/* CONNECT host:port names the venue, not its address */
		ci.vhost = c->L->vh_px;
		ci.address = c->host;
	}
	ci.port = c->port;
	ci.path = c->path;
	ci.host = c->host;      /* Host header, SNI and the certificate's name */
	ci.origin = c->host;
	ci.ssl_connection = LCCSCF_USE_SSL;   /* always TLS, always verified */
	ci.protocol = NULL;
	ci.local_protocol_name = "arb-feed";
	ci.ietf_version_or_minus_one = -1;
	ci.userdata = c;
	ci.pwsi = &c->wsi;
	if (c->via)
		arb_info("%s: connecting to %s via the proxy %s (%s)", c->v->ops->name, c->url, c->L->px->shown, addr);
	else
		arb_info("%s: connecting to %s (%s)", c->v->ops->name, c->url, addr);
	if (!lws_client_connect_via_info(&ci)) {
		c->wsi = NULL;
		schedule_reconnect(c);
	}
}

static void on_open(struct conn *c)
{
	struct arb_venue *v = c->v;
	int64_t rt = arb_wall_us();

	c->up = 1;
	c->t_open = c->last_rx = c->last_ping = arb_mono_us();
	rec_line(c->L, c->url, "<->", rt, NULL, 0);
	arb_feed_status(v, NULL, rt, "connected", c->url);
	if (v->ops->opened)
		v->ops->opened(v, c->url, rt);
	if (v->ops->subscribe)
		v->ops->subscribe(v, &c->txq);
	/* venues with REST snapshots: one per book, after subscribing, so the
	 * diffs that arrive meanwhile are held back and bridged (or once the
	 * venue confirmed the subscription, where nothing could bridge) */
	if (v->ops->snapshot_url && !v->ops->snapshot_after_subscribed)
		for (uint32_t i = 0; i < v->nlist; i++)
			want_snapshot(v->feed, v->list[i]);
	if (c->txq.len)
		lws_callback_on_writable(c->wsi);
}

static void on_close(struct conn *c, const char *why)
{
	int64_t rt = arb_wall_us();

	if (c->up) {
		rec_line(c->L, c->url, ">-<", rt, why, strlen(why));
		arb_feed_disconnected(c->v, rt, why, strlen(why));
	} else
		arb_feed_status(c->v, NULL, rt, "disconnected", why);
	arb_writer_flush(c->L->f->out);
	c->up = 0;
	c->closing = 0;
	c->wsi = NULL;
	arb_buf_reset(&c->rx);
	if (!arb_sig_stop && !c->L->stopping)
		schedule_reconnect(c);
}

static void on_frame(struct conn *c, const char *p, size_t n)
{
	struct arb_venue *v = c->v;
	int64_t rt = arb_wall_us();

	c->last_rx = arb_mono_us();
	c->attempt = 0;
	rec_line(c->L, c->url, "=>", rt, p, n);
	v->feed->nframes++;
	v->feed->now = c->last_rx;
	v->feed->now_ws = 1;
	if (v->ops->frame(v, c->url, p, n, rt) < 0) {
		v->feed->nerrors++;
		arb_warn("%s: bad frame: %s", v->ops->name, v->why);
	}
}

static int send_next(struct conn *c)
{
	const char *p = c->txq.p + c->txoff, *nl;
	size_t n;
	unsigned char *buf;
	int rc;

	if (c->txoff >= c->txq.len)
		return 0;
	nl = memchr(p, '\n', c->txq.len - c->txoff);
	n = nl ? (size_t)(nl - p) : c->txq.len - c->txoff;
	buf = xmalloc(LWS_PRE + n);
	memcpy(buf + LWS_PRE, p, n);
	if (n == 1 && *p == '\001') {
		/* a WebSocket ping, for venues without one of their own */
		rc = lws_write(c->wsi, buf + LWS_PRE, 0, LWS_WRITE_PING);
		n = 0;
	} else {
		rc = lws_write(c->wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
		rec_line(c->L, c->url, "<-", arb_wall_us(), p, n);
	}
	free(buf);
	c->txoff = (size_t)((nl ? nl + 1 : c->txq.p + c->txq.len) - c->txq.p);
	if (c->txoff >= c->txq.len) {
		arb_buf_reset(&c->txq);
		c->txoff = 0;
	} else
		lws_callback_on_writable(c->wsi);
	return rc < (int)n ? -1 : 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct conn *c = user;
	char why[768];

	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		on_open(c);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c->via && in && len >= 12 && !memcmp(in, "proxy not h1", 12))
			/* lws 4.1's words for any answer to CONNECT but 200 */
			snprintf(why, sizeof why, "connection failed: the proxy %s refused the tunnel to %s:%d "
			    "(its answer to CONNECT was not 200)", c->L->px->shown, c->host, c->port);
		else if (c->via)
			snprintf(why, sizeof why, "connection failed via the proxy %s: %.*s", c->L->px->shown,
			    in ? (int)len : 7, in ? (const char *)in : "unknown");
		else
			snprintf(why, sizeof why, "connection failed: %.*s", in ? (int)len : 7, in ? (const char *)in : "unknown");
		arb_warn("%s: %s", c->v->ops->name, why);
		on_close(c, why);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		on_close(c, c->L->stopping ? "stopped" : c->closing ? "closed by arb-feed" : "closed by the venue");
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		arb_info("%s: the venue closes the connection", c->v->ops->name);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_is_first_fragment(wsi))
			arb_buf_reset(&c->rx);
		arb_buf_add(&c->rx, in, len);
		if (lws_is_final_fragment(wsi) && !lws_frame_is_binary(wsi)) {
			on_frame(c, c->rx.p ? c->rx.p : "", c->rx.len);
			arb_buf_reset(&c->rx);
		}
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		c->last_rx = arb_mono_us();   /* alive, if quiet */
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (c->closing)
			return -1;
		return send_next(c);
	default:
		break;
	}
	return 0;
}

/* The signal self-pipe (sig.h), watched by the loop like libcurl's
 * sockets: a signal that lands after the loop looked at arb_sig_stop and
 * before lws polls still ends lws_service at once. */
static int sig_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE)
		arb_sig_drain();
	return 0;
}

static void watch_signals(struct live *L)
{
	lws_sock_file_fd_type d;

	if (arb_sig_fd() < 0)
		return;
	d.filefd = fcntl(arb_sig_fd(), F_DUPFD_CLOEXEC, 0);  /* lws closes what it adopted */
	if (d.filefd < 0 || !lws_adopt_descriptor_vhost(lws_get_vhost_by_name(L->ctx, "default"),
	    LWS_ADOPT_RAW_FILE_DESC, d, "arb-feed-signal", NULL)) {
		/* a signal still interrupts lws's poll; the tick bounds the rest */
		arb_warn("cannot watch the signal pipe: %s", d.filefd < 0 ? strerror(errno) : "lws refused it");
		if (d.filefd >= 0)
			close(d.filefd);
	}
}

static const struct lws_protocols protocols[] = {
	{ "arb-feed", callback, 0, 1 << 16, 0, NULL, 0 },
	{ "arb-feed-curl", curl_cb, 0, 0, 0, NULL, 0 },
	{ "arb-feed-signal", sig_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* --metrics: per book its age, sync state and resyncs, for alerts.yml. */
static void write_metrics(struct live *L, int64_t now)
{
	struct arb_metrics *m = L->metrics;
	int64_t wall = arb_wall_us();
	char lab[160];

	arb_metrics_begin(m);
	arb_metrics_family(m, "arb_records_out_total", "counter", "Records written.");
	arb_metrics_i64(m, "arb_records_out_total", "prog=\"arb-feed\"", (int64_t)L->f->out->records);
	arb_metrics_family(m, "arb_feed_frames_total", "counter", "Frames and REST bodies received.");
	arb_metrics_i64(m, "arb_feed_frames_total", NULL, (int64_t)L->f->nframes);
	arb_metrics_family(m, "arb_feed_book_ok", "gauge", "1 while the book is in sync and verified.");
	for (int i = 0; i < L->nconns; i++)
		for (uint32_t k = 0; k < L->conns[i].v->nlist; k++) {
			struct arb_fbook *fb = L->conns[i].v->list[k];
			if (fb->filtered)
				continue;
			arb_metrics_labels(lab, sizeof lab, "venue", L->conns[i].v->ops->name, "sym", fb->sym, (char *)NULL);
			arb_metrics_i64(m, "arb_feed_book_ok", lab, fb->ok ? 1 : 0);
		}
	arb_metrics_family(m, "arb_feed_book_age_seconds", "gauge", "Seconds since the book last changed (receive time).");
	for (int i = 0; i < L->nconns; i++)
		for (uint32_t k = 0; k < L->conns[i].v->nlist; k++) {
			struct arb_fbook *fb = L->conns[i].v->list[k];
			if (fb->filtered || fb->rt == 0)
				continue;
			arb_metrics_labels(lab, sizeof lab, "venue", L->conns[i].v->ops->name, "sym", fb->sym, (char *)NULL);
			arb_metrics_dec(m, "arb_feed_book_age_seconds", lab,
			    arb_dec_make(wall > fb->rt ? (wall - fb->rt) / 1000 : 0, 3));
		}
	arb_metrics_family(m, "arb_feed_resyncs_total", "counter", "Gaps and checksum failures that forced a resync.");
	for (int i = 0; i < L->nconns; i++)
		for (uint32_t k = 0; k < L->conns[i].v->nlist; k++) {
			struct arb_fbook *fb = L->conns[i].v->list[k];
			if (fb->filtered)
				continue;
			arb_metrics_labels(lab, sizeof lab, "venue", L->conns[i].v->ops->name, "sym", fb->sym, (char *)NULL);
			arb_metrics_i64(m, "arb_feed_resyncs_total", lab, (int64_t)fb->ngap);
		}
	if (arb_metrics_commit(m, now) < 0)
		arb_warn("metrics: %s: %s", m->path, strerror(errno));
}

/* READY=1 once every book asked for is in sync (sd_notify). */
static void maybe_ready(struct live *L)
{
	if (L->ready)
		return;
	for (int i = 0; i < L->nconns; i++)
		for (uint32_t k = 0; k < L->conns[i].v->nlist; k++) {
			struct arb_fbook *fb = L->conns[i].v->list[k];
			if (!fb->filtered && !fb->ok)
				return;
		}
	L->ready = 1;
	arb_notify("READY=1");
}

/*
 * Staleness per book: an in-sync book of the connection that got no frame
 * (update, held-back diff) or snapshot for longer than stale_after while a
 * WebSocket frame for another book of the same connection came more
 * recently than that (so the connection itself is alive: a connection
 * that goes quiet as a whole is the connection's staleness, in tick()).  The book goes out of sync at once and is resynced alone
 * (arb_fbook_stale); a market that is merely quiet resyncs too, once per
 * stale_after, its snapshot requests spaced by want_snapshot's backoff.
 */
static void stale_books(struct live *L, struct conn *c, int64_t now)
{
	struct arb_venue *v = c->v;
	char d[128];

	/* the connection delivers books (not only pongs and snapshots) */
	if (!v->act_ws || now - v->act_ws > c->stale_after)
		return;
	for (uint32_t k = 0; k < v->nlist; k++) {
		struct arb_fbook *fb = v->list[k];
		if (fb->filtered || !fb->ok || !fb->act || now - fb->act <= c->stale_after)
			continue;
		snprintf(d, sizeof d, "no update for %lld ms while the connection delivers other books",
		    (long long)((now - fb->act) / 1000));
		int64_t wall = arb_wall_us();
		struct arb_buf r = { 0 };
		arb_warn("%s %s: %s: resyncing it", v->ops->name, fb->sym, d);
		/* in the recording, so that its replay resyncs the book too */
		arb_buf_printf(&r, "%s %s", fb->vsym, d);
		rec_line(L, c->url, "-/-", wall, r.p, r.len);
		arb_buf_free(&r);
		L->f->now = now;
		L->f->now_ws = 0;
		arb_fbook_stale(fb, wall, d);
	}
}

/* Five times a second: pings, staleness, snapshots that failed. */
static void tick(lws_sorted_usec_list_t *sul)
{
	struct live *L = the_live;
	int64_t now = arb_mono_us();

	arb_notify_watchdog(now);
	maybe_ready(L);
	if (arb_metrics_due(L->metrics, now))
		write_metrics(L, now);

	for (int i = 0; i < L->nconns; i++) {
		struct conn *c = &L->conns[i];
		const struct arb_venue_ops *ops = c->v->ops;

		if (!c->up || !c->wsi)
			continue;
		/* the venue's keepalive, and often enough that a quiet but
		 * healthy connection answers before it counts as stale */
		int64_t every = ops->ping_every && ops->ping_every < c->stale_after / 3 ? ops->ping_every : c->stale_after / 3;
		if (now - c->last_ping >= every) {
			arb_buf_adds(&c->txq, ops->ping ? ops->ping(c->v) : "\001");
			arb_buf_addc(&c->txq, '\n');
			c->last_ping = now;
			lws_callback_on_writable(c->wsi);
		}
		if (now - c->last_rx > c->stale_after && !c->closing) {
			char d[96];
			snprintf(d, sizeof d, "no frame for %lld ms", (long long)((now - c->last_rx) / 1000));
			arb_feed_status(c->v, NULL, arb_wall_us(), "stale", d);
			arb_warn("%s: %s: reconnecting", ops->name, d);
			c->closing = 1;
			lws_callback_on_writable(c->wsi);
		}
		if (!c->closing)
			stale_books(L, c, now);
		/* a snapshot that failed or was put off: ask again; one asked
		 * over the WebSocket and not there after 10 s: ask again; one
		 * waiting for the venue's confirmation of the subscription: ask
		 * anyway 5 s after the handshake */
		for (uint32_t k = 0; k < c->v->nlist; k++) {
			struct arb_fbook *fb = c->v->list[k];
			if (fb->snap || fb->filtered)
				continue;
			if (ops->snapshot_after_subscribed && !fb->subscribed && now - c->t_open < 5000000)
				continue;
			if (ops->snapshot_url ? !fb->snap_wait : (fb->snap_wait && now - fb->snap_wait > 10000000) || (!fb->snap_wait && fb->snap_last))
				want_snapshot(L->f, fb);
		}
	}
	arb_writer_flush(L->f->out);
	if (L->rec)
		fflush(L->rec);
	lws_sul_schedule(L->ctx, 0, &L->sul_tick, tick, 200000);
}

static void want_reconnect(struct arb_feed *f, struct arb_venue *v)
{
	struct conn *c = v->conn;

	if (c && c->wsi && c->up && !c->closing) {
		c->closing = 1;
		lws_callback_on_writable(c->wsi);
	}
}

static int setup_endpoint(struct arb_feed *f, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const struct arb_venue_ops *ops = arb_venue_by_name(spec, (size_t)(eq - spec));
	struct arb_venue *v;

	if (!ops) {
		arb_err("--endpoint %s: unknown venue", spec);
		return -1;
	}
	v = arb_feed_venue(f, ops);
	snprintf(v->url, sizeof v->url, "%s", eq + 1);
	return 0;
}

int arb_ws_run(struct arb_feed *f, const struct arb_ws_opt *o)
{
	struct lws_context_creation_info info;
	struct live L;
	struct arb_buf u = { 0 };
	struct proxy px;
	char why[400], *hp;

	struct arb_metrics metrics;

	memset(&L, 0, sizeof L);
	arb_metrics_init(&metrics, o->metrics);
	L.metrics = &metrics;
	L.f = f;
	L.o = o;
	the_live = &L;
	for (int i = 0; i < o->nendpoints; i++)
		if (setup_endpoint(f, o->endpoints[i]) < 0)
			return ARB_EXIT_USAGE;
	if (o->record && !(L.rec = fopen(o->record, "a"))) {
		arb_err("%s: %s", o->record, strerror(errno));
		return ARB_EXIT_FAIL;
	}
	switch (proxy_setup(&px, why, sizeof why)) {
	case -1:
		arb_err("%s", why);
		if (L.rec)
			fclose(L.rec);
		proxy_free(&px);
		return ARB_EXIT_USAGE;
	case 1:
		L.px = &px;
		arb_info("proxy %s (from %s)%s%s", px.shown, px.var, px.noproxy && *px.noproxy ? ", except for no_proxy: " : "",
		    px.noproxy && *px.noproxy ? px.noproxy : "");
		break;
	default:
		if (getenv("http_proxy") && *getenv("http_proxy"))
			arb_warn("http_proxy is not used: the venues' URLs are https (https_proxy names their proxy)");
		break;
	}
	srandom((unsigned)arb_mono_us());
	lws_set_log_level(arb_loglevel >= ARB_LOG_DEBUG ? LLL_ERR | LLL_WARN | LLL_NOTICE : 0, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.client_ssl_ca_filepath = o->cacert;
	info.gid = -1;
	info.uid = -1;
	/* lws would take http_proxy from the environment for every
	 * connection of its vhosts (lws_create_vhost): hidden while they are
	 * made, so that the proxy is the one decided above, and only on the
	 * vhost of the connections that use it */
	if ((hp = getenv("http_proxy"))) {
		hp = xstrdup(hp);
		unsetenv("http_proxy");
	}
	L.ctx = lws_create_context(&info);
	if (L.ctx && L.px) {
		info.vhost_name = "arb-feed-proxy";
		L.vh_px = lws_create_vhost(L.ctx, &info);
	}
	if (hp) {
		setenv("http_proxy", hp, 1);
		arb_wipe(hp, strlen(hp));
		free(hp);
	}
	if (!L.ctx || (L.px && !L.vh_px)) {
		arb_err("cannot create the libwebsockets context");
		if (L.ctx)
			lws_context_destroy(L.ctx);
		if (L.rec)
			fclose(L.rec);
		proxy_free(&px);
		return ARB_EXIT_FAIL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	L.multi = curl_multi_init();
	curl_multi_setopt(L.multi, CURLMOPT_SOCKETFUNCTION, curl_socket);
	curl_multi_setopt(L.multi, CURLMOPT_SOCKETDATA, &L);
	curl_multi_setopt(L.multi, CURLMOPT_TIMERFUNCTION, curl_timer);
	curl_multi_setopt(L.multi, CURLMOPT_TIMERDATA, &L);
	/* L lives as long as this loop; f->transport is cleared below */
	// cppcheck-suppress autoVariables
	f->transport = &L;
	f->want_snapshot = want_snapshot;
	f->want_reconnect = want_reconnect;

	for (uint32_t i = 0; i < f->nv; i++) {
		struct arb_venue *v = f->v[i];
		struct conn *c;
		char *line, *save = NULL;

		if (!v->nwant) {
			arb_warn("%s: --endpoint given but no symbol asked for", v->ops->name);
			continue;
		}
		c = &L.conns[L.nconns++];
		/* the books asked for, so the URL and the subscriptions name them */
		for (uint32_t k = 0; k < v->nwant; k++) {
			char vs[ARB_VSYM_MAX];
			struct arb_fbook *fb;
			v->ops->vsym(v, v->want[k], vs, sizeof vs);
			if (!(fb = arb_venue_book(v, vs, strlen(vs), NULL))) {
				arb_err("%s: %s", v->ops->name, v->why);
				return ARB_EXIT_USAGE;
			}
		}
		c->L = &L;
		c->v = v;
		v->conn = c;
		c->stale_after = o->stale_after > 0 ? o->stale_after : v->ops->stale_after;
		arb_buf_reset(&u);
		arb_buf_reset(&u);
		v->ops->ws_url(v, &u);
		snprintf(c->url, sizeof c->url, "%s", u.p);
		arb_buf_reset(&u);
		if (v->ops->meta_urls(v, &u) == 0 && u.len)
			for (line = strtok_r(u.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				c->meta_wait++;
				rest_get(&L, v, NULL, line, 0);
			}
		/* so that a replay of the recording knows the venue of an
		 * --endpoint host */
		if (L.rec)
			fprintf(L.rec, "venue: %s %s\n", v->ops->name, *v->url ? v->url : c->url);
		if (!c->meta_wait)
			connect_venue(c);
	}
	arb_buf_free(&u);
	lws_sul_schedule(L.ctx, 0, &L.sul_tick, tick, 1000000);
	watch_signals(&L);

	/* records go out as soon as the loop has nothing else to do */
	while (!arb_sig_stop && !L.fail) {
		if (lws_service(L.ctx, 0) < 0)
			break;
		if (f->out->len)
			arb_writer_flush(f->out);
	}

	for (int i = 0; i < L.nconns; i++) {
		lws_sul_cancel(&L.conns[i].sul_reconnect);
		arb_buf_free(&L.conns[i].rx);
		arb_buf_free(&L.conns[i].txq);
	}
	L.stopping = 1;
	arb_notify("STOPPING=1");
	if (metrics.path)
		write_metrics(&L, arb_mono_us());
	arb_metrics_free(&metrics);
	lws_context_destroy(L.ctx);
	L.lws_gone = 1;
	while (L.reqs) {
		curl_multi_remove_handle(L.multi, L.reqs->c);
		curl_easy_cleanup(L.reqs->c);
		req_free(&L, L.reqs);
	}
	curl_multi_cleanup(L.multi);
	while (L.csocks)
		csock_free(&L, L.csocks);
	curl_global_cleanup();
	if (L.rec)
		fclose(L.rec);
	proxy_free(&px);
	f->transport = NULL;
	return L.fail ? ARB_EXIT_FAIL : ARB_EXIT_OK;
}
