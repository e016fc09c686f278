#include "config.h"
/*
 * t-json: the tokenizer of json.h.  Hand-written accept/reject cases,
 * the token layout, the accessors, quoting; then jansson as an oracle
 * (json-oracle.h) on generated documents, mutated documents (fixed seed)
 * and every frame of the shared recordings.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "json-oracle.h"
#include "json.h"
#include "util.h"

static struct arb_json J;

static int
parses(const char *s, size_t n)
{
	return arb_json_parse(&J, s, n) == 0;
}

#define P(s) parses((s), sizeof(s) - 1)

struct tcase {
	const char *s;
	size_t n;       /* 0: strlen */
	int ok;
	const char *why;
};

static const struct tcase cases[] = {
	/* accepted */
	{ "{}", 0, 1, "empty object" },
	{ "[]", 0, 1, "empty array" },
	{ "0", 0, 1, "zero" },
	{ "-0", 0, 1, "minus zero" },
	{ "-0.0e-0", 0, 1, "minus zero with fraction and exponent" },
	{ "1.5e10", 0, 1, "exponent" },
	{ "1E+2", 0, 1, "capital exponent with sign" },
	{ "123456789012345678901234567890", 0, 1, "huge integer (RFC: no limit)" },
	{ "1e999", 0, 1, "huge exponent (RFC: no limit)" },
	{ "\"a\"", 0, 1, "string" },
	{ "true", 0, 1, "true" },
	{ "false", 0, 1, "false" },
	{ "null", 0, 1, "null" },
	{ " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", 0, 1, "all four whitespace characters" },
	{ "\"\\u00e9\\u20AC\"", 0, 1, "\\u escapes, both cases" },
	{ "\"\\ud83d\\ude00\"", 0, 1, "surrogate pair" },
	{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 0, 1, "every short escape" },
	{ "\"\\u0000\"", 0, 1, "\\u0000 (RFC allows it)" },
	{ "{\"a\":1,\"a\":2}", 0, 1, "duplicate keys" },
	{ "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0, 1, "raw UTF-8" },
	{ "\"\x7f\"", 0, 1, "DEL is not a control character in JSON" },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, 1, "depth 64" },
	/* refused */
	{ "", 0, 0, "empty text" },
	{ " \n", 0, 0, "only whitespace" },
	{ "{", 0, 0, "unclosed object" },
	{ "}", 0, 0, "lone close" },
	{ "[1,]", 0, 0, "trailing comma in array" },
	{ "{\"a\":1,}", 0, 0, "trailing comma in object" },
	{ "[,1]", 0, 0, "leading comma" },
	{ "[1,,2]", 0, 0, "double comma" },
	{ "{,}", 0, 0, "comma in empty object" },
	{ "01", 0, 0, "leading zero" },
	{ "-01", 0, 0, "leading zero after minus" },
	{ "00", 0, 0, "double zero" },
	{ "1.", 0, 0, "no fraction digits" },
	{ ".5", 0, 0, "no integer digits" },
	{ "+1", 0, 0, "plus sign" },
	{ "1e", 0, 0, "no exponent digits" },
	{ "1e+", 0, 0, "no exponent digits after sign" },
	{ "-", 0, 0, "lone minus" },
	{ "--1", 0, 0, "double minus" },
	{ "0x10", 0, 0, "hex" },
	{ "NaN", 0, 0, "NaN" },
	{ "Infinity", 0, 0, "Infinity" },
	{ "-Infinity", 0, 0, "-Infinity" },
	{ "tru", 0, 0, "truncated true" },
	{ "True", 0, 0, "capital True" },
	{ "nul", 0, 0, "truncated null" },
	{ "truex", 0, 0, "garbage after true" },
	{ "\"abc", 0, 0, "unterminated string" },
	{ "\"abc\\\"", 0, 0, "unterminated string ending in an escaped quote" },
	{ "\"a\x01z\"", 0, 0, "raw control character" },
	{ "\"a\tb\"", 0, 0, "raw tab in string" },
	{ "\"a\nb\"", 0, 0, "raw newline in string" },
	{ "\"\\x\"", 0, 0, "unknown escape" },
	{ "\"\\'\"", 0, 0, "escaped single quote" },
	{ "\"\\u12\"", 0, 0, "short \\u escape" },
	{ "\"\\u12G4\"", 0, 0, "bad hex digit" },
	{ "\"\\U1234\"", 0, 0, "capital \\U" },
	{ "\"\\ud800\"", 0, 0, "lone high surrogate" },
	{ "\"\\udc00\"", 0, 0, "lone low surrogate" },
	{ "\"\\ud800\\u0041\"", 0, 0, "high surrogate then non-surrogate" },
	{ "\"\\ud800\\ud800\"", 0, 0, "two high surrogates" },
	{ "\"\\ud800x\"", 0, 0, "high surrogate then a character" },
	{ "{\"a\" 1}", 0, 0, "missing colon" },
	{ "{\"a\":}", 0, 0, "missing value" },
	{ "{1:2}", 0, 0, "number key" },
	{ "{'a':1}", 0, 0, "single quotes" },
	{ "{a:1}", 0, 0, "bare key" },
	{ "[1 2]", 0, 0, "missing comma" },
	{ "[1]]", 0, 0, "extra close" },
	{ "[1}", 0, 0, "mismatched close" },
	{ "[1] x", 0, 0, "trailing garbage" },
	{ "{} {}", 0, 0, "two values" },
	{ "/* c */ {}", 0, 0, "comment" },
	{ "[1,2", 0, 0, "unclosed array" },
	{ "[\"a\"\n,]", 0, 0, "trailing comma after newline" },
	{ "\xef\xbb\xbf{}", 0, 0, "byte order mark" },
	{ "[\0]", 3, 0, "NUL byte" },
	{ "1\0", 2, 0, "NUL after the value" },
	{ "\"a\0b\"", 5, 0, "NUL byte in string" },
	{ "\x80", 0, 0, "stray continuation byte" },
	{ "\f{}", 0, 0, "form feed is not whitespace" },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, 0, "depth 65" },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		size_t n = c->n ? c->n : strlen(c->s);
		int r = parses(c->s, n);

		ok(r == c->ok, "%s: %s", c->ok ? "accept" : "reject", c->why);
		if (!r && c->ok)
			printf("#   error: %s at %zu\n", J.err, J.erroff);
		if (!r)
			ok(J.err != NULL && J.erroff <= n, "  ... with a reason (%s at %zu)",
			    J.err ? J.err : "none", J.erroff);
	}
	/* offsets of some failures */
	ok(!P("[1,]") && J.erroff == 3, "trailing comma reported at its ']'");
	ok(!P("{\"a\":1 x}") && J.erroff == 7, "garbage reported where it is");
	ok(!P("[\"ab\\q\"]") && J.erroff == 1, "bad escape reported at its string");
	is_str(J.err, "bad escape in string", "bad escape reason");
	ok(!P("[1] x") && strcmp(J.err, "trailing characters after the value") == 0,
	    "trailing garbage reason");
	/* every prefix of a valid document but the whole is refused */
	{
		static const char doc[] = "{\"a\":[1,-2.5e3,\"x\\u00e9\"],\"b\":{\"c\":true,\"d\":null}}";
		int bad = 0;

		for (size_t n = 0; n < sizeof doc - 1; n++)
			bad += parses(doc, n);
		ok(bad == 0 && P(doc), "every proper prefix refused, the whole accepted");
	}
}

