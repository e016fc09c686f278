#include "config.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "cred.h"
#include "sign.h"

void
arb_hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

size_t
arb_b64(const unsigned char *p, size_t n, char *out, int url)
{
	const char *a = url ?
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" :
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = a[(v >> 6) & 63];
		out[o++] = a[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		if (!url) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = a[(v >> 6) & 63];
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

int
arb_b64_decode(const char *s, size_t n, unsigned char *out, size_t *outlen)
{
	unsigned v = 0;
	int bits = 0;
	size_t o = 0;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		int x = b64val((unsigned char)s[i]);
		if (x < 0)
			return -1;
		v = v << 6 | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	if (bits >= 6)   /* a lone sixth character cannot end base64 */
		return -1;
	*outlen = o;
	return 0;
}

/* HMAC over the concatenation of NUL-terminated parts (NULL ones skipped). */
static unsigned
hmac_parts(const EVP_MD *md, const void *key, size_t klen, unsigned char *out,
    const char *const *parts, int nparts)
{
	struct arb_buf m = {0};
	unsigned len = 0;

	arb_buf_reserve(&m, 256);
	for (int i = 0; i < nparts; i++)
		if (parts[i])
			arb_buf_adds(&m, parts[i]);
	HMAC(md, key, (int)klen, (const unsigned char *)m.p, m.len, out, &len);
	arb_buf_free(&m);
	return len;
}

void
arb_sign_binance(const char *secret, const char *payload, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	const char *p[] = { payload };

	unsigned len = hmac_parts(EVP_sha256(), secret, strlen(secret), mac, p, 1);

	arb_hex(mac, len, out);
	arb_wipe(mac, sizeof mac);
}

int
arb_sign_kraken(const char *secret_b64, const char *path, const char *nonce,
    const char *body, char *out)
{
	unsigned char key[256], sha[SHA256_DIGEST_LENGTH], mac[EVP_MAX_MD_SIZE];
	size_t klen, n = strlen(secret_b64);
	struct arb_buf m = {0};
	unsigned len = 0;

	if (n > sizeof key * 4 / 3 || arb_b64_decode(secret_b64, n, key, &klen) < 0)
		return -1;
	arb_buf_adds(&m, nonce);
	arb_buf_adds(&m, body);
	SHA256((const unsigned char *)m.p, m.len, sha);
	arb_buf_reset(&m);
	arb_buf_adds(&m, path);
	arb_buf_add(&m, sha, sizeof sha);
	HMAC(EVP_sha512(), key, (int)klen, (const unsigned char *)m.p, m.len, mac, &len);
	arb_buf_free(&m);
	arb_b64(mac, len, out, 0);
	arb_wipe(key, sizeof key);
	arb_wipe(mac, sizeof mac);
	return 0;
}

void
arb_sign_okx(const char *secret, const char *ts, const char *method,
    const char *path, const char *body, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	const char *p[] = { ts, method, path, body };

	unsigned len = hmac_parts(EVP_sha256(), secret, strlen(secret), mac, p, 4);

	arb_b64(mac, len, out, 0);
	arb_wipe(mac, sizeof mac);
}

void
arb_sign_bybit(const char *secret, const char *ts, const char *key,
    const char *recv_window, const char *payload, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	const char *p[] = { ts, key, recv_window, payload };

	unsigned len = hmac_parts(EVP_sha256(), secret, strlen(secret), mac, p, 4);

	arb_hex(mac, len, out);
	arb_wipe(mac, sizeof mac);
}

void
arb_sign_bitstamp(const char *secret, const char *key, const char *method,
    const char *host, const char *path, const char *query, const char *ctype,
    const char *nonce, const char *ts, const char *body, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	int has_body = body && *body;
	const char *p[] = { "BITSTAMP ", key, method, host, path, query,
	    has_body ? ctype : NULL, nonce, ts, "v2", body };

	unsigned len = hmac_parts(EVP_sha256(), secret, strlen(secret), mac, p, 11);

	arb_hex(mac, len, out);
	arb_wipe(mac, sizeof mac);
}

void
arb_sign_bitstamp_answer(const char *secret, const char *nonce, const char *ts,
    const char *ctype, const char *body, size_t len, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	struct arb_buf m = {0};
	unsigned mlen = 0;

	arb_buf_adds(&m, nonce);
	arb_buf_adds(&m, ts);
	arb_buf_adds(&m, ctype);
	arb_buf_add(&m, body, len);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)m.p, m.len, mac, &mlen);
	arb_buf_free(&m);
	arb_hex(mac, mlen, out);
	arb_wipe(mac, sizeof mac);
}

int
arb_jwt_es256(const char *pem, const char *header, const char *payload, struct arb_buf *out)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char der[128], raw[64];
	const unsigned char *dp = der;
	size_t dlen = sizeof der, start = out->len;
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	char *enc;
	int ret = -1;

	BIO_free(bio);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		goto done;
	/* signing input: b64url(header) "." b64url(payload) */
	enc = xmalloc(strlen(header) * 4 / 3 + strlen(payload) * 4 / 3 + 16);
	arb_buf_add(out, enc, arb_b64((const unsigned char *)header, strlen(header), enc, 1));
	arb_buf_addc(out, '.');
	arb_buf_add(out, enc, arb_b64((const unsigned char *)payload, strlen(payload), enc, 1));
	free(enc);
	md = EVP_MD_CTX_new();
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &dlen, (const unsigned char *)out->p + start, out->len - start) != 1)
		goto done;
	/* JWS wants the fixed-width r||s, OpenSSL gives DER */
	sig = d2i_ECDSA_SIG(NULL, &dp, (long)dlen);
	if (!sig)
		goto done;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32)
		goto done;
	{
		char b[100];
		arb_buf_addc(out, '.');
		arb_buf_add(out, b, arb_b64(raw, 64, b, 1));
	}
	ret = 0;
done:
	if (ret < 0) {
		out->len = start;
		if (out->cap)
			out->p[start] = '\0';
	}
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ret;
}
