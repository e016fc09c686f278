#include "config.h"

#include <stdio.h>

#include "trade.h"

/* bybit: not built yet. */

static int
build(int op, const struct arb_tin *in, struct arb_treq *q, char *why, size_t whylen)
{
	(void)op; (void)in; (void)q;
	snprintf(why, whylen, "bybit: live trading not built yet");
	return -1;
}

static void
parse(int op, long http, const char *hdr, const char *body, size_t len,
    const struct arb_order *o, struct arb_tres *r)
{
	(void)op; (void)http; (void)hdr; (void)body; (void)len; (void)o; (void)r;
}

const struct arb_tvenue arb_tv_bybit = {
	.ex = "bybit", .prod = "https://invalid", .lag_us = 1000000,
	.cred_key = "bybit_key", .cred_secret = "bybit_secret",
	.build = build, .parse = parse,
};
