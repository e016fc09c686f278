#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

void
arb_metrics_init(struct arb_metrics *m, const char *path)
{
	memset(m, 0, sizeof *m);
	m->path = path ? xstrdup(path) : NULL;
	m->interval_us = 5000000;
}

void
arb_metrics_free(struct arb_metrics *m)
{
	free(m->path);
	arb_buf_free(&m->b);
	m->path = NULL;
}

int
arb_metrics_due(struct arb_metrics *m, int64_t now_mono)
{
	return m->path && (m->last == 0 || now_mono - m->last >= m->interval_us);
}

void
arb_metrics_begin(struct arb_metrics *m)
{
	arb_buf_reset(&m->b);
}

void
arb_metrics_family(struct arb_metrics *m, const char *name, const char *type, const char *help)
{
	arb_buf_printf(&m->b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sample_head(struct arb_metrics *m, const char *name, const char *labels)
{
	arb_buf_adds(&m->b, name);
	if (labels && *labels) {
		arb_buf_addc(&m->b, '{');
		arb_buf_adds(&m->b, labels);
		arb_buf_addc(&m->b, '}');
	}
	arb_buf_addc(&m->b, ' ');
}

void
arb_metrics_i64(struct arb_metrics *m, const char *name, const char *labels, int64_t v)
{
	sample_head(m, name, labels);
	arb_buf_printf(&m->b, "%lld\n", (long long)v);
}

void
arb_metrics_dec(struct arb_metrics *m, const char *name, const char *labels, arb_dec v)
{
	char s[ARB_DEC_STRMAX];

	sample_head(m, name, labels);
	arb_buf_add(&m->b, s, arb_dec_fmt(v, s));
	arb_buf_addc(&m->b, '\n');
}

char *
arb_metrics_labels(char *buf, size_t cap, ...)
{
	va_list ap;
	const char *k, *v;
	size_t n = 0;

	if (cap == 0)
		return buf;
	va_start(ap, cap);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s=\"", n ? "," : "", k);
		for (; v && *v && n + 3 < cap; v++) {
			/* the exposition format escapes backslash, quote, newline */
			if (*v == '\\' || *v == '"') {
				buf[n++] = '\\';
				buf[n++] = *v;
			} else if (*v == '\n') {
				buf[n++] = '\\';
				buf[n++] = 'n';
			} else {
				buf[n++] = *v;
			}
		}
		if (n + 1 < cap)
			buf[n++] = '"';
		if (n >= cap) {
			n = cap - 1;
			break;
		}
	}
	va_end(ap);
	buf[n < cap ? n : cap - 1] = '\0';
	return buf;
}

int
arb_metrics_commit(struct arb_metrics *m, int64_t now_mono)
{
	char tmp[4096];
	int fd, e;

	if (!m->path)
		return 0;
	m->last = now_mono ? now_mono : 1;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", m->path, (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	/* 0644 whatever the umask (the systemd units set 0077 for the state
	 * and the database): node_exporter reads it as another user, and
	 * metrics hold no secret */
	if (fchmod(fd, 0644) < 0 || arb_writeall(fd, m->b.p ? m->b.p : "", m->b.len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, m->path) < 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}
