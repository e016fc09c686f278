# One-off helper used to write tests/report/stream.ndjson (timestamps are
# tedious by hand); the output file is what the tests use.
import calendar
D0 = calendar.timegm((2026, 11, 29, 0, 0, 0)) * 1000000
def t(h, m, s, us=0): return D0 + ((h * 60 + m) * 60 + s) * 1000000 + us
L = []
def rec(typ, **kw):
    parts = ['"type":"%s"' % typ]
    for k, v in kw.items():
        if isinstance(v, bool): parts.append('"%s":%s' % (k, 'true' if v else 'false'))
        elif isinstance(v, int): parts.append('"%s":%d' % (k, v))
        elif isinstance(v, R): parts.append('"%s":%s' % (k, v.s))
        else: parts.append('"%s":"%s"' % (k, v))
    L.append('{' + ','.join(parts) + '}')
class R:
    def __init__(self, s): self.s = s
def book(ts, lat, ex, sym, seq, bid, ask, ok=True):
    rec('book', ts=ts, rt=ts + lat, ex=ex, sym=sym, seq=seq, ok=ok, depth=1,
        bids=R('[[%s,1.5]]' % bid), asks=R('[[%s,1.2]]' % ask))
def legs(*ls): return R('[' + ','.join('{"ex":"%s","sym":"%s","side":"%s","px":%s,"qty":%s}' % l for l in ls) + ']')
def opp(ts, id, kind, event, lg, qty, cost, proceeds, profit, ccy, gbps, nbps, bts, exp):
    rec('opportunity', ts=ts, id=id, kind=kind, event=event, legs=lg, qty=R(qty), cost=R(cost),
        proceeds=R(proceeds), profit=R(profit), ccy=ccy, gross_bps=R(gbps), net_bps=R(nbps),
        book_ts=R('[' + ','.join(str(x) for x in bts) + ']'), expires=exp)
def order(ts, ex, sym, op, leg, cid, side, px, qty, state, filled, reason=None, role=None):
    kw = dict(ts=ts, ex=ex, sym=sym, opp=op, leg=leg, cid=cid, side=side, px=R(px), qty=R(qty),
              state=state, filled=R(filled), mode='paper')
    if reason: kw['reason'] = reason
    if role: kw['role'] = role
    rec('order', **kw)
def fill(ts, ex, sym, op, cid, side, px, qty, fee, fccy, tid):
    rec('fill', ts=ts, ex=ex, sym=sym, opp=op, cid=cid, side=side, px=R(px), qty=R(qty),
        fee=R(fee), fee_ccy=fccy, mode='paper', tid=tid)
def result(ts, op, kind, status, reason, pnl, ccy, fees, expo):
    rec('result', ts=ts, opp=op, kind=kind, status=status, reason=reason, pnl=R(pnl), ccy=ccy,
        fees=R(fees), exposure=R('[' + ','.join('{"asset":"%s","qty":%s}' % e for e in expo) + ']'))

