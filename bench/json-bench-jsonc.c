#include "config.h"
/*
 * json-bench-jsonc.c: the json-c runner of json-bench, in a file of its
 * own because json-c's headers and jansson's declare the same names
 * (json_object, json_type).  The shared libraries themselves coexist:
 * both version their symbols, so each binds to its own json_object_get.
 */
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct line {              /* the same in json-bench.c */
	const char *p;
	size_t n;
};

size_t arb_bench_jsonc(const struct line *l, size_t n);

extern volatile int64_t arb_bench_sink;

size_t
arb_bench_jsonc(const struct line *l, size_t n)
{
	static struct json_tokener *tok;
	size_t bad = 0;

	if (!tok)
		tok = json_tokener_new();
	for (size_t i = 0; i < n; i++) {
		struct json_object *v, *t, *x, *d;

		json_tokener_reset(tok);
		v = json_tokener_parse_ex(tok, l[i].p, (int)l[i].n);
		if (!v) {
			bad++;
			continue;
		}
		if (json_object_object_get_ex(v, "type", &t)) {
			const char *ex = NULL, *sym = NULL;
			int64_t ts = 0;

			if (json_object_object_get_ex(v, "ts", &x))
				ts = json_object_get_int64(x);
			if (json_object_object_get_ex(v, "ex", &x))
				ex = json_object_get_string(x);
			if (json_object_object_get_ex(v, "sym", &x))
				sym = json_object_get_string(x);
			if (!ex || !sym)
				bad++;
			else
				arb_bench_sink += ts + ex[0] + sym[0] + json_object_get_string(t)[0];
		} else if (json_object_object_get_ex(v, "data", &d)) {
			if (json_object_object_get_ex(d, "E", &x))
				arb_bench_sink += json_object_get_int64(x);
			if (json_object_object_get_ex(d, "b", &x))
				arb_bench_sink += (int64_t)json_object_array_length(x);
		} else {
			bad++;
		}
		json_object_put(v);
	}
	return bad;
}
