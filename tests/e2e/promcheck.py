#!/usr/bin/env python3
"""promcheck.py FILE - check a Prometheus text exposition (format 0.0.4)
the way a scraper would: every sample line parses, every metric has one
HELP and one TYPE before its samples, label syntax and values are valid,
histograms have increasing le buckets ending in +Inf equal to _count.
Prints the samples as JSON {name{labels}: value}; exits 1 on any error."""
import json, re, sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
SAMPLE = re.compile(r'^(' + NAME + r')(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')

def labels(s):
    out, pos = [], 0
    while pos < len(s):
        m = LABEL.match(s, pos)
        if not m:
            raise ValueError('bad labels: ' + s)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out

def main():
    text = open(sys.argv[1], encoding='utf-8').read()
    if not text.endswith('\n'):
        raise ValueError('no final newline')
    helps, types, samples, order = {}, {}, {}, []
    for n, line in enumerate(text.split('\n')[:-1], 1):
        if line.startswith('# HELP '):
            name = line.split(' ')[2]
            if name in helps:
                raise ValueError('%d: second HELP for %s' % (n, name))
            helps[name] = True
        elif line.startswith('# TYPE '):
            _, _, name, typ = line.split(' ')
            if typ not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
                raise ValueError('%d: bad type %s' % (n, typ))
            if name in types:
                raise ValueError('%d: second TYPE for %s' % (n, name))
            types[name] = typ
        elif line.startswith('#') or line == '':
            continue
        else:
            m = SAMPLE.match(line)
            if not m:
                raise ValueError('%d: not a sample: %r' % (n, line))
            name, lab, value = m.group(1), m.group(3) or '', m.group(4)
            base = re.sub(r'_(bucket|sum|count)$', '', name)
            if name not in types and base not in types:
                raise ValueError('%d: %s has no TYPE before it' % (n, name))
            float(value)
            key = name + '{' + ','.join('%s="%s"' % kv for kv in labels(lab)) + '}'
            if key in samples:
                raise ValueError('%d: duplicate sample %s' % (n, key))
            samples[key] = float(value)
            order.append((name, labels(lab), float(value)))
    for name, typ in types.items():
        if typ != 'histogram':
            continue
        buckets = [(dict(l)['le'], v) for nm, l, v in order if nm == name + '_bucket']
        if not buckets or buckets[-1][0] != '+Inf':
            raise ValueError('%s: buckets must end with +Inf' % name)
        les = [float(le) for le, _ in buckets[:-1]]
        if les != sorted(les):
            raise ValueError('%s: le not increasing' % name)
        vals = [v for _, v in buckets]
        if vals != sorted(vals):
            raise ValueError('%s: bucket counts not cumulative' % name)
        if samples.get(name + '_count{}') != vals[-1]:
            raise ValueError('%s: +Inf bucket != _count' % name)
    print(json.dumps(samples, ensure_ascii=False))

try:
    main()
except (ValueError, OSError) as e:
    print('promcheck: %s' % e, file=sys.stderr)
    sys.exit(1)
