#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

void
arb_clock_init(struct arb_clock *c, enum arb_clock_mode mode)
{
	c->mode = mode;
	c->rec_now = 0;
}

void
arb_clock_see(struct arb_clock *c, int64_t ts)
{
	if (ts > c->rec_now)
		c->rec_now = ts;
}

int64_t
arb_clock_now(const struct arb_clock *c)
{
	return c->mode == ARB_CLOCK_WALL ? arb_wall_us() : c->rec_now;
}

static int64_t
ts_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t arb_wall_us(void) { return ts_us(CLOCK_REALTIME); }
int64_t arb_mono_us(void) { return ts_us(CLOCK_MONOTONIC); }

void
arb_time_fmt(int64_t us, char *buf)
{
	/* floor division so times before 1970 format correctly */
	int64_t sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t frac = us - sec * 1000000;
	time_t t = (time_t)sec;
	struct tm tm;

	char tmp[96];

	gmtime_r(&t, &tm);
	/* a year beyond 9999 would not fit 32 bytes: format wide, then cut */
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
	memcpy(buf, tmp, 31);
	buf[31] = '\0';
}

static int
digits(const char **sp, int n, int *v)
{
	const char *s = *sp;
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	*sp = s + n;
	return 0;
}

int
arb_time_parse(const char *s, int64_t *us)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, f = 0, fd = 0;
	const char *p = s;
	time_t t;

	if (*p == '\0')
		return -1;
	/* a bare integer: microseconds */
	if (strspn(p, "0123456789") == strlen(p)) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (*end || strlen(p) > 18)
			return -1;
		*us = v;
		return 0;
	}
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.') {
				p++;
				while (isdigit((unsigned char)*p)) {
					if (fd < 6) {
						f = f * 10 + (*p - '0');
						fd++;
					}
					p++;
				}
				if (fd == 0)
					return -1;
				while (fd < 6) {
					f *= 10;
					fd++;
				}
			}
		}
	}
	if (*p == 'Z')
		p++;
	else if (strcmp(p, "+00:00") == 0)
		p += 6;
	if (*p)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 2026-02-31 to March: refuse such dates */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*us = (int64_t)t * 1000000 + f;
	return 0;
}

int
arb_duration_parse(const char *s, int64_t *us)
{
	char *end;
	long long v;
	int64_t mul;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		mul = 1000000;
	else if (strcmp(end, "us") == 0)
		mul = 1;
	else if (strcmp(end, "ms") == 0)
		mul = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60000000LL;
	else if (strcmp(end, "h") == 0)
		mul = 3600000000LL;
	else if (strcmp(end, "d") == 0)
		mul = 86400000000LL;
	else
		return -1;
	/* not INT64_MAX: the programs add durations to times (now + ttl,
	 * now + leg timeout) */
	if (v < 0 || v > ARB_DURATION_MAX / mul)
		return -1;
	*us = (int64_t)v * mul;
	return 0;
}
