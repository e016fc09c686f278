/*
 * proxy.h: which HTTP proxy the venues' https and wss URLs go through, by
 * libcurl's rules, so that arb-feed (lib/ws.c: libcurl and libwebsockets)
 * and arb-exec --live (lib/live.c: libcurl) decide alike, host by host.
 */
#ifndef ARB_PROXY_H
#define ARB_PROXY_H

/* The proxy for https URLs from the environment: https_proxy, else
 * HTTPS_PROXY, else all_proxy, else ALL_PROXY, the first one set deciding.
 * Returns its value (NULL when none is set, "" when the first set is
 * empty: no proxy either) and, when var is not NULL, the variable's name
 * in *var.  http_proxy is for http:// URLs only and is not read. */
const char *arb_proxy_env(const char **var);

/* no_proxy, else NO_PROXY, or NULL. */
const char *arb_noproxy_env(void);

/* Does the no_proxy list exempt host (a name, or an IPv4 or IPv6 address,
 * bracketed or not)?  The list: entries separated by commas or blanks;
 * "*" alone exempts every host; a name exempts itself and the names under
 * it (example.com: www.example.com, not notexample.com), case aside, a
 * leading or trailing dot ignored; an address, with /bits or without,
 * exempts the addresses of that range, and only addresses (localhost is
 * not 127.0.0.1).  1 or 0. */
int arb_noproxy_match(const char *list, const char *host);

#endif
