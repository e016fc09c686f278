#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "replay.h"
#include "sig.h"
#include "venue/scan.h"

static inline int digits(const char *p, int n)
{
	if (n >= 8 && !arb_scan_8digits(p))
		return 0;
	for (int i = n >= 8 ? 8 : 0; i < n; i++)
		if ((unsigned)(p[i] - '0') > 9)
			return 0;
	return 1;
}

static inline uint64_t num(const char *p, int n)
{
	uint64_t v = 0;
	int i = 0;

	if (n >= 8) {
		v = arb_scan_8value(p);
		i = 8;
	}
	for (; i < n; i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	return v;
}

int arb_recline_parse(const char *line, size_t len, struct arb_recline *o, const char **why)
{
	const char *p = line, *e = line + len, *sp, *ts;

	/* The common line of the captures, "1633998512.063356: <frame>",
	 * taken at once: ten digits, a point, six digits. */
	if (len >= 19 && line[10] == '.' && line[17] == ':' && line[18] == ' ' &&
	    digits(line, 10) && digits(line + 11, 6)) {
		o->url = NULL;
		o->urllen = 0;
		o->kind = 'f';
		o->rt = (int64_t)num(line, 10) * 1000000 + (int64_t)num(line + 11, 6);
		o->p = line + 19;
		o->len = len - 19;
		return 0;
	}
	/* arb-feed's own frame line, "wss://host/path => 1633998512.063356:
	 * <frame>", taken at once as well */
	if (len >= 24 && (*line < '0' || *line > '9') && (sp = memchr(line, ' ', len < 1024 ? len : 1024)) &&
	    sp > line && e - sp >= 23 && memcmp(sp, " => ", 4) == 0) {
		ts = sp + 4;
		if (ts[10] == '.' && ts[17] == ':' && ts[18] == ' ' && digits(ts, 10) && digits(ts + 11, 6)) {
			o->url = line;
			o->urllen = (size_t)(sp - line);
			o->kind = 'f';
			o->rt = (int64_t)num(ts, 10) * 1000000 + (int64_t)num(ts + 11, 6);
			o->p = ts + 19;
			o->len = (size_t)(e - ts - 19);
			return 0;
		}
	}
	memset(o, 0, sizeof *o);
	if (len == 0 || (len >= 15 && memcmp(line, "configuration: ", 15) == 0))
		return 0;
	if (len >= 7 && memcmp(line, "venue: ", 7) == 0) {
		/* venue: <name> <url prefix> */
		const char *n = line + 7, *sp2 = memchr(n, ' ', len - 7);
		if (!sp2 || sp2 == n || sp2 + 1 == e) {
			*why = "expected \"venue: <name> <url>\"";
			return -1;
		}
		o->kind = 'v';
		o->p = n;
		o->len = (size_t)(sp2 - n);
		o->url = sp2 + 1;
		o->urllen = (size_t)(e - sp2 - 1);
		return 0;
	}
	if (*p >= '0' && *p <= '9') {
		/* <recv_ts>: <frame> */
		for (ts = p; p < e && ((*p >= '0' && *p <= '9') || *p == '.'); p++)
			;
		if (e - p < 2 || p[0] != ':' || p[1] != ' ') {
			*why = "expected \"<time>: <frame>\"";
			return -1;
		}
		if (arb_secs_to_us(ts, (size_t)(p - ts), &o->rt) < 0) {
			*why = "bad receive time";
			return -1;
		}
		o->kind = 'f';
		o->p = p + 2;
		o->len = (size_t)(e - p - 2);
		return 0;
	}
	if (!(sp = memchr(p, ' ', len)) || sp == p) {
		*why = "not a recording line";
		return -1;
	}
	o->url = p;
	o->urllen = (size_t)(sp - p);
	p = sp + 1;
	if (e - p >= 4 && memcmp(p, "<-> ", 4) == 0)
		o->kind = 'o', p += 4;
	else if (e - p >= 3 && memcmp(p, "<- ", 3) == 0)
		o->kind = 's', p += 3;
	else if (e - p >= 3 && memcmp(p, "-> ", 3) == 0)
		o->kind = 'r', p += 3;
	else if (e - p >= 3 && memcmp(p, "=> ", 3) == 0)
		o->kind = 'f', p += 3;
	else if (e - p >= 4 && memcmp(p, ">-< ", 4) == 0)
		o->kind = 'c', p += 4;
	else if (e - p >= 4 && memcmp(p, "-/- ", 4) == 0)
		o->kind = 'x', p += 4;
	else {
		*why = "not a recording line: unknown direction";
		o->kind = 0;
		return -1;
	}
	for (ts = p; p < e && ((*p >= '0' && *p <= '9') || *p == '.'); p++)
		;
	if (arb_secs_to_us(ts, (size_t)(p - ts), &o->rt) < 0) {
		*why = "bad time";
		return -1;
	}
	if (p == e) {
		if (o->kind != 'o' && o->kind != 'c') {
			*why = "truncated line: no payload";
			return -1;
		}
		return 0;
	}
	if (e - p < 2 || p[0] != ':' || p[1] != ' ') {
		*why = "expected \": \" after the time";
		return -1;
	}
	o->p = p + 2;
	o->len = (size_t)(e - p - 2);
	return 0;
}

struct rfile {
	const char *path;
	int fd;
	struct arb_reader r;
	const struct arb_venue_ops *ops;   /* from the file name */
	char conn[512];                    /* last connection opened */
	const struct arb_venue_ops *connops;
	int open;                          /* a connection is open */
	int done;
	char *line;
	size_t len;
	struct arb_recline h;              /* the head line, parsed */
	/* the URL of the last line that had one, NUL-terminated (cut as
	 * snprintf cuts it), and the venue it names (NULL: none), found
	 * again only when the URL or the "venue:" prefixes change */
	char url[512];
	size_t urllen;
	const struct arb_venue_ops *urlops;
	size_t urlgen;
	uint64_t bytes;                    /* read so far (progress) */
	int64_t last_rt;
};

/* "venue:" lines: URL prefixes of venues on other hosts (--endpoint). */
struct vprefix {
	char *url;
	const struct arb_venue_ops *ops;
};
static struct vprefix *prefixes;
static size_t nprefixes;

/* Venues with open connections, to say "disconnected" once per venue. */
struct vcount {
	const struct arb_venue_ops *ops;
	int n;
};

static void badline(const struct arb_replay_opt *o, struct rfile *rf, const char *why)
{
	arb_badline(o->bl, rf->path, rf->r.lineno, why);
}

/* Reads the next line with a time into rf->h; skips the others. */
static int advance(struct rfile *rf, const struct arb_replay_opt *o)
{
	const char *why;

	for (;;) {
		int st = arb_reader_next(&rf->r, &rf->line, &rf->len);
		if (st == ARB_RD_LINE)
			rf->bytes += rf->len + 1;
		if (st == ARB_RD_EOF) {
			rf->done = 1;
			return 0;
		}
		if (st == ARB_RD_ERR) {
			arb_err("%s: %s", rf->path, strerror(errno));
			rf->done = 1;
			return -1;
		}
		if (st == ARB_RD_BAD) {
			badline(o, rf, rf->r.why);
			continue;
		}
		if (arb_recline_parse(rf->line, rf->len, &rf->h, &why) < 0) {
			badline(o, rf, why);
			continue;
		}
		if (rf->h.kind)
			return 0;
	}
}

/* rf->url and rf->urlops for the head line's URL (which it has). */
static void line_url(struct rfile *rf)
{
	const struct arb_recline *h = &rf->h;

	if (h->urllen == rf->urllen && h->urllen < sizeof rf->url && rf->urlgen == nprefixes &&
	    memcmp(h->url, rf->url, h->urllen) == 0)
		return;   /* the usual case: the same URL as the line before */
	snprintf(rf->url, sizeof rf->url, "%.*s", (int)h->urllen, h->url);
	rf->urllen = h->urllen;
	rf->urlgen = nprefixes;
	rf->urlops = NULL;
	for (size_t i = 0; i < nprefixes && !rf->urlops; i++) {
		size_t n = strlen(prefixes[i].url);
		if (h->urllen >= n && memcmp(h->url, prefixes[i].url, n) == 0)
			rf->urlops = prefixes[i].ops;
	}
	if (!rf->urlops)
		rf->urlops = arb_venue_by_url(h->url, h->urllen);
}

static const struct arb_venue_ops *line_venue(struct rfile *rf)
{
	const struct arb_venue_ops *ops = NULL;

	if (rf->h.url) {
		line_url(rf);
		ops = rf->urlops;
	}
	if (!ops && rf->h.kind == 'f' && !rf->h.url)
		ops = rf->connops;
	if (!ops)
		ops = rf->ops;
	return ops;
}

static void vcount_add(struct vcount *vc, const struct arb_venue_ops *ops, int d)
{
	int i;

	for (i = 0; vc[i].ops && vc[i].ops != ops; i++)
		;
	vc[i].ops = ops;
	vc[i].n += d;
}

static int vcount_get(const struct vcount *vc, const struct arb_venue_ops *ops)
{
	for (int i = 0; vc[i].ops; i++)
		if (vc[i].ops == ops)
			return vc[i].n;
	return 0;
}

static void pace(const struct arb_replay_opt *o, int64_t rt, int64_t *rt0, int64_t *mono0)
{
	int64_t due, now;

	if (o->speed <= 0)
		return;
	if (!*rt0) {
		*rt0 = rt;
		*mono0 = arb_mono_us();
		return;
	}
	due = *mono0 + (int64_t)((double)(rt - *rt0) / o->speed);
	now = arb_mono_us();
	if (due > now)
		(void)arb_sig_sleep_us(due - now);  /* ends early on a stop request */
}

static void handle(struct arb_feed *f, struct rfile *rf, struct vcount *vc, const struct arb_replay_opt *o)
{
	const struct arb_venue_ops *ops = line_venue(rf);
	struct arb_recline *h = &rf->h;
	struct arb_venue *v;
	const char *url;
	int rc;

	if (h->kind == 'v') {
		const struct arb_venue_ops *vo = arb_venue_by_name(h->p, h->len);
		if (!vo) {
			badline(o, rf, "venue: unknown venue");
			return;
		}
		xrealloc(&prefixes, (nprefixes + 1) * sizeof *prefixes);
		prefixes[nprefixes].url = xstrndup(h->url, h->urllen);
		prefixes[nprefixes++].ops = vo;
		return;
	}
	rf->last_rt = h->rt;
	if (!ops) {
		badline(o, rf, "cannot tell the venue of this line (file name or URL)");
		return;
	}
	if (rf->ops && h->kind == 'f' && !h->url && ops != rf->ops) {
		badline(o, rf, "frame of another venue");
		return;
	}
	v = arb_feed_venue(f, ops);
	if (!v) {
		badline(o, rf, "too many venues");
		return;
	}
	f->file = rf->path;
	f->line = rf->r.lineno;
	url = h->url ? rf->url : "";
	switch (h->kind) {
	case 'o':
		if (!rf->open)
			vcount_add(vc, ops, 1);
		rf->open = 1;
		snprintf(rf->conn, sizeof rf->conn, "%s", url);
		rf->connops = ops;
		arb_feed_status(v, NULL, h->rt, "connected", url);
		if (ops->opened)
			ops->opened(v, url, h->rt);
		return;
	case 'c':
		if (rf->open) {
			rf->open = 0;
			vcount_add(vc, ops, -1);
		}
		arb_feed_disconnected(v, h->rt, h->len ? h->p : "connection closed", h->len);
		return;
	case 'x': {
		/* arb-feed found a book of this connection stale: same again */
		const char *sp = memchr(h->p, ' ', h->len);
		size_t n = sp ? (size_t)(sp - h->p) : h->len;
		struct arb_fbook *fb = arb_venue_find(v, h->p, n);
		char d[256];
		if (!fb) {
			badline(o, rf, "stale: no such book");
			return;
		}
		snprintf(d, sizeof d, "%.*s", sp ? (int)(h->len - n - 1) : 0, sp ? sp + 1 : "");
		arb_fbook_stale(fb, h->rt, d);
		return;
	}
	case 's':
		if (ops->sent)
			ops->sent(v, url, h->p, h->len, h->rt);
		return;
	case 'r':
		f->nframes++;
		rc = ops->rest(v, url, h->p, h->len, h->rt);
		break;
	default:
		f->nframes++;
		rc = ops->frame(v, h->url ? url : rf->conn, h->p, h->len, h->rt);
		break;
	}
	if (rc < 0) {
		f->nerrors++;
		badline(o, rf, v->why);
	}
}

static void finish(struct arb_feed *f, struct rfile *rf, struct vcount *vc)
{
	struct arb_venue *v;

	if (!rf->open)
		return;
	rf->open = 0;
	vcount_add(vc, rf->connops, -1);
	if (vcount_get(vc, rf->connops) == 0 && (v = arb_feed_venue(f, rf->connops)))
		arb_feed_end_of_recording(v, rf->last_rt);
}

int arb_replay(struct arb_feed *f, char *const *files, int n, const struct arb_replay_opt *o)
{
	struct rfile *rf = xcalloc((size_t)n, sizeof *rf);
	struct vcount *vc = xcalloc((size_t)n + 8, sizeof *vc);
	int64_t rt0 = 0, mono0 = 0, shown = 0;
	uint64_t total = 0, steps = 0;
	int rc = 0, i;

	f->bl = o->bl;
	for (i = 0; i < n; i++) {
		rf[i].path = files[i];
		rf[i].ops = arb_venue_by_file(files[i]);
		if (strcmp(files[i], "-") == 0)
			rf[i].fd = 0, rf[i].path = "stdin";
		else if ((rf[i].fd = open(files[i], O_RDONLY)) < 0) {
			arb_err("%s: %s", files[i], strerror(errno));
			rf[i].done = 1;
			rc = -1;
			continue;
		}
		{
			struct stat st;
			if (fstat(rf[i].fd, &st) == 0 && S_ISREG(st.st_mode)) {
				total += (uint64_t)st.st_size;
				/* read once from start to end: a larger read-ahead */
				(void)posix_fadvise(rf[i].fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			}
		}
		arb_reader_init(&rf[i].r, rf[i].fd, rf[i].path);
		rf[i].r.maxline = 256u << 20;   /* exchangeInfo is one 2 MB line */
		/* a recording that arrives through a pipe: what is written so
		 * far goes out whenever the next read would wait */
		rf[i].r.flush_on_block = f->out;
		if (advance(&rf[i], o) < 0)
			rc = -1;
	}
	while (!arb_sig_stop) {
		struct rfile *best = NULL;
		for (i = 0; i < n; i++)
			if (!rf[i].done && (!best || rf[i].h.rt < best->h.rt))
				best = &rf[i];
		if (!best)
			break;
		pace(o, best->h.rt, &rt0, &mono0);
		handle(f, best, vc, o);
		if (advance(best, o) < 0)
			rc = -1;
		if (best->done)
			finish(f, best, vc);
		/* on a terminal: where we are, twice a second */
		if (o->progress && total && (++steps & 1023) == 0 && arb_mono_us() - shown > 500000) {
			uint64_t done = 0;
			for (i = 0; i < n; i++)
				done += rf[i].bytes;
			shown = arb_mono_us();
			fprintf(stderr, "\r%s: replay %3u%%, %llu frames", arb_prog,
			    (unsigned)(done * 100 / total), (unsigned long long)f->nframes);
		}
	}
	if (o->progress && shown)
		fprintf(stderr, "\r%s: replay 100%%, %llu frames\n", arb_prog, (unsigned long long)f->nframes);
	f->file = NULL;
	f->bl = NULL;
	for (uint32_t k = 0; k < f->nv; k++)
		for (uint32_t b = 0; b < f->v[k]->nlist; b++) {
			struct arb_fbook *fb = f->v[k]->list[b];
			if (!fb->ok && fb->ngap && !fb->filtered)
				arb_warn("%s %s: out of sync at the end of the recording (no later snapshot)",
				    f->v[k]->ops->name, fb->sym);
			else if (!fb->snap && fb->npend && !fb->filtered)
				arb_warn("%s %s: %u frames held back at the end of the recording,"
				    " waiting for a snapshot that it does not hold", f->v[k]->ops->name, fb->sym, fb->npend);
		}
	for (i = 0; i < n; i++) {
		if (rf[i].fd > 0)
			close(rf[i].fd);
		if (rf[i].fd >= 0 && rf[i].r.buf)
			arb_reader_free(&rf[i].r);
	}
	free(rf);
	free(vc);
	for (size_t k = 0; k < nprefixes; k++)
		free(prefixes[k].url);
	free(prefixes);
	prefixes = NULL;
	nprefixes = 0;
	return rc;
}
