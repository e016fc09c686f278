/*
 * json-oracle.h: checks arb_json_parse against jansson on one input, for
 * tests/unit/t-json.c and tests/fuzz/fuzz-json.c.
 *
 * jansson is loaded with JSON_DECODE_ANY (a scalar is a whole document,
 * as for arb_json_parse) and without JSON_ALLOW_NUL.  The accept/reject
 * decisions must be equal, and when both accept, the token tree must
 * equal jansson's tree: types, member counts, keys and strings unescaped
 * byte for byte, integers equal, reals equal after strtod; plus our own
 * invariants (offsets, lengths, `next`).
 *
 * Allowed differences, each confirmed rather than assumed:
 *
 *  1. "\u0000" in a string.  RFC 8259 allows it; jansson refuses it
 *     without JSON_ALLOW_NUL (json_error_null_character, and in a key
 *     json_error_null_byte_in_key).  We accept.
 *  2. Numbers out of the range of long long or double.  RFC 8259 sets no
 *     limit; jansson converts and refuses (json_error_numeric_overflow).
 *     We keep the text, and the exact decimal parser (dec.h) decides.
 *  3. Invalid UTF-8 inside strings.  The line reader (io.h) rejects such
 *     lines before anything is tokenized, so the tokenizer copies bytes
 *     >= 0x80 without decoding them; jansson refuses (json_error_invalid_utf8).
 *  For 1-3, when we accept and jansson refuses with that error, the text
 *  is normalised (every number token becomes "0" and spaces, every
 *  \u0000 becomes \u0020, and when the input is not valid UTF-8 every
 *  byte >= 0x80 becomes 'a') and jansson must then accept it: so no other
 *  error can hide behind an allowed one.
 *  4. Nesting deeper than 64.  We refuse ("nesting too deep"); jansson
 *     allows 2048.  Allowed only when jansson's tree really is deeper than 64.
 *  5. A raw NUL byte right after a number or a literal: jansson 2.14 drops
 *     it ("[1.5\0]" and "true\0" load), a bug of its stream reader, which
 *     uses NUL as its own end-of-buffer mark.  RFC 8259 has no place for
 *     NUL outside strings, and we refuse it.  Allowed when, with those NUL
 *     bytes removed, we accept the text and build the same tree.
 */
#ifndef ARB_JSON_ORACLE_H
#define ARB_JSON_ORACLE_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct oracle_stats {
	unsigned long inputs, accepted, rejected;
	unsigned long nul, overflow, utf8, deep, nulbyte;  /* allowed differences seen */
	unsigned long mismatch;                    /* kept by the caller */
};

/* RFC 3629 UTF-8 validity (no overlongs, surrogates, > U+10FFFF). */
static int
oracle_utf8_ok(const unsigned char *p, size_t n)
{
	const unsigned char *e = p + n;

	while (p < e) {
		unsigned c = *p;
		size_t k;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4;
		else
			return 0;
		if ((size_t)(e - p) < k)
			return 0;
		for (size_t x = 1; x < k; x++)
			if ((p[x] & 0xc0) != 0x80)
				return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
		    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		p += k;
	}
	return 1;
}

static size_t
oracle_depth(const json_t *v)
{
	size_t d = 0, x;
	const char *k;
	json_t *c;

	if (json_is_array(v)) {
		json_array_foreach(v, x, c) {
			size_t e = oracle_depth(c);
			if (e > d)
				d = e;
		}
		return d + 1;
	}
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			size_t e = oracle_depth(c);
			if (e > d)
				d = e;
		}
		return d + 1;
	}
	return 0;
}

/* Unescaped string token i (malloc'd); *n its length. */
static char *
oracle_str(const struct arb_json *j, int i, size_t *n)
{
	size_t cap = j->t[i].len + 1;
	char *b = malloc(cap);
	int r;

	if (!b)
		abort();
	r = arb_json_str(j, i, b, cap);
	if (r < 0) {
		free(b);
		return NULL;
	}
	*n = (size_t)r;
	return b;
}

