import sys, re
from decimal import Decimal
sym, factor = sys.argv[1], Decimal(sys.argv[2])
tick = Decimal(sys.argv[3])
def sh(m):
    return "[%s,%s]" % ((Decimal(m.group(1)) * factor).quantize(tick), m.group(2))
for line in sys.stdin:
    if '"type":"book"' in line and '"sym":"%s"' % sym in line:
        line = re.sub(r'\[([0-9.]+),([0-9.]+)\]', sh, line)
    sys.stdout.write(line)
