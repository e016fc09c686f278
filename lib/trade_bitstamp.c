#include "config.h"

#include <stdio.h>

#include "trade.h"

/*
 * bitstamp: the order formats are not built yet: arb_live_new refuses the
 * venue (prod is NULL) with a clear message.  Signing exists (sign.h).
 */

static int
build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	(void)op; (void)in; (void)q;
	snprintf(why, whylen, "bitstamp: live trading not built yet");
	return -1;
}

static void
parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	(void)op; (void)http; (void)hdr; (void)body; (void)len; (void)o; (void)r;
}

const struct arb_tvenue arb_tv_bitstamp = {
	.ex = "bitstamp", .prod = NULL, .test = NULL,
	.test_note = "Bitstamp has no public test environment", .lag_us = 1000000,
	.cred_key = "bitstamp_key", .cred_secret = "bitstamp_secret",
	.build = build, .parse = parse,
};
