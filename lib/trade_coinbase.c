#include "config.h"

#include <stdio.h>

#include "trade.h"

/*
 * coinbase: the order formats are not built yet: arb_live_new refuses the
 * venue (prod is NULL) with a clear message.  Signing exists (sign.h).
 */

static int
build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	(void)op; (void)in; (void)q;
	snprintf(why, whylen, "coinbase: live trading not built yet");
	return -1;
}

static void
parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	(void)op; (void)http; (void)hdr; (void)body; (void)len; (void)o; (void)r;
}

const struct arb_tvenue arb_tv_coinbase = {
	.ex = "coinbase", .prod = NULL, .test = NULL,
	.test_note = "Advanced Trade sandbox (api-sandbox.coinbase.com, static answers) once built", .lag_us = 1000000,
	.cred_key = "coinbase_key", .cred_secret = "coinbase_secret",
	.build = build, .parse = parse,
};
