#!/usr/bin/env python3
"""fakevenue.py: a loopback HTTPS venue for arb-exec's live transport tests.

Python standard library only.  It implements the Binance spot order
endpoints (/api/v3/...) and the Kraken spot ones (/0/...) closely enough
to check every request the way the venues document it, with its own code
(not the project's).  Binance: the X-MBX-APIKEY header, the signature (hex
HMAC-SHA256 of the query string followed by the body, keyed by the
secret), timestamp within recvWindow.  Kraken: API-Key, API-Sign (base64
HMAC-SHA512 keyed by the base64-decoded secret, of the URI path followed
by SHA-256(nonce + POST body)), a nonce that always increases, the
order's deadline.  OKX (/api/v5/...): OK-ACCESS-KEY, -PASSPHRASE,
-TIMESTAMP within 30 s, -SIGN (base64 HMAC-SHA256 of timestamp + method +
path with query + body), expTime.  Bybit V5 (/v5/...): X-BAPI-API-KEY,
-TIMESTAMP within -RECV-WINDOW, -SIGN (hex HMAC-SHA256 of timestamp + key
+ recvWindow + query string or body).  Coinbase Advanced Trade
(/api/v3/brokerage/...): the bearer JWT, ES256 verified with the public
half of the test key (the cryptography module, or the openssl command
without it), kid/sub the key name, iss "cdp", nbf/exp around now and at
most two minutes apart, uri "METHOD host/path", a nonce never seen
before.  Bitstamp v2 (/api/v2/...): X-Auth, X-Auth-Signature (hex
HMAC-SHA256 of "BITSTAMP " + key + method + host + path + query + content
type when there is a body + nonce + timestamp + "v2" + body), a UUID nonce
never seen before, the timestamp within 150 s, Content-Type present
exactly when there is a body; its answers carry X-Server-Auth-Signature.
A request that fails a check gets the venue's error answer and is logged
with ok=false.

Orders fill at once at their limit price (IOC), fully, unless the symbol's
"liquidity" is limited.  Misbehaviour on demand, per symbol, for the first
order placed on it (--script SYMBOL=MODE[,MODE...] consumes one mode per
order):

  ok        answer normally
  drop      accept the order, then close the connection without an answer
  503       accept the order, answer 503
  503-lost  do not accept, answer 503
  timeout   accept the order, answer after --slow seconds
  429       refuse (not executed), 429 with Retry-After: 1
  418       refuse, 418 with Retry-After: 120 (IP ban; Bybit, Coinbase,
            Bitstamp: 403 with a page that is not the API's)
  lot       refuse, 400 -1013 Filter failure: LOT_SIZE
  balance   refuse, 400 -2010 insufficient balance
  lag       accept, answer normally, but queries see the order only after
            --lag seconds
  droplag   accept, drop the answer, and queries see the order only after
            --lag seconds (the venue's own delay)
  droplag2  the same, seen only after twice --lag seconds
  dropmany  (Binance) accept the order, filled in 600 trades of equal
            parts (myTrades lists 500 by default, 1000 at most), and drop
            the answer
  past36    (Binance) accept the order and fill it at 0.01 below its
            price, reporting an executed quantity 10^-36 above the one
            ordered (36 decimals: the price times it has 38)
  cumovf    (Kraken) accept the order; queries see it open with a third
            of it executed, then closed with an executed volume of 10^38
            (less what was executed before, it has 39 digits)
  feeovf    (Kraken) the same, then closed, fully executed, with a
            cumulative fee of 10^36 (less the first fee: 39 digits)
  feedown   (Kraken) the same, then closed, fully executed, with a
            cumulative fee of 5, below the first one
  twostep   (Kraken, OKX) accept the order; queries see it open with a
            third of it executed at its price, then fully executed, the
            rest at 60 better (above the price of a sell, below that of a
            buy): the averages are the price and the price 40 better
  split     (Bybit) accept the order; queries see it open with a tenth
            of it executed at its price, then fully executed, a third of
            the order more at 50 better and the rest at 60 better (the
            price of the part after the first has no end of decimals)
  mnt       (Bybit) accept and fill the order, its fee charged in MNT:
            0.0125 in cumFeeDetail, cumExecFee 0 (deprecated for spot)
  rest      (Binance, Coinbase) accept the order but leave it open,
            unfilled, until it is canceled
  badsig    (Bitstamp) accept the order, answer with a wrong
            X-Server-Auth-Signature
  crowddrop (Coinbase) accept the order, add three newer ones of the same
            product and side, drop the answer (with page=N in /_reset the
            order list pages N orders at a time)

Admin (no auth, loopback only, not logged as venue requests): GET /_state
gives every order and every request (path, method, checks passed) as JSON;
/_reset?script=SYM=MODE,...;SYM=...&slow=S&lag=S&weight=W&page=N&pad=N&kdelay=S&ktaker=P&hold=1
forgets everything and sets a new script (weight: added to the used request
weight the venue reports; pad: that many empty Coinbase wallets listed before
the others, which come 49 or limit= to a page; kdelay: Kraken's private
requests are held that long; ktaker: Kraken's taker fee in percent,
0.2000 when not given; hold=1: the modes twostep and split stay at their
first step until /_release); /_balance?asset=A&value=V sets a balance (an
empty value removes it); /_count?cid=CID, /_orders, /_places, /_bad and
/_kconc give one number: orders with that client id, all orders, placements
received, requests that failed the checks, the most Kraken private requests
at the venue at once.

Usage: fakevenue.py --cert C --key K --portfile F --api-key K --secret-file S
       [--script SYM=MODE,...] [--slow SECONDS] [--lag SECONDS]
"""

import argparse
import base64
import calendar
import hashlib
import hmac
import json
import os
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

LOCK = threading.RLock()
ORDERS = []          # every order ever accepted
REQUESTS = []        # every request: {method, path, ok, why}
SCRIPT = {}          # symbol -> [modes]
NEXT_ID = [1000]
NEXT_TRADE = [50000]
CONF = {}
NONCES = set()       # Coinbase JWT and Bitstamp nonces seen
CBPUB = [None]       # the Coinbase key's public key
KCONC = [0, 0]       # Kraken private requests at the venue now, most at once


