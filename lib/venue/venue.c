#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "venue/venue.h"

int arb_venue_scan = 1;

const struct arb_venue_ops *const arb_venue_all[] = {
	&arb_venue_binance, &arb_venue_kraken, &arb_venue_coinbase,
	&arb_venue_okx, &arb_venue_bybit, &arb_venue_bitstamp, NULL
};

const struct arb_venue_ops *arb_venue_by_name(const char *name, size_t n)
{
	for (int i = 0; arb_venue_all[i]; i++)
		if (strlen(arb_venue_all[i]->name) == n && strncasecmp(arb_venue_all[i]->name, name, n) == 0)
			return arb_venue_all[i];
	return NULL;
}

const struct arb_venue_ops *arb_venue_by_file(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (int i = 0; arb_venue_all[i]; i++) {
		const char *p = arb_venue_all[i]->prefix;
		if (strncasecmp(base, p, strlen(p)) == 0)
			return arb_venue_all[i];
	}
	return NULL;
}

const struct arb_venue_ops *arb_venue_by_url(const char *url, size_t n)
{
	const char *h = memchr(url, ':', n), *end;
	size_t hl;

	if (!h || (size_t)(h - url) + 3 > n || h[1] != '/' || h[2] != '/')
		return NULL;
	h += 3;
	for (end = h; end < url + n && *end != '/' && *end != ':' && *end != '?'; end++)
		;
	hl = (size_t)(end - h);
	for (int i = 0; arb_venue_all[i]; i++)
		for (const char *const *x = arb_venue_all[i]->hosts; *x; x++) {
			size_t xl = strlen(*x);
			/* the host itself or a subdomain of it */
			if (hl >= xl && strncasecmp(h + hl - xl, *x, xl) == 0 &&
			    (hl == xl || h[hl - xl - 1] == '.'))
				return arb_venue_all[i];
		}
	return NULL;
}

void arb_sym_alias(char *asset, size_t cap)
{
	static const char *const map[][2] = {
		{ "XBT", "BTC" }, { "XXBT", "BTC" }, { "XDG", "DOGE" }, { "XXDG", "DOGE" },
		{ "XETH", "ETH" }, { "ZUSD", "USD" }, { "ZEUR", "EUR" }, { "ZGBP", "GBP" },
		{ "ZCAD", "CAD" }, { "ZJPY", "JPY" }, { "ZAUD", "AUD" }, { "ZCHF", "CHF" },
	};
	for (char *p = asset; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(asset, map[i][0]) == 0) {
			snprintf(asset, cap, "%s", map[i][1]);
			return;
		}
}

int arb_sym_split_quote(const char *s, char *base, size_t bcap, char *quote, size_t qcap)
{
	/* Longest first, so "USDT" wins over "USD" and "BUSD" over "USD". */
	static const char *const quotes[] = {
		"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "DAI", "EUR", "USD", "GBP",
		"TRY", "BRL", "AUD", "JPY", "CHF", "CAD", "RUB", "UAH", "NGN", "ZAR", "PLN",
		"BTC", "ETH", "BNB", "XRP", "TRX", "DOGE", "SOL", "DOT", "BIDR", "IDRT", "VAI",
	};
	size_t n = strlen(s);

	for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
		size_t q = strlen(quotes[i]);
		if (n > q && strncasecmp(s + n - q, quotes[i], q) == 0) {
			if (n - q >= bcap || q >= qcap)
				return -1;
			memcpy(base, s, n - q);
			base[n - q] = 0;
			memcpy(quote, s + n - q, q + 1);
			arb_sym_alias(base, bcap);
			arb_sym_alias(quote, qcap);
			return 0;
		}
	}
	return -1;
}

int arb_sym_join(char *sym, size_t cap, const char *base, const char *quote, const char *suffix)
{
	char b[32], q[32];
	int n;

	if (!*base || !*quote)
		return -1;
	snprintf(b, sizeof b, "%s", base);
	snprintf(q, sizeof q, "%s", quote);
	arb_sym_alias(b, sizeof b);
	arb_sym_alias(q, sizeof q);
	n = snprintf(sym, cap, "%s/%s%s", b, q, suffix ? suffix : "");
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
