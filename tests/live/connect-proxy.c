#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/*
 * connect-proxy: an HTTP CONNECT proxy on loopback for the tests of the
 * live path through a proxy (tests/0307-feed-proxy.t).  One process, one
 * poll loop: it accepts a connection, reads the request head, resolves
 * the host named in "CONNECT host:port" itself (as a real proxy does: the
 * client must not have resolved it), connects, answers 200 and relays
 * bytes both ways until either side closes.  Every request goes to the
 * log, one line each, flushed at once, so a test can read it while the
 * proxy runs:
 *
 *   CONNECT host:port [auth ok|auth missing|auth bad] -> 200|403|407|502
 *   GET url -> 405           (anything but CONNECT)
 *
 * --refuse CODE answers every CONNECT with CODE (403: the proxy's policy
 * forbids it); --auth USER:PASS wants Proxy-Authorization: Basic of it
 * (407 without); --map NAME=ADDR makes NAME, a name nobody else resolves
 * (venue.test), resolve to ADDR here only: a client that reaches the
 * venue by that name has let the proxy resolve it.  The port it listens on goes to --portfile once it
 * listens.  It ends on SIGTERM.
 */

#define MAXT 64
#define BUFSZ 65536

struct dir {                    /* one direction of a tunnel */
	char buf[BUFSZ];
	size_t len, off;
};

struct tun {
	int cfd, ufd;           /* client, upstream (-1: none yet) */
	char head[8192];        /* the request head, until the tunnel is up */
	size_t hlen;
	struct dir up, down;    /* client -> upstream, upstream -> client */
};

static struct tun tuns[MAXT];
static FILE *logfp;
static const char *refuse;
static char *auth_want;         /* "Basic " + base64(USER:PASS), or NULL */
static char *map_name, *map_addr; /* --map NAME=ADDR */

static void
logline(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(logfp, fmt, ap);
	va_end(ap);
	fputc('\n', logfp);
	fflush(logfp);
}

static char *
b64(const char *s)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), i, k = 0;
	char *o = malloc(n / 3 * 4 + 8);

	if (!o)
		exit(1);
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
		o[k++] = a[v >> 18 & 63];
		o[k++] = a[v >> 12 & 63];
		o[k++] = a[v >> 6 & 63];
		o[k++] = a[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned char)s[i] << 16;
		o[k++] = a[v >> 18 & 63];
		o[k++] = a[v >> 12 & 63];
		o[k++] = '=';
		o[k++] = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8;
		o[k++] = a[v >> 18 & 63];
		o[k++] = a[v >> 12 & 63];
		o[k++] = a[v >> 6 & 63];
		o[k++] = '=';
	}
	o[k] = 0;
	return o;
}

static void
tun_close(struct tun *t)
{
	if (t->cfd >= 0)
		close(t->cfd);
	if (t->ufd >= 0)
		close(t->ufd);
	memset(t, 0, sizeof *t);
	t->cfd = t->ufd = -1;
}

static void
reply(struct tun *t, const char *status)
{
	char b[256];
	int n = snprintf(b, sizeof b, "HTTP/1.1 %s\r\n%s\r\n", status,
	    !strncmp(status, "200", 3) ? "" :
	    !strncmp(status, "407", 3) ? "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n" :
	    "Content-Length: 0\r\nConnection: close\r\n");

	/* a short answer to a fresh socket: one write is enough on loopback */
	if (write(t->cfd, b, (size_t)n) != n)
		t->hlen = 0;
}

/* host:port or [v6]:port of a CONNECT: a connected socket, or -1. */
static int
dial(char *target)
{
	struct addrinfo hints, *res, *ai;
	char *host = target, *port = strrchr(target, ':');
	int fd = -1;

	if (!port)
		return -1;
	*port++ = 0;
	if (*host == '[' && port[-2] == ']') {
		host++;
		port[-2] = 0;
	}
	if (map_name && !strcasecmp(host, map_name))
		host = map_addr;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res))
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* The request head is complete: act on it. */
static void
request(struct tun *t)
{
	char *line = t->head, *eol, *sp, *target, *p;
	const char *auth = "";
	char target_copy[600];
	size_t hend = (size_t)(strstr(t->head, "\r\n\r\n") - t->head) + 4;

	/* anything the client sent after the head (a TLS hello) goes on
	 * once the tunnel is up */
	if (hend < t->hlen) {
		t->up.len = t->hlen - hend;
		memcpy(t->up.buf, t->head + hend, t->up.len);
	}
	t->head[hend - 2] = 0;   /* the head alone, its lines each ending in CRLF */
	eol = strstr(t->head, "\r\n");
	*eol = 0;
	if (!(sp = strchr(line, ' ')) || !(target = sp + 1) || !(p = strchr(target, ' '))) {
		logline("bad request -> 400");
		reply(t, "400 Bad Request");
		tun_close(t);
		return;
	}
	*sp = 0;
	*p = 0;
	if (strcmp(line, "CONNECT")) {
		logline("%s %s -> 405", line, target);
		reply(t, "405 Method Not Allowed");
		tun_close(t);
		return;
	}
	if (auth_want) {
		const char *h = NULL;
		for (p = eol + 2; *p; p = strstr(p, "\r\n") + 2)
			if (!strncasecmp(p, "Proxy-Authorization:", 20)) {
				h = p + 20;
				while (*h == ' ')
					h++;
				break;
			}
		if (!h)
			auth = " auth missing";
		else if (!strncasecmp(h, "Basic ", 6) && !strncmp(h + 6, auth_want + 6, strlen(auth_want + 6))
		    && (h[strlen(auth_want)] == '\r' || h[strlen(auth_want)] == 0))
			auth = " auth ok";
		else
			auth = " auth bad";
	}
	snprintf(target_copy, sizeof target_copy, "%s", target);
	if (refuse) {
		logline("CONNECT %s%s -> %s", target_copy, auth, refuse);
		reply(t, !strcmp(refuse, "403") ? "403 Forbidden" : refuse);
		tun_close(t);
		return;
	}
	if (auth_want && strcmp(auth, " auth ok")) {
		logline("CONNECT %s%s -> 407", target_copy, auth);
		reply(t, "407 Proxy Authentication Required");
		tun_close(t);
		return;
	}
	if ((t->ufd = dial(target)) < 0) {
		logline("CONNECT %s%s -> 502", target_copy, auth);
		reply(t, "502 Bad Gateway");
		tun_close(t);
		return;
	}
	logline("CONNECT %s%s -> 200", target_copy, auth);
	reply(t, "200 Connection established");
	t->hlen = (size_t)-1;   /* relaying */
}

/* Moves bytes from fd into d, or from d to fd; -1 when the tunnel ends. */
static int
pull(int fd, struct dir *d)
{
	ssize_t n = read(fd, d->buf, sizeof d->buf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	d->len = (size_t)n;
	d->off = 0;
	return 0;
}

static int
push(int fd, struct dir *d)
{
	ssize_t n = write(fd, d->buf + d->off, d->len - d->off);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	d->off += (size_t)n;
	if (d->off == d->len)
		d->len = d->off = 0;
	return 0;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: connect-proxy --portfile FILE --log FILE [--refuse CODE] [--auth USER:PASS]\n"
	    "       [--map NAME=ADDR]\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "portfile", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "refuse", required_argument, NULL, 'r' },
		{ "auth", required_argument, NULL, 'a' },
		{ "map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *portfile = NULL, *logpath = NULL;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int c, lfd, one = 1;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1)
		switch (c) {
		case 'p': portfile = optarg; break;
		case 'l': logpath = optarg; break;
		case 'r': refuse = optarg; break;
		case 'a': {
			char *b = b64(optarg);
			auth_want = malloc(strlen(b) + 8);
			if (!auth_want)
				return 1;
			sprintf(auth_want, "Basic %s", b);
			free(b);
			break;
		}
		case 'm':
			map_name = optarg;
			if (!(map_addr = strchr(optarg, '=')))
				usage(2);
			*map_addr++ = 0;
			break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	if (!portfile || !logpath || optind != argc)
		usage(2);
	if (!(logfp = fopen(logpath, "a"))) {
		perror(logpath);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAXT; i++)
		tuns[i].cfd = tuns[i].ufd = -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 16) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
		perror("connect-proxy: listen");
		return 1;
	}
	/* written whole, then renamed: a reader never sees half a number */
	{
		char tmp[4096];
		FILE *pf;
		snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
		if (!(pf = fopen(tmp, "w")) || fprintf(pf, "%d\n", ntohs(sa.sin_port)) < 0 ||
		    fclose(pf) || rename(tmp, portfile)) {
			perror(portfile);
			return 1;
		}
	}
	for (;;) {
		struct pollfd pfd[1 + 2 * MAXT];
		int map[1 + 2 * MAXT], n = 0;

		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		map[n++] = -1;
		for (int i = 0; i < MAXT; i++) {
			struct tun *t = &tuns[i];
			if (t->cfd < 0)
				continue;
			if (t->hlen != (size_t)-1) {        /* reading the head */
				pfd[n].fd = t->cfd;
				pfd[n].events = POLLIN;
				map[n++] = i;
				continue;
			}
			pfd[n].fd = t->cfd;
			pfd[n].events = (short)((t->down.len ? POLLOUT : 0) | (t->up.len ? 0 : POLLIN));
			map[n++] = i;
			pfd[n].fd = t->ufd;
			pfd[n].events = (short)((t->up.len ? POLLOUT : 0) | (t->down.len ? 0 : POLLIN));
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("connect-proxy: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);
			int i;
			for (i = 0; fd >= 0 && i < MAXT && tuns[i].cfd >= 0; i++)
				;
			if (fd >= 0 && i == MAXT) {
				logline("too many tunnels");
				close(fd);
			} else if (fd >= 0) {
				tuns[i].cfd = fd;
				tuns[i].hlen = 0;
			}
		}
		for (int k = 1; k < n; k++) {
			struct tun *t = &tuns[map[k]];
			int fail = 0;
			if (!pfd[k].revents || pfd[k].fd < 0 || (pfd[k].fd != t->cfd && pfd[k].fd != t->ufd))
				continue;   /* closed meanwhile */
			if (t->hlen != (size_t)-1) {
				ssize_t r = read(t->cfd, t->head + t->hlen, sizeof t->head - 1 - t->hlen);
				if (r <= 0) {
					tun_close(t);
					continue;
				}
				t->hlen += (size_t)r;
				t->head[t->hlen] = 0;
				if (strstr(t->head, "\r\n\r\n")) {
					fcntl(t->cfd, F_SETFL, fcntl(t->cfd, F_GETFL) | O_NONBLOCK);
					request(t);
				} else if (t->hlen >= sizeof t->head - 1) {
					logline("request head too long -> 400");
					reply(t, "400 Bad Request");
					tun_close(t);
				}
				continue;
			}
			if (pfd[k].fd == t->cfd) {
				if ((pfd[k].revents & POLLOUT) && t->down.len)
					fail |= push(t->cfd, &t->down);
				if ((pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) && !t->up.len)
					fail |= pull(t->cfd, &t->up);
			} else {
				if ((pfd[k].revents & POLLOUT) && t->up.len)
					fail |= push(t->ufd, &t->up);
				if ((pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) && !t->down.len)
					fail |= pull(t->ufd, &t->down);
			}
			if (fail)
				tun_close(t);
		}
	}
}
