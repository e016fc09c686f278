/*
 * sign.h: request signing for the venues' private REST APIs, with OpenSSL.
 * Each function builds exactly the string the venue's documentation says
 * is signed and returns the header value.  Secrets are passed in, used,
 * and never copied anywhere else; callers wipe them (cred.h).
 */
#ifndef ARB_SIGN_H
#define ARB_SIGN_H

#include <stddef.h>
#include "util.h"

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void arb_hex(const unsigned char *p, size_t n, char *out);
/* Base64 (RFC 4648) of n bytes; url selects base64url without padding.
 * Returns the length written to out (4*ceil(n/3)+1 bytes suffice). */
size_t arb_b64(const unsigned char *p, size_t n, char *out, int url);
/* Decodes standard base64 (padding optional).  -1 on bad input. */
int arb_b64_decode(const char *s, size_t n, unsigned char *out, size_t *outlen);

/* Binance: hex HMAC-SHA256 of the query string and body as sent
 * (totalParams), keyed by the API secret.  out: 65 bytes. */
void arb_sign_binance(const char *secret, const char *payload, char *out);
/* Kraken spot REST: base64 HMAC-SHA512 of path + SHA-256(nonce + body),
 * keyed by the base64-decoded secret.  out: 89 bytes.  -1 on a secret
 * that is not base64. */
int arb_sign_kraken(const char *secret_b64, const char *path, const char *nonce,
    const char *body, char *out);
/* OKX v5: base64 HMAC-SHA256 of timestamp + METHOD + requestPath + body.
 * out: 45 bytes. */
void arb_sign_okx(const char *secret, const char *ts, const char *method,
    const char *path, const char *body, char *out);
/* Bybit v5: hex HMAC-SHA256 of timestamp + api key + recvWindow + payload
 * (the query string for GET, the JSON body for POST).  out: 65 bytes. */
void arb_sign_bybit(const char *secret, const char *ts, const char *key,
    const char *recv_window, const char *payload, char *out);
/* Bitstamp v2: hex HMAC-SHA256 of "BITSTAMP " + key + METHOD + host + path
 * + query + content type (only with a body) + nonce + timestamp + "v2" +
 * body.  out: 65 bytes. */
void arb_sign_bitstamp(const char *secret, const char *key, const char *method,
    const char *host, const char *path, const char *query, const char *ctype,
    const char *nonce, const char *ts, const char *body, char *out);
/* Bitstamp v2 answers: hex HMAC-SHA256 of the request's nonce + timestamp
 * + the answer's Content-Type + its body (X-Server-Auth-Signature).
 * out: 65 bytes. */
void arb_sign_bitstamp_answer(const char *secret, const char *nonce, const char *ts,
    const char *ctype, const char *body, size_t len, char *out);
/* Coinbase Advanced Trade (CDP keys): an ES256 JWT over header and payload
 * JSON texts, signed with the EC P-256 private key in PEM.  Appends
 * "b64url(header).b64url(payload).b64url(r||s)" to out.  0 or -1. */
int arb_jwt_es256(const char *pem, const char *header, const char *payload, struct arb_buf *out);

#endif
