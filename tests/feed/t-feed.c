/* Unit tests of lib/feed.c helpers (exact times, the string map) and of the
 * recording line parser of lib/replay.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "feed.h"
#include "replay.h"
#include "../tap.h"

static int64_t secs(const char *s)
{
	int64_t us = -42;

	return arb_secs_to_us(s, strlen(s), &us) < 0 ? -1 : us;
}

static int64_t rfc(const char *s)
{
	int64_t us = -42;

	return arb_rfc3339_to_us(s, strlen(s), &us) < 0 ? -1 : us;
}

int main(void)
{
	struct arb_smap m = { 0 };
	struct arb_recline l;
	const char *why = NULL;
	char k[32];
	int bad = 0;

	is_int(secs("1633998512.0633569"), 1633998512063356, "7 fraction digits: truncated to us");
	is_int(secs("1633998512.063357"), 1633998512063357, "6 fraction digits");
	is_int(secs("1641343690.5"), 1641343690500000, "1 fraction digit");
	is_int(secs("1749833474"), 1749833474000000, "no fraction");
	is_int(secs("0.000001"), 1, "one microsecond");
	is_int(secs("1."), -1, "a point without digits");
	is_int(secs(""), -1, "empty");
	is_int(secs("1.5x"), -1, "trailing garbage");
	is_int(secs("-1.5"), -1, "negative");
	is_int(secs("99999999999999999999"), -1, "overflow");

	is_int(rfc("2021-04-17T16:43:37.075687Z"), 1618677817075687, "RFC 3339 with microseconds");
	is_int(rfc("2023-02-09T20:32:50.714964855Z"), 1675974770714964, "nanoseconds truncated");
	is_int(rfc("1970-01-01T00:00:00Z"), 0, "the epoch");
	is_int(rfc("2024-02-29T23:59:59.1Z"), 1709251199100000, "leap day");
	is_int(rfc("2021-04-17T16:43:37.075687"), -1, "no Z");
	is_int(rfc("2021-13-17T16:43:37Z"), -1, "month 13");
	is_int(rfc("2021-04-17X16:43:37Z"), -1, "no T");

	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "SYM%d", i);
		arb_smap_put(&m, k, strlen(k), (void *)(intptr_t)(i + 1));
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "SYM%d", i);
		bad += arb_smap_get(&m, k, strlen(k)) != (void *)(intptr_t)(i + 1);
	}
	is_int(bad, 0, "string map: 5000 keys");
	ok(arb_smap_get(&m, "SYM5000", 7) == NULL, "string map: absent key");
	ok(arb_smap_get(&m, "SYM12", 4) == (void *)(intptr_t)2, "string map: key by length (SYM1)");
	arb_smap_put(&m, "SYM7", 4, (void *)(intptr_t)99);
	ok(arb_smap_get(&m, "SYM7", 4) == (void *)(intptr_t)99, "string map: replace");
	is_int(m.n, 5000, "string map: replace does not add");
	arb_smap_free(&m, NULL);

#define LINE(s) arb_recline_parse(s, strlen(s), &l, &why)
	is_int(LINE("1633998512.5: {\"a\":1}"), 0, "frame line");
	is_int(l.kind, 'f', "frame kind");
	is_int(l.rt, 1633998512500000, "frame time");
	is_int(l.len, 7, "frame payload");
	is_int(LINE("wss://ws.kraken.com <-> 1618678132.368463"), 0, "open line");
	is_int(l.kind, 'o', "open kind");
	is_int(l.urllen, 19, "open url");
	is_int(LINE("wss://x <- 1.5: {}"), 0, "sent line");
	is_int(l.kind, 's', "sent kind");
	is_int(LINE("https://x/y?z=1 -> 2.25: [1]"), 0, "REST line");
	is_int(l.kind, 'r', "REST kind");
	is_int(l.rt, 2250000, "REST time");
	is_int(LINE("wss://x => 3: {}"), 0, "own frame line");
	is_int(l.kind, 'f', "own frame kind");
	ok(l.url != NULL, "own frame names its connection");
	is_int(LINE("wss://ws.kraken.com/v2 => 1633998512.063356: {\"a\":1}"), 0, "own frame line, usual time");
	is_int(l.kind, 'f', "...frame kind");
	is_int(l.urllen, 22, "...its connection");
	is_int(l.rt, 1633998512063356, "...its time");
	is_int(l.len, 7, "...its payload");
	is_int(LINE("wss://x => 1633998512.063356:{}"), -1, "own frame line without the space");
	is_int(LINE("wss://x => 1633998512.0633567: {}"), 0, "own frame line, 7 fraction digits");
	is_int(l.rt, 1633998512063356, "...truncated to us");
	is_int(LINE("wss://x >-< 4: bye"), 0, "close line");
	is_int(l.kind, 'c', "close kind");
	is_int(LINE("wss://x -/- 5.5: BTCUSDT no update for 1200 ms"), 0, "stale line");
	is_int(l.kind, 'x', "stale kind");
	is_int(l.rt, 5500000, "stale time");
	is_int(l.len, 29, "stale payload");
	is_int(LINE("venue: kraken https://127.0.0.1:1"), 0, "venue line");
	is_int(l.kind, 'v', "venue kind");
	is_int(LINE("configuration: {\"x\":1}"), 0, "configuration ignored");
	is_int(l.kind, 0, "configuration kind");
	is_int(LINE(""), 0, "blank ignored");
	is_int(LINE("wss://x -> 5"), -1, "REST without payload");
	is_str(why, "truncated line: no payload", "...says why");
	is_int(LINE("1633998512.5 {\"a\":1}"), -1, "frame without the colon");
	is_int(LINE("garbage"), -1, "garbage");
	is_int(LINE("wss://x ?? 5"), -1, "unknown direction");
	return done_testing();
}
