#!/usr/bin/env python3
"""Independent reference checks of arb-feed output (python3 standard library only).

Every number is handled as text or decimal.Decimal, never float.

  ref.py kraken OUT REC...     every ok:true Kraken book (depth >= 10) matches the
                               CRC32 the venue sent with the frame of the same rt
  ref.py okx OUT REC           the same for OKX (depth >= 25)
  ref.py binance OUT HTTP WS   rebuilds Binance books from the REST snapshots and
                               diffs (lastUpdateId/U/u) and compares every ok:true book
  ref.py crossed OUT           ok:true books whose best bid >= best ask
  ref.py same GOOD BAD         every ok:true book of BAD equals the book of GOOD with
                               the same ex, sym and rt
Prints "checked N bad M" and exits 1 when M > 0.
"""
import json
import re
import sys
import zlib
from decimal import Decimal


def records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield line, json.loads(line, parse_float=str, parse_int=str)


def frames(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([0-9]+)(?:\.([0-9]*))?: (.*)$", line.rstrip("\n"))
            if not m:
                continue
            frac = (m.group(2) or "")[:6].ljust(6, "0")
            rt = int(m.group(1)) * 1000000 + int(frac)
            try:
                yield rt, json.loads(m.group(3), parse_float=str, parse_int=str)
            except ValueError:
                continue


def done(checked, bad):
    print("checked %d bad %d" % (checked, bad))
    sys.exit(1 if bad or not checked else 0)


def kraken(out, recs):
    want = {}
    for rec in recs:
        for rt, fr in frames(rec):
            if isinstance(fr, list) and len(fr) >= 4:
                for part in fr[1:-2]:
                    if isinstance(part, dict) and "c" in part:
                        want.setdefault(rt, []).append((fr[-1], int(part["c"])))
    alias = {"XBT": "BTC", "XDG": "DOGE"}
    checked = bad = 0
    for _, r in records(out):
        if r["type"] != "book" or r["ex"] != "kraken" or r["ok"] is not True:
            continue
        base, quote = r["sym"].split("/")
        keys = [c for pair, c in want.get(int(r["rt"]), [])
                if [alias.get(x, x) for x in pair.split("/")] == [base, quote]]
        if not keys:
            continue  # a snapshot: no checksum
        s = ""
        for lv in r["asks"][:10] + r["bids"][:10]:
            for x in lv:
                s += x.replace(".", "").lstrip("0")
        checked += 1
        if zlib.crc32(s.encode()) != keys[0]:
            bad += 1
            print("kraken %s rt %s: checksum differs" % (r["sym"], r["rt"]))
    done(checked, bad)


def okx(out, rec):
    want = {}
    for rt, fr in frames(rec):
        if isinstance(fr, dict) and fr.get("arg", {}).get("channel") == "books" and "data" in fr:
            want[(fr["arg"]["instId"], rt)] = int(fr["data"][0]["checksum"])
    checked = bad = 0
    for _, r in records(out):
        if r["type"] != "book" or r["ex"] != "okx" or r["ok"] is not True:
            continue
        inst = r["sym"].replace("/", "-")
        k = (inst, int(r["rt"]))
        if k not in want:
            continue
        parts = []
        for i in range(25):
            if i < len(r["bids"]):
                parts.append("%s:%s" % tuple(r["bids"][i]))
            if i < len(r["asks"]):
                parts.append("%s:%s" % tuple(r["asks"][i]))
        crc = zlib.crc32(":".join(parts).encode())
        if crc >= 1 << 31:
            crc -= 1 << 32
        checked += 1
        if crc != want[k]:
            bad += 1
            print("okx %s rt %s: checksum differs" % (r["sym"], r["rt"]))
    done(checked, bad)


def top(book, n, rev):
    keys = sorted(book, key=Decimal, reverse=rev)[:n]
    return [[k, book[k]] for k in keys]


def binance(out, http, ws):
    events = []  # (rt, order, kind, payload)
    with open(http, encoding="utf-8") as f:
        for i, line in enumerate(f):
            m = re.match(r"^\S*symbol=([A-Z0-9]+)\S* -> ([0-9]+)\.?([0-9]*): (.*)$", line.rstrip("\n"))
            if m:
                rt = int(m.group(2)) * 1000000 + int(m.group(3)[:6].ljust(6, "0"))
                events.append((rt, 0, i, "snap", m.group(1), json.loads(m.group(4), parse_float=str, parse_int=str)))
    for i, (rt, fr) in enumerate(frames(ws)):
        d = fr.get("data", {})
        if d.get("e") == "depthUpdate":
            events.append((rt, 1, i, "diff", d["s"], d))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    state = {}
    truth = {}
    gaps = 0
    for rt, _, _, kind, sym, d in events:
        st = state.setdefault(sym, {"snap": None, "pend": [], "bids": {}, "asks": {}, "last": 0, "fresh": True})
        todo = []
        if kind == "snap":
            st.update(snap=True, last=int(d["lastUpdateId"]), fresh=True,
                      bids={p: q for p, q in d["bids"] if Decimal(q) != 0},
                      asks={p: q for p, q in d["asks"] if Decimal(q) != 0})
            todo, st["pend"] = st["pend"], []
        elif not st["snap"]:
            st["pend"].append((rt, d))
            continue
        else:
            todo = [(rt, d)]
        for rt2, e in todo:
            U, u = int(e["U"]), int(e["u"])
            if u <= st["last"]:
                continue
            if (st["fresh"] and U > st["last"] + 1) or (not st["fresh"] and U != st["last"] + 1):
                gaps += 1
                st["snap"] = None
                continue
            for side, key in (("bids", "b"), ("asks", "a")):
                for p, q in e[key]:
                    if Decimal(q) == 0:
                        st[side].pop(p, None)
                    else:
                        st[side][p] = q
            st["last"] = u
            st["fresh"] = False
            truth[(sym, rt2)] = (top(st["bids"], 10, True), top(st["asks"], 10, False))
    checked = bad = 0
    for _, r in records(out):
        if r["type"] != "book" or r["ex"] != "binance" or r["ok"] is not True:
            continue
        k = (r["sym"].replace("/", ""), int(r["rt"]))
        if k not in truth:
            continue  # snapshot records
        checked += 1
        if [r["bids"], r["asks"]] != list(truth[k]):
            bad += 1
            print("binance %s rt %s differs" % k)
    print("gaps %d" % gaps)
    done(checked, bad)


def crossed(out):
    checked = bad = 0
    for _, r in records(out):
        if r["type"] != "book" or r["ok"] is not True:
            continue
        checked += 1
        if r["bids"] and r["asks"] and Decimal(r["bids"][0][0]) >= Decimal(r["asks"][0][0]):
            bad += 1
            print("%s %s rt %s crossed" % (r["ex"], r["sym"], r["rt"]))
    done(checked, bad)


def same(good, damaged):
    truth = {}
    for _, r in records(good):
        if r["type"] == "book":
            truth.setdefault((r["ex"], r["sym"], r["rt"]), []).append((r["bids"], r["asks"]))
    checked = bad = 0
    for _, r in records(damaged):
        if r["type"] != "book" or r["ok"] is not True:
            continue
        checked += 1
        if (r["bids"], r["asks"]) not in truth.get((r["ex"], r["sym"], r["rt"]), []):
            bad += 1
            print("%s %s rt %s: ok:true but not the true book" % (r["ex"], r["sym"], r["rt"]))
    done(checked, bad)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"kraken": lambda: kraken(args[0], args[1:]), "okx": lambda: okx(*args),
     "binance": lambda: binance(*args), "crossed": lambda: crossed(*args),
     "same": lambda: same(*args)}[cmd]()
