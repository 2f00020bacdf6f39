import glob, re, statistics as st, math, sys
d = sys.argv[1] if len(sys.argv) > 1 else 'cpu'
runs = {}
for f in sorted(glob.glob(d + '/*-*.log')):
    m = re.search(r'(before|after)-(\d+)\.log', f)
    vals = {}
    for line in open(f):
        mm = re.match(r'(\S+) cpu-ns/op median ([\d.]+) q1 ([\d.]+) q3 ([\d.]+) min ([\d.]+) B/op (\d+)', line)
        if mm:
            vals[mm.group(1)] = (float(mm.group(2)), float(mm.group(5)), int(mm.group(6)))
    if len(vals) == 3:
        runs.setdefault(m.group(1), []).append((int(m.group(2)), vals))
def sem(xs):
    return st.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else float('nan')
print('| version | path | runs | CPU ns/op (median of batches, mean over runs) | added vs HikariCP (ns) | ratio to HikariCP | B/op |')
print('|---|---|---|---|---|---|---|')
for v in ('before', 'after'):
    rs = runs.get(v, [])
    for p in ('hikari-primary', 'pgrouter-write', 'pgrouter-read'):
        ns = [r[p][0] for _, r in rs]
        added = [r[p][0] - r['hikari-primary'][0] for _, r in rs]
        ratio = [r[p][0] / r['hikari-primary'][0] for _, r in rs]
        b = st.mean(r[p][2] for _, r in rs)
        print(f'| {v} | {p} | {len(rs)} | {st.mean(ns):.1f} ± {sem(ns):.1f} | {st.mean(added):+.1f} ± {sem(added):.1f} | {st.mean(ratio):.3f} ± {sem(ratio):.3f} | {b:.0f} |')
print()
print('| path | paired change of the added ns (after − before, same round) | rounds |')
print('|---|---|---|')
b = dict(runs['before']); a = dict(runs['after'])
for p in ('pgrouter-write', 'pgrouter-read'):
    diffs = [(a[i][p][0] - a[i]['hikari-primary'][0]) - (b[i][p][0] - b[i]['hikari-primary'][0]) for i in sorted(set(a) & set(b))]
    print(f'| {p} | {st.mean(diffs):+.1f} ± {sem(diffs):.1f} | {len(diffs)} |')
