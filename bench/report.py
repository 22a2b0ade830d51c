#!/usr/bin/python3
"""report.py RAW ORIG_LIB OURS_LIB CONC_SECONDS: the table of `make bench`.

RAW holds one line per run: label=… which=orig|ours|none, then the program's key=value pairs.
Medians over the repetitions; ratios are ours / original. Exit status 1 when a run failed or
loaded the wrong library (the figures would mean nothing), 0 otherwise: a missed target is a
finding to report, not a broken benchmark.
"""
import os
import re
import statistics
import sys

raw, orig_lib, ours_lib, conc_s = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
want = {'orig': os.path.realpath(orig_lib), 'ours': os.path.realpath(ours_lib)}
runs = {}
problems = []
for line in open(raw):
    kv = dict(re.findall(r'(\w+)=(\S+)', line))
    if 'label' not in kv:
        continue
    label, which = kv.pop('label'), kv.pop('which')
    if kv.get('failed'):
        problems.append(f'{label} ({which}) failed')
        continue
    lib = kv.pop('lib', None)
    if which in want and lib is not None and os.path.realpath(lib) != want[which]:
        problems.append(f'{label} ({which}) loaded {lib}, not {want[which]}')
        continue
    runs.setdefault((label, which), []).append({k: float(v) for k, v in kv.items() if re.fullmatch(r'-?[\d.]+', v)})


def med(label, which, f):
    vals = [f(r) for r in runs.get((label, which), [])]
    return statistics.median(vals) if vals else None


def mbps(r):
    # players: the reading time (connect is measured on its own); publishers: the loop alone
    return r['bytes'] / 1e6 / r.get('read_wall', r['wall'])


def cpu100(r):
    return (r['user'] + r['sys']) / (r['bytes'] / 1e8)


def slope(label, which):
    """Instructions per MB: the difference between the large and the small input, so that the
    fixed cost (start-up, connect) drops out."""
    pts = {}
    for line in open(raw):
        kv = dict(re.findall(r'(\w+)=(\S+)', line))
        if kv.get('label') == f'cg_{label}' and kv.get('which') == which and 'Ir' in kv and kv.get('bytes'):
            pts[kv['size']] = (int(kv['bytes']), int(kv['Ir']))
    if 'small' not in pts or 'large' not in pts:
        return None
    (b0, i0), (b1, i1) = pts['small'], pts['large']
    return (i1 - i0) / ((b1 - b0) / 1e6)


rows = []
verdicts = []


def row(what, o, u, fmt='{:,.1f}', better='higher', target=None):
    ratio = u / o if o and u is not None else None
    cells = [what, fmt.format(o) if o is not None else '-', fmt.format(u) if u is not None else '-',
             f'{ratio:.3f}' if ratio is not None else '-']
    if target:
        op, limit = target
        met = ratio is not None and (ratio >= limit if op == '>=' else ratio <= limit)
        cells.append(f'{op} {limit:g}  ' + ('met' if met else 'MISSED'))
        verdicts.append((what, met))
    else:
        cells.append('')
    rows.append(cells)


def section(title):
    rows.append([f'## {title}', '', '', '', ''])


section('throughput (loopback, nginx-rtmp, medians of the repetitions)')
row('play (RTMP_Read from vod): MB/s', med('play', 'orig', mbps), med('play', 'ours', mbps), target=('>=', 1))
row('play: client CPU s per 100 MB', med('play', 'orig', cpu100), med('play', 'ours', cpu100), '{:.4f}')
row('publish (RTMP_Write), 128-byte chunks: MB/s', med('pub128', 'orig', mbps), med('pub128', 'ours', mbps), target=('>=', 5))
row('publish, 128-byte chunks: client CPU s per 100 MB', med('pub128', 'orig', cpu100), med('pub128', 'ours', cpu100), '{:.4f}')
row('publish, 4096-byte chunks: MB/s', med('pub4096', 'orig', mbps), med('pub4096', 'ours', mbps), target=('>=', 1.3))
row('publish, 4096-byte chunks: client CPU s per 100 MB', med('pub4096', 'orig', cpu100), med('pub4096', 'ours', cpu100), '{:.4f}')
row('publish, library defaults (128 / 4096): MB/s', med('pubdefault', 'orig', mbps), med('pubdefault', 'ours', mbps))
tcp_mbps, tcp_cpu = med('tcp', 'none', mbps), med('tcp', 'none', cpu100)
play_cpu = med('play', 'ours', cpu100)
row('plain TCP receive of the same bytes: MB/s (the limit)', tcp_mbps, med('play', 'ours', mbps))
row('play CPU per MB vs a plain TCP receive (original, ours / TCP)', med('play', 'orig', cpu100) / tcp_cpu if tcp_cpu else None,
    play_cpu / tcp_cpu if tcp_cpu and play_cpu else None, '{:.2f}x')