def es256_verify(pub, msg, rs):
    """ES256 (JWS): r||s over SHA-256, checked with the cryptography
    module, or with the openssl command when it is missing."""
    r, s = int.from_bytes(rs[:32], "big"), int.from_bytes(rs[32:], "big")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
        try:
            pub.verify(encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))
            return True
        except InvalidSignature:
            return False
    except ImportError:
        pass
    import subprocess
    import tempfile

    def der_int(v):
        b = v.to_bytes(33, "big").lstrip(b"\0")
        if not b or b[0] & 0x80:
            b = b"\0" + b
        return b"\x02" + bytes([len(b)]) + b
    body = der_int(r) + der_int(s)
    der = b"\x30" + bytes([len(body)]) + body
    with tempfile.NamedTemporaryFile() as sf, tempfile.NamedTemporaryFile() as mf:
        sf.write(der)
        sf.flush()
        mf.write(msg)
        mf.flush()
        return subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sf.name, mf.name],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def load_coinbase_pub(pem_path):
    """The public key of the Coinbase test key: a cryptography object, or
    the path of a PEM public key for the openssl command."""
    try:
        from cryptography.hazmat.primitives import serialization
        with open(pem_path, "rb") as f:
            return serialization.load_pem_private_key(f.read(), password=None).public_key()
    except ImportError:
        import subprocess
        out = pem_path + ".pub.pem"
        subprocess.run(["openssl", "ec", "-in", pem_path, "-pubout", "-out", out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return out


def lag_for(mode):
    """Seconds before queries see an order placed in this mode."""
    if mode in ("lag", "droplag"):
        return CONF["lag"]
    return 2 * CONF["lag"] if mode == "droplag2" else 0


def now_ms():
    return int(time.time() * 1000)


def part_steps(mode, q, x, buy, feeof):
    """The order as queries see it, one step per query (the last stays):
    executedQty, cummulativeQuoteQty (the amount), avgPx, fee, part (True
    while not fully executed), for the modes twostep and split."""
    from decimal import Decimal
    better = lambda d: x - d if buy else x + d
    if mode == "twostep":
        q1 = q / 3
        parts = [[(q1, x)], [(q1, x), (q - q1, better(60))]]
    else:
        q1 = q / 10
        parts = [[(q1, x)], [(q1, x), (q / 3, better(50)), (q - q1 - q / 3, better(60))]]
    steps = []
    for k, ps in enumerate(parts):
        qq = sum(a for a, _ in ps)
        amt = sum(a * b for a, b in ps)
        steps.append({"executedQty": format(qq.normalize(), "f"), "cummulativeQuoteQty": format(amt.normalize(), "f"),
                      "avgPx": format((amt / qq).quantize(Decimal("0.01")).normalize(), "f"),
                      "fee": format(feeof(qq, amt).normalize(), "f"), "part": k < len(parts) - 1})
    return steps


def step(o):
    """Applies the order's next step (see part_steps; the last one stays)."""
    with LOCK:
        if o.get("steps"):
            o.update(o["steps"].pop(0) if len(o["steps"]) > 1 and not CONF.get("hold") else o["steps"][0])


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if CONF.get("verbose"):
            sys.stderr.write("fakevenue: " + (fmt % args) + "\n")

    # -- plumbing ------------------------------------------------------
    def answer(self, code, obj, headers=None):
        body = (obj if isinstance(obj, str) else json.dumps(obj)).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        with LOCK:
            w = sum(1 for r in REQUESTS if r["t"] > time.time() - 60)
            n10 = sum(1 for r in REQUESTS if r["t"] > time.time() - 10 and r["place"])
        self.send_header("X-MBX-USED-WEIGHT-1M", str(w + CONF.get("weight", 0)))
        self.send_header("X-MBX-ORDER-COUNT-10S", str(n10))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, bcode, msg, headers=None):
        self.answer(code, {"code": bcode, "msg": msg}, headers)

    def note(self, ok, why, place=False):
        with LOCK:
            REQUESTS.append({"t": time.time(), "method": self.command, "path": self.path.split("?")[0],
                             "query": self.path.split("?", 1)[1] if "?" in self.path else "",
                             "ok": ok, "why": why, "place": place,
                             "apikey": self.headers.get("X-MBX-APIKEY", "")})

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def check(self, query, body):
        """Binance SIGNED endpoint security, checked independently."""
        if self.headers.get("X-MBX-APIKEY") != CONF["api_key"]:
            return (401, -2015, "Invalid API-key, IP, or permissions for action.")
        total = query + body
        if "&signature=" not in total and not total.startswith("signature="):
            return (400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
        # totalParams is query + body; the signature is the last parameter
        # of whichever part carries it
        if "signature=" in body:
            part, sig = body.rsplit("signature=", 1)
            signed = query + part.rstrip("&")
        else:
            part, sig = query.rsplit("signature=", 1)
            signed = part.rstrip("&") + body
        want = hmac.new(CONF["secret"], signed.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig):
            return (400, -1022, "Signature for this request is not valid.")
        p = dict(urllib.parse.parse_qsl(query + ("&" if query and body else "") + body))
        try:
            ts = int(p["timestamp"])
        except (KeyError, ValueError):
            return (400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
        rw = int(p.get("recvWindow", "5000"))
        server = now_ms()
        if ts > server + 1000 or server - ts > rw:
            return (400, -1021, "Timestamp for this request is outside of the recvWindow.")
        return p

    # -- endpoints -----------------------------------------------------
    def route(self):
        u = urllib.parse.urlsplit(self.path)
        query = u.query
        body = self.read_body() if self.command in ("POST", "DELETE", "PUT") else ""
        if u.path.startswith("/_"):
            return self.admin(u.path, dict(urllib.parse.parse_qsl(query)))
        if u.path == "/api/v3/time" and self.command == "GET":
            self.note(True, "")
            return self.answer(200, {"serverTime": now_ms()})
        if u.path.startswith("/0/"):
            return self.kraken_timed(u.path, body)
        if u.path.startswith("/api/v5/"):
            return self.okx(u.path, query, body)
        if u.path.startswith("/api/v3/brokerage/"):
            return self.coinbase(u.path, query, body)
        if u.path.startswith("/api/v2/"):
            return self.bitstamp(u.path, query, body)
        if u.path.startswith("/v5/"):
            return self.bybit(u.path, query, body)
        if not u.path.startswith("/api/v3/"):
            self.note(False, "no such path")
            return self.error(404, -1000, "no such path")
        p = self.check(query, body)
        place = u.path == "/api/v3/order" and self.command == "POST"
        if isinstance(p, tuple):
            self.note(False, p[2], place)
            return self.error(p[0], p[1], p[2])
        self.note(True, "", place)
        if u.path == "/api/v3/account" and self.command == "GET":
            return self.answer(200, {"canTrade": True, "commissionRates": {
                "maker": "0.00075000", "taker": "0.00075000", "buyer": "0.00000000", "seller": "0.00000000"},
                "balances": [
                {"asset": a, "free": v, "locked": "0.00000000"} for a, v in CONF["balances"].items()]})
        if u.path == "/api/v3/order":
            if self.command == "POST":
                return self.place(p)
            if self.command == "GET":
                return self.query(p)
            if self.command == "DELETE":
                return self.cancel(p)
        if u.path == "/api/v3/myTrades" and self.command == "GET":
            with LOCK:
                ts = [t for o in ORDERS if o["symbol"] == p.get("symbol") and str(o["orderId"]) == p.get("orderId")
                      for t in o["trades"]]
            # the oldest limit of them: 500 by default, at most 1000
            return self.answer(200, ts[:min(int(p.get("limit", "500")), 1000)])
        return self.error(400, -1000, "unsupported")

    def admin(self, path, q):
        """Test control, loopback only, never logged as a venue request."""
        with LOCK:
            if path == "/_state":
                return self.answer(200, {"orders": ORDERS, "requests": REQUESTS})
            if path == "/_reset":
                del ORDERS[:]
                del REQUESTS[:]
                SCRIPT.clear()
                for s in q.get("script", "").split(";"):
                    if "=" in s:
                        sym, modes = s.split("=", 1)
                        SCRIPT[sym] = modes.split(",")
                if "slow" in q:
                    CONF["slow"] = float(q["slow"])
                if "lag" in q:
                    CONF["lag"] = float(q["lag"])
                CONF["weight"] = int(q.get("weight", "0"))
                CONF["page"] = int(q.get("page", "0"))
                CONF["pad"] = int(q.get("pad", "0"))
                CONF["kdelay"] = float(q.get("kdelay", "0"))
                CONF["ktaker"] = q.get("ktaker", "0.2000")
                CONF["hold"] = q.get("hold", "0") == "1"
                KCONC[1] = 0
                return self.answer(200, "0")
            if path == "/_release":
                CONF["hold"] = False
                return self.answer(200, "0")
            if path == "/_balance":
                if q.get("value"):
                    CONF["balances"][q["asset"]] = q["value"]
                else:
                    CONF["balances"].pop(q["asset"], None)
                return self.answer(200, "0")
            if path == "/_status":
                return self.answer(200, next((o["status"] for o in reversed(ORDERS)
                                              if o["clientOrderId"] == q.get("cid")), "none"))
            if path == "/_count":
                return self.answer(200, str(sum(1 for o in ORDERS if o["clientOrderId"] == q.get("cid"))))
            if path == "/_orders":
                return self.answer(200, str(len(ORDERS)))
            if path == "/_places":
                return self.answer(200, str(sum(1 for r in REQUESTS if r["place"])))
            if path == "/_kconc":
                return self.answer(200, str(KCONC[1]))
            if path == "/_bad":
                return self.answer(200, str(sum(1 for r in REQUESTS if not r["ok"])))
        return self.answer(404, "no such admin path")

    # -- Kraken -------------------------------------------------------
    def kraken_timed(self, path, body):
        """Private requests held kdelay seconds, and how many were at the
        venue at once (its nonces must arrive increasing: two at once on
        their own connections can overtake each other)."""
        private = path.startswith("/0/private/")
        if private:
            with LOCK:
                KCONC[0] += 1
                KCONC[1] = max(KCONC[1], KCONC[0])
            time.sleep(CONF.get("kdelay", 0))
        try:
            return self.kraken(path, body)
        finally:
            if private:
                with LOCK:
                    KCONC[0] -= 1

    def kanswer(self, result=None, error=None, code=200):
        self.answer(code, {"error": error or [], "result": result if result is not None else {}})

    def kraken(self, path, body):
        if path == "/0/public/Time":
            self.note(True, "")
            t = time.time()
            return self.kanswer({"unixtime": int(t), "rfc1123": time.strftime("%a, %d %b %y %H:%M:%S +0000", time.gmtime(t))})
        place = path == "/0/private/AddOrder"
        p = dict(urllib.parse.parse_qsl(body))
        why = None
        if self.headers.get("API-Key") != CONF["kraken_key"]:
            why = "EAPI:Invalid key"
        else:
            try:
                secret = base64.b64decode(CONF["kraken_secret"])
                msg = path.encode() + hashlib.sha256((p.get("nonce", "") + body).encode()).digest()
                want = base64.b64encode(hmac.new(secret, msg, hashlib.sha512).digest()).decode()
            except Exception:
                want = ""
            if not hmac.compare_digest(want, self.headers.get("API-Sign", "")):
                why = "EAPI:Invalid signature"
            else:
                try:
                    n = int(p["nonce"])
                except (KeyError, ValueError):
                    n = -1
                with LOCK:
                    if n <= CONF.get("kraken_nonce", 0):
                        why = "EAPI:Invalid nonce"
                    else:
                        CONF["kraken_nonce"] = n
        if why:
            self.note(False, why, place)
            return self.kanswer(error=[why])
        self.note(True, "", place)
        if path == "/0/private/TradeVolume":
            legacy = {"XBTUSD": "XXBTZUSD", "XBTEUR": "XXBTZEUR", "ETHUSD": "XETHZUSD"}
            pairs = [x for x in p.get("pair", "").split(",") if x]
            tier = lambda f: {"fee": f, "minfee": "0.1000", "maxfee": "0.2600", "nextfee": None,
                              "nextvolume": None, "tiervolume": "0.0000"}
            return self.kanswer({"currency": "ZUSD", "volume": "0.0000",
                                 "fees": {legacy.get(x, x): tier(CONF.get("ktaker", "0.2000")) for x in pairs},
                                 "fees_maker": {legacy.get(x, x): tier("0.1000") for x in pairs}})
        if path == "/0/private/Balance":
            return self.kanswer({("XXBT" if a == "BTC" else "Z" + a if a in ("USD", "EUR") else a): v
                                 for a, v in CONF["balances"].items()})
        if place:
            return self.kplace(p)
        if path in ("/0/private/QueryOrders", "/0/private/CancelOrder"):
            cid = p.get("cl_ord_id")
            with LOCK:
                o = next((o for o in reversed(ORDERS) if o.get("venue") == "kraken" and o["clientOrderId"] == cid
                          and o["visible_at"] <= time.time()), None)
            if not o:
                return self.kanswer(error=["EOrder:Unknown order"])
            if o.get("steps"):
                # the order as the next query sees it; the last one stays
                with LOCK:
                    o.update(o["steps"].pop(0) if len(o["steps"]) > 1 and not CONF.get("hold")
                             else o["steps"][0])
            if path == "/0/private/CancelOrder":
                if o["kstatus"] in ("closed", "canceled", "expired"):
                    return self.kanswer(error=["EOrder:Unknown order"])
                o["kstatus"] = "canceled"
                return self.kanswer({"count": 1})
            return self.kanswer({o["txid"]: {"refid": None, "userref": 0, "cl_ord_id": cid, "status": o["kstatus"],
                                            "opentm": o["time"] / 1000.0, "closetm": o["time"] / 1000.0,
                                            "descr": {"pair": o["symbol"], "type": o["side"].lower(), "ordertype": "limit",
                                                      "price": o["price"]},
                                            "vol": o["origQty"], "vol_exec": o["executedQty"],
                                            "cost": o["cummulativeQuoteQty"], "fee": o["kfee"], "price": o["price"],
                                            "misc": "", "oflags": o.get("koflags", ""), "trades": ["T" + o["txid"][1:]]}})
        return self.kanswer(error=["EGeneral:Unknown method"])

    # -- OKX and Bybit --------------------------------------------------
    def fill_order(self, venue, sym, cid, side, px, qty, mode, fee_in_received=True):
        from decimal import Decimal
        with LOCK:
            oid = NEXT_ID[0]
            NEXT_ID[0] += 1
            q, x = Decimal(qty), Decimal(px)
            base, quote = sym.replace("-", " ").split()[0:2] if "-" in sym else split(sym)
            buy = side.lower() == "buy"
            fee = (q * Decimal("0.001")) if buy else (q * x * Decimal("0.001"))
            o = {"venue": venue, "symbol": sym, "orderId": oid, "clientOrderId": cid, "price": px,
                 "origQty": qty, "executedQty": qty, "status": "FILLED", "side": side.upper(),
                 "cummulativeQuoteQty": format((q * x).normalize(), "f"),
                 "fee": format(fee.normalize(), "f"), "feeCcy": base if buy else quote,
                 "time": now_ms(), "trades": [],
                 "visible_at": time.time() + lag_for(mode)}
            if mode == "mnt":
                # Bybit's fee deduction in another coin: only cumFeeDetail
                # tells it (cumExecFee, deprecated for spot, says 0)
                o.update({"fee": "0.0125", "feeCcy": "MNT", "cumExecFee": "0"})
            if mode in ("twostep", "split"):
                o["steps"] = part_steps(mode, q, x, buy, lambda qq, amt: qq * Decimal("0.001") if buy
                                        else amt * Decimal("0.001"))
            ORDERS.append(o)
        return o

    def vfind(self, venue, cid):
        with LOCK:
            return next((o for o in reversed(ORDERS) if o.get("venue") == venue and o["clientOrderId"] == cid
                         and o["visible_at"] <= time.time()), None)

    def misbehave(self, mode):
        """After the order was created: True when the answer is withheld."""
        if mode in ("drop", "droplag", "droplag2"):
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return True
        if mode == "503":
            self.answer(503, "<html><body>Service Unavailable</body></html>")
            return True
        if mode == "timeout":
            time.sleep(CONF["slow"])
        return False

    def okx(self, path, query, body):
        ok_ = lambda data: self.answer(200, {"code": "0", "msg": "", "data": data})
        if path == "/api/v5/public/time":
            self.note(True, "")
            return ok_([{"ts": str(now_ms())}])
        place = path == "/api/v5/trade/order" and self.command == "POST"
        h = self.headers
        ts = h.get("OK-ACCESS-TIMESTAMP", "")
        rp = path + ("?" + query if query else "")
        want = base64.b64encode(hmac.new(CONF["okx_secret"].encode(), (ts + self.command + rp + body).encode(),
                                         hashlib.sha256).digest()).decode()
        why = None
        if h.get("OK-ACCESS-KEY") != CONF["okx_key"]:
            why = ("50111", "Invalid OK-ACCESS-KEY")
        elif h.get("OK-ACCESS-PASSPHRASE") != CONF["okx_pass"]:
            why = ("50105", "Invalid OK-ACCESS-PASSPHRASE")
        elif not hmac.compare_digest(want, h.get("OK-ACCESS-SIGN", "")):
            why = ("50113", "Invalid Sign")
        else:
            try:
                t = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + ts[19:23])
            except ValueError:
                t = 0
            if abs(t - time.time()) > 30:
                why = ("50102", "Timestamp request expired")
            elif h.get("expTime") and int(h["expTime"]) < now_ms():
                why = ("50102", "Request expired (expTime)")
        if why:
            self.note(False, why[1], place)
            return self.answer(401 if why[0] != "50102" else 400, {"code": why[0], "msg": why[1], "data": []})
        self.note(True, "", place)
        p = json.loads(body) if body else dict(urllib.parse.parse_qsl(query))
        if path == "/api/v5/account/trade-fee":
            return ok_([{"instType": "SPOT", "level": "Lv1", "category": "1", "delivery": "", "exercise": "",
                         "maker": "-0.0008", "taker": "-0.0008", "makerU": "", "takerU": "",
                         "makerUSDC": "-0.0006", "takerUSDC": "-0.0007", "fiat": [], "ts": str(now_ms())}])
        if path == "/api/v5/account/balance":
            return ok_([{"details": [{"ccy": a, "availBal": v, "frozenBal": "0"} for a, v in CONF["balances"].items()]}])
        if place:
            with LOCK:
                modes = SCRIPT.get(p.get("instId", "")) or []
                mode = modes.pop(0) if modes else "ok"
            fail = lambda sc, sm: self.answer(200, {"code": "1", "msg": "All operations failed", "data": [
                {"clOrdId": p.get("clOrdId", ""), "ordId": "", "sCode": sc, "sMsg": sm}]})
            if mode == "429":
                return self.answer(429, {"code": "50011", "msg": "Too Many Requests", "data": []})
            if mode == "lot":
                return fail("51121", "Order quantity must be a multiple of the lot size.")
            if mode == "balance":
                return fail("51008", "Order failed. Insufficient USDT balance in account.")
            if mode == "503-lost":
                return self.answer(503, "<html><body>Service Unavailable</body></html>")
            o = self.fill_order("okx", p["instId"], p["clOrdId"], p["side"], p["px"], p["sz"], mode)
            if self.misbehave(mode):
                return None
            return ok_([{"clOrdId": p["clOrdId"], "ordId": str(o["orderId"]), "tag": "", "sCode": "0",
                         "sMsg": "Order placed"}])
        if path in ("/api/v5/trade/order", "/api/v5/trade/cancel-order"):
            o = self.vfind("okx", p.get("clOrdId"))
            if not o:
                return self.answer(200, {"code": "51603", "msg": "Order does not exist", "data": []})
            if self.command == "POST":
                return self.answer(200, {"code": "1", "msg": "", "data": [
                    {"clOrdId": o["clientOrderId"], "ordId": str(o["orderId"]), "sCode": "51402",
                     "sMsg": "Order has been filled."}]})
            step(o)
            return ok_([{"instId": o["symbol"], "ordId": str(o["orderId"]), "clOrdId": o["clientOrderId"],
                         "px": o["price"], "sz": o["origQty"], "ordType": "ioc", "side": o["side"].lower(),
                         "accFillSz": o["executedQty"], "avgPx": o.get("avgPx", o["price"]),
                         "state": "partially_filled" if o.get("part") else "filled",
                         "fee": "-" + o["fee"], "feeCcy": o["feeCcy"],
                         "uTime": str(o["time"]), "cTime": str(o["time"])}])
        return self.answer(404, {"code": "50000", "msg": "no such path", "data": []})

    def bybit(self, path, query, body):
        okb = lambda result: self.answer(200, {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {},
                                               "time": now_ms()})
        errb = lambda code, msg: self.answer(200, {"retCode": code, "retMsg": msg, "result": {}, "retExtInfo": {},
                                                   "time": now_ms()})
        if path == "/v5/market/time":
            self.note(True, "")
            t = time.time()
            return okb({"timeSecond": str(int(t)), "timeNano": str(int(t * 1e9))})
        place = path == "/v5/order/create"
        h = self.headers
        ts, rw = h.get("X-BAPI-TIMESTAMP", ""), h.get("X-BAPI-RECV-WINDOW", "5000")
        payload = query if self.command == "GET" else body
        want = hmac.new(CONF["bybit_secret"].encode(), (ts + CONF["bybit_key"] + rw + payload).encode(),
                        hashlib.sha256).hexdigest()
        why = None
        if h.get("X-BAPI-API-KEY") != CONF["bybit_key"]:
            why = (10003, "API key is invalid.")
        elif not hmac.compare_digest(want, h.get("X-BAPI-SIGN", "")):
            why = (10004, "error sign!")
        else:
            try:
                t, w = int(ts), int(rw)
            except ValueError:
                t, w = 0, 0
            if t > now_ms() + 1000 or now_ms() - t > w:
                why = (10002, "invalid request, please check your server timestamp or recv_window param")
        if why:
            self.note(False, why[1], place)
            return errb(*why)
        self.note(True, "", place)
        p = json.loads(body) if body else dict(urllib.parse.parse_qsl(query))
        if path == "/v5/account/fee-rate":
            return okb({"list": [{"symbol": "BTCUSDT", "takerFeeRate": "0.002", "makerFeeRate": "0.001"},
                                 {"symbol": "ETHUSDT", "takerFeeRate": "0.0018", "makerFeeRate": "0.001"}]})
        if path == "/v5/account/wallet-balance":
            return okb({"list": [{"accountType": "UNIFIED", "coin": [
                {"coin": a, "walletBalance": v, "locked": "0"} for a, v in CONF["balances"].items()]}]})
        if place:
            with LOCK:
                modes = SCRIPT.get(p.get("symbol", "")) or []
                mode = modes.pop(0) if modes else "ok"
            if mode == "429":
                return errb(10006, "Too many visits. Exceeded the API Rate Limit.")
            if mode == "418":
                return self.answer(403, "access too frequent")
            if mode == "lot":
                return errb(170136, "Order quantity exceeded lower limit.")
            if mode == "balance":
                return errb(170131, "Insufficient balance.")
            if mode == "503-lost":
                return self.answer(503, "<html><body>Service Unavailable</body></html>")
            o = self.fill_order("bybit", p["symbol"], p["orderLinkId"], p["side"], p["price"], p["qty"], mode)
            if self.misbehave(mode):
                return None
            return okb({"orderId": str(o["orderId"]), "orderLinkId": p["orderLinkId"]})
        if path == "/v5/order/realtime":
            o = self.vfind("bybit", p.get("orderLinkId"))
            if not o:
                return okb({"list": [], "category": "spot", "nextPageCursor": ""})
            step(o)
            return okb({"category": "spot", "nextPageCursor": "", "list": [{
                "orderId": str(o["orderId"]), "orderLinkId": o["clientOrderId"], "symbol": o["symbol"],
                "price": o["price"], "qty": o["origQty"], "side": o["side"].capitalize(),
                "orderStatus": "PartiallyFilled" if o.get("part") else "Filled",
                "avgPrice": o.get("avgPx", o["price"]), "cumExecQty": o["executedQty"],
                "cumExecValue": o["cummulativeQuoteQty"],
                "cumExecFee": o.get("cumExecFee", o["fee"]), "cumFeeDetail": {o["feeCcy"]: o["fee"]},
                "timeInForce": "IOC", "orderType": "Limit",
                "createdTime": str(o["time"]), "updatedTime": str(o["time"])}]})
        if path == "/v5/order/cancel":
            return errb(170213, "Order does not exist.")
        return errb(10017, "Request path not found or request method is invalid")

    # -- Coinbase Advanced Trade ----------------------------------------
    def cb_check(self, path):
        """The JWT of a CDP key, checked with our own code: ES256 over
        b64url(header).b64url(claims) with the key's public key, kid/sub
        the key name, iss "cdp", nbf/exp around now (at most 2 minutes),
        uri "METHOD host/path", a nonce never seen before."""
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.count(".") != 2:
            return "missing bearer token"
        h64, p64, s64 = auth[7:].split(".")

        def unb64(s):
            return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        try:
            hdr, cl, sig = json.loads(unb64(h64)), json.loads(unb64(p64)), unb64(s64)
        except Exception:
            return "token not decodable"
        if hdr.get("alg") != "ES256" or hdr.get("typ") != "JWT" or hdr.get("kid") != CONF["coinbase_key"]:
            return "bad token header"
        if len(sig) != 64:
            return "signature is not r||s"
        if CBPUB[0] is None:
            return "no public key"
        if not es256_verify(CBPUB[0], (h64 + "." + p64).encode(), sig):
            return "bad signature"
        t = time.time()
        if cl.get("iss") != "cdp" or cl.get("sub") != CONF["coinbase_key"]:
            return "bad iss/sub"
        if not (cl.get("nbf", 1e18) <= t + 1 and t < cl.get("exp", 0) and cl["exp"] - cl["nbf"] <= 120):
            return "token not valid now"
        want = "%s %s%s" % (self.command, self.headers.get("Host", ""), path)
        if cl.get("uri") != want:
            return "uri %r is not %r" % (cl.get("uri"), want)
        with LOCK:
            if hdr.get("nonce") in NONCES or not hdr.get("nonce"):
                return "nonce reused"
            NONCES.add(hdr["nonce"])
        return None

    def cb_order(self, o):
        return {"order_id": o["vid"], "product_id": o["symbol"], "user_id": "fake",
                "order_configuration": {"sor_limit_ioc": {"base_size": o["origQty"], "limit_price": o["price"]}},
                "side": o["side"], "client_order_id": o["clientOrderId"], "status": o["cbstatus"],
                "time_in_force": "IMMEDIATE_OR_CANCEL", "created_time": o["iso"],
                "completion_percentage": "100" if o["cbstatus"] == "FILLED" else "0",
                "filled_size": o["executedQty"], "average_filled_price": o["price"] if o["executedQty"] != "0" else "0",
                "number_of_fills": "1" if o["executedQty"] != "0" else "0",
                "filled_value": o["cummulativeQuoteQty"], "pending_cancel": False, "size_in_quote": False,
                "total_fees": o["qfee"], "size_inclusive_of_fees": False, "total_value_after_fees": "0",
                "trigger_status": "INVALID_ORDER_TYPE", "order_type": "LIMIT",
                "reject_reason": "REJECT_REASON_UNSPECIFIED", "settled": True, "product_type": "SPOT",
                "reject_message": "", "cancel_message": "", "order_placement_source": "RETAIL_ADVANCED",
                "last_fill_time": o["iso"]}

    def cb_new(self, prod, cid, side, px, sz, mode):
        from decimal import Decimal
        o = self.fill_order("coinbase", prod, cid, side, px, sz, mode)
        with LOCK:
            o["vid"] = "%08x-0000-4000-8000-%012x" % (o["orderId"], o["orderId"])
            o["cbstatus"] = "FILLED"
            o["iso"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(o["time"] / 1000)) + ".%03dZ" % (o["time"] % 1000)
            o["qfee"] = format((Decimal(sz) * Decimal(px) * Decimal("0.006")).normalize(), "f")
            if mode == "rest":
                o.update(cbstatus="OPEN", executedQty="0", cummulativeQuoteQty="0", qfee="0", status="NEW")
        return o

    def coinbase(self, path, query, body):
        if path == "/api/v3/brokerage/time" and self.command == "GET":
            self.note(True, "")
            t = time.time()
            return self.answer(200, {"iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                                     "epochSeconds": str(int(t)), "epochMillis": str(int(t * 1000))})
        place = path == "/api/v3/brokerage/orders" and self.command == "POST"
        why = self.cb_check(path)
        if why:
            self.note(False, why, place)
            return self.answer(401, {"error": "UNAUTHENTICATED", "code": 16, "message": "Unauthorized",
                                     "details": []})
        if self.command == "POST" and self.headers.get("Content-Type") != "application/json":
            self.note(False, "content type", place)
            return self.answer(400, {"error": "INVALID_ARGUMENT", "code": 3, "message": "content type"})
        self.note(True, "", place)
        q = urllib.parse.parse_qs(query)
        if path == "/api/v3/brokerage/transaction_summary":
            return self.answer(200, {"total_volume": 0, "total_fees": 0, "fee_tier": {
                "pricing_tier": "Advanced 1", "usd_from": "0", "usd_to": "1000", "taker_fee_rate": "0.005",
                "maker_fee_rate": "0.0025"}, "advanced_trade_only_volume": 0, "advanced_trade_only_fees": 0})
        if path == "/api/v3/brokerage/accounts":
            # pages of limit (49 by default); pad=N puts N empty wallets first
            full = [("PAD%d" % k, "0") for k in range(CONF.get("pad", 0))] + list(CONF["balances"].items())
            start = int((q.get("cursor") or ["0"])[0] or 0)
            limit = int((q.get("limit") or ["49"])[0])
            more = start + limit < len(full)
            return self.answer(200, {"accounts": [
                {"uuid": "acc-" + a, "name": a + " Wallet", "currency": a,
                 "available_balance": {"value": v, "currency": a}, "default": False, "active": True,
                 "type": "ACCOUNT_TYPE_CRYPTO", "ready": True, "hold": {"value": "0", "currency": a}}
                for a, v in full[start:start + limit]], "has_next": more,
                "cursor": str(start + limit) if more else "", "size": len(full[start:start + limit])})
        if place:
            p = json.loads(body)
            cfg = p.get("order_configuration", {})
            kind = next(iter(cfg), "")
            c = cfg.get(kind, {})
            prod = p.get("product_id", "")
            with LOCK:
                dup = next((o for o in ORDERS if o.get("venue") == "coinbase" and
                            o["clientOrderId"] == p.get("client_order_id")), None)
            if dup:
                # the documented rule: a client_order_id used before
                # returns that order instead of creating one
                return self.answer(200, {"success": True, "success_response": {
                    "order_id": dup["vid"], "product_id": prod, "side": p["side"],
                    "client_order_id": p["client_order_id"]}})
            if kind not in ("sor_limit_ioc", "limit_limit_fok") or "base_size" not in c or "limit_price" not in c:
                return self.answer(400, {"error": "INVALID_ARGUMENT", "code": 3, "message": "order_configuration"})
            with LOCK:
                modes = SCRIPT.get(prod) or []
                mode = modes.pop(0) if modes else "ok"
            fail = lambda e, pf, m: self.answer(200, {
                "success": False, "failure_reason": "UNKNOWN_FAILURE_REASON", "order_id": "",
                "error_response": {"error": e, "message": m, "error_details": m,
                                   "preview_failure_reason": pf, "new_order_failure_reason": "UNKNOWN_FAILURE_REASON"}})
            if mode == "429":
                return self.answer(429, {"error": "RATE_LIMIT_EXCEEDED", "code": 8, "message": "Too many requests"})
            if mode == "418":
                return self.answer(403, "<html><body>Access denied</body></html>")
            if mode == "lot":
                return fail("INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL",
                            "Base size is below the minimum")
            if mode == "balance":
                return fail("INSUFFICIENT_FUND", "PREVIEW_INSUFFICIENT_FUND", "Insufficient balance in source account")
            if mode == "503-lost":
                return self.answer(503, "<html><body>Service Unavailable</body></html>")
            o = self.cb_new(prod, p["client_order_id"], p["side"], c["limit_price"], c["base_size"], mode)
            if mode == "crowddrop":
                # other orders of the product, newer than this one: it is
                # on a later page of the list
                for n in range(3):
                    self.cb_new(prod, "other%d" % n, p["side"], c["limit_price"], c["base_size"], "ok")
                mode = "drop"
            if self.misbehave(mode):
                return None
            return self.answer(200, {"success": True, "success_response": {
                "order_id": o["vid"], "product_id": prod, "side": p["side"], "client_order_id": p["client_order_id"]},
                "order_configuration": cfg})
        if path == "/api/v3/brokerage/orders/historical/batch" and self.command == "GET":
            prods = q.get("product_ids", [])
            side = q.get("order_side", [""])[0]
            start = q.get("start_date", [""])[0]
            lim = int(q.get("limit", ["100"])[0])
            if CONF.get("page"):
                lim = min(lim, CONF["page"])
            cur = int(q.get("cursor", ["0"])[0] or "0")
            t0 = calendar.timegm(time.strptime(start[:19], "%Y-%m-%dT%H:%M:%S")) if start else 0
            with LOCK:
                os_ = [o for o in reversed(ORDERS) if o.get("venue") == "coinbase" and o["visible_at"] <= time.time()
                       and (not prods or o["symbol"] in prods) and (not side or o["side"] == side)
                       and o["time"] / 1000 >= t0]
            more = len(os_) > cur + lim
            return self.answer(200, {"orders": [self.cb_order(o) for o in os_[cur:cur + lim]], "sequence": "0",
                                     "has_next": more, "cursor": str(cur + lim) if more else ""})
        if path.startswith("/api/v3/brokerage/orders/historical/") and self.command == "GET":
            vid = path.rsplit("/", 1)[1]
            with LOCK:
                o = next((o for o in ORDERS if o.get("vid") == vid and o["visible_at"] <= time.time()), None)
            if not o:
                return self.answer(404, {"error": "NOT_FOUND", "code": 5, "message": "order with this orderID was not found"})
            return self.answer(200, {"order": self.cb_order(o)})
        if path == "/api/v3/brokerage/orders/batch_cancel" and self.command == "POST":
            res = []
            for vid in json.loads(body).get("order_ids", []):
                with LOCK:
                    o = next((o for o in ORDERS if o.get("vid") == vid and o["visible_at"] <= time.time()), None)
                    if o and o["cbstatus"] == "OPEN":
                        o.update(cbstatus="CANCELLED", status="CANCELED")
                        res.append({"success": True, "failure_reason": "UNKNOWN_CANCEL_FAILURE_REASON", "order_id": vid})
                    else:
                        res.append({"success": False, "failure_reason": "UNKNOWN_CANCEL_ORDER", "order_id": vid})
            return self.answer(200, {"results": res})
        return self.answer(404, {"error": "NOT_FOUND", "code": 5, "message": "no such path"})

    # -- Bitstamp v2 -----------------------------------------------------
    def banswer(self, code, obj):
        """An answer signed as Bitstamp signs them: X-Server-Auth-Signature
        = hex HMAC-SHA256(secret, nonce + timestamp + Content-Type + body)."""
        body = json.dumps(obj)
        ct = "application/json;charset=UTF-8"
        msg = (self.headers.get("X-Auth-Nonce", "") + self.headers.get("X-Auth-Timestamp", "") + ct + body).encode()
        sig = hmac.new(CONF["bitstamp_secret"].encode(), msg, hashlib.sha256).hexdigest()
        if getattr(self, "badsig", False):
            sig = "0" * 64
        return self.answer(code, body, {"X-Server-Auth-Signature": sig})

    def bitstamp(self, path, query, body):
        berr = lambda code, reason, rc, http=400: self.banswer(http, {"status": "error", "reason": reason,
                                                                       "response_code": rc})
        if path == "/api/v2/ticker/btcusd/" and self.command == "GET":
            self.note(True, "")
            return self.answer(200, {"timestamp": str(int(time.time())), "last": "30000", "open": "30000"})
        place = self.command == "POST" and (path.startswith("/api/v2/buy/") or path.startswith("/api/v2/sell/"))
        h = self.headers
        ct = h.get("Content-Type")
        nonce, ts = h.get("X-Auth-Nonce", ""), h.get("X-Auth-Timestamp", "")
        msg = ("BITSTAMP " + CONF["bitstamp_key"] + self.command + h.get("Host", "") + path +
               query + (ct or "" if body else "") + nonce + ts + "v2" + body)
        want = hmac.new(CONF["bitstamp_secret"].encode(), msg.encode(), hashlib.sha256).hexdigest()
        why = None
        if h.get("X-Auth") != "BITSTAMP " + CONF["bitstamp_key"]:
            why = ("API0001", "Invalid API key")
        elif h.get("X-Auth-Version") != "v2":
            why = ("API0002", "Invalid X-Auth-Version")
        elif body and ct != "application/x-www-form-urlencoded":
            why = ("API0019", "Content-Type not supported")
        elif not body and ct is not None:
            why = ("API0020", "Content-Type header should not be present")
        elif not hmac.compare_digest(want, h.get("X-Auth-Signature", "")):
            why = ("API0005", "Invalid signature")
        else:
            try:
                t = int(ts)
            except ValueError:
                t = 0
            with LOCK:
                if abs(t - now_ms()) > 150000:
                    why = ("API0017", "X-Auth-Timestamp header is outside of the allowed window")
                elif len(nonce) != 36 or nonce in NONCES:
                    why = ("API0004", "Invalid nonce")
                else:
                    NONCES.add(nonce)
        if why:
            self.note(False, why[1], place)
            return self.banswer(403, {"status": "error", "reason": why[1], "code": why[0]})
        self.note(True, "", place)
        p = dict(urllib.parse.parse_qsl(body))
        if path == "/api/v2/fees/trading/":
            return self.banswer(200, [{"currency_pair": pr, "market": pr, "fees": {"maker": "0.300", "taker": "0.400"}}
                                      for pr in ("btcusd", "ethusd", "btceur")])
        if path == "/api/v2/account_balances/":
            return self.banswer(200, [{"currency": a.lower(), "total": v, "available": v, "reserved": "0"}
                                      for a, v in CONF["balances"].items()])
        if place:
            pair = path.split("/")[4]
            for k in ("amount", "price", "client_order_id"):
                if k not in p:
                    return berr(400, "Missing " + k, "400.004")
            if p.get("ioc_order") != "True" and p.get("fok_order") != "True":
                return berr(400, "expected an IOC or FOK order", "400.007")
            with LOCK:
                if any(o.get("venue") == "bitstamp" and o["clientOrderId"] == p["client_order_id"] for o in ORDERS):
                    return berr(400, "Provided client_order_id already exists.", "400.019")
                modes = SCRIPT.get(pair) or []
                mode = modes.pop(0) if modes else "ok"
            if mode == "429":
                return berr(400, "Request rejected due to exceeded rate limit.", "400.002")
            if mode == "418":
                return self.answer(403, "<html><body>Forbidden</body></html>")
            if mode == "lot":
                return berr(400, {"amount": ["Ensure that there are no more than 8 decimal places."]}, "400.026")
            if mode == "balance":
                return berr(400, {"__all__": ["You need 9000.00 USD to open that order. You have only 10.00 USD "
                                              "available. Check your account balance for details."]}, "400.009")
            if mode == "503-lost":
                return self.answer(503, "<html><body>Service Unavailable</body></html>")
            side = "BUY" if path.startswith("/api/v2/buy/") else "SELL"
            from decimal import Decimal
            o = self.fill_order("bitstamp", pair, p["client_order_id"], side, p["price"], p["amount"], mode)
            with LOCK:
                o["bfee"] = format((Decimal(p["amount"]) * Decimal(p["price"]) * Decimal("0.004")).normalize(), "f")
                o["dt"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(o["time"] / 1000)) + ".%06d" % ((o["time"] % 1000) * 1000)
            if mode == "badsig":
                self.badsig = True
            if self.misbehave(mode):
                return None
            return self.banswer(200, {"id": str(o["orderId"]), "datetime": o["dt"], "type": "0" if side == "BUY" else "1",
                                      "price": p["price"], "amount": p["amount"], "client_order_id": p["client_order_id"]})
        if path in ("/api/v2/order_status/", "/api/v2/cancel_order/"):
            with LOCK:
                o = next((o for o in reversed(ORDERS) if o.get("venue") == "bitstamp" and o["visible_at"] <= time.time()
                          and (o["clientOrderId"] == p.get("client_order_id") or str(o["orderId"]) == p.get("id"))), None)
            if not o:
                return berr(404, "Order not found.", "404.002", 404)
            if path == "/api/v2/cancel_order/":
                return berr(404, "Order not found.", "404.002", 404)   # every fake order is final
            base, quote = split(o["symbol"].upper())
            return self.banswer(200, {
                "id": o["orderId"], "datetime": o["dt"], "type": "0" if o["side"] == "BUY" else "1",
                "status": "Finished", "market": base + "/" + quote, "amount_remaining": "0",
                "client_order_id": o["clientOrderId"],
                "transactions": [{"tid": o["orderId"] * 10 + 1, "price": o["price"], base.lower(): o["executedQty"],
                                  quote.lower(): o["cummulativeQuoteQty"], "fee": o["bfee"], "datetime": o["dt"],
                                  "type": 2}]})
        return berr(404, "no such path", "404.001", 404)

    def kplace(self, p):
        from decimal import Decimal
        sym = p.get("pair", "")
        with LOCK:
            modes = SCRIPT.get(sym) or []
            mode = modes.pop(0) if modes else "ok"
        for k in ("pair", "type", "ordertype", "volume", "price", "cl_ord_id", "timeinforce", "deadline"):
            if k not in p:
                return self.kanswer(error=["EGeneral:Invalid arguments:" + k])
        dl = calendar.timegm(time.strptime(p["deadline"][:19], "%Y-%m-%dT%H:%M:%S"))
        if dl < time.time() - 1:
            return self.kanswer(error=["EOrder:Deadline elapsed"])
        if mode == "429":
            return self.kanswer(error=["EAPI:Rate limit exceeded"])
        if mode == "lot":
            return self.kanswer(error=["EOrder:Order minimum not met"])
        if mode == "balance":
            return self.kanswer(error=["EOrder:Insufficient funds"])
        if mode == "503-lost":
            return self.answer(503, "<html><body>Service Unavailable</body></html>")
        with LOCK:
            oid = NEXT_ID[0]
            NEXT_ID[0] += 1
            q, x = Decimal(p["volume"]), Decimal(p["price"])
            txid = "O%05d-FAKE-%06d" % (oid, oid)
            o = {"venue": "kraken", "symbol": sym, "orderId": oid, "txid": txid, "clientOrderId": p["cl_ord_id"],
                 "price": p["price"], "origQty": p["volume"], "executedQty": p["volume"],
                 "cummulativeQuoteQty": format((q * x).normalize(), "f"),
                 "kfee": format((q * x * Decimal("0.0026")).normalize(), "f"), "kstatus": "closed",
                 "status": "FILLED", "side": p["type"].upper(), "time": now_ms(), "trades": [],
                 "koflags": p.get("oflags", ""), "visible_at": time.time() + lag_for(mode)}
            if mode == "twostep":
                o["steps"] = [{"kstatus": "open" if st["part"] else "closed", "executedQty": st["executedQty"],
                               "cummulativeQuoteQty": st["cummulativeQuoteQty"],
                               "kfee": format((Decimal(st["cummulativeQuoteQty"]) * Decimal("0.0026")).normalize(), "f")}
                              for st in part_steps(mode, q, x, p["type"] == "buy", lambda qq, amt: amt)]
            if mode in ("cumovf", "feeovf", "feedown"):
                q1 = q / 3
                c1 = q1 * x
                first = {"kstatus": "open", "executedQty": format(q1.normalize(), "f"),
                         "cummulativeQuoteQty": format(c1.normalize(), "f"),
                         "kfee": format((c1 * Decimal("0.0026")).normalize(), "f")}
                last = {k: o[k] for k in ("kstatus", "executedQty", "cummulativeQuoteQty", "kfee")}
                if mode == "cumovf":
                    # the cost of that volume has too many digits to be read
                    last.update(executedQty="1" + "0" * 38, cummulativeQuoteQty="302" + "0" * 40)
                else:
                    last.update(kfee="1" + "0" * 36 if mode == "feeovf" else "5")
                o["steps"] = [first, last]
            ORDERS.append(o)
        if mode in ("drop", "droplag", "droplag2"):
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return None
        if mode == "503":
            return self.answer(503, "<html><body>Service Unavailable</body></html>")
        if mode == "timeout":
            time.sleep(CONF["slow"])
        return self.kanswer({"descr": {"order": "%s %s %s @ limit %s" % (p["type"], p["volume"], sym, p["price"])},
                             "txid": [txid]})

    def find(self, p):
        cid = p.get("origClientOrderId")
        with LOCK:
            for o in reversed(ORDERS):
                if o["clientOrderId"] == cid and o["symbol"] == p.get("symbol") and o.get("venue") != "kraken":
                    return o
        return None

    def order_json(self, o, full):
        r = {k: o[k] for k in ("symbol", "orderId", "clientOrderId", "price", "origQty", "executedQty",
                               "cummulativeQuoteQty", "status", "timeInForce", "type", "side")}
        r["orderListId"] = -1
        if full:
            r["transactTime"] = o["time"]
            r["fills"] = [{"price": t["price"], "qty": t["qty"], "commission": t["commission"],
                           "commissionAsset": t["commissionAsset"], "tradeId": t["id"]} for t in o["trades"]]
        else:
            r["time"] = o["time"]
            r["updateTime"] = o["time"]
        return r

    def place(self, p):
        sym = p.get("symbol", "")
        with LOCK:
            modes = SCRIPT.get(sym) or []
            mode = modes.pop(0) if modes else "ok"
        for k in ("symbol", "side", "type", "quantity", "price", "newClientOrderId", "timeInForce"):
            if k not in p:
                return self.error(400, -1102, "Mandatory parameter '%s' was not sent, was empty/null, or malformed." % k)
        if mode == "429":
            return self.error(429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
                              {"Retry-After": "1"})
        if mode == "418":
            return self.error(418, -1003, "Way too much request weight used; IP banned until %d." % (now_ms() + 120000),
                              {"Retry-After": "120"})
        if mode == "lot":
            return self.error(400, -1013, "Filter failure: LOT_SIZE")
        if mode == "balance":
            return self.error(400, -2010, "Account has insufficient balance for requested action.")
        if mode == "503-lost":
            return self.answer(503, "<html><body>Service Unavailable</body></html>")
        with LOCK:
            for o in ORDERS:
                if o["clientOrderId"] == p["newClientOrderId"] and o["status"] in ("NEW", "PARTIALLY_FILLED"):
                    return self.error(400, -2010, "Duplicate order sent.")
            oid = NEXT_ID[0]
            NEXT_ID[0] += 1
            qty, px = p["quantity"], p["price"]
            from decimal import Decimal
            q, x = Decimal(qty), Decimal(px)
            tid = NEXT_TRADE[0]
            NEXT_TRADE[0] += 1
            base_fee = (q * Decimal("0.001")).normalize()
            quote_fee = (q * x * Decimal("0.001")).normalize()
            o = {"symbol": p["symbol"], "orderId": oid, "clientOrderId": p["newClientOrderId"],
                 "price": px, "origQty": qty, "executedQty": qty,
                 "cummulativeQuoteQty": format((q * x).normalize(), "f"),
                 "status": "FILLED", "timeInForce": p["timeInForce"], "type": p["type"], "side": p["side"],
                 "time": now_ms(), "visible_at": time.time() + lag_for(mode),
                 "trades": [{"symbol": p["symbol"], "id": tid, "orderId": oid, "price": px, "qty": qty,
                             "quoteQty": format((q * x).normalize(), "f"),
                             "commission": format(base_fee if p["side"] == "BUY" else quote_fee, "f"),
                             "commissionAsset": CONF["base"](p["symbol"]) if p["side"] == "BUY" else CONF["quote"](p["symbol"]),
                             "time": now_ms(), "isBuyer": p["side"] == "BUY", "isMaker": False}]}
            if mode == "rest":
                o.update(status="NEW", executedQty="0", cummulativeQuoteQty="0", trades=[])
            if mode == "dropmany":
                # 600 trades of equal parts: more than myTrades lists by
                # default (500)
                t0, n = o["trades"][0], 600
                o["trades"] = [dict(t0, id=tid + k, qty=format((q / n).normalize(), "f"),
                                    quoteQty=format((q * x / n).normalize(), "f"),
                                    commission=format((Decimal(t0["commission"]) / n).normalize(), "f"))
                               for k in range(n)]
                NEXT_TRADE[0] += n - 1
            if mode == "past36":
                i, _, f = qty.partition(".")
                q36 = i + "." + (f + "0" * 35)[:35] + "1"
                o["executedQty"] = q36
                o["trades"][0]["qty"] = q36
                o["trades"][0]["price"] = format(x - Decimal("0.01"), "f")
            ORDERS.append(o)
        if mode in ("drop", "droplag", "droplag2", "dropmany"):
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return None
        if mode == "503":
            return self.answer(503, "<html><body>Service Unavailable</body></html>")
        if mode == "timeout":
            time.sleep(CONF["slow"])
        return self.answer(200, self.order_json(o, True))

    def query(self, p):
        o = self.find(p)
        if not o or o["visible_at"] > time.time():
            return self.error(400, -2013, "Order does not exist.")
        return self.answer(200, self.order_json(o, False))

    def cancel(self, p):
        o = self.find(p)
        if not o or o["visible_at"] > time.time():
            return self.error(400, -2011, "Unknown order sent.")
        if o["status"] not in ("NEW", "PARTIALLY_FILLED"):
            return self.error(400, -2011, "Unknown order sent.")
        o["status"] = "CANCELED"
        return self.answer(200, self.order_json(o, False))

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_DELETE(self):
        self.route()


QUOTES = ("USDT", "USDC", "BTC", "ETH", "USD", "EUR")


def split(sym):
    for q in QUOTES:
        if sym.endswith(q) and len(sym) > len(q):
            return sym[:-len(q)], q
    return sym, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--secret-file", required=True)
    ap.add_argument("--kraken-api-key", default="")
    ap.add_argument("--kraken-secret-file")
    ap.add_argument("--creds", help="a credentials directory: okx_* and bybit_* are read from it")
    ap.add_argument("--script", action="append", default=[])
    ap.add_argument("--slow", type=float, default=3.0)
    ap.add_argument("--lag", type=float, default=1.0)
    ap.add_argument("--balance", action="append", default=[])
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    with open(a.secret_file, "rb") as f:
        secret = f.read().rstrip(b"\n")
    ksecret = ""
    if a.kraken_secret_file:
        with open(a.kraken_secret_file) as f:
            ksecret = f.read().strip()
    CONF.update(api_key=a.api_key, secret=secret, kraken_key=a.kraken_api_key, kraken_secret=ksecret, slow=a.slow, lag=a.lag, verbose=a.verbose,
                base=lambda s: split(s)[0], quote=lambda s: split(s)[1],
                balances=dict(b.split("=", 1) for b in a.balance) or {"USDT": "100000", "BTC": "1", "ETH": "5"})
    for n in ("okx_key", "okx_secret", "okx_passphrase", "bybit_key", "bybit_secret", "coinbase_key",
              "bitstamp_key", "bitstamp_secret"):
        try:
            with open(os.path.join(a.creds or "", n)) as f:
                CONF[n.replace("passphrase", "pass")] = f.read().strip()
        except OSError:
            CONF[n.replace("passphrase", "pass")] = None
    try:
        CBPUB[0] = load_coinbase_pub(os.path.join(a.creds or "", "coinbase_secret"))
    except (OSError, ValueError, Exception):
        CBPUB[0] = None
    for s in a.script:
        sym, modes = s.split("=", 1)
        SCRIPT[sym] = modes.split(",")
    srv = Server(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(a.portfile + ".tmp", a.portfile)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
