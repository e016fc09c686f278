/*
 * clock.h: one place for "now".  Deterministic programs run on record
 * time: now is the largest ts seen in the stream (never decreasing).  With
 * --wall-clock they use CLOCK_REALTIME.  All times are integer
 * microseconds since the Unix epoch.
 */
#ifndef ARB_CLOCK_H
#define ARB_CLOCK_H

#include <stdint.h>

enum arb_clock_mode { ARB_CLOCK_RECORD, ARB_CLOCK_WALL };

struct arb_clock {
	enum arb_clock_mode mode;
	int64_t rec_now;
};

void arb_clock_init(struct arb_clock *c, enum arb_clock_mode mode);
/* Feeds a record's timestamp (record mode advances, never goes back). */
void arb_clock_see(struct arb_clock *c, int64_t ts);
int64_t arb_clock_now(const struct arb_clock *c);
/* Wall clock, microseconds since the epoch, and a monotonic clock. */
int64_t arb_wall_us(void);
int64_t arb_mono_us(void);
/* Formats microseconds as RFC 3339 UTC with microseconds into buf[32]. */
void arb_time_fmt(int64_t us, char *buf);
/* Parses RFC 3339 / "YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]" (UTC) or a plain
 * integer of microseconds.  0 or -1. */
int arb_time_parse(const char *s, int64_t *us);
/* Parses a duration "250ms", "5s", "24h", "7d", "100us"; bare integer is
 * seconds.  0 or -1.  At most ARB_DURATION_MAX: a record's time (below
 * 2^58, ARB_REC_TMAX) plus a duration cannot overflow. */
#define ARB_DURATION_MAX ((INT64_C(1) << 62) - 1)
int arb_duration_parse(const char *s, int64_t *us);

#endif
