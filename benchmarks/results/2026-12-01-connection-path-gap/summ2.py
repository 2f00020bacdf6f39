import json,sys,glob,collections,statistics as st,re,os
d=sys.argv[1]
rows=collections.defaultdict(list)
for f in sorted(glob.glob(d+'/*.json')):
    v=re.sub(r'-\d+$','',os.path.basename(f)[:-5])
    try: data=json.load(open(f))
    except Exception: continue
    for r in data:
        p=r['params']['path']; pm=r['primaryMetric']
        b=r['secondaryMetrics'].get('gc.alloc.rate.norm',{}).get('score')
        rows[(v,p)].append((pm['score'],pm['scoreError'],b,[y for fork in pm['rawData'] for y in fork]))
order=['hikari-primary','pgrouter-read','pgrouter-write','spring-read','spring-write']
print('| version | path | JMH score ± 99.9% per run | median of all iterations | q1-q3 | B/op |')
print('|---|---|---|---|---|---|')
for v in sorted({k[0] for k in rows}, key=lambda x: x!='before'):
    for p in order:
        l=rows.get((v,p))
        if not l: continue
        raw=sorted(y for x in l for y in x[3]); q=st.quantiles(raw,n=4)
        bs=[round(x[2]) for x in l]; bt=f"{min(bs):.0f}" if min(bs)==max(bs) else f"{min(bs):.0f} to {max(bs):.0f}"
        runs=', '.join(f'{x[0]:.0f} ± {x[1]:.0f}' for x in l)
        print(f"| {v} | {p} | {runs} | {st.median(raw):.0f} | {q[0]:.0f} to {q[2]:.0f} | {bt} |")
