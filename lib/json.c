#include "config.h"
/*
 * json.c: the strict JSON tokenizer of json.h.
 *
 * One pass, no recursion: a goto state machine (value / key / after a
 * value / close) with an explicit stack of open containers.  Strings are
 * scanned eight bytes at a time for the three bytes that end the fast run
 * (quote, backslash, control character), digits eight at a time too, and
 * each token is written with one store, so a record like a book update
 * costs a few hundred nanoseconds.  The token array is grown only when it
 * is full and is reused by the next call, so a warmed-up parser does not
 * allocate.
 *
 * Every read is bounded by the length given: the text need not be NUL
 * terminated and may hold any bytes.  UTF-8 is not validated here (the
 * line reader does that); bytes >= 0x80 inside strings are taken as they
 * are, and bytes >= 0x80 anywhere else are a syntax error.
 *
 * The `esc` byte of a NUM token, which json.h leaves unused, holds what
 * the scanner saw: NUM_FRAC (a fraction) and NUM_EXP (an exponent), so
 * that arb_json_i64 and rec.c need not look at the digits again.  A
 * plain integer has esc 0.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

#define DEPTH_MAX 64
#define NUM_FRAC 1
#define NUM_EXP  2

void
arb_json_init(struct arb_json *j)
{
	memset(j, 0, sizeof *j);
}

void
arb_json_free(struct arb_json *j)
{
	free(j->t);
	memset(j, 0, sizeof *j);
}

static void
grow(struct arb_json *j)
{
	uint32_t cap = j->cap ? j->cap * 2 : 64;

	xrealloc(&j->t, (size_t)cap * sizeof *j->t);
	j->cap = cap;
}

static inline int
hexval(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

/* Value of 4 hex digits at p, or -1. */
static inline long
hex4(const unsigned char *p)
{
	int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);

	if ((a | b | c | d) < 0)
		return -1;
	return (long)a << 12 | (long)b << 8 | (long)c << 4 | (long)d;
}

/* 1 for the bytes that end a run of plain string bytes. */
static const unsigned char strstop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * Scans a string body from p (just after the opening quote) to its end,
 * validating escapes.  Returns the closing quote, or NULL with *err.
 * Sets *esc when a backslash is seen.  The slow path: str_end below
 * handles plain strings inline and calls this at the first special byte.
 */
static __attribute__((noinline)) const unsigned char *
scan_str(const unsigned char *p, const unsigned char *e, uint8_t *esc, const char **err)
{
	for (;;) {
		while (p < e && !strstop[*p])
			p++;
		if (p == e) {
			*err = "unterminated string";
			return NULL;
		}
		if (*p == '"')
			return p;
		if (*p < 0x20) {
			*err = "control character in string";
			return NULL;
		}
		/* a backslash escape */
		*esc = 1;
		if (++p == e) {
			*err = "unterminated string";
			return NULL;
		}
		switch (*p) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			p++;
			break;
		case 'u': {
			long cp, lo;

			if (e - p < 5 || (cp = hex4(p + 1)) < 0) {
				*err = "bad \\u escape";
				return NULL;
			}
			p += 5;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				*err = "unpaired surrogate in \\u escape";
				return NULL;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (e - p < 6 || p[0] != '\\' || p[1] != 'u') {
					*err = "unpaired surrogate in \\u escape";
					return NULL;
				}
				if ((lo = hex4(p + 2)) < 0) {
					*err = "bad \\u escape";
					return NULL;
				}
				if (lo < 0xdc00 || lo > 0xdfff) {
					*err = "unpaired surrogate in \\u escape";
					return NULL;
				}
				p += 6;
			}
			break;
		}
		default:
			*err = "bad escape in string";
			return NULL;
		}
	}
}

/* The common case inline: a string without escapes. */
static inline __attribute__((always_inline)) const unsigned char *
str_end(const unsigned char *p, const unsigned char *e, uint8_t *esc, const char **err)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight bytes at a time: flag '"', '\\' and bytes < 0x20.  The
	 * lowest flagged byte is always a true match (borrows only run
	 * upward from a true match). */
	while (e - p >= 8) {
		uint64_t x, q, b, m;

		memcpy(&x, p, 8);
		q = x ^ (ONES * '"');
		b = x ^ (ONES * '\\');
		m = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - ONES * 0x20) & ~x);
		m &= HIGHS;
		if (m) {
			p += __builtin_ctzll(m) >> 3;
			if (*p == '"')
				return p;
			return scan_str(p, e, esc, err);
		}
		p += 8;
	}
#endif
	while (p < e && !strstop[*p])
		p++;
	if (p < e && *p == '"')
		return p;
	return scan_str(p, e, esc, err);
}

static inline int
isdig(unsigned c)
{
	return c - '0' < 10;
}

/* The first byte at or after p that is not a digit (or e). */
static inline __attribute__((always_inline)) const unsigned char *
digits(const unsigned char *p, const unsigned char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight at a time: a byte is a digit when its high nibble is 3 and
	 * its low nibble + 6 does not carry into the high nibble. */
	while (e - p >= 8) {
		uint64_t x, nd, m;

		memcpy(&x, p, 8);
		nd = ((x & (ONES * 0xf0)) ^ (ONES * 0x30)) |
		    (((x & (ONES * 0x0f)) + ONES * 0x06) & (ONES * 0xf0));
		/* high bit of each non-zero byte of nd */
		m = (nd | ((nd & (ONES * 0x7f)) + ONES * 0x7f)) & HIGHS;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < e && isdig(*p))
		p++;
	return p;
}

#define WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')
#define SKIPWS() do { while (p < e && *p <= ' ' && WS(*p)) p++; } while (0)
#define FAIL(msg) do { err = (msg); goto fail; } while (0)

int
arb_json_parse(struct arb_json *j, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src, *p = s, *e = s + len, *q;
	uint32_t stack[DEPTH_MAX], cur = 0;   /* cur: the innermost open container */
	int depth = 0, inobj = 0;
	uint32_t n = 0, cap = j->cap;
	struct arb_jtok *t = j->t, *tk;
	const char *err = NULL;

	j->src = src;
	j->srclen = len;
	j->n = 0;
	j->err = NULL;
	j->erroff = 0;
	if (len >= UINT32_MAX) {
		p = s;
		FAIL("text too long");
	}

value:
	SKIPWS();
	if (p == e)
		FAIL(n ? "unexpected end of text" : "empty text");
	if (n == cap) {
		j->n = n;
		grow(j);
		t = j->t;
		cap = j->cap;
	}
	/* strings first, without the jump table: the most common value */
	if (*p == '"') {
		uint8_t esc = 0;

		if ((q = str_end(p + 1, e, &esc, &err)) == NULL)
			goto fail;
		/* one store of the whole token */
		t[n] = (struct arb_jtok){ ARB_J_STR, esc, (uint32_t)(p + 1 - s),
		    (uint32_t)(q - p - 1), n + 1, 0 };
		n++;
		p = q + 1;
		goto after;
	}
	tk = &t[n];
	switch (*p) {
	case '{':
	case '[':
		*tk = (struct arb_jtok){ *p == '{' ? ARB_J_OBJ : ARB_J_ARR, 0, (uint32_t)(p - s), 0, 0, 0 };
		if (depth == DEPTH_MAX)
			FAIL("nesting too deep");
		stack[depth++] = cur = n++;
		inobj = tk->type == ARB_J_OBJ;
		p++;
		SKIPWS();
		if (p < e && *p == (inobj ? '}' : ']')) {
			p++;
			goto close;
		}
		tk->n = 1;
		if (inobj)
			goto key;
		goto value;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9': {
		/* esc of a NUM: NUM_FRAC, NUM_EXP (see the top of the file) */
		uint8_t f = 0;

		q = p;
		if (*p == '-' && ++p == e)
			FAIL("bad number");
		if (*p == '0') {
			if (++p < e && isdig(*p))
				FAIL("leading zero in number");
		} else if (isdig(*p)) {
			p = digits(p + 1, e);
		} else
			FAIL("bad number");
		if (p < e && *p == '.') {
			if (++p == e || !isdig(*p))
				FAIL("bad number");
			p = digits(p + 1, e);
			f = NUM_FRAC;
		}
		if (p < e && (*p | 0x20) == 'e') {
			f |= NUM_EXP;
			if (++p < e && (*p == '+' || *p == '-'))
				p++;
			if (p == e || !isdig(*p))
				FAIL("bad number");
			p = digits(p + 1, e);
		}
		*tk = (struct arb_jtok){ ARB_J_NUM, f, (uint32_t)(q - s), (uint32_t)(p - q), n + 1, 0 };
		n++;
		goto after;
	}
	case 't':
		if (e - p < 4 || memcmp(p, "true", 4) != 0)
			FAIL("unexpected character");
		*tk = (struct arb_jtok){ ARB_J_TRUE, 0, (uint32_t)(p - s), 4, n + 1, 0 };
		n++;
		p += 4;
		goto after;
	case 'f':
		if (e - p < 5 || memcmp(p, "false", 5) != 0)
			FAIL("unexpected character");
		*tk = (struct arb_jtok){ ARB_J_FALSE, 0, (uint32_t)(p - s), 5, n + 1, 0 };
		n++;
		p += 5;
		goto after;
	case 'n':
		if (e - p < 4 || memcmp(p, "null", 4) != 0)
			FAIL("unexpected character");
		*tk = (struct arb_jtok){ ARB_J_NULL, 0, (uint32_t)(p - s), 4, n + 1, 0 };
		n++;
		p += 4;
		goto after;
	default:
		FAIL(depth && (*p == ']' || *p == '}') ? "trailing comma or missing value"
		    : "unexpected character");
	}

after:
	/* compact text first: a separator right after the value */
	if (depth && p < e) {
		if (*p == ',') {
			p++;
			t[cur].n++;
			if (!inobj)
				goto value;
			if (p < e && *p == '"')
				goto keyq;
			goto key;
		}
		if (*p == (inobj ? '}' : ']')) {
			p++;
			goto close;
		}
	}
	SKIPWS();
	if (depth == 0) {
		if (p != e)
			FAIL("trailing characters after the value");
		j->n = n;
		return 0;
	}
	if (p == e)
		FAIL("unexpected end of text");
	if (*p == ',') {
		p++;
		t[cur].n++;
		if (inobj)
			goto key;
		goto value;
	}
	if (*p == (inobj ? '}' : ']')) {
		p++;
		goto close;
	}
	FAIL(inobj ? "expected ',' or '}'" : "expected ',' or ']'");

close:
	tk = &t[cur];
	tk->len = (uint32_t)(p - s) - tk->off;
	tk->next = n;
	if (--depth > 0) {
		cur = stack[depth - 1];
		inobj = t[cur].type == ARB_J_OBJ;
	}
	goto after;

key:
	SKIPWS();
	if (p == e)
		FAIL("unexpected end of text");
	if (*p != '"')
		FAIL(*p == '}' ? "trailing comma in object" : "expected a string key");
keyq:   /* *p is the key's opening quote */
	if (n == cap) {
		j->n = n;
		grow(j);
		t = j->t;
		cap = j->cap;
	}
	{
		uint8_t esc = 0;

		if ((q = str_end(p + 1, e, &esc, &err)) == NULL)
			goto fail;   /* reported at the key's quote */
		t[n] = (struct arb_jtok){ ARB_J_STR, esc, (uint32_t)(p + 1 - s),
		    (uint32_t)(q - p - 1), n + 1, 0 };
		n++;
		p = q + 1;
	}
	if (p < e && *p == ':') {   /* compact: no space before the colon */
		p++;
		goto value;
	}
	SKIPWS();
	if (p == e)
		FAIL("unexpected end of text");
	if (*p != ':')
		FAIL("expected ':'");
	p++;
	goto value;

fail:
	j->n = 0;
	j->err = err;
	j->erroff = (size_t)(p - s);
	return -1;
}

/*
 * Decodes one character of a string body at *pp (raw byte or escape, the
 * escapes already validated by the tokenizer) into out; returns its
 * length in bytes (1..4) and advances *pp.
 */
static int
dechar(const unsigned char **pp, unsigned char out[4])
{
	const unsigned char *p = *pp;
	unsigned long cp;

	if (*p != '\\') {
		out[0] = *p;
		*pp = p + 1;
		return 1;
	}
	switch (p[1]) {
	case 'b': out[0] = '\b'; break;
	case 'f': out[0] = '\f'; break;
	case 'n': out[0] = '\n'; break;
	case 'r': out[0] = '\r'; break;
	case 't': out[0] = '\t'; break;
	case 'u':
		cp = (unsigned long)hex4(p + 2);
		p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)hex4(p + 2) - 0xdc00);
			p += 6;
		}
		*pp = p;
		if (cp < 0x80) {
			out[0] = (unsigned char)cp;
			return 1;
		}
		if (cp < 0x800) {
			out[0] = (unsigned char)(0xc0 | cp >> 6);
			out[1] = (unsigned char)(0x80 | (cp & 0x3f));
			return 2;
		}
		if (cp < 0x10000) {
			out[0] = (unsigned char)(0xe0 | cp >> 12);
			out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			out[2] = (unsigned char)(0x80 | (cp & 0x3f));
			return 3;
		}
		out[0] = (unsigned char)(0xf0 | cp >> 18);
		out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return 4;
	default:  /* '"', '\\', '/' */
		out[0] = p[1];
		break;
	}
	*pp = p + 2;
	return 1;
}

int
arb_json_streq(const struct arb_json *j, int i, const char *lit)
{
	const struct arb_jtok *k;
	const unsigned char *p, *e, *l = (const unsigned char *)lit;
	unsigned char c[4];
	size_t n;

	if (i < 0 || (uint32_t)i >= j->n || j->t[i].type != ARB_J_STR)
		return 0;
	k = &j->t[i];
	p = (const unsigned char *)j->src + k->off;
	if (!k->esc) {
		n = strlen(lit);
		return k->len == n && memcmp(p, lit, n) == 0;
	}
	for (e = p + k->len; p < e; ) {
		int m = dechar(&p, c);

		for (int x = 0; x < m; x++)
			if (*l++ != c[x] || c[x] == '\0')
				return 0;
	}
	return *l == '\0';
}

int
arb_json_get(const struct arb_json *j, int obj, const char *key)
{
	const struct arb_jtok *t = j->t;
	size_t kl;
	uint32_t i, m;

	if (obj < 0 || (uint32_t)obj >= j->n || t[obj].type != ARB_J_OBJ)
		return -1;
	kl = strlen(key);
	for (i = (uint32_t)obj + 1, m = t[obj].n; m; m--, i = t[i + 1].next) {
		if (t[i].esc) {
			if (arb_json_streq(j, (int)i, key))
				return (int)i + 1;
		} else if (t[i].len == kl && (kl == 0 || j->src[t[i].off] == key[0]) &&
		    memcmp(j->src + t[i].off, key, kl) == 0) {
			return (int)i + 1;
		}
	}
	return -1;
}

int
arb_json_at(const struct arb_json *j, int arr, uint32_t idx)
{
	const struct arb_jtok *t = j->t;
	uint32_t i;

	if (arr < 0 || (uint32_t)arr >= j->n || t[arr].type != ARB_J_ARR || idx >= t[arr].n)
		return -1;
	for (i = (uint32_t)arr + 1; idx; idx--)
		i = t[i].next;
	return (int)i;
}

int
arb_json_str(const struct arb_json *j, int i, char *buf, size_t cap)
{
	const struct arb_jtok *k;
	const unsigned char *p, *e;
	size_t n = 0;

	if (i < 0 || (uint32_t)i >= j->n || j->t[i].type != ARB_J_STR || cap == 0)
		return -1;
	k = &j->t[i];
	p = (const unsigned char *)j->src + k->off;
	if (!k->esc) {
		if (k->len >= cap || k->len > INT32_MAX)
			return -1;
		memcpy(buf, p, k->len);
		buf[k->len] = '\0';
		return (int)k->len;
	}
	for (e = p + k->len; p < e; ) {
		unsigned char c[4];
		int m = dechar(&p, c);

		if (n + (size_t)m >= cap)
			return -1;
		memcpy(buf + n, c, (size_t)m);
		n += (size_t)m;
	}
	buf[n] = '\0';
	return (int)n;
}

/* The value of 8 ASCII digits at p (all known to be digits). */
static inline uint64_t
parse8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* pairs, then quads, then the whole: three multiplications */
	v -= ONES * '0';
	v = v * 10 + (v >> 8);
	v = ((v & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
	    ((v >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >> 32;
	return v;
#else
	v = 0;
	for (int i = 0; i < 8; i++)
		v = v * 10 + (p[i] - '0');
	return v;
#endif
}

int
arb_json_i64(const struct arb_json *j, int i, int64_t *v)
{
	const struct arb_jtok *k;
	const unsigned char *p, *e;
	uint64_t u = 0, lim;
	int neg = 0;

	if (i < 0 || (uint32_t)i >= j->n)
		return -1;
	k = &j->t[i];
	if (k->type != ARB_J_NUM && (k->type != ARB_J_STR || k->esc))
		return -1;
	p = (const unsigned char *)j->src + k->off;
	e = p + k->len;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (k->type == ARB_J_NUM) {
		/* known to be valid JSON: digits only when esc is 0 */
		if (k->esc)
			return -1;
		if (e - p <= 18) {
			while ((e - p) & 7)
				u = u * 10 + (unsigned)(*p++ - '0');
			for (; p < e; p += 8)
				u = u * 100000000 + parse8(p);
			*v = neg ? -(int64_t)u : (int64_t)u;
			return 0;
		}
	} else if (p == e || (*p == '0' && e - p > 1)) {
		return -1;    /* digits only, no leading zero */
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < e; p++) {
		unsigned d = *p - (unsigned)'0';

		if (d > 9 || u > (lim - d) / 10)
			return -1;
		u = u * 10 + d;
	}
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/*
 * The common case of arb_dec_parse without calling it: -?digits(.digits)?
 * in at most 18 characters, so the coefficient fits 64 bits.  The scale is
 * the number of fraction digits, as arb_dec_parse keeps it ("0.10" is 10
 * at scale 2).  -1 for anything else, which goes to arb_dec_parse.
 */
static inline int
dec_fast(const unsigned char *p, size_t n, arb_dec *d)
{
	const unsigned char *e = p + n, *dot = NULL;
	int64_t m = 0;
	int neg = 0;

	if (n == 0 || n > 18)
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p == e || !isdig(*p))
		return -1;
	for (; p < e; p++) {
		unsigned c = *p - (unsigned)'0';

		if (c <= 9)
			m = m * 10 + c;
		else if (*p == '.' && !dot && p + 1 < e)
			dot = p;
		else
			return -1;
	}
	d->m = neg ? -m : m;
	d->s = dot ? (int)(e - dot - 1) : 0;
	return 0;
}

int
arb_json_dec(const struct arb_json *j, int i, arb_dec *d, const char **why)
{
	const struct arb_jtok *k;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (i < 0 || (uint32_t)i >= j->n) {
		*why = "no such value";
		return -1;
	}
	k = &j->t[i];
	if (k->type == ARB_J_STR) {
		if (k->esc) {
			*why = "escapes in a number string";
			return -1;
		}
		if (k->len == 0) {
			*why = "empty string";
			return -1;
		}
	} else if (k->type != ARB_J_NUM) {
		*why = "not a number";
		return -1;
	}
	if (dec_fast((const unsigned char *)j->src + k->off, k->len, d) == 0)
		return 0;
	return arb_dec_parse(d, j->src + k->off, k->len, why);
}

/*
 * Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), or 0.
 */
static size_t
utf8len(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	size_t n = (size_t)(e - p);

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* Bytes that can be copied as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

/*
 * Writes s as a JSON string.  Control characters become \u00XX, '"' and
 * '\\' are escaped, valid UTF-8 is copied, and a byte that does not start
 * a valid UTF-8 sequence becomes U+FFFD so the output is always valid.
 */
void
arb_json_quote(struct arb_buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)str, *e = p + n, *run;
	size_t m;

	arb_buf_reserve(b, n + 2);
	b->p[b->len++] = '"';
	while (p < e) {
		for (run = p; p < e && plain[*p]; p++)
			;
		if (p > run)
			arb_buf_add(b, run, (size_t)(p - run));
		if (p == e)
			break;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };

			arb_buf_add(b, esc, 2);
			p++;
		} else if (*p < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };

			arb_buf_add(b, esc, 6);
			p++;
		} else if ((m = utf8len(p, e)) != 0) {
			arb_buf_add(b, p, m);
			p += m;
		} else {
			arb_buf_add(b, "\xef\xbf\xbd", 3);
			p++;
		}
	}
	arb_buf_addc(b, '"');
}