/* Compares the subtree at token i with v; returns a reason or NULL. */
static const char *
oracle_tree(const struct arb_json *j, int i, const json_t *v)
{
	const struct arb_jtok *t = &j->t[i];
	const char *src = j->src, *why;
	uint32_t c, k;

	if (t->next <= (uint32_t)i || t->next > j->n)
		return "bad next";
	switch (t->type) {
	case ARB_J_OBJ: {
		size_t distinct = 0;

		if (!json_is_object(v))
			return "object vs other";
		if (src[t->off] != '{' || src[t->off + t->len - 1] != '}')
			return "object off/len";
		for (c = (uint32_t)i + 1, k = 0; k < t->n; k++, c = j->t[c + 1].next) {
			size_t kl, kl2;
			char *key = oracle_str(j, (int)c, &kl), *key2;
			uint32_t d, m;
			int last = 1;
			json_t *jv;

			if (!key)
				return "key unescape failed";
			if (j->t[c].type != ARB_J_STR)
				return "key not a string";
			/* only the last of duplicate keys counts in jansson */
			for (d = j->t[c + 1].next, m = k + 1; m < t->n; m++, d = j->t[d + 1].next) {
				key2 = oracle_str(j, (int)d, &kl2);
				if (key2 && kl2 == kl && memcmp(key, key2, kl) == 0)
					last = 0;
				free(key2);
			}
			jv = json_object_getn(v, key, kl);
			free(key);
			if (!jv)
				return "key missing in jansson";
			if (last) {
				distinct++;
				if ((why = oracle_tree(j, (int)c + 1, jv)) != NULL)
					return why;
			}
		}
		if (c != t->next)
			return "object next";
		if (json_object_size(v) != distinct)
			return "object size";
		return NULL;
	}
	case ARB_J_ARR:
		if (!json_is_array(v))
			return "array vs other";
		if (src[t->off] != '[' || src[t->off + t->len - 1] != ']')
			return "array off/len";
		if (json_array_size(v) != t->n)
			return "array size";
		for (c = (uint32_t)i + 1, k = 0; k < t->n; k++, c = j->t[c].next)
			if ((why = oracle_tree(j, (int)c, json_array_get(v, k))) != NULL)
				return why;
		if (c != t->next)
			return "array next";
		return NULL;
	case ARB_J_STR: {
		size_t n;
		char *s;
		int same;

		if (!json_is_string(v))
			return "string vs other";
		if (src[t->off - 1] != '"' || src[t->off + t->len] != '"')
			return "string off/len";
		if (t->next != (uint32_t)i + 1)
			return "string next";
		if ((s = oracle_str(j, i, &n)) == NULL)
			return "string unescape failed";
		same = n == json_string_length(v) && memcmp(s, json_string_value(v), n) == 0;
		free(s);
		return same ? NULL : "string value";
	}
	case ARB_J_NUM: {
		char buf[512], *end;
		int64_t x;
		int isint = 1;

		for (k = 0; k < t->len; k++)
			if (src[t->off + k] == '.' || (src[t->off + k] | 0x20) == 'e')
				isint = 0;
		if (json_is_integer(v)) {
			if (!isint || arb_json_i64(j, i, &x) < 0 || x != json_integer_value(v))
				return "integer value";
			return NULL;
		}
		if (!json_is_real(v) || isint)
			return "number vs other";
		if (t->len >= sizeof buf)
			return NULL;
		memcpy(buf, src + t->off, t->len);
		buf[t->len] = '\0';
		if (strtod(buf, &end) != json_real_value(v) || end != buf + t->len)
			return "real value";
		return NULL;
	}
	case ARB_J_TRUE:
		return json_is_true(v) ? NULL : "true";
	case ARB_J_FALSE:
		return json_is_false(v) ? NULL : "false";
	case ARB_J_NULL:
		return json_is_null(v) ? NULL : "null";
	default:
		return "bad token type";
	}
}

/*
 * Runs both parsers on s[0..n).  Returns NULL when they agree (or differ
 * in an allowed, confirmed way), else a static description.
 */
static const char *
oracle_check(struct arb_json *j, const char *s, size_t n, struct oracle_stats *st)
{
	json_error_t err;
	json_t *v = json_loadb(s, n, JSON_DECODE_ANY, &err);
	int ours = arb_json_parse(j, s, n) == 0;
	const char *why = NULL;

	st->inputs++;
	if (ours && v) {
		st->accepted++;
		why = oracle_tree(j, 0, v);
		if (!why && j->t[0].next != j->n)
			why = "root next";
	} else if (!ours && !v) {
		st->rejected++;
	} else if (!ours) {
		/* we refuse, jansson accepts: only for depth */
		if (j->err && strcmp(j->err, "nesting too deep") == 0 && oracle_depth(v) > 64) {
			st->deep++;
		} else if (memchr(s, '\0', n)) {
			char *c = malloc(n ? n : 1);
			size_t m = 0;

			if (!c)
				abort();
			for (size_t k = 0; k < n; k++)
				if (s[k] != '\0' || k == 0 || !strchr("0123456789el", s[k - 1]) ||
				    s[k - 1] == '\0')
					c[m++] = s[k];
			if (arb_json_parse(j, c, m) < 0 || oracle_tree(j, 0, v) != NULL)
				why = "we reject what jansson accepts";
			else
				st->nulbyte++;
			free(c);
		} else {
			why = "we reject what jansson accepts";
		}
	} else {
		enum json_error_code code = json_error_code(&err);
		char *c;
		json_t *v2;

		if (code != json_error_null_character && code != json_error_null_byte_in_key &&
		    code != json_error_numeric_overflow && code != json_error_invalid_utf8)
			return "we accept what jansson rejects";
		if (code == json_error_invalid_utf8 && oracle_utf8_ok((const unsigned char *)s, n))
			return "jansson says invalid UTF-8 but it is valid";
		/* normalise and confirm that nothing else was wrong */
		if ((c = malloc(n ? n : 1)) == NULL)
			abort();
		memcpy(c, s, n);
		for (uint32_t i = 0; i < j->n; i++) {
			const struct arb_jtok *t = &j->t[i];

			if (t->type == ARB_J_NUM) {
				memset(c + t->off, ' ', t->len);
				c[t->off] = '0';
			} else if (t->type == ARB_J_STR && t->esc) {
				for (uint32_t k = t->off; k < t->off + t->len; ) {
					if (c[k] != '\\') {
						k++;
					} else if (c[k + 1] == 'u') {
						if (memcmp(c + k + 2, "0000", 4) == 0)
							c[k + 4] = '2';
						k += 6;
					} else {
						k += 2;
					}
				}
			}
		}
		if (!oracle_utf8_ok((const unsigned char *)s, n))
			for (size_t k = 0; k < n; k++)
				if ((unsigned char)c[k] >= 0x80)
					c[k] = 'a';
		v2 = json_loadb(c, n, JSON_DECODE_ANY, &err);
		free(c);
		if (!v2)
			return "jansson rejects the normalised text too";
		json_decref(v2);
		if (code == json_error_null_character || code == json_error_null_byte_in_key)
			st->nul++;
		else if (code == json_error_numeric_overflow)
			st->overflow++;
		else
			st->utf8++;
	}
	json_decref(v);
	return why;
}

#endif
