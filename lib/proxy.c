#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "proxy.h"

const char *
arb_proxy_env(const char **var)
{
	static const char *const names[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = getenv(names[i]);
		if (v) {
			if (var)
				*var = names[i];
			return v;
		}
	}
	if (var)
		*var = NULL;
	return NULL;
}

const char *
arb_noproxy_env(void)
{
	const char *v = getenv("no_proxy");

	return v ? v : getenv("NO_PROXY");
}

/* The first `bits` bits of a and b agree. */
static int
same_prefix(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

/* host without its brackets into out[size]; its length */
static size_t
unbracket(const char *s, size_t n, char *out, size_t size)
{
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n >= size)
		return (size_t)-1;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

/* Does entry e[0..n) exempt the address a of family fam? */
static int
addr_entry(int fam, const unsigned char *a, const char *e, size_t n)
{
	char tok[64];
	unsigned char b[16];
	int bits = fam == AF_INET ? 32 : 128;
	const char *slash = memchr(e, '/', n);
	size_t an = slash ? (size_t)(slash - e) : n;

	if (slash) {
		char num[8];
		size_t dn = n - an - 1;
		char *end;
		long want;
		if (dn == 0 || dn >= sizeof num)
			return 0;
		memcpy(num, slash + 1, dn);
		num[dn] = '\0';
		want = strtol(num, &end, 10);
		if (*end || want < 0 || want > bits)
			return 0;
		if (want > 0)
			bits = (int)want;
	}
	if (unbracket(e, an, tok, sizeof tok) == (size_t)-1)
		return 0;
	return inet_pton(fam, tok, b) == 1 && same_prefix(a, b, bits);
}

/* Does entry e[0..n) exempt the name h[0..hn)? */
static int
name_entry(const char *h, size_t hn, const char *e, size_t n)
{
	if (n && e[n - 1] == '.')
		n--;
	if (n && e[0] == '.')
		e++, n--;
	if (n == 0 || n > hn)
		return 0;
	if (n == hn)
		return strncasecmp(e, h, n) == 0;
	return h[hn - n - 1] == '.' && strncasecmp(e, h + hn - n, n) == 0;
}

int
arb_noproxy_match(const char *list, const char *host)
{
	char h[256];
	unsigned char a[16];
	int fam = 0;
	size_t hn;

	if (!list || !*list || !host)
		return 0;
	if (strcmp(list, "*") == 0)
		return 1;
	if ((hn = unbracket(host, strlen(host), h, sizeof h)) == (size_t)-1)
		return 0;
	if (inet_pton(AF_INET, h, a) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, h, a) == 1)
		fam = AF_INET6;
	else if (hn && h[hn - 1] == '.')
		hn--;
	for (const char *p = list; *p;) {
		const char *e;
		size_t n;
		p += strspn(p, " \t,");
		e = p;
		n = strcspn(p, " \t,");
		p += n;
		if (n == 0)
			continue;
		if (fam ? addr_entry(fam, a, e, n) : name_entry(h, hn, e, n))
			return 1;
	}
	return 0;
}