static void
test_tokens(void)
{
	static const char doc[] = "{\"a\":[1,{\"b\":null}],\"c\":\"x\\ny\",\"d\":{}}";
	const struct arb_jtok *t;

	ok(P(doc), "token layout document parses");
	t = J.t;
	is_int(J.n, 11, "11 tokens");
	is_int(t[0].type, ARB_J_OBJ, "root object");
	is_int(t[0].n, 3, "3 members");
	is_int(t[0].next, 11, "root next");
	is_int(t[0].off, 0, "root off");
	is_int(t[0].len, sizeof doc - 1, "root len is the whole text");
	is_int(t[1].type, ARB_J_STR, "key a");
	is_int(t[1].off, 2, "key off after the quote");
	is_int(t[1].len, 1, "key len without quotes");
	is_int(t[2].type, ARB_J_ARR, "array");
	is_int(t[2].n, 2, "array of 2");
	is_int(t[2].next, 7, "array next skips its subtree");
	is_int(t[2].len, strlen("[1,{\"b\":null}]"), "array len");
	is_int(t[3].type, ARB_J_NUM, "number");
	is_int(t[3].len, 1, "number len");
	is_int(t[4].type, ARB_J_OBJ, "inner object");
	is_int(t[4].next, 7, "inner object next");
	is_int(t[6].type, ARB_J_NULL, "null");
	is_int(t[8].type, ARB_J_STR, "string");
	is_int(t[8].esc, 1, "string with escape flagged");
	is_int(t[7].esc, 0, "plain key not flagged");
	is_int(t[8].len, 4, "raw length of x\\ny");
	is_int(t[10].type, ARB_J_OBJ, "empty object");
	is_int(t[10].n, 0, "empty object has no members");
	is_int(arb_json_child(&J, 10), -1, "empty object has no child");
	is_int(arb_json_child(&J, 2), 3, "first child of the array");
	is_int(arb_json_next(&J, 3), 4, "sibling of the number");
	is_int(arb_json_get(&J, 0, "c"), 8, "get c");
	is_int(arb_json_get(&J, 0, "d"), 10, "get d");
	is_int(arb_json_get(&J, 0, "e"), -1, "get missing");
	is_int(arb_json_get(&J, 0, ""), -1, "get empty key");
	{
		struct arb_json k;

		arb_json_init(&k);
		ok(arb_json_parse(&k, "{\"a\":1,\"\":2}", 12) == 0 && arb_json_get(&k, 0, "") == 4,
		    "get an empty key that is there");
		arb_json_free(&k);
	}
	is_int(arb_json_get(&J, 2, "a"), -1, "get on an array");
	is_int(arb_json_get(&J, 4, "b"), 6, "get in the inner object");
	is_int(arb_json_at(&J, 2, 0), 3, "at 0");
	is_int(arb_json_at(&J, 2, 1), 4, "at 1");
	is_int(arb_json_at(&J, 2, 2), -1, "at out of range");
	is_int(arb_json_at(&J, 0, 0), -1, "at on an object");
	is_int(arb_json_at(&J, -1, 0), -1, "at on -1");
	is_int(arb_json_get(&J, 99, "a"), -1, "get on an index past the end");
	ok(arb_json_streq(&J, 1, "a"), "streq a");
	ok(!arb_json_streq(&J, 1, "ab"), "streq longer");
	ok(!arb_json_streq(&J, 1, ""), "streq shorter");
	ok(!arb_json_streq(&J, 3, "1"), "streq on a number");
	ok(arb_json_streq(&J, 8, "x\ny"), "streq unescapes");

	/* json.c keeps what it saw of a number in esc (rec.c relies on it) */
	ok(P("[1,1.5,1e3,1.5E-3,-0,-12.0]"), "numbers parse");
	ok(J.t[1].esc == 0 && J.t[2].esc == 1 && J.t[3].esc == 2 && J.t[4].esc == 3 &&
	    J.t[5].esc == 0 && J.t[6].esc == 1, "a NUM's esc: 1 fraction, 2 exponent");

	ok(P("{\"\\u0074ype\":\"b\\u006fok\"}"), "escaped key parses");
	is_int(arb_json_get(&J, 0, "type"), 2, "get finds an escaped key");
	ok(arb_json_streq(&J, 2, "book"), "streq on an escaped value");
	ok(!arb_json_streq(&J, 2, "boo"), "streq on an escaped value, shorter literal");
	ok(!arb_json_streq(&J, 2, "books"), "streq on an escaped value, longer literal");
	ok(P("\"a\\u0000b\""), "\\u0000 parses");
	ok(!arb_json_streq(&J, 0, "a"), "a NUL never equals a C literal");

	/* the token array is reused: a big document then a small one */
	{
		struct arb_buf b = { 0 };
		uint32_t cap;

		arb_buf_addc(&b, '[');
		for (int i = 0; i < 5000; i++)
			arb_buf_adds(&b, i ? ",[1,\"x\"]" : "[1,\"x\"]");
		arb_buf_addc(&b, ']');
		ok(parses(b.p, b.len) && J.n == 15001, "15001 tokens");
		cap = J.cap;
		ok(P("[1]") && J.n == 2 && J.cap == cap, "then 2 tokens in the same array");
		arb_buf_free(&b);
	}
}

