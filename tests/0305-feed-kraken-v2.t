#!/bin/sh
# Kraken WebSocket v2 book frames (JSON numbers at full precision, checksum
# on snapshots and updates): a synthetic session whose checksums are
# computed here independently (python3), then one update with a wrong one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

python3 - >"$T/KRAKEN.v2" <<'PY'
import json, zlib
from decimal import Decimal

bids, asks = {}, {}
def crc():
    s = ""
    for p in sorted(asks, key=Decimal)[:10]:
        s += p.replace(".", "").lstrip("0") + asks[p].replace(".", "").lstrip("0")
    for p in sorted(bids, key=Decimal, reverse=True)[:10]:
        s += p.replace(".", "").lstrip("0") + bids[p].replace(".", "").lstrip("0")
    return zlib.crc32(s.encode())
def apply(side, lv):
    for p, q in lv:
        if Decimal(q) == 0:
            side.pop(p, None)
        else:
            side[p] = q
def frame(kind, b, a, t, bad=False):
    apply(bids, b)
    apply(asks, a)
    # keep only the subscribed depth (10), as the venue does
    for side, rev in ((bids, True), (asks, False)):
        for p in sorted(side, key=Decimal, reverse=rev)[10:]:
            del side[p]
    lv = lambda x: "[" + ",".join('{"price":%s,"qty":%s}' % (p, q) for p, q in x) + "]"
    c = crc() + (1 if bad else 0)
    return ('{"channel":"book","type":"%s","data":[{"symbol":"BTC/USD","bids":%s,"asks":%s,'
            '"checksum":%d,"timestamp":"2024-05-01T10:00:%02d.123456Z"}]}' % (kind, lv(b), lv(a), c % (1 << 32), t))
print("wss://ws.kraken.com/v2 <-> 1714557600.000000")
print('1714557600.100000: {"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2024-05-01T10:00:00.000000Z","time_out":"2024-05-01T10:00:00.000100Z"}')
b = [("63010.%02d" % i, "0.%02d500000" % i) for i in range(12)]
a = [("63020.%02d" % i, "1.%02d000000" % i) for i in range(12)]
print("1714557600.200000: " + frame("snapshot", b, a, 0))
print("1714557600.300000: " + frame("update", [("63010.55", "0.25000000"), ("63010.01", "0")], [], 1))
print("1714557600.400000: " + frame("update", [], [("63019.9", "2.00000000")], 2))
print('1714557600.450000: {"channel":"heartbeat"}')
print("1714557600.500000: " + frame("update", [("63010.02", "0.30000000")], [], 3, bad=True))
print("1714557600.600000: " + frame("update", [("63010.03", "0.40000000")], [], 4))
PY
arb-feed --replay --stats -d 3 "$T/KRAKEN.v2" >"$T/out" 2>"$T/err"
is "$?" 0 "replay of v2 frames: exit 0"
is "$(grep -c '"state":"subscribed"' "$T/out")" 1 "v2: subscribe answer"
is "$(grep -c '"type":"book".*"ok":true' "$T/out")" 3 "v2: snapshot and two updates verified"
grep -q 'kraken BTC/USD .*checksums_ok=3 checksums_bad=1 gaps=1' "$T/err"
ok $? "v2: three checksums verified, the wrong one is a gap"
is "$(sed -n 2p "$T/out" | cut -c1-60)" '{"type":"status","ts":1714557600100000,"ex":"kraken","sym":"' "v2: status at receive time"
is "$(grep '"type":"book"' "$T/out" | sed -n 3p)" \
	'{"type":"book","ts":1714557602123456,"rt":1714557600400000,"ex":"kraken","sym":"BTC/USD","ok":true,"depth":3,"bids":[[63010.55,0.25000000],[63010.11,0.11500000],[63010.10,0.10500000]],"asks":[[63019.9,2.00000000],[63020.00,1.00000000],[63020.01,1.01000000]]}' \
	"v2: levels as sent, ts from the frame"
is "$(grep -c '"state":"gap","detail":"checksum mismatch' "$T/out")" 1 "v2: status gap"
is "$(grep '"type":"book"' "$T/out" | tail -n 1 | grep -c '"ok":false')" 1 "v2: updates after the gap wait for a snapshot"
done_testing
