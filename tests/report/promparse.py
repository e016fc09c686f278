#!/usr/bin/env python3
"""promparse.py FILE: a strict, independent parser of the Prometheus text
exposition format (version 0.0.4), written for the arb-report tests from
the format's description, sharing no code with arb-report.

Checks: comment lines are "# HELP name text" or "# TYPE name type" (type one
of counter gauge histogram summary untyped), at most one HELP and one TYPE
per family, TYPE before the family's samples, a family's samples contiguous,
metric and label names valid, label values properly quoted and escaped, no
duplicate label names in a sample, no duplicate series, values valid floats
(or NaN, +Inf, -Inf), optional integer timestamps, the text ends with a
newline.  On success prints one line per sample, "name{k=v,...} value" with
labels sorted, and exits 0; on the first error prints "line N: why" to
stderr and exits 1.
"""
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
FLOAT = re.compile(r'[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


class Bad(Exception):
    pass


def family_of(name, types):
    for suf in ('_bucket', '_count', '_sum'):
        if name.endswith(suf) and types.get(name[:-len(suf)]) in ('histogram', 'summary'):
            return name[:-len(suf)]
    return name


def parse_labels(s, i):
    """s[i] is '{'; returns (dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if s[i] == '}':
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            raise Bad('bad label name at %r' % s[i:])
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise Bad('expected =" after label %s' % name)
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise Bad('unterminated label value')
            c = s[i]
            if c == '\\':
                n = s[i + 1:i + 2]
                if n == 'n':
                    val.append('\n')
                elif n in ('\\', '"'):
                    val.append(n)
                else:
                    raise Bad('bad escape \\%s' % n)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == '\n':
                raise Bad('newline in label value')
            else:
                val.append(c)
                i += 1
        if name in labels:
            raise Bad('duplicate label %s' % name)
        labels[name] = ''.join(val)
        if s[i] == ',':
            i += 1
        elif s[i] != '}':
            raise Bad('expected , or } after label %s' % name)


def parse(text):
    if text and not text.endswith('\n'):
        raise Bad('no newline at the end')
    types, helps, seen_series, done, out = {}, set(), set(), set(), []
    current = None
    for n, line in enumerate(text.split('\n')[:-1], 1):
        try:
            if line.strip() == '':
                continue
            if line.startswith('#'):
                parts = line.split(None, 3)
                if len(parts) >= 2 and parts[1] in ('HELP', 'TYPE'):
                    if len(parts) < 3 or not NAME.fullmatch(parts[2]):
                        raise Bad('bad metric name in %s' % parts[1])
                    name = parts[2]
                    if name in done:
                        raise Bad('family %s is not contiguous' % name)
                    if parts[1] == 'HELP':
                        if name in helps:
                            raise Bad('second HELP for %s' % name)
                        helps.add(name)
                    else:
                        if name in types:
                            raise Bad('second TYPE for %s' % name)
                        if len(parts) < 4 or parts[3] not in TYPES:
                            raise Bad('bad TYPE for %s' % name)
                        if any(f == name for f, _ in seen_series):
                            raise Bad('TYPE after samples of %s' % name)
                        types[name] = parts[3]
                    if current and current != name:
                        done.add(current)
                    current = name
                continue
            m = NAME.match(line)
            if not m:
                raise Bad('bad metric name')
            name = m.group(0)
            i = m.end()
            labels = {}
            if i < len(line) and line[i] == '{':
                labels, i = parse_labels(line, i)
            rest = line[i:]
            if not rest.startswith(' '):
                raise Bad('expected a blank before the value')
            fields = rest.split()
            if len(fields) not in (1, 2):
                raise Bad('expected value [timestamp]')
            v = fields[0]
            if not (FLOAT.match(v) or v in ('NaN', '+Inf', '-Inf')):
                raise Bad('bad value %r' % v)
            if len(fields) == 2 and not re.fullmatch(r'-?\d+', fields[1]):
                raise Bad('bad timestamp %r' % fields[1])
            fam = family_of(name, types)
            if fam in done:
                raise Bad('family %s is not contiguous' % fam)
            if current and current != fam:
                done.add(current)
            current = fam
            key = (name, tuple(sorted(labels.items())))
            if key in seen_series:
                raise Bad('duplicate series %s%s' % key)
            seen_series.add((fam, None))
            seen_series.add(key)
            lab = ','.join('%s=%s' % kv for kv in sorted(labels.items()))
            out.append('%s{%s} %s' % (name, lab, v))
        except (Bad, IndexError) as e:
            raise Bad('line %d: %s' % (n, e))
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: promparse.py FILE\n')
        return 2
    with open(sys.argv[1], encoding='utf-8') as f:
        text = f.read()
    try:
        for s in parse(text):
            print(s)
    except Bad as e:
        sys.stderr.write('promparse: %s\n' % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
