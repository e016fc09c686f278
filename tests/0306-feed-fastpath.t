#!/bin/sh
# Venue frames are read straight from the text when they
# have the venue's exact form (lib/venue/scan.h) and by the JSON tokenizer
# otherwise.  Both ways must give the same records: the capture replayed as
# recorded (fast path) and with its JSON re-spaced (every frame and body
# through the tokenizer) give byte-identical output, also as raw streams
# (events without the combined-stream wrapper) and with levels the fast path
# declines (19 digits, an exponent, leading zeros).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
R=$ARB_SHARED_DATA/recorded
[ -d "$R" ] || skip_all "no recordings"
command -v python3 >/dev/null || skip_all "no python3"

# variant IN OUT MODE: the recording with each JSON payload rewritten
variant() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
src, dst, mode = sys.argv[1:4]
with open(src) as f, open(dst, "w") as o:
    for line in f:
        line = line.rstrip("\n")
        i = line.find(": {")
        if i < 0:
            o.write(line + "\n")
            continue
        head, body = line[:i + 2], line[i + 2:]
        d = json.loads(body)
        if "raw" in mode and "data" in d:
            d = d["data"]
        if "odd" in mode:
            ev = d.get("data", d)
            for k in ("b", "a", "bids", "asks"):
                lv = ev.get(k) if ev.get("e") == "depthUpdate" or "lastUpdateId" in ev else None
                if isinstance(lv, list) and len(lv) > 2:
                    # same values, other spellings: leading zeros (fast
                    # path), 19 digits and an exponent (tokenizer)
                    lv[0][1] = "0" + lv[0][1]
                    lv[1][1] = "0" * (19 - len(lv[1][1].replace(".", ""))) + lv[1][1]
                    lv[2][0] = lv[2][0] + "e0"
        sep = (", ", ": ") if "spaced" in mode else (",", ":")
        o.write(head + json.dumps(d, separators=sep) + "\n")
PY
}

