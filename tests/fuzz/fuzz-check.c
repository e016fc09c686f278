/*
 * fuzz-check.c: libFuzzer target for arb-report's --check expressions
 * (report.h: arb_check_parse, arb_check_holds, arb_check_opname).  The
 * input is the text of one expression, as given on the command line (up
 * to its first NUL).
 *
 * Checked: a refused expression comes with a reason (why not empty, a
 * NUL-terminated string, also in a buffer of a size the input chooses);
 * an accepted one has a metric of the grammar's letters, an operator
 * arb_check_opname names, a value that survives being written and parsed
 * again, and the same parse when written back as "metric op value".  It
 * is evaluated (arb_check_holds) at values derived from the input and
 * from its own value, and the six operators agree with each other and
 * with arb_dec_cmp; its metric is looked up in a small report, as
 * arb-report does (arb_report_metric: a known name gives 0 or 1, and a
 * "pnl_D"/"fees_D" metric with any duration is computed without overflow).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ilib \
 *       tests/fuzz/fuzz-check.c (all of lib/) -o fuzz-check
 *   (tests/fuzz/run builds it against all of lib/)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rec.h"
#include "report.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-check: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

/* A small stream with a bit of everything the metrics read. */
static const char *const stream[] = {
	"{\"type\":\"status\",\"ts\":1000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"synced\"}",
	"{\"type\":\"book\",\"ts\":1000000,\"rt\":1002000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\","
	    "\"seq\":1,\"ok\":true,\"depth\":1,\"bids\":[[100,1]],\"asks\":[[101,1]]}",
	"{\"type\":\"opportunity\",\"ts\":1500000,\"id\":\"o1\",\"kind\":\"cross\",\"event\":\"new\","
	    "\"legs\":[{\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"side\":\"buy\",\"px\":101,\"qty\":0.1},"
	    "{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":\"sell\",\"px\":102,\"qty\":0.1}],"
	    "\"qty\":0.1,\"cost\":10.1,\"proceeds\":10.2,\"profit\":0.1,\"ccy\":\"USDT\","
	    "\"gross_bps\":99,\"net_bps\":79,\"book_ts\":[1000000,1000000],\"expires\":2500000}",
	"{\"type\":\"order\",\"ts\":1600000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"o1\",\"leg\":0,"
	    "\"cid\":\"c1\",\"side\":\"buy\",\"px\":101,\"qty\":0.1,\"state\":\"sent\",\"filled\":0,"
	    "\"mode\":\"paper\"}",
	"{\"type\":\"order\",\"ts\":1650000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"o1\",\"leg\":0,"
	    "\"cid\":\"c1\",\"side\":\"buy\",\"px\":101,\"qty\":0.1,\"state\":\"acked\",\"filled\":0,"
	    "\"mode\":\"paper\"}",
	"{\"type\":\"fill\",\"ts\":1700000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"opp\":\"o1\",\"cid\":\"c1\","
	    "\"side\":\"buy\",\"px\":101,\"qty\":0.1,\"fee\":0.0101,\"fee_ccy\":\"USDT\",\"mode\":\"paper\"}",
	"{\"type\":\"opportunity\",\"ts\":2000000,\"id\":\"o1\",\"kind\":\"cross\",\"event\":\"gone\","
	    "\"legs\":[{\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"side\":\"buy\",\"px\":101,\"qty\":0.1},"
	    "{\"ex\":\"kraken\",\"sym\":\"BTC/USDT\",\"side\":\"sell\",\"px\":102,\"qty\":0.1}],"
	    "\"qty\":0.1,\"cost\":10.1,\"proceeds\":10.2,\"profit\":0.1,\"ccy\":\"USDT\","
	    "\"gross_bps\":99,\"net_bps\":79,\"book_ts\":[1000000,1000000],\"expires\":2500000}",
	"{\"type\":\"result\",\"ts\":2100000,\"opp\":\"o1\",\"kind\":\"cross\",\"status\":\"partial\","
	    "\"reason\":\"leg_partial\",\"pnl\":-0.25,\"ccy\":\"USDT\"}",
	"{\"type\":\"status\",\"ts\":3000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"gap\"}",
	"{\"type\":\"risk\",\"ts\":3500000,\"rule\":\"max_loss\",\"action\":\"kill\",\"detail\":\"x\"}",
	"{\"type\":\"status\",\"ts\":4000000,\"ex\":\"okx\",\"sym\":\"BTC/USDT\",\"state\":\"synced\"}",
};

static struct arb_report *rep;

static void setup(void)
{
	struct arb_report_opts o;
	struct arb_rec rec;
	char why[256];
	size_t i;

	memset(&o, 0, sizeof o);
	rep = arb_report_new(&o);
	arb_rec_init(&rec);
	for (i = 0; i < sizeof stream / sizeof stream[0]; i++) {
		if (arb_rec_parse(&rec, stream[i], strlen(stream[i]), why, sizeof why) < 0) {
			fprintf(stderr, "fuzz-check: a line of the stream is bad: %s\n", why);
			abort();
		}
		arb_report_add(rep, &rec);
	}
	arb_rec_free(&rec);
	arb_report_count_bad(rep, 1, 0);
	arb_report_finish(rep);
}

