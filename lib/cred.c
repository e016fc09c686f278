#include "config.h"

/*
 * cred.c: secrets read from files at run time (cred.h).
 *
 * Each candidate file is opened first and checked through the open
 * descriptor (fstat), so what is checked is what is read even if the name
 * is replaced in between.  Symbolic links are followed: systemd and Docker
 * both present credentials through them at times, and it is the target's
 * type and mode that matter.  Error messages name the file and never show
 * any of its content; every buffer that held a secret is wiped before it
 * is freed.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"
#include "util.h"

/* The Docker secrets directory; the unit test points it elsewhere. */
#ifndef ARB_CRED_RUN_SECRETS
#define ARB_CRED_RUN_SECRETS "/run/secrets"
#endif

#define CRED_MAX (64u * 1024)   /* no API secret is larger */

void arb_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void arb_cred_free(struct arb_cred *c)
{
	if (c->v) {
		arb_wipe(c->v, c->len + 1);
		free(c->v);
	}
	c->v = NULL;
	c->len = 0;
}

/* Letters, digits, '_', '-', '.'; not "." or "..": a plain file name. */
static int good_name(const char *name)
{
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > 200)
		return 0;
	for (const char *p = name; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return 0;
	}
	return 1;
}

/*
 * Reads the secret at path into c.  Returns 0, 1 when the file does not
 * exist, -1 with why set when it is refused or unreadable.
 */
static int try_file(const char *path, struct arb_cred *c, char *why, size_t whylen)
{
	struct stat st;
	int fd, e;

	if (strlen(path) >= sizeof c->src) {
		snprintf(why, whylen, "%.100s...: path too long", path);
		return -1;
	}
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "refusing %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(why, whylen, "refusing %s: mode %04o is %s by group or others; chmod 600 it",
		    path, (unsigned)(st.st_mode & 07777),
		    st.st_mode & 044 ? "readable" : "writable or executable");
		close(fd);
		return -1;
	}
	if (st.st_size > (off_t)CRED_MAX) {
		snprintf(why, whylen, "refusing %s: %lld bytes, more than %u KiB", path,
		    (long long)st.st_size, CRED_MAX / 1024);
		close(fd);
		return -1;
	}

	/* Room for the size seen, one byte to notice growth, and a NUL.  If
	 * the file grows meanwhile, move to a bigger buffer and wipe the old
	 * one (realloc would leave a copy behind). */
	size_t cap = (size_t)st.st_size + 2, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 == cap) {
			if (len > CRED_MAX) {
				arb_wipe(buf, cap);
				free(buf);
				close(fd);
				snprintf(why, whylen, "refusing %s: more than %u KiB", path, CRED_MAX / 1024);
				return -1;
			}
			size_t ncap = cap * 2 > CRED_MAX + 2 ? CRED_MAX + 2 : cap * 2;
			char *nb = xmalloc(ncap);
			memcpy(nb, buf, len);
			arb_wipe(buf, cap);
			free(buf);
			buf = nb;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			arb_wipe(buf, cap);
			free(buf);
			close(fd);
			snprintf(why, whylen, "cannot read %s: %s", path, strerror(e));
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > CRED_MAX) {
		arb_wipe(buf, cap);
		free(buf);
		snprintf(why, whylen, "refusing %s: more than %u KiB", path, CRED_MAX / 1024);
		return -1;
	}
	/* One trailing "\n" or "\r\n", as editors and `echo` leave it. */
	if (len > 0 && buf[len - 1] == '\n') {
		buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
	}
	if (len == 0) {
		arb_wipe(buf, cap);
		free(buf);
		snprintf(why, whylen, "refusing %s: empty", path);
		return -1;
	}
	buf[len] = '\0';
	c->v = buf;
	c->len = len;
	snprintf(c->src, sizeof c->src, "%s", path);
	return 0;
}

/* Appends s to the list of places looked at. */
static void looked(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);
	if (n < size)
		snprintf(buf + n, size - n, "%s%s", n ? ", " : "", s);
}

int arb_cred_read(const char *name, struct arb_cred *c, char *why, size_t whylen)
{
	char path[1024], var[256], where[1200] = "";
	const char *dir, *file;
	int rc;

	memset(c, 0, sizeof *c);
	if (whylen > 0)
		why[0] = '\0';
	if (!good_name(name)) {
		snprintf(why, whylen, "bad credential name \"%.64s\": use letters, digits, _, - and .", name);
		return -1;
	}

	/* 1. systemd: LoadCredential= and friends. */
	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir && *dir) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if ((rc = try_file(path, c, why, whylen)) != 1)
			return rc;
		looked(where, sizeof where, path);
	} else {
		looked(where, sizeof where, "$CREDENTIALS_DIRECTORY (unset)");
	}

	/* 2. Docker and compose secrets. */
	snprintf(path, sizeof path, "%s/%s", ARB_CRED_RUN_SECRETS, name);
	if ((rc = try_file(path, c, why, whylen)) != 1)
		return rc;
	looked(where, sizeof where, path);

	/* 3. A file named by ARB_<NAME>_FILE: named on purpose, so a missing
	 * file is a mistake rather than "not configured". */
	size_t k = 0;
	k += (size_t)snprintf(var, sizeof var, "ARB_");
	for (const char *p = name; *p && k < sizeof var - 6; p++)
		var[k++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') :
		    (*p == '-' || *p == '.') ? '_' : *p;
	snprintf(var + k, sizeof var - k, "_FILE");
	file = getenv(var);
	if (file && *file) {
		if ((rc = try_file(file, c, why, whylen)) != 1)
			return rc;
		snprintf(why, whylen, "cannot open %s (named by %s): %s", file, var, strerror(ENOENT));
		return -1;
	}
	snprintf(path, sizeof path, "$%s (unset)", var);
	looked(where, sizeof where, path);
	snprintf(why, whylen, "credential %s not found; looked at %s", name, where);
	return 1;
}