# --- 2026-11-29 22:00: start-up
rec('status', ts=t(22,0,0), ex='binance', state='connected')
rec('status', ts=t(22,0,0,100000), ex='kraken', state='connected')
rec('instrument', ts=t(22,0,0,200000), ex='binance', sym='BTC/USDT', base='BTC', quote='USDT', tick=R('0.01'), lot=R('0.00001'), min_qty=R('0.00001'), min_notional=R('5'), taker_fee=R('0.001'), maker_fee=R('0.001'))
rec('instrument', ts=t(22,0,0,300000), ex='kraken', sym='BTC/USDT', base='BTC', quote='USDT', tick=R('0.1'), lot=R('0.0001'), min_qty=R('0.0001'), min_notional=R('5'), taker_fee=R('0.001'), maker_fee=R('0.0008'))
rec('status', ts=t(22,0,1), ex='binance', state='subscribed')
rec('status', ts=t(22,0,1,500000), ex='kraken', state='subscribed')
rec('status', ts=t(22,0,2), ex='binance', sym='BTC/USDT', state='synced')
rec('status', ts=t(22,0,2,100000), ex='binance', sym='ETH/USDT', state='synced')
rec('status', ts=t(22,0,2,200000), ex='binance', sym='ETH/BTC', state='synced')
rec('status', ts=t(22,0,2,300000), ex='kraken', sym='BTC/USDT', state='synced')
book(t(22,0,3), 3000, 'binance', 'BTC/USDT', 100, '50099.9', '50100.1')
book(t(22,0,3,100000), 21000, 'kraken', 'BTC/USDT', 7, '49990.0', '50010.0')
book(t(22,0,3,200000), 4000, 'binance', 'ETH/USDT', 200, '2519.9', '2520.1')
book(t(22,0,3,300000), 5000, 'binance', 'ETH/BTC', 300, '0.04999', '0.05001')
rec('balance', ts=t(22,0,4), ex='binance', asset='USDT', free=R('10000'), locked=R('0'))
rec('balance', ts=t(22,0,4,100000), ex='kraken', asset='USDT', free=R('8000'), locked=R('0'))
# rejects before any opportunity
rec('reject', ts=t(22,5,0), kind='cross', reason='fees', ex='kraken', sym='BTC/USDT', gross_bps=R('3.1'))
rec('reject', ts=t(22,6,0), kind='cross', reason='fees', ex='binance', sym='BTC/USDT', gross_bps=R('2.2'))
# --- o1: cross kraken>binance, complete, +9.98 USDT
b1 = t(22,9,59,990000); b2 = t(22,9,59,995000)
book(b1, 22000, 'kraken', 'BTC/USDT', 8, '49990.0', '50000.0')
book(b2, 3000, 'binance', 'BTC/USDT', 101, '50200.0', '50200.2')
T = t(22,10,0)
opp(T, 'o1', 'cross', 'new', legs(('kraken','BTC/USDT','buy','50000.0','0.1'),('binance','BTC/USDT','sell','50200.0','0.1')), '0.1', '5000', '5020', '9.98', 'USDT', '40', '19.96', [b1, b2], T + 1000000)
order(T + 2000, 'kraken', 'BTC/USDT', 'o1', 0, 'o1-0', 'buy', '50000.0', '0.1', 'sent', '0')
order(T + 2500, 'binance', 'BTC/USDT', 'o1', 1, 'o1-1', 'sell', '50200.0', '0.1', 'sent', '0')
order(T + 20500, 'binance', 'BTC/USDT', 'o1', 1, 'o1-1', 'sell', '50200.0', '0.1', 'acked', '0')
fill(T + 25500, 'binance', 'BTC/USDT', 'o1', 'o1-1', 'sell', '50200.0', '0.1', '5.02', 'USDT', 'b1')
order(T + 25600, 'binance', 'BTC/USDT', 'o1', 1, 'o1-1', 'sell', '50200.0', '0.1', 'filled', '0.1')
order(T + 30000, 'kraken', 'BTC/USDT', 'o1', 0, 'o1-0', 'buy', '50000.0', '0.1', 'acked', '0')
fill(T + 45000, 'kraken', 'BTC/USDT', 'o1', 'o1-0', 'buy', '50000.0', '0.1', '5', 'USDT', 'k1')
order(T + 45100, 'kraken', 'BTC/USDT', 'o1', 0, 'o1-0', 'buy', '50000.0', '0.1', 'filled', '0.1')
result(T + 46000, 'o1', 'cross', 'complete', 'filled', '9.98', 'USDT', '10.02', [])
opp(T + 450000, 'o1', 'cross', 'gone', legs(('kraken','BTC/USDT','buy','50000.0','0.1'),('binance','BTC/USDT','sell','50200.0','0.1')), '0.1', '5000', '5020', '9.98', 'USDT', '40', '19.96', [b1, b2], T + 1000000)
rec('trade', ts=T + 500000, rt=T + 503000, ex='binance', sym='BTC/USDT', id='9001', px=R('50200.1'), qty=R('0.02'), side='buy')
rec('balance', ts=T + 600000, ex='binance', asset='USDT', free=R('15014.98'), locked=R('0'))
# o8: detected, nobody acted (no result), gone 10 ms later
T = t(22,40,0)
opp(T, 'o8', 'cross', 'new', legs(('binance','BTC/USDT','buy','50100.1','0.01'),('kraken','BTC/USDT','sell','50150.0','0.01')), '0.01', '501.001', '501.5', '0.498', 'USDT', '9.96', '0.04', [T - 4000, T - 30000], T + 1000000)
opp(T + 10000, 'o8', 'cross', 'gone', legs(('binance','BTC/USDT','buy','50100.1','0.01'),('kraken','BTC/USDT','sell','50150.0','0.01')), '0.01', '501.001', '501.5', '0.498', 'USDT', '9.96', '0.04', [T - 4000, T - 30000], T + 1000000)
# --- o2: cross binance>kraken, complete, -0.035 USDT
b1 = t(23,4,59,996000); b2 = t(23,4,59,980000)
book(b2, 25000, 'kraken', 'BTC/USDT', 9, '50400.0', '50410.0')
book(b1, 3500, 'binance', 'BTC/USDT', 102, '50290.0', '50300.0')
T = t(23,5,0)
opp(T, 'o2', 'cross', 'new', legs(('binance','BTC/USDT','buy','50300.0','0.05'),('kraken','BTC/USDT','sell','50400.0','0.05')), '0.05', '2515', '2520', '0.965', 'USDT', '19.88', '3.83', [b1, b2], T + 1000000)
order(T + 1500, 'binance', 'BTC/USDT', 'o2', 0, 'o2-0', 'buy', '50300.0', '0.05', 'sent', '0')
order(T + 1800, 'kraken', 'BTC/USDT', 'o2', 1, 'o2-1', 'sell', '50400.0', '0.05', 'sent', '0')
order(T + 19500, 'binance', 'BTC/USDT', 'o2', 0, 'o2-0', 'buy', '50300.0', '0.05', 'acked', '0')
fill(T + 24500, 'binance', 'BTC/USDT', 'o2', 'o2-0', 'buy', '50300.0', '0.05', '2.515', 'USDT', 'b2')
order(T + 35800, 'kraken', 'BTC/USDT', 'o2', 1, 'o2-1', 'sell', '50400.0', '0.05', 'acked', '0')
fill(T + 52800, 'kraken', 'BTC/USDT', 'o2', 'o2-1', 'sell', '50400.0', '0.05', '2.52', 'USDT', 'k2')
result(T + 53000, 'o2', 'cross', 'complete', 'filled', '-0.035', 'USDT', '5.035', [])
opp(T + 120000, 'o2', 'cross', 'gone', legs(('binance','BTC/USDT','buy','50300.0','0.05'),('kraken','BTC/USDT','sell','50400.0','0.05')), '0.05', '2515', '2520', '0.965', 'USDT', '19.88', '3.83', [b1, b2], T + 1000000)
# kraken BTC/USDT: a sequence gap and a resync
rec('status', ts=t(23,30,0), ex='kraken', sym='BTC/USDT', state='gap', detail='seq 10 after 12')
rec('status', ts=t(23,30,5), ex='kraken', sym='BTC/USDT', state='resync')
rec('status', ts=t(23,30,10), ex='kraken', sym='BTC/USDT', state='synced')
rec('reject', ts=t(23,45,0), kind='cross', reason='min_notional', ex='kraken', sym='BTC/USDT', gross_bps=R('12.5'))
rec('reject', ts=t(23,50,0), kind='cycle', reason='stale', ex='binance', sym='ETH/BTC')
# a record type this version does not know, and a book out of sync
rec('heartbeat', ts=t(23,55,0), ex='binance')
book(t(23,58,0), 4000, 'kraken', 'BTC/USDT', 13, '50010.0', '50030.0', ok=False)
# --- 2026-11-30, o3: cross kraken>binance, partial, +4.985 USDT, 0.1 BTC left
b1 = t(24,19,59,990000); b2 = t(24,19,59,992000)
book(b1, 19000, 'kraken', 'BTC/USDT', 14, '49990.0', '50000.0')
book(b2, 2500, 'binance', 'BTC/USDT', 103, '50150.0', '50150.2')
T = t(24,20,0)
opp(T, 'o3', 'cross', 'new', legs(('kraken','BTC/USDT','buy','50000.0','0.2'),('binance','BTC/USDT','sell','50150.0','0.2')), '0.2', '10000', '10030', '9.97', 'USDT', '30', '9.97', [b1, b2], T + 1000000)
order(T + 2200, 'kraken', 'BTC/USDT', 'o3', 0, 'o3-0', 'buy', '50000.0', '0.2', 'sent', '0')
order(T + 2400, 'binance', 'BTC/USDT', 'o3', 1, 'o3-1', 'sell', '50150.0', '0.2', 'sent', '0')
order(T + 21400, 'binance', 'BTC/USDT', 'o3', 1, 'o3-1', 'sell', '50150.0', '0.2', 'acked', '0')
fill(T + 27400, 'binance', 'BTC/USDT', 'o3', 'o3-1', 'sell', '50150.0', '0.1', '5.015', 'USDT', 'b3')
order(T + 27500, 'binance', 'BTC/USDT', 'o3', 1, 'o3-1', 'sell', '50150.0', '0.2', 'canceled', '0.1')
order(T + 33200, 'kraken', 'BTC/USDT', 'o3', 0, 'o3-0', 'buy', '50000.0', '0.2', 'acked', '0')
fill(T + 48200, 'kraken', 'BTC/USDT', 'o3', 'o3-0', 'buy', '50000.0', '0.2', '10', 'USDT', 'k3')
result(T + 49000, 'o3', 'cross', 'partial', 'leg_partial', '4.985', 'USDT', '15.015', [('BTC', '0.1')])
opp(T + 800000, 'o3', 'cross', 'gone', legs(('kraken','BTC/USDT','buy','50000.0','0.2'),('binance','BTC/USDT','sell','50150.0','0.2')), '0.2', '10000', '10030', '9.97', 'USDT', '30', '9.97', [b1, b2], T + 1000000)
# binance drops the connection
rec('status', ts=t(24,40,0), ex='binance', state='disconnected', detail='close 1006')
rec('status', ts=t(24,40,30), ex='binance', state='connected')
rec('status', ts=t(24,41,0), ex='binance', sym='BTC/USDT', state='synced')
rec('status', ts=t(24,41,0,100000), ex='binance', sym='ETH/USDT', state='synced')
rec('status', ts=t(24,41,0,200000), ex='binance', sym='ETH/BTC', state='synced')
# --- o4: cross binance>kraken, kraken leg rejected, unwound at a loss: -15.095 USDT
b1 = t(24,49,59,997000); b2 = t(24,49,59,985000)
book(b2, 23000, 'kraken', 'BTC/USDT', 15, '50600.0', '50610.0')
book(b1, 3000, 'binance', 'BTC/USDT', 104, '50490.0', '50500.0')
T = t(24,50,0)
opp(T, 'o4', 'cross', 'new', legs(('binance','BTC/USDT','buy','50500.0','0.1'),('kraken','BTC/USDT','sell','50600.0','0.1')), '0.1', '5050', '5060', '-0.11', 'USDT', '19.8', '-0.21', [b1, b2], T + 1000000)
order(T + 1900, 'binance', 'BTC/USDT', 'o4', 0, 'o4-0', 'buy', '50500.0', '0.1', 'sent', '0')
order(T + 2100, 'kraken', 'BTC/USDT', 'o4', 1, 'o4-1', 'sell', '50600.0', '0.1', 'sent', '0')
order(T + 19900, 'binance', 'BTC/USDT', 'o4', 0, 'o4-0', 'buy', '50500.0', '0.1', 'acked', '0')
fill(T + 23900, 'binance', 'BTC/USDT', 'o4', 'o4-0', 'buy', '50500.0', '0.1', '5.05', 'USDT', 'b4')
order(T + 40100, 'kraken', 'BTC/USDT', 'o4', 1, 'o4-1', 'sell', '50600.0', '0.1', 'rejected', '0', 'insufficient_funds')
order(T + 41000, 'binance', 'BTC/USDT', 'o4', 2, 'o4-u', 'sell', '50450.0', '0.1', 'sent', '0', role='unwind')
order(T + 58000, 'binance', 'BTC/USDT', 'o4', 2, 'o4-u', 'sell', '50450.0', '0.1', 'acked', '0', role='unwind')
fill(T + 62000, 'binance', 'BTC/USDT', 'o4', 'o4-u', 'sell', '50450.0', '0.1', '5.045', 'USDT', 'b5')
opp(T + 60000, 'o4', 'cross', 'gone', legs(('binance','BTC/USDT','buy','50500.0','0.1'),('kraken','BTC/USDT','sell','50600.0','0.1')), '0.1', '5050', '5060', '-0.11', 'USDT', '19.8', '-0.21', [b1, b2], T + 1000000)
result(T + 63000, 'o4', 'cross', 'unwound', 'leg_failed', '-15.095', 'USDT', '15.095', [])
# --- o5: cycle BTC>ETH>USDT>BTC on binance, complete, +0.00015 BTC
# (converted at the BTC/USDT mid 50100: 7.515 USDT)
b1 = t(25,9,59,990000); b2 = t(25,9,59,992000); b3 = t(25,9,59,994000)
book(b1, 5000, 'binance', 'ETH/BTC', 301, '0.04999', '0.05')
book(b2, 4000, 'binance', 'ETH/USDT', 201, '2520.0', '2520.2')
book(b3, 3000, 'binance', 'BTC/USDT', 105, '50099.9', '50100.1')
T = t(25,10,0)
lg = legs(('binance','ETH/BTC','buy','0.05','1'),('binance','ETH/USDT','sell','2520.0','1'),('binance','BTC/USDT','buy','50100.0','0.0502'))
opp(T, 'o5', 'cycle', 'new', lg, '1', '0.05', '0.0502', '0.00015', 'BTC', '40', '29.9', [b1, b2, b3], T + 2000000)
order(T + 3000, 'binance', 'ETH/BTC', 'o5', 0, 'o5-0', 'buy', '0.05', '1', 'sent', '0')
order(T + 21000, 'binance', 'ETH/BTC', 'o5', 0, 'o5-0', 'buy', '0.05', '1', 'acked', '0')
fill(T + 26000, 'binance', 'ETH/BTC', 'o5', 'o5-0', 'buy', '0.05', '1', '0.00005', 'BTC', 'b6')
order(T + 27000, 'binance', 'ETH/USDT', 'o5', 1, 'o5-1', 'sell', '2520.0', '1', 'sent', '0')
order(T + 45000, 'binance', 'ETH/USDT', 'o5', 1, 'o5-1', 'sell', '2520.0', '1', 'acked', '0')
fill(T + 50000, 'binance', 'ETH/USDT', 'o5', 'o5-1', 'sell', '2520.0', '1', '2.52', 'USDT', 'b7')
order(T + 51000, 'binance', 'BTC/USDT', 'o5', 2, 'o5-2', 'buy', '50100.0', '0.0502', 'sent', '0')
order(T + 69000, 'binance', 'BTC/USDT', 'o5', 2, 'o5-2', 'buy', '50100.0', '0.0502', 'acked', '0')
fill(T + 74000, 'binance', 'BTC/USDT', 'o5', 'o5-2', 'buy', '50100.0', '0.0502', '2.51502', 'USDT', 'b8')
result(T + 75000, 'o5', 'cycle', 'complete', 'filled', '0.00015', 'BTC', '0.00005', [('USDT', '-0.05502')])
opp(T + 1500000, 'o5', 'cycle', 'gone', lg, '1', '0.05', '0.0502', '0.00015', 'BTC', '40', '29.9', [b1, b2, b3], T + 2000000)
# --- o6: both legs rejected by the venues: failed, 0
b1 = t(25,29,59,995000); b2 = t(25,29,59,970000)
book(b1, 3000, 'binance', 'BTC/USDT', 106, '50000.0', '50000.2')
book(b2, 24000, 'kraken', 'BTC/USDT', 16, '50120.0', '50130.0')
T = t(25,30,0)
lg = legs(('binance','BTC/USDT','buy','50000.2','0.05'),('kraken','BTC/USDT','sell','50120.0','0.05'))
opp(T, 'o6', 'cross', 'new', lg, '0.05', '2500.01', '2506', '0.98', 'USDT', '23.96', '3.92', [b1, b2], T + 1000000)
order(T + 1700, 'binance', 'BTC/USDT', 'o6', 0, 'o6-0', 'buy', '50000.2', '0.05', 'sent', '0')
order(T + 1900, 'kraken', 'BTC/USDT', 'o6', 1, 'o6-1', 'sell', '50120.0', '0.05', 'sent', '0')
order(T + 15700, 'binance', 'BTC/USDT', 'o6', 0, 'o6-0', 'buy', '50000.2', '0.05', 'rejected', '0', 'rate_limit')
opp(T + 25000, 'o6', 'cross', 'gone', lg, '0.05', '2500.01', '2506', '0.98', 'USDT', '23.96', '3.92', [b1, b2], T + 1000000)
order(T + 31900, 'kraken', 'BTC/USDT', 'o6', 1, 'o6-1', 'sell', '50120.0', '0.05', 'rejected', '0', 'rate_limit')
result(T + 32000, 'o6', 'cross', 'failed', 'order_rejected', '0', 'USDT', '0', [])
# --- o7: refused by the risk limits: skipped
T = t(25,45,0)
lg = legs(('kraken','BTC/USDT','buy','50010.0','0.5'),('binance','BTC/USDT','sell','50100.0','0.5'))
opp(T, 'o7', 'cross', 'new', lg, '0.5', '25005', '25050', '20', 'USDT', '17.99', '7.99', [T - 26000, T - 5000], T + 1000000)
rec('risk', ts=T + 500, rule='max_exposure', action='refuse', detail='0.5 BTC over the 0.3 BTC limit', opp='o7')
result(T + 600, 'o7', 'cross', 'skipped', 'risk_max_exposure', '0', 'USDT', '0', [])
opp(T + 300000, 'o7', 'cross', 'gone', lg, '0.5', '25005', '25050', '20', 'USDT', '17.99', '7.99', [T - 26000, T - 5000], T + 1000000)
rec('reject', ts=t(25,48,0), kind='cross', reason='fees', ex='binance', sym='BTC/USDT', gross_bps=R('1.5'))
rec('reject', ts=t(25,49,0), kind='cycle', reason='lot', ex='binance', sym='ETH/BTC')
# kraken goes stale for 20 s
rec('status', ts=t(25,50,0), ex='kraken', sym='BTC/USDT', state='stale', detail='no update for 5s')
rec('status', ts=t(25,50,20), ex='kraken', sym='BTC/USDT', state='synced')
book(t(25,55,0), 20000, 'kraken', 'BTC/USDT', 17, '50180.0', '50190.0')
book(t(25,58,0), 3000, 'binance', 'BTC/USDT', 107, '50199.9', '50200.1')
rec('balance', ts=t(25,59,0), ex='binance', asset='USDT', free=R('10000.5'), locked=R('0'))
rec('balance', ts=t(25,59,0,100000), ex='binance', asset='BTC', free=R('1.2'))
rec('balance', ts=t(25,59,0,200000), ex='kraken', asset='BTC', free=R('0.9'), locked=R('0.1'))
rec('balance', ts=t(25,59,0,300000), ex='kraken', asset='USDT', free=R('8000'), locked=R('0'))
rec('status', ts=t(26,0,0), ex='binance', sym='ETH/USDT', state='synced', detail='end of the fixture')
print('\n'.join(L))
