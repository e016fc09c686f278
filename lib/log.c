#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

int arb_loglevel = ARB_LOG_NOTICE;
static int journal;

/*
 * systemd sets JOURNAL_STREAM=DEV:INODE for the stream it connected to
 * stderr; only when it still is stderr do we add "<N>" priority prefixes
 * (a redirected stderr must not get them).
 */
void
arb_log_init(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	journal = 0;
	if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
		journal = 1;
}

void arb_louder(void) { if (arb_loglevel < ARB_LOG_DEBUG) arb_loglevel++; }
void arb_quieter(void) { if (arb_loglevel > ARB_LOG_ERR) arb_loglevel--; }

void
arb_vlog(int level, const char *fmt, va_list ap)
{
	char line[4096];
	size_t n = 0;
	int r;

	if (level > arb_loglevel)
		return;
	if (journal)
		n += (size_t)snprintf(line, sizeof line, "<%d>", level);
	r = snprintf(line + n, sizeof line - n, "%s: ", arb_prog);
	if (r > 0)
		n += (size_t)r;
	if (n < sizeof line) {
		r = vsnprintf(line + n, sizeof line - n, fmt, ap);
		if (r > 0)
			n += (size_t)r;
	}
	if (n >= sizeof line - 1) {
		/* truncated: say so rather than cut silently */
		n = sizeof line - 5;
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n++] = '\n';
	/* one write(2) per line so lines of concurrent programs do not mix */
	(void)arb_writeall(2, line, n);
}

void
arb_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	arb_vlog(level, fmt, ap);
	va_end(ap);
}

void
arb_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	arb_vlog(ARB_LOG_ERR, fmt, ap);
	va_end(ap);
	exit(status);
}

void
arb_die_errno(int status, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	arb_log(ARB_LOG_ERR, "%s: %s", msg, strerror(e));
	exit(status);
}
