/*
 * fuzz-conf.c: libFuzzer target for the configuration file parser
 * (conf.h, arbitron(7) "CONFIGURATION").  The input is the file; it is
 * loaded for a section and for the global keys only, and every key kept
 * must be a valid key name with a value and an origin FILE:LINE; a
 * refused file is reported on stderr (quiet here).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-conf.c lib/conf.c lib/util.c lib/log.c lib/io.c \
 *       lib/json.c lib/dec.c -o fuzz-conf && ./fuzz-conf -max_total_time=60
 */
#include "config.h"

#include "fuzz-file.h"
#include "conf.h"
#include "log.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sections[] = { "arb-exec", NULL };
	const char *path = fuzz_file("arbitron.conf", data, size);
	struct arb_conf c;
	size_t i, k;

	arb_loglevel = ARB_LOG_ERR - 1;   /* refused files are expected: quiet */
	for (k = 0; k < 2; k++) {
		arb_conf_init(&c);
		if (arb_conf_load(&c, path, sections[k]) == 0)
			for (i = 0; i < c.n; i++) {
				const char *s;

				CHECK(c.it[i].key[0] && c.it[i].value && c.it[i].line > 0);
				for (s = c.it[i].key; *s; s++)
					CHECK((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-');
				CHECK(arb_conf_origin(&c, c.it[i].key) != NULL);
			}
		arb_conf_set(&c, "state", "x", NULL);
		CHECK(strcmp(arb_conf_get(&c, "state"), "x") == 0);
		arb_conf_free(&c);
	}
	return 0;
}
