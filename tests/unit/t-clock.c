#include "config.h"

#include "../tap.h"
#include "clock.h"

int
main(void)
{
	struct arb_clock c;
	char buf[32];
	int64_t us;

	arb_clock_init(&c, ARB_CLOCK_RECORD);
	is_int(arb_clock_now(&c), 0, "record clock starts at 0");
	arb_clock_see(&c, 1000);
	arb_clock_see(&c, 900);
	is_int(arb_clock_now(&c), 1000, "record clock never goes back");
	arb_clock_see(&c, 1633998512068000);
	is_int(arb_clock_now(&c), 1633998512068000, "record clock follows the stream");

	arb_clock_init(&c, ARB_CLOCK_WALL);
	ok(arb_clock_now(&c) > 1600000000000000LL, "wall clock is the real time");
	ok(arb_mono_us() > 0, "monotonic clock");

	arb_time_fmt(1633998512068123, buf);
	is_str(buf, "2021-10-12T00:28:32.068123Z", "RFC 3339 with microseconds");
	arb_time_fmt(0, buf);
	is_str(buf, "1970-01-01T00:00:00.000000Z", "epoch");
	arb_time_fmt(-1, buf);
	is_str(buf, "1969-12-31T23:59:59.999999Z", "before the epoch floors");

	ok(arb_time_parse("2021-10-12T00:28:32.068123Z", &us) == 0 && us == 1633998512068123,
	    "parse RFC 3339 with fraction");
	ok(arb_time_parse("2021-10-12 00:28", &us) == 0 && us == 1633998480000000LL,
	    "parse date and minutes");
	ok(arb_time_parse("2021-10-12", &us) == 0 && us == 1633996800000000LL, "parse a date");
	ok(arb_time_parse("2021-10-12T00:28:32.5+00:00", &us) == 0 && us == 1633998512500000LL,
	    "parse +00:00 and a short fraction");
	ok(arb_time_parse("1633998512068123", &us) == 0 && us == 1633998512068123,
	    "parse integer microseconds");
	ok(arb_time_parse("2021-02-31", &us) == -1, "reject 31 February");
	ok(arb_time_parse("2021-13-01", &us) == -1, "reject month 13");
	ok(arb_time_parse("yesterday", &us) == -1, "reject words");
	ok(arb_time_parse("", &us) == -1, "reject empty");
	ok(arb_time_parse("2021-10-12T00:28:32.", &us) == -1, "reject empty fraction");

	ok(arb_duration_parse("250ms", &us) == 0 && us == 250000, "250ms");
	ok(arb_duration_parse("5s", &us) == 0 && us == 5000000, "5s");
	ok(arb_duration_parse("5", &us) == 0 && us == 5000000, "bare number is seconds");
	ok(arb_duration_parse("24h", &us) == 0 && us == 86400000000LL, "24h");
	ok(arb_duration_parse("7d", &us) == 0 && us == 604800000000LL, "7d");
	ok(arb_duration_parse("100us", &us) == 0 && us == 100, "100us");
	ok(arb_duration_parse("2m", &us) == 0 && us == 120000000LL, "2m is minutes");
	ok(arb_duration_parse("-5s", &us) == -1, "reject negative");
	ok(arb_duration_parse("5x", &us) == -1, "reject unknown unit");
	ok(arb_duration_parse("99999999999999999d", &us) == -1, "reject overflow");
	/* below 2^62: the programs add a duration to a time (UBSan: arb-exec's
	 * now + --leg-timeout, arb-detect's now + --ttl overflowed) */
	ok(arb_duration_parse("4611686018427387903us", &us) == 0 && us == ARB_DURATION_MAX, "2^62 - 1 us");
	ok(arb_duration_parse("4611686018427387904us", &us) == -1, "reject 2^62 us");
	ok(arb_duration_parse("106751990d", &us) == -1, "reject 106751990d (fits int64, not a time plus it)");
	return done_testing();
}