for mode in plain raw odd raw,odd; do
	mkdir -p "$T/$mode.fast" "$T/$mode.slow"
	for f in BINANCE.http.0.0 BINANCE.ws.1.0; do
		variant "$R/$f" "$T/$mode.fast/$f" "$mode"
		variant "$R/$f" "$T/$mode.slow/$f" "$mode,spaced"
	done
	arb-feed --replay --depth 5 "$T/$mode.fast"/* >"$T/$mode.fast.out" 2>"$T/$mode.fast.err"
	ok $? "$mode: replay exits 0"
	arb-feed --replay --depth 5 "$T/$mode.slow"/* >"$T/$mode.slow.out" 2>"$T/$mode.slow.err"
	cmp_ok "$T/$mode.fast.out" "$T/$mode.slow.out" "$mode: fast path = tokenizer, byte for byte"
	cmp_ok "$T/$mode.fast.err" "$T/$mode.slow.err" "$mode: ...and the same diagnostics"
	books=$(grep -c '"type":"book".*"ok":true' "$T/$mode.fast.out")
	[ "$books" -ge 170 ]
	ok $? "$mode: $books books in sync"
done
# --stats counts the frames read by the fast path: every one of the 177
# depthUpdate frames and 4 snapshot bodies as recorded (once, also those
# held back until their snapshot), none re-spaced
for k in fast slow; do
	arb-feed --replay --depth 5 --stats "$T/plain.$k"/* 2>&1 >/dev/null | grep ' stats frames='
done >"$T/plain.stats"
is "$(cat "$T/plain.stats")" "arb-feed: stats frames=269 errors=0 fast_path=181
arb-feed: stats frames=269 errors=0 fast_path=0" "--stats: frames read by the fast path (181 of 269 as recorded, 0 re-spaced)"
# the re-spaced recording (no fast path at all) gives the recording's output
arb-feed --replay --depth 5 "$R"/BINANCE.http.0.0 "$R"/BINANCE.ws.1.0 >"$T/orig.out" 2>/dev/null
cmp_ok "$T/orig.out" "$T/plain.slow.out" "the recording as is = re-spaced"
# other spellings of the same values give the same records
cmp_ok "$T/plain.fast.out" "$T/odd.fast.out" "leading zeros, 19 digits, exponent: the same books"

# Frames the fast path declines but the tokenizer reports: same errors.
{
	echo 'wss://stream.binance.com:9443/stream?streams=nknusdt@depth@100ms <-> 1633998512.062356'
	echo '1633998512.1: {"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1633998512068,"s":"NKNUSDT","U":1,"u":2,"b":[["1.","2"]],"a":[]}}'
	echo '1633998512.2: {"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1633998512068,"s":"NKNUSDT","U":1,"u":2,"b":[["1","2"]],"a":[]}'
	echo '1633998512.3: {"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":-1,"s":"NKNUSDT","U":1,"u":2,"b":[],"a":[]}}'
} >"$T/BINANCE.ws.bad"
arb-feed --replay "$T/BINANCE.ws.bad" >"$T/bad.out" 2>"$T/bad.err"
grep -q 'BINANCE.ws.bad:3: not JSON' "$T/bad.err"
ok $? "an unterminated frame is not JSON (tokenizer)"
grep -q 'BINANCE.ws.bad:4: depthUpdate: missing s, U, u or E' "$T/bad.err"
ok $? "a negative E is refused (tokenizer)"

# The other five venues: Kraken v2, OKX books, Coinbase level2, Bybit V5
# orderbook and Bitstamp diff_order_book frames (and the Coinbase and
# Bitstamp snapshots) of the usual form take the fast path as well.  Each
# venue's shared captures and the gen-stream recording (every venue's
# usual form, Kraken and OKX checksums) are replayed as they are and
# re-spaced (a space after every ',' and ':' outside strings, the tokens
# untouched, so that no frame takes the fast path), plain and with odd
# numbers (a leading zero, 19 digits, an exponent: some of them the fast
# path declines, some are errors): byte-identical records, diagnostics
# and --stats counters.
gen-stream --seed 3 --updates 3000 --venues 6 --assets 6 --depth 5 --dislocate-every 40 --record "$T/gen" >/dev/null
ok $? "gen-stream --record"
# respace IN OUT-AS-IS OUT-SPACED MODE
respace() {
	python3 - "$1" "$2" "$3" "$4" <<'PY'
import re, sys
src, dst, dsts, mode = sys.argv[1:5]
num = re.compile(r'(?<=[\[,:])("?)([0-9]+\.[0-9]+)\1(?=[,\]}])')
tok = re.compile(r'("(?:[^"\\]|\\.)*")|([,:])')
def spaced(s):
    return tok.sub(lambda m: m.group(1) or m.group(2) + ' ', s)
def odd(s, i):
    ms = list(num.finditer(s))
    if not ms:
        return s
    m = ms[i % len(ms)]
    q, x = m.group(1), m.group(2)
    k = (i // 7) % 3
    if k == 0: x = '0' + x
    elif k == 1: x = x + '0' * max(0, 19 - len(x) + 1)
    else: x = x + 'e0'
    return s[:m.start()] + q + x + q + s[m.end():]
head = re.compile(r'^(.*?[0-9]: )(.*)$')
with open(src) as f, open(dst, 'w') as o, open(dsts, 'w') as os:
    for i, line in enumerate(f):
        line = line.rstrip('\n')
        m = head.match(line)
        if m and m.group(2)[:1] in '{[':
            body = m.group(2)
            if mode == 'odd' and i % 3 == 0:
                body = odd(body, i)
            o.write(m.group(1) + body + '\n')
            os.write(m.group(1) + spaced(body) + '\n')
        else:
            o.write(line + '\n')
            os.write(line + '\n')
PY
}
for venue in KRAKEN OKX COINBASE BYBIT BITSTAMP; do
	for mode in plain odd; do
		mkdir -p "$T/$venue.$mode.fast" "$T/$venue.$mode.slow"
		for f in "$R/$venue"* "$T/gen/$venue.0"; do
			b=$(basename "$f")
			case $f in "$T"/gen/*) b=gen.$b ;; esac
			respace "$f" "$T/$venue.$mode.fast/$b" "$T/$venue.$mode.slow/$b" "$mode"
		done
		for k in fast slow; do
			(cd "$T/$venue.$mode.$k" && arb-feed --replay --depth 5 --stats ./* >../$venue.$mode.$k.out 2>../$venue.$mode.$k.e)
			# the spaces move the offsets of JSON errors; the frames
			# read by the fast path are counted apart (below)
			sed -e 's/ at byte [0-9]*$//' -e 's/ fast_path=[0-9]*$//' "$T/$venue.$mode.$k.e" >"$T/$venue.$mode.$k.err"
		done
		fast=$(sed -n 's/.* fast_path=\([0-9]*\)$/\1/p' "$T/$venue.$mode.fast.e")
		slow=$(sed -n 's/.* fast_path=\([0-9]*\)$/\1/p' "$T/$venue.$mode.slow.e")
		[ "${fast:-0}" -gt 0 ] && [ "$slow" = 0 ]
		ok $? "$venue $mode: --stats counts $fast frames read by the fast path as written, $slow re-spaced"
		cmp_ok "$T/$venue.$mode.fast.out" "$T/$venue.$mode.slow.out" "$venue $mode: fast path = tokenizer, byte for byte"
		cmp_ok "$T/$venue.$mode.fast.err" "$T/$venue.$mode.slow.err" "$venue $mode: ...the same diagnostics and counters"
	done
	n=$(grep -c '"type":"book".*"ok":true' "$T/$venue.plain.fast.out")
	[ "$n" -ge 400 ]
	ok $? "$venue: $n books in sync"
	# the recordings as they are = the re-spaced ones
	(cd "$T/$venue.plain.fast" && for f in ./*; do
		case $f in ./gen.*) cp "$T/gen/${f#./gen.}" "$f" ;; *) cp "$R/${f#./}" "$f" ;; esac
	done && arb-feed --replay --depth 5 --stats ./* >../$venue.orig.out 2>../$venue.orig.err)
	cmp_ok "$T/$venue.orig.out" "$T/$venue.plain.slow.out" "$venue: the recordings as they are = re-spaced"
done
grep -h 'checksums_ok' "$T/KRAKEN.plain.fast.err" "$T/OKX.plain.fast.err" | grep -vc 'checksums_ok=0 ' >"$T/nck"
[ "$(cat "$T/nck")" -ge 18 ]
ok $? "Kraken and OKX checksums verified on the fast path ($(cat "$T/nck") books)"
grep -q 'checksum mismatch' "$T/KRAKEN.odd.fast.out" && grep -q 'checksum mismatch' "$T/OKX.odd.fast.out"
ok $? "...and mismatches found the same way (odd numbers)"

# Long numbers are written exactly: update ids of 18 digits as seq
{
	echo 'https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=1000 -> 1633998512.0: {"lastUpdateId":123456789012345678,"bids":[["0.35210000","672.00000000"]],"asks":[["0.35260000","3199.00000000"]]}'
	echo '1633998512.1: {"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1633998512068,"s":"NKNUSDT","U":123456789012345679,"u":987654321098765432,"b":[["0.35200000","1.00000000"]],"a":[]}}'
} >"$T/BINANCE.big"
arb-feed --replay "$T/BINANCE.big" >"$T/big.out" 2>/dev/null
grep -q '"seq":123456789012345678,"ok":true,"depth":10,"bids":\[\[0.35210000,672.00000000\]\]' "$T/big.out"
ok $? "an 18-digit snapshot id"
grep -q '"ts":1633998512068000,"rt":1633998512100000,"ex":"binance","sym":"NKN/USDT","seq":987654321098765432,' "$T/big.out"
ok $? "an 18-digit update id, ts and rt"
done_testing