if tcp_cpu and play_cpu:
    verdicts.append(('play CPU per MB <= 2x a plain TCP receive', play_cpu / tcp_cpu <= 2))
    rows[-1][4] = f'ours <= 2x TCP  ' + ('met' if play_cpu / tcp_cpu <= 2 else 'MISSED')

section('instructions per MB of payload (callgrind, user space, large - small input)')
for label, what in (('play', 'play'), ('pub128', 'publish, 128-byte chunks'), ('pub4096', 'publish, 4096-byte chunks')):
    row(f'{what}: instructions per MB', slope(label, 'orig'), slope(label, 'ours'), '{:,.0f}', target=('<=', 0.1))
row('plain TCP receive: instructions per MB', None, slope('tcp', 'none'), '{:,.0f}')

section('connect + createStream + play, and memory of one session')
row('connect to playing: wall ms (median)', *(x * 1000 if x is not None else None for x in (med('play', 'orig', lambda r: r['connect_med']),
                                                                                         med('play', 'ours', lambda r: r['connect_med']))), '{:.2f}')
row('connect to playing: client CPU ms', *(x * 1000 if x is not None else None for x in (med('play', 'orig', lambda r: r['connect_cpu_med']),
                                                                                     med('play', 'ours', lambda r: r['connect_cpu_med']))), '{:.3f}')
o_rss, u_rss = med('play', 'orig', lambda r: r['maxrss_kB']), med('play', 'ours', lambda r: r['maxrss_kB'])
row('peak RSS of a one-session player (kB, whole process)', o_rss, u_rss, '{:,.0f}')

for label in sorted({l for (l, _) in runs if l.startswith('conc')}, key=lambda s: int(s[4:])):
    n = int(label[4:])
    section(f'{n} concurrent live sessions (threads, one process, {conc_s:g} s at ~1 Mbit/s each)')
    row('sessions that played', med(label, 'orig', lambda r: r['ok']), med(label, 'ours', lambda r: r['ok']), '{:.0f}')
    row('bytes of the poorest session (kB)', med(label, 'orig', lambda r: r['min_bytes'] / 1000),
        med(label, 'ours', lambda r: r['min_bytes'] / 1000), '{:,.0f}')
    row('CPU per session (ms per s of stream)', med(label, 'orig', lambda r: (r['user'] + r['sys']) / n / conc_s * 1000),
        med(label, 'ours', lambda r: (r['user'] + r['sys']) / n / conc_s * 1000), '{:.3f}')
    o = med(label, 'orig', lambda r: (r['rss_mid_kB'] - r['rss_base_kB']) / n)
    u = med(label, 'ours', lambda r: (r['rss_mid_kB'] - r['rss_base_kB']) / n)
    row('memory per session (kB of RSS)', o, u, '{:,.1f}')
    if o is not None and u is not None:
        ok = u <= o + 64 * 1.024
        rows[-1][4] = '<= original + 64 KiB  ' + ('met' if ok else 'MISSED')
        verdicts.append((f'memory per session at {n}', ok))
    if n >= 1000:
        allok = (med(label, 'ours', lambda r: r['ok']) or 0) >= n
        verdicts.append((f'{n} sessions without errors', allok))

widths = [max(len(r[i]) for r in rows) for i in range(5)]
head = ['measure', 'original', 'ours', 'ours/orig', 'target']
print('  '.join(h.ljust(w) for h, w in zip(head, widths)))
for r in rows:
    if r[0].startswith('## '):
        print(r[0][3:])
        continue
    print('  '.join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:4], widths[1:4])] + [r[4]]))
print(f'targets met: {sum(1 for _, m in verdicts if m)} of {len(verdicts)}' +
      ''.join(f'\n  MISSED: {w}' for w, m in verdicts if not m))
for p in problems:
    print(f'PROBLEM: {p}')
sys.exit(1 if problems else 0)