static void
test_str(void)
{
	char buf[64];

	ok(P("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\"\\u00e9\\u20ac\\ud83d\\ude00\",\"plain\",1]"),
	    "strings parse");
	is_int(arb_json_str(&J, 1, buf, sizeof buf), 12, "short escapes length");
	is_str(buf, "a\"b\\c/d\b\f\n\r\t", "short escapes unescaped");
	is_int(arb_json_str(&J, 2, buf, sizeof buf), 9, "\\u escapes length");
	is_str(buf, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\\u escapes and a pair as UTF-8");
	is_int(arb_json_str(&J, 3, buf, sizeof buf), 5, "plain string");
	is_str(buf, "plain", "plain copied");
	is_int(arb_json_str(&J, 3, buf, 6), 5, "plain string fits exactly");
	is_int(arb_json_str(&J, 3, buf, 5), -1, "plain string one byte short");
	is_int(arb_json_str(&J, 2, buf, 10), 9, "escaped string fits exactly");
	is_int(arb_json_str(&J, 2, buf, 9), -1, "escaped string one byte short");
	is_int(arb_json_str(&J, 4, buf, sizeof buf), -1, "number is not a string");
	is_int(arb_json_str(&J, 0, buf, sizeof buf), -1, "array is not a string");
	ok(P("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\\udbff\\udfff\""), "boundary code points");
	is_int(arb_json_str(&J, 0, buf, sizeof buf), 1 + 2 + 2 + 3 + 3 + 4, "boundary lengths");
	ok(memcmp(buf, "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf", 15) == 0,
	    "boundary code points encoded");
}

static void
test_i64(void)
{
	static const struct { const char *s; int ok; int64_t v; } c[] = {
		{ "0", 1, 0 }, { "-0", 1, 0 }, { "42", 1, 42 }, { "-7", 1, -7 },
		{ "1633998512068000", 1, 1633998512068000 },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "9223372036854775808", 0, 0 },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "-9223372036854775809", 0, 0 },
		{ "99999999999999999999", 0, 0 },
		{ "1.0", 0, 0 }, { "1e3", 0, 0 }, { "-1.5", 0, 0 },
		{ "\"42\"", 1, 42 }, { "\"-42\"", 1, -42 }, { "\"042\"", 0, 0 },
		{ "\"\"", 0, 0 }, { "\"-\"", 0, 0 }, { "\"4 2\"", 0, 0 }, { "\"+4\"", 0, 0 },
		{ "\"1.5\"", 0, 0 }, { "\"\\u0034\"", 0, 0 }, { "true", 0, 0 }, { "null", 0, 0 },
		{ "\"9223372036854775807\"", 1, INT64_MAX }, { "\"9223372036854775808\"", 0, 0 },
	};

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int64_t v = 12345;
		int r;

		if (!parses(c[i].s, strlen(c[i].s))) {
			ok(0, "i64 %s parses", c[i].s);
			continue;
		}
		r = arb_json_i64(&J, 0, &v);
		if (c[i].ok)
			ok(r == 0 && v == c[i].v, "i64 %s", c[i].s);
		else
			ok(r == -1 && v == 12345, "i64 %s refused, value untouched", c[i].s);
	}
	ok(arb_json_i64(&J, 5, &(int64_t){ 0 }) == -1, "i64 on a missing token");
	ok(arb_json_i64(&J, -1, &(int64_t){ 0 }) == -1, "i64 on -1");
}

static void
test_dec(void)
{
	static const struct { const char *s; int ok; const char *fmt; } c[] = {
		{ "61234.50", 1, "61234.50" },
		{ "0.00000001", 1, "0.00000001" },
		{ "-3", 1, "-3" },
		{ "1e-8", 1, "0.00000001" },
		{ "\"0.35130000\"", 1, "0.35130000" },
		{ "\"6195.00000000\"", 1, "6195.00000000" },
		{ "\"\"", 0, NULL },
		{ "\"abc\"", 0, NULL },
		{ "\"1\\u0030\"", 0, NULL },
		{ "true", 0, NULL },
		{ "null", 0, NULL },
		{ "[1]", 0, NULL },
		{ "1234567890123456789012345678901234567890123", 0, NULL },
		{ "0.10", 1, "0.10" },
		{ "-0.00", 1, "0.00" },
		{ "\"00.1\"", 1, "0.1" },
		{ "\"1.\"", -1, NULL },
		{ "\"+1\"", -1, NULL },
		{ "\"1.2.3\"", 0, NULL },
		{ "\"-.5\"", -1, NULL },
		{ "123456789012345678", 1, "123456789012345678" },
		{ "-12345678901234567", 1, "-12345678901234567" },
		{ "1234567890123456789", 1, "1234567890123456789" },
		{ "-1234567890.12345678", 1, "-1234567890.12345678" },
		{ "9999999999999999999999999999999999999", 1, "9999999999999999999999999999999999999" },
	};
	char buf[ARB_DEC_STRMAX];

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		arb_dec d;
		const char *why = NULL;
		int r;

		if (!parses(c[i].s, strlen(c[i].s))) {
			ok(0, "dec %s parses", c[i].s);
			continue;
		}
		r = arb_json_dec(&J, 0, &d, &why);
		if (c[i].ok < 0) {
			/* whatever arb_dec_parse says about it */
			arb_dec d2;
			int r2 = arb_dec_parse(&d2, J.src + J.t[0].off, J.t[0].len, &why);

			ok(r == r2 && (r || (d.m == d2.m && d.s == d2.s)), "dec %s as arb_dec_parse says (%d)", c[i].s, r2);
		} else if (c[i].ok) {
			ok(r == 0, "dec %s", c[i].s);
			buf[arb_dec_fmt(d, buf)] = '\0';
			is_str(buf, c[i].fmt, "  ... formats back");
		} else {
			ok(r == -1 && why != NULL, "dec %s refused (%s)", c[i].s, why ? why : "no reason");
		}
	}
}

static void
test_quote(void)
{
	static const struct { const char *in; size_t n; const char *out; const char *name; } c[] = {
		{ "plain", 5, "\"plain\"", "plain" },
		{ "", 0, "\"\"", "empty" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash" },
		{ "\n\t\r\b\f\x01\x1f", 7, "\"\\u000a\\u0009\\u000d\\u0008\\u000c\\u0001\\u001f\"",
		  "control characters as \\u00XX" },
		{ "a\0b", 3, "\"a\\u0000b\"", "NUL" },
		{ "/\x7f", 2, "\"/\x7f\"", "slash and DEL as they are" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
		  "UTF-8 as it is" },
		{ "a\xff" "b", 3, "\"a\xef\xbf\xbd" "b\"", "invalid byte -> U+FFFD" },
		{ "\xc3", 1, "\"\xef\xbf\xbd\"", "truncated sequence -> U+FFFD" },
		{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong -> U+FFFD each" },
		{ "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "encoded surrogate -> U+FFFD" },
		{ "\xf4\x90\x80\x80", 4, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		  "above U+10FFFF -> U+FFFD" },
	};
	struct arb_buf b = { 0 };

	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		arb_buf_reset(&b);
		arb_json_quote(&b, c[i].in, c[i].n);
		is_str(b.p, c[i].out, "quote: %s", c[i].name);
	}
	/* every byte string of valid UTF-8 survives quote + parse + str */
	{
		char in[256], out[2048];
		int bad = 0;

		for (int k = 0; k < 128; k++)
			in[k] = (char)(k + 1 == 128 ? 'z' : k + 1);
		memcpy(in + 127, "\xc3\xa9\xf0\x9f\x98\x80", 6);
		arb_buf_reset(&b);
		arb_json_quote(&b, in, 133);
		if (!parses(b.p, b.len) || arb_json_str(&J, 0, out, sizeof out) != 133 ||
		    memcmp(in, out, 133) != 0)
			bad = 1;
		ok(!bad, "quote then parse gives the bytes back");
	}
	arb_buf_free(&b);
}

/* ---- the oracle ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static void
ws(struct arb_buf *b)
{
	static const char w[] = " \t\n\r";

	if (rnd(8) == 0)
		for (int k = rnd(3) + 1; k; k--)
			arb_buf_addc(b, w[rnd(4)]);
}

static void
gen_digits(struct arb_buf *b, int first_nonzero, int n)
{
	for (int i = 0; i < n; i++)
		arb_buf_addc(b, (char)('0' + (i == 0 && first_nonzero ? 1 + rnd(9) : rnd(10))));
}

static void
gen_number(struct arb_buf *b)
{
	if (rnd(2))
		arb_buf_addc(b, '-');
	if (rnd(4) == 0)
		arb_buf_addc(b, '0');
	else
		gen_digits(b, 1, 1 + (int)rnd(rnd(8) == 0 ? 30 : 8));
	if (rnd(2)) {
		arb_buf_addc(b, '.');
		gen_digits(b, 0, 1 + (int)rnd(12));
	}
	if (rnd(5) == 0) {
		arb_buf_addc(b, rnd(2) ? 'e' : 'E');
		if (rnd(2))
			arb_buf_addc(b, rnd(2) ? '+' : '-');
		gen_digits(b, 0, 1 + (int)rnd(rnd(6) == 0 ? 4 : 2));
	}
}

static void
gen_string(struct arb_buf *b)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	int n = (int)rnd(12);

	arb_buf_addc(b, '"');
	for (int i = 0; i < n; i++) {
		switch (rnd(10)) {
		case 0: {
			static const char e[] = "\"\\/bfnrt";

			arb_buf_addc(b, '\\');
			arb_buf_addc(b, e[rnd(8)]);
			break;
		}
		case 1: {
			uint32_t cp;
			char u[16];

			do
				cp = rnd(8) == 0 ? rnd(0x20) : rnd(0x10000);
			while (cp >= 0xd800 && cp <= 0xdfff);
			if (rnd(40) == 0)
				cp = 0;
			snprintf(u, sizeof u, "\\u%04x", cp);
			if (rnd(2))
				for (int k = 2; k < 6; k++)
					if (u[k] >= 'a')
						u[k] = hex[u[k] - 'a' + 16];
			arb_buf_adds(b, u);
			break;
		}
		case 2: {
			char u[16];

			snprintf(u, sizeof u, "\\u%04x\\u%04x", 0xd800 + rnd(0x400), 0xdc00 + rnd(0x400));
			arb_buf_adds(b, u);
			break;
		}
		case 3: {
			static const char *const m[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
				"\xdf\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf" };

			arb_buf_adds(b, m[rnd(6)]);
			break;
		}
		default:
		{
			char ch = (char)(0x20 + rnd(0x5f));

			if (ch == '"' || ch == '\\')
				ch = 'x';
			arb_buf_addc(b, ch);
			break;
		}
		}
	}
	arb_buf_addc(b, '"');
}

static void
gen_value(struct arb_buf *b, int depth)
{
	uint32_t n;

	ws(b);
	switch (rnd(depth > 5 ? 5 : 8)) {
	case 0:
	case 1:
		gen_number(b);
		break;
	case 2:
	case 3:
		gen_string(b);
		break;
	case 4: {
		static const char *const l[] = { "true", "false", "null" };

		arb_buf_adds(b, l[rnd(3)]);
		break;
	}
	case 5:
	case 6:
		arb_buf_addc(b, '[');
		n = rnd(5);
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				arb_buf_addc(b, ',');
			gen_value(b, depth + 1);
		}
		ws(b);
		arb_buf_addc(b, ']');
		break;
	default:
		arb_buf_addc(b, '{');
		n = rnd(5);
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				arb_buf_addc(b, ',');
			ws(b);
			if (rnd(4) == 0 && i) {
				arb_buf_adds(b, "\"k0\"");   /* duplicate keys now and then */
			} else {
				char k[16];

				snprintf(k, sizeof k, "\"k%u\"", i);
				if (rnd(3) == 0)
					gen_string(b);
				else
					arb_buf_adds(b, k);
			}
			ws(b);
			arb_buf_addc(b, ':');
			gen_value(b, depth + 1);
		}
		ws(b);
		arb_buf_addc(b, '}');
		break;
	}
	ws(b);
}

/* Mutates b in place: 1 to 3 random edits. */
static void
mutate(struct arb_buf *b)
{
	static const char interesting[] = "\"\\,:[]{}0-+.eE u \t\n\x01\x1f\x7f";
	static const char *const chunks[] = { "\\u0000", "\\ud800", "\\udc00", "1e999",
		"99999999999999999999", "\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\\u",
		"[", "{", "]", "}", ",", "\"", "tru", "null", "-0", "01", "1.", ".1" };
	int edits = 1 + (int)rnd(3);

	for (int k = 0; k < edits; k++) {
		size_t at = b->len ? rnd((uint32_t)b->len + 1) : 0;

		switch (rnd(6)) {
		case 0:  /* replace a byte */
			if (at < b->len)
				b->p[at] = rnd(3) ? interesting[rnd(sizeof interesting - 1)] : (char)rnd(256);
			break;
		case 1:  /* delete a byte */
			if (at < b->len) {
				memmove(b->p + at, b->p + at + 1, b->len - at - 1);
				b->len--;
			}
			break;
		case 2:  /* truncate */
			b->len = at;
			break;
		case 3: { /* insert a chunk */
			const char *c = chunks[rnd(sizeof chunks / sizeof chunks[0])];
			size_t n = strlen(c);

			arb_buf_reserve(b, n);
			memmove(b->p + at + n, b->p + at, b->len - at);
			memcpy(b->p + at, c, n);
			b->len += n;
			break;
		}
		case 4:  /* insert a byte */
			arb_buf_reserve(b, 1);
			memmove(b->p + at + 1, b->p + at, b->len - at);
			b->p[at] = rnd(2) ? interesting[rnd(sizeof interesting - 1)] : (char)rnd(256);
			b->len++;
			break;
		default: { /* duplicate a slice */
			size_t n = rnd(16), from = rnd((uint32_t)b->len + 1);

			if (from + n > b->len)
				n = b->len - from;
			arb_buf_reserve(b, n);
			memmove(b->p + at + n, b->p + at, b->len - at);
			memmove(b->p + at, b->p + (from >= at ? from + n : from), n);
			b->len += n;
			break;
		}
		}
	}
	if (b->cap)
		b->p[b->len] = '\0';
}

