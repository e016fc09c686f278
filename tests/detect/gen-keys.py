import random, sys
# odd keys for arb-detect: venue names with ':' and '>', currencies with '>',
# parallel edges (X/Y and Y/X on one venue; an instrument whose symbol names
# other currencies than its base and quote); books near consistent fair values
seed, nbooks, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(seed)
if mode == "names":
    venues = ["v1", "a>b", "a", "x:y", "b>c"]
    syms = ["BTC/USD", "ETH/BTC", "ETH/USD", "A>B/USD", "A>B/BTC", "A/B>USD", "B>USD/ETH", "ETH/A>B", "A/USD", "B/USD"]
else:
    venues = ["v1", "v2"]
    syms = ["BTC/USD", "USD/BTC", "ETH/BTC", "ETH/USD", "SOL/USD", "SOL/BTC", "SOL/ETH", "Q/USD"]
fair = {"USD": 1.0, "BTC": 40.0, "ETH": 2.5, "SOL": 0.8, "A>B": 3.0, "A": 5.0, "B>USD": 0.5, "B": 1.5}
ts = 1700000000000000
out, books = [], []
for ex in venues:
    for s in syms:
        base, quote = s.split("/")
        if s == "Q/USD":
            base, quote = "BTC", "USD"
        out.append('{"type":"instrument","ts":%d,"ex":"%s","sym":"%s","base":"%s","quote":"%s","tick":0.0001,"lot":0.001,"min_qty":0,"min_notional":0.1,"taker_fee":0.001,"maker_fee":0.0008}' % (ts, ex, s, base, quote))
        books.append((ex, s, base, quote))
for i in range(nbooks):
    ts += 1000
    ex, s, base, quote = random.choice(books)
    p = fair[base] / fair[quote] * random.uniform(0.998, 1.002)
    half = p * random.uniform(0.0002, 0.002)
    bid, ask = p - half, p + half
    out.append('{"type":"book","ts":%d,"rt":%d,"ex":"%s","sym":"%s","seq":%d,"ok":true,"depth":2,"bids":[[%.4f,%.3f],[%.4f,%.3f]],"asks":[[%.4f,%.3f],[%.4f,%.3f]]}' % (
        ts, ts + 5, ex, s, i, bid, random.uniform(0.1, 30), bid * 0.999, random.uniform(0.1, 30),
        ask, random.uniform(0.1, 30), ask * 1.001, random.uniform(0.1, 30)))
print("\n".join(out))
