/*
 * json.h: a fast, allocation-free (after warm-up) JSON tokenizer for the
 * hot paths: our own records and venue frames.  It validates the whole
 * text strictly (RFC 8259: no trailing commas, no comments, no leading
 * zeros, valid escapes, control characters rejected in strings) and
 * produces a flat array of tokens in document order.  Values are not
 * converted: callers read numbers as exact decimals (dec.h) straight from
 * the text.  Cold paths (REST metadata, config) may use jansson instead.
 */
#ifndef ARB_JSON_H
#define ARB_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "dec.h"

enum arb_jtype {
	ARB_J_OBJ = 1, ARB_J_ARR, ARB_J_STR, ARB_J_NUM, ARB_J_TRUE, ARB_J_FALSE, ARB_J_NULL
};

struct arb_jtok {
	uint8_t type;     /* enum arb_jtype */
	uint8_t esc;      /* STR: contains a backslash escape; NUM: 1 has a
	                     fraction, 2 has an exponent (bits) */
	uint32_t off;     /* strings: first byte after the quote; others: first byte */
	uint32_t len;     /* strings: bytes between the quotes; containers: whole text */
	uint32_t next;    /* index of the first token after this value's subtree */
	uint32_t n;       /* containers: number of members (object: pairs) */
};

/* Object members are stored as key token (STR) then value token. */
struct arb_json {
	const char *src;
	size_t srclen;
	struct arb_jtok *t;
	uint32_t n, cap;
	const char *err;    /* reason of the last failure (static string) */
	size_t erroff;      /* byte offset of the failure */
};

void arb_json_init(struct arb_json *j);
void arb_json_free(struct arb_json *j);
/* Tokenizes src[0..len).  Whitespace may surround one value; anything else
 * after it is an error.  Max nesting depth 64.  0 ok, -1 (j->err). */
int arb_json_parse(struct arb_json *j, const char *src, size_t len);

/* Index of the value of key in object token obj, or -1. */
int arb_json_get(const struct arb_json *j, int obj, const char *key);
/* Index of the i-th element of array arr (0-based), or -1. */
int arb_json_at(const struct arb_json *j, int arr, uint32_t i);
/* The first child of a container (array element or object key), or -1. */
static inline int arb_json_child(const struct arb_json *j, int c)
{ return j->t[c].n ? c + 1 : -1; }
/* The sibling after token i (skipping its subtree). */
static inline int arb_json_next(const struct arb_json *j, int i)
{ return (int)j->t[i].next; }

/* True when token i is a string equal to lit (raw compare; lit has no
 * characters that need escaping). */
int arb_json_streq(const struct arb_json *j, int i, const char *lit);
/* Copies string token i unescaped (UTF-8) into buf, NUL-terminated.
 * Returns its length, or -1 when not a string or it does not fit. */
int arb_json_str(const struct arb_json *j, int i, char *buf, size_t cap);
/* Integer value of a NUM token without fraction or exponent (or a STR
 * holding one, as venues quote ids).  0 ok, -1 otherwise or overflow. */
int arb_json_i64(const struct arb_json *j, int i, int64_t *v);
/* Exact decimal of a NUM token, or of a STR token holding a number
 * (venues quote prices).  0 ok, -1 with *why. */
int arb_json_dec(const struct arb_json *j, int i, arb_dec *d, const char **why);
/* Pointer to the raw text of token i (strings: without the quotes). */
static inline const char *arb_json_raw(const struct arb_json *j, int i)
{ return j->src + j->t[i].off; }

/* Appends s as a JSON string literal (with quotes and escapes). */
struct arb_buf;
void arb_json_quote(struct arb_buf *b, const char *s, size_t n);

#endif
