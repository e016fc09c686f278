#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* The directory part of path, for the fsync that makes a rename durable. */
static void
dirof(const char *path, char *buf, size_t cap)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		snprintf(buf, cap, ".");
	else if (sl == path)
		snprintf(buf, cap, "/");
	else
		snprintf(buf, cap, "%.*s", (int)(sl - path), path);
}

int
arb_state_write(const char *path, const char *data, size_t len, int dosync, char *why, size_t whylen)
{
	struct arb_buf tmp = { 0 };
	char dir[4096];
	int fd, e;

	arb_buf_printf(&tmp, "%s.tmp", path);
	fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(e));
		goto fail;
	}
	if (arb_writeall(fd, data, len) < 0 || (dosync && fsync(fd) < 0)) {
		e = errno;
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(e));
		close(fd);
		unlink(tmp.p);
		goto fail;
	}
	if (close(fd) < 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(e));
		unlink(tmp.p);
		goto fail;
	}
	if (rename(tmp.p, path) < 0) {
		e = errno;
		snprintf(why, whylen, "rename %s: %s", tmp.p, strerror(e));
		unlink(tmp.p);
		goto fail;
	}
	if (dosync) {
		dirof(path, dir, sizeof dir);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	arb_buf_free(&tmp);
	return 0;
fail:
	arb_buf_free(&tmp);
	errno = e;
	return -1;
}

