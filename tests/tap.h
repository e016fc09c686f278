/*
 * tap.h: a tiny TAP producer for C unit tests, run by automake's TAP
 * driver.  Each check prints "ok N - name" or "not ok N - name" with the
 * expected and actual values as a diagnostic.
 */
#ifndef ARB_TAP_H
#define ARB_TAP_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

static int tap_n, tap_fail;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((int64_t)(got), (int64_t)(want), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_vok(int c, const char *file, int line, const char *fmt, va_list ap);

#include <stdarg.h>
static inline int tap_vok(int c, const char *file, int line, const char *fmt, va_list ap)
{
	printf("%sok %d - ", c ? "" : "not ", ++tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!c) {
		tap_fail++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return c;
}

static inline __attribute__((format(printf, 4, 5)))
int tap_ok(int c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	c = tap_vok(c, file, line, fmt, ap);
	va_end(ap);
	return c;
}

static inline __attribute__((format(printf, 5, 6)))
int tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int c = got && want ? strcmp(got, want) == 0 : got == want;
	va_start(ap, fmt);
	tap_vok(c, file, line, fmt, ap);
	va_end(ap);
	if (!c)
		printf("#          got: '%s'\n#     expected: '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return c;
}

static inline __attribute__((format(printf, 5, 6)))
int tap_is_int(int64_t got, int64_t want, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int c = got == want;
	va_start(ap, fmt);
	tap_vok(c, file, line, fmt, ap);
	va_end(ap);
	if (!c)
		printf("#          got: %" PRId64 "\n#     expected: %" PRId64 "\n", got, want);
	return c;
}

static inline void tap_diag(const char *s) { printf("# %s\n", s); }

/* Prints the plan at the end; exit status is non-zero on any failure. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif
