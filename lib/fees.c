#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fees.h"
#include "util.h"

void
arb_fees_init(struct arb_fees *f)
{
	memset(f, 0, sizeof(*f));
}

void
arb_fees_free(struct arb_fees *f)
{
	free(f->e);
	memset(f, 0, sizeof(*f));
}

int
arb_fee_in_from(const char *s)
{
	if (strcmp(s, "quote") == 0)
		return ARB_FEE_IN_QUOTE;
	if (strcmp(s, "base") == 0)
		return ARB_FEE_IN_BASE;
	if (strcmp(s, "received") == 0)
		return ARB_FEE_IN_RECEIVED;
	return -1;
}

const char *
arb_fee_in_name(enum arb_fee_in v)
{
	switch (v) {
	case ARB_FEE_IN_BASE: return "base";
	case ARB_FEE_IN_RECEIVED: return "received";
	default: return "quote";
	}
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copies the next blank-separated word of [*p, end) into w; 0 at the end. */
static size_t
word(const char **p, const char *end, char *w, size_t cap)
{
	const char *s = *p, *e;
	size_t n;

	while (s < end && is_space(*s))
		s++;
	e = s;
	while (e < end && !is_space(*e))
		e++;
	n = (size_t)(e - s);
	*p = e;
	if (n == 0)
		return 0;
	if (n >= cap)
		return (size_t)-1;
	memcpy(w, s, n);
	w[n] = '\0';
	return n;
}

static int
fail(char *err, size_t errlen, const char *name, unsigned line, const char *why, const char *what)
{
	snprintf(err, errlen, "%s:%u: %s%s%s", name, line, why, what ? ": " : "", what ? what : "");
	return -1;
}

static const struct {
	const char *key;
	unsigned bit;
	size_t off;
} deckeys[] = {
	{ "taker", ARB_FH_TAKER, offsetof(struct arb_fee_ent, taker) },
	{ "maker", ARB_FH_MAKER, offsetof(struct arb_fee_ent, maker) },
	{ "tick", ARB_FH_TICK, offsetof(struct arb_fee_ent, tick) },
	{ "lot", ARB_FH_LOT, offsetof(struct arb_fee_ent, lot) },
	{ "min_qty", ARB_FH_MIN_QTY, offsetof(struct arb_fee_ent, min_qty) },
	{ "min_notional", ARB_FH_MIN_NOTIONAL, offsetof(struct arb_fee_ent, min_notional) },
};

static int
parse_line(struct arb_fee_ent *e, const char *s, const char *end,
    const char *name, unsigned line, char *err, size_t errlen)
{
	char w[128];
	size_t n;

	memset(e, 0, sizeof(*e));
	n = word(&s, end, e->ex, sizeof(e->ex));
	if (n == (size_t)-1)
		return fail(err, errlen, name, line, "venue too long", NULL);
	n = word(&s, end, e->sym, sizeof(e->sym));
	if (n == 0)
		return fail(err, errlen, name, line, "expected VENUE SYMBOL key=value ...", NULL);
	if (n == (size_t)-1)
		return fail(err, errlen, name, line, "symbol too long", NULL);
	for (;;) {
		char *eq;
		size_t i;

		n = word(&s, end, w, sizeof(w));
		if (n == 0)
			break;
		if (n == (size_t)-1)
			return fail(err, errlen, name, line, "word too long", NULL);
		eq = strchr(w, '=');
		if (eq == NULL || eq == w || eq[1] == '\0')
			return fail(err, errlen, name, line, "expected key=value", w);
		*eq++ = '\0';
		if (strcmp(w, "fee_in") == 0) {
			int v = arb_fee_in_from(eq);
			if (v < 0)
				return fail(err, errlen, name, line,
				    "fee_in must be quote, base or received", eq);
			e->fee_in = (enum arb_fee_in)v;
			e->has |= ARB_FH_FEE_IN;
			continue;
		}
		for (i = 0; i < sizeof(deckeys) / sizeof(deckeys[0]); i++)
			if (strcmp(w, deckeys[i].key) == 0)
				break;
		if (i == sizeof(deckeys) / sizeof(deckeys[0]))
			return fail(err, errlen, name, line, "unknown key", w);
		{
			arb_dec d;
			const char *why = NULL;
			if (arb_dec_parse(&d, eq, strlen(eq), &why) < 0)
				return fail(err, errlen, name, line, "bad number", eq);
			if (arb_dec_sign(d) < 0)
				return fail(err, errlen, name, line, "negative value", eq);
			if ((deckeys[i].bit & (ARB_FH_TICK | ARB_FH_LOT)) && arb_dec_sign(d) == 0)
				return fail(err, errlen, name, line, "tick and lot must be positive", eq);
			if ((deckeys[i].bit & (ARB_FH_TAKER | ARB_FH_MAKER)) &&
			    arb_dec_cmp(d, arb_dec_make(1, 0)) >= 0)
				return fail(err, errlen, name, line, "a fee is a fraction below 1", eq);
			memcpy((char *)e + deckeys[i].off, &d, sizeof(d));
			e->has |= deckeys[i].bit;
		}
	}
	return 0;
}

int
arb_fees_parse(struct arb_fees *f, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p, *hash;
		struct arb_fee_ent e;

		line++;
		hash = memchr(p, '#', (size_t)(le - p));
		if (hash)
			le = hash;
		while (s < le && is_space(*s))
			s++;
		/* the words are C strings: a NUL would cut one short and the
		 * rest of it be ignored without a word */
		if (memchr(p, '\0', (size_t)(le - p)))
			return fail(err, errlen, name, line, "NUL byte", NULL);
		if (s < le) {
			if (parse_line(&e, s, le, name, line, err, errlen) < 0)
				return -1;
			if (f->n == f->cap) {
				size_t nc = f->cap ? f->cap * 2 : 16;
				xrealloc(&f->e, nc * sizeof(*f->e));
				f->cap = nc;
			}
			f->e[f->n++] = e;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int
arb_fees_load(struct arb_fees *f, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = arb_readfile(path, &len);
	int rc;

	if (text == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = arb_fees_parse(f, text, len, path, err, errlen);
	free(text);
	return rc;
}

static void
merge(struct arb_fee_ent *out, const struct arb_fee_ent *e)
{
	size_t i;

	for (i = 0; i < sizeof(deckeys) / sizeof(deckeys[0]); i++)
		if (e->has & deckeys[i].bit)
			memcpy((char *)out + deckeys[i].off, (const char *)e + deckeys[i].off,
			    sizeof(arb_dec));
	if (e->has & ARB_FH_FEE_IN)
		out->fee_in = e->fee_in;
	out->has |= e->has;
}

void
arb_fees_apply(const struct arb_fees *f, const char *ex, const char *sym,
    struct arb_fee_ent *out)
{
	int pass;
	size_t i;

	if (f == NULL)
		return;
	/* pass 0: *,*  1: *,SYM  2: EX,*  3: EX,SYM */
	for (pass = 0; pass < 4; pass++)
		for (i = 0; i < f->n; i++) {
			const struct arb_fee_ent *e = &f->e[i];
			int anyex = strcmp(e->ex, "*") == 0, anysym = strcmp(e->sym, "*") == 0;
			int spec = (anyex ? 0 : 2) + (anysym ? 0 : 1);

			if (spec != pass)
				continue;
			if (!anyex && strcmp(e->ex, ex) != 0)
				continue;
			if (!anysym && strcmp(e->sym, sym) != 0)
				continue;
			merge(out, e);
		}
}