int
arb_state_probe(const char *path, char *why, size_t whylen)
{
	struct arb_buf tmp = { 0 };
	int fd, e;

	/* appends go to the file itself */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0)
		close(fd);
	else if (errno != ENOENT) {
		e = errno;
		snprintf(why, whylen, "%s: cannot be written: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	/* snapshots to path.tmp, renamed over it: what the first save does */
	arb_buf_printf(&tmp, "%s.tmp", path);
	if ((fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		e = errno;
		snprintf(why, whylen, "%s: cannot be written: %s: %s", path, tmp.p, strerror(e));
		arb_buf_free(&tmp);
		errno = e;
		return -1;
	}
	close(fd);
	(void)unlink(tmp.p);
	arb_buf_free(&tmp);
	return 0;
}

char *
arb_state_read(const char *path, size_t *lenp)
{
	return arb_readfile(path, lenp);
}

uint32_t
arb_crc32(uint32_t crc, const void *p, size_t n)
{
	static uint32_t tab[256];
	const unsigned char *s = p;
	size_t i;

	if (!tab[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			tab[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = tab[(crc ^ s[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void
arb_state_open(struct arb_state_file *f, const char *path, int sync, const struct arb_state_scan *sc)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	f->fd = -1;
	f->sync = sync;
	f->need_snap = 1;
	if (sc) {
		f->seq = sc->seq;
		f->snap = sc->snap;
		f->jbytes = sc->valid - sc->snap;
		/* a plain snapshot (no commit) or a torn tail: never append
		 * to it */
		f->need_snap = sc->commits == 0 || sc->torn > 0;
	}
}

void
arb_state_close(struct arb_state_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Closes the entry in b (its lines from `from` on) with its commit line. */
static void
commit_line(struct arb_buf *b, size_t from, uint64_t seq)
{
	size_t n = b->len - from;
	uint32_t crc = arb_crc32(0, b->p + from, n);

	arb_buf_printf(b, "{\"type\":\"commit\",\"seq\":%" PRIu64 ",\"bytes\":%zu,\"crc32\":\"%08" PRIx32 "\"}\n",
	    seq, n, crc);
}

int
arb_state_snapshot(struct arb_state_file *f, struct arb_buf *data, char *why, size_t whylen)
{
	struct arb_buf tmp = { 0 };
	char dir[4096];
	int fd = -1, e;
	size_t len;

	len = data->len;
	commit_line(data, 0, f->seq + 1);
	arb_buf_printf(&tmp, "%s.tmp", f->path);
	fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(e));
		goto fail;
	}
	if (arb_writeall(fd, data->p, data->len) < 0 || (f->sync && fsync(fd) < 0)) {
		e = errno;
		snprintf(why, whylen, "%s: %s", tmp.p, strerror(e));
		goto fail;
	}
	if (rename(tmp.p, f->path) < 0) {
		e = errno;
		snprintf(why, whylen, "rename %s: %s", tmp.p, strerror(e));
		goto fail;
	}
	if (f->sync) {
		int dfd;
		dirof(f->path, dir, sizeof dir);
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	arb_state_close(f);
	f->fd = fd;   /* the file now named path: appends go after the snapshot */
	f->seq++;
	f->snap = data->len;
	f->jbytes = 0;
	f->need_snap = 0;
	data->len = len;
	arb_buf_free(&tmp);
	return 0;
fail:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.p);
	}
	data->len = len;
	arb_buf_free(&tmp);
	errno = e;
	return -1;
}

int
arb_state_append(struct arb_state_file *f, struct arb_buf *data, char *why, size_t whylen)
{
	struct stat fs, ps;
	size_t len = data->len;
	int e;

	errno = 0;
	if (f->fd < 0 && (f->fd = open(f->path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
		e = errno;
		snprintf(why, whylen, "%s: %s", f->path, strerror(e));
		goto fail;
	}
	/* the file was moved away or replaced: appending to the open one
	 * would save nothing anyone reads */
	if (fstat(f->fd, &fs) < 0 || stat(f->path, &ps) < 0 || fs.st_ino != ps.st_ino ||
	    fs.st_dev != ps.st_dev) {
		e = errno ? errno : ESTALE;
		snprintf(why, whylen, "%s: moved or replaced while in use", f->path);
		goto fail;
	}
	commit_line(data, 0, f->seq + 1);
	if (arb_writeall(f->fd, data->p, data->len) < 0 || (f->sync && fdatasync(f->fd) < 0)) {
		e = errno;
		snprintf(why, whylen, "%s: %s", f->path, strerror(e));
		goto fail;
	}
	f->seq++;
	f->jbytes += data->len;
	data->len = len;
	return 0;
fail:
	/* a part of the entry may be in the file: only a new snapshot can
	 * follow it */
	f->need_snap = 1;
	data->len = len;
	errno = e;
	return -1;
}

static const char commit_pfx[] = "{\"type\":\"commit\",";

/* A commit line as written by commit_line.  0 or -1. */
static int
parse_commit(const char *p, size_t n, uint64_t *seq, size_t *bytes, uint32_t *crc)
{
	char buf[160], again[160];
	unsigned long long s, b;
	unsigned int c;
	int end = -1;

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = 0;
	if (sscanf(buf, "{\"type\":\"commit\",\"seq\":%llu,\"bytes\":%llu,\"crc32\":\"%8x\"}%n",
	    &s, &b, &c, &end) != 3 || end != (int)n)
		return -1;
	/* only the line commit_line writes: sscanf also takes a sign, spaces,
	 * leading zeros, upper-case hex, and numbers it wraps around */
	if (snprintf(again, sizeof again, "{\"type\":\"commit\",\"seq\":%llu,\"bytes\":%llu,\"crc32\":\"%08x\"}",
	    s, b, c) != (int)n || memcmp(again, buf, n) != 0)
		return -1;
	*seq = s;
	*bytes = (size_t)b;
	*crc = c;
	return 0;
}

int
arb_state_scan(const char *path, const char *data, size_t len, struct arb_state_scan *sc,
    char *why, size_t whylen)
{
	const char *p = data, *end = data + len, *nl;
	size_t gstart = 0;
	unsigned line = 0, gline = 1;

	memset(sc, 0, sizeof *sc);
	for (; p < end; p = nl + 1) {
		uint64_t seq;
		size_t bytes, off = (size_t)(p - data);
		uint32_t crc;
		const char *bad = NULL;
		line++;
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			break;   /* a last line without its newline */
		if ((size_t)(nl - p) < sizeof commit_pfx - 1 || memcmp(p, commit_pfx, sizeof commit_pfx - 1))
			continue;
		if (parse_commit(p, (size_t)(nl - p), &seq, &bytes, &crc) < 0)
			bad = "bad commit line";
		else if (bytes != off - gstart)
			bad = "length does not match";
		else if (sc->commits && seq != sc->seq + 1)
			bad = "out of sequence";
		else if (arb_crc32(0, data + gstart, bytes) != crc)
			bad = "checksum mismatch";
		if (bad) {
			/* the last entry, cut short or never completed by a
			 * crash (its save was never acknowledged): a torn
			 * tail; anywhere else, or in the snapshot, damage */
			if (sc->commits && nl + 1 == end && strcmp(bad, "length does not match") &&
			    strcmp(bad, "out of sequence"))
				break;
			snprintf(why, whylen, "%s:%u: %s (lines %u-%u): %s", path, gline,
			    sc->commits ? "journal entry" : "snapshot", gline, line, bad);
			return -1;
		}
		sc->commits++;
		sc->seq = seq;
		gstart = (size_t)(nl + 1 - data);
		gline = line + 1;
		if (sc->commits == 1)
			sc->snap = gstart;
		sc->valid = gstart;
	}
	if (!sc->commits) {   /* a plain snapshot */
		sc->valid = len;
		return 0;
	}
	sc->torn = len - sc->valid;
	sc->torn_line = gline;
	return 0;
}
