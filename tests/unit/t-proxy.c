#include "config.h"

#include <stdlib.h>

#include "../tap.h"
#include "proxy.h"

static const struct {
	const char *list, *host;
	int want;
} cases[] = {
	{ NULL, "api.binance.com", 0 },
	{ "", "api.binance.com", 0 },
	{ "*", "api.binance.com", 1 },
	{ "*", "127.0.0.1", 1 },
	{ "*,example.com", "api.binance.com", 0 },      /* "*" only alone */
	/* names: the name itself and the names under it, case aside */
	{ "binance.com", "binance.com", 1 },
	{ "binance.com", "api.binance.com", 1 },
	{ "binance.com", "API.Binance.COM", 1 },
	{ "binance.com", "notbinance.com", 0 },
	{ "binance.com", "binance.com.evil.test", 0 },
	{ "api.binance.com", "binance.com", 0 },
	{ ".binance.com", "api.binance.com", 1 },
	{ ".binance.com", "binance.com", 1 },
	{ "binance.com.", "api.binance.com", 1 },
	{ "binance.com", "api.binance.com.", 1 },
	{ "kraken.com, binance.com", "ws.kraken.com", 1 },
	{ "kraken.com  binance.com", "api.binance.com", 1 },
	{ "kraken.com,\tokx.com", "ws.okx.com", 1 },
	{ ",,kraken.com,,", "kraken.com", 1 },
	{ "kraken.com", "okx.com", 0 },
	{ "localhost", "localhost", 1 },
	/* addresses, exact or a range, and only addresses */
	{ "localhost", "127.0.0.1", 0 },
	{ "127.0.0.1", "localhost", 0 },
	{ "127.0.0.1", "127.0.0.1", 1 },
	{ "127.0.0.1", "127.0.0.2", 0 },
	{ "127.0.0.0/8", "127.1.2.3", 1 },
	{ "127.0.0.0/8", "128.0.0.1", 0 },
	{ "10.0.0.0/9", "10.127.255.255", 1 },
	{ "10.0.0.0/9", "10.128.0.0", 0 },
	{ "192.168.1.7/32", "192.168.1.7", 1 },
	{ "192.168.1.7/32", "192.168.1.8", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 0 },              /* /0: the address itself, as libcurl */
	{ "203.0.113.9/0", "203.0.113.9", 1 },
	{ "203.0.113.9/0", "203.0.113.10", 0 },
	{ "10.0.0.0/33", "10.0.0.1", 0 },               /* more bits than there are */
	{ "10.0.0.0/x", "10.0.0.1", 0 },
	{ "10.0.0.0/", "10.0.0.1", 0 },
	{ "::1", "::1", 1 },
	{ "::1", "[::1]", 1 },
	{ "[::1]", "::1", 1 },
	{ "::1", "::2", 0 },
	{ "2001:db8::/32", "2001:db8:1::5", 1 },
	{ "2001:db8::/32", "2001:db9::5", 0 },
	{ "2001:db8::/33", "[2001:db8:8000::1]", 0 },
	{ "127.0.0.1", "::1", 0 },
	{ "::1", "127.0.0.1", 0 },
	{ "venue.test,127.0.0.1", "127.0.0.1", 1 },
	{ "venue.test,127.0.0.1", "venue.test", 1 },
	{ "venue.test,127.0.0.1", "other.test", 0 },
};

int
main(void)
{
	const char *var = "x";

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		is_int(arb_noproxy_match(cases[i].list, cases[i].host), cases[i].want,
		    "no_proxy \"%s\", host %s", cases[i].list ? cases[i].list : "(unset)", cases[i].host);

	/* which variable decides: the first one set, even empty */
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	setenv("http_proxy", "http://plain:3128", 1);
	ok(arb_proxy_env(&var) == NULL && var == NULL, "http_proxy alone: no proxy for https");
	setenv("ALL_PROXY", "http://all:3128", 1);
	is_str(arb_proxy_env(&var), "http://all:3128", "ALL_PROXY");
	is_str(var, "ALL_PROXY", "named");
	setenv("HTTPS_PROXY", "http://upper:3128", 1);
	is_str(arb_proxy_env(&var), "http://upper:3128", "HTTPS_PROXY before all_proxy");
	setenv("https_proxy", "", 1);
	is_str(arb_proxy_env(&var), "", "an empty https_proxy decides: no proxy");
	is_str(var, "https_proxy", "named");
	setenv("https_proxy", "http://lower:3128", 1);
	is_str(arb_proxy_env(NULL), "http://lower:3128", "https_proxy first");

	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	ok(arb_noproxy_env() == NULL, "no no_proxy");
	setenv("NO_PROXY", "a.test", 1);
	is_str(arb_noproxy_env(), "a.test", "NO_PROXY");
	setenv("no_proxy", "b.test", 1);
	is_str(arb_noproxy_env(), "b.test", "no_proxy before NO_PROXY");
	return done_testing();
}