static int mismatches;
static unsigned long dec_checked, dec_disagree;

/* arb_json_dec (with its inline fast path) must agree with arb_dec_parse. */
static void
dec_agree(void)
{
	for (uint32_t i = 0; i < J.n; i++) {
		const struct arb_jtok *t = &J.t[i];
		arb_dec a, b;
		const char *why;
		int ra, rb;

		if (t->type != ARB_J_NUM && (t->type != ARB_J_STR || t->esc || t->len == 0))
			continue;
		ra = arb_json_dec(&J, (int)i, &a, &why);
		rb = arb_dec_parse(&b, J.src + t->off, t->len, &why);
		dec_checked++;
		if (ra != rb || (ra == 0 && (a.m != b.m || a.s != b.s))) {
			if (dec_disagree++ < 5)
				printf("# arb_json_dec and arb_dec_parse disagree on '%.*s'\n",
				    (int)t->len, J.src + t->off);
		}
	}
}

static void
check(const char *s, size_t n, struct oracle_stats *st, const char *what)
{
	/* a private copy, so that a read past the end is caught by the sanitizers */
	char *c = xmalloc(n ? n : 1);
	const char *why;

	memcpy(c, s, n);
	why = oracle_check(&J, c, n, st);
	if (arb_json_parse(&J, c, n) == 0)
		dec_agree();
	if (why)
		st->mismatch++;
	if (why && mismatches++ < 10) {
		printf("# %s mismatch (%s) on %zu bytes: '", what, why, n);
		for (size_t i = 0; i < n && i < 300; i++)
			printf((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? "\\x%02x" : "%c",
			    (unsigned char)s[i]);
		printf("'\n#   ours: %s\n", J.err ? J.err : "ok");
		{
			json_error_t e;
			json_t *v = json_loadb(s, n, JSON_DECODE_ANY, &e);

			printf("#   jansson: %s\n", v ? "ok" : e.text);
			json_decref(v);
		}
	}
	free(c);
}

static void
report(const char *name, const struct oracle_stats *st)
{
	ok(st->mismatch == 0, "%s: %lu inputs, %lu accepted, %lu rejected, same decisions as jansson",
	    name, st->inputs, st->accepted, st->rejected);
	printf("#   allowed differences: \\u0000 %lu, number range %lu, invalid UTF-8 %lu, depth %lu, "
	    "NUL after a scalar %lu\n", st->nul, st->overflow, st->utf8, st->deep, st->nulbyte);
}

static void
test_oracle_generated(void)
{
	struct oracle_stats sg = { 0 }, sm = { 0 };
	struct arb_buf b = { 0 }, m = { 0 };

	for (int i = 0; i < 4000; i++) {
		arb_buf_reset(&b);
		gen_value(&b, 0);
		check(b.p, b.len, &sg, "generated");
		for (int k = 0; k < 8; k++) {
			arb_buf_reset(&m);
			arb_buf_add(&m, b.p, b.len);
			mutate(&m);
			check(m.p, m.len, &sm, "mutated");
		}
	}
	report("generated documents", &sg);
	ok(sg.rejected == 0, "every generated document is valid JSON to jansson");
	/* deep nesting around the limit, in arrays and objects */
	for (int d = 60; d <= 70; d++) {
		arb_buf_reset(&b);
		for (int k = 0; k < d; k++)
			arb_buf_adds(&b, k & 1 ? "{\"a\":" : "[");
		arb_buf_adds(&b, "1");
		for (int k = d - 1; k >= 0; k--)
			arb_buf_adds(&b, k & 1 ? "}" : "]");
		check(b.p, b.len, &sm, "deep");
	}
	report("mutated documents", &sm);
	ok(sm.deep == 6, "depth 65..70 refused by us only");
	arb_buf_free(&b);
	arb_buf_free(&m);
}

/* Every frame of the recordings: `<ts>: <json>` and the REST/sent forms. */
static void
test_oracle_recorded(void)
{
	const char *dir = getenv("ARB_SHARED_DATA");
	char path[8192], top[4096];
	struct oracle_stats st = { 0 }, sm = { 0 };
	struct arb_buf m = { 0 };
	struct dirent **names;
	int nf, files = 0;

	if (!dir && getenv("top_srcdir")) {
		snprintf(top, sizeof top, "%s/share/data", getenv("top_srcdir"));
		dir = top;
	}
	if (!dir) {
		ok(1, "# SKIP ARB_SHARED_DATA not set");
		return;
	}
	snprintf(path, sizeof path, "%s/recorded", dir);
	if ((nf = scandir(path, &names, NULL, alphasort)) < 0) {
		ok(1, "# SKIP no recordings at %s", path);
		return;
	}
	for (int f = 0; f < nf; f++) {
		char *data, *p, *e, *nl, *colon;
		size_t len;

		if (names[f]->d_name[0] == '.') {
			free(names[f]);
			continue;
		}
		snprintf(path, sizeof path, "%s/recorded/%s", dir, names[f]->d_name);
		free(names[f]);
		if ((data = arb_readfile(path, &len)) == NULL)
			continue;
		files++;
		for (p = data, e = data + len; p < e; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
				nl = e;
			colon = memmem(p, (size_t)(nl - p), ": ", 2);
			if (!colon)
				continue;
			colon += 2;
			check(colon, (size_t)(nl - colon), &st, path);
			/* a few mutations of the smaller frames */
			if (nl - colon < 4096 && rnd(8) == 0) {
				arb_buf_reset(&m);
				arb_buf_add(&m, colon, (size_t)(nl - colon));
				mutate(&m);
				check(m.p, m.len, &sm, "mutated frame");
			}
		}
		free(data);
	}
	free(names);
	ok(files >= 10, "read %d recordings", files);
	report("recorded frames", &st);
	ok(st.accepted > 15000, "more than 15000 recorded frames are JSON (%lu)", st.accepted);
	report("mutated recorded frames", &sm);
	ok(dec_disagree == 0, "arb_json_dec agrees with arb_dec_parse on %lu numbers", dec_checked);
	arb_buf_free(&m);
}

int
main(void)
{
	arb_json_init(&J);
	test_cases();
	test_tokens();
	test_str();
	test_i64();
	test_dec();
	test_quote();
	test_oracle_generated();
	test_oracle_recorded();
	arb_json_free(&J);
	return done_testing();
}
