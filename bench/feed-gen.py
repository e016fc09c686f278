#!/usr/bin/env python3
"""feed-gen.py OUTDIR REC_DIR REPS NBOOKS: a long Binance recording for
bench/feed-bench.sh, made from the shared capture (BINANCE.http.0.0 snapshots,
BINANCE.ws.1.0 diffs): NBOOKS symbols cloned from the four recorded ones, the
diffs repeated REPS times with their update ids and times shifted so that every
book stays in sync.  After each repetition one more diff per book puts back the
snapshot's levels (so that the repeated diffs never make a crossed book).
Writes OUTDIR/BINANCE.http.0.0 and OUTDIR/BINANCE.ws.1.0.
"""
import json
import os
import re
import sys

out, rec, reps, nbooks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
snaps = {}
with open(os.path.join(rec, "BINANCE.http.0.0")) as f:
    for line in f:
        m = re.match(r"^(\S*symbol=)([A-Z]+)(\S*) -> ([0-9.]+): (.*)$", line.rstrip("\n"))
        if m:
            snaps[m.group(2)] = (m.group(1), m.group(3), m.group(4), m.group(5))
diffs = {s: [] for s in snaps}
with open(os.path.join(rec, "BINANCE.ws.1.0")) as f:
    for line in f:
        m = re.match(r'^([0-9]+)\.?([0-9]*): (\{"stream":"[a-z]+@depth@100ms".*"s":"([A-Z]+)".*)$', line.rstrip("\n"))
        if m and m.group(4) in diffs:
            us = int(m.group(1)) * 1000000 + int(m.group(2)[:6].ljust(6, "0"))
            diffs[m.group(4)].append((us, m.group(3)))
bases = sorted(s for s in snaps if diffs[s])
clones = [(bases[i % len(bases)], "C%d%s" % (i, bases[i % len(bases)])) for i in range(nbooks)]
span, last_id, reset = {}, {}, {}
for b in bases:
    first = int(re.search(r'"U":([0-9]+)', diffs[b][0][1]).group(1))
    last = int(re.search(r'"u":([0-9]+)', diffs[b][-1][1]).group(1))
    span[b] = last - first + 2   # + the reset diff
    last_id[b] = last
    snap = json.loads(snaps[b][3])
    levels = {}
    for side, key in (("bids", "b"), ("asks", "a")):
        have = dict(snap[side])
        touched = {}
        for _, text in diffs[b]:
            for p, q in json.loads(text)["data"][key]:
                touched[p] = have.get(p, "0.00000000")
        levels[key] = sorted(touched.items())
    reset[b] = levels
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "BINANCE.http.0.0"), "w") as f:
    for b, c in clones:
        pre, post, ts, body = snaps[b]
        f.write("%s%s%s -> %s: %s\n" % (pre, c, post, ts, body))
t0 = min(d[0][0] for d in diffs.values() if d)
t1 = max(d[-1][0] for d in diffs.values() if d)
period = t1 - t0 + 100000
events = sorted((us, b, text) for b in bases for us, text in diffs[b])
num = re.compile(r'"([EUu])":([0-9]+)')
n = 0
with open(os.path.join(out, "BINANCE.ws.1.0"), "w") as f:
    f.write("wss://stream.binance.com:9443/stream <-> %d.%06d\n" % divmod(t0 - 1000, 1000000))
    for k in range(reps):
        for us, b, text in events:
            shifted = num.sub(lambda m: '"%s":%d' % (m.group(1), int(m.group(2)) + (
                k * period // 1000 if m.group(1) == "E" else k * span[b])), text)
            t = us + k * period
            for base, c in clones:
                if base == b:
                    f.write("%d.%06d: %s\n" % (t // 1000000, t % 1000000,
                            shifted.replace('"s":"%s"' % b, '"s":"%s"' % c)))
                    n += 1
        t = t1 + k * period + 50000
        for base, c in clones:
            rid = last_id[base] + 1 + k * span[base]
            d = {"e": "depthUpdate", "E": t // 1000, "s": c, "U": rid, "u": rid,
                 "b": [list(x) for x in reset[base]["b"]], "a": [list(x) for x in reset[base]["a"]]}
            f.write("%d.%06d: %s\n" % (t // 1000000, t % 1000000, json.dumps(
                {"stream": c.lower() + "@depth@100ms", "data": d}, separators=(",", ":"))))
            n += 1
print(n)
