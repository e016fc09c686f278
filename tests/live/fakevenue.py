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
+ recvWindow + query string or body).  A request that fails a check gets
the venue's error answer and is logged with ok=false.

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
  418       refuse, 418 with Retry-After: 120 (IP ban)
  lot       refuse, 400 -1013 Filter failure: LOT_SIZE
  balance   refuse, 400 -2010 insufficient balance
  lag       accept, answer normally, but queries see the order only after
            --lag seconds
  droplag   accept, drop the answer, and queries see the order only after
            --lag seconds (the venue's own delay)
  rest      (Binance) accept the order but leave it open, unfilled, until
            it is canceled

Admin (no auth, loopback only, not logged as venue requests): GET /_state
gives every order and every request (path, method, checks passed) as JSON;
/_reset?script=SYM=MODE,...;SYM=...&slow=S&lag=S&weight=W forgets
everything and sets a new script (weight: added to the used request weight
the venue reports); /_count?cid=CID, /_orders, /_places and /_bad give one
number: orders with that client id, all orders, placements received,
requests that failed the checks.

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


def now_ms():
    return int(time.time() * 1000)


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
            return self.kraken(u.path, body)
        if u.path.startswith("/api/v5/"):
            return self.okx(u.path, query, body)
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
            return self.answer(200, {"canTrade": True, "balances": [
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
            return self.answer(200, ts)
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
            if path == "/_bad":
                return self.answer(200, str(sum(1 for r in REQUESTS if not r["ok"])))
        return self.answer(404, "no such admin path")

    # -- Kraken -------------------------------------------------------
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
                                            "misc": "", "oflags": "fciq", "trades": ["T" + o["txid"][1:]]}})
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
                 "visible_at": time.time() + (CONF["lag"] if mode in ("lag", "droplag") else 0)}
            ORDERS.append(o)
        return o

    def vfind(self, venue, cid):
        with LOCK:
            return next((o for o in reversed(ORDERS) if o.get("venue") == venue and o["clientOrderId"] == cid
                         and o["visible_at"] <= time.time()), None)

    def misbehave(self, mode):
        """After the order was created: True when the answer is withheld."""
        if mode in ("drop", "droplag"):
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
            return ok_([{"instId": o["symbol"], "ordId": str(o["orderId"]), "clOrdId": o["clientOrderId"],
                         "px": o["price"], "sz": o["origQty"], "ordType": "ioc", "side": o["side"].lower(),
                         "accFillSz": o["executedQty"],
                         "avgPx": o["price"], "state": "filled", "fee": "-" + o["fee"], "feeCcy": o["feeCcy"],
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
            return okb({"category": "spot", "nextPageCursor": "", "list": [{
                "orderId": str(o["orderId"]), "orderLinkId": o["clientOrderId"], "symbol": o["symbol"],
                "price": o["price"], "qty": o["origQty"], "side": o["side"].capitalize(), "orderStatus": "Filled",
                "avgPrice": o["price"], "cumExecQty": o["executedQty"], "cumExecValue": o["cummulativeQuoteQty"],
                "cumExecFee": o["fee"], "timeInForce": "IOC", "orderType": "Limit",
                "createdTime": str(o["time"]), "updatedTime": str(o["time"])}]})
        if path == "/v5/order/cancel":
            return errb(170213, "Order does not exist.")
        return errb(10017, "Request path not found or request method is invalid")

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
                 "visible_at": time.time() + (CONF["lag"] if mode in ("lag", "droplag") else 0)}
            ORDERS.append(o)
        if mode in ("drop", "droplag"):
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
                 "time": now_ms(), "visible_at": time.time() + (CONF["lag"] if mode in ("lag", "droplag") else 0),
                 "trades": [{"symbol": p["symbol"], "id": tid, "orderId": oid, "price": px, "qty": qty,
                             "quoteQty": format((q * x).normalize(), "f"),
                             "commission": format(base_fee if p["side"] == "BUY" else quote_fee, "f"),
                             "commissionAsset": CONF["base"](p["symbol"]) if p["side"] == "BUY" else CONF["quote"](p["symbol"]),
                             "time": now_ms(), "isBuyer": p["side"] == "BUY", "isMaker": False}]}
            if mode == "rest":
                o.update(status="NEW", executedQty="0", cummulativeQuoteQty="0", trades=[])
            ORDERS.append(o)
        if mode in ("drop", "droplag"):
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
    for n in ("okx_key", "okx_secret", "okx_passphrase", "bybit_key", "bybit_secret"):
        try:
            with open(os.path.join(a.creds or "", n)) as f:
                CONF[n.replace("passphrase", "pass")] = f.read().strip()
        except OSError:
            CONF[n.replace("passphrase", "pass")] = None
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
