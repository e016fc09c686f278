#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../tap.h"
#include "sign.h"

/*
 * Known answers.  Binance and Kraken: the examples printed in the venues'
 * own API documentation.  OKX, Bybit and Bitstamp publish no fixed vector;
 * theirs were computed with Python's hmac/hashlib (an independent
 * implementation) from the string each venue's documentation says is
 * signed, with the test secret below.
 */
static const char *TSEC = "arb-test-secret-1234567890";

static int
verify_jwt(const char *jwt, EVP_PKEY *pub)
{
	const char *d2 = strrchr(jwt, '.');
	unsigned char raw[64], der[80], *dp = der;
	char b64[100];
	size_t n = strlen(d2 + 1), rawlen, i;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int derlen, r;

	/* base64url -> base64 for our decoder */
	if (n >= sizeof b64)
		return 0;
	for (i = 0; i < n; i++)
		b64[i] = d2[1 + i] == '-' ? '+' : d2[1 + i] == '_' ? '/' : d2[1 + i];
	b64[n] = '\0';
	if (arb_b64_decode(b64, n, raw, &rawlen) < 0 || rawlen != 64)
		return 0;
	ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
	derlen = i2d_ECDSA_SIG(sig, &dp);
	r = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)jwt,
	    (size_t)(d2 - jwt)) == 1;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return r;
}

int
main(void)
{
	char out[128], b[128];
	unsigned char raw[128];
	size_t n;

	arb_sign_binance("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
	    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
	    "&recvWindow=5000&timestamp=1499827319559", out);
	is_str(out, "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
	    "Binance: the documentation's HMAC-SHA256 example");

	is_int(arb_sign_kraken("kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
	    "/0/private/AddOrder", "1616492376594",
	    "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25", out), 0,
	    "Kraken: signs");
	is_str(out, "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==",
	    "Kraken: the documentation's API-Sign example");
	is_int(arb_sign_kraken("not base64!", "/0/private/Balance", "1", "nonce=1", out), -1,
	    "Kraken: a secret that is not base64 is refused");

	arb_sign_okx(TSEC, "2020-12-08T09:08:57.715Z", "POST", "/api/v5/trade/order",
	    "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"clOrdId\":\"arb1\",\"side\":\"buy\","
	    "\"ordType\":\"ioc\",\"px\":\"30000.1\",\"sz\":\"0.01\"}", out);
	is_str(out, "+V5jyRlCVRPNrtg6OhIruwDpZ4rvci1nQNpJ6T0NLOE=", "OKX: base64 HMAC-SHA256 of ts+method+path+body");

	arb_sign_bybit(TSEC, "1658384314791", "XXXXXXXXXX", "5000",
	    "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
	    "\"qty\":\"0.01\",\"price\":\"30000.1\",\"orderLinkId\":\"arb1\"}", out);
	is_str(out, "018673e273b43eb6ac4033fb351149d4255c4aae436bc3aedba229db29f8ea70",
	    "Bybit: hex HMAC-SHA256 of ts+key+recvWindow+body");

	arb_sign_bitstamp(TSEC, "apikey1", "POST", "www.bitstamp.net", "/api/v2/buy/btcusd/", "",
	    "application/x-www-form-urlencoded", "f93c979d-b00d-43a9-9b9c-fd4cd9547fa6",
	    "1567755304968", "amount=0.01&price=30000.1&client_order_id=arb1", out);
	is_str(out, "a7df8696c21045c9584bfc8050434b1b83944d550e83a8b75544ac8e503f3095",
	    "Bitstamp v2: with a body the content type is signed");
	arb_sign_bitstamp(TSEC, "apikey1", "POST", "www.bitstamp.net", "/api/v2/balance/", "",
	    "application/x-www-form-urlencoded", "f93c979d-b00d-43a9-9b9c-fd4cd9547fa6",
	    "1567755304968", "", out);
	is_str(out, "6c493d2b480374cd6f72d7df271d91550cb3191c129501631124f78b3b30a731",
	    "Bitstamp v2: without a body the content type is left out");
	arb_sign_bitstamp_answer(TSEC, "3b7cd1f2-53a4-4f0e-9d1c-6c9e2f0a1b2c", "1700000000123", "application/json",
	    "{\"id\":\"1\"}", 10, out);
	is_str(out, "c2aeaab7266736325bc95ad412cf6cc7bd083a165cc07429176bce443ad01e29",
	    "Bitstamp v2: the answer's signature (nonce + timestamp + content type + body)");

	/* base64 (RFC 4648 test vectors) */
	arb_b64((const unsigned char *)"foobar", 6, b, 0); is_str(b, "Zm9vYmFy", "base64 foobar");
	arb_b64((const unsigned char *)"fooba", 5, b, 0); is_str(b, "Zm9vYmE=", "base64 fooba");
	arb_b64((const unsigned char *)"foob", 4, b, 0); is_str(b, "Zm9vYg==", "base64 foob");
	arb_b64((const unsigned char *)"foob", 4, b, 1); is_str(b, "Zm9vYg", "base64url drops padding");
	arb_b64((const unsigned char *)"\xfb\xff", 2, b, 1); is_str(b, "-_8", "base64url alphabet");
	ok(arb_b64_decode("Zm9vYmE=", 8, raw, &n) == 0 && n == 5 && memcmp(raw, "fooba", 5) == 0,
	    "base64 decode");
	is_int(arb_b64_decode("Zm9v!", 5, raw, &n), -1, "base64 decode rejects bad characters");
	is_int(arb_b64_decode("Z", 1, raw, &n), -1, "base64 decode rejects a lone sextet");
	arb_hex((const unsigned char *)"\x00\xab\xff", 3, b);
	is_str(b, "00abff", "hex");

	/* Coinbase: ES256 JWT, checked by verifying with the public key */
	{
		EVP_PKEY *k = EVP_EC_gen("P-256");
		BIO *bio = BIO_new(BIO_s_mem());
		char *pem;
		long plen;
		struct arb_buf jwt = {0};
		const char *hdr = "{\"alg\":\"ES256\",\"kid\":\"organizations/x/apiKeys/y\",\"nonce\":\"abc\",\"typ\":\"JWT\"}";
		const char *pl = "{\"sub\":\"organizations/x/apiKeys/y\",\"iss\":\"cdp\",\"nbf\":1700000000,"
		    "\"exp\":1700000120,\"uri\":\"POST api.coinbase.com/api/v3/brokerage/orders\"}";

		PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
		plen = BIO_get_mem_data(bio, &pem);
		{
			char *p = xstrndup(pem, (size_t)plen);
			is_int(arb_jwt_es256(p, hdr, pl, &jwt), 0, "ES256 JWT signed");
			free(p);
		}
		arb_b64((const unsigned char *)hdr, strlen(hdr), b, 1);
		ok(strncmp(jwt.p, b, strlen(b)) == 0 && jwt.p[strlen(b)] == '.', "JWT starts with b64url(header).");
		ok(verify_jwt(jwt.p, k), "the JWT signature verifies with the public key");
		jwt.p[strlen(b) + 3] ^= 1;
		ok(!verify_jwt(jwt.p, k), "a changed payload does not verify");
		arb_buf_reset(&jwt);
		is_int(arb_jwt_es256("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n", hdr, pl, &jwt),
		    -1, "a bad key is refused");
		is_int((long)jwt.len, 0, "nothing appended on failure");
		arb_buf_free(&jwt);
		BIO_free(bio);
		EVP_PKEY_free(k);
	}
	return done_testing();
}
