#!/usr/bin/env python3
"""A fake exchange for arb-feed's live-path tests: HTTPS and secure WebSocket on
one loopback port (python3 standard library only), serving recorded frames.

  fakevenue.py --cert C --key K --portfile F --log L \
               --venue kraken|binance|okx|bybit|bitstamp|coinbase \
               --rec DIR --script drop:40,silence:20,close:20,serve [--interval MS]

Each WebSocket connection plays the next step of --script (the last repeats):
  drop:N     send N frames, then cut the TCP connection (no close frame)
  silence:N  send N frames, then say nothing at all (no pong either)
  close:N    send N frames, then a close frame (1001 going away)
  serve      send every frame, then answer pings and wait
  corrupt:N  like serve, but frame N has a digit changed (checksum mismatch);
             a second "subscribe" on the connection starts the frames over
  mute:S:N   like serve, but after N frames of symbol S (as in the frames,
             "LRCBTC") no more of them: the other symbols go on
--ack-delay MS holds the first frame (a subscription's confirmation) back
that long after the subscription arrives.
--symbols nknusdt,lrcbtc (Binance) serves the diffs of those streams.
--bad-snapshots N answers the first N depth snapshot requests (Binance)
with the recorded body, its first price made no number ("0.3521x000").
The server sends one WebSocket ping on every connection and logs the pong,
answers the venue's application pings (Kraken {"event":"ping"}), and logs
every request and every frame it receives to --log.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
lock = threading.Lock()
conn_no = [0]


def log(args, msg):
    with lock:
        with open(args.log, "a") as f:
            f.write(msg + "\n")


def frames_of(path, keep):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^[0-9.]+: (.*)$", line.rstrip("\n"))
            if m and keep(m.group(1)):
                out.append(m.group(1))
    return out


def rest_bodies(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\S+) -> [0-9.]+: (.*)$", line.rstrip("\n"))
            if m:
                url = re.sub(r"^https://[^/]+", "", m.group(1))
                out[url] = m.group(2)
    return out


def send_frame(sock, opcode, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload)
    if n < 126:
        hdr = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        hdr = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        hdr = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    with lock:
        sock.sendall(hdr + payload)


def read_exact(sock, n):
    b = b""
    while len(b) < n:
        c = sock.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def read_frame(sock):
    b0, b1 = read_exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(sock, 8))[0]
    mask = read_exact(sock, 4) if b1 & 0x80 else b"\0\0\0\0"
    data = bytes(c ^ mask[i % 4] for i, c in enumerate(read_exact(sock, n)))
    return b0 & 0x0F, data


class Conn:
    def __init__(self, args, sock, no, frames):
        self.args, self.sock, self.no, self.frames = args, sock, no, frames
        steps = args.script.split(",")
        step = steps[min(no, len(steps) - 1)]
        self.mode, _, n = step.partition(":")
        self.mute = None
        if self.mode == "mute":
            self.mute, _, n = n.partition(":")
            self.mode = "serve"
        self.n = int(n) if n and not self.mute else len(frames)
        self.mute_after = int(n) if self.mute else 0
        self.silent = False
        self.subscribed = threading.Event()
        self.subs = 0
        self.restart = False

    def reader(self):
        try:
            while True:
                op, data = read_frame(self.sock)
                if op == 8:
                    log(self.args, "conn %d: close from client" % self.no)
                    return
                if op == 10:
                    log(self.args, "conn %d: pong" % self.no)
                    continue
                if op == 9:
                    log(self.args, "conn %d: ping" % self.no)
                    if not self.silent:
                        send_frame(self.sock, 10, data)
                    continue
                text = data.decode()
                log(self.args, "conn %d: recv %s" % (self.no, text))
                if '"subscribe"' in text or '"bts:subscribe"' in text:
                    self.subs += 1
                    if self.subs > 1:
                        self.restart = True
                    self.subscribed.set()
                if self.silent:
                    continue
                if '"event":"ping"' in text:
                    send_frame(self.sock, 1, '{"event":"pong"}')
                elif text == "ping":
                    send_frame(self.sock, 1, "pong")
                elif '"op":"ping"' in text:
                    send_frame(self.sock, 1, '{"success":true,"ret_msg":"pong","op":"ping"}')
                elif '"bts:heartbeat"' in text:
                    send_frame(self.sock, 1, '{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}')
        except (EOFError, OSError, ValueError):
            return

    def run(self):
        threading.Thread(target=self.reader, daemon=True).start()
        send_frame(self.sock, 9, b"are-you-there")
        if self.args.venue == "kraken":
            send_frame(self.sock, 1, '{"connectionID":1,"event":"systemStatus","status":"online","version":"1.8.3"}')
        if self.args.venue != "binance":   # Binance subscribes in the URL
            self.subscribed.wait(10)
        if self.args.ack_delay:
            time.sleep(self.args.ack_delay / 1000.0)
            log(self.args, "conn %d: sending frames after %g ms" % (self.no, self.args.ack_delay))
        i = sent = 0
        corrupt = self.n if self.mode == "corrupt" else -1
        limit = len(self.frames) if self.mode == "corrupt" else self.n
        muted = 0
        while i < min(limit, len(self.frames)):
            if self.restart:
                self.restart = False
                log(self.args, "conn %d: subscribed again at frame %d: starting over" % (self.no, i))
                i = 0
                corrupt = -1
            fr = self.frames[i]
            if self.mute and '"s":"%s"' % self.mute in fr:
                muted += 1
                if muted > self.mute_after:
                    if muted == self.mute_after + 1:
                        log(self.args, "conn %d: %s muted after %d frames" % (self.no, self.mute, self.mute_after))
                    i += 1
                    continue
            if i == corrupt:
                fr = re.sub(r'"([0-9]+)\.([0-9])', lambda m: '"%s.%d' % (m.group(1), (int(m.group(2)) + 1) % 10), fr, 1)
                log(self.args, "conn %d: corrupted frame %d" % (self.no, i))
            send_frame(self.sock, 1, fr)
            i += 1
            sent += 1
            time.sleep(self.args.interval / 1000.0)
        self.n = sent
        log(self.args, "conn %d: sent %d frames, then %s" % (self.no, min(self.n, len(self.frames)), self.mode))
        if self.mode == "drop":
            self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            return
        if self.mode == "close":
            send_frame(self.sock, 8, struct.pack("!H", 1001) + b"going away")
            time.sleep(0.5)
            self.sock.close()
            return
        if self.mode == "silence":
            self.silent = True
        time.sleep(3600)


def handle(args, raw, ctx, frames, bodies):
    try:
        sock = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log(args, "tls handshake failed: %s" % e)
        raw.close()
        return
    try:
        req = b""
        while b"\r\n\r\n" not in req:
            c = sock.recv(4096)
            if not c:
                return
            req += c
        head = req.split(b"\r\n\r\n")[0].decode()
        line, *hdrs = head.split("\r\n")
        path = line.split(" ")[1]
        h = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in hdrs)}
        if h.get("upgrade", "").lower() == "websocket":
            with lock:
                no = conn_no[0]
                conn_no[0] += 1
            log(args, "conn %d: websocket %s" % (no, path))
            acc = base64.b64encode(hashlib.sha1((h["sec-websocket-key"] + GUID).encode()).digest()).decode()
            sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: %s\r\n\r\n" % acc).encode())
            Conn(args, sock, no, frames).run()
            return
        log(args, "GET %s" % path)
        body = bodies.get(path)
        if body is not None and "/depth" in path:
            with lock:
                bad = args.bad_snapshots > 0
                args.bad_snapshots -= 1
            if bad:
                body = re.sub(r'"([0-9]+\.[0-9]{4})[0-9]', r'"\1x', body, count=1)
                log(args, "bad snapshot: %s" % body[:60])
        if body is None:
            sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            b = body.encode()
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(b) + b)
    except (OSError, ssl.SSLError, EOFError, KeyError, IndexError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    for a in ("--cert", "--key", "--portfile", "--log", "--venue", "--rec", "--script"):
        ap.add_argument(a, required=True)
    ap.add_argument("--interval", type=float, default=5)
    ap.add_argument("--ack-delay", type=float, default=0)
    ap.add_argument("--symbols", default="nknusdt")
    ap.add_argument("--bad-snapshots", type=int, default=0)
    args = ap.parse_args()
    if args.venue == "kraken":
        frames = frames_of(os.path.join(args.rec, "KRAKEN.ws.50.0"),
                           lambda f: f.endswith('"XBT/CHF"]') or ('"subscriptionStatus"' in f and "XBT/CHF" in f))
        bodies = rest_bodies(os.path.join(args.rec, "KRAKEN.0"))
    elif args.venue == "binance":
        streams = ['"%s@depth' % x for x in args.symbols.split(",")]
        frames = frames_of(os.path.join(args.rec, "BINANCE.ws.1.0"), lambda f: any(x in f for x in streams))
        bodies = rest_bodies(os.path.join(args.rec, "BINANCE.0"))
        bodies.update(rest_bodies(os.path.join(args.rec, "BINANCE.http.0.0")))
    elif args.venue == "okx":
        frames = frames_of(os.path.join(args.rec, "OKX.ws.1.0"),
                           lambda f: '"channel":"books","instId":"BTC-USDT"' in f)
        bodies = rest_bodies(os.path.join(args.rec, "OKX.0"))
    elif args.venue == "bybit":
        frames = frames_of(os.path.join(args.rec, "BYBITV5.ws.2.0"), lambda f: '"topic":"orderbook.1.OPUSDC"' in f)
        bodies = {}
    elif args.venue == "bitstamp":
        frames = frames_of(os.path.join(args.rec, "BITSTAMP.ws.1.0"), lambda f: "diff_order_book_ethusd" in f)
        bodies = rest_bodies(os.path.join(args.rec, "BITSTAMP.0"))
        bodies.update(rest_bodies(os.path.join(args.rec, "BITSTAMP.http.0.0")))
    else:
        frames = frames_of(os.path.join(args.rec, "COINBASE.ws.28.0"), lambda f: '"product_id":"SKL-USD"' in f)
        bodies = rest_bodies(os.path.join(args.rec, "COINBASE.0"))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(args.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(args.portfile + ".tmp", args.portfile)
    while True:
        raw, _ = srv.accept()
        threading.Thread(target=handle, args=(args, raw, ctx, frames, bodies), daemon=True).start()


if __name__ == "__main__":
    main()
