#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

char *
arb_state_read(const char *path, size_t *lenp)
{
	return arb_readfile(path, lenp);
}