/* The six comparisons agree with arb_dec_cmp and with each other at v. */
static void holds_at(const struct arb_check *c, arb_dec v)
{
	struct arb_check d = *c;
	int k = arb_dec_cmp(v, c->value), h[7], op;

	CHECK(k >= -1 && k <= 1);
	for (op = ARB_CMP_LT; op <= ARB_CMP_NE; op++) {
		d.op = op;
		h[op] = arb_check_holds(&d, v);
		CHECK(h[op] == 0 || h[op] == 1);
	}
	CHECK(h[ARB_CMP_LT] == (k < 0) && h[ARB_CMP_GT] == (k > 0) && h[ARB_CMP_EQ] == (k == 0));
	CHECK(h[ARB_CMP_LE] == !h[ARB_CMP_GT] && h[ARB_CMP_GE] == !h[ARB_CMP_LT]);
	CHECK(h[ARB_CMP_NE] == !h[ARB_CMP_EQ]);
	CHECK(arb_check_holds(c, v) == h[c->op]);
}

static uint64_t bytes64(const uint8_t *p, size_t n)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		x = x << 8 | p[i];
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arb_check c, c2;
	char *text, why[256], small[8], vb[ARB_DEC_STRMAX], *back;
	size_t whylen, i, n;
	int rc;

	arb_loglevel = ARB_LOG_ERR - 1;
	if (!rep)
		setup();
	text = malloc(size + 1);
	CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';
	/* a short buffer for why, as short as the input's length makes it */
	whylen = 2 + size % (sizeof small - 1);
	memset(small, 'x', sizeof small);
	rc = arb_check_parse(&c, text, small, whylen);
	CHECK(rc == 0 || rc == -1);
	if (rc < 0) {
		CHECK(small[0] != '\0' && memchr(small, '\0', whylen));
		for (i = whylen; i < sizeof small; i++)
			CHECK(small[i] == 'x');   /* nothing written past whylen */
	}
	memset(why, 0, sizeof why);
	CHECK(arb_check_parse(&c, text, why, sizeof why) == rc);
	if (rc < 0) {
		CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why));
		free(text);
		return 0;
	}
	CHECK(c.text == text);
	n = strlen(c.metric);
	CHECK(n > 0 && n < sizeof c.metric && c.metric[0] >= 'a' && c.metric[0] <= 'z');
	CHECK(strspn(c.metric, "abcdefghijklmnopqrstuvwxyz0123456789_") == n);
	CHECK(c.op >= ARB_CMP_LT && c.op <= ARB_CMP_NE && strcmp(arb_check_opname(c.op), "?"));
	CHECK(c.value.s >= 0 && c.value.s <= ARB_DEC_MAXSCALE);

	/* written back, it parses the same */
	arb_dec_fmt(c.value, vb);
	n = strlen(c.metric) + strlen(vb) + 8;
	back = malloc(n);
	CHECK(back);
	snprintf(back, n, "%s %s %s", c.metric, arb_check_opname(c.op), vb);
	if (arb_check_parse(&c2, back, why, sizeof why) < 0) {
		fprintf(stderr, "fuzz-check: \"%s\" was accepted, \"%s\" is refused: %s\n", text,
		    back, why);
		abort();
	}
	CHECK(!strcmp(c2.metric, c.metric) && c2.op == c.op && arb_dec_cmp(c2.value, c.value) == 0);
	free(back);

	/* evaluated at its value, next to it, and at values from the input */
	holds_at(&c, c.value);
	holds_at(&c, arb_dec_make(0, 0));
	holds_at(&c, arb_dec_neg(c.value));
	holds_at(&c, arb_dec_trim(c.value));
	{
		arb_dec v;

		if (arb_dec_add(&v, c.value, arb_dec_make(1, ARB_DEC_MAXSCALE)) == 0)
			holds_at(&c, v);
		if (arb_dec_sub(&v, c.value, arb_dec_make(1, c.value.s)) == 0)
			holds_at(&c, v);
		for (i = 0; i + 8 <= size; i += 8)
			holds_at(&c, arb_dec_make((int64_t)bytes64(data + i, 8), data[i] % 19));
		if (size)
			holds_at(&c, arb_dec_make(-(int64_t)bytes64(data, size), (int)(size % 37)));
	}

	/* as arb-report: an unknown name refuses the check; a known one
	 * gives a value or no data */
	{
		arb_dec v;
		int k = arb_report_metric(rep, c.metric, &v);

		CHECK(k >= -1 && k <= 1);
		if (k == 0) {
			arb_dec_fmt(arb_dec_trim(v), vb);
			holds_at(&c, v);
		}
		for (i = 0; arb_report_metric_names[i]; i++)
			if (!strcmp(arb_report_metric_names[i], c.metric))
				CHECK(k >= 0);
	}
	free(text);
	return 0;
}
